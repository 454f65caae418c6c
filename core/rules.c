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

/* Up to three significant digits, no exponent for large values. */
static char *
fmt_plain(double v, char *buf, size_t n)
{
	if (fabs(v) >= 1000) {
		return rules_fmt_count(v, buf, n);
	}
	if (fabs(v) >= 100) {
		snprintf(buf, n, "%.0f", v);
	} else {
		snprintf(buf, n, "%.3g", v);
	}
	return buf;
}

char *
rules_fmt_unit(enum metric_unit unit, double v, char *buf, size_t n)
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

void
rules_derive_with(struct snapshot *s, void **history, struct rules_list *out)
{
	const struct kind_desc *kd = kind_of(s->kind);
	struct derive d = { .findings = out, .history = history };
	struct finding *v;

	s->derived = true;
	if (s->error[0] != '\0') {
		s->health = HEALTH_CRIT;
		if (s->last_good != NULL) {
			s->findings = s->last_good->findings;
			s->n_findings = s->last_good->n_findings;
		}
		return;
	}
	if (s->data == NULL || kd == NULL || kd->derive == NULL) {
		s->health = HEALTH_UNKNOWN;
		return;
	}
	atomic_fetch_add(&derive_count, 1);
	kd->derive(s, &d);
	rules_list_sort(out);
	s->health = rules_list_worst(out);
	if (out->n > 0) {
		v = snapshot_alloc(s, out->n * sizeof(*v));
		memcpy(v, out->v, out->n * sizeof(*v));
		s->findings = v;
	}
	s->n_findings = out->n;
}

void
rules_derive(struct snapshot *s)
{
	struct rules_list fl = { NULL, 0, 0 };

	if (s == NULL || s->derived) {
		return;
	}
	rules_derive_with(s, NULL, &fl);
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
