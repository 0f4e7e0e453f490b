/* components.h — connected components of a binary mask. */
#ifndef MG_COMPONENTS_H
#define MG_COMPONENTS_H

#include <stdint.h>

/* Labels the 4-connected (connectivity 4) or 8-connected (8) components of
 * mask != 0: label[i] = 1..count on the mask, 0 elsewhere, numbered in
 * raster order of their first pixel.  parent: scratch of width * height
 * int32.  Returns count. */
int32_t mg_components (int32_t *label, const uint8_t *mask, int width,
                       int height, int connectivity, int32_t *parent);

#endif /* MG_COMPONENTS_H */
