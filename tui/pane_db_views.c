/* The Database pane's tables: the columns, cells and row orders of the
 * long-query, session, replication and statement tables, and the drawing
 * of the three table sub-views. UI thread only. */
#include "tui/pane_db_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/pane_common.h"
#include "tui/pane_db_locks.h"
#include "widgets/draw.h"

/* A query counts as long-running past this. */
/* A query running longer counts as long unless the source says otherwise
 * (the long_query setting). */
#define LONG_QUERY_S 5.0

static const char *const sub_names[SUB_COUNT] = {
	"overview", "sessions", "replication", "statements",
};

enum {
	SESS_SORT_DURATION,
	SESS_SORT_XACT,
	SESS_SORT_WAIT,
	SESS_SORT_PID,
	SESS_SORT_USER,
	SESS_SORT_STATE,
	SESS_SORT_COUNT,
};

static const char *const sess_sort_names[SESS_SORT_COUNT] = {
	"duration", "xact", "wait", "pid", "user", "state",
};

enum { REP_SORT_LAG, REP_SORT_NAME, REP_SORT_COUNT };

static const char *const rep_sort_names[REP_SORT_COUNT] = {
	"replay lag", "name",
};

enum { STMT_SORT_TOTAL, STMT_SORT_MEAN, STMT_SORT_CALLS, STMT_SORT_COUNT };

static const char *const stmt_sort_names[STMT_SORT_COUNT] = {
	"total", "mean", "calls",
};

static const int sort_counts[SUB_COUNT] = {
	1, SESS_SORT_COUNT, REP_SORT_COUNT, STMT_SORT_COUNT,
};

static const struct table_col long_cols[] = {
	{ "PID", 7, 5, true, false },
	{ "USER", 10, 4, false, false },
	{ "DB", 10, 0, false, false },
	{ "APP", 12, 0, false, false },
	{ "CLIENT", 15, 0, false, false },
	{ "DURATION", 8, 6, true, false },
	{ "WAIT", 18, 0, false, false },
	{ "STATE", 12, 6, false, false },
	{ "QUERY", 30, 10, false, true },
};

static const struct table_col sess_cols[] = {
	{ "PID", 7, 5, true, false },
	{ "USER", 10, 4, false, false },
	{ "DB", 10, 0, false, false },
	{ "APP", 12, 0, false, false },
	{ "CLIENT", 15, 0, false, false },
	{ "STATE", 12, 6, false, false },
	{ "WAIT", 18, 0, false, false },
	{ "DURATION", 8, 6, true, false },
	{ "IDLE", 8, 0, true, false },
	{ "XACT", 8, 0, true, false },
	{ "BLOCKED BY", 10, 0, false, false },
	{ "QUERY", 30, 10, false, true },
};

static const struct table_col rep_cols[] = {
	{ "NAME", 16, 6, false, true },
	{ "CLIENT", 16, 0, false, false },
	{ "STATE", 10, 6, false, false },
	{ "SYNC", 9, 0, false, false },
	{ "WRITE", 8, 0, true, false },
	{ "FLUSH", 8, 0, true, false },
	{ "REPLAY", 8, 6, true, false },
	{ "BEHIND", 9, 6, true, false },
};

static const struct table_col stmt_cols[] = {
	{ "CALLS", 8, 5, true, false },
	{ "TOTAL", 9, 6, true, false },
	{ "MEAN", 9, 0, true, false },
	{ "QUERY", 40, 10, false, true },
};

/* ---- rows ---------------------------------------------------------------- */

double
pane_db_views_long_s(const struct pg_model *m)
{
	return m != NULL && !isnan(m->long_query_s) && m->long_query_s > 0 ?
	       m->long_query_s : LONG_QUERY_S;
}

bool
pane_db_views_is_long(const struct pg_model *m, const struct pg_session *s)
{
	return s->state[0] != '\0' && strcmp(s->state, "idle") != 0 &&
	       !isnan(s->query_s) && s->query_s > pane_db_views_long_s(m);
}

bool
pane_db_views_is_overview_long(const struct db_priv *dp, size_t i)
{
	return pane_db_views_is_long(dp->m, &dp->m->sessions[i]) &&
	       !locktree_has(&dp->tree, i);
}

size_t
pane_db_views_total(const struct db_priv *dp, int sub)
{
	const struct pg_model *m = dp->m;
	size_t i, n = 0;

	if (m == NULL) {
		return 0;
	}
	switch (sub) {
	case SUB_OVERVIEW:
		for (i = 0; i < m->n_sessions; i++) {
			n += pane_db_views_is_overview_long(dp, i);
		}
		return n;
	case SUB_SESSIONS:
		return m->n_sessions;
	case SUB_REPLICATION:
		return m->n_replicas;
	default:
		return m->n_statements;
	}
}

/* ---- row orders ---------------------------------------------------------- */

static int
cmp_sessions(const void *ctx, size_t ia, size_t ib)
{
	const struct db_priv *dp = ctx;
	const struct pg_session *a = &dp->m->sessions[ia];
	const struct pg_session *b = &dp->m->sessions[ib];
	int r = 0;

	switch (dp->cache.sub == SUB_OVERVIEW ? SESS_SORT_DURATION :
		dp->cache.sort_col) {
	case SESS_SORT_DURATION:
		/* Idle sessions run nothing: after every other one. */
		r = (strcmp(a->state, "idle") == 0) -
		    (strcmp(b->state, "idle") == 0);
		if (r == 0) {
			r = pane_cmp_desc_nan(a->query_s, b->query_s);
		}
		break;
	case SESS_SORT_XACT:
		r = pane_cmp_desc_nan(a->xact_s, b->xact_s);
		break;
	case SESS_SORT_WAIT:
		r = pane_cmp_desc_nan(
			a->n_blocked_by ? locktree_wait_s(a) : NAN,
			b->n_blocked_by ? locktree_wait_s(b) : NAN);
		break;
	case SESS_SORT_USER:
		r = strcmp(a->user, b->user);
		break;
	case SESS_SORT_STATE:
		r = strcmp(a->state, b->state);
		break;
	default:
		break;
	}
	if (r == 0) {
		r = a->pid < b->pid ? -1 : a->pid > b->pid;
	}
	return r;
}

static int
cmp_replicas(const void *ctx, size_t ia, size_t ib)
{
	const struct db_priv *dp = ctx;
	const struct pg_replica *a = &dp->m->replicas[ia];
	const struct pg_replica *b = &dp->m->replicas[ib];
	int r = 0;

	if (dp->cache.sort_col == REP_SORT_LAG) {
		r = pane_cmp_desc_nan(a->replay_lag_s, b->replay_lag_s);
	}
	return r != 0 ? r : strcmp(a->name, b->name);
}

static int
cmp_statements(const void *ctx, size_t ia, size_t ib)
{
	const struct db_priv *dp = ctx;
	const struct pg_statement *a = &dp->m->statements[ia];
	const struct pg_statement *b = &dp->m->statements[ib];
	int r;

	switch (dp->cache.sort_col) {
	case STMT_SORT_MEAN:
		r = pane_cmp_desc_nan(a->mean_ms, b->mean_ms);
		break;
	case STMT_SORT_CALLS:
		r = pane_cmp_desc_nan(a->calls, b->calls);
		break;
	default:
		r = pane_cmp_desc_nan(a->total_ms, b->total_ms);
		break;
	}
	return r != 0 ? r : (ia < ib ? -1 : ia > ib);
}

void
pane_db_views_sort(struct pane *p, struct db_priv *dp)
{
	pane_sort(dp->ix.idx, dp->ix.n,
		  p->sub <= SUB_SESSIONS ? cmp_sessions :
		  p->sub == SUB_REPLICATION ? cmp_replicas : cmp_statements,
		  dp, p->sub != SUB_OVERVIEW && p->sort_desc);
}

int
pane_db_views_n_sorts(int sub)
{
	return sort_counts[sub % SUB_COUNT];
}

/* ---- cells --------------------------------------------------------------- */

static bool
is_idle_xact(const struct pg_session *s)
{
	return strncmp(s->state, "idle in transaction", 19) == 0;
}

void
pane_db_views_fmt_pids(const struct pg_session *s, char *buf, size_t n)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < s->n_blocked_by && o + 1 < n; i++) {
		int len = snprintf(buf + o, n - o, "%s%d", i ? "," : "",
				   s->blocked_by[i]);

		if (len < 0 || (size_t)len >= n - o) {
			break;
		}
		o += (size_t)len;
	}
}

static enum role
duration_role(const struct pg_session *s, double secs, double long_s)
{
	if (isnan(secs) || strcmp(s->state, "idle") == 0) {
		return ROLE_DIM;
	}
	return secs > 60 ? ROLE_CRIT : secs > long_s ? ROLE_WARN :
	       ROLE_NORMAL;
}

static enum role
state_role(const struct pg_session *s)
{
	if (is_idle_xact(s)) {
		return !isnan(s->xact_s) && s->xact_s > 60 ? ROLE_CRIT :
		       ROLE_WARN;
	}
	if (strcmp(s->state, "idle") == 0) {
		return ROLE_DIM;
	}
	return s->n_blocked_by ? ROLE_WARN : ROLE_NORMAL;
}

/* Cells shared by the long-query and the session tables, by name. */
static void
session_cell(const struct pg_session *s, double long_s, const char *col,
	     char *buf, size_t n, enum role *role)
{
	if (strcmp(col, "PID") == 0) {
		snprintf(buf, n, "%d", s->pid);
		if (s->n_blocked_by) {
			*role = ROLE_WARN;
		}
	} else if (strcmp(col, "USER") == 0) {
		snprintf(buf, n, "%s", s->user);
	} else if (strcmp(col, "DB") == 0) {
		snprintf(buf, n, "%s", s->db);
	} else if (strcmp(col, "APP") == 0) {
		snprintf(buf, n, "%s", s->app);
	} else if (strcmp(col, "CLIENT") == 0) {
		snprintf(buf, n, "%s", s->client);
		*role = ROLE_DIM;
	} else if (strcmp(col, "STATE") == 0) {
		snprintf(buf, n, "%s", s->state);
		*role = state_role(s);
	} else if (strcmp(col, "WAIT") == 0) {
		snprintf(buf, n, "%s", s->wait_event);
		*role = strncmp(s->wait_event, "Lock", 4) == 0 ? ROLE_WARN :
			ROLE_DIM;
	} else if (strcmp(col, "DURATION") == 0) {
		pane_fmt_dur_s(s->query_s, buf, (int)n);
		*role = duration_role(s, s->query_s, long_s);
	} else if (strcmp(col, "IDLE") == 0) {
		/* How long it has sat idle; nothing for a running one. */
		if (strncmp(s->state, "idle", 4) == 0) {
			pane_fmt_dur_s(s->state_s, buf, (int)n);
			*role = is_idle_xact(s) ? state_role(s) : ROLE_DIM;
		} else {
			buf[0] = '\0';
		}
	} else if (strcmp(col, "XACT") == 0) {
		pane_fmt_dur_s(s->xact_s, buf, (int)n);
		*role = is_idle_xact(s) ? state_role(s) : ROLE_DIM;
	} else if (strcmp(col, "BLOCKED BY") == 0) {
		pane_db_views_fmt_pids(s, buf, n);
		*role = ROLE_CRIT;
	} else {
		pane_oneline(buf, n, s->query);
	}
}

static void
long_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	  enum role *role)
{
	const struct db_priv *dp = ctx;

	session_cell(&dp->m->sessions[dp->ix.idx[row]],
		     pane_db_views_long_s(dp->m), long_cols[col].title,
		     buf, n, role);
}

static void
sess_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	  enum role *role)
{
	const struct db_priv *dp = ctx;

	session_cell(&dp->m->sessions[dp->ix.idx[row]],
		     pane_db_views_long_s(dp->m), sess_cols[col].title,
		     buf, n, role);
}

enum role
pane_db_views_lag_role(double s)
{
	return isnan(s) ? ROLE_DIM : s > 10 ? ROLE_CRIT : s > 1 ? ROLE_WARN :
	       ROLE_OK;
}

enum role
pane_db_views_bytes_role(double b)
{
	return isnan(b) ? ROLE_DIM : b > 1024.0 * 1024 * 1024 ? ROLE_CRIT :
	       b > 16.0 * 1024 * 1024 ? ROLE_WARN : ROLE_OK;
}

static void
rep_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	 enum role *role)
{
	const struct db_priv *dp = ctx;
	const struct pg_replica *r = &dp->m->replicas[dp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%s", r->name);
		break;
	case 1:
		snprintf(buf, n, "%s", r->client);
		*role = ROLE_DIM;
		break;
	case 2:
		snprintf(buf, n, "%s", r->state);
		*role = strcmp(r->state, "streaming") == 0 ? ROLE_OK :
			ROLE_WARN;
		break;
	case 3:
		snprintf(buf, n, "%s", r->sync_state ? r->sync_state : "");
		*role = ROLE_DIM;
		break;
	case 4:
		fmt_seconds(r->write_lag_s, buf, (int)n);
		*role = pane_db_views_lag_role(r->write_lag_s);
		break;
	case 5:
		fmt_seconds(r->flush_lag_s, buf, (int)n);
		*role = pane_db_views_lag_role(r->flush_lag_s);
		break;
	case 6:
		fmt_seconds(r->replay_lag_s, buf, (int)n);
		*role = pane_db_views_lag_role(r->replay_lag_s);
		break;
	default:
		fmt_bytes(r->replay_lag_bytes, buf, (int)n);
		*role = pane_db_views_bytes_role(r->replay_lag_bytes);
		break;
	}
}

static void
stmt_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	  enum role *role)
{
	const struct db_priv *dp = ctx;
	const struct pg_statement *s = &dp->m->statements[dp->ix.idx[row]];

	switch (col) {
	case 0:
		pane_fmt_num(s->calls, buf, (int)n);
		break;
	case 1:
		fmt_seconds(isnan(s->total_ms) ? NAN : s->total_ms / 1000.0,
			    buf, (int)n);
		break;
	case 2:
		fmt_seconds(isnan(s->mean_ms) ? NAN : s->mean_ms / 1000.0,
			    buf, (int)n);
		*role = !isnan(s->mean_ms) && s->mean_ms > 1000 ? ROLE_WARN :
			ROLE_NORMAL;
		break;
	default:
		pane_oneline(buf, n, s->query);
		break;
	}
}

struct table_model
pane_db_views_long_table(struct db_priv *dp)
{
	struct table_model tm = {
		.cols = long_cols,
		.n_cols = (int)(sizeof(long_cols) / sizeof(long_cols[0])),
		.n_rows = dp->ix.n,
		.cell = long_cell,
		.ctx = dp,
	};

	return tm;
}

void
pane_db_views_standby(struct pane_line *l, const struct pg_model *m)
{
	char a[32];

	pane_line_addf(l, pane_db_views_lag_role(m->replay_delay_s),
		       "standby: replay delay %s",
		       pane_fmt_dur_s(m->replay_delay_s, a, sizeof(a)));
	if (!isnan(m->replay_behind_bytes) && m->replay_behind_bytes > 0) {
		pane_line_addf(l, pane_db_views_bytes_role(
				       m->replay_behind_bytes),
			       ", %s to replay",
			       fmt_bytes(m->replay_behind_bytes, a,
					 sizeof(a)));
	}
	if (m->replay_paused) {
		pane_line_sep(l);
		pane_line_add(l, ROLE_CRIT, "replay paused");
	}
}

/* ---- the table sub-views ------------------------------------------------- */

void
pane_db_views_draw(struct pane *p, struct db_priv *dp,
		   const struct pane_ctx *c, WINDOW *win, int y, int x, int h,
		   int w)
{
	const struct pg_model *m = dp->m;
	struct table_model tm = { .ctx = dp, .n_rows = dp->ix.n };
	struct pane_line l;
	const char *sort;
	char right[64];
	int line = 1, bottom = 0;
	size_t i, n_active = 0, n_idle_xact = 0, n_waiting = 0;

	pane_line_init(&l, win, c->theme, y, x, w);
	sort = p->sub == SUB_SESSIONS ?
	       sess_sort_names[p->sort_col % SESS_SORT_COUNT] :
	       p->sub == SUB_REPLICATION ?
	       rep_sort_names[p->sort_col % REP_SORT_COUNT] :
	       stmt_sort_names[p->sort_col % STMT_SORT_COUNT];
	snprintf(right, sizeof(right), "%s  sort %s%s", sub_names[p->sub],
		 sort, p->sort_desc ? " (rev)" : "");
	if (p->filter[0] != '\0' && h < 4) {
		pane_line_filter(&l, p, dp->ix.n,
				 pane_db_views_total(dp, p->sub), 12);
	} else {
		pane_line_right(&l, ROLE_DIM, right, 40);
	}
	switch (p->sub) {
	case SUB_SESSIONS:
		for (i = 0; i < m->n_sessions; i++) {
			const struct pg_session *s = &m->sessions[i];

			n_active += strcmp(s->state, "active") == 0;
			n_idle_xact += is_idle_xact(s);
			n_waiting += s->n_blocked_by > 0;
		}
		pane_line_addf(&l, ROLE_NORMAL, "sessions %zu", m->n_sessions);
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_NORMAL, "active %zu", n_active);
		pane_line_sep(&l);
		pane_line_addf(&l, n_idle_xact ? ROLE_WARN : ROLE_DIM,
			       "idle in tx %zu", n_idle_xact);
		pane_line_sep(&l);
		pane_line_addf(&l, n_waiting ? ROLE_CRIT : ROLE_DIM,
			       "waiting on locks %zu", n_waiting);
		tm.cols = sess_cols;
		tm.n_cols = (int)(sizeof(sess_cols) / sizeof(sess_cols[0]));
		tm.cell = sess_cell;
		break;
	case SUB_REPLICATION:
		if (m->is_standby) {
			pane_db_views_standby(&l, m);
		} else {
			pane_line_addf(&l, ROLE_NORMAL, "primary");
			pane_line_sep(&l);
			pane_line_addf(&l, m->n_replicas ? ROLE_NORMAL :
				       ROLE_DIM, "replicas %zu",
				       m->n_replicas);
		}
		tm.cols = rep_cols;
		tm.n_cols = (int)(sizeof(rep_cols) / sizeof(rep_cols[0]));
		tm.cell = rep_cell;
		break;
	default:
		pane_line_add(&l, ROLE_NORMAL, "top statements");
		if (!m->has_stat_statements) {
			if (h >= 2) {
				draw_text(win, y + 1, x, w,
					  "pg_stat_statements not installed",
					  ROLE_NORMAL, c->theme);
			}
			dp->table_dy = -1;
			return;
		}
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_DIM, "%zu statements",
			       m->n_statements);
		tm.cols = stmt_cols;
		tm.n_cols = (int)(sizeof(stmt_cols) / sizeof(stmt_cols[0]));
		tm.cell = stmt_cell;
		break;
	}
	if (p->filter[0] != '\0' && h >= 4) {
		pane_draw_filter(win, y + line, x, w, c->theme, p, dp->ix.n,
				 pane_db_views_total(dp, p->sub));
		line++;
	}
	if (m->notice[0] != '\0' && h - line >= 4) {
		bottom = 1;
		draw_text(win, y + h - 1, x, w, m->notice, ROLE_DIM, c->theme);
	}
	dp->table_dy = -1;
	if (h - line - bottom < 2) {
		if (p->sub == SUB_REPLICATION && m->n_replicas == 0 &&
		    h - line > 0) {
			draw_text(win, y + line, x, w, "no replicas", ROLE_DIM,
				  c->theme);
		}
		return;
	}
	if (p->sub == SUB_REPLICATION && m->n_replicas == 0) {
		draw_text(win, y + line, x, w, m->is_standby ?
			  "this server is a standby: no replicas of its own" :
			  "no replicas", ROLE_DIM, c->theme);
		return;
	}
	dp->table_dy = line;
	dp->table_base = 0;
	table_draw(win, y + line, x, h - line - bottom, w, &tm, &p->view,
		   c->theme, c->focused);
}
