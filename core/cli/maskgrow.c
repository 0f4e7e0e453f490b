/* maskgrow.c — the command-line tool: train / segment / evaluate / bench.
 *
 *   maskgrow train --image IMG --hints HINTS [--exact EXACT]
 *                  [--image IMG --hints HINTS ...] --model OUT.mgm
 *                  [--seconds N] [--iterations N] [--seed S] [--threads T]
 *                  [--quiet] [--levels N] [--margin PX] [--growth PX]
 *                  [--confidence P]
 *                  [--scale F] [--dump-levels DIR] [--smoothness W]
 *   maskgrow segment --model M.mgm --image IMG --out LABELS.png
 *                  [--probabilities PROB.png] [--instances IDS.png]
 *                  [--threads T] [--quiet]
 *   maskgrow evaluate --pred P.png --truth T.png [--instances]
 *   maskgrow bench [--threads T] [--json] [--quick]
 *
 * Errors: one line "maskgrow: error: ..." on stderr, exit 1 (2 for usage). */
#include "maskgrow-core.h"

#include "bench.h"
#include "evaluate.h"
#include "image-io.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_IMAGES 64

static const char usage[] =
  "usage: maskgrow train --image IMG --hints HINTS [--exact EXACT]\n"
  "                      [--image IMG --hints HINTS ...] --model OUT.mgm\n"
  "                      [--seconds N] [--iterations N] [--seed S]\n"
  "                      [--threads T] [--quiet]\n"
  "                      [--levels N] [--margin PX] [--growth PX]\n"
  "                      [--confidence P]  (recursive levels: default 2,\n"
  "                      0 = hints only; per level a 4 px background\n"
  "                      ring, objects grow up to 4 px at p >= 0.9;\n"
  "                      none when most labelled pixels are exact)\n"
  "                      [--dump-levels DIR]  (each level's masks as\n"
  "                      DIR/level-L-image-I.png, hint convention)\n"
  "                      [--scale F]  (work on images shrunk F times,\n"
  "                      1..8; 0 = from the painted object sizes)\n"
  "                      [--smoothness W]  (weight of the term that puts\n"
  "                      boundaries on image edges; default 1, the\n"
  "                      weight measured in the README; 0 = off)\n"
  "       maskgrow segment --model M.mgm --image IMG --out LABELS.png\n"
  "                      [--probabilities PROB.png] [--instances IDS.png]\n"
  "                      [--views 1|2|4] [--threads T] [--quiet]\n"
  "         (IDS.png: 16-bit object instances, 0 background; --views:\n"
  "         mirrored views averaged, default 4, 1 is 4x faster)\n"
  "       maskgrow evaluate --pred P.png --truth T.png [--instances]\n"
  "       maskgrow bench [--threads T] [--json] [--quick]\n"
  "         (speed and memory of the engine on generated images)\n"
  "Hints and exact labels: 8-bit grey PNG, 0 unknown, 1 background,\n"
  "c+1 object class c, 255 separation stroke.  Output labels: 0 background,\n"
  "c class c.\n";

static int
error (int code, const char *format, ...)
{
  va_list args;

  fprintf (stderr, "maskgrow: error: ");
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fprintf (stderr, "\n");
  return code;
}

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* Fails fast, before seconds or minutes of work, when an output file
 * could not be written at the end: its folder must exist and be writable,
 * and so must the file if it exists.  (The write itself still checks.) */
static bool
output_writable (const char *path)
{
  const char *slash = strrchr (path, '/');
  char dir[4096];

  if (access (path, F_OK) == 0)
    {
      if (access (path, W_OK) == 0)
        return true;
      error (1, "%s: cannot write file: %s", path, strerror (errno));
      return false;
    }
  if (slash == NULL)
    snprintf (dir, sizeof dir, ".");
  else
    snprintf (dir, sizeof dir, "%.*s", slash == path ? 1 : (int) (slash - path),
              path);
  if (access (dir, W_OK | X_OK) == 0)
    return true;
  error (1, "%s: cannot write file: %s: %s", path, dir, strerror (errno));
  return false;
}

/* Parses a number option; false (and a message) when it is not one. */
static bool
parse_number (const char *opt, const char *text, double lo, double hi,
              double *value)
{
  char *end;
  double v = strtod (text, &end);

  if (end == text || *end != '\0' || ! isfinite (v) || v < lo || v > hi)
    {
      error (2, "%s wants a number in %g..%g, not '%s'", opt, lo, hi, text);
      return false;
    }
  *value = v;
  return true;
}

/* Progress on stderr about once a second. */
typedef struct
{
  bool   quiet;
  double last;
} Reporter;

static bool
report (const MgProgress *p, void *data)
{
  Reporter *r = data;

  if (! r->quiet && p->elapsed - r->last >= 1.0)
    {
      r->last = p->elapsed;
      if (p->total > 0)
        fprintf (stderr, "%s: %d/%d  loss %.4f  %.1f s\n", p->stage,
                 p->iteration, p->total, p->loss, p->elapsed);
      else
        fprintf (stderr, "%s: %d  loss %.4f  %.1f s\n", p->stage,
                 p->iteration, p->loss, p->elapsed);
    }
  return true;
}

typedef struct
{
  CliImage image;
  uint8_t *hints, *exact;
} LoadedSample;

/* Loads a label map and checks it against its image's size. */
static bool
load_labels_for (const char *path, const char *image_path,
                 const CliImage *im, uint8_t **out)
{
  char msg[512];
  int w, h;

  if (! cli_labels_load (path, out, &w, &h, msg, sizeof msg))
    {
      error (1, "%s", msg);
      return false;
    }
  if (w != im->width || h != im->height)
    {
      error (1, "%s is %dx%d but %s is %dx%d: labels must match their image",
             path, w, h, image_path, im->width, im->height);
      return false;
    }
  return true;
}

/* Segments with the separation head: fills labels and writes the object
 * instances as a 16-bit PNG (0 background). */
static bool
write_instances (const MgModel *model, const MgImage *mi, uint8_t *labels,
                 const char *path, Reporter *rep, uint32_t *count)
{
  size_t n = (size_t) mi->width * mi->height;
  uint32_t *ids = malloc (n * sizeof (uint32_t));
  uint16_t *ids16 = malloc (n * sizeof (uint16_t));
  MgError err = { 0 };
  char msg[512];
  bool ok = false;

  if (ids == NULL || ids16 == NULL)
    error (1, "out of memory for a %dx%d image", mi->width, mi->height);
  else if (mg_segment_instances (model, mi, labels, ids, count, report, rep,
                                 &err)
           != MG_STATUS_OK)
    error (1, "%s", err.message);
  else if (*count > 65535)
    error (1, "%u objects do not fit a 16-bit instance image", *count);
  else
    {
      for (size_t i = 0; i < n; i++)
        ids16[i] = (uint16_t) ids[i];
      ok = cli_png_save_grey (path, ids16, mi->width, mi->height, 16, msg,
                              sizeof msg);
      if (! ok)
        error (1, "%s", msg);
    }
  free (ids);
  free (ids16);
  return ok;
}

/* The numeric options of `train`, their ranges, and where they go. */
typedef struct
{
  const char *name;
  double      lo, hi;
} NumberOption;

static const NumberOption train_numbers[] = {
  { "--seconds", 0, 1e6 },  { "--iterations", 0, 1e8 },
  { "--seed", 0, 1e15 },    { "--threads", 0, 1024 },
  { "--levels", 0, 20 },    { "--growth", 0, 1000 },
  { "--confidence", 0, 1 }, { "--scale", 0, 8 },
  { "--margin", 0, 100 },    { "--smoothness", 0, 100 },
};

static int
train_number_index (const char *name)
{
  for (size_t i = 0; i < sizeof train_numbers / sizeof train_numbers[0]; i++)
    if (strcmp (name, train_numbers[i].name) == 0)
      return (int) i;
  return -1;
}

static void
set_train_number (MgTrainConfig *c, int which, double v)
{
  switch (which)
    {
    case 0: c->seconds = v; break;
    case 1: c->iterations = (int) v; break;
    case 2: c->seed = (uint64_t) v; break;
    case 3: c->threads = (int) v; break;
    case 4: c->levels = (int) v; break;
    case 5: c->growth = (int) v; break;
    case 6: c->confidence = (float) v; break;
    case 7: c->scale = (int) v; break;
    case 8: c->margin = (int) v; break;
    case 9: c->smoothness = (float) v; break;
    }
}

/* --dump-levels DIR: one PNG per level and training image.  A file that
 * cannot be written is reported and training goes on. */
static void
dump_level (int level, int image, const uint8_t *labels, int width,
            int height, void *user_data)
{
  const char *dir = user_data;
  char path[4096], msg[512];

  snprintf (path, sizeof path, "%s/level-%d-image-%d.png", dir, level,
            image + 1);
  if (! cli_png_save_grey (path, labels, width, height, 8, msg, sizeof msg))
    fprintf (stderr, "maskgrow: warning: %s\n", msg);
}

static int
cmd_train (int argc, char **argv)
{
  const char *images[MAX_IMAGES] = { 0 }, *hints[MAX_IMAGES] = { 0 },
             *exact[MAX_IMAGES] = { 0 };
  LoadedSample loaded[MAX_IMAGES];
  MgTrainSample samples[MAX_IMAGES];
  const char *model_path = NULL;
  MgTrainConfig config;
  Reporter rep = { false, 0 };
  MgModel *model = NULL;
  MgError err = { 0 };
  MgStatus st;
  int n = 0, rc = 1, which;
  double v, start;

  mg_train_config_init (&config);
  for (int i = 0; i < argc; i++)
    {
      const char *o = argv[i];
      const char *a = i + 1 < argc ? argv[i + 1] : NULL;

      if (strcmp (o, "--quiet") == 0)
        {
          rep.quiet = true;
          continue;
        }
      if (a == NULL)
        return error (2, "%s needs a value; see maskgrow --help", o);
      i++;
      if (strcmp (o, "--image") == 0)
        {
          if (n == MAX_IMAGES)
            return error (2, "at most %d training images", MAX_IMAGES);
          images[n++] = a;
        }
      else if (strcmp (o, "--hints") == 0 || strcmp (o, "--exact") == 0)
        {
          const char **slot = o[2] == 'h' ? hints : exact;
          if (n == 0)
            return error (2, "%s must follow the --image it belongs to", o);
          if (slot[n - 1] != NULL)
            return error (2, "image %s has two %s", images[n - 1], o);
          slot[n - 1] = a;
        }
      else if (strcmp (o, "--model") == 0)
        model_path = a;
      else if (strcmp (o, "--dump-levels") == 0)
        {
          config.on_level = dump_level;
          config.level_data = (void *) a;
        }
      else if ((which = train_number_index (o)) >= 0)
        {
          const NumberOption *no = &train_numbers[which];

          if (! parse_number (o, a, no->lo, no->hi, &v))
            return 2;
          set_train_number (&config, which, v);
        }
      else
        return error (2, "unknown option %s; see maskgrow --help", o);
    }
  if (n == 0 || model_path == NULL)
    return error (2, "train needs --image, --hints and --model; see maskgrow --help");
  for (int i = 0; i < n; i++)
    if (hints[i] == NULL && exact[i] == NULL)
      return error (2, "image %s has neither --hints nor --exact", images[i]);
  if (! output_writable (model_path))
    return 1;
  if (config.on_level != NULL && mkdir (config.level_data, 0777) != 0
      && errno != EEXIST)
    return error (1, "cannot create %s: %s", (const char *) config.level_data,
                  strerror (errno));

  memset (loaded, 0, sizeof loaded);
  for (int i = 0; i < n; i++)
    {
      char msg[512];

      if (! cli_image_load (images[i], &loaded[i].image, msg, sizeof msg))
        {
          error (1, "%s", msg);
          goto out;
        }
      if ((hints[i] != NULL && ! load_labels_for (hints[i], images[i],
                                                  &loaded[i].image,
                                                  &loaded[i].hints))
          || (exact[i] != NULL && ! load_labels_for (exact[i], images[i],
                                                     &loaded[i].image,
                                                     &loaded[i].exact)))
        goto out;
      samples[i].image.data = loaded[i].image.data;
      samples[i].image.channels = loaded[i].image.channels;
      samples[i].image.width = loaded[i].image.width;
      samples[i].image.height = loaded[i].image.height;
      samples[i].hints = loaded[i].hints;
      samples[i].exact = loaded[i].exact;
    }
  start = now_seconds ();
  st = mg_train (samples, n, &config, report, &rep, &model, &err);
  if (st != MG_STATUS_OK)
    {
      error (1, "%s", err.message);
      goto out;
    }
  if (mg_model_save (model, model_path, &err) != MG_STATUS_OK)
    {
      error (1, "%s", err.message);
      goto out;
    }
  if (! rep.quiet)
    fprintf (stderr, "trained %d object class%s on %d image%s in %.1f s "
                     "(%d steps, working scale 1/%d); model saved to %s\n",
             mg_model_classes (model),
             mg_model_classes (model) == 1 ? "" : "es", n, n == 1 ? "" : "s",
             now_seconds () - start, mg_model_iterations (model),
             mg_model_scale (model), model_path);
  rc = 0;
out:
  mg_model_free (model);
  for (int i = 0; i < n; i++)
    {
      cli_image_free (&loaded[i].image);
      free (loaded[i].hints);
      free (loaded[i].exact);
    }
  return rc;
}

static int
cmd_segment (int argc, char **argv)
{
  const char *model_path = NULL, *image_path = NULL, *out_path = NULL,
             *prob_path = NULL;
  Reporter rep = { false, 0 };
  MgModel *model = NULL;
  MgError err = { 0 };
  CliImage im = { 0 };
  MgImage mi;
  uint8_t *labels = NULL, *grey = NULL;
  uint32_t count = 0;
  const char *instances_path = NULL;
  float *prob = NULL;
  char msg[512];
  int rc = 1, threads = 0, views = MG_VIEWS_DEFAULT;
  double v, start;
  size_t n;

  for (int i = 0; i < argc; i++)
    {
      const char *o = argv[i];
      const char *a = i + 1 < argc ? argv[i + 1] : NULL;

      if (strcmp (o, "--quiet") == 0)
        {
          rep.quiet = true;
          continue;
        }
      if (a == NULL)
        return error (2, "%s needs a value; see maskgrow --help", o);
      i++;
      if (strcmp (o, "--model") == 0)
        model_path = a;
      else if (strcmp (o, "--image") == 0)
        image_path = a;
      else if (strcmp (o, "--out") == 0)
        out_path = a;
      else if (strcmp (o, "--probabilities") == 0)
        prob_path = a;
      else if (strcmp (o, "--instances") == 0)
        instances_path = a;
      else if (strcmp (o, "--threads") == 0)
        {
          if (! parse_number (o, a, 0, 1024, &v))
            return 2;
          threads = (int) v;
        }
      else if (strcmp (o, "--views") == 0)
        {
          if (! parse_number (o, a, 1, 4, &v))
            return 2;
          views = (int) v;
          if (views != (int) v || views == 3)
            return error (2, "--views must be 1, 2 or 4, not %s", a);
        }
      else
        return error (2, "unknown option %s; see maskgrow --help", o);
    }
  if (model_path == NULL || image_path == NULL || out_path == NULL)
    return error (2, "segment needs --model, --image and --out; see maskgrow --help");
  if (! output_writable (out_path)
      || (prob_path != NULL && ! output_writable (prob_path))
      || (instances_path != NULL && ! output_writable (instances_path)))
    return 1;
  mg_threads_set (threads);
  if (mg_model_load (model_path, &model, &err) != MG_STATUS_OK)
    return error (1, "%s", err.message);
  mg_model_set_views (model, views);
  if (! cli_image_load (image_path, &im, msg, sizeof msg))
    {
      error (1, "%s", msg);
      goto out;
    }
  n = (size_t) im.width * im.height;
  labels = malloc (n);
  if (prob_path != NULL)
    {
      prob = malloc (n * (mg_model_classes (model) + 1) * sizeof (float));
      grey = malloc (n);
    }
  if (labels == NULL || (prob_path != NULL && (prob == NULL || grey == NULL)))
    {
      error (1, "out of memory for a %dx%d image", im.width, im.height);
      goto out;
    }
  mi.data = im.data;
  mi.channels = im.channels;
  mi.width = im.width;
  mi.height = im.height;
  start = now_seconds ();
  /* the instance pass gives the labels too; a second pass only for the
   * probabilities */
  if (instances_path != NULL
      && ! write_instances (model, &mi, labels, instances_path, &rep,
                            &count))
    goto out;
  if ((instances_path == NULL || prob_path != NULL)
      && mg_segment (model, &mi, labels, prob, report, &rep, &err)
           != MG_STATUS_OK)
    {
      error (1, "%s: %s", image_path, err.message);
      goto out;
    }
  if (! cli_png_save_grey (out_path, labels, im.width, im.height, 8, msg,
                           sizeof msg))
    {
      error (1, "%s", msg);
      goto out;
    }
  if (prob_path != NULL)
    {
      /* one grey image: the probability of "any object" = 1 − P(background) */
      for (size_t i = 0; i < n; i++)
        grey[i] = (uint8_t) lrintf (255.0f * (1.0f - prob[i]));
      if (! cli_png_save_grey (prob_path, grey, im.width, im.height, 8, msg,
                               sizeof msg))
        {
          error (1, "%s", msg);
          goto out;
        }
    }
  if (! rep.quiet)
    {
      fprintf (stderr, "segmented %dx%d in %.1f s; labels written to %s\n",
               im.width, im.height, now_seconds () - start, out_path);
      if (instances_path != NULL)
        fprintf (stderr, "%u objects written to %s\n", count,
                 instances_path);
    }
  rc = 0;
out:
  mg_model_free (model);
  cli_image_free (&im);
  free (labels);
  free (prob);
  free (grey);
  return rc;
}

/* evaluate --pred P --truth T [--instances]: with --instances both are
 * instance images (0 background, n object n; 8 or 16 bit) and object
 * scores follow the overlap scores of "any object" vs background. */
static int
cmd_evaluate (int argc, char **argv)
{
  const char *pred_path = NULL, *truth_path = NULL;
  uint16_t *pred = NULL, *truth = NULL;
  uint8_t *pred8 = NULL, *truth8 = NULL;
  bool instances = false;
  int pw, ph, tw, th, rc = 1;
  char msg[512];
  size_t n;
  CliScores scores;
  CliObjectScores objects;

  for (int i = 0; i < argc; i++)
    {
      if (strcmp (argv[i], "--instances") == 0)
        instances = true;
      else if (i + 1 < argc && strcmp (argv[i], "--pred") == 0)
        pred_path = argv[++i];
      else if (i + 1 < argc && strcmp (argv[i], "--truth") == 0)
        truth_path = argv[++i];
      else
        return error (2, "unknown option %s; see maskgrow --help", argv[i]);
    }
  if (pred_path == NULL || truth_path == NULL)
    return error (2, "evaluate needs --pred and --truth; see maskgrow --help");
  if (! cli_instances_load (pred_path, &pred, &pw, &ph, msg, sizeof msg)
      || ! cli_instances_load (truth_path, &truth, &tw, &th, msg, sizeof msg))
    {
      error (1, "%s", msg);
      goto out;
    }
  if (pw != tw || ph != th)
    {
      error (1, "%s is %dx%d but %s is %dx%d", pred_path, pw, ph, truth_path,
             tw, th);
      goto out;
    }
  n = (size_t) pw * ph;
  pred8 = malloc (n);
  truth8 = malloc (n);
  if (pred8 == NULL || truth8 == NULL)
    {
      error (1, "out of memory");
      goto out;
    }
  for (size_t i = 0; i < n; i++)
    {
      if (! instances && (pred[i] > 255 || truth[i] > 255))
        {
          error (1, "class labels above 255 in %s: is it an instance image? "
                    "add --instances", pred[i] > 255 ? pred_path : truth_path);
          goto out;
        }
      /* with --instances the classes are "object" (any id) and background */
      pred8[i] = (uint8_t) (instances ? pred[i] != 0 : pred[i]);
      truth8[i] = (uint8_t) (instances ? truth[i] != 0 : truth[i]);
    }
  cli_scores_compute (&scores, pred8, truth8, n);
  cli_scores_print (stdout, &scores, instances);
  if (instances)
    {
      if (! cli_objects_compute (&objects, pred, truth, n))
        {
          error (1, "out of memory");
          goto out;
        }
      cli_objects_print (stdout, &objects);
    }
  rc = 0;
out:
  free (pred);
  free (truth);
  free (pred8);
  free (truth8);
  return rc;
}

int
main (int argc, char **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      fputs (usage, argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  if (strcmp (argv[1], "train") == 0)
    return cmd_train (argc - 2, argv + 2);
  if (strcmp (argv[1], "segment") == 0)
    return cmd_segment (argc - 2, argv + 2);
  if (strcmp (argv[1], "evaluate") == 0)
    return cmd_evaluate (argc - 2, argv + 2);
  if (strcmp (argv[1], "bench") == 0)
    return mg_cli_bench (argc - 2, argv + 2);
  return error (2, "unknown command '%s'; see maskgrow --help", argv[1]);
}
