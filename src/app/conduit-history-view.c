/* conduit-history-view.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-view"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "conduit-history-view-private.h"
#include "conduit-connector-registry.h"
#include "conduit-step-status.h"
#include "conduit-run-replay.h"
#include "conduit-run-export.h"
#include "conduit-resources.h"

/* The run history: every run of every flow, newest first, so that a failure is seen by the
 * people who own the flow rather than by a downstream team days later. */

#define MAX_ITEMS_SHOWN 20


G_DEFINE_FINAL_TYPE (ConduitHistoryView, conduit_history_view, GTK_TYPE_WIDGET)

/* The drop-down's order: "any" first, then ConduitRunStatus in its order. */
static const char *
status_icon_name (ConduitRunStatus status)
{
  switch (status)
    {
    case CONDUIT_RUN_STATUS_RUNNING:     return "media-playback-start-symbolic";
    case CONDUIT_RUN_STATUS_SUCCEEDED:   return "emblem-ok-symbolic";
    case CONDUIT_RUN_STATUS_PARTIAL:     return "dialog-warning-symbolic";
    case CONDUIT_RUN_STATUS_FAILED:      return "dialog-error-symbolic";
    case CONDUIT_RUN_STATUS_INTERRUPTED: return "media-playback-pause-symbolic";
    case CONDUIT_RUN_STATUS_CANCELLED:   return "process-stop-symbolic";
    default:                             return "dialog-question-symbolic";
    }
}

static const char *
status_label (ConduitRunStatus status)
{
  switch (status)
    {
    case CONDUIT_RUN_STATUS_RUNNING:     return _("Running");
    case CONDUIT_RUN_STATUS_SUCCEEDED:   return _("Succeeded");
    case CONDUIT_RUN_STATUS_PARTIAL:     return _("Partly failed");
    case CONDUIT_RUN_STATUS_FAILED:      return _("Failed");
    case CONDUIT_RUN_STATUS_INTERRUPTED: return _("Interrupted");
    case CONDUIT_RUN_STATUS_CANCELLED:   return _("Cancelled");
    default:                             return _("Unknown");
    }
}

/* A run that only had records rejected by a mapping did not fail: it says what happened. */
static const char *
run_status_label (const ConduitRunRecord *run)
{
  if (run->status == CONDUIT_RUN_STATUS_PARTIAL && run->items_failed == 0 &&
      run->items_rejected > 0)
    return _("Some records rejected");
  return status_label (run->status);
}

static const char *
status_css_class (ConduitRunStatus status)
{
  switch (status)
    {
    case CONDUIT_RUN_STATUS_SUCCEEDED: return "success";
    case CONDUIT_RUN_STATUS_PARTIAL:
    case CONDUIT_RUN_STATUS_INTERRUPTED: return "warning";
    case CONDUIT_RUN_STATUS_FAILED:    return "error";
    default:                           return "dim-label";
    }
}

static const char *
trigger_label (const char *kind)
{
  if (g_strcmp0 (kind, "webhook") == 0)
    return _("Webhook");
  if (g_strcmp0 (kind, "schedule") == 0)
    return _("Schedule");
  if (g_strcmp0 (kind, "input") == 0)
    return _("Input file");
  if (g_strcmp0 (kind, "poll") == 0)
    return _("Poll");
  if (g_strcmp0 (kind, "rerun") == 0)
    return _("Re-run");
  return _("Manual");
}

static char *
format_relative (gint64 when_us,
                 gint64 now_us)
{
  gint64 seconds = (now_us - when_us) / G_USEC_PER_SEC;
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (when_us / G_USEC_PER_SEC);

  if (seconds < 60)
    return g_strdup (_("just now"));
  if (seconds < 3600)
    return g_strdup_printf (g_dngettext (NULL, "%d minute ago", "%d minutes ago", seconds / 60),
                            (int)(seconds / 60));
  if (seconds < 24 * 3600)
    return g_strdup_printf (g_dngettext (NULL, "%d hour ago", "%d hours ago", seconds / 3600),
                            (int)(seconds / 3600));
  if (then == NULL)
    return g_strdup ("?");
  /* Translators: a day in the run history, as strftime() would write it; "%-e" is the day
   * without padding (no double space before single-digit days) */
  return g_date_time_format (then, C_("history date", "%-e %b %Y"));
}

static char *
format_exact (gint64 when_us)
{
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (when_us / G_USEC_PER_SEC);

  /* Translators: when a run started, as strftime() would write it; "%-e" is the day without
   * padding, "%X" the time as the language writes it */
  return then != NULL ? g_date_time_format (then, C_("history date and time", "%a %-e %b %Y, %X"))
                      : g_strdup ("?");
}

static char *
format_duration (const ConduitRunRecord *run)
{
  gint64 ms;

  if (run->finished_us == 0)
    return g_strdup (_("still running"));
  ms = (run->finished_us - run->started_us) / 1000;
  if (ms < 1000)
    return g_strdup_printf (_("%d ms"), (int)ms);
  if (ms < 60000)
    return g_strdup_printf (_("%.1f s"), ms / 1000.0);
  return g_strdup_printf (_("%d min %d s"), (int)(ms / 60000), (int)(ms % 60000 / 1000));
}

static char *
format_counts (const ConduitRunRecord *run)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, _("%u in, %u done"), run->items_in, run->items_ok);
  if (run->items_failed > 0)
    g_string_append_printf (text, _(", %u failed"), run->items_failed);
  if (run->items_rejected > 0)
    g_string_append_printf (text, _(", %u rejected"), run->items_rejected);
  return g_string_free (text, FALSE);
}

/* What became of a step, in the user's language; the history stores the English keyword. */
static const char *
step_status_label (const ConduitStepRecord *step)
{
  switch (conduit_step_record_get_status (step))
    {
    case CONDUIT_STEP_STATUS_PENDING:   return C_("step status", "waiting");
    case CONDUIT_STEP_STATUS_RUNNING:   return C_("step status", "running");
    case CONDUIT_STEP_STATUS_OK:        return C_("step status", "ok");
    case CONDUIT_STEP_STATUS_PARTIAL:   return C_("step status", "partly failed");
    case CONDUIT_STEP_STATUS_FAILED:    return C_("step status", "failed");
    case CONDUIT_STEP_STATUS_SKIPPED:   return C_("step status", "skipped");
    case CONDUIT_STEP_STATUS_CANCELLED: return C_("step status", "cancelled");
    case CONDUIT_STEP_STATUS_RETRY:     return C_("step status", "retried");
    case CONDUIT_STEP_STATUS_REJECTED:  return C_("step status", "rejected");
    case CONDUIT_STEP_STATUS_DUPLICATE: return C_("step status", "duplicate, skipped");
    case CONDUIT_STEP_STATUS_STARTED:   return C_("step status", "sent, no answer yet");
    case CONDUIT_STEP_STATUS_UNKNOWN:   return C_("step status", "sent, answer unknown");
    case CONDUIT_STEP_STATUS_PINNED:    return C_("step status", "pinned");
    default:                            return step->status;
    }
}

/* The open flow, when @run is one of its runs: it knows the steps' titles. */
static ConduitFlow *
flow_of_run (ConduitHistoryView     *self,
             const ConduitRunRecord *run)
{
  if (self->flow != NULL && g_strcmp0 (conduit_flow_get_name (self->flow), run->flow) == 0)
    return self->flow;
  return NULL;
}

/* A step by its title, as the canvas shows it; by its id only when the flow is not open or the
 * step is gone from it. */
static const char *
step_title (ConduitFlow *flow,
            const char  *node_id)
{
  ConduitNode *node = flow != NULL ? conduit_flow_lookup_node (flow, node_id) : NULL;
  const char *title = node != NULL ? conduit_node_get_title (node) : NULL;

  return title != NULL && *title != '\0' ? title : node_id;
}

/* A port by the label its card shows ("Rejected", not "rejected"). */
static const char *
port_title (ConduitFlow *flow,
            const char  *node_id,
            const char  *port_id,
            gboolean     is_output)
{
  ConduitNode *node = flow != NULL ? conduit_flow_lookup_node (flow, node_id) : NULL;
  ConduitConnector *connector = NULL;
  const ConduitPortSpec *spec = NULL;

  if (node != NULL)
    connector = conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                                   conduit_node_get_connector_id (node));
  if (connector != NULL)
    spec = is_output ? conduit_connector_find_output (connector, port_id)
                     : conduit_connector_find_input (connector, port_id);
  return spec != NULL && spec->label != NULL ? spec->label : port_id;
}

/* ---- the list ---- */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *flow = gtk_label_new (NULL);
  GtkWidget *when = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "conduit-history-row");
  gtk_label_set_xalign (GTK_LABEL (flow), 0);
  gtk_label_set_ellipsize (GTK_LABEL (flow), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (flow, TRUE);
  gtk_widget_add_css_class (flow, "heading");
  gtk_widget_add_css_class (when, "dim-label");
  gtk_widget_add_css_class (when, "numeric");
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");

  gtk_box_append (GTK_BOX (top), flow);
  gtk_box_append (GTK_BOX (top), when);
  gtk_box_append (GTK_BOX (text), top);
  gtk_box_append (GTK_BOX (text), detail);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_item_set_child (item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  ConduitRunRow *row = gtk_list_item_get_item (item);
  const ConduitRunRecord *run = conduit_run_row_get_record (row);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *text = gtk_widget_get_next_sibling (icon);
  GtkWidget *top = gtk_widget_get_first_child (text);
  GtkWidget *flow = gtk_widget_get_first_child (top);
  GtkWidget *when = gtk_widget_get_next_sibling (flow);
  GtkWidget *detail = gtk_widget_get_next_sibling (top);
  g_autofree char *relative = format_relative (run->started_us, g_get_real_time ());
  g_autofree char *exact = format_exact (run->started_us);
  g_autofree char *duration = format_duration (run);
  g_autofree char *counts = format_counts (run);
  g_autofree char *line = NULL;
  g_autofree char *summary = NULL;
  const char *classes[] = { "conduit-history-status", status_css_class (run->status), NULL };

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), status_icon_name (run->status));
  gtk_widget_set_css_classes (icon, classes);
  gtk_widget_set_tooltip_text (icon, run_status_label (run));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  run_status_label (run), -1);

  gtk_label_set_text (GTK_LABEL (flow), run->flow);
  gtk_label_set_text (GTK_LABEL (when), relative);
  gtk_widget_set_tooltip_text (when, exact);
  line = g_strdup_printf ("%s · %s · %s", trigger_label (run->trigger_kind), duration, counts);
  gtk_label_set_text (GTK_LABEL (detail), line);
  gtk_widget_set_tooltip_text (detail, run->error);

  summary = g_strdup_printf ("%s, %s, %s, %s", run_status_label (run), run->flow, exact, line);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, summary, -1);
  /* A screen reader lands on the list's row, not on the box inside it, and GTK 4.8's list item
   * has no accessible label of its own: name the row. */
  if (gtk_widget_get_parent (box) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box)),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, summary, -1);
}

/* ---- the details ---- */

static GtkWidget *
add_label (GtkBox     *box,
           const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  return label;
}

static char *
pretty_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return g_strdup (text);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

static void
copy_item_clicked (GtkButton *button,
                   gpointer   user_data)
{
  const char *json = g_object_get_data (G_OBJECT (button), "conduit-json");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), json);
}

static void
add_item (GtkBox                  *box,
          ConduitFlow             *flow,
          const ConduitItemRecord *item)
{
  GtkWidget *frame = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autofree char *title = NULL;
  g_autofree char *pretty = pretty_json (item->data);
  g_autofree char *copy_name = NULL;
  GtkWidget *label;

  title = g_strdup_printf (item->is_output ? _("Item %u out of “%s”") : _("Item %u into “%s”"),
                           item->seq + 1, port_title (flow, item->node_id, item->port, item->is_output));
  label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_box_append (GTK_BOX (head), label);

  copy_name = g_strdup_printf (_("Copy item %u as JSON"), item->seq + 1);
  gtk_widget_set_tooltip_text (copy, _("Copy as JSON"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL, copy_name, -1);
  gtk_widget_add_css_class (copy, "flat");
  g_object_set_data_full (G_OBJECT (copy), "conduit-json", g_strdup (item->data), g_free);
  g_signal_connect (copy, "clicked", G_CALLBACK (copy_item_clicked), NULL);
  gtk_box_append (GTK_BOX (head), copy);
  gtk_box_append (GTK_BOX (frame), head);

  add_label (GTK_BOX (frame), pretty, "conduit-history-json");
  if (item->truncated)
    add_label (GTK_BOX (frame), _("Cut short in the history: the item was larger than the history keeps."),
               "dim-label");
  gtk_widget_add_css_class (frame, "card");
  gtk_widget_add_css_class (frame, "conduit-history-item");
  gtk_box_append (box, frame);
}

static char *
describe_step (ConduitFlow             *flow,
               const ConduitStepRecord *step)
{
  GString *text = g_string_new (step_title (flow, step->node_id));
  gint64 ms = step->finished_us > step->started_us ? (step->finished_us - step->started_us) / 1000 : 0;

  if (step->item_index >= 0)
    g_string_append_printf (text, _(" — item %d, attempt %u"), step->item_index + 1, step->attempt);
  g_string_append_printf (text, " · %s · ", step_status_label (step));
  g_string_append_printf (text, _("%d ms"), (int)ms);
  if (step->http_status != 0)
    g_string_append_printf (text, _(" · HTTP %u"), step->http_status);
  if (step->item_index < 0)
    g_string_append_printf (text, _(" · %u in, %u out, %u failed"),
                            step->items_in, step->items_out, step->items_failed);
  return g_string_free (text, FALSE);
}

static void
clear_details (ConduitHistoryView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details_box))) != NULL)
    gtk_box_remove (self->details_box, child);
}

/* Whether @run is failed or interrupted and nobody has re-run it or marked it handled. The run
 * record does not carry the mark; the store's own "needs attention" query, narrowed to this
 * run's flow and start, answers it the way the list and `conduit-cli history list` do. */
static gboolean
needs_attention (ConduitHistoryView     *self,
                 const ConduitRunRecord *run)
{
  ConduitHistoryQuery query = { 0 };
  g_autoptr(GPtrArray) runs = NULL;

  if (run->status != CONDUIT_RUN_STATUS_FAILED && run->status != CONDUIT_RUN_STATUS_INTERRUPTED)
    return FALSE;
  query.flow = run->flow;
  query.status = run->status;
  query.since_us = run->started_us;
  query.until_us = run->started_us + 1;
  query.unhandled = TRUE;
  query.limit = 1000;
  runs = conduit_history_store_list_runs (self->store, &query, NULL);
  for (guint i = 0; runs != NULL && i < runs->len; i++)
    if (((ConduitRunRecord *)g_ptr_array_index (runs, i))->id == run->id)
      return TRUE;
  return FALSE;
}

/* The second row of the details: what a run that needs attention waits for, and the ways on. */
static void
show_attention (ConduitHistoryView     *self,
                const ConduitRunRecord *run)
{
  g_autofree char *text = NULL;
  gboolean can_run = self->runner != NULL && flow_of_run (self, run) != NULL;

  if (!needs_attention (self, run))
    return;

  if (run->status == CONDUIT_RUN_STATUS_INTERRUPTED)
    {
      g_autoptr(GArray) states = conduit_run_replay_send_states (self->store, run->id,
                                                                 run->items_in, NULL);
      guint counts[3] = { 0 };

      for (guint i = 0; states != NULL && i < states->len; i++)
        counts[g_array_index (states, ConduitSendState, i)]++;
      /* the three states an item of a run cut off can be in, in words */
      /* Translators: counts of a run's items; "sent, answer unknown" ones may have acted on
       * the other side */
      text = g_strdup_printf (_("Needs attention: cut off before it finished. Items answered: %u · "
                                "sent, answer unknown: %u (check those on the other side first) · "
                                "not sent: %u."),
                              counts[CONDUIT_SEND_STATE_ANSWERED], counts[CONDUIT_SEND_STATE_UNKNOWN],
                              counts[CONDUIT_SEND_STATE_NOT_SENT]);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.rerun-unsent",
                                     can_run && counts[CONDUIT_SEND_STATE_NOT_SENT] > 0);
    }
  else
    text = g_strdup (_("Needs attention: this run failed and nobody has re-run it or marked it "
                       "handled yet."));
  if (!can_run)
    {
      g_autofree char *more = g_strdup_printf ("%s %s", text, _("Open the flow to re-run it."));

      g_free (text);
      text = g_steal_pointer (&more);
    }
  gtk_label_set_text (self->attention_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.mark-handled", TRUE);
  gtk_widget_set_visible (self->attention_row, TRUE);
}

static void
show_details (ConduitHistoryView *self,
              gint64              run_id)
{
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *exact = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *counts = NULL;
  gboolean any_rejected = FALSE;
  ConduitFlow *flow;
  GtkWidget *label;

  clear_details (self);
  self->selected_id = run_id;
  gtk_widget_set_visible (self->attention_row, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.rerun", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.rerun-failed", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.rerun-unsent", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.mark-handled", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export-run", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.delete-run", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.save-as-test", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.show-on-canvas", FALSE);

  if (run_id <= 0 || self->store == NULL)
    {
      add_label (self->details_box, _("Select a run to see its steps, items and errors."), "dim-label");
      return;
    }

  run = conduit_history_store_get_run (self->store, run_id, &error);
  if (run == NULL)
    {
      add_label (self->details_box, error->message, "error");
      return;
    }
  flow = flow_of_run (self, run);
  show_attention (self, run);

  heading = g_strdup_printf ("%s — %s", run->flow, run_status_label (run));
  label = add_label (self->details_box, heading, "title-3");
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  exact = format_exact (run->started_us);
  duration = format_duration (run);
  counts = format_counts (run);
  meta = g_strdup_printf (_("Started %s by %s · %s · %s"), exact, trigger_label (run->trigger_kind),
                          duration, counts);
  add_label (self->details_box, meta, "dim-label");

  if (run->error != NULL)
    add_label (self->details_box, run->error, "conduit-history-error");

  if (run->status == CONDUIT_RUN_STATUS_FAILED || run->status == CONDUIT_RUN_STATUS_PARTIAL)
    {
      const char *owner = flow != NULL ? conduit_flow_get_owner (flow) : NULL;
      g_autofree char *owner_text = NULL;

      /* Asking to open a flow that is open already sends the reader in a circle. */
      if (owner != NULL && *owner != '\0')
        owner_text = g_strdup_printf (_("Owner of this flow: %s"), owner);
      else if (flow != NULL)
        owner_text = g_strdup (_("Owner of this flow: not set — name one in the flow’s properties"));
      else
        owner_text = g_strdup (_("Owner of this flow: not known — open the flow to see who owns it"));
      add_label (self->details_box, owner_text, "conduit-history-owner");
    }

  steps = conduit_history_store_list_steps (self->store, run_id, &error);
  if (steps == NULL)
    {
      add_label (self->details_box, error->message, "error");
      return;
    }

  add_label (self->details_box, _("Steps"), "heading");
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);
      g_autofree char *line = describe_step (flow, step);
      GtkWidget *step_label = add_label (self->details_box, line, "conduit-history-step");

      if (g_strcmp0 (step->status, "failed") == 0)
        gtk_widget_add_css_class (step_label, "error");
      /* The run's error is often its last step's: say it once. */
      if (step->error_message != NULL && g_strcmp0 (step->status, "rejected") != 0 &&
          g_strcmp0 (step->error_message, run->error) != 0)
        add_label (self->details_box, step->error_message, "conduit-history-error");
      if (g_strcmp0 (step->status, "rejected") == 0)
        any_rejected = TRUE;
    }

  if (any_rejected)
    {
      add_label (self->details_box, _("Rejected records"), "heading");
      for (guint i = 0; i < steps->len; i++)
        {
          ConduitStepRecord *step = g_ptr_array_index (steps, i);
          g_autofree char *line = NULL;

          if (g_strcmp0 (step->status, "rejected") != 0)
            continue;
          line = g_strdup_printf (_("Item %d at “%s”: %s"), step->item_index + 1,
                                  step_title (flow, step->node_id),
                                  step->error_message != NULL ? step->error_message : _("no reason recorded"));
          add_label (self->details_box, line, "conduit-history-rejected");
        }
    }

  items = conduit_history_store_list_items (self->store, run_id, NULL, &error);
  if (items == NULL)
    add_label (self->details_box, error->message, "error");
  else if (items->len > 0)
    {
      const char *node = NULL;
      guint shown = 0;

      add_label (self->details_box, _("Items"), "heading");
      conduit_run_group_items_by_node (items);
      for (guint i = 0; i < items->len; i++)
        {
          ConduitItemRecord *item = g_ptr_array_index (items, i);

          if (g_strcmp0 (node, item->node_id) != 0)
            {
              g_autofree char *sample = conduit_run_describe_item_samples (steps, items,
                                                                           item->node_id);
              g_autofree char *line = NULL;

              node = item->node_id;
              shown = 0;
              add_label (self->details_box, step_title (flow, node), "caption-heading");
              /* a big run keeps a sample of what went well: say so, with the whole count */
              if (sample != NULL)
                {
                  line = g_strdup_printf (_("The history keeps every failed and rejected item, "
                                            "and the first of the others: %s"), sample);
                  add_label (self->details_box, line, "dim-label");
                }
            }
          if (shown++ < MAX_ITEMS_SHOWN)
            add_item (self->details_box, flow, item);
          else if (shown == MAX_ITEMS_SHOWN + 1)
            add_label (self->details_box, _("More items: export the run as JSON to see them all."),
                       "dim-label");
        }
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.rerun",
                                 self->runner != NULL && self->flow != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.rerun-failed",
                                 self->runner != NULL && self->flow != NULL &&
                                 run->items_failed + run->items_rejected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export-run", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.delete-run",
                                 run->status != CONDUIT_RUN_STATUS_RUNNING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.save-as-test",
                                 run->status != CONDUIT_RUN_STATUS_RUNNING);
  /* the canvas is the open flow's: another flow's run has nothing to lay over */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.show-on-canvas", flow != NULL);
}

/* Folded, the details replace the list: the focus goes to Back rather than to whatever comes
 * first, which was the first selectable label, shown with all its text selected. */
static void
show_details_side (ConduitHistoryView *self)
{
  gboolean list_had_focus = gtk_widget_get_focus_child (self->list_side) != NULL;

  adw_leaflet_set_visible_child (self->leaflet, self->details_side);
  if (list_had_focus || gtk_widget_get_focus_child (self->details_side) != NULL)
    gtk_widget_grab_focus (self->back_button);
}

static void
selection_changed (ConduitHistoryView *self)
{
  ConduitRunRow *row = gtk_single_selection_get_selected_item (self->selection);
  gint64 id = row != NULL ? conduit_run_row_get_id (row) : 0;

  if (id != self->selected_id)
    show_details (self, id);
  /* Folded, a chosen run is worth a look at once: show its details. */
  if (id > 0 && !self->reselecting && adw_leaflet_get_folded (self->leaflet))
    show_details_side (self);
}

/* Enter or a double-click on a run of the open flow shows it on the canvas; on another flow's
 * run it shows the details, as before. */
static void
run_activated (ConduitHistoryView *self,
               guint               position)
{
  if (!_conduit_history_view_show_on_canvas (self))
    show_details_side (self);
}

/* ---- filters and live updates ---- */

static gint64
range_start (ConduitHistoryRange range)
{
  gint64 now = g_get_real_time ();

  switch (range)
    {
    case CONDUIT_HISTORY_RANGE_HOUR: return now - (gint64)3600 * G_USEC_PER_SEC;
    case CONDUIT_HISTORY_RANGE_DAY:  return now - (gint64)24 * 3600 * G_USEC_PER_SEC;
    case CONDUIT_HISTORY_RANGE_WEEK: return now - (gint64)7 * 24 * 3600 * G_USEC_PER_SEC;
    case CONDUIT_HISTORY_RANGE_ALL:
    default:                         return 0;
    }
}

/* In GTK 4.8 a menu button's focus is its inner toggle button, which does not take the menu
 * button's accessible name: a screen reader said only the label, or nothing for an icon. */
static void
name_menu_button (GtkWidget  *menu_button,
                  const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
  for (GtkWidget *child = gtk_widget_get_first_child (menu_button); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
}

/* The filters in the Filter button's popover, which are out of sight once it closes. */
static guint
n_active_filters (ConduitHistoryView *self)
{
  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  guint range = gtk_drop_down_get_selected (self->range_dropdown);

  return (status > 0 && status != GTK_INVALID_LIST_POSITION) +
         (range > 0 && range != GTK_INVALID_LIST_POSITION) +
         (*gtk_editable_get_text (GTK_EDITABLE (self->flow_entry)) != '\0');
}

/* An active filter shows on the button, in its label and to a screen reader, so that a short
 * list is not taken for the whole history. */
static void
show_filter_count (ConduitHistoryView *self,
                   guint               n_filters)
{
  g_autofree char *label = NULL;
  g_autofree char *name = NULL;

  if (n_filters == 0)
    {
      gtk_menu_button_set_label (self->filter_button, _("_Filter"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "accent");
      name_menu_button (GTK_WIDGET (self->filter_button), _("Filter runs by status, time and flow"));
      return;
    }
  /* Translators: the Filter button while filters are on; %u is how many */
  label = g_strdup_printf (_("_Filter (%u)"), n_filters);
  name = g_strdup_printf (g_dngettext (NULL, "Filter runs by status, time and flow; %u filter is on",
                                       "Filter runs by status, time and flow; %u filters are on",
                                       n_filters), n_filters);
  gtk_menu_button_set_label (self->filter_button, label);
  gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "accent");
  name_menu_button (GTK_WIDGET (self->filter_button), name);
}

static void
update_empty (ConduitHistoryView *self)
{
  gboolean empty = self->model == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0;
  guint n_filters = n_active_filters (self);
  gboolean attention = gtk_toggle_button_get_active (self->attention_button);
  gboolean filtered = n_filters > 0 ||
                      *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0';
  const char *problem = self->model != NULL ? conduit_run_list_model_get_error (self->model) : NULL;

  show_filter_count (self, n_filters);
  if (problem != NULL)
    {
      adw_status_page_set_title (self->empty_page, _("The Run History Cannot Be Read"));
      adw_status_page_set_description (self->empty_page, problem);
    }
  else if (attention && !filtered)
    {
      adw_status_page_set_title (self->empty_page, _("Nothing Needs Attention"));
      adw_status_page_set_description (self->empty_page,
                                       _("Failed and interrupted runs show here until they are "
                                         "re-run or marked handled."));
    }
  else if (filtered || attention)
    {
      adw_status_page_set_title (self->empty_page, _("No Matching Runs"));
      adw_status_page_set_description (self->empty_page, _("No run matches these filters."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("No Runs"));
      adw_status_page_set_description (self->empty_page,
                                       _("Runs of your flows show here as they happen."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
}

/* Reads the list again and keeps the selected run selected, wherever it moved. */
static void
reselect (ConduitHistoryView *self)
{
  gint64 keep = self->selected_id;

  update_empty (self);
  self->reselecting = TRUE;
  if (keep > 0 && !conduit_history_view_select_run (self, keep))
    show_details (self, 0);
  else if (keep > 0)
    show_details (self, keep);
  self->reselecting = FALSE;
}

static void
apply_filters (ConduitHistoryView *self)
{
  guint status = gtk_drop_down_get_selected (self->status_dropdown);

  if (self->model == NULL)
    {
      update_empty (self);
      return;
    }
  conduit_run_list_model_set_unhandled (self->model,
                                        gtk_toggle_button_get_active (self->attention_button));
  conduit_run_list_model_set_filter (self->model,
                                     gtk_editable_get_text (GTK_EDITABLE (self->flow_entry)),
                                     status == 0 || status == GTK_INVALID_LIST_POSITION ? -1 : (int)status - 1,
                                     range_start (gtk_drop_down_get_selected (self->range_dropdown)),
                                     gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  reselect (self);
}

void
_conduit_history_view_runs_changed (ConduitHistoryView *self)
{
  if (self->model == NULL)
    return;
  /* The runner records through the writer thread; read what it has so far. */
  conduit_history_store_flush (self->store, NULL);
  conduit_run_list_model_refresh (self->model);
  reselect (self);
}

static gboolean
refresh_timeout (gpointer data)
{
  ConduitHistoryView *self = data;

  self->refresh_source = 0;
  _conduit_history_view_runs_changed (self);
  return G_SOURCE_REMOVE;
}

/* A running run's counts change with every node; under load that is many times a second, so
 * the list is read again at most four times a second for them. */
static void
node_finished (ConduitHistoryView *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (250, refresh_timeout, self);
}

/* ---- re-run ---- */

/**
 * conduit_history_view_describe_rerun:
 * @self: a history view
 * @run_id: the run to repeat
 * @failed_only: only its failed items
 *
 * Returns: (transfer full): what re-running would do, in words: which items, and which steps
 *   will call other systems again
 */
char *
conduit_history_view_describe_rerun (ConduitHistoryView *self,
                                     gint64              run_id,
                                     gboolean            failed_only)
{
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  GString *text;
  GListModel *nodes;
  gboolean any_side_effect = FALSE;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_VIEW (self), NULL);

  if (self->flow == NULL || self->store == NULL)
    return g_strdup (_("Open the flow to re-run it."));
  items = conduit_run_replay_items (self->store, run_id, failed_only, &run, &error);
  if (items == NULL)
    return g_strdup (error->message);

  text = g_string_new (NULL);
  g_string_append_printf (text,
                          failed_only
                            ? g_dngettext (NULL, "The flow “%s” as it is now runs again with the %u item that failed.",
                                           "The flow “%s” as it is now runs again with the %u items that failed.",
                                           items->len)
                            : g_dngettext (NULL, "The flow “%s” as it is now runs again with the same %u item.",
                                           "The flow “%s” as it is now runs again with the same %u items.",
                                           items->len),
                          conduit_flow_get_name (self->flow), items->len);

  nodes = conduit_flow_get_nodes (self->flow);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      const char *type = conduit_node_get_connector_id (node);

      if (g_strcmp0 (type, "http-request") != 0 && g_strcmp0 (type, "notify") != 0)
        continue;
      if (!any_side_effect)
        g_string_append (text, _("\n\nThese steps call other systems again:"));
      any_side_effect = TRUE;
      g_string_append_printf (text, "\n• %s", conduit_node_get_title (node) != NULL
                                                ? conduit_node_get_title (node)
                                                : conduit_node_get_id (node));
    }
  if (!any_side_effect)
    g_string_append (text, _("\n\nNo step calls another system."));
  return g_string_free (text, FALSE);
}

static void
rerun_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitHistoryView *self = g_task_get_source_object (task);
  gint64 old_id = *(gint64 *)g_task_get_task_data (task);
  GError *error = NULL;

  if (!conduit_run_execute_finish (CONDUIT_RUN (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Its items are in the new run now, which needs attention itself if it went wrong: the old
   * one no longer does (as `conduit-cli history rerun` marks it). */
  if (self->store != NULL && !conduit_history_store_mark_handled (self->store, &old_id, 1, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_object_ref (object), g_object_unref);
}

/* Starts the open flow with the items of @run_id that @choice picks. The new run is recorded
 * as a re-run, so the history does not call it an input file. */
static void
rerun_start (ConduitHistoryView  *self,
             gint64               run_id,
             ConduitReplayChoice  choice,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(ConduitRun) new_run = NULL;
  GError *error = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_history_view_rerun_async);
  g_task_set_task_data (task, g_memdup2 (&run_id, sizeof run_id), g_free);

  if (self->runner == NULL || self->flow == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("Open the flow to re-run it"));
      return;
    }
  items = conduit_run_replay_select (self->store, run_id, choice, &run, &error);
  if (items == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (items->len == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               choice == CONDUIT_REPLAY_UNSENT
                                 ? _("Every item of this run was sent; there is nothing to re-run")
                                 : _("This run has no item to re-run"));
      return;
    }
  new_run = conduit_runner_create_run (self->runner, self->flow,
                                       conduit_flow_lookup_node (self->flow, run->trigger_node) != NULL
                                         ? run->trigger_node : NULL,
                                       "rerun", items, &error);
  if (new_run == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  conduit_run_execute_async (new_run, cancellable, rerun_done, g_steal_pointer (&task));
}

/**
 * conduit_history_view_rerun_async:
 * @self: a history view
 * @run_id: the run to repeat
 * @failed_only: only its failed items
 * @cancellable: (nullable): a cancellable
 * @callback: called when the new run is over
 * @user_data: data for @callback
 *
 * Runs the view's flow, as it is now, with the input of @run_id (or its failed items), and
 * marks @run_id handled.
 */
void
conduit_history_view_rerun_async (ConduitHistoryView  *self,
                                  gint64               run_id,
                                  gboolean             failed_only,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_VIEW (self));

  rerun_start (self, run_id, failed_only ? CONDUIT_REPLAY_FAILED : CONDUIT_REPLAY_ALL,
               cancellable, callback, user_data);
}

ConduitRun *
conduit_history_view_rerun_finish (ConduitHistoryView  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_conduit_history_view_show_toast (ConduitHistoryView *self,
            const char         *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_message ("%s", text);
}

static void
show_all_runs (AdwToast           *toast,
               ConduitHistoryView *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (toast), "run-id"));

  conduit_history_view_set_attention (self, FALSE);
  conduit_history_view_set_filters (self, NULL, -1, CONDUIT_HISTORY_RANGE_ALL, NULL);
  conduit_history_view_select_run (self, id);
}

static void
rerun_finished (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (object);
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *overlay;
  AdwToast *toast;
  g_autofree char *text = NULL;
  g_autofree char *number = NULL;
  gint64 id;

  run = conduit_history_view_rerun_finish (self, result, &error);
  _conduit_history_view_runs_changed (self);
  if (run == NULL)
    {
      _conduit_history_view_show_toast (self, error->message);
      return;
    }
  id = conduit_run_get_id (run);
  if (conduit_history_view_select_run (self, id))
    return;

  /* The filters hide the new run: say where it went rather than seem to do nothing. */
  number = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  /* Translators: the first %s is a run's number, the second its status */
  text = g_strdup_printf (_("Re-run as run %s (%s); the filters hide it"), number,
                          status_label (conduit_run_get_record (run)->status));
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_message ("%s", text);
      return;
    }
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Show"));
  adw_toast_set_timeout (toast, 10);
  g_object_set_data (G_OBJECT (toast), "run-id", GSIZE_TO_POINTER ((gsize)id));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (show_all_runs), self, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
rerun_response (AdwMessageDialog   *dialog,
                const char         *response,
                ConduitHistoryView *self)
{
  gboolean failed_only = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "failed-only"));

  if (g_strcmp0 (response, "rerun") == 0)
    conduit_history_view_rerun_async (self, self->selected_id, failed_only, NULL, rerun_finished, NULL);
}

GtkWindow *
_conduit_history_view_parent_window (ConduitHistoryView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
rerun_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);
  gboolean failed_only = g_str_equal (action_name, "history.rerun-failed");
  g_autofree char *body = conduit_history_view_describe_rerun (self, self->selected_id, failed_only);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (_conduit_history_view_parent_window (self),
                                   failed_only ? _("Re-run the Failed Items?") : _("Re-run This Run?"),
                                   body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rerun", _("_Re-run"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rerun",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "failed-only", GINT_TO_POINTER (failed_only));
  g_signal_connect_object (dialog, "response", G_CALLBACK (rerun_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- runs that need attention ---- */

/* Items none of whose requests left cannot have acted anywhere: they go again without asking.
 * Those sent with the answer unknown stay for a person to check on the other side. */
static void
rerun_unsent_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);

  if (self->selected_id > 0)
    rerun_start (self, self->selected_id, CONDUIT_REPLAY_UNSENT, NULL, rerun_finished, NULL);
}

static void
mark_handled_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);
  g_autoptr(GError) error = NULL;
  gint64 id = self->selected_id;

  if (id <= 0 || self->store == NULL)
    return;
  if (!conduit_history_store_mark_handled (self->store, &id, 1, &error))
    _conduit_history_view_show_toast (self, error->message);
  _conduit_history_view_runs_changed (self);
  /* Still listed (the list shows every run): its details lose the attention row. */
  if (self->selected_id == id)
    show_details (self, id);
}

/* ---- the widget ---- */

static void
back_clicked (ConduitHistoryView *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->list_side);
}

static void
conduit_history_view_dispose (GObject *object)
{
  ConduitHistoryView *self = (ConduitHistoryView *)object;

  if (self->runner != NULL)
    {
      g_clear_signal_handler (&self->run_started_id, self->runner);
      g_clear_signal_handler (&self->run_finished_id, self->runner);
      g_clear_signal_handler (&self->node_finished_id, self->runner);
    }
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_HISTORY_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->runner);
  g_clear_object (&self->store);
  g_clear_object (&self->flow);
  g_clear_object (&self->document);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (conduit_history_view_parent_class)->dispose (object);
}

static void
conduit_history_view_class_init (ConduitHistoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_history_view_dispose;

  /* Referencing the resource keeps it linked in when the window is not. */
  (void)conduit_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, "/io/conduit/Conduit/conduit-history-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, list_side);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, details_side);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, range_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, flow_entry);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, filter_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, attention_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, attention_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, more_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, resolve_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, attention_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, run_list);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, back_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, details_box);

  gtk_widget_class_install_action (widget_class, "history.rerun", NULL, rerun_action);
  gtk_widget_class_install_action (widget_class, "history.rerun-failed", NULL, rerun_action);
  gtk_widget_class_install_action (widget_class, "history.rerun-unsent", NULL, rerun_unsent_action);
  gtk_widget_class_install_action (widget_class, "history.mark-handled", NULL, mark_handled_action);
  _conduit_history_view_class_actions_init (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "conduit-history-view");
}

static void
conduit_history_view_init (ConduitHistoryView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_type_ensure (ADW_TYPE_LEAFLET);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed), self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->run_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->run_list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->run_list, "activate", G_CALLBACK (run_activated), self);
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (back_clicked), self);

  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (apply_filters), self);
  g_signal_connect_swapped (self->flow_entry, "changed", G_CALLBACK (apply_filters), self);
  g_signal_connect_swapped (self->status_dropdown, "notify::selected", G_CALLBACK (apply_filters), self);
  g_signal_connect_swapped (self->range_dropdown, "notify::selected", G_CALLBACK (apply_filters), self);
  g_signal_connect_swapped (self->attention_button, "toggled", G_CALLBACK (apply_filters), self);

  name_menu_button (self->more_button, _("More history actions"));
  name_menu_button (self->resolve_button,
                    _("Resolve this run: re-run its unsent or all items, or mark it handled"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export-list", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.delete-listed", FALSE);
  show_details (self, 0);
  update_empty (self);
}

GtkWidget *
conduit_history_view_new (void)
{
  return g_object_new (CONDUIT_TYPE_HISTORY_VIEW, NULL);
}

/**
 * conduit_history_view_set_store:
 * @self: a history view
 * @store: (nullable): the history to show
 */
void
conduit_history_view_set_store (ConduitHistoryView  *self,
                                ConduitHistoryStore *store)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_VIEW (self));
  g_return_if_fail (store == NULL || CONDUIT_IS_HISTORY_STORE (store));

  if (self->store == store)
    return;
  g_set_object (&self->store, store);
  g_clear_object (&self->model);
  self->selected_id = 0;
  if (store != NULL)
    {
      self->model = conduit_run_list_model_new (store);
      g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_empty), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->model));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export-list", self->model != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.delete-listed", self->model != NULL);
  apply_filters (self);
  show_details (self, 0);
  update_empty (self);
}

/**
 * conduit_history_view_set_runner:
 * @self: a history view
 * @runner: (nullable): the runner whose history to show live, and which re-runs
 */
void
conduit_history_view_set_runner (ConduitHistoryView *self,
                                 ConduitRunner      *runner)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_VIEW (self));
  g_return_if_fail (runner == NULL || CONDUIT_IS_RUNNER (runner));

  if (self->runner == runner)
    return;
  if (self->runner != NULL)
    {
      g_clear_signal_handler (&self->run_started_id, self->runner);
      g_clear_signal_handler (&self->run_finished_id, self->runner);
      g_clear_signal_handler (&self->node_finished_id, self->runner);
    }
  g_set_object (&self->runner, runner);
  if (runner != NULL)
    {
      self->run_started_id = g_signal_connect_swapped (runner, "run-started",
                                                       G_CALLBACK (_conduit_history_view_runs_changed), self);
      self->run_finished_id = g_signal_connect_swapped (runner, "run-finished",
                                                        G_CALLBACK (_conduit_history_view_runs_changed), self);
      self->node_finished_id = g_signal_connect_swapped (runner, "node-finished",
                                                         G_CALLBACK (node_finished), self);
    }
  conduit_history_view_set_store (self, runner != NULL ? conduit_runner_get_history (runner) : NULL);
  show_details (self, self->selected_id);
}

/**
 * conduit_history_view_set_flow:
 * @self: a history view
 * @flow: (nullable): the open flow, as re-runs use it
 */
void
conduit_history_view_set_flow (ConduitHistoryView *self,
                               ConduitFlow        *flow)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_VIEW (self));

  if (g_set_object (&self->flow, flow))
    show_details (self, self->selected_id);
}

ConduitRunListModel *
conduit_history_view_get_model (ConduitHistoryView *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_VIEW (self), NULL);
  return self->model;
}

/**
 * conduit_history_view_set_filters:
 * @self: a history view
 * @flow: (nullable): only this flow
 * @status: a #ConduitRunStatus, or -1 for any
 * @range: how far back
 * @text: (nullable): text to look for in errors and items
 *
 * Sets the filter controls, as the user would.
 */
void
conduit_history_view_set_filters (ConduitHistoryView  *self,
                                  const char          *flow,
                                  int                  status,
                                  ConduitHistoryRange  range,
                                  const char          *text)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_VIEW (self));

  g_signal_handlers_block_by_func (self->search_entry, apply_filters, self);
  g_signal_handlers_block_by_func (self->flow_entry, apply_filters, self);
  g_signal_handlers_block_by_func (self->status_dropdown, apply_filters, self);
  g_signal_handlers_block_by_func (self->range_dropdown, apply_filters, self);
  gtk_editable_set_text (GTK_EDITABLE (self->flow_entry), flow != NULL ? flow : "");
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  gtk_drop_down_set_selected (self->status_dropdown, status < 0 ? 0 : (guint)status + 1);
  gtk_drop_down_set_selected (self->range_dropdown, range);
  g_signal_handlers_unblock_by_func (self->search_entry, apply_filters, self);
  g_signal_handlers_unblock_by_func (self->flow_entry, apply_filters, self);
  g_signal_handlers_unblock_by_func (self->status_dropdown, apply_filters, self);
  g_signal_handlers_unblock_by_func (self->range_dropdown, apply_filters, self);
  apply_filters (self);
}

/**
 * conduit_history_view_select_run:
 * @self: a history view
 * @run_id: a run
 *
 * Selects @run_id if the list shows it, and shows its details.
 *
 * Returns: whether the list shows @run_id
 */
gboolean
conduit_history_view_select_run (ConduitHistoryView *self,
                                 gint64              run_id)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_VIEW (self), FALSE);

  if (self->model == NULL)
    return FALSE;
  model = G_LIST_MODEL (self->model);
  n = g_list_model_get_n_items (model);
  /* Newest first, and ids grow: a binary search finds it without reading the whole list. */
  for (guint lo = 0, hi = n; lo < hi;)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(ConduitRunRow) row = g_list_model_get_item (model, mid);
      gint64 id = conduit_run_row_get_id (row);

      if (id == run_id)
        {
          self->selected_id = 0;
          gtk_single_selection_set_selected (self->selection, mid);
          if (self->selected_id != run_id)
            show_details (self, run_id);
          /* A refresh keeps the selection but must not pull the list away from where the user
           * scrolled. */
          if (!self->reselecting)
            gtk_widget_activate_action (GTK_WIDGET (self->run_list), "list.scroll-to-item", "u", mid);
          return TRUE;
        }
      if (id > run_id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

gint64
conduit_history_view_get_selected_run (ConduitHistoryView *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_VIEW (self), 0);
  return self->selected_id;
}

/**
 * conduit_history_view_set_attention:
 * @self: a history view
 * @attention: list only the runs that need attention
 *
 * Turns the "Runs that need attention" view on or off, as its button does: failed and
 * interrupted runs that nobody has re-run or marked handled.
 */
void
conduit_history_view_set_attention (ConduitHistoryView *self,
                                    gboolean            attention)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_VIEW (self));
  gtk_toggle_button_set_active (self->attention_button, attention);
}
