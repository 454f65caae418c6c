/* Benchmark of the Redis probe against a real redis-server on loopback:
 * the pattern delete (SCAN + UNLINK) in keys per second on a database of
 * 1M keys, half of them matching, and the counting pass the action makes
 * before it for its progress; and the cost of one poll (wall time,
 * this process's CPU, the server's time per command) with ~100 clients
 * connected and a full slow log.
 *
 *   redis_delete [KEYS] [POLLS]     defaults 1000000 and 200 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/snapshot.h"
#include "probes/redis.h"
#include "probes/redis_conn.h"
#include "tests/integration/redis_server.h"

#define CLIENTS 100

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long long
dbsize(redisContext *c)
{
	redisReply *r = redis_server_cmd(c, "DBSIZE");
	long long n = r != NULL && r->type == REDIS_REPLY_INTEGER ? r->integer
								   : -1;

	if (r != NULL) {
		freeReplyObject(r);
	}
	return n;
}

/* usec_per_call of one command from INFO commandstats, NAN if absent. */
static double
usec_per_call(const char *stats, const char *cmd)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "cmdstat_%s:", cmd);
	p = strstr(stats, key);
	if (p == NULL || (p = strstr(p, "usec_per_call=")) == NULL) {
		return NAN;
	}
	return strtod(p + 14, NULL);
}

static int
bench_delete(struct redis_server *srv, const struct config_section *sec,
	     redisContext *c, size_t keys)
{
	struct redis_settings set;
	struct redis_conn *rc;
	struct err err = { "" };
	struct redis_match_count counted;
	size_t half = keys / 2, deleted = 0;
	double t0, t_load, t_count, t_del;
	int rc_del;

	t0 = now_s();
	if (redis_server_fill(c, "cache:bench:", half, 16) < 0 ||
	    redis_server_fill(c, "keep:bench:", keys - half, 16) < 0) {
		return -1;
	}
	t_load = now_s() - t0;
	printf("loaded %lld keys in %.2f s (MSET x1000, pipelined)\n",
	       dbsize(c), t_load);

	if (redis_settings_from_section(sec, &set, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	rc = redis_conn_open(&set, "bench", clock_mono_ms() + 5000, &err);
	redis_settings_wipe(&set);
	if (rc == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	/* The action counts the keys first, for its progress. */
	t0 = now_s();
	if (redis_count_pattern(rc, "cache:bench:*", 5000, &counted,
				&err) < 0) {
		fprintf(stderr, "count: %s\n", err.msg);
		redis_conn_free(rc);
		return -1;
	}
	t_count = now_s() - t0;
	printf("counting pass: %zu keys%s in %.2f s = %.0f keys/s (SCAN "
	       "MATCH COUNT %d)\n", counted.count, counted.complete ? "" :
	       " (stopped at its 5 s budget)", t_count,
	       (double)counted.count / t_count, REDIS_DELETE_BATCH);
	t0 = now_s();
	rc_del = redis_delete_pattern(rc, "cache:bench:*", REDIS_DELETE_BATCH,
				      NULL, &deleted, &err);
	t_del = now_s() - t0;
	redis_conn_free(rc);
	if (rc_del != 0) {
		fprintf(stderr, "delete: %s\n", err.msg);
		return -1;
	}
	printf("pattern delete: %zu of %zu keys in %.2f s = %.0f keys/s "
	       "(SCAN MATCH COUNT %d + UNLINK, pipelined); %lld keys left\n",
	       deleted, keys, t_del, (double)deleted / t_del,
	       REDIS_DELETE_BATCH, dbsize(c));
	(void)srv;
	return deleted == half ? 0 : -1;
}

static int
bench_poll(struct redis_server *srv, const struct config_section *sec,
	   redisContext *c, int polls)
{
	redisContext *clients[CLIENTS];
	struct redis_poller *rp;
	struct err err = { "" };
	double *wall = calloc((size_t)polls, sizeof(double));
	double cpu0, cpu, srv_us;
	redisReply *r;
	int i, n_clients = 0;

	for (i = 0; i < CLIENTS; i++) {
		clients[i] = redis_server_client(srv, NULL);
		if (clients[i] == NULL) {
			break;
		}
		r = redisCommand(clients[i], "CLIENT SETNAME app-%d", i);
		if (r != NULL) {
			freeReplyObject(r);
		}
		n_clients++;
	}
	/* A full slow log of long commands. */
	freeReplyObject(redis_server_cmd(c, "CONFIG SET "
					 "slowlog-log-slower-than 0"));
	for (i = 0; i < 20; i++) {
		freeReplyObject(redis_server_cmd(c, "SET slow:%d %0200d", i,
						 0));
	}
	freeReplyObject(redis_server_cmd(c, "CONFIG SET "
					 "slowlog-log-slower-than 10000"));
	freeReplyObject(redis_server_cmd(c, "CONFIG RESETSTAT"));

	rp = redis_poller_new(sec, NULL, &err);
	if (rp == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	cpu0 = cpu_s();
	for (i = 0; i < polls; i++) {
		struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.bench");
		double t0 = now_s();

		if (redis_poller_poll(rp, s, &err) < 0) {
			fprintf(stderr, "poll: %s\n", err.msg);
			snapshot_unref(s);
			return -1;
		}
		wall[i] = (now_s() - t0) * 1000.0;
		if (i == 0) {
			const struct redis_model *m = snapshot_redis(s);

			printf("poll model: %zu clients listed, %zu slow-log "
			       "entries\n", m->n_client_list, m->n_slowlog);
		}
		snapshot_unref(s);
	}
	cpu = (cpu_s() - cpu0) * 1000.0 / polls;
	redis_poller_free(rp);
	qsort(wall, (size_t)polls, sizeof(double), cmp_double);

	r = redis_server_cmd(c, "INFO commandstats");
	srv_us = NAN;
	if (r != NULL && r->type == REDIS_REPLY_STRING) {
		double ping = usec_per_call(r->str, "ping");
		double info = usec_per_call(r->str, "info");
		double slow = usec_per_call(r->str, "slowlog|get");
		double list = usec_per_call(r->str, "client|list");

		srv_us = ping + info + slow + list;
		printf("server time per poll: %.1f us (PING %.1f, INFO %.1f, "
		       "SLOWLOG GET %.1f, CLIENT LIST %.1f)\n", srv_us, ping,
		       info, slow, list);
	}
	if (r != NULL) {
		freeReplyObject(r);
	}
	printf("probe poll over %d polls, %d extra clients: median %.3f ms, "
	       "p90 %.3f ms, max %.3f ms wall; %.3f ms CPU in this process\n",
	       polls, n_clients, wall[polls / 2], wall[polls * 9 / 10],
	       wall[polls - 1], cpu);
	for (i = 0; i < n_clients; i++) {
		redisFree(clients[i]);
	}
	free(wall);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t keys = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	int polls = argc > 2 ? atoi(argv[2]) : 200;
	struct redis_server srv;
	struct config cfg;
	struct config_section *sec;
	redisContext *c;
	int rc = 0;

	if (keys < 2 || polls < 1) {
		fprintf(stderr, "usage: redis_delete [KEYS] [POLLS]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&srv, 0, sizeof(srv));
	memset(&cfg, 0, sizeof(cfg));
	if (redis_server_start(&srv) < 0) {
		return 1;
	}
	sec = config_add_section(&cfg, "redis.bench");
	config_section_set(sec, "url", srv.url);
	c = redis_server_client(&srv, NULL);
	if (c == NULL) {
		redis_server_stop(&srv);
		return 1;
	}
	printf("redis-server on %s\n", srv.url);
	if (bench_delete(&srv, sec, c, keys) < 0) {
		rc = 1;
	}
	if (rc == 0 && bench_poll(&srv, sec, c, polls) < 0) {
		rc = 1;
	}
	redisFree(c);
	redis_server_stop(&srv);
	config_finish(&cfg);
	return rc;
}
