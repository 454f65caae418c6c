/* Health and findings from snapshots, with the runbooks' thresholds. Pure
 * functions: any thread. The tracker that turns findings which open and
 * close into timeline entries is in core/rules_tracker.c. */
#include "core/rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/rules_internal.h"
#include "core/xalloc.h"

/* Thresholds, from the runbooks. */
#define PODS_CRIT_FAILING 0.5           /* share of a workload's pods */
#define PG_BLOCKED_CRIT_WAIT_S 30.0
#define PG_BLOCKED_CRIT_COUNT 5
#define PG_CONNS_WARN 0.80
#define PG_CONNS_CRIT 0.95
#define PG_IDLE_XACT_WARN_S 300.0
#define REDIS_MEM_WARN 0.80
#define REDIS_MEM_CRIT 0.95
#define KAFKA_LAG_WARN 1000.0
#define KAFKA_LAG_CRIT 100000.0

/* ---- a growing list of findings, one per key --------------------------- */

/* Adds a finding; a key already present keeps the higher severity. */
void
rules_list_add(struct rules_list *fl, enum health sev, const char *key,
	       const char *fmt, ...)
{
	struct finding f;
	va_list ap;
	size_t i;

	memset(&f, 0, sizeof(f));
	strlcpy_safe(f.key, key, sizeof(f.key));
	for (i = 0; i < fl->n; i++) {
		if (strcmp(fl->v[i].key, f.key) == 0) {
			if (sev > fl->v[i].sev) {
				fl->v[i].sev = sev;
			}
			return;
		}
	}
	f.sev = sev;
	va_start(ap, fmt);
	vsnprintf(f.text, sizeof(f.text), fmt, ap);
	va_end(ap);
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 8;
		fl->v = xreallocarray(fl->v, fl->cap, sizeof(*fl->v));
	}
	fl->v[fl->n++] = f;
}

const struct finding *
rules_list_find(const struct rules_list *fl, const char *key)
{
	size_t i;

	for (i = 0; i < fl->n; i++) {
		if (strcmp(fl->v[i].key, key) == 0) {
			return &fl->v[i];
		}
	}
	return NULL;
}

enum health
rules_list_worst(const struct rules_list *fl)
{
	enum health h = HEALTH_OK;
	size_t i;

	for (i = 0; i < fl->n; i++) {
		if (fl->v[i].sev > h) {
			h = fl->v[i].sev;
		}
	}
	return h;
}

static int
finding_cmp(const void *a, const void *b)
{
	const struct finding *fa = a, *fb = b;

	if (fa->sev != fb->sev) {
		return fa->sev > fb->sev ? -1 : 1;
	}
	return strcmp(fa->key, fb->key);
}

/* Worst first, then by key, so the order is stable across polls. */
void
rules_list_sort(struct rules_list *fl)
{
	if (fl->n > 1) {
		qsort(fl->v, fl->n, sizeof(*fl->v), finding_cmp);
	}
}

/* ---- numbers for people ------------------------------------------------ */

/* 42, 0.5, 1.2k, 120k, 3.4M. */
static char *
fmt_count(double v, char *buf, size_t n)
{
	static const char *const suffix[] = { "", "k", "M", "G", "T" };
	double a = fabs(v);
	int i = 0;

	while (a >= 999.5 && i < 4) {
		a /= 1000;
		v /= 1000;
		i++;
	}
	if (i == 0 && a < 10 && a != floor(a)) {
		snprintf(buf, n, "%.1f", v);
	} else if (i == 0 || a >= 9.95) {
		snprintf(buf, n, "%.0f%s", v, suffix[i]);
	} else {
		snprintf(buf, n, "%.1f%s", v, suffix[i]);
	}
	return buf;
}

/* Up to three significant digits, no exponent for large values. */
static char *
fmt_plain(double v, char *buf, size_t n)
{
	if (fabs(v) >= 1000) {
		return fmt_count(v, buf, n);
	}
	if (fabs(v) >= 100) {
		snprintf(buf, n, "%.0f", v);
	} else {
		snprintf(buf, n, "%.3g", v);
	}
	return buf;
}

static char *
fmt_unit(enum metric_unit unit, double v, char *buf, size_t n)
{
	static const char *const bytes[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB",
	};
	char num[32];
	int i = 0;

	switch (unit) {
	case UNIT_RATIO:
		snprintf(buf, n, "%s %%", fmt_plain(v * 100, num, sizeof(num)));
		break;
	case UNIT_SECONDS:
		if (fabs(v) >= 1 || v == 0) {
			snprintf(buf, n, "%s s",
				 fmt_plain(v, num, sizeof(num)));
		} else {
			snprintf(buf, n, "%s ms",
				 fmt_plain(v * 1000, num, sizeof(num)));
		}
		break;
	case UNIT_BYTES:
		while (fabs(v) >= 1024 && i < 5) {
			v /= 1024;
			i++;
		}
		snprintf(buf, n, "%s %s", fmt_plain(v, num, sizeof(num)),
			 bytes[i]);
		break;
	case UNIT_PER_SECOND:
		snprintf(buf, n, "%s/s", fmt_plain(v, num, sizeof(num)));
		break;
	case UNIT_NONE:
	default:
		fmt_plain(v, buf, n);
		break;
	}
	return buf;
}

static char *
fmt_secs(double s, char *buf, int n)
{
	return clock_format_duration((int64_t)(s * 1000), buf, n);
}

/* ---- pods -------------------------------------------------------------- */

bool
rules_pod_failing(const struct pod_row *p)
{
	return strcmp(p->reason, "CrashLoopBackOff") == 0 ||
	       strcmp(p->reason, "OOMKilled") == 0 ||
	       strcmp(p->reason, "Error") == 0;
}

static bool
pod_crashing(const struct pod_row *p)
{
	return strcmp(p->reason, "CrashLoopBackOff") == 0 ||
	       strcmp(p->reason, "Error") == 0;
}

/* The workload a pod belongs to: its owner, or the pod itself. */
static const char *
pod_group(const struct pod_row *p)
{
	return p->owner[0] != '\0' ? p->owner : p->name;
}

struct pod_tally {
	int total;
	int failing;            /* CrashLoopBackOff, OOMKilled, Error */
	int crashing;           /* CrashLoopBackOff, Error */
	const char *reason;     /* the crashing reason, or NULL when mixed */
};

static struct pod_tally
pods_tally(const struct pods_model *m, const char *ns, const char *group)
{
	struct pod_tally t = { 0, 0, 0, NULL };
	bool mixed = false;
	size_t i;

	for (i = 0; i < m->n_pods; i++) {
		const struct pod_row *p = &m->pods[i];

		if (strcmp(p->ns, ns) != 0 ||
		    strcmp(pod_group(p), group) != 0) {
			continue;
		}
		t.total++;
		if (rules_pod_failing(p)) {
			t.failing++;
		}
		if (pod_crashing(p)) {
			t.crashing++;
			if (t.reason == NULL && !mixed) {
				t.reason = p->reason;
			} else if (t.reason != NULL &&
				   strcmp(t.reason, p->reason) != 0) {
				t.reason = NULL;
				mixed = true;
			}
		}
	}
	return t;
}

static enum health
tally_sev(const struct pod_tally *t)
{
	if (t->total > 0 && t->failing >= PODS_CRIT_FAILING * t->total) {
		return HEALTH_CRIT;
	}
	return HEALTH_WARN;
}

static void
pods_findings(const struct pods_model *m, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX];
	size_t i;

	for (i = 0; i < m->n_pods; i++) {
		const struct pod_row *p = &m->pods[i];
		const char *group = pod_group(p);
		struct pod_tally t;

		if (!rules_pod_failing(p)) {
			continue;
		}
		t = pods_tally(m, p->ns, group);
		if (strcmp(p->reason, "OOMKilled") == 0) {
			snprintf(key, sizeof(key), "oom:%s/%s", p->ns, p->name);
			rules_list_add(fl, tally_sev(&t), key,
				       "pod %s OOMKilled (%d restarts)",
				       p->name, p->restarts);
			continue;
		}
		snprintf(key, sizeof(key), "crashloop:%s/%s", p->ns, group);
		rules_list_add(fl, tally_sev(&t), key, "%s: %d/%d pods %s",
			       group, t.crashing, t.total,
			       t.reason != NULL ? t.reason : "failing");
	}
	for (i = 0; i < m->n_deploys; i++) {
		const struct deploy_row *d = &m->deploys[i];
		struct pod_tally t;
		enum health sev;

		if (d->ready >= d->replicas) {
			continue;
		}
		t = pods_tally(m, d->ns, d->name);
		/* Failing pods already say why; a separate "not ready"
		 * finding adds news only when nothing is ready. */
		if (t.failing > 0 && d->ready > 0) {
			continue;
		}
		sev = d->ready == 0 ? HEALTH_CRIT : HEALTH_WARN;
		snprintf(key, sizeof(key), "deploy:%s/%s", d->ns, d->name);
		rules_list_add(fl, sev, key, "%s: %d/%d replicas ready",
			       d->name, d->ready, d->replicas);
	}
}

/* ---- postgres ---------------------------------------------------------- */

static const struct pg_session *
pg_session_find(const struct pg_model *m, int pid)
{
	size_t i;

	for (i = 0; i < m->n_sessions; i++) {
		if (m->sessions[i].pid == pid) {
			return &m->sessions[i];
		}
	}
	return NULL;
}

static bool
pg_is_blocked(const struct pg_model *m, int pid)
{
	const struct pg_session *s = pg_session_find(m, pid);

	return s != NULL && s->n_blocked_by > 0;
}

/* Marks in behind[] every blocked session that waits, directly or through
 * other sessions, for pid. */
static void
pg_mark_behind(const struct pg_model *m, int pid, bool *behind)
{
	size_t i, j;

	for (i = 0; i < m->n_sessions; i++) {
		const struct pg_session *s = &m->sessions[i];

		if (behind[i]) {
			continue;
		}
		for (j = 0; j < s->n_blocked_by; j++) {
			if (s->blocked_by[j] == pid) {
				behind[i] = true;
				pg_mark_behind(m, s->pid, behind);
				break;
			}
		}
	}
}

static void
pg_blocked_findings(const struct pg_model *m, struct rules_list *fl)
{
	bool *behind = xcalloc(m->n_sessions + 1, sizeof(*behind));
	bool *counted = xcalloc(m->n_sessions + 1, sizeof(*counted));
	char key[FINDING_KEY_MAX], dur[32];
	size_t i, j, k;
	int stray = 0, total = 0;

	for (i = 0; i < m->n_sessions; i++) {
		if (m->sessions[i].n_blocked_by > 0) {
			total++;
		}
	}
	for (i = 0; i < m->n_sessions; i++) {
		for (j = 0; j < m->sessions[i].n_blocked_by; j++) {
			int root = m->sessions[i].blocked_by[j];
			double longest = NAN;
			int count = 0;
			enum health sev;

			/* A root blocker holds locks but waits for nobody. */
			snprintf(key, sizeof(key), "pg-blocked:%d", root);
			if (pg_is_blocked(m, root) ||
			    rules_list_find(fl, key)) {
				continue;
			}
			memset(behind, 0, m->n_sessions * sizeof(*behind));
			pg_mark_behind(m, root, behind);
			for (k = 0; k < m->n_sessions; k++) {
				if (!behind[k]) {
					continue;
				}
				counted[k] = true;
				count++;
				if (!isnan(m->sessions[k].wait_s) &&
				    (isnan(longest) ||
				     m->sessions[k].wait_s > longest)) {
					longest = m->sessions[k].wait_s;
				}
			}
			/* Five blocked sessions in all make every blocker
			 * critical, however they are spread. */
			sev = total >= PG_BLOCKED_CRIT_COUNT ||
			      (!isnan(longest) &&
			       longest > PG_BLOCKED_CRIT_WAIT_S) ?
			      HEALTH_CRIT : HEALTH_WARN;
			if (isnan(longest)) {
				rules_list_add(fl, sev, key, "%d session%s "
					       "blocked behind pid %d", count,
					       count == 1 ? "" : "s", root);
			} else {
				rules_list_add(fl, sev, key, "%d session%s "
					       "blocked behind pid %d "
					       "(longest %s)", count,
					       count == 1 ? "" : "s", root,
					       fmt_secs(longest, dur,
							sizeof(dur)));
			}
		}
	}
	/* Sessions that wait only on each other (a lock cycle the server has
	 * not broken yet) have no root. */
	for (i = 0; i < m->n_sessions; i++) {
		if (m->sessions[i].n_blocked_by > 0 && !counted[i]) {
			stray++;
		}
	}
	if (stray > 0) {
		rules_list_add(fl, HEALTH_CRIT, "pg-blocked:cycle",
			       "%d sessions blocked in a lock cycle", stray);
	}
	free(behind);
	free(counted);
}

static double
nan_zero(double v)
{
	return isnan(v) ? 0 : v;
}

static void
pg_findings(const struct pg_model *m, struct rules_list *fl)
{
	double used, ratio, oldest = NAN;
	char dur[32];
	size_t i;
	int idle = 0, oldest_pid = 0;

	pg_blocked_findings(m, fl);

	used = nan_zero(m->conns_active) + nan_zero(m->conns_idle) +
	       nan_zero(m->conns_idle_xact) + nan_zero(m->conns_other);
	if (!isnan(m->max_connections) && m->max_connections > 0) {
		ratio = used / m->max_connections;
		if (ratio > PG_CONNS_WARN) {
			rules_list_add(fl, ratio > PG_CONNS_CRIT ?
				       HEALTH_CRIT : HEALTH_WARN, "pg-conns",
				       "connections at %.0f%% of "
				       "max_connections (%.0f/%.0f)",
				       ratio * 100, used, m->max_connections);
		}
	}

	for (i = 0; i < m->n_sessions; i++) {
		const struct pg_session *s = &m->sessions[i];

		if (strncmp(s->state, "idle in transaction", 19) != 0 ||
		    isnan(s->xact_s) || s->xact_s <= PG_IDLE_XACT_WARN_S) {
			continue;
		}
		idle++;
		if (isnan(oldest) || s->xact_s > oldest) {
			oldest = s->xact_s;
			oldest_pid = s->pid;
		}
	}
	if (idle > 0) {
		rules_list_add(fl, HEALTH_WARN, "pg-idle-xact",
			       "%d session%s idle in transaction for more "
			       "than 5m (oldest %s, pid %d)", idle,
			       idle == 1 ? "" : "s",
			       fmt_secs(oldest, dur, sizeof(dur)), oldest_pid);
	} else if (!isnan(m->oldest_idle_xact_s) &&
		   m->oldest_idle_xact_s > PG_IDLE_XACT_WARN_S) {
		/* The role may not see the session itself. */
		rules_list_add(fl, HEALTH_WARN, "pg-idle-xact",
			       "a session is idle in transaction for %s",
			       fmt_secs(m->oldest_idle_xact_s, dur,
					sizeof(dur)));
	}
}

/* ---- redis ------------------------------------------------------------- */

static void
redis_findings(const struct redis_model *m, struct rules_list *fl)
{
	bool limited = !isnan(m->max_bytes) && m->max_bytes > 0 &&
		       !isnan(m->used_bytes);
	bool evicting = !isnan(m->evicted_per_s) && m->evicted_per_s > 0;
	double ratio = limited ? m->used_bytes / m->max_bytes : 0;
	enum health sev = HEALTH_OK;
	char rate[32];

	if (limited && ratio > REDIS_MEM_WARN) {
		sev = ratio > REDIS_MEM_CRIT ? HEALTH_CRIT : HEALTH_WARN;
	}
	if (evicting) {
		sev = HEALTH_CRIT;
		fmt_count(m->evicted_per_s, rate, sizeof(rate));
	}
	if (sev == HEALTH_OK) {
		return;
	}
	if (limited && evicting) {
		rules_list_add(fl, sev, "redis-memory", "memory at %.0f%% of "
			       "maxmemory, evicting %s keys/s", ratio * 100,
			       rate);
	} else if (evicting) {
		rules_list_add(fl, sev, "redis-memory", "evicting %s keys/s",
			       rate);
	} else {
		rules_list_add(fl, sev, "redis-memory",
			       "memory at %.0f%% of maxmemory", ratio * 100);
	}
}

/* ---- kafka ------------------------------------------------------------- */

static void
kafka_findings(const struct kafka_model *m, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX], lag[32], rate[32], topic[FINDING_TEXT_MAX];
	size_t i;

	for (i = 0; i < m->n_groups; i++) {
		const struct kafka_group *g = &m->groups[i];

		if (isnan(g->lag_per_s) || g->lag_per_s <= 0 ||
		    isnan(g->total_lag) || g->total_lag <= KAFKA_LAG_WARN) {
			continue;
		}
		snprintf(key, sizeof(key), "kafka-lag:%s/%s", g->group,
			 g->topic);
		topic[0] = '\0';
		if (g->topic[0] != '\0') {
			snprintf(topic, sizeof(topic), " (topic %s)", g->topic);
		}
		rules_list_add(fl, g->total_lag > KAFKA_LAG_CRIT ?
			       HEALTH_CRIT : HEALTH_WARN, key,
			       "group %s lag %s and growing %s/s%s", g->group,
			       fmt_count(g->total_lag, lag, sizeof(lag)),
			       fmt_count(g->lag_per_s, rate, sizeof(rate)),
			       topic);
	}
}

/* ---- metrics ----------------------------------------------------------- */

static void
metric_row_finding(const struct metric_panel *p, const struct metric_row *r,
		   struct rules_list *fl)
{
	/* Higher is worse unless the crit threshold lies below warn (a hit
	 * ratio, free disk). */
	bool lower = !isnan(p->warn) && !isnan(p->crit) && p->crit < p->warn;
	enum health sev = HEALTH_OK;
	double limit = NAN;
	char key[FINDING_KEY_MAX], val[48], lim[48], label[FINDING_TEXT_MAX];

	if (isnan(r->value)) {
		return;
	}
	if (!isnan(p->crit) && (lower ? r->value < p->crit :
				r->value > p->crit)) {
		sev = HEALTH_CRIT;
		limit = p->crit;
	} else if (!isnan(p->warn) && (lower ? r->value < p->warn :
				       r->value > p->warn)) {
		sev = HEALTH_WARN;
		limit = p->warn;
	}
	if (sev == HEALTH_OK) {
		return;
	}
	if (r->label[0] != '\0') {
		snprintf(key, sizeof(key), "metric:%s:%s", p->name, r->label);
		snprintf(label, sizeof(label), " [%s]", r->label);
	} else {
		snprintf(key, sizeof(key), "metric:%s", p->name);
		label[0] = '\0';
	}
	rules_list_add(fl, sev, key, "%s%s %s (%s %s %s)", p->name, label,
		       fmt_unit(p->unit, r->value, val, sizeof(val)),
		       sev == HEALTH_CRIT ? "crit" : "warn", lower ? "<" : ">",
		       fmt_unit(p->unit, limit, lim, sizeof(lim)));
}

static void
metrics_findings(const struct metrics_model *m, struct rules_list *fl)
{
	size_t i, j;

	for (i = 0; i < m->n_panels; i++) {
		for (j = 0; j < m->panels[i].n_rows; j++) {
			metric_row_finding(&m->panels[i], &m->panels[i].rows[j],
					   fl);
		}
	}
}

/* ---- alerts ------------------------------------------------------------ */

static void
alerts_findings(const struct alerts_model *m, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX];
	size_t i;

	for (i = 0; i < m->n_alerts; i++) {
		const struct alert_row *a = &m->alerts[i];
		const char *name = a->name[0] != '\0' ? a->name : "(unnamed)";

		if (a->silenced) {
			continue;
		}
		snprintf(key, sizeof(key), "alert:%s",
			 a->fingerprint[0] != '\0' ? a->fingerprint : name);
		if (a->severity[0] != '\0') {
			rules_list_add(fl, strcasecmp(a->severity,
						      "critical") == 0 ?
				       HEALTH_CRIT : HEALTH_WARN, key,
				       "alert %s firing (%s)", name,
				       a->severity);
		} else {
			rules_list_add(fl, HEALTH_WARN, key, "alert %s firing",
				       name);
		}
	}
}

/* ---- the pure entry points -------------------------------------------- */

/* Fills fl from s's data; false when s has no data of its kind. */
bool
rules_collect(const struct snapshot *s, struct rules_list *fl)
{
	const struct pods_model *pods;
	const struct pg_model *pg;
	const struct redis_model *redis;
	const struct kafka_model *kafka;
	const struct metrics_model *metrics;
	const struct alerts_model *alerts;

	if (s == NULL || s->error[0] != '\0') {
		return false;
	}
	if ((pods = snapshot_pods(s)) != NULL) {
		pods_findings(pods, fl);
	} else if ((pg = snapshot_pg(s)) != NULL) {
		pg_findings(pg, fl);
	} else if ((redis = snapshot_redis(s)) != NULL) {
		redis_findings(redis, fl);
	} else if ((kafka = snapshot_kafka(s)) != NULL) {
		kafka_findings(kafka, fl);
	} else if ((metrics = snapshot_metrics(s)) != NULL) {
		metrics_findings(metrics, fl);
	} else if ((alerts = snapshot_alerts(s)) != NULL) {
		alerts_findings(alerts, fl);
	} else {
		return false;
	}
	return true;
}

enum health
rules_health(const struct snapshot *s)
{
	struct rules_list fl = { NULL, 0, 0 };
	enum health h;

	if (s == NULL) {
		return HEALTH_UNKNOWN;
	}
	if (s->error[0] != '\0') {
		return HEALTH_CRIT;
	}
	if (!rules_collect(s, &fl)) {
		return HEALTH_UNKNOWN;
	}
	h = rules_list_worst(&fl);
	free(fl.v);
	return h;
}

size_t
rules_findings(const struct snapshot *s, struct finding *out, size_t max)
{
	struct rules_list fl = { NULL, 0, 0 };
	size_t n;

	rules_collect(s, &fl);
	rules_list_sort(&fl);
	n = fl.n;
	if (out != NULL && n > 0 && max > 0) {
		memcpy(out, fl.v, (n < max ? n : max) * sizeof(*out));
	}
	free(fl.v);
	return n;
}
