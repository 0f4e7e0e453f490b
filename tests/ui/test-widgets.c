/* test-widgets.c — the preview and loss-plot widgets draw what they
 * should: rendered in an offscreen window (under Xvfb) and read back.
 * TAP on stdout. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gtk/gtk.h>

#include "loss-plot.h"
#include "preview-view.h"

static int n_tests, failed;

static void
check (gboolean ok, const char *what)
{
  printf ("%sok %d - %s\n", ok ? "" : "not ", ++n_tests, what);
  failed |= ! ok;
}

/* Shows widget at w x h offscreen and returns its pixels. */
static GdkPixbuf *
render (GtkWidget *widget, gint w, gint h)
{
  GtkWidget *window = gtk_offscreen_window_new ();
  GdkPixbuf *pixbuf;

  gtk_widget_set_size_request (widget, w, h);
  gtk_container_add (GTK_CONTAINER (window), widget);
  gtk_widget_show_all (window);
  while (gtk_events_pending ())
    gtk_main_iteration ();
  gtk_widget_queue_draw (widget);
  gdk_window_process_all_updates ();
  while (gtk_events_pending ())
    gtk_main_iteration ();
  pixbuf = gtk_offscreen_window_get_pixbuf (GTK_OFFSCREEN_WINDOW (window));
  g_object_ref (widget);
  gtk_container_remove (GTK_CONTAINER (window), widget);
  gtk_widget_destroy (window);
  return pixbuf;
}

static const guint8 *
pixel (GdkPixbuf *p, gint x, gint y)
{
  return gdk_pixbuf_get_pixels (p) + y * gdk_pixbuf_get_rowstride (p) +
         x * gdk_pixbuf_get_n_channels (p);
}

#define W 100
#define H 100

int
main (int argc, char **argv)
{
  static const guint8 colours[2][3] = { { 230, 159, 0 }, { 86, 180, 233 } };
  guint8     *rgb    = g_new (guint8, W * H * 3);
  guint8     *labels = g_new0 (guint8, W * H);
  gfloat     *prob   = g_new (gfloat, 3 * W * H);
  GtkWidget  *preview, *plot;
  GdkPixbuf  *p;
  const guint8 *in, *bg, *edge, *c2, *unsure, *sure;
  gint        x, y, i;

  if (! gtk_init_check (&argc, &argv))
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }

  /* A mid-grey picture; class 1 square [20, 60)², class 2 [70, 90)²;
   * the left half certain, the right half 50/50 between bg and class 1. */
  memset (rgb, 100, W * H * 3);
  for (y = 0; y < H; y++)
    for (x = 0; x < W; x++)
      {
        i = y * W + x;
        if (x >= 20 && x < 60 && y >= 20 && y < 60)
          labels[i] = 1;
        if (x >= 70 && x < 90 && y >= 70 && y < 90)
          labels[i] = 2;
        prob[i]             = x < 50 ? 1.0f : 0.5f;
        prob[W * H + i]     = x < 50 ? 0.0f : 0.5f;
        prob[2 * W * H + i] = 0.0f;
      }

  preview = mgui_preview_new ();
  mgui_preview_set_class_colours (preview, colours, 2);
  mgui_preview_set_image (preview, rgb, W, H, W * 3);
  mgui_preview_set_result (preview, labels, prob, W, H, 2);

  /* 100 x 100 picture in a 100 x 100 widget: pixel = picture pixel. */
  p    = render (preview, W, H);
  in   = pixel (p, 40, 40);
  bg   = pixel (p, 5, 5);
  edge = pixel (p, 20, 40);
  c2   = pixel (p, 80, 80);
  check (bg[0] == 100 && bg[1] == 100 && bg[2] == 100,
         "overlay: background pixels are the picture");
  check (in[0] > 140 && in[2] < 70 && in[0] > in[1] && in[1] > in[2],
         "overlay: class 1 tinted orange");
  check (abs (edge[0] - 230) <= 2 && abs (edge[1] - 159) <= 2 && edge[2] <= 2,
         "overlay: outline in the opaque class colour");
  check (c2[2] > c2[0] + 40, "overlay: class 2 tinted blue");
  g_object_unref (p);

  check (fabs (mgui_preview_uncertain_fraction (preview) - 0.5) < 0.011,
         "uncertain fraction: half the pixels");
  mgui_preview_set_mode (preview, MGUI_PREVIEW_UNCERTAINTY);
  p      = render (preview, W, H);
  sure   = pixel (p, 10, 90);
  unsure = pixel (p, 90, 10);
  check (unsure[0] + unsure[1] + unsure[2] > 3 * (sure[0] + sure[1] + sure[2]) / 2 + 150,
         "uncertainty: 50/50 pixels much brighter than certain ones");
  g_object_unref (p);

  /* A 200 x 100 picture in 300 x 300: bands above and below. */
  {
    guint8 *wide = g_new (guint8, 200 * 100 * 3);

    memset (wide, 255, 200 * 100 * 3);
    mgui_preview_set_mode (preview, MGUI_PREVIEW_OVERLAY);
    mgui_preview_clear_result (preview);
    mgui_preview_set_image (preview, wide, 200, 100, 600);
    p = render (preview, 300, 300);
    check (pixel (p, 150, 150)[0] == 255 && pixel (p, 150, 10)[0] != 255 &&
           pixel (p, 150, 290)[0] != 255,
           "aspect kept: white picture centred, theme bands above and below");
    g_object_unref (p);
    g_free (wide);
  }
  check (mgui_preview_uncertain_fraction (preview) < 0,
         "no result: no uncertain fraction");

  plot = mgui_loss_plot_new ();
  {
    GdkPixbuf *empty = render (plot, 200, 80);
    gint       differ = 0;

    for (i = 0; i < 100; i++)
      mgui_loss_plot_add (plot, i, 1.0 / (1 + i));
    p = render (plot, 200, 80);
    for (y = 30; y < 80; y++)
      for (x = 0; x < 200; x++)
        differ += memcmp (pixel (p, x, y), pixel (empty, x, y), 3) != 0;
    check (differ > 150, "loss plot: a curve is drawn");
    for (i = 100; i < 2 * MGUI_LOSS_PLOT_MAX; i++)
      mgui_loss_plot_add (plot, i, 0.01);
    check (mgui_loss_plot_count (plot) <= MGUI_LOSS_PLOT_MAX &&
           mgui_loss_plot_count (plot) >= MGUI_LOSS_PLOT_MAX / 2,
           "loss plot: bounded number of points");
    mgui_loss_plot_clear (plot);
    g_object_unref (p);
    p = render (plot, 200, 80);
    differ = 0;
    for (y = 0; y < 80; y++)
      for (x = 0; x < 200; x++)
        differ += memcmp (pixel (p, x, y), pixel (empty, x, y), 3) != 0;
    check (differ == 0, "loss plot: clear gives the empty state");
    g_object_unref (p);
    g_object_unref (empty);
  }

  printf ("1..%d\n", n_tests);
  g_free (rgb);
  g_free (labels);
  g_free (prob);
  return failed;
}
