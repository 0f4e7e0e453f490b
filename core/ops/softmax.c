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
 *
 * Both run on the core's pool (parallel.h), in blocks of pixels.  The
 * loss's sums are taken per chunk of XENT_CHUNK pixels (a number of
 * chunks that does not depend on the threads) and the chunks' sums added
 * in order, so the result is the same on any number of threads.  (The
 * three heads' softmax and loss took 1.8 ms of a 33 ms default training
 * step on one thread.)
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "ops.h"
#include "parallel.h"

/* Pixels per block: the per-pixel maximum and sum live on the stack so that
 * every loop runs over contiguous pixels of one channel and vectorises. */
#define SOFTMAX_BLOCK 256

typedef struct
{
  const float *z;       /* logits [N, K, H, W] */
  float       *p;       /* probabilities, may be z */
  int          K;
  size_t       HW;
  size_t       per_image; /* blocks of SOFTMAX_BLOCK pixels per image */
  size_t       blocks;    /* N · per_image */
} SoftmaxJob;

static void
softmax_part (void *ctx, int ith, int nth)
{
  const SoftmaxJob *j = ctx;
  const int K = j->K;
  const size_t HW = j->HW;
  size_t b0, b1;

  mg_parallel_range (j->blocks, ith, nth, &b0, &b1);
  for (size_t b = b0; b < b1; b++)
    {
      const size_t n = b / j->per_image;
      const size_t i0 = b % j->per_image * SOFTMAX_BLOCK;
      const float *z = j->z + n * K * HW;
      float       *p = j->p + n * K * HW;
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

void
mg_softmax_forward (MgTensor prob,   /* [N, K, H, W], may be logits */
                    MgTensor logits) /* [N, K, H, W] */
{
  const int    K  = logits.c;
  const size_t HW = (size_t) logits.h * logits.w;
  SoftmaxJob   j;

  assert (prob.n == logits.n && prob.c == K);
  assert (prob.h == logits.h && prob.w == logits.w);
  assert (prob.data != NULL && logits.data != NULL && K > 0);

  j.z = logits.data;
  j.p = prob.data;
  j.K = K;
  j.HW = HW;
  j.per_image = (HW + SOFTMAX_BLOCK - 1) / SOFTMAX_BLOCK;
  j.blocks = (size_t) logits.n * j.per_image;
  mg_parallel_run (softmax_part, &j);
}

/* Pixels per chunk of the loss's sums (and at most XENT_CHUNKS chunks:
 * the partial sums live on the stack). */
enum { XENT_CHUNK = 4096, XENT_CHUNKS = 512 };

typedef struct
{
  MgTensor       dlogits, prob;
  const uint8_t *target;
  const float   *class_weight;
  size_t         HW, total, chunk, chunks;
  double         coeff;              /* pass 2: scale / Σ w */
  double         wsum[XENT_CHUNKS];  /* pass 1, per chunk */
  double         lsum[XENT_CHUNKS];
} XentJob;

/* Pixels [g, g1) of the batch (g counting over all images) up to the end
 * of g's image: that image n and its pixels [*i0, *i1).  The loops below
 * run over such runs, so that a pixel's image and place are not divided
 * out of g one pixel at a time. */
static size_t
image_run (size_t HW, size_t g, size_t g1, size_t *i0, size_t *i1)
{
  *i0 = g % HW;
  *i1 = HW - *i0 < g1 - g ? HW : *i0 + (g1 - g);
  return g / HW;
}

/* Pass 1 over the chunks of part ith: Σ w and Σ w · −log p(y) each. */
static void
xent_loss_part (void *ctx, int ith, int nth)
{
  XentJob *j = ctx;
  const int K = j->prob.c;
  size_t c0, c1;

  mg_parallel_range (j->chunks, ith, nth, &c0, &c1);
  for (size_t c = c0; c < c1; c++)
    {
      const size_t g1 = (c + 1) * j->chunk < j->total ? (c + 1) * j->chunk
                                                       : j->total;
      double wsum = 0.0, lsum = 0.0;

      for (size_t g = c * j->chunk; g < g1;)
        {
          size_t i0, i1;
          const size_t n = image_run (j->HW, g, g1, &i0, &i1);
          const uint8_t *t = j->target + n * j->HW;
          const float *p = j->prob.data + n * K * j->HW;

          for (size_t i = i0; i < i1; i++)
            {
              double w;

              if (t[i] == MG_IGNORE)
                continue;
              assert (t[i] < K);
              w = j->class_weight != NULL ? j->class_weight[t[i]] : 1.0;
              wsum += w;
              lsum -= w * log (fmaxf (p[t[i] * j->HW + i], 1e-30f));
            }
          g += i1 - i0;
        }
      j->wsum[c] = wsum;
      j->lsum[c] = lsum;
    }
}

/* Pass 2 over the pixels of part ith, an image_run at a time:
 * dz[k, i] += coeff · w(y_i) (p[k, i] − [k = y_i]). */
static void
xent_grad_part (void *ctx, int ith, int nth)
{
  const XentJob *j = ctx;
  const int K = j->prob.c;
  const float coeff = (float) j->coeff;
  size_t g0, g1;

  mg_parallel_range (j->total, ith, nth, &g0, &g1);
  while (g0 < g1)
    {
      size_t i0, i1;
      const size_t n = image_run (j->HW, g0, g1, &i0, &i1);
      const uint8_t *t = j->target + n * j->HW;

      for (int k = 0; k < K; k++)
        {
          const float *pk = j->prob.data + (n * K + k) * j->HW;
          float       *gk = j->dlogits.data + (n * K + k) * j->HW;

          for (size_t i = i0; i < i1; i++)
            {
              float w;

              if (t[i] == MG_IGNORE)
                continue;
              w = j->class_weight != NULL ? j->class_weight[t[i]] : 1.0f;
              gk[i] += coeff * w * (pk[i] - (t[i] == k ? 1.0f : 0.0f));
            }
        }
      g0 += i1 - i0;
    }
}

float
mg_xent_forward_backward (MgTensor       dlogits, /* [N, K, H, W] or no data */
                          MgTensor       prob,    /* [N, K, H, W] */
                          const uint8_t *target,  /* [N, H, W] */
                          const float   *class_weight, /* [K] or NULL */
                          float          scale)
{
  const size_t HW = (size_t) prob.h * prob.w;
  const size_t total = (size_t) prob.n * HW;
  XentJob j;   /* 8 KB of partial sums, on the caller's stack */
  double wsum = 0.0, lsum = 0.0;

  assert (prob.data != NULL && target != NULL);

  j.dlogits = dlogits;
  j.prob = prob;
  j.target = target;
  j.class_weight = class_weight;
  j.HW = HW;
  j.total = total;
  j.chunk = XENT_CHUNK;
  if ((total + j.chunk - 1) / j.chunk > XENT_CHUNKS)
    j.chunk = (total + XENT_CHUNKS - 1) / XENT_CHUNKS;
  j.chunks = (total + j.chunk - 1) / j.chunk;
  mg_parallel_run (xent_loss_part, &j);
  /* in chunk order: the same sums on any number of threads */
  for (size_t c = 0; c < j.chunks; c++)
    {
      wsum += j.wsum[c];
      lsum += j.lsum[c];
    }
  if (wsum <= 0.0)
    return 0.0f;
  if (dlogits.data == NULL)
    return (float) (lsum / wsum);

  assert (dlogits.n == prob.n && dlogits.c == prob.c);
  assert (dlogits.h == prob.h && dlogits.w == prob.w);

  j.coeff = scale / wsum;
  mg_parallel_run (xent_grad_part, &j);
  return (float) (lsum / wsum);
}
