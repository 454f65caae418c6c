/* The UI context: what the dashboard shows (panes, focus, zoom, overlays,
 * status line) and which parts need drawing. The loop that sleeps in
 * poll() is tui/loop.c. UI thread only. */
#ifndef WARROOM_APP_H
#define WARROOM_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "core/action.h"
#include "core/config.h"
#include "core/kind.h"
#include "core/state.h"
#include "core/timeline.h"
#include "probes/probe.h"
#include "themes/theme.h"
#include "tui/adhoc.h"
#include "tui/cmdline.h"
#include "tui/layout.h"
#include "tui/pane.h"
#include "widgets/dialog.h"
#include "widgets/textview.h"

#define APP_PANES LAYOUT_PANES_MAX
#define APP_STATUS_MAX 256

/* What a pane needs redrawn. */
enum {
	PANE_DIRTY_TITLE = 1,   /* the top border: title, source, age */
	PANE_DIRTY_BODY = 2,    /* everything inside */
};

enum app_overlay {
	OVERLAY_NONE,
	OVERLAY_HELP,
	OVERLAY_DETAIL,
	OVERLAY_EXPORT,         /* a post-mortem or status update draft */
};

/* What an open dialog is for (dialog.tag). */
enum app_dialog_tag {
	APP_DLG_QUIT = 1,
	APP_DLG_FILTER,
	APP_DLG_ACTION_ARG,
	APP_DLG_ACTION_CONFIRM,
	/* The incident's (tui/incident_ui.c). */
	APP_DLG_NOTE,
	APP_DLG_DECLARE_TITLE,
	APP_DLG_DECLARE_SEVERITY,
	APP_DLG_DECLARE_COMMANDER,
	APP_DLG_STATUS,
	APP_DLG_SEVERITY,
	APP_DLG_SLACK,
};

/* The status-update timer as the header colours it. */
enum app_timer {
	APP_TIMER_NONE,         /* no update due (P3, resolved) */
	APP_TIMER_OK,
	APP_TIMER_WARN,         /* due soon */
	APP_TIMER_CRIT,         /* due now or overdue */
};

/* The incident shown in the header, filled once a second by
 * tui/incident_ui.c through app_set_incident(); inactive when none is
 * declared. */
struct app_incident {
	bool active;
	char id[48];            /* "INC-20261122-001" */
	char severity[16];      /* "P1" */
	int64_t started_wall_ms;
	char status[16];        /* "Mitigating" */
	bool resolved;
	int64_t elapsed_ms;     /* since declared; stops at resolution */
	enum app_timer update_state;
	int64_t update_in_ms;   /* < 0 when overdue */
	bool journal_failed;    /* the journal refuses writes */
	bool declaring;         /* none yet, one is being declared */
};

struct incident_ui;

/* The Findings strip's state (tui/findings.c). */
struct app_strip {
	bool focused;           /* keys go to the strip, not a pane */
	bool zoomed;            /* alone on the body, every finding listed */
	size_t sel;             /* the selected line */
	size_t top;             /* the first line shown */
	int rows;               /* rows asked of the layout */
	uint64_t drawn;         /* findings_signature() at the last draw */
	/* The selected finding, which stays selected as others come and
	 * go. */
	char sel_source[FINDING_SOURCE_MAX];
	char sel_key[FINDING_KEY_MAX];
	/* After a jump: the finding's action key, the input it prefills and
	 * the pane it is for (key 0: none). */
	char prefill_key;
	char prefill_input[sizeof(((struct finding *)0)->action_input)];
	int prefill_pane;
	/* Where a one-line strip's "+N more" is drawn (w 0: not shown). */
	int more_x, more_w;
};

/* An action between its key and its confirmation. */
struct app_pending {
	const struct action_impl *impl;
	int pane;
	int source;
	struct action_req req;
	uint64_t preview_id;    /* the preview being fetched, 0 none */
};

struct app {
	/* What runs underneath (not owned). */
	struct state *st;
	struct runner *r;
	struct timeline *tl;
	struct actions *act;

	struct theme theme;
	WINDOW *win;            /* stdscr of the screen drawn on */
	int cols, rows;
	bool read_only;
	bool demo;
	/* A source's scope says production: every frame is drawn in the
	 * critical colour (app_collect() keeps it). */
	bool production;
	/* No sources: the first-run screen instead of the dashboard. */
	bool first_run;
	/* The first-run screen asked for the demo (key d). */
	bool start_demo;
	const char *config_path;        /* shown on the first-run screen */

	/* The panes shown: one per kind that has a source, and the
	 * timeline, in focus order (the layout's rows top to bottom, each
	 * left to right). */
	struct pane panes[APP_PANES];
	int n_panes;
	/* Per kind, the state indices of its sources in order (retired ones
	 * left out). */
	int *kind_src[SNAP_KIND_COUNT];
	size_t n_kind_src[SNAP_KIND_COUNT];
	/* Where the panes go ([layout]); set before app_bind_sources(). */
	struct config_layout layout_conf;
	int focus;              /* 0..n_panes-1 */
	bool zoomed;
	struct layout lay;

	enum app_overlay overlay;
	char overlay_title[128];
	struct textview tv;
	char overlay_hint[128]; /* the overlay's keys, "" for the default */
	struct dialog dlg;
	struct cmdline cmdline; /* ':', on the status line while open */
	/* :promql: the ad-hoc query and the questions that answer it (not
	 * owned; NULL: none can be asked). */
	struct adhoc adhoc;
	struct asks *asks;
	/* :reload (not owned; NULL: nothing to reload). */
	struct reload *reload;
	struct app_pending pending;
	/* The request running on the action worker, for its progress line
	 * and Esc to cancel it (0 none). */
	uint64_t running_id;
	char progress[ERR_MSG_MAX];

	char status[APP_STATUS_MAX];
	enum role status_role;

	/* What was last seen, to find what changed. */
	size_t n_sources;
	uint64_t *seen_gen;     /* per source */
	enum health *health;    /* per source: its latest snapshot's */
	bool *down;             /* per source: its latest poll failed */
	size_t seen_timeline;

	/* The Findings strip under the header. */
	struct app_strip strip;
	/* Each pane's frame colour at its last draw: the worst finding about
	 * its source (findings_pane_health()). */
	enum health frame_health[APP_PANES];

	/* Redraw flags: set by changes, cleared by screen_draw(). */
	bool dirty_all;
	bool dirty_strip;
	bool dirty_header;
	bool dirty_status;
	bool dirty_overlay;
	unsigned pane_dirty[APP_PANES];
	/* Each pane's drawing rectangle at the last draw, for clicks. */
	struct rect pane_body[APP_PANES];
	char title_age[APP_PANES][48];  /* age text drawn in each frame */
	int64_t header_second;          /* wall second the clock shows */

	struct app_incident incident;
	/* The incident's keys, dialogs and worker (not owned; may be NULL). */
	struct incident_ui *iu;

	bool quit;
	int exit_status;
};

/* Sets up a in place over the running parts; app_bind_sources() once the
 * sources are registered. theme is copied. */
void app_init(struct app *a, struct state *st, struct runner *r,
	      struct timeline *tl, struct actions *act,
	      const struct theme *theme, bool read_only, bool demo);
void app_finish(struct app *a);

/* Makes the panes from the registered sources (one per kind that has a
 * source, and the timeline) and the layout; again after a reload, keeping
 * each pane's view, filter and shown source where they still apply. */
void app_bind_sources(struct app *a);

/* Says on the status line which panes no source feeds ("not configured:
 * Pods, Kafka") and which are hidden; nothing when all are shown. */
void app_say_layout(struct app *a);

/* Sets where the panes go (copied); app_bind_sources() applies it. */
void app_set_layout(struct app *a, const struct config_layout *conf);

/* Hides pane i (not the last one shown); returns false when it cannot. */
bool app_hide(struct app *a, int i);
/* Shows pane i again, or every hidden pane when i is -1. */
void app_show(struct app *a, int i);
/* The pane showing kind (SNAP_KIND_COUNT: the timeline), or -1. */
int app_pane_of_kind(const struct app *a, enum snap_kind kind);

/* The sources of pane i's kind in order (state indices); returns how
 * many. */
size_t app_pane_sources(const struct app *a, int i, const int **src);
/* Source src's glyph: down (its poll failed), else its health's. */
enum app_glyph {
	APP_GLYPH_UNKNOWN,      /* no poll yet: o */
	APP_GLYPH_HEALTH,       /* data, health in colour: a dot */
	APP_GLYPH_DOWN,         /* the poll failed: a cross */
};
enum app_glyph app_source_glyph(const struct app *a, int src);
/* "●", "✕", "○" (or "*", "x", "o" without UTF-8). */
const char *app_glyph_text(enum app_glyph g);
/* How bad source src is, higher worse: 3 a failed poll or critical data,
 * 2 a warning, 1 no poll yet, 0 ok. */
int app_source_badness(const struct app *a, int src);
/* The worst of pane i's sources by app_source_badness(), the first
 * configured among equals; -1 when the pane has none. */
int app_worst_source(const struct app *a, int i);

/* Takes in what changed since the last call (snapshots, the timeline, the
 * clock) and marks what must be drawn; command_collect() adds finished
 * actions and the incident. Returns true when anything is dirty. */
bool app_collect(struct app *a);

/* True when anything is marked for drawing (tui/screen.c draws it). */
bool app_any_dirty(const struct app *a);

/* Sets the screen size and lays out again (marks everything dirty). */
void app_resize(struct app *a, int rows, int cols);

/* Sets the status line (printf-style). */
void app_set_status(struct app *a, enum role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Focuses pane i (0..n_panes-1). */
void app_focus(struct app *a, int i);
/* Shows the next (delta 1) or previous (-1) source of the pane's kind. */
void app_switch_source(struct app *a, int pane, int delta);
/* Shows source src in pane i (a source of its kind), and says so. */
void app_show_source(struct app *a, int i, int src);

/* A pane's context for drawing or a key. Holds a snapshot reference that
 * app_ctx_release() drops. */
void app_ctx_get(struct app *a, int pane, struct pane_ctx *c);
void app_ctx_release(struct pane_ctx *c);

/* The incident for the header; inactive clears it. */
void app_set_incident(struct app *a, const struct app_incident *inc);

/* The text a pane's frame shows for the age of its data (and of the last
 * good data under an error); it changes at most once a second, so
 * comparing it tells whether the frame needs drawing. */
void app_age_key(const struct pane_ctx *c, char *buf, size_t n);

/* "live" while shown is the last poll's data and on time (younger than its
 * interval plus a second), else "42s ago". */
void app_age_text(const struct snapshot *shown, int64_t now_mono_ms,
		     char *buf, size_t n);

/* "Pods, Database, ...": every pane that a source can bring. */
void app_pane_names(char *buf, size_t n);

/* Marks everything dirty (overlays opened or closed, layout changed). */
void app_touch_all(struct app *a);

#endif
