/* pool.c — 2x2 max-pool, stride 2, forward and backward.
 *
 *   out[n, c, y, x] = max_{dy, dx ∈ {0, 1}} in[n, c, 2y + dy, 2x + dx]
 *   din[n, c, 2y + dy*, 2x + dx*] += dout[n, c, y, x],
 *   (dy*, dx*) = the window's arg-max
 *
 * The arg-max is not stored: backward recomputes it from `in` with the same
 * comparison as forward, scanning (0,0), (0,1), (1,0), (1,1) and keeping the
 * first maximum on ties, so the gradient goes to exactly one input.  The
 * windows do not overlap, so every din element gets at most one term
 * (race-free when split over channels).
 *
 * Layout: float32 NCHW; in [N, C, H, W] with H and W even,
 * out [N, C, H/2, W/2].
 */
#include <assert.h>
#include <stddef.h>

#include "ops.h"
#include "parallel.h"

/* Offset of the window maximum relative to r0 + 2x (0, 1, W or W + 1). */
static inline size_t
window_argmax (const float *r0,
               const float *r1,
               int          x,
               int          W)
{
  size_t best_at = 0;
  float  best    = r0[2 * x];

  if (r0[2 * x + 1] > best)
    {
      best    = r0[2 * x + 1];
      best_at = 1;
    }
  if (r1[2 * x] > best)
    {
      best    = r1[2 * x];
      best_at = (size_t) W;
    }
  if (r1[2 * x + 1] > best)
    best_at = (size_t) W + 1;

  return best_at;
}

typedef struct
{
  MgTensor out, in, din, dout;
} PoolJob;

/* Both passes split over the planes (n, c): each thread owns its planes. */
static void
forward_part (void *ctx, int ith, int nth)
{
  const PoolJob *j = ctx;
  const MgTensor out = j->out, in = j->in;
  const int    OH = out.h, OW = out.w, W = in.w;
  size_t p0, p1;

  mg_parallel_range ((size_t) in.n * in.c, ith, nth, &p0, &p1);
  for (size_t p = p0; p < p1; p++)
    for (int y = 0; y < OH; y++)
      {
        const float *r0 = in.data + (p * in.h + 2 * (size_t) y) * W;
        const float *r1 = r0 + W;
        float       *o  = out.data + (p * OH + (size_t) y) * OW;

        /* Same comparisons as window_argmax, written as values so the loop
         * vectorises; both keep the first maximum. */
        for (int x = 0; x < OW; x++)
          {
            float m = r0[2 * x];

            m = r0[2 * x + 1] > m ? r0[2 * x + 1] : m;
            m = r1[2 * x] > m ? r1[2 * x] : m;
            m = r1[2 * x + 1] > m ? r1[2 * x + 1] : m;
            o[x] = m;
          }
      }
}

void
mg_maxpool2_forward (MgTensor out, /* [N, C, H/2, W/2] */
                     MgTensor in)  /* [N, C, H, W] */
{
  PoolJob j = { out, in, { 0 }, { 0 } };

  assert (out.n == in.n && out.c == in.c);
  assert (in.h == 2 * out.h && in.w == 2 * out.w);
  assert (out.data != NULL && in.data != NULL);
  mg_parallel_run (forward_part, &j);
}

static void
backward_part (void *ctx, int ith, int nth)
{
  const PoolJob *j = ctx;
  const MgTensor din = j->din, dout = j->dout, in = j->in;
  const int    OH = dout.h, OW = dout.w, W = in.w;
  size_t p0, p1;

  mg_parallel_range ((size_t) in.n * in.c, ith, nth, &p0, &p1);
  for (size_t p = p0; p < p1; p++)
    for (int y = 0; y < OH; y++)
      {
        const size_t row = (p * in.h + 2 * (size_t) y) * W;
        const float *r0  = in.data + row;
        const float *r1  = r0 + W;
        float       *g   = din.data + row;
        const float *d   = dout.data + (p * OH + (size_t) y) * OW;

        for (int x = 0; x < OW; x++)
          g[2 * (size_t) x + window_argmax (r0, r1, x, W)] += d[x];
      }
}

void
mg_maxpool2_backward (MgTensor din,  /* [N, C, H, W] or data NULL */
                      MgTensor dout, /* [N, C, H/2, W/2] */
                      MgTensor in)   /* [N, C, H, W] */
{
  PoolJob j = { { 0 }, in, din, dout };

  if (din.data == NULL)
    return;
  assert (dout.n == in.n && dout.c == in.c);
  assert (in.h == 2 * dout.h && in.w == 2 * dout.w);
  assert (din.n == in.n && din.c == in.c && din.h == in.h && din.w == in.w);
  assert (dout.data != NULL && in.data != NULL);
  mg_parallel_run (backward_part, &j);
}
