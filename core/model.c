/* model.c — creating, querying and freeing models. */
#include "model.h"

#include <stdlib.h>

MgModel *
mg_model_new (const MgUNetConfig *config)
{
  MgModel *model;

  if (! mg_unet_config_valid (config))
    return NULL;
  model = calloc (1, sizeof *model);
  if (model == NULL)
    return NULL;
  model->config = *config;
  model->n_params = mg_unet_param_count (config);
  model->params = calloc (model->n_params, sizeof (float));
  if (model->params == NULL)
    {
      free (model);
      return NULL;
    }
  model->scale = 1;
  model->views = MG_VIEWS_DEFAULT;
  return model;
}

int
mg_model_classes (const MgModel *model)
{
  return model->config.out_channels - 1;
}

int
mg_model_channels (const MgModel *model)
{
  return model->config.in_channels;
}

int
mg_model_iterations (const MgModel *model)
{
  return (int) model->iterations;
}

int
mg_model_scale (const MgModel *model)
{
  return model->scale;
}

int
mg_model_views (const MgModel *model)
{
  return model->views;
}

bool
mg_model_set_views (MgModel *model, int views)
{
  if (! mg_views_valid (views))
    return false;
  model->views = views;
  return true;
}

void
mg_model_free (MgModel *model)
{
  if (model == NULL)
    return;
  free (model->params);
  free (model);
}
