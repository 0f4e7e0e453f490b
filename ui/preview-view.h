/* preview-view.h — a picture with a segmentation on top, for the live
 * preview of the Segment dialog: the mask in class colours with opaque
 * outlines, or the per-pixel uncertainty as a heat map (where more hints
 * would help).  Plain GTK 3; call from the main thread only (a worker
 * thread hands its results over with g_idle_add or a poll). */
#ifndef MGUI_PREVIEW_VIEW_H
#define MGUI_PREVIEW_VIEW_H

#include <gtk/gtk.h>

typedef enum
{
  MGUI_PREVIEW_OVERLAY,
  MGUI_PREVIEW_UNCERTAINTY
} MguiPreviewMode;

/* A drawing area asking for about 320 x 240; it grows with the dialog. */
GtkWidget *mgui_preview_new (void);

/* The picture: packed RGB u8, rowstride bytes per row; copied. */
void    mgui_preview_set_image   (GtkWidget       *preview,
                                  const guint8    *rgb,
                                  gint             width,
                                  gint             height,
                                  gint             rowstride);
/* A result at any resolution, stretched over the picture: labels
 * [width * height], 0 background, c class c; prob NULL or classes + 1
 * planes of width * height (plane 0 background).  Copied. */
void    mgui_preview_set_result  (GtkWidget       *preview,
                                  const guint8    *labels,
                                  const gfloat    *prob,
                                  gint             width,
                                  gint             height,
                                  gint             classes);
void    mgui_preview_clear_result (GtkWidget      *preview);
void    mgui_preview_set_mode    (GtkWidget       *preview,
                                  MguiPreviewMode  mode);
/* Overlay colour of class c = colours[(c - 1) % n]; copied.  Default:
 * orange. */
void    mgui_preview_set_class_colours (GtkWidget    *preview,
                                        const guint8 (*colours)[3],
                                        gint          n);
/* A line of text over the picture (e.g. "Training…"); NULL clears. */
void    mgui_preview_set_message (GtkWidget       *preview,
                                  const gchar     *text);
/* Share of pixels whose normalised entropy exceeds 0.5; -1 without
 * probabilities. */
gdouble mgui_preview_uncertain_fraction (GtkWidget *preview);

#endif /* MGUI_PREVIEW_VIEW_H */
