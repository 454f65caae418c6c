/* The Metrics pane: the runbooks' Prometheus queries (5xx rate, p95
 * latency, ...) as panels of labelled values with thresholds and a
 * sparkline each, for one Prometheus source. UI thread only. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "widgets/draw.h"
#include "widgets/sparkline.h"

/* Sub-views: panels with a heading each when they fit, or one line per
 * row always. */
enum { SUB_AUTO, SUB_COMPACT, SUB_COUNT };

#define NO_ROW SIZE_MAX
#define VALUE_COLS 10

/* One selectable entry: a row of a panel, or a panel without rows. */
struct metric_ent {
	size_t panel;
	size_t row;             /* NO_ROW: the panel has none */
};

struct metrics_priv {
	struct pane_cache cache;
	struct pane_subview saved[SUB_COUNT];
	const struct metrics_model *m;  /* of cache.held */
	struct metric_ent *ents;
	size_t n_ents, cap_ents;
	size_t n_panels_shown;  /* that take a heading line */
	size_t n_rows_total;
	/* Where the last draw put entries: line -> entry + 1 (0: none). */
	size_t *line_ent;
	int n_lines;
};

static const char metrics_hints[] = "v compact";

static struct metrics_priv *
metrics_priv(struct pane *p)
{
	if (p->priv == NULL) {
		p->priv = xcalloc(1, sizeof(struct metrics_priv));
	}
	return p->priv;
}

/* A panel whose one row has no label (or that has no rows) takes one
 * line, named by the panel. */
static bool
panel_is_single(const struct metric_panel *pn)
{
	return pn->n_rows == 0 || (pn->n_rows == 1 && pn->rows[0].label[0] ==
				   '\0');
}

static void
push_ent(struct metrics_priv *mp, size_t panel, size_t row)
{
	if (mp->n_ents == mp->cap_ents) {
		mp->cap_ents = mp->cap_ents ? mp->cap_ents * 2 : 32;
		mp->ents = xreallocarray(mp->ents, mp->cap_ents,
					 sizeof(*mp->ents));
	}
	mp->ents[mp->n_ents].panel = panel;
	mp->ents[mp->n_ents].row = row;
	mp->n_ents++;
}

static void
metrics_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct metrics_priv *mp = metrics_priv(p);
	const struct snapshot *data = c->data;
	const struct metrics_model *m = data ? snapshot_metrics(data) : NULL;
	size_t i, j;

	if (m == NULL) {
		data = NULL;
	}
	if (!pane_cache_update(&mp->cache, p, data)) {
		return;
	}
	mp->m = m;
	mp->n_ents = 0;
	mp->n_panels_shown = 0;
	mp->n_rows_total = 0;
	for (i = 0; m != NULL && i < m->n_panels; i++) {
		const struct metric_panel *pn = &m->panels[i];
		bool name_hit = pane_filter_any(p, pn->name, NULL);
		size_t before = mp->n_ents;

		mp->n_rows_total += pn->n_rows ? pn->n_rows : 1;
		for (j = 0; j < pn->n_rows; j++) {
			if (name_hit ||
			    pane_filter_any(p, pn->rows[j].label, NULL)) {
				push_ent(mp, i, j);
			}
		}
		if (pn->n_rows == 0 && name_hit) {
			push_ent(mp, i, NO_ROW);
		}
		if (mp->n_ents > before && !panel_is_single(pn)) {
			mp->n_panels_shown++;
		}
	}
	table_view_clamp(&p->view, mp->n_ents);
}

/* ---- values -------------------------------------------------------------- */

static enum role
value_role(const struct metric_panel *pn, double v)
{
	/* A crit threshold below warn means lower is worse (availability). */
	bool low_bad = !isnan(pn->warn) && !isnan(pn->crit) &&
		       pn->crit < pn->warn;

	if (isnan(v)) {
		return ROLE_DIM;
	}
	if (!isnan(pn->crit) && (low_bad ? v <= pn->crit : v >= pn->crit)) {
		return ROLE_CRIT;
	}
	if (!isnan(pn->warn) && (low_bad ? v <= pn->warn : v >= pn->warn)) {
		return ROLE_WARN;
	}
	return !isnan(pn->warn) || !isnan(pn->crit) ? ROLE_OK : ROLE_NORMAL;
}

static char *
fmt_value(enum metric_unit unit, double v, char *buf, int n)
{
	switch (unit) {
	case UNIT_RATIO:
		return fmt_ratio_pct(v, buf, n);
	case UNIT_SECONDS:
		return fmt_seconds(v, buf, n);
	case UNIT_BYTES:
		return fmt_bytes(v, buf, n);
	case UNIT_PER_SECOND:
		return fmt_rate(v, buf, n);
	case UNIT_NONE:
		break;
	}
	return fmt_count(v, buf, n);
}

static const char *
unit_name(enum metric_unit unit)
{
	switch (unit) {
	case UNIT_RATIO:
		return "ratio";
	case UNIT_SECONDS:
		return "seconds";
	case UNIT_BYTES:
		return "bytes";
	case UNIT_PER_SECOND:
		return "per second";
	case UNIT_NONE:
		break;
	}
	return "none";
}

/* ---- drawing ------------------------------------------------------------- */

/* The top of a row's sparkline: the highest threshold when that is above
 * every sample, so a line far below its threshold stays low; else the
 * data's own maximum. */
static double
spark_hi(const struct metric_panel *pn, const struct metric_row *r)
{
	double hi = NAN, th = NAN;
	size_t i;

	if (!isnan(pn->crit) && !(pn->crit < pn->warn)) {
		th = pn->crit;
	} else if (!isnan(pn->warn) && isnan(pn->crit)) {
		th = pn->warn;
	}
	for (i = 0; i < r->history.n; i++) {
		if (!isnan(r->history.v[i]) &&
		    (isnan(hi) || r->history.v[i] > hi)) {
			hi = r->history.v[i];
		}
	}
	if (!isnan(th) && th > 0 && (isnan(hi) || th > hi)) {
		return th;
	}
	return hi;
}

/* "warn 1 %  crit 5 %", "warn 2.00 s" into buf; "" without either. */
static char *
thresholds_text(const struct metric_panel *pn, char *buf, size_t n)
{
	char a[32], b[32];

	buf[0] = '\0';
	if (!isnan(pn->warn) && !isnan(pn->crit)) {
		snprintf(buf, n, "warn %s  crit %s",
			 fmt_value(pn->unit, pn->warn, a, sizeof(a)),
			 fmt_value(pn->unit, pn->crit, b, sizeof(b)));
	} else if (!isnan(pn->warn)) {
		snprintf(buf, n, "warn %s",
			 fmt_value(pn->unit, pn->warn, a, sizeof(a)));
	} else if (!isnan(pn->crit)) {
		snprintf(buf, n, "crit %s",
			 fmt_value(pn->unit, pn->crit, a, sizeof(a)));
	}
	return buf;
}

/* The sparkline's scale, "0–4.2 %": it is drawn from 0 to hi. */
static char *
scale_text(const struct metric_panel *pn, double hi, char *buf, size_t n)
{
	char a[32];

	buf[0] = '\0';
	if (!isnan(hi)) {
		snprintf(buf, n, "0%s%s", text_utf8 ? "\u2013" : "-",
			 fmt_value(pn->unit, hi, a, sizeof(a)));
	}
	return buf;
}

/* What follows a row's sparkline: its scale, and for a panel of one
 * series (which has no heading) its thresholds; as much as leaves the
 * sparkline SPARK_MIN columns of room in room. */
#define SPARK_MIN 12
static void
spark_note(const struct metric_panel *pn, const struct metric_row *r,
	   bool single, int room, char *buf, size_t n)
{
	char scale[48], th[80];
	bool any = false;
	size_t i;

	for (i = 0; i < r->history.n && !any; i++) {
		any = !isnan(r->history.v[i]);
	}
	/* No line drawn: no scale for it. */
	scale[0] = '\0';
	if (any) {
		scale_text(pn, spark_hi(pn, r), scale, sizeof(scale));
	}
	thresholds_text(pn, th, sizeof(th));
	if (single && th[0] != '\0') {
		snprintf(buf, n, "%s%s%s", scale, scale[0] ? "  " : "", th);
		if (room - draw_width(buf) - 1 >= SPARK_MIN) {
			return;
		}
		/* The thresholds before the scale: they judge the value. */
		snprintf(buf, n, "%s", th);
		if (room - draw_width(buf) - 1 >= SPARK_MIN) {
			return;
		}
	}
	snprintf(buf, n, "%s", scale);
	if (room - draw_width(buf) - 1 < SPARK_MIN) {
		buf[0] = '\0';
	}
}

/* label | value | sparkline | scale (thresholds), or label | error. */
static void
draw_entry(const struct metrics_priv *mp, const struct pane_ctx *c,
	   WINDOW *win, int y, int x, int w, const struct metric_ent *e,
	   bool compact, int label_w, bool selected)
{
	const struct metric_panel *pn = &mp->m->panels[e->panel];
	const struct metric_row *r = e->row != NO_ROW ? &pn->rows[e->row] :
				     NULL;
	char label[256], val[64], note[128];
	int lx = x, sw, vw;
	enum role vr;

	if (selected) {
		draw_fill(win, y, x, 1, w, ROLE_SELECTED, c->theme);
	}
	if (label_w > w) {
		label_w = w;
	}
	if ((compact || panel_is_single(pn)) && r != NULL &&
	    r->label[0] != '\0') {
		/* "panel label": when narrow, the panel name gives way, the
		 * label tells the rows apart. */
		int rw = draw_width(r->label);
		int nw = label_w - rw - 1;

		if (nw < 4) {
			nw = label_w / 2;
		}
		nw = draw_text(win, y, lx, nw, pn->name,
			       selected ? ROLE_SELECTED : ROLE_NORMAL,
			       c->theme);
		if (label_w - nw - 1 > 0) {
			draw_text(win, y, lx + nw + 1, label_w - nw - 1,
				  r->label, selected ? ROLE_SELECTED :
				  ROLE_NORMAL, c->theme);
		}
	} else {
		if (compact || panel_is_single(pn)) {
			snprintf(label, sizeof(label), "%s", pn->name);
		} else {
			snprintf(label, sizeof(label), "  %s",
				 r ? r->label : "");
		}
		draw_text(win, y, lx, label_w, label,
			  selected ? ROLE_SELECTED : compact ? ROLE_NORMAL :
			  panel_is_single(pn) ? ROLE_TITLE : ROLE_DIM,
			  c->theme);
	}
	lx += label_w + 1;
	if (lx >= x + w) {
		return;
	}
	if (r != NULL && r->error[0] != '\0') {
		draw_text(win, y, lx, x + w - lx, r->error,
			  selected ? ROLE_SELECTED : ROLE_CRIT, c->theme);
		return;
	}
	if (r == NULL || isnan(r->value)) {
		snprintf(val, sizeof(val), "no data");
		vr = ROLE_DIM;
	} else {
		fmt_value(pn->unit, r->value, val, sizeof(val));
		vr = value_role(pn, r->value);
	}
	vw = x + w - lx < VALUE_COLS ? x + w - lx : VALUE_COLS;
	draw_text_right(win, y, lx + vw, vw, val,
			selected ? ROLE_SELECTED : vr, c->theme);
	lx += VALUE_COLS + 1;
	sw = x + w - lx;
	if (r == NULL || sw <= 0) {
		return;
	}
	spark_note(pn, r, panel_is_single(pn), sw, note, sizeof(note));
	if (note[0] != '\0') {
		sw -= draw_text_right(win, y, x + w, sw, note,
				      selected ? ROLE_SELECTED : ROLE_DIM,
				      c->theme) + 1;
	}
	if (sw <= 0 || r->history.n == 0) {
		return;
	}
	/* The whole history (30 minutes) in whatever width is left. */
	sparkline_draw_fit(win, y, lx, sw, r->history.v, r->history.n, 0,
			   spark_hi(pn, r),
			   vr == ROLE_CRIT || vr == ROLE_WARN ? vr :
			   ROLE_SPARK, c->theme);
}

static void
draw_panel_name(const struct metric_panel *pn, const struct pane_ctx *c,
		WINDOW *win, int y, int x, int w)
{
	struct pane_line l;
	char th[80];

	pane_line_init(&l, win, c->theme, y, x, w);
	pane_line_add(&l, ROLE_TITLE, pn->name);
	if (thresholds_text(pn, th, sizeof(th))[0] != '\0') {
		pane_line_addf(&l, ROLE_DIM, "  %s", th);
	}
}

/* "30m", "15s", "1h": a round span in its own unit. */
static char *
span_fmt(int64_t ms, char *buf, size_t n)
{
	if (ms > 0 && ms % 3600000 == 0) {
		snprintf(buf, n, "%lldh", (long long)(ms / 3600000));
	} else if (ms > 0 && ms % 60000 == 0) {
		snprintf(buf, n, "%lldm", (long long)(ms / 60000));
	} else {
		clock_format_duration(ms, buf, (int)n);
	}
	return buf;
}

/* "sparklines: last 30m, one point per 15s" from the first history, or
 * "" when there is none. */
static void
span_text(const struct metrics_model *m, char *buf, size_t n)
{
	char span[32], step[32];
	size_t i, j;

	buf[0] = '\0';
	for (i = 0; i < m->n_panels; i++) {
		for (j = 0; j < m->panels[i].n_rows; j++) {
			const struct series *h = &m->panels[i].rows[j].history;

			if (h->n < 2 || h->step_ms <= 0) {
				continue;
			}
			span_fmt((int64_t)(h->n - 1) * h->step_ms, span,
				 sizeof(span));
			span_fmt(h->step_ms, step, sizeof(step));
			snprintf(buf, n, "sparklines: last %s, one point per "
				 "%s, each from 0 to the value at its right",
				 span, step);
			return;
		}
	}
}

static int
label_width(const struct metrics_priv *mp, bool compact, int w)
{
	int lw = 8, max = w / 3 > 8 ? w / 3 : 8;
	size_t i;

	for (i = 0; i < mp->n_ents; i++) {
		const struct metric_panel *pn =
			&mp->m->panels[mp->ents[i].panel];
		const char *lab = mp->ents[i].row != NO_ROW ?
				  pn->rows[mp->ents[i].row].label : "";
		int tw = text_width(lab) + 2;

		if (compact || panel_is_single(pn)) {
			tw = text_width(pn->name) + (lab[0] ? 1 : 0) +
			     text_width(lab);
		}
		if (tw > lw) {
			lw = tw;
		}
		if (lw >= max) {
			return max;
		}
	}
	return lw;
}

static void
metrics_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	     int x, int h, int w)
{
	struct metrics_priv *mp = metrics_priv(p);
	int line = 0, avail, lw, k;
	bool compact;
	size_t i;

	p->hints = metrics_hints;
	mp->n_lines = 0;
	if (h <= 0 || w <= 0) {
		return;
	}
	metrics_refresh(p, c);
	mp->line_ent = xreallocarray(mp->line_ent, (size_t)h,
				     sizeof(*mp->line_ent));
	for (k = 0; k < h; k++) {
		mp->line_ent[k] = 0;
	}
	mp->n_lines = h;
	if (mp->m == NULL) {
		pane_draw_message(win, y, x, h, w, c->theme, ROLE_DIM,
				  "no metrics yet");
		return;
	}
	if (p->filter[0] != '\0' && h >= 3) {
		pane_draw_filter(win, y, x, w, c->theme, p, mp->n_ents,
				 mp->n_rows_total);
		line = 1;
	}
	if (mp->m->n_panels == 0) {
		pane_draw_message(win, y + line, x, h - line, w, c->theme,
				  ROLE_DIM, "no panels configured");
		return;
	}
	avail = h - line;
	compact = p->sub == SUB_COMPACT ||
		  mp->n_ents + mp->n_panels_shown > (size_t)avail;
	/* The sparklines' time span on a line of its own when one is
	 * spare (the record of a row says it always). */
	if ((compact ? mp->n_ents : mp->n_ents + mp->n_panels_shown) <
	    (size_t)avail) {
		char span[160];

		span_text(mp->m, span, sizeof(span));
		if (span[0] != '\0') {
			draw_text(win, y + line, x, w, span, ROLE_DIM,
				  c->theme);
			line++;
			avail--;
		}
	}
	lw = label_width(mp, compact, w);
	if (!compact) {
		size_t last_panel = SIZE_MAX;

		for (i = 0; i < mp->n_ents; i++) {
			const struct metric_ent *e = &mp->ents[i];

			if (e->panel != last_panel &&
			    !panel_is_single(&mp->m->panels[e->panel])) {
				draw_panel_name(&mp->m->panels[e->panel], c,
						win, y + line, x, w);
				line++;
			}
			last_panel = e->panel;
			mp->line_ent[line] = i + 1;
			draw_entry(mp, c, win, y + line, x, w, e, false, lw,
				   c->focused && p->view.sel == i);
			line++;
		}
		p->view.page = avail;
		return;
	}
	/* Compact: scroll by entries and keep the selection in view. */
	p->view.page = avail;
	table_view_clamp(&p->view, mp->n_ents);
	for (k = 0; k < avail && p->view.top + (size_t)k < mp->n_ents; k++) {
		size_t ei = p->view.top + (size_t)k;

		mp->line_ent[line + k] = ei + 1;
		draw_entry(mp, c, win, y + line + k, x, w, &mp->ents[ei], true,
			   lw, c->focused && p->view.sel == ei);
	}
}

/* ---- keys, clicks, targets, detail --------------------------------------- */

static bool
metrics_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct metrics_priv *mp = metrics_priv(p);

	if (key == 'v') {
		pane_switch_sub(p, mp->saved, SUB_COUNT,
				(p->sub + 1) % SUB_COUNT);
		return true;
	}
	metrics_refresh(p, c);
	return table_view_key(&p->view, key, mp->n_ents);
}

static bool
metrics_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct metrics_priv *mp = metrics_priv(p);

	if (dy < 0 || dy >= mp->n_lines || mp->line_ent == NULL ||
	    mp->line_ent[dy] == 0) {
		return false;
	}
	p->view.sel = mp->line_ent[dy] - 1;
	return true;
}

static char *
metrics_detail(struct pane *p, const struct pane_ctx *c)
{
	struct metrics_priv *mp = metrics_priv(p);
	const struct metric_panel *pn;
	const struct metric_row *r;
	struct pane_buf b = { 0 };
	char a[64], bb[64];
	size_t i;

	metrics_refresh(p, c);
	if (mp->m == NULL || p->view.sel >= mp->n_ents) {
		return NULL;
	}
	pn = &mp->m->panels[mp->ents[p->view.sel].panel];
	r = mp->ents[p->view.sel].row != NO_ROW ?
	    &pn->rows[mp->ents[p->view.sel].row] : NULL;
	pane_buf_addf(&b, "%s\n\n", pn->name);
	pane_buf_field(&b, "panel", pn->name);
	pane_buf_field(&b, "query", pn->expr);
	pane_buf_field(&b, "unit", unit_name(pn->unit));
	pane_buf_addf(&b, "thresholds: warn %s, crit %s\n",
		      isnan(pn->warn) ? "none" :
		      fmt_value(pn->unit, pn->warn, a, sizeof(a)),
		      isnan(pn->crit) ? "none" :
		      fmt_value(pn->unit, pn->crit, bb, sizeof(bb)));
	if (r == NULL) {
		pane_buf_addf(&b, "\nno series returned\n");
		return pane_buf_take(&b);
	}
	pane_buf_field(&b, "label", r->label);
	pane_buf_addf(&b, "value: %s\n", isnan(r->value) ? "no data" :
		      fmt_value(pn->unit, r->value, a, sizeof(a)));
	if (r->error[0] != '\0') {
		pane_buf_addf(&b, "error: %s\n", r->error);
	}
	if (r->history.n > 0) {
		double lo = NAN, hi = NAN;
		size_t gaps = 0;

		for (i = 0; i < r->history.n; i++) {
			double v = r->history.v[i];

			if (isnan(v)) {
				gaps++;
				continue;
			}
			lo = isnan(lo) || v < lo ? v : lo;
			hi = isnan(hi) || v > hi ? v : hi;
		}
		span_fmt((int64_t)(r->history.n > 1 ? r->history.n - 1 : 0) *
			 r->history.step_ms, a, sizeof(a));
		span_fmt(r->history.step_ms, bb, sizeof(bb));
		pane_buf_addf(&b, "history: last %s, one point per %s (%zu "
			      "points, %zu gaps)\n", a, bb, r->history.n,
			      gaps);
		pane_buf_addf(&b, "min %s, ", isnan(lo) ? "no data" :
			      fmt_value(pn->unit, lo, a, sizeof(a)));
		pane_buf_addf(&b, "max %s\n", isnan(hi) ? "no data" :
			      fmt_value(pn->unit, hi, a, sizeof(a)));
		pane_buf_addf(&b, "sparkline scale: %s\n",
			      isnan(spark_hi(pn, r)) ? "none (no data)" :
			      scale_text(pn, spark_hi(pn, r), a, sizeof(a)));
	}
	return pane_buf_take(&b);
}

/* "panel:PANEL/ROW" (ROW the split label's value, "" the panel's first
 * entry) and the kind's own "metric:PANEL:ROW", "metric:PANEL": that
 * entry. */
static bool
metrics_select(struct pane *p, const struct pane_ctx *c, const char *row)
{
	struct metrics_priv *mp = metrics_priv(p);
	char want[512];
	size_t first = NO_ROW;

	metrics_refresh(p, c);
	for (size_t i = 0; mp->m != NULL && i < mp->n_ents; i++) {
		const struct metric_panel *pn =
			&mp->m->panels[mp->ents[i].panel];
		const char *label = mp->ents[i].row == NO_ROW ? "" :
				    pn->rows[mp->ents[i].row].label;

		snprintf(want, sizeof(want), "panel:%s/%s", pn->name, label);
		if (strcmp(row, want) == 0) {
			p->view.sel = i;
			return true;
		}
		snprintf(want, sizeof(want), "metric:%s%s%s", pn->name,
			 label[0] ? ":" : "", label);
		if (strcmp(row, want) == 0) {
			p->view.sel = i;
			return true;
		}
		snprintf(want, sizeof(want), "panel:%s/", pn->name);
		if (first == NO_ROW && strcmp(row, want) == 0) {
			first = i;
		}
	}
	if (first != NO_ROW) {
		p->view.sel = first;
		return true;
	}
	return false;
}

static void
metrics_free(struct pane *p)
{
	struct metrics_priv *mp = p->priv;

	if (mp == NULL) {
		return;
	}
	pane_cache_finish(&mp->cache);
	free(mp->ents);
	free(mp->line_ent);
	free(mp);
	p->priv = NULL;
}

const struct pane_ops pane_metrics_ops = {
	.kind = SNAP_METRICS,
	.band = 1,
	.draw = metrics_draw,
	.key = metrics_key,
	.click = metrics_click,
	.detail = metrics_detail,
	.select = metrics_select,
	.free = metrics_free,
};
