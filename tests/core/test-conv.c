/* test-conv.c — 3x3 and 1x1 convolutions (core/ops/conv.c).
 *
 * /core/conv{3x3,1x1}/naive       forward and backward against direct loops
 *                                 in double, on several odd shapes
 * /core/conv{3x3,1x1}/gradient    backward against central differences of
 *                                 L = Σ r · out, per element of din, dw, db
 * /core/conv{3x3,1x1}/accumulate  backward adds, twice = double, NULL skips
 * /core/conv3x3/isa/{generic,avx2,avx512}  naive and gradient checks with
 *                                 each instruction set's direct kernels
 *                                 that this CPU has (skipped otherwise)
 * /core/conv3x3/strips            a forward whose im2col is larger than
 *                                 MG_COL_STRIP_FLOATS runs in strips of
 *                                 rows (the last one short) and still
 *                                 equals the direct loops
 * /core/conv3x3/relu              the fused conv + ReLU equals the conv
 *                                 then mg_relu_forward, bit for bit, NaN
 *                                 included, on the direct and GEMM paths
 *                                 (also in the isa runs)
 */
#include "test-ops.h"
#include "ops/conv3x3-direct.h"

typedef struct
{
  int n, cin, cout, h, w;
} Shape;

/* Odd sizes, single pixels, more outputs than inputs and the reverse.
 * The last three have channels in blocks of 8, so the 3x3 convolution
 * takes the direct kernel (conv3x3-direct.c): forward with 16 outputs,
 * input gradient with 8 inputs, widths that leave partial vectors
 * (37, 3) and a single row.  long_shapes add input channels beyond one
 * group of sums kept in registers (24 = 16 + 8 forward, 40 = 16 + 16 + 8
 * for the input gradient), rows longer than one chunk of sums (300) and
 * images whose padded inputs (1.5 MB) take a pool job each. */
static const Shape shapes[] = {
  { 2, 3, 4, 5, 7 },
  { 1, 1, 1, 1, 1 },
  { 1, 2, 3, 1, 4 },
  { 3, 5, 2, 4, 3 },
  { 1, 4, 6, 6, 6 },
  { 2, 8, 16, 5, 37 },
  { 1, 16, 8, 1, 3 },
  { 1, 3, 8, 9, 34 },
};

/* Larger ones for the naive check only (the gradient checks would take
 * minutes under valgrind). */
static const Shape long_shapes[] = {
  { 1, 24, 16, 3, 300 },
  { 2, 8, 40, 2, 33 },
  { 2, 16, 8, 130, 130 },
};

typedef struct
{
  Shape  s;
  int    k;                        /* kernel side: 1 or 3 */
  gsize  n_in, n_out, n_w;
  float *in, *w, *b, *out, *r, *col;
} Case;

static Case *
case_new (const Shape *s,
          int          k)
{
  Case *c = g_new0 (Case, 1);

  c->s     = *s;
  c->k     = k;
  c->n_in  = (gsize) s->n * s->cin * s->h * s->w;
  c->n_out = (gsize) s->n * s->cout * s->h * s->w;
  c->n_w   = (gsize) s->cout * s->cin * k * k;
  c->in    = g_new (float, c->n_in);
  c->w     = g_new (float, c->n_w);
  c->b     = g_new (float, s->cout);
  c->out   = g_new (float, c->n_out);
  c->r     = g_new (float, c->n_out);
  c->col   = g_new (float, mg_conv3x3_scratch_count (s->n, s->cin, s->cout,
                                                     s->h, s->w, true));
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
  g_free (c->col);
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
  return mg_tensor (data, c->s.n, c->s.cout, c->s.h, c->s.w);
}

static void
case_forward (Case *c)
{
  if (c->k == 3)
    mg_conv3x3_forward (out_tensor (c, c->out), in_tensor (c, c->in),
                        c->w, c->b, c->col);
  else
    mg_conv1x1_forward (out_tensor (c, c->out), in_tensor (c, c->in),
                        c->w, c->b);
}

/* Backward with dout = r into the given outputs (NULL = skip). */
static void
case_backward (gpointer  data,
               float    *din,
               float    *dw,
               float    *db)
{
  Case *c = data;

  if (c->k == 3)
    mg_conv3x3_backward (in_tensor (c, din), dw, db, out_tensor (c, c->r),
                         in_tensor (c, c->in), c->w, c->col);
  else
    mg_conv1x1_backward (in_tensor (c, din), dw, db, out_tensor (c, c->r),
                         in_tensor (c, c->in), c->w);
}

static double
case_objective (gpointer data)
{
  Case *c = data;

  case_forward (c);
  return test_dot (c->r, c->out, c->n_out);
}

/* Direct convolution from the definition, k×k kernel, padding k / 2, in
 * double; forward and backward share the loop nest.  Backward scatters
 * (each output sends to its inputs), the opposite of the op's gather, so
 * an indexing slip in either shows. */
static void
naive_forward (Case   *c,
               double *out)
{
  const Shape *s = &c->s;
  const int    k = c->k, pad = k / 2;

  for (int n = 0; n < s->n; n++)
    for (int co = 0; co < s->cout; co++)
      for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
          {
            double sum = c->b[co];

            for (int ci = 0; ci < s->cin; ci++)
              for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                  {
                    int sy = y + ky - pad, sx = x + kx - pad;

                    if (sy < 0 || sy >= s->h || sx < 0 || sx >= s->w)
                      continue;
                    sum += (double) c->w[((co * s->cin + ci) * k + ky) * k + kx]
                           * c->in[((n * s->cin + ci) * s->h + sy) * s->w + sx];
                  }
            out[((n * s->cout + co) * s->h + y) * s->w + x] = sum;
          }
}

static void
naive_backward (Case   *c,
                double *din,
                double *dw,
                double *db)
{
  const Shape *s = &c->s;
  const int    k = c->k, pad = k / 2;

  for (int n = 0; n < s->n; n++)
    for (int co = 0; co < s->cout; co++)
      for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
          {
            double g = c->r[((n * s->cout + co) * s->h + y) * s->w + x];

            db[co] += g;
            for (int ci = 0; ci < s->cin; ci++)
              for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++)
                  {
                    int sy = y + ky - pad, sx = x + kx - pad;
                    int wi = ((co * s->cin + ci) * k + ky) * k + kx;
                    int ii = ((n * s->cin + ci) * s->h + sy) * s->w + sx;

                    if (sy < 0 || sy >= s->h || sx < 0 || sx >= s->w)
                      continue;
                    din[ii] += c->w[wi] * g;
                    dw[wi]  += c->in[ii] * g;
                  }
          }
}

static void
test_naive (gconstpointer kernel)
{
  const gsize n_short = G_N_ELEMENTS (shapes);

  for (gsize i = 0; i < n_short + G_N_ELEMENTS (long_shapes); i++)
    {
      const Shape *s = i < n_short ? &shapes[i] : &long_shapes[i - n_short];
      Case   *c    = case_new (s, GPOINTER_TO_INT (kernel));
      /* the longest sum: over input taps, output taps or pixels */
      int     terms = MAX (MAX (s->cin, s->cout) * 9, s->n * s->h * s->w);
      double  tol  = 1e-5 * MAX (1.0, sqrt (terms / 54.0));
      double *out  = g_new0 (double, c->n_out);
      double *din  = g_new0 (double, c->n_in);
      double *dw   = g_new0 (double, c->n_w);
      double *db   = g_new0 (double, c->s.cout);
      float  *gin  = g_new0 (float, c->n_in);
      float  *gw   = g_new0 (float, c->n_w);
      float  *gb   = g_new0 (float, c->s.cout);

      /* Sums of n products of numbers in [−1, 1]: float error grows
       * like √n in practice (~1e-6 at the short shapes' 54 terms). */
      case_forward (c);
      naive_forward (c, out);
      test_assert_close ("out", c->out, out, c->n_out, tol);

      case_backward (c, gin, gw, gb);
      naive_backward (c, din, dw, db);
      test_assert_close ("din", gin, din, c->n_in, tol);
      test_assert_close ("dw", gw, dw, c->n_w, tol);
      test_assert_close ("db", gb, db, c->s.cout, tol);

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
test_strips (void)
{
  /* Cin·9·W = 36000 floats a row: 116 rows a strip, so 150 rows are a full
   * strip and a short one; the col buffer holds one strip only. */
  const Shape s = { 1, 16, 3, 150, 250 };
  Case   *c   = case_new (&s, 3);
  double *out = g_new0 (double, c->n_out);
  gsize   col = mg_conv3x3_scratch_count (s.n, s.cin, s.cout, s.h, s.w,
                                          false);

  g_assert_cmpuint (col, <, (gsize) s.cin * 9 * s.h * s.w);
  g_assert_cmpuint (col, <=, MG_COL_STRIP_FLOATS);
  g_free (c->col);
  c->col = g_new (float, col);
  case_forward (c);
  naive_forward (c, out);
  /* sums of 144 products in [−1, 1]: float error ≲ 1e-5 relative */
  test_assert_close ("out", c->out, out, c->n_out, 1e-4);
  g_free (out);
  case_free (c);
}

/* L = Σ r · out is linear in in, w and b: see TEST_GRAD_* in test-ops.h. */
static void
test_gradient (gconstpointer kernel)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case  *c  = case_new (&shapes[i], GPOINTER_TO_INT (kernel));
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
test_accumulate (gconstpointer kernel)
{
  Case       *c = case_new (&shapes[0], GPOINTER_TO_INT (kernel));
  const gsize counts[3] = { c->n_in, c->n_w, c->s.cout };

  test_check_accumulate (case_backward, c, counts);
  case_free (c);
}

static void
test_relu (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Case  *c     = case_new (&shapes[i], 3);
      float *fused = g_new (float, c->n_out);

      /* a NaN input spreads to the outputs around it; both must keep it */
      c->in[c->n_in / 2] = NAN;
      case_forward (c);
      mg_relu_forward (out_tensor (c, c->out), out_tensor (c, c->out));
      mg_conv3x3_relu_forward (out_tensor (c, fused), in_tensor (c, c->in),
                               c->w, c->b, c->col);
      for (gsize k = 0; k < c->n_out; k++)
        if (isnan (c->out[k]))
          g_assert_true (isnan (fused[k]));
        else
          g_assert_cmpfloat (fused[k], ==, c->out[k]);
      g_free (fused);
      case_free (c);
    }
}

/* The naive and gradient checks again with the direct kernels of one
 * instruction set; the other tests use the best the CPU has. */
static void
test_isa (gconstpointer isa)
{
  if (! mg_conv3x3_direct_select (isa))
    {
      g_test_skip ("this CPU lacks it");
      return;
    }
  test_naive (GINT_TO_POINTER (3));
  test_gradient (GINT_TO_POINTER (3));
  test_accumulate (GINT_TO_POINTER (3));
  test_relu ();
  mg_conv3x3_direct_select (NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/core/conv3x3/naive", GINT_TO_POINTER (3),
                        test_naive);
  g_test_add_data_func ("/core/conv3x3/gradient", GINT_TO_POINTER (3),
                        test_gradient);
  g_test_add_data_func ("/core/conv3x3/accumulate", GINT_TO_POINTER (3),
                        test_accumulate);
  g_test_add_data_func ("/core/conv3x3/isa/generic", "generic", test_isa);
  g_test_add_data_func ("/core/conv3x3/isa/avx2", "avx2", test_isa);
  g_test_add_data_func ("/core/conv3x3/isa/avx512", "avx512", test_isa);
  g_test_add_func ("/core/conv3x3/strips", test_strips);
  g_test_add_func ("/core/conv3x3/relu", test_relu);
  g_test_add_data_func ("/core/conv1x1/naive", GINT_TO_POINTER (1),
                        test_naive);
  g_test_add_data_func ("/core/conv1x1/gradient", GINT_TO_POINTER (1),
                        test_gradient);
  g_test_add_data_func ("/core/conv1x1/accumulate", GINT_TO_POINTER (1),
                        test_accumulate);

  return g_test_run ();
}
