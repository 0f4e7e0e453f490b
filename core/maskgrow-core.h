/* maskgrow-core.h — the one public header of libmaskgrow-core.
 *
 * The core trains a small U-Net (MG-UNet-S, see ../shared/design.md) on the
 * pixels a person labelled and segments images with it.  It depends on libc,
 * libm, CBLAS and threads only: no GIMP, GTK or GLib.  Nothing here prints,
 * exits or aborts; every fallible call returns an MgStatus and, when `err`
 * is not NULL, fills a one-line English message the caller can show.
 *
 * Label maps (hints, exact labels) are 8-bit, one byte per pixel, row-major:
 *   0 = unknown, 1 = background, c + 1 = object class c (c >= 1),
 *   255 = separation stroke on the gap between touching objects.
 * Results are 8-bit: 0 = background, c = class c.
 */
#ifndef MASKGROW_CORE_H
#define MASKGROW_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MG_LABEL_UNKNOWN    0
#define MG_LABEL_BACKGROUND 1
#define MG_LABEL_SEPARATION 255
/* Most object classes a model can have (labels 2..MG_MAX_CLASSES+1). */
#define MG_MAX_CLASSES      16
#define MG_MAX_CHANNELS     4

typedef enum
{
  MG_STATUS_OK = 0,
  MG_STATUS_INVALID_ARGUMENT, /* bad sizes, empty hints, wrong channels */
  MG_STATUS_NO_MEMORY,
  MG_STATUS_IO,               /* a file could not be read or written */
  MG_STATUS_CORRUPT_MODEL,    /* truncated, damaged or foreign model file */
  MG_STATUS_INCOMPATIBLE,     /* model and image do not fit together */
  MG_STATUS_CANCELLED         /* the progress callback asked to stop */
} MgStatus;

typedef struct
{
  MgStatus code;
  char     message[256];
} MgError;

/* Short stable name of a status ("ok", "invalid-argument", ...). */
const char *mg_status_name (MgStatus status);

/* An image: planar float, data[(c * height + y) * width + x], values scaled
 * to 0..1 by the caller (u8 / 255, u16 / 65535).  1 to 4 channels. */
typedef struct
{
  const float *data;
  int          channels;
  int          width;
  int          height;
} MgImage;

/* One training image and what the person painted on it.  hints and exact
 * are width * height label maps (see the top of this file); either may be
 * NULL, not both.  Every pixel painted in `exact` is taken as exact. */
typedef struct
{
  MgImage        image;
  const uint8_t *hints;
  const uint8_t *exact;
} MgTrainSample;

/* Sees the approximation masks of training image `image` (0-based) at
 * the start of recursion level `level` (0 = as painted) and after the
 * last: labels in the hint convention (0 unknown, 1 background, c + 1
 * class c, 255 separation), width x height of that training image. */
typedef void (*MgLevelFn) (int level, int image, const uint8_t *labels,
                           int width, int height, void *user_data);

/* A look at the model while it trains, for a live preview: its class
 * labels and probabilities for the first training image, at the working
 * scale (that image shrunk `scale` times to image_width x image_height).
 * Larger than MG_PREVIEW_MAX_SIDE there, only its centre is predicted
 * (so a preview costs at most one inference window, well under a second
 * on 2 cores): the width x height rectangle at (x, y) of the working-scale
 * image.  The buffers belong to the core and are valid during the call
 * only. */
typedef struct
{
  const uint8_t *labels;   /* [width * height], 0 background, c class c */
  const float   *prob;     /* [classes + 1][width * height] */
  int            width, height;
  int            classes;  /* object classes (prob has classes + 1 planes) */
  int            scale;    /* the image was shrunk this many times */
  int            iteration;
  double         elapsed;  /* seconds since training began */
  int            x, y;     /* where the rectangle lies in ... */
  int            image_width, image_height;  /* ... the working-scale image */
} MgPreview;

#define MG_PREVIEW_MAX_SIDE 768

typedef void (*MgPreviewFn) (const MgPreview *preview, void *user_data);

typedef struct
{
  double   seconds;        /* wall-clock training budget; 0 = no limit */
  int      iterations;     /* most optimiser steps; 0 = no limit */
  uint64_t seed;           /* same seed + threads + input = same model */
  int      threads;        /* 0 = number of cores */
  int      patch;          /* training patch side, multiple of 8 */
  int      batch;          /* patches per step */
  float    learning_rate;  /* Adam step size */
  /* Weight of the smoothness term on the approx head: neighbouring
   * pixels that look alike should get the same class (ops.h,
   * mg_pairwise_forward_backward), so that a boundary the hints leave
   * open settles on the image's edge instead of anywhere in the unpainted
   * band (a halo, or objects shrunk to their blobs).  0 = off; 1, the
   * default, is the measured weight.  Alone it lets objects spread into
   * the soft glow around fluorescent nuclei; with the recursive levels
   * below, the background ring stops that (README, 'How it works'). */
  float    smoothness;
  /* The recursive recipe (methods.md §1(d)): the three tasks (seg,
   * approx, sep) are always trained; after a first stage (40 % of the
   * budget) the approximation targets are evolved `levels` times from
   * the network's prediction and training goes on with them: the
   * background gains a ring `margin` px wide, 2 px outside every object
   * the network finds for a painted object (target/margin.h), and the
   * painted objects grow by up to `growth` px into pixels the network
   * gives to their class with `confidence`.  Measured (README, 'How it
   * works'): the ring removes the halo around small dense objects; the
   * growth keeps the ring from shrinking larger objects level after
   * level; at confidence 0.9 it takes only what the network is sure of,
   * so it does not grow objects into a glow. */
  int      levels;         /* recursion levels; 0 = painted hints only */
  int      growth;         /* most pixels an object grows per level, 0..
                            * (0 = objects do not grow) */
  float    confidence;     /* least class probability for a grown pixel */
  int      margin;         /* background ring: pixels up to this far from
                            * a found object (from 2); 0 = no ring */
  /* The network works on the images shrunk by this factor, 1..8, so that
   * large objects fit its field of view; 0 = choose from the size of the
   * painted objects (train/scale.h).  Stored in the model. */
  int      scale;
  MgLevelFn on_level;      /* NULL, or called as described above */
  void     *level_data;
  /* Previews: the first after MG_FIRST_PREVIEW seconds of training (or
   * preview_seconds if less), then every preview_seconds, but never
   * sooner than 4 times the last preview's cost after it, so previews
   * take at most a fifth of the budget.  Their time counts in `seconds`. */
  double      preview_seconds;
  MgPreviewFn on_preview;  /* NULL: no previews */
  void       *preview_data;
} MgTrainConfig;

#define MG_FIRST_PREVIEW 1.0

/* Documented defaults: 30 s budget, at most 1500 steps, seed 1, all cores,
 * 96 px patches, batch 4, Adam lr 1e-3 (methods.md, 'CPU budget');
 * smoothness 1; 2 recursive levels, each with a 4 px background ring and
 * objects grown by up to 4 px at confidence 0.9 (levels 0 = the one-stage
 * recipe of hints only); working scale chosen automatically (scale 0);
 * previews every 2 s when asked for. */
void mg_train_config_init (MgTrainConfig *config);

typedef struct
{
  const char *stage;       /* "training", "segmenting" */
  int         iteration;   /* steps (training) or tiles (segmenting) done */
  int         total;       /* planned steps / tiles; 0 = unknown */
  double      fraction;    /* 0..1, best estimate of work done */
  double      elapsed;     /* seconds since the call began */
  float       loss;        /* running mean loss (training), else 0 */
} MgProgress;

/* Called now and then by long calls, always on the thread that made the
 * call (neither the core's own worker threads nor OpenBLAS's ever call
 * back); return false to cancel.  Training then
 * stops and returns MG_STATUS_CANCELLED together with the model so far. */
typedef bool (*MgProgressFn) (const MgProgress *progress, void *user_data);

typedef struct MgModel MgModel;

/* Trains a model on n_samples images.  Classes are taken from the labels
 * (highest class present); background and at least one object class must
 * be painted somewhere.  On MG_STATUS_OK or MG_STATUS_CANCELLED *model is a
 * usable model the caller frees with mg_model_free; otherwise it is NULL. */
MgStatus mg_train (const MgTrainSample *samples,
                   int                  n_samples,
                   const MgTrainConfig *config,
                   MgProgressFn         progress,
                   void                *user_data,
                   MgModel            **model,
                   MgError             *err);

/* Segments an image.  labels: width * height bytes (0 = background, c =
 * class c).  probabilities: NULL or (classes + 1) * width * height floats,
 * planar, class 0 = background.  The image must have the model's channels. */
MgStatus mg_segment (const MgModel *model,
                     const MgImage *image,
                     uint8_t       *labels,
                     float         *probabilities,
                     MgProgressFn   progress,
                     void          *user_data,
                     MgError       *err);

/* Segments an image into classes (labels, as mg_segment) and object
 * instances: instances [width * height], 0 = background, 1..*count one id
 * per object; touching objects of one class are told apart by the
 * separation head. */
MgStatus mg_segment_instances (const MgModel *model,
                               const MgImage *image,
                               uint8_t       *labels,
                               uint32_t      *instances,
                               uint32_t      *count,
                               MgProgressFn   progress,
                               void          *user_data,
                               MgError       *err);

/* Both of the above and more from one prediction: labels (required);
 * probabilities as mg_segment (NULL = not wanted); instances and *count as
 * mg_segment_instances (NULL = not wanted), told apart by the separation
 * head when `separate`, else the connected pieces of each class. */
MgStatus mg_segment_all (const MgModel *model,
                         const MgImage *image,
                         uint8_t       *labels,
                         float         *probabilities,
                         uint32_t      *instances,
                         uint32_t      *count,
                         bool           separate,
                         MgProgressFn   progress,
                         void          *user_data,
                         MgError       *err);

int  mg_model_classes  (const MgModel *model); /* object classes K >= 1 */
int  mg_model_channels (const MgModel *model); /* image channels 1..4 */
int  mg_model_iterations (const MgModel *model); /* steps it was trained */
int  mg_model_scale    (const MgModel *model); /* works shrunk 1..8 times */
void mg_model_free     (MgModel *model);       /* NULL-safe */

/* How many mirrored views of the image mg_segment and its kin average:
 * 1 (the image as it is), 2 (and mirrored left-right) or 4 (and mirrored
 * top-bottom, and both).  The network never sees mirrored objects as
 * quite the same; averaging the views smooths its guesses where it is
 * unsure (edges, faint objects) for 2x or 4x the inference time.  A
 * setting of this session, not saved with the model; false (and nothing
 * changed) for any other count. */
#define MG_VIEWS_DEFAULT 4
int  mg_model_views     (const MgModel *model);
bool mg_model_set_views (MgModel *model, int views);

/* Model files (.mgm): see core/io/model-file.c for the format. */
MgStatus mg_model_save (const MgModel *model, const char *path, MgError *err);
MgStatus mg_model_load (const char *path, MgModel **model, MgError *err);
/* The same format in memory (GIMP parasites); free *bytes with free(). */
MgStatus mg_model_to_bytes   (const MgModel *model,
                              uint8_t      **bytes,
                              size_t        *size,
                              MgError       *err);
MgStatus mg_model_from_bytes (const uint8_t *bytes,
                              size_t         size,
                              MgModel      **model,
                              MgError       *err);

/* Threads for the core's loops and GEMMs (OpenBLAS is kept at one thread
 * and its GEMMs split over the core's threads); 0 = number of cores. */
void mg_threads_set (int threads);
int  mg_threads_get (void);

#ifdef __cplusplus
}
#endif

#endif /* MASKGROW_CORE_H */
