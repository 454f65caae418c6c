/* The Kafka pane: brokers up, consumer-group lag and how fast it grows
 * (kafka-consumer-groups --describe, live), and one group's partitions,
 * for one Kafka source. UI thread only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "widgets/draw.h"
#include "widgets/sparkline.h"
#include "widgets/table.h"

enum { SUB_GROUPS, SUB_PARTITIONS, SUB_COUNT };

enum { GRP_SORT_LAG, GRP_SORT_RATE, GRP_SORT_NAME, GRP_SORT_COUNT };

static const char *const grp_sort_names[GRP_SORT_COUNT] = {
	"lag", "rate", "name",
};

enum { PART_SORT_LAG, PART_SORT_PARTITION, PART_SORT_COUNT };

static const char *const part_sort_names[PART_SORT_COUNT] = {
	"lag", "partition",
};

static const int sort_counts[SUB_COUNT] = { GRP_SORT_COUNT, PART_SORT_COUNT };

/* Lag growing faster than this (messages/s) is drawn as critical. */
#define LAG_RATE_CRIT 100.0
/* The TREND column: the group's whole lag history resampled to it. */
#define TREND_COLS 12

struct kafka_priv {
	struct pane_cache cache;
	struct pane_subview saved[SUB_COUNT];
	const struct kafka_model *m;    /* of cache.held */
	struct pane_index ix;           /* groups, or the group's partitions */
	/* The group the partitions view shows, by name (it survives new
	 * snapshots). */
	char group[256];
	char topic[256];
	const struct kafka_group *g;    /* that group in m, or NULL */
	/* The largest lag in any group's history: every trend column is
	 * drawn on this one scale, so a small flat lag looks small. */
	double trend_hi;
	int table_dy;
};

static const struct table_col grp_cols[] = {
	{ "GROUP", 24, 10, false, true },
	{ "TOPIC", 16, 0, false, false },
	{ "STATE", 8, 0, false, false },
	{ "LAG", 8, 5, true, false },
	{ "RATE", 9, 6, true, false },
	{ "TREND", TREND_COLS, 0, false, false },
};

static const struct table_col part_cols[] = {
	{ "PARTITION", 9, 4, true, false },
	{ "COMMITTED", 12, 6, true, false },
	{ "HIGH", 12, 6, true, false },
	{ "LAG", 10, 5, true, false },
};

static const char kafka_hints[] = "v partitions  s sort";

static struct kafka_priv *
kafka_priv(struct pane *p)
{
	if (p->priv == NULL) {
		struct kafka_priv *kp = xcalloc(1, sizeof(*kp));

		kp->table_dy = -1;
		p->priv = kp;
	}
	return p->priv;
}

static int
cmp_groups(const void *ctx, size_t ia, size_t ib)
{
	const struct kafka_priv *kp = ctx;
	const struct kafka_group *a = &kp->m->groups[ia];
	const struct kafka_group *b = &kp->m->groups[ib];
	int r = 0;

	switch (kp->cache.sort_col) {
	case GRP_SORT_LAG:
		r = pane_cmp_desc_nan(a->total_lag, b->total_lag);
		break;
	case GRP_SORT_RATE:
		r = pane_cmp_desc_nan(a->lag_per_s, b->lag_per_s);
		break;
	default:
		break;
	}
	if (r == 0) {
		r = strcmp(a->group, b->group);
	}
	return r != 0 ? r : strcmp(a->topic, b->topic);
}

static int
cmp_parts(const void *ctx, size_t ia, size_t ib)
{
	const struct kafka_priv *kp = ctx;
	const struct kafka_partition *a = &kp->g->partitions[ia];
	const struct kafka_partition *b = &kp->g->partitions[ib];
	int r = 0;

	if (kp->cache.sort_col == PART_SORT_LAG) {
		r = pane_cmp_desc_nan(a->lag, b->lag);
	}
	return r != 0 ? r : a->partition - b->partition;
}

static const struct kafka_group *
find_group(const struct kafka_model *m, const char *group, const char *topic)
{
	size_t i;

	for (i = 0; m != NULL && i < m->n_groups; i++) {
		if (strcmp(m->groups[i].group, group) == 0 &&
		    strcmp(m->groups[i].topic, topic) == 0) {
			return &m->groups[i];
		}
	}
	return NULL;
}

static const struct kafka_group *
selected_group(const struct pane *p, const struct kafka_priv *kp)
{
	if (kp->m == NULL || p->sub != SUB_GROUPS || p->view.sel >= kp->ix.n) {
		return NULL;
	}
	return &kp->m->groups[kp->ix.idx[p->view.sel]];
}

static void
remember_group(struct kafka_priv *kp, const struct kafka_group *g)
{
	if (g != NULL) {
		strlcpy_safe(kp->group, g->group, sizeof(kp->group));
		strlcpy_safe(kp->topic, g->topic, sizeof(kp->topic));
	}
}

static void
kafka_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct kafka_priv *kp = kafka_priv(p);
	const struct snapshot *data = c->data;
	const struct kafka_model *m = data ? snapshot_kafka(data) : NULL;
	bool had = false;
	size_t i;

	if (m == NULL) {
		data = NULL;
	}
	if (kp->cache.valid && kp->cache.sub == p->sub &&
	    selected_group(p, kp) != NULL) {
		remember_group(kp, selected_group(p, kp));
		had = true;
	}
	if (!pane_cache_update(&kp->cache, p, data)) {
		return;
	}
	kp->m = m;
	kp->g = find_group(m, kp->group, kp->topic);
	kp->trend_hi = NAN;
	for (i = 0; m != NULL && i < m->n_groups; i++) {
		const struct series *sr = &m->groups[i].lag_history;
		size_t k;

		for (k = 0; k < sr->n; k++) {
			if (!isnan(sr->v[k]) &&
			    (isnan(kp->trend_hi) || sr->v[k] > kp->trend_hi)) {
				kp->trend_hi = sr->v[k];
			}
		}
	}
	pane_index_clear(&kp->ix);
	if (m != NULL && p->sub == SUB_GROUPS) {
		for (i = 0; i < m->n_groups; i++) {
			const struct kafka_group *g = &m->groups[i];

			if (pane_filter_any(p, g->group, g->topic, g->state,
					    NULL)) {
				pane_index_push(&kp->ix, i);
			}
		}
		pane_sort(kp->ix.idx, kp->ix.n, cmp_groups, kp, p->sort_desc);
		for (i = 0; had && i < kp->ix.n; i++) {
			const struct kafka_group *g = &m->groups[kp->ix.idx[i]];

			if (strcmp(g->group, kp->group) == 0 &&
			    strcmp(g->topic, kp->topic) == 0) {
				p->view.sel = i;
				break;
			}
		}
	} else if (kp->g != NULL) {
		for (i = 0; i < kp->g->n_partitions; i++) {
			char part[16];

			snprintf(part, sizeof(part), "%d",
				 kp->g->partitions[i].partition);
			if (pane_filter_any(p, part, NULL)) {
				pane_index_push(&kp->ix, i);
			}
		}
		pane_sort(kp->ix.idx, kp->ix.n, cmp_parts, kp, p->sort_desc);
	}
	table_view_clamp(&p->view, kp->ix.n);
}

/* ---- cells --------------------------------------------------------------- */

static enum role
rate_role(double r)
{
	return isnan(r) ? ROLE_DIM : r > LAG_RATE_CRIT ? ROLE_CRIT :
	       r > 0 ? ROLE_WARN : ROLE_OK;
}

static enum role
lag_role(double lag)
{
	return isnan(lag) ? ROLE_DIM : lag > 100000 ? ROLE_CRIT :
	       lag > 1000 ? ROLE_WARN : ROLE_NORMAL;
}

static void
fmt_lag_rate(double r, char *buf, size_t n)
{
	size_t o = 0;

	if (n < 2) {
		return;
	}
	if (!isnan(r) && r > 0) {
		buf[o++] = '+';
	}
	fmt_rate(r, buf + o, (int)(n - o));
}

static void
group_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	   enum role *role)
{
	const struct kafka_priv *kp = ctx;
	const struct kafka_group *g = &kp->m->groups[kp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%s", g->group);
		break;
	case 1:
		snprintf(buf, n, "%s", g->topic);
		break;
	case 2:
		snprintf(buf, n, "%s", g->state[0] ? g->state : pane_dash());
		*role = strcmp(g->state, "Stable") == 0 ? ROLE_OK :
			g->state[0] == '\0' ? ROLE_DIM : ROLE_WARN;
		break;
	case 3:
		pane_fmt_num(g->total_lag, buf, (int)n);
		*role = lag_role(g->total_lag);
		break;
	case 4:
		fmt_lag_rate(g->lag_per_s, buf, n);
		*role = rate_role(g->lag_per_s);
		break;
	default:
		if (g->lag_history.n > 0) {
			sparkline_render_fit(g->lag_history.v,
					     g->lag_history.n, TREND_COLS, 0,
					     kp->trend_hi > 0 ? kp->trend_hi :
					     NAN, text_utf8, buf, n);
		}
		*role = ROLE_SPARK;
		break;
	}
}

static void
part_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	  enum role *role)
{
	const struct kafka_priv *kp = ctx;
	const struct kafka_partition *pt = &kp->g->partitions[kp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%d", pt->partition);
		break;
	case 1:
		/* Exact offsets: they are what an operator compares. */
		if (isnan(pt->committed)) {
			snprintf(buf, n, "%s", pane_dash());
			*role = ROLE_DIM;
		} else {
			snprintf(buf, n, "%.0f", pt->committed);
		}
		break;
	case 2:
		if (isnan(pt->high)) {
			snprintf(buf, n, "%s", pane_dash());
		} else {
			snprintf(buf, n, "%.0f", pt->high);
		}
		break;
	default:
		if (isnan(pt->lag)) {
			snprintf(buf, n, "%s", pane_dash());
		} else {
			snprintf(buf, n, "%.0f", pt->lag);
		}
		*role = lag_role(pt->lag);
		break;
	}
}

/* ---- drawing ------------------------------------------------------------- */

static void
draw_summary(const struct pane *p, const struct kafka_priv *kp,
	     const struct pane_ctx *c, WINDOW *win, int y, int x, int w)
{
	const struct kafka_model *m = kp->m;
	struct pane_line l;
	double total = 0;
	char a[32];
	size_t i;

	pane_line_init(&l, win, c->theme, y, x, w);
	if (p->filter[0] != '\0' && p->sub == SUB_GROUPS) {
		pane_line_filter(&l, p, kp->ix.n, m->n_groups, 30);
	} else {
		char r[48];

		snprintf(r, sizeof(r), "sort %s%s",
			 p->sub == SUB_GROUPS ?
			 grp_sort_names[p->sort_col % GRP_SORT_COUNT] :
			 part_sort_names[p->sort_col % PART_SORT_COUNT],
			 p->sort_desc ? " (rev)" : "");
		pane_line_right(&l, ROLE_DIM, r, 48);
	}
	pane_line_addf(&l, m->brokers_total == 0 ? ROLE_DIM :
		       m->brokers_up < m->brokers_total ? ROLE_CRIT : ROLE_OK,
		       "brokers %d/%d up", m->brokers_up, m->brokers_total);
	pane_line_sep(&l);
	for (i = 0; i < m->n_groups; i++) {
		if (!isnan(m->groups[i].total_lag)) {
			total += m->groups[i].total_lag;
		}
	}
	pane_line_addf(&l, ROLE_NORMAL, "groups %zu", m->n_groups);
	pane_line_sep(&l);
	pane_line_addf(&l, lag_role(total), "total lag %s",
		       pane_fmt_num(total, a, sizeof(a)));
}

static void
draw_group_spark(const struct kafka_group *g, const struct pane_ctx *c,
		 WINDOW *win, int y, int x, int w)
{
	struct pane_line l;
	char a[32];

	pane_line_init(&l, win, c->theme, y, x, w);
	pane_line_add(&l, ROLE_DIM, "lag ");
	pane_line_add(&l, ROLE_NORMAL, g->group);
	pane_line_addf(&l, rate_role(g->lag_per_s), " %s ",
		       (fmt_lag_rate(g->lag_per_s, a, sizeof(a)), a));
	if (l.end - l.x <= 0) {
		return;
	}
	if (g->lag_history.n == 0) {
		pane_line_add(&l, ROLE_DIM, "no history yet");
		return;
	}
	sparkline_draw_fit(win, y, l.x, l.end - l.x, g->lag_history.v,
			   g->lag_history.n, 0, NAN,
			   rate_role(g->lag_per_s) == ROLE_CRIT ? ROLE_CRIT :
			   ROLE_SPARK, c->theme);
}

static void
kafka_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	   int x, int h, int w)
{
	struct kafka_priv *kp = kafka_priv(p);
	struct table_model tm = { .ctx = kp };
	int line = 1, bottom = 0;

	p->hints = kafka_hints;
	kp->table_dy = -1;
	if (h <= 0 || w <= 0) {
		return;
	}
	kafka_refresh(p, c);
	if (kp->m == NULL) {
		pane_draw_message(win, y, x, h, w, c->theme, ROLE_DIM,
				  "no kafka data yet");
		return;
	}
	draw_summary(p, kp, c, win, y, x, w);
	tm.n_rows = kp->ix.n;
	if (p->sub == SUB_GROUPS) {
		if (kp->m->n_groups == 0) {
			if (h >= 2) {
				draw_text(win, y + 1, x, w,
					  "no consumer groups configured",
					  ROLE_DIM, c->theme);
			}
			return;
		}
		if (kp->ix.n > 0 && h >= 6) {
			bottom = 1;
		}
		tm.cols = grp_cols;
		tm.n_cols = (int)(sizeof(grp_cols) / sizeof(grp_cols[0]));
		tm.cell = group_cell;
	} else {
		struct pane_line l;
		char a[32];

		if (h < 2) {
			return;
		}
		pane_line_init(&l, win, c->theme, y + 1, x, w);
		if (kp->g == NULL) {
			pane_line_add(&l, ROLE_DIM, kp->group[0] ?
				      "the group is gone from this source: " :
				      "no group selected (v: back to groups)");
			pane_line_add(&l, ROLE_DIM, kp->group);
			return;
		}
		pane_line_add(&l, ROLE_DIM, "group ");
		pane_line_add(&l, ROLE_NORMAL, kp->g->group);
		pane_line_add(&l, ROLE_DIM, " topic ");
		pane_line_add(&l, ROLE_NORMAL, kp->g->topic);
		pane_line_sep(&l);
		pane_line_addf(&l, lag_role(kp->g->total_lag), "lag %s",
			       pane_fmt_num(kp->g->total_lag, a, sizeof(a)));
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_DIM, "%zu partitions",
			       kp->g->n_partitions);
		line = 2;
		tm.cols = part_cols;
		tm.n_cols = (int)(sizeof(part_cols) / sizeof(part_cols[0]));
		tm.cell = part_cell;
	}
	if (h - line - bottom < 2) {
		return;
	}
	kp->table_dy = line;
	table_draw(win, y + line, x, h - line - bottom, w, &tm, &p->view,
		   c->theme, c->focused);
	if (bottom && p->sub == SUB_GROUPS) {
		/* The table may have moved the selection into view. */
		const struct kafka_group *g = selected_group(p, kp);

		if (g != NULL) {
			draw_group_spark(g, c, win, y + h - 1, x, w);
		}
	}
}

/* ---- keys, clicks, targets, detail --------------------------------------- */

static bool
kafka_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct kafka_priv *kp = kafka_priv(p);

	switch (key) {
	case 'v':
		kafka_refresh(p, c);
		if (p->sub == SUB_GROUPS) {
			remember_group(kp, selected_group(p, kp));
		}
		pane_switch_sub(p, kp->saved, SUB_COUNT,
				(p->sub + 1) % SUB_COUNT);
		if (p->sub == SUB_PARTITIONS) {
			p->view.sel = 0;
			p->view.top = 0;
		}
		return true;
	case 's':
		pane_next_sort(p, sort_counts[p->sub % SUB_COUNT]);
		return true;
	default:
		kafka_refresh(p, c);
		return table_view_key(&p->view, key, kp->ix.n);
	}
}

static bool
kafka_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct kafka_priv *kp = kafka_priv(p);

	kafka_refresh(p, c);
	return pane_table_click(p, kp->table_dy, dy, kp->ix.n);
}

static void
group_detail(struct pane_buf *b, const struct kafka_group *g,
	     const char *bootstrap)
{
	char a[32], r[32];
	size_t i;

	pane_buf_addf(b, "consumer group %s\n\n", g->group);
	pane_buf_field(b, "group", g->group);
	pane_buf_field(b, "topic", g->topic);
	pane_buf_field(b, "bootstrap", bootstrap);
	pane_buf_field(b, "state", g->state);
	pane_buf_addf(b, "lag: %s\n", pane_fmt_num(g->total_lag, a, sizeof(a)));
	fmt_lag_rate(g->lag_per_s, r, sizeof(r));
	pane_buf_addf(b, "lag growth: %s\n", r);
	pane_buf_addf(b, "\n%9s %14s %14s %12s\n", "PARTITION", "COMMITTED",
		      "HIGH", "LAG");
	for (i = 0; i < g->n_partitions; i++) {
		const struct kafka_partition *pt = &g->partitions[i];
		char cm[32], hi[32], lg[32];

		if (isnan(pt->committed)) {
			snprintf(cm, sizeof(cm), "%s", pane_dash());
		} else {
			snprintf(cm, sizeof(cm), "%.0f", pt->committed);
		}
		if (isnan(pt->high)) {
			snprintf(hi, sizeof(hi), "%s", pane_dash());
		} else {
			snprintf(hi, sizeof(hi), "%.0f", pt->high);
		}
		if (isnan(pt->lag)) {
			snprintf(lg, sizeof(lg), "%s", pane_dash());
		} else {
			snprintf(lg, sizeof(lg), "%.0f", pt->lag);
		}
		pane_buf_addf(b, "%9d %14s %14s %12s\n", pt->partition, cm, hi,
			      lg);
	}
}

static char *
kafka_detail(struct pane *p, const struct pane_ctx *c)
{
	struct kafka_priv *kp = kafka_priv(p);
	const struct kafka_group *g;
	struct pane_buf b = { 0 };

	kafka_refresh(p, c);
	if ((g = selected_group(p, kp)) != NULL) {
		group_detail(&b, g, kp->m->bootstrap);
		return pane_buf_take(&b);
	}
	if (p->sub == SUB_PARTITIONS && kp->g != NULL) {
		group_detail(&b, kp->g, kp->m->bootstrap);
		return pane_buf_take(&b);
	}
	return NULL;
}

static void
kafka_free(struct pane *p)
{
	struct kafka_priv *kp = p->priv;

	if (kp == NULL) {
		return;
	}
	pane_cache_finish(&kp->cache);
	pane_index_finish(&kp->ix);
	free(kp);
	p->priv = NULL;
}

const struct pane_ops pane_kafka_ops = {
	.kind = SNAP_KAFKA,
	.band = 1,
	.draw = kafka_draw,
	.key = kafka_key,
	.click = kafka_click,
	.detail = kafka_detail,
	.free = kafka_free,
};
