/* conv3x3-direct.c — 3x3 convolution (stride 1, zero padding 1) computed
 * directly, without an im2col matrix (conv.c decides when).
 *
 *   out[co, y, x] (+)= b[co] + Σ_ci Σ_ky Σ_kx w[co, ci, ky, kx]
 *                                  · in[ci, y + ky − 1, x + kx − 1]
 *
 * im2col + GEMM writes and re-reads a matrix 9·Cin x H·W per image, which
 * for MG-UNet-S's thin layers (16..128 channels) costs more memory traffic
 * than the GEMM costs arithmetic.  Here the input is copied once into a
 * zero-bordered buffer `pad` [Cin, H + 2, stride], the weights into
 * wpack [Cout/8][Cin][9][8], and each block of 8 output channels x a few
 * vectors of one output row is accumulated in registers
 * (conv3x3-kernel.h), one kernel per instruction set (AVX-512, AVX2 + FMA,
 * SSE2) chosen at run time.
 *
 * The weight gradient, dw[co, ci, ky, kx] += Σ_y Σ_x dout[co, y, x]
 * · pad[ci, y + ky, x + kx], runs per (output channel block, input
 * channel) with the nine sums in vector registers along the rows.
 *
 * The same routine as the forward computes the input gradient:
 *   din[ci, y, x] += Σ_co Σ_ky Σ_kx w[co, ci, 2 − ky, 2 − kx]
 *                                  · dout[co, y + ky − 1, x + kx − 1],
 * a 3x3 convolution of dout with the weights transposed (ci ↔ co) and
 * flipped (k ↔ 8 − k), accumulating.
 *
 * A batch goes through in groups of images (images_per_group), a job to
 * pad a group and one to convolve it.
 *
 * Threads: the pool (parallel.h) splits the padding copy over (image,
 * channel, row); the convolution's items (image, row, block of 8 output
 * channels) and the weight gradient's (block of output channels, input
 * channel) are claimed in chunks as the threads get to them
 * (MgParallelQueue): with a fixed half each, the caller waited at the end
 * of every job for a worker that had woken late or been slowed — 11 % of
 * a default 96² step, 4 % with the queue (6 % faster a step).  Rows are
 * outermost within an image: the blocks of one row read
 * the same input rows, which stay in cache between them (blocks outermost
 * re-read the whole padded input once a block, from L3 when it exceeds
 * L2: 64 channels at 64² ran at 0.8x).  Every output element is written
 * by one thread with one fixed order of sums, so results do not depend on
 * the thread count.  Float sums run in a different order than the im2col
 * path (ci, ky, kx with FMA): results agree to rounding. */
#include "conv3x3-direct.h"

#include "maskgrow-core.h"
#include "ops.h"
#include "parallel.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Fused multiply-add for the vector expressions of the kernels (ISO C
 * mode turns contraction off by default). */
#if defined(__GNUC__) && ! defined(__clang__)
#pragma GCC optimize ("fp-contract=fast")
#endif

/* The sanitizer build leaves the kernels unchecked.  Its UBSan puts a
 * bounds and an overflow check on every index of the register blocks
 * (acc[c][v], w[k * COB + c]) and ASan a call on every 32- or 64-byte
 * vector load: a training step ran 14x slower than the release build, 75 %
 * of it in these kernels, and the sanitizer tests took most of CI's time.
 * What they read and write lies inside one arena block (arena.h), whose
 * inside ASan cannot police anyway; the conv tests compare them against
 * im2col on odd shapes in every build, and the code around them stays
 * checked.  (GCC defines __SANITIZE_ADDRESS__ but nothing for UBSan; the
 * UBSan attribute is a no-op without it.) */
#if defined(__SANITIZE_ADDRESS__)
#define K_UNCHECKED __attribute__ ((no_sanitize_address, no_sanitize_undefined))
#else
#define K_UNCHECKED __attribute__ ((no_sanitize_undefined))
#endif

/* Input channels a pass of the row kernel sums in registers (see
 * conv3x3-kernel.h), for every instruction set. */
#define K_CIG 16

#if defined(__x86_64__) && defined(__GNUC__) && ! defined(__clang__)
#define MG_DIRECT_X86 1
#define K_FN     row_avx512
#define K_FNW    dw_avx512
#define K_TARGET __attribute__ ((target ("avx512f,fma"))) K_UNCHECKED
#define K_VL     16
#define K_XB     2
#define K_WCOB   2
#define K_VEC    vec_avx512
#define K_PIN(v) __asm__ ("" : "+v" (v))
#include "conv3x3-kernel.h"
#define K_FN     row_avx2
#define K_FNW    dw_avx2
#define K_TARGET __attribute__ ((target ("avx2,fma"))) K_UNCHECKED
#define K_VL     8
#define K_XB     1
#define K_WCOB   1
#define K_VEC    vec_avx2
#define K_PIN(v) __asm__ ("" : "+x" (v))
#include "conv3x3-kernel.h"
#endif
#define K_FN     row_generic
#define K_FNW    dw_generic
#define K_TARGET K_UNCHECKED
#define K_VL     4
#define K_XB     1
#define K_WCOB   1
#define K_VEC    vec_generic
#define K_PIN(v) ((void) 0)
#include "conv3x3-kernel.h"

typedef void (*RowFn) (float *, size_t, int, const float *, size_t, int,
                       const float *, int, const float *, bool, bool);

typedef void (*DwFn) (float *, size_t, const float *, size_t,
                      const float *, int, int, int);

typedef struct
{
  RowFn row;
  DwFn  dw;
  int   dw_cob;     /* output channels per weight-gradient call */
} Kernels;

/* 0 = the best the CPU has, else 1 generic, 2 AVX2, 3 AVX-512 (tests) */
static int forced_isa;

bool
mg_conv3x3_direct_select (const char *isa)
{
  int want = isa == NULL                    ? 0
             : strcmp (isa, "generic") == 0 ? 1
             : strcmp (isa, "avx2") == 0    ? 2
             : strcmp (isa, "avx512") == 0  ? 3 : -1;

  if (want < 0)
    return false;
#ifdef MG_DIRECT_X86
  if ((want == 2 && ! (__builtin_cpu_supports ("avx2")
                       && __builtin_cpu_supports ("fma")))
      || (want == 3 && ! __builtin_cpu_supports ("avx512f")))
    return false;
#else
  if (want > 1)
    return false;
#endif
  forced_isa = want;
  return true;
}

static Kernels
pick_kernels (void)
{
  Kernels k = { row_generic, dw_generic, 1 };

  if (forced_isa == 1)
    return k;
#ifdef MG_DIRECT_X86
  if (forced_isa == 2)
    return (Kernels) { row_avx2, dw_avx2, 1 };
  if (__builtin_cpu_supports ("avx512f"))
    return (Kernels) { row_avx512, dw_avx512, 2 };
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return (Kernels) { row_avx2, dw_avx2, 1 };
#endif
  return k;
}

/* Floats between rows of pad: the kernels sum whole blocks of at most 32
 * pixels (K_XB·K_VL) and a block reads two columns past its end, so a row
 * holds W rounded up to 32, plus 2, zeros past the input; rounded up to
 * keep rows 64 bytes apart. */
static int
pad_stride (int W)
{
  return ((W + 31) / 32 * 32 + 2 + 15) / 16 * 16;
}

/* Images padded and convolved per pair of pool jobs: as many as fit in
 * GROUP_BYTES of pad, at least one.  On small images a job per image
 * spent more on starting and joining the pool's threads (and repacking
 * the weights) than on the sums; on large ones a whole batch of pads
 * overflows the caches between writing and reading them. */
enum { GROUP_BYTES = 2 << 20 };

static int
images_per_group (int N, int C, int H, int W)
{
  size_t image = (size_t) C * (H + 2) * pad_stride (W) * sizeof (float);
  size_t fit = GROUP_BYTES / image;

  return fit < 1 ? 1 : fit > (size_t) N ? N : (int) fit;
}

size_t
mg_conv3x3_direct_scratch (int N, int Cin, int Cout, int H, int W)
{
  return (size_t) images_per_group (N, Cin, H, W) * Cin * (H + 2)
           * pad_stride (W)
         + (size_t) Cin * Cout * 9;
}

typedef struct
{
  const float *in;     /* [N, C, H, W] */
  float       *pad;    /* [N, C, H + 2, stride] */
  float       *out;    /* [N, Cout, H, W] */
  const float *wpack;  /* [Cout / 8][C][9][8] */
  const float *b;      /* [Cout] or NULL */
  int          N, C, Cout, H, W, stride;
  bool         accumulate;
  bool         relu;   /* forward: ReLU on the way out */
  Kernels      k;
  float       *dw;     /* weight gradient: [Cout, C, 3, 3] */
  MgParallelQueue *queue; /* conv_part's and dw_part's items */
} DirectJob;

/* pad row r of channel c (c counting the channels of all images): zeros,
 * then input row r − 1 at columns 1..W. */
static void
pad_part (void *ctx, int ith, int nth)
{
  const DirectJob *j = ctx;
  size_t r0, r1;

  mg_parallel_range ((size_t) j->N * j->C * (j->H + 2), ith, nth, &r0, &r1);
  for (size_t r = r0; r < r1; r++)
    {
      size_t c = r / (size_t) (j->H + 2);
      int y = (int) (r % (size_t) (j->H + 2)) - 1;
      float *dst = j->pad + r * j->stride;

      if (y >= 0 && y < j->H)
        {
          dst[0] = 0.0f;
          memcpy (dst + 1, j->in + (c * j->H + y) * j->W,
                  (size_t) j->W * sizeof (float));
          memset (dst + 1 + j->W, 0,
                  (size_t) (j->stride - 1 - j->W) * sizeof (float));
        }
      else
        memset (dst, 0, (size_t) j->stride * sizeof (float));
    }
}

/* Part i of the convolution is image i / (H · blocks), then row, then
 * block of 8 output channels. */
static void
conv_part (void *ctx, int ith, int nth)
{
  const DirectJob *j = ctx;
  const size_t blocks = (size_t) j->Cout / MG_DIRECT_COB;
  const size_t plane = (size_t) j->H * j->W;
  const size_t pad_plane = (size_t) (j->H + 2) * j->stride;
  size_t i0, i1;

  (void) ith;
  (void) nth;
  while (mg_parallel_claim (j->queue, &i0, &i1))
    for (size_t i = i0; i < i1; i++)
      {
        size_t n = i / (blocks * j->H), cob = i % blocks;
        int y = (int) (i / blocks % (size_t) j->H);

        j->k.row (j->out + (n * j->Cout + cob * MG_DIRECT_COB) * plane
                    + (size_t) y * j->W,
                  plane, j->W,
                  j->pad + n * j->C * pad_plane + (size_t) y * j->stride,
                  pad_plane, j->stride,
                  j->wpack + cob * (size_t) j->C * 9 * MG_DIRECT_COB, j->C,
                  j->b != NULL ? j->b + cob * MG_DIRECT_COB : NULL,
                  j->accumulate, j->relu);
      }
}

/* Pads in, then convolves, a group of images at a time; wpack is already
 * filled (behind the pads of one group). */
static void
run (DirectJob *j)
{
  const int N = j->N, group = images_per_group (N, j->C, j->H, j->W);
  const size_t in_image = (size_t) j->C * j->H * j->W;
  const size_t out_image = (size_t) j->Cout * j->H * j->W;
  const float *in = j->in;
  float *out = j->out;
  MgParallelQueue queue;

  j->stride = pad_stride (j->W);
  j->queue = &queue;
  j->k = pick_kernels ();
  for (int n = 0; n < N; n += group)
    {
      j->N = N - n < group ? N - n : group;
      j->in = in + n * in_image;
      j->out = out + n * out_image;
      mg_parallel_run (pad_part, j);
      mg_parallel_queue_init (&queue, (size_t) j->N * j->H
                                           * (j->Cout / MG_DIRECT_COB),
                              mg_threads_get ());
      mg_parallel_run (conv_part, j);
    }
}

/* Weight gradient split over (block of output channels, input channel):
 * each part owns its dw entries. */
static void
dw_part (void *ctx, int ith, int nth)
{
  const DirectJob *j = ctx;
  const int cob = j->k.dw_cob;
  size_t plane = (size_t) j->H * j->W;
  size_t pad_plane = (size_t) (j->H + 2) * j->stride;
  size_t i0, i1;

  (void) ith;
  (void) nth;
  while (mg_parallel_claim (j->queue, &i0, &i1))
    for (size_t i = i0; i < i1; i++)
      {
        size_t co = i / (size_t) j->C * cob, ci = i % (size_t) j->C;

        for (size_t n = 0; n < (size_t) j->N; n++)
          j->k.dw (j->dw + (co * j->C + ci) * 9, (size_t) j->C * 9,
                   j->out + (n * j->Cout + co) * plane, plane,
                   j->pad + (n * j->C + ci) * pad_plane, j->stride, j->H,
                   j->W);
      }
}

void
mg_conv3x3_direct_forward (float       *out,     /* [N, Cout, H, W] */
                           const float *in,      /* [N, Cin, H, W] */
                           const float *w,       /* [Cout, Cin, 3, 3] */
                           const float *b,       /* [Cout] or NULL */
                           int N, int Cin, int Cout, int H, int W,
                           bool         relu,
                           float       *scratch) /* direct_scratch floats */
{
  float *pad = scratch;
  float *wpack = scratch + (size_t) images_per_group (N, Cin, H, W) * Cin
                             * (H + 2) * pad_stride (W);
  DirectJob j = { in, pad, out, wpack, b, N, Cin, Cout, H, W, 0, false,
                  relu, { NULL, NULL, 0 }, NULL, NULL };

  for (int co = 0; co < Cout; co++)
    for (int ci = 0; ci < Cin; ci++)
      for (int k = 0; k < 9; k++)
        wpack[(((size_t) (co / MG_DIRECT_COB) * Cin + ci) * 9 + k)
              * MG_DIRECT_COB + co % MG_DIRECT_COB]
          = w[((size_t) co * Cin + ci) * 9 + k];
  run (&j);
}

void
mg_conv3x3_direct_backward_data (float       *din,  /* [N, Cin, H, W], += */
                                 const float *dout, /* [N, Cout, H, W] */
                                 const float *w,    /* [Cout, Cin, 3, 3] */
                                 int N, int Cin, int Cout, int H, int W,
                                 float       *scratch)
{
  /* a forward convolution from Cout to Cin channels */
  float *pad = scratch;
  float *wpack = scratch + (size_t) images_per_group (N, Cout, H, W) * Cout
                             * (H + 2) * pad_stride (W);
  DirectJob j = { dout, pad, din, wpack, NULL, N, Cout, Cin, H, W, 0, true,
                  false, { NULL, NULL, 0 }, NULL, NULL };

  for (int ci = 0; ci < Cin; ci++)
    for (int co = 0; co < Cout; co++)
      for (int k = 0; k < 9; k++)
        wpack[(((size_t) (ci / MG_DIRECT_COB) * Cout + co) * 9 + k)
              * MG_DIRECT_COB + ci % MG_DIRECT_COB]
          = w[((size_t) co * Cin + ci) * 9 + (8 - k)];
  run (&j);
}

void
mg_conv3x3_direct_backward_weights (float       *dw,   /* [Cout, Cin, 3, 3] */
                                    const float *dout, /* [N, Cout, H, W] */
                                    const float *in,   /* [N, Cin, H, W] */
                                    int N, int Cin, int Cout, int H, int W,
                                    float       *scratch)
{
  DirectJob j = { in, scratch, (float *) dout, NULL, NULL, N, Cin, Cout, H,
                  W, pad_stride (W), false, false, pick_kernels (), dw,
                  NULL };

  const int group = images_per_group (N, Cin, H, W);
  MgParallelQueue queue;

  j.queue = &queue;
  if (Cout % j.k.dw_cob != 0)
    j.k = (Kernels) { row_generic, dw_generic, 1 };
  for (int n = 0; n < N; n += group)
    {
      j.N = N - n < group ? N - n : group;
      j.in = in + (size_t) n * Cin * H * W;
      j.out = (float *) dout + (size_t) n * Cout * H * W;
      mg_parallel_run (pad_part, &j);
      mg_parallel_queue_init (&queue, (size_t) Cout / j.k.dw_cob * Cin,
                              mg_threads_get ());
      mg_parallel_run (dw_part, &j);
    }
}
