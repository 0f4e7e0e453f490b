/* options.h — the argument groups the procedures share: how long to train
 * and what to write back into the image.  Each group is added to a
 * procedure with one call and read back from its config into a struct, so
 * Segment, Refine and Apply name and document them identically (Script-Fu
 * and Python-Fu scripts pass them by these names). */
#ifndef MASKGROW_OPTIONS_H
#define MASKGROW_OPTIONS_H

#include <libgimp/gimp.h>

/* Training budgets of the quality presets, in seconds (custom = the
 * "seconds" argument).  Balanced is the core's default budget. */
#define MASKGROW_FAST_SECONDS      10.0
#define MASKGROW_BALANCED_SECONDS  30.0
#define MASKGROW_BEST_SECONDS      90.0

typedef struct
{
  gdouble seconds;     /* 0 = no limit */
  gint    iterations;  /* 0 = no limit */
  gint    seed;
  gint    levels;      /* recursive levels (background rings), 0 = off */
  gdouble smoothness;  /* weight of the boundaries-on-edges term, 0 = off */
  gint    threads;     /* GIMP's thread setting */
} MaskgrowTraining;

typedef enum
{
  MASKGROW_SELECTION_NONE,
  MASKGROW_SELECTION_REPLACE,
  MASKGROW_SELECTION_ADD
} MaskgrowSelectionOutput;

typedef enum
{
  MASKGROW_CHANNELS_NONE,
  MASKGROW_CHANNELS_MASK,        /* 0 / 255 per class */
  MASKGROW_CHANNELS_PROBABILITY  /* the class probability, 0..255 */
} MaskgrowChannelOutput;

typedef struct
{
  MaskgrowSelectionOutput selection;
  MaskgrowChannelOutput   channels;
  gboolean                layer_mask;      /* on the image layer */
  gboolean                label_layer;     /* palette colours per class */
  gboolean                instance_layer;  /* one colour per object */
  gboolean                separate;        /* split touching objects */
} MaskgrowOutputs;

/* quality (choice fast / balanced / best / custom), seconds, iterations,
 * seed, levels, smoothness.  default_quality: the nick used when a script
 * passes none. */
void     maskgrow_options_add_training (GimpProcedure       *procedure,
                                        const gchar         *default_quality);
/* FALSE + error when the budget could never end (custom, 0 s, 0 steps). */
gboolean maskgrow_options_get_training (GimpProcedureConfig *config,
                                        MaskgrowTraining    *training,
                                        GError             **error);

/* selection, channels, layer-mask, label-layer, instance-layer, separate;
 * and the return values mask, labels, instances, objects. */
void     maskgrow_options_add_outputs  (GimpProcedure       *procedure);
void     maskgrow_options_get_outputs  (GimpProcedureConfig *config,
                                        MaskgrowOutputs     *outputs);

#endif /* MASKGROW_OPTIONS_H */
