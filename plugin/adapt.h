/* adapt.h — GIMP drawables → the core: image pixels in MgImage layout
 * (outputs.h writes results back). */
#ifndef MASKGROW_ADAPT_H
#define MASKGROW_ADAPT_H

#include <libgimp/gimp.h>

/* The part of `drawable` inside the image canvas, in image coordinates.
 * FALSE if they do not overlap. */
gboolean  maskgrow_drawable_region (GimpDrawable  *drawable,
                                    GeglRectangle *region);

/* Reads `drawable` over `region` (image coordinates) as planar floats in
 * 0..1, data[(c * height + y) * width + x], the layout of MgImage.  Grey
 * drawables give 1 channel ("Y'"), RGB ones 3 ("R'G'B'"), in the image's
 * own colour space so the values are those of the file; alpha is ignored.
 * An RGB drawable whose pixels are all grey (R = G = B, e.g. a grey image
 * converted to RGB to paint colour hints) gives 1 channel, so it trains
 * the same model as the grey file.  Free with g_free.  NULL if there is
 * not enough memory. */
gfloat   *maskgrow_drawable_read   (GimpDrawable        *drawable,
                                    const GeglRectangle *region,
                                    gint                *channels);

/* Makes planar data (plane pixels) have `wanted` channels: RGB to grey
 * (luma) or grey to RGB (copies), so a model trained on grey pictures
 * segments colour ones and the other way round.  FALSE if it cannot (other
 * channel counts, no memory); data is then unchanged. */
gboolean  maskgrow_match_channels  (gfloat             **data,
                                    gint                *channels,
                                    gint                 wanted,
                                    gsize                plane);

#endif /* MASKGROW_ADAPT_H */
