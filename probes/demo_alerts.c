/* The demo's Alertmanager: alerts that fire and resolve from the other
 * panes' scripted signals (evaluated every scenario second, like a rule
 * group), and the silence actions. Builders on any thread on a private
 * copy of the state; actions on the action worker. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/demo_sim.h"
#include "probes/http.h"

#define MAX_LOOKBACK 4000       /* s searched back for when it fired */

struct alert_def {
	const char *name;
	const char *severity;
	const char *labels;
	const char *summary;
	const char *fingerprint;
	bool (*cond)(const struct demo_sim *sim, double t);
	double since;           /* for an alert firing before t = 0 */
	const char *description;
	const char *runbook;    /* path under the runbook site */
	const char *expr;       /* the rule's expression */
	const char *receivers;
};

static bool
high_error_rate(const struct demo_sim *sim, double t)
{
	return demo_err_ratio(sim, "api", t) > 0.04;
}

static bool
locks_blocked(const struct demo_sim *sim, double t)
{
	return demo_pg_max_wait(sim, t) > 20;
}

static bool
consumer_lag(const struct demo_sim *sim, double t)
{
	return demo_kafka_billing_lag(sim, t, NULL) > 50000;
}

static bool
redis_memory(const struct demo_sim *sim, double t)
{
	return demo_redis_mem_ratio(sim, t) > 0.95;
}

static const struct alert_def alert_defs[] = {
	{ "HighErrorRate", "critical", "service=api namespace=prod",
	  "api 5xx ratio above 4 % for 1m → customers see failed checkouts",
	  "7c1e3f9a2b4d6e80", high_error_rate, 0,
	  "More than 4 % of api requests have failed with a 5xx for a "
	  "minute. Check the latest deploy and the api pods first.",
	  "api/high-error-rate",
	  "sum(rate(http_requests_total{service=\"api\",status=~\"5..\"}"
	  "[5m])) / sum(rate(http_requests_total{service=\"api\"}[5m])) > "
	  "0.04", "pagerduty-api, slack-incidents" },
	{ "PostgresLocksBlocked", "warning",
	  "instance=pg-main-0 datname=shop namespace=prod",
	  "Sessions waiting on locks for more than 20 s on table accounts",
	  "2d9b41c07e5a3f16", locks_blocked, 0,
	  "A session holds locks others wait for. Find the root of the lock "
	  "tree; terminate it if it is idle in transaction.",
	  "postgres/locks-blocked", "pg_locks_waiting_seconds_max > 20",
	  "slack-db" },
	{ "KafkaConsumerLag", "warning",
	  "consumergroup=billing-consumer topic=payments",
	  "billing-consumer is more than 50k messages behind on payments",
	  "a4f08e62d1c9b735", consumer_lag, 0,
	  "The consumer group falls behind: payments are processed late.",
	  "kafka/consumer-lag",
	  "sum by (consumergroup) (kafka_consumergroup_lag) > 50000",
	  "slack-payments" },
	{ "RedisMemoryHigh", "warning",
	  "instance=redis-cache-0 namespace=prod",
	  "Redis used memory above 95 % of maxmemory (allkeys-lru evicting)",
	  "5b37c9e1f0a28d44", redis_memory, 0,
	  "Evictions make the cache miss: the database takes the load.",
	  "redis/memory-high",
	  "redis_memory_used_bytes / redis_memory_max_bytes > 0.95",
	  "slack-infra" },
	{ "CertificateExpiry", "info", "ingress=api namespace=prod",
	  "TLS certificate for api.example.com expires in 13 days",
	  "e81d5a3c6f2b9047", NULL, -259200,
	  "Renew before it expires; cert-manager retries daily.",
	  "tls/certificate-expiry",
	  "probe_ssl_earliest_cert_expiry - time() < 14 * 86400",
	  "slack-infra" },
};

#define N_ALERTS (sizeof(alert_defs) / sizeof(*alert_defs))

/* Firing at t: when it started (scenario s), else NAN. */
static double
fired_at(const struct demo_sim *sim, const struct alert_def *a, double t)
{
	double k = floor(t);
	int i;

	if (!a->cond) {
		return t >= a->since ? a->since : NAN;
	}
	if (!a->cond(sim, k)) {
		return NAN;
	}
	for (i = 1; i < MAX_LOOKBACK; i++) {
		if (!a->cond(sim, k - i)) {
			break;
		}
	}
	return k - i + 1;
}

/* An alert's labels, as Alertmanager has them: alertname, severity,
 * then those of its definition ("k=v k=v"), pointing into bufs. */
#define LABELS_MAX 8
struct alert_labels {
	const char *names[LABELS_MAX];
	const char *values[LABELS_MAX];
	size_t n;
	char bufs[LABELS_MAX][64];
};

static void
labels_of(const struct alert_def *a, struct alert_labels *l)
{
	const char *p = a->labels;

	l->n = 0;
	l->names[l->n] = "alertname";
	l->values[l->n++] = a->name;
	l->names[l->n] = "severity";
	l->values[l->n++] = a->severity;
	while (*p != '\0' && l->n < LABELS_MAX) {
		size_t len = strcspn(p, " ");
		const char *eq = memchr(p, '=', len);

		if (eq != NULL) {
			snprintf(l->bufs[l->n], sizeof(l->bufs[0]), "%.*s",
				 (int)(len), p);
			l->bufs[l->n][eq - p] = '\0';
			l->names[l->n] = l->bufs[l->n];
			l->values[l->n] = l->bufs[l->n] + (eq - p) + 1;
			l->n++;
		}
		p += len;
		while (*p == ' ') {
			p++;
		}
	}
}

/* Every label of a as exact matchers. */
static size_t
label_matchers(const struct alert_def *a, struct alerts_matcher *m)
{
	struct alert_labels l;
	size_t i;

	labels_of(a, &l);
	for (i = 0; i < l.n && i < ALERTS_MATCHERS_MAX; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		snprintf(m[i].name, sizeof(m[i].name), "%s", l.names[i]);
		snprintf(m[i].value, sizeof(m[i].value), "%s", l.values[i]);
		m[i].is_equal = true;
	}
	return i;
}

static bool
silence_matches(const struct demo_silence *s, const struct alert_def *a)
{
	struct alert_labels l;

	if (s->n_m == 0) {
		return strcmp(s->fingerprint, a->fingerprint) == 0;
	}
	labels_of(a, &l);
	return alerts_matchers_match(s->m, s->n_m, l.names, l.values, l.n) ==
	       1;
}

static const struct demo_silence *
active_silence(const struct demo_sim *sim, const struct alert_def *a,
	       double t)
{
	const struct demo_silence *best = NULL;
	size_t i;

	for (i = 0; i < sim->n_silences; i++) {
		const struct demo_silence *s = &sim->silences[i];

		if (s->created <= t && t < s->ends && silence_matches(s, a)) {
			best = s;
		}
	}
	return best;
}

/* The active silences as rows, soonest end first. */
static void
build_silences(struct snapshot *s, struct alerts_model *m,
	       const struct demo_sim *sim, double t)
{
	char text[1024];
	size_t i, j;

	m->silences = snapshot_alloc(s, (sim->n_silences ? sim->n_silences :
					 1) * sizeof(*m->silences));
	for (i = 0; i < sim->n_silences; i++) {
		const struct demo_silence *d = &sim->silences[i];
		struct alerts_matcher fp_m[ALERTS_MATCHERS_MAX];
		struct silence_row *o;
		size_t n_m = d->n_m;

		if (!(d->created <= t && t < d->ends)) {
			continue;
		}
		if (n_m == 0) {
			const struct alert_def *a = NULL;

			for (j = 0; j < N_ALERTS; j++) {
				if (strcmp(alert_defs[j].fingerprint,
					   d->fingerprint) == 0) {
					a = &alert_defs[j];
				}
			}
			n_m = a != NULL ? label_matchers(a, fp_m) : 0;
		}
		alerts_matchers_text(d->n_m > 0 ? d->m : fp_m, n_m, text,
				     sizeof(text));
		o = &m->silences[m->n_silences++];
		o->id = snapshot_strdup(s, d->id);
		o->matchers = snapshot_strdup(s, text);
		o->created_by = snapshot_strdup(s, "oncall@bastion (demo)");
		o->comment = snapshot_strdup(s, d->comment);
		o->ends_ms = demo_sim_wall(sim, d->ends);
		o->starts_ms = demo_sim_wall(sim, d->created);
	}
	/* Soonest end first, as Alertmanager's are listed. */
	for (i = 1; i < m->n_silences; i++) {
		for (j = i; j > 0 && m->silences[j].ends_ms <
			    m->silences[j - 1].ends_ms; j--) {
			struct silence_row tmp = m->silences[j];

			m->silences[j] = m->silences[j - 1];
			m->silences[j - 1] = tmp;
		}
	}
}

void *
demo_build_alerts(struct snapshot *s, const struct demo_sim *sim, double t)
{
	struct alerts_model *m = snapshot_alloc(s, sizeof(*m));
	struct alerts_matcher m_all[ALERTS_MATCHERS_MAX];
	char text[1024], *esc;
	size_t i;

	m->alerts = snapshot_alloc(s, N_ALERTS * sizeof(*m->alerts));
	for (i = 0; i < N_ALERTS; i++) {
		const struct alert_def *a = &alert_defs[i];
		double at = fired_at(sim, a, t);
		const struct demo_silence *sil;
		struct alert_row *o;

		if (isnan(at)) {
			continue;
		}
		o = &m->alerts[m->n_alerts++];
		sil = active_silence(sim, a, t);
		o->fingerprint = snapshot_strdup(s, a->fingerprint);
		o->name = snapshot_strdup(s, a->name);
		o->severity = snapshot_strdup(s, a->severity);
		o->labels = snapshot_strdup(s, a->labels);
		o->summary = snapshot_strdup(s, a->summary);
		o->starts_ms = demo_sim_wall(sim, at);
		o->silenced = sil != NULL;
		o->silence_id = snapshot_strdup(s, sil ? sil->id : "");
		o->description = snapshot_strdup(s, a->description);
		snprintf(text, sizeof(text), "https://runbooks.example.com/%s",
			 a->runbook);
		o->runbook_url = snapshot_strdup(s, text);
		esc = http_escape(a->expr);
		snprintf(text, sizeof(text), "http://prometheus.example.com/"
			 "graph?g0.expr=%s&g0.tab=1", esc);
		free(esc);
		o->generator_url = snapshot_strdup(s, text);
		o->receivers = snapshot_strdup(s, a->receivers);
		alerts_matchers_text(m_all, label_matchers(a, m_all), text,
				     sizeof(text));
		o->matchers = snapshot_strdup(s, text);
	}
	build_silences(s, m, sim, t);
	return m;
}

/* ---- actions ---- */

static const struct alert_def *
find_alert(const char *fp)
{
	size_t i;

	for (i = 0; i < N_ALERTS; i++) {
		if (strcmp(alert_defs[i].fingerprint, fp) == 0) {
			return &alert_defs[i];
		}
	}
	return NULL;
}

static void
describe_silence(const struct action_req *req, char *buf, size_t n)
{
	const struct alert_def *a =
		find_alert(req->target.u.alert.fingerprint);
	struct alerts_matcher all[ALERTS_MATCHERS_MAX];
	struct alerts_silence sil;
	char m[1024], dur[16];
	struct err err;

	snprintf(buf, n, "%s\n", DEMO_DESCRIBE_HEAD);
	if (alerts_parse_silence(req->arg, &sil, &err) < 0) {
		strappendf(buf, n, "%s\n", err.msg);
		return;
	}
	if (sil.n_m > 0) {
		alerts_matchers_text(sil.m, sil.n_m, m, sizeof(m));
	} else if (a != NULL) {
		alerts_matchers_text(all, label_matchers(a, all), m,
				     sizeof(m));
	} else {
		snprintf(m, sizeof(m), "?");
	}
	clock_format_duration(sil.dur_ms, dur, sizeof(dur));
	strappendf(buf, n, "POST /api/v2/silences {matchers: [%s], startsAt: "
		   "now, endsAt: now+%s, createdBy: \"%s\", comment: "
		   "\"%s\"}\n", m, dur, req->who, sil.comment);
	if (a) {
		strappendf(buf, n, "Target: alert %s (%s) %s\n", a->name,
			   a->severity, a->labels);
	} else {
		strappendf(buf, n, "Target: no alert with fingerprint %s\n",
			   req->target.u.alert.fingerprint);
	}
	strappendf(buf, n, "Matching alerts stop notifying until the "
		   "silence ends; they stay listed here as silenced.");
}

static int
run_silence(const struct action_req *req, char *result, size_t n,
	    struct err *err)
{
	const struct alert_def *a =
		find_alert(req->target.u.alert.fingerprint);
	struct alerts_silence in;
	struct demo_silence *sil;
	struct demo_sim *sim;
	char when[32], dur[16];
	double secs, now;
	uint64_t h;

	if (!a) {
		return err_set(err, "no alert with fingerprint %s",
			       req->target.u.alert.fingerprint);
	}
	if (alerts_parse_silence(req->arg, &in, err) < 0) {
		return -1;
	}
	secs = (double)in.dur_ms / 1000.0;
	sim = demo_sim_lock();
	if (sim->n_silences == DEMO_MAX_SILENCES) {
		demo_sim_unlock();
		return err_set(err, "too many silences in this demo");
	}
	now = demo_sim_now(sim);
	sil = &sim->silences[sim->n_silences++];
	memset(sil, 0, sizeof(*sil));
	h = demo_hash(demo_str_hash(a->fingerprint), ++sim->seq);
	snprintf(sil->id, sizeof(sil->id), "%08x-%04x-4%03x-a%03x-%012llx",
		 (unsigned)(h >> 32), (unsigned)(h >> 16) & 0xffff,
		 (unsigned)h & 0xfff, (unsigned)(h >> 52) & 0xfff,
		 (unsigned long long)(demo_hash(h, 1) & 0xffffffffffffULL));
	strlcpy_safe(sil->fingerprint, a->fingerprint,
		     sizeof(sil->fingerprint));
	memcpy(sil->m, in.m, in.n_m * sizeof(*in.m));
	sil->n_m = in.n_m;
	sil->created = now;
	sil->ends = now + secs * sim->speed;
	strlcpy_safe(sil->comment, in.comment, sizeof(sil->comment));
	clock_format_utc(demo_sim_wall(sim, sil->ends), 0, when, sizeof(when));
	clock_format_duration(in.dur_ms, dur, sizeof(dur));
	snprintf(result, n, "silence %s created for %s%s until %s (%s)",
		 sil->id, a->name, in.n_m > 0 ? " by its edited matchers" : "",
		 when, dur);
	demo_sim_unlock();
	return 0;
}

static void
describe_expire(const struct action_req *req, char *buf, size_t n)
{
	snprintf(buf, n,
		 "%s\nDELETE /api/v2/silence/%s\n"
		 "Target: silence %s\n"
		 "The alerts it matched notify again at once.",
		 DEMO_DESCRIBE_HEAD, req->target.u.silence.id,
		 req->target.u.silence.id);
}

/* The simulation locked, and the silence id in it that has not ended:
 * returned with the lock held, or NULL with err and the lock released. */
static struct demo_silence *
lock_active_silence(const char *id, struct demo_sim **sim,
		    const char *expired, struct err *err)
{
	double now;
	size_t i;

	*sim = demo_sim_lock();
	now = demo_sim_now(*sim);
	for (i = 0; i < (*sim)->n_silences; i++) {
		struct demo_silence *s = &(*sim)->silences[i];

		if (strcmp(s->id, id) != 0) {
			continue;
		}
		if (s->ends <= now) {
			demo_sim_unlock();
			err_set(err, "silence %s %s", id, expired);
			return NULL;
		}
		return s;
	}
	demo_sim_unlock();
	err_set(err, "no silence with id %s", id);
	return NULL;
}

static int
run_expire(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	struct demo_sim *sim;
	struct demo_silence *s;

	s = lock_active_silence(req->target.u.silence.id, &sim,
				"already expired", err);
	if (s == NULL) {
		return -1;
	}
	s->ends = demo_sim_now(sim);
	demo_sim_unlock();
	snprintf(result, n, "silence %s expired", req->target.u.silence.id);
	return 0;
}

static void
describe_extend(const struct action_req *req, char *buf, size_t n)
{
	const char *why;
	char dur[16];
	int64_t ms;
	struct err err;

	snprintf(buf, n, "%s\nPOST /api/v2/silences {id: %s, endsAt: later}\n",
		 DEMO_DESCRIBE_HEAD, req->target.u.silence.id);
	if (alerts_parse_extend(req->arg, &ms, &why, &err) < 0) {
		strappendf(buf, n, "%s\n", err.msg);
		return;
	}
	clock_format_duration(ms, dur, sizeof(dur));
	strappendf(buf, n, "Target: silence %s: it ends %s later%s%s\n",
		   req->target.u.silence.id, dur, why[0] ? "; comment: " : "",
		   why);
	strappendf(buf, n, "Its alerts stay silent until then.");
}

static int
run_extend(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	struct demo_silence *s;
	struct demo_sim *sim;
	const char *why;
	char when[32], dur[16];
	int64_t ms;

	if (alerts_parse_extend(req->arg, &ms, &why, err) < 0) {
		return -1;
	}
	s = lock_active_silence(req->target.u.silence.id, &sim,
				"has expired: silence the alert again (A)",
				err);
	if (s == NULL) {
		return -1;
	}
	s->ends += (double)ms / 1000.0 * sim->speed;
	if (why[0] != '\0') {
		strappendf(s->comment, sizeof(s->comment), " / extended: %s",
			   why);
	}
	clock_format_utc(demo_sim_wall(sim, s->ends), 0, when, sizeof(when));
	clock_format_duration(ms, dur, sizeof(dur));
	snprintf(result, n, "silence %s extended by %s: it ends %s", s->id,
		 dur, when);
	demo_sim_unlock();
	return 0;
}

const struct action_impl demo_alerts_actions[] = {
	{
		.spec = &action_silence,
		.describe = describe_silence,
		.run = run_silence,
	},
	{
		.spec = &action_expire_silence,
		.describe = describe_expire,
		.run = run_expire,
	},
	{
		.spec = &action_extend_silence,
		.describe = describe_extend,
		.run = run_extend,
	},
	{ .spec = NULL },
};
