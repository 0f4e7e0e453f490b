/* test-unet.c — MG-UNet-S as a whole: the architecture matches the
 * reference FLOP count, and the backward pass of the full network (all
 * layers, loss included) agrees with finite differences along random
 * directions (KANN's kad_check_grad). */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net/unet.h"
#include "ops/ops.h"

/* design.md / issue 6: forward FLOPs of MG-UNet-S at 1x256x256 are 5.21e9
 * (2 FLOPs per multiply-add; the head with 2 classes). */
static void
test_reference_flops (void)
{
  MgUNetConfig c;
  double flops;

  mg_unet_config_default (&c, 1, 2);
  flops = 2.0 * mg_unet_forward_macs (&c, 256, 256);
  g_assert_cmpfloat (fabs (flops - 5.21e9) / 5.21e9, <, 0.005);
}

/* Loss of the network on fixed inputs and targets, summed in double from
 * the probabilities: the float loss the op returns is quantised at ~1e-7,
 * which over 2ε = 2e-4 would be ~1e-3 of noise in the quotient. */
static double
loss_at (MgUNetParams *p, MgUNetBuffers *b, const uint8_t *target)
{
  MgTensor prob = b->act.prob;
  size_t plane = (size_t) prob.h * prob.w;
  double sum = 0;
  size_t count = 0;

  mg_unet_forward (p, b);
  for (int n = 0; n < prob.n; n++)
    for (size_t i = 0; i < plane; i++)
      {
        uint8_t t = target[n * plane + i];
        if (t == MG_IGNORE)
          continue;
        sum -= log (prob.data[((size_t) n * prob.c + t) * plane + i]);
        count++;
      }
  return sum / (double) count;
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
          p->layer[i].w[k] = i == MG_L_SEG ? mg_rng_normal (rng) : v;
        }
      for (int k = 0; k < info.cout; k++)
        p->layer[i].b[k] = 0.1f + 0.1f * mg_rng_uniform (rng);
    }
}

static void
test_gradient_direction (void)
{
  MgUNetConfig c = { 2, 3, { 3, 4, 5, 6 } };
  MgUNetBuffers b;
  MgUNetParams p, g;
  MgError err;
  MgRng rng;
  size_t np = mg_unet_param_count (&c);
  float *theta = malloc (np * 4), *grad = calloc (np, 4);
  size_t px = 2 * 16 * 16;
  uint8_t *target = malloc (px);

  g_assert_cmpint (mg_unet_buffers_init (&b, &c, 2, 16, 16, true, &err), ==,
                   MG_STATUS_OK);
  mg_unet_params_bind (&p, &c, theta);
  mg_unet_params_bind (&g, &c, grad);
  mg_rng_seed (&rng, g_test_rand_int ());
  make_smooth (&p, &c, &rng);
  for (size_t i = 0; i < mg_tensor_count (b.act.x); i++)
    b.act.x.data[i] = 0.5f + mg_rng_uniform (&rng);
  for (size_t i = 0; i < px; i++)
    target[i] = i % 5 == 0 ? MG_IGNORE : (uint8_t) mg_rng_below (&rng, 3);

  mg_unet_forward (&p, &b);
  mg_unet_zero_grad (&b);
  mg_xent_forward_backward (b.grad.logits, b.act.prob, target, NULL, 1.0f);
  mg_unet_backward (&g, &p, &b);

  /* a missing or wrong term shifts the slope by a layer's whole share
   * (≥ 5 % here) */
  g_assert_cmpfloat (median_error (&p, &b, target, theta, grad, np, &rng),
                     <, 2e-2);
  mg_unet_buffers_free (&b);
  free (theta);
  free (grad);
  free (target);
}

/* Each layer on its own: perturbing only that layer's parameters along a
 * random direction matches its share of the gradient (a missing layer in
 * the backward pass would hide in the whole-net check above only if its
 * share were small). */
static void
test_gradient_per_layer (void)
{
  MgUNetConfig c = { 2, 3, { 3, 4, 5, 6 } };
  MgUNetBuffers b;
  MgUNetParams p, g;
  MgError err;
  MgRng rng;
  size_t np = mg_unet_param_count (&c);
  float *theta = malloc (np * 4), *grad = calloc (np, 4);
  uint8_t target[2 * 16 * 16];

  g_assert_cmpint (mg_unet_buffers_init (&b, &c, 2, 16, 16, true, &err), ==,
                   MG_STATUS_OK);
  mg_unet_params_bind (&p, &c, theta);
  mg_unet_params_bind (&g, &c, grad);
  mg_rng_seed (&rng, g_test_rand_int ());
  make_smooth (&p, &c, &rng);
  for (size_t i = 0; i < mg_tensor_count (b.act.x); i++)
    b.act.x.data[i] = 0.5f + mg_rng_uniform (&rng);
  for (int i = 0; i < 2 * 16 * 16; i++)
    target[i] = (uint8_t) (i % 3);
  mg_unet_forward (&p, &b);
  mg_unet_zero_grad (&b);
  mg_xent_forward_backward (b.grad.logits, b.act.prob, target, NULL, 1.0f);
  mg_unet_backward (&g, &p, &b);

  for (int layer = 0; layer < MG_UNET_LAYERS; layer++)
    {
      /* weights then biases are contiguous in the block */
      float *w = p.layer[layer].w;
      size_t n = (size_t) (p.layer[layer].b - w);
      MgLayerInfo info;
      double e;

      mg_unet_layer_info (&c, layer, &info);
      n += (size_t) info.cout;
      e = median_error (&p, &b, target, w, g.layer[layer].w, n, &rng);
      /* a dropped or misplaced term is off by O(100 %) */
      if (e >= 3e-2)
        g_error ("layer %s: median relative error %g", info.name, e);
    }
  mg_unet_buffers_free (&b);
  free (theta);
  free (grad);
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
