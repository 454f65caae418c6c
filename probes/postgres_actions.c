/* The PostgreSQL session actions: cancel a query, terminate a session,
 * terminate every session idle in transaction for more than N minutes.
 * describe() runs on any thread and never touches the network (it reads
 * the snapshot the operator confirmed against); preview() and run() run
 * on the action worker, on the session the probe keeps for them
 * (postgres_reserve.c), else on a short-lived connection of their own. */
#include "probes/postgres.h"

#if HAVE_LIBPQ

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* Sessions listed by the idle preview. */
#define IDLE_LIST_MAX 30

static const char terminate_consequence[] =
	"Terminate closes the whole session, not just the query: its open "
	"transaction is rolled back and its locks are released.";
static const char cancel_consequence[] =
	"Cancel stops the running query only; the session stays connected. "
	"A session idle in transaction keeps its transaction and its locks: "
	"cancel does not release them (terminate does).";

/* ---- the action's connection ---------------------------------------- */

struct act_conn {
	PGconn *c;
	struct pg_reserve *reserve;     /* c is the probe's kept session */
	char where[160];
	int timeout_ms;
	int64_t deadline_ms;
	struct pgc_stop stop;
};

static bool
act_stop(const void *ctx)
{
	return action_cancelled();
}

/* A connection of the action's own, when no kept session can be lent:
 * set up as the kept one is. */
static int
act_connect(const struct action_req *req, struct act_conn *ac,
	    struct err *err)
{
	PGresult *res[2] = { NULL, NULL };
	char sql[128];
	int n, i, rc = 0;

	ac->c = pgc_connect(req->section, ac->timeout_ms, ac->deadline_ms,
			    &ac->stop, ac->where, sizeof(ac->where), err);
	if (ac->c == NULL) {
		return -1;
	}
	/* Signalling a backend takes no lock; the lookups must not wait. */
	snprintf(sql, sizeof(sql), "SET statement_timeout = %d; "
		 "SET lock_timeout = 1000", ac->timeout_ms);
	if (!libpq.PQsendQuery(ac->c, sql)) {
		rc = pgc_conn_error(ac->c, ac->where, err);
	} else if ((n = pgc_collect(ac->c, ac->deadline_ms, ac->timeout_ms,
				    &ac->stop, ac->where, res, 2, err)) < 0) {
		rc = -1;
	} else {
		for (i = 0; i < n; i++) {
			if (rc == 0 &&
			    libpq.PQresultStatus(res[i]) != PGRES_COMMAND_OK) {
				pgc_result_error(res[i], "session setup failed",
						 ac->where, err);
				rc = -1;
			}
			libpq.PQclear(res[i]);
		}
	}
	if (rc < 0) {
		libpq.PQfinish(ac->c);
		ac->c = NULL;
	}
	return rc;
}

/* The session the action runs on: the one the source's probe keeps for
 * actions, which exists before the server fills up; else one of its
 * own. */
static int
act_open(const struct action_req *req, struct act_conn *ac, struct err *err)
{
	char why[ERR_MSG_MAX];

	memset(ac, 0, sizeof(*ac));
	if (req->section == NULL) {
		return err_set(err, "%s: no configuration for this source",
			       req->source);
	}
	ac->timeout_ms = req->section->timeout_ms > 0 ?
			 req->section->timeout_ms : 5000;
	ac->deadline_ms = pgc_now_ms() + ac->timeout_ms;
	ac->stop.fn = act_stop;
	ac->c = pg_reserve_borrow(req->section, &ac->reserve, ac->where,
				  sizeof(ac->where), why, sizeof(why));
	if (ac->c != NULL) {
		return 0;
	}
	if (act_connect(req, ac, err) < 0) {
		char failed[ERR_MSG_MAX];

		strlcpy_safe(failed, err->msg, sizeof(failed));
		return err_set(err, "%s; warroom's kept session is not open: "
			       "%s", failed, why);
	}
	return 0;
}

static void
act_close(struct act_conn *ac)
{
	if (ac->reserve != NULL) {
		pg_reserve_return(ac->reserve);
		ac->reserve = NULL;
		ac->c = NULL;
	} else if (ac->c != NULL) {
		libpq.PQfinish(ac->c);
		ac->c = NULL;
	}
}

static PGresult *
act_exec(struct act_conn *ac, const char *sql, int n_params,
	 const char *const *params, struct err *err)
{
	return pgc_exec(ac->c, sql, n_params, params, ac->deadline_ms,
			ac->timeout_ms, &ac->stop, ac->where, err);
}

/* ---- the target session --------------------------------------------- */

struct target {
	int pid;
	int64_t start_us;
	char pid_s[16];
	/* From the server, after verify(). */
	char user[64];
	char db[64];
	char state[64];
	char app[64];
	double query_age_s;     /* NAN unknown */
	double xact_age_s;
	double state_age_s;     /* since its state changed: idle for */
	/* Sessions queued behind it, transitively, in the snapshot the
	 * operator confirmed against. */
	int waiting;
};

static int
parse_target(const struct action_req *req, struct target *t,
	     struct err *err)
{
	memset(t, 0, sizeof(*t));
	if (req->target.type != TARGET_PG_BACKEND ||
	    req->target.u.pg.pid <= 0) {
		return err_set(err, "no session selected");
	}
	t->pid = req->target.u.pg.pid;
	t->start_us = req->target.u.pg.backend_start_us;
	snprintf(t->pid_s, sizeof(t->pid_s), "%d", t->pid);
	t->waiting = pg_locks_behind(req->snap != NULL ?
				     snapshot_pg(req->snap) : NULL, t->pid);
	return 0;
}

/* Checks that the target is still the session the operator chose (same
 * pid, same backend start) and is not warroom's own; fills in what the
 * server says about it. */
static int
verify(const struct action_req *req, struct act_conn *ac, struct target *t,
       struct err *err)
{
	static const char sql[] =
		"SELECT " PG_START_US_SQL("backend_start") ", "
		"coalesce(usename::text, ''), coalesce(datname::text, ''), "
		"coalesce(state, ''), "
		PG_SINCE_SQL("query_start") ", "
		PG_SINCE_SQL("xact_start") ", "
		"pg_backend_pid(), coalesce(application_name, ''), "
		PG_SINCE_SQL("state_change") " "
		"FROM pg_stat_activity WHERE pid = $1::int";
	const char *params[1] = { t->pid_s };
	const struct pg_model *m = req->snap != NULL ?
		snapshot_pg(req->snap) : NULL;
	PGresult *r;
	int rc = -1;

	if (m != NULL && m->own_pid == t->pid) {
		return err_set(err, "pid %d is warroom's own monitoring "
			       "session; nothing done", t->pid);
	}
	if (m != NULL && m->action_pid == t->pid) {
		return err_set(err, "pid %d is the session warroom keeps for "
			       "actions; nothing done", t->pid);
	}
	if ((r = act_exec(ac, sql, 1, params, err)) == NULL) {
		return -1;
	}
	if (libpq.PQntuples(r) != 1) {
		err_set(err, "pid %d is gone (no such session any more); "
			"nothing done", t->pid);
		goto out;
	}
	if (atoi(libpq.PQgetvalue(r, 0, 6)) == t->pid) {
		err_set(err, "pid %d is this action's own session; nothing "
			"done", t->pid);
		goto out;
	}
	if (libpq.PQgetisnull(r, 0, 0)) {
		err_set(err, "cannot verify pid %d: this role cannot see its "
			"backend start (needs pg_read_all_stats); nothing done",
			t->pid);
		goto out;
	}
	if (strtoll(libpq.PQgetvalue(r, 0, 0), NULL, 10) != t->start_us) {
		err_set(err, "pid %d is now a different session (backend "
			"restarted); nothing done", t->pid);
		goto out;
	}
	strlcpy_safe(t->user, libpq.PQgetvalue(r, 0, 1), sizeof(t->user));
	strlcpy_safe(t->db, libpq.PQgetvalue(r, 0, 2), sizeof(t->db));
	strlcpy_safe(t->state, libpq.PQgetvalue(r, 0, 3), sizeof(t->state));
	t->query_age_s = libpq.PQgetisnull(r, 0, 4)
			     ? NAN
			     : strtod(libpq.PQgetvalue(r, 0, 4), NULL);
	t->xact_age_s = libpq.PQgetisnull(r, 0, 5)
			    ? NAN
			    : strtod(libpq.PQgetvalue(r, 0, 5), NULL);
	strlcpy_safe(t->app, libpq.PQgetvalue(r, 0, 7), sizeof(t->app));
	t->state_age_s = libpq.PQgetisnull(r, 0, 8)
			     ? NAN
			     : strtod(libpq.PQgetvalue(r, 0, 8), NULL);
	rc = 0;
out:
	libpq.PQclear(r);
	return rc;
}

static const char *
behind_text(int n, char *buf, size_t len)
{
	snprintf(buf, len, "%d session%s queued behind it", n,
		 n == 1 ? " is" : "s are");
	return buf;
}

static void
describe_session(const struct action_req *req, char *buf, size_t n,
		 const char *fn, bool cancel)
{
	struct target t;
	struct err err;

	buf[0] = '\0';
	if (parse_target(req, &t, &err) < 0) {
		strappendf(buf, n, "%s\n", err.msg);
		return;
	}
	strappendf(buf, n, "SELECT %s(%d);\n", fn, t.pid);
	pg_describe_backend(req, cancel, buf, n);
	strappendf(buf, n, "%s", cancel ? cancel_consequence :
		   terminate_consequence);
}

static void
describe_cancel(const struct action_req *req, char *buf, size_t n)
{
	describe_session(req, buf, n, "pg_cancel_backend", true);
}

static void
describe_terminate(const struct action_req *req, char *buf, size_t n)
{
	describe_session(req, buf, n, "pg_terminate_backend", false);
}

/* ---- preview and run: one session ------------------------------------ */

static int
preview_session(const struct action_req *req, char *buf, size_t n,
		struct err *err)
{
	bool cancel = ACTION_SPEC(req) == &action_pg_cancel;
	struct act_conn ac;
	struct target t;
	char age[64], text[128];

	buf[0] = '\0';
	if (parse_target(req, &t, err) < 0 || act_open(req, &ac, err) < 0) {
		return -1;
	}
	if (verify(req, &ac, &t, err) < 0) {
		act_close(&ac);
		return -1;
	}
	act_close(&ac);
	sanitize_into(text, sizeof(text), t.user, strlen(t.user));
	strappendf(buf, n, "now: pid %d, user %s", t.pid, text);
	sanitize_into(text, sizeof(text), t.db, strlen(t.db));
	strappendf(buf, n, ", db %s", text);
	if (t.app[0] != '\0') {
		sanitize_into(text, sizeof(text), t.app, strlen(t.app));
		strappendf(buf, n, ", application %s", text);
	}
	sanitize_into(text, sizeof(text), t.state, strlen(t.state));
	strappendf(buf, n, ", %s", text[0] ? text : "state unknown");
	if (strncmp(t.state, "idle", 4) == 0 && !isnan(t.state_age_s)) {
		/* Its last query has finished: how long it has sat idle is
		 * what matters. */
		clock_format_duration((int64_t)(t.state_age_s * 1000), age,
				      sizeof(age));
		strappendf(buf, n, " for %s", age);
	} else if (!isnan(t.query_age_s)) {
		clock_format_duration((int64_t)(t.query_age_s * 1000), age,
				      sizeof(age));
		strappendf(buf, n, ", query started %s ago", age);
	}
	if (!isnan(t.xact_age_s)) {
		clock_format_duration((int64_t)(t.xact_age_s * 1000), age,
				      sizeof(age));
		strappendf(buf, n, ", transaction open %s", age);
	}
	strappendf(buf, n, "\n");
	if (t.waiting > 0) {
		strappendf(buf, n, "%s\n", behind_text(t.waiting, age,
							sizeof(age)));
	}
	if (cancel && pg_is_idle_xact(t.state)) {
		strappendf(buf, n, "it is idle in transaction: cancel will not "
			   "release its locks; terminate (T) does\n");
	}
	return 0;
}

static int
run_signal(const struct action_req *req, char *result, size_t n,
	   struct err *err, bool cancel)
{
	const char *fn = cancel ? "pg_cancel_backend" : "pg_terminate_backend";
	char sql[64];
	struct act_conn ac;
	struct target t;
	const char *params[1];
	PGresult *r;
	bool ok;

	if (parse_target(req, &t, err) < 0 || act_open(req, &ac, err) < 0) {
		return -1;
	}
	if (verify(req, &ac, &t, err) < 0) {
		act_close(&ac);
		return -1;
	}
	params[0] = t.pid_s;
	snprintf(sql, sizeof(sql), "SELECT %s($1::int)", fn);
	r = act_exec(&ac, sql, 1, params, err);
	act_close(&ac);
	if (r == NULL) {
		char why[ERR_MSG_MAX];

		strlcpy_safe(why, err->msg, sizeof(why));
		return err_set(err, "%s(%d) failed: %s", fn, t.pid, why);
	}
	ok = libpq.PQntuples(r) == 1 && libpq.PQgetvalue(r, 0, 0)[0] == 't';
	libpq.PQclear(r);
	if (!ok) {
		snprintf(result, n, "%s(%d) = false (the session had already "
			 "ended)", fn, t.pid);
	} else if (cancel && pg_is_idle_xact(t.state)) {
		snprintf(result, n, "%s(%d) = true, but pid %d is idle in "
			 "transaction: its locks stay held (terminate "
			 "releases them)", fn, t.pid, t.pid);
	} else if (cancel && strcmp(t.state, "active") != 0) {
		snprintf(result, n, "%s(%d) = true; pid %d was %s: nothing "
			 "was running", fn, t.pid, t.pid,
			 t.state[0] ? t.state : "not active");
	} else if (t.waiting > 0) {
		snprintf(result, n, "%s(%d) = true; %d session%s queued "
			 "behind it", fn, t.pid, t.waiting,
			 t.waiting == 1 ? " was" : "s were");
	} else {
		snprintf(result, n, "%s(%d) = true", fn, t.pid);
	}
	return 0;
}

static int
run_cancel(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	return run_signal(req, result, n, err, true);
}

static int
run_terminate(const struct action_req *req, char *result, size_t n,
	      struct err *err)
{
	return run_signal(req, result, n, err, false);
}

/* ---- idle in transaction -------------------------------------------- */

/* $1 is the minutes, a decimal ("0.5" is 30 s). */
#define IDLE_WHERE \
	"state = 'idle in transaction' AND state_change < now() - " \
	"$1::float8 * interval '1 minute' AND pid <> pg_backend_pid()"

/* Runs sql with the operator's minutes (their canonical text into mins,
 * size n) as $1, on a connection of its own. Returns the result (the
 * caller clears it), or NULL with err. */
static PGresult *
idle_exec(const struct action_req *req, const char *sql, char *mins,
	  size_t n, struct err *err)
{
	const char *params[1] = { mins };
	struct act_conn ac;
	PGresult *r;

	if (pg_parse_minutes(req->arg, mins, n, err) < 0 ||
	    act_open(req, &ac, err) < 0) {
		return NULL;
	}
	r = act_exec(&ac, sql, 1, params, err);
	act_close(&ac);
	return r;
}

static void
describe_idle(const struct action_req *req, char *buf, size_t n)
{
	const struct pg_model *m = req->snap != NULL ?
		snapshot_pg(req->snap) : NULL;
	struct err err;
	char minutes[32];
	int listed = 0;
	size_t i;

	buf[0] = '\0';
	if (pg_parse_minutes(req->arg, minutes, sizeof(minutes), &err) < 0) {
		strappendf(buf, n, "%s\n", err.msg);
		return;
	}
	strappendf(buf, n, "SELECT pid, pg_terminate_backend(pid) FROM "
		   "pg_stat_activity WHERE state = 'idle in transaction' AND "
		   "state_change < now() - %s * interval '1 minute' AND pid <> "
		   "pg_backend_pid();\n", minutes);
	for (i = 0; m != NULL && i < m->n_sessions; i++) {
		const struct pg_session *s = &m->sessions[i];
		char user[64], age[32];

		if (strcmp(s->state, "idle in transaction") != 0) {
			continue;
		}
		if (listed++ == 0) {
			strappendf(buf, n, "idle in transaction in the latest "
				   "poll:");
		}
		sanitize_into(user, sizeof(user), s->user, strlen(s->user));
		if (isnan(s->xact_s)) {
			snprintf(age, sizeof(age), "for an unknown time");
		} else {
			clock_format_duration((int64_t)(s->xact_s * 1000), age,
					      sizeof(age));
		}
		strappendf(buf, n, "%s pid %d (%s, transaction open %s)",
			   listed > 1 ? "," : "", s->pid, user, age);
	}
	strappendf(buf, n, "%s", listed ? "\n" : "no session was idle in "
		   "transaction in the latest poll\n");
	strappendf(buf, n, "Every session idle in transaction for more than "
		   "%s min is closed. %s", minutes, terminate_consequence);
}

static int
preview_idle(const struct action_req *req, char *buf, size_t n,
	     struct err *err)
{
	static const char sql[] =
		"SELECT pid, coalesce(usename::text, ''), "
		"extract(epoch FROM now() - state_change), "
		"extract(epoch FROM now() - xact_start) "
		"FROM pg_stat_activity WHERE " IDLE_WHERE
		" ORDER BY state_change";
	char mins[32], user[64], idle[32], xact[32];
	PGresult *r;
	int rows, i;

	buf[0] = '\0';
	r = idle_exec(req, sql, mins, sizeof(mins), err);
	if (r == NULL) {
		return -1;
	}
	rows = libpq.PQntuples(r);
	if (rows == 0) {
		strappendf(buf, n, "no session is idle in transaction for more "
			   "than %s min: nothing would be terminated\n", mins);
	} else {
		strappendf(buf, n, "%d session%s would be terminated:\n", rows,
			   rows == 1 ? "" : "s");
	}
	for (i = 0; i < rows && i < IDLE_LIST_MAX; i++) {
		const char *u = libpq.PQgetvalue(r, i, 1);

		sanitize_into(user, sizeof(user), u, strlen(u));
		clock_format_duration(
		    (int64_t)(strtod(libpq.PQgetvalue(r, i, 2), NULL) * 1000),
		    idle, sizeof(idle));
		clock_format_duration(
		    (int64_t)(strtod(libpq.PQgetvalue(r, i, 3), NULL) * 1000),
		    xact, sizeof(xact));
		strappendf(buf, n, "pid %s  %s  idle %s, transaction open %s\n",
			   libpq.PQgetvalue(r, i, 0), user, idle, xact);
	}
	if (rows > IDLE_LIST_MAX) {
		strappendf(buf, n, "... and %d more\n", rows - IDLE_LIST_MAX);
	}
	libpq.PQclear(r);
	return 0;
}

static int
run_idle(const struct action_req *req, char *result, size_t n,
	 struct err *err)
{
	static const char sql[] =
		"SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
		"WHERE " IDLE_WHERE " ORDER BY pid";
	char mins[32], pids[160] = "";
	PGresult *r;
	int rows, i, done = 0;

	r = idle_exec(req, sql, mins, sizeof(mins), err);
	if (r == NULL) {
		return -1;
	}
	rows = libpq.PQntuples(r);
	for (i = 0; i < rows; i++) {
		if (libpq.PQgetvalue(r, i, 1)[0] != 't') {
			continue;
		}
		strappendf(pids, sizeof(pids), "%s%s", done ? ", " : "",
			   libpq.PQgetvalue(r, i, 0));
		done++;
	}
	libpq.PQclear(r);
	if (rows == 0) {
		snprintf(result, n, "no session idle in transaction for more "
			 "than %s min; nothing done", mins);
	} else {
		snprintf(result, n, "terminated %d of %d session%s idle in "
			 "transaction for more than %s min (pid %s)", done,
			 rows, rows == 1 ? "" : "s", mins,
			 done ? pids : "none");
	}
	return 0;
}

const struct action_impl postgres_actions[] = {
	{
		.spec = &action_pg_cancel,
		.describe = describe_cancel,
		.run = run_cancel,
		.preview = preview_session,
	},
	{
		.spec = &action_pg_terminate,
		.describe = describe_terminate,
		.run = run_terminate,
		.preview = preview_session,
	},
	{
		.spec = &action_pg_terminate_idle,
		.describe = describe_idle,
		.run = run_idle,
		.preview = preview_idle,
	},
	{ .spec = NULL },
};

#endif /* HAVE_LIBPQ */
