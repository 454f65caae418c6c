/* A throwaway redis-server for tests and benchmarks: a free loopback port,
 * a unix socket, no persistence, killed with the test (harness_spawn).
 * Test main thread. */
#ifndef WARROOM_REDIS_SERVER_H
#define WARROOM_REDIS_SERVER_H

#include "build-config.h"

#if HAVE_HIREDIS

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <sys/types.h>

struct redis_server {
	pid_t pid;
	int port;
	char *dir;              /* holds the log and the socket */
	char sock[128];         /* unix socket path */
	char log[160];
	char url[160];          /* "redis://127.0.0.1:PORT" */
	const char *extra[16];  /* more arguments, NULL-terminated */
};

/* Starts a server with the arguments in rs->extra (set by the caller, may
 * be empty); picks a port, retrying when another process took it first.
 * Returns 0, or -1 after printing why to stderr. */
int redis_server_start(struct redis_server *rs);
/* Starts it again on the same port and socket (after redis_server_kill). */
int redis_server_restart(struct redis_server *rs);
/* SIGKILL: the connections break at once, as in a crash. */
void redis_server_kill(struct redis_server *rs);
/* Stops the server and removes its directory. */
void redis_server_stop(struct redis_server *rs);

/* A plain hiredis client of the server (AUTH with password when not
 * NULL); NULL on failure. The caller redisFree()s it. */
redisContext *redis_server_client(const struct redis_server *rs,
				  const char *password);

/* Runs a command and returns its reply, or NULL (and prints why). */
redisReply *redis_server_cmd(redisContext *c, const char *fmt, ...);

/* Writes n keys "PREFIX0" .. "PREFIX<n-1>" with value_len-byte values,
 * with MSET in batches of 1000, pipelined. Returns 0 or -1. */
int redis_server_fill(redisContext *c, const char *prefix, size_t n,
		      size_t value_len);

#endif

#endif
