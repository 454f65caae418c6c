/* What the PostgreSQL integration tests share: one real server per test
 * (pg_server.h) with a small table t, sections and probes for it, test
 * sessions that hold locks, and requests for the session actions; and the
 * template data directory, made once per test binary (its report hooks).
 * Each Criterion test runs in its own process; these run on its main
 * thread. */
#ifndef WARROOM_PG_FIXTURE_H
#define WARROOM_PG_FIXTURE_H

#include "build-config.h"

#if HAVE_LIBPQ

#include <stdbool.h>
#include <stdint.h>

#include "core/action.h"
#include "core/config.h"
#include "core/snapshot.h"
#include "probes/postgres.h"
#include "tests/integration/pg_server.h"

extern struct pg_server pgf_srv;
extern struct config pgf_cfg;    /* the sections of the test */
extern PGconn *pgf_admin;       /* a superuser session for setup */

/* Starts the server (opts as pg_server_init()) with table t (id 1..10,
 * v 0) and connects pgf_admin. */
void pgf_start(const char *const *opts);
/* Stops it and frees everything pgf_start() made. */
void pgf_stop(void);

int64_t pgf_now_ms(void);

/* A [postgres.NAME] section for dsn, polled every 200 ms; owned by
 * pgf_cfg (adding one may move the others). */
struct config_section *pgf_section(const char *name, const char *dsn,
				   int timeout_ms);
/* The same for the test server as user, database postgres. */
struct config_section *pgf_local_section(const char *name, const char *user);
struct pg_probe *pgf_probe(const struct config_section *sec);
/* One poll that must succeed, derived as publishing derives it; the
 * caller unrefs the snapshot. */
struct snapshot *pgf_poll(struct pg_probe *pp, const char *source);
const struct pg_session *pgf_find(const struct pg_model *m, int pid);

/* A session of the test (blocking libpq); asserts it connected. */
PGconn *pgf_sess(const char *user, const char *db);
void pgf_exec(PGconn *c, const char *sql);
/* Sends sql without waiting for it (it will block on a lock). */
void pgf_send(PGconn *c, const char *sql);
/* Waits until what was sent on c has finished; true when it did without
 * an error. */
bool pgf_finish(PGconn *c, int timeout_ms);
/* Waits until pid waits for a lock, as pg_locks says. */
void pgf_wait_lock_wait(int pid);

/* A request for impl on the session pid (started at start_us) of sec's
 * source, confirmed against snap (may be NULL); the caller clears it. */
void pgf_session_req(struct action_req *req, const struct action_impl *impl,
		     const struct config_section *sec, struct snapshot *snap,
		     int pid, int64_t start_us);
/* postgres_actions' impl named name. */
const struct action_impl *pgf_action(const char *name);

#endif /* HAVE_LIBPQ */

#endif
