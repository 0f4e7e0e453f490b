/* threads.c — one thread setting for our loops.  OpenBLAS itself stays at
 * one thread: our GEMMs are split over our own pool (ops/gemm.h says
 * why). */
#include "maskgrow-core.h"

#include <cblas.h>
#include <unistd.h>

static int mg_threads = 0;

void
mg_threads_set (int threads)
{
  if (threads <= 0)
    {
      long cores = sysconf (_SC_NPROCESSORS_ONLN);
      threads = cores > 0 ? (int) cores : 1;
    }
  mg_threads = threads;
  openblas_set_num_threads (1);
}

int
mg_threads_get (void)
{
  if (mg_threads == 0)
    mg_threads_set (0);
  return mg_threads;
}
