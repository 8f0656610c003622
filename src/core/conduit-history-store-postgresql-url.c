/* conduit-history-store-postgresql-url.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>

#include "conduit-db.h"
#include "conduit-history-store-postgresql-private.h"

/* The PostgreSQL history's address: told from a SQLite path, shown without its password, and
 * made from a database credential of the keyring. */

/**
 * conduit_history_is_postgresql_url:
 * @location: (nullable): a `--history` value
 *
 * Returns: whether @location is a libpq connection URI
 */
gboolean
conduit_history_is_postgresql_url (const char *location)
{
  return location != NULL && (g_str_has_prefix (location, "postgresql://") ||
                              g_str_has_prefix (location, "postgres://"));
}

/* The URL without its password (or any other option), fit for messages and `get_path`. */
char *
conduit_history_pg_describe_url (const char *url)
{
  PQconninfoOption *options = PQconninfoParse (url, NULL);
  const char *host = NULL, *port = NULL, *dbname = NULL, *user = NULL;
  GString *text;

  if (options == NULL)
    return g_strdup ("postgresql://…");
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL || *o->val == '\0')
        continue;
      if (g_str_equal (o->keyword, "host"))
        host = o->val;
      else if (g_str_equal (o->keyword, "port"))
        port = o->val;
      else if (g_str_equal (o->keyword, "dbname"))
        dbname = o->val;
      else if (g_str_equal (o->keyword, "user"))
        user = o->val;
    }
  text = g_string_new ("postgresql://");
  if (user != NULL)
    g_string_append_printf (text, "%s@", user);
  g_string_append (text, host != NULL ? host : "");
  if (port != NULL)
    g_string_append_printf (text, ":%s", port);
  g_string_append_printf (text, "/%s", dbname != NULL ? dbname : "");
  PQconninfoFree (options);
  return g_string_free (text, FALSE);
}

static void
append_escaped (GString    *url,
                const char *text)
{
  g_autofree char *escaped = g_uri_escape_string (text != NULL ? text : "", NULL, FALSE);

  g_string_append (url, escaped);
}

/**
 * conduit_history_store_dup_credential_url:
 * @credential: a PostgreSQL credential (kind "postgresql")
 * @error: return location for an error
 *
 * The history address a database credential stands for, so that the app can open a server's
 * history from a credential in the keyring instead of a typed address with a password.
 *
 * Returns: (transfer full) (nullable): a `postgresql://` URL, password included (never show
 *   it), or %NULL with @error set
 */
char *
conduit_history_store_dup_credential_url (ConduitCredential  *credential,
                                          GError            **error)
{
  static const char *sslmodes[] = { "disable", "require", "verify-full" };
  g_autoptr(ConduitDbParams) params = NULL;
  GString *url;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), NULL);

  params = conduit_db_params_new_from_credential (credential, error);
  if (params == NULL)
    return NULL;
  if (params->kind != CONDUIT_DB_KIND_POSTGRESQL)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_FAILED,
                   _("The credential “%s” is not a PostgreSQL connection: a server history is "
                     "in PostgreSQL"), conduit_credential_get_id (credential));
      return NULL;
    }

  url = g_string_new ("postgresql://");
  append_escaped (url, params->user);
  if (params->password != NULL)
    {
      g_string_append_c (url, ':');
      append_escaped (url, params->password);
    }
  g_string_append_c (url, '@');
  append_escaped (url, params->host);
  if (params->port != 0)
    g_string_append_printf (url, ":%u", params->port);
  g_string_append_c (url, '/');
  append_escaped (url, params->database);
  g_string_append_printf (url, "?sslmode=%s", sslmodes[CLAMP ((int)params->tls, 0, 2)]);
  if (params->ca_file != NULL)
    {
      g_string_append (url, "&sslrootcert=");
      append_escaped (url, params->ca_file);
    }
  return g_string_free (url, FALSE);
}

