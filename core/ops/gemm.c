/* gemm.c — mg_sgemm: cblas_sgemm split over the core's thread pool
 * (gemm.h says why).
 *
 * Part ith of nth computes a block of C: columns when C is wide enough to
 * give every part at least MIN_COLUMNS of them (the outputs are pixels in
 * most of our GEMMs), else rows.  Column blocks start at multiples of 16
 * columns (64 bytes of floats): where a row starts on a cache line, as the
 * arena's tensors do, no two threads write one line.
 *
 * Every element of C is summed over K inside one OpenBLAS call, but
 * OpenBLAS sums the edge of a block in another order than its inside, so
 * the last bits of C depend on where the blocks end, that is on the
 * number of parts the pool gives the job (parallel.h: the thread count,
 * or 1 when the pool is busy with another thread's job), as they depended
 * on the thread count with OpenBLAS's own threads.  A training run's jobs
 * go one after another from its own thread, so the same seed and threads
 * still give the same model. */
#include "gemm.h"

#include "maskgrow-core.h"
#include "parallel.h"

#include <stdbool.h>
#include <stddef.h>

enum { COLUMN_ALIGN = 16, MIN_COLUMNS = 64 };

typedef struct
{
  CBLAS_TRANSPOSE ta, tb;
  int             M, N, K;
  float           alpha, beta;
  const float    *A, *B;
  float          *C;
  int             lda, ldb, ldc;
  bool            by_columns;
} GemmJob;

static void
gemm_part (void *ctx, int ith, int nth)
{
  const GemmJob *j = ctx;
  size_t b0, b1;

  if (j->by_columns)
    {
      size_t blocks = ((size_t) j->N + COLUMN_ALIGN - 1) / COLUMN_ALIGN;
      int n0, n1;

      mg_parallel_range (blocks, ith, nth, &b0, &b1);
      n0 = (int) b0 * COLUMN_ALIGN;
      n1 = (int) b1 * COLUMN_ALIGN < j->N ? (int) b1 * COLUMN_ALIGN : j->N;
      if (n1 <= n0)
        return;
      /* B's columns n0.. are B + n0 untransposed, rows n0.. transposed */
      cblas_sgemm (CblasRowMajor, j->ta, j->tb, j->M, n1 - n0, j->K,
                   j->alpha, j->A, j->lda,
                   j->B + (j->tb == CblasNoTrans
                             ? (size_t) n0 : (size_t) n0 * j->ldb),
                   j->ldb, j->beta, j->C + n0, j->ldc);
    }
  else
    {
      mg_parallel_range ((size_t) j->M, ith, nth, &b0, &b1);
      if (b1 <= b0)
        return;
      /* A's rows m0.. are A + m0·lda untransposed, columns m0.. transposed */
      cblas_sgemm (CblasRowMajor, j->ta, j->tb, (int) (b1 - b0), j->N, j->K,
                   j->alpha,
                   j->A + (j->ta == CblasNoTrans ? b0 * (size_t) j->lda : b0),
                   j->lda, j->B, j->ldb, j->beta,
                   j->C + b0 * (size_t) j->ldc, j->ldc);
    }
}

void
mg_sgemm (CBLAS_TRANSPOSE trans_a, CBLAS_TRANSPOSE trans_b, int M, int N,
          int K, float alpha, const float *A, int lda, const float *B,
          int ldb, float beta, float *C, int ldc)
{
  GemmJob j = { trans_a, trans_b, M, N, K, alpha, beta, A, B, C,
                lda, ldb, ldc, N >= MIN_COLUMNS * mg_threads_get () };

  if (M <= 0 || N <= 0)
    return;
  mg_parallel_run (gemm_part, &j);
}
