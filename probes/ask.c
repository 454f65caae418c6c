/* Ad-hoc questions to a source's backend (a PromQL expression to a
 * Prometheus), answered off the UI thread. asks_* from the UI thread; each
 * question runs on a detached thread of its own.
 *
 * DESIGN
 * ------
 * A question is answered by the backend's own code, described once in its
 * probe_ops: its open(), poll() and close() run once over a copy of the
 * source's section in which the question replaces the keys it stands for
 * (a Prometheus's panels become one panel, the expression). So the answer
 * is a snapshot of the source's kind, derived like any other, that the
 * pane of that kind draws as it draws the source; the connection is the
 * question's own (the probe thread keeps polling on its), with the
 * section's timeouts.
 *
 * The threads are detached and never waited for: a question to a server
 * that hangs ends with its timeout, and quitting does not wait for it.
 * The shared struct asks counts its users (the UI and each running
 * thread) and goes away with the last; once asks_free() closed it, a
 * thread that finishes drops its answer and touches nothing else (not
 * the state, which the UI may have freed). The state is woken under the
 * lock, so asks_free() cannot return while a thread is writing to it. */
#include "probes/probe.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/rules.h"
#include "core/xalloc.h"

/* Questions running at once, at most. */
#define ASKS_RUNNING_MAX 4

/* The backends that answer questions: the section's keys a question
 * replaces (every key starting with drop) and the keys it becomes. Each
 * one's open() takes a NULL owner. */
static const struct {
	const char *backend;
	const char *what;       /* "PromQL query" */
	const char *drop;
	const char *key;
	const char *title_key;
} askable[] = {
	{ "prometheus", "PromQL query", "panel.", "panel.query.expr",
	  "panel.query.title" },
};

struct ask {
	struct asks *q;
	uint64_t id;
	const struct probe_ops *ops;
	struct config cfg;      /* the copy of the section, alone */
	bool done;              /* under q->lock */
	struct snapshot *answer;        /* under q->lock */
	struct ask *next;
};

struct asks {
	pthread_mutex_t lock;
	int users;              /* the UI until asks_free(), and each thread */
	bool closed;
	struct state *st;
	uint64_t last_id;
	struct ask *list;
};

struct asks *
asks_new(struct state *st)
{
	struct asks *q = xcalloc(1, sizeof(*q));

	pthread_mutex_init(&q->lock, NULL);
	q->users = 1;
	q->st = st;
	return q;
}

static void
ask_free(struct ask *k)
{
	snapshot_unref(k->answer);
	config_finish(&k->cfg);
	free(k);
}

static void
unlink_ask(struct asks *q, struct ask *k)
{
	for (struct ask **pp = &q->list; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == k) {
			*pp = k->next;
			return;
		}
	}
}

/* Drops a user of q (under its lock, which it releases); the last one
 * frees it. */
static void
release(struct asks *q)
{
	bool last = --q->users == 0;

	pthread_mutex_unlock(&q->lock);
	if (last) {
		pthread_mutex_destroy(&q->lock);
		free(q);
	}
}

bool
asks_free(struct asks *q)
{
	struct ask *k, *next;
	bool running;

	if (q == NULL) {
		return false;
	}
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	running = q->users > 1;
	for (k = q->list; k != NULL; k = next) {
		next = k->next;
		if (k->done) {
			unlink_ask(q, k);
			ask_free(k);
		}
	}
	release(q);
	return running;
}

static void *
ask_main(void *arg)
{
	struct ask *k = arg;
	struct asks *q = k->q;
	const struct config_section *sec = &k->cfg.sections[0];
	struct snapshot *s = snapshot_new(k->ops->kind, sec->name);
	struct err err;
	void *state;
	int rc = -1;

	err_clear(&err);
	state = k->ops->open(sec, NULL, &err);
	if (state != NULL) {
		rc = k->ops->poll(state, s, &err);
		if (k->ops->close != NULL) {
			k->ops->close(state);
		}
	}
	if (rc != 0) {
		snapshot_unref(s);
		s = snapshot_new(k->ops->kind, sec->name);
		snapshot_set_error(s, "%s", err.msg[0] ? err.msg :
				   "unknown error");
	}
	/* Its age counts from the answer, as a poll's does. */
	s->taken_ms = clock_wall_ms();
	s->taken_mono_ms = clock_mono_ms();
	s->interval_ms = sec->interval_ms;
	rules_derive(s);

	pthread_mutex_lock(&q->lock);
	if (q->closed) {
		snapshot_unref(s);
		unlink_ask(q, k);
		ask_free(k);
	} else {
		k->answer = s;
		k->done = true;
		state_wakeup(q->st);
	}
	release(q);
	return NULL;
}

/* Drops the answers nobody took, keeping at most the newest one. */
static void
prune(struct asks *q)
{
	struct ask *k, *next;

	for (k = q->list; k != NULL; k = next) {
		next = k->next;
		if (k->done && k->id != q->last_id) {
			unlink_ask(q, k);
			ask_free(k);
		}
	}
}

uint64_t
asks_submit(struct asks *q, const struct config_section *sec,
	    const char *question, struct err *err)
{
	const struct probe_ops *ops = probe_find(sec->backend);
	struct config_section *copy;
	struct ask *k;
	pthread_t t;
	sigset_t all, old;
	size_t i, running = 0;
	uint64_t id;
	int rc;

	for (i = 0; i < sizeof(askable) / sizeof(askable[0]); i++) {
		if (strcmp(askable[i].backend, sec->backend) == 0) {
			break;
		}
	}
	if (ops == NULL || i == sizeof(askable) / sizeof(askable[0])) {
		err_set(err, "%s cannot answer a query", sec->name);
		return 0;
	}
	if (ops->unavailable != NULL) {
		err_set(err, "%s", ops->unavailable);
		return 0;
	}
	if (question[0] == '\0') {
		err_set(err, "an empty %s", askable[i].what);
		return 0;
	}
	pthread_mutex_lock(&q->lock);
	prune(q);
	for (k = q->list; k != NULL; k = k->next) {
		running += !k->done;
	}
	pthread_mutex_unlock(&q->lock);
	if (running >= ASKS_RUNNING_MAX) {
		err_set(err, "%zu queries are still waiting for their "
			"answers", running);
		return 0;
	}

	k = xcalloc(1, sizeof(*k));
	k->q = q;
	k->ops = ops;
	k->cfg.specs = probe_config_specs();
	copy = config_add_section(&k->cfg, sec->name);
	for (size_t j = 0; j < sec->n_kv; j++) {
		if (strncmp(sec->kv[j].key, askable[i].drop,
			    strlen(askable[i].drop)) != 0) {
			config_section_set(copy, sec->kv[j].key,
					   sec->kv[j].value);
		}
	}
	config_section_set(copy, askable[i].key, question);
	config_section_set(copy, askable[i].title_key, question);
	copy->line = sec->line;
	copy->interval_ms = sec->interval_ms;
	copy->timeout_ms = sec->timeout_ms;

	pthread_mutex_lock(&q->lock);
	k->id = ++q->last_id;
	q->users++;
	k->next = q->list;
	q->list = k;
	/* Signals go to the UI thread only, as for the probes. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&t, NULL, ask_main, k);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		unlink_ask(q, k);
		q->users--;
		pthread_mutex_unlock(&q->lock);
		ask_free(k);
		err_set(err, "cannot start a thread: %s", strerror(rc));
		return 0;
	}
	pthread_detach(t);
	id = k->id;
	pthread_mutex_unlock(&q->lock);
	return id;
}

struct snapshot *
asks_take(struct asks *q, uint64_t id)
{
	struct snapshot *s = NULL;

	pthread_mutex_lock(&q->lock);
	for (struct ask *k = q->list; k != NULL; k = k->next) {
		if (k->id == id && k->done) {
			s = k->answer;
			k->answer = NULL;
			unlink_ask(q, k);
			ask_free(k);
			break;
		}
	}
	pthread_mutex_unlock(&q->lock);
	return s;
}
