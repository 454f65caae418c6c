/* The PostgreSQL probe: one connection per source, set up once (session
 * settings, prepared statements), then one round trip per poll, and a
 * second session kept for the actions; and its probe_ops. Probe thread (or
 * a test's or the benchmark's thread). */
#include "probes/postgres.h"

#if HAVE_LIBPQ

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* ---- the probe ------------------------------------------------------ */

/* pg_database_size() walks the database's files: not every poll. */
#define PG_SIZE_EVERY_MS 30000

struct pg_probe {
	const struct config_section *sec;
	const struct probe *owner;
	char source[64];
	int timeout_ms;
	double long_query_s;

	PGconn *conn;
	char where[160];
	int backend_pid;
	char version[32];
	struct pg_caps caps;
	struct pgq_carry carry;
	int64_t size_at_ms;     /* last pg_database_size(), 0 never */

	char *sql[PGQ_MAX];
	size_t n_sql;

	/* The session actions run on, opened beside conn and kept. */
	struct pg_reserve *reserve;
};

static bool
owner_stopping(const void *ctx)
{
	return probe_stopping(ctx);
}

void *
pg_probe_new(const struct config_section *sec, struct probe *owner,
	     struct err *err)
{
	const char *lq = config_get(sec, "long_query");
	struct pg_probe *pp;
	int lq_ms = 5000;

	if (config_get(sec, "dsn") == NULL) {
		err_set(err, "missing required key 'dsn' in [%s]", sec->name);
		return NULL;
	}
	if (lq != NULL && config_parse_duration(lq, &lq_ms) < 0) {
		err_set(err, "bad duration '%s' for long_query in [%s]", lq,
			sec->name);
		return NULL;
	}
	pp = xcalloc(1, sizeof(*pp));
	pp->sec = sec;
	pp->owner = owner;
	strlcpy_safe(pp->source, sec->name, sizeof(pp->source));
	pp->timeout_ms = sec->timeout_ms > 0 ? sec->timeout_ms : 5000;
	pp->long_query_s = lq_ms / 1000.0;
	pp->carry.db_size = NAN;
	pp->reserve = pg_reserve_new(sec);
	return pp;
}

static void
drop_conn(struct pg_probe *pp)
{
	if (pp->conn != NULL) {
		libpq.PQfinish(pp->conn);
		pp->conn = NULL;
	}
	pp->backend_pid = 0;
	pp->carry.have_prev = false;
}

/* After connecting: the session's settings and what the server offers,
 * in one round trip. */
static int
setup_session(struct pg_probe *pp, int64_t deadline_ms,
	      const struct pgc_stop *stop, struct err *err)
{
	PGresult *res[8] = { NULL };
	char *sql;
	int lock_ms = pp->timeout_ms < 1000 ? pp->timeout_ms : 1000;
	int n, i, rc = -1;
	PGresult *info;
	const char *v;

	pp->caps.server_num = libpq.PQserverVersion(pp->conn);
	if (pp->caps.server_num < 100000) {
		return err_set(err, "PostgreSQL %d.%d is too old (10 or newer "
			       "is needed) (%s)", pp->caps.server_num / 10000,
			       pp->caps.server_num / 100 % 100, pp->where);
	}
	v = libpq.PQparameterStatus(pp->conn, "server_version");
	snprintf(pp->version, sizeof(pp->version), "%.*s",
		 v != NULL ? (int)strcspn(v, " ") : 0, v != NULL ? v : "");
	/* The probe's own queries must never wait on the locks it watches,
	 * nor outlive the poll, nor write. */
	sql = xasprintf(
		"SET statement_timeout = %d; SET lock_timeout = %d; "
		"SET idle_in_transaction_session_timeout = 0; "
		"SET default_transaction_read_only = on; %s"
		"SELECT pg_backend_pid(), current_user, "
		"(SELECT oid FROM pg_database "
		"WHERE datname = current_database()), "
		"(SELECT quote_ident(n.nspname) FROM pg_extension e "
		"JOIN pg_namespace n ON n.oid = e.extnamespace "
		"WHERE e.extname = 'pg_stat_statements'), "
		"EXISTS (SELECT 1 FROM pg_extension e "
		"JOIN pg_namespace n ON n.oid = e.extnamespace "
		"JOIN pg_class c ON c.relnamespace = n.oid "
		"AND c.relname = 'pg_stat_statements' "
		"JOIN pg_attribute a ON a.attrelid = c.oid "
		"AND a.attname = 'total_exec_time' "
		"WHERE e.extname = 'pg_stat_statements')",
		pp->timeout_ms, lock_ms,
		pp->caps.server_num >= 110000 ? "SET jit = off; " : "");
	if (!libpq.PQsendQuery(pp->conn, sql)) {
		free(sql);
		return pgc_conn_error(pp->conn, pp->where, err);
	}
	free(sql);
	n = pgc_collect(pp->conn, deadline_ms, pp->timeout_ms, stop,
			pp->where, res, 8, err);
	if (n < 0) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (libpq.PQresultStatus(res[i]) != PGRES_COMMAND_OK &&
		    libpq.PQresultStatus(res[i]) != PGRES_TUPLES_OK) {
			pgc_result_error(res[i], "session setup failed",
					 pp->where, err);
			goto out;
		}
	}
	info = n > 0 ? res[n - 1] : NULL;
	if (info == NULL || libpq.PQresultStatus(info) != PGRES_TUPLES_OK ||
	    libpq.PQntuples(info) != 1 || libpq.PQnfields(info) != 5) {
		err_set(err, "session setup: unexpected answer (%s)",
			pp->where);
		goto out;
	}
	pp->backend_pid = atoi(libpq.PQgetvalue(info, 0, 0));
	strlcpy_safe(pp->carry.role, libpq.PQgetvalue(info, 0, 1),
		     sizeof(pp->carry.role));
	pp->caps.dboid =
	    (unsigned)strtoul(libpq.PQgetvalue(info, 0, 2), NULL, 10);
	pp->caps.stmts = !libpq.PQgetisnull(info, 0, 3);
	strlcpy_safe(pp->caps.stmts_schema,
		     pp->caps.stmts ? libpq.PQgetvalue(info, 0, 3) : "",
		     sizeof(pp->caps.stmts_schema));
	pp->caps.stmts_exec_cols = libpq.PQgetvalue(info, 0, 4)[0] == 't';
	pp->carry.stmts_unloaded = false;
	pp->carry.stmts_error[0] = '\0';
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		libpq.PQclear(res[i]);
	}
	return rc;
}

/* The poll's statements, prepared once per connection so that a poll
 * costs the server no planning. */
static int
prepare_statements(struct pg_probe *pp, int64_t deadline_ms,
		   const struct pgc_stop *stop, struct err *err)
{
	PGresult *res[PGQ_MAX] = { NULL };
	char *sql;
	size_t len = 0, i;
	int n, k, rc = 0;

	for (i = 0; i < pp->n_sql; i++) {
		free(pp->sql[i]);
		pp->sql[i] = NULL;
	}
	pp->n_sql = pgq_build(&pp->caps, pp->sql);
	for (i = 0; i < pp->n_sql; i++) {
		len += strlen(pp->sql[i]) + 64;
	}
	sql = xmalloc(len + 1);
	sql[0] = '\0';
	for (i = 0; i < pp->n_sql; i++) {
		char head[64];

		snprintf(head, sizeof(head), "PREPARE %s%s AS ",
			 pgq_names[i], i == PGQ_STATS ? "(bool)" : "");
		strcat(sql, head);
		strcat(sql, pp->sql[i]);
		strcat(sql, ";\n");
	}
	if (!libpq.PQsendQuery(pp->conn, sql)) {
		free(sql);
		return pgc_conn_error(pp->conn, pp->where, err);
	}
	free(sql);
	n = pgc_collect(pp->conn, deadline_ms, pp->timeout_ms, stop,
			pp->where, res, PGQ_MAX, err);
	if (n < 0) {
		return -1;
	}
	for (k = 0; k < n; k++) {
		if (rc == 0 &&
		    libpq.PQresultStatus(res[k]) != PGRES_COMMAND_OK) {
			pgc_result_error(res[k], "cannot prepare the poll",
					 pp->where, err);
			rc = -1;
		}
		libpq.PQclear(res[k]);
	}
	if (rc == 0 && (size_t)n != pp->n_sql) {
		rc = err_set(err, "cannot prepare the poll (%s)", pp->where);
	}
	return rc;
}

static bool
listed(const struct pg_model *m, int pid)
{
	size_t i;

	for (i = 0; i < m->n_sessions; i++) {
		if (m->sessions[i].pid == pid) {
			return true;
		}
	}
	return false;
}

int
pg_probe_poll(void *pg_probe, struct snapshot *snap, struct err *err)
{
	struct pg_probe *pp = pg_probe;
	struct pgc_stop stop = { owner_stopping, pp->owner };
	const struct pgc_stop *sp = pp->owner != NULL ? &stop : NULL;
	int64_t deadline = pgc_now_ms() + pp->timeout_ms;
	PGresult *res[PGQ_MAX + 1] = { NULL };
	struct pg_model *m;
	char sql[256];
	bool with_size;
	size_t i;
	int n;

	if (pp->conn == NULL) {
		pp->conn = pgc_connect(pp->sec, pp->timeout_ms, deadline, sp,
				       pp->where, sizeof(pp->where), err);
		if (pp->conn == NULL) {
			return -1;
		}
		if (setup_session(pp, deadline, sp, err) < 0 ||
		    prepare_statements(pp, deadline, sp, err) < 0) {
			drop_conn(pp);
			return -1;
		}
	}
	with_size = pp->size_at_ms == 0 ||
		    pgc_now_ms() - pp->size_at_ms >= PG_SIZE_EVERY_MS;
	/* pg_stat_statements stays out once it said it cannot answer. */
	pp->caps.stmts = pp->caps.stmts && !pp->carry.stmts_unloaded &&
			 pp->carry.stmts_error[0] == '\0';
	snprintf(sql, sizeof(sql),
		 "EXECUTE %s(%s); EXECUTE %s; EXECUTE %s;%s%s",
		 pgq_names[PGQ_STATS], with_size ? "true" : "false",
		 pgq_names[PGQ_SESSIONS], pgq_names[PGQ_REPLICAS],
		 pp->caps.stmts ? " EXECUTE " : "",
		 pp->caps.stmts ? pgq_names[PGQ_STATEMENTS] : "");
	if (!libpq.PQsendQuery(pp->conn, sql)) {
		pgc_conn_error(pp->conn, pp->where, err);
		drop_conn(pp);
		return -1;
	}
	n = pgc_collect(pp->conn, deadline, pp->timeout_ms, sp, pp->where,
			res, PGQ_MAX + 1, err);
	if (n < 0) {
		drop_conn(pp);
		return -1;
	}
	m = pgq_model(snap, res, (size_t)n, &pp->caps, &pp->carry,
		      pp->version, pp->long_query_s, err);
	for (i = 0; i < (size_t)n; i++) {
		libpq.PQclear(res[i]);
	}
	if (m == NULL) {
		/* The text of a failed statement names the connection. */
		if (strstr(err->msg, pp->where) == NULL) {
			size_t l = strlen(err->msg);

			snprintf(err->msg + l, sizeof(err->msg) - l, " (%s)",
				 pp->where);
		}
		drop_conn(pp);
		return -1;
	}
	if (with_size && !isnan(m->db_size_bytes)) {
		pp->size_at_ms = pgc_now_ms();
	}
	/* The sessions listed leave out this one, which is running the
	 * poll: it counts against max_connections all the same. */
	m->conns_active = (isnan(m->conns_active) ? 0 : m->conns_active) + 1;
	m->own_pid = pp->backend_pid;
	/* Opened once the server has answered, so that a server that does
	 * not answer is not asked twice; the poll ran before it, so a
	 * session opened now is counted here (idle), and listed from the
	 * next poll on. */
	pg_reserve_keep(pp->reserve, pp->timeout_ms, sp);
	m->action_pid = pg_reserve_pid(pp->reserve);
	if (m->action_pid != 0 && !listed(m, m->action_pid)) {
		m->conns_idle = (isnan(m->conns_idle) ? 0 : m->conns_idle) + 1;
	}
	snap->data = m;
	return 0;
}

void
pg_probe_free(void *pg_probe)
{
	struct pg_probe *pp = pg_probe;
	size_t i;

	if (pp == NULL) {
		return;
	}
	drop_conn(pp);
	pg_reserve_put(pp->reserve);
	for (i = 0; i < pp->n_sql; i++) {
		free(pp->sql[i]);
	}
	free(pp);
}

static int
pg_probe_reachable(void *pg_probe, const struct probe *p)
{
	struct pg_probe *pp = pg_probe;

	return pgc_reachable(pp->sec, p, pp->timeout_ms < 2000 ?
			     pp->timeout_ms : 2000);
}

int
pg_probe_backend_pid(const struct pg_probe *pp)
{
	return pp->backend_pid;
}

size_t
pg_probe_statements(const struct pg_probe *pp, const char **out, size_t max)
{
	size_t i;

	for (i = 0; i < pp->n_sql && i < max; i++) {
		out[i] = pp->sql[i];
	}
	return i;
}

#endif /* HAVE_LIBPQ */

/* ---- ops ------------------------------------------------------------ */

static const struct config_key_spec postgres_keys[] = {
	{ .name = "dsn", .type = CONFIG_DSN, .required = true, .secret = true,
	  .env = "DATABASE_URL",
	  .help = "a libpq connection string: key=value pairs or a URI" },
	{ .name = "password_file", .type = CONFIG_TEXT,
	  .help = "a file whose first line is the password" },
	{ .name = "long_query", .type = CONFIG_DURATION, .def = "5s",
	  .help = "the age from which a running query counts as long" },
	{ .name = "pool_near", .type = CONFIG_TEXT,
	  .help = "the share of max_connections from which the diagnosis "
		  "calls the pool near exhaustion (default 80%)" },
	{ .name = NULL },
};

const struct probe_ops postgres_probe_ops = {
	.kind = SNAP_PG,
#if HAVE_LIBPQ
	.open = pg_probe_new, .poll = pg_probe_poll, .close = pg_probe_free,
	.reachable = pg_probe_reachable,
	.actions = postgres_actions,
#else
	.unavailable = "PostgreSQL support not built in",
#endif
	.config = { .name = "postgres", .keys = postgres_keys },
};
