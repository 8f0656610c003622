/* conduit-run-list-model.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run-list-model"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-run-list-model.h"

/* The run history as a list model that never holds the whole history: it counts the matching
 * runs, and reads pages of them by offset when the list asks for a row, keeping only the few
 * pages seen last. A history of 100,000 runs costs a COUNT and one page to show. */

#define MAX_CACHED_PAGES 6

typedef struct
{
  guint      index;
  GPtrArray *rows;     /* of ConduitRunRow */
} Page;

struct _ConduitRunListModel
{
  GObject              parent_instance;

  ConduitHistoryStore *store;
  char                *flow;
  int                  status;
  gint64               since_us;
  char                *text;
  gboolean             unhandled;

  guint                n_items;
  GQueue               pages;  /* of Page, most recently used first */
  char                *error;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitRunListModel, conduit_run_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->rows);
  g_free (page);
}

static void
clear_pages (ConduitRunListModel *self)
{
  g_queue_clear_full (&self->pages, (GDestroyNotify)page_free);
}

static void
fill_query (ConduitRunListModel *self,
            ConduitHistoryQuery *query)
{
  /* every member not set here (a filter added to the query later) means "any" */
  *query = (ConduitHistoryQuery) { 0 };
  query->flow = self->flow;
  query->status = self->status;
  query->since_us = self->since_us;
  query->until_us = 0;
  query->text = self->text;
  query->unhandled = self->unhandled;
  query->offset = 0;
  query->limit = CONDUIT_RUN_LIST_MODEL_PAGE_SIZE;
}

static void
set_error (ConduitRunListModel *self,
           const GError        *error)
{
  g_free (self->error);
  self->error = error != NULL ? g_strdup (error->message) : NULL;
}

static Page *
load_page (ConduitRunListModel *self,
           guint                index)
{
  ConduitHistoryQuery query;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  Page *page;

  fill_query (self, &query);
  query.offset = index * CONDUIT_RUN_LIST_MODEL_PAGE_SIZE;
  runs = conduit_history_store_list_runs (self->store, &query, &error);
  set_error (self, error);

  page = g_new0 (Page, 1);
  page->index = index;
  page->rows = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; runs != NULL && i < runs->len; i++)
    g_ptr_array_add (page->rows,
                     conduit_run_row_new (conduit_run_record_copy (g_ptr_array_index (runs, i))));
  return page;
}

static Page *
lookup_page (ConduitRunListModel *self,
             guint                index)
{
  Page *page;

  for (GList *l = self->pages.head; l != NULL; l = l->next)
    {
      page = l->data;
      if (page->index == index)
        {
          if (l != self->pages.head)
            {
              g_queue_unlink (&self->pages, l);
              g_queue_push_head_link (&self->pages, l);
            }
          return page;
        }
    }

  page = load_page (self, index);
  g_queue_push_head (&self->pages, page);
  while (self->pages.length > MAX_CACHED_PAGES)
    page_free (g_queue_pop_tail (&self->pages));
  return page;
}

static GType
conduit_run_list_model_get_item_type (GListModel *model)
{
  return CONDUIT_TYPE_RUN_ROW;
}

static guint
conduit_run_list_model_get_n_items (GListModel *model)
{
  return CONDUIT_RUN_LIST_MODEL (model)->n_items;
}

static gpointer
conduit_run_list_model_get_item (GListModel *model,
                                 guint       position)
{
  ConduitRunListModel *self = CONDUIT_RUN_LIST_MODEL (model);
  Page *page;
  guint in_page = position % CONDUIT_RUN_LIST_MODEL_PAGE_SIZE;
  ConduitRunRecord *missing;

  if (position >= self->n_items)
    return NULL;

  page = lookup_page (self, position / CONDUIT_RUN_LIST_MODEL_PAGE_SIZE);
  if (in_page < page->rows->len)
    return g_object_ref (g_ptr_array_index (page->rows, in_page));

  /* Runs were deleted behind our back (retention, another window) or the read failed: the list
   * still needs an object for this position until the next refresh, so say what happened. */
  missing = g_new0 (ConduitRunRecord, 1);
  missing->flow = g_strdup ("");
  missing->status = CONDUIT_RUN_STATUS_INTERRUPTED;
  missing->error = g_strdup (self->error != NULL ? self->error
                                                 : _("This run is no longer in the history"));
  return conduit_run_row_new (missing);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = conduit_run_list_model_get_item_type;
  iface->get_n_items = conduit_run_list_model_get_n_items;
  iface->get_item = conduit_run_list_model_get_item;
}

static void
conduit_run_list_model_dispose (GObject *object)
{
  ConduitRunListModel *self = (ConduitRunListModel *)object;

  clear_pages (self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (conduit_run_list_model_parent_class)->dispose (object);
}

static void
conduit_run_list_model_finalize (GObject *object)
{
  ConduitRunListModel *self = (ConduitRunListModel *)object;

  g_free (self->flow);
  g_free (self->text);
  g_free (self->error);

  G_OBJECT_CLASS (conduit_run_list_model_parent_class)->finalize (object);
}

static void
conduit_run_list_model_class_init (ConduitRunListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_run_list_model_dispose;
  object_class->finalize = conduit_run_list_model_finalize;
}

static void
conduit_run_list_model_init (ConduitRunListModel *self)
{
  self->status = -1;
  g_queue_init (&self->pages);
}

/**
 * conduit_run_list_model_new:
 * @store: the history to list
 *
 * Returns: (transfer full): a model of @store's runs, newest first
 */
ConduitRunListModel *
conduit_run_list_model_new (ConduitHistoryStore *store)
{
  ConduitRunListModel *self;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (store), NULL);

  self = g_object_new (CONDUIT_TYPE_RUN_LIST_MODEL, NULL);
  self->store = g_object_ref (store);
  conduit_run_list_model_refresh (self);
  return self;
}

ConduitHistoryStore *
conduit_run_list_model_get_store (ConduitRunListModel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_LIST_MODEL (self), NULL);
  return self->store;
}

/**
 * conduit_run_list_model_set_filter:
 * @self: a model
 * @flow: (nullable): only runs of this flow
 * @status: a #ConduitRunStatus, or -1 for any
 * @since_us: only runs started at or after this wall-clock time; 0 for any
 * @text: (nullable): only runs whose flow, error, step errors or items contain this
 *
 * Changes which runs the model lists, and reads them again.
 */
void
conduit_run_list_model_set_filter (ConduitRunListModel *self,
                                   const char          *flow,
                                   int                  status,
                                   gint64               since_us,
                                   const char          *text)
{
  g_return_if_fail (CONDUIT_IS_RUN_LIST_MODEL (self));

  if (flow != NULL && *flow == '\0')
    flow = NULL;
  if (text != NULL && *text == '\0')
    text = NULL;

  g_free (self->flow);
  self->flow = g_strdup (flow);
  self->status = status;
  self->since_us = since_us;
  g_free (self->text);
  self->text = g_strdup (text);
  conduit_run_list_model_refresh (self);
}

/**
 * conduit_run_list_model_set_unhandled:
 * @self: a model
 * @unhandled: only runs that need attention (failed or interrupted, not yet handled)
 *
 * Narrows the list to the runs that need attention, on top of the other filters.
 */
void
conduit_run_list_model_set_unhandled (ConduitRunListModel *self,
                                      gboolean             unhandled)
{
  g_return_if_fail (CONDUIT_IS_RUN_LIST_MODEL (self));

  if (self->unhandled == !!unhandled)
    return;
  self->unhandled = !!unhandled;
  conduit_run_list_model_refresh (self);
}

/**
 * conduit_run_list_model_refresh:
 * @self: a model
 *
 * Counts the matching runs again and forgets the pages read: call it when runs were added,
 * finished or deleted.
 */
void
conduit_run_list_model_refresh (ConduitRunListModel *self)
{
  ConduitHistoryQuery query;
  g_autoptr(GError) error = NULL;
  guint removed;

  g_return_if_fail (CONDUIT_IS_RUN_LIST_MODEL (self));

  removed = self->n_items;
  clear_pages (self);
  fill_query (self, &query);
  self->n_items = conduit_history_store_count_runs (self->store, &query, &error);
  set_error (self, error);

  if (removed > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->n_items);
}

/* How many pages are held, for tests and the benchmark: it never grows with the history. */
guint
conduit_run_list_model_get_n_cached_pages (ConduitRunListModel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_LIST_MODEL (self), 0);
  return self->pages.length;
}

/**
 * conduit_run_list_model_get_error:
 * @self: a model
 *
 * Returns: (nullable): why the last read of the history failed, or %NULL
 */
const char *
conduit_run_list_model_get_error (ConduitRunListModel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_LIST_MODEL (self), NULL);
  return self->error;
}
