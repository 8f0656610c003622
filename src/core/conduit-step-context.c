/* conduit-step-context.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-step-context"

#include "config.h"

#include "conduit-step-context.h"

/* What a step may use while it works, and nothing more: the HTTP session, the clock, the
 * authorizer that puts credentials on requests, and the history (for cursors and seen keys).
 * Executors get it from their run instead of reaching through the run into the runner, so a
 * step cannot start runs, swap the registry or look at other runs. The runner owns one context
 * shared by all its runs; what a step keeps between runs without a history (the dedupe step's
 * keys in memory) hangs on the context with g_object_set_data().
 */

struct _ConduitStepContext
{
  GObject              parent_instance;

  SoupSession         *session;
  ConduitClock        *clock;
  ConduitAuthorizer   *authorizer;
  ConduitHistoryStore *history;
};

G_DEFINE_FINAL_TYPE (ConduitStepContext, conduit_step_context, G_TYPE_OBJECT)

static void
conduit_step_context_dispose (GObject *object)
{
  ConduitStepContext *self = (ConduitStepContext *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->clock);
  g_clear_object (&self->authorizer);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (conduit_step_context_parent_class)->dispose (object);
}

static void
conduit_step_context_class_init (ConduitStepContextClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conduit_step_context_dispose;
}

static void
conduit_step_context_init (ConduitStepContext *self)
{
}

/**
 * conduit_step_context_new:
 * @session: the HTTP session requests go through
 * @clock: the clock waits and timestamps go through
 * @authorizer: what puts credentials on requests
 * @history: (nullable): where cursors and seen keys are kept, %NULL when runs are not recorded
 *
 * Returns: (transfer full): a new context
 */
ConduitStepContext *
conduit_step_context_new (SoupSession         *session,
                          ConduitClock        *clock,
                          ConduitAuthorizer   *authorizer,
                          ConduitHistoryStore *history)
{
  ConduitStepContext *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (CONDUIT_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (CONDUIT_IS_AUTHORIZER (authorizer), NULL);
  g_return_val_if_fail (!history || CONDUIT_IS_HISTORY_STORE (history), NULL);

  self = g_object_new (CONDUIT_TYPE_STEP_CONTEXT, NULL);
  self->session = g_object_ref (session);
  self->clock = g_object_ref (clock);
  self->authorizer = g_object_ref (authorizer);
  if (history != NULL)
    self->history = g_object_ref (history);
  return self;
}

/**
 * conduit_step_context_get_session:
 * @self: a context
 *
 * Returns: (transfer none): the HTTP session
 */
SoupSession *
conduit_step_context_get_session (ConduitStepContext *self)
{
  g_return_val_if_fail (CONDUIT_IS_STEP_CONTEXT (self), NULL);

  return self->session;
}

/**
 * conduit_step_context_get_clock:
 * @self: a context
 *
 * Returns: (transfer none): the clock
 */
ConduitClock *
conduit_step_context_get_clock (ConduitStepContext *self)
{
  g_return_val_if_fail (CONDUIT_IS_STEP_CONTEXT (self), NULL);

  return self->clock;
}

/**
 * conduit_step_context_set_clock:
 * @self: a context
 * @clock: a clock
 *
 * For the runner, when a test gives it a fake clock.
 */
void
conduit_step_context_set_clock (ConduitStepContext *self,
                                ConduitClock       *clock)
{
  g_return_if_fail (CONDUIT_IS_STEP_CONTEXT (self));
  g_return_if_fail (CONDUIT_IS_CLOCK (clock));

  g_set_object (&self->clock, clock);
}

/**
 * conduit_step_context_get_authorizer:
 * @self: a context
 *
 * Returns: (transfer none): the authorizer, with its token cache
 */
ConduitAuthorizer *
conduit_step_context_get_authorizer (ConduitStepContext *self)
{
  g_return_val_if_fail (CONDUIT_IS_STEP_CONTEXT (self), NULL);

  return self->authorizer;
}

/**
 * conduit_step_context_get_history:
 * @self: a context
 *
 * Returns: (transfer none) (nullable): the history store, when runs are recorded
 */
ConduitHistoryStore *
conduit_step_context_get_history (ConduitStepContext *self)
{
  g_return_val_if_fail (CONDUIT_IS_STEP_CONTEXT (self), NULL);

  return self->history;
}
