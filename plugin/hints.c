/* hints.c — hints layer → label map.
 *
 * The layer is read as 8-bit sRGB with alpha ("R'G'B'A u8" without the
 * image's space: palette colours are sRGB values, and a colour painted into
 * an image with another profile is stored converted, so reading back in
 * sRGB recovers the palette value).  Alpha < 128 = unknown; every other
 * pixel must match a palette entry (palette.c).  Rows are read in strips
 * so a large image needs little extra memory.
 */
#include "hints.h"
#include "layers.h"

#include <string.h>

#include <glib/gi18n.h>

#include "palette.h"

#define STRIP_ROWS 64

static void
set_colour_error (GError      **error,
                  GimpLayer    *layer,
                  const guint8 *rgba,
                  gint          x,
                  gint          y,
                  MaskgrowMatch match,
                  gint          nearest,
                  gint          second)
{
  gchar *name = gimp_item_get_name (GIMP_ITEM (layer));

  if (match == MASKGROW_MATCH_AMBIGUOUS)
    g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                 _("The layer “%s” has the colour #%02X%02X%02X at image "
                   "pixel (%d, %d), about as near to “%s” as to “%s”. "
                   "Paint hints only with the maskgrow palette colours."),
                 name, rgba[0], rgba[1], rgba[2], x, y,
                 gettext (maskgrow_palette[nearest].name),
                 gettext (maskgrow_palette[second].name));
  else
    g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                 _("The layer “%s” has the colour #%02X%02X%02X at image "
                   "pixel (%d, %d), which is not a maskgrow palette colour "
                   "(the nearest is “%s”). Paint hints only with the "
                   "maskgrow palette colours; transparent means unknown."),
                 name, rgba[0], rgba[1], rgba[2], x, y,
                 gettext (maskgrow_palette[nearest].name));
  g_free (name);
}

guint8 *
maskgrow_hints_read (GimpLayer           *layer,
                     const GeglRectangle *region,
                     gsize               *n_painted,
                     GError             **error)
{
  const Babl *format = babl_format ("R'G'B'A u8");
  GeglBuffer *buffer;
  guint8     *labels;
  guint8     *strip;
  gint        ox, oy;
  gint        y0;
  guint8      last_rgb[3] = { 0, 0, 0 };
  guint8      last_label  = 0;
  gboolean    have_last   = FALSE;

  *n_painted = 0;
  if (gimp_drawable_is_gray (GIMP_DRAWABLE (layer)))
    {
      maskgrow_set_item_error (error, GIMP_ITEM (layer),
                               _("The layer “%s” is greyscale, so it cannot "
                                 "hold the maskgrow palette colours. Convert "
                                 "the image to RGB (Image ▸ Mode ▸ RGB) and "
                                 "paint the hints in colour."));
      return NULL;
    }

  gimp_drawable_get_offsets (GIMP_DRAWABLE (layer), &ox, &oy);
  buffer = gimp_drawable_get_buffer (GIMP_DRAWABLE (layer));
  labels = g_malloc0 ((gsize) region->width * region->height);
  strip  = g_malloc ((gsize) region->width * STRIP_ROWS * 4);

  for (y0 = 0; y0 < region->height; y0 += STRIP_ROWS)
    {
      gint rows = MIN (STRIP_ROWS, region->height - y0);
      gint i;

      /* Layer coordinates; outside the layer the abyss is transparent. */
      gegl_buffer_get (buffer,
                       GEGL_RECTANGLE (region->x - ox, region->y + y0 - oy,
                                       region->width, rows),
                       1.0, format, strip,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);

      for (i = 0; i < region->width * rows; i++)
        {
          const guint8 *p = strip + 4 * i;
          gint          nearest, second;
          MaskgrowMatch match;

          if (p[3] < 128)
            continue;
          /* Strokes are mostly one colour: remember the last match. */
          if (! have_last || memcmp (p, last_rgb, 3) != 0)
            {
              match = maskgrow_palette_match (p, &nearest, &second);
              if (match != MASKGROW_MATCH_OK)
                {
                  set_colour_error (error, layer, p,
                                    region->x + i % region->width,
                                    region->y + y0 + i / region->width,
                                    match, nearest, second);
                  g_free (strip);
                  g_free (labels);
                  g_object_unref (buffer);
                  return NULL;
                }
              memcpy (last_rgb, p, 3);
              last_label = maskgrow_palette[nearest].label;
              have_last  = TRUE;
            }
          labels[(gsize) y0 * region->width + i] = last_label;
          (*n_painted)++;
        }
    }

  g_free (strip);
  g_object_unref (buffer);
  return labels;
}
