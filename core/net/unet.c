/* unet.c — MG-UNet-S: layer table, parameter binding, He init, buffer
 * planning, and the forward and backward passes (see unet.h for the
 * diagram).  The passes read top to bottom like the diagram; the backward
 * pass is its mirror image. */
#include "net/unet.h"
#include "parallel.h"

#include "error.h"

#include <math.h>
#include <string.h>

static const char *const layer_names[MG_UNET_LAYERS] = {
  "enc0a", "enc0b", "enc1a", "enc1b", "enc2a", "enc2b",
  "mida",  "midb",
  "up2",   "dec2a", "dec2b",
  "up1",   "dec1a", "dec1b",
  "up0",   "dec0a", "dec0b",
  "seg",   "approx", "sep",
};

/* Decoder layer indices of level l (0..2). */
static inline int
layer_up (int l)
{
  return MG_L_UP2 + 3 * (2 - l);
}

void
mg_unet_config_default (MgUNetConfig *config,
                        int           in_channels,
                        int           out_channels)
{
  static const int widths[MG_UNET_LEVELS] = { 16, 32, 64, 128 };

  config->in_channels = in_channels;
  config->out_channels = out_channels;
  memcpy (config->width, widths, sizeof widths);
}

bool
mg_unet_config_valid (const MgUNetConfig *config)
{
  if (config->in_channels < 1 || config->in_channels > MG_MAX_CHANNELS)
    return false;
  if (config->out_channels < 2 || config->out_channels > MG_MAX_CLASSES + 1)
    return false;
  for (int l = 0; l < MG_UNET_LEVELS; l++)
    if (config->width[l] < 1 || config->width[l] > 1024)
      return false;
  return true;
}

void
mg_unet_layer_info (const MgUNetConfig *config,
                    int                 layer,
                    MgLayerInfo        *info)
{
  const int *w = config->width;

  info->name = layer_names[layer];
  info->kind = MG_LAYER_CONV3X3;
  if (layer <= MG_L_ENC2B)
    {
      int l = layer / 2;
      info->cin = (layer % 2 == 0) ? (l == 0 ? config->in_channels : w[l - 1])
                                   : w[l];
      info->cout = w[l];
    }
  else if (layer == MG_L_MIDA || layer == MG_L_MIDB)
    {
      info->cin = layer == MG_L_MIDA ? w[2] : w[3];
      info->cout = w[3];
    }
  else if (layer >= MG_L_SEG)
    {
      info->kind = MG_LAYER_CONV1X1;
      info->cin = w[0];
      info->cout = layer == MG_L_SEP ? MG_SEP_CLASSES : config->out_channels;
    }
  else
    {
      int l = 2 - (layer - MG_L_UP2) / 3;
      int step = (layer - MG_L_UP2) % 3;

      if (step == 0)
        {
          info->kind = MG_LAYER_UPCONV2;
          info->cin = w[l + 1];
        }
      else
        info->cin = step == 1 ? 2 * w[l] : w[l];
      info->cout = w[l];
    }
}

/* Resolution level (0 = full size) at which a layer's OUTPUT lives. */
static int
layer_level (int layer)
{
  if (layer <= MG_L_ENC2B)
    return layer / 2;
  if (layer == MG_L_MIDA || layer == MG_L_MIDB)
    return 3;
  if (layer >= MG_L_SEG)
    return 0;
  return 2 - (layer - MG_L_UP2) / 3;
}

static size_t
layer_weight_count (const MgLayerInfo *info)
{
  size_t taps = info->kind == MG_LAYER_CONV3X3   ? 9
                : info->kind == MG_LAYER_UPCONV2 ? 4
                                                 : 1;
  return (size_t) info->cin * info->cout * taps;
}

size_t
mg_unet_param_count (const MgUNetConfig *config)
{
  size_t count = 0;

  for (int i = 0; i < MG_UNET_LAYERS; i++)
    {
      MgLayerInfo info;
      mg_unet_layer_info (config, i, &info);
      count += layer_weight_count (&info) + (size_t) info.cout;
    }
  return count;
}

void
mg_unet_params_bind (MgUNetParams       *params,
                     const MgUNetConfig *config,
                     float              *block)
{
  for (int i = 0; i < MG_UNET_LAYERS; i++)
    {
      MgLayerInfo info;
      mg_unet_layer_info (config, i, &info);
      params->layer[i].w = block;
      block += layer_weight_count (&info);
      params->layer[i].b = block;
      block += info.cout;
    }
}

void
mg_unet_params_init (MgUNetParams       *params,
                     const MgUNetConfig *config,
                     MgRng              *rng)
{
  for (int i = 0; i < MG_UNET_LAYERS; i++)
    {
      MgLayerInfo info;
      size_t n;
      float std;

      mg_unet_layer_info (config, i, &info);
      n = layer_weight_count (&info);
      /* He: Var(w) = 2 / fan_in for layers followed by a ReLU.  A 2x2
       * stride-2 transposed conv gives each output pixel cin inputs, and
       * no ReLU follows it nor the head: Var = 1 / fan_in keeps the scale. */
      if (info.kind == MG_LAYER_CONV3X3)
        std = sqrtf (2.0f / (float) (info.cin * 9));
      else
        std = sqrtf (1.0f / (float) info.cin);
      for (size_t k = 0; k < n; k++)
        params->layer[i].w[k] = std * mg_rng_normal (rng);
      memset (params->layer[i].b, 0, sizeof (float) * info.cout);
      if (i == MG_L_SEP)
        {
          /* The separation head starts certain there is no gap (p ≈ 0.02)
           * and with zero weights, so it sends no gradient into the
           * shared features until it has learnt something: with few or no
           * gap pixels, a randomly initialised head's loss pulled the
           * shared features enough to cost the segmentation (synthetic
           * scene of test-train: disc Dice 0.91 -> 0.72).  The weights
           * still get gradients, from the features. */
          memset (params->layer[i].w, 0, sizeof (float) * n);
          params->layer[i].b[1] = -4.0f;
        }
    }
}

/* Plans (or, on the second pass, hands out) every activation tensor. */
static void
acts_plan (MgUNetActs *a, MgArena *arena, const MgUNetConfig *cfg, int n,
           int h, int w)
{
#define T(c, hh, ww) \
  mg_tensor (mg_arena_floats (arena, (size_t) n * (c) * (hh) * (ww)), n, (c), (hh), (ww))
  const int *wd = cfg->width;

  a->x = T (cfg->in_channels, h, w);
  for (int l = 0; l < 3; l++)
    {
      int hl = h >> l, wl = w >> l;
      a->enc_a[l] = T (wd[l], hl, wl);
      a->enc[l] = T (wd[l], hl, wl);
      a->pool[l] = T (wd[l], hl / 2, wl / 2);
    }
  a->mid_a = T (wd[3], h >> 3, w >> 3);
  a->mid = T (wd[3], h >> 3, w >> 3);
  for (int l = 2; l >= 0; l--)
    {
      int hl = h >> l, wl = w >> l;
      a->up[l] = T (wd[l], hl, wl);
      a->cat[l] = T (2 * wd[l], hl, wl);
      a->dec_a[l] = T (wd[l], hl, wl);
      a->dec[l] = T (wd[l], hl, wl);
    }
  for (int k = 0; k < MG_HEADS; k++)
    {
      int c = k == MG_HEAD_SEP ? MG_SEP_CLASSES : cfg->out_channels;
      a->logits[k] = T (c, h, w);
      a->prob[k] = T (c, h, w);
    }
#undef T
}

/* Largest scratch of a layer: a 3x3 conv's (mg_conv3x3_scratch_count: the
 * padded batch or im2col of one image) or the GEMM result of an upconv
 * (Cout * 4 * h * w at its input size). */
static size_t
col_count (const MgUNetConfig *cfg, int batch, int h, int w, bool training)
{
  size_t best = 0;

  for (int i = 0; i < MG_UNET_LAYERS; i++)
    {
      MgLayerInfo info;
      size_t need = 0;
      int l;

      mg_unet_layer_info (cfg, i, &info);
      l = layer_level (i);
      if (info.kind == MG_LAYER_CONV3X3)
        need = mg_conv3x3_scratch_count (batch, info.cin, info.cout,
                                         h >> l, w >> l, training);
      else if (info.kind == MG_LAYER_UPCONV2)
        need = (size_t) info.cout * 4 * (h >> (l + 1)) * (w >> (l + 1));
      if (need > best)
        best = need;
    }
  return best;
}

static void
buffers_plan (MgUNetBuffers *b, bool training)
{
  acts_plan (&b->act, &b->arena, &b->config, b->batch, b->height, b->width);
  b->col = mg_arena_floats (&b->arena,
                            col_count (&b->config, b->batch, b->height,
                                       b->width, training));
  if (training)
    {
      size_t start = b->arena.used;

      acts_plan (&b->grad, &b->arena, &b->config, b->batch, b->height,
                 b->width);
      b->grad_first = b->grad.x.data;
      b->grad_count = (b->arena.used - start) / sizeof (float);
    }
  else
    {
      memset (&b->grad, 0, sizeof b->grad);
      b->grad_first = NULL;
      b->grad_count = 0;
    }
}

MgStatus
mg_unet_buffers_init (MgUNetBuffers      *b,
                      const MgUNetConfig *config,
                      int                 batch,
                      int                 height,
                      int                 width,
                      bool                training,
                      MgError            *err)
{
  memset (b, 0, sizeof *b);
  if (batch < 1 || height < 8 || width < 8 || height % 8 || width % 8)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT,
                         "network input %dx%d (batch %d) must be a positive "
                         "multiple of 8", width, height, batch);
  b->config = *config;
  b->batch = batch;
  b->height = height;
  b->width = width;
  mg_arena_begin_sizing (&b->arena);
  buffers_plan (b, training);
  if (! mg_arena_allocate (&b->arena))
    return mg_error_set (err, MG_STATUS_NO_MEMORY,
                         "out of memory planning the network for %dx%d "
                         "(batch %d, %zu MB)", width, height, batch,
                         b->arena.used >> 20);
  buffers_plan (b, training);
  return MG_STATUS_OK;
}

void
mg_unet_buffers_free (MgUNetBuffers *b)
{
  if (b == NULL)
    return;
  mg_arena_free (&b->arena);
}

static void
zero_part (void *ctx, int ith, int nth)
{
  MgUNetBuffers *b = ctx;
  size_t i0, i1;

  mg_parallel_range (b->grad_count, ith, nth, &i0, &i1);
  memset (b->grad_first + i0, 0, (i1 - i0) * sizeof (float));
}

void
mg_unet_zero_grad (MgUNetBuffers *b)
{
  if (b->grad_first != NULL)
    mg_parallel_run (zero_part, b);
}

/* Gradient through an in-place ReLU: d *= (out > 0) (relu_backward with
 * din == dout masks in place). */
static void
relu_mask (MgTensor d, MgTensor out)
{
  mg_relu_backward (d, d, out);
}

/* The conv's output tensor keeps the post-activations for backward. */
static void
conv3_relu (MgTensor out, MgTensor in, const MgConvParams *p, float *col)
{
  mg_conv3x3_relu_forward (out, in, p->w, p->b, col);
}

void
mg_unet_forward (const MgUNetParams *params, MgUNetBuffers *b)
{
  const MgConvParams *P = params->layer;
  MgUNetActs *a = &b->act;
  MgTensor h = a->x;

  for (int l = 0; l < 3; l++)
    {
      conv3_relu (a->enc_a[l], h, &P[MG_L_ENC0A + 2 * l], b->col);
      conv3_relu (a->enc[l], a->enc_a[l], &P[MG_L_ENC0B + 2 * l], b->col);
      mg_maxpool2_forward (a->pool[l], a->enc[l]);
      h = a->pool[l];
    }
  conv3_relu (a->mid_a, h, &P[MG_L_MIDA], b->col);
  conv3_relu (a->mid, a->mid_a, &P[MG_L_MIDB], b->col);
  h = a->mid;
  for (int l = 2; l >= 0; l--)
    {
      int up = layer_up (l);

      mg_upconv2_forward (a->up[l], h, P[up].w, P[up].b, b->col);
      mg_concat_forward (a->cat[l], a->enc[l], a->up[l]);
      conv3_relu (a->dec_a[l], a->cat[l], &P[up + 1], b->col);
      conv3_relu (a->dec[l], a->dec_a[l], &P[up + 2], b->col);
      h = a->dec[l];
    }
  for (int k = 0; k < MG_HEADS; k++)
    {
      mg_conv1x1_forward (a->logits[k], h, P[MG_L_SEG + k].w,
                          P[MG_L_SEG + k].b);
      mg_softmax_forward (a->prob[k], a->logits[k]);
    }
}

/* Backward of conv3x3 + in-place ReLU: masks d_out, then the conv. */
static void
conv3_relu_backward (MgTensor din, MgConvParams *g, MgTensor dout,
                     MgTensor out, MgTensor in, const MgConvParams *p,
                     float *col)
{
  relu_mask (dout, out);
  mg_conv3x3_backward (din, g->w, g->b, dout, in, p->w, col);
}

void
mg_unet_backward (MgUNetParams       *grads,
                  const MgUNetParams *params,
                  MgUNetBuffers      *b)
{
  const MgConvParams *P = params->layer;
  MgConvParams *G = grads->layer;
  const MgUNetActs *a = &b->act;
  MgUNetActs *d = &b->grad;

  /* every head adds its share to the gradient of the shared features */
  for (int k = 0; k < MG_HEADS; k++)
    mg_conv1x1_backward (d->dec[0], G[MG_L_SEG + k].w, G[MG_L_SEG + k].b,
                         d->logits[k], a->dec[0], P[MG_L_SEG + k].w);
  for (int l = 0; l < 3; l++)
    {
      int up = layer_up (l);
      MgTensor below = l == 2 ? a->mid : a->dec[l + 1];
      MgTensor dbelow = l == 2 ? d->mid : d->dec[l + 1];

      conv3_relu_backward (d->dec_a[l], &G[up + 2], d->dec[l], a->dec[l],
                           a->dec_a[l], &P[up + 2], b->col);
      conv3_relu_backward (d->cat[l], &G[up + 1], d->dec_a[l], a->dec_a[l],
                           a->cat[l], &P[up + 1], b->col);
      /* the skip half of the gradient lands on enc[l]; pooling adds later */
      mg_concat_backward (d->enc[l], d->up[l], d->cat[l]);
      mg_upconv2_backward (dbelow, G[up].w, G[up].b, d->up[l], below,
                           P[up].w, b->col);
    }
  conv3_relu_backward (d->mid_a, &G[MG_L_MIDB], d->mid, a->mid, a->mid_a,
                       &P[MG_L_MIDB], b->col);
  conv3_relu_backward (d->pool[2], &G[MG_L_MIDA], d->mid_a, a->mid_a,
                       a->pool[2], &P[MG_L_MIDA], b->col);
  for (int l = 2; l >= 0; l--)
    {
      /* the first layer needs no input gradient: din with NULL data */
      MgTensor in = l == 0 ? a->x : a->pool[l - 1];
      MgTensor din = l == 0 ? mg_tensor (NULL, in.n, in.c, in.h, in.w)
                            : d->pool[l - 1];

      mg_maxpool2_backward (d->enc[l], d->pool[l], a->enc[l]);
      conv3_relu_backward (d->enc_a[l], &G[MG_L_ENC0B + 2 * l], d->enc[l],
                           a->enc[l], a->enc_a[l], &P[MG_L_ENC0B + 2 * l],
                           b->col);
      conv3_relu_backward (din, &G[MG_L_ENC0A + 2 * l], d->enc_a[l],
                           a->enc_a[l], in, &P[MG_L_ENC0A + 2 * l], b->col);
    }
}

double
mg_unet_forward_macs (const MgUNetConfig *config, int h, int w)
{
  double macs = 0;

  for (int i = 0; i < MG_UNET_LAYERS; i++)
    {
      MgLayerInfo info;
      int l;
      double px;

      mg_unet_layer_info (config, i, &info);
      l = layer_level (i);
      px = (double) (h >> l) * (w >> l);
      /* an upconv counted per output pixel of its level: cin * cout * 4
       * taps as a dense 2x2 conv would (the convention of the 5.21e9
       * reference figure) */
      macs += px * (double) layer_weight_count (&info);
    }
  return macs;
}
