/* recursive.c — between training stages: predict, then grow the
 * approximation masks of every training image by one level. */
#include "train/recursive.h"

#include "error.h"
#include "infer/predict.h"
#include "ops/ops.h"

#include <stdlib.h>
#include <string.h>

/* A gap the separation head is at least this sure of blocks growth. */
#define MG_GAP_BLOCK 0.5f

void
mg_recursion_free (MgRecursion *rec)
{
  if (rec == NULL)
    return;
  for (int i = 0; rec->instance != NULL && i < rec->n_images; i++)
    free (rec->instance[i]);
  free (rec->instance);
  free (rec->prob);
  free (rec->gap);
  free (rec->blocked);
  free (rec->scratch);
  memset (rec, 0, sizeof *rec);
}

MgStatus
mg_recursion_init (MgRecursion *rec, const MgTrainSet *set, MgError *err)
{
  size_t largest = 0;
  int32_t *stack = NULL;

  memset (rec, 0, sizeof *rec);
  rec->n_images = set->n_images;
  rec->instance = calloc (set->n_images, sizeof *rec->instance);
  if (rec->instance == NULL)
    goto no_memory;
  for (int i = 0; i < set->n_images; i++)
    {
      size_t n = (size_t) set->images[i].width * set->images[i].height;
      if (n > largest)
        largest = n;
    }
  rec->prob = malloc (largest * set->classes * sizeof (float));
  rec->gap = malloc (largest * sizeof (float));
  rec->blocked = malloc (largest);
  rec->scratch = malloc (mg_evolve_scratch_size ((int) largest, 1));
  stack = malloc (largest * sizeof (int32_t));
  if (rec->prob == NULL || rec->gap == NULL || rec->blocked == NULL
      || rec->scratch == NULL || stack == NULL)
    goto no_memory;
  for (int i = 0; i < set->n_images; i++)
    {
      const MgTrainImage *im = &set->images[i];
      size_t n = (size_t) im->width * im->height;

      rec->instance[i] = malloc (n * sizeof (int32_t));
      if (rec->instance[i] == NULL)
        goto no_memory;
      mg_evolve_instances (rec->instance[i], im->target, im->width,
                           im->height, stack);
      for (size_t o = 0; o < n; o++)
        rec->labelled += im->target[o] != MG_IGNORE;
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
      size_t n = (size_t) im->width * im->height;
      MgStatus st = mg_predict (model, &samples[i].image, rec->prob, rec->gap,
                                NULL, NULL, err);

      if (st != MG_STATUS_OK)
        return st;
      for (size_t o = 0; o < n; o++)
        rec->blocked[o] = (im->strokes != NULL && im->strokes[o])
                          || rec->gap[o] >= MG_GAP_BLOCK;
      *added += mg_evolve (im->target, rec->instance[i], rec->prob,
                           set->classes, im->width, im->height, rec->blocked,
                           params, rec->scratch);
    }
  rec->labelled += *added;
  if (mg_train_set_reindex (set) != MG_STATUS_OK)
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory growing the masks");
  return MG_STATUS_OK;
}
