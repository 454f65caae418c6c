/* What tui/incident_ui.c and tui/incident_ui_keys.c share: the state of
 * the incident in the dashboard and the jobs of its worker. Included by
 * those two files only. UI thread unless a field says otherwise. */
#ifndef WARROOM_INCIDENT_UI_INTERNAL_H
#define WARROOM_INCIDENT_UI_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/action.h"
#include "core/err.h"
#include "core/incident.h"
#include "themes/theme.h"
#include "tui/incident_ui.h"
#include "widgets/dialog.h"

struct app;

enum job_kind {
	JOB_DECLARE,
	JOB_POSTMORTEM,
	JOB_UPDATE,
};

struct job {
	enum job_kind kind;
	struct job *next;
	/* JOB_DECLARE */
	char *dir;
	char title[DIALOG_INPUT_MAX];
	enum incident_sev sev;
	char commander[DIALOG_INPUT_MAX];
	bool security;
	struct incident *declared;
	/* exports */
	struct incident *inc;
	char *text;             /* the post-mortem, or the Slack text */
	char *email;
	char *path;             /* the file written */
	int update_no;
	/* results */
	bool ok;
	char msg[ERR_MSG_MAX + 64];
};

struct incident_ui {
	struct state *st;
	struct timeline *tl;
	struct actions *act;
	char *dir;
	char *demo_dir;
	char *webhook_file;
	struct incident_policy pol;
	char who[128];          /* the operator, for notes and changes */
	char user[64];          /* the commander to suggest */

	struct incident *inc;   /* the UI thread's view; NULL: none yet */
	bool declaring;

	pthread_t thread;
	bool started;
	pthread_mutex_t lock;   /* guards the lists and stop */
	pthread_cond_t cond;
	struct job *jobs, *jobs_tail;
	struct job *done, *done_tail;
	bool stop;

	int64_t last_second;
	bool failure_shown;
	bool quiet;
	char start_msg[ERR_MSG_MAX + 128];
	enum role start_role;

	/* The chooser dialogs and the declare flow. */
	int choice;
	bool security;          /* the severity chooser's security mark */
	char decl_title[DIALOG_INPUT_MAX];
	enum incident_sev decl_sev;
	bool decl_security;

	/* The export overlay. */
	bool overlay_update;
	char *overlay_text;     /* the post-mortem, for copying */
	char *slack_text;
	char *email_text;
	char *update_path;
	int update_no;
	const char *copied;     /* channel of the last copy */

	/* A Slack post between its confirmation and its result. */
	struct action_req slack_req;
	uint64_t slack_id;
	char *slack_posting;
};

/* Queues job for the worker (which frees it after the loop took its
 * result). Any thread. */
void incident_ui_queue(struct incident_ui *iu, struct job *job);

/* The timers and the header's view now (also emits escalation prompts). */
void incident_ui_tick(struct app *a);

#endif
