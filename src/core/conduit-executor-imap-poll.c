/* conduit-executor-imap-poll.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-imap-poll"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "conduit-executor-imap-poll.h"
#include "conduit-history-store.h"
#include "conduit-mail.h"
#include "conduit-run.h"

/* New E-mail: a trigger that, each time a run starts from it, reads the messages of an IMAP
 * folder that came since the last run. Its place is the folder's UIDVALIDITY and the last UID
 * read, kept as the trigger's cursor in the history database; every message's key (its
 * Message-ID, else UIDVALIDITY/UID) is marked seen there before it is passed on, and the cursor
 * moves after, so a crash between the two repeats nothing. When the server renumbers the folder
 * (a new UIDVALIDITY, after a restore or a migration), the old UIDs mean nothing: the folder is
 * read from its start again, and the seen Message-IDs keep the messages already passed on from
 * firing twice.
 *
 * Fetching a message with libcurl (BODY[]) marks it read; with "leave", a message that was
 * unread is marked unread again after. A run without a history (a test run that records
 * nothing) reads the newest messages and touches none of them. */

struct _ConduitExecutorImapPoll
{
  GObject              parent_instance;

  char                *credential_id;
  char                *folder;
  char                *after_reading;
  char                *move_to;
  guint                max_messages;
  guint                timeout_s;
  char                *flow_name;
  char                *node_id;
  ConduitHistoryStore *history;    /* (nullable) */
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorImapPoll, conduit_executor_imap_poll, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_imap_poll_finalize (GObject *object)
{
  ConduitExecutorImapPoll *self = (ConduitExecutorImapPoll *)object;

  g_free (self->credential_id);
  g_free (self->folder);
  g_free (self->after_reading);
  g_free (self->move_to);
  g_free (self->flow_name);
  g_free (self->node_id);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (conduit_executor_imap_poll_parent_class)->finalize (object);
}

static void
conduit_executor_imap_poll_class_init (ConduitExecutorImapPollClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_imap_poll_finalize;
}

static void
conduit_executor_imap_poll_init (ConduitExecutorImapPoll *self)
{
}

static gboolean
conduit_executor_imap_poll_prepare (ConduitExecutor  *executor,
                                    ConduitRun       *run,
                                    ConduitNode      *node,
                                    GError          **error)
{
  ConduitExecutorImapPoll *self = CONDUIT_EXECUTOR_IMAP_POLL (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);

  self->node_id = g_strdup (conduit_node_get_id (node));
  self->flow_name = g_strdup (conduit_run_get_flow_name (run));
  self->credential_id = conduit_node_dup_string_setting (node, connector, "credential");
  self->folder = conduit_node_dup_string_setting (node, connector, "folder");
  if (self->folder == NULL || *self->folder == '\0')
    {
      g_free (self->folder);
      self->folder = g_strdup ("INBOX");
    }
  self->after_reading = conduit_node_dup_string_setting (node, connector, "after_reading");
  if (self->after_reading == NULL)
    self->after_reading = g_strdup ("leave");
  self->move_to = conduit_node_dup_string_setting (node, connector, "move_to");
  self->max_messages = (guint)CLAMP (conduit_node_get_int_setting (node, connector,
                                                                   "max_messages", 50), 1, 10000);
  self->timeout_s = (guint)CLAMP (conduit_node_get_int_setting (node, connector,
                                                                "timeout_seconds", 60), 1, 600);
  if (conduit_run_get_history (run) != NULL)
    self->history = g_object_ref (conduit_run_get_history (run));

  if (self->credential_id == NULL || *self->credential_id == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs a mailbox credential (imap)"), self->node_id);
      return FALSE;
    }
  if (!g_str_equal (self->after_reading, "leave") &&
      !g_str_equal (self->after_reading, "mark-read") &&
      !g_str_equal (self->after_reading, "move"))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” cannot do “%s” after reading; it can leave, mark-read or move"),
                   self->node_id, self->after_reading);
      return FALSE;
    }
  if (g_str_equal (self->after_reading, "move") &&
      (self->move_to == NULL || *self->move_to == '\0'))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” moves read messages, and needs the folder to move them to"),
                   self->node_id);
      return FALSE;
    }
  /* folder names go into IMAP commands as quoted strings */
  if (strpbrk (self->folder, "\r\n") != NULL ||
      (self->move_to != NULL && strpbrk (self->move_to, "\r\n") != NULL))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s”: a folder name cannot hold a line break"), self->node_id);
      return FALSE;
    }
  return TRUE;
}

/* One IMAP session over one libcurl handle: libcurl keeps the connection and the selected
 * folder between the commands. */

typedef struct
{
  CURL              *curl;
  ConduitMailServer *server;
  char              *base_url;
  char              *folder_url;
  GByteArray        *received;
  char              *last_answer;
  char               error_buffer[CURL_ERROR_SIZE];
  GCancellable      *cancellable;
} Session;

static size_t
write_cb (char   *data,
          size_t  size,
          size_t  n_items,
          void   *user_data)
{
  Session *session = user_data;

  g_byte_array_append (session->received, (const guint8 *)data, size * n_items);
  return size * n_items;
}

static int
debug_cb (CURL          *curl,
          curl_infotype  type,
          char          *data,
          size_t         size,
          void          *user_data)
{
  Session *session = user_data;

  /* a tagged answer ("A004 NO [NONEXISTENT] …") says why a command failed */
  if (type == CURLINFO_HEADER_IN && size > 0 && data[0] != '*')
    {
      g_autofree char *line = g_strndup (data, size);

      g_free (session->last_answer);
      session->last_answer = g_utf8_make_valid (g_strstrip (line), -1);
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
  Session *session = user_data;

  return g_cancellable_is_cancelled (session->cancellable) ? 1 : 0;
}

static char *
quote (const char *name)
{
  GString *quoted = g_string_new ("\"");

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

static void
session_clear (Session *session)
{
  g_clear_pointer (&session->curl, curl_easy_cleanup);
  g_clear_pointer (&session->server, conduit_mail_server_free);
  g_clear_pointer (&session->base_url, g_free);
  g_clear_pointer (&session->folder_url, g_free);
  g_clear_pointer (&session->received, g_byte_array_unref);
  g_clear_pointer (&session->last_answer, g_free);
}

static void
session_init (Session           *session,
              ConduitMailServer *server,
              const char        *folder,
              guint              timeout_s,
              GCancellable      *cancellable)
{
  g_autofree char *escaped = NULL;

  session->server = server;
  session->curl = curl_easy_init ();
  session->received = g_byte_array_new ();
  session->cancellable = cancellable;
  session->base_url = conduit_mail_server_dup_url (server, "imap");
  escaped = g_uri_escape_string (folder, NULL, FALSE);
  session->folder_url = g_strconcat (session->base_url, escaped, NULL);

  conduit_mail_server_setup_curl (server, session->curl, timeout_s);
  curl_easy_setopt (session->curl, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (session->curl, CURLOPT_WRITEDATA, session);
  curl_easy_setopt (session->curl, CURLOPT_ERRORBUFFER, session->error_buffer);
  curl_easy_setopt (session->curl, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt (session->curl, CURLOPT_DEBUGFUNCTION, debug_cb);
  curl_easy_setopt (session->curl, CURLOPT_DEBUGDATA, session);
  curl_easy_setopt (session->curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (session->curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (session->curl, CURLOPT_XFERINFODATA, session);
}

/* Runs @command (NULL: fetch @url's message) and leaves the answer in session->received. */
static gboolean
session_run (Session     *session,
             const char  *url,
             const char  *command,
             GError     **error)
{
  CURLcode code;

  g_byte_array_set_size (session->received, 0);
  g_clear_pointer (&session->last_answer, g_free);
  session->error_buffer[0] = '\0';
  curl_easy_setopt (session->curl, CURLOPT_URL, url);
  curl_easy_setopt (session->curl, CURLOPT_CUSTOMREQUEST, command);

  code = curl_easy_perform (session->curl);
  if (code == CURLE_OK)
    return TRUE;

  if (code == CURLE_ABORTED_BY_CALLBACK)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("cancelled"));
  else if (code == CURLE_LOGIN_DENIED)
    g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_CREDENTIAL,
                 _("%s:%u refused the sign-in of “%s”: %s"), session->server->host,
                 session->server->port, session->server->user ? session->server->user : "",
                 session->last_answer ? session->last_answer : curl_easy_strerror (code));
  else if (session->last_answer != NULL)
    g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                 _("The mailbox at %s:%u answered “%s” to “%s” (%s)"), session->server->host,
                 session->server->port, session->last_answer, command ? command : "FETCH",
                 *session->error_buffer ? session->error_buffer : curl_easy_strerror (code));
  else
    g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                 _("The mailbox at %s:%u cannot be used: %s"), session->server->host,
                 session->server->port,
                 *session->error_buffer ? session->error_buffer : curl_easy_strerror (code));
  return FALSE;
}

static gboolean
parse_number_after (const char *text,
                    const char *word,
                    guint64    *value)
{
  const char *found = text ? strstr (text, word) : NULL;

  if (found == NULL)
    return FALSE;
  found += strlen (word);
  while (*found == ' ')
    found++;
  if (!g_ascii_isdigit (*found))
    return FALSE;
  *value = g_ascii_strtoull (found, NULL, 10);
  return TRUE;
}

static char *
received_text (Session *session)
{
  return g_strndup ((const char *)session->received->data, session->received->len);
}

/* In "* 3 FETCH (UID 7 FLAGS (\Seen))"; a SELECT before it also lists "* FLAGS (… \Seen …)",
 * the flags the folder knows, which says nothing about the message. */
static gboolean
has_seen_flag (const char *answer)
{
  g_auto(GStrv) lines = g_strsplit (answer, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], " FETCH (") != NULL && strstr (lines[i], "\\Seen") != NULL)
      return TRUE;
  return FALSE;
}

static gint
compare_uid (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *)a;
  guint64 y = *(const guint64 *)b;

  return x < y ? -1 : x > y;
}

/* "* SEARCH 4 7 9" → the UIDs above @after, in order */
static GArray *
parse_search (const char *text,
              guint64     after)
{
  GArray *uids = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;

      if (!g_str_has_prefix (lines[i], "* SEARCH"))
        continue;
      words = g_strsplit_set (lines[i] + 8, " \r", -1);
      for (guint j = 0; words[j] != NULL; j++)
        {
          guint64 uid;

          /* "UID n:*" always matches the last message, even below n */
          if (g_ascii_string_to_unsigned (words[j], 10, 1, G_MAXUINT32, &uid, NULL) &&
              uid > after)
            g_array_append_val (uids, uid);
        }
    }
  g_array_sort (uids, compare_uid);
  return uids;
}

static void
store_cursor (ConduitExecutorImapPoll *self,
              guint64                  uidvalidity,
              guint64                  uid)
{
  g_autofree char *cursor = g_strdup_printf ("{\"uidvalidity\": %" G_GUINT64_FORMAT
                                             ", \"uid\": %" G_GUINT64_FORMAT "}",
                                             uidvalidity, uid);
  g_autoptr(GError) error = NULL;

  /* The seen keys hold even when this fails: the messages would be read again, not fired. */
  if (!conduit_history_store_set_cursor (self->history, self->flow_name, self->node_id, cursor,
                                         &error))
    g_debug ("the place of “%s” stays where it was: %s", self->node_id, error->message);
}

static gboolean
after_reading (ConduitExecutorImapPoll  *self,
               Session                  *session,
               guint64                   uid,
               gboolean                  was_seen,
               GError                  **error)
{
  g_autofree char *command = NULL;

  if (g_str_equal (self->after_reading, "move"))
    {
      g_autofree char *to = quote (self->move_to);
      /* MOVE (RFC 6851) takes the message out in one step, flags and all */
      command = g_strdup_printf ("UID MOVE %" G_GUINT64_FORMAT " %s", uid, to);
    }
  else if (g_str_equal (self->after_reading, "mark-read"))
    command = g_strdup_printf ("UID STORE %" G_GUINT64_FORMAT " +FLAGS.SILENT (\\Seen)", uid);
  else if (!was_seen)
    command = g_strdup_printf ("UID STORE %" G_GUINT64_FORMAT " -FLAGS.SILENT (\\Seen)", uid);
  else
    return TRUE;

  return session_run (session, session->folder_url, command, error);
}

typedef struct
{
  ConduitMailServer *server;
} PollJob;

static void
poll_job_free (PollJob *job)
{
  conduit_mail_server_free (job->server);
  g_free (job);
}

static void
poll_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ConduitExecutorImapPoll *self = source_object;
  PollJob *job = task_data;
  g_autoptr(ConduitExecutorOutput) output = conduit_executor_output_new ();
  g_autoptr(GArray) uids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved_text = NULL;
  g_autofree char *status_command = NULL;
  g_autofree char *search_command = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *quoted = quote (self->folder);
  guint64 saved_validity = 0;
  guint64 saved_uid = 0;
  guint64 uidvalidity = 0;
  guint64 last_uid = 0;
  guint first = 0;
  guint fired = 0;
  Session session = { 0 };

  if (self->history != NULL &&
      !conduit_history_store_get_cursor (self->history, self->flow_name, self->node_id,
                                         &saved_text, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (saved_text != NULL)
    {
      g_autoptr(JsonNode) saved = json_from_string (saved_text, NULL);

      if (saved == NULL || !JSON_NODE_HOLDS_OBJECT (saved))
        {
          g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                                   _("The saved place of “%s” in the history cannot be read: "
                                     "%s"), self->node_id, saved_text);
          return;
        }
      saved_validity = (guint64)json_object_get_int_member_with_default (json_node_get_object (saved),
                                                                          "uidvalidity", 0);
      saved_uid = (guint64)json_object_get_int_member_with_default (json_node_get_object (saved),
                                                                     "uid", 0);
    }

  session_init (&session, g_steal_pointer (&job->server), self->folder, self->timeout_s,
                cancellable);

  status_command = g_strdup_printf ("STATUS %s (UIDVALIDITY UIDNEXT)", quoted);
  if (!session_run (&session, session.base_url, status_command, &error))
    goto failed;
  answer = received_text (&session);
  if (!parse_number_after (answer, "UIDVALIDITY", &uidvalidity))
    {
      g_set_error (&error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                   _("The mailbox at %s:%u gave no UIDVALIDITY for the folder “%s”"),
                   session.server->host, session.server->port, self->folder);
      goto failed;
    }
  if (saved_validity != uidvalidity)
    {
      if (saved_validity != 0)
        g_debug ("“%s” was renumbered (UIDVALIDITY %" G_GUINT64_FORMAT " → %" G_GUINT64_FORMAT
                 "): reading it from the start", self->folder, saved_validity, uidvalidity);
      saved_uid = 0;
    }

  search_command = g_strdup_printf ("UID SEARCH UID %" G_GUINT64_FORMAT ":*", saved_uid + 1);
  if (!session_run (&session, session.folder_url, search_command, &error))
    goto failed;
  g_clear_pointer (&answer, g_free);
  answer = received_text (&session);
  uids = parse_search (answer, saved_uid);

  /* a test run without history shows the newest; a poll goes on from its place, oldest first */
  if (self->history == NULL && uids->len > self->max_messages)
    first = uids->len - self->max_messages;
  last_uid = saved_uid;

  for (guint i = first; i < uids->len && i - first < self->max_messages; i++)
    {
      guint64 uid = g_array_index (uids, guint64, i);
      g_autofree char *url = g_strdup_printf ("%s;UIDVALIDITY=%" G_GUINT64_FORMAT
                                              "/;UID=%" G_GUINT64_FORMAT, session.folder_url,
                                              uidvalidity, uid);
      g_autofree char *flags_command = g_strdup_printf ("UID FETCH %" G_GUINT64_FORMAT " (FLAGS)",
                                                        uid);
      g_autofree char *flags = NULL;
      g_autofree char *key = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(JsonNode) item = NULL;
      g_autoptr(GError) parse_error = NULL;
      JsonObject *object;
      const char *message_id;
      gboolean newly_seen = TRUE;
      gboolean was_seen;

      if (!session_run (&session, session.folder_url, flags_command, &error))
        break;
      flags = received_text (&session);
      was_seen = has_seen_flag (flags);

      if (!session_run (&session, url, NULL, &error))
        break;
      bytes = g_bytes_new (session.received->data, session.received->len);
      item = conduit_mail_parse_message (bytes, &parse_error);
      if (item == NULL)
        {
          /* never dropped: the item says what could not be read, and carries the raw bytes */
          JsonObject *raw = json_object_new ();
          g_autofree char *base64 = g_base64_encode (session.received->data,
                                                     session.received->len);

          json_object_set_string_member (raw, "error", parse_error->message);
          json_object_set_string_member (raw, "raw", base64);
          item = json_node_init_object (json_node_alloc (), raw);
          json_object_unref (raw);
        }
      object = json_node_get_object (item);
      json_object_set_string_member (object, "folder", self->folder);
      json_object_set_int_member (object, "uid", (gint64)uid);
      json_object_set_int_member (object, "uidvalidity", (gint64)uidvalidity);
      json_object_set_boolean_member (object, "was_read", was_seen);

      message_id = json_object_get_string_member_with_default (object, "message_id", NULL);
      key = message_id != NULL && *message_id != '\0'
            ? g_strdup_printf ("message-id:%s", message_id)
            : g_strdup_printf ("uid:%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT, uidvalidity, uid);

      if (self->history != NULL &&
          !conduit_history_store_mark_seen (self->history, self->flow_name, self->node_id, key,
                                            &newly_seen, &error))
        break;
      if (newly_seen)
        {
          conduit_executor_output_add (output, "out", g_steal_pointer (&item));
          fired++;
        }
      last_uid = uid;

      if (self->history != NULL)
        {
          if (!after_reading (self, &session, uid, was_seen, &error))
            break;
        }
      else if (!was_seen)
        {
          /* a test run leaves the folder as it found it, whatever the setting */
          g_autofree char *unread = g_strdup_printf ("UID STORE %" G_GUINT64_FORMAT
                                                     " -FLAGS.SILENT (\\Seen)", uid);

          if (!session_run (&session, session.folder_url, unread, &error))
            break;
        }
    }

  if (self->history != NULL && last_uid != saved_uid)
    store_cursor (self, uidvalidity, last_uid);
  else if (self->history != NULL && saved_validity != uidvalidity)
    store_cursor (self, uidvalidity, 0);

  if (error != NULL && fired == 0)
    goto failed;
  if (error != NULL)
    g_debug ("“%s” stopped after %u messages, the rest come next time: %s", self->node_id,
             fired, error->message);

  session_clear (&session);
  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
  return;

failed:
  session_clear (&session);
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
credential_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PollJob *job = g_task_get_task_data (task);
  g_autoptr(ConduitCredential) credential = NULL;
  GError *error = NULL;

  credential = conduit_run_lookup_credential_finish (CONDUIT_RUN (object), result, &error);
  if (credential == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (conduit_credential_get_kind (credential) != CONDUIT_CREDENTIAL_KIND_IMAP)
    {
      g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_CREDENTIAL,
                               _("The credential “%s” is a %s, not a mailbox (imap)"),
                               conduit_credential_get_id (credential),
                               conduit_credential_kind_to_string (conduit_credential_get_kind (credential)));
      return;
    }
  job->server = conduit_mail_server_new_from_credential (credential, &error);
  if (job->server == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, poll_thread);
}

static void
conduit_executor_imap_poll_execute_async (ConduitExecutor     *executor,
                                          ConduitRun          *run,
                                          ConduitNode         *node,
                                          GPtrArray           *items,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  ConduitExecutorImapPoll *self = CONDUIT_EXECUTOR_IMAP_POLL (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  /* Whatever started the run, the trigger reads the folder once. */
  g_task_set_source_tag (task, conduit_executor_imap_poll_execute_async);
  g_task_set_task_data (task, g_new0 (PollJob, 1), (GDestroyNotify)poll_job_free);
  conduit_mail_init ();
  conduit_run_lookup_credential_async (run, self->credential_id, cancellable, credential_cb,
                                       g_steal_pointer (&task));
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_imap_poll_prepare;
  iface->execute_async = conduit_executor_imap_poll_execute_async;
}
