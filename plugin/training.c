/* training.c — main-thread and worker-thread training (training.h). */
#include "training.h"

#include <string.h>

#include <glib/gi18n.h>

#include "models.h"

/* Seconds between two progress messages to GIMP (each is a round trip). */
#define PROGRESS_INTERVAL 0.25

static void
config_from (MgTrainConfig          *config,
             const MaskgrowTraining *training)
{
  mg_train_config_init (config);
  config->seconds    = training->seconds;
  config->iterations = training->iterations;
  config->seed       = (uint64_t) training->seed;
  config->levels     = training->levels;
  config->smoothness = (float) training->smoothness;
  config->threads    = training->threads;
}

/* TRUE at most every PROGRESS_INTERVAL (*last: the last time, µs). */
static gboolean
progress_due (gint64 *last)
{
  gint64 now = g_get_monotonic_time ();

  if (now - *last < PROGRESS_INTERVAL * G_USEC_PER_SEC)
    return FALSE;
  *last = now;
  return TRUE;
}

static bool
gimp_progress_cb (const MgProgress *p,
                  void             *user_data)
{
  if (progress_due (user_data))
    {
      gimp_progress_set_text_printf (_("maskgrow: training, step %d, "
                                       "loss %.3f"),
                                     p->iteration, p->loss);
      gimp_progress_update (CLAMP (p->fraction, 0.0, 1.0));
    }
  return true;   /* Cancel never reaches a plug-in (guide §8). */
}

bool
maskgrow_segment_progress_cb (const MgProgress *p,
                              void             *user_data)
{
  if (progress_due (user_data))
    gimp_progress_update (CLAMP (p->fraction, 0.0, 1.0));
  return true;
}

MgModel *
maskgrow_train (const MaskgrowInputs   *inputs,
                const MaskgrowTraining *training,
                GError                **error)
{
  MgTrainConfig config;
  MgModel      *model = NULL;
  MgError       err   = { MG_STATUS_OK, "" };
  gint64        last  = 0;
  MgStatus      status;

  config_from (&config, training);
  gimp_progress_init (_("maskgrow: training"));
  status = mg_train ((const MgTrainSample *) inputs->samples->data,
                     (int) inputs->samples->len, &config, gimp_progress_cb,
                     &last, &model, &err);
  if (status != MG_STATUS_OK && status != MG_STATUS_CANCELLED)
    {
      gimp_progress_end ();
      maskgrow_set_core_error (error, &err);
      mg_model_free (model);
      return NULL;
    }
  return model;
}

void
maskgrow_preview_free (MaskgrowPreview *preview)
{
  if (preview == NULL)
    return;
  g_free (preview->labels);
  g_free (preview->prob);
  g_free (preview);
}

struct _MaskgrowTrainJob
{
  GThread          *thread;
  const MaskgrowInputs *inputs;
  MgTrainConfig     config;
  gint              stop;      /* atomic: the dialog asks to stop */
  gint              running;   /* atomic */

  GMutex            lock;      /* guards the fields below */
  GArray           *points;    /* MaskgrowLossPoint not yet polled */
  MaskgrowPreview  *preview;   /* newest preview not yet polled */
  gdouble           fraction;

  /* The worker's result, read after the join. */
  MgModel          *model;
  MgStatus          status;
  MgError           err;
};

static bool
job_progress_cb (const MgProgress *p,
                 void             *user_data)
{
  MaskgrowTrainJob *job   = user_data;
  MaskgrowLossPoint point = { p->iteration, p->loss };

  g_mutex_lock (&job->lock);
  g_array_append_val (job->points, point);
  job->fraction = p->fraction;
  g_mutex_unlock (&job->lock);
  return ! g_atomic_int_get (&job->stop);
}

/* Runs in the worker: copies the core's preview for the dialog. */
static void
job_preview_cb (const MgPreview *p,
                void            *user_data)
{
  MaskgrowTrainJob *job   = user_data;
  MaskgrowPreview  *copy  = g_new0 (MaskgrowPreview, 1);
  gsize             plane = (gsize) p->width * p->height;

  copy->labels    = g_memdup2 (p->labels, plane);
  copy->prob      = g_memdup2 (p->prob,
                               plane * (p->classes + 1) * sizeof (gfloat));
  copy->width     = p->width;
  copy->height    = p->height;
  copy->classes   = p->classes;
  copy->iteration = p->iteration;
  copy->x         = p->x;
  copy->y         = p->y;
  copy->image_width  = p->image_width;
  copy->image_height = p->image_height;

  g_mutex_lock (&job->lock);
  maskgrow_preview_free (job->preview);
  job->preview = copy;
  g_mutex_unlock (&job->lock);
}

static gpointer
job_thread (gpointer data)
{
  MaskgrowTrainJob *job = data;

  job->status = mg_train ((const MgTrainSample *) job->inputs->samples->data,
                          (int) job->inputs->samples->len, &job->config,
                          job_progress_cb, job, &job->model, &job->err);
  g_atomic_int_set (&job->running, FALSE);
  return NULL;
}

MaskgrowTrainJob *
maskgrow_train_job_start (const MaskgrowInputs   *inputs,
                          const MaskgrowTraining *training)
{
  MaskgrowTrainJob *job = g_new0 (MaskgrowTrainJob, 1);

  job->inputs = inputs;
  config_from (&job->config, training);
  job->config.on_preview   = job_preview_cb;
  job->config.preview_data = job;
  job->points  = g_array_new (FALSE, FALSE, sizeof (MaskgrowLossPoint));
  job->running = TRUE;
  g_mutex_init (&job->lock);
  job->thread = g_thread_new ("maskgrow-training", job_thread, job);
  return job;
}

void
maskgrow_train_job_stop (MaskgrowTrainJob *job)
{
  g_atomic_int_set (&job->stop, TRUE);
}

gboolean
maskgrow_train_job_running (MaskgrowTrainJob *job)
{
  return g_atomic_int_get (&job->running);
}

void
maskgrow_train_job_poll (MaskgrowTrainJob  *job,
                         GArray            *points,
                         MaskgrowPreview  **preview,
                         gdouble           *fraction)
{
  g_mutex_lock (&job->lock);
  if (points != NULL)
    g_array_append_vals (points, job->points->data, job->points->len);
  g_array_set_size (job->points, 0);
  if (preview != NULL)
    {
      *preview     = job->preview;
      job->preview = NULL;
    }
  if (fraction != NULL)
    *fraction = job->fraction;
  g_mutex_unlock (&job->lock);
}

MgModel *
maskgrow_train_job_finish (MaskgrowTrainJob *job,
                           GError          **error)
{
  MgModel *model;

  maskgrow_train_job_stop (job);
  g_thread_join (job->thread);
  model = job->model;
  if (job->status != MG_STATUS_OK && job->status != MG_STATUS_CANCELLED)
    {
      maskgrow_set_core_error (error, &job->err);
      mg_model_free (model);
      model = NULL;
    }
  g_mutex_clear (&job->lock);
  g_array_free (job->points, TRUE);
  maskgrow_preview_free (job->preview);
  g_free (job);
  return model;
}
