/* conduit-executor-send-email.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-send-email"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-clock.h"
#include "conduit-executor-http.h"
#include "conduit-executor-send-email.h"
#include "conduit-executor-text.h"
#include "conduit-mail.h"
#include "conduit-retry-policy.h"
#include "conduit-run.h"
#include "conduit-step-status.h"

/* Send E-mail: one message per item through an SMTP server (conduit-mail.c says why libcurl).
 * The templates are rendered on the main thread; building the MIME message (GMime) and the
 * SMTP dialogue run in a worker thread, one item after the other, so messages leave in the
 * order the items came. An item whose message the server refuses (a 5xx answer: an unknown
 * recipient, a message too large) goes to the error port with the server's code and text; a
 * 4xx answer ("try again later", greylisting) or a lost connection is tried again with the
 * node's retry policy. Bcc recipients get an RCPT TO and never a header. */

struct _ConduitExecutorSendEmail
{
  GObject              parent_instance;

  ConduitRun          *run;
  char                *node_id;
  char                *credential_id;
  ConduitRetryPolicy  *policy;
  guint                timeout_s;
  char                *attachments_field;

  ConduitExecutorText *from;
  ConduitExecutorText *to;
  ConduitExecutorText *cc;
  ConduitExecutorText *bcc;
  ConduitExecutorText *reply_to;
  ConduitExecutorText *subject;
  ConduitExecutorText *text;
  ConduitExecutorText *html;
  ConduitExecutorText *files;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorSendEmail, conduit_executor_send_email,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_send_email_finalize (GObject *object)
{
  ConduitExecutorSendEmail *self = (ConduitExecutorSendEmail *)object;

  g_clear_object (&self->run);
  g_free (self->node_id);
  g_free (self->credential_id);
  g_clear_object (&self->policy);
  g_free (self->attachments_field);
  g_clear_pointer (&self->from, conduit_executor_text_free);
  g_clear_pointer (&self->to, conduit_executor_text_free);
  g_clear_pointer (&self->cc, conduit_executor_text_free);
  g_clear_pointer (&self->bcc, conduit_executor_text_free);
  g_clear_pointer (&self->reply_to, conduit_executor_text_free);
  g_clear_pointer (&self->subject, conduit_executor_text_free);
  g_clear_pointer (&self->text, conduit_executor_text_free);
  g_clear_pointer (&self->html, conduit_executor_text_free);
  g_clear_pointer (&self->files, conduit_executor_text_free);

  G_OBJECT_CLASS (conduit_executor_send_email_parent_class)->finalize (object);
}

static void
conduit_executor_send_email_class_init (ConduitExecutorSendEmailClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_send_email_finalize;
}

static void
conduit_executor_send_email_init (ConduitExecutorSendEmail *self)
{
}

static gboolean
compile (ConduitNode          *node,
         ConduitConnector     *connector,
         const char           *key,
         const char           *where,
         ConduitExecutorText **text,
         GError              **error)
{
  g_autofree char *value = conduit_node_dup_string_setting (node, connector, key);

  if (value == NULL || *value == '\0')
    return TRUE;
  *text = conduit_executor_text_new_template (value, where, error);
  return *text != NULL;
}

static gboolean
conduit_executor_send_email_prepare (ConduitExecutor  *executor,
                                     ConduitRun       *run,
                                     ConduitNode      *node,
                                     GError          **error)
{
  ConduitExecutorSendEmail *self = CONDUIT_EXECUTOR_SEND_EMAIL (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);

  self->run = g_object_ref (run);
  self->node_id = g_strdup (conduit_node_get_id (node));
  self->policy = conduit_retry_policy_new_for_node (node, connector);
  self->timeout_s = (guint)CLAMP (conduit_node_get_int_setting (node, connector,
                                                                "timeout_seconds", 60), 1, 600);
  self->credential_id = conduit_node_dup_string_setting (node, connector, "credential");
  self->attachments_field = conduit_node_dup_string_setting (node, connector,
                                                             "attachments_field");
  if (self->attachments_field != NULL && *self->attachments_field == '\0')
    g_clear_pointer (&self->attachments_field, g_free);

  if (self->credential_id == NULL || *self->credential_id == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs a mail server credential (smtp)"), self->node_id);
      return FALSE;
    }

  if (!compile (node, connector, "from", _("the sender"), &self->from, error) ||
      !compile (node, connector, "to", _("the recipients"), &self->to, error) ||
      !compile (node, connector, "cc", _("the copies"), &self->cc, error) ||
      !compile (node, connector, "bcc", _("the hidden copies"), &self->bcc, error) ||
      !compile (node, connector, "reply_to", _("the reply address"), &self->reply_to, error) ||
      !compile (node, connector, "subject", _("the subject"), &self->subject, error) ||
      !compile (node, connector, "text", _("the text"), &self->text, error) ||
      !compile (node, connector, "html", _("the HTML"), &self->html, error) ||
      !compile (node, connector, "attachment_files", _("the attached files"), &self->files, error))
    return FALSE;

  if (self->from == NULL || self->to == NULL || self->subject == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs a sender, recipients and a subject"), self->node_id);
      return FALSE;
    }
  if (self->text == NULL && self->html == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs a text or an HTML message"), self->node_id);
      return FALSE;
    }
  return TRUE;
}

/* One item's message, rendered on the main thread */

typedef struct
{
  JsonNode *item;
  char     *error;        /* (nullable) why it cannot be sent */
  char     *from;
  char     *to;
  char     *cc;
  char     *bcc;
  char     *reply_to;
  char     *subject;
  char     *text;
  char     *html;
  char     *files;
  JsonNode *attachments;  /* (nullable) the item's attachments field */
} Mail;

static void
mail_free (Mail *mail)
{
  json_node_unref (mail->item);
  g_free (mail->error);
  g_free (mail->from);
  g_free (mail->to);
  g_free (mail->cc);
  g_free (mail->bcc);
  g_free (mail->reply_to);
  g_free (mail->subject);
  g_free (mail->text);
  g_free (mail->html);
  g_free (mail->files);
  g_clear_pointer (&mail->attachments, json_node_unref);
  g_free (mail);
}

static gboolean
render (ConduitExecutorText  *text,
        JsonNode             *item,
        char                **out,
        GError              **error)
{
  if (text == NULL)
    return TRUE;
  *out = conduit_executor_text_render (text, item, error);
  return *out != NULL;
}

static Mail *
render_mail (ConduitExecutorSendEmail *self,
             JsonNode                 *item)
{
  Mail *mail = g_new0 (Mail, 1);
  g_autoptr(GError) error = NULL;

  mail->item = json_node_ref (item);
  if (!render (self->from, item, &mail->from, &error) ||
      !render (self->to, item, &mail->to, &error) ||
      !render (self->cc, item, &mail->cc, &error) ||
      !render (self->bcc, item, &mail->bcc, &error) ||
      !render (self->reply_to, item, &mail->reply_to, &error) ||
      !render (self->subject, item, &mail->subject, &error) ||
      !render (self->text, item, &mail->text, &error) ||
      !render (self->html, item, &mail->html, &error) ||
      !render (self->files, item, &mail->files, &error))
    {
      mail->error = g_strdup (error->message);
      return mail;
    }

  if (self->attachments_field != NULL && JSON_NODE_HOLDS_OBJECT (item))
    {
      JsonNode *value = json_object_get_member (json_node_get_object (item),
                                                self->attachments_field);

      if (value != NULL && !JSON_NODE_HOLDS_NULL (value))
        mail->attachments = json_node_copy (value);
    }
  return mail;
}

/* Building the message */

typedef struct
{
  char   *name;
  char   *type;
  GBytes *content;
} Attachment;

static void
attachment_free (Attachment *attachment)
{
  g_free (attachment->name);
  g_free (attachment->type);
  g_bytes_unref (attachment->content);
  g_free (attachment);
}

static gboolean
is_base64 (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=' && !g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static gboolean
add_field_attachment (GPtrArray  *attachments,
                      JsonNode   *value,
                      guint       index,
                      GError    **error)
{
  JsonObject *object;
  const char *name;
  const char *type;
  const char *content;
  Attachment *attachment;
  guchar *data;
  gsize size;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("attachment %u is not a record with name, type and content"), index + 1);
      return FALSE;
    }
  object = json_node_get_object (value);
  name = json_object_get_string_member_with_default (object, "name", NULL);
  type = json_object_get_string_member_with_default (object, "type", NULL);
  content = json_object_get_string_member_with_default (object, "content", NULL);
  if (content == NULL || !is_base64 (content))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("attachment %u (“%s”) has no content in base64"), index + 1,
                   name ? name : "?");
      return FALSE;
    }

  data = g_base64_decode (content, &size);
  attachment = g_new0 (Attachment, 1);
  attachment->name = g_strdup (name && *name ? name : "attachment");
  attachment->type = g_strdup (type && strchr (type, '/') ? type : "application/octet-stream");
  attachment->content = g_bytes_new_take (data, size);
  g_ptr_array_add (attachments, attachment);
  return TRUE;
}

static GPtrArray *
collect_attachments (Mail    *mail,
                     GError **error)
{
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify)attachment_free);

  if (mail->files != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (mail->files, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *path = g_strstrip (lines[i]);
          g_autofree char *contents = NULL;
          g_autofree char *guessed = NULL;
          g_autofree char *mime = NULL;
          g_autoptr(GError) local_error = NULL;
          Attachment *attachment;
          gsize size;

          if (*path == '\0')
            continue;
          if (!g_file_get_contents (path, &contents, &size, &local_error))
            {
              g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                           _("cannot attach “%s”: %s"), path, local_error->message);
              return NULL;
            }
          guessed = g_content_type_guess (path, (const guchar *)contents, size, NULL);
          mime = g_content_type_get_mime_type (guessed);
          attachment = g_new0 (Attachment, 1);
          attachment->name = g_path_get_basename (path);
          attachment->type = g_strdup (mime && strchr (mime, '/') ? mime
                                                                  : "application/octet-stream");
          attachment->content = g_bytes_new_take (g_steal_pointer (&contents), size);
          g_ptr_array_add (attachments, attachment);
        }
    }

  if (mail->attachments != NULL)
    {
      if (JSON_NODE_HOLDS_ARRAY (mail->attachments))
        {
          JsonArray *array = json_node_get_array (mail->attachments);

          for (guint i = 0; i < json_array_get_length (array); i++)
            if (!add_field_attachment (attachments, json_array_get_element (array, i), i, error))
              return NULL;
        }
      else if (!add_field_attachment (attachments, mail->attachments, 0, error))
        return NULL;
    }

  return g_steal_pointer (&attachments);
}

/* Adds the mailboxes of @text to @into (a header's list, or %NULL) and their addresses to
 * @recipients (or %NULL). */
static gboolean
parse_addresses (const char           *text,
                 const char           *what,
                 InternetAddressList  *into,
                 GPtrArray            *recipients,
                 GError              **error)
{
  g_autoptr(InternetAddressList) list = NULL;
  int n;

  if (text == NULL || *g_strstrip ((char *)text) == '\0')
    return TRUE;

  list = internet_address_list_parse (NULL, text);
  n = list ? internet_address_list_length (list) : 0;
  if (n == 0)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("%s “%s” holds no e-mail address"), what, text);
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);
      const char *addr;

      if (!INTERNET_ADDRESS_IS_MAILBOX (address))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                       _("%s “%s” holds a group; write its addresses instead"), what, text);
          return FALSE;
        }
      addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address));
      /* an address with a line break or bracket would change the SMTP dialogue */
      if (addr == NULL || strchr (addr, '@') == NULL || strpbrk (addr, " \t\r\n<>") != NULL)
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                       _("%s: “%s” is not an e-mail address"), what, addr ? addr : text);
          return FALSE;
        }
      if (recipients != NULL)
        g_ptr_array_add (recipients, g_strdup (addr));
    }
  if (into != NULL)
    internet_address_list_append (into, list);
  return TRUE;
}

static GMimeObject *
text_part (const char *subtype,
           const char *text)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);

  g_mime_text_part_set_text (part, text ? text : "");
  /* quoted-printable or base64 as the text needs: 8-bit bodies are not safe on every relay */
  g_mime_part_set_content_encoding (GMIME_PART (part),
                                    g_mime_part_get_best_content_encoding (GMIME_PART (part),
                                                                           GMIME_ENCODING_CONSTRAINT_7BIT));
  return GMIME_OBJECT (part);
}

static char *
one_line (const char *text)
{
  char *line = g_strdup (text ? text : "");

  /* a subject is one header line; breaks from a template must not start another header */
  g_strdelimit (line, "\r\n", ' ');
  return line;
}

static GBytes *
build_message (Mail       *mail,
               GPtrArray  *attachments,
               GPtrArray  *recipients,
               char      **envelope_from,
               char      **message_id,
               GError    **error)
{
  g_autoptr(GMimeMessage) message = g_mime_message_new (TRUE);
  g_autoptr(GPtrArray) senders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *subject = one_line (mail->subject);
  g_autofree char *id = NULL;
  GMimeFormatOptions *options;
  GMimeObject *body;
  GByteArray *array;
  const char *domain;

  if (!parse_addresses (mail->from, _("The sender"),
                        g_mime_message_get_from (message), senders, error) ||
      !parse_addresses (mail->to, _("To"),
                        g_mime_message_get_to (message), recipients, error) ||
      !parse_addresses (mail->cc, _("Cc"),
                        g_mime_message_get_cc (message), recipients, error) ||
      !parse_addresses (mail->bcc, _("Bcc"), NULL, recipients, error) ||
      !parse_addresses (mail->reply_to, _("Reply to"),
                        g_mime_message_get_reply_to (message), NULL, error))
    return NULL;

  if (senders->len != 1)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("The sender must be one address, not “%s”"), mail->from ? mail->from : "");
      return NULL;
    }
  if (recipients->len == 0)
    {
      g_set_error_literal (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                           _("The message has no recipient: To, Cc and Bcc are empty"));
      return NULL;
    }

  g_mime_message_set_subject (message, subject, "utf-8");
  g_mime_message_set_date (message, now);
  domain = strchr (g_ptr_array_index (senders, 0), '@') + 1;
  id = g_mime_utils_generate_message_id (domain);
  g_mime_message_set_message_id (message, id);

  if (mail->text != NULL && mail->html != NULL)
    {
      GMimeMultipart *alternative = g_mime_multipart_new_with_subtype ("alternative");
      g_autoptr(GMimeObject) plain = text_part ("plain", mail->text);
      g_autoptr(GMimeObject) html = text_part ("html", mail->html);

      /* the last part is the preferred one (RFC 2046 §5.1.4) */
      g_mime_multipart_add (alternative, plain);
      g_mime_multipart_add (alternative, html);
      body = GMIME_OBJECT (alternative);
    }
  else if (mail->html != NULL)
    body = text_part ("html", mail->html);
  else
    body = text_part ("plain", mail->text);

  if (attachments->len > 0)
    {
      GMimeMultipart *mixed = g_mime_multipart_new_with_subtype ("mixed");

      g_mime_multipart_add (mixed, body);
      g_object_unref (body);
      for (guint i = 0; i < attachments->len; i++)
        {
          Attachment *attachment = g_ptr_array_index (attachments, i);
          g_autoptr(GMimeContentType) type = g_mime_content_type_parse (NULL, attachment->type);
          g_autoptr(GMimePart) part = g_mime_part_new_with_type (g_mime_content_type_get_media_type (type),
                                                                 g_mime_content_type_get_media_subtype (type));
          gsize size;
          gconstpointer data = g_bytes_get_data (attachment->content, &size);
          g_autoptr(GMimeStream) content = g_mime_stream_mem_new_with_buffer (data ? data : "", size);
          g_autoptr(GMimeDataWrapper) wrapper =
            g_mime_data_wrapper_new_with_stream (content, GMIME_CONTENT_ENCODING_DEFAULT);

          g_mime_part_set_content (part, wrapper);
          /* RFC 2231 for names that are not ASCII */
          g_mime_part_set_filename (part, attachment->name);
          g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
          g_mime_multipart_add (mixed, GMIME_OBJECT (part));
        }
      body = GMIME_OBJECT (mixed);
    }

  g_mime_message_set_mime_part (message, body);
  g_object_unref (body);

  /* SMTP wants CRLF line ends; libcurl does the dot-stuffing */
  options = g_mime_format_options_new ();
  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  stream = g_mime_stream_mem_new ();
  g_mime_object_write_to_stream (GMIME_OBJECT (message), options, stream);
  g_mime_format_options_free (options);

  *envelope_from = g_strdup (g_ptr_array_index (senders, 0));
  *message_id = g_steal_pointer (&id);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

/* The SMTP dialogue */

typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         offset;
  GCancellable *cancellable;
  char         *last_answer;   /* the server's first refusal (4xx, 5xx), else its last reply */
  char         *last_command;  /* the last MAIL FROM, RCPT TO or DATA sent before it */
  gboolean      refused;
} Dialogue;

static size_t
read_cb (char   *buffer,
         size_t  size,
         size_t  n_items,
         void   *user_data)
{
  Dialogue *dialogue = user_data;
  gsize n = MIN (size * n_items, dialogue->size - dialogue->offset);

  memcpy (buffer, dialogue->data + dialogue->offset, n);
  dialogue->offset += n;
  return n;
}

static char *
strip_line (const char *data,
            size_t      size)
{
  g_autofree char *line = g_strndup (data, size);
  char *valid = g_utf8_make_valid (g_strstrip (line), -1);

  return valid;
}

static int
debug_cb (CURL          *curl,
          curl_infotype  type,
          char          *data,
          size_t         size,
          void          *user_data)
{
  Dialogue *dialogue = user_data;

  /* after a refusal libcurl says QUIT: the "221 Bye" must not hide why */
  if (dialogue->refused)
    return 0;
  if (type == CURLINFO_HEADER_IN)
    {
      g_free (dialogue->last_answer);
      dialogue->last_answer = strip_line (data, size);
      dialogue->refused = size > 0 && (data[0] == '4' || data[0] == '5');
    }
  /* only these: AUTH lines carry the password */
  else if (type == CURLINFO_HEADER_OUT &&
           (g_ascii_strncasecmp (data, "RCPT TO", MIN (size, 7)) == 0 ||
            g_ascii_strncasecmp (data, "MAIL FROM", MIN (size, 9)) == 0 ||
            g_ascii_strncasecmp (data, "DATA", MIN (size, 4)) == 0) && size >= 4)
    {
      g_free (dialogue->last_command);
      dialogue->last_command = strip_line (data, size);
    }
  return 0;
}

static int
progress_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Dialogue *dialogue = user_data;

  return g_cancellable_is_cancelled (dialogue->cancellable) ? 1 : 0;
}

typedef enum
{
  SEND_OK,
  SEND_RETRY,   /* 4xx, or no answer: another attempt may pass */
  SEND_FAILED,
} SendResult;

static SendResult
send_once (ConduitMailServer  *server,
           guint               timeout_s,
           const char         *envelope_from,
           GPtrArray          *recipients,
           GBytes             *message,
           GCancellable       *cancellable,
           ConduitErrorKind   *kind,
           char              **problem)
{
  g_autofree char *url = conduit_mail_server_dup_url (server, "smtp");
  Dialogue dialogue = { 0 };
  struct curl_slist *rcpt = NULL;
  char error_buffer[CURL_ERROR_SIZE] = "";
  g_autofree char *from = g_strdup_printf ("<%s>", envelope_from);
  CURL *curl = curl_easy_init ();
  CURLcode code;
  long answer = 0;
  SendResult result;

  for (guint i = 0; i < recipients->len; i++)
    {
      g_autofree char *to = g_strdup_printf ("<%s>", (char *)g_ptr_array_index (recipients, i));
      rcpt = curl_slist_append (rcpt, to);
    }

  dialogue.data = g_bytes_get_data (message, &dialogue.size);
  dialogue.cancellable = cancellable;

  conduit_mail_server_setup_curl (server, curl, timeout_s);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)dialogue.size);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt (curl, CURLOPT_READDATA, &dialogue);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, error_buffer);
  /* the debug callback is how the server's own words reach the error message */
  curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, debug_cb);
  curl_easy_setopt (curl, CURLOPT_DEBUGDATA, &dialogue);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &dialogue);

  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer);

  *kind = CONDUIT_ERROR_KIND_MAIL;
  if (code == CURLE_OK)
    result = SEND_OK;
  else if (code == CURLE_ABORTED_BY_CALLBACK)
    {
      *problem = g_strdup (_("cancelled"));
      result = SEND_FAILED;
    }
  else if (answer >= 400 && answer < 600 && dialogue.last_answer != NULL)
    {
      const char *command = dialogue.last_command;

      if (answer == 530 || answer == 534 || answer == 535 || code == CURLE_LOGIN_DENIED)
        *kind = CONDUIT_ERROR_KIND_AUTH;
      if (*kind == CONDUIT_ERROR_KIND_AUTH)
        *problem = g_strdup_printf (_("%s:%u refused the sign-in of “%s”: %s"), server->host,
                                    server->port, server->user ? server->user : "",
                                    dialogue.last_answer);
      else if (command != NULL && g_ascii_strncasecmp (command, "RCPT TO", 7) == 0)
        *problem = g_strdup_printf (_("%s:%u refused the recipient %s: %s"), server->host,
                                    server->port, command + 8, dialogue.last_answer);
      else if (command != NULL && g_ascii_strncasecmp (command, "MAIL FROM", 9) == 0)
        *problem = g_strdup_printf (_("%s:%u refused the sender %s: %s"), server->host,
                                    server->port, command + 10, dialogue.last_answer);
      else
        *problem = g_strdup_printf (_("%s:%u refused the message: %s"), server->host,
                                    server->port, dialogue.last_answer);
      result = answer < 500 ? SEND_RETRY : SEND_FAILED;
    }
  else
    {
      *problem = g_strdup_printf (_("no message could be sent through %s:%u: %s"), server->host,
                                  server->port, *error_buffer ? error_buffer
                                                              : curl_easy_strerror (code));
      *kind = code == CURLE_OPERATION_TIMEDOUT ? CONDUIT_ERROR_KIND_TIMEOUT
                                               : CONDUIT_ERROR_KIND_NETWORK;
      /* a refused TLS or an unknown server stays so; a dropped connection may not */
      result = (code == CURLE_COULDNT_CONNECT || code == CURLE_OPERATION_TIMEDOUT ||
                code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR ||
                code == CURLE_GOT_NOTHING || code == CURLE_WEIRD_SERVER_REPLY)
               ? SEND_RETRY : SEND_FAILED;
    }

  curl_slist_free_all (rcpt);
  curl_easy_cleanup (curl);
  g_free (dialogue.last_answer);
  g_free (dialogue.last_command);
  return result;
}

static gboolean
wait_or_cancel (guint         delay_ms,
                GCancellable *cancellable)
{
  gint64 end = g_get_monotonic_time () + (gint64)delay_ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (MIN (50000, MAX (end - g_get_monotonic_time (), 0)));
    }
  return !g_cancellable_is_cancelled (cancellable);
}

/* One SMTP attempt, written to the history on the run's thread once the worker is done */
typedef struct
{
  guint             item_index;
  guint             attempt;
  gint64            started_us;
  gint64            finished_us;
  ConduitStepStatus status;
  ConduitErrorKind  error_kind;
  char             *message;
  guint             delay_ms;
} Attempt;

static void
attempt_clear (gpointer data)
{
  Attempt *attempt = data;

  g_free (attempt->message);
}

typedef struct
{
  GPtrArray         *mails;     /* Mail */
  ConduitMailServer *server;
  ConduitClock      *clock;
  GArray            *attempts;  /* Attempt */
  GTask             *outer;     /* the executor's task */
} SendJob;

static void
send_job_free (SendJob *job)
{
  g_array_unref (job->attempts);
  g_clear_object (&job->outer);
  g_ptr_array_unref (job->mails);
  conduit_mail_server_free (job->server);
  g_clear_object (&job->clock);
  g_free (job);
}

static void
send_one (ConduitExecutorSendEmail *self,
          SendJob                  *job,
          guint                     index,
          Mail                     *mail,
          ConduitExecutorOutput    *output,
          GCancellable             *cancellable)
{
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *envelope_from = NULL;
  g_autofree char *message_id = NULL;
  guint attempt = 0;
  guint waited_ms = 0;

  if (mail->error != NULL)
    {
      conduit_executor_output_add_error (output, "error", mail->item, "invalid", mail->error, 0, 0);
      return;
    }

  attachments = collect_attachments (mail, &error);
  if (attachments != NULL)
    message = build_message (mail, attachments, recipients, &envelope_from, &message_id, &error);
  if (message == NULL)
    {
      conduit_executor_output_add_error (output, "error", mail->item, "invalid", error->message,
                                         0, 0);
      return;
    }

  for (;;)
    {
      g_autofree char *problem = NULL;
      g_autofree char *why_not = NULL;
      ConduitErrorKind kind = CONDUIT_ERROR_KIND_NONE;
      SendResult result;
      guint delay_ms = 0;
      gboolean again;
      Attempt record = { 0 };

      attempt++;
      record.item_index = index;
      record.attempt = attempt;
      record.started_us = conduit_clock_get_wall_us (job->clock);
      result = send_once (job->server, self->timeout_s, envelope_from, recipients, message,
                          cancellable, &kind, &problem);
      again = result == SEND_RETRY &&
              conduit_retry_policy_next_delay (self->policy, attempt, 0, NULL,
                                               conduit_clock_get_wall_us (job->clock), &delay_ms,
                                               &why_not);
      record.finished_us = conduit_clock_get_wall_us (job->clock);
      record.status = result == SEND_OK ? CONDUIT_STEP_STATUS_OK
                      : again ? CONDUIT_STEP_STATUS_RETRY : CONDUIT_STEP_STATUS_FAILED;
      record.error_kind = result == SEND_OK ? CONDUIT_ERROR_KIND_NONE : kind;
      record.message = g_strdup (problem);
      record.delay_ms = waited_ms;
      g_array_append_val (job->attempts, record);
      waited_ms = delay_ms;

      if (result == SEND_OK)
        {
          g_debug ("sent %s to %u recipients", message_id, recipients->len);
          conduit_executor_output_add (output, "out", json_node_ref (mail->item));
          return;
        }
      if (again && wait_or_cancel (delay_ms, cancellable))
        {
          g_debug ("attempt %u failed, trying again in %u ms: %s", attempt, delay_ms, problem);
          continue;
        }

      if (why_not != NULL && attempt > 1)
        {
          g_autofree char *full = g_strdup_printf ("%s (%s)", problem, why_not);
          conduit_executor_output_add_error (output, "error", mail->item, "mail", full, 0, attempt);
        }
      else
        conduit_executor_output_add_error (output, "error", mail->item, "mail", problem, 0,
                                           attempt);
      return;
    }
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ConduitExecutorSendEmail *self = source_object;
  SendJob *job = task_data;
  g_autoptr(ConduitExecutorOutput) output = conduit_executor_output_new ();

  for (guint i = 0; i < job->mails->len; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      send_one (self, job, i, g_ptr_array_index (job->mails, i), output, cancellable);
    }

  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
}

/* Back on the run's thread: the attempts go to the history (which redacts with the run's
 * secrets), then the items leave. */
static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ConduitExecutorSendEmail *self = CONDUIT_EXECUTOR_SEND_EMAIL (object);
  SendJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GTask) outer = g_steal_pointer (&job->outer);
  ConduitExecutorOutput *output;
  GError *error = NULL;

  for (guint i = 0; i < job->attempts->len; i++)
    {
      Attempt *attempt = &g_array_index (job->attempts, Attempt, i);
      ConduitStepRecord step = { 0 };

      step.node_id = self->node_id;
      step.item_index = (gint)attempt->item_index;
      step.attempt = attempt->attempt;
      step.started_us = attempt->started_us;
      step.finished_us = attempt->finished_us;
      step.status = (char *)conduit_step_status_to_string (attempt->status);
      step.error_kind = (char *)conduit_error_kind_to_string (attempt->error_kind);
      step.error_message = attempt->message;
      step.delay_ms = attempt->delay_ms;
      conduit_run_record_attempt (self->run, &step);
    }

  output = g_task_propagate_pointer (G_TASK (result), &error);
  if (output == NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, output, (GDestroyNotify)conduit_executor_output_free);
}

static void
credential_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SendJob *job = user_data;
  ConduitExecutorSendEmail *self = g_task_get_source_object (job->outer);
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(GTask) worker = NULL;
  GError *error = NULL;

  credential = conduit_run_lookup_credential_finish (CONDUIT_RUN (object), result, &error);
  if (credential != NULL)
    job->server = conduit_mail_server_new_from_credential (credential, &error);
  if (job->server == NULL)
    {
      g_autoptr(GTask) outer = g_steal_pointer (&job->outer);

      send_job_free (job);
      g_task_return_error (outer, error);
      return;
    }

  worker = g_task_new (self, g_task_get_cancellable (job->outer), sent_cb, NULL);
  g_task_set_source_tag (worker, credential_cb);
  g_task_set_task_data (worker, job, (GDestroyNotify)send_job_free);
  g_task_run_in_thread (worker, send_thread);
}

static void
conduit_executor_send_email_execute_async (ConduitExecutor     *executor,
                                           ConduitRun          *run,
                                           ConduitNode         *node,
                                           GPtrArray           *items,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  ConduitExecutorSendEmail *self = CONDUIT_EXECUTOR_SEND_EMAIL (executor);
  SendJob *job = g_new0 (SendJob, 1);

  conduit_mail_init ();

  job->outer = g_task_new (executor, cancellable, callback, user_data);
  g_task_set_source_tag (job->outer, conduit_executor_send_email_execute_async);
  job->mails = g_ptr_array_new_with_free_func ((GDestroyNotify)mail_free);
  job->clock = g_object_ref (conduit_run_get_clock (run));
  job->attempts = g_array_new (FALSE, TRUE, sizeof (Attempt));
  g_array_set_clear_func (job->attempts, attempt_clear);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (job->mails, render_mail (self, g_ptr_array_index (items, i)));

  conduit_run_lookup_credential_async (run, self->credential_id, cancellable, credential_cb, job);
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_send_email_prepare;
  iface->execute_async = conduit_executor_send_email_execute_async;
}
