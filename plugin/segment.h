/* segment.h — the Segment procedure's pieces its dialog needs too: which
 * layers a run reads, and the reading of its training data. */
#ifndef MASKGROW_SEGMENT_H
#define MASKGROW_SEGMENT_H

#include <libgimp/gimp.h>

#include "inputs.h"

/* Reads the training data a Segment run with this config would use: the
 * image layer (`selected`, or the layer below the hints), the hints and
 * exact layers of the config (or the layers named "Hints" / "Exact
 * labels"), and with "all-images" every other open image with a hints
 * layer.  *source and *region (may be NULL) get the image layer and its
 * part of the canvas.  NULL + error naming the layer at fault. */
MaskgrowInputs *maskgrow_segment_inputs (GimpImage            *image,
                                         GimpDrawable         *selected,
                                         GimpProcedureConfig  *config,
                                         GimpLayer           **source,
                                         GeglRectangle        *region,
                                         GError              **error);

/* Segments source (its part of the canvas) with model and writes the
 * outputs of the config (options.h); fills the return values from index 1
 * (mask, labels, instances, objects).  Used by Segment and Apply.  FALSE
 * + error on failure. */
gboolean        maskgrow_segment_write  (GimpImage            *image,
                                         GimpLayer            *source,
                                         const MgModel        *model,
                                         GimpProcedureConfig  *config,
                                         GimpValueArray       *values,
                                         GError              **error);

#endif /* MASKGROW_SEGMENT_H */
