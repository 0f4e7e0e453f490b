/* image-io.c — PNG (libpng simplified API is avoided: it would convert
 * 16-bit to 8-bit) and TIFF (libtiff) reading for the CLI. */
#include "image-io.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

static bool
fail (char *error, size_t size, const char *path, const char *what)
{
  snprintf (error, size, "%s: %s", path, what);
  return false;
}

/* Decoded samples before conversion to planar float. */
typedef struct
{
  int       width, height;
  int       samples;   /* per pixel in `pixels`: 1..4 */
  int       bits;      /* 8 or 16 */
  uint8_t  *pixels;    /* interleaved; 16-bit stored as native uint16_t */
} Decoded;

static uint32_t
sample_at (const Decoded *d, size_t i)
{
  return d->bits == 16 ? ((const uint16_t *) d->pixels)[i] : d->pixels[i];
}

/* Reads a PNG expanded to 1..4 samples of 8 or 16 bits (palette → RGB). */
static bool
png_decode (const char *path, Decoded *d, char *error, size_t esize)
{
  FILE *f = fopen (path, "rb");
  png_structp png = NULL;
  png_infop info = NULL;
  png_bytep *volatile rows = NULL;
  uint8_t sig[8];
  size_t rowbytes;

  memset (d, 0, sizeof *d);
  if (f == NULL)
    return fail (error, esize, path, "cannot open file");
  if (fread (sig, 1, 8, f) != 8 || png_sig_cmp (sig, 0, 8) != 0)
    {
      fclose (f);
      return fail (error, esize, path, "not a PNG file");
    }
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png ? png_create_info_struct (png) : NULL;
  if (info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      fclose (f);
      return fail (error, esize, path, "out of memory");
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_read_struct (&png, &info, NULL);
      free (rows);
      free (d->pixels);
      d->pixels = NULL;
      fclose (f);
      return fail (error, esize, path, "damaged or truncated PNG");
    }
  png_init_io (png, f);
  png_set_sig_bytes (png, 8);
  png_read_info (png, info);
  png_set_expand (png);          /* palette → RGB, grey < 8 bit → 8 bit */
  if (png_get_bit_depth (png, info) == 16)
    png_set_swap (png);          /* PNG is big-endian; we store native */
  png_read_update_info (png, info);
  d->width = (int) png_get_image_width (png, info);
  d->height = (int) png_get_image_height (png, info);
  d->samples = png_get_channels (png, info);
  d->bits = png_get_bit_depth (png, info);
  rowbytes = png_get_rowbytes (png, info);
  if (d->width > 65535 || d->height > 65535 || (d->bits != 8 && d->bits != 16))
    {
      png_destroy_read_struct (&png, &info, NULL);
      fclose (f);
      return fail (error, esize, path, "unsupported PNG size or depth");
    }
  d->pixels = malloc (rowbytes * d->height);
  rows = malloc (sizeof *rows * d->height);
  if (d->pixels == NULL || rows == NULL)
    png_error (png, "out of memory");
  for (int y = 0; y < d->height; y++)
    rows[y] = d->pixels + rowbytes * y;
  png_read_image (png, rows);
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  free (rows);
  fclose (f);
  return true;
}

/* Reads a TIFF: 8/16-bit grey or RGB(A) contiguous strips or tiles through
 * scanlines; anything else through TIFFReadRGBAImage (8-bit RGBA). */
static bool
tiff_decode (const char *path, Decoded *d, char *error, size_t esize)
{
  TIFF *t;
  uint32_t w = 0, h = 0;
  uint16_t spp = 1, bps = 8, planar = PLANARCONFIG_CONTIG, photo = 0;
  bool ok = true;

  memset (d, 0, sizeof *d);
  TIFFSetWarningHandler (NULL);
  TIFFSetErrorHandler (NULL);
  t = TIFFOpen (path, "r");
  if (t == NULL)
    return fail (error, esize, path, "cannot open TIFF file");
  TIFFGetField (t, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField (t, TIFFTAG_IMAGELENGTH, &h);
  TIFFGetFieldDefaulted (t, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted (t, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted (t, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted (t, TIFFTAG_PHOTOMETRIC, &photo);
  if (w == 0 || h == 0 || w > 65535 || h > 65535)
    {
      TIFFClose (t);
      return fail (error, esize, path, "unsupported TIFF size");
    }
  d->width = (int) w;
  d->height = (int) h;
  if ((bps == 8 || bps == 16) && spp >= 1 && spp <= 4
      && planar == PLANARCONFIG_CONTIG && ! TIFFIsTiled (t)
      && (photo == PHOTOMETRIC_MINISBLACK || photo == PHOTOMETRIC_RGB))
    {
      tsize_t line = TIFFScanlineSize (t);

      d->samples = spp;
      d->bits = bps;
      d->pixels = malloc ((size_t) line * h);
      for (uint32_t y = 0; ok && d->pixels != NULL && y < h; y++)
        ok = TIFFReadScanline (t, d->pixels + (size_t) line * y, y, 0) >= 0;
    }
  else
    {
      uint32_t *rgba = malloc ((size_t) w * h * 4);

      d->samples = 4;
      d->bits = 8;
      d->pixels = (uint8_t *) rgba;
      ok = rgba != NULL
           && TIFFReadRGBAImageOriented (t, w, h, rgba, ORIENTATION_TOPLEFT, 0);
      for (size_t i = 0; ok && i < (size_t) w * h; i++)
        {
          uint32_t p = rgba[i];
          uint8_t *q = d->pixels + 4 * i;
          q[0] = TIFFGetR (p);
          q[1] = TIFFGetG (p);
          q[2] = TIFFGetB (p);
          q[3] = TIFFGetA (p);
        }
    }
  TIFFClose (t);
  if (d->pixels == NULL || ! ok)
    {
      free (d->pixels);
      d->pixels = NULL;
      return fail (error, esize, path, "damaged or unsupported TIFF");
    }
  return true;
}

static bool
is_tiff (const char *path)
{
  uint8_t b[4] = { 0 };
  FILE *f = fopen (path, "rb");

  if (f == NULL)
    return false;
  if (fread (b, 1, 4, f) != 4)
    b[0] = 0;
  fclose (f);
  return (b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0)
         || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42);
}

static bool
decode (const char *path, Decoded *d, char *error, size_t esize)
{
  return is_tiff (path) ? tiff_decode (path, d, error, esize)
                        : png_decode (path, d, error, esize);
}

bool
cli_image_load (const char *path, CliImage *im, char *error, size_t esize)
{
  Decoded d;
  size_t n;
  float scale;

  memset (im, 0, sizeof *im);
  if (! decode (path, &d, error, esize))
    return false;
  /* 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA: alpha carries no image content */
  im->channels = d.samples <= 2 ? 1 : 3;
  im->width = d.width;
  im->height = d.height;
  n = (size_t) d.width * d.height;
  im->data = malloc (n * im->channels * sizeof (float));
  if (im->data == NULL)
    {
      free (d.pixels);
      return fail (error, esize, path, "out of memory");
    }
  scale = d.bits == 16 ? 1.0f / 65535.0f : 1.0f / 255.0f;
  for (int c = 0; c < im->channels; c++)
    for (size_t i = 0; i < n; i++)
      im->data[c * n + i] = (float) sample_at (&d, i * d.samples + c) * scale;
  free (d.pixels);
  return true;
}

void
cli_image_free (CliImage *im)
{
  free (im->data);
  im->data = NULL;
}

bool
cli_labels_load (const char *path, uint8_t **data, int *width, int *height,
                 char *error, size_t esize)
{
  Decoded d;

  *data = NULL;
  if (! decode (path, &d, error, esize))
    return false;
  if (d.samples != 1 || d.bits != 8)
    {
      free (d.pixels);
      return fail (error, esize, path,
                   "labels must be an 8-bit single-channel image (0 unknown, "
                   "1 background, c+1 class c)");
    }
  *data = d.pixels;
  *width = d.width;
  *height = d.height;
  return true;
}

bool
cli_instances_load (const char *path, uint16_t **data, int *width,
                    int *height, char *error, size_t esize)
{
  Decoded d;
  size_t n;

  *data = NULL;
  if (! decode (path, &d, error, esize))
    return false;
  if (d.samples != 1)
    {
      free (d.pixels);
      return fail (error, esize, path,
                   "instances must be a single-channel image (0 background, "
                   "n object n)");
    }
  n = (size_t) d.width * d.height;
  *data = malloc (n * sizeof (uint16_t));
  if (*data == NULL)
    {
      free (d.pixels);
      return fail (error, esize, path, "out of memory");
    }
  for (size_t i = 0; i < n; i++)
    (*data)[i] = (uint16_t) sample_at (&d, i);
  free (d.pixels);
  *width = d.width;
  *height = d.height;
  return true;
}

bool
cli_png_save_grey (const char *path, const void *data, int width, int height,
                   int bits, char *error, size_t esize)
{
  FILE *f = fopen (path, "wb");
  png_structp png;
  png_infop info;

  if (f == NULL)
    return fail (error, esize, path, "cannot write file");
  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png ? png_create_info_struct (png) : NULL;
  if (info == NULL || setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      fclose (f);
      return fail (error, esize, path, "cannot write PNG");
    }
  png_init_io (png, f);
  png_set_IHDR (png, info, (png_uint_32) width, (png_uint_32) height, bits,
                PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  if (bits == 16)
    png_set_swap (png);
  for (int y = 0; y < height; y++)
    png_write_row (png, (png_const_bytep) data
                          + (size_t) y * width * (bits / 8));
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  if (fclose (f) != 0)
    return fail (error, esize, path, "cannot write file");
  return true;
}
