/* fuzz-trickle-stream.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

/* An input stream over a buffer that hands out at most a few bytes per read, the way a slow
 * pipe or socket does: the readers' chunk boundaries then fall everywhere, mid-quote and
 * mid-character included. */

#define FUZZ_TYPE_TRICKLE_STREAM (fuzz_trickle_stream_get_type ())
G_DECLARE_FINAL_TYPE (FuzzTrickleStream, fuzz_trickle_stream, FUZZ, TRICKLE_STREAM, GInputStream)

struct _FuzzTrickleStream
{
  GInputStream  parent_instance;
  const guint8 *data;
  gsize         size;
  gsize         position;
  gsize         step;
};

G_DEFINE_FINAL_TYPE (FuzzTrickleStream, fuzz_trickle_stream, G_TYPE_INPUT_STREAM)

static gssize
fuzz_trickle_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  FuzzTrickleStream *self = FUZZ_TRICKLE_STREAM (stream);
  gsize n = MIN (MIN (count, self->step), self->size - self->position);

  memcpy (buffer, self->data + self->position, n);
  self->position += n;

  return n;
}

static gboolean
fuzz_trickle_stream_close (GInputStream  *stream,
                           GCancellable  *cancellable,
                           GError       **error)
{
  return TRUE;
}

static void
fuzz_trickle_stream_class_init (FuzzTrickleStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  stream_class->read_fn = fuzz_trickle_stream_read;
  stream_class->close_fn = fuzz_trickle_stream_close;
}

static void
fuzz_trickle_stream_init (FuzzTrickleStream *self)
{
}

/* @step 0 means the whole buffer in one read. The buffer must outlive the stream. */
static inline GInputStream *
fuzz_trickle_stream_new (const guint8 *data,
                         gsize         size,
                         gsize         step)
{
  FuzzTrickleStream *self = g_object_new (FUZZ_TYPE_TRICKLE_STREAM, NULL);

  self->data = data;
  self->size = size;
  self->step = step ? step : G_MAXSIZE;

  return G_INPUT_STREAM (self);
}
