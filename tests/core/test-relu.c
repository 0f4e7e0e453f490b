/* test-relu.c — ReLU (core/ops/relu.c).
 *
 * /core/relu/naive       forward and backward against the definition,
 *                        including exact zeros (derivative 0 there)
 * /core/relu/gradient    backward against central differences, inputs at
 *                        least 0.05 from the kink
 * /core/relu/in-place    out = in in forward; din = dout in backward masks
 * /core/relu/accumulate  backward adds, twice = double, NULL din skips
 */
#include "test-ops.h"

typedef struct
{
  int n, c, h, w;
} Shape;

static const Shape shapes[] = {
  { 2, 3, 5, 7 },
  { 1, 1, 1, 1 },
  { 1, 4, 3, 2 },
};

typedef struct
{
  Shape  s;
  gsize  count;
  float *in, *out, *r;
} Case;

static Case *
case_new (const Shape *s)
{
  Case *c = g_new0 (Case, 1);

  c->s     = *s;
  c->count = (gsize) s->n * s->c * s->h * s->w;
  c->in    = g_new (float, c->count);
  c->out   = g_new (float, c->count);
  c->r     = g_new (float, c->count);
  /* |in| ≥ 0.05 > ε: no step crosses the kink at 0. */
  test_fill_away_from_zero (c->in, c->count, 0.05);
  test_fill_uniform (c->r, c->count, -1.0, 1.0);

  return c;
}

static void
case_free (Case *c)
{
  g_free (c->in);
  g_free (c->out);
  g_free (c->r);
  g_free (c);
}

static MgTensor
tensor (Case  *c,
        float *data)
{
  return mg_tensor (data, c->s.n, c->s.c, c->s.h, c->s.w);
}

static double
case_objective (gpointer data)
{
  Case *c = data;

  mg_relu_forward (tensor (c, c->out), tensor (c, c->in));
  return test_dot (c->r, c->out, c->count);
}

/* Backward needs the forward output: refresh it first. */
static void
case_backward (gpointer  data,
               float    *din,
               float    *unused1,
               float    *unused2)
{
  Case *c = data;

  (void) unused1;
  (void) unused2;
  mg_relu_forward (tensor (c, c->out), tensor (c, c->in));
  mg_relu_backward (tensor (c, din), tensor (c, c->r), tensor (c, c->out));
}

static void
test_naive (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case   *c   = case_new (&shapes[i]);
      double *out = g_new0 (double, c->count);
      double *din = g_new0 (double, c->count);
      float  *gin = g_new0 (float, c->count);

      /* Every third input exactly 0: out = 0 and no gradient there. */
      for (gsize j = 0; j < c->count; j += 3)
        c->in[j] = 0.0f;
      for (gsize j = 0; j < c->count; j++)
        {
          out[j] = c->in[j] > 0.0f ? c->in[j] : 0.0;
          din[j] = c->in[j] > 0.0f ? c->r[j] : 0.0;
        }
      case_backward (c, gin, NULL, NULL);
      /* Copies only: exact. */
      test_assert_close ("out", c->out, out, c->count, 0.0);
      test_assert_close ("din", gin, din, c->count, 0.0);

      g_free (out);
      g_free (din);
      g_free (gin);
      case_free (c);
    }
}

static void
test_gradient (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case  *c   = case_new (&shapes[i]);
      float *gin = g_new0 (float, c->count);

      case_backward (c, gin, NULL, NULL);
      test_check_gradient ("din", c->in, gin, c->count,
                           TEST_GRAD_EPS, TEST_GRAD_BOUND, TEST_GRAD_TINY,
                           case_objective, c);

      g_free (gin);
      case_free (c);
    }
}

static void
test_in_place (void)
{
  Case  *c      = case_new (&shapes[0]);
  float *x      = g_memdup2 (c->in, c->count * sizeof (float));
  float *g      = g_memdup2 (c->r, c->count * sizeof (float));
  float *masked = g_new0 (float, c->count);

  /* Out of place first, for reference. */
  case_backward (c, masked, NULL, NULL);

  mg_relu_forward (tensor (c, x), tensor (c, x));
  test_assert_close_f ("out", x, c->out, c->count, 0.0);
  mg_relu_backward (tensor (c, g), tensor (c, g), tensor (c, x));
  test_assert_close_f ("din", g, masked, c->count, 0.0);

  g_free (x);
  g_free (g);
  g_free (masked);
  case_free (c);
}

static void
test_accumulate (void)
{
  Case       *c = case_new (&shapes[0]);
  const gsize counts[3] = { c->count, 0, 0 };

  test_check_accumulate (case_backward, c, counts);
  case_backward (c, NULL, NULL, NULL);
  case_free (c);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/relu/naive", test_naive);
  g_test_add_func ("/core/relu/gradient", test_gradient);
  g_test_add_func ("/core/relu/in-place", test_in_place);
  g_test_add_func ("/core/relu/accumulate", test_accumulate);

  return g_test_run ();
}
