/* conv3x3-kernel.h — the inner loop of the direct 3x3 convolution
 * (conv3x3-direct.c), written once and included there once per
 * instruction set with these macros set:
 *
 *   K_FN      name of the row function to define
 *   K_TARGET  GCC target attribute, e.g. __attribute__ ((target ("avx2")))
 *   K_VL      floats per vector (16 AVX-512, 8 AVX2, 4 SSE2)
 *   K_XB      vectors per block along x
 *   K_PIN(v)  keeps vector v in a register (empty where not needed)
 * and, the same for every instruction set, K_CIG: input channels summed
 * per pass over a chunk of the row.
 *
 * One call computes MG_DIRECT_COB output channels of one output row:
 *   out[c][x] (+)= Σ_ci Σ_ky Σ_kx wpack[ci][ky·3 + kx][c]
 *                                 · pad[ci][y + ky][x + kx]
 * (pad is the input with a one-pixel zero border, so (y, x) of the
 * output reads rows y..y+2 and columns x..x+2 of pad).  Input channels
 * come in groups of K_CIG, the outer loop, so a group's three rows a
 * channel (K_CIG x 3 KB at most) stay in L1 while they are read; per
 * group, blocks of MG_DIRECT_COB x K_XB·K_VL sums sit in vector
 * registers for all the group's channels and taps: every input vector
 * loaded is used MG_DIRECT_COB times, every weight broadcast K_XB times,
 * and the sums go through memory once a group, not once a channel (16
 * loads and stores per 144 FMAs before, which with the taps' unaligned
 * loads kept the load ports busier than the FMA units: 1.2-1.5x slower).
 * The 9 taps are unrolled, so no index arithmetic sits between the
 * FMAs.  No im2col matrix is written. */

typedef float K_VEC __attribute__ ((vector_size (K_VL * sizeof (float))));

#ifndef K_CAT
#define K_CAT_(a, b) a##b
#define K_CAT(a, b)  K_CAT_ (a, b)
#endif

/* Input channels [cg, ce) into the sums of xb vectors at column x of the
 * chunk (xb = K_XB, or 1 for a last block of at most K_VL pixels; a
 * constant once inlined, so acc stays in registers). */
K_TARGET static inline __attribute__ ((always_inline)) void
K_CAT (K_FN, _block) (float       *sums,     /* [COB][sums_stride] */
                      int          sums_stride,
                      int          x,
                      int          xb,
                      const float *pad,      /* chunk start, channel 0 */
                      size_t       pad_plane,
                      int          pad_stride,
                      const float *wpack,
                      int          cg,
                      int          ce)
{
  enum { COB = MG_DIRECT_COB, VL = K_VL };
  K_VEC acc[COB][K_XB];

  for (int c = 0; c < COB; c++)
    for (int v = 0; v < xb; v++)
      memcpy (&acc[c][v], sums + c * sums_stride + x + v * VL,
              sizeof acc[c][v]);
  for (int ci = cg; ci < ce; ci++)
    {
      const float *rows = pad + ci * pad_plane + x;
      const float *w = wpack + (size_t) ci * 9 * COB;

#pragma GCC unroll 9
      for (int k = 0; k < 9; k++)
        {
          const float *src = rows + (k / 3) * pad_stride + k % 3;
          K_VEC in[K_XB];

#pragma GCC unroll 2
          for (int v = 0; v < xb; v++)
            memcpy (&in[v], src + v * VL, sizeof in[v]);
          /* unrolled also at -O2 (a distribution's build, meson's
           * debugoptimized), where GCC otherwise keeps acc in memory: a
           * load and a store around every FMA */
#pragma GCC unroll 8
          for (int c = 0; c < COB; c++)
#pragma GCC unroll 2
            for (int v = 0; v < xb; v++)
              acc[c][v] += w[k * COB + c] * in[v];
        }
    }
  for (int c = 0; c < COB; c++)
    for (int v = 0; v < xb; v++)
      memcpy (sums + c * sums_stride + x + v * VL, &acc[c][v],
              sizeof acc[c][v]);
}

K_TARGET static void
K_FN (float       *out,       /* row y of output channel co0; channels
                                 are out_plane apart */
      size_t       out_plane,
      int          W,
      const float *pad,       /* row y of pad (input row y − 1), channel 0 */
      size_t       pad_plane, /* floats between pad channels */
      int          pad_stride,/* floats between pad rows */
      const float *wpack,     /* [Cin][9][MG_DIRECT_COB] */
      int          Cin,
      const float *bias,      /* [MG_DIRECT_COB] or NULL */
      bool         accumulate,/* add to out instead of overwriting it */
      bool         relu)      /* write max (sum, 0) (NaN stays NaN) */
{
  enum { COB = MG_DIRECT_COB, XB = K_XB, VL = K_VL, BLOCK = XB * VL,
         STRIDE = MG_DIRECT_CHUNK + BLOCK };
  _Static_assert (BLOCK <= 32, "pad_stride () pads rows for blocks of 32");
  /* the row's sums, chunk by chunk: 8 x 256 floats (8 KB) stay in L1 with
   * the three input rows of a group of channels, which are read in order */
  float sums[COB][STRIDE] __attribute__ ((aligned (64)));

  for (int xs = 0; xs < W; xs += MG_DIRECT_CHUNK)
    {
      const int len = W - xs < MG_DIRECT_CHUNK ? W - xs : MG_DIRECT_CHUNK;
      const int blocks = (len + BLOCK - 1) / BLOCK;

      for (int c = 0; c < COB; c++)
        for (int x = 0; x < blocks * BLOCK; x++)
          sums[c][x] = accumulate ? (x < len ? out[c * out_plane + xs + x]
                                             : 0.0f)
                       : bias != NULL ? bias[c] : 0.0f;
      for (int cg = 0; cg < Cin; cg += K_CIG)
        {
          const int ce = Cin - cg < K_CIG ? Cin : cg + K_CIG;

          /* whole blocks, and a last one of one vector where that covers
           * the rest: rows of 48, 24 or 12 pixels would otherwise sum a
           * third more lanes than they have */
          for (int x = 0; x < len; x += BLOCK)
            if (XB > 1 && len - x <= VL)
              K_CAT (K_FN, _block) (&sums[0][0], STRIDE, x, 1, pad + xs,
                                    pad_plane, pad_stride, wpack, cg, ce);
            else
              K_CAT (K_FN, _block) (&sums[0][0], STRIDE, x, XB, pad + xs,
                                    pad_plane, pad_stride, wpack, cg, ce);
        }
      for (int c = 0; c < COB; c++)
        if (relu)
          {
            float *o = out + c * out_plane + xs;

            for (int x = 0; x < len; x++)
              o[x] = mg_relu1 (sums[c][x]);
          }
        else
          memcpy (out + c * out_plane + xs, sums[c],
                  (size_t) len * sizeof (float));
    }
}

/* Weight gradient of K_WCOB output channels against one input channel,
 * one image:
 *   dw[c][ky·3 + kx] += Σ_y Σ_x dout[c][y][x] · pad[y + ky][x + kx]
 * K_WCOB x 9 vector sums run along the rows (a partial last vector with
 * dout zero-filled); lanes are added up in a fixed order at the end.
 * Rows go in pairs: output rows y and y + 1 read pad rows y..y + 3, so
 * each of those 4 x 3 input vectors is loaded once for both rows (the
 * middle two serve both) — 12 loads per 36 FMAs instead of 9 per 18.
 * An odd last row pairs with a row of zero gradients.  Each input vector
 * is loaded once into a register (K_PIN): left to itself GCC folds the
 * load into every FMA that uses it, and since two thirds of these loads
 * split across cache lines, the loads rather than the FMAs set the pace. */
/* The sums of one vector column of a row pair: g[h][c] is dout of row
 * y + h, channel c; rows[r] is pad row y + r, at the column. */
K_TARGET static inline __attribute__ ((always_inline)) void
K_CAT (K_FNW, _pair) (K_VEC acc[K_WCOB][9], K_VEC g[2][K_WCOB],
                      const float *rows[4], int x)
{
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++)
#pragma GCC unroll 3
    for (int kx = 0; kx < 3; kx++)
      {
        K_VEC v;

        memcpy (&v, rows[r] + x + kx, sizeof v);
        K_PIN (v);
        for (int c = 0; c < K_WCOB; c++)
          {
            if (r < 3)
              acc[c][r * 3 + kx] += g[0][c] * v;
            if (r > 0)
              acc[c][(r - 1) * 3 + kx] += g[1][c] * v;
          }
      }
}

K_TARGET static void
K_FNW (float       *dw,         /* [K_WCOB][cin_stride]: dw[c] + 0..8 */
       size_t       dw_stride,  /* floats between the channels' blocks */
       const float *dout,       /* [K_WCOB][H][W], planes dout_plane apart */
       size_t       dout_plane,
       const float *pad,        /* one channel of pad: [H + 2][pad_stride] */
       int          pad_stride,
       int          H,
       int          W)
{
  enum { WCOB = K_WCOB, VL = K_VL };
  K_VEC acc[WCOB][9];

  memset (acc, 0, sizeof acc);
  for (int y = 0; y < H; y += 2)
    {
      /* an odd last row pairs with zero gradients, and its fourth pad
       * row is row y + 2 again */
      const bool pair = y + 1 < H;
      const float *rows[4];
      const float *d[2][WCOB];
      int x = 0;

      for (int r = 0; r < 4; r++)
        rows[r] = pad + (size_t) (y + (r < 3 || pair ? r : 2)) * pad_stride;
      for (int h = 0; h < 2; h++)
        for (int c = 0; c < WCOB; c++)
          d[h][c] = dout + c * dout_plane + (size_t) (pair ? y + h : y) * W;
      for (; x + VL <= W; x += VL)
        {
          K_VEC g[2][WCOB];

          for (int c = 0; c < WCOB; c++)
            {
              memcpy (&g[0][c], d[0][c] + x, sizeof g[0][c]);
              memcpy (&g[1][c], d[1][c] + x, sizeof g[1][c]);
              if (! pair)
                g[1][c] = (K_VEC) { 0 };
            }
          K_CAT (K_FNW, _pair) (acc, g, rows, x);
        }
      if (x < W)
        {
          /* the last, partial vector: dout zero past the row's end, so
           * those lanes add nothing (pad holds zeros there) */
          K_VEC g[2][WCOB];

          for (int h = 0; h < 2; h++)
            for (int c = 0; c < WCOB; c++)
              {
                float part[VL] = { 0 };

                if (h == 0 || pair)
                  memcpy (part, d[h][c] + x, (size_t) (W - x) * sizeof (float));
                memcpy (&g[h][c], part, sizeof g[h][c]);
              }
          K_CAT (K_FNW, _pair) (acc, g, rows, x);
        }
    }
  for (int c = 0; c < WCOB; c++)
    for (int k = 0; k < 9; k++)
      {
        float lanes[VL], sum = 0.0f;

        memcpy (lanes, &acc[c][k], sizeof lanes);
        for (int l = 0; l < VL; l++)
          sum += lanes[l];
        dw[c * dw_stride + k] += sum;
      }
}

#undef K_FN
#undef K_FNW
#undef K_WCOB
#undef K_TARGET
#undef K_VL
#undef K_XB
#undef K_PIN
#undef K_VEC
