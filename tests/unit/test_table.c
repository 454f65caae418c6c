/* widgets/table: layout, truncation, wide characters, selection and
 * scrolling, drawn into a real ncurses window and read back. */
#include <criterion/criterion.h>

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/sanitize.h"
#include "widgets/table.h"

#define ROWS 24
#define COLS 80

static SCREEN *scr;
static FILE *scr_out, *scr_in;
static WINDOW *win;

static void
screen_up(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	setenv("TERM", "xterm-256color", 1);
	scr_out = fopen("/dev/null", "w");
	scr_in = fopen("/dev/null", "r");
	scr = newterm(NULL, scr_out, scr_in);
	cr_assert_not_null(scr);
	set_term(scr);
	win = newwin(ROWS, COLS, 0, 0);
	cr_assert_not_null(win);
	text_utf8 = true;
}

static void
screen_down(void)
{
	delwin(win);
	endwin();
	delscreen(scr);
	fclose(scr_out);
	fclose(scr_in);
}

/* Row y from column x, n columns, as UTF-8; a wide character once. */
static char *
row_at(int y, int x, int n, char *buf, size_t size)
{
	size_t o = 0;
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	for (int c = x; c < x + n && c < COLS; c++) {
		cchar_t cc;
		wchar_t wc[CCHARW_MAX + 1] = { 0 };
		attr_t a;
		short pair;
		char mb[MB_LEN_MAX];
		size_t k;

		mvwin_wch(win, y, c, &cc);
		getcchar(&cc, wc, &a, &pair, NULL);
		k = wcrtomb(mb, wc[0], &st);
		cr_assert(k != (size_t)-1 && o + k < size);
		memcpy(buf + o, mb, k);
		o += k;
		if (wcwidth(wc[0]) == 2) {
			c++;
		}
	}
	buf[o] = '\0';
	return buf;
}

static char *
row_trim(int y, int x, int n, char *buf, size_t size)
{
	size_t len;

	row_at(y, x, n, buf, size);
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == ' ') {
		buf[--len] = '\0';
	}
	return buf;
}

static wchar_t
cell_char(int y, int x)
{
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1] = { 0 };
	attr_t a;
	short pair;

	mvwin_wch(win, y, x, &cc);
	getcchar(&cc, wc, &a, &pair, NULL);
	return wc[0];
}

static attr_t
cell_attrs(int y, int x)
{
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a;
	short pair;

	mvwin_wch(win, y, x, &cc);
	getcchar(&cc, wc, &a, &pair, NULL);
	return a;
}

/* ---- a model of pods ------------------------------------------------ */

static const struct table_col pod_cols[] = {
	{ .title = "NAME", .width = 10, .min_width = 6, .flex = true },
	{ .title = "STATUS", .width = 8, .min_width = 6 },
	{ .title = "AGE", .width = 5, .min_width = 0 },
	{ .title = "RESTARTS", .width = 4, .min_width = 3, .right = true },
};

struct pod {
	const char *name;
	const char *status;
	const char *age;
	const char *restarts;
};

static const struct pod pods[] = {
	{ "api-7d9f", "Running", "3d", "0" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x9d"
	  "\xe3\x83\x83\xe3\x83\x89\xe5\x90\x8d\xe5\x89\x8d",
	  "Running", "5h", "7" },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80 pod", "Pending", "1m", "123" },
	{ "a-very-long-pod-name-xyz", "CrashLoopBackOff", "2d", "45" },
	{ "evil\x1b[31mred", "Failed", "1s", "1" },
};

static void
pod_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	 enum role *role)
{
	const struct pod *p = &((const struct pod *)ctx)[row];
	const char *v[] = { p->name, p->status, p->age, p->restarts };

	snprintf(buf, n, "%s", v[col]);
	if (col == 1 && strcmp(p->status, "Running") != 0) {
		*role = ROLE_CRIT;
	}
}

static struct table_model
pod_model(void)
{
	struct table_model m = {
		.cols = pod_cols,
		.n_cols = 4,
		.n_rows = sizeof(pods) / sizeof(pods[0]),
		.cell = pod_cell,
		.ctx = (void *)pods,
	};
	return m;
}

/* ---- layout -------------------------------------------------------- */

Test(table, layout_flex_takes_the_remainder)
{
	struct table_model m = pod_model();
	int w[4];

	table_layout(&m, 60, w);
	cr_assert_eq(w[1], 8);
	cr_assert_eq(w[2], 5);
	cr_assert_eq(w[3], 4);
	cr_assert_eq(w[0], 60 - 8 - 5 - 4 - 3);
}

Test(table, layout_hides_min0_columns_first)
{
	struct table_model m = pod_model();
	int w[4];

	/* 6 + 8 + 5 + 4 + 3 separators = 26 does not fit in 22: AGE goes,
	 * and the flex column gets what it frees. */
	table_layout(&m, 22, w);
	cr_assert_eq(w[2], 0);
	cr_assert_eq(w[1], 8);
	cr_assert_eq(w[3], 4);
	cr_assert_eq(w[0], 22 - 8 - 4 - 2);
}

Test(table, layout_shrinks_then_hides_from_the_right)
{
	struct table_model m = pod_model();
	int w[4];

	table_layout(&m, 16, w);
	cr_assert_eq(w[2], 0);
	cr_assert_eq(w[3], 0);
	cr_assert_eq(w[1], 6);
	cr_assert_eq(w[0], 16 - 6 - 1);
	table_layout(&m, 4, w);
	cr_assert_eq(w[0], 4);
	cr_assert_eq(w[1] + w[2] + w[3], 0);
	table_layout(&m, 0, w);
	cr_assert_eq(w[0], 0);
}

/* ---- drawing ------------------------------------------------------- */

Test(table, heading_and_truncation, .init = screen_up, .fini = screen_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[256];

	/* NAME gets 10 columns at width 30: 30 - 8 - 5 - 4 - 3. */
	table_draw(win, 0, 0, 10, 30, &m, &v, NULL, true);
	cr_assert_str_eq(row_at(0, 0, 30, buf, sizeof(buf)),
			 "NAME       STATUS   AGE   RES\u2026");
	cr_assert_str_eq(row_trim(4, 0, 10, buf, sizeof(buf)),
			 "a-very-lo\u2026");
	cr_assert_str_eq(row_trim(4, 11, 8, buf, sizeof(buf)),
			 "CrashLo\u2026");
	/* The heading row is drawn in the column role. */
	cr_assert(cell_attrs(0, 0) & A_UNDERLINE);
	cr_assert(cell_attrs(0, 29) & A_UNDERLINE);
}

Test(table, wide_characters_keep_columns_aligned, .init = screen_up,
     .fini = screen_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[256];

	table_draw(win, 0, 0, 10, 30, &m, &v, NULL, false);
	/* Nine CJK characters are 18 columns: 4 of them and "…" take 9
	 * of the 10. */
	cr_assert_str_eq(row_trim(2, 0, 10, buf, sizeof(buf)),
			 "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae"
			 "\u2026");
	cr_assert_str_eq(row_trim(3, 0, 10, buf, sizeof(buf)),
			 "\xf0\x9f\x98\x80\xf0\x9f\x98\x80 pod");
	/* STATUS starts at column 11 on every row, AGE at 20. */
	for (int y = 1; y <= 5; y++) {
		wchar_t s = cell_char(y, 11);

		cr_assert(s == L'R' || s == L'P' || s == L'C' || s == L'F',
			  "row %d: status starts with U+%04X", y, (unsigned)s);
		cr_assert_eq(cell_char(y, 10), L' ', "row %d", y);
	}
	cr_assert_str_eq(row_trim(2, 20, 5, buf, sizeof(buf)), "5h");
	cr_assert_str_eq(row_trim(3, 20, 5, buf, sizeof(buf)), "1m");
}

Test(table, numbers_right_aligned, .init = screen_up, .fini = screen_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[64];

	table_draw(win, 0, 0, 10, 30, &m, &v, NULL, false);
	/* RESTARTS is the last 4 columns, 26..29. */
	cr_assert_str_eq(row_at(2, 26, 4, buf, sizeof(buf)), "   7");
	cr_assert_str_eq(row_at(3, 26, 4, buf, sizeof(buf)), " 123");
	cr_assert_str_eq(row_at(4, 26, 4, buf, sizeof(buf)), "  45");
}

Test(table, escape_in_cell_shows_as_text, .init = screen_up,
     .fini = screen_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[128];

	table_draw(win, 0, 0, 10, 60, &m, &v, NULL, false);
	cr_assert_str_eq(row_trim(5, 0, 20, buf, sizeof(buf)),
			 "evil\\x1b[31mred");
	/* The escape is drawn in the escape role (underline without a
	 * theme), the text around it is not. */
	cr_assert(cell_attrs(5, 4) & A_UNDERLINE);
	cr_assert_not(cell_attrs(5, 0) & A_UNDERLINE);
}

Test(table, ascii_ellipsis_without_utf8, .init = screen_up,
     .fini = screen_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[64];

	text_utf8 = false;
	table_draw(win, 0, 0, 10, 30, &m, &v, NULL, false);
	cr_assert_str_eq(row_trim(4, 0, 10, buf, sizeof(buf)), "a-very-lo~");
	/* Wide characters become one "?" each. */
	cr_assert_str_eq(row_trim(3, 0, 10, buf, sizeof(buf)), "?? pod");
}

Test(table, selection_highlighted_when_focused, .init = screen_up,
     .fini = screen_down)
{
	struct table_model m = pod_model();
	struct table_view v = { .sel = 2 };

	table_draw(win, 0, 0, 10, 30, &m, &v, NULL, true);
	cr_assert(cell_attrs(3, 0) & A_REVERSE);
	cr_assert(cell_attrs(3, 29) & A_REVERSE);
	cr_assert_not(cell_attrs(2, 0) & A_REVERSE);
	table_draw(win, 0, 0, 10, 30, &m, &v, NULL, false);
	cr_assert_not(cell_attrs(3, 0) & A_REVERSE);
}

Test(table, selection_uses_theme_pair, .init = screen_up,
     .fini = screen_down)
{
	struct table_model m = pod_model();
	struct table_view v = { .sel = 1 };
	struct theme t;
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a;
	short pair;

	theme_defaults(&t);
	start_color();
	theme_apply(&t);
	table_draw(win, 0, 0, 10, 30, &m, &v, &t, true);
	mvwin_wch(win, 2, 0, &cc);
	getcchar(&cc, wc, &a, &pair, NULL);
	cr_assert_eq(pair, ROLE_SELECTED + 1);
	mvwin_wch(win, 0, 0, &cc);
	getcchar(&cc, wc, &a, &pair, NULL);
	cr_assert_eq(pair, ROLE_COLUMN + 1);
	/* The cell's own role: a CrashLoopBackOff status is crit. */
	mvwin_wch(win, 4, 11, &cc);
	getcchar(&cc, wc, &a, &pair, NULL);
	cr_assert_eq(pair, ROLE_CRIT + 1);
}

/* ---- scrolling ------------------------------------------------------ */

static const struct table_col num_cols[] = {
	{ .title = "ROW", .width = 10, .min_width = 3, .flex = true },
};

static void
num_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	 enum role *role)
{
	snprintf(buf, n, "row %zu", row);
}

static struct table_model
num_model(size_t n)
{
	struct table_model m = {
		.cols = num_cols,
		.n_cols = 1,
		.n_rows = n,
		.cell = num_cell,
	};
	return m;
}

Test(table, keys_move_and_scroll, .init = screen_up, .fini = screen_down)
{
	struct table_model m = num_model(100);
	struct table_view v = { 0 };
	char buf[64];

	table_draw(win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_eq(v.page, 10);
	cr_assert_not(table_view_key(&v, 'k', 100));
	cr_assert(table_view_key(&v, 'j', 100));
	cr_assert_eq(v.sel, 1);
	cr_assert(table_view_key(&v, KEY_DOWN, 100));
	cr_assert(table_view_key(&v, KEY_UP, 100));
	cr_assert(table_view_key(&v, 'k', 100));
	cr_assert_eq(v.sel, 0);

	cr_assert(table_view_key(&v, KEY_NPAGE, 100));
	cr_assert_eq(v.sel, 10);
	cr_assert_eq(v.top, 10);
	table_draw(win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_str_eq(row_trim(1, 0, 20, buf, sizeof(buf)), "row 10");
	cr_assert(cell_attrs(1, 0) & A_REVERSE);

	cr_assert(table_view_key(&v, 'G', 100));
	cr_assert_eq(v.sel, 99);
	table_draw(win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_str_eq(row_trim(10, 0, 20, buf, sizeof(buf)), "row 99");
	cr_assert_str_eq(row_trim(1, 0, 20, buf, sizeof(buf)), "row 90");
	cr_assert_not(table_view_key(&v, KEY_END, 100));
	cr_assert_not(table_view_key(&v, 'j', 100));

	cr_assert(table_view_key(&v, KEY_PPAGE, 100));
	cr_assert_eq(v.sel, 89);
	cr_assert_eq(v.top, 80);

	cr_assert(table_view_key(&v, 'g', 100));
	cr_assert_eq(v.sel, 0);
	cr_assert_eq(v.top, 0);
	cr_assert(table_view_key(&v, KEY_END, 100));
	cr_assert(table_view_key(&v, KEY_HOME, 100));
	cr_assert_eq(v.sel, 0);
	cr_assert_not(table_view_key(&v, 'x', 100));
}

Test(table, draw_keeps_selection_visible, .init = screen_up,
     .fini = screen_down)
{
	struct table_model m = num_model(100);
	struct table_view v = { .sel = 50, .top = 0 };
	char buf[64];

	table_draw(win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_eq(v.top, 41);
	cr_assert_str_eq(row_trim(10, 0, 20, buf, sizeof(buf)), "row 50");
	cr_assert(cell_attrs(10, 0) & A_REVERSE);
	/* Scrolling up past the top brings the row to the first line. */
	v.sel = 5;
	table_draw(win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_eq(v.top, 5);
	cr_assert_str_eq(row_trim(1, 0, 20, buf, sizeof(buf)), "row 5");
}

Test(table, fewer_rows_than_lines, .init = screen_up, .fini = screen_down)
{
	struct table_model m = num_model(3);
	struct table_view v = { .sel = 9, .top = 7 };
	char buf[64];

	table_draw(win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_eq(v.sel, 2);
	cr_assert_eq(v.top, 0);
	cr_assert_str_eq(row_trim(3, 0, 20, buf, sizeof(buf)), "row 2");
	cr_assert_str_eq(row_trim(4, 0, 20, buf, sizeof(buf)), "");
	cr_assert_not(table_view_key(&v, KEY_NPAGE, 3) && v.sel != 2);
}

Test(table, clamp_after_rows_went_away)
{
	struct table_view v = { .sel = 50, .top = 45, .page = 10 };

	table_view_clamp(&v, 5);
	cr_assert_eq(v.sel, 4);
	cr_assert_eq(v.top, 0);
	table_view_clamp(&v, 0);
	cr_assert_eq(v.sel, 0);
	cr_assert_eq(v.top, 0);
}

Test(table, click_selects_a_row)
{
	struct table_view v = { .sel = 0, .top = 20, .page = 10 };

	cr_assert_not(table_view_click(&v, 0, 100));
	cr_assert(table_view_click(&v, 3, 100));
	cr_assert_eq(v.sel, 22);
	cr_assert_not(table_view_click(&v, 11, 100));
	cr_assert_not(table_view_click(&v, 5, 23));
	cr_assert_eq(v.sel, 22);
}
