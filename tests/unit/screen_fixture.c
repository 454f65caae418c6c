/* A real ncurses screen on /dev/null for the tests that draw, and helpers
 * that read the cells back. Test processes only (see screen_fixture.h). */
#include "tests/unit/screen_fixture.h"

#include <criterion/criterion.h>

#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"

WINDOW *scr_win;

static SCREEN *screen;
static FILE *screen_out, *screen_in;

void
scr_open(int rows, int cols)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	setenv("TERM", "xterm-256color", 1);
	screen_out = fopen("/dev/null", "w");
	screen_in = fopen("/dev/null", "r");
	cr_assert(screen_out != NULL && screen_in != NULL);
	screen = newterm("xterm-256color", screen_out, screen_in);
	cr_assert_not_null(screen);
	set_term(screen);
	cr_assert_eq(resizeterm(rows, cols), OK);
	scr_win = stdscr;
	text_utf8 = true;
}

void
scr_close(void)
{
	if (scr_win != stdscr) {
		delwin(scr_win);
	}
	scr_win = NULL;
	endwin();
	delscreen(screen);
	fclose(screen_out);
	fclose(screen_in);
}

void
scr_up(void)
{
	scr_open(SCR_ROWS, SCR_COLS);
	scr_win = newwin(SCR_ROWS, SCR_COLS, 0, 0);
	cr_assert_not_null(scr_win);
}

void
scr_down(void)
{
	scr_close();
}

attr_t
scr_cell(int y, int x, wchar_t *ch, short *pair)
{
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1] = { 0 };
	attr_t a;
	short p;

	mvwin_wch(scr_win, y, x, &cc);
	getcchar(&cc, wc, &a, &p, NULL);
	if (ch != NULL) {
		*ch = wc[0];
	}
	if (pair != NULL) {
		*pair = p;
	}
	return a;
}

attr_t
scr_attrs(int y, int x)
{
	return scr_cell(y, x, NULL, NULL);
}

wchar_t
scr_char(int y, int x)
{
	wchar_t ch;

	scr_cell(y, x, &ch, NULL);
	return ch;
}

short
scr_pair(int y, int x)
{
	short pair;

	scr_cell(y, x, NULL, &pair);
	return pair;
}

static char *
read_row(int y, int x, int n, bool trim, char *buf, int *col, size_t size)
{
	int end = x + n < getmaxx(scr_win) ? x + n : getmaxx(scr_win);
	size_t o = 0;
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	for (int c = x; c < end; c++) {
		wchar_t wc = scr_char(y, c);
		char mb[MB_LEN_MAX];
		size_t k = wcrtomb(mb, wc != L'\0' ? wc : L' ', &st);

		cr_assert(k != (size_t)-1 && o + k < size);
		for (size_t i = 0; col != NULL && i < k; i++) {
			col[o + i] = c;
		}
		memcpy(buf + o, mb, k);
		o += k;
		if (wcwidth(wc) == 2) {
			c++;
		}
	}
	while (trim && o > 0 && buf[o - 1] == ' ') {
		o--;
	}
	buf[o] = '\0';
	return buf;
}

char *
scr_row_at(int y, int x, int n, char *buf, size_t size)
{
	return read_row(y, x, n, false, buf, NULL, size);
}

char *
scr_row_trim(int y, int x, int n, char *buf, size_t size)
{
	return read_row(y, x, n, true, buf, NULL, size);
}

char *
scr_row_cols(int y, int x, int n, char *buf, int *col, size_t size)
{
	return read_row(y, x, n, true, buf, col, size);
}

int
scr_find_row(const char *needle, int y0, int *col)
{
	int w = getmaxx(scr_win);
	size_t size = (size_t)w * MB_LEN_MAX + 1;
	char *buf = malloc(size);
	int *cols = malloc(size * sizeof(*cols));
	int found = -1;

	cr_assert(buf != NULL && cols != NULL);
	for (int y = y0; y < getmaxy(scr_win) && found < 0; y++) {
		const char *hit;

		scr_row_cols(y, 0, w, buf, cols, size);
		hit = strstr(buf, needle);
		if (hit != NULL) {
			found = y;
			if (col != NULL) {
				*col = cols[hit - buf];
			}
		}
	}
	free(buf);
	free(cols);
	return found;
}
