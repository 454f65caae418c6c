/* The PostgreSQL actions when the server is full: a real PostgreSQL 15
 * with max_connections = 50 filled to the last slot, where a new
 * connection is refused. Terminating the blocker still works, through
 * the action worker and the incident's gate, on the session the probe
 * kept for actions; the count of connections includes warroom's own; a
 * kept session that is lost is opened again; and an action that cannot
 * run at all is journaled with the reason. Each test runs in its own
 * process with its own server. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"
#include "core/action.h"
#include "core/incident.h"
#include "core/incident_rt.h"
#include "core/journal.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "tests/integration/harness.h"
#include "tests/integration/pg_fixture.h"

#if HAVE_LIBPQ

#define MAX_CONNS 50

static PGconn *fill[MAX_CONNS + 8];
static int n_fill;
static char *dir;
static struct state *st;
static struct timeline *tl;
static struct actions *acts;
static struct incident_rt *rt;

static void
setup(void)
{
	static const char *const opts[] = { "max_connections=50", NULL };

	pgf_start(opts);
	n_fill = 0;
	dir = harness_tmpdir("warroom-pgfull");
	st = state_new();
	tl = timeline_new(NULL, NULL);
	acts = actions_new(st, tl, false);
}

static void
teardown(void)
{
	int i;

	actions_free(acts, 2000);
	incident_rt_free(rt);
	rt = NULL;
	timeline_free(tl);
	state_free(st);
	for (i = 0; i < n_fill; i++) {
		PQfinish(fill[i]);
	}
	pgf_stop();
	harness_rmrf(dir);
	free(dir);
	pg_server_template_cleanup();
}

/* Opens sessions until the server refuses one; returns its message. */
static char *
fill_to_the_last_slot(void)
{
	char *dsn = pg_server_dsn(&pgf_srv, "postgres", "postgres");
	char *why = NULL;

	while (n_fill < (int)(sizeof(fill) / sizeof(fill[0]))) {
		PGconn *c = PQconnectdb(dsn);

		if (PQstatus(c) != CONNECTION_OK) {
			why = xstrdup(PQerrorMessage(c));
			PQfinish(c);
			break;
		}
		fill[n_fill++] = c;
	}
	free(dsn);
	cr_assert_not_null(why, "the server never refused a connection");
	return why;
}

static double
used(const struct pg_model *m)
{
	return m->conns_active + m->conns_idle + m->conns_idle_xact +
	       (isnan(m->conns_other) ? 0 : m->conns_other);
}

static void
declare(void)
{
	struct incident_rt_opts o = { .dir = dir };
	struct err err = { { 0 } };

	rt = incident_rt_new(st, tl, acts, &o);
	cr_assert_eq(incident_rt_declare_now(rt, "Database full", INCIDENT_P1,
					     "tester", &err), 0, "%s",
		     err.msg);
}

/* The next finished request (a preview when preview); asserts it came. */
static void
wait_done(struct action_done *d, bool preview)
{
	int64_t end = pgf_now_ms() + 20000;

	while (pgf_now_ms() < end) {
		if (actions_poll_done(acts, d)) {
			cr_assert_eq(d->is_preview, preview);
			return;
		}
		usleep(20000);
	}
	cr_assert_fail("the action worker never finished");
}

/* Every record of the incident, flushed first. */
static struct journal_rec *
records(size_t *n)
{
	struct incident *inc = incident_rt_incident(rt);

	cr_assert_not_null(inc);
	cr_assert_eq(journal_flush(incident_journal(inc)), 0);
	return incident_records(inc, n);
}

static const struct journal_rec *
find_rec(const struct journal_rec *r, size_t n, enum tl_kind kind,
	 const char *action)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].kind == kind && r[i].action != NULL &&
		    strcmp(r[i].action, action) == 0) {
			return &r[i];
		}
	}
	return NULL;
}

TestSuite(postgres_full, .init = setup, .fini = teardown, .timeout = 90);

Test(postgres_full, terminate_works_and_is_journaled_when_full)
{
	struct config_section *sec = pgf_local_section("postgres.full",
						       "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *a = pgf_sess("postgres", "postgres");
	PGconn *b = pgf_sess("postgres", "postgres");
	const struct pg_session *sa;
	const struct pg_model *m;
	struct journal_rec *recs;
	const struct journal_rec *intent, *result;
	struct action_done d;
	struct action_req req;
	struct snapshot *s;
	struct err err = { { 0 } };
	char *why, want[128];
	size_t n;

	/* Two polls: the session kept for actions opens after the first. */
	snapshot_unref(pgf_poll(pp, sec->name));
	s = pgf_poll(pp, sec->name);
	cr_assert_gt(snapshot_pg(s)->action_pid, 0);
	snapshot_unref(s);

	/* A holds row 1 and sits idle in its transaction; B queues. */
	pgf_exec(a, "BEGIN; SELECT * FROM t WHERE id = 1 FOR UPDATE");
	pgf_send(b, "UPDATE t SET v = v + 1 WHERE id = 1");
	pgf_wait_lock_wait(PQbackendPID(b));

	why = fill_to_the_last_slot();
	cr_assert(strstr(why, "too many clients") != NULL, "%s", why);
	free(why);

	/* Every slot is taken, warroom's two sessions included. */
	s = pgf_poll(pp, sec->name);
	m = snapshot_pg(s);
	cr_assert_eq(m->max_connections, MAX_CONNS);
	cr_assert_eq(used(m), MAX_CONNS, "%g of %d", used(m), MAX_CONNS);
	cr_assert(s->n_findings > 0);
	sa = pgf_find(m, PQbackendPID(a));
	cr_assert_not_null(sa);

	declare();
	pgf_session_req(&req, pgf_action("terminate"), sec, s, sa->pid,
			sa->backend_start_us);
	/* The confirmation's check, then the action itself. */
	cr_assert_neq(actions_submit_preview(acts, &req, &err), 0, "%s",
		      err.msg);
	wait_done(&d, true);
	cr_assert(d.ok, "preview: %s", d.message);
	cr_assert(strstr(d.text, "idle in transaction") != NULL, "%s",
		  d.text);
	cr_assert_neq(actions_submit(acts, &req, &err), 0, "%s", err.msg);
	wait_done(&d, false);
	cr_assert(d.ok, "terminate: %s", d.message);
	snprintf(want, sizeof(want), "pg_terminate_backend(%d) = true; "
		 "1 session was queued behind it", sa->pid);
	cr_assert_str_eq(d.message, want);
	cr_assert(pgf_finish(b, 5000), "B never got its row");

	recs = records(&n);
	intent = find_rec(recs, n, TL_ACTION_INTENT, "terminate");
	result = find_rec(recs, n, TL_ACTION_RESULT, "terminate");
	cr_assert_not_null(intent);
	cr_assert_not_null(result);
	snprintf(want, sizeof(want), "SELECT pg_terminate_backend(%d);",
		 sa->pid);
	cr_assert(strstr(intent->op, want) != NULL, "%s", intent->op);
	cr_assert_eq(result->ok, 1);
	cr_assert_eq(result->intent_seq, intent->seq);
	cr_assert_str_eq(result->result, d.message);
	journal_recs_free(recs, n);

	action_req_clear(&req);
	snapshot_unref(s);
	pg_probe_free(pp);
	PQfinish(a);
	PQfinish(b);
}

/* The server closes the kept session (an administrator, an idle timeout):
 * the probe opens another on its next poll, and actions use that. */
Test(postgres_full, a_lost_kept_session_is_opened_again)
{
	struct config_section *sec = pgf_local_section("postgres.full",
						       "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *a = pgf_sess("postgres", "postgres");
	const struct pg_session *sa;
	struct action_req req;
	struct snapshot *s;
	struct err err = { { 0 } };
	char sql[96], result[256] = "";
	int first, second;
	int64_t end;

	snapshot_unref(pgf_poll(pp, sec->name));
	s = pgf_poll(pp, sec->name);
	first = snapshot_pg(s)->action_pid;
	cr_assert_gt(first, 0);
	snapshot_unref(s);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)", first);
	pgf_exec(pgf_admin, sql);

	end = pgf_now_ms() + 5000;
	do {
		usleep(50000);
		s = pgf_poll(pp, sec->name);
		second = snapshot_pg(s)->action_pid;
		if (second != first && second > 0) {
			break;
		}
		snapshot_unref(s);
		s = NULL;
	} while (pgf_now_ms() < end);
	cr_assert_not_null(s, "the kept session was not opened again");

	/* Filled up, the new kept session still does the work. */
	free(fill_to_the_last_slot());
	sa = pgf_find(snapshot_pg(s), PQbackendPID(a));
	cr_assert_not_null(sa);
	pgf_session_req(&req, pgf_action("terminate"), sec, s, sa->pid,
			sa->backend_start_us);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), 0,
		     "%s", err.msg);
	cr_assert(strstr(result, "= true") != NULL, "%s", result);

	/* Neither of warroom's sessions is ever a target. */
	action_req_clear(&req);
	pgf_session_req(&req, pgf_action("terminate"), sec, s, second, 0);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_assert(strstr(err.msg, "keeps for actions") != NULL, "%s",
		  err.msg);
	action_req_clear(&req);
	snapshot_unref(s);
	pg_probe_free(pp);
	PQfinish(a);
}

/* No kept session (it was closed, and the server filled up before the
 * probe could open another): the action fails with both reasons, and the
 * failure, though it came before the confirmation, is journaled. */
Test(postgres_full, an_action_that_cannot_run_is_journaled_with_why)
{
	struct config_section *sec = pgf_local_section("postgres.full",
						       "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *a = pgf_sess("postgres", "postgres");
	const struct pg_session *sa;
	struct journal_rec *recs;
	const struct journal_rec *intent, *result;
	struct action_done d;
	struct action_req req;
	struct snapshot *s;
	struct err err = { { 0 } };
	char sql[96];
	size_t n;
	int kept;

	snapshot_unref(pgf_poll(pp, sec->name));
	s = pgf_poll(pp, sec->name);
	kept = snapshot_pg(s)->action_pid;
	sa = pgf_find(snapshot_pg(s), PQbackendPID(a));
	cr_assert_not_null(sa);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)", kept);
	pgf_exec(pgf_admin, sql);
	usleep(200000);
	free(fill_to_the_last_slot());
	/* The probe's own session still polls; the kept one cannot be
	 * opened again. */
	snapshot_unref(pgf_poll(pp, sec->name));

	declare();
	pgf_session_req(&req, pgf_action("terminate"), sec, s, sa->pid,
			sa->backend_start_us);
	cr_assert_neq(actions_submit_preview(acts, &req, &err), 0, "%s",
		      err.msg);
	wait_done(&d, true);
	cr_assert_not(d.ok);
	cr_assert(strstr(d.message, "too many clients") != NULL, "%s",
		  d.message);
	cr_assert(strstr(d.message, "warroom's kept session is not open: ")
		  != NULL, "%s", d.message);

	recs = records(&n);
	intent = find_rec(recs, n, TL_ACTION_INTENT, "terminate");
	result = find_rec(recs, n, TL_ACTION_RESULT, "terminate");
	cr_assert_not_null(intent);
	cr_assert_not_null(result);
	cr_assert_eq(result->ok, 0);
	cr_assert_eq(strncmp(result->result, "not run: ", 9), 0, "%s",
		     result->result);
	cr_assert(strstr(result->result, "too many clients") != NULL, "%s",
		  result->result);
	journal_recs_free(recs, n);

	action_req_clear(&req);
	snapshot_unref(s);
	pg_probe_free(pp);
	PQfinish(a);
}

#endif /* HAVE_LIBPQ */

#if HAVE_LIBPQ
#include "probes/runner.h"

/* The kept session is shared by two threads: the probe's, polling every
 * 100 ms and checking it after each poll, and the action worker's,
 * borrowing it for one action after another. Every action runs on it
 * (none opens a connection of its own), and it is never reopened. Run
 * under ThreadSanitizer too (suite tsan). */
Test(postgres_full, kept_session_shared_by_the_probe_and_the_worker,
     .timeout = 120)
{
	struct config_section *sec = pgf_local_section("postgres.full",
						       "postgres");
	struct runner *r = runner_new(st);
	PGconn *a = pgf_sess("postgres", "postgres");
	struct action_req req;
	struct action_done d;
	struct snapshot *s;
	struct err err = { { 0 } };
	int idx, kept = 0, i;
	int64_t end;
	char sql[160];
	PGresult *res;

	sec->interval_ms = 100;
	idx = runner_add(r, &postgres_probe_ops, sec, &err);
	cr_assert_geq(idx, 0, "%s", err.msg);
	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	end = pgf_now_ms() + 10000;
	while (kept == 0) {
		cr_assert_lt(pgf_now_ms(), end, "no kept session");
		s = state_get(st, idx);
		if (s != NULL && snapshot_pg(s) != NULL) {
			kept = snapshot_pg(s)->action_pid;
		}
		snapshot_unref(s);
		usleep(20000);
	}
	s = state_get(st, idx);
	for (i = 0; i < 20; i++) {
		const struct pg_session *sa = pgf_find(snapshot_pg(s),
						       PQbackendPID(a));

		cr_assert_not_null(sa);
		pgf_session_req(&req, pgf_action("cancel"), sec, s, sa->pid,
				sa->backend_start_us);
		cr_assert_neq(actions_submit(acts, &req, &err), 0, "%s",
			      err.msg);
		wait_done(&d, false);
		cr_assert(d.ok, "cancel %d: %s", i, d.message);
		action_req_clear(&req);
	}
	snapshot_unref(s);

	/* The kept session ran them: its last query is the last one's. */
	snprintf(sql, sizeof(sql), "SELECT query FROM pg_stat_activity "
		 "WHERE pid = %d", kept);
	res = PQexec(pgf_admin, sql);
	cr_assert_eq(PQntuples(res), 1, "the kept session is gone");
	cr_assert(strstr(PQgetvalue(res, 0, 0), "pg_cancel_backend") != NULL,
		  "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	s = state_get(st, idx);
	cr_assert_eq(snapshot_pg(s)->action_pid, kept, "it was reopened");
	snapshot_unref(s);
	cr_assert_eq(runner_stop(r, 2000), 0);
	runner_free(r);
	PQfinish(a);
}
#endif /* HAVE_LIBPQ */
