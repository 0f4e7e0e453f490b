/* segment.c — train on the hints of one image and segment it.
 *
 * All heavy work (reading, training, inference) happens before the undo
 * group opens: a plug-in killed by Cancel (SIGKILL, guide §8) must not leave
 * an open group.  Training runs in the main thread with GIMP's progress bar
 * updated from the core's callback, at most a few times per second.
 */
#include "segment.h"

#include <glib/gi18n.h>

#include "maskgrow-core.h"

#include "adapt.h"
#include "hints.h"
#include "layers.h"

/* Seconds between two progress messages to GIMP (each is a round trip). */
#define PROGRESS_INTERVAL 0.25
/* Share of the progress bar for training; segmenting gets the rest. */
#define TRAIN_SHARE       0.9

typedef struct
{
  gint64 last;   /* g_get_monotonic_time () of the last update, µs */
} Progress;

static bool
progress_cb (const MgProgress *p,
             void             *user_data)
{
  Progress *progress = user_data;
  gint64    now      = g_get_monotonic_time ();
  gboolean  training = g_strcmp0 (p->stage, "training") == 0;

  if (now - progress->last < PROGRESS_INTERVAL * G_USEC_PER_SEC)
    return true;
  progress->last = now;

  if (training)
    {
      gimp_progress_set_text_printf (_("maskgrow: training, step %d, "
                                       "loss %.3f"),
                                     p->iteration, p->loss);
      gimp_progress_update (TRAIN_SHARE * CLAMP (p->fraction, 0.0, 1.0));
    }
  else
    {
      gimp_progress_set_text (_("maskgrow: segmenting"));
      gimp_progress_update (TRAIN_SHARE + (1.0 - TRAIN_SHARE) *
                            CLAMP (p->fraction, 0.0, 1.0));
    }
  return true;   /* Cancel never reaches a plug-in (guide §8). */
}

/* A translated lead per status, then the core's own message. */
static void
set_core_error (GError       **error,
                const MgError *err)
{
  const gchar *lead;

  switch (err->code)
    {
    case MG_STATUS_INVALID_ARGUMENT:
      lead = _("maskgrow cannot train on these hints and this image.");
      break;
    case MG_STATUS_NO_MEMORY:
      lead = _("Not enough memory: try a smaller image or layer.");
      break;
    case MG_STATUS_IO:
      lead = _("A file could not be read or written.");
      break;
    case MG_STATUS_CORRUPT_MODEL:
    case MG_STATUS_INCOMPATIBLE:
      lead = _("The model does not fit this image.");
      break;
    default:
      lead = _("maskgrow failed.");
      break;
    }
  g_set_error (error, GIMP_PLUG_IN_ERROR, 0, "%s\n%s", lead, err->message);
}

/* Reads a hints or exact layer; *labels is NULL if nothing is painted. */
static gboolean
read_labels (GimpLayer           *layer,
             const GeglRectangle *region,
             guint8             **labels,
             GError             **error)
{
  gsize n_painted = 0;

  *labels = maskgrow_hints_read (layer, region, &n_painted, error);
  if (*labels == NULL)
    return FALSE;
  if (n_painted == 0)
    g_clear_pointer (labels, g_free);
  return TRUE;
}

static MgModel *
train (const MgTrainSample          *sample,
       const MaskgrowSegmentOptions *options,
       Progress                     *progress,
       GError                      **error)
{
  MgTrainConfig config;
  MgModel      *model = NULL;
  MgError       err   = { MG_STATUS_OK, "" };
  MgStatus      status;

  mg_train_config_init (&config);
  config.seconds    = options->seconds;
  config.iterations = options->iterations;
  config.seed       = (uint64_t) options->seed;
  config.threads    = options->threads;

  gimp_progress_init (_("maskgrow: training"));
  status = mg_train (sample, 1, &config, progress_cb, progress, &model, &err);
  /* CANCELLED still returns the model so far. */
  if (status != MG_STATUS_OK && status != MG_STATUS_CANCELLED)
    {
      set_core_error (error, &err);
      mg_model_free (model);
      return NULL;
    }
  return model;
}

GimpChannel *
maskgrow_segment (GimpImage                    *image,
                  GimpLayer                    *source,
                  GimpLayer                    *hints,
                  GimpLayer                    *exact,
                  const MaskgrowSegmentOptions *options,
                  GError                      **error)
{
  GeglRectangle  region;
  MgTrainSample  sample   = { { NULL, 0, 0, 0 }, NULL, NULL };
  Progress       progress = { 0 };
  MgError        err      = { MG_STATUS_OK, "" };
  MgModel       *model    = NULL;
  gfloat        *pixels   = NULL;
  guint8        *hint_map = NULL;
  guint8        *exact_map = NULL;
  guint8        *labels   = NULL;
  GimpChannel  **channels = NULL;
  GimpChannel   *result   = NULL;
  gint           channels_in;
  gint           classes;

  if (! maskgrow_drawable_region (GIMP_DRAWABLE (source), &region))
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("The image layer lies outside the canvas."));
      return NULL;
    }

  if (! read_labels (hints, &region, &hint_map, error) ||
      (exact != NULL && ! read_labels (exact, &region, &exact_map, error)))
    goto out;
  if (hint_map == NULL && exact_map == NULL)
    {
      maskgrow_set_item_error (error, GIMP_ITEM (hints),
                               _("The hints layer “%s” is empty where the "
                                 "image is. Paint a few strokes of the "
                                 "Background colour and a rough blob inside "
                                 "some objects with a class colour."));
      goto out;
    }

  pixels = maskgrow_drawable_read (GIMP_DRAWABLE (source), &region,
                                   &channels_in);
  sample.image.data     = pixels;
  sample.image.channels = channels_in;
  sample.image.width    = region.width;
  sample.image.height   = region.height;
  sample.hints          = hint_map;
  sample.exact          = exact_map;

  model = train (&sample, options, &progress, error);
  if (model == NULL)
    goto out;

  gimp_progress_set_text (_("maskgrow: segmenting"));
  labels = g_malloc ((gsize) region.width * region.height);
  if (mg_segment (model, &sample.image, labels, NULL,
                  progress_cb, &progress, &err) != MG_STATUS_OK)
    {
      set_core_error (error, &err);
      goto out;
    }
  classes = mg_model_classes (model);

  /* Everything the person can undo, in one step. */
  gimp_image_undo_group_start (image);
  channels = maskgrow_channels_add (image, &region, labels, classes);
  maskgrow_selection_set (image, channels, classes);
  gimp_image_undo_group_end (image);
  result = channels[0];
  gimp_progress_update (1.0);

 out:
  gimp_progress_end ();
  g_free (channels);
  g_free (labels);
  mg_model_free (model);
  g_free (pixels);
  g_free (exact_map);
  g_free (hint_map);
  return result;
}
