/* The shared state under threads: publishers against a reader, generation
 * counters, the wakeup pipe, source registration. */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/state.h"

#define PUBLISHERS 4
#define PUBLISHES 2000
#define PAYLOAD 16

/* What each test snapshot carries: a sequence number, a payload derived
 * from it, and a checksum over both. */
struct payload {
	uint64_t seq;
	uint64_t words[PAYLOAD];
	uint64_t sum;
};

static uint64_t
payload_sum(const struct payload *p)
{
	uint64_t sum = p->seq * 0x9E3779B97F4A7C15ull;
	int i;

	for (i = 0; i < PAYLOAD; i++) {
		sum = (sum ^ p->words[i]) * 0x100000001B3ull;
	}
	return sum;
}

/* A snapshot's data: a metrics model without panels (publishing derives
 * it, and finds nothing) followed by the payload. */
struct test_data {
	struct metrics_model m;
	struct payload p;
};

static const struct payload *
payload_of(const struct snapshot *s)
{
	return &((const struct test_data *)s->data)->p;
}

static struct snapshot *
make_snapshot(const char *source, uint64_t seq)
{
	struct snapshot *s = snapshot_new(SNAP_METRICS, source);
	struct test_data *d = snapshot_alloc(s, sizeof(*d));
	struct payload *p = &d->p;
	int i;

	p->seq = seq;
	for (i = 0; i < PAYLOAD; i++) {
		p->words[i] = seq * 31 + (uint64_t)i;
	}
	p->sum = payload_sum(p);
	s->data = d;
	return s;
}

static struct state *st;

static void
setup(void)
{
	st = state_new();
}

static void
teardown(void)
{
	state_free(st);
	st = NULL;
}

struct publisher {
	int idx;
	char name[32];
};

static atomic_int publishers_done;

static void *
publish_loop(void *arg)
{
	struct publisher *pub = arg;
	uint64_t seq;

	for (seq = 1; seq <= PUBLISHES; seq++) {
		state_publish(st, pub->idx, make_snapshot(pub->name, seq));
	}
	atomic_fetch_add(&publishers_done, 1);
	return NULL;
}

struct reader_result {
	long seen;
	long bad;
	long backwards;
	char first_error[160];
};

static void *
read_loop(void *arg)
{
	struct reader_result *res = arg;
	uint64_t last[PUBLISHERS] = { 0 };
	bool finishing = false;
	int i;

	for (;;) {
		/* One full pass after the publishers finish, to see the end. */
		if (atomic_load(&publishers_done) == PUBLISHERS) {
			finishing = true;
		}
		for (i = 0; i < PUBLISHERS; i++) {
			struct snapshot *s = state_get(st, i);
			const struct payload *p;
			char want[32];

			if (s == NULL) {
				continue;
			}
			res->seen++;
			p = payload_of(s);
			snprintf(want, sizeof(want), "src.%d", i);
			if (p == NULL || p->sum != payload_sum(p) ||
			    strcmp(s->source, want) != 0) {
				if (res->bad++ == 0) {
					snprintf(res->first_error,
						 sizeof(res->first_error),
						 "source %d: inconsistent "
						 "snapshot", i);
				}
			} else if (p->seq < last[i]) {
				if (res->backwards++ == 0) {
					snprintf(res->first_error,
						 sizeof(res->first_error),
						 "source %d: seq %llu "
						 "after %llu",
						 i, (unsigned long long)p->seq,
						 (unsigned long long)last[i]);
				}
			} else {
				last[i] = p->seq;
			}
			snapshot_unref(s);
		}
		if (finishing) {
			break;
		}
	}
	for (i = 0; i < PUBLISHERS; i++) {
		if (last[i] != PUBLISHES && res->bad++ == 0) {
			snprintf(res->first_error, sizeof(res->first_error),
				 "source %d ended at seq %llu", i,
				 (unsigned long long)last[i]);
		}
	}
	return NULL;
}

Test(state, publishers_against_a_reader, .init = setup, .fini = teardown,
     .timeout = 60)
{
	struct publisher pubs[PUBLISHERS];
	struct reader_result res = { 0 };
	pthread_t tp[PUBLISHERS], tr;
	int i;

	for (i = 0; i < PUBLISHERS; i++) {
		pubs[i].idx = i;
		snprintf(pubs[i].name, sizeof(pubs[i].name), "src.%d", i);
		cr_assert_eq(state_add_source(st, pubs[i].name, SNAP_METRICS),
			     i);
	}
	cr_assert_eq(pthread_create(&tr, NULL, read_loop, &res), 0);
	for (i = 0; i < PUBLISHERS; i++) {
		cr_assert_eq(pthread_create(&tp[i], NULL, publish_loop,
					    &pubs[i]), 0);
	}
	for (i = 0; i < PUBLISHERS; i++) {
		pthread_join(tp[i], NULL);
	}
	pthread_join(tr, NULL);

	cr_expect_gt(res.seen, 0);
	cr_expect_eq(res.bad, 0, "%s", res.first_error);
	cr_expect_eq(res.backwards, 0, "%s", res.first_error);
	cr_expect_eq(state_generation(st),
		     (uint64_t)PUBLISHERS * PUBLISHES);
	for (i = 0; i < PUBLISHERS; i++) {
		cr_expect_eq(state_source_generation(st, i), PUBLISHES);
	}
}

static bool
readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

Test(state, wakeup_fd_readable_after_publish_and_drained, .init = setup,
     .fini = teardown)
{
	int idx = state_add_source(st, "redis.cache", SNAP_REDIS);
	int fd = state_wakeup_fd(st);
	int i;

	cr_assert_geq(fd, 0);
	cr_expect_not(readable(fd), "nothing happened yet");
	state_publish(st, idx, make_snapshot("redis.cache", 1));
	cr_expect(readable(fd));
	state_drain(st);
	cr_expect_not(readable(fd), "drain empties the pipe");

	state_wakeup(st);
	cr_expect(readable(fd));
	cr_expect_eq(state_generation(st), 2);
	cr_expect_eq(state_source_generation(st, idx), 1,
		     "a wakeup is not a publish");

	/* More wakeups than the pipe holds must neither block nor fail. */
	for (i = 0; i < 100000; i++) {
		state_wakeup(st);
	}
	state_drain(st);
	cr_expect_not(readable(fd));
}

Test(state, sources_and_duplicates, .init = setup, .fini = teardown)
{
	cr_expect_eq(state_add_source(st, "postgres.main", SNAP_PG), 0);
	cr_expect_eq(state_add_source(st, "redis.cache", SNAP_REDIS), 1);
	cr_expect_eq(state_add_source(st, "postgres.main", SNAP_PG), -1);
	cr_expect_eq(state_add_source(st, "postgres.main", SNAP_REDIS), -1);
	cr_expect_eq(state_source_count(st), 2);
	cr_expect_str_eq(state_source_name(st, 1), "redis.cache");
	cr_expect_eq(state_source_kind(st, 0), SNAP_PG);
	cr_expect_eq(state_find_source(st, "redis.cache"), 1);
	cr_expect_eq(state_find_source(st, "kafka.main"), -1);
}

Test(state, get_returns_own_reference, .init = setup, .fini = teardown)
{
	int idx = state_add_source(st, "k8s.prod", SNAP_PODS);
	struct snapshot *a, *b;

	cr_expect_null(state_get(st, idx), "no snapshot before a publish");
	state_publish(st, idx, make_snapshot("k8s.prod", 1));
	a = state_get(st, idx);
	cr_assert_not_null(a);
	cr_expect(a->derived, "publishing derives the snapshot");
	cr_expect_eq(a->health, HEALTH_OK);
	/* Replacing the snapshot must not free the one a reader holds. */
	state_publish(st, idx, make_snapshot("k8s.prod", 2));
	cr_expect_eq(payload_of(a)->seq, 1);
	cr_expect_eq(atomic_load(&a->refs), 1, "only the reader holds it");
	b = state_get(st, idx);
	cr_expect_eq(payload_of(b)->seq, 2);
	snapshot_unref(a);
	snapshot_unref(b);
}

Test(state, fds_are_nonblocking_and_cloexec, .init = setup, .fini = teardown)
{
	int fd = state_wakeup_fd(st);
	char c;

	cr_expect_eq(read(fd, &c, 1), -1, "an empty pipe must not block");
	cr_expect_neq(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
}
