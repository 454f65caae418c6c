/* themes/theme: the shipped themes load, bad lines say FILE:LINE, unset
 * roles are derived, NO_COLOR picks monochrome, pairs are registered. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "themes/theme.h"

static char tmpdir[64];

static void
tmp_up(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/warroom-theme-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
tmp_down(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

/* Writes text to DIR/name and returns the path (static storage). */
static const char *
write_file(const char *name, const char *text)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char *
source_themes(void)
{
	static char dir[PATH_MAX];
	const char *src = getenv("WARROOM_SOURCE_DIR");

	cr_assert_not_null(src, "WARROOM_SOURCE_DIR is set by meson test");
	snprintf(dir, sizeof(dir), "%s/themes", src);
	return dir;
}

/* ---- shipped themes ------------------------------------------------ */

struct shipped {
	char name[32];
	bool mono;
};

ParameterizedTestParameters(theme, shipped_load)
{
	static struct shipped themes[] = {
		{ "default", false },
		{ "light", false },
		{ "high-contrast", false },
		{ "monochrome", true },
	};

	return cr_make_param_array(struct shipped, themes,
				   sizeof(themes) / sizeof(themes[0]));
}

ParameterizedTest(struct shipped *s, theme, shipped_load)
{
	char path[PATH_MAX];
	struct theme t;
	struct err e = { "" };

	snprintf(path, sizeof(path), "%s/%s.theme", source_themes(), s->name);
	cr_assert_eq(theme_load(&t, path, &e), 0, "%s", e.msg);
	cr_assert_str_eq(t.name, s->name);
	cr_assert_eq(t.mono, s->mono);
	if (s->mono) {
		for (int r = 0; r < ROLE_COUNT; r++) {
			cr_assert_eq(t.roles[r].fg, -1);
			cr_assert_eq(t.roles[r].bg, -1);
		}
		cr_assert(t.roles[ROLE_SELECTED].attrs & A_REVERSE);
		cr_assert(t.roles[ROLE_CRIT].attrs & A_BOLD);
		cr_assert_not(t.roles[ROLE_GAUGE_FILL].attrs & A_REVERSE);
	}
}

/* The file and the built-in default say the same, role by role. */
Test(theme, default_file_matches_builtin)
{
	char path[PATH_MAX];
	struct theme file, builtin;
	struct err e = { "" };

	snprintf(path, sizeof(path), "%s/default.theme", source_themes());
	cr_assert_eq(theme_load(&file, path, &e), 0, "%s", e.msg);
	theme_defaults(&builtin);
	cr_assert_str_eq(file.name, builtin.name);
	for (int r = 0; r < ROLE_COUNT; r++) {
		cr_assert_eq(file.roles[r].fg, builtin.roles[r].fg, "%s",
			     theme_role_name(r));
		cr_assert_eq(file.roles[r].bg, builtin.roles[r].bg, "%s",
			     theme_role_name(r));
		cr_assert_eq(file.roles[r].attrs, builtin.roles[r].attrs, "%s",
			     theme_role_name(r));
	}
}

Test(theme, role_names_are_unique)
{
	for (int r = 0; r < ROLE_COUNT; r++) {
		cr_assert_str_neq(theme_role_name(r), "?");
		for (int q = r + 1; q < ROLE_COUNT; q++) {
			cr_assert_str_neq(theme_role_name(r),
					  theme_role_name(q));
		}
	}
	cr_assert_str_eq(theme_role_name(ROLE_BORDER_FOCUS), "border-focus");
	cr_assert_str_eq(theme_role_name(ROLE_COUNT), "?");
}

/* ---- parsing ------------------------------------------------------- */

Test(theme, parses_colours_and_attributes, .init = tmp_up,
     .fini = tmp_down)
{
	struct theme t;
	struct err e = { "" };
	const char *path = write_file("mine.theme",
				      "# comment\n"
				      "\n"
				      "name = My Theme\n"
				      "crit = bright-red black bold reverse\n"
				      "  warn=yellow   # trailing comment\n"
				      "ok = 208 17 underline\n"
				      "Border_Focus = CYAN default standout\n"
				      "stale = magenta dim\n");

	cr_assert_eq(theme_load(&t, path, &e), 0, "%s", e.msg);
	cr_assert_str_eq(t.name, "My Theme");
	cr_assert_not(t.mono);
	cr_assert_eq(t.roles[ROLE_CRIT].fg, 9);
	cr_assert_eq(t.roles[ROLE_CRIT].bg, COLOR_BLACK);
	cr_assert_eq(t.roles[ROLE_CRIT].attrs, A_BOLD | A_REVERSE);
	cr_assert_eq(t.roles[ROLE_WARN].fg, COLOR_YELLOW);
	cr_assert_eq(t.roles[ROLE_WARN].bg, -1);
	cr_assert_eq(t.roles[ROLE_WARN].attrs, A_NORMAL);
	cr_assert_eq(t.roles[ROLE_OK].fg, 208);
	cr_assert_eq(t.roles[ROLE_OK].bg, 17);
	cr_assert_eq(t.roles[ROLE_OK].attrs, A_UNDERLINE);
	cr_assert_eq(t.roles[ROLE_BORDER_FOCUS].fg, COLOR_CYAN);
	cr_assert_eq(t.roles[ROLE_BORDER_FOCUS].attrs, A_STANDOUT);
	cr_assert_eq(t.roles[ROLE_STALE].fg, COLOR_MAGENTA);
	cr_assert_eq(t.roles[ROLE_STALE].bg, -1);
	cr_assert_eq(t.roles[ROLE_STALE].attrs, A_DIM);
}

Test(theme, name_defaults_to_file_name, .init = tmp_up, .fini = tmp_down)
{
	struct theme t;
	struct err e = { "" };
	const char *path = write_file("ops-night.theme", "ok = green\n");

	cr_assert_eq(theme_load(&t, path, &e), 0, "%s", e.msg);
	cr_assert_str_eq(t.name, "ops-night");
}

/* Unset roles come from the ones the file sets, else from the default. */
Test(theme, derives_unset_roles, .init = tmp_up, .fini = tmp_down)
{
	struct theme t, def;
	struct err e = { "" };
	const char *path = write_file("paper.theme",
				      "normal = black white\n"
				      "status = white red\n"
				      "ok = blue\n");

	theme_defaults(&def);
	cr_assert_eq(theme_load(&t, path, &e), 0, "%s", e.msg);
	cr_assert_eq(t.roles[ROLE_DIM].fg, COLOR_BLACK);
	cr_assert_eq(t.roles[ROLE_DIM].bg, COLOR_WHITE);
	cr_assert_eq(t.roles[ROLE_DIM].attrs, A_DIM);
	cr_assert_eq(t.roles[ROLE_SELECTED].fg, COLOR_BLACK);
	cr_assert_eq(t.roles[ROLE_SELECTED].attrs, A_REVERSE);
	cr_assert_eq(t.roles[ROLE_BORDER].bg, COLOR_WHITE);
	cr_assert_eq(t.roles[ROLE_KEY].bg, COLOR_RED);
	cr_assert_eq(t.roles[ROLE_KEY].attrs, A_BOLD);
	cr_assert_eq(t.roles[ROLE_HEADER].bg, COLOR_RED);
	cr_assert_eq(t.roles[ROLE_GAUGE_FILL].fg, COLOR_BLUE);
	/* Nothing to derive crit from: the built-in value. */
	cr_assert_eq(t.roles[ROLE_CRIT].fg, def.roles[ROLE_CRIT].fg);
	cr_assert_eq(t.roles[ROLE_CRIT].attrs, def.roles[ROLE_CRIT].attrs);
}

Test(theme, mono_file_fills_unset_with_attributes, .init = tmp_up,
     .fini = tmp_down)
{
	struct theme t;
	struct err e = { "" };
	const char *path = write_file("bw.theme", "mono = yes\n"
						  "title = default default "
						  "underline\n");

	cr_assert_eq(theme_load(&t, path, &e), 0, "%s", e.msg);
	cr_assert(t.mono);
	cr_assert_eq(t.roles[ROLE_TITLE].attrs, A_UNDERLINE);
	cr_assert_eq(t.roles[ROLE_SELECTED].attrs, A_REVERSE);
	cr_assert_eq(t.roles[ROLE_CRIT].fg, -1);
	cr_assert_eq(theme_attr(&t, ROLE_SELECTED), A_REVERSE);
}

struct bad {
	char text[64];
	char reason[64];       /* after "PATH:" */
};

ParameterizedTestParameters(theme, bad_lines)
{
	static struct bad cases[] = {
		{ "ok = green\nbogus = red\n", "2: unknown role \"bogus\"" },
		{ "crit = purple\n", "1: unknown colour \"purple\"" },
		{ "crit = red blink\n",
		  "1: unknown colour or attribute \"blink\"" },
		{ "crit = red black bold blink\n",
		  "1: unknown attribute \"blink\"" },
		{ "\n\n# x\ncrit red\n",
		  "4: expected \"ROLE = FG BG ATTRS...\"" },
		{ "crit =\n", "1: expected \"ROLE = FG BG ATTRS...\"" },
		{ "crit = 256\n", "1: unknown colour \"256\"" },
		{ "crit = bright-default\n",
		  "1: unknown colour \"bright-default\"" },
		{ "crit = -1\n", "1: unknown colour \"-1\"" },
		{ "mono = maybe\n", "1: mono wants yes or no, not \"maybe\"" },
		{ "name =\n", "1: empty name" },
	};

	return cr_make_param_array(struct bad, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad *b, theme, bad_lines, .init = tmp_up,
		  .fini = tmp_down)
{
	struct theme t;
	struct err e = { "" };
	const char *path = write_file("bad.theme", b->text);
	char want[ERR_MSG_MAX];

	snprintf(want, sizeof(want), "%s:%s", path, b->reason);
	theme_defaults(&t);
	cr_assert_eq(theme_load(&t, path, &e), -1);
	cr_assert_str_eq(e.msg, want);
	/* A failed load leaves the theme as it was. */
	cr_assert_str_eq(t.name, "default");
}

Test(theme, missing_file)
{
	struct theme t;
	struct err e = { "" };

	cr_assert_eq(theme_load(&t, "/nonexistent/x.theme", &e), -1);
	cr_assert_str_eq(e.msg,
			 "/nonexistent/x.theme: No such file or directory");
}

/* ---- lookup by name ------------------------------------------------- */

Test(theme, dirs_in_order, .init = tmp_up, .fini = tmp_down)
{
	const char *const *d;

	setenv("XDG_DATA_HOME", tmpdir, 1);
	d = theme_dirs();
	cr_assert_not_null(d[0]);
	cr_assert_eq(strncmp(d[0], tmpdir, strlen(tmpdir)), 0);
	cr_assert_str_eq(d[0] + strlen(tmpdir), "/warroom/themes");
	cr_assert_not_null(d[1]);
	cr_assert_not_null(d[2]);
	cr_assert_null(d[3]);

	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/op", 1);
	d = theme_dirs();
	cr_assert_str_eq(d[0], "/home/op/.local/share/warroom/themes");
}

Test(theme, user_dir_wins, .init = tmp_up, .fini = tmp_down)
{
	char dir[PATH_MAX];
	struct theme t;
	struct err e = { "" };

	setenv("XDG_DATA_HOME", tmpdir, 1);
	snprintf(dir, sizeof(dir), "%s/warroom", tmpdir);
	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/warroom/themes", tmpdir);
	cr_assert_eq(mkdir(dir, 0700), 0);
	write_file("warroom/themes/default.theme", "name = mine\n");
	write_file("warroom/themes/custom.theme", "crit = 196\n");

	cr_assert_eq(theme_load(&t, "custom", &e), 0, "%s", e.msg);
	cr_assert_eq(t.roles[ROLE_CRIT].fg, 196);
	cr_assert_eq(theme_load(&t, "default", &e), 0, "%s", e.msg);
	cr_assert_str_eq(t.name, "mine");
}

/* The source tree's themes are the last place looked in. */
Test(theme, finds_shipped_by_name, .init = tmp_up, .fini = tmp_down)
{
	struct theme t;
	struct err e = { "" };

	setenv("XDG_DATA_HOME", tmpdir, 1);
	cr_assert_eq(theme_load(&t, "high-contrast", &e), 0, "%s", e.msg);
	cr_assert_str_eq(t.name, "high-contrast");
}

Test(theme, unknown_name_lists_dirs, .init = tmp_up, .fini = tmp_down)
{
	struct theme t;
	struct err e = { "" };
	const char *const *d;

	setenv("XDG_DATA_HOME", tmpdir, 1);
	cr_assert_eq(theme_load(&t, "no-such-theme", &e), -1);
	cr_assert_not_null(strstr(e.msg, "theme \"no-such-theme\" not found"),
			   "%s", e.msg);
	d = theme_dirs();
	cr_assert_not_null(strstr(e.msg, d[0]), "%s", e.msg);
	cr_assert_eq(theme_load(&t, "", &e), -1);
}

/* ---- choice and colours -------------------------------------------- */

Test(theme, choose_honours_no_color)
{
	unsetenv("NO_COLOR");
	cr_assert_str_eq(theme_choose(NULL, true), "default");
	cr_assert_str_eq(theme_choose("light", true), "light");
	cr_assert_str_eq(theme_choose("light", false), "monochrome");
	setenv("NO_COLOR", "", 1);
	cr_assert_str_eq(theme_choose("light", true), "light");
	setenv("NO_COLOR", "1", 1);
	cr_assert_str_eq(theme_choose("light", true), "monochrome");
	cr_assert_str_eq(theme_choose(NULL, true), "monochrome");
}

Test(theme, attr_is_pair_and_attributes)
{
	struct theme t;

	theme_defaults(&t);
	cr_assert_eq(theme_attr(&t, ROLE_CRIT),
		     (attr_t)COLOR_PAIR(ROLE_CRIT + 1) | A_BOLD);
	cr_assert_eq(theme_attr(&t, ROLE_NORMAL),
		     (attr_t)COLOR_PAIR(ROLE_NORMAL + 1));
	t.mono = true;
	cr_assert_eq(theme_attr(&t, ROLE_CRIT), A_BOLD);
	cr_assert_eq(theme_attr(NULL, ROLE_SELECTED), A_REVERSE);
	cr_assert_eq(theme_attr(NULL, ROLE_NORMAL), A_NORMAL);
}

static SCREEN *scr;
static FILE *scr_out, *scr_in;

static void
screen_with(const char *term)
{
	setenv("TERM", term, 1);
	scr_out = fopen("/dev/null", "w");
	scr_in = fopen("/dev/null", "r");
	scr = newterm(NULL, scr_out, scr_in);
	cr_assert_not_null(scr);
	set_term(scr);
	cr_assert_eq(start_color(), OK);
}

static void
screen_down(void)
{
	endwin();
	delscreen(scr);
	fclose(scr_out);
	fclose(scr_in);
}

static void
screen_256(void)
{
	screen_with("xterm-256color");
}

static void
screen_8(void)
{
	screen_with("xterm");
}

Test(theme, apply_registers_pairs, .init = screen_256,
     .fini = screen_down)
{
	struct theme t;
	short fg, bg;

	cr_assert_geq(COLORS, 256);
	theme_defaults(&t);
	t.roles[ROLE_OK].fg = 208;
	theme_apply(&t);
	cr_assert_eq(pair_content(ROLE_CRIT + 1, &fg, &bg), OK);
	cr_assert_eq(fg, COLOR_RED);
	cr_assert_eq(bg, -1);
	cr_assert_eq(pair_content(ROLE_SELECTED + 1, &fg, &bg), OK);
	cr_assert_eq(fg, COLOR_BLACK);
	cr_assert_eq(bg, COLOR_CYAN);
	cr_assert_eq(pair_content(ROLE_OK + 1, &fg, &bg), OK);
	cr_assert_eq(fg, 208);
}

Test(theme, colours_past_the_terminal_fall_back, .init = screen_8,
     .fini = screen_down)
{
	struct theme t;
	short fg, bg;

	cr_assert_eq(COLORS, 8);
	theme_defaults(&t);
	t.roles[ROLE_OK].fg = 208;
	theme_apply(&t);
	/* bright-yellow (11) is yellow (3) with 8 colours; 208 is 0. */
	cr_assert_eq(pair_content(ROLE_KEY + 1, &fg, &bg), OK);
	cr_assert_eq(fg, COLOR_YELLOW);
	cr_assert_eq(bg, COLOR_BLUE);
	cr_assert_eq(pair_content(ROLE_OK + 1, &fg, &bg), OK);
	cr_assert_eq(fg, 208 % 8);
}

Test(theme, mono_registers_no_pairs, .init = screen_256,
     .fini = screen_down)
{
	struct theme t;
	short fg = 99, bg = 99;

	theme_defaults(&t);
	t.mono = true;
	theme_apply(&t);
	/* The crit pair was never initialised: ncurses reports 0/0. */
	cr_assert_eq(pair_content(ROLE_CRIT + 1, &fg, &bg), OK);
	cr_assert_eq(fg, 0);
	cr_assert_eq(bg, 0);
}
