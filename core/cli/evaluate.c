/* evaluate.c — per-class Dice and IoU, their mean over foreground classes
 * and the macro mean with background (issue 3's `maskgrow evaluate`). */
#include "evaluate.h"

#include <stdlib.h>
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
cli_scores_print (FILE *out, const CliScores *s, bool open)
{
  fprintf (out, "{\"classes\": %d, ", s->classes);
  print_list (out, "dice", s->dice, s->classes);
  fprintf (out, ", ");
  print_list (out, "iou", s->iou, s->classes);
  fprintf (out, ", \"mean_foreground_dice\": %.4f, "
                "\"mean_foreground_iou\": %.4f, \"macro_dice\": %.4f, "
                "\"macro_iou\": %.4f",
           s->mean_foreground_dice, s->mean_foreground_iou, s->macro_dice,
           s->macro_iou);
  if (! open)
    fprintf (out, "}\n");
}

static int
compare_u32 (const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  return (x > y) - (x < y);
}

bool
cli_objects_compute (CliObjectScores *s, const uint16_t *pred,
                     const uint16_t *truth, size_t n)
{
  size_t *area_p = calloc (65536, sizeof (size_t));
  size_t *area_t = calloc (65536, sizeof (size_t));
  uint32_t *pairs = malloc (n * sizeof (uint32_t));
  size_t n_pairs = 0;
  double iou_sum = 0;

  memset (s, 0, sizeof *s);
  if (area_p == NULL || area_t == NULL || pairs == NULL)
    {
      free (area_p);
      free (area_t);
      free (pairs);
      return false;
    }
  /* overlaps: one key per pixel inside both, sorted, counted in runs */
  for (size_t i = 0; i < n; i++)
    {
      area_p[pred[i]]++;
      area_t[truth[i]]++;
      if (pred[i] && truth[i])
        pairs[n_pairs++] = (uint32_t) pred[i] << 16 | truth[i];
    }
  for (int id = 1; id < 65536; id++)
    {
      s->pred += area_p[id] > 0;
      s->truth += area_t[id] > 0;
    }
  qsort (pairs, n_pairs, sizeof *pairs, compare_u32);
  for (size_t i = 0; i < n_pairs;)
    {
      size_t j = i;
      double inter, iou;

      while (j < n_pairs && pairs[j] == pairs[i])
        j++;
      inter = (double) (j - i);
      iou = inter / ((double) area_p[pairs[i] >> 16]
                     + (double) area_t[pairs[i] & 0xffff] - inter);
      if (iou > 0.5)
        {
          s->matched++;
          iou_sum += iou;
        }
      i = j;
    }
  s->precision = s->pred ? (double) s->matched / s->pred : 0;
  s->recall = s->truth ? (double) s->matched / s->truth : 0;
  s->f1 = s->pred + s->truth ? 2.0 * s->matched / (s->pred + s->truth) : 1;
  s->mean_matched_iou = s->matched ? iou_sum / s->matched : 0;
  free (area_p);
  free (area_t);
  free (pairs);
  return true;
}

void
cli_objects_print (FILE *out, const CliObjectScores *s)
{
  fprintf (out, ", \"objects_pred\": %d, \"objects_truth\": %d, "
                "\"objects_matched\": %d, \"object_precision\": %.4f, "
                "\"object_recall\": %.4f, \"object_f1\": %.4f, "
                "\"mean_matched_iou\": %.4f}\n",
           s->pred, s->truth, s->matched, s->precision, s->recall, s->f1,
           s->mean_matched_iou);
}
