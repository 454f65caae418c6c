/* The in-memory timeline: append/get, pointer stability, concurrent
 * appenders, the notify callback. */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeline.h"

static struct timeline *tl;
static atomic_int notified;

static void
count_notify(void *ctx)
{
	atomic_int *n = ctx;

	atomic_fetch_add(n, 1);
}

static void
setup(void)
{
	atomic_store(&notified, 0);
	tl = timeline_new(count_notify, &notified);
}

static void
teardown(void)
{
	timeline_free(tl);
	tl = NULL;
	clock_set_real();
}

Test(timeline, append_get_count, .init = setup, .fini = teardown)
{
	const struct tl_entry *e;
	char text[] = "kubectl rollout restart deploy/api";

	clock_set_fake(1000, 1700000000000);
	cr_expect_eq(timeline_count(tl), 0);
	cr_expect_null(timeline_get(tl, 0));
	cr_expect_eq(timeline_append(tl, TL_NOTE, NULL, "alice", "looking",
				     NULL), 1);
	clock_advance_fake(500);
	cr_expect_eq(timeline_append(tl, TL_ACTION_INTENT, "k8s.prod", "alice",
				     text, "detail\nlines"), 2);
	/* The timeline keeps a copy. */
	text[0] = 'X';
	cr_expect_eq(timeline_count(tl), 2);
	cr_expect_eq(atomic_load(&notified), 2);

	e = timeline_get(tl, 0);
	cr_assert_not_null(e);
	cr_expect_eq(e->seq, 1);
	cr_expect_eq(e->kind, TL_NOTE);
	cr_expect_str_eq(e->source, "");
	cr_expect_str_eq(e->who, "alice");
	cr_expect_str_eq(e->text, "looking");
	cr_expect_str_eq(e->detail, "");
	cr_expect_eq(e->at_ms, 1700000000000);

	e = timeline_get(tl, 1);
	cr_assert_not_null(e);
	cr_expect_eq(e->seq, 2);
	cr_expect_eq(e->kind, TL_ACTION_INTENT);
	cr_expect_str_eq(e->source, "k8s.prod");
	cr_expect_str_eq(e->text, "kubectl rollout restart deploy/api");
	cr_expect_str_eq(e->detail, "detail\nlines");
	cr_expect_eq(e->at_ms, 1700000000500);
	cr_expect_null(timeline_get(tl, 2));
}

Test(timeline, pointers_stay_valid_across_chunks, .init = setup,
     .fini = teardown)
{
	const struct tl_entry *first, *mid = NULL;
	char buf[64];
	size_t i;

	timeline_append(tl, TL_INFO, "demo", "", "entry 0", "");
	first = timeline_get(tl, 0);
	for (i = 1; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "entry %zu", i);
		timeline_append(tl, TL_INFO, "demo", "", buf, "");
		if (i == 130) {
			mid = timeline_get(tl, 130);
		}
	}
	cr_expect_eq(timeline_count(tl), 1000);
	cr_expect_eq(timeline_get(tl, 0), first, "entry 0 moved");
	cr_expect_eq(timeline_get(tl, 130), mid, "entry 130 moved");
	cr_expect_str_eq(first->text, "entry 0");
	cr_expect_str_eq(mid->text, "entry 130");
	for (i = 0; i < 1000; i++) {
		const struct tl_entry *e = timeline_get(tl, i);

		snprintf(buf, sizeof(buf), "entry %zu", i);
		cr_assert_eq(e->seq, i + 1);
		cr_assert_str_eq(e->text, buf);
	}
}

#define APPENDERS 4
#define APPENDS 500

struct appender {
	int id;
	uint64_t seqs[APPENDS];
};

static void *
append_loop(void *arg)
{
	struct appender *a = arg;
	char text[32];
	int i;

	for (i = 0; i < APPENDS; i++) {
		snprintf(text, sizeof(text), "%d:%d", a->id, i);
		a->seqs[i] = timeline_append(tl, TL_INFO, "", "", text, "");
	}
	return NULL;
}

Test(timeline, concurrent_appenders_get_unique_increasing_seqs,
     .init = setup, .fini = teardown, .timeout = 30)
{
	static struct appender app[APPENDERS];
	static bool seen[APPENDERS * APPENDS + 1];
	pthread_t t[APPENDERS];
	size_t i;
	int k;

	for (k = 0; k < APPENDERS; k++) {
		app[k].id = k;
		cr_assert_eq(pthread_create(&t[k], NULL, append_loop, &app[k]),
			     0);
	}
	for (k = 0; k < APPENDERS; k++) {
		pthread_join(t[k], NULL);
	}
	cr_assert_eq(timeline_count(tl), APPENDERS * APPENDS);
	cr_expect_eq(atomic_load(&notified), APPENDERS * APPENDS);
	for (k = 0; k < APPENDERS; k++) {
		for (i = 0; i < APPENDS; i++) {
			uint64_t s = app[k].seqs[i];

			cr_assert(s >= 1 && s <= APPENDERS * APPENDS);
			cr_assert_not(seen[s], "seq %llu twice",
				      (unsigned long long)s);
			seen[s] = true;
			if (i > 0) {
				cr_assert_gt(s, app[k].seqs[i - 1]);
			}
		}
	}
	/* Each entry sits at its seq and holds what its appender wrote. */
	for (k = 0; k < APPENDERS; k++) {
		for (i = 0; i < APPENDS; i++) {
			const struct tl_entry *e =
				timeline_get(tl, app[k].seqs[i] - 1);
			char want[32];

			snprintf(want, sizeof(want), "%d:%zu", k, i);
			cr_assert_eq(e->seq, app[k].seqs[i]);
			cr_assert_str_eq(e->text, want);
		}
	}
}

Test(timeline, kind_names_are_distinct)
{
	int i, j;

	for (i = 0; i < TL_KIND_COUNT; i++) {
		const char *a = tl_kind_name((enum tl_kind)i);

		cr_assert_str_neq(a, "?", "kind %d has no name", i);
		for (j = i + 1; j < TL_KIND_COUNT; j++) {
			cr_expect_str_neq(a, tl_kind_name((enum tl_kind)j));
		}
	}
	cr_expect_str_eq(tl_kind_name(TL_NOTE), "note");
	cr_expect_str_eq(tl_kind_name(TL_ACTION_INTENT), "action");
	cr_expect_str_eq(tl_kind_name(TL_ACTION_RESULT), "result");
	cr_expect_str_eq(tl_kind_name(TL_KIND_COUNT), "?");
}

Test(timeline, null_notify_is_allowed)
{
	struct timeline *t = timeline_new(NULL, NULL);

	cr_expect_eq(timeline_append(t, TL_INFO, "", "", "x", ""), 1);
	timeline_free(t);
}

static const char *recorded[8];
static int n_recorded;
static struct timeline *rec_tl;

/* A recorder that makes every other entry "durable": stores it. */
static void
record_half(void *ctx, const struct tl_entry *e)
{
	cr_assert_eq(ctx, &n_recorded);
	cr_assert_eq(e->seq, 0, "not stored yet");
	if (n_recorded < 8) {
		recorded[n_recorded] = e->text;
	}
	if (n_recorded++ % 2 == 0) {
		cr_assert_gt(timeline_store(rec_tl, e), 0);
	}
}

Test(timeline, recorder_decides_what_is_stored_and_append_at_keeps_time)
{
	struct timeline *t = timeline_new(NULL, NULL);
	const struct tl_entry *e;
	struct tl_finding f = {
		.key = "pg-blocked:4242",
		.subject = "sessions blocked behind pid 4242",
		.sev = HEALTH_CRIT,
		.value = 7,
		.limit = 5,
		.peak = 7,
	};

	clock_set_fake(1000, 1763780000000);
	rec_tl = t;
	timeline_append(t, TL_INFO, "", "", "before the recorder", "");
	cr_assert_eq(timeline_set_recorder(t, record_half, &n_recorded), 1);
	cr_assert_eq(timeline_append(t, TL_NOTE, "", "alice", "kept", ""), 0);
	cr_assert_eq(timeline_append(t, TL_NOTE, "", "alice", "dropped", ""),
		     0);
	cr_assert_eq(timeline_append_finding(t, TL_FINDING_OPEN, "pg",
					     "7 sessions", "", &f), 0);
	/* Replays bypass it. */
	timeline_append_at(t, 1700000000123, TL_STATUS, "", "", "replayed",
			   "");
	timeline_append_at(t, 0, TL_INFO, "", "", "zero means now", "");

	cr_assert_eq(n_recorded, 3);
	cr_expect_eq(timeline_count(t), 5);
	cr_expect_str_eq(timeline_get(t, 1)->text, "kept");
	cr_expect_eq(timeline_get(t, 1)->at_ms, 1763780000000);
	e = timeline_get(t, 2);
	cr_expect_str_eq(e->text, "7 sessions");
	cr_assert_not_null(e->finding);
	cr_expect_str_eq(e->finding->key, "pg-blocked:4242");
	cr_expect_str_eq(e->finding->subject,
			 "sessions blocked behind pid 4242");
	cr_expect_eq(e->finding->sev, HEALTH_CRIT);
	cr_expect_eq(e->finding->value, 7);
	e = timeline_get(t, 3);
	cr_expect_eq(e->at_ms, 1700000000123);
	cr_expect_str_eq(e->text, "replayed");
	cr_expect_null(e->finding);
	cr_expect_eq(timeline_get(t, 4)->at_ms, 1763780000000);
	/* Without a recorder again: stored at once. */
	timeline_set_recorder(t, NULL, NULL);
	cr_expect_eq(timeline_append(t, TL_NOTE, "", "", "direct", ""), 6);
	timeline_free(t);
	clock_set_real();
}
