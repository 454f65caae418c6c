/* Snapshots: arena memory, ownership, reference counting, staleness. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "core/clock.h"
#include "core/snapshot.h"
#include "core/xalloc.h"

static void
fake_clock(void)
{
	clock_set_fake(5000, 1700000000000);
}

static void
real_clock(void)
{
	clock_set_real();
}

Test(snapshot, new_sets_kind_source_and_times, .init = fake_clock,
     .fini = real_clock)
{
	char name[] = "postgres.main";
	struct snapshot *s = snapshot_new(SNAP_PG, name);

	/* The source is a copy, not the caller's buffer. */
	name[0] = 'X';
	cr_expect_eq(s->kind, SNAP_PG);
	cr_expect_str_eq(s->source, "postgres.main");
	cr_expect_eq(s->taken_mono_ms, 5000);
	cr_expect_eq(s->taken_ms, 1700000000000);
	cr_expect_eq(atomic_load(&s->refs), 1);
	cr_expect_null(s->data);
	cr_expect_null(s->last_good);
	cr_expect_str_empty(s->error);
	snapshot_unref(s);
}

Test(snapshot, alloc_is_zeroed_aligned_and_distinct)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.cache");
	unsigned char *prev = NULL;
	int i;

	/* Enough allocations to need several blocks, plus some big ones. */
	for (i = 0; i < 2000; i++) {
		size_t size = (i % 50 == 0) ? 5000 : (size_t)(i % 37) + 1;
		unsigned char *p = snapshot_alloc(s, size);
		size_t j;

		cr_assert_not_null(p);
		cr_assert_eq((uintptr_t)p % alignof(max_align_t), 0,
			     "allocation %d is misaligned", i);
		for (j = 0; j < size; j++) {
			cr_assert_eq(p[j], 0, "allocation %d not zeroed", i);
		}
		memset(p, 0xAB, size);
		cr_assert_neq(p, prev);
		prev = p;
	}
	snapshot_unref(s);
}

Test(snapshot, strings_are_copies)
{
	struct snapshot *s = snapshot_new(SNAP_PODS, "k8s.prod");
	char buf[] = "api-7d9f";
	char *a = snapshot_strdup(s, buf);
	char *b = snapshot_strndup(s, "abcdef", 3);
	char *c = snapshot_strdup(s, NULL);
	char *d = snapshot_strndup(s, "ab", 10);

	buf[0] = 'X';
	cr_expect_str_eq(a, "api-7d9f");
	cr_expect_str_eq(b, "abc");
	cr_expect_str_eq(c, "");
	cr_expect_str_eq(d, "ab");
	snapshot_unref(s);
}

Test(snapshot, owned_pointers_are_freed_with_it)
{
	struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.main");
	int i;

	/* LeakSanitizer fails this test if any of these is not freed. */
	for (i = 0; i < 100; i++) {
		snapshot_own(s, xmalloc(64));
	}
	snapshot_own(s, NULL);
	cr_expect_eq(s->n_owned, 100);
	snapshot_unref(s);
}

Test(snapshot, last_good_reference_is_dropped_on_free)
{
	struct snapshot *good = snapshot_new(SNAP_PG, "postgres.main");
	struct snapshot *bad = snapshot_new(SNAP_PG, "postgres.main");

	good->data = snapshot_alloc(good, 16);
	bad->last_good = snapshot_ref(good);
	cr_expect_eq(atomic_load(&good->refs), 2);
	snapshot_unref(good);
	cr_expect_eq(atomic_load(&good->refs), 1);
	/* Frees both; LeakSanitizer would report good otherwise. */
	snapshot_unref(bad);
}

Test(snapshot, set_error_formats_and_truncates)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.cache");
	char longmsg[ERR_MSG_MAX * 2];

	snapshot_set_error(s, "connection refused (%s:%d)", "127.0.0.1", 6379);
	cr_expect_str_eq(s->error, "connection refused (127.0.0.1:6379)");
	memset(longmsg, 'x', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	snapshot_set_error(s, "%s", longmsg);
	cr_expect_eq(strlen(s->error), ERR_MSG_MAX - 1);
	snapshot_unref(s);
}

Test(snapshot, typed_views_check_kind_and_data)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.cache");
	struct redis_model *m;

	cr_expect_null(snapshot_redis(s), "no data yet");
	m = snapshot_alloc(s, sizeof(*m));
	m->used_bytes = 42;
	s->data = m;
	cr_expect_eq(snapshot_redis(s), m);
	cr_expect_eq(snapshot_redis(s)->used_bytes, 42);
	cr_expect_null(snapshot_pg(s));
	cr_expect_null(snapshot_pods(s));
	cr_expect_null(snapshot_kafka(s));
	cr_expect_null(snapshot_metrics(s));
	cr_expect_null(snapshot_alerts(s));
	cr_expect_null(snapshot_redis(NULL));
	snapshot_unref(s);
}

struct stale_case {
	int interval_ms;
	int64_t age_ms;
	bool stale;
};

ParameterizedTestParameters(snapshot, staleness)
{
	static struct stale_case cases[] = {
		{ 1000, 0, false },
		{ 1000, 2999, false },
		{ 1000, 3000, false },  /* exactly 3 intervals: not yet */
		{ 1000, 3001, true },
		{ 5000, 14000, false },
		{ 5000, 16000, true },
		{ 0, 1000000, false },  /* no interval: never stale */
		{ 250, 751, true },
	};

	return cr_make_param_array(struct stale_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct stale_case *c, snapshot, staleness)
{
	struct snapshot *s = snapshot_new(SNAP_METRICS, "prometheus.main");

	s->taken_mono_ms = 100000;
	s->interval_ms = c->interval_ms;
	cr_expect_eq(snapshot_age_ms(s, 100000 + c->age_ms), c->age_ms);
	cr_expect_eq(snapshot_is_stale(s, 100000 + c->age_ms), c->stale,
		     "interval %d age %lld", c->interval_ms,
		     (long long)c->age_ms);
	snapshot_unref(s);
}

#define REF_THREADS 4
#define REF_ROUNDS 20000

static void *
ref_unref_loop(void *arg)
{
	struct snapshot *s = arg;
	int i;

	for (i = 0; i < REF_ROUNDS; i++) {
		snapshot_unref(snapshot_ref(s));
	}
	return NULL;
}

Test(snapshot, refcount_is_atomic, .timeout = 20)
{
	struct snapshot *s = snapshot_new(SNAP_ALERTS, "alertmanager.main");
	pthread_t t[REF_THREADS];
	int i;

	for (i = 0; i < REF_THREADS; i++) {
		cr_assert_eq(pthread_create(&t[i], NULL, ref_unref_loop, s), 0);
	}
	for (i = 0; i < REF_THREADS; i++) {
		pthread_join(t[i], NULL);
	}
	cr_expect_eq(atomic_load(&s->refs), 1);
	snapshot_unref(s);
}
