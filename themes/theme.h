/* Colours by role. Drawing code names a role (ROLE_CRIT); the theme maps it
 * to a colour pair and attributes. Loaded on the main thread before the UI
 * starts: built-in defaults, then the theme file, then derived values for
 * whatever the file left unset. UI thread after that. */
#ifndef WARROOM_THEME_H
#define WARROOM_THEME_H

#include <stdbool.h>

#include <curses.h>

#include "core/err.h"

enum role {
	ROLE_NORMAL,
	ROLE_DIM,               /* secondary text, ages, units */
	ROLE_TITLE,             /* pane titles */
	ROLE_BORDER,
	ROLE_BORDER_FOCUS,      /* the focused pane's frame */
	ROLE_HEADER,            /* the top bar */
	ROLE_COLUMN,            /* table column headings */
	ROLE_OK,
	ROLE_WARN,
	ROLE_CRIT,
	ROLE_STALE,             /* data older than 3 intervals */
	ROLE_SELECTED,          /* selected table row */
	ROLE_STATUS,            /* the status line */
	ROLE_KEY,               /* key names in hints and help */
	ROLE_SPARK,
	ROLE_GAUGE_FILL,
	ROLE_GAUGE_EMPTY,
	ROLE_DIALOG,
	ROLE_DIALOG_BORDER,
	ROLE_ESCAPE,            /* visible escapes of sanitized text (\x1b) */
	ROLE_COUNT,
};

struct role_style {
	short fg;               /* curses colour number, -1 terminal default */
	short bg;
	attr_t attrs;           /* A_BOLD, A_REVERSE, ... */
};

struct theme {
	char name[64];
	bool mono;              /* attributes only, no colour */
	struct role_style roles[ROLE_COUNT];
};

/* Role names as theme files spell them ("ok", "warn", "selected", ...). */
const char *theme_role_name(enum role r);

/* Fills t with the built-in default (dark) theme. */
void theme_defaults(struct theme *t);

/* Loads a theme by name ("default", "light", "high-contrast",
 * "monochrome") from the theme directories, or by path when name contains
 * a '/'. Errors say "FILE:LINE: reason". */
int theme_load(struct theme *t, const char *name_or_path, struct err *err);

/* The directories searched for NAME.theme, in order; NULL-terminated,
 * static storage. */
const char *const *theme_dirs(void);

/* Picks "monochrome" when NO_COLOR is set or the terminal has no colours
 * (after initscr), else name (NULL: "default"). */
const char *theme_choose(const char *name, bool has_colors);

/* After start_color(): registers the colour pairs. UI thread. */
void theme_apply(const struct theme *t);

/* Attributes (colour pair | attrs) to draw role r with; t NULL gives the
 * built-in monochrome attributes. UI thread. */
attr_t theme_attr(const struct theme *t, enum role r);

#endif
