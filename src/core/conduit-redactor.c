/* conduit-redactor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-redactor"

#include "config.h"

#include <string.h>

#include "conduit-json-writer.h"
#include "conduit-redactor.h"

/* Secrets must never reach the run history, an error message or a log line. Everything that
 * writes such text passes it through a redactor that knows every secret value in use and the
 * headers that carry them. A secret is also looked for in the forms it takes on the way out:
 * URL-encoded in a query string, escaped inside JSON, base64-encoded in a Basic header.
 *
 * The log writer runs on any thread, so the lists are behind a mutex.
 *
 * A secret one run learns is a secret of the whole process: `conduit-cli serve` runs many flows
 * side by side, and the credential of one may turn up in another's event or answer. So every
 * redactor passes what it learns on to the default one and redacts with both.
 */

struct _ConduitRedactor
{
  GObject     parent_instance;

  GMutex      mutex;
  GPtrArray  *secrets;   /* longest first, so a secret inside another goes with it */
  GHashTable *headers;   /* lower-case names whose values are replaced outright */
  gboolean    starts[256]; /* bytes some secret starts with: most of a text is skipped */
  gboolean    marker_bytes; /* a secret holds a byte of CONDUIT_REDACTED: see redact */
};

G_DEFINE_FINAL_TYPE (ConduitRedactor, conduit_redactor, G_TYPE_OBJECT)

static const char * const always_sensitive_headers[] = {
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
};

static void
secret_free (gpointer data)
{
  char *value = data;

  explicit_bzero (value, strlen (value));
  g_free (value);
}

static void
conduit_redactor_finalize (GObject *object)
{
  ConduitRedactor *self = (ConduitRedactor *)object;

  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_clear_pointer (&self->headers, g_hash_table_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (conduit_redactor_parent_class)->finalize (object);
}

static void
conduit_redactor_class_init (ConduitRedactorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_redactor_finalize;
}

static void
conduit_redactor_init (ConduitRedactor *self)
{
  g_mutex_init (&self->mutex);
  self->secrets = g_ptr_array_new_with_free_func (secret_free);
  self->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * conduit_redactor_new:
 *
 * Returns: (transfer full): a redactor that knows no secrets yet
 */
ConduitRedactor *
conduit_redactor_new (void)
{
  return g_object_new (CONDUIT_TYPE_REDACTOR, NULL);
}

/**
 * conduit_redactor_get_default:
 *
 * The process-wide redactor: the credential store adds every credential it hands out, and
 * the log writer installed by conduit_redactor_install_log_writer() usually uses it.
 *
 * Returns: (transfer none): the default redactor
 */
ConduitRedactor *
conduit_redactor_get_default (void)
{
  static ConduitRedactor *instance;

  if (g_once_init_enter (&instance))
    {
      ConduitRedactor *created = conduit_redactor_new ();

      /* Only here: every redactor asks the default one too (see
       * conduit_redactor_is_sensitive_header()), so a run's redactor, made each run, need not copy
       * them. */
      for (guint i = 0; i < G_N_ELEMENTS (always_sensitive_headers); i++)
        g_hash_table_add (created->headers, g_strdup (always_sensitive_headers[i]));
      g_once_init_leave (&instance, created);
    }

  return instance;
}

/* Shorter values would blank out ordinary words ("refu••••ed" for a secret "s"); a secret that
 * short is guessed faster than it is read in a log. */
#define MIN_SECRET_LENGTH 4

static void
add_secret_locked (ConduitRedactor *self,
                   const char      *value)
{
  guint position;
  gsize length;

  if (value == NULL || strlen (value) < MIN_SECRET_LENGTH)
    return;

  if (g_ptr_array_find_with_equal_func (self->secrets, value, g_str_equal, NULL))
    return;

  length = strlen (value);
  for (position = 0; position < self->secrets->len; position++)
    if (strlen (g_ptr_array_index (self->secrets, position)) < length)
      break;

  g_ptr_array_insert (self->secrets, position, g_strdup (value));
  self->starts[(guchar)value[0]] = TRUE;
  if (strpbrk (value, CONDUIT_REDACTED) != NULL)
    self->marker_bytes = TRUE;
}

/* the form a secret takes inside JSON text the history keeps (json-glib's escapes) */
static char *
json_escape (const char *value)
{
  GString *out = g_string_sized_new (strlen (value) + 8);

  conduit_json_writer_append_escaped (out, value);
  return g_string_free (out, FALSE);
}

/**
 * conduit_redactor_add_secret:
 * @self: a redactor
 * @value: (nullable): a secret value; %NULL and values shorter than 4 bytes are ignored
 *
 * From now on @value, and its URL-encoded and JSON-escaped forms, are replaced by
 * %CONDUIT_REDACTED.
 */
void
conduit_redactor_add_secret (ConduitRedactor *self,
                             const char      *value)
{
  g_autofree char *url_form = NULL;
  g_autofree char *json_form = NULL;

  g_return_if_fail (CONDUIT_IS_REDACTOR (self));

  if (value == NULL || *value == '\0')
    return;

  url_form = g_uri_escape_string (value, NULL, FALSE);
  json_form = json_escape (value);

  g_mutex_lock (&self->mutex);
  add_secret_locked (self, value);
  add_secret_locked (self, url_form);
  add_secret_locked (self, json_form);
  g_mutex_unlock (&self->mutex);

  if (self != conduit_redactor_get_default ())
    conduit_redactor_add_secret (conduit_redactor_get_default (), value);

  explicit_bzero (url_form, strlen (url_form));
  explicit_bzero (json_form, strlen (json_form));
}

/**
 * conduit_redactor_add_header:
 * @self: a redactor
 * @name: a header name, such as "X-API-Key"
 *
 * From now on the value of header @name is replaced as a whole by
 * conduit_redactor_redact_headers(). Authorization, Proxy-Authorization, Cookie and
 * Set-Cookie always are.
 */
void
conduit_redactor_add_header (ConduitRedactor *self,
                             const char      *name)
{
  g_return_if_fail (CONDUIT_IS_REDACTOR (self));

  if (name == NULL || *name == '\0')
    return;

  g_mutex_lock (&self->mutex);
  g_hash_table_add (self->headers, g_ascii_strdown (name, -1));
  g_mutex_unlock (&self->mutex);

  if (self != conduit_redactor_get_default ())
    conduit_redactor_add_header (conduit_redactor_get_default (), name);
}

/**
 * conduit_redactor_add_credential:
 * @self: a redactor
 * @credential: a credential with its secrets loaded
 *
 * Adds the credential's secrets, the forms they take in requests (a Basic header's base64)
 * and the names of the headers it fills in.
 */
void
conduit_redactor_add_credential (ConduitRedactor   *self,
                                 ConduitCredential *credential)
{
  g_autoptr(GPtrArray) values = NULL;

  g_return_if_fail (CONDUIT_IS_REDACTOR (self));
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (credential));

  values = conduit_credential_list_secret_values (credential);
  for (guint i = 0; i < values->len; i++)
    conduit_redactor_add_secret (self, g_ptr_array_index (values, i));

  switch (conduit_credential_get_kind (credential))
    {
    case CONDUIT_CREDENTIAL_KIND_API_KEY:
      if (g_strcmp0 (conduit_credential_get_field (credential, "in"), "header") == 0)
        conduit_redactor_add_header (self, conduit_credential_get_field (credential, "header"));
      break;

    case CONDUIT_CREDENTIAL_KIND_BASIC:
      {
        const char *password = conduit_credential_get_secret (credential, "password");
        g_autofree char *pair = NULL;
        g_autofree char *encoded = NULL;

        if (password == NULL)
          break;

        pair = g_strdup_printf ("%s:%s",
                                conduit_credential_get_field (credential, "username"), password);
        encoded = g_base64_encode ((const guchar *)pair, strlen (pair));
        conduit_redactor_add_secret (self, encoded);
        explicit_bzero (pair, strlen (pair));
      }
      break;

    case CONDUIT_CREDENTIAL_KIND_HMAC:
      conduit_redactor_add_header (self, conduit_credential_get_field (credential, "header"));
      break;

    case CONDUIT_CREDENTIAL_KIND_BEARER:
    case CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS:
    default:
      break;
    }
}

/**
 * conduit_redactor_is_sensitive_header:
 * @self: a redactor
 * @name: a header name
 *
 * Returns: %TRUE if the value of header @name is never shown
 */
gboolean
conduit_redactor_is_sensitive_header (ConduitRedactor *self,
                                      const char      *name)
{
  g_autofree char *lower = NULL;
  gboolean sensitive;

  g_return_val_if_fail (CONDUIT_IS_REDACTOR (self), TRUE);
  g_return_val_if_fail (name != NULL, TRUE);

  lower = g_ascii_strdown (name, -1);
  g_mutex_lock (&self->mutex);
  sensitive = g_hash_table_contains (self->headers, lower);
  g_mutex_unlock (&self->mutex);

  if (!sensitive && self != conduit_redactor_get_default ())
    return conduit_redactor_is_sensitive_header (conduit_redactor_get_default (), name);
  return sensitive;
}

/* One pass, trying the longest secret first at each byte a secret can start with: history
 * bodies can be large, and replacing secret after secret costs a pass (and a memmove per
 * match) each. Returns %NULL when @text holds no secret, so that the caller copies it at most
 * once (most texts hold none, and a run without credentials has no secret at all). */
static char *
redact_or_null (ConduitRedactor *self,
                const char      *text)
{
  GString *result = NULL;
  const char *run;
  const char *p;

  run = text;

  g_mutex_lock (&self->mutex);
  if (self->secrets->len == 0)
    {
      g_mutex_unlock (&self->mutex);
      return NULL;
    }
  for (p = text; *p != '\0'; p++)
    {
      if (!self->starts[(guchar)*p])
        continue;

      for (guint i = 0; i < self->secrets->len; i++)
        {
          const char *secret = g_ptr_array_index (self->secrets, i);
          gsize length = strlen (secret);

          if (strncmp (p, secret, length) != 0)
            continue;

          if (result == NULL)
            result = g_string_sized_new (strlen (text) + 16);
          g_string_append_len (result, run, p - run);
          g_string_append (result, CONDUIT_REDACTED);
          p += length - 1;
          run = p + 1;
          break;
        }
    }
  g_mutex_unlock (&self->mutex);

  if (result == NULL)
    return NULL;
  g_string_append_len (result, run, p - run);
  return g_string_free (result, FALSE);
}

/* Whether a pass can leave a secret behind: one made of a replacement and the text around it
 * (a secret holding "•" bytes), which only a second pass finds. */
static gboolean
needs_second_pass (ConduitRedactor *self)
{
  gboolean needed;

  g_mutex_lock (&self->mutex);
  needed = self->marker_bytes;
  g_mutex_unlock (&self->mutex);
  return needed;
}

/**
 * conduit_redactor_redact:
 * @self: a redactor
 * @text: (nullable): any text: an error message, a response body, a log line
 *
 * Every secret the process knows is replaced, not only those added to @self: the default
 * redactor's too.
 *
 * Returns: (transfer full) (nullable): @text with every known secret replaced by
 *   %CONDUIT_REDACTED, or %NULL if @text is %NULL
 */
char *
conduit_redactor_redact (ConduitRedactor *self,
                         const char      *text)
{
  ConduitRedactor *process = conduit_redactor_get_default ();
  g_autofree char *own = NULL;
  g_autofree char *all = NULL;

  g_return_val_if_fail (CONDUIT_IS_REDACTOR (self), NULL);

  if (text == NULL)
    return NULL;

  /* @self's own secrets first, then the process's (which hold @self's too, and those added
   * since, as tokens fetched mid-run): the process's pass alone could take an overlapping
   * secret of another run first. Each pass reads the secrets as they are now. */
  if (self != process)
    own = redact_or_null (self, text);
  all = redact_or_null (process, own != NULL ? own : text);
  if (all != NULL && needs_second_pass (process))
    {
      char *again = redact_or_null (process, all);

      if (again != NULL)
        {
          g_free (all);
          all = again;
        }
    }

  if (all != NULL)
    return g_steal_pointer (&all);
  if (own != NULL)
    return g_steal_pointer (&own);
  return g_strdup (text);
}

typedef struct
{
  ConduitRedactor *self;
  JsonObject      *object;
} RedactHeadersData;

static void
redact_header (const char *name,
               const char *value,
               gpointer    user_data)
{
  RedactHeadersData *data = user_data;
  g_autofree char *shown = NULL;
  const char *previous;

  if (conduit_redactor_is_sensitive_header (data->self, name))
    shown = g_strdup (CONDUIT_REDACTED);
  else
    shown = conduit_redactor_redact (data->self, value);

  /* a header sent twice is one comma-separated header by HTTP's rules */
  previous = json_object_get_string_member_with_default (data->object, name, NULL);
  if (previous != NULL)
    {
      g_autofree char *joined = g_strdup_printf ("%s, %s", previous, shown);

      json_object_set_string_member (data->object, name, joined);
    }
  else
    {
      json_object_set_string_member (data->object, name, shown);
    }
}

/**
 * conduit_redactor_redact_headers:
 * @self: a redactor
 * @headers: request or response headers
 *
 * Returns: (transfer full): a JSON object of the headers for the run history, sensitive
 *   headers' values replaced by %CONDUIT_REDACTED and secrets in the others redacted
 */
JsonNode *
conduit_redactor_redact_headers (ConduitRedactor    *self,
                                 SoupMessageHeaders *headers)
{
  RedactHeadersData data;
  JsonNode *node;

  g_return_val_if_fail (CONDUIT_IS_REDACTOR (self), NULL);
  g_return_val_if_fail (headers != NULL, NULL);

  data.self = self;
  data.object = json_object_new ();
  soup_message_headers_foreach (headers, redact_header, &data);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, data.object);
  return node;
}

/**
 * conduit_redactor_log_writer:
 * @log_level: the message's level
 * @fields: (array length=n_fields): the structured log fields
 * @n_fields: the number of fields
 * @user_data: a #ConduitRedactor, or %NULL for the default one
 *
 * A #GLogWriterFunc that redacts the message and hands it to g_log_writer_default().
 *
 * Returns: what g_log_writer_default() returns
 */
GLogWriterOutput
conduit_redactor_log_writer (GLogLevelFlags   log_level,
                             const GLogField *fields,
                             gsize            n_fields,
                             gpointer         user_data)
{
  ConduitRedactor *self = user_data ? user_data : conduit_redactor_get_default ();
  g_autofree GLogField *copy = g_new (GLogField, n_fields);
  g_autoptr(GPtrArray) redacted = g_ptr_array_new_with_free_func (g_free);

  for (gsize i = 0; i < n_fields; i++)
    {
      copy[i] = fields[i];

      /* the text fields a person reads; CODE_FILE, PRIORITY and the like hold no secrets */
      if ((g_str_equal (fields[i].key, "MESSAGE") || g_str_equal (fields[i].key, "ERRNO_MESSAGE"))
          && fields[i].length < 0 && fields[i].value != NULL)
        {
          char *text = conduit_redactor_redact (self, fields[i].value);

          g_ptr_array_add (redacted, text);
          copy[i].value = text;
        }
    }

  return g_log_writer_default (log_level, copy, n_fields, NULL);
}

/**
 * conduit_redactor_install_log_writer:
 * @self: a redactor
 *
 * Makes every log line of the process pass through @self. GLib allows one writer per process,
 * so the app and the CLI call this once at start-up.
 */
void
conduit_redactor_install_log_writer (ConduitRedactor *self)
{
  g_return_if_fail (CONDUIT_IS_REDACTOR (self));

  g_log_set_writer_func (conduit_redactor_log_writer, g_object_ref (self), g_object_unref);
}
