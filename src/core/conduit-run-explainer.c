/* conduit-run-explainer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run-explainer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "conduit-run-explainer.h"
#include "conduit-run.h"

/* The engine's messages name URLs and error codes, which is right for a log but not for the
 * person who pressed Run: this turns one failure into a sentence that says what to do next.
 * It only reads its argument, so it is tested without a display. */

/* "host:port" of @url, with the scheme's default port, or @url itself when it is no URL. */
static char *
dup_host_port (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  int port;

  if (url == NULL || *url == '\0')
    return g_strdup (_("the server"));

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);

  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
  return g_strdup_printf ("%s:%d", g_uri_get_host (uri), port);
}

static char *
dup_status_words (guint status)
{
  /* libsoup 3.2 lacks some phrases APIs answer with every day (429, 422). The phrases stay in
   * English, as servers send them and as people search for them. */
  static const struct { guint status; const char *phrase; } phrases[] = {
    { 422, "Unprocessable Entity" },
    { 429, "Too Many Requests" },
  };
  const char *phrase = soup_status_get_phrase (status);

  for (guint i = 0; i < G_N_ELEMENTS (phrases); i++)
    if (phrases[i].status == status)
      phrase = phrases[i].phrase;

  if (phrase == NULL || *phrase == '\0' || g_str_equal (phrase, "Unknown Error"))
    return g_strdup_printf ("%u", status);
  return g_strdup_printf ("%u %s", status, phrase);
}

static char *
dup_tries (guint attempts)
{
  if (attempts <= 1)
    return g_strdup ("");
  /* Translators: appended to a sentence about a failed request */
  return g_strdup_printf (ngettext ("; Conduit tried %u time", "; Conduit tried %u times",
                                       attempts),
                          attempts);
}

static char *
explain_http (const ConduitRunProblem *problem)
{
  g_autofree char *status = dup_status_words (problem->http_status);
  g_autofree char *tries = dup_tries (problem->attempts);
  guint code = problem->http_status;

  if (code == 401 || code == 403)
    {
      if (problem->credential != NULL && *problem->credential != '\0')
        return g_strdup_printf (_("The server answered %s — check the credential “%s”"),
                                status, problem->credential);
      return g_strdup_printf (_("The server answered %s — this step has no credential: choose "
                                "one in its settings"), status);
    }

  if (code == 404 || code == 410)
    return g_strdup_printf (_("The server answered %s — the address may be wrong: %s"),
                            status, problem->url ? problem->url : _("check the URL"));

  if (code == 429)
    return g_strdup_printf (_("The server answered %s: it asked us to slow down%s. Try again "
                              "later, or send fewer items at a time"), status, tries);

  if (code >= 500)
    return g_strdup_printf (_("The server answered %s: the problem is on its side%s. Try again "
                              "later, or tell whoever runs it"), status, tries);

  if (code == 400 || code == 409 || code == 422)
    return g_strdup_printf (_("The server answered %s: it refused the data it was sent — "
                              "compare the items going in with what it expects"), status);

  return g_strdup_printf (_("The server answered %s%s"), status, tries);
}

/**
 * conduit_run_explain:
 * @problem: what the engine recorded about a failure
 *
 * Returns: (transfer full): one sentence for a person who is not a programmer
 */
char *
conduit_run_explain (const ConduitRunProblem *problem)
{
  const char *kind;
  const char *message;

  g_return_val_if_fail (problem != NULL, NULL);

  kind = problem->kind ? problem->kind : "";
  message = problem->message ? problem->message : "";

  /* By kind, never by the message's words: those are in the user's language. */
  if (g_str_equal (kind, "credential-missing"))
    return g_strdup_printf (_("The credential “%s” is not in your keyring — add it in Credentials"),
                            problem->credential ? problem->credential : "?");
  if (g_str_equal (kind, "credential-locked"))
    return g_strdup_printf (_("Your keyring is locked, so the credential “%s” could not be read — "
                              "unlock it and run again"),
                            problem->credential ? problem->credential : "?");
  if (g_str_equal (kind, "credential-rejected"))
    return g_strdup_printf (_("The credential “%s” was refused — check it in Credentials"),
                            problem->credential ? problem->credential : "?");
  if (g_str_equal (kind, "credential-needs-sign-in"))
    return g_strdup_printf (_("The sign-in of “%s” has ended — open Credentials and sign in "
                              "again"), problem->credential ? problem->credential : "?");
  if (g_str_equal (kind, "credential"))
    {
      if (*message != '\0')
        return g_strdup_printf (_("The credential “%s” cannot be used: %s"),
                                problem->credential ? problem->credential : "?", message);
      return g_strdup_printf (_("The credential “%s” cannot be used — check it in Credentials"),
                              problem->credential ? problem->credential : "?");
    }

  if (g_str_equal (kind, "http") && problem->http_status > 0)
    return explain_http (problem);

  if (g_str_equal (kind, "network"))
    {
      g_autofree char *where = dup_host_port (problem->url);

      if (problem->attempts > 1)
        return g_strdup_printf (_("Could not reach %s after %u tries — is the server running?"),
                                where, problem->attempts);
      return g_strdup_printf (_("Could not reach %s — is the server running?"), where);
    }

  if (g_str_equal (kind, "timeout"))
    {
      g_autofree char *where = dup_host_port (problem->url);
      g_autofree char *tries = dup_tries (problem->attempts);
      return g_strdup_printf (_("%s did not answer in time%s. The server may be busy, or the "
                                "timeout too short"), where, tries);
    }

  if (g_str_equal (kind, "outcome-unknown"))
    {
      g_autofree char *where = dup_host_port (problem->url);
      return g_strdup_printf (_("%s got the request but did not answer in time, so whether it "
                                "acted is unknown. It was not sent again, as that could act "
                                "twice — check on %s before re-running this item, or give the "
                                "step an idempotency key"), where, where);
    }

  if (g_str_equal (kind, "bad_response"))
    return g_strdup_printf (_("The server accepted the request but answered with something that "
                              "is not valid JSON, so the next steps got nothing: %s"), message);

  /* Send E-mail: the message carries the server's own code and words (“550 5.1.1 …”) */
  if (g_str_equal (kind, "mail"))
    return g_strdup_printf (_("The mail server did not take this message: %s"), message);

  /* SFTP steps (conduit_sftp_error_kind()): the message names the server and the path */
  if (g_str_equal (kind, "sftp-not-found"))
    return g_strdup_printf (_("The file or folder is not on the SFTP server: %s"), message);
  if (g_str_equal (kind, "sftp-permission"))
    return g_strdup_printf (_("The SFTP server does not let this user do that — ask its admin "
                              "for access: %s"), message);
  if (g_str_equal (kind, "sftp-too-large"))
    return g_strdup_printf (_("The file is larger than the step may download — raise “Largest "
                              "file (MB)” if it is expected: %s"), message);
  if (g_str_equal (kind, "sftp-connect") || g_str_equal (kind, "sftp"))
    return g_strdup_printf (_("The SFTP transfer failed: %s"), message);

  if (g_str_equal (kind, "invalid"))
    return g_strdup_printf (_("A setting of this step does not work for this item: %s"), message);

  if (g_str_equal (kind, "rejected"))
    {
      g_autofree char *count = g_strdup_printf (ngettext (
                                                             "%u record was refused by the mapping",
                                                             "%u records were refused by the mapping",
                                                             problem->n_records),
                                                problem->n_records);
      if (*message == '\0')
        return g_steal_pointer (&count);
      return g_strdup_printf (_("%s: first reason: %s"), count, message);
    }

  if (*message == '\0')
    return g_strdup (_("This step failed without saying why; the run history has its details"));

  /* Unknown kinds: the engine's message is already meant for people, just make it a sentence. */
  {
    g_autofree char *first = g_utf8_strup (message, g_utf8_next_char (message) - message);
    return g_strconcat (first, g_utf8_next_char (message), NULL);
  }
}

/* The first item that left through an error port, which carries the engine's
 * {"item", "error": {"kind", "message", "http_status", "attempts"}}. */
static JsonObject *
first_error (ConduitRun       *run,
             ConduitNode      *node,
             ConduitConnector *connector,
             const char      **port_id)
{
  GPtrArray *ports = connector ? conduit_connector_get_outputs (connector) : NULL;

  for (guint i = 0; ports != NULL && i < ports->len; i++)
    {
      const ConduitPortSpec *port = g_ptr_array_index (ports, i);
      GPtrArray *items;
      JsonNode *item;

      if (!port->is_error)
        continue;
      items = conduit_run_get_node_output (run, conduit_node_get_id (node), port->id);
      if (items == NULL || items->len == 0)
        continue;

      item = g_ptr_array_index (items, 0);
      *port_id = port->id;
      if (JSON_NODE_HOLDS_OBJECT (item))
        return json_node_get_object (item);
      return NULL;
    }

  return NULL;
}

static const char *
object_string (JsonObject *object,
               const char *member)
{
  JsonNode *value = object ? json_object_get_member (object, member) : NULL;

  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_STRING)
    return json_node_get_string (value);
  return NULL;
}

static guint
object_uint (JsonObject *object,
             const char *member)
{
  JsonNode *value = object ? json_object_get_member (object, member) : NULL;

  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_INT64)
    return (guint)CLAMP (json_node_get_int (value), 0, G_MAXUINT);
  return 0;
}

/**
 * conduit_run_explain_node:
 * @run: a finished or running run
 * @node: a node of the run's flow
 * @connector: (nullable): @node's connector
 *
 * The plain sentence for what went wrong at @node in @run — its own error, or the first item
 * that left through an error port — with what to do next, secrets of the run redacted. The
 * app's run panel and `conduit-cli run` print the same sentence.
 *
 * Returns: (transfer full) (nullable): the sentence, or %NULL when nothing went wrong there
 */
char *
conduit_run_explain_node (ConduitRun       *run,
                          ConduitNode      *node,
                          ConduitConnector *connector)
{
  const char *node_id;
  const char *node_error;
  const char *port_id = NULL;
  JsonObject *failure;
  JsonObject *error = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *url = NULL;
  ConduitRunProblem problem = { 0 };
  g_autofree char *sentence = NULL;
  guint items_in = 0, items_ok = 0, items_failed = 0, items_rejected = 0;

  g_return_val_if_fail (CONDUIT_IS_RUN (run), NULL);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);

  node_id = conduit_node_get_id (node);
  node_error = conduit_run_get_node_error (run, node_id);
  failure = first_error (run, node, connector, &port_id);
  if (node_error == NULL && failure == NULL)
    return NULL;

  conduit_run_get_node_counts (run, node_id, &items_in, &items_ok, &items_failed,
                               &items_rejected);
  credential = conduit_node_dup_string_setting (node, connector, "credential");
  url = conduit_node_dup_string_setting (node, connector, "url");
  problem.credential = credential;
  problem.url = url;

  if (node_error != NULL)
    {
      problem.kind = conduit_run_get_node_error_kind (run, node_id);
      problem.message = node_error;
    }
  else
    {
      JsonNode *error_node = json_object_get_member (failure, "error");

      if (error_node != NULL && JSON_NODE_HOLDS_OBJECT (error_node))
        error = json_node_get_object (error_node);
      problem.kind = object_string (error, "kind");
      problem.message = object_string (error, "message");
      problem.http_status = object_uint (error, "http_status");
      problem.attempts = object_uint (error, "attempts");
      if (g_strcmp0 (port_id, "rejected") == 0)
        {
          problem.kind = "rejected";
          problem.n_records = items_rejected;
        }
    }

  sentence = conduit_run_explain (&problem);
  if (node_error == NULL && g_strcmp0 (problem.kind, "rejected") != 0 && items_failed > 1)
    {
      /* Translators: %u items failed; then the explanation of the first failure */
      g_autofree char *counted = g_strdup_printf (ngettext ("%u item failed. The first: %s",
                                                            "%u items failed. The first: %s",
                                                            items_failed),
                                                  items_failed, sentence);
      g_free (sentence);
      sentence = g_steal_pointer (&counted);
    }

  return conduit_run_redact (run, sentence);
}

static const char *
node_name (ConduitNode *node)
{
  const char *title = conduit_node_get_title (node);

  return title != NULL && *title != '\0' ? title : conduit_node_get_id (node);
}

/**
 * conduit_run_summarize:
 * @run: a finished run
 *
 * One line on how @run went, for the app's toast after a test run: which steps failed items
 * and which rejected records, by their titles — a record a mapping rejected is not a failure,
 * and says so ("Run finished with problems: 1 record rejected by Map Fields — see why").
 *
 * Returns: (transfer full): the line
 */
char *
conduit_run_summarize (ConduitRun *run)
{
  GListModel *nodes;
  g_autoptr(GPtrArray) parts = NULL;
  guint n_ok = 0;

  g_return_val_if_fail (CONDUIT_IS_RUN (run), NULL);

  switch (conduit_run_get_status (run))
    {
    case CONDUIT_RUN_STATUS_CANCELLED:
    case CONDUIT_RUN_STATUS_INTERRUPTED:
      return g_strdup (_("Run stopped"));
    default:
      break;
    }

  nodes = conduit_flow_get_nodes (conduit_run_get_flow (run));
  parts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      const char *id = conduit_node_get_id (node);
      const char *state = conduit_run_get_node_state (run, id);
      guint in = 0, ok = 0, failed = 0, rejected = 0;

      conduit_run_get_node_counts (run, id, &in, &ok, &failed, &rejected);
      if (g_strcmp0 (state, "ok") == 0)
        n_ok++;
      if (failed > 0)
        g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u item failed at %s",
                                                           "%u items failed at %s", failed),
                                                 failed, node_name (node)));
      else if (g_strcmp0 (state, "failed") == 0 && rejected == 0)
        g_ptr_array_add (parts, g_strdup_printf (_("%s failed"), node_name (node)));
      if (rejected > 0)
        g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u record rejected by %s",
                                                           "%u records rejected by %s", rejected),
                                                 rejected, node_name (node)));
    }

  if (conduit_run_get_status (run) == CONDUIT_RUN_STATUS_SUCCEEDED)
    return g_strdup_printf (ngettext ("Run finished: %u step succeeded",
                                      "Run finished: %u steps succeeded", n_ok), n_ok);

  if (parts->len == 0)
    return g_strdup (_("Run finished with problems: some items did not get through"));

  g_ptr_array_add (parts, NULL);
  {
    g_autofree char *joined = g_strjoinv ("; ", (char **)parts->pdata);

    /* Translators: what went wrong in a test run; the step's panel says why */
    return g_strdup_printf (_("Run finished with problems: %s — see why"), joined);
  }
}
