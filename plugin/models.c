/* models.c — model files and parasites (models.h). */
#include "models.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

void
maskgrow_set_core_error (GError       **error,
                         const MgError *err)
{
  const gchar *lead;

  switch (err->code)
    {
    case MG_STATUS_INVALID_ARGUMENT:
      lead = _("maskgrow cannot train on these hints and this image.");
      break;
    case MG_STATUS_NO_MEMORY:
      lead = _("Not enough memory: try a smaller image or layer.");
      break;
    case MG_STATUS_IO:
      lead = _("A file could not be read or written.");
      break;
    case MG_STATUS_CORRUPT_MODEL:
      lead = _("This is not a maskgrow model, or it is damaged.");
      break;
    case MG_STATUS_INCOMPATIBLE:
      lead = _("The model does not fit this image.");
      break;
    default:
      lead = _("maskgrow failed.");
      break;
    }
  g_set_error (error, GIMP_PLUG_IN_ERROR, 0, "%s\n%s", lead, err->message);
}

gchar *
maskgrow_models_folder (void)
{
  gchar *folder = g_build_filename (gimp_directory (), "maskgrow", "models",
                                    NULL);

  if (g_mkdir_with_parents (folder, 0755) != 0)
    g_clear_pointer (&folder, g_free);
  return folder;
}

gboolean
maskgrow_is_model_file (GFile *file)
{
  return file != NULL &&
         g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) !=
         G_FILE_TYPE_DIRECTORY;
}

/* The file's local path, or NULL + error (models are plain files). */
static gchar *
local_path (GFile   *file,
            GError **error)
{
  gchar *path = g_file_get_path (file);

  if (path == NULL)
    {
      gchar *uri = g_file_get_uri (file);

      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("“%s” is not a local file: maskgrow models must be "
                     "saved on this computer."), uri);
      g_free (uri);
    }
  return path;
}

gboolean
maskgrow_model_save_default (const MgModel *model,
                             GimpImage     *image,
                             GError       **error)
{
  gchar   *folder = maskgrow_models_folder ();
  gchar   *name, *dot, *path;
  GFile   *file;
  gboolean ok;

  if (folder == NULL)
    return TRUE;   /* no config folder to keep it in: not an error */
  name = gimp_image_get_name (image);
  dot  = strrchr (name, '.');
  if (dot != NULL && dot != name)
    *dot = '\0';
  path = g_strdup_printf ("%s%c%s.mgm", folder, G_DIR_SEPARATOR, name);
  file = g_file_new_for_path (path);
  ok   = maskgrow_model_save_file (model, file, error);
  g_object_unref (file);
  g_free (path);
  g_free (name);
  g_free (folder);
  return ok;
}

gboolean
maskgrow_model_save_file (const MgModel *model,
                          GFile         *file,
                          GError       **error)
{
  MgError err  = { MG_STATUS_OK, "" };
  gchar  *path = local_path (file, error);
  gboolean ok;

  if (path == NULL)
    return FALSE;
  ok = mg_model_save (model, path, &err) == MG_STATUS_OK;
  if (! ok)
    maskgrow_set_core_error (error, &err);
  g_free (path);
  return ok;
}

MgModel *
maskgrow_model_load_file (GFile   *file,
                          GError **error)
{
  MgError  err   = { MG_STATUS_OK, "" };
  MgModel *model = NULL;
  gchar   *path  = local_path (file, error);

  if (path == NULL)
    return NULL;
  if (mg_model_load (path, &model, &err) != MG_STATUS_OK)
    maskgrow_set_core_error (error, &err);
  g_free (path);
  return model;
}

gboolean
maskgrow_model_attach (GimpImage     *image,
                       const MgModel *model,
                       GError       **error)
{
  MgError       err   = { MG_STATUS_OK, "" };
  uint8_t      *bytes = NULL;
  size_t        size  = 0;
  GimpParasite *parasite;

  if (mg_model_to_bytes (model, &bytes, &size, &err) != MG_STATUS_OK)
    {
      maskgrow_set_core_error (error, &err);
      return FALSE;
    }
  /* Persistent: saved in the XCF.  Not undoable: a model is not part of
   * the picture, and undo steps of a few hundred kB would pile up. */
  parasite = gimp_parasite_new (MASKGROW_MODEL_PARASITE,
                                GIMP_PARASITE_PERSISTENT, (guint32) size,
                                bytes);
  gimp_image_attach_parasite (image, parasite);
  gimp_parasite_free (parasite);
  free (bytes);
  return TRUE;
}

MgModel *
maskgrow_model_from_image (GimpImage *image,
                           GError   **error)
{
  GimpParasite *parasite = gimp_image_get_parasite (image,
                                                    MASKGROW_MODEL_PARASITE);
  MgError       err      = { MG_STATUS_OK, "" };
  MgModel      *model    = NULL;
  gconstpointer data;
  guint32       size     = 0;

  if (parasite == NULL)
    return NULL;
  data = gimp_parasite_get_data (parasite, &size);
  if (mg_model_from_bytes (data, size, &model, &err) != MG_STATUS_OK)
    maskgrow_set_core_error (error, &err);
  gimp_parasite_free (parasite);
  return model;
}
