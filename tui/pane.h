/* A pane turns one kind of snapshot into widget calls. The event loop
 * (tui/app.c) owns the panes, draws each one's frame, title, source name,
 * data age and error line, and hands the pane the inside rectangle.
 * UI thread only. */
#ifndef WARROOM_PANE_H
#define WARROOM_PANE_H

#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#include "core/action.h"
#include "core/model.h"
#include "core/snapshot.h"
#include "core/timeline.h"
#include "themes/theme.h"
#include "widgets/table.h"

#define PANE_FILTER_MAX 64
/* PROBE_FOCUS_MAX (probes/probe.h) */
#define PANE_FOCUS_MAX 512

/* What a pane may read while it draws or handles a key. */
struct pane_ctx {
	const struct theme *theme;
	/* The shown source's latest snapshot (may carry an error), or NULL
	 * before its first poll. */
	const struct snapshot *snap;
	/* The snapshot whose data to draw: snap when it has data, else
	 * snap->last_good; NULL when there is none. */
	const struct snapshot *data;
	struct timeline *timeline;      /* the Timeline pane's source */
	int64_t now_mono_ms;
	int64_t now_wall_ms;
	bool focused;
	bool zoomed;
	bool read_only;
	/* For a pane that shows every source of its kind at once
	 * (pane_ops.whole_kind): their latest snapshots in source order, a
	 * NULL one before its first poll. */
	const struct snapshot **kind_snaps;
	size_t n_kind_snaps;
};

struct pane;

struct pane_ops {
	enum snap_kind kind;    /* SNAP_KIND_COUNT: not fed by a source */
	/* The title of a pane not fed by a source (the kind's otherwise). */
	const char *title;
	int band;               /* where the grid puts it: 0 top .. 2 bottom */
	/* Draws every source of its kind at once (one row each) rather than
	 * one source at a time: pane_ctx.kind_snaps holds them all. */
	bool whole_kind;
	/* Draws the inside of the frame: h lines of w columns at (y, x). */
	void (*draw)(struct pane *p, const struct pane_ctx *c, WINDOW *win,
		     int y, int x, int h, int w);
	/* A key the loop did not take (navigation, 's' sort, sub-views);
	 * returns true when the pane changed and must be redrawn. */
	bool (*key)(struct pane *p, const struct pane_ctx *c, int key);
	/* A click at (dy, dx) inside the rectangle of the last draw. */
	bool (*click)(struct pane *p, const struct pane_ctx *c, int dy, int dx);
	/* Fills t (its target of type and label) from the selected row;
	 * false when the selection has none of that type. */
	bool (*target)(struct pane *p, const struct pane_ctx *c,
		       enum target_type type, struct action_target *t);
	/* The selected row's full record for the detail view (xmalloc'd,
	 * raw text; the caller frees), or NULL. */
	char *(*detail)(struct pane *p, const struct pane_ctx *c);
	/* Selects the row a finding points at (struct finding's at_row, as
	 * core/snapshot.h lists them, or one of the pane's own findings'
	 * keys), switching to the view that shows it; false when there is
	 * no such row. May be NULL: the pane has no rows to point at. */
	bool (*select)(struct pane *p, const struct pane_ctx *c,
		       const char *row);
	/* Frees priv. May be NULL. */
	void (*free)(struct pane *p);
};

struct pane {
	const struct pane_ops *ops;
	int number;             /* 1.., the focus key */
	int source;             /* state index of the source shown, -1 none */
	/* Where the layout puts it ([layout], else ops->band): its band and
	 * its share of the band's width. */
	int band;
	int width;
	bool hidden;            /* hidden by the operator or [layout] */
	struct table_view view;
	char filter[PANE_FILTER_MAX];   /* '/' filter, "" for none */
	int sort_col;           /* index into the pane's sortable columns */
	bool sort_desc;
	int sub;                /* the pane's sub-view (e.g. slow log) */
	void *priv;             /* the pane's own */
	/* Set by the pane in draw(): the pane's own keys for the status line
	 * ("v view  s sort"), static storage; the action keys come from the
	 * source's actions. */
	const char *hints;
	/* Set by the pane in draw(): the target types its view can select
	 * (PANE_TARGET(TARGET_POD) | ...); actions on other types are left
	 * out of the hints. */
	unsigned targets;
	/* Set by the pane: what it asks its source for besides every
	 * snapshot (a pod's logs; see probe_focus() in probes/probe.h), ""
	 * for nothing. tui/command.c sends it to the source when it
	 * changes. */
	char focus[PANE_FOCUS_MAX];
	/* Set by the pane: it shows a view nested in its own (a pod's logs)
	 * that Esc closes before Esc does anything else. */
	bool nested;
};

/* The panes (tui/app.c lists them in focus order). */
extern const struct pane_ops pane_pods_ops;
extern const struct pane_ops pane_db_ops;
extern const struct pane_ops pane_redis_ops;
extern const struct pane_ops pane_kafka_ops;
extern const struct pane_ops pane_metrics_ops;
extern const struct pane_ops pane_alerts_ops;
extern const struct pane_ops pane_http_ops;
extern const struct pane_ops pane_timeline_ops;

#define PANE_TARGET(t) (1u << (t))

/* "Pods": the kind's title, or the pane's own. */
const char *pane_title(const struct pane *p);

/* Case-insensitive substring match of the pane filter (true when empty). */
bool pane_filter_match(const struct pane *p, const char *s);

#endif
