/* conduit-run-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-run.h"
#include "conduit-redactor.h"
#include "conduit-step-status.h"

G_BEGIN_DECLS

/* Shared by the run (conduit-run.c: its nodes, their execution) and its recording in the
 * history (conduit-run-record.c). */

#define MAX_RECORDED_ITEMS 1000

typedef struct
{
  ConduitRun       *run;         /* unowned */
  ConduitNode      *node;
  ConduitConnector *connector;
  GPtrArray        *inbox;       /* of JsonNode, waiting to be worked */
  GPtrArray        *batch;       /* of JsonNode, the batch being worked */
  GPtrArray        *inbox_ports; /* of interned input port ids, one per inbox item */
  GPtrArray        *batch_ports; /* of interned input port ids, one per batch item */
  GPtrArray        *downstream;  /* of NodeData, unowned, distinct */
  GPtrArray        *upstream;    /* of NodeData, unowned, distinct */
  guint             pending;
  gboolean          reachable;
  ConduitStepStatus state;
  guint             items_in;
  guint             items_ok;
  guint             items_failed;
  guint             items_rejected;
  char             *error;
  const char       *error_kind;  /* static: see error_kind_of() */
  gint64            started_us;
  ConduitExecutor  *executor;
  GHashTable       *outputs;     /* port → GPtrArray, when keep_outputs */
  GHashTable       *recorded;    /* port → items seen so far, for the history's positions */
  guint             batch_start; /* position of the batch's first item in the node's input */
  gboolean          batched;     /* the executor takes its input in batches */
  guint             batch_limit; /* the most it takes at once; 0 until started: the default */
  gboolean          started;     /* its executor is made and prepared (or it failed doing so) */
  gboolean          busy;        /* a batch (or the end) is being worked */
  gboolean          ran;         /* it worked at least one batch */
  guint             items_ended; /* of items_ok, those that left by a port with no link */
  gboolean          done;
  gboolean          cancelled;
  gboolean          pinned;      /* not executed: its pinned output goes downstream */
  gboolean          source;      /* starts with no step before it: the trigger, a pinned step, the
                                  * one step of a step run */
} NodeData;

struct _ConduitRun
{
  GObject           parent_instance;

  ConduitRunner    *runner;
  ConduitFlow      *flow;
  char             *flow_name;
  char             *trigger_id;
  char             *trigger_kind;
  GPtrArray        *trigger_items;
  GHashTable       *nodes;       /* id → NodeData */
  NodeData         *trigger;
  ConduitRunRecord  record;
  ConduitRedactor  *redactor;    /* (nullable) until the run meets a secret */
  GHashTable       *credentials;  /* (nullable) id → ConduitCredential, looked up once per run */
  GTask            *task;
  guint             n_reachable;
  guint             n_done;
  guint             nested_batches; /* batches worked at once, one inside another's end */
  guint             items_ended_ok;
  gboolean          node_failed;
  gboolean          recorded;
  gboolean          keep_outputs;
  guint             keep_outputs_limit;
  char            **poll_keys;     /* (nullable) one per trigger item, for a polling trigger */
  char             *poll_cursor;
  gboolean          nothing_new;   /* a poll whose records were all seen before */
  gboolean          interrupted;  /* cancelled because the process stops: see below */
  GHashTable       *late_trigger_items;  /* positions ≥ MAX_RECORDED_ITEMS recorded */
  gboolean          use_pins;      /* see conduit-run-pins.c */
  char             *step_id;       /* (nullable) a run of this one step */
  char             *event_id;      /* (nullable) the queued event this run is for */
  gboolean          already_ran;   /* the history says the event's run ended before */
  GPtrArray        *trigger_texts; /* (nullable) trigger_items[i] as JSON, not redacted:
                                    * each item is serialised once a run */
  GHashTable       *item_texts;    /* (nullable) JsonNode (a ref) a node sent out → its JSON text,
                                    * for the nodes that take it in: see conduit-run-record.c */
};

void conduit_run_record_items (ConduitRun *self,
                               NodeData   *data,
                               const char *port,
                               gboolean    is_output,
                               gboolean    keep_all,
                               GPtrArray  *items);

void conduit_run_record_trigger_item (ConduitRun *self,
                                      guint       position);

void conduit_run_set_trigger_texts (ConduitRun *self,
                                    GPtrArray  *texts);

void conduit_run_mark_reachable (ConduitRun *self);

G_END_DECLS
