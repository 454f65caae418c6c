/* What the PostgreSQL integration tests share (see pg_fixture.h). Test
 * processes, main thread. */
#include "tests/integration/pg_fixture.h"

#if HAVE_LIBPQ

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rules.h"
#include "core/xalloc.h"

/* One template data directory for the whole binary, made before its
 * tests fork (pg_server.h). */
ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	if (pg_server_template() < 0) {
		fprintf(stderr, "pg_fixture: no template data directory\n");
	}
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	pg_server_template_cleanup();
}

struct pg_server pgf_srv;
struct config pgf_cfg;
PGconn *pgf_admin;

int64_t
pgf_now_ms(void)
{
	return pgc_now_ms();
}

void
pgf_start(const char *const *opts)
{
	memset(&pgf_cfg, 0, sizeof(pgf_cfg));
	cr_assert_eq(pg_server_init(&pgf_srv, opts), 0,
		     "server did not start");
	pgf_admin = pg_server_connect(&pgf_srv, "postgres", "postgres");
	cr_assert_not_null(pgf_admin);
	cr_assert(pg_server_exec(pgf_admin,
		"CREATE TABLE t (id int PRIMARY KEY, v int); "
		"INSERT INTO t SELECT g, 0 FROM generate_series(1, 10) g"));
}

void
pgf_stop(void)
{
	if (pgf_admin != NULL) {
		PQfinish(pgf_admin);
		pgf_admin = NULL;
	}
	pg_server_destroy(&pgf_srv);
	config_finish(&pgf_cfg);
}

struct config_section *
pgf_section(const char *name, const char *dsn, int timeout_ms)
{
	struct config_section *sec = config_add_section(&pgf_cfg, name);

	config_section_set(sec, "dsn", dsn);
	sec->timeout_ms = timeout_ms;
	sec->interval_ms = 200;
	return sec;
}

struct config_section *
pgf_local_section(const char *name, const char *user)
{
	char *dsn = pg_server_dsn(&pgf_srv, user, "postgres");
	struct config_section *sec = pgf_section(name, dsn, 5000);

	free(dsn);
	return sec;
}

struct pg_probe *
pgf_probe(const struct config_section *sec)
{
	struct err err = { { 0 } };
	struct pg_probe *pp = pg_probe_new(sec, NULL, &err);

	cr_assert_not_null(pp, "%s", err.msg);
	return pp;
}

struct snapshot *
pgf_poll(struct pg_probe *pp, const char *source)
{
	struct snapshot *s = snapshot_new(SNAP_PG, source);
	struct err err = { { 0 } };

	cr_assert_eq(pg_probe_poll(pp, s, &err), 0, "poll failed: %s",
		     err.msg);
	cr_assert_not_null(snapshot_pg(s));
	rules_derive(s);
	return s;
}

const struct pg_session *
pgf_find(const struct pg_model *m, int pid)
{
	size_t i;

	for (i = 0; i < m->n_sessions; i++) {
		if (m->sessions[i].pid == pid) {
			return &m->sessions[i];
		}
	}
	return NULL;
}

PGconn *
pgf_sess(const char *user, const char *db)
{
	PGconn *c = pg_server_connect(&pgf_srv, user, db);

	cr_assert_not_null(c);
	return c;
}

void
pgf_exec(PGconn *c, const char *sql)
{
	cr_assert(pg_server_exec(c, sql), "%s failed", sql);
}

void
pgf_send(PGconn *c, const char *sql)
{
	cr_assert(PQsendQuery(c, sql), "%s", PQerrorMessage(c));
}

bool
pgf_finish(PGconn *c, int timeout_ms)
{
	int64_t end = pgf_now_ms() + timeout_ms;
	bool ok = true;
	PGresult *r;

	while (pgf_now_ms() < end) {
		if (!PQconsumeInput(c)) {
			return false;
		}
		if (!PQisBusy(c)) {
			while ((r = PQgetResult(c)) != NULL) {
				if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
					ok = false;
				}
				PQclear(r);
			}
			return ok;
		}
		usleep(10000);
	}
	return false;
}

void
pgf_wait_lock_wait(int pid)
{
	char sql[128];
	int64_t end = pgf_now_ms() + 5000;

	snprintf(sql, sizeof(sql),
		 "SELECT 1 FROM pg_locks WHERE pid = %d AND NOT granted", pid);
	while (pgf_now_ms() < end) {
		PGresult *r = PQexec(pgf_admin, sql);
		int n = PQntuples(r);

		PQclear(r);
		if (n > 0) {
			return;
		}
		usleep(10000);
	}
	cr_assert_fail("pid %d never waited for a lock", pid);
}

void
pgf_session_req(struct action_req *req, const struct action_impl *impl,
		const struct config_section *sec, struct snapshot *snap,
		int pid, int64_t start_us)
{
	memset(req, 0, sizeof(*req));
	req->impl = impl;
	req->section = sec;
	strlcpy_safe(req->source, sec->name, sizeof(req->source));
	req->target.type = TARGET_PG_BACKEND;
	req->target.u.pg.pid = pid;
	req->target.u.pg.backend_start_us = start_us;
	snprintf(req->target.label, sizeof(req->target.label), "pid %d", pid);
	if (snap != NULL) {
		action_req_set_snap(req, snap);
	}
}

const struct action_impl *
pgf_action(const char *name)
{
	const struct action_impl *d;

	for (d = postgres_actions; d->spec != NULL; d++) {
		if (strcmp(d->spec->name, name) == 0) {
			return d;
		}
	}
	cr_assert_fail("no action %s", name);
	return NULL;
}

#endif /* HAVE_LIBPQ */
