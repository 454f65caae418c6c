/* The incident in the dashboard (see incident_ui.h): its start, the
 * header's view and what the runtime's worker finished (the exports shown
 * in the overlay); the keys and dialogs are in incident_ui_keys.c. The
 * UI thread changes the record only through calls that queue; what waits
 * for the disk runs in core/incident_rt. UI thread; the main thread before
 * and after the UI. */
#include "tui/incident_ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/incident_rt.h"
#include "core/journal.h"
#include "core/sanitize.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/incident_ui_internal.h"

/* ---- life --------------------------------------------------------------- */

struct incident_ui *
incident_ui_new(struct state *st, struct timeline *tl, struct actions *act,
		const struct incident_ui_opts *o)
{
	struct incident_ui *iu = xcalloc(1, sizeof(*iu));
	struct incident_rt_opts ro = {
		.dir = o->dir,
		.demo_dir = o->demo_dir,
		.pol = o->pol,
		.tracker = o->tracker,
	};
	const char *env_user = getenv("USER");
	const char *who;

	iu->rt = incident_rt_new(st, tl, act, &ro);
	iu->tl = tl;
	iu->act = act;
	iu->webhook_file = o->slack_webhook_file != NULL ?
			   xstrdup(o->slack_webhook_file) : NULL;
	who = incident_rt_who(iu->rt);
	if (env_user != NULL && env_user[0] != '\0') {
		strlcpy_safe(iu->user, env_user, sizeof(iu->user));
	} else {
		snprintf(iu->user, sizeof(iu->user), "%.*s",
			 (int)strcspn(who, " "), who);
	}
	iu->last_second = -1;
	iu->start_role = ROLE_STATUS;
	iu->quiet = o->quiet;
	return iu;
}

int
incident_ui_declare_now(struct incident_ui *iu, const char *title,
			enum incident_sev sev, const char *commander,
			struct err *err)
{
	if (incident_rt_declare_now(iu->rt, title, sev, commander, err) < 0) {
		return -1;
	}
	snprintf(iu->start_msg, sizeof(iu->start_msg), "declared %s (%s); "
		 "? shows its journal", incident_id(incident_ui_incident(iu)),
		 incident_sev_name(sev));
	return 0;
}

int
incident_ui_resume_now(struct incident_ui *iu, const char *id,
		       struct err *err)
{
	struct journal_load_report rep;

	if (incident_rt_resume_now(iu->rt, id, err) < 0) {
		return -1;
	}
	incident_load_report(incident_ui_incident(iu), &rep);
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
	return iu != NULL ? incident_rt_incident(iu->rt) : NULL;
}

void
incident_ui_stop(struct incident_ui *iu)
{
	if (iu != NULL) {
		incident_rt_stop(iu->rt);
	}
}

void
incident_ui_free(struct incident_ui *iu)
{
	if (iu == NULL) {
		return;
	}
	incident_rt_free(iu->rt);
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
	struct incident_rt_view v;
	struct app_incident ai;

	incident_rt_view(iu->rt, clock_wall_ms(), &v);
	memset(&ai, 0, sizeof(ai));
	if (!v.active) {
		ai.declaring = v.declaring;
		if (memcmp(&ai, &a->incident, sizeof(ai)) != 0) {
			app_set_incident(a, &ai);
		}
		return;
	}
	ai.active = true;
	strlcpy_safe(ai.id, v.id, sizeof(ai.id));
	strlcpy_safe(ai.severity, incident_sev_name(v.severity),
		     sizeof(ai.severity));
	strlcpy_safe(ai.status, incident_status_name(v.status),
		     sizeof(ai.status));
	ai.started_wall_ms = v.declared_ms;
	ai.resolved = v.status == INCIDENT_RESOLVED;
	ai.elapsed_ms = v.timers.elapsed_ms;
	ai.update_state = timer_of(v.timers.update_state);
	ai.update_in_ms = v.timers.update_in_ms;
	ai.journal_failed = v.journal_failed;
	app_set_incident(a, &ai);

	for (size_t i = 0; i < v.timers.n_escalations; i++) {
		if (v.timers.escalations[i].new_now) {
			app_set_status(a, ROLE_WARN, "%s (see the Timeline)",
				       v.timers.escalations[i].text);
		}
	}
	if (v.journal_failed && !iu->failure_shown) {
		iu->failure_shown = true;
		app_set_status(a, ROLE_CRIT, "%s: destructive actions, notes "
			       "and status changes are refused", v.journal_msg);
	}
}

/* ---- what the worker finished ------------------------------------------- */

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
take_postmortem(struct app *a, const struct incident_rt_result *r)
{
	struct incident_ui *iu = a->iu;
	char title[96];

	free(iu->overlay_text);
	iu->overlay_text = xstrdup(r->text);
	iu->overlay_update = false;
	snprintf(title, sizeof(title), "Post-mortem draft of %s", r->id);
	show_export(a, title, r->text, " c copy  Esc close  j k PgUp PgDn "
		    "scroll ");
	if (r->ok) {
		app_set_status(a, r->msg[0] ? ROLE_WARN : ROLE_OK,
			       "post-mortem saved to %s%s%s", r->path,
			       r->msg[0] ? "; " : "", r->msg);
	} else {
		app_set_status(a, ROLE_CRIT, "post-mortem not saved: %s",
			       r->msg);
	}
}

static void
take_update(struct app *a, const struct incident_rt_result *r)
{
	struct incident_ui *iu = a->iu;
	char title[96], *text;

	free(iu->slack_text);
	free(iu->email_text);
	free(iu->update_path);
	iu->slack_text = xstrdup(r->text);
	iu->email_text = xstrdup(r->email);
	iu->update_path = r->ok ? xstrdup(r->path) : NULL;
	iu->update_no = r->update_no;
	iu->overlay_update = true;
	iu->copied = "slack";
	text = xasprintf("Slack\n-----\n%s\nEmail\n-----\n%s", r->text,
			 r->email);
	snprintf(title, sizeof(title), "Status update #%d of %s (draft)",
		 r->update_no, r->id);
	show_export(a, title, text, iu->webhook_file != NULL ?
		    " c copy Slack  e copy email  m mark sent  s post to "
		    "Slack  Esc close " :
		    " c copy Slack  e copy email  m mark sent  Esc close ");
	free(text);
	if (r->ok) {
		app_set_status(a, ROLE_OK, "status update #%d drafted, saved "
			       "to %s; c copies it, m marks it sent",
			       r->update_no, r->path);
	} else {
		app_set_status(a, ROLE_CRIT, "status update not saved: %s",
			       r->msg);
	}
}

/* A change the worker wrote (or could not): only now is it done. */
static void
take_change(struct app *a, const struct incident_rt_result *r)
{
	static const char *const what[] = {
		[INCIDENT_RT_NOTE] = "note",
		[INCIDENT_RT_IMPACT] = "impact",
		[INCIDENT_RT_STATUS] = "status change",
		[INCIDENT_RT_SEVERITY] = "severity change",
		[INCIDENT_RT_UPDATE_SENT] = "status update mark",
	};

	if (!r->ok) {
		app_set_status(a, ROLE_CRIT, "%s not written to %s: %s",
			       what[r->job], r->id, r->msg);
		/* This says why; the header says JOURNAL FAILED. */
		a->iu->failure_shown = true;
		return;
	}
	switch (r->job) {
	case INCIDENT_RT_NOTE:
		app_set_status(a, ROLE_OK, "note added to %s", r->id);
		break;
	case INCIDENT_RT_IMPACT:
		app_set_status(a, ROLE_OK, "impact stated for %s", r->id);
		break;
	case INCIDENT_RT_STATUS:
		if (r->status == INCIDENT_RESOLVED) {
			app_set_status(a, ROLE_OK, "%s resolved: its record "
				       "is closed; P writes the post-mortem, "
				       "u the resolution notice", r->id);
		} else {
			app_set_status(a, ROLE_OK, "%s is now %s", r->id,
				       incident_status_name(r->status));
		}
		break;
	case INCIDENT_RT_SEVERITY:
		app_set_status(a, ROLE_OK, "%s is now %s%s", r->id,
			       incident_sev_name(r->sev), r->security ?
			       ", a security incident" : "");
		break;
	case INCIDENT_RT_UPDATE_SENT:
		app_set_status(a, ROLE_OK, "status update #%d marked as sent "
			       "(%s); the update timer restarts", r->update_no,
			       r->channel);
		break;
	default:
		break;
	}
}

static void
take_declared(struct app *a, const struct incident_rt_result *r)
{
	if (!r->ok) {
		app_set_status(a, ROLE_CRIT, "declaring failed: %s", r->msg);
		return;
	}
	app_set_status(a, ROLE_OK, "declared %s (%s); ? shows its journal",
		       r->id, incident_sev_name(r->sev));
}

void
incident_ui_collect(struct app *a)
{
	struct incident_ui *iu = a->iu;
	struct incident_rt_result r;
	int64_t sec;
	bool changed = false;

	if (iu == NULL) {
		return;
	}
	if (iu->start_msg[0] != '\0' && !iu->quiet) {
		app_set_status(a, iu->start_role, "%s", iu->start_msg);
		iu->start_msg[0] = '\0';
	}
	while (incident_rt_take(iu->rt, &r)) {
		switch (r.job) {
		case INCIDENT_RT_DECLARE:
			take_declared(a, &r);
			break;
		case INCIDENT_RT_POSTMORTEM:
			take_postmortem(a, &r);
			break;
		case INCIDENT_RT_UPDATE:
			take_update(a, &r);
			break;
		default:
			take_change(a, &r);
			break;
		}
		changed = true;
		incident_rt_result_finish(&r);
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
	struct incident *inc = incident_ui_incident(iu);
	struct incident_info info;
	char *s;

	if (inc == NULL) {
		return xasprintf("No incident declared (i declares one; "
				 "journals go to %s).\n",
				 iu != NULL ? incident_rt_dir(iu->rt) : "?");
	}
	incident_get(inc, &info);
	s = xasprintf("%s: %s\n  %s, %s, commander %s\n  journal %s\n"
		      "  exports (P, u) are saved beside it; --read-only "
		      "keeps notes, status and exports\n",
		      info.id, info.title, incident_sev_name(info.severity),
		      incident_status_name(info.status), info.commander,
		      journal_path(incident_journal(inc)));
	incident_info_finish(&info);
	return s;
}

bool
incident_ui_allows(struct app *a, const struct action_spec *d)
{
	struct incident *inc = incident_ui_incident(a->iu);
	char msg[ERR_MSG_MAX];

	if (!d->destructive || a->iu == NULL) {
		return true;
	}
	if (inc == NULL) {
		app_set_status(a, ROLE_WARN, "declare an incident first (i): "
			       "%s must be journaled to it", d->label);
		return false;
	}
	/* The gate would refuse it too; say so before the dialog. */
	if (!incident_healthy(inc, msg, sizeof(msg))) {
		app_set_status(a, ROLE_CRIT, "%s refused: %s (its intent "
			       "must be on disk before it runs)", d->label,
			       msg);
		return false;
	}
	if (incident_closed(inc)) {
		app_set_status(a, ROLE_WARN, "%s refused: %s is resolved and "
			       "its record closed; reopen it (t) to act "
			       "under it", d->label, incident_id(inc));
		return false;
	}
	return true;
}

void
incident_ui_action_done(struct app *a, const struct action_done *d)
{
	struct incident_ui *iu = a->iu;
	struct incident *inc = incident_ui_incident(iu);

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
	if (inc != NULL) {
		/* Its result says when it is written. */
		incident_rt_mark_sent(iu->rt, "slack", iu->slack_posting ?
				      iu->slack_posting : "");
	}
	app_set_status(a, ROLE_OK, "status update #%d posted to Slack; "
		       "writing it to the record ...", iu->update_no);
}
