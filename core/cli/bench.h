/* bench.h — the pieces of `maskgrow bench` (issue 6): timings of the
 * training step, of OpenBLAS's sgemm, of inference and of a whole
 * train + segment run, and the peak memory of inference. */
#ifndef MG_CLI_BENCH_H
#define MG_CLI_BENCH_H

#include <stdbool.h>

/* Median of values[0..n) (sorts them). */
double mg_bench_median (double *values, int n);

/* Median time of one training step (forward, losses, backward, Adam) of
 * MG-UNet-S on batch x channels x size x size, and the GFLOP/s it
 * achieves; false when out of memory. */
bool   mg_bench_train_step (int channels, int batch, int size, int repeats,
                            double *seconds, double *gflops);

/* Best GFLOP/s of a square n x n x n cblas_sgemm over a few runs. */
double mg_bench_sgemm (int n, int repeats);

/* `maskgrow bench [--threads T] [--json]`: returns the exit code. */
int    mg_cli_bench (int argc, char **argv);

#endif /* MG_CLI_BENCH_H */
