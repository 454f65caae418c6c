/* Pieces every pane file shares: the cached filtered and sorted row index,
 * a stable sort with a context, a line builder for summary lines, tree
 * guides, duration formats and a growable text buffer for detail records.
 * UI thread only. */
#ifndef WARROOM_PANE_COMMON_H
#define WARROOM_PANE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "core/snapshot.h"
#include "themes/theme.h"
#include "tui/pane.h"
#include "widgets/table.h"

/* ---- the cached index ---------------------------------------------------- */

/* Row numbers into a model array, in display order. */
struct pane_index {
	size_t *idx;
	size_t n;
	size_t cap;
};

void pane_index_clear(struct pane_index *ix);
void pane_index_push(struct pane_index *ix, size_t v);
void pane_index_finish(struct pane_index *ix);

/* What an index was computed from. It holds a reference to the snapshot,
 * so the address cannot be reused by a newer one while it is remembered. */
struct pane_cache {
	struct snapshot *held;
	char filter[PANE_FILTER_MAX];
	int sort_col;
	bool sort_desc;
	int sub;
	bool valid;
};

/* True when data or p's filter, sort or sub-view differ from what pc saw
 * last; then remembers them (taking a reference to data). */
bool pane_cache_update(struct pane_cache *pc, const struct pane *p,
		       const struct snapshot *data);
/* Forgets everything and drops the reference. */
void pane_cache_finish(struct pane_cache *pc);

/* Sorts idx[0..n) stably by cmp (negative: a first); reverse flips the
 * order without losing stability. */
void pane_sort(size_t *idx, size_t n,
	       int (*cmp)(const void *ctx, size_t a, size_t b),
	       const void *ctx, bool reverse);

/* Descending order of two numbers that may be NAN: unknown last. */
int pane_cmp_desc_nan(double a, double b);

/* pane_filter_match over a NULL-terminated list of strings: true when the
 * filter is empty or any of them matches. */
bool pane_filter_any(const struct pane *p, ...);

/* ---- sub-views and sort columns ------------------------------------------ */

/* What a sub-view remembers while another one is shown. */
struct pane_subview {
	struct table_view view;
	int sort_col;
	bool sort_desc;
};

/* Saves p's view and sort into saved[p->sub], moves to sub-view `to`
 * (0..n-1) and restores what that one had. */
void pane_switch_sub(struct pane *p, struct pane_subview *saved, int n,
		     int to);
/* 's': the next of n sort columns. */
void pane_next_sort(struct pane *p, int n);
/* 'v' (the next of n_sub sub-views, remembered in saved) and 's' (the next
 * of n_sort sort columns). False for any other key. */
bool pane_sub_sort_key(struct pane *p, struct pane_subview *saved, int n_sub,
		       int n_sort, int key);
/* A click dy rows into the pane, on a table drawn from row table_dy
 * (negative: no table) with n_rows rows: moves the selection. */
bool pane_table_click(struct pane *p, int table_dy, int dy, size_t n_rows);

/* ---- drawing ------------------------------------------------------------- */

/* A line drawn left to right in segments of different roles, clipped at
 * its end. Text is raw: it goes through draw_text. */
struct pane_line {
	WINDOW *win;
	const struct theme *t;
	int y;
	int x;          /* next column */
	int end;        /* first column past the line */
};

void pane_line_init(struct pane_line *l, WINDOW *win, const struct theme *t,
		    int y, int x, int w);
void pane_line_add(struct pane_line *l, enum role r, const char *s);
void pane_line_addf(struct pane_line *l, enum role r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The dim " · " between items (" | " without UTF-8). */
void pane_line_sep(struct pane_line *l);
/* Draws s right-aligned at the end of the line and moves the end before
 * it, so later segments cannot overwrite it. Draws nothing when fewer
 * than min_left columns would remain. */
void pane_line_right(struct pane_line *l, enum role r, const char *s,
		     int min_left);
/* pane_filter_text right-aligned on l, as pane_line_right does. */
void pane_line_filter(struct pane_line *l, const struct pane *p,
		      size_t shown, size_t total, int min_left);

/* Dim centred-left message for an empty pane or view. */
void pane_draw_message(WINDOW *win, int y, int x, int h, int w,
		       const struct theme *t, enum role r, const char *msg);
/* "filter: api (3 of 27)" into buf (size n); returns buf. */
char *pane_filter_text(const struct pane *p, size_t shown, size_t total,
		       char *buf, size_t n);
/* "filter: api (3 of 27)" on one line. */
void pane_draw_filter(WINDOW *win, int y, int x, int w,
		      const struct theme *t, const struct pane *p,
		      size_t shown, size_t total);

/* The tree guides, 3 columns each: "├─ " "└─ " "│  " "   " (ASCII
 * "|- " "`- " "|  " without UTF-8). */
const char *pane_guide_tee(void);
const char *pane_guide_last(void);
const char *pane_guide_pipe(void);
const char *pane_guide_space(void);
/* The role of a used/limit fraction: crit above 95 %, warn above 80 %,
 * ok below, dim when unknown. */
enum role pane_frac_role(double frac);
/* "—" or "-": the dash between a lock and its query. */
const char *pane_dash(void);

/* ---- text ---------------------------------------------------------------- */

/* "4m12s" for seconds s, "—" for NAN or negative. Returns buf. */
char *pane_fmt_dur_s(double s, char *buf, int n);
/* The duration from then_ms to now_ms ("—" when then_ms is 0). */
char *pane_fmt_age(int64_t now_ms, int64_t then_ms, char *buf, int n);
/* "03:12:07Z" from wall ms. */
char *pane_fmt_hms(int64_t wall_ms, char *buf, int n);
/* A plain number: "%.3g" below 1000, else fmt_count; "—" for NAN. */
char *pane_fmt_num(double v, char *buf, int n);
/* Copies src into dst (size n) with every run of ASCII whitespace (newline,
 * tab, ...) made one space: a query or message on one line. Other control
 * characters are left for the sanitizer to show. */
void pane_oneline(char *dst, size_t n, const char *src);
/* What follows prefix at the start of s ("group:billing" after "group:":
 * "billing"), or NULL when s does not start with it. */
const char *pane_after(const char *s, const char *prefix);
/* Case-insensitive substring search (ASCII). */
bool pane_contains_ci(const char *hay, const char *needle);
/* snprintf that reports truncation: false when buf was too small. */
bool pane_fits(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A growable string for detail records. */
struct pane_buf {
	char *s;
	size_t len;
	size_t cap;
};

void pane_buf_addf(struct pane_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Adds "key: value\n" (value may be NULL: "—"). */
void pane_buf_field(struct pane_buf *b, const char *key, const char *value);
/* Returns the string (xmalloc'd, never NULL; the caller frees it). */
char *pane_buf_take(struct pane_buf *b);

#endif
