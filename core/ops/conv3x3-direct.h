/* conv3x3-direct.h — direct 3x3 convolution for one image, and the input
 * gradient of one (conv3x3-direct.c); used by conv.c when the output
 * channels come in blocks of MG_DIRECT_COB. */
#ifndef MG_CONV3X3_DIRECT_H
#define MG_CONV3X3_DIRECT_H

#include <stdbool.h>
#include <stddef.h>

#define MG_DIRECT_COB   8   /* output channels per register block */
#define MG_DIRECT_CHUNK 256 /* pixels of a row summed at a time (L1) */

/* For tests: use the kernels for "generic" (SSE2 / plain C), "avx2" or
 * "avx512", or NULL for the best this CPU has; false if it lacks them. */
bool mg_conv3x3_direct_select (const char *isa);

/* Scratch floats for a convolution from Cin to Cout channels on H x W:
 * the zero-bordered input and the repacked weights. */
size_t mg_conv3x3_direct_scratch (int Cin, int Cout, int H, int W);

/* out = conv3x3 (in, w) + b, for Cout % MG_DIRECT_COB == 0. */
void mg_conv3x3_direct_forward (float *out, const float *in, const float *w,
                                const float *b, int Cin, int Cout, int H,
                                int W, float *scratch);

/* din += the input gradient of out = conv3x3 (in, w) given dout, for
 * Cin % MG_DIRECT_COB == 0; scratch: mg_conv3x3_direct_scratch (Cout,
 * Cin, H, W) floats. */
void mg_conv3x3_direct_backward_data (float *din, const float *dout,
                                      const float *w, int Cin, int Cout,
                                      int H, int W, float *scratch);

/* dw += the weight gradient of out = conv3x3 (in, w) given dout, any
 * channel counts; scratch: Cin·(H + 2)·stride floats, at most
 * mg_conv3x3_direct_scratch (Cin, Cout, H, W). */
void mg_conv3x3_direct_backward_weights (float *dw, const float *dout,
                                         const float *in, int Cin, int Cout,
                                         int H, int W, float *scratch);

#endif /* MG_CONV3X3_DIRECT_H */
