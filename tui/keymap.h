/* Keys and the mouse: the global bindings (one table that the help screen
 * and --help print), and the dispatch of each key to dialogs, overlays,
 * the loop's own commands, a pane's actions or the pane itself.
 * UI thread. */
#ifndef WARROOM_KEYMAP_H
#define WARROOM_KEYMAP_H

#include <stdbool.h>

#include <curses.h>

struct app;
struct action_done;

struct keymap_entry {
	const char *keys;       /* "Tab S-Tab" */
	const char *what;       /* "next / previous pane" */
};

/* The global bindings, ended by an entry whose keys is NULL. */
extern const struct keymap_entry keymap_global[];

/* Handles one key from wget_wch(): a character when is_wchar, else a
 * KEY_ code. */
void keymap_key(struct app *a, int key, bool is_wchar);

/* A finished preview: opens the pending action's confirmation with what
 * it found (or says why not). Returns false when d is not a preview. */
bool keymap_preview_done(struct app *a, const struct action_done *d);

/* Asks the running long action (a pattern delete) to stop; false when
 * none is running. */
bool keymap_cancel_running(struct app *a);

/* Handles a mouse event: a click focuses the pane under it and hands the
 * click to the pane; the wheel moves the selection of the pane under it. */
void keymap_mouse(struct app *a, const MEVENT *ev);

#endif
