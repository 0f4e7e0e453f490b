/* test-recursive.c — the recursive recipe end to end on a scene made
 * here (methods.md §1(d)): small blobs painted inside discs grow level by
 * level to the discs' outlines; two touching discs stay two objects; a
 * background stroke is never crossed.  The masks are read through the
 * on_level callback (what `maskgrow train --dump-levels` writes).
 *
 * Scene, 96x96: bright discs (0.8) on a dark background (0.2), noise 0.05.
 *   A  radius 12 at (24, 24), a blob of radius 4 painted at its centre;
 *   B, C  radius 11 at (31, 70) and (52, 70): they touch along a short
 *      darker seam (0.5), each with a blob of radius 4;
 *   D  radius 12 at (72, 24), cut by a background stroke through its
 *      middle (x = 72, y 12..36): a mistake a person can make; the blob
 *      at (66, 24) must not grow past the stroke within the disc... it may
 *      only go round it, which the stroke's length forbids;
 *   background strokes along y = 48 and x = 90.
 *
 * /core/recursive/exact-skips-levels: the same scene as two training
 * images; the levels run, and the seg head counts in the answer, unless
 * exact labels are most labelled pixels. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "maskgrow-core.h"
#include "model.h"
#include "rng.h"

#define W 96
#define H 96

typedef struct
{
  float   image[W * H];
  uint8_t hints[W * H];
  uint8_t last[W * H];   /* masks of the last level seen */
  int     levels_seen;
} Scene;

static const struct { int x, y, r; } discs[4] = {
  { 24, 24, 12 }, { 31, 70, 11 }, { 52, 70, 11 }, { 72, 24, 12 }
};

static double
dist (int x, int y, int d)
{
  return hypot (x - discs[d].x, y - discs[d].y);
}

static void
make_scene (Scene *s)
{
  MgRng rng;

  mg_rng_seed (&rng, 11);
  memset (s, 0, sizeof *s);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        size_t o = (size_t) y * W + x;
        float v = 0.2f;

        for (int d = 0; d < 4; d++)
          if (dist (x, y, d) < discs[d].r)
            v = 0.8f;
        /* the seam where B and C meet */
        if (fabs (dist (x, y, 1) - dist (x, y, 2)) < 1.0
            && dist (x, y, 1) < 12)
          v = 0.5f;
        s->image[o] = v + 0.05f * mg_rng_normal (&rng);
        for (int d = 0; d < 3; d++)
          if (dist (x, y, d) < 4)
            s->hints[o] = 2;
        if (hypot (x - 66, y - 24) < 4)
          s->hints[o] = 2;
        if (y == 48 || x == 90 || (x == 72 && y >= 10 && y <= 38))
          s->hints[o] = 1;
      }
}

static void
keep_last (int level, int image, const uint8_t *labels, int width,
           int height, void *user_data)
{
  Scene *s = user_data;

  g_assert_cmpint (image, ==, 0);
  g_assert_cmpint (width, ==, W);
  g_assert_cmpint (height, ==, H);
  g_assert_cmpint (level, ==, s->levels_seen);
  s->levels_seen++;
  memcpy (s->last, labels, W * H);
}

static MgModel *
train (Scene *s)
{
  MgTrainSample sample = { { s->image, 1, W, H }, s->hints, NULL };
  MgTrainConfig config;
  MgModel *model = NULL;
  MgError err = { 0 };

  mg_train_config_init (&config);
  config.iterations = 500;
  config.seconds = 0;
  config.patch = 48;
  config.threads = 2;
  config.on_level = keep_last;
  config.level_data = s;
  /* 8 px per level (the default is 4): a blob of radius 4 can reach far
   * past the outline (12), so where it stops is the network's doing.
   * Confidence 0.6, not the default 0.9: what is checked is that the
   * masks stop at the outline; at 0.9 they stop short of it (measured:
   * 63 pixels inside r - 2 left out). */
  config.levels = 3;
  config.growth = 8;
  config.confidence = 0.6f;
  g_assert_cmpint (mg_train (&sample, 1, &config, NULL, NULL, &model, &err),
                   ==, MG_STATUS_OK);
  g_assert_cmpint (s->levels_seen, ==, 4);
  return model;
}

/* Pixels of the grown masks within a disc's neighbourhood that break
 * "within 2 px of its outline": inside r - 2 but not object, or object
 * but outside r + 2.  (x range limits the check to one side of a
 * stroke.) */
static int
misplaced (const uint8_t *m, int d, int x_lo, int x_hi)
{
  int bad = 0, short_ = 0;

  for (int y = 0; y < H; y++)
    for (int x = x_lo; x < x_hi; x++)
      {
        double r = dist (x, y, d);
        bool object = m[y * W + x] == 2;

        if (r > discs[d].r + 6)
          continue;
        if ((r < discs[d].r - 2 && ! object) || (r > discs[d].r + 2 && object))
          bad++;
        short_ += r < discs[d].r - 2 && ! object;
      }
  if (bad > 0)
    g_test_message ("disc %d: %d pixels inside r - 2 missing, %d outside "
                    "r + 2 taken", d, short_, bad - short_);
  return bad;
}

/* Size of the 4-connected object mask (label 2) reached from (x, y);
 * -1 when it reaches (tx, ty). */
static int
component_size (const uint8_t *m, int x, int y, int tx, int ty)
{
  bool *seen = g_new0 (bool, W * H);
  int *stack = g_new (int, W * H), top = 0, size = 0;

  stack[top++] = y * W + x;
  seen[y * W + x] = true;
  while (top > 0)
    {
      int p = stack[--top], px = p % W, py = p / W;
      const int nb[4][2] = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } };

      if (p == ty * W + tx)
        size = -W * H;
      size++;
      for (int k = 0; k < 4; k++)
        {
          int u = px + nb[k][0], v = py + nb[k][1];
          if (u >= 0 && u < W && v >= 0 && v < H && ! seen[v * W + u]
              && m[v * W + u] == 2)
            {
              seen[v * W + u] = true;
              stack[top++] = v * W + u;
            }
        }
    }
  g_free (seen);
  g_free (stack);
  return size > 0 ? size : -1;
}

/* mg_segment_all gives in one call what mg_segment and
 * mg_segment_instances give (labels, inst, count are the latter's); without
 * separation its instances are the connected pieces of each class. */
static void
check_segment_all (const MgModel *model, const MgImage *im,
                   const uint8_t *labels, const uint32_t *inst,
                   uint32_t count)
{
  int K = mg_model_classes (model) + 1;
  float *prob = g_new (float, (size_t) K * W * H);
  float *prob_all = g_new (float, (size_t) K * W * H);
  uint8_t *lab = g_new (uint8_t, W * H);
  uint32_t *ins = g_new (uint32_t, W * H), n;
  MgError err = { 0 };

  g_assert_cmpint (mg_segment (model, im, lab, prob, NULL, NULL, &err), ==,
                   MG_STATUS_OK);
  g_assert_cmpint (mg_segment_all (model, im, lab, prob_all, ins, &n, true,
                                   NULL, NULL, &err), ==, MG_STATUS_OK);
  g_assert_cmpmem (lab, W * H, labels, W * H);
  g_assert_cmpmem (prob_all, K * W * H * sizeof (float), prob,
                   K * W * H * sizeof (float));
  g_assert_cmpuint (n, ==, count);
  g_assert_cmpmem (ins, W * H * sizeof (uint32_t), inst,
                   W * H * sizeof (uint32_t));

  /* Plain pieces: never more than the separated instances, one class
   * each, and 4-neighbours of one class share their piece. */
  g_assert_cmpint (mg_segment_all (model, im, lab, NULL, ins, &n, false,
                                   NULL, NULL, &err), ==, MG_STATUS_OK);
  g_test_message ("%u plain pieces, %u separated instances", n, count);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, count);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int i = y * W + x;
        g_assert_cmpuint (ins[i] == 0, ==, lab[i] == 0);
        if (x + 1 < W && lab[i] != 0 && lab[i + 1] == lab[i])
          g_assert_cmpuint (ins[i + 1], ==, ins[i]);
        if (y + 1 < H && lab[i] != 0 && lab[i + W] == lab[i])
          g_assert_cmpuint (ins[i + W], ==, ins[i]);
      }
  g_free (prob);
  g_free (prob_all);
  g_free (lab);
  g_free (ins);
}

static void
test_recursive (void)
{
  Scene *s = g_new (Scene, 1);
  MgModel *model;
  MgImage im = { s->image, 1, W, H };
  uint8_t *labels = g_new (uint8_t, W * H);
  uint32_t *inst = g_new (uint32_t, W * H), count;
  MgError err = { 0 };

  make_scene (s);
  model = train (s);

  /* A: the blob of radius 4 became the disc of radius 12, within 2 px */
  g_test_message ("A misplaced %d", misplaced (s->last, 0, 0, W));
  g_assert_cmpint (misplaced (s->last, 0, 0, W), ==, 0);

  /* B and C grew apart (the mask reached from B's centre never reaches
   * C's) and each covers its disc */
  g_assert_cmpint (misplaced (s->last, 1, 0, 41), ==, 0);
  g_assert_cmpint (misplaced (s->last, 2, 43, W), ==, 0);
  g_assert_cmpint (component_size (s->last, 31, 70, 41, 52), >, 0);
  /* D: nothing of the blob's mask crossed the stroke at x = 72 */
  for (int y = 10; y <= 38; y++)
    for (int x = 73; x < W; x++)
      g_assert_cmpint (s->last[y * W + x], !=, 2);

  /* the trained model tells B and C apart as instances */
  g_assert_cmpint (mg_segment_instances (model, &im, labels, inst, &count,
                                         NULL, NULL, &err), ==, MG_STATUS_OK);
  g_test_message ("%u instances", count);
  g_assert_cmpuint (inst[70 * W + 31], !=, 0);
  g_assert_cmpuint (inst[70 * W + 52], !=, 0);
  g_assert_cmpuint (inst[70 * W + 31], !=, inst[70 * W + 52]);
  g_assert_cmpuint (inst[24 * W + 24], !=, inst[70 * W + 31]);
  check_segment_all (model, &im, labels, inst, count);
  mg_model_free (model);
  g_free (labels);
  g_free (inst);
  g_free (s);
}

/* Levels shown per training image. */
static void
count_levels (int level, int image, const uint8_t *labels, int width,
              int height, void *user_data)
{
  int *seen = user_data;

  (void) labels, (void) width, (void) height;
  g_assert_cmpint (image, >=, 0);
  g_assert_cmpint (image, <, 2);
  g_assert_cmpint (level, ==, seen[image]);
  seen[image]++;
}

/* Trains briefly on the scene twice, image 0 with its hints, image 1 with
 * its hints and `exact`; returns the levels shown for image 0 (level 0,
 * the hints, counts) and the model's share of the seg head in its
 * answer. */
static int
levels_beside (Scene *s, const uint8_t *exact, float *seg_weight)
{
  MgTrainSample samples[2] = {
    { { s->image, 1, W, H }, s->hints, NULL },
    { { s->image, 1, W, H }, s->hints, exact },
  };
  MgTrainConfig config;
  MgModel *model = NULL;
  MgError err = { 0 };
  int seen[2] = { 0, 0 };

  mg_train_config_init (&config);
  config.iterations = 30;
  config.seconds = 0;
  config.patch = 48;
  config.threads = 1;
  config.on_level = count_levels;
  config.level_data = seen;
  g_assert_cmpint (mg_train (samples, 2, &config, NULL, NULL, &model, &err),
                   ==, MG_STATUS_OK);
  g_assert_cmpint (seen[0], ==, seen[1]);
  *seg_weight = model->seg_weight;
  mg_model_free (model);
  return seen[0];
}

/* Exact labels that are most of the labelled pixels (the whole of
 * image 1: 9216 of 9616) skip the levels, and the answer is the approx
 * head alone; one disc outlined (437 of 1192) leaves the levels on, as no
 * exact labels do (test_recursive), and mixes the seg head in by half
 * (train.c, exact_dominates); all four discs outlined, with strokes for
 * the background, are most labelled pixels again.  Fails with the rule
 * removed: 3 levels shown in the first case. */
static void
test_exact_skips_levels (void)
{
  Scene *s = g_new (Scene, 1);
  uint8_t *exact = g_new (uint8_t, W * H);
  float seg_weight = -1;

  make_scene (s);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        bool in = false;

        for (int d = 0; d < 4; d++)
          in |= dist (x, y, d) < discs[d].r;
        exact[y * W + x] = in ? 2 : 1;
      }
  g_assert_cmpint (levels_beside (s, exact, &seg_weight), ==, 1);
  g_assert_cmpfloat (seg_weight, ==, 0.0f);
  for (int o = 0; o < W * H; o++)
    exact[o] = dist (o % W, o / W, 0) < discs[0].r ? 2 : 0;
  g_assert_cmpint (levels_beside (s, exact, &seg_weight), >=, 2);
  g_assert_cmpfloat (seg_weight, ==, 0.5f);
  for (int o = 0; o < W * H; o++)
    for (int d = 0; d < 4; d++)
      if (dist (o % W, o / W, d) < discs[d].r)
        exact[o] = 2;
  g_assert_cmpint (levels_beside (s, exact, &seg_weight), ==, 1);
  g_assert_cmpfloat (seg_weight, ==, 0.0f);
  g_free (exact);
  g_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/recursive/grow-separate-block", test_recursive);
  g_test_add_func ("/core/recursive/exact-skips-levels",
                   test_exact_skips_levels);
  return g_test_run ();
}
