/* test-xml-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"

/* XML records through the record reader (tests/fixtures/xml/): a record path, attributes and
 * child text as fields, namespaces, repeated children, and hostile documents. */

static char *
read_xml (const char  *name,
          const char  *path,
          GPtrArray   *problems,
          GError     **error)
{
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "fixtures", "xml", name, NULL);
  g_autoptr(GPtrArray) records = conduit_records_read_path (file, CONDUIT_RECORD_FORMAT_AUTO, 0,
                                                            path, 0, problems, error);
  GString *out = g_string_new (NULL);

  if (records == NULL)
    return g_string_free (out, TRUE);
  for (guint i = 0; i < records->len; i++)
    {
      g_autofree char *text = json_to_string (records->pdata[i], FALSE);

      g_string_append_printf (out, "%s\n", text);
    }
  return g_string_free (out, FALSE);
}

#define ORDER_1 \
  "{\"id\":\"1\",\"status\":\"paid\",\"c:customer\":{\"c:vip\":\"yes\",\"#text\":\"Ada Lovelace\"}," \
  "\"total\":{\"currency\":\"EUR\",\"#text\":\"12.50\"},\"line\":[{\"sku\":\"A1\",\"#text\":\"2\"}," \
  "{\"sku\":\"B2\",\"#text\":\"1\"}],\"note\":\"fragile & <urgent>\"}\n"
#define ORDER_2 \
  "{\"id\":\"2\",\"status\":\"open\",\"c:customer\":\"Zoë\",\"total\":{\"currency\":\"EUR\"," \
  "\"#text\":\"7\"},\"line\":{\"sku\":\"A1\",\"#text\":\"5\"},\"note\":\"\"}\n"

static void
test_paths (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *absolute = read_xml ("orders.xml", "/orders/order", NULL, &error);
  g_autofree char *anywhere = read_xml ("orders.xml", "order", NULL, &error);
  g_autofree char *prefixed = read_xml ("orders.xml", "/orders/order/c:customer", NULL, &error);
  g_autofree char *local = read_xml ("orders.xml", "/orders/order/customer", NULL, &error);
  g_autofree char *children = read_xml ("orders.xml", NULL, NULL, &error);
  g_autofree char *none = read_xml ("orders.xml", "/order", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (absolute, ==, ORDER_1 ORDER_2);
  g_assert_cmpstr (anywhere, ==, ORDER_1 ORDER_2);
  /* a segment matches an element's local name or its prefix:name; a record is always an
   * object, its text under "#text" */
  g_assert_cmpstr (prefixed, ==, local);
  g_assert_cmpstr (local, ==, "{\"c:vip\":\"yes\",\"#text\":\"Ada Lovelace\"}\n{\"#text\":\"Zoë\"}\n");
  g_assert_cmpstr (children, ==, ORDER_1 ORDER_2 "{\"count\":\"2\"}\n");
  g_assert_cmpstr (none, ==, "");
}

static void
test_hostile (void)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *xxe = read_xml ("xxe.xml", "/orders/order", problems, &error);
  g_autofree char *laughs = NULL;
  const char *message;

  /* the external entity is not read; the record using it is refused, the next one is read */
  g_assert_no_error (error);
  g_assert_cmpstr (xxe, ==, "{\"id\":\"2\",\"note\":\"plain\"}\n");
  g_assert_cmpuint (problems->len, ==, 1);
  message = json_object_get_string_member (json_node_get_object (problems->pdata[0]), "message");
  g_assert_nonnull (strstr (message, "&secret;"));
  g_assert_null (strstr (xxe, "root:"));

  /* refused at once, not expanded to gigabytes */
  laughs = read_xml ("billion-laughs.xml", NULL, NULL, &error);
  g_assert_null (laughs);
  g_assert_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "entity"));
  g_assert_nonnull (strstr (error->message, "billion-laughs.xml"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/xml-reader/paths", test_paths);
  g_test_add_func ("/conduit/xml-reader/hostile", test_hostile);

  return g_test_run ();
}
