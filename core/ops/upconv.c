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

void
mg_upconv2_forward (MgTensor     out,     /* [N, Cout, 2H, 2W] */
                    MgTensor     in,      /* [N, Cin, H, W] */
                    const float *w,       /* [Cin, Cout, 2, 2] */
                    const float *b,       /* [Cout] or NULL */
                    float       *scratch) /* [Cout·4, H·W] */
{
  const int N = in.n, Cin = in.c, H = in.h, W = in.w, Cout = out.c;
  const int HW = H * W, K4 = Cout * 4, OW = 2 * W;

  assert (out.n == N && out.h == 2 * H && out.w == OW);
  assert (out.data != NULL && in.data != NULL);
  assert (w != NULL && scratch != NULL);

  for (int n = 0; n < N; n++)
    {
      const float *x = in.data + (size_t) n * Cin * HW;

      /* s[Cout·4, HW] = W[Cin, Cout·4]ᵀ · in[Cin, HW] */
      mg_sgemm (CblasTrans, CblasNoTrans,
                K4, HW, Cin,
                1.0f, w,       K4,
                      x,       HW,
                0.0f, scratch, HW);

      /* Scatter: each output row 2y + ky interleaves rows kx = 0, 1 of s. */
      for (int co = 0; co < Cout; co++)
        {
          const float bias = b != NULL ? b[co] : 0.0f;

          for (int y = 0; y < H; y++)
            for (int ky = 0; ky < 2; ky++)
              {
                const float *s0 = scratch + (size_t) (co * 4 + ky * 2) * HW
                                  + (size_t) y * W;
                const float *s1 = s0 + HW;
                float       *o  = out.data
                                  + (((size_t) n * Cout + co) * 2 * H
                                     + 2 * y + ky) * OW;

                for (int xx = 0; xx < W; xx++)
                  {
                    o[2 * xx]     = s0[xx] + bias;
                    o[2 * xx + 1] = s1[xx] + bias;
                  }
              }
        }
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
  const int HW = H * W, K4 = Cout * 4, OW = 2 * W;

  assert (dout.n == N && dout.h == 2 * H && dout.w == OW);
  assert (dout.data != NULL && scratch != NULL);
  assert (din.data == NULL
          || (din.n == N && din.c == Cin && din.h == H && din.w == W));

  if (din.data == NULL && dw == NULL && db == NULL)
    return;

  for (int n = 0; n < N; n++)
    {
      const float *d = dout.data + (size_t) n * Cout * 4 * HW;

      /* Gather dout into s[Cout·4, HW] (inverse of the forward scatter);
       * db sums the same values on the way. */
      for (int co = 0; co < Cout; co++)
        {
          double sum = 0.0;

          for (int y = 0; y < H; y++)
            for (int ky = 0; ky < 2; ky++)
              {
                float       *s0 = scratch + (size_t) (co * 4 + ky * 2) * HW
                                  + (size_t) y * W;
                float       *s1 = s0 + HW;
                const float *g  = d + ((size_t) co * 2 * H + 2 * y + ky) * OW;

                for (int xx = 0; xx < W; xx++)
                  {
                    s0[xx] = g[2 * xx];
                    s1[xx] = g[2 * xx + 1];
                  }
                for (int xx = 0; xx < OW; xx++)
                  sum += g[xx];
              }
          if (db != NULL)
            db[co] += (float) sum;
        }

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
