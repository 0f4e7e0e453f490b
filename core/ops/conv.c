/* conv.c — 3x3 and 1x1 convolutions, forward and backward.
 *
 * 3x3, stride 1, zero padding 1 (the output has the input's size):
 *   out[n, co, y, x] = b[co] + Σ_ci Σ_ky Σ_kx w[co, ci, ky, kx]
 *                                  · in[n, ci, y + ky − 1, x + kx − 1]
 * is computed per image as one GEMM on the im2col matrix
 *   col[ci·9 + ky·3 + kx, y·W + x] = in[ci, y + ky − 1, x + kx − 1]  (or 0)
 *   out[Cout, HW] = W[Cout, Cin·9] · col[Cin·9, HW] + b.
 * Backward of out = W · col + b:
 *   dW += dout · colᵀ,  db += Σ_HW dout,  dcol = Wᵀ · dout,
 *   din += col2im (dcol).
 * col2im gathers: every input pixel sums the (at most 9) entries of dcol that
 * were copies of it, so each din element is written by one loop nest only and
 * the loop can later be split over channels without races (ggml's
 * im2col_back does the same).
 *
 * 1x1: out[Cout, HW] = W[Cout, Cin] · in[Cin, HW] + b per image.  An NCHW
 * image already is the GEMM operand, so there is no im2col and no scratch.
 *
 * Layout: float32 NCHW, row-major; w [Cout, Cin, 3, 3] (= [Cout, Cin·9]) or
 * [Cout, Cin]; b [Cout].  A NULL b in forward means no bias.
 */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include <cblas.h>

#include "ops.h"

/* col[C·9, H·W] = im2col (in[C, H, W]) for one image. */
static void
im2col3x3 (float       *col,
           const float *in,
           int          C,
           int          H,
           int          W)
{
  const size_t HW = (size_t) H * W;

  for (int c = 0; c < C; c++)
    for (int ky = 0; ky < 3; ky++)
      for (int kx = 0; kx < 3; kx++)
        {
          const float *src = in + (size_t) c * HW;
          float       *row = col + (size_t) (c * 9 + ky * 3 + kx) * HW;
          /* Output column x reads input column x + kx − 1, which exists
           * for x in [x0, x1); the rest is the zero padding. */
          const int    x0 = kx == 0 ? 1 : 0;
          const int    x1 = kx == 2 ? W - 1 : W;

          for (int y = 0; y < H; y++)
            {
              const int sy  = y + ky - 1;
              float    *dst = row + (size_t) y * W;

              if (sy < 0 || sy >= H)
                {
                  memset (dst, 0, (size_t) W * sizeof (float));
                  continue;
                }
              for (int x = 0; x < x0 && x < W; x++)
                dst[x] = 0.0f;
              for (int x = x0; x < x1; x++)
                dst[x] = src[(size_t) sy * W + x + kx - 1];
              for (int x = x1 > x0 ? x1 : x0; x < W; x++)
                dst[x] = 0.0f;
            }
        }
}

/* din[C, H, W] += col2im (dcol[C·9, H·W]) for one image, gather style:
 * input pixel (y, x) was copied to column (y − ky + 1, x − kx + 1) of row
 * (c, ky, kx), so it sums those entries. */
static void
col2im3x3_add (float       *din,
               const float *dcol,
               int          C,
               int          H,
               int          W)
{
  const size_t HW = (size_t) H * W;

  for (int c = 0; c < C; c++)
    for (int y = 0; y < H; y++)
      {
        float *dst = din + (size_t) c * HW + (size_t) y * W;

        for (int ky = 0; ky < 3; ky++)
          {
            const int oy = y - ky + 1;

            if (oy < 0 || oy >= H)
              continue;
            for (int kx = 0; kx < 3; kx++)
              {
                const float *src = dcol + (size_t) (c * 9 + ky * 3 + kx) * HW
                                   + (size_t) oy * W;
                /* Output column ox = x − kx + 1 exists for x in [x0, x1). */
                const int    x0 = kx == 2 ? 1 : 0;
                const int    x1 = kx == 0 ? W - 1 : W;

                for (int x = x0; x < x1; x++)
                  dst[x] += src[x - kx + 1];
              }
          }
      }
}

/* out[C, HW] = b[c] broadcast, so that the GEMM can add into it (beta = 1). */
static void
bias_fill (float       *out,
           const float *b,
           int          C,
           size_t       HW)
{
  for (int c = 0; c < C; c++)
    {
      float *o = out + (size_t) c * HW;

      for (size_t i = 0; i < HW; i++)
        o[i] = b[c];
    }
}

/* db[c] += Σ_i dout[c, i] for one image; summed in double because HW can be
 * large and db is cheap. */
static void
bias_grad_add (float       *db,
               const float *dout,
               int          C,
               size_t       HW)
{
  for (int c = 0; c < C; c++)
    {
      const float *d   = dout + (size_t) c * HW;
      double       sum = 0.0;

      for (size_t i = 0; i < HW; i++)
        sum += d[i];
      db[c] += (float) sum;
    }
}

void
mg_conv3x3_forward (MgTensor     out, /* [N, Cout, H, W] */
                    MgTensor     in,  /* [N, Cin, H, W] */
                    const float *w,   /* [Cout, Cin, 3, 3] */
                    const float *b,   /* [Cout] or NULL */
                    float       *col) /* [Cin·9, H·W] scratch */
{
  const int N = in.n, Cin = in.c, H = in.h, W = in.w, Cout = out.c;
  const int HW = H * W, K = Cin * 9;

  assert (out.n == N && out.h == H && out.w == W);
  assert (out.data != NULL && in.data != NULL && w != NULL && col != NULL);

  for (int n = 0; n < N; n++)
    {
      float *o = out.data + (size_t) n * Cout * HW;

      im2col3x3 (col, in.data + (size_t) n * Cin * HW, Cin, H, W);
      if (b != NULL)
        bias_fill (o, b, Cout, HW);
      /* out[Cout, HW] = W[Cout, Cin·9] · col[Cin·9, HW] (+ bias in out) */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                   Cout, HW, K,
                   1.0f,                      w,   K,
                                              col, HW,
                   b != NULL ? 1.0f : 0.0f,   o,   HW);
    }
}

void
mg_conv3x3_backward (MgTensor     din,  /* [N, Cin, H, W] or data NULL */
                     float       *dw,   /* [Cout, Cin, 3, 3] or NULL */
                     float       *db,   /* [Cout] or NULL */
                     MgTensor     dout, /* [N, Cout, H, W] */
                     MgTensor     in,   /* [N, Cin, H, W]; read if dw */
                     const float *w,    /* [Cout, Cin, 3, 3] */
                     float       *col)  /* [Cin·9, H·W] scratch */
{
  const int N = in.n, Cin = in.c, H = in.h, W = in.w, Cout = dout.c;
  const int HW = H * W, K = Cin * 9;

  assert (dout.n == N && dout.h == H && dout.w == W && dout.data != NULL);
  assert (din.data == NULL
          || (din.n == N && din.c == Cin && din.h == H && din.w == W));
  assert (col != NULL);

  for (int n = 0; n < N; n++)
    {
      const float *d = dout.data + (size_t) n * Cout * HW;

      if (db != NULL)
        bias_grad_add (db, d, Cout, HW);
      if (dw != NULL)
        {
          assert (in.data != NULL);
          /* Recomputed rather than kept from forward: one col buffer
           * serves every layer. */
          im2col3x3 (col, in.data + (size_t) n * Cin * HW, Cin, H, W);
          /* dW[Cout, Cin·9] += dout[Cout, HW] · col[Cin·9, HW]ᵀ */
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                       Cout, K, HW,
                       1.0f, d,   HW,
                             col, HW,
                       1.0f, dw,  K);
        }
      if (din.data != NULL)
        {
          assert (w != NULL);
          /* dcol[Cin·9, HW] = W[Cout, Cin·9]ᵀ · dout[Cout, HW] (into col) */
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                       K, HW, Cout,
                       1.0f, w,   K,
                             d,   HW,
                       0.0f, col, HW);
          col2im3x3_add (din.data + (size_t) n * Cin * HW, col, Cin, H, W);
        }
    }
}

void
mg_conv1x1_forward (MgTensor     out, /* [N, Cout, H, W] */
                    MgTensor     in,  /* [N, Cin, H, W] */
                    const float *w,   /* [Cout, Cin] */
                    const float *b)   /* [Cout] or NULL */
{
  const int N = in.n, Cin = in.c, H = in.h, W = in.w, Cout = out.c;
  const int HW = H * W;

  assert (out.n == N && out.h == H && out.w == W);
  assert (out.data != NULL && in.data != NULL && w != NULL);

  for (int n = 0; n < N; n++)
    {
      const float *x = in.data + (size_t) n * Cin * HW;
      float       *o = out.data + (size_t) n * Cout * HW;

      if (b != NULL)
        bias_fill (o, b, Cout, HW);
      /* out[Cout, HW] = W[Cout, Cin] · in[Cin, HW] (+ bias in out) */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                   Cout, HW, Cin,
                   1.0f,                      w, Cin,
                                              x, HW,
                   b != NULL ? 1.0f : 0.0f,   o, HW);
    }
}

void
mg_conv1x1_backward (MgTensor     din,  /* [N, Cin, H, W] or data NULL */
                     float       *dw,   /* [Cout, Cin] or NULL */
                     float       *db,   /* [Cout] or NULL */
                     MgTensor     dout, /* [N, Cout, H, W] */
                     MgTensor     in,   /* [N, Cin, H, W]; read if dw */
                     const float *w)    /* [Cout, Cin] */
{
  const int N = in.n, Cin = in.c, H = in.h, W = in.w, Cout = dout.c;
  const int HW = H * W;

  assert (dout.n == N && dout.h == H && dout.w == W && dout.data != NULL);
  assert (din.data == NULL
          || (din.n == N && din.c == Cin && din.h == H && din.w == W));

  for (int n = 0; n < N; n++)
    {
      const float *d = dout.data + (size_t) n * Cout * HW;

      if (db != NULL)
        bias_grad_add (db, d, Cout, HW);
      if (dw != NULL)
        {
          const float *x;

          assert (in.data != NULL);
          x = in.data + (size_t) n * Cin * HW;
          /* dW[Cout, Cin] += dout[Cout, HW] · in[Cin, HW]ᵀ */
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                       Cout, Cin, HW,
                       1.0f, d,  HW,
                             x,  HW,
                       1.0f, dw, Cin);
        }
      if (din.data != NULL)
        {
          float *dx = din.data + (size_t) n * Cin * HW;

          assert (w != NULL);
          /* din[Cin, HW] += W[Cout, Cin]ᵀ · dout[Cout, HW] */
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                       Cin, HW, Cout,
                       1.0f, w,  Cin,
                             d,  HW,
                       1.0f, dx, HW);
        }
    }
}
