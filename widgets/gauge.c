/* A horizontal gauge "[█████░░░░] 72 %": the filled part in the caller's
 * role, the rest in ROLE_GAUGE_EMPTY, the label after it. UI thread. */
#include "widgets/gauge.h"

#include <math.h>
#include <stdbool.h>

#include "core/sanitize.h"
#include "widgets/draw.h"

static void
repeat(WINDOW *win, const char *s, int n, attr_t a)
{
	wattrset(win, (int)a);
	for (int i = 0; i < n; i++) {
		waddstr(win, s);
	}
}

void
gauge_draw(WINDOW *win, int y, int x, int width, double value, double max,
	   const char *label, enum role role, const struct theme *t)
{
	const bool known = !isnan(value) && !isnan(max) && max > 0;
	const char *full = text_utf8 ? "\u2588" : "#";
	const char *empty = text_utf8 ? "\u2591" : ".";
	char pct[32];
	int label_w, bar, filled = 0;

	if (width > getmaxx(win) - x) {
		width = getmaxx(win) - x;
	}
	if (width <= 0 || wmove(win, y, x) == ERR) {
		return;
	}
	if (!known) {
		label = text_utf8 ? "\u2014" : "-";
	} else if (label == NULL) {
		label = fmt_ratio_pct(value / max, pct, sizeof(pct));
	}
	label_w = draw_width(label);
	/* "[" bar "] " label; the bar keeps at least 3 columns, else the
	 * label alone is drawn. */
	bar = width - 3 - label_w;
	if (bar < 3) {
		draw_fill(win, y, x, 1, width, ROLE_NORMAL, t);
		draw_text(win, y, x, width, label, ROLE_NORMAL, t);
		return;
	}
	if (known) {
		double f = value / max;

		f = f < 0 ? 0 : (f > 1 ? 1 : f);
		filled = (int)lround(f * bar);
		/* Anything above zero shows at least one block. */
		if (filled == 0 && f > 0) {
			filled = 1;
		}
	}
	wmove(win, y, x);
	repeat(win, "[", 1, theme_attr(t, ROLE_NORMAL));
	repeat(win, full, filled, theme_attr(t, role));
	repeat(win, empty, bar - filled, theme_attr(t, ROLE_GAUGE_EMPTY));
	repeat(win, "] ", 1, theme_attr(t, ROLE_NORMAL));
	wattrset(win, A_NORMAL);
	draw_text(win, y, x + bar + 3, label_w, label, ROLE_NORMAL, t);
}
