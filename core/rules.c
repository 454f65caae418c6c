/* Health and findings from snapshots: the list of findings, the numbers
 * they print, the runbooks' thresholds, and the derivation that runs each
 * kind's derive() (core/kind_*.c) once per snapshot. Pure functions: any
 * thread. The tracker that turns findings which open and close into
 * timeline entries is in core/rules_tracker.c. */
#include "core/rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stdatomic.h>

#include "core/clock.h"
#include "core/rules_internal.h"
#include "core/xalloc.h"

/* ---- the thresholds ---------------------------------------------------- */

/* From the runbooks in the order of enum rules_threshold. */
static const double thresholds[TH_COUNT] = {
	[TH_PODS_CRIT_FAILING] = 0.5,
	[TH_PG_BLOCKED_CRIT_WAIT_S] = 30.0,
	[TH_PG_BLOCKED_CRIT_COUNT] = 5,
	[TH_PG_CONNS_WARN] = 0.80,      /* "connection pool > 80 %" */
	[TH_PG_CONNS_CRIT] = 0.95,
	[TH_PG_IDLE_XACT_WARN_S] = 300.0,
	/* "kill long-running queries": the runbook's 5 minutes */
	[TH_PG_LONG_QUERY_CRIT_S] = 300.0,
	[TH_PG_REPLICA_LAG_WARN_S] = 30.0,
	[TH_PG_REPLICA_LAG_CRIT_S] = 300.0,
	[TH_PG_REPLICA_LAG_WARN_BYTES] = 64.0 * 1024 * 1024,
	[TH_PG_REPLICA_LAG_CRIT_BYTES] = 1024.0 * 1024 * 1024,
	[TH_REDIS_MEM_WARN] = 0.80,
	[TH_REDIS_MEM_CRIT] = 0.95,
	[TH_KAFKA_LAG_WARN] = 1000.0,
	[TH_KAFKA_LAG_CRIT] = 100000.0,
	[TH_POD_RESTART_WINDOW_S] = 600.0,
};

double
rules_threshold(enum rules_threshold t)
{
	return (unsigned)t < TH_COUNT ? thresholds[t] : NAN;
}

/* ---- holds: how long a condition must last (or be gone) --------------- */

/* Per rule (a finding key up to its first ':'): a finding opens once its
 * condition has held this long and closes once it has been gone as long;
 * a change of severity must hold as long too. Where the data measures the
 * condition's age itself (a lock wait, an alert's start), that age
 * counts. */
static const struct {
	const char *rule;
	int64_t ms;
} holds[] = {
	/* lock waits: 5 s, so that OLTP's sub-second waits are no news */
	{ "pg-blocked", 5000 },
	{ "pg-cycle", 5000 },
	{ "pg-conns", 10000 },
	/* these thresholds are ages already (5 min, long_query) */
	{ "pg-idle-xact", 0 },
	{ "pg-long-query", 0 },
	{ "pg-replica-gone", 10000 },
	{ "pg-replica-lag", 10000 },
	{ "pg-replay-delay", 10000 },
	{ "pg-replay-paused", 0 },
	{ "redis-memory", 10000 },
	{ "redis-evicting", 5000 },
	{ "kafka-lag", 15000 },
	/* the lag evaluator judged a whole window already */
	{ "kafka", 0 },
	{ "kafka-brokers", 10000 },
	{ "kafka-urp", 30000 },
	/* endpoint checks: two failed checks at the default 10 s */
	{ "http", 15000 },
	{ "http-slow", 30000 },
	{ "cert", 0 },
	/* Prometheus's rates are 5-minute averages already */
	{ "metric", 15000 },
	/* Alertmanager decides (the rule's for:, its resolve_timeout) */
	{ "alert", 0 },
	{ "crashloop", 0 },
	{ "oom", 0 },
	/* a rollout is briefly short of ready replicas */
	{ "deploy", 30000 },
	{ "restarts", 0 },
	/* the diagnosis (core/correlate.c): its evidence has held already;
	 * two polls more say it is no coincidence of one poll */
	{ "pool-exhaustion", 5000 },
	{ "suspect-rollout", 5000 },
	{ "oom-crashloop", 5000 },
	{ "consumers", 5000 },
	{ "cache-stampede", 10000 },
	{ "app-error", 5000 },
	{ "cert-expiry", 0 },
};

#define N_HOLDS (sizeof(holds) / sizeof(holds[0]))

size_t
rules_hold_count(void)
{
	return N_HOLDS;
}

const char *
rules_hold_name(size_t i)
{
	return i < N_HOLDS ? holds[i].rule : NULL;
}

int
rules_hold_index(const char *rule)
{
	size_t i;

	for (i = 0; rule != NULL && i < N_HOLDS; i++) {
		if (strcmp(holds[i].rule, rule) == 0) {
			return (int)i;
		}
	}
	return -1;
}

int64_t
rules_hold_default(size_t i)
{
	return i < N_HOLDS ? holds[i].ms : 0;
}

int
rules_key_rule(const char *key)
{
	char rule[32];
	size_t len = strcspn(key, ":");

	if (len >= sizeof(rule)) {
		return -1;
	}
	memcpy(rule, key, len);
	rule[len] = '\0';
	return rules_hold_index(rule);
}

/* ---- a growing list of findings, one per key --------------------------- */

/* Adds a finding; a key already present keeps the higher severity. */
struct finding *
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
			return &fl->v[i];
		}
	}
	f.sev = sev;
	f.value = NAN;
	f.limit = NAN;
	f.peak = NAN;
	va_start(ap, fmt);
	vsnprintf(f.text, sizeof(f.text), fmt, ap);
	va_end(ap);
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 8;
		fl->v = xreallocarray(fl->v, fl->cap, sizeof(*fl->v));
	}
	fl->v[fl->n] = f;
	return &fl->v[fl->n++];
}

void
rules_finding_measure(struct finding *f, const char *subject, double value,
		      double limit, enum metric_unit unit)
{
	strlcpy_safe(f->subject, subject, sizeof(f->subject));
	f->value = value;
	f->limit = limit;
	f->unit = unit;
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
		if (!fl->v[i].suppressed && fl->v[i].sev > h) {
			h = fl->v[i].sev;
		}
	}
	return h;
}

static int
finding_cmp(const void *a, const void *b)
{
	const struct finding *fa = a, *fb = b;

	if (fa->suppressed != fb->suppressed) {
		return fa->suppressed ? 1 : -1;
	}
	if (fa->sev != fb->sev) {
		return fa->sev > fb->sev ? -1 : 1;
	}
	return strcmp(fa->key, fb->key);
}

/* Worst first (what is suppressed last), then by key, so the order is
 * stable across polls. */
void
rules_list_sort(struct rules_list *fl)
{
	if (fl->n > 1) {
		qsort(fl->v, fl->n, sizeof(*fl->v), finding_cmp);
	}
}

/* ---- numbers for people ------------------------------------------------ */

char *
rules_fmt_count(double v, char *buf, size_t n)
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

/* sig significant digits, no exponent: 42, 0.5, 1.2k, 3.4M. */
static char *
fmt_sig(double v, int sig, char *buf, size_t n)
{
	static const char *const suffix[] = { "", "k", "M", "G", "T" };
	double a = fabs(v);
	int i = 0;

	if (a >= 1000 && sig <= 3) {
		return rules_fmt_count(v, buf, n);
	}
	while (a >= 999.5 && i < 4 && sig <= 3) {
		a /= 1000;
		v /= 1000;
		i++;
	}
	if (a >= 1e15 || (a != 0 && a < 1e-6)) {
		snprintf(buf, n, "%.*g", sig, v);
	} else if (a >= 100 && sig <= 3) {
		snprintf(buf, n, "%.0f%s", v, suffix[i]);
	} else {
		int digits = a >= 1 ? (int)floor(log10(a)) + 1 : 1;
		int dec = sig - digits;
		char *p;

		if (a < 1 && a > 0) {
			/* Leading zeros after the point do not count. */
			dec = sig - (int)floor(log10(a)) - 1;
		}
		if (dec < 0) {
			dec = 0;
		}
		snprintf(buf, n, "%.*f", dec, v);
		/* "1.50" -> "1.5", "2.000" -> "2" */
		if (strchr(buf, '.') != NULL) {
			p = buf + strlen(buf);
			while (p > buf && p[-1] == '0') {
				*--p = '\0';
			}
			if (p > buf && p[-1] == '.') {
				p[-1] = '\0';
			}
		}
		if (i > 0) {
			strlcpy_safe(buf + strlen(buf), suffix[i],
				     n - strlen(buf));
		}
	}
	return buf;
}

static char *
fmt_unit_sig(enum metric_unit unit, double v, int sig, char *buf, size_t n)
{
	static const char *const bytes[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB",
	};
	char num[48];
	int i = 0;

	switch (unit) {
	case UNIT_RATIO:
		snprintf(buf, n, "%s %%", fmt_sig(v * 100, sig, num,
						  sizeof(num)));
		break;
	case UNIT_SECONDS:
		if (fabs(v) >= 1 || v == 0) {
			snprintf(buf, n, "%s s",
				 fmt_sig(v, sig, num, sizeof(num)));
		} else {
			snprintf(buf, n, "%s ms",
				 fmt_sig(v * 1000, sig, num, sizeof(num)));
		}
		break;
	case UNIT_BYTES:
		while (fabs(v) >= 1024 && i < 5) {
			v /= 1024;
			i++;
		}
		snprintf(buf, n, "%s %s", fmt_sig(v, sig, num, sizeof(num)),
			 bytes[i]);
		break;
	case UNIT_PER_SECOND:
		snprintf(buf, n, "%s/s", fmt_sig(v, sig, num, sizeof(num)));
		break;
	case UNIT_NONE:
	default:
		fmt_sig(v, sig, buf, n);
		break;
	}
	return buf;
}

char *
rules_fmt_unit(enum metric_unit unit, double v, char *buf, size_t n)
{
	return fmt_unit_sig(unit, v, 3, buf, n);
}

char *
rules_fmt_cmp(enum metric_unit unit, double value, const char *op,
	      double limit, char *buf, size_t n)
{
	char a[48], b[48];
	int sig;

	for (sig = 3; sig <= 7; sig++) {
		fmt_unit_sig(unit, value, sig, a, sizeof(a));
		fmt_unit_sig(unit, limit, sig, b, sizeof(b));
		if (value == limit || strcmp(a, b) != 0) {
			break;
		}
	}
	snprintf(buf, n, "%s %s %s", a, op, b);
	return buf;
}

char *
rules_fmt_secs(double s, char *buf, int n)
{
	return clock_format_duration((int64_t)(s * 1000), buf, n);
}

/* ---- deriving ------------------------------------------------------------ */

/* Every derivation, for the test that counts them (a snapshot is derived
 * once, however often it is drawn). */
static atomic_ulong derive_count;

unsigned long
rules_derive_count(void)
{
	return atomic_load(&derive_count);
}

bool
rules_derive_with(struct snapshot *s, void **history, struct rules_list *out)
{
	const struct kind_desc *kd = kind_of(s->kind);
	struct derive d = { .findings = out, .history = history };

	s->derived = true;
	if (s->error[0] != '\0') {
		s->health = HEALTH_CRIT;
		if (s->last_good != NULL) {
			s->findings = s->last_good->findings;
			s->n_findings = s->last_good->n_findings;
		}
		return false;
	}
	if (s->data == NULL || kd == NULL || kd->derive == NULL) {
		s->health = HEALTH_UNKNOWN;
		return false;
	}
	atomic_fetch_add(&derive_count, 1);
	kd->derive(s, &d);
	rules_list_sort(out);
	return true;
}

void
rules_store(struct snapshot *s, const struct rules_list *fl)
{
	struct finding *v;

	s->health = rules_list_worst(fl);
	s->findings = NULL;
	if (fl->n > 0) {
		v = snapshot_alloc(s, fl->n * sizeof(*v));
		memcpy(v, fl->v, fl->n * sizeof(*v));
		s->findings = v;
	}
	s->n_findings = fl->n;
}

void
rules_derive(struct snapshot *s)
{
	struct rules_list fl = { NULL, 0, 0 };

	if (s == NULL || s->derived) {
		return;
	}
	if (rules_derive_with(s, NULL, &fl)) {
		rules_store(s, &fl);
	}
	free(fl.v);
}

enum health
rules_health(const struct snapshot *s)
{
	if (s == NULL) {
		return HEALTH_UNKNOWN;
	}
	rules_derive((struct snapshot *)s);
	return s->health;
}

size_t
rules_findings(const struct snapshot *s, struct finding *out, size_t max)
{
	size_t n;

	if (s == NULL) {
		return 0;
	}
	rules_derive((struct snapshot *)s);
	if (s->error[0] != '\0') {
		return 0;
	}
	n = s->n_findings;
	if (out != NULL && n > 0 && max > 0) {
		memcpy(out, s->findings, (n < max ? n : max) * sizeof(*out));
	}
	return n;
}
