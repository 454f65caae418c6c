/* Putting text on the screen: the only way widgets and panes write
 * strings, so that every string passes the sanitizer. UI thread. */
#ifndef WARROOM_DRAW_H
#define WARROOM_DRAW_H

#include <stdbool.h>

#include <curses.h>

#include "themes/theme.h"

/* Draws s (raw, any origin) sanitized at (y, x), at most cols columns,
 * truncated with "…"; returns the columns drawn. */
int draw_text(WINDOW *win, int y, int x, int cols, const char *s,
	      enum role role, const struct theme *t);
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
