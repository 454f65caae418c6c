/* A Redis connection with a deadline on every exchange (see redis_conn.h).
 * Whichever thread owns the connection: the probe thread, or the action
 * worker for an action's own connection. */
#include "build-config.h"
#include "probes/redis.h"

#if HAVE_HIREDIS

#include "probes/redis_conn.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

int64_t
redis_conn_deadline(const struct redis_conn *c)
{
	return clock_mono_ms() + c->timeout_ms;
}

static struct timeval
ms_to_tv(int64_t ms)
{
	struct timeval tv;

	if (ms < 1) {
		ms = 1;
	}
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000 * 1000);
	return tv;
}

/* Replaces every occurrence of the password in msg with "***". */
static void
scrub(const struct redis_conn *c, char *msg, size_t n)
{
	size_t plen = strlen(c->password);
	char *hit;

	if (plen == 0) {
		return;
	}
	while ((hit = strstr(msg, c->password)) != NULL) {
		size_t tail = strlen(hit + plen);

		if (plen >= 3) {
			memcpy(hit, "***", 3);
			memmove(hit + 3, hit + plen, tail + 1);
		} else {
			/* Shorter than its mask: widen, keeping n. */
			size_t len = strlen(msg);

			if (len + 3 - plen >= n) {
				*hit = '\0';
				break;
			}
			memmove(hit + 3, hit + plen, tail + 1);
			memcpy(hit, "***", 3);
		}
	}
}

/* hiredis's "Connection refused" as "connection refused". */
static void
lower_first(char *dst, size_t n, const char *src)
{
	strlcpy_safe(dst, src, n);
	if (dst[0] != '\0' && isupper((unsigned char)dst[0]) &&
	    !isupper((unsigned char)dst[1])) {
		dst[0] = (char)tolower((unsigned char)dst[0]);
	}
}

static bool
is_timeout_text(const char *s)
{
	return strstr(s, "timed out") != NULL ||
	       strstr(s, "temporarily unavailable") != NULL;
}

static int
too_large(struct redis_conn *c, struct err *err)
{
	char max[32];

	c->dead = true;
	c->too_large = true;
	err_size(c->max_reply, max, sizeof(max));
	return err_set(err, "reply larger than %s refused (%s)", max,
		       c->addr);
}

/* The context failed: marks the connection dead and explains why. */
static int
conn_fail(struct redis_conn *c, struct err *err)
{
	char why[sizeof(c->ctx->errstr)];

	if (c->too_large) {
		/* Our object functions refused to build more. */
		return too_large(c, err);
	}
	c->dead = true;
	lower_first(why, sizeof(why), c->ctx->errstr);
	switch (c->ctx->err) {
	case REDIS_ERR_EOF:
		err_set(err, "connection closed by %s", c->addr);
		break;
	case REDIS_ERR_PROTOCOL:
		/* It may quote the peer's bytes. */
		sanitize_into(why, sizeof(why), c->ctx->errstr,
			      strlen(c->ctx->errstr));
		err_set(err, "protocol error from %s: %s", c->addr, why);
		break;
	case REDIS_ERR_OOM:
		err_set(err, "out of memory reading a reply from %s",
			c->addr);
		break;
	default:
		if (is_timeout_text(why)) {
			err_set(err, "timed out after %d ms waiting for %s",
				c->timeout_ms, c->addr);
		} else {
			err_set(err, "%s (%s)", why[0] ? why : "I/O error",
				c->addr);
		}
		break;
	}
	if (err != NULL) {
		scrub(c, err->msg, sizeof(err->msg));
	}
	return -1;
}

static int
conn_timeout(struct redis_conn *c, struct err *err)
{
	c->dead = true;
	return err_set(err, "timed out after %d ms waiting for %s",
		       c->timeout_ms, c->addr);
}

/* Waits until fd is ready for events or deadline_ms; 1 ready, 0 timeout. */
static int
wait_fd(int fd, short events, int64_t deadline_ms)
{
	for (;;) {
		int64_t left = deadline_ms - clock_mono_ms();
		struct pollfd pfd = { .fd = fd, .events = events };
		int rc;

		if (left <= 0) {
			return 0;
		}
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0) {
			return 1;
		}
		if (rc < 0 && errno != EINTR) {
			return 1;       /* let the read or write report it */
		}
	}
}

int
redis_conn_reply_error(const struct redis_conn *c, const redisReply *r,
		       const char *what, struct err *err)
{
	char raw[ERR_MSG_MAX], text[ERR_MSG_MAX];
	size_t len = r->str != NULL ? r->len : 0;

	if (len >= sizeof(raw)) {
		len = sizeof(raw) - 1;
	}
	memcpy(raw, r->str != NULL ? r->str : "", len);
	raw[len] = '\0';
	/* Scrubbed before escaping, so that an escaped form of the password
	 * cannot slip through; then one line of visible text. */
	scrub(c, raw, sizeof(raw));
	sanitize_into(text, sizeof(text), raw, strlen(raw));
	if (what != NULL && *what != '\0') {
		return err_set(err, "%s: %s", what, text);
	}
	return err_set(err, "%s", text);
}

int
redis_conn_append(struct redis_conn *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = hiredis.redisvAppendCommand(c->ctx, fmt, ap);
	va_end(ap);
	if (rc == REDIS_OK) {
		c->sent++;
	}
	return rc == REDIS_OK ? 0 : -1;
}

int
redis_conn_append_argv(struct redis_conn *c, int argc, const char **argv,
		       const size_t *lens)
{
	if (hiredis.redisAppendCommandArgv(c->ctx, argc, argv, lens) !=
	    REDIS_OK) {
		return -1;
	}
	c->sent++;
	return 0;
}

/* hiredis writes with write(2): a peer that went away raises SIGPIPE,
 * which must not end the program. The signal is blocked around the write
 * and a SIGPIPE that the write itself raised is taken back. */
struct pipe_guard {
	sigset_t old;
	bool was_pending;
};

static void
pipe_guard_on(struct pipe_guard *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pending);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void
pipe_guard_off(struct pipe_guard *g)
{
	sigset_t set, pending;
	struct timespec zero = { 0, 0 };

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pending);
	sigpending(&pending);
	if (!g->was_pending && sigismember(&pending, SIGPIPE) == 1) {
		sigtimedwait(&set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

int
redis_conn_flush(struct redis_conn *c, int64_t deadline_ms, struct err *err)
{
	struct pipe_guard g;
	int done = 0, rc = 0;

	if (c->dead) {
		return err_set(err, "connection to %s is closed", c->addr);
	}
	if (c->ctx->obuf == NULL || c->ctx->obuf[0] == '\0') {
		return 0;
	}
	/* A blocking write is bounded by SO_SNDTIMEO; reads by poll(). */
	hiredis.redisSetTimeout(c->ctx,
				ms_to_tv(deadline_ms - clock_mono_ms()));
	pipe_guard_on(&g);
	while (!done) {
		if (hiredis.redisBufferWrite(c->ctx, &done) != REDIS_OK) {
			rc = conn_fail(c, err);
			break;
		}
		if (!done && !wait_fd(c->ctx->fd, POLLOUT, deadline_ms)) {
			rc = conn_timeout(c, err);
			break;
		}
	}
	pipe_guard_off(&g);
	return rc;
}

/* ---- reading, within the reply limit ------------------------------------ */

/* What one object costs: the struct, and its string or element array. */
static bool
charge(const redisReadTask *task, size_t extra)
{
	struct redis_conn *c = task->privdata;

	c->reply_mem += sizeof(redisReply) + extra;
	if (c->reply_mem > c->max_reply) {
		c->too_large = true;
		return false;
	}
	return true;
}

static void *
count_string(const redisReadTask *task, char *s, size_t len)
{
	struct redis_conn *c = task->privdata;

	return charge(task, len + 1) ? c->lib_fn->createString(task, s, len) :
	       NULL;
}

static void *
count_array(const redisReadTask *task, int elements)
{
	struct redis_conn *c = task->privdata;
	size_t n = elements > 0 ? (size_t)elements : 0;

	/* Before hiredis allocates the element array a header announces. */
	if (n > c->max_reply / sizeof(redisReply *) ||
	    !charge(task, n * sizeof(redisReply *))) {
		c->too_large = true;
		return NULL;
	}
	return c->lib_fn->createArray(task, elements);
}

static void *
count_integer(const redisReadTask *task, long long v)
{
	struct redis_conn *c = task->privdata;

	return charge(task, 0) ? c->lib_fn->createInteger(task, v) : NULL;
}

static void *
count_nil(const redisReadTask *task)
{
	struct redis_conn *c = task->privdata;

	return charge(task, 0) ? c->lib_fn->createNil(task) : NULL;
}

/* Puts the counting functions in c's reader. */
static void
count_replies(struct redis_conn *c)
{
	redisReader *r = c->ctx->reader;

	c->max_reply = REDIS_REPLY_MAX_DEFAULT;
	c->lib_fn = r->fn;
	c->fn = *r->fn;
	c->fn.createString = count_string;
	c->fn.createArray = count_array;
	c->fn.createInteger = count_integer;
	c->fn.createNil = count_nil;
	r->fn = &c->fn;
	r->privdata = c;
}

void
redis_conn_set_max_reply(struct redis_conn *c, size_t max)
{
	c->max_reply = max;
}

/* Reads what the socket has into the reader: 0, or -1 with err (the peer
 * closed, or the read failed: the connection is dead). */
static int
read_some(struct redis_conn *c, struct err *err)
{
	char buf[16 * 1024];
	ssize_t n;

	do {
		n = read(c->ctx->fd, buf, sizeof(buf));
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN) {
		return 0;
	}
	if (n <= 0) {
		c->dead = true;
		if (n == 0) {
			return err_set(err, "connection closed by %s",
				       c->addr);
		}
		return err_set(err, "%s (%s)", strerror(errno), c->addr);
	}
	c->reply_bytes += (size_t)n;
	if (hiredis.redisReaderFeed(c->ctx->reader, buf, (size_t)n) !=
	    REDIS_OK) {
		return conn_fail(c, err);
	}
	return 0;
}

int
redis_conn_read(struct redis_conn *c, int64_t deadline_ms, redisReply **out,
		struct err *err)
{
	void *reply = NULL;

	*out = NULL;
	if (redis_conn_flush(c, deadline_ms, err) < 0) {
		return -1;
	}
	for (;;) {
		if (hiredis.redisGetReplyFromReader(c->ctx, &reply) !=
		    REDIS_OK) {
			return conn_fail(c, err);
		}
		if (reply != NULL) {
			/* What was read past it belongs to the next one;
			 * counting it there too only errs on the safe
			 * side. */
			c->reply_bytes = 0;
			c->reply_mem = 0;
			*out = reply;
			return 0;
		}
		/* A bulk string is buffered whole before it is an object:
		 * the bytes read bound it. */
		if (c->reply_bytes > c->max_reply) {
			return too_large(c, err);
		}
		if (!wait_fd(c->ctx->fd, POLLIN, deadline_ms)) {
			return conn_timeout(c, err);
		}
		if (read_some(c, err) < 0) {
			return -1;
		}
	}
}

static redisReply *
command_reply(struct redis_conn *c, struct err *err)
{
	redisReply *r;

	if (redis_conn_read(c, redis_conn_deadline(c), &r, err) < 0) {
		return NULL;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		redis_conn_reply_error(c, r, NULL, err);
		hiredis.freeReplyObject(r);
		return NULL;
	}
	return r;
}

redisReply *
redis_conn_command(struct redis_conn *c, struct err *err, const char *fmt,
		   ...)
{
	va_list ap;
	int rc;

	if (c->dead) {
		err_set(err, "connection to %s is closed", c->addr);
		return NULL;
	}
	va_start(ap, fmt);
	rc = hiredis.redisvAppendCommand(c->ctx, fmt, ap);
	va_end(ap);
	if (rc != REDIS_OK) {
		conn_fail(c, err);
		return NULL;
	}
	c->sent++;
	return command_reply(c, err);
}

redisReply *
redis_conn_command_argv(struct redis_conn *c, struct err *err, int argc,
			const char **argv, const size_t *lens)
{
	if (c->dead) {
		err_set(err, "connection to %s is closed", c->addr);
		return NULL;
	}
	if (redis_conn_append_argv(c, argc, argv, lens) < 0) {
		conn_fail(c, err);
		return NULL;
	}
	return command_reply(c, err);
}

/* ---- connecting ---------------------------------------------------------- */

static bool
starts_with(const redisReply *r, const char *prefix)
{
	size_t n = strlen(prefix);

	return r->type == REDIS_REPLY_ERROR && r->str != NULL &&
	       r->len >= n && strncmp(r->str, prefix, n) == 0;
}

/* The error code of an error reply ("WRONGPASS", "ERR"). */
static void
error_code(const redisReply *r, char *dst, size_t n)
{
	size_t len = r->str != NULL ? strcspn(r->str, " \r\n") : 0;

	if (len >= n) {
		len = n - 1;
	}
	memcpy(dst, r->str != NULL ? r->str : "", len);
	dst[len] = '\0';
}

/* AUTH, SELECT, CLIENT SETNAME, CLIENT ID in one pipeline. */
static int
handshake(struct redis_conn *c, const struct redis_settings *set,
	  const char *name, int64_t deadline_ms, struct err *err)
{
	const struct redis_url *u = &set->url;
	bool auth = u->has_password, sel = u->db != 0;
	redisReply *r;
	int rc = 0, i, n = 0;
	bool noauth = false;

	if (auth && u->user[0] != '\0') {
		redis_conn_append(c, "AUTH %s %s", u->user, u->password);
	} else if (auth) {
		redis_conn_append(c, "AUTH %s", u->password);
	}
	if (sel) {
		redis_conn_append(c, "SELECT %d", u->db);
	}
	if (name != NULL) {
		redis_conn_append(c, "CLIENT SETNAME %s", name);
	}
	redis_conn_append(c, "CLIENT ID");
	n = (auth ? 1 : 0) + (sel ? 1 : 0) + (name != NULL ? 1 : 0) + 1;
	for (i = 0; i < n; i++) {
		char code[32];

		if (redis_conn_read(c, deadline_ms, &r, err) < 0) {
			return -1;
		}
		if (starts_with(r, "NOAUTH")) {
			noauth = true;
		}
		if (rc == 0 && auth && i == 0 &&
		    r->type == REDIS_REPLY_ERROR) {
			error_code(r, code, sizeof(code));
			rc = err_set(err, "authentication failed for %s (%s)",
				     c->addr, code);
		} else if (rc == 0 && sel && i == (auth ? 1 : 0) &&
			   r->type == REDIS_REPLY_ERROR && !noauth) {
			rc = redis_conn_reply_error(c, r, "SELECT", err);
		} else if (i == n - 1 && r->type == REDIS_REPLY_INTEGER) {
			c->id = r->integer;
		}
		hiredis.freeReplyObject(r);
	}
	if (rc == 0 && noauth) {
		rc = err_set(err, "authentication required by %s (set "
			     "password_file, or REDISCLI_AUTH)", c->addr);
	}
	return rc;
}

struct redis_conn *
redis_conn_open(const struct redis_settings *set, const char *name,
		int64_t deadline_ms, struct err *err)
{
	const struct redis_url *u = &set->url;
	struct redis_conn *c = xcalloc(1, sizeof(*c));
	int64_t left = deadline_ms - clock_mono_ms();
	char why[sizeof(c->ctx->errstr)];

	if (!hiredis_load(err)) {
		free(c);
		return NULL;
	}
	strlcpy_safe(c->addr, set->addr, sizeof(c->addr));
	strlcpy_safe(c->password, u->password, sizeof(c->password));
	c->timeout_ms = set->timeout_ms;
	c->id = -1;
	if (left <= 0) {
		err_set(err, "timed out connecting to %s", c->addr);
		redis_conn_free(c);
		return NULL;
	}
	if (u->is_unix) {
		c->ctx = hiredis.redisConnectUnixWithTimeout(u->path,
							     ms_to_tv(left));
	} else {
		c->ctx = hiredis.redisConnectWithTimeout(u->host, u->port,
							 ms_to_tv(left));
	}
	if (c->ctx == NULL) {
		err_set(err, "out of memory connecting to %s", c->addr);
		redis_conn_free(c);
		return NULL;
	}
	if (c->ctx->err != 0) {
		lower_first(why, sizeof(why), c->ctx->errstr);
		if (is_timeout_text(why)) {
			err_set(err, "timed out connecting to %s", c->addr);
		} else {
			err_set(err, "%s (%s)", why, c->addr);
		}
		redis_conn_free(c);
		return NULL;
	}
	count_replies(c);
	if (handshake(c, set, name, deadline_ms, err) < 0) {
		redis_conn_free(c);
		return NULL;
	}
	return c;
}

void
redis_conn_free(struct redis_conn *c)
{
	volatile char *p;
	size_t i;

	if (c == NULL) {
		return;
	}
	if (c->ctx != NULL) {
		hiredis.redisFree(c->ctx);
	}
	p = c->password;
	for (i = 0; i < sizeof(c->password); i++) {
		p[i] = '\0';
	}
	free(c);
}

#endif
