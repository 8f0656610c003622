/* conduit-queue.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-queue"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <nats/nats.h>

#include "conduit-queue.h"

/* The event queue of `serve --queue`: a NATS JetStream stream between the receivers, which
 * answer webhooks, and the workers, which run the flows (libnats, the NATS C client).
 *
 * A receiver publishes each accepted event with its event id as `Nats-Msg-Id`, so the stream
 * drops a second copy sent within its duplicate window, and answers 202 only once the stream
 * acknowledged it: from then on the event is on the NATS server's disk. The stream keeps a
 * message until a worker acknowledges it (work-queue retention).
 *
 * Workers share one durable pull consumer. A worker fetches no more than it may hold, and
 * acknowledges a message only once its run's end is committed to the history; until then it
 * says "in progress" so that a long run is not delivered again, and a worker that dies leaves
 * its messages to be delivered to another one after the ack wait. A message that could not be
 * run (no worker serves its flow, the history refused it) is delivered again after a back-off,
 * at most max_deliver times; then the NATS server announces it (a max-deliveries advisory), and
 * one worker copies it to the dead-letter stream, removes it from the events and reports it.
 *
 * libnats calls back from its own threads; everything handed to Conduit's code goes through
 * the main context the consumer was started in. */

struct _ConduitQueue
{
  GObject            parent_instance;

  char              *url;
  natsConnection    *connection;
  jsCtx             *js;
  jsCtx             *js_async;     /* publishes events, answered in publish_acked_cb() */
  GMutex             publish_mutex;
  GHashTable        *publishing;   /* natsMsg → GTask, until the stream answers */

  /* The consumer */
  GMainContext      *context;
  natsSubscription  *pull;
  natsSubscription  *advisories;
  GThread           *fetcher;
  GMutex             mutex;
  GCond              cond;
  guint              n_in_flight;
  guint              fetch_at;     /* free places that make the fetcher fetch again */
  gboolean           stopping;
  ConduitQueueConsumerOptions options;
  ConduitQueueDeliveryFunc deliver;
  ConduitQueueDeadFunc dead;
  gpointer           user_data;
};

struct _ConduitQueueDelivery
{
  ConduitQueue *queue;
  natsMsg      *msg;
  char         *event_id;
  GBytes       *payload;
  guint         n_delivered;
};

G_DEFINE_QUARK (conduit-queue-error-quark, conduit_queue_error)

G_DEFINE_FINAL_TYPE (ConduitQueue, conduit_queue, G_TYPE_OBJECT)

static void publish_acked_cb (jsCtx       *js,
                              natsMsg     *msg,
                              jsPubAck    *ack,
                              jsPubAckErr *ack_error,
                              void        *closure);

/* libnats keeps global state (its threads, its timers): opened once for the process.
 *
 * With a spin count of 0 its locks block at once instead of trying 2,000 times first (its
 * default, -1): the connection's lock is shared by the caller, libnats' reader and its
 * flusher, and on a busy machine the holder is often not running, so the spinning was pure
 * processor time — 14k instructions per published event in a receiver under callgrind. */
static gpointer
open_nats (gpointer data)
{
  return GINT_TO_POINTER (nats_Open (0));
}

static void
set_nats_error (GError    **error,
                gint        code,
                const char *what,
                natsStatus  status)
{
  const char *text = nats_GetLastError (NULL);

  g_set_error (error, CONDUIT_QUEUE_ERROR, code, "%s: %s", what,
               text != NULL && *text != '\0' ? text : natsStatus_GetText (status));
}

static void
conduit_queue_dispose (GObject *object)
{
  ConduitQueue *self = (ConduitQueue *)object;

  conduit_queue_stop_consuming (self);
  if (self->connection != NULL)
    {
      /* Acknowledgements are written without waiting: make sure they left before closing. */
      if (natsConnection_Status (self->connection) == NATS_CONN_STATUS_CONNECTED)
        natsConnection_FlushTimeout (self->connection, 2000);
      natsConnection_Close (self->connection);
    }
  /* Publishes the stream never answered (each is answered within its MaxWait, unless the
   * connection closed first): they fail. */
  if (self->publishing != NULL)
    {
      g_autoptr(GHashTable) left = NULL;
      GHashTableIter iter;
      gpointer msg, task;

      g_mutex_lock (&self->publish_mutex);
      left = g_steal_pointer (&self->publishing);
      g_mutex_unlock (&self->publish_mutex);
      g_hash_table_iter_init (&iter, left);
      while (g_hash_table_iter_next (&iter, &msg, &task))
        {
          g_task_return_new_error (task, CONDUIT_QUEUE_ERROR, CONDUIT_QUEUE_ERROR_PUBLISH,
                                   _("the connection to the NATS server %s closed"), self->url);
          g_object_unref (task);
        }
    }
  g_clear_pointer (&self->js_async, jsCtx_Destroy);
  g_clear_pointer (&self->js, jsCtx_Destroy);
  g_clear_pointer (&self->connection, natsConnection_Destroy);

  G_OBJECT_CLASS (conduit_queue_parent_class)->dispose (object);
}

static void
conduit_queue_finalize (GObject *object)
{
  ConduitQueue *self = (ConduitQueue *)object;

  g_free (self->url);
  g_mutex_clear (&self->publish_mutex);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (conduit_queue_parent_class)->finalize (object);
}

static void
conduit_queue_class_init (ConduitQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_queue_dispose;
  object_class->finalize = conduit_queue_finalize;
}

static void
conduit_queue_init (ConduitQueue *self)
{
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->publish_mutex);
  g_cond_init (&self->cond);
  self->publishing = g_hash_table_new (NULL, NULL);
}

/* Makes @name (or checks it is there) with the settings the queue relies on. */
static gboolean
ensure_stream (ConduitQueue  *self,
               const char    *name,
               const char    *subject,
               gboolean       work_queue,
               GError       **error)
{
  jsStreamConfig config;
  jsStreamInfo *info = NULL;
  jsErrCode code = 0;
  const char *subjects[] = { subject };
  natsStatus status;

  jsStreamConfig_Init (&config);
  config.Name = name;
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.Retention = work_queue ? js_WorkQueuePolicy : js_LimitsPolicy;
  /* A sender's retry of the same event within this window is dropped by the stream. */
  config.Duplicates = (int64_t)CONDUIT_QUEUE_DUPLICATE_WINDOW_S * 1000 * 1000 * 1000;

  status = js_AddStream (&info, self->js, &config, NULL, &code);
  if (status == NATS_OK)
    {
      jsStreamInfo_Destroy (info);
      return TRUE;
    }
  /* Already made by another receiver or worker (with our settings: we made it). */
  if (code == JSStreamNameExistErr)
    return TRUE;

  set_nats_error (error, CONDUIT_QUEUE_ERROR_CONNECT,
                  _("cannot make the JetStream stream (is the NATS server started with -js?)"),
                  status);
  return FALSE;
}

/**
 * conduit_queue_new:
 * @url: the NATS server, `nats://HOST:PORT`
 * @error: return location for a #GError
 *
 * Connects to NATS and makes sure its event and dead-letter streams exist. Once connected, it
 * reconnects by itself for as long as it lives; meanwhile publishing fails at once.
 *
 * Returns: (transfer full) (nullable): the queue, or %NULL if NATS cannot be reached
 */
ConduitQueue *
conduit_queue_new (const char  *url,
                   GError     **error)
{
  static GOnce opened = G_ONCE_INIT;
  g_autoptr(ConduitQueue) self = NULL;
  natsOptions *options = NULL;
  natsStatus status;

  g_return_val_if_fail (url != NULL, NULL);

  if (!g_str_has_prefix (url, "nats://"))
    {
      g_set_error (error, CONDUIT_QUEUE_ERROR, CONDUIT_QUEUE_ERROR_ADDRESS,
                   _("“%s” is not a NATS address: give nats://HOST:PORT"), url);
      return NULL;
    }

  if (GPOINTER_TO_INT (g_once (&opened, open_nats, NULL)) != NATS_OK)
    {
      g_set_error (error, CONDUIT_QUEUE_ERROR, CONDUIT_QUEUE_ERROR_CONNECT,
                   _("the NATS client library could not start"));
      return NULL;
    }

  self = g_object_new (CONDUIT_TYPE_QUEUE, NULL);
  self->url = g_strdup (url);

  status = natsOptions_Create (&options);
  if (status == NATS_OK)
    status = natsOptions_SetURL (options, url);
  if (status == NATS_OK)
    status = natsOptions_SetTimeout (options, 2000);
  /* Reconnect for ever, a quarter second apart; nothing is buffered meanwhile, so a publish
   * fails at once and the webhook answers 503 instead of promising what is not on disk. */
  if (status == NATS_OK)
    status = natsOptions_SetMaxReconnect (options, -1);
  if (status == NATS_OK)
    status = natsOptions_SetReconnectWait (options, 250);
  if (status == NATS_OK)
    status = natsOptions_SetReconnectBufSize (options, 0);
  if (status == NATS_OK)
    status = natsConnection_Connect (&self->connection, options);
  natsOptions_Destroy (options);
  if (status != NATS_OK)
    {
      g_autofree char *what = g_strdup_printf (_("cannot connect to the NATS server %s"), url);

      set_nats_error (error, CONDUIT_QUEUE_ERROR_CONNECT, what, status);
      return NULL;
    }

  status = natsConnection_JetStream (&self->js, self->connection, NULL);
  if (status == NATS_OK)
    {
      jsOptions js_options;

      jsOptions_Init (&js_options);
      js_options.PublishAsync.AckHandler = publish_acked_cb;
      js_options.PublishAsync.AckHandlerClosure = self;
      status = natsConnection_JetStream (&self->js_async, self->connection, &js_options);
    }
  if (status != NATS_OK)
    {
      set_nats_error (error, CONDUIT_QUEUE_ERROR_CONNECT, _("cannot use JetStream"), status);
      return NULL;
    }

  if (!ensure_stream (self, CONDUIT_QUEUE_STREAM, CONDUIT_QUEUE_SUBJECT, TRUE, error) ||
      !ensure_stream (self, CONDUIT_QUEUE_DEAD_STREAM, CONDUIT_QUEUE_DEAD_SUBJECT, FALSE, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * conduit_queue_get_url:
 * @self: a queue
 *
 * Returns: the NATS server's address
 */
const char *
conduit_queue_get_url (ConduitQueue *self)
{
  g_return_val_if_fail (CONDUIT_IS_QUEUE (self), NULL);

  return self->url;
}

/**
 * conduit_queue_dup_problem:
 * @self: a queue
 *
 * Returns: (transfer full) (nullable): why events cannot be queued now, %NULL when connected
 */
char *
conduit_queue_dup_problem (ConduitQueue *self)
{
  g_return_val_if_fail (CONDUIT_IS_QUEUE (self), NULL);

  if (natsConnection_Status (self->connection) == NATS_CONN_STATUS_CONNECTED)
    return NULL;
  return g_strdup_printf (_("the NATS server %s is unreachable; reconnecting"), self->url);
}

/* The stream answered a publish, or libnats gave up waiting (MaxWait) or could not send it.
 * In a libnats thread: g_task_return_*() calls back in the task's own main context. */
static void
publish_acked_cb (jsCtx       *js,
                  natsMsg     *msg,
                  jsPubAck    *ack,
                  jsPubAckErr *ack_error,
                  void        *closure)
{
  ConduitQueue *self = closure;
  GTask *task = NULL;

  g_mutex_lock (&self->publish_mutex);
  if (self->publishing != NULL)
    g_hash_table_steal_extended (self->publishing, msg, NULL, (gpointer *)&task);
  g_mutex_unlock (&self->publish_mutex);
  natsMsg_Destroy (msg);
  if (task == NULL)
    return;

  if (ack != NULL)
    /* 2: the stream had it already */
    g_task_return_int (task, ack->Duplicate ? 2 : 1);
  else
    g_task_return_new_error (task, CONDUIT_QUEUE_ERROR, CONDUIT_QUEUE_ERROR_PUBLISH, "%s: %s",
                             _("the event stream did not take the event"),
                             ack_error != NULL && ack_error->ErrText != NULL
                             ? ack_error->ErrText
                             : natsStatus_GetText (ack_error != NULL ? ack_error->Err : NATS_ERR));
  g_object_unref (task);
}

/**
 * conduit_queue_publish_async:
 * @self: a queue
 * @event_id: the event's id: a second publish with it within the stream's duplicate window
 *   is dropped
 * @payload: the event
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the stream acknowledged it (it is on disk), or could not
 * @user_data: for @callback
 *
 * Publishes one accepted event to the event stream.
 */
void
conduit_queue_publish_async (ConduitQueue        *self,
                             const char          *event_id,
                             GBytes              *payload,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  jsPubOptions options;
  natsMsg *msg = NULL;
  gsize size;
  const char *data;
  natsStatus status;

  g_return_if_fail (CONDUIT_IS_QUEUE (self));
  g_return_if_fail (event_id != NULL);
  g_return_if_fail (payload != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_queue_publish_async);
  if (natsConnection_Status (self->connection) != NATS_CONN_STATUS_CONNECTED)
    {
      g_task_return_new_error (task, CONDUIT_QUEUE_ERROR, CONDUIT_QUEUE_ERROR_PUBLISH,
                               _("the NATS server %s is unreachable"), self->url);
      return;
    }

  /* Published without a thread of its own or a wait: the stream's answer comes to
   * publish_acked_cb(), and only then is the task done (the webhook answers 202). */
  jsPubOptions_Init (&options);
  options.MsgId = event_id;
  options.ExpectStream = CONDUIT_QUEUE_STREAM;
  options.MaxWait = 5000;
  data = g_bytes_get_data (payload, &size);
  status = natsMsg_Create (&msg, CONDUIT_QUEUE_SUBJECT, NULL, data, (int)size);
  if (status == NATS_OK)
    {
      natsMsg *sent = msg;

      g_mutex_lock (&self->publish_mutex);
      g_hash_table_insert (self->publishing, sent, g_object_ref (task));
      g_mutex_unlock (&self->publish_mutex);
      status = js_PublishMsgAsync (self->js_async, &msg, &options);
      if (status != NATS_OK)
        {
          g_mutex_lock (&self->publish_mutex);
          g_hash_table_remove (self->publishing, sent);
          g_mutex_unlock (&self->publish_mutex);
          g_object_unref (task);
        }
    }
  natsMsg_Destroy (msg);
  if (status != NATS_OK)
    {
      GError *error = NULL;

      set_nats_error (&error, CONDUIT_QUEUE_ERROR_PUBLISH,
                      _("the event stream did not take the event"), status);
      g_task_return_error (task, error);
    }
}

/**
 * conduit_queue_publish_finish:
 * @self: a queue
 * @result: the result
 * @duplicate: (out) (optional): whether the stream had it already (a sender's retry)
 * @error: return location for a #GError
 *
 * Returns: whether the event is in the stream
 */
gboolean
conduit_queue_publish_finish (ConduitQueue  *self,
                              GAsyncResult  *result,
                              gboolean      *duplicate,
                              GError       **error)
{
  gssize outcome;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  outcome = g_task_propagate_int (G_TASK (result), error);
  if (outcome < 0)
    return FALSE;
  if (duplicate != NULL)
    *duplicate = outcome == 2;
  return TRUE;
}

/* The consumer */

static void
delivery_release (ConduitQueue *self)
{
  g_mutex_lock (&self->mutex);
  self->n_in_flight--;
  /* the fetcher waits for this many free places, or none taken */
  if (self->n_in_flight == 0 ||
      self->options.max_in_flight - MIN (self->n_in_flight, self->options.max_in_flight) ==
      self->fetch_at)
    g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/**
 * conduit_queue_delivery_free:
 * @delivery: a delivery
 *
 * Lets go of @delivery without an answer: NATS delivers it again after the ack wait.
 */
void
conduit_queue_delivery_free (ConduitQueueDelivery *delivery)
{
  ConduitQueue *queue = delivery->queue;

  natsMsg_Destroy (delivery->msg);
  g_free (delivery->event_id);
  g_bytes_unref (delivery->payload);
  g_free (delivery);
  delivery_release (queue);
  g_object_unref (queue);
}

/**
 * conduit_queue_delivery_get_event_id:
 * @delivery: a delivery
 *
 * Returns: the event id the receiver published it with
 */
const char *
conduit_queue_delivery_get_event_id (ConduitQueueDelivery *delivery)
{
  return delivery->event_id;
}

/**
 * conduit_queue_delivery_get_payload:
 * @delivery: a delivery
 *
 * Returns: (transfer none): the event as the receiver published it
 */
GBytes *
conduit_queue_delivery_get_payload (ConduitQueueDelivery *delivery)
{
  return delivery->payload;
}

/**
 * conduit_queue_delivery_get_n_delivered:
 * @delivery: a delivery
 *
 * Returns: how many times NATS delivered it, this time included
 */
guint
conduit_queue_delivery_get_n_delivered (ConduitQueueDelivery *delivery)
{
  return delivery->n_delivered;
}

/**
 * conduit_queue_delivery_in_progress:
 * @delivery: a delivery
 *
 * Tells NATS the message is still being worked on: its ack wait starts again.
 */
void
conduit_queue_delivery_in_progress (ConduitQueueDelivery *delivery)
{
  natsMsg_InProgress (delivery->msg, NULL);
}

/**
 * conduit_queue_delivery_nak:
 * @delivery: a delivery (consumed)
 * @delay_ms: how long NATS waits before delivering it again
 *
 * Gives the message back: it could not be run now.
 */
void
conduit_queue_delivery_nak (ConduitQueueDelivery *delivery,
                            guint                 delay_ms)
{
  natsMsg_NakWithDelay (delivery->msg, (int64_t)delay_ms, NULL);
  conduit_queue_delivery_free (delivery);
}

/**
 * conduit_queue_delivery_ack:
 * @delivery: a delivery (consumed)
 *
 * Acknowledges the message: NATS removes it from the stream. Call it only once the run's end
 * is committed. The acknowledgement goes out with the connection's next write, without
 * waiting for the server's answer: an acknowledgement lost on the way (NATS or this process
 * gone at that moment) lets NATS deliver the event again, exactly as a lost answer to a
 * synchronous one would, and the history's event id tells the next worker that its run ended.
 * Waiting for the answer would cost a round trip and a thread per event for nothing.
 */
void
conduit_queue_delivery_ack (ConduitQueueDelivery *delivery)
{
  natsStatus status = natsMsg_Ack (delivery->msg, NULL);

  if (status != NATS_OK)
    g_warning (_("NATS did not take the acknowledgement of event %s (NATS delivers it again "
                 "after the ack wait): %s"),
               delivery->event_id, natsStatus_GetText (status));
  conduit_queue_delivery_free (delivery);
}

/* A fetch's messages, handed to the main context together */
static gboolean
dispatch_cb (gpointer data)
{
  g_autoptr(GPtrArray) deliveries = data;

  for (guint i = 0; i < deliveries->len; i++)
    {
      ConduitQueueDelivery *delivery = g_ptr_array_index (deliveries, i);

      delivery->queue->deliver (delivery, delivery->queue->user_data);
    }
  return G_SOURCE_REMOVE;
}

static gpointer
fetch_thread (gpointer data)
{
  ConduitQueue *self = data;

  for (;;)
    {
      natsMsgList list = { 0 };
      GPtrArray *deliveries;
      jsErrCode code = 0;
      natsStatus status;
      int batch;

      /* Each fetch is a request to the server and an answer: under load, wait until a quarter
       * of the places are free and fetch that many at once, rather than one message per
       * fetch as each run ends. A worker with nothing in hand fetches at once. */
      g_mutex_lock (&self->mutex);
      while (!self->stopping && self->n_in_flight > 0 &&
             self->options.max_in_flight - MIN (self->n_in_flight, self->options.max_in_flight)
             < self->fetch_at)
        g_cond_wait (&self->cond, &self->mutex);
      batch = (int)(self->options.max_in_flight - self->n_in_flight);
      g_mutex_unlock (&self->mutex);
      if (self->stopping)
        break;

      status = natsSubscription_Fetch (&list, self->pull, batch, 500, &code);
      if (status == NATS_TIMEOUT)
        continue;
      if (status != NATS_OK)
        {
          /* NATS away: the connection reconnects by itself; try again shortly. */
          g_usleep (250 * 1000);
          continue;
        }

      /* One hand-over for the whole fetch: each is a source attached to the main context and
       * a wake-up of its thread, and a fetch under load brings a quarter of the places. */
      deliveries = g_ptr_array_sized_new ((guint)list.Count);
      for (int i = 0; i < list.Count; i++)
        {
          ConduitQueueDelivery *delivery = g_new0 (ConduitQueueDelivery, 1);
          jsMsgMetaData *meta = NULL;
          const char *event_id = NULL;

          delivery->queue = g_object_ref (self);
          delivery->msg = list.Msgs[i];
          list.Msgs[i] = NULL;
          if (natsMsg_GetMetaData (&meta, delivery->msg) == NATS_OK)
            {
              delivery->n_delivered = (guint)meta->NumDelivered;
              jsMsgMetaData_Destroy (meta);
            }
          natsMsgHeader_Get (delivery->msg, "Nats-Msg-Id", &event_id);
          delivery->event_id = g_strdup (event_id != NULL ? event_id : "");
          delivery->payload = g_bytes_new (natsMsg_GetData (delivery->msg),
                                           (gsize)natsMsg_GetDataLength (delivery->msg));
          g_ptr_array_add (deliveries, delivery);
        }
      natsMsgList_Destroy (&list);
      if (deliveries->len == 0)
        {
          g_ptr_array_unref (deliveries);
          continue;
        }
      g_mutex_lock (&self->mutex);
      self->n_in_flight += deliveries->len;
      g_mutex_unlock (&self->mutex);
      g_main_context_invoke (self->context, dispatch_cb, deliveries);
    }

  return NULL;
}

typedef struct
{
  ConduitQueue *queue;
  char         *event_id;
  GBytes       *payload;
  guint         n_delivered;
} Dead;

static gboolean
dead_cb (gpointer data)
{
  Dead *dead = data;

  if (dead->queue->dead != NULL)
    dead->queue->dead (dead->event_id, dead->payload, dead->n_delivered, dead->queue->user_data);
  g_object_unref (dead->queue);
  g_free (dead->event_id);
  g_bytes_unref (dead->payload);
  g_free (dead);
  return G_SOURCE_REMOVE;
}

/* A message used up its deliveries: NATS said so on the advisory subject, to one worker (a
 * queue group). Copy it to the dead-letter stream (with its event id, so two copies are one),
 * then remove it from the events. In a libnats thread. */
static void
advisory_cb (natsConnection   *connection,
             natsSubscription *subscription,
             natsMsg          *msg,
             void             *closure)
{
  ConduitQueue *self = closure;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *advisory;
  natsMsg *original = NULL;
  natsMsg *copy = NULL;
  jsPubAck *ack = NULL;
  jsPubOptions options;
  const char *event_id = NULL;
  gint64 seq, deliveries;
  Dead *dead;

  if (!json_parser_load_from_data (parser, natsMsg_GetData (msg), natsMsg_GetDataLength (msg),
                                   NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto out;
  advisory = json_node_get_object (json_parser_get_root (parser));
  seq = json_object_get_int_member_with_default (advisory, "stream_seq", 0);
  deliveries = json_object_get_int_member_with_default (advisory, "deliveries", 0);
  if (seq <= 0 || js_GetMsg (&original, self->js, CONDUIT_QUEUE_STREAM, (uint64_t)seq, NULL,
                             NULL) != NATS_OK)
    goto out;   /* another worker took care of it */

  natsMsgHeader_Get (original, "Nats-Msg-Id", &event_id);
  jsPubOptions_Init (&options);
  options.MsgId = event_id;
  if (natsMsg_Create (&copy, CONDUIT_QUEUE_DEAD_SUBJECT, NULL, natsMsg_GetData (original),
                      natsMsg_GetDataLength (original)) != NATS_OK ||
      js_PublishMsg (&ack, self->js, copy, &options, NULL) != NATS_OK)
    {
      g_warning ("An event that used up its deliveries could not be moved to the dead-letter "
                 "stream %s; it stays in %s", CONDUIT_QUEUE_DEAD_STREAM, CONDUIT_QUEUE_STREAM);
      goto out;
    }
  jsPubAck_Destroy (ack);
  js_DeleteMsg (self->js, CONDUIT_QUEUE_STREAM, (uint64_t)seq, NULL, NULL);

  dead = g_new0 (Dead, 1);
  dead->queue = g_object_ref (self);
  dead->event_id = g_strdup (event_id != NULL ? event_id : "");
  dead->payload = g_bytes_new (natsMsg_GetData (original),
                               (gsize)natsMsg_GetDataLength (original));
  dead->n_delivered = (guint)deliveries;
  g_main_context_invoke (self->context, dead_cb, dead);

out:
  natsMsg_Destroy (copy);
  natsMsg_Destroy (original);
  natsMsg_Destroy (msg);
}

/**
 * conduit_queue_consume:
 * @self: a queue
 * @options: how many messages to hold, deliveries and the ack wait
 * @deliver: called with each message, in the thread-default main context
 * @dead: (nullable): called with each message moved to the dead-letter stream
 * @user_data: for @deliver and @dead
 * @error: return location for a #GError
 *
 * Becomes one of the workers: binds to (or makes) the workers' durable pull consumer and
 * fetches messages until conduit_queue_stop_consuming().
 *
 * Returns: whether it consumes
 */
gboolean
conduit_queue_consume (ConduitQueue                      *self,
                       const ConduitQueueConsumerOptions *options,
                       ConduitQueueDeliveryFunc           deliver,
                       ConduitQueueDeadFunc               dead,
                       gpointer                           user_data,
                       GError                           **error)
{
  jsConsumerConfig consumer;
  jsSubOptions sub_options;
  jsErrCode code = 0;
  natsStatus status;

  g_return_val_if_fail (CONDUIT_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (self->fetcher == NULL, FALSE);
  g_return_val_if_fail (options->max_in_flight > 0 && options->max_deliver > 0, FALSE);

  self->options = *options;
  self->deliver = deliver;
  self->dead = dead;
  self->user_data = user_data;
  self->context = g_main_context_ref_thread_default ();

  jsConsumerConfig_Init (&consumer);
  consumer.Durable = CONDUIT_QUEUE_CONSUMER;
  consumer.AckPolicy = js_AckExplicit;
  consumer.AckWait = (int64_t)options->ack_wait_s * 1000 * 1000 * 1000;
  consumer.MaxDeliver = options->max_deliver;
  consumer.MaxAckPending = -1;
  jsSubOptions_Init (&sub_options);
  sub_options.Config = consumer;
  status = js_PullSubscribe (&self->pull, self->js, CONDUIT_QUEUE_SUBJECT,
                             CONDUIT_QUEUE_CONSUMER, NULL, &sub_options, &code);
  if (status != NATS_OK)
    {
      set_nats_error (error, CONDUIT_QUEUE_ERROR_CONNECT,
                      _("cannot become a worker of the event stream"), status);
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }

  status = natsConnection_QueueSubscribe (&self->advisories, self->connection,
                                          "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES."
                                          CONDUIT_QUEUE_STREAM "." CONDUIT_QUEUE_CONSUMER,
                                          "conduit-dead-letters", advisory_cb, self);
  if (status != NATS_OK)
    {
      set_nats_error (error, CONDUIT_QUEUE_ERROR_CONNECT,
                      _("cannot watch for events that used up their deliveries"), status);
      conduit_queue_stop_consuming (self);
      return FALSE;
    }

  self->stopping = FALSE;
  self->fetch_at = MAX (options->max_in_flight / 4, 1);
  self->fetcher = g_thread_new ("conduit-queue-fetch", fetch_thread, self);
  return TRUE;
}

/**
 * conduit_queue_stop_consuming:
 * @self: a queue
 *
 * Stops fetching. Messages held are still answered through their deliveries.
 */
void
conduit_queue_stop_consuming (ConduitQueue *self)
{
  g_return_if_fail (CONDUIT_IS_QUEUE (self));

  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  if (self->fetcher != NULL)
    g_thread_join (g_steal_pointer (&self->fetcher));
  if (self->advisories != NULL)
    {
      natsSubscription_Unsubscribe (self->advisories);
      g_clear_pointer (&self->advisories, natsSubscription_Destroy);
    }
  g_clear_pointer (&self->pull, natsSubscription_Destroy);
  g_clear_pointer (&self->context, g_main_context_unref);
}

/**
 * conduit_queue_get_n_in_flight:
 * @self: a queue
 *
 * Returns: messages fetched and not answered yet
 */
guint
conduit_queue_get_n_in_flight (ConduitQueue *self)
{
  guint n;

  g_return_val_if_fail (CONDUIT_IS_QUEUE (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->n_in_flight;
  g_mutex_unlock (&self->mutex);
  return n;
}
