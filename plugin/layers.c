/* layers.c — choosing the layers the segment procedure reads.
 *
 * The image data must never include the hints: if the person runs the
 * filter with the hints (or exact) layer selected, the image comes from the
 * first visible layer below it, and a group holding the hints is refused.
 */
#include "layers.h"

#include <glib/gi18n.h>

void
maskgrow_set_item_error (GError     **error,
                         GimpItem    *item,
                         const gchar *format)
{
  gchar *name = gimp_item_get_name (item);

  g_set_error (error, GIMP_PLUG_IN_ERROR, 0, format, name);
  g_free (name);
}

GimpLayer *
maskgrow_layer_by_name (GimpImage   *image,
                        const gchar *name)
{
  GimpLayer *layer = gimp_image_get_layer_by_name (image, name);

  if (layer == NULL && g_strcmp0 (gettext (name), name) != 0)
    layer = gimp_image_get_layer_by_name (image, gettext (name));
  return layer;
}

/* TRUE if item is `other` or one of its ancestors is. */
static gboolean
is_or_inside (GimpItem  *item,
              GimpLayer *other)
{
  if (other == NULL)
    return FALSE;
  for (; item != NULL; item = gimp_item_get_parent (item))
    if (gimp_item_get_id (item) == gimp_item_get_id (GIMP_ITEM (other)))
      return TRUE;
  return FALSE;
}

/* TRUE if `group` is a group holding `layer` somewhere inside. */
static gboolean
contains (GimpItem  *group,
          GimpLayer *layer)
{
  GimpItem *parent;

  if (layer == NULL)
    return FALSE;
  for (parent = gimp_item_get_parent (GIMP_ITEM (layer)); parent != NULL;
       parent = gimp_item_get_parent (parent))
    if (gimp_item_get_id (parent) == gimp_item_get_id (group))
      return TRUE;
  return FALSE;
}

static gboolean
usable (GimpItem  *item,
        GimpLayer *hints,
        GimpLayer *exact)
{
  return ! is_or_inside (item, hints) && ! is_or_inside (item, exact) &&
         ! contains (item, hints) && ! contains (item, exact);
}

/* The topmost visible usable layer below `layer` among its siblings. */
static GimpLayer *
visible_below (GimpImage *image,
               GimpLayer *layer,
               GimpLayer *hints,
               GimpLayer *exact)
{
  GimpItem  *parent = gimp_item_get_parent (GIMP_ITEM (layer));
  GimpItem **items;
  GimpLayer *found  = NULL;
  gboolean   below  = FALSE;
  gint       i;

  items = parent != NULL ? gimp_item_get_children (parent)
                         : (GimpItem **) gimp_image_get_layers (image);
  for (i = 0; items[i] != NULL && found == NULL; i++)
    {
      if (gimp_item_get_id (items[i]) == gimp_item_get_id (GIMP_ITEM (layer)))
        below = TRUE;
      else if (below && gimp_item_get_visible (items[i]) &&
               usable (items[i], hints, exact))
        found = GIMP_LAYER (items[i]);
    }
  g_free (items);
  return found;
}

GimpLayer *
maskgrow_source_layer (GimpImage    *image,
                       GimpDrawable *selected,
                       GimpLayer    *hints,
                       GimpLayer    *exact,
                       GError      **error)
{
  GimpItem  *item = GIMP_ITEM (selected);
  GimpLayer *layer;

  if (! gimp_item_is_layer (item))
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("Select the layer that holds the image to segment "
                     "(not a channel or a layer mask)."));
      return NULL;
    }
  if (usable (item, hints, exact))
    return GIMP_LAYER (selected);

  if (contains (item, hints) || contains (item, exact))
    {
      maskgrow_set_item_error (error, item,
                               _("The layer group “%s” contains the hints "
                                 "layer, so its pixels cannot be the image. "
                                 "Select the image layer."));
      return NULL;
    }

  /* The hints or exact layer itself (or a layer inside them): the
   * topmost visible layer below it, or below its enclosing groups. */
  layer = visible_below (image, GIMP_LAYER (selected), hints, exact);
  while (layer == NULL && gimp_item_get_parent (item) != NULL)
    {
      item  = gimp_item_get_parent (item);
      layer = visible_below (image, GIMP_LAYER (item), hints, exact);
    }
  item = GIMP_ITEM (selected);
  if (layer == NULL)
    maskgrow_set_item_error (error, item,
                             _("“%s” holds the hints and there is no visible "
                               "layer below it to segment. Select the image "
                               "layer."));
  return layer;
}

void
maskgrow_layer_insert_above (GimpImage *image,
                             GimpLayer *layer,
                             GimpLayer *above)
{
  GimpItem *parent = gimp_item_get_parent (GIMP_ITEM (above));

  /* At above's position: above moves down one. */
  gimp_image_insert_layer (image, layer, GIMP_LAYER (parent),
                           gimp_image_get_item_position (image,
                                                         GIMP_ITEM (above)));
}
