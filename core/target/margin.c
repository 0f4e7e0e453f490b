/* margin.c — the ring of background targets around found objects (see
 * margin.h): argmax, components, which components hold enough paint,
 * distance to them, ring. */
#include "target/margin.h"

#include "infer/instances.h"
#include "ops/ops.h"
#include "target/components.h"
#include "target/edt.h"

#include <string.h>

size_t
mg_margin_scratch_size (int width, int height)
{
  size_t n = (size_t) width * height;

  /* object and found-object masks (bytes); component labels, union-find
   * parents, painted pixels per component (int32); distances (float);
   * EDT scratch */
  return 2 * n + 3 * (n + 1) * sizeof (int32_t) + n * sizeof (float)
         + mg_edt_scratch_size (width, height);
}

size_t
mg_margin (uint8_t *labels, const float *prob, int classes, int width,
           int height, float inner, float outer, void *scratch)
{
  size_t n = (size_t) width * height, added = 0;
  uint8_t *object = scratch, *found = object + n;
  int32_t *comp = (int32_t *) (found + n), *parent = comp + n + 1;
  int32_t *paint = parent + n + 1, *area;
  float *dist = (float *) (paint + n + 1);
  void *edt_scratch = dist + n;
  int32_t count;

  /* the most likely class: non-zero = an object class */
  mg_argmax (object, prob, classes, n);
  count = mg_components (comp, object, width, height, 8, parent);
  /* the parents are done with: count each component's area there */
  area = parent;
  memset (area, 0, ((size_t) count + 1) * sizeof *area);
  memset (paint, 0, ((size_t) count + 1) * sizeof *paint);
  for (size_t i = 0; i < n; i++)
    {
      area[comp[i]]++;
      paint[comp[i]] += labels[i] != MG_IGNORE && labels[i] != 0;
    }
  for (size_t i = 0; i < n; i++)
    {
      int32_t k = comp[i];

      found[i] = k > 0 && paint[k] > 0
                 && area[k] >= MG_MARGIN_MIN_GROWTH * paint[k];
    }
  mg_edt (dist, found, width, height, edt_scratch);
  for (size_t i = 0; i < n; i++)
    if (labels[i] == MG_IGNORE && ! object[i] && dist[i] >= inner
        && dist[i] <= outer)
      {
        labels[i] = 0;
        added++;
      }
  return added;
}
