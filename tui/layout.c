/* Screen geometry for the dashboard: pure arithmetic on the terminal size,
 * recomputed on resize, focus and zoom changes. Any thread. */
#include "tui/layout.h"

#include <stdio.h>
#include <string.h>

/* The grid, by pane number: Pods and Database share the top band (the two
 * tables that need width), Redis, Kafka and Metrics the middle band (gauges
 * and sparklines), Alerts and the Timeline the bottom band. */
static void
layout_grid(struct layout *l, int y0, int bh)
{
	int top = bh * 44 / 100;
	int mid = bh * 26 / 100;
	int bot = bh - top - mid;
	int half = l->cols / 2;
	int third = l->cols / 3;

	l->pane[0] = (struct rect){ y0, 0, top, half };
	l->pane[1] = (struct rect){ y0, half, top, l->cols - half };
	y0 += top;
	l->pane[2] = (struct rect){ y0, 0, mid, third };
	l->pane[3] = (struct rect){ y0, third, mid, third };
	l->pane[4] = (struct rect){ y0, 2 * third, mid, l->cols - 2 * third };
	y0 += mid;
	l->pane[5] = (struct rect){ y0, 0, bot, half };
	l->pane[6] = (struct rect){ y0, half, bot, l->cols - half };
}

/* One frame for the focused pane, in its place in the 1..7 order, and one
 * summary line for each other pane above or below it. */
static void
layout_accordion(struct layout *l, int y0, int bh, int focus)
{
	int open_h = bh - (LAYOUT_PANES - 1);
	int y = y0;

	for (int i = 0; i < LAYOUT_PANES; i++) {
		if (i == focus) {
			l->pane[i] = (struct rect){ y, 0, open_h, l->cols };
			y += open_h;
		} else {
			l->pane[i] = (struct rect){ y, 0, 1, l->cols };
			y++;
		}
	}
}

void
layout_compute(struct layout *l, int cols, int rows, int focus, bool zoomed)
{
	int bh = rows - 2;

	memset(l, 0, sizeof(*l));
	l->cols = cols;
	l->rows = rows;
	if (focus < 0 || focus >= LAYOUT_PANES) {
		focus = 0;
	}
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		l->mode = LAYOUT_TOO_SMALL;
		return;
	}
	l->header = (struct rect){ 0, 0, 1, cols };
	l->status = (struct rect){ rows - 1, 0, 1, cols };
	if (zoomed) {
		l->mode = LAYOUT_ZOOMED;
		l->pane[focus] = (struct rect){ 1, 0, bh, cols };
	} else if (cols >= LAYOUT_GRID_COLS && rows >= LAYOUT_GRID_ROWS) {
		l->mode = LAYOUT_GRID;
		layout_grid(l, 1, bh);
	} else {
		l->mode = LAYOUT_ACCORDION;
		layout_accordion(l, 1, bh, focus);
	}
}

int
layout_pane_at(const struct layout *l, int y, int x)
{
	for (int i = 0; i < LAYOUT_PANES; i++) {
		const struct rect *r = &l->pane[i];

		if (r->h > 0 && y >= r->y && y < r->y + r->h && x >= r->x &&
		    x < r->x + r->w) {
			return i;
		}
	}
	return -1;
}

bool
layout_is_framed(const struct layout *l, int i)
{
	return i >= 0 && i < LAYOUT_PANES && l->pane[i].h >= 3 &&
	       l->pane[i].w >= 3;
}

struct rect
layout_inside(struct rect r)
{
	struct rect in = { r.y + 1, r.x + 1, r.h - 2, r.w - 2 };

	if (in.h < 0) {
		in.h = 0;
	}
	if (in.w < 0) {
		in.w = 0;
	}
	return in;
}

void
layout_too_small_text(const struct layout *l, char *buf, int n)
{
	snprintf(buf, (size_t)n, "warroom needs at least %dx%d (now %dx%d)",
		 LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS, l->cols, l->rows);
}
