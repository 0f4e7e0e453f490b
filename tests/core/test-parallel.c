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
 */
#include <float.h>
#include <string.h>

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/parallel/each-part-once", test_each_part_once);
  g_test_add_func ("/core/parallel/queue-each-item-once",
                   test_queue_each_item_once);
  g_test_add_func ("/core/parallel/subnormals-flushed",
                   test_subnormals_flushed);
  return g_test_run ();
}
