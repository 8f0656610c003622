/* conduit-cli-commands.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each command gets argv with argv[0] set to "conduit-cli COMMAND" and returns the exit code. */
typedef int (*ConduitCliCommandFunc) (int argc, char **argv);

int conduit_cli_validate   (int argc, char **argv);
int conduit_cli_connector  (int argc, char **argv);
int conduit_cli_connector_import (int argc, char **argv);
int conduit_cli_map        (int argc, char **argv);
int conduit_cli_credential (int argc, char **argv);

/* runner and history */
int conduit_cli_run        (int argc, char **argv);
int conduit_cli_serve      (int argc, char **argv);
int conduit_cli_history    (int argc, char **argv);
int conduit_cli_deploy     (int argc, char **argv);
int conduit_cli_serve_check (char **flow_paths, const char *history_path,
                             const char *admin_address, const char *queue_url,
                             const char *role);

/* the front (conduit-cli-front.c): the full program for what the front does not run */
gboolean conduit_cli_front_run_full (GError **error);

/* saved tests */
int conduit_cli_test       (int argc, char **argv);
struct _ConduitFlow;
struct _ConduitHistoryStore;
struct _ConduitFlow         *conduit_cli_load_flow        (const char                  *path,
                                                           GError                     **error);
struct _ConduitHistoryStore *conduit_cli_open_history     (const char                  *path,
                                                           GError                     **error);

G_END_DECLS
