/* The PostgreSQL probe: one libpq connection per source polled with one
 * round trip (sessions, locks, replication, statistics), and the session
 * actions (cancel, terminate, terminate idle-in-transaction). Without
 * libpq (HAVE_LIBPQ 0) postgres_probe_ops only says so.
 *
 * postgres.c          the probe: session setup, the poll, the ops
 * postgres_conn.c     connections under a deadline, messages
 * postgres_query.c    the poll's SQL and the results -> struct pg_model
 * postgres_actions.c  the action table
 * postgres_reserve.c  the session kept for actions
 *
 * The pg_probe_* calls are the probe: the ops on its thread, tests and the
 * benchmark without a runner; one thread at a time per struct pg_probe. */
#ifndef WARROOM_POSTGRES_H
#define WARROOM_POSTGRES_H

#include "build-config.h"
#include "probes/probe.h"

/* Built without libpq, its unavailable says "PostgreSQL support not built
 * in". */
extern const struct probe_ops postgres_probe_ops;

#if HAVE_LIBPQ

#include "probes/libpq_api.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What this backend does of the database kind's actions (C cancel,
 * T terminate, I terminate idle-in-transaction), ended by an entry whose
 * spec is NULL. */
extern const struct action_impl postgres_actions[];

/* ---- the probe without a runner ------------------------------------ */

struct pg_probe;

/* These three are also the probe's ops (open, poll, close), hence their
 * void pointers: each stands for a struct pg_probe. */
/* Reads sec (dsn, long_query, password_file); connects on the first poll.
 * The section's timeout bounds each poll, connecting included. owner (may
 * be NULL) is asked probe_stopping() while waiting. Returns a struct
 * pg_probe, or NULL with err on a bad section. The caller frees it with
 * pg_probe_free(). */
void *pg_probe_new(const struct config_section *sec, struct probe *owner,
		   struct err *err);
/* One poll: connects when needed and fills snap->data with a struct
 * pg_model allocated in snap. Returns 0, or -1 with err (the connection is
 * then dropped and the next poll reconnects). */
int pg_probe_poll(void *pg_probe, struct snapshot *snap, struct err *err);
void pg_probe_free(void *pg_probe);
/* The probe session's backend pid, 0 when not connected. */
int pg_probe_backend_pid(const struct pg_probe *pp);
/* The statements of the last poll, in order (one result set each); valid
 * until the next poll. Returns how many. For the benchmark. */
size_t pg_probe_statements(const struct pg_probe *pp, const char **out,
			   size_t max);

/* ---- shared by the postgres_*.c files ------------------------------ */

/* Asked while waiting; true makes the wait give up. */
struct pgc_stop {
	bool (*fn)(const void *ctx);
	const void *ctx;
};

/* Wall-clock independent monotonic ms (never the test clock). */
int64_t pgc_now_ms(void);

/* Connects to sec's server with libpq's async API, giving up at
 * deadline_ms (pgc_now_ms() time). where (size wn) receives "host:port"
 * for messages. Returns a non-blocking connection, or NULL with err. */
PGconn *pgc_connect(const struct config_section *sec, int timeout_ms,
		    int64_t deadline_ms, const struct pgc_stop *stop,
		    char *where, size_t wn, struct err *err);

/* Whether the server of sec's dsn (its first host, as libpq would pick
 * it from the dsn and the environment) accepts a connection now: the
 * probe's reachable() (see probes/probe.h). */
int pgc_reachable(const struct config_section *sec, const struct probe *p,
		  int timeout_ms);

/* Waits for every result of what was just sent with PQsendQuery* and
 * stores up to max of them in res[] (the caller PQclear()s them; later
 * ones are dropped). Returns how many were stored, or -1 with err on a
 * timeout, a stop or a broken connection (then nothing is stored). */
int pgc_collect(PGconn *c, int64_t deadline_ms, int timeout_ms,
		const struct pgc_stop *stop, const char *where,
		PGresult **res, int max, struct err *err);

/* Sends sql with text parameters and collects its one result (the caller
 * PQclear()s it). Returns NULL with err on any failure, including an
 * error result, reported as "MESSAGE (where)". */
PGresult *pgc_exec(PGconn *c, const char *sql, int n_params,
		   const char *const *params, int64_t deadline_ms,
		   int timeout_ms, const struct pgc_stop *stop,
		   const char *where, struct err *err);

/* The connection's own error (PQerrorMessage) as one line with where;
 * returns -1. */
int pgc_conn_error(PGconn *c, const char *where, struct err *err);

/* A result's error as one line: the primary message, prefixed with
 * what failed when ctx is not NULL. */
void pgc_result_error(const PGresult *r, const char *ctx,
		      const char *where, struct err *err);

/* Makes a libpq message fit for a person: first line, libpq's
 * "connection to server at ... failed:" and "FATAL:" prefixes removed,
 * the first letter lowered when it is a plain word, any "password=..."
 * and the known secret (may be NULL) blanked, " (where)" appended when
 * where is not empty. */
void pgc_clean_message(const char *msg, const char *secret,
		       const char *where, char *out, size_t n);

/* "5s", "1.5s", "250ms". */
void pgc_fmt_timeout(int ms, char *buf, size_t n);

/* The SQL of a backend's start in microseconds since the epoch: with its
 * pid it names one session. The poll and the actions must agree. */
#define PG_START_US_SQL(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

/* The SQL of the seconds since the timestamp col, NULL when it is NULL
 * (GREATEST skips NULLs: greatest(0, NULL) is 0, which would read as "just
 * now" where the time is unknown). */
#define PG_SINCE_SQL(col) \
	"CASE WHEN " col " IS NOT NULL THEN greatest(0, extract(epoch FROM " \
	"now() - " col ")) END"

/* Parses a PostgreSQL int[] text ("{1,2}") into at most max pids;
 * returns how many. */
size_t pgc_parse_pids(const char *s, int *out, size_t max);

/* ---- the session kept for actions (postgres_reserve.c) ---- */

struct pg_reserve;

/* A reserve for sec's source, with no session open yet: the probe's, from
 * open to close (pg_reserve_put()). Probe thread. */
struct pg_reserve *pg_reserve_new(const struct config_section *sec);
void pg_reserve_put(struct pg_reserve *r);
/* Probe thread, after a poll that worked: opens the session when none is
 * open (while that fails, at most every 30 s), and closes it when the
 * server has; never waits for an action using it. */
void pg_reserve_keep(struct pg_reserve *r, int timeout_ms,
		     const struct pgc_stop *stop);
/* The session's backend pid, 0 when none is open. Any thread. */
int pg_reserve_pid(struct pg_reserve *r);
/* Action worker: the kept session of sec's source, the caller's alone
 * until pg_reserve_return(*out); where (size wn) receives its "host:port".
 * NULL with why (size n) when there is none to lend ("sorry, too many
 * clients already (...)": why it could not be opened). */
PGconn *pg_reserve_borrow(const struct config_section *sec,
			  struct pg_reserve **out, char *where, size_t wn,
			  char *why, size_t n);
/* Gives the session back; one left unusable (a query still in flight
 * after a timeout) is closed, and the probe opens another. */
void pg_reserve_return(struct pg_reserve *r);

/* The poll's SQL for this connection's capabilities. */
struct pg_caps {
	int server_num;         /* PQserverVersion(): 150006 */
	unsigned dboid;         /* current database */
	bool stmts;             /* pg_stat_statements is worth querying */
	bool stmts_exec_cols;   /* total_exec_time (1.8+), else total_time */
	char stmts_schema[128]; /* quoted schema of the extension */
};

/* The statements of one poll, in the order of their result sets; the
 * last only when caps->stmts. */
enum {
	PGQ_STATS,              /* $1 bool: measure pg_database_size() */
	PGQ_SESSIONS,
	PGQ_REPLICAS,
	PGQ_STATEMENTS,
	PGQ_MAX,
};
/* Their prepared statement names. */
extern const char *const pgq_names[PGQ_MAX];
/* Writes the statements into bufs (the caller frees them); returns how
 * many. Every one carries the comment PGQ_MARK, so that the probe's own
 * queries stay out of the top statements. */
size_t pgq_build(const struct pg_caps *caps, char *bufs[PGQ_MAX]);
#define PGQ_MARK "/* warroom probe */"

/* Everything a poll carries over to the next one (rates, size). */
struct pgq_carry {
	bool have_prev;
	double prev_commit;
	double prev_rollback;
	int64_t prev_ms;
	double db_size;         /* NAN until measured */
	char role[64];
	bool stmts_unloaded;    /* the view said "must be loaded ..." */
	char stmts_error[160];  /* another error from it, or "" */
};

/* Turns the poll's results into a struct pg_model in snap. res[i] may be
 * NULL past n. Returns the model, or NULL with err when a result is not
 * what the query returns. */
struct pg_model *pgq_model(struct snapshot *snap, PGresult *const *res,
			   size_t n, const struct pg_caps *caps,
			   struct pgq_carry *carry, const char *version,
			   double long_query_s, struct err *err);

#endif /* HAVE_LIBPQ */

#endif
