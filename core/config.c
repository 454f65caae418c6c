/* Reads the configuration file (through libinih) and the environment
 * fallback into struct config. Main thread at start; the result is
 * read-only afterwards and any thread may read it. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/xalloc.h"

#define INTERVAL_MIN_MS 100
#define DURATION_MAX_MS (24 * 3600 * 1000)
#define TIMEOUT_DEFAULT_MS 5000
#define INSTANCE_MAX 48
/* Longest key or value echoed into an error message. */
#define ECHO_MAX 40

const char *const config_backends[] = {
	"k8s",
	"postgres",
	"redis",
	"kafka",
	"prometheus",
	"alertmanager",
	NULL,
};

/* How a value is checked. Only KEY_DURATION and KEY_BOOL values are ever
 * echoed into an error message: anything else may hold a secret. */
enum key_type {
	KEY_TEXT,
	KEY_DURATION,
	KEY_BOOL,
	KEY_HTTP_URL,
	KEY_REDIS_URL,
	KEY_DSN,
	KEY_BROKERS,
	KEY_LIST,               /* comma-separated names */
	KEY_ENV_NAME,           /* the name of an environment variable */
};

struct key_spec {
	const char *name;
	enum key_type type;
};

struct key_default {
	const char *key;
	const char *value;
};

struct backend_spec {
	const char *name;
	int interval_ms;
	const char *required;           /* NULL: nothing required */
	const struct key_spec *keys;    /* ends with a NULL name */
	const struct key_default *defaults;     /* ends with a NULL key */
};

static const struct key_spec common_keys[] = {
	{ "interval", KEY_DURATION },
	{ "timeout", KEY_DURATION },
	{ NULL, KEY_TEXT },
};

static const struct key_spec k8s_keys[] = {
	{ "kubeconfig", KEY_TEXT },
	{ "context", KEY_TEXT },
	{ "namespace", KEY_TEXT },
	{ NULL, KEY_TEXT },
};

static const struct key_spec postgres_keys[] = {
	{ "dsn", KEY_DSN },
	{ "long_query", KEY_DURATION },
	{ "password_file", KEY_TEXT },
	{ NULL, KEY_TEXT },
};

static const struct key_spec redis_keys[] = {
	{ "url", KEY_REDIS_URL },
	{ "user", KEY_TEXT },
	{ "password_file", KEY_TEXT },
	{ NULL, KEY_TEXT },
};

static const struct key_spec kafka_keys[] = {
	{ "brokers", KEY_BROKERS },
	{ "groups", KEY_LIST },
	{ "topics", KEY_LIST },
	{ NULL, KEY_TEXT },
};

/* Prometheus and Alertmanager speak HTTP with the same auth options. */
static const struct key_spec http_keys[] = {
	{ "url", KEY_HTTP_URL },
	{ "bearer_token_file", KEY_TEXT },
	{ "bearer_token_env", KEY_ENV_NAME },
	{ "username", KEY_TEXT },
	{ "password_file", KEY_TEXT },
	{ "ca_file", KEY_TEXT },
	{ "tls_verify", KEY_BOOL },
	{ NULL, KEY_TEXT },
};

/* [prometheus.NAME] also takes panel.PANEL.FIELD keys; the probe checks
 * their values. */
static const struct key_spec panel_key_spec = { "panel", KEY_TEXT };

static const char *const panel_fields[] = {
	"expr", "unit", "warn", "crit", "split", "title", NULL,
};

#define PANEL_NAME_MAX 32

static bool
is_panel_key(const char *backend, const char *key)
{
	const char *name = key + 6, *dot;
	size_t i, len;

	if (strcmp(backend, "prometheus") != 0 ||
	    strncmp(key, "panel.", 6) != 0) {
		return false;
	}
	dot = strchr(name, '.');
	len = dot != NULL ? (size_t)(dot - name) : 0;
	if (len == 0 || len > PANEL_NAME_MAX) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
		    name[i] != '-') {
			return false;
		}
	}
	for (i = 0; panel_fields[i] != NULL; i++) {
		if (strcmp(dot + 1, panel_fields[i]) == 0) {
			return true;
		}
	}
	return false;
}

static const struct key_default no_defaults[] = {
	{ NULL, NULL },
};

static const struct key_default postgres_defaults[] = {
	{ "long_query", "5s" },
	{ NULL, NULL },
};

static const struct key_default http_defaults[] = {
	{ "tls_verify", "true" },
	{ NULL, NULL },
};

static const struct backend_spec backend_specs[] = {
	{ "k8s", 2000, NULL, k8s_keys, no_defaults },
	{ "postgres", 2000, "dsn", postgres_keys, postgres_defaults },
	{ "redis", 2000, "url", redis_keys, no_defaults },
	{ "kafka", 2000, "brokers", kafka_keys, no_defaults },
	{ "prometheus", 5000, "url", http_keys, http_defaults },
	{ "alertmanager", 5000, "url", http_keys, http_defaults },
};

static const struct backend_spec *
backend_spec_find(const char *backend)
{
	size_t i;

	for (i = 0; i < sizeof(backend_specs) / sizeof(backend_specs[0]);
	     i++) {
		if (strcmp(backend_specs[i].name, backend) == 0) {
			return &backend_specs[i];
		}
	}
	return NULL;
}

static const struct key_spec *
key_spec_find(const struct key_spec *keys, const char *name)
{
	for (; keys->name != NULL; keys++) {
		if (strcmp(keys->name, name) == 0) {
			return keys;
		}
	}
	return NULL;
}

/* ---- values ---------------------------------------------------------- */

int
config_parse_duration(const char *s, int *ms)
{
	int64_t whole = 0, frac = 0, scale = 1, unit, total;
	int n_whole = 0, n_frac = 0;
	const char *p = s;

	if (s == NULL) {
		return -1;
	}
	/* Ten digits of seconds already exceed the 24 h ceiling; the limit
	 * keeps the arithmetic below far from overflow. */
	while (isdigit((unsigned char)*p)) {
		if (++n_whole > 10) {
			return -1;
		}
		whole = whole * 10 + (*p++ - '0');
	}
	if (n_whole == 0) {
		return -1;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (++n_frac > 6) {
				return -1;
			}
			frac = frac * 10 + (*p++ - '0');
			scale *= 10;
		}
		if (n_frac == 0) {
			return -1;
		}
	}
	if (*p == '\0' || strcmp(p, "s") == 0) {
		unit = 1000;
	} else if (strcmp(p, "ms") == 0) {
		unit = 1;
	} else if (strcmp(p, "m") == 0) {
		unit = 60 * 1000;
	} else if (strcmp(p, "h") == 0) {
		unit = 3600 * 1000;
	} else {
		return -1;
	}
	/* Fractions must come out in whole milliseconds ("1.5ms" does not). */
	if (frac * unit % scale != 0) {
		return -1;
	}
	total = whole * unit + frac * unit / scale;
	if (total <= 0 || total > DURATION_MAX_MS) {
		return -1;
	}
	*ms = (int)total;
	return 0;
}

int
config_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };
	size_t i;

	if (s == NULL) {
		return -1;
	}
	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static bool
has_space_or_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s)) {
			return true;
		}
	}
	return false;
}

/* "http://" or "https://" and at least a host. */
static bool
valid_http_url(const char *v)
{
	const char *rest;

	if (strncasecmp(v, "http://", 7) == 0) {
		rest = v + 7;
	} else if (strncasecmp(v, "https://", 8) == 0) {
		rest = v + 8;
	} else {
		return false;
	}
	return *rest != '\0' && *rest != '/' && !has_space_or_control(v);
}

/* redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or unix:///PATH. */
static bool
valid_redis_url(const char *v)
{
	if (has_space_or_control(v)) {
		return false;
	}
	if (strncasecmp(v, "redis://", 8) == 0) {
		return v[8] != '\0' && v[8] != '/';
	}
	if (strncasecmp(v, "unix://", 7) == 0) {
		return v[7] == '/' && v[8] != '\0';
	}
	return false;
}

static bool
valid_dsn(const char *v)
{
	for (; *v != '\0'; v++) {
		if (iscntrl((unsigned char)*v)) {
			return false;
		}
	}
	return true;
}

/* Calls item(start, len) for each comma-separated item, trimmed; fails on
 * an empty item or when item() does. */
static bool
each_list_item(const char *v, bool (*item)(const char *s, size_t len))
{
	const char *p = v;

	for (;;) {
		const char *end = strchr(p, ',');
		const char *e = end != NULL ? end : p + strlen(p);
		const char *s = p;

		while (s < e && isspace((unsigned char)*s)) {
			s++;
		}
		while (e > s && isspace((unsigned char)e[-1])) {
			e--;
		}
		if (e == s || !item(s, (size_t)(e - s))) {
			return false;
		}
		if (end == NULL) {
			return true;
		}
		p = end + 1;
	}
}

static bool
valid_name_item(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (isspace((unsigned char)s[i]) ||
		    iscntrl((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* HOST or HOST:PORT with PORT in 1..65535. */
static bool
valid_broker_item(const char *s, size_t len)
{
	const char *colon = NULL;
	size_t i;
	long port = 0;

	if (!valid_name_item(s, len)) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == ':') {
			colon = s + i;
		}
	}
	if (colon == NULL) {
		return true;
	}
	if (colon == s || colon == s + len - 1) {
		return false;
	}
	for (i = (size_t)(colon - s) + 1; i < len; i++) {
		if (!isdigit((unsigned char)s[i]) || port > 65535) {
			return false;
		}
		port = port * 10 + (s[i] - '0');
	}
	return port >= 1 && port <= 65535;
}

static bool
valid_env_name(const char *v)
{
	const char *p;

	if (!isalpha((unsigned char)v[0]) && v[0] != '_') {
		return false;
	}
	for (p = v; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_') {
			return false;
		}
	}
	return true;
}

static bool
valid_instance(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++) {
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-') {
			return false;
		}
	}
	return n > 0 && n <= INSTANCE_MAX;
}

/* A key that can be echoed: a plain identifier of modest length. */
static bool
echoable_key(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++) {
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.') {
			return false;
		}
	}
	return n > 0 && n <= ECHO_MAX;
}

/* Copies s for an error message: printable ASCII only, at most ECHO_MAX
 * characters. Used for section names and durations, never for values that
 * may carry secrets. */
static void
echo_copy(char *dst, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < n && i < ECHO_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
	if (s[i] != '\0' && i >= 3) {
		memcpy(dst + i - 3, "...", 3);
	}
}

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

struct config_section *
config_add_section(struct config *cfg, const char *name)
{
	struct config_section *sec;
	const struct backend_spec *spec;
	const struct key_default *d;
	const char *dot = strchr(name, '.');

	cfg->sections = xreallocarray(cfg->sections, cfg->n_sections + 1,
				      sizeof(*cfg->sections));
	sec = &cfg->sections[cfg->n_sections++];
	memset(sec, 0, sizeof(*sec));
	sec->name = xstrdup(name);
	if (dot != NULL) {
		sec->backend = xstrndup(name, (size_t)(dot - name));
		sec->instance = xstrdup(dot + 1);
	} else {
		sec->backend = xstrdup(name);
		sec->instance = xstrdup("");
	}
	spec = backend_spec_find(sec->backend);
	sec->interval_ms = spec != NULL ? spec->interval_ms : 2000;
	sec->timeout_ms = TIMEOUT_DEFAULT_MS;
	if (spec != NULL) {
		for (d = spec->defaults; d->key != NULL; d++) {
			section_set_line(sec, d->key, d->value, 0);
		}
	}
	return sec;
}

static struct config_section *
section_find(struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_sections; i++) {
		if (strcmp(cfg->sections[i].name, name) == 0) {
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
	const char *path;
	FILE *fp;
	char *buf;
	size_t cap;
	int lineno;
	long cur;               /* index of the current source section, -1 */
	bool in_global;         /* inside [warroom] */
	bool seen_global;
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

/* Checks the section that just ended. */
static int
load_end_section(struct loader *ld)
{
	const struct config_section *sec;
	const struct backend_spec *spec;

	if (ld->cur < 0) {
		return 0;
	}
	sec = &ld->cfg->sections[ld->cur];
	ld->cur = -1;
	spec = backend_spec_find(sec->backend);
	if (spec->required != NULL && config_get(sec, spec->required) == NULL) {
		return load_fail(ld, sec->line,
				 "missing required key '%s' in [%s]",
				 spec->required, sec->name);
	}
	return 0;
}

static bool
is_backend(const char *name)
{
	size_t i;

	for (i = 0; config_backends[i] != NULL; i++) {
		if (strcmp(config_backends[i], name) == 0) {
			return true;
		}
	}
	return false;
}

/* line starts with '['. */
static int
load_section_header(struct loader *ld, const char *line)
{
	char name[256], shown[ECHO_MAX + 1], *s, *e, *dot;
	const char *close = strchr(line, ']'), *rest;
	size_t len;
	struct config_section *sec;

	if (load_end_section(ld) < 0) {
		return -1;
	}
	ld->in_global = false;
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
	echo_copy(shown, sizeof(shown), s);
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
	dot = strchr(s, '.');
	if (dot == NULL) {
		if (is_backend(s)) {
			return load_fail(ld, ld->lineno,
					 "section [%s] needs a name, "
					 "e.g. [%s.main]", shown, shown);
		}
		return load_fail(ld, ld->lineno,
				 "unknown section [%s] (expected [warroom] "
				 "or [BACKEND.NAME])", shown);
	}
	*dot = '\0';
	if (!is_backend(s)) {
		char backend[ECHO_MAX + 1];

		echo_copy(backend, sizeof(backend), s);
		return load_fail(ld, ld->lineno,
				 "unknown backend '%s' in section [%s]",
				 backend, shown);
	}
	*dot = '.';
	if (!valid_instance(dot + 1)) {
		return load_fail(ld, ld->lineno,
				 "bad source name in section [%s] (use up to "
				 "%d letters, digits, '_' and '-')", shown,
				 INSTANCE_MAX);
	}
	if (section_find(ld->cfg, s) != NULL) {
		return load_fail(ld, ld->lineno, "duplicate section [%s]",
				 shown);
	}
	sec = config_add_section(ld->cfg, s);
	sec->line = ld->lineno;
	ld->cur = (long)(ld->cfg->n_sections - 1);
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
		char shown[ECHO_MAX + 1];

		if (ld->seen_read_only) {
			return load_fail(ld, ld->lineno, "duplicate key "
					 "'read_only' in [warroom]");
		}
		ld->seen_read_only = true;
		if (config_parse_bool(value, &b) < 0) {
			echo_copy(shown, sizeof(shown), value);
			return load_fail(ld, ld->lineno,
					 "bad boolean '%s' for read_only "
					 "(use true or false)", shown);
		}
		cfg->read_only = b;
		return 0;
	}
	if (!echoable_key(name)) {
		return load_fail(ld, ld->lineno, "malformed key in [warroom]");
	}
	return load_fail(ld, ld->lineno, "unknown key '%s' in [warroom]%s",
			 name, secret_hint(name));
}

/* Checks value against spec; on failure fills the reason (which never
 * quotes a value that may be secret). */
static int
load_check_value(struct loader *ld, const struct config_section *sec,
		 const struct key_spec *spec, const char *value, int *ms)
{
	char shown[ECHO_MAX + 1];
	const char *key = spec->name;
	bool b;

	switch (spec->type) {
	case KEY_DURATION:
		if (config_parse_duration(value, ms) < 0) {
			echo_copy(shown, sizeof(shown), value);
			return load_fail(ld, ld->lineno,
					 "bad duration '%s' for %s", shown,
					 key);
		}
		if (strcmp(key, "interval") == 0 && *ms < INTERVAL_MIN_MS) {
			echo_copy(shown, sizeof(shown), value);
			return load_fail(ld, ld->lineno,
					 "interval '%s' is too short (at "
					 "least %dms)", shown, INTERVAL_MIN_MS);
		}
		return 0;
	case KEY_BOOL:
		if (config_parse_bool(value, &b) < 0) {
			echo_copy(shown, sizeof(shown), value);
			return load_fail(ld, ld->lineno,
					 "bad boolean '%s' for %s (use true "
					 "or false)", shown, key);
		}
		return 0;
	case KEY_HTTP_URL:
		if (!valid_http_url(value)) {
			return load_fail(ld, ld->lineno,
					 "bad value for %s in [%s] (expected "
					 "http://HOST[:PORT][/PATH] or "
					 "https://...)", key, sec->name);
		}
		return 0;
	case KEY_REDIS_URL:
		if (!valid_redis_url(value)) {
			return load_fail(ld, ld->lineno,
					 "bad value for %s in [%s] (expected "
					 "redis://HOST[:PORT][/DB] or "
					 "unix:///PATH)", key, sec->name);
		}
		return 0;
	case KEY_DSN:
		if (!valid_dsn(value)) {
			return load_fail(ld, ld->lineno,
					 "bad value for %s in [%s] (control "
					 "character)", key, sec->name);
		}
		return 0;
	case KEY_BROKERS:
		if (!each_list_item(value, valid_broker_item)) {
			return load_fail(ld, ld->lineno,
					 "bad value for %s in [%s] (expected "
					 "HOST:PORT[,HOST:PORT...])", key,
					 sec->name);
		}
		return 0;
	case KEY_LIST:
		if (!each_list_item(value, valid_name_item)) {
			return load_fail(ld, ld->lineno,
					 "bad value for %s in [%s] (expected "
					 "NAME[,NAME...])", key, sec->name);
		}
		return 0;
	case KEY_ENV_NAME:
		if (!valid_env_name(value)) {
			return load_fail(ld, ld->lineno,
					 "bad value for %s in [%s] (expected "
					 "the name of an environment "
					 "variable)", key, sec->name);
		}
		return 0;
	case KEY_TEXT:
		if (!valid_dsn(value)) {
			return load_fail(ld, ld->lineno,
					 "bad value for %s in [%s] (control "
					 "character)", key, sec->name);
		}
		return 0;
	}
	return 0;
}

static int
load_handle(void *user, const char *section, const char *name,
	    const char *value)
{
	struct loader *ld = user;
	struct config_section *sec;
	const struct backend_spec *bspec;
	const struct key_spec *spec;
	const struct config_kv *kv;
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
	if (ld->cur < 0) {
		load_fail(ld, ld->lineno, "key outside a section");
		return 0;
	}
	sec = &ld->cfg->sections[ld->cur];
	bspec = backend_spec_find(sec->backend);
	spec = key_spec_find(common_keys, name);
	if (spec == NULL) {
		spec = key_spec_find(bspec->keys, name);
	}
	if (spec == NULL && is_panel_key(sec->backend, name)) {
		spec = &panel_key_spec;
	}
	if (spec == NULL) {
		if (!echoable_key(name)) {
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
	if (load_check_value(ld, sec, spec, value, &ms) < 0) {
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
config_load_file(struct config *cfg, const char *path, struct err *err)
{
	struct loader ld = {
		.cfg = cfg,
		.path = path,
		.cur = -1,
		.err = err,
	};
	int ret;

	free(cfg->path);
	cfg->path = xstrdup(path);
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

static const struct {
	const char *var;
	const char *section;
	const char *key;
} env_sources[] = {
	{ "KUBECONFIG", "k8s.env", "kubeconfig" },
	{ "DATABASE_URL", "postgres.env", "dsn" },
	{ "REDIS_URL", "redis.env", "url" },
	{ "KAFKA_BROKERS", "kafka.env", "brokers" },
	{ "PROMETHEUS_URL", "prometheus.env", "url" },
	{ "ALERTMANAGER_URL", "alertmanager.env", "url" },
};

int
config_from_env(struct config *cfg)
{
	size_t i;
	int made = 0;

	for (i = 0; i < sizeof(env_sources) / sizeof(env_sources[0]); i++) {
		const char *v = getenv(env_sources[i].var);
		struct config_section *sec;

		if (v == NULL || *v == '\0') {
			continue;
		}
		sec = section_find(cfg, env_sources[i].section);
		if (sec == NULL) {
			sec = config_add_section(cfg, env_sources[i].section);
			made++;
		}
		config_section_set(sec, env_sources[i].key, v);
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
