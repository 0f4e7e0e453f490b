/* rng.c — xoroshiro128+ seeded through splitmix64.  Small, fast, and the
 * same numbers on every platform, so a seed reproduces a model. */
#include "rng.h"

#include <math.h>

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void
mg_rng_seed (MgRng *rng, uint64_t seed)
{
  rng->s[0] = splitmix64 (&seed);
  rng->s[1] = splitmix64 (&seed);
}

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

uint64_t
mg_rng_next (MgRng *rng)
{
  uint64_t s0 = rng->s[0];
  uint64_t s1 = rng->s[1];
  uint64_t result = s0 + s1;

  s1 ^= s0;
  rng->s[0] = rotl (s0, 24) ^ s1 ^ (s1 << 16);
  rng->s[1] = rotl (s1, 37);
  return result;
}

uint32_t
mg_rng_below (MgRng *rng, uint32_t n)
{
  /* The top 32 bits are the best of xoroshiro128+; the multiply-shift maps
   * them to [0, n) with a bias below 2^-32 · n, irrelevant here. */
  return (uint32_t) (((mg_rng_next (rng) >> 32) * (uint64_t) n) >> 32);
}

float
mg_rng_uniform (MgRng *rng)
{
  return (float) (mg_rng_next (rng) >> 40) * (1.0f / 16777216.0f);
}

float
mg_rng_normal (MgRng *rng)
{
  float u1 = mg_rng_uniform (rng);
  float u2 = mg_rng_uniform (rng);

  if (u1 < 1e-7f)
    u1 = 1e-7f;
  return sqrtf (-2.0f * logf (u1)) * cosf (6.28318530718f * u2);
}
