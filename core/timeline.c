/* The in-memory incident timeline: append-only, any thread. Entries live in
 * fixed-size chunks that are never moved or freed before timeline_free(),
 * so a pointer from timeline_get() stays valid while the timeline lives. */
#include "core/timeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"

#define TL_CHUNK 128

struct tl_chunk {
	struct tl_entry entries[TL_CHUNK];
	/* One allocation per entry holds its four strings. */
	char *strings[TL_CHUNK];
};

struct timeline {
	pthread_mutex_t lock;   /* guards chunks, n_chunks, count */
	struct tl_chunk **chunks;       /* the index may move; chunks do not */
	size_t n_chunks;
	size_t count;
	void (*notify)(void *ctx);
	void *ctx;
	/* Set once before other threads append (timeline_set_sink()). */
	void (*sink)(void *ctx, const struct tl_entry *e);
	void *sink_ctx;
};

struct timeline *
timeline_new(void (*notify)(void *ctx), void *ctx)
{
	struct timeline *tl = xcalloc(1, sizeof(*tl));

	pthread_mutex_init(&tl->lock, NULL);
	tl->notify = notify;
	tl->ctx = ctx;
	return tl;
}

void
timeline_free(struct timeline *tl)
{
	size_t i, j, n;

	if (tl == NULL) {
		return;
	}
	for (i = 0; i < tl->n_chunks; i++) {
		n = tl->count - i * TL_CHUNK;
		if (n > TL_CHUNK) {
			n = TL_CHUNK;
		}
		for (j = 0; j < n; j++) {
			free(tl->chunks[i]->strings[j]);
		}
		free(tl->chunks[i]);
	}
	free(tl->chunks);
	pthread_mutex_destroy(&tl->lock);
	free(tl);
}

/* Copies s into *p and advances it; returns the copy. */
static const char *
put(char **p, const char *s)
{
	size_t len = strlen(s) + 1;
	char *dst = *p;

	memcpy(dst, s, len);
	*p += len;
	return dst;
}

void
timeline_set_sink(struct timeline *tl,
		  void (*sink)(void *ctx, const struct tl_entry *e), void *ctx)
{
	pthread_mutex_lock(&tl->lock);
	tl->sink = sink;
	tl->sink_ctx = ctx;
	pthread_mutex_unlock(&tl->lock);
}

uint64_t
timeline_append(struct timeline *tl, enum tl_kind kind, const char *source,
		const char *who, const char *text, const char *detail)
{
	return timeline_append_at(tl, 0, kind, source, who, text, detail);
}

uint64_t
timeline_append_at(struct timeline *tl, int64_t at_ms, enum tl_kind kind,
		   const char *source, const char *who, const char *text,
		   const char *detail)
{
	struct tl_entry *e;
	char *mem, *p;
	size_t slot;
	uint64_t seq;
	int64_t now = at_ms > 0 ? at_ms : clock_wall_ms();
	void (*sink)(void *ctx, const struct tl_entry *e);
	void *sink_ctx;

	source = source ? source : "";
	who = who ? who : "";
	text = text ? text : "";
	detail = detail ? detail : "";
	mem = xmalloc(strlen(source) + strlen(who) + strlen(text) +
		      strlen(detail) + 4);

	pthread_mutex_lock(&tl->lock);
	slot = tl->count % TL_CHUNK;
	if (slot == 0) {
		tl->chunks = xreallocarray(tl->chunks, tl->n_chunks + 1,
					   sizeof(*tl->chunks));
		tl->chunks[tl->n_chunks++] =
			xcalloc(1, sizeof(struct tl_chunk));
	}
	e = &tl->chunks[tl->n_chunks - 1]->entries[slot];
	tl->chunks[tl->n_chunks - 1]->strings[slot] = mem;
	p = mem;
	e->source = put(&p, source);
	e->who = put(&p, who);
	e->text = put(&p, text);
	e->detail = put(&p, detail);
	e->kind = kind;
	e->at_ms = now;
	seq = ++tl->count;
	e->seq = seq;
	sink = tl->sink;
	sink_ctx = tl->sink_ctx;
	pthread_mutex_unlock(&tl->lock);

	if (sink != NULL) {
		sink(sink_ctx, e);
	}
	if (tl->notify != NULL) {
		tl->notify(tl->ctx);
	}
	return seq;
}

size_t
timeline_count(struct timeline *tl)
{
	size_t n;

	pthread_mutex_lock(&tl->lock);
	n = tl->count;
	pthread_mutex_unlock(&tl->lock);
	return n;
}

const struct tl_entry *
timeline_get(struct timeline *tl, size_t idx)
{
	const struct tl_entry *e = NULL;

	pthread_mutex_lock(&tl->lock);
	if (idx < tl->count) {
		e = &tl->chunks[idx / TL_CHUNK]->entries[idx % TL_CHUNK];
	}
	pthread_mutex_unlock(&tl->lock);
	return e;
}

const char *
tl_kind_name(enum tl_kind kind)
{
	switch (kind) {
	case TL_INFO:
		return "info";
	case TL_NOTE:
		return "note";
	case TL_ACTION_INTENT:
		return "action";
	case TL_ACTION_RESULT:
		return "result";
	case TL_STATUS:
		return "status";
	case TL_SEVERITY:
		return "severity";
	case TL_FINDING_OPEN:
		return "finding";
	case TL_FINDING_CLOSE:
		return "resolved";
	case TL_ALERT_OPEN:
		return "alert";
	case TL_ALERT_CLOSE:
		return "alert-resolved";
	case TL_SOURCE_DOWN:
		return "source-down";
	case TL_SOURCE_UP:
		return "source-up";
	case TL_KIND_COUNT:
		break;
	}
	return "?";
}
