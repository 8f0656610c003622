/* conduit-mail.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mail"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gmime/gmime.h>
#include <string.h>

#include "conduit-executor.h"
#include "conduit-mail.h"

/* The transport of both e-mail steps is libcurl (SMTP and IMAP): it speaks STARTTLS and
 * implicit TLS, picks an AUTH mechanism the server offers (PLAIN, LOGIN, …), sends MAIL FROM
 * and one RCPT TO per recipient with dot-stuffing, and reads IMAP literals, which are the
 * parts of the protocols where a hand-written GIO client would be most likely to go wrong.
 * Its calls block, so the steps run them in a worker thread. Messages are built and read by
 * GMime, which does the RFC 2047/2231 header encodings and the transfer encodings. */

static gpointer
init_once (gpointer data)
{
  g_mime_init ();
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

/**
 * conduit_mail_init:
 *
 * Initializes GMime and libcurl once for the process; the e-mail steps call it before either.
 */
void
conduit_mail_init (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_once, NULL);
}

static gboolean
is_loopback (const char *host)
{
  return g_str_equal (host, "localhost") || g_str_equal (host, "127.0.0.1") ||
         g_str_equal (host, "::1") || g_str_equal (host, "[::1]");
}

/**
 * conduit_mail_server_new_from_credential:
 * @credential: an "smtp" or "imap" credential
 * @error: return location for an error
 *
 * Reads the server a credential names. A password is only sent without TLS to this computer.
 *
 * Returns: (transfer full) (nullable): the server, or %NULL with @error
 */
ConduitMailServer *
conduit_mail_server_new_from_credential (ConduitCredential  *credential,
                                         GError            **error)
{
  g_autoptr(ConduitMailServer) self = g_new0 (ConduitMailServer, 1);
  ConduitCredentialKind kind;
  const char *security;
  const char *port;
  const char *value;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), NULL);

  kind = conduit_credential_get_kind (credential);
  if (kind != CONDUIT_CREDENTIAL_KIND_SMTP && kind != CONDUIT_CREDENTIAL_KIND_IMAP)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_CREDENTIAL,
                   _("The credential “%s” is a %s, not an e-mail server (smtp or imap)"),
                   conduit_credential_get_id (credential),
                   conduit_credential_kind_to_string (kind));
      return NULL;
    }
  if (!conduit_credential_check_complete (credential, error))
    return NULL;

  self->host = g_strdup (conduit_credential_get_field (credential, "host"));
  security = conduit_credential_get_field (credential, "security");
  if (security == NULL || *security == '\0')
    security = kind == CONDUIT_CREDENTIAL_KIND_SMTP ? "starttls" : "tls";
  if (g_str_equal (security, "starttls"))
    self->security = CONDUIT_MAIL_SECURITY_STARTTLS;
  else if (g_str_equal (security, "tls"))
    self->security = CONDUIT_MAIL_SECURITY_TLS;
  else if (g_str_equal (security, "none"))
    self->security = CONDUIT_MAIL_SECURITY_NONE;
  else
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_CREDENTIAL,
                   _("The credential “%s” asks for the security “%s”; it can be starttls, tls "
                     "or none"), conduit_credential_get_id (credential), security);
      return NULL;
    }

  port = conduit_credential_get_field (credential, "port");
  if (port != NULL && *port != '\0')
    {
      guint64 number;

      if (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &number, NULL))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_CREDENTIAL,
                       _("The port “%s” of the credential “%s” is not a port number"), port,
                       conduit_credential_get_id (credential));
          return NULL;
        }
      self->port = (guint)number;
    }
  else if (kind == CONDUIT_CREDENTIAL_KIND_SMTP)
    self->port = self->security == CONDUIT_MAIL_SECURITY_TLS ? 465 :
                 self->security == CONDUIT_MAIL_SECURITY_STARTTLS ? 587 : 25;
  else
    self->port = self->security == CONDUIT_MAIL_SECURITY_TLS ? 993 : 143;

  value = conduit_credential_get_field (credential, "ca_file");
  self->ca_file = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
  value = conduit_credential_get_field (credential, "user");
  self->user = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
  value = conduit_credential_get_secret (credential, "password");
  self->password = value != NULL && *value != '\0' ? g_strdup (value) : NULL;

  if (self->security == CONDUIT_MAIL_SECURITY_NONE && self->password != NULL &&
      !is_loopback (self->host))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_CREDENTIAL,
                   _("The credential “%s” would send its password to %s without encryption; "
                     "choose the security starttls or tls"),
                   conduit_credential_get_id (credential), self->host);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * conduit_mail_server_dup_url:
 * @self: a server
 * @scheme: "smtp" or "imap"
 *
 * Returns: (transfer full): the server's address for libcurl, "imaps://host:993/" for
 *   implicit TLS
 */
char *
conduit_mail_server_dup_url (ConduitMailServer *self,
                             const char        *scheme)
{
  gboolean ipv6 = strchr (self->host, ':') != NULL && self->host[0] != '[';

  return g_strdup_printf ("%s%s://%s%s%s:%u/", scheme,
                          self->security == CONDUIT_MAIL_SECURITY_TLS ? "s" : "",
                          ipv6 ? "[" : "", self->host, ipv6 ? "]" : "", self->port);
}

/**
 * conduit_mail_server_setup_curl:
 * @self: a server
 * @curl: a handle
 * @timeout_s: how long one transfer may take
 *
 * Sets TLS, sign-in and time limits; the caller sets the address and what to do.
 */
void
conduit_mail_server_setup_curl (ConduitMailServer *self,
                                CURL              *curl,
                                guint              timeout_s)
{
  /* libcurl's timeouts would otherwise use signals, which threads must not */
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long)MIN (timeout_s, 30));
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long)timeout_s);
  /* STARTTLS is required, never "if offered": a server that drops it must not get the password */
  curl_easy_setopt (curl, CURLOPT_USE_SSL, self->security == CONDUIT_MAIL_SECURITY_NONE
                                           ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
  if (self->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, self->ca_file);
  if (self->user != NULL)
    curl_easy_setopt (curl, CURLOPT_USERNAME, self->user);
  if (self->password != NULL)
    curl_easy_setopt (curl, CURLOPT_PASSWORD, self->password);
}

/**
 * conduit_mail_server_free:
 * @self: a server
 */
void
conduit_mail_server_free (ConduitMailServer *self)
{
  if (self == NULL)
    return;
  g_free (self->host);
  g_free (self->ca_file);
  g_free (self->user);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  g_free (self);
}

/* Reading a message */

static char *
valid_text (const char *text)
{
  if (text == NULL)
    return NULL;
  return g_utf8_make_valid (text, -1);
}

/* Mail travels with CRLF; an item's text has the line ends of every other item: LF. */
static char *
valid_lines (const char *text)
{
  g_autofree char *valid = valid_text (text);
  char *out;
  char *p;

  if (valid == NULL)
    return NULL;
  out = p = g_malloc (strlen (valid) + 1);
  for (const char *q = valid; *q != '\0'; q++)
    if (!(q[0] == '\r' && q[1] == '\n'))
      *p++ = *q;
  *p = '\0';
  return out;
}

static void
set_text (JsonObject *object,
          const char *member,
          const char *text)
{
  if (text == NULL)
    json_object_set_null_member (object, member);
  else
    json_object_set_string_member (object, member, text);
}

static void
add_mailboxes (JsonArray           *array,
               InternetAddressList *list)
{
  int n = list ? internet_address_list_length (list) : 0;

  for (int i = 0; i < n; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        {
          g_autofree char *text = valid_text (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));

          if (text != NULL && *text != '\0')
            json_array_add_string_element (array, text);
        }
      else if (INTERNET_ADDRESS_IS_GROUP (address))
        add_mailboxes (array, internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)));
    }
}

static void
set_addresses (JsonObject          *object,
               const char          *member,
               InternetAddressList *list)
{
  JsonArray *array = json_array_new ();

  add_mailboxes (array, list);
  json_object_set_array_member (object, member, array);
}

typedef struct
{
  JsonObject *message;
  JsonArray  *attachments;
  GString    *text;
  GString    *html;
} ReadState;

static GBytes *
object_bytes (GMimeObject *object)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  GByteArray *array;

  if (GMIME_IS_PART (object))
    {
      GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (object));

      /* decodes base64 and quoted-printable */
      if (content != NULL)
        g_mime_data_wrapper_write_to_stream (content, stream);
    }
  else if (GMIME_IS_MESSAGE_PART (object) &&
           g_mime_message_part_get_message (GMIME_MESSAGE_PART (object)) != NULL)
    /* a forwarded message, as an .eml file holds it: without the part's own headers */
    g_mime_object_write_to_stream (GMIME_OBJECT (g_mime_message_part_get_message (GMIME_MESSAGE_PART (object))),
                                   NULL, stream);

  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

static void
add_attachment (ReadState   *state,
                GMimeObject *part)
{
  GMimeContentType *type = g_mime_object_get_content_type (part);
  g_autofree char *mime_type = type ? g_mime_content_type_get_mime_type (type) : NULL;
  g_autofree char *name = NULL;
  g_autoptr(GBytes) bytes = object_bytes (part);
  g_autofree char *base64 = NULL;
  JsonObject *attachment = json_object_new ();
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  if (GMIME_IS_PART (part))
    name = valid_text (g_mime_part_get_filename (GMIME_PART (part)));
  if (name == NULL && GMIME_IS_MESSAGE_PART (part))
    name = g_strdup ("message.eml");

  base64 = g_base64_encode (data, size);
  set_text (attachment, "name", name);
  json_object_set_string_member (attachment, "type",
                                 mime_type ? mime_type : "application/octet-stream");
  json_object_set_int_member (attachment, "size", (gint64)size);
  json_object_set_string_member (attachment, "content", base64);
  json_array_add_object_element (state->attachments, attachment);
}

static void
read_part (GMimeObject *parent,
           GMimeObject *part,
           gpointer     user_data)
{
  ReadState *state = user_data;
  GMimeContentType *type;
  gboolean is_attachment;

  if (GMIME_IS_MULTIPART (part))
    return;

  if (GMIME_IS_MESSAGE_PART (part))
    {
      add_attachment (state, part);
      return;
    }
  if (!GMIME_IS_PART (part))
    return;

  type = g_mime_object_get_content_type (part);
  is_attachment = g_mime_part_is_attachment (GMIME_PART (part)) ||
                  g_mime_part_get_filename (GMIME_PART (part)) != NULL;

  if (!is_attachment && GMIME_IS_TEXT_PART (part) &&
      (g_mime_content_type_is_type (type, "text", "plain") ||
       g_mime_content_type_is_type (type, "text", "html")))
    {
      GString *into = g_mime_content_type_is_type (type, "text", "html") ? state->html
                                                                          : state->text;
      g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
      g_autofree char *valid = valid_lines (text);

      /* several inline text parts (a message with a signature appended) read as one */
      if (valid != NULL)
        {
          if (into->len > 0)
            g_string_append_c (into, '\n');
          g_string_append (into, valid);
        }
      return;
    }

  add_attachment (state, part);
}

/**
 * conduit_mail_parse_message:
 * @data: a message as fetched (RFC 5322, MIME)
 * @error: return location for an error
 *
 * Reads a message into an item: `message_id`, `from` (as written, names decoded), `from_address`,
 * `to`, `cc` and `reply_to` (arrays of addresses), `subject` (decoded), `date` (ISO 8601, or
 * null), `text` and `html` (the bodies in UTF-8, or null) and `attachments` (each `name`,
 * `type`, `size` in bytes and `content` in base64). Any bytes give an item or an error; text
 * that is not UTF-8 is repaired, not refused.
 *
 * Returns: (transfer full) (nullable): the item, or %NULL with @error
 */
JsonNode *
conduit_mail_parse_message (GBytes  *data,
                            GError **error)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) html = g_string_new (NULL);
  g_autofree char *subject = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *from = NULL;
  InternetAddressList *from_list;
  JsonArray *from_addresses;
  GDateTime *date;
  JsonObject *object;
  JsonNode *node;
  ReadState state;
  gsize size;
  gconstpointer bytes;

  g_return_val_if_fail (data != NULL, NULL);

  conduit_mail_init ();

  bytes = g_bytes_get_data (data, &size);
  stream = g_mime_stream_mem_new_with_buffer (bytes ? bytes : "", size);
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  if (message == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                   _("The message (%zu bytes) is not an e-mail message: it has "
                     "no header"), size);
      return NULL;
    }

  object = json_object_new ();
  message_id = valid_text (g_mime_message_get_message_id (message));
  set_text (object, "message_id", message_id);

  from_list = g_mime_message_get_from (message);
  from = from_list ? internet_address_list_to_string (from_list, NULL, FALSE) : NULL;
  {
    g_autofree char *valid = valid_text (from);
    set_text (object, "from", valid && *valid ? valid : NULL);
  }
  from_addresses = json_array_new ();
  add_mailboxes (from_addresses, from_list);
  set_text (object, "from_address", json_array_get_length (from_addresses) > 0
                                    ? json_array_get_string_element (from_addresses, 0) : NULL);
  json_array_unref (from_addresses);

  set_addresses (object, "to", g_mime_message_get_to (message));
  set_addresses (object, "cc", g_mime_message_get_cc (message));
  set_addresses (object, "reply_to", g_mime_message_get_reply_to (message));

  subject = valid_text (g_mime_message_get_subject (message));
  set_text (object, "subject", subject);

  date = g_mime_message_get_date (message);
  if (date != NULL)
    {
      g_autofree char *iso = g_date_time_format_iso8601 (date);
      set_text (object, "date", iso);
    }
  else
    json_object_set_null_member (object, "date");

  state.message = object;
  state.attachments = json_array_new ();
  state.text = text;
  state.html = html;
  if (g_mime_message_get_mime_part (message) != NULL)
    {
      GMimeObject *body = g_mime_message_get_mime_part (message);

      /* g_mime_message_foreach() skips a body that is one part, not a multipart */
      if (GMIME_IS_MULTIPART (body))
        g_mime_multipart_foreach (GMIME_MULTIPART (body), read_part, &state);
      else
        read_part (GMIME_OBJECT (message), body, &state);
    }

  set_text (object, "text", text->len > 0 ? text->str : NULL);
  set_text (object, "html", html->len > 0 ? html->str : NULL);
  json_object_set_array_member (object, "attachments", state.attachments);

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}
