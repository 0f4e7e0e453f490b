/* predict.h — the network's class probabilities for a whole image at the
 * image's own resolution (tiled, see segment.c); internal to the core.
 * mg_segment adds the working scale and the argmax on top. */
#ifndef MG_PREDICT_H
#define MG_PREDICT_H

#include "maskgrow-core.h"

/* prob: [classes + 1, H, W] planar, class 0 = background: the model's
 * output, seg_weight · P_seg + (1 − seg_weight) · P_approx (model.h), from
 * the image as it is (one view).
 * gap: NULL or [H, W], the separation head's probability of a gap. */
MgStatus mg_predict (const MgModel *model, const MgImage *image, float *prob,
                     float *gap, MgProgressFn progress, void *user_data,
                     MgError *err);

/* Windows of at most MG_WINDOW_MAX pixels a side (segment.c).  Measured
 * (maskgrow bench, grey, 2 cores), 1024² / 4096² image: windows of 512
 * 1.13 s / 19.3 s, peak 185 / 515 MB; 768: 0.96 s / 15.0 s, 314 / 705 MB;
 * 1024: 1.53 s / 13.5 s, 968 / 1028 MB (one 1024² window is slower than
 * four of 568²: its activations no longer stay in cache). */
#define MG_WINDOW_MAX 768

/* mg_predict with windows of at most max_window pixels a side (a multiple
 * of 8 above twice the margin, 128), averaging `views` mirrored views of
 * each window (1, 2 or 4; mg_model_set_views). */
MgStatus mg_predict_tiled (const MgModel *model, const MgImage *image,
                           float *prob, float *gap, int max_window,
                           int views, MgProgressFn progress, void *user_data,
                           MgError *err);

/* The same for an image at full size, with the model's views: at the
 * model's working scale (shrunk, predicted, enlarged; infer/resample.h).
 * This is what mg_segment sees; training's own predictions (levels,
 * previews) use mg_predict, one view, for speed. */
MgStatus mg_predict_full (const MgModel *model, const MgImage *image,
                          float *prob, float *gap, MgProgressFn progress,
                          void *user_data, MgError *err);

#endif /* MG_PREDICT_H */
