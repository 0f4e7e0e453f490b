/* test-patches.c — drawing training patches (core/train/patches.c).
 *
 * /core/patches/image-share   two training images, one labelled exactly
 *                             all over (4096 labelled pixels), one with a
 *                             3x3 blob and a short background stroke (19):
 *                             each gives half the patches (within 0.45 ..
 *                             0.55 of 4000), not 99.5 % and 0.5 % as their
 *                             pixel counts would; every patch's centre
 *                             region holds a labelled pixel of its image
 * /core/patches/class-of-one-image
 *                             a class painted on one image only: all its
 *                             patches come from that image
 */
#include <glib.h>

#include "net/unet.h"
#include "ops/ops.h"
#include "train/patches.h"

enum { SIDE = 64, PATCH = 16, DRAWS = 4000 };

/* Image A: background on the left half, class 1 (label 2) on the right,
 * every pixel labelled exactly.  Image B: hints only, a 3x3 blob of class
 * 1 and a 10-pixel background stroke. */
typedef struct
{
  float   a[SIDE * SIDE], b[SIDE * SIDE];
  uint8_t exact_a[SIDE * SIDE], hints_b[SIDE * SIDE];
} Scene;

static void
make_scene (Scene *s, bool blob_in_b)
{
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        int i = y * SIDE + x;

        s->exact_a[i] = x < SIDE / 2 ? 1 : 2;
        s->a[i] = x < SIDE / 2 ? 0.2f : 0.8f;
        s->b[i] = 0.3f + 0.01f * (float) ((x * 7 + y * 3) % 11);
        s->hints_b[i] = 0;
      }
  for (int y = 30; y < 33; y++)
    for (int x = 30; x < 33; x++)
      if (blob_in_b)
        s->hints_b[y * SIDE + x] = 2;
  for (int x = 5; x < 15; x++)
    s->hints_b[5 * SIDE + x] = 1;
}

/* Counts the patches from image A: patches are PATCH² windows inside the
 * image (SIDE ≥ PATCH), and A's approximation targets are all labelled,
 * B's only at its 19 painted pixels (at most 9 + 10 of PATCH²). */
static int
patches_from_a (const MgTrainSet *set, bool class_only)
{
  float x[PATCH * PATCH];
  uint8_t t[MG_HEADS * PATCH * PATCH];
  MgRng rng;
  int from_a = 0, drawn = 0;

  mg_rng_seed (&rng, 7);
  while (drawn < DRAWS)
    {
      int labelled = 0, of_class = 0;
      const uint8_t *approx = t + MG_HEAD_APPROX * PATCH * PATCH;

      mg_patch_draw (set, &rng, PATCH, x, t);
      for (int i = 0; i < PATCH * PATCH; i++)
        {
          labelled += approx[i] != MG_IGNORE;
          of_class += approx[i] == 1;
        }
      g_assert_cmpint (labelled, >, 0);
      /* class_only: count only patches around a pixel of class 1, as far
       * as their targets tell (B's have no class-1 pixel without a blob) */
      if (class_only && of_class == 0)
        continue;
      drawn++;
      from_a += labelled == PATCH * PATCH;
    }
  return from_a;
}

/* Builds the two-image set (B with or without its blob) and counts the
 * patches from A (patches_from_a). */
static int
draw_from_scene (bool blob_in_b, bool class_only)
{
  Scene *s = g_new (Scene, 1);
  MgTrainSample samples[2] = {
    { { s->a, 1, SIDE, SIDE }, NULL, s->exact_a },
    { { s->b, 1, SIDE, SIDE }, s->hints_b, NULL },
  };
  MgTrainSet set = { 0 };
  MgError err = { 0 };
  int from_a;

  make_scene (s, blob_in_b);
  g_assert_cmpint (mg_train_set_init (&set, samples, 2, &err), ==,
                   MG_STATUS_OK);
  from_a = patches_from_a (&set, class_only);
  mg_train_set_free (&set);
  g_free (s);
  return from_a;
}

static void
test_image_share (void)
{
  int from_a = draw_from_scene (true, false);

  g_test_message ("%d of %d patches from the exact image", from_a, DRAWS);
  g_assert_cmpint (from_a, >=, DRAWS * 45 / 100);
  g_assert_cmpint (from_a, <=, DRAWS * 55 / 100);
}

static void
test_class_of_one_image (void)
{
  /* B: a background stroke only */
  g_assert_cmpint (draw_from_scene (false, true), ==, DRAWS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/patches/image-share", test_image_share);
  g_test_add_func ("/core/patches/class-of-one-image",
                   test_class_of_one_image);
  return g_test_run ();
}
