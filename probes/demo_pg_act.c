/* The demo's session actions: cancel, terminate, terminate idle in
 * transaction. run() on the action worker (changes the shared state under
 * its mutex); describe() from any thread. A cancel on a session idle in
 * transaction does nothing, as in PostgreSQL. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "probes/demo_sim.h"

/* The session named by a "pid=PID start=US" target at now, copied to *out;
 * -1 with err when there is none. */
static int
find_session(const struct demo_sim *sim, double now, const char *target,
	     struct demo_pg_sess *out, struct err *err)
{
	struct demo_pg_sess *ss = xcalloc(DEMO_PG_MAX_SESSIONS, sizeof(*ss));
	size_t n = demo_pg_sessions(sim, now, ss), i;
	char buf[32], *end;
	long pid;
	long long start = 0;
	bool has_start;

	if (!demo_target_field(target, "pid", buf, sizeof(buf))) {
		free(ss);
		return err_set(err, "bad session target \"%s\"", target);
	}
	pid = strtol(buf, &end, 10);
	if (*end || pid <= 0) {
		free(ss);
		return err_set(err, "bad session target \"%s\"", target);
	}
	has_start = demo_target_field(target, "start", buf, sizeof(buf));
	if (has_start) {
		start = strtoll(buf, &end, 10);
		if (*end) {
			free(ss);
			return err_set(err, "bad session target \"%s\"",
				       target);
		}
	}
	for (i = 0; i < n; i++) {
		if (ss[i].pid != pid) {
			continue;
		}
		if (has_start && demo_pg_start_us(sim, ss[i].start) != start) {
			free(ss);
			return err_set(err, "pid %ld is now a different "
				       "session (it reconnected)", pid);
		}
		*out = ss[i];
		free(ss);
		return 0;
	}
	free(ss);
	return err_set(err, "no session with pid %ld", pid);
}

/* Sessions queued behind pid at now, directly or behind another waiter. */
static int
count_blocked(const struct demo_sim *sim, double now, int pid)
{
	struct demo_pg_sess *ss = xcalloc(DEMO_PG_MAX_SESSIONS, sizeof(*ss));
	size_t n = demo_pg_sessions(sim, now, ss), i, j;
	int c = 0, depth;

	for (i = 0; i < n; i++) {
		int up = ss[i].blocked_by;

		for (depth = 0; up && up != pid && depth < 8; depth++) {
			int next = 0;

			for (j = 0; j < n; j++) {
				if (ss[j].pid == up) {
					next = ss[j].blocked_by;
				}
			}
			up = next;
		}
		c += up == pid;
	}
	free(ss);
	return c;
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
describe_session(char *buf, size_t n, const char *target,
		 const char *fn, const char *consequence)
{
	struct demo_sim *sim = demo_sim_copy();
	double now = demo_sim_now(sim);
	struct demo_pg_sess s;
	struct err err;
	char pid[32] = "?", when[32];

	demo_target_field(target, "pid", pid, sizeof(pid));
	snprintf(buf, n, "%s\nSELECT %s(%s);\n", DEMO_DESCRIBE_HEAD, fn, pid);
	if (find_session(sim, now, target, &s, &err) < 0) {
		strappendf(buf, n, "Target: %s\n", err.msg);
	} else {
		strappendf(buf, n, "Target: pid %d, user %s, app %s, %s",
			   s.pid, s.user[0] ? s.user : "-",
			   s.app[0] ? s.app : "-", s.state);
		if (!isnan(s.query_s)) {
			clock_format_utc(demo_sim_wall(sim, now - s.query_s),
					 0, when, sizeof(when));
			strappendf(buf, n, ", query started %s", when);
		}
		strappendf(buf, n, "\nQuery: %s\n", s.query);
	}
	strappendf(buf, n, "%s", consequence);
	free(sim);
}

static void
describe_cancel(const struct action_req *req, char *buf, size_t n)
{
	describe_session(buf, n, req->target, "pg_cancel_backend",
			 "Cancel stops the running query only; a session "
			 "idle in transaction keeps its locks.");
}

static void
describe_terminate(const struct action_req *req, char *buf, size_t n)
{
	describe_session(buf, n, req->target, "pg_terminate_backend",
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

	if (find_session(sim, now, req->target, &s, err) < 0) {
		demo_sim_unlock();
		return -1;
	}
	behind = count_blocked(sim, now, s.pid);
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

	if (find_session(sim, now, req->target, &s, err) < 0) {
		demo_sim_unlock();
		return -1;
	}
	behind = count_blocked(sim, now, s.pid);
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

static bool
parse_minutes(const char *s, int *out)
{
	char *end;
	long v;

	while (*s == ' ') {
		s++;
	}
	if (*s < '0' || *s > '9') {
		return false;
	}
	v = strtol(s, &end, 10);
	while (*end == ' ') {
		end++;
	}
	if (*end || v < 1 || v > 10080) {
		return false;
	}
	*out = (int)v;
	return true;
}

static void
describe_idle(const struct action_req *req, char *buf, size_t n)
{
	struct demo_sim *sim = demo_sim_copy();
	double now = demo_sim_now(sim);
	struct demo_pg_sess *ss = xcalloc(DEMO_PG_MAX_SESSIONS, sizeof(*ss));
	size_t cnt = demo_pg_sessions(sim, now, ss), i;
	int minutes, matched = 0;
	const char *arg = req->arg[0] ? req->arg : "N";

	snprintf(buf, n,
		 "%s\nSELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		 "WHERE state = 'idle in transaction' AND xact_start < now() "
		 "- interval '%s minutes';\n",
		 DEMO_DESCRIBE_HEAD, arg);
	if (parse_minutes(req->arg, &minutes)) {
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
	int minutes, killed = 0;
	double now;
	char pids[128] = "";

	if (!parse_minutes(req->arg, &minutes)) {
		return err_set(err, "minutes must be a whole number 1..10080");
	}
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
			 "than %d min (pid %s)",
			 killed, killed == 1 ? "" : "s", minutes, pids);
	} else {
		snprintf(result, n,
			 "terminated 0 sessions: none idle in transaction "
			 "for more than %d min",
			 minutes);
	}
	return 0;
}

const struct action_def demo_pg_actions[] = {
	{
		.name = "cancel",
		.label = "Cancel query",
		.key = 'C',
		.target_kind = "session",
		.destructive = true,
		.describe = describe_cancel,
		.run = run_cancel,
	},
	{
		.name = "terminate",
		.label = "Terminate session",
		.key = 'T',
		.target_kind = "session",
		.destructive = true,
		.describe = describe_terminate,
		.run = run_terminate,
	},
	{
		.name = "terminate-idle",
		.label = "Terminate idle-in-transaction sessions",
		.key = 'I',
		.target_kind = NULL,
		.destructive = true,
		.arg_prompt = "Minutes",
		.describe = describe_idle,
		.run = run_idle,
	},
	{ .name = NULL },
};
