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

/* exp(−d² / (2σ²)), d² the mean over the C channels (planes of HW) of
 * the squared difference of pixels a and b. */
static inline float
affinity (const float *x, int C, size_t HW, size_t a, size_t b,
          float inv_two_sigma2)
{
  float d2 = 0;

  for (int c = 0; c < C; c++)
    {
      float d = x[c * HW + a] - x[c * HW + b];
      d2 += d * d;
    }
  return expf (-d2 / C * inv_two_sigma2);
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
  double       loss = 0;

  assert (image.n == prob.n && image.h == H && image.w == W);
  for (int n = 0; n < prob.n; n++)
    {
      const float *p = prob.data + (size_t) n * K * HW;
      const float *x = image.data + (size_t) n * C * HW;

      for (int y = 0; y < H; y++)
        for (int xx = 0; xx < W; xx++)
          {
            size_t i = (size_t) y * W + xx;

            if (xx + 1 < W)
              {
                float w = affinity (x, C, HW, i, i + 1, s2), d2 = 0;
                for (int k = 0; k < K; k++)
                  {
                    float d = p[k * HW + i] - p[k * HW + i + 1];
                    d2 += d * d;
                  }
                loss += w * d2;
              }
            if (y + 1 < H)
              {
                float w = affinity (x, C, HW, i, i + W, s2), d2 = 0;
                for (int k = 0; k < K; k++)
                  {
                    float d = p[k * HW + i] - p[k * HW + i + W];
                    d2 += d * d;
                  }
                loss += w * d2;
              }
          }
    }
  if (dlogits.data == NULL)
    return (float) (loss * norm);
  assert (dlogits.n == prob.n && dlogits.c == K && dlogits.h == H
          && dlogits.w == W);

  /* Per pixel: g_k = ∂loss/∂p_k = 2 Σ_q w_iq (p_k(i) − p_k(q)) · norm over
   * its 4 neighbours q, then through the softmax:
   * ∂/∂z_k = p_k (g_k − Σ_j p_j g_j). */
  for (int n = 0; n < prob.n; n++)
    {
      const float *p = prob.data + (size_t) n * K * HW;
      const float *x = image.data + (size_t) n * C * HW;
      float       *g = dlogits.data + (size_t) n * K * HW;

      for (int y = 0; y < H; y++)
        for (int xx = 0; xx < W; xx++)
          {
            size_t i = (size_t) y * W + xx;
            size_t q[4];
            float w[4], dot = 0;
            int nq = 0;

            if (xx > 0)
              q[nq++] = i - 1;
            if (xx + 1 < W)
              q[nq++] = i + 1;
            if (y > 0)
              q[nq++] = i - W;
            if (y + 1 < H)
              q[nq++] = i + W;
            for (int j = 0; j < nq; j++)
              w[j] = 2 * (float) norm * affinity (x, C, HW, i, q[j], s2);
            /* g_k is formed twice (for Σ p_j g_j, then for each k) rather
             * than kept: K goes up to MG_MAX_CLASSES + 1 */
            for (int k = 0; k < K; k++)
              {
                float gk = 0;
                for (int j = 0; j < nq; j++)
                  gk += w[j] * (p[k * HW + i] - p[k * HW + q[j]]);
                dot += p[k * HW + i] * gk;
              }
            for (int k = 0; k < K; k++)
              {
                float gk = 0;
                for (int j = 0; j < nq; j++)
                  gk += w[j] * (p[k * HW + i] - p[k * HW + q[j]]);
                g[k * HW + i] += scale * p[k * HW + i] * (gk - dot);
              }
          }
    }
  return (float) (loss * norm);
}
