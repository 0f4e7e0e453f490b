/* test-margin.c — the background ring of the recursive recipe on
 * probability maps made by hand, against a brute-force reference. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "ops/ops.h"
#include "target/margin.h"

#define W 48
#define H 32
#define INNER 2.0f
#define OUTER 4.0f

typedef struct
{
  uint8_t labels[W * H];
  float   prob[3 * W * H];
  int     classes;
} Case;

static void
case_init (Case *c, int classes)
{
  c->classes = classes;
  memset (c->labels, MG_IGNORE, sizeof c->labels);
  for (int i = 0; i < classes * W * H; i++)
    c->prob[i] = i < W * H ? 0.9f : 0.1f / (classes - 1);
}

/* The network calls the disc class k (0.7, so argmax, not certainty). */
static void
say_disc (Case *c, int k, double cx, double cy, double r)
{
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (hypot (x - cx, y - cy) <= r)
        for (int j = 0; j < c->classes; j++)
          c->prob[j * W * H + y * W + x]
            = j == k ? 0.7f : 0.3f / (c->classes - 1);
}

static void
paint_disc (Case *c, int k, double cx, double cy, double r)
{
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (hypot (x - cx, y - cy) <= r)
        c->labels[y * W + x] = (uint8_t) k;
}

static size_t
run (Case *c)
{
  guint8 *scratch = g_malloc (mg_margin_scratch_size (W, H));
  size_t n = mg_margin (c->labels, c->prob, c->classes, W, H, INNER, OUTER,
                        scratch);

  g_free (scratch);
  return n;
}

/* Brute force: distance from (x, y) to the nearest pixel of the disc. */
static double
dist_to_disc (int x, int y, double cx, double cy, double r)
{
  double best = INFINITY;

  for (int v = 0; v < H; v++)
    for (int u = 0; u < W; u++)
      if (hypot (u - cx, v - cy) <= r)
        best = fmin (best, hypot (u - x, v - y));
  return best;
}

/* A painted object found as a disc gets the ring [2, 4] px around it;
 * an unpainted found object next to it gets none and keeps its pixels
 * unlabelled; painted pixels and an existing stroke do not change. */
static void
test_ring_reference (void)
{
  Case c;
  uint8_t before[W * H];
  size_t n, expect = 0;

  case_init (&c, 2);
  say_disc (&c, 1, 14, 16, 7);
  paint_disc (&c, 1, 14, 16, 3);
  say_disc (&c, 1, 27, 16, 3.5);   /* unpainted, 2..6 px from the first */
  for (int x = 0; x < W; x++)
    c.labels[1 * W + x] = 0;       /* a background stroke along row 1 */
  memcpy (before, c.labels, sizeof before);
  n = run (&c);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int i = y * W + x;
        double d = dist_to_disc (x, y, 14, 16, 7);
        gboolean other = hypot (x - 27, y - 16) <= 3.5;
        gboolean ring = before[i] == MG_IGNORE && ! other && d >= INNER
                        && d <= OUTER;

        if (ring)
          {
            g_assert_cmpint (c.labels[i], ==, 0);
            expect++;
          }
        else
          g_assert_cmpint (c.labels[i], ==, before[i]);
      }
  g_assert_cmpuint (n, ==, expect);
  g_assert_cmpuint (n, >, 60); /* the ring is really there */
}

/* Nothing painted inside any found object: no ring at all. */
static void
test_no_paint_no_ring (void)
{
  Case c;
  uint8_t before[W * H];

  case_init (&c, 2);
  say_disc (&c, 1, 20, 16, 6);
  paint_disc (&c, 0, 40, 16, 3);   /* background paint only */
  memcpy (before, c.labels, sizeof before);
  g_assert_cmpuint (run (&c), ==, 0);
  g_assert_cmpmem (c.labels, sizeof c.labels, before, sizeof before);
}

/* An object found hardly larger than its paint (area < 3 x painted)
 * gets no ring, one found 3 x larger next to it does. */
static void
test_little_growth_no_ring (void)
{
  Case c;
  uint8_t before[W * H];

  case_init (&c, 2);
  say_disc (&c, 1, 10, 16, 6);
  paint_disc (&c, 1, 10, 16, 4.5); /* 69 of 113 pixels painted */
  say_disc (&c, 1, 34, 16, 6);
  paint_disc (&c, 1, 34, 16, 3);   /* 29 of 113 */
  memcpy (before, c.labels, sizeof before);
  g_assert_cmpuint (run (&c), >, 40);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (hypot (x - 10, y - 16) <= 6 + OUTER)
        g_assert_cmpint (c.labels[y * W + x], ==, before[y * W + x]);
  g_assert_cmpint (c.labels[16 * W + 34 + 9], ==, 0);
}

/* Every object class counts: a found class-2 object painted with class 2
 * gets its ring, which stops where the network sees class 1. */
static void
test_second_class (void)
{
  Case c;
  size_t n;

  case_init (&c, 3);
  say_disc (&c, 2, 16, 16, 6);
  paint_disc (&c, 2, 16, 16, 2);
  say_disc (&c, 1, 27, 16, 3);     /* class 1, unpainted, 2 px away */
  n = run (&c);
  g_assert_cmpuint (n, >, 40);
  g_assert_cmpint (c.labels[16 * W + 16 - 9], ==, 0);       /* 3 px out */
  g_assert_cmpint (c.labels[16 * W + 16 - 7], ==, MG_IGNORE); /* 1 px out */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (hypot (x - 27, y - 16) <= 3)
        g_assert_cmpint (c.labels[y * W + x], ==, MG_IGNORE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/margin/ring-reference", test_ring_reference);
  g_test_add_func ("/core/margin/no-paint-no-ring", test_no_paint_no_ring);
  g_test_add_func ("/core/margin/little-growth-no-ring",
                   test_little_growth_no_ring);
  g_test_add_func ("/core/margin/second-class", test_second_class);
  return g_test_run ();
}
