/* upconv.c — 2x2 transposed convolution, stride 2 (doubles H and W).
 *
 *   out[n, co, 2y + ky, 2x + kx] = b[co]
 *                                  + Σ_ci w[ci, co, ky, kx] · in[n, ci, y, x]
 *
 * Stride = kernel size, so the 2x2 output blocks do not overlap: every output
 * pixel gets exactly one (y, x) term.  Per image that is one GEMM and a
 * permutation:
 *   s[Cout·4, HW] = W[Cin, Cout·4]ᵀ · in[Cin, HW],
 *   out[co, 2y + ky, 2x + kx] = s[co·4 + ky·2 + kx, y·W + x] + b[co].
 * Backward gathers dout into the same layout, s = perm⁻¹ (dout), then
 *   dW[Cin, Cout·4] += in[Cin, HW] · sᵀ,  din[Cin, HW] += W · s,
 *   db[co] += Σ dout[co].
 *
 * Layout: float32 NCHW; in [N, Cin, H, W], out [N, Cout, 2H, 2W],
 * w [Cin, Cout, 2, 2] (PyTorch's ConvTranspose2d layout) = [Cin, Cout·4],
 * b [Cout] (NULL in forward means no bias), scratch s [Cout·4, H·W].
 */
#include <assert.h>
#include <stddef.h>

#include "gemm.h"
#include "ops.h"
#include "parallel.h"

/* One image's permutation between s [Cout·4, H·W] and out [Cout, 2H, 2W],
 * on the core's pool a range of output channels a part (each channel's
 * values and bias sum have one writer: results do not depend on the
 * threads; serial, the two took 0.8 of the 2.8 ms the transposed
 * convolutions spent in a default training step). */
typedef struct
{
  float       *s;        /* scratch [Cout·4, H·W] */
  float       *o;        /* forward: one image of out [Cout, 2H, 2W] */
  const float *g;        /* backward: one image of dout, the same shape */
  const float *b;        /* forward: bias or NULL */
  float       *db;       /* backward: bias gradient or NULL */
  int          Cout, H, W;
} PermuteJob;

/* Forward: each output row 2y + ky interleaves rows kx = 0, 1 of s. */
static void
scatter_part (void *ctx, int ith, int nth)
{
  const PermuteJob *j = ctx;
  const int H = j->H, W = j->W, OW = 2 * W;
  const size_t HW = (size_t) H * W;
  size_t c0, c1;

  mg_parallel_range ((size_t) j->Cout, ith, nth, &c0, &c1);
  for (size_t co = c0; co < c1; co++)
    {
      const float bias = j->b != NULL ? j->b[co] : 0.0f;

      for (int y = 0; y < H; y++)
        for (int ky = 0; ky < 2; ky++)
          {
            const float *s0 = j->s + (co * 4 + (size_t) ky * 2) * HW
                              + (size_t) y * W;
            const float *s1 = s0 + HW;
            float       *o  = j->o + (co * 2 * H + 2 * (size_t) y + ky) * OW;

            for (int xx = 0; xx < W; xx++)
              {
                o[2 * xx]     = s0[xx] + bias;
                o[2 * xx + 1] = s1[xx] + bias;
              }
          }
    }
}

/* Backward: gathers dout into s (the inverse of scatter_part); db sums
 * the same values on the way. */
static void
gather_part (void *ctx, int ith, int nth)
{
  const PermuteJob *j = ctx;
  const int H = j->H, W = j->W, OW = 2 * W;
  const size_t HW = (size_t) H * W;
  size_t c0, c1;

  mg_parallel_range ((size_t) j->Cout, ith, nth, &c0, &c1);
  for (size_t co = c0; co < c1; co++)
    {
      double sum = 0.0;

      for (int y = 0; y < H; y++)
        for (int ky = 0; ky < 2; ky++)
          {
            float       *s0 = j->s + (co * 4 + (size_t) ky * 2) * HW
                              + (size_t) y * W;
            float       *s1 = s0 + HW;
            const float *g  = j->g + (co * 2 * H + 2 * (size_t) y + ky) * OW;

            for (int xx = 0; xx < W; xx++)
              {
                s0[xx] = g[2 * xx];
                s1[xx] = g[2 * xx + 1];
              }
            for (int xx = 0; xx < OW; xx++)
              sum += g[xx];
          }
      if (j->db != NULL)
        j->db[co] += (float) sum;
    }
}

void
mg_upconv2_forward (MgTensor     out,     /* [N, Cout, 2H, 2W] */
                    MgTensor     in,      /* [N, Cin, H, W] */
                    const float *w,       /* [Cin, Cout, 2, 2] */
                    const float *b,       /* [Cout] or NULL */
                    float       *scratch) /* [Cout·4, H·W] */
{
  const int N = in.n, Cin = in.c, H = in.h, W = in.w, Cout = out.c;
  const int HW = H * W, K4 = Cout * 4;

  assert (out.n == N && out.h == 2 * H && out.w == 2 * W);
  assert (out.data != NULL && in.data != NULL);
  assert (w != NULL && scratch != NULL);

  for (int n = 0; n < N; n++)
    {
      const float *x = in.data + (size_t) n * Cin * HW;
      PermuteJob j = { scratch, out.data + (size_t) n * Cout * 4 * HW, NULL,
                       b, NULL, Cout, H, W };

      /* s[Cout·4, HW] = W[Cin, Cout·4]ᵀ · in[Cin, HW] */
      mg_sgemm (CblasTrans, CblasNoTrans,
                K4, HW, Cin,
                1.0f, w,       K4,
                      x,       HW,
                0.0f, scratch, HW);
      mg_parallel_run (scatter_part, &j);
    }
}

void
mg_upconv2_backward (MgTensor     din,     /* [N, Cin, H, W] or data NULL */
                     float       *dw,      /* [Cin, Cout, 2, 2] or NULL */
                     float       *db,      /* [Cout] or NULL */
                     MgTensor     dout,    /* [N, Cout, 2H, 2W] */
                     MgTensor     in,      /* [N, Cin, H, W]; read if dw */
                     const float *w,       /* [Cin, Cout, 2, 2] */
                     float       *scratch) /* [Cout·4, H·W] */
{
  const int N = in.n, Cin = in.c, H = in.h, W = in.w, Cout = dout.c;
  const int HW = H * W, K4 = Cout * 4;

  assert (dout.n == N && dout.h == 2 * H && dout.w == 2 * W);
  assert (dout.data != NULL && scratch != NULL);
  assert (din.data == NULL
          || (din.n == N && din.c == Cin && din.h == H && din.w == W));

  if (din.data == NULL && dw == NULL && db == NULL)
    return;

  for (int n = 0; n < N; n++)
    {
      PermuteJob j = { scratch, NULL, dout.data + (size_t) n * Cout * 4 * HW,
                       NULL, db, Cout, H, W };

      /* s = dout gathered (the forward scatter's inverse), db on the way */
      mg_parallel_run (gather_part, &j);
      if (dw != NULL)
        {
          const float *x;

          assert (in.data != NULL);
          x = in.data + (size_t) n * Cin * HW;
          /* dW[Cin, Cout·4] += in[Cin, HW] · s[Cout·4, HW]ᵀ */
          mg_sgemm (CblasNoTrans, CblasTrans,
                    Cin, K4, HW,
                    1.0f, x,       HW,
                          scratch, HW,
                    1.0f, dw,      K4);
        }
      if (din.data != NULL)
        {
          float *dx = din.data + (size_t) n * Cin * HW;

          assert (w != NULL);
          /* din[Cin, HW] += W[Cin, Cout·4] · s[Cout·4, HW] */
          mg_sgemm (CblasNoTrans, CblasNoTrans,
                    Cin, HW, K4,
                    1.0f, w,       K4,
                          scratch, HW,
                    1.0f, dx,      HW);
        }
    }
}
