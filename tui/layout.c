/* Screen geometry for the dashboard: pure arithmetic on the terminal size,
 * recomputed on resize, focus and zoom changes. Any thread. */
#include "tui/layout.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* Each band's share of the body's height, in percent; a band without
 * panes gives its share to the others. */
static const int band_share[LAYOUT_BANDS] = { 44, 26, 30 };

/* The grid: bands top to bottom, the last taking what rounding leaves;
 * in each band the panes side by side in focus order, the last taking
 * what rounding leaves. */
static void
layout_grid(struct layout *l, const int *band, int y0, int bh)
{
	int count[LAYOUT_BANDS] = { 0 }, total = 0, last = -1;

	for (int i = 0; i < l->n; i++) {
		count[band[i]]++;
	}
	for (int b = 0; b < LAYOUT_BANDS; b++) {
		if (count[b] > 0) {
			total += band_share[b];
			last = b;
		}
	}
	for (int b = 0, y = y0; b < LAYOUT_BANDS; b++) {
		int h, w, x = 0, k = 0;

		if (count[b] == 0) {
			continue;
		}
		h = b == last ? y0 + bh - y : bh * band_share[b] / total;
		w = l->cols / count[b];
		for (int i = 0; i < l->n; i++) {
			if (band[i] != b) {
				continue;
			}
			k++;
			l->pane[i] = (struct rect){ y, x, h,
						    k == count[b] ? l->cols - x :
						    w };
			x += w;
		}
		y += h;
	}
}

/* One frame for the focused pane, in its place in the focus order, and
 * one summary line for each other pane above or below it. */
static void
layout_accordion(struct layout *l, int y0, int bh, int focus)
{
	int open_h = bh - (l->n - 1);
	int y = y0;

	for (int i = 0; i < l->n; i++) {
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
layout_compute(struct layout *l, int cols, int rows, const int *band, int n,
	       int focus, bool zoomed)
{
	int bh = rows - 2;

	memset(l, 0, sizeof(*l));
	l->cols = cols;
	l->rows = rows;
	l->n = n < 0 ? 0 : n > LAYOUT_PANES_MAX ? LAYOUT_PANES_MAX : n;
	if (focus < 0 || focus >= l->n) {
		focus = 0;
	}
	for (int i = 0; i < l->n; i++) {
		assert(band[i] >= 0 && band[i] < LAYOUT_BANDS);
	}
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS || l->n == 0) {
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
		layout_grid(l, band, 1, bh);
	} else {
		l->mode = LAYOUT_ACCORDION;
		layout_accordion(l, 1, bh, focus);
	}
}

int
layout_pane_at(const struct layout *l, int y, int x)
{
	for (int i = 0; i < l->n; i++) {
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
	return i >= 0 && i < l->n && l->pane[i].h >= 3 &&
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
