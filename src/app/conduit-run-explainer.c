/* conduit-run-explainer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run-explainer"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include <libsoup/soup.h>

#include "conduit-run-explainer.h"

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

  if (g_str_equal (kind, "bad_response"))
    return g_strdup_printf (_("The server accepted the request but answered with something that "
                              "is not valid JSON, so the next steps got nothing: %s"), message);

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
