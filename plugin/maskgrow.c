/* maskgrow.c — the GIMP 3 plug-in: registers its four procedures under
 * Filters ▸ Segmentation (procedures.h; one file each) and its own
 * translation domain.
 */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include <glib/gi18n.h>

#include "procedures.h"

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

G_DEFINE_TYPE (Maskgrow, maskgrow, GIMP_TYPE_PLUG_IN)

int
main (int argc, char *argv[])
{
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
  GList *names = NULL;

  names = g_list_append (names, g_strdup (MASKGROW_PROC_NEW_HINTS));
  names = g_list_append (names, g_strdup (MASKGROW_PROC_SEGMENT));
  names = g_list_append (names, g_strdup (MASKGROW_PROC_REFINE));
  names = g_list_append (names, g_strdup (MASKGROW_PROC_APPLY));
  return names;
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
  if (g_strcmp0 (name, MASKGROW_PROC_NEW_HINTS) == 0)
    return maskgrow_new_hints_procedure (plug_in);
  if (g_strcmp0 (name, MASKGROW_PROC_SEGMENT) == 0)
    return maskgrow_segment_procedure (plug_in);
  if (g_strcmp0 (name, MASKGROW_PROC_REFINE) == 0)
    return maskgrow_refine_procedure (plug_in);
  if (g_strcmp0 (name, MASKGROW_PROC_APPLY) == 0)
    return maskgrow_apply_procedure (plug_in);
  return NULL;
}

gboolean
maskgrow_one_drawable (GimpProcedure   *procedure,
                       GimpDrawable   **drawables,
                       GimpValueArray **values)
{
  GError *error = NULL;

  if (gimp_core_object_array_get_length ((GObject **) drawables) != 1 ||
      ! GIMP_IS_LAYER (drawables[0]))
    g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                 _("Select exactly one layer: the image to segment."));
  else if (gimp_drawable_is_indexed (drawables[0]))
    g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                 _("Indexed images cannot be segmented: convert the image "
                   "to RGB or grey first (Image ▸ Mode)."));
  else
    return TRUE;
  *values = gimp_procedure_new_return_values (procedure,
                                              GIMP_PDB_CALLING_ERROR, error);
  return FALSE;
}

gboolean
maskgrow_procedure_dialog (GimpProcedure       *procedure,
                           GimpProcedureConfig *config,
                           const gchar         *title)
{
  GtkWidget *dialog;
  gboolean   run;

  gimp_ui_init (MASKGROW_BINARY);
  dialog = gimp_procedure_dialog_new (procedure, config, title);
  gimp_procedure_dialog_fill (GIMP_PROCEDURE_DIALOG (dialog), NULL);
  run = gimp_procedure_dialog_run (GIMP_PROCEDURE_DIALOG (dialog));
  gtk_widget_destroy (dialog);
  return run;
}
