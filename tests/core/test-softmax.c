/* test-softmax.c — softmax and masked cross-entropy (core/ops/softmax.c).
 *
 * /core/softmax/naive      against exp / Σ exp in double, several shapes,
 *                          one wider than the op's 256-pixel block; in place
 * /core/softmax/stable     huge and tiny logits stay finite; K = 1
 * /core/xent/hand          2 classes, 3 pixels, one ignored: loss and
 *                          gradient worked out by hand
 * /core/xent/naive         loss and gradient against the formula in double,
 *                          random weights and ignored pixels
 * /core/xent/gradient      ∂(scale · loss (softmax (z)))/∂z against central
 *                          differences, with and without class weights
 * /core/xent/unlabelled    nothing labelled (or zero weight): loss 0, no
 *                          gradient
 * /core/xent/threads       softmax, loss and gradient the same to the bit
 *                          on 1, 2 and 3 threads (18 900 pixels)
 * /core/xent/accumulate    dlogits adds, twice = double, NULL data = loss
 */
#include <string.h>

#include "maskgrow-core.h"
#include "test-ops.h"

typedef struct
{
  int n, k, h, w;
} Shape;

static const Shape shapes[] = {
  { 2, 3, 5, 7 },
  { 1, 1, 1, 1 },
  { 1, 4, 3, 2 },
  { 2, 2, 20, 20 }, /* 400 pixels: crosses the 256-pixel block */
  { 3, 3, 70, 90 }, /* 18 900 pixels: 5 of the loss's 4096-pixel chunks,
                     * images ending inside them */
};

/* p[k, i] = exp (z[k, i] − m) / Σ_j exp (z[j, i] − m) in double, with m the
 * pixel's largest logit (without it, exp (1000) overflows even a double). */
static void
naive_softmax (double      *prob,
               const float *logits,
               const Shape *s)
{
  const int HW = s->h * s->w;

  for (int n = 0; n < s->n; n++)
    for (int i = 0; i < HW; i++)
      {
        double m = -INFINITY, sum = 0.0;

        for (int k = 0; k < s->k; k++)
          m = MAX (m, logits[(n * s->k + k) * HW + i]);
        for (int k = 0; k < s->k; k++)
          sum += exp (logits[(n * s->k + k) * HW + i] - m);
        for (int k = 0; k < s->k; k++)
          prob[(n * s->k + k) * HW + i] =
            exp (logits[(n * s->k + k) * HW + i] - m) / sum;
      }
}

static MgTensor
tensor (const Shape *s,
        float       *data)
{
  return mg_tensor (data, s->n, s->k, s->h, s->w);
}

static void
test_softmax_naive (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      const Shape *s     = &shapes[i];
      const gsize  count = (gsize) s->n * s->k * s->h * s->w;
      float       *z     = g_new (float, count);
      float       *p     = g_new (float, count);
      double      *want  = g_new (double, count);

      test_fill_uniform (z, count, -5.0, 5.0);
      naive_softmax (want, z, s);
      /* Probabilities ≤ 1 from expf and one division: a few ulp. */
      mg_softmax_forward (tensor (s, p), tensor (s, z));
      test_assert_close ("prob", p, want, count, 1e-6);
      mg_softmax_forward (tensor (s, z), tensor (s, z));
      test_assert_close ("in place", z, want, count, 1e-6);

      g_free (z);
      g_free (p);
      g_free (want);
    }
}

static void
test_softmax_stable (void)
{
  /* exp (1000) overflows float: only z − max is safe.
   *   z = (−1000, 1000, 1001) → p = (0, 1/(1+e), e/(1+e)) with e = e¹;
   * the largest logit is not the first, so the maximum must scan all. */
  const Shape  s3    = { 1, 3, 1, 1 };
  const Shape  s1    = { 1, 1, 1, 2 };
  const Shape  wide  = { 1, 2, 1, 300 };
  float        z[3]  = { -1000.0f, 1000.0f, 1001.0f }, p[3];
  float        z1[2] = { -1e30f, 88.0f }, p1[2];
  const double want[3] = { 0.0, 0.2689414213699951, 0.7310585786300049 };
  const double one[2]  = { 1.0, 1.0 };
  float        zw[600], pw[600];
  double       ww[600];

  mg_softmax_forward (tensor (&s3, p), tensor (&s3, z));
  test_assert_close ("p", p, want, 3, 1e-6);
  /* One class: probability 1 whatever the logit. */
  mg_softmax_forward (tensor (&s1, p1), tensor (&s1, z1));
  test_assert_close ("K = 1", p1, one, 2, 0.0);

  /* Small logits in the op's first 256-pixel block, a huge class-0 logit
   * after it: each block must use its own pixels' maxima. */
  test_fill_uniform (zw, 600, -2.0, 2.0);
  for (int i = 256; i < 300; i++)
    zw[i] += 1000.0f;
  naive_softmax (ww, zw, &wide);
  mg_softmax_forward (tensor (&wide, pw), tensor (&wide, zw));
  test_assert_close ("blocks", pw, ww, 600, 1e-6);
}

static void
test_xent_hand (void)
{
  /* N = 1, K = 2, H = 1, W = 3; probabilities given directly.
   *   pixel 0: p = (0.8,  0.2 ), y = 0, w = 1 → 1 · −ln 0.8  = 0.22314355
   *   pixel 1: p = (0.75, 0.25), y = 1, w = 2 → 2 · −ln 0.25 = 2.77258872
   *   pixel 2: p = (0.5,  0.5 ), ignored
   *   loss = (0.22314355 + 2.77258872) / (1 + 2) = 0.99857742
   * Gradient w (p − onehot) / 3:
   *   pixel 0: (1/3) (−0.2, 0.2)   = (−1/15, 1/15)
   *   pixel 1: (2/3) (0.75, −0.75) = (0.5, −0.5)
   *   pixel 2: 0
   * Without weights: loss = (0.22314355 + 1.38629436) / 2 = 0.80471896. */
  float         prob[6]   = { 0.8f, 0.75f, 0.5f,    /* class 0 */
                              0.2f, 0.25f, 0.5f };  /* class 1 */
  const uint8_t target[3] = { 0, 1, MG_IGNORE };
  const float   weight[2] = { 1.0f, 2.0f };
  float         dz[6]     = { 0 };
  const double  want_dz[6] = { -1.0 / 15, 0.5, 0.0,
                               1.0 / 15, -0.5, 0.0 };
  const MgTensor t = mg_tensor (prob, 1, 2, 1, 3);
  float          loss;

  loss = mg_xent_forward_backward (mg_tensor (dz, 1, 2, 1, 3), t, target,
                                   weight, 1.0f);
  g_assert_cmpfloat_with_epsilon (loss, 0.9985774245179969, 1e-6);
  test_assert_close ("dz", dz, want_dz, 6, 1e-6);

  loss = mg_xent_forward_backward (mg_tensor (NULL, 1, 2, 1, 3), t, target,
                                   NULL, 1.0f);
  g_assert_cmpfloat_with_epsilon (loss, 0.8047189562170501, 1e-6);
}

/* A random cross-entropy problem: logits, their softmax, targets with about
 * a quarter ignored, and class weights in [0.5, 2] (or none). */
typedef struct
{
  Shape    s;
  gsize    count, pixels;
  float   *z, *p, *weight;
  uint8_t *target;
  float    scale;
} Case;

static Case *
case_new (const Shape *s,
          gboolean     weighted)
{
  Case *c = g_new0 (Case, 1);

  c->s      = *s;
  c->pixels = (gsize) s->n * s->h * s->w;
  c->count  = c->pixels * s->k;
  c->z      = g_new (float, c->count);
  c->p      = g_new (float, c->count);
  c->target = g_new (uint8_t, c->pixels);
  c->weight = weighted ? g_new (float, s->k) : NULL;
  c->scale  = 0.7f;
  test_fill_uniform (c->z, c->count, -2.0, 2.0);
  for (gsize i = 0; i < c->pixels; i++)
    c->target[i] = g_test_rand_int_range (0, 4) == 0
                   ? MG_IGNORE
                   : (uint8_t) g_test_rand_int_range (0, s->k);
  c->target[0] = 0; /* at least one labelled pixel */
  if (weighted)
    test_fill_uniform (c->weight, s->k, 0.5, 2.0);
  mg_softmax_forward (tensor (s, c->p), tensor (s, c->z));

  return c;
}

static void
case_free (Case *c)
{
  g_free (c->z);
  g_free (c->p);
  g_free (c->target);
  g_free (c->weight);
  g_free (c);
}

/* scale · loss (softmax (z)) for the current logits. */
static double
case_objective (gpointer data)
{
  Case *c = data;

  mg_softmax_forward (tensor (&c->s, c->p), tensor (&c->s, c->z));
  return c->scale * (double) mg_xent_forward_backward (
    tensor (&c->s, NULL), tensor (&c->s, c->p), c->target, c->weight, 1.0f);
}

static void
case_backward (gpointer  data,
               float    *dz,
               float    *unused1,
               float    *unused2)
{
  Case *c = data;

  (void) unused1;
  (void) unused2;
  mg_xent_forward_backward (tensor (&c->s, dz), tensor (&c->s, c->p),
                            c->target, c->weight, c->scale);
}

static void
test_xent_naive (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    for (int weighted = 0; weighted < 2; weighted++)
      {
        Case       *c   = case_new (&shapes[i], weighted);
        const int   HW  = c->s.h * c->s.w, K = c->s.k;
        double     *dz  = g_new0 (double, c->count);
        float      *gz  = g_new0 (float, c->count);
        double      wsum = 0.0, lsum = 0.0;
        float       loss;

        /* The formula of ops.h, pixel by pixel, in double. */
        for (int n = 0; n < c->s.n; n++)
          for (int j = 0; j < HW; j++)
            {
              int    y = c->target[n * HW + j];
              double w;

              if (y == MG_IGNORE)
                continue;
              w     = weighted ? c->weight[y] : 1.0;
              wsum += w;
              lsum -= w * log (c->p[(n * K + y) * HW + j]);
            }
        for (int n = 0; n < c->s.n; n++)
          for (int j = 0; j < HW; j++)
            {
              int    y = c->target[n * HW + j];
              double w;

              if (y == MG_IGNORE)
                continue;
              w = weighted ? c->weight[y] : 1.0;
              for (int k = 0; k < K; k++)
                dz[(n * K + k) * HW + j] = c->scale * w / wsum
                  * (c->p[(n * K + k) * HW + j] - (k == y ? 1.0 : 0.0));
            }

        loss = mg_xent_forward_backward (tensor (&c->s, gz),
                                         tensor (&c->s, c->p), c->target,
                                         c->weight, c->scale);
        g_assert_cmpfloat_with_epsilon (loss, lsum / wsum,
                                        1e-6 * (1.0 + lsum / wsum));
        test_assert_close ("dz", gz, dz, c->count, 1e-6);

        g_free (dz);
        g_free (gz);
        case_free (c);
      }
}

/* The loss is smooth: with ε = 1e-2 the truncation error of central
 * differences is ~ε²/6 ≈ 2e-5 relative.  The noise is the float loss
 * (~1e-7 absolute) over 2ε, ~1e-5; tiny = 1e-2 sets the absolute floor
 * bound · tiny = 1e-4 above it, against gradients of order 0.01–0.1 (one
 * pixel's weight share).  A missing weight, a missing scale or a gradient
 * on an ignored pixel is off by ≥ 0.2 relative. */
static void
test_xent_gradient (void)
{
  const Shape small[] = { { 2, 3, 3, 4 }, { 1, 2, 2, 3 }, { 1, 5, 1, 7 } };

  for (gsize i = 0; i < G_N_ELEMENTS (small); i++)
    for (int weighted = 0; weighted < 2; weighted++)
      {
        Case  *c  = case_new (&small[i], weighted);
        float *gz = g_new0 (float, c->count);

        case_backward (c, gz, NULL, NULL);
        test_check_gradient ("dz", c->z, gz, c->count, 1e-2, 1e-2, 1e-2,
                             case_objective, c);

        g_free (gz);
        case_free (c);
      }
}

static void
test_xent_unlabelled (void)
{
  Case  *c     = case_new (&shapes[0], TRUE);
  float *gz    = g_new0 (float, c->count);
  float *zeros = g_new0 (float, c->count);

  memset (c->target, MG_IGNORE, c->pixels);
  g_assert_cmpfloat (case_objective (c), ==, 0.0);
  case_backward (c, gz, NULL, NULL);
  test_assert_close_f ("all ignored", gz, zeros, c->count, 0.0);

  /* Labelled, but every class weight 0: nothing counts either. */
  memset (c->target, 1, c->pixels);
  memset (c->weight, 0, c->s.k * sizeof (float));
  g_assert_cmpfloat (case_objective (c), ==, 0.0);
  case_backward (c, gz, NULL, NULL);
  test_assert_close_f ("zero weight", gz, zeros, c->count, 0.0);

  g_free (gz);
  g_free (zeros);
  case_free (c);
}

static void
test_xent_accumulate (void)
{
  Case       *c = case_new (&shapes[0], TRUE);
  const gsize counts[3] = { c->count, 0, 0 };
  float      *gz = g_new0 (float, c->count);
  float       with, without;

  test_check_accumulate (case_backward, c, counts);

  /* The returned loss does not depend on whether a gradient is wanted. */
  with    = mg_xent_forward_backward (tensor (&c->s, gz), tensor (&c->s, c->p),
                                      c->target, c->weight, c->scale);
  without = mg_xent_forward_backward (tensor (&c->s, NULL),
                                      tensor (&c->s, c->p), c->target,
                                      c->weight, c->scale);
  g_assert_cmpfloat (with, ==, without);

  g_free (gz);
  case_free (c);
}

/* Softmax, loss and gradient on 1, 2 and 3 threads: the same bits (the
 * loss's sums go by fixed chunks, not by thread). */
static void
test_xent_threads (void)
{
  const Shape *s = &shapes[G_N_ELEMENTS (shapes) - 1];
  Case *c = case_new (s, TRUE);
  float *p = g_new (float, c->count), *dz = g_new (float, c->count);
  float *p1 = g_new (float, c->count), *dz1 = g_new0 (float, c->count);
  float loss1 = 0;

  for (int threads = 1; threads <= 3; threads++)
    {
      float loss;

      mg_threads_set (threads);
      memset (dz, 0, c->count * sizeof (float));
      mg_softmax_forward (tensor (s, p), tensor (s, c->z));
      loss = mg_xent_forward_backward (tensor (s, dz), tensor (s, p),
                                       c->target, c->weight, c->scale);
      if (threads == 1)
        {
          memcpy (p1, p, c->count * sizeof (float));
          memcpy (dz1, dz, c->count * sizeof (float));
          loss1 = loss;
          continue;
        }
      g_assert_cmpmem (p, c->count * sizeof (float),
                       p1, c->count * sizeof (float));
      g_assert_cmpmem (dz, c->count * sizeof (float),
                       dz1, c->count * sizeof (float));
      g_assert_cmpfloat (loss, ==, loss1);
    }
  g_free (p);
  g_free (dz);
  g_free (p1);
  g_free (dz1);
  case_free (c);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/softmax/naive", test_softmax_naive);
  g_test_add_func ("/core/softmax/stable", test_softmax_stable);
  g_test_add_func ("/core/xent/hand", test_xent_hand);
  g_test_add_func ("/core/xent/naive", test_xent_naive);
  g_test_add_func ("/core/xent/gradient", test_xent_gradient);
  g_test_add_func ("/core/xent/unlabelled", test_xent_unlabelled);
  g_test_add_func ("/core/xent/threads", test_xent_threads);
  g_test_add_func ("/core/xent/accumulate", test_xent_accumulate);

  return g_test_run ();
}
