/* conduit-graph-view-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-graph-link.h"
#include "conduit-graph-node.h"
#include "conduit-graph-note.h"
#include "conduit-graph-port.h"
#include "conduit-graph-view.h"

G_BEGIN_DECLS

/* The graph view is a family of files sharing this struct: the view (lifecycle, cards,
 * selection, layout, focus), the links (geometry, chunk cache, drawing, minimap), the
 * gestures (drag, connect, rubber band, zoom, hit-testing) and the actions (commands,
 * popovers, the connect menu). Functions named _conduit_graph_view_* are shared within the
 * family only. */

#define GRID_STEP       20.0
#define CHUNK_SIZE      800.0
#define LINK_WIDTH      2.5
#define HIT_TOLERANCE   6.0
#define DRAG_THRESHOLD  4.0
#define ZOOM_STEP       1.2
#define MINIMAP_WIDTH   200.0
#define MINIMAP_HEIGHT  130.0
#define MINIMAP_MARGIN  12.0
#define NUDGE_STEP      GRID_STEP
#define MAX_CONNECT_TARGETS 24
#define HANDLE_SIZE     14
/* Below this zoom a card's text is too small to read, so cards are drawn as plain shapes:
 * a tenth of the cost when a hundred of them are on screen. */
#define DETAIL_ZOOM     0.5
/* Flows with more steps than this keep cards hidden until first on screen (on_nodes_changed) */
#define LAZY_CARDS      200

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_MOVE,
  DRAG_CONNECT,
  DRAG_RECONNECT,
  DRAG_RUBBER_BAND,
  DRAG_MINIMAP,
  DRAG_NOTE_RESIZE,
} DragMode;

typedef struct
{
  GPtrArray       *links;   /* of ConduitLink, borrowed from the flow */
  graphene_rect_t  bounds;
  GskRenderNode   *node;    /* NULL while it must be drawn again */
} Chunk;

typedef struct
{
  ConduitNode *node;
  double       x, y;
  ConduitNote *note;   /* instead of node, for a sticky note moved with the selection */
} Origin;

/* Where a link's ends sit on its cards, found once per change of the links rather than
 * with two id lookups and a port search every frame. */
typedef struct
{
  ConduitNode *from, *to;
  double       from_x, from_y, to_x, to_y;   /* offsets from the cards' corners */
  double       from_above, from_below;       /* how far the source's other output ports reach */
  double       to_above, to_below;           /* and the target's other input ports */
} LinkEnds;

/* The half-size of a port dot's box that a link must not cross, in canvas units. */
#define PORT_CLEARANCE  8.0

/* A link's curve: one cubic Bézier segment, or up to three when it must go round the other
 * ports of its source's output column. */
#define MAX_ROUTE_SEGMENTS 3
typedef struct
{
  guint  n_segments;
  double p[2 + 6 * MAX_ROUTE_SEGMENTS];  /* the start, then each segment's two controls and end */
} LinkRoute;

struct _ConduitGraphView
{
  GtkWidget                 parent_instance;

  ConduitDocument          *document;
  ConduitFlow              *flow;
  ConduitUndoStack         *undo_stack;
  ConduitConnectorRegistry *registry;
  ConduitGraphViewport     *viewport;

  GPtrArray                *cards;          /* of ConduitGraphNode, in flow order */
  GHashTable               *card_of_node;   /* ConduitNode → ConduitGraphNode */
  GPtrArray                *handles;        /* of ConduitGraphLink, in flow order */
  GHashTable               *handle_of_link; /* ConduitLink → ConduitGraphLink */
  GListStore               *selection;      /* of ConduitNode */
  GPtrArray                *note_widgets;   /* of ConduitGraphNote, in flow order */
  GHashTable               *widget_of_note; /* ConduitNote → ConduitGraphNote */
  GPtrArray                *selected_notes; /* of ConduitNote, referenced */
  ConduitNote              *resizing;       /* DRAG_NOTE_RESIZE: the note, and its old box */
  double                    resize_box[4];
  ConduitLink              *selected_link;
  ConduitNode              *reported_selected;

  /* the link cache */
  GPtrArray                *chunks;         /* of Chunk */
  GHashTable               *chunk_of_link;  /* ConduitLink → Chunk */
  GHashTable               *links_of_node;  /* node id → GPtrArray of ConduitLink */
  GHashTable               *link_ends;      /* ConduitLink → LinkEnds */
  GPtrArray                *shown_handles;  /* of ConduitGraphLink, child-visible now */
  gboolean                  chunks_valid;
  GskRenderNode            *minimap_node;
  graphene_rect_t           minimap_bounds; /* the canvas area the minimap shows */
  graphene_rect_t           graph_bounds;
  gboolean                  graph_bounds_valid;

  /* cards drawn once into a texture at the current zoom (see snapshot_cards ()) */
  GHashTable               *card_textures;  /* ConduitGraphNode → CardTexture */
  double                    last_snapshot_zoom;
  gboolean                  card_cache_off;

  /* colours from the style, for what cairo draws */
  GdkRGBA                   link_color;
  GdkRGBA                   accent_color;
  GdkRGBA                   error_color;
  GdkRGBA                   grid_color;
  GdkRGBA                   card_color;
  GdkRGBA                   minimap_color;  /* opaque: the card colour laid over the view's */
  GdkRGBA                   card_border_color;
  GdkRGBA                   warning_color;

  /* the drag in progress */
  DragMode                  drag_mode;
  double                    drag_x, drag_y;           /* where it began, widget coordinates */
  double                    drag_dx, drag_dy;
  double                    drag_origin_x, drag_origin_y;  /* the viewport when it began */
  GArray                   *drag_origins;             /* of Origin */
  ConduitGraphPort         *drag_port;                /* where a new link starts */
  ConduitLink              *detached;                 /* the link whose end is dragged */
  ConduitGraphPort         *hover_port;
  gboolean                  hover_ok;
  GdkModifierType           drag_modifiers;
  GPtrArray                *rubber_base;              /* selection before the band */

  double                    pointer_x, pointer_y;
  double                    zoom_gesture_start;

  GtkWidget                 *popover;
  GtkWidget                 *rename_entry;
  ConduitNode               *renaming;

  guint                     snap_to_grid : 1;
  guint                     fit_pending : 1;
  /* fitted and not panned or zoomed since: a new size (the inspector taking its width, the
   * window resized) fits the flow again */
  guint                     fit_sticky : 1;
  guint                     fitting : 1;
  double                    fit_min_zoom;
  int                       fit_width, fit_height;
};

/* conduit-graph-view.c: cards, selection, layout */
ConduitGraphNode *
_conduit_graph_view_card_by_id (ConduitGraphView *self,
                                const char       *node_id);
const char *
_conduit_graph_view_card_title (ConduitGraphNode *card);
graphene_rect_t
_conduit_graph_view_visible_canvas_rect (ConduitGraphView *self);
gboolean
_conduit_graph_view_spot_is_free (ConduitGraphView *self,
                                  double            x,
                                  double            y,
                                  GPtrArray        *ignore);
graphene_rect_t
_conduit_graph_view_card_canvas_rect (ConduitGraphNode *card);
const graphene_rect_t *
_conduit_graph_view_get_graph_bounds (ConduitGraphView *self);
double
_conduit_graph_view_snap (ConduitGraphView *self,
                          double            value);
gboolean
_conduit_graph_view_is_selected (ConduitGraphView *self,
                                 ConduitNode      *node);
void
_conduit_graph_view_selection_changed (ConduitGraphView *self);
void
_conduit_graph_view_set_link_selected (ConduitGraphView *self,
                                       ConduitLink      *link);
void
_conduit_graph_view_clear_selection_quietly (ConduitGraphView *self);
void
_conduit_graph_view_set_node_selected (ConduitGraphView *self,
                                       ConduitNode      *node,
                                       gboolean          selected);
GPtrArray *
_conduit_graph_view_dup_selection (ConduitGraphView *self);
void
_conduit_graph_view_place_child (GtkWidget *child,
                                 double     x,
                                 double     y,
                                 double     zoom,
                                 int        width,
                                 int        height);
void
_conduit_graph_view_reveal_card (ConduitGraphView *self,
                                 ConduitGraphNode *card);
void
_conduit_graph_view_emit_message (ConduitGraphView *self,
                                  const char       *message);;
void
_conduit_graph_view_emit_node_activated (ConduitGraphView *self,
                                         ConduitNode      *node);;

void
_conduit_graph_view_card_texture_free (gpointer data);
void
_conduit_graph_view_set_card_cache (ConduitGraphView *self,
                                    gboolean          enabled);
gboolean
_conduit_graph_view_use_images (ConduitGraphView *self);

/* conduit-graph-view-notes.c: sticky notes */
void
_conduit_graph_view_notes_init (ConduitGraphView *self);
void
_conduit_graph_view_notes_finalize (ConduitGraphView *self);
void
_conduit_graph_view_notes_attach (ConduitGraphView *self);
void
_conduit_graph_view_notes_detach (ConduitGraphView *self);
void
_conduit_graph_view_place_notes (ConduitGraphView      *self,
                                 const graphene_rect_t *visible,
                                 double                 zoom);
void
_conduit_graph_view_snapshot_notes (ConduitGraphView *self,
                                    GtkSnapshot      *snapshot);
graphene_rect_t
_conduit_graph_view_note_canvas_rect (ConduitNote *note);
void
_conduit_graph_view_set_note_selected (ConduitGraphView *self,
                                       ConduitNote      *note,
                                       gboolean          selected);
void
_conduit_graph_view_clear_note_selection (ConduitGraphView *self);
GPtrArray *
_conduit_graph_view_dup_selected_notes (ConduitGraphView *self);
gboolean
_conduit_graph_view_note_drag_begin (ConduitGraphView *self,
                                     GtkWidget        *picked,
                                     double            x,
                                     double            y,
                                     GdkModifierType   modifiers);
void
_conduit_graph_view_note_resize_update (ConduitGraphView *self,
                                        double            offset_x,
                                        double            offset_y);
void
_conduit_graph_view_note_resize_end (ConduitGraphView *self,
                                     gboolean          moved);
gboolean
_conduit_graph_view_edit_focused_note (ConduitGraphView *self);
void
_conduit_graph_view_class_notes_init (GtkWidgetClass *widget_class);
void
_conduit_graph_view_update_note_actions (ConduitGraphView *self);

/* conduit-graph-view-layout.c: Tidy Up */
void
_conduit_graph_view_class_layout_init (GtkWidgetClass *widget_class);

/* conduit-graph-view-links.c: link geometry, the chunk cache, drawing */
void
_conduit_graph_view_chunk_free (Chunk *chunk);
gboolean
_conduit_graph_view_link_ends (ConduitGraphView *self,
                               ConduitLink      *link,
                               double            ends[4]);
void
_conduit_graph_view_curve_controls (const double ends[4],
                                    double       controls[4]);
gboolean
_conduit_graph_view_link_route (ConduitGraphView *self,
                                ConduitLink      *link,
                                LinkRoute        *route);
void
_conduit_graph_view_route_from_ends (const double  ends[4],
                                     double        above,
                                     double        below,
                                     LinkRoute    *route);
void
_conduit_graph_view_route_point (const LinkRoute *route,
                                 double           t,
                                 double          *x,
                                 double          *y);
graphene_rect_t
_conduit_graph_view_route_bounds (const LinkRoute *route);
void
_conduit_graph_view_route_path (const LinkRoute *route,
                                cairo_t         *cr);
void
_conduit_graph_view_curve_point (const double ends[4],
                                 const double c[4],
                                 double       t,
                                 double      *x,
                                 double      *y);
graphene_rect_t
_conduit_graph_view_curve_bounds (const double ends[4],
                                  const double c[4]);
void
_conduit_graph_view_invalidate_links (ConduitGraphView *self);
gboolean
_conduit_graph_view_minimap_rect (ConduitGraphView *self,
                                  graphene_rect_t  *rect);
void
_conduit_graph_view_minimap_transform (ConduitGraphView      *self,
                                       const graphene_rect_t *box,
                                       double                *scale,
                                       double                *ox,
                                       double                *oy);
void
_conduit_graph_view_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot);
void
_conduit_graph_view_place_handles (ConduitGraphView      *self,
                                   const graphene_rect_t *visible,
                                   double                 zoom);

void
_conduit_graph_view_draw_links (ConduitGraphView *self,
                                cairo_t          *cr,
                                GPtrArray        *links,
                                const GdkRGBA    *color,
                                graphene_rect_t  *bounds);

/* conduit-graph-view-gestures.c: pointer gestures and hit-testing */
void
_conduit_graph_view_end_connection (ConduitGraphView *self);
void
_conduit_graph_view_init_gestures (ConduitGraphView *self);;

/* conduit-graph-view-actions.c: actions and popovers */
void
_conduit_graph_view_clear_popover (ConduitGraphView *self);
void
_conduit_graph_view_show_popover (ConduitGraphView *self,
                                  GtkWidget        *popover,
                                  double            x,
                                  double            y,
                                  double            width,
                                  double            height);
void
_conduit_graph_view_update_actions (ConduitGraphView *self);
GMenuModel *
_conduit_graph_view_build_context_menu (gboolean on_node);
GMenuModel *
_conduit_graph_view_build_canvas_menu (gboolean on_node,
                                       gboolean has_point,
                                       double   x,
                                       double   y);
GMenuModel *
_conduit_graph_view_build_note_menu (void);
void
_conduit_graph_view_class_actions_init (GtkWidgetClass *widget_class);;

/* What the gestures call, exposed so tests and the benchmark can drive the real code paths:
 * GTK 4.8 cannot synthesise pointer events. Coordinates are the view's. */
gboolean          conduit_graph_view_drag_begin        (ConduitGraphView *self,
                                                        double            x,
                                                        double            y,
                                                        GdkModifierType   modifiers);
void              conduit_graph_view_drag_update       (ConduitGraphView *self,
                                                        double            offset_x,
                                                        double            offset_y);
void              conduit_graph_view_drag_end          (ConduitGraphView *self,
                                                        double            offset_x,
                                                        double            offset_y);
void              conduit_graph_view_click             (ConduitGraphView *self,
                                                        guint             button,
                                                        int               n_press,
                                                        double            x,
                                                        double            y);
void              conduit_graph_view_scroll            (ConduitGraphView *self,
                                                        double            dx,
                                                        double            dy,
                                                        double            pointer_x,
                                                        double            pointer_y,
                                                        GdkModifierType   modifiers);
void              conduit_graph_view_zoom_gesture_begin (ConduitGraphView *self);
void              conduit_graph_view_zoom_gesture      (ConduitGraphView *self,
                                                        double            scale,
                                                        double            x,
                                                        double            y);
gboolean          conduit_graph_view_drop              (ConduitGraphView *self,
                                                        const char       *value,
                                                        double            x,
                                                        double            y);
ConduitGraphNode *conduit_graph_view_get_card          (ConduitGraphView *self,
                                                        ConduitNode      *node);
ConduitGraphLink *conduit_graph_view_get_link_handle   (ConduitGraphView *self,
                                                        ConduitLink      *link);
gboolean          conduit_graph_view_get_port_point    (ConduitGraphView *self,
                                                        ConduitNode      *node,
                                                        gboolean          is_output,
                                                        const char       *port_id,
                                                        double           *x,
                                                        double           *y);
GtkPopover       *conduit_graph_view_get_popover       (ConduitGraphView *self);
guint             conduit_graph_view_get_n_shown_cards (ConduitGraphView *self);
ConduitGraphNote *conduit_graph_view_get_note_widget   (ConduitGraphView *self,
                                                        ConduitNote      *note);
ConduitNote      *conduit_graph_view_add_note_at       (ConduitGraphView *self,
                                                        double            x,
                                                        double            y);

G_END_DECLS
