/* test-instances.c — the separation task: its targets from the instance
 * structure of the labels, and object instances from a class map and the
 * separation head's gap probability.
 *
 * /core/gaps/hand             a 7x3 case worked out by hand
 * /core/instances/touching    two touching discs of one class, split by a
 *                             predicted gap, are two instances that tile
 *                             the class pixels
 * /core/instances/no-gap      without gaps: connected components, per
 *                             class (touching objects of two classes are
 *                             two instances) */
#include <glib.h>
#include <string.h>

#include "infer/instances.h"
#include "ops/ops.h"
#include "target/evolve.h"
#include "target/gaps.h"

#define I MG_IGNORE

static void
test_gap_hand (void)
{
  /* row 1: object A (class 1) at x 0-1, unlabelled x 2, background x 3,
   * object B at x 5-6; row 0 and 2 unlabelled except a separation stroke
   * at (6, 0).  Gaps: pixels outside objects with A and B both within 2
   * px (Chebyshev): x 3 (A at 1, B at 5) and x = 3 in rows 0 and 2; x 2
   * sees A at 0..1 and B at 4? no, B starts at 5 (3 away): not a gap;
   * x 4 sees B (5, 6) and A at 2? A ends at 1 (3 away): not a gap. */
  const uint8_t target[21] = { I, I, I, I, I, I, I,
                               1, 1, I, 0, 0, 1, 1,
                               I, I, I, I, I, I, I };
  const uint8_t strokes[21] = { 0, 0, 0, 0, 0, 0, 1 };
  const uint8_t expect[21] = { I, I, I, 1, I, I, 1,
                               0, 0, I, 1, 0, 0, 0,
                               I, I, I, 1, I, I, I };
  int32_t instance[21], stack[21];
  uint8_t sep[21];

  mg_evolve_instances (instance, target, 7, 3, stack);
  mg_gap_target (sep, target, instance, strokes, 7, 3);
  for (int i = 0; i < 21; i++)
    if (sep[i] != expect[i])
      g_error ("pixel (%d, %d): sep %d, expected %d", i % 7, i / 7, sep[i],
               expect[i]);
}

#define W 40
#define H 24

/* Two discs of radius 8 at x = 12 and x = 27 (they overlap in a lens
 * around x = 19..20), one class; gap = 1 on the column x = 19..20. */
static void
touching_discs (uint8_t *labels, float *gap)
{
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int a = (x - 12) * (x - 12) + (y - 12) * (y - 12);
        int b = (x - 27) * (x - 27) + (y - 12) * (y - 12);
        labels[y * W + x] = a < 64 || b < 64;
        gap[y * W + x] = x == 19 || x == 20 ? 0.9f : 0.1f;
      }
}

static void
test_touching (void)
{
  uint8_t labels[W * H];
  float gap[W * H];
  uint32_t inst[W * H], count = 0;
  uint32_t left, right;

  touching_discs (labels, gap);
  g_assert_true (mg_label_instances (inst, &count, labels, gap, W, H));
  g_assert_cmpuint (count, ==, 2);
  left = inst[12 * W + 12];
  right = inst[12 * W + 27];
  g_assert_cmpuint (left, !=, 0);
  g_assert_cmpuint (right, !=, 0);
  g_assert_cmpuint (left, !=, right);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        uint32_t id = inst[y * W + x];

        /* every object pixel has an instance, background none */
        g_assert_cmpuint (id != 0, ==, labels[y * W + x] != 0);
        /* the gap pixels went to the nearer disc */
        if (id != 0 && x <= 18)
          g_assert_cmpuint (id, ==, left);
        if (id != 0 && x >= 21)
          g_assert_cmpuint (id, ==, right);
      }
  /* without the gap they are one object */
  g_assert_true (mg_label_instances (inst, &count, labels, NULL, W, H));
  g_assert_cmpuint (count, ==, 1);
}

static void
test_no_gap (void)
{
  /* three squares: class 1 at x 0-3, class 2 at x 4-7 (touching it),
   * class 1 at x 10-13 */
  uint8_t labels[16 * 4];
  uint32_t inst[16 * 4], count = 0;

  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 16; x++)
      labels[y * 16 + x] = x < 4 ? 1 : x < 8 ? 2 : x >= 10 && x < 14 ? 1 : 0;
  g_assert_true (mg_label_instances (inst, &count, labels, NULL, 16, 4));
  g_assert_cmpuint (count, ==, 3);
  g_assert_cmpuint (inst[0], !=, inst[4]);
  g_assert_cmpuint (inst[0], !=, inst[10]);
  g_assert_cmpuint (inst[4], !=, inst[10]);
  g_assert_cmpuint (inst[8], ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/gaps/hand", test_gap_hand);
  g_test_add_func ("/core/instances/touching", test_touching);
  g_test_add_func ("/core/instances/no-gap", test_no_gap);
  return g_test_run ();
}
