/* dialog.c — the Segment dialog (dialog.h).
 *
 * Left: the procedure's options (GimpProcedureDialog widgets).  Right: the
 * live preview (ui/preview-view.h) with a Mask / Uncertainty switch, a
 * caption, the loss plot (ui/loss-plot.h), a progress bar and a Stop /
 * Train again button.  Training runs in a worker thread (training.h); a
 * main-loop timeout polls it (guide §9).  A change to an option that
 * affects training restarts it once the options have been still for
 * RESTART_DELAY, so the model handed back always matches the options.
 */
#include "dialog.h"

#include <libgimp/gimpui.h>
#include <glib/gi18n.h>

#include "loss-plot.h"
#include "preview-view.h"

#include "options.h"
#include "palette.h"
#include "procedures.h"
#include "segment.h"
#include "training.h"

#define POLL_MS        150
#define RESTART_DELAY  (G_USEC_PER_SEC / 2)
#define PREVIEW_SIDE   480

typedef struct
{
  GimpProcedureConfig *config;
  GimpImage           *image;
  GimpDrawable        *selected;

  MaskgrowInputs      *inputs;
  MaskgrowTrainJob    *job;
  MgModel             *model;      /* of a finished (or stopped) job */
  GError              *error;      /* why training could not run */
  gint64               changed;    /* when a training option changed; 0 */
  gint                 steps;
  guint8              *thumb;      /* the first image, packed RGB */
  gint                 thumb_w, thumb_h;
  GdkRectangle         shown;      /* part of thumb in the preview */

  GtkWidget           *preview;
  GtkWidget           *caption;
  GtkWidget           *plot;
  GtkWidget           *progress;
  GtkWidget           *button;
  guint                timeout;
} Dialog;

/* The Training frame's options, in its order: a change to any of them
 * makes the running training stale. */
static const gchar *training_options[] =
{
  "hints", "exact", "all-images", "quality", "seconds", "iterations", "seed",
  "levels", "smoothness"
};

static void
set_caption (Dialog      *d,
             const gchar *text)
{
  gtk_label_set_text (GTK_LABEL (d->caption), text);
}

/* Ends the job (if any) and keeps its model. */
static void
finish_job (Dialog *d)
{
  if (d->job == NULL)
    return;
  g_clear_pointer (&d->model, mg_model_free);
  g_clear_error (&d->error);
  d->model = maskgrow_train_job_finish (d->job, &d->error);
  d->job   = NULL;
}

/* Shows the rectangle (x, y, w, h) of the thumbnail under the preview. */
static void
show_part (Dialog *d,
           gint    x,
           gint    y,
           gint    w,
           gint    h)
{
  x = CLAMP (x, 0, d->thumb_w - 1);
  y = CLAMP (y, 0, d->thumb_h - 1);
  w = CLAMP (w, 1, d->thumb_w - x);
  h = CLAMP (h, 1, d->thumb_h - y);
  if (x == d->shown.x && y == d->shown.y && w == d->shown.width &&
      h == d->shown.height)
    return;
  d->shown = (GdkRectangle) { x, y, w, h };
  mgui_preview_set_image (d->preview,
                          d->thumb + ((gsize) y * d->thumb_w + x) * 3,
                          w, h, d->thumb_w * 3);
}

/* Large images are previewed in their centre only (MgPreview): show the
 * same part of the picture. */
static void
show_preview_part (Dialog                *d,
                   const MaskgrowPreview *p)
{
  gdouble fx = (gdouble) d->thumb_w / p->image_width;
  gdouble fy = (gdouble) d->thumb_h / p->image_height;

  show_part (d, (gint) (p->x * fx + 0.5), (gint) (p->y * fy + 0.5),
             (gint) (p->width * fx + 0.5), (gint) (p->height * fy + 0.5));
}

static void
start_training (Dialog *d)
{
  MaskgrowTraining training;
  GimpLayer       *source;
  guint8          *rgb;
  gint             w, h;

  finish_job (d);
  g_clear_pointer (&d->model, mg_model_free);
  g_clear_pointer (&d->inputs, maskgrow_inputs_free);
  g_clear_error (&d->error);
  mgui_loss_plot_clear (d->plot);
  mgui_preview_clear_result (d->preview);
  d->steps = 0;

  if (! maskgrow_options_get_training (d->config, &training, &d->error) ||
      (d->inputs = maskgrow_segment_inputs (d->image, d->selected,
                                            d->config, &source, NULL,
                                            &d->error)) == NULL)
    {
      set_caption (d, d->error->message);
      mgui_preview_set_message (d->preview, _("Nothing to train on"));
      gtk_button_set_label (GTK_BUTTON (d->button), _("_Train again"));
      return;
    }
  rgb = maskgrow_inputs_thumbnail (d->inputs, PREVIEW_SIDE, &w, &h);
  g_free (d->thumb);
  d->thumb   = rgb;
  d->shown   = (GdkRectangle) { 0, 0, 0, 0 };
  d->thumb_w = w;
  d->thumb_h = h;
  show_part (d, 0, 0, w, h);
  mgui_preview_set_message (d->preview, _("Training…"));
  set_caption (d, _("Training: the preview appears after a second."));
  gtk_button_set_label (GTK_BUTTON (d->button), _("_Stop training"));
  d->job = maskgrow_train_job_start (d->inputs, &training);
}

static gboolean
poll (gpointer data)
{
  Dialog          *d      = data;
  GArray          *points = g_array_new (FALSE, FALSE,
                                         sizeof (MaskgrowLossPoint));
  MaskgrowPreview *preview = NULL;
  gdouble          fraction = 0;
  guint            i;

  if (d->changed != 0 &&
      g_get_monotonic_time () - d->changed >= RESTART_DELAY)
    {
      d->changed = 0;
      start_training (d);
    }
  if (d->job == NULL)
    {
      g_array_free (points, TRUE);
      return G_SOURCE_CONTINUE;
    }

  maskgrow_train_job_poll (d->job, points, &preview, &fraction);
  for (i = 0; i < points->len; i++)
    {
      MaskgrowLossPoint *p = &g_array_index (points, MaskgrowLossPoint, i);

      mgui_loss_plot_add (d->plot, p->step, p->loss);
      d->steps = p->step;
    }
  g_array_free (points, TRUE);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (d->progress), fraction);

  if (preview != NULL)
    {
      gchar *text;

      mgui_preview_set_message (d->preview, NULL);
      show_preview_part (d, preview);
      mgui_preview_set_result (d->preview, preview->labels, preview->prob,
                               preview->width, preview->height,
                               preview->classes);
      text = g_strdup_printf (preview->width < preview->image_width ||
                              preview->height < preview->image_height
                              ? _("Step %d: %.0f %% of the pixels uncertain "
                                  "(the centre of the image).")
                              : _("Step %d: %.0f %% of the pixels uncertain."),
                              preview->iteration,
                              100 * MAX (0.0, mgui_preview_uncertain_fraction
                                                (d->preview)));
      set_caption (d, text);
      g_free (text);
      maskgrow_preview_free (preview);
    }

  if (! maskgrow_train_job_running (d->job))
    {
      gchar *text;

      finish_job (d);
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (d->progress), 1.0);
      gtk_button_set_label (GTK_BUTTON (d->button), _("_Train again"));
      if (d->model != NULL)
        text = g_strdup_printf (_("Trained %d steps. Press Segment to "
                                  "segment the image, or paint more hints "
                                  "where it is uncertain and train again."),
                                d->steps);
      else
        text = g_strdup (d->error != NULL ? d->error->message
                                          : _("Training failed."));
      set_caption (d, text);
      g_free (text);
    }
  return G_SOURCE_CONTINUE;
}

static void
button_clicked (GtkButton *button,
                Dialog    *d)
{
  if (d->job != NULL)
    {
      /* Stop: the worker ends after its current step; poll () takes the
       * model when it has. */
      maskgrow_train_job_stop (d->job);
      set_caption (d, _("Stopping…"));
    }
  else
    start_training (d);
}

static void
option_changed (GObject    *config,
                GParamSpec *pspec,
                Dialog     *d)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (training_options); i++)
    if (g_strcmp0 (pspec->name, training_options[i]) == 0)
      {
        d->changed = g_get_monotonic_time ();
        if (d->job != NULL)
          maskgrow_train_job_stop (d->job);
        set_caption (d, _("Options changed: training starts again."));
        return;
      }
}

static void
mode_toggled (GtkToggleButton *uncertainty,
              Dialog          *d)
{
  mgui_preview_set_mode (d->preview,
                         gtk_toggle_button_get_active (uncertainty)
                         ? MGUI_PREVIEW_UNCERTAINTY : MGUI_PREVIEW_OVERLAY);
}

/* property is editable only with quality "custom". */
static void
sensitive_if_custom (GtkWidget   *dialog,
                     const gchar *property)
{
  GimpValueArray *values = gimp_value_array_new (1);
  GValue          value  = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, "custom");
  gimp_value_array_append (values, &value);
  g_value_unset (&value);
  /* The dialog takes values over. */
  gimp_procedure_dialog_set_sensitive_if_in (GIMP_PROCEDURE_DIALOG (dialog),
                                             property, NULL, "quality",
                                             values, TRUE);
}

/* The right-hand column: preview, mode switch, caption, plot, progress. */
static GtkWidget *
preview_column (Dialog *d)
{
  GtkWidget *vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *mask = gtk_radio_button_new_with_mnemonic (NULL, _("_Mask"));
  GtkWidget *unc  = gtk_radio_button_new_with_mnemonic_from_widget
                      (GTK_RADIO_BUTTON (mask), _("_Uncertainty"));
  guint8     colours[MASKGROW_PALETTE_CLASSES][3];
  gint       c;

  for (c = 0; c < MASKGROW_PALETTE_CLASSES; c++)
    memcpy (colours[c], maskgrow_palette_class (c + 1)->rgb, 3);

  d->preview = mgui_preview_new ();
  mgui_preview_set_class_colours (d->preview,
                                  (const guint8 (*)[3]) colours,
                                  MASKGROW_PALETTE_CLASSES);
  gtk_widget_set_tooltip_text (unc, _("Bright where the network is unsure: "
                                      "paint hints there"));
  g_signal_connect (unc, "toggled", G_CALLBACK (mode_toggled), d);

  d->button = gtk_button_new_with_mnemonic (_("_Stop training"));
  g_signal_connect (d->button, "clicked", G_CALLBACK (button_clicked), d);

  gtk_box_pack_start (GTK_BOX (hbox), mask, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (hbox), unc, FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (hbox), d->button, FALSE, FALSE, 0);

  d->caption = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (d->caption), TRUE);
  gtk_label_set_xalign (GTK_LABEL (d->caption), 0.0);
  gtk_label_set_max_width_chars (GTK_LABEL (d->caption), 50);
  d->plot     = mgui_loss_plot_new ();
  d->progress = gtk_progress_bar_new ();

  gtk_box_pack_start (GTK_BOX (vbox), d->preview, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), hbox, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), d->caption, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), d->plot, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), d->progress, FALSE, FALSE, 0);
  gtk_widget_show_all (vbox);
  return vbox;
}

gboolean
maskgrow_segment_dialog (GimpProcedure        *procedure,
                         GimpProcedureConfig  *config,
                         GimpImage            *image,
                         GimpDrawable         *selected,
                         MgModel             **model,
                         GError              **error)
{
  Dialog     d = { 0 };
  GtkWidget *dialog;
  GtkWidget *options;
  GtkWidget *paned;
  GtkWidget *content;
  GList     *names = NULL;
  gboolean   run;
  gulong     handler;
  guint      i;

  *model     = NULL;
  d.config   = config;
  d.image    = image;
  d.selected = selected;

  gimp_ui_init (MASKGROW_BINARY);
  dialog = gimp_procedure_dialog_new (procedure, config,
                                      _("Segment from Hints"));
  gimp_procedure_dialog_set_ok_label (GIMP_PROCEDURE_DIALOG (dialog),
                                      _("_Segment"));

  gimp_procedure_dialog_get_label (GIMP_PROCEDURE_DIALOG (dialog),
                                   "outputs-title", _("Outputs"),
                                   FALSE, FALSE);
  gimp_procedure_dialog_fill_box (GIMP_PROCEDURE_DIALOG (dialog),
                                  "outputs-box", "selection", "channels",
                                  "layer-mask", "label-layer",
                                  "instance-layer", "separate", NULL);
  gimp_procedure_dialog_fill_frame (GIMP_PROCEDURE_DIALOG (dialog),
                                    "outputs", "outputs-title", FALSE,
                                    "outputs-box");
  gimp_procedure_dialog_get_label (GIMP_PROCEDURE_DIALOG (dialog),
                                   "training-title", _("Training"),
                                   FALSE, FALSE);
  for (i = G_N_ELEMENTS (training_options); i > 0; i--)
    names = g_list_prepend (names, (gpointer) training_options[i - 1]);
  gimp_procedure_dialog_fill_box_list (GIMP_PROCEDURE_DIALOG (dialog),
                                       "training-box", names);
  g_list_free (names);
  gimp_procedure_dialog_fill_frame (GIMP_PROCEDURE_DIALOG (dialog),
                                    "training", "training-title", FALSE,
                                    "training-box");
  sensitive_if_custom (dialog, "seconds");
  sensitive_if_custom (dialog, "iterations");
  options = gimp_procedure_dialog_fill_box (GIMP_PROCEDURE_DIALOG (dialog),
                                            "options", "training", "outputs",
                                            "model-file", NULL);

  paned = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_container_set_border_width (GTK_CONTAINER (paned), 12);
  /* fill_box () leaves the box hidden until fill () would pack it. */
  gtk_widget_show (options);
  gtk_box_pack_start (GTK_BOX (paned), options, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (paned), preview_column (&d), TRUE, TRUE, 0);
  gtk_widget_show (paned);
  /* Centred on the screen: on its parent, the (wide) dialog can start
   * left of the screen when GIMP's window is small. */
  gtk_window_set_position (GTK_WINDOW (dialog), GTK_WIN_POS_CENTER);
  content = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  gtk_box_pack_start (GTK_BOX (content), paned, TRUE, TRUE, 0);

  handler   = g_signal_connect (config, "notify", G_CALLBACK (option_changed),
                                &d);
  d.timeout = g_timeout_add (POLL_MS, poll, &d);
  start_training (&d);

  run = gimp_procedure_dialog_run (GIMP_PROCEDURE_DIALOG (dialog));

  g_source_remove (d.timeout);
  g_signal_handler_disconnect (config, handler);
  finish_job (&d);
  gtk_widget_destroy (dialog);

  if (run && d.changed != 0)
    {
      /* Segment pressed while a changed option waited for its restart:
       * the model so far does not match the options.  The caller trains
       * again (model NULL, no error). */
      g_clear_error (&d.error);
    }
  else if (run)
    {
      *model  = d.model;
      d.model = NULL;
      if (*model == NULL)
        g_propagate_error (error, d.error != NULL ? d.error
                                                  : g_error_new_literal
                                                      (GIMP_PLUG_IN_ERROR, 0,
                                                       _("Training failed.")));
      else
        g_clear_error (&d.error);
      d.error = NULL;
    }
  g_clear_error (&d.error);
  mg_model_free (d.model);
  maskgrow_inputs_free (d.inputs);
  g_free (d.thumb);
  return run;
}
