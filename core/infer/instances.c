/* instances.c — argmax and instance labelling (see instances.h). */
#include "infer/instances.h"

#include "target/components.h"

#include <stdlib.h>
#include <string.h>

void
mg_argmax (uint8_t *labels, const float *prob, int classes, size_t plane)
{
  for (size_t o = 0; o < plane; o++)
    {
      int best = 0;

      for (int k = 1; k < classes; k++)
        if (prob[k * plane + o] > prob[best * plane + o])
          best = k;
      labels[o] = (uint8_t) best;
    }
}

/* Numbers the 4-connected pieces of each class among the pixels with
 * want[o] set and instances[o] == 0, from *next on; pieces smaller than
 * min_size stay 0.  comp, uf: plane int32 scratch; mask: plane bytes.
 * Appends every numbered pixel to queue.  False when out of memory. */
static bool
number_pieces (uint32_t *instances, uint32_t *next, const uint8_t *labels,
               const uint8_t *want, int width, int height, int min_size,
               int32_t *comp, int32_t *uf, uint8_t *mask, int32_t *queue,
               size_t *tail)
{
  size_t plane = (size_t) width * height;
  bool present[256] = { false };

  for (size_t o = 0; o < plane; o++)
    if (want[o] && instances[o] == 0)
      present[labels[o]] = true;
  for (int c = 1; c < 256; c++)
    {
      int32_t n;
      size_t *size;
      uint32_t *id;

      if (! present[c])
        continue;
      for (size_t o = 0; o < plane; o++)
        mask[o] = want[o] && instances[o] == 0 && labels[o] == c;
      n = mg_components (comp, mask, width, height, 4, uf);
      size = calloc ((size_t) n + 1, sizeof *size);
      id = calloc ((size_t) n + 1, sizeof *id);
      if (size == NULL || id == NULL)
        {
          free (size);
          free (id);
          return false;
        }
      for (size_t o = 0; o < plane; o++)
        size[comp[o]]++;
      for (int32_t k = 1; k <= n; k++)
        if (size[k] >= (size_t) min_size)
          id[k] = ++*next;
      for (size_t o = 0; o < plane; o++)
        if (comp[o] != 0 && id[comp[o]] != 0)
          {
            instances[o] = id[comp[o]];
            queue[(*tail)++] = (int32_t) o;
          }
      free (size);
      free (id);
    }
  return true;
}

bool
mg_label_instances (uint32_t *instances, uint32_t *count,
                    const uint8_t *labels, const float *gap, int width,
                    int height)
{
  static const int dx[4] = { 1, -1, 0, 0 }, dy[4] = { 0, 0, 1, -1 };
  size_t plane = (size_t) width * height, head = 0, tail = 0;
  int32_t *comp = malloc (plane * sizeof (int32_t));
  int32_t *uf = malloc (plane * sizeof (int32_t));
  int32_t *queue = malloc (plane * sizeof (int32_t));
  uint8_t *mask = malloc (plane), *want = calloc (plane, 1);
  uint32_t next = 0;
  bool ok = comp && uf && queue && mask && want;

  if (ok)
    {
      memset (instances, 0, plane * sizeof (uint32_t));
      /* seeds: object pixels that are not gaps */
      for (size_t o = 0; o < plane; o++)
        want[o] = labels[o] != 0
                  && (gap == NULL || gap[o] < MG_GAP_THRESHOLD);
      ok = number_pieces (instances, &next, labels, want, width, height,
                          MG_INSTANCE_MIN_SEED, comp, uf, mask, queue, &tail);
      /* the gap pixels of a class join the nearest seed of that class */
      while (ok && head < tail)
        {
          int32_t p = queue[head++];
          int x = p % width, y = p / width;

          for (int d = 0; d < 4; d++)
            {
              int u = x + dx[d], v = y + dy[d];
              size_t q = (size_t) v * width + u;

              if (u < 0 || u >= width || v < 0 || v >= height)
                continue;
              if (instances[q] == 0 && labels[q] == labels[p])
                {
                  instances[q] = instances[p];
                  queue[tail++] = (int32_t) q;
                }
            }
        }
      /* what no seed reached is an object of its own */
      for (size_t o = 0; o < plane; o++)
        want[o] = labels[o] != 0;
      ok = ok && number_pieces (instances, &next, labels, want, width, height,
                                1, comp, uf, mask, queue, &tail);
      *count = next;
    }
  free (comp);
  free (uf);
  free (queue);
  free (mask);
  free (want);
  return ok;
}
