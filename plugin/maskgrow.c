/* maskgrow.c — the GIMP 3 plug-in: registers plug-in-maskgrow-segment
 * (Filters ▸ Segmentation ▸ Segment…), resolves its arguments, shows the
 * dialog in interactive runs and hands the work to segment.c.
 *
 * Script-Fu (v3):
 *   (plug-in-maskgrow-segment #:run-mode RUN-NONINTERACTIVE #:image img
 *      #:drawables (vector layer) #:seconds 20 #:seed 1)
 * returns the channel of class 1; every class has its own channel
 * ("maskgrow: class c") and the selection is the union of all classes.
 */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include <glib/gi18n.h>

#include "cli/openblas-spin.h"
#include "layers.h"
#include "segment.h"

#define PLUG_IN_PROC   "plug-in-maskgrow-segment"
#define PLUG_IN_BINARY "maskgrow"

typedef struct
{
  GimpPlugIn parent_instance;
} Maskgrow;

typedef struct
{
  GimpPlugInClass parent_class;
} MaskgrowClass;

GType maskgrow_get_type (void);

static GList          *maskgrow_query_procedures (GimpPlugIn           *plug_in);
static GimpProcedure  *maskgrow_create_procedure (GimpPlugIn           *plug_in,
                                                  const gchar          *name);
static gboolean        maskgrow_set_i18n         (GimpPlugIn           *plug_in,
                                                  const gchar          *name,
                                                  gchar               **domain,
                                                  gchar               **catalog_dir);
static GimpValueArray *maskgrow_run              (GimpProcedure        *procedure,
                                                  GimpRunMode           run_mode,
                                                  GimpImage            *image,
                                                  GimpDrawable        **drawables,
                                                  GimpProcedureConfig  *config,
                                                  gpointer              run_data);

G_DEFINE_TYPE (Maskgrow, maskgrow, GIMP_TYPE_PLUG_IN)

/* GIMP_MAIN, with OpenBLAS's idle threads told to sleep first (see
 * core/cli/openblas-spin.h: training steps are 25 % faster). */
int
main (int argc, char *argv[])
{
  mg_restart_with_short_openblas_spin (argv);
  return gimp_main (maskgrow_get_type (), argc, argv);
}

static void
maskgrow_class_init (MaskgrowClass *klass)
{
  GimpPlugInClass *plug_in_class = GIMP_PLUG_IN_CLASS (klass);

  plug_in_class->query_procedures = maskgrow_query_procedures;
  plug_in_class->create_procedure = maskgrow_create_procedure;
  plug_in_class->set_i18n         = maskgrow_set_i18n;
}

static void
maskgrow_init (Maskgrow *maskgrow)
{
}

static GList *
maskgrow_query_procedures (GimpPlugIn *plug_in)
{
  return g_list_append (NULL, g_strdup (PLUG_IN_PROC));
}

/* Our own domain, catalogues in <plug-in folder>/locale.  Without that
 * folder (no translation installed) localisation is off, which also spares
 * the "Localization disabled" warning on every run. */
static gboolean
maskgrow_set_i18n (GimpPlugIn   *plug_in,
                   const gchar  *name,
                   gchar       **domain,
                   gchar       **catalog_dir)
{
  gchar    *folder = g_path_get_dirname (gimp_get_progname ());
  gchar    *locale = g_build_filename (folder, "locale", NULL);
  gboolean  found  = g_file_test (locale, G_FILE_TEST_IS_DIR);

  g_free (locale);
  g_free (folder);
  if (! found)
    return FALSE;
  *domain      = g_strdup (GETTEXT_PACKAGE);
  *catalog_dir = g_strdup ("locale");
  return TRUE;
}

static GimpProcedure *
maskgrow_create_procedure (GimpPlugIn  *plug_in,
                           const gchar *name)
{
  GimpProcedure *procedure;

  if (g_strcmp0 (name, PLUG_IN_PROC) != 0)
    return NULL;

  procedure = gimp_image_procedure_new (plug_in, name,
                                        GIMP_PDB_PROC_TYPE_PLUGIN,
                                        maskgrow_run, NULL, NULL);
  gimp_procedure_set_image_types (procedure, "RGB*, GRAY*");
  gimp_procedure_set_sensitivity_mask (procedure,
                                       GIMP_PROCEDURE_SENSITIVE_DRAWABLE);
  gimp_procedure_set_menu_label (procedure, _("_Segment..."));
  gimp_procedure_add_menu_path (procedure, "<Image>/Filters/Segmentation");
  gimp_plug_in_add_menu_branch (plug_in, "<Image>/Filters",
                                _("Segmentation"));
  gimp_procedure_set_documentation
    (procedure,
     _("Segment the image from rough hints"),
     _("Trains a small neural network on the hints painted on this image "
       "and segments it.  Paint the hints layer with the maskgrow palette: "
       "transparent = unknown, Background, Class 1..8 (a rough blob inside "
       "some objects), Separation (strokes on the gap between touching "
       "objects).  Adds one channel per class and replaces the selection "
       "with the union of all classes; returns the channel of class 1.  "
       "The image is the selected layer (or, if that is the hints layer, "
       "the first visible layer below it)."),
     name);
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
  gimp_procedure_add_double_argument (procedure, "seconds",
                                      _("Training _time (s)"),
                                      _("Training budget in seconds, "
                                        "0 = no limit"),
                                      0.0, 86400.0, 30.0,
                                      G_PARAM_READWRITE);
  gimp_procedure_add_int_argument (procedure, "iterations",
                                   _("_Iterations"),
                                   _("Most training steps, 0 = no limit"),
                                   0, 10000000, 0, G_PARAM_READWRITE);
  gimp_procedure_add_int_argument (procedure, "seed",
                                   _("Ran_dom seed"),
                                   _("The same seed, image and hints give "
                                     "the same result"),
                                   0, G_MAXINT, 1, G_PARAM_READWRITE);

  gimp_procedure_add_channel_return_value (procedure, "mask",
                                           _("Mask"),
                                           _("The channel of class 1"),
                                           FALSE, G_PARAM_READWRITE);
  return procedure;
}

static gboolean
maskgrow_dialog (GimpProcedure       *procedure,
                 GimpProcedureConfig *config)
{
  GtkWidget *dialog;
  gboolean   run;

  gimp_ui_init (PLUG_IN_BINARY);
  dialog = gimp_procedure_dialog_new (procedure, config,
                                      _("Segment from Hints"));
  gimp_procedure_dialog_fill (GIMP_PROCEDURE_DIALOG (dialog), NULL);
  run = gimp_procedure_dialog_run (GIMP_PROCEDURE_DIALOG (dialog));
  gtk_widget_destroy (dialog);
  return run;
}

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

/* The layers of one run: hints (argument or default), exact (optional)
 * and the image layer.  FALSE + error if they cannot be found. */
static gboolean
resolve_inputs (GimpImage            *image,
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
  if (*hints == NULL)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("No hints layer: name a layer “%s” and paint it with "
                     "the maskgrow palette, or choose one."),
                   MASKGROW_HINTS_LAYER_NAME);
      return FALSE;
    }
  *source = maskgrow_source_layer (image, selected, *hints, *exact, error);
  return *source != NULL;
}

static GimpValueArray *
maskgrow_run (GimpProcedure        *procedure,
              GimpRunMode           run_mode,
              GimpImage            *image,
              GimpDrawable        **drawables,
              GimpProcedureConfig  *config,
              gpointer              run_data)
{
  MaskgrowSegmentOptions options = { 0 };
  GimpLayer             *source  = NULL;
  GimpLayer             *hints   = NULL;
  GimpLayer             *exact   = NULL;
  GimpChannel           *mask;
  GimpValueArray        *values;
  GError                *error   = NULL;

  gegl_init (NULL, NULL);

  if (gimp_core_object_array_get_length ((GObject **) drawables) != 1)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("Select exactly one layer: the image to segment."));
      return gimp_procedure_new_return_values (procedure,
                                               GIMP_PDB_CALLING_ERROR, error);
    }

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      GimpLayer *value = NULL;

      /* Offer the default hints layer in the dialog. */
      g_object_get (config, "hints", &value, NULL);
      if (value == NULL)
        g_object_set (config, "hints",
                      maskgrow_layer_by_name (image, MASKGROW_HINTS_LAYER_NAME),
                      NULL);
      g_clear_object (&value);
      if (! maskgrow_dialog (procedure, config))
        return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                                 NULL);
    }

  g_object_get (config,
                "seconds",    &options.seconds,
                "iterations", &options.iterations,
                "seed",       &options.seed,
                NULL);
  options.threads = gimp_get_num_processors ();
  if (options.seconds <= 0.0 && options.iterations <= 0)
    g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                 _("Set a training time or a number of iterations "
                   "(both are 0, so training would never end)."));
  if (error != NULL ||
      ! resolve_inputs (image, drawables[0], config,
                        &source, &hints, &exact, &error))
    return gimp_procedure_new_return_values (procedure,
                                             GIMP_PDB_CALLING_ERROR, error);

  mask = maskgrow_segment (image, source, hints, exact, &options, &error);
  if (mask == NULL)
    return gimp_procedure_new_return_values (procedure,
                                             GIMP_PDB_EXECUTION_ERROR, error);

  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();
  values = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                             NULL);
  GIMP_VALUES_SET_CHANNEL (values, 1, mask);
  return values;
}
