/* adam.h — Adam (Kingma & Ba 2015) on one flat parameter block. */
#ifndef MG_ADAM_H
#define MG_ADAM_H

#include <stddef.h>

typedef struct
{
  float lr, beta1, beta2, eps;
  int   t;            /* steps taken */
  float *m, *v;       /* first and second moments, count floats each */
  size_t count;
} MgAdam;

/* m and v are caller-owned blocks of count floats, zeroed here. */
void mg_adam_init (MgAdam *adam, float lr, float *m, float *v, size_t count);
/* params -= lr · m̂ / (sqrt(v̂) + eps), with bias-corrected moments. */
void mg_adam_step (MgAdam *adam, float *params, const float *grads);

#endif /* MG_ADAM_H */
