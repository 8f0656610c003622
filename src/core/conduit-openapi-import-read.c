/* conduit-openapi-import-read.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-openapi-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "conduit-json-text.h"
#include "conduit-openapi-import-private.h"

/* Reading a description's text into one JsonNode, whether it is JSON or YAML, and finding the
 * line of a JSON pointer again when something in it is wrong. YAML goes through libyaml's
 * document API: anchors and aliases are expanded, but only up to a budget, since a few aliases
 * of aliases can otherwise expand into billions of nodes ("billion laughs"). */

/* How many JSON nodes the aliases of a YAML document may expand into, beyond its own nodes. */
#define MAX_ALIAS_EXPANSION 1000000

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (yaml_parser_t, yaml_parser_delete)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (yaml_document_t, yaml_document_delete)

static guint
line_of_offset (const char *text,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (text[i] == '\n')
      line++;
  return line;
}

/* JSON */

static JsonNode *
read_json (const char  *text,
           gsize        length,
           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  guint line = 0;

  if (!conduit_json_text_check_depth (text, length, CONDUIT_OPENAPI_MAX_DEPTH, &line))
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                   _("%u: /: values nest more than %u levels deep"), MAX (line, 1),
                   CONDUIT_OPENAPI_MAX_DEPTH);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, text, length, &parse_error))
    {
      const char *rest = parse_error->message;
      guint column = 0;
      g_autofree char *valid = NULL;

      line = 0;
      if (g_str_has_prefix (rest, "<data>:") && sscanf (rest, "<data>:%u:%u:", &line, &column) == 2)
        {
          const char *colon = strstr (rest + 7, ": ");
          rest = colon ? colon + 2 : rest;
        }
      if (g_str_has_prefix (rest, "Parse error: "))
        rest += strlen ("Parse error: ");
      valid = g_utf8_make_valid (rest, -1);
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                   _("%u: /: not valid JSON: %s"), MAX (line, 1), valid);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                   _("1: /: the file is empty"));
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

/* YAML */

typedef struct
{
  yaml_document_t *document;
  guint            budget;   /* nodes still allowed */
} YamlReader;

/* libyaml's loader gives every untagged scalar the tag !!str, so an explicit "!!str true"
 * cannot be told from "true": the style alone decides, as for nearly every description. */
static gboolean
is_plain (yaml_node_t *node)
{
  return node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static gboolean
is_integer_text (const char *text)
{
  const char *p = text;

  if (*p == '-' || *p == '+')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  return *p == '\0';
}

/* [-+]? ( .digits | digits [. digits?] ) ( [eE] [-+]? digits )? */
static gboolean
is_number_text (const char *text)
{
  const char *p = text;
  gboolean digits = FALSE;

  if (*p == '-' || *p == '+')
    p++;
  while (g_ascii_isdigit (*p))
    p++, digits = TRUE;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      digits = TRUE;
  if (!digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '-' || *p == '+')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

/* YAML 1.2's core schema for plain scalars: null, booleans, integers, floats; the rest is text. */
static JsonNode *
scalar_to_json (yaml_node_t *node)
{
  const char *text = (const char *)node->data.scalar.value;
  gsize length = node->data.scalar.length;
  JsonNode *json = json_node_alloc ();

  if (!is_plain (node) || strlen (text) != length)
    return json_node_init_string (json, text);

  if (length == 0 || g_str_equal (text, "~") || g_str_equal (text, "null") ||
      g_str_equal (text, "Null") || g_str_equal (text, "NULL"))
    return json_node_init_null (json);
  if (g_str_equal (text, "true") || g_str_equal (text, "True") || g_str_equal (text, "TRUE"))
    return json_node_init_boolean (json, TRUE);
  if (g_str_equal (text, "false") || g_str_equal (text, "False") || g_str_equal (text, "FALSE"))
    return json_node_init_boolean (json, FALSE);
  if (is_integer_text (text))
    {
      gint64 value;

      /* a number too large to keep exactly stays text rather than being rounded */
      if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
        return json_node_init_int (json, value);
      return json_node_init_string (json, text);
    }
  if (is_number_text (text))
    {
      double value = g_ascii_strtod (text, NULL);

      if (isfinite (value))
        return json_node_init_double (json, value);
    }
  return json_node_init_string (json, text);
}

static JsonNode *
yaml_to_json (YamlReader   *reader,
              yaml_node_t  *node,
              guint         depth,
              GError      **error)
{
  if (node == NULL)
    return json_node_init_null (json_node_alloc ());

  if (depth > CONDUIT_OPENAPI_MAX_DEPTH)
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                   _("%lu: /: values nest more than %u levels deep"),
                   (unsigned long)node->start_mark.line + 1, CONDUIT_OPENAPI_MAX_DEPTH);
      return NULL;
    }
  if (reader->budget == 0)
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                   _("%lu: /: the YAML aliases expand past %u values"),
                   (unsigned long)node->start_mark.line + 1, MAX_ALIAS_EXPANSION);
      return NULL;
    }
  reader->budget--;

  switch (node->type)
    {
    case YAML_SCALAR_NODE:
      return scalar_to_json (node);

    case YAML_SEQUENCE_NODE:
      {
        g_autoptr(JsonArray) array = json_array_new ();

        for (yaml_node_item_t *item = node->data.sequence.items.start;
             item < node->data.sequence.items.top; item++)
          {
            JsonNode *child = yaml_to_json (reader, yaml_document_get_node (reader->document, *item),
                                            depth + 1, error);
            if (child == NULL)
              return NULL;
            json_array_add_element (array, child);
          }
        return conduit_json_node_take_array (g_steal_pointer (&array));
      }

    case YAML_MAPPING_NODE:
      {
        g_autoptr(JsonObject) object = json_object_new ();

        for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
             pair < node->data.mapping.pairs.top; pair++)
          {
            yaml_node_t *key = yaml_document_get_node (reader->document, pair->key);
            const char *name;
            JsonNode *child;

            if (key == NULL || key->type != YAML_SCALAR_NODE)
              {
                g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                             _("%lu: /: a key must be plain text, not a list or a mapping"),
                             key ? (unsigned long)key->start_mark.line + 1
                                 : (unsigned long)node->start_mark.line + 1);
                return NULL;
              }
            name = (const char *)key->data.scalar.value;
            if (strlen (name) != key->data.scalar.length)
              {
                g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                             _("%lu: /: a key contains a NUL character"),
                             (unsigned long)key->start_mark.line + 1);
                return NULL;
              }
            if (json_object_has_member (object, name))
              {
                g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                             _("%lu: /: the key “%s” is given twice"),
                             (unsigned long)key->start_mark.line + 1, name);
                return NULL;
              }
            child = yaml_to_json (reader, yaml_document_get_node (reader->document, pair->value),
                                  depth + 1, error);
            if (child == NULL)
              return NULL;
            json_object_set_member (object, name, child);
          }
        return conduit_json_node_take_object (g_steal_pointer (&object));
      }

    case YAML_NO_NODE:
    default:
      return json_node_init_null (json_node_alloc ());
    }
}

static gboolean
load_yaml (yaml_parser_t    *parser,
           yaml_document_t  *document,
           const char       *text,
           gsize             length,
           GError          **error)
{
  yaml_parser_initialize (parser);
  yaml_parser_set_input_string (parser, (const unsigned char *)text, length);
  if (!yaml_parser_load (parser, document))
    {
      g_autofree char *problem = g_utf8_make_valid (parser->problem ? parser->problem
                                                                    : "unreadable", -1);
      g_autofree char *context = parser->context ? g_utf8_make_valid (parser->context, -1) : NULL;

      /* yaml_parser_load leaves the document unset on failure */
      memset (document, 0, sizeof *document);
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                   _("%lu: /: not valid YAML: %s%s%s"),
                   (unsigned long)parser->problem_mark.line + 1, problem,
                   context ? " " : "", context ? context : "");
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
read_yaml (const char  *text,
           gsize        length,
           GError     **error)
{
  g_auto(yaml_parser_t) parser = { 0 };
  g_auto(yaml_document_t) document = { 0 };
  YamlReader reader = { &document, 0 };
  yaml_node_t *top;

  if (!load_yaml (&parser, &document, text, length, error))
    return NULL;

  top = yaml_document_get_root_node (&document);
  if (top == NULL)
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                   _("1: /: the file is empty"));
      return NULL;
    }
  reader.budget = (guint)MIN ((gsize)(document.nodes.top - document.nodes.start) + MAX_ALIAS_EXPANSION,
                              G_MAXUINT);
  return yaml_to_json (&reader, top, 0, error);
}

/**
 * conduit_openapi_read_text:
 * @text: a description, JSON or YAML
 * @length: its length
 * @is_yaml: (out): whether it was read as YAML
 * @error: a location for a #GError, "LINE: /: message"
 *
 * Returns: (transfer full): the description as JSON, or %NULL
 */
JsonNode *
conduit_openapi_read_text (const char  *text,
                           gsize        length,
                           gboolean    *is_yaml,
                           GError     **error)
{
  const char *end = NULL;
  gsize i = 0;

  if (!g_utf8_validate (text, length, &end))
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                   _("%u: /: the file is not UTF-8 text"), line_of_offset (text, end - text));
      return NULL;
    }

  /* JSON is YAML too, but json-glib's messages and numbers are the better ones for JSON */
  while (i < length && g_ascii_isspace (text[i]))
    i++;
  if (g_str_has_prefix (text + i, "\xef\xbb\xbf"))
    i += 3;
  *is_yaml = !(i < length && (text[i] == '{' || text[i] == '['));
  return *is_yaml ? read_yaml (text, length, error) : read_json (text, length, error);
}

/* Finding a pointer's line again */

static char *
pointer_segment (const char **pointer)
{
  GString *segment = g_string_new (NULL);
  const char *p = *pointer;

  g_assert (*p == '/');
  for (p++; *p && *p != '/'; p++)
    {
      if (p[0] == '~' && p[1] == '1')
        g_string_append_c (segment, '/'), p++;
      else if (p[0] == '~' && p[1] == '0')
        g_string_append_c (segment, '~'), p++;
      else
        g_string_append_c (segment, *p);
    }
  *pointer = p;
  return g_string_free (segment, FALSE);
}

static guint
locate_yaml (const char *text,
             gsize       length,
             const char *pointer)
{
  g_auto(yaml_parser_t) parser = { 0 };
  g_auto(yaml_document_t) document = { 0 };
  yaml_node_t *node;
  guint line;

  if (!load_yaml (&parser, &document, text, length, NULL))
    return 1;
  node = yaml_document_get_root_node (&document);
  if (node == NULL)
    return 1;
  line = node->start_mark.line + 1;

  while (*pointer == '/')
    {
      g_autofree char *segment = pointer_segment (&pointer);
      yaml_node_t *next = NULL;

      if (node->type == YAML_MAPPING_NODE)
        {
          for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
               pair < node->data.mapping.pairs.top && next == NULL; pair++)
            {
              yaml_node_t *key = yaml_document_get_node (&document, pair->key);

              if (key != NULL && key->type == YAML_SCALAR_NODE &&
                  g_str_equal ((const char *)key->data.scalar.value, segment))
                {
                  next = yaml_document_get_node (&document, pair->value);
                  line = key->start_mark.line + 1;
                }
            }
        }
      else if (node->type == YAML_SEQUENCE_NODE)
        {
          guint64 index;

          if (g_ascii_string_to_unsigned (segment, 10, 0, G_MAXINT, &index, NULL) &&
              node->data.sequence.items.start + index < node->data.sequence.items.top)
            {
              next = yaml_document_get_node (&document, node->data.sequence.items.start[index]);
              if (next != NULL)
                line = next->start_mark.line + 1;
            }
        }
      if (next == NULL)
        break;
      node = next;
    }
  return line;
}

/**
 * conduit_openapi_locate:
 * @importer: an import
 * @pointer: a JSON pointer into the description
 *
 * Returns: the line of the value at @pointer, or of the nearest parent that exists
 */
guint
conduit_openapi_locate (ConduitOpenapiImporter *importer,
                        const char             *pointer)
{
  g_autofree char *path = g_strdup (pointer);
  guint line = 0;
  guint column = 0;

  if (importer->is_yaml)
    return locate_yaml (importer->text, importer->length, pointer);

  while (!conduit_json_text_locate (importer->text, importer->length, path, &line, &column))
    {
      char *slash = strrchr (path, '/');

      if (slash == NULL)
        return 1;
      *slash = '\0';
    }
  return MAX (line, 1);
}

/**
 * conduit_openapi_set_error_at:
 *
 * Sets @error to "LINE: POINTER: message", the form `conduit-cli` prints after the file name.
 */
void
conduit_openapi_set_error_at (ConduitOpenapiImporter  *importer,
                              GError                 **error,
                              int                      code,
                              const char              *pointer,
                              const char              *format,
                              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, code, "%u: %s: %s",
               conduit_openapi_locate (importer, pointer), *pointer ? pointer : "/", message);
}
