/* The action worker: runs confirmed mitigation requests off the UI thread
 * and journals each one before and after. actions_submit/poll_done from the
 * UI thread; actions_new/free from the main thread.
 *
 * DESIGN
 * ------
 * One worker thread and two queues, as in redis's bio.c: the UI appends a
 * copy of each request to the job queue under a mutex and signals a
 * condition variable; the worker pops one job at a time, writes the intent
 * to the timeline, runs it unlocked, writes the result, appends a completion
 * to the done queue and wakes the UI through the state's pipe. The UI pops
 * completions with actions_poll_done().
 *
 * Previews (the impl's preview, for a confirm dialog that needs the backend)
 * share the queue and the worker and are not journaled: they only read. A
 * preview that fails ends the operator's attempt before the confirmation,
 * so that failure is journaled like a failed action (intent, then a result
 * "not run: why"): every failure to run an action leaves a record.
 * A running request may report progress (action_progress()) and check for
 * the operator's cancel (action_cancelled()); both find their request
 * through a thread-local pointer that only the worker sets.
 *
 * The worker is created with every signal blocked, so signals (SIGINT,
 * SIGWINCH, ...) are always delivered to the main thread.
 *
 * A run() may hang on a dead backend. actions_free() waits on a "finished"
 * condition variable with a deadline instead of joining forever; a worker
 * still running past it is detached and marked abandoned, and everything it
 * may still touch (this struct, its job) is leaked on purpose and kept
 * reachable from a static list. An abandoned worker touches neither the
 * timeline nor the state again: after run() returns it checks the flag
 * under the lock, which actions_free() sets under the same lock. */
#include "core/action.h"

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/snapshot.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"

/* Enough for describe(): SQL text, an HTTP body summary. */
#define ACTION_DESCRIBE_MAX 4096
/* What a preview may write: struct action_done's text. */
#define ACTION_PREVIEW_MAX (sizeof(((struct action_done *)NULL)->text))

struct action_job {
	struct action_req req;
	bool preview;           /* run the preview, not run() */
	struct action_job *next;
};

struct action_done_node {
	struct action_done done;
	struct action_done_node *next;
};

struct actions {
	struct state *st;
	struct timeline *tl;
	bool read_only;

	pthread_t thread;
	pthread_mutex_t lock;   /* guards everything below */
	pthread_cond_t work;    /* a job was queued or stop was set */
	pthread_cond_t finished_cond;   /* the worker has finished */
	struct action_job *head, *tail;
	struct action_job *running;
	struct action_done_node *done_head, *done_tail;
	size_t pending;         /* queued + running */
	uint64_t next_id;
	bool cancel;            /* the running request was asked to stop */
	char progress[ERR_MSG_MAX];     /* its latest progress line */
	bool stop;
	bool finished;
	bool abandoned;

	struct action_gate gate;        /* .intent NULL: none */

	struct actions *next_abandoned;
};

/* Workers that outlived actions_free(), kept reachable on purpose. */
static pthread_mutex_t abandoned_lock = PTHREAD_MUTEX_INITIALIZER;
static struct actions *abandoned_list;

/* The worker's own struct, for action_cancelled()/action_progress(). */
static _Thread_local struct actions *worker_self;

static void
deadline_after(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static const char *
req_label(const struct action_req *req)
{
	const struct action_spec *sp;

	if (req->impl == NULL || (sp = req->impl->spec) == NULL) {
		return "action";
	}
	return sp->label ? sp->label : (sp->name ? sp->name : "action");
}

static const char *
req_name(const struct action_req *req)
{
	if (req->impl == NULL || req->impl->spec == NULL ||
	    req->impl->spec->name == NULL) {
		return "";
	}
	return req->impl->spec->name;
}

const char *
action_outcome_name(enum action_outcome o)
{
	switch (o) {
	case ACTION_OK:
		return "ok";
	case ACTION_CANCELLED:
		return "cancelled";
	case ACTION_FAILED:
		break;
	}
	return "failed";
}

int
action_check_input(const struct action_req *req, struct err *err)
{
	const struct action_spec *sp = ACTION_SPEC(req);
	struct err why = { { 0 } };
	const char *p = req->arg;

	if (sp->input == NULL) {
		return 0;
	}
	if (sp->check_input != NULL) {
		if (sp->check_input(req->arg, &why) < 0) {
			return err_set(err, "%s: %s", req_label(req), why.msg);
		}
		return 0;
	}
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	if (*p == '\0') {
		return err_set(err, "%s: %s is empty", req_label(req),
			       sp->input);
	}
	return 0;
}

const char *
target_type_name(enum target_type t)
{
	static const char *const names[TARGET_TYPE_COUNT] = {
		[TARGET_SOURCE] = "source",
		[TARGET_PG_BACKEND] = "session",
		[TARGET_POD] = "pod",
		[TARGET_DEPLOYMENT] = "deployment",
		[TARGET_REDIS_CLIENT] = "client",
		[TARGET_KEY_PATTERN] = "pattern",
		[TARGET_ALERT] = "alert",
		[TARGET_SILENCE] = "silence",
		[TARGET_UPDATE] = "update",
	};

	return (unsigned)t < TARGET_TYPE_COUNT ? names[t] : "target";
}

const struct action_impl *
action_impl_find(const struct action_impl *table,
		 const struct action_spec *spec)
{
	for (; table != NULL && table->spec != NULL; table++) {
		if (table->spec == spec) {
			return table;
		}
	}
	return NULL;
}

const struct action_impl *
action_impl_by_key(const struct action_impl *table, int key)
{
	for (; table != NULL && table->spec != NULL; table++) {
		if (table->spec->key == key) {
			return table;
		}
	}
	return NULL;
}

void
action_req_set_snap(struct action_req *req, struct snapshot *snap)
{
	struct snapshot *old = req->snap;

	req->snap = snapshot_ref(snap);
	snapshot_unref(old);
}

void
action_req_clear(struct action_req *req)
{
	snapshot_unref(req->snap);
	req->snap = NULL;
}

const char *
action_req_target(const struct action_req *req)
{
	return req->target.label[0] != '\0' ? req->target.label : req->source;
}

/* Makes the intent durable through the gate (no lock held: the gate may
 * wait for an fsync), then shows it in the timeline. Returns false when a
 * destructive action must not run because its intent was not written;
 * err says why. */
static bool
write_intent(struct actions *a, const struct action_gate *gate,
	     const struct action_req *req, int64_t *token, struct err *err)
{
	char text[600];
	char *detail;
	bool go = true;

	detail = xcalloc(1, ACTION_DESCRIBE_MAX);
	if (req->impl->describe != NULL) {
		req->impl->describe(req, detail, ACTION_DESCRIBE_MAX);
	}
	snprintf(text, sizeof(text), "%s on %s", req_label(req),
		 action_req_target(req));
	*token = -1;
	if (gate->intent != NULL) {
		*token = gate->intent(gate->ctx, req, detail, text, err);
		if (*token < 0 && ACTION_SPEC(req)->destructive) {
			go = false;
		}
	}
	if (go && a->tl != NULL) {
		timeline_append(a->tl, TL_ACTION_INTENT, req->source, req->who,
				text, detail);
	}
	free(detail);
	return go;
}

static void
push_done(struct actions *a, struct action_done_node *n)
{
	if (a->done_tail != NULL) {
		a->done_tail->next = n;
	} else {
		a->done_head = n;
	}
	a->done_tail = n;
}

/* Queues a preview's completion; called with a->lock held. */
static void
finish_preview(struct actions *a, const struct action_req *req, bool ok,
	       const char *text, const char *error)
{
	struct action_done_node *n = xcalloc(1, sizeof(*n));

	n->done.id = req->id;
	n->done.ok = ok;
	n->done.outcome = ok ? ACTION_OK : ACTION_FAILED;
	n->done.is_preview = true;
	strlcpy_safe(n->done.source, req->source, sizeof(n->done.source));
	strlcpy_safe(n->done.name, req_name(req), sizeof(n->done.name));
	strlcpy_safe(n->done.message, ok ? "" : error,
		     sizeof(n->done.message));
	strlcpy_safe(n->done.text, ok ? text : "", sizeof(n->done.text));
	push_done(a, n);
}

/* Shows the result in the timeline. */
static void
timeline_result(struct actions *a, const struct action_req *req,
		enum action_outcome outcome, const char *message)
{
	char text[900];

	if (a->tl != NULL) {
		snprintf(text, sizeof(text), "%s on %s: %s: %s",
			 req_label(req), action_req_target(req),
			 action_outcome_name(outcome), message);
		timeline_append(a->tl, TL_ACTION_RESULT, req->source, req->who,
				text, message);
	}
}

/* Writes the result and queues the completion; called with a->lock held. */
static void
finish_job(struct actions *a, const struct action_req *req,
	   enum action_outcome outcome, const char *message)
{
	struct action_done_node *n;

	timeline_result(a, req, outcome, message);
	n = xcalloc(1, sizeof(*n));
	n->done.id = req->id;
	n->done.ok = outcome == ACTION_OK;
	n->done.outcome = outcome;
	strlcpy_safe(n->done.source, req->source, sizeof(n->done.source));
	strlcpy_safe(n->done.name, req_name(req), sizeof(n->done.name));
	strlcpy_safe(n->done.message, message, sizeof(n->done.message));
	push_done(a, n);
}

/* A preview that failed stopped the operator's attempt before the
 * confirmation: the attempt and its reason are journaled as an action that
 * did not run, so that the record shows what was tried and why it failed
 * (a server refusing connections, a session that is gone). No lock held. */
static void
journal_failed_preview(struct actions *a, const struct action_gate *gate,
		       const struct action_req *req, const char *why)
{
	char message[ERR_MSG_MAX + 16];
	struct err err;
	int64_t token;

	err_clear(&err);
	snprintf(message, sizeof(message), "not run: %s", why);
	if (!write_intent(a, gate, req, &token, &err)) {
		return;         /* nowhere to journal it */
	}
	if (gate->result != NULL && token >= 0) {
		gate->result(gate->ctx, token, req, ACTION_FAILED, message);
	}
	timeline_result(a, req, ACTION_FAILED, message);
}

static void *
worker_main(void *arg)
{
	struct actions *a = arg;
	struct action_job *job;
	struct action_gate gate;
	char result[ERR_MSG_MAX];
	char *preview_text;
	struct err err;
	int64_t token;
	enum action_outcome outcome;
	bool ok, refused;
	int rc;

	worker_self = a;
	preview_text = xmalloc(ACTION_PREVIEW_MAX);
	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (!a->stop && a->head == NULL) {
			pthread_cond_wait(&a->work, &a->lock);
		}
		if (a->stop) {
			break;
		}
		job = a->head;
		a->head = job->next;
		if (a->head == NULL) {
			a->tail = NULL;
		}
		a->running = job;
		a->cancel = false;
		a->progress[0] = '\0';
		gate = a->gate;
		pthread_mutex_unlock(&a->lock);

		result[0] = '\0';
		preview_text[0] = '\0';
		err_clear(&err);
		token = -1;
		refused = false;
		outcome = ACTION_FAILED;
		if (job->preview) {
			ok = job->req.impl->preview(&job->req, preview_text,
						    ACTION_PREVIEW_MAX,
						    &err) == 0;
			if (!ok) {
				if (err.msg[0] == '\0') {
					strlcpy_safe(err.msg, "failed",
						     sizeof(err.msg));
				}
				journal_failed_preview(a, &gate, &job->req,
						       err.msg);
			}
		} else if (!write_intent(a, &gate, &job->req, &token, &err)) {
			char why[ERR_MSG_MAX];

			strlcpy_safe(why, err.msg, sizeof(why));
			err_set(&err, "refused: %s", why);
			ok = false;
			refused = true;
		} else {
			rc = job->req.impl->run(&job->req, result,
						sizeof(result), &err);
			ok = rc == 0;
			outcome = rc == 0 ? ACTION_OK :
				  rc == ACTION_RUN_CANCELLED ?
				  ACTION_CANCELLED : ACTION_FAILED;
			if (outcome == ACTION_CANCELLED && result[0] == '\0') {
				strlcpy_safe(result, "cancelled",
					     sizeof(result));
			}
		}
		if (!ok && outcome != ACTION_CANCELLED &&
		    err.msg[0] == '\0') {
			strlcpy_safe(err.msg, "failed", sizeof(err.msg));
		}
		if (!job->preview && !refused && gate.result != NULL) {
			gate.result(gate.ctx, token, &job->req, outcome,
				    outcome != ACTION_FAILED ? result :
				    err.msg);
		}

		pthread_mutex_lock(&a->lock);
		if (a->abandoned) {
			/* actions_free() gave up on us: the timeline and the
			 * state may be gone, and a is leaked. */
			pthread_mutex_unlock(&a->lock);
			free(preview_text);
			return NULL;
		}
		if (job->preview) {
			finish_preview(a, &job->req, ok, preview_text,
				       err.msg);
		} else {
			finish_job(a, &job->req, outcome,
				   outcome != ACTION_FAILED ? result :
				   err.msg);
		}
		a->running = NULL;
		a->cancel = false;
		a->progress[0] = '\0';
		a->pending--;
		action_req_clear(&job->req);
		free(job);
		if (a->st != NULL) {
			state_wakeup(a->st);
		}
	}
	a->finished = true;
	pthread_cond_broadcast(&a->finished_cond);
	pthread_mutex_unlock(&a->lock);
	free(preview_text);
	return NULL;
}

void
actions_set_gate(struct actions *a, const struct action_gate *gate)
{
	pthread_mutex_lock(&a->lock);
	if (gate != NULL) {
		a->gate = *gate;
	} else {
		memset(&a->gate, 0, sizeof(a->gate));
	}
	pthread_mutex_unlock(&a->lock);
}

struct actions *
actions_new(struct state *st, struct timeline *tl, bool read_only)
{
	struct actions *a = xcalloc(1, sizeof(*a));
	pthread_condattr_t attr;
	sigset_t all, old;
	int rc;

	a->st = st;
	a->tl = tl;
	a->read_only = read_only;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->work, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&a->finished_cond, &attr);
	pthread_condattr_destroy(&attr);

	/* The worker inherits this mask: no signal is ever delivered to it. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->thread, NULL, worker_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		fprintf(stderr, "warroom: cannot start the action worker: %s\n",
			strerror(rc));
		abort();
	}
	return a;
}

static void
free_queues(struct actions *a)
{
	struct action_job *j, *jn;
	struct action_done_node *d, *dn;

	for (j = a->head; j != NULL; j = jn) {
		jn = j->next;
		action_req_clear(&j->req);
		free(j);
	}
	a->head = a->tail = NULL;
	for (d = a->done_head; d != NULL; d = dn) {
		dn = d->next;
		free(d);
	}
	a->done_head = a->done_tail = NULL;
}

void
actions_free(struct actions *a, int deadline_ms)
{
	struct timespec end;
	bool finished;

	if (a == NULL) {
		return;
	}
	deadline_after(&end, deadline_ms < 0 ? 0 : deadline_ms);
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->work);
	while (!a->finished) {
		if (pthread_cond_timedwait(&a->finished_cond, &a->lock,
					   &end) == ETIMEDOUT) {
			break;
		}
	}
	finished = a->finished;
	if (!finished) {
		a->abandoned = true;
	}
	pthread_mutex_unlock(&a->lock);

	if (!finished) {
		pthread_detach(a->thread);
		pthread_mutex_lock(&abandoned_lock);
		a->next_abandoned = abandoned_list;
		abandoned_list = a;
		pthread_mutex_unlock(&abandoned_lock);
		return;
	}
	pthread_join(a->thread, NULL);
	free_queues(a);
	if (a->running != NULL) {
		action_req_clear(&a->running->req);
		free(a->running);
	}
	pthread_cond_destroy(&a->work);
	pthread_cond_destroy(&a->finished_cond);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static uint64_t
enqueue(struct actions *a, const struct action_req *req, bool preview,
	struct err *err)
{
	struct action_job *job;
	uint64_t id;

	job = xcalloc(1, sizeof(*job));
	job->req = *req;
	job->req.snap = snapshot_ref(req->snap);
	job->preview = preview;
	actions_who(job->req.who, sizeof(job->req.who));

	pthread_mutex_lock(&a->lock);
	if (a->stop) {
		pthread_mutex_unlock(&a->lock);
		action_req_clear(&job->req);
		free(job);
		err_set(err, "shutting down: %s was not run",
			req_label(req));
		return 0;
	}
	id = ++a->next_id;
	job->req.id = id;
	if (a->tail != NULL) {
		a->tail->next = job;
	} else {
		a->head = job;
	}
	a->tail = job;
	a->pending++;
	pthread_cond_signal(&a->work);
	pthread_mutex_unlock(&a->lock);
	return id;
}

/* What every submission must pass: an action, and not a destructive one in
 * read-only mode. Returns 0, or -1 with err. */
static int
allowed(const struct actions *a, const struct action_req *req,
	struct err *err)
{
	if (req->impl == NULL || req->impl->spec == NULL) {
		return err_set(err, "no action given");
	}
	if (ACTION_SPEC(req)->destructive && a->read_only) {
		return err_set(err, "read-only mode: %s is disabled",
			       req_label(req));
	}
	return 0;
}

uint64_t
actions_submit(struct actions *a, const struct action_req *req,
	       struct err *err)
{
	if (allowed(a, req, err) < 0) {
		return 0;
	}
	if (req->impl->run == NULL) {
		err_set(err, "%s is not available for this source",
			req_label(req));
		return 0;
	}
	/* A wrong input is refused here, before the gate could journal it
	 * as an action. */
	if (action_check_input(req, err) < 0) {
		return 0;
	}
	return enqueue(a, req, false, err);
}

uint64_t
actions_submit_preview(struct actions *a, const struct action_req *req,
		       struct err *err)
{
	/* The action it previews would be refused anyway. */
	if (allowed(a, req, err) < 0) {
		return 0;
	}
	if (req->impl->preview == NULL) {
		err_set(err, "%s has no preview", req_label(req));
		return 0;
	}
	return enqueue(a, req, true, err);
}

bool
actions_poll_done(struct actions *a, struct action_done *out)
{
	struct action_done_node *n;

	pthread_mutex_lock(&a->lock);
	n = a->done_head;
	if (n != NULL) {
		a->done_head = n->next;
		if (a->done_head == NULL) {
			a->done_tail = NULL;
		}
	}
	pthread_mutex_unlock(&a->lock);
	if (n == NULL) {
		return false;
	}
	*out = n->done;
	free(n);
	return true;
}

size_t
actions_pending(struct actions *a)
{
	size_t n;

	pthread_mutex_lock(&a->lock);
	n = a->pending;
	pthread_mutex_unlock(&a->lock);
	return n;
}

bool
action_cancelled(void)
{
	struct actions *a = worker_self;
	bool c;

	if (a == NULL) {
		return false;
	}
	pthread_mutex_lock(&a->lock);
	c = a->cancel;
	pthread_mutex_unlock(&a->lock);
	return c;
}

void
action_progress(const char *fmt, ...)
{
	struct actions *a = worker_self;
	va_list ap;

	if (a == NULL) {
		return;
	}
	pthread_mutex_lock(&a->lock);
	va_start(ap, fmt);
	vsnprintf(a->progress, sizeof(a->progress), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&a->lock);
	if (a->st != NULL) {
		state_wakeup(a->st);
	}
}

void
actions_cancel(struct actions *a, uint64_t id)
{
	pthread_mutex_lock(&a->lock);
	if (a->running != NULL && a->running->req.id == id) {
		a->cancel = true;
	}
	pthread_mutex_unlock(&a->lock);
}

bool
actions_progress(struct actions *a, uint64_t *id, char *buf, size_t n)
{
	bool running;

	pthread_mutex_lock(&a->lock);
	running = a->running != NULL;
	if (running) {
		if (id != NULL) {
			*id = a->running->req.id;
		}
		strlcpy_safe(buf, a->progress, n);
	}
	pthread_mutex_unlock(&a->lock);
	return running;
}

void
actions_who(char *buf, size_t n)
{
	char pwbuf[1024], user[64], ip[64];
	struct passwd pw, *res = NULL;
	const char *sudo = getenv("SUDO_USER");
	const char *ssh = getenv("SSH_CONNECTION");
	const char *env_user = getenv("USER");
	size_t len;

	if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &res) == 0 &&
	    res != NULL && res->pw_name[0] != '\0') {
		strlcpy_safe(user, res->pw_name, sizeof(user));
	} else if (env_user != NULL && env_user[0] != '\0') {
		strlcpy_safe(user, env_user, sizeof(user));
	} else {
		snprintf(user, sizeof(user), "uid %u", (unsigned)geteuid());
	}

	ip[0] = '\0';
	if (ssh != NULL) {
		len = strcspn(ssh, " ");
		if (len >= sizeof(ip)) {
			len = sizeof(ip) - 1;
		}
		memcpy(ip, ssh, len);
		ip[len] = '\0';
	}
	if (sudo != NULL && sudo[0] == '\0') {
		sudo = NULL;
	}

	if (sudo != NULL && ip[0] != '\0') {
		snprintf(buf, n, "%s (via sudo from %s, ssh %s)", user, sudo,
			 ip);
	} else if (sudo != NULL) {
		snprintf(buf, n, "%s (via sudo from %s)", user, sudo);
	} else if (ip[0] != '\0') {
		snprintf(buf, n, "%s (ssh %s)", user, ip);
	} else {
		snprintf(buf, n, "%s", user);
	}
}
