/* conduit-mapping.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-expression-private.h"
#include "conduit-mapping-private.h"

/* Rows are compiled once (on load, and again after an edit) into expressions, rules and an
 * output plan: the tree of destination objects and arrays. Applying then evaluates each row
 * into the record's arena and walks the plan to build the output, so nothing is parsed or
 * looked up by name per record. */

static void conduit_mapping_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitMapping, conduit_mapping, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      conduit_mapping_list_model_iface_init))

G_DEFINE_QUARK (conduit-mapping-error-quark, conduit_mapping_error)

G_DEFINE_BOXED_TYPE (ConduitMappingReason, conduit_mapping_reason,
                     conduit_mapping_reason_copy, conduit_mapping_reason_free)
G_DEFINE_BOXED_TYPE (ConduitMappingProblem, conduit_mapping_problem,
                     conduit_mapping_problem_copy, conduit_mapping_problem_free)

enum {
  PROP_0,
  PROP_KEEP_UNMAPPED,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- reasons and problems -------------------------------------------------------------- */

/**
 * conduit_mapping_reason_new:
 * @field: the destination field
 * @rule: the rule that failed
 * @value: (nullable): the value at fault, copied
 * @message: the sentence for a person
 *
 * Returns: (transfer full): a new reason
 */
ConduitMappingReason *
conduit_mapping_reason_new (const char *field,
                            const char *rule,
                            JsonNode   *value,
                            const char *message)
{
  ConduitMappingReason *reason = g_new0 (ConduitMappingReason, 1);

  reason->field = g_strdup (field);
  reason->rule = g_strdup (rule);
  reason->value = value ? json_node_copy (value) : NULL;
  reason->message = g_strdup (message);
  return reason;
}

/**
 * conduit_mapping_reason_copy:
 * @reason: a reason
 *
 * Returns: (transfer full): a copy
 */
ConduitMappingReason *
conduit_mapping_reason_copy (const ConduitMappingReason *reason)
{
  return conduit_mapping_reason_new (reason->field, reason->rule, reason->value, reason->message);
}

/**
 * conduit_mapping_reason_free:
 * @reason: (transfer full): a reason
 */
void
conduit_mapping_reason_free (ConduitMappingReason *reason)
{
  if (reason == NULL)
    return;
  g_free (reason->field);
  g_free (reason->rule);
  g_clear_pointer (&reason->value, json_node_unref);
  g_free (reason->message);
  g_free (reason);
}

/**
 * conduit_mapping_reason_to_json:
 * @reason: a reason
 *
 * Returns: (transfer full): `{"field": …, "rule": …, "value": …, "message": …}`
 */
JsonNode *
conduit_mapping_reason_to_json (const ConduitMappingReason *reason)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (reason != NULL, NULL);

  json_object_set_string_member (object, "field", reason->field);
  json_object_set_string_member (object, "rule", reason->rule);
  json_object_set_member (object, "value",
                          reason->value ? json_node_copy (reason->value) : json_node_new (JSON_NODE_NULL));
  json_object_set_string_member (object, "message", reason->message);
  json_node_take_object (node, object);
  return node;
}

static ConduitMappingProblem *
problem_new (const char *pointer,
             int         row,
             guint       column,
             guint       length,
             const char *message)
{
  ConduitMappingProblem *problem = g_new0 (ConduitMappingProblem, 1);

  problem->pointer = g_strdup (pointer);
  problem->row = row;
  problem->column = column;
  problem->length = length;
  problem->message = g_strdup (message);
  return problem;
}

/**
 * conduit_mapping_problem_copy:
 * @problem: a problem
 *
 * Returns: (transfer full): a copy
 */
ConduitMappingProblem *
conduit_mapping_problem_copy (const ConduitMappingProblem *problem)
{
  return problem_new (problem->pointer, problem->row, problem->column, problem->length,
                      problem->message);
}

/**
 * conduit_mapping_problem_free:
 * @problem: (transfer full): a problem
 */
void
conduit_mapping_problem_free (ConduitMappingProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->pointer);
  g_free (problem->message);
  g_free (problem);
}

G_GNUC_PRINTF (5, 6)
void
conduit_mapping_add_problem (GPtrArray  *problems,
                             int         row,
                             const char *member,
                             guint       column,
                             const char *format,
                             ...)
{
  g_autofree char *message = NULL;
  g_autofree char *pointer = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (row < 0)
    pointer = g_strdup (member ? member : "");
  else if (member != NULL)
    pointer = g_strdup_printf ("/rows/%d/%s", row, member);
  else
    pointer = g_strdup_printf ("/rows/%d", row);

  g_ptr_array_add (problems, problem_new (pointer, row, column, 0, message));
}

void
conduit_mapping_add_expression_problem (GPtrArray  *problems,
                                        int         row,
                                        const char *member,
                                        const char *what,
                                        GError     *error)
{
  ConduitMappingProblem *problem;

  /* TRANSLATORS: "row 3, expression: column 5: …" */
  conduit_mapping_add_problem (problems, row, member, conduit_expression_error_get_column (error),
               _("row %d, %s: %s"), row + 1, what, error->message);
  problem = g_ptr_array_index (problems, problems->len - 1);
  problem->length = conduit_expression_error_get_length (error);
}

/* ---- rows as a list model -------------------------------------------------------------- */

static GType
conduit_mapping_get_item_type (GListModel *model)
{
  return CONDUIT_TYPE_MAPPING_ROW;
}

static guint
conduit_mapping_get_n_items (GListModel *model)
{
  return CONDUIT_MAPPING (model)->rows->len;
}

static gpointer
conduit_mapping_get_item (GListModel *model,
                          guint       position)
{
  ConduitMapping *self = CONDUIT_MAPPING (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
conduit_mapping_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = conduit_mapping_get_item_type;
  iface->get_n_items = conduit_mapping_get_n_items;
  iface->get_item = conduit_mapping_get_item;
}

static void
on_row_notify (ConduitMapping *self)
{
  self->dirty = TRUE;
}

static void
rows_changed (ConduitMapping *self,
              guint           position,
              guint           removed,
              guint           added)
{
  self->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
conduit_mapping_dispose (GObject *object)
{
  ConduitMapping *self = (ConduitMapping *)object;

  for (guint i = 0; self->rows && i < self->rows->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->rows, i), on_row_notify, self);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->compiled, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_mapping_parent_class)->dispose (object);
}

static void
conduit_mapping_finalize (GObject *object)
{
  ConduitMapping *self = (ConduitMapping *)object;

  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->plan, conduit_mapping_plan_node_free);
  g_clear_pointer (&self->read_fields, g_hash_table_unref);
  g_clear_pointer (&self->values, g_array_unref);
  g_clear_pointer (&self->lengths, g_array_unref);

  G_OBJECT_CLASS (conduit_mapping_parent_class)->finalize (object);
}

static void
conduit_mapping_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ConduitMapping *self = CONDUIT_MAPPING (object);

  switch (prop_id)
    {
    case PROP_KEEP_UNMAPPED:
      g_value_set_boolean (value, self->keep_unmapped);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rows->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_mapping_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ConduitMapping *self = CONDUIT_MAPPING (object);

  switch (prop_id)
    {
    case PROP_KEEP_UNMAPPED:
      conduit_mapping_set_keep_unmapped (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_mapping_class_init (ConduitMappingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_mapping_dispose;
  object_class->finalize = conduit_mapping_finalize;
  object_class->get_property = conduit_mapping_get_property;
  object_class->set_property = conduit_mapping_set_property;

  properties[PROP_KEEP_UNMAPPED] =
    g_param_spec_boolean ("keep-unmapped", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conduit_mapping_init (ConduitMapping *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->compiled = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_compiled_row_free);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_problem_free);
  self->read_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->values = g_array_new (FALSE, TRUE, sizeof (ConduitValue *));
  self->lengths = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->dirty = TRUE;
}

/**
 * conduit_mapping_new:
 *
 * Returns: (transfer full): a mapping without rows
 */
ConduitMapping *
conduit_mapping_new (void)
{
  return g_object_new (CONDUIT_TYPE_MAPPING, NULL);
}

/**
 * conduit_mapping_get_row:
 * @self: a mapping
 * @position: a row number from 0
 *
 * Returns: (transfer none) (nullable): the row
 */
ConduitMappingRow *
conduit_mapping_get_row (ConduitMapping *self,
                         guint           position)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), NULL);

  return position < self->rows->len ? g_ptr_array_index (self->rows, position) : NULL;
}

/**
 * conduit_mapping_insert_row:
 * @self: a mapping
 * @position: where, clamped to the number of rows
 * @row: the row, referenced
 */
void
conduit_mapping_insert_row (ConduitMapping    *self,
                            guint              position,
                            ConduitMappingRow *row)
{
  g_return_if_fail (CONDUIT_IS_MAPPING (self));
  g_return_if_fail (CONDUIT_IS_MAPPING_ROW (row));

  position = MIN (position, self->rows->len);
  g_ptr_array_insert (self->rows, position, g_object_ref (row));
  g_signal_connect_swapped (row, "notify", G_CALLBACK (on_row_notify), self);
  rows_changed (self, position, 0, 1);
}

/**
 * conduit_mapping_append_row:
 * @self: a mapping
 * @row: the row, referenced
 */
void
conduit_mapping_append_row (ConduitMapping    *self,
                            ConduitMappingRow *row)
{
  g_return_if_fail (CONDUIT_IS_MAPPING (self));

  conduit_mapping_insert_row (self, self->rows->len, row);
}

/**
 * conduit_mapping_remove_row:
 * @self: a mapping
 * @position: the row number
 */
void
conduit_mapping_remove_row (ConduitMapping *self,
                            guint           position)
{
  ConduitMappingRow *row;

  g_return_if_fail (CONDUIT_IS_MAPPING (self));
  g_return_if_fail (position < self->rows->len);

  row = g_ptr_array_index (self->rows, position);
  g_signal_handlers_disconnect_by_func (row, on_row_notify, self);
  g_ptr_array_remove_index (self->rows, position);
  rows_changed (self, position, 1, 0);
}

/**
 * conduit_mapping_move_row:
 * @self: a mapping
 * @from: the row number
 * @to: its new number
 */
void
conduit_mapping_move_row (ConduitMapping *self,
                          guint           from,
                          guint           to)
{
  gpointer row;

  g_return_if_fail (CONDUIT_IS_MAPPING (self));
  g_return_if_fail (from < self->rows->len && to < self->rows->len);

  if (from == to)
    return;
  row = g_ptr_array_steal_index (self->rows, from);
  g_ptr_array_insert (self->rows, to, row);
  self->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), MIN (from, to), ABS ((int)from - (int)to) + 1,
                              ABS ((int)from - (int)to) + 1);
}

/**
 * conduit_mapping_find_destination:
 * @self: a mapping
 * @destination: a destination path
 *
 * Returns: (transfer none) (nullable): the row writing @destination
 */
ConduitMappingRow *
conduit_mapping_find_destination (ConduitMapping *self,
                                  const char     *destination)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      ConduitMappingRow *row = g_ptr_array_index (self->rows, i);

      if (g_str_equal (conduit_mapping_row_get_destination (row), destination))
        return row;
    }
  return NULL;
}

/**
 * conduit_mapping_get_keep_unmapped:
 * @self: a mapping
 *
 * Returns: whether source fields no row reads are passed on
 */
gboolean
conduit_mapping_get_keep_unmapped (ConduitMapping *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), FALSE);

  return self->keep_unmapped;
}

/**
 * conduit_mapping_set_keep_unmapped:
 * @self: a mapping
 * @keep_unmapped: whether source fields no row reads are passed on after the mapped ones
 */
void
conduit_mapping_set_keep_unmapped (ConduitMapping *self,
                                   gboolean        keep_unmapped)
{
  g_return_if_fail (CONDUIT_IS_MAPPING (self));

  keep_unmapped = !!keep_unmapped;
  if (self->keep_unmapped == keep_unmapped)
    return;
  self->keep_unmapped = keep_unmapped;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_UNMAPPED]);
}
