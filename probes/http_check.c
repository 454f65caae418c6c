/* The endpoint check backend, [http.NAME]: what the runbooks do with
 * curl -f .../health, /readyz and curl -I https://...: one request per
 * interval, judged by its status and (optionally) its body, timed, and
 * for HTTPS the server certificate's days to expiry. A refused or failed
 * request is a failed check, not a failed poll. Probe thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build-config.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "probes/http.h"
#include "probes/probe.h"

/* What a section that does not say gets (the key table's defaults, also
 * for a section made without the config reader). */
#define CERT_WARN_DAYS "14"
#define CERT_CRIT_DAYS "3"
#define SLOW "2s"

#if HAVE_LIBCURL

/* Samples of latency kept for the sparkline and the share of checks
 * passed. */
#define HISTORY 120
/* A health endpoint answers in a few bytes; anything past this is not
 * read. */
#define BODY_MAX (1u << 20)

struct check {
	struct probe *owner;    /* NULL when driven without a runner */
	int timeout_ms;
	int interval_ms;
	struct http_client *c;
	char *url_shown;
	bool tls;
	int expect;             /* a status, or 0: any 2xx */
	int expect_class;       /* 2 for "2xx", else 0 */
	char *body;             /* substring, or "" */
	double slow_ms;
	double cert_warn_days, cert_crit_days;
	double lat[HISTORY];    /* ms, NAN: no reply */
	bool ok[HISTORY];
	size_t n;               /* samples held, up to HISTORY */
	size_t next;
};

static bool
check_cancelled(void *arg)
{
	return arg != NULL && probe_stopping(arg);
}

/* The URL without user info ("https://user:pw@h/" -> "https://h/"). */
static char *
url_without_userinfo(const char *url)
{
	const char *host = strstr(url, "://");
	const char *at, *slash;

	if (host == NULL) {
		return xstrdup(url);
	}
	host += 3;
	slash = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(slash - host));
	if (at == NULL) {
		return xstrdup(url);
	}
	return xasprintf("%.*s%s", (int)(host - url), url, at + 1);
}

/* "200", "204", "2xx": the status the check expects. */
static int
parse_expect(const char *s, int *status, int *class, struct err *err)
{
	char *end;
	long v;

	*status = 0;
	*class = 0;
	if (s == NULL || strcasecmp(s, "2xx") == 0) {
		*class = 2;
		return 0;
	}
	if (strlen(s) == 3 && (s[1] == 'x' || s[1] == 'X') &&
	    (s[2] == 'x' || s[2] == 'X') && s[0] >= '1' && s[0] <= '5') {
		*class = s[0] - '0';
		return 0;
	}
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 100 || v > 599) {
		return err_set(err, "expect: a status such as 200, or 2xx");
	}
	*status = (int)v;
	return 0;
}

static int
parse_days(const char *key, const char *s, double *out, struct err *err)
{
	char *end;
	double v;

	v = strtod(s, &end);
	if (end == s || (*end != '\0' && strcmp(end, "d") != 0) || v < 0 ||
	    v > 3650) {
		return err_set(err, "%s: a number of days such as 14", key);
	}
	*out = v;
	return 0;
}

static const char *
or(const char *value, const char *def)
{
	return value != NULL ? value : def;
}

static void
check_free(void *state)
{
	struct check *k = state;

	if (k == NULL) {
		return;
	}
	http_client_free(k->c);
	free(k->url_shown);
	free(k->body);
	free(k);
}

static void *
check_open(const struct config_section *sec, struct probe *owner,
	   struct err *err)
{
	struct check *k = xcalloc(1, sizeof(*k));
	const char *url = config_get(sec, "url"), *body, *slow;
	int ms;

	k->owner = owner;
	k->timeout_ms = sec->timeout_ms > 0 ? sec->timeout_ms : 5000;
	k->interval_ms = sec->interval_ms;
	if (parse_expect(config_get(sec, "expect"), &k->expect,
			 &k->expect_class, err) < 0 ||
	    parse_days("cert_warn", or(config_get(sec, "cert_warn"),
				       CERT_WARN_DAYS),
		       &k->cert_warn_days, err) < 0 ||
	    parse_days("cert_crit", or(config_get(sec, "cert_crit"),
				       CERT_CRIT_DAYS),
		       &k->cert_crit_days, err) < 0) {
		check_free(k);
		return NULL;
	}
	slow = or(config_get(sec, "slow"), SLOW);
	k->slow_ms = config_parse_duration(slow, &ms) == 0 ? ms : NAN;
	body = config_get(sec, "body");
	k->body = xstrdup(body != NULL ? body : "");
	k->c = http_client_new(sec, err);
	if (k->c == NULL) {
		check_free(k);
		return NULL;
	}
	k->url_shown = url_without_userinfo(url);
	k->tls = strncasecmp(url, "https://", 8) == 0;
	http_client_set_max_bytes(k->c, BODY_MAX);
	http_client_set_cancel(k->c, check_cancelled, owner);
	if (k->tls) {
		http_client_want_cert(k->c);
	}
	return k;
}

static bool
status_expected(const struct check *k, long status)
{
	if (k->expect != 0) {
		return status == k->expect;
	}
	return status / 100 == k->expect_class;
}

/* Judges the reply: ok, or the reason it is not. */
static void
judge(const struct check *k, const struct http_resp *resp,
      const struct err *e, struct endpoint_model *m, struct snapshot *s)
{
	char why[ERR_MSG_MAX + 64];

	if (resp->status == 0) {
		m->ok = false;
		m->reason = snapshot_strdup(s, e->msg);
		return;
	}
	if (!status_expected(k, resp->status)) {
		if (k->expect != 0) {
			snprintf(why, sizeof(why), "HTTP %ld (expected %d)",
				 resp->status, k->expect);
		} else {
			snprintf(why, sizeof(why), "HTTP %ld (expected %dxx)",
				 resp->status, k->expect_class);
		}
		m->ok = false;
		m->reason = snapshot_strdup(s, why);
		return;
	}
	if (k->body[0] != '\0' && (resp->body == NULL ||
				   strstr(resp->body, k->body) == NULL)) {
		snprintf(why, sizeof(why), "HTTP %ld but the body lacks "
			 "\"%.64s\"", resp->status, k->body);
		m->ok = false;
		m->reason = snapshot_strdup(s, why);
		return;
	}
	m->ok = true;
	m->reason = "";
}

static void
record(struct check *k, struct endpoint_model *m, struct snapshot *s)
{
	size_t i, passed = 0;

	k->lat[k->next] = m->status != 0 ? m->latency_ms : NAN;
	k->ok[k->next] = m->ok;
	k->next = (k->next + 1) % HISTORY;
	if (k->n < HISTORY) {
		k->n++;
	}
	m->latency_history.v = snapshot_alloc(s, k->n * sizeof(double));
	m->latency_history.n = k->n;
	m->latency_history.step_ms = k->interval_ms;
	for (i = 0; i < k->n; i++) {
		size_t at = (k->next + HISTORY - k->n + i) % HISTORY;

		m->latency_history.v[i] = k->lat[at];
		passed += k->ok[at];
	}
	m->up_ratio = (double)passed / (double)k->n;
}

static int
check_poll(void *state, struct snapshot *s, struct err *err)
{
	struct check *k = state;
	struct endpoint_model *m = snapshot_alloc(s, sizeof(*m));
	struct http_resp resp;
	struct http_timing t;
	struct http_cert cert;
	struct err e = { { 0 } };

	http_client_set_deadline(k->c, clock_mono_ms() + k->timeout_ms);
	http_get(k->c, "", &resp, &e);
	http_client_timing(k->c, &t);
	m->url = snapshot_strdup(s, k->url_shown);
	m->expect_status = k->expect;
	m->expect_body = snapshot_strdup(s, k->body);
	m->status = resp.status;
	m->latency_ms = resp.status != 0 ? t.total_ms : NAN;
	m->connect_ms = t.connect_ms;
	m->tls_ms = t.tls_ms;
	m->first_byte_ms = t.first_byte_ms;
	m->latency_warn_ms = k->slow_ms;
	m->tls = k->tls;
	m->cert_warn_days = k->cert_warn_days;
	m->cert_crit_days = k->cert_crit_days;
	m->cert_days = NAN;
	m->cert_issuer = "";
	m->cert_subject = "";
	judge(k, &resp, &e, m, s);
	if (k->tls && resp.status != 0 && http_client_cert(k->c, &cert)) {
		m->cert_days = (double)(cert.not_after_ms - clock_wall_ms()) /
			       86400000.0;
		m->cert_issuer = snapshot_strdup(s, cert.issuer);
		m->cert_subject = snapshot_strdup(s, cert.subject);
	}
	http_resp_finish(&resp);
	if (check_cancelled(k->owner)) {
		return err_set(err, "stopping");
	}
	record(k, m, s);
	s->data = m;
	return 0;
}

#endif /* HAVE_LIBCURL */

static const struct config_key_spec http_check_keys[] = {
	{ .name = "url", .type = CONFIG_HTTP_URL, .required = true,
	  .secret = true,
	  .help = "the URL to request, as curl -f would (user info is never "
		  "shown)" },
	{ .name = "expect", .type = CONFIG_TEXT, .def = "2xx",
	  .help = "the status the reply must have: 200, 204, 2xx, ..." },
	{ .name = "body", .type = CONFIG_TEXT,
	  .help = "a substring the body must hold (\"ok\", \"UP\")" },
	{ .name = "slow", .type = CONFIG_DURATION, .def = SLOW,
	  .help = "a reply slower than this is a warning" },
	{ .name = "cert_warn", .type = CONFIG_TEXT, .def = CERT_WARN_DAYS,
	  .help = "days before the certificate expires to warn" },
	{ .name = "cert_crit", .type = CONFIG_TEXT, .def = CERT_CRIT_DAYS,
	  .help = "days before the certificate expires to go critical" },
	{ .name = "pods", .type = CONFIG_TEXT,
	  .help = "the deployment (NAMESPACE/NAME) behind the endpoint, for "
		  "the diagnosis" },
	{ .name = NULL },
};

const struct probe_ops http_check_probe_ops = {
	.kind = SNAP_HTTP,
#if HAVE_LIBCURL
	.open = check_open, .poll = check_poll, .close = check_free,
#else
	.unavailable = "HTTP support not built in",
#endif
	.config = {
		.name = "http",
		.interval_ms = 10000,
		.keys = http_check_keys,
		.shared_keys = http_client_keys,
	},
};
