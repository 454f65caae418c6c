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

#define MAX_LOOKBACK 4000       /* s searched back for when it fired */

struct alert_def {
	const char *name;
	const char *severity;
	const char *labels;
	const char *summary;
	const char *fingerprint;
	bool (*cond)(const struct demo_sim *sim, double t);
	double since;           /* for an alert firing before t = 0 */
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
	  "7c1e3f9a2b4d6e80", high_error_rate, 0 },
	{ "PostgresLocksBlocked", "warning",
	  "instance=pg-main-0 datname=shop namespace=prod",
	  "Sessions waiting on locks for more than 20 s on table accounts",
	  "2d9b41c07e5a3f16", locks_blocked, 0 },
	{ "KafkaConsumerLag", "warning",
	  "consumergroup=billing-consumer topic=payments",
	  "billing-consumer is more than 50k messages behind on payments",
	  "a4f08e62d1c9b735", consumer_lag, 0 },
	{ "RedisMemoryHigh", "warning",
	  "instance=redis-cache-0 namespace=prod",
	  "Redis used memory above 95 % of maxmemory (allkeys-lru evicting)",
	  "5b37c9e1f0a28d44", redis_memory, 0 },
	{ "CertificateExpiry", "info", "ingress=api namespace=prod",
	  "TLS certificate for api.example.com expires in 13 days",
	  "e81d5a3c6f2b9047", NULL, -259200 },
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

static const struct demo_silence *
active_silence(const struct demo_sim *sim, const char *fp, double t)
{
	const struct demo_silence *best = NULL;
	size_t i;

	for (i = 0; i < sim->n_silences; i++) {
		const struct demo_silence *s = &sim->silences[i];

		if (strcmp(s->fingerprint, fp) == 0 && s->created <= t &&
		    t < s->ends) {
			best = s;
		}
	}
	return best;
}

void *
demo_build_alerts(struct snapshot *s, const struct demo_sim *sim, double t)
{
	struct alerts_model *m = snapshot_alloc(s, sizeof(*m));
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
		sil = active_silence(sim, a->fingerprint, t);
		o->fingerprint = snapshot_strdup(s, a->fingerprint);
		o->name = snapshot_strdup(s, a->name);
		o->severity = snapshot_strdup(s, a->severity);
		o->labels = snapshot_strdup(s, a->labels);
		o->summary = snapshot_strdup(s, a->summary);
		o->starts_ms = demo_sim_wall(sim, at);
		o->silenced = sil != NULL;
		o->silence_id = snapshot_strdup(s, sil ? sil->id : "");
	}
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

/* Splits "2h deploy rollback in progress" (the spec's parser); -1 with
 * err when malformed. */
static int
parse_silence_arg(const char *arg, double *secs, const char **comment,
		  struct err *err)
{
	int64_t ms;

	if (alerts_parse_silence(arg, &ms, comment, err) < 0) {
		return -1;
	}
	*secs = (double)ms / 1000.0;
	return 0;
}

static void
matchers(const struct alert_def *a, char *buf, size_t n)
{
	const char *p = a->labels;

	snprintf(buf, n, "alertname=\"%s\"", a->name);
	while (*p) {
		size_t len = strcspn(p, " ");
		const char *eq = memchr(p, '=', len);

		if (eq) {
			strappendf(buf, n, ", %.*s=\"%.*s\"",
				   (int)(eq - p), p,
				   (int)(len - (size_t)(eq - p) - 1),
				   eq + 1);
		}
		p += len;
		while (*p == ' ') {
			p++;
		}
	}
}

static void
describe_silence(const struct action_req *req, char *buf, size_t n)
{
	const struct alert_def *a =
		find_alert(req->target.u.alert.fingerprint);
	char m[256] = "?", dur[16] = "?";
	const char *comment = "";
	double secs;
	struct err err;

	if (a) {
		matchers(a, m, sizeof(m));
	}
	if (parse_silence_arg(req->arg, &secs, &comment, &err) == 0) {
		clock_format_duration((int64_t)(secs * 1000), dur,
				      sizeof(dur));
	}
	snprintf(buf, n,
		 "%s\nPOST /api/v2/silences {matchers: [%s], startsAt: now, "
		 "endsAt: now+%s, createdBy: \"%s\", comment: \"%s\"}\n",
		 DEMO_DESCRIBE_HEAD, m, dur, req->who, comment);
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
	struct demo_silence *sil;
	struct demo_sim *sim;
	const char *comment;
	char when[32], dur[16];
	double secs, now;
	uint64_t h;

	if (!a) {
		return err_set(err, "no alert with fingerprint %s",
			       req->target.u.alert.fingerprint);
	}
	if (parse_silence_arg(req->arg, &secs, &comment, err) < 0) {
		return -1;
	}
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
	sil->created = now;
	sil->ends = now + secs * sim->speed;
	strlcpy_safe(sil->comment, comment, sizeof(sil->comment));
	clock_format_utc(demo_sim_wall(sim, sil->ends), 0, when, sizeof(when));
	clock_format_duration((int64_t)(secs * 1000), dur, sizeof(dur));
	snprintf(result, n, "silence %s created for %s until %s (%s)", sil->id,
		 a->name, when, dur);
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

static int
run_expire(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	struct demo_sim *sim = demo_sim_lock();
	double now = demo_sim_now(sim);
	size_t i;

	for (i = 0; i < sim->n_silences; i++) {
		struct demo_silence *s = &sim->silences[i];

		if (strcmp(s->id, req->target.u.silence.id) != 0) {
			continue;
		}
		if (s->ends <= now) {
			demo_sim_unlock();
			return err_set(err, "silence %s already expired",
				       req->target.u.silence.id);
		}
		s->ends = now;
		demo_sim_unlock();
		snprintf(result, n, "silence %s expired",
			 req->target.u.silence.id);
		return 0;
	}
	demo_sim_unlock();
	return err_set(err, "no silence with id %s",
		       req->target.u.silence.id);
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
	{ .spec = NULL },
};
