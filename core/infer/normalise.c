/* normalise.c — per image, per channel percentile scaling (normalise.h). */
#include "infer/normalise.h"

#include <math.h>

#define BINS 4096

/* The value below which a share q of the n samples lie, from a
 * histogram between lo and hi (bin centre). */
static float
percentile (const size_t *hist, size_t n, double q, float lo, float width)
{
  size_t want = (size_t) (q * (double) (n - 1)), seen = 0;

  for (int b = 0; b < BINS; b++)
    {
      seen += hist[b];
      if (seen > want)
        return lo + ((float) b + 0.5f) * width;
    }
  return lo + BINS * width;
}

void
mg_normalise (float *out, const float *in, int channels, size_t plane)
{
  size_t hist[BINS];

  for (int c = 0; c < channels; c++)
    {
      const float *p = in + c * plane;
      float *q = out + c * plane;
      float lo = INFINITY, hi = -INFINITY, width, low, high, scale;

      for (size_t k = 0; k < plane; k++)
        {
          lo = p[k] < lo ? p[k] : lo;
          hi = p[k] > hi ? p[k] : hi;
        }
      width = (hi - lo) / BINS;
      for (int b = 0; b < BINS; b++)
        hist[b] = 0;
      for (size_t k = 0; k < plane && width > 0; k++)
        {
          int b = (int) ((p[k] - lo) / width);
          hist[b < BINS ? b : BINS - 1]++;
        }
      low = width > 0 ? percentile (hist, plane, MG_NORM_LOW, lo, width) : lo;
      high = width > 0 ? percentile (hist, plane, MG_NORM_HIGH, lo, width)
                       : hi;
      scale = 1.0f / (high - low > 1e-3f ? high - low : 1e-3f);
      for (size_t k = 0; k < plane; k++)
        q[k] = (p[k] - low) * scale;
    }
}
