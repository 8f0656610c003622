/* nats-test-server.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real `nats-server -js` for the queue tests, on a private port of 127.0.0.1 with its store
 * in a temporary folder; $NATS_SERVER names the program (tests/meson.build sets it). */
typedef struct
{
  char        *dir;
  char        *store;
  guint        port;
  char        *url;     /* nats://127.0.0.1:PORT */
  GSubprocess *process; /* while it runs */
} NatsTestServer;

gboolean nats_test_server_set_up    (NatsTestServer *nats,
                                     const char     *dir_template);
void     nats_test_server_start     (NatsTestServer *nats);
void     nats_test_server_stop      (NatsTestServer *nats);
void     nats_test_server_tear_down (NatsTestServer *nats);

/* helpers the queue tests share */
guint    test_free_port             (void);
gboolean test_port_answers          (guint           port);
void     test_die_with_parent       (gpointer        user_data);
void     test_remove_tree           (const char     *path);
void     test_stop_serve            (GSubprocess    *serve,
                                     int             signal_number);
guint64  test_stream_length         (const char     *url);

G_END_DECLS
