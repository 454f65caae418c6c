/* What the configuration reader (core/config.c) asks core/config_check.c,
 * and no other file includes: whether a value, a name or a key is well
 * formed. Pure functions: any thread. */
#ifndef WARROOM_CONFIG_CHECK_H
#define WARROOM_CONFIG_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/err.h"

/* Longest key or value echoed into an error message. */
#define CONFIG_ECHO_MAX 40
/* Longest NAME in [BACKEND.NAME]. */
#define CONFIG_INSTANCE_MAX 48

/* Checks value for key (whose spec is spec; key differs from spec->name
 * for a pattern key) in section (named in the message). Returns 0 (with a
 * duration's milliseconds in *ms), or -1 with the reason in err, which
 * never quotes a value that may hold a secret. */
int config_check_value(const struct config_key_spec *spec, const char *key,
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
