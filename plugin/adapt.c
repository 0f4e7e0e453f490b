/* adapt.c — GIMP drawables ↔ the core's planar float images and 8-bit label
 * maps.  Pixels cross the pipe to GIMP in tiles, so reads and writes go in
 * row strips: the only full-size buffers are the ones the core needs.
 */
#include "adapt.h"

#include <glib/gi18n.h>

#include "palette.h"

#define STRIP_ROWS 64

gboolean
maskgrow_drawable_region (GimpDrawable  *drawable,
                          GeglRectangle *region)
{
  GimpImage    *image = gimp_item_get_image (GIMP_ITEM (drawable));
  GeglRectangle canvas;
  GeglRectangle extent;

  gegl_rectangle_set (&canvas, 0, 0,
                      gimp_image_get_width (image),
                      gimp_image_get_height (image));
  gimp_drawable_get_offsets (drawable, &extent.x, &extent.y);
  extent.width  = gimp_drawable_get_width (drawable);
  extent.height = gimp_drawable_get_height (drawable);

  return gegl_rectangle_intersect (region, &canvas, &extent);
}

/* TRUE if the three planes of an RGB image are equal. */
static gboolean
planes_equal (const gfloat *data,
              gsize         plane)
{
  gsize i;

  for (i = 0; i < plane; i++)
    if (data[i] != data[plane + i] || data[i] != data[2 * plane + i])
      return FALSE;
  return TRUE;
}

gfloat *
maskgrow_drawable_read (GimpDrawable        *drawable,
                        const GeglRectangle *region,
                        gint                *channels)
{
  gboolean    grey   = gimp_drawable_is_gray (drawable);
  gint        n      = grey ? 1 : 3;
  const Babl *space  = gimp_drawable_get_format (drawable);
  const Babl *format = babl_format_with_space (grey ? "Y' float"
                                                    : "R'G'B' float", space);
  gsize       plane  = (gsize) region->width * region->height;
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);
  gfloat     *data   = g_new (gfloat, plane * n);
  gfloat     *strip  = g_new (gfloat, (gsize) region->width * STRIP_ROWS * n);
  gint        ox, oy;
  gint        y0;

  gimp_drawable_get_offsets (drawable, &ox, &oy);
  for (y0 = 0; y0 < region->height; y0 += STRIP_ROWS)
    {
      gint  rows = MIN (STRIP_ROWS, region->height - y0);
      gsize i;
      gint  c;

      gegl_buffer_get (buffer,
                       GEGL_RECTANGLE (region->x - ox, region->y + y0 - oy,
                                       region->width, rows),
                       1.0, format, strip,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      /* Interleaved strip → planar rows y0 .. y0 + rows. */
      for (c = 0; c < n; c++)
        {
          gfloat *dst = data + c * plane + (gsize) y0 * region->width;

          for (i = 0; i < (gsize) region->width * rows; i++)
            dst[i] = strip[i * n + c];
        }
    }
  g_free (strip);
  g_object_unref (buffer);

  if (n == 3 && planes_equal (data, plane))
    {
      n    = 1;
      data = g_renew (gfloat, data, plane);
    }
  *channels = n;
  return data;
}

static GimpChannel *
channel_new (GimpImage *image,
             gint       c)
{
  const MaskgrowPaletteEntry *entry = maskgrow_palette_class (c);
  GeglColor                  *color = gegl_color_new ("black");
  GimpChannel                *channel;
  gchar                      *name;

  gegl_color_set_pixel (color, babl_format ("R'G'B' u8"), entry->rgb);
  name    = g_strdup_printf (_("maskgrow: class %d"), c);
  channel = gimp_channel_new (image, name,
                              gimp_image_get_width (image),
                              gimp_image_get_height (image),
                              50.0, color);
  g_free (name);
  g_object_unref (color);
  return channel;
}

/* Writes the hard mask of class c over `region`; the rest of a new channel
 * is already 0. */
static void
channel_fill (GimpChannel         *channel,
              const GeglRectangle *region,
              const guint8        *labels,
              gint                 c)
{
  GeglBuffer *buffer = gimp_drawable_get_buffer (GIMP_DRAWABLE (channel));
  const Babl *format = babl_format ("Y u8");
  guint8     *strip  = g_new (guint8, (gsize) region->width * STRIP_ROWS);
  gint        y0;

  for (y0 = 0; y0 < region->height; y0 += STRIP_ROWS)
    {
      gint          rows = MIN (STRIP_ROWS, region->height - y0);
      const guint8 *src  = labels + (gsize) y0 * region->width;
      gsize         i;

      for (i = 0; i < (gsize) region->width * rows; i++)
        strip[i] = src[i] == c ? 255 : 0;
      gegl_buffer_set (buffer,
                       GEGL_RECTANGLE (region->x, region->y + y0,
                                       region->width, rows),
                       0, format, strip, GEGL_AUTO_ROWSTRIDE);
    }
  g_free (strip);
  g_object_unref (buffer);               /* flushes to GIMP */
  gimp_drawable_update (GIMP_DRAWABLE (channel),
                        region->x, region->y, region->width, region->height);
}

GimpChannel **
maskgrow_channels_add (GimpImage           *image,
                       const GeglRectangle *region,
                       const guint8        *labels,
                       gint                 classes)
{
  GimpChannel **channels = g_new0 (GimpChannel *, classes + 1);
  gint          c;

  /* Insert the last class first, so class 1 ends up on top. */
  gimp_image_freeze_channels (image);
  for (c = classes; c >= 1; c--)
    {
      channels[c - 1] = channel_new (image, c);
      gimp_image_insert_channel (image, channels[c - 1], NULL, 0);
      channel_fill (channels[c - 1], region, labels, c);
    }
  gimp_image_thaw_channels (image);
  return channels;
}

void
maskgrow_selection_set (GimpImage    *image,
                        GimpChannel **channels,
                        gint          n_channels)
{
  gint i;

  for (i = 0; i < n_channels; i++)
    gimp_image_select_item (image,
                            i == 0 ? GIMP_CHANNEL_OP_REPLACE
                                   : GIMP_CHANNEL_OP_ADD,
                            GIMP_ITEM (channels[i]));
}
