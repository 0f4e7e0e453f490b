/* parallel.h — the core's own thread pool for the loops that are not GEMMs
 * (im2col, col2im, ReLU, pooling, copies, Adam; style.md 'Hot loops').
 *
 * mg_parallel_run (fn, ctx) calls fn (ctx, ith, nth) for ith = 0..nth−1
 * at once on nth threads (the caller is thread 0) and returns when all
 * are done; nth = mg_threads_get ().  Each fn splits its work by a fixed
 * partition of an outer dimension (mg_parallel_range) and writes only
 * its own part, gather style, so no two threads write one element and a
 * run gives the same numbers whatever the thread count.  Every thread
 * runs its part with subnormal floats flushed to zero (fpmode.h), and the
 * caller gets its own floating-point mode back afterwards.
 *
 * Never call cblas_* inside fn: OpenBLAS has its own threads, and the two
 * pools must not run at once (OpenMathLib/OpenBLAS#3187).  A second thread
 * that calls mg_parallel_run while the pool is busy (a preview beside
 * training, say) runs fn alone on its own thread rather than wait. */
#ifndef MG_PARALLEL_H
#define MG_PARALLEL_H

#include <stddef.h>

typedef void (*MgParallelFn) (void *ctx, int ith, int nth);

void mg_parallel_run (MgParallelFn fn, void *ctx);

/* [*begin, *end) = part ith of nth of 0..count, in order, sizes differing
 * by at most one. */
static inline void
mg_parallel_range (size_t count, int ith, int nth, size_t *begin,
                   size_t *end)
{
  size_t base = count / (size_t) nth, extra = count % (size_t) nth;
  size_t i = (size_t) ith;

  *begin = i * base + (i < extra ? i : extra);
  *end = *begin + base + (i < extra ? 1 : 0);
}

/* The pool's threads are started at the first run and stopped (joined)
 * when the thread count changes or the process exits. */
void mg_parallel_stop (void);

#endif /* MG_PARALLEL_H */
