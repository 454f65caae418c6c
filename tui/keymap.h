/* Keys and the mouse: the global bindings (one table that the help screen
 * and --help print), and the dispatch of each key to dialogs, overlays,
 * the loop's own commands, a pane's actions or the pane itself.
 * UI thread. */
#ifndef WARROOM_KEYMAP_H
#define WARROOM_KEYMAP_H

#include <stdbool.h>

#include <curses.h>

struct app;

struct keymap_entry {
	const char *keys;       /* "Tab S-Tab" */
	const char *what;       /* "next / previous pane" */
};

/* The global bindings, ended by an entry whose keys is NULL. */
extern const struct keymap_entry keymap_global[];

/* Handles one key from wget_wch(): a character when is_wchar, else a
 * KEY_ code. */
void keymap_key(struct app *a, int key, bool is_wchar);

/* Handles a mouse event: a click focuses the pane under it and hands the
 * click to the pane; the wheel moves the selection of the pane under it. */
void keymap_mouse(struct app *a, const MEVENT *ev);

#endif
