/* test-xml-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
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

/* What the Write File step writes as XML (xmlTextWriter) reads back, appending keeps what was
 * there, and a field that cannot be an element name refuses its record alone. */
static void
test_write_read_back (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-xml-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.xml", NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(ConduitRecordWriter) writer = conduit_record_writer_new (memory, CONDUIT_RECORD_FORMAT_XML);
  g_autoptr(JsonNode) bad = json_from_string ("{\"1 bad\": 1}", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  g_ptr_array_add (records, json_from_string (
    "{\"id\": \"1\", \"customer\": \"Ada & co <x>\", \"amount\": 12.5, "
    "\"line\": [{\"sku\": \"A1\", \"#text\": \"2\"}, {\"sku\": \"B2\", \"#text\": \"1\"}]}", NULL));
  g_ptr_array_add (records, json_from_string ("{\"id\": \"2\", \"note\": null}", NULL));

  g_assert_true (conduit_records_write_path (path, records, CONDUIT_RECORD_FORMAT_AUTO,
                                             "/orders/order", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (conduit_records_write_path (path, records, CONDUIT_RECORD_FORMAT_AUTO,
                                             "/orders/order", TRUE, &error));
  g_assert_no_error (error);

  back = conduit_records_read_path (path, CONDUIT_RECORD_FORMAT_AUTO, 0, "/orders/order", 0,
                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 4);
  first = json_to_string (back->pdata[0], FALSE);
  last = json_to_string (back->pdata[3], FALSE);
  g_assert_cmpstr (first, ==, "{\"id\":\"1\",\"customer\":\"Ada & co <x>\",\"amount\":\"12.5\","
                              "\"line\":[{\"sku\":\"A1\",\"#text\":\"2\"},{\"sku\":\"B2\",\"#text\":\"1\"}]}");
  g_assert_cmpstr (last, ==, "{\"id\":\"2\",\"note\":\"\"}");

  g_assert_false (conduit_record_writer_write (writer, bad, &error));
  g_assert_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_RECORD);
  g_assert_nonnull (strstr (error->message, "“1 bad”"));
  g_clear_error (&error);
  g_assert_true (conduit_record_writer_write (writer, records->pdata[1], &error));
  g_assert_true (conduit_record_writer_finish (writer, &error));
  g_assert_true (g_output_stream_write_all (memory, "", 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (memory, NULL, &error));
  g_assert_cmpstr (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)), ==,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<records>\n  <record>\n    <id>2</id>\n    <note/>\n  </record>\n</records>\n");

  g_remove (path);
  g_rmdir (dir);
}

/* Records written as a template element: attributes and texts from the record, escaped. */
static void
test_write_template (void)
{
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(ConduitRecordWriter) writer = conduit_record_writer_new (memory, CONDUIT_RECORD_FORMAT_XML);
  g_autoptr(ConduitRecordWriter) broken = conduit_record_writer_new (memory, CONDUIT_RECORD_FORMAT_XML);
  g_autoptr(JsonNode) record = json_from_string ("{\"id\": 7, \"name\": \"Ada & <co>\", \"total\": 12.5}", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autofree char *json = NULL;

  g_assert_false (conduit_record_writer_set_xml_template (broken, "<order>", &error));
  g_assert_nonnull (strstr (error->message, "well-formed"));
  g_clear_error (&error);

  conduit_record_writer_set_xml_path (writer, "/orders/order");
  g_assert_true (conduit_record_writer_set_xml_template (writer,
    "<order id=\"{{ id }}\" xmlns:c=\"urn:c\"><c:name>{{ name }}</c:name><total cur=\"EUR\">{{ total }}</total></order>",
    &error));
  g_assert_no_error (error);
  g_assert_true (conduit_record_writer_write (writer, record, &error));
  g_assert_true (conduit_record_writer_write (writer, record, &error));
  g_assert_true (conduit_record_writer_finish (writer, &error));
  g_assert_true (g_output_stream_close (memory, NULL, &error));
  g_assert_no_error (error);

  input = g_memory_input_stream_new_from_data (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)),
                                               g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory)),
                                               NULL);
  back = conduit_records_read (input, CONDUIT_RECORD_FORMAT_XML, 0, "/orders/order", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  json = json_to_string (back->pdata[1], FALSE);
  /* the namespace declaration is written, and (as always) not read as a field */
  g_assert_cmpstr (json, ==, "{\"id\":\"7\",\"c:name\":\"Ada & <co>\","
                             "\"total\":{\"cur\":\"EUR\",\"#text\":\"12.5\"}}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/xml-reader/paths", test_paths);
  g_test_add_func ("/conduit/xml-reader/hostile", test_hostile);
  g_test_add_func ("/conduit/xml-reader/write-read-back", test_write_read_back);
  g_test_add_func ("/conduit/xml-reader/write-template", test_write_template);

  return g_test_run ();
}
