/* test-alloc.c — the training loop allocates nothing (issue 6).
 *
 * This program is linked with -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc (tests/core/meson.build), so every allocation the core
 * makes goes through the counters below (OpenBLAS and libc, shared
 * libraries, are not counted).  Training for 4 steps and for 40 steps
 * must then allocate the same number of times: everything a step touches
 * is allocated before the first one.  The same holds with the recursive
 * levels on (their buffers too are made up front) and with two classes
 * and exact labels. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "maskgrow-core.h"
#include "rng.h"

void *__real_malloc (size_t size);
void *__real_calloc (size_t n, size_t size);
void *__real_realloc (void *p, size_t size);

static gsize allocations;

void *
__wrap_malloc (size_t size)
{
  allocations++;
  return __real_malloc (size);
}

void *
__wrap_calloc (size_t n, size_t size)
{
  allocations++;
  return __real_calloc (n, size);
}

void *
__wrap_realloc (void *p, size_t size)
{
  allocations++;
  return __real_realloc (p, size);
}

#define SIDE 128

/* Discs of radius 10 on a grid with a blob of hints in every other one,
 * background strokes between the rows; class 2 (squares) when asked. */
static void
make_scene (float *image, uint8_t *hints, uint8_t *exact, int classes)
{
  MgRng rng;

  mg_rng_seed (&rng, 3);
  memset (hints, 0, SIDE * SIDE);
  memset (exact, 0, SIDE * SIDE);
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        int cy = y / 32 * 32 + 16, cx = x / 32 * 32 + 16;
        int dy = y - cy, dx = x - cx, k = y / 32 * 4 + x / 32;
        int cls = classes == 2 && k % 2 ? 2 : 1;
        bool inside = dy * dy + dx * dx < 100;
        size_t o = (size_t) y * SIDE + x;

        image[o] = (inside ? 0.4f + 0.3f * cls : 0.1f)
                   + 0.05f * mg_rng_normal (&rng);
        if (inside && k % 3 == 0 && dy * dy + dx * dx < 16)
          hints[o] = (uint8_t) (cls + 1);
        if (! inside && y % 32 == 1)
          hints[o] = 1;
        /* the top-left object exactly, with its surroundings */
        if (y < 32 && x < 32)
          exact[o] = inside ? (uint8_t) (cls + 1) : 1;
      }
}

/* Allocations made by one mg_train run of `steps` steps. */
static gsize
allocations_for (int steps, int levels, int classes)
{
  static float image[SIDE * SIDE];
  static uint8_t hints[SIDE * SIDE], exact[SIDE * SIDE];
  MgTrainSample sample = { { image, 1, SIDE, SIDE }, hints, exact };
  MgTrainConfig config;
  MgModel *model = NULL;
  MgError err;
  gsize before;

  make_scene (image, hints, exact, classes);
  if (classes == 1)
    sample.exact = NULL;
  mg_train_config_init (&config);
  config.seconds = 0;
  config.iterations = steps;
  config.patch = 32;
  config.levels = levels;
  /* blobs grow 8 px per level into whatever the network gives their
   * class at 0.6, so both runs do every level: the rings alone, or growth
   * at the default confidence 0.9, stop the levels early when a 4-step
   * network finds nothing beyond the paint, and fewer levels allocate
   * less */
  config.growth = levels > 0 ? 8 : 0;
  config.confidence = 0.6f;
  config.scale = 1;
  before = allocations;
  g_assert_cmpint (mg_train (&sample, 1, &config, NULL, NULL, &model, &err),
                   ==, MG_STATUS_OK);
  before = allocations - before;
  mg_model_free (model);
  return before;
}

static void
check (int levels, int classes)
{
  gsize few = allocations_for (4, levels, classes);
  gsize many = allocations_for (40, levels, classes);

  g_test_message ("levels %d, classes %d: %" G_GSIZE_FORMAT
                  " allocations for 4 steps, %" G_GSIZE_FORMAT " for 40",
                  levels, classes, few, many);
  /* the counter works: setting up a run does allocate */
  g_assert_cmpuint (few, >, 0);
  g_assert_cmpuint (many, ==, few);
}

static void
test_plain (void)
{
  check (0, 1);
}

static void
test_exact_two_classes (void)
{
  check (0, 2);
}

/* Levels allocate per level (the prediction they evolve from), not per
 * step: with 2 levels (ring and growth) both runs evolve twice. */
static void
test_levels (void)
{
  check (2, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/alloc/training-loop", test_plain);
  g_test_add_func ("/alloc/training-loop-exact-two-classes",
                   test_exact_two_classes);
  g_test_add_func ("/alloc/training-loop-levels", test_levels);
  return g_test_run ();
}
