/* widgets: sparkline, gauge, status bar, text view, draw helpers and
 * number formatting, drawn into a real ncurses window and read back. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <locale.h>
#include <math.h>
#include <string.h>

#include "core/sanitize.h"
#include "tests/unit/screen_fixture.h"
#include "widgets/draw.h"
#include "widgets/gauge.h"
#include "widgets/sparkline.h"
#include "widgets/statusbar.h"
#include "widgets/textview.h"

static void
utf8_locale(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	text_utf8 = true;
}

/* ---- sparkline ------------------------------------------------------ */

Test(sparkline, scales_between_data_min_and_max)
{
	const double v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	char out[64];

	cr_assert_eq(sparkline_render(v, 8, 20, NAN, NAN, true, out,
				      sizeof(out)), 8);
	cr_assert_str_eq(out, "\u2581\u2582\u2583\u2584\u2585\u2586\u2587"
			      "\u2588");
	cr_assert_eq(sparkline_render(v, 6, 20, NAN, NAN, false, out,
				      sizeof(out)), 6);
	cr_assert_str_eq(out, "_.-=^#");
}

Test(sparkline, explicit_range_clamps)
{
	const double v[] = { -5, 0, 50, 100, 500 };
	char out[64];

	sparkline_render(v, 5, 20, 0, 100, true, out, sizeof(out));
	cr_assert_str_eq(out, "\u2581\u2581\u2585\u2588\u2588");
	/* 50 of 0..100 is level 3.5 of 0..7: rounds to the 5th block. */
	sparkline_render(v, 5, 20, 0, 100, false, out, sizeof(out));
	cr_assert_str_eq(out, "__=##");
}

Test(sparkline, flat_series_and_gaps)
{
	const double flat[] = { 3, 3, 3, 3 };
	const double gaps[] = { 1, NAN, 3, NAN };
	char out[64];

	cr_assert_eq(sparkline_render(flat, 4, 10, NAN, NAN, true, out,
				      sizeof(out)), 4);
	cr_assert_str_eq(out, "\u2581\u2581\u2581\u2581");
	sparkline_render(gaps, 4, 10, NAN, NAN, true, out, sizeof(out));
	cr_assert_str_eq(out, "\u2581 \u2588 ");
	sparkline_render(gaps, 4, 10, NAN, NAN, false, out, sizeof(out));
	cr_assert_str_eq(out, "_ # ");
}

Test(sparkline, keeps_the_last_width_samples)
{
	const double v[] = { 100, 100, 0, 1, 2 };
	char out[64];

	/* The early 100s are outside the window and do not scale it. */
	cr_assert_eq(sparkline_render(v, 5, 3, NAN, NAN, false, out,
				      sizeof(out)), 3);
	cr_assert_str_eq(out, "_=#");
}

Test(sparkline, never_splits_a_block)
{
	const double v[] = { 0, 1, 2, 3 };
	char out[8];

	/* Room for two 3-byte blocks and the NUL. */
	cr_assert_eq(sparkline_render(v, 4, 4, NAN, NAN, true, out,
				      sizeof(out)), 2);
	cr_assert_eq(strlen(out), 6);
	cr_assert_eq(sparkline_render(v, 4, 0, NAN, NAN, true, out,
				      sizeof(out)), 0);
	cr_assert_str_eq(out, "");
}

Test(sparkline, draw_puts_newest_at_the_right, .init = scr_up,
     .fini = scr_down)
{
	double v[] = { 0, 7 };
	char buf[64];

	sparkline_draw(scr_win, 1, 0, 6, v, 2, NAN, NAN, ROLE_SPARK, NULL);
	cr_assert_str_eq(scr_row_trim(1, 0, 6, buf, sizeof(buf)),
			 "    \u2581\u2588");
}

/* ---- sparkline resampled to the width -------------------------------- */

Test(sparkline, fit_takes_the_max_of_each_column)
{
	/* 12 samples in 4 columns, 3 each: maxima 9, 0, 5, 0 (means would
	 * be 3, 0, 1.7, 0). 5 of 0..9 is level 3.9 of 0..7: the 5th block. */
	const double v[] = { 0, 0, 9, 0, 0, 0, 0, 5, 0, 0, 0, 0 };
	char out[64];

	cr_assert_eq(sparkline_render_fit(v, 12, 4, NAN, NAN, true, out,
					  sizeof(out)), 4);
	cr_assert_str_eq(out, "\u2588\u2581\u2585\u2581");
	cr_assert_eq(sparkline_render_fit(v, 12, 4, 0, 18, false, out,
					  sizeof(out)), 4);
	/* 9 of 0..18 is level 2.5 of 0..5: rounds to the 4th symbol. */
	cr_assert_str_eq(out, "=_._");
}

Test(sparkline, fit_blank_only_where_every_sample_is_a_gap)
{
	const double v[] = { 1, NAN, NAN, NAN, NAN, 3, 2, NAN };
	char out[64];

	/* Columns: {1, gap} {gap, gap} {gap, 3} {2, gap}. */
	cr_assert_eq(sparkline_render_fit(v, 8, 4, NAN, NAN, true, out,
					  sizeof(out)), 4);
	cr_assert_str_eq(out, "\u2581 \u2588\u2585");
	sparkline_render_fit(v, 8, 4, NAN, NAN, false, out, sizeof(out));
	cr_assert_str_eq(out, "_ #=");
}

Test(sparkline, fit_shows_the_whole_series)
{
	double v[121];
	char out[3 * 64 + 1];
	const char *p = out;
	int cols;

	/* 30 minutes at 15 s in 37 columns: spikes at both ends. */
	for (int i = 0; i < 121; i++) {
		v[i] = i == 0 || i == 120 ? 10 : 1;
	}
	cols = sparkline_render_fit(v, 121, 37, NAN, NAN, true, out,
				    sizeof(out));
	cr_assert_eq(cols, 37);
	cr_assert_eq(strlen(out), 37 * 3);
	cr_assert_eq(strncmp(p, "\u2588", 3), 0, "%s", out);
	for (int i = 1; i < 36; i++) {
		cr_assert_eq(strncmp(p + 3 * i, "\u2581", 3), 0,
			     "column %d: %s", i, out);
	}
	cr_assert_eq(strncmp(p + 3 * 36, "\u2588", 3), 0, "%s", out);
	/* The last-samples render loses the first spike. */
	sparkline_render(v, 121, 37, NAN, NAN, true, out, sizeof(out));
	cr_assert_eq(strncmp(p, "\u2581", 3), 0, "%s", out);
}

Test(sparkline, fit_does_not_stretch_a_short_series)
{
	const double v[] = { 0, 1, 2 };
	char out[64];

	cr_assert_eq(sparkline_render_fit(v, 3, 10, NAN, NAN, true, out,
					  sizeof(out)), 3);
	cr_assert_str_eq(out, "\u2581\u2585\u2588");
	cr_assert_eq(sparkline_render_fit(v, 3, 3, NAN, NAN, false, out,
					  sizeof(out)), 3);
	cr_assert_str_eq(out, "_=#");
	/* Room for one 3-byte block and the NUL; nothing for width 0. */
	cr_assert_eq(sparkline_render_fit(v, 3, 10, NAN, NAN, true, out, 5),
		     1);
	cr_assert_str_eq(out, "\u2581");
	cr_assert_eq(sparkline_render_fit(v, 3, 0, NAN, NAN, true, out,
					  sizeof(out)), 0);
	cr_assert_str_eq(out, "");
	cr_assert_eq(sparkline_render_fit(NULL, 0, 10, NAN, NAN, true, out,
					  sizeof(out)), 0);
}

Test(sparkline, draw_fit_right_aligns_and_fills, .init = scr_up,
     .fini = scr_down)
{
	double shortv[] = { 0, 1, 2 };
	double longv[] = { 0, 8, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2 };
	char buf[64];

	sparkline_draw_fit(scr_win, 1, 0, 6, shortv, 3, NAN, NAN, ROLE_SPARK,
			   NULL);
	cr_assert_str_eq(scr_row_trim(1, 0, 6, buf, sizeof(buf)),
			 "   \u2581\u2585\u2588");
	/* 12 samples in 6 columns, two each: 8 1 1 1 1 2 from 0..8. */
	sparkline_draw_fit(scr_win, 2, 0, 6, longv, 12, 0, NAN, ROLE_SPARK,
			   NULL);
	cr_assert_str_eq(scr_row_trim(2, 0, 6, buf, sizeof(buf)),
			 "\u2588\u2582\u2582\u2582\u2582\u2583");
}

/* ---- gauge ----------------------------------------------------------- */

Test(gauge, bar_and_percentage, .init = scr_up, .fini = scr_down)
{
	char buf[128];

	/* 20 columns: "[" 13 "] " "72 %"; 0.72 * 13 = 9.36 -> 9 filled. */
	gauge_draw(scr_win, 0, 0, 20, 72, 100, NULL, ROLE_OK, NULL);
	cr_assert_str_eq(scr_row_trim(0, 0, 20, buf, sizeof(buf)),
			 "[\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
			 "\u2588\u2591\u2591\u2591\u2591] 72 %");
	gauge_draw(scr_win, 1, 0, 16, 1, 5, "1/5", ROLE_CRIT, NULL);
	cr_assert_str_eq(scr_row_trim(1, 0, 16, buf, sizeof(buf)),
			 "[\u2588\u2588\u2591\u2591\u2591\u2591\u2591\u2591"
			 "\u2591\u2591] 1/5");
	/* The filled part is drawn in the caller's role. */
	cr_assert(scr_attrs(1, 1) & A_BOLD);
	cr_assert_not(scr_attrs(1, 5) & A_BOLD);
}

Test(gauge, unknown_value_draws_a_dash, .init = scr_up,
     .fini = scr_down)
{
	char buf[128];

	gauge_draw(scr_win, 0, 0, 10, NAN, 100, "72 %", ROLE_OK, NULL);
	cr_assert_str_eq(scr_row_trim(0, 0, 10, buf, sizeof(buf)),
			 "[\u2591\u2591\u2591\u2591\u2591\u2591] \u2014");
	gauge_draw(scr_win, 1, 0, 10, 5, 0, NULL, ROLE_OK, NULL);
	cr_assert_str_eq(scr_row_trim(1, 0, 10, buf, sizeof(buf)),
			 "[\u2591\u2591\u2591\u2591\u2591\u2591] \u2014");
}

Test(gauge, ascii_and_overflow, .init = scr_up, .fini = scr_down)
{
	char buf[128];

	text_utf8 = false;
	gauge_draw(scr_win, 0, 0, 14, 3, 2, NULL, ROLE_WARN, NULL);
	cr_assert_str_eq(scr_row_trim(0, 0, 14, buf, sizeof(buf)),
			 "[######] 150 %");
	gauge_draw(scr_win, 1, 0, 12, 0.2, 10, NULL, ROLE_WARN, NULL);
	cr_assert_str_eq(scr_row_trim(1, 0, 12, buf, sizeof(buf)),
			 "[#...] 2.0 %");
}

/* ---- status bar ------------------------------------------------------ */

static const char hints[] = "q\tquit\n?\thelp\n/\tfilter\n";

Test(statusbar, message_left_hints_right, .init = scr_up,
     .fini = scr_down)
{
	char buf[128];

	statusbar_draw(scr_win, 5, 40, "ready", ROLE_NORMAL, hints, NULL);
	cr_assert_str_eq(scr_row_trim(5, 0, 40, buf, sizeof(buf)),
			 " ready         q quit  ? help  / filter");
	/* Keys in the key role (reverse|bold), labels in the bar's. */
	cr_assert(scr_attrs(5, 15) & A_BOLD);
	cr_assert_not(scr_attrs(5, 17) & A_BOLD);
	cr_assert(scr_attrs(5, 0) & A_REVERSE);
}

Test(statusbar, hints_go_first_when_narrow, .init = scr_up,
     .fini = scr_down)
{
	char buf[128];

	statusbar_draw(scr_win, 5, 30, "probe failed", ROLE_CRIT, hints, NULL);
	cr_assert_str_eq(scr_row_trim(5, 0, 30, buf, sizeof(buf)),
			 " probe failed  q quit  ? help");
	statusbar_draw(scr_win, 6, 20, "probe failed", ROLE_CRIT, hints, NULL);
	cr_assert_str_eq(scr_row_trim(6, 0, 20, buf, sizeof(buf)),
			 " probe failed");
	/* Then the message itself is cut. */
	statusbar_draw(scr_win, 7, 8, "probe failed", ROLE_CRIT, hints, NULL);
	cr_assert_str_eq(scr_row_trim(7, 0, 8, buf, sizeof(buf)),
			 " probe\u2026");
	/* No message: all room to the hints. */
	statusbar_draw(scr_win, 8, 30, NULL, ROLE_NORMAL, hints, NULL);
	cr_assert_str_eq(scr_row_trim(8, 0, 30, buf, sizeof(buf)),
			 "     q quit  ? help  / filter");
}

Test(statusbar, message_is_sanitized, .init = scr_up,
     .fini = scr_down)
{
	char buf[128];

	statusbar_draw(scr_win, 0, 40, "redis: \x1b]0;pwned\a", ROLE_WARN, "",
		       NULL);
	cr_assert_str_eq(scr_row_trim(0, 0, 40, buf, sizeof(buf)),
			 " redis: \\x1b]0;pwned\\x07");
}

/* ---- text view ------------------------------------------------------- */

Test(textview, wraps_at_words_and_scrolls, .init = scr_up,
     .fini = scr_down)
{
	struct textview tv = { 0 };
	char buf[128];

	textview_set(&tv, "the quick brown fox jumps over the lazy dog\n"
			  "\n"
			  "line three\n"
			  "a\tb\n"
			  "abcdefghijklmnopqrstuvwxyz");
	textview_draw(&tv, scr_win, 0, 0, 4, 12, NULL);
	/* 4 + 1 + 1 + 1 + 3 wrapped rows. */
	cr_assert_eq(tv.n_lines, 10);
	cr_assert_str_eq(scr_row_trim(0, 0, 12, buf, sizeof(buf)), "the quick");
	cr_assert_str_eq(scr_row_trim(1, 0, 12, buf, sizeof(buf)), "brown fox");
	cr_assert_str_eq(scr_row_trim(2, 0, 12, buf, sizeof(buf)),
			 "jumps over");
	cr_assert_str_eq(scr_row_trim(3, 0, 12, buf, sizeof(buf)),
			 "the lazy dog");
	cr_assert_str_eq(scr_row_trim(4, 0, 12, buf, sizeof(buf)), "");

	cr_assert(textview_key(&tv, 'j'));
	textview_draw(&tv, scr_win, 0, 0, 4, 12, NULL);
	cr_assert_str_eq(scr_row_trim(0, 0, 12, buf, sizeof(buf)), "brown fox");
	cr_assert(textview_key(&tv, 'G'));
	textview_draw(&tv, scr_win, 0, 0, 4, 12, NULL);
	cr_assert_eq(tv.top, 6);
	cr_assert_str_eq(scr_row_trim(0, 0, 12, buf, sizeof(buf)), "a       b");
	cr_assert_str_eq(scr_row_trim(1, 0, 12, buf, sizeof(buf)),
			 "abcdefghijkl");
	cr_assert_str_eq(scr_row_trim(2, 0, 12, buf, sizeof(buf)),
			 "mnopqrstuvwx");
	cr_assert_str_eq(scr_row_trim(3, 0, 12, buf, sizeof(buf)), "yz");
	cr_assert_not(textview_key(&tv, 'j'));
	cr_assert(textview_key(&tv, KEY_PPAGE));
	cr_assert_eq(tv.top, 2);
	cr_assert(textview_key(&tv, 'g'));
	cr_assert_eq(tv.top, 0);
	cr_assert_not(textview_key(&tv, 'k'));
	cr_assert(textview_key(&tv, KEY_NPAGE));
	cr_assert_eq(tv.top, 4);
	textview_finish(&tv);
	cr_assert_null(tv.text);
}

Test(textview, sanitizes_every_line, .init = scr_up,
     .fini = scr_down)
{
	struct textview tv = { 0 };
	char buf[128];

	textview_set(&tv, "SELECT 1;\x1b[2J\r\nnext\xc2\x9b");
	textview_draw(&tv, scr_win, 0, 0, 5, 40, NULL);
	cr_assert_eq(tv.n_lines, 2);
	cr_assert_str_eq(scr_row_trim(0, 0, 40, buf, sizeof(buf)),
			 "SELECT 1;\\x1b[2J");
	cr_assert_str_eq(scr_row_trim(1, 0, 40, buf, sizeof(buf)),
			 "next\\u009b");
	textview_finish(&tv);
}

Test(textview, wide_characters_wrap_by_columns, .init = scr_up,
     .fini = scr_down)
{
	struct textview tv = { 0 };
	char buf[128];

	/* Five 2-column characters in 5 columns: two per row. */
	textview_set(&tv, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5"
			  "\xe6\x9c\xac");
	textview_draw(&tv, scr_win, 0, 0, 5, 5, NULL);
	cr_assert_eq(tv.n_lines, 3);
	cr_assert_str_eq(scr_row_trim(0, 0, 5, buf, sizeof(buf)),
			 "\xe6\x97\xa5\xe6\x9c\xac");
	cr_assert_str_eq(scr_row_trim(2, 0, 5, buf, sizeof(buf)),
			 "\xe6\x9c\xac");
	textview_finish(&tv);
}

/* ---- draw helpers ----------------------------------------------------- */

Test(draw, text_cut_with_ellipsis, .init = scr_up, .fini = scr_down)
{
	char buf[128];

	cr_assert_eq(draw_text(scr_win, 0, 0, 5, "abcdefgh", ROLE_NORMAL, NULL),
		     5);
	cr_assert_str_eq(scr_row_trim(0, 0, 10, buf, sizeof(buf)),
			 "abcd\u2026");
	cr_assert_eq(draw_text(scr_win, 1, 0, 5, "abcde", ROLE_NORMAL, NULL),
		     5);
	cr_assert_str_eq(scr_row_trim(1, 0, 10, buf, sizeof(buf)), "abcde");
	cr_assert_eq(draw_text_right(scr_win, 2, 10, 10, "xyz", ROLE_NORMAL,
				     NULL), 3);
	cr_assert_str_eq(scr_row_trim(2, 0, 10, buf, sizeof(buf)),
			 "       xyz");
	cr_assert_eq(draw_textf(scr_win, 3, 0, 20, ROLE_NORMAL, NULL, "%d pods",
				42), 7);
	cr_assert_str_eq(scr_row_trim(3, 0, 10, buf, sizeof(buf)), "42 pods");
	cr_assert_eq(draw_width("a\x1b"), 5);
	cr_assert_eq(draw_width("\xe6\x97\xa5"), 2);
}

Test(draw, never_past_the_window, .init = scr_up, .fini = scr_down)
{
	char buf[128];

	/* 5 columns left on the row: cut there, nothing on the next row. */
	cr_assert_eq(draw_text(scr_win, 0, SCR_COLS - 5, 20, "abcdefgh",
			       ROLE_NORMAL, NULL), 5);
	cr_assert_str_eq(scr_row_trim(0, SCR_COLS - 5, 5, buf, sizeof(buf)),
			 "abcd\u2026");
	cr_assert_str_eq(scr_row_trim(1, 0, SCR_COLS, buf, sizeof(buf)), "");
	/* Off the window: nothing is drawn at the cursor instead. */
	wmove(scr_win, 2, 0);
	cr_assert_eq(draw_text(scr_win, 2, -3, 10, "zz", ROLE_NORMAL, NULL), 0);
	cr_assert_eq(draw_text(scr_win, SCR_ROWS, 0, 10, "zz", ROLE_NORMAL,
			       NULL), 0);
	draw_box(scr_win, 20, 70, 10, 20, "x", false, NULL);
	gauge_draw(scr_win, -1, 0, 10, 1, 2, NULL, ROLE_OK, NULL);
	for (int y = 0; y < SCR_ROWS; y++) {
		scr_row_trim(y, 0, SCR_COLS, buf, sizeof(buf));
		cr_assert_null(strchr(buf, 'z'), "row %d", y);
	}
	cr_assert_str_eq(scr_row_trim(20, 0, SCR_COLS, buf, sizeof(buf)), "");
}

Test(draw, escapes_in_their_own_role, .init = scr_up,
     .fini = scr_down)
{
	char buf[128];

	draw_text(scr_win, 0, 0, 30, "a\xe2\x80\xae" "b", ROLE_NORMAL, NULL);
	cr_assert_str_eq(scr_row_trim(0, 0, 30, buf, sizeof(buf)), "a\\u202eb");
	cr_assert_not(scr_attrs(0, 0) & A_UNDERLINE);
	cr_assert(scr_attrs(0, 1) & A_UNDERLINE);
	cr_assert(scr_attrs(0, 6) & A_UNDERLINE);
	cr_assert_not(scr_attrs(0, 7) & A_UNDERLINE);
}

Test(draw, box_utf8_and_ascii, .init = scr_up, .fini = scr_down)
{
	char buf[128];

	draw_box(scr_win, 0, 0, 3, 12, "Pods", true, NULL);
	cr_assert_str_eq(scr_row_trim(0, 0, 12, buf, sizeof(buf)),
			 "\u250c\u2500 Pods \u2500\u2500\u2500\u2510");
	cr_assert_str_eq(scr_row_trim(1, 0, 12, buf, sizeof(buf)),
			 "\u2502          \u2502");
	cr_assert_str_eq(scr_row_trim(2, 0, 12, buf, sizeof(buf)),
			 "\u2514\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
			 "\u2500\u2500\u2500\u2518");
	cr_assert(scr_attrs(0, 0) & A_BOLD);
	text_utf8 = false;
	draw_box(scr_win, 4, 0, 3, 12, "Database pane", false, NULL);
	cr_assert_str_eq(scr_row_trim(4, 0, 12, buf, sizeof(buf)),
			 "+- Datab~ -+");
	cr_assert_str_eq(scr_row_trim(5, 0, 12, buf, sizeof(buf)),
			 "|          |");
	cr_assert_str_eq(scr_row_trim(6, 0, 12, buf, sizeof(buf)),
			 "+----------+");
}

Test(draw, wrapped_counts_without_window, .init = utf8_locale)
{
	cr_assert_eq(draw_wrapped(NULL, 0, 0, 0, 10, "", 0, ROLE_NORMAL,
				  NULL), 0);
	cr_assert_eq(draw_wrapped(NULL, 0, 0, 0, 10, "one\ntwo\n", 0,
				  ROLE_NORMAL, NULL), 2);
	cr_assert_eq(draw_wrapped(NULL, 0, 0, 0, 5, "aaaaaaaaaaa", 0,
				  ROLE_NORMAL, NULL), 3);
	/* An escape wider than the width still takes one row. */
	cr_assert_eq(draw_wrapped(NULL, 0, 0, 0, 3, "\x1b", 0, ROLE_NORMAL,
				  NULL), 1);
}

/* ---- number formats ----------------------------------------------------- */

enum fmt_kind { F_COUNT, F_PCT, F_SECONDS, F_BYTES, F_RATE };

struct fmt_case {
	enum fmt_kind kind;
	double v;
	char want[24];
};

ParameterizedTestParameters(fmt, table)
{
	static struct fmt_case cases[] = {
		{ F_COUNT, 0, "0" },
		{ F_COUNT, 999, "999" },
		{ F_COUNT, 1300, "1.3k" },
		{ F_COUNT, 13000, "13k" },
		{ F_COUNT, 999999, "1.0M" },
		{ F_COUNT, 2.5e6, "2.5M" },
		{ F_COUNT, 7e9, "7.0G" },
		{ F_COUNT, -1300, "-1.3k" },
		{ F_COUNT, 12.5, "12.5" },
		{ F_COUNT, NAN, "\u2014" },
		{ F_PCT, 0.042, "4.2 %" },
		{ F_PCT, 0.72, "72 %" },
		{ F_PCT, 1, "100 %" },
		{ F_PCT, NAN, "\u2014" },
		{ F_SECONDS, 0.87, "870 ms" },
		{ F_SECONDS, 0.0042, "4.2 ms" },
		{ F_SECONDS, 2.5, "2.50 s" },
		{ F_SECONDS, 0.9999, "1.00 s" },
		{ F_SECONDS, 75, "1m15s" },
		{ F_SECONDS, 7260, "2h01m" },
		{ F_SECONDS, 90000, "1d01h" },
		{ F_SECONDS, NAN, "\u2014" },
		{ F_BYTES, 512, "512 B" },
		{ F_BYTES, 1536, "1.5 KiB" },
		{ F_BYTES, 1.2 * 1073741824.0, "1.2 GiB" },
		{ F_BYTES, 300 * 1048576.0, "300 MiB" },
		{ F_BYTES, NAN, "\u2014" },
		{ F_RATE, 1300, "1.3k/s" },
		{ F_RATE, 5, "5/s" },
		{ F_RATE, NAN, "\u2014" },
	};

	return cr_make_param_array(struct fmt_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct fmt_case *c, fmt, table)
{
	char buf[32];
	const char *got = NULL;

	switch (c->kind) {
	case F_COUNT:
		got = fmt_count(c->v, buf, sizeof(buf));
		break;
	case F_PCT:
		got = fmt_ratio_pct(c->v, buf, sizeof(buf));
		break;
	case F_SECONDS:
		got = fmt_seconds(c->v, buf, sizeof(buf));
		break;
	case F_BYTES:
		got = fmt_bytes(c->v, buf, sizeof(buf));
		break;
	case F_RATE:
		got = fmt_rate(c->v, buf, sizeof(buf));
		break;
	}
	cr_assert_eq(got, buf);
	cr_assert_str_eq(got, c->want, "kind %d value %g", c->kind, c->v);
}

Test(fmt, ascii_dash_without_utf8)
{
	char buf[16];

	text_utf8 = false;
	cr_assert_str_eq(fmt_count(NAN, buf, sizeof(buf)), "-");
}
