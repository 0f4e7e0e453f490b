/* training.h — training a model on a run's inputs, either in the main
 * thread with GIMP's progress bar (scripts, batch) or in a worker thread
 * while the dialog shows the live preview and the loss (guide §9: the
 * worker never calls GTK or libgimp; the dialog polls it). */
#ifndef MASKGROW_TRAINING_H
#define MASKGROW_TRAINING_H

#include <libgimp/gimp.h>

#include "maskgrow-core.h"

#include "inputs.h"
#include "options.h"

/* Trains in the calling thread, reporting to GIMP's progress bar.  NULL +
 * error on failure. */
MgModel *maskgrow_train (const MaskgrowInputs   *inputs,
                         const MaskgrowTraining *training,
                         GError                **error);

/* A progress callback for mg_segment_all reporting to GIMP's progress
 * bar a few times a second; user_data = a gint64 set to 0. */
bool     maskgrow_segment_progress_cb (const MgProgress *p,
                                       void             *user_data);

/* A copy of one core preview (MgPreview), owned by whoever holds it. */
typedef struct
{
  guint8 *labels;
  gfloat *prob;
  gint    width, height, classes;
  gint    iteration;
  /* The rectangle shown, in the working-scale image (MgPreview). */
  gint    x, y, image_width, image_height;
} MaskgrowPreview;

void maskgrow_preview_free (MaskgrowPreview *preview);

/* One point of the loss curve. */
typedef struct
{
  gint   step;
  gfloat loss;
} MaskgrowLossPoint;

typedef struct _MaskgrowTrainJob MaskgrowTrainJob;

/* Starts training in a worker thread.  inputs must outlive the job. */
MaskgrowTrainJob *maskgrow_train_job_start (const MaskgrowInputs   *inputs,
                                            const MaskgrowTraining *training);
/* Asks the worker to stop after the current step (well within 1 s); the
 * model so far is kept. */
void     maskgrow_train_job_stop     (MaskgrowTrainJob *job);
gboolean maskgrow_train_job_running  (MaskgrowTrainJob *job);
/* What happened since the last poll: loss points appended to `points`
 * (may be NULL), the newest preview if there is a new one (the caller
 * frees it), the fraction of the budget done. */
void     maskgrow_train_job_poll     (MaskgrowTrainJob  *job,
                                      GArray            *points,
                                      MaskgrowPreview  **preview,
                                      gdouble           *fraction);
/* Stops if need be, waits for the worker and frees the job: the model
 * (stopped early or not), or NULL + error if training failed. */
MgModel *maskgrow_train_job_finish   (MaskgrowTrainJob *job,
                                      GError          **error);

#endif /* MASKGROW_TRAINING_H */
