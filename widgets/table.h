/* A scrolling table. Rows come from a callback, so a pane with 10k pods
 * only formats the rows on screen; the pane keeps its own filtered and
 * sorted index. Cell text is raw outside text: the table sanitizes it,
 * measures it with wcwidth and truncates it with "…". UI thread. */
#ifndef WARROOM_TABLE_H
#define WARROOM_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "themes/theme.h"

#define TABLE_CELL_MAX 512

struct table_col {
	const char *title;
	int width;              /* preferred columns */
	int min_width;          /* shrink no further; 0 = hide when no room */
	bool right;             /* right-align (numbers) */
	bool flex;              /* takes the remaining width */
};

struct table_model {
	const struct table_col *cols;
	int n_cols;
	size_t n_rows;
	/* Writes row's cell col into buf (size n) and may set *role (starts as
	 * ROLE_NORMAL). */
	void (*cell)(void *ctx, size_t row, int col, char *buf, size_t n,
		     enum role *role);
	void *ctx;
};

/* Scroll and selection; kept by the pane between frames. */
struct table_view {
	size_t top;             /* first row shown */
	size_t sel;             /* selected row */
	int page;               /* rows visible at the last draw */
};

/* Draws the heading row and as many rows as fit in h-1 lines at (y, x) of
 * width w, keeping sel visible. focused draws the selection highlighted. */
void table_draw(WINDOW *win, int y, int x, int h, int w,
		const struct table_model *m, struct table_view *v,
		const struct theme *t, bool focused);

/* Arrows, j/k, PgUp/PgDn, g/G, Home/End: returns true when it moved. */
bool table_view_key(struct table_view *v, int key, size_t n_rows);
/* Clamps sel/top after the row count changed. */
void table_view_clamp(struct table_view *v, size_t n_rows);
/* A click on screen line dy (0 = heading) of the last draw; returns true
 * when it selected a row. */
bool table_view_click(struct table_view *v, int dy, size_t n_rows);

/* Column widths the table would use at width w (for tests). */
void table_layout(const struct table_model *m, int w, int *widths);

#endif
