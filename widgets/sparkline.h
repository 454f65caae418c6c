/* A sparkline: one character per sample (or per column of a series
 * resampled to the width), Unicode blocks "▁▂▃▄▅▆▇█", or ASCII "_.-=^#"
 * when the locale is not UTF-8. NAN samples are blank.
 * UI thread for drawing; sparkline_render is pure. */
#ifndef WARROOM_SPARKLINE_H
#define WARROOM_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "themes/theme.h"

/* Renders the last width samples of v[0..n) scaled between lo and hi (NAN:
 * from the data) into out (size n_out, UTF-8). Returns columns written. */
int sparkline_render(const double *v, size_t n, int width, double lo,
		     double hi, bool utf8, char *out, size_t n_out);

/* Draws v[0..n) as sparkline_render() does, the newest sample at the
 * right edge of width columns. */
void sparkline_draw(WINDOW *win, int y, int x, int width, const double *v,
		    size_t n, double lo, double hi, enum role role,
		    const struct theme *t);

/* Renders the whole of v[0..n) in at most width columns: with more samples
 * than columns, column c stands for samples [c*n/width, (c+1)*n/width) and
 * shows their maximum (not their mean, so a short spike is never averaged
 * away), blank when they are all NAN; with fewer samples than columns, one
 * column a sample, not stretched (the caller right-aligns). lo and hi
 * scale as in sparkline_render (NAN: from the columns drawn). Returns
 * columns written. Pure. */
int sparkline_render_fit(const double *v, size_t n, int width, double lo,
			 double hi, bool utf8, char *out, size_t n_out);

/* sparkline_draw of the whole of v[0..n), resampled by
 * sparkline_render_fit and right-aligned in width columns. */
void sparkline_draw_fit(WINDOW *win, int y, int x, int width,
			const double *v, size_t n, double lo, double hi,
			enum role role, const struct theme *t);

#endif
