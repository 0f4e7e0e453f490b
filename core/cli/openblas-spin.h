/* openblas-spin.h — start programs that use the core with OpenBLAS's idle
 * threads told to sleep at once instead of spinning.
 *
 * After each GEMM, OpenBLAS's worker threads keep polling for new work for
 * 2^28 cycles (its default THREAD_TIMEOUT, ~0.1 s) with sched_yield.  The
 * core's own pool (parallel.h) runs its loops between the GEMMs on the
 * same cores and had to fight those pollers: a training step took 0.80 s
 * instead of 0.61 s (grey, 4 x 256², 2 cores).  Since the core keeps
 * OpenBLAS at one thread (threads.c) its workers get no GEMMs and this
 * no longer changes the core's speed (a default step 0.0327 s with and
 * without it, 2026-11-27); only `maskgrow bench`'s reference sgemm runs
 * on OpenBLAS's threads.  It stays until its GIMP test goes with it.
 * OpenBLAS reads the
 * setting only once, from OPENBLAS_THREAD_TIMEOUT when the library is
 * loaded, before main runs; so main sets it and runs itself again.  A
 * value the user set is kept (an empty one counts as unset: the GIMP
 * tests use that to exercise the restart).  Used by the command-line tool and the
 * GIMP plug-in (both are processes of their own). */
#ifndef MG_OPENBLAS_SPIN_H
#define MG_OPENBLAS_SPIN_H

#include <stdlib.h>
#include <unistd.h>

static inline void
mg_restart_with_short_openblas_spin (char **argv)
{
  const char *set = getenv ("OPENBLAS_THREAD_TIMEOUT");

  if (set != NULL && set[0] != '\0')
    return;
  /* 4 is OpenBLAS's minimum: 2^4 cycles of polling, then sleep */
  if (setenv ("OPENBLAS_THREAD_TIMEOUT", "4", 1) != 0)
    return;
  execv ("/proc/self/exe", argv);
  /* exec failed (no /proc, say): go on, only slower */
}

#endif /* MG_OPENBLAS_SPIN_H */
