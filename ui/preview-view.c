/* preview-view.c — the picture + segmentation widget (preview-view.h).
 *
 * The state hangs on a GtkDrawingArea (g_object_set_data_full).  Each
 * set_result builds two small cairo surfaces at the result's resolution
 * (the tinted mask with outlines, the uncertainty heat map), so a redraw
 * only scales surfaces: cheap while the dialog is resized or the worker
 * keeps training.
 */
#include "preview-view.h"

#include <math.h>
#include <string.h>

#define STATE_KEY    "mgui-preview-state"
#define TINT_ALPHA   0.45

typedef struct
{
  cairo_surface_t *image;        /* RGB24 picture */
  cairo_surface_t *overlay;      /* ARGB32 mask + outlines */
  cairo_surface_t *heat;         /* ARGB32 uncertainty */
  MguiPreviewMode  mode;
  guint8         (*colours)[3];
  gint             n_colours;
  gchar           *message;
  gdouble          uncertain;    /* -1: no probabilities */
} State;

static void
state_free (gpointer data)
{
  State *s = data;

  g_clear_pointer (&s->image, cairo_surface_destroy);
  g_clear_pointer (&s->overlay, cairo_surface_destroy);
  g_clear_pointer (&s->heat, cairo_surface_destroy);
  g_free (s->colours);
  g_free (s->message);
  g_free (s);
}

static State *
state_of (GtkWidget *preview)
{
  return g_object_get_data (G_OBJECT (preview), STATE_KEY);
}

/* Premultiplied ARGB32 pixel. */
static guint32
argb (gdouble a, gdouble r, gdouble g, gdouble b)
{
  return ((guint32) lround (a * 255) << 24) |
         ((guint32) lround (a * r) << 16) |
         ((guint32) lround (a * g) << 8) |
          (guint32) lround (a * b);
}

/* Heat-map colour of t in 0..1: transparent dark red → opaque yellow-white. */
static guint32
heat_colour (gdouble t)
{
  t = CLAMP (t, 0.0, 1.0);
  return argb (0.15 + 0.85 * t, 255, 80 + 175 * t, 255 * t * t);
}

static gboolean
draw (GtkWidget *widget,
      cairo_t   *cr,
      gpointer   data)
{
  State  *s = state_of (widget);
  gint    w = gtk_widget_get_allocated_width (widget);
  gint    h = gtk_widget_get_allocated_height (widget);

  if (s->image != NULL)
    {
      gint    iw = cairo_image_surface_get_width (s->image);
      gint    ih = cairo_image_surface_get_height (s->image);
      gdouble f  = MIN ((gdouble) w / iw, (gdouble) h / ih);
      gdouble x0 = floor ((w - f * iw) / 2);
      gdouble y0 = floor ((h - f * ih) / 2);
      cairo_surface_t *top = s->mode == MGUI_PREVIEW_OVERLAY ? s->overlay
                                                              : s->heat;

      cairo_save (cr);
      cairo_rectangle (cr, x0, y0, f * iw, f * ih);
      cairo_clip (cr);
      cairo_translate (cr, x0, y0);
      cairo_save (cr);
      cairo_scale (cr, f, f);
      cairo_set_source_surface (cr, s->image, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      if (s->mode == MGUI_PREVIEW_UNCERTAINTY)
        {
          /* Dim the picture so the heat stands out. */
          cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
          cairo_paint (cr);
        }
      if (top != NULL)
        {
          gint rw = cairo_image_surface_get_width (top);
          gint rh = cairo_image_surface_get_height (top);

          cairo_scale (cr, f * iw / rw, f * ih / rh);
          cairo_set_source_surface (cr, top, 0, 0);
          /* Labels stay crisp; probabilities may blur. */
          cairo_pattern_set_filter (cairo_get_source (cr),
                                    s->mode == MGUI_PREVIEW_OVERLAY
                                    ? CAIRO_FILTER_NEAREST
                                    : CAIRO_FILTER_BILINEAR);
          cairo_paint (cr);
        }
      cairo_restore (cr);
    }

  if (s->message != NULL)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (widget,
                                                            s->message);
      gint         tw, th;

      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
      cairo_rectangle (cr, (w - tw) / 2 - 6, (h - th) / 2 - 3, tw + 12,
                       th + 6);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_move_to (cr, (w - tw) / 2, (h - th) / 2);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }
  return FALSE;
}

GtkWidget *
mgui_preview_new (void)
{
  GtkWidget *area = gtk_drawing_area_new ();
  State     *s    = g_new0 (State, 1);
  static const guint8 orange[1][3] = { { 230, 159, 0 } };

  s->colours   = g_memdup2 (orange, sizeof orange);
  s->n_colours = 1;
  s->uncertain = -1;
  g_object_set_data_full (G_OBJECT (area), STATE_KEY, s, state_free);
  gtk_widget_set_size_request (area, 320, 240);
  g_signal_connect (area, "draw", G_CALLBACK (draw), NULL);
  return area;
}

void
mgui_preview_set_image (GtkWidget    *preview,
                        const guint8 *rgb,
                        gint          width,
                        gint          height,
                        gint          rowstride)
{
  State   *s = state_of (preview);
  guint8  *dst;
  gint     stride, x, y;

  g_clear_pointer (&s->image, cairo_surface_destroy);
  s->image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_surface_flush (s->image);
  dst    = cairo_image_surface_get_data (s->image);
  stride = cairo_image_surface_get_stride (s->image);
  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        const guint8 *p = rgb + (gsize) y * rowstride + 3 * x;

        ((guint32 *) (dst + (gsize) y * stride))[x] =
          (0xffu << 24) | ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
      }
  cairo_surface_mark_dirty (s->image);
  gtk_widget_queue_draw (preview);
}

/* TRUE if a 4-neighbour of (x, y) has another label. */
static gboolean
on_edge (const guint8 *labels, gint w, gint h, gint x, gint y)
{
  guint8 v = labels[(gsize) y * w + x];

  return (x > 0 && labels[(gsize) y * w + x - 1] != v) ||
         (x + 1 < w && labels[(gsize) y * w + x + 1] != v) ||
         (y > 0 && labels[(gsize) (y - 1) * w + x] != v) ||
         (y + 1 < h && labels[(gsize) (y + 1) * w + x] != v);
}

void
mgui_preview_set_result (GtkWidget    *preview,
                         const guint8 *labels,
                         const gfloat *prob,
                         gint          width,
                         gint          height,
                         gint          classes)
{
  State  *s     = state_of (preview);
  gsize   plane = (gsize) width * height;
  gsize   uncertain = 0;
  guint8 *o, *hm;
  gint    os, hs, x, y, c;

  mgui_preview_clear_result (preview);
  s->overlay = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  s->heat    = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_surface_flush (s->overlay);
  cairo_surface_flush (s->heat);
  o  = cairo_image_surface_get_data (s->overlay);
  hm = cairo_image_surface_get_data (s->heat);
  os = cairo_image_surface_get_stride (s->overlay);
  hs = cairo_image_surface_get_stride (s->heat);

  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        gsize   i = (gsize) y * width + x;
        guint32 px = 0;

        if (labels[i] != 0)
          {
            const guint8 *k = s->colours[(labels[i] - 1) % s->n_colours];

            px = argb (on_edge (labels, width, height, x, y) ? 1.0
                                                             : TINT_ALPHA,
                       k[0], k[1], k[2]);
          }
        else if (on_edge (labels, width, height, x, y))
          {
            /* The background side of a boundary: the neighbour's colour,
             * so the outline is two pixels and always visible. */
            guint8 v = 0;

            if (x > 0 && labels[i - 1]) v = labels[i - 1];
            else if (x + 1 < width && labels[i + 1]) v = labels[i + 1];
            else if (y > 0 && labels[i - width]) v = labels[i - width];
            else if (y + 1 < height) v = labels[i + width];
            if (v != 0)
              {
                const guint8 *k = s->colours[(v - 1) % s->n_colours];

                px = argb (1.0, k[0], k[1], k[2]);
              }
          }
        ((guint32 *) (o + (gsize) y * os))[x] = px;

        if (prob != NULL)
          {
            gdouble e = 0;

            for (c = 0; c <= classes; c++)
              {
                gdouble p = prob[c * plane + i];

                if (p > 1e-7)
                  e -= p * log (p);
              }
            e /= log (classes + 1.0);
            uncertain += e > 0.5;
            ((guint32 *) (hm + (gsize) y * hs))[x] = heat_colour (e);
          }
        else
          ((guint32 *) (hm + (gsize) y * hs))[x] = 0;
      }
  cairo_surface_mark_dirty (s->overlay);
  cairo_surface_mark_dirty (s->heat);
  s->uncertain = prob != NULL ? (gdouble) uncertain / plane : -1;
  gtk_widget_queue_draw (preview);
}

void
mgui_preview_clear_result (GtkWidget *preview)
{
  State *s = state_of (preview);

  g_clear_pointer (&s->overlay, cairo_surface_destroy);
  g_clear_pointer (&s->heat, cairo_surface_destroy);
  s->uncertain = -1;
  gtk_widget_queue_draw (preview);
}

void
mgui_preview_set_mode (GtkWidget       *preview,
                       MguiPreviewMode  mode)
{
  state_of (preview)->mode = mode;
  gtk_widget_queue_draw (preview);
}

void
mgui_preview_set_class_colours (GtkWidget    *preview,
                                const guint8 (*colours)[3],
                                gint          n)
{
  State *s = state_of (preview);

  g_return_if_fail (n >= 1);
  g_free (s->colours);
  s->colours   = g_memdup2 (colours, (gsize) n * 3);
  s->n_colours = n;
}

void
mgui_preview_set_message (GtkWidget   *preview,
                          const gchar *text)
{
  State *s = state_of (preview);

  g_free (s->message);
  s->message = g_strdup (text);
  gtk_widget_queue_draw (preview);
}

gdouble
mgui_preview_uncertain_fraction (GtkWidget *preview)
{
  return state_of (preview)->uncertain;
}
