/* segment.c — mg_segment: tiled inference with overlap.
 *
 * Along each axis, an image no larger than MG_TILE is one window rounded up
 * to a multiple of 8 (mirrored past the edge).  A larger one is cut into
 * windows of MG_TILE pixels whose central parts (the "cores", MG_TILE −
 * 2·MG_MARGIN wide) tile the image; the margins give each core pixel
 * context from its neighbours, so seams stay invisible.  The network
 * buffers are planned once for the window size: memory does not grow with
 * the image. */
#include "maskgrow-core.h"

#include "clock.h"
#include "error.h"
#include "model.h"
#include "net/unet.h"
#include "train/patches.h"

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

/* Copies the normalised window at (x0, y0) into x [1, C, wh, ww]. */
static void
fill_window (MgTensor x, const MgModel *m, const MgImage *im, int x0, int y0)
{
  size_t plane = (size_t) im->width * im->height;

  for (int c = 0; c < x.c; c++)
    for (int i = 0; i < x.h; i++)
      {
        int sy = mg_reflect (y0 + i, im->height);
        const float *row = im->data + c * plane + (size_t) sy * im->width;
        float *dst = x.data + ((size_t) c * x.h + i) * x.w;

        for (int j = 0; j < x.w; j++)
          dst[j] = (row[mg_reflect (x0 + j, im->width)] - m->mean[c])
                   * m->inv_std[c];
      }
}

/* Writes the core of the window at (x0, y0) — image pixels [cx0, cx1) x
 * [cy0, cy1) — into the outputs. */
static void
store_core (const MgTensor prob, const MgImage *im, int x0, int y0, int cx0,
            int cx1, int cy0, int cy1, uint8_t *labels, float *probabilities)
{
  size_t plane = (size_t) im->width * im->height;
  size_t wplane = (size_t) prob.h * prob.w;

  for (int y = cy0; y < cy1; y++)
    for (int x = cx0; x < cx1; x++)
      {
        size_t o = (size_t) (y - y0) * prob.w + (x - x0);
        int best = 0;

        for (int k = 0; k < prob.c; k++)
          {
            float p = prob.data[k * wplane + o];

            if (p > prob.data[best * wplane + o])
              best = k;
            if (probabilities != NULL)
              probabilities[k * plane + (size_t) y * im->width + x] = p;
          }
        labels[(size_t) y * im->width + x] = (uint8_t) best;
      }
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
  MgUNetBuffers buf;
  MgUNetParams params;
  AxisPlan px, py;
  MgStatus st;
  double start = mg_now_seconds ();
  int done = 0;

  if (model == NULL || image == NULL || image->data == NULL || labels == NULL)
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
  px = plan_axis (image->width);
  py = plan_axis (image->height);
  st = mg_unet_buffers_init (&buf, &model->config, 1, py.window, px.window,
                             false, err);
  if (st != MG_STATUS_OK)
    return st;
  /* the parameters are only read: bind the const block as the network's */
  mg_unet_params_bind (&params, &model->config, model->params);
  for (int ty = 0; ty < py.count; ty++)
    for (int tx = 0; tx < px.count; tx++)
      {
        int cx0 = tx * px.step, cy0 = ty * py.step;
        int cx1 = cx0 + px.step < image->width ? cx0 + px.step : image->width;
        int cy1 = cy0 + py.step < image->height ? cy0 + py.step : image->height;
        int x0 = cx0 - px.margin, y0 = cy0 - py.margin;

        fill_window (buf.act.x, model, image, x0, y0);
        mg_unet_forward (&params, &buf);
        store_core (buf.act.prob, image, x0, y0, cx0, cx1, cy0, cy1, labels,
                    probabilities);
        done++;
        if (progress != NULL)
          {
            MgProgress p = { "segmenting", done, px.count * py.count,
                             (double) done / (px.count * py.count),
                             mg_now_seconds () - start, 0 };
            if (! progress (&p, user_data))
              {
                mg_unet_buffers_free (&buf);
                return mg_error_set (err, MG_STATUS_CANCELLED,
                                     "segmentation cancelled");
              }
          }
      }
  mg_unet_buffers_free (&buf);
  return MG_STATUS_OK;
}
