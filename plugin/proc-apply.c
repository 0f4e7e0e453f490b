/* proc-apply.c — plug-in-maskgrow-apply, Filters ▸ Segmentation ▸ Apply
 * Model…: segments the image with a saved model (or the one the last
 * Segment run attached to the image), no training.  The batch workhorse:
 *
 *   (plug-in-maskgrow-apply #:run-mode RUN-NONINTERACTIVE #:image img
 *      #:drawables (vector layer) #:model-file "cells.mgm"
 *      #:selection "none" #:channels "none" #:label-layer #t)
 */
#include <glib/gi18n.h>

#include "maskgrow-core.h"

#include "models.h"
#include "options.h"
#include "procedures.h"
#include "segment.h"

static MgModel *
load_model (GimpImage           *image,
            GimpProcedureConfig *config,
            GError             **error)
{
  GFile   *file  = NULL;
  MgModel *model = NULL;

  g_object_get (config, "model-file", &file, NULL);
  if (maskgrow_is_model_file (file))
    model = maskgrow_model_load_file (file, error);
  else
    {
      model = maskgrow_model_from_image (image, error);
      if (model == NULL && (error == NULL || *error == NULL))
        {
          gchar *folder = maskgrow_models_folder ();

          g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                       _("No model: choose a model file (the Segment "
                         "dialog keeps its models in %s), or run Segment "
                         "on this image first (it keeps its model with "
                         "the image)."),
                       folder != NULL ? folder : "?");
          g_free (folder);
        }
    }
  g_clear_object (&file);
  return model;
}

static GimpValueArray *
apply_run (GimpProcedure        *procedure,
           GimpRunMode           run_mode,
           GimpImage            *image,
           GimpDrawable        **drawables,
           GimpProcedureConfig  *config,
           gpointer              run_data)
{
  GimpValueArray *values = NULL;
  GError         *error  = NULL;
  MgModel        *model;

  gegl_init (NULL, NULL);
  if (! maskgrow_one_drawable (procedure, drawables, &values))
    return values;
  if (run_mode == GIMP_RUN_INTERACTIVE &&
      ! maskgrow_procedure_dialog (procedure, config,
                                   _("Apply a maskgrow Model")))
    return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                             NULL);

  model = load_model (image, config, &error);
  if (model == NULL)
    return gimp_procedure_new_return_values (procedure,
                                             GIMP_PDB_EXECUTION_ERROR, error);
  values = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                             NULL);
  if (! maskgrow_segment_write (image, GIMP_LAYER (drawables[0]), model,
                                config, values, &error) ||
      ! maskgrow_model_attach (image, model, &error))
    {
      gimp_value_array_unref (values);
      values = gimp_procedure_new_return_values (procedure,
                                                 GIMP_PDB_EXECUTION_ERROR,
                                                 error);
    }
  else if (run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();
  mg_model_free (model);
  return values;
}

GimpProcedure *
maskgrow_apply_procedure (GimpPlugIn *plug_in)
{
  GimpProcedure *procedure;

  procedure = gimp_image_procedure_new (plug_in, MASKGROW_PROC_APPLY,
                                        GIMP_PDB_PROC_TYPE_PLUGIN,
                                        apply_run, NULL, NULL);
  gimp_procedure_set_image_types (procedure, "RGB*, GRAY*");
  gimp_procedure_set_sensitivity_mask (procedure,
                                       GIMP_PROCEDURE_SENSITIVE_DRAWABLE);
  gimp_procedure_set_menu_label (procedure, _("_Apply Model..."));
  gimp_procedure_add_menu_path (procedure, MASKGROW_MENU);
  gimp_procedure_set_documentation
    (procedure,
     _("Segment the image with a saved maskgrow model"),
     _("Segments the selected layer with a model saved by Segment (a .mgm "
       "file), or with the model kept with the image by its last Segment "
       "run; no training.  The model must have been trained on images of "
       "the same kind (grey or colour).  Outputs as for Segment."),
     MASKGROW_PROC_APPLY);
  gimp_procedure_set_attribution (procedure, "maskgrow authors",
                                  "maskgrow authors", "2026");

  gimp_procedure_add_file_argument (procedure, "model-file",
                                    _("_Model"),
                                    _("The .mgm model file; none = the "
                                      "model kept with this image"),
                                    GIMP_FILE_CHOOSER_ACTION_OPEN, TRUE,
                                    NULL, G_PARAM_READWRITE);
  maskgrow_options_add_outputs (procedure);
  return procedure;
}
