/* test-scale.c — the working scale: box shrinking of images, label maps
 * by vote, bilinear enlarging, against values worked out by hand; and the
 * factor chosen from the painted object sizes.
 *
 * /core/scale/downsample-image   2x2 blocks averaged, partial edge blocks
 * /core/scale/downsample-labels  labelled pixels vote, unknown does not
 * /core/scale/upsample           centres aligned, edges clamped
 * /core/scale/choose             small objects 1, large ones shrink, hints
 *                                count double, exact labels as they are */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "infer/resample.h"
#include "train/scale.h"

static void
test_downsample_image (void)
{
  /* 3x3, factor 2 → 2x2: blocks {1,2,4,5}, {3,6}, {7,8}, {9} */
  const float in[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  float out[4];

  mg_downsample_image (out, in, 1, 3, 3, 2);
  g_assert_cmpfloat (out[0], ==, 3.0f);
  g_assert_cmpfloat (out[1], ==, 4.5f);
  g_assert_cmpfloat (out[2], ==, 7.5f);
  g_assert_cmpfloat (out[3], ==, 9.0f);
  g_assert_cmpint (mg_scaled_size (3, 2), ==, 2);
  g_assert_cmpint (mg_scaled_size (8, 4), ==, 2);
}

static void
test_downsample_labels (void)
{
  /* 4x2, factor 2: block 0 = {0, 1, 0, 0} → 1 (a thin stroke survives);
   * block 1 = {2, 3, 3, 0} → 3 (majority of the labelled pixels) */
  const uint8_t in[8] = { 0, 1, 2, 3, 0, 0, 3, 0 };
  const uint8_t tie[4] = { 2, 3, 3, 2 };
  uint8_t out[2];

  mg_downsample_labels (out, in, 4, 2, 2);
  g_assert_cmpint (out[0], ==, 1);
  g_assert_cmpint (out[1], ==, 3);
  /* a tie goes to the smaller label; nothing labelled stays 0 */
  mg_downsample_labels (out, tie, 2, 2, 2);
  g_assert_cmpint (out[0], ==, 2);
  memset (out, 9, sizeof out);
  mg_downsample_labels (out, (const uint8_t[4]) { 0 }, 2, 2, 2);
  g_assert_cmpint (out[0], ==, 0);
}

static void
test_upsample (void)
{
  /* 1-D ramp 0, 1 of 2 samples, factor 2, to 4 pixels: pixel x sits at
   * (x + 0.5) / 2 − 0.5 = −0.25, 0.25, 0.75, 1.25 → 0, 0.25, 0.75, 1
   * (clamped at both ends) */
  const float in[2] = { 0, 1 };
  float out[4];
  const float two[2 * 2] = { 0, 1, 2, 3 }; /* 2 planes of 2x1 */
  float big[2 * 4];

  mg_upsample_planes (out, in, 1, 4, 1, 2);
  g_assert_cmpfloat (fabsf (out[0] - 0.0f), <, 1e-6);
  g_assert_cmpfloat (fabsf (out[1] - 0.25f), <, 1e-6);
  g_assert_cmpfloat (fabsf (out[2] - 0.75f), <, 1e-6);
  g_assert_cmpfloat (fabsf (out[3] - 1.0f), <, 1e-6);
  /* planes stay apart; 3 pixels from 2 samples (a partial block) */
  mg_upsample_planes (big, two, 2, 3, 1, 2);
  g_assert_cmpfloat (fabsf (big[0] - 0.0f), <, 1e-6);
  g_assert_cmpfloat (fabsf (big[1] - 0.25f), <, 1e-6);
  g_assert_cmpfloat (fabsf (big[3] - 2.0f), <, 1e-6);
  g_assert_cmpfloat (fabsf (big[5] - 2.75f), <, 1e-6);
}

/* A 400x400 image with a painted disc of radius r at its centre (label
 * 2) and a background stroke (label 1). */
static uint8_t *
disc_labels (int r)
{
  uint8_t *l = g_new0 (uint8_t, 400 * 400);

  for (int y = 0; y < 400; y++)
    for (int x = 0; x < 400; x++)
      {
        int dx = x - 200, dy = y - 200;
        if (dx * dx + dy * dy < r * r)
          l[y * 400 + x] = 2;
        else if (y == 5)
          l[y * 400 + x] = 1;
      }
  return l;
}

static int
factor_for (int r, bool exact)
{
  static float image[400 * 400];
  uint8_t *l = disc_labels (r);
  MgTrainSample s = { { image, 1, 400, 400 }, exact ? NULL : l,
                      exact ? l : NULL };
  int f = mg_scale_choose (&s, 1);

  g_free (l);
  return f;
}

static void
test_choose (void)
{
  /* diameter 2r (exact) or 4r (hint) over MG_SCALE_TARGET_DIAMETER, 40 */
  g_assert_cmpint (factor_for (8, true), ==, 1);
  g_assert_cmpint (factor_for (8, false), ==, 1);
  g_assert_cmpint (factor_for (50, true), ==, 2);
  g_assert_cmpint (factor_for (50, false), ==, 5);
  /* capped: at most 8, and the image keeps 64 px on its shorter side */
  g_assert_cmpint (factor_for (150, false), ==, 400 / MG_SCALE_MIN_SIDE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/scale/downsample-image", test_downsample_image);
  g_test_add_func ("/core/scale/downsample-labels", test_downsample_labels);
  g_test_add_func ("/core/scale/upsample", test_upsample);
  g_test_add_func ("/core/scale/choose", test_choose);
  return g_test_run ();
}
