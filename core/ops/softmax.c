/* softmax.c — softmax over channels and masked, weighted cross-entropy.
 *
 * Softmax at each pixel i of each image:
 *   p[k, i] = exp (z[k, i] − m_i) / Σ_j exp (z[j, i] − m_i),
 *   m_i = max_j z[j, i]
 * (subtracting the maximum keeps exp from overflowing; it cancels).
 *
 * Cross-entropy over the labelled pixels L = { i : y_i ≠ MG_IGNORE }:
 *   loss = Σ_{i∈L} w(y_i) · −log p(y_i, i)  /  Σ_{i∈L} w(y_i)
 *   ∂loss/∂z[k, i] = w(y_i) · (p[k, i] − [k = y_i]) / Σ_{j∈L} w(y_j)
 * The gradient is taken with respect to the LOGITS through the softmax
 * (the usual fused form), so the softmax has no backward of its own.  log p
 * is clamped at 1e-30 only to keep the loss finite when p underflows to 0;
 * the gradient formula needs no clamp.
 *
 * Layout: float32 NCHW, K = channels; target [N, H, W] bytes.
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "ops.h"

/* Pixels per block: the per-pixel maximum and sum live on the stack so that
 * every loop runs over contiguous pixels of one channel and vectorises. */
#define SOFTMAX_BLOCK 256

void
mg_softmax_forward (MgTensor prob,   /* [N, K, H, W], may be logits */
                    MgTensor logits) /* [N, K, H, W] */
{
  const int    K  = logits.c;
  const size_t HW = (size_t) logits.h * logits.w;

  assert (prob.n == logits.n && prob.c == K);
  assert (prob.h == logits.h && prob.w == logits.w);
  assert (prob.data != NULL && logits.data != NULL && K > 0);

  for (int n = 0; n < logits.n; n++)
    {
      const float *z = logits.data + (size_t) n * K * HW;
      float       *p = prob.data + (size_t) n * K * HW;

      for (size_t i0 = 0; i0 < HW; i0 += SOFTMAX_BLOCK)
        {
          const size_t len = HW - i0 < SOFTMAX_BLOCK ? HW - i0 : SOFTMAX_BLOCK;
          float        m[SOFTMAX_BLOCK], s[SOFTMAX_BLOCK];

          for (size_t i = 0; i < len; i++)
            {
              m[i] = z[i0 + i];
              s[i] = 0.0f;
            }
          for (int k = 1; k < K; k++)
            {
              const float *zk = z + k * HW + i0;

              for (size_t i = 0; i < len; i++)
                m[i] = zk[i] > m[i] ? zk[i] : m[i];
            }
          /* Reads z[k] before writing p[k] at the same index, so prob may
           * be logits. */
          for (int k = 0; k < K; k++)
            {
              const float *zk = z + k * HW + i0;
              float       *pk = p + k * HW + i0;

              for (size_t i = 0; i < len; i++)
                {
                  pk[i] = expf (zk[i] - m[i]);
                  s[i] += pk[i];
                }
            }
          for (size_t i = 0; i < len; i++)
            s[i] = 1.0f / s[i];
          for (int k = 0; k < K; k++)
            {
              float *pk = p + k * HW + i0;

              for (size_t i = 0; i < len; i++)
                pk[i] *= s[i];
            }
        }
    }
}

float
mg_xent_forward_backward (MgTensor       dlogits, /* [N, K, H, W] or no data */
                          MgTensor       prob,    /* [N, K, H, W] */
                          const uint8_t *target,  /* [N, H, W] */
                          const float   *class_weight, /* [K] or NULL */
                          float          scale)
{
  const int    K  = prob.c;
  const size_t HW = (size_t) prob.h * prob.w;
  double       wsum = 0.0, lsum = 0.0;
  double       coeff;

  assert (prob.data != NULL && target != NULL);

  /* Pass 1: the loss, and Σ w that normalises the gradient of pass 2. */
  for (int n = 0; n < prob.n; n++)
    {
      const float   *p = prob.data + (size_t) n * K * HW;
      const uint8_t *t = target + (size_t) n * HW;

      for (size_t i = 0; i < HW; i++)
        {
          double w;

          if (t[i] == MG_IGNORE)
            continue;
          assert (t[i] < K);
          w = class_weight != NULL ? class_weight[t[i]] : 1.0;
          wsum += w;
          lsum -= w * log (fmaxf (p[(size_t) t[i] * HW + i], 1e-30f));
        }
    }
  if (wsum <= 0.0)
    return 0.0f;
  if (dlogits.data == NULL)
    return (float) (lsum / wsum);

  assert (dlogits.n == prob.n && dlogits.c == K);
  assert (dlogits.h == prob.h && dlogits.w == prob.w);

  /* Pass 2: dz[k, i] += scale · w(y_i) (p[k, i] − [k = y_i]) / Σ w. */
  coeff = scale / wsum;
  for (int n = 0; n < prob.n; n++)
    {
      const uint8_t *t = target + (size_t) n * HW;

      for (int k = 0; k < K; k++)
        {
          const float *pk = prob.data + ((size_t) n * K + k) * HW;
          float       *gk = dlogits.data + ((size_t) n * K + k) * HW;

          for (size_t i = 0; i < HW; i++)
            {
              float w;

              if (t[i] == MG_IGNORE)
                continue;
              w = class_weight != NULL ? class_weight[t[i]] : 1.0f;
              gk[i] += (float) coeff * w * (pk[i] - (t[i] == k ? 1.0f : 0.0f));
            }
        }
    }

  return (float) (lsum / wsum);
}
