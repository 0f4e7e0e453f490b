/* proc-new-hints.c — plug-in-maskgrow-new-hints, Filters ▸ Segmentation ▸
 * New Hints Layer: everything a person needs to start painting hints — a
 * transparent "Hints" layer above the image layer (and an "Exact labels"
 * layer on request), the maskgrow palette in GIMP (made if missing) as
 * the active palette, and class 1 as the foreground colour.
 */
#include <glib/gi18n.h>

#include "layers.h"
#include "palette.h"
#include "procedures.h"

#define MASKGROW_PALETTE_NAME "maskgrow labels"

static GeglColor *
colour_of (const MaskgrowPaletteEntry *entry)
{
  GeglColor *colour = gegl_color_new ("black");

  gegl_color_set_pixel (colour, babl_format ("R'G'B' u8"), entry->rgb);
  return colour;
}

/* GIMP's palette "maskgrow labels" (resources/maskgrow.gpl, installed with
 * the plug-in; made here from the built-in table when missing, e.g. for a
 * plug-in copied into the user's folder). */
static GimpPalette *
palette_get (void)
{
  GimpPalette *palette = gimp_palette_get_by_name (MASKGROW_PALETTE_NAME);
  gint         i;

  if (palette != NULL)
    return palette;
  palette = gimp_palette_new (MASKGROW_PALETTE_NAME);
  if (palette == NULL)
    return NULL;
  gimp_palette_set_columns (palette, MASKGROW_PALETTE_SIZE);
  for (i = 0; i < MASKGROW_PALETTE_SIZE; i++)
    {
      GeglColor *colour = colour_of (&maskgrow_palette[i]);
      gint       index;

      /* Names in English: they are the names the hints layer reader and
       * other people's scripts see; the dialog shows them translated. */
      gimp_palette_add_entry (palette, maskgrow_palette[i].name, colour,
                              &index);
      g_object_unref (colour);
    }
  return palette;
}

static GimpLayer *
hints_layer_add (GimpImage   *image,
                 GimpLayer   *above,
                 const gchar *name)
{
  GimpLayer *layer = gimp_layer_new (image, name,
                                     gimp_image_get_width (image),
                                     gimp_image_get_height (image),
                                     GIMP_RGBA_IMAGE, 100.0,
                                     GIMP_LAYER_MODE_NORMAL);

  maskgrow_layer_insert_above (image, layer, above);
  /* New layers are filled with transparency: nothing painted yet. */
  gimp_drawable_fill (GIMP_DRAWABLE (layer), GIMP_FILL_TRANSPARENT);
  return layer;
}

static GimpValueArray *
new_hints_run (GimpProcedure        *procedure,
               GimpRunMode           run_mode,
               GimpImage            *image,
               GimpDrawable        **drawables,
               GimpProcedureConfig  *config,
               gpointer              run_data)
{
  GimpValueArray *values = NULL;
  GimpLayer      *above;
  GimpLayer      *hints;
  GimpLayer      *exact  = NULL;
  GimpPalette    *palette;
  GeglColor      *colour;
  GError         *error  = NULL;
  gboolean        with_exact = FALSE;

  gegl_init (NULL, NULL);
  if (! maskgrow_one_drawable (procedure, drawables, &values))
    return values;
  g_object_get (config, "exact", &with_exact, NULL);

  if (gimp_image_get_base_type (image) != GIMP_RGB)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("Hints are painted in colour, and this image is not "
                     "RGB: convert it first (Image ▸ Mode ▸ RGB). maskgrow "
                     "still segments it as a grey image."));
      return gimp_procedure_new_return_values (procedure,
                                               GIMP_PDB_EXECUTION_ERROR,
                                               error);
    }
  if (maskgrow_layer_by_name (image, MASKGROW_HINTS_LAYER_NAME) != NULL)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("This image already has a layer “%s”: paint on it, or "
                     "rename it to start new hints."),
                   MASKGROW_HINTS_LAYER_NAME);
      return gimp_procedure_new_return_values (procedure,
                                               GIMP_PDB_EXECUTION_ERROR,
                                               error);
    }

  if (with_exact &&
      maskgrow_layer_by_name (image, MASKGROW_EXACT_LAYER_NAME) != NULL)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("This image already has a layer “%s”: paint on it, or "
                     "rename it to start new hints."),
                   MASKGROW_EXACT_LAYER_NAME);
      return gimp_procedure_new_return_values (procedure,
                                               GIMP_PDB_EXECUTION_ERROR,
                                               error);
    }

  above = GIMP_LAYER (drawables[0]);
  gimp_image_undo_group_start (image);
  if (with_exact)
    exact = hints_layer_add (image, above, MASKGROW_EXACT_LAYER_NAME);
  hints = hints_layer_add (image, exact != NULL ? exact : above,
                           MASKGROW_HINTS_LAYER_NAME);
  {
    const GimpLayer *selected[2] = { hints, NULL };

    gimp_image_set_selected_layers (image, selected);
  }
  gimp_image_undo_group_end (image);

  /* Context, not image: outside undo. */
  palette = palette_get ();
  if (palette != NULL)
    gimp_context_set_palette (palette);
  colour = colour_of (maskgrow_palette_class (1));
  gimp_context_set_foreground (colour);
  g_object_unref (colour);

  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();
  values = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                             NULL);
  GIMP_VALUES_SET_LAYER (values, 1, hints);
  GIMP_VALUES_SET_LAYER (values, 2, exact);
  return values;
}

GimpProcedure *
maskgrow_new_hints_procedure (GimpPlugIn *plug_in)
{
  GimpProcedure *procedure;

  procedure = gimp_image_procedure_new (plug_in, MASKGROW_PROC_NEW_HINTS,
                                        GIMP_PDB_PROC_TYPE_PLUGIN,
                                        new_hints_run, NULL, NULL);
  gimp_procedure_set_image_types (procedure, "RGB*");
  gimp_procedure_set_sensitivity_mask (procedure,
                                       GIMP_PROCEDURE_SENSITIVE_DRAWABLE);
  gimp_procedure_set_menu_label (procedure, _("_New Hints Layer"));
  gimp_procedure_add_menu_path (procedure, MASKGROW_MENU);
  gimp_plug_in_add_menu_branch (plug_in, "<Image>/Filters",
                                _("Segmentation"));
  gimp_procedure_set_documentation
    (procedure,
     _("Add a layer to paint maskgrow hints on"),
     _("Adds a transparent layer \"Hints\" above the selected layer (and, "
       "if asked, \"Exact labels\" for exactly outlined objects), makes "
       "the maskgrow palette the active palette and its Class 1 colour "
       "the foreground colour.  Paint a rough blob inside some objects "
       "with a class colour, a few strokes of Background, then run "
       "Segment."),
     MASKGROW_PROC_NEW_HINTS);
  gimp_procedure_set_attribution (procedure, "maskgrow authors",
                                  "maskgrow authors", "2026");
  gimp_procedure_add_boolean_argument (procedure, "exact",
                                       _("Also an _exact labels layer"),
                                       _("Add a layer \"Exact labels\" too"),
                                       FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_layer_return_value (procedure, "hints",
                                         _("Hints layer"),
                                         _("The new hints layer"),
                                         FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_layer_return_value (procedure, "exact-layer",
                                         _("Exact labels layer"),
                                         _("The new exact labels layer, "
                                           "if asked for"),
                                         TRUE, G_PARAM_READWRITE);
  return procedure;
}
