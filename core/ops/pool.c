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

void
mg_maxpool2_forward (MgTensor out, /* [N, C, H/2, W/2] */
                     MgTensor in)  /* [N, C, H, W] */
{
  const int    OH = out.h, OW = out.w, W = in.w;
  const size_t planes = (size_t) in.n * in.c;

  assert (out.n == in.n && out.c == in.c);
  assert (in.h == 2 * OH && in.w == 2 * OW);
  assert (out.data != NULL && in.data != NULL);

  for (size_t p = 0; p < planes; p++)
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
mg_maxpool2_backward (MgTensor din,  /* [N, C, H, W] or data NULL */
                      MgTensor dout, /* [N, C, H/2, W/2] */
                      MgTensor in)   /* [N, C, H, W] */
{
  const int    OH = dout.h, OW = dout.w, W = in.w;
  const size_t planes = (size_t) in.n * in.c;

  if (din.data == NULL)
    return;
  assert (dout.n == in.n && dout.c == in.c);
  assert (in.h == 2 * OH && in.w == 2 * OW);
  assert (din.n == in.n && din.c == in.c && din.h == in.h && din.w == in.w);
  assert (dout.data != NULL && in.data != NULL);

  for (size_t p = 0; p < planes; p++)
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
