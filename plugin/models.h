/* models.h — trained models outside the core: .mgm files (the core's
 * format) and the copy attached to an image as a persistent parasite, so
 * Refine and Apply can reuse the last Segment run's model and it travels
 * inside the XCF. */
#ifndef MASKGROW_MODELS_H
#define MASKGROW_MODELS_H

#include <libgimp/gimp.h>

#include "maskgrow-core.h"

#define MASKGROW_MODEL_PARASITE "maskgrow-model"

/* <GIMP config folder>/maskgrow/models, made if missing (NULL if it cannot
 * be).  Free with g_free. */
gchar   *maskgrow_models_folder   (void);
/* FALSE for NULL and for a folder: no model file chosen. */
gboolean maskgrow_is_model_file   (GFile         *file);
/* Saves the model as <models folder>/<image name without extension>.mgm
 * (replacing a model of that name): every model trained in the dialog is
 * kept there, for Apply Model on other images. */
gboolean maskgrow_model_save_default (const MgModel *model,
                                      GimpImage     *image,
                                      GError       **error);

gboolean maskgrow_model_save_file (const MgModel *model,
                                   GFile         *file,
                                   GError       **error);
MgModel *maskgrow_model_load_file (GFile         *file,
                                   GError       **error);

/* Attaches (replacing) the image's model parasite. */
gboolean maskgrow_model_attach    (GimpImage     *image,
                                   const MgModel *model,
                                   GError       **error);
/* The image's model, or NULL: *error set only if one is attached but
 * cannot be read. */
MgModel *maskgrow_model_from_image (GimpImage    *image,
                                    GError      **error);

/* A translated lead for a core status, then the core's own message. */
void     maskgrow_set_core_error  (GError       **error,
                                   const MgError *err);

#endif /* MASKGROW_MODELS_H */
