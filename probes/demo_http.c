/* The demo's endpoint checks: api's health endpoint, which fails with the
 * bad deploy and whose certificate is inside its warning window, and
 * checkout's readiness, which fails for half a minute with a bug of its
 * own before the incident and slows down while the lock pile-up holds the
 * billing tables. Built from the script on any thread. */
#include <math.h>
#include <string.h>

#include "probes/demo_sim.h"

/* Checks one sample every 10 s of scenario time, like the backend's
 * default interval; the sparkline holds 20 minutes. */
#define STEP_S 10.0
#define SAMPLES 120

struct endpoint_def {
	const char *source;
	const char *url;
	const char *body;
	double base_ms;
	double cert_days;       /* at t = 0 */
};

static const struct endpoint_def endpoints[] = {
	{ "http.api", "https://api.example.com/healthz", "ok", 38, 13.0 },
	{ "http.checkout", "https://checkout.example.com/readyz", "", 62,
	  61.0 },
};

static const struct endpoint_def *
endpoint_of(const char *source)
{
	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		if (strcmp(endpoints[i].source, source) == 0) {
			return &endpoints[i];
		}
	}
	return &endpoints[0];
}

/* Before the incident proper, checkout's own bug: its readiness answers
 * 500 for half a minute while its pods run and the database is fine. */
#define CHECKOUT_BUG_FROM 8.0
#define CHECKOUT_BUG_TO 38.0

/* api answers 503 once the bad deploy has taken most of its pods. */
static long
failing(const struct demo_sim *sim, const struct endpoint_def *e, double t)
{
	if (e == &endpoints[0]) {
		return demo_api_badness(sim, t) > 0.45 ? 503 : 0;
	}
	return t >= CHECKOUT_BUG_FROM && t < CHECKOUT_BUG_TO ? 500 : 0;
}

static double
latency_ms(const struct demo_sim *sim, double t, const void *arg)
{
	const struct endpoint_def *e = arg;
	uint64_t id = demo_str_hash(e->source);
	double ms = e->base_ms * (1 + 0.25 * demo_vnoise(id, t, 30));

	if (e == &endpoints[0]) {
		ms += 1900 * demo_api_badness(sim, t);
	} else {
		ms += 2600 * demo_pg_lock_effect(sim, t);
	}
	return ms;
}

void *
demo_build_http(struct snapshot *s, const struct demo_sim *sim, double t)
{
	const struct endpoint_def *e = endpoint_of(s->source);
	struct endpoint_model *m = snapshot_alloc(s, sizeof(*m));
	size_t i, passed = 0;

	m->url = e->url;
	m->expect_status = 0;
	m->expect_body = e->body;
	m->tls = true;
	m->latency_warn_ms = 2000;
	m->cert_warn_days = 14;
	m->cert_crit_days = 3;
	/* The scenario's minutes are days' worth of nothing to a
	 * certificate: its days move with wall time. */
	m->cert_days = e->cert_days - t / 86400.0;
	m->cert_issuer = "C = US, O = Let's Encrypt, CN = R11";
	m->cert_subject = e == &endpoints[0] ? "CN = api.example.com" :
			  "CN = checkout.example.com";
	m->latency_ms = latency_ms(sim, t, e);
	m->connect_ms = 4 + 2 * demo_noise01(demo_str_hash(e->url),
					     (int64_t)t);
	m->tls_ms = 9;
	m->first_byte_ms = m->latency_ms - 1;
	if ((m->status = failing(sim, e, t)) != 0) {
		m->ok = false;
		m->reason = m->status == 503 ? "HTTP 503 (expected 2xx)" :
			    "HTTP 500 (expected 2xx)";
	} else {
		m->status = 200;
		m->ok = true;
		m->reason = "";
	}
	demo_history(s, &m->latency_history, SAMPLES, STEP_S, t, latency_ms,
		     sim, e);
	for (i = 0; i < SAMPLES; i++) {
		double at = t - (double)(SAMPLES - 1 - i) * STEP_S;

		passed += !failing(sim, e, at);
	}
	m->up_ratio = (double)passed / SAMPLES;
	return m;
}
