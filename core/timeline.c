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
	/* One allocation per entry holds its strings and its finding. */
	void *mem[TL_CHUNK];
};

struct timeline {
	pthread_mutex_t lock;   /* guards everything below */
	struct tl_chunk **chunks;       /* the index may move; chunks do not */
	size_t n_chunks;
	size_t count;
	void (*notify)(void *ctx);
	void *ctx;
	void (*record)(void *ctx, const struct tl_entry *e);
	void *record_ctx;
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
			free(tl->chunks[i]->mem[j]);
		}
		free(tl->chunks[i]);
	}
	free(tl->chunks);
	pthread_mutex_destroy(&tl->lock);
	free(tl);
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
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

/* One allocation with a copy of e's strings and finding, set in *dst. */
static void *
copy_entry(struct tl_entry *dst, const struct tl_entry *e)
{
	const struct tl_finding *f = e->finding;
	size_t len = strlen(nz(e->source)) + strlen(nz(e->who)) +
		     strlen(nz(e->text)) + strlen(nz(e->detail)) + 4;
	struct tl_finding *fc = NULL;
	char *mem, *p;

	if (f != NULL) {
		len += sizeof(*fc) + strlen(nz(f->key)) +
		       strlen(nz(f->subject)) + 2;
	}
	mem = xmalloc(len);
	p = mem;
	if (f != NULL) {
		/* First, so that it is aligned as malloc aligns. */
		fc = (struct tl_finding *)(void *)p;
		p += sizeof(*fc);
		*fc = *f;
		fc->key = put(&p, nz(f->key));
		fc->subject = put(&p, nz(f->subject));
	}
	*dst = *e;
	dst->source = put(&p, nz(e->source));
	dst->who = put(&p, nz(e->who));
	dst->text = put(&p, nz(e->text));
	dst->detail = put(&p, nz(e->detail));
	dst->finding = fc;
	return mem;
}

uint64_t
timeline_store(struct timeline *tl, const struct tl_entry *e)
{
	struct tl_chunk *c;
	struct tl_entry tmp;
	void *mem;
	size_t slot;
	uint64_t seq;

	mem = copy_entry(&tmp, e);
	if (tmp.at_ms <= 0) {
		tmp.at_ms = clock_wall_ms();
	}
	pthread_mutex_lock(&tl->lock);
	slot = tl->count % TL_CHUNK;
	if (slot == 0) {
		tl->chunks = xreallocarray(tl->chunks, tl->n_chunks + 1,
					   sizeof(*tl->chunks));
		tl->chunks[tl->n_chunks++] =
			xcalloc(1, sizeof(struct tl_chunk));
	}
	c = tl->chunks[tl->n_chunks - 1];
	seq = ++tl->count;
	tmp.seq = seq;
	c->entries[slot] = tmp;
	c->mem[slot] = mem;
	pthread_mutex_unlock(&tl->lock);

	if (tl->notify != NULL) {
		tl->notify(tl->ctx);
	}
	return seq;
}

/* Stores e, or hands it to the recorder. */
static uint64_t
add(struct timeline *tl, const struct tl_entry *e)
{
	void (*record)(void *ctx, const struct tl_entry *e);
	void *ctx;

	pthread_mutex_lock(&tl->lock);
	record = tl->record;
	ctx = tl->record_ctx;
	pthread_mutex_unlock(&tl->lock);
	if (record != NULL) {
		struct tl_entry tmp = *e;

		if (tmp.at_ms <= 0) {
			tmp.at_ms = clock_wall_ms();
		}
		tmp.source = nz(e->source);
		tmp.who = nz(e->who);
		tmp.text = nz(e->text);
		tmp.detail = nz(e->detail);
		record(ctx, &tmp);
		return 0;
	}
	return timeline_store(tl, e);
}

uint64_t
timeline_append(struct timeline *tl, enum tl_kind kind, const char *source,
		const char *who, const char *text, const char *detail)
{
	struct tl_entry e = {
		.kind = kind,
		.source = source,
		.who = who,
		.text = text,
		.detail = detail,
	};

	return add(tl, &e);
}

uint64_t
timeline_append_finding(struct timeline *tl, enum tl_kind kind,
			const char *source, const char *text,
			const char *detail, const struct tl_finding *f)
{
	struct tl_entry e = {
		.kind = kind,
		.source = source,
		.text = text,
		.detail = detail,
		.finding = f,
	};

	/* An opening is stamped at the instant its later entries name as
	 * its opening (deriving may end a millisecond after it). */
	if ((kind == TL_FINDING_OPEN || kind == TL_ALERT_OPEN) && f != NULL &&
	    f->opened_ms > 0) {
		e.at_ms = f->opened_ms;
	}

	return add(tl, &e);
}

uint64_t
timeline_append_at(struct timeline *tl, int64_t at_ms, enum tl_kind kind,
		   const char *source, const char *who, const char *text,
		   const char *detail)
{
	struct tl_entry e = {
		.at_ms = at_ms,
		.kind = kind,
		.source = source,
		.who = who,
		.text = text,
		.detail = detail,
	};

	return timeline_store(tl, &e);
}

size_t
timeline_set_recorder(struct timeline *tl,
		      void (*record)(void *ctx, const struct tl_entry *e),
		      void *ctx)
{
	size_t n;

	pthread_mutex_lock(&tl->lock);
	tl->record = record;
	tl->record_ctx = ctx;
	n = tl->count;
	pthread_mutex_unlock(&tl->lock);
	return n;
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
		return "cleared";
	case TL_FINDING_SEV:
		return "finding-sev";
	case TL_ALERT_OPEN:
		return "alert";
	case TL_ALERT_CLOSE:
		return "alert-resolved";
	case TL_ALERT_STATE:
		return "alert-state";
	case TL_SOURCE_DOWN:
		return "source-down";
	case TL_SOURCE_UP:
		return "source-up";
	case TL_KIND_COUNT:
		break;
	}
	return "?";
}
