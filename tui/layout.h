/* Where things go on the screen: the header and status lines, and the
 * panes in one of three arrangements (a grid of bands when every pane
 * shown gets a useful frame in it, an accordion of one open pane and
 * one-line summaries otherwise, one pane when zoomed). Each pane says
 * which band it sits in and its share of that band's width; the bands
 * that hold a pane share the height. A hidden pane takes no room. Pure
 * geometry; any thread, no ncurses state. */
#ifndef WARROOM_LAYOUT_H
#define WARROOM_LAYOUT_H

#include <stdbool.h>

/* Panes at most. */
#define LAYOUT_PANES_MAX 12
/* Bands of the grid: the top one for the wide tables, the middle one for
 * gauges and sparklines, the bottom one for lists. */
#define LAYOUT_BANDS 3
/* Below this the screen only says how large it needs to be. */
#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 16
/* The grid is used when every pane shown gets a frame at least this
 * large in it (a table's heading and a few rows, 40 columns). */
#define LAYOUT_GRID_MIN_H 7
#define LAYOUT_GRID_MIN_W 40
/* Each band's share of the height by default, in percent. */
#define LAYOUT_SHARE_TOP 44
#define LAYOUT_SHARE_MIDDLE 26
#define LAYOUT_SHARE_BOTTOM 30

struct rect {
	int y, x, h, w;         /* h == 0: not shown */
};

enum layout_mode {
	LAYOUT_TOO_SMALL,
	LAYOUT_GRID,            /* every pane framed */
	LAYOUT_ACCORDION,       /* focused framed, others one line each */
	LAYOUT_ZOOMED,          /* focused alone */
};

/* What is laid out: n panes in focus order. */
struct layout_spec {
	int n;
	int band[LAYOUT_PANES_MAX];     /* 0 top .. LAYOUT_BANDS-1 */
	/* Share of its band's width (a weight); 0: hidden, no room. */
	int weight[LAYOUT_PANES_MAX];
	/* Each band's share of the height (weights); 0: the default. */
	int band_share[LAYOUT_BANDS];
	/* Rows the Findings strip asks for under the header (0: none); it
	 * gets fewer when the panes would not fit, at least one. */
	int strip;
	/* The strip alone takes the whole body (it is zoomed). */
	bool strip_zoomed;
};

struct layout {
	int cols, rows;
	enum layout_mode mode;
	struct rect header;
	struct rect strip;      /* the Findings strip; h == 0: none */
	struct rect status;
	int n;                  /* panes laid out */
	/* Each pane's frame (h >= 3), or its summary line (h == 1, accordion
	 * only), or nothing (h == 0: hidden, or another pane is zoomed). */
	struct rect pane[LAYOUT_PANES_MAX];
};

/* Lays out a cols x rows screen for the panes of spec (at most
 * LAYOUT_PANES_MAX), with pane focus open (or alone, when zoomed), under
 * the Findings strip when spec asks for one. With no pane to show the
 * screen is too small. */
void layout_compute(struct layout *l, int cols, int rows,
		    const struct layout_spec *spec, int focus, bool zoomed);

/* The pane whose rectangle holds (y, x), or -1. */
int layout_pane_at(const struct layout *l, int y, int x);

/* True when pane i is drawn with a frame (not a summary line, not hidden). */
bool layout_is_framed(const struct layout *l, int i);

/* The inside of a frame (one cell of border on every side). */
struct rect layout_inside(struct rect r);

/* "warroom needs at least 60x16 (now 40x10)" into buf. */
void layout_too_small_text(const struct layout *l, char *buf, int n);

#endif
