/* test-concat.c — channel concatenation (core/ops/concat.c).
 *
 * /core/concat/naive       forward and backward against index arithmetic
 * /core/concat/gradient    backward against central differences for a, b
 * /core/concat/accumulate  backward adds, twice = double, either side NULL
 */
#include "test-ops.h"

typedef struct
{
  int n, ca, cb, h, w;
} Shape;

static const Shape shapes[] = {
  { 2, 3, 4, 5, 7 },
  { 1, 1, 1, 1, 1 },
  { 3, 2, 1, 2, 3 },
};

typedef struct
{
  Shape  s;
  gsize  n_a, n_b, n_out;
  float *a, *b, *out, *r;
} Case;

static Case *
case_new (const Shape *s)
{
  Case *c = g_new0 (Case, 1);

  c->s     = *s;
  c->n_a   = (gsize) s->n * s->ca * s->h * s->w;
  c->n_b   = (gsize) s->n * s->cb * s->h * s->w;
  c->n_out = c->n_a + c->n_b;
  c->a     = g_new (float, c->n_a);
  c->b     = g_new (float, c->n_b);
  c->out   = g_new (float, c->n_out);
  c->r     = g_new (float, c->n_out);
  test_fill_uniform (c->a, c->n_a, -1.0, 1.0);
  test_fill_uniform (c->b, c->n_b, -1.0, 1.0);
  test_fill_uniform (c->r, c->n_out, -1.0, 1.0);

  return c;
}

static void
case_free (Case *c)
{
  g_free (c->a);
  g_free (c->b);
  g_free (c->out);
  g_free (c->r);
  g_free (c);
}

static MgTensor
a_tensor (Case  *c,
          float *data)
{
  return mg_tensor (data, c->s.n, c->s.ca, c->s.h, c->s.w);
}

static MgTensor
b_tensor (Case  *c,
          float *data)
{
  return mg_tensor (data, c->s.n, c->s.cb, c->s.h, c->s.w);
}

static MgTensor
out_tensor (Case  *c,
            float *data)
{
  return mg_tensor (data, c->s.n, c->s.ca + c->s.cb, c->s.h, c->s.w);
}

static void
case_backward (gpointer  data,
               float    *da,
               float    *db,
               float    *unused)
{
  Case *c = data;

  (void) unused;
  mg_concat_backward (a_tensor (c, da), b_tensor (c, db),
                      out_tensor (c, c->r));
}

static double
case_objective (gpointer data)
{
  Case *c = data;

  mg_concat_forward (out_tensor (c, c->out), a_tensor (c, c->a),
                     b_tensor (c, c->b));
  return test_dot (c->r, c->out, c->n_out);
}

static void
test_naive (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case        *c   = case_new (&shapes[i]);
      const Shape *s   = &c->s;
      const int    HW  = s->h * s->w, C = s->ca + s->cb;
      double      *out = g_new0 (double, c->n_out);
      double      *da  = g_new0 (double, c->n_a);
      double      *db  = g_new0 (double, c->n_b);
      float       *ga  = g_new0 (float, c->n_a);
      float       *gb  = g_new0 (float, c->n_b);

      /* out[n, ch, i] is a[n, ch, i] for ch < Ca, else b[n, ch − Ca, i]. */
      for (int n = 0; n < s->n; n++)
        for (int ch = 0; ch < C; ch++)
          for (int j = 0; j < HW; j++)
            {
              int o = (n * C + ch) * HW + j;

              if (ch < s->ca)
                {
                  out[o] = c->a[(n * s->ca + ch) * HW + j];
                  da[(n * s->ca + ch) * HW + j] = c->r[o];
                }
              else
                {
                  out[o] = c->b[(n * s->cb + ch - s->ca) * HW + j];
                  db[(n * s->cb + ch - s->ca) * HW + j] = c->r[o];
                }
            }
      case_objective (c);
      case_backward (c, ga, gb, NULL);
      /* Copies only: exact. */
      test_assert_close ("out", c->out, out, c->n_out, 0.0);
      test_assert_close ("da", ga, da, c->n_a, 0.0);
      test_assert_close ("db", gb, db, c->n_b, 0.0);

      g_free (out);
      g_free (da);
      g_free (db);
      g_free (ga);
      g_free (gb);
      case_free (c);
    }
}

static void
test_gradient (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case  *c  = case_new (&shapes[i]);
      float *ga = g_new0 (float, c->n_a);
      float *gb = g_new0 (float, c->n_b);

      case_backward (c, ga, gb, NULL);
      test_check_gradient ("da", c->a, ga, c->n_a,
                           TEST_GRAD_EPS, TEST_GRAD_BOUND, TEST_GRAD_TINY,
                           case_objective, c);
      test_check_gradient ("db", c->b, gb, c->n_b,
                           TEST_GRAD_EPS, TEST_GRAD_BOUND, TEST_GRAD_TINY,
                           case_objective, c);

      g_free (ga);
      g_free (gb);
      case_free (c);
    }
}

static void
test_accumulate (void)
{
  Case       *c = case_new (&shapes[0]);
  const gsize counts[3] = { c->n_a, c->n_b, 0 };

  test_check_accumulate (case_backward, c, counts);
  case_free (c);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/concat/naive", test_naive);
  g_test_add_func ("/core/concat/gradient", test_gradient);
  g_test_add_func ("/core/concat/accumulate", test_accumulate);

  return g_test_run ();
}
