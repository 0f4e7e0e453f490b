/* gemm.h — single-precision GEMM on the core's own thread pool.
 *
 * mg_sgemm has cblas_sgemm's row-major meaning, C = alpha · op(A) · op(B)
 * + beta · C with C [M, N], and cuts C into one block of whole columns
 * (or, when C is narrow, whole rows) per thread of the pool
 * (parallel.h); each block is one single-threaded OpenBLAS call.
 * OpenBLAS's own threads are not used (threads.c keeps it at one): they
 * split a GEMM in fixed halves, so a GEMM waited for its second thread to
 * be scheduled — each of the ~100 small GEMMs of a training step woke one —
 * and with the machine busy with other programs a training step on 2
 * threads took up to 20x the time of one on 1 thread.  On the pool a block
 * that no other thread has started is run by the caller. */
#ifndef MG_GEMM_H
#define MG_GEMM_H

#include <cblas.h>

void mg_sgemm (CBLAS_TRANSPOSE trans_a, CBLAS_TRANSPOSE trans_b, int M,
               int N, int K, float alpha, const float *A, int lda,
               const float *B, int ldb, float beta, float *C, int ldc);

#endif /* MG_GEMM_H */
