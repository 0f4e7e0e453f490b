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
#include <stddef.h>
#include <string.h>

#include "ops.h"

void
mg_concat_forward (MgTensor out, /* [N, Ca + Cb, H, W] */
                   MgTensor a,   /* [N, Ca, H, W] */
                   MgTensor b)   /* [N, Cb, H, W] */
{
  const size_t HW = (size_t) out.h * out.w;
  const size_t sa = a.c * HW, sb = b.c * HW;

  assert (a.n == out.n && b.n == out.n && a.c + b.c == out.c);
  assert (a.h == out.h && a.w == out.w && b.h == out.h && b.w == out.w);
  assert (out.data != NULL && a.data != NULL && b.data != NULL);

  for (int n = 0; n < out.n; n++)
    {
      float *o = out.data + n * (sa + sb);

      memcpy (o,      a.data + n * sa, sa * sizeof (float));
      memcpy (o + sa, b.data + n * sb, sb * sizeof (float));
    }
}

/* g[i] += d[i] for i < count. */
static void
add_to (float       *g,
        const float *d,
        size_t       count)
{
  for (size_t i = 0; i < count; i++)
    g[i] += d[i];
}

void
mg_concat_backward (MgTensor da,   /* [N, Ca, H, W] or data NULL */
                    MgTensor db,   /* [N, Cb, H, W] or data NULL */
                    MgTensor dout) /* [N, Ca + Cb, H, W] */
{
  const size_t HW = (size_t) dout.h * dout.w;
  /* The channel split is needed even when one side is skipped, so both
   * views must carry their shapes. */
  const size_t sa = da.c * HW, sb = db.c * HW;

  assert (da.c + db.c == dout.c && dout.data != NULL);
  assert (da.data == NULL
          || (da.n == dout.n && da.h == dout.h && da.w == dout.w));
  assert (db.data == NULL
          || (db.n == dout.n && db.h == dout.h && db.w == dout.w));

  for (int n = 0; n < dout.n; n++)
    {
      const float *d = dout.data + n * (sa + sb);

      if (da.data != NULL)
        add_to (da.data + n * sa, d, sa);
      if (db.data != NULL)
        add_to (db.data + n * sb, d + sa, sb);
    }
}
