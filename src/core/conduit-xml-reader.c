/* conduit-xml-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-xml-reader"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libxml/xmlreader.h>
#include <string.h>

#include "conduit-xml-reader.h"

/* The reader walks the document node by node; at an element on the record path it expands
 * that element alone (xmlTextReaderExpand), turns it into a record, and skips past it
 * (xmlTextReaderNext), so libxml2 frees it before the next one. */

/* no NOENT (entity substitution), no DTDLOAD/DTDATTR (external DTDs), no HUGE (libxml2's
 * size and depth limits stay on), no network */
#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT)
#define MAX_DEPTH   256

G_DEFINE_QUARK (conduit-xml-reader-error-quark, conduit_xml_reader_error)

struct _ConduitXmlReader
{
  GInputStream      *stream;
  GStrv              path;         /* the segments of the record path */
  guint              n_path;
  xmlTextReaderPtr   xml;
  GError            *error;        /* the parser's first error */
  GError            *read_error;   /* the stream's */
  GPtrArray         *stack;        /* (element-type utf8) the open elements' names */
  guint64            position;     /* records seen, from 1 */
  guint64            line;
  gboolean           done;
  /* after a record the reader already stands on the next node: not to be read past */
  gboolean           pending;
  int                pending_status;
};

static int
stream_read (void *context,
             char *buffer,
             int   length)
{
  ConduitXmlReader *self = context;
  gssize n = g_input_stream_read (self->stream, buffer, length, NULL,
                                  self->read_error == NULL ? &self->read_error : NULL);

  return n < 0 ? -1 : (int)n;
}

static int
stream_close (void *context)
{
  return 0;
}

static void
on_xml_error (void                    *user_data,
              const char              *message,
              xmlParserSeverities      severity,
              xmlTextReaderLocatorPtr  locator)
{
  ConduitXmlReader *self = user_data;
  g_autofree char *text = NULL;

  if (self->error != NULL ||
      (severity != XML_PARSER_SEVERITY_ERROR && severity != XML_PARSER_SEVERITY_VALIDITY_ERROR))
    return;
  text = g_utf8_make_valid (message, -1);
  g_strchomp (text);
  if (locator != NULL && xmlTextReaderLocatorLineNumber (locator) > 0)
    g_set_error (&self->error, CONDUIT_XML_READER_ERROR, CONDUIT_XML_READER_ERROR_FAILED,
                 _("line %d: %s"), xmlTextReaderLocatorLineNumber (locator), text);
  else
    g_set_error (&self->error, CONDUIT_XML_READER_ERROR, CONDUIT_XML_READER_ERROR_FAILED,
                 _("not read as XML: %s"), text);
}

/**
 * conduit_xml_reader_new:
 * @stream: the document
 * @path: (nullable): the path of the record elements, such as "/orders/order"; a path
 *   without a leading slash ("order") matches the element at any depth, "*" matches any name;
 *   %NULL is "/\*\/\*", the children of the root element
 *
 * Returns: (transfer full): a reader
 */
ConduitXmlReader *
conduit_xml_reader_new (GInputStream *stream,
                        const char   *path)
{
  ConduitXmlReader *self;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  if (path == NULL || *path == '\0')
    path = "/*/*";

  self = g_new0 (ConduitXmlReader, 1);
  self->stream = g_object_ref (stream);
  parts = g_strsplit (path, "/", -1);
  /* a relative path matches at any depth: kept as a single segment after an empty one */
  if (path[0] != '/')
    g_strv_builder_add (builder, "");
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);
  self->path = g_strv_builder_end (builder);
  self->n_path = g_strv_length (self->path);
  self->stack = g_ptr_array_new_with_free_func (g_free);
  self->xml = xmlReaderForIO (stream_read, stream_close, self, NULL, NULL, XML_OPTIONS);
  if (self->xml != NULL)
    xmlTextReaderSetErrorHandler (self->xml, on_xml_error, self);
  return self;
}

void
conduit_xml_reader_free (ConduitXmlReader *self)
{
  if (self == NULL)
    return;
  if (self->xml != NULL)
    xmlFreeTextReader (self->xml);
  g_clear_object (&self->stream);
  g_strfreev (self->path);
  g_clear_pointer (&self->stack, g_ptr_array_unref);
  g_clear_error (&self->error);
  g_clear_error (&self->read_error);
  g_free (self);
}

static gboolean
name_matches (const char       *segment,
              xmlTextReaderPtr  xml)
{
  return g_str_equal (segment, "*") ||
         g_str_equal (segment, (const char *)xmlTextReaderConstLocalName (xml)) ||
         g_str_equal (segment, (const char *)xmlTextReaderConstName (xml));
}

/* Whether the element the reader is on, with the open elements above it, is a record. */
static gboolean
on_record_path (ConduitXmlReader *self)
{
  guint depth = self->stack->len;   /* the elements above this one */

  if (self->n_path == 2 && self->path[0][0] == '\0')
    return name_matches (self->path[1], self->xml);
  if (depth + 1 != self->n_path)
    return FALSE;
  for (guint i = 0; i < depth; i++)
    if (!g_str_equal (self->path[i], "*") &&
        !g_str_equal (self->path[i], g_ptr_array_index (self->stack, i)))
      {
        /* the stack keeps the names as written; a segment may also be a local name */
        const char *written = g_ptr_array_index (self->stack, i);
        const char *colon = strchr (written, ':');

        if (colon == NULL || !g_str_equal (self->path[i], colon + 1))
          return FALSE;
      }
  return name_matches (self->path[depth], self->xml);
}

static char *
qualified_name (xmlNodePtr node)
{
  if (node->ns != NULL && node->ns->prefix != NULL)
    return g_strdup_printf ("%s:%s", node->ns->prefix, node->name);
  return g_strdup ((const char *)node->name);
}

typedef struct
{
  char      *name;
  GPtrArray *values;   /* (element-type ConduitValue) */
} Field;

static void
field_free (gpointer data)
{
  Field *field = data;

  g_free (field->name);
  g_ptr_array_unref (field->values);
  g_free (field);
}

static void
add_field (GPtrArray    *fields,
           GHashTable   *by_name,
           char         *name,
           ConduitValue *value)
{
  Field *field = g_hash_table_lookup (by_name, name);

  if (field == NULL)
    {
      field = g_new0 (Field, 1);
      field->name = name;
      field->values = g_ptr_array_new ();
      g_ptr_array_add (fields, field);
      g_hash_table_insert (by_name, field->name, field);
    }
  else
    g_free (name);
  g_ptr_array_add (field->values, value);
}

static const char *
arena_strdup (ConduitArena *arena,
              const char   *text,
              guint        *length)
{
  gsize n = strlen (text);
  char *copy = conduit_arena_alloc (arena, n + 1);

  memcpy (copy, text, n + 1);
  *length = n;
  return copy;
}

/* An element as a value: its text, or an object of its attributes and children. */
static ConduitValue *
element_value (xmlNodePtr     element,
               ConduitArena  *arena,
               guint          depth,
               GError       **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (field_free);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) text = g_string_new (NULL);
  ConduitValue *object;

  if (depth > MAX_DEPTH)
    {
      g_set_error (error, CONDUIT_XML_READER_ERROR, CONDUIT_XML_READER_ERROR_RECORD,
                   _("line %ld: elements are nested more than %d deep"),
                   (long)xmlGetLineNo (element), MAX_DEPTH);
      return NULL;
    }

  for (xmlAttrPtr attribute = element->properties; attribute != NULL; attribute = attribute->next)
    {
      xmlChar *value = xmlNodeListGetString (element->doc, attribute->children, 0);

      add_field (fields, by_name, qualified_name ((xmlNodePtr)attribute),
                 conduit_value_new_string (arena, value != NULL ? (const char *)value : "",
                                           value != NULL ? strlen ((const char *)value) : 0));
      xmlFree (value);
    }

  for (xmlNodePtr child = element->children; child != NULL; child = child->next)
    switch (child->type)
      {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        g_string_append (text, (const char *)child->content);
        break;

      case XML_ELEMENT_NODE:
        {
          ConduitValue *value = element_value (child, arena, depth + 1, error);

          if (value == NULL)
            return NULL;
          add_field (fields, by_name, qualified_name (child), value);
        }
        break;

      case XML_ENTITY_REF_NODE:
        /* never expanded: an entity's text may be a file (XXE) or grow without bound */
        g_set_error (error, CONDUIT_XML_READER_ERROR, CONDUIT_XML_READER_ERROR_RECORD,
                     _("line %ld: the element “%s” uses the entity &%s;, which Conduit does "
                       "not expand"), (long)xmlGetLineNo (child), element->name, child->name);
        return NULL;

      default:
        break;   /* comments, processing instructions */
      }

  if (fields->len == 0 && depth > 0)
    return conduit_value_new_string (arena, text->str, text->len);

  /* text between child elements is only layout; text beside attributes is the value */
  g_strstrip (text->str);
  g_string_set_size (text, strlen (text->str));
  if (text->len > 0)
    add_field (fields, by_name, g_strdup ("#text"),
               conduit_value_new_string (arena, text->str, text->len));

  object = conduit_arena_alloc (arena, sizeof (ConduitValue));
  object->kind = CONDUIT_VALUE_OBJECT;
  object->len = fields->len;
  object->members = conduit_arena_alloc (arena, sizeof (ConduitMember) * MAX (fields->len, 1));
  for (guint i = 0; i < fields->len; i++)
    {
      Field *field = g_ptr_array_index (fields, i);
      ConduitMember *member = &object->members[i];

      member->key = arena_strdup (arena, field->name, &member->key_len);
      if (field->values->len == 1)
        member->value = g_ptr_array_index (field->values, 0);
      else
        {
          ConduitValue *list = conduit_arena_alloc (arena, sizeof (ConduitValue));

          list->kind = CONDUIT_VALUE_ARRAY;
          list->len = field->values->len;
          list->items = conduit_arena_alloc (arena, sizeof (ConduitValue *) * list->len);
          memcpy (list->items, field->values->pdata, sizeof (ConduitValue *) * list->len);
          member->value = list;
        }
    }
  return object;
}

static gboolean
fail (ConduitXmlReader  *self,
      GError           **error)
{
  self->done = TRUE;
  if (self->read_error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->read_error));
  else if (self->error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->error));
  else
    g_set_error (error, CONDUIT_XML_READER_ERROR, CONDUIT_XML_READER_ERROR_FAILED,
                 _("the document is not valid XML"));
  return FALSE;
}

/**
 * conduit_xml_reader_next:
 * @self: a reader
 * @arena: where the record is made
 * @record: (out): the next record
 * @error: %CONDUIT_XML_READER_ERROR_RECORD for a record that cannot be read (call again for
 *   the next), other errors end the document
 *
 * Returns: whether a record was read; %FALSE at the end or with @error
 */
gboolean
conduit_xml_reader_next (ConduitXmlReader  *self,
                         ConduitArena      *arena,
                         ConduitValue     **record,
                         GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->done)
    return FALSE;
  if (self->xml == NULL)
    return fail (self, error);

  for (;;)
    {
      int status;
      int type;

      if (self->pending)
        {
          self->pending = FALSE;
          status = self->pending_status;
        }
      else
        status = xmlTextReaderRead (self->xml);

      if (status == 0)
        {
          self->done = TRUE;
          if (self->error != NULL)
            return fail (self, error);
          return FALSE;
        }
      if (status < 0 || self->error != NULL)
        return fail (self, error);

      type = xmlTextReaderNodeType (self->xml);
      if (type == XML_READER_TYPE_END_ELEMENT)
        {
          if (self->stack->len > 0)
            g_ptr_array_remove_index (self->stack, self->stack->len - 1);
          continue;
        }
      if (type != XML_READER_TYPE_ELEMENT)
        continue;

      if (on_record_path (self))
        {
          xmlNodePtr node = xmlTextReaderExpand (self->xml);

          if (node == NULL)
            return fail (self, error);
          self->position++;
          self->line = xmlGetLineNo (node);
          *record = element_value (node, arena, 0, error);
          /* past the record's end, so that its subtree is freed; the node it stops on is
           * looked at by the next call */
          self->pending_status = xmlTextReaderNext (self->xml);
          self->pending = TRUE;
          return *record != NULL;
        }

      if (!xmlTextReaderIsEmptyElement (self->xml))
        g_ptr_array_add (self->stack, g_strdup ((const char *)xmlTextReaderConstName (self->xml)));
    }
}

guint64
conduit_xml_reader_get_position (ConduitXmlReader *self)
{
  return self->position;
}

guint64
conduit_xml_reader_get_line (ConduitXmlReader *self)
{
  return self->line;
}
