/* The tracker: derives each new snapshot of a source with that source's
 * history, remembers what it found, and turns findings that open and close,
 * and sources that go down and come back, into timeline entries. Called by
 * core/state on the publishing (probe) thread; each source's entry has a
 * lock of its own, so sources are derived in parallel. */
#include "core/rules.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/rules_internal.h"
#include "core/xalloc.h"

struct tracked {
	pthread_mutex_t lock;   /* guards the fields below */
	char *source;
	enum snap_kind kind;
	bool down;
	int64_t down_mono_ms;
	enum health health;     /* of the last snapshot fed */
	struct rules_list open;
	void *history;          /* the kind's own (restart counts) */
};

struct rules_tracker {
	struct timeline *tl;
	pthread_mutex_t lock;   /* guards src and n_src */
	struct tracked **src;
	size_t n_src;
};

struct rules_tracker *
rules_tracker_new(struct timeline *tl)
{
	struct rules_tracker *rt = xcalloc(1, sizeof(*rt));

	rt->tl = tl;
	pthread_mutex_init(&rt->lock, NULL);
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
		struct tracked *t = rt->src[i];
		const struct kind_desc *kd = kind_of(t->kind);

		if (t->history != NULL && kd != NULL &&
		    kd->history_free != NULL) {
			kd->history_free(t->history);
		}
		free(t->source);
		free(t->open.v);
		pthread_mutex_destroy(&t->lock);
		free(t);
	}
	free(rt->src);
	pthread_mutex_destroy(&rt->lock);
	free(rt);
}

static struct tracked *
tracked_find(const struct rules_tracker *rt, const char *source)
{
	size_t i;

	for (i = 0; i < rt->n_src; i++) {
		if (strcmp(rt->src[i]->source, source) == 0) {
			return rt->src[i];
		}
	}
	return NULL;
}

/* The source's entry, made on first use; entries never move. */
static struct tracked *
tracked_get(struct rules_tracker *rt, const char *source,
	    enum snap_kind kind)
{
	struct tracked *t;

	pthread_mutex_lock(&rt->lock);
	t = tracked_find(rt, source);
	if (t == NULL) {
		t = xcalloc(1, sizeof(*t));
		pthread_mutex_init(&t->lock, NULL);
		t->source = xstrdup(source);
		t->kind = kind;
		t->health = HEALTH_UNKNOWN;
		rt->src = xreallocarray(rt->src, rt->n_src + 1,
					sizeof(*rt->src));
		rt->src[rt->n_src++] = t;
	}
	pthread_mutex_unlock(&rt->lock);
	return t;
}

static bool
is_alert(const struct finding *f)
{
	return strncmp(f->key, "alert:", 6) == 0;
}

/* With t->lock held. */
static void
track_locked(struct rules_tracker *rt, struct tracked *t, const char *source,
	     struct snapshot *s)
{
	struct rules_list now = { NULL, 0, 0 };
	char text[FINDING_TEXT_MAX + 16], dur[32];
	size_t i;

	if (s->error[0] != '\0') {
		/* Keep the findings: a source that cannot be reached has not
		 * recovered. */
		rules_derive_with(s, &t->history, &now);
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
	if (s->data == NULL) {
		rules_derive_with(s, &t->history, &now);
		return;
	}
	rules_derive_with(s, &t->history, &now);
	if (t->down) {
		t->down = false;
		snprintf(text, sizeof(text), "%s up (down for %s)", source,
			 clock_format_duration(s->taken_mono_ms -
					       t->down_mono_ms, dur,
					       sizeof(dur)));
		timeline_append(rt->tl, TL_SOURCE_UP, source, "", text, "");
	}
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

void
rules_track(struct rules_tracker *rt, const char *source, struct snapshot *s)
{
	struct tracked *t;

	if (s == NULL || s->derived) {
		return;
	}
	t = tracked_get(rt, source, s->kind);
	pthread_mutex_lock(&t->lock);
	track_locked(rt, t, source, s);
	pthread_mutex_unlock(&t->lock);
}

enum health
rules_tracker_health(struct rules_tracker *rt, const char *source)
{
	struct tracked *t;
	enum health h;

	pthread_mutex_lock(&rt->lock);
	t = tracked_find(rt, source);
	pthread_mutex_unlock(&rt->lock);
	if (t == NULL) {
		return HEALTH_UNKNOWN;
	}
	pthread_mutex_lock(&t->lock);
	h = t->health;
	pthread_mutex_unlock(&t->lock);
	return h;
}

size_t
rules_tracker_findings(struct rules_tracker *rt, const char *source,
		       struct finding *out, size_t max)
{
	struct tracked *t;
	size_t n;

	pthread_mutex_lock(&rt->lock);
	t = tracked_find(rt, source);
	pthread_mutex_unlock(&rt->lock);
	if (t == NULL) {
		return 0;
	}
	pthread_mutex_lock(&t->lock);
	n = t->open.n;
	if (out != NULL && n > 0 && max > 0) {
		memcpy(out, t->open.v, (n < max ? n : max) * sizeof(*out));
	}
	pthread_mutex_unlock(&t->lock);
	return n;
}
