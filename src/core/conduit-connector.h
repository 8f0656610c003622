/* conduit-connector.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "conduit-types.h"

G_BEGIN_DECLS

#define CONDUIT_CONNECTOR_ERROR (conduit_connector_error_quark ())

typedef enum
{
  CONDUIT_CONNECTOR_ERROR_FAILED,
  CONDUIT_CONNECTOR_ERROR_INVALID,
} ConduitConnectorError;

typedef enum
{
  CONDUIT_CONNECTOR_CATEGORY_TRIGGER,
  CONDUIT_CONNECTOR_CATEGORY_ACTION,
  CONDUIT_CONNECTOR_CATEGORY_TRANSFORM,
  CONDUIT_CONNECTOR_CATEGORY_FILE,
  CONDUIT_CONNECTOR_CATEGORY_LOGIC,
} ConduitConnectorCategory;

typedef enum
{
  CONDUIT_SETTING_STRING,      /* one line of text, may hold {{templates}} */
  CONDUIT_SETTING_TEXT,        /* several lines of text */
  CONDUIT_SETTING_INTEGER,
  CONDUIT_SETTING_NUMBER,
  CONDUIT_SETTING_BOOLEAN,
  CONDUIT_SETTING_CHOICE,      /* one of allowed_values */
  CONDUIT_SETTING_CREDENTIAL,  /* the id of a credential in the keyring */
  CONDUIT_SETTING_EXPRESSION,  /* a mapping-language expression */
  CONDUIT_SETTING_OBJECT,      /* a JSON object, e.g. headers */
  CONDUIT_SETTING_ARRAY,       /* a JSON array, e.g. sample items */
} ConduitSettingType;

struct _ConduitPortSpec
{
  char     *id;
  char     *label;
  gboolean  is_error;
};

struct _ConduitSettingSpec
{
  char               *key;
  char               *label;
  char               *help;
  ConduitSettingType  type;
  gboolean            required;
  gboolean            is_template;     /* text (or, for objects, each value) holds {{templates}} */
  gboolean            binds_fields;    /* text where :field names an item's field (SQL) */
  JsonNode           *default_value;   /* (nullable) */
  char              **allowed_values;  /* (nullable) for CONDUIT_SETTING_CHOICE */
  double              minimum;         /* for numbers; -G_MAXDOUBLE when unbounded */
  double              maximum;         /* for numbers;  G_MAXDOUBLE when unbounded */
};

#define CONDUIT_TYPE_PORT_SPEC    (conduit_port_spec_get_type ())
#define CONDUIT_TYPE_SETTING_SPEC (conduit_setting_spec_get_type ())
#define CONDUIT_TYPE_CONNECTOR    (conduit_connector_get_type ())

GType                     conduit_port_spec_get_type              (void) G_GNUC_CONST;
ConduitPortSpec          *conduit_port_spec_copy                  (const ConduitPortSpec  *spec);
void                      conduit_port_spec_free                  (ConduitPortSpec        *spec);

GType                     conduit_setting_spec_get_type           (void) G_GNUC_CONST;
ConduitSettingSpec       *conduit_setting_spec_copy               (const ConduitSettingSpec *spec);
void                      conduit_setting_spec_free               (ConduitSettingSpec     *spec);
const char               *conduit_setting_type_to_string          (ConduitSettingType      type);
const char               *conduit_json_node_describe_type         (JsonNode               *value);
gboolean                  conduit_setting_spec_check_value        (const ConduitSettingSpec *spec,
                                                                   JsonNode               *value,
                                                                   char                  **message);
gboolean                  conduit_setting_spec_holds_expressions  (const ConduitSettingSpec *spec);
gboolean                  conduit_setting_spec_check_text         (const ConduitSettingSpec *spec,
                                                                   const char             *text,
                                                                   GError                **error);

G_DECLARE_FINAL_TYPE (ConduitConnector, conduit_connector, CONDUIT, CONNECTOR, GObject)

GQuark                    conduit_connector_error_quark           (void);
ConduitConnector         *conduit_connector_new_from_json         (JsonObject             *object,
                                                                   GError                **error);
const char               *conduit_connector_get_id                (ConduitConnector       *self);
const char               *conduit_connector_get_name              (ConduitConnector       *self);
const char               *conduit_connector_get_description       (ConduitConnector       *self);
const char               *conduit_connector_get_icon_name         (ConduitConnector       *self);
ConduitConnectorCategory  conduit_connector_get_category          (ConduitConnector       *self);
const char               *conduit_connector_category_to_string    (ConduitConnectorCategory category);
const char               *conduit_connector_category_get_label    (ConduitConnectorCategory category);
GPtrArray                *conduit_connector_get_inputs            (ConduitConnector       *self);
GPtrArray                *conduit_connector_get_outputs           (ConduitConnector       *self);
GPtrArray                *conduit_connector_get_settings          (ConduitConnector       *self);
const ConduitPortSpec    *conduit_connector_find_input            (ConduitConnector       *self,
                                                                   const char             *port_id);
const ConduitPortSpec    *conduit_connector_find_output           (ConduitConnector       *self,
                                                                   const char             *port_id);
const ConduitSettingSpec *conduit_connector_find_setting          (ConduitConnector       *self,
                                                                   const char             *key);
const char               *conduit_connector_get_summary_setting   (ConduitConnector       *self);

void                      conduit_connector_set_app               (ConduitConnector       *self,
                                                                   ConduitAppDescriptor   *app,
                                                                   const char             *part_id);
ConduitAppDescriptor     *conduit_connector_get_app               (ConduitConnector       *self);
JsonObject               *conduit_connector_get_operation         (ConduitConnector       *self);
JsonObject               *conduit_connector_get_trigger           (ConduitConnector       *self);
JsonArray                *conduit_connector_get_input_schema      (ConduitConnector       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitPortSpec, conduit_port_spec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitSettingSpec, conduit_setting_spec_free)

G_END_DECLS
