/* Keys and the mouse: the global bindings (one table that the help screen
 * and --help print), and what each key or click asks for, as a command
 * (tui/command.h): an open dialog takes every key, then an overlay, then
 * the global bindings, then the incident's keys, then the focused pane's
 * actions, then the pane. Only reads the app; command_apply() acts.
 * UI thread. */
#include "tui/keymap.h"

#include <string.h>

#include "tui/app.h"
#include "tui/findings.h"

#define KEY_ESC 27
#define KEY_CTRL_D 4
#define KEY_CTRL_L 12
#define WHEEL_STEP 3

const struct keymap_entry keymap_global[] = {
	{ "q", "quit (asks first)" },
	{ "?", "show every key binding" },
	{ "w", "focus the Findings strip (Up Down j k select, Enter shows "
	       "the finding's row in its pane, z lists all, Esc or w "
	       "leaves)" },
	{ "Tab S-Tab", "focus the next / previous pane" },
	{ "1-9", "focus a pane by the number in its title (brings back a "
		 "hidden one)" },
	{ "x o", "hide the focused pane / show every hidden pane" },
	{ ":", "the command line (its commands are listed below)" },
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
	{ "Ctrl-D", "the focused pane's D action (delete a pod, as in k9s)" },
	{ "Up Down j k", "move the selection" },
	{ "PgUp PgDn", "move a page" },
	{ "g G Home End", "first / last row" },
	{ "Ctrl-L", "redraw the screen" },
	{ "mouse", "a click focuses a pane and selects a row; the wheel "
		   "moves the selection" },
	{ NULL, NULL },
};

/* The incident's own keys (tui/incident_ui_keys.c). */
static const char incident_keys[] = "intpPu";

static struct command
cmd(enum command_kind kind, int arg)
{
	struct command c = { .kind = kind, .arg = arg };

	return c;
}

static struct command
pane_key_cmd(int pane, int key, int times)
{
	struct command c = { .kind = CMD_PANE_KEY, .pane = pane, .key = key,
			     .arg = times };

	return c;
}

/* The loop's own keys; CMD_NONE for keys it leaves to others. */
static struct command
global_key(const struct app *a, int key, bool is_wchar)
{
	if (!is_wchar) {
		switch (key) {
		case KEY_BTAB:
			return cmd(CMD_FOCUS_STEP, -1);
		case KEY_ENTER:
			break;
		case KEY_RESIZE:
			return cmd(CMD_REDRAW, 0);
		default:
			return cmd(CMD_NONE, 0);
		}
		key = '\n';
	}
	switch (key) {
	case 'q':
		return cmd(CMD_QUIT_ASK, 0);
	case ':':
		return cmd(CMD_CMDLINE, 0);
	case 'x': {
		struct command c = cmd(CMD_HIDE, 0);

		c.pane = a->focus;
		return c;
	}
	case 'o': {
		struct command c = cmd(CMD_SHOW, 0);

		c.pane = -1;
		return c;
	}
	case '?':
		return cmd(CMD_HELP, 0);
	case FINDINGS_KEY:
		return cmd(CMD_STRIP, 0);
	case '\t':
		return cmd(CMD_FOCUS_STEP, 1);
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
	case '8': case '9': {
		struct command c = cmd(CMD_FOCUS, 0);

		c.pane = key - '1';
		return c;
	}
	case 'z':
		return cmd(CMD_ZOOM, 0);
	case '\n':
	case '\r':
		return cmd(a->zoomed ? CMD_DETAIL : CMD_ZOOM, 0);
	case KEY_ESC:
		/* A pane's nested view (a pod's logs) closes first. */
		if (a->panes[a->focus].nested) {
			return pane_key_cmd(a->focus, KEY_ESC, 1);
		}
		if (a->zoomed) {
			return cmd(CMD_ZOOM, 0);
		}
		if (adhoc_shows(a, a->focus)) {
			/* Back from :promql to the source's panels. */
			struct command c = cmd(CMD_PROMQL, 0);

			c.text = "";
			return c;
		}
		return cmd(CMD_CANCEL_RUNNING, 0);
	case '/':
		return cmd(CMD_FILTER, 0);
	case 'r':
		return cmd(CMD_REFRESH, 0);
	case '<':
		return cmd(CMD_SOURCE_STEP, -1);
	case '>':
		return cmd(CMD_SOURCE_STEP, 1);
	case 'S':
		return cmd(CMD_SORT_FLIP, 0);
	case KEY_CTRL_L:
		return cmd(CMD_REDRAW, 0);
	default:
		return cmd(CMD_NONE, 0);
	}
}

/* The keys of the focused strip: its own (moving, Enter, z, Esc), then
 * the global ones (quit, help, the command line, focusing a pane, which
 * leaves the strip) and the incident's; a pane's keys and actions wait
 * until a pane has the focus again. */
static bool
is_strip_key(int key, bool is_wchar)
{
	if (!is_wchar) {
		return key == KEY_UP || key == KEY_DOWN || key == KEY_PPAGE ||
		       key == KEY_NPAGE || key == KEY_HOME || key == KEY_END ||
		       key == KEY_ENTER;
	}
	if (key == KEY_ESC || key == FINDINGS_KEY) {
		return true;
	}
	return key > 0 && key < 0x80 && strchr("jkgGz\n\r", key) != NULL;
}

/* A key of the loop's own or of the incident's; CMD_NONE for others. */
static struct command
global_or_incident_key(const struct app *a, int key, bool is_wchar)
{
	struct command c = global_key(a, key, is_wchar);

	if (c.kind == CMD_NONE && is_wchar && a->iu != NULL && key > 0 &&
	    key < 0x80 && strchr(incident_keys, key) != NULL) {
		c = cmd(CMD_INCIDENT, 0);
		c.key = key;
	}
	return c;
}

static struct command
strip_key(const struct app *a, int key, bool is_wchar)
{
	struct command c;

	if (is_strip_key(key, is_wchar)) {
		c = cmd(CMD_STRIP_KEY, 0);
		c.key = key;
		c.is_wchar = is_wchar;
		return c;
	}
	return global_or_incident_key(a, key, is_wchar);
}

static struct command
first_run_key(int key, bool is_wchar)
{
	if (is_wchar && (key == 'd' || key == 'D')) {
		return cmd(CMD_START_DEMO, 0);
	}
	if (is_wchar && (key == 'q' || key == 'Q' || key == KEY_ESC)) {
		return cmd(CMD_QUIT, 0);
	}
	return cmd(CMD_NONE, 0);
}

struct command
keymap_command(const struct app *a, int key, bool is_wchar)
{
	const struct pane *p = &a->panes[a->focus];
	struct command c;

	if (a->first_run) {
		return first_run_key(key, is_wchar);
	}
	if (a->lay.mode == LAYOUT_TOO_SMALL) {
		/* Nothing on screen to confirm with; q just quits. */
		return is_wchar && key == 'q' ? cmd(CMD_QUIT, 0) :
		       cmd(CMD_NONE, 0);
	}
	if (a->cmdline.open) {
		c = cmd(CMD_CMDLINE_KEY, 0);
		c.key = key;
		c.is_wchar = is_wchar;
		return c;
	}
	if (dialog_is_open(&a->dlg) || a->overlay != OVERLAY_NONE) {
		c = cmd(dialog_is_open(&a->dlg) ? CMD_DIALOG_KEY :
			CMD_OVERLAY_KEY, 0);
		c.key = key;
		c.is_wchar = is_wchar;
		return c;
	}
	if (a->strip.focused) {
		return strip_key(a, key, is_wchar);
	}
	c = global_or_incident_key(a, key, is_wchar);
	if (c.kind != CMD_NONE) {
		return c;
	}
	if (is_wchar && ((key >= 'A' && key <= 'Z') || key == KEY_CTRL_D) &&
	    p->source >= 0) {
		c.impl = action_impl_by_key(runner_actions(a->r, p->source),
					    key == KEY_CTRL_D ? 'D' : key);
		if (c.impl != NULL) {
			c.kind = CMD_ACTION;
			return c;
		}
	}
	if (is_wchar && key > 0x7f) {
		return cmd(CMD_NONE, 0);
	}
	return pane_key_cmd(a->focus, key, 1);
}

size_t
keymap_mouse(const struct app *a, const MEVENT *ev, struct command *out,
	     size_t max)
{
	struct rect b;
	size_t n = 0;
	int i;

	if (max < 2 || a->first_run || a->lay.mode == LAYOUT_TOO_SMALL ||
	    dialog_is_open(&a->dlg) || a->cmdline.open) {
		return 0;
	}
	if (a->overlay != OVERLAY_NONE) {
		if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
			out[n++] = cmd(CMD_OVERLAY_SCROLL,
				       ev->bstate & BUTTON4_PRESSED ?
				       -WHEEL_STEP : WHEEL_STEP);
		}
		return n;
	}
	if (a->lay.strip.h > 0 && ev->y >= a->lay.strip.y &&
	    ev->y < a->lay.strip.y + a->lay.strip.h) {
		if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
			out[n] = cmd(CMD_STRIP_KEY, 0);
			out[n++].key = ev->bstate & BUTTON4_PRESSED ? KEY_UP :
				       KEY_DOWN;
			return n;
		}
		if (!(ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))) {
			return 0;
		}
		out[n] = cmd(CMD_STRIP_CLICK, 0);
		out[n].dy = ev->y - a->lay.strip.y;
		out[n++].dx = ev->x;
		return n;
	}
	i = layout_pane_at(&a->lay, ev->y, ev->x);
	if (i < 0) {
		return 0;
	}
	if (ev->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		out[n++] = pane_key_cmd(i, ev->bstate & BUTTON4_PRESSED ?
					KEY_UP : KEY_DOWN, WHEEL_STEP);
		return n;
	}
	if (!(ev->bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))) {
		return 0;
	}
	out[n] = cmd(CMD_FOCUS, 0);
	out[n++].pane = i;
	/* A click on a closed pane's summary line only opens it; one in a
	 * frame also selects what is under it. */
	b = a->pane_body[i];
	if (layout_is_framed(&a->lay, i) && ev->y >= b.y && ev->y < b.y + b.h &&
	    ev->x >= b.x && ev->x < b.x + b.w) {
		out[n] = cmd(CMD_PANE_CLICK, 0);
		out[n].pane = i;
		out[n].dy = ev->y - b.y;
		out[n++].dx = ev->x - b.x;
	}
	return n;
}
