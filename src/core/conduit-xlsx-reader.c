/* conduit-xlsx-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-xlsx-reader"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <libxml/xmlreader.h>
#include <math.h>
#include <string.h>
#include <zip.h>

#include "conduit-xlsx-reader.h"

/* A workbook is a zip of XML parts (ECMA-376 part 1): _rels/.rels names the workbook part,
 * whose relationships name the sheets, the shared strings and the styles. A cell holds a
 * number, an index into the shared strings (t="s"), an inline string (t="inlineStr"), a
 * formula's cached text (t="str"), a boolean (t="b") or an error (t="e"); a number is a date
 * when its style's number format is one (a serial day count since 1899-12-30, or 1904-01-01
 * in a workbook marked date1904).
 *
 * Nothing here trusts the sizes a zip declares: every part is counted while it inflates, and
 * one that grows past MAX_PART_SIZE, or past MAX_RATIO times the bytes it takes in the
 * archive (once past RATIO_FLOOR), is refused as a zip bomb. The XML parser never loads a DTD,
 * never substitutes external entities and never touches the network. */

#define MAX_PART_SIZE  (G_GUINT64_CONSTANT (4) * 1024 * 1024 * 1024)
#define MAX_RATIO      200
#define RATIO_FLOOR    (8 * 1024 * 1024)
/* shared strings and styles are held in memory: their share of the limits */
#define MAX_HELD_PART  (512 * 1024 * 1024)
#define MAX_COLUMNS    16384          /* XFD, Excel's last column */
#define XML_OPTIONS    (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT)

#define REL_NS        "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL_NS_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships"

G_DEFINE_QUARK (conduit-xlsx-reader-error-quark, conduit_xlsx_reader_error)

typedef struct
{
  GInputStream *stream;
  guint64       size;
  guint64       offset;
  zip_error_t   error;
} Source;

typedef struct
{
  zip_file_t  *file;
  char        *name;
  guint64      inflated;
  guint64      compressed;
  guint64      limit;
  GError      *error;
} Part;

typedef struct
{
  GString *text;
  double   number;
  ConduitXlsxCellKind kind;
} Cell;

struct _ConduitXlsxReader
{
  Source            source;
  GFile            *spool;         /* a temporary copy of a stream that cannot seek */
  GFileIOStream    *spool_io;
  zip_t            *zip;
  guint64           archive_size;

  GPtrArray        *shared;        /* (element-type GBytes) */
  GArray           *date_styles;   /* (element-type guint8) cellXfs index → 0, 'd', 't', 'b' */
  gboolean          date1904;
  char             *sheet_name;

  Part             *part;
  xmlTextReaderPtr  xml;
  gboolean          done;

  /* the current row */
  GArray           *cells;         /* (element-type Cell) */
  GArray           *views;         /* (element-type ConduitXlsxCell) */
  guint             n_cells;
  guint64           row_number;
};

/* ---- the zip, read through the caller's stream -------------------------------------- */

static zip_int64_t
source_callback (void             *user_data,
                 void             *data,
                 zip_uint64_t      length,
                 zip_source_cmd_t  command)
{
  Source *source = user_data;

  switch (command)
    {
    case ZIP_SOURCE_OPEN:
      source->offset = 0;
      if (!g_seekable_seek (G_SEEKABLE (source->stream), 0, G_SEEK_SET, NULL, NULL))
        {
          zip_error_set (&source->error, ZIP_ER_SEEK, EIO);
          return -1;
        }
      return 0;

    case ZIP_SOURCE_READ:
      {
        gssize n = g_input_stream_read (source->stream, data, MIN (length, G_MAXSSIZE), NULL, NULL);

        if (n < 0)
          {
            zip_error_set (&source->error, ZIP_ER_READ, EIO);
            return -1;
          }
        source->offset += n;
        return n;
      }

    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
      return 0;

    case ZIP_SOURCE_STAT:
      {
        zip_stat_t *stat = data;

        if (length < sizeof (*stat))
          {
            zip_error_set (&source->error, ZIP_ER_INVAL, 0);
            return -1;
          }
        zip_stat_init (stat);
        stat->size = source->size;
        stat->valid |= ZIP_STAT_SIZE;
        return sizeof (*stat);
      }

    case ZIP_SOURCE_ERROR:
      return zip_error_to_data (&source->error, data, length);

    case ZIP_SOURCE_SEEK:
      {
        zip_int64_t offset = zip_source_seek_compute_offset (source->offset, source->size, data,
                                                             length, &source->error);

        if (offset < 0)
          return -1;
        if (!g_seekable_seek (G_SEEKABLE (source->stream), offset, G_SEEK_SET, NULL, NULL))
          {
            zip_error_set (&source->error, ZIP_ER_SEEK, EIO);
            return -1;
          }
        source->offset = offset;
        return 0;
      }

    case ZIP_SOURCE_TELL:
      return (zip_int64_t)source->offset;

    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap (ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                             ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                             ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL,
                                             ZIP_SOURCE_SUPPORTS, -1);

    default:
      zip_error_set (&source->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
    }
}

/* A stream that cannot seek (standard input) is copied to a temporary file first: the zip's
 * table of contents is at its end. */
static GInputStream *
seekable_stream (ConduitXlsxReader  *self,
                 GInputStream       *stream,
                 GError            **error)
{
  GOutputStream *output;

  if (G_IS_SEEKABLE (stream) && g_seekable_can_seek (G_SEEKABLE (stream)))
    return g_object_ref (stream);

  self->spool = g_file_new_tmp ("conduit-xlsx-XXXXXX", &self->spool_io, error);
  if (self->spool == NULL)
    return NULL;
  output = g_io_stream_get_output_stream (G_IO_STREAM (self->spool_io));
  if (g_output_stream_splice (output, stream, G_OUTPUT_STREAM_SPLICE_NONE, NULL, error) < 0 ||
      !g_output_stream_flush (output, NULL, error))
    return NULL;
  return g_object_ref (g_io_stream_get_input_stream (G_IO_STREAM (self->spool_io)));
}

static int
part_read (void *context,
           char *buffer,
           int   length)
{
  Part *part = context;
  zip_int64_t n;

  if (part->error != NULL)
    return -1;

  n = zip_fread (part->file, buffer, length);
  if (n < 0)
    {
      g_set_error (&part->error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_NOT_XLSX,
                   _("the part %s of the workbook cannot be unpacked: %s"), part->name,
                   zip_file_strerror (part->file));
      return -1;
    }

  /* counted as it inflates: the sizes in the zip's headers may lie */
  part->inflated += n;
  if (part->inflated > part->limit ||
      (part->inflated > RATIO_FLOOR && part->inflated / MAX (part->compressed, 1) > MAX_RATIO))
    {
      g_set_error (&part->error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_TOO_LARGE,
                   _("the part %s of the workbook unpacks to more than %" PRIu64
                     " MB from %" PRIu64 " KB; it is refused as a zip bomb (at most "
                     "%d times its packed size)"), part->name,
                   part->inflated / (1024 * 1024), part->compressed / 1024, MAX_RATIO);
      return -1;
    }
  return (int)n;
}

static int
part_close (void *context)
{
  return 0;
}

static void
part_free (Part *part)
{
  if (part == NULL)
    return;
  if (part->file != NULL)
    zip_fclose (part->file);
  g_free (part->name);
  g_clear_error (&part->error);
  g_free (part);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Part, part_free)

static Part *
part_open (ConduitXlsxReader  *self,
           const char         *name,
           guint64             limit,
           GError            **error)
{
  g_autoptr(Part) part = g_new0 (Part, 1);
  zip_stat_t stat;
  zip_int64_t index = zip_name_locate (self->zip, name, 0);

  part->name = g_strdup (name);
  part->limit = limit;
  if (index < 0 || zip_stat_index (self->zip, index, 0, &stat) != 0)
    {
      g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_NOT_XLSX,
                   _("the workbook has no part %s"), name);
      return NULL;
    }
  /* the packed size may lie too; it cannot be more than the archive */
  part->compressed = (stat.valid & ZIP_STAT_COMP_SIZE) ? MIN (stat.comp_size, self->archive_size)
                                                       : self->archive_size;
  part->file = zip_fopen_index (self->zip, index, 0);
  if (part->file == NULL)
    {
      g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_NOT_XLSX,
                   _("the part %s of the workbook cannot be opened: %s"), name,
                   zip_strerror (self->zip));
      return NULL;
    }
  return g_steal_pointer (&part);
}

/* libxml2 reports through a callback; the first error is kept. */
static void
on_xml_error (void                    *user_data,
              const char              *message,
              xmlParserSeverities      severity,
              xmlTextReaderLocatorPtr  locator)
{
  Part *part = user_data;
  g_autofree char *text = NULL;

  if (severity != XML_PARSER_SEVERITY_ERROR && severity != XML_PARSER_SEVERITY_VALIDITY_ERROR)
    return;
  if (part->error != NULL)
    return;
  text = g_utf8_make_valid (message, -1);
  g_strchomp (text);
  g_set_error (&part->error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_MALFORMED,
               _("the part %s of the workbook, line %d: %s"), part->name,
               xmlTextReaderLocatorLineNumber (locator), text);
}

static xmlTextReaderPtr
xml_open (Part *part)
{
  xmlTextReaderPtr xml = xmlReaderForIO (part_read, part_close, part, part->name, NULL,
                                         XML_OPTIONS);

  if (xml != NULL)
    xmlTextReaderSetErrorHandler (xml, on_xml_error, part);
  return xml;
}

/* Steps to the next node; FALSE at the end, or with @error. */
static gboolean
xml_next (xmlTextReaderPtr   xml,
          Part              *part,
          GError           **error)
{
  int status = xmlTextReaderRead (xml);

  if (status == 1)
    return TRUE;
  if (part->error != NULL)
    g_propagate_error (error, g_steal_pointer (&part->error));
  else if (status < 0)
    g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_MALFORMED,
                 _("the part %s of the workbook is not valid XML"), part->name);
  return FALSE;
}

static gboolean
is_element (xmlTextReaderPtr  xml,
            const char       *name)
{
  return xmlTextReaderNodeType (xml) == XML_READER_TYPE_ELEMENT &&
         g_strcmp0 ((const char *)xmlTextReaderConstLocalName (xml), name) == 0;
}

static gboolean
is_end (xmlTextReaderPtr  xml,
        const char       *name)
{
  return (xmlTextReaderNodeType (xml) == XML_READER_TYPE_END_ELEMENT ||
          (xmlTextReaderNodeType (xml) == XML_READER_TYPE_ELEMENT &&
           xmlTextReaderIsEmptyElement (xml))) &&
         g_strcmp0 ((const char *)xmlTextReaderConstLocalName (xml), name) == 0;
}

static char *
attribute (xmlTextReaderPtr  xml,
           const char       *name)
{
  xmlChar *value = xmlTextReaderGetAttribute (xml, (const xmlChar *)name);
  char *copy = g_strdup ((const char *)value);

  xmlFree (value);
  return copy;
}

static gboolean
is_text (xmlTextReaderPtr xml)
{
  int type = xmlTextReaderNodeType (xml);

  return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
         type == XML_READER_TYPE_CDATA || type == XML_READER_TYPE_WHITESPACE;
}

/* ---- relationships, workbook, shared strings, styles -------------------------------- */

/* A relationship's target is relative to the folder of the part that names it. */
static char *
resolve_target (const char *base_part,
                const char *target)
{
  g_autofree char *folder = NULL;
  g_autofree char *joined = NULL;
  g_auto(GStrv) segments = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (target[0] == '/')
    return g_strdup (target + 1);
  folder = g_path_get_dirname (base_part);
  joined = g_str_equal (folder, ".") ? g_strdup (target) : g_strconcat (folder, "/", target, NULL);
  segments = g_strsplit (joined, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (g_str_equal (segments[i], "..") && kept->len > 0)
        g_ptr_array_remove_index (kept, kept->len - 1);
      else if (!g_str_equal (segments[i], ".") && !g_str_equal (segments[i], "..") &&
               *segments[i] != '\0')
        g_ptr_array_add (kept, segments[i]);
    }
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("/", (char **)kept->pdata);
}

/* Reads the relationships of @part: Id → resolved target, and type suffix → target. */
static gboolean
read_relationships (ConduitXlsxReader  *self,
                    const char         *part_name,
                    GHashTable         *by_id,
                    GHashTable         *by_type,
                    GError            **error)
{
  g_autofree char *folder = g_path_get_dirname (part_name);
  g_autofree char *base = g_path_get_basename (part_name);
  g_autofree char *rels = *part_name == '\0' ? g_strdup ("_rels/.rels")
                         : g_str_equal (folder, ".") ? g_strdup_printf ("_rels/%s.rels", base)
                         : g_strdup_printf ("%s/_rels/%s.rels", folder, base);
  g_autoptr(Part) part = part_open (self, rels, MAX_HELD_PART, error);
  xmlTextReaderPtr xml;
  GError *local_error = NULL;

  if (part == NULL)
    return FALSE;
  xml = xml_open (part);
  while (xml_next (xml, part, &local_error))
    if (is_element (xml, "Relationship"))
      {
        g_autofree char *id = attribute (xml, "Id");
        g_autofree char *target = attribute (xml, "Target");
        g_autofree char *type = attribute (xml, "Type");
        g_autofree char *mode = attribute (xml, "TargetMode");
        const char *slash;

        if (id == NULL || target == NULL || g_strcmp0 (mode, "External") == 0)
          continue;
        if (by_id != NULL)
          g_hash_table_insert (by_id, g_strdup (id), resolve_target (part_name, target));
        slash = type != NULL ? strrchr (type, '/') : NULL;
        if (by_type != NULL && slash != NULL && !g_hash_table_contains (by_type, slash + 1))
          g_hash_table_insert (by_type, g_strdup (slash + 1), resolve_target (part_name, target));
      }
  xmlFreeTextReader (xml);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* Finds the sheet named @sheet (the first one when %NULL) and whether dates count from 1904. */
static char *
read_workbook (ConduitXlsxReader  *self,
               const char         *workbook,
               const char         *sheet,
               GHashTable         *by_id,
               GError            **error)
{
  g_autoptr(Part) part = part_open (self, workbook, MAX_HELD_PART, error);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *target = NULL;
  xmlTextReaderPtr xml;
  GError *local_error = NULL;

  if (part == NULL)
    return NULL;
  xml = xml_open (part);
  while (target == NULL && xml_next (xml, part, &local_error))
    if (is_element (xml, "workbookPr"))
      {
        g_autofree char *date1904 = attribute (xml, "date1904");

        self->date1904 = g_strcmp0 (date1904, "1") == 0 || g_strcmp0 (date1904, "true") == 0;
      }
    else if (is_element (xml, "sheet"))
      {
        g_autofree char *name = attribute (xml, "name");
        xmlChar *id = xmlTextReaderGetAttributeNs (xml, (const xmlChar *)"id",
                                                   (const xmlChar *)REL_NS);

        if (id == NULL)
          id = xmlTextReaderGetAttributeNs (xml, (const xmlChar *)"id",
                                            (const xmlChar *)REL_NS_STRICT);
        if (name != NULL && (sheet == NULL || g_str_equal (name, sheet)) && id != NULL &&
            g_hash_table_contains (by_id, id))
          {
            target = g_strdup (g_hash_table_lookup (by_id, id));
            self->sheet_name = g_strdup (name);
          }
        else if (name != NULL)
          g_string_append_printf (names, "%s“%s”", names->len > 0 ? ", " : "", name);
        xmlFree (id);
      }
  xmlFreeTextReader (xml);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (target == NULL)
    {
      if (sheet != NULL)
        g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_NO_SHEET,
                     _("the workbook has no sheet “%s”; its sheets are %s"), sheet,
                     names->len > 0 ? names->str : _("none"));
      else
        g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_NO_SHEET,
                     _("the workbook has no sheet"));
      return NULL;
    }
  return g_steal_pointer (&target);
}

static gboolean
read_shared_strings (ConduitXlsxReader  *self,
                     const char         *name,
                     GError            **error)
{
  g_autoptr(Part) part = part_open (self, name, MAX_HELD_PART, error);
  g_autoptr(GString) text = g_string_new (NULL);
  xmlTextReaderPtr xml;
  GError *local_error = NULL;
  gboolean in_item = FALSE;
  gboolean in_text = FALSE;
  int phonetic_depth = 0;

  if (part == NULL)
    return FALSE;
  xml = xml_open (part);
  while (xml_next (xml, part, &local_error))
    {
      if (is_element (xml, "si"))
        {
          in_item = TRUE;
          g_string_truncate (text, 0);
          if (xmlTextReaderIsEmptyElement (xml))
            {
              g_ptr_array_add (self->shared, g_bytes_new ("", 0));
              in_item = FALSE;
            }
        }
      else if (in_item && is_end (xml, "si"))
        {
          g_ptr_array_add (self->shared, g_bytes_new (text->str, text->len));
          in_item = FALSE;
        }
      /* phonetic guides (rPh) are not part of the text */
      else if (is_element (xml, "rPh") && !xmlTextReaderIsEmptyElement (xml))
        phonetic_depth++;
      else if (is_end (xml, "rPh") && xmlTextReaderNodeType (xml) == XML_READER_TYPE_END_ELEMENT)
        phonetic_depth = MAX (phonetic_depth - 1, 0);
      else if (is_element (xml, "t") && !xmlTextReaderIsEmptyElement (xml))
        in_text = TRUE;
      else if (is_end (xml, "t"))
        in_text = FALSE;
      else if (in_item && in_text && phonetic_depth == 0 && is_text (xml))
        g_string_append (text, (const char *)xmlTextReaderConstValue (xml));
    }
  xmlFreeTextReader (xml);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* Whether a number format shows a date ('d'), a date and time ('b') or a time ('t'): its
 * first section holds d, m, y, h or s outside quoted text, escapes and [colour] brackets. */
static char
format_code_kind (const char *code)
{
  gboolean date = FALSE, time = FALSE, month = FALSE;

  for (const char *p = code; *p != '\0' && *p != ';'; p++)
    {
      char c = g_ascii_tolower (*p);

      if (*p == '"')
        {
          const char *end = strchr (p + 1, '"');

          if (end == NULL)
            break;
          p = end;
        }
      else if (*p == '\\' || *p == '_' || *p == '*')
        {
          if (p[1] == '\0')
            break;
          p++;
        }
      else if (*p == '[')
        {
          const char *end = strchr (p, ']');

          /* [h], [mm], [ss] are elapsed times; [Red], [$-409] are not dates */
          if (end != NULL && strchr ("hms", g_ascii_tolower (p[1])) != NULL)
            time = TRUE;
          if (end == NULL)
            break;
          p = end;
        }
      else if (c == 'd' || c == 'y')
        date = TRUE;
      else if (c == 'h' || c == 's')
        time = TRUE;
      else if (c == 'm')
        month = TRUE;
    }
  if (month && !time)
    date = TRUE;
  return date && time ? 'b' : date ? 'd' : time ? 't' : 0;
}

static char
builtin_format_kind (guint id)
{
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
      (id >= 50 && id <= 58))
    return 'd';
  if (id == 22)
    return 'b';
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 33) || (id >= 45 && id <= 47))
    return 't';
  return 0;
}

static gboolean
read_styles (ConduitXlsxReader  *self,
             const char         *name,
             GError            **error)
{
  g_autoptr(Part) part = part_open (self, name, MAX_HELD_PART, error);
  g_autoptr(GHashTable) custom = g_hash_table_new (NULL, NULL);   /* numFmtId → kind */
  xmlTextReaderPtr xml;
  GError *local_error = NULL;
  gboolean in_cell_xfs = FALSE;

  if (part == NULL)
    return FALSE;
  xml = xml_open (part);
  while (xml_next (xml, part, &local_error))
    {
      if (is_element (xml, "numFmt"))
        {
          g_autofree char *id = attribute (xml, "numFmtId");
          g_autofree char *code = attribute (xml, "formatCode");

          if (id != NULL && code != NULL)
            g_hash_table_insert (custom, GUINT_TO_POINTER (strtoul (id, NULL, 10)),
                                 GINT_TO_POINTER ((int)format_code_kind (code)));
        }
      else if (is_element (xml, "cellXfs"))
        in_cell_xfs = !xmlTextReaderIsEmptyElement (xml);
      else if (is_end (xml, "cellXfs"))
        in_cell_xfs = FALSE;
      else if (in_cell_xfs && is_element (xml, "xf"))
        {
          g_autofree char *id_text = attribute (xml, "numFmtId");
          guint id = id_text != NULL ? strtoul (id_text, NULL, 10) : 0;
          guint8 kind;

          if (g_hash_table_contains (custom, GUINT_TO_POINTER (id)))
            kind = GPOINTER_TO_INT (g_hash_table_lookup (custom, GUINT_TO_POINTER (id)));
          else
            kind = builtin_format_kind (id);
          g_array_append_val (self->date_styles, kind);
        }
    }
  xmlFreeTextReader (xml);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/* ---- the reader ---------------------------------------------------------------------- */

static void
cell_clear (gpointer data)
{
  Cell *cell = data;

  g_string_free (cell->text, TRUE);
}

/**
 * conduit_xlsx_reader_new:
 * @stream: the workbook; it is read from (and seeked in) until the reader is freed
 * @sheet: (nullable): the name of the sheet to read, or %NULL for the first one
 * @error: return location for an error
 *
 * Opens the workbook and reads its shared strings and styles; the sheet's rows are read by
 * conduit_xlsx_reader_next_row().
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL with @error
 */
ConduitXlsxReader *
conduit_xlsx_reader_new (GInputStream  *stream,
                         const char    *sheet,
                         GError       **error)
{
  g_autoptr(ConduitXlsxReader) self = g_new0 (ConduitXlsxReader, 1);
  g_autoptr(GHashTable) root_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) by_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *sheet_part = NULL;
  zip_source_t *source;
  const char *workbook;
  const char *part_name;
  zip_error_t zip_error;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self->shared = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  self->date_styles = g_array_new (FALSE, TRUE, sizeof (guint8));
  self->cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  g_array_set_clear_func (self->cells, cell_clear);
  self->views = g_array_new (FALSE, TRUE, sizeof (ConduitXlsxCell));
  zip_error_init (&self->source.error);

  self->source.stream = seekable_stream (self, stream, error);
  if (self->source.stream == NULL)
    return NULL;
  if (!g_seekable_seek (G_SEEKABLE (self->source.stream), 0, G_SEEK_END, NULL, error))
    return NULL;
  self->archive_size = self->source.size = g_seekable_tell (G_SEEKABLE (self->source.stream));

  zip_error_init (&zip_error);
  source = zip_source_function_create (source_callback, &self->source, &zip_error);
  if (source != NULL)
    self->zip = zip_open_from_source (source, ZIP_RDONLY, &zip_error);
  if (self->zip == NULL)
    {
      g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_NOT_XLSX,
                   _("this is not an Excel workbook (XLSX): %s"), zip_error_strerror (&zip_error));
      if (source != NULL)
        zip_source_free (source);
      zip_error_fini (&zip_error);
      return NULL;
    }
  zip_error_fini (&zip_error);

  if (!read_relationships (self, "", NULL, root_types, error))
    return NULL;
  workbook = g_hash_table_lookup (root_types, "officeDocument");
  if (workbook == NULL)
    {
      g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_NOT_XLSX,
                   _("this zip holds no workbook; it is not an Excel workbook (XLSX)"));
      return NULL;
    }
  if (!read_relationships (self, workbook, by_id, by_type, error))
    return NULL;
  sheet_part = read_workbook (self, workbook, sheet, by_id, error);
  if (sheet_part == NULL)
    return NULL;

  part_name = g_hash_table_lookup (by_type, "sharedStrings");
  if (part_name != NULL && !read_shared_strings (self, part_name, error))
    return NULL;
  part_name = g_hash_table_lookup (by_type, "styles");
  if (part_name != NULL && !read_styles (self, part_name, error))
    return NULL;

  self->part = part_open (self, sheet_part, MAX_PART_SIZE, error);
  if (self->part == NULL)
    return NULL;
  self->xml = xml_open (self->part);
  return g_steal_pointer (&self);
}

/* ---- a row --------------------------------------------------------------------------- */

/* "BC12" → 54 (0-based), or -1 */
static int
column_of_reference (const char *reference)
{
  int column = 0;
  const char *p;

  for (p = reference; g_ascii_isalpha (*p); p++)
    {
      column = column * 26 + (g_ascii_toupper (*p) - 'A' + 1);
      if (column > MAX_COLUMNS)
        return -1;
    }
  return p == reference ? -1 : column - 1;
}

static Cell *
cell_at (ConduitXlsxReader *self,
         guint              column)
{
  while (self->cells->len <= column)
    {
      Cell cell = { g_string_new (NULL), 0, CONDUIT_XLSX_CELL_EMPTY };

      g_array_append_val (self->cells, cell);
    }
  while (self->n_cells <= column)
    {
      Cell *cell = &g_array_index (self->cells, Cell, self->n_cells++);

      cell->kind = CONDUIT_XLSX_CELL_EMPTY;
      g_string_truncate (cell->text, 0);
    }
  return &g_array_index (self->cells, Cell, column);
}

/* A serial day count as ISO 8601: "2024-03-01", "2024-03-01T08:30:00" or "08:30:00". */
static void
format_date (ConduitXlsxReader *self,
             Cell              *cell,
             char               kind)
{
  g_autoptr(GDateTime) epoch = NULL;
  g_autoptr(GDateTime) when = NULL;
  double serial = cell->number;
  gint64 ms;

  /* the 1900 system counts a 29 February 1900 that never was (after Lotus 1-2-3) */
  if (self->date1904)
    epoch = g_date_time_new_utc (1904, 1, 1, 0, 0, 0);
  else if (serial < 61)
    epoch = g_date_time_new_utc (1899, 12, 31, 0, 0, 0);
  else
    epoch = g_date_time_new_utc (1899, 12, 30, 0, 0, 0);

  if (!isfinite (serial) || serial < 0 || serial > 2958466)   /* past 9999-12-31 */
    {
      cell->kind = CONDUIT_XLSX_CELL_NUMBER;
      return;
    }
  ms = (gint64)llround (serial * 86400000.0);
  when = g_date_time_add (epoch, ms * 1000);
  if (when == NULL)
    {
      cell->kind = CONDUIT_XLSX_CELL_NUMBER;
      return;
    }

  g_string_truncate (cell->text, 0);
  if (kind == 't' && serial < 1)
    g_string_append_printf (cell->text, "%02d:%02d:%02d", g_date_time_get_hour (when),
                            g_date_time_get_minute (when), g_date_time_get_second (when));
  else if (kind == 'd' && ms % 86400000 == 0)
    g_string_append_printf (cell->text, "%04d-%02d-%02d", g_date_time_get_year (when),
                            g_date_time_get_month (when), g_date_time_get_day_of_month (when));
  else
    g_string_append_printf (cell->text, "%04d-%02d-%02dT%02d:%02d:%02d",
                            g_date_time_get_year (when), g_date_time_get_month (when),
                            g_date_time_get_day_of_month (when), g_date_time_get_hour (when),
                            g_date_time_get_minute (when), g_date_time_get_second (when));
  if (ms % 1000 != 0 && !(kind == 'd' && ms % 86400000 == 0))
    g_string_append_printf (cell->text, ".%03d", (int)(ms % 1000));
  cell->kind = CONDUIT_XLSX_CELL_DATE;
}

/* Gives the cell its kind once its value is read. */
static gboolean
finish_cell (ConduitXlsxReader  *self,
             Cell               *cell,
             const char         *type,
             guint               style,
             gboolean            has_value,
             GError            **error)
{
  if (!has_value)
    {
      cell->kind = CONDUIT_XLSX_CELL_EMPTY;
      g_string_truncate (cell->text, 0);
      return TRUE;
    }

  if (g_strcmp0 (type, "s") == 0)
    {
      guint64 index;
      GBytes *bytes;

      if (!g_ascii_string_to_unsigned (cell->text->str, 10, 0, G_MAXUINT, &index, NULL) ||
          index >= self->shared->len)
        {
          g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_MALFORMED,
                       _("row %" PRIu64 ": a cell names shared text %s, which the "
                         "workbook does not have"), self->row_number, cell->text->str);
          return FALSE;
        }
      bytes = g_ptr_array_index (self->shared, index);
      g_string_truncate (cell->text, 0);
      g_string_append_len (cell->text, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      cell->kind = CONDUIT_XLSX_CELL_STRING;
    }
  else if (g_strcmp0 (type, "inlineStr") == 0 || g_strcmp0 (type, "str") == 0 ||
           g_strcmp0 (type, "d") == 0)
    cell->kind = type[0] == 'd' ? CONDUIT_XLSX_CELL_DATE : CONDUIT_XLSX_CELL_STRING;
  else if (g_strcmp0 (type, "b") == 0)
    {
      g_strstrip (cell->text->str);
      cell->number = g_str_equal (cell->text->str, "1") || g_str_equal (cell->text->str, "true");
      g_string_assign (cell->text, cell->number != 0 ? "true" : "false");
      cell->kind = CONDUIT_XLSX_CELL_BOOLEAN;
    }
  else if (g_strcmp0 (type, "e") == 0)
    cell->kind = CONDUIT_XLSX_CELL_ERROR;
  else
    {
      char *end = NULL;
      char date_kind = style < self->date_styles->len ? g_array_index (self->date_styles, guint8, style) : 0;

      g_strstrip (cell->text->str);
      g_string_set_size (cell->text, strlen (cell->text->str));
      cell->number = g_ascii_strtod (cell->text->str, &end);
      if (cell->text->len == 0 || end == NULL || *end != '\0')
        {
          g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_MALFORMED,
                       _("row %" PRIu64 ": a number cell holds “%s”"),
                       self->row_number, cell->text->str);
          return FALSE;
        }
      cell->kind = CONDUIT_XLSX_CELL_NUMBER;
      if (date_kind != 0)
        format_date (self, cell, date_kind);
    }
  return TRUE;
}

static void
fill_views (ConduitXlsxReader *self)
{
  g_array_set_size (self->views, self->n_cells);
  for (guint i = 0; i < self->n_cells; i++)
    {
      Cell *cell = &g_array_index (self->cells, Cell, i);
      ConduitXlsxCell *view = &g_array_index (self->views, ConduitXlsxCell, i);

      view->kind = cell->kind;
      view->text = cell->text->str;
      view->length = cell->text->len;
      view->number = cell->number;
    }
}

/**
 * conduit_xlsx_reader_next_row:
 * @self: a reader
 * @cells: (out) (array length=n_cells): the row's cells by column from A, valid until the
 *   next call; a column without a cell is %CONDUIT_XLSX_CELL_EMPTY
 * @n_cells: (out): how many, up to the last cell the row has
 * @error: return location for an error
 *
 * Returns the next row that has a cell; rows the sheet leaves out are skipped, and
 * conduit_xlsx_reader_get_row_number() tells the row's number in the sheet.
 *
 * Returns: %FALSE at the end of the sheet, or with @error
 */
gboolean
conduit_xlsx_reader_next_row (ConduitXlsxReader       *self,
                              const ConduitXlsxCell  **cells,
                              guint                   *n_cells,
                              GError                 **error)
{
  g_autofree char *type = NULL;
  Cell *cell = NULL;
  guint style = 0;
  gboolean in_row = FALSE;
  gboolean in_value = FALSE;
  gboolean has_value = FALSE;
  int next_column = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->done)
    return FALSE;

  while (xml_next (self->xml, self->part, error))
    {
      if (is_element (self->xml, "row"))
        {
          g_autofree char *number = attribute (self->xml, "r");
          guint64 row;

          self->row_number = number != NULL && g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT32, &row, NULL)
                             ? row : self->row_number + 1;
          self->n_cells = 0;
          next_column = 0;
          in_row = !xmlTextReaderIsEmptyElement (self->xml);
        }
      else if (in_row && is_element (self->xml, "c"))
        {
          g_autofree char *reference = attribute (self->xml, "r");
          g_autofree char *style_text = attribute (self->xml, "s");
          int column = reference != NULL ? column_of_reference (reference) : next_column;

          if (column < 0 || column >= MAX_COLUMNS)
            {
              g_set_error (error, CONDUIT_XLSX_READER_ERROR, CONDUIT_XLSX_READER_ERROR_MALFORMED,
                           _("row %" PRIu64 ": the cell reference “%s” is not a "
                             "column from A to XFD"), self->row_number, reference);
              return FALSE;
            }
          next_column = column + 1;
          g_free (type);
          type = attribute (self->xml, "t");
          style = style_text != NULL ? strtoul (style_text, NULL, 10) : 0;
          cell = cell_at (self, column);
          cell->kind = CONDUIT_XLSX_CELL_EMPTY;
          g_string_truncate (cell->text, 0);
          has_value = FALSE;
          if (xmlTextReaderIsEmptyElement (self->xml))
            cell = NULL;
        }
      else if (cell != NULL && (is_element (self->xml, "v") || is_element (self->xml, "t")))
        {
          in_value = !xmlTextReaderIsEmptyElement (self->xml);
          has_value = TRUE;
        }
      else if (cell != NULL && (is_end (self->xml, "v") || is_end (self->xml, "t")))
        in_value = FALSE;
      else if (cell != NULL && in_value && is_text (self->xml))
        g_string_append (cell->text, (const char *)xmlTextReaderConstValue (self->xml));
      else if (cell != NULL && is_end (self->xml, "c"))
        {
          if (!finish_cell (self, cell, type, style, has_value, error))
            return FALSE;
          cell = NULL;
        }
      else if (in_row && is_end (self->xml, "row"))
        {
          in_row = FALSE;
          if (self->n_cells == 0)
            continue;
          fill_views (self);
          *cells = &g_array_index (self->views, ConduitXlsxCell, 0);
          *n_cells = self->n_cells;
          return TRUE;
        }
      else if (is_end (self->xml, "sheetData"))
        break;
    }

  self->done = TRUE;
  return FALSE;
}

guint64
conduit_xlsx_reader_get_row_number (ConduitXlsxReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->row_number;
}

const char *
conduit_xlsx_reader_get_sheet_name (ConduitXlsxReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->sheet_name;
}

void
conduit_xlsx_reader_free (ConduitXlsxReader *self)
{
  if (self == NULL)
    return;

  if (self->xml != NULL)
    xmlFreeTextReader (self->xml);
  part_free (self->part);
  if (self->zip != NULL)
    zip_discard (self->zip);
  zip_error_fini (&self->source.error);
  g_clear_object (&self->source.stream);
  g_clear_object (&self->spool_io);
  if (self->spool != NULL)
    g_file_delete (self->spool, NULL, NULL);
  g_clear_object (&self->spool);
  g_clear_pointer (&self->shared, g_ptr_array_unref);
  g_clear_pointer (&self->date_styles, g_array_unref);
  g_clear_pointer (&self->cells, g_array_unref);
  g_clear_pointer (&self->views, g_array_unref);
  g_free (self->sheet_name);
  g_free (self);
}
