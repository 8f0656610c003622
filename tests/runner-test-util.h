/* runner-test-util.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit.h"

G_BEGIN_DECLS

/* What the runner tests share: a throwaway history, a runner on a fake clock that never talks
 * to a proxy, flows written inline, and a way to wait for a run. */
typedef struct
{
  char                *dir;
  ConduitHistoryStore *history;
  ConduitRunner       *runner;
  ConduitClock        *clock;
} RunnerFixture;

void          runner_fixture_set_up     (RunnerFixture *fixture,
                                         gconstpointer  data);
void          runner_fixture_tear_down  (RunnerFixture *fixture,
                                         gconstpointer  data);
ConduitFlow  *runner_test_flow          (const char    *json);
ConduitRun   *runner_test_run           (RunnerFixture *fixture,
                                         ConduitFlow   *flow,
                                         GPtrArray     *items);
GPtrArray    *runner_test_steps         (RunnerFixture *fixture,
                                         ConduitRun    *run,
                                         const char    *node_id,
                                         gboolean       attempts_only);
GPtrArray    *runner_test_parse_items   (const char    *json);
/* Called with each event's answer: @status 0 when none came (refused, dropped). Returns
 * whether to go on sending the events not sent yet. */
typedef gboolean (*RunnerTestAnswered) (guint     index,
                                        guint     status,
                                        GBytes   *body,
                                        gpointer  user_data);
void          runner_test_post_events   (const char    *url,
                                         guint          n_events,
                                         guint          concurrency,
                                         char        *(*body_for) (guint    index,
                                                                   gpointer user_data),
                                         RunnerTestAnswered answered,
                                         gpointer       user_data);
GSubprocess  *runner_test_start_serve   (GSubprocessLauncher *launcher,
                                         const char    *flow_path,
                                         const char    *db_path,
                                         const char    *workers,
                                         char         **url);
GSubprocess  *runner_test_start_serve_full (GSubprocessLauncher *launcher,
                                            const char    *flow_path,
                                            const char    *db_path,
                                            const char * const *extra_args,
                                            guint          max_files,
                                            char         **url);

G_END_DECLS
