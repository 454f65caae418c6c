/* Putting text on the screen: every string is sanitized unit by unit,
 * measured with wcwidth and cut with "…", and escapes are drawn in their
 * own colour. Also frames, fills, wrapping and number formatting.
 * UI thread (the fmt_* helpers are pure and may run anywhere). */
#include "widgets/draw.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

/* One character of outside text as it will appear. */
struct unit {
	char s[SANITIZE_UNIT_MAX];
	size_t raw;             /* bytes of the source it stands for */
	int w;                  /* columns */
	bool esc;               /* drawn in ROLE_ESCAPE */
};

static uint32_t
utf8_cp(const char *p)
{
	const unsigned char *s = (const unsigned char *)p;

	if (s[0] < 0x80) {
		return s[0];
	} else if (s[0] < 0xe0) {
		return ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	} else if (s[0] < 0xf0) {
		return ((uint32_t)(s[0] & 0x0f) << 12) |
		       ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	}
	return ((uint32_t)(s[0] & 0x07) << 18) |
	       ((uint32_t)(s[1] & 0x3f) << 12) |
	       ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
}

/* The next unit of src[0..len). A character the terminal cannot show
 * (anything non-ASCII without UTF-8, or what wcwidth calls unprintable)
 * becomes "?", one column, as text_width counts it. */
static void
unit_at(const char *src, size_t len, struct unit *u)
{
	int w;

	u->raw = sanitize_next(src, len, u->s, &u->esc);
	if (u->esc) {
		u->w = (int)strlen(u->s);
		return;
	}
	if ((unsigned char)u->s[0] < 0x80) {
		u->w = 1;
		return;
	}
	w = text_utf8 ? wcwidth((wchar_t)utf8_cp(u->s)) : -1;
	if (w < 0) {
		strcpy(u->s, "?");
		u->esc = true;
		w = 1;
	}
	u->w = w;
}

/* Columns src[0..len) takes, counting no further than limit + 1. */
static int
span_width(const char *s, size_t len, int limit)
{
	size_t pos = 0;
	int w = 0;

	while (pos < len && w <= limit) {
		struct unit u;

		unit_at(s + pos, len - pos, &u);
		w += u.w;
		pos += u.raw;
	}
	return w;
}

static void
put_str(WINDOW *win, const char *s, attr_t a)
{
	wattrset(win, (int)a);
	waddstr(win, s);
}

static const char *
ellipsis(void)
{
	return text_utf8 ? "\u2026" : "~";
}

/* draw_text for a span that need not be NUL-terminated. */
static int
draw_span(WINDOW *win, int y, int x, int cols, const char *s, size_t len,
	  enum role role, const struct theme *t)
{
	attr_t a = theme_attr(t, role);
	attr_t ea = role == ROLE_SELECTED ? a : theme_attr(t, ROLE_ESCAPE);
	int total, budget, used = 0;
	size_t pos = 0;

	/* Never past the window's edge, where curses would wrap the text
	 * onto the next line. */
	if (cols > getmaxx(win) - x) {
		cols = getmaxx(win) - x;
	}
	if (cols <= 0 || s == NULL || wmove(win, y, x) == ERR) {
		return 0;
	}
	total = span_width(s, len, cols);
	budget = total <= cols ? cols : cols - 1;
	while (pos < len) {
		struct unit u;

		unit_at(s + pos, len - pos, &u);
		if (used + u.w > budget) {
			break;
		}
		pos += u.raw;
		/* A combining mark with nothing before it would join
		 * whatever the cell to the left holds. */
		if (u.w == 0 && used == 0) {
			continue;
		}
		put_str(win, u.s, u.esc ? ea : a);
		used += u.w;
	}
	if (total > cols) {
		put_str(win, ellipsis(), a);
		used++;
	}
	wattrset(win, A_NORMAL);
	return used;
}

int
draw_text(WINDOW *win, int y, int x, int cols, const char *s,
	  enum role role, const struct theme *t)
{
	if (s == NULL) {
		return 0;
	}
	return draw_span(win, y, x, cols, s, strlen(s), role, t);
}

int
draw_width(const char *s)
{
	return s != NULL ? span_width(s, strlen(s), INT_MAX - 8) : 0;
}

int
draw_textf(WINDOW *win, int y, int x, int cols, enum role role,
	   const struct theme *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		return 0;
	}
	if ((size_t)n < sizeof(buf)) {
		return draw_text(win, y, x, cols, buf, role, t);
	}
	va_start(ap, fmt);
	char *big = xvasprintf(fmt, ap);
	va_end(ap);
	rc = draw_text(win, y, x, cols, big, role, t);
	free(big);
	return rc;
}

int
draw_text_right(WINDOW *win, int y, int x_end, int cols, const char *s,
		enum role role, const struct theme *t)
{
	int w;

	if (s == NULL || cols <= 0) {
		return 0;
	}
	w = span_width(s, strlen(s), cols);
	if (w > cols) {
		w = cols;
	}
	return draw_text(win, y, x_end - w, w, s, role, t);
}

void
draw_fill(WINDOW *win, int y, int x, int h, int w, enum role role,
	  const struct theme *t)
{
	if (w > getmaxx(win) - x) {
		w = getmaxx(win) - x;
	}
	wattrset(win, (int)theme_attr(t, role));
	for (int i = 0; i < h; i++) {
		if (wmove(win, y + i, x) == ERR) {
			continue;
		}
		for (int j = 0; j < w; j++) {
			waddch(win, ' ');
		}
	}
	wattrset(win, A_NORMAL);
}

void
draw_box_role(WINDOW *win, int y, int x, int h, int w, const char *title,
	      enum role border, enum role title_role, const struct theme *t)
{
	const bool u = text_utf8;
	const char *hl = u ? "\u2500" : "-", *vl = u ? "\u2502" : "|";
	attr_t a = theme_attr(t, border);

	/* A frame that does not fit the window is not drawn at all. */
	if (h < 2 || w < 2 || x < 0 || y < 0 || x + w > getmaxx(win) ||
	    y + h > getmaxy(win)) {
		return;
	}
	wattrset(win, (int)a);
	mvwaddstr(win, y, x, u ? "\u250c" : "+");
	for (int i = 1; i < w - 1; i++) {
		waddstr(win, hl);
	}
	waddstr(win, u ? "\u2510" : "+");
	for (int i = 1; i < h - 1; i++) {
		mvwaddstr(win, y + i, x, vl);
		mvwaddstr(win, y + i, x + w - 1, vl);
	}
	mvwaddstr(win, y + h - 1, x, u ? "\u2514" : "+");
	for (int i = 1; i < w - 1; i++) {
		waddstr(win, hl);
	}
	waddstr(win, u ? "\u2518" : "+");
	wattrset(win, A_NORMAL);
	if (title != NULL && title[0] != '\0' && w > 6) {
		/* " title " from the third column, inside the corners. */
		int used;

		mvwaddstr(win, y, x + 2, " ");
		used = draw_text(win, y, x + 3, w - 6, title, title_role, t);
		wattrset(win, (int)a);
		mvwaddstr(win, y, x + 3 + used, " ");
		wattrset(win, A_NORMAL);
	}
}

void
draw_box(WINDOW *win, int y, int x, int h, int w, const char *title,
	 bool focused, const struct theme *t)
{
	draw_box_role(win, y, x, h, w, title,
		      focused ? ROLE_BORDER_FOCUS : ROLE_BORDER, ROLE_TITLE, t);
}

/* Copies line[0..len) with each TAB turned into spaces up to the next
 * multiple of 8 columns; the caller frees. */
static char *
expand_tabs(const char *line, size_t len, size_t *out_len)
{
	size_t tabs = 0, pos = 0, o = 0;
	int col = 0;
	char *out;

	for (size_t i = 0; i < len; i++) {
		tabs += line[i] == '\t';
	}
	out = xmalloc(len + tabs * 8 + 1);
	while (pos < len) {
		struct unit u;

		if (line[pos] == '\t') {
			do {
				out[o++] = ' ';
				col++;
			} while (col % 8 != 0);
			pos++;
			continue;
		}
		unit_at(line + pos, len - pos, &u);
		memcpy(out + o, line + pos, u.raw);
		o += u.raw;
		pos += u.raw;
		col += u.w;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* Wraps one line (no '\n'); draws its rows that fall in [skip, skip + h)
 * of the whole text, *row counting rows so far. */
static void
wrap_line(WINDOW *win, int y, int x, int h, int cols, const char *s,
	  size_t len, size_t skip, size_t *row, enum role role,
	  const struct theme *t)
{
	size_t start = 0;

	do {
		size_t pos = start, brk = 0, end;
		int w = 0;

		/* Find the row's end: the last space that keeps it within
		 * cols, else the last unit that fits (at least one). */
		while (pos < len) {
			struct unit u;

			unit_at(s + pos, len - pos, &u);
			if (w + u.w > cols && pos > start) {
				break;
			}
			w += u.w;
			pos += u.raw;
			if (s[pos - 1] == ' ') {
				brk = pos;
			}
		}
		end = pos;
		if (pos < len && brk > start) {
			end = brk;
		}
		if (win != NULL && *row >= skip && *row < skip + (size_t)h) {
			size_t draw_end = end;

			while (draw_end > start && s[draw_end - 1] == ' ') {
				draw_end--;
			}
			draw_span(win, y + (int)(*row - skip), x, cols,
				  s + start, draw_end - start, role, t);
		}
		(*row)++;
		start = end;
		/* A row that starts after a break skips its spaces. */
		while (start < len && s[start] == ' ') {
			start++;
		}
	} while (start < len);
}

size_t
draw_wrapped(WINDOW *win, int y, int x, int h, int cols, const char *s,
	     size_t skip, enum role role, const struct theme *t)
{
	size_t row = 0;
	const char *p = s;

	if (s == NULL || cols <= 0) {
		return 0;
	}
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		size_t xlen;
		char *line;

		if (len > 0 && p[len - 1] == '\r') {
			len--;
		}
		line = expand_tabs(p, len, &xlen);
		wrap_line(win, y, x, h, cols, line, xlen, skip, &row, role, t);
		free(line);
		if (nl == NULL) {
			break;
		}
		p = nl + 1;
	}
	return row;
}

/* ---- numbers ------------------------------------------------------- */

static char *
fmt_nan(char *buf, int n)
{
	snprintf(buf, (size_t)n, "%s", text_utf8 ? "\u2014" : "-");
	return buf;
}

/* "%.1f" below 10 and "%.0f" above, moving to the next unit instead of
 * printing "1000k". */
static char *
fmt_scaled(double v, double base, const char *const *units, int n_units,
	   const char *sep, char *buf, int n)
{
	double a = fabs(v);
	int u = 0;

	while (u + 1 < n_units && a >= base * 0.9995) {
		/* 999.96 rounds to "1000"; show it as the next unit. */
		a /= base;
		v /= base;
		u++;
	}
	if (u == 0) {
		snprintf(buf, (size_t)n, "%.*f%s%s", v == floor(v) ? 0 : 1, v,
			 units[0][0] != '\0' ? sep : "", units[0]);
	} else {
		snprintf(buf, (size_t)n, "%.*f%s%s", a < 9.95 ? 1 : 0, v, sep,
			 units[u]);
	}
	return buf;
}

char *
fmt_count(double v, char *buf, int n)
{
	static const char *const units[] = { "", "k", "M", "G", "T", "P" };

	if (isnan(v)) {
		return fmt_nan(buf, n);
	}
	if (fabs(v) < 999.5 && v != floor(v)) {
		snprintf(buf, (size_t)n, "%.*f", fabs(v) < 9.95 ? 2 : 1, v);
		return buf;
	}
	return fmt_scaled(v, 1000.0, units, 6, "", buf, n);
}

char *
fmt_rate(double per_s, char *buf, int n)
{
	char tmp[32];

	if (isnan(per_s)) {
		return fmt_nan(buf, n);
	}
	fmt_count(per_s, tmp, sizeof(tmp));
	snprintf(buf, (size_t)n, "%s/s", tmp);
	return buf;
}

char *
fmt_ratio_pct(double ratio, char *buf, int n)
{
	double pct = ratio * 100.0;

	if (isnan(ratio)) {
		return fmt_nan(buf, n);
	}
	snprintf(buf, (size_t)n, "%.*f %%", fabs(pct) < 9.95 ? 1 : 0, pct);
	return buf;
}

char *
fmt_seconds(double s, char *buf, int n)
{
	const char *sign = s < 0 ? "-" : "";
	double a = fabs(s);

	if (isnan(s)) {
		return fmt_nan(buf, n);
	}
	if (isinf(s)) {
		snprintf(buf, (size_t)n, "%s%s", sign,
			 text_utf8 ? "\u221e" : "inf");
		return buf;
	}
	if (a * 1000.0 < 999.5) {
		double ms = a * 1000.0;

		snprintf(buf, (size_t)n, "%s%.*f ms", sign, ms < 9.95 ? 1 : 0,
			 ms);
	} else if (a < 59.995) {
		snprintf(buf, (size_t)n, "%s%.2f s", sign, a);
	} else if (a < 3600) {
		long t = lround(a);

		snprintf(buf, (size_t)n, "%s%ldm%02lds", sign, t / 60, t % 60);
	} else if (a < 86400) {
		long t = lround(a) / 60;

		snprintf(buf, (size_t)n, "%s%ldh%02ldm", sign, t / 60, t % 60);
	} else {
		long t = (long)(a / 3600.0);

		snprintf(buf, (size_t)n, "%s%ldd%02ldh", sign, t / 24, t % 24);
	}
	return buf;
}

char *
fmt_bytes(double b, char *buf, int n)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};

	if (isnan(b)) {
		return fmt_nan(buf, n);
	}
	return fmt_scaled(b, 1024.0, units, 7, " ", buf, n);
}
