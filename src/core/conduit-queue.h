/* conduit-queue.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-history-store.h"

G_BEGIN_DECLS

#define CONDUIT_QUEUE_ERROR (conduit_queue_error_quark ())

typedef enum
{
  CONDUIT_QUEUE_ERROR_FAILED,
  CONDUIT_QUEUE_ERROR_ADDRESS,
  CONDUIT_QUEUE_ERROR_CONNECT,
  CONDUIT_QUEUE_ERROR_PUBLISH,
} ConduitQueueError;

/* The stream of accepted events, its subject, the durable consumer of the workers, and the
 * stream of events no worker could run. */
#define CONDUIT_QUEUE_STREAM       "CONDUIT_EVENTS"
#define CONDUIT_QUEUE_SUBJECT      "conduit.events"
#define CONDUIT_QUEUE_CONSUMER     "conduit-workers"
#define CONDUIT_QUEUE_DEAD_STREAM  "CONDUIT_DEAD"
#define CONDUIT_QUEUE_DEAD_SUBJECT "conduit.dead"

/* The event stream drops a message whose id it saw within this many seconds. */
#define CONDUIT_QUEUE_DUPLICATE_WINDOW_S 600

typedef struct _ConduitQueueDelivery ConduitQueueDelivery;

/* Called in the consumer's main context with each message; the callee owns @delivery and
 * ends it with one of conduit_queue_delivery_ack(), _nak() or _free() (which leaves it to be
 * delivered again after the ack wait). */
typedef void (*ConduitQueueDeliveryFunc) (ConduitQueueDelivery *delivery,
                                          gpointer              user_data);

/* Called in the consumer's main context with a message that used up its deliveries, once it
 * is in the dead-letter stream. */
typedef void (*ConduitQueueDeadFunc) (const char *event_id,
                                      GBytes     *payload,
                                      guint       n_delivered,
                                      gpointer    user_data);

typedef struct
{
  guint max_in_flight;   /* messages held at once by this consumer */
  guint max_deliver;     /* deliveries before a message goes to the dead-letter stream */
  guint ack_wait_s;      /* seconds before an unacknowledged message is delivered again */
} ConduitQueueConsumerOptions;

#define CONDUIT_TYPE_QUEUE (conduit_queue_get_type ())

G_DECLARE_FINAL_TYPE (ConduitQueue, conduit_queue, CONDUIT, QUEUE, GObject)

GQuark        conduit_queue_error_quark      (void);
ConduitQueue *conduit_queue_new              (const char                  *url,
                                              GError                     **error);
const char   *conduit_queue_get_url          (ConduitQueue                *self);
char         *conduit_queue_dup_problem      (ConduitQueue                *self);
void          conduit_queue_publish_async    (ConduitQueue                *self,
                                              const char                  *event_id,
                                              GBytes                      *payload,
                                              GCancellable                *cancellable,
                                              GAsyncReadyCallback          callback,
                                              gpointer                     user_data);
gboolean      conduit_queue_publish_finish   (ConduitQueue                *self,
                                              GAsyncResult                *result,
                                              gboolean                    *duplicate,
                                              GError                     **error);
gboolean      conduit_queue_consume          (ConduitQueue                *self,
                                              const ConduitQueueConsumerOptions *options,
                                              ConduitQueueDeliveryFunc     deliver,
                                              ConduitQueueDeadFunc         dead,
                                              gpointer                     user_data,
                                              GError                     **error);
void          conduit_queue_stop_consuming   (ConduitQueue                *self);
guint         conduit_queue_get_n_in_flight  (ConduitQueue                *self);

const char   *conduit_queue_delivery_get_event_id    (ConduitQueueDelivery *delivery);
GBytes       *conduit_queue_delivery_get_payload     (ConduitQueueDelivery *delivery);
guint         conduit_queue_delivery_get_n_delivered (ConduitQueueDelivery *delivery);
void          conduit_queue_delivery_in_progress     (ConduitQueueDelivery *delivery);
void          conduit_queue_delivery_nak             (ConduitQueueDelivery *delivery,
                                                      guint                 delay_ms);
void          conduit_queue_delivery_free            (ConduitQueueDelivery *delivery);
void          conduit_queue_delivery_ack             (ConduitQueueDelivery *delivery);

G_END_DECLS
