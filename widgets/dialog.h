/* Modal dialogs: confirm (defaults to No), text input, and type-to-confirm
 * (the operator must type an exact word, such as a database number).
 * Opening one discards typeahead (flushinp), so keys typed before it
 * appeared, or a terminal's reply to an escape sequence, can never answer
 * it. UI thread. */
#ifndef WARROOM_DIALOG_H
#define WARROOM_DIALOG_H

#include <stdbool.h>

#include <curses.h>

#include "themes/theme.h"

#define DIALOG_TEXT_MAX 4096
/* As long as an action's input (core/action.h's ACTION_ARG_MAX). */
#define DIALOG_INPUT_MAX 512

enum dialog_kind {
	DIALOG_NONE,
	DIALOG_CONFIRM,
	DIALOG_INPUT,
	DIALOG_TYPE_TO_CONFIRM,
};

enum dialog_result {
	DIALOG_PENDING,         /* still open */
	DIALOG_YES,             /* confirmed, or input accepted */
	DIALOG_NO,              /* refused or cancelled */
};

struct dialog {
	enum dialog_kind kind;
	char title[128];
	char body[DIALOG_TEXT_MAX];     /* '\n'-separated; sanitized on draw */
	char expect[64];                /* TYPE_TO_CONFIRM: the word to type */
	char input[DIALOG_INPUT_MAX];   /* INPUT, TYPE_TO_CONFIRM: typed text */
	bool yes_selected;              /* CONFIRM: the highlighted button */
	int tag;                        /* caller's: what the dialog is for */
};

void dialog_open_confirm(struct dialog *d, int tag, const char *title,
			 const char *body);
void dialog_open_input(struct dialog *d, int tag, const char *title,
		       const char *prompt, const char *initial);
void dialog_open_type_to_confirm(struct dialog *d, int tag,
				 const char *title, const char *body,
				 const char *expect);
void dialog_close(struct dialog *d);
bool dialog_is_open(const struct dialog *d);

/* Feeds one key (a wide character when is_wchar, else a KEY_ code).
 * CONFIRM: y/Y yes, n/N/Esc/q no, Tab/arrows move, Enter takes the
 * highlighted button (No unless moved). INPUT: editing keys, Enter accepts,
 * Esc cancels. */
enum dialog_result dialog_key(struct dialog *d, int key, bool is_wchar);

/* Draws centred on win. */
void dialog_draw(const struct dialog *d, WINDOW *win, const struct theme *t);

#endif
