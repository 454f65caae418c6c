/* The incident in the dashboard: its keys and dialogs (declaring, notes,
 * status and severity), the header's view of it, and the export overlay
 * (post-mortem, status updates, the Slack post). What runs underneath --
 * the action gate, the journal's timeline sink, the worker that declares
 * and writes exports -- is core/incident_rt; this asks it and shows its
 * answers. UI thread unless a function says otherwise. */
#ifndef WARROOM_INCIDENT_UI_H
#define WARROOM_INCIDENT_UI_H

#include <stdbool.h>

#include "core/action.h"
#include "core/err.h"
#include "core/incident.h"
#include "widgets/dialog.h"

struct app;
struct rules_tracker;
struct state;
struct timeline;

struct incident_ui_opts {
	const char *dir;                /* journal directory */
	/* Where the demo's incidents go (declared when the demo starts from
	 * the first-run screen); NULL: dir. */
	const char *demo_dir;
	const struct incident_policy *pol;      /* NULL: the runbooks' */
	/* A file holding a Slack incoming-webhook URL, or NULL. */
	const char *slack_webhook_file;
	/* No start message on the status line (--snapshot). */
	bool quiet;
	/* The findings' tracker, or NULL (incident_rt_opts.tracker). */
	struct rules_tracker *tracker;
};

/* Starts the incident's runtime (its worker, the action gate on act; act
 * may be NULL). Strings are copied. Main thread, before the UI. */
struct incident_ui *incident_ui_new(struct state *st, struct timeline *tl,
				    struct actions *act,
				    const struct incident_ui_opts *o);

/* Declare or resume now, waiting for the disk: main thread, before the UI
 * starts. commander NULL means $USER. Return 0, or -1 with err set. */
int incident_ui_declare_now(struct incident_ui *iu, const char *title,
			    enum incident_sev sev, const char *commander,
			    struct err *err);
int incident_ui_resume_now(struct incident_ui *iu, const char *id,
			   struct err *err);

/* The incident, or NULL while none is declared. */
struct incident *incident_ui_incident(struct incident_ui *iu);

/* Queues the demo's incident on the worker (the demo was started from the
 * first-run screen). UI thread. */
void incident_ui_declare_demo(struct app *a);

/* The demo incident's title and severity. */
#define INCIDENT_UI_DEMO_TITLE "Checkout API returning 500s after deploy"
#define INCIDENT_UI_DEMO_SEVERITY INCIDENT_P1

/* Stops the runtime's worker after its current job. Main thread, after
 * the UI. */
void incident_ui_stop(struct incident_ui *iu);
/* Frees the runtime (incident_rt_free(): the incident is closed, what is
 * queued written) and iu. After actions_free(). */
void incident_ui_free(struct incident_ui *iu);

/* ---- hooks of the event loop (UI thread) ---- */

/* Takes the worker's finished jobs; once a wall second, the timers (which
 * emit escalation prompts) and the header's view. */
void incident_ui_collect(struct app *a);
/* A global key (n i t p P u); true when taken. */
bool incident_ui_key(struct app *a, int key);
/* A key for an open dialog of the incident's (the choosers); true when
 * taken, else the dialog handles it. */
bool incident_ui_dialog_key(struct app *a, int key, bool is_wchar);
/* A closed dialog of the incident's; false when tag is not one. */
bool incident_ui_dialog_done(struct app *a, int tag, enum dialog_result res);
/* A key in the export overlay (c e m s); true when taken. */
bool incident_ui_overlay_key(struct app *a, int key);
/* The incident for the help screen: id, title, severity, status,
 * commander and the journal's path (xmalloc'd). */
char *incident_ui_help(struct incident_ui *iu);
/* Whether action d may start: a destructive one needs an incident (its
 * journal is the record); says why not on the status line. */
bool incident_ui_allows(struct app *a, const struct action_spec *d);
/* A finished action (the Slack post marks the update as sent). */
void incident_ui_action_done(struct app *a, const struct action_done *d);

#endif
