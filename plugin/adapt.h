/* adapt.h — GIMP drawables ↔ the core: image pixels in (MgImage layout),
 * label maps out as channels and the selection. */
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
 * the same model as the grey file.  Free with g_free. */
gfloat   *maskgrow_drawable_read   (GimpDrawable        *drawable,
                                    const GeglRectangle *region,
                                    gint                *channels);

/* Adds one channel per object class 1..classes, "maskgrow: class c", of the
 * image's size: 255 where labels (region-sized, 0 = background, c = class
 * c) is c, 0 elsewhere; inserted at the top of the channel list in class
 * order.  Does not touch the selection or open an undo group.  Returns the
 * channels (classes of them, owned by the image); free the array with
 * g_free. */
GimpChannel **maskgrow_channels_add (GimpImage           *image,
                                     const GeglRectangle *region,
                                     const guint8        *labels,
                                     gint                 classes);

/* Replaces the selection with the union of `channels`. */
void      maskgrow_selection_set   (GimpImage    *image,
                                    GimpChannel **channels,
                                    gint          n_channels);

#endif /* MASKGROW_ADAPT_H */
