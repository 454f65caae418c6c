/* The correlation rules: the runbooks' decision tree
 * (004_1853ff55f289b06d.txt §3.4 and its neighbours) read across every
 * source at once. One table below, one entry per rule; each rule reads
 * the sources it needs and adds at most one finding per subject. A
 * condition that a kind's own finding measures (an error ratio past its
 * threshold, a pile-up) is read from that source's open findings, which
 * already have their hold: the diagnosis inherits their hysteresis. */
#include "core/correlate.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules_internal.h"
#include "core/xalloc.h"

/* ---- the thresholds, from the runbooks, and their keys ------------------ */

/* "connection pool > 80 %" (003 §4, 004 §3.1) */
#define POOL_NEAR_DEFAULT 0.80
/* a deployment whose revision became current this recently is suspect */
#define ROLLOUT_WINDOW_DEFAULT_MS (15 * 60 * 1000LL)
/* CPU use at this share of the limit: throttled (003 Common Issues §1) */
#define CPU_THROTTLED_DEFAULT 0.90
/* "rising": now at least this many times the value before, and by more
 * than a noise floor */
#define RISE_FACTOR 1.5
#define RISE_WINDOW_S 300.0
/* the database's active sessions kept for "load rising" */
#define LOAD_SAMPLES 64

/* ---- memory: what only a series of runs shows --------------------------- */

/* Names are kept whole (a deployment's may be 253 bytes): two long ones
 * that share a prefix must not become one entry. */
struct seen_revision {
	char *source;           /* "k8s.demo" */
	char *ns, *name;        /* the deployment */
	int revision;
	int64_t changed_ms;     /* wall ms the change was seen, 0 never */
	bool used;              /* seen in the latest run */
};

struct load_sample {
	int64_t at_ms;
	double active;
};

struct seen_load {
	char *source;
	struct load_sample v[LOAD_SAMPLES];
	size_t n, next;
	bool used;
};

struct correlate_memory {
	struct seen_revision *revs;     /* sorted by source, ns, name */
	size_t n_revs, cap_revs;
	struct seen_load *loads;
	size_t n_loads, cap_loads;
};

struct correlate_memory *
correlate_memory_new(void)
{
	return xcalloc(1, sizeof(struct correlate_memory));
}

static void
rev_free(struct seen_revision *r)
{
	free(r->source);
	free(r->ns);
	free(r->name);
}

void
correlate_memory_free(struct correlate_memory *mem)
{
	if (mem == NULL) {
		return;
	}
	for (size_t i = 0; i < mem->n_revs; i++) {
		rev_free(&mem->revs[i]);
	}
	for (size_t i = 0; i < mem->n_loads; i++) {
		free(mem->loads[i].source);
	}
	free(mem->revs);
	free(mem->loads);
	free(mem);
}

static int
rev_cmp(const struct seen_revision *r, const char *source,
	const struct deploy_row *d)
{
	int cmp = strcmp(r->source, source);

	if (cmp == 0) {
		cmp = strcmp(r->ns, d->ns);
	}
	return cmp != 0 ? cmp : strcmp(r->name, d->name);
}

/* When d's current revision became current: its ReplicaSet's creation,
 * or later when this memory saw the revision change (a rollback to an
 * old ReplicaSet keeps that one's creation time). 0 unknown. */
static int64_t
revision_time(struct correlate_memory *mem, const char *source,
	      const struct deploy_row *d, int64_t now_ms)
{
	struct seen_revision *r = NULL;
	int64_t t = d->revision_ms;
	size_t lo, hi;

	if (mem == NULL || d->revision <= 0) {
		return t;
	}
	/* sorted: thousands of deployments, each looked up per run */
	lo = 0;
	hi = mem->n_revs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = rev_cmp(&mem->revs[mid], source, d);

		if (cmp == 0) {
			r = &mem->revs[mid];
			break;
		}
		if (cmp < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (r == NULL) {
		if (mem->n_revs == mem->cap_revs) {
			mem->cap_revs = mem->cap_revs ? mem->cap_revs * 2 : 16;
			mem->revs = xreallocarray(mem->revs, mem->cap_revs,
						  sizeof(*mem->revs));
		}
		memmove(&mem->revs[lo + 1], &mem->revs[lo],
			(mem->n_revs - lo) * sizeof(*mem->revs));
		mem->n_revs++;
		r = &mem->revs[lo];
		*r = (struct seen_revision){ xstrdup(source), xstrdup(d->ns),
					     xstrdup(d->name), d->revision, 0,
					     false };
	} else if (r->revision != d->revision) {
		r->revision = d->revision;
		r->changed_ms = now_ms;
	}
	r->used = true;
	return r->changed_ms > t ? r->changed_ms : t;
}

/* The lowest active-session count of source over the last window, after
 * adding now's; NAN when none is older than half the window. */
static double
load_before(struct correlate_memory *mem, const char *source, double active,
	    int64_t now_ms)
{
	struct seen_load *l = NULL;
	double low = NAN;
	bool old_enough = false;

	if (mem == NULL || isnan(active)) {
		return NAN;
	}
	for (size_t i = 0; i < mem->n_loads; i++) {
		if (strcmp(mem->loads[i].source, source) == 0) {
			l = &mem->loads[i];
			break;
		}
	}
	if (l == NULL) {
		if (mem->n_loads == mem->cap_loads) {
			mem->cap_loads = mem->cap_loads ? mem->cap_loads * 2 :
					 4;
			mem->loads = xreallocarray(mem->loads, mem->cap_loads,
						   sizeof(*mem->loads));
		}
		l = &mem->loads[mem->n_loads++];
		memset(l, 0, sizeof(*l));
		l->source = xstrdup(source);
	}
	l->used = true;
	/* one sample per 5 s is plenty for a 5-minute window */
	if (l->n == 0 ||
	    now_ms - l->v[(l->next + LOAD_SAMPLES - 1) % LOAD_SAMPLES].at_ms >=
	    5000) {
		l->v[l->next] = (struct load_sample){ now_ms, active };
		l->next = (l->next + 1) % LOAD_SAMPLES;
		if (l->n < LOAD_SAMPLES) {
			l->n++;
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct load_sample *s = &l->v[i];
		double age = (double)(now_ms - s->at_ms) / 1000.0;

		if (age > RISE_WINDOW_S) {
			continue;
		}
		if (age >= RISE_WINDOW_S / 2) {
			old_enough = true;
		}
		if (isnan(low) || s->active < low) {
			low = s->active;
		}
	}
	return old_enough ? low : NAN;
}

/* ---- reading the sources ----------------------------------------------- */

/* The pods of one pods source sorted by namespace and owner, so that a
 * workload's pods are a range (10,000 pods: one sort per run, not one
 * scan per deployment). */
struct pod_index {
	const struct pods_model *m;
	const struct pod_row **by_owner;
	size_t n;
};

struct cx {
	const struct correlate_src *src;
	size_t n;
	int64_t now_ms;
	struct correlate_memory *mem;
	struct rules_list *out;
	struct pod_index *pods;         /* one per source, built on demand */
	/* Per source, a database's lowest active sessions over the last
	 * 5 minutes (NAN: not a database, or not watched that long). */
	double *load_before;
};

/* The snapshot of source i when it is of kind and has data, else NULL: a
 * source that fails gives no evidence (its last good data is stale). */
static const struct snapshot *
data_of(const struct cx *c, size_t i, enum snap_kind kind)
{
	const struct snapshot *s = c->src[i].snap;

	if (s == NULL || s->kind != kind) {
		return NULL;
	}
	return s->data != NULL ? s : NULL;
}

/* Whether source is there but gave no data this run (failing, or not
 * polled yet): what the memory holds of it is kept for when it is back. */
static bool
source_silent(const struct cx *c, const char *source)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = c->src[i].snap;

		if (c->src[i].name != NULL &&
		    strcmp(c->src[i].name, source) == 0) {
			return s == NULL || s->data == NULL;
		}
	}
	return false;
}

/* Forgets what the latest run did not see (a deployment deleted, a
 * source reloaded away), but not what a source that failed this run
 * could not show: one timed-out poll does not wipe five minutes of
 * samples or the moment a revision changed. */
static void
memory_sweep(const struct cx *c)
{
	struct correlate_memory *mem = c->mem;
	size_t i, k;

	if (mem == NULL) {
		return;
	}
	for (i = k = 0; i < mem->n_revs; i++) {
		struct seen_revision *r = &mem->revs[i];

		if (r->used || source_silent(c, r->source)) {
			r->used = false;
			mem->revs[k++] = *r;
		} else {
			rev_free(r);
		}
	}
	mem->n_revs = k;
	for (i = k = 0; i < mem->n_loads; i++) {
		struct seen_load *l = &mem->loads[i];

		if (l->used || source_silent(c, l->source)) {
			l->used = false;
			mem->loads[k++] = *l;
		} else {
			free(l->source);
		}
	}
	mem->n_loads = k;
}

/* An open finding of s whose key is prefix, or starts with prefix and
 * ':' ("metric:5xx ratio" matches "metric:5xx ratio:api"); the worst
 * first. NULL when none. */
static const struct finding *
open_finding(const struct snapshot *s, const char *prefix)
{
	size_t len = strlen(prefix);

	for (size_t i = 0; s != NULL && i < s->n_findings; i++) {
		const struct finding *f = &s->findings[i];

		if (f->suppressed || strncmp(f->key, prefix, len) != 0) {
			continue;
		}
		if (f->key[len] == '\0' || f->key[len] == ':') {
			return f;
		}
	}
	return NULL;
}

/* A percentage "80%" or a share "0.8" into (0, 1]; -1 on anything else. */
static int
parse_share(const char *v, double *out)
{
	char *end;
	double x;

	if (v == NULL) {
		return -1;
	}
	x = strtod(v, &end);
	if (end == v) {
		return -1;
	}
	while (isspace((unsigned char)*end)) {
		end++;
	}
	if (*end == '%') {
		x /= 100;
		end++;
	}
	while (isspace((unsigned char)*end)) {
		end++;
	}
	if (*end != '\0' || !(x > 0) || x > 1) {
		return -1;
	}
	*out = x;
	return 0;
}

static double
share_key(const struct config_section *sec, const char *key, double def)
{
	double v;

	return sec != NULL && parse_share(config_get(sec, key), &v) == 0 ?
	       v : def;
}

/* "NS/NAME" into ns and name; false on anything else. */
static bool
split_ns_name(const char *v, char *ns, size_t nn, char *name, size_t n)
{
	const char *slash = v != NULL ? strchr(v, '/') : NULL;

	if (slash == NULL || slash == v || slash[1] == '\0' ||
	    strchr(slash + 1, '/') != NULL ||
	    (size_t)(slash - v) >= nn || strlen(slash + 1) >= n) {
		return false;
	}
	memcpy(ns, v, (size_t)(slash - v));
	ns[slash - v] = '\0';
	strlcpy_safe(name, slash + 1, n);
	return true;
}

/* The panel of m the section names for key, else the first whose name
 * starts with one of the defaults. */
static const struct metric_panel *
panel_for(const struct metrics_model *m, const struct config_section *sec,
	  const char *key, const char *const *defaults)
{
	const char *want = sec != NULL ? config_get(sec, key) : NULL;

	for (size_t i = 0; want != NULL && i < m->n_panels; i++) {
		if (strcmp(m->panels[i].name, want) == 0) {
			return &m->panels[i];
		}
	}
	if (want != NULL) {
		return NULL;
	}
	for (size_t d = 0; defaults[d] != NULL; d++) {
		for (size_t i = 0; i < m->n_panels; i++) {
			if (strncmp(m->panels[i].name, defaults[d],
				    strlen(defaults[d])) == 0) {
				return &m->panels[i];
			}
		}
	}
	return NULL;
}

static const char *const error_panels[] = { "5xx", "error", "errors",
					    NULL };
static const char *const latency_panels[] = { "p95", "p99", "latency",
					      NULL };

/* A panel past its threshold, with the source that shows it and its worst
 * row. */
struct panel_up {
	size_t src;
	const struct metric_panel *panel;
	const struct metric_row *row;
	const struct finding *f;
};

/* The panel of every metrics source (the section's key, else the
 * defaults) that has an open finding: the worse one. When service is not
 * NULL, only a row labelled service, or an unsplit panel, counts. */
static bool
panel_up(const struct cx *c, const char *key, const char *const *defaults,
	 const char *service, struct panel_up *out)
{
	bool found = false;

	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = data_of(c, i, SNAP_METRICS);
		const struct metrics_model *m = s ? s->data : NULL;
		const struct metric_panel *p;
		char prefix[FINDING_KEY_MAX];

		if (m == NULL ||
		    (p = panel_for(m, c->src[i].sec, key, defaults)) == NULL) {
			continue;
		}
		for (size_t r = 0; r < p->n_rows; r++) {
			const struct metric_row *row = &p->rows[r];
			const struct finding *f;

			if (service != NULL && row->label[0] != '\0' &&
			    strcmp(row->label, service) != 0) {
				continue;
			}
			if (row->label[0] != '\0') {
				strprintf(prefix, sizeof(prefix),
					  "metric:%s:%s", p->name, row->label);
			} else {
				strprintf(prefix, sizeof(prefix), "metric:%s",
					  p->name);
			}
			f = open_finding(s, prefix);
			if (f == NULL ||
			    (found && (f->sev < out->f->sev ||
				       (f->sev == out->f->sev &&
					!(row->value > out->row->value))))) {
				continue;
			}
			*out = (struct panel_up){ i, p, row, f };
			found = true;
		}
	}
	return found;
}

/* A series' value at wall time at_ms when it reaches back that far
 * (ending at now_ms), else NAN. */
static double
series_at(const struct series *h, int64_t now_ms, int64_t at_ms)
{
	int64_t back;
	size_t k;

	if (h->n == 0 || h->step_ms <= 0 || at_ms > now_ms) {
		return NAN;
	}
	back = (now_ms - at_ms) / h->step_ms;
	if ((uint64_t)back >= h->n) {
		return NAN;
	}
	k = h->n - 1 - (size_t)back;
	return h->v[k];
}

/* The lowest value of a series over its last window_s before its last
 * quarter of that, NAN when it does not reach back half as far. */
static double
series_before(const struct series *h, double window_s)
{
	size_t span, from, to;
	double low = NAN;

	if (h->n < 4 || h->step_ms <= 0) {
		return NAN;
	}
	span = (size_t)(window_s * 1000 / (double)h->step_ms);
	if (span < 4) {
		span = 4;
	}
	if (span >= h->n) {
		if (h->n < span / 2) {
			return NAN;
		}
		span = h->n - 1;
	}
	from = h->n - 1 - span;
	to = h->n - 1 - span / 4;
	for (size_t k = from; k < to; k++) {
		if (!isnan(h->v[k]) && (isnan(low) || h->v[k] < low)) {
			low = h->v[k];
		}
	}
	return low;
}

static bool
rose(double before, double now, double floor_abs)
{
	return !isnan(before) && !isnan(now) && now >= before * RISE_FACTOR &&
	       now - before > floor_abs;
}

/* The pods source showing deployment ns/name, its row and its pods'
 * readiness; false when no source has it. */
struct workload {
	size_t src;
	const struct pods_model *m;
	const struct deploy_row *d;
	int pods, ready, crashing, oom;
	const struct pod_row *not_ready;        /* the first, or NULL */
	const struct pod_row *oom_pod;          /* the first OOM-killed */
	const struct pod_row *first;
	const struct pod_row *hottest;          /* highest CPU share */
	double cpu_share;                       /* of its limit, NAN */
	double mem_limit;
};

static bool
pod_ready(const struct pod_row *p)
{
	return p->containers > 0 && p->ready == p->containers &&
	       strcmp(p->phase, "Running") == 0;
}

/* A failing pod whose container was OOM-killed (kubectl shows OOMKilled,
 * then CrashLoopBackOff with the last termination OOMKilled). */
static bool
pod_oom(const struct pod_row *p)
{
	return strcmp(p->reason, "OOMKilled") == 0 ||
	       (p->last_term != NULL && strcmp(p->last_term, "OOMKilled") == 0);
}

static int
cmp_owner(const char *ns_a, const char *owner_a, const struct pod_row *b)
{
	int r = strcmp(ns_a, b->ns);

	return r != 0 ? r : strcmp(owner_a, b->owner);
}

static int
cmp_pod_owner(const void *a, const void *b)
{
	const struct pod_row *x = *(const struct pod_row *const *)a;
	const struct pod_row *y = *(const struct pod_row *const *)b;
	int r = cmp_owner(x->ns, x->owner, y);

	/* then by name, so that "the first pod" is the same every run */
	return r != 0 ? r : strcmp(x->name, y->name);
}

static const struct pod_index *
pod_index(const struct cx *c, size_t src)
{
	struct pod_index *ix = &c->pods[src];
	const struct pods_model *m = c->src[src].snap->data;

	if (ix->m != m) {
		free(ix->by_owner);
		ix->m = m;
		ix->n = m->n_pods;
		ix->by_owner = xcalloc(m->n_pods + 1, sizeof(*ix->by_owner));
		for (size_t i = 0; i < m->n_pods; i++) {
			ix->by_owner[i] = &m->pods[i];
		}
		qsort(ix->by_owner, ix->n, sizeof(*ix->by_owner),
		      cmp_pod_owner);
	}
	return ix;
}

/* Fills w's counts from the pods of its deployment. */
static void
workload_pods(const struct cx *c, struct workload *w)
{
	const struct pod_index *ix = pod_index(c, w->src);
	size_t lo = 0, hi = ix->n;

	w->cpu_share = NAN;
	w->mem_limit = NAN;
	while (lo < hi) {               /* the first pod of ns/owner */
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_owner(w->d->ns, w->d->name, ix->by_owner[mid]) > 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	for (size_t i = lo; i < ix->n &&
	     cmp_owner(w->d->ns, w->d->name, ix->by_owner[i]) == 0; i++) {
		const struct pod_row *p = ix->by_owner[i];
		double share;

		w->pods++;
		if (w->first == NULL) {
			w->first = p;
		}
		if (pod_ready(p)) {
			w->ready++;
		} else if (w->not_ready == NULL) {
			w->not_ready = p;
		}
		if (p->sev >= HEALTH_CRIT) {
			w->crashing++;
			if (pod_oom(p)) {
				w->oom++;
				if (w->oom_pod == NULL) {
					w->oom_pod = p;
				}
			}
		}
		if (!isnan(p->mem_limit_bytes)) {
			w->mem_limit = p->mem_limit_bytes;
		}
		if (p->cpu_limit_mcores > 0 && !isnan(p->cpu_mcores)) {
			share = p->cpu_mcores / p->cpu_limit_mcores;
			if (isnan(w->cpu_share) || share > w->cpu_share) {
				w->cpu_share = share;
				w->hottest = p;
			}
		}
	}
}

static bool
find_workload(const struct cx *c, const char *ns, const char *name,
	      struct workload *w)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = data_of(c, i, SNAP_PODS);
		const struct pods_model *m = s ? s->data : NULL;

		for (size_t j = 0; m != NULL && j < m->n_deploys; j++) {
			const struct deploy_row *d = &m->deploys[j];

			if ((ns == NULL || strcmp(d->ns, ns) == 0) &&
			    strcmp(d->name, name) == 0) {
				memset(w, 0, sizeof(*w));
				w->src = i;
				w->m = m;
				w->d = d;
				workload_pods(c, w);
				return true;
			}
		}
	}
	return false;
}

/* The rollout window of pods source i. */
static int64_t
rollout_window_ms(const struct cx *c, size_t i)
{
	const char *v = c->src[i].sec ?
			config_get(c->src[i].sec, "rollout_window") : NULL;
	int ms;

	if (v != NULL && config_parse_duration(v, &ms) == 0 && ms > 0) {
		return ms;
	}
	return ROLLOUT_WINDOW_DEFAULT_MS;
}

/* ---- the finding a rule yields ----------------------------------------- */

struct rule;

static struct finding *
yield(const struct cx *c, const struct rule *r, const char *subject,
      enum health sev, const char *text);
static struct finding *
yield_of(const struct cx *c, const struct rule *r, size_t src,
	 const char *subject, enum health sev, const char *text);

static void
set_at(struct finding *f, const struct cx *c, size_t src, const char *fmt,
       const char *a, const char *b)
{
	strlcpy_safe(f->at_source, c->src[src].name, sizeof(f->at_source));
	strprintf(f->at_row, sizeof(f->at_row), fmt, a, b);
}

static void
set_action(struct finding *f, const struct action_spec *spec,
	   const char *input)
{
	f->action_key = (char)spec->key;
	strlcpy_safe(f->action, spec->hint != NULL ? spec->hint : spec->name,
		     sizeof(f->action));
	strlcpy_safe(f->action_input, input != NULL ? input : "",
		     sizeof(f->action_input));
}

static void
set_cites(struct finding *f, const struct cx *c, size_t src,
	  const struct finding *cited)
{
	if (cited == NULL) {
		return;
	}
	strlcpy_safe(f->cites_source, c->src[src].name,
		     sizeof(f->cites_source));
	strlcpy_safe(f->cites, cited->key, sizeof(f->cites));
	if (f->since_ms == 0) {
		f->since_ms = cited->opened_ms != 0 ? cited->opened_ms :
			      cited->since_ms;
	}
}

static const char *
ago(int64_t now_ms, int64_t then_ms, char *buf, int n)
{
	return rules_fmt_secs((double)(now_ms - then_ms) / 1000.0, buf, n);
}

/* ---- the rules -------------------------------------------------------- */

/* 5xx up while PostgreSQL is near max_connections or a pile-up is open:
 * the seeds' most common root cause. */
static void
rule_pool(const struct cx *c, const struct rule *r)
{
	struct panel_up e;
	char v[48], text[FINDING_TEXT_MAX];

	if (!panel_up(c, "errors_panel", error_panels, NULL, &e)) {
		return;
	}
	rules_fmt_unit(e.panel->unit, e.row->value, v, sizeof(v));
	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = data_of(c, i, SNAP_PG);
		const struct pg_model *m = s ? s->data : NULL;
		const struct finding *pile;
		struct finding *f;
		double near, used, share;
		char conns[64] = "", why[96] = "", pid[16] = "";
		char subject[FINDING_SUBJECT_MAX];

		if (m == NULL) {
			continue;
		}
		near = share_key(c->src[i].sec, "pool_near", POOL_NEAR_DEFAULT);
		used = m->conns_active + m->conns_idle + m->conns_idle_xact +
		       (isnan(m->conns_other) ? 0 : m->conns_other);
		share = m->max_connections > 0 ? used / m->max_connections :
			NAN;
		pile = open_finding(s, "pg-blocked");
		if (!(share >= near) && pile == NULL) {
			continue;
		}
		if (!isnan(share)) {
			strprintf(conns, sizeof(conns), "%.0f of %.0f "
				  "connections (%.0f %%)", used,
				  m->max_connections, share * 100);
		}
		if (pile != NULL) {
			const char *p = strchr(pile->key, ':');

			strprintf(pid, sizeof(pid), "%s", p ? p + 1 : "");
			if (!isnan(pile->value)) {
				strprintf(why, sizeof(why), "%s%.0f sessions "
					  "blocked behind pid %s",
					  conns[0] ? ", " : "", pile->value,
					  pid);
			} else {
				strprintf(why, sizeof(why), "%sa pile-up "
					  "behind pid %s", conns[0] ? ", " : "",
					  pid);
			}
		}
		strprintf(text, sizeof(text), "connection pool exhaustion: %s "
			  "%s%s%s while %s has %s%s", e.panel->name, v,
			  e.row->label[0] ? " on " : "", e.row->label,
			  c->src[i].name, conns, why);
		f = yield(c, r, c->src[i].name, e.f->sev, text);
		/* its measure: what made the pool the suspect */
		if (pile != NULL && !isnan(pile->value)) {
			rules_finding_measure(f, pile->subject, pile->value,
					      NAN, UNIT_NONE);
		} else {
			strprintf(subject, sizeof(subject), "share of "
				  "max_connections of %s", c->src[i].name);
			rules_finding_measure(f, subject,
					      share, near, UNIT_RATIO);
		}
		if (pile != NULL) {
			set_at(f, c, i, "pid:%s%s", pid, "");
			set_action(f, &action_pg_terminate, NULL);
			set_cites(f, c, i, pile);
		} else {
			set_at(f, c, i, "%s%s", "", "");
			set_action(f, &action_pg_terminate_idle, "5");
		}
		if (f->since_ms == 0) {
			set_cites(f, c, e.src, e.f);
		}
	}
}

/* 5xx or p99 rising within the window after a deployment's new revision
 * became current: suspect the rollout; the key is undo. */
static void
rule_rollout(const struct cx *c, const struct rule *r)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = data_of(c, i, SNAP_PODS);
		const struct pods_model *m = s ? s->data : NULL;
		int64_t window = rollout_window_ms(c, i);

		for (size_t j = 0; m != NULL && j < m->n_deploys; j++) {
			const struct deploy_row *d = &m->deploys[j];
			int64_t at = revision_time(c->mem, c->src[i].name, d,
						   c->now_ms);
			struct panel_up e;
			double then, limit;
			char subject[FINDING_KEY_MAX];
			char text[FINDING_TEXT_MAX], v[48], was[64] = "";
			char how[32];
			struct finding *f;

			if (at <= 0 || c->now_ms - at > window ||
			    d->revision <= 1) {
				continue;
			}
			if (!panel_up(c, "errors_panel", error_panels, d->name,
				      &e) &&
			    !panel_up(c, "latency_panel", latency_panels + 1,
				      d->name, &e)) {
				continue;
			}
			/* Already past its threshold before the revision
			 * came (open then, or so by the panel's history): not
			 * this rollout's doing. */
			if (e.f->opened_ms > 0 && e.f->opened_ms < at) {
				continue;
			}
			then = series_at(&e.row->history, c->now_ms,
					 at - e.row->history.step_ms);
			limit = !isnan(e.panel->warn) ? e.panel->warn :
				e.panel->crit;
			if (!isnan(then) && !isnan(limit) && then > limit) {
				continue;
			}
			rules_fmt_unit(e.panel->unit, e.row->value, v,
				       sizeof(v));
			if (!isnan(then)) {
				char tv[48];

				rules_fmt_unit(e.panel->unit, then, tv,
					       sizeof(tv));
				strprintf(was, sizeof(was), ", %s then", tv);
			}
			strprintf(subject, sizeof(subject), "%s/%s", d->ns,
				  d->name);
			strprintf(text, sizeof(text), "suspect the rollout of "
				  "%s (revision %d, current %s before %s rose "
				  "to %s%s)", subject, d->revision,
				  ago(e.f->opened_ms > 0 ? e.f->opened_ms :
				      c->now_ms, at, how, sizeof(how)),
				  e.panel->name, v, was);
			f = yield_of(c, r, i, subject, e.f->sev, text);
			strprintf(subject, sizeof(subject), "%s after the "
				  "rollout of %s/%s", e.panel->name, d->ns,
				  d->name);
			rules_finding_measure(f, subject, e.row->value,
					      e.panel->warn, e.panel->unit);
			f->since_ms = at;
			set_at(f, c, i, "deploy:%s/%s", d->ns, d->name);
			set_action(f, &action_rollback, NULL);
			set_cites(f, c, e.src, e.f);
		}
	}
}

/* Pods in CrashLoopBackOff whose last termination is OOMKilled: raise
 * the memory limit, or roll back when the deployment changed recently. */
static void
rule_oom(const struct cx *c, const struct rule *r)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = data_of(c, i, SNAP_PODS);
		const struct pods_model *m = s ? s->data : NULL;

		for (size_t j = 0; m != NULL && j < m->n_deploys; j++) {
			struct workload w = { .src = i, .m = m,
					      .d = &m->deploys[j] };
			int64_t at;
			char subject[FINDING_KEY_MAX], key[FINDING_KEY_MAX];
			char text[FINDING_TEXT_MAX], lim[48] = "", how[32];
			struct finding *f;
			bool recent;

			workload_pods(c, &w);
			if (w.oom == 0) {
				continue;
			}
			at = revision_time(c->mem, c->src[i].name, w.d,
					   c->now_ms);
			recent = at > 0 && w.d->revision > 1 &&
				 c->now_ms - at <= rollout_window_ms(c, i);
			strprintf(subject, sizeof(subject), "%s/%s", w.d->ns,
				  w.d->name);
			if (!isnan(w.mem_limit)) {
				char b[32];

				strprintf(lim, sizeof(lim), " (limit %s)",
					  rules_fmt_unit(UNIT_BYTES,
							 w.mem_limit, b,
							 sizeof(b)));
			}
			if (recent) {
				strprintf(text, sizeof(text), "%d of %d pods "
					  "of %s crash-looping, %d "
					  "OOMKilled%s: revision %d is %s old, "
					  "roll back", w.crashing, w.pods,
					  subject, w.oom, lim, w.d->revision,
					  ago(c->now_ms, at, how, sizeof(how)));
			} else {
				strprintf(text, sizeof(text), "%d of %d pods "
					  "of %s crash-looping, %d "
					  "OOMKilled%s, and the deployment has "
					  "not changed: raise the memory limit",
					  w.crashing, w.pods, subject, w.oom,
					  lim);
			}
			f = yield_of(c, r, i, subject, HEALTH_CRIT, text);
			strprintf(key, sizeof(key), "pods of %s OOMKilled",
				  subject);
			rules_finding_measure(f, key, w.oom, NAN,
					      UNIT_NONE);
			if (recent) {
				set_at(f, c, i, "deploy:%s/%s", w.d->ns,
				       w.d->name);
				set_action(f, &action_rollback, NULL);
			} else {
				set_at(f, c, i, "deploy:%s/%s", w.d->ns,
				       w.d->name);
			}
			strprintf(key, sizeof(key), "crashloop:%s", subject);
			if (open_finding(s, key) == NULL) {
				/* all of them OOM kills: the pod's own */
				strprintf(key, sizeof(key), "oom:%s/%s",
					  w.oom_pod->ns, w.oom_pod->name);
			}
			set_cites(f, c, i, open_finding(s, key));
		}
	}
}

/* A consumer group's deployment: consumers.GROUP in its Kafka section,
 * else a deployment named as the group, or as the group without a
 * "-consumer" style suffix. */
static bool
group_workload(const struct cx *c, size_t ksrc, const char *group,
	       struct workload *w)
{
	static const char *const suffixes[] = { "-consumers", "-consumer",
						"-workers", "-worker",
						"-group", "-cg", NULL };
	char key[FINDING_KEY_MAX], ns[64], name[254];
	const char *v;

	strprintf(key, sizeof(key), "consumers.%s", group);
	v = c->src[ksrc].sec ? config_get(c->src[ksrc].sec, key) : NULL;
	if (v != NULL) {
		return split_ns_name(v, ns, sizeof(ns), name, sizeof(name)) &&
		       find_workload(c, ns, name, w);
	}
	if (find_workload(c, NULL, group, w)) {
		return true;
	}
	for (size_t k = 0; suffixes[k] != NULL; k++) {
		size_t gl = strlen(group), sl = strlen(suffixes[k]);

		if (gl > sl && strcmp(group + gl - sl, suffixes[k]) == 0 &&
		    gl - sl < sizeof(name)) {
			memcpy(name, group, gl - sl);
			name[gl - sl] = '\0';
			return find_workload(c, NULL, name, w);
		}
	}
	return false;
}

/* Lag growing (WARN/STALL) while the group's pods are not Ready:
 * consumers down, not slow; Ready and CPU-throttled: too slow, scale. */
static void
rule_consumers(const struct cx *c, const struct rule *r)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = data_of(c, i, SNAP_KAFKA);
		const struct kafka_model *m = s ? s->data : NULL;

		for (size_t j = 0; m != NULL && j < m->n_groups; j++) {
			const struct kafka_group *g = &m->groups[j];
			struct workload w;
			char key[FINDING_KEY_MAX], text[FINDING_TEXT_MAX];
			char lag[32], input[16];
			const struct finding *gf;
			struct finding *f;
			double throttled;
			int want;

			if (g->status != KAFKA_WARN &&
			    g->status != KAFKA_STALL) {
				continue;
			}
			strprintf(key, sizeof(key), "kafka:%s:%s",
				  kafka_status_name(g->status), g->group);
			gf = open_finding(s, key);
			if (gf == NULL || !group_workload(c, i, g->group, &w)) {
				continue;
			}
			rules_fmt_count(g->total_lag, lag, sizeof(lag));
			if (w.ready < w.pods || w.pods == 0) {
				strprintf(text, sizeof(text), "consumers down, "
					  "not slow: %s %s (lag %s) while %d "
					  "of %d pods of %s/%s are Ready",
					  g->group,
					  kafka_status_name(g->status), lag,
					  w.ready, w.pods, w.d->ns, w.d->name);
				f = yield_of(c, r, i, g->group, HEALTH_CRIT,
					     text);
				strprintf(key, sizeof(key), "pods of %s/%s "
					  "Ready", w.d->ns, w.d->name);
				rules_finding_measure(f, key, w.ready,
						      w.pods, UNIT_NONE);
				f->lower_is_worse = true;
				if (w.not_ready != NULL) {
					set_at(f, c, w.src, "pod:%s/%s",
					       w.not_ready->ns,
					       w.not_ready->name);
					f->action_key = 'l';
					strlcpy_safe(f->action, "logs",
						     sizeof(f->action));
				} else {
					set_at(f, c, w.src, "deploy:%s/%s",
					       w.d->ns, w.d->name);
				}
				set_cites(f, c, i, gf);
				continue;
			}
			throttled = share_key(c->src[w.src].sec,
					      "cpu_throttled",
					      CPU_THROTTLED_DEFAULT);
			if (!(w.cpu_share >= throttled)) {
				continue;
			}
			want = w.d->replicas * 2;
			if (g->n_partitions > 0 &&
			    want > (int)g->n_partitions) {
				/* more consumers than partitions sit idle */
				want = (int)g->n_partitions;
			}
			if (want <= w.d->replicas) {
				continue;
			}
			strprintf(input, sizeof(input), "%d", want);
			strprintf(text, sizeof(text), "consumers too slow: %s "
				  "%s (lag %s) with %d of %d pods of %s/%s "
				  "Ready at %.0f %% of their CPU limit: scale "
				  "to %d", g->group,
				  kafka_status_name(g->status), lag, w.ready,
				  w.pods, w.d->ns, w.d->name, w.cpu_share * 100,
				  want);
			f = yield_of(c, r, i, g->group, HEALTH_WARN, text);
			strprintf(key, sizeof(key), "CPU of %s/%s of its limit",
				  w.d->ns, w.d->name);
			rules_finding_measure(f, key,
					      w.cpu_share, throttled,
					      UNIT_RATIO);
			set_at(f, c, w.src, "deploy:%s/%s", w.d->ns, w.d->name);
			set_action(f, &action_scale, input);
			set_cites(f, c, i, gf);
		}
	}
}

/* Redis evicting or at maxmemory while p95 latency and the database's
 * load rise: a cache stampede. */
static void
rule_stampede(const struct cx *c, const struct rule *r)
{
	struct panel_up lat;
	double lat_before;
	char lb[32], ln[32];

	if (!panel_up(c, "latency_panel", latency_panels, NULL, &lat)) {
		return;
	}
	lat_before = series_before(&lat.row->history, RISE_WINDOW_S);
	if (!rose(lat_before, lat.row->value, 0.05)) {
		return;
	}
	rules_fmt_unit(lat.panel->unit, lat_before, lb, sizeof(lb));
	rules_fmt_unit(lat.panel->unit, lat.row->value, ln, sizeof(ln));
	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = data_of(c, i, SNAP_REDIS);
		const struct finding *ev, *mem, *cited;
		char text[FINDING_TEXT_MAX], db[96] = "";
		bool loaded = false;
		struct finding *f;

		if (s == NULL) {
			continue;
		}
		ev = open_finding(s, "redis-evicting");
		mem = open_finding(s, "redis-memory");
		if (ev == NULL && (mem == NULL || mem->sev < HEALTH_CRIT)) {
			continue;
		}
		for (size_t k = 0; k < c->n && !loaded; k++) {
			const struct snapshot *ps = data_of(c, k, SNAP_PG);
			const struct pg_model *pm = ps ? ps->data : NULL;
			double before;

			if (pm == NULL) {
				continue;
			}
			before = c->load_before[k];
			if (rose(before, pm->conns_active, 2)) {
				strprintf(db, sizeof(db), "%s active sessions "
					  "%.0f -> %.0f", c->src[k].name,
					  before, pm->conns_active);
				loaded = true;
			} else if (open_finding(ps, "pg-blocked") != NULL ||
				   open_finding(ps, "pg-long-query") != NULL) {
				strprintf(db, sizeof(db), "%s with sessions "
					  "waiting", c->src[k].name);
				loaded = true;
			}
		}
		if (!loaded) {
			continue;
		}
		cited = ev != NULL ? ev : mem;
		strprintf(text, sizeof(text), "cache stampede: %s %s while %s "
			  "rose %s -> %s and %s", c->src[i].name,
			  ev != NULL ? "evicting keys" : "at maxmemory",
			  lat.panel->name, lb, ln, db);
		f = yield(c, r, c->src[i].name, HEALTH_WARN, text);
		strprintf(db, sizeof(db), "%s in a stampede on %s",
			  lat.panel->name, c->src[i].name);
		rules_finding_measure(f, db, lat.row->value, NAN,
				      lat.panel->unit);
		set_at(f, c, i, "%s%s", "", "");
		set_cites(f, c, i, cited);
	}
}

/* An endpoint failing while its backend pods are Ready and the database
 * is healthy: an application error; the key opens the logs. */
static void
rule_app_error(const struct cx *c, const struct rule *r)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = data_of(c, i, SNAP_HTTP);
		const struct endpoint_model *m = s ? s->data : NULL;
		const char *pods = c->src[i].sec ?
				   config_get(c->src[i].sec, "pods") : NULL;
		char key[FINDING_KEY_MAX], ns[64], name[254];
		char text[FINDING_TEXT_MAX], dbs[96] = "no database watched";
		const struct finding *hf;
		struct workload w;
		struct finding *f;
		bool db_ok = true;

		if (m == NULL || pods == NULL) {
			continue;
		}
		strprintf(key, sizeof(key), "http:%s", c->src[i].name);
		hf = open_finding(s, key);
		if (hf == NULL ||
		    !split_ns_name(pods, ns, sizeof(ns), name, sizeof(name)) ||
		    !find_workload(c, ns, name, &w) || w.pods == 0 ||
		    w.ready < w.pods) {
			continue;
		}
		for (size_t k = 0; k < c->n && db_ok; k++) {
			const struct snapshot *ps = c->src[k].snap;

			if (ps == NULL || ps->kind != SNAP_PG) {
				continue;
			}
			if (ps->error[0] != '\0' || ps->health >= HEALTH_CRIT) {
				db_ok = false;
			} else {
				strprintf(dbs, sizeof(dbs), "%s is healthy",
					  c->src[k].name);
			}
		}
		if (!db_ok) {
			continue;
		}
		strprintf(text, sizeof(text), "application error: %s failing "
			  "(%s) while %d of %d pods of %s/%s are Ready and %s: "
			  "read the logs", c->src[i].name,
			  m->status > 0 ? "HTTP error" : "no reply", w.ready,
			  w.pods, ns, name, dbs);
		if (m->status > 0) {
			strprintf(text, sizeof(text), "application error: %s "
				  "failing (HTTP %ld) while %d of %d pods of "
				  "%s/%s are Ready and %s: read the logs",
				  c->src[i].name, m->status, w.ready, w.pods,
				  ns, name, dbs);
		}
		f = yield(c, r, c->src[i].name, HEALTH_CRIT, text);
		set_at(f, c, w.src, "pod:%s/%s", w.first->ns, w.first->name);
		f->action_key = 'l';
		strlcpy_safe(f->action, "logs", sizeof(f->action));
		set_cites(f, c, i, hf);
	}
}

/* A certificate inside its warning window. */
static void
rule_cert(const struct cx *c, const struct rule *r)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct snapshot *s = data_of(c, i, SNAP_HTTP);
		const struct endpoint_model *m = s ? s->data : NULL;
		char key[FINDING_KEY_MAX], text[FINDING_TEXT_MAX];
		const struct finding *cf;
		struct finding *f;

		if (m == NULL || isnan(m->cert_days)) {
			continue;
		}
		strprintf(key, sizeof(key), "cert:%s", c->src[i].name);
		if ((cf = open_finding(s, key)) == NULL) {
			continue;
		}
		if (m->cert_days < 0) {
			strprintf(text, sizeof(text), "certificate of %s "
				  "expired %.1f days ago (issuer %s): renew it "
				  "now", c->src[i].name, -m->cert_days,
				  m->cert_issuer[0] ? m->cert_issuer :
				  "unknown");
		} else {
			strprintf(text, sizeof(text), "certificate of %s "
				  "expires in %.1f days (issuer %s): renew it "
				  "before it does", c->src[i].name,
				  m->cert_days,
				  m->cert_issuer[0] ? m->cert_issuer :
				  "unknown");
		}
		f = yield(c, r, c->src[i].name, cf->sev, text);
		strprintf(key, sizeof(key), "days to expiry of %s's "
			  "certificate", c->src[i].name);
		rules_finding_measure(f, key, m->cert_days,
				      cf->sev >= HEALTH_CRIT ?
				      m->cert_crit_days : m->cert_warn_days,
				      UNIT_NONE);
		f->lower_is_worse = true;
		set_at(f, c, i, "source:%s%s", c->src[i].name, "");
		set_cites(f, c, i, cf);
	}
}

/* ---- the table ------------------------------------------------------- */

static const struct rule {
	const char *name;       /* the key's prefix: "pool-exhaustion" */
	/* The runbook step, quoted briefly, with its file and section. */
	const char *runbook;
	void (*run)(const struct cx *c, const struct rule *r);
} rules[] = {
	{ "pool-exhaustion",
	  "004_1853ff55f289b06d.txt §4.2 Scenario 1: \"Database Connection "
	  "Pool Exhausted\" - kill idle connections, then raise the pool",
	  rule_pool },
	{ "suspect-rollout",
	  "004_1853ff55f289b06d.txt §3.3 \"Check Recent Changes\", §4.1 "
	  "\"Rollback Recent Deployment\"", rule_rollout },
	{ "oom-crashloop",
	  "004_1853ff55f289b06d.txt §3.4: \"Pods crashing "
	  "(CrashLoopBackOff) - OOMKilled -> Increase memory limits\"",
	  rule_oom },
	{ "consumers",
	  "003_9a35e64a2f67b33a.txt §4 \"Check consumer lag\", §5 \"Scale "
	  "up if resource constrained\"", rule_consumers },
	{ "cache-stampede",
	  "004_1853ff55f289b06d.txt §3.4: \"Some API requests slow - "
	  "Database queries slow\"; §3.2 \"Cache hit rate\"", rule_stampede },
	{ "app-error",
	  "004_1853ff55f289b06d.txt §3.4: \"All API requests returning 500 "
	  "- Application error -> Check application logs\"", rule_app_error },
	{ "cert-expiry",
	  "003_9a35e64a2f67b33a.txt Common Issues §5 \"Certificate "
	  "Expiry\": kubectl get certificates -A", rule_cert },
};

#define N_RULES (sizeof(rules) / sizeof(rules[0]))

size_t
correlate_rule_count(void)
{
	return N_RULES;
}

const char *
correlate_rule_name(size_t i)
{
	return i < N_RULES ? rules[i].name : NULL;
}

/* Rule r's finding about subject, a source's name ("RULE:SOURCE"), or
 * yield_of()'s "SOURCE:SUBJECT". */
static struct finding *
yield(const struct cx *c, const struct rule *r, const char *subject,
      enum health sev, const char *text)
{
	char key[FINDING_KEY_MAX];
	struct finding *f;

	strprintf(key, sizeof(key), "%s:%s", r->name, subject);
	f = rules_list_add(c->out, sev, key, "%s", text);
	strlcpy_safe(f->runbook, r->runbook, sizeof(f->runbook));
	return f;
}

/* Rule r's finding about subject inside source src (a deployment, a
 * group): "RULE:SOURCE:SUBJECT", so that the same name in two clusters is
 * two findings, each acting on its own. */
static struct finding *
yield_of(const struct cx *c, const struct rule *r, size_t src,
	 const char *subject, enum health sev, const char *text)
{
	char key[FINDING_KEY_MAX];

	strprintf(key, sizeof(key), "%s:%s", c->src[src].name, subject);
	return yield(c, r, key, sev, text);
}

struct diag_model *
correlate_run(const struct correlate_src *srcs, size_t n, int64_t now_ms,
	      struct correlate_memory *mem, struct snapshot *out)
{
	struct diag_model *m = snapshot_alloc(out, sizeof(*m));
	struct rules_list fl = { 0 };
	struct cx c = { srcs, n, now_ms, mem, &fl,
			xcalloc(n + 1, sizeof(struct pod_index)) };

	for (size_t i = 0; i < n; i++) {
		if (srcs[i].name == NULL) {
			continue;       /* retired by a reload, or the reader */
		}
		if (srcs[i].snap == NULL ||
		    srcs[i].snap->kind == SNAP_DIAGNOSIS) {
			if (srcs[i].snap == NULL) {
				m->sources++;
				m->sources_down++;
			}
			continue;
		}
		m->sources++;
		if (srcs[i].snap->error[0] != '\0') {
			m->sources_down++;
		}
	}
	c.load_before = xcalloc(n + 1, sizeof(*c.load_before));
	for (size_t i = 0; i < n; i++) {
		const struct snapshot *ps = data_of(&c, i, SNAP_PG);
		const struct pg_model *pm = ps ? ps->data : NULL;

		/* every run, so the window is there when a rule needs it */
		c.load_before[i] = pm == NULL ? NAN :
				   load_before(mem, srcs[i].name,
					       pm->conns_active, now_ms);
	}
	for (size_t i = 0; i < N_RULES; i++) {
		rules[i].run(&c, &rules[i]);
	}
	free(c.load_before);
	memory_sweep(&c);
	for (size_t i = 0; i < n; i++) {
		free(c.pods[i].by_owner);
	}
	free(c.pods);
	rules_list_sort(&fl);
	m->n_findings = fl.n;
	m->findings = snapshot_alloc(out, (fl.n ? fl.n : 1) *
					  sizeof(*m->findings));
	if (fl.n > 0) {
		memcpy(m->findings, fl.v, fl.n * sizeof(*fl.v));
	}
	free(fl.v);
	return m;
}

int
correlate_check_section(const struct config_section *sec, struct err *err)
{
	static const char *const shares[] = { "pool_near", "cpu_throttled",
					      NULL };
	char ns[64], name[254];
	double v;

	for (size_t i = 0; shares[i] != NULL; i++) {
		const char *s = config_get(sec, shares[i]);

		if (s != NULL && parse_share(s, &v) < 0) {
			return err_set(err, "%s: expected a percentage such "
				       "as 80%%, got '%.32s'", shares[i], s);
		}
	}
	for (size_t i = 0; i < sec->n_kv; i++) {
		const char *k = sec->kv[i].key, *val = sec->kv[i].value;

		if ((strncmp(k, "consumers.", 10) == 0 ||
		     strcmp(k, "pods") == 0) &&
		    !split_ns_name(val, ns, sizeof(ns), name, sizeof(name))) {
			return err_set(err, "%s: expected "
				       "NAMESPACE/DEPLOYMENT, got '%.64s'", k,
				       val);
		}
	}
	return 0;
}
