/* evaluate.c — per-class Dice and IoU, their mean over foreground classes
 * and the macro mean with background (issue 3's `maskgrow evaluate`). */
#include "evaluate.h"

#include <string.h>

void
cli_scores_compute (CliScores *s, const uint8_t *pred, const uint8_t *truth,
                    size_t n)
{
  size_t both[CLI_EVAL_MAX_CLASSES], np[CLI_EVAL_MAX_CLASSES],
    nt[CLI_EVAL_MAX_CLASSES];
  int top = 1;

  memset (s, 0, sizeof *s);
  memset (both, 0, sizeof both);
  memset (np, 0, sizeof np);
  memset (nt, 0, sizeof nt);
  for (size_t i = 0; i < n; i++)
    {
      np[pred[i]]++;
      nt[truth[i]]++;
      if (pred[i] == truth[i])
        both[pred[i]]++;
      if (pred[i] > top)
        top = pred[i];
      if (truth[i] > top)
        top = truth[i];
    }
  s->classes = top + 1;
  for (int c = 0; c < s->classes; c++)
    {
      size_t sum = np[c] + nt[c];

      s->dice[c] = sum == 0 ? 1.0 : 2.0 * both[c] / (double) sum;
      s->iou[c] = sum == 0 ? 1.0 : both[c] / (double) (sum - both[c]);
      s->macro_dice += s->dice[c] / s->classes;
      s->macro_iou += s->iou[c] / s->classes;
      if (c > 0)
        {
          s->mean_foreground_dice += s->dice[c] / (s->classes - 1);
          s->mean_foreground_iou += s->iou[c] / (s->classes - 1);
        }
    }
}

static void
print_list (FILE *out, const char *key, const double *v, int n)
{
  fprintf (out, "\"%s\": [", key);
  for (int c = 0; c < n; c++)
    fprintf (out, "%s%.4f", c ? ", " : "", v[c]);
  fprintf (out, "]");
}

void
cli_scores_print (FILE *out, const CliScores *s)
{
  fprintf (out, "{\"classes\": %d, ", s->classes);
  print_list (out, "dice", s->dice, s->classes);
  fprintf (out, ", ");
  print_list (out, "iou", s->iou, s->classes);
  fprintf (out, ", \"mean_foreground_dice\": %.4f, "
                "\"mean_foreground_iou\": %.4f, \"macro_dice\": %.4f, "
                "\"macro_iou\": %.4f}\n",
           s->mean_foreground_dice, s->mean_foreground_iou, s->macro_dice,
           s->macro_iou);
}
