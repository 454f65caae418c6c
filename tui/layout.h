/* Where things go on the screen: the header and status lines, and the
 * panes in one of three arrangements (a grid of bands when the terminal is
 * large, an accordion of one open pane and one-line summaries when it is
 * small, one pane when zoomed). Each pane says which band it sits in; the
 * bands share the height, the panes of a band share its width. Pure
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
/* From this size up every pane gets a frame of its own. */
#define LAYOUT_GRID_COLS 120
#define LAYOUT_GRID_ROWS 32

struct rect {
	int y, x, h, w;         /* h == 0: not shown */
};

enum layout_mode {
	LAYOUT_TOO_SMALL,
	LAYOUT_GRID,            /* every pane framed */
	LAYOUT_ACCORDION,       /* focused framed, others one line each */
	LAYOUT_ZOOMED,          /* focused alone */
};

struct layout {
	int cols, rows;
	enum layout_mode mode;
	struct rect header;
	struct rect status;
	int n;                  /* panes laid out */
	/* Each pane's frame (h >= 3), or its summary line (h == 1, accordion
	 * only), or nothing (h == 0). */
	struct rect pane[LAYOUT_PANES_MAX];
};

/* Lays out a cols x rows screen for n panes (at most LAYOUT_PANES_MAX), in
 * focus order, pane i in band band[i] (0..LAYOUT_BANDS-1), with pane focus
 * open. */
void layout_compute(struct layout *l, int cols, int rows, const int *band,
		    int n, int focus, bool zoomed);

/* The pane whose rectangle holds (y, x), or -1. */
int layout_pane_at(const struct layout *l, int y, int x);

/* True when pane i is drawn with a frame (not a summary line, not hidden). */
bool layout_is_framed(const struct layout *l, int i);

/* The inside of a frame (one cell of border on every side). */
struct rect layout_inside(struct rect r);

/* "warroom needs at least 60x16 (now 40x10)" into buf. */
void layout_too_small_text(const struct layout *l, char *buf, int n);

#endif
