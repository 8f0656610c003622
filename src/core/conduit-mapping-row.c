/* conduit-mapping-row.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-row"

#include "config.h"


#include "conduit-mapping-row.h"

/* One line of the mapping table: destination ← source, and the rules the value must meet.
 * A plain GObject with properties so that the mapping table can bind its cells to it. */

struct _ConduitMappingRow
{
  GObject                   parent_instance;

  char                     *destination;
  ConduitMappingSourceKind  source_kind;
  char                     *source;
  gboolean                  required;
  ConduitMappingType        value_type;
  char                     *pattern;
  char                     *pattern_description;
  int                       min_length;
  int                       max_length;
  gboolean                  has_minimum;
  double                    minimum;
  gboolean                  has_maximum;
  double                    maximum;
  char                    **allowed_values;
  gboolean                  suggested;
  gboolean                  keep_null;
  gboolean                  keep_empty;
};

G_DEFINE_FINAL_TYPE (ConduitMappingRow, conduit_mapping_row, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (ConduitMappingSourceKind, conduit_mapping_source_kind,
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_SOURCE_FIELD, "field"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_SOURCE_CONSTANT, "constant"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_SOURCE_EXPRESSION, "expression"))

G_DEFINE_ENUM_TYPE (ConduitMappingType, conduit_mapping_type,
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_ANY, "any"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_STRING, "string"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_NUMBER, "number"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_INTEGER, "integer"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_BOOLEAN, "boolean"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_DATE, "date"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_DATETIME, "datetime"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_EMAIL, "email"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_URL, "url"),
  G_DEFINE_ENUM_VALUE (CONDUIT_MAPPING_TYPE_ENUM, "enum"))

enum {
  PROP_0,
  PROP_DESTINATION,
  PROP_SOURCE_KIND,
  PROP_SOURCE,
  PROP_REQUIRED,
  PROP_VALUE_TYPE,
  PROP_PATTERN,
  PROP_MIN_LENGTH,
  PROP_MAX_LENGTH,
  PROP_HAS_MINIMUM,
  PROP_MINIMUM,
  PROP_HAS_MAXIMUM,
  PROP_MAXIMUM,
  PROP_ALLOWED_VALUES,
  PROP_SUGGESTED,
  PROP_KEEP_NULL,
  PROP_PATTERN_DESCRIPTION,
  PROP_KEEP_EMPTY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * conduit_mapping_type_to_string:
 * @type: a destination type
 *
 * Returns: its name in mapping files ("email", "date"…)
 */
const char *
conduit_mapping_type_to_string (ConduitMappingType type)
{
  GEnumValue *value = g_enum_get_value (g_type_class_peek (CONDUIT_TYPE_MAPPING_TYPE), type);

  return value ? value->value_nick : "any";
}

/**
 * conduit_mapping_type_from_string:
 * @text: a type name
 * @type: (out): the type
 *
 * Returns: whether @text names a type
 */
gboolean
conduit_mapping_type_from_string (const char         *text,
                                  ConduitMappingType *type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (CONDUIT_TYPE_MAPPING_TYPE);
  GEnumValue *value = text ? g_enum_get_value_by_nick (klass, text) : NULL;

  if (value == NULL)
    return FALSE;
  *type = value->value;
  return TRUE;
}

static void
conduit_mapping_row_finalize (GObject *object)
{
  ConduitMappingRow *self = (ConduitMappingRow *)object;

  g_clear_pointer (&self->destination, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->pattern, g_free);
  g_clear_pointer (&self->pattern_description, g_free);
  g_clear_pointer (&self->allowed_values, g_strfreev);

  G_OBJECT_CLASS (conduit_mapping_row_parent_class)->finalize (object);
}

static void
conduit_mapping_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ConduitMappingRow *self = CONDUIT_MAPPING_ROW (object);

  switch (prop_id)
    {
    case PROP_DESTINATION: g_value_set_string (value, self->destination); break;
    case PROP_SOURCE_KIND: g_value_set_enum (value, self->source_kind); break;
    case PROP_SOURCE: g_value_set_string (value, self->source); break;
    case PROP_REQUIRED: g_value_set_boolean (value, self->required); break;
    case PROP_VALUE_TYPE: g_value_set_enum (value, self->value_type); break;
    case PROP_PATTERN: g_value_set_string (value, self->pattern); break;
    case PROP_MIN_LENGTH: g_value_set_int (value, self->min_length); break;
    case PROP_MAX_LENGTH: g_value_set_int (value, self->max_length); break;
    case PROP_HAS_MINIMUM: g_value_set_boolean (value, self->has_minimum); break;
    case PROP_MINIMUM: g_value_set_double (value, self->minimum); break;
    case PROP_HAS_MAXIMUM: g_value_set_boolean (value, self->has_maximum); break;
    case PROP_MAXIMUM: g_value_set_double (value, self->maximum); break;
    case PROP_ALLOWED_VALUES: g_value_set_boxed (value, self->allowed_values); break;
    case PROP_SUGGESTED: g_value_set_boolean (value, self->suggested); break;
    case PROP_KEEP_NULL: g_value_set_boolean (value, self->keep_null); break;
    case PROP_PATTERN_DESCRIPTION: g_value_set_string (value, self->pattern_description); break;
    case PROP_KEEP_EMPTY: g_value_set_boolean (value, self->keep_empty); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_mapping_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ConduitMappingRow *self = CONDUIT_MAPPING_ROW (object);

  switch (prop_id)
    {
    case PROP_DESTINATION: conduit_mapping_row_set_destination (self, g_value_get_string (value)); break;
    case PROP_SOURCE_KIND: conduit_mapping_row_set_source_kind (self, g_value_get_enum (value)); break;
    case PROP_SOURCE: conduit_mapping_row_set_source (self, g_value_get_string (value)); break;
    case PROP_REQUIRED: conduit_mapping_row_set_required (self, g_value_get_boolean (value)); break;
    case PROP_VALUE_TYPE: conduit_mapping_row_set_value_type (self, g_value_get_enum (value)); break;
    case PROP_PATTERN: conduit_mapping_row_set_pattern (self, g_value_get_string (value)); break;
    case PROP_MIN_LENGTH: conduit_mapping_row_set_min_length (self, g_value_get_int (value)); break;
    case PROP_MAX_LENGTH: conduit_mapping_row_set_max_length (self, g_value_get_int (value)); break;
    case PROP_HAS_MINIMUM:
      conduit_mapping_row_set_minimum (self, g_value_get_boolean (value), self->minimum);
      break;
    case PROP_MINIMUM: conduit_mapping_row_set_minimum (self, TRUE, g_value_get_double (value)); break;
    case PROP_HAS_MAXIMUM:
      conduit_mapping_row_set_maximum (self, g_value_get_boolean (value), self->maximum);
      break;
    case PROP_MAXIMUM: conduit_mapping_row_set_maximum (self, TRUE, g_value_get_double (value)); break;
    case PROP_ALLOWED_VALUES: conduit_mapping_row_set_allowed_values (self, g_value_get_boxed (value)); break;
    case PROP_SUGGESTED: conduit_mapping_row_set_suggested (self, g_value_get_boolean (value)); break;
    case PROP_KEEP_NULL: conduit_mapping_row_set_keep_null (self, g_value_get_boolean (value)); break;
    case PROP_PATTERN_DESCRIPTION:
      conduit_mapping_row_set_pattern_description (self, g_value_get_string (value));
      break;
    case PROP_KEEP_EMPTY: conduit_mapping_row_set_keep_empty (self, g_value_get_boolean (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_mapping_row_class_init (ConduitMappingRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = conduit_mapping_row_finalize;
  object_class->get_property = conduit_mapping_row_get_property;
  object_class->set_property = conduit_mapping_row_set_property;

  properties[PROP_DESTINATION] = g_param_spec_string ("destination", NULL, NULL, "", flags);
  properties[PROP_SOURCE_KIND] = g_param_spec_enum ("source-kind", NULL, NULL,
                                                    CONDUIT_TYPE_MAPPING_SOURCE_KIND,
                                                    CONDUIT_MAPPING_SOURCE_FIELD, flags);
  properties[PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, "", flags);
  properties[PROP_REQUIRED] = g_param_spec_boolean ("required", NULL, NULL, FALSE, flags);
  properties[PROP_VALUE_TYPE] = g_param_spec_enum ("value-type", NULL, NULL,
                                                   CONDUIT_TYPE_MAPPING_TYPE,
                                                   CONDUIT_MAPPING_TYPE_ANY, flags);
  properties[PROP_PATTERN] = g_param_spec_string ("pattern", NULL, NULL, NULL, flags);
  properties[PROP_MIN_LENGTH] = g_param_spec_int ("min-length", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_MAX_LENGTH] = g_param_spec_int ("max-length", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_HAS_MINIMUM] = g_param_spec_boolean ("has-minimum", NULL, NULL, FALSE, flags);
  properties[PROP_MINIMUM] = g_param_spec_double ("minimum", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE,
                                                  0, flags);
  properties[PROP_HAS_MAXIMUM] = g_param_spec_boolean ("has-maximum", NULL, NULL, FALSE, flags);
  properties[PROP_MAXIMUM] = g_param_spec_double ("maximum", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE,
                                                  0, flags);
  properties[PROP_ALLOWED_VALUES] = g_param_spec_boxed ("allowed-values", NULL, NULL, G_TYPE_STRV,
                                                        flags);
  properties[PROP_SUGGESTED] = g_param_spec_boolean ("suggested", NULL, NULL, FALSE, flags);
  properties[PROP_KEEP_NULL] = g_param_spec_boolean ("keep-null", NULL, NULL, FALSE, flags);
  properties[PROP_PATTERN_DESCRIPTION] = g_param_spec_string ("pattern-description", NULL, NULL,
                                                              NULL, flags);
  properties[PROP_KEEP_EMPTY] = g_param_spec_boolean ("keep-empty", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conduit_mapping_row_init (ConduitMappingRow *self)
{
  self->destination = g_strdup ("");
  self->source = g_strdup ("");
  self->min_length = -1;
  self->max_length = -1;
}

/**
 * conduit_mapping_row_new:
 * @destination: the destination path, e.g. `contact.email` or `lines[].sku`
 * @kind: what @source is
 * @source: a field path, a constant as JSON text, or an expression
 *
 * Returns: (transfer full): a new row without validation rules
 */
ConduitMappingRow *
conduit_mapping_row_new (const char               *destination,
                         ConduitMappingSourceKind  kind,
                         const char               *source)
{
  return g_object_new (CONDUIT_TYPE_MAPPING_ROW,
                       "destination", destination ? destination : "",
                       "source-kind", kind,
                       "source", source ? source : "",
                       NULL);
}

static void
set_string (ConduitMappingRow  *self,
            char              **field,
            const char         *value,
            guint               prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

#define DEFINE_SETTER(name, type, field, prop)                                   \
  void                                                                           \
  conduit_mapping_row_set_##name (ConduitMappingRow *self,                       \
                                  type               value)                      \
  {                                                                              \
    g_return_if_fail (CONDUIT_IS_MAPPING_ROW (self));                            \
    if (self->field == value)                                                    \
      return;                                                                    \
    self->field = value;                                                         \
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);                \
  }

/**
 * conduit_mapping_row_get_destination:
 * @self: a row
 *
 * Returns: the destination path
 */
const char *
conduit_mapping_row_get_destination (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), NULL);
  return self->destination;
}

/**
 * conduit_mapping_row_set_destination:
 * @self: a row
 * @destination: the destination path
 */
void
conduit_mapping_row_set_destination (ConduitMappingRow *self,
                                     const char        *destination)
{
  g_return_if_fail (CONDUIT_IS_MAPPING_ROW (self));
  set_string (self, &self->destination, destination ? destination : "", PROP_DESTINATION);
}

/**
 * conduit_mapping_row_get_source_kind:
 * @self: a row
 *
 * Returns: whether the source is a field, a constant or an expression
 */
ConduitMappingSourceKind
conduit_mapping_row_get_source_kind (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), 0);
  return self->source_kind;
}

/**
 * conduit_mapping_row_set_source_kind:
 * @self: a row
 * @value: the kind of source
 */
DEFINE_SETTER (source_kind, ConduitMappingSourceKind, source_kind, PROP_SOURCE_KIND)

/**
 * conduit_mapping_row_get_source:
 * @self: a row
 *
 * Returns: the field path, constant (as JSON text) or expression
 */
const char *
conduit_mapping_row_get_source (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), NULL);
  return self->source;
}

/**
 * conduit_mapping_row_set_source:
 * @self: a row
 * @source: the field path, constant (as JSON text) or expression
 */
void
conduit_mapping_row_set_source (ConduitMappingRow *self,
                                const char        *source)
{
  g_return_if_fail (CONDUIT_IS_MAPPING_ROW (self));
  set_string (self, &self->source, source ? source : "", PROP_SOURCE);
}

/**
 * conduit_mapping_row_get_required:
 * @self: a row
 *
 * Returns: whether a record without this value is rejected
 */
gboolean
conduit_mapping_row_get_required (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), FALSE);
  return self->required;
}

/**
 * conduit_mapping_row_set_required:
 * @self: a row
 * @value: whether the value is required
 */
DEFINE_SETTER (required, gboolean, required, PROP_REQUIRED)

/**
 * conduit_mapping_row_get_value_type:
 * @self: a row
 *
 * Returns: the type the destination expects
 */
ConduitMappingType
conduit_mapping_row_get_value_type (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), CONDUIT_MAPPING_TYPE_ANY);
  return self->value_type;
}

/**
 * conduit_mapping_row_set_value_type:
 * @self: a row
 * @value: the type the destination expects
 */
DEFINE_SETTER (value_type, ConduitMappingType, value_type, PROP_VALUE_TYPE)

/**
 * conduit_mapping_row_get_pattern:
 * @self: a row
 *
 * Returns: (nullable): the regular expression the value must match
 */
const char *
conduit_mapping_row_get_pattern (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), NULL);
  return self->pattern;
}

/**
 * conduit_mapping_row_set_pattern:
 * @self: a row
 * @pattern: (nullable): a regular expression, or %NULL for none
 */
void
conduit_mapping_row_set_pattern (ConduitMappingRow *self,
                                 const char        *pattern)
{
  g_return_if_fail (CONDUIT_IS_MAPPING_ROW (self));
  set_string (self, &self->pattern, pattern && *pattern ? pattern : NULL, PROP_PATTERN);
}

/**
 * conduit_mapping_row_get_pattern_description:
 * @self: a row
 *
 * Returns: (nullable): what the pattern stands for, in words ("a US phone number"), for the
 *   reason a record is rejected; %NULL to quote the pattern itself
 */
const char *
conduit_mapping_row_get_pattern_description (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), NULL);
  return self->pattern_description;
}

/**
 * conduit_mapping_row_set_pattern_description:
 * @self: a row
 * @description: (nullable): what the pattern stands for, in words
 */
void
conduit_mapping_row_set_pattern_description (ConduitMappingRow *self,
                                             const char        *description)
{
  g_return_if_fail (CONDUIT_IS_MAPPING_ROW (self));
  set_string (self, &self->pattern_description, description && *description ? description : NULL,
              PROP_PATTERN_DESCRIPTION);
}

/**
 * conduit_mapping_row_get_min_length:
 * @self: a row
 *
 * Returns: the least number of characters, or -1
 */
int
conduit_mapping_row_get_min_length (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), -1);
  return self->min_length;
}

/**
 * conduit_mapping_row_set_min_length:
 * @self: a row
 * @value: the least number of characters, or -1
 */
DEFINE_SETTER (min_length, int, min_length, PROP_MIN_LENGTH)

/**
 * conduit_mapping_row_get_max_length:
 * @self: a row
 *
 * Returns: the most characters, or -1
 */
int
conduit_mapping_row_get_max_length (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), -1);
  return self->max_length;
}

/**
 * conduit_mapping_row_set_max_length:
 * @self: a row
 * @value: the most characters, or -1
 */
DEFINE_SETTER (max_length, int, max_length, PROP_MAX_LENGTH)

/**
 * conduit_mapping_row_get_minimum:
 * @self: a row
 * @minimum: (out) (optional): the least value
 *
 * Returns: whether there is a least value
 */
gboolean
conduit_mapping_row_get_minimum (ConduitMappingRow *self,
                                 double            *minimum)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), FALSE);
  if (minimum)
    *minimum = self->minimum;
  return self->has_minimum;
}

/**
 * conduit_mapping_row_set_minimum:
 * @self: a row
 * @has_minimum: whether there is a least value
 * @minimum: the least value
 */
void
conduit_mapping_row_set_minimum (ConduitMappingRow *self,
                                 gboolean           has_minimum,
                                 double             minimum)
{
  g_return_if_fail (CONDUIT_IS_MAPPING_ROW (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->has_minimum != !!has_minimum)
    {
      self->has_minimum = !!has_minimum;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MINIMUM]);
    }
  if (self->minimum != minimum)
    {
      self->minimum = minimum;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MINIMUM]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * conduit_mapping_row_get_maximum:
 * @self: a row
 * @maximum: (out) (optional): the greatest value
 *
 * Returns: whether there is a greatest value
 */
gboolean
conduit_mapping_row_get_maximum (ConduitMappingRow *self,
                                 double            *maximum)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), FALSE);
  if (maximum)
    *maximum = self->maximum;
  return self->has_maximum;
}

/**
 * conduit_mapping_row_set_maximum:
 * @self: a row
 * @has_maximum: whether there is a greatest value
 * @maximum: the greatest value
 */
void
conduit_mapping_row_set_maximum (ConduitMappingRow *self,
                                 gboolean           has_maximum,
                                 double             maximum)
{
  g_return_if_fail (CONDUIT_IS_MAPPING_ROW (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->has_maximum != !!has_maximum)
    {
      self->has_maximum = !!has_maximum;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MAXIMUM]);
    }
  if (self->maximum != maximum)
    {
      self->maximum = maximum;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAXIMUM]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * conduit_mapping_row_get_allowed_values:
 * @self: a row
 *
 * Returns: (nullable) (array zero-terminated=1): the values of an enum
 */
const char * const *
conduit_mapping_row_get_allowed_values (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), NULL);
  return (const char * const *)self->allowed_values;
}

/**
 * conduit_mapping_row_set_allowed_values:
 * @self: a row
 * @values: (nullable) (array zero-terminated=1): the values of an enum
 */
void
conduit_mapping_row_set_allowed_values (ConduitMappingRow  *self,
                                        const char * const *values)
{
  g_return_if_fail (CONDUIT_IS_MAPPING_ROW (self));

  if (values == NULL && self->allowed_values == NULL)
    return;
  if (values != NULL && self->allowed_values != NULL &&
      g_strv_equal ((const char * const *)self->allowed_values, values))
    return;
  g_strfreev (self->allowed_values);
  self->allowed_values = g_strdupv ((char **)values);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOWED_VALUES]);
}

/**
 * conduit_mapping_row_get_suggested:
 * @self: a row
 *
 * Returns: whether auto-map made this row and nobody has confirmed it
 */
gboolean
conduit_mapping_row_get_suggested (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), FALSE);
  return self->suggested;
}

/**
 * conduit_mapping_row_set_suggested:
 * @self: a row
 * @value: whether the row is an unconfirmed suggestion
 */
DEFINE_SETTER (suggested, gboolean, suggested, PROP_SUGGESTED)

/**
 * conduit_mapping_row_get_keep_null:
 * @self: a row
 *
 * Returns: whether a missing or null value writes the field as null (instead of leaving it
 *   out)
 */
gboolean
conduit_mapping_row_get_keep_null (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), FALSE);
  return self->keep_null;
}

/**
 * conduit_mapping_row_set_keep_null:
 * @self: a row
 * @value: whether a missing or null value writes null
 */
DEFINE_SETTER (keep_null, gboolean, keep_null, PROP_KEEP_NULL)

/**
 * conduit_mapping_row_get_keep_empty:
 * @self: a row
 *
 * Returns: whether the objects the row writes into are written as `{}` when none of their
 *   fields has a value (instead of being left out)
 */
gboolean
conduit_mapping_row_get_keep_empty (ConduitMappingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_ROW (self), FALSE);
  return self->keep_empty;
}

/**
 * conduit_mapping_row_set_keep_empty:
 * @self: a row
 * @value: whether an object left without fields is written as `{}`
 */
DEFINE_SETTER (keep_empty, gboolean, keep_empty, PROP_KEEP_EMPTY)
