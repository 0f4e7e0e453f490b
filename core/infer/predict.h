/* predict.h — the network's class probabilities for a whole image at the
 * image's own resolution (tiled, see segment.c); internal to the core.
 * mg_segment adds the working scale and the argmax on top. */
#ifndef MG_PREDICT_H
#define MG_PREDICT_H

#include "maskgrow-core.h"

/* prob: [classes + 1, H, W] planar, class 0 = background: the model's
 * output, seg_weight · P_seg + (1 − seg_weight) · P_approx (model.h).
 * gap: NULL or [H, W], the separation head's probability of a gap. */
MgStatus mg_predict (const MgModel *model, const MgImage *image, float *prob,
                     float *gap, MgProgressFn progress, void *user_data,
                     MgError *err);

/* The same for an image at full size: at the model's working scale
 * (shrunk, predicted, enlarged; infer/resample.h). */
MgStatus mg_predict_full (const MgModel *model, const MgImage *image,
                          float *prob, float *gap, MgProgressFn progress,
                          void *user_data, MgError *err);

#endif /* MG_PREDICT_H */
