/* conduit-expression-parser.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-expression"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "conduit-expression-private.h"

/* A hand-written lexer and recursive-descent parser. The grammar is small (docs/mapping.md),
 * and a hand-written parser is what gives every error a precise column and a sentence a
 * non-programmer can act on; a generated one would not. Expressions are parsed once into a
 * tree that lives in the expression's own arena, and evaluated against arena values. */

#define MAX_NESTING 64
#define MAX_EXPRESSION_LENGTH (64 * 1024)
/* "a + b + c" nests to the left: evaluating n operators recurses n deep, so n is bounded */
#define MAX_OPERATORS 4000


typedef enum
{
  TOKEN_END,
  TOKEN_NUMBER,
  TOKEN_STRING,
  TOKEN_NAME,        /* identifier */
  TOKEN_QUOTED_NAME, /* `quoted field name` */
  TOKEN_DOLLAR,
  TOKEN_LPAREN,
  TOKEN_RPAREN,
  TOKEN_LBRACKET,
  TOKEN_RBRACKET,
  TOKEN_LBRACE,
  TOKEN_RBRACE,
  TOKEN_COMMA,
  TOKEN_DOT,
  TOKEN_COLON,
  TOKEN_OPERATOR,
  TOKEN_AND,
  TOKEN_OR,
  TOKEN_NOT,
  TOKEN_TRUE,
  TOKEN_FALSE,
  TOKEN_NULL,
  TOKEN_ASSIGN,      /* the = of a let, only where one is expected */
  TOKEN_ERROR,
} TokenKind;

typedef struct
{
  TokenKind     kind;
  gsize         start;
  gsize         end;
  ExprOperator  op;
  GString      *string;   /* decoded text of STRING and QUOTED_NAME */
} Token;

typedef struct
{
  ConduitExpression *expression;
  const char        *text;
  gsize              length;
  gsize              pos;
  guint              column_offset;
  gboolean           stop_at_brace;   /* inside a {{template}}: "}}" ends the expression */
  Token              token;
  guint              depth;
  guint              operators;
  guint             *chars_before;    /* chars before each byte offset; NULL for ASCII text */
  guint              braces;          /* open { of tables, which a "}}" cannot close */
  GError           **error;
  gboolean           failed;
  gboolean           allow_assign;    /* a single = is the next token of a let */
  GArray            *scope;           /* (element-type LetName) the let names in force */
} Parser;

typedef struct
{
  const char *name;
  gsize       length;
  guint       slot;
} LetName;

/* Every node asks for its column and width: counting characters from the start each time made
 * a long sum quadratic, so they come from a table built once (or the offset, for ASCII). */
static guint
chars_before (Parser *p,
              gsize   offset)
{
  return p->chars_before != NULL ? p->chars_before[offset] : (guint)offset;
}

static void
parser_index_chars (Parser *p)
{
  guint chars = 0;
  gsize i;

  for (i = 0; i < p->length && !((guchar)p->text[i] & 0x80); i++)
    ;
  if (i == p->length)
    return;

  p->chars_before = g_new (guint, p->length + 1);
  for (i = 0; i < p->length; i++)
    {
      p->chars_before[i] = chars;
      if (((guchar)p->text[i] & 0xC0) != 0x80)
        chars++;
    }
  p->chars_before[p->length] = chars;
}

static guint
column_at (Parser *p,
           gsize   offset)
{
  return p->column_offset + chars_before (p, offset) + 1;
}

static guint
chars_between (Parser *p,
               gsize   start,
               gsize   end)
{
  return chars_before (p, end) - chars_before (p, start);
}

G_GNUC_PRINTF (4, 5)
static void
parser_error (Parser     *p,
              gsize       start,
              gsize       end,
              const char *format,
              ...)
{
  g_autofree char *detail = NULL;
  guint line = 1;
  gsize line_start;
  va_list args;

  if (p->failed)
    return;
  p->failed = TRUE;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  /* An expression written over several lines (the table's editor allows it) is easier to
   * fix with the line named. */
  line_start = 0;
  for (gsize i = 0; i < start && i < p->length; i++)
    if (p->text[i] == '\n')
      line++, line_start = i + 1;
  conduit_expression_syntax_error_at (p->error, line > 1 ? line : 0,
                                      chars_between (p, line_start, start) + 1,
                                      column_at (p, start),
                                      end > start ? chars_between (p, start, end) : 1, detail);
}

static gboolean
is_name_start (guchar c)
{
  return g_ascii_isalpha (c) || c == '_' || c >= 0x80;
}

static gboolean
is_name_char (guchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c >= 0x80;
}

static gboolean
lex_quoted (Parser *p,
            char    quote,
            Token  *token)
{
  gsize i = p->pos + 1;

  g_string_truncate (token->string, 0);
  while (i < p->length && p->text[i] != quote)
    {
      char c = p->text[i];

      if (c == '\\' && i + 1 < p->length)
        {
          char e = p->text[i + 1];

          i += 2;
          switch (e)
            {
            case 'n': g_string_append_c (token->string, '\n'); break;
            case 't': g_string_append_c (token->string, '\t'); break;
            case 'r': g_string_append_c (token->string, '\r'); break;
            case 'u':
              {
                gunichar u = 0;
                int k;

                for (k = 0; k < 4 && i < p->length && g_ascii_isxdigit (p->text[i]); k++, i++)
                  u = u * 16 + g_ascii_xdigit_value (p->text[i]);
                if (k < 4 || !g_unichar_validate (u))
                  {
                    parser_error (p, i - 2 - k, i, _("“\\u” must be followed by four hexadecimal digits"));
                    return FALSE;
                  }
                g_string_append_unichar (token->string, u);
              }
              break;
            case '\\':
            case '"':
            case '\'':
            case '`':
            case '/':
              g_string_append_c (token->string, e);
              break;
            default:
              {
                gsize end = i;

                /* "\d" used to become "d" without a word, so a pattern never matched: an
                 * escape that means nothing is refused where it is written. */
                while (end < p->length && ((guchar)p->text[end] & 0xC0) == 0x80)
                  end++;
                parser_error (p, i - 2, end,
                              _("“\\%.*s” is not an escape; write “\\\\” for a backslash "
                                "(as in “\\\\d” for a digit in a pattern)"),
                              (int)(end - i + 1), p->text + i - 1);
                return FALSE;
              }
            }
          continue;
        }
      g_string_append_c (token->string, c);
      i++;
    }

  if (i >= p->length)
    {
      if (quote == '`')
        parser_error (p, p->pos, p->length, _("the field name that starts here has no closing “`”"));
      else
        parser_error (p, p->pos, p->length, _("the text that starts here has no closing %c"), quote);
      return FALSE;
    }

  token->end = i + 1;
  return TRUE;
}

static void
next_token (Parser *p)
{
  Token *t = &p->token;
  const char *s = p->text;
  guchar c;

  while (p->pos < p->length && g_ascii_isspace (s[p->pos]))
    p->pos++;

  t->start = p->pos;
  t->end = p->pos + 1;

  if (p->pos >= p->length)
    {
      t->kind = TOKEN_END;
      t->end = p->pos;
      return;
    }

  c = s[p->pos];
  switch (c)
    {
    case '(': t->kind = TOKEN_LPAREN; break;
    case ')': t->kind = TOKEN_RPAREN; break;
    case '[': t->kind = TOKEN_LBRACKET; break;
    case ']': t->kind = TOKEN_RBRACKET; break;
    case '{':
      t->kind = TOKEN_LBRACE;
      p->braces++;
      break;
    case '}':
      if (p->stop_at_brace && p->pos + 1 < p->length && s[p->pos + 1] == '}' && p->braces == 0)
        {
          t->kind = TOKEN_END;
          t->end = p->pos;
          return;
        }
      t->kind = TOKEN_RBRACE;
      if (p->braces > 0)
        p->braces--;
      break;
    case ',': t->kind = TOKEN_COMMA; break;
    case '.': t->kind = TOKEN_DOT; break;
    case ':': t->kind = TOKEN_COLON; break;
    case '$': t->kind = TOKEN_DOLLAR; break;
    case '+': t->kind = TOKEN_OPERATOR; t->op = OP_ADD; break;
    case '-': t->kind = TOKEN_OPERATOR; t->op = OP_SUB; break;
    case '*': t->kind = TOKEN_OPERATOR; t->op = OP_MUL; break;
    case '/': t->kind = TOKEN_OPERATOR; t->op = OP_DIV; break;
    case '=':
    case '!':
    case '<':
    case '>':
      {
        gboolean eq = p->pos + 1 < p->length && s[p->pos + 1] == '=';

        t->kind = TOKEN_OPERATOR;
        if (c == '=' && eq)
          t->op = OP_EQ;
        else if (c == '!' && eq)
          t->op = OP_NE;
        else if (c == '<')
          t->op = eq ? OP_LE : OP_LT;
        else if (c == '>')
          t->op = eq ? OP_GE : OP_GT;
        else if (c == '=' && p->allow_assign)
          t->kind = TOKEN_ASSIGN;
        else if (c == '=')
          {
            parser_error (p, p->pos, p->pos + 1, _("use “==” to compare two values"));
            t->kind = TOKEN_ERROR;
            break;
          }
        else
          {
            parser_error (p, p->pos, p->pos + 1, _("use “not” or “!=” instead of “!”"));
            t->kind = TOKEN_ERROR;
            break;
          }
        if (eq)
          t->end = p->pos + 2;
      }
      break;
    case '"':
    case '\'':
    case '`':
      if (!lex_quoted (p, c, t))
        {
          t->kind = TOKEN_ERROR;
          break;
        }
      t->kind = c == '`' ? TOKEN_QUOTED_NAME : TOKEN_STRING;
      break;
    default:
      if (g_ascii_isdigit (c))
        {
          gsize i = p->pos;

          while (i < p->length && g_ascii_isdigit (s[i]))
            i++;
          if (i + 1 < p->length && s[i] == '.' && g_ascii_isdigit (s[i + 1]))
            {
              i++;
              while (i < p->length && g_ascii_isdigit (s[i]))
                i++;
            }
          if (i < p->length && (s[i] == 'e' || s[i] == 'E'))
            {
              gsize j = i + 1;

              if (j < p->length && (s[j] == '+' || s[j] == '-'))
                j++;
              if (j < p->length && g_ascii_isdigit (s[j]))
                {
                  i = j;
                  while (i < p->length && g_ascii_isdigit (s[i]))
                    i++;
                }
            }
          t->kind = TOKEN_NUMBER;
          t->end = i;
        }
      else if (is_name_start (c))
        {
          gsize i = p->pos;
          gsize len;

          while (i < p->length && is_name_char (s[i]))
            i++;
          t->end = i;
          len = i - p->pos;
          t->kind = TOKEN_NAME;
          if (len == 3 && memcmp (s + p->pos, "and", 3) == 0)
            t->kind = TOKEN_AND;
          else if (len == 2 && memcmp (s + p->pos, "or", 2) == 0)
            t->kind = TOKEN_OR;
          else if (len == 3 && memcmp (s + p->pos, "not", 3) == 0)
            t->kind = TOKEN_NOT;
          else if (len == 4 && memcmp (s + p->pos, "true", 4) == 0)
            t->kind = TOKEN_TRUE;
          else if (len == 5 && memcmp (s + p->pos, "false", 5) == 0)
            t->kind = TOKEN_FALSE;
          else if (len == 4 && memcmp (s + p->pos, "null", 4) == 0)
            t->kind = TOKEN_NULL;
        }
      else
        {
          gsize end = p->pos + 1;

          while (end < p->length && ((guchar)s[end] & 0xC0) == 0x80)
            end++;
          parser_error (p, p->pos, end, _("“%.*s” has no meaning here"),
                        (int)(end - p->pos), s + p->pos);
          t->kind = TOKEN_ERROR;
        }
      break;
    }

  p->pos = t->end;
}

static const char *
token_text (Parser *p,
            char   *buffer,
            gsize   size)
{
  if (p->token.kind == TOKEN_END)
    return _("the end");
  g_snprintf (buffer, size, "“%.*s”", (int)MIN (p->token.end - p->token.start, 40),
              p->text + p->token.start);
  return buffer;
}

/* ---- parser ---------------------------------------------------------------------------- */

static ExprNode *
node_new (Parser   *p,
          ExprKind  kind,
          gsize     start,
          gsize     end)
{
  ExprNode *node = conduit_arena_alloc (p->expression->arena, sizeof (ExprNode));

  memset (node, 0, sizeof *node);
  node->kind = kind;
  node->column = column_at (p, start);
  node->length = MAX (chars_between (p, start, MAX (end, start)), 1);
  return node;
}

static gboolean
expect (Parser     *p,
        TokenKind   kind,
        const char *what)
{
  char buffer[64];

  if (p->failed)
    return FALSE;
  if (p->token.kind != kind)
    {
      /* TRANSLATORS: "“)” expected, found “,”" */
      parser_error (p, p->token.start, p->token.end, _("%s expected, found %s"), what,
                    token_text (p, buffer, sizeof buffer));
      return FALSE;
    }
  next_token (p);
  return TRUE;
}

static ExprNode *parse_expression (Parser *p);

static gboolean
parser_count_operator (Parser *p)
{
  if (++p->operators > MAX_OPERATORS)
    {
      parser_error (p, p->token.start, p->token.end,
                    _("the expression has more than %u operators; split it over several fields"),
                    MAX_OPERATORS);
      return FALSE;
    }
  return TRUE;
}

/* Each (, call, unary minus and "not" recurses: a limit keeps a million of them off the stack. */
static gboolean
parser_enter (Parser *p)
{
  if (++p->depth > MAX_NESTING)
    {
      p->depth--;
      parser_error (p, p->token.start, p->token.end, _("the expression is nested too deeply"));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GArray *segments;
} PathBuilder;

static void
add_key_segment (Parser      *p,
                 GArray      *segments,
                 const char  *key,
                 gsize        key_len)
{
  PathSegment segment = { SEGMENT_KEY, NULL, key_len, 0 };

  segment.key = conduit_arena_strndup (p->expression->arena, key, key_len);
  g_array_append_val (segments, segment);
}

/* Reads the segments after the first one: .name, .`name`, [3], [-1], [], ["name"]. */
static gboolean
parse_path_rest (Parser *p,
                 GArray *segments)
{
  char buffer[64];

  for (;;)
    {
      if (p->token.kind == TOKEN_DOT)
        {
          next_token (p);
          if (p->token.kind == TOKEN_QUOTED_NAME)
            add_key_segment (p, segments, p->token.string->str, p->token.string->len);
          else if (p->token.kind == TOKEN_NAME || p->token.kind == TOKEN_AND ||
                   p->token.kind == TOKEN_OR || p->token.kind == TOKEN_NOT ||
                   p->token.kind == TOKEN_TRUE || p->token.kind == TOKEN_FALSE ||
                   p->token.kind == TOKEN_NULL)
            add_key_segment (p, segments, p->text + p->token.start, p->token.end - p->token.start);
          else
            {
              parser_error (p, p->token.start, p->token.end,
                            _("a field name expected after “.”, found %s"),
                            token_text (p, buffer, sizeof buffer));
              return FALSE;
            }
          next_token (p);
        }
      else if (p->token.kind == TOKEN_LBRACKET)
        {
          PathSegment segment = { SEGMENT_ALL, NULL, 0, 0 };
          gsize open = p->token.start;

          next_token (p);
          if (p->token.kind == TOKEN_RBRACKET)
            {
              g_array_append_val (segments, segment);
            }
          else if (p->token.kind == TOKEN_STRING || p->token.kind == TOKEN_QUOTED_NAME)
            {
              add_key_segment (p, segments, p->token.string->str, p->token.string->len);
              next_token (p);
            }
          else
            {
              gboolean negative = FALSE;
              char *end;
              g_autofree char *digits = NULL;

              if (p->token.kind == TOKEN_OPERATOR && p->token.op == OP_SUB)
                {
                  negative = TRUE;
                  next_token (p);
                }
              if (p->token.kind != TOKEN_NUMBER)
                {
                  parser_error (p, open, p->token.end,
                                _("write an item number ([0] is the first, [-1] the last), "
                                  "[] for every item, or [\"name\"]"));
                  return FALSE;
                }
              digits = g_strndup (p->text + p->token.start, p->token.end - p->token.start);
              segment.kind = SEGMENT_INDEX;
              segment.index = g_ascii_strtoll (digits, &end, 10);
              if (*end != '\0' || segment.index > G_MAXINT32)
                {
                  parser_error (p, p->token.start, p->token.end,
                                _("an item number must be a whole number"));
                  return FALSE;
                }
              if (negative)
                segment.index = -segment.index;
              g_array_append_val (segments, segment);
              next_token (p);
            }
          if (p->token.kind != TOKEN_RBRACKET)
            {
              parser_error (p, p->token.start, p->token.end, _("“]” expected, found %s"),
                            token_text (p, buffer, sizeof buffer));
              return FALSE;
            }
          next_token (p);
        }
      else
        return TRUE;
    }
}

static ExprNode *
finish_path (Parser *p,
             GArray *segments,
             gsize   start)
{
  ExprNode *node;

  if (!parse_path_rest (p, segments))
    return NULL;

  node = node_new (p, EXPR_PATH, start, p->token.start);
  node->path.n_segments = segments->len;
  node->path.segments = conduit_arena_alloc (p->expression->arena,
                                             sizeof (PathSegment) * MAX (segments->len, 1));
  if (segments->len > 0)
    memcpy (node->path.segments, segments->data, sizeof (PathSegment) * segments->len);

  if (p->expression->iteration == NULL)
    for (guint i = 0; i < segments->len; i++)
      if (node->path.segments[i].kind == SEGMENT_ALL)
        {
          p->expression->iteration = node;
          break;
        }

  return node;
}

/* Literal values for lookup tables and lists: fixed when the expression is made. */
static ConduitValue *
parse_literal (Parser *p)
{
  ConduitArena *arena = p->expression->arena;
  ConduitValue *value = NULL;
  char buffer[64];

  if (++p->depth > MAX_NESTING)
    {
      parser_error (p, p->token.start, p->token.end, _("too deeply nested"));
      return NULL;
    }

  switch ((int)p->token.kind)
    {
    case TOKEN_STRING:
      value = conduit_value_new_string (arena, p->token.string->str, p->token.string->len);
      next_token (p);
      break;
    case TOKEN_TRUE:
    case TOKEN_FALSE:
      value = conduit_value_new_boolean (p->token.kind == TOKEN_TRUE);
      next_token (p);
      break;
    case TOKEN_NULL:
      /* written on purpose: the mapping writes the field as null (docs/mapping.md) */
      value = (ConduitValue *)&conduit_value_explicit_null;
      next_token (p);
      break;
    case TOKEN_NUMBER:
    case TOKEN_OPERATOR:
      {
        gboolean negative = FALSE;
        g_autofree char *digits = NULL;
        double number;

        if (p->token.kind == TOKEN_OPERATOR && p->token.op == OP_SUB)
          {
            negative = TRUE;
            next_token (p);
          }
        if (p->token.kind != TOKEN_NUMBER)
          break;
        digits = g_strndup (p->text + p->token.start, p->token.end - p->token.start);
        number = g_ascii_strtod (digits, NULL);
        if (negative)
          number = -number;
        if (strpbrk (digits, ".eE") == NULL && fabs (number) < 9e15)
          value = conduit_value_new_integer (arena, (gint64)number);
        else
          value = conduit_value_new_double (arena, number);
        next_token (p);
      }
      break;
    case TOKEN_LBRACKET:
      {
        GPtrArray *items = g_ptr_array_new ();

        next_token (p);
        while (p->token.kind != TOKEN_RBRACKET && !p->failed)
          {
            ConduitValue *item = parse_literal (p);

            if (item == NULL)
              break;
            g_ptr_array_add (items, item);
            if (p->token.kind != TOKEN_COMMA)
              break;
            next_token (p);
          }
        if (expect (p, TOKEN_RBRACKET, "“]”"))
          {
            value = conduit_arena_alloc (arena, sizeof (ConduitValue));
            value->kind = CONDUIT_VALUE_ARRAY;
            value->len = items->len;
            value->items = conduit_arena_alloc (arena, sizeof (ConduitValue *) * MAX (items->len, 1));
            if (items->len > 0)
              memcpy (value->items, items->pdata, sizeof (ConduitValue *) * items->len);
          }
        g_ptr_array_unref (items);
      }
      break;
    case TOKEN_LBRACE:
      {
        GArray *members = g_array_new (FALSE, FALSE, sizeof (ConduitMember));

        next_token (p);
        while (p->token.kind != TOKEN_RBRACE && !p->failed)
          {
            ConduitMember member;

            if (p->token.kind == TOKEN_STRING)
              member.key = conduit_arena_strndup (arena, p->token.string->str, p->token.string->len),
              member.key_len = p->token.string->len;
            else if (p->token.kind == TOKEN_NAME)
              member.key = conduit_arena_strndup (arena, p->text + p->token.start,
                                                  p->token.end - p->token.start),
              member.key_len = p->token.end - p->token.start;
            else
              {
                parser_error (p, p->token.start, p->token.end,
                              _("a key in quotes expected in the table, found %s"),
                              token_text (p, buffer, sizeof buffer));
                break;
              }
            next_token (p);
            if (!expect (p, TOKEN_COLON, "“:”"))
              break;
            member.value = parse_literal (p);
            if (member.value == NULL)
              break;
            g_array_append_val (members, member);
            if (p->token.kind != TOKEN_COMMA)
              break;
            next_token (p);
          }
        if (expect (p, TOKEN_RBRACE, "“}”"))
          {
            value = conduit_arena_alloc (arena, sizeof (ConduitValue));
            value->kind = CONDUIT_VALUE_OBJECT;
            value->len = members->len;
            value->members = conduit_arena_alloc (arena, sizeof (ConduitMember) * MAX (members->len, 1));
            if (members->len > 0)
              memcpy (value->members, members->data, sizeof (ConduitMember) * members->len);
          }
        g_array_unref (members);
      }
      break;
    default:
      break;
    }

  if (value == NULL && !p->failed)
    parser_error (p, p->token.start, p->token.end,
                  _("tables and lists hold fixed values (text in quotes, numbers, true, false, "
                    "null), found %s"), token_text (p, buffer, sizeof buffer));
  p->depth--;
  return value;
}

static void
call_free_data (gpointer data)
{
  ExprNode *call = data;

  if (call->call.data_free != NULL)
    g_clear_pointer (&call->call.data, call->call.data_free);
}

static ExprNode *
parse_call (Parser *p)
{
  gsize name_start = p->token.start, name_end = p->token.end;
  const ExprFunction *function;
  GPtrArray *args;
  ExprNode *node;
  guint bad_argument = 0;
  g_autofree char *message = NULL;
  char buffer[64];

  function = conduit_expression_find_function (p->text + name_start, name_end - name_start);
  if (function == NULL)
    {
      parser_error (p, name_start, name_end,
                    _("“%.*s” is not a function of the mapping language (see docs/mapping.md)"),
                    (int)(name_end - name_start), p->text + name_start);
      return NULL;
    }

  next_token (p);   /* name */
  next_token (p);   /* ( */
  args = g_ptr_array_new ();
  if (p->token.kind != TOKEN_RPAREN)
    for (;;)
      {
        ExprNode *arg = parse_expression (p);

        if (arg == NULL)
          break;
        g_ptr_array_add (args, arg);
        if (p->token.kind == TOKEN_COMMA)
          {
            next_token (p);
            continue;
          }
        if (p->token.kind != TOKEN_RPAREN)
          parser_error (p, p->token.start, p->token.end,
                        _("“,” or “)” expected in the values of %s(), found %s"), function->name,
                        token_text (p, buffer, sizeof buffer));
        break;
      }

  if (p->failed)
    {
      g_ptr_array_unref (args);
      return NULL;
    }

  node = node_new (p, EXPR_CALL, name_start, p->token.end);
  node->call.function = function;
  node->call.n_args = args->len;
  node->call.args = conduit_arena_alloc (p->expression->arena, sizeof (ExprNode *) * MAX (args->len, 1));
  if (args->len > 0)
    memcpy (node->call.args, args->pdata, sizeof (ExprNode *) * args->len);
  g_ptr_array_unref (args);

  if (node->call.n_args < function->min_args || node->call.n_args > function->max_args)
    {
      if (function->min_args == function->max_args)
        parser_error (p, name_start, name_end,
                      g_dngettext (GETTEXT_PACKAGE, "%s() takes %u value, not %u",
                                   "%s() takes %u values, not %u", function->min_args),
                      function->name, function->min_args, node->call.n_args);
      else if (function->max_args == G_MAXUINT)
        parser_error (p, name_start, name_end,
                      g_dngettext (GETTEXT_PACKAGE, "%s() takes at least %u value, not %u",
                                   "%s() takes at least %u values, not %u", function->min_args),
                      function->name, function->min_args, node->call.n_args);
      else
        parser_error (p, name_start, name_end, _("%s() takes %u to %u values, not %u"),
                      function->name, function->min_args, function->max_args, node->call.n_args);
      return NULL;
    }

  if (function->check != NULL && !function->check (node, &bad_argument, &message))
    {
      ExprNode *bad = node->call.args[MIN (bad_argument, node->call.n_args - 1)];

      p->failed = TRUE;
      conduit_expression_syntax_error (p->error, bad->column, bad->length, "%s", message);
      call_free_data (node);
      return NULL;
    }

  /* Only now past the ")": an error in the text after it must not come before (and on top
   * of) the error in the values. */
  next_token (p);
  if (node->call.data != NULL)
    g_ptr_array_add (p->expression->calls, node);

  return node;
}

static gboolean
token_is_word (Parser     *p,
               const char *word)
{
  gsize length = strlen (word);

  return p->token.kind == TOKEN_NAME && p->token.end - p->token.start == length &&
         memcmp (p->text + p->token.start, word, length) == 0;
}

/* "let name = value in body": the value is computed once per record, however often the body
 * uses the name. Only "let" followed by a name and "=" starts one, so a field called "let"
 * still reads as a field. Returns NULL without an error when it is not a let. */
static ExprNode *
parse_let (Parser   *p,
           gboolean *is_let)
{
  gsize start = p->token.start;
  gsize saved_pos = p->pos;
  Token saved = p->token;
  guint saved_braces = p->braces;
  gsize name_start, name_end;
  ExprNode *node;
  LetName let_name;
  char buffer[64];

  *is_let = FALSE;
  next_token (p);
  if (p->token.kind == TOKEN_NAME && !p->failed)
    {
      name_start = p->token.start;
      name_end = p->token.end;
      p->allow_assign = TRUE;
      next_token (p);
      p->allow_assign = FALSE;
      if (p->token.kind == TOKEN_ASSIGN)
        *is_let = TRUE;
    }
  if (!*is_let)
    {
      p->pos = saved_pos;
      p->token = saved;
      p->braces = saved_braces;
      return NULL;
    }

  next_token (p);
  node = node_new (p, EXPR_LET, start, name_end);
  node->let.value = parse_expression (p);
  if (node->let.value == NULL)
    return NULL;
  if (!token_is_word (p, "in"))
    {
      parser_error (p, p->token.start, p->token.end,
                    _("“in” expected after the value of “%.*s”, found %s; write "
                      "let name = value in expression"),
                    (int)(name_end - name_start), p->text + name_start,
                    token_text (p, buffer, sizeof buffer));
      return NULL;
    }
  next_token (p);

  node->slot = p->expression->n_slots++;
  let_name.name = p->text + name_start;
  let_name.length = name_end - name_start;
  let_name.slot = node->slot;
  if (p->scope == NULL)
    p->scope = g_array_new (FALSE, FALSE, sizeof (LetName));
  g_array_append_val (p->scope, let_name);
  node->let.body = parse_expression (p);
  g_array_set_size (p->scope, p->scope->len - 1);
  return node->let.body != NULL ? node : NULL;
}

static const LetName *
find_let_name (Parser *p)
{
  gsize length = p->token.end - p->token.start;

  if (p->scope == NULL || p->token.kind != TOKEN_NAME)
    return NULL;
  /* the innermost first: an inner let hides an outer one of the same name */
  for (guint i = p->scope->len; i > 0; i--)
    {
      const LetName *name = &g_array_index (p->scope, LetName, i - 1);

      if (name->length == length && memcmp (name->name, p->text + p->token.start, length) == 0)
        return name;
    }
  return NULL;
}

static ExprNode *
parse_primary (Parser *p)
{
  gsize start = p->token.start;
  ExprNode *node;
  char buffer[64];

  switch ((int)p->token.kind)
    {
    case TOKEN_NUMBER:
    case TOKEN_STRING:
    case TOKEN_TRUE:
    case TOKEN_FALSE:
    case TOKEN_NULL:
    case TOKEN_LBRACE:
      {
        ConduitValue *value = parse_literal (p);

        if (value == NULL)
          return NULL;
        node = node_new (p, EXPR_LITERAL, start, p->token.start);
        node->literal = value;
        return node;
      }

    case TOKEN_LBRACKET:
      {
        ConduitValue *value = parse_literal (p);

        if (value == NULL)
          return NULL;
        node = node_new (p, EXPR_LITERAL, start, p->token.start);
        node->literal = value;
        return node;
      }

    case TOKEN_LPAREN:
      next_token (p);
      node = parse_expression (p);
      if (node == NULL || !expect (p, TOKEN_RPAREN, "“)”"))
        return NULL;
      return node;

    case TOKEN_NAME:
      {
        gsize after = p->token.end;

        while (after < p->length && g_ascii_isspace (p->text[after]))
          after++;
        if (after < p->length && p->text[after] == '(')
          return parse_call (p);
        if (token_is_word (p, "let"))
          {
            gboolean is_let;

            node = parse_let (p, &is_let);
            if (is_let || p->failed)
              return node;
          }
      }
      G_GNUC_FALLTHROUGH;
    case TOKEN_QUOTED_NAME:
    case TOKEN_DOLLAR:
      {
        g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (PathSegment));
        /* a let name, unless in backquotes: `x` is always the field */
        const LetName *let_name = find_let_name (p);
        ExprNode *first_iteration = p->expression->iteration;

        if (p->token.kind == TOKEN_NAME)
          add_key_segment (p, segments, p->text + p->token.start, p->token.end - p->token.start);
        else if (p->token.kind == TOKEN_QUOTED_NAME)
          add_key_segment (p, segments, p->token.string->str, p->token.string->len);
        next_token (p);
        node = finish_path (p, segments, start);
        if (node != NULL && let_name != NULL)
          {
            if (p->expression->iteration == node)
              {
                p->expression->iteration = first_iteration;
                parser_error (p, start, p->token.start,
                              _("“[]” cannot walk a let name; walk the field in its value"));
                return NULL;
              }
            node->kind = EXPR_VARIABLE;
            node->slot = let_name->slot;
          }
        return node;
      }

    case TOKEN_ERROR:
      return NULL;

    default:
      if (p->token.kind == TOKEN_END)
        parser_error (p, p->token.start, p->token.end,
                      _("a value, a field or a function expected, found the end"));
      else
        parser_error (p, p->token.start, p->token.end,
                      _("a value, a field or a function expected, found %s"),
                      token_text (p, buffer, sizeof buffer));
      return NULL;
    }
}

static ExprNode *
parse_unary (Parser *p)
{
  if (p->token.kind == TOKEN_OPERATOR && p->token.op == OP_SUB)
    {
      gsize start = p->token.start;
      ExprNode *operand, *node;

      if (!parser_enter (p))
        return NULL;
      next_token (p);
      operand = parse_unary (p);
      p->depth--;
      if (operand == NULL)
        return NULL;
      node = node_new (p, EXPR_NEGATE, start, p->token.start);
      node->operand = operand;
      return node;
    }

  return parse_primary (p);
}

static ExprNode *
parse_binary_level (Parser *p,
                    int     level)
{
  gsize start = p->token.start;
  ExprNode *left;

  /* level 0: * /, level 1: + -, level 2: comparisons (not chained) */
  left = level == 0 ? parse_unary (p) : parse_binary_level (p, level - 1);
  while (left != NULL && p->token.kind == TOKEN_OPERATOR)
    {
      ExprOperator op = p->token.op;
      ExprNode *right, *node;
      gboolean matches;

      matches = level == 0 ? (op == OP_MUL || op == OP_DIV) :
                level == 1 ? (op == OP_ADD || op == OP_SUB) :
                (op <= OP_GE);
      if (!matches)
        break;

      if (!parser_count_operator (p))
        return NULL;
      next_token (p);
      right = level == 0 ? parse_unary (p) : parse_binary_level (p, level - 1);
      if (right == NULL)
        return NULL;
      node = node_new (p, level == 2 ? EXPR_COMPARE : EXPR_ARITHMETIC, start, p->token.start);
      node->binary.op = op;
      node->binary.left = left;
      node->binary.right = right;
      left = node;
      if (level == 2)
        break;
    }

  return left;
}

static ExprNode *
parse_not (Parser *p)
{
  if (p->token.kind == TOKEN_NOT)
    {
      gsize start = p->token.start;
      ExprNode *operand, *node;

      if (!parser_enter (p))
        return NULL;
      next_token (p);
      operand = parse_not (p);
      p->depth--;
      if (operand == NULL)
        return NULL;
      node = node_new (p, EXPR_NOT, start, p->token.start);
      node->operand = operand;
      return node;
    }

  return parse_binary_level (p, 2);
}

static ExprNode *
parse_logic (Parser    *p,
             TokenKind  kind)
{
  gsize start = p->token.start;
  ExprNode *left = kind == TOKEN_OR ? parse_logic (p, TOKEN_AND) : parse_not (p);

  while (left != NULL && p->token.kind == kind)
    {
      ExprNode *right, *node;

      if (!parser_count_operator (p))
        return NULL;
      next_token (p);
      right = kind == TOKEN_OR ? parse_logic (p, TOKEN_AND) : parse_not (p);
      if (right == NULL)
        return NULL;
      node = node_new (p, kind == TOKEN_OR ? EXPR_OR : EXPR_AND, start, p->token.start);
      node->binary.left = left;
      node->binary.right = right;
      left = node;
    }

  return left;
}

static ExprNode *
parse_expression (Parser *p)
{
  ExprNode *node;

  if (!parser_enter (p))
    return NULL;
  node = parse_logic (p, TOKEN_OR);
  p->depth--;
  return p->failed ? NULL : node;
}

static gboolean
is_plain_name (const char *text)
{
  for (const char *s = text; *s; s++)
    if (*s == '.' || *s == '[' || *s == ']' || *s == '`' || *s == '"' || *s == '$')
      return FALSE;
  return TRUE;
}

/* Field paths as a mapping row's source: a name with spaces may be typed as it is ("First
 * Name"), since operations staff copy column headers; dots and brackets make it a path. */
static ExprNode *
parse_path_only (Parser *p)
{
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (PathSegment));
  gsize start = p->token.start;
  char buffer[64];

  if (is_plain_name (p->text))
    {
      g_autofree char *name = g_strstrip (g_strdup (p->text));

      if (*name != '\0')
        {
          ExprNode *node;

          add_key_segment (p, segments, name, strlen (name));
          node = node_new (p, EXPR_PATH, 0, p->length);
          node->path.n_segments = 1;
          node->path.segments = conduit_arena_alloc (p->expression->arena, sizeof (PathSegment));
          node->path.segments[0] = g_array_index (segments, PathSegment, 0);
          p->token.kind = TOKEN_END;
          return node;
        }
    }

  switch ((int)p->token.kind)
    {
    case TOKEN_NAME:
    case TOKEN_AND:
    case TOKEN_OR:
    case TOKEN_NOT:
    case TOKEN_TRUE:
    case TOKEN_FALSE:
    case TOKEN_NULL:
      add_key_segment (p, segments, p->text + p->token.start, p->token.end - p->token.start);
      next_token (p);
      break;
    case TOKEN_QUOTED_NAME:
    case TOKEN_STRING:
      add_key_segment (p, segments, p->token.string->str, p->token.string->len);
      next_token (p);
      break;
    case TOKEN_DOLLAR:
      next_token (p);
      break;
    case TOKEN_LBRACKET:
      break;
    case TOKEN_ERROR:
      return NULL;
    default:
      parser_error (p, p->token.start, p->token.end, _("a field name expected, found %s"),
                    token_text (p, buffer, sizeof buffer));
      return NULL;
    }

  return finish_path (p, segments, start);
}

ConduitExpression *
conduit_expression_new_full (const char  *text,
                             gboolean     path_only,
                             guint        column_offset,
                             gsize       *consumed,
                             GError     **error)
{
  g_autoptr(ConduitExpression) self = NULL;
  Parser parser = { 0 };
  char buffer[64];

  self = g_new0 (ConduitExpression, 1);
  self->ref_count = 1;
  self->arena = conduit_arena_new ();
  self->calls = g_ptr_array_new_with_free_func (call_free_data);

  parser.expression = self;
  parser.text = text;
  parser.length = strlen (text);
  parser.column_offset = column_offset;
  parser.stop_at_brace = consumed != NULL;
  parser.error = error;
  parser.token.string = g_string_new (NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      conduit_expression_syntax_error (error, 1 + column_offset, 1, _("the text is not valid UTF-8"));
      g_string_free (parser.token.string, TRUE);
      return NULL;
    }

  /* A {{template}} hands over the rest of its text, which may be long; only a whole
   * expression is held to the limit. */
  if (consumed == NULL && parser.length > MAX_EXPRESSION_LENGTH)
    {
      conduit_expression_syntax_error (error, 1 + column_offset, 1,
                                       _("the expression is longer than %u KB; split it over "
                                         "several fields"), MAX_EXPRESSION_LENGTH / 1024);
      g_string_free (parser.token.string, TRUE);
      return NULL;
    }

  parser_index_chars (&parser);
  next_token (&parser);
  if (parser.token.kind == TOKEN_END && !path_only)
    {
      parser_error (&parser, 0, 0, _("the expression is empty"));
    }
  else
    {
      self->root = path_only ? parse_path_only (&parser) : parse_expression (&parser);
      if (self->root != NULL && parser.token.kind != TOKEN_END)
        {
          if (path_only)
            parser_error (&parser, parser.token.start, parser.token.end,
                          _("%s cannot follow a field name; write names with spaces or dots "
                            "in backquotes, like `First Name`"),
                          token_text (&parser, buffer, sizeof buffer));
          else
            parser_error (&parser, parser.token.start, parser.token.end,
                          _("%s expected an operator or the end; is a “,” or “)” missing?"),
                          token_text (&parser, buffer, sizeof buffer));
        }
    }

  g_string_free (parser.token.string, TRUE);
  g_clear_pointer (&parser.chars_before, g_free);
  g_clear_pointer (&parser.scope, g_array_unref);
  if (parser.failed || self->root == NULL)
    {
      if (!parser.failed)
        parser_error (&parser, 0, parser.length, _("a field name expected"));
      return NULL;
    }

  if (consumed != NULL)
    *consumed = parser.token.start;
  self->text = g_strndup (text, consumed != NULL ? *consumed : parser.length);
  conduit_expression_find_plain_call (self);
  return g_steal_pointer (&self);
}

/**
 * conduit_path_needs_quotes:
 * @name: a field name
 *
 * Returns: whether @name must be written in backquotes inside an expression
 */
gboolean
conduit_path_needs_quotes (const char *name)
{
  static const char *const keywords[] = { "and", "or", "not", "true", "false", "null" };

  g_return_val_if_fail (name != NULL, TRUE);

  if (!is_name_start (*name))
    return TRUE;
  for (const char *s = name; *s; s++)
    if (!is_name_char (*s))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (g_str_equal (name, keywords[i]))
      return TRUE;
  return FALSE;
}

/**
 * conduit_path_quote_segment:
 * @name: a field name
 *
 * Returns: (transfer full): @name as it is written in a path: as is, or in backquotes
 */
char *
conduit_path_quote_segment (const char *name)
{
  GString *out;

  g_return_val_if_fail (name != NULL, NULL);

  if (!conduit_path_needs_quotes (name))
    return g_strdup (name);

  out = g_string_new ("`");
  for (const char *s = name; *s; s++)
    {
      if (*s == '`' || *s == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '`');
  return g_string_free (out, FALSE);
}
