/* hints.h — a hints (or exact labels) layer painted with the maskgrow
 * palette → an 8-bit label map for the core. */
#ifndef MASKGROW_HINTS_H
#define MASKGROW_HINTS_H

#include <libgimp/gimp.h>

/* Reads `layer` over `region` (image coordinates; the layer may have another
 * size and offsets: pixels outside it are unknown) into a new
 * region->width * region->height label map (maskgrow-core.h: 0 unknown,
 * 1 background, c + 1 class c, 255 separation).  Pixels with alpha < 50 %
 * are unknown.  *n_painted gets the number of known pixels.  Returns NULL
 * and sets `error` on a colour that is not in the palette (naming the layer,
 * the colour and the pixel) or on a greyscale layer.  Free with g_free. */
guint8 *maskgrow_hints_read (GimpLayer           *layer,
                             const GeglRectangle *region,
                             gsize               *n_painted,
                             GError             **error);

#endif /* MASKGROW_HINTS_H */
