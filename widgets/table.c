/* A scrolling table: lays out columns for the width, asks the model only
 * for the rows on screen, and draws cells sanitized and cut by display
 * width, so wide characters never push a column. UI thread. */
#include "widgets/table.h"

#include <stdlib.h>

#include "core/xalloc.h"
#include "widgets/draw.h"

/* Columns and the separators between them; hidden columns are -1. */
static int
layout_total(const int *wd, int n)
{
	int total = 0, vis = 0;

	for (int i = 0; i < n; i++) {
		if (wd[i] >= 0) {
			total += wd[i];
			vis++;
		}
	}
	return total + (vis > 1 ? vis - 1 : 0);
}

static int
rightmost_visible(const int *wd, const struct table_col *c, int n,
		  bool only_min0)
{
	int vis = 0;

	for (int i = 0; i < n; i++) {
		vis += wd[i] >= 0;
	}
	if (vis <= 1) {
		return -1;
	}
	for (int i = n - 1; i >= 0; i--) {
		if (wd[i] >= 0 && (!only_min0 || c[i].min_width == 0)) {
			return i;
		}
	}
	return -1;
}

void
table_layout(const struct table_model *m, int w, int *widths)
{
	const struct table_col *c = m->cols;
	const int n = m->n_cols;
	int n_flex = 0, extra, i;

	if (w <= 0) {
		for (i = 0; i < n; i++) {
			widths[i] = 0;
		}
		return;
	}
	/* Flex columns start at their minimum and take what is left. */
	for (i = 0; i < n; i++) {
		int min = c[i].min_width > 0 ? c[i].min_width : 1;

		if (c[i].flex) {
			widths[i] = min;
		} else {
			widths[i] = c[i].width > min ? c[i].width : min;
		}
	}
	/* Too narrow: hide the columns that may go (min_width 0), from the
	 * right; then shrink the widest toward their minimum; then hide
	 * from the right; last, cut the one column left. */
	while (layout_total(widths, n) > w &&
	       (i = rightmost_visible(widths, c, n, true)) >= 0) {
		widths[i] = -1;
	}
	while (layout_total(widths, n) > w) {
		int best = -1, slack = 0;

		for (i = 0; i < n; i++) {
			int min = c[i].min_width > 0 ? c[i].min_width : 1;

			if (widths[i] >= 0 && !c[i].flex &&
			    widths[i] - min > slack) {
				slack = widths[i] - min;
				best = i;
			}
		}
		if (best < 0) {
			break;
		}
		widths[best]--;
	}
	while (layout_total(widths, n) > w &&
	       (i = rightmost_visible(widths, c, n, false)) >= 0) {
		widths[i] = -1;
	}
	extra = w - layout_total(widths, n);
	for (i = 0; i < n; i++) {
		if (widths[i] >= 0 && extra < 0) {
			widths[i] += extra;     /* the only column left */
			extra = 0;
		}
		n_flex += widths[i] >= 0 && c[i].flex;
	}
	for (i = 0; i < n && n_flex > 0; i++) {
		if (widths[i] >= 0 && c[i].flex) {
			int add = extra / n_flex;

			widths[i] += add;
			extra -= add;
			n_flex--;
		}
	}
	for (i = 0; i < n; i++) {
		if (widths[i] < 0) {
			widths[i] = 0;
		}
	}
}

/* Keeps sel within the rows and on the page that starts at top. */
static void
keep_visible(struct table_view *v, size_t n_rows)
{
	size_t page = v->page > 0 ? (size_t)v->page : 1;

	if (n_rows == 0) {
		v->sel = 0;
		v->top = 0;
		return;
	}
	if (v->sel >= n_rows) {
		v->sel = n_rows - 1;
	}
	if (v->sel < v->top) {
		v->top = v->sel;
	}
	if (v->sel >= v->top + page) {
		v->top = v->sel - page + 1;
	}
	/* No empty lines at the bottom while there are rows above. */
	if (v->top + page > n_rows) {
		v->top = n_rows > page ? n_rows - page : 0;
	}
}

static void
draw_cell(WINDOW *win, int y, int x, int w, const struct table_col *c,
	  const char *s, enum role role, const struct theme *t)
{
	if (w <= 0) {
		return;
	}
	if (c->right) {
		draw_text_right(win, y, x + w, w, s, role, t);
	} else {
		draw_text(win, y, x, w, s, role, t);
	}
}

void
table_draw(WINDOW *win, int y, int x, int h, int w,
	   const struct table_model *m, struct table_view *v,
	   const struct theme *t, bool focused)
{
	char buf[TABLE_CELL_MAX];
	int *wd;
	int cx;

	if (h <= 0 || w <= 0 || m->n_cols <= 0) {
		return;
	}
	wd = xcalloc((size_t)m->n_cols, sizeof(*wd));
	table_layout(m, w, wd);
	v->page = h - 1;
	keep_visible(v, m->n_rows);

	draw_fill(win, y, x, 1, w, ROLE_COLUMN, t);
	cx = x;
	for (int c = 0; c < m->n_cols; c++) {
		if (wd[c] == 0) {
			continue;
		}
		draw_cell(win, y, cx, wd[c], &m->cols[c], m->cols[c].title,
			  ROLE_COLUMN, t);
		cx += wd[c] + 1;
	}
	for (int r = 0; r < h - 1; r++) {
		size_t row = v->top + (size_t)r;
		bool sel = focused && row == v->sel;
		int ly = y + 1 + r;

		draw_fill(win, ly, x, 1, w, sel ? ROLE_SELECTED : ROLE_NORMAL,
			  t);
		if (row >= m->n_rows) {
			continue;
		}
		cx = x;
		for (int c = 0; c < m->n_cols; c++) {
			enum role role = ROLE_NORMAL;

			if (wd[c] == 0) {
				continue;
			}
			buf[0] = '\0';
			m->cell(m->ctx, row, c, buf, sizeof(buf), &role);
			buf[sizeof(buf) - 1] = '\0';
			draw_cell(win, ly, cx, wd[c], &m->cols[c], buf,
				  sel ? ROLE_SELECTED : role, t);
			cx += wd[c] + 1;
		}
	}
	free(wd);
}

bool
table_view_key(struct table_view *v, int key, size_t n_rows)
{
	size_t page = v->page > 0 ? (size_t)v->page : 1;
	size_t old_sel = v->sel, old_top = v->top;
	size_t last = n_rows > 0 ? n_rows - 1 : 0;
	size_t last_top = n_rows > page ? n_rows - page : 0;

	switch (key) {
	case KEY_UP:
	case 'k':
		if (v->sel > 0) {
			v->sel--;
		}
		break;
	case KEY_DOWN:
	case 'j':
		if (v->sel < last) {
			v->sel++;
		}
		break;
	case KEY_PPAGE:
		v->sel = v->sel > page ? v->sel - page : 0;
		v->top = v->top > page ? v->top - page : 0;
		break;
	case KEY_NPAGE:
		v->sel = v->sel + page < last ? v->sel + page : last;
		v->top = v->top + page < last_top ? v->top + page : last_top;
		break;
	case KEY_HOME:
	case 'g':
		v->sel = 0;
		v->top = 0;
		break;
	case KEY_END:
	case 'G':
		v->sel = last;
		v->top = last_top;
		break;
	default:
		return false;
	}
	keep_visible(v, n_rows);
	return v->sel != old_sel || v->top != old_top;
}

void
table_view_clamp(struct table_view *v, size_t n_rows)
{
	keep_visible(v, n_rows);
}

bool
table_view_click(struct table_view *v, int dy, size_t n_rows)
{
	size_t row;

	if (dy <= 0 || (v->page > 0 && dy - 1 >= v->page)) {
		return false;
	}
	row = v->top + (size_t)(dy - 1);
	if (row >= n_rows) {
		return false;
	}
	v->sel = row;
	return true;
}
