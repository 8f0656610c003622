/* conduit-record-writer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-record-writer"

#include "config.h"

#include <csv.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <unistd.h>
#include <string.h>
#include <libxml/xmlwriter.h>
#include <xlsxwriter.h>

#include "conduit-json-writer.h"
#include "conduit-record-writer.h"
#include "conduit-template.h"

/* Output is gathered in a buffer and handed to the stream in large writes; a record is never
 * held longer than until the buffer passes FLUSH_SIZE. */
#define FLUSH_SIZE (64 * 1024)

struct _ConduitRecordWriter
{
  GObject              parent_instance;

  GOutputStream       *stream;
  ConduitRecordFormat  format;
  char                 csv_delimiter;
  GStrv                columns;
  GHashTable          *column_set;   /* (element-type utf8) the names in columns */
  GString             *buffer;
  guint64              n_records;
  gboolean             started;
  gboolean             finished;

  /* XLSX: libxlsxwriter writes a file, in constant memory mode (a row at a time to a
   * temporary file); it is copied to the stream at the end */
  char                *xlsx_path;
  lxw_workbook        *workbook;
  lxw_worksheet       *worksheet;
  guint32              xlsx_row;

  /* XML: the elements of the record path, from the root to the record's */
  GStrv                xml_path;
  xmlBufferPtr         xml_buffer;
  xmlTextWriterPtr     xml;
  /* a template element: its attribute values and texts are templates ({{field}}) */
  xmlDocPtr            xml_template;
  GHashTable          *xml_templates;   /* xmlNode or xmlAttr → ConduitTemplate */
};

G_DEFINE_FINAL_TYPE (ConduitRecordWriter, conduit_record_writer, G_TYPE_OBJECT)

G_DEFINE_QUARK (conduit-record-writer-error-quark, conduit_record_writer_error)

static void
conduit_record_writer_finalize (GObject *object)
{
  ConduitRecordWriter *self = (ConduitRecordWriter *)object;

  g_clear_object (&self->stream);
  g_strfreev (self->columns);
  g_clear_pointer (&self->column_set, g_hash_table_unref);
  g_string_free (self->buffer, TRUE);
  if (self->workbook != NULL)
    lxw_workbook_free (self->workbook);
  if (self->xlsx_path != NULL)
    g_unlink (self->xlsx_path);
  g_free (self->xlsx_path);
  g_strfreev (self->xml_path);
  if (self->xml != NULL)
    xmlFreeTextWriter (self->xml);
  if (self->xml_buffer != NULL)
    xmlBufferFree (self->xml_buffer);
  g_clear_pointer (&self->xml_templates, g_hash_table_unref);
  if (self->xml_template != NULL)
    xmlFreeDoc (self->xml_template);

  G_OBJECT_CLASS (conduit_record_writer_parent_class)->finalize (object);
}

static void
conduit_record_writer_class_init (ConduitRecordWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_record_writer_finalize;
}

static void
conduit_record_writer_init (ConduitRecordWriter *self)
{
  self->buffer = g_string_sized_new (FLUSH_SIZE + 4096);
  self->csv_delimiter = ',';
}

/**
 * conduit_record_writer_new:
 * @stream: the output; the writer does not close it
 * @format: NDJSON, JSON, CSV or XLSX (%CONDUIT_RECORD_FORMAT_AUTO writes CSV)
 *
 * Returns: (transfer full): a writer
 */
ConduitRecordWriter *
conduit_record_writer_new (GOutputStream       *stream,
                           ConduitRecordFormat  format)
{
  ConduitRecordWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  self = g_object_new (CONDUIT_TYPE_RECORD_WRITER, NULL);
  self->stream = g_object_ref (stream);
  self->format = format == CONDUIT_RECORD_FORMAT_AUTO ? CONDUIT_RECORD_FORMAT_CSV : format;
  return self;
}

/**
 * conduit_record_writer_set_columns:
 * @self: a writer
 * @columns: (array zero-terminated=1): the CSV header, in order
 *
 * Without columns, a CSV file's or sheet's columns are the fields of the first record. Call
 * before the first record.
 */
void
conduit_record_writer_set_columns (ConduitRecordWriter *self,
                                   const char * const  *columns)
{
  g_return_if_fail (CONDUIT_IS_RECORD_WRITER (self));
  g_return_if_fail (!self->started);

  g_strfreev (self->columns);
  g_clear_pointer (&self->column_set, g_hash_table_unref);
  self->columns = g_strdupv ((char **)columns);
  self->column_set = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; self->columns[i] != NULL; i++)
    g_hash_table_add (self->column_set, self->columns[i]);
}

/**
 * conduit_record_writer_set_xml_path:
 * @self: a writer
 * @path: the path of the record elements, such as "/orders/order": the record elements
 *   inside the elements before them (the default is "/records/record")
 *
 * Call before the first record.
 */
void
conduit_record_writer_set_xml_path (ConduitRecordWriter *self,
                                    const char          *path)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  g_return_if_fail (CONDUIT_IS_RECORD_WRITER (self));
  g_return_if_fail (!self->started);

  parts = g_strsplit (path != NULL ? path : "", "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);
  g_strfreev (self->xml_path);
  self->xml_path = g_strv_builder_end (builder);
  if (g_strv_length (self->xml_path) < 2)
    {
      g_strfreev (self->xml_path);
      self->xml_path = NULL;
    }
}

/**
 * conduit_record_writer_set_csv_delimiter:
 * @self: a writer
 * @delimiter: ',' (the default), ';', '\t' or '|'
 */
void
conduit_record_writer_set_csv_delimiter (ConduitRecordWriter *self,
                                         char                 delimiter)
{
  g_return_if_fail (CONDUIT_IS_RECORD_WRITER (self));
  g_return_if_fail (delimiter != '\0' && delimiter != '"' && delimiter != '\n');
  self->csv_delimiter = delimiter;
}

static gboolean
flush (ConduitRecordWriter  *self,
       gboolean              always,
       GError              **error)
{
  g_autoptr(GError) local_error = NULL;

  if (self->buffer->len == 0 || (!always && self->buffer->len < FLUSH_SIZE))
    return TRUE;
  if (!g_output_stream_write_all (self->stream, self->buffer->str, self->buffer->len, NULL, NULL,
                                  &local_error))
    {
      g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_FAILED,
                   _("cannot write: %s"), local_error->message);
      return FALSE;
    }
  g_string_truncate (self->buffer, 0);
  return TRUE;
}

/* A field is quoted when a reader could take it otherwise: it holds the delimiter, a quote or
 * a line break, or starts or ends with a space (header names are trimmed when read). The
 * quoting itself is libcsv's, the same library that reads the files back. */
static void
append_csv_field (ConduitRecordWriter *self,
                  const char          *text,
                  gsize                length)
{
  gboolean quote = length > 0 && (g_ascii_isspace (text[0]) || g_ascii_isspace (text[length - 1]));
  gsize needed;

  for (gsize i = 0; i < length && !quote; i++)
    quote = text[i] == self->csv_delimiter || text[i] == '"' || text[i] == '\r' ||
            text[i] == '\n';
  if (!quote)
    {
      g_string_append_len (self->buffer, text, length);
      return;
    }

  /* at most every byte doubled, plus the two quotes */
  needed = length * 2 + 2;
  {
    gsize old_len = self->buffer->len;

    g_string_set_size (self->buffer, old_len + needed);
    needed = csv_write (self->buffer->str + old_len, needed, text, length);
    g_string_set_size (self->buffer, old_len + needed);
  }
}

static void
append_csv_line (ConduitRecordWriter *self,
                 const char * const  *fields,
                 const gsize         *lengths,
                 guint                n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (self->buffer, self->csv_delimiter);
      append_csv_field (self, fields[i], lengths != NULL ? lengths[i] : strlen (fields[i]));
    }
  g_string_append (self->buffer, "\r\n");
}

static void
start (ConduitRecordWriter *self)
{
  if (self->started)
    return;
  self->started = TRUE;

  if (self->format == CONDUIT_RECORD_FORMAT_JSON)
    g_string_append_c (self->buffer, '[');
  else if (self->format == CONDUIT_RECORD_FORMAT_CSV && self->columns != NULL &&
           self->columns[0] != NULL)
    append_csv_line (self, (const char * const *)self->columns, NULL,
                     g_strv_length (self->columns));
}

/* A text is written as it is; a number, true/false or nested value as its JSON. */
static char *
value_to_text (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  return conduit_json_writer_to_string (value, NULL);
}

/* The columns, from the first record when none were set; a field without a column would be
 * lost, so its record is refused instead. */
static gboolean
ensure_columns (ConduitRecordWriter  *self,
                JsonObject           *object,
                GError              **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (self->columns == NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) columns = NULL;

      json_object_iter_init_ordered (&iter, object);
      while (json_object_iter_next_ordered (&iter, &name, &value))
        g_strv_builder_add (builder, name);
      columns = g_strv_builder_end (builder);
      conduit_record_writer_set_columns (self, (const char * const *)columns);
    }

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    if (!g_hash_table_contains (self->column_set, name))
      {
        g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_RECORD,
                     _("record %" PRIu64 ": the field “%s” is not a column of the "
                       "file"), self->n_records + 1, name);
        return FALSE;
      }
  return TRUE;
}

static gboolean
write_csv_record (ConduitRecordWriter  *self,
                  JsonObject           *object,
                  GError              **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  if (!ensure_columns (self, object, error))
    return FALSE;
  start (self);
  for (guint i = 0; self->columns[i] != NULL; i++)
    g_ptr_array_add (texts, value_to_text (json_object_get_member (object, self->columns[i])));
  append_csv_line (self, (const char * const *)texts->pdata, NULL, texts->len);
  return TRUE;
}

/* ---- XLSX ---------------------------------------------------------------------------- */

static gboolean
xlsx_failed (lxw_error    status,
             guint64      record,
             GError     **error)
{
  if (status == LXW_NO_ERROR)
    return FALSE;
  g_set_error (error, CONDUIT_RECORD_WRITER_ERROR,
               status == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED ? CONDUIT_RECORD_WRITER_ERROR_RECORD
                                                              : CONDUIT_RECORD_WRITER_ERROR_FAILED,
               _("record %" PRIu64 ": the workbook cannot take it: %s"), record,
               lxw_strerror (status));
  return TRUE;
}

static gboolean
xlsx_start (ConduitRecordWriter  *self,
            GError              **error)
{
  g_autofree char *folder = NULL;
  lxw_workbook_options options = { .constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE };
  int fd;

  fd = g_file_open_tmp ("conduit-XXXXXX.xlsx", &self->xlsx_path, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  folder = g_path_get_dirname (self->xlsx_path);
  options.tmpdir = folder;
  self->workbook = workbook_new_opt (self->xlsx_path, &options);
  if (self->workbook != NULL)
    self->worksheet = workbook_add_worksheet (self->workbook, NULL);
  if (self->worksheet == NULL)
    {
      g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_FAILED,
                   _("cannot start a workbook in %s"), folder);
      return FALSE;
    }
  for (guint i = 0; self->columns[i] != NULL; i++)
    if (xlsx_failed (worksheet_write_string (self->worksheet, 0, i, self->columns[i], NULL), 0,
                     error))
      return FALSE;
  self->xlsx_row = 1;
  return TRUE;
}

/* A text stays text (a date in it too: guessing would change it), a number is a number, true
 * and false are booleans, null is an empty cell, a list or object is its JSON text. */
static lxw_error
xlsx_write_value (ConduitRecordWriter *self,
                  guint                column,
                  JsonNode            *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return LXW_NO_ERROR;
  if (JSON_NODE_HOLDS_VALUE (value))
    switch (json_node_get_value_type (value))
      {
      case G_TYPE_STRING:
        if (*json_node_get_string (value) == '\0')
          return LXW_NO_ERROR;
        return worksheet_write_string (self->worksheet, self->xlsx_row, column,
                                       json_node_get_string (value), NULL);
      case G_TYPE_INT64:
        return worksheet_write_number (self->worksheet, self->xlsx_row, column,
                                       (double)json_node_get_int (value), NULL);
      case G_TYPE_DOUBLE:
        return worksheet_write_number (self->worksheet, self->xlsx_row, column,
                                       json_node_get_double (value), NULL);
      case G_TYPE_BOOLEAN:
        return worksheet_write_boolean (self->worksheet, self->xlsx_row, column,
                                        json_node_get_boolean (value), NULL);
      default:
        break;
      }
  {
    g_autofree char *text = conduit_json_writer_to_string (value, NULL);

    return worksheet_write_string (self->worksheet, self->xlsx_row, column, text, NULL);
  }
}

static gboolean
write_xlsx_record (ConduitRecordWriter  *self,
                   JsonObject           *object,
                   GError              **error)
{
  if (!ensure_columns (self, object, error))
    return FALSE;
  if (self->workbook == NULL && !xlsx_start (self, error))
    return FALSE;
  self->started = TRUE;
  if (self->xlsx_row >= LXW_ROW_MAX)
    {
      g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_FAILED,
                   _("record %" PRIu64 ": a sheet holds at most %d rows"),
                   self->n_records + 1, LXW_ROW_MAX);
      return FALSE;
    }
  /* checked before any cell is written, so that a refused record leaves no half row */
  for (guint i = 0; self->columns[i] != NULL; i++)
    {
      JsonNode *value = json_object_get_member (object, self->columns[i]);

      if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING &&
          g_utf8_strlen (json_node_get_string (value), -1) > 32767)
        {
          g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_RECORD,
                       _("record %" PRIu64 ": the field “%s” is longer than the "
                         "32,767 characters a cell holds"), self->n_records + 1, self->columns[i]);
          return FALSE;
        }
    }
  for (guint i = 0; self->columns[i] != NULL; i++)
    if (xlsx_failed (xlsx_write_value (self, i, json_object_get_member (object, self->columns[i])),
                     self->n_records + 1, error))
      return FALSE;
  self->xlsx_row++;
  return TRUE;
}

static gboolean
xlsx_finish (ConduitRecordWriter  *self,
             GError              **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  lxw_error status;

  if (self->workbook == NULL)
    {
      if (self->columns == NULL)
        conduit_record_writer_set_columns (self, (const char * const[]) { NULL });
      if (!xlsx_start (self, error))
        return FALSE;
    }
  status = workbook_close (self->workbook);
  self->workbook = NULL;
  if (status != LXW_NO_ERROR)
    {
      g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_FAILED,
                   _("cannot write the workbook: %s"), lxw_strerror (status));
      return FALSE;
    }
  file = g_file_new_for_path (self->xlsx_path);
  input = g_file_read (file, NULL, error);
  if (input == NULL ||
      g_output_stream_splice (self->stream, G_INPUT_STREAM (input), G_OUTPUT_STREAM_SPLICE_NONE,
                              NULL, error) < 0)
    return FALSE;
  return TRUE;
}

/* ---- XML ----------------------------------------------------------------------------- */

static gboolean
xml_name_ok (const char *name)
{
  return xmlValidateNCName ((const xmlChar *)name, 0) == 0;
}

static void
xml_take_output (ConduitRecordWriter *self)
{
  xmlTextWriterFlush (self->xml);
  g_string_append_len (self->buffer, (const char *)xmlBufferContent (self->xml_buffer),
                       xmlBufferLength (self->xml_buffer));
  xmlBufferEmpty (self->xml_buffer);
}

static gboolean
xml_start (ConduitRecordWriter  *self,
           GError              **error)
{
  if (self->xml_path == NULL)
    conduit_record_writer_set_xml_path (self, "/records/record");
  for (guint i = 0; self->xml_path[i] != NULL; i++)
    if (!xml_name_ok (self->xml_path[i]))
      {
        g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_FAILED,
                     _("“%s” in the record path cannot be an XML element name"),
                     self->xml_path[i]);
        return FALSE;
      }
  self->xml_buffer = xmlBufferCreate ();
  self->xml = xmlNewTextWriterMemory (self->xml_buffer, 0);
  xmlTextWriterSetIndent (self->xml, 1);
  xmlTextWriterSetIndentString (self->xml, (const xmlChar *)"  ");
  xmlTextWriterStartDocument (self->xml, NULL, "UTF-8", NULL);
  for (guint i = 0; self->xml_path[i + 1] != NULL; i++)
    xmlTextWriterStartElement (self->xml, (const xmlChar *)self->xml_path[i]);
  self->started = TRUE;
  return TRUE;
}

static gboolean
compile_templates (ConduitRecordWriter  *self,
                   xmlNodePtr            element,
                   GError              **error)
{
  for (xmlAttrPtr attribute = element->properties; attribute != NULL; attribute = attribute->next)
    {
      xmlChar *value = xmlNodeListGetString (element->doc, attribute->children, 0);
      ConduitTemplate *template = conduit_template_new (value != NULL ? (const char *)value : "",
                                                        error);

      xmlFree (value);
      if (template == NULL)
        return FALSE;
      g_hash_table_insert (self->xml_templates, attribute, template);
    }
  for (xmlNodePtr child = element->children; child != NULL; child = child->next)
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE)
      {
        ConduitTemplate *template = conduit_template_new ((const char *)child->content, error);

        if (template == NULL)
          return FALSE;
        g_hash_table_insert (self->xml_templates, child, template);
      }
    else if (child->type == XML_ELEMENT_NODE && !compile_templates (self, child, error))
      return FALSE;
    else if (child->type == XML_ENTITY_REF_NODE)
      {
        g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_FAILED,
                     _("the XML template uses the entity &%s;, which Conduit does not expand"),
                     child->name);
        return FALSE;
      }
  return TRUE;
}

/**
 * conduit_record_writer_set_xml_template:
 * @self: a writer
 * @template_xml: one element, such as `<order id="{{id}}"><customer>{{name}}</customer></order>`:
 *   each record is written as this element, its attribute values and texts rendered as
 *   templates with the record (and XML-escaped); it replaces the record path's last element
 * @error: return location for an error
 *
 * Returns: whether @template_xml is one well-formed element whose templates compile
 */
gboolean
conduit_record_writer_set_xml_template (ConduitRecordWriter  *self,
                                        const char           *template_xml,
                                        GError              **error)
{
  xmlDocPtr doc;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CONDUIT_IS_RECORD_WRITER (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  /* no entities, no DTD, no network: the template is text from a flow file */
  doc = xmlReadMemory (template_xml, strlen (template_xml), NULL, "UTF-8",
                       XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                       XML_PARSE_NOWARNING);
  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_FAILED,
                   _("the XML template is not one well-formed element"));
      return FALSE;
    }
  if (self->xml_template != NULL)
    xmlFreeDoc (self->xml_template);
  g_clear_pointer (&self->xml_templates, g_hash_table_unref);
  self->xml_template = doc;
  self->xml_templates = g_hash_table_new_full (NULL, NULL, NULL,
                                               (GDestroyNotify)conduit_template_unref);
  if (!compile_templates (self, xmlDocGetRootElement (doc), &local_error))
    {
      g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_FAILED,
                   _("the XML template: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Writes @element of the template for @record into @writer; FALSE when a template cannot be
 * rendered. */
static gboolean
write_template_element (ConduitRecordWriter  *self,
                        xmlTextWriterPtr      writer,
                        xmlNodePtr            element,
                        JsonNode             *record,
                        GError              **error)
{
  g_autofree char *name = element->ns != NULL && element->ns->prefix != NULL
    ? g_strdup_printf ("%s:%s", element->ns->prefix, element->name)
    : g_strdup ((const char *)element->name);

  xmlTextWriterStartElement (writer, (const xmlChar *)name);
  for (xmlNsPtr ns = element->nsDef; ns != NULL; ns = ns->next)
    {
      g_autofree char *attribute = ns->prefix != NULL ? g_strdup_printf ("xmlns:%s", ns->prefix)
                                                      : g_strdup ("xmlns");

      xmlTextWriterWriteAttribute (writer, (const xmlChar *)attribute, ns->href);
    }
  for (xmlAttrPtr attribute = element->properties; attribute != NULL; attribute = attribute->next)
    {
      g_autofree char *value = conduit_template_render (g_hash_table_lookup (self->xml_templates,
                                                                             attribute),
                                                        record, error);
      g_autofree char *attribute_name = attribute->ns != NULL && attribute->ns->prefix != NULL
        ? g_strdup_printf ("%s:%s", attribute->ns->prefix, attribute->name)
        : g_strdup ((const char *)attribute->name);

      if (value == NULL)
        return FALSE;
      xmlTextWriterWriteAttribute (writer, (const xmlChar *)attribute_name, (const xmlChar *)value);
    }
  for (xmlNodePtr child = element->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE)
      {
        if (!write_template_element (self, writer, child, record, error))
          return FALSE;
      }
    else if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE)
      {
        g_autofree char *text = conduit_template_render (g_hash_table_lookup (self->xml_templates,
                                                                              child),
                                                         record, error);

        if (text == NULL)
          return FALSE;
        xmlTextWriterWriteString (writer, (const xmlChar *)text);
      }
  xmlTextWriterEndElement (writer);
  return TRUE;
}

/* The record made from the template, in a buffer of its own, so that a record whose template
 * cannot be rendered leaves nothing half-written. */
static gboolean
write_xml_template_record (ConduitRecordWriter  *self,
                           JsonNode             *record,
                           GError              **error)
{
  xmlBufferPtr buffer = xmlBufferCreate ();
  xmlTextWriterPtr writer = xmlNewTextWriterMemory (buffer, 0);
  g_autoptr(GError) local_error = NULL;
  gboolean ok = write_template_element (self, writer, xmlDocGetRootElement (self->xml_template),
                                        record, &local_error);

  xmlFreeTextWriter (writer);   /* flushes into buffer */
  if (ok)
    {
      xmlTextWriterWriteRaw (self->xml, (const xmlChar *)"\n  ");
      xmlTextWriterWriteRawLen (self->xml, xmlBufferContent (buffer), xmlBufferLength (buffer));
      xml_take_output (self);
    }
  else
    g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_RECORD,
                 _("record %" PRIu64 ": %s"), self->n_records + 1, local_error->message);
  xmlBufferFree (buffer);
  return ok;
}

/* Checks a value's names before anything of the record is written. */
static gboolean
xml_check (JsonNode    *value,
           const char **bad)
{
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!xml_check (json_array_get_element (array, i), bad))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, json_node_get_object (value));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        if ((!g_str_equal (name, "#text") && !xml_name_ok (name)) || !xml_check (member, bad))
          {
            if (*bad == NULL)
              *bad = name;
            return FALSE;
          }
    }
  return TRUE;
}

/* An object's members become child elements (a list, one element per item; "#text", the
 * element's text), a text or number the element's text, null an empty element. */
static void
xml_write_content (ConduitRecordWriter *self,
                   JsonNode            *value)
{
  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, json_node_get_object (value));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          if (g_str_equal (name, "#text"))
            {
              xml_write_content (self, member);
              continue;
            }
          if (JSON_NODE_HOLDS_ARRAY (member))
            {
              JsonArray *array = json_node_get_array (member);

              for (guint i = 0; i < json_array_get_length (array); i++)
                {
                  xmlTextWriterStartElement (self->xml, (const xmlChar *)name);
                  xml_write_content (self, json_array_get_element (array, i));
                  xmlTextWriterEndElement (self->xml);
                }
              continue;
            }
          xmlTextWriterStartElement (self->xml, (const xmlChar *)name);
          xml_write_content (self, member);
          xmlTextWriterEndElement (self->xml);
        }
    }
  else if (!JSON_NODE_HOLDS_NULL (value))
    {
      g_autofree char *text = value_to_text (value);

      xmlTextWriterWriteString (self->xml, (const xmlChar *)text);
    }
}

static gboolean
write_xml_record (ConduitRecordWriter  *self,
                  JsonNode             *record,
                  GError              **error)
{
  const char *bad = NULL;
  guint depth = 0;

  if (self->xml_template != NULL)
    return (self->xml != NULL || xml_start (self, error)) &&
           write_xml_template_record (self, record, error);

  if (!xml_check (record, &bad))
    {
      g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_RECORD,
                   _("record %" PRIu64 ": the field “%s” cannot be an XML element name"),
                   self->n_records + 1, bad);
      return FALSE;
    }
  if (self->xml == NULL && !xml_start (self, error))
    return FALSE;
  depth = g_strv_length (self->xml_path);
  xmlTextWriterStartElement (self->xml, (const xmlChar *)self->xml_path[depth - 1]);
  xml_write_content (self, record);
  xmlTextWriterEndElement (self->xml);
  xml_take_output (self);
  return TRUE;
}

/**
 * conduit_record_writer_write:
 * @self: a writer
 * @record: a JSON object
 * @error: %CONDUIT_RECORD_WRITER_ERROR_RECORD when this record cannot be written (a CSV field
 *   that is not a column; nothing of it is written), other errors end the output
 *
 * Returns: whether the record was written
 */
gboolean
conduit_record_writer_write (ConduitRecordWriter  *self,
                             JsonNode             *record,
                             GError              **error)
{
  g_return_val_if_fail (CONDUIT_IS_RECORD_WRITER (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (record))
    {
      g_set_error (error, CONDUIT_RECORD_WRITER_ERROR, CONDUIT_RECORD_WRITER_ERROR_RECORD,
                   _("record %" PRIu64 " is not an object"), self->n_records + 1);
      return FALSE;
    }

  switch (self->format)
    {
    case CONDUIT_RECORD_FORMAT_CSV:
      if (!write_csv_record (self, json_node_get_object (record), error))
        return FALSE;
      break;

    case CONDUIT_RECORD_FORMAT_XML:
      if (!write_xml_record (self, record, error))
        return FALSE;
      break;

    case CONDUIT_RECORD_FORMAT_XLSX:
      if (!write_xlsx_record (self, json_node_get_object (record), error))
        return FALSE;
      break;

    case CONDUIT_RECORD_FORMAT_JSON:
      start (self);
      g_string_append (self->buffer, self->n_records > 0 ? ",\n  " : "\n  ");
      conduit_json_writer_append (self->buffer, record);
      break;

    case CONDUIT_RECORD_FORMAT_NDJSON:
    case CONDUIT_RECORD_FORMAT_AUTO:
    default:
      start (self);
      conduit_json_writer_append (self->buffer, record);
      g_string_append_c (self->buffer, '\n');
      break;
    }

  self->n_records++;
  return flush (self, FALSE, error);
}

/**
 * conduit_record_writer_write_row:
 * @self: a CSV writer
 * @fields: (array length=n_fields): the texts of a row, in the order of the columns
 * @n_fields: how many; it must be the number of columns
 * @error: return location for an error
 *
 * Writes a row of texts, for a table that is not made of records (the history's run list).
 * A %NULL field is written empty.
 *
 * Returns: whether the row was written
 */
gboolean
conduit_record_writer_write_row (ConduitRecordWriter  *self,
                                 const char * const   *fields,
                                 guint                 n_fields,
                                 GError              **error)
{
  g_autofree const char **texts = NULL;

  g_return_val_if_fail (CONDUIT_IS_RECORD_WRITER (self), FALSE);
  g_return_val_if_fail (self->format == CONDUIT_RECORD_FORMAT_CSV, FALSE);
  g_return_val_if_fail (self->columns != NULL, FALSE);
  g_return_val_if_fail (n_fields == g_strv_length (self->columns), FALSE);

  texts = g_new0 (const char *, MAX (n_fields, 1));
  for (guint i = 0; i < n_fields; i++)
    texts[i] = fields[i] != NULL ? fields[i] : "";
  start (self);
  append_csv_line (self, texts, NULL, n_fields);
  self->n_records++;
  return flush (self, FALSE, error);
}

/**
 * conduit_record_writer_finish:
 * @self: a writer
 * @error: return location for an error
 *
 * Ends the output (a JSON array's closing bracket, a CSV header when no record came) and writes
 * what is buffered. The stream stays open.
 *
 * Returns: whether everything was written
 */
gboolean
conduit_record_writer_finish (ConduitRecordWriter  *self,
                              GError              **error)
{
  g_return_val_if_fail (CONDUIT_IS_RECORD_WRITER (self), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (self->format == CONDUIT_RECORD_FORMAT_XLSX)
    {
      self->finished = TRUE;
      return xlsx_finish (self, error) && g_output_stream_flush (self->stream, NULL, error);
    }
  if (self->format == CONDUIT_RECORD_FORMAT_XML)
    {
      if (self->xml == NULL && !xml_start (self, error))
        return FALSE;
      xmlTextWriterEndDocument (self->xml);
      xml_take_output (self);
    }
  start (self);
  if (self->format == CONDUIT_RECORD_FORMAT_JSON)
    g_string_append (self->buffer, self->n_records > 0 ? "\n]\n" : "]\n");
  self->finished = TRUE;
  return flush (self, TRUE, error) &&
         g_output_stream_flush (self->stream, NULL, error);
}

/**
 * conduit_record_columns_of:
 * @records: (element-type JsonNode): records (JSON objects)
 *
 * Returns: (transfer full): every field name of @records, in the order first seen: the
 *   columns of a CSV file that loses none of their fields
 */
GStrv
conduit_record_columns_of (GPtrArray *records)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < records->len; i++)
    {
      JsonNode *record = g_ptr_array_index (records, i);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (record))
        continue;
      json_object_iter_init_ordered (&iter, json_node_get_object (record));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        if (g_hash_table_add (seen, (char *)name))
          g_strv_builder_add (builder, name);
    }
  return g_strv_builder_end (builder);
}
