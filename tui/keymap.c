/* Key and mouse dispatch: an open dialog takes every key, then an overlay,
 * then the global bindings, then the focused pane's actions, then the
 * pane. Actions go key -> (argument) -> target -> confirmation showing the
 * exact operation -> the action worker. UI thread. */
#include "tui/keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/help.h"
#include "tui/incident_ui.h"

#define KEY_ESC 27
#define KEY_CTRL_L 12
#define WHEEL_STEP 3

const struct keymap_entry keymap_global[] = {
	{ "q", "quit (asks first)" },
	{ "?", "show every key binding" },
	{ "Tab S-Tab", "focus the next / previous pane" },
	{ "1-9", "focus a pane by its number (see Panes)" },
	{ "z Enter", "zoom the focused pane (Enter when zoomed: details "
		     "of the selected row)" },
	{ "Esc", "close a dialog or view, unzoom, or cancel a long action" },
	{ "/", "filter the focused pane (an empty filter clears it)" },
	{ "r", "refresh the focused pane's source now" },
	{ "< >", "previous / next source of the pane's kind" },
	{ "s S", "next sort column / reverse the sort" },
	{ "v", "next view of the pane" },
	{ "i n", "declare an incident / add a note to its timeline" },
	{ "t p", "set the incident's status / severity (P0-P3)" },
	{ "P u", "draft the post-mortem / a status update (Slack, email), "
		 "saved beside the journal" },
	{ "Up Down j k", "move the selection" },
	{ "PgUp PgDn", "move a page" },
	{ "g G Home End", "first / last row" },
	{ "Ctrl-L", "redraw the screen" },
	{ "mouse", "a click focuses a pane and selects a row; the wheel "
		   "moves the selection" },
	{ NULL, NULL },
};

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

	if (p->ops->key == NULL) {
		return false;
	}
	app_ctx_get(a, i, &c);
	changed = p->ops->key(p, &c, key);
	app_ctx_release(&c);
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

static const struct action_impl *
find_action(struct app *a, int key)
{
	struct pane *p = focused(a);

	if (p->source < 0) {
		return NULL;
	}
	return action_impl_by_key(runner_actions(a->r, p->source), key);
}

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

bool
keymap_preview_done(struct app *a, const struct action_done *d)
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
		dialog_open_input(&a->dlg, APP_DLG_ACTION_ARG, sp->label,
				  sp->input, "");
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

bool
keymap_cancel_running(struct app *a)
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

static void
dialog_done(struct app *a, enum dialog_result res)
{
	int tag = a->dlg.tag;
	struct pane *p = focused(a);

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
			strlcpy_safe(p->filter, a->dlg.input,
				     sizeof(p->filter));
			memset(&p->view, 0, sizeof(p->view));
			pane_dirty(a, a->focus);
			if (p->filter[0] != '\0') {
				app_set_status(a, ROLE_STATUS, "%s: filter "
					       "\"%s\"", pane_title(p),
					       p->filter);
			} else {
				app_set_status(a, ROLE_STATUS,
					       "%s: filter cleared",
					       pane_title(p));
			}
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
focus_step(struct app *a, int delta)
{
	app_focus(a, (a->focus + delta + a->n_panes) % a->n_panes);
}

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

/* The loop's own keys; returns false for keys it leaves to the pane. */
static bool
global_key(struct app *a, int key, bool is_wchar)
{
	if (!is_wchar) {
		switch (key) {
		case KEY_BTAB:
			focus_step(a, -1);
			return true;
		case KEY_ENTER:
			break;
		case KEY_RESIZE:
			return true;
		default:
			return false;
		}
		key = '\n';
	}
	switch (key) {
	case 'q':
		dialog_open_confirm(&a->dlg, APP_DLG_QUIT, "Quit warroom?",
				    "The probes stop; actions already "
				    "running finish on their own.");
		a->dirty_overlay = true;
		return true;
	case '?':
		help_open(a);
		return true;
	case '\t':
		focus_step(a, 1);
		return true;
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
	case '8': case '9':
		app_focus(a, key - '1');
		return true;
	case 'z':
		toggle_zoom(a);
		return true;
	case '\n':
	case '\r':
		if (a->zoomed) {
			open_detail(a);
		} else {
			toggle_zoom(a);
		}
		return true;
	case KEY_ESC:
		if (a->zoomed) {
			toggle_zoom(a);
		} else {
			keymap_cancel_running(a);
		}
		return true;
	case '/':
		open_filter(a);
		return true;
	case 'r':
		refresh_source(a);
		return true;
	case '<':
		app_switch_source(a, a->focus, -1);
		return true;
	case '>':
		app_switch_source(a, a->focus, 1);
		return true;
	case 'S':
		focused(a)->sort_desc = !focused(a)->sort_desc;
		pane_dirty(a, a->focus);
		return true;
	case KEY_CTRL_L:
		clearok(curscr, TRUE);
		app_touch_all(a);
		return true;
	default:
		return false;
	}
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
first_run_key(struct app *a, int key, bool is_wchar)
{
	if (!is_wchar) {
		return;
	}
	if (key == 'd' || key == 'D') {
		a->start_demo = true;
	} else if (key == 'q' || key == 'Q' || key == KEY_ESC) {
		a->quit = true;
		a->exit_status = 0;
	}
}

void
keymap_key(struct app *a, int key, bool is_wchar)
{
	const struct action_impl *d;

	if (a->first_run) {
		first_run_key(a, key, is_wchar);
		return;
	}
	if (a->lay.mode == LAYOUT_TOO_SMALL) {
		/* Nothing on screen to confirm with; q just quits. */
		if (is_wchar && key == 'q') {
			a->quit = true;
			a->exit_status = 0;
		}
		return;
	}
	if (dialog_is_open(&a->dlg)) {
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
		return;
	}
	if (a->overlay != OVERLAY_NONE) {
		overlay_key(a, key, is_wchar);
		return;
	}
	if (global_key(a, key, is_wchar)) {
		return;
	}
	if (is_wchar && incident_ui_key(a, key)) {
		return;
	}
	if (is_wchar && key >= 'A' && key <= 'Z' &&
	    (d = find_action(a, key)) != NULL) {
		start_action(a, d);
		return;
	}
	if (is_wchar && key > 0x7f) {
		return;
	}
	pane_key(a, a->focus, key);
}

void
keymap_mouse(struct app *a, const MEVENT *ev)
{
	bool framed;
	int i;

	if (a->first_run || a->lay.mode == LAYOUT_TOO_SMALL ||
	    dialog_is_open(&a->dlg)) {
		return;
	}
	if (a->overlay != OVERLAY_NONE) {
		if (ev->bstate & BUTTON4_PRESSED) {
			for (int k = 0; k < WHEEL_STEP; k++) {
				textview_key(&a->tv, KEY_UP);
			}
			a->dirty_overlay = true;
		} else if (ev->bstate & BUTTON5_PRESSED) {
			for (int k = 0; k < WHEEL_STEP; k++) {
				textview_key(&a->tv, KEY_DOWN);
			}
			a->dirty_overlay = true;
		}
		return;
	}
	i = layout_pane_at(&a->lay, ev->y, ev->x);
	if (i < 0) {
		return;
	}
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		int key = ev->bstate & BUTTON4_PRESSED ? KEY_UP : KEY_DOWN;

		for (int k = 0; k < WHEEL_STEP; k++) {
			pane_key(a, i, key);
		}
		return;
	}
	if (!(ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))) {
		return;
	}
	/* A click on a closed pane's summary line only opens it. */
	framed = layout_is_framed(&a->lay, i);
	app_focus(a, i);
	if (framed && a->panes[i].ops->click != NULL) {
		struct rect b = a->pane_body[i];
		struct pane_ctx c;

		if (ev->y >= b.y && ev->y < b.y + b.h && ev->x >= b.x &&
		    ev->x < b.x + b.w) {
			app_ctx_get(a, i, &c);
			if (a->panes[i].ops->click(&a->panes[i], &c,
						   ev->y - b.y,
						   ev->x - b.x)) {
				pane_dirty(a, i);
				a->dirty_status = true;
			}
			app_ctx_release(&c);
		}
	}
}
