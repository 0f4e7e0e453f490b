/* components.c — two-pass connected-component labelling with union-find
 * (path halving), then a relabelling pass so numbers follow raster order. */
#include "target/components.h"

#include <stddef.h>

static int32_t
find_root (int32_t *parent, int32_t i)
{
  while (parent[i] != i)
    {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
  return i;
}

static void
unite (int32_t *parent, int32_t a, int32_t b)
{
  a = find_root (parent, a);
  b = find_root (parent, b);
  /* the smaller index becomes the root: roots are first pixels */
  if (a < b)
    parent[b] = a;
  else if (b < a)
    parent[a] = b;
}

int32_t
mg_components (int32_t *label, const uint8_t *mask, int width, int height,
               int connectivity, int32_t *parent)
{
  int32_t count = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        int32_t i = (int32_t) ((size_t) y * width + x);

        parent[i] = i;
        if (! mask[i])
          continue;
        if (x > 0 && mask[i - 1])
          unite (parent, i, i - 1);
        if (y > 0)
          {
            int32_t up = i - width;

            if (mask[up])
              unite (parent, i, up);
            if (connectivity == 8)
              {
                if (x > 0 && mask[up - 1])
                  unite (parent, i, up - 1);
                if (x + 1 < width && mask[up + 1])
                  unite (parent, i, up + 1);
              }
          }
      }
  /* roots are the first pixel of each component in raster order, so one
   * raster pass numbers components in that order */
  for (int32_t i = 0; i < (int32_t) ((size_t) width * height); i++)
    {
      if (! mask[i])
        {
          label[i] = 0;
          continue;
        }
      if (find_root (parent, i) == i)
        label[i] = ++count;
      else
        label[i] = label[find_root (parent, i)];
    }
  return count;
}
