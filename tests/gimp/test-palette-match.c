/* test-palette-match.c — plugin/palette.c: painted colours → labels.
 * Exact palette colours give their labels, small deviations (antialiasing,
 * colour management) still match, blends of two near entries and colours
 * far from all entries are refused. */
#include <glib.h>

#include "maskgrow-core.h"
#include "palette.h"

static MaskgrowMatch
match (guint8  r,
       guint8  g,
       guint8  b,
       gint   *nearest)
{
  const guint8 rgb[3] = { r, g, b };
  gint         second;

  return maskgrow_palette_match (rgb, nearest, &second);
}

static void
test_exact (void)
{
  gint i, nearest;

  for (i = 0; i < MASKGROW_PALETTE_SIZE; i++)
    {
      const guint8 *p = maskgrow_palette[i].rgb;

      g_assert_cmpint (match (p[0], p[1], p[2], &nearest), ==,
                       MASKGROW_MATCH_OK);
      g_assert_cmpint (nearest, ==, i);
    }
  g_assert_cmpint (maskgrow_palette[0].label, ==, MG_LABEL_BACKGROUND);
  g_assert_cmpint (maskgrow_palette[1].label, ==, 2);
  g_assert_cmpint (maskgrow_palette[MASKGROW_PALETTE_SIZE - 1].label, ==,
                   MG_LABEL_SEPARATION);
}

static void
test_near (void)
{
  gint nearest;

  /* Class 1 (230, 159, 0) shifted by 10 per channel. */
  g_assert_cmpint (match (240, 149, 10, &nearest), ==, MASKGROW_MATCH_OK);
  g_assert_cmpint (maskgrow_palette[nearest].label, ==, 2);
  /* Almost white = Background. */
  g_assert_cmpint (match (250, 250, 245, &nearest), ==, MASKGROW_MATCH_OK);
  g_assert_cmpint (maskgrow_palette[nearest].label, ==, MG_LABEL_BACKGROUND);
}

static void
test_refused (void)
{
  gint nearest;

  /* Half-way between Class 1 (230, 159, 0) and Class 6 (213, 94, 0). */
  g_assert_cmpint (match (221, 126, 0, &nearest), ==,
                   MASKGROW_MATCH_AMBIGUOUS);
  /* Pure red and mid grey are far from every entry. */
  g_assert_cmpint (match (255, 0, 0, &nearest), ==, MASKGROW_MATCH_FAR);
  g_assert_cmpint (match (128, 128, 128, &nearest), ==, MASKGROW_MATCH_FAR);
}

static void
test_class_wraps (void)
{
  g_assert_true (maskgrow_palette_class (1) == &maskgrow_palette[1]);
  g_assert_true (maskgrow_palette_class (MASKGROW_PALETTE_CLASSES) ==
                 &maskgrow_palette[MASKGROW_PALETTE_CLASSES]);
  g_assert_true (maskgrow_palette_class (MASKGROW_PALETTE_CLASSES + 1) ==
                 &maskgrow_palette[1]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plugin/palette/exact", test_exact);
  g_test_add_func ("/plugin/palette/near", test_near);
  g_test_add_func ("/plugin/palette/refused", test_refused);
  g_test_add_func ("/plugin/palette/class-wraps", test_class_wraps);
  return g_test_run ();
}
