/* One connection to a Redis server with a deadline on every exchange:
 * connect, AUTH, SELECT, then pipelines of commands whose replies are read
 * with poll() against an absolute deadline. After any I/O error, timeout
 * or protocol error the connection is dead and must be freed (hiredis
 * cannot reuse a context once c->err is set). Used by one thread at a
 * time (the probe thread, or the action worker for its own connection).
 * Only built with hiredis. */
#ifndef WARROOM_REDIS_CONN_H
#define WARROOM_REDIS_CONN_H

#include "probes/hiredis_api.h"
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "probes/redis.h"

/* The most one reply may take unless redis_conn_set_max_reply(): as for
 * HTTP replies. */
#define REDIS_REPLY_MAX_DEFAULT (8u << 20)

struct redis_conn {
	redisContext *ctx;
	char addr[REDIS_HOST_MAX + 16];
	/* Kept to scrub it from any server text put into a message. */
	char password[REDIS_PASSWORD_MAX];
	int timeout_ms;
	bool dead;
	long long id;           /* CLIENT ID, -1 unknown */
	uint64_t sent;          /* commands sent on this connection */

	/* A reply larger than max_reply is refused: counted both as bytes
	 * read for it and as the memory of the objects hiredis builds from
	 * them (a long array of tiny elements takes many times its bytes),
	 * through our own functions in the reader. */
	size_t max_reply;
	size_t reply_bytes;     /* read since the last complete reply */
	size_t reply_mem;       /* objects built since then */
	bool too_large;
	redisReplyObjectFunctions *lib_fn;      /* hiredis's own */
	redisReplyObjectFunctions fn;           /* counting, then lib_fn */
};

/* Connects to set's server, authenticates, selects the database and names
 * the connection (CLIENT SETNAME name, when name is not NULL), all before
 * deadline_ms (monotonic). Returns the connection, or NULL with err:
 * "connection refused (127.0.0.1:6379)", "timed out connecting to ...",
 * "authentication failed for ... (WRONGPASS)". The caller frees it. */
struct redis_conn *redis_conn_open(const struct redis_settings *set,
				   const char *name, int64_t deadline_ms,
				   struct err *err);
void redis_conn_free(struct redis_conn *c);

/* The largest reply to accept from now on (bytes). */
void redis_conn_set_max_reply(struct redis_conn *c, size_t max);

/* Queues a command (hiredis format string: %s, %b, %d ...). */
int redis_conn_append(struct redis_conn *c, const char *fmt, ...);
int redis_conn_append_argv(struct redis_conn *c, int argc, const char **argv,
			   const size_t *lens);
/* Sends what was queued, waiting for the socket until deadline_ms. */
int redis_conn_flush(struct redis_conn *c, int64_t deadline_ms,
		     struct err *err);
/* Reads the next reply (flushing first); the caller frees it with
 * freeReplyObject(). An error reply (-ERR ...) is a reply, not a failure.
 * On failure the connection is dead; a reply larger than the limit is a
 * failure ("reply larger than 8 MiB refused (127.0.0.1:6379)"), read no
 * further than the limit. */
int redis_conn_read(struct redis_conn *c, int64_t deadline_ms,
		    redisReply **out, struct err *err);
/* One command, one reply, deadline now + the connection's timeout. An
 * error reply becomes -1 with "what: ERR ..." in err (the connection
 * stays usable). */
redisReply *redis_conn_command(struct redis_conn *c, struct err *err,
			       const char *fmt, ...);
redisReply *redis_conn_command_argv(struct redis_conn *c, struct err *err,
				    int argc, const char **argv,
				    const size_t *lens);

/* Writes "what: " + the server's error text into err, with the password
 * scrubbed out. Returns -1. */
int redis_conn_reply_error(const struct redis_conn *c, const redisReply *r,
			   const char *what, struct err *err);

/* Monotonic ms of now + the connection's timeout. */
int64_t redis_conn_deadline(const struct redis_conn *c);

#endif
