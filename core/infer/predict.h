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

/* Windows of at most MG_WINDOW_MAX pixels a side (segment.c): 640 px
 * keeps the network's buffers near 0.5 GB for a grey image while the
 * overlaps add at most ~1.5x work on large images. */
#define MG_WINDOW_MAX 640

/* mg_predict with windows of at most max_window pixels a side (a multiple
 * of 8 above twice the margin, 128), for tests of the tiling. */
MgStatus mg_predict_tiled (const MgModel *model, const MgImage *image,
                           float *prob, float *gap, int max_window,
                           MgProgressFn progress, void *user_data,
                           MgError *err);

/* The same for an image at full size: at the model's working scale
 * (shrunk, predicted, enlarged; infer/resample.h). */
MgStatus mg_predict_full (const MgModel *model, const MgImage *image,
                          float *prob, float *gap, MgProgressFn progress,
                          void *user_data, MgError *err);

#endif /* MG_PREDICT_H */
