/* screenshot.c — saves the screen of $DISPLAY as a PNG and counts the
 * pixels in the orange of the preview's class-1 overlay (R > G > B,
 * R - B > 60: the picture under it is grey, GTK's themes are grey and
 * blue), so a test can tell whether a preview shows a mask.
 *
 *   mg-screenshot OUT.png      → prints "overlay N" on stdout
 */
#include <stdio.h>

#include <gtk/gtk.h>

int
main (int argc, char **argv)
{
  GdkWindow *root;
  GdkPixbuf *shot;
  GError    *error = NULL;
  long       count = 0;
  gint       x, y;

  if (argc != 2 || ! gtk_init_check (&argc, &argv))
    {
      fprintf (stderr, "usage: mg-screenshot OUT.png (needs $DISPLAY)\n");
      return 1;
    }
  root = gdk_get_default_root_window ();
  shot = gdk_pixbuf_get_from_window (root, 0, 0,
                                     gdk_window_get_width (root),
                                     gdk_window_get_height (root));
  if (shot == NULL || ! gdk_pixbuf_save (shot, argv[1], "png", &error, NULL))
    {
      fprintf (stderr, "mg-screenshot: %s\n",
               error != NULL ? error->message : "cannot read the screen");
      return 1;
    }
  for (y = 0; y < gdk_pixbuf_get_height (shot); y++)
    for (x = 0; x < gdk_pixbuf_get_width (shot); x++)
      {
        const guint8 *p = gdk_pixbuf_get_pixels (shot) +
                          y * gdk_pixbuf_get_rowstride (shot) +
                          x * gdk_pixbuf_get_n_channels (shot);

        count += p[0] > p[1] && p[1] > p[2] && p[0] - p[2] > 60;
      }
  printf ("overlay %ld\n", count);
  g_object_unref (shot);
  return 0;
}
