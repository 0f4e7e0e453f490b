/* relu.c — rectified linear unit, element-wise.
 *
 *   out = max (in, 0),   din += dout · [out > 0]
 *
 * Backward reads the forward OUTPUT, so forward may run in place (out = in)
 * and the input need not be kept.  The derivative at 0 is taken as 0.
 * If din and dout are the same buffer, backward masks it in place
 * (dout · [out > 0]); that is what accumulating into a zeroed din followed
 * by a copy would give, without the extra buffer.
 *
 * Layout: any, as long as all tensors have the same number of elements.
 */
#include <assert.h>
#include <stddef.h>

#include "ops.h"

void
mg_relu_forward (MgTensor out, /* [N, C, H, W], may be in */
                 MgTensor in)  /* [N, C, H, W] */
{
  const size_t count = mg_tensor_count (in);
  const float *x     = in.data;
  float       *y     = out.data;

  assert (mg_tensor_count (out) == count);
  assert (out.data != NULL && in.data != NULL);

  /* Comparison rather than fmaxf: NaN stays NaN, so a diverged run shows. */
  for (size_t i = 0; i < count; i++)
    y[i] = x[i] > 0.0f ? x[i] : (x[i] == x[i] ? 0.0f : x[i]);
}

void
mg_relu_backward (MgTensor din,  /* [N, C, H, W] or data NULL; may be dout */
                  MgTensor dout, /* [N, C, H, W] */
                  MgTensor out)  /* [N, C, H, W], the forward output */
{
  const size_t count = mg_tensor_count (out);
  const float *y     = out.data;
  const float *d     = dout.data;
  float       *g     = din.data;

  if (g == NULL)
    return;
  assert (mg_tensor_count (din) == count && mg_tensor_count (dout) == count);
  assert (d != NULL && y != NULL);

  if (g == d)
    {
      for (size_t i = 0; i < count; i++)
        g[i] = y[i] > 0.0f ? g[i] : 0.0f;
      return;
    }
  /* d[i] is loaded unconditionally so the select vectorises. */
  for (size_t i = 0; i < count; i++)
    {
      const float di = d[i];

      g[i] += y[i] > 0.0f ? di : 0.0f;
    }
}
