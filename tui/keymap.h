/* Keys and the mouse: the global bindings (one table that the help screen
 * and --help print), and what a key or a click asks for, as commands that
 * tui/command.c carries out. Reads the app, never changes it. UI thread. */
#ifndef WARROOM_KEYMAP_H
#define WARROOM_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "tui/command.h"

struct app;

struct keymap_entry {
	const char *keys;       /* "Tab S-Tab" */
	const char *what;       /* "next / previous pane" */
};

/* The global bindings, ended by an entry whose keys is NULL. */
extern const struct keymap_entry keymap_global[];

/* What one key from wget_wch() asks for: a character when is_wchar, else
 * a KEY_ code. */
struct command keymap_command(const struct app *a, int key, bool is_wchar);

/* What a mouse event asks for, in order (a click focuses the pane under
 * it, then selects what it hit): up to max commands into out; returns how
 * many. */
size_t keymap_mouse(const struct app *a, const MEVENT *ev,
		    struct command *out, size_t max);

#endif
