/* loss-plot.c — the training loss over the steps (loss-plot.h).
 *
 * The y axis runs from 0 to the 98th percentile of the points, not their
 * maximum: the first steps' loss is several times the rest and would
 * flatten the part of the curve a person watches.
 */
#include "loss-plot.h"

#include <glib/gi18n.h>

#define STATE_KEY "mgui-loss-plot-state"
#define MARGIN    4.0

typedef struct
{
  GArray *steps;   /* gint */
  GArray *losses;  /* gdouble */
} State;

static void
state_free (gpointer data)
{
  State *s = data;

  g_array_free (s->steps, TRUE);
  g_array_free (s->losses, TRUE);
  g_free (s);
}

static State *
state_of (GtkWidget *plot)
{
  return g_object_get_data (G_OBJECT (plot), STATE_KEY);
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return (x > y) - (x < y);
}

static gdouble
top_of (const State *s)
{
  GArray *sorted = g_array_sized_new (FALSE, FALSE, sizeof (gdouble),
                                      s->losses->len);
  gdouble top;

  g_array_append_vals (sorted, s->losses->data, s->losses->len);
  g_array_sort (sorted, compare_doubles);
  top = g_array_index (sorted, gdouble, (guint) (0.98 * (sorted->len - 1)));
  g_array_free (sorted, TRUE);
  return top > 0 ? top : 1.0;
}

static gboolean
draw (GtkWidget *widget,
      cairo_t   *cr,
      gpointer   data)
{
  State           *s  = state_of (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  gint             w  = gtk_widget_get_allocated_width (widget);
  gint             h  = gtk_widget_get_allocated_height (widget);
  GdkRGBA          fg;
  PangoLayout     *layout;
  gchar           *text;
  guint            i;

  gtk_style_context_get_color (style, gtk_style_context_get_state (style),
                               &fg);
  if (s->losses->len == 0)
    text = g_strdup (_("No training yet"));
  else
    {
      gdouble top   = top_of (s);
      gint    first = g_array_index (s->steps, gint, 0);
      gint    last  = g_array_index (s->steps, gint, s->steps->len - 1);
      gdouble span  = MAX (1, last - first);

      /* Baseline (loss 0). */
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.25);
      cairo_set_line_width (cr, 1.0);
      cairo_move_to (cr, MARGIN, h - MARGIN - 0.5);
      cairo_line_to (cr, w - MARGIN, h - MARGIN - 0.5);
      cairo_stroke (cr);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.9);
      cairo_set_line_width (cr, 1.5);
      for (i = 0; i < s->losses->len; i++)
        {
          gdouble x = MARGIN + (w - 2 * MARGIN) *
                      (g_array_index (s->steps, gint, i) - first) / span;
          gdouble v = MIN (g_array_index (s->losses, gdouble, i), top);
          gdouble y = h - MARGIN - (h - 2 * MARGIN) * v / top;

          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);
      text = g_strdup_printf (_("loss %.3f · step %d"),
                              g_array_index (s->losses, gdouble,
                                             s->losses->len - 1),
                              last);
    }

  layout = gtk_widget_create_pango_layout (widget, text);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fg.alpha);
  if (s->losses->len == 0)
    {
      gint tw, th;

      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_move_to (cr, (w - tw) / 2, (h - th) / 2);
    }
  else
    {
      gint tw, th;

      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_move_to (cr, w - MARGIN - tw, MARGIN);
    }
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  g_free (text);
  return FALSE;
}

GtkWidget *
mgui_loss_plot_new (void)
{
  GtkWidget *area = gtk_drawing_area_new ();
  State     *s    = g_new0 (State, 1);

  s->steps  = g_array_new (FALSE, FALSE, sizeof (gint));
  s->losses = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_object_set_data_full (G_OBJECT (area), STATE_KEY, s, state_free);
  gtk_widget_set_size_request (area, 320, 90);
  g_signal_connect (area, "draw", G_CALLBACK (draw), NULL);
  return area;
}

void
mgui_loss_plot_add (GtkWidget *plot,
                    gint       step,
                    gdouble    loss)
{
  State *s = state_of (plot);

  if (s->losses->len >= MGUI_LOSS_PLOT_MAX)
    {
      /* Keep every other point: the curve's shape, half the memory. */
      guint i;

      for (i = 0; 2 * i < s->losses->len; i++)
        {
          g_array_index (s->steps, gint, i) =
            g_array_index (s->steps, gint, 2 * i);
          g_array_index (s->losses, gdouble, i) =
            g_array_index (s->losses, gdouble, 2 * i);
        }
      g_array_set_size (s->steps, i);
      g_array_set_size (s->losses, i);
    }
  g_array_append_val (s->steps, step);
  g_array_append_val (s->losses, loss);
  gtk_widget_queue_draw (plot);
}

void
mgui_loss_plot_clear (GtkWidget *plot)
{
  State *s = state_of (plot);

  g_array_set_size (s->steps, 0);
  g_array_set_size (s->losses, 0);
  gtk_widget_queue_draw (plot);
}

guint
mgui_loss_plot_count (GtkWidget *plot)
{
  return state_of (plot)->losses->len;
}
