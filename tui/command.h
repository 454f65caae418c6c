/* What a key or a click asks for, as a value: tui/keymap.c turns input
 * into commands (it only reads the app), and command_apply() is the one
 * place that carries them out. The event loop (tui/loop.c) feeds input
 * through both and collects what changed. UI thread. */
#ifndef WARROOM_COMMAND_H
#define WARROOM_COMMAND_H

#include <stdbool.h>

#include <curses.h>

#include "core/action.h"

struct app;

enum command_kind {
	CMD_NONE,
	CMD_QUIT,               /* at once, with exit status arg */
	CMD_QUIT_ASK,           /* the quit dialog */
	CMD_START_DEMO,         /* the first-run screen's d */
	CMD_HELP,
	CMD_FOCUS,              /* pane */
	CMD_FOCUS_STEP,         /* arg: +1 next, -1 previous */
	CMD_ZOOM,               /* zoom or unzoom */
	CMD_DETAIL,             /* the selected row in full */
	CMD_CANCEL_RUNNING,     /* stop the running long action */
	CMD_FILTER,             /* the focused pane's filter dialog */
	CMD_REFRESH,            /* poll the focused pane's source now */
	CMD_SOURCE_STEP,        /* arg: +1 next, -1 previous source */
	CMD_SORT_FLIP,
	CMD_REDRAW,
	CMD_ACTION,             /* impl, in the focused pane */
	CMD_INCIDENT,           /* key: one of the incident's keys */
	CMD_DIALOG_KEY,         /* key, is_wchar: to the open dialog */
	CMD_OVERLAY_KEY,        /* key, is_wchar: to the open overlay */
	CMD_OVERLAY_SCROLL,     /* arg lines, down when > 0 */
	CMD_PANE_KEY,           /* key to pane, arg times */
	CMD_PANE_CLICK,         /* pane, at (dy, dx) inside its body */
	CMD_HIDE,               /* hide pane */
	CMD_SHOW,               /* show pane again, -1: every hidden one */
	CMD_CMDLINE,            /* open the ':' command line */
	CMD_CMDLINE_KEY,        /* key, is_wchar: to the command line */
	CMD_SHOW_SOURCE,        /* focus pane, showing its source arg */
	CMD_FILTER_SET,         /* text: the focused pane's filter */
	CMD_PROMQL,             /* text: an ad-hoc query, Metrics pane */
	CMD_RELOAD,             /* read the configuration again */
	CMD_STRIP,              /* focus the Findings strip (arg 1), or
				 * leave it when focused (arg 0) */
	CMD_STRIP_KEY,          /* key, is_wchar: to the focused strip */
	CMD_STRIP_CLICK,        /* on line dy of the strip, screen column dx */
};

struct command {
	enum command_kind kind;
	int arg;
	int pane;
	int key;
	bool is_wchar;
	int dy, dx;
	const struct action_impl *impl;
	/* CMD_FILTER_SET, CMD_PROMQL: the text, which lives only as long as
	 * the line it came from (command_apply() copies it). */
	const char *text;
};

/* Carries out c. */
void command_apply(struct app *a, const struct command *c);

/* One key from wget_wch() (a character when is_wchar, else a KEY_ code):
 * keymap_command() and then command_apply(). */
void command_key(struct app *a, int key, bool is_wchar);

/* One mouse event: keymap_mouse() and then command_apply() for each of
 * its commands. */
void command_mouse(struct app *a, const MEVENT *ev);

/* Takes in what changed since the last call: app_collect() (snapshots,
 * the timeline, the clock), then finished actions and previews, and the
 * incident's news. Returns true when anything is dirty. */
bool command_collect(struct app *a);

#endif
