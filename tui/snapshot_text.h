/* --snapshot: one frame drawn by the same code as the live screen, into an
 * ncurses screen on /dev/null, read back and printed as plain UTF-8 text,
 * and every source's state below it. Main thread; no terminal needed. */
#ifndef WARROOM_SNAPSHOT_TEXT_H
#define WARROOM_SNAPSHOT_TEXT_H

#include <stdio.h>

#include "core/err.h"

struct app;

/* Draws a's frame at cols x rows and writes rows lines to out, trailing
 * spaces trimmed; then, unless the frame is the first-run screen or says
 * the terminal is too small, an empty line, "Sources (N)" and one line per
 * source: its glyph, name, state (ok, warn, crit, down, waiting), the age
 * of its data and its error or worst finding. Returns 0, or -1 with
 * err. */
int snapshot_text_render(struct app *a, int cols, int rows, FILE *out,
			 struct err *err);

#endif
