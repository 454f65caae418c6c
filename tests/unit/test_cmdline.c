/* The ':' command line (tui/cmdline.c): editing, history, Tab
 * completion, the words the app offers, parsing into commands, and lines
 * typed through the keymap into command.c. */
#include <criterion/criterion.h>

#include <string.h>

#include "core/clock.h"
#include "core/state.h"
#include "core/xalloc.h"
#include "core/timeline.h"
#include "probes/probe.h"
#include "tests/unit/screen_fixture.h"
#include "themes/theme.h"
#include "tui/app.h"
#include "tui/cmdline.h"
#include "tui/command.h"
#include "tui/header.h"

#define KEY_ESC 27

/* ---- the editor, on its own ----------------------------------------- */

static const char *const toy_words[] = {
	"promql", "prometheus.main", "pods", "reload", "redis",
};

/* The toy vocabulary: the words above first; after "redis", "cache" and
 * "cart". */
static size_t
toy(const void *ctx, const char *cmd, int argi, const char **out,
    size_t max)
{
	size_t n = 0;

	(void)ctx;
	if (argi == 0) {
		for (size_t i = 0; i < 5 && n < max; i++) {
			out[n++] = toy_words[i];
		}
	} else if (argi == 1 && strcmp(cmd, "redis") == 0) {
		out[n++] = "cache";
		out[n++] = "cart";
	}
	return n;
}

static enum cmdline_event
type(struct cmdline *cl, const char *s)
{
	enum cmdline_event ev = CMDLINE_EDITING;

	for (; *s != '\0'; s++) {
		ev = cmdline_key(cl, (unsigned char)*s, true, toy, NULL);
	}
	return ev;
}

static enum cmdline_event
key(struct cmdline *cl, int k)
{
	return cmdline_key(cl, k, false, toy, NULL);
}

Test(cmdline, editing)
{
	struct cmdline cl = { 0 };

	cmdline_open(&cl);
	type(&cl, "abc");
	key(&cl, KEY_LEFT);
	key(&cl, KEY_LEFT);
	type(&cl, "X");
	cr_expect_str_eq(cl.buf, "aXbc");
	cr_expect_eq(cl.cur, 2);
	key(&cl, KEY_BACKSPACE);
	cr_expect_str_eq(cl.buf, "abc");
	key(&cl, KEY_DC);
	cr_expect_str_eq(cl.buf, "ac");
	key(&cl, KEY_HOME);
	type(&cl, ">");
	key(&cl, KEY_END);
	type(&cl, "<");
	cr_expect_str_eq(cl.buf, ">ac<");
	/* Ctrl-A, Ctrl-K: to the start, cut to the end. */
	type(&cl, "\x01");
	cr_expect_eq(cl.cur, 0);
	key(&cl, KEY_RIGHT);
	type(&cl, "\x0b");
	cr_expect_str_eq(cl.buf, ">");
	/* Ctrl-W: the word before the cursor; Ctrl-U: the line before it. */
	type(&cl, "db billing");
	type(&cl, "\x17");
	cr_expect_str_eq(cl.buf, ">db ");
	type(&cl, "\x15");
	cr_expect_str_eq(cl.buf, "");
	/* Control characters are not inserted. */
	type(&cl, "a\x1b");
	cr_expect_not(cl.open, "Esc closes the line");
	cmdline_finish(&cl);
}

Test(cmdline, utf8_is_one_character)
{
	struct cmdline cl = { 0 };

	cmdline_open(&cl);
	cmdline_key(&cl, 0xe9, true, toy, NULL);        /* é */
	cmdline_key(&cl, 0x2603, true, toy, NULL);      /* ☃ */
	cr_expect_str_eq(cl.buf, "\xc3\xa9\xe2\x98\x83");
	key(&cl, KEY_LEFT);
	cr_expect_eq(cl.cur, 2);
	key(&cl, KEY_BACKSPACE);
	cr_expect_str_eq(cl.buf, "\xe2\x98\x83");
	key(&cl, KEY_END);
	key(&cl, KEY_BACKSPACE);
	cr_expect_str_eq(cl.buf, "");
	cmdline_finish(&cl);
}

Test(cmdline, enter_cancel_and_backspace_out)
{
	struct cmdline cl = { 0 };

	cmdline_open(&cl);
	cr_expect_eq(type(&cl, "reload\n"), CMDLINE_ENTER);
	cr_expect_not(cl.open);
	cr_expect_str_eq(cl.buf, "reload");
	cmdline_open(&cl);
	cr_expect_str_eq(cl.buf, "");
	cr_expect_eq(key(&cl, KEY_BACKSPACE), CMDLINE_CANCEL,
		     "Backspace on an empty line backs out of it");
	cmdline_open(&cl);
	cr_expect_eq(type(&cl, "x\x03"), CMDLINE_CANCEL);
	cr_expect_eq(cl.n_hist, 1, "cancelled lines are not history");
	cmdline_finish(&cl);
}

Test(cmdline, history)
{
	struct cmdline cl = { 0 };

	for (int i = 0; i < 3; i++) {
		cmdline_open(&cl);
		type(&cl, i == 0 ? "pods\n" : i == 1 ? "db billing\n" :
		     "db billing\n");
	}
	cr_expect_eq(cl.n_hist, 2, "a repeated line is kept once");
	cmdline_open(&cl);
	type(&cl, "prom");
	key(&cl, KEY_UP);
	cr_expect_str_eq(cl.buf, "db billing");
	key(&cl, KEY_UP);
	cr_expect_str_eq(cl.buf, "pods");
	key(&cl, KEY_UP);
	cr_expect_str_eq(cl.buf, "pods", "no older line");
	type(&cl, "\x0e");                              /* Ctrl-N */
	cr_expect_str_eq(cl.buf, "db billing");
	key(&cl, KEY_DOWN);
	cr_expect_str_eq(cl.buf, "prom", "the line being typed comes back");
	key(&cl, KEY_DOWN);
	cr_expect_str_eq(cl.buf, "prom");
	cmdline_finish(&cl);

	/* At most CMDLINE_HISTORY lines, the oldest dropped. */
	for (int i = 0; i < CMDLINE_HISTORY + 5; i++) {
		char line[16];

		snprintf(line, sizeof(line), "filter %d\n", i);
		cmdline_open(&cl);
		type(&cl, line);
	}
	cr_expect_eq(cl.n_hist, CMDLINE_HISTORY);
	cr_expect_str_eq(cl.hist[0], "filter 5");
	cmdline_finish(&cl);
}

Test(cmdline, tab_completion)
{
	struct cmdline cl = { 0 };

	cmdline_open(&cl);
	/* One match: completed, with a space for what follows. */
	type(&cl, "rel\t");
	cr_expect_str_eq(cl.buf, "reload ");
	type(&cl, "\x15");
	/* Several: their common part, and the list beside the line. */
	type(&cl, "pr\t");
	cr_expect_str_eq(cl.buf, "prom");
	cr_expect_str_eq(cl.matches, "promql  prometheus.main");
	/* Nothing more in common: Tab walks through them. */
	type(&cl, "\t");
	cr_expect_str_eq(cl.buf, "promql");
	type(&cl, "\t");
	cr_expect_str_eq(cl.buf, "prometheus.main");
	type(&cl, "\t");
	cr_expect_str_eq(cl.buf, "promql");
	/* Typing ends the walk. */
	type(&cl, "\x15" "zz\t");
	cr_expect_str_eq(cl.buf, "zz");
	cr_expect_str_eq(cl.matches, "no match");
	/* The second word: from the first one's list; with nothing in
	 * common to add, the first Tab already walks. */
	type(&cl, "\x15" "redis ca\t");
	cr_expect_str_eq(cl.buf, "redis cache");
	cr_expect_str_eq(cl.matches, "cache  cart");
	type(&cl, "\t");
	cr_expect_str_eq(cl.buf, "redis cart");
	type(&cl, "\x17" "cac\t");
	cr_expect_str_eq(cl.buf, "redis cache ");
	/* Case does not matter. */
	type(&cl, "\x15" "PO\t");
	cr_expect_str_eq(cl.buf, "pods ");
	cmdline_finish(&cl);
}

/* ---- against an app ---------------------------------------------------- */

static struct state *st;
static struct timeline *tl;
static struct runner *runner;
static struct theme theme;
static struct app a;
static int src_main, src_billing, src_redis;

static void
setup(void)
{
	scr_open(48, 160);
	theme_defaults(&theme);
	st = state_new();
	tl = timeline_new(NULL, NULL);
	runner = runner_new(st);
	src_main = state_add_source(st, "postgres.main", SNAP_PG);
	src_billing = state_add_source(st, "postgres.billing", SNAP_PG);
	src_redis = state_add_source(st, "redis.cache", SNAP_REDIS);
	app_init(&a, st, runner, tl, NULL, &theme, false, false);
	a.win = stdscr;
	app_resize(&a, 48, 160);
}

static void
teardown(void)
{
	app_finish(&a);
	runner_free(runner);
	timeline_free(tl);
	state_free(st);
	scr_close();
}

TestSuite(app_line, .init = setup, .fini = teardown);

static bool
has_word(const char *const *w, size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(w[i], want) == 0) {
			return true;
		}
	}
	return false;
}

Test(app_line, words_offered)
{
	const char *w[CMDLINE_CANDIDATES];
	size_t n;

	n = cmdline_app_words(&a, NULL, 0, w, CMDLINE_CANDIDATES);
	for (const char *want = "promql"; want != NULL;) {
		cr_expect(has_word(w, n, want), "no %s", want);
		want = strcmp(want, "promql") == 0 ? "reload" :
		       strcmp(want, "reload") == 0 ? "database" :
		       strcmp(want, "database") == 0 ? "redis" :
		       strcmp(want, "redis") == 0 ? "timeline" :
		       strcmp(want, "timeline") == 0 ? "postgres.billing" :
		       NULL;
	}
	cr_expect_not(has_word(w, n, "pods"), "no Pods source, no :pods");
	n = cmdline_app_words(&a, "db", 1, w, CMDLINE_CANDIDATES);
	cr_expect_eq(n, 2);
	cr_expect(has_word(w, n, "main") && has_word(w, n, "billing"));
	n = cmdline_app_words(&a, "show", 1, w, CMDLINE_CANDIDATES);
	cr_expect(has_word(w, n, "all") && has_word(w, n, "redis"));
	cr_expect_eq(cmdline_app_words(&a, "promql", 1, w,
				       CMDLINE_CANDIDATES), 0);
}

/* The line being parsed: the command's text points into it. */
static char line[CMDLINE_MAX];

static struct command
parse_ok(const char *text)
{
	struct command c;
	char why[160];

	strlcpy_safe(line, text, sizeof(line));
	cr_assert(cmdline_parse(&a, line, &c, why, sizeof(why)), "%s: %s",
		  text, why);
	return c;
}

static void
parse_err(const char *text, const char *want)
{
	struct command c;
	char why[160];

	strlcpy_safe(line, text, sizeof(line));
	cr_expect_not(cmdline_parse(&a, line, &c, why, sizeof(why)),
		      "accepted %s", text);
	cr_expect_str_eq(why, want);
}

Test(app_line, parse)
{
	int db = app_pane_of_kind(&a, SNAP_PG);
	int redis = app_pane_of_kind(&a, SNAP_REDIS);
	int tlp = app_pane_of_kind(&a, SNAP_KIND_COUNT);
	struct command c;

	c = parse_ok("db");
	cr_expect_eq(c.kind, CMD_FOCUS);
	cr_expect_eq(c.pane, db);
	c = parse_ok(" :Database ");
	cr_expect_eq(c.kind, CMD_FOCUS);
	c = parse_ok("timeline");
	cr_expect_eq(c.pane, tlp);
	c = parse_ok("db billing");
	cr_expect_eq(c.kind, CMD_SHOW_SOURCE);
	cr_expect_eq(c.pane, db);
	cr_expect_eq(c.arg, src_billing);
	c = parse_ok("postgres bil");
	cr_expect_eq(c.arg, src_billing, "a prefix that names one");
	c = parse_ok("pg postgres.main");
	cr_expect_eq(c.arg, src_main);
	c = parse_ok("postgres.billing");
	cr_expect_eq(c.kind, CMD_SHOW_SOURCE);
	cr_expect_eq(c.arg, src_billing);
	c = parse_ok("redis");
	cr_expect_eq(c.pane, redis);
	c = parse_ok("promql sum by (service) (rate(x[5m]))");
	cr_expect_eq(c.kind, CMD_PROMQL);
	cr_expect_str_eq(c.text, "sum by (service) (rate(x[5m]))");
	c = parse_ok("promql");
	cr_expect_str_eq(c.text, "");
	c = parse_ok("db billing  ");
	cr_expect_eq(c.arg, src_billing, "trailing blanks are not a name");
	c = parse_ok("filter  idle in");
	cr_expect_eq(c.kind, CMD_FILTER_SET);
	cr_expect_str_eq(c.text, "idle in");
	c = parse_ok("reload");
	cr_expect_eq(c.kind, CMD_RELOAD);
	c = parse_ok("hide redis");
	cr_expect_eq(c.kind, CMD_HIDE);
	cr_expect_eq(c.pane, redis);
	c = parse_ok("hide");
	cr_expect_eq(c.pane, a.focus);
	c = parse_ok("show all");
	cr_expect_eq(c.kind, CMD_SHOW);
	cr_expect_eq(c.pane, -1);
	c = parse_ok("q");
	cr_expect_eq(c.kind, CMD_QUIT_ASK);
	c = parse_ok("help");
	cr_expect_eq(c.kind, CMD_HELP);
	c = parse_ok("   ");
	cr_expect_eq(c.kind, CMD_NONE);

	parse_err("db p", "Database has no source 'p' (Tab lists them)");
	parse_err("db nope", "Database has no source 'nope' (Tab lists them)");
	parse_err("kafka", "no Kafka source is configured");
	parse_err("frobnicate", "unknown command 'frobnicate' (Tab lists "
		  "them)");
	parse_err("reload now", ":reload takes nothing after it");
	parse_err("hide pods", "no pods pane: it has no source");
	parse_err("show nothing", "unknown pane 'nothing' (Tab lists them)");
}

/* Keys through the keymap to command.c, as the loop feeds them. */
static void
keys(const char *s)
{
	for (; *s != '\0'; s++) {
		command_key(&a, (unsigned char)*s, true);
	}
}

Test(app_line, typed_lines_are_applied)
{
	int db = app_pane_of_kind(&a, SNAP_PG);
	int redis = app_pane_of_kind(&a, SNAP_REDIS);

	app_focus(&a, redis);
	keys(":db bil\t\n");
	cr_expect_not(a.cmdline.open);
	cr_expect_eq(a.focus, db);
	cr_expect_eq(a.panes[db].source, src_billing);
	cr_expect(strstr(a.status, "postgres.billing (2/2)") != NULL, "%s",
		  a.status);
	keys(":filter idle\n");
	cr_expect_str_eq(a.panes[db].filter, "idle");
	keys(":filter\n");
	cr_expect_str_eq(a.panes[db].filter, "");
	keys(":hide\n");
	cr_expect(a.panes[db].hidden);
	cr_expect_neq(a.focus, db);
	keys(":show database\n");
	cr_expect_not(a.panes[db].hidden);
	cr_expect_eq(a.focus, db);
	keys(":nonsense\n");
	cr_expect(strstr(a.status, "unknown command 'nonsense'") != NULL,
		  "%s", a.status);
	/* Up recalls the last line. */
	command_key(&a, ':', true);
	command_key(&a, KEY_UP, false);
	cr_expect_str_eq(a.cmdline.buf, "nonsense");
	command_key(&a, KEY_ESC, true);
	cr_expect_not(a.cmdline.open);
	/* x and o: the focused pane hidden, every one shown again. */
	keys("x");
	cr_expect(a.panes[db].hidden);
	keys("o");
	cr_expect_not(a.panes[db].hidden);
	/* :promql without a Metrics source says so. */
	keys(":promql up\n");
	cr_expect(strstr(a.status, "no Metrics source") != NULL, "%s",
		  a.status);
	/* :reload without a configuration to read. */
	keys(":reload\n");
	cr_expect(strstr(a.status, "reload:") != NULL, "%s", a.status);
}

Test(app_line, drawn_on_the_status_line)
{
	char buf[256];

	keys(":db bi");
	header_draw_status(&a);
	cr_expect_str_eq(scr_row_trim(47, 0, 160, buf, sizeof(buf)),
			 ":db bi");
	/* The cursor: the cell after the text, drawn as a selection. */
	cr_expect_eq(scr_pair(47, 6),
		     PAIR_NUMBER(theme_attr(&theme, ROLE_SELECTED)));
	cr_expect_neq(scr_pair(47, 5), scr_pair(47, 6));
	command_key(&a, '\t', true);
	header_draw_status(&a);
	cr_expect(strstr(scr_row_trim(47, 0, 160, buf, sizeof(buf)),
			 ":db billing") != NULL, "%s", buf);
}
