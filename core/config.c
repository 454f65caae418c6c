/* Reads the configuration file (through libinih) and the environment
 * fallback into struct config, against the backend specs the caller hands
 * in; core/config_check.c finds the keys and checks the values. Main
 * thread at start; the result is read-only afterwards and any thread may
 * read it. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/config_check.h"
#include "core/incident.h"
#include "core/xalloc.h"

#define TIMEOUT_DEFAULT_MS 5000

/* ---- building the struct -------------------------------------------- */

static struct config_kv *
kv_find(const struct config_section *sec, const char *key)
{
	size_t i;

	for (i = 0; i < sec->n_kv; i++) {
		if (strcmp(sec->kv[i].key, key) == 0) {
			return &sec->kv[i];
		}
	}
	return NULL;
}

static void
section_set_line(struct config_section *sec, const char *key,
		 const char *value, int line)
{
	struct config_kv *kv = kv_find(sec, key);

	if (value == NULL) {
		value = "";
	}
	if (kv != NULL) {
		free(kv->value);
		kv->value = xstrdup(value);
		kv->line = line;
		return;
	}
	sec->kv = xreallocarray(sec->kv, sec->n_kv + 1, sizeof(*sec->kv));
	kv = &sec->kv[sec->n_kv++];
	kv->key = xstrdup(key);
	kv->value = xstrdup(value);
	kv->line = line;
}

void
config_section_set(struct config_section *sec, const char *key,
		   const char *value)
{
	section_set_line(sec, key, value, 0);
}

const char *
config_get(const struct config_section *sec, const char *key)
{
	const struct config_kv *kv;

	if (sec == NULL || key == NULL) {
		return NULL;
	}
	kv = kv_find(sec, key);
	return kv != NULL ? kv->value : NULL;
}

static void
set_defaults(struct config_section *sec, const struct config_key_spec *k)
{
	for (; k != NULL && k->name != NULL; k++) {
		if (k->def != NULL && !k->pattern) {
			section_set_line(sec, k->name, k->def, 0);
		}
	}
}

struct config_section *
config_add_section(struct config *cfg, const char *name)
{
	struct config_section *sec;
	const struct config_backend_spec *spec;
	const char *dot = strchr(name, '.');
	char *backend;

	cfg->sections = xreallocarray(cfg->sections, cfg->n_sections + 1,
				      sizeof(*cfg->sections));
	sec = &cfg->sections[cfg->n_sections++];
	memset(sec, 0, sizeof(*sec));
	sec->name = xstrdup(name);
	if (dot != NULL) {
		backend = xstrndup(name, (size_t)(dot - name));
		sec->instance = xstrdup(dot + 1);
	} else {
		backend = xstrdup(name);
		sec->instance = xstrdup("");
	}
	spec = config_backend_find(cfg->specs, backend);
	if (spec != NULL) {
		free(backend);
		backend = xstrdup(spec->name);
	}
	sec->backend = backend;
	sec->interval_ms = spec != NULL && spec->interval_ms > 0 ?
			   spec->interval_ms : CONFIG_INTERVAL_DEFAULT_MS;
	sec->timeout_ms = TIMEOUT_DEFAULT_MS;
	if (spec != NULL) {
		set_defaults(sec, spec->keys);
		set_defaults(sec, spec->shared_keys);
	}
	return sec;
}

/* The section of backend (canonical) and instance, which may have been
 * written under an alias of the backend. */
static struct config_section *
section_find(struct config *cfg, const char *backend, const char *instance)
{
	size_t i;

	for (i = 0; i < cfg->n_sections; i++) {
		if (strcmp(cfg->sections[i].backend, backend) == 0 &&
		    strcmp(cfg->sections[i].instance, instance) == 0) {
			return &cfg->sections[i];
		}
	}
	return NULL;
}

void
config_finish(struct config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->n_sections; i++) {
		struct config_section *sec = &cfg->sections[i];

		for (j = 0; j < sec->n_kv; j++) {
			free(sec->kv[j].key);
			free(sec->kv[j].value);
		}
		free(sec->kv);
		free(sec->name);
		free(sec->backend);
		free(sec->instance);
	}
	free(cfg->sections);
	free(cfg->path);
	free(cfg->theme);
	for (j = 0; j < cfg->incident.n_kv; j++) {
		free(cfg->incident.kv[j].key);
		free(cfg->incident.kv[j].value);
	}
	free(cfg->incident.kv);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- the file --------------------------------------------------------- */

/* libinih parses key = value lines (trimming, inline " ;" comments); the
 * reader in front of it numbers lines, strips indentation (so an indented
 * key is never taken for a continuation line), and handles section headers
 * itself, because this build of libinih neither reports empty sections nor
 * passes line numbers to the handler. */
struct loader {
	struct config *cfg;
	const struct config_backend_spec *const *specs;
	const char *path;
	FILE *fp;
	char *buf;
	size_t cap;
	int lineno;
	long cur;               /* index of the current source section, -1 */
	const struct config_backend_spec *cur_spec;     /* its backend */
	bool in_global;         /* inside [warroom] */
	bool seen_global;
	bool in_incident;       /* inside [incident] */
	bool seen_incident;
	bool in_layout;         /* inside [layout] */
	bool seen_layout;
	bool seen_theme;
	bool seen_read_only;
	bool failed;
	struct err *err;
};

static int load_fail(struct loader *ld, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
load_fail(struct loader *ld, int line, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ld->failed = true;
	return err_set(ld->err, "%s:%d: %s", ld->path, line, msg);
}

/* The first key of the table k that is required and missing in sec. */
static const char *
missing_key(const struct config_section *sec, const struct config_key_spec *k)
{
	for (; k != NULL && k->name != NULL; k++) {
		if (k->required && !k->pattern &&
		    config_get(sec, k->name) == NULL) {
			return k->name;
		}
	}
	return NULL;
}

/* Checks the section that just ended. */
static int
load_end_section(struct loader *ld)
{
	const struct config_section *sec;
	const char *missing;

	if (ld->cur < 0) {
		return 0;
	}
	sec = &ld->cfg->sections[ld->cur];
	missing = missing_key(sec, ld->cur_spec->keys);
	if (missing == NULL) {
		missing = missing_key(sec, ld->cur_spec->shared_keys);
	}
	ld->cur = -1;
	ld->cur_spec = NULL;
	if (missing != NULL) {
		return load_fail(ld, sec->line,
				 "missing required key '%s' in [%s]",
				 missing, sec->name);
	}
	return 0;
}

/* line starts with '['. */
static int
load_section_header(struct loader *ld, const char *line)
{
	char name[256], shown[CONFIG_ECHO_MAX + 1], *s, *e, *dot;
	const char *close = strchr(line, ']'), *rest;
	const struct config_backend_spec *spec;
	size_t len;
	struct config_section *sec;

	if (load_end_section(ld) < 0) {
		return -1;
	}
	ld->in_global = false;
	ld->in_incident = false;
	ld->in_layout = false;
	if (close == NULL) {
		return load_fail(ld, ld->lineno,
				 "unterminated section header (missing ']')");
	}
	for (rest = close + 1; isspace((unsigned char)*rest); rest++) {
	}
	if (*rest != '\0' && *rest != ';' && *rest != '#') {
		return load_fail(ld, ld->lineno,
				 "unexpected text after section header");
	}
	len = (size_t)(close - line - 1);
	if (len >= sizeof(name)) {
		return load_fail(ld, ld->lineno, "section name too long");
	}
	memcpy(name, line + 1, len);
	name[len] = '\0';
	for (s = name; isspace((unsigned char)*s); s++) {
	}
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--) {
	}
	*e = '\0';
	config_check_echo(shown, sizeof(shown), s);
	if (*s == '\0') {
		return load_fail(ld, ld->lineno, "empty section name");
	}
	if (strcmp(s, "warroom") == 0) {
		if (ld->seen_global) {
			return load_fail(ld, ld->lineno,
					 "duplicate section [warroom]");
		}
		ld->seen_global = true;
		ld->in_global = true;
		return 0;
	}
	if (strcmp(s, "incident") == 0) {
		if (ld->seen_incident) {
			return load_fail(ld, ld->lineno,
					 "duplicate section [incident]");
		}
		ld->seen_incident = true;
		ld->in_incident = true;
		return 0;
	}
	if (strcmp(s, "layout") == 0) {
		if (ld->seen_layout) {
			return load_fail(ld, ld->lineno,
					 "duplicate section [layout]");
		}
		ld->seen_layout = true;
		ld->in_layout = true;
		return 0;
	}
	dot = strchr(s, '.');
	if (dot == NULL) {
		if (config_backend_find(ld->specs, s) != NULL) {
			return load_fail(ld, ld->lineno,
					 "section [%s] needs a name, "
					 "e.g. [%s.main]", shown, shown);
		}
		return load_fail(ld, ld->lineno,
				 "unknown section [%s] (expected [warroom], "
				 "[incident], [layout] or [BACKEND.NAME])",
				 shown);
	}
	*dot = '\0';
	spec = config_backend_find(ld->specs, s);
	if (spec == NULL) {
		char backend[CONFIG_ECHO_MAX + 1];

		config_check_echo(backend, sizeof(backend), s);
		return load_fail(ld, ld->lineno,
				 "unknown backend '%s' in section [%s]",
				 backend, shown);
	}
	*dot = '.';
	if (!config_check_instance(dot + 1)) {
		return load_fail(ld, ld->lineno,
				 "bad source name in section [%s] (use up to "
				 "%d letters, digits, '_' and '-')", shown,
				 CONFIG_INSTANCE_MAX);
	}
	if (section_find(ld->cfg, spec->name, dot + 1) != NULL) {
		return load_fail(ld, ld->lineno, "duplicate section [%s]",
				 shown);
	}
	sec = config_add_section(ld->cfg, s);
	sec->line = ld->lineno;
	ld->cur = (long)(ld->cfg->n_sections - 1);
	ld->cur_spec = spec;
	return 0;
}

/* What libinih would take for the '=' or ':' of a key line, stopping at an
 * inline comment (';' after whitespace) as it does. */
static bool
has_separator(const char *p)
{
	bool was_space = false;

	for (; *p != '\0'; p++) {
		if (*p == '=' || *p == ':') {
			return true;
		}
		if (was_space && *p == ';') {
			return false;
		}
		was_space = isspace((unsigned char)*p);
	}
	return false;
}

static char *
load_read_line(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	ssize_t n;
	size_t len;
	char *p;

	if (ld->failed) {
		return NULL;
	}
	errno = 0;
	n = getline(&ld->buf, &ld->cap, ld->fp);
	if (n < 0) {
		if (ferror(ld->fp)) {
			err_set(ld->err, "%s: %s", ld->path,
				strerror(errno != 0 ? errno : EIO));
			ld->failed = true;
		} else {
			load_end_section(ld);
		}
		return NULL;
	}
	ld->lineno++;
	p = ld->buf;
	if (strlen(p) != (size_t)n) {
		load_fail(ld, ld->lineno, "NUL byte in line");
		return NULL;
	}
	if (ld->lineno == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
	}
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	len = strlen(p);
	/* libinih reads into a fixed buffer of num bytes and would split a
	 * longer line in two. */
	if (len + 1 > (size_t)num) {
		load_fail(ld, ld->lineno,
			  "line too long (at most %d characters)", num - 2);
		return NULL;
	}
	if (*p == '[') {
		if (load_section_header(ld, p) < 0) {
			return NULL;
		}
	} else if (*p != '\0' && *p != '\n' && *p != '\r' && *p != ';' &&
		   *p != '#' && !has_separator(p)) {
		load_fail(ld, ld->lineno, "expected 'key = value'");
		return NULL;
	}
	memcpy(str, p, len + 1);
	return str;
}

static const char *
secret_hint(const char *key)
{
	if (strcmp(key, "password") == 0 || strcmp(key, "token") == 0 ||
	    strcmp(key, "bearer_token") == 0) {
		return " (give secrets as a file: password_file, "
		       "bearer_token_file)";
	}
	return "";
}

static int
load_global_key(struct loader *ld, const char *name, const char *value)
{
	struct config *cfg = ld->cfg;
	bool b;

	if (strcmp(name, "theme") == 0) {
		if (ld->seen_theme) {
			return load_fail(ld, ld->lineno,
					 "duplicate key 'theme' in [warroom]");
		}
		ld->seen_theme = true;
		if (*value == '\0') {
			return load_fail(ld, ld->lineno,
					 "empty value for theme in [warroom]");
		}
		free(cfg->theme);
		cfg->theme = xstrdup(value);
		return 0;
	}
	if (strcmp(name, "read_only") == 0) {
		char shown[CONFIG_ECHO_MAX + 1];

		if (ld->seen_read_only) {
			return load_fail(ld, ld->lineno, "duplicate key "
					 "'read_only' in [warroom]");
		}
		ld->seen_read_only = true;
		if (config_parse_bool(value, &b) < 0) {
			config_check_echo(shown, sizeof(shown), value);
			return load_fail(ld, ld->lineno,
					 "bad boolean '%s' for read_only "
					 "(use true or false)", shown);
		}
		cfg->read_only = b;
		return 0;
	}
	if (!config_check_echoable(name)) {
		return load_fail(ld, ld->lineno, "malformed key in [warroom]");
	}
	return load_fail(ld, ld->lineno, "unknown key '%s' in [warroom]%s",
			 name, secret_hint(name));
}

/* [incident]: the policy keys are checked by the incident module itself;
 * the two paths must not be empty, and the webhook is given as a file
 * because its URL is a secret. */
static int
load_incident_key(struct loader *ld, const char *name, const char *value)
{
	struct incident_policy pol;
	struct err why;

	if (!config_check_echoable(name)) {
		return load_fail(ld, ld->lineno, "malformed key in [incident]");
	}
	if (kv_find(&ld->cfg->incident, name) != NULL) {
		return load_fail(ld, ld->lineno, "duplicate key '%s' in "
				 "[incident]", name);
	}
	if (strcmp(name, "journal_dir") == 0 ||
	    strcmp(name, "slack_webhook_file") == 0) {
		if (*value == '\0') {
			return load_fail(ld, ld->lineno, "empty value for %s "
					 "in [incident]", name);
		}
		if (strstr(value, "://") != NULL) {
			return load_fail(ld, ld->lineno, "%s in [incident] "
					 "names a file, not a URL", name);
		}
	} else if (strncmp(name, "slack_webhook", 13) == 0) {
		return load_fail(ld, ld->lineno, "unknown key '%s' in "
				 "[incident] (give the webhook URL as a "
				 "file: slack_webhook_file)", name);
	} else {
		incident_policy_default(&pol);
		if (incident_policy_set(&pol, name, value, &why) < 0) {
			return load_fail(ld, ld->lineno, "%s in [incident]",
					 why.msg);
		}
	}
	section_set_line(&ld->cfg->incident, name, value, ld->lineno);
	return 0;
}

static int
load_handle(void *user, const char *section, const char *name,
	    const char *value)
{
	struct loader *ld = user;
	struct config_section *sec;
	const struct config_key_spec *spec;
	const struct config_kv *kv;
	struct err why;
	int ms = 0;

	(void)section;          /* the reader tracks sections itself */
	if (ld->failed) {
		return 0;
	}
	if (value == NULL) {
		value = "";
	}
	if (*name == '\0') {
		load_fail(ld, ld->lineno, "expected 'key = value'");
		return 0;
	}
	if (ld->in_global) {
		return load_global_key(ld, name, value) == 0;
	}
	if (ld->in_incident) {
		return load_incident_key(ld, name, value) == 0;
	}
	if (ld->in_layout) {
		if (config_layout_key(&ld->cfg->layout, name, value,
				      &why) < 0) {
			load_fail(ld, ld->lineno, "%s", why.msg);
			return 0;
		}
		return 1;
	}
	if (ld->cur < 0) {
		load_fail(ld, ld->lineno, "key outside a section");
		return 0;
	}
	sec = &ld->cfg->sections[ld->cur];
	spec = config_key_find(ld->cur_spec, name);
	if (spec == NULL) {
		if (!config_check_echoable(name)) {
			load_fail(ld, ld->lineno, "malformed key in [%s]",
				  sec->name);
		} else {
			load_fail(ld, ld->lineno, "unknown key '%s' in [%s]%s",
				  name, sec->name, secret_hint(name));
		}
		return 0;
	}
	kv = kv_find(sec, name);
	if (kv != NULL && kv->line > 0) {
		load_fail(ld, ld->lineno, "duplicate key '%s' in [%s]", name,
			  sec->name);
		return 0;
	}
	if (*value == '\0') {
		load_fail(ld, ld->lineno, "empty value for %s in [%s]", name,
			  sec->name);
		return 0;
	}
	if (config_check_value(spec, name, sec->name, value, &ms, &why) < 0) {
		load_fail(ld, ld->lineno, "%s", why.msg);
		return 0;
	}
	if (strcmp(name, "interval") == 0) {
		sec->interval_ms = ms;
	} else if (strcmp(name, "timeout") == 0) {
		sec->timeout_ms = ms;
	}
	section_set_line(sec, name, value, ld->lineno);
	return 1;
}

int
config_load_file(struct config *cfg, const char *path,
		 const struct config_backend_spec *const *specs,
		 struct err *err)
{
	struct loader ld = {
		.cfg = cfg,
		.specs = specs,
		.path = path,
		.cur = -1,
		.err = err,
	};
	int ret;

	free(cfg->path);
	cfg->path = xstrdup(path);
	cfg->specs = specs;
	ld.fp = fopen(path, "r");
	if (ld.fp == NULL) {
		return err_set(err, "%s: %s", path, strerror(errno));
	}
	ret = ini_parse_stream(load_read_line, &ld, load_handle, &ld);
	fclose(ld.fp);
	free(ld.buf);
	if (ld.failed) {
		return -1;
	}
	if (ret > 0) {
		/* A line the reader let through but libinih refused. */
		return err_set(err, "%s:%d: syntax error", path, ret);
	}
	if (ret < 0) {
		return err_set(err, "%s: cannot parse", path);
	}
	return 0;
}

/* ---- the environment ------------------------------------------------ */

int
config_from_env(struct config *cfg,
		const struct config_backend_spec *const *specs)
{
	const struct config_backend_spec *const *b;
	const struct config_key_spec *k;
	int made = 0;

	cfg->specs = specs;
	for (b = specs; b != NULL && *b != NULL; b++) {
		for (k = (*b)->keys; k != NULL && k->name != NULL; k++) {
			const char *v;
			struct config_section *sec;

			if (k->env == NULL || k->pattern) {
				continue;
			}
			v = getenv(k->env);
			if (v == NULL || *v == '\0') {
				continue;
			}
			sec = section_find(cfg, (*b)->name, "env");
			if (sec == NULL) {
				char *name = xasprintf("%s.env", (*b)->name);

				sec = config_add_section(cfg, name);
				free(name);
				made++;
			}
			config_section_set(sec, k->name, v);
		}
	}
	if (made > 0) {
		cfg->from_env = true;
	}
	return made;
}

char *
config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	/* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
	if (xdg != NULL && xdg[0] == '/') {
		return xasprintf("%s/warroom/config.ini", xdg);
	}
	if (home == NULL || home[0] == '\0') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL || home[0] == '\0') {
		return NULL;
	}
	return xasprintf("%s/.config/warroom/config.ini", home);
}
