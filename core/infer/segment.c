/* segment.c — mg_segment: tiled inference with overlap.
 *
 * Along each axis, an image no larger than MG_TILE is one window rounded up
 * to a multiple of 8 (mirrored past the edge).  A larger one is cut into
 * windows of MG_TILE pixels whose central parts (the "cores", MG_TILE −
 * 2·MG_MARGIN wide) tile the image; the margins give each core pixel
 * context from its neighbours, so seams stay invisible.  The network
 * buffers are planned once for the window size: memory does not grow with
 * the image.  A model that works at a coarser scale (model->scale > 1)
 * sees the image box-shrunk by that factor; its probabilities are
 * enlarged bilinearly before the argmax (infer/resample.h). */
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

#define MG_TILE   256
#define MG_MARGIN 32

typedef struct
{
  int window;  /* network input size along this axis (multiple of 8) */
  int margin;  /* context pixels on each side of a core */
  int step;    /* core size */
  int count;   /* windows along this axis */
} AxisPlan;

static AxisPlan
plan_axis (int size)
{
  AxisPlan p;

  if (size <= MG_TILE)
    {
      p.window = (size + 7) / 8 * 8;
      p.margin = 0;
      p.step = size;
      p.count = 1;
    }
  else
    {
      p.window = MG_TILE;
      p.margin = MG_MARGIN;
      p.step = MG_TILE - 2 * MG_MARGIN;
      p.count = (size + p.step - 1) / p.step;
    }
  return p;
}

/* Copies the window at (x0, y0) of the normalised image `norm` (the
 * size of im) into x [1, C, wh, ww], mirrored past the edges. */
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

/* Writes the core of the window at (x0, y0) — image pixels [cx0, cx1) x
 * [cy0, cy1) — into prob [K, H, W] (the output mix of the seg and approx
 * heads) and gap [H, W] (or NULL). */
static void
store_core (const MgUNetActs *a, float seg_weight, const MgImage *im, int x0,
            int y0, int cx0, int cx1, int cy0, int cy1, float *prob,
            float *gap)
{
  const MgTensor ps = a->prob[MG_HEAD_SEG], pa = a->prob[MG_HEAD_APPROX];
  size_t plane = (size_t) im->width * im->height;
  size_t wplane = (size_t) ps.h * ps.w;

  for (int y = cy0; y < cy1; y++)
    for (int x = cx0; x < cx1; x++)
      {
        size_t o = (size_t) y * im->width + x;
        size_t wo = (size_t) (y - y0) * ps.w + (x - x0);

        for (int k = 0; k < ps.c; k++)
          prob[k * plane + o] = seg_weight * ps.data[k * wplane + wo]
                                + (1 - seg_weight) * pa.data[k * wplane + wo];
        if (gap != NULL)
          gap[o] = a->prob[MG_HEAD_SEP].data[wplane + wo];
      }
}

MgStatus
mg_predict (const MgModel *model, const MgImage *image, float *prob,
            float *gap, MgProgressFn progress, void *user_data, MgError *err)
{
  MgUNetBuffers buf;
  MgUNetParams params;
  AxisPlan px, py;
  MgStatus st;
  double start = mg_now_seconds ();
  int done = 0;
  size_t plane = (size_t) image->width * image->height;
  float *norm = malloc (plane * image->channels * sizeof (float));

  if (norm == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory segmenting the image");
  mg_normalise (norm, image->data, image->channels, plane);
  px = plan_axis (image->width);
  py = plan_axis (image->height);
  st = mg_unet_buffers_init (&buf, &model->config, 1, py.window, px.window,
                             false, err);
  if (st != MG_STATUS_OK)
    {
      free (norm);
      return st;
    }
  /* the parameters are only read: bind the const block as the network's */
  mg_unet_params_bind (&params, &model->config, model->params);
  for (int ty = 0; ty < py.count; ty++)
    for (int tx = 0; tx < px.count; tx++)
      {
        int cx0 = tx * px.step, cy0 = ty * py.step;
        int cx1 = cx0 + px.step < image->width ? cx0 + px.step : image->width;
        int cy1 = cy0 + py.step < image->height ? cy0 + py.step : image->height;
        int x0 = cx0 - px.margin, y0 = cy0 - py.margin;

        fill_window (buf.act.x, norm, image, x0, y0);
        mg_unet_forward (&params, &buf);
        store_core (&buf.act, model->seg_weight, image, x0, y0, cx0, cx1,
                    cy0, cy1, prob, gap);
        done++;
        if (progress != NULL)
          {
            MgProgress p = { "segmenting", done, px.count * py.count,
                             (double) done / (px.count * py.count),
                             mg_now_seconds () - start, 0 };
            if (! progress (&p, user_data))
              {
                mg_unet_buffers_free (&buf);
                free (norm);
                return mg_error_set (err, MG_STATUS_CANCELLED,
                                     "segmentation cancelled");
              }
          }
      }
  mg_unet_buffers_free (&buf);
  free (norm);
  return MG_STATUS_OK;
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
    return mg_predict (model, image, prob, gap, progress, user_data, err);
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
  st = mg_predict (model, &small, small_prob,
                   gap != NULL ? small_prob + small_plane * classes : NULL,
                   progress, user_data, err);
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
mg_segment (const MgModel *model,
            const MgImage *image,
            uint8_t       *labels,
            float         *probabilities,
            MgProgressFn   progress,
            void          *user_data,
            MgError       *err)
{
  size_t plane;
  float *prob = probabilities;
  MgStatus st = check_input (model, image, labels, err);

  if (st != MG_STATUS_OK)
    return st;
  plane = (size_t) image->width * image->height;
  if (prob == NULL)
    prob = malloc (plane * model->config.out_channels * sizeof (float));
  if (prob == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory segmenting the image");
  st = mg_predict_full (model, image, prob, NULL, progress, user_data, err);
  if (st == MG_STATUS_OK)
    mg_argmax (labels, prob, model->config.out_channels, plane);
  if (prob != probabilities)
    free (prob);
  return st;
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
  size_t plane;
  float *prob;
  MgStatus st = check_input (model, image, labels, err);

  if (st != MG_STATUS_OK)
    return st;
  if (instances == NULL)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "segment: missing instance output");
  plane = (size_t) image->width * image->height;
  prob = malloc (plane * (model->config.out_channels + 1) * sizeof (float));
  if (prob == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory segmenting the image");
  st = mg_predict_full (model, image, prob,
                        prob + plane * model->config.out_channels, progress,
                        user_data, err);
  if (st == MG_STATUS_OK)
    {
      mg_argmax (labels, prob, model->config.out_channels, plane);
      if (! mg_label_instances (instances, count, labels,
                                prob + plane * model->config.out_channels,
                                image->width, image->height))
        st = mg_error_set (err, MG_STATUS_NO_MEMORY,
                           "out of memory separating the instances");
    }
  free (prob);
  return st;
}
