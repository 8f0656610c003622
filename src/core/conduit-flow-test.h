/* conduit-flow-test.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-connector-registry.h"
#include "conduit-flow.h"
#include "conduit-history-store.h"
#include "conduit-runner.h"

G_BEGIN_DECLS

#define CONDUIT_FLOW_TEST_ERROR (conduit_flow_test_error_quark ())
#define CONDUIT_FLOW_TEST_FORMAT 1

typedef enum
{
  CONDUIT_FLOW_TEST_ERROR_FAILED,
  CONDUIT_FLOW_TEST_ERROR_INVALID,     /* the tests file cannot be used as it is */
  CONDUIT_FLOW_TEST_ERROR_INCOMPLETE,  /* the run lacks items a test needs */
} ConduitFlowTestError;

/* One saved test of a flow: the trigger's items as a fixture, what the edge steps answered
 * (the recording) and what every step sent out (the expected result). */
typedef struct
{
  char       *name;
  char       *trigger_node;
  char       *trigger_port;
  GPtrArray  *trigger_items;   /* of JsonNode */
  JsonNode   *recordings;      /* an array of {"node", "items_in", "ports": {PORT: [...]}} */
  JsonNode   *expected;        /* an object NODE → PORT → [items] */
  GStrv       volatile_fields; /* dotted field paths, "*" for any one segment */
} ConduitFlowTest;

/* One difference between what a step was expected to send out and what it sent. */
typedef struct
{
  char  *node_id;
  char  *port;
  gint   index;     /* the item's position in the port, -1 for the port as a whole */
  char  *field;     /* dotted path inside the item, "" for the whole item */
  char  *expected;  /* JSON text, or NULL when the field was absent */
  char  *actual;    /* JSON text, or NULL when the field is absent */
} ConduitFlowTestDiff;

/* What replaying one test gave. */
typedef struct
{
  gboolean   passed;
  char      *error;       /* (nullable) why the test could not run at all */
  GPtrArray *diffs;       /* of ConduitFlowTestDiff */
  GPtrArray *notes;       /* of char *: what the replay did that a person should know, such as
                           * a step answered from its app descriptor's example */
} ConduitFlowTestResult;

GQuark                 conduit_flow_test_error_quark    (void);
void                   conduit_flow_test_free           (ConduitFlowTest       *test);
void                   conduit_flow_test_diff_free      (ConduitFlowTestDiff   *diff);
void                   conduit_flow_test_result_free    (ConduitFlowTestResult *result);

char                  *conduit_flow_test_path_for_flow  (const char            *flow_path);
GPtrArray             *conduit_flow_test_load_file      (const char            *path,
                                                         GError               **error);
GPtrArray             *conduit_flow_test_load_data      (const char            *data,
                                                         gsize                  length,
                                                         const char            *where,
                                                         GError               **error);
JsonNode              *conduit_flow_test_to_json        (ConduitFlowTest       *test);
gboolean               conduit_flow_test_save           (ConduitFlowTest       *test,
                                                         const char            *path,
                                                         GError               **error);
ConduitFlowTest       *conduit_flow_test_new_from_run   (ConduitHistoryStore   *store,
                                                         gint64                 run_id,
                                                         ConduitFlow           *flow,
                                                         ConduitConnectorRegistry *registry,
                                                         const char            *name,
                                                         const char * const    *volatile_fields,
                                                         GError               **error);
char                  *conduit_flow_test_save_run       (ConduitHistoryStore   *store,
                                                         gint64                 run_id,
                                                         const char            *flow_path,
                                                         ConduitFlow           *flow,
                                                         ConduitConnectorRegistry *registry,
                                                         const char            *name,
                                                         const char * const    *volatile_fields,
                                                         ConduitFlowTest      **test_out,
                                                         GError               **error);
char                  *conduit_flow_test_default_name   (gint64                 run_id);
gboolean               conduit_flow_test_remove         (const char            *path,
                                                         const char            *name,
                                                         GError               **error);

/* Keeping a webhook event as a test (conduit-flow-test-event.c) */
void                   conduit_flow_test_save_event_async  (ConduitRunner         *runner,
                                                         ConduitFlow           *flow,
                                                         const char            *tests_path,
                                                         const char            *trigger_id,
                                                         GPtrArray             *items,
                                                         const char            *name,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
gint64                 conduit_flow_test_save_event_finish (GAsyncResult          *result,
                                                         GError               **error);

/* Replaying: the flow runs with its edge steps answering from the recording. */
void                   conduit_flow_test_run_async      (ConduitFlowTest       *test,
                                                         ConduitFlow           *flow,
                                                         ConduitConnectorRegistry *registry,
                                                         GCancellable          *cancellable,
                                                         GAsyncReadyCallback    callback,
                                                         gpointer               user_data);
ConduitFlowTestResult *conduit_flow_test_run_finish     (GAsyncResult          *result,
                                                         GError               **error);

/* Comparing (conduit-flow-test-compare.c) */
gboolean               conduit_flow_test_field_is_volatile (const char         *field,
                                                         const char * const    *volatile_fields);
gboolean               conduit_flow_test_compare_item   (JsonNode              *expected,
                                                         JsonNode              *actual,
                                                         const char * const    *volatile_fields,
                                                         const char            *node_id,
                                                         const char            *port,
                                                         gint                   index,
                                                         GPtrArray             *diffs);
gboolean               conduit_flow_test_compare_port   (JsonArray             *expected,
                                                         GPtrArray             *actual,
                                                         const char * const    *volatile_fields,
                                                         const char            *node_id,
                                                         const char            *port,
                                                         GPtrArray             *diffs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitFlowTest, conduit_flow_test_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitFlowTestDiff, conduit_flow_test_diff_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitFlowTestResult, conduit_flow_test_result_free)

G_END_DECLS
