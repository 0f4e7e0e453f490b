/* patches.c — building the training set and drawing patches from it.
 *
 * Class-balanced sampling (a class first, then one of its pixels) matters
 * because a person paints far more background than objects, or the
 * reverse; methods.md §1(c) recommends balancing the tiny classes. */
#include "train/patches.h"

#include "error.h"
#include "infer/normalise.h"
#include "net/unet.h"
#include "ops/ops.h"
#include "target/evolve.h"
#include "target/gaps.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Label value (hint / exact) → target class index, MG_IGNORE, or -1 when
 * the value is not a label at all. */
static int
label_to_target (uint8_t v)
{
  if (v == MG_LABEL_UNKNOWN || v == MG_LABEL_SEPARATION)
    return MG_IGNORE; /* separation strokes: used by the recursive recipe */
  if (v <= MG_MAX_CLASSES + 1)
    return v - 1;
  return -1;
}


/* Reports the first value that is not a label. */
static MgStatus
check_labels (const MgTrainSample *s, int index, MgError *err)
{
  int w = s->image.width, h = s->image.height;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        uint8_t v = mg_sample_label (s, (size_t) y * w + x);

        if (label_to_target (v) < 0)
          return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                               "label value %d at (%d, %d) of training image "
                               "%d is not a label (0 unknown, 1 background, "
                               "2..%d classes, 255 separation)", v, x, y,
                               index + 1, MG_MAX_CLASSES + 1);
      }
  return MG_STATUS_OK;
}

MgStatus
mg_train_samples_check (const MgTrainSample *samples, int n, MgError *err)
{
  MgStatus st;

  if (samples == NULL || n < 1)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "no training images given");
  for (int i = 0; i < n; i++)
    {
      const MgImage *im = &samples[i].image;

      if (im->data == NULL || im->width < 1 || im->height < 1)
        return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                             "training image %d is empty", i + 1);
      if (im->channels < 1 || im->channels > MG_MAX_CHANNELS)
        return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                             "training image %d has %d channels; 1 to %d "
                             "are supported", i + 1, im->channels,
                             MG_MAX_CHANNELS);
      if (im->channels != samples[0].image.channels)
        return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                             "training image %d has %d channels but image 1 "
                             "has %d: all must match", i + 1, im->channels,
                             samples[0].image.channels);
      if (samples[i].hints == NULL && samples[i].exact == NULL)
        return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                             "training image %d has neither hints nor exact "
                             "labels", i + 1);
      st = check_labels (&samples[i], i, err);
      if (st != MG_STATUS_OK)
        return st;
    }
  return MG_STATUS_OK;
}

/* Builds one image's task targets (labels checked before): the
 * approximation target from exact labels over hints, the segmentation
 * target from exact labels and background hints, and the separation
 * strokes.  Returns false when out of memory. */
static bool
build_targets (MgTrainImage *ti, const MgTrainSample *s, size_t *counts,
               size_t *n_exact)
{
  size_t n = (size_t) s->image.width * s->image.height;

  for (size_t o = 0; o < n; o++)
    {
      int t = label_to_target (mg_sample_label (s, o));
      uint8_t e = s->exact != NULL ? s->exact[o] : 0;
      uint8_t h = s->hints != NULL ? s->hints[o] : 0;

      ti->target[o] = (uint8_t) t;
      if (t != MG_IGNORE)
        counts[t]++;
      ti->seg[o] = e != 0 ? (uint8_t) label_to_target (e)
                   : h == MG_LABEL_BACKGROUND ? 0
                                              : MG_IGNORE;
      if (e != 0 && ti->seg[o] != MG_IGNORE)
        (*n_exact)++;
      if (h == MG_LABEL_SEPARATION || e == MG_LABEL_SEPARATION)
        {
          if (ti->strokes == NULL && (ti->strokes = calloc (n, 1)) == NULL)
            return false;
          ti->strokes[o] = 1;
        }
    }
  return true;
}

MgStatus
mg_train_set_init (MgTrainSet          *set,
                   const MgTrainSample *samples,
                   int                  n_samples,
                   MgError             *err)
{
  size_t counts[MG_MAX_CLASSES + 1] = { 0 };
  MgStatus st;
  int top = 0;

  memset (set, 0, sizeof *set);
  st = mg_train_samples_check (samples, n_samples, err);
  if (st != MG_STATUS_OK)
    return st;
  set->n_images = n_samples;
  set->channels = samples[0].image.channels;
  set->images = calloc (n_samples, sizeof *set->images);
  if (set->images == NULL)
    goto no_memory;
  for (int i = 0; i < n_samples; i++)
    {
      MgTrainImage *ti = &set->images[i];
      size_t n = (size_t) samples[i].image.width * samples[i].image.height;

      ti->width = samples[i].image.width;
      ti->height = samples[i].image.height;
      ti->target = malloc (n);
      ti->seg = malloc (n);
      ti->sep = malloc (n);
      ti->image = malloc (n * set->channels * sizeof (float));
      if (ti->target == NULL || ti->seg == NULL || ti->sep == NULL
          || ti->image == NULL || ! build_targets (ti, &samples[i], counts,
                                                  &set->n_exact))
        goto no_memory;
    }
  for (int k = 1; k <= MG_MAX_CLASSES; k++)
    if (counts[k] > 0)
      top = k;
  if (counts[0] == 0 || top == 0)
    {
      mg_train_set_free (set);
      return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                           counts[0] == 0 && top == 0
                             ? "the hints are empty: paint background (1) "
                               "and at least one object class (2, 3, ...)"
                           : counts[0] == 0
                             ? "no background is painted: paint a few "
                               "background strokes (label 1)"
                             : "no object is painted: paint inside at least "
                               "one object (label 2 for class 1)");
    }
  set->classes = top + 1;
  for (int i = 0; i < n_samples; i++)
    mg_normalise (set->images[i].image, samples[i].image.data, set->channels,
                  (size_t) set->images[i].width * set->images[i].height);
  if (mg_train_set_reindex (set) != MG_STATUS_OK)
    goto no_memory;
  return MG_STATUS_OK;

no_memory:
  mg_train_set_free (set);
  return mg_error_set (err, MG_STATUS_NO_MEMORY,
                       "out of memory copying the training images");
}

/* The separation targets of every image from its current approximation
 * target's instances. */
static bool
build_gaps (MgTrainSet *set)
{
  size_t largest = 0;
  int32_t *instance, *stack;

  for (int i = 0; i < set->n_images; i++)
    {
      size_t n = (size_t) set->images[i].width * set->images[i].height;
      if (n > largest)
        largest = n;
    }
  instance = malloc (largest * sizeof (int32_t));
  stack = malloc (largest * sizeof (int32_t));
  if (instance != NULL && stack != NULL)
    for (int i = 0; i < set->n_images; i++)
      {
        MgTrainImage *im = &set->images[i];

        mg_evolve_instances (instance, im->target, im->width, im->height,
                             stack);
        mg_gap_target (im->sep, im->target, instance, im->strokes, im->width,
                       im->height);
      }
  free (stack);
  free (instance);
  return instance != NULL && stack != NULL;
}

/* Whether pixel o of im is a patch centre of its approx class: labelled,
 * and not a ring pixel (patches.h). */
static bool
is_centre (const MgTrainImage *im, size_t o)
{
  return im->target[o] != MG_IGNORE && (im->ring == NULL || ! im->ring[o]);
}

MgStatus
mg_train_set_reindex (MgTrainSet *set)
{
  size_t counts[MG_MAX_CLASSES + 1] = { 0 };
  size_t filled[MG_MAX_CLASSES + 1] = { 0 };

  if (! build_gaps (set))
    return MG_STATUS_NO_MEMORY;
  memset (set->n_seg, 0, sizeof set->n_seg);
  memset (set->n_sep, 0, sizeof set->n_sep);
  for (int i = 0; i < set->n_images; i++)
    {
      const MgTrainImage *im = &set->images[i];
      size_t n = (size_t) im->width * im->height;

      for (size_t o = 0; o < n; o++)
        {
          if (is_centre (im, o))
            counts[im->target[o]]++;
          if (im->seg[o] != MG_IGNORE)
            set->n_seg[im->seg[o]]++;
          if (im->sep[o] != MG_IGNORE)
            set->n_sep[im->sep[o]]++;
        }
    }
  for (int k = 0; k < set->classes; k++)
    {
      free (set->pixels[k]);
      free (set->first[k]);
      set->pixels[k] = NULL;
      set->n_pixels[k] = counts[k];
      set->first[k] = malloc ((size_t) (set->n_images + 1) * sizeof (size_t));
      if (set->first[k] == NULL
          || (counts[k] > 0 && (set->pixels[k] = malloc (counts[k] * 8))
                                 == NULL))
        return MG_STATUS_NO_MEMORY;
    }
  for (int i = 0; i < set->n_images; i++)
    {
      const MgTrainImage *im = &set->images[i];
      size_t n = (size_t) im->width * im->height;

      for (int k = 0; k < set->classes; k++)
        set->first[k][i] = filled[k];
      for (size_t o = 0; o < n; o++)
        {
          uint8_t t = im->target[o];
          if (is_centre (im, o))
            set->pixels[t][filled[t]++] = ((uint64_t) i << 32) | o;
        }
    }
  for (int k = 0; k < set->classes; k++)
    set->first[k][set->n_images] = filled[k];
  return MG_STATUS_OK;
}

void
mg_train_set_free (MgTrainSet *set)
{
  if (set == NULL)
    return;
  for (int i = 0; set->images != NULL && i < set->n_images; i++)
    {
      free (set->images[i].image);
      free (set->images[i].target);
      free (set->images[i].seg);
      free (set->images[i].sep);
      free (set->images[i].strokes);
      free (set->images[i].ring);
    }
  free (set->images);
  for (int k = 0; k <= MG_MAX_CLASSES; k++)
    {
      free (set->pixels[k]);
      free (set->first[k]);
    }
  memset (set, 0, sizeof *set);
}

void
mg_patch_draw (const MgTrainSet *set,
               MgRng            *rng,
               int               patch,
               float            *x,
               uint8_t          *targets)
{
  const size_t area = (size_t) patch * patch;
  int present[MG_MAX_CLASSES + 1];
  int n_present = 0;
  int k, transform, ox, oy, cx, cy;
  uint64_t pick;
  const MgTrainImage *im;
  size_t plane;

  for (k = 0; k < set->classes; k++)
    if (set->n_pixels[k] > 0)
      present[n_present++] = k;
  k = present[mg_rng_below (rng, (uint32_t) n_present)];
  if (set->n_images > 1)
    {
      /* then an image among those with pixels of class k, every one as
       * often (see patches.h) */
      int with = 0, i = 0;
      uint32_t r;
      size_t n;

      for (int j = 0; j < set->n_images; j++)
        with += set->first[k][j + 1] > set->first[k][j];
      r = mg_rng_below (rng, (uint32_t) with);
      while (set->first[k][i + 1] == set->first[k][i] || r-- > 0)
        i++;
      n = set->first[k][i + 1] - set->first[k][i];
      pick = set->pixels[k][set->first[k][i] + mg_rng_next (rng) % n];
    }
  else
    pick = set->pixels[k][mg_rng_next (rng) % set->n_pixels[k]];
  im = &set->images[pick >> 32];
  cx = (int) ((pick & 0xffffffffu) % (uint64_t) im->width);
  cy = (int) ((pick & 0xffffffffu) / (uint64_t) im->width);
  /* jitter so the picked pixel is not always at the centre */
  ox = cx - patch / 2 + (int) mg_rng_below (rng, patch / 2) - patch / 4;
  oy = cy - patch / 2 + (int) mg_rng_below (rng, patch / 2) - patch / 4;
  /* stay inside the image when it is large enough */
  if (im->width >= patch)
    ox = ox < 0 ? 0 : ox > im->width - patch ? im->width - patch : ox;
  if (im->height >= patch)
    oy = oy < 0 ? 0 : oy > im->height - patch ? im->height - patch : oy;
  transform = (int) mg_rng_below (rng, 8);
  plane = (size_t) im->width * im->height;
  for (int i = 0; i < patch; i++)
    for (int j = 0; j < patch; j++)
      {
        /* dihedral transform: bit 0 flips rows, bit 1 flips columns,
         * bit 2 transposes */
        int u = transform & 1 ? patch - 1 - i : i;
        int v = transform & 2 ? patch - 1 - j : j;
        int sy, sx;
        bool inside;

        if (transform & 4)
          {
            int t = u;
            u = v;
            v = t;
          }
        sy = oy + u;
        sx = ox + v;
        inside = sy >= 0 && sy < im->height && sx >= 0 && sx < im->width;
        sy = mg_reflect (sy, im->height);
        sx = mg_reflect (sx, im->width);
        for (int c = 0; c < set->channels; c++)
          x[((size_t) c * patch + i) * patch + j]
            = im->image[c * plane + (size_t) sy * im->width + sx];
        {
          size_t src = (size_t) sy * im->width + sx, dst = (size_t) i * patch + j;

          targets[MG_HEAD_SEG * area + dst] = inside ? im->seg[src] : MG_IGNORE;
          targets[MG_HEAD_APPROX * area + dst]
            = inside ? im->target[src] : MG_IGNORE;
          targets[MG_HEAD_SEP * area + dst] = inside ? im->sep[src] : MG_IGNORE;
        }
      }
}
