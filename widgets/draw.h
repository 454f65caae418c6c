/* Putting text on the screen: the only way widgets and panes write
 * strings, so that every string passes the sanitizer. UI thread. */
#ifndef WARROOM_DRAW_H
#define WARROOM_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "themes/theme.h"

/* Draws s (raw, any origin) sanitized at (y, x), at most cols columns,
 * truncated with "…"; returns the columns drawn. */
int draw_text(WINDOW *win, int y, int x, int cols, const char *s,
	      enum role role, const struct theme *t);
/* Columns draw_text would take for s (raw, any origin) with no limit. */
int draw_width(const char *s);
/* printf-style draw_text. */
int draw_textf(WINDOW *win, int y, int x, int cols, enum role role,
	       const struct theme *t, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Right-aligns s so it ends at column x_end (exclusive). */
int draw_text_right(WINDOW *win, int y, int x_end, int cols, const char *s,
		    enum role role, const struct theme *t);
/* A frame with a title at the top-left; focused uses ROLE_BORDER_FOCUS. */
void draw_box(WINDOW *win, int y, int x, int h, int w, const char *title,
	      bool focused, const struct theme *t);
/* draw_box with the roles of the frame and of the title given (dialogs
 * use ROLE_DIALOG_BORDER). */
void draw_box_role(WINDOW *win, int y, int x, int h, int w, const char *title,
		   enum role border, enum role title_role,
		   const struct theme *t);
/* Wraps s (raw, any origin, '\n'-separated; TAB to 8-column stops) to cols
 * columns, breaking after spaces where it can, and draws wrapped rows
 * [skip, skip + h) at (y, x) in role. Returns how many rows the whole text
 * wraps to; win NULL only counts. Draws text only: fill the area first. */
size_t draw_wrapped(WINDOW *win, int y, int x, int h, int cols, const char *s,
		    size_t skip, enum role role, const struct theme *t);
/* Fills a rectangle with spaces in role. */
void draw_fill(WINDOW *win, int y, int x, int h, int w, enum role role,
	       const struct theme *t);
/* Formats numbers for display: "1.3k", "4.2 %", "870 ms", "1.2 GiB", "—"
 * for NAN. */
char *fmt_count(double v, char *buf, int n);
char *fmt_ratio_pct(double ratio, char *buf, int n);
char *fmt_seconds(double s, char *buf, int n);
char *fmt_bytes(double b, char *buf, int n);
char *fmt_rate(double per_s, char *buf, int n);

#endif
