/* clock.h — monotonic seconds for budgets and progress (internal). */
#ifndef MG_CLOCK_H
#define MG_CLOCK_H

#include <time.h>

static inline double
mg_now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

#endif /* MG_CLOCK_H */
