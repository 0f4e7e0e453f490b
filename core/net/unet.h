/* unet.h — the reference network MG-UNet-S (design.md, 'The core').
 *
 *   level 0 (H x W)      enc0: 2 x (conv3x3 + ReLU), w0 ch ─────skip──┐
 *   level 1 (H/2)        enc1: 2 x (conv3x3 + ReLU), w1 ch ───skip─┐  │
 *   level 2 (H/4)        enc2: 2 x (conv3x3 + ReLU), w2 ch ─skip┐  │  │
 *   level 3 (H/8)        mid:  2 x (conv3x3 + ReLU), w3 ch      │  │  │
 *   decoder, l = 2,1,0:  up_l = upconv2x2(w_{l+1} -> w_l), cat [enc_l ; up_l]
 *                        dec_l: 2 x (conv3x3 + ReLU), w_l ch
 *   three heads on dec0 (methods.md §1(b), one 1x1 head per task), each
 *   conv1x1 + softmax:   seg    (w0 -> classes): exact segmentation
 *                        approx (w0 -> classes): approximation masks
 *                        sep    (w0 -> 2):       gaps between touching
 *                                                objects
 * with 2x2 max-pool between encoder levels.  Reference widths 16-32-64-128.
 * H and W must be multiples of 8.
 *
 * Parameters live in one flat float block; MgUNetParams points into it, and
 * the same type points into the gradient and Adam blocks (llm.c).
 */
#ifndef MG_UNET_H
#define MG_UNET_H

#include "arena.h"
#include "maskgrow-core.h"
#include "ops/ops.h"
#include "rng.h"

#define MG_UNET_LEVELS 4

typedef struct
{
  int in_channels;          /* image channels, 1..MG_MAX_CHANNELS */
  int out_channels;         /* classes incl. background, 2..MG_MAX_CLASSES+1 */
  int width[MG_UNET_LEVELS]; /* 16, 32, 64, 128 for MG-UNet-S */
} MgUNetConfig;

typedef enum
{
  MG_LAYER_CONV3X3,
  MG_LAYER_CONV1X1,
  MG_LAYER_UPCONV2
} MgLayerKind;

/* Layers in the order of the forward pass. */
enum
{
  MG_L_ENC0A, MG_L_ENC0B, MG_L_ENC1A, MG_L_ENC1B, MG_L_ENC2A, MG_L_ENC2B,
  MG_L_MIDA, MG_L_MIDB,
  MG_L_UP2, MG_L_DEC2A, MG_L_DEC2B,
  MG_L_UP1, MG_L_DEC1A, MG_L_DEC1B,
  MG_L_UP0, MG_L_DEC0A, MG_L_DEC0B,
  MG_L_SEG, MG_L_APPROX, MG_L_SEP,
  MG_UNET_LAYERS
};

/* The heads (tasks), in the order of their layers from MG_L_SEG. */
typedef enum
{
  MG_HEAD_SEG,
  MG_HEAD_APPROX,
  MG_HEAD_SEP,
  MG_HEADS
} MgHead;

#define MG_SEP_CLASSES 2 /* 0 not a gap, 1 gap between touching objects */

typedef struct
{
  MgLayerKind kind;
  int         cin, cout;
  const char *name;        /* stable: used as tensor name in model files */
} MgLayerInfo;

typedef struct
{
  float *w; /* conv3x3 [Cout, Cin, 3, 3]; conv1x1 [Cout, Cin]; upconv [Cin, Cout, 2, 2] */
  float *b; /* [Cout] */
} MgConvParams;

typedef struct
{
  MgConvParams layer[MG_UNET_LAYERS];
} MgUNetParams;

/* Activations of one forward pass (post-ReLU where a ReLU follows). */
typedef struct
{
  MgTensor x;                       /* [N, Cin, H, W] normalised input */
  MgTensor enc_a[3], enc[3], pool[3];
  MgTensor mid_a, mid;
  MgTensor up[3], cat[3], dec_a[3], dec[3];
  MgTensor logits[MG_HEADS];        /* [N, K, H, W] (K = 2 for sep) */
  MgTensor prob[MG_HEADS];          /* softmax of each */
} MgUNetActs;

/* Buffers for one batch size and input size: activations, their gradients
 * (when planned for training) and the shared im2col workspace, all in one
 * arena allocated once. */
typedef struct
{
  MgUNetConfig config;
  int          batch, height, width;
  MgArena      arena;
  MgUNetActs   act;
  MgUNetActs   grad;        /* data NULL unless training */
  float       *grad_first;  /* the gradient activations are contiguous */
  size_t       grad_count;  /* floats from grad_first, zeroed per step */
  float       *col;         /* im2col / upconv scratch of one image */
} MgUNetBuffers;

void     mg_unet_config_default (MgUNetConfig *config, int in_channels,
                                 int out_channels);
bool     mg_unet_config_valid   (const MgUNetConfig *config);
void     mg_unet_layer_info     (const MgUNetConfig *config, int layer,
                                 MgLayerInfo *info);
size_t   mg_unet_param_count    (const MgUNetConfig *config);
/* Points params into block (mg_unet_param_count floats). */
void     mg_unet_params_bind    (MgUNetParams *params,
                                 const MgUNetConfig *config, float *block);
/* He initialisation of weights, zero biases. */
void     mg_unet_params_init    (MgUNetParams *params,
                                 const MgUNetConfig *config, MgRng *rng);

MgStatus mg_unet_buffers_init   (MgUNetBuffers *buffers,
                                 const MgUNetConfig *config, int batch,
                                 int height, int width, bool training,
                                 MgError *err);
void     mg_unet_buffers_free   (MgUNetBuffers *buffers);

/* Forward pass: reads buffers->act.x, fills every activation and the
 * probabilities of every head. */
void     mg_unet_forward        (const MgUNetParams *params,
                                 MgUNetBuffers *buffers);
/* Backward pass: reads buffers->grad.logits of every head (set by the
 * losses; zero for a head without loss) and the saved
 * activations, accumulates parameter gradients into grads.  The caller
 * zeroes the gradient activations (mg_unet_zero_grad) and grads per step. */
void     mg_unet_backward       (MgUNetParams *grads,
                                 const MgUNetParams *params,
                                 MgUNetBuffers *buffers);
void     mg_unet_zero_grad      (MgUNetBuffers *buffers);

/* Forward multiply-adds of one image of h x w (for benchmarks). */
double   mg_unet_forward_macs   (const MgUNetConfig *config, int h, int w);

#endif /* MG_UNET_H */
