/* parallel.c — a small fixed pool of pthreads for mg_parallel_run.
 *
 * One job at a time: the caller publishes (fn, ctx) under the mutex with a
 * new generation number and wakes the workers; worker i runs part i + 1,
 * the caller part 0, and the caller waits until every worker has reported
 * back.  Between jobs, workers (and the caller, waiting for them) poll for
 * about MG_SPIN pauses (tens of microseconds), then sleep on a condition
 * variable: a training step runs some 500 jobs in quick succession, and a
 * sleeping thread takes 10-20 µs to wake; polling longer would take the
 * cores from OpenBLAS's threads during the GEMMs between our loops. */
#include "parallel.h"

#include "fpmode.h"
#include "maskgrow-core.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#define MG_POOL_MAX 64
#define MG_SPIN     2000

static inline void
spin_pause (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

static struct
{
  pthread_mutex_t lock;
  pthread_cond_t  wake;      /* workers: a new job or stop */
  pthread_cond_t  done;      /* caller: all workers finished */
  pthread_mutex_t busy;      /* held by the thread that runs a job */
  pthread_t       thread[MG_POOL_MAX];
  int             workers;   /* started threads (nth − 1) */
  int             planned;   /* the nth they were started for */
  atomic_ulong    generation;
  unsigned long   started_at; /* generation when the workers started */
  atomic_int      pending;   /* workers still running the current job */
  bool            stopping;
  bool            exit_hook;
  MgParallelFn    fn;
  void           *ctx;
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
           PTHREAD_COND_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
           { 0 }, 0, 0, 0, 0, 0, false, false, NULL, NULL };

static void *
worker_main (void *arg)
{
  int ith = (int) (size_t) arg;
  /* not 0: after a change of thread count the generation has moved on,
   * and a new worker must wait for the next job, not run the last one */
  unsigned long seen = pool.started_at;

  /* for good: a worker runs nothing but the core's jobs */
  mg_fp_flush_subnormals ();
  for (;;)
    {
      MgParallelFn fn;
      void *ctx;
      int nth;

      for (int i = 0; i < MG_SPIN && atomic_load (&pool.generation) == seen;
           i++)
        spin_pause ();
      pthread_mutex_lock (&pool.lock);
      while (! pool.stopping && atomic_load (&pool.generation) == seen)
        pthread_cond_wait (&pool.wake, &pool.lock);
      if (pool.stopping)
        {
          pthread_mutex_unlock (&pool.lock);
          break;
        }
      seen = atomic_load (&pool.generation);
      fn = pool.fn;
      ctx = pool.ctx;
      nth = pool.workers + 1;
      pthread_mutex_unlock (&pool.lock);
      fn (ctx, ith, nth);
      if (atomic_fetch_sub (&pool.pending, 1) == 1)
        {
          /* under the lock, so the caller cannot miss it between its
           * check and its wait */
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
  atomic_store (&pool.pending, 0);
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
  pool.started_at = atomic_load (&pool.generation);
  for (int i = 0; i < nth - 1 && i < MG_POOL_MAX; i++)
    {
      if (pthread_create (&pool.thread[i], NULL, worker_main,
                          (void *) (size_t) (i + 1)) != 0)
        break;
      pool.workers = i + 1;
    }
}

/* Runs the caller's part of a job with subnormals flushed (fpmode.h). */
static void
run_part (MgParallelFn fn, void *ctx, int nth)
{
  MgFpMode mode = mg_fp_flush_subnormals ();

  fn (ctx, 0, nth);
  mg_fp_restore (mode);
}

void
mg_parallel_run (MgParallelFn fn, void *ctx)
{
  int nth = mg_threads_get ();

  if (nth <= 1 || pthread_mutex_trylock (&pool.busy) != 0)
    {
      run_part (fn, ctx, 1);
      return;
    }
  if (pool.planned != nth)
    {
      pthread_mutex_unlock (&pool.busy);
      mg_parallel_stop ();
      pthread_mutex_lock (&pool.busy);
      pool_start (nth);
    }
  if (pool.workers == 0)
    {
      pthread_mutex_unlock (&pool.busy);
      run_part (fn, ctx, 1);
      return;
    }
  pthread_mutex_lock (&pool.lock);
  pool.fn = fn;
  pool.ctx = ctx;
  atomic_store (&pool.pending, pool.workers);
  atomic_fetch_add (&pool.generation, 1);
  pthread_cond_broadcast (&pool.wake);
  pthread_mutex_unlock (&pool.lock);

  run_part (fn, ctx, pool.workers + 1);

  for (int i = 0; i < MG_SPIN && atomic_load (&pool.pending) > 0; i++)
    spin_pause ();
  pthread_mutex_lock (&pool.lock);
  while (atomic_load (&pool.pending) > 0)
    pthread_cond_wait (&pool.done, &pool.lock);
  pthread_mutex_unlock (&pool.lock);
  pthread_mutex_unlock (&pool.busy);
}
