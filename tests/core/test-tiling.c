/* test-tiling.c — tiled inference equals untiled inference (issue 6).
 *
 * segment.c cuts large images into overlapping windows and keeps each
 * window's core, MG_MARGIN px from its inner edges, which must be the
 * network's whole receptive radius.  A randomly initialised MG-UNet-S (He
 * weights, so every layer passes signal on) segments one image whole and
 * in windows of at most 160 or 208 px; class probabilities and the gap
 * probability must agree within 1e-4 everywhere.  A margin below the
 * receptive radius, a window offset that is not a multiple of 8 (pooling
 * would group other pixels) or a core/edge mix-up changes values by
 * 1e-2 and more, so this fails then.  Mirrored views (mg_segment's
 * default of 4) must come back unmirrored. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>

#include "maskgrow-core.h"
#include "model.h"
#include "infer/predict.h"
#include "net/unet.h"
#include "rng.h"

/* A smooth random image with some edges: sums of a few sinusoids and a
 * disc, plus noise. */
static float *
make_image (int w, int h, int channels)
{
  float *data = malloc ((size_t) w * h * channels * sizeof (float));

  g_assert_nonnull (data);
  for (int c = 0; c < channels; c++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          double v = sin (0.05 * x + c) * cos (0.07 * y)
                     + ((x - 120) * (x - 120) + (y - 90) * (y - 90) < 900)
                     + 0.1 * g_test_rand_double ();

          data[((size_t) c * h + y) * w + x] = (float) v;
        }
  return data;
}

static double
max_abs_diff (const float *a, const float *b, size_t n)
{
  double m = 0;

  for (size_t i = 0; i < n; i++)
    m = fmax (m, fabs ((double) a[i] - b[i]));
  return m;
}

/* A randomly initialised MG-UNet-S (He weights, so every layer passes
 * signal on) whose output mixes its seg and approx heads equally. */
static MgModel *
random_model (int channels, int classes)
{
  MgUNetConfig config;
  MgUNetParams params;
  MgModel *model;
  MgRng rng;

  mg_unet_config_default (&config, channels, classes);
  model = mg_model_new (&config);
  g_assert_nonnull (model);
  model->seg_weight = 0.5f;
  mg_rng_seed (&rng, (uint64_t) g_test_rand_int ());
  mg_unet_params_bind (&params, &config, model->params);
  mg_unet_params_init (&params, &config, &rng);
  return model;
}

static void
check_tiling (int w, int h, int channels, int window, int views)
{
  MgModel *model = random_model (channels, 3);
  MgError err;
  MgImage image = { NULL, channels, w, h };
  size_t plane = (size_t) w * h;
  float *whole, *tiled, *data;
  double d_prob, d_gap;

  data = make_image (w, h, channels);
  image.data = data;
  whole = malloc (plane * 4 * sizeof (float));
  tiled = malloc (plane * 4 * sizeof (float));
  g_assert_nonnull (whole);
  g_assert_nonnull (tiled);

  g_assert_cmpint (mg_predict_tiled (model, &image, whole, whole + 3 * plane,
                                     1024, views, NULL, NULL, &err),
                   ==, MG_STATUS_OK);
  g_assert_cmpint (mg_predict_tiled (model, &image, tiled, tiled + 3 * plane,
                                     window, views, NULL, NULL, &err),
                   ==, MG_STATUS_OK);
  d_prob = max_abs_diff (whole, tiled, 3 * plane);
  d_gap = max_abs_diff (whole + 3 * plane, tiled + 3 * plane, plane);
  g_test_message ("%dx%dx%d, windows <= %d, %d view(s): max |diff| prob "
                  "%.2e, gap %.2e", w, h, channels, window, views, d_prob,
                  d_gap);
  g_assert_cmpfloat (d_prob, <, 1e-4);
  g_assert_cmpfloat (d_gap, <, 1e-4);

  free (whole);
  free (tiled);
  free (data);
  mg_model_free (model);
}

/* 300 x 250 (not multiples of 8) in windows of 160: 6 x 5 windows,
 * the last of each row and column clamped to the padded edge. */
static void
test_tiled_equals_whole_grey (void)
{
  check_tiling (300, 250, 1, 160, 1);
}

/* RGB, windows of 208 (3 x 2), an image a little over one window; every
 * window seen in all four mirrored views (mg_segment's default). */
static void
test_tiled_equals_whole_rgb (void)
{
  check_tiling (331, 213, 3, 208, 4);
}

/* Mirrored views are mapped back to where they came from: the average of
 * the four views of the mirrored image is the mirrored average of the
 * image's four views (the four views of either are the same four
 * images).  Left in the mirrored frame, or mirrored along the wrong axis,
 * the average would instead be the same for both images.  Sides are
 * multiples of 8 so that no padding breaks the symmetry; one view is
 * checked to differ, so the test means something for this network. */
static void
test_views_are_mapped_back (void)
{
  enum { W = 96, H = 80, K = 3 };
  MgModel *model = random_model (1, K);
  MgError err;
  size_t plane = (size_t) W * H;
  float *data = make_image (W, H, 1), *flipped = malloc (plane * sizeof (float));
  float *p = malloc (plane * (K + 1) * sizeof (float));
  float *q = malloc (plane * (K + 1) * sizeof (float));
  MgImage image = { data, 1, W, H }, mirrored = { flipped, 1, W, H };
  double d4 = 0, d1 = 0;

  /* upside down and left to right */
  for (size_t o = 0; o < plane; o++)
    flipped[o] = data[plane - 1 - o];
  for (int views = 1; views <= 4; views += 3)
    {
      double d = 0;

      g_assert_cmpint (mg_predict_tiled (model, &image, p, p + K * plane,
                                         1024, views, NULL, NULL, &err),
                       ==, MG_STATUS_OK);
      g_assert_cmpint (mg_predict_tiled (model, &mirrored, q, q + K * plane,
                                         1024, views, NULL, NULL, &err),
                       ==, MG_STATUS_OK);
      for (int c = 0; c <= K; c++)
        for (size_t o = 0; o < plane; o++)
          d = fmax (d, fabs ((double) p[c * plane + o]
                             - q[c * plane + plane - 1 - o]));
      *(views == 1 ? &d1 : &d4) = d;
    }
  g_test_message ("mirrored image vs mirrored result: 1 view %.2e, 4 views "
                  "%.2e", d1, d4);
  g_assert_cmpfloat (d1, >, 1e-3);
  g_assert_cmpfloat (d4, <, 1e-5);
  g_assert_cmpint (mg_predict_tiled (model, &image, p, NULL, 1024, 3, NULL,
                                     NULL, &err),
                   ==, MG_STATUS_INVALID_ARGUMENT);
  g_assert_false (mg_model_set_views (model, 3));
  g_assert_cmpint (mg_model_views (model), ==, MG_VIEWS_DEFAULT);
  g_assert_true (mg_model_set_views (model, 2));
  g_assert_cmpint (mg_model_views (model), ==, 2);
  free (p);
  free (q);
  free (flipped);
  free (data);
  mg_model_free (model);
}

static void
test_window_too_small_is_refused (void)
{
  MgUNetConfig config;
  MgModel *model;
  MgError err;
  float data[64 * 64] = { 0 }, prob[64 * 64 * 2];
  MgImage image = { data, 1, 64, 64 };

  mg_unet_config_default (&config, 1, 2);
  model = mg_model_new (&config);
  g_assert_cmpint (mg_predict_tiled (model, &image, prob, NULL, 96, 1,
                                     NULL, NULL, &err),
                   ==, MG_STATUS_INVALID_ARGUMENT);
  mg_model_free (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tiling/tiled-equals-whole-grey",
                   test_tiled_equals_whole_grey);
  g_test_add_func ("/tiling/tiled-equals-whole-rgb",
                   test_tiled_equals_whole_rgb);
  g_test_add_func ("/tiling/views-are-mapped-back",
                   test_views_are_mapped_back);
  g_test_add_func ("/tiling/window-too-small-is-refused",
                   test_window_too_small_is_refused);
  return g_test_run ();
}
