/* adam.c — Adam on a flat block (llm.c's gpt2_update shape), defaults
 * beta1 0.9, beta2 0.999, eps 1e-8 as in the paper.  The update runs on
 * the core's pool (parallel.h), a range of parameters a part: each
 * parameter is updated alone, so the split changes nothing in the
 * results (0.87 ms of a 33 ms default step on one thread). */
#include "optim/adam.h"

#include "parallel.h"

#include <math.h>
#include <string.h>

void
mg_adam_init (MgAdam *adam, float lr, float *m, float *v, size_t count)
{
  adam->lr = lr;
  adam->beta1 = 0.9f;
  adam->beta2 = 0.999f;
  adam->eps = 1e-8f;
  adam->t = 0;
  adam->m = m;
  adam->v = v;
  adam->count = count;
  memset (m, 0, count * sizeof (float));
  memset (v, 0, count * sizeof (float));
}

typedef struct
{
  const MgAdam *adam;
  float        *params;
  const float  *grads;
  float         c1, c2;  /* bias corrections of this step */
} AdamJob;

static void
adam_part (void *ctx, int ith, int nth)
{
  const AdamJob *j = ctx;
  const MgAdam *adam = j->adam;
  const float b1 = adam->beta1, b2 = adam->beta2;
  size_t i0, i1;

  mg_parallel_range (adam->count, ith, nth, &i0, &i1);
  for (size_t i = i0; i < i1; i++)
    {
      float g = j->grads[i];
      float m = adam->m[i] = b1 * adam->m[i] + (1.0f - b1) * g;
      float v = adam->v[i] = b2 * adam->v[i] + (1.0f - b2) * g * g;

      j->params[i] -= adam->lr * (m * j->c1)
                      / (sqrtf (v * j->c2) + adam->eps);
    }
}

void
mg_adam_step (MgAdam *adam, float *params, const float *grads)
{
  AdamJob j = { adam, params, grads, 0, 0 };

  adam->t++;
  j.c1 = 1.0f / (1.0f - powf (adam->beta1, (float) adam->t));
  j.c2 = 1.0f / (1.0f - powf (adam->beta2, (float) adam->t));
  mg_parallel_run (adam_part, &j);
}
