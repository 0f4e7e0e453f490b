/* proc-segment.c — plug-in-maskgrow-segment, Filters ▸ Segmentation ▸
 * Segment…: trains on the hints of this image (or of every open image
 * with a hints layer) and segments it.
 *
 * Script-Fu (v3):
 *   (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE #:image img
 *      #:drawables (vector layer) #:quality "fast" #:label-layer #t)
 * returns (mask labels instances objects): the channel of class 1, the
 * label and instance layers (-1 when not made) and the number of objects.
 *
 * All heavy work (reading, training, inference) happens before the undo
 * group opens: a plug-in killed by GIMP's Cancel (SIGKILL, guide §8) must
 * not leave an open group.
 */
#include <glib/gi18n.h>

#include "maskgrow-core.h"

#include "adapt.h"
#include "dialog.h"
#include "layers.h"
#include "models.h"
#include "options.h"
#include "outputs.h"
#include "procedures.h"
#include "segment.h"
#include "training.h"

/* A layer argument, or the layer with the default name (NULL if there is
 * none); FALSE + error if the layer belongs to another image. */
static gboolean
resolve_layer (GimpImage            *image,
               GimpProcedureConfig  *config,
               const gchar          *property,
               const gchar          *default_name,
               GimpLayer           **layer,
               GError              **error)
{
  GimpLayer *value = NULL;
  gboolean   ok    = TRUE;

  g_object_get (config, property, &value, NULL);
  *layer = value != NULL ? value : maskgrow_layer_by_name (image, default_name);
  if (*layer != NULL &&
      gimp_image_get_id (gimp_item_get_image (GIMP_ITEM (*layer))) !=
      gimp_image_get_id (image))
    {
      maskgrow_set_item_error (error, GIMP_ITEM (*layer),
                               _("The layer “%s” belongs to another image."));
      *layer = NULL;
      ok     = FALSE;
    }
  /* libgimp keeps its own reference to every item it handed out. */
  g_clear_object (&value);
  return ok;
}

/* The layers a run reads: hints and exact (arguments or default names)
 * and the image layer.  FALSE + error if they cannot be found. */
static gboolean
resolve_layers (GimpImage            *image,
                GimpDrawable         *selected,
                GimpProcedureConfig  *config,
                GimpLayer           **source,
                GimpLayer           **hints,
                GimpLayer           **exact,
                GError              **error)
{
  if (! resolve_layer (image, config, "hints", MASKGROW_HINTS_LAYER_NAME,
                       hints, error) ||
      ! resolve_layer (image, config, "exact", MASKGROW_EXACT_LAYER_NAME,
                       exact, error))
    return FALSE;
  if (*hints == NULL && *exact == NULL)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("No hints layer: use Filters ▸ Segmentation ▸ New Hints "
                     "Layer (or name a layer “%s”) and paint it with the "
                     "maskgrow palette."),
                   MASKGROW_HINTS_LAYER_NAME);
      return FALSE;
    }
  *source = maskgrow_source_layer (image, selected,
                                   *hints != NULL ? *hints : *exact, *exact,
                                   error);
  return *source != NULL;
}

MaskgrowInputs *
maskgrow_segment_inputs (GimpImage            *image,
                         GimpDrawable         *selected,
                         GimpProcedureConfig  *config,
                         GimpLayer           **source,
                         GeglRectangle        *region,
                         GError              **error)
{
  MaskgrowInputs *inputs;
  GimpLayer      *hints = NULL;
  GimpLayer      *exact = NULL;
  gboolean        all_images = FALSE;
  gint            added;

  if (! resolve_layers (image, selected, config, source, &hints, &exact,
                        error))
    return NULL;
  g_object_get (config, "all-images", &all_images, NULL);
  inputs = maskgrow_inputs_new ();
  if (! maskgrow_inputs_add (inputs, *source, hints, exact, region, error) ||
      (all_images &&
       ! maskgrow_inputs_add_open_images (inputs, image, &added, error)))
    {
      maskgrow_inputs_free (inputs);
      return NULL;
    }
  return inputs;
}

gboolean
maskgrow_segment_write (GimpImage            *image,
                        GimpLayer            *source,
                        const MgModel        *model,
                        GimpProcedureConfig  *config,
                        GimpValueArray       *values,
                        GError              **error)
{
  MaskgrowOutputs outputs;
  MaskgrowResult  result  = { { 0, 0, 0, 0 }, 0, NULL, NULL, NULL, 0 };
  MaskgrowWritten written;
  MgImage         pixels  = { NULL, 0, 0, 0 };
  MgError         err     = { MG_STATUS_OK, "" };
  guint8         *labels  = NULL;
  gfloat         *prob    = NULL;
  guint32        *instances = NULL;
  gfloat         *data;
  gint64          last    = 0;
  gsize           plane;
  gboolean        ok      = FALSE;

  maskgrow_options_get_outputs (config, &outputs);
  if (! maskgrow_outputs_check (source, &outputs, error))
    return FALSE;
  if (! maskgrow_drawable_region (GIMP_DRAWABLE (source), &result.region))
    {
      maskgrow_set_item_error (error, GIMP_ITEM (source),
                               _("The layer “%s” lies outside the canvas."));
      return FALSE;
    }

  data = maskgrow_drawable_read (GIMP_DRAWABLE (source), &result.region,
                                 &pixels.channels);
  plane = (gsize) result.region.width * result.region.height;
  if (data == NULL)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("Not enough memory: try a smaller image or layer."));
      return FALSE;
    }
  /* A grey model on a colour picture or the other way round: convert. */
  maskgrow_match_channels (&data, &pixels.channels,
                           mg_model_channels (model), plane);
  pixels.data   = data;
  pixels.width  = result.region.width;
  pixels.height = result.region.height;
  result.classes = mg_model_classes (model);
  labels    = g_try_malloc (plane);
  instances = g_try_malloc (plane * sizeof (guint32));
  if (outputs.channels == MASKGROW_CHANNELS_PROBABILITY)
    prob = g_try_malloc (plane * (result.classes + 1) * sizeof (gfloat));
  if (labels == NULL || instances == NULL ||
      (outputs.channels == MASKGROW_CHANNELS_PROBABILITY && prob == NULL))
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("Not enough memory: try a smaller image or layer."));
      goto out;
    }

  gimp_progress_init (_("maskgrow: segmenting"));
  if (mg_segment_all (model, &pixels, labels, prob, instances, &result.count,
                      outputs.separate, maskgrow_segment_progress_cb, &last,
                      &err) != MG_STATUS_OK)
    {
      maskgrow_set_core_error (error, &err);
      goto out;
    }
  result.labels    = labels;
  result.prob      = prob;
  result.instances = instances;
  maskgrow_outputs_write (image, source, &outputs, &result, &written);
  gimp_progress_update (1.0);

  GIMP_VALUES_SET_CHANNEL (values, 1, written.mask);
  GIMP_VALUES_SET_LAYER (values, 2, written.labels);
  GIMP_VALUES_SET_LAYER (values, 3, written.instances);
  GIMP_VALUES_SET_INT (values, 4, (gint) MIN (result.count, G_MAXINT));
  ok = TRUE;

 out:
  gimp_progress_end ();
  g_free (instances);
  g_free (prob);
  g_free (labels);
  g_free (data);
  return ok;
}

/* Saves the model to the "model-file" argument if set (else, from the
 * dialog, to the models folder under the image's name) and attaches it to
 * the image for Refine and Apply. */
static gboolean
keep_model (GimpImage           *image,
            const MgModel       *model,
            GimpProcedureConfig *config,
            GimpRunMode          run_mode,
            GError             **error)
{
  GFile   *file = NULL;
  gboolean ok   = TRUE;

  g_object_get (config, "model-file", &file, NULL);
  if (maskgrow_is_model_file (file))
    ok = maskgrow_model_save_file (model, file, error);
  else if (run_mode != GIMP_RUN_NONINTERACTIVE)
    ok = maskgrow_model_save_default (model, image, error);
  g_clear_object (&file);
  return ok && maskgrow_model_attach (image, model, error);
}

static GimpValueArray *
segment_run (GimpProcedure        *procedure,
             GimpRunMode           run_mode,
             GimpImage            *image,
             GimpDrawable        **drawables,
             GimpProcedureConfig  *config,
             gpointer              run_data)
{
  MaskgrowTraining training;
  MaskgrowOutputs  outputs;
  MaskgrowInputs  *inputs = NULL;
  GimpLayer       *source = NULL;
  MgModel         *model  = NULL;
  GimpValueArray  *values = NULL;
  GError          *error  = NULL;

  gegl_init (NULL, NULL);
  if (! maskgrow_one_drawable (procedure, drawables, &values))
    return values;

  if (! maskgrow_options_get_training (config, &training, &error))
    return gimp_procedure_new_return_values (procedure,
                                             GIMP_PDB_CALLING_ERROR, error);

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      GimpLayer *hints = NULL;

      /* Offer the layer named "Hints" in the dialog. */
      g_object_get (config, "hints", &hints, NULL);
      if (hints == NULL)
        g_object_set (config, "hints",
                      maskgrow_layer_by_name (image,
                                              MASKGROW_HINTS_LAYER_NAME),
                      NULL);
      g_clear_object (&hints);
      if (! maskgrow_segment_dialog (procedure, config, image, drawables[0],
                                     &model, &error))
        return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                                 NULL);
      /* No model and no error: options changed just before Segment was
       * pressed; train with them here. */
      if (model == NULL && error == NULL)
        {
          inputs = maskgrow_segment_inputs (image, drawables[0], config,
                                            &source, NULL, &error);
          if (inputs != NULL)
            model = maskgrow_train (inputs, &training, &error);
          g_clear_pointer (&inputs, maskgrow_inputs_free);
        }
      if (model == NULL)
        goto fail;
      /* The dialog read the layers; find the image layer again (cheap). */
      {
        GimpLayer *hints, *exact;

        if (! resolve_layers (image, drawables[0], config, &source, &hints,
                              &exact, &error))
          goto fail;
      }
    }
  else
    {
      maskgrow_options_get_outputs (config, &outputs);
      inputs = maskgrow_segment_inputs (image, drawables[0], config, &source,
                                        NULL, &error);
      /* Before training: an output that cannot be written fails now. */
      if (inputs == NULL || ! maskgrow_outputs_check (source, &outputs,
                                                      &error))
        goto fail;
      model = maskgrow_train (inputs, &training, &error);
      g_clear_pointer (&inputs, maskgrow_inputs_free);
      if (model == NULL)
        goto fail;
    }

  values = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                             NULL);
  /* The model first: a training is not lost to an output that cannot be
   * written, and a failure leaves the image as it was. */
  if (! keep_model (image, model, config, run_mode, &error) ||
      ! maskgrow_segment_write (image, source, model, config, values,
                                &error))
    {
      gimp_value_array_unref (values);
      goto fail;
    }
  mg_model_free (model);
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();
  return values;

 fail:
  maskgrow_inputs_free (inputs);
  mg_model_free (model);
  return gimp_procedure_new_return_values (procedure,
                                           GIMP_PDB_EXECUTION_ERROR, error);
}

GimpProcedure *
maskgrow_segment_procedure (GimpPlugIn *plug_in)
{
  GimpProcedure *procedure;

  procedure = gimp_image_procedure_new (plug_in, MASKGROW_PROC_SEGMENT,
                                        GIMP_PDB_PROC_TYPE_PLUGIN,
                                        segment_run, NULL, NULL);
  gimp_procedure_set_image_types (procedure, "RGB*, GRAY*");
  gimp_procedure_set_sensitivity_mask (procedure,
                                       GIMP_PROCEDURE_SENSITIVE_DRAWABLE);
  gimp_procedure_set_menu_label (procedure, _("_Segment..."));
  gimp_procedure_add_menu_path (procedure, MASKGROW_MENU);
  gimp_procedure_set_documentation
    (procedure,
     _("Segment the image from rough hints"),
     _("Trains a small neural network on the hints painted on this image "
       "and segments it.  Paint the hints layer with the maskgrow palette "
       "(Filters ▸ Segmentation ▸ New Hints Layer): transparent = unknown, "
       "Background, Class 1..8 (a rough blob inside some objects), "
       "Separation (strokes on the gap between touching objects).  An "
       "optional layer holds exact labels.  The result comes back as the "
       "selection, channels, a layer mask, a label layer and/or an "
       "instance layer, in one undo step; the model is kept with the image "
       "for Refine Selection and Apply Model.  The image is the selected "
       "layer (or, if that is the hints layer, the first visible layer "
       "below it)."),
     MASKGROW_PROC_SEGMENT);
  gimp_procedure_set_attribution (procedure, "maskgrow authors",
                                  "maskgrow authors", "2026");

  gimp_procedure_add_layer_argument (procedure, "hints",
                                     _("_Hints layer"),
                                     _("Layer painted with the maskgrow "
                                       "palette; none = the layer named "
                                       "\"Hints\""),
                                     TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_layer_argument (procedure, "exact",
                                     _("_Exact labels layer"),
                                     _("Optional layer whose painted pixels "
                                       "are exact labels; none = the layer "
                                       "named \"Exact labels\" if any"),
                                     TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "all-images",
                                       _("Train on all open _images"),
                                       _("Also train on every other open "
                                         "image that has a \"Hints\" layer"),
                                       FALSE, G_PARAM_READWRITE);
  maskgrow_options_add_training (procedure, "balanced");
  maskgrow_options_add_outputs (procedure);
  gimp_procedure_add_file_argument (procedure, "model-file",
                                    _("Save _model as"),
                                    _("Optional .mgm file to save the "
                                      "trained model to (for Apply Model "
                                      "and the maskgrow command); none "
                                      "= only in the models folder (Apply "
                                      "Model's default folder) when run "
                                      "from the dialog"),
                                    GIMP_FILE_CHOOSER_ACTION_SAVE, TRUE,
                                    NULL, G_PARAM_READWRITE);
  return procedure;
}
