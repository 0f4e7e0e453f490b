/* margin.h — background margins for the recursive recipe: pixels just
 * outside the objects the network finds for the painted objects become
 * background targets of the next level.
 *
 * Why: people paint background strokes away from objects (a margin is
 * natural: nobody traces an object's edge when told to be rough), so the
 * network never sees a background pixel with an object next to it, and
 * calls the 1-3 px around every object object too (a halo; measured on
 * H&E nuclei: most of the error, 3x the missed pixels).  Labelling a
 * ring of pixels the network itself already calls background, a little
 * outside each object it found, gives it those examples; the next level
 * finds tighter objects and its ring moves in.  The ring never touches a
 * pixel the network calls object (other objects, painted or not), a
 * painted pixel, or a pixel nearer than `inner` to the object.
 *
 * Only objects the network found at least MG_MARGIN_MIN_GROWTH times as
 * large as what is painted in them get a ring: where it found little more
 * than the paint, it has not found the edge (a textured object, an early
 * network), and a ring there would cut through the object and teach it
 * to shrink (measured on ultrasound fetal heads: object Dice 0.57 -> 0.32
 * on one image without this rule; 3 keeps the nuclei's gain). */
#ifndef MG_MARGIN_H
#define MG_MARGIN_H

#include <stddef.h>
#include <stdint.h>

#define MG_MARGIN_MIN_GROWTH 3

/* Scratch bytes for mg_margin on width x height. */
size_t mg_margin_scratch_size (int width, int height);

/* labels [H, W]: class index (0 background) or MG_IGNORE, updated in
 * place; prob [classes, H, W].  The objects found = the 8-connected
 * components of the pixels whose most likely class is an object class
 * that contain painted object pixels and are at least
 * MG_MARGIN_MIN_GROWTH times their number; unlabelled pixels whose most
 * likely class is background and whose distance to those objects is in
 * [inner, outer] become background.  Returns the number of pixels
 * labelled. */
size_t mg_margin (uint8_t *labels, const float *prob, int classes, int width,
                  int height, float inner, float outer, void *scratch);

#endif /* MG_MARGIN_H */
