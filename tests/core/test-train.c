/* test-train.c — training and segmentation end to end on images made
 * here: bright discs (class 1) and mid-grey squares (class 2) on a noisy
 * dark background, rough hints inside a few objects and background
 * strokes, as a person would paint them.  Also the errors of mg_train and
 * mg_segment, cancellation, and determinism for a fixed seed. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "maskgrow-core.h"
#include "rng.h"

#define W 96
#define H 96

typedef struct
{
  float   image[W * H];
  uint8_t truth[W * H];  /* 0 background, 1 disc, 2 square */
  uint8_t hints[W * H];
} Scene;

/* Objects on a grid: discs of radius 9 and squares of side 16 alternate;
 * hints are blobs of half the radius in the centres of every other object plus a
 * horizontal background stroke between the rows. */
static void
make_scene (Scene *s, int classes, uint64_t seed)
{
  MgRng rng;

  mg_rng_seed (&rng, seed);
  memset (s, 0, sizeof *s);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int cy = (y / 32) * 32 + 16, cx = (x / 32) * 32 + 16;
        int k = (y / 32) * 3 + x / 32;
        int dy = y - cy, dx = x - cx;
        bool square = classes == 2 && k % 2 == 1;
        bool inside = square ? abs (dy) < 8 && abs (dx) < 8
                             : dy * dy + dx * dx < 81;
        size_t o = (size_t) y * W + x;

        s->truth[o] = inside ? (square ? 2 : 1) : 0;
        s->image[o] = (inside ? (square ? 0.5f : 0.9f) : 0.1f)
                      + 0.05f * mg_rng_normal (&rng);
        if (inside && k % 3 != 2 && dy * dy + dx * dx < 25)
          s->hints[o] = (uint8_t) (s->truth[o] + 1);
        if (! inside && (y % 32 == 1 || y % 32 == 30) && x % 32 > 4)
          s->hints[o] = 1;
      }
}

static double
dice_of (const uint8_t *pred, const uint8_t *truth, int cls)
{
  size_t both = 0, np = 0, nt = 0;

  for (size_t i = 0; i < W * H; i++)
    {
      np += pred[i] == cls;
      nt += truth[i] == cls;
      both += pred[i] == cls && truth[i] == cls;
    }
  return 2.0 * both / (double) (np + nt);
}

static MgModel *
train_scene_smooth (const Scene *s, int iterations, uint64_t seed,
                    float smoothness, MgError *err)
{
  MgTrainSample sample = { { s->image, 1, W, H }, s->hints, NULL };
  MgTrainConfig config;
  MgModel *model = NULL;

  mg_train_config_init (&config);
  config.seed = seed;
  config.iterations = iterations;
  config.seconds = 0;
  config.patch = 48;
  config.threads = 2;
  config.smoothness = smoothness;
  config.levels = 0;   /* the one-stage recipe, which these tests measure */
  g_assert_cmpint (mg_train (&sample, 1, &config, NULL, NULL, &model, err),
                   ==, MG_STATUS_OK);
  return model;
}

static MgModel *
train_scene_seed (const Scene *s, int iterations, uint64_t seed,
                  MgError *err)
{
  return train_scene_smooth (s, iterations, seed, 0.0f, err);
}

static MgModel *
train_scene (const Scene *s, int iterations, MgError *err)
{
  return train_scene_seed (s, iterations, 1, err);
}

/* Two classes plus background from rough hints on 2 of 3 objects: the
 * unhinted objects are found and most of each object's area.
 *
 * Thresholds: the painted blobs alone score Dice ≈ 0.35 per class (half
 * the radius, 6 of 9 objects).  200 steps are short and a single run
 * swings widely with the training seed (and with the order of float
 * sums: the direct convolution kernels changed single runs by ±0.2), so
 * the test takes the mean of three seeds.  Measured over ten seeds with
 * the three task heads, before and after the speed work alike: background
 * 0.95, discs 0.83, squares 0.69 on average, the worst single runs 0.92,
 * 0.60, 0.51; again after the class-weight and subnormal changes of
 * November 2026: 0.944, 0.816, 0.690, the worst runs 0.775, 0.711, 0.382,
 * seeds 1-3 (the test's) 0.914, 0.754, 0.614.  What is lost is a 1–2 px halo: the labels leave a 10 px
 * unpainted band around each object and nothing tells the network where
 * in it the boundary lies.  The bars sit two standard errors below the
 * means and far above the blobs.  (The recursive recipe has its own
 * test, test-recursive.c.)
 *
 * With the smoothness term (weight 1, the default) the boundary
 * settles on the image's edge: seeds 1-3 0.997, 0.999, 0.974, the worst
 * single runs 0.995, 0.998, 0.957; its bars (0.95, 0.9, 0.85) fail
 * without the term (the same seeds on 2026-11-27: 0.967, 0.816, 0.779). */
static void
two_classes (float smoothness, const double bar[3])
{
  Scene *s = g_new (Scene, 1);
  uint8_t labels[W * H];
  float *prob = g_new (float, 3 * W * H);
  MgImage im = { s->image, 1, W, H };
  MgError err = { 0 };
  double mean[3] = { 0, 0, 0 };
  const int seeds = 3;

  make_scene (s, 2, 7);
  for (int seed = 1; seed <= seeds; seed++)
    {
      MgModel *model = train_scene_smooth (s, 200, (uint64_t) seed,
                                           smoothness, &err);

      g_assert_cmpint (mg_model_classes (model), ==, 2);
      g_assert_cmpint (mg_segment (model, &im, labels, prob, NULL, NULL,
                                   &err),
                       ==, MG_STATUS_OK);
      g_test_message ("seed %d: Dice background %.3f disc %.3f square %.3f",
                      seed, dice_of (labels, s->truth, 0),
                      dice_of (labels, s->truth, 1),
                      dice_of (labels, s->truth, 2));
      for (int c = 0; c < 3; c++)
        mean[c] += dice_of (labels, s->truth, c) / seeds;
      for (size_t i = 0; i < W * H; i++)
        g_assert_cmpfloat (fabsf (prob[i] + prob[W * H + i]
                                  + prob[2 * W * H + i] - 1.0f), <, 1e-4);
      mg_model_free (model);
    }
  g_test_message ("mean Dice background %.3f disc %.3f square %.3f",
                  mean[0], mean[1], mean[2]);
  for (int c = 0; c < 3; c++)
    g_assert_cmpfloat (mean[c], >, bar[c]);
  g_free (prob);
  g_free (s);
}

static void
test_two_classes (void)
{
  const double bar[3] = { 0.9, 0.7, 0.55 };

  two_classes (0.0f, bar);
}

static void
test_two_classes_smooth (void)
{
  const double bar[3] = { 0.95, 0.9, 0.85 };

  two_classes (1.0f, bar);
}

/* Exact labels keep their edge.  People outlining an object disagree by
 * a pixel or two about where its edge lies: here each pixel within 3 px of
 * a disc's edge is labelled disc with a chance falling linearly from 1 to
 * 0 across those 6 px, 1/2 on the edge itself.  Trained on every pixel
 * labelled so, the discs should come back their own size.  Balancing the
 * seg head's exact labels by class frequency, as hints are balanced,
 * weighs the 25 % of disc pixels 3x the background and calls a pixel disc
 * from a chance of 1/4, 1.5 px further out.  Measured (150 steps): both
 * heads balanced, the area came out 1.31-1.40x the truth's over seeds 1-5
 * (mean 1.36); the seg head unbalanced, 1.03-1.27x (mean 1.17: the output
 * is half approx head, and that head was still balanced); both
 * unbalanced (approx_weights: here all its pixels are exact), 0.93-1.09x
 * over seeds 1-9, mean of seeds 1-3 0.999, Dice 0.949; with the approx
 * head alone as the output (train.c, seg_weight), mean of seeds 1-3
 * 1.017, Dice 0.939.  The bars, on the mean of three seeds, fail the
 * second (1.154 for seeds 1-3).  One view, so this checks the training
 * and not mg_segment's averaging. */
static void
test_exact_labels_keep_their_edge (void)
{
  Scene *s = g_new (Scene, 1);
  uint8_t *exact = g_new (uint8_t, W * H), *labels = g_new (uint8_t, W * H);
  MgTrainSample sample = { { s->image, 1, W, H }, NULL, exact };
  MgImage im = { s->image, 1, W, H };
  MgTrainConfig config;
  MgError err = { 0 };
  double ratio = 0, dice = 0;
  MgRng rng;

  make_scene (s, 1, 5);
  mg_rng_seed (&rng, 9);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int dy = y % 32 - 16, dx = x % 32 - 16;
        double edge = 9 + 6 * (mg_rng_uniform (&rng) - 0.5);

        exact[y * W + x] = sqrt (dy * dy + dx * dx) < edge ? 2 : 1;
      }
  mg_train_config_init (&config);
  config.iterations = 150;
  config.seconds = 0;
  config.patch = 48;
  config.threads = 2;
  config.levels = 0;        /* what was measured: the one-stage recipe */
  config.smoothness = 0.0f;
  for (int seed = 1; seed <= 3; seed++)
    {
      MgModel *model = NULL;
      size_t found = 0, truth = 0;

      config.seed = (uint64_t) seed;
      g_assert_cmpint (mg_train (&sample, 1, &config, NULL, NULL, &model,
                                 &err),
                       ==, MG_STATUS_OK);
      g_assert_true (mg_model_set_views (model, 1));
      g_assert_cmpint (mg_segment (model, &im, labels, NULL, NULL, NULL,
                                   &err),
                       ==, MG_STATUS_OK);
      for (size_t i = 0; i < W * H; i++)
        {
          found += labels[i] == 1;
          truth += s->truth[i] == 1;
        }
      g_test_message ("seed %d: object area %.3f x the truth's, Dice %.3f",
                      seed, (double) found / truth,
                      dice_of (labels, s->truth, 1));
      ratio += (double) found / truth / 3;
      dice += dice_of (labels, s->truth, 1) / 3;
      mg_model_free (model);
    }
  g_test_message ("mean: object area %.3f x the truth's, Dice %.3f", ratio,
                  dice);
  g_assert_cmpfloat (ratio, >, 0.9);
  g_assert_cmpfloat (ratio, <, 1.12);
  g_assert_cmpfloat (dice, >, 0.92);
  g_free (labels);
  g_free (exact);
  g_free (s);
}

/* Same seed and threads, same model, bit for bit. */
static void
test_deterministic (void)
{
  Scene *s = g_new (Scene, 1);
  MgError err = { 0 };
  MgModel *a, *b;
  uint8_t *ba, *bb;
  size_t na, nb;

  make_scene (s, 1, 3);
  a = train_scene (s, 5, &err);
  b = train_scene (s, 5, &err);
  g_assert_cmpint (mg_model_to_bytes (a, &ba, &na, &err), ==, MG_STATUS_OK);
  g_assert_cmpint (mg_model_to_bytes (b, &bb, &nb, &err), ==, MG_STATUS_OK);
  g_assert_cmpuint (na, ==, nb);
  g_assert_cmpint (memcmp (ba, bb, na), ==, 0);
  free (ba);
  free (bb);
  mg_model_free (a);
  mg_model_free (b);
  g_free (s);
}

static bool
stop_after_three (const MgProgress *p, void *data)
{
  (void) data;
  return p->iteration < 3;
}

static void
test_cancel_keeps_model (void)
{
  Scene *s = g_new (Scene, 1);
  MgTrainSample sample = { { s->image, 1, W, H }, s->hints, NULL };
  MgTrainConfig config;
  MgModel *model = NULL;
  MgError err = { 0 };

  make_scene (s, 1, 3);
  mg_train_config_init (&config);
  config.patch = 32;
  config.iterations = 1000;
  g_assert_cmpint (mg_train (&sample, 1, &config, stop_after_three, NULL,
                             &model, &err), ==, MG_STATUS_CANCELLED);
  g_assert_nonnull (model);
  g_assert_cmpint (mg_model_iterations (model), ==, 3);
  mg_model_free (model);
  g_free (s);
}

static void
expect_train_error (MgTrainSample *sample, const char *needle)
{
  MgTrainConfig config;
  MgModel *model = (MgModel *) 1;
  MgError err = { 0 };

  mg_train_config_init (&config);
  config.iterations = 1;
  g_assert_cmpint (mg_train (sample, 1, &config, NULL, NULL, &model, &err),
                   ==, MG_STATUS_INVALID_ARGUMENT);
  g_assert_null (model);
  if (strstr (err.message, needle) == NULL)
    g_error ("expected '%s' in '%s'", needle, err.message);
}

typedef struct
{
  int      count;
  gboolean consistent;   /* labels = argmax (prob), planes sum to 1 */
  int      width, height, x, y, image_width, image_height;
} Previews;

static void
on_preview (const MgPreview *p, void *data)
{
  Previews *seen  = data;
  size_t    plane = (size_t) p->width * p->height;

  seen->count++;
  seen->width        = p->width;
  seen->height       = p->height;
  seen->x            = p->x;
  seen->y            = p->y;
  seen->image_width  = p->image_width;
  seen->image_height = p->image_height;
  for (size_t i = 0; i < plane; i++)
    {
      double sum  = 0;
      int    best = 0;

      for (int c = 0; c <= p->classes; c++)
        {
          sum += p->prob[c * plane + i];
          if (p->prob[c * plane + i] > p->prob[best * plane + i])
            best = c;
        }
      if (fabs (sum - 1.0) > 1e-4 || p->labels[i] != best)
        seen->consistent = FALSE;
    }
}

/* An image wider than MG_PREVIEW_MAX_SIDE at the working scale: previews
 * show its centre, MG_PREVIEW_MAX_SIDE wide, and say where it lies. */
static void
test_preview_crop (void)
{
  enum { PW = 900, PH = 100 };
  float        *image = g_new (float, PW * PH);
  uint8_t      *hints = g_new0 (uint8_t, PW * PH);
  MgTrainSample sample = { { image, 1, PW, PH }, hints, NULL };
  MgTrainConfig config;
  MgModel      *model = NULL;
  MgError       err   = { 0 };
  Previews      seen  = { 0, TRUE, 0, 0, 0, 0, 0, 0 };

  /* Bright bars on dark, a blob in a bar and strokes between them. */
  for (int y = 0; y < PH; y++)
    for (int x = 0; x < PW; x++)
      {
        gboolean bar = (x / 30) % 2 == 0;

        image[y * PW + x] = bar ? 0.8f : 0.2f;
        if (y > 40 && y < 60 && x % 60 > 5 && x % 60 < 25)
          hints[y * PW + x] = 2;
        else if (y > 40 && y < 60 && x % 60 > 35 && x % 60 < 55)
          hints[y * PW + x] = 1;
      }
  mg_train_config_init (&config);
  config.seconds = 0;
  config.iterations = 8;
  config.scale = 1;
  config.preview_seconds = 1e-6;   /* as often as the cost rule allows */
  config.on_preview = on_preview;
  config.preview_data = &seen;
  g_assert_cmpint (mg_train (&sample, 1, &config, NULL, NULL, &model, &err),
                   ==, MG_STATUS_OK);
  g_test_message ("%d previews", seen.count);
  g_assert_cmpint (seen.count, >=, 1);
  g_assert_cmpint (seen.width, ==, MG_PREVIEW_MAX_SIDE);
  g_assert_cmpint (seen.height, ==, PH);
  g_assert_cmpint (seen.x, ==, (PW - MG_PREVIEW_MAX_SIDE) / 2);
  g_assert_cmpint (seen.y, ==, 0);
  g_assert_cmpint (seen.image_width, ==, PW);
  g_assert_cmpint (seen.image_height, ==, PH);
  g_assert_true (seen.consistent);
  mg_model_free (model);
  g_free (image);
  g_free (hints);
}

static void
test_errors (void)
{
  Scene *s = g_new (Scene, 1);
  uint8_t *none = g_new0 (uint8_t, W * H);
  uint8_t *only_bg = g_new0 (uint8_t, W * H);
  uint8_t *bad = g_memdup2 (s->hints, W * H);
  MgTrainSample sample = { { s->image, 1, W, H }, none, NULL };
  MgImage rgb = { s->image, 3, W / 3, H };
  uint8_t labels[W * H];
  MgError err = { 0 };
  MgModel *model;

  make_scene (s, 1, 3);
  expect_train_error (&sample, "empty");
  only_bg[5] = 1;
  sample.hints = only_bg;
  expect_train_error (&sample, "no object");
  memcpy (bad, s->hints, W * H);
  bad[W * 3 + 4] = 40;
  sample.hints = bad;
  expect_train_error (&sample, "(4, 3)");
  sample.hints = NULL;
  expect_train_error (&sample, "neither hints nor exact");

  model = train_scene (s, 1, &err);
  g_assert_cmpint (mg_segment (model, &rgb, labels, NULL, NULL, NULL, &err),
                   ==, MG_STATUS_INCOMPATIBLE);
  g_assert_nonnull (strstr (err.message, "1-channel"));
  mg_model_free (model);
  g_free (none);
  g_free (only_bg);
  g_free (bad);
  g_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/train/two-classes", test_two_classes);
  g_test_add_func ("/core/train/two-classes-smooth", test_two_classes_smooth);
  g_test_add_func ("/core/train/exact-labels-keep-their-edge",
                   test_exact_labels_keep_their_edge);
  g_test_add_func ("/core/train/deterministic", test_deterministic);
  g_test_add_func ("/core/train/cancel-keeps-model", test_cancel_keeps_model);
  g_test_add_func ("/core/train/errors", test_errors);
  g_test_add_func ("/core/train/preview-crop", test_preview_crop);
  return g_test_run ();
}
