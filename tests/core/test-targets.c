/* test-targets.c — the exact distance transform and connected components
 * against slow references (brute force; flood fill). */
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "target/components.h"
#include "target/edt.h"

static void
random_mask (uint8_t *m, int w, int h, double density)
{
  for (int i = 0; i < w * h; i++)
    m[i] = g_test_rand_double () < density;
}

/* min over set pixels of the Euclidean distance, by brute force */
static double
brute_distance (const uint8_t *m, int w, int h, int x, int y)
{
  double best = INFINITY;

  for (int j = 0; j < h; j++)
    for (int i = 0; i < w; i++)
      if (m[j * w + i])
        {
          double d = hypot (i - x, j - y);
          if (d < best)
            best = d;
        }
  return best;
}

static void
test_edt_brute (void)
{
  static const int sizes[][2] = { { 1, 1 }, { 7, 3 }, { 3, 9 }, { 16, 16 },
                                  { 31, 17 } };
  static const double densities[] = { 0.0, 0.01, 0.1, 0.5, 1.0 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint k = 0; k < G_N_ELEMENTS (densities); k++)
      {
        int w = sizes[s][0], h = sizes[s][1];
        uint8_t *m = g_new (uint8_t, w * h);
        float *d = g_new (float, w * h);
        void *scratch = g_malloc (mg_edt_scratch_size (w, h));

        random_mask (m, w, h, densities[k]);
        mg_edt (d, m, w, h, scratch);
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++)
            {
              double want = brute_distance (m, w, h, x, y);

              if (isinf (want))
                g_assert_true (isinf (d[y * w + x]));
              else
                g_assert_cmpfloat_with_epsilon (d[y * w + x], want,
                                                1e-4 * (1 + want));
            }
        g_free (m);
        g_free (d);
        g_free (scratch);
      }
}

/* hand case: one pixel set in a 5x3 image */
static void
test_edt_hand (void)
{
  uint8_t m[15] = { 0 };
  float d[15];
  char scratch[256];

  g_assert_cmpuint (mg_edt_scratch_size (5, 3), <=, sizeof scratch);
  m[1 * 5 + 1] = 1; /* (1, 1) */
  mg_edt (d, m, 5, 3, scratch);
  g_assert_cmpfloat (d[1 * 5 + 1], ==, 0);
  g_assert_cmpfloat_with_epsilon (d[1 * 5 + 4], 3.0, 1e-6);          /* (4,1) */
  g_assert_cmpfloat_with_epsilon (d[0], sqrtf (2.0f), 1e-6);         /* (0,0) */
  g_assert_cmpfloat_with_epsilon (d[2 * 5 + 4], sqrtf (10.0f), 1e-6); /* (4,2) */
}

/* flood fill from every unlabelled mask pixel, raster order */
static int
flood_reference (int *lab, const uint8_t *m, int w, int h, int conn)
{
  int n = 0, *stack = g_new (int, w * h);

  memset (lab, 0, sizeof (int) * w * h);
  for (int s = 0; s < w * h; s++)
    {
      int top = 0;

      if (! m[s] || lab[s])
        continue;
      lab[s] = ++n;
      stack[top++] = s;
      while (top > 0)
        {
          int i = stack[--top], x = i % w, y = i / w;

          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int nx = x + dx, ny = y + dy, j;

                if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= w
                    || ny >= h || (conn == 4 && dx != 0 && dy != 0))
                  continue;
                j = ny * w + nx;
                if (m[j] && ! lab[j])
                  {
                    lab[j] = n;
                    stack[top++] = j;
                  }
              }
        }
    }
  g_free (stack);
  return n;
}

static void
test_components (void)
{
  for (int trial = 0; trial < 40; trial++)
    {
      int w = g_test_rand_int_range (1, 40), h = g_test_rand_int_range (1, 40);
      int conn = trial % 2 ? 8 : 4;
      uint8_t *m = g_new (uint8_t, w * h);
      int32_t *lab = g_new (int32_t, w * h), *parent = g_new (int32_t, w * h);
      int *want = g_new (int, w * h);
      int n;

      random_mask (m, w, h, g_test_rand_double_range (0.1, 0.7));
      n = mg_components (lab, m, w, h, conn, parent);
      g_assert_cmpint (n, ==, flood_reference (want, m, w, h, conn));
      for (int i = 0; i < w * h; i++)
        g_assert_cmpint (lab[i], ==, want[i]);
      g_free (m);
      g_free (lab);
      g_free (parent);
      g_free (want);
    }
}

/* a diagonal pair is one 8-component and two 4-components */
static void
test_components_diagonal (void)
{
  const uint8_t m[4] = { 1, 0, 0, 1 };
  int32_t lab[4], parent[4];

  g_assert_cmpint (mg_components (lab, m, 2, 2, 4, parent), ==, 2);
  g_assert_cmpint (mg_components (lab, m, 2, 2, 8, parent), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/edt/hand", test_edt_hand);
  g_test_add_func ("/core/edt/brute-force", test_edt_brute);
  g_test_add_func ("/core/components/flood-fill", test_components);
  g_test_add_func ("/core/components/diagonal", test_components_diagonal);
  return g_test_run ();
}
