/* Benchmark of the Redis reader facing a huge reply: a peer (a process of
 * its own) answers CLIENT LIST with a 100 MB bulk string, as a server
 * with hundreds of thousands of clients (or one that is not Redis) would.
 * Prints, for the reader as the probe runs it (the 8 MiB limit) and for
 * the same reader with the limit lifted (taking the reply whole, as it did
 * before), the peak resident memory it reached, the time to its answer and
 * the answer. Each is measured in a fresh child process.
 *
 *   redis_big_reply [MB]        default 100 */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "probes/redis.h"
#include "probes/redis_conn.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static long
peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0) {
			return;         /* the reader hung up: refused */
		}
		p += w;
		n -= (size_t)w;
	}
}

/* The peer: per connection, the handshake's replies (CLIENT SETNAME,
 * CLIENT ID), then a bulk string of mb megabytes, streamed. */
static void
peer(int lfd, size_t mb)
{
	static char chunk[1 << 20];
	char head[64];
	int fd;

	signal(SIGPIPE, SIG_IGN);
	memset(chunk, 'x', sizeof(chunk));
	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		size_t i;

		snprintf(head, sizeof(head), "+OK\r\n:7\r\n$%zu\r\n",
			 mb << 20);
		send_all(fd, head, strlen(head));
		for (i = 0; i < mb; i++) {
			send_all(fd, chunk, sizeof(chunk));
		}
		send_all(fd, "\r\n", 2);
		/* Closed with the commands unread, the socket would reset
		 * the connection before the reader has read the reply. */
		shutdown(fd, SHUT_WR);
		while (read(fd, head, sizeof(head)) > 0) {
		}
		close(fd);
	}
	_exit(0);
}

/* One reader in a fresh process: CLIENT LIST within max bytes. */
static void
measure(int port, size_t max, const char *what)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct config cfg = { 0 };
		struct config_section *sec = config_add_section(&cfg,
								"redis.b");
		struct redis_settings set;
		struct redis_conn *c;
		struct err err = { "" };
		redisReply *r;
		char url[64];
		long before;
		double t0;

		snprintf(url, sizeof(url), "redis://127.0.0.1:%d", port);
		config_section_set(sec, "url", url);
		sec->timeout_ms = 60000;
		if (redis_settings_from_section(sec, &set, &err) < 0 ||
		    (c = redis_conn_open(&set, "bench", clock_mono_ms() + 60000,
					 &err)) == NULL) {
			fprintf(stderr, "%s\n", err.msg);
			_exit(1);
		}
		redis_conn_set_max_reply(c, max);
		before = peak_rss_kib();
		t0 = now_ms();
		r = redis_conn_command(c, &err, "CLIENT LIST");
		printf("%-34s peak RSS %6.1f MiB (+%.1f MiB) in %6.0f ms: %s\n",
		       what, peak_rss_kib() / 1024.0,
		       (peak_rss_kib() - before) / 1024.0, now_ms() - t0,
		       r != NULL ? "taken whole" : err.msg);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

int
main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 100;
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
	} u = { .in = { .sin_family = AF_INET } };
	socklen_t len = sizeof(u.in);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t p;

	u.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, &u.sa, sizeof(u.in)) < 0 ||
	    listen(lfd, 4) < 0 || getsockname(lfd, &u.sa, &len) < 0) {
		perror("redis_big_reply: listen");
		return 1;
	}
	if ((p = fork()) == 0) {
		peer(lfd, mb);
	}
	close(lfd);
	printf("a %zu MiB CLIENT LIST reply from 127.0.0.1:%d\n", mb,
	       ntohs(u.in.sin_port));
	fflush(stdout);
	measure(ntohs(u.in.sin_port), REDIS_REPLY_MAX_DEFAULT,
		"with the 8 MiB limit (the probe):");
	measure(ntohs(u.in.sin_port), (mb + 64) << 20,
		"without a limit (taken whole):");
	kill(p, SIGTERM);
	waitpid(p, NULL, 0);
	return 0;
}
