/* segment.c — mg_segment: tiled inference with overlap.
 *
 * The image is seen as padded (mirrored) to a multiple of 8 along each
 * axis, P.  If P fits in MG_WINDOW_MAX, the network sees it whole.  Else
 * it is cut into n windows of equal size, at offsets that are multiples
 * of 8 (so max-pooling groups the same pixels as it would untiled), the
 * first starting at 0 and the last ending at P; each window keeps only its
 * "core", the pixels at least MG_MARGIN from any of its edges that lie
 * inside the image.  MG_MARGIN covers the network's receptive radius:
 * following one output pixel back through MG-UNet-S (two 3x3 convs per
 * level, pool and upconv halving and doubling positions) reaches input
 * pixels 46 px away, 53 for the worst alignment within a group of 8; 56
 * is the next multiple of 8 (window offsets step by whole groups).  So a
 * core pixel sees exactly the inputs and the zero padding it would see
 * untiled: tiled equals untiled up to float rounding (bit for bit in
 * tests/core/test-tiling.c), with no seams.  The network buffers
 * are planned once for the window: memory does not grow with the image.
 * A model that works at a coarser scale (model->scale > 1) sees the image
 * box-shrunk by that factor; its probabilities are enlarged bilinearly
 * before the argmax (infer/resample.h). */
#include "maskgrow-core.h"

#include "clock.h"
#include "error.h"
#include "model.h"
#include "infer/instances.h"
#include "infer/normalise.h"
#include "infer/predict.h"
#include "infer/resample.h"
#include "net/unet.h"
#include "train/patches.h"

#include <stdlib.h>
#include <string.h>

#define MG_MARGIN 56

typedef struct
{
  int size;    /* image pixels along this axis */
  int padded;  /* size rounded up to a multiple of 8 */
  int window;  /* network input size along this axis (multiple of 8) */
  int count;   /* windows along this axis */
} AxisPlan;

static int
round8 (int n)
{
  return (n + 7) / 8 * 8;
}

static AxisPlan
plan_axis (int size, int max_window)
{
  AxisPlan p = { size, round8 (size), round8 (size), 1 };

  if (p.padded > max_window)
    {
      int inner = p.padded - 2 * MG_MARGIN, step = max_window - 2 * MG_MARGIN;

      /* the fewest windows of at most max_window, then as small as they
       * can be: less work in the overlaps */
      p.count = (inner + step - 1) / step;
      p.window = round8 ((inner + p.count - 1) / p.count) + 2 * MG_MARGIN;
    }
  return p;
}

/* Window k along an axis: its first pixel *start and its core
 * [*core0, *core1) in image pixels. */
static void
window_span (const AxisPlan *p, int k, int *start, int *core0, int *core1)
{
  int s = k * (p->window - 2 * MG_MARGIN);

  if (s > p->padded - p->window)
    s = p->padded - p->window;
  *start = s;
  *core0 = k == 0 ? 0 : s + MG_MARGIN;
  *core1 = k == p->count - 1 ? p->size : s + p->window - MG_MARGIN;
}

/* Copies the window at (x0, y0) of the normalised image `norm` (the
 * size of im) into x [1, C, wh, ww], mirrored past the right and bottom
 * edges (the padding to a multiple of 8). */
static void
fill_window (MgTensor x, const float *norm, const MgImage *im, int x0, int y0)
{
  size_t plane = (size_t) im->width * im->height;

  for (int c = 0; c < x.c; c++)
    for (int i = 0; i < x.h; i++)
      {
        int sy = mg_reflect (y0 + i, im->height);
        const float *row = norm + c * plane + (size_t) sy * im->width;
        float *dst = x.data + ((size_t) c * x.h + i) * x.w;

        for (int j = 0; j < x.w; j++)
          dst[j] = row[mg_reflect (x0 + j, im->width)];
      }
}

/* Mirrored view `view` of the window: bit 0 mirrors left-right, bit 1
 * top-bottom.  dst and src are [planes, h, w]; mirroring twice is the
 * identity, so the same call maps a view's output back.  Windows are a
 * multiple of 8 wide and high, so a mirrored window pools the same groups
 * of pixels (in mirrored order) and tiled views still equal untiled ones. */
static void
mirror (float *dst, const float *src, int planes, int h, int w, int view)
{
  for (int c = 0; c < planes; c++)
    for (int y = 0; y < h; y++)
      {
        const float *row
          = src + ((size_t) c * h + (view & 2 ? h - 1 - y : y)) * w;
        float *out = dst + ((size_t) c * h + y) * w;

        if (view & 1)
          for (int x = 0; x < w; x++)
            out[x] = row[w - 1 - x];
        else
          memcpy (out, row, (size_t) w * sizeof (float));
      }
}

/* Adds one view's output, mapped back, to sum [K (+ 1 gap), h, w]: the
 * mix of the seg and approx heads (model.h), then the separation head's
 * gap probability when `gap`.  mix is scratch of sum's size. */
static void
add_view (const MgUNetActs *a, float seg_weight, int view, bool gap,
          float *mix, float *sum)
{
  const MgTensor ps = a->prob[MG_HEAD_SEG], pa = a->prob[MG_HEAD_APPROX];
  int h = ps.h, w = ps.w, planes = ps.c + gap;
  size_t wplane = (size_t) h * w, n = (size_t) ps.c * wplane;

  for (size_t k = 0; k < n; k++)
    mix[k] = seg_weight * ps.data[k] + (1 - seg_weight) * pa.data[k];
  if (gap)
    memcpy (mix + n, a->prob[MG_HEAD_SEP].data + wplane,
            wplane * sizeof (float));
  for (int c = 0; c < planes; c++)
    for (int y = 0; y < h; y++)
      {
        const float *row
          = mix + ((size_t) c * h + (view & 2 ? h - 1 - y : y)) * w;
        float *out = sum + ((size_t) c * h + y) * w;

        for (int x = 0; x < w; x++)
          out[x] += row[view & 1 ? w - 1 - x : x];
      }
}

/* Writes the core of the window at (x0, y0) — image pixels [cx0, cx1) x
 * [cy0, cy1) — from sum [K (+ 1), wh, ww], the sum of `views` views, into
 * prob [K, H, W] and gap [H, W] (or NULL). */
static void
store_core (const float *sum, int classes, int wh, int ww, int views,
            const MgImage *im, int x0, int y0, int cx0, int cx1, int cy0,
            int cy1, float *prob, float *gap)
{
  size_t plane = (size_t) im->width * im->height;
  size_t wplane = (size_t) wh * ww;
  float scale = 1.0f / (float) views;

  for (int y = cy0; y < cy1; y++)
    for (int x = cx0; x < cx1; x++)
      {
        size_t o = (size_t) y * im->width + x;
        size_t wo = (size_t) (y - y0) * ww + (x - x0);

        for (int k = 0; k < classes; k++)
          prob[k * plane + o] = sum[k * wplane + wo] * scale;
        if (gap != NULL)
          gap[o] = sum[classes * wplane + wo] * scale;
      }
}

MgStatus
mg_predict_tiled (const MgModel *model, const MgImage *image, float *prob,
                  float *gap, int max_window, int views, MgProgressFn progress,
                  void *user_data, MgError *err)
{
  MgUNetBuffers buf;
  MgUNetParams params;
  AxisPlan px, py;
  MgStatus st;
  double start = mg_now_seconds ();
  int done = 0, total, classes = model->config.out_channels;
  int planes = classes + (gap != NULL);
  size_t plane = (size_t) image->width * image->height, wplane, win_floats;
  float *norm, *window, *mix, *sum;

  if (max_window < 2 * MG_MARGIN + 8 || max_window % 8 != 0)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "window %d must be a multiple of 8 above %d",
                         max_window, 2 * MG_MARGIN);
  if (! mg_views_valid (views))
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "views must be 1, 2 or 4, not %d", views);
  px = plan_axis (image->width, max_window);
  py = plan_axis (image->height, max_window);
  total = px.count * py.count * views;
  wplane = (size_t) px.window * py.window;
  win_floats = wplane * image->channels;
  /* the normalised image, one window of it, and two window-sized sets
   * of output planes (a view's output, the sum of the views) */
  norm = malloc ((plane * image->channels + win_floats
                  + 2 * wplane * planes) * sizeof (float));
  if (norm == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory segmenting the image");
  window = norm + plane * image->channels;
  mix = window + win_floats;
  sum = mix + wplane * planes;
  mg_normalise (norm, image->data, image->channels, plane);
  st = mg_unet_buffers_init (&buf, &model->config, 1, py.window, px.window,
                             false, err);
  if (st != MG_STATUS_OK)
    {
      free (norm);
      return st;
    }
  /* the parameters are only read: bind the const block as the network's */
  mg_unet_params_bind (&params, &model->config, model->params);
  for (int ty = 0; ty < py.count && st == MG_STATUS_OK; ty++)
    for (int tx = 0; tx < px.count && st == MG_STATUS_OK; tx++)
      {
        int x0, y0, cx0, cx1, cy0, cy1;
        MgTensor x = buf.act.x;

        window_span (&px, tx, &x0, &cx0, &cx1);
        window_span (&py, ty, &y0, &cy0, &cy1);
        x.data = window;
        fill_window (x, norm, image, x0, y0);
        memset (sum, 0, wplane * planes * sizeof (float));
        for (int v = 0; v < views && st == MG_STATUS_OK; v++)
          {
            mirror (buf.act.x.data, window, image->channels, py.window,
                    px.window, v);
            mg_unet_forward (&params, &buf);
            add_view (&buf.act, model->seg_weight, v, gap != NULL, mix, sum);
            done++;
            if (progress != NULL)
              {
                MgProgress p = { "segmenting", done, total,
                                 (double) done / total,
                                 mg_now_seconds () - start, 0 };

                if (! progress (&p, user_data))
                  st = mg_error_set (err, MG_STATUS_CANCELLED,
                                     "segmentation cancelled");
              }
          }
        store_core (sum, classes, py.window, px.window, views, image, x0, y0,
                    cx0, cx1, cy0, cy1, prob, gap);
      }
  mg_unet_buffers_free (&buf);
  free (norm);
  return st;
}

MgStatus
mg_predict (const MgModel *model, const MgImage *image, float *prob,
            float *gap, MgProgressFn progress, void *user_data, MgError *err)
{
  return mg_predict_tiled (model, image, prob, gap, MG_WINDOW_MAX, 1,
                           progress, user_data, err);
}

/* Checks what mg_segment and mg_segment_instances are given. */
static MgStatus
check_input (const MgModel *model, const MgImage *image, const void *out,
             MgError *err)
{
  if (model == NULL || image == NULL || image->data == NULL || out == NULL)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "segment: missing model, image or output");
  if (image->width < 1 || image->height < 1)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT, "the image is empty");
  if (image->channels != model->config.in_channels)
    return mg_error_set (err, MG_STATUS_INCOMPATIBLE,
                         "the model was trained on %d-channel images but "
                         "this image has %d channel%s",
                         model->config.in_channels, image->channels,
                         image->channels == 1 ? "" : "s");
  return MG_STATUS_OK;
}

MgStatus
mg_predict_full (const MgModel *model, const MgImage *image, float *prob,
                 float *gap, MgProgressFn progress, void *user_data,
                 MgError *err)
{
  int f = model->scale, classes = model->config.out_channels;
  int planes = classes + (gap != NULL);
  MgImage small;
  float *data, *small_prob;
  size_t small_plane;
  MgStatus st;

  if (f <= 1)
    return mg_predict_tiled (model, image, prob, gap, MG_WINDOW_MAX,
                             model->views, progress, user_data, err);
  small = *image;
  small.width = mg_scaled_size (image->width, f);
  small.height = mg_scaled_size (image->height, f);
  small_plane = (size_t) small.width * small.height;
  data = malloc (small_plane * (image->channels + planes) * sizeof (float));
  if (data == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory segmenting the image");
  small_prob = data + small_plane * image->channels;
  mg_downsample_image (data, image->data, image->channels, image->width,
                       image->height, f);
  small.data = data;
  st = mg_predict_tiled (model, &small, small_prob,
                         gap != NULL ? small_prob + small_plane * classes
                                     : NULL,
                         MG_WINDOW_MAX, model->views, progress, user_data,
                         err);
  if (st == MG_STATUS_OK)
    {
      mg_upsample_planes (prob, small_prob, classes, image->width,
                          image->height, f);
      if (gap != NULL)
        mg_upsample_planes (gap, small_prob + small_plane * classes, 1,
                            image->width, image->height, f);
    }
  free (data);
  return st;
}

MgStatus
mg_segment_all (const MgModel *model,
                const MgImage *image,
                uint8_t       *labels,
                float         *probabilities,
                uint32_t      *instances,
                uint32_t      *count,
                bool           separate,
                MgProgressFn   progress,
                void          *user_data,
                MgError       *err)
{
  size_t plane;
  int classes;
  bool want_gap;
  float *prob;
  MgStatus st = check_input (model, image, labels, err);

  if (st != MG_STATUS_OK)
    return st;
  if (instances != NULL && count == NULL)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "segment: instances need a count");
  plane = (size_t) image->width * image->height;
  classes = model->config.out_channels;
  want_gap = instances != NULL && separate;
  /* The caller's probability planes when given; the gap plane (only
   * needed for separated instances) always in our own buffer. */
  prob = probabilities != NULL && ! want_gap
         ? probabilities
         : malloc (plane * (classes + want_gap) * sizeof (float));
  if (prob == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory segmenting the image");
  st = mg_predict_full (model, image, prob,
                        want_gap ? prob + plane * classes : NULL, progress,
                        user_data, err);
  if (st == MG_STATUS_OK)
    {
      mg_argmax (labels, prob, classes, plane);
      if (instances != NULL &&
          ! mg_label_instances (instances, count, labels,
                                want_gap ? prob + plane * classes : NULL,
                                image->width, image->height))
        st = mg_error_set (err, MG_STATUS_NO_MEMORY,
                           "out of memory separating the instances");
      if (probabilities != NULL && prob != probabilities)
        memcpy (probabilities, prob, plane * classes * sizeof (float));
    }
  if (prob != probabilities)
    free (prob);
  return st;
}

MgStatus
mg_segment (const MgModel *model,
            const MgImage *image,
            uint8_t       *labels,
            float         *probabilities,
            MgProgressFn   progress,
            void          *user_data,
            MgError       *err)
{
  return mg_segment_all (model, image, labels, probabilities, NULL, NULL,
                         false, progress, user_data, err);
}

MgStatus
mg_segment_instances (const MgModel *model,
                      const MgImage *image,
                      uint8_t       *labels,
                      uint32_t      *instances,
                      uint32_t      *count,
                      MgProgressFn   progress,
                      void          *user_data,
                      MgError       *err)
{
  if (instances == NULL)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "segment: missing instance output");
  return mg_segment_all (model, image, labels, NULL, instances, count, true,
                         progress, user_data, err);
}
