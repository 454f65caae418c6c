/* Screen geometry for the dashboard: pure arithmetic on the terminal size
 * and the panes shown, recomputed on resize, focus, zoom, hide and show.
 * Any thread. */
#include "tui/layout.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const int band_share_default[LAYOUT_BANDS] = {
	LAYOUT_SHARE_TOP, LAYOUT_SHARE_MIDDLE, LAYOUT_SHARE_BOTTOM,
};

static bool
shown(const struct layout_spec *s, int i)
{
	return s->weight[i] > 0;
}

/* The grid: the bands that hold a pane top to bottom, sharing the height
 * by their shares, the last taking what rounding leaves; in each band its
 * panes side by side in focus order, sharing the width by their weights,
 * the last taking what rounding leaves. Returns false when a pane would
 * get less than LAYOUT_GRID_MIN_H x LAYOUT_GRID_MIN_W. */
static bool
layout_grid(struct layout *l, const struct layout_spec *s, int y0, int bh)
{
	int weights[LAYOUT_BANDS] = { 0 }, count[LAYOUT_BANDS] = { 0 };
	int share[LAYOUT_BANDS], total = 0, last = -1;
	bool fits = true;

	for (int i = 0; i < l->n; i++) {
		if (shown(s, i)) {
			weights[s->band[i]] += s->weight[i];
			count[s->band[i]]++;
		}
	}
	for (int b = 0; b < LAYOUT_BANDS; b++) {
		share[b] = s->band_share[b] > 0 ? s->band_share[b] :
			   band_share_default[b];
		if (count[b] > 0) {
			total += share[b];
			last = b;
		}
	}
	for (int b = 0, y = y0; b < LAYOUT_BANDS; b++) {
		int h, x = 0, k = 0;

		if (count[b] == 0) {
			continue;
		}
		h = b == last ? y0 + bh - y : bh * share[b] / total;
		for (int i = 0; i < l->n; i++) {
			int w;

			if (!shown(s, i) || s->band[i] != b) {
				continue;
			}
			w = ++k == count[b] ? l->cols - x :
			    l->cols * s->weight[i] / weights[b];
			l->pane[i] = (struct rect){ y, x, h, w };
			if (h < LAYOUT_GRID_MIN_H || w < LAYOUT_GRID_MIN_W) {
				fits = false;
			}
			x += w;
		}
		y += h;
	}
	return fits;
}

/* One frame for the focused pane, in its place in the focus order, and
 * one summary line for each other pane shown, above or below it. */
static void
layout_accordion(struct layout *l, const struct layout_spec *s, int y0,
		 int bh, int focus, int n_shown)
{
	int open_h = bh - (n_shown - 1);
	int y = y0;

	for (int i = 0; i < l->n; i++) {
		if (!shown(s, i)) {
			l->pane[i] = (struct rect){ 0, 0, 0, 0 };
		} else if (i == focus) {
			l->pane[i] = (struct rect){ y, 0, open_h, l->cols };
			y += open_h;
		} else {
			l->pane[i] = (struct rect){ y, 0, 1, l->cols };
			y++;
		}
	}
}

/* The strip's rows: what spec asks, at most a quarter of the body, at
 * least one when it asks for any. */
static int
strip_rows(const struct layout_spec *s, int rows)
{
	int max = (rows - 2) / 4;

	if (s->strip <= 0) {
		return 0;
	}
	return s->strip < max ? s->strip : max > 1 ? max : 1;
}

void
layout_compute(struct layout *l, int cols, int rows,
	       const struct layout_spec *s, int focus, bool zoomed)
{
	int strip = strip_rows(s, rows), bh, n_shown = 0;

	memset(l, 0, sizeof(*l));
	l->cols = cols;
	l->rows = rows;
	l->n = s->n < 0 ? 0 : s->n > LAYOUT_PANES_MAX ? LAYOUT_PANES_MAX :
	       s->n;
	for (int i = 0; i < l->n; i++) {
		assert(s->band[i] >= 0 && s->band[i] < LAYOUT_BANDS);
		n_shown += shown(s, i);
	}
	if (focus < 0 || focus >= l->n || !shown(s, focus)) {
		for (focus = 0; focus < l->n && !shown(s, focus); focus++) {
		}
	}
	/* The accordion needs three rows for its open pane. */
	while (strip > 0 && rows - 2 - strip - (n_shown - 1) < 3) {
		strip--;
	}
	bh = rows - 2 - strip;
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS ||
	    n_shown == 0 || bh - (n_shown - 1) < 3) {
		l->mode = LAYOUT_TOO_SMALL;
		return;
	}
	l->header = (struct rect){ 0, 0, 1, cols };
	l->status = (struct rect){ rows - 1, 0, 1, cols };
	if (s->strip_zoomed && strip > 0) {
		/* The strip alone: every finding, no pane. */
		l->mode = LAYOUT_ZOOMED;
		l->strip = (struct rect){ 1, 0, rows - 2, cols };
		return;
	}
	if (zoomed) {
		l->mode = LAYOUT_ZOOMED;
		l->pane[focus] = (struct rect){ 1 + strip, 0, bh, cols };
	} else if (layout_grid(l, s, 1 + strip, bh)) {
		l->mode = LAYOUT_GRID;
	} else {
		/* A grid under a one-line strip rather than no grid. */
		int fit = strip - 1;

		while (fit >= 1) {
			memset(l->pane, 0, sizeof(l->pane));
			if (layout_grid(l, s, 1 + fit, rows - 2 - fit)) {
				break;
			}
			fit--;
		}
		if (fit >= 1) {
			l->mode = LAYOUT_GRID;
			strip = fit;
		} else {
			/* The open pane before the strip's lines: a table's
			 * heading and a few rows. */
			while (strip > 1 && bh - (n_shown - 1) <
			       LAYOUT_GRID_MIN_H) {
				strip--;
				bh++;
			}
			memset(l->pane, 0, sizeof(l->pane));
			l->mode = LAYOUT_ACCORDION;
			layout_accordion(l, s, 1 + strip, bh, focus, n_shown);
		}
	}
	if (strip > 0) {
		l->strip = (struct rect){ 1, 0, strip, cols };
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
