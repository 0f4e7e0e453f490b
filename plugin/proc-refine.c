/* proc-refine.c — plug-in-maskgrow-refine, Filters ▸ Segmentation ▸ Refine
 * Selection…: the selection (or a channel) is a rough partial mask of one
 * or more objects; it comes back grown to their boundaries.
 *
 * With the model the last Segment (or Apply) run kept with the image, the
 * image is segmented with it; otherwise a quick model is trained on the
 * image with the selection as a rough blob of class 1 and every pixel
 * farther than `radius` from it as background.  The new selection is the
 * union of the objects found (instances, split along predicted gaps) that
 * the old one covers at least REFINE_MIN_COVER of (a rough blob covers a
 * good part of its object, a blob that spills over only a sliver of the
 * neighbour), plus the object that holds most of each selected blob.
 */
#include <math.h>

#include <glib/gi18n.h>

#include "maskgrow-core.h"
#include "target/components.h"
#include "target/edt.h"

#include "adapt.h"
#include "inputs.h"
#include "layers.h"
#include "models.h"
#include "options.h"
#include "outputs.h"
#include "procedures.h"
#include "training.h"

#define REFINE_MIN_COVER 0.1

/* Reads the mask (the selection, a channel or a layer mask) over region
 * (image coordinates): 1 where at least half selected, 0 also outside the
 * drawable.  *area = pixels set. */
static guint8 *
read_mask (GimpDrawable        *drawable,
           const GeglRectangle *region,
           gsize               *area)
{
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);
  gsize       n      = (gsize) region->width * region->height;
  guint8     *mask   = g_new (guint8, n);
  gint        ox, oy;
  gsize       i;

  /* A layer mask has its layer's offsets; channels have 0, 0. */
  gimp_drawable_get_offsets (drawable, &ox, &oy);
  gegl_buffer_get (buffer,
                   GEGL_RECTANGLE (region->x - ox, region->y - oy,
                                   region->width, region->height),
                   1.0, babl_format ("Y u8"), mask,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buffer);
  *area = 0;
  for (i = 0; i < n; i++)
    {
      mask[i] = mask[i] >= 128;
      *area  += mask[i];
    }
  return mask;
}

/* Euclidean distance to the nearest mask pixel (core/target/edt.h). */
static gfloat *
distance_to (const guint8 *mask,
             gint          w,
             gint          h)
{
  gfloat  *d       = g_new (gfloat, (gsize) w * h);
  gpointer scratch = g_malloc (mg_edt_scratch_size (w, h));

  mg_edt (d, mask, w, h, scratch);
  g_free (scratch);
  return d;
}

/* Hints for a quick model: the mask as class 1, background beyond
 * radius (0 = twice the radius of a disc of the mask's area). */
static guint8 *
quick_hints (const guint8 *mask,
             gsize         area,
             gint          w,
             gint          h,
             gdouble       radius)
{
  gfloat *d     = distance_to (mask, w, h);
  guint8 *hints = g_new0 (guint8, (gsize) w * h);
  gsize   i;

  gfloat  far   = 0;

  if (radius <= 0)
    radius = MAX (8.0, 2.0 * sqrt (area / G_PI));
  for (i = 0; i < (gsize) w * h; i++)
    far = MAX (far, d[i]);
  /* A selection that leaves nothing beyond the radius: the farther half
   * of what is left is background. */
  if (far <= radius)
    radius = far / 2;
  for (i = 0; i < (gsize) w * h; i++)
    if (mask[i])
      hints[i] = MG_LABEL_BACKGROUND + 1;
    else if (d[i] > radius)
      hints[i] = MG_LABEL_BACKGROUND;
  g_free (d);
  return hints;
}

/* The objects to select: every instance the mask covers at least
 * REFINE_MIN_COVER of, and for every blob of the mask the instance that
 * holds most of it (so a small blob in an object the network merged with
 * a neighbour still selects it).  Returns a 0/1 map; *kept = objects. */
static guint8 *
covered_objects (const guint32 *instances,
                 guint32        count,
                 const guint8  *mask,
                 gint           w,
                 gint           h,
                 guint32       *kept)
{
  gsize       n       = (gsize) w * h;
  guint32    *area    = g_new0 (guint32, count + 1);
  guint32    *covered = g_new0 (guint32, count + 1);
  gint32     *blob    = g_new (gint32, n);
  gint32     *scratch = g_new (gint32, n);
  /* The 4-connected pieces (blobs) of the mask, 1..blobs. */
  guint32     blobs   = (guint32) mg_components (blob, mask, w, h, 4,
                                                 scratch);
  GHashTable *pairs   = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint32    *best    = g_new0 (guint32, blobs + 1);
  guint32    *best_n  = g_new0 (guint32, blobs + 1);
  gint64     *keys    = g_new (gint64, n);
  guint8     *out     = g_new0 (guint8, n);
  gboolean   *keep    = g_new0 (gboolean, count + 1);
  gsize       i;
  guint32     k;

  for (i = 0; i < n; i++)
    {
      area[instances[i]]++;
      covered[instances[i]] += mask[i];
      if (mask[i] && instances[i] != 0)
        {
          /* Pixels of blob b on instance k, counted under key (b, k). */
          guint32 c;

          keys[i] = (gint64) blob[i] * (count + 1) + instances[i];
          c = GPOINTER_TO_UINT (g_hash_table_lookup (pairs, &keys[i])) + 1;
          g_hash_table_insert (pairs, &keys[i], GUINT_TO_POINTER (c));
          if (c > best_n[blob[i]])
            {
              best_n[blob[i]] = c;
              best[blob[i]]   = instances[i];
            }
        }
    }
  for (k = 1; k <= count; k++)
    keep[k] = covered[k] > 0 && covered[k] >= REFINE_MIN_COVER * area[k];
  for (k = 1; k <= blobs; k++)
    keep[best[k]] = best[k] != 0;
  *kept = 0;
  for (k = 1; k <= count; k++)
    *kept += keep[k];
  for (i = 0; i < n; i++)
    out[i] = keep[instances[i]] && instances[i] != 0;

  g_hash_table_destroy (pairs);
  g_free (keep);
  g_free (keys);
  g_free (best_n);
  g_free (best);
  g_free (scratch);
  g_free (blob);
  g_free (area);
  g_free (covered);
  return out;
}

static GimpValueArray *
refine_run (GimpProcedure        *procedure,
            GimpRunMode           run_mode,
            GimpImage            *image,
            GimpDrawable        **drawables,
            GimpProcedureConfig  *config,
            gpointer              run_data)
{
  MaskgrowTraining training;
  GimpChannel    *channel = NULL;
  GimpLayer      *source;
  GimpValueArray *values  = NULL;
  GError         *error   = NULL;
  GeglRectangle   region;
  MgImage         pixels  = { NULL, 0, 0, 0 };
  MgError         err     = { MG_STATUS_OK, "" };
  MgModel        *model   = NULL;
  gfloat         *data    = NULL;
  guint8         *mask    = NULL;
  guint8         *labels  = NULL;
  guint8         *grown   = NULL;
  guint32        *instances = NULL;
  guint32         count   = 0;
  guint32         kept    = 0;
  gsize           area, n;
  gint64          last    = 0;
  gdouble         radius  = 0;
  gboolean        use_model = TRUE;

  gegl_init (NULL, NULL);
  if (! maskgrow_one_drawable (procedure, drawables, &values))
    return values;
  if (run_mode == GIMP_RUN_INTERACTIVE &&
      ! maskgrow_procedure_dialog (procedure, config,
                                   _("Refine the Selection")))
    return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                             NULL);
  if (! maskgrow_options_get_training (config, &training, &error))
    return gimp_procedure_new_return_values (procedure,
                                             GIMP_PDB_CALLING_ERROR, error);
  g_object_get (config, "channel", &channel, "radius", &radius,
                "use-model", &use_model, NULL);

  source = GIMP_LAYER (drawables[0]);
  if (! maskgrow_drawable_region (GIMP_DRAWABLE (source), &region))
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("The image layer lies outside the canvas."));
      goto out;
    }
  if (channel != NULL &&
      gimp_image_get_id (gimp_item_get_image (GIMP_ITEM (channel))) !=
      gimp_image_get_id (image))
    {
      maskgrow_set_item_error (&error, GIMP_ITEM (channel),
                               _("The channel “%s” belongs to another "
                                 "image."));
      goto out;
    }
  n    = (gsize) region.width * region.height;
  mask = read_mask (channel != NULL
                    ? GIMP_DRAWABLE (channel)
                    : GIMP_DRAWABLE (gimp_image_get_selection (image)),
                    &region, &area);
  if (area == 0)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("Nothing is selected over the image layer: select a "
                     "rough part of one or more objects first."));
      goto out;
    }
  if (area == n)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("The whole image layer is selected: select a rough "
                     "part of one or more objects, not everything."));
      goto out;
    }

  if (use_model)
    model = maskgrow_model_from_image (image, &error);
  if (error != NULL)
    goto out;
  data = maskgrow_drawable_read (GIMP_DRAWABLE (source), &region,
                                 &pixels.channels);
  if (data == NULL)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("Not enough memory: try a smaller image or layer."));
      goto out;
    }
  /* The image's model may come from grey or colour pictures: convert. */
  if (model != NULL)
    maskgrow_match_channels (&data, &pixels.channels,
                             mg_model_channels (model), n);
  pixels.data   = data;
  pixels.width  = region.width;
  pixels.height = region.height;
  if (model != NULL && mg_model_channels (model) != pixels.channels)
    g_clear_pointer (&model, mg_model_free);   /* kept for another kind */

  if (model == NULL)
    {
      MaskgrowInputs *inputs = maskgrow_inputs_new ();
      MgTrainSample   sample = { pixels, NULL, NULL };

      sample.hints = quick_hints (mask, area, region.width, region.height,
                                  radius);
      g_ptr_array_add (inputs->buffers, (gpointer) sample.hints);
      g_array_append_val (inputs->samples, sample);
      model = maskgrow_train (inputs, &training, &error);
      maskgrow_inputs_free (inputs);
      if (model == NULL)
        goto out;
    }

  labels    = g_new (guint8, n);
  instances = g_new (guint32, n);
  gimp_progress_init (_("maskgrow: segmenting"));
  if (mg_segment_all (model, &pixels, labels, NULL, instances, &count, TRUE,
                      maskgrow_segment_progress_cb, &last, &err) != MG_STATUS_OK)
    {
      maskgrow_set_core_error (&error, &err);
      goto out;
    }
  grown = covered_objects (instances, count, mask, region.width,
                           region.height, &kept);
  if (kept > 0)
    {
      gimp_image_undo_group_start (image);
      maskgrow_selection_from_mask (image, &region, grown,
                                    MASKGROW_SELECTION_REPLACE);
      gimp_image_undo_group_end (image);
    }
  else if (run_mode == GIMP_RUN_INTERACTIVE)
    gimp_message (_("maskgrow found no object under the selection; the "
                    "selection is unchanged."));

 out:
  gimp_progress_end ();
  g_free (grown);
  g_free (instances);
  g_free (labels);
  g_free (data);
  g_free (mask);
  mg_model_free (model);
  g_clear_object (&channel);
  if (error != NULL)
    return gimp_procedure_new_return_values (procedure,
                                             GIMP_PDB_EXECUTION_ERROR, error);
  values = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                             NULL);
  GIMP_VALUES_SET_INT (values, 1, (gint) kept);
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();
  return values;
}

GimpProcedure *
maskgrow_refine_procedure (GimpPlugIn *plug_in)
{
  GimpProcedure *procedure;

  procedure = gimp_image_procedure_new (plug_in, MASKGROW_PROC_REFINE,
                                        GIMP_PDB_PROC_TYPE_PLUGIN,
                                        refine_run, NULL, NULL);
  gimp_procedure_set_image_types (procedure, "RGB*, GRAY*");
  gimp_procedure_set_sensitivity_mask (procedure,
                                       GIMP_PROCEDURE_SENSITIVE_DRAWABLE);
  gimp_procedure_set_menu_label (procedure, _("_Refine Selection..."));
  gimp_procedure_add_menu_path (procedure, MASKGROW_MENU);
  gimp_procedure_set_documentation
    (procedure,
     _("Grow a rough selection to the object boundaries"),
     _("The selection (or a chosen channel) marks a rough part of one or "
       "more objects; it is replaced by the whole objects, found with the "
       "model kept with the image by the last Segment run, or else with a "
       "quick model trained on this image (pixels farther than the radius "
       "from the selection count as background).  Returns the number of "
       "objects selected."),
     MASKGROW_PROC_REFINE);
  gimp_procedure_set_attribution (procedure, "maskgrow authors",
                                  "maskgrow authors", "2026");

  gimp_procedure_add_channel_argument (procedure, "channel",
                                       _("_Channel"),
                                       _("The rough mask; none = the "
                                         "selection"),
                                       TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_double_argument (procedure, "radius",
                                      _("Back_ground beyond (px)"),
                                      _("Quick model: pixels farther than "
                                        "this from the selection are "
                                        "background; 0 = twice the radius "
                                        "of the selected area"),
                                      0.0, 100000.0, 0.0, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "use-model",
                                       _("Use the image's _model"),
                                       _("Use the model the last Segment "
                                         "run kept with the image, if any"),
                                       TRUE, G_PARAM_READWRITE);
  maskgrow_options_add_training (procedure, "fast");
  gimp_procedure_add_int_return_value (procedure, "objects", _("Objects"),
                                       _("Number of objects selected"),
                                       0, G_MAXINT, 0, G_PARAM_READWRITE);
  return procedure;
}
