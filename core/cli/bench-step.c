/* bench-step.c — timing of one MG-UNet-S training step and of OpenBLAS's
 * sgemm, for `maskgrow bench` (issue 6).
 *
 * A step is what mg_train does per iteration minus drawing patches:
 * forward, the three heads' masked cross-entropies, backward and Adam, on
 * a batch of random inputs with random targets (the time does not depend
 * on the values).  FLOPs: forward multiply-adds x 2, backward counted as
 * twice the forward (issue 6), so a step is 3 x forward. */
#include "bench.h"

#include "clock.h"
#include "net/unet.h"
#include "optim/adam.h"
#include "rng.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
mg_bench_median (double *values, int n)
{
  qsort (values, (size_t) n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

bool
mg_bench_train_step (int channels, int batch, int size, int repeats,
                     double *seconds, double *gflops)
{
  MgUNetConfig uc;
  MgUNetBuffers buf;
  MgUNetParams params, grads;
  MgAdam adam;
  MgRng rng;
  MgError err;
  float weight[MG_HEADS][MG_MAX_CLASSES + 1];
  size_t np, px = (size_t) size * size;
  float *block;
  uint8_t *target;
  double times[64];

  if (repeats > 64)
    repeats = 64;
  mg_unet_config_default (&uc, channels, 2);
  np = mg_unet_param_count (&uc);
  if (mg_unet_buffers_init (&buf, &uc, batch, size, size, true, &err)
      != MG_STATUS_OK)
    return false;
  block = malloc (4 * np * sizeof (float));
  target = malloc ((size_t) MG_HEADS * batch * px);
  if (block == NULL || target == NULL)
    {
      free (block);
      free (target);
      mg_unet_buffers_free (&buf);
      return false;
    }
  mg_rng_seed (&rng, 1);
  mg_unet_params_bind (&params, &uc, block);
  mg_unet_params_bind (&grads, &uc, block + np);
  mg_unet_params_init (&params, &uc, &rng);
  mg_adam_init (&adam, 1e-3f, block + 2 * np, block + 3 * np, np);
  for (size_t i = 0; i < (size_t) batch * channels * px; i++)
    buf.act.x.data[i] = mg_rng_uniform (&rng) * 2 - 1;
  for (size_t i = 0; i < (size_t) MG_HEADS * batch * px; i++)
    target[i] = (uint8_t) (mg_rng_next (&rng) & 1);
  for (int h = 0; h < MG_HEADS; h++)
    for (int k = 0; k <= MG_MAX_CLASSES; k++)
      weight[h][k] = 1;

  /* one warm-up step (page faults, OpenBLAS buffers), then the timed ones */
  for (int r = -1; r < repeats; r++)
    {
      double t0 = mg_now_seconds ();

      mg_unet_forward (&params, &buf);
      mg_unet_zero_grad (&buf);
      memset (block + np, 0, np * sizeof (float));
      for (int h = 0; h < MG_HEADS; h++)
        mg_xent_forward_backward (buf.grad.logits[h], buf.act.prob[h],
                                  target + (size_t) h * batch * px,
                                  weight[h], 1.0f);
      mg_unet_backward (&grads, &params, &buf);
      mg_adam_step (&adam, block, block + np);
      if (r >= 0)
        times[r] = mg_now_seconds () - t0;
    }
  *seconds = mg_bench_median (times, repeats);
  *gflops = 3 * 2 * mg_unet_forward_macs (&uc, size, size) * batch
            / *seconds * 1e-9;
  free (block);
  free (target);
  mg_unet_buffers_free (&buf);
  return true;
}

double
mg_bench_sgemm (int n, int repeats)
{
  size_t nn = (size_t) n * n;
  float *a = malloc (3 * nn * sizeof (float));
  double best = 0;

  if (a == NULL)
    return 0;
  for (size_t i = 0; i < 3 * nn; i++)
    a[i] = (float) (i % 17) * 0.01f;
  /* OpenBLAS on every thread the bench runs ours on (the core keeps it
   * at one, threads.c), for this reference only */
  openblas_set_num_threads (mg_threads_get ());
  /* the best of a few runs: sgemm's own speed, not the machine's noise */
  for (int r = -1; r < repeats; r++)
    {
      double t0 = mg_now_seconds (), g;

      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                   a, n, a + nn, n, 0.0f, a + 2 * nn, n);
      g = 2.0 * n * (double) nn / (mg_now_seconds () - t0) * 1e-9;
      if (r >= 0 && g > best)
        best = g;
    }
  openblas_set_num_threads (1);
  free (a);
  return best;
}
