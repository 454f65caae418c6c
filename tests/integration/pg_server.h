/* A real PostgreSQL 15 for tests and the benchmark: a data directory
 * copied from a template made once per test binary (initdb), a server on
 * a free loopback port with its socket in its own temporary directory,
 * run as user "postgres" when the tests run as root. Test main thread. */
#ifndef WARROOM_PG_SERVER_H
#define WARROOM_PG_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "build-config.h"

#if HAVE_LIBPQ

#include <libpq-fe.h>

#define PG_SERVER_BIN "/usr/lib/postgresql/15/bin"

struct pg_server {
	char *dir;              /* temporary directory, removed by destroy */
	char *data;             /* DIR/data */
	char *sock;             /* DIR/sock, the socket directory */
	char *log;              /* DIR/server.log */
	int port;
	pid_t pid;              /* postmaster, 0 when stopped */
	char *opts[16];         /* extra "-c" settings, NULL-terminated */
};

/* Makes the template data directory (initdb) unless WARROOM_PG_TEMPLATE
 * already names one, and sets that variable so later forks reuse it.
 * Returns 0, or -1 with a message on stderr. */
int pg_server_template(void);
/* Removes the template this process made, if it made one. */
void pg_server_template_cleanup(void);

/* Copies the template into a new directory and starts a server on a free
 * port. opts: extra settings such as "max_connections=600", ended by
 * NULL (opts may be NULL). Returns 0, or -1 (see the log). */
int pg_server_init(struct pg_server *s, const char *const *opts);
/* A streaming standby of primary (pg_basebackup -R) on its own free port,
 * reporting itself as application_name "standby1". Returns 0 or -1. */
int pg_server_init_standby(struct pg_server *s,
			   const struct pg_server *primary);
/* Starts the server again on the same port and data (after kill/stop);
 * waits until it accepts queries. */
int pg_server_start(struct pg_server *s);
/* Immediate shutdown (SIGQUIT): the server dies at once, like a crash. */
void pg_server_kill(struct pg_server *s);
/* Fast shutdown (SIGINT), then SIGKILL if it lingers. */
void pg_server_stop(struct pg_server *s);
/* Stops the server and removes its directory. */
void pg_server_destroy(struct pg_server *s);

/* "host=127.0.0.1 port=P user=U dbname=D"; the caller frees it. */
char *pg_server_dsn(const struct pg_server *s, const char *user,
		    const char *db);
/* A blocking connection for test setup; NULL after printing why. */
PGconn *pg_server_connect(const struct pg_server *s, const char *user,
			  const char *db);
/* Runs sql (several statements allowed) on c; true when it succeeded,
 * else prints the error. */
bool pg_server_exec(PGconn *c, const char *sql);

#endif /* HAVE_LIBPQ */

#endif
