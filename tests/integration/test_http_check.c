/* The endpoint check ([http.NAME]) against real HTTP and HTTPS servers on
 * loopback (tests/integration/endpoint_server.py): a healthy endpoint, a
 * 503, a body without the expected text, a slow reply, one that never
 * answers, a refused port, a redirect, and an HTTPS server whose
 * self-signed certificate (made with openssl) expires in two days; each
 * run through the real runner and rules, as the dashboard does. */
#include <criterion/criterion.h>

#include <stdarg.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/rules.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/xalloc.h"
#include "probes/http.h"
#include "probes/probe.h"
#include "probes/runner.h"
#include "tests/integration/harness.h"

static char *tmp;
static pid_t server = -1;
static int port;
static char cert[512], key[512];

static void
setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	cr_assert(http_global_init(NULL), "libcurl opens");
	tmp = harness_tmpdir("warroom-http-check");
	cr_assert_not_null(tmp);
}

static void
teardown(void)
{
	if (server > 0) {
		harness_stop(server, 2000);
		server = -1;
	}
	harness_rmrf(tmp);
	free(tmp);
}

static void
start_server(bool tls)
{
	char script[512], log[512], ports[16];
	const char *plain[] = { "python3", script, ports, NULL };
	const char *https[] = { "python3", script, ports, "--tls", cert, key,
				NULL };

	snprintf(script, sizeof(script), "%s/tests/integration/"
		 "endpoint_server.py", getenv("WARROOM_SOURCE_DIR"));
	snprintf(log, sizeof(log), "%s/server.log", tmp);
	port = harness_free_port();
	snprintf(ports, sizeof(ports), "%d", port);
	if (tls) {
		snprintf(cert, sizeof(cert), "%s/cert.pem", tmp);
		snprintf(key, sizeof(key), "%s/key.pem", tmp);
		/* Self-signed for 127.0.0.1, expiring in two days: inside
		 * the critical window of three. */
		cr_assert_eq(harness_sh(log, "openssl req -x509 -newkey "
					"rsa:2048 -nodes -keyout '%s' -out "
					"'%s' -days 2 -subj /CN=127.0.0.1 "
					"-addext subjectAltName=IP:127.0.0.1",
					key, cert), 0, "openssl failed");
	}
	server = harness_spawn(tls ? https : plain, log, NULL, NULL);
	cr_assert_gt(server, 0);
	cr_assert(harness_wait_port(port, 10000), "the server did not start");
}

/* One check of url (with key=value pairs, NULL-ended) through the runner
 * and the rules, as the dashboard makes it: the published snapshot. */
static struct snapshot *
check(const char *url, int timeout_ms, ...)
{
	struct config cfg = { 0 };
	struct config_section *sec;
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct snapshot *s;
	struct err err = { { 0 } };
	const char *k;
	va_list ap;

	sec = config_add_section(&cfg, "http.test");
	config_section_set(sec, "url", url);
	sec->timeout_ms = timeout_ms;
	sec->interval_ms = 60000;
	va_start(ap, timeout_ms);
	while ((k = va_arg(ap, const char *)) != NULL) {
		config_section_set(sec, k, va_arg(ap, const char *));
	}
	va_end(ap);
	cr_assert_geq(runner_add(r, probe_find("http"), sec, &err), 0, "%s",
		      err.msg);
	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	cr_assert(runner_wait_first(r, timeout_ms + 10000));
	s = state_get(st, 0);
	cr_assert_not_null(s);
	cr_assert_eq(runner_stop(r, 2000), 0);
	runner_free(r);
	state_free(st);
	config_finish(&cfg);
	return s;
}

static char *
url(const char *scheme, const char *path)
{
	return xasprintf("%s://127.0.0.1:%d%s", scheme, port, path);
}

static const struct endpoint_model *
model(const struct snapshot *s)
{
	const struct endpoint_model *m = snapshot_endpoint(s);

	cr_assert_str_empty(s->error, "%s", s->error);
	cr_assert_not_null(m);
	return m;
}

TestSuite(http_check, .init = setup, .fini = teardown, .timeout = 60);

Test(http_check, healthy_endpoint)
{
	char *u;
	struct snapshot *s;
	const struct endpoint_model *m;

	start_server(false);
	u = url("http", "/ok");
	s = check(u, 5000, "body", "ok", (const char *)NULL);
	m = model(s);
	cr_expect(m->ok, "%s", m->reason);
	cr_expect_eq(m->status, 200);
	cr_expect_str_eq(m->url, u);
	cr_expect(!isnan(m->latency_ms) && m->latency_ms > 0 &&
		  m->latency_ms < 5000, "%g", m->latency_ms);
	cr_expect(!isnan(m->connect_ms));
	cr_expect_not(m->tls);
	cr_expect(isnan(m->cert_days));
	cr_expect_eq(m->latency_history.n, 1);
	cr_expect_eq(m->up_ratio, 1.0);
	cr_expect_eq(s->health, HEALTH_OK);
	cr_expect_eq(s->n_findings, 0);
	snapshot_unref(s);
	free(u);
}

Test(http_check, unexpected_status_is_a_failed_check)
{
	char *u;
	struct snapshot *s;
	const struct endpoint_model *m;

	start_server(false);
	u = url("http", "/down");
	s = check(u, 5000, (const char *)NULL);
	m = model(s);
	cr_expect_not(m->ok);
	cr_expect_eq(m->status, 503);
	cr_expect_str_eq(m->reason, "HTTP 503 (expected 2xx)");
	cr_expect_eq(s->health, HEALTH_CRIT);
	cr_assert_eq(s->n_findings, 1);
	cr_expect(strstr(s->findings[0].text, "failing: HTTP 503") != NULL,
		  "%s", s->findings[0].text);
	snapshot_unref(s);
	free(u);
	/* An exact status is held to exactly. */
	u = url("http", "/ok");
	s = check(u, 5000, "expect", "204", (const char *)NULL);
	cr_expect_str_eq(model(s)->reason, "HTTP 200 (expected 204)");
	snapshot_unref(s);
	free(u);
}

Test(http_check, body_must_hold_the_text)
{
	char *u;
	struct snapshot *s;
	const struct endpoint_model *m;

	start_server(false);
	u = url("http", "/degraded");
	s = check(u, 5000, "body", "status: ok", (const char *)NULL);
	m = model(s);
	cr_expect_not(m->ok);
	cr_expect_str_eq(m->reason,
			 "HTTP 200 but the body lacks \"status: ok\"");
	snapshot_unref(s);
	free(u);
}

Test(http_check, slow_reply_is_a_warning)
{
	char *u;
	struct snapshot *s;
	const struct endpoint_model *m;

	start_server(false);
	u = url("http", "/slow");
	s = check(u, 5000, "slow", "1s", (const char *)NULL);
	m = model(s);
	cr_expect(m->ok);
	cr_expect_geq(m->latency_ms, 1400);
	cr_expect_eq(s->health, HEALTH_WARN);
	cr_assert_eq(s->n_findings, 1);
	cr_expect(strstr(s->findings[0].text, "slow") != NULL, "%s",
		  s->findings[0].text);
	cr_expect(strstr(s->findings[0].text, "(warn > 1 s)") != NULL, "%s",
		  s->findings[0].text);
	snapshot_unref(s);
	free(u);
}

Test(http_check, hanging_and_refused_endpoints_fail_within_the_timeout)
{
	char *u;
	struct snapshot *s;
	const struct endpoint_model *m;
	int64_t t0;

	start_server(false);
	u = url("http", "/hang");
	t0 = clock_mono_ms();
	s = check(u, 1000, (const char *)NULL);
	cr_expect_lt(clock_mono_ms() - t0, 6000);
	m = model(s);
	cr_expect_not(m->ok);
	cr_expect_eq(m->status, 0);
	cr_expect(strstr(m->reason, "timed out") != NULL, "%s", m->reason);
	cr_expect(isnan(m->latency_ms));
	snapshot_unref(s);
	free(u);

	u = xasprintf("http://127.0.0.1:%d/ok", harness_free_port());
	s = check(u, 2000, (const char *)NULL);
	m = model(s);
	cr_expect_not(m->ok);
	cr_expect(strstr(m->reason, "refused") != NULL, "%s", m->reason);
	cr_expect_eq(s->health, HEALTH_CRIT);
	snapshot_unref(s);
	free(u);
}

Test(http_check, redirect_is_followed)
{
	char *u;
	struct snapshot *s;

	start_server(false);
	u = url("http", "/redirect");
	s = check(u, 5000, "body", "ok", (const char *)NULL);
	cr_expect(model(s)->ok, "%s", model(s)->reason);
	cr_expect_eq(model(s)->status, 200);
	snapshot_unref(s);
	free(u);
}

Test(http_check, certificate_about_to_expire_is_critical)
{
	char *u;
	struct snapshot *s;
	const struct endpoint_model *m;

	start_server(true);
	u = url("https", "/ok");
	s = check(u, 5000, "ca_file", cert, (const char *)NULL);
	m = model(s);
	cr_expect(m->ok, "%s", m->reason);
	cr_expect(m->tls);
	cr_expect(m->cert_days > 1.9 && m->cert_days <= 2.0, "%g",
		  m->cert_days);
	cr_expect(strstr(m->cert_subject, "127.0.0.1") != NULL, "%s",
		  m->cert_subject);
	cr_expect(strstr(m->cert_issuer, "127.0.0.1") != NULL, "%s",
		  m->cert_issuer);
	cr_expect(!isnan(m->tls_ms));
	cr_expect_eq(s->health, HEALTH_CRIT);
	cr_assert_eq(s->n_findings, 1);
	cr_expect(strstr(s->findings[0].text, "expires in 2.0 days") != NULL &&
		  strstr(s->findings[0].text, "(crit < 3 days)") != NULL,
		  "%s", s->findings[0].text);
	snapshot_unref(s);
	/* A wider window only warns; not trusting the CA fails the check. */
	s = check(u, 5000, "ca_file", cert, "cert_crit", "1",
		  (const char *)NULL);
	cr_expect_eq(s->health, HEALTH_WARN);
	snapshot_unref(s);
	s = check(u, 5000, (const char *)NULL);
	cr_expect_not(model(s)->ok);
	cr_expect_eq(model(s)->status, 0);
	snapshot_unref(s);
	free(u);
}

Test(http_check, parses_openssl_not_after)
{
	/* 2026-12-08 03:30:00 UTC */
	cr_expect_eq(http_parse_cert_time("Dec  8 03:30:00 2026 GMT"),
		     1796700600000LL);
	cr_expect_eq(http_parse_cert_time("Feb 29 00:00:00 2028 GMT"),
		     1835395200000LL);
	cr_expect_eq(http_parse_cert_time("Foo  8 03:30:00 2026 GMT"), 0);
	cr_expect_eq(http_parse_cert_time("garbage"), 0);
}
