/* Ad-hoc questions (probes/ask.c) without a server: an answer that is the
 * backend's error, the state woken for it, answers dropped when nobody
 * takes them, and giving up questions still running. Threads: also run
 * under ThreadSanitizer (against a real Prometheus: tests/integration/
 * test_ask.c). */
#include <criterion/criterion.h>

#include <dirent.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "probes/probe.h"

static struct config cfg;
static struct state *st;
static struct asks *q;

static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.specs = probe_config_specs();
	st = state_new();
	q = asks_new(st);
}

static void
teardown(void)
{
	asks_free(q);
	state_free(st);
	config_finish(&cfg);
}

TestSuite(ask, .init = setup, .fini = teardown, .timeout = 30);

/* A Prometheus nobody listens for (port 1 refuses at once). */
static const struct config_section *
nowhere(void)
{
	struct config_section *sec = config_add_section(&cfg,
							"prometheus.gone");

	config_section_set(sec, "url", "http://127.0.0.1:1");
	sec->timeout_ms = 2000;
	return sec;
}

static struct snapshot *
answer(uint64_t id)
{
	int64_t end = clock_mono_ms() + 20000;
	struct snapshot *s;

	while ((s = asks_take(q, id)) == NULL && clock_mono_ms() < end) {
		struct pollfd p = { .fd = state_wakeup_fd(st),
				    .events = POLLIN };

		cr_assert_geq(poll(&p, 1, 1000), 0);
		state_drain(st);
	}
	return s;
}

Test(ask, the_backends_error_is_the_answer)
{
	struct err err = { { 0 } };
	struct snapshot *s;
	uint64_t id = asks_submit(q, nowhere(), "up", &err);

	cr_assert_neq(id, 0, "%s", err.msg);
	s = answer(id);
	cr_assert_not_null(s, "no answer");
	cr_expect_neq(s->error[0], '\0');
	cr_expect_str_eq(s->source, "prometheus.gone");
	cr_expect_eq(s->kind, SNAP_METRICS);
	cr_expect(s->derived);
	cr_expect_eq(s->health, HEALTH_CRIT);
	snapshot_unref(s);
}

Test(ask, answers_nobody_takes_are_dropped)
{
	struct err err = { { 0 } };
	const struct config_section *sec = nowhere();
	uint64_t first = asks_submit(q, sec, "up", &err), second;
	struct snapshot *s = answer(first);

	cr_assert_not_null(s);
	snapshot_unref(s);
	/* Two questions; only the newer one's answer is wanted. */
	first = asks_submit(q, sec, "up", &err);
	second = asks_submit(q, sec, "down", &err);
	cr_assert(first != 0 && second != 0 && first != second);
	s = answer(second);
	cr_assert_not_null(s);
	snapshot_unref(s);
	/* Asking again drops the older answer nobody took. */
	s = answer(first);
	snapshot_unref(s);
	cr_assert_neq(asks_submit(q, sec, "up", &err), 0);
}

/* Threads of this process. */
static int
threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		n += e->d_name[0] != '.';
	}
	closedir(d);
	return n;
}

Test(ask, given_up_while_running)
{
	struct err err = { { 0 } };
	const struct config_section *sec = nowhere();
	int before = threads();
	int64_t end;

	for (int i = 0; i < 4; i++) {
		cr_assert_neq(asks_submit(q, sec, "up", &err), 0, "%s",
			      err.msg);
	}
	/* The threads end on their own and touch nothing of ours; until
	 * they have, the process must not run its exit handlers (cli). */
	asks_free(q);
	state_free(st);
	st = state_new();
	q = asks_new(st);
	end = clock_mono_ms() + 20000;
	while (threads() > before && clock_mono_ms() < end) {
		usleep(20000);
	}
	cr_expect_eq(threads(), before, "a question's thread never ended");
	cr_expect_not(asks_free(q), "nothing runs");
	q = asks_new(st);
}
