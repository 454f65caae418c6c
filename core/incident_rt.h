/* The incident at run time: the one incident of the process that the
 * action gate and the timeline's recorder journal to, and a worker thread
 * that does what waits for the disk -- declaring, writing the operator's
 * changes (notes, status, severity, updates sent) before they are
 * acknowledged, flushing the journal before an export, writing exports
 * (post-mortem, status updates) to files. The UI queues work here and
 * shows what comes back. UI thread (or the main thread before and after
 * the UI) unless a function says otherwise. */
#ifndef WARROOM_INCIDENT_RT_H
#define WARROOM_INCIDENT_RT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/action.h"
#include "core/err.h"
#include "core/incident.h"

struct rules_tracker;
struct state;
struct timeline;

struct incident_rt_opts {
	const char *dir;                /* journal directory */
	const char *demo_dir;           /* the demo's; NULL: dir */
	const struct incident_policy *pol;      /* NULL: the runbooks' */
	/* The findings' tracker (may be NULL): what is open when the
	 * incident is resolved is written as such, and a resumed incident's
	 * open findings are seeded into it. */
	struct rules_tracker *tracker;
};

/* Starts the worker and installs incident_rt_gate on act (act and tl may
 * be NULL); finished work wakes st (may be NULL). Strings and the policy
 * are copied. One per process: the gate and the recorder reach its incident
 * through a process-wide holder. Main thread. */
struct incident_rt *incident_rt_new(struct state *st, struct timeline *tl,
				    struct actions *act,
				    const struct incident_rt_opts *o);
/* Stops the worker after its current job; queued and unclaimed work is
 * dropped. Main thread, after the UI. */
void incident_rt_stop(struct incident_rt *rt);
/* Stops the worker, detaches the incident from the gate and the timeline,
 * closes it (writing what is queued) and frees rt. After actions_free().
 * Waits for the disk. */
void incident_rt_free(struct incident_rt *rt);

/* Declare or resume now, waiting for the disk: main thread, before the UI
 * starts. commander NULL means $USER. Return 0, or -1 with err set. */
int incident_rt_declare_now(struct incident_rt *rt, const char *title,
			    enum incident_sev sev, const char *commander,
			    struct err *err);
int incident_rt_resume_now(struct incident_rt *rt, const char *id,
			   struct err *err);

/* The incident, or NULL until one is declared (a queued declaration counts
 * once incident_rt_take() returned it). Owned by rt. */
struct incident *incident_rt_incident(struct incident_rt *rt);
/* True between incident_rt_declare() and the take of its result. */
bool incident_rt_declaring(struct incident_rt *rt);
/* Where incidents are declared: the journal directory, or the demo's
 * after incident_rt_use_demo_dir(). Owned by rt. */
const char *incident_rt_dir(struct incident_rt *rt);
void incident_rt_use_demo_dir(struct incident_rt *rt);
/* The policy in force, owned by rt. */
const struct incident_policy *incident_rt_policy(struct incident_rt *rt);
/* The operator, as actions_who() says (owned by rt). */
const char *incident_rt_who(struct incident_rt *rt);

/* ---- work for the worker ---- */

enum incident_rt_job {
	INCIDENT_RT_DECLARE,
	INCIDENT_RT_POSTMORTEM,
	INCIDENT_RT_UPDATE,             /* a status update: Slack and email */
	/* The operator's changes, acknowledged once written. */
	INCIDENT_RT_NOTE,
	INCIDENT_RT_IMPACT,
	INCIDENT_RT_STATUS,
	INCIDENT_RT_SEVERITY,
	INCIDENT_RT_UPDATE_SENT,
};

/* Queues the declaration of an incident in incident_rt_dir() (commander
 * NULL: $USER; security marks it a security incident). Strings are
 * copied. None must be declared or declaring. */
void incident_rt_declare(struct incident_rt *rt, const char *title,
			 enum incident_sev sev, const char *commander,
			 bool security);
/* Queues an export of the incident (which must exist): everything
 * journaled so far is flushed, drafted and written beside the journal as
 * ID-postmortem.md or ID-update-N.txt (0600). */
void incident_rt_export(struct incident_rt *rt, enum incident_rt_job job);

/* Queue a change of the incident (which must exist) for the worker, which
 * writes it and waits for its fsync; incident_rt_take() then says whether
 * it was written. Strings are copied. A note, the impact, a status, a
 * severity (security marks it a security incident), a status update sent
 * on channel ("slack", "email") with its text. */
void incident_rt_note(struct incident_rt *rt, const char *text);
void incident_rt_impact(struct incident_rt *rt, const char *text);
void incident_rt_set_status(struct incident_rt *rt, enum incident_status st);
void incident_rt_set_severity(struct incident_rt *rt, enum incident_sev sev,
			      bool security);
void incident_rt_mark_sent(struct incident_rt *rt, const char *channel,
			   const char *text);

/* Finished work, as the UI reads it. */
struct incident_rt_result {
	enum incident_rt_job job;
	bool ok;
	/* Why it failed; for a saved export, a warning (the journal failed
	 * and the export lacks what it did not write); else "". */
	char msg[ERR_MSG_MAX + 64];
	char id[24];                    /* the incident's; "" if none */
	/* INCIDENT_RT_DECLARE, _SEVERITY: asked for */
	enum incident_sev sev;
	enum incident_status status;    /* INCIDENT_RT_STATUS: asked for */
	bool security;                  /* INCIDENT_RT_SEVERITY: marked */
	char channel[16];               /* INCIDENT_RT_UPDATE_SENT */
	/* Exports. Owned by the result: incident_rt_result_finish(). */
	char *text;                     /* the post-mortem, or the Slack text */
	char *email;                    /* INCIDENT_RT_UPDATE */
	char *path;                     /* the file (to be) written */
	/* INCIDENT_RT_UPDATE, _UPDATE_SENT: its number */
	int update_no;
};

/* Pops one finished job into *out; false when none. A declaration taken
 * here makes its incident incident_rt_incident(). */
bool incident_rt_take(struct incident_rt *rt, struct incident_rt_result *out);
void incident_rt_result_finish(struct incident_rt_result *res);

/* ---- what the header shows ---- */

struct incident_rt_view {
	bool active;                    /* an incident is declared */
	bool declaring;                 /* none yet; one is being declared */
	/* The rest only when active. */
	char id[24];
	enum incident_sev severity;
	enum incident_status status;
	int64_t declared_ms;            /* wall ms, UTC */
	/* At now_ms; escalations with new_now were emitted by this call
	 * (journal + timeline prompt). */
	struct incident_timers timers;
	bool journal_failed;            /* the journal refuses writes */
	char journal_msg[ERR_MSG_MAX];  /* why, when it does */
};

/* Reads the incident at now_ms (wall ms). Never waits for the disk. */
void incident_rt_view(struct incident_rt *rt, int64_t now_ms,
		      struct incident_rt_view *out);

/* The action gate: intent before an action runs, result after, journaled
 * to the incident; a destructive action is refused without an incident or
 * with a failed journal. Installed by incident_rt_new(); inert once the
 * incident is closed. Action worker (any thread). */
extern const struct action_gate incident_rt_gate;

#endif
