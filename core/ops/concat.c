/* concat.c — concatenation along channels (the U-Net's skip connections).
 *
 *   out[n] = [a[n] ; b[n]]        (Ca + Cb channels)
 *   da[n] += dout[n, 0 .. Ca),  db[n] += dout[n, Ca .. Ca + Cb)
 *
 * In NCHW the channels of one image are contiguous, so each image is two
 * block copies (forward) or two contiguous adds (backward).
 *
 * Layout: float32 NCHW; a [N, Ca, H, W], b [N, Cb, H, W],
 * out [N, Ca + Cb, H, W].
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "ops.h"
#include "parallel.h"

typedef struct
{
  MgTensor out, a, b;   /* backward: out = dout, a = da, b = db */
  bool     backward;
} ConcatJob;

/* Split over the output's planes (n, c): plane c < Ca of image n is a's
 * plane c, the others b's plane c − Ca. */
static void
concat_part (void *ctx, int ith, int nth)
{
  const ConcatJob *j = ctx;
  const int    Ca = j->a.c, Cb = j->b.c, C = Ca + Cb;
  const size_t HW = (size_t) j->out.h * j->out.w;
  size_t p0, p1;

  mg_parallel_range ((size_t) j->out.n * C, ith, nth, &p0, &p1);
  for (size_t p = p0; p < p1; p++)
    {
      const size_t n = p / C;
      const int    c = (int) (p % C);
      float       *o = j->out.data + p * HW;
      float       *side = c < Ca ? j->a.data : j->b.data;
      const size_t plane = c < Ca ? n * Ca + c : n * Cb + (size_t) (c - Ca);
      float       *s;

      if (side == NULL)   /* backward, a side without gradient */
        continue;
      s = side + plane * HW;
      if (! j->backward)
        memcpy (o, s, HW * sizeof (float));
      else
        for (size_t i = 0; i < HW; i++)
          s[i] += o[i];
    }
}

void
mg_concat_forward (MgTensor out, /* [N, Ca + Cb, H, W] */
                   MgTensor a,   /* [N, Ca, H, W] */
                   MgTensor b)   /* [N, Cb, H, W] */
{
  ConcatJob j = { out, a, b, false };

  assert (a.n == out.n && b.n == out.n && a.c + b.c == out.c);
  assert (a.h == out.h && a.w == out.w && b.h == out.h && b.w == out.w);
  assert (out.data != NULL && a.data != NULL && b.data != NULL);
  mg_parallel_run (concat_part, &j);
}

void
mg_concat_backward (MgTensor da,   /* [N, Ca, H, W] or data NULL */
                    MgTensor db,   /* [N, Cb, H, W] or data NULL */
                    MgTensor dout) /* [N, Ca + Cb, H, W] */
{
  /* The channel split is needed even when one side is skipped, so both
   * views must carry their shapes. */
  ConcatJob j = { dout, da, db, true };

  assert (da.c + db.c == dout.c && dout.data != NULL);
  assert (da.data == NULL
          || (da.n == dout.n && da.h == dout.h && da.w == dout.w));
  assert (db.data == NULL
          || (db.n == dout.n && db.h == dout.h && db.w == dout.w));
  mg_parallel_run (concat_part, &j);
}
