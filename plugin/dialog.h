/* dialog.h — the Segment dialog: the procedure's options next to a live
 * preview of the mask growing on the image (or the uncertainty), a loss
 * plot and a progress bar, while a worker thread trains (training.h). */
#ifndef MASKGROW_DIALOG_H
#define MASKGROW_DIALOG_H

#include <libgimp/gimp.h>

#include "maskgrow-core.h"

/* Shows the dialog; training starts at once and again whenever a
 * training option changes.  TRUE when the person pressed Segment: *model
 * is the model trained so far (stopped early if still training; NULL if
 * training could not run, then *error says why; NULL without an error if
 * an option changed just before and training must run again).  FALSE on Cancel:
 * training stops within a second and nothing is kept. */
gboolean maskgrow_segment_dialog (GimpProcedure        *procedure,
                                  GimpProcedureConfig  *config,
                                  GimpImage            *image,
                                  GimpDrawable         *selected,
                                  MgModel             **model,
                                  GError              **error);

#endif /* MASKGROW_DIALOG_H */
