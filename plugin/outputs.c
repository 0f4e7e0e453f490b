/* outputs.c — writes a segmentation into the image (outputs.h).
 *
 * Every item is new and written through gimp_drawable_get_buffer (allowed
 * for items made in this run, guide §7) in row strips, so only the core's
 * full-size maps exist at once.  Label and instance layers cover just the
 * segmented region, offset to it; channels and the layer mask have the
 * size of their image / layer, 0 outside the region.
 */
#include "outputs.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "layers.h"
#include "palette.h"

#define STRIP_ROWS 64

/* Fills `rows` rows (from row y0 of the region) of a strip in the
 * drawable's write format. */
typedef void (*FillFn) (guint8       *strip,
                        gint          y0,
                        gint          rows,
                        const MaskgrowResult *result,
                        gconstpointer data);

/* Writes the region through fill; (dx, dy) = the drawable's offsets. */
static void
write_drawable (GimpDrawable         *drawable,
                const Babl           *format,
                const MaskgrowResult *result,
                FillFn                fill,
                gconstpointer         data)
{
  const GeglRectangle *r      = &result->region;
  GeglBuffer          *buffer = gimp_drawable_get_buffer (drawable);
  gint                 bpp    = babl_format_get_bytes_per_pixel (format);
  guint8              *strip  = g_malloc ((gsize) r->width * STRIP_ROWS * bpp);
  gint                 dx, dy, y0;

  gimp_drawable_get_offsets (drawable, &dx, &dy);
  for (y0 = 0; y0 < r->height; y0 += STRIP_ROWS)
    {
      gint rows = MIN (STRIP_ROWS, r->height - y0);

      fill (strip, y0, rows, result, data);
      gegl_buffer_set (buffer,
                       GEGL_RECTANGLE (r->x - dx, r->y + y0 - dy,
                                       r->width, rows),
                       0, format, strip, GEGL_AUTO_ROWSTRIDE);
    }
  g_free (strip);
  g_object_unref (buffer);               /* flushes to GIMP */
  gimp_drawable_update (drawable, r->x - dx, r->y - dy, r->width, r->height);
}

static gsize
row_start (const MaskgrowResult *result,
           gint                  y0)
{
  return (gsize) y0 * result->region.width;
}

/* data = the class (GINT_TO_POINTER); 255 on it, 0 elsewhere. */
static void
fill_class_mask (guint8 *strip, gint y0, gint rows,
                 const MaskgrowResult *result, gconstpointer data)
{
  const guint8 *src = result->labels + row_start (result, y0);
  guint8        c   = (guint8) GPOINTER_TO_INT (data);
  gsize         i;

  for (i = 0; i < (gsize) result->region.width * rows; i++)
    strip[i] = src[i] == c ? 255 : 0;
}

/* 255 on every object, 0 on the background. */
static void
fill_objects (guint8 *strip, gint y0, gint rows,
              const MaskgrowResult *result, gconstpointer data)
{
  const guint8 *src = result->labels + row_start (result, y0);
  gsize         i;

  for (i = 0; i < (gsize) result->region.width * rows; i++)
    strip[i] = src[i] != 0 ? 255 : 0;
}

/* data = the class; its probability as "Y float". */
static void
fill_class_prob (guint8 *strip, gint y0, gint rows,
                 const MaskgrowResult *result, gconstpointer data)
{
  gsize         plane = (gsize) result->region.width * result->region.height;
  gint          c     = GPOINTER_TO_INT (data);
  const gfloat *src   = result->prob + c * plane + row_start (result, y0);

  memcpy (strip, src, (gsize) result->region.width * rows * sizeof (gfloat));
}

/* Colours of a label or instance layer: entry[v] for map value v (the
 * class, or the instance when by_instance), bpp bytes each (RGBA or grey
 * + alpha), entry 0 transparent. */
typedef struct
{
  guint8 (*colours)[4];
  gint     bpp;
  gboolean by_instance;
} Colours;

static void
fill_colours (guint8 *strip, gint y0, gint rows,
              const MaskgrowResult *result, gconstpointer data)
{
  const Colours *c     = data;
  gsize          start = row_start (result, y0);
  gsize          i;

  for (i = 0; i < (gsize) result->region.width * rows; i++)
    memcpy (strip + c->bpp * i,
            c->colours[c->by_instance ? result->instances[start + i]
                                      : result->labels[start + i]],
            c->bpp);
}

/* Hue h, saturation s, value v (0..1) as sRGB u8, converted by babl. */
static void
hsv_to_rgb (gdouble h, gdouble s, gdouble v, guint8 rgb[3])
{
  gfloat hsv[3] = { (gfloat) h, (gfloat) s, (gfloat) v };

  babl_process (babl_fish (babl_format ("HSV float"),
                           babl_format ("R'G'B' u8")),
                hsv, rgb, 1);
}

gboolean
maskgrow_outputs_check (GimpLayer             *source,
                        const MaskgrowOutputs *outputs,
                        GError               **error)
{
  if (outputs->selection == MASKGROW_SELECTION_NONE &&
      outputs->channels == MASKGROW_CHANNELS_NONE &&
      ! outputs->layer_mask && ! outputs->label_layer &&
      ! outputs->instance_layer)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("Choose at least one output: the selection, channels, "
                     "a layer mask, a label layer or an instance layer."));
      return FALSE;
    }
  if (outputs->layer_mask && gimp_layer_get_mask (source) != NULL)
    {
      maskgrow_set_item_error (error, GIMP_ITEM (source),
                               _("The layer “%s” already has a layer mask. "
                                 "Apply or delete it, or choose another "
                                 "output."));
      return FALSE;
    }
  return TRUE;
}

static GimpChannel *
channel_new (GimpImage   *image,
             gint         c,
             const gchar *format)
{
  const MaskgrowPaletteEntry *entry = maskgrow_palette_class (c);
  GeglColor                  *color = gegl_color_new ("black");
  GimpChannel                *channel;
  gchar                      *name;

  gegl_color_set_pixel (color, babl_format ("R'G'B' u8"), entry->rgb);
  name    = g_strdup_printf (format, c);
  channel = gimp_channel_new (image, name,
                              gimp_image_get_width (image),
                              gimp_image_get_height (image),
                              50.0, color);
  g_free (name);
  g_object_unref (color);
  return channel;
}

/* One channel per class, class 1 on top of the channel list. */
static GimpChannel *
channels_add (GimpImage             *image,
              const MaskgrowResult  *result,
              MaskgrowChannelOutput  kind)
{
  GimpChannel *first = NULL;
  gint         c;

  for (c = result->classes; c >= 1; c--)
    {
      GimpChannel *channel;

      if (kind == MASKGROW_CHANNELS_PROBABILITY)
        {
          channel = channel_new (image, c, _("maskgrow: class %d probability"));
          gimp_image_insert_channel (image, channel, NULL, 0);
          /* Linear "Y": a channel value is a selection strength, and the
           * selection is linear (guide §7). */
          write_drawable (GIMP_DRAWABLE (channel), babl_format ("Y float"),
                          result, fill_class_prob, GINT_TO_POINTER (c));
        }
      else
        {
          channel = channel_new (image, c, _("maskgrow: class %d"));
          gimp_image_insert_channel (image, channel, NULL, 0);
          write_drawable (GIMP_DRAWABLE (channel), babl_format ("Y u8"),
                          result, fill_class_mask, GINT_TO_POINTER (c));
        }
      first = channel;
    }
  return first;
}

void
maskgrow_selection_from_mask (GimpImage               *image,
                              const GeglRectangle     *region,
                              const guint8            *mask,
                              MaskgrowSelectionOutput  op)
{
  MaskgrowResult result = { *region, 1, mask, NULL, NULL, 0 };
  GimpLayer    **selected = gimp_image_get_selected_layers (image);
  GimpChannel   *temp;
  GeglColor     *black = gegl_color_new ("black");

  /* A selection is made from an item of the image: a temporary channel,
   * removed again (inside the caller's undo group, if any). */
  temp = gimp_channel_new (image, "maskgrow", gimp_image_get_width (image),
                           gimp_image_get_height (image), 50.0, black);
  g_object_unref (black);
  gimp_image_insert_channel (image, temp, NULL, 0);
  write_drawable (GIMP_DRAWABLE (temp), babl_format ("Y u8"), &result,
                  fill_objects, NULL);
  gimp_image_select_item (image,
                          op == MASKGROW_SELECTION_ADD ? GIMP_CHANNEL_OP_ADD
                                                       : GIMP_CHANNEL_OP_REPLACE,
                          GIMP_ITEM (temp));
  gimp_image_remove_channel (image, temp);
  gimp_image_set_selected_layers (image, (const GimpLayer **) selected);
  g_free (selected);
}

static void
layer_mask_add (GimpLayer            *source,
                const MaskgrowResult *result)
{
  GimpLayerMask *mask = gimp_layer_create_mask (source, GIMP_ADD_MASK_BLACK);

  gimp_layer_add_mask (source, mask);
  write_drawable (GIMP_DRAWABLE (mask), babl_format ("Y u8"), result,
                  fill_objects, NULL);
}

/* A new layer over the region, inserted just above source. */
static GimpLayer *
layer_new_above (GimpImage            *image,
                 GimpLayer            *source,
                 const gchar          *name,
                 const MaskgrowResult *result)
{
  gboolean   grey = gimp_image_get_base_type (image) != GIMP_RGB;
  GimpLayer *layer;

  layer = gimp_layer_new (image, name, result->region.width,
                          result->region.height,
                          grey ? GIMP_GRAYA_IMAGE : GIMP_RGBA_IMAGE,
                          100.0, GIMP_LAYER_MODE_NORMAL);
  maskgrow_layer_insert_above (image, layer, source);
  gimp_layer_set_offsets (layer, result->region.x, result->region.y);
  return layer;
}

static GimpLayer *
label_layer_add (GimpImage            *image,
                 GimpLayer            *source,
                 const MaskgrowResult *result)
{
  gboolean   grey = gimp_image_get_base_type (image) != GIMP_RGB;
  Colours    colours = { g_malloc0 (4 * ((gsize) result->classes + 1)),
                         grey ? 2 : 4, FALSE };
  GimpLayer *layer;
  gint       c;

  for (c = 1; c <= result->classes; c++)
    if (grey)
      {
        /* Grey images cannot hold the palette: class c as an evenly
         * spaced grey level. */
        colours.colours[c][0] = (guint8) (255 * c / result->classes);
        colours.colours[c][1] = 255;
      }
    else
      {
        memcpy (colours.colours[c], maskgrow_palette_class (c)->rgb, 3);
        colours.colours[c][3] = 255;
      }
  layer = layer_new_above (image, source, _("maskgrow labels"), result);
  write_drawable (GIMP_DRAWABLE (layer),
                  babl_format (grey ? "Y'A u8" : "R'G'B'A u8"),
                  result, fill_colours, &colours);
  g_free (colours.colours);
  return layer;
}

static GimpLayer *
instance_layer_add (GimpImage            *image,
                    GimpLayer            *source,
                    const MaskgrowResult *result)
{
  gboolean   grey = gimp_image_get_base_type (image) != GIMP_RGB;
  Colours    colours = { g_malloc0 (4 * ((gsize) result->count + 1)),
                         grey ? 2 : 4, TRUE };
  GimpLayer *layer;
  gchar     *name;
  guint32    n;

  for (n = 1; n <= result->count; n++)
    {
      /* Hues a golden angle apart: objects numbered one after the other
       * (often neighbours in the image) differ clearly. */
      gdouble h = fmod (n * 0.618033988749895, 1.0);

      if (grey)
        {
          colours.colours[n][0] = (guint8) (64 + (n * 97) % 192);
          colours.colours[n][1] = 255;
        }
      else
        {
          hsv_to_rgb (h, n % 2 ? 0.75 : 0.5, n % 3 ? 0.95 : 0.75,
                      colours.colours[n]);
          colours.colours[n][3] = 255;
        }
    }
  name  = g_strdup_printf (_("maskgrow objects (%u)"), result->count);
  layer = layer_new_above (image, source, name, result);
  g_free (name);
  write_drawable (GIMP_DRAWABLE (layer),
                  babl_format (grey ? "Y'A u8" : "R'G'B'A u8"),
                  result, fill_colours, &colours);
  g_free (colours.colours);
  return layer;
}

void
maskgrow_outputs_write (GimpImage             *image,
                        GimpLayer             *source,
                        const MaskgrowOutputs *outputs,
                        const MaskgrowResult  *result,
                        MaskgrowWritten       *written)
{
  GimpLayer **selected = gimp_image_get_selected_layers (image);

  written->mask      = NULL;
  written->labels    = NULL;
  written->instances = NULL;

  gimp_image_undo_group_start (image);
  if (outputs->channels != MASKGROW_CHANNELS_NONE &&
      (outputs->channels != MASKGROW_CHANNELS_PROBABILITY ||
       result->prob != NULL))
    {
      gimp_image_freeze_channels (image);
      written->mask = channels_add (image, result, outputs->channels);
      gimp_image_thaw_channels (image);
    }
  if (outputs->selection != MASKGROW_SELECTION_NONE)
    maskgrow_selection_from_mask (image, &result->region, result->labels,
                                  outputs->selection);
  if (outputs->layer_mask)
    layer_mask_add (source, result);
  if (outputs->label_layer || outputs->instance_layer)
    {
      gimp_image_freeze_layers (image);
      /* Each goes just above the image layer, so the last one made is
       * lowest: the instance layer (the finer one) ends up on top. */
      if (outputs->instance_layer && result->instances != NULL)
        written->instances = instance_layer_add (image, source, result);
      if (outputs->label_layer)
        written->labels = label_layer_add (image, source, result);
      gimp_image_thaw_layers (image);
    }
  /* New channels and layers become the selected items: give the person
   * back the layers they were working on. */
  gimp_image_set_selected_layers (image, (const GimpLayer **) selected);
  gimp_image_undo_group_end (image);
  g_free (selected);
}
