/* conduit-expression-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-expression.h"
#include "conduit-mapping-value.h"

G_BEGIN_DECLS

/* What the mapping engine and the function table share with the parser. */

typedef enum
{
  SEGMENT_KEY,     /* .name, `name`, ["name"] */
  SEGMENT_INDEX,   /* [3], [-1] */
  SEGMENT_ALL,     /* [] */
} SegmentKind;

typedef struct
{
  SegmentKind  kind;
  char        *key;
  guint        key_len;
  gint64       index;
  guint        hint;     /* where the key was last found: records of a file keep their order */
} PathSegment;

typedef struct
{
  PathSegment *segments;
  guint        n_segments;
} ConduitPath;

typedef enum
{
  EXPR_LITERAL,
  EXPR_PATH,
  EXPR_CALL,
  EXPR_NOT,
  EXPR_NEGATE,
  EXPR_AND,
  EXPR_OR,
  EXPR_COMPARE,
  EXPR_ARITHMETIC,
  EXPR_LET,        /* let name = value in body */
  EXPR_VARIABLE,   /* a let name, with a path into its value */
} ExprKind;

typedef enum
{
  OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV,
} ExprOperator;

typedef struct _ExprNode       ExprNode;
typedef struct _ExprFunction   ExprFunction;
typedef struct _EvalContext    EvalContext;

struct _EvalContext
{
  ConduitArena        *arena;
  const ConduitValue  *root;
  gint64               current;   /* the item of an array row, or -1 */
  GError             **error;
  ConduitValue       **slots;     /* the values of let names, one per name of the expression */
  ConduitValue       **memo;      /* (nullable) values of shared calls, one per ExprNode.memo */
};

typedef ConduitValue *(*ExprFunctionImpl) (EvalContext   *context,
                                           ExprNode      *call,
                                           ConduitValue **args);
/* Checks constant arguments when the expression is made, and may prepare data (a compiled
 * regular expression, a parsed date format). Returns FALSE with a message and the argument
 * at fault. */
typedef gboolean (*ExprFunctionCheck) (ExprNode  *call,
                                       guint     *bad_argument,
                                       char     **message);

/* Functions whose values are not all computed first: if() computes only the chosen side,
 * try() the fallback only when the first value fails. */
typedef enum
{
  EXPR_LAZY_NONE,
  EXPR_LAZY_IF,
  EXPR_LAZY_TRY,
} ExprLazy;

struct _ExprFunction
{
  const char        *name;
  guint              min_args;
  guint              max_args;     /* G_MAXUINT: any number */
  ExprFunctionImpl   impl;         /* NULL for the lazy ones */
  ExprFunctionCheck  check;
  ExprLazy           lazy;
  gboolean           varies;       /* another value at each call (now(), uuid()): never shared */
};

struct _ExprNode
{
  ExprKind  kind;
  guint     column;     /* 1-based, in characters */
  guint     length;     /* in characters, for underlining */
  guint     slot;       /* of a let or a variable: where the value is kept */
  guint     memo;       /* of a call several rows make alike: 1 + its place in the memo, or 0
                         * (conduit_expression_share_calls()) */
  union
  {
    ConduitValue *literal;
    ConduitPath   path;
    struct
    {
      const ExprFunction *function;
      ExprNode          **args;
      guint               n_args;
      gpointer            data;
      GDestroyNotify      data_free;
    } call;
    struct
    {
      ExprOperator  op;
      ExprNode     *left;
      ExprNode     *right;
    } binary;
    ExprNode *operand;
    struct
    {
      ExprNode *value;
      ExprNode *body;
    } let;
  };
};

/* Shared by the parser, which builds it, and the evaluator, which walks it. */
struct _ConduitExpression
{
  gint          ref_count;
  char         *text;
  ConduitArena *arena;      /* the tree and its literals; never reset */
  ExprNode     *root;
  GPtrArray    *calls;      /* (element-type ExprNode) calls that hold prepared data */
  ExprNode     *iteration;  /* (nullable) the first path with [] */
  guint         n_slots;    /* let names: each is computed once per evaluation */
  /* the whole expression is one call of a plain function whose arguments are fields of the
   * record and literals (trim(first_name), date(created, "%d/%m/%Y")): the commonest mapping
   * row, evaluated without the general walk (conduit_expression_eval()) */
  gboolean      plain_call;
  /* such a call that other rows of its mapping make too: kept in the record's memo
   * (conduit_expression_share_calls()) */
  gboolean      plain_shared_call;
};

void                conduit_expression_find_plain_call (ConduitExpression *self);

typedef void (*ExprNodeVisitor) (ExprNode *node,
                                 gpointer  data);
void                conduit_expression_walk          (ExprNode           *node,
                                                      ExprNodeVisitor     visit,
                                                      gpointer            data);

const ExprFunction *conduit_expression_find_function (const char *name,
                                                      gsize       length);
ConduitValue       *conduit_expression_eval_node     (EvalContext        *context,
                                                      ExprNode           *node);
void                conduit_expression_set_error     (EvalContext        *context,
                                                      ExprNode           *node,
                                                      const char         *format,
                                                      ...) G_GNUC_PRINTF (3, 4);
const char         *conduit_expression_value_text    (EvalContext        *context,
                                                      const ConduitValue *value,
                                                      gsize              *length);

ConduitValue       *conduit_expression_path_get      (EvalContext        *context,
                                                      const ConduitPath  *path,
                                                      guint               from,
                                                      const ConduitValue *value,
                                                      gboolean            current_used);
ConduitValue       *conduit_expression_eval_call     (EvalContext        *context,
                                                      ExprNode           *node);
ConduitValue       *conduit_expression_object_search (const ConduitValue *object,
                                                      PathSegment        *segment);
void                conduit_expression_set_failed    (GError            **error);

/* conduit_value_object_get() that first tries where @segment's key was found last time: the
 * records of one input hold their fields in the same order, so the search is mostly one
 * comparison. The hint is the expression's own, as its evaluation is (one thread at a time). */
static inline ConduitValue *
conduit_expression_object_get_hinted (const ConduitValue *object,
                                      PathSegment        *segment)
{
  const ConduitMember *members;

  if (object->kind != CONDUIT_VALUE_OBJECT)
    return NULL;
  members = object->members;
  if (G_LIKELY (segment->hint < object->len &&
                members[segment->hint].key_len == segment->key_len &&
                conduit_bytes_equal (members[segment->hint].key, segment->key,
                                     segment->key_len)))
    return members[segment->hint].value;
  return conduit_expression_object_search (object, segment);
}

/* conduit_expression_path_get() from the record for a path of one name (a field of the
 * record, the commonest path by far), inlined where it is used: without the call and its
 * loop */
static inline ConduitValue *
conduit_expression_path_get_root (EvalContext       *context,
                                  const ConduitPath *path)
{
  if (G_LIKELY (path->n_segments == 1 && path->segments[0].kind == SEGMENT_KEY))
    {
      ConduitValue *value = context->root != NULL ?
        conduit_expression_object_get_hinted (context->root, &path->segments[0]) : NULL;

      return value != NULL ? value : (ConduitValue *)&conduit_value_null;
    }
  return conduit_expression_path_get (context, path, 0, context->root, FALSE);
}

/* What conduit_expression_eval_node() does for a call of a plain function whose arguments
 * are fields and literals, at most 8 (conduit_expression_find_plain_call()), without its
 * frame. NULL when the function fails (@context's error set). */
static inline ConduitValue *
conduit_expression_eval_plain_node (ExprNode    *node,
                                    EvalContext *context)
{
  ConduitValue *args[8];

  for (guint i = 0; i < node->call.n_args; i++)
    {
      ExprNode *arg = node->call.args[i];

      args[i] = arg->kind == EXPR_PATH ? conduit_expression_path_get_root (context, &arg->path)
                                       : arg->literal;
    }
  return node->call.function->impl (context, node, args);
}

/* conduit_expression_eval_plain_node() of an expression that is such a call
 * (self->plain_call): for conduit_expression_eval_shared() and the mapping's loop over its
 * rows */
static inline ConduitValue *
conduit_expression_eval_plain_call (ConduitExpression *self,
                                    EvalContext       *context)
{
  return conduit_expression_eval_plain_node (self->root, context);
}

ConduitValue       *conduit_expression_eval          (ConduitExpression  *self,
                                                      ConduitArena       *arena,
                                                      const ConduitValue *root,
                                                      gint64              current,
                                                      GError            **error);
ConduitValue       *conduit_expression_eval_shared   (ConduitExpression  *self,
                                                      ConduitArena       *arena,
                                                      const ConduitValue *root,
                                                      gint64              current,
                                                      ConduitValue      **memo,
                                                      GError            **error);
guint               conduit_expression_share_calls   (ConduitExpression **expressions,
                                                      guint               n_expressions);
gboolean            conduit_expression_iteration_length (ConduitExpression  *self,
                                                      const ConduitValue *root,
                                                      guint              *length);
gboolean            conduit_expression_uses_iteration (ConduitExpression  *self);
ConduitExpression  *conduit_expression_new_full      (const char         *text,
                                                      gboolean            path_only,
                                                      guint               column_offset,
                                                      gsize              *consumed,
                                                      GError            **error);
void                conduit_expression_syntax_error  (GError            **error,
                                                      guint               column,
                                                      guint               length,
                                                      const char         *format,
                                                      ...) G_GNUC_PRINTF (4, 5);

void                conduit_expression_error_relocate (GError           **error,
                                                      const char         *text);
void                conduit_expression_syntax_error_at (GError          **error,
                                                      guint               line,
                                                      guint               line_column,
                                                      guint               column,
                                                      guint               length,
                                                      const char         *detail);

/* case changes that do not depend on the locale (conduit-expression-case.c) */
gboolean            conduit_ascii_change_case        (const char         *text,
                                                      gsize               length,
                                                      char               *out,
                                                      gboolean            upper);
char               *conduit_utf8_change_case         (const char         *text,
                                                      gsize               length,
                                                      gboolean            upper);

/* date parsing, shared with the validation of date fields */
gboolean            conduit_date_parse_iso           (const char         *text,
                                                      gsize               length,
                                                      gboolean           *has_time);

G_END_DECLS

G_BEGIN_DECLS

const ConduitPath  *conduit_expression_get_path      (ConduitExpression  *self);
void                conduit_expression_collect_fields (ConduitExpression *self,
                                                      GHashTable         *names);

G_END_DECLS
