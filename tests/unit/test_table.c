/* widgets/table: layout, truncation, wide characters, selection and
 * scrolling, drawn into a real ncurses window and read back. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "core/sanitize.h"
#include "tests/unit/screen_fixture.h"
#include "widgets/table.h"

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

Test(table, heading_and_truncation, .init = scr_up, .fini = scr_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[256];

	/* NAME gets 10 columns at width 30: 30 - 8 - 5 - 4 - 3. */
	table_draw(scr_win, 0, 0, 10, 30, &m, &v, NULL, true);
	cr_assert_str_eq(scr_row_at(0, 0, 30, buf, sizeof(buf)),
			 "NAME       STATUS   AGE   RES\u2026");
	cr_assert_str_eq(scr_row_trim(4, 0, 10, buf, sizeof(buf)),
			 "a-very-lo\u2026");
	cr_assert_str_eq(scr_row_trim(4, 11, 8, buf, sizeof(buf)),
			 "CrashLo\u2026");
	/* The heading row is drawn in the column role. */
	cr_assert(scr_attrs(0, 0) & A_UNDERLINE);
	cr_assert(scr_attrs(0, 29) & A_UNDERLINE);
}

Test(table, wide_characters_keep_columns_aligned, .init = scr_up,
     .fini = scr_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[256];

	table_draw(scr_win, 0, 0, 10, 30, &m, &v, NULL, false);
	/* Nine CJK characters are 18 columns: 4 of them and "…" take 9
	 * of the 10. */
	cr_assert_str_eq(scr_row_trim(2, 0, 10, buf, sizeof(buf)),
			 "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae"
			 "\u2026");
	cr_assert_str_eq(scr_row_trim(3, 0, 10, buf, sizeof(buf)),
			 "\xf0\x9f\x98\x80\xf0\x9f\x98\x80 pod");
	/* STATUS starts at column 11 on every row, AGE at 20. */
	for (int y = 1; y <= 5; y++) {
		wchar_t s = scr_char(y, 11);

		cr_assert(s == L'R' || s == L'P' || s == L'C' || s == L'F',
			  "row %d: status starts with U+%04X", y, (unsigned)s);
		cr_assert_eq(scr_char(y, 10), L' ', "row %d", y);
	}
	cr_assert_str_eq(scr_row_trim(2, 20, 5, buf, sizeof(buf)), "5h");
	cr_assert_str_eq(scr_row_trim(3, 20, 5, buf, sizeof(buf)), "1m");
}

Test(table, numbers_right_aligned, .init = scr_up, .fini = scr_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[64];

	table_draw(scr_win, 0, 0, 10, 30, &m, &v, NULL, false);
	/* RESTARTS is the last 4 columns, 26..29. */
	cr_assert_str_eq(scr_row_at(2, 26, 4, buf, sizeof(buf)), "   7");
	cr_assert_str_eq(scr_row_at(3, 26, 4, buf, sizeof(buf)), " 123");
	cr_assert_str_eq(scr_row_at(4, 26, 4, buf, sizeof(buf)), "  45");
}

Test(table, escape_in_cell_shows_as_text, .init = scr_up,
     .fini = scr_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[128];

	table_draw(scr_win, 0, 0, 10, 60, &m, &v, NULL, false);
	cr_assert_str_eq(scr_row_trim(5, 0, 20, buf, sizeof(buf)),
			 "evil\\x1b[31mred");
	/* The escape is drawn in the escape role (underline without a
	 * theme), the text around it is not. */
	cr_assert(scr_attrs(5, 4) & A_UNDERLINE);
	cr_assert_not(scr_attrs(5, 0) & A_UNDERLINE);
}

Test(table, ascii_ellipsis_without_utf8, .init = scr_up,
     .fini = scr_down)
{
	struct table_model m = pod_model();
	struct table_view v = { 0 };
	char buf[64];

	text_utf8 = false;
	table_draw(scr_win, 0, 0, 10, 30, &m, &v, NULL, false);
	cr_assert_str_eq(scr_row_trim(4, 0, 10, buf, sizeof(buf)),
			 "a-very-lo~");
	/* Wide characters become one "?" each. */
	cr_assert_str_eq(scr_row_trim(3, 0, 10, buf, sizeof(buf)), "?? pod");
}

Test(table, selection_highlighted_when_focused, .init = scr_up,
     .fini = scr_down)
{
	struct table_model m = pod_model();
	struct table_view v = { .sel = 2 };

	table_draw(scr_win, 0, 0, 10, 30, &m, &v, NULL, true);
	cr_assert(scr_attrs(3, 0) & A_REVERSE);
	cr_assert(scr_attrs(3, 29) & A_REVERSE);
	cr_assert_not(scr_attrs(2, 0) & A_REVERSE);
	table_draw(scr_win, 0, 0, 10, 30, &m, &v, NULL, false);
	cr_assert_not(scr_attrs(3, 0) & A_REVERSE);
}

Test(table, selection_uses_theme_pair, .init = scr_up,
     .fini = scr_down)
{
	struct table_model m = pod_model();
	struct table_view v = { .sel = 1 };
	struct theme t;

	theme_defaults(&t);
	start_color();
	theme_apply(&t);
	table_draw(scr_win, 0, 0, 10, 30, &m, &v, &t, true);
	cr_assert_eq(scr_pair(2, 0), ROLE_SELECTED + 1);
	cr_assert_eq(scr_pair(0, 0), ROLE_COLUMN + 1);
	/* The cell's own role: a CrashLoopBackOff status is crit. */
	cr_assert_eq(scr_pair(4, 11), ROLE_CRIT + 1);
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

Test(table, keys_move_and_scroll, .init = scr_up, .fini = scr_down)
{
	struct table_model m = num_model(100);
	struct table_view v = { 0 };
	char buf[64];

	table_draw(scr_win, 0, 0, 11, 20, &m, &v, NULL, true);
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
	table_draw(scr_win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_str_eq(scr_row_trim(1, 0, 20, buf, sizeof(buf)), "row 10");
	cr_assert(scr_attrs(1, 0) & A_REVERSE);

	cr_assert(table_view_key(&v, 'G', 100));
	cr_assert_eq(v.sel, 99);
	table_draw(scr_win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_str_eq(scr_row_trim(10, 0, 20, buf, sizeof(buf)), "row 99");
	cr_assert_str_eq(scr_row_trim(1, 0, 20, buf, sizeof(buf)), "row 90");
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

Test(table, draw_keeps_selection_visible, .init = scr_up,
     .fini = scr_down)
{
	struct table_model m = num_model(100);
	struct table_view v = { .sel = 50, .top = 0 };
	char buf[64];

	table_draw(scr_win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_eq(v.top, 41);
	cr_assert_str_eq(scr_row_trim(10, 0, 20, buf, sizeof(buf)), "row 50");
	cr_assert(scr_attrs(10, 0) & A_REVERSE);
	/* Scrolling up past the top brings the row to the first line. */
	v.sel = 5;
	table_draw(scr_win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_eq(v.top, 5);
	cr_assert_str_eq(scr_row_trim(1, 0, 20, buf, sizeof(buf)), "row 5");
}

Test(table, fewer_rows_than_lines, .init = scr_up, .fini = scr_down)
{
	struct table_model m = num_model(3);
	struct table_view v = { .sel = 9, .top = 7 };
	char buf[64];

	table_draw(scr_win, 0, 0, 11, 20, &m, &v, NULL, true);
	cr_assert_eq(v.sel, 2);
	cr_assert_eq(v.top, 0);
	cr_assert_str_eq(scr_row_trim(3, 0, 20, buf, sizeof(buf)), "row 2");
	cr_assert_str_eq(scr_row_trim(4, 0, 20, buf, sizeof(buf)), "");
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
