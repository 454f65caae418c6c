/* A horizontal gauge "[█████░░░░] 72 %" coloured by thresholds.
 * UI thread. */
#ifndef WARROOM_GAUGE_H
#define WARROOM_GAUGE_H

#include <curses.h>

#include "themes/theme.h"

/* Draws value/max in width columns with label after the bar. value NAN or
 * max <= 0 draws an empty bar with "—". The role colours the filled part. */
void gauge_draw(WINDOW *win, int y, int x, int width, double value,
		double max, const char *label, enum role role,
		const struct theme *t);

#endif
