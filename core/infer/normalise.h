/* normalise.h — what the network sees: every image scaled by its own
 * statistics.  Images of one kind differ in brightness and contrast
 * (exposure, stain, gain); one set-wide scaling learnt from the training
 * images made a dimmer new image's background look like the training
 * images' objects.  Each channel of each image is mapped so that its 1st
 * percentile becomes 0 and its 99.8th becomes 1 (the percentile scaling of
 * StarDist's and Cellpose's `normalize`): unlike mean and standard
 * deviation, the two ends hardly move with the share of the image that
 * objects cover. */
#ifndef MG_NORMALISE_H
#define MG_NORMALISE_H

#include <stddef.h>

#define MG_NORM_LOW  0.01
#define MG_NORM_HIGH 0.998

/* out[c] = (in[c] − low_c) / (high_c − low_c) per channel of `plane`
 * pixels, low and high the percentiles above (from a 4096-bin histogram
 * between the channel's minimum and maximum); a flat channel gets a
 * range of at least 1e-3 so it stays finite.  out may be in. */
void mg_normalise (float *out, const float *in, int channels, size_t plane);

#endif /* MG_NORMALISE_H */
