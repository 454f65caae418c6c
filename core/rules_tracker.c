/* The tracker: derives each new snapshot of a source with that source's
 * history, gives each finding a life (it opens once its condition has
 * held for its rule's hold, changes severity once the new one has held as
 * long, and closes once the condition has been gone as long), and turns
 * that life, and sources that go down and come back, into timeline
 * entries. Called by core/state on the publishing (probe) thread; each
 * source's entry has a lock of its own, so sources are derived in
 * parallel. */
#include "core/rules.h"

#include <math.h>
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

/* One subject of one source: a condition seen (pending) or a finding. */
struct item {
	struct finding f;       /* the latest observation */
	bool open;
	bool present;           /* in the latest snapshot with data */
	int64_t seen_mono_ms;   /* since when it has been present */
	int64_t gone_mono_ms;   /* open and absent since; 0 while present */
	enum health shown;      /* the severity the record says */
	bool shown_suppressed;
	enum health cand;       /* a severity waiting out its hold */
	int64_t cand_mono_ms;
	int64_t opened_ms;      /* wall */
	int64_t opened_mono_ms; /* 0 when seeded from a journal */
	double peak;            /* worst value while open, NAN */
	enum health peak_sev;
	char peak_text[FINDING_TEXT_MAX];
	bool preexisting;
};

struct tracked {
	pthread_mutex_t lock;   /* guards the fields below */
	char *source;
	enum snap_kind kind;    /* SNAP_KIND_COUNT until a snapshot came */
	bool down;
	int64_t down_mono_ms;
	bool had_data;
	int64_t first_data_mono_ms;
	enum health health;     /* of the last snapshot fed */
	struct item *items;
	size_t n_items, cap_items;
	void *history;          /* the kind's own (restart counts) */
};

struct rules_tracker {
	struct timeline *tl;
	int64_t *hold_ms;       /* per rule (rules_hold_name()) */
	pthread_mutex_t lock;   /* guards src, n_src and hold_ms */
	struct tracked **src;
	size_t n_src;
};

struct rules_tracker *
rules_tracker_new(struct timeline *tl)
{
	struct rules_tracker *rt = xcalloc(1, sizeof(*rt));
	size_t i, n = rules_hold_count();

	rt->tl = tl;
	rt->hold_ms = xcalloc(n + 1, sizeof(*rt->hold_ms));
	for (i = 0; i < n; i++) {
		rt->hold_ms[i] = rules_hold_default(i);
	}
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
		free(t->items);
		pthread_mutex_destroy(&t->lock);
		free(t);
	}
	free(rt->src);
	free(rt->hold_ms);
	pthread_mutex_destroy(&rt->lock);
	free(rt);
}

int
rules_tracker_set_hold(struct rules_tracker *rt, const char *rule,
		       int64_t ms)
{
	int i = rules_hold_index(rule);

	if (i < 0 || ms < 0) {
		return -1;
	}
	pthread_mutex_lock(&rt->lock);
	rt->hold_ms[i] = ms;
	pthread_mutex_unlock(&rt->lock);
	return 0;
}

static int64_t
hold_of(struct rules_tracker *rt, const char *key)
{
	int i = rules_key_rule(key);
	int64_t ms;

	if (i < 0) {
		return 0;
	}
	pthread_mutex_lock(&rt->lock);
	ms = rt->hold_ms[i];
	pthread_mutex_unlock(&rt->lock);
	return ms;
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
tracked_get(struct rules_tracker *rt, const char *source)
{
	struct tracked *t;

	pthread_mutex_lock(&rt->lock);
	t = tracked_find(rt, source);
	if (t == NULL) {
		t = xcalloc(1, sizeof(*t));
		pthread_mutex_init(&t->lock, NULL);
		t->source = xstrdup(source);
		t->kind = SNAP_KIND_COUNT;
		t->health = HEALTH_UNKNOWN;
		rt->src = xreallocarray(rt->src, rt->n_src + 1,
					sizeof(*rt->src));
		rt->src[rt->n_src++] = t;
	}
	pthread_mutex_unlock(&rt->lock);
	return t;
}

static struct item *
item_find(struct tracked *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->n_items; i++) {
		if (strcmp(t->items[i].f.key, key) == 0) {
			return &t->items[i];
		}
	}
	return NULL;
}

static struct item *
item_add(struct tracked *t, const struct finding *f, int64_t now_mono)
{
	struct item *it;

	if (t->n_items == t->cap_items) {
		t->cap_items = t->cap_items ? t->cap_items * 2 : 8;
		t->items = xreallocarray(t->items, t->cap_items,
					 sizeof(*t->items));
	}
	it = &t->items[t->n_items++];
	memset(it, 0, sizeof(*it));
	it->f = *f;
	it->seen_mono_ms = now_mono;
	it->peak = NAN;
	return it;
}

static bool
is_alert(const char *key)
{
	return strncmp(key, "alert:", 6) == 0;
}

static const char *
sev_word(enum health h)
{
	return h == HEALTH_CRIT ? "crit" : h == HEALTH_WARN ? "warn" : "ok";
}

/* The record's view of an item, for a timeline entry. */
static void
entry_finding(const struct item *it, struct tl_finding *tf, double value)
{
	memset(tf, 0, sizeof(*tf));
	tf->key = it->f.key;
	tf->subject = it->f.subject;
	tf->sev = it->shown;
	tf->value = value;
	tf->limit = it->f.limit;
	tf->peak = it->peak;
	tf->unit = it->f.unit;
	tf->since_ms = it->f.since_ms;
	tf->opened_ms = it->opened_ms;
	tf->preexisting = it->preexisting;
}

/* The worst value (and the text that said it) while open. */
static void
note_peak(struct item *it)
{
	const struct finding *f = &it->f;
	bool worse;

	if (!isnan(f->value)) {
		/* A tie takes the later text: it has waited longer. */
		worse = isnan(it->peak) ||
			(f->lower_is_worse ? f->value <= it->peak :
			 f->value >= it->peak);
		if (worse) {
			it->peak = f->value;
			strlcpy_safe(it->peak_text, f->text,
				     sizeof(it->peak_text));
		}
	} else if (it->peak_text[0] == '\0' || f->sev > it->peak_sev) {
		strlcpy_safe(it->peak_text, f->text, sizeof(it->peak_text));
	}
	if (f->sev > it->peak_sev) {
		it->peak_sev = f->sev;
	}
}

/* How long the condition of a present item has held at this snapshot:
 * the data's own measure when it has one. */
static int64_t
held_ms(const struct item *it, const struct snapshot *s)
{
	if (it->f.since_ms > 0 && s->taken_ms > 0) {
		return s->taken_ms - it->f.since_ms;
	}
	return s->taken_mono_ms - it->seen_mono_ms;
}

static void
open_item(struct rules_tracker *rt, struct tracked *t, struct item *it,
	  const struct snapshot *s)
{
	struct tl_finding tf;

	it->open = true;
	it->opened_ms = s->taken_ms;
	it->opened_mono_ms = s->taken_mono_ms;
	it->shown = it->f.sev;
	it->cand = it->f.sev;
	it->shown_suppressed = it->f.suppressed;
	it->preexisting = it->seen_mono_ms <= t->first_data_mono_ms;
	note_peak(it);
	entry_finding(it, &tf, it->f.value);
	timeline_append_finding(rt->tl, is_alert(it->f.key) ? TL_ALERT_OPEN :
				TL_FINDING_OPEN, t->source, it->f.text, "",
				&tf);
}

/* A severity or suppression change of an open, present item. */
static void
change_item(struct rules_tracker *rt, struct tracked *t, struct item *it,
	    int64_t now_mono, int64_t hold)
{
	struct tl_finding tf;
	char text[FINDING_TEXT_MAX + 64];

	if (it->f.suppressed != it->shown_suppressed) {
		it->shown_suppressed = it->f.suppressed;
		snprintf(text, sizeof(text), "%s%s", it->f.suppressed ? "" :
			 "no longer suppressed: ", it->f.text);
		entry_finding(it, &tf, it->f.value);
		timeline_append_finding(rt->tl, TL_ALERT_STATE, t->source,
					text, "", &tf);
	}
	if (it->f.sev == it->shown) {
		it->cand = it->shown;
		return;
	}
	if (it->cand != it->f.sev) {
		it->cand = it->f.sev;
		it->cand_mono_ms = now_mono;
	}
	if (now_mono - it->cand_mono_ms < hold) {
		return;
	}
	snprintf(text, sizeof(text), "%s -> %s: %s", sev_word(it->shown),
		 sev_word(it->f.sev), it->f.text);
	it->shown = it->f.sev;
	entry_finding(it, &tf, it->f.value);
	timeline_append_finding(rt->tl, TL_FINDING_SEV, t->source, text, "",
				&tf);
}

static void
close_item(struct rules_tracker *rt, struct tracked *t, struct item *it,
	   const struct snapshot *s)
{
	const struct kind_desc *kd = kind_of(s->kind);
	struct tl_finding tf;
	char now[FINDING_TEXT_MAX + FINDING_KEY_MAX], dur[32], *text;
	const char *worst = it->peak_text[0] ? it->peak_text : it->f.text;
	double value = NAN;
	int64_t began = it->f.since_ms > 0 ? it->f.since_ms : it->opened_ms;

	clock_format_duration(it->opened_mono_ms > 0 ?
			      s->taken_mono_ms - it->opened_mono_ms :
			      s->taken_ms - it->opened_ms, dur, sizeof(dur));
	if (is_alert(it->f.key)) {
		/* Alertmanager resolved it: it is no longer in its list. */
		clock_format_duration(s->taken_ms - began, dur, sizeof(dur));
		text = xasprintf("resolved: %s no longer firing (fired %s; "
				 "was: %s)", it->f.subject[0] ?
				 it->f.subject : it->f.key, dur, worst);
		entry_finding(it, &tf, NAN);
		timeline_append_finding(rt->tl, TL_ALERT_CLOSE, t->source,
					text, "", &tf);
		free(text);
		return;
	}
	now[0] = '\0';
	if (kd != NULL && kd->cleared != NULL) {
		value = kd->cleared(s, it->f.key, now, sizeof(now));
	}
	if (now[0] == '\0') {
		snprintf(now, sizeof(now), "%s no longer seen",
			 it->f.subject[0] ? it->f.subject : it->f.key);
	}
	text = xasprintf("cleared: %s (open %s; %s: %s)", now, dur,
			 strcmp(worst, it->f.text) == 0 ? "was" : "worst",
			 worst);
	entry_finding(it, &tf, value);
	timeline_append_finding(rt->tl, TL_FINDING_CLOSE, t->source, text, "",
				&tf);
	free(text);
}

/* Feeds the findings of a snapshot with data (now) to the items; writes
 * the entries their lives call for; leaves the open ones in out. */
static void
track_items(struct rules_tracker *rt, struct tracked *t,
	    const struct snapshot *s, const struct rules_list *now,
	    struct rules_list *out)
{
	int64_t mono = s->taken_mono_ms;
	size_t i, keep;

	for (i = 0; i < t->n_items; i++) {
		t->items[i].present = false;
	}
	/* A pending item is one that was present at the last snapshot (the
	 * others are dropped below), so its seen time stands. A condition
	 * that measures its own age holds only once that age reached the
	 * hold: a blocker whose sessions now wait a moment each is clear. */
	for (i = 0; i < now->n; i++) {
		struct item *it = item_find(t, now->v[i].key);
		int64_t hold = hold_of(rt, now->v[i].key);

		if (now->v[i].since_ms > 0 && s->taken_ms > 0 &&
		    s->taken_ms - now->v[i].since_ms < hold) {
			continue;
		}
		if (it == NULL) {
			it = item_add(t, &now->v[i], mono);
		}
		it->f = now->v[i];
		it->present = true;
		it->gone_mono_ms = 0;
	}
	for (i = 0, keep = 0; i < t->n_items; i++) {
		struct item *it = &t->items[i];
		int64_t hold = hold_of(rt, it->f.key);

		if (it->present && !it->open) {
			if (held_ms(it, s) >= hold) {
				open_item(rt, t, it, s);
			}
		} else if (it->present) {
			change_item(rt, t, it, mono, hold);
			note_peak(it);
		} else if (it->open) {
			if (it->gone_mono_ms == 0) {
				it->gone_mono_ms = mono;
			}
			if (mono - it->gone_mono_ms >= hold) {
				close_item(rt, t, it, s);
				it->open = false;
			}
		}
		if (!it->open && !it->present) {
			continue;       /* closed, or pending and gone */
		}
		if (it->open) {
			struct finding *f;

			f = rules_list_add(out, it->shown, it->f.key, "%s",
					   it->f.text);
			*f = it->f;
			f->sev = it->shown;
			f->opened_ms = it->opened_ms;
			f->peak = it->peak;
			f->clearing = !it->present;
		}
		if (keep != i) {
			t->items[keep] = *it;
		}
		keep++;
	}
	t->n_items = keep;
}

/* With t->lock held. */
static void
track_locked(struct rules_tracker *rt, struct tracked *t, const char *source,
	     struct snapshot *s)
{
	struct rules_list now = { NULL, 0, 0 };
	struct rules_list open = { NULL, 0, 0 };
	char text[256], dur[32];

	t->kind = s->kind;
	if (!rules_derive_with(s, &t->history, &now)) {
		free(now.v);
		if (s->error[0] == '\0') {
			return;
		}
		/* Keep the findings: a source that cannot be reached has not
		 * recovered. */
		t->health = HEALTH_CRIT;
		if (!t->down) {
			char *down = xasprintf("%s down: %s", source,
					       s->error);

			t->down = true;
			t->down_mono_ms = s->taken_mono_ms;
			timeline_append(rt->tl, TL_SOURCE_DOWN, source, "",
					down, "");
			free(down);
		}
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
	if (!t->had_data) {
		t->had_data = true;
		t->first_data_mono_ms = s->taken_mono_ms;
	}
	track_items(rt, t, s, &now, &open);
	rules_list_sort(&open);
	rules_store(s, &open);
	t->health = s->health;
	free(now.v);
	free(open.v);
}

void
rules_track(struct rules_tracker *rt, const char *source, struct snapshot *s)
{
	struct tracked *t;

	if (s == NULL || s->derived) {
		return;
	}
	t = tracked_get(rt, source);
	pthread_mutex_lock(&t->lock);
	track_locked(rt, t, source, s);
	pthread_mutex_unlock(&t->lock);
}

void
rules_tracker_seed(struct rules_tracker *rt, const char *source,
		   const struct finding *f)
{
	struct tracked *t = tracked_get(rt, source);
	struct item *it;

	pthread_mutex_lock(&t->lock);
	it = item_find(t, f->key);
	if (it == NULL) {
		it = item_add(t, f, 0);
		it->open = true;
		/* Present until a snapshot says otherwise: one that lacks it
		 * starts its hold to close. */
		it->present = true;
		it->shown = f->sev;
		it->cand = f->sev;
		it->shown_suppressed = f->suppressed;
		it->opened_ms = f->opened_ms;
		it->peak = f->peak;
		it->peak_sev = f->sev;
		strlcpy_safe(it->peak_text, f->text, sizeof(it->peak_text));
	}
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

/* Copies the open items of t (with t->lock held) into out; returns how
 * many there are. */
static size_t
open_items(const struct tracked *t, struct finding *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < t->n_items; i++) {
		const struct item *it = &t->items[i];

		if (!it->open) {
			continue;
		}
		if (out != NULL && n < max) {
			out[n] = it->f;
			out[n].sev = it->shown;
			out[n].opened_ms = it->opened_ms;
			out[n].peak = it->peak;
			out[n].clearing = !it->present;
		}
		n++;
	}
	return n;
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
	n = open_items(t, out, max);
	pthread_mutex_unlock(&t->lock);
	return n;
}

size_t
rules_tracker_open_all(struct rules_tracker *rt, struct rules_open **out)
{
	struct rules_open *v = NULL;
	struct tracked **src;
	struct finding *f;
	size_t i, j, n = 0, k, n_src;

	/* Sources never move or go before the tracker does: their list is
	 * copied, then each is read under its own lock alone. */
	pthread_mutex_lock(&rt->lock);
	n_src = rt->n_src;
	src = xcalloc(n_src + 1, sizeof(*src));
	memcpy(src, rt->src, n_src * sizeof(*src));
	pthread_mutex_unlock(&rt->lock);
	for (i = 0; i < n_src; i++) {
		struct tracked *t = src[i];

		pthread_mutex_lock(&t->lock);
		k = open_items(t, NULL, 0);
		if (k > 0) {
			f = xcalloc(k, sizeof(*f));
			open_items(t, f, k);
			v = xreallocarray(v, n + k, sizeof(*v));
			for (j = 0; j < k; j++) {
				strlcpy_safe(v[n + j].source, t->source,
					     sizeof(v[n + j].source));
				v[n + j].f = f[j];
			}
			n += k;
			free(f);
		}
		pthread_mutex_unlock(&t->lock);
	}
	free(src);
	*out = v;
	return n;
}
