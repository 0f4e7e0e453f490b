/* fpmode.h — subnormal floats flushed to zero while the core's loops run
 * (internal; used by parallel.c around every job).
 *
 * Why: as training goes on, many activations and gradients decay into the
 * subnormal range (below 1.2e-38), and on x86 every multiply-add that
 * meets one takes a microcode assist of a hundred-odd cycles.  On the
 * HC18 crop (tests/bench/data/head-512.png, default settings) steps 50 to
 * 200 took 0.123 s each with them and 0.073 s flushed, the time of a step
 * on random data.  Flushing changes only values a float sum of the
 * network's size cannot show (relative 1e-38 of the largest term).
 *
 * The mode is per thread: the pool's workers set it once, and the calling
 * thread sets it for the length of its own part of a job and then puts
 * back what it had, so an application's own arithmetic is not changed.
 * Where the CPU needs no help (AArch64 handles subnormals at full speed on
 * most cores) or the mode is unknown, these do nothing. */
#ifndef MG_FPMODE_H
#define MG_FPMODE_H

#if defined(__x86_64__) || defined(__SSE2__)
#include <xmmintrin.h>
#define MG_FP_FLUSH_BITS 0x8040u /* MXCSR: FTZ (bit 15) | DAZ (bit 6) */
#endif

typedef struct
{
  unsigned saved;
} MgFpMode;

/* Sets flush-to-zero and denormals-are-zero on this thread; returns the
 * mode to give back to mg_fp_restore. */
static inline MgFpMode
mg_fp_flush_subnormals (void)
{
  MgFpMode m = { 0 };

#ifdef MG_FP_FLUSH_BITS
  m.saved = _mm_getcsr ();
  _mm_setcsr (m.saved | MG_FP_FLUSH_BITS);
#endif
  return m;
}

static inline void
mg_fp_restore (MgFpMode m)
{
#ifdef MG_FP_FLUSH_BITS
  _mm_setcsr (m.saved);
#else
  (void) m;
#endif
}

#endif /* MG_FPMODE_H */
