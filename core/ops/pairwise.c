/* pairwise.c — the image-gated smoothness loss (ops.h): neighbouring
 * pixels that look alike should get the same class probabilities.
 *
 * Why: rough hints label object pixels well inside objects and
 * background pixels away from them; the band in between is unlabelled,
 * and cross-entropy alone lets the network put the boundary anywhere in
 * it (a halo, or objects shrunk to their blobs).  This term is cheap
 * where the image changes (an edge) and dear where it does not, so the
 * boundary settles on the edge: the local form of the regularised losses
 * for weakly supervised segmentation (Tang et al., ECCV 2018; Obukhov et
 * al., gated CRF loss, 2019). */
#include "ops/ops.h"

#include <assert.h>
#include <math.h>

/* Σ over `count` planes of HW of (v[a] − v[b])²: the squared distance of
 * pixels a and b. */
static inline float
sq_distance (const float *v, int count, size_t HW, size_t a, size_t b)
{
  float d2 = 0;

  for (int c = 0; c < count; c++)
    {
      float d = v[c * HW + a] - v[c * HW + b];
      d2 += d * d;
    }
  return d2;
}

/* One pair (a, b) of neighbours: returns w_ab ‖p(a) − p(b)‖² and, if g is
 * not NULL, adds `grad_scale` times its gradient to the logits of both
 * pixels.  Through the softmax, ∂/∂z_k = p_k (g_k − Σ_j p_j g_j) is linear
 * in g, so each pair can add its share directly: at a, g_k = 2w d_k with
 * d = p(a) − p(b), and Σ_j p_j g_j = 2w Σ_j p_j(a) d_j (and mirrored at
 * b).  One exp per pair, no per-pixel buffer. */
static inline float
add_pair (const float *p, const float *x, float *g, int K, int C, size_t HW,
          size_t a, size_t b, float inv_two_sigma2, float grad_scale)
{
  const float w = expf (-sq_distance (x, C, HW, a, b) / C * inv_two_sigma2);
  float pa_d = 0, pb_d = 0;     /* Σ_k p_k(a) d_k, Σ_k p_k(b) d_k */

  for (int k = 0; k < K; k++)
    {
      float d = p[k * HW + a] - p[k * HW + b];
      pa_d += p[k * HW + a] * d;
      pb_d += p[k * HW + b] * d;
    }
  if (g != NULL)
    {
      const float c = 2 * w * grad_scale;

      for (int k = 0; k < K; k++)
        {
          float d = p[k * HW + a] - p[k * HW + b];
          g[k * HW + a] += c * p[k * HW + a] * (d - pa_d);
          g[k * HW + b] -= c * p[k * HW + b] * (d - pb_d);
        }
    }
  return w * (pa_d - pb_d);     /* Σ_k d_k² = Σ_k (p_k(a) − p_k(b)) d_k */
}

float
mg_pairwise_forward_backward (MgTensor dlogits, MgTensor prob, MgTensor image,
                              float sigma, float scale)
{
  const int    K = prob.c, C = image.c, H = prob.h, W = prob.w;
  const size_t HW = (size_t) H * W;
  const float  s2 = 1.0f / (2 * sigma * sigma);
  /* the loss is a mean over pixels: every pixel has (up to) two pairs,
   * right and down */
  const double norm = 1.0 / ((double) prob.n * HW);
  const float  grad_scale = scale * (float) norm;
  double       loss = 0;

  assert (image.n == prob.n && image.h == H && image.w == W);
  if (dlogits.data != NULL)
    assert (dlogits.n == prob.n && dlogits.c == K && dlogits.h == H
            && dlogits.w == W);
  for (int n = 0; n < prob.n; n++)
    {
      const float *p = prob.data + (size_t) n * K * HW;
      const float *x = image.data + (size_t) n * C * HW;
      float *g = dlogits.data ? dlogits.data + (size_t) n * K * HW : NULL;

      /* right neighbours (dx 1), then lower ones (dy 1) */
      for (int dy = 0; dy <= 1; dy++)
        {
          const int dx = 1 - dy;
          const size_t offset = (size_t) dy * W + dx;

          for (int y = 0; y + dy < H; y++)
            for (int xx = 0; xx + dx < W; xx++)
              {
                size_t a = (size_t) y * W + xx;
                loss += add_pair (p, x, g, K, C, HW, a, a + offset, s2,
                                  grad_scale);
              }
        }
    }
  return (float) (loss * norm);
}
