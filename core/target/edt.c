/* edt.c — squared distances by the lower envelope of parabolas along
 * columns, then along rows (F&H 2012, Algorithm 1), square root last. */
#include "target/edt.h"

#include <math.h>
#include <stdbool.h>

#define EDT_INF 1e20f

size_t
mg_edt_scratch_size (int width, int height)
{
  size_t n = (size_t) (width > height ? width : height);

  return (3 * n + 1) * sizeof (float) + n * sizeof (int);
}

/* 1-D squared distance transform of f (n samples, stride `step` in `data`),
 * in place.  f: copy of the input, z: n+1 envelope boundaries, v: n
 * parabola apexes, d: output. */
static void
edt_1d (float *data, size_t step, int n, float *f, float *d, float *z, int *v)
{
  int k = 0;

  for (int q = 0; q < n; q++)
    f[q] = data[q * step];
  v[0] = 0;
  z[0] = -EDT_INF;
  z[1] = EDT_INF;
  for (int q = 1; q < n; q++)
    {
      /* intersection of the parabola at q with the rightmost one kept */
      float s = ((f[q] + (float) q * q) - (f[v[k]] + (float) v[k] * v[k]))
                / (2.0f * (q - v[k]));
      while (s <= z[k])
        {
          k--;
          s = ((f[q] + (float) q * q) - (f[v[k]] + (float) v[k] * v[k]))
              / (2.0f * (q - v[k]));
        }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = EDT_INF;
    }
  k = 0;
  for (int q = 0; q < n; q++)
    {
      while (z[k + 1] < q)
        k++;
      d[q] = (float) (q - v[k]) * (q - v[k]) + f[v[k]];
    }
  for (int q = 0; q < n; q++)
    data[q * step] = d[q];
}

void
mg_edt (float *dist, const uint8_t *mask, int width, int height,
        void *scratch)
{
  int n = width > height ? width : height;
  float *f = scratch, *d = f + n, *z = d + n;
  int *v = (int *) (z + n + 1);
  size_t count = (size_t) width * height;
  bool any = false;

  for (size_t i = 0; i < count; i++)
    {
      dist[i] = mask[i] ? 0.0f : EDT_INF;
      any = any || mask[i];
    }
  if (! any)
    {
      for (size_t i = 0; i < count; i++)
        dist[i] = INFINITY;
      return;
    }
  for (int x = 0; x < width; x++)
    edt_1d (dist + x, (size_t) width, height, f, d, z, v);
  for (int y = 0; y < height; y++)
    edt_1d (dist + (size_t) y * width, 1, width, f, d, z, v);
  for (size_t i = 0; i < count; i++)
    dist[i] = sqrtf (dist[i]);
}
