/* test-pins-document.c — pinned data in the open document (issue #20)
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit-document.h"
#include "conduit-flow-clipboard.h"
#include "test-util.h"

/* Pinning is an edit like any other: one undo step with its label, which marks the document
 * unsaved and is undone and redone whole; a copied step keeps its pinned data. */

static void
test_undo (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  g_autoptr(JsonNode) first = json_from_string ("{\"out\": [{\"id\": 1}]}", NULL);
  g_autoptr(JsonNode) second = json_from_string ("{\"out\": [{\"id\": 2}], \"error\": []}", NULL);
  ConduitNode *crm = conduit_flow_lookup_node (flow, "crm");

  conduit_undo_stack_set_save_point (undo, conduit_undo_stack_checkpoint (undo));
  g_assert_true (conduit_undo_stack_get_at_save_point (undo));

  conduit_undo_stack_set_pinned (undo, crm, first);
  g_assert_true (json_node_equal (conduit_node_get_pinned (crm), first));
  g_assert_false (conduit_undo_stack_get_at_save_point (undo));
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Pin the output of “Create CRM contact”");

  /* the same data again is no edit */
  conduit_undo_stack_set_pinned (undo, crm, first);
  conduit_undo_stack_set_pinned (undo, crm, second);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Edit pinned data of “Create CRM contact”");
  conduit_undo_stack_set_pinned (undo, crm, NULL);
  g_assert_null (conduit_node_get_pinned (crm));
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Unpin “Create CRM contact”");

  conduit_undo_stack_undo (undo);
  g_assert_true (json_node_equal (conduit_node_get_pinned (crm), second));
  conduit_undo_stack_undo (undo);
  g_assert_true (json_node_equal (conduit_node_get_pinned (crm), first));
  conduit_undo_stack_undo (undo);
  g_assert_null (conduit_node_get_pinned (crm));
  g_assert_true (conduit_undo_stack_get_at_save_point (undo));
  g_assert_false (conduit_undo_stack_get_can_undo (undo));
  conduit_undo_stack_redo (undo);
  g_assert_true (json_node_equal (conduit_node_get_pinned (crm), first));
}

static void
test_clipboard (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  g_autoptr(JsonNode) pins = json_from_string ("{\"out\": [{\"id\": 1}]}", NULL);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GPtrArray) pasted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  ConduitNode *crm = conduit_flow_lookup_node (flow, "crm");

  conduit_node_set_pinned (crm, pins);
  g_ptr_array_add (nodes, crm);
  data = conduit_flow_clipboard_serialize (flow, nodes);
  pasted = conduit_flow_clipboard_paste (undo, data, 40, 40, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pasted->len, ==, 1);
  g_assert_cmpstr (conduit_node_get_id (g_ptr_array_index (pasted, 0)), ==, "crm-2");
  g_assert_true (json_node_equal (conduit_node_get_pinned (g_ptr_array_index (pasted, 0)), pins));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/pins-document/undo", test_undo);
  g_test_add_func ("/conduit/pins-document/clipboard", test_clipboard);

  return g_test_run ();
}
