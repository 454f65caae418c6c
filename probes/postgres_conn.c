/* The PostgreSQL probe's connections: libpq's async API under one
 * deadline, and messages fit for a person. Connections are used by one
 * thread at a time (the probe's, or the action worker's).
 *
 * Every wait is poll() on the connection's socket in slices of at most
 * 100 ms, so a stop request or the deadline ends it: a server that accepts
 * the connection and never answers holds nothing. On a timeout the
 * connection is simply closed: PQcancel() would open a second connection
 * with no bound of its own, and the session's statement_timeout (set to
 * the same deadline) ends the query on the server anyway. */
#include "probes/postgres.h"

#if HAVE_LIBPQ

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/xalloc.h"

/* Longest slice of one wait, so stop requests are seen quickly. */
#define PGC_SLICE_MS 100

int64_t
pgc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
pgc_fmt_timeout(int ms, char *buf, size_t n)
{
	if (ms % 1000 == 0) {
		snprintf(buf, n, "%ds", ms / 1000);
	} else if (ms > 1000 && ms % 100 == 0) {
		snprintf(buf, n, "%d.%ds", ms / 1000, ms % 1000 / 100);
	} else {
		snprintf(buf, n, "%dms", ms);
	}
}

/* ---- messages ------------------------------------------------------- */

/* Blanks every occurrence of secret in s (same length, so nothing moves). */
static void
blank_secret(char *s, const char *secret)
{
	size_t len;
	char *p;

	if (secret == NULL || (len = strlen(secret)) < 3) {
		return;
	}
	while ((p = strstr(s, secret)) != NULL) {
		memset(p, '*', len);
	}
}

/* Blanks the value of every "password=" in s. */
static void
blank_password_kv(char *s)
{
	char *p = s;

	while ((p = strstr(p, "password=")) != NULL) {
		p += strlen("password=");
		if (*p == '\'') {
			p++;
			while (*p != '\0' && *p != '\'') {
				*p++ = '*';
			}
		} else {
			while (*p != '\0' && !isspace((unsigned char)*p) &&
			       *p != '&') {
				*p++ = '*';
			}
		}
	}
}

void
pgc_clean_message(const char *msg, const char *secret, const char *where,
		  char *out, size_t n)
{
	char line[ERR_MSG_MAX * 2];
	const char *p = msg != NULL ? msg : "";
	const char *f;
	size_t len;

	while (*p == ' ' || *p == '\n' || *p == '\t') {
		p++;
	}
	/* "connection to server at "h" (1.2.3.4), port 5432 failed: X" and
	 * "connection to server on socket "/s" failed: X": the where part
	 * goes at the end, shorter. */
	if (strncmp(p, "connection to server ", 21) == 0 &&
	    (f = strstr(p, " failed: ")) != NULL) {
		p = f + strlen(" failed: ");
	}
	len = strcspn(p, "\n");
	if (len >= sizeof(line)) {
		len = sizeof(line) - 1;
	}
	memcpy(line, p, len);
	line[len] = '\0';
	p = line;
	if (strncmp(p, "FATAL:", 6) == 0 || strncmp(p, "ERROR:", 6) == 0) {
		p += 6;
		while (*p == ' ') {
			p++;
		}
	}
	memmove(line, p, strlen(p) + 1);
	len = strlen(line);
	while (len > 0 && isspace((unsigned char)line[len - 1])) {
		line[--len] = '\0';
	}
	/* "Connection refused" (strerror) reads better in the middle of a
	 * sentence; keep "SSL", "FATAL" and the like as they are. */
	if (isupper((unsigned char)line[0]) &&
	    islower((unsigned char)line[1])) {
		line[0] = (char)tolower((unsigned char)line[0]);
	}
	if (line[0] == '\0') {
		strlcpy_safe(line, "unknown error", sizeof(line));
	}
	blank_password_kv(line);
	blank_secret(line, secret);
	if (where != NULL && where[0] != '\0') {
		snprintf(out, n, "%s (%s)", line, where);
	} else {
		snprintf(out, n, "%s", line);
	}
}

void
pgc_result_error(const PGresult *r, const char *ctx, const char *where,
		 struct err *err)
{
	const char *m =
	    r != NULL ? libpq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
		      : NULL;
	char clean[ERR_MSG_MAX];

	if (m == NULL && r != NULL) {
		m = libpq.PQresultErrorMessage(r);
	}
	pgc_clean_message(m != NULL && m[0] ? m : "query failed", NULL, where,
			  clean, sizeof(clean));
	if (ctx != NULL) {
		err_set(err, "%s: %s", ctx, clean);
	} else {
		err_set(err, "%s", clean);
	}
}

int
pgc_conn_error(PGconn *c, const char *where, struct err *err)
{
	char clean[ERR_MSG_MAX];

	pgc_clean_message(libpq.PQerrorMessage(c), NULL, where, clean,
			  sizeof(clean));
	return err_set(err, "%s", clean);
}

/* ---- connecting ----------------------------------------------------- */

static void
conn_where(PGconn *c, char *where, size_t wn)
{
	const char *h = libpq.PQhost(c);
	const char *port = libpq.PQport(c);

	if (h == NULL || h[0] == '\0') {
		h = "localhost";
	}
	if (port == NULL || port[0] == '\0') {
		port = "5432";
	}
	if (h[0] == '/' || h[0] == '@') {
		snprintf(where, wn, "%s/.s.PGSQL.%s", h, port);
	} else if (strchr(h, ':') != NULL) {
		snprintf(where, wn, "[%s]:%s", h, port);
	} else {
		snprintf(where, wn, "%s:%s", h, port);
	}
}

/* The password in sec's dsn, for blanking it out of messages; the caller
 * frees (and clears) it. NULL when there is none. */
static char *
dsn_password(const char *dsn)
{
	PQconninfoOption *opts = libpq.PQconninfoParse(dsn, NULL);
	PQconninfoOption *o;
	char *pw = NULL;

	if (opts == NULL) {
		return NULL;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    o->val[0] != '\0') {
			pw = xstrdup(o->val);
		}
	}
	libpq.PQconninfoFree(opts);
	return pw;
}

static void
free_secret(char *s)
{
	if (s != NULL) {
		volatile char *v = s;

		while (*v != '\0') {
			*v++ = '\0';
		}
		free(s);
	}
}

/* The first line of password_file; NULL with err when it cannot be read.
 * The path is a configured value: it is not repeated in the message. */
static char *
read_password_file(const char *path, struct err *err)
{
	char buf[1024];
	FILE *f = fopen(path, "r");
	size_t len;
	char *pw;

	if (f == NULL) {
		err_set(err, "cannot read password_file: %s", strerror(errno));
		return NULL;
	}
	if (fgets(buf, sizeof(buf), f) == NULL) {
		buf[0] = '\0';
	}
	fclose(f);
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	pw = xstrdup(buf);
	memset(buf, 0, sizeof(buf));
	return pw;
}

/* Waits until c's socket is ready for events. 1 ready, 0 deadline passed,
 * -1 stopped or poll() failed (err set). */
static int
wait_socket(PGconn *c, short events, int64_t deadline_ms,
	    const struct pgc_stop *stop, struct err *err)
{
	for (;;) {
		int64_t left = deadline_ms - pgc_now_ms();
		struct pollfd pfd;
		int rc;

		if (stop != NULL && stop->fn != NULL && stop->fn(stop->ctx)) {
			return err_set(err, "stopped");
		}
		if (left <= 0) {
			return 0;
		}
		pfd.fd = libpq.PQsocket(c);
		pfd.events = events;
		pfd.revents = 0;
		if (pfd.fd < 0) {
			return err_set(err, "connection lost");
		}
		rc = poll(&pfd, 1, left > PGC_SLICE_MS ? PGC_SLICE_MS :
			  (int)left);
		if (rc > 0) {
			return 1;
		}
		if (rc < 0 && errno != EINTR) {
			return err_set(err, "poll: %s", strerror(errno));
		}
	}
}

static int
timed_out(int timeout_ms, const char *where, struct err *err)
{
	char t[32];

	pgc_fmt_timeout(timeout_ms, t, sizeof(t));
	return err_set(err, "timed out after %s waiting for %s", t, where);
}

static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* c's error as one line with where, and without either secret. */
static void
conn_failed(PGconn *c, const char *dsnpw, const char *filepw,
	    const char *where, struct err *err)
{
	char clean[ERR_MSG_MAX];

	pgc_clean_message(libpq.PQerrorMessage(c), dsnpw, where, clean,
			  sizeof(clean));
	blank_secret(clean, filepw);
	err_set(err, "%s", clean);
}

/* Host names are resolved inside PQconnectPoll(), which blocks for as
 * long as the resolver takes; hostaddr= in the dsn avoids it. */
PGconn *
pgc_connect(const struct config_section *sec, int timeout_ms,
	    int64_t deadline_ms, const struct pgc_stop *stop, char *where,
	    size_t wn, struct err *err)
{
	const char *keys[16], *vals[16];
	char ct[16], tut[16];
	const char *dsn = config_get(sec, "dsn");
	const char *pwfile = config_get(sec, "password_file");
	char *filepw = NULL, *dsnpw;
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	PGconn *c;
	int k = 0, rc;

	if (!libpq_load(err)) {
		return NULL;
	}
	if (where != NULL && wn > 0) {
		where[0] = '\0';
	}
	if (dsn == NULL || dsn[0] == '\0') {
		err_set(err, "no dsn in [%s]", sec->name);
		return NULL;
	}
	if (pwfile != NULL && (filepw = read_password_file(pwfile, err)) ==
	    NULL) {
		return NULL;
	}
	/* libpq enforces connect_timeout only in its blocking calls; it is
	 * passed for completeness (at least 2 s, libpq's own minimum). */
	snprintf(ct, sizeof(ct), "%d", timeout_ms / 1000 < 2 ? 2 :
		 (timeout_ms + 999) / 1000);
	snprintf(tut, sizeof(tut), "%d", timeout_ms);

	/* Unless the dsn or PGAPPNAME says otherwise. */
	keys[k] = "fallback_application_name", vals[k++] = "warroom";
	keys[k] = "dbname", vals[k++] = dsn;
	keys[k] = "connect_timeout", vals[k++] = ct;
	keys[k] = "keepalives", vals[k++] = "1";
	keys[k] = "keepalives_idle", vals[k++] = "10";
	keys[k] = "keepalives_interval", vals[k++] = "5";
	keys[k] = "keepalives_count", vals[k++] = "3";
	keys[k] = "tcp_user_timeout", vals[k++] = tut;
	if (filepw != NULL) {
		keys[k] = "password", vals[k++] = filepw;
	}
	keys[k] = NULL, vals[k] = NULL;

	c = libpq.PQconnectStartParams(keys, vals, 1);
	dsnpw = dsn_password(dsn);
	if (c == NULL) {
		err_set(err, "out of memory");
		goto out;
	}
	/* libpq prints notices to stderr, which is the operator's screen. */
	libpq.PQsetNoticeProcessor(c, ignore_notice, NULL);
	if (where != NULL) {
		conn_where(c, where, wn);
	}
	if (libpq.PQstatus(c) == CONNECTION_BAD) {
		conn_failed(c, dsnpw, filepw, where, err);
		goto fail;
	}
	for (;;) {
		short ev;

		if (st == PGRES_POLLING_OK) {
			break;
		}
		if (st == PGRES_POLLING_FAILED) {
			conn_failed(c, dsnpw, filepw, where, err);
			goto fail;
		}
		ev = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		rc = wait_socket(c, ev, deadline_ms, stop, err);
		if (rc < 0) {
			goto fail;
		}
		if (rc == 0) {
			if (where != NULL) {
				conn_where(c, where, wn);
			}
			timed_out(timeout_ms,
				  where != NULL ? where : "the server", err);
			goto fail;
		}
		st = libpq.PQconnectPoll(c);
		/* With several hosts libpq moves on to the next one. */
		if (where != NULL) {
			conn_where(c, where, wn);
		}
	}
	if (libpq.PQsetnonblocking(c, 1) == 0) {
		goto out;
	}
	conn_failed(c, dsnpw, filepw, where, err);
fail:
	libpq.PQfinish(c);
	c = NULL;
out:
	free_secret(filepw);
	free_secret(dsnpw);
	return c;
}

/* The first of a comma-separated list, into buf. */
static void
first_of(const char *list, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s", (int)strcspn(list, ","), list);
}

int
pgc_reachable(const struct config_section *sec, const struct probe *p,
	      int timeout_ms)
{
	const char *dsn = config_get(sec, "dsn");
	char host[256] = "", addr[256] = "", port[32] = "", path[300];
	PQconninfoOption *opts, *o;
	const char *env;

	if (dsn == NULL || !libpq_load(NULL) ||
	    (opts = libpq.PQconninfoParse(dsn, NULL)) == NULL) {
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || o->val[0] == '\0') {
			continue;
		}
		if (strcmp(o->keyword, "host") == 0) {
			first_of(o->val, host, sizeof(host));
		} else if (strcmp(o->keyword, "hostaddr") == 0) {
			first_of(o->val, addr, sizeof(addr));
		} else if (strcmp(o->keyword, "port") == 0) {
			first_of(o->val, port, sizeof(port));
		}
	}
	libpq.PQconninfoFree(opts);
	/* What libpq would take: the environment, then its defaults. */
	if (host[0] == '\0' && (env = getenv("PGHOST")) != NULL) {
		first_of(env, host, sizeof(host));
	}
	if (port[0] == '\0') {
		first_of((env = getenv("PGPORT")) != NULL ? env : "5432", port,
			 sizeof(port));
	}
	if (addr[0] != '\0') {
		return probe_reach_tcp(p, addr, port, timeout_ms);
	}
	if (host[0] == '\0' || host[0] == '/') {
		snprintf(path, sizeof(path), "%s/.s.PGSQL.%s",
			 host[0] != '\0' ? host : "/var/run/postgresql",
			 port);
		return probe_reach_unix(p, path, timeout_ms);
	}
	return probe_reach_tcp(p, host, port, timeout_ms);
}

/* ---- queries -------------------------------------------------------- */

/* Sends what PQsendQuery left in libpq's buffer (non-blocking mode). */
static int
flush_out(PGconn *c, int64_t deadline_ms, int timeout_ms,
	  const struct pgc_stop *stop, const char *where, struct err *err)
{
	for (;;) {
		int f = libpq.PQflush(c);
		int rc;

		if (f == 0) {
			return 0;
		}
		if (f < 0) {
			return pgc_conn_error(c, where, err);
		}
		rc = wait_socket(c, POLLOUT | POLLIN, deadline_ms, stop, err);
		if (rc < 0) {
			return -1;
		}
		if (rc == 0) {
			return timed_out(timeout_ms, where, err);
		}
		if (libpq.PQconsumeInput(c) == 0) {
			return pgc_conn_error(c, where, err);
		}
	}
}

int
pgc_collect(PGconn *c, int64_t deadline_ms, int timeout_ms,
	    const struct pgc_stop *stop, const char *where, PGresult **res,
	    int max, struct err *err)
{
	int n = 0, i;

	if (flush_out(c, deadline_ms, timeout_ms, stop, where, err) < 0) {
		return -1;
	}
	for (;;) {
		PGresult *r;

		while (libpq.PQisBusy(c)) {
			int rc = wait_socket(c, POLLIN, deadline_ms, stop, err);

			if (rc < 0) {
				goto fail;
			}
			if (rc == 0) {
				timed_out(timeout_ms, where, err);
				goto fail;
			}
			if (libpq.PQconsumeInput(c) == 0) {
				pgc_conn_error(c, where, err);
				goto fail;
			}
		}
		r = libpq.PQgetResult(c);
		if (r == NULL) {
			break;
		}
		if (n < max) {
			res[n++] = r;
		} else {
			libpq.PQclear(r);
		}
	}
	/* A broken connection shows up as a fatal result with no SQLSTATE
	 * and a bad status: report it as such, not as a query error. */
	if (libpq.PQstatus(c) == CONNECTION_BAD) {
		pgc_conn_error(c, where, err);
		goto fail;
	}
	return n;
fail:
	for (i = 0; i < n; i++) {
		libpq.PQclear(res[i]);
		res[i] = NULL;
	}
	return -1;
}

PGresult *
pgc_exec(PGconn *c, const char *sql, int n_params,
	 const char *const *params, int64_t deadline_ms, int timeout_ms,
	 const struct pgc_stop *stop, const char *where, struct err *err)
{
	PGresult *res[1] = { NULL };
	int n;

	if (!libpq.PQsendQueryParams(c, sql, n_params, NULL, params, NULL, NULL,
				     0)) {
		pgc_conn_error(c, where, err);
		return NULL;
	}
	n = pgc_collect(c, deadline_ms, timeout_ms, stop, where, res, 1,
			err);
	if (n < 0) {
		return NULL;
	}
	if (n == 0) {
		err_set(err, "no result (%s)", where);
		return NULL;
	}
	if (libpq.PQresultStatus(res[0]) != PGRES_TUPLES_OK &&
	    libpq.PQresultStatus(res[0]) != PGRES_COMMAND_OK) {
		pgc_result_error(res[0], NULL, where, err);
		libpq.PQclear(res[0]);
		return NULL;
	}
	return res[0];
}

/* ---- targets and arrays --------------------------------------------- */

size_t
pgc_parse_pids(const char *s, int *out, size_t max)
{
	size_t n = 0;

	if (s == NULL || *s != '{') {
		return 0;
	}
	s++;
	while (*s != '\0' && *s != '}' && n < max) {
		char *end;
		long v = strtol(s, &end, 10);

		if (end == s) {
			break;
		}
		if (v > 0 && v <= 0x7fffffff) {
			out[n++] = (int)v;
		}
		s = end;
		if (*s == ',') {
			s++;
		}
	}
	return n;
}

#endif /* HAVE_LIBPQ */
