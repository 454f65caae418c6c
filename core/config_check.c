/* Which keys a section takes (the keys every section has, then its
 * backend's spec, pattern keys included), and the checks of values:
 * durations, booleans, URLs, brokers, names. Pure functions: any
 * thread. */
#include "core/config_check.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"

#define INTERVAL_MIN_MS 100
#define DURATION_MAX_MS (24 * 3600 * 1000)

const struct config_key_spec config_common_keys[] = {
	{ .name = "interval", .type = CONFIG_DURATION,
	  .help = "time between two polls, at least 100ms" },
	{ .name = "timeout", .type = CONFIG_DURATION,
	  .help = "deadline of one poll, connecting included" },
	{ .name = NULL },
};

static bool
backend_named(const struct config_backend_spec *b, const char *name)
{
	const char *const *a;

	if (strcmp(b->name, name) == 0) {
		return true;
	}
	for (a = b->aliases; a != NULL && *a != NULL; a++) {
		if (strcmp(*a, name) == 0) {
			return true;
		}
	}
	return false;
}

const struct config_backend_spec *
config_backend_find(const struct config_backend_spec *const *specs,
		    const char *backend)
{
	if (specs == NULL || backend == NULL) {
		return NULL;
	}
	for (; *specs != NULL; specs++) {
		if (backend_named(*specs, backend)) {
			return *specs;
		}
	}
	return NULL;
}

/* A segment of a pattern key in capitals stands for a name. */
static bool
is_placeholder(const char *seg, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!isupper((unsigned char)seg[i])) {
			return false;
		}
	}
	return len > 0;
}

static bool
is_pattern_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > CONFIG_PATTERN_NAME_MAX) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-') {
			return false;
		}
	}
	return true;
}

/* key against a pattern, segment by segment. */
static bool
pattern_matches(const char *pattern, const char *key)
{
	for (;;) {
		size_t pl = strcspn(pattern, "."), kl = strcspn(key, ".");

		if (is_placeholder(pattern, pl)) {
			if (!is_pattern_name(key, kl)) {
				return false;
			}
		} else if (pl != kl || memcmp(pattern, key, pl) != 0) {
			return false;
		}
		if (pattern[pl] == '\0' || key[kl] == '\0') {
			return pattern[pl] == key[kl];
		}
		pattern += pl + 1;
		key += kl + 1;
	}
}

static const struct config_key_spec *
key_spec_find(const struct config_key_spec *keys, const char *name,
	      bool pattern)
{
	for (; keys != NULL && keys->name != NULL; keys++) {
		if (keys->pattern != pattern) {
			continue;
		}
		if (pattern ? pattern_matches(keys->name, name) :
		    strcmp(keys->name, name) == 0) {
			return keys;
		}
	}
	return NULL;
}

const struct config_key_spec *
config_key_find(const struct config_backend_spec *b, const char *key)
{
	const struct config_key_spec *spec;

	spec = key_spec_find(config_common_keys, key, false);
	if (b == NULL) {
		return spec;
	}
	if (spec == NULL) {
		spec = key_spec_find(b->keys, key, false);
	}
	if (spec == NULL) {
		spec = key_spec_find(b->shared_keys, key, false);
	}
	if (spec == NULL) {
		spec = key_spec_find(b->keys, key, true);
	}
	if (spec == NULL) {
		spec = key_spec_find(b->shared_keys, key, true);
	}
	return spec;
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

bool
config_check_instance(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++) {
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-') {
			return false;
		}
	}
	return n > 0 && n <= CONFIG_INSTANCE_MAX;
}

bool
config_check_echoable(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++) {
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.') {
			return false;
		}
	}
	return n > 0 && n <= CONFIG_ECHO_MAX;
}

void
config_check_echo(char *dst, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < n && i < CONFIG_ECHO_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
	if (s[i] != '\0' && i >= 3) {
		memcpy(dst + i - 3, "...", 3);
	}
}

/* ---- checking a value ------------------------------------------------ */

int
config_check_value(const struct config_key_spec *spec, const char *key,
		   const char *section, const char *value, int *ms,
		   struct err *err)
{
	char shown[CONFIG_ECHO_MAX + 4] = "";
	bool b;

	/* "'5x' " for the messages that quote a value, unless secret. */
	if (!spec->secret) {
		shown[0] = '\'';
		config_check_echo(shown + 1, CONFIG_ECHO_MAX + 1, value);
		strcat(shown, "' ");
	}
	switch (spec->type) {
	case CONFIG_DURATION:
		if (config_parse_duration(value, ms) < 0) {
			return err_set(err, "bad duration %sfor %s", shown,
				       key);
		}
		if (strcmp(key, "interval") == 0 && *ms < INTERVAL_MIN_MS) {
			return err_set(err, "interval %sis too short (at "
				       "least %dms)", shown, INTERVAL_MIN_MS);
		}
		return 0;
	case CONFIG_BOOL:
		if (config_parse_bool(value, &b) < 0) {
			return err_set(err, "bad boolean %sfor %s (use true "
				       "or false)", shown, key);
		}
		return 0;
	case CONFIG_HTTP_URL:
		if (!valid_http_url(value)) {
			return err_set(err, "bad value for %s in [%s] "
				       "(expected http://HOST[:PORT][/PATH] "
				       "or https://...)", key, section);
		}
		return 0;
	case CONFIG_REDIS_URL:
		if (!valid_redis_url(value)) {
			return err_set(err, "bad value for %s in [%s] "
				       "(expected redis://HOST[:PORT][/DB] "
				       "or unix:///PATH)", key, section);
		}
		return 0;
	case CONFIG_DSN:
	case CONFIG_TEXT:
		if (!valid_dsn(value)) {
			return err_set(err, "bad value for %s in [%s] "
				       "(control character)", key, section);
		}
		return 0;
	case CONFIG_BROKERS:
		if (!each_list_item(value, valid_broker_item)) {
			return err_set(err, "bad value for %s in [%s] "
				       "(expected HOST:PORT[,HOST:PORT...])",
				       key, section);
		}
		return 0;
	case CONFIG_LIST:
		if (!each_list_item(value, valid_name_item)) {
			return err_set(err, "bad value for %s in [%s] "
				       "(expected NAME[,NAME...])", key,
				       section);
		}
		return 0;
	case CONFIG_ENV_NAME:
		if (!valid_env_name(value)) {
			return err_set(err, "bad value for %s in [%s] "
				       "(expected the name of an environment "
				       "variable)", key, section);
		}
		return 0;
	}
	return 0;
}
