/* test-upconv.c — 2x2 stride-2 transposed convolution (core/ops/upconv.c).
 *
 * /core/upconv2/naive       forward and backward against direct loops in
 *                           double; weights [Cin, Cout, 2, 2]
 * /core/upconv2/gradient    backward against central differences of
 *                           L = Σ r · out, per element of din, dw, db
 * /core/upconv2/accumulate  backward adds, twice = double, NULL skips
 */
#include "test-ops.h"

typedef struct
{
  int n, cin, cout, h, w; /* input size; the output is 2h x 2w */
} Shape;

static const Shape shapes[] = {
  { 2, 3, 4, 5, 7 },
  { 1, 1, 1, 1, 1 },
  { 1, 4, 2, 3, 2 },
  { 3, 2, 5, 2, 3 },
};

typedef struct
{
  Shape  s;
  gsize  n_in, n_out, n_w;
  float *in, *w, *b, *out, *r, *scratch;
} Case;

static Case *
case_new (const Shape *s)
{
  Case *c = g_new0 (Case, 1);

  c->s       = *s;
  c->n_in    = (gsize) s->n * s->cin * s->h * s->w;
  c->n_out   = (gsize) s->n * s->cout * 4 * s->h * s->w;
  c->n_w     = (gsize) s->cin * s->cout * 4;
  c->in      = g_new (float, c->n_in);
  c->w       = g_new (float, c->n_w);
  c->b       = g_new (float, s->cout);
  c->out     = g_new (float, c->n_out);
  c->r       = g_new (float, c->n_out);
  c->scratch = g_new (float, (gsize) s->cout * 4 * s->h * s->w);
  test_fill_uniform (c->in, c->n_in, -1.0, 1.0);
  test_fill_uniform (c->w, c->n_w, -1.0, 1.0);
  test_fill_uniform (c->b, s->cout, -1.0, 1.0);
  test_fill_uniform (c->r, c->n_out, -1.0, 1.0);

  return c;
}

static void
case_free (Case *c)
{
  g_free (c->in);
  g_free (c->w);
  g_free (c->b);
  g_free (c->out);
  g_free (c->r);
  g_free (c->scratch);
  g_free (c);
}

static MgTensor
in_tensor (Case  *c,
           float *data)
{
  return mg_tensor (data, c->s.n, c->s.cin, c->s.h, c->s.w);
}

static MgTensor
out_tensor (Case  *c,
            float *data)
{
  return mg_tensor (data, c->s.n, c->s.cout, 2 * c->s.h, 2 * c->s.w);
}

static void
case_backward (gpointer  data,
               float    *din,
               float    *dw,
               float    *db)
{
  Case *c = data;

  mg_upconv2_backward (in_tensor (c, din), dw, db, out_tensor (c, c->r),
                       in_tensor (c, c->in), c->w, c->scratch);
}

static double
case_objective (gpointer data)
{
  Case *c = data;

  mg_upconv2_forward (out_tensor (c, c->out), in_tensor (c, c->in), c->w,
                      c->b, c->scratch);
  return test_dot (c->r, c->out, c->n_out);
}

/* From the definition, one input pixel at a time:
 *   out[n, co, 2y + ky, 2x + kx] = b[co]
 *                                  + Σ_ci w[ci, co, ky, kx] in[n, ci, y, x]
 * Forward and backward share the loop; both in double. */
static void
naive (Case   *c,
       double *out,
       double *din,
       double *dw,
       double *db)
{
  const Shape *s = &c->s;
  const int    OH = 2 * s->h, OW = 2 * s->w;

  for (int n = 0; n < s->n; n++)
    for (int co = 0; co < s->cout; co++)
      for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
          for (int ky = 0; ky < 2; ky++)
            for (int kx = 0; kx < 2; kx++)
              {
                int    o   = ((n * s->cout + co) * OH + 2 * y + ky) * OW
                             + 2 * x + kx;
                double sum = c->b[co];
                double g   = c->r[o];

                db[co] += g;
                for (int ci = 0; ci < s->cin; ci++)
                  {
                    int wi = ((ci * s->cout + co) * 2 + ky) * 2 + kx;
                    int ii = ((n * s->cin + ci) * s->h + y) * s->w + x;

                    sum     += (double) c->w[wi] * c->in[ii];
                    din[ii] += c->w[wi] * g;
                    dw[wi]  += c->in[ii] * g;
                  }
                out[o] = sum;
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
      double *dw  = g_new0 (double, c->n_w);
      double *db  = g_new0 (double, c->s.cout);
      float  *gin = g_new0 (float, c->n_in);
      float  *gw  = g_new0 (float, c->n_w);
      float  *gb  = g_new0 (float, c->s.cout);

      case_objective (c);
      case_backward (c, gin, gw, gb);
      naive (c, out, din, dw, db);
      /* Float sums of at most 4 · 3 · 35 = 420 terms of size ≤ 1 (db);
       * their rounding error stays ~1e-6 relative. */
      test_assert_close ("out", c->out, out, c->n_out, 1e-5);
      test_assert_close ("din", gin, din, c->n_in, 1e-5);
      test_assert_close ("dw", gw, dw, c->n_w, 1e-5);
      test_assert_close ("db", gb, db, c->s.cout, 1e-5);

      g_free (out);
      g_free (din);
      g_free (dw);
      g_free (db);
      g_free (gin);
      g_free (gw);
      g_free (gb);
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
      float *gw  = g_new0 (float, c->n_w);
      float *gb  = g_new0 (float, c->s.cout);

      case_backward (c, gin, gw, gb);
      test_check_gradient ("din", c->in, gin, c->n_in,
                           TEST_GRAD_EPS, TEST_GRAD_BOUND, TEST_GRAD_TINY,
                           case_objective, c);
      test_check_gradient ("dw", c->w, gw, c->n_w,
                           TEST_GRAD_EPS, TEST_GRAD_BOUND, TEST_GRAD_TINY,
                           case_objective, c);
      test_check_gradient ("db", c->b, gb, c->s.cout,
                           TEST_GRAD_EPS, TEST_GRAD_BOUND, TEST_GRAD_TINY,
                           case_objective, c);

      g_free (gin);
      g_free (gw);
      g_free (gb);
      case_free (c);
    }
}

static void
test_accumulate (void)
{
  Case       *c = case_new (&shapes[0]);
  const gsize counts[3] = { c->n_in, c->n_w, c->s.cout };

  test_check_accumulate (case_backward, c, counts);
  case_free (c);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/upconv2/naive", test_naive);
  g_test_add_func ("/core/upconv2/gradient", test_gradient);
  g_test_add_func ("/core/upconv2/accumulate", test_accumulate);

  return g_test_run ();
}
