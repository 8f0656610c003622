/* fault-server.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A local HTTP server for tests that answers each request to a path by the next step of that
 * path's script, then with "ok" once the script is used up:
 *
 *   ok            201 with {"id": N, "received": BODY}; records the item once per Idempotency-Key
 *   500, 503, 400 that status (503 and 429 may carry ":SECONDS" for Retry-After: 429:2)
 *   drop          closes the connection without answering
 *   created+drop  records the item (as "ok" would), then closes the connection unanswered
 *   slow:MS       answers "ok" after MS milliseconds
 *   gather:N      holds the request until N "gather" requests are held at once, then answers
 *                 them all "ok" (or each after 20 s): shows how many calls a client has in flight
 *   slowbody:MS   sends the headers, then the body a byte at a time over MS milliseconds
 *   badjson       200 with Content-Type application/json and a body that is not JSON
 *   deepjson      200 with Content-Type application/json and a million '[' (a stack bomb)
 */
typedef struct _FaultServer FaultServer;

FaultServer *fault_server_new            (void);
void         fault_server_free           (FaultServer *self);
char        *fault_server_url            (FaultServer *self,
                                          const char  *path);
void         fault_server_script         (FaultServer *self,
                                          const char  *path,
                                          const char  *script);
guint        fault_server_n_requests     (FaultServer *self,
                                          const char  *path);
guint        fault_server_n_created      (FaultServer *self);
guint        fault_server_peak_gathered  (FaultServer *self);
GPtrArray   *fault_server_created        (FaultServer *self);
GPtrArray   *fault_server_keys           (FaultServer *self);
GPtrArray   *fault_server_headers        (FaultServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FaultServer, fault_server_free)

G_END_DECLS
