/* conv.c — 3x3 and 1x1 convolutions, forward and backward.
 *
 * 3x3, stride 1, zero padding 1 (the output has the input's size):
 *   out[n, co, y, x] = b[co] + Σ_ci Σ_ky Σ_kx w[co, ci, ky, kx]
 *                                  · in[n, ci, y + ky − 1, x + kx − 1]
 * is computed per image as GEMMs on the im2col matrix
 *   col[ci·9 + ky·3 + kx, y·W + x] = in[ci, y + ky − 1, x + kx − 1]  (or 0)
 *   out[Cout, HW] = W[Cout, Cin·9] · col[Cin·9, HW] + b,
 * forward in strips of image rows whose col fits MG_COL_STRIP_FLOATS: the
 * strip stays in cache between im2col and the GEMM (2x faster at 576²
 * than one col of 380 MB) and inference needs no whole-image col.
 * When the output channels (forward) or input channels (input gradient)
 * are a multiple of 8, as in every MG-UNet-S layer but the first's input
 * gradient, the direct kernel of conv3x3-direct.c replaces im2col + GEMM
 * (and col2im), and computes the weight gradient too.
 * Backward of out = W · col + b:
 *   dW += dout · colᵀ,  db += Σ_HW dout,  dcol = Wᵀ · dout,
 *   din += col2im (dcol).
 * col2im gathers: every input pixel sums the (at most 9) entries of dcol that
 * were copies of it, so each din element is written by one loop nest only and
 * the loop is split over rows of din without races (ggml's im2col_back does
 * the same).  im2col and col2im run on the core's pool (parallel.h), the
 * GEMMs on OpenBLAS's threads, one after the other.
 *
 * 1x1: out[Cout, HW] = W[Cout, Cin] · in[Cin, HW] + b per image.  An NCHW
 * image already is the GEMM operand, so there is no im2col and no scratch.
 *
 * Layout: float32 NCHW, row-major; w [Cout, Cin, 3, 3] (= [Cout, Cin·9]) or
 * [Cout, Cin]; b [Cout].  A NULL b in forward means no bias.
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "gemm.h"
#include "ops.h"
#include "parallel.h"
#include "conv3x3-direct.h"

/* Row r = c·9 + ky·3 + kx of col[C·9, (y1 − y0)·W] = im2col of image rows
 * [y0, y1) of in[C, H, W]. */
static void
im2col3x3_row (float       *row,
               const float *in,
               int          r,
               int          H,
               int          W,
               int          y0,
               int          y1)
{
  const int    c = r / 9, ky = r % 9 / 3, kx = r % 3;
  const float *src = in + (size_t) c * H * W;
  /* Output column x reads input column x + kx − 1, which exists for x in
   * [x0, x1); the rest is the zero padding. */
  const int    x0 = kx == 0 ? 1 : 0;
  const int    x1 = kx == 2 ? W - 1 : W;

  for (int y = y0; y < y1; y++)
    {
      const int sy  = y + ky - 1;
      float    *dst = row + (size_t) (y - y0) * W;

      if (sy < 0 || sy >= H || x1 <= x0)
        {
          memset (dst, 0, (size_t) W * sizeof (float));
          continue;
        }
      if (x0 > 0)
        dst[0] = 0.0f;
      memcpy (dst + x0, src + (size_t) sy * W + x0 + kx - 1,
              (size_t) (x1 - x0) * sizeof (float));
      if (x1 < W)
        dst[W - 1] = 0.0f;
    }
}

typedef struct
{
  float       *col;   /* [C·9, H·W] */
  float       *din;   /* col2im: [C, H, W] */
  const float *in;    /* im2col: [C, H, W] */
  const float *dcol;  /* col2im: [C·9, H·W] */
  int          C, H, W;
  int          y0, y1;  /* im2col: the image rows in col */
} ColJob;

/* im2col split over the rows of col (also for C = 1, the first layer). */
static void
im2col3x3_part (void *ctx, int ith, int nth)
{
  const ColJob *j = ctx;
  size_t r0, r1;

  mg_parallel_range ((size_t) j->C * 9, ith, nth, &r0, &r1);
  for (size_t r = r0; r < r1; r++)
    im2col3x3_row (j->col + r * (size_t) (j->y1 - j->y0) * j->W, j->in,
                   (int) r, j->H, j->W, j->y0, j->y1);
}

/* col[C·9, (y1 − y0)·W] = im2col of rows [y0, y1) of in[C, H, W]. */
static void
im2col3x3 (float       *col,
           const float *in,
           int          C,
           int          H,
           int          W,
           int          y0,
           int          y1)
{
  ColJob j = { col, NULL, in, NULL, C, H, W, y0, y1 };

  mg_parallel_run (im2col3x3_part, &j);
}

/* Image rows per forward strip: as many as fit MG_COL_STRIP_FLOATS, at
 * least one. */
static int
strip_rows (int Cin, int H, int W)
{
  size_t rows = MG_COL_STRIP_FLOATS / ((size_t) Cin * 9 * W);

  return rows < 1 ? 1 : rows > (size_t) H ? H : (int) rows;
}

/* Output channels in whole register blocks: the direct kernel. */
static bool
direct_ok (int channels)
{
  return channels % MG_DIRECT_COB == 0;
}

/* The direct weight gradient reduces its vector sums once per (output,
 * input channel) pair and image; on rows narrower than 32 pixels that
 * costs more than the sums, and im2col + GEMM (a small matrix then) is
 * faster: 4 x 96² patches (the default), 0.126 s -> 0.093 s a step
 * together with the partial-vector tail below. */
static bool
direct_dw_ok (int Cout, int W)
{
  return direct_ok (Cout) && W >= 32;
}

size_t
mg_conv3x3_scratch_count (int N, int Cin, int Cout, int H, int W,
                          bool backward)
{
  size_t need = direct_ok (Cout)
                  ? mg_conv3x3_direct_scratch (N, Cin, Cout, H, W)
                  : (size_t) Cin * 9 * W * strip_rows (Cin, H, W);

  if (backward)
    {
      /* the whole-image col of the GEMM paths (weight gradient when the
       * outputs, input gradient when the inputs are not in blocks of 8) */
      size_t col = direct_dw_ok (Cout, W) && direct_ok (Cin)
                     ? need : (size_t) Cin * 9 * H * W;

      if (col > need)
        need = col;
      if (direct_ok (Cin)
          && mg_conv3x3_direct_scratch (N, Cout, Cin, H, W) > need)
        need = mg_conv3x3_direct_scratch (N, Cout, Cin, H, W);
    }
  return need;
}

/* din row y of channel c += the (at most 9) entries of dcol that were
 * copies of its pixels: input pixel (y, x) went to column
 * (y − ky + 1, x − kx + 1) of row (c, ky, kx). */
static void
col2im3x3_row_add (float       *dst,
                   const float *dcol,
                   int          c,
                   int          y,
                   int          H,
                   int          W)
{
  const size_t HW = (size_t) H * W;

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

/* col2im split over the rows (c, y) of din: gather style, so each din
 * element is written by one thread only (ggml's im2col_back does the
 * same). */
static void
col2im3x3_part (void *ctx, int ith, int nth)
{
  const ColJob *j = ctx;
  size_t r0, r1;

  mg_parallel_range ((size_t) j->C * j->H, ith, nth, &r0, &r1);
  for (size_t r = r0; r < r1; r++)
    col2im3x3_row_add (j->din + r * j->W, j->dcol, (int) (r / j->H),
                       (int) (r % j->H), j->H, j->W);
}

/* din[C, H, W] += col2im (dcol[C·9, H·W]) for one image. */
static void
col2im3x3_add (float       *din,
               const float *dcol,
               int          C,
               int          H,
               int          W)
{
  ColJob j = { NULL, din, NULL, dcol, C, H, W, 0, H };

  mg_parallel_run (col2im3x3_part, &j);
}

typedef struct
{
  float       *plane;   /* [C, HW]: out (fill) or dout (sum) */
  const float *b;       /* fill: [C] */
  float       *db;      /* sum: [C] */
  int          N, C;
  size_t       HW;
} BiasJob;

/* Both split over channels. */
static void
bias_fill_part (void *ctx, int ith, int nth)
{
  const BiasJob *j = ctx;
  size_t c0, c1;

  mg_parallel_range ((size_t) j->C, ith, nth, &c0, &c1);
  for (size_t c = c0; c < c1; c++)
    {
      float *o = j->plane + c * j->HW;

      for (size_t i = 0; i < j->HW; i++)
        o[i] = j->b[c];
    }
}

/* Sixteen running float sums per channel and image (lane k takes
 * i ≡ k mod 16, a fixed order that vectorises), added up in double at the
 * end: accurate enough for a bias over 10⁵ pixels and 10x faster than a
 * double loop.  Images are added to db one after the other. */
static void
bias_grad_part (void *ctx, int ith, int nth)
{
  const BiasJob *j = ctx;
  size_t c0, c1;

  mg_parallel_range ((size_t) j->C, ith, nth, &c0, &c1);
  for (size_t c = c0; c < c1; c++)
    for (size_t n = 0; n < (size_t) j->N; n++)
      {
        const float *d = j->plane + (n * j->C + c) * j->HW;
        float lane[16] = { 0 };
        double sum = 0.0;
        size_t i = 0;

        for (; i + 16 <= j->HW; i += 16)
          for (int k = 0; k < 16; k++)
            lane[k] += d[i + k];
        for (; i < j->HW; i++)
          sum += d[i];
        for (int k = 0; k < 16; k++)
          sum += lane[k];
        j->db[c] += (float) sum;
      }
}

/* out[C, HW] = b[c] broadcast, so that the GEMM can add into it (beta = 1). */
static void
bias_fill (float       *out,
           const float *b,
           int          C,
           size_t       HW)
{
  BiasJob j = { out, b, NULL, 1, C, HW };

  mg_parallel_run (bias_fill_part, &j);
}

/* db[c] += Σ_n Σ_i dout[n, c, i]. */
static void
bias_grad_add (float       *db,
               const float *dout,
               int          N,
               int          C,
               size_t       HW)
{
  BiasJob j = { (float *) dout, NULL, db, N, C, HW };

  mg_parallel_run (bias_grad_part, &j);
}

static void
conv3x3_forward (MgTensor     out,  /* [N, Cout, H, W] */
                 MgTensor     in,   /* [N, Cin, H, W] */
                 const float *w,    /* [Cout, Cin, 3, 3] */
                 const float *b,    /* [Cout] or NULL */
                 bool         relu, /* then out = max (out, 0) */
                 float       *col)  /* mg_conv3x3_scratch_count floats */
{
  const int N = in.n, Cin = in.c, H = in.h, W = in.w, Cout = out.c;
  const int HW = H * W, K = Cin * 9, rows = strip_rows (Cin, H, W);

  assert (out.n == N && out.h == H && out.w == W);
  assert (out.data != NULL && in.data != NULL && w != NULL && col != NULL);

  if (direct_ok (Cout))
    {
      mg_conv3x3_direct_forward (out.data, in.data, w, b, N, Cin, Cout, H, W,
                                 relu, col);
      return;
    }
  for (int n = 0; n < N; n++)
    {
      float *o = out.data + (size_t) n * Cout * HW;

      if (b != NULL)
        bias_fill (o, b, Cout, HW);
      for (int y0 = 0; y0 < H; y0 += rows)
        {
          const int y1 = y0 + rows < H ? y0 + rows : H;
          const int S = (y1 - y0) * W;

          im2col3x3 (col, in.data + (size_t) n * Cin * HW, Cin, H, W, y0,
                     y1);
          /* out[Cout, strip] = W[Cout, Cin·9] · col[Cin·9, strip]
           * (+ bias in out) */
          mg_sgemm (CblasNoTrans, CblasNoTrans,
                    Cout, S, K,
                    1.0f,                      w,   K,
                                               col, S,
                    b != NULL ? 1.0f : 0.0f,   o + (size_t) y0 * W, HW);
        }
    }
  if (relu)
    mg_relu_forward (out, out);
}

void
mg_conv3x3_forward (MgTensor out, MgTensor in, const float *w,
                    const float *b, float *col)
{
  conv3x3_forward (out, in, w, b, false, col);
}

/* The direct kernels apply the ReLU as they write out: one pass over the
 * activations fewer (relu_forward was 5 % of a 1024² segmentation). */
void
mg_conv3x3_relu_forward (MgTensor out, MgTensor in, const float *w,
                         const float *b, float *col)
{
  conv3x3_forward (out, in, w, b, true, col);
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

  if (db != NULL)
    bias_grad_add (db, dout.data, N, Cout, HW);
  if (dw != NULL && direct_dw_ok (Cout, W))
    {
      assert (in.data != NULL);
      mg_conv3x3_direct_backward_weights (dw, dout.data, in.data, N, Cin,
                                          Cout, H, W, col);
    }
  if (din.data != NULL && direct_ok (Cin))
    mg_conv3x3_direct_backward_data (din.data, dout.data, w, N, Cin, Cout, H,
                                     W, col);
  for (int n = 0; n < N; n++)
    {
      const float *d = dout.data + (size_t) n * Cout * HW;

      if (dw != NULL && ! direct_dw_ok (Cout, W))
        {
          assert (in.data != NULL);
          /* Recomputed rather than kept from forward: one col buffer
           * serves every layer. */
          im2col3x3 (col, in.data + (size_t) n * Cin * HW, Cin, H, W, 0, H);
          /* dW[Cout, Cin·9] += dout[Cout, HW] · col[Cin·9, HW]ᵀ */
          mg_sgemm (CblasNoTrans, CblasTrans,
                    Cout, K, HW,
                    1.0f, d,   HW,
                          col, HW,
                    1.0f, dw,  K);
        }
      if (din.data != NULL && ! direct_ok (Cin))
        {
          assert (w != NULL);
          /* dcol[Cin·9, HW] = W[Cout, Cin·9]ᵀ · dout[Cout, HW] (into col) */
          mg_sgemm (CblasTrans, CblasNoTrans,
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
      mg_sgemm (CblasNoTrans, CblasNoTrans,
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

  if (db != NULL)
    bias_grad_add (db, dout.data, N, Cout, HW);
  for (int n = 0; n < N; n++)
    {
      const float *d = dout.data + (size_t) n * Cout * HW;

      if (dw != NULL)
        {
          const float *x;

          assert (in.data != NULL);
          x = in.data + (size_t) n * Cin * HW;
          /* dW[Cout, Cin] += dout[Cout, HW] · in[Cin, HW]ᵀ */
          mg_sgemm (CblasNoTrans, CblasTrans,
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
          mg_sgemm (CblasTrans, CblasNoTrans,
                    Cin, HW, Cout,
                    1.0f, w,  Cin,
                          d,  HW,
                    1.0f, dx, HW);
        }
    }
}
