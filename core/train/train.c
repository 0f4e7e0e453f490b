/* train.c — mg_train: supervised training of MG-UNet-S on the labelled
 * pixels (masked cross-entropy, unlabelled pixels ignored), Adam, random
 * class-balanced patches with flips and rotations by 90°.
 *
 * Everything the loop touches is allocated before it starts: the network
 * buffers (one arena), the gradient and Adam blocks and the target batch.
 * The loop ends at the iteration limit, the time budget, or when the
 * progress callback asks to stop (the model so far is kept). */
#include "maskgrow-core.h"

#include "clock.h"
#include "error.h"
#include "model.h"
#include "net/unet.h"
#include "optim/adam.h"
#include "infer/instances.h"
#include "infer/predict.h"
#include "train/patches.h"
#include "train/recursive.h"
#include "train/scale.h"

#include <stdlib.h>
#include <string.h>

void
mg_train_config_init (MgTrainConfig *config)
{
  config->seconds = 30.0;
  config->iterations = 1500;
  config->seed = 1;
  config->threads = 0;
  config->patch = 96;
  config->batch = 4;
  config->learning_rate = 1e-3f;
  config->smoothness = 1.0f;
  config->levels = 2;
  config->growth = 4;
  config->margin = 4;
  config->confidence = 0.9f;
  config->scale = 0;
  config->on_level = NULL;
  config->level_data = NULL;
  config->preview_seconds = 2.0;
  config->on_preview = NULL;
  config->preview_data = NULL;
}

static MgStatus
check_config (const MgTrainConfig *c, MgError *err)
{
  if (c->patch < 16 || c->patch > 1024 || c->patch % 8 != 0)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "patch size %d must be a multiple of 8 in 16..1024",
                         c->patch);
  if (c->batch < 1 || c->batch > 64)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "batch %d must be in 1..64", c->batch);
  if (c->iterations < 0 || c->seconds < 0)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "iterations and seconds must not be negative");
  if (c->iterations == 0 && c->seconds == 0)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "give an iteration limit or a time budget");
  if (! (c->learning_rate > 0 && c->learning_rate < 1))
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "learning rate must be in (0, 1)");
  if (! (c->smoothness >= 0 && c->smoothness <= 100))
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "smoothness must be in 0..100");
  if (c->levels < 0 || c->levels > 20 || c->growth < 0 || c->growth > 1000
      || c->margin < 0 || c->margin > 100
      || ! (c->confidence >= 0 && c->confidence <= 1))
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "recursion: levels 0..20, growth 0..1000 px, "
                         "margin 0..100 px, confidence 0..1");
  if (c->scale < 0 || c->scale > MG_SCALE_MAX)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "scale %d must be 0 (automatic) or 1..%d", c->scale,
                         MG_SCALE_MAX);
  if (c->on_preview != NULL && ! (c->preview_seconds > 0))
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "previews need a positive interval");
  return MG_STATUS_OK;
}

/* The state of one training run, so the loop below stays short. */
typedef struct
{
  MgTrainSet    set;
  MgModel      *model;
  MgUNetBuffers buf;
  MgUNetParams  params, grads;
  float        *block;    /* grads, Adam m, Adam v: 3 * n_params floats */
  uint8_t      *target;   /* [MG_HEADS][batch, patch, patch] */
  uint8_t      *drawn;    /* [MG_HEADS][patch, patch]: one patch's */
  float         class_weight[MG_HEADS][MG_MAX_CLASSES + 1];
  MgAdam        adam;
  MgRng         rng;
  MgRecursion   rec;
  int           levels;   /* the levels run (exact_dominates) */
  void         *scaled;   /* shrunk copies of the samples, or NULL */
  const MgTrainSample *samples; /* what the set was built from */
  const MgTrainSample *original; /* as given, at full size */
  uint8_t      *shown;    /* full-size label map for on_level, or NULL */
  float        *preview_prob;   /* [classes + 1][preview plane] */
  uint8_t      *preview_labels; /* [preview plane] */
  float        *preview_image;  /* the centre crop predicted, planar */
} TrainRun;

static void
train_run_free (TrainRun *r)
{
  mg_recursion_free (&r->rec);
  mg_train_set_free (&r->set);
  mg_unet_buffers_free (&r->buf);
  free (r->block);
  free (r->target);
  free (r->drawn);
  free (r->preview_prob);
  free (r->preview_labels);
  free (r->preview_image);
  free (r->scaled);
  free (r->shown);
}

/* Inverse class frequency over the labelled pixels of one task, mean 1
 * over the classes present (methods.md §1(c)), at most MAX_WEIGHT.
 * People paint far more of one class than another (a few thin background
 * strokes against fat blobs, or the reverse); unweighted, the larger
 * class wins every unlabelled pixel the network is unsure about, which
 * shows as a halo around objects.  The cap keeps a task with a handful of
 * pixels of one class (gaps between objects) from dominating a step. */
#define MAX_WEIGHT 10.0

static void
inverse_frequency (float *weight, const size_t *n_pixels, int classes)
{
  size_t total = 0;
  int present = 0;

  for (int k = 0; k < classes; k++)
    if (n_pixels[k] > 0)
      {
        total += n_pixels[k];
        present++;
      }
  for (int k = 0; k < classes; k++)
    {
      double w = n_pixels[k] > 0
                   ? (double) total / present / (double) n_pixels[k]
                   : 0.0;
      weight[k] = (float) (w < MAX_WEIGHT ? w : MAX_WEIGHT);
    }
}

/* Whether any object pixel is labelled exactly (the seg head then learns
 * more than background). */
static bool
has_exact_objects (const MgTrainSet *set)
{
  for (int k = 1; k < set->classes; k++)
    if (set->n_seg[k] > 0)
      return true;
  return false;
}

/* The exact labels' share of the approx head's labelled pixels, 0..1. */
static double
exact_share (const MgTrainSet *set)
{
  size_t all = 0;

  for (int k = 0; k < set->classes; k++)
    all += set->n_pixels[k];
  /* n_pixels leaves ring pixels out, n_exact does not: cap at 1 */
  return set->n_exact >= all ? 1.0 : (double) set->n_exact / (double) all;
}

/* Whether most of the approx head's labelled pixels are exact: a whole
 * image outlined beside images with rough hints (share 0.93-0.97 in the
 * `few` protocol, seed 1), not one or two objects outlined among rough blobs
 * (0.007 and 0.064 on two MICCAI images).  An outlined object whose
 * background is only strokes counts too, though its outline says nothing
 * of the background: HC18's one head per image outlined, on top of the
 * hints (protocols.py `outlined`, 3 images, seed 1) scored 0.679 before
 * this rule and 0.730 with it, and 0.679 again when every class,
 * background included, had to be mostly exact.  Then the network learns the
 * boundaries from the exact labels, and two things that help hints alone
 * only cost:
 * - the recursive levels: their grown masks and rings on the hinted
 *   images are the network's own guesses;
 * - mixing the seg head into the answer: the approx head learns the
 *   exact labels too, and the hinted images besides, where the seg head
 *   sees the exact labels and background strokes only.
 * Measured on `few` (tests/bench/protocols.py's images, 500 steps,
 * 4 views, macro Dice; levels 2 and seg head mixed by half -> the levels
 * skipped, seg head still mixed -> neither): MICCAI seeds 1-4 0.882 ->
 * 0.899 -> 0.906, DSB seeds 1-2 0.919 -> 0.913 -> 0.914, HC18 seeds 1-2
 * 0.862 -> 0.862 -> 0.868.  With one or two objects outlined the mix
 * stays (two outlined beside hints on a third of the objects, 3 images,
 * seed 1, approx head alone -> mixed by half: MICCAI 0.877 -> 0.868, but
 * DSB 0.877 -> 0.890). */
static bool
exact_dominates (const MgTrainSet *set)
{
  return exact_share (set) >= 0.5;
}

/* The approx head learns the hints and the exact labels together: hints
 * need balancing (inverse_frequency), exact labels do not (see
 * set_class_weights).  One weight per class serves both, so the two are
 * mixed by the exact labels' share s of the head's pixels:
 * w_k = s + (1 − s) · inverse-frequency_k.  With a whole image labelled
 * exactly (s ≈ 0.9 in the `few` protocol) this is nearly 1, and the
 * output (then half approx head) no longer grew a halo; with one outlined
 * object beside many hints it stays nearly balanced.  Measured on `few`
 * (tests/bench/protocols.py's images, seeds 1-2 x 250 and 400 steps,
 * macro Dice, mean of four runs; one seed alone moves DSB by 0.08):
 * DSB 0.840 -> 0.880, MICCAI 0.882 -> 0.885, HC18 0.863 -> 0.867 (the
 * three runs both have). */
static void
approx_weights (TrainRun *r)
{
  float *w = r->class_weight[MG_HEAD_APPROX];
  double share = exact_share (&r->set);

  inverse_frequency (w, r->set.n_pixels, r->set.classes);
  for (int k = 0; k < r->set.classes; k++)
    if (r->set.n_pixels[k] > 0)
      w[k] = (float) (share + (1 - share) * w[k]);
}

static void
set_class_weights (TrainRun *r)
{
  approx_weights (r);
  /* Exact labels are unweighted.  Unlike hints, they cover objects and
   * background in their true proportions, so reweighting them only moves
   * the seg head's decision towards the rarer class: with 14 % object
   * pixels (weights 3.6 : 0.58) a pixel became object from p = 0.14, a
   * halo of 1-3 px around every nucleus.  Measured on the `few` protocol
   * (tests/bench/protocols.py, 5 images, seed 1, one view): macro Dice
   * DSB 0.780 -> 0.853 (a dim test image's halo and faint background had
   * been taken for nuclei), MICCAI 0.876 -> 0.874; the upper bound (exact
   * labels only; README's figures -> 4 views) DSB 0.850 -> 0.917, MICCAI
   * 0.870 -> 0.909.  The approx head weighs its exact pixels the same
   * way, as far as one weight per class allows (approx_weights).  Without
   * exact object labels the seg head would only learn that everything is
   * background: it is not trained (and not used) then. */
  for (int k = 0; k < r->set.classes; k++)
    r->class_weight[MG_HEAD_SEG][k]
      = has_exact_objects (&r->set) && r->set.n_seg[k] > 0 ? 1.0f : 0.0f;
  /* without a single gap pixel there is nothing to learn: the head stays
   * at its initial "no gap" (unet.c) */
  if (r->set.n_sep[1] > 0)
    inverse_frequency (r->class_weight[MG_HEAD_SEP], r->set.n_sep,
                       MG_SEP_CLASSES);
  else
    memset (r->class_weight[MG_HEAD_SEP], 0,
            sizeof r->class_weight[MG_HEAD_SEP]);
}

static MgStatus
train_run_init (TrainRun *r, const MgTrainSample *samples, int n,
                const MgTrainConfig *c, MgError *err)
{
  MgUNetConfig uc;
  size_t np;
  MgStatus st;
  int factor;

  memset (r, 0, sizeof *r);
  st = mg_train_samples_check (samples, n, err);
  if (st != MG_STATUS_OK)
    return st;
  r->original = samples;
  factor = c->scale > 0 ? c->scale : mg_scale_choose (samples, n);
  if (factor > 1)
    {
      MgTrainSample *scaled;

      st = mg_scale_samples (samples, n, factor, &scaled, &r->scaled, err);
      if (st != MG_STATUS_OK)
        return st;
      samples = scaled;
    }
  r->samples = samples;
  st = mg_train_set_init (&r->set, samples, n, err);
  if (st != MG_STATUS_OK)
    return st;
  mg_unet_config_default (&uc, r->set.channels, r->set.classes);
  r->model = mg_model_new (&uc);
  if (r->model == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY, "out of memory");
  r->model->seed = c->seed;
  r->model->scale = factor;
  r->model->seg_weight = exact_dominates (&r->set) ? 0.0f
                         : has_exact_objects (&r->set) ? 0.5f : 0.0f;
  np = r->model->n_params;
  st = mg_unet_buffers_init (&r->buf, &uc, c->batch, c->patch, c->patch,
                             true, err);
  if (st != MG_STATUS_OK)
    return st;
  r->block = malloc (3 * np * sizeof (float));
  r->target = malloc ((size_t) MG_HEADS * c->batch * c->patch * c->patch);
  r->drawn = malloc ((size_t) MG_HEADS * c->patch * c->patch);
  if (r->block == NULL || r->target == NULL || r->drawn == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY, "out of memory");
  set_class_weights (r);
  mg_unet_params_bind (&r->params, &uc, r->model->params);
  mg_unet_params_bind (&r->grads, &uc, r->block);
  mg_rng_seed (&r->rng, c->seed);
  mg_unet_params_init (&r->params, &uc, &r->rng);
  mg_adam_init (&r->adam, c->learning_rate, r->block + np, r->block + 2 * np,
                np);
  if (c->on_preview != NULL)
    {
      /* Sized for the crop (the working-scale image is never larger than
       * the sample itself). */
      const MgImage *im = &samples[0].image;
      size_t plane = (size_t) (im->width < MG_PREVIEW_MAX_SIDE
                               ? im->width : MG_PREVIEW_MAX_SIDE)
                     * (im->height < MG_PREVIEW_MAX_SIDE
                        ? im->height : MG_PREVIEW_MAX_SIDE);

      r->preview_prob = malloc (plane * r->set.classes * sizeof (float));
      r->preview_labels = malloc (plane);
      r->preview_image = malloc (plane * im->channels * sizeof (float));
      if (r->preview_prob == NULL || r->preview_labels == NULL
          || r->preview_image == NULL)
        return mg_error_set (err, MG_STATUS_NO_MEMORY, "out of memory");
    }
  r->levels = exact_dominates (&r->set) ? 0 : c->levels;
  if (r->levels > 0)
    return mg_recursion_init (&r->rec, &r->set, err);
  return MG_STATUS_OK;
}

/* Predicts the first training image at the working scale (its centre,
 * at most MG_PREVIEW_MAX_SIDE square) with the model as it is and hands
 * it to on_preview. */
static MgStatus
show_preview (TrainRun *r, const MgTrainConfig *c, int iteration,
              double elapsed, MgError *err)
{
  const MgImage *im = &r->samples[0].image;
  int w = im->width < MG_PREVIEW_MAX_SIDE ? im->width : MG_PREVIEW_MAX_SIDE;
  int h = im->height < MG_PREVIEW_MAX_SIDE ? im->height : MG_PREVIEW_MAX_SIDE;
  int x0 = (im->width - w) / 2, y0 = (im->height - h) / 2;
  MgImage crop = { r->preview_image, im->channels, w, h };
  MgPreview p = { r->preview_labels, r->preview_prob, w, h,
                  r->set.classes - 1, r->model->scale, iteration, elapsed,
                  x0, y0, im->width, im->height };
  MgStatus st;

  for (int ch = 0; ch < im->channels; ch++)
    for (int y = 0; y < h; y++)
      memcpy (r->preview_image + ((size_t) ch * h + y) * w,
              im->data + ((size_t) ch * im->height + y0 + y) * im->width
              + x0,
              (size_t) w * sizeof (float));
  st = mg_predict (r->model, &crop, r->preview_prob, NULL, NULL, NULL, err);
  if (st != MG_STATUS_OK)
    return st;
  mg_argmax (r->preview_labels, r->preview_prob, r->set.classes,
             (size_t) w * h);
  c->on_preview (&p, c->preview_data);
  return MG_STATUS_OK;
}

/* Share of the budget spent when stage s of levels + 1 ends: the first
 * stage (painted pixels only) gets 40 %, the levels share the rest. */
static double
stage_end (int s, int levels)
{
  return levels == 0 ? 1.0 : 0.4 + 0.6 * s / levels;
}

/* Evolves the targets one level (see recursive.c); false stops the
 * levels when they changed by less than 1 % (methods.md §1(d), step 5). */
static MgStatus
grow_level (TrainRun *r, const MgTrainConfig *c, bool *growing, MgError *err)
{
  MgEvolveParams ep = { c->growth, c->confidence, false };
  size_t before = r->rec.labelled, added;
  MgStatus st = mg_recursion_level (&r->rec, &r->set, r->model, r->samples, &ep,
                                    (float) c->margin, &added, err);

  if (st != MG_STATUS_OK)
    return st;
  set_class_weights (r);
  *growing = added * 100 >= before;
  return MG_STATUS_OK;
}

/* Shows every image's approximation masks at full size to on_level. */
static MgStatus
show_level (TrainRun *r, const MgTrainConfig *c, int level, MgError *err)
{
  int f = r->model->scale;

  if (c->on_level == NULL)
    return MG_STATUS_OK;
  for (int i = 0; i < r->set.n_images; i++)
    {
      const MgTrainImage *im = &r->set.images[i];
      int w = r->original[i].image.width, h = r->original[i].image.height;

      free (r->shown);
      r->shown = malloc ((size_t) w * h);
      if (r->shown == NULL)
        return mg_error_set (err, MG_STATUS_NO_MEMORY, "out of memory");
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            size_t so = (size_t) (y / f) * im->width + x / f;
            uint8_t t = im->target[so];

            r->shown[(size_t) y * w + x]
              = im->strokes != NULL && im->strokes[so] ? MG_LABEL_SEPARATION
                : t == MG_IGNORE                       ? MG_LABEL_UNKNOWN
                                                       : (uint8_t) (t + 1);
          }
      c->on_level (level, i, r->shown, w, h, c->level_data);
    }
  return MG_STATUS_OK;
}

/* How different two neighbouring pixels must be (root mean square over
 * channels, in the network's input scale where the 1st and 99.8th
 * percentiles are 0 and 1) for the smoothness term to let their classes
 * differ: exp(−d²/2σ²) is 0.6 at d = σ, 0.01 at 3σ.  Noise of sd 0.05
 * (pairs differ by ~0.07) stays smoothed; a soft edge (0.2–0.4 per
 * pixel) is free.  Measured: see README, 'How it works', item 6. */
#define MG_SMOOTH_SIGMA 0.1f

/* One optimiser step on a fresh batch: the sum of the three tasks'
 * losses, α = 1 each (methods.md §1(c)), and the smoothness term;
 * returns it. */
static float
train_step (TrainRun *r, const MgTrainConfig *c)
{
  MgUNetActs *a = &r->buf.act;
  size_t px = (size_t) c->patch * c->patch;
  float loss = 0;

  for (int b = 0; b < c->batch; b++)
    {
      mg_patch_draw (&r->set, &r->rng, c->patch,
                     a->x.data + (size_t) b * a->x.c * px, r->drawn);
      for (int h = 0; h < MG_HEADS; h++)
        memcpy (r->target + ((size_t) h * c->batch + b) * px,
                r->drawn + h * px, px);
    }
  mg_unet_forward (&r->params, &r->buf);
  mg_unet_zero_grad (&r->buf);
  memset (r->block, 0, r->model->n_params * sizeof (float));
  for (int h = 0; h < MG_HEADS; h++)
    loss += mg_xent_forward_backward (r->buf.grad.logits[h], a->prob[h],
                                      r->target + (size_t) h * c->batch * px,
                                      r->class_weight[h], 1.0f);
  /* every pixel of the approx head's patch, labelled or not: where in
   * the unpainted band around an object its boundary lies (ops.h) */
  if (c->smoothness > 0)
    loss += c->smoothness
            * mg_pairwise_forward_backward (r->buf.grad.logits[MG_HEAD_APPROX],
                                            a->prob[MG_HEAD_APPROX], a->x,
                                            MG_SMOOTH_SIGMA, c->smoothness);
  mg_unet_backward (&r->grads, &r->params, &r->buf);
  mg_adam_step (&r->adam, r->model->params, r->block);
  return loss;
}

MgStatus
mg_train (const MgTrainSample *samples,
          int                  n_samples,
          const MgTrainConfig *config,
          MgProgressFn         progress,
          void                *user_data,
          MgModel            **model,
          MgError             *err)
{
  MgTrainConfig c;
  TrainRun r;
  MgStatus st;
  double start = mg_now_seconds ();
  float running = 0;
  bool growing = true;
  double next_preview = 0;

  if (model == NULL)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT, "no model output");
  *model = NULL;
  if (config == NULL)
    mg_train_config_init (&c);
  else
    c = *config;
  st = check_config (&c, err);
  if (st != MG_STATUS_OK)
    return st;
  mg_threads_set (c.threads);
  st = train_run_init (&r, samples, n_samples, &c, err);
  if (st != MG_STATUS_OK)
    {
      mg_model_free (r.model);
      train_run_free (&r);
      return st;
    }
  st = show_level (&r, &c, 0, err);
  next_preview = c.preview_seconds < MG_FIRST_PREVIEW ? c.preview_seconds
                                                      : MG_FIRST_PREVIEW;
  for (int it = 0, stage = 0;
       st == MG_STATUS_OK && (c.iterations == 0 || it < c.iterations); it++)
    {
      float loss = train_step (&r, &c);
      double elapsed = mg_now_seconds () - start;
      MgProgress p = { "training", it + 1, c.iterations, 0, elapsed, 0 };
      double end = stage_end (stage, r.levels);

      /* running mean over about the last 20 steps, for display */
      running = it == 0 ? loss : 0.95f * running + 0.05f * loss;
      r.model->iterations = (uint32_t) (it + 1);
      p.loss = running;
      p.fraction = c.iterations > 0 ? (double) (it + 1) / c.iterations : 0;
      if (c.seconds > 0 && elapsed / c.seconds > p.fraction)
        p.fraction = elapsed / c.seconds;
      if (p.fraction > 1)
        p.fraction = 1;
      if (progress != NULL && ! progress (&p, user_data))
        {
          st = mg_error_set (err, MG_STATUS_CANCELLED,
                             "training cancelled after %d steps", it + 1);
          break;
        }
      if (c.seconds > 0 && elapsed >= c.seconds)
        break;
      if (c.on_preview != NULL && elapsed >= next_preview)
        {
          double cost;

          st = show_preview (&r, &c, it + 1, elapsed, err);
          if (st != MG_STATUS_OK)
            break;
          cost = mg_now_seconds () - start - elapsed;
          next_preview = elapsed + cost
                         + (4 * cost > c.preview_seconds ? 4 * cost
                                                         : c.preview_seconds);
        }
      if (stage < r.levels && growing
          && ((c.iterations > 0 && it + 1 >= c.iterations * end)
              || (c.seconds > 0 && elapsed >= c.seconds * end)))
        {
          st = grow_level (&r, &c, &growing, err);
          if (st == MG_STATUS_OK)
            st = show_level (&r, &c, stage + 1, err);
          if (st != MG_STATUS_OK)
            break;
          stage++;
        }
    }
  train_run_free (&r);
  if (st != MG_STATUS_OK && st != MG_STATUS_CANCELLED)
    {
      mg_model_free (r.model);
      return st;
    }
  *model = r.model;
  return st;
}
