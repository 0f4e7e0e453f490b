/* test-unet.c — MG-UNet-S as a whole: the architecture matches the
 * reference FLOP count, and the backward pass of the full network (all
 * layers and the three heads, each with its loss) agrees with finite
 * differences along random directions (KANN's kad_check_grad). */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net/unet.h"
#include "ops/ops.h"

/* design.md / issue 6: forward FLOPs of MG-UNet-S at 1x256x256 are 5.21e9
 * (2 FLOPs per multiply-add; the head with 2 classes).  The approx and
 * sep heads add 16 x 2 multiply-adds per pixel each, 0.16 %. */
static void
test_reference_flops (void)
{
  MgUNetConfig c;
  double flops;

  mg_unet_config_default (&c, 1, 2);
  flops = 2.0 * mg_unet_forward_macs (&c, 256, 256);
  g_assert_cmpfloat (fabs (flops - 5.21e9) / 5.21e9, <, 0.005);
}

/* Loss of the network on fixed inputs and targets — the sum over the
 * heads of each head's mean cross-entropy, as in training — summed in
 * double from the probabilities: the float loss the op returns is
 * quantised at ~1e-7, which over 2ε = 2e-4 would be ~1e-3 of noise in the
 * quotient.  target: [MG_HEADS][N, H, W]. */
static double
loss_at (MgUNetParams *p, MgUNetBuffers *b, const uint8_t *target)
{
  double total = 0;

  mg_unet_forward (p, b);
  for (int h = 0; h < MG_HEADS; h++)
    {
      MgTensor prob = b->act.prob[h];
      size_t plane = (size_t) prob.h * prob.w;
      const uint8_t *th = target + (size_t) h * prob.n * plane;
      double sum = 0;
      size_t count = 0;

      for (int n = 0; n < prob.n; n++)
        for (size_t i = 0; i < plane; i++)
          {
            uint8_t t = th[n * plane + i];
            if (t == MG_IGNORE)
              continue;
            sum -= log (prob.data[((size_t) n * prob.c + t) * plane + i]);
            count++;
          }
      total += sum / (double) count;
    }
  return total;
}

/* Slope of the loss along dir for the n floats at theta, by central
 * differences with step eps. */
static double
numeric_slope (MgUNetParams *p, MgUNetBuffers *b, const uint8_t *target,
               float *theta, const float *dir, size_t n, double eps)
{
  float *saved = g_memdup2 (theta, n * sizeof (float));
  double plus, minus;

  for (size_t i = 0; i < n; i++)
    theta[i] = saved[i] + (float) eps * dir[i];
  plus = loss_at (p, b, target);
  for (size_t i = 0; i < n; i++)
    theta[i] = saved[i] - (float) eps * dir[i];
  minus = loss_at (p, b, target);
  memcpy (theta, saved, n * sizeof (float));
  g_free (saved);
  return (plus - minus) / (2 * eps);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* How well the analytic gradient predicts the loss along `TRIALS` random
 * directions over the n parameters at theta: the median over directions of
 * the best relative error over a ladder of steps.
 *
 * Why a ladder: in float32 a ReLU U-Net's loss is only piecewise smooth
 * and noisy.  Large steps cross ReLU kinks and max-pool switches (measured:
 * up to 30 % off at ε = 1e-2), small ones drown in forward rounding (~5e-5
 * absolute in the quotient at ε = 1e-5).  A correct gradient agrees with
 * the difference quotient at some step of the ladder; a dropped or
 * misplaced term is off by O(100 %) at every step. */
static double
median_error (MgUNetParams *p, MgUNetBuffers *b, const uint8_t *target,
              float *theta, const float *grad, size_t n, MgRng *rng)
{
  enum { TRIALS = 5 };
  static const double steps[] = { 1e-3, 3e-4, 1e-4, 3e-5 };
  double err[TRIALS];
  float *dir = g_new (float, n);

  for (int t = 0; t < TRIALS; t++)
    {
      double analytic = 0;

      for (size_t i = 0; i < n; i++)
        {
          dir[i] = mg_rng_normal (rng);
          analytic += (double) grad[i] * dir[i];
        }
      err[t] = INFINITY;
      for (guint k = 0; k < G_N_ELEMENTS (steps); k++)
        {
          double numeric = numeric_slope (p, b, target, theta, dir, n,
                                          steps[k]);
          double e = fabs (numeric - analytic)
                     / (fabs (numeric) + fabs (analytic) + 1e-4);
          if (e < err[t])
            err[t] = e;
        }
    }
  g_free (dir);
  qsort (err, TRIALS, sizeof err[0], compare_doubles);
  return err[TRIALS / 2];
}

/* Makes the loss smooth at the test point.  With He init, many units are
 * exactly 0 (dead ReLUs) and whole 2x2 pool windows are zeros: there the
 * loss has a corner AT the test point, the analytic gradient takes one
 * sub-gradient (the first input) and every difference quotient another
 * (measured: a stable 5e-4 gap on layers whose slopes are 1e-2, in 5 % of
 * runs).  Positive weights on positive inputs keep every unit above its
 * kink, so the check sees every backward path (conv, pool, upconv, concat,
 * head, ReLU pass-through) on a smooth function; ReLU's masking itself is
 * checked in test-relu.  Weights ~ |N(0,1)| / fan_in keep activations
 * O(1) through 16 layers; the head keeps signs so the classes differ. */
static void
make_smooth (MgUNetParams *p, const MgUNetConfig *c, MgRng *rng)
{
  for (int i = 0; i < MG_UNET_LAYERS; i++)
    {
      MgLayerInfo info;
      size_t n;
      int fan_in;

      mg_unet_layer_info (c, i, &info);
      fan_in = info.cin * (info.kind == MG_LAYER_CONV3X3 ? 9 : 1);
      n = (size_t) (p->layer[i].b - p->layer[i].w);
      for (size_t k = 0; k < n; k++)
        {
          float v = fabsf (mg_rng_normal (rng)) * 1.25f / (float) fan_in;
          p->layer[i].w[k] = i >= MG_L_SEG ? mg_rng_normal (rng) : v;
        }
      for (int k = 0; k < info.cout; k++)
        p->layer[i].b[k] = 0.1f + 0.1f * mg_rng_uniform (rng);
    }
}

/* A small MG-UNet-S shape (2 channels in, 3 classes, widths 3-6) on a
 * batch of 2 random 16x16 inputs with smooth parameters (make_smooth),
 * forward and backward done: grad holds the gradient of the loss. */
typedef struct
{
  MgUNetConfig  c;
  MgUNetBuffers b;
  MgUNetParams  p, g;
  MgRng         rng;
  size_t        np;
  float        *theta, *grad;
  uint8_t       target[MG_HEADS * 2 * 16 * 16];
} Fixture;

static void
fixture_init (Fixture *f)
{
  MgUNetConfig c = { 2, 3, { 3, 4, 5, 6 } };
  MgError err;

  f->c = c;
  f->np = mg_unet_param_count (&f->c);
  f->theta = g_new (float, f->np);
  f->grad = g_new0 (float, f->np);
  g_assert_cmpint (mg_unet_buffers_init (&f->b, &f->c, 2, 16, 16, true,
                                         &err), ==, MG_STATUS_OK);
  mg_unet_params_bind (&f->p, &f->c, f->theta);
  mg_unet_params_bind (&f->g, &f->c, f->grad);
  mg_rng_seed (&f->rng, g_test_rand_int ());
  make_smooth (&f->p, &f->c, &f->rng);
  for (size_t i = 0; i < mg_tensor_count (f->b.act.x); i++)
    f->b.act.x.data[i] = 0.5f + mg_rng_uniform (&f->rng);
  /* every class present, a fifth (seg), a third (approx) or a seventh
   * (sep) of the pixels unlabelled: different for each head */
  for (size_t i = 0; i < 2 * 16 * 16; i++)
    {
      f->target[i] = i % 5 == 0 ? MG_IGNORE : (uint8_t) (i % 3);
      f->target[512 + i] = i % 3 == 0 ? MG_IGNORE : (uint8_t) (i / 7 % 3);
      f->target[1024 + i] = i % 7 == 0 ? MG_IGNORE : (uint8_t) (i / 5 % 2);
    }
  mg_unet_forward (&f->p, &f->b);
  mg_unet_zero_grad (&f->b);
  for (int h = 0; h < MG_HEADS; h++)
    mg_xent_forward_backward (f->b.grad.logits[h], f->b.act.prob[h],
                              f->target + h * 512, NULL, 1.0f);
  mg_unet_backward (&f->g, &f->p, &f->b);
}

static void
fixture_free (Fixture *f)
{
  mg_unet_buffers_free (&f->b);
  g_free (f->theta);
  g_free (f->grad);
}

/* All parameters at once along random directions. */
static void
test_gradient_direction (void)
{
  Fixture f;

  fixture_init (&f);
  /* a missing or wrong term shifts the slope by a layer's whole share
   * (≥ 5 % here) */
  g_assert_cmpfloat (median_error (&f.p, &f.b, f.target, f.theta, f.grad,
                                   f.np, &f.rng), <, 2e-2);
  fixture_free (&f);
}

/* Each layer on its own: perturbing only that layer's parameters along a
 * random direction matches its share of the gradient (a missing layer in
 * the backward pass would hide in the whole-net check above only if its
 * share were small). */
static void
test_gradient_per_layer (void)
{
  Fixture f;

  fixture_init (&f);
  for (int layer = 0; layer < MG_UNET_LAYERS; layer++)
    {
      /* weights then biases are contiguous in the block */
      float *w = f.p.layer[layer].w;
      size_t n = (size_t) (f.p.layer[layer].b - w);
      MgLayerInfo info;
      double e;

      mg_unet_layer_info (&f.c, layer, &info);
      n += (size_t) info.cout;
      e = median_error (&f.p, &f.b, f.target, w, f.g.layer[layer].w, n,
                        &f.rng);
      /* a dropped or misplaced term is off by O(100 %) */
      if (e >= 3e-2)
        g_error ("layer %s: median relative error %g", info.name, e);
    }
  fixture_free (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/unet/reference-flops", test_reference_flops);
  g_test_add_func ("/core/unet/gradient-direction", test_gradient_direction);
  g_test_add_func ("/core/unet/gradient-per-layer", test_gradient_per_layer);
  return g_test_run ();
}
