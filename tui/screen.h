/* Drawing the dashboard from the app's dirty flags onto its window (no
 * refresh: the loop does one doupdate() per wakeup). UI thread. */
#ifndef WARROOM_SCREEN_H
#define WARROOM_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/pane.h"

struct app;

/* Draws what is dirty and clears the flags. Returns true when it drew
 * anything. */
bool screen_draw(struct app *a);

/* The text a pane's frame shows for the age of its data (and of the last
 * good data under an error); it changes at most once a second, so
 * comparing it tells whether the frame needs drawing. */
void screen_age_key(const struct pane_ctx *c, char *buf, size_t n);

/* "live" while shown is the last poll's data and on time (younger than its
 * interval plus a second), else "42s ago". */
void screen_age_text(const struct snapshot *shown, int64_t now_mono_ms,
		     char *buf, size_t n);

#endif
