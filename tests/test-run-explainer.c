/* test-run-explainer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "conduit-run-explainer.h"

/* Each failure the engine can report, and the sentence a person should read for it. */
typedef struct
{
  const char        *name;
  ConduitRunProblem  problem;
  const char        *expected;
} Case;

static const Case cases[] = {
  { "401-with-credential",
    { "http", 401, "http://127.0.0.1:8788/crm answered 401 Unauthorized", "http://127.0.0.1:8788/crm",
      "HubSpot key", 1, 0 },
    "The server answered 401 Unauthorized — check the credential “HubSpot key”" },
  { "403-with-credential",
    { "http", 403, NULL, NULL, "crm-api-key", 1, 0 },
    "The server answered 403 Forbidden — check the credential “crm-api-key”" },
  { "401-without-credential",
    { "http", 401, NULL, NULL, NULL, 1, 0 },
    "The server answered 401 Unauthorized — this step has no credential: choose one in its settings" },
  { "404",
    { "http", 404, NULL, "http://127.0.0.1:8788/crm/v3/contcts", NULL, 1, 0 },
    "The server answered 404 Not Found — the address may be wrong: http://127.0.0.1:8788/crm/v3/contcts" },
  { "429-retried",
    { "http", 429, NULL, "https://api.example.com/x", NULL, 4, 0 },
    "The server answered 429 Too Many Requests: it asked us to slow down; Conduit tried 4 times. "
    "Try again later, or send fewer items at a time" },
  { "503-retried",
    { "http", 503, NULL, "https://api.example.com/x", NULL, 3, 0 },
    "The server answered 503 Service Unavailable: the problem is on its side; Conduit tried 3 "
    "times. Try again later, or tell whoever runs it" },
  { "500-once",
    { "http", 500, NULL, NULL, NULL, 1, 0 },
    "The server answered 500 Internal Server Error: the problem is on its side. Try again later, "
    "or tell whoever runs it" },
  { "422",
    { "http", 422, NULL, NULL, NULL, 1, 0 },
    "The server answered 422 Unprocessable Entity: it refused the data it was sent — compare the "
    "items going in with what it expects" },
  { "405-other",
    { "http", 405, NULL, NULL, NULL, 2, 0 },
    "The server answered 405 Method Not Allowed; Conduit tried 2 times" },
  { "499-no-phrase",
    { "http", 499, NULL, NULL, NULL, 1, 0 },
    "The server answered 499" },
  { "connection-refused",
    { "network", 0, "could not reach http://127.0.0.1:8788/crm: Connection refused",
      "http://127.0.0.1:8788/crm", NULL, 4, 0 },
    "Could not reach 127.0.0.1:8788 after 4 tries — is the server running?" },
  { "connection-refused-default-port",
    { "network", 0, NULL, "https://crm.example.com/contacts", NULL, 1, 0 },
    "Could not reach crm.example.com:443 — is the server running?" },
  { "timeout",
    { "timeout", 0, NULL, "http://127.0.0.1:9/slow", NULL, 2, 0 },
    "127.0.0.1:9 did not answer in time; Conduit tried 2 times. The server may be busy, or the "
    "timeout too short" },
  { "missing-credential",
    { "credential-missing", 0, "Zugangsdaten „HubSpot key“ sind nicht im Schlüsselbund", NULL,
      "HubSpot key", 0, 0 },
    "The credential “HubSpot key” is not in your keyring — add it in Credentials" },
  { "locked-keyring",
    { "credential-locked", 0, NULL, NULL, "crm-api-key", 0, 0 },
    "Your keyring is locked, so the credential “crm-api-key” could not be read — unlock it and "
    "run again" },
  { "refused-credential",
    { "credential-rejected", 0, "the token endpoint refused it", NULL, "crm", 0, 0 },
    "The credential “crm” was refused — check it in Credentials" },
  { "sign-in-revoked",
    { "credential-needs-sign-in", 0, "invalid_grant", NULL, "google-sheets", 0, 0 },
    "The sign-in of “google-sheets” has ended — open Credentials and sign in again" },
  { "other-credential-problem",
    { "credential", 0, "the token URL must start with https://", NULL, "crm", 0, 0 },
    "The credential “crm” cannot be used: the token URL must start with https://" },
  { "english-words-are-not-a-kind",
    { NULL, 0, "credential “crm-api-key” is not in your keyring", NULL, "crm-api-key", 0, 0 },
    "Credential “crm-api-key” is not in your keyring" },
  { "rejected-many",
    { "rejected", 0, "email: “ada@” is not an email address", NULL, NULL, 0, 3 },
    "3 records were refused by the mapping: first reason: email: “ada@” is not an email address" },
  { "rejected-one-no-reason",
    { "rejected", 0, NULL, NULL, NULL, 0, 1 },
    "1 record was refused by the mapping" },
  { "bad-response",
    { "bad_response", 200, "http://x/ answered 200 but its JSON is not valid: line 1", NULL, NULL, 1, 0 },
    "The server accepted the request but answered with something that is not valid JSON, so the "
    "next steps got nothing: http://x/ answered 200 but its JSON is not valid: line 1" },
  { "mail-recipient-refused",
    { "mail", 0, "127.0.0.1:2525 refused the recipient <nobody@example.com>: 550 5.1.1 User unknown",
      NULL, NULL, 1, 0 },
    "The mail server did not take this message: 127.0.0.1:2525 refused the recipient "
    "<nobody@example.com>: 550 5.1.1 User unknown" },
  { "sftp-missing-file",
    { "sftp-not-found", 0, "Cannot open “/in/a.csv” on 127.0.0.1:2222: no such file or folder",
      NULL, NULL, 1, 0 },
    "The file or folder is not on the SFTP server: Cannot open “/in/a.csv” on 127.0.0.1:2222: no "
    "such file or folder" },
  { "sftp-permission",
    { "sftp-permission", 0, "Cannot write “/etc/x” on h:22: permission denied", NULL, NULL, 1, 0 },
    "The SFTP server does not let this user do that — ask its admin for access: Cannot write "
    "“/etc/x” on h:22: permission denied" },
  { "sftp-too-large",
    { "sftp-too-large", 0, "“/big.csv” on h:22 is larger than the step's limit of 1048576 bytes",
      NULL, NULL, 1, 0 },
    "The file is larger than the step may download — raise “Largest file (MB)” if it is "
    "expected: “/big.csv” on h:22 is larger than the step's limit of 1048576 bytes" },
  { "sftp-connection-lost",
    { "sftp-connect", 0, "Cannot read “/a” on h:22: the connection was lost", NULL, NULL, 1, 0 },
    "The SFTP transfer failed: Cannot read “/a” on h:22: the connection was lost" },
  { "invalid-setting",
    { "invalid", 0, "“{{url}}” is not a web address (http:// or https://)", NULL, NULL, 0, 0 },
    "A setting of this step does not work for this item: “{{url}}” is not a web address (http:// "
    "or https://)" },
  { "unknown-kind-capitalised",
    { "disk", 0, "écriture impossible dans /tmp/out.csv", NULL, NULL, 0, 0 },
    "Écriture impossible dans /tmp/out.csv" },
  { "nothing-known",
    { NULL, 0, NULL, NULL, NULL, 0, 0 },
    "This step failed without saying why; the run history has its details" },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *sentence = conduit_run_explain (&c->problem);

  g_assert_cmpstr (sentence, ==, c->expected);
}

int
main (int   argc,
      char *argv[])
{
  /* The sentences are checked in English, whatever the machine's language. */
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/conduit/run-explainer/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }

  return g_test_run ();
}
