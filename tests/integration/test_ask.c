/* Ad-hoc questions (probes/ask.c) against a real Prometheus with
 * backfilled data: a PromQL expression answered as one panel with a row
 * and a history per series, a query Prometheus rejects, a backend that
 * answers no question, a peer that never answers (the question's own
 * timeout; asking and giving up never wait), and the wakeup. */
#include <criterion/criterion.h>

#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/xalloc.h"
#include "probes/http.h"
#include "probes/probe.h"
#include "tests/integration/harness.h"
#include "tests/integration/prom_server.h"

static struct config cfg;
static struct prom_server server;
static struct state *st;
static struct asks *q;

static void
setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	cr_assert(http_global_init(NULL), "libcurl opens");
	memset(&cfg, 0, sizeof(cfg));
	cfg.specs = probe_config_specs();
	server.pid = -1;
	st = state_new();
	q = asks_new(st);
}

static void
teardown(void)
{
	asks_free(q);
	state_free(st);
	prom_server_stop(&server);
	config_finish(&cfg);
}

TestSuite(ask, .init = setup, .fini = teardown, .timeout = 60);

/* A source's section: its panels are what a question replaces. */
static struct config_section *
section(const char *name, const char *url, int timeout_ms)
{
	struct config_section *sec = config_add_section(&cfg, name);

	config_section_set(sec, "url", url);
	config_section_set(sec, "panel.errors.expr", "vector(1)");
	config_section_set(sec, "panel.errors.unit", "ratio");
	sec->timeout_ms = timeout_ms;
	return sec;
}

/* Waits (up to ms) for the answer to id, sleeping on the state's wakeup
 * as the UI does. */
static struct snapshot *
answer(uint64_t id, int ms)
{
	int64_t end = clock_mono_ms() + ms;
	struct snapshot *s;

	while ((s = asks_take(q, id)) == NULL && clock_mono_ms() < end) {
		struct pollfd p = { .fd = state_wakeup_fd(st),
				    .events = POLLIN };

		poll(&p, 1, 200);
		state_drain(st);
	}
	return s;
}

static const struct metric_row *
row_of(const struct metric_panel *p, const char *label)
{
	for (size_t i = 0; i < p->n_rows; i++) {
		if (strcmp(p->rows[i].label, label) == 0) {
			return &p->rows[i];
		}
	}
	return NULL;
}

Test(ask, promql_answered_as_one_panel)
{
	struct err err = { { 0 } };
	const struct metrics_model *m;
	const struct metric_row *api, *web;
	struct config_section *sec;
	struct snapshot *s;
	uint64_t id;

	cr_assert(prom_server_start(&server));
	sec = section("prometheus.main", server.url, 5000);
	id = asks_submit(q, sec, "sum by (service) (rate(http_requests_total"
			 "{status=~\"5..\"}[5m])) / sum by (service) "
			 "(rate(http_requests_total[5m]))", &err);
	cr_assert_neq(id, 0, "%s", err.msg);
	s = answer(id, 20000);
	cr_assert_not_null(s, "no answer");
	cr_assert_str_empty(s->error);
	cr_expect_str_eq(s->source, "prometheus.main");
	cr_expect(s->derived);
	m = snapshot_metrics(s);
	cr_assert_not_null(m);
	/* The question replaced the configured panel. */
	cr_assert_eq(m->n_panels, 1);
	cr_expect(strstr(m->panels[0].expr, "rate(http_requests_total") !=
		  NULL, "%s", m->panels[0].expr);
	api = row_of(&m->panels[0], "service=api");
	web = row_of(&m->panels[0], "service=web");
	cr_assert_not_null(api);
	cr_assert_not_null(web);
	cr_expect(fabs(api->value - 0.07) < 0.005, "api %g", api->value);
	cr_expect(fabs(web->value - 0.02) < 0.005, "web %g", web->value);
	/* Its history: the sparkline's points, mostly filled. */
	cr_assert_gt(api->history.n, 10);
	cr_expect(!isnan(api->history.v[api->history.n - 2]));
	cr_expect_null(asks_take(q, id), "an answer is taken once");
	snapshot_unref(s);
}

Test(ask, rejected_query_is_the_answer)
{
	struct err err = { { 0 } };
	const struct metrics_model *m;
	struct snapshot *s;
	uint64_t id;

	cr_assert(prom_server_start(&server));
	id = asks_submit(q, section("prometheus.main", server.url, 5000),
			 "sum(rate(", &err);
	cr_assert_neq(id, 0, "%s", err.msg);
	s = answer(id, 20000);
	cr_assert_not_null(s);
	m = snapshot_metrics(s);
	cr_assert_not_null(m);
	cr_assert_eq(m->n_panels, 1);
	cr_assert_eq(m->panels[0].n_rows, 1);
	cr_expect(strstr(m->panels[0].rows[0].error, "parse error") != NULL,
		  "%s", m->panels[0].rows[0].error);
	snapshot_unref(s);
}

Test(ask, only_a_backend_that_answers)
{
	struct err err = { { 0 } };
	struct config_section *pg = config_add_section(&cfg, "postgres.main");

	config_section_set(pg, "dsn", "host=127.0.0.1");
	cr_expect_eq(asks_submit(q, pg, "SELECT 1", &err), 0);
	cr_expect_str_eq(err.msg, "postgres.main cannot answer a query");
	cr_expect_eq(asks_submit(q, section("prometheus.x", "http://h", 500),
				 "", &err), 0);
	cr_expect_str_eq(err.msg, "an empty PromQL query");
}

Test(ask, silent_peer_times_out_and_nothing_waits)
{
	struct harness_peer *peer = harness_peer_start(NULL, 0);
	struct err err = { { 0 } };
	char *url = xasprintf("http://127.0.0.1:%d",
			      harness_peer_port(peer));
	struct config_section *sec = section("prometheus.slow", url, 2000);
	struct snapshot *s;
	int64_t t0;
	uint64_t id, other;

	t0 = clock_mono_ms();
	id = asks_submit(q, sec, "up", &err);
	cr_assert_neq(id, 0, "%s", err.msg);
	cr_expect_lt(clock_mono_ms() - t0, 1000, "asking does not wait");
	cr_expect_null(asks_take(q, id), "no answer yet");
	s = answer(id, 15000);
	cr_assert_not_null(s);
	cr_expect(strstr(s->error, "timed out") != NULL, "%s", s->error);
	cr_expect_null(snapshot_metrics(s));
	snapshot_unref(s);

	/* A question still waiting is given up without waiting for it. */
	other = asks_submit(q, sec, "up", &err);
	cr_assert_neq(other, 0, "%s", err.msg);
	t0 = clock_mono_ms();
	asks_free(q);
	cr_expect_lt(clock_mono_ms() - t0, 1000, "giving up does not wait");
	q = asks_new(st);
	harness_peer_stop(peer);
	free(url);
}
