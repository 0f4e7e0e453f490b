/* inputs.h — the training data of a run: for each image, its pixels and
 * the label maps of its hints and exact labels layers, read once in the
 * main thread (a training worker thread must not talk to GIMP). */
#ifndef MASKGROW_INPUTS_H
#define MASKGROW_INPUTS_H

#include <libgimp/gimp.h>

#include "maskgrow-core.h"

typedef struct
{
  GArray    *samples;   /* MgTrainSample; data owned by `buffers` */
  GPtrArray *buffers;   /* everything to g_free */
} MaskgrowInputs;

MaskgrowInputs *maskgrow_inputs_new  (void);
void            maskgrow_inputs_free (MaskgrowInputs *inputs);

/* Reads source (pixels over its part of the canvas, *region), hints and
 * exact (may be NULL).  FALSE + error naming the layer if a layer cannot
 * be read or nothing is painted.  region may be NULL. */
gboolean maskgrow_inputs_add (MaskgrowInputs *inputs,
                              GimpLayer      *source,
                              GimpLayer      *hints,
                              GimpLayer      *exact,
                              GeglRectangle  *region,
                              GError        **error);

/* Adds every other open image that has a hints layer (by name), with its
 * exact labels layer if any, reading the topmost visible other layer.
 * Images whose channels differ from the first sample's are an error that
 * names the image.  *added = how many were added. */
gboolean maskgrow_inputs_add_open_images (MaskgrowInputs *inputs,
                                          GimpImage      *except,
                                          gint           *added,
                                          GError        **error);

/* The first sample's image, at most max_side px on its longer side, as
 * packed RGB u8 for a preview; *width, *height set. */
guint8 *maskgrow_inputs_thumbnail (const MaskgrowInputs *inputs,
                                   gint                  max_side,
                                   gint                 *width,
                                   gint                 *height);

#endif /* MASKGROW_INPUTS_H */
