/* The action worker: queue order, journaling with who, read-only refusal,
 * failures, bounded shutdown with a stuck run, actions_who(); the action
 * tables (action_impl_find/by_key), target type names and the snapshot
 * reference a request holds. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/action.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"

static struct state *st;
static struct timeline *tl;
static struct actions *acts;

static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static char order[16][16];
static int n_order;
static atomic_bool stuck_running;
/* What the last run saw in req->snap. */
static struct snapshot *_Atomic run_saw_snap;

static void
notify_state(void *ctx)
{
	state_wakeup(ctx);
}

static void
setup(void)
{
	st = state_new();
	tl = timeline_new(notify_state, st);
	acts = NULL;
	n_order = 0;
}

static void
teardown(void)
{
	if (acts != NULL) {
		actions_free(acts, 2000);
	}
	timeline_free(tl);
	state_free(st);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool
wait_idle(struct actions *a, int ms)
{
	int64_t end = now_ms() + ms;

	while (actions_pending(a) > 0) {
		if (now_ms() > end) {
			return false;
		}
		sleep_ms(5);
	}
	return true;
}

static void
describe_terminate(const struct action_req *req, char *buf, size_t n)
{
	snprintf(buf, n,
		 "SELECT pg_terminate_backend(pid=%d start=%lld);\n"
		 "ends the session", req->target.u.pg.pid,
		 (long long)req->target.u.pg.backend_start_us);
}

static int
run_record(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	atomic_store(&run_saw_snap, req->snap);
	pthread_mutex_lock(&order_lock);
	if (n_order < 16) {
		strlcpy_safe(order[n_order++], req->arg, sizeof(order[0]));
	}
	pthread_mutex_unlock(&order_lock);
	snprintf(result, n, "done %s", req->arg);
	return 0;
}

static int
run_fail(const struct action_req *req, char *result, size_t n,
	 struct err *err)
{
	return err_set(err, "permission denied for pid=%d start=%lld",
		       req->target.u.pg.pid,
		       (long long)req->target.u.pg.backend_start_us);
}

static int
run_stuck(const struct action_req *req, char *result, size_t n,
	  struct err *err)
{
	atomic_store(&stuck_running, true);
	/* A backend that never answers, and a run that ignores shutdown. */
	sleep_ms(3000);
	snprintf(result, n, "finally");
	return 0;
}

static int
run_slow(const struct action_req *req, char *result, size_t n,
	 struct err *err)
{
	sleep_ms(150);
	return run_record(req, result, n, err);
}

static atomic_bool hold_running;
static atomic_bool hold_release;
static atomic_int hold_saw_refs;

/* Holds the worker until the test releases it (at most 5 s), recording
 * the references its request's snapshot has meanwhile. */
static int
run_hold(const struct action_req *req, char *result, size_t n,
	 struct err *err)
{
	int64_t end = now_ms() + 5000;

	atomic_store(&run_saw_snap, req->snap);
	atomic_store(&hold_saw_refs,
		     req->snap != NULL ? atomic_load(&req->snap->refs) : -1);
	atomic_store(&hold_running, true);
	while (!atomic_load(&hold_release) && now_ms() < end) {
		sleep_ms(2);
	}
	snprintf(result, n, "held");
	return 0;
}

/* Reports progress until the operator cancels it. */
static int
run_cancellable(const struct action_req *req, char *result, size_t n,
		struct err *err)
{
	int i;

	for (i = 1; i <= 500; i++) {
		action_progress("deleted %d00 keys", i);
		if (action_cancelled()) {
			snprintf(result, n, "cancelled after %d00 of 50000 "
				 "keys", i);
			return ACTION_RUN_CANCELLED;
		}
		sleep_ms(10);
	}
	snprintf(result, n, "never cancelled");
	return 0;
}

static int
preview_keys(const struct action_req *req, char *buf, size_t n,
	     struct err *err)
{
	if (strcmp(req->arg, "bad") == 0) {
		return err_set(err, "SCAN failed: NOPERM");
	}
	snprintf(buf, n, "1204 keys match %s\nfirst: session:1", req->arg);
	return 0;
}

static const struct action_spec spec_terminate = {
	.name = "terminate",
	.label = "Terminate session",
	.key = 'T',
	.target = TARGET_PG_BACKEND,
	.destructive = true,
};

static const struct action_spec spec_inspect = {
	.name = "inspect",
	.label = "Inspect",
	.key = 'N',
	.target = TARGET_PG_BACKEND,
	.destructive = false,
};

static const struct action_spec spec_fail = {
	.name = "cancel",
	.label = "Cancel query",
	.key = 'C',
	.target = TARGET_PG_BACKEND,
	.destructive = true,
};

static const struct action_spec spec_norun = {
	.name = "scale",
	.label = "Scale",
	.key = 'X',
	.target = TARGET_DEPLOYMENT,
	.destructive = true,
};

static const struct action_spec spec_stuck = {
	.name = "flushdb",
	.label = "FLUSHDB",
	.key = 'F',
	.target = TARGET_SOURCE,
	.destructive = true,
};

static const struct action_spec spec_delkeys = {
	.name = "delkeys",
	.label = "Delete keys",
	.key = 'K',
	.target = TARGET_KEY_PATTERN,
	.destructive = true,
	.input = "Pattern",
};

static const struct action_spec spec_slow = {
	.name = "slow",
	.label = "Slow",
	.key = 'W',
	.target = TARGET_PG_BACKEND,
};

/* A spec no table below has. */
static const struct action_spec spec_absent = {
	.name = "absent",
	.label = "Absent",
	.key = 'Z',
	.target = TARGET_SOURCE,
};

static const struct action_impl def_terminate = {
	.spec = &spec_terminate,
	.describe = describe_terminate,
	.run = run_record,
};

static const struct action_impl def_inspect = {
	.spec = &spec_inspect,
	.run = run_record,
};

static const struct action_impl def_fail = {
	.spec = &spec_fail,
	.run = run_fail,
};

static const struct action_impl def_norun = {
	.spec = &spec_norun,
};

static const struct action_impl def_stuck = {
	.spec = &spec_stuck,
	.run = run_stuck,
};

static const struct action_impl def_delkeys = {
	.spec = &spec_delkeys,
	.run = run_cancellable,
	.preview = preview_keys,
};

static const struct action_impl def_hold = {
	.spec = &spec_slow,
	.run = run_hold,
};

static const struct action_impl def_slow = {
	.spec = &spec_slow,
	.run = run_slow,
};

/* A backend's table, ended by an entry whose spec is NULL. */
static const struct action_impl table[] = {
	{ .spec = &spec_terminate, .describe = describe_terminate,
	  .run = run_record },
	{ .spec = &spec_inspect, .run = run_record },
	{ .spec = &spec_delkeys, .run = run_cancellable,
	  .preview = preview_keys },
	{ .spec = NULL },
};

static struct action_req
make_req(const struct action_impl *impl, const char *arg)
{
	struct action_req req;

	memset(&req, 0, sizeof(req));
	req.impl = impl;
	snprintf(req.source, sizeof(req.source), "postgres.main");
	req.target.type = TARGET_PG_BACKEND;
	req.target.u.pg.pid = 4242;
	req.target.u.pg.backend_start_us = 1;
	snprintf(req.target.label, sizeof(req.target.label),
		 "pid 4242 (alice)");
	snprintf(req.arg, sizeof(req.arg), "%s", arg);
	return req;
}

static bool
readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

Test(action, runs_in_queue_order, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct action_done d;
	struct err err;
	char arg[8];
	uint64_t id, last = 0;
	int i;

	acts = actions_new(st, tl, false);
	for (i = 0; i < 5; i++) {
		struct action_req req;

		snprintf(arg, sizeof(arg), "%d", i);
		req = make_req(i % 2 ? &def_inspect : &def_terminate, arg);
		id = actions_submit(acts, &req, &err);
		cr_assert_gt(id, last, "ids increase");
		last = id;
	}
	cr_assert(wait_idle(acts, 5000));
	cr_assert_eq(n_order, 5);
	for (i = 0; i < 5; i++) {
		snprintf(arg, sizeof(arg), "%d", i);
		cr_expect_str_eq(order[i], arg);
	}
	last = 0;
	for (i = 0; i < 5; i++) {
		snprintf(arg, sizeof(arg), "done %d", i);
		cr_assert(actions_poll_done(acts, &d));
		cr_expect_gt(d.id, last);
		last = d.id;
		cr_expect(d.ok);
		cr_expect_str_eq(d.message, arg);
		cr_expect_str_eq(d.source, "postgres.main");
		cr_expect_str_eq(d.name, i % 2 ? "inspect" : "terminate");
	}
	cr_expect_not(actions_poll_done(acts, &d));
	cr_expect(readable(state_wakeup_fd(st)), "completions wake the UI");
}

Test(action, intent_and_result_are_journaled_with_who, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct action_req req = make_req(&def_terminate, "");
	const struct tl_entry *intent, *result;
	struct err err;
	char who[128];

	actions_who(who, sizeof(who));
	acts = actions_new(st, tl, false);
	cr_assert_gt(actions_submit(acts, &req, &err), 0);
	cr_assert(wait_idle(acts, 5000));
	cr_assert_eq(timeline_count(tl), 2);

	intent = timeline_get(tl, 0);
	cr_expect_eq(intent->kind, TL_ACTION_INTENT);
	cr_expect_str_eq(intent->text, "Terminate session on pid 4242 (alice)");
	cr_expect_str_eq(intent->detail,
			 "SELECT pg_terminate_backend(pid=4242 start=1);\n"
			 "ends the session");
	cr_expect_str_eq(intent->who, who);
	cr_expect_str_eq(intent->source, "postgres.main");

	result = timeline_get(tl, 1);
	cr_expect_eq(result->kind, TL_ACTION_RESULT);
	cr_expect_gt(result->seq, intent->seq);
	cr_expect_str_eq(result->who, who);
	cr_expect_not_null(strstr(result->text, "ok"), "%s", result->text);
	cr_expect_not_null(strstr(result->text, "Terminate session"));
	cr_expect_not_null(strstr(result->detail, "done"));
}

Test(action, read_only_refuses_destructive, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct action_req bad = make_req(&def_terminate, "");
	struct action_req fine = make_req(&def_inspect, "x");
	struct action_done d;
	struct err err;

	acts = actions_new(st, tl, true);
	err_clear(&err);
	cr_expect_eq(actions_submit(acts, &bad, &err), 0);
	cr_expect_str_eq(err.msg,
			 "read-only mode: Terminate session is disabled");
	cr_expect_eq(actions_pending(acts), 0);

	cr_expect_gt(actions_submit(acts, &fine, &err), 0);
	cr_assert(wait_idle(acts, 5000));
	cr_assert(actions_poll_done(acts, &d));
	cr_expect_str_eq(d.name, "inspect");
	cr_expect_not(actions_poll_done(acts, &d), "the refused one never ran");
	cr_expect_eq(n_order, 1);
}

Test(action, request_without_run_is_refused, .init = setup, .fini = teardown)
{
	struct action_req req = make_req(&def_norun, "3");
	struct err err;

	acts = actions_new(st, tl, false);
	err_clear(&err);
	cr_expect_eq(actions_submit(acts, &req, &err), 0);
	cr_expect_str_neq(err.msg, "");
	cr_expect_eq(timeline_count(tl), 0);
}

Test(action, failing_run_is_reported, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct action_req req = make_req(&def_fail, "");
	const struct tl_entry *e;
	struct action_done d;
	struct err err;

	acts = actions_new(st, tl, false);
	cr_assert_gt(actions_submit(acts, &req, &err), 0);
	cr_assert(wait_idle(acts, 5000));
	cr_assert(actions_poll_done(acts, &d));
	cr_expect_not(d.ok);
	cr_expect_str_eq(d.message, "permission denied for pid=4242 start=1");
	cr_assert_eq(timeline_count(tl), 2);
	e = timeline_get(tl, 1);
	cr_expect_eq(e->kind, TL_ACTION_RESULT);
	cr_expect_not_null(strstr(e->text, "failed"), "%s", e->text);
	cr_expect_str_eq(e->detail, "permission denied for pid=4242 start=1");
}

Test(action, free_with_stuck_run_returns_by_deadline, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct action_req req = make_req(&def_stuck, "");
	struct err err;
	int64_t t0, took;

	acts = actions_new(st, tl, false);
	cr_assert_gt(actions_submit(acts, &req, &err), 0);
	t0 = now_ms();
	while (!atomic_load(&stuck_running) && now_ms() - t0 < 5000) {
		sleep_ms(2);
	}
	cr_assert(atomic_load(&stuck_running));
	cr_expect_eq(actions_pending(acts), 1);

	t0 = now_ms();
	actions_free(acts, 300);
	took = now_ms() - t0;
	acts = NULL;
	cr_expect_geq(took, 250, "returned before the deadline: %lld ms",
		      (long long)took);
	cr_expect_lt(took, 800, "took %lld ms", (long long)took);
	/* The intent was journaled; the result never will be. */
	cr_expect_eq(timeline_count(tl), 1);
}

Test(action, free_drops_queued_requests, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct action_req req;
	struct err err;
	int i;

	acts = actions_new(st, tl, false);
	for (i = 0; i < 4; i++) {
		req = make_req(&def_slow, "q");
		cr_assert_gt(actions_submit(acts, &req, &err), 0);
	}
	sleep_ms(20);
	actions_free(acts, 2000);
	acts = NULL;
	/* Only the request that was running when we stopped ran. */
	cr_expect_leq(n_order, 1);
}

/* Arrays, not pointers: Criterion hands parameters to a re-executed
 * process, where pointers into this one mean nothing. */
Test(action, progress_and_cancel, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct action_req req = make_req(&def_delkeys, "session:*");
	struct action_done d;
	struct err err;
	char line[ERR_MSG_MAX];
	uint64_t id, seen_id = 0;
	int64_t end;

	acts = actions_new(st, tl, false);
	cr_expect_not(actions_progress(acts, &seen_id, line, sizeof(line)),
		      "nothing runs yet");
	id = actions_submit(acts, &req, &err);
	cr_assert_gt(id, 0);
	end = now_ms() + 5000;
	line[0] = '\0';
	while (now_ms() < end) {
		if (actions_progress(acts, &seen_id, line, sizeof(line)) &&
		    line[0] != '\0') {
			break;
		}
		sleep_ms(5);
	}
	cr_assert_not_null(strstr(line, "00 keys"), "progress: '%s'", line);
	cr_expect_eq(seen_id, id);

	/* Another id is not the running request: nothing happens. */
	actions_cancel(acts, id + 1);
	sleep_ms(50);
	cr_expect_eq(actions_pending(acts), 1);
	actions_cancel(acts, id);
	cr_assert(wait_idle(acts, 3000), "the run saw the cancel");
	cr_assert(actions_poll_done(acts, &d));
	cr_expect_not(d.ok);
	/* The operator stopped it: not a failure. */
	cr_expect_eq(d.outcome, ACTION_CANCELLED);
	cr_expect_not(d.is_preview);
	cr_expect_not_null(strstr(d.message, "cancelled after"), "%s",
			   d.message);
	cr_expect_not_null(strstr(d.message, " of 50000 keys"), "%s",
			   d.message);
	cr_expect_not(actions_progress(acts, &seen_id, line, sizeof(line)));
	cr_expect_eq(timeline_count(tl), 2, "intent and result");
	cr_expect_not_null(strstr(timeline_get(tl, 1)->text,
				  ": cancelled: cancelled after"), "%s",
			   timeline_get(tl, 1)->text);
	cr_expect_null(strstr(timeline_get(tl, 1)->text, "failed"), "%s",
		       timeline_get(tl, 1)->text);
}

/* An input its spec refuses never reaches the worker, nor the gate that
 * would journal it as an action. */
Test(action, submit_checks_the_input, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct action_req empty = make_req(&def_delkeys, "  ");
	struct err err = { { 0 } };

	acts = actions_new(st, tl, false);
	cr_expect_eq(actions_submit(acts, &empty, &err), 0);
	cr_expect_str_eq(err.msg, "Delete keys: Pattern is empty");
	cr_expect_eq(actions_pending(acts), 0);
	cr_expect_eq(timeline_count(tl), 0, "nothing journaled");
}

Test(action, progress_and_cancel_outside_the_worker_do_nothing)
{
	action_progress("ignored %d", 1);
	cr_expect_not(action_cancelled());
}

Test(action, preview_arrives_and_only_a_failed_one_is_journaled, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct action_req req = make_req(&def_delkeys, "session:*");
	struct action_req bad = make_req(&def_delkeys, "bad");
	struct action_req none = make_req(&def_terminate, "");
	struct action_done d;
	struct err err;
	uint64_t id, id_bad;

	acts = actions_new(st, tl, false);
	err_clear(&err);
	cr_expect_eq(actions_submit_preview(acts, &none, &err), 0);
	cr_expect_str_eq(err.msg, "Terminate session has no preview");

	id = actions_submit_preview(acts, &req, &err);
	id_bad = actions_submit_preview(acts, &bad, &err);
	cr_assert_gt(id, 0);
	cr_assert_gt(id_bad, id);
	cr_assert(wait_idle(acts, 5000));

	cr_assert(actions_poll_done(acts, &d));
	cr_expect_eq(d.id, id);
	cr_expect(d.is_preview);
	cr_expect(d.ok);
	cr_expect_str_eq(d.text, "1204 keys match session:*\nfirst: session:1");
	cr_expect_str_eq(d.name, "delkeys");

	cr_assert(actions_poll_done(acts, &d));
	cr_expect_eq(d.id, id_bad);
	cr_expect(d.is_preview);
	cr_expect_not(d.ok);
	cr_expect_str_eq(d.message, "SCAN failed: NOPERM");
	cr_expect_str_empty(d.text);

	/* The preview that worked is no action; the one that failed ended
	 * the operator's attempt, which the record keeps with its reason. */
	cr_assert_eq(timeline_count(tl), 2);
	cr_expect_eq(timeline_get(tl, 0)->kind, TL_ACTION_INTENT);
	cr_expect_str_eq(timeline_get(tl, 0)->text,
			 "Delete keys on pid 4242 (alice)");
	cr_expect_eq(timeline_get(tl, 1)->kind, TL_ACTION_RESULT);
	cr_expect_str_eq(timeline_get(tl, 1)->detail,
			 "not run: SCAN failed: NOPERM");
}

Test(action, read_only_refuses_previews_of_destructive, .init = setup,
     .fini = teardown)
{
	struct action_req req = make_req(&def_delkeys, "session:*");
	struct err err;

	acts = actions_new(st, tl, true);
	err_clear(&err);
	cr_expect_eq(actions_submit_preview(acts, &req, &err), 0);
	cr_expect_str_eq(err.msg, "read-only mode: Delete keys is disabled");
}

struct who_case {
	bool has_sudo;
	char sudo[16];
	bool has_ssh;
	char ssh[64];
	char suffix[64];
};

ParameterizedTestParameters(action, who)
{
	static struct who_case cases[] = {
		{ false, "", false, "", "" },
		{ true, "bob", false, "", " (via sudo from bob)" },
		{ false, "", true, "10.0.0.5 51234 10.0.0.1 22",
		  " (ssh 10.0.0.5)" },
		{ true, "bob", true, "10.0.0.5 51234 10.0.0.1 22",
		  " (via sudo from bob, ssh 10.0.0.5)" },
		{ true, "", true, "", "" },
	};

	return cr_make_param_array(struct who_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct who_case *c, action, who)
{
	struct passwd *pw = getpwuid(geteuid());
	char want[256], got[128];

	cr_assert_not_null(pw);
	if (c->has_sudo) {
		setenv("SUDO_USER", c->sudo, 1);
	} else {
		unsetenv("SUDO_USER");
	}
	if (c->has_ssh) {
		setenv("SSH_CONNECTION", c->ssh, 1);
	} else {
		unsetenv("SSH_CONNECTION");
	}
	snprintf(want, sizeof(want), "%s%s", pw->pw_name, c->suffix);
	actions_who(got, sizeof(got));
	cr_expect_str_eq(got, want);
}

/* A journal that fails after `budget` intents, recording what it saw. */
struct fake_gate {
	int budget;
	int intents;
	int results;
	int64_t last_token;
	bool last_ok;
	char last_op[128];
	char last_message[128];
};

static int64_t
gate_intent(void *ctx, const struct action_req *req, const char *op,
	    const char *text, struct err *err)
{
	struct fake_gate *g = ctx;

	if (g->budget-- <= 0) {
		return err_set(err, "journal write failed: No space left on "
			       "device");
	}
	strlcpy_safe(g->last_op, op, sizeof(g->last_op));
	return 100 + g->intents++;
}

static void
gate_result(void *ctx, int64_t token, const struct action_req *req,
	    enum action_outcome outcome, const char *message)
{
	struct fake_gate *g = ctx;

	g->results++;
	g->last_token = token;
	g->last_ok = outcome == ACTION_OK;
	strlcpy_safe(g->last_message, message, sizeof(g->last_message));
}

Test(action, gate_writes_intent_first_and_refuses_when_it_cannot,
     .init = setup, .fini = teardown, .timeout = 20)
{
	static struct fake_gate g = { .budget = 1 };
	struct action_gate gate = {
		.intent = gate_intent, .result = gate_result, .ctx = &g,
	};
	struct action_req first = make_req(&def_terminate, "first");
	struct action_req second = make_req(&def_terminate, "second");
	struct action_req look = make_req(&def_inspect, "look");
	struct action_done d;
	struct err err;

	acts = actions_new(st, tl, false);
	actions_set_gate(acts, &gate);

	cr_assert_neq(actions_submit(acts, &first, &err), 0);
	cr_assert(wait_idle(acts, 5000));
	cr_assert(actions_poll_done(acts, &d));
	cr_expect(d.ok, "%s", d.message);
	cr_expect_eq(g.results, 1);
	cr_expect_eq(g.last_token, 100);
	cr_expect(g.last_ok);
	cr_expect(strstr(g.last_op, "pg_terminate_backend") != NULL);

	/* The journal is now full: a destructive action must not run. */
	cr_assert_neq(actions_submit(acts, &second, &err), 0);
	cr_assert(wait_idle(acts, 5000));
	cr_assert(actions_poll_done(acts, &d));
	cr_expect_not(d.ok);
	cr_expect(strstr(d.message, "refused: journal write failed") != NULL,
		  "%s", d.message);
	cr_expect_eq(n_order, 1, "the refused action ran");
	cr_expect_eq(g.results, 1);

	/* A non-destructive one still runs. */
	cr_assert_neq(actions_submit(acts, &look, &err), 0);
	cr_assert(wait_idle(acts, 5000));
	cr_assert(actions_poll_done(acts, &d));
	cr_expect(d.ok, "%s", d.message);
	cr_expect_eq(n_order, 2);
	cr_expect_str_eq(order[1], "look");
}

/* The journal sees a failed preview as an action that did not run; a
 * preview that worked leaves it alone. */
Test(action, gate_journals_a_failed_preview_with_its_reason, .init = setup,
     .fini = teardown, .timeout = 20)
{
	static struct fake_gate g = { .budget = 5 };
	struct action_gate gate = {
		.intent = gate_intent, .result = gate_result, .ctx = &g,
	};
	struct action_req good = make_req(&def_delkeys, "session:*");
	struct action_req bad = make_req(&def_delkeys, "bad");
	struct action_done d;
	struct err err;

	acts = actions_new(st, tl, false);
	actions_set_gate(acts, &gate);
	cr_assert_neq(actions_submit_preview(acts, &good, &err), 0);
	cr_assert(wait_idle(acts, 5000));
	cr_assert(actions_poll_done(acts, &d));
	cr_expect(d.ok);
	cr_expect_eq(g.intents, 0);
	cr_expect_eq(g.results, 0);

	cr_assert_neq(actions_submit_preview(acts, &bad, &err), 0);
	cr_assert(wait_idle(acts, 5000));
	cr_assert(actions_poll_done(acts, &d));
	cr_expect(d.is_preview);
	cr_expect_not(d.ok);
	cr_expect_eq(g.intents, 1);
	cr_expect_eq(g.results, 1);
	cr_expect_eq(g.last_token, 100);
	cr_expect_not(g.last_ok);
	cr_expect_str_eq(g.last_message, "not run: SCAN failed: NOPERM");
	cr_expect_eq(n_order, 0, "nothing ran");
}

Test(action, impl_find_and_by_key_look_in_a_table)
{
	static const struct action_impl empty[] = { { .spec = NULL } };

	cr_expect_eq(action_impl_find(table, &spec_terminate), &table[0]);
	cr_expect_eq(action_impl_find(table, &spec_inspect), &table[1]);
	cr_expect_eq(action_impl_find(table, &spec_delkeys), &table[2]);
	cr_expect_null(action_impl_find(table, &spec_absent));
	cr_expect_null(action_impl_find(table, &spec_stuck),
		       "a spec another table has");
	cr_expect_null(action_impl_find(empty, &spec_terminate));
	cr_expect_null(action_impl_find(NULL, &spec_terminate));

	cr_expect_eq(action_impl_by_key(table, 'T'), &table[0]);
	cr_expect_eq(action_impl_by_key(table, 'N'), &table[1]);
	cr_expect_eq(action_impl_by_key(table, 'K'), &table[2]);
	cr_expect_null(action_impl_by_key(table, 'Z'));
	cr_expect_null(action_impl_by_key(table, 'F'),
		       "a key only another table has");
	cr_expect_null(action_impl_by_key(table, 't'), "keys are exact");
	cr_expect_null(action_impl_by_key(table, 0));
	cr_expect_null(action_impl_by_key(empty, 'T'));
	cr_expect_null(action_impl_by_key(NULL, 'T'));
	cr_expect_eq(ACTION_SPEC(&(struct action_req){ .impl = &table[2] }),
		     &spec_delkeys);
}

Test(action, target_type_names)
{
	static const char *const want[TARGET_TYPE_COUNT] = {
		[TARGET_SOURCE] = "source",
		[TARGET_PG_BACKEND] = "session",
		[TARGET_POD] = "pod",
		[TARGET_DEPLOYMENT] = "deployment",
		[TARGET_REDIS_CLIENT] = "client",
		[TARGET_KEY_PATTERN] = "pattern",
		[TARGET_ALERT] = "alert",
		[TARGET_SILENCE] = "silence",
		[TARGET_UPDATE] = "update",
	};
	int t;

	for (t = 0; t < TARGET_TYPE_COUNT; t++) {
		cr_assert_not_null(want[t], "type %d has no expectation", t);
		cr_expect_str_eq(target_type_name((enum target_type)t),
				 want[t]);
	}
	cr_expect_str_eq(target_type_name(TARGET_TYPE_COUNT), "target");
	cr_expect_str_eq(target_type_name((enum target_type)-1), "target");
}

Test(action, request_target_is_its_label_else_the_source)
{
	struct action_req req = make_req(&def_terminate, "");

	cr_expect_str_eq(action_req_target(&req), "pid 4242 (alice)");
	req.target.label[0] = '\0';
	cr_expect_str_eq(action_req_target(&req), "postgres.main");
}

static int
refs(struct snapshot *s)
{
	return atomic_load(&s->refs);
}

Test(action, request_holds_its_snapshot_until_the_worker_is_done,
     .init = setup, .fini = teardown, .timeout = 20)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.main");
	struct snapshot *old = snapshot_new(SNAP_PG, "postgres.main");
	struct action_req req = make_req(&def_hold, "held");
	struct action_done d;
	struct err err;
	int64_t end;

	cr_assert_null(req.snap);
	cr_assert_eq(refs(s), 1);
	action_req_set_snap(&req, old);
	cr_expect_eq(req.snap, old);
	cr_expect_eq(refs(old), 2);
	action_req_set_snap(&req, s);
	cr_expect_eq(req.snap, s);
	cr_expect_eq(refs(old), 1, "the old one is dropped");
	cr_expect_eq(refs(s), 2);
	action_req_set_snap(&req, s);
	cr_expect_eq(refs(s), 2, "setting the same snapshot keeps one ref");

	acts = actions_new(st, tl, false);
	cr_assert_gt(actions_submit(acts, &req, &err), 0, "%s", err.msg);
	end = now_ms() + 5000;
	while (!atomic_load(&hold_running) && now_ms() < end) {
		sleep_ms(2);
	}
	cr_assert(atomic_load(&hold_running));
	cr_expect_eq(atomic_load(&run_saw_snap), s, "run() reads req->snap");
	cr_expect_eq(atomic_load(&hold_saw_refs), 3,
		     "the queued copy holds its own reference");
	cr_expect_eq(refs(s), 3);
	cr_expect_eq(req.snap, s, "the caller's request keeps its own");

	atomic_store(&hold_release, true);
	cr_assert(wait_idle(acts, 5000));
	cr_assert(actions_poll_done(acts, &d));
	cr_expect(d.ok, "%s", d.message);
	cr_expect_eq(refs(s), 2, "the worker dropped its copy's reference");

	action_req_clear(&req);
	cr_expect_null(req.snap);
	cr_expect_eq(refs(s), 1);
	action_req_clear(&req);
	cr_expect_eq(refs(s), 1, "clearing twice drops nothing more");
	snapshot_unref(old);
	snapshot_unref(s);
}

Test(action, refused_previewed_and_dropped_requests_release_the_snapshot,
     .init = setup, .fini = teardown, .timeout = 20)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.main");
	struct action_req req = make_req(&def_terminate, "");
	struct action_req keys = make_req(&def_delkeys, "session:*");
	struct action_req hold = make_req(&def_hold, "held");
	struct action_req slow = make_req(&def_slow, "q");
	struct action_done d;
	struct err err;
	int64_t end;
	int i;

	action_req_set_snap(&req, s);
	action_req_set_snap(&keys, s);
	action_req_set_snap(&hold, s);
	action_req_set_snap(&slow, s);
	cr_assert_eq(refs(s), 5);

	/* Refused: no reference is taken. */
	acts = actions_new(st, tl, true);
	cr_expect_eq(actions_submit(acts, &req, &err), 0);
	cr_expect_eq(actions_submit_preview(acts, &keys, &err), 0);
	cr_expect_eq(refs(s), 5);
	actions_free(acts, 2000);
	acts = NULL;
	cr_expect_eq(refs(s), 5);

	/* A preview's copy is dropped when it is done. */
	acts = actions_new(st, tl, false);
	cr_assert_gt(actions_submit_preview(acts, &keys, &err), 0);
	cr_assert(wait_idle(acts, 5000));
	cr_assert(actions_poll_done(acts, &d));
	cr_expect(d.is_preview);
	cr_expect_eq(refs(s), 5);

	/* Requests still queued at shutdown drop theirs. */
	cr_assert_gt(actions_submit(acts, &hold, &err), 0);
	for (i = 0; i < 3; i++) {
		cr_assert_gt(actions_submit(acts, &slow, &err), 0);
	}
	end = now_ms() + 5000;
	while (!atomic_load(&hold_running) && now_ms() < end) {
		sleep_ms(2);
	}
	cr_assert(atomic_load(&hold_running));
	cr_expect_eq(refs(s), 9, "four queued copies");
	atomic_store(&hold_release, true);
	actions_free(acts, 2000);
	acts = NULL;
	cr_expect_eq(refs(s), 5);

	action_req_clear(&req);
	action_req_clear(&keys);
	action_req_clear(&hold);
	action_req_clear(&slow);
	cr_expect_eq(refs(s), 1);
	snapshot_unref(s);
}
