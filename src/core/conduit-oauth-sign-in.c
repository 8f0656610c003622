/* conduit-oauth-sign-in.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-oauth"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/random.h>

#include "conduit-oauth-sign-in.h"
#include "conduit-oauth-token.h"
#include "conduit-redactor.h"

/* One browser sign-in of an oauth2-authorization-code credential, as RFC 8252 asks of a
 * native app: PKCE with S256 (RFC 7636), a random state checked on return, the system browser
 * (the caller opens the address; this engine has no GTK) and a one-shot redirect listener on
 * the literal 127.0.0.1 — not "localhost", which may resolve elsewhere — on a port the system
 * picks. The listener takes one answer, shows a small page telling the person to go back to
 * Conduit, and closes; it also closes when nobody answers in time.
 */

struct _ConduitOAuthSignIn
{
  GObject            parent_instance;

  SoupSession       *session;
  ConduitCredential *credential;
  guint              timeout_seconds;
  guint16            port;

  SoupServer        *server;
  char              *uri;
  char              *redirect_uri;
  char              *state;
  char              *verifier;

  GTask             *task;        /* the wait in progress */
  GSource           *timeout;
  GCancellable      *cancellable; /* the wait's, while it runs */
  gulong             cancelled_id;
  char              *code;        /* the answer, until the wait takes it */
  GError            *error;       /* or the failure it brought */
  guint              answered : 1;
};

G_DEFINE_FINAL_TYPE (ConduitOAuthSignIn, conduit_oauth_sign_in, G_TYPE_OBJECT)

static void
wipe_string (char **text)
{
  if (*text != NULL)
    explicit_bzero (*text, strlen (*text));
  g_clear_pointer (text, g_free);
}

static void
stop_listening (ConduitOAuthSignIn *self)
{
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

static void
conduit_oauth_sign_in_dispose (GObject *object)
{
  ConduitOAuthSignIn *self = (ConduitOAuthSignIn *)object;

  g_assert (self->task == NULL);

  if (self->timeout != NULL)
    g_source_destroy (self->timeout);
  g_clear_pointer (&self->timeout, g_source_unref);
  stop_listening (self);
  g_clear_object (&self->session);
  g_clear_object (&self->credential);

  G_OBJECT_CLASS (conduit_oauth_sign_in_parent_class)->dispose (object);
}

static void
conduit_oauth_sign_in_finalize (GObject *object)
{
  ConduitOAuthSignIn *self = (ConduitOAuthSignIn *)object;

  g_free (self->uri);
  g_free (self->redirect_uri);
  wipe_string (&self->state);
  wipe_string (&self->verifier);
  wipe_string (&self->code);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (conduit_oauth_sign_in_parent_class)->finalize (object);
}

static void
conduit_oauth_sign_in_class_init (ConduitOAuthSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_oauth_sign_in_dispose;
  object_class->finalize = conduit_oauth_sign_in_finalize;
}

static void
conduit_oauth_sign_in_init (ConduitOAuthSignIn *self)
{
  self->timeout_seconds = CONDUIT_OAUTH_SIGN_IN_DEFAULT_TIMEOUT_SECONDS;
}

/**
 * conduit_oauth_sign_in_new:
 * @session: the session whose network settings the token exchange follows
 * @credential: an oauth2-authorization-code credential with its URLs and client id
 *
 * Returns: (transfer full): a sign-in, not started yet
 */
ConduitOAuthSignIn *
conduit_oauth_sign_in_new (SoupSession       *session,
                           ConduitCredential *credential)
{
  ConduitOAuthSignIn *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (conduit_credential_get_kind (credential) ==
                        CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE, NULL);

  self = g_object_new (CONDUIT_TYPE_OAUTH_SIGN_IN, NULL);
  self->session = g_object_ref (session);
  self->credential = conduit_credential_copy (credential);

  return self;
}

/**
 * conduit_oauth_sign_in_set_timeout:
 * @self: a sign-in
 * @seconds: how long to wait for the browser's answer, from conduit_oauth_sign_in_wait_async()
 */
void
conduit_oauth_sign_in_set_timeout (ConduitOAuthSignIn *self,
                                   guint               seconds)
{
  g_return_if_fail (CONDUIT_IS_OAUTH_SIGN_IN (self));
  g_return_if_fail (seconds > 0);

  self->timeout_seconds = seconds;
}

/**
 * conduit_oauth_sign_in_set_port:
 * @self: a sign-in, not started
 * @port: the loopback port to listen on; 0 (the default) lets the system pick one, as RFC 8252
 *   asks. Only for a provider that insists on a registered port.
 */
void
conduit_oauth_sign_in_set_port (ConduitOAuthSignIn *self,
                                guint16             port)
{
  g_return_if_fail (CONDUIT_IS_OAUTH_SIGN_IN (self));
  g_return_if_fail (self->server == NULL);

  self->port = port;
}

/* base64url without padding (RFC 7636 appendix A) */
static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);

  for (char *p = text; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }

  return text;
}

static char *
random_token (gsize    n_bytes,
              GError **error)
{
  guint8 bytes[64];
  gsize done = 0;
  char *text;

  g_assert (n_bytes <= sizeof bytes);

  while (done < n_bytes)
    {
      ssize_t n = getrandom (bytes + done, n_bytes - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                       _("the system gave no random numbers to sign in with: %s"),
                       g_strerror (errno));
          return NULL;
        }
      done += (gsize)n;
    }

  text = base64url (bytes, n_bytes);
  explicit_bzero (bytes, sizeof bytes);
  return text;
}

static char *
pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *)verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  return base64url (digest, length);
}

static void
append_parameter (GString    *uri,
                  const char *name,
                  const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_printf (uri, "&%s=%s", name, escaped);
}

static void page_reply (SoupServerMessage *msg,
                        guint              status,
                        const char        *headline,
                        const char        *text);

static void
complete_wait (ConduitOAuthSignIn *self);

static gboolean
disconnect_server (gpointer data)
{
  soup_server_disconnect (data);
  return G_SOURCE_REMOVE;
}

/* The listener takes one answer: once its page is sent, it closes. */
static void
on_answer_finished (SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, disconnect_server, g_object_ref (user_data),
                   g_object_unref);
}

static void
handle_redirect (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  ConduitOAuthSignIn *self = user_data;
  const char *id = conduit_credential_get_id (self->credential);
  const char *state;
  const char *code;
  const char *error_code;

  g_assert (CONDUIT_IS_OAUTH_SIGN_IN (self));

  /* a browser also asks for /favicon.ico and the like; only the redirect itself counts */
  if (g_strcmp0 (path, "/") != 0 || soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (self->answered)
    {
      page_reply (msg, SOUP_STATUS_GONE, _("This sign-in is over"),
                  _("Conduit already received an answer. Go back to Conduit."));
      return;
    }

  state = query ? g_hash_table_lookup (query, "state") : NULL;
  code = query ? g_hash_table_lookup (query, "code") : NULL;
  error_code = query ? g_hash_table_lookup (query, "error") : NULL;

  if (code == NULL && error_code == NULL)
    {
      /* not an OAuth answer at all (a person typing the address): keep waiting */
      page_reply (msg, SOUP_STATUS_BAD_REQUEST, _("Nothing to sign in with"),
                  _("This address only takes the answer of a sign-in Conduit started."));
      return;
    }

  self->answered = TRUE;
  g_signal_connect_object (msg, "finished", G_CALLBACK (on_answer_finished), server, 0);

  if (g_strcmp0 (state, self->state) != 0)
    {
      g_set_error (&self->error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("the answer to the sign-in of credential “%s” does not belong to it (its "
                     "“state” differs): sign in again from Conduit"), id);
      page_reply (msg, SOUP_STATUS_BAD_REQUEST, _("This answer is not for Conduit"),
                  _("It does not belong to the sign-in Conduit started. Go back to Conduit "
                    "and sign in again."));
    }
  else if (error_code != NULL)
    {
      const char *description = g_hash_table_lookup (query, "error_description");
      g_autofree char *why = description ? g_strdup_printf ("%s (%s)", error_code, description)
                                         : g_strdup (error_code);

      g_set_error (&self->error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_REJECTED,
                   g_str_equal (error_code, "access_denied")
                     ? _("signing in to credential “%s” was declined in the browser: %s")
                     : _("the service did not sign in credential “%s”: %s"), id, why);
      page_reply (msg, SOUP_STATUS_OK, _("Not signed in"),
                  _("Signing in did not finish. You can close this tab and go back to "
                    "Conduit."));
    }
  else
    {
      self->code = g_strdup (code);
      conduit_redactor_add_secret (conduit_redactor_get_default (), code);
      page_reply (msg, SOUP_STATUS_OK, _("Back to Conduit"),
                  _("Conduit received the answer. You can close this tab and go back to "
                    "Conduit, which shows whether signing in worked."));
    }

  g_debug ("Sign-in of credential “%s” answered on %s", id, self->redirect_uri);

  if (self->task != NULL)
    complete_wait (self);
}

static void
page_reply (SoupServerMessage *msg,
            guint              status,
            const char        *headline,
            const char        *text)
{
  g_autofree char *headline_html = g_markup_escape_text (headline, -1);
  g_autofree char *text_html = g_markup_escape_text (text, -1);
  g_autofree char *title = g_markup_escape_text (_("Conduit"), -1);
  char *page;

  page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                          "<title>%s</title></head>\n<body style=\"font-family: sans-serif; "
                          "margin: 4em auto; max-width: 32em\"><h1>%s</h1>\n<p>%s</p></body>"
                          "</html>\n", title, headline_html, text_html);
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page,
                                    strlen (page));
}

static gboolean
check_authorize_url (ConduitOAuthSignIn  *self,
                     GError             **error)
{
  const char *value = conduit_credential_get_field (self->credential, "authorize_url");
  g_autoptr(GUri) uri = value ? g_uri_parse (value, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL || (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 &&
                      g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0) ||
      g_uri_get_host (uri) == NULL || g_uri_get_fragment (uri) != NULL)
    {
      /* The field's label is written into the sentence (not slotted in with %s) so that a
       * translation can make the sentence agree with it */
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the Authorization URL “%s” of credential “%s” is not a web address"),
                   value ? value : "", conduit_credential_get_id (self->credential));
      return FALSE;
    }

  return TRUE;
}

/**
 * conduit_oauth_sign_in_start:
 * @self: a sign-in
 * @error: return location for an error: an incomplete credential, a port in use
 *
 * Starts the loopback listener and makes the sign-in address (see
 * conduit_oauth_sign_in_get_uri()) with a fresh PKCE verifier and state. Open the address in
 * the system browser, or show it for the person to copy, then wait with
 * conduit_oauth_sign_in_wait_async().
 *
 * Returns: %TRUE if the listener runs
 */
gboolean
conduit_oauth_sign_in_start (ConduitOAuthSignIn  *self,
                             GError             **error)
{
  const char *id;
  const char *authorize_url;
  const char *scopes;
  const char *extra;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *challenge = NULL;
  GSList *uris;
  GString *uri;
  guint port;

  g_return_val_if_fail (CONDUIT_IS_OAUTH_SIGN_IN (self), FALSE);
  g_return_val_if_fail (self->server == NULL && self->uri == NULL, FALSE);

  id = conduit_credential_get_id (self->credential);
  if (!conduit_credential_check (self->credential, error) ||
      !check_authorize_url (self, error))
    return FALSE;

  self->verifier = random_token (32, error);
  if (self->verifier == NULL)
    return FALSE;
  self->state = random_token (16, error);
  if (self->state == NULL)
    return FALSE;
  conduit_redactor_add_secret (conduit_redactor_get_default (), self->verifier);

  /* RFC 8252 wants any port accepted on the loopback; a provider that compares the callback
   * address exactly (Salesforce) gets the one the person registered with it */
  if (self->port == 0)
    {
      const char *wanted = conduit_credential_get_field (self->credential, "redirect_port");
      guint64 number = 0;

      if (wanted != NULL && *wanted != '\0' &&
          !g_ascii_string_to_unsigned (wanted, 10, 1, G_MAXUINT16, &number, NULL))
        {
          g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                       _("the sign-in port “%s” of credential “%s” is not a port number "
                         "(1 to 65535)"), wanted, id);
          return FALSE;
        }
      if (wanted != NULL && *wanted != '\0')
        self->port = (guint16)number;
    }

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handle_redirect, self, NULL);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, self->port);
  if (!soup_server_listen (self->server, address, 0, &local_error))
    {
      g_clear_object (&self->server);
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("could not wait for the sign-in of credential “%s” on 127.0.0.1 port %u: "
                     "%s"), id, self->port, local_error->message);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  port = uris ? g_uri_get_port (uris->data) : 0;
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u/", port);

  authorize_url = conduit_credential_get_field (self->credential, "authorize_url");
  scopes = conduit_credential_get_field (self->credential, "scopes");
  extra = conduit_credential_get_field (self->credential, "extra_params");
  challenge = pkce_challenge (self->verifier);

  uri = g_string_new (authorize_url);
  g_string_append (uri, strchr (authorize_url, '?') ? "&" : "?");
  g_string_append (uri, "response_type=code");
  append_parameter (uri, "client_id", conduit_credential_get_field (self->credential, "client_id"));
  append_parameter (uri, "redirect_uri", self->redirect_uri);
  append_parameter (uri, "code_challenge", challenge);
  append_parameter (uri, "code_challenge_method", "S256");
  append_parameter (uri, "state", self->state);
  if (scopes != NULL)
    append_parameter (uri, "scope", scopes);
  if (extra != NULL)
    {
      while (*extra == '&' || *extra == '?')
        extra++;
      if (*extra != '\0')
        g_string_append_printf (uri, "&%s", extra);
    }
  self->uri = g_string_free (uri, FALSE);

  return TRUE;
}

/**
 * conduit_oauth_sign_in_get_uri:
 * @self: a started sign-in
 *
 * Returns: (nullable): the address to open in the browser; it carries no secret
 */
const char *
conduit_oauth_sign_in_get_uri (ConduitOAuthSignIn *self)
{
  g_return_val_if_fail (CONDUIT_IS_OAUTH_SIGN_IN (self), NULL);

  return self->uri;
}

/**
 * conduit_oauth_sign_in_get_redirect_uri:
 * @self: a started sign-in
 *
 * Returns: (nullable): where the service sends the browser back: `http://127.0.0.1:PORT/`
 */
const char *
conduit_oauth_sign_in_get_redirect_uri (ConduitOAuthSignIn *self)
{
  g_return_val_if_fail (CONDUIT_IS_OAUTH_SIGN_IN (self), NULL);

  return self->redirect_uri;
}

typedef struct
{
  SoupSession       *session;
  ConduitCredential *credential;
  char              *code;
  char              *verifier;
  char              *redirect_uri;
} ExchangeOp;

static void
exchange_op_free (gpointer data)
{
  ExchangeOp *op = data;

  g_clear_object (&op->session);
  g_clear_object (&op->credential);
  wipe_string (&op->code);
  wipe_string (&op->verifier);
  g_free (op->redirect_uri);
  g_free (op);
}

static void
exchange_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ExchangeOp *op = task_data;
  g_autoptr(SoupSession) session = conduit_oauth_session_new_like (op->session);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  const char *client_secret = conduit_credential_get_secret (op->credential, "client_secret");
  GError *error = NULL;

  g_hash_table_insert (form, (char *)"grant_type", (char *)"authorization_code");
  g_hash_table_insert (form, (char *)"code", op->code);
  g_hash_table_insert (form, (char *)"redirect_uri", op->redirect_uri);
  g_hash_table_insert (form, (char *)"code_verifier", op->verifier);
  g_hash_table_insert (form, (char *)"client_id",
                       (char *)conduit_credential_get_field (op->credential, "client_id"));
  if (client_secret != NULL)
    g_hash_table_insert (form, (char *)"client_secret", (char *)client_secret);

  /* a sign-in replaces whatever tokens were there */
  conduit_credential_set_secret (op->credential, "refresh_token", NULL, NULL);
  conduit_credential_set_secret (op->credential, "access_token", NULL, NULL);
  conduit_credential_set_secret (op->credential, "expires_at", NULL, NULL);

  if (!conduit_oauth_token_request_sync (session, op->credential, form, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  conduit_credential_set_needs_sign_in (op->credential, FALSE);
  conduit_credential_set_attention (op->credential, NULL);
  g_task_return_pointer (task, g_object_ref (op->credential), g_object_unref);
}

static void
on_exchanged (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  ConduitCredential *credential;

  credential = g_task_propagate_pointer (G_TASK (result), &error);
  if (credential == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, credential, g_object_unref);
}

/* The answer is in (or the time is up): the listener's work is done. */
static void
complete_wait (ConduitOAuthSignIn *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autoptr(GTask) exchange = NULL;
  GCancellable *cancellable;
  ExchangeOp *op;

  /* never from inside the cancelled handler itself: that one completes from an idle */
  if (self->cancellable != NULL)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->cancellable);

  if (self->timeout != NULL)
    g_source_destroy (self->timeout);
  g_clear_pointer (&self->timeout, g_source_unref);

  if (self->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&self->error));
      return;
    }

  g_assert (self->code != NULL);

  op = g_new0 (ExchangeOp, 1);
  op->session = g_object_ref (self->session);
  op->credential = conduit_credential_copy (self->credential);
  op->code = g_steal_pointer (&self->code);
  op->verifier = g_strdup (self->verifier);
  op->redirect_uri = g_strdup (self->redirect_uri);

  cancellable = g_task_get_cancellable (task);
  exchange = g_task_new (self, cancellable, on_exchanged, g_steal_pointer (&task));
  g_task_set_source_tag (exchange, complete_wait);
  g_task_set_task_data (exchange, op, exchange_op_free);
  g_task_run_in_thread (exchange, exchange_thread);
}

static gboolean
on_timeout (gpointer user_data)
{
  ConduitOAuthSignIn *self = user_data;

  g_assert (CONDUIT_IS_OAUTH_SIGN_IN (self));

  g_clear_pointer (&self->timeout, g_source_unref);
  self->answered = TRUE;
  stop_listening (self);
  g_set_error (&self->error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
               g_dngettext (GETTEXT_PACKAGE,
                            "nobody finished signing in to credential “%s” within %u second: "
                            "start again",
                            "nobody finished signing in to credential “%s” within %u seconds: "
                            "start again", self->timeout_seconds),
               conduit_credential_get_id (self->credential), self->timeout_seconds);
  complete_wait (self);

  return G_SOURCE_REMOVE;
}

static gboolean
complete_cancelled (gpointer user_data)
{
  ConduitOAuthSignIn *self = user_data;

  if (self->task != NULL && !self->answered)
    {
      self->answered = TRUE;
      stop_listening (self);
      g_set_error_literal (&self->error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("Signing in was cancelled"));
      complete_wait (self);
    }

  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  /* may run in any thread, and g_cancellable_disconnect() must not run in here */
  g_idle_add_full (G_PRIORITY_DEFAULT, complete_cancelled, g_object_ref (user_data),
                   g_object_unref);
}

/**
 * conduit_oauth_sign_in_wait_async:
 * @self: a started sign-in
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the signed-in credential
 * @user_data: data for @callback
 *
 * Waits for the browser to come back to the listener (at most the timeout), checks the state
 * and trades the code, with the PKCE verifier, for tokens. The listener closes after that one
 * answer; cancelling @cancellable closes it too. Call it once.
 */
void
conduit_oauth_sign_in_wait_async (ConduitOAuthSignIn  *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONDUIT_IS_OAUTH_SIGN_IN (self));
  g_return_if_fail (self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_oauth_sign_in_wait_async);

  if (self->uri == NULL)
    {
      g_task_return_new_error (task, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                               _("the sign-in of credential “%s” was not started"),
                               conduit_credential_get_id (self->credential));
      return;
    }

  self->task = g_steal_pointer (&task);

  /* the browser may have been quicker than the caller */
  if (self->answered)
    {
      complete_wait (self);
      return;
    }

  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self,
                                                  NULL);
    }

  self->timeout = g_timeout_source_new_seconds (self->timeout_seconds);
  g_source_set_callback (self->timeout, on_timeout, self, NULL);
  g_source_set_static_name (self->timeout, "[conduit] sign-in timeout");
  g_source_attach (self->timeout, g_main_context_get_thread_default ());
}

/**
 * conduit_oauth_sign_in_wait_finish:
 * @self: a sign-in
 * @result: the #GAsyncResult
 * @error: return location for an error: a wrong state, a declined consent
 *   (%CONDUIT_CREDENTIAL_ERROR_REJECTED), a timeout, a token endpoint's refusal
 *
 * Returns: (transfer full) (nullable): a copy of the credential holding its new tokens, with
 *   its sign-in and attention marks cleared; save it with conduit_credential_store_save_async()
 */
ConduitCredential *
conduit_oauth_sign_in_wait_finish (ConduitOAuthSignIn  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (CONDUIT_IS_OAUTH_SIGN_IN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        conduit_oauth_sign_in_wait_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * conduit_oauth_fill_credential_from_auth:
 * @credential: an oauth2-authorization-code credential
 * @auth: an app descriptor's `auth` object: `authorize_url`, `token_url`, `scopes` (an array of
 *   text) and `params` (an object of text values, such as `{"access_type": "offline"}`)
 * @error: return location for an error
 *
 * Sets the credential's sign-in fields from what an app descriptor says, leaving alone a field
 * the person already set (a Microsoft tenant's own addresses, say). The client id is the
 * person's, never the descriptor's.
 *
 * Returns: %TRUE, or %FALSE if a value cannot be a field of @credential
 */
gboolean
conduit_oauth_fill_credential_from_auth (ConduitCredential  *credential,
                                         JsonObject         *auth,
                                         GError            **error)
{
  static const char * const urls[] = { "authorize_url", "token_url" };
  JsonNode *node;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), FALSE);
  g_return_val_if_fail (conduit_credential_get_kind (credential) ==
                        CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE, FALSE);
  g_return_val_if_fail (auth != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      const char *value = json_object_get_string_member_with_default (auth, urls[i], NULL);

      if (value != NULL && conduit_credential_get_field (credential, urls[i]) == NULL &&
          !conduit_credential_set_field (credential, urls[i], value, error))
        return FALSE;
    }

  node = json_object_get_member (auth, "scopes");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
      conduit_credential_get_field (credential, "scopes") == NULL)
    {
      JsonArray *scopes = json_node_get_array (node);
      g_autoptr(GString) joined = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (scopes); i++)
        {
          const char *scope = json_node_get_string (json_array_get_element (scopes, i));

          if (scope == NULL || *scope == '\0')
            continue;
          if (joined->len > 0)
            g_string_append_c (joined, ' ');
          g_string_append (joined, scope);
        }
      if (!conduit_credential_set_field (credential, "scopes", joined->str, error))
        return FALSE;
    }

  node = json_object_get_member (auth, "params");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      conduit_credential_get_field (credential, "extra_params") == NULL)
    {
      JsonObject *params = json_node_get_object (node);
      g_autoptr(GList) names = json_object_get_members (params);
      g_autoptr(GString) query = g_string_new (NULL);

      /* sorted: the same descriptor always makes the same address */
      names = g_list_sort (names, (GCompareFunc)g_strcmp0);
      for (const GList *l = names; l != NULL; l = l->next)
        {
          const char *value = json_object_get_string_member_with_default (params, l->data, NULL);
          g_autofree char *name_escaped = g_uri_escape_string (l->data, NULL, FALSE);
          g_autofree char *value_escaped = NULL;

          if (value == NULL)
            continue;
          value_escaped = g_uri_escape_string (value, NULL, FALSE);
          g_string_append_printf (query, "%s%s=%s", query->len ? "&" : "", name_escaped,
                                  value_escaped);
        }
      if (!conduit_credential_set_field (credential, "extra_params", query->str, error))
        return FALSE;
    }

  return TRUE;
}
