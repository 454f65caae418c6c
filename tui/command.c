/* The one place that carries out commands (tui/command.h): focus, zoom,
 * dialogs, overlays, the incident's keys, and actions, which go key ->
 * (input, checked) -> target -> confirmation showing the exact operation
 * -> the action worker; and the collection of what the worker and the
 * incident finished. UI thread. */
#include "tui/command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/adhoc.h"
#include "tui/app.h"
#include "tui/cmdline.h"
#include "tui/findings.h"
#include "tui/help.h"
#include "tui/incident_ui.h"
#include "tui/keymap.h"
#include "tui/reload.h"

#define KEY_ESC 27

static struct pane *
focused(struct app *a)
{
	return &a->panes[a->focus];
}

static void
pane_dirty(struct app *a, int i)
{
	a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
}

static bool
pane_key(struct app *a, int i, int key)
{
	struct pane *p = &a->panes[i];
	struct pane_ctx c;
	bool changed = false;

	char focus[sizeof(p->focus)];

	if (p->ops->key == NULL) {
		return false;
	}
	memcpy(focus, p->focus, sizeof(focus));
	app_ctx_get(a, i, &c);
	changed = p->ops->key(p, &c, key);
	app_ctx_release(&c);
	if (p->source >= 0 && strcmp(focus, p->focus) != 0) {
		runner_set_focus(a->r, p->source, p->focus);
	}
	if (changed) {
		pane_dirty(a, i);
		/* A pane's hints may follow its selection or view. */
		a->dirty_status = true;
	}
	return changed;
}

static void
close_overlay(struct app *a)
{
	a->overlay = OVERLAY_NONE;
	a->overlay_hint[0] = '\0';
	app_touch_all(a);
}

static void
toggle_zoom(struct app *a)
{
	a->zoomed = !a->zoomed;
	app_resize(a, a->rows, a->cols);
}

static void
open_detail(struct app *a)
{
	struct pane *p = focused(a);
	struct pane_ctx c;
	char *text = NULL;

	if (p->ops->detail != NULL) {
		app_ctx_get(a, a->focus, &c);
		text = p->ops->detail(p, &c);
		app_ctx_release(&c);
	}
	if (text == NULL) {
		app_set_status(a, ROLE_DIM, "nothing selected");
		return;
	}
	textview_set(&a->tv, text);
	free(text);
	snprintf(a->overlay_title, sizeof(a->overlay_title), " %d %s ",
		 p->number, pane_title(p));
	a->overlay = OVERLAY_DETAIL;
	a->dirty_overlay = true;
}

/* ---- actions ------------------------------------------------------ */

static const struct action_spec *
pending_spec(const struct app *a)
{
	return a->pending.impl->spec;
}

/* The request's target: the selected row, asked of the pane; the whole
 * source and a key pattern need no row (the pattern is the input). */
static bool
pending_target(struct app *a)
{
	struct app_pending *pd = &a->pending;
	const struct action_spec *sp = pending_spec(a);
	struct action_target *t = &pd->req.target;
	struct pane *p = &a->panes[pd->pane];
	struct pane_ctx c;
	bool ok = false;

	memset(t, 0, sizeof(*t));
	switch (sp->target) {
	case TARGET_SOURCE:
		strlcpy_safe(t->label, pd->req.source, sizeof(t->label));
		if (pd->req.arg[0] != '\0') {
			strappendf(t->label, sizeof(t->label), " (%.*s)",
				   (int)(sizeof(t->label) / 2), pd->req.arg);
		}
		ok = true;
		break;
	case TARGET_KEY_PATTERN:
		strlcpy_safe(t->label, pd->req.arg, sizeof(t->label));
		ok = pd->req.arg[0] != '\0';
		break;
	default:
		if (p->ops->target != NULL) {
			app_ctx_get(a, pd->pane, &c);
			ok = p->ops->target(p, &c, sp->target, t);
			app_ctx_release(&c);
		}
		break;
	}
	t->type = sp->target;
	return ok;
}

static void
no_target(struct app *a)
{
	const struct action_spec *sp = pending_spec(a);

	if (sp->target == TARGET_KEY_PATTERN) {
		app_set_status(a, ROLE_WARN, "%s needs a pattern", sp->label);
	} else {
		app_set_status(a, ROLE_WARN, "select a %s first",
			       target_type_name(sp->target));
	}
}

/* Ends the pending action (drops its snapshot reference). */
static void
pending_clear(struct app *a)
{
	action_req_clear(&a->pending.req);
	memset(&a->pending, 0, sizeof(a->pending));
}

/* Opens the confirmation: describe()'s exact operation, then what the
 * preview found (NULL: none); a typed word when the action asks for one. */
static void
open_confirm(struct app *a, const char *preview)
{
	struct app_pending *pd = &a->pending;
	const struct action_spec *sp = pending_spec(a);
	char body[DIALOG_TEXT_MAX];
	char word[64];
	size_t len;

	body[0] = '\0';
	if (pd->impl->describe != NULL) {
		pd->impl->describe(&pd->req, body, sizeof(body));
	} else {
		snprintf(body, sizeof(body), "%s\n%s", sp->label,
			 action_req_target(&pd->req));
	}
	len = strlen(body);
	if (preview != NULL && preview[0] != '\0' && len < sizeof(body)) {
		snprintf(body + len, sizeof(body) - len, "\n\n%s", preview);
	}
	if (sp->confirm_word != NULL) {
		word[0] = '\0';
		sp->confirm_word(&pd->req, word, sizeof(word));
		len = strlen(body);
		if (len < sizeof(body)) {
			snprintf(body + len, sizeof(body) - len,
				 "\n\nType %s and press Enter to confirm.",
				 word);
		}
		dialog_open_type_to_confirm(&a->dlg, APP_DLG_ACTION_CONFIRM,
					    sp->label, body, word);
	} else {
		dialog_open_confirm(&a->dlg, APP_DLG_ACTION_CONFIRM,
				    sp->label, body);
	}
	a->dirty_overlay = true;
}

static void
confirm_action(struct app *a)
{
	struct app_pending *pd = &a->pending;
	const struct action_spec *sp = pending_spec(a);
	struct err err = { { 0 } };

	if (!pending_target(a)) {
		no_target(a);
		return;
	}
	if (pd->impl->preview == NULL) {
		open_confirm(a, NULL);
		return;
	}
	/* The backend is asked on the worker; the dialog opens when the
	 * answer arrives (keymap_preview_done()). */
	pd->preview_id = actions_submit_preview(a->act, &pd->req, &err);
	if (pd->preview_id == 0) {
		app_set_status(a, ROLE_CRIT, "%s: %s", sp->label, err.msg);
		return;
	}
	app_set_status(a, ROLE_STATUS, "%s: checking %s ...", sp->label,
		       action_req_target(&pd->req));
}

/* A finished preview: opens the pending action's confirmation with what
 * it found (or says why not). Returns false when d is not a preview. */
static bool
preview_done(struct app *a, const struct action_done *d)
{
	struct app_pending *pd = &a->pending;

	if (!d->is_preview) {
		return false;
	}
	if (pd->impl == NULL || d->id != pd->preview_id) {
		return true;    /* a stale preview: the operator moved on */
	}
	pd->preview_id = 0;
	if (!d->ok) {
		app_set_status(a, ROLE_CRIT, "%s: %s", pending_spec(a)->label,
			       d->message);
		return true;
	}
	if (dialog_is_open(&a->dlg)) {
		/* Another dialog took the screen meanwhile. */
		app_set_status(a, ROLE_DIM, "%s: cancelled",
			       pending_spec(a)->label);
		return true;
	}
	app_set_status(a, ROLE_STATUS, "%s", "");
	open_confirm(a, d->text);
	return true;
}

static void
start_action(struct app *a, const struct action_impl *d)
{
	struct app_pending *pd = &a->pending;
	const struct action_spec *sp = d->spec;
	struct pane_ctx c;

	if (sp->destructive && a->read_only) {
		app_set_status(a, ROLE_WARN, "read-only: %s disabled",
			       sp->label);
		return;
	}
	if (!incident_ui_allows(a, sp)) {
		return;
	}
	pending_clear(a);
	pd->impl = d;
	pd->pane = a->focus;
	pd->source = focused(a)->source;
	pd->req.impl = d;
	pd->req.section = runner_section(a->r, pd->source);
	strlcpy_safe(pd->req.source, state_source_name(a->st, pd->source),
		     sizeof(pd->req.source));
	/* What the operator sees is what the action is confirmed against:
	 * the confirmation describes the target from this snapshot. */
	app_ctx_get(a, pd->pane, &c);
	if (c.data == NULL) {
		app_ctx_release(&c);
		app_set_status(a, ROLE_WARN, "%s: no data from %s yet",
			       sp->label, pd->req.source);
		pending_clear(a);
		return;
	}
	action_req_set_snap(&pd->req, (struct snapshot *)c.data);
	app_ctx_release(&c);
	/* No point asking for an argument when there is nothing to act on. */
	if (sp->target != TARGET_SOURCE && sp->target != TARGET_KEY_PATTERN &&
	    !pending_target(a)) {
		no_target(a);
		pending_clear(a);
		return;
	}
	if (sp->input != NULL) {
		char initial[ACTION_ARG_MAX] = "";

		_Static_assert(DIALOG_INPUT_MAX >= ACTION_ARG_MAX,
			       "the input dialog holds an action's input");

		/* Some inputs start from what there is to edit (a silence's
		 * matchers). */
		if (sp->initial_input != NULL) {
			sp->initial_input(&pd->req, initial, sizeof(initial));
		}
		/* Right after a jump from the Findings strip: the input the
		 * finding suggests ("6" replicas). */
		findings_take_prefill(a, pd->pane, sp->key, initial,
				      sizeof(initial));
		dialog_open_input(&a->dlg, APP_DLG_ACTION_ARG, sp->label,
				  sp->input, initial);
		a->dirty_overlay = true;
		return;
	}
	confirm_action(a);
}

/* The operator's input, checked before any confirmation opens: a wrong
 * input never reaches the worker. */
static bool
input_ok(struct app *a)
{
	const struct action_spec *sp = pending_spec(a);
	struct err err = { { 0 } };

	if (sp->check_input != NULL) {
		if (sp->check_input(a->pending.req.arg, &err) < 0) {
			app_set_status(a, ROLE_WARN, "%s: %s", sp->label,
				       err.msg);
			return false;
		}
	}
	return true;
}

static void
submit_action(struct app *a)
{
	struct app_pending *pd = &a->pending;
	const struct action_spec *sp = pending_spec(a);
	struct err err = { { 0 } };

	if (actions_submit(a->act, &pd->req, &err) == 0) {
		app_set_status(a, ROLE_CRIT, "%s: %s", sp->label, err.msg);
		return;
	}
	app_set_status(a, ROLE_STATUS, "%s: %s on %s ...", sp->label,
		       action_req_target(&pd->req), pd->req.source);
}

/* Asks the running long action (a pattern delete) to stop; false when
 * none is running. */
static bool
cancel_running(struct app *a)
{
	uint64_t id;
	char line[ERR_MSG_MAX];

	if (a->act == NULL || !actions_progress(a->act, &id, line,
						 sizeof(line))) {
		return false;
	}
	actions_cancel(a->act, id);
	app_set_status(a, ROLE_WARN, "cancelling: %s", line);
	return true;
}

/* ---- dialogs ------------------------------------------------------ */

/* The focused pane's filter ("" clears it). */
static void
set_filter(struct app *a, const char *text)
{
	struct pane *p = focused(a);

	strlcpy_safe(p->filter, text, sizeof(p->filter));
	memset(&p->view, 0, sizeof(p->view));
	pane_dirty(a, a->focus);
	if (p->filter[0] != '\0') {
		app_set_status(a, ROLE_STATUS, "%s: filter \"%s\"",
			       pane_title(p), p->filter);
	} else {
		app_set_status(a, ROLE_STATUS, "%s: filter cleared",
			       pane_title(p));
	}
}

static void
dialog_done(struct app *a, enum dialog_result res)
{
	int tag = a->dlg.tag;

	app_touch_all(a);
	if (incident_ui_dialog_done(a, tag, res)) {
		return;
	}
	if (tag == APP_DLG_QUIT) {
		if (res == DIALOG_YES) {
			a->quit = true;
			a->exit_status = 0;
		}
	} else if (tag == APP_DLG_FILTER) {
		if (res == DIALOG_YES) {
			set_filter(a, a->dlg.input);
		}
	} else if (tag == APP_DLG_ACTION_ARG) {
		if (res == DIALOG_YES) {
			strlcpy_safe(a->pending.req.arg, a->dlg.input,
				     sizeof(a->pending.req.arg));
			dialog_close(&a->dlg);
			if (input_ok(a)) {
				confirm_action(a);
			}
			return;
		}
		app_set_status(a, ROLE_DIM, "%s: cancelled",
			       pending_spec(a)->label);
	} else if (tag == APP_DLG_ACTION_CONFIRM) {
		if (res == DIALOG_YES) {
			dialog_close(&a->dlg);
			submit_action(a);
			return;
		}
		app_set_status(a, ROLE_DIM, "%s: cancelled",
			       pending_spec(a)->label);
	}
	dialog_close(&a->dlg);
}

/* ---- keys --------------------------------------------------------- */

static void
open_filter(struct app *a)
{
	struct pane *p = focused(a);
	char title[64];

	snprintf(title, sizeof(title), "Filter %s", pane_title(p));
	dialog_open_input(&a->dlg, APP_DLG_FILTER, title,
			  "Show rows containing (empty: all)", p->filter);
	a->dirty_overlay = true;
}

static void
refresh_source(struct app *a)
{
	struct pane *p = focused(a);

	if (p->source < 0) {
		app_set_status(a, ROLE_DIM, "%s has no source to refresh",
			       pane_title(p));
		return;
	}
	runner_refresh(a->r, p->source);
	app_set_status(a, ROLE_STATUS, "refreshing %s",
		       state_source_name(a->st, p->source));
}

static void
overlay_key(struct app *a, int key, bool is_wchar)
{
	if (is_wchar && incident_ui_overlay_key(a, key)) {
		return;
	}
	if (is_wchar && (key == KEY_ESC || key == 'q' ||
			 (key == '?' && a->overlay == OVERLAY_HELP) ||
			 (key == '\n' && a->overlay == OVERLAY_DETAIL))) {
		close_overlay(a);
		return;
	}
	if (textview_key(&a->tv, key)) {
		a->dirty_overlay = true;
	}
}

static void
dialog_key_in(struct app *a, int key, bool is_wchar)
{
	enum dialog_result res;

	if (incident_ui_dialog_key(a, key, is_wchar)) {
		return;
	}
	res = dialog_key(&a->dlg, key, is_wchar);
	if (res == DIALOG_PENDING) {
		a->dirty_overlay = true;
	} else {
		dialog_done(a, res);
	}
}

static void
pane_click(struct app *a, int i, int dy, int dx)
{
	struct pane *p = &a->panes[i];
	struct pane_ctx c;

	if (p->ops->click == NULL) {
		return;
	}
	app_ctx_get(a, i, &c);
	if (p->ops->click(p, &c, dy, dx)) {
		pane_dirty(a, i);
		a->dirty_status = true;
	}
	app_ctx_release(&c);
}

/* Tab and Shift-Tab: the next pane shown, skipping hidden ones. */
static void
focus_step(struct app *a, int step)
{
	int i = a->focus;

	for (int k = 0; k < a->n_panes; k++) {
		i = (i + step + a->n_panes) % a->n_panes;
		if (!a->panes[i].hidden) {
			app_focus(a, i);
			return;
		}
	}
}

static void
hide_pane(struct app *a, int i)
{
	if (i < 0 || i >= a->n_panes) {
		return;
	}
	if (!app_hide(a, i)) {
		app_set_status(a, ROLE_DIM, "%s is the only pane shown",
			       pane_title(&a->panes[i]));
		return;
	}
	app_set_status(a, ROLE_STATUS, "%s hidden: %d or o shows it again",
		       pane_title(&a->panes[i]), a->panes[i].number);
}

static void
show_pane(struct app *a, int i)
{
	if (i >= 0 && i < a->n_panes) {
		app_show(a, i);
		app_focus(a, i);
		return;
	}
	app_show(a, -1);
	app_set_status(a, ROLE_STATUS, "every pane shown");
}

static void
start_reload(struct app *a)
{
	struct err err = { { 0 } };

	if (!reload_start(a, &err)) {
		app_set_status(a, ROLE_WARN, "reload: %s", err.msg);
		return;
	}
	app_set_status(a, ROLE_STATUS, "reloading the configuration ...");
}

/* A key for the open ':' line; a finished line is parsed into the
 * command it asks for and applied here. */
static void
cmdline_key_in(struct app *a, int key, bool is_wchar)
{
	char line[CMDLINE_MAX], why[160];
	struct command c;

	a->dirty_status = true;
	if (cmdline_key(&a->cmdline, key, is_wchar, cmdline_app_words, a) !=
	    CMDLINE_ENTER) {
		return;
	}
	/* The history keeps the line; the command's text points here. */
	strlcpy_safe(line, a->cmdline.buf, sizeof(line));
	if (!cmdline_parse(a, line, &c, why, sizeof(why))) {
		app_set_status(a, ROLE_WARN, "%s", why);
		return;
	}
	command_apply(a, &c);
}

/* Commands that give the focus to a pane take it from the strip. */
static bool
leaves_strip(enum command_kind k)
{
	switch (k) {
	case CMD_FOCUS:
	case CMD_FOCUS_STEP:
	case CMD_SHOW_SOURCE:
	case CMD_PANE_CLICK:
	case CMD_PANE_KEY:
	case CMD_HIDE:
	case CMD_SHOW:
		return true;
	default:
		return false;
	}
}

void
command_apply(struct app *a, const struct command *c)
{
	if (a->strip.focused && leaves_strip(c->kind)) {
		findings_focus(a, false);
	}
	switch (c->kind) {
	case CMD_NONE:
		break;
	case CMD_QUIT:
		a->quit = true;
		a->exit_status = c->arg;
		break;
	case CMD_QUIT_ASK:
		dialog_open_confirm(&a->dlg, APP_DLG_QUIT, "Quit warroom?",
				    "The probes stop; actions already "
				    "running finish on their own.");
		a->dirty_overlay = true;
		break;
	case CMD_START_DEMO:
		a->start_demo = true;
		break;
	case CMD_HELP:
		help_open(a);
		break;
	case CMD_FOCUS:
		app_focus(a, c->pane);
		break;
	case CMD_FOCUS_STEP:
		focus_step(a, c->arg);
		break;
	case CMD_ZOOM:
		toggle_zoom(a);
		break;
	case CMD_DETAIL:
		open_detail(a);
		break;
	case CMD_CANCEL_RUNNING:
		cancel_running(a);
		break;
	case CMD_FILTER:
		open_filter(a);
		break;
	case CMD_REFRESH:
		refresh_source(a);
		break;
	case CMD_SOURCE_STEP: {
		struct pane *p = focused(a);
		int was = p->source;

		app_switch_source(a, a->focus, c->arg);
		/* What the pane looks at closely moves with it. */
		if (p->focus[0] != '\0' && p->source != was) {
			runner_set_focus(a->r, was, "");
			runner_set_focus(a->r, p->source, p->focus);
		}
		break;
	}
	case CMD_SORT_FLIP:
		focused(a)->sort_desc = !focused(a)->sort_desc;
		pane_dirty(a, a->focus);
		break;
	case CMD_REDRAW:
		clearok(curscr, TRUE);
		app_touch_all(a);
		break;
	case CMD_ACTION:
		start_action(a, c->impl);
		break;
	case CMD_INCIDENT:
		incident_ui_key(a, c->key);
		break;
	case CMD_DIALOG_KEY:
		dialog_key_in(a, c->key, c->is_wchar);
		break;
	case CMD_OVERLAY_KEY:
		overlay_key(a, c->key, c->is_wchar);
		break;
	case CMD_OVERLAY_SCROLL:
		for (int k = 0; k < (c->arg < 0 ? -c->arg : c->arg); k++) {
			textview_key(&a->tv, c->arg < 0 ? KEY_UP : KEY_DOWN);
		}
		a->dirty_overlay = true;
		break;
	case CMD_PANE_KEY:
		for (int k = 0; k < (c->arg > 0 ? c->arg : 1); k++) {
			pane_key(a, c->pane, c->key);
		}
		break;
	case CMD_PANE_CLICK:
		pane_click(a, c->pane, c->dy, c->dx);
		break;
	case CMD_HIDE:
		hide_pane(a, c->pane);
		break;
	case CMD_SHOW:
		show_pane(a, c->pane);
		break;
	case CMD_CMDLINE:
		cmdline_open(&a->cmdline);
		a->dirty_status = true;
		break;
	case CMD_CMDLINE_KEY:
		cmdline_key_in(a, c->key, c->is_wchar);
		break;
	case CMD_SHOW_SOURCE:
		app_focus(a, c->pane);
		app_show_source(a, c->pane, c->arg);
		break;
	case CMD_FILTER_SET:
		set_filter(a, c->text != NULL ? c->text : "");
		break;
	case CMD_PROMQL:
		adhoc_start(a, c->text != NULL ? c->text : "");
		break;
	case CMD_RELOAD:
		start_reload(a);
		break;
	case CMD_STRIP:
		findings_focus(a, c->arg == 1 || !a->strip.focused);
		break;
	case CMD_STRIP_KEY:
		findings_focus(a, true);
		findings_key(a, c->key, c->is_wchar);
		break;
	case CMD_STRIP_CLICK:
		findings_click(a, c->dy, c->dx);
		break;
	}
}

void
command_mouse(struct app *a, const MEVENT *ev)
{
	struct command c[2];
	size_t n = keymap_mouse(a, ev, c, 2);

	/* A click moves the selection: a jump's prefilled input is not for
	 * that row (a click on the strip jumps again and prefills anew). */
	findings_forget_prefill(a);
	for (size_t k = 0; k < n; k++) {
		command_apply(a, &c[k]);
	}
}

void
command_key(struct app *a, int key, bool is_wchar)
{
	struct command c = keymap_command(a, key, is_wchar);

	/* A jump's prefilled input is for its action's key, pressed next. */
	if (c.kind != CMD_ACTION) {
		findings_forget_prefill(a);
	}
	command_apply(a, &c);
}

/* ---- what the worker and the incident finished ------------------------- */

/* A long action's progress line ("deleted 40000 keys"), shown while it
 * runs; read on every wakeup and clock tick. */
static void
collect_progress(struct app *a)
{
	uint64_t id;
	char line[ERR_MSG_MAX];

	if (!actions_progress(a->act, &id, line, sizeof(line)) ||
	    line[0] == '\0') {
		a->running_id = 0;
		return;
	}
	if (id != a->running_id || strcmp(line, a->progress) != 0) {
		a->running_id = id;
		strlcpy_safe(a->progress, line, sizeof(a->progress));
		app_set_status(a, ROLE_STATUS, "%s  (Esc cancels)", line);
	}
}

static void
collect_actions(struct app *a)
{
	struct action_done d;

	if (a->act == NULL) {
		return;
	}
	collect_progress(a);
	while (actions_poll_done(a->act, &d)) {
		int src = state_find_source(a->st, d.source);

		if (preview_done(a, &d)) {
			continue;
		}
		app_set_status(a, d.ok ? ROLE_OK : ROLE_CRIT, "%s %s: %s",
			       d.name, d.ok ? "done" : "failed", d.message);
		incident_ui_action_done(a, &d);
		/* Show the effect without waiting for the next interval. */
		if (src >= 0) {
			runner_refresh(a->r, src);
		}
	}
}

bool
command_collect(struct app *a)
{
	app_collect(a);
	reload_collect(a);
	adhoc_collect(a);
	collect_actions(a);
	incident_ui_collect(a);
	return app_any_dirty(a);
}
