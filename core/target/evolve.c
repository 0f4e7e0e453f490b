/* evolve.c — recursive mask evolution as a capped multi-source breadth-
 * first growth: every labelled region advances one 4-connected step per
 * wave into unlabelled pixels that the network gives to its class, claims
 * made in the same wave by two regions cancel, and an object pixel is not
 * taken next to another object of its class (see evolve.h for why). */
#include "target/evolve.h"

#include "ops/ops.h"

#include <stdbool.h>
#include <string.h>

size_t
mg_evolve_scratch_size (int width, int height)
{
  return 4 * (size_t) width * height * sizeof (int32_t);
}

/* The 4-neighbours of pixel p, -1 where the image ends. */
static inline void
neighbours4 (int32_t nb[4], int32_t p, int width, int height)
{
  int x = p % width, y = p / width;

  nb[0] = x > 0 ? p - 1 : -1;
  nb[1] = x + 1 < width ? p + 1 : -1;
  nb[2] = y > 0 ? p - width : -1;
  nb[3] = y + 1 < height ? p + width : -1;
}

int32_t
mg_evolve_instances (int32_t *instance, const uint8_t *labels, int width,
                     int height, int32_t *stack)
{
  int32_t n = (int32_t) ((size_t) width * height);
  int32_t next = 2;

  for (int32_t i = 0; i < n; i++)
    instance[i] = labels[i] == MG_IGNORE ? 0 : labels[i] == 0 ? 1 : -1;
  /* flood fill each unnumbered object region (-1) with a new id */
  for (int32_t s = 0; s < n; s++)
    {
      int top = 0;

      if (instance[s] != -1)
        continue;
      instance[s] = next;
      stack[top++] = s;
      while (top > 0)
        {
          int32_t p = stack[--top], nb[4];

          neighbours4 (nb, p, width, height);

          for (int k = 0; k < 4; k++)
            if (nb[k] >= 0 && instance[nb[k]] == -1
                && labels[nb[k]] == labels[s])
              {
                instance[nb[k]] = next;
                stack[top++] = nb[k];
              }
        }
      next++;
    }
  return next;
}

/* Is c the most likely class at pixel q, with probability >= confidence? */
static bool
is_candidate (const float *prob, int classes, size_t plane, int32_t q, int c,
              float confidence)
{
  float pc = prob[c * plane + q];

  if (pc < confidence)
    return false;
  for (int k = 0; k < classes; k++)
    if (k != c && prob[k * plane + q] > pc)
      return false;
  return true;
}

/* Does q touch an object of class c other than instance id? */
static bool
touches_other_object (const uint8_t *labels, const int32_t *instance,
                      int width, int height, int32_t q, int c, int32_t id)
{
  int32_t nb[4];

  neighbours4 (nb, q, width, height);
  for (int k = 0; k < 4; k++)
    if (nb[k] >= 0 && labels[nb[k]] == c && instance[nb[k]] != id)
      return true;
  return false;
}

size_t
mg_evolve (uint8_t *labels, int32_t *instance, const float *prob,
           int classes, int width, int height, const uint8_t *blocked,
           const MgEvolveParams *params, void *scratch)
{
  int32_t n = (int32_t) ((size_t) width * height);
  size_t plane = (size_t) n;
  int32_t *claim = scratch;      /* 0 free, -1 lost this level, id claimant */
  int32_t *via = claim + n;      /* the pixel a claim came from */
  int32_t *front = via + n, *grown = front + n;
  int32_t n_front = 0;
  size_t added = 0;

  memset (claim, 0, (size_t) n * sizeof (int32_t));
  for (int32_t p = 0; p < n; p++)
    if (instance[p] > 1 || (instance[p] == 1 && params->background))
      front[n_front++] = p;
  for (int step = 0; step < params->growth && n_front > 0; step++)
    {
      int32_t n_claimed = 0, n_grown = 0;

      /* wave: every front pixel claims its free candidate neighbours */
      for (int32_t i = 0; i < n_front; i++)
        {
          int32_t p = front[i], nb[4];
          int c = labels[p];

          neighbours4 (nb, p, width, height);

          for (int k = 0; k < 4; k++)
            {
              int32_t q = nb[k];

              if (q < 0 || labels[q] != MG_IGNORE || claim[q] == -1
                  || (blocked != NULL && blocked[q]))
                continue;
              if (! is_candidate (prob, classes, plane, q, c,
                                  params->confidence))
                continue;
              if (claim[q] == 0)
                {
                  claim[q] = instance[p];
                  via[q] = p;
                  grown[n_claimed++] = q;
                }
              else if (claim[q] != instance[p])
                claim[q] = -1; /* two regions reached it at once */
            }
        }
      /* commit the uncontested claims; they are the next front */
      for (int32_t i = 0; i < n_claimed; i++)
        {
          int32_t q = grown[i], id = claim[q];
          int c;

          if (id <= 0)
            continue;
          c = labels[via[q]];
          if (c != 0 && touches_other_object (labels, instance, width, height,
                                              q, c, id))
            {
              claim[q] = -1; /* keep a gap between touching objects */
              continue;
            }
          labels[q] = (uint8_t) c;
          instance[q] = id;
          grown[n_grown++] = q;
          added++;
        }
      /* the committed pixels are the new front (grown[] is reused) */
      memcpy (front, grown, (size_t) n_grown * sizeof (int32_t));
      n_front = n_grown;
    }
  return added;
}
