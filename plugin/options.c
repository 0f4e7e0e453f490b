/* options.c — the shared argument groups (options.h). */
#include "options.h"

#include <glib/gi18n.h>

enum { QUALITY_FAST, QUALITY_BALANCED, QUALITY_BEST, QUALITY_CUSTOM };

void
maskgrow_options_add_training (GimpProcedure *procedure,
                               const gchar   *default_quality)
{
  gimp_procedure_add_choice_argument
    (procedure, "quality", _("_Quality"),
     _("Training time: fast (10 s), balanced (30 s), best (90 s), or "
       "custom (the seconds and iterations below)"),
     gimp_choice_new_with_values
       ("fast",     QUALITY_FAST,     _("Fast (10 s)"),     NULL,
        "balanced", QUALITY_BALANCED, _("Balanced (30 s)"), NULL,
        "best",     QUALITY_BEST,     _("Best (90 s)"),     NULL,
        "custom",   QUALITY_CUSTOM,   _("Custom"),          NULL,
        NULL),
     default_quality, G_PARAM_READWRITE);
  gimp_procedure_add_double_argument (procedure, "seconds",
                                      _("Training _time (s)"),
                                      _("Custom quality: training budget in "
                                        "seconds, 0 = no limit"),
                                      0.0, 86400.0, 30.0,
                                      G_PARAM_READWRITE);
  gimp_procedure_add_int_argument (procedure, "iterations",
                                   _("_Iterations"),
                                   _("Custom quality: most training steps, "
                                     "0 = no limit"),
                                   0, 10000000, 0, G_PARAM_READWRITE);
  gimp_procedure_add_int_argument (procedure, "seed",
                                   _("Ran_dom seed"),
                                   _("The same seed, image, hints and "
                                     "number of steps give the same result"),
                                   0, G_MAXINT, 1, G_PARAM_READWRITE);
  /* The core's --levels (README 'How it works', item 3), with the core's
   * default: 2. */
  gimp_procedure_add_int_argument (procedure, "levels",
                                   _("Recursive le_vels"),
                                   _("Train in stages; after each, grow "
                                     "the objects to what the network is "
                                     "sure of and teach it a background "
                                     "ring around them, which tightens "
                                     "the boundaries. 0 = off: train on "
                                     "the hints only"),
                                   0, 10, 2, G_PARAM_READWRITE);
  /* The core's --smoothness (README 'How it works', item 6), with the
   * core's default: 1, the weight measured. */
  gimp_procedure_add_double_argument (procedure, "smoothness",
                                      _("_Boundaries on edges"),
                                      _("Weight of a training term that "
                                        "puts object boundaries on the "
                                        "image's edges where the hints "
                                        "leave them open. 0 = off"),
                                      0.0, 100.0, 1.0, G_PARAM_READWRITE);
}

gboolean
maskgrow_options_get_training (GimpProcedureConfig *config,
                               MaskgrowTraining    *training,
                               GError             **error)
{
  g_object_get (config,
                "seconds",    &training->seconds,
                "iterations", &training->iterations,
                "seed",       &training->seed,
                "levels",     &training->levels,
                "smoothness", &training->smoothness,
                NULL);
  training->threads = gimp_get_num_processors ();

  switch (gimp_procedure_config_get_choice_id (config, "quality"))
    {
    case QUALITY_FAST:
      training->seconds    = MASKGROW_FAST_SECONDS;
      training->iterations = 0;
      break;
    case QUALITY_BALANCED:
      training->seconds    = MASKGROW_BALANCED_SECONDS;
      training->iterations = 0;
      break;
    case QUALITY_BEST:
      training->seconds    = MASKGROW_BEST_SECONDS;
      training->iterations = 0;
      break;
    default:
      if (training->seconds <= 0.0 && training->iterations <= 0)
        {
          g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                       _("Set a training time or a number of iterations "
                         "(both are 0, so training would never end)."));
          return FALSE;
        }
      break;
    }
  return TRUE;
}

void
maskgrow_options_add_outputs (GimpProcedure *procedure)
{
  gimp_procedure_add_choice_argument
    (procedure, "selection", _("_Selection"),
     _("What the objects found do to the selection"),
     gimp_choice_new_with_values
       ("none",    MASKGROW_SELECTION_NONE,    _("Leave it"),           NULL,
        "replace", MASKGROW_SELECTION_REPLACE, _("Replace it"),         NULL,
        "add",     MASKGROW_SELECTION_ADD,     _("Add to it"),          NULL,
        NULL),
     "replace", G_PARAM_READWRITE);
  gimp_procedure_add_choice_argument
    (procedure, "channels", _("C_hannels"),
     _("A new channel per object class"),
     gimp_choice_new_with_values
       ("none",        MASKGROW_CHANNELS_NONE,        _("None"),        NULL,
        "mask",        MASKGROW_CHANNELS_MASK,        _("Hard mask"),   NULL,
        "probability", MASKGROW_CHANNELS_PROBABILITY, _("Probability"), NULL,
        NULL),
     "mask", G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "layer-mask",
                                       _("Layer _mask"),
                                       _("Add a layer mask (all objects "
                                         "white) to the image layer; it "
                                         "must not have one yet"),
                                       FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "label-layer",
                                       _("_Label layer"),
                                       _("A new layer with the objects in "
                                         "their class colours"),
                                       FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "instance-layer",
                                       _("I_nstance layer"),
                                       _("A new layer with one colour per "
                                         "object"),
                                       FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "separate",
                                       _("Se_parate touching objects"),
                                       _("Split objects that touch along "
                                         "the gaps the network finds "
                                         "(instance layer and object count)"),
                                       TRUE, G_PARAM_READWRITE);

  gimp_procedure_add_channel_return_value (procedure, "mask", _("Mask"),
                                           _("The channel of class 1, if "
                                             "channels were made"),
                                           TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_layer_return_value (procedure, "labels",
                                         _("Label layer"),
                                         _("The label layer, if made"),
                                         TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_layer_return_value (procedure, "instances",
                                         _("Instance layer"),
                                         _("The instance layer, if made"),
                                         TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_int_return_value (procedure, "objects", _("Objects"),
                                       _("Number of objects found"),
                                       0, G_MAXINT, 0, G_PARAM_READWRITE);
}

void
maskgrow_options_get_outputs (GimpProcedureConfig *config,
                              MaskgrowOutputs     *outputs)
{
  outputs->selection = gimp_procedure_config_get_choice_id (config,
                                                            "selection");
  outputs->channels  = gimp_procedure_config_get_choice_id (config,
                                                            "channels");
  g_object_get (config,
                "layer-mask",     &outputs->layer_mask,
                "label-layer",    &outputs->label_layer,
                "instance-layer", &outputs->instance_layer,
                "separate",       &outputs->separate,
                NULL);
}
