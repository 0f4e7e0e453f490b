/* test-ops.h — helpers shared by the op tests (tests/core/test-*.c).
 *
 * Random inputs come from g_test_rand_* (replay a failure with --seed).
 * test_check_gradient () compares an analytic gradient, element by element,
 * with central differences of a scalar objective accumulated in double:
 *   num_i = (L(x + ε e_i) − L(x − ε e_i)) / (2ε),
 *   err_i = |num_i − ana_i| / (|num_i| + |ana_i| + tiny) ≤ bound.
 * `tiny` is an absolute floor: where the true gradient is ~0, both numbers
 * are rounding noise and only their absolute difference matters.
 */
#ifndef TEST_OPS_H
#define TEST_OPS_H

#include <math.h>
#include <string.h>

#include <glib.h>

#include "ops/ops.h"

/* Finite-difference settings for the piecewise-linear ops (convolutions,
 * transposed convolution, concat, ReLU, max-pool).  Away from kinks L is
 * linear in every input, so central differences have no truncation error;
 * what remains is float rounding of the outputs a step changes, measured
 * at ≲ 1.5e-4 in the difference quotient for the test shapes (ε = 1e-2).
 * The floor tiny = 0.1 puts the effective absolute tolerance, bound · tiny,
 * at 1e-3, several times that noise, while a wrong index or a missing term
 * is off by O(0.1–1) and fails. */
#define TEST_GRAD_EPS   1e-2
#define TEST_GRAD_BOUND 1e-2
#define TEST_GRAD_TINY  1e-1

/* x[i] uniform in [lo, hi). */
static inline void
test_fill_uniform (float  *x,
                   gsize   count,
                   double  lo,
                   double  hi)
{
  for (gsize i = 0; i < count; i++)
    x[i] = (float) g_test_rand_double_range (lo, hi);
}

/* x[i] = ±u with u uniform in [gap, 1): no value within `gap` of 0, so a
 * finite difference with ε < gap never crosses the ReLU kink. */
static inline void
test_fill_away_from_zero (float  *x,
                          gsize   count,
                          double  gap)
{
  for (gsize i = 0; i < count; i++)
    {
      double u = g_test_rand_double_range (gap, 1.0);

      x[i] = (float) (g_test_rand_bit () ? u : -u);
    }
}

/* A random permutation of {k · gap}, centred on 0: all values distinct and
 * at least `gap` apart, so max-pool has no ties and a finite difference with
 * ε < gap / 2 never changes an arg-max. */
static inline void
test_fill_distinct (float  *x,
                    gsize   count,
                    double  gap)
{
  for (gsize i = 0; i < count; i++)
    x[i] = (float) (((double) i - 0.5 * (double) count) * gap);
  for (gsize i = count; i > 1; i--)
    {
      gsize j = (gsize) g_test_rand_int_range (0, (gint32) i);
      float t = x[i - 1];

      x[i - 1] = x[j];
      x[j]     = t;
    }
}

/* Σ r[i] · y[i] in double: the objective L = Σ r · out whose gradient with
 * respect to out is r (so backward is called with dout = r). */
static inline double
test_dot (const float *r,
          const float *y,
          gsize        count)
{
  double sum = 0.0;

  for (gsize i = 0; i < count; i++)
    sum += (double) r[i] * y[i];

  return sum;
}

/* Asserts |got[i] − want[i]| ≤ tol · (1 + |want[i]|) for every i: relative
 * for large values, absolute below 1. */
static inline void
test_assert_close (const char   *what,
                   const float  *got,
                   const double *want,
                   gsize         count,
                   double        tol)
{
  for (gsize i = 0; i < count; i++)
    {
      double diff  = fabs ((double) got[i] - want[i]);
      double limit = tol * (1.0 + fabs (want[i]));

      if (diff > limit)
        g_test_message ("%s[%" G_GSIZE_FORMAT "]: got %.9g, want %.9g",
                        what, i, got[i], want[i]);
      g_assert_cmpfloat (diff, <=, limit);
    }
}

/* The same for two float arrays. */
static inline void
test_assert_close_f (const char  *what,
                     const float *got,
                     const float *want,
                     gsize        count,
                     double       tol)
{
  for (gsize i = 0; i < count; i++)
    {
      double diff  = fabs ((double) got[i] - want[i]);
      double limit = tol * (1.0 + fabs ((double) want[i]));

      if (diff > limit)
        g_test_message ("%s[%" G_GSIZE_FORMAT "]: got %.9g, want %.9g",
                        what, i, got[i], want[i]);
      g_assert_cmpfloat (diff, <=, limit);
    }
}

/* Runs the forward pass on the current inputs and returns the objective. */
typedef double (*TestObjective) (gpointer data);

/* Central differences of f with respect to every x[i], against grad[i].
 * x is restored exactly.  The step actually taken is measured in float
 * ((float) (x + ε) − (float) (x − ε)), so rounding of x itself does not
 * count as error. */
static inline void
test_check_gradient (const char    *what,
                     float         *x,
                     const float   *grad,
                     gsize          count,
                     double         eps,
                     double         bound,
                     double         tiny,
                     TestObjective  f,
                     gpointer       data)
{
  double worst = 0.0;

  for (gsize i = 0; i < count; i++)
    {
      const float saved = x[i];
      const float hi    = (float) (saved + eps);
      const float lo    = (float) (saved - eps);
      double      fhi, flo, num, err;

      x[i] = hi;
      fhi  = f (data);
      x[i] = lo;
      flo  = f (data);
      x[i] = saved;

      num = (fhi - flo) / ((double) hi - (double) lo);
      err = fabs (num - grad[i]) / (fabs (num) + fabs (grad[i]) + tiny);
      if (err > bound)
        g_test_message ("%s[%" G_GSIZE_FORMAT "]: analytic %.9g, "
                        "numeric %.9g", what, i, grad[i], num);
      g_assert_cmpfloat (err, <=, bound);
      worst = MAX (worst, err);
    }
  g_test_message ("%s: %" G_GSIZE_FORMAT " elements, worst error %.3g",
                  what, count, worst);
}

/* One backward call into the given gradient outputs (NULL = skip); the
 * inputs and dout are in data.  Up to three outputs: din, dw, db (or, for
 * concat, da and db). */
typedef void (*TestBackward) (gpointer  data,
                              float    *g0,
                              float    *g1,
                              float    *g2);

/* Checks the accumulation contract of ops.h for a backward with up to three
 * gradient outputs of counts[j] floats (0 = the op has no such output):
 *   - a second call on the same buffers doubles the gradient;
 *   - a call on non-zero buffers adds to them;
 *   - each output alone (the others NULL) gets the same values, so NULL
 *     outputs are skipped without touching anything else. */
static inline void
test_check_accumulate (TestBackward  backward,
                       gpointer      data,
                       const gsize   counts[3])
{
  float *g[3], *ref[3], *twice[3], *start[3];
  float *pass[3]; /* g[j], or NULL where the op has no such output */

  for (int j = 0; j < 3; j++)
    {
      gsize c = MAX (counts[j], 1);

      g[j]     = g_new0 (float, c);
      ref[j]   = g_new0 (float, c);
      twice[j] = g_new0 (float, c);
      start[j] = g_new0 (float, c);
      pass[j]  = counts[j] > 0 ? g[j] : NULL;
    }

  backward (data, pass[0], pass[1], pass[2]);
  for (int j = 0; j < 3; j++)
    {
      memcpy (ref[j], g[j], counts[j] * sizeof (float));
      for (gsize i = 0; i < counts[j]; i++)
        twice[j][i] = 2.0f * ref[j][i];
    }
  backward (data, pass[0], pass[1], pass[2]);
  for (int j = 0; j < 3; j++)
    test_assert_close_f ("twice", g[j], twice[j], counts[j], 1e-5);

  for (int j = 0; j < 3; j++)
    {
      test_fill_uniform (start[j], counts[j], -1.0, 1.0);
      memcpy (g[j], start[j], counts[j] * sizeof (float));
      for (gsize i = 0; i < counts[j]; i++)
        start[j][i] += ref[j][i];
    }
  backward (data, pass[0], pass[1], pass[2]);
  for (int j = 0; j < 3; j++)
    test_assert_close_f ("added", g[j], start[j], counts[j], 1e-5);

  for (int only = 0; only < 3; only++)
    {
      if (counts[only] == 0)
        continue;
      memset (g[only], 0, counts[only] * sizeof (float));
      backward (data,
                only == 0 ? g[0] : NULL,
                only == 1 ? g[1] : NULL,
                only == 2 ? g[2] : NULL);
      test_assert_close_f ("alone", g[only], ref[only], counts[only], 1e-6);
    }

  for (int j = 0; j < 3; j++)
    {
      g_free (g[j]);
      g_free (ref[j]);
      g_free (twice[j]);
      g_free (start[j]);
    }
}

#endif /* TEST_OPS_H */
