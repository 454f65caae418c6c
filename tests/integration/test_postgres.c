/* The PostgreSQL probe against a real PostgreSQL 15 that each test starts
 * itself (pg_server.c): the lock tree of a pile-up and clearing it with
 * the terminate action, long queries, a server killed and restarted, a
 * server that never answers, hostile query texts, a role without
 * privileges, pg_stat_statements, passwords. Each test runs in its own
 * process with its own server.
 *
 * Invalid UTF-8 cannot be stored in a UTF8 database, but the activity
 * view shows query texts as they came: a session in a SQL_ASCII database
 * sends the bytes, and the probe, connected to a UTF8 database, reads them
 * back unconverted. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "core/config.h"
#include "core/kind.h"
#include "core/rules.h"
#include "core/sanitize.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/xalloc.h"
#include "probes/postgres.h"
#include "probes/runner.h"
#include "tests/integration/harness.h"
#include "tests/integration/pg_fixture.h"
#include "tests/integration/pg_server.h"

/* Without libpq there is no probe to test. */
#if HAVE_LIBPQ

static struct pg_server standby;        /* when a test makes one */

static void
setup(void)
{
	pgf_start(NULL);
}

static void
teardown(void)
{
	if (standby.dir != NULL) {
		pg_server_destroy(&standby);
	}
	pgf_stop();
	/* Only when this process had to make its own template. */
	pg_server_template_cleanup();
}

static size_t
n_waiting(const struct pg_model *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->n_sessions; i++) {
		n += m->sessions[i].n_blocked_by > 0;
	}
	return n;
}

/* ---- the lock tree, as a string ------------------------------------- */

struct named {
	int pid;
	const char *name;
};

static const char *
name_of(const struct named *nm, size_t n, int pid)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (nm[i].pid == pid) {
			return nm[i].name;
		}
	}
	return NULL;
}

static bool
waits_for(const struct pg_session *s, int pid)
{
	size_t i;

	for (i = 0; i < s->n_blocked_by; i++) {
		if (s->blocked_by[i] == pid) {
			return true;
		}
	}
	return false;
}

static void
tree_node(const struct pg_model *m, const struct named *nm, size_t n,
	  int pid, char *out, size_t cap, int depth)
{
	const char *kids[16];
	size_t nk = 0, i, j;

	strncat(out, name_of(nm, n, pid), cap - strlen(out) - 1);
	if (depth > 8) {
		return;
	}
	for (i = 0; i < m->n_sessions; i++) {
		const char *k = name_of(nm, n, m->sessions[i].pid);

		if (k != NULL && waits_for(&m->sessions[i], pid) && nk < 16) {
			kids[nk++] = k;
		}
	}
	/* Children in name order, so the string is stable. */
	for (i = 1; i < nk; i++) {
		for (j = i; j > 0 && strcmp(kids[j - 1], kids[j]) > 0; j--) {
			const char *x = kids[j];

			kids[j] = kids[j - 1];
			kids[j - 1] = x;
		}
	}
	if (nk == 0) {
		return;
	}
	strncat(out, "(", cap - strlen(out) - 1);
	for (i = 0; i < nk; i++) {
		size_t k;

		for (k = 0; k < n && strcmp(nm[k].name, kids[i]) != 0; k++) {
		}
		if (i > 0) {
			strncat(out, ",", cap - strlen(out) - 1);
		}
		tree_node(m, nm, n, nm[k].pid, out, cap, depth + 1);
	}
	strncat(out, ")", cap - strlen(out) - 1);
}

/* "A(B,C,D(E))": every named root blocker (blocks someone named, waits
 * for nobody) with its named waiters, nested. */
static void
lock_tree(const struct pg_model *m, const struct named *nm, size_t n,
	  char *out, size_t cap)
{
	size_t i, j;
	bool first = true;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const struct pg_session *s = pgf_find(m, nm[i].pid);
		bool blocks = false;

		if (s == NULL || s->n_blocked_by > 0) {
			continue;
		}
		for (j = 0; j < m->n_sessions; j++) {
			if (name_of(nm, n, m->sessions[j].pid) != NULL &&
			    waits_for(&m->sessions[j], nm[i].pid)) {
				blocks = true;
			}
		}
		if (!blocks) {
			continue;
		}
		if (!first) {
			strncat(out, " ", cap - strlen(out) - 1);
		}
		first = false;
		tree_node(m, nm, n, nm[i].pid, out, cap, 0);
	}
}

/* Polls until the tree reads want (the waiters need a moment to wake up
 * and lock); returns the last snapshot. */
static struct snapshot *
poll_until_tree(struct pg_probe *pp, const struct named *nm, size_t n,
		const char *want)
{
	int64_t end = pgf_now_ms() + 5000;
	char got[256] = "";

	while (pgf_now_ms() < end) {
		struct snapshot *s = pgf_poll(pp, "postgres.test");

		lock_tree(snapshot_pg(s), nm, n, got, sizeof(got));
		if (strcmp(got, want) == 0) {
			return s;
		}
		snapshot_unref(s);
		usleep(50000);
	}
	cr_assert_fail("lock tree \"%s\", expected \"%s\"", got, want);
	return NULL;
}

/* ---- tests ---------------------------------------------------------- */

TestSuite(postgres, .init = setup, .fini = teardown, .timeout = 30);

Test(postgres, basic_poll_excludes_own_session)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *other = pgf_sess("postgres", "postgres");
	struct snapshot *s1, *s2;
	const struct pg_model *m;
	int own;

	pgf_exec(other, "SELECT 1");
	s1 = pgf_poll(pp, sec->name);
	m = snapshot_pg(s1);
	own = pg_probe_backend_pid(pp);
	cr_assert_gt(own, 0);
	cr_assert_null(pgf_find(m, own), "warroom's own session is listed");
	cr_assert_not_null(pgf_find(m, PQbackendPID(other)));
	cr_assert_not_null(pgf_find(m, PQbackendPID(pgf_admin)));
	cr_assert_eq(strncmp(m->server_version, "15.", 3), 0, "version %s",
		     m->server_version);
	cr_assert_eq(m->max_connections, 100);
	/* admin and other, both idle; warroom's own session, running the
	 * poll, is not listed but counts against max_connections, and so
	 * does the session kept for actions, opened after the first poll's
	 * statements (idle, listed from the next poll on). */
	cr_assert_gt(m->action_pid, 0);
	cr_assert_null(pgf_find(m, m->action_pid));
	cr_assert_eq(m->conns_idle, 3, "idle %g", m->conns_idle);
	cr_assert_eq(m->conns_active, 1);
	cr_assert(!m->is_standby);
	cr_assert(isnan(m->replay_delay_s));
	cr_assert_eq(m->n_replicas, 0);
	cr_assert_gt(m->db_size_bytes, 1e6);
	cr_assert(isnan(m->xact_per_s), "no rate before two polls");
	cr_assert(!m->has_stat_statements);
	cr_assert_str_eq(m->notice, "");
	cr_assert_eq(m->long_query_s, 5.0);
	{
		const struct pg_session *o = pgf_find(m, PQbackendPID(other));

		cr_assert_str_eq(o->state, "idle");
		cr_assert_str_eq(o->user, "postgres");
		cr_assert_str_eq(o->db, "postgres");
		cr_assert_str_eq(o->query, "SELECT 1");
		cr_assert_eq(strncmp(o->client, "127.0.0.1:", 10), 0);
		cr_assert_gt(o->backend_start_us, 1600000000000000LL);
		cr_assert_eq(o->n_blocked_by, 0);
		/* Idle outside a transaction: no transaction age (not 0 s),
		 * and how long it has been idle. */
		cr_assert(isnan(o->xact_s), "xact_s %g", o->xact_s);
		cr_assert(o->state_s >= 0 && o->state_s < 30, "state_s %g",
			  o->state_s);
		cr_assert_str_eq(o->lock_db, "");
	}
	{
		/* A session that never ran a query has no query age. */
		char *dsn = pg_server_dsn(&pgf_srv, "postgres", "postgres");
		PGconn *fresh = PQconnectdb(dsn);
		struct snapshot *sf;
		const struct pg_session *f;

		free(dsn);
		cr_assert_eq(PQstatus(fresh), CONNECTION_OK);
		sf = pgf_poll(pp, sec->name);
		f = pgf_find(snapshot_pg(sf), PQbackendPID(fresh));
		cr_assert_not_null(f);
		cr_assert(isnan(f->query_s), "query_s %g", f->query_s);
		cr_assert(isnan(f->xact_s), "xact_s %g", f->xact_s);
		snapshot_unref(sf);
		PQfinish(fresh);
	}
	cr_assert_eq(m->reserved_connections, 3);
	cr_assert_str_eq(m->lock_other_db, "");

	/* Backends report their counters at most once a second. */
	{
		int64_t end = pgf_now_ms() + 5000;

		for (;;) {
			pgf_exec(other, "SELECT 1");
			pgf_exec(other, "SELECT 2");
			usleep(300000);
			s2 = pgf_poll(pp, sec->name);
			m = snapshot_pg(s2);
			if (m->xact_per_s > 0 || pgf_now_ms() > end) {
				break;
			}
			snapshot_unref(s2);
		}
	}
	cr_assert(!isnan(m->xact_per_s) && m->xact_per_s > 0,
		  "xact/s %g", m->xact_per_s);
	/* From the second poll on, the session kept for actions is one of
	 * the idle ones, and the model names it. */
	cr_assert_gt(m->action_pid, 0);
	cr_assert_neq(m->action_pid, own);
	cr_assert_not_null(pgf_find(m, m->action_pid));
	cr_assert_str_eq(pgf_find(m, m->action_pid)->state, "idle");
	cr_assert_str_eq(pgf_find(m, m->action_pid)->app, "warroom");
	cr_assert_eq(m->conns_idle, 3, "idle %g", m->conns_idle);
	cr_assert_eq(m->conns_active, 1);
	cr_assert(!isnan(m->rollback_per_s));
	cr_assert_eq(m->deadlocks, 0);
	snapshot_unref(s1);
	snapshot_unref(s2);
	pg_probe_free(pp);
	PQfinish(other);
}

Test(postgres, pile_up_tree_and_terminate_root)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *a = pgf_sess("postgres", "postgres");
	PGconn *b = pgf_sess("postgres", "postgres");
	PGconn *c = pgf_sess("postgres", "postgres");
	PGconn *d = pgf_sess("postgres", "postgres");
	PGconn *e = pgf_sess("postgres", "postgres");
	struct named nm[] = {
		{ PQbackendPID(a), "A" }, { PQbackendPID(b), "B" },
		{ PQbackendPID(c), "C" }, { PQbackendPID(d), "D" },
		{ PQbackendPID(e), "E" },
	};
	struct action_req req;
	struct snapshot *s;
	const struct pg_model *m;
	const struct pg_session *sa, *sb, *se;
	char result[256] = "";
	struct err err = { { 0 } };

	/* A holds rows 1-3 and sits idle in its transaction. */
	pgf_exec(a, "SET application_name = 'billing-worker'");
	pgf_exec(a, "BEGIN; SELECT * FROM t WHERE id IN (1, 2, 3) FOR UPDATE");
	pgf_send(b, "UPDATE t SET v = v + 1 WHERE id = 1");
	pgf_wait_lock_wait(nm[1].pid);
	pgf_send(c, "UPDATE t SET v = v + 1 WHERE id = 2");
	pgf_wait_lock_wait(nm[2].pid);
	/* D locks row 4, then queues for A's row 3; E queues for row 4. */
	pgf_exec(d, "BEGIN; UPDATE t SET v = v + 1 WHERE id = 4");
	pgf_send(d, "UPDATE t SET v = v + 1 WHERE id = 3");
	pgf_wait_lock_wait(nm[3].pid);
	pgf_send(e, "UPDATE t SET v = v + 1 WHERE id = 4");
	pgf_wait_lock_wait(nm[4].pid);

	s = poll_until_tree(pp, nm, 5, "A(B,C,D(E))");
	m = snapshot_pg(s);
	sa = pgf_find(m, nm[0].pid);
	sb = pgf_find(m, nm[1].pid);
	se = pgf_find(m, nm[4].pid);
	cr_assert_str_eq(sa->state, "idle in transaction");
	cr_assert_str_eq(sa->app, "billing-worker");
	cr_assert(sa->state_s >= 0 && sa->state_s <= sa->xact_s,
		  "idle %g in a transaction of %g", sa->state_s, sa->xact_s);
	cr_assert_eq(m->conns_idle_xact, 1);
	cr_assert(m->oldest_idle_xact_s >= 0);
	cr_assert_str_eq(sa->lock_mode, "");
	cr_assert_str_eq(sb->state, "active");
	cr_assert_str_eq(sb->wait_event, "Lock:transactionid");
	cr_assert_str_eq(sb->lock_mode, "ShareLock");
	cr_assert_eq(strncmp(sb->lock_rel, "t row (", 7), 0, "lock_rel %s",
		     sb->lock_rel);
	cr_assert(sb->wait_s >= 0 && sb->wait_s < 30, "wait %g", sb->wait_s);
	cr_assert_eq(strncmp(se->lock_rel, "t row (", 7), 0, "lock_rel %s",
		     se->lock_rel);

	/* The confirmation names the exact SQL, the target and the cost. */
	pgf_session_req(&req, pgf_action("terminate"), sec, s, sa->pid,
		    sa->backend_start_us);
	{
		char text[2048], want[64];

		req.impl->describe(&req, text, sizeof(text));
		snprintf(want, sizeof(want), "SELECT pg_terminate_backend(%d);",
			 sa->pid);
		cr_assert(strstr(text, want) != NULL, "%s", text);
		cr_assert(strstr(text, "user postgres, db postgres") != NULL,
			  "%s", text);
		cr_assert(strstr(text, "backend started 20") != NULL, "%s",
			  text);
		cr_assert(strstr(text, "state: idle in transaction for ")
			  != NULL, "%s", text);
		cr_assert(strstr(text, "last query (finished): BEGIN; SELECT * FROM "
				 "t WHERE id IN (1, 2, 3) FOR UPDATE") != NULL,
			  "%s", text);
		cr_assert(strstr(text, "application billing-worker") != NULL,
			  "%s", text);
		cr_assert(strstr(text, "4 sessions are queued behind it")
			  != NULL, "%s", text);
		cr_assert(strstr(text, "terminate closes the whole session, "
				 "not just the query") != NULL ||
			  strstr(text, "Terminate closes the whole session, "
				 "not just the query") != NULL, "%s", text);
		text[0] = '\0';
		cr_assert_eq(req.impl->preview(&req, text, sizeof(text), &err),
			     0, "%s", err.msg);
		cr_assert(strstr(text, "idle in transaction for ") != NULL,
			  "%s", text);
		cr_assert(strstr(text, "application billing-worker") != NULL,
			  "%s", text);
		cr_assert(strstr(text, "4 sessions are queued behind it")
			  != NULL, "%s", text);
	}
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), 0,
		     "%s", err.msg);
	{
		char want[96];

		snprintf(want, sizeof(want), "pg_terminate_backend(%d) = true; "
			 "4 sessions were queued behind it", sa->pid);
		cr_assert_str_eq(result, want);
	}
	action_req_clear(&req);
	snapshot_unref(s);

	/* B, C and D get their rows; D still holds row 4, so E waits. */
	cr_assert(pgf_finish(b, 5000));
	cr_assert(pgf_finish(c, 5000));
	cr_assert(pgf_finish(d, 5000));
	s = poll_until_tree(pp, nm, 5, "D(E)");
	cr_assert_null(pgf_find(snapshot_pg(s), nm[0].pid));
	snapshot_unref(s);
	pgf_exec(d, "COMMIT");
	cr_assert(pgf_finish(e, 5000));
	s = poll_until_tree(pp, nm, 5, "");
	cr_assert_eq(n_waiting(snapshot_pg(s)), 0);
	snapshot_unref(s);

	pg_probe_free(pp);
	PQfinish(a);
	PQfinish(b);
	PQfinish(c);
	PQfinish(d);
	PQfinish(e);
}

Test(postgres, terminate_checks_the_backend_is_the_same)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *a = pgf_sess("postgres", "postgres");
	struct snapshot *s = pgf_poll(pp, sec->name);
	const struct pg_session *sa = pgf_find(snapshot_pg(s),
					       PQbackendPID(a));
	struct action_req req;
	char result[256] = "";
	struct err err = { { 0 } };

	cr_assert_not_null(sa);
	/* A backend start one microsecond off is another session. */
	pgf_session_req(&req, pgf_action("terminate"), sec, s, sa->pid,
		    sa->backend_start_us + 1);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_assert(strstr(err.msg, "is now a different session") != NULL,
		  "%s", err.msg);
	cr_assert(strstr(err.msg, "nothing done") != NULL, "%s", err.msg);
	pgf_exec(a, "SELECT 1");

	action_req_clear(&req);

	/* warroom's own monitoring session is never a target: the snapshot
	 * the operator confirmed against names it. */
	cr_assert_eq(snapshot_pg(s)->own_pid, pg_probe_backend_pid(pp));
	pgf_session_req(&req, pgf_action("terminate"), sec, s,
		    pg_probe_backend_pid(pp), 0);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_assert(strstr(err.msg, "warroom's own") != NULL, "%s", err.msg);
	action_req_clear(&req);
	snapshot_unref(s);
	s = pgf_poll(pp, sec->name);

	/* A pid that is gone. */
	pgf_session_req(&req, pgf_action("cancel"), sec, s, 999999, 1);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_assert(strstr(err.msg, "is gone") != NULL, "%s", err.msg);

	/* A target that is not a session. */
	req.target.type = TARGET_SOURCE;
	req.target.u.pg.pid = 0;
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_assert(strstr(err.msg, "no session selected") != NULL, "%s",
		  err.msg);
	action_req_clear(&req);
	snapshot_unref(s);
	pg_probe_free(pp);
	PQfinish(a);
}

/* Which session is warroom's own is a fact of each source's snapshot: the
 * same pid seen from another source is just another session. */
Test(postgres, own_session_is_per_source)
{
	struct config_section *sec_a, *sec_b;
	struct pg_probe *pa, *pb;
	struct snapshot *sa, *sb;
	int own_a, own_b;
	const struct pg_session *a_from_b;
	struct action_req req;
	char result[256] = "";
	struct err err = { { 0 } };

	/* Adding a section may move the others: both first. */
	pgf_local_section("postgres.a", "postgres");
	pgf_local_section("postgres.b", "postgres");
	cr_assert_eq(pgf_cfg.n_sections, 2);
	sec_a = &pgf_cfg.sections[0];
	sec_b = &pgf_cfg.sections[1];
	pa = pgf_probe(sec_a);
	pb = pgf_probe(sec_b);
	sa = pgf_poll(pa, sec_a->name);
	sb = pgf_poll(pb, sec_b->name);
	own_a = pg_probe_backend_pid(pa);
	own_b = pg_probe_backend_pid(pb);
	cr_assert_gt(own_a, 0);
	cr_assert_gt(own_b, 0);
	cr_assert_neq(own_a, own_b);
	cr_assert_eq(snapshot_pg(sa)->own_pid, own_a);
	cr_assert_eq(snapshot_pg(sb)->own_pid, own_b);

	/* Each source refuses its own session. */
	pgf_session_req(&req, pgf_action("cancel"), sec_a, sa, own_a, 0);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_assert(strstr(err.msg, "warroom's own") != NULL, "%s", err.msg);
	action_req_clear(&req);
	pgf_session_req(&req, pgf_action("cancel"), sec_b, sb, own_b, 0);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_assert(strstr(err.msg, "warroom's own") != NULL, "%s", err.msg);
	action_req_clear(&req);

	/* Source a's session, seen from b, is someone else's: an idle one
	 * cancelled is left alone. */
	a_from_b = pgf_find(snapshot_pg(sb), own_a);
	cr_assert_not_null(a_from_b);
	pgf_session_req(&req, pgf_action("cancel"), sec_b, sb, own_a,
		    a_from_b->backend_start_us);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), 0,
		     "%s", err.msg);
	cr_assert(strstr(result, "= true") != NULL, "%s", result);
	action_req_clear(&req);

	snapshot_unref(sa);
	snapshot_unref(sb);
	pg_probe_free(pa);
	pg_probe_free(pb);
}

Test(postgres, cancel_idle_in_transaction_keeps_the_lock)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *a = pgf_sess("postgres", "postgres");
	PGconn *b = pgf_sess("postgres", "postgres");
	struct named nm[] = {
		{ PQbackendPID(a), "A" }, { PQbackendPID(b), "B" },
	};
	struct action_req req;
	struct snapshot *s;
	const struct pg_session *sa;
	char result[256] = "", text[2048];
	struct err err = { { 0 } };

	pgf_exec(a, "BEGIN; UPDATE t SET v = 1 WHERE id = 1");
	pgf_send(b, "UPDATE t SET v = 2 WHERE id = 1");
	pgf_wait_lock_wait(nm[1].pid);
	s = poll_until_tree(pp, nm, 2, "A(B)");
	sa = pgf_find(snapshot_pg(s), nm[0].pid);
	pgf_session_req(&req, pgf_action("cancel"), sec, s, sa->pid,
		    sa->backend_start_us);
	req.impl->describe(&req, text, sizeof(text));
	cr_assert(strstr(text, "SELECT pg_cancel_backend(") != NULL, "%s",
		  text);
	cr_assert(strstr(text, "cancel will not release its locks") != NULL,
		  "%s", text);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), 0,
		     "%s", err.msg);
	cr_assert(strstr(result, "idle in transaction") != NULL, "%s",
		  result);
	cr_assert(strstr(result, "locks stay held") != NULL, "%s", result);
	action_req_clear(&req);
	snapshot_unref(s);
	/* Still blocked: cancel does nothing to an idle transaction. */
	usleep(200000);
	s = poll_until_tree(pp, nm, 2, "A(B)");
	snapshot_unref(s);
	pg_probe_free(pp);
	PQfinish(a);
	PQfinish(b);
}

Test(postgres, long_query_and_cancel)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *q = pgf_sess("postgres", "postgres");
	struct action_req req;
	struct snapshot *s;
	const struct pg_session *sq;
	char result[256] = "";
	struct err err = { { 0 } };
	int64_t end;

	pgf_send(q, "SELECT pg_sleep(30) /* long report */");
	usleep(1300000);
	s = pgf_poll(pp, sec->name);
	sq = pgf_find(snapshot_pg(s), PQbackendPID(q));
	cr_assert_not_null(sq);
	cr_assert_str_eq(sq->state, "active");
	cr_assert_str_eq(sq->wait_event, "Timeout:PgSleep");
	cr_assert(sq->query_s >= 1.0 && sq->query_s < 10, "query_s %g",
		  sq->query_s);
	cr_assert(sq->xact_s >= 1.0, "xact_s %g", sq->xact_s);
	cr_assert(strstr(sq->query, "pg_sleep(30)") != NULL);
	/* The query, and warroom's own session running the poll. */
	cr_assert_eq(snapshot_pg(s)->conns_active, 2);

	pgf_session_req(&req, pgf_action("cancel"), sec, s, sq->pid,
		    sq->backend_start_us);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), 0,
		     "%s", err.msg);
	cr_assert(strstr(result, "= true") != NULL, "%s", result);
	cr_assert(!pgf_finish(q, 5000), "the query was not canceled");
	action_req_clear(&req);
	snapshot_unref(s);
	/* The session is still there, idle. */
	end = pgf_now_ms() + 3000;
	for (;;) {
		s = pgf_poll(pp, sec->name);
		sq = pgf_find(snapshot_pg(s), PQbackendPID(q));
		cr_assert_not_null(sq, "cancel closed the session");
		if (strcmp(sq->state, "idle") == 0 || pgf_now_ms() > end) {
			break;
		}
		snapshot_unref(s);
		usleep(50000);
	}
	cr_assert_str_eq(sq->state, "idle");
	snapshot_unref(s);
	pg_probe_free(pp);
	PQfinish(q);
}

Test(postgres, relation_lock_named_and_probe_not_blocked)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *a = pgf_sess("postgres", "postgres");
	PGconn *b = pgf_sess("postgres", "postgres");
	struct named nm[] = {
		{ PQbackendPID(a), "A" }, { PQbackendPID(b), "B" },
	};
	struct snapshot *s;
	const struct pg_session *sb;

	/* The heaviest lock there is, on a table the pane names: the probe
	 * reads around it and never queues behind it. */
	pgf_exec(a, "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
	pgf_send(b, "SELECT count(*) FROM t");
	pgf_wait_lock_wait(nm[1].pid);
	s = poll_until_tree(pp, nm, 2, "A(B)");
	sb = pgf_find(snapshot_pg(s), nm[1].pid);
	cr_assert_str_eq(sb->lock_mode, "AccessShareLock");
	cr_assert_str_eq(sb->lock_rel, "t");
	cr_assert_str_eq(sb->wait_event, "Lock:relation");
	cr_assert(sb->wait_s >= 0);
	snapshot_unref(s);
	pgf_exec(a, "ROLLBACK");
	cr_assert(pgf_finish(b, 5000));
	pg_probe_free(pp);
	PQfinish(a);
	PQfinish(b);
}

/* A lock in a database the probe is not connected to: its relation has
 * an OID only, and the pane says why it cannot be named. */
Test(postgres, lock_in_another_database_says_why_it_is_unnamed)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *a, *b;
	struct named nm[2];
	struct snapshot *s;
	const struct pg_session *sb;
	const struct pg_model *m;

	pgf_exec(pgf_admin, "CREATE DATABASE app");
	a = pgf_sess("postgres", "app");
	b = pgf_sess("postgres", "app");
	nm[0] = (struct named){ PQbackendPID(a), "A" };
	nm[1] = (struct named){ PQbackendPID(b), "B" };
	pgf_exec(a, "CREATE TABLE orders (id int)");
	pgf_exec(a, "BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
	pgf_send(b, "SELECT count(*) FROM orders");
	pgf_wait_lock_wait(nm[1].pid);
	s = poll_until_tree(pp, nm, 2, "A(B)");
	m = snapshot_pg(s);
	sb = pgf_find(m, nm[1].pid);
	cr_assert_eq(strncmp(sb->lock_rel, "relation ", 9), 0, "%s",
		     sb->lock_rel);
	cr_assert(strstr(sb->lock_rel, " in app") != NULL, "%s",
		  sb->lock_rel);
	cr_assert_str_eq(sb->lock_db, "app");
	cr_assert_str_eq(m->lock_other_db, "app");
	cr_assert(strstr(m->notice, "locks in database app show relation "
			 "OIDs") != NULL, "%s", m->notice);
	cr_assert(strstr(m->notice, "point dsn at app") != NULL, "%s",
		  m->notice);
	snapshot_unref(s);
	pgf_exec(a, "ROLLBACK");
	cr_assert(pgf_finish(b, 5000));
	pg_probe_free(pp);
	PQfinish(a);
	PQfinish(b);
}

static bool
streaming(const struct pg_model *m)
{
	return m->n_replicas == 1 &&
	       strcmp(m->replicas[0].state, "streaming") == 0;
}

Test(postgres, replication_primary_and_standby)
{
	struct config_section *psec, *ssec;
	struct pg_probe *pp, *sp;
	struct snapshot *s = NULL;
	const struct pg_model *m = NULL;
	char *dsn;
	int64_t end;
	bool lag_seen = false;

	cr_assert_eq(pg_server_init_standby(&standby, &pgf_srv), 0,
		     "the standby did not start");
	/* Adding a section may move the others: both first. */
	pgf_local_section("postgres.test", "postgres");
	dsn = xasprintf("host=127.0.0.1 port=%d user=postgres "
			"dbname=postgres", standby.port);
	pgf_section("postgres.standby", dsn, 5000);
	free(dsn);
	psec = &pgf_cfg.sections[0];
	ssec = &pgf_cfg.sections[1];
	pp = pgf_probe(psec);
	end = pgf_now_ms() + 10000;
	while (pgf_now_ms() < end) {
		s = pgf_poll(pp, psec->name);
		m = snapshot_pg(s);
		if (streaming(m)) {
			break;
		}
		snapshot_unref(s);
		s = NULL;
		usleep(100000);
	}
	cr_assert_not_null(s, "the standby never streamed");
	cr_assert(!m->is_standby);
	cr_assert(!m->replay_paused);
	cr_assert(isnan(m->replay_behind_bytes));
	cr_assert_str_eq(m->replicas[0].name, "standby1");
	cr_assert_str_eq(m->replicas[0].client, "127.0.0.1");
	cr_assert_str_eq(m->replicas[0].sync_state, "async");
	cr_assert(m->replicas[0].replay_lag_bytes >= 0, "%g bytes",
		  m->replicas[0].replay_lag_bytes);
	snapshot_unref(s);
	/* Lag is measured while WAL flows (and NULL once idle). */
	end = pgf_now_ms() + 5000;
	while (!lag_seen && pgf_now_ms() < end) {
		pgf_exec(pgf_admin, "INSERT INTO t SELECT g + 100, 0 FROM "
			"generate_series(1, 100) g ON CONFLICT DO NOTHING; "
			"UPDATE t SET v = v + 1");
		s = pgf_poll(pp, psec->name);
		m = snapshot_pg(s);
		if (streaming(m) && !isnan(m->replicas[0].replay_lag_s)) {
			cr_assert(m->replicas[0].replay_lag_s >= 0 &&
				  m->replicas[0].replay_lag_s < 5);
			cr_assert(m->replicas[0].write_lag_s >= 0);
			lag_seen = true;
		}
		snapshot_unref(s);
		usleep(20000);
	}
	cr_assert(lag_seen, "no replay lag while writing");

	sp = pgf_probe(ssec);
	{
		char *d = xasprintf("host=127.0.0.1 port=%d user=postgres "
				    "dbname=postgres", standby.port);
		PGconn *reader = PQconnectdb(d);

		free(d);
		cr_assert_eq(PQstatus(reader), CONNECTION_OK);
		pgf_exec(reader, "SELECT count(*) FROM t");
		s = pgf_poll(sp, ssec->name);
		m = snapshot_pg(s);
		cr_assert(m->is_standby);
		cr_assert(!isnan(m->replay_delay_s) && m->replay_delay_s >= 0,
			  "replay delay %g", m->replay_delay_s);
		cr_assert_eq(m->n_replicas, 0);
		cr_assert_not_null(pgf_find(m, PQbackendPID(reader)));
		cr_assert(!m->replay_paused);
		cr_assert(m->replay_behind_bytes >= 0, "%g bytes",
			  m->replay_behind_bytes);
		snapshot_unref(s);

		/* Replay paused on the standby: it says so, and the WAL it
		 * receives and does not replay shows in bytes on both
		 * sides. */
		pgf_exec(reader, "SELECT pg_wal_replay_pause()");
		end = pgf_now_ms() + 10000;
		for (;;) {
			struct snapshot *ps;
			double behind, primary_lag;

			pgf_exec(pgf_admin, "UPDATE t SET v = v + 1");
			s = pgf_poll(sp, ssec->name);
			ps = pgf_poll(pp, psec->name);
			behind = snapshot_pg(s)->replay_behind_bytes;
			primary_lag = snapshot_pg(ps)->n_replicas == 1 ?
				snapshot_pg(ps)->replicas[0].replay_lag_bytes :
				NAN;
			cr_assert(snapshot_pg(s)->replay_paused);
			snapshot_unref(s);
			snapshot_unref(ps);
			if (behind > 0 && primary_lag > 0) {
				break;
			}
			cr_assert(pgf_now_ms() < end, "behind %g, primary lag "
				  "%g", behind, primary_lag);
			usleep(100000);
		}
		pgf_exec(reader, "SELECT pg_wal_replay_resume()");
		s = pgf_poll(sp, ssec->name);
		cr_assert(!snapshot_pg(s)->replay_paused);
		snapshot_unref(s);
		PQfinish(reader);
	}
	pg_probe_free(sp);
	pg_probe_free(pp);
}

/* Waits until the source publishes a snapshot for which pred holds;
 * returns it (a reference). */
static struct snapshot *
wait_snap(struct state *st, int idx, bool (*pred)(const struct snapshot *),
	  int timeout_ms)
{
	int64_t end = pgf_now_ms() + timeout_ms;

	while (pgf_now_ms() < end) {
		struct snapshot *s = state_get(st, idx);

		if (s != NULL && pred(s)) {
			return s;
		}
		snapshot_unref(s);
		usleep(20000);
	}
	return NULL;
}

static bool
has_data(const struct snapshot *s)
{
	return s->error[0] == '\0' && snapshot_pg(s) != NULL;
}

static bool
has_error(const struct snapshot *s)
{
	return s->error[0] != '\0';
}

static bool
refused(const struct snapshot *s)
{
	return strstr(s->error, "connection refused") != NULL;
}

Test(postgres, server_killed_then_back)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct err err = { { 0 } };
	struct pg_probe *reach;
	struct snapshot *s;
	char where[64];
	int idx;

	sec->timeout_ms = 2000;
	idx = runner_add(r, &postgres_probe_ops, sec, &err);
	cr_assert_geq(idx, 0, "%s", err.msg);
	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	s = wait_snap(st, idx, has_data, 5000);
	cr_assert_not_null(s, "no first snapshot");
	snapshot_unref(s);

	PQfinish(pgf_admin);
	pgf_admin = NULL;
	pg_server_kill(&pgf_srv);
	s = wait_snap(st, idx, has_error, 5000);
	cr_assert_not_null(s, "no error after the server died");
	/* The session is cut, or the next connection is refused. */
	cr_assert(strstr(s->error, "terminating connection") != NULL ||
		  strstr(s->error, "server closed the connection") != NULL ||
		  strstr(s->error, "connection refused") != NULL,
		  "error \"%s\"", s->error);
	snprintf(where, sizeof(where), "127.0.0.1:%d", pgf_srv.port);
	cr_assert(strstr(s->error, where) != NULL, "error \"%s\"", s->error);
	cr_assert_not_null(s->last_good, "the last data is kept");
	cr_assert_not_null(snapshot_pg(s->last_good));
	snapshot_unref(s);
	s = wait_snap(st, idx, refused, 5000);
	cr_assert_not_null(s, "no 'connection refused'");
	cr_assert_not_null(s->last_good);
	cr_assert_gt(s->retry_mono_ms, s->taken_mono_ms);
	snapshot_unref(s);
	/* What the runner asks while it backs off: the address refuses. */
	reach = pgf_probe(sec);
	cr_assert_eq(postgres_probe_ops.reachable(reach, NULL), 0);

	cr_assert_eq(pg_server_start(&pgf_srv), 0);
	cr_assert_eq(postgres_probe_ops.reachable(reach, NULL), 1);
	pg_probe_free(reach);
	runner_refresh(r, idx);
	s = wait_snap(st, idx, has_data, 10000);
	cr_assert_not_null(s, "the probe did not reconnect");
	snapshot_unref(s);
	cr_assert_eq(runner_stop(r, 2000), 0);
	runner_free(r);
	state_free(st);
}

Test(postgres, stalled_server_times_out)
{
	struct harness_peer *peer = harness_peer_start(NULL, 0);
	char dsn[128], want[96];
	struct config_section *sec;
	struct pg_probe *pp;
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.stall");
	struct err err = { { 0 } };
	int64_t t0;

	cr_assert_not_null(peer);
	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d user=x dbname=x",
		 harness_peer_port(peer));
	sec = pgf_section("postgres.stall", dsn, 1000);
	pp = pgf_probe(sec);
	t0 = pgf_now_ms();
	cr_assert_eq(pg_probe_poll(pp, s, &err), -1);
	cr_assert_lt(pgf_now_ms() - t0, 2000, "took %lld ms",
		     (long long)(pgf_now_ms() - t0));
	snprintf(want, sizeof(want), "timed out after 1s waiting for "
		 "127.0.0.1:%d", harness_peer_port(peer));
	cr_assert_str_eq(err.msg, want);
	cr_assert_geq(harness_peer_accepted(peer), 1);
	snapshot_unref(s);
	pg_probe_free(pp);
	harness_peer_stop(peer);
}

Test(postgres, stalled_server_does_not_delay_shutdown)
{
	struct harness_peer *peer = harness_peer_start(NULL, 0);
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct config_section *sec;
	struct err err = { { 0 } };
	char dsn[128];
	int64_t t0;
	int idx;

	cr_assert_not_null(peer);
	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d user=x dbname=x",
		 harness_peer_port(peer));
	sec = pgf_section("postgres.stall", dsn, 10000);
	idx = runner_add(r, &postgres_probe_ops, sec, &err);
	cr_assert_geq(idx, 0, "%s", err.msg);
	cr_assert_eq(runner_start(r, &err), 0);
	while (harness_peer_accepted(peer) < 1) {
		usleep(10000);
	}
	usleep(200000);
	t0 = pgf_now_ms();
	cr_assert_eq(runner_stop(r, 1000), 0, "the probe thread was stuck");
	cr_assert_lt(pgf_now_ms() - t0, 1000);
	runner_free(r);
	state_free(st);
	harness_peer_stop(peer);
}

Test(postgres, query_text_escapes_and_invalid_utf8)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	static const char sql[] = "SELECT pg_sleep(30) /* \x1b[31mred\x1b[0m "
				  "\xff\xfe bad */";
	PGconn *q;
	struct snapshot *s;
	const struct pg_session *sq;
	char *shown;

	pgf_exec(pgf_admin, "CREATE DATABASE raw ENCODING 'SQL_ASCII' "
		"LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
	q = pgf_sess("postgres", "raw");
	pgf_send(q, sql);
	usleep(200000);
	s = pgf_poll(pp, sec->name);
	sq = pgf_find(snapshot_pg(s), PQbackendPID(q));
	cr_assert_not_null(sq);
	cr_assert_str_eq(sq->db, "raw");
	/* The model keeps the bytes; the screen gets them escaped. */
	cr_assert_str_eq(sq->query, sql);
	shown = sanitize(sq->query);
	cr_assert(strstr(shown, "\\x1b[31mred\\x1b[0m") != NULL, "%s", shown);
	cr_assert(strstr(shown, "\\xff\\xfe bad") != NULL, "%s", shown);
	cr_assert(sanitize_is_clean(shown));
	free(shown);
	snapshot_unref(s);
	pg_probe_free(pp);
	PQfinish(q);
}

Test(postgres, role_without_privileges_gets_a_notice)
{
	struct config_section *sec;
	struct pg_probe *pp;
	struct snapshot *s;
	const struct pg_model *m;
	const struct pg_session *sa;

	pgf_exec(pgf_admin, "CREATE ROLE app LOGIN");
	pgf_exec(pgf_admin, "SELECT 1");
	sec = pgf_local_section("postgres.test", "app");
	pp = pgf_probe(sec);
	s = pgf_poll(pp, sec->name);
	m = snapshot_pg(s);
	cr_assert_str_eq(m->notice, "role app cannot see other users' "
			 "queries (needs pg_read_all_stats)");
	sa = pgf_find(m, PQbackendPID(pgf_admin));
	cr_assert_not_null(sa, "other users' sessions are still listed");
	cr_assert_str_eq(sa->query, "<insufficient privilege>");
	cr_assert_str_eq(sa->user, "postgres");
	cr_assert_eq(sa->backend_start_us, 0);
	snapshot_unref(s);
	pg_probe_free(pp);

	pgf_exec(pgf_admin, "GRANT pg_read_all_stats TO app");
	pp = pgf_probe(sec);
	s = pgf_poll(pp, sec->name);
	m = snapshot_pg(s);
	cr_assert_str_eq(m->notice, "");
	sa = pgf_find(m, PQbackendPID(pgf_admin));
	cr_assert_str_eq(sa->query, "GRANT pg_read_all_stats TO app");
	snapshot_unref(s);
	pg_probe_free(pp);
}

Test(postgres, terminate_idle_in_transaction_older_than)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	PGconn *old = pgf_sess("postgres", "postgres");
	PGconn *young;
	struct action_req req;
	char text[2048], result[256] = "", want[64];
	struct err err = { { 0 } };
	struct snapshot *s;
	int old_pid = PQbackendPID(old);

	pgf_exec(old, "BEGIN; SELECT 1");
	usleep(3000000);
	young = pgf_sess("postgres", "postgres");
	pgf_exec(young, "BEGIN; SELECT 2");
	s = pgf_poll(pp, sec->name);
	cr_assert_eq(snapshot_pg(s)->conns_idle_xact, 2);
	cr_assert_geq(snapshot_pg(s)->oldest_idle_xact_s, 2.9);

	memset(&req, 0, sizeof(req));
	req.impl = pgf_action("terminate-idle");
	req.section = sec;
	req.target.type = TARGET_SOURCE;
	strlcpy_safe(req.source, sec->name, sizeof(req.source));
	action_req_set_snap(&req, s);
	snapshot_unref(s);
	strlcpy_safe(req.arg, "abc", sizeof(req.arg));
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_assert(strstr(err.msg, "minutes must be a number") != NULL);
	strlcpy_safe(req.arg, "0", sizeof(req.arg));
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);

	/* 0.04 min = 2.4 s: the old one only. */
	strlcpy_safe(req.arg, "0.04", sizeof(req.arg));
	req.impl->describe(&req, text, sizeof(text));
	cr_assert(strstr(text, "SELECT pid, pg_terminate_backend(pid) FROM "
			 "pg_stat_activity WHERE state = 'idle in "
			 "transaction' AND state_change < now() - 0.04 * "
			 "interval '1 minute' AND pid <> pg_backend_pid();")
		  != NULL, "%s", text);
	cr_assert_eq(req.impl->preview(&req, text, sizeof(text), &err), 0,
		     "%s", err.msg);
	snprintf(want, sizeof(want), "pid %d ", old_pid);
	cr_assert(strstr(text, "1 session would be terminated") != NULL,
		  "%s", text);
	cr_assert(strstr(text, want) != NULL, "%s", text);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), 0,
		     "%s", err.msg);
	snprintf(want, sizeof(want), "(pid %d)", old_pid);
	cr_assert(strstr(result, "terminated 1 of 1 session") != NULL, "%s",
		  result);
	cr_assert(strstr(result, want) != NULL, "%s", result);
	action_req_clear(&req);
	usleep(200000);
	s = pgf_poll(pp, sec->name);
	cr_assert_null(pgf_find(snapshot_pg(s), old_pid));
	cr_assert_not_null(pgf_find(snapshot_pg(s), PQbackendPID(young)));
	snapshot_unref(s);
	pg_probe_free(pp);
	PQfinish(old);
	PQfinish(young);
}

Test(postgres, connection_errors_are_clear)
{
	char dsn[128], want[96];
	int port = harness_free_port();
	struct config_section *sec;
	struct pg_probe *pp;
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.x");
	struct err err = { { 0 } };

	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d user=x dbname=x",
		 port);
	sec = pgf_section("postgres.x", dsn, 2000);
	pp = pgf_probe(sec);
	cr_assert_eq(pg_probe_poll(pp, s, &err), -1);
	snprintf(want, sizeof(want), "connection refused (127.0.0.1:%d)",
		 port);
	cr_assert_str_eq(err.msg, want);
	pg_probe_free(pp);

	sec = pgf_section("postgres.y", "host=127.0.0.1 nonsense=1", 2000);
	pp = pgf_probe(sec);
	cr_assert_eq(pg_probe_poll(pp, s, &err), -1);
	cr_assert(strstr(err.msg, "invalid connection option \"nonsense\"")
		  != NULL, "%s", err.msg);
	pg_probe_free(pp);

	/* No such database on a real server. */
	snapshot_unref(s);
	s = snapshot_new(SNAP_PG, "postgres.z");
	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d user=postgres "
		 "dbname=nope", pgf_srv.port);
	pp = pgf_probe(pgf_section("postgres.z", dsn, 2000));
	cr_assert_eq(pg_probe_poll(pp, s, &err), -1);
	snprintf(want, sizeof(want), "database \"nope\" does not exist "
		 "(127.0.0.1:%d)", pgf_srv.port);
	cr_assert_str_eq(err.msg, want);
	pg_probe_free(pp);
	snapshot_unref(s);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

Test(postgres, passwords_work_and_never_show)
{
	char *hba = xasprintf("%s/pg_hba.conf", pgf_srv.data);
	char *pwfile = xasprintf("%s/pw", pgf_srv.dir);
	char *pgpass = xasprintf("%s/pgpass", pgf_srv.dir);
	char line[256], dsn[160];
	struct config_section *sec;
	struct pg_probe *pp;
	struct snapshot *s;
	struct err err = { { 0 } };
	int rc;

	/* Password authentication for "pw" only; everyone else trusted. */
	pgf_exec(pgf_admin, "CREATE ROLE pw LOGIN PASSWORD 'Sekrit-4711'");
	rc = harness_sh(NULL, "printf 'host all pw 127.0.0.1/32 "
			"scram-sha-256\\n' | cat - '%s' > '%s.new' && "
			"cat '%s.new' > '%s'", hba, hba, hba, hba);
	cr_assert_eq(rc, 0);
	pgf_exec(pgf_admin, "SELECT pg_reload_conf()");
	usleep(200000);

	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d user=pw "
		 "dbname=postgres", pgf_srv.port);
	write_file(pwfile, "Sekrit-4711\n", 0600);
	sec = pgf_section("postgres.file", dsn, 3000);
	config_section_set(sec, "password_file", pwfile);
	pp = pgf_probe(sec);
	s = pgf_poll(pp, sec->name);
	snapshot_unref(s);
	pg_probe_free(pp);

	/* A wrong one: the message says so and never shows it. */
	write_file(pwfile, "Wrong-0815\n", 0600);
	pp = pgf_probe(sec);
	s = snapshot_new(SNAP_PG, sec->name);
	cr_assert_eq(pg_probe_poll(pp, s, &err), -1);
	cr_assert(strstr(err.msg, "password authentication failed for user "
			 "\"pw\"") != NULL, "%s", err.msg);
	cr_assert_null(strstr(err.msg, "Wrong-0815"));
	snapshot_unref(s);
	pg_probe_free(pp);

	/* In the dsn itself. */
	snprintf(dsn, sizeof(dsn), "postgresql://pw:Wrong-0815@127.0.0.1:%d/"
		 "postgres", pgf_srv.port);
	pp = pgf_probe(pgf_section("postgres.uri", dsn, 3000));
	s = snapshot_new(SNAP_PG, "postgres.uri");
	cr_assert_eq(pg_probe_poll(pp, s, &err), -1);
	cr_assert(strstr(err.msg, "password authentication failed") != NULL,
		  "%s", err.msg);
	cr_assert_null(strstr(err.msg, "Wrong-0815"));
	snapshot_unref(s);
	pg_probe_free(pp);

	/* ~/.pgpass (here PGPASSFILE), as libpq does it. */
	snprintf(line, sizeof(line), "127.0.0.1:%d:*:pw:Sekrit-4711\n",
		 pgf_srv.port);
	write_file(pgpass, line, 0600);
	setenv("PGPASSFILE", pgpass, 1);
	snprintf(dsn, sizeof(dsn), "host=127.0.0.1 port=%d user=pw "
		 "dbname=postgres", pgf_srv.port);
	pp = pgf_probe(pgf_section("postgres.pgpass", dsn, 3000));
	s = pgf_poll(pp, "postgres.pgpass");
	snapshot_unref(s);
	pg_probe_free(pp);
	unsetenv("PGPASSFILE");
	free(hba);
	free(pwfile);
	free(pgpass);
}

/* A server with pg_stat_statements preloaded. */
static void
setup_statements(void)
{
	static const char *const opts[] = {
		"shared_preload_libraries=pg_stat_statements", NULL,
	};

	pgf_start(opts);
}

TestSuite(postgres_preload, .init = setup_statements, .fini = teardown,
	  .timeout = 30);

Test(postgres_preload, stat_statements_top)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp = pgf_probe(sec);
	struct snapshot *s = pgf_poll(pp, sec->name);
	const struct pg_model *m = snapshot_pg(s);
	size_t i;
	bool seen = false;

	/* Loaded but no extension in this database yet. */
	cr_assert(!m->has_stat_statements);
	cr_assert_str_eq(m->notice, "");
	snapshot_unref(s);
	pg_probe_free(pp);

	pgf_exec(pgf_admin, "CREATE EXTENSION pg_stat_statements");
	pgf_exec(pgf_admin, "SELECT count(*) FROM t WHERE v > 41");
	pp = pgf_probe(sec);
	s = pgf_poll(pp, sec->name);
	m = snapshot_pg(s);
	cr_assert(m->has_stat_statements);
	cr_assert_gt(m->n_statements, 0);
	cr_assert_leq(m->n_statements, 20);
	for (i = 0; i < m->n_statements; i++) {
		cr_assert(!isnan(m->statements[i].calls));
		cr_assert(!isnan(m->statements[i].total_ms));
		cr_assert(!isnan(m->statements[i].mean_ms));
		if (i > 0) {
			cr_assert_geq(m->statements[i - 1].total_ms,
				      m->statements[i].total_ms);
		}
		if (strstr(m->statements[i].query, "FROM t WHERE v > $1")) {
			seen = true;
		}
	}
	cr_assert(seen, "the test's statement is not listed");
	snapshot_unref(s);
	pg_probe_free(pp);
}

Test(postgres, stat_statements_installed_not_loaded)
{
	struct config_section *sec = pgf_local_section("postgres.test",
						   "postgres");
	struct pg_probe *pp;
	struct snapshot *s;
	const struct pg_model *m;

	pgf_exec(pgf_admin, "CREATE EXTENSION pg_stat_statements");
	pp = pgf_probe(sec);
	s = pgf_poll(pp, sec->name);
	m = snapshot_pg(s);
	cr_assert(!m->has_stat_statements);
	cr_assert(strstr(m->notice, "pg_stat_statements not loaded") != NULL,
		  "notice \"%s\"", m->notice);
	cr_assert_gt(m->n_sessions, 0, "the rest of the poll is there");
	snapshot_unref(s);
	/* Not asked again on this connection: the next poll is clean. */
	s = pgf_poll(pp, sec->name);
	cr_assert(strstr(snapshot_pg(s)->notice, "not loaded") != NULL);
	snapshot_unref(s);
	pg_probe_free(pp);
}

#endif /* HAVE_LIBPQ */
