/* resample.h — working at a coarser scale.  Large objects (a fetal head
 * 200 px across) do not fit into the network's field of view (about 90 px
 * at full resolution), so the model works on the image shrunk by an
 * integer factor and its probabilities are brought back up (see
 * train/scale.c for how the factor is chosen). */
#ifndef MG_RESAMPLE_H
#define MG_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

/* Side of a dimension `n` shrunk by `factor`: ceil (n / factor). */
static inline int
mg_scaled_size (int n, int factor)
{
  return (n + factor - 1) / factor;
}

/* Box average of every factor x factor block (partial blocks at the right
 * and bottom edge average the pixels they have).
 *   in [channels, h, w] → out [channels, ceil(h/f), ceil(w/f)] */
void mg_downsample_image (float *out, const float *in, int channels, int width,
                          int height, int factor);

/* The label of each block: the most frequent label among its labelled
 * (non-zero) pixels, 0 when it has none; ties go to the smaller value.
 * Thin strokes survive because unlabelled pixels do not vote.
 *   in [h, w] → out [ceil(h/f), ceil(w/f)] */
void mg_downsample_labels (uint8_t *out, const uint8_t *in, int width,
                           int height, int factor);

/* Bilinear interpolation of planar maps back to full size, pixel centres
 * aligned (full-size pixel x sits at (x + 0.5) / f - 0.5 in the small
 * map), clamped at the edges.
 *   in [planes, ceil(h/f), ceil(w/f)] → out [planes, h, w] */
void mg_upsample_planes (float *out, const float *in, int planes, int width,
                         int height, int factor);

#endif /* MG_RESAMPLE_H */
