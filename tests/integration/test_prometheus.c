/* The Prometheus probe against a real Prometheus with backfilled data of
 * known rates (5xx ratio, p95/p99, request rate, a missing series, a query
 * Prometheus rejects, /api/v1/alerts), and against peers that fail: down,
 * silent, too large, not JSON, HTTP errors, redirects; auth headers; and
 * the runner's shutdown while a request hangs. */
#include <criterion/criterion.h>

#include <math.h>
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
#include "probes/alertmanager.h"
#include "probes/http.h"
#include "probes/prometheus.h"
#include "probes/runner.h"
#include "tests/integration/harness.h"
#include "tests/integration/prom_server.h"

static struct config cfg;
static struct prom_server server;
static char *tmp;

static void
setup(void)
{
	/* A peer writing a large reply to a client that hung up. */
	signal(SIGPIPE, SIG_IGN);
	cr_assert(http_global_init(NULL), "libcurl opens");
	memset(&cfg, 0, sizeof(cfg));
	server.pid = -1;
	tmp = harness_tmpdir("warroom-prom-test");
	cr_assert_not_null(tmp);
}

static void
teardown(void)
{
	prom_server_stop(&server);
	config_finish(&cfg);
	harness_rmrf(tmp);
	free(tmp);
}

static struct config_section *
section(const char *url, int timeout_ms)
{
	struct config_section *sec = config_add_section(&cfg,
							"prometheus.test");

	config_section_set(sec, "url", url);
	sec->timeout_ms = timeout_ms;
	return sec;
}

static char *
local_url(int port)
{
	return xasprintf("http://127.0.0.1:%d", port);
}

/* One poll of a fresh poller for sec: the snapshot, or NULL with err. */
static struct snapshot *
poll_once(const struct config_section *sec, struct err *err)
{
	struct prom_poller *pp = prom_poller_new(sec, NULL, err);
	struct snapshot *s;

	cr_assert_not_null(pp, "%s", err->msg);
	s = snapshot_new(SNAP_METRICS, "prometheus.test");
	if (prom_poller_poll(pp, s, err) < 0) {
		snapshot_unref(s);
		s = NULL;
	}
	prom_poller_free(pp);
	return s;
}

static const struct metric_panel *
panel(const struct snapshot *s, const char *name)
{
	const struct metrics_model *m = snapshot_metrics(s);
	size_t i;

	cr_assert_not_null(m);
	for (i = 0; i < m->n_panels; i++) {
		if (strcmp(m->panels[i].name, name) == 0) {
			return &m->panels[i];
		}
	}
	cr_assert_fail("no panel %s", name);
	return NULL;
}

static const struct metric_row *
row(const struct metric_panel *p, const char *label)
{
	size_t i;

	for (i = 0; i < p->n_rows; i++) {
		if (strcmp(p->rows[i].label, label) == 0) {
			return &p->rows[i];
		}
	}
	cr_assert_fail("panel %s has no row '%s'", p->name, label);
	return NULL;
}

static void
start_server(void)
{
	cr_assert(prom_server_start(&server), "prometheus did not start");
}

TestSuite(prometheus, .init = setup, .fini = teardown, .timeout = 40);

Test(prometheus, default_panels_show_known_values)
{
	const struct metric_panel *p;
	const struct metric_row *r;
	struct snapshot *s;
	struct err err = { "" };
	size_t i, points = 0;

	start_server();
	s = poll_once(section(server.url, 5000), &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_eq(snapshot_metrics(s)->n_panels, 4);

	p = panel(s, "5xx ratio");
	cr_assert_eq(p->unit, UNIT_RATIO);
	cr_assert_eq(p->n_rows, 2);
	r = row(p, "api");
	cr_assert_str_eq(r->error, "");
	cr_assert_float_eq(r->value, PROM_API_5XX_RATE /
			   (PROM_API_5XX_RATE + PROM_API_OK_RATE), 0.002,
			   "api 5xx ratio %g", r->value);
	/* 30 minutes at 15 s, both ends included. */
	cr_assert_eq(r->history.n, 121);
	cr_assert_eq(r->history.step_ms, 15000);
	for (i = 0; i < r->history.n; i++) {
		if (!isnan(r->history.v[i])) {
			points++;
			cr_assert_float_eq(r->history.v[i], 0.07, 0.002);
		}
	}
	cr_assert_geq(points, r->history.n - 2, "%zu points", points);
	r = row(p, "web");
	cr_assert_float_eq(r->value, PROM_WEB_5XX_RATE /
			   (PROM_WEB_5XX_RATE + PROM_WEB_OK_RATE), 0.002,
			   "web 5xx ratio %g", r->value);

	p = panel(s, "p95 latency");
	cr_assert_eq(p->n_rows, 1, "web has no histogram");
	r = row(p, "api");
	cr_assert_float_eq(r->value, prom_expected_quantile(0.95), 0.01,
			   "p95 %g, want %g", r->value,
			   prom_expected_quantile(0.95));
	r = row(panel(s, "p99 latency"), "api");
	cr_assert_float_eq(r->value, prom_expected_quantile(0.99), 0.02,
			   "p99 %g, want %g", r->value,
			   prom_expected_quantile(0.99));

	p = panel(s, "request rate");
	cr_assert_eq(p->unit, UNIT_PER_SECOND);
	cr_assert_float_eq(row(p, "api")->value, 100, 1);
	cr_assert_float_eq(row(p, "web")->value, 50, 0.5);
	snapshot_unref(s);
}

Test(prometheus, missing_series_rejected_query_and_unsplit_rows)
{
	struct config_section *sec;
	const struct metric_panel *p;
	const struct metric_row *r;
	struct snapshot *s;
	struct err err = { "" };
	size_t i;

	start_server();
	sec = section(server.url, 5000);
	config_section_set(sec, "panel.gone.expr",
			   "sum(rate(no_such_metric_total[5m]))");
	config_section_set(sec, "panel.broken.expr",
			   "sum(rate(http_requests_total[5m])");
	config_section_set(sec, "panel.status.expr",
			   "sum by (service, status) "
			   "(rate(http_requests_total[5m]))");
	config_section_set(sec, "panel.status.unit", "per_second");
	config_section_set(sec, "panel.api.expr",
			   "sum(rate(http_requests_total{service=\"api\","
			   "status=~\"5..\"}[5m])) / "
			   "sum(rate(http_requests_total{service=\"api\"}"
			   "[5m]))");
	config_section_set(sec, "panel.api.title", "api errors");
	config_section_set(sec, "panel.api.unit", "ratio");
	s = poll_once(sec, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_eq(snapshot_metrics(s)->n_panels, 4);

	/* No series: one row that says so, never a 0. */
	p = panel(s, "gone");
	cr_assert_eq(p->n_rows, 1);
	cr_assert(isnan(p->rows[0].value), "value %g", p->rows[0].value);
	cr_assert_str_eq(p->rows[0].error, "");
	for (i = 0; i < p->rows[0].history.n; i++) {
		cr_assert(isnan(p->rows[0].history.v[i]));
	}

	/* Prometheus's own words. */
	p = panel(s, "broken");
	cr_assert_eq(p->n_rows, 1);
	cr_assert(isnan(p->rows[0].value));
	cr_assert_not_null(strstr(p->rows[0].error, "parse error"), "'%s'",
			   p->rows[0].error);
	cr_assert_not_null(strstr(p->rows[0].error, "unclosed left "
				  "parenthesis"), "'%s'", p->rows[0].error);

	/* Without a split label, a row per series named by its labels. */
	p = panel(s, "status");
	cr_assert_eq(p->n_rows, 4);
	r = row(p, "service=api status=500");
	cr_assert_float_eq(r->value, PROM_API_5XX_RATE, 0.1);
	r = row(p, "service=web status=503");
	cr_assert_float_eq(r->value, PROM_WEB_5XX_RATE, 0.05);

	p = panel(s, "api errors");
	cr_assert_eq(p->n_rows, 1);
	cr_assert_str_eq(p->rows[0].label, "");
	cr_assert_float_eq(p->rows[0].value, 0.07, 0.002);
	snapshot_unref(s);
}

/* Rows are named by what tells series apart: not __name__ (the
 * expression says what it measures), not the port of each instance,
 * unless only the ports differ. */
Test(prometheus, series_named_without_name_and_port_noise)
{
	struct config_section *sec;
	const struct metric_panel *p;
	struct snapshot *s;
	struct err err = { "" };

	start_server();
	sec = section(server.url, 5000);
	config_section_set(sec, "panel.raw.expr",
			   "http_requests_total{service=\"web\"}");
	config_section_set(sec, "panel.hosts.expr",
			   "label_replace(sum by (service) "
			   "(rate(http_requests_total[5m])), \"instance\", "
			   "\"$1.internal:9100\", \"service\", \"(.*)\")");
	config_section_set(sec, "panel.ports.expr",
			   "sum by (instance) (label_replace(label_replace("
			   "sum by (service) (rate(http_requests_total[5m])), "
			   "\"instance\", \"db1:9100\", \"service\", "
			   "\"api\"), \"instance\", \"db1:9187\", "
			   "\"service\", \"web\"))");
	s = poll_once(sec, &err);
	cr_assert_not_null(s, "%s", err.msg);

	p = panel(s, "raw");
	cr_assert_eq(p->n_rows, 2);
	row(p, "service=web status=200");
	row(p, "service=web status=503");

	p = panel(s, "hosts");
	cr_assert_eq(p->n_rows, 2);
	row(p, "instance=api.internal service=api");
	row(p, "instance=web.internal service=web");

	p = panel(s, "ports");
	cr_assert_eq(p->n_rows, 2);
	row(p, "instance=db1:9100");
	row(p, "instance=db1:9187");
	snapshot_unref(s);
}

Test(prometheus, alerts_from_prometheus_rules)
{
	const struct config_section *sec;
	const struct alerts_model *m = NULL;
	struct am_poller *ap;
	struct snapshot *s = NULL;
	struct err err = { "" };
	int64_t end;

	start_server();
	sec = section(server.url, 3000);
	ap = am_poller_new_prometheus(sec, NULL, &err);
	cr_assert_not_null(ap, "%s", err.msg);
	/* The rule is evaluated every second; "for" is 0. */
	end = clock_mono_ms() + 10000;
	while (clock_mono_ms() < end) {
		snapshot_unref(s);
		s = snapshot_new(SNAP_ALERTS, "prometheus.test");
		cr_assert_eq(am_poller_poll(ap, s, &err), 0, "%s", err.msg);
		m = snapshot_alerts(s);
		if (m->n_alerts > 0) {
			break;
		}
		usleep(200000);
	}
	cr_assert_eq(m->n_alerts, 1, "only api is above 5 %%");
	cr_assert_str_eq(m->alerts[0].name, "HighErrorRate");
	cr_assert_str_eq(m->alerts[0].severity, "critical");
	cr_assert_str_eq(m->alerts[0].labels, "service=api");
	cr_assert_str_eq(m->alerts[0].summary, "api 5xx ratio above 5 %");
	cr_assert_eq(strlen(m->alerts[0].fingerprint), 16);
	cr_assert_not(m->alerts[0].silenced);
	cr_assert_lt(clock_wall_ms() - m->alerts[0].starts_ms, 60000);
	cr_assert_eq(m->n_silences, 0);
	snapshot_unref(s);
	am_poller_free(ap);
}

/* ---- failures ---------------------------------------------------------- */

static void
expect_poll_error(const struct config_section *sec, const char *want)
{
	struct snapshot *s;
	struct err err = { "" };

	s = poll_once(sec, &err);
	cr_assert_null(s);
	cr_assert_str_eq(err.msg, want);
}

Test(prometheus, server_down)
{
	int port = harness_free_port();
	char *url = local_url(port);
	char *want = xasprintf("connection refused (127.0.0.1:%d)", port);

	expect_poll_error(section(url, 2000), want);
	free(want);
	free(url);
}

Test(prometheus, blackholed_port_times_out)
{
	struct harness_peer *peer = harness_peer_start(NULL, 0);
	char *url = local_url(harness_peer_port(peer));
	char *want = xasprintf("timed out after 1s (127.0.0.1:%d)",
			       harness_peer_port(peer));
	int64_t t0 = clock_mono_ms(), took;

	expect_poll_error(section(url, 1000), want);
	took = clock_mono_ms() - t0;
	cr_assert_geq(took, 900);
	cr_assert_lt(took, 2500, "the poll took %lld ms", (long long)took);
	cr_assert_geq(harness_peer_accepted(peer), 1);
	harness_peer_stop(peer);
	free(want);
	free(url);
}

/* A reply of 10 MiB, with or without a Content-Length. */
static void
huge_reply(bool with_length)
{
	size_t body = 10u << 20;
	char head[256];
	int hl = snprintf(head, sizeof(head),
			  "HTTP/1.1 200 OK\r\nContent-Type: application/json"
			  "\r\n%sConnection: close\r\n\r\n",
			  with_length ? "Content-Length: 10485760\r\n" : "");
	char *reply = xmalloc((size_t)hl + body);
	struct harness_peer *peer;
	char *url, *want;

	memcpy(reply, head, (size_t)hl);
	memset(reply + hl, ' ', body);
	reply[hl] = '[';
	peer = harness_peer_start(reply, (size_t)hl + body);
	free(reply);
	url = local_url(harness_peer_port(peer));
	want = xasprintf("response larger than 8 MiB (127.0.0.1:%d)",
			 harness_peer_port(peer));
	expect_poll_error(section(url, 5000), want);
	harness_peer_stop(peer);
	free(want);
	free(url);
}

Test(prometheus, body_over_the_cap_with_length)
{
	huge_reply(true);
}

Test(prometheus, body_over_the_cap_streamed)
{
	huge_reply(false);
}

static void
expect_peer_error(const char *reply, const char *want_fmt)
{
	struct harness_peer *peer = harness_peer_start(reply, strlen(reply));
	char *url = local_url(harness_peer_port(peer));
	char *want = strstr(want_fmt, "%d") != NULL ?
		     xasprintf(want_fmt, harness_peer_port(peer)) :
		     xstrdup(want_fmt);

	expect_poll_error(section(url, 2000), want);
	harness_peer_stop(peer);
	free(want);
	free(url);
}

Test(prometheus, malformed_json)
{
	expect_peer_error("HTTP/1.1 200 OK\r\nContent-Type: application/json"
			  "\r\nContent-Length: 9\r\nConnection: close\r\n\r\n"
			  "{\"status\"",
			  "malformed JSON from 127.0.0.1:%d");
}

Test(prometheus, json_that_is_not_a_reply)
{
	expect_peer_error("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
			  "Connection: close\r\n\r\n[]",
			  "unexpected reply from 127.0.0.1:%d: not a JSON "
			  "object");
}

Test(prometheus, http_error_page)
{
	expect_peer_error("HTTP/1.1 503 Service Unavailable\r\n"
			  "Content-Length: 37\r\nConnection: close\r\n\r\n"
			  "upstream connect error\n<html></html>\n",
			  "HTTP 503: upstream connect error");
}

Test(prometheus, redirect_to_another_protocol_is_refused)
{
	expect_peer_error("HTTP/1.1 302 Found\r\nLocation: "
			  "ftp://127.0.0.1/x\r\nContent-Length: 0\r\n"
			  "Connection: close\r\n\r\n",
			  "redirect to a non-HTTP URL refused "
			  "(127.0.0.1:%d)");
}

/* An error document from Prometheus (a query that timed out) lands in the
 * row, not in the pane's error line. */
Test(prometheus, error_reply_goes_to_the_row)
{
	static const char doc[] =
		"{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":"
		"\"query timed out in expression evaluation\"}";
	char *reply = http_reply_json(503, doc);
	struct capture *c = capture_start(reply);
	char *url = local_url(capture_port(c));
	struct config_section *sec = section(url, 2000);
	const struct metric_panel *p;
	struct snapshot *s;
	struct err err = { "" };

	config_section_set(sec, "panel.slow.expr", "up");
	s = poll_once(sec, &err);
	cr_assert_not_null(s, "%s", err.msg);
	p = panel(s, "slow");
	cr_assert_eq(p->n_rows, 1);
	cr_assert_str_eq(p->rows[0].error,
			 "query timed out in expression evaluation");
	cr_assert(isnan(p->rows[0].value));
	snapshot_unref(s);
	capture_stop(c);
	free(url);
	free(reply);
}

/* ---- what goes over the wire ------------------------------------------ */

static char *
captured_request(struct config_section *sec, struct capture *c)
{
	struct snapshot *s;
	struct err err = { "" };

	config_section_set(sec, "panel.up.expr", "up{job=~\"a.+\"}");
	s = poll_once(sec, &err);
	cr_assert_not_null(s, "%s", err.msg);
	snapshot_unref(s);
	return capture_request(c);
}

static const char empty_vector[] =
	"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
	"\"result\":[]}}";

Test(prometheus, bearer_token_from_file)
{
	char *reply = http_reply_json(200, empty_vector);
	struct capture *c = capture_start(reply);
	char *url = local_url(capture_port(c));
	char *tok = xasprintf("%s/token", tmp);
	struct config_section *sec = section(url, 2000);
	FILE *f = fopen(tok, "w");
	long long start, end;
	int step, used = 0;
	char *req, *q;

	cr_assert_not_null(f);
	fputs("  s3cr3t-token\n", f);
	fclose(f);
	config_section_set(sec, "bearer_token_file", tok);
	req = captured_request(sec, c);
	cr_assert_not_null(strstr(req, "\r\nAuthorization: Bearer "
				  "s3cr3t-token\r\n"), "%s", req);
	/* The range query came last, its expression escaped. */
	cr_assert_eq(strncmp(req, "GET /api/v1/query_range?query=up%7Bjob%3D"
			     "~%22a.%2B%22%7D&start=", 59), 0, "%s", req);
	/* 30 minutes on the 15 s grid. */
	q = strstr(req, "&start=");
	cr_assert_not_null(q);
	cr_assert_eq(sscanf(q, "&start=%lld&end=%lld&step=%d HTTP/1.1\r\n%n",
			    &start, &end, &step, &used), 3, "%s", req);
	cr_assert_gt(used, 0, "%s", req);
	cr_assert_eq(step, 15);
	cr_assert_eq(end - start, 1800);
	cr_assert_eq(start % 15, 0);
	free(req);
	capture_stop(c);
	free(tok);
	free(url);
	free(reply);
}

Test(prometheus, bearer_token_from_env_and_basic_auth)
{
	char *reply = http_reply_json(200, empty_vector);
	struct capture *c = capture_start(reply);
	char *url = local_url(capture_port(c));
	char *pw = xasprintf("%s/pw", tmp);
	struct config_section *sec;
	FILE *f = fopen(pw, "w");
	char *req;

	cr_assert_not_null(f);
	fputs("open sesame\n", f);
	fclose(f);
	setenv("WARROOM_TEST_TOKEN", "env-token", 1);
	sec = section(url, 2000);
	config_section_set(sec, "bearer_token_env", "WARROOM_TEST_TOKEN");
	req = captured_request(sec, c);
	cr_assert_not_null(strstr(req, "\r\nAuthorization: Bearer "
				  "env-token\r\n"), "%s", req);
	free(req);

	config_finish(&cfg);
	sec = section(url, 2000);
	config_section_set(sec, "username", "alice");
	config_section_set(sec, "password_file", pw);
	req = captured_request(sec, c);
	/* base64("alice:open sesame") */
	cr_assert_not_null(strstr(req, "\r\nAuthorization: Basic "
				  "YWxpY2U6b3BlbiBzZXNhbWU=\r\n"), "%s", req);
	free(req);
	capture_stop(c);
	free(pw);
	free(url);
	free(reply);
}

/* A Prometheus under a path prefix, asked without it: the 404 names the
 * path it asked for and what it usually means; with the prefix in url it
 * answers. */
Test(prometheus, not_found_names_the_path_and_the_prefix)
{
	static const struct prom_server_opts opts = { .route_prefix = "/prom" };
	struct snapshot *s;
	struct err err = { "" };
	char *want, *url;

	cr_assert(prom_server_start_with(&server, &opts));
	s = poll_once(section(server.url, 5000), &err);
	cr_assert_null(s);
	want = xasprintf("HTTP 404 for GET /api/v1/query (127.0.0.1:%d): no "
			 "Prometheus API here; if it runs under a path "
			 "prefix, put the prefix in url", server.port);
	cr_assert_str_eq(err.msg, want);
	free(want);

	config_finish(&cfg);
	url = xasprintf("%s/prom/", server.url);
	s = poll_once(section(url, 5000), &err);
	cr_assert_not_null(s, "%s", err.msg);
	snapshot_unref(s);
	free(url);
}

/* The only section: user alice, with password in the file pw. */
static struct config_section *
alice_with(const char *pw, const char *password)
{
	struct config_section *sec;
	FILE *f = fopen(pw, "w");

	cr_assert_not_null(f);
	fprintf(f, "%s\n", password);
	fclose(f);
	config_finish(&cfg);
	sec = section(server.url, 5000);
	config_section_set(sec, "username", "alice");
	config_section_set(sec, "password_file", pw);
	return sec;
}

/* A Prometheus that wants basic auth: without credentials the message
 * says which settings give them; refused ones say to check them. */
Test(prometheus, unauthorized_points_at_the_credentials)
{
	/* bcrypt of "s3cret-pw", cost 4. */
	static const struct prom_server_opts opts = {
		.web_config = "basic_auth_users:\n  alice: $2b$04$DjUvtUBbPUp"
			      "z.IHFW3hQ0ux2uEfapY63RngfXwUwCDFA56jom4aKi\n",
	};
	char *pw = xasprintf("%s/pw", tmp), *want;
	struct config_section *sec;
	struct snapshot *s;
	struct err err = { "" };

	cr_assert(prom_server_start_with(&server, &opts));
	s = poll_once(section(server.url, 5000), &err);
	cr_assert_null(s);
	want = xasprintf("HTTP 401: the server wants credentials "
			 "(127.0.0.1:%d): set username and password_file, or "
			 "bearer_token_file", server.port);
	cr_assert_str_eq(err.msg, want);
	free(want);

	sec = alice_with(pw, "wrong");
	s = poll_once(sec, &err);
	cr_assert_null(s);
	want = xasprintf("HTTP 401: the credentials were refused "
			 "(127.0.0.1:%d): check username and password_file, "
			 "or the bearer token", server.port);
	cr_assert_str_eq(err.msg, want);
	free(want);

	sec = alice_with(pw, "s3cret-pw");
	/* The credentials are checked before readiness: the server may
	 * still be loading its data. */
	{
		int64_t end = clock_mono_ms() + 10000;

		while ((s = poll_once(sec, &err)) == NULL &&
		       strstr(err.msg, "HTTP 503") != NULL &&
		       clock_mono_ms() < end) {
			usleep(100000);
		}
	}
	cr_assert_not_null(s, "%s", err.msg);
	snapshot_unref(s);
	free(pw);
}

struct bad_auth {
	const char *key, *value, *want;
};

Test(prometheus, unusable_auth_settings)
{
	static const struct bad_auth cases[] = {
		{ "bearer_token_env", "WARROOM_NO_SUCH_VAR",
		  "bearer_token_env: WARROOM_NO_SUCH_VAR is not set" },
		{ "bearer_token_file", "/nonexistent/token",
		  "bearer_token_file: cannot read /nonexistent/token: No such "
		  "file or directory" },
		{ "password_file", "/etc/hostname",
		  "password_file needs username" },
		{ "ca_file", "/nonexistent/ca.pem",
		  "ca_file: cannot read /nonexistent/ca.pem: No such file or "
		  "directory" },
		{ "tls_verify", "maybe", "tls_verify: expected true or false" },
	};
	size_t i;

	unsetenv("WARROOM_NO_SUCH_VAR");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config_section *sec = section("http://127.0.0.1:1",
						     1000);
		struct err err = { "" };

		config_section_set(sec, cases[i].key, cases[i].value);
		cr_assert_null(prom_poller_new(sec, NULL, &err), "%s", cases[i].key);
		cr_assert_str_eq(err.msg, cases[i].want);
		config_finish(&cfg);
	}
}

/* ---- under the runner -------------------------------------------------- */

Test(prometheus, runner_stops_within_a_second_while_a_request_hangs)
{
	struct harness_peer *peer = harness_peer_start(NULL, 0);
	char *url = local_url(harness_peer_port(peer));
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct err err = { "" };
	int64_t end, t0, took;

	cr_assert_geq(runner_add(r, &prometheus_probe_ops, section(url, 10000),
				 &err), 0, "%s", err.msg);
	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	end = clock_mono_ms() + 5000;
	while (harness_peer_accepted(peer) == 0 && clock_mono_ms() < end) {
		usleep(10000);
	}
	cr_assert_geq(harness_peer_accepted(peer), 1);
	t0 = clock_mono_ms();
	cr_assert_eq(runner_stop(r, 1500), 0, "a probe thread was abandoned");
	took = clock_mono_ms() - t0;
	cr_assert_lt(took, 1200, "runner_stop took %lld ms", (long long)took);
	runner_free(r);
	state_free(st);
	harness_peer_stop(peer);
	free(url);
}

Test(prometheus, runner_publishes_the_error)
{
	int port = harness_free_port();
	char *url = local_url(port);
	char *want = xasprintf("connection refused (127.0.0.1:%d)", port);
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct snapshot *s;
	struct err err = { "" };
	int idx;

	idx = runner_add(r, &prometheus_probe_ops, section(url, 1000), &err);
	cr_assert_geq(idx, 0, "%s", err.msg);
	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	cr_assert(runner_wait_first(r, 5000));
	s = state_get(st, idx);
	cr_assert_not_null(s);
	cr_assert_not_null(strstr(s->error, want), "'%s'", s->error);
	cr_assert_null(s->data);
	snapshot_unref(s);
	runner_stop(r, 1000);
	runner_free(r);
	state_free(st);
	free(want);
	free(url);
}

/* Prometheus goes down long enough for the runner to back off to many
 * seconds, then comes back on the same port: it is polled again within
 * an interval of answering, well before the backoff would have ended,
 * and meanwhile it was never polled, only asked whether its port
 * accepts. */
Test(prometheus, recovered_server_is_seen_within_an_interval,
     .timeout = 90)
{
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct config_section *sec;
	struct prom_server_opts opts = { 0 };
	struct snapshot *s, *down = NULL;
	struct err err = { "" };
	int64_t end, up_at;
	int idx;

	start_server();
	opts.port = server.port;
	sec = section(server.url, 2000);
	sec->interval_ms = 500;
	idx = runner_add(r, &prometheus_probe_ops, sec, &err);
	cr_assert_geq(idx, 0, "%s", err.msg);
	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	cr_assert(runner_wait_first(r, 10000));
	s = state_get(st, idx);
	cr_assert_not_null(s->data, "%s", s->error);
	snapshot_unref(s);

	/* Down for five failures: the next try is 8 s away (+-20 %). */
	prom_server_stop(&server);
	end = clock_mono_ms() + 30000;
	while (runner_failures(r, idx) < 5) {
		cr_assert_lt(clock_mono_ms(), end, "%d failures",
			     runner_failures(r, idx));
		usleep(50000);
	}
	down = state_get(st, idx);
	cr_assert_neq(down->error[0], '\0');
	cr_assert_gt(down->retry_mono_ms - down->taken_mono_ms, 6000,
		     "retry in %lld ms", (long long)(down->retry_mono_ms -
						     down->taken_mono_ms));

	cr_assert(prom_server_start_with(&server, &opts),
		  "prometheus did not start again");
	up_at = clock_mono_ms();
	end = up_at + 5000;
	for (;;) {
		s = state_get(st, idx);
		if (s != NULL && s->data != NULL) {
			break;
		}
		snapshot_unref(s);
		cr_assert_lt(clock_mono_ms(), end, "not seen 5 s after it "
			     "came back");
		usleep(20000);
	}
	/* Seen before the backed-off retry was due. */
	cr_expect_lt(s->taken_mono_ms, down->retry_mono_ms - 1000,
		     "seen %lld ms after coming back; the retry was due in "
		     "%lld ms", (long long)(s->taken_mono_ms - up_at),
		     (long long)(down->retry_mono_ms - up_at));
	snapshot_unref(s);
	snapshot_unref(down);
	runner_stop(r, 1000);
	runner_free(r);
	state_free(st);
}
