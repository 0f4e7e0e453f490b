/* test-gemm.c — mg_sgemm (core/ops/gemm.c), cblas_sgemm cut in blocks
 * over the core's threads.
 *
 * /core/gemm/matches-blas   for every transpose of A and B, wide C (cut
 *                           in columns) and narrow C (cut in rows), odd
 *                           sizes, K = 0, fewer rows than threads, beta 0
 *                           and 1, strides wider than the
 *                           matrices, and 1-3 threads: C equals one
 *                           whole cblas_sgemm call, to the last bit on one
 *                           thread and to rounding (2e-7 per term) on
 *                           more (OpenBLAS sums a block's edge in another
 *                           order), and what lies outside C (the stride's
 *                           gap) is untouched
 */
#include <string.h>

#include <cblas.h>
#include <glib.h>

#include "maskgrow-core.h"
#include "ops/gemm.h"

static float
value (unsigned i, unsigned salt)
{
  return (float) ((i * 2654435761u + salt * 40503u) % 2001) / 1000.0f - 1.0f;
}

static void
check_case (CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int M, int N, int K,
            float beta, int threads)
{
  /* stored shapes: A is M x K (K x M transposed), B K x N (N x K); every
   * leading dimension 3 wider than it must be */
  const int lda = (ta == CblasNoTrans ? K : M) + 3;
  const int ldb = (tb == CblasNoTrans ? N : K) + 3;
  const int ldc = N + 3;
  const int rows_a = ta == CblasNoTrans ? M : K;
  const int rows_b = tb == CblasNoTrans ? K : N;
  float *a = g_new (float, (size_t) rows_a * lda);
  float *b = g_new (float, (size_t) rows_b * ldb);
  float *c = g_new (float, (size_t) M * ldc);
  float *want = g_new (float, (size_t) M * ldc);

  for (int i = 0; i < rows_a * lda; i++)
    a[i] = value ((unsigned) i, 1);
  for (int i = 0; i < rows_b * ldb; i++)
    b[i] = value ((unsigned) i, 2);
  for (int i = 0; i < M * ldc; i++)
    c[i] = want[i] = value ((unsigned) i, 3);

  mg_threads_set (threads);   /* OpenBLAS at one thread from here on */
  cblas_sgemm (CblasRowMajor, ta, tb, M, N, K, 0.5f, a, lda, b, ldb, beta,
               want, ldc);
  mg_sgemm (ta, tb, M, N, K, 0.5f, a, lda, b, ldb, beta, c, ldc);
  for (int r = 0; r < M; r++)
    for (int col = 0; col < ldc; col++)
      {
        size_t i = (size_t) r * ldc + col;

        if (threads == 1 || col >= N)   /* one call, or the gap: as is */
          g_assert_cmpfloat (c[i], ==, want[i]);
        else
          g_assert_cmpfloat_with_epsilon (c[i], want[i], 2e-7 * (K + 2));
      }
  g_free (a);
  g_free (b);
  g_free (c);
  g_free (want);
}

static void
test_matches_blas (void)
{
  static const CBLAS_TRANSPOSE trans[] = { CblasNoTrans, CblasTrans };
  /* M, N, K: wide C (N >= 64 per thread: columns), narrow C (rows), one
   * row, one column, K = 1, K = 0 (C = beta · C), fewer rows than parts */
  static const int shapes[][3] = {
    { 16, 1000, 9 }, { 37, 515, 70 }, { 64, 300, 17 }, { 45, 33, 129 },
    { 130, 7, 300 }, { 1, 517, 5 }, { 23, 1, 40 }, { 8, 200, 1 },
    { 5, 300, 0 }, { 2, 40, 0 }, { 2, 50, 7 },
  };

  for (int threads = 1; threads <= 3; threads++)
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 2; j++)
        for (size_t s = 0; s < G_N_ELEMENTS (shapes); s++)
          for (int beta = 0; beta <= 1; beta++)
            check_case (trans[i], trans[j], shapes[s][0], shapes[s][1],
                        shapes[s][2], (float) beta, threads);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/gemm/matches-blas", test_matches_blas);
  return g_test_run ();
}
