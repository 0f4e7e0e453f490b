/* test-evolve.c — one level of mask evolution on probability maps made by
 * hand, where the right answer is known exactly. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "ops/ops.h"
#include "target/evolve.h"

#define W 40
#define H 30

typedef struct
{
  uint8_t labels[W * H];
  int32_t instance[W * H];
  float   prob[3 * W * H];   /* up to 3 classes */
  int     classes;
  guint8 *scratch;
} Case;

static Case *
case_new (int classes)
{
  Case *c = g_new0 (Case, 1);

  c->classes = classes;
  memset (c->labels, MG_IGNORE, sizeof c->labels);
  c->scratch = g_malloc (mg_evolve_scratch_size (W, H));
  for (int i = 0; i < W * H; i++)
    c->prob[i] = 1.0f; /* background everywhere until painted */
  return c;
}

static void
case_free (Case *c)
{
  g_free (c->scratch);
  g_free (c);
}

/* The network "says" class k with certainty inside the disc. */
static void
say_disc (Case *c, int k, double cx, double cy, double r)
{
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (hypot (x - cx, y - cy) <= r)
        for (int j = 0; j < c->classes; j++)
          c->prob[j * W * H + y * W + x] = j == k ? 1.0f : 0.0f;
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
evolve_with (Case *c, int growth, const uint8_t *blocked, bool background)
{
  MgEvolveParams p = { growth, 0.5f, background };
  int32_t *stack = g_new (int32_t, W * H);

  mg_evolve_instances (c->instance, c->labels, W, H, stack);
  g_free (stack);
  return mg_evolve (c->labels, c->instance, c->prob, c->classes, W, H,
                    blocked, &p, c->scratch);
}

static size_t
evolve (Case *c, int growth, const uint8_t *blocked)
{
  return evolve_with (c, growth, blocked, true);
}

/* A point grows by `growth` 4-connected steps: a diamond of
 * 1 + 2·g·(g+1) pixels (g = 3: 25), when the network says "object"
 * everywhere around it. */
static void
test_growth_cap (void)
{
  Case *c = case_new (2);
  int count = 0;

  say_disc (c, 1, 20, 15, 12);
  c->labels[15 * W + 20] = 1;
  g_assert_cmpuint (evolve (c, 3, NULL), ==, 24);
  for (int i = 0; i < W * H; i++)
    count += c->labels[i] == 1;
  g_assert_cmpint (count, ==, 25);
  g_assert_cmpint (c->labels[15 * W + 23], ==, 1);   /* 3 steps right */
  g_assert_cmpint (c->labels[15 * W + 24], ==, MG_IGNORE);
  g_assert_cmpint (c->labels[17 * W + 21], ==, 1);   /* 2 + 1 steps */
  g_assert_cmpint (c->labels[17 * W + 22], ==, MG_IGNORE);
  case_free (c);
}

/* A blob inside a disc, background painted outside: enough growth fills
 * exactly the disc and the rest with background, and never shrinks. */
static void
test_disc_fills (void)
{
  Case *c = case_new (2);
  uint8_t before[W * H];

  say_disc (c, 1, 20, 15, 10);
  paint_disc (c, 1, 20, 15, 3);
  c->labels[0] = 0; /* one background pixel in a corner */
  memcpy (before, c->labels, sizeof before);
  evolve (c, 100, NULL);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int want = hypot (x - 20, y - 15) <= 10 ? 1 : 0;
        int i = y * W + x;

        g_assert_cmpint (c->labels[i], ==, want);
        if (before[i] != MG_IGNORE)
          g_assert_cmpint (c->labels[i], ==, before[i]);
      }
  case_free (c);
}

/* The same with objects only growing (what training does): the disc
 * fills, the painted background pixel stays the only one. */
static void
test_disc_fills_objects_only (void)
{
  Case *c = case_new (2);

  say_disc (c, 1, 20, 15, 10);
  paint_disc (c, 1, 20, 15, 3);
  c->labels[0] = 0;
  evolve_with (c, 100, NULL, false);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int i = y * W + x;
        int want = hypot (x - 20, y - 15) <= 10 ? 1 : i == 0 ? 0 : MG_IGNORE;

        g_assert_cmpint (c->labels[i], ==, want);
      }
  case_free (c);
}

/* Two touching discs of one class, each hinted: they stay two instances
 * with no 4-neighbours between them. */
static void
test_touching_stay_apart (void)
{
  Case *c = case_new (2);
  int seen_a = 0, seen_b = 0;

  say_disc (c, 1, 12, 15, 8);
  say_disc (c, 1, 28, 15, 8); /* the discs overlap in x = 20 */
  paint_disc (c, 1, 12, 15, 2);
  paint_disc (c, 1, 28, 15, 2);
  evolve (c, 100, NULL);
  for (int y = 0; y < H; y++)
    for (int x = 0; x + 1 < W; x++)
      {
        int32_t a = c->instance[y * W + x], b = c->instance[y * W + x + 1];

        if (a > 1 && b > 1)
          g_assert_cmpint (a, ==, b);
      }
  for (int y = 0; y + 1 < H; y++)
    for (int x = 0; x < W; x++)
      {
        int32_t a = c->instance[y * W + x], b = c->instance[(y + 1) * W + x];

        if (a > 1 && b > 1)
          g_assert_cmpint (a, ==, b);
      }
  seen_a = c->instance[15 * W + 8];
  seen_b = c->instance[15 * W + 32];
  g_assert_cmpint (seen_a, >, 1);
  g_assert_cmpint (seen_b, >, 1);
  g_assert_cmpint (seen_a, !=, seen_b);
  case_free (c);
}

/* A background stroke across the disc: the object stays on its side, even
 * though the network says "object" beyond it.  Blocked (separation)
 * pixels are never taken either. */
static void
test_stroke_blocks (void)
{
  Case *c = case_new (2);
  uint8_t blocked[W * H] = { 0 };

  say_disc (c, 1, 20, 15, 12);
  paint_disc (c, 1, 14, 15, 2);
  for (int y = 0; y < H; y++)
    c->labels[y * W + 20] = 0;     /* background stroke at x = 20 */
  for (int y = 0; y < H; y++)
    blocked[y * W + 10] = 1;       /* separation stroke at x = 10 */
  evolve (c, 100, blocked);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        if (x >= 20 || x <= 10)
          g_assert_cmpint (c->labels[y * W + x], !=, 1);
        if (x == 10)
          g_assert_cmpint (c->labels[y * W + x], ==, MG_IGNORE);
      }
  g_assert_cmpint (c->labels[15 * W + 19], ==, 1);
  case_free (c);
}

/* Two classes reaching one pixel in the same wave: it goes to neither;
 * and a pixel below the confidence bar is not taken. */
static void
test_conflict_and_confidence (void)
{
  Case *c = case_new (3);
  MgEvolveParams p = { 1, 0.6f, true };
  int32_t stack[W * H];

  say_disc (c, 1, 10, 15, 30); /* class 1 everywhere... */
  c->labels[15 * W + 10] = 1;
  c->labels[15 * W + 12] = 2;  /* ...but class 2 painted two pixels right */
  c->prob[0 * W * H + 15 * W + 12] = 0;
  c->prob[2 * W * H + 15 * W + 11] = 0.45f; /* (11,15): p1 0.55 p2 0.45 */
  c->prob[1 * W * H + 15 * W + 11] = 0.55f;
  c->prob[1 * W * H + 14 * W + 10] = 0.55f; /* (10,14): below 0.6 */
  c->prob[0 * W * H + 14 * W + 10] = 0.45f;
  mg_evolve_instances (c->instance, c->labels, W, H, stack);
  mg_evolve (c->labels, c->instance, c->prob, 3, W, H, NULL, &p, c->scratch);
  g_assert_cmpint (c->labels[15 * W + 11], ==, MG_IGNORE); /* p1 < 0.6 */
  g_assert_cmpint (c->labels[14 * W + 10], ==, MG_IGNORE);
  g_assert_cmpint (c->labels[16 * W + 10], ==, 1);
  case_free (c);

  /* equal claims: (11, 15) certain class 1 for both painted sides, one
   * painted class 1, the other class 1 as another instance: neither */
  c = case_new (2);
  say_disc (c, 1, 10, 15, 30);
  c->labels[15 * W + 10] = 1;
  c->labels[15 * W + 12] = 1;
  p.confidence = 0.5f;
  mg_evolve_instances (c->instance, c->labels, W, H, stack);
  g_assert_cmpint (c->instance[15 * W + 10], !=, c->instance[15 * W + 12]);
  mg_evolve (c->labels, c->instance, c->prob, 2, W, H, NULL, &p, c->scratch);
  g_assert_cmpint (c->labels[15 * W + 11], ==, MG_IGNORE);
  case_free (c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/evolve/growth-cap", test_growth_cap);
  g_test_add_func ("/core/evolve/disc-fills", test_disc_fills);
  g_test_add_func ("/core/evolve/disc-fills-objects-only",
                   test_disc_fills_objects_only);
  g_test_add_func ("/core/evolve/touching-stay-apart",
                   test_touching_stay_apart);
  g_test_add_func ("/core/evolve/stroke-blocks", test_stroke_blocks);
  g_test_add_func ("/core/evolve/conflict-and-confidence",
                   test_conflict_and_confidence);
  return g_test_run ();
}
