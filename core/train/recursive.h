/* recursive.h — the state of the recursive recipe between training
 * stages (methods.md §1(d)): per image, the instance map of the current
 * approximation masks, plus the buffers one level of evolution needs,
 * allocated once. */
#ifndef MG_RECURSIVE_H
#define MG_RECURSIVE_H

#include "maskgrow-core.h"
#include "target/evolve.h"
#include "train/patches.h"

typedef struct
{
  int       n_images;
  int32_t **instance;  /* [H, W] per image, see mg_evolve_instances */
  float    *prob;      /* classes * largest image: the model's output */
  float    *gap;       /* largest image: the separation head's output */
  uint8_t  *blocked;   /* largest image: pixels no region may take */
  void     *scratch;   /* evolution scratch for the largest image */
  size_t    labelled;  /* labelled pixels over all images */
} MgRecursion;

MgStatus mg_recursion_init  (MgRecursion *rec, MgTrainSet *set,
                             MgError *err);
void     mg_recursion_free  (MgRecursion *rec);

/* Predicts every training image with the model and evolves the set's
 * approximation targets one level: a background ring up to `margin` px
 * around the objects found for painted objects (0 = none,
 * target/margin.h), then objects grow by params->growth px (0 = none),
 * never into separation strokes nor where the separation head sees a gap
 * (p >= 0.5); then re-indexes the set.  samples: the images at the
 * model's scale.  *added: pixels labelled. */
MgStatus mg_recursion_level (MgRecursion *rec, MgTrainSet *set,
                             const MgModel *model,
                             const MgTrainSample *samples,
                             const MgEvolveParams *params, float margin,
                             size_t *added, MgError *err);

#endif /* MG_RECURSIVE_H */
