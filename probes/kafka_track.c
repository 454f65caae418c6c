/* The Kafka probe's memory across polls: a window of samples per group and
 * partition (probes/kafka_lag.h) and each group's total lag per poll, in a
 * hash table by (group, topic, partition); and the snapshot's model built
 * from one poll's observations and those windows. Probe thread. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "probes/kafka_internal.h"
#include "probes/kafka_lag.h"

/* Points of each group's lag sparkline, one per poll. */
#define HISTORY_N 60
/* Polls a partition or group may go unseen before its window is dropped
 * (a describe that failed once must not reset the evaluator). */
#define KEEP_POLLS 5

struct history {
	int64_t t_ms[HISTORY_N];
	double v[HISTORY_N];
	size_t n;               /* oldest first */
};

struct entry {
	char *group;
	char *topic;            /* NULL: the group's own entry */
	int partition;
	unsigned seen;          /* the poll that last saw it */
	struct kafka_window *w; /* partitions */
	struct history *h;      /* groups */
};

struct kafka_track {
	int window_ms;
	int interval_ms;
	unsigned gen;
	struct entry *v;
	size_t n, cap;
	/* Open addressing over v: slot holds index + 1, 0 when empty. */
	size_t *slots;
	size_t n_slots;         /* a power of two, > 2 * n */
};

struct kafka_track *
kafka_track_new(int window_ms, int interval_ms)
{
	struct kafka_track *t = xcalloc(1, sizeof(*t));

	t->window_ms = window_ms > 0 ? window_ms : 120000;
	t->interval_ms = interval_ms > 0 ? interval_ms : 2000;
	return t;
}

static void
entry_free(struct entry *e)
{
	free(e->group);
	free(e->topic);
	free(e->w);
	free(e->h);
}

void
kafka_track_free(struct kafka_track *t)
{
	size_t i;

	if (t == NULL) {
		return;
	}
	for (i = 0; i < t->n; i++) {
		entry_free(&t->v[i]);
	}
	free(t->v);
	free(t->slots);
	free(t);
}

size_t
kafka_track_size(const struct kafka_track *t)
{
	return t->n;
}

/* ---- the table ------------------------------------------------------- */

static uint64_t
hash(const char *group, const char *topic, int partition)
{
	uint64_t h = 1469598103934665603ULL;
	const char *s;

	for (s = group; *s != '\0'; s++) {
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	}
	h = (h ^ 0xff) * 1099511628211ULL;
	for (s = topic != NULL ? topic : ""; *s != '\0'; s++) {
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	}
	h = (h ^ 0xfe) * 1099511628211ULL;
	return (h ^ (uint32_t)partition) * 1099511628211ULL;
}

static bool
entry_is(const struct entry *e, const char *group, const char *topic,
	 int partition)
{
	if ((e->topic == NULL) != (topic == NULL) ||
	    e->partition != partition || strcmp(e->group, group) != 0) {
		return false;
	}
	return topic == NULL || strcmp(e->topic, topic) == 0;
}

static void
reindex(struct kafka_track *t)
{
	size_t i, want = 64;

	while (want < t->n * 2 + 2) {
		want *= 2;
	}
	if (want != t->n_slots) {
		free(t->slots);
		t->slots = xcalloc(want, sizeof(*t->slots));
		t->n_slots = want;
	} else {
		memset(t->slots, 0, want * sizeof(*t->slots));
	}
	for (i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		size_t s = hash(e->group, e->topic, e->partition) &
			   (t->n_slots - 1);

		while (t->slots[s] != 0) {
			s = (s + 1) & (t->n_slots - 1);
		}
		t->slots[s] = i + 1;
	}
}

/* The entry, made (zeroed window or history) when new. */
static struct entry *
lookup(struct kafka_track *t, const char *group, const char *topic,
       int partition)
{
	size_t s;
	struct entry *e;

	if (t->n_slots == 0 || (t->n + 1) * 2 + 2 > t->n_slots) {
		reindex(t);
	}
	s = hash(group, topic, partition) & (t->n_slots - 1);
	while (t->slots[s] != 0) {
		e = &t->v[t->slots[s] - 1];
		if (entry_is(e, group, topic, partition)) {
			return e;
		}
		s = (s + 1) & (t->n_slots - 1);
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->group = xstrdup(group);
	e->topic = topic != NULL ? xstrdup(topic) : NULL;
	e->partition = partition;
	if (topic != NULL) {
		e->w = xcalloc(1, sizeof(*e->w));
	} else {
		e->h = xcalloc(1, sizeof(*e->h));
	}
	t->slots[s] = ++t->n;
	return e;
}

/* Drops what KEEP_POLLS polls did not see. */
static void
sweep(struct kafka_track *t)
{
	size_t i, k = 0;

	for (i = 0; i < t->n; i++) {
		if (t->gen - t->v[i].seen > KEEP_POLLS) {
			entry_free(&t->v[i]);
		} else {
			t->v[k++] = t->v[i];
		}
	}
	if (k != t->n) {
		t->n = k;
		reindex(t);
	}
}

/* ---- a group's total lag over the polls ------------------------------ */

static void
history_add(struct history *h, int64_t now_ms, double v)
{
	if (h->n == HISTORY_N) {
		memmove(h->t_ms, h->t_ms + 1,
			(HISTORY_N - 1) * sizeof(*h->t_ms));
		memmove(h->v, h->v + 1, (HISTORY_N - 1) * sizeof(*h->v));
		h->n--;
	}
	h->t_ms[h->n] = now_ms;
	h->v[h->n] = v;
	h->n++;
}

/* Messages per second the lag grew by over the history; NAN when it
 * holds fewer than two known points. */
static double
history_rate(const struct history *h)
{
	size_t a = SIZE_MAX, b = SIZE_MAX, i;

	for (i = 0; i < h->n; i++) {
		if (!isnan(h->v[i])) {
			if (a == SIZE_MAX) {
				a = i;
			}
			b = i;
		}
	}
	if (a == SIZE_MAX || a == b || h->t_ms[b] <= h->t_ms[a]) {
		return NAN;
	}
	return (h->v[b] - h->v[a]) * 1000.0 / (double)(h->t_ms[b] - h->t_ms[a]);
}

/* ---- the model ------------------------------------------------------- */

/* "a, b" of the group's distinct topics (its partitions are sorted). */
static const char *
topics_of(struct snapshot *s, const struct kafka_obs_group *g)
{
	size_t i, len = 0;
	char *out, *o;

	for (i = 0; i < g->n_parts; i++) {
		if (i == 0 || strcmp(g->parts[i].topic,
				     g->parts[i - 1].topic) != 0) {
			len += strlen(g->parts[i].topic) + 2;
		}
	}
	out = o = snapshot_alloc(s, len + 1);
	for (i = 0; i < g->n_parts; i++) {
		if (i == 0 || strcmp(g->parts[i].topic,
				     g->parts[i - 1].topic) != 0) {
			o += sprintf(o, "%s%s", o == out ? "" : ", ",
				     g->parts[i].topic);
		}
	}
	return out;
}

static void
build_group(struct kafka_track *t, struct snapshot *s,
	    const struct kafka_obs_group *og, struct kafka_group *g,
	    int64_t now_ms)
{
	struct kafka_verdict *v = xcalloc(og->n_parts + 1, sizeof(*v));
	const char *topic = NULL, *several = NULL;
	struct entry *ge;
	char name[300], reason[200];
	double total = NAN;
	size_t i;

	g->group = snapshot_strdup(s, og->name);
	g->state = snapshot_strdup(s, og->state);
	g->members = og->members;
	g->error = snapshot_strdup(s, og->error);
	g->topic = topics_of(s, og);
	several = strchr(g->topic, ',');
	g->partitions = snapshot_alloc(s, (og->n_parts + 1) *
					  sizeof(*g->partitions));
	g->n_partitions = og->n_parts;
	g->lag_s = NAN;
	for (i = 0; i < og->n_parts; i++) {
		const struct kafka_obs_part *op = &og->parts[i];
		struct kafka_partition *p = &g->partitions[i];
		struct entry *e = lookup(t, og->name, op->topic, op->partition);

		e->seen = t->gen;
		kafka_window_add(e->w, now_ms, op->committed, op->high,
				 t->window_ms);
		if (several != NULL) {
			snprintf(name, sizeof(name), "partition %s/%d",
				 op->topic, op->partition);
		} else {
			snprintf(name, sizeof(name), "partition %d",
				 op->partition);
		}
		kafka_lag_judge(e->w, now_ms, t->window_ms, og->members, name,
				&v[i]);
		if (isnan(v[i].lag) && op->lag != KAFKA_NO_OFFSET) {
			kafka_lag_exported(&v[i], name, op->lag);
		}
		/* Partitions of one topic share its string. */
		if (topic == NULL || strcmp(topic, op->topic) != 0) {
			topic = snapshot_strdup(s, op->topic);
		}
		p->topic = topic;
		p->partition = op->partition;
		p->committed = op->committed == KAFKA_NO_OFFSET ? NAN :
			       (double)op->committed;
		p->high = op->high == KAFKA_NO_OFFSET ? NAN : (double)op->high;
		p->lag = v[i].lag;
		p->lag_s = v[i].lag_s;
		p->lag_s_floor = v[i].lag_s_floor;
		p->owner = snapshot_strdup(s, op->owner);
		p->status = v[i].status;
		p->reason = snapshot_strdup(s, v[i].reason);
		if (!isnan(p->lag)) {
			total = (isnan(total) ? 0 : total) + p->lag;
		}
		if (!isnan(p->lag_s) &&
		    (isnan(g->lag_s) || p->lag_s > g->lag_s)) {
			g->lag_s = p->lag_s;
			g->lag_s_floor = p->lag_s_floor;
		}
	}
	g->status = kafka_lag_group(v, og->n_parts, t->window_ms, &g->worst,
				    reason, sizeof(reason));
	g->reason = snapshot_strdup(s, reason);
	g->total_lag = total;
	free(v);

	ge = lookup(t, og->name, NULL, -1);
	ge->seen = t->gen;
	history_add(ge->h, now_ms, total);
	g->lag_per_s = history_rate(ge->h);
	g->lag_history.n = ge->h->n;
	g->lag_history.step_ms = t->interval_ms;
	g->lag_history.v = snapshot_alloc(s, ge->h->n * sizeof(double) + 1);
	memcpy(g->lag_history.v, ge->h->v, ge->h->n * sizeof(double));
}

struct kafka_model *
kafka_track_model(struct kafka_track *t, struct snapshot *s,
		  const struct kafka_obs *obs, int64_t now_ms,
		  const char *bootstrap)
{
	struct kafka_model *m = snapshot_alloc(s, sizeof(*m));
	size_t i;

	t->gen++;
	m->bootstrap = snapshot_strdup(s, bootstrap);
	m->brokers_up = obs->brokers_up;
	m->brokers_total = obs->brokers_total;
	m->under_replicated = obs->under_replicated;
	m->metrics_view = obs->metrics_view;
	m->notice = snapshot_strdup(s, obs->notice);
	m->groups = snapshot_alloc(s, (obs->n_groups + 1) *
				      sizeof(*m->groups));
	m->n_groups = obs->n_groups;
	for (i = 0; i < obs->n_groups; i++) {
		build_group(t, s, &obs->groups[i], &m->groups[i], now_ms);
	}
	sweep(t);
	return m;
}
