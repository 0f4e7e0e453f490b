/* recursive.c — between training stages: predict, then grow the
 * approximation masks of every training image by one level. */
#include "train/recursive.h"

#include "error.h"
#include "ops/ops.h"

#include <stdlib.h>
#include <string.h>

void
mg_recursion_free (MgRecursion *rec)
{
  if (rec == NULL)
    return;
  for (int i = 0; i < rec->n_images; i++)
    {
      if (rec->instance != NULL)
        free (rec->instance[i]);
      if (rec->blocked != NULL)
        free (rec->blocked[i]);
    }
  free (rec->instance);
  free (rec->blocked);
  free (rec->prob);
  free (rec->labels);
  free (rec->scratch);
  memset (rec, 0, sizeof *rec);
}

MgStatus
mg_recursion_init (MgRecursion *rec, const MgTrainSet *set,
                   const MgTrainSample *samples, MgError *err)
{
  size_t largest = 0;
  int32_t *stack = NULL;

  memset (rec, 0, sizeof *rec);
  rec->n_images = set->n_images;
  rec->instance = calloc (set->n_images, sizeof *rec->instance);
  rec->blocked = calloc (set->n_images, sizeof *rec->blocked);
  if (rec->instance == NULL || rec->blocked == NULL)
    goto no_memory;
  for (int i = 0; i < set->n_images; i++)
    {
      size_t n = (size_t) set->images[i].width * set->images[i].height;
      if (n > largest)
        largest = n;
    }
  rec->prob = malloc (largest * set->classes * sizeof (float));
  rec->labels = malloc (largest);
  rec->scratch = malloc (mg_evolve_scratch_size ((int) largest, 1));
  stack = malloc (largest * sizeof (int32_t));
  if (rec->prob == NULL || rec->labels == NULL || rec->scratch == NULL
      || stack == NULL)
    goto no_memory;
  for (int i = 0; i < set->n_images; i++)
    {
      const MgTrainImage *im = &set->images[i];
      size_t n = (size_t) im->width * im->height;
      const uint8_t *hints = samples[i].hints;

      rec->instance[i] = malloc (n * sizeof (int32_t));
      if (rec->instance[i] == NULL)
        goto no_memory;
      mg_evolve_instances (rec->instance[i], im->target, im->width,
                           im->height, stack);
      for (size_t o = 0; o < n; o++)
        rec->labelled += im->target[o] != MG_IGNORE;
      /* separation strokes: only where the person painted them */
      for (size_t o = 0; hints != NULL && o < n; o++)
        if (hints[o] == MG_LABEL_SEPARATION)
          {
            if (rec->blocked[i] == NULL
                && (rec->blocked[i] = calloc (n, 1)) == NULL)
              goto no_memory;
            rec->blocked[i][o] = 1;
          }
    }
  free (stack);
  return MG_STATUS_OK;

no_memory:
  free (stack);
  mg_recursion_free (rec);
  return mg_error_set (err, MG_STATUS_NO_MEMORY,
                       "out of memory preparing the recursive recipe");
}

MgStatus
mg_recursion_level (MgRecursion *rec, MgTrainSet *set, const MgModel *model,
                    const MgTrainSample *samples,
                    const MgEvolveParams *params, size_t *added,
                    MgError *err)
{
  *added = 0;
  for (int i = 0; i < set->n_images; i++)
    {
      MgTrainImage *im = &set->images[i];
      MgStatus st = mg_segment (model, &samples[i].image, rec->labels,
                                rec->prob, NULL, NULL, err);
      size_t grown;

      if (st != MG_STATUS_OK)
        return st;
      grown = mg_evolve (im->target, rec->instance[i], rec->prob,
                         set->classes, im->width, im->height,
                         rec->blocked[i], params, rec->scratch);
      *added += grown;
    }
  rec->labelled += *added;
  if (mg_train_set_reindex (set) != MG_STATUS_OK)
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory growing the masks");
  return MG_STATUS_OK;
}
