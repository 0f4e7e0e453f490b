/* loss-plot.h — a small plot of the training loss over the steps, for
 * the Segment dialog.  Plain GTK 3, main thread only. */
#ifndef MGUI_LOSS_PLOT_H
#define MGUI_LOSS_PLOT_H

#include <gtk/gtk.h>

/* A drawing area asking for about 320 x 90. */
GtkWidget *mgui_loss_plot_new   (void);
/* Appends a point; at MGUI_LOSS_PLOT_MAX points every other one is
 * dropped, so a long run keeps its shape in bounded memory. */
void       mgui_loss_plot_add   (GtkWidget *plot,
                                 gint       step,
                                 gdouble    loss);
void       mgui_loss_plot_clear (GtkWidget *plot);
/* Points held (for tests). */
guint      mgui_loss_plot_count (GtkWidget *plot);

#define MGUI_LOSS_PLOT_MAX 2048

#endif /* MGUI_LOSS_PLOT_H */
