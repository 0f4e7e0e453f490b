/* test-parallel.c — the core's thread pool (core/parallel.c).
 *
 * /core/parallel/each-part-once   for 1-4 threads and several counts,
 *                                 every index is visited by exactly one
 *                                 part and every part runs once (workers
 *                                 restarted for a new thread count once
 *                                 ran the previous job again)
 * /core/parallel/queue-each-item-once
 *                                 items claimed from an MgParallelQueue by
 *                                 1-4 threads: every item taken by exactly
 *                                 one thread, in chunks of the grain, and
 *                                 every thread that asks after the end
 *                                 gets nothing
 * /core/parallel/subnormals-flushed
 *                                 inside a job, on every thread, a product
 *                                 below FLT_MIN is 0 and a subnormal input
 *                                 reads as 0 (fpmode.h: they cost ~100
 *                                 cycles each on x86); after the job the
 *                                 caller's own mode is back
 * /core/parallel/no-stale-part    20 000 jobs on 2-4 threads, each part
 *                                 spinning a little so that threads come
 *                                 late: every part of every job runs
 *                                 once, none after its job has returned
 *                                 (a claim on a finished job must fail)
 * /core/parallel/stalled-worker   a worker held in a signal handler: jobs
 *                                 on 2 threads still finish, every part
 *                                 run by the caller (a fixed part per
 *                                 thread waited for it: with other
 *                                 programs busy, a training step took up
 *                                 to 20x as long on 2 threads as on 1)
 */
#define _GNU_SOURCE  /* pthread_kill, nanosleep under -std=c11 */
#include <float.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "fpmode.h"
#include "maskgrow-core.h"
#include "parallel.h"

#define MAX_THREADS 4

typedef struct
{
  size_t count;
  int   *visits;                /* count entries */
  int    ran[MAX_THREADS];      /* times part ith ran */
  int    nth_seen[MAX_THREADS];
} Parts;

static void
visit (void *ctx, int ith, int nth)
{
  Parts *p = ctx;
  size_t begin, end;

  mg_parallel_range (p->count, ith, nth, &begin, &end);
  for (size_t i = begin; i < end; i++)
    p->visits[i]++;
  p->ran[ith]++;
  p->nth_seen[ith] = nth;
}

static void
test_each_part_once (void)
{
  static const size_t counts[] = { 0, 1, 3, 7, 1000 };

  /* every change of thread count restarts the workers: many rounds, so a
   * worker that wakes to a stale job is caught, not just sometimes */
  for (int round = 0; round < 50; round++)
    for (int threads = 1; threads <= MAX_THREADS; threads++)
      for (size_t k = 0; k < G_N_ELEMENTS (counts); k++)
        {
          Parts p = { counts[k], g_new0 (int, counts[k] + 1), { 0 }, { 0 } };
          int nth;

          mg_threads_set (threads);
          mg_parallel_run (visit, &p);
          nth = p.nth_seen[0];
          g_assert_cmpint (nth, >=, 1);
          g_assert_cmpint (nth, <=, threads);
          for (size_t i = 0; i < p.count; i++)
            g_assert_cmpint (p.visits[i], ==, 1);
          for (int t = 0; t < MAX_THREADS; t++)
            {
              g_assert_cmpint (p.ran[t], ==, (t < nth ? 1 : 0));
              if (t < nth)
                g_assert_cmpint (p.nth_seen[t], ==, nth);
            }
          g_free (p.visits);
        }
}

typedef struct
{
  MgParallelQueue queue;
  int            *visits;           /* queue.count entries */
  int             after_end[MAX_THREADS]; /* claims refused at the end */
  int             nth;              /* threads the job ran on */
} Claims;

static void
claim_all (void *ctx, int ith, int nth)
{
  Claims *c = ctx;
  size_t begin, end, biggest = 0;

  if (ith == 0)
    c->nth = nth;
  while (mg_parallel_claim (&c->queue, &begin, &end))
    {
      g_assert_cmpuint (begin, <, end);
      g_assert_cmpuint (end, <=, c->queue.count);
      if (end - begin > biggest)
        biggest = end - begin;
      for (size_t i = begin; i < end; i++)
        c->visits[i]++;   /* each item once: no two threads touch one */
    }
  c->after_end[ith] = ! mg_parallel_claim (&c->queue, &begin, &end);
  if (biggest > 0)  /* claims are under the queue's grain */
    g_assert_cmpuint (biggest, <=, c->queue.grain);
}

static void
test_queue_each_item_once (void)
{
  static const size_t counts[] = { 0, 1, 5, 17, 1000, 4097 };

  for (int round = 0; round < 20; round++)
    for (int threads = 1; threads <= MAX_THREADS; threads++)
      for (size_t k = 0; k < G_N_ELEMENTS (counts); k++)
        {
          Claims c;

          memset (&c, 0, sizeof c);
          mg_threads_set (threads);
          mg_parallel_queue_init (&c.queue, counts[k], threads);
          g_assert_cmpuint (c.queue.grain, >=, 1);
          g_assert_cmpuint (c.queue.grain, <=,
                            counts[k] / (8 * (size_t) threads) + 1);
          c.visits = g_new0 (int, counts[k] + 1);
          mg_parallel_run (claim_all, &c);
          for (size_t i = 0; i < counts[k]; i++)
            g_assert_cmpint (c.visits[i], ==, 1);
          g_assert_cmpint (c.visits[counts[k]], ==, 0);
          g_assert_cmpint (c.nth, >=, 1);
          g_assert_cmpint (c.nth, <=, threads);
          for (int t = 0; t < c.nth; t++)
            g_assert_cmpint (c.after_end[t], ==, 1);
          g_free (c.visits);
        }
}

/* volatile, so the compiler computes these at run time, in the mode the
 * thread has then */
static volatile float tiny_a = 1e-30f, tiny_b = 1e-10f;
static volatile float subnormal = FLT_MIN / 64;

typedef struct
{
  float product[MAX_THREADS]; /* tiny_a · tiny_b: 1e-40 unless flushed */
  float read[MAX_THREADS];    /* subnormal + 0: itself unless read as 0 */
  int   nth;
} Modes;

static void
record_mode (void *ctx, int ith, int nth)
{
  Modes *m = ctx;

  m->product[ith] = tiny_a * tiny_b;
  m->read[ith] = subnormal + 0.0f;
  m->nth = nth;
}

static void
test_subnormals_flushed (void)
{
#ifndef MG_FP_FLUSH_BITS
  g_test_skip ("no flush-to-zero mode known for this CPU");
#else
  MgFpMode own;
  volatile float flushed; /* volatile: computed between the two mode changes */

  g_assert_cmpfloat (tiny_a * tiny_b, >, 0);   /* the default mode */
  /* valgrind runs SSE code without FTZ/DAZ (it warns and goes on): then
   * there is nothing this test could see */
  own = mg_fp_flush_subnormals ();
  flushed = tiny_a * tiny_b;
  mg_fp_restore (own);
  if (flushed != 0)
    {
      g_test_skip ("flush-to-zero is ignored here (valgrind?)");
      return;
    }
  for (int threads = 1; threads <= 2; threads++)
    for (int run = 0; run < 3; run++)  /* a worker keeps its mode */
      {
        Modes m = { { 0 }, { 0 }, 0 };

        mg_threads_set (threads);
        mg_parallel_run (record_mode, &m);
        g_assert_cmpint (m.nth, ==, threads);
        for (int t = 0; t < m.nth; t++)
          {
            g_assert_cmpfloat (m.product[t], ==, 0);
            g_assert_cmpfloat (m.read[t], ==, 0);
          }
        /* the caller's own mode is back */
        g_assert_cmpfloat (tiny_a * tiny_b, >, 0);
        g_assert_cmpfloat (subnormal + 0.0f, ==, FLT_MIN / 64);
      }
#endif
}

/* A job whose parts stamp themselves; `closed` is set once
 * mg_parallel_run has returned, so a part that runs later is counted. */
typedef struct
{
  atomic_int ran[MAX_THREADS];
  atomic_int closed;
  int        spin;
} Stamp;

static atomic_int late_parts;

static void
stamp (void *ctx, int ith, int nth)
{
  Stamp *s = ctx;

  g_assert_cmpint (ith, <, nth);
  if (atomic_load (&s->closed))
    atomic_fetch_add (&late_parts, 1);
  for (volatile int i = 0; i < s->spin; i++)
    ;
  atomic_fetch_add (&s->ran[ith], 1);
}

static void
test_no_stale_part (void)
{
  /* two contexts taken in turn: a stale claim would stamp the wrong one */
  static Stamp jobs[2];

  atomic_store (&late_parts, 0);
  for (int threads = 2; threads <= MAX_THREADS; threads++)
    {
      mg_threads_set (threads);
      for (int k = 0; k < 5000; k++)
        {
          Stamp *s = &jobs[k % 2];

          for (int t = 0; t < MAX_THREADS; t++)
            atomic_store (&s->ran[t], 0);
          atomic_store (&s->closed, 0);
          s->spin = (k * 7919) % 2000;
          mg_parallel_run (stamp, s);
          atomic_store (&s->closed, 1);
          for (int t = 0; t < MAX_THREADS; t++)
            g_assert_cmpint (atomic_load (&s->ran[t]), ==, t < threads);
        }
    }
  g_assert_cmpint (atomic_load (&late_parts), ==, 0);
}

/* The stalled worker: SIGUSR1 holds the thread it lands on in the handler
 * until `release` is set. */
static atomic_int held, release;
static pthread_t caller_thread;
static _Atomic pthread_t worker_thread;
static atomic_int found_worker;

static void
hold_here (int sig)
{
  struct timespec nap = { 0, 1000000 };

  (void) sig;
  atomic_store (&held, 1);
  while (! atomic_load (&release))
    nanosleep (&nap, NULL);
}

typedef struct
{
  atomic_int on_caller[2];
} Where;

static void
note_thread (void *ctx, int ith, int nth)
{
  Where *w = ctx;

  (void) nth;
  if (pthread_equal (pthread_self (), caller_thread))
    atomic_fetch_add (&w->on_caller[ith], 1);
  else if (! atomic_exchange (&found_worker, 1))
    atomic_store (&worker_thread, pthread_self ());
}

/* note_thread, but a part on the caller naps first: time for the worker
 * to take the other (valgrind runs one thread at a time) */
static void
find_worker (void *ctx, int ith, int nth)
{
  struct timespec nap = { 0, 1000000 };

  if (pthread_equal (pthread_self (), caller_thread))
    nanosleep (&nap, NULL);
  note_thread (ctx, ith, nth);
}

static void
test_stalled_worker (void)
{
  struct sigaction act;
  struct timespec settle = { 0, 200000000 };

  memset (&act, 0, sizeof act);
  act.sa_handler = hold_here;
  sigemptyset (&act.sa_mask);
  g_assert_cmpint (sigaction (SIGUSR1, &act, NULL), ==, 0);
  caller_thread = pthread_self ();
  mg_threads_set (2);
  /* find the worker: the first job it takes a part of */
  for (int k = 0; k < 1000 && ! atomic_load (&found_worker); k++)
    {
      Where w = { { 0, 0 } };

      mg_parallel_run (find_worker, &w);
    }
  g_assert_true (atomic_load (&found_worker));
  /* let it spin out and sleep on its condition variable (holding no
   * lock), then hold it there */
  nanosleep (&settle, NULL);
  atomic_store (&held, 0);
  atomic_store (&release, 0);
  g_assert_cmpint (pthread_kill (atomic_load (&worker_thread), SIGUSR1),
                   ==, 0);
  while (! atomic_load (&held))
    nanosleep (&settle, NULL);
  for (int k = 0; k < 100; k++)
    {
      Where w = { { 0, 0 } };

      mg_parallel_run (note_thread, &w);
      g_assert_cmpint (atomic_load (&w.on_caller[0]), ==, 1);
      g_assert_cmpint (atomic_load (&w.on_caller[1]), ==, 1);
    }
  atomic_store (&release, 1);
  /* and the pool goes on as before */
  for (int k = 0; k < 100; k++)
    {
      Where w = { { 0, 0 } };

      mg_parallel_run (note_thread, &w);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/parallel/each-part-once", test_each_part_once);
  g_test_add_func ("/core/parallel/queue-each-item-once",
                   test_queue_each_item_once);
  g_test_add_func ("/core/parallel/subnormals-flushed",
                   test_subnormals_flushed);
  g_test_add_func ("/core/parallel/no-stale-part", test_no_stale_part);
  g_test_add_func ("/core/parallel/stalled-worker", test_stalled_worker);
  return g_test_run ();
}
