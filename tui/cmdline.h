/* The ':' command line, as k9s and vim users expect it: a line editor on
 * the status line with history and Tab completion, and the parser that
 * turns a finished line into commands (tui/command.h) for command.c to
 * apply. The editor is plain data (testable without a screen); parsing
 * and completion read the app, never change it. UI thread. */
#ifndef WARROOM_CMDLINE_H
#define WARROOM_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/command.h"

#define CMDLINE_MAX 256         /* bytes of one line, NUL included */
#define CMDLINE_HISTORY 64      /* lines remembered */
#define CMDLINE_CANDIDATES 64   /* completions of one word at most */

struct app;

struct cmdline {
	bool open;
	char buf[CMDLINE_MAX];  /* UTF-8 */
	size_t len;             /* bytes */
	size_t cur;             /* the cursor, a byte offset */
	/* Lines entered, oldest first (xmalloc'd); hist_pos == n_hist while
	 * the line is new, and draft keeps it while Up browses. */
	char *hist[CMDLINE_HISTORY];
	size_t n_hist;
	size_t hist_pos;
	char draft[CMDLINE_MAX];
	/* Tab: the words the word before the cursor can become (static
	 * storage or the app's: valid until the line changes); more Tabs
	 * cycle through them. */
	const char *cand[CMDLINE_CANDIDATES];
	size_t n_cand;
	size_t cand_i;
	size_t word_at;         /* where the completed word starts */
	bool cycling;
	/* What Tab found, shown beside the line ("database  db"). */
	char matches[160];
};

/* The words that may stand at position argi (0: the command) of a line
 * whose first word is cmd (NULL for argi 0): up to max into out, whose
 * strings live as long as the app's sources; returns how many. */
typedef size_t (*cmdline_words_fn)(const void *ctx, const char *cmd,
				   int argi, const char **out, size_t max);

enum cmdline_event {
	CMDLINE_EDITING,
	CMDLINE_ENTER,          /* the line is in buf, added to history */
	CMDLINE_CANCEL,         /* Esc, Ctrl-C, Backspace on an empty line */
};

/* Opens an empty line (keeping the history). */
void cmdline_open(struct cmdline *cl);
/* One key from wget_wch() (a character when is_wchar, else a KEY_ code):
 * editing (Left Right Home End, Ctrl-A Ctrl-E, Backspace Delete, Ctrl-U
 * Ctrl-K Ctrl-W), history (Up Down, Ctrl-P Ctrl-N), Tab completion from
 * words(ctx, ...), Enter, Esc. Closes the line on ENTER and CANCEL. */
enum cmdline_event cmdline_key(struct cmdline *cl, int key, bool is_wchar,
			       cmdline_words_fn words, const void *ctx);
/* Frees the history. */
void cmdline_finish(struct cmdline *cl);

/* The app's words for completion (a cmdline_words_fn; ctx is the app):
 * the commands and the panes shown, then a pane's sources, or the panes
 * for hide and show. */
size_t cmdline_app_words(const void *ctx, const char *cmd, int argi,
			 const char **out, size_t max);

/* Turns line into the command it asks for, read against the app: the
 * text of :filter and :promql points into line, whose trailing blanks are
 * cut. Returns false with a one-line reason in why ("unknown command 'x'
 * (Tab lists them)"). */
bool cmdline_parse(const struct app *a, char *line, struct command *c,
		   char *why, size_t n);

/* The commands, one line each ("  :promql EXPR  an ad-hoc ..."), for the
 * help screen and --help; ended by an entry whose name is NULL. */
struct cmdline_help {
	const char *usage;      /* ":db billing" */
	const char *what;
};
extern const struct cmdline_help cmdline_help[];

/* Draws the line on row y (":" and the text, the cursor as a reversed
 * cell, what Tab found on the right). */
void cmdline_draw(const struct cmdline *cl, struct app *a, int y);

#endif
