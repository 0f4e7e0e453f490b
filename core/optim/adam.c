/* adam.c — Adam on a flat block (llm.c's gpt2_update shape), defaults
 * beta1 0.9, beta2 0.999, eps 1e-8 as in the paper. */
#include "optim/adam.h"

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

void
mg_adam_step (MgAdam *adam, float *params, const float *grads)
{
  float b1 = adam->beta1, b2 = adam->beta2;
  float c1, c2;

  adam->t++;
  c1 = 1.0f / (1.0f - powf (b1, (float) adam->t));
  c2 = 1.0f / (1.0f - powf (b2, (float) adam->t));
  for (size_t i = 0; i < adam->count; i++)
    {
      float g = grads[i];
      float m = adam->m[i] = b1 * adam->m[i] + (1.0f - b1) * g;
      float v = adam->v[i] = b2 * adam->v[i] + (1.0f - b2) * g * g;

      params[i] -= adam->lr * (m * c1) / (sqrtf (v * c2) + adam->eps);
    }
}
