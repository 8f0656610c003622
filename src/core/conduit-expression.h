/* conduit-expression.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The safe expression language of mappings, filters, duplicate keys and {{templates}}: field
 * paths, literals, operators and a fixed list of functions. It runs no code; every error in
 * the text is found when the expression is made, and reported with its column. The language
 * is documented in docs/mapping.md. */

#define CONDUIT_EXPRESSION_ERROR (conduit_expression_error_quark ())

typedef enum
{
  CONDUIT_EXPRESSION_ERROR_FAILED,
  CONDUIT_EXPRESSION_ERROR_SYNTAX,      /* the text is wrong: see the column */
  CONDUIT_EXPRESSION_ERROR_EVALUATION,  /* a record's value did not fit, e.g. to_number("abc") */
} ConduitExpressionError;

#define CONDUIT_TYPE_EXPRESSION (conduit_expression_get_type ())

typedef struct _ConduitExpression ConduitExpression;

/**
 * ConduitExpressionFunctionInfo:
 * @name: the function's name, e.g. `lower`
 * @signature: how a call is written, e.g. `lower(s)`
 * @description: (nullable): one line about what it gives, translated
 *
 * A function of the language, as completion shows it.
 */
typedef struct
{
  const char *name;
  const char *signature;
  const char *description;
} ConduitExpressionFunctionInfo;

GQuark             conduit_expression_error_quark        (void);
guint              conduit_expression_error_get_column   (const GError      *error);
guint              conduit_expression_error_get_length   (const GError      *error);

GType              conduit_expression_get_type           (void) G_GNUC_CONST;
ConduitExpression *conduit_expression_new                (const char        *text,
                                                          GError           **error);
ConduitExpression *conduit_expression_new_path           (const char        *text,
                                                          GError           **error);
ConduitExpression *conduit_expression_new_constant       (JsonNode          *value);
ConduitExpression *conduit_expression_ref                (ConduitExpression *self);
void               conduit_expression_unref              (ConduitExpression *self);
const char        *conduit_expression_get_text           (ConduitExpression *self);
gboolean           conduit_expression_is_constant        (ConduitExpression *self);
JsonNode          *conduit_expression_evaluate           (ConduitExpression *self,
                                                          JsonNode          *record,
                                                          GError           **error);
gboolean           conduit_expression_evaluate_boolean   (ConduitExpression *self,
                                                          JsonNode          *record,
                                                          gboolean          *result,
                                                          GError           **error);
char              *conduit_expression_evaluate_string    (ConduitExpression *self,
                                                          JsonNode          *record,
                                                          GError           **error);
const char *const *conduit_expression_list_functions     (void);
const ConduitExpressionFunctionInfo *
                   conduit_expression_describe_function  (const char        *name);
char              *conduit_expression_find_word          (const char        *text,
                                                          glong              cursor,
                                                          gboolean           is_template,
                                                          glong             *word_start);
gboolean           conduit_path_needs_quotes             (const char        *name);
char              *conduit_path_quote_segment            (const char        *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitExpression, conduit_expression_unref)

G_END_DECLS
