/* palette.h — the maskgrow label palette (resources/maskgrow.gpl) and the
 * matching of painted colours to labels. */
#ifndef MASKGROW_PALETTE_H
#define MASKGROW_PALETTE_H

#include <glib.h>

typedef struct
{
  const gchar *name;   /* untranslated; show with gettext () */
  guint8       rgb[3]; /* sRGB, 8 bit */
  guint8       label;  /* 1 = background, c + 1 = class c, 255 = separation */
} MaskgrowPaletteEntry;

/* Background, classes 1..MASKGROW_PALETTE_CLASSES, Separation. */
#define MASKGROW_PALETTE_CLASSES 8
#define MASKGROW_PALETTE_SIZE    (MASKGROW_PALETTE_CLASSES + 2)

extern const MaskgrowPaletteEntry maskgrow_palette[MASKGROW_PALETTE_SIZE];

/* A painted colour farther than this from every entry is an error
 * (Euclidean distance in 0..255 sRGB). */
#define MASKGROW_PALETTE_TOLERANCE 60.0

typedef enum
{
  MASKGROW_MATCH_OK,
  MASKGROW_MATCH_FAR,       /* no entry within the tolerance */
  MASKGROW_MATCH_AMBIGUOUS  /* two entries about equally near */
} MaskgrowMatch;

/* Finds the entry nearest to rgb.  *nearest and *second are indices into
 * maskgrow_palette (second = runner-up, for messages). */
MaskgrowMatch maskgrow_palette_match (const guint8 rgb[3],
                                      gint        *nearest,
                                      gint        *second);

/* The entry of class c (1-based), wrapping around after the last class. */
const MaskgrowPaletteEntry *maskgrow_palette_class (gint c);

#endif /* MASKGROW_PALETTE_H */
