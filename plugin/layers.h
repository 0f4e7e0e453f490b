/* layers.h — which layers the segment procedure reads: the hints layer, the
 * exact labels layer and the image layer. */
#ifndef MASKGROW_LAYERS_H
#define MASKGROW_LAYERS_H

#include <libgimp/gimp.h>

/* Names of the layers used when the arguments are left empty.  Not
 * translated: scripts and the (later) New Hints Layer procedure rely on
 * them; the translated name is tried as well. */
#define MASKGROW_HINTS_LAYER_NAME "Hints"
#define MASKGROW_EXACT_LAYER_NAME "Exact labels"

/* The layer named name (or its translation), or NULL. */
GimpLayer *maskgrow_layer_by_name (GimpImage   *image,
                                   const gchar *name);

/* The layer whose pixels are segmented: `selected`, unless it is the hints
 * or exact layer; then the topmost visible other layer below it (or below
 * the groups it is in).  Never a
 * layer that is or contains hints or exact.  NULL + error if none. */
GimpLayer *maskgrow_source_layer  (GimpImage    *image,
                                   GimpDrawable *selected,
                                   GimpLayer    *hints,
                                   GimpLayer    *exact,
                                   GError      **error);

/* Inserts the new layer `layer` just above `above`, in the same group. */
void       maskgrow_layer_insert_above (GimpImage *image,
                                        GimpLayer *layer,
                                        GimpLayer *above);

/* Sets error to the translated `format`, whose one conversion is a %s for
 * the item's name (every message about a layer names it). */
void       maskgrow_set_item_error (GError     **error,
                                    GimpItem    *item,
                                    const gchar *format);

#endif /* MASKGROW_LAYERS_H */
