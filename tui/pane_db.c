/* The Database pane: connections against max_connections, the lock tree
 * (who blocks whom, the blocking-locks query of the runbooks drawn as a
 * tree), long-running queries, every session, replication and
 * pg_stat_statements, for one PostgreSQL source. The lock tree lives in
 * tui/pane_db_locks.c, the tables in tui/pane_db_views.c. UI thread only. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "tui/pane_db_locks.h"
#include "tui/pane_db_views.h"
#include "widgets/draw.h"
#include "widgets/gauge.h"
#include "widgets/table.h"

static const char db_hints[] = "v view  s sort";

/* ---- helpers ------------------------------------------------------------- */

static struct db_priv *
db_priv(struct pane *p)
{
	if (p->priv == NULL) {
		struct db_priv *dp = xcalloc(1, sizeof(*dp));

		dp->tree_dy = dp->table_dy = -1;
		p->priv = dp;
	}
	return p->priv;
}

/* ---- the index ----------------------------------------------------------- */

static bool
session_matches(const struct pane *p, const struct pg_session *s)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", s->pid);
	return pane_filter_any(p, s->user, s->db, s->query, s->state, pid,
			       s->client, s->app, s->wait_event, NULL);
}

static size_t
db_n_selectable(const struct pane *p, const struct db_priv *dp)
{
	return p->sub == SUB_OVERVIEW ? dp->tree.n_sel + dp->ix.n :
	       dp->ix.n;
}

/* The session under the selection, or NULL (a replica, a statement). */
static const struct pg_session *
selected_session(const struct pane *p, const struct db_priv *dp)
{
	size_t sel = p->view.sel;

	if (dp->m == NULL) {
		return NULL;
	}
	if (p->sub == SUB_OVERVIEW) {
		if (sel < dp->tree.n_sel) {
			size_t li = dp->tree.sel[sel];

			return &dp->m->sessions[dp->tree.lines[li].sess];
		}
		sel -= dp->tree.n_sel;
	} else if (p->sub != SUB_SESSIONS) {
		return NULL;
	}
	return sel < dp->ix.n ? &dp->m->sessions[dp->ix.idx[sel]] : NULL;
}

/* Finds the session (pid, start) among the selectable rows. */
static bool
reselect(struct pane *p, struct db_priv *dp, int pid, int64_t start)
{
	size_t i;

	if (p->sub == SUB_OVERVIEW) {
		for (i = 0; i < dp->tree.n_sel; i++) {
			const struct locktree_line *tl =
				&dp->tree.lines[dp->tree.sel[i]];
			const struct pg_session *s = &dp->m->sessions[tl->sess];

			if (s->pid == pid && s->backend_start_us == start) {
				p->view.sel = i;
				return true;
			}
		}
	}
	if (p->sub != SUB_OVERVIEW && p->sub != SUB_SESSIONS) {
		return false;
	}
	for (i = 0; i < dp->ix.n; i++) {
		const struct pg_session *s = &dp->m->sessions[dp->ix.idx[i]];

		if (s->pid == pid && s->backend_start_us == start) {
			p->view.sel = i + (p->sub == SUB_OVERVIEW ?
					   dp->tree.n_sel : 0);
			return true;
		}
	}
	return false;
}

static void
db_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct db_priv *dp = db_priv(p);
	const struct snapshot *data = c->data;
	const struct pg_model *m = data ? snapshot_pg(data) : NULL;
	const struct pg_session *was;
	bool new_data, had = false;
	int pid = 0;
	int64_t start = 0;
	size_t i, n;

	if (m == NULL) {
		data = NULL;
	}
	/* Keep the same session selected across snapshots and re-sorts
	 * (not across a sub-view switch: the view there is its own). */
	was = dp->cache.valid && dp->cache.sub == p->sub ?
	      selected_session(p, dp) : NULL;
	if (was != NULL) {
		had = true;
		pid = was->pid;
		start = was->backend_start_us;
	}
	new_data = dp->cache.held != data || !dp->cache.valid;
	if (!pane_cache_update(&dp->cache, p, data)) {
		return;
	}
	dp->m = m;
	if (new_data) {
		if (m != NULL) {
			locktree_build(&dp->tree, m);
		} else {
			locktree_clear(&dp->tree);
		}
	}
	pane_index_clear(&dp->ix);
	n = m == NULL ? 0 :
	    p->sub == SUB_OVERVIEW || p->sub == SUB_SESSIONS ? m->n_sessions :
	    p->sub == SUB_REPLICATION ? m->n_replicas : m->n_statements;
	for (i = 0; i < n; i++) {
		bool hit;

		if (p->sub == SUB_OVERVIEW) {
			hit = pane_db_views_is_overview_long(dp, i) &&
			      session_matches(p, &m->sessions[i]);
		} else if (p->sub == SUB_SESSIONS) {
			hit = session_matches(p, &m->sessions[i]);
		} else if (p->sub == SUB_REPLICATION) {
			const struct pg_replica *r = &m->replicas[i];

			hit = pane_filter_any(p, r->name, r->client, r->state,
					      NULL);
		} else {
			hit = pane_filter_any(p, m->statements[i].query, NULL);
		}
		if (hit) {
			pane_index_push(&dp->ix, i);
		}
	}
	pane_db_views_sort(p, dp);
	if (!(had && m != NULL && reselect(p, dp, pid, start))) {
		table_view_clamp(&p->view, db_n_selectable(p, dp));
	}
}

/* ---- drawing ------------------------------------------------------------- */

static double
nz(double v)
{
	return isnan(v) ? 0 : v;
}

static void
draw_conn_line(const struct db_priv *dp, const struct pane_ctx *c,
	       WINDOW *win, int y, int x, int w)
{
	const struct pg_model *m = dp->m;
	double used = NAN, frac;
	struct pane_line l;
	char label[64], a[32], b[32];
	int gw;

	if (!isnan(m->conns_active) || !isnan(m->conns_idle) ||
	    !isnan(m->conns_idle_xact) || !isnan(m->conns_other)) {
		used = nz(m->conns_active) + nz(m->conns_idle) +
		       nz(m->conns_idle_xact) + nz(m->conns_other);
	}
	frac = !isnan(m->max_connections) && m->max_connections > 0 ?
	       used / m->max_connections : NAN;
	pane_line_init(&l, win, c->theme, y, x, w);
	pane_line_add(&l, ROLE_DIM, "conns ");
	pane_fmt_num(used, a, sizeof(a));
	pane_fmt_num(m->max_connections, b, sizeof(b));
	snprintf(label, sizeof(label), "%s/%s", a, b);
	gw = l.end - l.x;
	if (gw > 34) {
		gw = w >= 90 ? 34 : 24;
	}
	if (gw > 0) {
		gauge_draw(win, y, l.x, gw, used, m->max_connections, label,
			   pane_frac_role(frac), c->theme);
		l.x += gw;
	}
	pane_line_add(&l, ROLE_NORMAL, "  active ");
	pane_line_add(&l, ROLE_NORMAL, pane_fmt_num(m->conns_active, a,
						    sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_DIM, "idle %s",
		       pane_fmt_num(m->conns_idle, a, sizeof(a)));
	pane_line_sep(&l);
	{
		enum role r = ROLE_NORMAL;

		if (!isnan(m->oldest_idle_xact_s)) {
			r = m->oldest_idle_xact_s > 300 ? ROLE_CRIT :
			    m->oldest_idle_xact_s > 60 ? ROLE_WARN :
			    ROLE_NORMAL;
		}
		pane_line_addf(&l, r, "idle in tx %s",
			       pane_fmt_num(m->conns_idle_xact, a, sizeof(a)));
		if (!isnan(m->oldest_idle_xact_s) && nz(m->conns_idle_xact)) {
			pane_line_addf(&l, r, " (oldest %s)",
				       pane_fmt_dur_s(m->oldest_idle_xact_s, b,
						      sizeof(b)));
		}
	}
	if (!isnan(m->conns_other) && m->conns_other > 0) {
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_DIM, "other %s",
			       pane_fmt_num(m->conns_other, a, sizeof(a)));
	}
	/* Counted above: what warroom itself holds, and what others than
	 * superusers can never have. */
	if (m->own_pid > 0) {
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_DIM, "%d warroom",
			       m->action_pid > 0 ? 2 : 1);
	}
	if (!isnan(m->reserved_connections) && m->reserved_connections > 0) {
		pane_line_sep(&l);
		pane_line_addf(&l, !isnan(used) && used >= m->max_connections -
			       m->reserved_connections ? ROLE_CRIT : ROLE_DIM,
			       "%s reserved for superusers",
			       pane_fmt_num(m->reserved_connections, a,
					    sizeof(a)));
	}
}

static void
draw_stats_line(const struct db_priv *dp, const struct pane_ctx *c,
		WINDOW *win, int y, int x, int w)
{
	const struct pg_model *m = dp->m;
	struct pane_line l;
	char a[32];
	size_t i;

	pane_line_init(&l, win, c->theme, y, x, w);
	if (m->server_version[0] != '\0') {
		char v[80];

		snprintf(v, sizeof(v), "pg %s", m->server_version);
		pane_line_right(&l, ROLE_DIM, v, 100);
	}
	pane_line_addf(&l, ROLE_NORMAL, "xact %s",
		       fmt_rate(m->xact_per_s, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, !isnan(m->rollback_per_s) &&
		       m->rollback_per_s > 1 ? ROLE_WARN : ROLE_NORMAL,
		       "rollback %s", fmt_rate(m->rollback_per_s, a,
					       sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, !isnan(m->deadlocks) && m->deadlocks > 0 ?
		       ROLE_WARN : ROLE_NORMAL, "deadlocks %s",
		       pane_fmt_num(m->deadlocks, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_NORMAL, "size %s",
		       fmt_bytes(m->db_size_bytes, a, sizeof(a)));
	pane_line_sep(&l);
	if (m->is_standby) {
		pane_db_views_standby(&l, m);
		return;
	}
	if (m->n_replicas == 0) {
		pane_line_add(&l, ROLE_DIM, "no replicas");
		return;
	}
	{
		double worst = NAN, bytes = NAN;

		for (i = 0; i < m->n_replicas; i++) {
			double lag = m->replicas[i].replay_lag_s;
			double b = m->replicas[i].replay_lag_bytes;

			if (!isnan(lag) && (isnan(worst) || lag > worst)) {
				worst = lag;
			}
			if (!isnan(b) && (isnan(bytes) || b > bytes)) {
				bytes = b;
			}
		}
		pane_line_addf(&l, pane_db_views_lag_role(worst),
			       "replicas %zu (replay lag %s", m->n_replicas,
			       fmt_seconds(worst, a, sizeof(a)));
		if (!isnan(bytes)) {
			pane_line_addf(&l, pane_db_views_bytes_role(bytes),
				       ", %s behind",
				       fmt_bytes(bytes, a, sizeof(a)));
		}
		pane_line_add(&l, pane_db_views_lag_role(worst), ")");
	}
}

static void
draw_overview(struct pane *p, struct db_priv *dp, const struct pane_ctx *c,
	      WINDOW *win, int y, int x, int h, int w)
{
	const struct pg_model *m = dp->m;
	int top = 1, bottom = 0, avail, tr, lq;
	int tree_need = 1 + (int)(dp->tree.n_lines < 100000 ?
				  dp->tree.n_lines : 100000);
	int long_n = (int)(dp->ix.n < 100000 ? dp->ix.n : 100000);
	int long_need;
	size_t in_tree = 0;

	/* Long queries of sessions in the lock tree are listed there (with
	 * their waits), not a second time below it. */
	for (size_t i = 0; i < m->n_sessions; i++) {
		in_tree += locktree_has(&dp->tree, i) &&
			   pane_db_views_is_long(m, &m->sessions[i]);
	}

	draw_conn_line(dp, c, win, y, x, w);
	if (h >= 7) {
		draw_stats_line(dp, c, win, y + 1, x, w);
		top = 2;
	}
	if (m->notice[0] != '\0' && h >= 8) {
		bottom = 1;
		draw_text(win, y + h - 1, x, w, m->notice, ROLE_DIM, c->theme);
	}
	avail = h - top - bottom;
	if (avail <= 0) {
		return;
	}
	long_need = long_n > 0 || p->filter[0] != '\0' ? 2 + long_n : 1;
	if (tree_need + long_need <= avail) {
		/* Both fit: LONG QUERIES sits at the bottom of the pane and
		 * the tree grows into the rows above it, so that a pile-up
		 * adding a waiter per poll moves nothing else on screen. */
		lq = long_need;
		tr = avail - lq;
	} else {
		lq = long_n > 0 ? long_need : 0;
		if (lq > avail / 3) {
			lq = avail / 3 > 3 ? avail / 3 : 3;
		}
		if (lq > long_need) {
			lq = long_need;
		}
		if (avail - lq < 2) {
			lq = avail - 2;
		}
		if (lq < 2) {
			lq = 0;
		}
		tr = avail - lq;
		if (tr > tree_need) {
			tr = tree_need;
			lq = avail - tr;
		}
	}
	dp->tree_dy = top + 1;
	locktree_draw(&dp->tree, m, p, c, win, y + top, x, tr, w);
	dp->tree_rows = tr - 1;
	dp->table_dy = -1;
	if (lq <= 0) {
		return;
	}
	{
		int ly = top + tr;
		struct table_model tm = pane_db_views_long_table(dp);
		bool in_long = p->view.sel >= dp->tree.n_sel &&
			       p->view.sel - dp->tree.n_sel < dp->ix.n;

		if (long_n == 0 && p->filter[0] == '\0') {
			char none[96];

			snprintf(none, sizeof(none),
				 "no %squery running longer than %g s",
				 in_tree > 0 ? "other " : "",
				 pane_db_views_long_s(dp->m));
			draw_text(win, y + ly, x, w, none, ROLE_DIM,
				  c->theme);
			return;
		}
		if (lq >= 3) {
			struct pane_line l;

			pane_line_init(&l, win, c->theme, y + ly, x, w);
			if (p->filter[0] != '\0') {
				pane_line_filter(&l, p, dp->ix.n,
						 pane_db_views_total(dp,
							SUB_OVERVIEW), 20);
			}
			pane_line_add(&l, ROLE_COLUMN, "LONG QUERIES ");
			pane_line_addf(&l, ROLE_WARN, "%zu running > %g s",
				       dp->ix.n, pane_db_views_long_s(dp->m));
			if (in_tree > 0) {
				pane_line_sep(&l);
				pane_line_addf(&l, ROLE_NORMAL,
					       "%zu more in the lock tree",
					       in_tree);
			}
			ly++;
			lq--;
		}
		if (in_long) {
			dp->long_view.sel = p->view.sel - dp->tree.n_sel;
		}
		table_view_clamp(&dp->long_view, dp->ix.n);
		dp->table_dy = ly;
		dp->table_base = dp->tree.n_sel;
		table_draw(win, y + ly, x, lq, w, &tm, &dp->long_view,
			   c->theme, c->focused && in_long);
	}
}

static void
db_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y, int x,
	int h, int w)
{
	struct db_priv *dp = db_priv(p);

	p->hints = db_hints;
	p->targets = PANE_TARGET(TARGET_PG_BACKEND);
	dp->tree_dy = dp->table_dy = -1;
	dp->tree_rows = 0;
	if (h <= 0 || w <= 0) {
		return;
	}
	db_refresh(p, c);
	if (dp->m == NULL) {
		pane_draw_message(win, y, x, h, w, c->theme, ROLE_DIM,
				  "no database data yet");
		return;
	}
	if (p->sub == SUB_OVERVIEW) {
		draw_overview(p, dp, c, win, y, x, h, w);
	} else {
		pane_db_views_draw(p, dp, c, win, y, x, h, w);
	}
}

/* ---- keys, clicks, targets, detail --------------------------------------- */

static bool
db_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct db_priv *dp = db_priv(p);

	if (pane_sub_sort_key(p, dp->saved, SUB_COUNT,
			      pane_db_views_n_sorts(p->sub), key)) {
		return true;
	}
	db_refresh(p, c);
	return table_view_key(&p->view, key, db_n_selectable(p, dp));
}

static bool
db_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct db_priv *dp = db_priv(p);
	size_t i;

	db_refresh(p, c);
	if (p->sub == SUB_OVERVIEW && dp->tree_dy >= 0 && dy >= dp->tree_dy &&
	    dy < dp->tree_dy + dp->tree_rows) {
		size_t li = dp->tree.top + (size_t)(dy - dp->tree_dy);

		if (li >= dp->tree.n_lines) {
			return false;
		}
		if (dp->tree.lines[li].query && li > 0) {
			li--;
		}
		for (i = 0; i < dp->tree.n_sel; i++) {
			if (dp->tree.sel[i] == li) {
				p->view.sel = i;
				return true;
			}
		}
		return false;
	}
	if (dp->table_dy < 0 || dy <= dp->table_dy) {
		return false;
	}
	if (p->sub == SUB_OVERVIEW) {
		size_t row = dp->long_view.top +
			     (size_t)(dy - dp->table_dy - 1);

		if (row >= dp->ix.n) {
			return false;
		}
		dp->long_view.sel = row;
		p->view.sel = dp->table_base + row;
		return true;
	}
	return table_view_click(&p->view, dy - dp->table_dy, dp->ix.n);
}

static bool
db_target(struct pane *p, const struct pane_ctx *c, enum target_type type,
	  struct action_target *t)
{
	struct db_priv *dp = db_priv(p);
	const struct pg_session *s;
	char hms[32];

	db_refresh(p, c);
	if (type != TARGET_PG_BACKEND) {
		return false;
	}
	if ((s = selected_session(p, dp)) == NULL) {
		return false;
	}
	t->u.pg.pid = s->pid;
	t->u.pg.backend_start_us = s->backend_start_us;
	pane_fmt_hms(s->backend_start_us / 1000, hms, sizeof(hms));
	return pane_fits(t->label, sizeof(t->label),
			 "pid %d (%s@%s, started %s, %s)", s->pid, s->user,
			 s->db, hms, s->state) ||
	       pane_fits(t->label, sizeof(t->label), "pid %d (started %s)",
			 s->pid, hms);
}

static void
session_detail(struct pane_buf *b, const struct db_priv *dp,
	       const struct pg_session *s)
{
	char t1[64], t2[64];
	size_t i;
	int blocks = 0;

	pane_buf_addf(b, "session pid %d\n\n", s->pid);
	pane_buf_addf(b, "pid: %d\n", s->pid);
	pane_buf_field(b, "user", s->user);
	pane_buf_field(b, "database", s->db);
	pane_buf_field(b, "client", s->client);
	pane_buf_field(b, "application", s->app);
	pane_buf_field(b, "state", s->state);
	pane_buf_field(b, "wait event", s->wait_event);
	pane_buf_addf(b, "backend start: %s\n",
		      clock_format_utc(s->backend_start_us / 1000, 0, t1,
				       sizeof(t1)));
	if (strncmp(s->state, "idle", 4) == 0) {
		/* Nothing runs: its query is the last one, finished. */
		pane_buf_addf(b, "idle for: %s\n",
			      pane_fmt_dur_s(s->state_s, t1, sizeof(t1)));
		pane_buf_addf(b, "last query started: %s ago\n",
			      pane_fmt_dur_s(s->query_s, t1, sizeof(t1)));
	} else {
		pane_buf_addf(b, "query running for: %s\n",
			      pane_fmt_dur_s(s->query_s, t1, sizeof(t1)));
	}
	pane_buf_addf(b, "transaction open for: %s\n",
		      pane_fmt_dur_s(s->xact_s, t1, sizeof(t1)));
	if (s->pid == dp->m->action_pid) {
		pane_buf_addf(b, "this is the session warroom keeps for "
			      "actions\n");
	}
	if (s->n_blocked_by > 0) {
		pane_db_views_fmt_pids(s, t2, sizeof(t2));
		pane_buf_addf(b, "blocked by: %s\n", t2);
		pane_buf_addf(b, "waiting for: %s%s%s for %s\n",
			      s->lock_mode[0] ? s->lock_mode : "a lock",
			      s->lock_rel[0] ? " on " : "", s->lock_rel,
			      pane_fmt_dur_s(locktree_wait_s(s), t1,
					     sizeof(t1)));
	} else {
		pane_buf_addf(b, "blocked by: nobody\n");
	}
	for (i = 0; i < dp->tree.n_lines; i++) {
		if (dp->tree.lines[i].sess >= 0 && !dp->tree.lines[i].query &&
		    dp->m->sessions[dp->tree.lines[i].sess].pid == s->pid) {
			blocks = dp->tree.lines[i].blocks;
			break;
		}
	}
	pane_buf_addf(b, "blocks: %d session%s\n", blocks,
		      blocks == 1 ? "" : "s");
	if (s->lock_db != NULL && s->lock_db[0] != '\0') {
		pane_buf_addf(b, "the relation is in database %s: its OID is "
			      "named only there (point dsn at %s to see the "
			      "name)\n", s->lock_db, s->lock_db);
	}
	pane_buf_addf(b, "\n%s:\n%s\n", strncmp(s->state, "idle", 4) == 0 ?
		      "last query" : "query", s->query);
}

static char *
db_detail(struct pane *p, const struct pane_ctx *c)
{
	struct db_priv *dp = db_priv(p);
	const struct pg_session *s;
	struct pane_buf b = { 0 };
	char t1[64], t2[64], t3[64];

	db_refresh(p, c);
	if (dp->m == NULL) {
		return NULL;
	}
	if ((s = selected_session(p, dp)) != NULL) {
		session_detail(&b, dp, s);
		return pane_buf_take(&b);
	}
	if (p->view.sel >= dp->ix.n) {
		return NULL;
	}
	if (p->sub == SUB_REPLICATION) {
		const struct pg_replica *r =
			&dp->m->replicas[dp->ix.idx[p->view.sel]];

		pane_buf_addf(&b, "replica %s\n\n", r->name);
		pane_buf_field(&b, "name", r->name);
		pane_buf_field(&b, "client", r->client);
		pane_buf_field(&b, "state", r->state);
		pane_buf_field(&b, "sync state", r->sync_state);
		pane_buf_addf(&b, "lag: write %s, flush %s, replay %s\n",
			      fmt_seconds(r->write_lag_s, t1, sizeof(t1)),
			      fmt_seconds(r->flush_lag_s, t2, sizeof(t2)),
			      fmt_seconds(r->replay_lag_s, t3, sizeof(t3)));
		pane_buf_addf(&b, "not replayed there yet: %s of WAL\n",
			      fmt_bytes(r->replay_lag_bytes, t1, sizeof(t1)));
		return pane_buf_take(&b);
	}
	if (p->sub == SUB_STATEMENTS) {
		const struct pg_statement *st =
			&dp->m->statements[dp->ix.idx[p->view.sel]];

		pane_buf_addf(&b, "statement\n\n");
		pane_buf_addf(&b, "calls: %s\n",
			      pane_fmt_num(st->calls, t1, sizeof(t1)));
		pane_buf_addf(&b, "total: %s\n",
			      fmt_seconds(isnan(st->total_ms) ? NAN :
					  st->total_ms / 1000.0, t1,
					  sizeof(t1)));
		pane_buf_addf(&b, "mean: %s\n",
			      fmt_seconds(isnan(st->mean_ms) ? NAN :
					  st->mean_ms / 1000.0, t1,
					  sizeof(t1)));
		pane_buf_addf(&b, "\nquery:\n%s\n", st->query);
		return pane_buf_take(&b);
	}
	return NULL;
}

/* ---- selecting a finding's row ------------------------------------------ */

/* Selects the first selectable row of session pid; false when the view
 * shows none. */
static bool
select_pid(struct pane *p, struct db_priv *dp, int pid)
{
	size_t i;

	if (p->sub == SUB_OVERVIEW) {
		for (i = 0; i < dp->tree.n_sel; i++) {
			const struct locktree_line *tl =
				&dp->tree.lines[dp->tree.sel[i]];

			if (dp->m->sessions[tl->sess].pid == pid) {
				p->view.sel = i;
				return true;
			}
		}
	}
	if (p->sub != SUB_OVERVIEW && p->sub != SUB_SESSIONS) {
		return false;
	}
	for (i = 0; i < dp->ix.n; i++) {
		if (dp->m->sessions[dp->ix.idx[i]].pid == pid) {
			p->view.sel = i + (p->sub == SUB_OVERVIEW ?
					   dp->tree.n_sel : 0);
			return true;
		}
	}
	return false;
}

static void
to_sub(struct pane *p, const struct pane_ctx *c, struct db_priv *dp, int sub)
{
	if (p->sub != sub) {
		pane_switch_sub(p, dp->saved, SUB_COUNT, sub);
	}
	db_refresh(p, c);
}

/* "pid:PID" (and a blocker's "pg-blocked:PID"): the session, in the lock
 * tree or the long queries, else among all sessions (the idle and long
 * findings name theirs so); a replica's findings: its row of the
 * replication view; the findings about the whole server (connections, a
 * lock cycle, replay, an idle session the role cannot see): the
 * overview, or the replication view. */
static bool
db_select(struct pane *p, const struct pane_ctx *c, const char *row)
{
	struct db_priv *dp = db_priv(p);
	const char *name = NULL;
	char end;
	int pid;

	if (strcmp(row, "pg-conns") == 0 || strcmp(row, "pg-cycle") == 0 ||
	    strcmp(row, "pg-idle-xact") == 0) {
		to_sub(p, c, dp, SUB_OVERVIEW);
		return true;
	}
	if (strncmp(row, "pg-replay-", 10) == 0) {
		to_sub(p, c, dp, SUB_REPLICATION);
		return true;
	}
	if (sscanf(row, "pid:%d%c", &pid, &end) == 1 ||
	    sscanf(row, "pg-blocked:%d%c", &pid, &end) == 1) {
		to_sub(p, c, dp, SUB_OVERVIEW);
		if (dp->m != NULL && select_pid(p, dp, pid)) {
			return true;
		}
		to_sub(p, c, dp, SUB_SESSIONS);
		return dp->m != NULL && select_pid(p, dp, pid);
	}
	if ((name = pane_after(row, "pg-replica-lag:")) == NULL) {
		name = pane_after(row, "pg-replica-gone:");
	}
	if (name == NULL) {
		return false;
	}
	to_sub(p, c, dp, SUB_REPLICATION);
	for (size_t i = 0; dp->m != NULL && i < dp->ix.n; i++) {
		if (strcmp(dp->m->replicas[dp->ix.idx[i]].name, name) == 0) {
			p->view.sel = i;
			return true;
		}
	}
	return false;
}

static void
db_free(struct pane *p)
{
	struct db_priv *dp = p->priv;

	if (dp == NULL) {
		return;
	}
	pane_cache_finish(&dp->cache);
	pane_index_finish(&dp->ix);
	locktree_finish(&dp->tree);
	free(dp);
	p->priv = NULL;
}

const struct pane_ops pane_db_ops = {
	.kind = SNAP_PG,
	.band = 0,
	.draw = db_draw,
	.key = db_key,
	.click = db_click,
	.target = db_target,
	.detail = db_detail,
	.select = db_select,
	.free = db_free,
};
