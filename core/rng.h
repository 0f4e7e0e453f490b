/* rng.h — the core's one seeded random number generator (xoshiro128+ style
 * splitmix64 seeding).  Deterministic across platforms for a given seed. */
#ifndef MG_RNG_H
#define MG_RNG_H

#include <stdint.h>

typedef struct
{
  uint64_t s[2];
} MgRng;

void     mg_rng_seed    (MgRng *rng, uint64_t seed);
uint64_t mg_rng_next    (MgRng *rng);
/* Uniform integer in [0, n), n > 0. */
uint32_t mg_rng_below   (MgRng *rng, uint32_t n);
/* Uniform float in [0, 1). */
float    mg_rng_uniform (MgRng *rng);
/* Standard normal (Box-Muller). */
float    mg_rng_normal  (MgRng *rng);

#endif /* MG_RNG_H */
