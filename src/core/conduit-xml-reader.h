/* conduit-xml-reader.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-mapping-value.h"

G_BEGIN_DECLS

/* Streams records out of an XML document: each element at a path such as /orders/order is a
 * record, read with libxml2's streaming reader so only one record is held at a time.
 *
 * A record is an object: the element's attributes (by name), then its child elements by name.
 * A child with only text is that text; a child with attributes or children of its own is an
 * object of the same shape, its text (if any) under "#text". A name repeated among siblings
 * becomes a list. Names are written as the document writes them: "name", or "prefix:name"
 * for an element or attribute in a namespace with a prefix. A path segment matches an
 * element's local name, or its "prefix:name". Namespace declarations (xmlns) are not fields.
 *
 * External entities are never loaded, the network never used, and entity references are not
 * expanded: a record that uses one is refused (an entity expansion attack, "billion laughs",
 * and an XXE both end there). */

#define CONDUIT_XML_READER_ERROR (conduit_xml_reader_error_quark ())

typedef enum
{
  CONDUIT_XML_READER_ERROR_FAILED,      /* the document cannot be read on */
  CONDUIT_XML_READER_ERROR_RECORD,      /* this record cannot be read; the next one can */
} ConduitXmlReaderError;

typedef struct _ConduitXmlReader ConduitXmlReader;

GQuark            conduit_xml_reader_error_quark   (void);
ConduitXmlReader *conduit_xml_reader_new           (GInputStream      *stream,
                                                    const char        *path);
void              conduit_xml_reader_free          (ConduitXmlReader  *self);
gboolean          conduit_xml_reader_next          (ConduitXmlReader  *self,
                                                    ConduitArena      *arena,
                                                    ConduitValue     **record,
                                                    GError           **error);
guint64           conduit_xml_reader_get_line      (ConduitXmlReader  *self);
guint64           conduit_xml_reader_get_position  (ConduitXmlReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitXmlReader, conduit_xml_reader_free)

G_END_DECLS
