/* conduit-mapping-value.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <string.h>

G_BEGIN_DECLS

/* The mapping engine's own record representation. A record, everything computed from it and
 * the mapped output all live in one ConduitArena that is reset between records, so streaming
 * a file costs no per-record malloc/free once the arena has grown to the size of a record.
 * JsonNode is only used at the edges of the public API. */

/* memcmp (a, b, length) == 0 without a call, for the short member names that a record is
 * looked up by (each lookup compares one or two): two overlapping loads that stay inside both
 * texts for 4 to 16 bytes. */
static inline gboolean
conduit_bytes_equal (const char *a,
                     const char *b,
                     gsize       length)
{
  if (length >= 8 && length <= 16)
    {
      guint64 x, y, z, w;

      memcpy (&x, a, 8);
      memcpy (&y, b, 8);
      memcpy (&z, a + length - 8, 8);
      memcpy (&w, b + length - 8, 8);
      return ((x ^ y) | (z ^ w)) == 0;
    }
  if (length >= 4 && length < 8)
    {
      guint32 x, y, z, w;

      memcpy (&x, a, 4);
      memcpy (&y, b, 4);
      memcpy (&z, a + length - 4, 4);
      memcpy (&w, b + length - 4, 4);
      return ((x ^ y) | (z ^ w)) == 0;
    }
  return memcmp (a, b, length) == 0;
}

typedef struct _ConduitArena ConduitArena;
typedef struct _ConduitArenaChunk ConduitArenaChunk;

/* The layout is here only so that conduit_arena_alloc(), the most frequent call of a mapping
 * (3–5 % of bench/mapping's time as a call), is inlined; use the functions. */
struct _ConduitArenaChunk
{
  ConduitArenaChunk *next;
  gsize              size;
  gsize              used;
  char               data[];
};

struct _ConduitArena
{
  ConduitArenaChunk *chunks;   /* the current chunk first */
};

ConduitArena *conduit_arena_new     (void);
void          conduit_arena_free    (ConduitArena *arena);
void          conduit_arena_reset   (ConduitArena *arena);
gpointer      conduit_arena_alloc_in_new_chunk (ConduitArena *arena,
                                                gsize         size);

/**
 * conduit_arena_alloc:
 * @arena: an arena
 * @size: bytes
 *
 * Returns: (transfer none): @size bytes, 8-aligned, valid until the next reset
 */
static inline gpointer
conduit_arena_alloc (ConduitArena *arena,
                     gsize         size)
{
  ConduitArenaChunk *chunk = arena->chunks;
  gsize offset = (chunk->used + 7) & ~(gsize)7;

  if (G_UNLIKELY (offset + size > chunk->size))
    return conduit_arena_alloc_in_new_chunk (arena, size);
  chunk->used = offset + size;
  return chunk->data + offset;
}

char         *conduit_arena_strndup (ConduitArena *arena,
                                     const char   *text,
                                     gsize         length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitArena, conduit_arena_free)

typedef enum
{
  CONDUIT_VALUE_NULL,
  CONDUIT_VALUE_BOOLEAN,
  CONDUIT_VALUE_INTEGER,
  CONDUIT_VALUE_DOUBLE,
  CONDUIT_VALUE_STRING,
  CONDUIT_VALUE_ARRAY,
  CONDUIT_VALUE_OBJECT,
} ConduitValueKind;

typedef struct _ConduitValue  ConduitValue;
typedef struct _ConduitMember ConduitMember;

/* Strings are UTF-8, not necessarily nul-terminated inside a parsed record: use len. */
struct _ConduitValue
{
  ConduitValueKind kind;
  guint            len;        /* bytes of a string, items of an array, members of an object */
  union
  {
    gboolean        boolean;
    gint64          integer;
    double          number;
    const char     *string;
    ConduitValue  **items;
    ConduitMember  *members;
  };
};

struct _ConduitMember
{
  const char   *key;
  guint         key_len;
  ConduitValue *value;
};

extern const ConduitValue conduit_value_null;
extern const ConduitValue conduit_value_explicit_null;
extern const ConduitValue conduit_value_true;
extern const ConduitValue conduit_value_false;

#define CONDUIT_VALUE_IS_NULL(v) ((v) == NULL || (v)->kind == CONDUIT_VALUE_NULL)

ConduitValue *conduit_value_new_string     (ConduitArena       *arena,
                                            const char         *text,
                                            gsize               length);
ConduitValue *conduit_value_new_string_take (ConduitArena      *arena,
                                            const char         *text,
                                            gsize               length);
ConduitValue *conduit_value_new_integer    (ConduitArena       *arena,
                                            gint64              integer);
ConduitValue *conduit_value_new_double     (ConduitArena       *arena,
                                            double              number);
ConduitValue *conduit_value_new_boolean    (gboolean            boolean);
typedef enum
{
  CONDUIT_TEXT_NOT_INTEGER,
  CONDUIT_TEXT_INTEGER,
  CONDUIT_TEXT_INTEGER_TOO_LARGE,   /* only digits, but beyond 64 bits */
} ConduitTextInteger;

ConduitTextInteger conduit_value_parse_integer_text (const char *text,
                                                     gsize       length,
                                                     gint64     *out);
ConduitValue *conduit_value_object_get     (const ConduitValue *object,
                                            const char         *key,
                                            gsize               key_len);
gboolean      conduit_value_is_empty       (const ConduitValue *value);
gboolean      conduit_value_is_truthy      (const ConduitValue *value);
gboolean      conduit_value_get_number     (const ConduitValue *value,
                                            double             *number);
gboolean      conduit_value_equal          (const ConduitValue *a,
                                            const ConduitValue *b);
const char   *conduit_value_to_text        (ConduitArena       *arena,
                                            const ConduitValue *value,
                                            gsize              *length);
void          conduit_value_write_json     (GString            *out,
                                            const ConduitValue *value);
void          conduit_value_write_json_string (GString         *out,
                                            const char         *text,
                                            gsize               length);
void          conduit_value_write_number   (GString            *out,
                                            double              number);
ConduitValue *conduit_value_from_json_node (ConduitArena       *arena,
                                            JsonNode           *node);
JsonNode     *conduit_value_to_json_node   (const ConduitValue *value);
gboolean      conduit_value_holds_nul      (const ConduitValue *value);
ConduitValue *conduit_value_copy           (ConduitArena       *arena,
                                            const ConduitValue *value);

/* A reusable parser of JSON text into arena values: the stacks it needs to build arrays and
 * objects of unknown size are kept between calls. */
typedef struct _ConduitJsonReader ConduitJsonReader;

ConduitJsonReader *conduit_json_reader_new   (void);
void               conduit_json_reader_free  (ConduitJsonReader  *reader);
ConduitValue      *conduit_json_reader_parse (ConduitJsonReader  *reader,
                                              ConduitArena       *arena,
                                              const char         *text,
                                              gsize               length,
                                              gsize              *error_offset,
                                              const char        **error_message);
const char        *conduit_json_reader_get_duplicate (ConduitJsonReader *reader,
                                                      gsize             *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitJsonReader, conduit_json_reader_free)

G_END_DECLS
