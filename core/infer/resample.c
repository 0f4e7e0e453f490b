/* resample.c — integer-factor box shrinking of images and label maps and
 * bilinear enlarging of probability maps (see resample.h). */
#include "infer/resample.h"

#include <string.h>

void
mg_downsample_image (float *out, const float *in, int channels, int width,
                     int height, int factor)
{
  int sw = mg_scaled_size (width, factor), sh = mg_scaled_size (height, factor);

  for (int c = 0; c < channels; c++)
    for (int y = 0; y < sh; y++)
      for (int x = 0; x < sw; x++)
        {
          double sum = 0;
          int n = 0;

          for (int dy = 0; dy < factor && y * factor + dy < height; dy++)
            for (int dx = 0; dx < factor && x * factor + dx < width; dx++)
              {
                sum += in[((size_t) c * height + y * factor + dy) * width
                          + x * factor + dx];
                n++;
              }
          out[((size_t) c * sh + y) * sw + x] = (float) (sum / n);
        }
}

void
mg_downsample_labels (uint8_t *out, const uint8_t *in, int width, int height,
                      int factor)
{
  int sw = mg_scaled_size (width, factor), sh = mg_scaled_size (height, factor);
  int votes[256];

  for (int y = 0; y < sh; y++)
    for (int x = 0; x < sw; x++)
      {
        int best = 0;

        memset (votes, 0, sizeof votes);
        for (int dy = 0; dy < factor && y * factor + dy < height; dy++)
          for (int dx = 0; dx < factor && x * factor + dx < width; dx++)
            votes[in[(size_t) (y * factor + dy) * width + x * factor + dx]]++;
        for (int v = 1; v < 256; v++)
          if (votes[v] > votes[best] || (best == 0 && votes[v] > 0))
            best = v;
        out[(size_t) y * sw + x] = (uint8_t) best;
      }
}

/* Source index and weight of the upper neighbour for full-size index i. */
static inline void
source_of (int i, int factor, int n, int *i0, int *i1, float *t)
{
  float s = ((float) i + 0.5f) / (float) factor - 0.5f;

  if (s <= 0)
    {
      *i0 = *i1 = 0;
      *t = 0;
      return;
    }
  *i0 = (int) s;
  *t = s - (float) *i0;
  *i1 = *i0 + 1 < n ? *i0 + 1 : n - 1;
  if (*i0 > n - 1)
    *i0 = n - 1;
}

void
mg_upsample_planes (float *out, const float *in, int planes, int width,
                    int height, int factor)
{
  int sw = mg_scaled_size (width, factor), sh = mg_scaled_size (height, factor);

  for (int p = 0; p < planes; p++)
    {
      const float *src = in + (size_t) p * sw * sh;
      float *dst = out + (size_t) p * width * height;

      for (int y = 0; y < height; y++)
        {
          int y0, y1;
          float ty;

          source_of (y, factor, sh, &y0, &y1, &ty);
          for (int x = 0; x < width; x++)
            {
              int x0, x1;
              float tx;
              float top, bottom;

              source_of (x, factor, sw, &x0, &x1, &tx);
              top = src[(size_t) y0 * sw + x0] * (1 - tx)
                    + src[(size_t) y0 * sw + x1] * tx;
              bottom = src[(size_t) y1 * sw + x0] * (1 - tx)
                       + src[(size_t) y1 * sw + x1] * tx;
              dst[(size_t) y * width + x] = top * (1 - ty) + bottom * ty;
            }
        }
    }
}
