/* The probe runner with fake probes defined here: publishing, error
 * snapshots and backoff, refresh, streaming rate limits, bounded shutdown;
 * and the registry's stand-in backends. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "build-config.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/state.h"
#include "probes/probe.h"
#include "probes/runner.h"

static struct state *st;
static struct runner *r;

static void
setup(void)
{
	st = state_new();
	r = runner_new(st);
}

static void
teardown(void)
{
	if (r != NULL) {
		runner_stop(r, 2000);
		runner_free(r);
	}
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
wait_count(atomic_int *n, int want, int ms)
{
	int64_t end = now_ms() + ms;

	while (atomic_load(n) < want) {
		if (now_ms() > end) {
			return false;
		}
		sleep_ms(2);
	}
	return true;
}

/* Sections must outlive the runner, which the fixture stops after the
 * test function has returned: they live here, not on the test's stack. */
static struct config_section sections[4];
static char section_names[4][32];
static int n_sections;

static struct config_section *
make_section(const char *name, int interval_ms, int timeout_ms)
{
	struct config_section *sec;

	cr_assert_lt(n_sections, 4);
	sec = &sections[n_sections];
	snprintf(section_names[n_sections], sizeof(section_names[0]), "%s",
		 name);
	sec->name = section_names[n_sections++];
	sec->interval_ms = interval_ms;
	sec->timeout_ms = timeout_ms;
	return sec;
}

/* A fake snapshot's data: an empty model of the fake probes' kinds
 * (publishing derives it, and finds nothing), then a sequence number. */
struct seq_data {
	union {
		struct pods_model pods;
		struct metrics_model metrics;
	} m;
	int seq;
};

/* The seq a fake snapshot carries, or -1. */
static int
snap_seq(const struct snapshot *s)
{
	return s != NULL && s->data != NULL ?
	       ((const struct seq_data *)s->data)->seq : -1;
}

static void
set_seq(struct snapshot *s, int seq)
{
	struct seq_data *d = snapshot_alloc(s, sizeof(*d));

	d->seq = seq;
	s->data = d;
}

static struct snapshot *
seq_snapshot(struct probe *p, int seq)
{
	struct snapshot *s = probe_snapshot_new(p);

	set_seq(s, seq);
	return s;
}

/* ---- fake probes ---------------------------------------------------- */

#define MAX_POLLS 64

static atomic_int polls;
static int64_t poll_at[MAX_POLLS];      /* ms, written before polls++ */
static int poll_delay_ms;
static atomic_int opens, closes;
static pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t open_thread, close_thread;     /* under thread_lock */
static atomic_bool signals_blocked;
static int open_failures_wanted;
/* What fake_open() returns, and what the other calls were handed. */
static int fake_state;
static void *_Atomic polled_state, *_Atomic closed_state;
static const struct config_section *_Atomic opened_section;

static void *
fake_open(const struct config_section *sec, struct probe *owner,
	  struct err *err)
{
	int n = atomic_fetch_add(&opens, 1) + 1;

	pthread_mutex_lock(&thread_lock);
	open_thread = pthread_self();
	pthread_mutex_unlock(&thread_lock);
	atomic_store(&opened_section, sec);
	if (n <= open_failures_wanted) {
		err_set(err, "authentication failed for user \"app\"");
		return NULL;
	}
	return &fake_state;
}

static void
fake_close(void *state)
{
	pthread_mutex_lock(&thread_lock);
	close_thread = pthread_self();
	pthread_mutex_unlock(&thread_lock);
	atomic_store(&closed_state, state);
	atomic_fetch_add(&closes, 1);
}

static int
record_poll(void)
{
	int n = atomic_load(&polls);

	if (n < MAX_POLLS) {
		poll_at[n] = now_ms();
	}
	return n + 1;
}

static int
ok_poll(void *state, struct snapshot *snap, struct err *err)
{
	int n = record_poll();
	sigset_t set;

	atomic_store(&polled_state, state);
	pthread_sigmask(SIG_BLOCK, NULL, &set);
	atomic_store(&signals_blocked, sigismember(&set, SIGINT) &&
		     sigismember(&set, SIGTERM) &&
		     sigismember(&set, SIGWINCH));
	if (poll_delay_ms > 0) {
		sleep_ms(poll_delay_ms);
	}
	set_seq(snap, n);
	atomic_fetch_add(&polls, 1);
	return 0;
}

static int
fail_poll(void *state, struct snapshot *snap, struct err *err)
{
	record_poll();
	atomic_fetch_add(&polls, 1);
	return err_set(err, "connection refused (127.0.0.1:1)");
}

/* Poll 1 succeeds, 2 and 3 fail, then success again. Each poll records
 * what it saw on entry: the failure count and the published snapshot. */
static int flaky_failures_seen[MAX_POLLS];
static int flaky_err_seen[MAX_POLLS];
static int flaky_last_good_seen[MAX_POLLS];

static int
flaky_poll(void *state, struct snapshot *snap, struct err *err)
{
	int n = record_poll();
	struct snapshot *cur = state_get(st, 0);

	if (n <= MAX_POLLS) {
		flaky_failures_seen[n - 1] = runner_failures(r, 0);
		flaky_err_seen[n - 1] = cur != NULL && cur->error[0] != '\0';
		flaky_last_good_seen[n - 1] =
			cur != NULL ? snap_seq(cur->last_good) : -2;
	}
	snapshot_unref(cur);
	if (n == 2 || n == 3) {
		atomic_fetch_add(&polls, 1);
		return err_set(err, "timeout after 1000 ms");
	}
	set_seq(snap, n);
	atomic_fetch_add(&polls, 1);
	return 0;
}

/* Poll 1 succeeds; every later poll returns 0 with an error set in the
 * snapshot itself, as a probe does that still has something to say. */
static int
own_error_poll(void *state, struct snapshot *snap, struct err *err)
{
	int n = record_poll();

	if (n == 1) {
		set_seq(snap, n);
	} else {
		snapshot_set_error(snap, "replica lag unknown");
	}
	atomic_fetch_add(&polls, 1);
	return 0;
}

static atomic_bool stuck_entered;

static int
stuck_poll(void *state, struct snapshot *snap, struct err *err)
{
	atomic_store(&stuck_entered, true);
	/* A backend that never answers and a poll that ignores shutdown. */
	sleep_ms(3000);
	return err_set(err, "still stuck");
}

static const struct action_spec poke_spec = {
	.name = "poke",
	.label = "Poke",
	.key = 'K',
	.target = TARGET_SOURCE,
};

static const struct action_impl fake_actions[] = {
	{ .spec = &poke_spec },
	{ .spec = NULL },
};

static const struct probe_ops ok_ops = {
	.config = { .name = "fake" },
	.kind = SNAP_METRICS,
	.open = fake_open,
	.poll = ok_poll,
	.close = fake_close,
	.actions = fake_actions,
};

static const struct probe_ops fail_ops = {
	.config = { .name = "fake" },
	.kind = SNAP_METRICS,
	.open = fake_open,
	.poll = fail_poll,
	.close = fake_close,
};

static const struct probe_ops flaky_ops = {
	.config = { .name = "fake" },
	.kind = SNAP_METRICS,
	.open = fake_open,
	.poll = flaky_poll,
	.close = fake_close,
};

static const struct probe_ops stuck_ops = {
	.config = { .name = "fake" },
	.kind = SNAP_METRICS,
	.open = fake_open,
	.poll = stuck_poll,
	.close = fake_close,
};

static const struct probe_ops own_error_ops = {
	.config = { .name = "fake" },
	.kind = SNAP_METRICS,
	.open = fake_open,
	.poll = own_error_poll,
	.close = fake_close,
};

/* A backend that is down and comes back, as its address tells: polls
 * fail while backend_down, and reachable() says whether it accepts. */
static atomic_bool backend_down;
static atomic_int reach_checks;

static int
down_poll(void *state, struct snapshot *snap, struct err *err)
{
	int n = record_poll();

	if (atomic_load(&backend_down)) {
		atomic_fetch_add(&polls, 1);
		return err_set(err, "connection refused (127.0.0.1:1)");
	}
	set_seq(snap, n);
	atomic_fetch_add(&polls, 1);
	return 0;
}

static int
down_reachable(void *state, const struct probe *p)
{
	atomic_fetch_add(&reach_checks, 1);
	return atomic_load(&backend_down) ? 0 : 1;
}

/* Failing while its address accepts (an error reply, a hang). */
static int
up_reachable(void *state, const struct probe *p)
{
	atomic_fetch_add(&reach_checks, 1);
	return 1;
}

static const struct probe_ops down_ops = {
	.config = { .name = "fake" },
	.kind = SNAP_METRICS,
	.open = fake_open,
	.poll = down_poll,
	.close = fake_close,
	.reachable = down_reachable,
};

static const struct probe_ops failing_up_ops = {
	.config = { .name = "fake" },
	.kind = SNAP_METRICS,
	.open = fake_open,
	.poll = down_poll,
	.close = fake_close,
	.reachable = up_reachable,
};

/* Nothing to open or close, as the demo's sources. */
static const struct probe_ops stateless_ops = {
	.config = { .name = "fake" },
	.kind = SNAP_METRICS,
	.poll = ok_poll,
};

/* A backend this build lacks: none of its functions may be called. */
static const struct probe_ops unavailable_ops = {
	.config = { .name = "fake" },
	.kind = SNAP_METRICS,
	.unavailable = "Fake support not built in",
	.open = fake_open,
	.poll = ok_poll,
	.close = fake_close,
};

/* ---- polling ------------------------------------------------------- */

Test(runner, successful_polls_are_published_and_stamped, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.ok", 100, 1000);
	struct snapshot *s;
	struct err err;
	int idx;

	poll_delay_ms = 20;
	idx = runner_add(r, &ok_ops, sec, &err);
	cr_assert_eq(idx, 0, "%s", err.msg);
	cr_expect_eq(state_find_source(st, "fake.ok"), idx);
	cr_expect_eq(state_source_kind(st, idx), SNAP_METRICS);
	cr_expect_eq(runner_actions(r, idx), fake_actions);
	cr_expect_eq(runner_section(r, idx), sec);
	cr_expect_null(runner_actions(r, 7));

	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	cr_assert(runner_wait_first(r, 5000));
	cr_assert(wait_count(&polls, 3, 5000));

	s = state_get(st, idx);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->source, "fake.ok");
	cr_expect_str_empty(s->error);
	cr_expect_gt(snap_seq(s), 0);
	cr_expect_null(s->last_good);
	cr_expect_eq(s->interval_ms, 100);
	cr_expect_geq(s->poll_ms, 15, "poll took %d ms", s->poll_ms);
	cr_expect_leq(s->taken_mono_ms, clock_mono_ms());
	cr_expect_geq(s->taken_mono_ms, clock_mono_ms() - 1000);
	cr_expect_gt(s->taken_ms, 1600000000000);
	/* Stale once it is older than three intervals, not before. */
	cr_expect_not(snapshot_is_stale(s, s->taken_mono_ms + 300));
	cr_expect(snapshot_is_stale(s, s->taken_mono_ms + 301));
	snapshot_unref(s);

	cr_expect_eq(runner_failures(r, idx), 0);
	cr_expect_eq(atomic_load(&opens), 1);
	cr_expect(atomic_load(&signals_blocked),
		  "probe threads run with signals blocked");
	cr_expect_geq(state_source_generation(st, idx), 3);

	cr_expect_eq(atomic_load(&opened_section), sec);
	cr_expect_eq(atomic_load(&polled_state), &fake_state,
		     "poll() gets what open() returned");

	cr_expect_eq(runner_stop(r, 1000), 0);
	cr_expect_eq(atomic_load(&closes), 1);
	cr_expect_eq(atomic_load(&closed_state), &fake_state,
		     "close() gets what open() returned");
	pthread_mutex_lock(&thread_lock);
	cr_expect(pthread_equal(open_thread, close_thread),
		  "close() runs on the probe thread");
	cr_expect_not(pthread_equal(close_thread, pthread_self()));
	pthread_mutex_unlock(&thread_lock);
}

Test(runner, polls_follow_the_interval, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct config_section *sec = make_section("fake.ok", 60, 1000);
	struct err err;
	int i;

	cr_assert_geq(runner_add(r, &ok_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&polls, 5, 5000));
	for (i = 1; i < 5; i++) {
		int64_t gap = poll_at[i] - poll_at[i - 1];

		cr_expect_geq(gap, 50, "gap %d: %lld ms", i, (long long)gap);
		cr_expect_leq(gap, 400, "gap %d: %lld ms", i, (long long)gap);
	}
}

struct backoff_case {
	int interval;
	int failures;
	int want;
};

ParameterizedTestParameters(runner, backoff_table)
{
	static struct backoff_case cases[] = {
		{ 1000, 0, 1000 },
		{ 1000, 1, 1000 },
		{ 1000, 2, 2000 },
		{ 1000, 3, 4000 },
		{ 1000, 5, 16000 },
		{ 1000, 6, RUNNER_BACKOFF_CAP_MS },
		{ 1000, 60, RUNNER_BACKOFF_CAP_MS },
		{ 5000, 3, 20000 },
		{ 5000, 4, RUNNER_BACKOFF_CAP_MS },
		{ 60000, 1, 60000 },    /* never less than the interval */
		{ 60000, 9, 60000 },
		{ 100, 1000, RUNNER_BACKOFF_CAP_MS },
	};

	return cr_make_param_array(struct backoff_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct backoff_case *c, runner, backoff_table)
{
	cr_expect_eq(runner_backoff_ms(c->interval, c->failures), c->want,
		     "interval %d failures %d", c->interval, c->failures);
}

Test(runner, failing_probe_backs_off, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct config_section *sec = make_section("fake.down", 40, 1000);
	struct snapshot *s;
	struct err err;
	int64_t gap[5];
	int i;

	cr_assert_geq(runner_add(r, &fail_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&polls, 5, 5000));

	/* After failure n the runner waits interval * 2^(n-1), +-20 %. */
	for (i = 1; i < 5; i++) {
		int64_t want = runner_backoff_ms(40, i);

		gap[i] = poll_at[i] - poll_at[i - 1];
		cr_expect_geq(gap[i], want * 7 / 10,
			      "gap %d: %lld ms, want %lld", i,
			      (long long)gap[i], (long long)want);
		cr_expect_leq(gap[i], want * 13 / 10 + 150,
			      "gap %d: %lld ms, want %lld", i,
			      (long long)gap[i], (long long)want);
	}
	cr_expect_gt(gap[4], gap[2] * 2, "backoff grows: %lld then %lld",
		     (long long)gap[2], (long long)gap[4]);
	cr_expect_geq(runner_failures(r, 0), 4);

	s = state_get(st, 0);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->error, "connection refused (127.0.0.1:1)");
	cr_expect_null(s->data);
	cr_expect_null(s->last_good, "never had data");
	cr_expect_str_eq(s->source, "fake.down");
	snapshot_unref(s);
	cr_expect_eq(atomic_load(&opens), 1, "an error does not reopen");
}

/* An error snapshot says when the source is polled again. */
Test(runner, error_snapshot_says_when_it_retries, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.down", 200, 1000);
	struct snapshot *s;
	struct err err;
	char text[64];
	int64_t in, want;

	cr_assert_geq(runner_add(r, &fail_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&polls, 2, 5000));
	/* The runner counts a failure, then publishes its snapshot: read
	 * the count on both sides of the snapshot, and again while the
	 * newest failure's snapshot is not out yet. */
	for (int tries = 0;; tries++) {
		int n = runner_failures(r, 0);

		s = state_get(st, 0);
		cr_assert_not_null(s);
		cr_assert_neq(s->error[0], '\0');
		in = s->retry_mono_ms - s->taken_mono_ms;
		want = runner_backoff_ms(200, n);
		if ((n >= 2 && runner_failures(r, 0) == n &&
		     in >= want * 7 / 10 && in <= want * 13 / 10) ||
		    tries == 200) {
			break;
		}
		snapshot_unref(s);
		sleep_ms(5);
	}
	cr_expect(in >= want * 7 / 10 && in <= want * 13 / 10,
		  "retry in %lld ms, backoff %lld", (long long)in,
		  (long long)want);
	cr_expect(snapshot_retry_text(s, s->retry_mono_ms - 4200, text,
				      sizeof(text)));
	cr_expect_str_eq(text, "retrying in 5s");
	cr_expect(snapshot_retry_text(s, s->retry_mono_ms - 300, text,
				      sizeof(text)));
	cr_expect_str_eq(text, "retrying now");
	snapshot_unref(s);
}

/* A server that went down costs a connect per interval while the runner
 * backs off, never a poll; once it accepts again it is polled within an
 * interval, long before the backoff would have ended. */
Test(runner, recovered_backend_is_polled_within_an_interval, .init = setup,
     .fini = teardown, .timeout = 40)
{
	struct config_section *sec = make_section("fake.back", 250, 1000);
	struct snapshot *s = NULL;
	struct err err;
	int n, checks;
	int64_t end, up_at, backoff_min;

	atomic_store(&backend_down, true);
	cr_assert_geq(runner_add(r, &down_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	/* Six failures: the backoff is now 250 * 2^5 = 8 s, +-20 %. */
	cr_assert(wait_count(&polls, 6, 25000));
	n = atomic_load(&polls);
	checks = atomic_load(&reach_checks);
	backoff_min = runner_backoff_ms(250, 6) * 8 / 10;
	sleep_ms(1500);
	cr_expect_eq(atomic_load(&polls), n, "polled while it was down");
	cr_expect_geq(atomic_load(&reach_checks), checks + 3,
		      "asked %d times in 1.5 s",
		      atomic_load(&reach_checks) - checks);

	atomic_store(&backend_down, false);
	up_at = now_ms();
	end = up_at + 3000;
	while (now_ms() < end) {
		s = state_get(st, 0);
		if (s != NULL && s->data != NULL) {
			break;
		}
		snapshot_unref(s);
		s = NULL;
		sleep_ms(10);
	}
	cr_assert_not_null(s, "not polled within 3 s of coming back");
	snapshot_unref(s);
	cr_expect_lt(poll_at[n] - poll_at[n - 1], backoff_min,
		     "polled %lld ms after the failure",
		     (long long)(poll_at[n] - poll_at[n - 1]));
	cr_expect_eq(runner_failures(r, 0), 0);
}

/* A server that answers its port but fails its polls keeps its full
 * backoff: asked once per failure, polled no sooner. */
Test(runner, failing_but_reachable_keeps_its_backoff, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.err", 100, 1000);
	struct err err;
	int i;

	atomic_store(&backend_down, true);
	cr_assert_geq(runner_add(r, &failing_up_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&polls, 5, 10000));
	for (i = 2; i < 5; i++) {
		int64_t want = runner_backoff_ms(100, i);

		cr_expect_geq(poll_at[i] - poll_at[i - 1], want * 7 / 10,
			      "gap %d: %lld ms, want %lld", i,
			      (long long)(poll_at[i] - poll_at[i - 1]),
			      (long long)want);
	}
	/* Once per failure (the first backoff is the interval itself). */
	cr_expect_leq(atomic_load(&reach_checks), atomic_load(&polls),
		      "%d checks for %d polls", atomic_load(&reach_checks),
		      atomic_load(&polls));
}

Test(runner, failures_reset_after_success_and_last_good_is_carried,
     .init = setup, .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.flaky", 30, 1000);
	struct err err;

	cr_assert_eq(runner_add(r, &flaky_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&polls, 6, 5000));

	/* Seen on entry to poll n: the result of poll n-1. */
	cr_expect_eq(flaky_failures_seen[1], 0, "poll 1 succeeded");
	cr_expect_eq(flaky_err_seen[1], 0);
	cr_expect_eq(flaky_failures_seen[2], 1, "poll 2 failed");
	cr_expect_eq(flaky_err_seen[2], 1);
	cr_expect_eq(flaky_last_good_seen[2], 1,
		     "the error snapshot keeps poll 1's data");
	cr_expect_eq(flaky_failures_seen[3], 2, "poll 3 failed");
	cr_expect_eq(flaky_last_good_seen[3], 1);
	cr_expect_eq(flaky_failures_seen[4], 0, "poll 4 reset the count");
	cr_expect_eq(flaky_err_seen[4], 0);
	cr_expect_eq(flaky_failures_seen[5], 0);
	/* Backoff after two failures is longer than after one. */
	cr_expect_gt(poll_at[3] - poll_at[2], (poll_at[2] - poll_at[1]) / 2);
}

Test(runner, open_failure_retries_without_close, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.auth", 30, 1000);
	struct err err;

	open_failures_wanted = 2;
	cr_assert_eq(runner_add(r, &ok_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&polls, 1, 5000));
	cr_expect_eq(atomic_load(&opens), 3);
	cr_expect_eq(atomic_load(&closes), 0, "a failed open is not closed");
	cr_expect_eq(runner_stop(r, 1000), 0);
	cr_expect_eq(atomic_load(&closes), 1);
}

Test(runner, open_failure_publishes_error, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct config_section *sec = make_section("fake.auth", 5000, 1000);
	struct snapshot *s;
	struct err err;

	open_failures_wanted = 100;
	cr_assert_eq(runner_add(r, &ok_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(runner_wait_first(r, 5000));
	s = state_get(st, 0);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->error, "authentication failed for user \"app\"");
	cr_expect_eq(s->interval_ms, 5000);
	snapshot_unref(s);
	cr_expect_eq(runner_failures(r, 0), 1);
	cr_expect_eq(atomic_load(&polls), 0);
}

Test(runner, refresh_wakes_a_long_sleep, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct config_section *sec = make_section("fake.slow", 60000, 1000);
	struct err err;
	int64_t t0;

	cr_assert_eq(runner_add(r, &ok_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(runner_wait_first(r, 5000));
	sleep_ms(50);
	cr_assert_eq(atomic_load(&polls), 1, "sleeping for 60 s");
	t0 = now_ms();
	runner_refresh(r, 0);
	cr_expect(wait_count(&polls, 2, 1000), "refresh polled within 1 s");
	cr_expect_lt(now_ms() - t0, 1000);
	cr_expect_eq(state_source_generation(st, 0), 2);

	/* Stopping does not wait for the 60 s interval either. */
	t0 = now_ms();
	cr_expect_eq(runner_stop(r, 1000), 0);
	cr_expect_lt(now_ms() - t0, 500);
}

Test(runner, stop_abandons_a_stuck_poll, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct config_section *stuck = make_section("fake.stuck", 100, 1000);
	struct config_section *ok = make_section("fake.ok", 100, 1000);
	struct err err;
	int64_t t0, took;
	int64_t end = now_ms() + 5000;

	cr_assert_eq(runner_add(r, &stuck_ops, stuck, &err), 0);
	cr_assert_eq(runner_add(r, &ok_ops, ok, &err), 1);
	cr_assert_eq(runner_start(r, &err), 0);
	while (!atomic_load(&stuck_entered) && now_ms() < end) {
		sleep_ms(2);
	}
	cr_assert(atomic_load(&stuck_entered));
	cr_assert(wait_count(&polls, 1, 5000));

	t0 = now_ms();
	cr_expect_eq(runner_stop(r, 1000), 1);
	took = now_ms() - t0;
	cr_expect_lt(took, 1200, "runner_stop took %lld ms", (long long)took);
	cr_expect_geq(took, 900, "gave up early: %lld ms", (long long)took);
	cr_expect_eq(atomic_load(&closes), 1, "the healthy probe was closed");
	/* The runner stays allocated for the abandoned thread. */
	runner_free(r);
	r = NULL;
}

Test(runner, wait_first_times_out, .init = setup, .fini = teardown,
     .timeout = 20)
{
	struct config_section *sec = make_section("fake.stuck", 100, 1000);
	struct err err;
	int64_t t0, took;

	cr_assert_eq(runner_add(r, &stuck_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	t0 = now_ms();
	cr_expect_not(runner_wait_first(r, 200));
	took = now_ms() - t0;
	cr_expect_geq(took, 190);
	cr_expect_lt(took, 1000);
	cr_expect_eq(runner_stop(r, 100), 1);
	runner_free(r);
	r = NULL;
}

Test(runner, poll_with_its_own_error_counts_as_a_failure, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.lag", 30, 1000);
	struct snapshot *s;
	struct err err;

	cr_assert_eq(runner_add(r, &own_error_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&polls, 3, 5000));
	s = state_get(st, 0);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->error, "replica lag unknown");
	cr_expect_str_eq(s->source, "fake.lag");
	cr_expect_eq(s->interval_ms, 30);
	cr_expect_eq(snap_seq(s->last_good), 1);
	snapshot_unref(s);
	cr_expect_geq(runner_failures(r, 0), 1);
	cr_expect_eq(atomic_load(&opens), 1, "an error does not reopen");
}

Test(runner, probe_without_open_polls_with_no_state, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.demo", 30, 1000);
	struct err err;

	atomic_store(&polled_state, &fake_state);
	cr_assert_eq(runner_add(r, &stateless_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&polls, 2, 5000));
	cr_expect_null(atomic_load(&polled_state));
	cr_expect_eq(runner_stop(r, 1000), 0);
	cr_expect_eq(atomic_load(&opens), 0);
	cr_expect_eq(atomic_load(&closes), 0);
}

Test(runner, unavailable_backend_is_an_open_error, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.none", 30, 1000);
	struct snapshot *s;
	struct err err;

	cr_assert_eq(runner_add(r, &unavailable_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(runner_wait_first(r, 5000));
	/* Retried with backoff, as a failing open() is. */
	sleep_ms(200);
	s = state_get(st, 0);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->error, "Fake support not built in");
	cr_expect_null(s->data);
	cr_expect_eq(s->kind, SNAP_METRICS);
	snapshot_unref(s);
	cr_expect_geq(runner_failures(r, 0), 2);
	cr_expect_eq(runner_stop(r, 1000), 0);
	cr_expect_eq(atomic_load(&opens), 0);
	cr_expect_eq(atomic_load(&polls), 0);
	cr_expect_eq(atomic_load(&closes), 0);
}

Test(runner, ops_that_cannot_poll_are_refused, .init = setup,
     .fini = teardown)
{
	static const struct probe_ops no_poll = {
		.config = { .name = "fake" },
		.kind = SNAP_METRICS,
		.open = fake_open,
	};
	struct config_section *sec = make_section("fake.mute", 100, 1000);
	struct err err;

	cr_expect_eq(runner_add(r, &no_poll, sec, &err), -1);
	cr_expect_str_eq(err.msg, "fake.mute: this backend cannot be polled");
	cr_expect_eq(runner_add(r, NULL, sec, &err), -1);
	cr_expect_eq(state_source_count(st), 0);
}

Test(runner, duplicate_source_is_refused, .init = setup, .fini = teardown)
{
	struct config_section *a = make_section("fake.one", 100, 1000);
	struct config_section *b = make_section("fake.one", 100, 1000);
	struct err err;

	cr_expect_eq(runner_add(r, &ok_ops, a, &err), 0);
	err_clear(&err);
	cr_expect_eq(runner_add(r, &ok_ops, b, &err), -1);
	cr_expect_not_null(strstr(err.msg, "fake.one"), "%s", err.msg);
}

/* ---- streaming ----------------------------------------------------- */

static atomic_int stream_calls;
static atomic_int changes_done;
static int64_t changes_end_ms;
static int stream_failures_seen;
static int stream_err_seen;
static int stream_last_good_seen;

/* Call 1 publishes 100 changes as fast as it can, then idles until the
 * runner stops. */
static int
burst_stream(struct probe *p, void *state, struct err *err)
{
	int i;

	atomic_fetch_add(&stream_calls, 1);
	for (i = 1; i <= 100; i++) {
		probe_publish(p, seq_snapshot(p, i));
		sleep_ms(1);
	}
	changes_end_ms = now_ms();
	atomic_store(&changes_done, 1);
	while (!probe_stopping(p)) {
		probe_sleep(p, 1000);
	}
	return 0;
}

/* Call 1 publishes once and breaks; call 2 records what it finds, then
 * publishes again and idles. */
static int
broken_stream(struct probe *p, void *state, struct err *err)
{
	int n = atomic_fetch_add(&stream_calls, 1) + 1;
	struct snapshot *cur;

	if (n == 1) {
		probe_publish(p, seq_snapshot(p, 1));
		return err_set(err, "watch closed by the server");
	}
	if (n == 2) {
		cur = state_get(st, 0);
		stream_failures_seen = runner_failures(r, 0);
		stream_err_seen = cur != NULL && cur->error[0] != '\0';
		stream_last_good_seen = cur != NULL ? snap_seq(cur->last_good) :
				       -2;
		snapshot_unref(cur);
		probe_publish(p, seq_snapshot(p, 2));
		atomic_store(&changes_done, 1);
	}
	while (!probe_stopping(p)) {
		probe_sleep(p, 1000);
	}
	return 0;
}

static const struct probe_ops burst_ops = {
	.config = { .name = "fakestream" },
	.kind = SNAP_PODS,
	.open = fake_open,
	.stream = burst_stream,
	.close = fake_close,
};

static const struct probe_ops broken_ops = {
	.config = { .name = "fakestream" },
	.kind = SNAP_PODS,
	.open = fake_open,
	.stream = broken_stream,
	.close = fake_close,
};

Test(runner, stream_publishes_at_most_once_per_interval, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.watch", 200, 1000);
	struct snapshot *s = NULL;
	struct err err;
	int64_t t0, end, last_seen_ms = 0;
	uint64_t gen, allowed;

	cr_assert_eq(runner_add(r, &burst_ops, sec, &err), 0);
	t0 = now_ms();
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&changes_done, 1, 10000));

	/* The last change shows up without any further change. */
	end = now_ms() + 3000;
	while (now_ms() < end) {
		s = state_get(st, 0);
		if (snap_seq(s) == 100) {
			last_seen_ms = now_ms();
			break;
		}
		snapshot_unref(s);
		s = NULL;
		sleep_ms(5);
	}
	cr_assert_not_null(s, "change 100 was never published");
	cr_expect_str_eq(s->source, "fake.watch");
	cr_expect_eq(s->interval_ms, 200);
	snapshot_unref(s);
	cr_expect_leq(last_seen_ms - changes_end_ms, 200 + 300,
		      "the pending change waited %lld ms",
		      (long long)(last_seen_ms - changes_end_ms));

	/* One publish per started interval at most, plus the first. */
	gen = state_source_generation(st, 0);
	allowed = 2 + (uint64_t)(changes_end_ms - t0) / 200;
	cr_expect_geq(gen, 2);
	cr_expect_leq(gen, allowed, "%llu publishes for 100 changes",
		      (unsigned long long)gen);
	cr_expect_leq(gen, 10);
	cr_expect_eq(atomic_load(&stream_calls), 1);

	cr_expect_eq(runner_stop(r, 1000), 0);
	cr_expect_eq(atomic_load(&closes), 1);
}

Test(runner, broken_stream_backs_off_and_restarts, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.watch", 50, 1000);
	struct snapshot *s;
	struct err err;
	int64_t end;

	cr_assert_eq(runner_add(r, &broken_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&changes_done, 1, 5000));
	cr_expect_eq(stream_failures_seen, 1);
	cr_expect(stream_err_seen, "the break was published as an error");
	cr_expect_eq(stream_last_good_seen, 1);

	end = now_ms() + 2000;
	for (;;) {
		s = state_get(st, 0);
		if (snap_seq(s) == 2 || now_ms() > end) {
			break;
		}
		snapshot_unref(s);
		sleep_ms(5);
	}
	cr_expect_eq(snap_seq(s), 2);
	snapshot_unref(s);
	cr_expect_eq(runner_failures(r, 0), 1,
		     "failures count until the stream ends cleanly");
	cr_expect_eq(atomic_load(&opens), 1, "a broken stream is not reopened");
}

/* ---- the registry -------------------------------------------------- */

#if HAVE_LIBCURL
#define K8S_MISSING "YAML support not built in (kubeconfig)"
#else
#define K8S_MISSING "HTTP support not built in"
#endif

struct registry_case {
	char backend[16];
	enum snap_kind kind;
	bool built_in;
	char missing[64];
	/* What a stand-in says when its library is built in; "" for a real
	 * probe, whose open() needs a section. */
	char present[64];
};

ParameterizedTestParameters(runner, registry)
{
	static struct registry_case cases[] = {
		{ "kubernetes", SNAP_PODS, HAVE_LIBCURL && HAVE_YAML,
		  K8S_MISSING, "" },
		{ "postgres", SNAP_PG, HAVE_LIBPQ,
		  "PostgreSQL support not built in", "" },
		{ "redis", SNAP_REDIS, HAVE_HIREDIS,
		  "Redis support not built in", "" },
		{ "kafka", SNAP_KAFKA, HAVE_RDKAFKA,
		  "Kafka support not built in", "" },
		{ "prometheus", SNAP_METRICS, HAVE_LIBCURL,
		  "HTTP support not built in", "" },
		{ "alertmanager", SNAP_ALERTS, HAVE_LIBCURL,
		  "HTTP support not built in", "" },
	};

	return cr_make_param_array(struct registry_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct registry_case *c, runner, registry, .init = setup,
		  .fini = teardown, .timeout = 20)
{
	const struct probe_ops *ops = probe_find(c->backend);
	struct config_section *sec;
	struct snapshot *s;
	char name[32];
	struct err err;

	cr_assert_not_null(ops, "%s missing", c->backend);
	cr_expect_str_eq(ops->config.name, c->backend);
	cr_expect_eq(ops->kind, c->kind);
	cr_expect(ops->open != NULL || ops->unavailable != NULL);
	if (c->built_in && c->present[0] == '\0') {
		cr_expect_null(ops->unavailable);
		cr_expect_not_null(ops->open);
		cr_expect(ops->poll != NULL || ops->stream != NULL);
		return;
	}
	/* What the pane shows: the reason, through a real runner. */
	snprintf(name, sizeof(name), "%s.main", c->backend);
	sec = make_section(name, 1000, 1000);
	cr_assert_eq(runner_add(r, ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(runner_wait_first(r, 5000));
	s = state_get(st, 0);
	cr_assert_not_null(s);
	cr_expect_eq(s->kind, c->kind);
	cr_expect_str_eq(s->error, c->built_in ? c->present : c->missing);
	snapshot_unref(s);
}

Test(runner, registry_matches_config_backends)
{
	const struct config_backend_spec *const *specs = probe_config_specs();
	size_t i;

	for (i = 0; specs[i] != NULL; i++) {
		const struct probe_ops *ops = probe_find(specs[i]->name);

		cr_assert_not_null(ops, "no ops for %s", specs[i]->name);
		cr_expect_eq(&ops->config, specs[i],
			     "the spec is the one in the ops");
	}
	cr_expect_eq(i, 8);
	cr_expect_eq(probe_find("k8s"), probe_find("kubernetes"));
	cr_expect_str_eq(probe_find("k8s")->config.name, "kubernetes");
	cr_expect_eq(probe_find("prometheus")->companion,
		     probe_find("prometheus-alerts"));
	cr_expect_eq(probe_find("prometheus-alerts")->kind, SNAP_ALERTS);
	cr_expect_null(probe_find("demo"), "the demo adds its own sources");
	cr_expect_null(probe_find("mysql"));
	cr_expect_null(probe_find(NULL));
}

/* A backend this build lacks: the runner shows its reason, retried like
 * an open error, and calls none of its functions. */
static const struct probe_ops missing_ops = {
	.kind = SNAP_KAFKA,
	.unavailable = "Frobnitz support not built in",
	.config = { .name = "frobnitz" },
};

Test(runner, unavailable_backend_shows_its_reason, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("frobnitz.main", 1000, 1000);
	struct snapshot *s;
	struct err err;

	cr_assert_eq(runner_add(r, &missing_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(runner_wait_first(r, 5000));
	s = state_get(st, 0);
	cr_assert_not_null(s);
	cr_expect_eq(s->kind, SNAP_KAFKA);
	cr_expect_str_eq(s->error, "Frobnitz support not built in");
	snapshot_unref(s);
	cr_expect_eq(runner_stop(r, 1000), 0);
}

/* ---- focus, waker, scope ------------------------------------------- */

/* A stream blocked in a wait of its own, as a curl multi is: only its
 * waker ends it. It answers each new focus by publishing it as the
 * snapshot's source text (seen by the test through a counter). */
struct own_loop {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int wakes;
};

static struct own_loop own = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0,
};
static atomic_int focus_seen;
static char focus_text[PROBE_FOCUS_MAX];
static pthread_mutex_t focus_lock = PTHREAD_MUTEX_INITIALIZER;

static void
own_wake(void *arg)
{
	struct own_loop *l = arg;

	pthread_mutex_lock(&l->lock);
	l->wakes++;
	pthread_cond_signal(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

static int
waiting_stream(struct probe *p, void *state, struct err *err)
{
	struct source_scope sc = { .name = "ctx-a", .production = true,
				   .warning = "TLS NOT VERIFIED (ctx-a)" };
	uint64_t gen = 0;

	probe_set_scope(p, &sc);
	probe_set_waker(p, own_wake, &own);
	while (!probe_stopping(p)) {
		char text[PROBE_FOCUS_MAX];
		uint64_t g = probe_focus(p, text, sizeof(text));

		if (g != gen) {
			gen = g;
			pthread_mutex_lock(&focus_lock);
			snprintf(focus_text, sizeof(focus_text), "%s", text);
			pthread_mutex_unlock(&focus_lock);
			atomic_fetch_add(&focus_seen, 1);
		}
		/* No timeout: nothing but the waker gets it out. */
		pthread_mutex_lock(&own.lock);
		while (own.wakes == 0) {
			pthread_cond_wait(&own.cond, &own.lock);
		}
		own.wakes = 0;
		pthread_mutex_unlock(&own.lock);
	}
	probe_set_waker(p, NULL, NULL);
	return 0;
}

static const struct probe_ops waiting_ops = {
	.config = { .name = "fakestream" },
	.kind = SNAP_PODS,
	.open = fake_open,
	.stream = waiting_stream,
	.close = fake_close,
};

Test(runner, focus_and_stop_reach_a_probe_in_its_own_wait, .init = setup,
     .fini = teardown, .timeout = 20)
{
	struct config_section *sec = make_section("fake.own", 1000, 1000);
	struct source_scope sc;
	struct err err;
	int64_t t0;

	cr_assert_eq(runner_add(r, &waiting_ops, sec, &err), 0);
	cr_assert_eq(runner_start(r, &err), 0);
	cr_assert(wait_count(&focus_seen, 0, 100));
	t0 = now_ms();
	while (!state_get_scope(st, 0, &sc) && now_ms() - t0 < 5000) {
		sleep_ms(5);
	}
	cr_expect_str_eq(sc.name, "ctx-a");
	cr_expect(sc.production);
	cr_expect_str_eq(sc.warning, "TLS NOT VERIFIED (ctx-a)");
	/* A new focus wakes it and it reads it. */
	runner_set_focus(r, 0, "logs prod api-1 - current follow");
	cr_assert(wait_count(&focus_seen, 1, 5000));
	pthread_mutex_lock(&focus_lock);
	cr_expect_str_eq(focus_text, "logs prod api-1 - current follow");
	pthread_mutex_unlock(&focus_lock);
	/* The same focus again is no news. */
	runner_set_focus(r, 0, "logs prod api-1 - current follow");
	runner_set_focus(r, 0, "");
	cr_assert(wait_count(&focus_seen, 2, 5000));
	/* Shutdown wakes it too, at once. */
	t0 = now_ms();
	cr_expect_eq(runner_stop(r, 2000), 0);
	cr_expect_lt(now_ms() - t0, 500);
	cr_expect_eq(atomic_load(&focus_seen), 2);
}
