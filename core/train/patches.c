/* patches.c — building the training set and drawing patches from it.
 *
 * Class-balanced sampling (a class first, then one of its pixels) matters
 * because a person paints far more background than objects, or the
 * reverse; methods.md §1(c) recommends balancing the tiny classes. */
#include "train/patches.h"

#include "error.h"
#include "ops/ops.h"

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

static MgStatus
check_samples (const MgTrainSample *samples, int n, MgError *err)
{
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
    }
  return MG_STATUS_OK;
}

/* Builds one image's target map; reports bad label values. */
static MgStatus
build_target (uint8_t *target, const MgTrainSample *s, int index,
              size_t *counts, MgError *err)
{
  int w = s->image.width, h = s->image.height;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t o = (size_t) y * w + x;
        uint8_t v = s->exact != NULL && s->exact[o] != 0 ? s->exact[o]
                    : s->hints != NULL                  ? s->hints[o]
                                                        : 0;
        int t = label_to_target (v);

        if (t < 0)
          return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                               "label value %d at (%d, %d) of training image "
                               "%d is not a label (0 unknown, 1 background, "
                               "2..%d classes, 255 separation)", v, x, y,
                               index + 1, MG_MAX_CLASSES + 1);
        target[o] = (uint8_t) t;
        if (t != MG_IGNORE)
          counts[t]++;
      }
  return MG_STATUS_OK;
}

/* Mean and 1/std per channel over all images, in double. */
static void
compute_normalisation (MgTrainSet *set, const MgTrainSample *samples)
{
  for (int c = 0; c < set->channels; c++)
    {
      double sum = 0, sum2 = 0, count = 0;
      double mean, var;

      for (int i = 0; i < set->n_images; i++)
        {
          size_t n = (size_t) samples[i].image.width * samples[i].image.height;
          const float *p = samples[i].image.data + c * n;

          for (size_t k = 0; k < n; k++)
            {
              sum += p[k];
              sum2 += (double) p[k] * p[k];
            }
          count += (double) n;
        }
      mean = sum / count;
      var = sum2 / count - mean * mean;
      set->mean[c] = (float) mean;
      /* a flat channel must not blow up: floor the std at 1e-3 */
      set->inv_std[c] = (float) (1.0 / sqrt (var > 1e-6 ? var : 1e-6));
    }
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
  st = check_samples (samples, n_samples, err);
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
      ti->image = malloc (n * set->channels * sizeof (float));
      if (ti->target == NULL || ti->image == NULL)
        goto no_memory;
      st = build_target (ti->target, &samples[i], i, counts, err);
      if (st != MG_STATUS_OK)
        {
          mg_train_set_free (set);
          return st;
        }
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
  compute_normalisation (set, samples);
  for (int i = 0; i < n_samples; i++)
    {
      size_t n = (size_t) set->images[i].width * set->images[i].height;

      for (int c = 0; c < set->channels; c++)
        for (size_t k = 0; k < n; k++)
          set->images[i].image[c * n + k]
            = (samples[i].image.data[c * n + k] - set->mean[c])
              * set->inv_std[c];
    }
  if (mg_train_set_reindex (set) != MG_STATUS_OK)
    goto no_memory;
  return MG_STATUS_OK;

no_memory:
  mg_train_set_free (set);
  return mg_error_set (err, MG_STATUS_NO_MEMORY,
                       "out of memory copying the training images");
}

MgStatus
mg_train_set_reindex (MgTrainSet *set)
{
  size_t counts[MG_MAX_CLASSES + 1] = { 0 };
  size_t filled[MG_MAX_CLASSES + 1] = { 0 };

  for (int i = 0; i < set->n_images; i++)
    {
      size_t n = (size_t) set->images[i].width * set->images[i].height;

      for (size_t o = 0; o < n; o++)
        if (set->images[i].target[o] != MG_IGNORE)
          counts[set->images[i].target[o]]++;
    }
  for (int k = 0; k < set->classes; k++)
    {
      free (set->pixels[k]);
      set->pixels[k] = NULL;
      set->n_pixels[k] = counts[k];
      if (counts[k] > 0 && (set->pixels[k] = malloc (counts[k] * 8)) == NULL)
        return MG_STATUS_NO_MEMORY;
    }
  for (int i = 0; i < set->n_images; i++)
    {
      size_t n = (size_t) set->images[i].width * set->images[i].height;

      for (size_t o = 0; o < n; o++)
        {
          uint8_t t = set->images[i].target[o];
          if (t != MG_IGNORE)
            set->pixels[t][filled[t]++] = ((uint64_t) i << 32) | o;
        }
    }
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
    }
  free (set->images);
  for (int k = 0; k <= MG_MAX_CLASSES; k++)
    free (set->pixels[k]);
  memset (set, 0, sizeof *set);
}

void
mg_patch_draw (const MgTrainSet *set,
               MgRng            *rng,
               int               patch,
               float            *x,
               uint8_t          *target)
{
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
        target[(size_t) i * patch + j]
          = inside ? im->target[(size_t) sy * im->width + sx] : MG_IGNORE;
      }
}
