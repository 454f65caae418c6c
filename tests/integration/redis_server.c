/* A throwaway redis-server for tests and benchmarks: see redis_server.h.
 * Test main thread. */
#include "tests/integration/redis_server.h"
/* (Declarations even without hiredis: no empty translation unit.) */
#include "tests/integration/harness.h"

#if HAVE_HIREDIS

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/xalloc.h"

#define START_TRIES 5
#define READY_MS 5000

/* The server's own pid, from INFO: tells it apart from another test's
 * server that grabbed the same port first. */
static bool
is_ours(const struct redis_server *rs)
{
	struct timeval tv = { 1, 0 };
	redisContext *c = redisConnectUnixWithTimeout(rs->sock, tv);
	redisReply *r;
	bool ours = false;
	char want[32];

	if (c == NULL || c->err) {
		if (c != NULL) {
			redisFree(c);
		}
		return false;
	}
	r = redisCommand(c, "INFO server");
	snprintf(want, sizeof(want), "process_id:%d\r", (int)rs->pid);
	if (r != NULL && r->type == REDIS_REPLY_STRING &&
	    strstr(r->str, want) != NULL) {
		ours = true;
	} else if (r != NULL && r->type == REDIS_REPLY_ERROR &&
		   strncmp(r->str, "NOAUTH", 6) == 0) {
		/* With requirepass: the socket in our own directory
		 * answered, which is proof enough. */
		ours = true;
	}
	if (r != NULL) {
		freeReplyObject(r);
	}
	redisFree(c);
	return ours;
}

static bool
exited(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == pid;
}

static int
spawn(struct redis_server *rs)
{
	char port[16];
	const char *argv[48];
	size_t n = 0, i;

	snprintf(port, sizeof(port), "%d", rs->port);
	argv[n++] = "redis-server";
	argv[n++] = "--port";
	argv[n++] = port;
	argv[n++] = "--bind";
	argv[n++] = "127.0.0.1";
	argv[n++] = "--save";
	argv[n++] = "";
	argv[n++] = "--appendonly";
	argv[n++] = "no";
	argv[n++] = "--dir";
	argv[n++] = rs->dir;
	argv[n++] = "--logfile";
	argv[n++] = rs->log;
	argv[n++] = "--unixsocket";
	argv[n++] = rs->sock;
	argv[n++] = "--unixsocketperm";
	argv[n++] = "700";
	for (i = 0; rs->extra[i] != NULL && n < 47; i++) {
		argv[n++] = rs->extra[i];
	}
	argv[n] = NULL;
	rs->pid = harness_spawn(argv, rs->log, NULL, NULL);
	if (rs->pid < 0) {
		return -1;
	}
	if (!harness_wait_port(rs->port, READY_MS) || exited(rs->pid)) {
		harness_stop(rs->pid, 1000);
		rs->pid = -1;
		return -1;
	}
	/* The socket appears a moment after the port. */
	for (i = 0; i < 200 && access(rs->sock, F_OK) != 0; i++) {
		usleep(5000);
	}
	if (!is_ours(rs)) {
		harness_stop(rs->pid, 1000);
		rs->pid = -1;
		return -1;
	}
	return 0;
}

int
redis_server_start(struct redis_server *rs)
{
	int i;

	rs->pid = -1;
	rs->dir = harness_tmpdir("warroom-redis");
	if (rs->dir == NULL) {
		fprintf(stderr, "redis_server: no temporary directory\n");
		return -1;
	}
	snprintf(rs->sock, sizeof(rs->sock), "%s/redis.sock", rs->dir);
	snprintf(rs->log, sizeof(rs->log), "%s/redis.log", rs->dir);
	for (i = 0; i < START_TRIES; i++) {
		rs->port = harness_free_port();
		if (rs->port > 0 && spawn(rs) == 0) {
			snprintf(rs->url, sizeof(rs->url),
				 "redis://127.0.0.1:%d", rs->port);
			return 0;
		}
	}
	fprintf(stderr, "redis_server: could not start redis-server "
		"(log %s)\n", rs->log);
	return -1;
}

int
redis_server_restart(struct redis_server *rs)
{
	int i;

	/* The old socket file and the port may linger for a moment. */
	for (i = 0; i < 50; i++) {
		unlink(rs->sock);
		if (spawn(rs) == 0) {
			return 0;
		}
		usleep(20000);
	}
	fprintf(stderr, "redis_server: could not restart on port %d\n",
		rs->port);
	return -1;
}

void
redis_server_kill(struct redis_server *rs)
{
	if (rs->pid > 0) {
		kill(rs->pid, SIGKILL);
		waitpid(rs->pid, NULL, 0);
		rs->pid = -1;
	}
}

void
redis_server_stop(struct redis_server *rs)
{
	if (rs->pid > 0) {
		harness_stop(rs->pid, 2000);
		rs->pid = -1;
	}
	if (rs->dir != NULL) {
		harness_rmrf(rs->dir);
		free(rs->dir);
		rs->dir = NULL;
	}
}

redisContext *
redis_server_client(const struct redis_server *rs, const char *password)
{
	struct timeval tv = { 5, 0 };
	redisContext *c = redisConnectWithTimeout("127.0.0.1", rs->port, tv);
	redisReply *r;

	if (c == NULL || c->err) {
		fprintf(stderr, "redis_server: connect: %s\n",
			c ? c->errstr : "out of memory");
		if (c != NULL) {
			redisFree(c);
		}
		return NULL;
	}
	redisSetTimeout(c, tv);
	if (password != NULL) {
		r = redisCommand(c, "AUTH %s", password);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "redis_server: AUTH failed\n");
			if (r != NULL) {
				freeReplyObject(r);
			}
			redisFree(c);
			return NULL;
		}
		freeReplyObject(r);
	}
	return c;
}

redisReply *
redis_server_cmd(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (r == NULL) {
		fprintf(stderr, "redis_server: %s: %s\n", fmt, c->errstr);
	} else if (r->type == REDIS_REPLY_ERROR) {
		fprintf(stderr, "redis_server: %s: %s\n", fmt, r->str);
	}
	return r;
}

#define FILL_BATCH 1000
#define FILL_WINDOW 16          /* MSETs in flight */

int
redis_server_fill(redisContext *c, const char *prefix, size_t n,
		  size_t value_len)
{
	const char **argv = xcalloc(2 * FILL_BATCH + 1, sizeof(*argv));
	size_t *lens = xcalloc(2 * FILL_BATCH + 1, sizeof(*lens));
	char *names = xmalloc(FILL_BATCH * 64);
	char *value = xmalloc(value_len + 1);
	size_t done = 0, inflight = 0, i;
	int rc = 0;

	memset(value, 'v', value_len);
	value[value_len] = '\0';
	argv[0] = "MSET";
	lens[0] = 4;
	while (done < n || inflight > 0) {
		if (done < n && inflight < FILL_WINDOW) {
			size_t k = n - done < FILL_BATCH ? n - done
							 : FILL_BATCH;

			for (i = 0; i < k; i++) {
				char *name = names + i * 64;

				lens[1 + 2 * i] = (size_t)snprintf(
					name, 64, "%s%zu", prefix, done + i);
				argv[1 + 2 * i] = name;
				argv[2 + 2 * i] = value;
				lens[2 + 2 * i] = value_len;
			}
			/* hiredis copies the arguments into its buffer. */
			redisAppendCommandArgv(c, (int)(1 + 2 * k), argv,
					       lens);
			done += k;
			inflight++;
			continue;
		}
		{
			void *reply = NULL;
			redisReply *r;

			if (redisGetReply(c, &reply) != REDIS_OK) {
				fprintf(stderr, "redis_server: fill: %s\n",
					c->errstr);
				rc = -1;
				break;
			}
			r = reply;
			if (r->type == REDIS_REPLY_ERROR) {
				fprintf(stderr, "redis_server: fill: %s\n",
					r->str);
				rc = -1;
			}
			freeReplyObject(r);
			inflight--;
		}
	}
	free(argv);
	free(lens);
	free(names);
	free(value);
	return rc;
}

#endif
