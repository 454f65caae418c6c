/* The tracker: remembers per source what rules_collect() found last and
 * turns findings that open and close, and sources that go down and come
 * back, into timeline entries. A tracker belongs to the one thread that
 * feeds it (the UI thread). */
#include "core/rules.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/rules_internal.h"
#include "core/xalloc.h"

/* A pod whose restart count rose within this window is "restarting". */
#define RESTART_WINDOW_MS (10 * 60 * 1000)

struct pod_restarts {
	char key[FINDING_KEY_MAX];      /* "ns/pod" */
	int restarts;
	bool rose;                      /* the count rose while tracked */
	int64_t rose_mono_ms;           /* when it last rose */
};

struct tracked {
	char *source;
	bool down;
	int64_t down_mono_ms;
	enum health health;             /* of the last snapshot fed */
	struct rules_list open;
	struct pod_restarts *pods;
	size_t n_pods;
};

struct rules_tracker {
	struct timeline *tl;
	struct tracked *src;
	size_t n_src;
};

struct rules_tracker *
rules_tracker_new(struct timeline *tl)
{
	struct rules_tracker *rt = xcalloc(1, sizeof(*rt));

	rt->tl = tl;
	return rt;
}

void
rules_tracker_free(struct rules_tracker *rt)
{
	size_t i;

	if (rt == NULL) {
		return;
	}
	for (i = 0; i < rt->n_src; i++) {
		free(rt->src[i].source);
		free(rt->src[i].open.v);
		free(rt->src[i].pods);
	}
	free(rt->src);
	free(rt);
}

static struct tracked *
tracked_find(const struct rules_tracker *rt, const char *source)
{
	size_t i;

	for (i = 0; i < rt->n_src; i++) {
		if (strcmp(rt->src[i].source, source) == 0) {
			return &rt->src[i];
		}
	}
	return NULL;
}

static struct tracked *
tracked_get(struct rules_tracker *rt, const char *source)
{
	struct tracked *t = tracked_find(rt, source);

	if (t != NULL) {
		return t;
	}
	rt->src = xreallocarray(rt->src, rt->n_src + 1, sizeof(*rt->src));
	t = &rt->src[rt->n_src++];
	memset(t, 0, sizeof(*t));
	t->source = xstrdup(source);
	t->health = HEALTH_UNKNOWN;
	return t;
}

/* Updates the restart counts of every pod and adds a "restarts:" finding
 * for each pod (not already failing) whose count rose within the window. */
static void
track_restarts(struct tracked *t, const struct snapshot *s,
	       const struct pods_model *m, struct rules_list *fl)
{
	struct pod_restarts *next = xcalloc(m->n_pods + 1, sizeof(*next));
	char key[FINDING_KEY_MAX];
	size_t i, j;

	for (i = 0; i < m->n_pods; i++) {
		const struct pod_row *p = &m->pods[i];
		struct pod_restarts *r = &next[i];

		snprintf(r->key, sizeof(r->key), "%s/%s", p->ns, p->name);
		r->restarts = p->restarts;
		for (j = 0; j < t->n_pods; j++) {
			if (strcmp(t->pods[j].key, r->key) != 0) {
				continue;
			}
			r->rose = t->pods[j].rose;
			r->rose_mono_ms = t->pods[j].rose_mono_ms;
			if (p->restarts > t->pods[j].restarts) {
				r->rose = true;
				r->rose_mono_ms = s->taken_mono_ms;
			}
			break;
		}
		if (!r->rose || rules_pod_failing(p) ||
		    s->taken_mono_ms - r->rose_mono_ms >= RESTART_WINDOW_MS) {
			continue;
		}
		snprintf(key, sizeof(key), "restarts:%s", r->key);
		rules_list_add(fl, HEALTH_WARN, key, "pod %s restarting (%d "
			       "restarts)", p->name, p->restarts);
	}
	free(t->pods);
	t->pods = next;
	t->n_pods = m->n_pods;
}

static bool
is_alert(const struct finding *f)
{
	return strncmp(f->key, "alert:", 6) == 0;
}

void
rules_track(struct rules_tracker *rt, const char *source,
	    const struct snapshot *s)
{
	struct rules_list now = { NULL, 0, 0 };
	const struct pods_model *pods;
	struct tracked *t;
	char text[FINDING_TEXT_MAX + 16], dur[32];
	size_t i;

	if (s == NULL) {
		return;
	}
	t = tracked_get(rt, source);
	if (s->error[0] != '\0') {
		/* Keep the findings: a source that cannot be reached has not
		 * recovered. */
		t->health = HEALTH_CRIT;
		if (!t->down) {
			t->down = true;
			t->down_mono_ms = s->taken_mono_ms;
			char *down = xasprintf("%s down: %s", source,
					       s->error);

			timeline_append(rt->tl, TL_SOURCE_DOWN, source, "",
					down, "");
			free(down);
		}
		return;
	}
	if (!rules_collect(s, &now)) {
		return;
	}
	if (t->down) {
		t->down = false;
		snprintf(text, sizeof(text), "%s up (down for %s)", source,
			 clock_format_duration(s->taken_mono_ms -
					       t->down_mono_ms, dur,
					       sizeof(dur)));
		timeline_append(rt->tl, TL_SOURCE_UP, source, "", text, "");
	}
	if ((pods = snapshot_pods(s)) != NULL) {
		track_restarts(t, s, pods, &now);
	}
	rules_list_sort(&now);
	for (i = 0; i < t->open.n; i++) {
		const struct finding *f = &t->open.v[i];

		if (rules_list_find(&now, f->key) != NULL) {
			continue;
		}
		snprintf(text, sizeof(text), "resolved: %s", f->text);
		timeline_append(rt->tl, is_alert(f) ? TL_ALERT_CLOSE :
				TL_FINDING_CLOSE, source, "", text, "");
	}
	for (i = 0; i < now.n; i++) {
		const struct finding *f = &now.v[i];

		if (rules_list_find(&t->open, f->key) != NULL) {
			continue;
		}
		timeline_append(rt->tl, is_alert(f) ? TL_ALERT_OPEN :
				TL_FINDING_OPEN, source, "", f->text, "");
	}
	free(t->open.v);
	t->open = now;
	t->health = rules_list_worst(&now);
}

enum health
rules_tracker_health(const struct rules_tracker *rt, const char *source)
{
	const struct tracked *t = tracked_find(rt, source);

	return t != NULL ? t->health : HEALTH_UNKNOWN;
}

size_t
rules_tracker_findings(const struct rules_tracker *rt, const char *source,
		       struct finding *out, size_t max)
{
	const struct tracked *t = tracked_find(rt, source);
	size_t n;

	if (t == NULL) {
		return 0;
	}
	n = t->open.n;
	if (out != NULL && n > 0 && max > 0) {
		memcpy(out, t->open.v, (n < max ? n : max) * sizeof(*out));
	}
	return n;
}
