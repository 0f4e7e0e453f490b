/* image-io.h — reading images and label maps for the CLI (libpng, libtiff).
 * Errors are written into a caller buffer as one line naming the file. */
#ifndef MG_IMAGE_IO_H
#define MG_IMAGE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct
{
  int    width, height;
  int    channels;   /* 1 grey, 3 RGB (alpha is dropped) */
  float *data;       /* planar [C, H, W], scaled to 0..1 */
} CliImage;

/* PNG or TIFF, 8 or 16 bit, grey / grey+alpha / RGB / RGBA / palette. */
bool cli_image_load (const char *path, CliImage *image, char *error,
                     size_t error_size);
void cli_image_free (CliImage *image);

/* An 8-bit single-channel PNG (hints, labels): *data is width * height. */
bool cli_labels_load (const char *path, uint8_t **data, int *width,
                      int *height, char *error, size_t error_size);
/* An 8- or 16-bit single-channel image of instance ids (0 background). */
bool cli_instances_load (const char *path, uint16_t **data, int *width,
                         int *height, char *error, size_t error_size);
/* Writes width * height values as an 8-bit (bits 8) or 16-bit (bits 16)
 * grey PNG; data is uint8_t or uint16_t accordingly. */
bool cli_png_save_grey (const char *path, const void *data, int width,
                        int height, int bits, char *error, size_t error_size);

#endif /* MG_IMAGE_IO_H */
