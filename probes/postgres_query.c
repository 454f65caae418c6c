/* The PostgreSQL probe's poll: the SQL of one round trip (statistics,
 * sessions with their locks and blockers, replication, top statements)
 * and its results turned into a struct pg_model. Probe thread (and the
 * benchmark), no shared state. */
#include "probes/postgres.h"

#if HAVE_LIBPQ

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Query texts beyond this many bytes are cut (track_activity_query_size
 * may be up to 1 MB per session). */
#define PGQ_QUERY_TEXT_MAX 16384
/* Top statements by total time, and as many by mean time. */
#define PGQ_TOP_STATEMENTS 10
/* A waiter has at most this many blockers listed. */
#define PGQ_BLOCKERS_MAX 64

const char *const pgq_names[PGQ_MAX] = {
	"warroom_stats",
	"warroom_sessions",
	"warroom_replicas",
	"warroom_statements",
};

static char *
build_stats(const struct pg_caps *caps)
{
	/* reserved_connections (16+) are kept for pg_use_reserved_connections
	 * as superuser_reserved_connections are for superusers. */
	const char *reserved = caps->server_num >= 160000 ?
		"current_setting('superuser_reserved_connections')::int + "
		"current_setting('reserved_connections')::int" :
		"current_setting('superuser_reserved_connections')::int";

	/* On a standby: whether replay is paused, and the WAL received but
	 * not replayed yet, in bytes. */
	return xasprintf(
		"SELECT " PGQ_MARK " current_setting('max_connections')::int, "
		"pg_is_in_recovery(), "
		"CASE WHEN pg_is_in_recovery() THEN "
		"CASE WHEN pg_last_wal_receive_lsn() = "
		"pg_last_wal_replay_lsn() THEN 0 "
		"ELSE extract(epoch FROM now() - "
		"pg_last_xact_replay_timestamp()) END END, "
		"d.xact_commit, d.xact_rollback, d.deadlocks, "
		"CASE WHEN $1 THEN pg_database_size(d.datid) END, "
		"CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() "
		"END, "
		"CASE WHEN pg_is_in_recovery() THEN greatest(0, pg_wal_lsn_diff("
		"pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())) END, "
		"%s "
		"FROM (SELECT 1) AS one "
		"LEFT JOIN pg_stat_database d ON d.datid = %u",
		reserved, caps->dboid);
}

/* The name of the relation of lock row L: resolved only in this
 * database (or for shared catalogs), since an OID means nothing in
 * another one. */
static char *
rel_expr(const struct pg_caps *caps, const char *l)
{
	return xasprintf(
		"CASE WHEN %s.database IN (0, %u) "
		"THEN %s.relation::regclass::text "
		"ELSE 'relation ' || %s.relation || ' in ' || "
		"coalesce((SELECT datname FROM pg_database "
		"WHERE oid = %s.database)::text, "
		"'database ' || %s.database) END",
		l, caps->dboid, l, l, l, l);
}

#define LOCK_DB \
	"coalesce(w.database, (SELECT t.database FROM lk t WHERE t.pid = " \
	"w.pid AND t.granted AND t.locktype = 'tuple' LIMIT 1))"

static char *
build_sessions(const struct pg_caps *caps)
{
	const char *mat = caps->server_num >= 120000 ? "MATERIALIZED " : "";
	/* pg_locks.waitstart is PostgreSQL 14+. */
	const char *waitstart = caps->server_num >= 140000 ? "waitstart" :
				"NULL::timestamptz AS waitstart";
	char *rw = rel_expr(caps, "w");
	char *rt = rel_expr(caps, "t");
	char *sql;

	/* lk: every lock that is waited for, and the tuple locks, which
	 * tell the row a transactionid wait is about. pg_blocking_pids()
	 * takes the lock manager's locks: it runs only for the sessions that
	 * do wait. Blockers outside client backends (autovacuum, a parallel
	 * worker's leader...) are kept so the tree has its roots. */
	sql = xasprintf(
		"WITH " PGQ_MARK " lk AS %s("
		"SELECT pid, locktype, mode, granted, database, relation, "
		"page, tuple, transactionid, virtualxid, classid, objid, "
		"objsubid, %s FROM pg_locks "
		"WHERE NOT granted OR locktype = 'tuple'), "
		"w AS (SELECT DISTINCT ON (pid) * FROM lk WHERE NOT granted "
		"ORDER BY pid), "
		"a AS %s(SELECT s.pid, s.usename, s.datname, s.client_addr, "
		"s.client_port, s.application_name, s.state, "
		"s.wait_event_type, s.wait_event, s.query, s.backend_start, "
		"s.query_start, s.xact_start, s.state_change, s.backend_type, "
		"CASE WHEN s.pid IN (SELECT pid FROM w) "
		"THEN pg_blocking_pids(s.pid) END AS bp "
		"FROM pg_stat_activity s WHERE s.pid <> pg_backend_pid()) "
		"SELECT a.pid, coalesce(a.usename::text, ''), "
		"coalesce(a.datname::text, ''), "
		"CASE WHEN a.client_addr IS NOT NULL THEN "
		"CASE WHEN family(a.client_addr) = 6 "
		"THEN '[' || host(a.client_addr) || ']:' "
		"ELSE host(a.client_addr) || ':' END || a.client_port "
		"WHEN a.client_port = -1 THEN 'local' ELSE '' END, "
		"coalesce(a.application_name, ''), coalesce(a.state, ''), "
		"CASE WHEN a.wait_event_type IS NOT NULL THEN "
		"a.wait_event_type || ':' || coalesce(a.wait_event, '') "
		"ELSE '' END, "
		"coalesce(a.query, ''), "
		"coalesce(" PG_START_US_SQL("a.backend_start") ", 0), "
		PG_SINCE_SQL("a.query_start") ", "
		PG_SINCE_SQL("a.xact_start") ", "
		"a.bp::text, coalesce(w.mode, ''), "
		"CASE w.locktype "
		"WHEN 'relation' THEN %s "
		"WHEN 'tuple' THEN %s || ' row (' || w.page || ',' || "
		"w.tuple || ')' "
		"WHEN 'transactionid' THEN coalesce((SELECT %s || ' row (' || "
		"t.page || ',' || t.tuple || ')' FROM lk t WHERE t.pid = w.pid "
		"AND t.granted AND t.locktype = 'tuple' LIMIT 1), "
		"'transaction ' || w.transactionid) "
		"WHEN 'virtualxid' THEN 'virtual transaction ' || w.virtualxid "
		"WHEN 'extend' THEN %s || ' (extension)' "
		"WHEN 'page' THEN %s || ' page ' || w.page "
		"WHEN 'advisory' THEN 'advisory lock ' || CASE w.objsubid "
		"WHEN 1 THEN "
		"((w.classid::bigint << 32) | w.objid::bigint)::text "
		"ELSE w.classid || ',' || w.objid END "
		"WHEN 'object' THEN CASE WHEN w.database IN (0, %u) THEN "
		"pg_describe_object(w.classid, w.objid, w.objsubid) "
		"ELSE 'object ' || w.objid END "
		"ELSE coalesce(w.locktype, '') END, "
		"CASE WHEN w.pid IS NOT NULL THEN "
		PG_SINCE_SQL("coalesce(w.waitstart, a.state_change)") " END, "
		"a.backend_type = 'client backend' OR (a.backend_type IS NULL "
		"AND a.usename IS NOT NULL AND a.datname IS NOT NULL), "
		PG_SINCE_SQL("a.state_change") ", "
		/* A relation's OID names it only in its own database (a row
		 * wait's relation is that of the tuple lock it holds). */
		"CASE WHEN " LOCK_DB " NOT IN (0, %u) THEN coalesce((SELECT "
		"datname FROM pg_database WHERE oid = " LOCK_DB ")::text, "
		"'database ' || " LOCK_DB ") ELSE '' END "
		"FROM a LEFT JOIN w ON w.pid = a.pid "
		"WHERE a.backend_type IN ('client backend', "
		"'autovacuum worker') OR (a.backend_type IS NULL AND "
		"a.usename IS NOT NULL AND a.datname IS NOT NULL) "
		"OR a.bp IS NOT NULL "
		"OR a.pid IN (SELECT unnest(bp) FROM a WHERE bp IS NOT NULL) "
		"ORDER BY a.pid",
		mat, waitstart, mat, rw, rw, rt, rw, rw, caps->dboid,
		caps->dboid);
	free(rw);
	free(rt);
	return sql;
}

/* The byte lag is measured from this server's WAL position: the one it
 * writes, or on a standby (cascading), the one it has replayed. */
static char *
build_replicas(void)
{
	return xstrdup(
		"SELECT " PGQ_MARK " coalesce(application_name, ''), "
		"CASE WHEN client_addr IS NOT NULL THEN host(client_addr) "
		"WHEN client_port = -1 THEN 'local' ELSE '' END, "
		"coalesce(state, ''), extract(epoch FROM write_lag), "
		"extract(epoch FROM flush_lag), extract(epoch FROM replay_lag), "
		"coalesce(sync_state, ''), "
		"greatest(0, pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() "
		"THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, "
		"replay_lsn)) "
		"FROM pg_stat_replication ORDER BY application_name, pid");
}

static char *
build_statements(const struct pg_caps *caps)
{
	const char *total = caps->stmts_exec_cols ? "total_exec_time"
			    : "total_time";
	const char *mean = caps->stmts_exec_cols ? "mean_exec_time"
			   : "mean_time";

	return xasprintf(
		"WITH " PGQ_MARK " s AS (SELECT coalesce(query, '') AS query, "
		"calls, %s AS total, %s AS mean FROM %s.pg_stat_statements "
		"WHERE strpos(query, '" PGQ_MARK "') = 0) "
		"(SELECT * FROM s ORDER BY total DESC LIMIT %d) UNION "
		"(SELECT * FROM s ORDER BY mean DESC LIMIT %d) "
		"ORDER BY total DESC",
		total, mean, caps->stmts_schema, PGQ_TOP_STATEMENTS,
		PGQ_TOP_STATEMENTS);
}

size_t
pgq_build(const struct pg_caps *caps, char *bufs[PGQ_MAX])
{
	size_t n = 0;

	bufs[n++] = build_stats(caps);
	bufs[n++] = build_sessions(caps);
	bufs[n++] = build_replicas();
	if (caps->stmts) {
		bufs[n++] = build_statements(caps);
	}
	return n;
}

/* ---- results -------------------------------------------------------- */

static double
num(const PGresult *r, int row, int col)
{
	char *end;
	double v;

	if (libpq.PQgetisnull(r, row, col)) {
		return NAN;
	}
	v = strtod(libpq.PQgetvalue(r, row, col), &end);
	return end == libpq.PQgetvalue(r, row, col) ? NAN : v;
}

static const char *
str(struct snapshot *snap, const PGresult *r, int row, int col)
{
	if (libpq.PQgetisnull(r, row, col)) {
		return snapshot_strdup(snap, "");
	}
	return snapshot_strdup(snap, libpq.PQgetvalue(r, row, col));
}

/* A query text, cut at PGQ_QUERY_TEXT_MAX on a UTF-8 boundary. */
static const char *
query_text(struct snapshot *snap, const PGresult *r, int row, int col)
{
	const char *q = libpq.PQgetvalue(r, row, col);
	size_t len = (size_t)libpq.PQgetlength(r, row, col);

	if (len > PGQ_QUERY_TEXT_MAX) {
		len = PGQ_QUERY_TEXT_MAX;
		while (len > 0 && ((unsigned char)q[len] & 0xc0) == 0x80) {
			len--;
		}
	}
	return snapshot_strndup(snap, q, len);
}

static bool
shape_ok(const PGresult *r, int cols)
{
	return r != NULL && libpq.PQresultStatus(r) == PGRES_TUPLES_OK &&
	       libpq.PQnfields(r) == cols;
}

static int
unexpected(const char *what, struct err *err)
{
	return err_set(err, "unexpected answer to the %s query", what);
}

static int
fill_stats(struct pg_model *m, const PGresult *r, struct pgq_carry *c,
	   struct err *err)
{
	double commit, rollback;
	int64_t now = pgc_now_ms();

	if (!shape_ok(r, 10) || libpq.PQntuples(r) != 1) {
		return unexpected("statistics", err);
	}
	m->max_connections = num(r, 0, 0);
	m->is_standby = libpq.PQgetvalue(r, 0, 1)[0] == 't';
	m->replay_delay_s = m->is_standby ? num(r, 0, 2) : NAN;
	m->replay_paused = m->is_standby &&
			   libpq.PQgetvalue(r, 0, 7)[0] == 't';
	m->replay_behind_bytes = m->is_standby ? num(r, 0, 8) : NAN;
	m->reserved_connections = num(r, 0, 9);
	commit = num(r, 0, 3);
	rollback = num(r, 0, 4);
	m->deadlocks = num(r, 0, 5);
	if (!libpq.PQgetisnull(r, 0, 6)) {
		c->db_size = num(r, 0, 6);
	}
	m->db_size_bytes = c->db_size;
	m->xact_per_s = NAN;
	m->rollback_per_s = NAN;
	if (c->have_prev && now > c->prev_ms && commit >= c->prev_commit &&
	    rollback >= c->prev_rollback) {
		double dt = (double)(now - c->prev_ms) / 1000.0;

		m->xact_per_s = (commit + rollback - c->prev_commit -
				 c->prev_rollback) / dt;
		m->rollback_per_s = (rollback - c->prev_rollback) / dt;
	}
	c->have_prev = !isnan(commit) && !isnan(rollback);
	c->prev_commit = commit;
	c->prev_rollback = rollback;
	c->prev_ms = now;
	return 0;
}

static void
count_session(struct pg_model *m, const struct pg_session *s)
{
	if (strcmp(s->state, "active") == 0) {
		m->conns_active++;
	} else if (strcmp(s->state, "idle") == 0) {
		m->conns_idle++;
	} else if (strncmp(s->state, "idle in transaction", 19) == 0) {
		m->conns_idle_xact++;
		if (!isnan(s->xact_s) && (isnan(m->oldest_idle_xact_s) ||
					  s->xact_s > m->oldest_idle_xact_s)) {
			m->oldest_idle_xact_s = s->xact_s;
		}
	} else {
		m->conns_other++;
	}
}

static int
fill_sessions(struct snapshot *snap, struct pg_model *m, const PGresult *r,
	      bool *hidden, struct err *err)
{
	int n, i;

	if (!shape_ok(r, 18)) {
		return unexpected("sessions", err);
	}
	n = libpq.PQntuples(r);
	m->sessions = snapshot_alloc(snap, (size_t)(n > 0 ? n : 1) *
					   sizeof(*m->sessions));
	m->n_sessions = (size_t)n;
	m->conns_active = m->conns_idle = m->conns_idle_xact = 0;
	m->conns_other = 0;
	m->oldest_idle_xact_s = NAN;
	for (i = 0; i < n; i++) {
		struct pg_session *s = &m->sessions[i];
		int pids[PGQ_BLOCKERS_MAX];
		size_t k;

		s->pid = atoi(libpq.PQgetvalue(r, i, 0));
		s->user = str(snap, r, i, 1);
		s->db = str(snap, r, i, 2);
		s->client = str(snap, r, i, 3);
		s->app = str(snap, r, i, 4);
		s->state = str(snap, r, i, 5);
		s->wait_event = str(snap, r, i, 6);
		s->query = query_text(snap, r, i, 7);
		s->backend_start_us =
		    strtoll(libpq.PQgetvalue(r, i, 8), NULL, 10);
		s->query_s = num(r, i, 9);
		s->xact_s = num(r, i, 10);
		k = pgc_parse_pids(libpq.PQgetvalue(r, i, 11), pids,
				   PGQ_BLOCKERS_MAX);
		if (k > 0) {
			s->blocked_by = snapshot_alloc(snap, k * sizeof(int));
			memcpy(s->blocked_by, pids, k * sizeof(int));
			s->n_blocked_by = k;
			s->lock_mode = str(snap, r, i, 12);
			s->lock_rel = str(snap, r, i, 13);
			s->wait_s = num(r, i, 14);
			s->lock_db = str(snap, r, i, 17);
			if (s->lock_db[0] != '\0' && m->lock_other_db == NULL) {
				m->lock_other_db = s->lock_db;
			}
		} else {
			/* It stopped waiting between the two reads. */
			s->lock_mode = snapshot_strdup(snap, "");
			s->lock_rel = snapshot_strdup(snap, "");
			s->lock_db = s->lock_mode;
			s->wait_s = NAN;
		}
		s->state_s = num(r, i, 16);
		if (strcmp(s->query, "<insufficient privilege>") == 0) {
			*hidden = true;
		}
		/* Client backends count against max_connections; a row the
		 * role may not see in full has no backend_type, but one with
		 * a user and a database is a client. */
		if (libpq.PQgetvalue(r, i, 15)[0] == 't') {
			count_session(m, s);
		}
	}
	return 0;
}

static int
fill_replicas(struct snapshot *snap, struct pg_model *m, const PGresult *r,
	      bool *hidden, struct err *err)
{
	int n, i;

	if (!shape_ok(r, 8)) {
		return unexpected("replication", err);
	}
	n = libpq.PQntuples(r);
	m->replicas = snapshot_alloc(snap, (size_t)(n > 0 ? n : 1) *
					   sizeof(*m->replicas));
	m->n_replicas = (size_t)n;
	for (i = 0; i < n; i++) {
		struct pg_replica *p = &m->replicas[i];

		p->name = str(snap, r, i, 0);
		p->client = str(snap, r, i, 1);
		p->state = str(snap, r, i, 2);
		p->write_lag_s = num(r, i, 3);
		p->flush_lag_s = num(r, i, 4);
		p->replay_lag_s = num(r, i, 5);
		p->sync_state = str(snap, r, i, 6);
		p->replay_lag_bytes = num(r, i, 7);
		if (libpq.PQgetisnull(r, i, 2)) {
			*hidden = true;
		}
	}
	return 0;
}

static int
fill_statements(struct snapshot *snap, struct pg_model *m,
		const PGresult *r, bool *hidden, struct err *err)
{
	int n, i;

	if (!shape_ok(r, 4)) {
		return unexpected("pg_stat_statements", err);
	}
	n = libpq.PQntuples(r);
	m->statements = snapshot_alloc(snap, (size_t)(n > 0 ? n : 1) *
					     sizeof(*m->statements));
	m->n_statements = (size_t)n;
	for (i = 0; i < n; i++) {
		struct pg_statement *s = &m->statements[i];

		s->query = query_text(snap, r, i, 0);
		if (strcmp(s->query, "<insufficient privilege>") == 0) {
			*hidden = true;
		}
		s->calls = num(r, i, 1);
		s->total_ms = num(r, i, 2);
		s->mean_ms = num(r, i, 3);
	}
	return 0;
}

/* The pg_stat_statements query failed: say why, and stop asking on this
 * connection. */
static void
statements_failed(const PGresult *r, struct pgq_carry *c)
{
	const char *state = libpq.PQresultErrorField(r, PG_DIAG_SQLSTATE);
	struct err e;

	/* 55000: "pg_stat_statements must be loaded via
	 * shared_preload_libraries". */
	if (state != NULL && strcmp(state, "55000") == 0) {
		c->stmts_unloaded = true;
		return;
	}
	pgc_result_error(r, NULL, NULL, &e);
	strlcpy_safe(c->stmts_error, e.msg, sizeof(c->stmts_error));
}

static void
notice_add(char *buf, size_t n, const char *text)
{
	size_t l = strlen(buf);

	snprintf(buf + l, n - l, "%s%s", l ? "; " : "", text);
}

struct pg_model *
pgq_model(struct snapshot *snap, PGresult *const *res, size_t n,
	  const struct pg_caps *caps, struct pgq_carry *carry,
	  const char *version, double long_query_s, struct err *err)
{
	struct pg_model *m = snapshot_alloc(snap, sizeof(*m));
	size_t want = caps->stmts ? PGQ_STATEMENTS + 1 : PGQ_STATEMENTS;
	bool hidden_q = false, hidden_rep = false;
	char notice[512] = "";
	char line[256];
	size_t i;

	for (i = 0; i < n && i < want; i++) {
		if (libpq.PQresultStatus(res[i]) == PGRES_TUPLES_OK) {
			continue;
		}
		if (i == PGQ_STATEMENTS) {
			statements_failed(res[i], carry);
			break;
		}
		pgc_result_error(res[i], "poll query failed", NULL, err);
		return NULL;
	}
	if (n < PGQ_STATEMENTS) {
		err_set(err, "incomplete answer (%zu of %zu results)", n, want);
		return NULL;
	}
	m->server_version = snapshot_strdup(snap, version);
	m->long_query_s = long_query_s;
	if (fill_stats(m, res[PGQ_STATS], carry, err) < 0 ||
	    fill_sessions(snap, m, res[PGQ_SESSIONS], &hidden_q, err) < 0 ||
	    fill_replicas(snap, m, res[PGQ_REPLICAS], &hidden_rep, err) < 0) {
		return NULL;
	}
	m->has_stat_statements = false;
	if (caps->stmts && n > PGQ_STATEMENTS &&
	    libpq.PQresultStatus(res[PGQ_STATEMENTS]) == PGRES_TUPLES_OK) {
		if (fill_statements(snap, m, res[PGQ_STATEMENTS], &hidden_q,
				    err) < 0) {
			return NULL;
		}
		m->has_stat_statements = true;
	}
	if (m->statements == NULL) {
		m->statements = snapshot_alloc(snap, sizeof(*m->statements));
		m->n_statements = 0;
	}

	if (hidden_q) {
		snprintf(line, sizeof(line), "role %s cannot see other users' "
			 "queries (needs pg_read_all_stats)", carry->role);
		notice_add(notice, sizeof(notice), line);
	}
	if (hidden_rep) {
		notice_add(notice, sizeof(notice), "replication state and lag "
			   "need pg_read_all_stats");
	}
	if (m->lock_other_db != NULL) {
		snprintf(line, sizeof(line), "locks in database %s show "
			 "relation OIDs: an OID is named only in its own "
			 "database (point dsn at %s to see the names)",
			 m->lock_other_db, m->lock_other_db);
		notice_add(notice, sizeof(notice), line);
	} else {
		m->lock_other_db = snapshot_strdup(snap, "");
	}
	if (carry->stmts_unloaded) {
		notice_add(notice, sizeof(notice), "pg_stat_statements not "
			   "loaded (add it to shared_preload_libraries)");
	} else if (carry->stmts_error[0] != '\0') {
		snprintf(line, sizeof(line), "pg_stat_statements: %s",
			 carry->stmts_error);
		notice_add(notice, sizeof(notice), line);
	}
	m->notice = snapshot_strdup(snap, notice);
	return m;
}

#endif /* HAVE_LIBPQ */
