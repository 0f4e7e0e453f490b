/* model.h — what a trained model is (internal to the core). */
#ifndef MG_MODEL_H
#define MG_MODEL_H

#include "maskgrow-core.h"
#include "net/unet.h"

struct MgModel
{
  MgUNetConfig config;
  uint64_t     seed;                     /* provenance: training seed   */
  uint32_t     iterations;               /* provenance: steps trained   */
  int          scale;                    /* works on images shrunk by
                                          * this factor (1..8), see
                                          * infer/resample.h          */
  float        seg_weight;               /* output = seg_weight · P_seg +
                                          * (1 − seg_weight) · P_approx:
                                          * mg_train sets 0.5 when some
                                          * object pixels, but not most
                                          * labelled pixels, are exact,
                                          * else 0 (train.c)           */
  int          views;                    /* mirrored views averaged by
                                          * mg_segment (1, 2 or 4); not
                                          * saved, MG_VIEWS_DEFAULT    */
  float       *params;                   /* mg_unet_param_count floats  */
  size_t       n_params;
};

/* Whether mg_segment can average this many mirrored views. */
static inline bool
mg_views_valid (int views)
{
  return views == 1 || views == 2 || views == 4;
}

/* A model with zeroed parameters; NULL when out
 * of memory or the config is invalid. */
MgModel *mg_model_new (const MgUNetConfig *config);

#endif /* MG_MODEL_H */
