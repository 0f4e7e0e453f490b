/* test-pool.c — 2x2 max-pool (core/ops/pool.c).
 *
 * /core/maxpool2/naive       forward and backward against direct loops
 * /core/maxpool2/gradient    backward against central differences, inputs
 *                            spread apart so no step changes an arg-max
 * /core/maxpool2/ties        equal values: the first maximum in scan order
 *                            (0,0), (0,1), (1,0), (1,1) gets the gradient
 * /core/maxpool2/accumulate  backward adds, twice = double, NULL din skips
 */
#include "test-ops.h"

typedef struct
{
  int n, c, h, w; /* input; H and W even */
} Shape;

static const Shape shapes[] = {
  { 2, 3, 4, 6 },
  { 1, 1, 2, 2 },
  { 1, 2, 8, 2 },
  { 3, 2, 6, 4 },
};

typedef struct
{
  Shape  s;
  gsize  n_in, n_out;
  float *in, *out, *r;
} Case;

static Case *
case_new (const Shape *s)
{
  Case *c = g_new0 (Case, 1);

  c->s     = *s;
  c->n_in  = (gsize) s->n * s->c * s->h * s->w;
  c->n_out = c->n_in / 4;
  c->in    = g_new (float, c->n_in);
  c->out   = g_new (float, c->n_out);
  c->r     = g_new (float, c->n_out);
  /* Gap 0.05 > 2ε: a step of ±ε never reorders two inputs. */
  test_fill_distinct (c->in, c->n_in, 0.05);
  test_fill_uniform (c->r, c->n_out, -1.0, 1.0);

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
in_tensor (Case  *c,
           float *data)
{
  return mg_tensor (data, c->s.n, c->s.c, c->s.h, c->s.w);
}

static MgTensor
out_tensor (Case  *c,
            float *data)
{
  return mg_tensor (data, c->s.n, c->s.c, c->s.h / 2, c->s.w / 2);
}

static void
case_backward (gpointer  data,
               float    *din,
               float    *unused1,
               float    *unused2)
{
  Case *c = data;

  (void) unused1;
  (void) unused2;
  mg_maxpool2_backward (in_tensor (c, din), out_tensor (c, c->r),
                        in_tensor (c, c->in));
}

static double
case_objective (gpointer data)
{
  Case *c = data;

  mg_maxpool2_forward (out_tensor (c, c->out), in_tensor (c, c->in));
  return test_dot (c->r, c->out, c->n_out);
}

/* Direct max-pool: scan each window in the documented order, keep the
 * first strict maximum; forward stores it, backward routes r to it. */
static void
naive (Case   *c,
       double *out,
       double *din)
{
  const Shape *s = &c->s;

  for (int p = 0; p < s->n * s->c; p++)
    for (int y = 0; y < s->h / 2; y++)
      for (int x = 0; x < s->w / 2; x++)
        {
          int best = -1;
          int o    = (p * (s->h / 2) + y) * (s->w / 2) + x;

          for (int dy = 0; dy < 2; dy++)
            for (int dx = 0; dx < 2; dx++)
              {
                int i = (p * s->h + 2 * y + dy) * s->w + 2 * x + dx;

                if (best < 0 || c->in[i] > c->in[best])
                  best = i;
              }
          out[o]     = c->in[best];
          din[best] += c->r[o];
        }
}

static void
test_naive (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case   *c   = case_new (&shapes[i]);
      double *out = g_new0 (double, c->n_out);
      double *din = g_new0 (double, c->n_in);
      float  *gin = g_new0 (float, c->n_in);

      mg_maxpool2_forward (out_tensor (c, c->out), in_tensor (c, c->in));
      case_backward (c, gin, NULL, NULL);
      naive (c, out, din);
      /* Only copies and one addition to zero: exact. */
      test_assert_close ("out", c->out, out, c->n_out, 0.0);
      test_assert_close ("din", gin, din, c->n_in, 0.0);

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
      float *gin = g_new0 (float, c->n_in);

      case_backward (c, gin, NULL, NULL);
      test_check_gradient ("din", c->in, gin, c->n_in,
                           TEST_GRAD_EPS, TEST_GRAD_BOUND, TEST_GRAD_TINY,
                           case_objective, c);

      g_free (gin);
      case_free (c);
    }
}

static void
test_ties (void)
{
  /* One image, one channel, 2x6: three windows.
   *   window 0: all equal            -> (0,0)
   *   window 1: (0,1) = (1,1) = 3    -> (0,1)
   *   window 2: (1,0) = (1,1) = −1   -> (1,0) */
  float in[12] = { 2, 2,   0, 3,   -5, -7,
                   2, 2,   1, 3,   -1, -1 };
  float out[3], dout[3] = { 10, 20, 30 };
  float din[12] = { 0 };
  const float want_din[12] = { 10, 0,   0, 20,   0, 0,
                               0,  0,   0, 0,    30, 0 };
  const float want_out[3]  = { 2, 3, -1 };

  mg_maxpool2_forward (mg_tensor (out, 1, 1, 1, 3), mg_tensor (in, 1, 1, 2, 6));
  mg_maxpool2_backward (mg_tensor (din, 1, 1, 2, 6),
                        mg_tensor (dout, 1, 1, 1, 3),
                        mg_tensor (in, 1, 1, 2, 6));
  test_assert_close_f ("out", out, want_out, 3, 0.0);
  test_assert_close_f ("din", din, want_din, 12, 0.0);
}

static void
test_accumulate (void)
{
  Case       *c = case_new (&shapes[0]);
  const gsize counts[3] = { c->n_in, 0, 0 };

  test_check_accumulate (case_backward, c, counts);
  /* NULL din: nothing to compute, nothing touched (ASan checks the rest). */
  case_backward (c, NULL, NULL, NULL);
  case_free (c);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/maxpool2/naive", test_naive);
  g_test_add_func ("/core/maxpool2/gradient", test_gradient);
  g_test_add_func ("/core/maxpool2/ties", test_ties);
  g_test_add_func ("/core/maxpool2/accumulate", test_accumulate);

  return g_test_run ();
}
