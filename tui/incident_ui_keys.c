/* The incident's keys (i n t p P u), its dialogs -- the declare flow, the
 * status and severity choosers -- and the export view's keys (copy with
 * OSC 52, mark sent, post to Slack). Everything here queues or changes
 * memory; what waits for the disk goes to the incident's runtime
 * (core/incident_rt). UI thread. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/incident.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "probes/probe.h"
#include "tui/app.h"
#include "tui/incident_ui.h"
#include "tui/incident_ui_internal.h"

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Puts text on the terminal's clipboard (OSC 52): terminal output, not a
 * file. Inside tmux, tmux takes it when its set-clipboard option allows. */
static void
osc52_copy(const char *text)
{
	size_t len = strlen(text), n = 0, off = 0;
	char *seq = xmalloc(len / 3 * 4 + 16);
	const unsigned char *s = (const unsigned char *)text;

	memcpy(seq, "\033]52;c;", 7);
	n = 7;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16;

		v |= i + 1 < len ? (unsigned)s[i + 1] << 8 : 0;
		v |= i + 2 < len ? (unsigned)s[i + 2] : 0;
		seq[n++] = b64[(v >> 18) & 63];
		seq[n++] = b64[(v >> 12) & 63];
		seq[n++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		seq[n++] = i + 2 < len ? b64[v & 63] : '=';
	}
	seq[n++] = '\a';
	while (off < n) {
		ssize_t w = write(STDOUT_FILENO, seq + off, n - off);

		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			break;
		}
		off += (size_t)w;
	}
	free(seq);
}

/* ---- keys and dialogs --------------------------------------------------- */

static bool
need_incident(struct app *a)
{
	struct incident_ui *iu = a->iu;

	if (incident_ui_incident(iu) != NULL) {
		return true;
	}
	app_set_status(a, ROLE_WARN, incident_rt_declaring(iu->rt) ?
		       "the incident is being declared" :
		       "no incident declared: press i to declare one");
	return false;
}

static void
span_text(int64_t ms, char *buf, size_t n)
{
	if (ms == INCIDENT_NEXT_BUSINESS_DAY) {
		snprintf(buf, n, "next business day");
	} else if (ms <= 0) {
		snprintf(buf, n, "as needed");
	} else if (ms % DAY_MS == 0) {
		snprintf(buf, n, "%lld day%s", (long long)(ms / DAY_MS),
			 ms == DAY_MS ? "" : "s");
	} else if (ms % HOUR_MS == 0) {
		snprintf(buf, n, "%lld h", (long long)(ms / HOUR_MS));
	} else {
		snprintf(buf, n, "%lld min", (long long)(ms / MIN_MS));
	}
}

static const char *const sev_words[INCIDENT_SEV_COUNT] = {
	"critical: outage, data loss, security",
	"major: a key feature down for many",
	"minor: degraded, a workaround exists",
	"low: cosmetic or a few users",
};

static bool
is_chooser(int tag)
{
	return tag == APP_DLG_STATUS || tag == APP_DLG_SEVERITY ||
	       tag == APP_DLG_DECLARE_SEVERITY;
}

static void body_add(struct dialog *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends to the dialog's body (cut at its size). */
static void
body_add(struct dialog *d, const char *fmt, ...)
{
	size_t len = strlen(d->body);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->body + len, sizeof(d->body) - len, fmt, ap);
	va_end(ap);
}

/* The chooser's text for the current choice. */
static void
chooser_body(struct app *a)
{
	struct incident_ui *iu = a->iu;
	struct incident *inc = incident_ui_incident(iu);
	const struct incident_policy *pol = incident_rt_policy(iu->rt);
	struct dialog *d = &a->dlg;
	const char *arrow = text_utf8 ? "\u2192" : "->";
	struct incident_info info;
	char resp[32], upd[32];
	bool marked = false;

	d->body[0] = '\0';
	if (d->tag == APP_DLG_STATUS) {
		incident_get(inc, &info);
		body_add(d, "%s: %s %s %s\n\n", info.id,
			 incident_status_name(info.status), arrow,
			 incident_status_name(
				 (enum incident_status)iu->choice));
		incident_info_finish(&info);
		for (int i = 0; i < INCIDENT_STATUS_COUNT; i++) {
			body_add(d, "%s %d %s\n", i == iu->choice ? ">" : " ",
				 i + 1,
				 incident_status_name((enum incident_status)i));
		}
		body_add(d, "\nUp/Down, t or 1-5 choose; Enter or y sets it; "
			 "Esc cancels");
		return;
	}
	if (d->tag == APP_DLG_SEVERITY) {
		incident_get(inc, &info);
		body_add(d, "%s: %s %s %s\n\n", info.id,
			 incident_sev_name(info.severity), arrow,
			 incident_sev_name((enum incident_sev)iu->choice));
		marked = info.security;
		incident_info_finish(&info);
	} else {
		body_add(d, "%s\n\n", iu->decl_title);
	}
	for (int i = 0; i < INCIDENT_SEV_COUNT; i++) {
		span_text(pol->response_ms[i], resp, sizeof(resp));
		span_text(pol->update_ms[i], upd, sizeof(upd));
		body_add(d, "%s P%d %s\n      respond: %s, updates: %s\n",
			 i == iu->choice ? ">" : " ", i, sev_words[i], resp,
			 upd);
	}
	body_add(d, "\n[%s] security incident%s\n", iu->security ? "x" : " ",
		 marked ? " (marked)" :
		 " (s marks it; the CTO is asked in)");
	body_add(d, "\nUp/Down, p or 0-3 choose; Enter or y takes it; "
		 "Esc cancels");
}

static void
chooser_open(struct app *a, int tag, const char *title, int choice,
	     bool security)
{
	a->iu->choice = choice;
	a->iu->security = security;
	dialog_open_confirm(&a->dlg, tag, title, "");
	/* Not a mitigation: Enter takes the choice. */
	a->dlg.yes_selected = true;
	chooser_body(a);
	a->dirty_overlay = true;
}

static void
queue_export(struct app *a, enum incident_rt_job job)
{
	incident_rt_export(a->iu->rt, job);
	app_set_status(a, ROLE_STATUS, job == INCIDENT_RT_POSTMORTEM ?
		       "drafting the post-mortem ..." :
		       "drafting the status update ...");
}

static void
queue_declare(struct app *a, const char *title, enum incident_sev sev,
	      const char *commander, bool security)
{
	incident_rt_declare(a->iu->rt, title, sev, commander, security);
	app_set_status(a, ROLE_STATUS, "declaring \"%s\" (%s) ...", title,
		       incident_sev_name(sev));
	incident_ui_tick(a);
}

void
incident_ui_declare_demo(struct app *a)
{
	struct incident_ui *iu = a->iu;

	if (iu == NULL || incident_ui_incident(iu) != NULL ||
	    incident_rt_declaring(iu->rt)) {
		return;
	}
	incident_rt_use_demo_dir(iu->rt);
	queue_declare(a, INCIDENT_UI_DEMO_TITLE, INCIDENT_UI_DEMO_SEVERITY,
		      NULL, false);
}

bool
incident_ui_key(struct app *a, int key)
{
	struct incident_ui *iu = a->iu;
	struct incident *inc = incident_ui_incident(iu);
	struct incident_info info;
	char title[96];

	if (iu == NULL) {
		return false;
	}
	switch (key) {
	case 'n':
		if (need_incident(a)) {
			snprintf(title, sizeof(title), "Note for %s",
				 incident_id(inc));
			dialog_open_input(&a->dlg, APP_DLG_NOTE, title,
					  "Into the timeline, signed by you "
					  "(\"impact: ...\" states the "
					  "impact)", "");
			a->dirty_overlay = true;
		}
		return true;
	case 'i':
		if (inc != NULL) {
			app_set_status(a, ROLE_STATUS, "%s is this session's "
				       "incident: t status, p severity, n "
				       "note", incident_id(inc));
		} else if (incident_rt_declaring(iu->rt)) {
			app_set_status(a, ROLE_STATUS, "the incident is being "
				       "declared");
		} else {
			dialog_open_input(&a->dlg, APP_DLG_DECLARE_TITLE,
					  "Declare an incident",
					  "Title: what is broken, as users "
					  "see it", "");
			a->dirty_overlay = true;
		}
		return true;
	case 't':
		if (need_incident(a)) {
			incident_get(inc, &info);
			snprintf(title, sizeof(title), "Status of %s", info.id);
			chooser_open(a, APP_DLG_STATUS, title,
				     info.status + 1 < INCIDENT_STATUS_COUNT ?
				     (int)info.status + 1 : (int)info.status,
				     info.security);
			incident_info_finish(&info);
		}
		return true;
	case 'p':
		if (need_incident(a)) {
			incident_get(inc, &info);
			snprintf(title, sizeof(title), "Severity of %s",
				 info.id);
			chooser_open(a, APP_DLG_SEVERITY, title,
				     (int)info.severity, info.security);
			incident_info_finish(&info);
		}
		return true;
	case 'P':
		if (need_incident(a)) {
			queue_export(a, INCIDENT_RT_POSTMORTEM);
		}
		return true;
	case 'u':
		if (need_incident(a)) {
			queue_export(a, INCIDENT_RT_UPDATE);
		}
		return true;
	default:
		return false;
	}
}

bool
incident_ui_dialog_key(struct app *a, int key, bool is_wchar)
{
	int max, tag = a->dlg.tag;
	int *c;

	if (a->iu == NULL || !is_chooser(tag)) {
		return false;
	}
	c = &a->iu->choice;
	max = tag == APP_DLG_STATUS ? INCIDENT_STATUS_COUNT :
	      INCIDENT_SEV_COUNT;
	if ((!is_wchar && key == KEY_UP) || (is_wchar && key == 'k')) {
		*c = (*c + max - 1) % max;
	} else if ((!is_wchar && key == KEY_DOWN) ||
		   (is_wchar && (key == 'j' ||
				 (key == 't' && tag == APP_DLG_STATUS) ||
				 (key == 'p' && tag != APP_DLG_STATUS)))) {
		*c = (*c + 1) % max;
	} else if (is_wchar && tag == APP_DLG_STATUS && key >= '1' &&
		   key < '1' + max) {
		*c = key - '1';
	} else if (is_wchar && tag != APP_DLG_STATUS && key >= '0' &&
		   key < '0' + max) {
		*c = key - '0';
	} else if (is_wchar && tag != APP_DLG_STATUS && key == 's') {
		struct incident_info info;

		/* A mark, never taken back: only an unmarked one toggles. */
		info.security = false;
		if (tag == APP_DLG_SEVERITY) {
			incident_get(incident_ui_incident(a->iu), &info);
			incident_info_finish(&info);
		}
		if (!info.security) {
			a->iu->security = !a->iu->security;
		}
	} else if ((is_wchar && (key == '\n' || key == '\r')) ||
		   (!is_wchar && key == KEY_ENTER)) {
		/* Enter takes the choice whatever button is highlighted. */
		a->dlg.yes_selected = true;
		return false;
	} else {
		return false;
	}
	chooser_body(a);
	a->dirty_overlay = true;
	return true;
}

/* The input without leading and trailing blanks, in place. */
static char *
trimmed(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
		*--e = '\0';
	}
	return s;
}

/* Whether the journal can take a change; says why not. A change is
 * acknowledged only once written, so a failed journal refuses it here
 * rather than letting it look done. */
static bool
writable(struct app *a, const char *what)
{
	struct incident *inc = incident_ui_incident(a->iu);
	char msg[ERR_MSG_MAX];

	if (!incident_healthy(inc, msg, sizeof(msg))) {
		app_set_status(a, ROLE_CRIT, "%s refused: %s (nothing was "
			       "written)", what, msg);
		return false;
	}
	return true;
}

static void
add_note(struct app *a, char *input)
{
	struct incident_ui *iu = a->iu;
	struct incident *inc = incident_ui_incident(iu);
	char *text = trimmed(input);

	if (*text == '\0') {
		app_set_status(a, ROLE_DIM, "empty note: nothing added");
		return;
	}
	if (strncasecmp(text, "impact:", 7) == 0 && *trimmed(text + 7)) {
		if (writable(a, "impact")) {
			incident_rt_impact(iu->rt, trimmed(text + 7));
			app_set_status(a, ROLE_STATUS, "writing the impact to "
				       "%s ...", incident_id(inc));
		}
		return;
	}
	if (writable(a, "note")) {
		incident_rt_note(iu->rt, text);
		app_set_status(a, ROLE_STATUS, "writing the note to %s ...",
			       incident_id(inc));
	}
}

static void
set_status(struct app *a)
{
	struct incident_ui *iu = a->iu;
	struct incident *inc = incident_ui_incident(iu);
	struct incident_info info;
	bool same;

	incident_get(inc, &info);
	same = (int)info.status == iu->choice;
	incident_info_finish(&info);
	if (same) {
		app_set_status(a, ROLE_DIM, "%s is already %s",
			       incident_id(inc), incident_status_name(
				       (enum incident_status)iu->choice));
		return;
	}
	if (writable(a, "status change")) {
		incident_rt_set_status(iu->rt,
				       (enum incident_status)iu->choice);
		app_set_status(a, ROLE_STATUS, "writing status %s to %s ...",
			       incident_status_name(
				       (enum incident_status)iu->choice),
			       incident_id(inc));
	}
}

static void
set_severity(struct app *a)
{
	struct incident_ui *iu = a->iu;
	struct incident *inc = incident_ui_incident(iu);
	struct incident_info info;
	bool mark, same;

	incident_get(inc, &info);
	mark = iu->security && !info.security;
	same = (int)info.severity == iu->choice;
	incident_info_finish(&info);
	if (same && !mark) {
		app_set_status(a, ROLE_DIM, "%s stays %s", incident_id(inc),
			       incident_sev_name(info.severity));
		return;
	}
	if (writable(a, "severity change")) {
		incident_rt_set_severity(iu->rt, (enum incident_sev)iu->choice,
					 mark);
		app_set_status(a, ROLE_STATUS, "writing severity %s to %s ...",
			       incident_sev_name((enum incident_sev)iu->choice),
			       incident_id(inc));
	}
}

static void
post_slack(struct app *a)
{
	struct incident_ui *iu = a->iu;
	struct err err = { { 0 } };
	uint64_t id;

	if (iu->act == NULL) {
		app_set_status(a, ROLE_CRIT, "no action worker to post with");
		return;
	}
	id = actions_submit(iu->act, &iu->slack_req, &err);
	if (id == 0) {
		app_set_status(a, ROLE_CRIT, "Slack: %s", err.msg);
		return;
	}
	iu->slack_id = id;
	free(iu->slack_posting);
	iu->slack_posting = xstrdup(iu->slack_text ? iu->slack_text : "");
	app_set_status(a, ROLE_STATUS, "posting status update #%d to "
		       "Slack ...", iu->update_no);
}

bool
incident_ui_dialog_done(struct app *a, int tag, enum dialog_result res)
{
	struct incident_ui *iu = a->iu;
	struct incident *inc = incident_ui_incident(iu);
	char *text;

	if (iu == NULL) {
		return false;
	}
	switch (tag) {
	case APP_DLG_NOTE:
	case APP_DLG_DECLARE_TITLE:
	case APP_DLG_DECLARE_SEVERITY:
	case APP_DLG_DECLARE_COMMANDER:
	case APP_DLG_STATUS:
	case APP_DLG_SEVERITY:
	case APP_DLG_SLACK:
		break;
	default:
		return false;
	}
	dialog_close(&a->dlg);
	if (res != DIALOG_YES) {
		app_set_status(a, ROLE_DIM, "cancelled");
		return true;
	}
	switch (tag) {
	case APP_DLG_NOTE:
		if (inc != NULL) {
			add_note(a, a->dlg.input);
		}
		break;
	case APP_DLG_DECLARE_TITLE:
		text = trimmed(a->dlg.input);
		if (*text == '\0') {
			app_set_status(a, ROLE_WARN, "an incident needs a "
				       "title");
			break;
		}
		strlcpy_safe(iu->decl_title, text, sizeof(iu->decl_title));
		chooser_open(a, APP_DLG_DECLARE_SEVERITY, "Severity",
			     INCIDENT_P2, false);
		break;
	case APP_DLG_DECLARE_SEVERITY:
		iu->decl_sev = (enum incident_sev)iu->choice;
		iu->decl_security = iu->security;
		dialog_open_input(&a->dlg, APP_DLG_DECLARE_COMMANDER,
				  "Incident commander",
				  "Who leads it (Enter: you)", iu->user);
		a->dirty_overlay = true;
		break;
	case APP_DLG_DECLARE_COMMANDER:
		if (inc == NULL && !incident_rt_declaring(iu->rt)) {
			text = trimmed(a->dlg.input);
			queue_declare(a, iu->decl_title, iu->decl_sev,
				      *text ? text : iu->user,
				      iu->decl_security);
		}
		break;
	case APP_DLG_STATUS:
		if (inc != NULL) {
			set_status(a);
		}
		break;
	case APP_DLG_SEVERITY:
		if (inc != NULL) {
			set_severity(a);
		}
		break;
	case APP_DLG_SLACK:
		post_slack(a);
		break;
	default:
		break;
	}
	return true;
}

static void
copy_text(struct app *a, const char *what, const char *text,
	  const char *path)
{
	osc52_copy(text);
	app_set_status(a, ROLE_OK, "copied %s to the clipboard (OSC 52: the "
		       "terminal must allow it)%s%s", what,
		       path != NULL ? "; also saved to " : "",
		       path != NULL ? path : "");
}

static void
mark_sent(struct app *a)
{
	struct incident_ui *iu = a->iu;
	const char *text = strcmp(iu->copied, "email") == 0 ?
			   iu->email_text : iu->slack_text;

	if (!writable(a, "marking the update sent")) {
		return;
	}
	incident_rt_mark_sent(iu->rt, iu->copied, text ? text : "");
	a->overlay = OVERLAY_NONE;
	a->overlay_hint[0] = '\0';
	app_touch_all(a);
	app_set_status(a, ROLE_STATUS, "writing that status update #%d was "
		       "sent (%s) ...", iu->update_no, iu->copied);
}

bool
incident_ui_overlay_key(struct app *a, int key)
{
	struct incident_ui *iu = a->iu;
	struct incident *inc = incident_ui_incident(iu);
	const struct action_impl *post;
	char body[DIALOG_TEXT_MAX];

	if (iu == NULL || a->overlay != OVERLAY_EXPORT || inc == NULL) {
		return false;
	}
	if (!iu->overlay_update) {
		if (key == 'c' && iu->overlay_text != NULL) {
			copy_text(a, "the post-mortem", iu->overlay_text, NULL);
			return true;
		}
		return false;
	}
	switch (key) {
	case 'c':
		iu->copied = "slack";
		copy_text(a, "the Slack text", iu->slack_text,
			  iu->update_path);
		return true;
	case 'e':
		iu->copied = "email";
		copy_text(a, "the email", iu->email_text, iu->update_path);
		return true;
	case 'm':
		mark_sent(a);
		return true;
	case 's':
		if (iu->webhook_file == NULL) {
			app_set_status(a, ROLE_WARN, "no Slack webhook is "
				       "configured (slack_webhook_file in "
				       "[incident])");
			return true;
		}
		post = slack_prepare(&iu->slack_req, incident_id(inc),
				     iu->update_no, iu->webhook_file,
				     iu->slack_text);
		post->describe(&iu->slack_req, body, sizeof(body));
		dialog_open_confirm(&a->dlg, APP_DLG_SLACK, post->spec->label,
				    body);
		a->dirty_overlay = true;
		return true;
	default:
		return false;
	}
}

