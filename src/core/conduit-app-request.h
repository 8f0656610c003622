/* conduit-app-request.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "conduit-app-descriptor.h"
#include "conduit-credential.h"
#include "conduit-executor-http.h"

G_BEGIN_DECLS

/* Where a paginated operation is: what the next request asks for. */
typedef struct
{
  guint    pages;        /* pages fetched so far */
  gint64   offset;       /* offset style: records before this page */
  gint64   page;         /* page style: this page's number */
  char    *cursor;       /* cursor style: the cursor to send, NULL on the first page */
  char    *next_url;     /* next_url and link_header styles: the next page's address */
} ConduitAppPage;

JsonNode           *conduit_app_render_value        (JsonNode             *template_value,
                                                     JsonNode             *scope,
                                                     GError              **error);
char               *conduit_app_render_text         (const char           *template_text,
                                                     JsonNode             *scope,
                                                     GError              **error);
JsonNode           *conduit_app_evaluate            (const char           *expression,
                                                     JsonNode             *record,
                                                     GError              **error);
ConduitHttpRequest *conduit_app_build_request       (ConduitAppDescriptor *app,
                                                     JsonObject           *operation,
                                                     JsonNode             *scope,
                                                     const ConduitAppPage *page,
                                                     GHashTable           *extra_query,
                                                     GError              **error);
gboolean            conduit_app_find_error          (ConduitAppDescriptor *app,
                                                     JsonObject           *operation,
                                                     JsonNode             *body,
                                                     char                **message);
GPtrArray          *conduit_app_extract_records     (JsonObject           *operation,
                                                     JsonNode             *body,
                                                     guint                 status,
                                                     GError              **error);
gboolean            conduit_app_next_page           (JsonObject           *operation,
                                                     JsonNode             *body,
                                                     JsonNode             *headers,
                                                     guint                 n_records,
                                                     ConduitAppPage       *page,
                                                     gboolean             *capped);
void                conduit_app_page_clear          (ConduitAppPage       *page);
ConduitCredential  *conduit_app_place_credential    (ConduitAppDescriptor *app,
                                                     ConduitCredential    *credential);
ConduitCredential  *conduit_app_new_credential      (ConduitAppDescriptor *app,
                                                     const char           *id);

G_END_DECLS
