/* Sparklines: one block character per sample (or per column of a
 * resampled series), scaled between lo and hi. The render functions are
 * pure (any thread); the draw functions are UI thread. */
#include "widgets/sparkline.h"

#include <math.h>
#include <string.h>

#include "core/sanitize.h"

static const char *const blocks_utf8[] = {
	"\u2581", "\u2582", "\u2583", "\u2584",
	"\u2585", "\u2586", "\u2587", "\u2588",
};
static const char blocks_ascii[] = "_.-=^#";

/* Column c of cols when v[0..n) (n >= cols) is spread over them: the
 * largest sample that falls into it, NAN when they are all gaps. Column c
 * takes samples [c * n / cols, (c + 1) * n / cols), so the last sample is
 * always in the last column and cols == n gives the samples themselves. */
static double
column_value(const double *v, size_t n, size_t cols, size_t c)
{
	size_t a = c * n / cols, b = (c + 1) * n / cols;
	double mx = NAN;

	for (; a < b; a++) {
		if (!isnan(v[a]) && (isnan(mx) || v[a] > mx)) {
			mx = v[a];
		}
	}
	return mx;
}

/* Renders v[0..n) as cols columns (cols <= n). */
static int
render_columns(const double *v, size_t n, size_t cols, double lo, double hi,
	       bool utf8, char *out, size_t n_out)
{
	const int levels = utf8 ? 8 : (int)strlen(blocks_ascii);
	size_t done = 0, i;
	int written = 0;

	if (isnan(lo) || isnan(hi)) {
		double mn = INFINITY, mx = -INFINITY;

		for (i = 0; i < cols; i++) {
			double x = column_value(v, n, cols, i);

			if (isfinite(x)) {
				mn = x < mn ? x : mn;
				mx = x > mx ? x : mx;
			}
		}
		if (isnan(lo)) {
			lo = mn;
		}
		if (isnan(hi)) {
			hi = mx;
		}
	}
	for (i = 0; i < cols; i++) {
		double x = column_value(v, n, cols, i);
		const char *c;
		char one[2] = { 0, 0 };
		size_t cl;
		int lv = 0;

		if (isnan(x)) {
			c = " ";
		} else {
			/* A flat series (hi <= lo) draws the lowest block. */
			if (isfinite(lo) && isfinite(hi) && hi > lo) {
				double f = (x - lo) / (hi - lo);

				f = f < 0 ? 0 : (f > 1 ? 1 : f);
				lv = (int)lround(f * (levels - 1));
			} else if (isinf(x) && x > 0) {
				lv = levels - 1;
			}
			if (utf8) {
				c = blocks_utf8[lv];
			} else {
				one[0] = blocks_ascii[lv];
				c = one;
			}
		}
		cl = strlen(c);
		if (done + cl >= n_out) {
			break;
		}
		memcpy(out + done, c, cl);
		done += cl;
		written++;
	}
	out[done] = '\0';
	return written;
}

int
sparkline_render(const double *v, size_t n, int width, double lo,
		 double hi, bool utf8, char *out, size_t n_out)
{
	size_t first;

	if (n_out == 0) {
		return 0;
	}
	out[0] = '\0';
	if (width <= 0 || n == 0 || v == NULL) {
		return 0;
	}
	first = n > (size_t)width ? n - (size_t)width : 0;
	return render_columns(v + first, n - first, n - first, lo, hi, utf8,
			      out, n_out);
}

int
sparkline_render_fit(const double *v, size_t n, int width, double lo,
		     double hi, bool utf8, char *out, size_t n_out)
{
	if (n_out == 0) {
		return 0;
	}
	out[0] = '\0';
	if (width <= 0 || n == 0 || v == NULL) {
		return 0;
	}
	return render_columns(v, n, n < (size_t)width ? n : (size_t)width, lo,
			      hi, utf8, out, n_out);
}

static void
draw(WINDOW *win, int y, int x, int width, const double *v, size_t n,
     double lo, double hi, enum role role, const struct theme *t, bool fit)
{
	/* Up to 3 bytes a block, and the NUL. */
	char buf[3 * 512 + 1];
	int cols = 0;

	if (width > getmaxx(win) - x) {
		width = getmaxx(win) - x;
	}
	if (width <= 0 || wmove(win, y, x) == ERR) {
		return;
	}
	if (width > 512) {
		width = 512;
	}
	if (v != NULL && fit) {
		cols = sparkline_render_fit(v, n, width, lo, hi, text_utf8,
					    buf, sizeof(buf));
	} else if (v != NULL) {
		cols = sparkline_render(v, n, width, lo, hi, text_utf8, buf,
					sizeof(buf));
	}
	/* The newest sample sits at the right edge. */
	wattrset(win, (int)theme_attr(t, ROLE_NORMAL));
	wmove(win, y, x);
	for (int i = 0; i < width - cols; i++) {
		waddch(win, ' ');
	}
	if (cols > 0) {
		wattrset(win, (int)theme_attr(t, role));
		waddstr(win, buf);
	}
	wattrset(win, A_NORMAL);
}

void
sparkline_draw(WINDOW *win, int y, int x, int width, const double *v,
	       size_t n, double lo, double hi, enum role role,
	       const struct theme *t)
{
	draw(win, y, x, width, v, n, lo, hi, role, t, false);
}

void
sparkline_draw_fit(WINDOW *win, int y, int x, int width, const double *v,
		   size_t n, double lo, double hi, enum role role,
		   const struct theme *t)
{
	draw(win, y, x, width, v, n, lo, hi, role, t, true);
}
