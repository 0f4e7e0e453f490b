/* adapt.c — GIMP drawables → the core's planar float images.  Pixels
 * cross the pipe to GIMP in tiles, so reads go in row strips.
 */
#include "adapt.h"

#include <string.h>

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
  GeglBuffer *buffer;
  gfloat     *data   = g_try_new (gfloat, plane * n);
  gfloat     *strip;
  gint        ox, oy;
  gint        y0;

  if (data == NULL)
    return NULL;
  buffer = gimp_drawable_get_buffer (drawable);
  strip  = g_new (gfloat, (gsize) region->width * STRIP_ROWS * n);

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

gboolean
maskgrow_match_channels (gfloat **data,
                         gint    *channels,
                         gint     wanted,
                         gsize    plane)
{
  gfloat *in = *data;
  gfloat *out;
  gsize   i;

  if (*channels == wanted)
    return TRUE;
  if (! ((*channels == 3 && wanted == 1) || (*channels == 1 && wanted == 3)))
    return FALSE;
  out = g_try_new (gfloat, plane * wanted);
  if (out == NULL)
    return FALSE;
  if (wanted == 1)
    /* Rec. 709 luma of the (perceptual) values: what a grey version of
     * the picture would hold. */
    for (i = 0; i < plane; i++)
      out[i] = 0.2126f * in[i] + 0.7152f * in[plane + i] +
               0.0722f * in[2 * plane + i];
  else
    for (i = 0; i < 3; i++)
      memcpy (out + i * plane, in, plane * sizeof (gfloat));
  g_free (in);
  *data     = out;
  *channels = wanted;
  return TRUE;
}
