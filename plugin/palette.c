/* palette.c — the maskgrow label palette and nearest-colour matching.
 *
 * The table must list resources/maskgrow.gpl in the same order with the same
 * names and colours (tests/gimp/test-palette.sh compares them).  Painted
 * pixels are matched to the nearest entry; a colour beyond the tolerance, or
 * one about as near to two entries (a blend of two strokes), is refused
 * rather than guessed (design.md, "Hints").
 */
#include "palette.h"

#include <math.h>

#include <glib/gi18n.h>

#include "maskgrow-core.h"

/* Keep one entry per line: tests/gimp/test-palette.sh reads these lines. */
const MaskgrowPaletteEntry maskgrow_palette[MASKGROW_PALETTE_SIZE] =
{
  { N_("Background"), { 255, 255, 255 }, MG_LABEL_BACKGROUND },
  { N_("Class 1"),    { 230, 159,   0 }, 2 },
  { N_("Class 2"),    {  86, 180, 233 }, 3 },
  { N_("Class 3"),    {   0, 158, 115 }, 4 },
  { N_("Class 4"),    { 240, 228,  66 }, 5 },
  { N_("Class 5"),    {   0, 114, 178 }, 6 },
  { N_("Class 6"),    { 213,  94,   0 }, 7 },
  { N_("Class 7"),    { 204, 121, 167 }, 8 },
  { N_("Class 8"),    { 136,  34,  85 }, 9 },
  { N_("Separation"), {   0,   0,   0 }, MG_LABEL_SEPARATION },
};

/* Two entries count as "about equally near" when their distances differ by
 * less than this; the closest pair of entries is 67 apart. */
#define AMBIGUITY_MARGIN 16.0

MaskgrowMatch
maskgrow_palette_match (const guint8 rgb[3],
                        gint        *nearest,
                        gint        *second)
{
  gdouble d1 = G_MAXDOUBLE;
  gdouble d2 = G_MAXDOUBLE;
  gint    i1 = 0;
  gint    i2 = 0;
  gint    i;

  for (i = 0; i < MASKGROW_PALETTE_SIZE; i++)
    {
      const guint8 *p  = maskgrow_palette[i].rgb;
      gdouble       dr = (gdouble) rgb[0] - p[0];
      gdouble       dg = (gdouble) rgb[1] - p[1];
      gdouble       db = (gdouble) rgb[2] - p[2];
      gdouble       d  = dr * dr + dg * dg + db * db;

      if (d < d1)
        {
          d2 = d1; i2 = i1;
          d1 = d;  i1 = i;
        }
      else if (d < d2)
        {
          d2 = d; i2 = i;
        }
    }
  d1 = sqrt (d1);
  d2 = sqrt (d2);

  *nearest = i1;
  *second  = i2;
  if (d1 > MASKGROW_PALETTE_TOLERANCE)
    return MASKGROW_MATCH_FAR;
  if (d2 <= MASKGROW_PALETTE_TOLERANCE && d2 - d1 < AMBIGUITY_MARGIN)
    return MASKGROW_MATCH_AMBIGUOUS;
  return MASKGROW_MATCH_OK;
}

const MaskgrowPaletteEntry *
maskgrow_palette_class (gint c)
{
  g_return_val_if_fail (c >= 1, &maskgrow_palette[1]);

  return &maskgrow_palette[1 + (c - 1) % MASKGROW_PALETTE_CLASSES];
}
