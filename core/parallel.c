/* parallel.c — a small fixed pool of pthreads for mg_parallel_run.
 *
 * One job at a time, split into nth parts (nth = the workers + the
 * caller).  The caller publishes (fn, ctx, nth) with a new generation
 * number and wakes the workers; then every thread, the caller too, claims
 * parts that nobody has taken yet — its own first (worker i part i, the
 * caller part 0, so consecutive jobs find their halves of the data in the
 * same cache), then any other — and runs them, until none is left.  The
 * caller returns when every part has finished.  A worker that has not
 * started (asleep, or its core taken by another program) therefore holds
 * nothing up: the caller runs its part too.  With a fixed part per thread
 * instead, every job waited for the slowest thread to be scheduled: with
 * one other busy program on a 2-core machine, a default training step took
 * 0.100 s on 2 threads against 0.058 s on 1.  Which thread runs a part
 * changes nothing in the results: part ith of nth does the same work
 * wherever it runs.
 *
 * Between jobs, workers (and the caller, waiting for them) poll for about
 * MG_SPIN pauses (tens of microseconds), then sleep on a condition
 * variable: a training step runs some 200 jobs in quick succession, and a
 * sleeping thread takes 10-20 µs to wake.  The mutex is taken only to
 * sleep and to wake a sleeper: the caller broadcasts a new job only if a
 * worker has said it sleeps, and a worker signals the end of a job only
 * if the caller has (each says so before its last look at the other's
 * progress, and the two are sequentially consistent, so one of them sees
 * the other).  A worker preempted while it held the mutex therefore
 * stalls nobody who did not need it. */
#include "parallel.h"

#include "fpmode.h"
#include "maskgrow-core.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* threads of a job, the caller included: one bit each in the claim word */
#define MG_POOL_MAX 32
#define MG_SPIN     2000

static inline void
spin_pause (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

/* The claim word: generation << 32 | the parts of that job taken so far,
 * bit i for part i.  One word, so that a claim (compare-and-swap) on a job
 * that has finished and been replaced fails instead of taking a part of
 * the next one. */
static inline uint32_t
state_generation (uint64_t state)
{
  return (uint32_t) (state >> 32);
}

static struct
{
  pthread_mutex_t lock;
  pthread_cond_t  wake;      /* workers: a new job or stop */
  pthread_cond_t  done;      /* caller: all parts finished */
  pthread_mutex_t busy;      /* held by the thread that runs a job */
  pthread_t       thread[MG_POOL_MAX];
  int             workers;   /* started threads (nth − 1) */
  int             planned;   /* the nth they were started for */
  _Atomic uint64_t state;    /* the claim word, above */
  uint32_t        started_at; /* generation when the workers started */
  atomic_int      remaining; /* parts of the current job not finished */
  atomic_int      sleepers;  /* workers asleep, or about to be, on wake */
  atomic_bool     caller_asleep; /* the caller asleep, or about to be, on
                                  * done */
  bool            stopping;
  bool            exit_hook;
  /* the current job, written before its generation is published; a
   * thread that reads them for a job already replaced fails its claim */
  _Atomic (MgParallelFn) fn;
  _Atomic (void *) ctx;
  atomic_int      nth;
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
           PTHREAD_COND_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
           { 0 }, 0, 0, 0, 0, 0, 0, false, false, false, NULL, NULL, 0 };

/* Claims and runs parts of job `generation`, own part `prefer` first,
 * until none is left; returns true if this thread finished the job's
 * last part.  `state` is a value of the claim word read with acquire. */
static bool
run_parts (uint64_t state, uint32_t generation, int prefer)
{
  bool finished_last = false;

  while (state_generation (state) == generation)
    {
      MgParallelFn fn = atomic_load_explicit (&pool.fn, memory_order_relaxed);
      void *ctx = atomic_load_explicit (&pool.ctx, memory_order_relaxed);
      int nth = atomic_load_explicit (&pool.nth, memory_order_relaxed);
      uint32_t all = nth >= 32 ? UINT32_MAX : (UINT32_C (1) << nth) - 1;
      uint32_t open = all & ~(uint32_t) state;
      int part;

      if (open == 0)
        break;
      part = (open >> prefer) & 1 ? prefer : __builtin_ctz (open);
      /* success also proves fn, ctx and nth were this job's: the next job
       * is published only after this part has finished */
      if (atomic_compare_exchange_weak_explicit (
            &pool.state, &state, state | UINT32_C (1) << part,
            memory_order_acq_rel, memory_order_acquire))
        {
          fn (ctx, part, nth);
          finished_last = atomic_fetch_sub (&pool.remaining, 1) == 1;
          state = atomic_load_explicit (&pool.state, memory_order_acquire);
        }
    }
  return finished_last;
}

static void *
worker_main (void *arg)
{
  int ith = (int) (size_t) arg;
  /* not 0: after a change of thread count the generation has moved on,
   * and a new worker must wait for the next job, not run the last one */
  uint32_t seen = pool.started_at;

  /* for good: a worker runs nothing but the core's jobs */
  mg_fp_flush_subnormals ();
  for (;;)
    {
      uint64_t state = atomic_load_explicit (&pool.state,
                                             memory_order_acquire);

      for (int i = 0; i < MG_SPIN && state_generation (state) == seen; i++)
        {
          spin_pause ();
          state = atomic_load_explicit (&pool.state, memory_order_acquire);
        }
      if (state_generation (state) == seen)
        {
          bool stop;

          pthread_mutex_lock (&pool.lock);
          atomic_fetch_add (&pool.sleepers, 1);   /* before the last look */
          while (! pool.stopping
                 && state_generation (state = atomic_load (&pool.state))
                      == seen)
            pthread_cond_wait (&pool.wake, &pool.lock);
          atomic_fetch_sub (&pool.sleepers, 1);
          stop = pool.stopping;
          pthread_mutex_unlock (&pool.lock);
          if (stop)
            break;
        }
      seen = state_generation (state);
      /* finished the last part (its fetch_sub, sequentially consistent,
       * came before this look): wake the caller if it sleeps; under the
       * lock, so it cannot miss this between its check and its wait */
      if (run_parts (state, seen, ith) && atomic_load (&pool.caller_asleep))
        {
          pthread_mutex_lock (&pool.lock);
          pthread_cond_signal (&pool.done);
          pthread_mutex_unlock (&pool.lock);
        }
    }
  return NULL;
}

void
mg_parallel_stop (void)
{
  pthread_mutex_lock (&pool.busy);
  pthread_mutex_lock (&pool.lock);
  pool.stopping = true;
  pthread_cond_broadcast (&pool.wake);
  pthread_mutex_unlock (&pool.lock);
  for (int i = 0; i < pool.workers; i++)
    pthread_join (pool.thread[i], NULL);
  pool.workers = 0;
  pool.planned = 0;
  pool.stopping = false;
  pthread_mutex_unlock (&pool.busy);
}

static void
stop_at_exit (void)
{
  mg_parallel_stop ();
}

/* A child of fork () has none of the workers: it starts its own. */
static void
forget_in_child (void)
{
  pthread_mutex_init (&pool.lock, NULL);
  pthread_mutex_init (&pool.busy, NULL);
  pthread_cond_init (&pool.wake, NULL);
  pthread_cond_init (&pool.done, NULL);
  pool.workers = 0;
  pool.planned = 0;
  atomic_store (&pool.remaining, 0);
  atomic_store (&pool.sleepers, 0);
  atomic_store (&pool.caller_asleep, false);
  pool.stopping = false;
}

/* Starts nth − 1 workers (called with busy held, no job running). */
static void
pool_start (int nth)
{
  if (! pool.exit_hook)
    pool.exit_hook = atexit (stop_at_exit) == 0
                     && pthread_atfork (NULL, NULL, forget_in_child) == 0;
  pool.planned = nth;
  pool.started_at = state_generation (atomic_load (&pool.state));
  for (int i = 0; i < nth - 1 && i < MG_POOL_MAX - 1; i++)
    {
      if (pthread_create (&pool.thread[i], NULL, worker_main,
                          (void *) (size_t) (i + 1)) != 0)
        break;
      pool.workers = i + 1;
    }
}

void
mg_parallel_run (MgParallelFn fn, void *ctx)
{
  int nth = mg_threads_get ();
  uint32_t generation;
  uint64_t state;
  MgFpMode mode;

  if (nth <= 1 || pthread_mutex_trylock (&pool.busy) != 0)
    {
      mode = mg_fp_flush_subnormals ();
      fn (ctx, 0, 1);
      mg_fp_restore (mode);
      return;
    }
  /* a loop: between our stop and our lock, another thread may have run
   * a job and started workers of its own */
  while (pool.planned != nth)
    if (pool.planned == 0)
      pool_start (nth);
    else
      {
        pthread_mutex_unlock (&pool.busy);
        mg_parallel_stop ();
        pthread_mutex_lock (&pool.busy);
      }
  nth = pool.workers + 1;
  atomic_store_explicit (&pool.fn, fn, memory_order_relaxed);
  atomic_store_explicit (&pool.ctx, ctx, memory_order_relaxed);
  atomic_store_explicit (&pool.nth, nth, memory_order_relaxed);
  atomic_store_explicit (&pool.remaining, nth, memory_order_relaxed);
  generation = state_generation (atomic_load (&pool.state)) + 1;
  state = (uint64_t) generation << 32;
  atomic_store (&pool.state, state);
  /* after the store, sequentially consistent: a worker that has not yet
   * counted itself among the sleepers will see the new job */
  if (atomic_load (&pool.sleepers) > 0)
    {
      pthread_mutex_lock (&pool.lock);
      pthread_cond_broadcast (&pool.wake);
      pthread_mutex_unlock (&pool.lock);
    }

  mode = mg_fp_flush_subnormals ();
  run_parts (state, generation, 0);
  mg_fp_restore (mode);

  for (int i = 0; i < MG_SPIN && atomic_load (&pool.remaining) > 0; i++)
    spin_pause ();
  if (atomic_load (&pool.remaining) > 0)
    {
      pthread_mutex_lock (&pool.lock);
      atomic_store (&pool.caller_asleep, true);   /* before the last look */
      while (atomic_load (&pool.remaining) > 0)
        pthread_cond_wait (&pool.done, &pool.lock);
      atomic_store (&pool.caller_asleep, false);
      pthread_mutex_unlock (&pool.lock);
    }
  pthread_mutex_unlock (&pool.busy);
}
