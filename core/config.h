/* The configuration: one INI section per named source ([postgres.main],
 * [redis.cache], ...) plus an optional [warroom] section of global options,
 * read with libinih; or, without a file, sources built from the runbooks'
 * environment variables. What each backend's sections hold is described
 * by the caller (struct config_backend_spec; the probe registry has the
 * list). Read once at start on the main thread; read-only afterwards (any
 * thread may read it). */
#ifndef WARROOM_CONFIG_H
#define WARROOM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/model.h"

/* ---- what a backend's sections hold ---------------------------------- */

/* How a key's value is checked. Values of any type but CONFIG_DURATION
 * and CONFIG_BOOL are never echoed into a message: they may hold a
 * secret. */
enum config_key_type {
	CONFIG_TEXT,            /* anything without control characters */
	CONFIG_DURATION,        /* "500ms", "2s" (config_parse_duration) */
	CONFIG_BOOL,            /* config_parse_bool */
	CONFIG_HTTP_URL,        /* http:// or https:// and a host */
	CONFIG_REDIS_URL,       /* redis://HOST... or unix:///PATH */
	CONFIG_DSN,             /* a libpq connection string */
	CONFIG_BROKERS,         /* HOST[:PORT] separated by commas */
	CONFIG_LIST,            /* names separated by commas */
	CONFIG_ENV_NAME,        /* the name of an environment variable */
};

/* Longest name a pattern key's placeholder stands for. */
#define CONFIG_PATTERN_NAME_MAX 32

/* One key a section may hold. Tables of them end with a NULL name. */
struct config_key_spec {
	/* "dsn". In a pattern key every segment (between dots) in capitals
	 * is a placeholder for a name the operator picks, 1 to
	 * CONFIG_PATTERN_NAME_MAX letters, digits, '_' or '-':
	 * "panel.PANEL.expr" takes panel.errors.expr. */
	const char *name;
	enum config_key_type type;
	const char *def;        /* set in every new section; NULL: none */
	const char *help;       /* one line for people: what it means */
	/* Without a file, this variable, when set and not empty, makes the
	 * section BACKEND.env holding this key (DATABASE_URL -> dsn). Read
	 * from a backend's own keys only. NULL: none. */
	const char *env;
	bool required;          /* a section without it is an error */
	bool secret;            /* may hold a password: never echoed */
	bool pattern;           /* name has placeholders; no def */
};

/* The poll interval of a backend that names none. */
#define CONFIG_INTERVAL_DEFAULT_MS 2000

/* A backend as its sections see it: [NAME.INSTANCE]. */
struct config_backend_spec {
	const char *name;       /* "kubernetes" */
	/* Other names its sections may use ("k8s"), ended by NULL; may be
	 * NULL. A section read under an alias keeps its name as written
	 * ("k8s.prod"); its backend is this name. */
	const char *const *aliases;
	/* Poll interval unless the section sets one; 0:
	 * CONFIG_INTERVAL_DEFAULT_MS. */
	int interval_ms;
	const struct config_key_spec *keys;     /* its own; may be NULL */
	/* Keys it shares with other backends (those of the HTTP client);
	 * may be NULL. */
	const struct config_key_spec *shared_keys;
};

/* Keys every section takes besides its backend's: interval, timeout. */
extern const struct config_key_spec config_common_keys[];

/* The spec among specs (ended by NULL) named backend, or whose alias it
 * is; NULL when none is. */
const struct config_backend_spec *
config_backend_find(const struct config_backend_spec *const *specs,
		    const char *backend);

/* The spec of key in a section of b: config_common_keys, then b's keys
 * (its own, then shared), then b's pattern keys. NULL for a key b does not
 * take. */
const struct config_key_spec *
config_key_find(const struct config_backend_spec *b, const char *key);

/* ---- [layout]: where the panes go (core/config_layout.c) ---------------- */

/* The panes are the kinds (by enum snap_kind) and the timeline. */
#define CONFIG_PANE_TIMELINE ((int)SNAP_KIND_COUNT)
#define CONFIG_PANES (CONFIG_PANE_TIMELINE + 1)
/* Rows of the grid: top, middle, bottom. */
#define CONFIG_LAYOUT_ROWS 3
#define CONFIG_LAYOUT_WIDTH_MAX 10

struct config_layout_pane {
	int row;                /* 1 top .. 3 bottom; 0: the pane's own */
	int pos;                /* its place in that row, 0 first */
	int width;              /* share of its row's width; 0: 1 */
	bool hidden;            /* hidden at start */
};

/* Zeroed: no placement. */
struct config_layout {
	bool set;               /* the file had a [layout] key */
	struct config_layout_pane pane[CONFIG_PANES];
	/* Each row's share of the height (weights); 0: the default. */
	int heights[CONFIG_LAYOUT_ROWS];
	unsigned seen;          /* keys read, for duplicates */
};

/* Reads one key of [layout] into l: top, middle, bottom (pane names
 * separated by commas), heights ("50, 20, 30"), hide (pane names),
 * PANE.width (1..CONFIG_LAYOUT_WIDTH_MAX). Returns 0, or -1 with the reason
 * in why (without FILE:LINE). */
int config_layout_key(struct config_layout *l, const char *key,
		      const char *value, struct err *why);
/* The pane a name stands for (a kind's name, title, abbreviation or
 * alias, or "timeline"), or -1. */
int config_layout_pane(const char *name);
/* "database", "timeline": the name of pane. */
const char *config_layout_pane_name(int pane);

/* ---- the configuration read --------------------------------------------- */

struct config_kv {
	char *key;
	char *value;
	int line;
};

struct config_section {
	char *name;             /* "postgres.main" */
	char *backend;          /* "postgres", never an alias */
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
	/* What the sections were read against (static storage), or NULL:
	 * then config_add_section() knows no defaults. */
	const struct config_backend_spec *const *specs;
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
	/* [layout]; all zero (every pane in its own row, none hidden) when
	 * the file has none. */
	struct config_layout layout;
};

/* Reads path into cfg (zeroed by the caller), taking [BACKEND.NAME]
 * sections of the backends in specs (ended by NULL; static storage, kept
 * in cfg->specs). On a bad line returns -1 with "FILE:LINE: reason" in
 * err; cfg must still be config_finish()ed. */
int config_load_file(struct config *cfg, const char *path,
		     const struct config_backend_spec *const *specs,
		     struct err *err);

/* Builds a "BACKEND.env" section for each spec one of whose keys' env
 * variables is set and not empty (DATABASE_URL, REDIS_URL, ...), in the
 * order of specs, which it keeps in cfg->specs. Returns the number of
 * sections made. */
int config_from_env(struct config *cfg,
		    const struct config_backend_spec *const *specs);

/* The default file: $XDG_CONFIG_HOME/warroom/config.ini, or
 * ~/.config/warroom/config.ini. The caller frees it. */
char *config_default_path(void);

/* Adds a section by hand (the demo, tests, companion sources), with the
 * defaults of its backend in cfg->specs (an alias names the backend).
 * Returns it; owned by cfg and valid until the next config_add_section()
 * (the array may move). */
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
