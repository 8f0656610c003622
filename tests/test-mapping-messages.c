/* test-mapping-messages.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"

/* The words of the mapping's messages say what the docs say: a list's length is counted in
 * items, the date-code message lists every code date() reads. */

static ConduitMapping *
mapping_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  ConduitMapping *mapping;

  g_assert_no_error (error);
  mapping = conduit_mapping_new_from_json (node, &error);
  g_assert_no_error (error);
  return mapping;
}

static char *
first_reason (ConduitMapping *mapping,
              const char     *record)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) input = json_from_string (record, &error);
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GPtrArray) reasons = NULL;

  g_assert_no_error (error);
  g_assert_false (conduit_mapping_apply (mapping, input, &output, &reasons));
  g_assert_cmpuint (reasons->len, >, 0);
  return g_strdup (((ConduitMappingReason *)g_ptr_array_index (reasons, 0))->message);
}

static void
test_list_length_in_items (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"tags\", \"field\": \"tags\", \"min_length\": 2, \"max_length\": 3},"
    "            {\"destination\": \"code\", \"field\": \"code\", \"min_length\": 2}]}");
  g_autofree char *few = first_reason (mapping, "{\"tags\": [\"a\"], \"code\": \"xy\"}");
  g_autofree char *many = first_reason (mapping, "{\"tags\": [1, 2, 3, 4], \"code\": \"xy\"}");
  g_autofree char *short_text = first_reason (mapping, "{\"tags\": [1, 2], \"code\": \"x\"}");

  g_assert_cmpstr (few, ==, "has 1 item, fewer than the 2 required");
  g_assert_cmpstr (many, ==, "has 4 items, more than the 3 allowed");
  g_assert_cmpstr (short_text, ==, "is 1 character long, less than the 2 required");
}

static void
test_date_codes_listed (void)
{
  static const char * const codes[] = { "%Y", "%y", "%m", "%b", "%B", "%h", "%d", "%e", "%a", "%A",
                                        "%H", "%I", "%p", "%M", "%S", "%f", "%z", "%T", "%F",
                                        "%%" };
  g_autoptr(JsonNode) node = json_from_string (
    "{\"rows\": [{\"destination\": \"d\", \"expression\": \"date(x, \\\"%Q\\\")\"}]}", NULL);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitMapping) mapping = conduit_mapping_load_json (node, &problems);
  const char *message;

  g_assert_nonnull (mapping);
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, ==, 1);
  message = ((ConduitMappingProblem *)g_ptr_array_index (problems, 0))->message;
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (strstr (message, codes[i]) == NULL)
      g_error ("the date-code message does not list %s: %s", codes[i], message);

  /* and every code it lists is one date() reads */
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"rows\": [{\"destination\": \"d\", \"expression\": \"date(x, \\\"%s\\\")\"}]}",
        codes[i]);
      g_autoptr(ConduitMapping) ok = mapping_from (json);
      g_autoptr(GPtrArray) none = NULL;

      if (!conduit_mapping_compile (ok, &none))
        g_error ("%s: %s", codes[i], ((ConduitMappingProblem *)g_ptr_array_index (none, 0))->message);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/mapping/messages/list-length-in-items", test_list_length_in_items);
  g_test_add_func ("/conduit/mapping/messages/date-codes-listed", test_date_codes_listed);

  return g_test_run ();
}
