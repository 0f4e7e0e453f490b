/* gaps.c — separation-head targets from the instance structure. */
#include "target/gaps.h"

#include "ops/ops.h"

/* True when the window around (x, y) holds two different object ids. */
static int
between_two (const int32_t *instance, int width, int height, int x, int y)
{
  int32_t first = 0;

  for (int dy = -MG_GAP_REACH; dy <= MG_GAP_REACH; dy++)
    for (int dx = -MG_GAP_REACH; dx <= MG_GAP_REACH; dx++)
      {
        int u = x + dx, v = y + dy;
        int32_t id;

        if (u < 0 || u >= width || v < 0 || v >= height)
          continue;
        id = instance[(size_t) v * width + u];
        if (id < 2)
          continue;
        if (first == 0)
          first = id;
        else if (id != first)
          return 1;
      }
  return 0;
}

void
mg_gap_target (uint8_t *sep, const uint8_t *target, const int32_t *instance,
               const uint8_t *strokes, int width, int height)
{
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        size_t o = (size_t) y * width + x;

        if (strokes != NULL && strokes[o])
          sep[o] = 1;
        else if (instance[o] < 2
                 && between_two (instance, width, height, x, y))
          sep[o] = 1;
        else
          sep[o] = target[o] == MG_IGNORE ? MG_IGNORE : 0;
      }
}
