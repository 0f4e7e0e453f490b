/* scale.c — the working scale from the sizes of the painted objects. */
#include "train/scale.h"

#include "error.h"
#include "infer/resample.h"
#include "target/components.h"
#include "target/edt.h"
#include "train/patches.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int
compare_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* Appends the radius estimate of every painted object region of one
 * image to radii (at most `room`); returns how many were added, or -1
 * when out of memory. */
static int
image_radii (const MgTrainSample *s, float *radii, int room)
{
  int w = s->image.width, h = s->image.height;
  size_t n = (size_t) w * h;
  uint8_t *label = malloc (n), *mask = malloc (n);
  int32_t *comp = malloc (n * sizeof (int32_t));
  int32_t *piece = malloc (n * sizeof (int32_t));
  int32_t *uf = malloc (n * sizeof (int32_t));   /* union-find scratch */
  float *dist = malloc (n * sizeof (float));
  void *scratch = malloc (mg_edt_scratch_size (w, h));
  int added = -1;

  if (label && mask && comp && piece && uf && dist && scratch)
    {
      int count;
      float *best;
      uint8_t *exact;

      /* one map: exact labels over hints; object classes only */
      for (size_t o = 0; o < n; o++)
        {
          uint8_t v = mg_sample_label (s, o);

          label[o] = v >= 2 && v != MG_LABEL_SEPARATION ? v : 0;
        }
      /* regions: 4-connected pixels of one class (two classes that touch
       * are two regions, so components run per class) */
      memset (comp, 0, n * sizeof (int32_t));
      count = 0;
      for (int v = 2; v <= MG_MAX_CLASSES + 1; v++)
        {
          int32_t k;
          bool any = false;

          for (size_t o = 0; o < n; o++)
            {
              mask[o] = label[o] == v;
              any |= mask[o];
            }
          if (! any)
            continue;
          k = mg_components (piece, mask, w, h, 4, uf);
          for (size_t o = 0; o < n; o++)
            if (piece[o] != 0)
              comp[o] = piece[o] + count;
          count += k;
        }
      best = calloc ((size_t) count + 1, sizeof (float));
      exact = calloc ((size_t) count + 1, 1);
      if (best != NULL && exact != NULL)
        {
          for (size_t o = 0; o < n; o++)
            mask[o] = label[o] == 0;
          mg_edt (dist, mask, w, h, scratch);
          for (size_t o = 0; o < n; o++)
            if (comp[o] != 0)
              {
                if (dist[o] > best[comp[o]])
                  best[comp[o]] = dist[o];
                if (s->exact != NULL && s->exact[o] != 0)
                  exact[comp[o]] = 1;
              }
          added = 0;
          for (int c = 1; c <= count && added < room; c++)
            radii[added++] = exact[c] ? best[c] : 2 * best[c];
        }
      free (best);
      free (exact);
    }
  free (label);
  free (mask);
  free (comp);
  free (piece);
  free (uf);
  free (dist);
  free (scratch);
  return added;
}

int
mg_scale_choose (const MgTrainSample *samples, int n_samples)
{
  enum { ROOM = 1 << 16 };
  float *radii = malloc (ROOM * sizeof (float));
  int count = 0, factor, min_side = 1 << 30;

  if (radii == NULL)
    return 1;
  for (int i = 0; i < n_samples && count < ROOM; i++)
    {
      int k = image_radii (&samples[i], radii + count, ROOM - count);

      if (k < 0)
        {
          free (radii);
          return 1;
        }
      count += k;
      if (samples[i].image.width < min_side)
        min_side = samples[i].image.width;
      if (samples[i].image.height < min_side)
        min_side = samples[i].image.height;
    }
  if (count == 0)
    {
      free (radii);
      return 1;
    }
  qsort (radii, count, sizeof (float), compare_float);
  factor = (int) (2 * radii[count / 2] / MG_SCALE_TARGET_DIAMETER);
  free (radii);
  if (factor > min_side / MG_SCALE_MIN_SIDE)
    factor = min_side / MG_SCALE_MIN_SIDE;
  if (factor > MG_SCALE_MAX)
    factor = MG_SCALE_MAX;
  return factor < 1 ? 1 : factor;
}

/* Two label maps of n pixels, rounded up so the next image's floats stay
 * aligned. */
static size_t
label_bytes (size_t n)
{
  return (2 * n + 7) / 8 * 8;
}

MgStatus
mg_scale_samples (const MgTrainSample *samples, int n_samples, int factor,
                  MgTrainSample **scaled, void **storage, MgError *err)
{
  size_t bytes = (size_t) n_samples * sizeof (MgTrainSample);
  uint8_t *p;
  MgTrainSample *out;

  for (int i = 0; i < n_samples; i++)
    {
      const MgImage *im = &samples[i].image;
      size_t n = (size_t) mg_scaled_size (im->width, factor)
                 * mg_scaled_size (im->height, factor);

      bytes += n * im->channels * sizeof (float) + label_bytes (n);
    }
  p = malloc (bytes);
  *storage = p;
  *scaled = out = (MgTrainSample *) p;
  if (p == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory shrinking the training images");
  p += (size_t) n_samples * sizeof (MgTrainSample);
  for (int i = 0; i < n_samples; i++)
    {
      const MgTrainSample *s = &samples[i];
      int w = s->image.width, h = s->image.height;
      size_t n = (size_t) mg_scaled_size (w, factor)
                 * mg_scaled_size (h, factor);
      float *data = (float *) p;
      uint8_t *hints = p + n * s->image.channels * sizeof (float);
      uint8_t *exact = hints + n;

      p = hints + label_bytes (n);
      mg_downsample_image (data, s->image.data, s->image.channels, w, h,
                           factor);
      out[i].image = s->image;
      out[i].image.data = data;
      out[i].image.width = mg_scaled_size (w, factor);
      out[i].image.height = mg_scaled_size (h, factor);
      out[i].hints = out[i].exact = NULL;
      if (s->hints != NULL)
        {
          mg_downsample_labels (hints, s->hints, w, h, factor);
          out[i].hints = hints;
        }
      if (s->exact != NULL)
        {
          mg_downsample_labels (exact, s->exact, w, h, factor);
          out[i].exact = exact;
        }
    }
  return MG_STATUS_OK;
}
