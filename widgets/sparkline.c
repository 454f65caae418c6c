/* Sparklines: one block character per sample, scaled between lo and hi.
 * sparkline_render is pure (any thread); sparkline_draw is UI thread. */
#include "widgets/sparkline.h"

#include <math.h>
#include <string.h>

#include "core/sanitize.h"

static const char *const blocks_utf8[] = {
	"\u2581", "\u2582", "\u2583", "\u2584",
	"\u2585", "\u2586", "\u2587", "\u2588",
};
static const char blocks_ascii[] = "_.-=^#";

int
sparkline_render(const double *v, size_t n, int width, double lo,
		 double hi, bool utf8, char *out, size_t n_out)
{
	const int levels = utf8 ? 8 : (int)strlen(blocks_ascii);
	size_t first, done = 0;
	int cols = 0;

	if (n_out == 0) {
		return 0;
	}
	out[0] = '\0';
	if (width <= 0 || n == 0 || v == NULL) {
		return 0;
	}
	first = n > (size_t)width ? n - (size_t)width : 0;
	if (isnan(lo) || isnan(hi)) {
		double mn = INFINITY, mx = -INFINITY;

		for (size_t i = first; i < n; i++) {
			if (isfinite(v[i])) {
				mn = v[i] < mn ? v[i] : mn;
				mx = v[i] > mx ? v[i] : mx;
			}
		}
		if (isnan(lo)) {
			lo = mn;
		}
		if (isnan(hi)) {
			hi = mx;
		}
	}
	for (size_t i = first; i < n; i++) {
		const char *c;
		char one[2] = { 0, 0 };
		size_t cl;
		int lv = 0;

		if (isnan(v[i])) {
			c = " ";
		} else {
			/* A flat series (hi <= lo) draws the lowest block. */
			if (isfinite(lo) && isfinite(hi) && hi > lo) {
				double f = (v[i] - lo) / (hi - lo);

				f = f < 0 ? 0 : (f > 1 ? 1 : f);
				lv = (int)lround(f * (levels - 1));
			} else if (isinf(v[i]) && v[i] > 0) {
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
		cols++;
	}
	out[done] = '\0';
	return cols;
}

void
sparkline_draw(WINDOW *win, int y, int x, int width, const struct series *s,
	       double lo, double hi, enum role role, const struct theme *t)
{
	/* Up to 3 bytes a block, and the NUL. */
	char buf[3 * 512 + 1];
	int cols;

	if (width > getmaxx(win) - x) {
		width = getmaxx(win) - x;
	}
	if (width <= 0 || wmove(win, y, x) == ERR) {
		return;
	}
	if (width > 512) {
		width = 512;
	}
	cols = s != NULL ? sparkline_render(s->v, s->n, width, lo, hi,
					    text_utf8, buf, sizeof(buf))
			 : 0;
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
