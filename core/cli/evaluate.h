/* evaluate.h — overlap scores of a label image against ground truth. */
#ifndef MG_EVALUATE_H
#define MG_EVALUATE_H

#include <stdint.h>
#include <stdio.h>

#define CLI_EVAL_MAX_CLASSES 256

typedef struct
{
  int    classes;                       /* labels 0..classes-1 seen */
  double dice[CLI_EVAL_MAX_CLASSES];    /* per class, 0 = background */
  double iou[CLI_EVAL_MAX_CLASSES];
  double mean_foreground_dice, mean_foreground_iou;
  double macro_dice, macro_iou;         /* background included */
} CliScores;

/* Scores n pixels of pred against truth (0 = background, c = class c).
 * A class absent from both counts as Dice 1 (nothing to find, nothing
 * found); such classes only occur below the highest label present. */
void cli_scores_compute (CliScores *s, const uint8_t *pred,
                         const uint8_t *truth, size_t n);
/* One JSON line. */
void cli_scores_print (FILE *out, const CliScores *s);

#endif /* MG_EVALUATE_H */
