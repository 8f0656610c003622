/* test-undo-stack.c — every kind of edit undoes and redoes; no display needed
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "conduit-document.h"
#include "conduit-flow-clipboard.h"
#include "conduit-graph-viewport.h"
#include "test-util.h"

static char *
flow_text (ConduitFlow *flow)
{
  return conduit_flow_to_data (flow, NULL);
}

static void
test_add_remove_node (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  g_autofree char *before = flow_text (flow);
  g_autofree char *after_add = NULL;
  g_autofree char *text = NULL;
  g_autoptr(ConduitNode) node = conduit_node_new ("filter", "filter");
  ConduitNode *crm = conduit_flow_lookup_node (flow, "crm");

  g_assert_false (conduit_undo_stack_get_can_undo (undo));
  conduit_undo_stack_add_node (undo, node);
  g_assert_true (conduit_flow_lookup_node (flow, "filter") == node);
  g_assert_true (conduit_undo_stack_get_can_undo (undo));
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Add “filter”");
  after_add = flow_text (flow);

  conduit_undo_stack_undo (undo);
  g_assert_null (conduit_flow_lookup_node (flow, "filter"));
  g_assert_true (conduit_undo_stack_get_can_redo (undo));
  text = flow_text (flow);
  g_assert_cmpstr (text, ==, before);
  g_clear_pointer (&text, g_free);

  conduit_undo_stack_redo (undo);
  text = flow_text (flow);
  g_assert_cmpstr (text, ==, after_add);
  g_clear_pointer (&text, g_free);

  /* removing a node takes its links with it, and undo brings node and links back */
  conduit_undo_stack_undo (undo);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_links (flow)), ==, 3);
  conduit_undo_stack_remove_node (undo, crm);
  g_assert_null (conduit_flow_lookup_node (flow, "crm"));
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_links (flow)), ==, 1);
  /* a new edit forgets what could have been redone */
  g_assert_false (conduit_undo_stack_get_can_redo (undo));

  conduit_undo_stack_undo (undo);
  g_assert_true (conduit_flow_lookup_node (flow, "crm") == crm);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_links (flow)), ==, 3);
  {
    guint position;

    /* back in its place, so the file keeps its order */
    g_assert_true (conduit_flow_find_node_position (flow, crm, &position));
    g_assert_cmpuint (position, ==, 2);
  }
}

static void
test_links (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  g_autoptr(ConduitLink) error_link = conduit_link_new ("crm", "error", "slack", "in");
  g_autoptr(ConduitLink) existing = conduit_link_new ("form", "out", "map", "in");

  conduit_undo_stack_add_link (undo, error_link);
  g_assert_nonnull (conduit_flow_find_link (flow, error_link));
  conduit_undo_stack_remove_link (undo, existing);
  g_assert_null (conduit_flow_find_link (flow, existing));

  conduit_undo_stack_undo (undo);
  g_assert_nonnull (conduit_flow_find_link (flow, existing));
  conduit_undo_stack_undo (undo);
  g_assert_null (conduit_flow_find_link (flow, error_link));
  g_assert_false (conduit_undo_stack_get_can_undo (undo));

  conduit_undo_stack_redo (undo);
  conduit_undo_stack_redo (undo);
  g_assert_nonnull (conduit_flow_find_link (flow, error_link));
  g_assert_null (conduit_flow_find_link (flow, existing));
  g_assert_false (conduit_undo_stack_get_can_redo (undo));
}

static void
test_settings_merge (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  ConduitNode *crm = conduit_flow_lookup_node (flow, "crm");
  const char *typed[] = { "h", "ht", "htt", "http://x" };

  /* typing into one field is one step */
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);

      json_node_set_string (value, typed[i]);
      conduit_undo_stack_set_setting (undo, crm, "url", value);
    }
  g_assert_cmpstr (conduit_node_get_setting_string (crm, "url"), ==, "http://x");

  /* another field is another step */
  {
    g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);

    json_node_set_int (value, 7);
    conduit_undo_stack_set_setting (undo, crm, "max_attempts", value);
  }
  /* unsetting is an edit too */
  conduit_undo_stack_set_setting (undo, crm, "credential", NULL);
  g_assert_null (conduit_node_get_setting (crm, "credential"));

  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (conduit_node_get_setting_string (crm, "credential"), ==, "crm-api-key");
  conduit_undo_stack_undo (undo);
  g_assert_cmpint (json_node_get_int (conduit_node_get_setting (crm, "max_attempts")), ==, 4);
  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (conduit_node_get_setting_string (crm, "url"), ==,
                   "http://127.0.0.1:8788/crm/v3/contacts");
  g_assert_false (conduit_undo_stack_get_can_undo (undo));

  /* after an undo, typing again starts a new step instead of changing the undone one */
  conduit_undo_stack_redo (undo);
  {
    g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);

    json_node_set_string (value, "http://y");
    conduit_undo_stack_set_setting (undo, crm, "url", value);
  }
  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (conduit_node_get_setting_string (crm, "url"), ==, "http://x");
}

static void
test_text_and_flow_properties (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  ConduitNode *map = conduit_flow_lookup_node (flow, "map");
  g_autoptr(JsonNode) mapping =
    json_from_string ("{\"rows\": [{\"target\": \"email\", \"expression\": \"Email\"}]}", NULL);

  conduit_undo_stack_set_title (undo, map, "Map fields");
  conduit_undo_stack_set_notes (undo, map, "Check with sales");
  conduit_undo_stack_set_mapping (undo, map, mapping);
  conduit_undo_stack_set_flow_property (undo, "name", "Leads");
  conduit_undo_stack_set_flow_property (undo, "owner", "Ops");

  g_assert_cmpstr (conduit_flow_get_name (flow), ==, "Leads");
  g_assert_true (json_node_equal (conduit_node_get_mapping (map), mapping));

  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (conduit_flow_get_owner (flow), ==, "Sales operations <sales-ops@example.com>");
  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (conduit_flow_get_name (flow), ==, "Web form lead to CRM contact");
  conduit_undo_stack_undo (undo);
  g_assert_false (json_node_equal (conduit_node_get_mapping (map), mapping));
  conduit_undo_stack_undo (undo);
  g_assert_null (conduit_node_get_notes (map));
  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (conduit_node_get_title (map), ==, "Map to CRM fields");
}

static void
test_groups (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  g_autofree char *before = flow_text (flow);
  g_autofree char *text = NULL;
  ConduitNode *form = conduit_flow_lookup_node (flow, "form");
  ConduitNode *map = conduit_flow_lookup_node (flow, "map");
  conduit_undo_stack_begin_group (undo, "Move 2 nodes");
  conduit_undo_stack_move_node (undo, form, 100, 200);
  conduit_undo_stack_begin_group (undo, "inner");
  conduit_undo_stack_move_node (undo, map, 400, 200);
  conduit_undo_stack_end_group (undo);
  /* not undoable while the group is open */
  g_assert_false (conduit_undo_stack_get_can_undo (undo));
  conduit_undo_stack_end_group (undo);
  g_assert_true (conduit_undo_stack_get_can_undo (undo));
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Move 2 nodes");

  /* an empty group leaves no step */
  conduit_undo_stack_begin_group (undo, "nothing");
  conduit_undo_stack_end_group (undo);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Move 2 nodes");

  conduit_undo_stack_undo (undo);
  g_assert_cmpfloat (conduit_node_get_x (form), ==, 80);
  g_assert_cmpfloat (conduit_node_get_x (map), ==, 360);
  text = flow_text (flow);
  g_assert_cmpstr (text, ==, before);
  g_assert_false (conduit_undo_stack_get_can_undo (undo));
}

static void
on_notify (guint *count)
{
  (*count)++;
}

static void
test_notify (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  ConduitNode *form = conduit_flow_lookup_node (flow, "form");
  guint can_undo = 0, can_redo = 0;

  g_signal_connect_swapped (undo, "notify::can-undo", G_CALLBACK (on_notify), &can_undo);
  g_signal_connect_swapped (undo, "notify::can-redo", G_CALLBACK (on_notify), &can_redo);

  conduit_undo_stack_move_node (undo, form, 1, 2);
  conduit_undo_stack_move_node (undo, form, 3, 4);
  g_assert_cmpuint (can_undo, ==, 1);
  g_assert_cmpuint (can_redo, ==, 0);
  conduit_undo_stack_undo (undo);
  conduit_undo_stack_undo (undo);
  g_assert_cmpuint (can_undo, ==, 2);
  g_assert_cmpuint (can_redo, ==, 1);
  /* a move to where the node already is records nothing */
  conduit_undo_stack_move_node (undo, form, 80, 160);
  g_assert_cmpuint (can_redo, ==, 1);
  g_assert_true (conduit_undo_stack_get_can_redo (undo));
}

static void
test_document_modified (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitDocument) document = conduit_document_new (flow, NULL);
  ConduitUndoStack *undo = conduit_document_get_undo_stack (document);

  g_assert_nonnull (undo);
  g_assert_true (conduit_undo_stack_get_flow (undo) == flow);
  g_assert_false (conduit_document_get_modified (document));
  conduit_undo_stack_set_title (undo, conduit_flow_lookup_node (flow, "crm"), "CRM");
  g_assert_true (conduit_document_get_modified (document));
  conduit_document_set_modified (document, FALSE);   /* as saving does */
  conduit_undo_stack_undo (undo);
  g_assert_true (conduit_document_get_modified (document));
}

static void
on_async_result (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Saves @document into a throwaway folder and returns the file's text. */
static char *
save_document (ConduitDocument *document)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("conduit-undo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "saved.conduit", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *saved = NULL;

  conduit_document_save_async (document, file, NULL, on_async_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (conduit_document_save_finish (document, result, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_unlink (path);
  g_rmdir (tmpdir);
  return saved;
}

/* A document freshly loaded from the example, with its undo stack. */
typedef struct
{
  ConduitFlow      *flow;
  ConduitDocument  *document;
  ConduitUndoStack *undo;
  ConduitNode      *crm;
  char             *loaded;   /* the flow's text as loaded */
} SaveFixture;

static void
save_fixture_set_up (SaveFixture   *fixture,
                     gconstpointer  data)
{
  fixture->flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  fixture->document = conduit_document_new (fixture->flow, NULL);
  fixture->undo = conduit_document_get_undo_stack (fixture->document);
  fixture->crm = conduit_flow_lookup_node (fixture->flow, "crm");
  fixture->loaded = flow_text (fixture->flow);
}

static void
save_fixture_tear_down (SaveFixture   *fixture,
                        gconstpointer  data)
{
  g_assert_finalize_object (fixture->document);
  g_assert_finalize_object (fixture->flow);
  g_free (fixture->loaded);
}

/* The flow is what the file holds exactly when the document says it is unmodified. */
static void
assert_saved (SaveFixture *fixture,
              const char  *saved,
              gboolean     expected)
{
  g_autofree char *text = flow_text (fixture->flow);

  g_assert_cmpint (conduit_document_get_modified (fixture->document), ==, !expected);
  g_assert_cmpint (g_strcmp0 (text, saved) == 0, ==, expected);
}

typedef struct
{
  gboolean redo;    /* or undo */
  gboolean saved;   /* whether that arrives at what the file holds */
} Move;

static void
walk (SaveFixture *fixture,
      const char  *saved,
      const Move  *moves,
      gsize        n_moves)
{
  for (gsize i = 0; i < n_moves; i++)
    {
      if (moves[i].redo)
        conduit_undo_stack_redo (fixture->undo);
      else
        conduit_undo_stack_undo (fixture->undo);
      assert_saved (fixture, saved, moves[i].saved);
    }
}

#define UNDO(saved) { FALSE, saved }
#define REDO(saved) { TRUE, saved }

static void
test_save_point_undo_redo (SaveFixture   *fixture,
                           gconstpointer  data)
{
  const Move moves[] = { UNDO (TRUE), REDO (FALSE), UNDO (TRUE) };
  guint modified = 0;

  g_signal_connect_swapped (fixture->document, "notify::modified", G_CALLBACK (on_notify),
                            &modified);

  assert_saved (fixture, fixture->loaded, TRUE);
  conduit_undo_stack_move_node (fixture->undo, fixture->crm, 700, 140);
  assert_saved (fixture, fixture->loaded, FALSE);

  /* undo back to the loaded state clears the mark, and redo sets it, each with one
   * notification and no flicker */
  walk (fixture, fixture->loaded, moves, G_N_ELEMENTS (moves));
  g_assert_cmpuint (modified, ==, 1 + G_N_ELEMENTS (moves));
}

static void
test_save_point_middle (SaveFixture   *fixture,
                        gconstpointer  data)
{
  const Move moves[] = {
    REDO (FALSE), UNDO (TRUE), UNDO (FALSE), UNDO (FALSE), REDO (FALSE), REDO (TRUE)
  };
  g_autofree char *saved = NULL;

  conduit_undo_stack_move_node (fixture->undo, fixture->crm, 700, 140);
  conduit_undo_stack_set_title (fixture->undo, fixture->crm, "CRM");
  conduit_undo_stack_set_notes (fixture->undo, fixture->crm, "Ask sales first");
  conduit_undo_stack_undo (fixture->undo);

  /* saved with a step still to redo: both ways away from here are unsaved */
  saved = save_document (fixture->document);
  assert_saved (fixture, saved, TRUE);
  g_assert_true (conduit_undo_stack_get_can_redo (fixture->undo));
  walk (fixture, saved, moves, G_N_ELEMENTS (moves));
}

static void
test_save_point_lost (SaveFixture   *fixture,
                      gconstpointer  data)
{
  const Move past_saved[] = { UNDO (FALSE), UNDO (FALSE) };
  const Move after_edit[] = { UNDO (FALSE), REDO (FALSE) };
  const Move after_save[] = { UNDO (FALSE), REDO (TRUE) };
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;
  g_autofree char *text = NULL;

  conduit_undo_stack_move_node (fixture->undo, fixture->crm, 700, 140);
  conduit_undo_stack_set_title (fixture->undo, fixture->crm, "CRM");
  saved = save_document (fixture->document);
  assert_saved (fixture, saved, TRUE);

  /* undo past the save point, then edit: the saved state can no longer be reached, not even
   * by undoing to the loaded state, which is not what the file holds now */
  walk (fixture, saved, past_saved, G_N_ELEMENTS (past_saved));
  conduit_undo_stack_set_notes (fixture->undo, fixture->crm, "Ask sales first");
  g_assert_false (conduit_undo_stack_get_can_redo (fixture->undo));
  assert_saved (fixture, saved, FALSE);
  walk (fixture, saved, after_edit, G_N_ELEMENTS (after_edit));
  conduit_undo_stack_undo (fixture->undo);
  text = flow_text (fixture->flow);
  g_assert_cmpstr (text, ==, fixture->loaded);
  g_assert_true (conduit_document_get_modified (fixture->document));
  conduit_undo_stack_redo (fixture->undo);

  /* until the next save */
  saved_again = save_document (fixture->document);
  assert_saved (fixture, saved_again, TRUE);
  walk (fixture, saved_again, after_save, G_N_ELEMENTS (after_save));
}

static void
test_save_point_merge (SaveFixture   *fixture,
                       gconstpointer  data)
{
  const Move moves[] = { UNDO (FALSE), REDO (TRUE), REDO (FALSE) };
  g_autofree char *saved = NULL;

  /* typing a title is one step, but saving in the middle of the word splits it there */
  conduit_undo_stack_set_title (fixture->undo, fixture->crm, "C");
  conduit_undo_stack_set_title (fixture->undo, fixture->crm, "CR");
  saved = save_document (fixture->document);
  conduit_undo_stack_set_title (fixture->undo, fixture->crm, "CRM");
  conduit_undo_stack_set_title (fixture->undo, fixture->crm, "CRM!");
  assert_saved (fixture, saved, FALSE);

  conduit_undo_stack_undo (fixture->undo);
  g_assert_cmpstr (conduit_node_get_title (fixture->crm), ==, "CR");
  assert_saved (fixture, saved, TRUE);
  walk (fixture, saved, moves, G_N_ELEMENTS (moves));
  g_assert_cmpstr (conduit_node_get_title (fixture->crm), ==, "CRM!");
  conduit_undo_stack_undo (fixture->undo);
  conduit_undo_stack_undo (fixture->undo);
  g_assert_cmpstr (conduit_node_get_title (fixture->crm), ==, "Create CRM contact");
}

static void
test_save_point_drag (SaveFixture   *fixture,
                      gconstpointer  data)
{
  const Move moves[] = { UNDO (TRUE), REDO (FALSE) };
  ConduitNode *form = conduit_flow_lookup_node (fixture->flow, "form");
  double form_x = conduit_node_get_x (form), form_y = conduit_node_get_y (form);
  double crm_x = conduit_node_get_x (fixture->crm), crm_y = conduit_node_get_y (fixture->crm);

  /* the canvas moves nodes live while dragging, outside the stack... */
  conduit_node_set_position (form, 120, 200);
  conduit_node_set_position (fixture->crm, 700, 140);
  g_assert_true (conduit_document_get_modified (fixture->document));

  /* ...then puts them back and records the drop as one step */
  conduit_node_set_position (form, form_x, form_y);
  conduit_node_set_position (fixture->crm, crm_x, crm_y);
  conduit_undo_stack_begin_group (fixture->undo, "Move");
  conduit_undo_stack_move_node (fixture->undo, form, 120, 200);
  /* half a group is no state undo can come back to */
  g_assert_cmpuint (conduit_undo_stack_checkpoint (fixture->undo), ==, 0);
  conduit_undo_stack_move_node (fixture->undo, fixture->crm, 700, 140);
  conduit_undo_stack_end_group (fixture->undo);
  assert_saved (fixture, fixture->loaded, FALSE);
  walk (fixture, fixture->loaded, moves, G_N_ELEMENTS (moves));
}

/* Records a move of @node to @count places in turn after a step saved at x = 0, then undoes
 * all it can; returns how many steps that was. */
static guint
save_then_move_and_undo_all (ConduitUndoStack *undo,
                             ConduitNode      *node,
                             guint             count)
{
  guint steps = 0;

  conduit_undo_stack_move_node (undo, node, 0, 0);
  conduit_undo_stack_set_save_point (undo, conduit_undo_stack_checkpoint (undo));
  g_assert_true (conduit_undo_stack_get_at_save_point (undo));
  for (guint i = 1; i <= count; i++)
    conduit_undo_stack_move_node (undo, node, i, 0);
  g_assert_false (conduit_undo_stack_get_at_save_point (undo));

  while (conduit_undo_stack_get_can_undo (undo))
    {
      conduit_undo_stack_undo (undo);
      steps++;
    }
  g_assert_cmpfloat (conduit_node_get_x (node), ==, count - steps);
  return steps;
}

static void
test_save_point_bounded_history (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitFlow) other_flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  g_autoptr(ConduitUndoStack) other = conduit_undo_stack_new (other_flow);
  guint at_save_point = 0;
  guint limit;

  g_signal_connect_swapped (undo, "notify::at-save-point", G_CALLBACK (on_notify),
                            &at_save_point);
  g_assert_true (conduit_undo_stack_get_at_save_point (undo));

  /* the history keeps a bounded number of steps: once the saved one is dropped with older
   * ones, undoing all that is left stops short of the saved state */
  limit = save_then_move_and_undo_all (undo, conduit_flow_lookup_node (flow, "form"), 1000);
  g_assert_cmpuint (limit, <, 1000);
  g_assert_false (conduit_undo_stack_get_at_save_point (undo));
  g_assert_cmpuint (at_save_point, ==, 3);
  /* and no redo nor undo brings it back */
  conduit_undo_stack_redo (undo);
  conduit_undo_stack_undo (undo);
  g_assert_false (conduit_undo_stack_get_at_save_point (undo));

  /* when the saved step is the last one dropped, undoing everything arrives right at it */
  g_assert_cmpuint (save_then_move_and_undo_all (other, conduit_flow_lookup_node (other_flow,
                                                                                  "form"),
                                                 limit),
                    ==, limit);
  g_assert_true (conduit_undo_stack_get_at_save_point (other));
  conduit_undo_stack_redo (other);
  g_assert_false (conduit_undo_stack_get_at_save_point (other));

  /* a save point can also be no state at all */
  conduit_undo_stack_undo (other);
  conduit_undo_stack_set_save_point (other, 0);
  g_assert_false (conduit_undo_stack_get_at_save_point (other));
}

static void
test_clipboard (void)
{
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GPtrArray) pasted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autoptr(ConduitLink) copied_link = conduit_link_new ("map-2", "out", "crm-2", "in");
  g_autoptr(ConduitFlow) fragment = NULL;
  g_autoptr(ConduitFlow) other = conduit_flow_new ();
  g_autoptr(ConduitUndoStack) other_undo = conduit_undo_stack_new (other);
  ConduitNode *map = conduit_flow_lookup_node (flow, "map");
  ConduitNode *crm = conduit_flow_lookup_node (flow, "crm");

  g_ptr_array_add (nodes, map);
  g_ptr_array_add (nodes, crm);
  data = conduit_flow_clipboard_serialize (flow, nodes);

  /* the clipboard holds a flow file: the two nodes and the one link between them */
  fragment = conduit_flow_new_from_data (conduit_connector_registry_get_default (), data, -1, NULL,
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conduit_flow_get_n_nodes (fragment), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_links (fragment)), ==, 1);

  /* pasting into the same flow renames the ids, keeps the link between the copies and
   * moves them down and right */
  pasted = conduit_flow_clipboard_paste (undo, data, 40, 40, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pasted->len, ==, 2);
  g_assert_cmpstr (conduit_node_get_id (g_ptr_array_index (pasted, 0)), ==, "map-2");
  g_assert_cmpstr (conduit_node_get_id (g_ptr_array_index (pasted, 1)), ==, "crm-2");
  g_assert_cmpfloat (conduit_node_get_x (g_ptr_array_index (pasted, 1)), ==, 680);
  g_assert_cmpstr (conduit_node_get_setting_string (g_ptr_array_index (pasted, 1), "credential"),
                   ==, "crm-api-key");
  g_assert_nonnull (conduit_flow_find_link (flow, copied_link));
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_links (flow)), ==, 4);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Paste");

  /* one undo takes the whole paste back */
  conduit_undo_stack_undo (undo);
  g_assert_cmpuint (conduit_flow_get_n_nodes (flow), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_links (flow)), ==, 3);

  /* into another flow the ids are free, so they stay */
  g_clear_pointer (&pasted, g_ptr_array_unref);
  pasted = conduit_flow_clipboard_paste (other_undo, data, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conduit_flow_lookup_node (other, "map"));
  g_assert_nonnull (conduit_flow_lookup_node (other, "crm"));

  /* what is not nodes is refused with a message */
  g_clear_pointer (&pasted, g_ptr_array_unref);
  pasted = conduit_flow_clipboard_paste (undo, "hello", 0, 0, &error);
  g_assert_null (pasted);
  g_assert_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID);
  g_clear_error (&error);
  pasted = conduit_flow_clipboard_paste (undo, "{\"nodes\": [{\"id\": 3}]}", 0, 0, &error);
  g_assert_null (pasted);
  g_assert_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID);
  g_assert_cmpuint (conduit_flow_get_n_nodes (flow), ==, 4);
}

static void
test_viewport (void)
{
  g_autoptr(ConduitGraphViewport) viewport = conduit_graph_viewport_new ();
  double x, y;

  conduit_graph_viewport_to_widget (viewport, 10, 20, &x, &y);
  g_assert_cmpfloat (x, ==, 10);
  g_assert_cmpfloat (y, ==, 20);

  /* panning moves the content with the pointer */
  conduit_graph_viewport_pan (viewport, 100, 50);
  conduit_graph_viewport_to_widget (viewport, 10, 20, &x, &y);
  g_assert_cmpfloat (x, ==, 110);
  g_assert_cmpfloat (y, ==, 70);

  /* zooming about a point keeps that point where it is */
  conduit_graph_viewport_zoom_at (viewport, 2, 300, 200);
  g_assert_cmpfloat (conduit_graph_viewport_get_zoom (viewport), ==, 2);
  conduit_graph_viewport_to_canvas (viewport, 300, 200, &x, &y);
  conduit_graph_viewport_to_widget (viewport, x, y, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 200, 1e-9);

  /* zoom is clamped */
  conduit_graph_viewport_set_zoom (viewport, 100);
  g_assert_cmpfloat (conduit_graph_viewport_get_zoom (viewport), ==,
                     CONDUIT_GRAPH_VIEWPORT_MAX_ZOOM);
  conduit_graph_viewport_set_zoom (viewport, 0);
  g_assert_cmpfloat (conduit_graph_viewport_get_zoom (viewport), ==,
                     CONDUIT_GRAPH_VIEWPORT_MIN_ZOOM);

  /* fit centres the rectangle and never enlarges past 1:1 */
  conduit_graph_viewport_fit (viewport, 0, 0, 400, 200, 800, 600, 0);
  g_assert_cmpfloat (conduit_graph_viewport_get_zoom (viewport), ==, 1);
  conduit_graph_viewport_to_widget (viewport, 200, 100, &x, &y);
  g_assert_cmpfloat (x, ==, 400);
  g_assert_cmpfloat (y, ==, 300);
  conduit_graph_viewport_fit (viewport, 1000, 0, 1600, 600, 800, 600, 0);
  g_assert_cmpfloat (conduit_graph_viewport_get_zoom (viewport), ==, 0.5);
  conduit_graph_viewport_to_widget (viewport, 1000, 0, &x, &y);
  g_assert_cmpfloat (x, ==, 0);
  g_assert_cmpfloat (y, ==, 150);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/undo-stack/add-remove-node", test_add_remove_node);
  g_test_add_func ("/conduit/undo-stack/links", test_links);
  g_test_add_func ("/conduit/undo-stack/settings-merge", test_settings_merge);
  g_test_add_func ("/conduit/undo-stack/text-and-flow-properties", test_text_and_flow_properties);
  g_test_add_func ("/conduit/undo-stack/groups", test_groups);
  g_test_add_func ("/conduit/undo-stack/notify", test_notify);
  g_test_add_func ("/conduit/undo-stack/document-modified", test_document_modified);
  g_test_add ("/conduit/undo-stack/save-point/undo-redo", SaveFixture, NULL,
              save_fixture_set_up, test_save_point_undo_redo, save_fixture_tear_down);
  g_test_add ("/conduit/undo-stack/save-point/middle", SaveFixture, NULL,
              save_fixture_set_up, test_save_point_middle, save_fixture_tear_down);
  g_test_add ("/conduit/undo-stack/save-point/lost", SaveFixture, NULL,
              save_fixture_set_up, test_save_point_lost, save_fixture_tear_down);
  g_test_add ("/conduit/undo-stack/save-point/merge", SaveFixture, NULL,
              save_fixture_set_up, test_save_point_merge, save_fixture_tear_down);
  g_test_add ("/conduit/undo-stack/save-point/drag", SaveFixture, NULL,
              save_fixture_set_up, test_save_point_drag, save_fixture_tear_down);
  g_test_add_func ("/conduit/undo-stack/save-point/bounded-history",
                   test_save_point_bounded_history);
  g_test_add_func ("/conduit/undo-stack/clipboard", test_clipboard);
  g_test_add_func ("/conduit/graph-viewport/transforms", test_viewport);

  return g_test_run ();
}
