/* test-pairwise.c — the image-gated smoothness loss (ops/pairwise.c):
 * a 1x1x2x2 case worked by hand, the formula of ops.h pixel pair by pixel
 * pair in double on random shapes, the gradient against central
 * differences through the softmax, and accumulation. */
#include "test-ops.h"

typedef struct
{
  int    n, k, c, h, w;
  float *z, *p, *x;
  float  sigma, scale;
} Case;

static MgTensor
probs (Case *c, float *data)
{
  return mg_tensor (data, c->n, c->k, c->h, c->w);
}

static Case *
case_new (int n, int k, int ch, int h, int w)
{
  Case *c = g_new0 (Case, 1);
  gsize count = (gsize) n * k * h * w;

  *c = (Case) { n, k, ch, h, w, g_new (float, count), g_new (float, count),
                g_new (float, (gsize) n * ch * h * w), 0.3f, 0.7f };
  test_fill_uniform (c->z, count, -2, 2);
  test_fill_uniform (c->x, (gsize) n * ch * h * w, 0, 1);
  mg_softmax_forward (probs (c, c->p), probs (c, c->z));
  return c;
}

static void
case_free (Case *c)
{
  g_free (c->z);
  g_free (c->p);
  g_free (c->x);
  g_free (c);
}

static MgTensor
image (Case *c)
{
  return mg_tensor (c->x, c->n, c->c, c->h, c->w);
}

/* One image 2x2, one channel, two classes:
 *   x = [0 0; 0 1],  p(class 1) = [a b; c d] = [0.9 0.8; 0.6 0.1].
 * Pairs (right, down): (0,1) x equal, w = 1, ‖Δp‖² = 2 (0.1)² = 0.02;
 * (2,3) Δx = 1, w = e^(−1/(2σ²)), ‖Δp‖² = 2 (0.5)² = 0.5;
 * (0,2) w = 1, 2 (0.3)² = 0.18; (1,3) Δx = 1, 2 (0.7)² = 0.98.
 * With σ = 1: w' = e^−0.5; loss = (0.02 + 0.18 + w' (0.5 + 0.98)) / 4. */
static void
test_pairwise_hand (void)
{
  float x[4] = { 0, 0, 0, 1 };
  float p[8] = { 0.1f, 0.2f, 0.4f, 0.9f, 0.9f, 0.8f, 0.6f, 0.1f };
  double w = exp (-0.5);
  double want = (0.02 + 0.18 + w * (0.5 + 0.98)) / 4;
  float got = mg_pairwise_forward_backward (mg_tensor (NULL, 1, 2, 2, 2),
                                            mg_tensor (p, 1, 2, 2, 2),
                                            mg_tensor (x, 1, 1, 2, 2),
                                            1.0f, 1.0f);

  g_assert_cmpfloat_with_epsilon (got, want, 1e-6);
  /* a flat image (all w = 1) and equal probabilities cost nothing */
  x[3] = 0;
  for (int i = 0; i < 4; i++)
    p[i] = 0.3f, p[4 + i] = 0.7f;
  got = mg_pairwise_forward_backward (mg_tensor (NULL, 1, 2, 2, 2),
                                      mg_tensor (p, 1, 2, 2, 2),
                                      mg_tensor (x, 1, 1, 2, 2), 1.0f, 1.0f);
  g_assert_cmpfloat (got, ==, 0);
}

/* The loss of ops.h, pair by pair, in double. */
static double
naive_loss (Case *c)
{
  int HW = c->h * c->w;
  double sum = 0;

  for (int n = 0; n < c->n; n++)
    for (int y = 0; y < c->h; y++)
      for (int x = 0; x < c->w; x++)
        for (int dir = 0; dir < 2; dir++)
          {
            int u = x + (dir == 0), v = y + (dir == 1), i = y * c->w + x,
                q = v * c->w + u;
            double d2x = 0, d2p = 0;

            if (u >= c->w || v >= c->h)
              continue;
            for (int ch = 0; ch < c->c; ch++)
              {
                double d = c->x[(n * c->c + ch) * HW + i]
                           - c->x[(n * c->c + ch) * HW + q];
                d2x += d * d;
              }
            for (int k = 0; k < c->k; k++)
              {
                double d = c->p[(n * c->k + k) * HW + i]
                           - c->p[(n * c->k + k) * HW + q];
                d2p += d * d;
              }
            sum += exp (-d2x / c->c / (2.0 * c->sigma * c->sigma)) * d2p;
          }
  return sum / ((double) c->n * HW);
}

static void
test_pairwise_naive (void)
{
  const int shapes[][5] = { { 2, 3, 1, 4, 5 }, { 1, 2, 3, 6, 3 },
                            { 1, 4, 2, 1, 7 } };

  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const int *sh = shapes[s];
      Case *c = case_new (sh[0], sh[1], sh[2], sh[3], sh[4]);
      double want = naive_loss (c);
      float got = mg_pairwise_forward_backward (probs (c, NULL),
                                                probs (c, c->p), image (c),
                                                c->sigma, 1.0f);

      g_assert_cmpfloat_with_epsilon (got, want, 1e-6 * (1 + want));
      case_free (c);
    }
}

/* scale · loss (softmax (z)) for the current logits. */
static double
objective (gpointer data)
{
  Case *c = data;

  mg_softmax_forward (probs (c, c->p), probs (c, c->z));
  return c->scale * naive_loss (c);
}

/* Smooth in z, as the cross-entropy (test-softmax.c): ε = 1e-2 leaves a
 * truncation error ~2e-5 relative; the floor tiny = 1e-3 sits above the
 * double objective's rounding; a missing neighbour, factor 2 or softmax
 * term is off by ≥ 0.25 relative. */
static void
test_pairwise_gradient (void)
{
  /* the last: the most classes a model can have, background included */
  const int shapes[][5] = { { 2, 3, 1, 4, 5 }, { 1, 2, 3, 3, 3 },
                            { 1, 17, 1, 2, 3 } };

  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const int *sh = shapes[s];
      Case *c = case_new (sh[0], sh[1], sh[2], sh[3], sh[4]);
      gsize count = (gsize) c->n * c->k * c->h * c->w;
      float *gz = g_new0 (float, count);

      mg_pairwise_forward_backward (probs (c, gz), probs (c, c->p), image (c),
                                    c->sigma, c->scale);
      test_check_gradient ("dz", c->z, gz, count, 1e-2, 1e-2, 1e-3,
                           objective, c);
      g_free (gz);
      case_free (c);
    }
}

/* Backward adds to what is there (ops.h): twice on zeros = 2x once. */
static void
test_pairwise_accumulate (void)
{
  Case *c = case_new (1, 3, 2, 4, 4);
  gsize count = (gsize) 3 * 16;
  float *once = g_new0 (float, count), *twice = g_new0 (float, count);

  mg_pairwise_forward_backward (probs (c, once), probs (c, c->p), image (c),
                                c->sigma, 1.0f);
  for (int r = 0; r < 2; r++)
    mg_pairwise_forward_backward (probs (c, twice), probs (c, c->p),
                                  image (c), c->sigma, 1.0f);
  for (gsize i = 0; i < count; i++)
    g_assert_cmpfloat_with_epsilon (twice[i], 2 * once[i],
                                    1e-6 * (1 + fabsf (once[i])));
  g_free (once);
  g_free (twice);
  case_free (c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/pairwise/hand", test_pairwise_hand);
  g_test_add_func ("/core/pairwise/naive", test_pairwise_naive);
  g_test_add_func ("/core/pairwise/gradient", test_pairwise_gradient);
  g_test_add_func ("/core/pairwise/accumulate", test_pairwise_accumulate);
  return g_test_run ();
}
