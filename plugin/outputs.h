/* outputs.h — a segmentation back into the image: selection, channels, a
 * layer mask, a label layer, an instance layer (options.h, MaskgrowOutputs).
 * New items only: the user's existing layers and pixels are never changed,
 * except the selection when asked and a new layer mask on the image layer;
 * everything one run writes is one undo step. */
#ifndef MASKGROW_OUTPUTS_H
#define MASKGROW_OUTPUTS_H

#include <libgimp/gimp.h>

#include "options.h"

/* What one run found, over `region` (image coordinates). */
typedef struct
{
  GeglRectangle  region;
  gint           classes;    /* object classes */
  const guint8  *labels;     /* 0 background, c class c */
  const gfloat  *prob;       /* NULL or (classes + 1) planes, 0 = bg */
  const guint32 *instances;  /* NULL or 0 background, 1..count */
  guint32        count;
} MaskgrowResult;

/* The items made, for the procedures' return values (NULL if not made). */
typedef struct
{
  GimpChannel *mask;         /* the channel of class 1 */
  GimpLayer   *labels;
  GimpLayer   *instances;
} MaskgrowWritten;

/* Before any work: FALSE + error if the outputs cannot be written (a layer
 * mask asked for on a layer that has one), or if none is asked for. */
gboolean maskgrow_outputs_check (GimpLayer             *source,
                                 const MaskgrowOutputs *outputs,
                                 GError               **error);

/* Writes the outputs asked for, in one undo group, new layers just above
 * `source`. */
void     maskgrow_outputs_write (GimpImage             *image,
                                 GimpLayer             *source,
                                 const MaskgrowOutputs *outputs,
                                 const MaskgrowResult  *result,
                                 MaskgrowWritten       *written);

/* The selection becomes (REPLACE) or gains (ADD) the pixels where
 * mask[i] != 0, mask over region.  Pushes its own undo step; no group. */
void     maskgrow_selection_from_mask (GimpImage               *image,
                                       const GeglRectangle     *region,
                                       const guint8            *mask,
                                       MaskgrowSelectionOutput  op);

#endif /* MASKGROW_OUTPUTS_H */
