/* conduit-note.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-note"

#include "config.h"

#include <math.h>

#include "conduit-note.h"

/* A sticky note on the canvas: text a person leaves beside the steps ("the CRM rate-limits
 * at night"), with a colour from a small fixed palette and a box in canvas units. Notes are
 * part of the flow file so they travel with it, but they are no step: the runner, the checks
 * and the history never look at them.
 */

struct _ConduitNote
{
  GObject  parent_instance;

  char    *id;
  char    *text;
  char    *color;   /* NULL: the default, yellow */
  double   x, y;
  double   width, height;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_TEXT,
  PROP_COLOR,
  PROP_X,
  PROP_Y,
  PROP_WIDTH,
  PROP_HEIGHT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitNote, conduit_note, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* The palette names colours by what they are, not by how they are painted: the canvas picks
 * a light or dark tint of each for the style in use. "yellow" is the default and is left out
 * of the file. */
static const char * const colors[] = { "yellow", "orange", "red", "purple", "blue", "green",
                                       "grey", NULL };

static void
conduit_note_finalize (GObject *object)
{
  ConduitNote *self = (ConduitNote *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->color, g_free);

  G_OBJECT_CLASS (conduit_note_parent_class)->finalize (object);
}

static void
conduit_note_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ConduitNote *self = CONDUIT_NOTE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_COLOR:
      g_value_set_string (value, conduit_note_get_color (self));
      break;
    case PROP_X:
      g_value_set_double (value, self->x);
      break;
    case PROP_Y:
      g_value_set_double (value, self->y);
      break;
    case PROP_WIDTH:
      g_value_set_double (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_double (value, self->height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_note_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ConduitNote *self = CONDUIT_NOTE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_TEXT:
      conduit_note_set_text (self, g_value_get_string (value));
      break;
    case PROP_COLOR:
      conduit_note_set_color (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_note_class_init (ConduitNoteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = conduit_note_finalize;
  object_class->get_property = conduit_note_get_property;
  object_class->set_property = conduit_note_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_COLOR] =
    g_param_spec_string ("color", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_X] =
    g_param_spec_double ("x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_Y] =
    g_param_spec_double ("y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_WIDTH] =
    g_param_spec_double ("width", NULL, NULL, 0, G_MAXDOUBLE, CONDUIT_NOTE_DEFAULT_WIDTH,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_HEIGHT] =
    g_param_spec_double ("height", NULL, NULL, 0, G_MAXDOUBLE, CONDUIT_NOTE_DEFAULT_HEIGHT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conduit_note_init (ConduitNote *self)
{
  self->width = CONDUIT_NOTE_DEFAULT_WIDTH;
  self->height = CONDUIT_NOTE_DEFAULT_HEIGHT;
}

/**
 * conduit_note_new:
 * @id: the note's id, unique among the flow's notes
 *
 * Returns: (transfer full): an empty yellow note of the default size at (0, 0)
 */
ConduitNote *
conduit_note_new (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (CONDUIT_TYPE_NOTE, "id", id, NULL);
}

/**
 * conduit_note_copy:
 * @self: a note
 * @new_id: the id of the copy
 *
 * Returns: (transfer full): a copy of @self under another id
 */
ConduitNote *
conduit_note_copy (ConduitNote *self,
                   const char  *new_id)
{
  ConduitNote *copy;

  g_return_val_if_fail (CONDUIT_IS_NOTE (self), NULL);

  copy = conduit_note_new (new_id);
  copy->text = g_strdup (self->text);
  copy->color = g_strdup (self->color);
  copy->x = self->x;
  copy->y = self->y;
  copy->width = self->width;
  copy->height = self->height;
  return copy;
}

const char *
conduit_note_get_id (ConduitNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_NOTE (self), NULL);
  return self->id;
}

/**
 * conduit_note_get_text:
 * @self: a note
 *
 * Returns: the note's text, possibly several lines; "" when empty
 */
const char *
conduit_note_get_text (ConduitNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_NOTE (self), NULL);
  return self->text ? self->text : "";
}

void
conduit_note_set_text (ConduitNote *self,
                       const char  *text)
{
  g_return_if_fail (CONDUIT_IS_NOTE (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

/**
 * conduit_note_get_color:
 * @self: a note
 *
 * Returns: the note's colour, one of conduit_note_list_colors()
 */
const char *
conduit_note_get_color (ConduitNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_NOTE (self), NULL);
  return self->color ? self->color : colors[0];
}

/**
 * conduit_note_set_color:
 * @self: a note
 * @color: (nullable): one of conduit_note_list_colors(), or %NULL for the default
 *
 * The model keeps what it is given (a file names an unknown colour only when it is refused
 * by the loader); the canvas paints an unknown colour as the default.
 */
void
conduit_note_set_color (ConduitNote *self,
                        const char  *color)
{
  g_return_if_fail (CONDUIT_IS_NOTE (self));

  if (g_strcmp0 (color, colors[0]) == 0)
    color = NULL;
  if (g_strcmp0 (self->color, color) == 0)
    return;
  g_free (self->color);
  self->color = g_strdup (color);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
}

double
conduit_note_get_x (ConduitNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_NOTE (self), 0);
  return self->x;
}

double
conduit_note_get_y (ConduitNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_NOTE (self), 0);
  return self->y;
}

double
conduit_note_get_width (ConduitNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_NOTE (self), 0);
  return self->width;
}

double
conduit_note_get_height (ConduitNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_NOTE (self), 0);
  return self->height;
}

/**
 * conduit_note_set_position:
 * @self: a note
 * @x: canvas x of the note's top-left corner
 * @y: canvas y of the note's top-left corner
 */
void
conduit_note_set_position (ConduitNote *self,
                           double       x,
                           double       y)
{
  gboolean x_changed, y_changed;

  g_return_if_fail (CONDUIT_IS_NOTE (self));

  x_changed = self->x != x;
  y_changed = self->y != y;
  self->x = x;
  self->y = y;
  if (x_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X]);
  if (y_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y]);
}

/**
 * conduit_note_set_size:
 * @self: a note
 * @width: in canvas units, at least %CONDUIT_NOTE_MIN_WIDTH
 * @height: in canvas units, at least %CONDUIT_NOTE_MIN_HEIGHT
 */
void
conduit_note_set_size (ConduitNote *self,
                       double       width,
                       double       height)
{
  gboolean width_changed, height_changed;

  g_return_if_fail (CONDUIT_IS_NOTE (self));

  width = MAX (width, CONDUIT_NOTE_MIN_WIDTH);
  height = MAX (height, CONDUIT_NOTE_MIN_HEIGHT);
  width_changed = self->width != width;
  height_changed = self->height != height;
  self->width = width;
  self->height = height;
  if (width_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH]);
  if (height_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEIGHT]);
}

static JsonNode *
number_to_json (double value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  /* whole numbers stay integers in the file, as for a node's position */
  if (value == floor (value) && fabs (value) < 1e15)
    json_node_set_int (node, (gint64)value);
  else
    json_node_set_double (node, value);
  return node;
}

static JsonArray *
pair_to_json (double a,
              double b)
{
  JsonArray *array = json_array_new ();

  json_array_add_element (array, number_to_json (a));
  json_array_add_element (array, number_to_json (b));
  return array;
}

/**
 * conduit_note_to_json:
 * @self: a note
 *
 * Returns: (transfer full): the note as the flow file stores it
 */
JsonNode *
conduit_note_to_json (ConduitNote *self)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node;

  g_return_val_if_fail (CONDUIT_IS_NOTE (self), NULL);

  json_object_set_string_member (object, "id", self->id);
  json_object_set_string_member (object, "text", conduit_note_get_text (self));
  if (self->color != NULL)
    json_object_set_string_member (object, "color", self->color);
  json_object_set_array_member (object, "position", pair_to_json (self->x, self->y));
  json_object_set_array_member (object, "size", pair_to_json (self->width, self->height));

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return node;
}

/**
 * conduit_note_list_colors:
 *
 * Returns: (transfer none): the colours a note may have, the default first
 */
const char * const *
conduit_note_list_colors (void)
{
  return colors;
}

gboolean
conduit_note_color_is_known (const char *color)
{
  return color != NULL && g_strv_contains (colors, color);
}
