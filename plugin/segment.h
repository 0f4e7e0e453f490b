/* segment.h — the work of plug-in-maskgrow-segment: read the image and the
 * hints, train, segment, write channels and the selection. */
#ifndef MASKGROW_SEGMENT_H
#define MASKGROW_SEGMENT_H

#include <libgimp/gimp.h>

typedef struct
{
  gdouble seconds;    /* training budget, 0 = no limit */
  gint    iterations; /* optimiser steps, 0 = no limit */
  gint    seed;       /* the core's RNG seed */
  gint    threads;    /* 0 = all cores */
} MaskgrowSegmentOptions;

/* Trains on `source` (pixels) with `hints` and optionally `exact`, then
 * segments `source`.  Adds one channel per object class and replaces the
 * selection with their union, in one undo group; existing layers are not
 * changed.  Returns the channel of class 1 (owned by the image), or NULL
 * and sets `error`. */
GimpChannel *maskgrow_segment (GimpImage                    *image,
                               GimpLayer                    *source,
                               GimpLayer                    *hints,
                               GimpLayer                    *exact,
                               const MaskgrowSegmentOptions *options,
                               GError                      **error);

#endif /* MASKGROW_SEGMENT_H */
