/* What the configuration reader (core/config.c) asks core/config_check.c,
 * and no other file includes: each backend's keys and defaults, and
 * whether a value is well formed. Pure functions: any thread. */
#ifndef WARROOM_CONFIG_CHECK_H
#define WARROOM_CONFIG_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Longest key or value echoed into an error message. */
#define CONFIG_ECHO_MAX 40
/* Longest NAME in [BACKEND.NAME]. */
#define CONFIG_INSTANCE_MAX 48

/* A key a section may hold, and how its value is checked. */
struct config_key_spec;

struct config_key_default {
	const char *key;
	const char *value;
};

struct config_backend_spec {
	const char *name;
	int interval_ms;                /* default poll interval */
	const char *required;           /* NULL: nothing required */
	const struct config_key_spec *keys;     /* ends with a NULL name */
	const struct config_key_default *defaults;      /* ends, NULL key */
};

/* The spec of a name in config_backends (static storage), or NULL. */
const struct config_backend_spec *config_check_backend(const char *backend);

/* How key is checked in a section of backend b (static storage): the
 * keys every section takes, then b's own; NULL for a key b does not
 * take. */
const struct config_key_spec *
config_check_key(const struct config_backend_spec *b, const char *key);

/* Checks value for the key of spec in section (named in the message).
 * Returns 0 (with a duration's milliseconds in *ms), or -1 with the reason
 * in err, which never quotes a value that may hold a secret. */
int config_check_value(const struct config_key_spec *spec,
		       const char *section, const char *value, int *ms,
		       struct err *err);

/* The NAME in [BACKEND.NAME]: 1..CONFIG_INSTANCE_MAX letters, digits, '_'
 * and '-'. */
bool config_check_instance(const char *s);

/* A key that can be echoed: a plain identifier of modest length. */
bool config_check_echoable(const char *key);

/* Copies s for an error message: printable ASCII only, at most
 * CONFIG_ECHO_MAX characters. Used for section names and durations, never
 * for values that may carry secrets. */
void config_check_echo(char *dst, size_t n, const char *s);

#endif
