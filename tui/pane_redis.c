/* The Redis pane: INFO memory and stats (used against maxmemory,
 * evictions, hit ratio), the slow log and the client list of one Redis
 * source. UI thread only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "widgets/draw.h"
#include "widgets/gauge.h"
#include "widgets/sparkline.h"
#include "widgets/table.h"

enum { SUB_OVERVIEW, SUB_CLIENTS, SUB_COUNT };

enum { SLOW_SORT_DURATION, SLOW_SORT_NEWEST, SLOW_SORT_COUNT };

static const char *const slow_sort_names[SLOW_SORT_COUNT] = {
	"duration", "newest",
};

enum { CLI_SORT_IDLE, CLI_SORT_AGE, CLI_SORT_ADDR, CLI_SORT_COUNT };

static const char *const cli_sort_names[CLI_SORT_COUNT] = {
	"idle", "age", "addr",
};

static const int sort_counts[SUB_COUNT] = { SLOW_SORT_COUNT, CLI_SORT_COUNT };

/* The overview lists this many slow log entries. */
#define SLOWLOG_TOP 10

struct redis_priv {
	struct pane_cache cache;
	struct pane_subview saved[SUB_COUNT];
	const struct redis_model *m;    /* of cache.held */
	struct pane_index ix;   /* slow log top or clients */
	size_t n_match;         /* rows that matched before the top cut */
	int64_t now_wall_ms;
	int table_dy;
};

static const struct table_col slow_cols[] = {
	{ "ID", 7, 0, true, false },
	{ "AGE", 6, 4, true, false },
	{ "DURATION", 9, 6, true, false },
	{ "COMMAND", 40, 10, false, true },
	{ "CLIENT", 21, 0, false, false },
};

static const struct table_col cli_cols[] = {
	{ "ID", 7, 3, true, false },
	{ "ADDR", 21, 10, false, false },
	{ "NAME", 16, 0, false, false },
	{ "AGE", 7, 0, true, false },
	{ "IDLE", 7, 4, true, false },
	{ "CMD", 12, 4, false, true },
};

static const char redis_hints[] = "v view";

static struct redis_priv *
redis_priv(struct pane *p)
{
	if (p->priv == NULL) {
		struct redis_priv *rp = xcalloc(1, sizeof(*rp));

		rp->table_dy = -1;
		p->priv = rp;
	}
	return p->priv;
}

/* ---- the index ----------------------------------------------------------- */

static int
cmp_slow(const void *ctx, size_t ia, size_t ib)
{
	const struct redis_priv *rp = ctx;
	const struct redis_slowlog *a = &rp->m->slowlog[ia];
	const struct redis_slowlog *b = &rp->m->slowlog[ib];
	int r = 0;

	if (rp->cache.sort_col == SLOW_SORT_DURATION) {
		r = pane_cmp_desc_nan(a->duration_us, b->duration_us);
	}
	if (r == 0) {
		r = a->id > b->id ? -1 : a->id < b->id;
	}
	return r;
}

static int
cmp_clients(const void *ctx, size_t ia, size_t ib)
{
	const struct redis_priv *rp = ctx;
	const struct redis_client *a = &rp->m->client_list[ia];
	const struct redis_client *b = &rp->m->client_list[ib];
	int r = 0;

	switch (rp->cache.sort_col) {
	case CLI_SORT_IDLE:
		r = pane_cmp_desc_nan(a->idle_s, b->idle_s);
		break;
	case CLI_SORT_AGE:
		r = pane_cmp_desc_nan(a->age_s, b->age_s);
		break;
	default:
		r = strcmp(a->addr, b->addr);
		break;
	}
	if (r == 0) {
		r = a->id < b->id ? -1 : a->id > b->id;
	}
	return r;
}

static void
redis_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct redis_priv *rp = redis_priv(p);
	const struct snapshot *data = c->data;
	const struct redis_model *m = data ? snapshot_redis(data) : NULL;
	int64_t was_id = 0;
	bool had = false;
	size_t i;

	if (m == NULL) {
		data = NULL;
	}
	if (rp->cache.valid && rp->cache.sub == p->sub && rp->m != NULL &&
	    p->sub == SUB_CLIENTS && p->view.sel < rp->ix.n) {
		had = true;
		was_id = rp->m->client_list[rp->ix.idx[p->view.sel]].id;
	}
	if (!pane_cache_update(&rp->cache, p, data)) {
		return;
	}
	rp->m = m;
	pane_index_clear(&rp->ix);
	if (m == NULL) {
		rp->n_match = 0;
		table_view_clamp(&p->view, 0);
		return;
	}
	if (p->sub == SUB_OVERVIEW) {
		for (i = 0; i < m->n_slowlog; i++) {
			const struct redis_slowlog *e = &m->slowlog[i];

			if (pane_filter_any(p, e->command, e->client, NULL)) {
				pane_index_push(&rp->ix, i);
			}
		}
		pane_sort(rp->ix.idx, rp->ix.n, cmp_slow, rp, p->sort_desc);
		rp->n_match = rp->ix.n;
		if (rp->ix.n > SLOWLOG_TOP) {
			rp->ix.n = SLOWLOG_TOP;
		}
	} else {
		for (i = 0; i < m->n_client_list; i++) {
			const struct redis_client *cl = &m->client_list[i];
			char id[24];

			snprintf(id, sizeof(id), "%lld", (long long)cl->id);
			if (pane_filter_any(p, cl->addr, cl->name, cl->cmd, id,
					    NULL)) {
				pane_index_push(&rp->ix, i);
			}
		}
		pane_sort(rp->ix.idx, rp->ix.n, cmp_clients, rp, p->sort_desc);
		rp->n_match = rp->ix.n;
		for (i = 0; had && i < rp->ix.n; i++) {
			if (m->client_list[rp->ix.idx[i]].id == was_id) {
				p->view.sel = i;
				break;
			}
		}
	}
	table_view_clamp(&p->view, rp->ix.n);
}

/* ---- cells --------------------------------------------------------------- */

static void
slow_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	  enum role *role)
{
	const struct redis_priv *rp = ctx;
	const struct redis_slowlog *e = &rp->m->slowlog[rp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%lld", (long long)e->id);
		*role = ROLE_DIM;
		break;
	case 1:
		pane_fmt_age(rp->now_wall_ms, e->at_ms, buf, (int)n);
		*role = ROLE_DIM;
		break;
	case 2:
		fmt_seconds(isnan(e->duration_us) ? NAN : e->duration_us / 1e6,
			    buf, (int)n);
		*role = isnan(e->duration_us) ? ROLE_DIM :
			e->duration_us > 1e6 ? ROLE_CRIT :
			e->duration_us > 1e5 ? ROLE_WARN : ROLE_NORMAL;
		break;
	case 3:
		pane_oneline(buf, n, e->command);
		break;
	default:
		snprintf(buf, n, "%s", e->client);
		*role = ROLE_DIM;
		break;
	}
}

static void
client_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	    enum role *role)
{
	const struct redis_priv *rp = ctx;
	const struct redis_client *cl = &rp->m->client_list[rp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%lld", (long long)cl->id);
		*role = ROLE_DIM;
		break;
	case 1:
		snprintf(buf, n, "%s", cl->addr);
		break;
	case 2:
		snprintf(buf, n, "%s", cl->name);
		break;
	case 3:
		pane_fmt_dur_s(cl->age_s, buf, (int)n);
		*role = ROLE_DIM;
		break;
	case 4:
		pane_fmt_dur_s(cl->idle_s, buf, (int)n);
		*role = !isnan(cl->idle_s) && cl->idle_s > 300 ? ROLE_WARN :
			ROLE_NORMAL;
		break;
	default:
		snprintf(buf, n, "%s", cl->cmd);
		break;
	}
}

/* ---- drawing ------------------------------------------------------------- */

static void
draw_mem_line(const struct redis_model *m, const struct pane_ctx *c,
	      WINDOW *win, int y, int x, int w)
{
	struct pane_line l;
	char a[32], b[32], label[80];

	pane_line_init(&l, win, c->theme, y, x, w);
	pane_line_add(&l, ROLE_DIM, "mem ");
	if (!isnan(m->max_bytes) && m->max_bytes <= 0) {
		pane_line_add(&l, ROLE_NORMAL,
			      fmt_bytes(m->used_bytes, a, sizeof(a)));
		pane_line_add(&l, ROLE_DIM, " (no limit)");
	} else {
		int gw = l.end - l.x;
		double frac = !isnan(m->used_bytes) && !isnan(m->max_bytes) ?
			      m->used_bytes / m->max_bytes : NAN;

		snprintf(label, sizeof(label), "%s/%s",
			 fmt_bytes(m->used_bytes, a, sizeof(a)),
			 fmt_bytes(m->max_bytes, b, sizeof(b)));
		if (gw > 36) {
			gw = w >= 90 ? 36 : 28;
		}
		if (gw > 0) {
			gauge_draw(win, y, l.x, gw, m->used_bytes, m->max_bytes,
				   label, pane_frac_role(frac), c->theme);
			l.x += gw;
		}
	}
	pane_line_addf(&l, ROLE_NORMAL, "  rss %s",
		       fmt_bytes(m->rss_bytes, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_NORMAL, "peak %s",
		       fmt_bytes(m->peak_bytes, a, sizeof(a)));
	pane_line_sep(&l);
	if (isnan(m->frag_ratio)) {
		pane_line_addf(&l, ROLE_DIM, "frag %s", pane_dash());
	} else {
		pane_line_addf(&l, m->frag_ratio > 1.5 || m->frag_ratio < 1.0 ?
			       ROLE_WARN : ROLE_NORMAL, "frag %.2f",
			       m->frag_ratio);
	}
	pane_line_sep(&l);
	pane_line_add(&l, ROLE_DIM, m->policy[0] ? m->policy : pane_dash());
}

static void
draw_rates_line(const struct redis_model *m, const struct pane_ctx *c,
		WINDOW *win, int y, int x, int w)
{
	struct pane_line l;
	char a[32];

	pane_line_init(&l, win, c->theme, y, x, w);
	pane_line_addf(&l, isnan(m->evicted_per_s) ? ROLE_DIM :
		       m->evicted_per_s > 0 ? ROLE_CRIT : ROLE_OK,
		       "evicted %s", fmt_rate(m->evicted_per_s, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_NORMAL, "expired %s",
		       fmt_rate(m->expired_per_s, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, isnan(m->hit_ratio) ? ROLE_DIM :
		       m->hit_ratio < 0.5 ? ROLE_CRIT :
		       m->hit_ratio < 0.8 ? ROLE_WARN : ROLE_OK,
		       "hit %s", fmt_ratio_pct(m->hit_ratio, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_NORMAL, "ops %s",
		       fmt_rate(m->ops_per_s, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_NORMAL, "keys %s",
		       pane_fmt_num(m->keys, a, sizeof(a)));
}

static void
draw_clients_line(const struct redis_model *m, const struct pane_ctx *c,
		  WINDOW *win, int y, int x, int w)
{
	struct pane_line l;
	char a[32];
	double worst = NAN;
	size_t i;

	pane_line_init(&l, win, c->theme, y, x, w);
	if (m->version[0] != '\0') {
		char v[80];

		snprintf(v, sizeof(v), "redis %s", m->version);
		pane_line_right(&l, ROLE_DIM, v, 60);
	}
	pane_line_addf(&l, ROLE_NORMAL, "clients %s",
		       pane_fmt_num(m->clients, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, !isnan(m->blocked_clients) &&
		       m->blocked_clients > 0 ? ROLE_WARN : ROLE_NORMAL,
		       "blocked %s",
		       pane_fmt_num(m->blocked_clients, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, !isnan(m->rejected_per_s) &&
		       m->rejected_per_s > 0 ? ROLE_CRIT : ROLE_NORMAL,
		       "rejected %s", fmt_rate(m->rejected_per_s, a,
					       sizeof(a)));
	pane_line_sep(&l);
	pane_line_add(&l, ROLE_NORMAL, m->role[0] ? m->role : pane_dash());
	if (m->n_replicas > 0) {
		for (i = 0; i < m->n_replicas; i++) {
			double lag = m->replicas[i].offset_lag;

			if (!isnan(lag) && (isnan(worst) || lag > worst)) {
				worst = lag;
			}
		}
		pane_line_sep(&l);
		pane_line_addf(&l, !isnan(worst) && worst > 1024 * 1024 ?
			       ROLE_WARN : ROLE_NORMAL,
			       "replicas %zu (lag %s)", m->n_replicas,
			       fmt_bytes(worst, a, sizeof(a)));
	}
	pane_line_sep(&l);
	if (isnan(m->ping_ms)) {
		pane_line_addf(&l, ROLE_DIM, "ping %s", pane_dash());
	} else {
		pane_line_addf(&l, m->ping_ms > 100 ? ROLE_CRIT :
			       m->ping_ms > 10 ? ROLE_WARN : ROLE_NORMAL,
			       "ping %.1f ms", m->ping_ms);
	}
}

static void
draw_spark_line(const struct redis_model *m, const struct pane_ctx *c,
		WINDOW *win, int y, int x, int w)
{
	int lw = draw_text(win, y, x, w, "mem ", ROLE_DIM, c->theme);

	if (w - lw <= 0) {
		return;
	}
	if (m->mem_history.n == 0) {
		draw_text(win, y, x + lw, w - lw, "no history yet", ROLE_DIM,
			  c->theme);
		return;
	}
	/* From zero, so a flat line near the limit does not look empty;
	 * the whole history, resampled when the pane is narrower. */
	sparkline_draw_fit(win, y, x + lw, w - lw, m->mem_history.v,
			   m->mem_history.n, 0,
			   !isnan(m->max_bytes) && m->max_bytes > 0 ?
			   m->max_bytes : NAN, ROLE_SPARK, c->theme);
}

static void
redis_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	   int x, int h, int w)
{
	struct redis_priv *rp = redis_priv(p);
	const struct redis_model *m;
	struct table_model tm = { .ctx = rp };
	struct pane_line l;
	int line = 0;

	p->hints = redis_hints;
	p->targets = PANE_TARGET(TARGET_REDIS_CLIENT);
	rp->table_dy = -1;
	if (h <= 0 || w <= 0) {
		return;
	}
	redis_refresh(p, c);
	rp->now_wall_ms = c->now_wall_ms;
	if ((m = rp->m) == NULL) {
		pane_draw_message(win, y, x, h, w, c->theme, ROLE_DIM,
				  "no redis data yet");
		return;
	}
	tm.n_rows = rp->ix.n;
	/* What could not be read (a command an ACL denies), at the bottom. */
	if (m->notice != NULL && m->notice[0] != '\0' && h >= 8) {
		draw_text(win, y + h - 1, x, w, m->notice, ROLE_DIM, c->theme);
		h--;
	}
	if (p->sub == SUB_OVERVIEW) {
		draw_mem_line(m, c, win, y, x, w);
		line = 1;
		if (h >= 2) {
			draw_rates_line(m, c, win, y + 1, x, w);
			line = 2;
		}
		if (h <= 4 || h >= 9) {
			if (h >= 3) {
				draw_clients_line(m, c, win, y + 2, x, w);
				line = 3;
			}
			if (h >= 4) {
				draw_spark_line(m, c, win, y + 3, x, w);
				line = 4;
			}
		} else {
			draw_spark_line(m, c, win, y + 2, x, w);
			line = 3;
		}
		if (h - line < 2) {
			return;
		}
		if (h - line >= 4) {
			pane_line_init(&l, win, c->theme, y + line, x, w);
			if (p->filter[0] != '\0') {
				pane_line_filter(&l, p, rp->n_match,
						 m->n_slowlog, 20);
			}
			pane_line_add(&l, ROLE_COLUMN, "SLOW LOG ");
			pane_line_addf(&l, ROLE_DIM, "top %d by %s%s",
				       SLOWLOG_TOP,
				       slow_sort_names[p->sort_col %
						       SLOW_SORT_COUNT],
				       p->sort_desc ? " (rev)" : "");
			line++;
		}
		if (m->slowlog_error != NULL && m->slowlog_error[0] != '\0') {
			/* Not read: never "empty". */
			draw_text(win, y + line, x, w, m->slowlog_error,
				  ROLE_WARN, c->theme);
			return;
		}
		if (m->n_slowlog == 0) {
			draw_text(win, y + line, x, w, "slow log is empty",
				  ROLE_DIM, c->theme);
			return;
		}
		tm.cols = slow_cols;
		tm.n_cols = (int)(sizeof(slow_cols) / sizeof(slow_cols[0]));
		tm.cell = slow_cell;
	} else {
		char right[64];

		pane_line_init(&l, win, c->theme, y, x, w);
		snprintf(right, sizeof(right), "clients  sort %s%s",
			 cli_sort_names[p->sort_col % CLI_SORT_COUNT],
			 p->sort_desc ? " (rev)" : "");
		if (p->filter[0] != '\0' && h < 4) {
			pane_line_filter(&l, p, rp->ix.n, m->n_client_list,
					 12);
		} else {
			pane_line_right(&l, ROLE_DIM, right, 40);
		}
		pane_line_addf(&l, ROLE_NORMAL, "clients %zu",
			       m->n_client_list);
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_DIM, "connected %s",
			       pane_fmt_num(m->clients, right, sizeof(right)));
		line = 1;
		if (p->filter[0] != '\0' && h >= 4) {
			pane_draw_filter(win, y + line, x, w, c->theme, p,
					 rp->ix.n, m->n_client_list);
			line++;
		}
		if (h - line < 2) {
			return;
		}
		tm.cols = cli_cols;
		tm.n_cols = (int)(sizeof(cli_cols) / sizeof(cli_cols[0]));
		tm.cell = client_cell;
	}
	rp->table_dy = line;
	table_draw(win, y + line, x, h - line, w, &tm, &p->view, c->theme,
		   c->focused);
}

/* ---- keys, clicks, targets, detail --------------------------------------- */

static bool
redis_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct redis_priv *rp = redis_priv(p);

	if (pane_sub_sort_key(p, rp->saved, SUB_COUNT,
			      sort_counts[p->sub % SUB_COUNT], key)) {
		return true;
	}
	redis_refresh(p, c);
	return table_view_key(&p->view, key, rp->ix.n);
}

static bool
redis_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct redis_priv *rp = redis_priv(p);

	redis_refresh(p, c);
	return pane_table_click(p, rp->table_dy, dy, rp->ix.n);
}

static const struct redis_client *
selected_client(const struct pane *p, const struct redis_priv *rp)
{
	if (rp->m == NULL || p->sub != SUB_CLIENTS || p->view.sel >= rp->ix.n) {
		return NULL;
	}
	return &rp->m->client_list[rp->ix.idx[p->view.sel]];
}

/* The selected client; the other actions (keys by pattern, FLUSHDB,
 * SLOWLOG RESET) act on the whole instance and need no row. */
static bool
redis_target(struct pane *p, const struct pane_ctx *c, enum target_type type,
	     struct action_target *t)
{
	struct redis_priv *rp = redis_priv(p);
	const struct redis_client *cl;

	redis_refresh(p, c);
	if (type != TARGET_REDIS_CLIENT ||
	    (cl = selected_client(p, rp)) == NULL) {
		return false;
	}
	t->u.client.id = cl->id;
	if (!pane_fits(t->u.client.addr, sizeof(t->u.client.addr), "%s",
		       cl->addr)) {
		return false;
	}
	if (cl->name[0] == '\0' ||
	    !pane_fits(t->label, sizeof(t->label),
		       "client id=%lld addr=%s (%s)", (long long)cl->id,
		       cl->addr, cl->name)) {
		snprintf(t->label, sizeof(t->label), "client id=%lld addr=%s",
			 (long long)cl->id, cl->addr);
	}
	return true;
}

static char *
redis_detail(struct pane *p, const struct pane_ctx *c)
{
	struct redis_priv *rp = redis_priv(p);
	const struct redis_client *cl;
	struct pane_buf b = { 0 };
	char t1[64], t2[64];

	redis_refresh(p, c);
	if (rp->m == NULL) {
		return NULL;
	}
	if ((cl = selected_client(p, rp)) != NULL) {
		pane_buf_addf(&b, "client id=%lld\n\n", (long long)cl->id);
		pane_buf_addf(&b, "id: %lld\n", (long long)cl->id);
		pane_buf_field(&b, "addr", cl->addr);
		pane_buf_field(&b, "name", cl->name);
		pane_buf_addf(&b, "age: %s\n",
			      pane_fmt_dur_s(cl->age_s, t1, sizeof(t1)));
		pane_buf_addf(&b, "idle: %s\n",
			      pane_fmt_dur_s(cl->idle_s, t1, sizeof(t1)));
		pane_buf_field(&b, "last command", cl->cmd);
		return pane_buf_take(&b);
	}
	if (p->sub == SUB_OVERVIEW && p->view.sel < rp->ix.n) {
		const struct redis_slowlog *e =
			&rp->m->slowlog[rp->ix.idx[p->view.sel]];

		pane_buf_addf(&b, "slow log entry %lld\n\n", (long long)e->id);
		pane_buf_addf(&b, "id: %lld\n", (long long)e->id);
		pane_buf_addf(&b, "time: %s (%s ago)\n",
			      clock_format_utc(e->at_ms, 0, t1, sizeof(t1)),
			      pane_fmt_age(c->now_wall_ms, e->at_ms, t2,
					   sizeof(t2)));
		pane_buf_addf(&b, "duration: %s\n",
			      fmt_seconds(isnan(e->duration_us) ? NAN :
					  e->duration_us / 1e6, t1,
					  sizeof(t1)));
		pane_buf_field(&b, "client", e->client);
		pane_buf_addf(&b, "\ncommand:\n%s\n", e->command);
		return pane_buf_take(&b);
	}
	return NULL;
}

static void
redis_free(struct pane *p)
{
	struct redis_priv *rp = p->priv;

	if (rp == NULL) {
		return;
	}
	pane_cache_finish(&rp->cache);
	pane_index_finish(&rp->ix);
	free(rp);
	p->priv = NULL;
}

const struct pane_ops pane_redis_ops = {
	.kind = SNAP_REDIS,
	.band = 1,
	.draw = redis_draw,
	.key = redis_key,
	.click = redis_click,
	.target = redis_target,
	.detail = redis_detail,
	.free = redis_free,
};
