/* inputs.c — reads the training data of a run (inputs.h). */
#include "inputs.h"

#include <math.h>

#include <glib/gi18n.h>

#include "adapt.h"
#include "hints.h"
#include "layers.h"

MaskgrowInputs *
maskgrow_inputs_new (void)
{
  MaskgrowInputs *inputs = g_new0 (MaskgrowInputs, 1);

  inputs->samples = g_array_new (FALSE, TRUE, sizeof (MgTrainSample));
  inputs->buffers = g_ptr_array_new_with_free_func (g_free);
  return inputs;
}

void
maskgrow_inputs_free (MaskgrowInputs *inputs)
{
  if (inputs == NULL)
    return;
  g_array_free (inputs->samples, TRUE);
  g_ptr_array_free (inputs->buffers, TRUE);
  g_free (inputs);
}

/* A hints or exact layer as a label map; *labels NULL if nothing is
 * painted over the region. */
static gboolean
read_labels (GimpLayer           *layer,
             const GeglRectangle *region,
             guint8             **labels,
             GError             **error)
{
  gsize n_painted = 0;

  *labels = maskgrow_hints_read (layer, region, &n_painted, error);
  if (*labels == NULL)
    return FALSE;
  if (n_painted == 0)
    g_clear_pointer (labels, g_free);
  return TRUE;
}

gboolean
maskgrow_inputs_add (MaskgrowInputs *inputs,
                     GimpLayer      *source,
                     GimpLayer      *hints,
                     GimpLayer      *exact,
                     GeglRectangle  *region_out,
                     GError        **error)
{
  GeglRectangle region;
  MgTrainSample sample = { { NULL, 0, 0, 0 }, NULL, NULL };
  guint8       *hint_map  = NULL;
  guint8       *exact_map = NULL;
  gint          channels;

  if (! maskgrow_drawable_region (GIMP_DRAWABLE (source), &region))
    {
      maskgrow_set_item_error (error, GIMP_ITEM (source),
                               _("The layer “%s” lies outside the canvas."));
      return FALSE;
    }
  if ((hints != NULL && ! read_labels (hints, &region, &hint_map, error)) ||
      (exact != NULL && ! read_labels (exact, &region, &exact_map, error)))
    {
      g_free (hint_map);
      return FALSE;
    }
  if (hint_map == NULL && exact_map == NULL)
    {
      maskgrow_set_item_error (error, GIMP_ITEM (hints != NULL ? hints : exact),
                               _("The hints layer “%s” is empty where the "
                                 "image is. Paint a few strokes of the "
                                 "Background colour and a rough blob inside "
                                 "some objects with a class colour."));
      return FALSE;
    }

  sample.image.data     = maskgrow_drawable_read (GIMP_DRAWABLE (source),
                                                  &region, &channels);
  if (sample.image.data == NULL)
    {
      maskgrow_set_item_error (error, GIMP_ITEM (source),
                               _("Not enough memory to read the layer “%s”: "
                                 "try a smaller image or layer."));
      g_free (hint_map);
      g_free (exact_map);
      return FALSE;
    }
  sample.image.channels = channels;
  sample.image.width    = region.width;
  sample.image.height   = region.height;
  sample.hints          = hint_map;
  sample.exact          = exact_map;
  g_ptr_array_add (inputs->buffers, (gpointer) sample.image.data);
  if (hint_map != NULL)
    g_ptr_array_add (inputs->buffers, hint_map);
  if (exact_map != NULL)
    g_ptr_array_add (inputs->buffers, exact_map);
  g_array_append_val (inputs->samples, sample);
  if (region_out != NULL)
    *region_out = region;
  return TRUE;
}

gboolean
maskgrow_inputs_add_open_images (MaskgrowInputs *inputs,
                                 GimpImage      *except,
                                 gint           *added,
                                 GError        **error)
{
  GimpImage **images = gimp_get_images ();
  gint        first_channels;
  gint        i;
  gboolean    ok = TRUE;

  *added = 0;
  g_return_val_if_fail (inputs->samples->len > 0, FALSE);
  first_channels = g_array_index (inputs->samples, MgTrainSample, 0)
                   .image.channels;

  for (i = 0; ok && images[i] != NULL; i++)
    {
      GimpImage *image = images[i];
      GimpLayer *hints, *exact, *source;

      if (gimp_image_get_id (image) == gimp_image_get_id (except))
        continue;
      hints = maskgrow_layer_by_name (image, MASKGROW_HINTS_LAYER_NAME);
      if (hints == NULL)
        continue;
      exact  = maskgrow_layer_by_name (image, MASKGROW_EXACT_LAYER_NAME);
      source = maskgrow_source_layer (image, GIMP_DRAWABLE (hints), hints,
                                      exact, error);
      ok = source != NULL &&
           maskgrow_inputs_add (inputs, source, hints, exact, NULL, error);
      if (ok &&
          g_array_index (inputs->samples, MgTrainSample,
                         inputs->samples->len - 1).image.channels !=
          first_channels)
        {
          gchar *name = gimp_image_get_name (image);

          g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                       _("The image “%s” is %s but this one is %s: all "
                         "images trained together must be grey or all "
                         "colour."),
                       name,
                       first_channels == 1 ? _("colour") : _("grey"),
                       first_channels == 1 ? _("grey") : _("colour"));
          g_free (name);
          ok = FALSE;
        }
      if (ok)
        (*added)++;
    }
  g_free (images);
  return ok;
}

guint8 *
maskgrow_inputs_thumbnail (const MaskgrowInputs *inputs,
                           gint                  max_side,
                           gint                 *width,
                           gint                 *height)
{
  const MgImage *im = &g_array_index (inputs->samples, MgTrainSample, 0).image;
  gdouble        f  = MAX (1.0, (gdouble) MAX (im->width, im->height) /
                                max_side);
  gsize          plane = (gsize) im->width * im->height;
  guint8        *rgb;
  gint           x, y, c;

  *width  = MAX (1, (gint) (im->width / f));
  *height = MAX (1, (gint) (im->height / f));
  rgb     = g_new (guint8, (gsize) *width * *height * 3);
  for (y = 0; y < *height; y++)
    for (x = 0; x < *width; x++)
      {
        /* Nearest sample: a preview, not a resampling. */
        gsize src = (gsize) MIN (im->height - 1, (gint) ((y + 0.5) * f)) *
                    im->width + MIN (im->width - 1, (gint) ((x + 0.5) * f));

        for (c = 0; c < 3; c++)
          {
            gfloat v = im->data[(im->channels == 1 ? 0 : c) * plane + src];

            rgb[((gsize) y * *width + x) * 3 + c] =
              (guint8) lroundf (CLAMP (v, 0.0f, 1.0f) * 255.0f);
          }
      }
  return rgb;
}
