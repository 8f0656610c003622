/* conduit-openapi-import-download.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-openapi-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "conduit-openapi-import.h"

/* Downloading a description someone named by its address. Only that one address is fetched
 * (a `$ref` to another file never is), and reading stops past the 20 MB limit instead of
 * holding whatever a server sends. */

#define READ_CHUNK (64 * 1024)

static void
download_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  const char *address = task_data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  guint status;

  if (!g_str_has_prefix (address, "https://") && !g_str_has_prefix (address, "http://"))
    {
      g_task_return_new_error (task, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                               _("%s: only http:// and https:// addresses can be downloaded"), address);
      return;
    }
  if (!(message = soup_message_new ("GET", address)))
    {
      g_task_return_new_error (task, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                               _("%s: not a valid address"), address);
      return;
    }
  soup_message_headers_append (soup_message_get_request_headers (message), "Accept",
                               "application/json, application/yaml, text/yaml, */*");

  if (!(stream = soup_session_send (session, message, cancellable, &error)))
    {
      g_task_return_new_error (task, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                               _("%s: %s"), address, error->message);
      return;
    }
  status = soup_message_get_status (message);
  if (status < 200 || status > 299)
    {
      g_task_return_new_error (task, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                               _("%s: the server answered %u %s"), address, status,
                               soup_message_get_reason_phrase (message));
      return;
    }

  for (;;)
    {
      g_autoptr(GBytes) chunk = g_input_stream_read_bytes (stream, READ_CHUNK, cancellable, &error);

      if (chunk == NULL)
        {
          g_task_return_new_error (task, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                                   _("%s: %s"), address, error->message);
          return;
        }
      if (g_bytes_get_size (chunk) == 0)
        break;
      g_byte_array_append (data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      if (data->len > CONDUIT_OPENAPI_IMPORT_MAX_BYTES)
        {
          g_task_return_new_error (task, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_TOO_LARGE,
                                   _("%s: the description is larger than %u MB, the most Conduit imports"),
                                   address, CONDUIT_OPENAPI_IMPORT_MAX_BYTES / (1024 * 1024));
          return;
        }
    }
  g_input_stream_close (stream, NULL, NULL);
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&data)),
                         (GDestroyNotify)g_bytes_unref);
}

/**
 * conduit_openapi_download_async:
 * @address: an http:// or https:// address of a description
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Downloads a description, refusing one over %CONDUIT_OPENAPI_IMPORT_MAX_BYTES.
 */
void
conduit_openapi_download_async (const char          *address,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (address != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_openapi_download_async);
  g_task_set_task_data (task, g_strdup (address), g_free);
  g_task_run_in_thread (task, download_in_thread);
}

/**
 * conduit_openapi_download_finish:
 * @result: the result given to the callback
 * @error: a location for a #GError, naming the address
 *
 * Returns: (transfer full): the description's bytes, or %NULL
 */
GBytes *
conduit_openapi_download_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
