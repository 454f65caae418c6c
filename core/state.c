/* The shared state: latest snapshot per source behind one mutex, generation
 * counters, and a non-blocking pipe that wakes the UI. Sources are added
 * and retired by the thread that starts the probes, while none of the
 * probes that publish to them run; everything else is safe from any
 * thread. */
#include "core/state.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rules.h"
#include "core/xalloc.h"

struct state_source {
	char *name;
	enum snap_kind kind;
	struct snapshot *snap;  /* the state's reference, or NULL */
	uint64_t generation;    /* publishes of this source */
	struct source_scope scope;
	bool has_scope;
	bool retired;           /* replaced by a reload: no longer shown */
};

struct state {
	/* Guards snap and generation of sources, and the array itself
	 * (which moves when a source is added). */
	pthread_mutex_t lock;
	struct state_source *sources;
	size_t n_sources;
	_Atomic uint64_t generation;
	/* Derives every snapshot before it is published; NULL: each one is
	 * judged on its own. Set before the probes start. */
	struct rules_tracker *rt;
	int pipe_rd;
	int pipe_wr;
};

static void
set_fd_flags(int fd)
{
	int fl;

	fl = fcntl(fd, F_GETFD);
	if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) {
		perror("warroom: fcntl");
		abort();
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		perror("warroom: fcntl");
		abort();
	}
}

struct state *
state_new(void)
{
	struct state *st = xcalloc(1, sizeof(*st));
	int fds[2];

	/* pipe2() needs _GNU_SOURCE; nothing forks while the state is made. */
	if (pipe(fds) < 0) {
		perror("warroom: pipe");
		abort();
	}
	set_fd_flags(fds[0]);
	set_fd_flags(fds[1]);
	st->pipe_rd = fds[0];
	st->pipe_wr = fds[1];
	pthread_mutex_init(&st->lock, NULL);
	atomic_init(&st->generation, 0);
	return st;
}

void
state_free(struct state *st)
{
	size_t i;

	if (st == NULL) {
		return;
	}
	for (i = 0; i < st->n_sources; i++) {
		snapshot_unref(st->sources[i].snap);
		free(st->sources[i].name);
	}
	free(st->sources);
	close(st->pipe_rd);
	close(st->pipe_wr);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

int
state_add_source(struct state *st, const char *name, enum snap_kind kind)
{
	struct state_source *src;
	int idx;

	pthread_mutex_lock(&st->lock);
	if (state_find_source(st, name) >= 0) {
		pthread_mutex_unlock(&st->lock);
		return -1;
	}
	st->sources = xreallocarray(st->sources, st->n_sources + 1,
				    sizeof(*st->sources));
	src = &st->sources[st->n_sources];
	src->name = xstrdup(name);
	src->kind = kind;
	src->snap = NULL;
	src->generation = 0;
	memset(&src->scope, 0, sizeof(src->scope));
	src->has_scope = false;
	src->retired = false;
	idx = (int)st->n_sources++;
	pthread_mutex_unlock(&st->lock);
	return idx;
}

size_t
state_source_count(const struct state *st)
{
	return st->n_sources;
}

const char *
state_source_name(const struct state *st, int idx)
{
	assert(idx >= 0 && (size_t)idx < st->n_sources);
	return st->sources[idx].name;
}

enum snap_kind
state_source_kind(const struct state *st, int idx)
{
	assert(idx >= 0 && (size_t)idx < st->n_sources);
	return st->sources[idx].kind;
}

int
state_find_source(const struct state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->n_sources; i++) {
		if (!st->sources[i].retired &&
		    strcmp(st->sources[i].name, name) == 0) {
			return (int)i;
		}
	}
	return -1;
}

bool
state_source_retired(const struct state *st, int idx)
{
	assert(idx >= 0 && (size_t)idx < st->n_sources);
	return st->sources[idx].retired;
}

void
state_retire_sources(struct state *st)
{
	struct snapshot **old = xcalloc(st->n_sources + 1, sizeof(*old));
	size_t i;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->n_sources; i++) {
		st->sources[i].retired = true;
		old[i] = st->sources[i].snap;
		st->sources[i].snap = NULL;
		st->sources[i].generation++;
	}
	pthread_mutex_unlock(&st->lock);
	for (i = 0; i < st->n_sources; i++) {
		snapshot_unref(old[i]);
	}
	free(old);
	state_wakeup(st);
}

static void
poke(struct state *st)
{
	static const char byte = 1;
	ssize_t n;

	/* A full pipe already wakes the reader: EAGAIN is fine. */
	do {
		n = write(st->pipe_wr, &byte, 1);
	} while (n < 0 && errno == EINTR);
}

void
state_set_tracker(struct state *st, struct rules_tracker *rt)
{
	st->rt = rt;
}

void
state_derive(struct state *st, int idx, struct snapshot *snap)
{
	const char *name;

	if (snap == NULL || snap->derived) {
		return;
	}
	if (st->rt != NULL) {
		/* The array may move while sources are added; the name
		 * itself never does. */
		pthread_mutex_lock(&st->lock);
		assert(idx >= 0 && (size_t)idx < st->n_sources);
		name = st->sources[idx].name;
		pthread_mutex_unlock(&st->lock);
		rules_track(st->rt, name, snap);
	} else {
		rules_derive(snap);
	}
}

void
state_publish(struct state *st, int idx, struct snapshot *snap)
{
	struct snapshot *old;

	assert(idx >= 0 && (size_t)idx < st->n_sources);
	state_derive(st, idx, snap);
	pthread_mutex_lock(&st->lock);
	old = st->sources[idx].snap;
	st->sources[idx].snap = snap;
	st->sources[idx].generation++;
	atomic_fetch_add(&st->generation, 1);
	pthread_mutex_unlock(&st->lock);
	/* Freeing may be slow; never under the lock. */
	snapshot_unref(old);
	poke(st);
}

struct snapshot *
state_get(struct state *st, int idx)
{
	struct snapshot *s;

	assert(idx >= 0 && (size_t)idx < st->n_sources);
	pthread_mutex_lock(&st->lock);
	s = snapshot_ref(st->sources[idx].snap);
	pthread_mutex_unlock(&st->lock);
	return s;
}

uint64_t
state_generation(struct state *st)
{
	return atomic_load(&st->generation);
}

uint64_t
state_source_generation(struct state *st, int idx)
{
	uint64_t g;

	assert(idx >= 0 && (size_t)idx < st->n_sources);
	pthread_mutex_lock(&st->lock);
	g = st->sources[idx].generation;
	pthread_mutex_unlock(&st->lock);
	return g;
}

int
state_wakeup_fd(const struct state *st)
{
	return st->pipe_rd;
}

void
state_wakeup(struct state *st)
{
	atomic_fetch_add(&st->generation, 1);
	poke(st);
}

void
state_drain(struct state *st)
{
	char buf[256];
	ssize_t n;

	for (;;) {
		n = read(st->pipe_rd, buf, sizeof(buf));
		if (n > 0) {
			continue;
		}
		if (n < 0 && errno == EINTR) {
			continue;
		}
		break;
	}
}

void
state_set_scope(struct state *st, int idx, const struct source_scope *sc)
{
	if (idx < 0 || (size_t)idx >= st->n_sources) {
		return;
	}
	pthread_mutex_lock(&st->lock);
	st->sources[idx].scope = *sc;
	st->sources[idx].has_scope = sc->name[0] != '\0' || sc->production ||
				     sc->warning[0] != '\0';
	pthread_mutex_unlock(&st->lock);
	state_wakeup(st);
}

bool
state_get_scope(struct state *st, int idx, struct source_scope *out)
{
	bool has = false;

	memset(out, 0, sizeof(*out));
	if (idx < 0 || (size_t)idx >= st->n_sources) {
		return false;
	}
	pthread_mutex_lock(&st->lock);
	if (st->sources[idx].has_scope) {
		*out = st->sources[idx].scope;
		has = true;
	}
	pthread_mutex_unlock(&st->lock);
	return has;
}
