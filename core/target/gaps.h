/* gaps.h — targets of the separation head (methods.md §1(e)): the thin
 * background between touching objects, so that touching objects of one
 * class come out as separate instances. */
#ifndef MG_GAPS_H
#define MG_GAPS_H

#include <stdint.h>

/* Pixels closer than this (Chebyshev) to two different objects are gaps. */
#define MG_GAP_REACH 2

/* sep [H, W]: 1 (gap) on separation strokes and on every pixel outside
 * the objects that has two different object instances within
 * MG_GAP_REACH pixels; 0 on the other labelled pixels of `target`;
 * MG_IGNORE elsewhere.
 *   target [H, W]: class index (0 background) or MG_IGNORE
 *   instance [H, W]: ids from mg_evolve_instances (>= 2 objects)
 *   strokes [H, W] or NULL: separation strokes (non-zero) */
void mg_gap_target (uint8_t *sep, const uint8_t *target,
                    const int32_t *instance, const uint8_t *strokes,
                    int width, int height);

#endif /* MG_GAPS_H */
