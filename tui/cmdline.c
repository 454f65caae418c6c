/* The ':' command line (see cmdline.h): the line editor, its history and
 * Tab completion, the words the app offers, the parser that turns a line
 * into a command, and drawing the line. UI thread. */
#include "tui/cmdline.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/kind.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "widgets/draw.h"

#define KEY_ESC 27
#define CTRL(c) ((c) & 0x1f)

/* ---- the commands ---------------------------------------------------- */

enum verb {
	VERB_PROMQL,
	VERB_FILTER,
	VERB_RELOAD,
	VERB_HIDE,
	VERB_SHOW,
	VERB_HELP,
	VERB_QUIT,
};

static const struct {
	const char *name;
	const char *alias;      /* or NULL */
	enum verb verb;
} verbs[] = {
	{ "promql", NULL, VERB_PROMQL },
	{ "filter", NULL, VERB_FILTER },
	{ "reload", NULL, VERB_RELOAD },
	{ "hide", NULL, VERB_HIDE },
	{ "show", NULL, VERB_SHOW },
	{ "help", NULL, VERB_HELP },
	{ "quit", "q", VERB_QUIT },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

const struct cmdline_help cmdline_help[] = {
	{ ":pods :db :redis ...", "focus a pane by its kind (Tab lists "
				  "them; :timeline too)" },
	{ ":db billing", "focus a pane showing one of its sources (or "
			 ":postgres.billing)" },
	{ ":promql EXPR", "an ad-hoc PromQL query in the Metrics pane, "
			  "with its sparkline; :promql alone goes back" },
	{ ":filter TEXT", "filter the focused pane (no text: clear)" },
	{ ":hide [PANE]", "hide a pane (the focused one)" },
	{ ":show [PANE]", "show a hidden pane (every one)" },
	{ ":reload", "read the configuration again; the incident and its "
		     "timeline stay" },
	{ ":help :q", "this help / quit (asks first)" },
	{ NULL, NULL },
};

/* ---- editing ----------------------------------------------------------- */

void
cmdline_open(struct cmdline *cl)
{
	cl->open = true;
	cl->buf[0] = '\0';
	cl->len = 0;
	cl->cur = 0;
	cl->hist_pos = cl->n_hist;
	cl->draft[0] = '\0';
	cl->cycling = false;
	cl->n_cand = 0;
	cl->matches[0] = '\0';
}

void
cmdline_finish(struct cmdline *cl)
{
	for (size_t i = 0; i < cl->n_hist; i++) {
		free(cl->hist[i]);
		cl->hist[i] = NULL;
	}
	cl->n_hist = 0;
}

static void
set_line(struct cmdline *cl, const char *s)
{
	strlcpy_safe(cl->buf, s, sizeof(cl->buf));
	cl->len = strlen(cl->buf);
	cl->cur = cl->len;
}

/* Inserts n bytes of s at the cursor, if they fit. */
static void
insert(struct cmdline *cl, const char *s, size_t n)
{
	if (cl->len + n + 1 > sizeof(cl->buf)) {
		return;
	}
	memmove(cl->buf + cl->cur + n, cl->buf + cl->cur,
		cl->len - cl->cur + 1);
	memcpy(cl->buf + cl->cur, s, n);
	cl->len += n;
	cl->cur += n;
}

/* Removes buf[from, to). */
static void
cut(struct cmdline *cl, size_t from, size_t to)
{
	memmove(cl->buf + from, cl->buf + to, cl->len - to + 1);
	cl->len -= to - from;
	cl->cur = from;
}

static bool
is_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/* The start of the character before byte offset at. */
static size_t
char_before(const struct cmdline *cl, size_t at)
{
	while (at > 0 && is_cont(cl->buf[--at])) {
	}
	return at;
}

static size_t
char_after(const struct cmdline *cl, size_t at)
{
	if (at < cl->len) {
		at++;
	}
	while (at < cl->len && is_cont(cl->buf[at])) {
		at++;
	}
	return at;
}

static void
insert_wchar(struct cmdline *cl, unsigned long c)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else if (c < 0x110000) {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	} else {
		return;
	}
	insert(cl, u, n);
}

static void
history_add(struct cmdline *cl)
{
	if (cl->len == 0 || (cl->n_hist > 0 &&
			     strcmp(cl->hist[cl->n_hist - 1], cl->buf) == 0)) {
		return;
	}
	if (cl->n_hist == CMDLINE_HISTORY) {
		free(cl->hist[0]);
		memmove(cl->hist, cl->hist + 1,
			(CMDLINE_HISTORY - 1) * sizeof(cl->hist[0]));
		cl->n_hist--;
	}
	cl->hist[cl->n_hist++] = xstrdup(cl->buf);
}

/* Up (delta -1) or Down (+1) through the history; the line being typed
 * comes back past the newest entry. */
static void
history_move(struct cmdline *cl, int delta)
{
	if (delta < 0 && cl->hist_pos == 0) {
		return;
	}
	if (delta > 0 && cl->hist_pos >= cl->n_hist) {
		return;
	}
	if (cl->hist_pos == cl->n_hist) {
		strlcpy_safe(cl->draft, cl->buf, sizeof(cl->draft));
	}
	cl->hist_pos = delta < 0 ? cl->hist_pos - 1 : cl->hist_pos + 1;
	set_line(cl, cl->hist_pos == cl->n_hist ? cl->draft :
		 cl->hist[cl->hist_pos]);
}

/* ---- completion -------------------------------------------------------- */

/* The first word of buf[0..end) into out; returns how many words start
 * before end (the word being typed at end not counted). */
static int
words_before(const char *buf, size_t end, char *first, size_t n)
{
	int count = 0;
	size_t i = 0;

	first[0] = '\0';
	while (i < end) {
		size_t start;

		while (i < end && buf[i] == ' ') {
			i++;
		}
		start = i;
		while (i < end && buf[i] != ' ') {
			i++;
		}
		if (i == end) {
			break;  /* the word being typed */
		}
		if (count == 0) {
			snprintf(first, n, "%.*s", (int)(i - start),
				 buf + start);
		}
		count++;
	}
	return count;
}

/* The longest prefix every candidate shares (case as the first has it). */
static size_t
common_prefix(const char *const *cand, size_t n)
{
	size_t len = strlen(cand[0]);

	for (size_t i = 1; i < n; i++) {
		size_t k = 0;

		while (k < len && cand[i][k] != '\0' &&
		       tolower((unsigned char)cand[i][k]) ==
		       tolower((unsigned char)cand[0][k])) {
			k++;
		}
		len = k;
	}
	return len;
}

static void
replace_word(struct cmdline *cl, const char *with, size_t n, bool space)
{
	cut(cl, cl->word_at, cl->cur);
	insert(cl, with, n);
	if (space) {
		insert(cl, " ", 1);
	}
}

static void
complete(struct cmdline *cl, cmdline_words_fn words, const void *ctx)
{
	const char *all[CMDLINE_CANDIDATES];
	char first[64];
	size_t n_all, prefix, word_len;
	int argi;

	if (cl->cycling && cl->n_cand > 1) {
		cl->cand_i = (cl->cand_i + 1) % cl->n_cand;
		replace_word(cl, cl->cand[cl->cand_i],
			     strlen(cl->cand[cl->cand_i]), false);
		return;
	}
	cl->word_at = cl->cur;
	while (cl->word_at > 0 && cl->buf[cl->word_at - 1] != ' ') {
		cl->word_at--;
	}
	word_len = cl->cur - cl->word_at;
	argi = words_before(cl->buf, cl->cur, first, sizeof(first));
	n_all = words(ctx, argi > 0 ? first : NULL, argi, all,
		      CMDLINE_CANDIDATES);
	cl->n_cand = 0;
	cl->matches[0] = '\0';
	for (size_t i = 0; i < n_all; i++) {
		if (strncasecmp(all[i], cl->buf + cl->word_at, word_len) == 0) {
			cl->cand[cl->n_cand++] = all[i];
			strappendf(cl->matches, sizeof(cl->matches), "%s%s",
				   cl->n_cand > 1 ? "  " : "", all[i]);
		}
	}
	if (cl->n_cand == 0) {
		snprintf(cl->matches, sizeof(cl->matches), "no match");
		return;
	}
	if (cl->n_cand == 1) {
		replace_word(cl, cl->cand[0], strlen(cl->cand[0]), true);
		cl->matches[0] = '\0';
		cl->n_cand = 0;
		return;
	}
	prefix = common_prefix(cl->cand, cl->n_cand);
	if (prefix > word_len) {
		replace_word(cl, cl->cand[0], prefix, false);
		return;
	}
	/* Nothing more in common: Tab now walks through them. */
	cl->cycling = true;
	cl->cand_i = 0;
	replace_word(cl, cl->cand[0], strlen(cl->cand[0]), false);
}

enum cmdline_event
cmdline_key(struct cmdline *cl, int key, bool is_wchar,
	    cmdline_words_fn words, const void *ctx)
{
	bool tab = is_wchar && key == '\t';

	if (!tab) {
		cl->cycling = false;
		cl->matches[0] = '\0';
	}
	if (is_wchar) {
		switch (key) {
		case '\t':
			complete(cl, words, ctx);
			return CMDLINE_EDITING;
		case '\n':
		case '\r':
			history_add(cl);
			cl->open = false;
			return CMDLINE_ENTER;
		case KEY_ESC:
		case CTRL('c'):
			cl->open = false;
			return CMDLINE_CANCEL;
		case 127:
		case CTRL('h'):
			key = KEY_BACKSPACE;
			break;
		case CTRL('a'):
			key = KEY_HOME;
			break;
		case CTRL('e'):
			key = KEY_END;
			break;
		case CTRL('b'):
			key = KEY_LEFT;
			break;
		case CTRL('f'):
			key = KEY_RIGHT;
			break;
		case CTRL('p'):
			key = KEY_UP;
			break;
		case CTRL('n'):
			key = KEY_DOWN;
			break;
		case CTRL('u'):
			cut(cl, 0, cl->cur);
			return CMDLINE_EDITING;
		case CTRL('k'):
			cl->buf[cl->cur] = '\0';
			cl->len = cl->cur;
			return CMDLINE_EDITING;
		case CTRL('w'): {
			size_t at = cl->cur;

			while (at > 0 && cl->buf[at - 1] == ' ') {
				at--;
			}
			while (at > 0 && cl->buf[at - 1] != ' ') {
				at--;
			}
			cut(cl, at, cl->cur);
			return CMDLINE_EDITING;
		}
		default:
			if (key >= 0x20 && key != 0x7f &&
			    !(key >= 0x80 && key < 0xa0)) {
				insert_wchar(cl, (unsigned long)key);
			}
			return CMDLINE_EDITING;
		}
	}
	switch (key) {
	case KEY_ENTER:
		history_add(cl);
		cl->open = false;
		return CMDLINE_ENTER;
	case KEY_BACKSPACE:
		if (cl->len == 0) {
			/* As in vim: backing out of an empty line. */
			cl->open = false;
			return CMDLINE_CANCEL;
		}
		if (cl->cur > 0) {
			cut(cl, char_before(cl, cl->cur), cl->cur);
		}
		break;
	case KEY_DC:
		if (cl->cur < cl->len) {
			size_t to = char_after(cl, cl->cur);

			cut(cl, cl->cur, to);
		}
		break;
	case KEY_LEFT:
		cl->cur = char_before(cl, cl->cur);
		break;
	case KEY_RIGHT:
		cl->cur = char_after(cl, cl->cur);
		break;
	case KEY_HOME:
		cl->cur = 0;
		break;
	case KEY_END:
		cl->cur = cl->len;
		break;
	case KEY_UP:
		history_move(cl, -1);
		break;
	case KEY_DOWN:
		history_move(cl, 1);
		break;
	default:
		break;
	}
	return CMDLINE_EDITING;
}

/* ---- the app's words ----------------------------------------------------- */

static const char *
pane_word(const struct pane *p)
{
	const struct kind_desc *kd = kind_of(p->ops->kind);

	return kd != NULL ? kd->name : "timeline";
}

/* The pane a word names (a kind by any of its names, or "timeline"), or
 * -1; *kind_ok tells whether the word names a pane at all. */
static int
pane_named(const struct app *a, const char *word, bool *known)
{
	int idx = config_layout_pane(word);

	*known = idx >= 0;
	if (idx < 0) {
		return -1;
	}
	return app_pane_of_kind(a, idx == CONFIG_PANE_TIMELINE ?
				SNAP_KIND_COUNT : (enum snap_kind)idx);
}

static size_t
add_word(const char **out, size_t n, size_t max, const char *w)
{
	if (n < max) {
		out[n++] = w;
	}
	return n;
}

size_t
cmdline_app_words(const void *ctx, const char *cmd, int argi,
		  const char **out, size_t max)
{
	const struct app *a = ctx;
	size_t n = 0;
	bool known;
	int pane;

	if (argi == 0) {
		for (size_t i = 0; i < N_VERBS; i++) {
			n = add_word(out, n, max, verbs[i].name);
		}
		for (int i = 0; i < a->n_panes; i++) {
			n = add_word(out, n, max, pane_word(&a->panes[i]));
		}
		for (int k = 0; k < SNAP_KIND_COUNT; k++) {
			const struct kind_desc *kd =
				kind_of((enum snap_kind)k);

			if (kd != NULL && kd->paneless) {
				continue;
			}
			for (size_t j = 0; j < a->n_kind_src[k]; j++) {
				n = add_word(out, n, max, state_source_name(
						     a->st, a->kind_src[k][j]));
			}
		}
		return n;
	}
	if (argi != 1 || cmd == NULL) {
		return 0;
	}
	if (strcmp(cmd, "hide") == 0 || strcmp(cmd, "show") == 0) {
		for (int i = 0; i < a->n_panes; i++) {
			n = add_word(out, n, max, pane_word(&a->panes[i]));
		}
		return strcmp(cmd, "show") == 0 ? add_word(out, n, max, "all") :
		       n;
	}
	pane = pane_named(a, cmd, &known);
	if (pane >= 0) {
		const int *src;
		size_t ns = app_pane_sources(a, pane, &src);

		for (size_t j = 0; j < ns; j++) {
			const char *name = state_source_name(a->st, src[j]);
			const char *dot = strchr(name, '.');

			n = add_word(out, n, max, dot != NULL ? dot + 1 : name);
		}
	}
	return n;
}

/* ---- parsing ---------------------------------------------------------- */

/* The source of pane i named word: its whole name or its instance,
 * exactly, else the one instance that starts with word; -1 when none or
 * several do. */
static int
source_named(const struct app *a, int i, const char *word)
{
	const int *src;
	size_t n = app_pane_sources(a, i, &src), len = strlen(word);
	int prefix = -1, prefixes = 0;

	for (size_t j = 0; j < n; j++) {
		const char *name = state_source_name(a->st, src[j]);
		const char *dot = strchr(name, '.');
		const char *inst = dot != NULL ? dot + 1 : name;

		if (strcasecmp(name, word) == 0 ||
		    strcasecmp(inst, word) == 0) {
			return src[j];
		}
		if (strncasecmp(inst, word, len) == 0) {
			prefix = src[j];
			prefixes++;
		}
	}
	return prefixes == 1 ? prefix : -1;
}

static struct command
make(enum command_kind kind, int pane, int arg)
{
	struct command c = { .kind = kind, .pane = pane, .arg = arg };

	return c;
}

/* ":hide [PANE]", ":show [PANE|all]". */
static bool
parse_hide_show(const struct app *a, bool hide, const char *rest,
		struct command *c, char *why, size_t n)
{
	bool known;
	int pane;

	if (*rest == '\0') {
		*c = make(hide ? CMD_HIDE : CMD_SHOW, hide ? a->focus : -1,
			  0);
		return true;
	}
	if (!hide && strcasecmp(rest, "all") == 0) {
		*c = make(CMD_SHOW, -1, 0);
		return true;
	}
	pane = pane_named(a, rest, &known);
	if (pane < 0) {
		snprintf(why, n, known ? "no %s pane: it has no source" :
			 "unknown pane '%.40s' (Tab lists them)", rest);
		return false;
	}
	*c = make(hide ? CMD_HIDE : CMD_SHOW, pane, 0);
	return true;
}

/* ":db", ":db billing", ":postgres.billing". */
static bool
parse_pane(const struct app *a, const char *verb, const char *rest,
	   struct command *c, char *why, size_t n)
{
	const struct kind_desc *kd = kind_find(verb);
	bool known;
	int pane = pane_named(a, verb, &known), src;

	if (!known) {
		src = state_find_source(a->st, verb);
		if (src >= 0) {
			kd = kind_of(state_source_kind(a->st, src));
		}
		/* The diagnosis has no pane: its findings are the strip's. */
		if (kd != NULL && kd->paneless) {
			*c = make(CMD_STRIP, 0, 1);
			return true;
		}
		if (src < 0) {
			snprintf(why, n, "unknown command '%.40s' (Tab lists "
				 "them)", verb);
			return false;
		}
		pane = app_pane_of_kind(a, state_source_kind(a->st, src));
		rest = verb;
	}
	if (pane < 0) {
		snprintf(why, n, "no %s source is configured",
			 kd != NULL ? kd->title : verb);
		return false;
	}
	if (*rest == '\0') {
		*c = make(CMD_FOCUS, pane, 0);
		return true;
	}
	src = source_named(a, pane, rest);
	if (src < 0) {
		snprintf(why, n, "%s has no source '%.40s' (Tab lists them)",
			 pane_title(&a->panes[pane]), rest);
		return false;
	}
	*c = make(CMD_SHOW_SOURCE, pane, src);
	return true;
}

bool
cmdline_parse(const struct app *a, char *line, struct command *c,
	      char *why, size_t n)
{
	char verb[64];
	const char *s = line, *rest;
	size_t len = strlen(line);

	memset(c, 0, sizeof(*c));
	why[0] = '\0';
	while (len > 0 && line[len - 1] == ' ') {
		line[--len] = '\0';
	}
	while (*s == ' ' || *s == ':') {
		s++;
	}
	len = strcspn(s, " ");
	if (len == 0) {
		c->kind = CMD_NONE;
		return true;
	}
	snprintf(verb, sizeof(verb), "%.*s", (int)len, s);
	for (rest = s + len; *rest == ' '; rest++) {
	}
	for (size_t i = 0; i < N_VERBS; i++) {
		if (strcasecmp(verb, verbs[i].name) != 0 &&
		    (verbs[i].alias == NULL ||
		     strcasecmp(verb, verbs[i].alias) != 0)) {
			continue;
		}
		switch (verbs[i].verb) {
		case VERB_PROMQL:
			*c = make(CMD_PROMQL, 0, 0);
			c->text = rest;
			return true;
		case VERB_FILTER:
			*c = make(CMD_FILTER_SET, a->focus, 0);
			c->text = rest;
			return true;
		case VERB_RELOAD:
			*c = make(CMD_RELOAD, 0, 0);
			break;
		case VERB_HIDE:
		case VERB_SHOW:
			return parse_hide_show(a, verbs[i].verb == VERB_HIDE,
					       rest, c, why, n);
		case VERB_HELP:
			*c = make(CMD_HELP, 0, 0);
			break;
		case VERB_QUIT:
			*c = make(CMD_QUIT_ASK, 0, 0);
			break;
		}
		if (*rest != '\0') {
			snprintf(why, n, ":%s takes nothing after it",
				 verbs[i].name);
			return false;
		}
		return true;
	}
	return parse_pane(a, verb, rest, c, why, n);
}

/* ---- drawing --------------------------------------------------------- */

void
cmdline_draw(const struct cmdline *cl, struct app *a, int y)
{
	const struct theme *t = &a->theme;
	int w = a->cols, x = 0, room, before, skip = 0;
	char head[CMDLINE_MAX], *clean;
	int match_w = 0;

	draw_fill(a->win, y, 0, 1, w, ROLE_NORMAL, t);
	if (cl->matches[0] != '\0' && w > 40) {
		match_w = draw_text_right(a->win, y, w - 1, w / 2,
					  cl->matches, ROLE_DIM, t) + 2;
	}
	x += draw_text(a->win, y, x, w, ":", ROLE_KEY, t);
	room = w - x - match_w - 1;
	/* The part before the cursor, scrolled so the cursor shows. */
	snprintf(head, sizeof(head), "%.*s", (int)cl->cur, cl->buf);
	clean = sanitize(head);
	before = text_width(clean);
	free(clean);
	if (room < 1) {
		return;
	}
	if (before >= room) {
		skip = before - room + 1;
	}
	{
		const char *s = cl->buf;
		int dropped = 0;

		/* Whole characters off the left until skip columns are
		 * gone. */
		while (dropped < skip && *s != '\0') {
			char unit[SANITIZE_UNIT_MAX];
			size_t took = sanitize_next(s, strlen(s), unit, NULL);

			dropped += text_width(unit);
			s += took;
		}
		draw_text(a->win, y, x, room, s, ROLE_NORMAL, t);
		before -= dropped;
		if (cl->cur < cl->len) {
			char unit[SANITIZE_UNIT_MAX];

			sanitize_next(cl->buf + cl->cur, cl->len - cl->cur,
				      unit, NULL);
			draw_text(a->win, y, x + before, 1, unit, ROLE_SELECTED,
				  t);
		} else {
			draw_text(a->win, y, x + before, 1, " ", ROLE_SELECTED,
				  t);
		}
	}
}
