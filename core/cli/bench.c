/* bench.c — `maskgrow bench [--threads T] [--json] [--quick]` (issue 6).
 *
 * Prints, for the reference network MG-UNet-S:
 *   train_step_gray_s, train_step_rgb_s  median step, batch 4 x 256²
 *   train_step_96_s                      ... grey 4 x 96², what mg_train
 *                                         runs by default
 *   train_step_96_busy_s                 ... the same beside one other
 *                                         program that keeps a core busy
 *                                         (a busy loop in a child), as on
 *                                         a laptop with a browser open
 *   gflops, sgemm_gflops, gflops_ratio   the grey step's rate, OpenBLAS's
 *                                         at 2048³, and the first over the
 *                                         second (same run)
 *   infer_1mp_s, infer_1mp_peak_mb       mg_segment of a 1024² grey image
 *   infer_16mp_s, infer_16mp_peak_mb     ... of a 4096² grey image
 *   first_preview_s                      train on a 1024² image with hints:
 *                                         time to the first preview
 *   usable_1mp_s                         ... to the first preview whose
 *                                         objects match the truth with
 *                                         Dice >= USABLE_DICE (on the
 *                                         preview's rectangle): when the
 *                                         user has a usable result
 *   end_to_end_1mp_s, end_to_end_dice    train (default budget) + segment
 *                                         of that image, and the Dice of
 *                                         its objects against the truth
 * Inference runs at working scale 1 (the network on every pixel, the most
 * work) and one view (the network once over the image, the work of
 * torch-compare.py's forward; mg_segment averages 4 mirrored views by
 * default, 4x this, which end_to_end_1mp_s includes) with a randomly
 * initialised model, each in a child process so
 * that its peak resident memory (ru_maxrss) is its own.  --quick: one
 * repeat and 150 training steps instead of the 30 s budget (for the test
 * suite). */
/* wait4 () reports the peak memory of one child */
#define _DEFAULT_SOURCE
#include "bench.h"

#include "maskgrow-core.h"

#include "clock.h"
#include "model.h"
#include "net/unet.h"
#include "rng.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct
{
  double step_gray, step_rgb, step_96, step_96_busy, gflops, sgemm;
  double infer_1mp, peak_1mp, infer_16mp, peak_16mp;
  double first_preview, usable, end_to_end, dice;
} Figures;

/* A preview this close to the truth counts as a usable result */
#define USABLE_DICE 0.9

/* A grey test scene: discs of radius 8..20 (brighter, textured) on a
 * darker, noisy, unevenly lit background; truth 1 inside discs. */
static void
make_scene (float *image, uint8_t *truth, int w, int h, MgRng *rng)
{
  memset (truth, 0, (size_t) w * h);
  for (int i = 0; i < w * h / 1600; i++)
    {
      int r = 8 + (int) mg_rng_below (rng, 13);
      int cx = (int) mg_rng_below (rng, (uint32_t) w);
      int cy = (int) mg_rng_below (rng, (uint32_t) h);

      for (int y = cy - r; y <= cy + r; y++)
        for (int x = cx - r; x <= cx + r; x++)
          if (x >= 0 && y >= 0 && x < w && y < h
              && (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
            truth[(size_t) y * w + x] = 1;
    }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t i = (size_t) y * w + x;
        float light = 0.15f + 0.1f * (float) x / w;

        image[i] = light + (truth[i] ? 0.45f : 0.0f)
                   + 0.08f * mg_rng_normal (rng);
      }
}

/* Hints as a person paints them: a blob of radius 3 at the centre of
 * every third disc (found as pixels whose 7x7 square is all disc), and
 * four horizontal background strokes through disc-free stretches. */
static void
make_hints (uint8_t *hints, const uint8_t *truth, int w, int h)
{
  int n = 0;

  memset (hints, 0, (size_t) w * h);
  for (int y = 3; y < h - 3; y += 24)
    for (int x = 3; x < w - 3; x += 24)
      {
        bool inside = true;

        for (int dy = -3; dy <= 3 && inside; dy++)
          for (int dx = -3; dx <= 3 && inside; dx++)
            inside = truth[(size_t) (y + dy) * w + x + dx] != 0;
        if (inside && n++ % 3 == 0)
          for (int dy = -3; dy <= 3; dy++)
            for (int dx = -3; dx <= 3; dx++)
              hints[(size_t) (y + dy) * w + x + dx] = 2;
      }
  for (int s = 1; s <= 4; s++)
    {
      int y = s * h / 5;

      for (int x = 0; x < w; x++)
        if (! truth[(size_t) y * w + x] && ! truth[(size_t) (y + 1) * w + x])
          hints[(size_t) y * w + x] = hints[(size_t) (y + 1) * w + x] = 1;
    }
}

/* Runs mg_segment on a side x side scene in a child process; returns the
 * seconds it took (< 0 on failure) and the child's peak memory in MB. */
static double
infer_in_child (int side, int threads, double *peak_mb)
{
  int fd[2];
  pid_t pid;
  double seconds = -1;
  struct rusage ru;
  int status;

  if (pipe (fd) != 0)
    return -1;
  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    {
      size_t plane = (size_t) side * side;
      float *data = malloc (plane * sizeof (float));
      uint8_t *labels = malloc (plane);
      MgUNetConfig uc;
      MgUNetParams params;
      MgModel *model;
      MgRng rng;
      MgError err;
      double t = -1;

      mg_threads_set (threads);
      mg_unet_config_default (&uc, 1, 2);
      model = mg_model_new (&uc);
      if (data != NULL && labels != NULL && model != NULL
          && mg_model_set_views (model, 1))
        {
          MgImage im = { data, 1, side, side };

          mg_rng_seed (&rng, 7);
          mg_unet_params_bind (&params, &uc, model->params);
          mg_unet_params_init (&params, &uc, &rng);
          make_scene (data, labels, side, side, &rng);
          t = mg_now_seconds ();
          if (mg_segment (model, &im, labels, NULL, NULL, NULL, &err)
              == MG_STATUS_OK)
            t = mg_now_seconds () - t;
          else
            t = -1;
        }
      if (write (fd[1], &t, sizeof t) != sizeof t)
        _exit (1);
      _exit (0);
    }
  close (fd[1]);
  if (pid < 0 || read (fd[0], &seconds, sizeof seconds) != sizeof seconds)
    seconds = -1;
  close (fd[0]);
  if (pid > 0 && wait4 (pid, &status, 0, &ru) == pid)
    *peak_mb = ru.ru_maxrss / 1024.0;
  return seconds;
}

typedef struct
{
  double         start, first, usable;
  const uint8_t *truth;   /* the full-size scene's, side x side */
  int            side;
} PreviewClock;

/* Object Dice (class 1) of labels, a width x height rectangle at (x0, y0)
 * of the image shrunk `scale` times, against the full-size truth (side x
 * side): each label compared with the truth pixel at its centre.  0 when
 * neither has an object pixel. */
static double
object_dice (const uint8_t *labels, int width, int height, int x0, int y0,
             int scale, const uint8_t *truth, int side)
{
  size_t both = 0, sum = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        int ty = (y0 + y) * scale + scale / 2;
        int tx = (x0 + x) * scale + scale / 2;
        bool want = ty < side && tx < side
                    && truth[(size_t) ty * side + tx] == 1;
        bool got = labels[(size_t) y * width + x] == 1;

        both += want && got;
        sum += want + got;
      }
  return sum > 0 ? 2.0 * both / sum : 0;
}

static void
on_preview (const MgPreview *p, void *data)
{
  PreviewClock *clock = data;
  double now = mg_now_seconds () - clock->start;

  if (clock->first < 0)
    clock->first = now;
  if (clock->usable < 0
      && object_dice (p->labels, p->width, p->height, p->x, p->y, p->scale,
                      clock->truth, clock->side) >= USABLE_DICE)
    clock->usable = now;
}

/* Trains with default settings on a 1024² scene with hints, segments it;
 * fills first_preview, end_to_end and dice.  False on failure. */
static bool
end_to_end (int threads, bool quick, Figures *f)
{
  const int side = 1024;
  size_t plane = (size_t) side * side;
  float *data = malloc (plane * sizeof (float));
  uint8_t *truth = malloc (plane), *hints = malloc (plane);
  uint8_t *labels = malloc (plane);
  MgTrainConfig config;
  PreviewClock clock = { 0, -1, -1, NULL, side };
  MgModel *model = NULL;
  MgError err;
  MgRng rng;
  bool ok = false;

  if (data != NULL && truth != NULL && hints != NULL && labels != NULL)
    {
      MgImage im = { data, 1, side, side };
      MgTrainSample sample = { im, hints, NULL };

      mg_rng_seed (&rng, 11);
      make_scene (data, truth, side, side, &rng);
      make_hints (hints, truth, side, side);
      mg_train_config_init (&config);
      config.threads = threads;
      if (quick)   /* a fixed step count: the same result on every machine */
        {
          config.seconds = 0;
          config.iterations = 150;
        }
      config.on_preview = on_preview;
      config.preview_data = &clock;
      clock.truth = truth;
      clock.start = mg_now_seconds ();
      if (mg_train (&sample, 1, &config, NULL, NULL, &model, &err)
            == MG_STATUS_OK
          && mg_segment (model, &im, labels, NULL, NULL, NULL, &err)
               == MG_STATUS_OK)
        {
          f->end_to_end = mg_now_seconds () - clock.start;
          f->first_preview = clock.first;
          f->usable = clock.usable;
          f->dice = object_dice (labels, side, side, 0, 0, 1, truth, side);
          ok = true;
        }
      else
        fprintf (stderr, "maskgrow: error: bench: %s\n", err.message);
    }
  mg_model_free (model);
  free (data);
  free (truth);
  free (hints);
  free (labels);
  return ok;
}

/* Median default training step while a child process spins on one core;
 * false on failure. */
static bool
step_beside_busy_program (int repeats, double *seconds)
{
  double unused;
  pid_t pid;
  bool ok;

  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    return false;
  if (pid == 0)
    for (volatile unsigned long i = 0;; i++)
      ;
  ok = mg_bench_train_step (1, 4, 96, repeats, seconds, &unused);
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  return ok;
}

static void
print_figures (const Figures *f, int threads, bool json)
{
  if (json)
    {
      printf ("{\"threads\": %d, \"train_step_gray_s\": %.4f, "
              "\"train_step_rgb_s\": %.4f, \"train_step_96_s\": %.4f, "
              "\"train_step_96_busy_s\": %.4f, "
              "\"gflops\": %.1f, "
              "\"sgemm_gflops\": %.1f, \"gflops_ratio\": %.3f, "
              "\"infer_1mp_s\": %.3f, \"infer_1mp_peak_mb\": %.0f, "
              "\"infer_16mp_s\": %.3f, \"infer_16mp_peak_mb\": %.0f, "
              "\"first_preview_s\": %.2f, \"usable_1mp_s\": %.2f, "
              "\"end_to_end_1mp_s\": %.2f, "
              "\"end_to_end_1mp_dice\": %.3f}\n",
              threads, f->step_gray, f->step_rgb, f->step_96,
              f->step_96_busy, f->gflops,
              f->sgemm,
              f->gflops / f->sgemm, f->infer_1mp, f->peak_1mp, f->infer_16mp,
              f->peak_16mp, f->first_preview, f->usable, f->end_to_end,
              f->dice);
      return;
    }
  printf ("MG-UNet-S on %d thread%s\n", threads, threads == 1 ? "" : "s");
  printf ("  training step, 4 x 1 x 256²   %8.3f s  (%.1f GFLOP/s)\n",
          f->step_gray, f->gflops);
  printf ("  training step, 4 x 3 x 256²   %8.3f s\n", f->step_rgb);
  printf ("  training step, 4 x 1 x 96²    %8.3f s  (the default patches)\n",
          f->step_96);
  printf ("  ... beside a busy program     %8.3f s  (one core kept busy)\n",
          f->step_96_busy);
  printf ("  OpenBLAS sgemm 2048³          %8.1f GFLOP/s  (step: %.0f %%)\n",
          f->sgemm, 100 * f->gflops / f->sgemm);
  printf ("  segment 1024² grey            %8.3f s  peak %.0f MB\n",
          f->infer_1mp, f->peak_1mp);
  printf ("  segment 4096² grey            %8.3f s  peak %.0f MB\n",
          f->infer_16mp, f->peak_16mp);
  printf ("  first preview, 1024² image    %8.2f s\n", f->first_preview);
  if (f->usable >= 0)
    printf ("  ... first with Dice >= %.1f    %8.2f s  (a usable result)\n",
            USABLE_DICE, f->usable);
  else
    printf ("  ... first with Dice >= %.1f        none\n", USABLE_DICE);
  printf ("  train + segment, 1024² image  %8.2f s  (object Dice %.3f)\n",
          f->end_to_end, f->dice);
}

int
mg_cli_bench (int argc, char **argv)
{
  int threads = 0, repeats = 5;
  bool json = false, quick = false;
  Figures f;

  for (int i = 0; i < argc; i++)
    if (strcmp (argv[i], "--json") == 0)
      json = true;
    else if (strcmp (argv[i], "--quick") == 0)
      quick = true;
    else if (strcmp (argv[i], "--threads") == 0 && i + 1 < argc)
      {
        char *end;
        long t = strtol (argv[++i], &end, 10);

        if (*end != '\0' || t < 0 || t > 1024)
          {
            fprintf (stderr, "maskgrow: error: --threads wants 0..1024\n");
            return 2;
          }
        threads = (int) t;
      }
    else
      {
        fprintf (stderr, "maskgrow: error: bench: unknown option '%s'\n"
                 "usage: maskgrow bench [--threads T] [--json] [--quick]\n",
                 argv[i]);
        return 2;
      }
  if (quick)
    repeats = 1;
  memset (&f, 0, sizeof f);
  f.infer_1mp = infer_in_child (1024, threads, &f.peak_1mp);
  f.infer_16mp = infer_in_child (4096, threads, &f.peak_16mp);
  mg_threads_set (threads);
  threads = mg_threads_get ();
  if (f.infer_1mp < 0 || f.infer_16mp < 0
      || ! mg_bench_train_step (1, 4, 256, repeats, &f.step_gray, &f.gflops))
    {
      fprintf (stderr, "maskgrow: error: bench: out of memory\n");
      return 1;
    }
  {
    double unused;

    if (! mg_bench_train_step (3, 4, 256, repeats, &f.step_rgb, &unused)
        || ! mg_bench_train_step (1, 4, 96, 3 * repeats, &f.step_96,
                                  &unused)
        || ! step_beside_busy_program (3 * repeats, &f.step_96_busy))
      return 1;
  }
  f.sgemm = mg_bench_sgemm (2048, quick ? 1 : 3);
  if (! end_to_end (threads, quick, &f))
    return 1;
  print_figures (&f, threads, json);
  return 0;
}
