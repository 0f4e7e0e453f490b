/* test-model-file.c — .mgm save/load round trip and rejection of truncated,
 * damaged and foreign files. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "maskgrow-core.h"
#include "model.h"

/* A model of MG-UNet-S's shape; small widths keep the exhaustive
 * truncation and damage loops fast (the format stores the widths). */
static MgModel *
random_model (int in_channels, int out_channels, bool small)
{
  MgUNetConfig config;
  MgModel *m;

  mg_unet_config_default (&config, in_channels, out_channels);
  if (small)
    for (int l = 0; l < MG_UNET_LEVELS; l++)
      config.width[l] = 2 + l;
  m = mg_model_new (&config);
  g_assert_nonnull (m);
  for (size_t i = 0; i < m->n_params; i++)
    m->params[i] = (float) g_test_rand_double_range (-1, 1);
  m->seg_weight = (float) g_test_rand_double ();
  m->seed = 0x123456789abcULL;
  m->iterations = 77;
  m->scale = 3;
  return m;
}

static void
assert_models_equal (const MgModel *a, const MgModel *b)
{
  g_assert_cmpint (memcmp (&a->config, &b->config, sizeof a->config), ==, 0);
  g_assert_cmpuint (a->n_params, ==, b->n_params);
  g_assert_cmpint (memcmp (a->params, b->params, a->n_params * 4), ==, 0);
  g_assert_cmpfloat (a->seg_weight, ==, b->seg_weight);
  g_assert_cmpuint (a->seed, ==, b->seed);
  g_assert_cmpuint (a->iterations, ==, b->iterations);
  g_assert_cmpint (a->scale, ==, b->scale);
}

static void
test_round_trip_bytes (void)
{
  MgModel *m = random_model (3, 4, false), *back = NULL;
  uint8_t *bytes;
  size_t size;
  MgError err = { 0 };

  g_assert_cmpint (mg_model_to_bytes (m, &bytes, &size, &err), ==,
                   MG_STATUS_OK);
  g_assert_cmpint (mg_model_from_bytes (bytes, size, &back, &err), ==,
                   MG_STATUS_OK);
  assert_models_equal (m, back);
  g_assert_cmpint (mg_model_classes (back), ==, 3);
  g_assert_cmpint (mg_model_channels (back), ==, 3);
  free (bytes);
  mg_model_free (m);
  mg_model_free (back);
}

static void
test_round_trip_file (void)
{
  MgModel *m = random_model (1, 2, false), *back = NULL;
  MgError err = { 0 };
  gchar *dir = g_dir_make_tmp ("mgtest-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "m.mgm", NULL);

  g_assert_cmpint (mg_model_save (m, path, &err), ==, MG_STATUS_OK);
  g_assert_cmpint (mg_model_load (path, &back, &err), ==, MG_STATUS_OK);
  assert_models_equal (m, back);
  g_remove (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  mg_model_free (m);
  mg_model_free (back);
}

/* Every proper prefix of a valid file is rejected as corrupt. */
static void
test_truncated (void)
{
  MgModel *m = random_model (1, 2, true);
  uint8_t *bytes;
  size_t size;
  MgError err = { 0 };

  g_assert_cmpint (mg_model_to_bytes (m, &bytes, &size, &err), ==,
                   MG_STATUS_OK);
  for (size_t cut = 0; cut < size; cut++)
    {
      MgModel *back = (MgModel *) 1;
      MgStatus st = mg_model_from_bytes (bytes, cut, &back, &err);

      g_assert_cmpint (st, ==, MG_STATUS_CORRUPT_MODEL);
      g_assert_null (back);
      g_assert_cmpuint (strlen (err.message), >, 10);
    }
  free (bytes);
  mg_model_free (m);
}

/* A flipped byte anywhere (header, tensor names, data, checksum) is caught. */
static void
test_damaged (void)
{
  MgModel *m = random_model (1, 3, true);
  uint8_t *bytes;
  size_t size;
  MgError err = { 0 };

  g_assert_cmpint (mg_model_to_bytes (m, &bytes, &size, &err), ==,
                   MG_STATUS_OK);
  for (size_t at = 0; at < size; at++)
    {
      MgModel *back = NULL;

      bytes[at] ^= 0x5a;
      g_assert_cmpint (mg_model_from_bytes (bytes, size, &back, &err), ==,
                       MG_STATUS_CORRUPT_MODEL);
      g_assert_null (back);
      bytes[at] ^= 0x5a;
    }
  /* one trailing byte too many */
  {
    uint8_t *longer = malloc (size + 1);
    MgModel *back = NULL;

    memcpy (longer, bytes, size);
    longer[size] = 0;
    g_assert_cmpint (mg_model_from_bytes (longer, size + 1, &back, &err), ==,
                     MG_STATUS_CORRUPT_MODEL);
    free (longer);
  }
  free (bytes);
  mg_model_free (m);
}

static void
test_missing_and_foreign (void)
{
  MgModel *back = NULL;
  MgError err = { 0 };
  gchar *dir = g_dir_make_tmp ("mgtest-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "foreign.mgm", NULL);

  g_assert_cmpint (mg_model_load ("/nonexistent/m.mgm", &back, &err), ==,
                   MG_STATUS_IO);
  g_assert_nonnull (strstr (err.message, "/nonexistent/m.mgm"));
  g_assert_true (g_file_set_contents (path, "\x89PNG\r\n\x1a\n....", 12,
                                      NULL));
  g_assert_cmpint (mg_model_load (path, &back, &err), ==,
                   MG_STATUS_CORRUPT_MODEL);
  g_assert_nonnull (strstr (err.message, "not a maskgrow model"));
  g_assert_null (back);
  g_remove (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/model-file/round-trip-bytes", test_round_trip_bytes);
  g_test_add_func ("/core/model-file/round-trip-file", test_round_trip_file);
  g_test_add_func ("/core/model-file/truncated", test_truncated);
  g_test_add_func ("/core/model-file/damaged", test_damaged);
  g_test_add_func ("/core/model-file/missing-and-foreign",
                   test_missing_and_foreign);
  return g_test_run ();
}
