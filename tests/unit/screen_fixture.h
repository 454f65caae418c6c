/* A real ncurses screen on /dev/null for the tests that draw, and helpers
 * that read the cells back (names start with scr_). Test processes only:
 * Criterion runs each test in its own process, so one screen at a time. */
#ifndef WARROOM_SCREEN_FIXTURE_H
#define WARROOM_SCREEN_FIXTURE_H

#include <stddef.h>
#include <wchar.h>

#include <curses.h>

/* The size of the screen scr_up opens. */
#define SCR_ROWS 24
#define SCR_COLS 80

/* The window the helpers below read: made by scr_up, stdscr after
 * scr_open. */
extern WINDOW *scr_win;

/* Opens a rows x cols screen (C.UTF-8, TERM xterm-256color, text_utf8
 * on) and points scr_win at stdscr; asserts that it worked. */
void scr_open(int rows, int cols);
/* Closes what scr_open or scr_up opened. */
void scr_close(void);

/* For .init/.fini: a SCR_ROWS x SCR_COLS screen and a window of that size
 * in scr_win. */
void scr_up(void);
void scr_down(void);

/* Columns x .. x + n - 1 of row y (clipped to the window) as UTF-8 in buf
 * of size bytes: a wide character once, an empty cell as a blank. Returns
 * buf. */
char *scr_row_at(int y, int x, int n, char *buf, size_t size);
/* The same with the trailing blanks cut. */
char *scr_row_trim(int y, int x, int n, char *buf, size_t size);
/* scr_row_trim that also stores in col[i] the screen column of byte i of
 * buf (col has size entries). */
char *scr_row_cols(int y, int x, int n, char *buf, int *col, size_t size);

/* The first row from y0 on that shows needle, or -1; *col (when not NULL)
 * gets the screen column where it starts. */
int scr_find_row(const char *needle, int y0, int *col);

/* Cell (y, x): returns its attributes; *ch gets its character and *pair
 * its colour pair when not NULL. */
attr_t scr_cell(int y, int x, wchar_t *ch, short *pair);
attr_t scr_attrs(int y, int x);
wchar_t scr_char(int y, int x);
short scr_pair(int y, int x);

#endif
