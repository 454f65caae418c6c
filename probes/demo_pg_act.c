/* The demo's session actions: cancel, terminate, terminate idle in
 * transaction. run() on the action worker (changes the shared state under
 * its mutex); describe() from any thread. A cancel on a session idle in
 * transaction does nothing, as in PostgreSQL. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/demo_sim.h"

/* The session of the request's target at now, copied to *out; -1 with
 * err when there is none. */
static int
find_session(const struct demo_sim *sim, double now,
	     const struct action_req *req, struct demo_pg_sess *out,
	     struct err *err)
{
	struct demo_pg_sess *ss = xcalloc(DEMO_PG_MAX_SESSIONS, sizeof(*ss));
	size_t n = demo_pg_sessions(sim, now, ss), i;
	int pid = req->target.u.pg.pid;

	if (req->target.type != TARGET_PG_BACKEND || pid <= 0) {
		free(ss);
		return err_set(err, "no session selected");
	}
	for (i = 0; i < n; i++) {
		if (ss[i].pid != pid) {
			continue;
		}
		if (req->target.u.pg.backend_start_us != 0 &&
		    demo_pg_start_us(sim, ss[i].start) !=
		    req->target.u.pg.backend_start_us) {
			free(ss);
			return err_set(err, "pid %d is now a different "
				       "session (it reconnected)", pid);
		}
		*out = ss[i];
		free(ss);
		return 0;
	}
	free(ss);
	return err_set(err, "no session with pid %d", pid);
}

/* Sessions queued behind pid in the snapshot the operator confirmed
 * against. */
static int
count_blocked(const struct action_req *req, int pid)
{
	return pg_locks_behind(req->snap != NULL ? snapshot_pg(req->snap) :
			       NULL, pid);
}

static int
add_act(struct demo_sim *sim, int pid, double at, bool terminate,
	struct err *err)
{
	if (sim->n_pg_acts == DEMO_MAX_PG_ACTS) {
		return err_set(err, "too many session actions in this demo");
	}
	sim->pg_acts[sim->n_pg_acts++] = (struct demo_pg_act){
		.pid = pid,
		.at = at,
		.terminate = terminate,
	};
	return 0;
}

static void
describe_session(const struct action_req *req, char *buf, size_t n,
		 const char *fn, bool cancel, const char *consequence)
{
	if (req->target.type != TARGET_PG_BACKEND ||
	    req->target.u.pg.pid <= 0) {
		snprintf(buf, n, "%s\nno session selected\n",
			 DEMO_DESCRIBE_HEAD);
		return;
	}
	snprintf(buf, n, "%s\nSELECT %s(%d);\n", DEMO_DESCRIBE_HEAD, fn,
		 req->target.u.pg.pid);
	pg_describe_backend(req, cancel, buf, n);
	strappendf(buf, n, "%s", consequence);
}

static void
describe_cancel(const struct action_req *req, char *buf, size_t n)
{
	describe_session(req, buf, n, "pg_cancel_backend", true,
			 "Cancel stops the running query only; a session "
			 "idle in transaction keeps its locks.");
}

static void
describe_terminate(const struct action_req *req, char *buf, size_t n)
{
	describe_session(req, buf, n, "pg_terminate_backend", false,
			 "Terminate closes the whole session, not just the "
			 "query.\nIts open transaction is rolled back and its "
			 "locks are released.");
}

static int
run_cancel(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	struct demo_sim *sim = demo_sim_lock();
	double now = demo_sim_now(sim);
	struct demo_pg_sess s;
	int behind;

	if (find_session(sim, now, req, &s, err) < 0) {
		demo_sim_unlock();
		return -1;
	}
	behind = count_blocked(req, s.pid);
	if (strcmp(s.state, "idle in transaction") == 0) {
		snprintf(result, n,
			 "pg_cancel_backend(%d) returned true; session is idle "
			 "in transaction, %s",
			 s.pid, behind ? "lock still held"
				       : "nothing was running");
	} else if (strcmp(s.state, "active") != 0) {
		snprintf(result, n,
			 "pg_cancel_backend(%d) returned true; session is %s, "
			 "nothing was running",
			 s.pid, s.state);
	} else if (add_act(sim, s.pid, now, false, err) < 0) {
		demo_sim_unlock();
		return -1;
	} else if (behind) {
		snprintf(result, n,
			 "pg_cancel_backend(%d) returned true; query canceled, "
			 "%d sessions queued behind it proceed",
			 s.pid, behind);
	} else {
		snprintf(result, n,
			 "pg_cancel_backend(%d) returned true; query canceled",
			 s.pid);
	}
	demo_sim_unlock();
	return 0;
}

static int
run_terminate(const struct action_req *req, char *result, size_t n,
	      struct err *err)
{
	struct demo_sim *sim = demo_sim_lock();
	double now = demo_sim_now(sim);
	struct demo_pg_sess s;
	int behind;

	if (find_session(sim, now, req, &s, err) < 0) {
		demo_sim_unlock();
		return -1;
	}
	behind = count_blocked(req, s.pid);
	if (add_act(sim, s.pid, now, true, err) < 0) {
		demo_sim_unlock();
		return -1;
	}
	demo_sim_unlock();
	if (behind) {
		snprintf(result, n,
			 "pg_terminate_backend(%d) returned true; session "
			 "closed, %d blocked sessions proceed",
			 s.pid, behind);
	} else {
		snprintf(result, n,
			 "pg_terminate_backend(%d) returned true; session "
			 "closed",
			 s.pid);
	}
	return 0;
}

static void
describe_idle(const struct action_req *req, char *buf, size_t n)
{
	struct demo_sim *sim = demo_sim_copy();
	double now = demo_sim_now(sim);
	struct demo_pg_sess *ss = xcalloc(DEMO_PG_MAX_SESSIONS, sizeof(*ss));
	size_t cnt = demo_pg_sessions(sim, now, ss), i;
	int matched = 0;
	char mins[32];
	struct err err;
	const char *arg = req->arg[0] ? req->arg : "N";

	snprintf(buf, n,
		 "%s\nSELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		 "WHERE state = 'idle in transaction' AND xact_start < now() "
		 "- interval '%s minutes';\n",
		 DEMO_DESCRIBE_HEAD, arg);
	if (pg_parse_minutes(req->arg, mins, sizeof(mins), &err) == 0) {
		double minutes = strtod(mins, NULL);

		strappendf(buf, n, "Matches now:");
		for (i = 0; i < cnt; i++) {
			char dur[32];

			if (strcmp(ss[i].state, "idle in transaction") != 0 ||
			    !(ss[i].xact_s > minutes * 60.0)) {
				continue;
			}
			clock_format_duration((int64_t)(ss[i].xact_s * 1000),
					      dur, sizeof(dur));
			strappendf(buf, n, " pid %d (%s, %s)", ss[i].pid,
				   ss[i].user, dur);
			matched++;
		}
		strappendf(buf, n, "%s\n", matched ? "" : " none");
	}
	strappendf(buf, n, "Each matching session is closed and its "
		   "transaction rolled back.");
	free(ss);
	free(sim);
}

static int
run_idle(const struct action_req *req, char *result, size_t n,
	 struct err *err)
{
	struct demo_sim *sim;
	struct demo_pg_sess *ss;
	size_t cnt, i;
	int killed = 0;
	double now, minutes;
	char pids[128] = "", mins[32];

	if (pg_parse_minutes(req->arg, mins, sizeof(mins), err) < 0) {
		return -1;
	}
	minutes = strtod(mins, NULL);
	ss = xcalloc(DEMO_PG_MAX_SESSIONS, sizeof(*ss));
	sim = demo_sim_lock();
	now = demo_sim_now(sim);
	cnt = demo_pg_sessions(sim, now, ss);
	for (i = 0; i < cnt; i++) {
		if (strcmp(ss[i].state, "idle in transaction") != 0 ||
		    !(ss[i].xact_s > minutes * 60.0)) {
			continue;
		}
		if (add_act(sim, ss[i].pid, now, true, err) < 0) {
			demo_sim_unlock();
			free(ss);
			return -1;
		}
		strappendf(pids, sizeof(pids), "%s%d", killed ? ", " : "",
			   ss[i].pid);
		killed++;
	}
	demo_sim_unlock();
	free(ss);
	if (killed) {
		snprintf(result, n,
			 "terminated %d idle-in-transaction session%s older "
			 "than %s min (pid %s)",
			 killed, killed == 1 ? "" : "s", mins, pids);
	} else {
		snprintf(result, n,
			 "terminated 0 sessions: none idle in transaction "
			 "for more than %s min",
			 mins);
	}
	return 0;
}

const struct action_impl demo_pg_actions[] = {
	{
		.spec = &action_pg_cancel,
		.describe = describe_cancel,
		.run = run_cancel,
	},
	{
		.spec = &action_pg_terminate,
		.describe = describe_terminate,
		.run = run_terminate,
	},
	{
		.spec = &action_pg_terminate_idle,
		.describe = describe_idle,
		.run = run_idle,
	},
	{ .spec = NULL },
};
