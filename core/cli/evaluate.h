/* evaluate.h — overlap scores of a label image against ground truth. */
#ifndef MG_EVALUATE_H
#define MG_EVALUATE_H

#include <stdbool.h>
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
/* One JSON line (without the closing brace when `open` is true, so
 * instance scores can follow). */
void cli_scores_print (FILE *out, const CliScores *s, bool open);

typedef struct
{
  int    pred, truth;    /* objects in each image */
  int    matched;        /* pairs with IoU > 0.5 (each object in one pair) */
  double precision, recall, f1;
  double mean_matched_iou;
} CliObjectScores;

/* Object detection scores of instance images (0 background, n object n):
 * a predicted and a true object match when their IoU exceeds 0.5, which
 * makes every match unique.  F1 = 2·matched / (pred + truth). */
bool cli_objects_compute (CliObjectScores *s, const uint16_t *pred,
                          const uint16_t *truth, size_t n);
/* The fields, continuing cli_scores_print (..., true). */
void cli_objects_print (FILE *out, const CliObjectScores *s);

#endif /* MG_EVALUATE_H */
