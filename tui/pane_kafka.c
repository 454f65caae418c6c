/* The Kafka pane: brokers up, each consumer group's status with the rule
 * that fired, its state, members, lag in messages and in seconds, worst
 * partition and lag sparkline; and one group's partitions (committed, log
 * end, lag, lag in seconds, owner). The same pane for the brokers, the
 * metrics view and the demo; its words for numbers are in
 * tui/pane_kafka_text.c. UI thread only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kind.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "tui/pane_kafka_text.h"
#include "widgets/draw.h"
#include "widgets/sparkline.h"
#include "widgets/table.h"

enum { SUB_GROUPS, SUB_PARTITIONS, SUB_COUNT };

enum { GRP_SORT_LAG, GRP_SORT_TIME, GRP_SORT_STATUS, GRP_SORT_NAME,
       GRP_SORT_COUNT };

static const char *const grp_sort_names[GRP_SORT_COUNT] = {
	"lag", "lag time", "status", "name",
};

enum { PART_SORT_LAG, PART_SORT_TIME, PART_SORT_PARTITION, PART_SORT_COUNT };

static const char *const part_sort_names[PART_SORT_COUNT] = {
	"lag", "lag time", "partition",
};

static const int sort_counts[SUB_COUNT] = { GRP_SORT_COUNT, PART_SORT_COUNT };

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
	const struct kafka_group *g;    /* that group in m, or NULL */
	/* The largest lag in any group's history: every trend column is
	 * drawn on this one scale, so a small flat lag looks small. */
	double trend_hi;
	int table_dy;
};

/* The columns that may go, from the right, when the pane is narrow: the
 * trend (the selected group's is drawn under the table), rate, worst
 * partition, members, state. */
static const struct table_col grp_cols[] = {
	{ "STATUS", 6, 4, false, false },
	{ "GROUP", 24, 10, false, true },
	{ "LAG", 8, 5, true, false },
	{ "LAG TIME", 8, 5, true, false },
	{ "STATE", 8, 0, false, false },
	{ "MEMBERS", 7, 0, true, false },
	{ "WORST", 10, 0, false, false },
	{ "RATE", 9, 0, true, false },
	{ "TREND", TREND_COLS, 0, false, false },
};

static const struct table_col part_cols[] = {
	{ "PARTITION", 9, 4, true, false },
	{ "STATUS", 6, 4, false, false },
	{ "COMMITTED", 12, 6, true, false },
	{ "LOG END", 12, 6, true, false },
	{ "LAG", 10, 5, true, false },
	{ "LAG TIME", 8, 5, true, false },
	{ "OWNER", 20, 0, false, true },
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
	case GRP_SORT_TIME:
		r = pane_cmp_desc_nan(a->lag_s, b->lag_s);
		break;
	case GRP_SORT_STATUS:
		r = (int)b->status - (int)a->status;
		if (r == 0) {
			r = pane_cmp_desc_nan(a->lag_s, b->lag_s);
		}
		break;
	default:
		break;
	}
	return r != 0 ? r : strcmp(a->group, b->group);
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
	} else if (kp->cache.sort_col == PART_SORT_TIME) {
		r = pane_cmp_desc_nan(a->lag_s, b->lag_s);
	}
	if (r == 0) {
		r = strcmp(a->topic, b->topic);
	}
	return r != 0 ? r : a->partition - b->partition;
}

static const struct kafka_group *
find_group(const struct kafka_model *m, const char *group)
{
	size_t i;

	for (i = 0; m != NULL && i < m->n_groups; i++) {
		if (strcmp(m->groups[i].group, group) == 0) {
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

static const struct kafka_partition *
selected_part(const struct pane *p, const struct kafka_priv *kp)
{
	if (kp->g == NULL || p->sub != SUB_PARTITIONS ||
	    p->view.sel >= kp->ix.n) {
		return NULL;
	}
	return &kp->g->partitions[kp->ix.idx[p->view.sel]];
}

static void
remember_group(struct kafka_priv *kp, const struct kafka_group *g)
{
	if (g != NULL) {
		strlcpy_safe(kp->group, g->group, sizeof(kp->group));
	}
}

static void
index_groups(struct pane *p, struct kafka_priv *kp, bool had)
{
	const struct kafka_model *m = kp->m;
	size_t i;

	for (i = 0; i < m->n_groups; i++) {
		const struct kafka_group *g = &m->groups[i];

		if (pane_filter_any(p, g->group, g->topic, g->state,
				    kafka_status_name(g->status), NULL)) {
			pane_index_push(&kp->ix, i);
		}
	}
	pane_sort(kp->ix.idx, kp->ix.n, cmp_groups, kp, p->sort_desc);
	for (i = 0; had && i < kp->ix.n; i++) {
		if (strcmp(m->groups[kp->ix.idx[i]].group, kp->group) == 0) {
			p->view.sel = i;
			break;
		}
	}
}

static void
index_parts(struct pane *p, struct kafka_priv *kp)
{
	size_t i;

	for (i = 0; i < kp->g->n_partitions; i++) {
		const struct kafka_partition *pt = &kp->g->partitions[i];
		char part[300];

		pane_kafka_text_part(kp->g, pt, part, sizeof(part));
		if (pane_filter_any(p, part, pt->owner,
				    kafka_status_name(pt->status), NULL)) {
			pane_index_push(&kp->ix, i);
		}
	}
	pane_sort(kp->ix.idx, kp->ix.n, cmp_parts, kp, p->sort_desc);
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
	kp->g = find_group(m, kp->group);
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
		index_groups(p, kp, had);
	} else if (kp->g != NULL) {
		index_parts(p, kp);
	}
	table_view_clamp(&p->view, kp->ix.n);
}

/* ---- cells --------------------------------------------------------------- */

static void
fmt_status(enum kafka_status s, char *buf, size_t n, enum role *role)
{
	snprintf(buf, n, "%s", s == KAFKA_NONE ? pane_dash() :
		 kafka_status_name(s));
	*role = pane_kafka_text_status_role(s);
}

static void
group_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	   enum role *role)
{
	const struct kafka_priv *kp = ctx;
	const struct kafka_group *g = &kp->m->groups[kp->ix.idx[row]];

	switch (col) {
	case 0:
		fmt_status(g->status, buf, n, role);
		break;
	case 1:
		snprintf(buf, n, "%s", g->group);
		break;
	case 2:
		pane_fmt_num(g->total_lag, buf, (int)n);
		*role = pane_kafka_text_lag_role(g->total_lag);
		break;
	case 3:
		pane_kafka_text_lag_time(g->lag_s, g->lag_s_floor, buf, n);
		*role = isnan(g->lag_s) ? ROLE_DIM : ROLE_NORMAL;
		break;
	case 4:
		snprintf(buf, n, "%s", g->state[0] ? g->state :
			 pane_dash());
		*role = strcmp(g->state, "Stable") == 0 ? ROLE_OK :
			g->state[0] == '\0' ? ROLE_DIM : ROLE_WARN;
		break;
	case 5:
		if (g->members < 0) {
			snprintf(buf, n, "%s", pane_dash());
			*role = ROLE_DIM;
		} else {
			snprintf(buf, n, "%d", g->members);
		}
		break;
	case 6:
		if (g->worst >= 0 && (size_t)g->worst < g->n_partitions) {
			const struct kafka_partition *w =
				&g->partitions[g->worst];
			char name[300], lag[32];

			pane_kafka_text_part(g, w, name, sizeof(name));
			pane_fits(buf, n, "%s (%s)", name,
				  pane_fmt_num(w->lag, lag, sizeof(lag)));
		} else {
			snprintf(buf, n, "%s", pane_dash());
			*role = ROLE_DIM;
		}
		break;
	case 7:
		pane_kafka_text_rate(g->lag_per_s, buf, n);
		*role = pane_kafka_text_rate_role(g->lag_per_s);
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
		pane_kafka_text_part(kp->g, pt, buf, n);
		break;
	case 1:
		fmt_status(pt->status, buf, n, role);
		break;
	case 2:
		if (isnan(pt->committed)) {
			snprintf(buf, n, "no commit");
			*role = ROLE_DIM;
		} else {
			pane_kafka_text_offset(pt->committed, buf, n);
		}
		break;
	case 3:
		pane_kafka_text_offset(pt->high, buf, n);
		break;
	case 4:
		pane_kafka_text_offset(pt->lag, buf, n);
		*role = pane_kafka_text_lag_role(pt->lag);
		break;
	case 5:
		pane_kafka_text_lag_time(pt->lag_s, pt->lag_s_floor, buf, n);
		*role = isnan(pt->lag_s) ? ROLE_DIM : ROLE_NORMAL;
		break;
	default:
		snprintf(buf, n, "%s", pt->owner[0] ? pt->owner :
			 pane_dash());
		*role = pt->owner[0] ? ROLE_NORMAL : ROLE_DIM;
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
	if (m->brokers_total > 0) {
		pane_line_addf(&l, m->brokers_up < m->brokers_total ?
			       ROLE_CRIT : ROLE_OK, "brokers %d/%d up",
			       m->brokers_up, m->brokers_total);
	} else {
		pane_line_addf(&l, ROLE_DIM, "brokers %s", pane_dash());
	}
	if (m->under_replicated > 0) {
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_WARN, "%d under-replicated",
			       m->under_replicated);
	}
	pane_line_sep(&l);
	for (i = 0; i < m->n_groups; i++) {
		if (!isnan(m->groups[i].total_lag)) {
			total += m->groups[i].total_lag;
		}
	}
	pane_line_addf(&l, ROLE_NORMAL, "groups %zu", m->n_groups);
	pane_line_sep(&l);
	pane_line_addf(&l, pane_kafka_text_lag_role(total), "total lag %s",
		       pane_fmt_num(total, a, sizeof(a)));
}

/* The note above the groups: the metrics view, or what could not be read.
 * Returns the lines used (0 or 1). */
static int
draw_notice(const struct kafka_model *m, const struct pane_ctx *c,
	    WINDOW *win, int y, int x, int w)
{
	if (m->notice[0] == '\0') {
		return 0;
	}
	draw_text(win, y, x, w, m->notice, m->metrics_view ? ROLE_WARN :
		  ROLE_DIM, c->theme);
	return 1;
}

/* The rule that fired for g (or what could not be read of it). */
static void
draw_reason(const struct kafka_group *g, const struct pane_ctx *c,
	    WINDOW *win, int y, int x, int w)
{
	if (g->error[0] != '\0') {
		draw_text(win, y, x, w, g->error, ROLE_CRIT, c->theme);
	} else {
		draw_text(win, y, x, w, g->reason,
			  pane_kafka_text_status_role(g->status), c->theme);
	}
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
	pane_line_addf(&l, pane_kafka_text_rate_role(g->lag_per_s), " %s ",
		       (pane_kafka_text_rate(g->lag_per_s, a, sizeof(a)), a));
	if (l.end - l.x <= 0) {
		return;
	}
	if (g->lag_history.n == 0) {
		pane_line_add(&l, ROLE_DIM, "no history yet");
		return;
	}
	sparkline_draw_fit(win, y, l.x, l.end - l.x, g->lag_history.v,
			   g->lag_history.n, 0, NAN,
			   pane_kafka_text_rate_role(g->lag_per_s) ==
			   ROLE_CRIT ? ROLE_CRIT : ROLE_SPARK, c->theme);
}

/* The partitions view's heading: the group, then its rule. Returns the
 * lines used. */
static int
draw_group_head(const struct kafka_priv *kp, const struct pane_ctx *c,
		WINDOW *win, int y, int x, int h, int w)
{
	const struct kafka_group *g = kp->g;
	struct pane_line l;
	char a[32];

	pane_line_init(&l, win, c->theme, y, x, w);
	if (g == NULL) {
		pane_line_add(&l, ROLE_DIM, kp->group[0] ?
			      "the group is gone from this source: " :
			      "no group selected (v: back to groups)");
		pane_line_add(&l, ROLE_DIM, kp->group);
		return 1;
	}
	pane_line_add(&l, ROLE_DIM, "group ");
	pane_line_add(&l, ROLE_NORMAL, g->group);
	pane_line_add(&l, ROLE_DIM, " topic ");
	pane_line_add(&l, ROLE_NORMAL, g->topic);
	pane_line_sep(&l);
	pane_line_add(&l, ROLE_NORMAL, g->state[0] ? g->state :
		      pane_dash());
	if (g->members >= 0) {
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_NORMAL, "%d member%s", g->members,
			       g->members == 1 ? "" : "s");
	}
	pane_line_sep(&l);
	pane_line_addf(&l, pane_kafka_text_lag_role(g->total_lag), "lag %s",
		       pane_fmt_num(g->total_lag, a, sizeof(a)));
	if (h < 2) {
		return 1;
	}
	draw_reason(g, c, win, y + 1, x, w);
	return 2;
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
	if (h >= 6) {
		line += draw_notice(kp->m, c, win, y + line, x, w);
	}
	tm.n_rows = kp->ix.n;
	if (p->sub == SUB_GROUPS) {
		if (kp->m->n_groups == 0) {
			if (h > line) {
				draw_text(win, y + line, x, w,
					  "no consumer groups", ROLE_DIM,
					  c->theme);
			}
			return;
		}
		/* The selected group's rule, and its sparkline with room. */
		bottom = kp->ix.n == 0 || h - line < 4 ? 0 :
			 h - line >= 8 ? 2 : 1;
		tm.cols = grp_cols;
		tm.n_cols = (int)(sizeof(grp_cols) / sizeof(grp_cols[0]));
		tm.cell = group_cell;
	} else {
		if (h <= line) {
			return;
		}
		line += draw_group_head(kp, c, win, y + line, x, h - line, w);
		if (kp->g == NULL) {
			return;
		}
		bottom = kp->ix.n > 0 && h - line >= 5 ? 1 : 0;
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
	/* The table may have moved the selection into view. */
	if (bottom > 0 && p->sub == SUB_GROUPS) {
		const struct kafka_group *g = selected_group(p, kp);

		if (g != NULL) {
			draw_reason(g, c, win, y + h - bottom, x, w);
		}
		if (g != NULL && bottom > 1) {
			draw_group_spark(g, c, win, y + h - 1, x, w);
		}
	} else if (bottom > 0) {
		const struct kafka_partition *pt = selected_part(p, kp);

		if (pt != NULL) {
			draw_text(win, y + h - 1, x, w, pt->reason,
				  pane_kafka_text_status_role(pt->status),
				  c->theme);
		}
	}
}

/* ---- keys, clicks, detail ------------------------------------------------ */

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

static char *
kafka_detail(struct pane *p, const struct pane_ctx *c)
{
	struct kafka_priv *kp = kafka_priv(p);
	const struct kafka_group *g;
	struct pane_buf b = { 0 };

	kafka_refresh(p, c);
	if ((g = selected_group(p, kp)) == NULL && p->sub == SUB_PARTITIONS) {
		g = kp->g;
	}
	if (g == NULL) {
		return NULL;
	}
	pane_kafka_text_detail(&b, kp->m, g);
	return pane_buf_take(&b);
}

/* "group:GROUP", and the kind's own "kafka:STATUS:GROUP" and
 * "kafka-lag:GROUP/TOPIC": the group's row in the groups view. */
static bool
kafka_select(struct pane *p, const struct pane_ctx *c, const char *row)
{
	struct kafka_priv *kp = kafka_priv(p);
	char group[256];
	const char *topic = NULL, *rest, *colon;

	if ((rest = pane_after(row, "group:")) != NULL) {
		strlcpy_safe(group, rest, sizeof(group));
	} else if ((rest = pane_after(row, "kafka:")) != NULL &&
		   (colon = strchr(rest, ':')) != NULL) {
		strlcpy_safe(group, colon + 1, sizeof(group));
	} else if ((rest = pane_after(row, "kafka-lag:")) != NULL &&
		   (topic = strrchr(rest, '/')) != NULL &&
		   (size_t)(topic - rest) < sizeof(group)) {
		memcpy(group, rest, (size_t)(topic - rest));
		group[topic - rest] = '\0';
		topic++;
	} else {
		return false;
	}
	if (p->sub != SUB_GROUPS) {
		pane_switch_sub(p, kp->saved, SUB_COUNT, SUB_GROUPS);
	}
	kafka_refresh(p, c);
	for (size_t i = 0; kp->m != NULL && i < kp->ix.n; i++) {
		const struct kafka_group *g = &kp->m->groups[kp->ix.idx[i]];

		if (strcmp(g->group, group) == 0 &&
		    (topic == NULL || strcmp(g->topic, topic) == 0)) {
			p->view.sel = i;
			remember_group(kp, g);
			return true;
		}
	}
	return false;
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
	.select = kafka_select,
	.free = kafka_free,
};
