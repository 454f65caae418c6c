/* The Redis probe (hiredis): memory, evictions, clients, slow log and
 * replication of one server, and its actions (delete keys by pattern,
 * FLUSHDB, CLIENT KILL, SLOWLOG RESET). The ops run on their probe thread,
 * the actions on the action worker; the URL and settings helpers are pure
 * and may be called from any thread. */
#ifndef WARROOM_REDIS_H
#define WARROOM_REDIS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/err.h"
#include "core/snapshot.h"
#include "probes/probe.h"

/* Built without hiredis, its unavailable says "Redis support not built
 * in". */
extern const struct probe_ops redis_probe_ops;
/* K delete keys by pattern, F FLUSHDB, X client kill, L SLOWLOG RESET. */
extern const struct action_impl redis_actions[];

#define REDIS_DEFAULT_PORT 6379
#define REDIS_HOST_MAX 256
#define REDIS_PATH_MAX 108      /* sun_path */
#define REDIS_USER_MAX 128
#define REDIS_PASSWORD_MAX 512
/* Samples of used memory kept for the sparkline (at one per interval). */
#define REDIS_HISTORY_N 120
#define REDIS_SLOWLOG_N 10
#define REDIS_CLIENTS_MAX 1000
/* Longest slow-log command kept in the model, in bytes. */
#define REDIS_COMMAND_MAX 256

/* A parsed redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or
 * unix:///PATH[?db=N] URL; user and password are percent-decoded. */
struct redis_url {
	bool is_unix;
	char host[REDIS_HOST_MAX];      /* without IPv6 brackets */
	int port;
	char path[REDIS_PATH_MAX];
	int db;
	char user[REDIS_USER_MAX];      /* "" when none */
	char password[REDIS_PASSWORD_MAX];
	bool has_password;
};

/* Parses url into *out (zeroed first). Returns 0, or -1 with a reason in
 * err that never repeats the URL (it may hold a password). */
int redis_url_parse(const char *url, struct redis_url *out, struct err *err);

/* Everything a connection needs, from a [redis.NAME] section. */
struct redis_settings {
	struct redis_url url;   /* user and password resolved */
	int timeout_ms;         /* connect + one round of commands */
	char addr[REDIS_HOST_MAX + 16]; /* "HOST:PORT" or the socket path */
};

/* Reads url, user, password_file and timeout from sec. The password comes
 * from the URL, else the file named by password_file (its first line),
 * else the REDISCLI_AUTH environment variable, as redis-cli does; the user
 * from the URL, else the user key. Returns 0, or -1 with err. */
int redis_settings_from_section(const struct config_section *sec,
				struct redis_settings *out, struct err *err);
/* Overwrites the password held in s. */
void redis_settings_wipe(struct redis_settings *s);

/* "HOST:PORT" ("[::1]:6379") or the socket path of u, for messages. */
void redis_url_addr(const struct redis_url *u, char *buf, size_t n);

/* The probe's state without the runner, for the ops and for tests. */
struct redis_poller;

/* redis_poller_new/poll/free are also the probe's ops (open, poll, close),
 * hence their void pointers: each stands for a struct redis_poller. */
/* Reads sec; does not connect. owner is not asked (and may be NULL): a
 * poll ends at its deadline. Returns a struct redis_poller, or NULL with
 * err; the caller frees it with redis_poller_free(). */
void *redis_poller_new(const struct config_section *sec, struct probe *owner,
		       struct err *err);
/* One poll: connects when needed (a failed connection is freed and made
 * again on the next call), then sends PING, INFO, SLOWLOG GET and
 * CLIENT LIST in one pipeline under one deadline and fills s->data with a
 * struct redis_model. Returns 0, or -1 with err (s->data stays NULL). */
int redis_poller_poll(void *redis_poller, struct snapshot *s,
		      struct err *err);
/* True while the poller holds an open connection. */
bool redis_poller_connected(const struct redis_poller *rp);
void redis_poller_free(void *redis_poller);

/* ---- pattern delete (the K action), on a connection of
 * probes/redis_conn.h; the action worker or a test thread. ---- */
struct redis_conn;

#define REDIS_DELETE_BATCH 1000
#define REDIS_EXAMPLES_MAX 5
#define REDIS_KEY_SHOWN 120     /* bytes of an example key kept */

struct redis_delete_hooks {
	/* After each batch: keys deleted so far. May be NULL. */
	void (*progress)(void *arg, size_t deleted);
	/* Checked between batches; true stops the delete. May be NULL. */
	bool (*cancelled)(void *arg);
	void *arg;
};

/* Deletes every key of the connection's database whose name matches the
 * glob pattern (as SCAN MATCH reads it): SCAN cursor MATCH pattern COUNT
 * batch, and UNLINK (DEL on servers without it) of each batch found, the
 * next SCAN sent with the UNLINK. Never KEYS. *deleted counts the keys the
 * server removed. Returns 0 when done, 1 when cancelled, -1 with err (the
 * keys deleted before the failure stay in *deleted). */
int redis_delete_pattern(struct redis_conn *c, const char *pattern,
			 size_t batch, const struct redis_delete_hooks *hooks,
			 size_t *deleted, struct err *err);

struct redis_match_count {
	size_t count;           /* keys seen (a key moved by a rehash during
				 * the scan may count twice) */
	bool complete;          /* false: stopped at the time budget, and
				 * count is a lower bound */
	char examples[REDIS_EXAMPLES_MAX][REDIS_KEY_SHOWN + 8];  /* raw */
	size_t n_examples;
};

/* Counts the keys matching pattern with SCAN for at most budget_ms and
 * keeps the first few as examples. Returns 0, or -1 with err. */
int redis_count_pattern(struct redis_conn *c, const char *pattern,
			int budget_ms, struct redis_match_count *out,
			struct err *err);

/* The delete's progress line into buf (size n): "deleted 40000 of 120000
 * keys matching cache:* (33%)", "of at least" when the count stopped at
 * its budget, and no total when none was counted or more keys than
 * counted are gone. pattern is already fit to show. counted may be
 * NULL. */
void redis_delete_progress(char *buf, size_t n, size_t deleted,
			   const struct redis_match_count *counted,
			   const char *pattern);

/* Copies text into dst (size n) for a model: at most max bytes, cut at a
 * UTF-8 character boundary, NUL bytes written as the four characters
 * "\x00", "..." appended when cut. Returns dst. */
char *redis_clip(char *dst, size_t n, const char *text, size_t len,
		 size_t max);

#endif
