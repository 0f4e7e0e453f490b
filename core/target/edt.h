/* edt.h — exact Euclidean distance transform (Felzenszwalb & Huttenlocher,
 * "Distance transforms of sampled functions", 2012): O(N) in two passes of
 * 1-D lower envelopes of parabolas.  Used to grow masks and for signed
 * distance targets. */
#ifndef MG_EDT_H
#define MG_EDT_H

#include <stddef.h>
#include <stdint.h>

/* dist[i] = Euclidean distance from pixel i to the nearest pixel with
 * mask != 0 (0 on those pixels), for a width x height image; INFINITY
 * everywhere if no pixel is set.  scratch: 3 * max(w, h) + 1 floats plus
 * max(w, h) ints, see mg_edt_scratch_size (bytes). */
size_t mg_edt_scratch_size (int width, int height);
void   mg_edt (float *dist, const uint8_t *mask, int width, int height,
               void *scratch);

#endif /* MG_EDT_H */
