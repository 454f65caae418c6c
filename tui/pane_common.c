/* Shared helpers of the pane files: cached index, stable sort, line
 * builder, tree guides, formats, detail buffers. UI thread only. */
#include "tui/pane_common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "widgets/draw.h"

/* ---- the cached index ---------------------------------------------------- */

void
pane_index_clear(struct pane_index *ix)
{
	ix->n = 0;
}

void
pane_index_push(struct pane_index *ix, size_t v)
{
	if (ix->n == ix->cap) {
		ix->cap = ix->cap ? ix->cap * 2 : 64;
		ix->idx = xreallocarray(ix->idx, ix->cap, sizeof(*ix->idx));
	}
	ix->idx[ix->n++] = v;
}

void
pane_index_finish(struct pane_index *ix)
{
	free(ix->idx);
	ix->idx = NULL;
	ix->n = 0;
	ix->cap = 0;
}

bool
pane_cache_update(struct pane_cache *pc, const struct pane *p,
		  const struct snapshot *data)
{
	if (pc->valid && pc->held == data &&
	    strcmp(pc->filter, p->filter) == 0 &&
	    pc->sort_col == p->sort_col && pc->sort_desc == p->sort_desc &&
	    pc->sub == p->sub) {
		return false;
	}
	if (pc->held != data) {
		/* The reference is only taken so the pointer stays unique;
		 * the snapshot itself is never written. */
		struct snapshot *old = pc->held;

		pc->held = snapshot_ref((struct snapshot *)data);
		if (old != NULL) {
			snapshot_unref(old);
		}
	}
	strlcpy_safe(pc->filter, p->filter, sizeof(pc->filter));
	pc->sort_col = p->sort_col;
	pc->sort_desc = p->sort_desc;
	pc->sub = p->sub;
	pc->valid = true;
	return true;
}

void
pane_cache_finish(struct pane_cache *pc)
{
	if (pc->held != NULL) {
		snapshot_unref(pc->held);
	}
	memset(pc, 0, sizeof(*pc));
}

struct sort_args {
	int (*cmp)(const void *ctx, size_t a, size_t b);
	const void *ctx;
	bool reverse;
};

static int
sort_cmp(const struct sort_args *sa, size_t a, size_t b)
{
	return sa->reverse ? sa->cmp(sa->ctx, b, a) : sa->cmp(sa->ctx, a, b);
}

/* Bottom-up merge sort: stable, O(n log n), no recursion. */
void
pane_sort(size_t *idx, size_t n,
	  int (*cmp)(const void *ctx, size_t a, size_t b), const void *ctx,
	  bool reverse)
{
	struct sort_args sa = { cmp, ctx, reverse };
	size_t *tmp, *src, *dst, width, i;

	if (n < 2) {
		return;
	}
	tmp = xreallocarray(NULL, n, sizeof(*tmp));
	src = idx;
	dst = tmp;
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i;
			size_t mid = i + width < n ? i + width : n;
			size_t hi = i + 2 * width < n ? i + 2 * width : n;
			size_t a = lo, b = mid, k = lo;

			while (a < mid && b < hi) {
				if (sort_cmp(&sa, src[b], src[a]) < 0) {
					dst[k++] = src[b++];
				} else {
					dst[k++] = src[a++];
				}
			}
			while (a < mid) {
				dst[k++] = src[a++];
			}
			while (b < hi) {
				dst[k++] = src[b++];
			}
		}
		size_t *swap = src;

		src = dst;
		dst = swap;
	}
	if (src != idx) {
		memcpy(idx, src, n * sizeof(*idx));
	}
	free(tmp);
}

int
pane_cmp_desc_nan(double a, double b)
{
	if (isnan(a) || isnan(b)) {
		return isnan(a) - isnan(b);
	}
	return a > b ? -1 : a < b ? 1 : 0;
}

bool
pane_filter_any(const struct pane *p, ...)
{
	va_list ap;
	const char *s;
	bool hit = false;

	if (p->filter[0] == '\0') {
		return true;
	}
	va_start(ap, p);
	while ((s = va_arg(ap, const char *)) != NULL) {
		if (pane_filter_match(p, s)) {
			hit = true;
			break;
		}
	}
	va_end(ap);
	return hit;
}

/* ---- sub-views and sort columns ------------------------------------------ */

void
pane_switch_sub(struct pane *p, struct pane_subview *saved, int n, int to)
{
	if (p->sub >= 0 && p->sub < n) {
		saved[p->sub].view = p->view;
		saved[p->sub].sort_col = p->sort_col;
		saved[p->sub].sort_desc = p->sort_desc;
	}
	if (to < 0 || to >= n) {
		to = 0;
	}
	p->sub = to;
	p->view = saved[to].view;
	p->sort_col = saved[to].sort_col;
	p->sort_desc = saved[to].sort_desc;
}

void
pane_next_sort(struct pane *p, int n)
{
	if (n <= 0) {
		p->sort_col = 0;
		return;
	}
	p->sort_col = (p->sort_col + 1) % n;
	if (p->sort_col < 0) {
		p->sort_col = 0;
	}
}

bool
pane_sub_sort_key(struct pane *p, struct pane_subview *saved, int n_sub,
		  int n_sort, int key)
{
	switch (key) {
	case 'v':
		pane_switch_sub(p, saved, n_sub, (p->sub + 1) % n_sub);
		return true;
	case 's':
		pane_next_sort(p, n_sort);
		return true;
	default:
		return false;
	}
}

bool
pane_table_click(struct pane *p, int table_dy, int dy, size_t n_rows)
{
	if (table_dy < 0 || dy < table_dy) {
		return false;
	}
	return table_view_click(&p->view, dy - table_dy, n_rows);
}

/* ---- drawing ------------------------------------------------------------- */

void
pane_line_init(struct pane_line *l, WINDOW *win, const struct theme *t,
	       int y, int x, int w)
{
	l->win = win;
	l->t = t;
	l->y = y;
	l->x = x;
	l->end = x + (w > 0 ? w : 0);
}

void
pane_line_add(struct pane_line *l, enum role r, const char *s)
{
	if (l->x >= l->end || s == NULL || s[0] == '\0') {
		return;
	}
	l->x += draw_text(l->win, l->y, l->x, l->end - l->x, s, r, l->t);
}

void
pane_line_addf(struct pane_line *l, enum role r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pane_line_add(l, r, buf);
}

void
pane_line_sep(struct pane_line *l)
{
	pane_line_add(l, ROLE_DIM, text_utf8 ? " · " : " | ");
}

void
pane_line_right(struct pane_line *l, enum role r, const char *s,
		int min_left)
{
	int cols = l->end - l->x - min_left;
	int drawn;

	if (cols <= 0 || s == NULL || s[0] == '\0') {
		return;
	}
	drawn = draw_text_right(l->win, l->y, l->end, cols, s, r, l->t);
	if (drawn > 0) {
		/* Keep one blank column between the two sides. */
		l->end -= drawn + 1;
	}
}

void
pane_draw_message(WINDOW *win, int y, int x, int h, int w,
		  const struct theme *t, enum role r, const char *msg)
{
	if (h <= 0 || w <= 0) {
		return;
	}
	draw_text(win, y, x, w, msg, r, t);
}

char *
pane_filter_text(const struct pane *p, size_t shown, size_t total,
		 char *buf, size_t n)
{
	snprintf(buf, n, "filter: %s (%zu of %zu)", p->filter, shown, total);
	return buf;
}

void
pane_draw_filter(WINDOW *win, int y, int x, int w, const struct theme *t,
		 const struct pane *p, size_t shown, size_t total)
{
	struct pane_line l;

	pane_line_init(&l, win, t, y, x, w);
	pane_line_add(&l, ROLE_DIM, "filter: ");
	pane_line_add(&l, ROLE_KEY, p->filter);
	pane_line_addf(&l, shown ? ROLE_DIM : ROLE_WARN, " (%zu of %zu)",
		       shown, total);
}

void
pane_line_filter(struct pane_line *l, const struct pane *p, size_t shown,
		 size_t total, int min_left)
{
	char f[PANE_FILTER_MAX + 48];

	pane_filter_text(p, shown, total, f, sizeof(f));
	pane_line_right(l, ROLE_KEY, f, min_left);
}

const char *
pane_guide_tee(void)
{
	return text_utf8 ? "├─ " : "|- ";
}

const char *
pane_guide_last(void)
{
	return text_utf8 ? "└─ " : "`- ";
}

const char *
pane_guide_pipe(void)
{
	return text_utf8 ? "│  " : "|  ";
}

const char *
pane_guide_space(void)
{
	return "   ";
}

enum role
pane_frac_role(double frac)
{
	return isnan(frac) ? ROLE_DIM : frac > 0.95 ? ROLE_CRIT :
	       frac > 0.8 ? ROLE_WARN : ROLE_OK;
}

const char *
pane_dash(void)
{
	return text_utf8 ? "—" : "-";
}

/* ---- text ---------------------------------------------------------------- */

char *
pane_fmt_dur_s(double s, char *buf, int n)
{
	if (isnan(s) || s < 0) {
		snprintf(buf, (size_t)n, "%s", pane_dash());
		return buf;
	}
	if (s > 9e15) {
		s = 9e15;
	}
	return clock_format_duration((int64_t)(s * 1000.0), buf, n);
}

char *
pane_fmt_age(int64_t now_ms, int64_t then_ms, char *buf, int n)
{
	if (then_ms <= 0) {
		snprintf(buf, (size_t)n, "%s", pane_dash());
		return buf;
	}
	return clock_format_duration(now_ms - then_ms, buf, n);
}

char *
pane_fmt_hms(int64_t wall_ms, char *buf, int n)
{
	char t[32];

	clock_format_utc(wall_ms, 1, t, sizeof(t));
	snprintf(buf, (size_t)n, "%sZ", t);
	return buf;
}

char *
pane_fmt_num(double v, char *buf, int n)
{
	if (isnan(v)) {
		snprintf(buf, (size_t)n, "%s", pane_dash());
	} else if (fabs(v) < 1000.0) {
		snprintf(buf, (size_t)n, "%.3g", v);
	} else {
		fmt_count(v, buf, n);
	}
	return buf;
}

void
pane_oneline(char *dst, size_t n, const char *src)
{
	size_t o = 0;
	bool space = false;

	if (n == 0) {
		return;
	}
	for (; *src != '\0' && o + 1 < n; src++) {
		unsigned char ch = (unsigned char)*src;

		if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' ||
		    ch == '\v' || ch == '\f') {
			space = o > 0;
			continue;
		}
		if (space) {
			dst[o++] = ' ';
			space = false;
			if (o + 1 >= n) {
				break;
			}
		}
		dst[o++] = (char)ch;
	}
	/* Never end in the middle of a UTF-8 sequence. */
	if (*src != '\0') {
		size_t start = o;
		unsigned char lead;
		size_t need;

		while (start > 0 && o - start < 4 &&
		       ((unsigned char)dst[start - 1] & 0xc0) == 0x80) {
			start--;
		}
		if (start > 0) {
			lead = (unsigned char)dst[start - 1];
			need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 :
			       lead >= 0xc0 ? 2 : 1;
			if (o - (start - 1) < need) {
				o = start - 1;
			}
		}
	}
	dst[o] = '\0';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

const char *
pane_after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

bool
pane_contains_ci(const char *hay, const char *needle)
{
	size_t i, j;

	if (needle[0] == '\0') {
		return true;
	}
	for (i = 0; hay[i] != '\0'; i++) {
		for (j = 0; needle[j] != '\0' && hay[i + j] != '\0'; j++) {
			if (lower((unsigned char)hay[i + j]) !=
			    lower((unsigned char)needle[j])) {
				break;
			}
		}
		if (needle[j] == '\0') {
			return true;
		}
	}
	return false;
}

bool
pane_fits(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len >= 0 && (size_t)len < n;
}

void
pane_buf_addf(struct pane_buf *b, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0) {
		return;
	}
	if (b->len + (size_t)len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + (size_t)len + 1) {
			cap *= 2;
		}
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)len;
}

void
pane_buf_field(struct pane_buf *b, const char *key, const char *value)
{
	pane_buf_addf(b, "%s: %s\n", key,
		      value != NULL && value[0] != '\0' ? value : pane_dash());
}

char *
pane_buf_take(struct pane_buf *b)
{
	char *s = b->s != NULL ? b->s : xstrdup("");

	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	return s;
}
