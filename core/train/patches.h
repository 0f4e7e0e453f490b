/* patches.h — the training set: normalised copies of the images, the
 * target maps of the three tasks per image (class index or MG_IGNORE),
 * per-class lists of the labelled pixels, and random patches drawn around
 * them. */
#ifndef MG_PATCHES_H
#define MG_PATCHES_H

#include "maskgrow-core.h"
#include "rng.h"

typedef struct
{
  int      width, height;
  float   *image;   /* [C, H, W], normalised (infer/normalise.h) */
  /* [H, W] each: 0 background, c class c, MG_IGNORE unknown */
  uint8_t *target;  /* approximation task: hints (grown by the recursive
                     * recipe) and exact labels */
  uint8_t *seg;     /* segmentation task: exact labels and background
                     * hints */
  uint8_t *sep;     /* separation task: 1 gap, 0 not (target/gaps.h) */
  uint8_t *strokes; /* separation strokes (non-zero), or NULL */
  uint8_t *ring;    /* background ring pixels of the recursive recipe
                     * (non-zero), or NULL: targets, but never patch
                     * centres nor counted in n_pixels, so the patches and
                     * class weights stay those of what was painted */
} MgTrainImage;

typedef struct
{
  int           n_images;
  MgTrainImage *images;
  int           channels;
  int           classes;                 /* outputs incl. background */
  /* labelled pixels of class k (ring pixels left out): image index << 32
   * | pixel offset */
  uint64_t     *pixels[MG_MAX_CLASSES + 1];
  size_t        n_pixels[MG_MAX_CLASSES + 1];
  /* image i's pixels of class k: pixels[k][first[k][i] .. first[k][i+1]).
   * Patches come from every image with pixels of a class equally often,
   * not in proportion to its labelled pixels: an image labelled exactly
   * beside images with rough hints took, by pixel counts before the first
   * level, 94 % of the patches in the `few` protocol on MICCAI (DSB 97 %,
   * HC18 83 %; seed 1), so the network hardly saw the other images.
   * Measured with tests/bench/protocols.py's few protocol (5 images, 500
   * steps):
   * object F1 MICCAI 0.444 -> 0.530 (seeds 1-4, every seed up), DSB
   * 0.708 -> 0.777 (seeds 1-2), HC18 0.722 -> 0.667 (a head or two of
   * ~10); macro Dice MICCAI 0.883 -> 0.882, DSB 0.921 -> 0.919, HC18
   * 0.852 -> 0.862.  One image: unchanged. */
  size_t       *first[MG_MAX_CLASSES + 1];
  /* labelled pixels per class of the other two tasks */
  size_t        n_seg[MG_MAX_CLASSES + 1];
  size_t        n_sep[2];
  /* pixels labelled exactly (any class; not background strokes) */
  size_t        n_exact;
} MgTrainSet;

/* The label of pixel o of a sample: exact labels win over hints. */
static inline uint8_t
mg_sample_label (const MgTrainSample *s, size_t o)
{
  return s->exact != NULL && s->exact[o] != 0 ? s->exact[o]
         : s->hints != NULL                  ? s->hints[o]
                                             : 0;
}

/* Checks sizes, channels and label values of the samples. */
MgStatus mg_train_samples_check (const MgTrainSample *samples, int n_samples,
                                 MgError *err);

/* Checks the samples (sizes, channels, label values, that background and
 * one object class are painted) and builds the set. */
MgStatus mg_train_set_init (MgTrainSet          *set,
                            const MgTrainSample *samples,
                            int                  n_samples,
                            MgError             *err);
void     mg_train_set_free (MgTrainSet *set);
/* Rebuilds the separation targets and the per-class pixel lists and
 * counts after the approximation targets changed. */
MgStatus mg_train_set_reindex (MgTrainSet *set);

/* Draws one patch: a class chosen uniformly among the painted ones (of
 * the approximation task), an image chosen uniformly among those with
 * pixels of that class, a labelled pixel of it there, a window of side
 * `patch` around it (jittered), and one of the 8 flips/rotations by 90°.
 * Pixels outside the image are mirrored for x and MG_IGNORE for targets.
 *   x [C, patch, patch]; targets [MG_HEADS][patch, patch] in head order
 *   (seg, approx, sep) */
void     mg_patch_draw     (const MgTrainSet *set,
                            MgRng            *rng,
                            int               patch,
                            float            *x,
                            uint8_t          *targets);

/* Mirror index i into [0, n) (…2 1 0 | 0 1 2 … n-1 | n-1 n-2 …). */
static inline int
mg_reflect (int i, int n)
{
  while (i < 0 || i >= n)
    {
      if (i < 0)
        i = -i - 1;
      if (i >= n)
        i = 2 * n - i - 1;
    }
  return i;
}

#endif /* MG_PATCHES_H */
