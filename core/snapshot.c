/* Snapshots: an arena of blocks for the model's memory, a list of owned heap
 * pointers and an atomic reference count. Built on one thread, then only
 * read; any thread may ref/unref. */
#include "core/snapshot.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"

/* Small allocations share blocks of this size; larger ones get a block of
 * their own. */
#define SNAPSHOT_BLOCK_SIZE 4096

struct snapshot_block {
	struct snapshot_block *next;
	size_t used;            /* bytes of mem handed out */
	size_t cap;             /* bytes of mem */
	alignas(max_align_t) unsigned char mem[];
};

static size_t
align_up(size_t n)
{
	size_t a = alignof(max_align_t);

	if (n > SIZE_MAX - a) {
		abort();
	}
	return (n + a - 1) & ~(a - 1);
}

static struct snapshot_block *
block_new(size_t cap)
{
	struct snapshot_block *b;

	if (cap > SIZE_MAX - sizeof(*b)) {
		abort();
	}
	b = xmalloc(sizeof(*b) + cap);
	b->next = NULL;
	b->used = 0;
	b->cap = cap;
	return b;
}

struct snapshot *
snapshot_new(enum snap_kind kind, const char *source)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));

	s->kind = kind;
	atomic_init(&s->refs, 1);
	s->source = snapshot_strdup(s, source);
	s->taken_ms = clock_wall_ms();
	s->taken_mono_ms = clock_mono_ms();
	return s;
}

struct snapshot *
snapshot_ref(struct snapshot *s)
{
	if (s != NULL) {
		atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	}
	return s;
}

static void
snapshot_destroy(struct snapshot *s)
{
	struct snapshot_block *b, *next;
	size_t i;

	for (i = 0; i < s->n_owned; i++) {
		free(s->owned[i]);
	}
	free(s->owned);
	for (b = s->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(s);
}

void
snapshot_unref(struct snapshot *s)
{
	struct snapshot *next;

	/* Iterative, so a long last_good chain cannot exhaust the stack. */
	while (s != NULL) {
		if (atomic_fetch_sub_explicit(&s->refs, 1,
					      memory_order_acq_rel) != 1) {
			return;
		}
		next = s->last_good;
		snapshot_destroy(s);
		s = next;
	}
}

void *
snapshot_alloc(struct snapshot *s, size_t size)
{
	struct snapshot_block *b;
	void *p;

	size = align_up(size ? size : 1);
	if (size > SNAPSHOT_BLOCK_SIZE / 4) {
		/* A block of its own, behind the current one so the current
		 * one keeps its free room. */
		b = block_new(size);
		b->used = size;
		if (s->blocks != NULL) {
			b->next = s->blocks->next;
			s->blocks->next = b;
		} else {
			s->blocks = b;
		}
		memset(b->mem, 0, size);
		return b->mem;
	}
	b = s->blocks;
	if (b == NULL || b->cap - b->used < size) {
		b = block_new(SNAPSHOT_BLOCK_SIZE);
		b->next = s->blocks;
		s->blocks = b;
	}
	p = b->mem + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *
snapshot_strndup(struct snapshot *s, const char *str, size_t n)
{
	size_t len;
	char *p;

	if (str == NULL) {
		str = "";
	}
	len = strnlen(str, n);
	p = snapshot_alloc(s, len + 1);
	memcpy(p, str, len);
	p[len] = '\0';
	return p;
}

char *
snapshot_strdup(struct snapshot *s, const char *str)
{
	return snapshot_strndup(s, str, SIZE_MAX);
}

void
snapshot_own(struct snapshot *s, void *ptr)
{
	if (ptr == NULL) {
		return;
	}
	if (s->n_owned == s->cap_owned) {
		s->cap_owned = s->cap_owned ? s->cap_owned * 2 : 8;
		s->owned = xreallocarray(s->owned, s->cap_owned,
					 sizeof(*s->owned));
	}
	s->owned[s->n_owned++] = ptr;
}

void
snapshot_set_error(struct snapshot *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
}

bool
snapshot_retry_text(const struct snapshot *s, int64_t now_mono_ms, char *buf,
		    size_t n)
{
	char d[32];
	int64_t left;

	buf[0] = '\0';
	if (s == NULL || s->error[0] == '\0' || s->retry_mono_ms <= 0) {
		return false;
	}
	left = s->retry_mono_ms - now_mono_ms;
	if (left < 1000) {
		snprintf(buf, n, "retrying now");
	} else {
		/* Whole seconds, rounded up: never "in 0s". */
		clock_format_duration(left + 999, d, sizeof(d));
		snprintf(buf, n, "retrying in %s", d);
	}
	return true;
}

int64_t
snapshot_age_ms(const struct snapshot *s, int64_t now_mono_ms)
{
	return now_mono_ms - s->taken_mono_ms;
}

bool
snapshot_is_stale(const struct snapshot *s, int64_t now_mono_ms)
{
	if (s->interval_ms <= 0) {
		return false;
	}
	return snapshot_age_ms(s, now_mono_ms) > 3 * (int64_t)s->interval_ms;
}

static const void *
typed_data(const struct snapshot *s, enum snap_kind kind)
{
	if (s == NULL || s->kind != kind) {
		return NULL;
	}
	return s->data;
}

const struct endpoint_model *
snapshot_endpoint(const struct snapshot *s)
{
	return typed_data(s, SNAP_HTTP);
}

const struct diag_model *
snapshot_diag(const struct snapshot *s)
{
	return typed_data(s, SNAP_DIAGNOSIS);
}

const struct pods_model *
snapshot_pods(const struct snapshot *s)
{
	return typed_data(s, SNAP_PODS);
}

const struct pg_model *
snapshot_pg(const struct snapshot *s)
{
	return typed_data(s, SNAP_PG);
}

const struct redis_model *
snapshot_redis(const struct snapshot *s)
{
	return typed_data(s, SNAP_REDIS);
}

const struct kafka_model *
snapshot_kafka(const struct snapshot *s)
{
	return typed_data(s, SNAP_KAFKA);
}

const struct metrics_model *
snapshot_metrics(const struct snapshot *s)
{
	return typed_data(s, SNAP_METRICS);
}

const struct alerts_model *
snapshot_alerts(const struct snapshot *s)
{
	return typed_data(s, SNAP_ALERTS);
}
