/* The incident record against a real PostgreSQL 15: pgbench's OLTP load,
 * whose row-lock waits come and go in well under a second, then a
 * deliberate pile-up behind a session left idle in transaction, polled by
 * the real probe on the runner through the tracker, the timeline's
 * recorder and an incident journal; a query past long_query; a replica
 * that disappears and a standby whose replay is paused. Each test runs in
 * its own process with its own server. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/incident.h"
#include "core/incident_rt.h"
#include "core/journal.h"
#include "core/rules.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "probes/postgres.h"
#include "probes/runner.h"
#include "tests/integration/harness.h"
#include "tests/integration/pg_server.h"
#include "tests/integration/record_room.h"

#if HAVE_LIBPQ

#define PGBENCH PG_SERVER_BIN "/pgbench"

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	if (pg_server_template() < 0) {
		fprintf(stderr, "test_record_pg: no template data directory\n");
	}
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	pg_server_template_cleanup();
}

static struct pg_server srv, standby;
static struct config cfg;
static PGconn *admin;
static pid_t bench = -1;

static struct record_room room;

static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(pg_server_init(&srv, NULL), 0, "server did not start");
	admin = pg_server_connect(&srv, "postgres", "postgres");
	cr_assert_not_null(admin);
}

static void
teardown(void)
{
	if (bench > 0) {
		harness_stop(bench, 2000);
		bench = -1;
	}
	record_room_close(&room);
	if (admin != NULL) {
		PQfinish(admin);
		admin = NULL;
	}
	if (standby.dir != NULL) {
		pg_server_destroy(&standby);
	}
	pg_server_destroy(&srv);
	config_finish(&cfg);
	pg_server_template_cleanup();
}

TestSuite(record_pg, .init = setup, .fini = teardown, .timeout = 150);

static struct config_section *
section(const char *name, int port, int interval_ms)
{
	struct config_section *sec = config_add_section(&cfg, name);
	char *dsn = xasprintf("host=127.0.0.1 port=%d user=postgres "
			      "dbname=postgres", port);

	config_section_set(sec, "dsn", dsn);
	free(dsn);
	sec->timeout_ms = 5000;
	sec->interval_ms = interval_ms;
	return sec;
}

static void
open_room(struct config_section **secs, size_t n)
{
	record_room_open(&room, &postgres_probe_ops, secs, n, false,
			 "Checkout slow");
}

static size_t
count(enum tl_kind kind, const char *key)
{
	return record_room_count(&room, kind, key, NULL);
}

static struct journal_rec
wait_record(enum tl_kind kind, const char *key, int timeout_ms)
{
	return record_room_wait(&room, kind, key, NULL, timeout_ms);
}

/* The open finding of source with key, as its latest snapshot has it. */
static bool
current(const char *source, const char *key, struct finding *out)
{
	struct finding f[16];
	size_t n, i;

	n = rules_tracker_findings(room.tracker, source, f, 16);
	for (i = 0; i < n && i < 16; i++) {
		if (strcmp(f[i].key, key) == 0) {
			*out = f[i];
			return true;
		}
	}
	return false;
}

static void
exec_ok(PGconn *c, const char *sql)
{
	cr_assert(pg_server_exec(c, sql), "%s failed", sql);
}

/* ---- pgbench and a pile-up ------------------------------------------ */

static void
start_pgbench(int seconds)
{
	char port[16], time_s[16];
	char *log = xasprintf("%s/pgbench.log", srv.dir);
	const char *argv[] = {
		PGBENCH, "-h", "127.0.0.1", "-p", port, "-U", "postgres",
		"-c", "3", "-j", "1", "-R", "150", "-T", time_s, "postgres",
		NULL,
	};

	snprintf(port, sizeof(port), "%d", srv.port);
	snprintf(time_s, sizeof(time_s), "%d", seconds);
	cr_assert_eq(harness_sh(log, PGBENCH " -i -s 1 -q -h 127.0.0.1 -p %d "
				"-U postgres postgres", srv.port), 0,
		     "pgbench -i failed (see %s)", log);
	bench = harness_spawn(argv, log, NULL, NULL);
	cr_assert_gt(bench, 0, "pgbench did not start");
	free(log);
}

/* Waits until n sessions wait for a lock. */
static void
wait_waiting(int n, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;

	while (clock_mono_ms() < end) {
		PGresult *r = PQexec(admin, "SELECT count(*) FROM pg_locks "
				     "WHERE NOT granted");
		int k = atoi(PQgetvalue(r, 0, 0));

		PQclear(r);
		if (k >= n) {
			return;
		}
		usleep(100000);
	}
	cr_assert_fail("fewer than %d sessions ever waited", n);
}

/* pgbench's OLTP load waits for row locks all the time, in well under a
 * second: none of it is a finding. A session left idle in transaction
 * with the branch row piles pgbench's clients up behind it: one finding,
 * opened once the waits passed 5 s, updated in place as it grows, one
 * entry when it turns critical (six waiting), closed 5 s after the
 * blocker is gone with what cleared it and the worst it reached. */
Test(record_pg, pgbench_pile_up_is_one_finding)
{
	struct config_section *sec = section("postgres.main", srv.port, 500);
	struct journal_rec open, sev, close;
	struct finding early, late;
	PGconn *blocker, *more[3];
	char key[64], sql[96];
	int pid, i;

	start_pgbench(120);
	open_room(&sec, 1);

	/* Ordinary load: the waits come and go. */
	usleep(12 * 1000000);
	cr_assert_eq(count(TL_FINDING_OPEN, "pg-blocked:"), 0,
		     "a sub-second wait became a finding");
	cr_assert_eq(count(TL_FINDING_OPEN, "pg-cycle"), 0);

	/* The pile-up: pgbench's three clients. */
	blocker = pg_server_connect(&srv, "postgres", "postgres");
	cr_assert_not_null(blocker);
	exec_ok(blocker, "BEGIN; UPDATE pgbench_branches SET bbalance = "
		"bbalance WHERE bid = 1");
	pid = PQbackendPID(blocker);
	snprintf(key, sizeof(key), "pg-blocked:%d", pid);
	wait_waiting(3, 10000);
	open = wait_record(TL_FINDING_OPEN, key, 30000);
	cr_assert_not_null(strstr(open.text, "3 sessions blocked behind pid"),
			   "%s", open.text);
	cr_assert_not_null(strstr(open.text, "idle in transaction"), "%s",
			   open.text);
	cr_assert_str_eq(open.level, "warn");
	snprintf(sql, sizeof(sql), "sessions blocked behind pid %d", pid);
	cr_assert_str_eq(open.subject, sql);
	cr_assert_eq(open.value, 3, "%s", open.text);
	cr_assert_geq(open.ts_ms - open.since_ms, 5000, "opened before 5 s");
	cr_assert(current("postgres.main", key, &early), "not open");

	/* It grows: three more. The finding says so in place; the record
	 * says it once, when it turns critical. */
	for (i = 0; i < 3; i++) {
		more[i] = pg_server_connect(&srv, "postgres", "postgres");
		cr_assert_not_null(more[i]);
		cr_assert(PQsendQuery(more[i], "UPDATE pgbench_branches SET "
				      "bbalance = bbalance WHERE bid = 1"));
	}
	sev = wait_record(TL_FINDING_SEV, key, 30000);
	cr_assert_not_null(strstr(sev.text, "warn -> crit: 6 sessions blocked "
				  "behind pid"), "%s", sev.text);
	cr_assert_str_eq(sev.level, "crit");
	cr_assert(current("postgres.main", key, &late), "not open");
	cr_assert_eq(late.value, 6, "%s", late.text);
	cr_assert_eq(late.peak, 6);
	cr_assert_str_neq(late.text, early.text, "not updated in place");
	cr_assert_eq(late.opened_ms, early.opened_ms, "not the same finding");
	cr_assert_eq(count(TL_FINDING_OPEN, "pg-blocked:"), 1);

	/* Terminated: the pile-up drains, and the finding closes with the
	 * value that cleared it and the worst it reached. */
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)", pid);
	exec_ok(admin, sql);
	close = wait_record(TL_FINDING_CLOSE, key, 30000);
	cr_assert_not_null(strstr(close.text, "cleared: no session waits "
				  "behind pid"), "%s", close.text);
	cr_assert_eq(close.value, 0, "clearing value %g", close.value);
	cr_assert_eq(close.peak, 6, "peak %g", close.peak);
	cr_assert_eq(close.opened_ms, open.ts_ms);

	/* Back to ordinary load: nothing more. */
	usleep(8 * 1000000);
	cr_assert_eq(count(TL_FINDING_OPEN, "pg-blocked:"), 1,
		     "one finding for the pile-up, none for the load");
	cr_assert_eq(count(TL_FINDING_CLOSE, "pg-blocked:"), 1);
	cr_assert_eq(count(TL_FINDING_SEV, "pg-blocked:"), 1);
	journal_rec_finish(&open);
	journal_rec_finish(&sev);
	journal_rec_finish(&close);
	for (i = 0; i < 3; i++) {
		while (PQgetResult(more[i]) != NULL) {
		}
		PQfinish(more[i]);
	}
	PQfinish(blocker);
}

/* A query running past the source's long_query is a finding with its
 * age; it clears when the query ends. */
Test(record_pg, a_query_past_long_query)
{
	struct config_section *sec = section("postgres.main", srv.port, 500);
	struct journal_rec open, close;
	PGconn *slow;

	config_section_set(sec, "long_query", "2s");
	open_room(&sec, 1);
	slow = pg_server_connect(&srv, "postgres", "postgres");
	cr_assert_not_null(slow);
	cr_assert(PQsendQuery(slow, "SELECT pg_sleep(6)"));
	open = wait_record(TL_FINDING_OPEN, "pg-long-query", 15000);
	cr_assert_not_null(strstr(open.text, "1 query running longer than "
				  "long_query: pid "), "%s", open.text);
	cr_assert_not_null(strstr(open.text, " > 2 s"), "%s", open.text);
	cr_assert_geq(open.value, 2);
	close = wait_record(TL_FINDING_CLOSE, "pg-long-query", 15000);
	cr_assert_not_null(strstr(close.text, "no query running longer than "
				  "2.0 s"), "%s", close.text);
	journal_rec_finish(&open);
	journal_rec_finish(&close);
	while (PQgetResult(slow) != NULL) {
	}
	PQfinish(slow);
}

/* A replica that disappears is a finding on its primary until it is back;
 * a standby whose replay is paused is one on the standby. */
Test(record_pg, replica_gone_and_replay_paused)
{
	struct config_section *secs[2];
	struct journal_rec gone, back, paused;
	PGconn *sb;
	char *dsn;
	int64_t end;
	bool streaming = false;

	cr_assert_eq(pg_server_init_standby(&standby, &srv), 0,
		     "the standby did not start");
	end = clock_mono_ms() + 15000;
	while (!streaming && clock_mono_ms() < end) {
		PGresult *r = PQexec(admin, "SELECT count(*) FROM "
				     "pg_stat_replication WHERE state = "
				     "'streaming'");

		streaming = atoi(PQgetvalue(r, 0, 0)) == 1;
		PQclear(r);
		usleep(100000);
	}
	cr_assert(streaming, "the standby never streamed");
	/* Adding a section may move the others: both first. */
	section("postgres.primary", srv.port, 500);
	section("postgres.standby", standby.port, 500);
	secs[0] = &cfg.sections[cfg.n_sections - 2];
	secs[1] = &cfg.sections[cfg.n_sections - 1];
	open_room(secs, 2);
	usleep(3 * 1000000);

	dsn = xasprintf("host=127.0.0.1 port=%d user=postgres "
			"dbname=postgres", standby.port);
	sb = PQconnectdb(dsn);
	free(dsn);
	cr_assert_eq(PQstatus(sb), CONNECTION_OK);
	exec_ok(sb, "SELECT pg_wal_replay_pause()");
	paused = wait_record(TL_FINDING_OPEN, "pg-replay-paused", 15000);
	cr_assert_str_eq(paused.source, "postgres.standby");
	cr_assert_not_null(strstr(paused.text, "WAL replay is paused"), "%s",
			   paused.text);
	exec_ok(sb, "SELECT pg_wal_replay_resume()");
	PQfinish(sb);

	pg_server_stop(&standby);
	gone = wait_record(TL_FINDING_OPEN, "pg-replica-gone:standby1", 20000);
	cr_assert_str_eq(gone.source, "postgres.primary");
	cr_assert_str_eq(gone.level, "crit");
	cr_assert_not_null(strstr(gone.text, "replica standby1 disconnected"),
			   "%s", gone.text);
	cr_assert_eq(pg_server_start(&standby), 0);
	back = wait_record(TL_FINDING_CLOSE, "pg-replica-gone:standby1",
			   30000);
	cr_assert_not_null(strstr(back.text, "replica standby1 connected "
				  "again"), "%s", back.text);
	journal_rec_finish(&paused);
	journal_rec_finish(&gone);
	journal_rec_finish(&back);
}

#endif /* HAVE_LIBPQ */
