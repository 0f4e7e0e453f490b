/* conv3x3-direct.h — direct 3x3 convolution of a batch of N images, and
 * its input and weight gradients (conv3x3-direct.c); used by conv.c when
 * the output channels come in blocks of MG_DIRECT_COB. */
#ifndef MG_CONV3X3_DIRECT_H
#define MG_CONV3X3_DIRECT_H

#include <stdbool.h>
#include <stddef.h>

#define MG_DIRECT_COB   8   /* output channels per register block */
#define MG_DIRECT_CHUNK 256 /* pixels of a row summed at a time (L1) */

/* For tests: use the kernels for "generic" (SSE2 / plain C), "avx2" or
 * "avx512", or NULL for the best this CPU has; false if it lacks them. */
bool mg_conv3x3_direct_select (const char *isa);

/* Scratch floats for a convolution from Cin to Cout channels of N images
 * of H x W: the zero-bordered inputs and the repacked weights. */
size_t mg_conv3x3_direct_scratch (int N, int Cin, int Cout, int H, int W);

/* out = conv3x3 (in, w) + b for each of N images [Cin, H, W] -> [Cout, H,
 * W], then max (out, 0) if relu, for Cout % MG_DIRECT_COB == 0. */
void mg_conv3x3_direct_forward (float *out, const float *in, const float *w,
                                const float *b, int N, int Cin, int Cout,
                                int H, int W, bool relu, float *scratch);

/* din += the input gradient of out = conv3x3 (in, w) given dout, for
 * Cin % MG_DIRECT_COB == 0; scratch: mg_conv3x3_direct_scratch (N, Cout,
 * Cin, H, W) floats. */
void mg_conv3x3_direct_backward_data (float *din, const float *dout,
                                      const float *w, int N, int Cin,
                                      int Cout, int H, int W,
                                      float *scratch);

/* dw += the weight gradient of out = conv3x3 (in, w) given dout, summed
 * over the N images in order, any channel counts; scratch: N·Cin·(H + 2)
 * ·stride floats, at most mg_conv3x3_direct_scratch (N, Cin, Cout, H, W). */
void mg_conv3x3_direct_backward_weights (float *dw, const float *dout,
                                         const float *in, int N, int Cin,
                                         int Cout, int H, int W,
                                         float *scratch);

#endif /* MG_CONV3X3_DIRECT_H */
