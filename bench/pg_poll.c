/* Benchmark of the PostgreSQL probe against a real server in a pile-up:
 * 500 sessions, 200 of them waiting on row locks behind 4 blockers, some
 * idle in transaction, some running long queries. Prints the probe's
 * time per poll (median and p95 over 50 polls, connection made) and the
 * server's own time for the poll's statements (pg_stat_statements).
 * Run by hand: build/bench/pg_poll [polls]. Main thread only. */
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/snapshot.h"
#include "core/xalloc.h"
#include "probes/postgres.h"
#include "tests/integration/pg_server.h"

#define N_SESSIONS 500
#define N_BLOCKERS 4
#define N_WAITERS 200
#define N_IDLE_XACT 20
#define N_ACTIVE 10
#define N_POLLS_DEFAULT 50

static struct pg_server srv;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
die(const char *what)
{
	fprintf(stderr, "pg_poll: %s\n", what);
	pg_server_destroy(&srv);
	pg_server_template_cleanup();
	exit(1);
}

static void
run(PGconn *c, const char *sql)
{
	if (!pg_server_exec(c, sql)) {
		die("setup statement failed");
	}
}

/* Waits until n sessions wait for a lock. */
static void
wait_waiting(PGconn *admin, int n)
{
	double end = now_ms() + 60000;

	while (now_ms() < end) {
		PGresult *r = PQexec(admin, "SELECT count(DISTINCT pid) FROM "
				     "pg_locks WHERE NOT granted");
		int got = atoi(PQgetvalue(r, 0, 0));

		PQclear(r);
		if (got >= n) {
			return;
		}
		usleep(50000);
	}
	die("the waiters never queued");
}

/* The server's mean time of the probe statement containing marker. */
static double
server_ms(PGconn *admin, const char *marker, double *calls)
{
	const char *params[1] = { marker };
	PGresult *r = PQexecParams(admin,
		"SELECT coalesce(sum(total_exec_time) / nullif(sum(calls), 0), "
		"'NaN'), coalesce(sum(calls), 0) FROM pg_stat_statements "
		"WHERE strpos(query, $1) > 0 AND strpos(query, '" PGQ_MARK
		"') > 0",
		1, NULL, params, NULL, NULL, 0);
	double v = NAN;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		v = strtod(PQgetvalue(r, 0, 0), NULL);
		*calls = strtod(PQgetvalue(r, 0, 1), NULL);
	}
	PQclear(r);
	return v;
}

int
main(int argc, char **argv)
{
	static const char *const opts[] = {
		"max_connections=600",
		"shared_preload_libraries=pg_stat_statements",
		"pg_stat_statements.track=all",
		NULL,
	};
	static const struct {
		const char *name;
		const char *marker;
	} parts[] = {
		{ "stats", "pg_stat_database d" },
		{ "sessions", "pg_blocking_pids" },
		{ "replication", "FROM pg_stat_replication" },
		{ "statements", "ORDER BY mean DESC" },
	};
	int n_polls = argc > 1 ? atoi(argv[1]) : N_POLLS_DEFAULT;
	struct config cfg = { 0 };
	struct config_section *sec;
	struct pg_probe *pp;
	PGconn *admin, **conns;
	double *took, t0, server_total = 0, part_ms[4];
	char sql[160], *dsn;
	struct err err = { { 0 } };
	size_t n_sess = 0, n_wait = 0, i;
	int k;

	if (n_polls < 1) {
		n_polls = N_POLLS_DEFAULT;
	}
	if (pg_server_init(&srv, opts) < 0) {
		die("the server did not start");
	}
	admin = pg_server_connect(&srv, "postgres", "postgres");
	if (admin == NULL) {
		die("no admin connection");
	}
	run(admin, "CREATE EXTENSION pg_stat_statements");
	run(admin, "CREATE TABLE t (id int PRIMARY KEY, v int)");
	run(admin, "INSERT INTO t SELECT g, 0 FROM generate_series(1, 1000) g");
	/* Some history for pg_stat_statements to rank. */
	for (k = 0; k < 300; k++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM t WHERE "
			 "v %% %d = 0 AND id > %d", k % 37 + 1, k);
		run(admin, sql);
		snprintf(sql, sizeof(sql), "SELECT sum(v) AS s%d FROM t", k);
		run(admin, sql);
	}

	conns = xcalloc(N_SESSIONS, sizeof(*conns));
	for (k = 0; k < N_SESSIONS; k++) {
		if ((conns[k] = pg_server_connect(&srv, "postgres",
						  "postgres")) == NULL) {
			die("cannot open the sessions");
		}
	}
	k = 0;
	for (i = 0; i < N_BLOCKERS; i++, k++) {
		snprintf(sql, sizeof(sql), "BEGIN; UPDATE t SET v = v + 1 "
			 "WHERE id = %zu", i + 1);
		run(conns[k], sql);
	}
	for (i = 0; i < N_WAITERS; i++, k++) {
		snprintf(sql, sizeof(sql), "UPDATE t SET v = v + 1 WHERE "
			 "id = %zu", i % N_BLOCKERS + 1);
		if (!PQsendQuery(conns[k], sql)) {
			die("cannot queue a waiter");
		}
	}
	for (i = 0; i < N_IDLE_XACT; i++, k++) {
		snprintf(sql, sizeof(sql), "BEGIN; SELECT * FROM t WHERE id = "
			 "%zu", 100 + i);
		run(conns[k], sql);
	}
	for (i = 0; i < N_ACTIVE; i++, k++) {
		if (!PQsendQuery(conns[k], "SELECT pg_sleep(600)")) {
			die("cannot start a long query");
		}
	}
	for (; k < N_SESSIONS; k++) {
		snprintf(sql, sizeof(sql), "SELECT %d", k);
		run(conns[k], sql);
	}
	wait_waiting(admin, N_WAITERS);

	dsn = pg_server_dsn(&srv, "postgres", "postgres");
	sec = config_add_section(&cfg, "postgres.bench");
	config_section_set(sec, "dsn", dsn);
	free(dsn);
	sec->timeout_ms = 10000;
	pp = pg_probe_new(sec, NULL, &err);
	if (pp == NULL) {
		die(err.msg);
	}
	/* One poll to connect and warm the caches, not counted. */
	{
		struct snapshot *s = snapshot_new(SNAP_PG, sec->name);

		if (pg_probe_poll(pp, s, &err) < 0) {
			die(err.msg);
		}
		snapshot_unref(s);
	}
	run(admin, "SELECT pg_stat_statements_reset()");
	took = xcalloc((size_t)n_polls, sizeof(*took));
	for (k = 0; k < n_polls; k++) {
		struct snapshot *s = snapshot_new(SNAP_PG, sec->name);
		const struct pg_model *m;

		t0 = now_ms();
		if (pg_probe_poll(pp, s, &err) < 0) {
			die(err.msg);
		}
		took[k] = now_ms() - t0;
		m = snapshot_pg(s);
		n_sess = m->n_sessions;
		n_wait = 0;
		for (i = 0; i < m->n_sessions; i++) {
			n_wait += m->sessions[i].n_blocked_by > 0;
		}
		snapshot_unref(s);
	}
	qsort(took, (size_t)n_polls, sizeof(*took), cmp_double);
	for (i = 0; i < 4; i++) {
		double calls = 0;

		part_ms[i] = server_ms(admin, parts[i].marker, &calls);
		if (!isnan(part_ms[i])) {
			server_total += part_ms[i];
		}
	}
	printf("pg_poll: %zu sessions, %zu waiting, %d polls: probe %.1f ms "
	       "median, %.1f ms p95 per poll; server %.1f ms per poll "
	       "(stats %.2f, sessions %.2f, replication %.2f, statements "
	       "%.2f ms)\n",
	       n_sess, n_wait, n_polls, took[n_polls / 2],
	       took[(int)ceil(n_polls * 0.95) - 1], server_total, part_ms[0],
	       part_ms[1], part_ms[2], part_ms[3]);

	/* PG_POLL_EXPLAIN=1: where the server spends it. */
	if (getenv("PG_POLL_EXPLAIN") != NULL) {
		const char *stmts[PGQ_MAX];
		size_t n = pg_probe_statements(pp, stmts, PGQ_MAX);

		for (i = 0; i < n; i++) {
			char *q;

			if (strstr(stmts[i], "$1") != NULL) {
				continue;
			}
			q = xasprintf("EXPLAIN (ANALYZE, BUFFERS) %s",
				      stmts[i]);
			PGresult *r = PQexec(admin, q);
			int row;

			for (row = 0; row < PQntuples(r); row++) {
				printf("%s\n", PQgetvalue(r, row, 0));
			}
			PQclear(r);
			free(q);
		}
	}

	pg_probe_free(pp);
	for (k = 0; k < N_SESSIONS; k++) {
		PQfinish(conns[k]);
	}
	free(conns);
	free(took);
	PQfinish(admin);
	pg_server_destroy(&srv);
	pg_server_template_cleanup();
	config_finish(&cfg);
	return 0;
}
