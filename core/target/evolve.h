/* evolve.h — one level of recursive mask evolution (methods.md §1(d)):
 * every painted region (an object instance, or the background) grows into
 * the unlabelled pixels the network assigns to its class with confidence,
 * through connected pixels only, by at most `growth` steps per level.
 *
 * Rules, each with a reason:
 * - painted and exact pixels never change: masks only grow (M_k+1 ⊇ M_k);
 * - a pixel reached by two regions in the same step goes to neither, and an
 *   object never grows next to another object of its class, so touching
 *   objects stay separate instances (a one-pixel gap is kept);
 * - blocked pixels (separation strokes) are never taken;
 * - the background grows only when asked (our addition to the paper's
 *   per-object growth: it shrinks the unlabelled band from both sides, but
 *   an early network's mistakes then let the background eat into objects,
 *   and grown pixels never change back; training grows objects only).
 */
#ifndef MG_EVOLVE_H
#define MG_EVOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct
{
  int   growth;      /* most 4-connected steps a region grows per level */
  float confidence;  /* a pixel joins class c only if p_c >= confidence
                      * and c is its most likely class */
  bool  background;  /* whether the background grows too */
} MgEvolveParams;

/* Scratch bytes for mg_evolve on width x height. */
size_t mg_evolve_scratch_size (int width, int height);

/* Instance ids for a label map: background pixels get id 1, each
 * 4-connected region of an object class its own id from 2, unlabelled 0.
 *   labels [H, W]: class index (0 background) or MG_IGNORE.
 *   scratch: width * height int32.  Returns the number of ids used + 1. */
int32_t mg_evolve_instances (int32_t *instance, const uint8_t *labels,
                             int width, int height, int32_t *scratch);

/* Grows labels and instance in place by one level; returns the number of
 * pixels added.  prob [classes, H, W]; blocked [H, W] or NULL. */
size_t mg_evolve (uint8_t *labels, int32_t *instance, const float *prob,
                  int classes, int width, int height, const uint8_t *blocked,
                  const MgEvolveParams *params, void *scratch);

#endif /* MG_EVOLVE_H */
