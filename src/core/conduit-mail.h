/* conduit-mail.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <curl/curl.h>
#include <gio/gio.h>
#include <gmime/gmime.h>
#include <json-glib/json-glib.h>

#include "conduit-credential.h"

G_BEGIN_DECLS

/* What the e-mail steps share: the server a credential names, a libcurl handle set up for it,
 * and reading a fetched message into an item. */

typedef enum
{
  CONDUIT_MAIL_SECURITY_STARTTLS,
  CONDUIT_MAIL_SECURITY_TLS,
  CONDUIT_MAIL_SECURITY_NONE,
} ConduitMailSecurity;

typedef struct
{
  char                *host;
  guint                port;
  ConduitMailSecurity  security;
  char                *ca_file;   /* (nullable) */
  char                *user;      /* (nullable) */
  char                *password;  /* (nullable) */
} ConduitMailServer;

ConduitMailServer *conduit_mail_server_new_from_credential (ConduitCredential  *credential,
                                                            GError            **error);
char              *conduit_mail_server_dup_url             (ConduitMailServer  *self,
                                                            const char         *scheme);
void               conduit_mail_server_setup_curl          (ConduitMailServer  *self,
                                                            CURL               *curl,
                                                            guint               timeout_s);
void               conduit_mail_server_free                (ConduitMailServer  *self);

void               conduit_mail_init                       (void);

JsonNode          *conduit_mail_parse_message              (GBytes             *data,
                                                            GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitMailServer, conduit_mail_server_free)

/* GMime 3.2 declares no cleanup functions of its own */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeTextPart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMultipart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeContentType, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)

G_END_DECLS
