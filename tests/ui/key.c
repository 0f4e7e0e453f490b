/* key.c — presses a key combination on $DISPLAY through the XTest
 * extension, as a person at the keyboard would: the pointer moves to
 * (x, y) first, so the window there gets the keys (no window manager
 * under Xvfb: the focus follows the pointer).
 *
 *   mg-key X Y KEYSYM [MODIFIER-KEYSYM...]     e.g. mg-key 500 300 z Control_L
 */
#include <stdio.h>
#include <stdlib.h>

#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>

int
main (int argc, char **argv)
{
  Display *display;
  int      event, error, major, minor, i;

  if (argc < 4)
    {
      fprintf (stderr, "usage: mg-key X Y KEYSYM [MODIFIER-KEYSYM...]\n");
      return 1;
    }
  display = XOpenDisplay (NULL);
  if (display == NULL ||
      ! XTestQueryExtension (display, &event, &error, &major, &minor))
    {
      fprintf (stderr, "mg-key: no display with the XTest extension\n");
      return 1;
    }
  XTestFakeMotionEvent (display, -1, atoi (argv[1]), atoi (argv[2]), 0);
  XSync (display, False);
  /* Modifiers down, the key down and up, modifiers up (in reverse). */
  for (i = 4; i < argc; i++)
    XTestFakeKeyEvent (display,
                       XKeysymToKeycode (display, XStringToKeysym (argv[i])),
                       True, 0);
  XTestFakeKeyEvent (display,
                     XKeysymToKeycode (display, XStringToKeysym (argv[3])),
                     True, 0);
  XTestFakeKeyEvent (display,
                     XKeysymToKeycode (display, XStringToKeysym (argv[3])),
                     False, 0);
  for (i = argc - 1; i >= 4; i--)
    XTestFakeKeyEvent (display,
                       XKeysymToKeycode (display, XStringToKeysym (argv[i])),
                       False, 0);
  XSync (display, False);
  XCloseDisplay (display);
  return 0;
}
