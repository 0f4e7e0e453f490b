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
#include "parallel.h"

typedef struct
{
  float       *g;    /* forward: y; backward: din */
  const float *x;    /* forward: in; backward: the forward output */
  const float *d;    /* backward: dout (may be g) */
  size_t       count;
} ReluJob;

static void
relu_forward_part (void *ctx, int ith, int nth)
{
  const ReluJob *j = ctx;
  float *y = j->g;
  const float *x = j->x;
  size_t i0, i1;

  mg_parallel_range (j->count, ith, nth, &i0, &i1);
  for (size_t i = i0; i < i1; i++)
    y[i] = mg_relu1 (x[i]);
}

static void
relu_backward_part (void *ctx, int ith, int nth)
{
  const ReluJob *j = ctx;
  float *g = j->g;
  const float *y = j->x, *d = j->d;
  size_t i0, i1;

  mg_parallel_range (j->count, ith, nth, &i0, &i1);
  if (g == d)
    {
      for (size_t i = i0; i < i1; i++)
        g[i] = y[i] > 0.0f ? g[i] : 0.0f;
      return;
    }
  /* d[i] is loaded unconditionally so the select vectorises. */
  for (size_t i = i0; i < i1; i++)
    {
      const float di = d[i];

      g[i] += y[i] > 0.0f ? di : 0.0f;
    }
}

void
mg_relu_forward (MgTensor out, /* [N, C, H, W], may be in */
                 MgTensor in)  /* [N, C, H, W] */
{
  ReluJob j = { out.data, in.data, NULL, mg_tensor_count (in) };

  assert (mg_tensor_count (out) == j.count);
  assert (out.data != NULL && in.data != NULL);
  mg_parallel_run (relu_forward_part, &j);
}

void
mg_relu_backward (MgTensor din,  /* [N, C, H, W] or data NULL; may be dout */
                  MgTensor dout, /* [N, C, H, W] */
                  MgTensor out)  /* [N, C, H, W], the forward output */
{
  ReluJob j = { din.data, out.data, dout.data, mg_tensor_count (out) };

  if (j.g == NULL)
    return;
  assert (mg_tensor_count (din) == j.count
          && mg_tensor_count (dout) == j.count);
  assert (j.d != NULL && j.x != NULL);
  mg_parallel_run (relu_backward_part, &j);
}
