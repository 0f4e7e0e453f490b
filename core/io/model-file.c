/* model-file.c — the .mgm model format, version 2.
 *
 * All integers little-endian, floats IEEE-754 binary32 little-endian:
 *   "MGMODEL\x1a"            8 bytes magic
 *   u32 version              MG_MODEL_VERSION
 *   char arch[16]            "MG-UNet-S", NUL-padded
 *   u32 in_channels          1..4
 *   u32 out_channels         classes incl. background, 2..17
 *   u32 width[4]             16 32 64 128 for MG-UNet-S
 *   char recipe[16]          training recipe, NUL-padded
 *   u64 seed, u32 iterations provenance
 *   u32 scale                working scale 1..8 (infer/resample.h)
 *   f32 seg_weight           output mix of the seg and approx heads, 0..1
 *   u32 n_tensors            then per tensor:
 *     char name[16]          "<layer>.w" / "<layer>.b", NUL-padded
 *     u32 count, f32 data[count]
 *   u32 crc32                IEEE CRC-32 of every byte before it
 * The loader checks every field against the architecture table, so a
 * truncated, damaged or hostile file is rejected with a message and never
 * read out of bounds. */
#include "maskgrow-core.h"

#include "error.h"
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MG_MODEL_VERSION 2
#define MG_MODEL_ARCH    "MG-UNet-S"
#define MG_MODEL_RECIPE  "supervised"
#define MG_NAME_BYTES    16
#define MG_MODEL_MAX     ((size_t) 1 << 30) /* refuse files over 1 GiB */

static const char magic[8] = { 'M', 'G', 'M', 'O', 'D', 'E', 'L', 0x1a };

static uint32_t
crc32_ieee (const uint8_t *p, size_t n)
{
  static uint32_t table[256];
  uint32_t crc = 0xffffffffu;

  /* filled on first use; the same values on every call, so a race between
   * two threads filling it at once writes identical numbers */
  if (table[1] == 0)
    for (uint32_t i = 0; i < 256; i++)
      {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
          c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
      }
  for (size_t i = 0; i < n; i++)
    crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

/* ---- writing ---------------------------------------------------------- */

typedef struct
{
  uint8_t *p;
  size_t   used;
} Writer;

static void
put_bytes (Writer *w, const void *src, size_t n)
{
  memcpy (w->p + w->used, src, n);
  w->used += n;
}

static void
put_u32 (Writer *w, uint32_t v)
{
  uint8_t b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  put_bytes (w, b, 4);
}

static void
put_u64 (Writer *w, uint64_t v)
{
  put_u32 (w, (uint32_t) v);
  put_u32 (w, (uint32_t) (v >> 32));
}

static void
put_f32 (Writer *w, float f)
{
  uint32_t v;
  memcpy (&v, &f, 4);
  put_u32 (w, v);
}

static void
put_name (Writer *w, const char *name)
{
  char buf[MG_NAME_BYTES] = { 0 };
  size_t n = strlen (name);

  memcpy (buf, name, n < MG_NAME_BYTES - 1 ? n : MG_NAME_BYTES - 1);
  put_bytes (w, buf, MG_NAME_BYTES);
}

/* The tensors of a config in file order: name, element count, data. */
typedef struct
{
  char   name[MG_NAME_BYTES];
  size_t count;
  float *data;
} TensorRef;

static int
list_tensors (const MgModel *m, TensorRef *out)
{
  MgUNetParams p;
  int n = 0;

  mg_unet_params_bind (&p, &m->config, m->params);
  for (int i = 0; i < MG_UNET_LAYERS; i++)
    {
      MgLayerInfo info;

      mg_unet_layer_info (&m->config, i, &info);
      snprintf (out[n].name, MG_NAME_BYTES, "%s.w", info.name);
      out[n].data = p.layer[i].w;
      out[n].count = (size_t) (p.layer[i].b - p.layer[i].w);
      n++;
      snprintf (out[n].name, MG_NAME_BYTES, "%s.b", info.name);
      out[n].data = p.layer[i].b;
      out[n].count = (size_t) info.cout;
      n++;
    }
  return n;
}

static size_t
header_bytes (void)
{
  return 8 + 4 + 16 + 4 + 4 + 16 + 16 + 8 + 4 + 4 + 4 + 4;
}

MgStatus
mg_model_to_bytes (const MgModel *m,
                   uint8_t      **bytes,
                   size_t        *size,
                   MgError       *err)
{
  TensorRef t[2 * MG_UNET_LAYERS];
  int nt;
  size_t total = header_bytes () + 4;
  Writer w;

  if (m == NULL || bytes == NULL || size == NULL)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT, "no model to save");
  nt = list_tensors (m, t);
  for (int i = 0; i < nt; i++)
    total += MG_NAME_BYTES + 4 + 4 * t[i].count;
  w.p = malloc (total);
  w.used = 0;
  if (w.p == NULL)
    return mg_error_set (err, MG_STATUS_NO_MEMORY, "out of memory");
  put_bytes (&w, magic, 8);
  put_u32 (&w, MG_MODEL_VERSION);
  put_name (&w, MG_MODEL_ARCH);
  put_u32 (&w, (uint32_t) m->config.in_channels);
  put_u32 (&w, (uint32_t) m->config.out_channels);
  for (int l = 0; l < MG_UNET_LEVELS; l++)
    put_u32 (&w, (uint32_t) m->config.width[l]);
  put_name (&w, MG_MODEL_RECIPE);
  put_u64 (&w, m->seed);
  put_u32 (&w, m->iterations);
  put_u32 (&w, (uint32_t) m->scale);
  put_f32 (&w, m->seg_weight);
  put_u32 (&w, (uint32_t) nt);
  for (int i = 0; i < nt; i++)
    {
      put_name (&w, t[i].name);
      put_u32 (&w, (uint32_t) t[i].count);
      for (size_t k = 0; k < t[i].count; k++)
        put_f32 (&w, t[i].data[k]);
    }
  put_u32 (&w, crc32_ieee (w.p, w.used));
  *bytes = w.p;
  *size = w.used;
  return MG_STATUS_OK;
}

MgStatus
mg_model_save (const MgModel *model, const char *path, MgError *err)
{
  uint8_t *bytes;
  size_t size;
  char tmp[4096];
  FILE *f;
  MgStatus st = mg_model_to_bytes (model, &bytes, &size, err);
  bool ok;

  if (st != MG_STATUS_OK)
    return st;
  /* write beside the target and rename, so a failed save never leaves a
   * half-written model under the real name */
  if (snprintf (tmp, sizeof tmp, "%s.part", path) >= (int) sizeof tmp)
    {
      free (bytes);
      return mg_error_set (err, MG_STATUS_IO, "model path too long");
    }
  f = fopen (tmp, "wb");
  if (f == NULL)
    {
      free (bytes);
      return mg_error_set (err, MG_STATUS_IO, "cannot write %s: %s", path,
                           strerror (errno));
    }
  ok = fwrite (bytes, 1, size, f) == size;
  ok = (fclose (f) == 0) && ok;
  free (bytes);
  if (! ok || rename (tmp, path) != 0)
    {
      int e = errno;
      remove (tmp);
      return mg_error_set (err, MG_STATUS_IO, "cannot write %s: %s", path,
                           strerror (e));
    }
  return MG_STATUS_OK;
}

/* ---- reading ---------------------------------------------------------- */

typedef struct
{
  const uint8_t *p;
  size_t         size, pos;
} Reader;

static bool
get_bytes (Reader *r, void *dst, size_t n)
{
  if (r->size - r->pos < n)
    return false;
  memcpy (dst, r->p + r->pos, n);
  r->pos += n;
  return true;
}

static bool
get_u32 (Reader *r, uint32_t *v)
{
  uint8_t b[4];

  if (! get_bytes (r, b, 4))
    return false;
  *v = b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16
       | (uint32_t) b[3] << 24;
  return true;
}

static bool
get_f32 (Reader *r, float *f)
{
  uint32_t v;

  if (! get_u32 (r, &v))
    return false;
  memcpy (f, &v, 4);
  return true;
}

static bool
get_name (Reader *r, char *name)
{
  if (! get_bytes (r, name, MG_NAME_BYTES))
    return false;
  name[MG_NAME_BYTES - 1] = '\0';
  return true;
}

#define TRUNCATED(r) \
  mg_error_set (err, MG_STATUS_CORRUPT_MODEL, \
                "the model file is truncated (%zu bytes)", (r)->size)

/* Reads the header up to the tensor count into a new model. */
static MgStatus
read_header (Reader *r, MgModel **out, uint32_t *n_tensors, MgError *err)
{
  char arch[MG_NAME_BYTES], recipe[MG_NAME_BYTES];
  uint32_t version, v[6], lo, hi, iterations, scale;
  MgUNetConfig config;
  float seg_weight;
  MgModel *m;

  if (! get_u32 (r, &version))
    return TRUNCATED (r);
  if (version != MG_MODEL_VERSION)
    return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                         "model format version %u is not supported (this "
                         "maskgrow reads version %d)", version,
                         MG_MODEL_VERSION);
  if (! get_name (r, arch))
    return TRUNCATED (r);
  if (strcmp (arch, MG_MODEL_ARCH) != 0)
    return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                         "unknown network architecture in model file");
  for (int i = 0; i < 6; i++)
    if (! get_u32 (r, &v[i]))
      return TRUNCATED (r);
  if (! get_name (r, recipe) || ! get_u32 (r, &lo) || ! get_u32 (r, &hi)
      || ! get_u32 (r, &iterations) || ! get_u32 (r, &scale)
      || ! get_f32 (r, &seg_weight) || ! get_u32 (r, n_tensors))
    return TRUNCATED (r);
  if (scale < 1 || scale > 8)
    return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                         "the model's working scale %u is not 1..8", scale);
  if (! (seg_weight >= 0 && seg_weight <= 1))
    return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                         "the model's head mix is damaged");
  /* range checks before the values become ints */
  for (int i = 0; i < 6; i++)
    if (v[i] > 4096)
      return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                           "the model header is damaged");
  config.in_channels = (int) v[0];
  config.out_channels = (int) v[1];
  for (int l = 0; l < MG_UNET_LEVELS; l++)
    config.width[l] = (int) v[2 + l];
  m = mg_model_new (&config);
  if (m == NULL)
    return mg_error_set (err, mg_unet_config_valid (&config)
                                ? MG_STATUS_NO_MEMORY
                                : MG_STATUS_CORRUPT_MODEL,
                         mg_unet_config_valid (&config)
                           ? "out of memory loading the model"
                           : "the model header is damaged");
  m->seed = (uint64_t) hi << 32 | lo;
  m->iterations = iterations;
  m->scale = (int) scale;
  m->seg_weight = seg_weight;
  *out = m;
  return MG_STATUS_OK;
}

static MgStatus
read_tensors (Reader *r, MgModel *m, uint32_t n_tensors, MgError *err)
{
  TensorRef t[2 * MG_UNET_LAYERS];
  int nt = list_tensors (m, t);

  if (n_tensors != (uint32_t) nt)
    return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                         "the model has %u tensors, expected %d", n_tensors,
                         nt);
  for (int i = 0; i < nt; i++)
    {
      char name[MG_NAME_BYTES];
      uint32_t count;

      if (! get_name (r, name) || ! get_u32 (r, &count))
        return TRUNCATED (r);
      if (strcmp (name, t[i].name) != 0 || count != t[i].count)
        return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                             "tensor %d of the model is '%s' [%u], expected "
                             "'%s' [%zu]", i + 1, name, count, t[i].name,
                             t[i].count);
      if (r->size - r->pos < 4 * (size_t) count)
        return TRUNCATED (r);
      for (uint32_t k = 0; k < count; k++)
        {
          get_f32 (r, &t[i].data[k]);
          if (! isfinite (t[i].data[k]))
            return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                                 "tensor '%s' of the model holds a value "
                                 "that is not a finite number", name);
        }
    }
  return MG_STATUS_OK;
}

MgStatus
mg_model_from_bytes (const uint8_t *bytes,
                     size_t         size,
                     MgModel      **model,
                     MgError       *err)
{
  Reader r = { bytes, size, 0 };
  char head[8];
  uint32_t n_tensors = 0, stored_crc;
  MgModel *m = NULL;
  MgStatus st;

  if (model == NULL)
    return mg_error_set (err, MG_STATUS_INVALID_ARGUMENT, "no model output");
  *model = NULL;
  if (bytes == NULL || ! get_bytes (&r, head, 8) || memcmp (head, magic, 8))
    return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                         "not a maskgrow model file (bad magic)");
  st = read_header (&r, &m, &n_tensors, err);
  if (st == MG_STATUS_OK)
    st = read_tensors (&r, m, n_tensors, err);
  if (st == MG_STATUS_OK)
    {
      size_t body = r.pos;

      if (! get_u32 (&r, &stored_crc))
        st = TRUNCATED (&r);
      else if (r.pos != size)
        st = mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                           "the model file has %zu unexpected bytes at its "
                           "end", size - r.pos);
      else if (stored_crc != crc32_ieee (bytes, body))
        st = mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                           "the model file is damaged (checksum mismatch)");
    }
  if (st != MG_STATUS_OK)
    {
      mg_model_free (m);
      return st;
    }
  *model = m;
  return MG_STATUS_OK;
}

MgStatus
mg_model_load (const char *path, MgModel **model, MgError *err)
{
  FILE *f;
  uint8_t *bytes;
  long size;
  MgStatus st;

  if (model != NULL)
    *model = NULL;
  f = fopen (path, "rb");
  if (f == NULL)
    return mg_error_set (err, MG_STATUS_IO, "cannot open model %s: %s", path,
                         strerror (errno));
  if (fseek (f, 0, SEEK_END) != 0 || (size = ftell (f)) < 0
      || fseek (f, 0, SEEK_SET) != 0)
    {
      fclose (f);
      return mg_error_set (err, MG_STATUS_IO, "cannot read model %s", path);
    }
  if ((size_t) size > MG_MODEL_MAX)
    {
      fclose (f);
      return mg_error_set (err, MG_STATUS_CORRUPT_MODEL,
                           "%s is too large to be a maskgrow model", path);
    }
  bytes = malloc (size > 0 ? (size_t) size : 1);
  if (bytes == NULL)
    {
      fclose (f);
      return mg_error_set (err, MG_STATUS_NO_MEMORY, "out of memory");
    }
  if (fread (bytes, 1, (size_t) size, f) != (size_t) size)
    {
      free (bytes);
      fclose (f);
      return mg_error_set (err, MG_STATUS_IO, "cannot read model %s", path);
    }
  fclose (f);
  st = mg_model_from_bytes (bytes, (size_t) size, model, err);
  free (bytes);
  if (st != MG_STATUS_OK && err != NULL)
    {
      /* name the file in the message */
      char detail[sizeof err->message];
      memcpy (detail, err->message, sizeof detail);
      mg_error_set (err, st, "%s: %s", path, detail);
    }
  return st;
}
