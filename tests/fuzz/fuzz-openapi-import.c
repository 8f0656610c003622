/* fuzz-openapi-import.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* Feeds any bytes to the OpenAPI importer, the way a description someone downloaded reaches
 * it: JSON, YAML (aliases, anchors, tags), Swagger 2.0. Besides "no crash, no leak, no
 * critical, no hang": a refusal starts with the line it names ("LINE: /pointer: …") and is
 * UTF-8; an import that succeeds must be a descriptor the app descriptor loader accepts as it
 * is (the importer never writes one the registry would leave out), and merging it with itself
 * keeps every operation. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ConduitOpenapiImport) import = NULL;
  g_autoptr(ConduitAppDescriptor) app = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n;

  import = conduit_openapi_import_new ((const char *)data, size, NULL, NULL, &error);
  if (import == NULL)
    {
      g_assert_nonnull (error);
      if (!g_ascii_isdigit (error->message[0]) || error->message[0] == '0')
        g_error ("a refusal does not start with its line: %s", error->message);
      if (!g_utf8_validate (error->message, -1, NULL))
        g_error ("a refusal is not UTF-8");
      return 0;
    }

  text = conduit_openapi_import_to_text (import);
  app = conduit_app_descriptor_new_from_data (text, -1, &problems, &error);
  if (app == NULL)
    g_error ("an import the loader refuses: %s\n%s", error->message, text);

  n = conduit_openapi_import_get_n_operations (import);
  if (!conduit_openapi_import_merge (import, text, NULL, &error))
    g_error ("merging an import with itself fails: %s", error->message);
  g_assert_cmpuint (conduit_openapi_import_get_n_operations (import), ==, n);
  return 0;
}
