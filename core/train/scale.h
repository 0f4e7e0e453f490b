/* scale.h — choosing the factor the network works at (see
 * infer/resample.h for why). */
#ifndef MG_SCALE_H
#define MG_SCALE_H

#include "maskgrow-core.h"

/* Objects should be at most about this many pixels across at the working
 * scale: well inside the network's field of view (about 90 px), with
 * context around them. */
#define MG_SCALE_TARGET_DIAMETER 40
#define MG_SCALE_MAX             8
/* never shrink an image below this many pixels on its shorter side */
#define MG_SCALE_MIN_SIDE        64

/* The shrinking factor (1..MG_SCALE_MAX) for these samples, from the size
 * of the painted objects: the median over every painted region of its
 * inner radius (largest distance to its outline), doubled for hints,
 * which people paint well inside the object (about half its radius), and
 * taken as is for exact labels.  1 when nothing suggests large objects or
 * when memory for the estimate is short. */
int mg_scale_choose (const MgTrainSample *samples, int n_samples);

/* Copies of the samples shrunk by `factor` (images box-averaged, label maps
 * by vote, see infer/resample.h) into one block *storage that the caller
 * frees, with *scaled pointing into it. */
MgStatus mg_scale_samples (const MgTrainSample *samples, int n_samples,
                           int factor, MgTrainSample **scaled,
                           void **storage, MgError *err);

#endif /* MG_SCALE_H */
