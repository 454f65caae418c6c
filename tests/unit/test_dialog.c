/* widgets/dialog: confirm defaults to No, typeahead is discarded, input
 * edits UTF-8, type-to-confirm wants the exact word; drawn and read back. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/sanitize.h"
#include "tests/unit/screen_fixture.h"
#include "widgets/dialog.h"

static enum dialog_result
type_text(struct dialog *d, const wchar_t *s)
{
	enum dialog_result r = DIALOG_PENDING;

	for (; *s != L'\0'; s++) {
		r = dialog_key(d, (int)*s, true);
	}
	return r;
}

/* ---- confirm ----------------------------------------------------------- */

Test(confirm, enter_defaults_to_no)
{
	struct dialog d;

	dialog_open_confirm(&d, 7, "Restart", "kubectl rollout restart api");
	cr_assert(dialog_is_open(&d));
	cr_assert_not(d.yes_selected);
	cr_assert_eq(dialog_key(&d, '\n', true), DIALOG_NO);
	cr_assert_not(dialog_is_open(&d));
	cr_assert_eq(d.tag, 7);
	dialog_open_confirm(&d, 7, "Restart", "x");
	cr_assert_eq(dialog_key(&d, KEY_ENTER, false), DIALOG_NO);
}

Test(confirm, y_confirms_n_and_esc_refuse)
{
	struct dialog d;

	dialog_open_confirm(&d, 1, "t", "b");
	cr_assert_eq(dialog_key(&d, 'y', true), DIALOG_YES);
	dialog_open_confirm(&d, 1, "t", "b");
	cr_assert_eq(dialog_key(&d, 'Y', false), DIALOG_YES);
	dialog_open_confirm(&d, 1, "t", "b");
	cr_assert_eq(dialog_key(&d, 'n', true), DIALOG_NO);
	dialog_open_confirm(&d, 1, "t", "b");
	cr_assert_eq(dialog_key(&d, 27, true), DIALOG_NO);
	dialog_open_confirm(&d, 1, "t", "b");
	cr_assert_eq(dialog_key(&d, 'q', true), DIALOG_NO);
	dialog_open_confirm(&d, 1, "t", "b");
	cr_assert_eq(dialog_key(&d, 'x', true), DIALOG_PENDING);
	cr_assert(dialog_is_open(&d));
}

Test(confirm, tab_then_enter_takes_yes)
{
	struct dialog d;

	dialog_open_confirm(&d, 1, "t", "b");
	cr_assert_eq(dialog_key(&d, '\t', true), DIALOG_PENDING);
	cr_assert(d.yes_selected);
	cr_assert_eq(dialog_key(&d, '\r', true), DIALOG_YES);

	dialog_open_confirm(&d, 1, "t", "b");
	dialog_key(&d, '\t', true);
	dialog_key(&d, KEY_BTAB, false);
	cr_assert_eq(dialog_key(&d, '\n', true), DIALOG_NO);

	dialog_open_confirm(&d, 1, "t", "b");
	dialog_key(&d, KEY_LEFT, false);
	cr_assert_eq(dialog_key(&d, '\n', true), DIALOG_YES);
	dialog_open_confirm(&d, 1, "t", "b");
	dialog_key(&d, KEY_LEFT, false);
	dialog_key(&d, KEY_RIGHT, false);
	cr_assert_eq(dialog_key(&d, '\n', true), DIALOG_NO);
}

Test(confirm, closed_dialog_refuses)
{
	struct dialog d;

	dialog_open_confirm(&d, 1, "t", "b");
	dialog_close(&d);
	cr_assert_not(dialog_is_open(&d));
	cr_assert_eq(dialog_key(&d, 'y', true), DIALOG_NO);
}

/* A key queued before the dialog opened (ungetch puts it where typed
 * keys wait) must be gone once it is open: flushinp empties that queue. */
Test(confirm, typeahead_is_discarded, .init = scr_up,
     .fini = scr_down)
{
	struct dialog d;

	nodelay(stdscr, TRUE);
	/* Without a dialog the queued key is read back... */
	cr_assert_eq(ungetch('y'), OK);
	cr_assert_eq(getch(), 'y');
	/* ...with one, it is not. */
	cr_assert_eq(ungetch('y'), OK);
	cr_assert_eq(ungetch('\n'), OK);
	dialog_open_confirm(&d, 1, "Delete pod", "api-1");
	cr_assert_eq(getch(), ERR);
	cr_assert(dialog_is_open(&d));

	cr_assert_eq(ungetch('y'), OK);
	dialog_open_type_to_confirm(&d, 1, "FLUSHDB", "db 3", "3");
	cr_assert_eq(getch(), ERR);
	cr_assert_eq(ungetch('y'), OK);
	dialog_open_input(&d, 1, "Scale", "Replicas", "3");
	cr_assert_eq(getch(), ERR);
}

Test(confirm, draws_body_sanitized_with_no_highlighted, .init = scr_up,
     .fini = scr_down)
{
	struct dialog d;
	wchar_t ch;
	int y, col, yes_col;

	dialog_open_confirm(&d, 1, "Kill query",
			    "SELECT pg_terminate_backend(4242)\n"
			    "query: UPDATE t SET x = '\x1b[2J'");
	dialog_draw(&d, scr_win, NULL);
	y = scr_find_row("SELECT pg_terminate_backend(4242)", 0, NULL);
	cr_assert_geq(y, 0);
	cr_assert_eq(scr_find_row("query: UPDATE t SET x = '\\x1b[2J'", 0,
				  NULL), y + 1);
	cr_assert_geq(scr_find_row("Kill query", 0, NULL), 0);
	y = scr_find_row("[ No ]", 0, &col);
	cr_assert_geq(y, 0);
	cr_assert_eq(scr_find_row("[ Yes ]", 0, &yes_col), y);
	cr_assert_lt(yes_col, col);
	/* The highlighted button is No. */
	cr_assert(scr_cell(y, col + 2, &ch, NULL) & A_REVERSE);
	cr_assert_eq(ch, L'N');
	cr_assert_not(scr_cell(y, yes_col + 2, &ch, NULL) & A_REVERSE);
	cr_assert_eq(ch, L'Y');
	/* Moving to Yes moves the highlight. */
	dialog_key(&d, '\t', true);
	dialog_draw(&d, scr_win, NULL);
	cr_assert(scr_attrs(y, yes_col + 2) & A_REVERSE);
	cr_assert_not(scr_attrs(y, col + 2) & A_REVERSE);
}

Test(confirm, sized_to_the_screen_and_wrapped, .init = scr_up,
     .fini = scr_down)
{
	struct dialog d;
	char body[1024];
	int top = -1, bottom = -1, left = SCR_COLS, right = -1;

	memset(body, 0, sizeof(body));
	for (int i = 0; i < 40; i++) {
		strcat(body, "word ");
	}
	strcat(body, "END");
	dialog_open_confirm(&d, 1, "Wide", body);
	dialog_draw(&d, scr_win, NULL);
	/* Find the frame's corners. */
	for (int y = 0; y < SCR_ROWS; y++) {
		for (int x = 0; x < SCR_COLS; x++) {
			wchar_t ch = scr_char(y, x);

			if (ch == L'\u250c') {
				top = y;
				left = x;
			} else if (ch == L'\u2518') {
				bottom = y;
				right = x;
			}
		}
	}
	cr_assert_geq(top, 0);
	cr_assert_gt(bottom, top);
	/* At most 90 % of the width, centred. */
	cr_assert_leq(right - left + 1, SCR_COLS * 9 / 10);
	cr_assert_leq(abs(left - (SCR_COLS - 1 - right)), 1);
	/* 205 columns of text wrap to several rows, all inside. */
	cr_assert_geq(scr_find_row("END", 0, NULL), top + 3);
	for (int y = top + 1; y < bottom; y++) {
		cr_assert_eq(scr_char(y, left), L'\u2502', "row %d", y);
		cr_assert_eq(scr_char(y, right), L'\u2502', "row %d", y);
		cr_assert_eq(scr_char(y, left - 1), L' ', "row %d", y);
		cr_assert_eq(scr_char(y, right + 1), L' ', "row %d", y);
	}
}

/* ---- input --------------------------------------------------------------- */

Test(input, edits_utf8_with_backspace)
{
	struct dialog d;

	dialog_open_input(&d, 3, "Scale", "Replicas", "");
	cr_assert_eq(type_text(&d, L"\u00e9\u65e5x"), DIALOG_PENDING);
	cr_assert_str_eq(d.input, "\xc3\xa9\xe6\x97\xa5x");
	dialog_key(&d, KEY_BACKSPACE, false);
	cr_assert_str_eq(d.input, "\xc3\xa9\xe6\x97\xa5");
	dialog_key(&d, 0x7f, true);
	cr_assert_str_eq(d.input, "\xc3\xa9");
	dialog_key(&d, '\b', true);
	cr_assert_str_eq(d.input, "");
	dialog_key(&d, KEY_BACKSPACE, false);
	cr_assert_str_eq(d.input, "");
	type_text(&d, L"12 \U0001F600");
	cr_assert_str_eq(d.input, "12 \xf0\x9f\x98\x80");
	dialog_key(&d, 0x15, true);     /* Ctrl-U */
	cr_assert_str_eq(d.input, "");
	type_text(&d, L"30m why");
	dialog_key(&d, 0x17, true);     /* Ctrl-W */
	cr_assert_str_eq(d.input, "30m ");
	cr_assert_eq(dialog_key(&d, '\n', true), DIALOG_YES);
	cr_assert_str_eq(d.input, "30m ");
	cr_assert_eq(d.tag, 3);
	cr_assert_not(dialog_is_open(&d));
}

Test(input, keeps_the_initial_text_and_esc_cancels)
{
	struct dialog d;

	dialog_open_input(&d, 3, "Scale", "Replicas", "3");
	cr_assert_str_eq(d.input, "3");
	cr_assert_str_eq(d.body, "Replicas");
	/* In an input, y is a letter, not an answer. */
	cr_assert_eq(dialog_key(&d, 'y', true), DIALOG_PENDING);
	cr_assert_str_eq(d.input, "3y");
	cr_assert_eq(dialog_key(&d, 27, true), DIALOG_NO);
}

Test(input, refuses_controls)
{
	struct dialog d;

	dialog_open_input(&d, 3, "Pattern", "Keys", "");
	type_text(&d, L"a\x9b\x202e\x01\x7f");
	/* 0x7f is Backspace: it removes the "a". */
	cr_assert_str_eq(d.input, "");
	type_text(&d, L"a\x9b\x202e\x01");
	cr_assert_str_eq(d.input, "a");
	/* Bytes of a split UTF-8 sequence from getch are not characters. */
	dialog_key(&d, 0xc3, false);
	cr_assert_str_eq(d.input, "a");
	dialog_key(&d, KEY_F(1), false);
	cr_assert_str_eq(d.input, "a");
}

Test(input, stays_within_its_buffer)
{
	struct dialog d;

	dialog_open_input(&d, 3, "t", "p", "");
	for (int i = 0; i < 400; i++) {
		dialog_key(&d, 0x65e5, true);
	}
	cr_assert_lt(strlen(d.input), sizeof(d.input));
	cr_assert_eq(strlen(d.input) % 3, 0);
	cr_assert_eq(strlen(d.input), (DIALOG_INPUT_MAX - 1) / 3 * 3);
}

Test(input, draws_prompt_and_text, .init = scr_up, .fini = scr_down)
{
	struct dialog d;

	dialog_open_input(&d, 3, "Silence", "Duration and comment", "");
	type_text(&d, L"2h \u65e5\u672c");
	dialog_draw(&d, scr_win, NULL);
	cr_assert_geq(scr_find_row("Duration and comment", 0, NULL), 0);
	cr_assert_gt(scr_find_row("2h \xe6\x97\xa5\xe6\x9c\xac", 0, NULL),
		     scr_find_row("Duration and comment", 0, NULL));
	cr_assert_geq(scr_find_row("Enter accept  Esc cancel", 0, NULL), 0);
}

/* ---- type to confirm -------------------------------------------------- */

Test(type_to_confirm, only_the_exact_word)
{
	struct dialog d;

	dialog_open_type_to_confirm(&d, 9, "FLUSHDB", "Flush database 3",
				    "3");
	cr_assert_eq(dialog_key(&d, '\n', true), DIALOG_PENDING);
	cr_assert_eq(type_text(&d, L"4\n"), DIALOG_PENDING);
	cr_assert(dialog_is_open(&d));
	dialog_key(&d, KEY_BACKSPACE, false);
	cr_assert_eq(type_text(&d, L"33\n"), DIALOG_PENDING);
	dialog_key(&d, KEY_BACKSPACE, false);
	/* y does not answer it either: it is typed. */
	cr_assert_eq(dialog_key(&d, 'y', true), DIALOG_PENDING);
	dialog_key(&d, KEY_BACKSPACE, false);
	cr_assert_str_eq(d.input, "3");
	cr_assert_eq(dialog_key(&d, KEY_ENTER, false), DIALOG_YES);
	cr_assert_eq(d.tag, 9);
}

Test(type_to_confirm, word_with_utf8)
{
	struct dialog d;

	dialog_open_type_to_confirm(&d, 9, "Delete", "keys", "caf\xc3\xa9");
	cr_assert_eq(type_text(&d, L"cafe\n"), DIALOG_PENDING);
	dialog_key(&d, KEY_BACKSPACE, false);
	cr_assert_eq(type_text(&d, L"\u00e9\n"), DIALOG_YES);
}

Test(type_to_confirm, esc_cancels)
{
	struct dialog d;

	dialog_open_type_to_confirm(&d, 9, "FLUSHDB", "db 3", "3");
	type_text(&d, L"3");
	cr_assert_eq(dialog_key(&d, 27, true), DIALOG_NO);
}

Test(type_to_confirm, draws_the_word_to_type, .init = scr_up,
     .fini = scr_down)
{
	struct dialog d;
	wchar_t ch;
	int y, col;

	dialog_open_type_to_confirm(&d, 9, "FLUSHDB", "Flush database 3",
				    "3");
	type_text(&d, L"4");
	dialog_draw(&d, scr_win, NULL);
	cr_assert_geq(scr_find_row("Type 3 to confirm:", 0, NULL), 0);
	y = scr_find_row("Flush database 3", 0, NULL);
	cr_assert_geq(y, 0);
	/* A wrong start shows in the crit role (bold without a theme). */
	y = scr_find_row("Type 3 to confirm:", 0, &col) + 1;
	cr_assert(scr_cell(y, col, &ch, NULL) & A_BOLD);
	cr_assert_eq(ch, L'4');
	/* The right one does not. */
	dialog_key(&d, KEY_BACKSPACE, false);
	type_text(&d, L"3");
	dialog_draw(&d, scr_win, NULL);
	cr_assert_not(scr_cell(y, col, &ch, NULL) & A_BOLD);
	cr_assert_eq(ch, L'3');
}
