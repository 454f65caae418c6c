/* The session PostgreSQL actions run on: one more connection per source,
 * opened by the probe beside its own and kept, so that terminating a
 * session still works when the server refuses new connections (a
 * connection-exhaustion incident is when it is needed most). The probe
 * thread opens and checks it; the action worker borrows it.
 *
 * DESIGN
 * ------
 * A libpq connection is used by one thread at a time. Each reserve has a
 * mutex over its connection and a busy flag: the action worker borrows
 * the connection (busy set under the mutex) and runs on it with no lock
 * held; the probe thread, after each poll, looks at it only when it is
 * not busy, so a poll never waits for an action. Opening a new session
 * happens on the probe thread, outside the mutex; while none is open an
 * action falls back to a connection of its own, as before.
 *
 * Reserves are found by the configuration section of their source (the
 * request carries it) in a process-wide list. Each is counted: the probe
 * holds one reference from open to close, a borrower another, so an
 * action that outlives its probe still returns to live memory. */
#include "probes/postgres.h"

#if HAVE_LIBPQ

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* While the session cannot be opened (the server is full, or down), the
 * probe tries again this often, not every poll. */
#define RESERVE_RETRY_MS 30000

struct pg_reserve {
	const struct config_section *sec;
	pthread_mutex_t lock;   /* guards conn, pid, busy, why, where,
				 * next_try_ms */
	PGconn *conn;
	int pid;
	bool busy;              /* an action has conn */
	char where[160];
	char why[ERR_MSG_MAX];  /* why none is open, "" */
	int64_t next_try_ms;    /* when to try opening it again */

	/* Guarded by list_lock. */
	int refs;
	bool closed;            /* its probe is gone */
	struct pg_reserve *next;
};

static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pg_reserve *list;

struct pg_reserve *
pg_reserve_new(const struct config_section *sec)
{
	struct pg_reserve *r = xcalloc(1, sizeof(*r));

	r->sec = sec;
	r->refs = 1;
	pthread_mutex_init(&r->lock, NULL);
	snprintf(r->why, sizeof(r->why), "not opened yet");
	pthread_mutex_lock(&list_lock);
	r->next = list;
	list = r;
	pthread_mutex_unlock(&list_lock);
	return r;
}

/* Drops one reference; the last one frees r. */
static void
reserve_unref(struct pg_reserve *r)
{
	struct pg_reserve **pp;
	bool last;

	pthread_mutex_lock(&list_lock);
	last = --r->refs == 0;
	if (last) {
		for (pp = &list; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == r) {
				*pp = r->next;
				break;
			}
		}
	}
	pthread_mutex_unlock(&list_lock);
	if (!last) {
		return;
	}
	if (r->conn != NULL) {
		libpq.PQfinish(r->conn);
	}
	pthread_mutex_destroy(&r->lock);
	free(r);
}

void
pg_reserve_put(struct pg_reserve *r)
{
	if (r == NULL) {
		return;
	}
	pthread_mutex_lock(&list_lock);
	r->closed = true;
	pthread_mutex_unlock(&list_lock);
	reserve_unref(r);
}

/* Whether c can take a query now: open, and no answer or error pending
 * (the server closing an idle session sends its reason first). */
static bool
usable(PGconn *c)
{
	return libpq.PQconsumeInput(c) != 0 &&
	       libpq.PQstatus(c) == CONNECTION_OK &&
	       libpq.PQtransactionStatus(c) == PQTRANS_IDLE &&
	       !libpq.PQisBusy(c);
}

/* Closes r's connection, remembering why; r->lock held. */
static void
drop_locked(struct pg_reserve *r, const char *why)
{
	libpq.PQfinish(r->conn);
	r->conn = NULL;
	r->pid = 0;
	snprintf(r->why, sizeof(r->why), "%s", why);
}

/* Session settings, as the probe's own but writable: an action's lookup
 * must not queue behind the locks it is there to clear, nor outlive the
 * action's timeout; an idle timeout must not close the kept session. */
static int
setup(PGconn *c, int timeout_ms, int64_t deadline_ms,
      const struct pgc_stop *stop, const char *where, int *pid,
      struct err *err)
{
	PGresult *res[8] = { NULL };
	char sql[256];
	int lock_ms = timeout_ms < 1000 ? timeout_ms : 1000;
	int n, i, rc = 0;

	snprintf(sql, sizeof(sql), "SET statement_timeout = %d; "
		 "SET lock_timeout = %d; "
		 "SET idle_in_transaction_session_timeout = 0; %s"
		 "SELECT pg_backend_pid()", timeout_ms, lock_ms,
		 libpq.PQserverVersion(c) >= 140000 ?
		 "SET idle_session_timeout = 0; " : "");
	if (!libpq.PQsendQuery(c, sql)) {
		return pgc_conn_error(c, where, err);
	}
	n = pgc_collect(c, deadline_ms, timeout_ms, stop, where, res, 8, err);
	if (n < 0) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		ExecStatusType st = libpq.PQresultStatus(res[i]);

		if (rc == 0 && st != PGRES_COMMAND_OK &&
		    st != PGRES_TUPLES_OK) {
			pgc_result_error(res[i], "session setup failed", where,
					 err);
			rc = -1;
		}
	}
	if (rc == 0 && (n == 0 || libpq.PQntuples(res[n - 1]) != 1)) {
		rc = err_set(err, "session setup: unexpected answer (%s)",
			     where);
	}
	if (rc == 0) {
		*pid = atoi(libpq.PQgetvalue(res[n - 1], 0, 0));
	}
	for (i = 0; i < n; i++) {
		libpq.PQclear(res[i]);
	}
	return rc;
}

void
pg_reserve_keep(struct pg_reserve *r, int timeout_ms,
		const struct pgc_stop *stop)
{
	char where[sizeof(r->where)];
	int64_t now = pgc_now_ms();
	struct err err;
	PGconn *c;
	bool due;
	int pid = 0;

	pthread_mutex_lock(&r->lock);
	if (r->busy) {
		pthread_mutex_unlock(&r->lock);
		return;
	}
	if (r->conn != NULL && !usable(r->conn)) {
		char why[ERR_MSG_MAX];

		pgc_clean_message(libpq.PQerrorMessage(r->conn), NULL,
				  r->where, why, sizeof(why));
		drop_locked(r, why);
		/* Lost, not refused: open it again at once. */
		r->next_try_ms = 0;
	}
	due = r->conn == NULL && now >= r->next_try_ms;
	if (due) {
		r->next_try_ms = now + RESERVE_RETRY_MS;
	}
	pthread_mutex_unlock(&r->lock);
	if (!due) {
		return;
	}

	err_clear(&err);
	c = pgc_connect(r->sec, timeout_ms, now + timeout_ms, stop, where,
			sizeof(where), &err);
	if (c != NULL && setup(c, timeout_ms, now + timeout_ms, stop, where,
			       &pid, &err) < 0) {
		libpq.PQfinish(c);
		c = NULL;
	}
	pthread_mutex_lock(&r->lock);
	if (c != NULL) {
		r->conn = c;
		r->pid = pid;
		r->why[0] = '\0';
		memcpy(r->where, where, sizeof(r->where));
	} else {
		snprintf(r->why, sizeof(r->why), "%s", err.msg);
	}
	pthread_mutex_unlock(&r->lock);
}

int
pg_reserve_pid(struct pg_reserve *r)
{
	int pid;

	pthread_mutex_lock(&r->lock);
	pid = r->pid;
	pthread_mutex_unlock(&r->lock);
	return pid;
}

PGconn *
pg_reserve_borrow(const struct config_section *sec, struct pg_reserve **out,
		  char *where, size_t wn, char *why, size_t n)
{
	struct pg_reserve *r;
	PGconn *c = NULL;

	*out = NULL;
	pthread_mutex_lock(&list_lock);
	for (r = list; r != NULL; r = r->next) {
		if (r->sec == sec && !r->closed) {
			r->refs++;
			break;
		}
	}
	pthread_mutex_unlock(&list_lock);
	if (r == NULL) {
		snprintf(why, n, "no probe keeps a session for actions");
		return NULL;
	}
	pthread_mutex_lock(&r->lock);
	if (r->busy) {
		snprintf(why, n, "another action is using it");
	} else if (r->conn != NULL && !usable(r->conn)) {
		char lost[ERR_MSG_MAX];

		pgc_clean_message(libpq.PQerrorMessage(r->conn), NULL,
				  r->where, lost, sizeof(lost));
		drop_locked(r, lost);
		snprintf(why, n, "it was lost: %s", lost);
	} else if (r->conn == NULL) {
		snprintf(why, n, "%s", r->why);
	} else {
		c = r->conn;
		r->busy = true;
		snprintf(where, wn, "%s", r->where);
	}
	pthread_mutex_unlock(&r->lock);
	if (c == NULL) {
		reserve_unref(r);
		return NULL;
	}
	*out = r;
	return c;
}

void
pg_reserve_return(struct pg_reserve *r)
{
	if (r == NULL) {
		return;
	}
	pthread_mutex_lock(&r->lock);
	r->busy = false;
	/* An action that timed out leaves a query in flight: the session
	 * cannot be reused, and the probe opens another. */
	if (r->conn != NULL && !usable(r->conn)) {
		drop_locked(r, "lost during an action");
		r->next_try_ms = 0;
	}
	pthread_mutex_unlock(&r->lock);
	reserve_unref(r);
}

#endif /* HAVE_LIBPQ */
