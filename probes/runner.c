/* The probe runner: one thread per probe, intervals, backoff, refresh and a
 * bounded shutdown; plus the probe_* accessors the probe files call from
 * their own thread. runner_* from the main thread (refresh: UI thread).
 *
 * DESIGN
 * ------
 * Every probe gets a thread, created with all signals blocked. The thread
 * opens the probe (retrying with backoff when open() fails, or when the
 * backend is unavailable in this build, whose reason stands in for the
 * open error), then either polls it every interval into a snapshot the
 * runner made, or runs its stream() and calls it again when it breaks.
 * Every snapshot is stamped (source, taken, poll time, interval) and
 * published to core/state; an error becomes an error snapshot whose
 * last_good points at the last snapshot that had data.
 *
 * One mutex (runner.lock) guards the per-probe flags. Each probe sleeps on
 * its own condition variable (CLOCK_MONOTONIC), so runner_refresh() and
 * runner_stop() wake exactly the sleepers they mean. One shared condition
 * variable (runner.done) announces "a probe published for the first time"
 * and "a probe thread finished".
 *
 * Backoff: after an error a probe waits interval * 2^(n-1), capped at
 * 30 s, before it polls again, and its error snapshot says when. A probe
 * whose backend's address refused a connection right after the error (the
 * server is down, not failing) is asked at the normal interval meanwhile
 * whether it accepts again (ops->reachable, a connect), and polled at once
 * when it does.
 *
 * Timeouts: the runner cannot interrupt a poll. Probes bound their own calls
 * with probe_timeout_ms(); the runner only makes sure nobody waits on a
 * probe forever. runner_stop() waits for all threads against one overall
 * deadline; a thread still stuck after it is detached and marked abandoned.
 * An abandoned thread never touches the state again (publishing checks the
 * stop flag under runner.lock, which runner_stop() sets first), and
 * runner_free() leaks the runner instead of freeing memory that thread may
 * still use, keeping it reachable from a static list.
 *
 * Streaming probes: probe_publish() publishes at once when interval_ms has
 * passed since the last publish; otherwise it keeps the snapshot pending
 * (a newer one replaces it). There is no timer thread: the pending snapshot
 * is flushed by the probe's own thread when it is due, from probe_publish(),
 * probe_sleep() (which wakes up at the due time for it) and
 * probe_stopping(), and when stream() returns. A streaming probe must call
 * probe_sleep() or probe_stopping() at least every probe_timeout_ms(), so a
 * pending snapshot is late by at most that much. */
#include "probes/runner.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/xalloc.h"

#define RUNNER_DEFAULT_INTERVAL_MS 5000
#define RUNNER_DEFAULT_TIMEOUT_MS 5000

struct probe {
	struct runner *r;
	const struct probe_ops *ops;
	const struct config_section *sec;
	int idx;                /* source index in the state */
	int interval_ms;
	int timeout_ms;
	void *state;            /* what open() returned */

	pthread_t thread;
	pthread_cond_t wake;    /* sleep: stop or refresh */

	/* Guarded by r->lock. */
	bool started;
	bool refresh;
	bool published;         /* at least once */
	bool finished;          /* the thread is about to return */
	bool abandoned;

	char focus[PROBE_FOCUS_MAX];
	uint64_t focus_gen;
	void (*waker)(void *arg);
	void *waker_arg;

	atomic_bool stop;       /* also set under r->lock */
	atomic_int failures;

	/* Probe thread only. */
	bool is_open;
	unsigned seed;          /* rand_r() for jitter */
	struct snapshot *last_good;     /* last snapshot with data */
	struct snapshot *pending;       /* streaming: not yet published */
	int64_t last_publish_ms;        /* real monotonic, 0 never */
};

struct runner {
	struct state *st;
	pthread_mutex_t lock;
	pthread_cond_t done;    /* first publish, or a thread finished */
	struct probe **probes;
	size_t n_probes;
	bool stopped;
	int n_abandoned;
	struct runner *next_leaked;
};

/* Runners with abandoned threads, kept reachable on purpose. */
static pthread_mutex_t leaked_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runner *leaked_runners;

static int64_t
mono_now(void)
{
	struct timespec ts;

	/* The real clock, never the fake one: threads really sleep. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
ms_to_timespec(int64_t at_ms, struct timespec *ts)
{
	ts->tv_sec = (time_t)(at_ms / 1000);
	ts->tv_nsec = (long)(at_ms % 1000) * 1000000L;
}

static void
cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

/* ---- accessors for probe files ----------------------------------- */

const char *
probe_source(const struct probe *p)
{
	return p->sec->name;
}

const struct config_section *
probe_section(const struct probe *p)
{
	return p->sec;
}

size_t
probe_peer_count(const struct probe *p)
{
	return state_source_count(p->r->st);
}

const char *
probe_peer_name(const struct probe *p, int i)
{
	if (i == p->idx || state_source_retired(p->r->st, i)) {
		return NULL;
	}
	return state_source_name(p->r->st, i);
}

struct snapshot *
probe_peer_get(const struct probe *p, int i)
{
	return state_get(p->r->st, i);
}

const struct config_section *
probe_peer_section(const struct probe *p, int i)
{
	return runner_section(p->r, i);
}

int
probe_interval_ms(const struct probe *p)
{
	return p->interval_ms;
}

int
probe_timeout_ms(const struct probe *p)
{
	return p->timeout_ms;
}

struct snapshot *
probe_snapshot_new(const struct probe *p)
{
	struct snapshot *s = snapshot_new(p->ops->kind, p->sec->name);

	s->interval_ms = p->interval_ms;
	return s;
}

void
probe_set_scope(struct probe *p, const struct source_scope *sc)
{
	state_set_scope(p->r->st, p->idx, sc);
}

uint64_t
probe_focus(struct probe *p, char *buf, size_t n)
{
	uint64_t gen;

	pthread_mutex_lock(&p->r->lock);
	snprintf(buf, n, "%s", p->focus);
	gen = p->focus_gen;
	pthread_mutex_unlock(&p->r->lock);
	return gen;
}

void
probe_set_waker(struct probe *p, void (*fn)(void *arg), void *arg)
{
	pthread_mutex_lock(&p->r->lock);
	p->waker = fn;
	p->waker_arg = fn != NULL ? arg : NULL;
	pthread_mutex_unlock(&p->r->lock);
}

/* Wakes the probe from its sleep and from its own event loop. With
 * r->lock held. */
static void
wake_locked(struct probe *p)
{
	pthread_cond_signal(&p->wake);
	if (p->waker != NULL) {
		p->waker(p->waker_arg);
	}
}

/* ---- publishing ---------------------------------------------------- */

static void
stamp(struct probe *p, struct snapshot *s, int64_t poll_ms)
{
	s->taken_ms = clock_wall_ms();
	s->taken_mono_ms = clock_mono_ms();
	if (poll_ms >= 0) {
		s->poll_ms = poll_ms > INT32_MAX ? INT32_MAX : (int32_t)poll_ms;
	}
	s->interval_ms = p->interval_ms;
	if (s->source == NULL || strcmp(s->source, p->sec->name) != 0) {
		s->source = snapshot_strdup(s, p->sec->name);
	}
}

/* Publishes s (taking the reference) unless the runner is stopping.
 * Probe thread. */
static void
publish_now(struct probe *p, struct snapshot *s)
{
	struct runner *r = p->r;

	if (s->error[0] == '\0' && s->data != NULL) {
		snapshot_unref(p->last_good);
		p->last_good = snapshot_ref(s);
	} else if (s->error[0] != '\0' && s->last_good == NULL) {
		s->last_good = snapshot_ref(p->last_good);
	}
	p->last_publish_ms = mono_now();
	if (atomic_load(&p->stop)) {
		snapshot_unref(s);
		return;
	}
	/* The rules run here, on this thread, once per snapshot, and not
	 * under the runner's lock. */
	state_derive(r->st, p->idx, s);

	pthread_mutex_lock(&r->lock);
	if (atomic_load(&p->stop)) {
		/* The state may already be gone. */
		pthread_mutex_unlock(&r->lock);
		snapshot_unref(s);
		return;
	}
	state_publish(r->st, p->idx, s);
	if (!p->published) {
		p->published = true;
		pthread_cond_broadcast(&r->done);
	}
	pthread_mutex_unlock(&r->lock);
}

/* Publishes an error that the next attempt follows in retry_ms. */
static void
publish_error(struct probe *p, const char *msg, int64_t poll_ms,
	      int retry_ms)
{
	struct snapshot *s = probe_snapshot_new(p);

	snapshot_set_error(s, "%s", msg[0] ? msg : "unknown error");
	stamp(p, s, poll_ms);
	s->retry_mono_ms = s->taken_mono_ms + retry_ms;
	publish_now(p, s);
}

static int64_t
pending_due(const struct probe *p)
{
	return p->last_publish_ms + p->interval_ms;
}

/* Publishes the pending snapshot when it is due, or always when force. */
static void
flush_pending(struct probe *p, bool force)
{
	struct snapshot *s = p->pending;

	if (s == NULL || (!force && mono_now() < pending_due(p))) {
		return;
	}
	p->pending = NULL;
	stamp(p, s, -1);
	publish_now(p, s);
}

void
probe_publish(struct probe *p, struct snapshot *snap)
{
	if (snap == NULL) {
		return;
	}
	snapshot_unref(p->pending);
	p->pending = NULL;
	if (p->last_publish_ms == 0 || mono_now() >= pending_due(p)) {
		stamp(p, snap, -1);
		publish_now(p, snap);
	} else {
		p->pending = snap;
	}
}

bool
probe_stopping(const struct probe *p)
{
	/* The probe's own thread asks; a due pending snapshot goes out now.
	 * p is only const in the interface: the runner owns it. */
	flush_pending((struct probe *)p, false);
	return atomic_load(&p->stop);
}

bool
probe_cancelled(void *probe)
{
	return probe_stopping(probe);
}

bool
probe_sleep(struct probe *p, int ms)
{
	struct runner *r = p->r;
	struct timespec ts;
	int64_t end = mono_now() + (ms > 0 ? ms : 0);
	int64_t wake;
	bool early = false;

	for (;;) {
		flush_pending(p, false);
		pthread_mutex_lock(&r->lock);
		if (atomic_load(&p->stop)) {
			early = true;
		} else if (p->refresh) {
			p->refresh = false;
			early = true;
		}
		if (early || mono_now() >= end) {
			pthread_mutex_unlock(&r->lock);
			return early;
		}
		wake = end;
		if (p->pending != NULL && pending_due(p) < wake) {
			wake = pending_due(p);
		}
		ms_to_timespec(wake, &ts);
		pthread_cond_timedwait(&p->wake, &r->lock, &ts);
		pthread_mutex_unlock(&r->lock);
	}
}

/* ---- the probe thread ---------------------------------------------- */

/* Calls the probe's open(), or fails with the reason it cannot run. */
static int
open_probe(struct probe *p, struct err *err)
{
	if (p->ops->unavailable != NULL) {
		return err_set(err, "%s", p->ops->unavailable);
	}
	if (p->ops->open == NULL) {
		return 0;
	}
	p->state = p->ops->open(p->sec, p, err);
	return p->state != NULL ? 0 : -1;
}

int
runner_backoff_ms(int interval_ms, int failures)
{
	int64_t d = interval_ms;
	int i;

	if (interval_ms <= 0) {
		interval_ms = 1;
		d = 1;
	}
	for (i = 1; i < failures && d < RUNNER_BACKOFF_CAP_MS; i++) {
		d *= 2;
	}
	if (d > RUNNER_BACKOFF_CAP_MS) {
		d = RUNNER_BACKOFF_CAP_MS;
	}
	if (d < interval_ms) {
		d = interval_ms;
	}
	return (int)d;
}

/* The backoff for the probe's current failure count, +-20 % jitter. */
static int
jittered_backoff(struct probe *p)
{
	int base = runner_backoff_ms(p->interval_ms,
				     atomic_load(&p->failures));
	double f = 0.8 + 0.4 * ((double)rand_r(&p->seed) / RAND_MAX);

	return (int)(base * f);
}

/* Sleeps ms before the next attempt after a failure. When the backend's
 * address refused a connection right after the failure, asks again at
 * the normal interval meanwhile and ends the sleep as soon as it accepts:
 * a server that comes back is polled within an interval, and until then
 * it costs a connect per interval, never a poll. */
static void
back_off(struct probe *p, int ms)
{
	int64_t end = mono_now() + ms;
	int64_t left;

	if (p->ops->reachable == NULL || p->state == NULL ||
	    ms <= p->interval_ms ||
	    p->ops->reachable(p->state, p) != 0) {
		/* Up but failing (an error reply, a hang), or cannot tell:
		 * the whole backoff. */
		probe_sleep(p, ms);
		return;
	}
	for (;;) {
		left = end - mono_now();
		if (left <= 0 || probe_sleep(p, left < p->interval_ms ?
					     (int)left : p->interval_ms)) {
			return;         /* due, stopping or refreshed */
		}
		if (mono_now() < end && p->ops->reachable(p->state, p) == 1) {
			/* It is back: a new start, whose errors (a server
			 * still starting answers 503) back off from the
			 * interval again. */
			atomic_store(&p->failures, 0);
			return;
		}
	}
}

static void
fail(struct probe *p, const char *msg, int64_t poll_ms)
{
	int ms;

	atomic_fetch_add(&p->failures, 1);
	ms = jittered_backoff(p);
	publish_error(p, msg, poll_ms, ms);
	back_off(p, ms);
}

static void
run_poll_once(struct probe *p)
{
	struct snapshot *s = probe_snapshot_new(p);
	struct err err;
	int64_t t0, took;
	int rc;

	err_clear(&err);
	t0 = mono_now();
	rc = p->ops->poll(p->state, s, &err);
	took = mono_now() - t0;
	if (atomic_load(&p->stop)) {
		snapshot_unref(s);
		return;
	}
	if (rc != 0) {
		snapshot_unref(s);
		fail(p, err.msg, took);
		return;
	}
	stamp(p, s, took);
	if (s->error[0] != '\0') {
		/* The probe built its own error snapshot. */
		int ms;

		atomic_fetch_add(&p->failures, 1);
		ms = jittered_backoff(p);
		s->retry_mono_ms = s->taken_mono_ms + ms;
		publish_now(p, s);
		back_off(p, ms);
		return;
	}
	atomic_store(&p->failures, 0);
	publish_now(p, s);
	probe_sleep(p, took < p->interval_ms ?
		    (int)(p->interval_ms - took) : 0);
}

static void
run_stream_once(struct probe *p)
{
	struct err err;
	int64_t t0, took;
	int rc;

	err_clear(&err);
	t0 = mono_now();
	rc = p->ops->stream(p, p->state, &err);
	took = mono_now() - t0;
	if (atomic_load(&p->stop)) {
		return;
	}
	/* The newest state of the model goes out before anything else. */
	flush_pending(p, true);
	if (rc != 0) {
		fail(p, err.msg, took);
		return;
	}
	/* The stream ended cleanly: start it again after an interval. */
	atomic_store(&p->failures, 0);
	probe_sleep(p, p->interval_ms);
}

static void *
probe_main(void *arg)
{
	struct probe *p = arg;
	struct runner *r = p->r;
	struct err err;
	int64_t t0;

	p->seed = (unsigned)mono_now() ^ (unsigned)(p->idx * 2654435761u) ^
		  (unsigned)(uintptr_t)p;
	while (!atomic_load(&p->stop)) {
		if (!p->is_open) {
			err_clear(&err);
			t0 = mono_now();
			if (open_probe(p, &err) != 0) {
				if (atomic_load(&p->stop)) {
					break;
				}
				fail(p, err.msg, mono_now() - t0);
				continue;
			}
			p->is_open = true;
		}
		if (p->ops->poll != NULL) {
			run_poll_once(p);
		} else {
			run_stream_once(p);
		}
	}
	snapshot_unref(p->pending);
	p->pending = NULL;
	if (p->is_open && p->ops->close != NULL) {
		p->ops->close(p->state);
	}
	p->is_open = false;
	p->state = NULL;
	snapshot_unref(p->last_good);
	p->last_good = NULL;

	pthread_mutex_lock(&r->lock);
	p->finished = true;
	pthread_cond_broadcast(&r->done);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* ---- the runner ---------------------------------------------------- */

struct runner *
runner_new(struct state *st)
{
	struct runner *r = xcalloc(1, sizeof(*r));

	r->st = st;
	pthread_mutex_init(&r->lock, NULL);
	cond_init_mono(&r->done);
	return r;
}

int
runner_add(struct runner *r, const struct probe_ops *ops,
	   const struct config_section *sec, struct err *err)
{
	struct probe *p;
	int idx;

	if (ops == NULL || (ops->unavailable == NULL && ops->poll == NULL &&
			    ops->stream == NULL)) {
		return err_set(err, "%s: this backend cannot be polled",
			       sec->name);
	}
	idx = state_add_source(r->st, sec->name, ops->kind);
	if (idx < 0) {
		return err_set(err, "%s: a source of that name already exists",
			       sec->name);
	}
	p = xcalloc(1, sizeof(*p));
	p->r = r;
	p->ops = ops;
	p->sec = sec;
	p->idx = idx;
	p->interval_ms = sec->interval_ms > 0 ? sec->interval_ms :
			 RUNNER_DEFAULT_INTERVAL_MS;
	p->timeout_ms = sec->timeout_ms > 0 ? sec->timeout_ms :
			RUNNER_DEFAULT_TIMEOUT_MS;
	atomic_init(&p->stop, false);
	atomic_init(&p->failures, 0);
	cond_init_mono(&p->wake);

	r->probes = xreallocarray(r->probes, r->n_probes + 1,
				  sizeof(*r->probes));
	r->probes[r->n_probes++] = p;
	return idx;
}

int
runner_start(struct runner *r, struct err *err)
{
	sigset_t all, old;
	size_t i;
	int rc = 0, ret = 0;

	/* Threads inherit the mask: signals go to the main thread only. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->n_probes; i++) {
		struct probe *p = r->probes[i];

		if (p->started) {
			continue;
		}
		rc = pthread_create(&p->thread, NULL, probe_main, p);
		if (rc != 0) {
			ret = err_set(err, "%s: cannot start its thread: %s",
				      p->sec->name, strerror(rc));
			break;
		}
		p->started = true;
	}
	pthread_mutex_unlock(&r->lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static struct probe *
find_probe(const struct runner *r, int source_idx)
{
	size_t i;

	for (i = 0; i < r->n_probes; i++) {
		if (r->probes[i]->idx == source_idx) {
			return r->probes[i];
		}
	}
	return NULL;
}

void
runner_refresh(struct runner *r, int source_idx)
{
	struct probe *p;
	size_t i;

	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->n_probes; i++) {
		p = r->probes[i];
		if (source_idx >= 0 && p->idx != source_idx) {
			continue;
		}
		p->refresh = true;
		wake_locked(p);
	}
	pthread_mutex_unlock(&r->lock);
}

void
runner_set_focus(struct runner *r, int source_idx, const char *focus)
{
	struct probe *p;

	pthread_mutex_lock(&r->lock);
	p = find_probe(r, source_idx);
	if (p != NULL && strcmp(p->focus, focus) != 0) {
		snprintf(p->focus, sizeof(p->focus), "%s", focus);
		p->focus_gen++;
		/* A polling probe answers on its next poll: make it now. */
		p->refresh = true;
		wake_locked(p);
	}
	pthread_mutex_unlock(&r->lock);
}

bool
runner_wait_first(struct runner *r, int deadline_ms)
{
	struct timespec ts;
	size_t i, n;

	ms_to_timespec(mono_now() + (deadline_ms > 0 ? deadline_ms : 0), &ts);
	pthread_mutex_lock(&r->lock);
	for (;;) {
		for (i = 0, n = 0; i < r->n_probes; i++) {
			n += r->probes[i]->published;
		}
		if (n == r->n_probes) {
			break;
		}
		if (pthread_cond_timedwait(&r->done, &r->lock, &ts) ==
		    ETIMEDOUT) {
			for (i = 0, n = 0; i < r->n_probes; i++) {
				n += r->probes[i]->published;
			}
			break;
		}
	}
	pthread_mutex_unlock(&r->lock);
	return n == r->n_probes;
}

const struct action_impl *
runner_actions(const struct runner *r, int source_idx)
{
	struct probe *p = find_probe(r, source_idx);

	return p != NULL ? p->ops->actions : NULL;
}

const struct config_section *
runner_section(const struct runner *r, int source_idx)
{
	struct probe *p = find_probe(r, source_idx);

	return p != NULL ? p->sec : NULL;
}

int
runner_failures(struct runner *r, int source_idx)
{
	struct probe *p = find_probe(r, source_idx);

	return p != NULL ? atomic_load(&p->failures) : 0;
}

static bool
all_finished(const struct runner *r)
{
	size_t i;

	for (i = 0; i < r->n_probes; i++) {
		if (r->probes[i]->started && !r->probes[i]->finished) {
			return false;
		}
	}
	return true;
}

int
runner_stop(struct runner *r, int deadline_ms)
{
	struct timespec ts;
	struct probe *p;
	size_t i;
	int abandoned = 0;

	ms_to_timespec(mono_now() + (deadline_ms > 0 ? deadline_ms : 0), &ts);
	pthread_mutex_lock(&r->lock);
	if (r->stopped) {
		pthread_mutex_unlock(&r->lock);
		return r->n_abandoned;
	}
	r->stopped = true;
	for (i = 0; i < r->n_probes; i++) {
		atomic_store(&r->probes[i]->stop, true);
		pthread_cond_broadcast(&r->probes[i]->wake);
		if (r->probes[i]->waker != NULL) {
			r->probes[i]->waker(r->probes[i]->waker_arg);
		}
	}
	while (!all_finished(r)) {
		if (pthread_cond_timedwait(&r->done, &r->lock, &ts) ==
		    ETIMEDOUT) {
			break;
		}
	}
	for (i = 0; i < r->n_probes; i++) {
		p = r->probes[i];
		if (!p->started) {
			continue;
		}
		if (p->finished) {
			/* It only has to return: join cannot block long. */
			pthread_join(p->thread, NULL);
		} else {
			pthread_detach(p->thread);
			p->abandoned = true;
			abandoned++;
		}
		p->started = false;
	}
	r->n_abandoned = abandoned;
	pthread_mutex_unlock(&r->lock);
	return abandoned;
}

void
runner_free(struct runner *r)
{
	size_t i;

	if (r == NULL) {
		return;
	}
	runner_stop(r, 0);
	if (r->n_abandoned > 0) {
		/* Their threads may still lock r and touch their probe. */
		pthread_mutex_lock(&leaked_lock);
		r->next_leaked = leaked_runners;
		leaked_runners = r;
		pthread_mutex_unlock(&leaked_lock);
		return;
	}
	for (i = 0; i < r->n_probes; i++) {
		pthread_cond_destroy(&r->probes[i]->wake);
		free(r->probes[i]);
	}
	free(r->probes);
	pthread_cond_destroy(&r->done);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
