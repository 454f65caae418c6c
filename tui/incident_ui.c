/* The incident in the dashboard (see incident_ui.h): its life, the action
 * gate, the worker, the header's view and the exports' results; the keys
 * and dialogs are in incident_ui_keys.c. The UI thread changes the record
 * only through calls that queue; what waits for the disk -- declaring,
 * flushing the journal before an export, writing export files -- runs on
 * this file's worker thread, whose results the loop picks up in
 * incident_ui_collect(). The gate and the timeline sink reach the incident
 * through a process-wide holder that counts its users, so an action worker
 * that outlives the dashboard never touches a closed incident. */
#include "tui/incident_ui.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/export.h"
#include "core/journal.h"
#include "core/sanitize.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/incident_ui_internal.h"
#include "tui/term.h"

/* ---- the holder: the incident the gate and the sink write to ---------- */

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
	seq = incident_action_intent(inc, req->source, req->who,
				     ACTION_SPEC(req)->name, action_req_target(req), op, text,
				     err);
	holder_put();
	return seq;
}

static void
gate_result(void *ctx, int64_t token, const struct action_req *req, bool ok,
	    const char *message)
{
	struct incident *inc;
	struct err err = { { 0 } };

	(void)ctx;
	if (token < 0 || (inc = holder_get()) == NULL) {
		return;
	}
	/* A failure leaves the journal failed: the header says so. */
	incident_action_result(inc, token, req->source, req->who,
			       ACTION_SPEC(req)->name, action_req_target(req), ok, message,
			       &err);
	holder_put();
}

const struct action_gate incident_ui_gate = {
	.intent = gate_intent,
	.result = gate_result,
	.ctx = NULL,
};

static void
holder_sink(void *ctx, const struct tl_entry *e)
{
	struct incident *inc = holder_get();

	(void)ctx;
	if (inc != NULL) {
		incident_timeline_sink(inc, e);
		holder_put();
	}
}

/* ---- the worker --------------------------------------------------------- */

static void
job_free(struct job *j)
{
	free(j->dir);
	free(j->text);
	free(j->email);
	free(j->path);
	free(j);
}

/* Makes inc the incident of the gate and the timeline. Waits for the disk
 * (incident_attach flushes): main thread or the worker. */
static void
attach(struct incident_ui *iu, struct incident *inc)
{
	holder_set(inc);
	if (iu->tl != NULL) {
		/* The sink first: entries appended meanwhile are caught up by
		 * the attach. */
		timeline_set_sink(iu->tl, holder_sink, NULL);
		incident_attach(inc, iu->tl);
	}
}

static int
write_file(const char *path, const char *text, struct err *err)
{
	size_t len = strlen(text), off = 0;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		return err_set(err, "cannot write %s: %s", path,
			       strerror(errno));
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			rc = err_set(err, "cannot write %s: %s", path,
				     strerror(n < 0 ? errno : EIO));
			break;
		}
		off += (size_t)n;
	}
	if (rc == 0 && fsync(fd) < 0) {
		rc = err_set(err, "cannot write %s: %s", path,
			     strerror(errno));
	}
	close(fd);
	return rc;
}

/* The directory of the incident's journal file. */
static char *
journal_dir_of(struct incident *inc)
{
	const char *path = journal_path(incident_journal(inc));
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		return xstrdup(".");
	}
	return xstrndup(path, (size_t)(slash - path));
}

static char *
draft(const struct incident_info *info, const struct journal_rec *recs,
      size_t n, int64_t now, int kind)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL) {
		return xstrdup("");
	}
	if (kind < 0) {
		export_postmortem(info, recs, n, f);
	} else {
		export_status_update(info, recs, n, info->last_update_ms, now,
				     (enum export_format)kind, f);
	}
	fclose(f);
	return buf;
}

static void
run_export(struct job *job)
{
	struct incident_info info;
	struct journal_rec *recs;
	struct err err = { { 0 } };
	size_t n;
	char *dir, *file;
	bool flushed;

	/* Everything queued so far reaches the records first. */
	flushed = journal_flush(incident_journal(job->inc)) == 0;
	incident_get(job->inc, &info);
	recs = incident_records(job->inc, &n);
	dir = journal_dir_of(job->inc);
	if (job->kind == JOB_POSTMORTEM) {
		job->text = draft(&info, recs, n, 0, -1);
		job->path = xasprintf("%s/%s-postmortem.md", dir, info.id);
		file = xstrdup(job->text);
	} else {
		int64_t now = clock_wall_ms();

		job->text = draft(&info, recs, n, now, EXPORT_SLACK);
		job->email = draft(&info, recs, n, now, EXPORT_EMAIL);
		job->update_no = info.n_updates + 1;
		job->path = xasprintf("%s/%s-update-%d.txt", dir, info.id,
				      job->update_no);
		file = xasprintf("Slack\n-----\n%s\nEmail\n-----\n%s",
				 job->text, job->email);
	}
	job->ok = write_file(job->path, file, &err) == 0;
	if (!job->ok) {
		snprintf(job->msg, sizeof(job->msg), "%s", err.msg);
	} else if (!flushed) {
		snprintf(job->msg, sizeof(job->msg), "the journal failed: "
			 "records not written are missing");
	}
	free(file);
	free(dir);
	journal_recs_free(recs, n);
	incident_info_finish(&info);
}

static void
run_job(struct incident_ui *iu, struct job *job)
{
	struct err err = { { 0 } };

	switch (job->kind) {
	case JOB_DECLARE:
		job->declared = incident_declare(job->dir, job->title,
						 job->sev,
						 job->commander[0] ?
						 job->commander : NULL,
						 &iu->pol, &err);
		job->ok = job->declared != NULL;
		if (job->ok) {
			if (job->security) {
				incident_set_security(job->declared, iu->who);
			}
			attach(iu, job->declared);
		} else {
			snprintf(job->msg, sizeof(job->msg), "%s", err.msg);
		}
		break;
	case JOB_POSTMORTEM:
	case JOB_UPDATE:
		run_export(job);
		break;
	}
}

static void *
worker_main(void *arg)
{
	struct incident_ui *iu = arg;
	struct job *job;

	pthread_mutex_lock(&iu->lock);
	for (;;) {
		while (!iu->stop && iu->jobs == NULL) {
			pthread_cond_wait(&iu->cond, &iu->lock);
		}
		if (iu->stop) {
			break;
		}
		job = iu->jobs;
		iu->jobs = job->next;
		if (iu->jobs == NULL) {
			iu->jobs_tail = NULL;
		}
		pthread_mutex_unlock(&iu->lock);

		run_job(iu, job);

		pthread_mutex_lock(&iu->lock);
		job->next = NULL;
		if (iu->done_tail != NULL) {
			iu->done_tail->next = job;
		} else {
			iu->done = job;
		}
		iu->done_tail = job;
		if (iu->st != NULL) {
			state_wakeup(iu->st);
		}
	}
	pthread_mutex_unlock(&iu->lock);
	return NULL;
}

void
incident_ui_queue(struct incident_ui *iu, struct job *job)
{
	pthread_mutex_lock(&iu->lock);
	if (iu->jobs_tail != NULL) {
		iu->jobs_tail->next = job;
	} else {
		iu->jobs = job;
	}
	iu->jobs_tail = job;
	pthread_cond_signal(&iu->cond);
	pthread_mutex_unlock(&iu->lock);
}

/* ---- life --------------------------------------------------------------- */

struct incident_ui *
incident_ui_new(struct state *st, struct timeline *tl, struct actions *act,
		const struct incident_ui_opts *o)
{
	struct incident_ui *iu = xcalloc(1, sizeof(*iu));
	const char *env_user = getenv("USER");
	sigset_t saved;

	iu->st = st;
	iu->tl = tl;
	iu->act = act;
	iu->dir = xstrdup(o->dir);
	iu->demo_dir = xstrdup(o->demo_dir != NULL ? o->demo_dir : o->dir);
	iu->webhook_file = o->slack_webhook_file != NULL ?
			   xstrdup(o->slack_webhook_file) : NULL;
	if (o->pol != NULL) {
		iu->pol = *o->pol;
	} else {
		incident_policy_default(&iu->pol);
	}
	actions_who(iu->who, sizeof(iu->who));
	if (env_user != NULL && env_user[0] != '\0') {
		strlcpy_safe(iu->user, env_user, sizeof(iu->user));
	} else {
		snprintf(iu->user, sizeof(iu->user), "%.*s",
			 (int)strcspn(iu->who, " "), iu->who);
	}
	iu->last_second = -1;
	iu->start_role = ROLE_STATUS;
	iu->quiet = o->quiet;
	pthread_mutex_init(&iu->lock, NULL);
	pthread_cond_init(&iu->cond, NULL);
	if (act != NULL) {
		actions_set_gate(act, &incident_ui_gate);
	}
	/* The loop's signals stay with the UI thread. */
	term_block_signals(&saved);
	iu->started = pthread_create(&iu->thread, NULL, worker_main, iu) == 0;
	term_unblock_signals(&saved);
	return iu;
}

int
incident_ui_declare_now(struct incident_ui *iu, const char *title,
			enum incident_sev sev, const char *commander,
			struct err *err)
{
	struct incident *inc;

	inc = incident_declare(iu->dir, title, sev, commander, &iu->pol, err);
	if (inc == NULL) {
		return -1;
	}
	attach(iu, inc);
	iu->inc = inc;
	snprintf(iu->start_msg, sizeof(iu->start_msg), "declared %s (%s); "
		 "? shows its journal", incident_id(inc),
		 incident_sev_name(sev));
	return 0;
}

int
incident_ui_resume_now(struct incident_ui *iu, const char *id,
		       struct err *err)
{
	struct journal_load_report rep;
	struct incident *inc;

	inc = incident_resume(iu->dir, id, &iu->pol, err);
	if (inc == NULL) {
		return -1;
	}
	attach(iu, inc);
	iu->inc = inc;
	incident_load_report(inc, &rep);
	if (rep.msg[0] != '\0') {
		snprintf(iu->start_msg, sizeof(iu->start_msg), "resumed %s; "
			 "%s", id, rep.msg);
		iu->start_role = ROLE_WARN;
	} else {
		snprintf(iu->start_msg, sizeof(iu->start_msg), "resumed %s "
			 "with %zu timeline entries", id,
			 iu->tl != NULL ? timeline_count(iu->tl) : 0);
	}
	return 0;
}

struct incident *
incident_ui_incident(struct incident_ui *iu)
{
	return iu != NULL ? iu->inc : NULL;
}

void
incident_ui_stop(struct incident_ui *iu)
{
	struct job *j, *next;

	if (iu == NULL || !iu->started) {
		return;
	}
	pthread_mutex_lock(&iu->lock);
	iu->stop = true;
	pthread_cond_signal(&iu->cond);
	pthread_mutex_unlock(&iu->lock);
	pthread_join(iu->thread, NULL);
	iu->started = false;
	for (j = iu->jobs; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
	/* A declared incident not yet taken up is in the holder. */
	for (j = iu->done; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
	iu->jobs = iu->jobs_tail = iu->done = iu->done_tail = NULL;
}

void
incident_ui_free(struct incident_ui *iu)
{
	struct incident *inc;

	if (iu == NULL) {
		return;
	}
	incident_ui_stop(iu);
	inc = holder_take();
	if (iu->tl != NULL) {
		timeline_set_sink(iu->tl, NULL, NULL);
	}
	incident_close(inc);
	pthread_mutex_destroy(&iu->lock);
	pthread_cond_destroy(&iu->cond);
	free(iu->dir);
	free(iu->demo_dir);
	free(iu->webhook_file);
	free(iu->overlay_text);
	free(iu->slack_text);
	free(iu->email_text);
	free(iu->update_path);
	free(iu->slack_posting);
	free(iu);
}

/* ---- the header --------------------------------------------------------- */

static enum app_timer
timer_of(enum incident_timer_state s)
{
	switch (s) {
	case INCIDENT_TIMER_OK:
		return APP_TIMER_OK;
	case INCIDENT_TIMER_WARN:
		return APP_TIMER_WARN;
	case INCIDENT_TIMER_CRIT:
		return APP_TIMER_CRIT;
	case INCIDENT_TIMER_NONE:
		break;
	}
	return APP_TIMER_NONE;
}

/* The timers (escalation prompts are emitted here) and the header's
 * view, once a second. */
void
incident_ui_tick(struct app *a)
{
	struct incident_ui *iu = a->iu;
	struct app_incident ai;
	struct incident_timers t;
	struct incident_info info;
	char msg[ERR_MSG_MAX];

	memset(&ai, 0, sizeof(ai));
	if (iu->inc == NULL) {
		ai.declaring = iu->declaring;
		if (memcmp(&ai, &a->incident, sizeof(ai)) != 0) {
			app_set_incident(a, &ai);
		}
		return;
	}
	incident_timers(iu->inc, clock_wall_ms(), &t);
	incident_get(iu->inc, &info);
	ai.active = true;
	strlcpy_safe(ai.id, info.id, sizeof(ai.id));
	strlcpy_safe(ai.severity, incident_sev_name(info.severity),
		     sizeof(ai.severity));
	strlcpy_safe(ai.status, incident_status_name(info.status),
		     sizeof(ai.status));
	ai.started_wall_ms = info.declared_ms;
	ai.resolved = info.status == INCIDENT_RESOLVED;
	ai.elapsed_ms = t.elapsed_ms;
	ai.update_state = timer_of(t.update_state);
	ai.update_in_ms = t.update_in_ms;
	incident_info_finish(&info);
	ai.journal_failed = !incident_healthy(iu->inc, msg, sizeof(msg));
	app_set_incident(a, &ai);

	for (size_t i = 0; i < t.n_escalations; i++) {
		if (t.escalations[i].new_now) {
			app_set_status(a, ROLE_WARN, "%s (see the Timeline)",
				       t.escalations[i].text);
		}
	}
	if (ai.journal_failed && !iu->failure_shown) {
		iu->failure_shown = true;
		app_set_status(a, ROLE_CRIT, "%s", msg);
	}
}

/* ---- exports ------------------------------------------------------------ */

static void
show_export(struct app *a, const char *title, const char *text,
	    const char *hint)
{
	if (dialog_is_open(&a->dlg)) {
		return;
	}
	textview_set(&a->tv, text);
	snprintf(a->overlay_title, sizeof(a->overlay_title), " %s ", title);
	strlcpy_safe(a->overlay_hint, hint, sizeof(a->overlay_hint));
	a->overlay = OVERLAY_EXPORT;
	a->dirty_overlay = true;
}

static void
take_postmortem(struct app *a, struct job *job)
{
	struct incident_ui *iu = a->iu;
	char title[96];

	free(iu->overlay_text);
	iu->overlay_text = xstrdup(job->text);
	iu->overlay_update = false;
	snprintf(title, sizeof(title), "Post-mortem draft of %s",
		 incident_id(job->inc));
	show_export(a, title, job->text, " c copy  Esc close  j k PgUp PgDn "
		    "scroll ");
	if (job->ok) {
		app_set_status(a, job->msg[0] ? ROLE_WARN : ROLE_OK,
			       "post-mortem saved to %s%s%s", job->path,
			       job->msg[0] ? "; " : "", job->msg);
	} else {
		app_set_status(a, ROLE_CRIT, "post-mortem not saved: %s",
			       job->msg);
	}
}

static void
take_update(struct app *a, struct job *job)
{
	struct incident_ui *iu = a->iu;
	char title[96], *text;

	free(iu->slack_text);
	free(iu->email_text);
	free(iu->update_path);
	iu->slack_text = xstrdup(job->text);
	iu->email_text = xstrdup(job->email);
	iu->update_path = job->ok ? xstrdup(job->path) : NULL;
	iu->update_no = job->update_no;
	iu->overlay_update = true;
	iu->copied = "slack";
	text = xasprintf("Slack\n-----\n%s\nEmail\n-----\n%s", job->text,
			 job->email);
	snprintf(title, sizeof(title), "Status update #%d of %s (draft)",
		 job->update_no, incident_id(job->inc));
	show_export(a, title, text, iu->webhook_file != NULL ?
		    " c copy Slack  e copy email  m mark sent  s post to "
		    "Slack  Esc close " :
		    " c copy Slack  e copy email  m mark sent  Esc close ");
	free(text);
	if (job->ok) {
		app_set_status(a, ROLE_OK, "status update #%d drafted, saved "
			       "to %s; c copies it, m marks it sent",
			       job->update_no, job->path);
	} else {
		app_set_status(a, ROLE_CRIT, "status update not saved: %s",
			       job->msg);
	}
}

static void
take_declared(struct app *a, struct job *job)
{
	struct incident_ui *iu = a->iu;

	iu->declaring = false;
	if (!job->ok) {
		app_set_status(a, ROLE_CRIT, "declaring failed: %s", job->msg);
		return;
	}
	iu->inc = job->declared;
	app_set_status(a, ROLE_OK, "declared %s (%s); ? shows its journal",
		       incident_id(iu->inc), incident_sev_name(job->sev));
}

void
incident_ui_collect(struct app *a)
{
	struct incident_ui *iu = a->iu;
	struct job *j, *next;
	int64_t sec;
	bool changed = false;

	if (iu == NULL) {
		return;
	}
	if (iu->start_msg[0] != '\0' && !iu->quiet) {
		app_set_status(a, iu->start_role, "%s", iu->start_msg);
		iu->start_msg[0] = '\0';
	}
	pthread_mutex_lock(&iu->lock);
	j = iu->done;
	iu->done = iu->done_tail = NULL;
	pthread_mutex_unlock(&iu->lock);
	for (; j != NULL; j = next) {
		next = j->next;
		switch (j->kind) {
		case JOB_DECLARE:
			take_declared(a, j);
			break;
		case JOB_POSTMORTEM:
			take_postmortem(a, j);
			break;
		case JOB_UPDATE:
			take_update(a, j);
			break;
		}
		changed = true;
		job_free(j);
	}
	sec = clock_wall_ms() / 1000;
	if (changed || sec != iu->last_second) {
		iu->last_second = sec;
		incident_ui_tick(a);
	}
}

char *
incident_ui_help(struct incident_ui *iu)
{
	struct incident_info info;
	char *s;

	if (iu == NULL || iu->inc == NULL) {
		return xasprintf("No incident declared (i declares one; "
				 "journals go to %s).\n",
				 iu != NULL ? iu->dir : "?");
	}
	incident_get(iu->inc, &info);
	s = xasprintf("%s: %s\n  %s, %s, commander %s\n  journal %s\n"
		      "  exports (P, u) are saved beside it; --read-only "
		      "keeps notes, status and exports\n",
		      info.id, info.title, incident_sev_name(info.severity),
		      incident_status_name(info.status), info.commander,
		      journal_path(incident_journal(iu->inc)));
	incident_info_finish(&info);
	return s;
}

bool
incident_ui_allows(struct app *a, const struct action_spec *d)
{
	char msg[ERR_MSG_MAX];

	if (!d->destructive || a->iu == NULL) {
		return true;
	}
	if (a->iu->inc == NULL) {
		app_set_status(a, ROLE_WARN, "declare an incident first (i): "
			       "%s must be journaled to it", d->label);
		return false;
	}
	/* The worker would refuse it too; say so before the dialog. */
	if (!incident_healthy(a->iu->inc, msg, sizeof(msg))) {
		app_set_status(a, ROLE_CRIT, "%s refused: %s", d->label, msg);
		return false;
	}
	return true;
}

void
incident_ui_action_done(struct app *a, const struct action_done *d)
{
	struct incident_ui *iu = a->iu;

	if (iu == NULL || d->is_preview || d->id == 0 ||
	    d->id != iu->slack_id) {
		return;
	}
	iu->slack_id = 0;
	if (!d->ok) {
		app_set_status(a, ROLE_CRIT, "Slack post failed: %s",
			       d->message);
		return;
	}
	if (iu->inc != NULL) {
		incident_mark_update_sent(iu->inc, iu->who, "slack",
					  iu->slack_posting ?
					  iu->slack_posting : "");
	}
	incident_ui_tick(a);
	app_set_status(a, ROLE_OK, "status update #%d posted to Slack; the "
		       "update timer restarts", iu->update_no);
}

