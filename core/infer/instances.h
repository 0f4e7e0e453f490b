/* instances.h — from class probabilities and the separation head's gap
 * probability to class labels and object instances (methods.md §1(f):
 * subtract the predicted gaps, then label connected components). */
#ifndef MG_INSTANCES_H
#define MG_INSTANCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A pixel the separation head gives at least this is a gap. */
#define MG_GAP_THRESHOLD 0.5f
/* Smaller pieces left after removing the gaps seed no instance of their
 * own (they join a neighbour): single pixels cut off by a ragged gap. */
#define MG_INSTANCE_MIN_SEED 5

/* labels[o] = index of the largest of `classes` planes of prob [K, plane]. */
void mg_argmax (uint8_t *labels, const float *prob, int classes,
                size_t plane);

/* Instances of the object pixels of labels [H, W] (0 = background):
 * 4-connected pieces of one class left after removing the pixels with
 * gap >= MG_GAP_THRESHOLD seed one instance each; the removed pixels go
 * to the nearest instance of their class they connect to (breadth first),
 * or form instances of their own when none.  instances: 0 background,
 * 1..*count.  gap may be NULL (plain connected components).  False when
 * out of memory. */
bool mg_label_instances (uint32_t *instances, uint32_t *count,
                         const uint8_t *labels, const float *gap, int width,
                         int height);

#endif /* MG_INSTANCES_H */
