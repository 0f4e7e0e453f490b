/* test-adam.c — Adam (core/optim/adam.c) against a reference written
 * from the paper (Kingma & Ba 2015, Algorithm 1) in double precision.
 *
 * /core/adam/first-step      the first step moves every parameter by lr
 *                            against the sign of its gradient (m̂ = g,
 *                            v̂ = g², so m̂ / √v̂ = ±1), and leaves one
 *                            with zero gradient where it is
 * /core/adam/reference       five steps with changing gradients on 10 007
 *                            parameters agree with the reference to 1e-6
 * /core/adam/threads         the update is split over the pool: 1, 2 and
 *                            3 threads give the same bits
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "maskgrow-core.h"
#include "optim/adam.h"

enum { COUNT = 10007, STEPS = 5 };

static float
gradient (size_t i, int step)
{
  return (float) (((i * 7919u + (size_t) step * 104729u) % 2001) / 1000.0
                  - 1.0) * (step + 1);
}

static void
test_first_step (void)
{
  float p[4] = { 1, 2, 3, 4 }, g[4] = { 0.5f, -3, 0, 1e-3f };
  float m[4], v[4];
  MgAdam adam;

  mg_threads_set (2);
  mg_adam_init (&adam, 0.01f, m, v, 4);
  mg_adam_step (&adam, p, g);
  g_assert_cmpfloat_with_epsilon (p[0], 1 - 0.01f, 1e-6);
  g_assert_cmpfloat_with_epsilon (p[1], 2 + 0.01f, 1e-6);
  g_assert_cmpfloat (p[2], ==, 3);
  /* eps (1e-8) is small beside |g| = 1e-3: still a whole step */
  g_assert_cmpfloat_with_epsilon (p[3], 4 - 0.01f, 1e-5);
}

/* Algorithm 1 of the paper, in double */
static void
reference (double *p, double *m, double *v, int t, const float *g)
{
  const double b1 = 0.9, b2 = 0.999, lr = 1e-3, eps = 1e-8;

  for (size_t i = 0; i < COUNT; i++)
    {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= lr * (m[i] / (1 - pow (b1, t)))
              / (sqrt (v[i] / (1 - pow (b2, t))) + eps);
    }
}

/* STEPS steps of mg_adam_step on `threads` threads, into p */
static void
run (float *p, int threads)
{
  float *m = g_new (float, COUNT), *v = g_new (float, COUNT);
  float *g = g_new (float, COUNT);
  MgAdam adam;

  mg_threads_set (threads);
  mg_adam_init (&adam, 1e-3f, m, v, COUNT);
  for (size_t i = 0; i < COUNT; i++)
    p[i] = (float) i / COUNT;
  for (int s = 0; s < STEPS; s++)
    {
      for (size_t i = 0; i < COUNT; i++)
        g[i] = gradient (i, s);
      mg_adam_step (&adam, p, g);
    }
  g_free (m);
  g_free (v);
  g_free (g);
}

static void
test_reference (void)
{
  float *p = g_new (float, COUNT), *g = g_new (float, COUNT);
  double *rp = g_new (double, COUNT), *rm = g_new0 (double, COUNT);
  double *rv = g_new0 (double, COUNT);

  run (p, 2);
  for (size_t i = 0; i < COUNT; i++)
    rp[i] = (double) i / COUNT;
  for (int s = 0; s < STEPS; s++)
    {
      for (size_t i = 0; i < COUNT; i++)
        g[i] = gradient (i, s);
      reference (rp, rm, rv, s + 1, g);
    }
  for (size_t i = 0; i < COUNT; i++)
    g_assert_cmpfloat_with_epsilon (p[i], rp[i], 1e-6);
  g_free (p);
  g_free (g);
  g_free (rp);
  g_free (rm);
  g_free (rv);
}

static void
test_threads (void)
{
  float *one = g_new (float, COUNT), *more = g_new (float, COUNT);

  run (one, 1);
  for (int threads = 2; threads <= 3; threads++)
    {
      run (more, threads);
      g_assert_cmpmem (one, COUNT * sizeof (float), more,
                       COUNT * sizeof (float));
    }
  g_free (one);
  g_free (more);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/adam/first-step", test_first_step);
  g_test_add_func ("/core/adam/reference", test_reference);
  g_test_add_func ("/core/adam/threads", test_threads);
  return g_test_run ();
}
