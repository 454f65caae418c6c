/* What tui/incident_ui.c and tui/incident_ui_keys.c share: the incident's
 * state in the dashboard (dialogs, the export overlay, the Slack post) over
 * its runtime. Included by those two files only. UI thread. */
#ifndef WARROOM_INCIDENT_UI_INTERNAL_H
#define WARROOM_INCIDENT_UI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/action.h"
#include "core/err.h"
#include "core/incident.h"
#include "core/incident_rt.h"
#include "themes/theme.h"
#include "tui/incident_ui.h"
#include "widgets/dialog.h"

struct app;
struct timeline;

struct incident_ui {
	struct incident_rt *rt; /* owned */
	struct timeline *tl;
	struct actions *act;
	char *webhook_file;
	char user[64];          /* the commander to suggest */

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

/* The timers and the header's view now (also emits escalation prompts). */
void incident_ui_tick(struct app *a);

#endif
