/* parallel.h — the core's own thread pool, for every loop of the core:
 * im2col, ReLU, pooling, copies, Adam, the convolution kernels and, cut
 * in blocks, the GEMMs (ops/gemm.h; style.md 'Hot loops').
 *
 * mg_parallel_run (fn, ctx) calls fn (ctx, ith, nth) once for each part
 * ith = 0..nth−1 and returns when all are done; nth is the pool's
 * threads: mg_threads_get (), at most 32, fewer if the system would not
 * start them, and 1 when the pool is busy with another thread's job (see
 * the end).  The parts run at once on the pool's threads, but not on
 * fixed ones: a thread that is late to start (asleep, or its core taken by
 * another program) leaves its part to the others, the caller included
 * (parallel.c).  So fn must not depend on which thread runs a part, only
 * on ith.  Each fn splits its work by a fixed partition of an outer
 * dimension (mg_parallel_range), or claims chunks of it as it goes
 * (MgParallelQueue, below), and writes only what it took, gather style,
 * so no two parts write one element; the loops that split so give the
 * same numbers whatever nth (the GEMMs do not quite: ops/gemm.c).  Every
 * part runs with subnormal floats flushed to zero (fpmode.h), and the
 * caller gets its own floating-point mode back afterwards.
 *
 * fn may call OpenBLAS: the core keeps it at one thread (threads.c), so it
 * runs in the calling thread and no second pool competes with this one
 * (OpenMathLib/OpenBLAS#3187).  A second thread that calls
 * mg_parallel_run while the pool is busy (a preview beside training, say)
 * runs fn alone on its own thread rather than wait. */
#ifndef MG_PARALLEL_H
#define MG_PARALLEL_H

#include <stdatomic.h>
#include <stdbool.h>
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

/* A dynamic split, for the jobs that carry most of the time (the
 * convolution kernels): items [0, count) are handed out in chunks to
 * whichever thread asks next, so a thread that starts late (a worker
 * waking from sleep) or runs on a slower or busier core takes fewer, and
 * the caller does not wait for the last static part to finish.  The
 * chunks are contiguous and an item is computed the same whichever thread
 * takes it, so results stay independent of the thread count.  Fill with
 * mg_parallel_queue_init before each mg_parallel_run; inside fn:
 *   while (mg_parallel_claim (&q, &i0, &i1)) for (i = i0; i < i1; i++) */
typedef struct
{
  atomic_size_t next;
  size_t        count, grain;
} MgParallelQueue;

/* chunks of count / (8 x threads) items, at least one: small enough that
 * the last chunks even out the threads, large enough that claiming (one
 * atomic add, its cache line shared by the threads) costs nothing */
static inline void
mg_parallel_queue_init (MgParallelQueue *q, size_t count, int nth)
{
  size_t grain = count / (8 * (size_t) (nth > 1 ? nth : 1));

  atomic_init (&q->next, 0);
  q->count = count;
  q->grain = grain > 0 ? grain : 1;
}

static inline bool
mg_parallel_claim (MgParallelQueue *q, size_t *begin, size_t *end)
{
  size_t b = atomic_fetch_add_explicit (&q->next, q->grain,
                                        memory_order_relaxed);

  if (b >= q->count)
    return false;
  *begin = b;
  *end = q->count - b < q->grain ? q->count : b + q->grain;
  return true;
}

/* The pool's threads are started at the first run and stopped (joined)
 * when the thread count changes or the process exits. */
void mg_parallel_stop (void);

#endif /* MG_PARALLEL_H */
