/* The theme loader: built-in defaults, then a *.theme file, then values
 * derived for the roles the file left unset (labwc's theme.c order).
 * theme_load and theme_choose run on the main thread before the UI starts;
 * theme_apply and theme_attr on the UI thread. */
#include "themes/theme.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "build-config.h"
#include "core/xalloc.h"

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_NORMAL] = "normal",
	[ROLE_DIM] = "dim",
	[ROLE_TITLE] = "title",
	[ROLE_BORDER] = "border",
	[ROLE_BORDER_FOCUS] = "border-focus",
	[ROLE_HEADER] = "header",
	[ROLE_COLUMN] = "column",
	[ROLE_OK] = "ok",
	[ROLE_WARN] = "warn",
	[ROLE_CRIT] = "crit",
	[ROLE_STALE] = "stale",
	[ROLE_SELECTED] = "selected",
	[ROLE_STATUS] = "status",
	[ROLE_KEY] = "key",
	[ROLE_SPARK] = "spark",
	[ROLE_GAUGE_FILL] = "gauge-fill",
	[ROLE_GAUGE_EMPTY] = "gauge-empty",
	[ROLE_DIALOG] = "dialog",
	[ROLE_DIALOG_BORDER] = "dialog-border",
	[ROLE_ESCAPE] = "escape",
};

#define DEF (-1)

/* The built-in dark theme; themes/default.theme spells out the same. */
static const struct role_style dark_roles[ROLE_COUNT] = {
	[ROLE_NORMAL] = { DEF, DEF, A_NORMAL },
	[ROLE_DIM] = { DEF, DEF, A_DIM },
	[ROLE_TITLE] = { COLOR_CYAN, DEF, A_BOLD },
	[ROLE_BORDER] = { COLOR_BLUE, DEF, A_NORMAL },
	[ROLE_BORDER_FOCUS] = { COLOR_CYAN, DEF, A_BOLD },
	[ROLE_HEADER] = { COLOR_WHITE, COLOR_BLUE, A_BOLD },
	[ROLE_COLUMN] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL },
	[ROLE_OK] = { COLOR_GREEN, DEF, A_NORMAL },
	[ROLE_WARN] = { COLOR_YELLOW, DEF, A_BOLD },
	[ROLE_CRIT] = { COLOR_RED, DEF, A_BOLD },
	[ROLE_STALE] = { COLOR_MAGENTA, DEF, A_DIM },
	[ROLE_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL },
	[ROLE_STATUS] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL },
	[ROLE_KEY] = { 11, COLOR_BLUE, A_BOLD },
	[ROLE_SPARK] = { COLOR_CYAN, DEF, A_NORMAL },
	[ROLE_GAUGE_FILL] = { COLOR_GREEN, DEF, A_NORMAL },
	[ROLE_GAUGE_EMPTY] = { DEF, DEF, A_DIM },
	[ROLE_DIALOG] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL },
	[ROLE_DIALOG_BORDER] = { 15, COLOR_BLUE, A_BOLD },
	[ROLE_ESCAPE] = { 13, DEF, A_NORMAL },
};

/* Attributes only, for terminals without colour and NO_COLOR. Blocks of
 * the gauge and sparkline must not be reversed, or they vanish. */
static const attr_t mono_attrs[ROLE_COUNT] = {
	[ROLE_DIM] = A_DIM,
	[ROLE_TITLE] = A_BOLD,
	[ROLE_BORDER_FOCUS] = A_BOLD,
	[ROLE_HEADER] = A_REVERSE,
	[ROLE_COLUMN] = A_BOLD | A_UNDERLINE,
	[ROLE_WARN] = A_BOLD | A_UNDERLINE,
	[ROLE_CRIT] = A_BOLD,
	[ROLE_STALE] = A_DIM,
	[ROLE_SELECTED] = A_REVERSE,
	[ROLE_STATUS] = A_REVERSE,
	[ROLE_KEY] = A_REVERSE | A_BOLD,
	[ROLE_GAUGE_EMPTY] = A_DIM,
	[ROLE_DIALOG_BORDER] = A_BOLD,
	[ROLE_ESCAPE] = A_UNDERLINE,
};

/* A role the file left unset takes its value from a role that is set,
 * with extra attributes; rules apply in order, so a rule may use what an
 * earlier one derived. */
static const struct derive_rule {
	enum role role;
	enum role from;
	attr_t add;
} derive_rules[] = {
	{ ROLE_DIM, ROLE_NORMAL, A_DIM },
	{ ROLE_TITLE, ROLE_NORMAL, A_BOLD },
	{ ROLE_BORDER, ROLE_DIM, 0 },
	{ ROLE_BORDER_FOCUS, ROLE_TITLE, 0 },
	{ ROLE_STALE, ROLE_DIM, 0 },
	{ ROLE_GAUGE_EMPTY, ROLE_DIM, 0 },
	{ ROLE_GAUGE_FILL, ROLE_OK, 0 },
	{ ROLE_SPARK, ROLE_TITLE, 0 },
	{ ROLE_SELECTED, ROLE_NORMAL, A_REVERSE },
	{ ROLE_HEADER, ROLE_STATUS, A_BOLD },
	{ ROLE_STATUS, ROLE_HEADER, 0 },
	{ ROLE_COLUMN, ROLE_HEADER, 0 },
	{ ROLE_KEY, ROLE_STATUS, A_BOLD },
	{ ROLE_DIALOG_BORDER, ROLE_DIALOG, A_BOLD },
	{ ROLE_ESCAPE, ROLE_CRIT, 0 },
};

static const struct {
	const char *name;
	short num;
} colour_names[] = {
	{ "default", DEF },
	{ "black", COLOR_BLACK },
	{ "red", COLOR_RED },
	{ "green", COLOR_GREEN },
	{ "yellow", COLOR_YELLOW },
	{ "blue", COLOR_BLUE },
	{ "magenta", COLOR_MAGENTA },
	{ "cyan", COLOR_CYAN },
	{ "white", COLOR_WHITE },
};

static const struct {
	const char *name;
	attr_t attr;
} attr_names[] = {
	{ "bold", A_BOLD },
	{ "dim", A_DIM },
	{ "reverse", A_REVERSE },
	{ "underline", A_UNDERLINE },
	{ "standout", A_STANDOUT },
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

const char *
theme_role_name(enum role r)
{
	if ((int)r < 0 || r >= ROLE_COUNT) {
		return "?";
	}
	return role_names[r];
}

void
theme_defaults(struct theme *t)
{
	memset(t, 0, sizeof(*t));
	strlcpy_safe(t->name, "default", sizeof(t->name));
	t->mono = false;
	memcpy(t->roles, dark_roles, sizeof(t->roles));
}

/* Role names compare with '_' and '-' alike, ignoring case. */
static int
role_by_name(const char *s)
{
	for (int r = 0; r < ROLE_COUNT; r++) {
		const char *a = role_names[r], *b = s;

		while (*a != '\0' && *b != '\0') {
			char cb = *b == '_' ? '-' : (char)tolower(
					(unsigned char)*b);

			if (*a != cb) {
				break;
			}
			a++;
			b++;
		}
		if (*a == '\0' && *b == '\0') {
			return r;
		}
	}
	return -1;
}

/* A colour name, "bright-NAME" (8-15) or a number 0-255; returns false
 * when tok is none of those. */
static bool
parse_colour(const char *tok, short *out)
{
	const char *base = tok;
	int add = 0;

	if (strncasecmp(tok, "bright-", 7) == 0 ||
	    strncasecmp(tok, "bright_", 7) == 0) {
		base = tok + 7;
		add = 8;
	}
	if (isdigit((unsigned char)tok[0])) {
		char *end;
		long v = strtol(tok, &end, 10);

		if (*end != '\0' || v < 0 || v > 255) {
			return false;
		}
		*out = (short)v;
		return true;
	}
	for (size_t i = 0; i < N_ELEMS(colour_names); i++) {
		if (strcasecmp(base, colour_names[i].name) == 0) {
			if (add && colour_names[i].num == DEF) {
				return false;
			}
			*out = (short)(colour_names[i].num + add);
			return true;
		}
	}
	return false;
}

static bool
parse_attr(const char *tok, attr_t *out)
{
	for (size_t i = 0; i < N_ELEMS(attr_names); i++) {
		if (strcasecmp(tok, attr_names[i].name) == 0) {
			*out |= attr_names[i].attr;
			return true;
		}
	}
	return false;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s)) {
		s++;
	}
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1])) {
		*--e = '\0';
	}
	return s;
}

/* "fg [bg] [attr...]"; fills st or returns -1 with the reason in err. */
static int
parse_style(char *val, struct role_style *st, struct err *err,
	    const char *path, int line)
{
	char *save = NULL;
	char *tok = strtok_r(val, " \t", &save);
	int n = 0;

	st->fg = DEF;
	st->bg = DEF;
	st->attrs = A_NORMAL;
	if (tok == NULL) {
		return err_set(err, "%s:%d: expected \"ROLE = FG BG ATTRS...\"",
			       path, line);
	}
	for (; tok != NULL; tok = strtok_r(NULL, " \t", &save), n++) {
		if (n == 0) {
			if (!parse_colour(tok, &st->fg)) {
				return err_set(err,
					       "%s:%d: unknown colour \"%s\"",
					       path, line, tok);
			}
		} else if (n == 1 && parse_colour(tok, &st->bg)) {
			continue;
		} else if (!parse_attr(tok, &st->attrs)) {
			return err_set(err, "%s:%d: unknown %s \"%s\"", path,
				       line,
				       n == 1 ? "colour or attribute"
					      : "attribute",
				       tok);
		}
	}
	return 0;
}

static bool
parse_bool(const char *s, bool *out)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 ||
	    strcmp(s, "1") == 0) {
		*out = true;
		return true;
	}
	if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0 ||
	    strcmp(s, "0") == 0) {
		*out = false;
		return true;
	}
	return false;
}

/* One line of a theme file; set[] records the roles it sets. */
static int
parse_line(struct theme *t, bool *set, char *buf, const char *path,
	   int line, struct err *err)
{
	char *hash = strchr(buf, '#');
	char *eq, *key, *val;
	int r;

	if (hash != NULL) {
		*hash = '\0';
	}
	key = trim(buf);
	if (*key == '\0') {
		return 0;
	}
	eq = strchr(key, '=');
	if (eq == NULL) {
		return err_set(err, "%s:%d: expected \"ROLE = FG BG ATTRS...\"",
			       path, line);
	}
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);
	if (strcasecmp(key, "name") == 0) {
		if (*val == '\0') {
			return err_set(err, "%s:%d: empty name", path, line);
		}
		strlcpy_safe(t->name, val, sizeof(t->name));
		return 0;
	}
	if (strcasecmp(key, "mono") == 0) {
		if (!parse_bool(val, &t->mono)) {
			return err_set(err, "%s:%d: mono wants yes or no, not "
				       "\"%s\"", path, line, val);
		}
		return 0;
	}
	r = role_by_name(key);
	if (r < 0) {
		return err_set(err, "%s:%d: unknown role \"%s\"", path, line,
			       key);
	}
	if (parse_style(val, &t->roles[r], err, path, line) < 0) {
		return -1;
	}
	set[r] = true;
	return 0;
}

static void
derive_unset(struct theme *t, bool *set)
{
	for (size_t i = 0; i < N_ELEMS(derive_rules); i++) {
		const struct derive_rule *d = &derive_rules[i];

		if (!set[d->role] && set[d->from]) {
			t->roles[d->role] = t->roles[d->from];
			t->roles[d->role].attrs |= d->add;
			set[d->role] = true;
		}
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		if (set[r]) {
			continue;
		}
		if (t->mono) {
			t->roles[r].fg = DEF;
			t->roles[r].bg = DEF;
			t->roles[r].attrs = mono_attrs[r];
		} else {
			t->roles[r] = dark_roles[r];
		}
	}
}

static int
load_file(struct theme *out, const char *path, struct err *err)
{
	struct theme t;
	bool set[ROLE_COUNT] = { false };
	FILE *f = fopen(path, "r");
	const char *base = strrchr(path, '/');
	char *buf = NULL;
	size_t cap = 0;
	int line = 0, rc = 0;

	if (f == NULL) {
		return err_set(err, "%s: %s", path, strerror(errno));
	}
	memset(&t, 0, sizeof(t));
	base = base != NULL ? base + 1 : path;
	strlcpy_safe(t.name, base, sizeof(t.name));
	char *dot = strstr(t.name, ".theme");
	if (dot != NULL && dot[6] == '\0') {
		*dot = '\0';
	}
	while (getline(&buf, &cap, f) != -1) {
		line++;
		if (parse_line(&t, set, buf, path, line, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		rc = err_set(err, "%s: %s", path, strerror(errno));
	}
	free(buf);
	fclose(f);
	if (rc == 0) {
		derive_unset(&t, set);
		*out = t;
	}
	return rc;
}

const char *const *
theme_dirs(void)
{
	static char user_dir[PATH_MAX];
	static const char *dirs[4];
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n = 0;

	if (xdg != NULL && xdg[0] == '/') {
		snprintf(user_dir, sizeof(user_dir), "%s/warroom/themes", xdg);
		dirs[n++] = user_dir;
	} else if (home != NULL && home[0] != '\0') {
		snprintf(user_dir, sizeof(user_dir),
			 "%s/.local/share/warroom/themes", home);
		dirs[n++] = user_dir;
	}
	dirs[n++] = WARROOM_THEMES_DIR;
	dirs[n++] = WARROOM_SOURCE_THEMES_DIR;
	dirs[n] = NULL;
	return dirs;
}

int
theme_load(struct theme *t, const char *name_or_path, struct err *err)
{
	const char *const *dirs;
	char searched[ERR_MSG_MAX] = "";
	size_t used = 0;

	if (name_or_path == NULL || name_or_path[0] == '\0') {
		return err_set(err, "empty theme name");
	}
	if (strchr(name_or_path, '/') != NULL) {
		return load_file(t, name_or_path, err);
	}
	dirs = theme_dirs();
	for (int i = 0; dirs[i] != NULL; i++) {
		char *path = xasprintf("%s/%s.theme", dirs[i], name_or_path);
		int rc = 0;
		bool found = access(path, F_OK) == 0;

		if (found) {
			rc = load_file(t, path, err);
		}
		free(path);
		if (found) {
			return rc;
		}
		if (used < sizeof(searched)) {
			used += (size_t)snprintf(searched + used,
						 sizeof(searched) - used,
						 "%s%s", i > 0 ? ", " : "",
						 dirs[i]);
		}
	}
	return err_set(err, "theme \"%s\" not found in %s", name_or_path,
		       searched);
}

const char *
theme_choose(const char *name, bool has_colors)
{
	const char *no_color = getenv("NO_COLOR");

	if ((no_color != NULL && no_color[0] != '\0') || !has_colors) {
		return "monochrome";
	}
	return name != NULL ? name : "default";
}

/* A colour the terminal lacks falls back to the base eight. */
static short
usable_colour(short c, bool defaults_ok, short instead_of_default)
{
	if (c < 0) {
		return defaults_ok ? -1 : instead_of_default;
	}
	if (c >= COLORS) {
		return (short)(c % 8);
	}
	return c;
}

void
theme_apply(const struct theme *t)
{
	bool defaults_ok;

	if (t->mono || !has_colors()) {
		return;
	}
	defaults_ok = use_default_colors() == OK;
	for (int r = 0; r < ROLE_COUNT && r + 1 < COLOR_PAIRS; r++) {
		short fg = usable_colour(t->roles[r].fg, defaults_ok,
					 COLOR_WHITE);
		short bg = usable_colour(t->roles[r].bg, defaults_ok,
					 COLOR_BLACK);

		init_pair((short)(r + 1), fg, bg);
	}
}

attr_t
theme_attr(const struct theme *t, enum role r)
{
	if ((int)r < 0 || r >= ROLE_COUNT) {
		return A_NORMAL;
	}
	if (t == NULL) {
		return mono_attrs[r];
	}
	if (t->mono) {
		return t->roles[r].attrs;
	}
	return (attr_t)COLOR_PAIR(r + 1) | t->roles[r].attrs;
}
