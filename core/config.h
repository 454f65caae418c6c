/* The configuration: one INI section per named source ([postgres.main],
 * [redis.cache], ...) plus an optional [warroom] section of global options,
 * read with libinih; or, without a file, sources built from the runbooks'
 * environment variables. Read once at start on the main thread; read-only
 * afterwards (any thread may read it). */
#ifndef WARROOM_CONFIG_H
#define WARROOM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

struct config_kv {
	char *key;
	char *value;
	int line;
};

struct config_section {
	char *name;             /* "postgres.main" */
	char *backend;          /* "postgres" */
	char *instance;         /* "main" */
	int line;               /* where the section starts, 0 from env */
	int interval_ms;        /* poll interval (default per backend) */
	int timeout_ms;         /* one poll's deadline (default per backend) */
	struct config_kv *kv;
	size_t n_kv;
};

struct config {
	char *path;             /* file read, or NULL */
	bool from_env;          /* sources came from environment variables */
	struct config_section *sections;
	size_t n_sections;
	/* [warroom] options */
	char *theme;            /* NULL: default */
	bool read_only;
	/* [incident]: the incident process (response and update times,
	 * escalations; checked at load by incident_policy_set()),
	 * journal_dir and slack_webhook_file, each with its line. The name
	 * is NULL; read it with config_get(&cfg->incident, key). */
	struct config_section incident;
};

/* The backends a section may name. */
extern const char *const config_backends[];

/* Reads path into cfg (zeroed by the caller). On a bad line returns -1 with
 * "FILE:LINE: reason" in err; cfg must still be config_finish()ed. */
int config_load_file(struct config *cfg, const char *path, struct err *err);

/* Builds sections from DATABASE_URL, REDIS_URL, PROMETHEUS_URL,
 * ALERTMANAGER_URL, KAFKA_BROKERS and KUBECONFIG (each becomes a
 * "BACKEND.env" section). Returns the number of sections made. */
int config_from_env(struct config *cfg);

/* The default file: $XDG_CONFIG_HOME/warroom/config.ini, or
 * ~/.config/warroom/config.ini. The caller frees it. */
char *config_default_path(void);

/* Adds a section by hand (the demo, tests). Returns it; owned by cfg and
 * valid until the next config_add_section() (the array may move). */
struct config_section *config_add_section(struct config *cfg,
					  const char *name);
/* Adds or replaces key in sec. */
void config_section_set(struct config_section *sec, const char *key,
			const char *value);

/* A key's value, or NULL. */
const char *config_get(const struct config_section *sec, const char *key);

/* Parses "2s", "500ms", "1m", "1h" or a bare number of seconds into ms.
 * Returns -1 on anything else. */
int config_parse_duration(const char *s, int *ms);

/* Parses true/false, yes/no, on/off, 1/0 (any case) into *out. Returns 0,
 * or -1 on anything else. */
int config_parse_bool(const char *s, bool *out);

void config_finish(struct config *cfg);

#endif
