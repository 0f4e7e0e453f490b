/* model.h — what a trained model is (internal to the core). */
#ifndef MG_MODEL_H
#define MG_MODEL_H

#include "maskgrow-core.h"
#include "net/unet.h"

struct MgModel
{
  MgUNetConfig config;
  float        mean[MG_MAX_CHANNELS];    /* input normalisation:        */
  float        inv_std[MG_MAX_CHANNELS]; /* x' = (x - mean) * inv_std   */
  uint64_t     seed;                     /* provenance: training seed   */
  uint32_t     iterations;               /* provenance: steps trained   */
  float       *params;                   /* mg_unet_param_count floats  */
  size_t       n_params;
};

/* A model with zeroed parameters and identity normalisation; NULL when out
 * of memory or the config is invalid. */
MgModel *mg_model_new (const MgUNetConfig *config);

#endif /* MG_MODEL_H */
