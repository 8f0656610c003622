/* conduit-webhook-server-parse.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-webhook-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "conduit-json-tree.h"
#include "conduit-json-text.h"
#include "conduit-webhook-server-private.h"

/* What a webhook request's body and signature must be to be taken: the media types, how a
 * body becomes the items of a run, and the signature checks, with the memory of signatures
 * already seen that refuses a replayed event.
 *
 * Media types: application/json (and any application/…+json), form data
 * (application/x-www-form-urlencoded), and for a trigger that takes batches
 * application/x-ndjson. A request without a Content-Type is read as JSON when its first
 * character that is not a space is { or [; anything else without a type, and every other
 * type, is refused with 415.
 */

#define MAX_JSON_DEPTH 256

/* One form field's name or value: '+' is a space, %XX a byte. NULL when an escape is broken,
 * stands for NUL, or the text is not UTF-8 once decoded. */
static char *
decode_form_text (const char *start,
                  const char *end)
{
  g_autofree char *plus = g_strndup (start, end - start);
  char *decoded;

  g_strdelimit (plus, "+", ' ');
  decoded = g_uri_unescape_string (plus, NULL);
  if (decoded != NULL && !g_utf8_validate (decoded, -1, NULL))
    g_clear_pointer (&decoded, g_free);
  return decoded;
}

/* Form data as one object of strings. Not soup_form_decode(): it skips a field with a broken
 * escape and keeps only the last of fields sharing a name, silently. Here a broken field
 * refuses the event, naming it, and repeated names (checkboxes) become an array of values. */
static JsonObject *
parse_form (const char  *data,
            gsize        length,
            char       **problem)
{
  g_autoptr(JsonObject) object = json_object_new ();
  const char *end, *pair;
  guint position = 0;

  /* An empty body (a form with no fields) has no data at all. */
  if (length == 0)
    return g_steal_pointer (&object);
  end = data + length;
  pair = data;

  if (!g_utf8_validate (data, (gssize)length, NULL))
    {
      *problem = g_strdup (_("the form data is not UTF-8 text"));
      return NULL;
    }

  while (pair < end)
    {
      const char *pair_end = memchr (pair, '&', end - pair);
      const char *equals;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      JsonNode *existing;

      if (pair_end == NULL)
        pair_end = end;
      position++;
      if (pair_end == pair)
        {
          pair = pair_end + 1;
          continue;
        }

      equals = memchr (pair, '=', pair_end - pair);
      name = decode_form_text (pair, equals != NULL ? equals : pair_end);
      value = equals != NULL ? decode_form_text (equals + 1, pair_end) : g_strdup ("");
      if (name == NULL || value == NULL)
        {
          *problem = g_strdup_printf (_("form field %u has a broken escape, a NUL character or "
                                        "text that is not UTF-8"), position);
          return NULL;
        }

      existing = json_object_get_member (object, name);
      if (existing == NULL)
        json_object_set_string_member (object, name, value);
      else if (JSON_NODE_HOLDS_ARRAY (existing))
        json_array_add_string_element (json_node_get_array (existing), value);
      else
        {
          JsonArray *values = json_array_new ();

          json_array_add_string_element (values, json_node_get_string (existing));
          json_array_add_string_element (values, value);
          json_object_set_array_member (object, name, values);
        }

      pair = pair_end + 1;
    }

  return g_steal_pointer (&object);
}

/**
 * conduit_webhook_media_kind:
 * @content_type: (nullable): a media type without parameters
 *
 * Returns: what kind of body the type announces
 */
MediaKind
conduit_webhook_media_kind (const char *content_type)
{
  if (content_type == NULL || *content_type == '\0')
    return MEDIA_NONE;
  if (g_ascii_strcasecmp (content_type, "application/json") == 0 ||
      (g_ascii_strncasecmp (content_type, "application/", 12) == 0 &&
       g_str_has_suffix (content_type, "+json")))
    return MEDIA_JSON;
  if (g_ascii_strcasecmp (content_type, "application/x-ndjson") == 0 ||
      g_ascii_strcasecmp (content_type, "application/jsonl") == 0)
    return MEDIA_NDJSON;
  if (g_ascii_strcasecmp (content_type, "application/x-www-form-urlencoded") == 0)
    return MEDIA_FORM;
  return MEDIA_OTHER;
}

static const char *
skip_spaces (const char *p,
             const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

static guint
line_at (const char *data,
         const char *p)
{
  guint line = 1;

  for (const char *q = data; q < p; q++)
    line += *q == '\n';
  return line;
}

/* One pass over JSON text for what json-glib lets through silently: it reads a "\u0000" escape
 * as the end of the string (the rest is lost), and it stops after the first document of a body
 * that holds several. Sets @end to just after the first document when it is an object or an
 * array, @nul to the first \u0000 escape in a string, and @u_escapes (when given) to whether
 * any \u escape is in a string: only those can make text that is not UTF-8 out of text that
 * is. */
static void
scan_json_text (const char  *data,
                gsize        length,
                const char **end,
                const char **nul,
                gboolean    *u_escapes)
{
  const char *limit = data + length;
  const char *p = skip_spaces (data, limit);
  gboolean in_string = FALSE;
  gboolean any_u = FALSE;
  gboolean structured = p < limit && (*p == '{' || *p == '[');
  guint depth = 0;

  *end = NULL;
  *nul = NULL;
  for (; p < limit; p++)
    {
      if (in_string)
        {
          if (*p == '\\' && p + 1 < limit)
            {
              if (p[1] == 'u')
                any_u = TRUE;
              if (p[1] == 'u' && limit - p >= 6 && memcmp (p + 2, "0000", 4) == 0 && *nul == NULL)
                *nul = p;
              p++;
            }
          else if (*p == '"')
            in_string = FALSE;
          continue;
        }
      if (*p == '"')
        in_string = TRUE;
      else if (*p == '{' || *p == '[')
        depth++;
      else if ((*p == '}' || *p == ']') && depth > 0)
        {
          depth--;
          if (depth == 0 && structured)
            {
              *end = p + 1;
              break;
            }
        }
    }

  if (u_escapes != NULL)
    *u_escapes = any_u;
}

static GPtrArray *
parse_json (const char  *data,
            gsize        length,
            char       **problem)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *bad_pointer = NULL;
  const char *first_end, *nul, *rest;
  gboolean u_escapes = FALSE;
  guint line = 0;
  JsonNode *root;

  /* json-glib parses recursively: a body of a million '[' would overflow the stack. */
  if (!conduit_json_text_check_depth (data, length, MAX_JSON_DEPTH, &line))
    {
      *problem = g_strdup_printf (_("the JSON nests more than %u levels deep (line %u)"),
                                  MAX_JSON_DEPTH, line);
      return NULL;
    }

  /* json-glib would read 1e400 as infinity and 2^64 as -1: the value would change silently. */
  if (!conduit_json_text_check_numbers (data, length, &line, &token))
    {
      *problem = g_strdup_printf (_("the number %.40s on line %u is too large to be kept exactly"),
                                  token, line);
      return NULL;
    }

  scan_json_text (data, length, &first_end, &nul, &u_escapes);
  if (nul != NULL)
    {
      *problem = g_strdup_printf (_("a string on line %u holds \\u0000 (a NUL character), "
                                    "which cannot be kept in text"), line_at (data, nul));
      return NULL;
    }
  if (first_end != NULL &&
      (rest = skip_spaces (first_end, data + length)) < data + length)
    {
      *problem = g_strdup_printf (_("the body holds more than one JSON document (another starts "
                                    "on line %u); send one per request, or let the trigger take "
                                    "NDJSON batches"), line_at (data, rest));
      return NULL;
    }

  if (length == 0 || !conduit_json_tree_parse (data, length, TRUE, &parsed, &error))
    {
      /* json-glib quotes the offending bytes, which need not be UTF-8: the answer must be. */
      g_autofree char *why = error != NULL ? g_utf8_make_valid (error->message, -1) : NULL;

      *problem = g_strdup_printf (_("the body is not JSON or form data: %s"),
                                  why != NULL ? why : _("it is empty"));
      return NULL;
    }

  /* json-glib takes a body of only spaces as valid JSON with no root. */
  root = parsed;
  if (root == NULL)
    {
      *problem = g_strdup (_("the body is not JSON or form data: it holds only spaces"));
      return NULL;
    }
  /* Strings cut from UTF-8 text without \u escapes are UTF-8: the walk through the tree is
   * only needed otherwise. */
  if (u_escapes || !g_utf8_validate_len (data, length, NULL))
    bad_pointer = conduit_json_node_find_invalid_utf8 (root);
  if (bad_pointer != NULL)
    {
      if (bad_pointer[0] == '\0')
        *problem = g_strdup (_("the body’s text is not UTF-8 (a broken \\u escape?)"));
      else
        *problem = g_strdup_printf (_("the text at “%s” is not UTF-8 (a broken \\u escape?)"),
                                    bad_pointer);
      return NULL;
    }

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      g_ptr_array_add (items, json_node_ref (root));
      return g_steal_pointer (&items);
    }

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              *problem = g_strdup_printf (_("entry %u of the JSON array is not an object"), i + 1);
              return NULL;
            }
          g_ptr_array_add (items, json_node_ref (element));
        }
      if (items->len > 0)
        return g_steal_pointer (&items);
    }

  *problem = g_strdup (_("the JSON must be an object, or an array of objects"));
  return NULL;
}

/* A batch: one JSON document after the other, each an object or an array of objects, all of
 * them kept in order. NDJSON (one a line) is the usual form; documents spread over lines or
 * written back to back ([…][…]) are split the same way. */
static GPtrArray *
parse_batch (const char  *data,
             gsize        length,
             char       **problem)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  const char *limit = data + length;
  const char *p = skip_spaces (data, limit);
  guint number = 0;

  while (p < limit)
    {
      g_autoptr(GPtrArray) document = NULL;
      g_autofree char *why = NULL;
      const char *end, *nul;

      number++;
      scan_json_text (p, limit - p, &end, &nul, NULL);
      if (end == NULL)
        end = limit;
      document = parse_json (p, end - p, &why);
      if (document == NULL)
        {
          *problem = g_strdup_printf (_("document %u of the batch (from line %u): %s"), number,
                                      line_at (data, p), why);
          return NULL;
        }
      for (guint i = 0; i < document->len; i++)
        g_ptr_array_add (items, json_node_ref (g_ptr_array_index (document, i)));
      p = skip_spaces (end, limit);
    }

  if (items->len == 0)
    return parse_json (data, length, problem);
  return g_steal_pointer (&items);
}

/**
 * conduit_webhook_server_parse_event:
 * @content_type: (nullable): the request's media type, without parameters
 * @body: the request's body
 * @problem: (out) (transfer full): why the body is refused, when it is
 *
 * conduit_webhook_server_parse_event_full() for one document.
 *
 * Returns: (transfer container) (element-type JsonNode) (nullable): the items, never empty, or
 *   %NULL with @problem set
 */
GPtrArray *
conduit_webhook_server_parse_event (const char  *content_type,
                                    GBytes      *body,
                                    char       **problem)
{
  return conduit_webhook_server_parse_event_full (content_type, body, CONDUIT_WEBHOOK_PARSE_NONE,
                                                  NULL, problem);
}

/**
 * conduit_webhook_server_parse_event_full:
 * @content_type: (nullable): the request's media type, without parameters
 * @body: the request's body
 * @flags: whether several documents, one a line, are a batch of events
 * @status: (out) (optional): the HTTP status to refuse with: 400, or 415 for a media type that
 *   is not taken
 * @problem: (out) (transfer full): why the body is refused, when it is
 *
 * Turns a webhook request's body into the items of a run: form data becomes one object of
 * strings (a name given more than once, an array of them); JSON must be an object or an array
 * of objects. A body without a media type is read as JSON when it starts with { or [.
 * Refused: another media type; text that is not UTF-8; JSON nested deeper than 256 levels,
 * with numbers JSON cannot keep exactly, or with a "\u0000" escape (which would cut its string
 * short); several JSON documents, unless @flags takes NDJSON batches, when each document (one
 * a line, or one after the other) is kept, in order; JSON sent as form data; anything else that is not JSON.
 *
 * Returns: (transfer container) (element-type JsonNode) (nullable): the items, never empty, or
 *   %NULL with @problem set
 */
GPtrArray *
conduit_webhook_server_parse_event_full (const char                *content_type,
                                         GBytes                    *body,
                                         ConduitWebhookParseFlags   flags,
                                         guint                     *status,
                                         char                     **problem)
{
  gsize length = 0;
  const char *data;
  const char *first;
  MediaKind kind;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (problem != NULL, NULL);

  data = g_bytes_get_data (body, &length);
  if (data == NULL)
    data = "";
  first = skip_spaces (data, data + length);
  kind = conduit_webhook_media_kind (content_type);
  if (status != NULL)
    *status = SOUP_STATUS_BAD_REQUEST;

  if (kind == MEDIA_NONE)
    {
      if (first < data + length && (*first == '{' || *first == '['))
        kind = MEDIA_JSON;
      else
        {
          *problem = g_strdup (_("the request has no Content-Type; send JSON as "
                                 "application/json or form data as "
                                 "application/x-www-form-urlencoded"));
          if (status != NULL)
            *status = SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE;
          return NULL;
        }
    }

  if (kind == MEDIA_OTHER || (kind == MEDIA_NDJSON && !(flags & CONDUIT_WEBHOOK_PARSE_NDJSON)))
    {
      g_autofree char *shown = g_utf8_make_valid (content_type, -1);

      *problem = g_strdup_printf (_("the Content-Type “%.60s” is not taken here; send JSON as "
                                    "application/json or form data as "
                                    "application/x-www-form-urlencoded"), shown);
      if (status != NULL)
        *status = SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE;
      return NULL;
    }

  if (kind == MEDIA_FORM)
    {
      g_autoptr(GPtrArray) items = NULL;
      JsonObject *object;

      /* A form field's name never starts with { or [: this is JSON with the wrong type, which
       * would otherwise become one field named after the whole document. */
      if (first < data + length && (*first == '{' || *first == '['))
        {
          *problem = g_strdup (_("the body is JSON but was sent as form data "
                                 "(application/x-www-form-urlencoded); send it as "
                                 "application/json"));
          return NULL;
        }
      object = parse_form (data, length, problem);
      if (object == NULL)
        return NULL;
      items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      g_ptr_array_add (items, json_node_init_object (json_node_alloc (), object));
      json_object_unref (object);
      return g_steal_pointer (&items);
    }

  if (flags & CONDUIT_WEBHOOK_PARSE_NDJSON)
    return parse_batch (data, length, problem);
  return parse_json (data, length, problem);
}

/* Signatures */

/* Constant time, so the answer's timing does not tell how much of a guess was right. Spaces
 * around the digest are allowed; case does not matter. */
static gboolean
digest_equal (const char *given,
              gsize       given_length,
              const char *expected)
{
  gsize length = strlen (expected);
  guint difference = 0;

  while (given_length > 0 && g_ascii_isspace (*given))
    given++, given_length--;
  while (given_length > 0 && g_ascii_isspace (given[given_length - 1]))
    given_length--;
  if (given_length != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    difference |= (guint)(g_ascii_tolower (given[i]) ^ expected[i]);
  return difference == 0;
}

static char *
hmac_hex (Route       *route,
          const char  *prefix,
          GBytes      *body)
{
  gsize key_length = 0, body_length = 0;
  const guchar *key = g_bytes_get_data (route->secret, &key_length);
  const guchar *data = g_bytes_get_data (body, &body_length);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);

  if (prefix != NULL)
    g_hmac_update (hmac, (const guchar *)prefix, -1);
  if (body_length > 0)
    g_hmac_update (hmac, data, body_length);
  return g_strdup (g_hmac_get_string (hmac));
}

/* Signatures of timestamped events seen within their tolerance, process-wide: the servers of
 * all worker threads share a port, and a replay may reach any of them. Key: path, then the
 * digest; value: when it may be forgotten (seconds since 1970). Only signatures that matched are kept, so the
 * table grows only with genuine events, and expired ones go at each insertion. */
static GMutex seen_mutex;
static GHashTable *seen_signatures;
static gint64 seen_next_sweep;

static gboolean
remember_signature (Route      *route,
                    const char *digest,
                    gint64      now_us)
{
  g_autofree char *key = g_strdup_printf ("%s:%u%s\n%s", route->host, route->port, route->path,
                                          digest);
  guint now_s = (guint)(now_us / G_USEC_PER_SEC);
  guint forget_at = now_s + route->tolerance_s * 2;
  gboolean fresh;

  g_mutex_lock (&seen_mutex);
  if (seen_signatures == NULL)
    seen_signatures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (now_us >= seen_next_sweep)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, seen_signatures);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (GPOINTER_TO_UINT (value) < now_s)
          g_hash_table_iter_remove (&iter);
      seen_next_sweep = now_us + G_USEC_PER_SEC;
    }
  fresh = !g_hash_table_contains (seen_signatures, key);
  if (fresh)
    g_hash_table_insert (seen_signatures, g_steal_pointer (&key), GUINT_TO_POINTER (forget_at));
  g_mutex_unlock (&seen_mutex);
  return fresh;
}

/* The time of a timestamped signature: whole seconds since 1970, nothing else. */
static gboolean
parse_timestamp (const char *text,
                 gsize       length,
                 gint64     *seconds)
{
  guint64 value = 0;

  if (length == 0 || length > 12)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint64)(text[i] - '0');
    }
  *seconds = (gint64)value;
  return TRUE;
}

/**
 * conduit_webhook_signature_matches:
 * @route: a route with a secret
 * @headers: the request's headers
 * @body: the request's body
 * @now_us: the time now, in µs since 1970
 * @problem: (out): why the signature is refused
 *
 * Checks the HMAC-SHA256 signature of a request, with its signed timestamp when the route's
 * scheme has one: the timestamp must be within the tolerance of @now_us, and a signature that
 * matched before (within twice the tolerance) is a replay.
 *
 * Returns: whether the event may be taken
 */
gboolean
conduit_webhook_signature_matches (Route               *route,
                                   SoupMessageHeaders  *headers,
                                   GBytes              *body,
                                   gint64               now_us,
                                   char               **problem)
{
  const char *header = soup_message_headers_get_one (headers, route->signature_header);
  g_autofree char *expected = NULL;
  g_autofree char *signed_prefix = NULL;
  const char *timestamp_text = NULL;
  gsize timestamp_length = 0;
  gint64 timestamp = 0;
  gboolean matched = FALSE;

  if (header == NULL)
    {
      *problem = g_strdup_printf (_("the signature header %s is missing"),
                                  route->signature_header);
      return FALSE;
    }

  switch (route->timestamp)
    {
    case CONDUIT_SIGNATURE_TIMESTAMP_NONE:
      {
        const char *digest = header;

        while (g_ascii_isspace (*digest))
          digest++;
        if (g_ascii_strncasecmp (digest, "sha256=", 7) == 0)
          digest += 7;
        expected = hmac_hex (route, NULL, body);
        if (!digest_equal (digest, strlen (digest), expected))
          {
            *problem = g_strdup (_("the signature does not match"));
            return FALSE;
          }
        return TRUE;
      }

    case CONDUIT_SIGNATURE_TIMESTAMP_STRIPE:
      {
        g_auto(GStrv) parts = g_strsplit (header, ",", -1);

        /* t=TIME,v1=HEX[,v1=HEX…]: more than one v1 while a secret is being rolled over. */
        for (guint i = 0; parts[i] != NULL; i++)
          {
            char *part = g_strstrip (parts[i]);

            if (g_str_has_prefix (part, "t=") && timestamp_text == NULL)
              {
                timestamp_text = part + 2;
                timestamp_length = strlen (timestamp_text);
              }
          }
        if (timestamp_text == NULL || !parse_timestamp (timestamp_text, timestamp_length,
                                                        &timestamp))
          {
            *problem = g_strdup_printf (_("the signature header %s has no timestamp t=…"),
                                        route->signature_header);
            return FALSE;
          }
        signed_prefix = g_strdup_printf ("%" G_GINT64_FORMAT ".", timestamp);
        expected = hmac_hex (route, signed_prefix, body);
        for (guint i = 0; parts[i] != NULL; i++)
          if (g_str_has_prefix (parts[i], "v1=") &&
              digest_equal (parts[i] + 3, strlen (parts[i] + 3), expected))
            matched = TRUE;
      }
      break;

    case CONDUIT_SIGNATURE_TIMESTAMP_SLACK:
      {
        const char *digest = header;

        timestamp_text = soup_message_headers_get_one (headers, "X-Slack-Request-Timestamp");
        if (timestamp_text == NULL ||
            !parse_timestamp (timestamp_text, strlen (timestamp_text), &timestamp))
          {
            *problem = g_strdup (_("the header X-Slack-Request-Timestamp is missing or not a "
                                   "time"));
            return FALSE;
          }
        while (g_ascii_isspace (*digest))
          digest++;
        signed_prefix = g_strdup_printf ("v0:%" G_GINT64_FORMAT ":", timestamp);
        expected = hmac_hex (route, signed_prefix, body);
        matched = g_str_has_prefix (digest, "v0=") &&
                  digest_equal (digest + 3, strlen (digest + 3), expected);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (!matched)
    {
      *problem = g_strdup (_("the signature does not match"));
      return FALSE;
    }

  /* Checked after the signature, so that the time cannot be forged. */
  if (ABS (now_us / G_USEC_PER_SEC - timestamp) > (gint64)route->tolerance_s)
    {
      *problem = g_strdup_printf (_("the signed timestamp is %" PRId64 " seconds away "
                                    "from now; more than %u is refused (a replay, or a wrong "
                                    "clock)"),
                                  ABS (now_us / G_USEC_PER_SEC - timestamp), route->tolerance_s);
      return FALSE;
    }
  if (!remember_signature (route, expected, now_us))
    {
      *problem = g_strdup (_("this signature was already used: the event is a replay"));
      return FALSE;
    }
  return TRUE;
}
