/* A scrolling view of text (help, a full query, a timeline record, a
 * drafted status update): wraps at the width, sanitizes every line.
 * UI thread. */
#ifndef WARROOM_TEXTVIEW_H
#define WARROOM_TEXTVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "themes/theme.h"

struct textview {
	char *text;             /* owned; '\n'-separated */
	size_t top;             /* first wrapped line shown */
	size_t n_lines;         /* wrapped lines at the last draw */
	int page;
};

/* Replaces the text (copied) and scrolls to the top. */
void textview_set(struct textview *tv, const char *text);
void textview_finish(struct textview *tv);
void textview_draw(struct textview *tv, WINDOW *win, int y, int x, int h,
		   int w, const struct theme *t);
/* Arrows, j/k, PgUp/PgDn, g/G: returns true when it scrolled. */
bool textview_key(struct textview *tv, int key);

#endif
