/* ops.h — forward and backward passes of the network's operations.
 *
 * Conventions (llm.c order): outputs first, then inputs / saved tensors,
 * then weights, then scratch.  Tensors are non-owning float32 NCHW views.
 * Ops never allocate, print or fail: shapes are checked when the network is
 * planned; inside, assert() guards programmer errors only.
 *
 * Every backward ACCUMULATES (+=) into its gradient outputs (din, dw, db),
 * so skip connections and several heads on one feature map simply sum; the
 * caller zeroes gradients once per step.  A gradient pointer (or a
 * tensor's data) that is NULL is not computed (e.g. din of the first layer).
 */
#ifndef MG_OPS_H
#define MG_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct
{
  float *data;
  int    n, c, h, w;
} MgTensor;

static inline MgTensor
mg_tensor (float *data, int n, int c, int h, int w)
{
  MgTensor t = { data, n, c, h, w };
  return t;
}

static inline size_t
mg_tensor_count (MgTensor t)
{
  return (size_t) t.n * t.c * t.h * t.w;
}

/* 3x3 convolution, stride 1, zero padding 1 (output size = input size).
 *   out [N, Cout, H, W], in [N, Cin, H, W], w [Cout, Cin, 3, 3], b [Cout]
 *   col scratch: mg_conv3x3_scratch_count floats.
 * out = W · im2col(in) + b: the direct kernels (conv3x3-direct.h) for the
 * whole batch when Cout is in blocks of 8, else im2col strips and one
 * GEMM (mg_sgemm, gemm.h) per strip of each image. */
void mg_conv3x3_forward  (MgTensor out, MgTensor in, const float *w,
                          const float *b, float *col);
/* The same followed by out = max (out, 0) (as mg_relu_forward). */
void mg_conv3x3_relu_forward (MgTensor out, MgTensor in, const float *w,
                              const float *b, float *col);
/* Floats of `col` scratch the forward (and, if asked, the backward) of a
 * 3x3 convolution from Cin to Cout channels of N images of H x W needs:
 * the im2col strips (at most MG_COL_STRIP_FLOATS, 16 MB, or one row) or
 * the direct kernels' padded batch; the backward's whole-image im2col. */
#define MG_COL_STRIP_FLOATS ((size_t) 4 << 20)
size_t mg_conv3x3_scratch_count (int N, int Cin, int Cout, int H, int W,
                                 bool backward);
/* dw += dout · colᵀ, db += Σ dout, din += col2im(Wᵀ · dout). */
void mg_conv3x3_backward (MgTensor din, float *dw, float *db, MgTensor dout,
                          MgTensor in, const float *w, float *col);

/* 1x1 convolution without im2col: out [N, Cout, H, W] = W [Cout, Cin] · in + b */
void mg_conv1x1_forward  (MgTensor out, MgTensor in, const float *w,
                          const float *b);
void mg_conv1x1_backward (MgTensor din, float *dw, float *db, MgTensor dout,
                          MgTensor in, const float *w);

/* 2x2 max-pool, stride 2: out [N, C, H/2, W/2], in [N, C, H, W], H and W even.
 * Backward recomputes the arg-max from `in` (first maximum wins on ties). */
void mg_maxpool2_forward  (MgTensor out, MgTensor in);
void mg_maxpool2_backward (MgTensor din, MgTensor dout, MgTensor in);

/* 2x2 transposed convolution, stride 2 (doubles H and W):
 *   out [N, Cout, 2H, 2W], in [N, Cin, H, W], w [Cin, Cout, 2, 2], b [Cout]
 *   scratch: Cout * 4 * H * W floats.
 * As a GEMM: scratch[Cout*4, HW] = Wᵀ · in, then scattered to out. */
void mg_upconv2_forward  (MgTensor out, MgTensor in, const float *w,
                          const float *b, float *scratch);
void mg_upconv2_backward (MgTensor din, float *dw, float *db, MgTensor dout,
                          MgTensor in, const float *w, float *scratch);

/* ReLU; out may alias in.  Backward uses the forward OUTPUT:
 * din += dout * (out > 0).  din may alias dout: then dout is masked in
 * place (din = dout * (out > 0)), nothing is accumulated. */
void mg_relu_forward  (MgTensor out, MgTensor in);
void mg_relu_backward (MgTensor din, MgTensor dout, MgTensor out);
/* One value's ReLU as mg_relu_forward computes it (and the fused
 * mg_conv3x3_relu_forward): a comparison rather than fmaxf, so NaN stays
 * NaN and a diverged run shows. */
static inline float
mg_relu1 (float v)
{
  return v > 0.0f ? v : (v == v ? 0.0f : v);
}

/* Channel concatenation: out [N, Ca + Cb, H, W] = [a ; b]. */
void mg_concat_forward  (MgTensor out, MgTensor a, MgTensor b);
void mg_concat_backward (MgTensor da, MgTensor db, MgTensor dout);

/* Softmax over channels: prob [N, K, H, W] from logits [N, K, H, W]. */
void mg_softmax_forward (MgTensor prob, MgTensor logits);

/* Masked cross-entropy on softmax probabilities.
 *   target [N, H, W]: class index 0..K-1, or MG_IGNORE for unlabelled pixels.
 *   class_weight [K] or NULL (= all 1).
 * loss = Σ_i w(y_i) · −log p(y_i) / Σ_i w(y_i) over labelled pixels i
 * (0 when nothing is labelled).  Returns the loss; if dlogits.data is not
 * NULL, accumulates scale · ∂loss/∂logits into it
 * (∂/∂z_k = w(y_i) (p_k − [k = y_i]) / Σ w). */
#define MG_IGNORE 255
float mg_xent_forward_backward (MgTensor dlogits, MgTensor prob,
                                const uint8_t *target,
                                const float *class_weight, float scale);

/* Image-gated smoothness of softmax probabilities (ops/pairwise.c says
 * why), over every pixel, labelled or not:
 *   loss = Σ_{i, q} w_iq ‖p(i) − p(q)‖² / (N·H·W),
 *   w_iq = exp(−‖x(i) − x(q)‖² / (2σ² C)),
 * q the right and lower neighbours of i; image [N, C, H, W] is what the
 * network saw.  Returns the loss; if dlogits.data is not NULL,
 * accumulates scale · ∂loss/∂logits into it. */
float mg_pairwise_forward_backward (MgTensor dlogits, MgTensor prob,
                                    MgTensor image, float sigma,
                                    float scale);

#endif /* MG_OPS_H */
