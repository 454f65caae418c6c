/* The incident at run time (see incident_rt.h): the holder, the action
 * gate and the timeline's recorder, and the worker that declares, writes
 * the operator's changes and writes exports. incident_rt_* from the UI
 * thread (the main thread before and after it); the gate on the action
 * worker; the recorder on any thread.
 *
 * DESIGN
 * ------
 * The incident. The gate and the timeline's recorder reach the incident
 * through a process-wide holder that counts its users: each use takes it
 * under the holder's mutex, works on it with no lock held, and puts it
 * back; closing clears it and waits until nobody uses it, so an action
 * worker that outlives the dashboard (actions_free() abandons a stuck one)
 * finds no incident instead of a closed one. What incident_rt_incident()
 * returns is set on the UI thread when it takes a declaration, so the UI
 * never sees an incident before it saw that it was declared.
 *
 * The worker. One thread and two queues, as in redis's bio.c: the UI
 * appends a job under a mutex and signals a condition variable; the worker
 * pops one job at a time, runs it unlocked (declaring and attaching,
 * writing a change and waiting for its fsync, flushing the journal and
 * writing an export file), appends it to the done queue and wakes the UI
 * through the state's wakeup pipe: a note is "added" only then. The UI
 * pops results with incident_rt_take(). The worker is created with every
 * signal blocked, so the loop's signals reach only the UI thread. */
#include "core/incident_rt.h"

#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/incident_rt_internal.h"
#include "core/journal.h"
#include "core/rules.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"

struct incident_rt {
	struct state *st;
	struct timeline *tl;
	char *dir;
	char *demo_dir;
	struct incident_policy pol;
	struct rules_tracker *tracker;
	char who[128];

	/* The UI thread's. */
	struct incident *inc;   /* NULL: none taken up yet */
	bool declaring;

	pthread_t thread;
	bool started;
	pthread_mutex_t lock;   /* guards the queues and stop */
	pthread_cond_t cond;    /* a job was queued or stop was set */
	struct job *jobs, *jobs_tail;
	struct job *done, *done_tail;
	bool stop;
};

/* ---- the holder: the incident the gate and the recorder write to ------ */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t idle;
	struct incident *inc;
	int users;
} holder = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0 };

/* The incident, counted as used until holder_put(); NULL when none. No
 * lock is held while it is used. */
static struct incident *
holder_get(void)
{
	struct incident *inc;

	pthread_mutex_lock(&holder.lock);
	inc = holder.inc;
	if (inc != NULL) {
		holder.users++;
	}
	pthread_mutex_unlock(&holder.lock);
	return inc;
}

static void
holder_put(void)
{
	pthread_mutex_lock(&holder.lock);
	if (--holder.users == 0) {
		pthread_cond_broadcast(&holder.idle);
	}
	pthread_mutex_unlock(&holder.lock);
}

static void
holder_set(struct incident *inc)
{
	pthread_mutex_lock(&holder.lock);
	holder.inc = inc;
	pthread_mutex_unlock(&holder.lock);
}

/* Clears the holder once nobody uses it; returns what it held. */
static struct incident *
holder_take(void)
{
	struct incident *inc;

	pthread_mutex_lock(&holder.lock);
	inc = holder.inc;
	holder.inc = NULL;
	while (holder.users > 0) {
		pthread_cond_wait(&holder.idle, &holder.lock);
	}
	pthread_mutex_unlock(&holder.lock);
	return inc;
}

/* ---- the gate and the recorder ------------------------------------------ */

/* Action worker: the intent must be on disk before a destructive action
 * runs; without an incident there is nowhere to write it. */
static int64_t
gate_intent(void *ctx, const struct action_req *req, const char *op,
	    const char *text, struct err *err)
{
	struct incident *inc = holder_get();
	int64_t seq;

	(void)ctx;
	if (inc == NULL) {
		if (ACTION_SPEC(req)->destructive) {
			err_set(err, "no incident is declared to journal it "
				"(press i)");
		}
		return -1;
	}
	seq = incident_action_intent(inc, req, op, text, err);
	holder_put();
	return seq;
}

static void
gate_result(void *ctx, int64_t token, const struct action_req *req,
	    enum action_outcome outcome, const char *message)
{
	struct incident *inc;
	struct err err = { { 0 } };

	(void)ctx;
	if (token < 0 || (inc = holder_get()) == NULL) {
		return;
	}
	/* A failure leaves the journal failed: the header says so. */
	incident_action_result(inc, token, req, outcome, message, &err);
	holder_put();
}

const struct action_gate incident_rt_gate = {
	.intent = gate_intent,
	.result = gate_result,
	.ctx = NULL,
};

static void
holder_record(void *ctx, const struct tl_entry *e)
{
	struct incident *inc = holder_get();

	(void)ctx;
	if (inc != NULL) {
		incident_timeline_record(inc, e);
		holder_put();
	}
}

/* Makes inc the incident of the gate and the timeline. Waits for the disk
 * (incident_attach flushes): main thread or the worker. */
static void
attach(struct incident_rt *rt, struct incident *inc)
{
	size_t before;

	holder_set(inc);
	if (rt->tl != NULL) {
		/* The recorder first: what is appended meanwhile is
		 * journaled, and stored once written. */
		before = timeline_set_recorder(rt->tl, holder_record, NULL);
		incident_attach(inc, rt->tl, before);
	}
}

/* A resumed incident's open findings are open in the tracker too, so that
 * a condition that still holds is not written again. */
static void
seed_tracker(struct incident_rt *rt, struct incident *inc)
{
	struct rules_open *open;
	struct journal_rec *recs;
	size_t n, k, i;

	if (rt->tracker == NULL || incident_closed(inc)) {
		return;
	}
	recs = incident_records(inc, &n);
	k = incident_open_findings(recs, n, &open);
	for (i = 0; i < k; i++) {
		rules_tracker_seed(rt->tracker, open[i].source, &open[i].f);
	}
	free(open);
	journal_recs_free(recs, n);
}

/* ---- the worker --------------------------------------------------------- */

static void
job_free(struct job *j)
{
	free(j->change);
	free(j->dir);
	free(j->text);
	free(j->email);
	free(j->path);
	free(j);
}

/* Resolving writes what is still open first, while the record is open. */
static int
resolve(struct incident_rt *rt, struct incident *inc, struct err *err)
{
	struct rules_open *open = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (rt->tracker != NULL) {
		n = rules_tracker_open_all(rt->tracker, &open);
	}
	for (i = 0; i < n && rc == 0; i++) {
		rc = incident_still_open(inc, &open[i], err);
	}
	free(open);
	if (rc == 0) {
		rc = incident_set_status(inc, INCIDENT_RESOLVED, rt->who, err);
	}
	return rc;
}

static int
run_change(struct incident_rt *rt, struct job *job, struct err *err)
{
	struct incident *inc = job->inc;
	struct incident_info info;

	switch (job->kind) {
	case INCIDENT_RT_NOTE:
		return incident_note(inc, rt->who, job->change, err);
	case INCIDENT_RT_IMPACT:
		return incident_set_impact(inc, rt->who, job->change, err);
	case INCIDENT_RT_STATUS:
		if (job->status == INCIDENT_RESOLVED) {
			incident_get(inc, &info);
			incident_info_finish(&info);
			if (info.status != INCIDENT_RESOLVED) {
				return resolve(rt, inc, err);
			}
		}
		return incident_set_status(inc, job->status, rt->who, err);
	case INCIDENT_RT_SEVERITY:
		incident_get(inc, &info);
		incident_info_finish(&info);
		if (job->security && !info.security &&
		    incident_set_security(inc, rt->who, err) < 0) {
			return -1;
		}
		if (info.severity == job->sev) {
			return 0;
		}
		return incident_set_severity(inc, job->sev, rt->who, err);
	case INCIDENT_RT_UPDATE_SENT:
		incident_get(inc, &info);
		incident_info_finish(&info);
		job->update_no = info.n_updates + 1;
		return incident_mark_update_sent(inc, rt->who, job->channel,
						 job->change, err);
	default:
		return err_set(err, "not a change");
	}
}

static void
run_job(struct incident_rt *rt, struct job *job)
{
	struct err err = { { 0 } };

	switch (job->kind) {
	case INCIDENT_RT_DECLARE:
		job->declared = incident_declare(job->dir, job->title,
						 job->sev,
						 job->commander[0] ?
						 job->commander : NULL,
						 &rt->pol, &err);
		job->ok = job->declared != NULL;
		if (job->ok) {
			if (job->security) {
				incident_set_security(job->declared, rt->who,
						      NULL);
			}
			attach(rt, job->declared);
		} else {
			snprintf(job->msg, sizeof(job->msg), "%s", err.msg);
		}
		break;
	case INCIDENT_RT_POSTMORTEM:
	case INCIDENT_RT_UPDATE:
		incident_rt_run_export(job);
		break;
	default:
		job->ok = run_change(rt, job, &err) == 0;
		if (!job->ok) {
			snprintf(job->msg, sizeof(job->msg), "%s", err.msg);
		}
		break;
	}
}

static void *
worker_main(void *arg)
{
	struct incident_rt *rt = arg;
	struct job *job;

	pthread_mutex_lock(&rt->lock);
	for (;;) {
		while (!rt->stop && rt->jobs == NULL) {
			pthread_cond_wait(&rt->cond, &rt->lock);
		}
		if (rt->stop) {
			break;
		}
		job = rt->jobs;
		rt->jobs = job->next;
		if (rt->jobs == NULL) {
			rt->jobs_tail = NULL;
		}
		pthread_mutex_unlock(&rt->lock);

		run_job(rt, job);

		pthread_mutex_lock(&rt->lock);
		job->next = NULL;
		if (rt->done_tail != NULL) {
			rt->done_tail->next = job;
		} else {
			rt->done = job;
		}
		rt->done_tail = job;
		if (rt->st != NULL) {
			state_wakeup(rt->st);
		}
	}
	pthread_mutex_unlock(&rt->lock);
	return NULL;
}

/* Queues job for the worker, which frees it once taken. */
static void
queue(struct incident_rt *rt, struct job *job)
{
	pthread_mutex_lock(&rt->lock);
	if (rt->jobs_tail != NULL) {
		rt->jobs_tail->next = job;
	} else {
		rt->jobs = job;
	}
	rt->jobs_tail = job;
	pthread_cond_signal(&rt->cond);
	pthread_mutex_unlock(&rt->lock);
}

void
incident_rt_declare(struct incident_rt *rt, const char *title,
		    enum incident_sev sev, const char *commander,
		    bool security)
{
	struct job *job = xcalloc(1, sizeof(*job));

	assert(rt->inc == NULL && !rt->declaring);
	job->kind = INCIDENT_RT_DECLARE;
	job->dir = xstrdup(rt->dir);
	strlcpy_safe(job->title, title, sizeof(job->title));
	job->sev = sev;
	strlcpy_safe(job->commander, commander ? commander : "",
		     sizeof(job->commander));
	job->security = security;
	rt->declaring = true;
	queue(rt, job);
}

void
incident_rt_export(struct incident_rt *rt, enum incident_rt_job kind)
{
	struct job *job = xcalloc(1, sizeof(*job));

	assert(rt->inc != NULL && kind != INCIDENT_RT_DECLARE);
	job->kind = kind;
	job->inc = rt->inc;
	queue(rt, job);
}

/* A change of the incident for the worker. */
static struct job *
change_job(struct incident_rt *rt, enum incident_rt_job kind)
{
	struct job *job = xcalloc(1, sizeof(*job));

	assert(rt->inc != NULL);
	job->kind = kind;
	job->inc = rt->inc;
	return job;
}

void
incident_rt_note(struct incident_rt *rt, const char *text)
{
	struct job *job = change_job(rt, INCIDENT_RT_NOTE);

	job->change = xstrdup(text);
	queue(rt, job);
}

void
incident_rt_impact(struct incident_rt *rt, const char *text)
{
	struct job *job = change_job(rt, INCIDENT_RT_IMPACT);

	job->change = xstrdup(text);
	queue(rt, job);
}

void
incident_rt_set_status(struct incident_rt *rt, enum incident_status st)
{
	struct job *job = change_job(rt, INCIDENT_RT_STATUS);

	job->status = st;
	queue(rt, job);
}

void
incident_rt_set_severity(struct incident_rt *rt, enum incident_sev sev,
			 bool security)
{
	struct job *job = change_job(rt, INCIDENT_RT_SEVERITY);

	job->sev = sev;
	job->security = security;
	queue(rt, job);
}

void
incident_rt_mark_sent(struct incident_rt *rt, const char *channel,
		      const char *text)
{
	struct job *job = change_job(rt, INCIDENT_RT_UPDATE_SENT);

	strlcpy_safe(job->channel, channel, sizeof(job->channel));
	job->change = xstrdup(text != NULL ? text : "");
	queue(rt, job);
}

bool
incident_rt_take(struct incident_rt *rt, struct incident_rt_result *out)
{
	struct job *job;

	pthread_mutex_lock(&rt->lock);
	job = rt->done;
	if (job != NULL) {
		rt->done = job->next;
		if (rt->done == NULL) {
			rt->done_tail = NULL;
		}
	}
	pthread_mutex_unlock(&rt->lock);
	if (job == NULL) {
		return false;
	}
	memset(out, 0, sizeof(*out));
	out->job = job->kind;
	out->ok = job->ok;
	strlcpy_safe(out->msg, job->msg, sizeof(out->msg));
	out->sev = job->sev;
	out->status = job->status;
	out->security = job->security;
	strlcpy_safe(out->channel, job->channel, sizeof(out->channel));
	out->update_no = job->update_no;
	/* The strings move to the result. */
	out->text = job->text;
	out->email = job->email;
	out->path = job->path;
	job->text = job->email = job->path = NULL;
	if (job->kind == INCIDENT_RT_DECLARE) {
		rt->declaring = false;
		if (job->ok) {
			rt->inc = job->declared;
		}
	}
	if (job->declared != NULL || job->inc != NULL) {
		strlcpy_safe(out->id, incident_id(job->declared != NULL ?
						  job->declared : job->inc),
			     sizeof(out->id));
	}
	job_free(job);
	return true;
}

void
incident_rt_result_finish(struct incident_rt_result *res)
{
	free(res->text);
	free(res->email);
	free(res->path);
	res->text = res->email = res->path = NULL;
}

/* ---- life --------------------------------------------------------------- */

struct incident_rt *
incident_rt_new(struct state *st, struct timeline *tl, struct actions *act,
		const struct incident_rt_opts *o)
{
	struct incident_rt *rt = xcalloc(1, sizeof(*rt));
	sigset_t all, saved;

	rt->st = st;
	rt->tl = tl;
	rt->dir = xstrdup(o->dir);
	rt->demo_dir = xstrdup(o->demo_dir != NULL ? o->demo_dir : o->dir);
	rt->tracker = o->tracker;
	if (o->pol != NULL) {
		rt->pol = *o->pol;
	} else {
		incident_policy_default(&rt->pol);
	}
	actions_who(rt->who, sizeof(rt->who));
	pthread_mutex_init(&rt->lock, NULL);
	pthread_cond_init(&rt->cond, NULL);
	if (act != NULL) {
		actions_set_gate(act, &incident_rt_gate);
	}
	/* The worker inherits this mask: no signal is ever delivered to it.
	 * Without it, queued work waits for ever (nothing is lost). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	rt->started = pthread_create(&rt->thread, NULL, worker_main, rt) == 0;
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	return rt;
}

int
incident_rt_declare_now(struct incident_rt *rt, const char *title,
			enum incident_sev sev, const char *commander,
			struct err *err)
{
	struct incident *inc;

	inc = incident_declare(rt->dir, title, sev, commander, &rt->pol, err);
	if (inc == NULL) {
		return -1;
	}
	attach(rt, inc);
	rt->inc = inc;
	return 0;
}

int
incident_rt_resume_now(struct incident_rt *rt, const char *id,
		       struct err *err)
{
	struct incident *inc;

	inc = incident_resume(rt->dir, id, &rt->pol, err);
	if (inc == NULL) {
		return -1;
	}
	attach(rt, inc);
	seed_tracker(rt, inc);
	rt->inc = inc;
	return 0;
}

void
incident_rt_stop(struct incident_rt *rt)
{
	struct job *j, *next;

	if (rt == NULL || !rt->started) {
		return;
	}
	pthread_mutex_lock(&rt->lock);
	rt->stop = true;
	pthread_cond_signal(&rt->cond);
	pthread_mutex_unlock(&rt->lock);
	pthread_join(rt->thread, NULL);
	rt->started = false;
	for (j = rt->jobs; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
	/* A declared incident not yet taken up is in the holder. */
	for (j = rt->done; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
	rt->jobs = rt->jobs_tail = rt->done = rt->done_tail = NULL;
}

void
incident_rt_free(struct incident_rt *rt)
{
	struct incident *inc;

	if (rt == NULL) {
		return;
	}
	incident_rt_stop(rt);
	inc = holder_take();
	if (rt->tl != NULL) {
		timeline_set_recorder(rt->tl, NULL, NULL);
	}
	incident_close(inc);
	pthread_mutex_destroy(&rt->lock);
	pthread_cond_destroy(&rt->cond);
	free(rt->dir);
	free(rt->demo_dir);
	free(rt);
}

/* ---- questions ---------------------------------------------------------- */

struct incident *
incident_rt_incident(struct incident_rt *rt)
{
	return rt != NULL ? rt->inc : NULL;
}

bool
incident_rt_declaring(struct incident_rt *rt)
{
	return rt->declaring;
}

const char *
incident_rt_dir(struct incident_rt *rt)
{
	return rt->dir;
}

void
incident_rt_use_demo_dir(struct incident_rt *rt)
{
	free(rt->dir);
	rt->dir = xstrdup(rt->demo_dir);
}

const struct incident_policy *
incident_rt_policy(struct incident_rt *rt)
{
	return &rt->pol;
}

const char *
incident_rt_who(struct incident_rt *rt)
{
	return rt->who;
}

void
incident_rt_view(struct incident_rt *rt, int64_t now_ms,
		 struct incident_rt_view *out)
{
	struct incident_info info;

	memset(out, 0, sizeof(*out));
	if (rt->inc == NULL) {
		out->declaring = rt->declaring;
		return;
	}
	incident_timers(rt->inc, now_ms, &out->timers);
	incident_get(rt->inc, &info);
	out->active = true;
	strlcpy_safe(out->id, info.id, sizeof(out->id));
	out->severity = info.severity;
	out->status = info.status;
	out->declared_ms = info.declared_ms;
	incident_info_finish(&info);
	out->journal_failed = !incident_healthy(rt->inc, out->journal_msg,
						sizeof(out->journal_msg));
}
