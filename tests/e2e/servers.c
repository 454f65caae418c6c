/* The real servers an end-to-end test (or bench/frames.sh) points the
 * binary at, in the middle of an incident, started with the integration
 * tests' fixtures on loopback:
 *   pg     PostgreSQL 15: a lock pile-up (one session idle in its
 *          transaction holding rows that four others wait for), and a
 *          role "billing" that needs a password (scram-sha-256);
 *   redis  Redis 7 with a maxmemory and keys toward it;
 *   prom   Prometheus with 40 minutes of backfilled request data (the
 *          api's 5xx ratio at 7 %);
 *   am     Alertmanager with two firing alerts.
 * Writes DIR/servers.env (PG_PORT, REDIS_URL, PROM_URL, AM_URL, for a
 * shell to source) and then DIR/ready, and keeps everything up until it
 * gets SIGTERM or SIGINT (or its parent dies); the servers die with it.
 *
 *   e2e_servers DIR pg|redis|prom|am...
 *
 * Main thread only. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "tests/integration/am_server.h"
#include "tests/integration/pg_server.h"
#include "tests/integration/prom_server.h"
#include "tests/integration/redis_server.h"

/* The pile-up's sessions, held open while the servers run. */
#define PILE 5

static struct pg_server pg;
static PGconn *pile[PILE];
static struct redis_server rs;
static struct prom_server ps;
static struct am_server as;
static bool have_pg, have_redis, have_prom, have_am;

static int
fail(const char *what)
{
	fprintf(stderr, "e2e_servers: %s\n", what);
	return -1;
}

/* Sends sql on c without waiting for it (a statement that will queue for
 * a lock). */
static int
send_async(PGconn *c, const char *sql)
{
	if (!PQsendQuery(c, sql)) {
		return fail(PQerrorMessage(c));
	}
	return 0;
}

/* Waits until pid waits for a lock (10 s at most). */
static int
wait_lock(PGconn *admin, int pid)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT 1 FROM pg_stat_activity WHERE "
		 "pid = %d AND wait_event_type = 'Lock'", pid);
	for (int i = 0; i < 500; i++) {
		PGresult *r = PQexec(admin, sql);
		bool waiting = PQresultStatus(r) == PGRES_TUPLES_OK &&
			       PQntuples(r) == 1;

		PQclear(r);
		if (waiting) {
			return 0;
		}
		usleep(20000);
	}
	return fail("a session never queued for its lock");
}

/* Lets role billing in only with its password; everyone else as before
 * (trust). */
static int
require_password(PGconn *admin)
{
	char path[512];
	FILE *f;

	if (!pg_server_exec(admin, "CREATE ROLE billing LOGIN PASSWORD "
			    "'the-right-one'")) {
		return -1;
	}
	snprintf(path, sizeof(path), "%s/pg_hba.conf", pg.data);
	f = fopen(path, "w");
	if (f == NULL) {
		return fail(strerror(errno));
	}
	fputs("host all billing 127.0.0.1/32 scram-sha-256\n"
	      "local all all trust\n"
	      "host all all 127.0.0.1/32 trust\n", f);
	if (fclose(f) != 0) {
		return fail(strerror(errno));
	}
	return pg_server_exec(admin, "SELECT pg_reload_conf()") ? 0 : -1;
}

/* A holds rows 1-3 and sits idle in its transaction; B and C queue for
 * rows 1 and 2; D holds row 4 and queues for row 3; E queues for row 4:
 * the tree A(B, C, D(E)). */
static int
start_pg(void)
{
	PGconn *admin;
	int rc = 0;

	if (pg_server_init(&pg, NULL) < 0) {
		return fail("PostgreSQL did not start");
	}
	have_pg = true;
	admin = pg_server_connect(&pg, "postgres", "postgres");
	if (admin == NULL) {
		return -1;
	}
	if (!pg_server_exec(admin, "CREATE TABLE orders (id int PRIMARY "
			    "KEY, v int); INSERT INTO orders SELECT g, 0 "
			    "FROM generate_series(1, 10) g") ||
	    require_password(admin) < 0) {
		PQfinish(admin);
		return -1;
	}
	for (int i = 0; i < PILE; i++) {
		pile[i] = pg_server_connect(&pg, "postgres", "postgres");
		if (pile[i] == NULL) {
			PQfinish(admin);
			return -1;
		}
	}
	if (!pg_server_exec(pile[0], "SET application_name = 'nightly-"
			    "batch'; BEGIN; SELECT * FROM orders WHERE id IN "
			    "(1, 2, 3) FOR UPDATE") ||
	    send_async(pile[1], "UPDATE orders SET v = v + 1 WHERE id = 1")
	    < 0 || wait_lock(admin, PQbackendPID(pile[1])) < 0 ||
	    send_async(pile[2], "UPDATE orders SET v = v + 1 WHERE id = 2")
	    < 0 || wait_lock(admin, PQbackendPID(pile[2])) < 0 ||
	    !pg_server_exec(pile[3], "BEGIN; UPDATE orders SET v = v + 1 "
			    "WHERE id = 4") ||
	    send_async(pile[3], "UPDATE orders SET v = v + 1 WHERE id = 3")
	    < 0 || wait_lock(admin, PQbackendPID(pile[3])) < 0 ||
	    send_async(pile[4], "UPDATE orders SET v = v + 1 WHERE id = 4")
	    < 0 || wait_lock(admin, PQbackendPID(pile[4])) < 0) {
		rc = -1;
	}
	PQfinish(admin);
	return rc;
}

static int
start_redis(void)
{
	redisContext *c;
	redisReply *r;

	rs.extra[0] = "--maxmemory";
	rs.extra[1] = "64mb";
	rs.extra[2] = NULL;
	if (redis_server_start(&rs) < 0) {
		return fail("Redis did not start");
	}
	have_redis = true;
	c = redis_server_client(&rs, NULL);
	if (c == NULL) {
		return -1;
	}
	if (redis_server_fill(c, "session:", 20000, 2000) < 0) {
		redisFree(c);
		return -1;
	}
	r = redis_server_cmd(c, "SLOWLOG RESET");
	freeReplyObject(r);
	redisFree(c);
	return 0;
}

static int
start_am(void)
{
	static const char alerts[] =
		"[{\"labels\": {\"alertname\": \"HighErrorRate\", "
		"\"severity\": \"critical\", \"service\": \"api\"}, "
		"\"annotations\": {\"summary\": \"api 5xx ratio above 5 %\"}},"
		" {\"labels\": {\"alertname\": \"DiskFilling\", "
		"\"severity\": \"warning\", \"instance\": \"db-1\"}, "
		"\"annotations\": {\"summary\": \"/var/lib/postgresql 91 % "
		"full\"}}]";

	if (!am_server_start(&as)) {
		return fail("Alertmanager did not start");
	}
	have_am = true;
	return am_server_post_alerts(&as, alerts) ? 0 : -1;
}

static int
write_env(const char *dir)
{
	char path[512], tmp[520], ready[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/servers.env", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL) {
		return fail(strerror(errno));
	}
	if (have_pg) {
		fprintf(f, "PG_PORT=%d\n", pg.port);
	}
	if (have_redis) {
		fprintf(f, "REDIS_URL=%s\n", rs.url);
	}
	if (have_prom) {
		fprintf(f, "PROM_URL=%s\n", ps.url);
	}
	if (have_am) {
		fprintf(f, "AM_URL=%s\n", as.url);
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		return fail(strerror(errno));
	}
	snprintf(ready, sizeof(ready), "%s/ready", dir);
	f = fopen(ready, "w");
	return f != NULL && fclose(f) == 0 ? 0 : fail(strerror(errno));
}

static void
stop_all(void)
{
	for (int i = 0; i < PILE; i++) {
		if (pile[i] != NULL) {
			PQfinish(pile[i]);
		}
	}
	if (have_pg) {
		pg_server_destroy(&pg);
		pg_server_template_cleanup();
	}
	if (have_redis) {
		redis_server_stop(&rs);
	}
	if (have_prom) {
		prom_server_stop(&ps);
	}
	if (have_am) {
		am_server_stop(&as);
	}
}

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	int rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: e2e_servers DIR pg|redis|prom|am...\n");
		return 2;
	}
	/* The test's shell going away takes everything down. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Held until sigsuspend() below, so that none is lost before it. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (int i = 2; i < argc && rc == 0; i++) {
		if (strcmp(argv[i], "pg") == 0) {
			rc = start_pg();
		} else if (strcmp(argv[i], "redis") == 0) {
			rc = start_redis();
		} else if (strcmp(argv[i], "prom") == 0) {
			have_prom = prom_server_start(&ps);
			rc = have_prom ? 0 : fail("Prometheus did not start");
		} else if (strcmp(argv[i], "am") == 0) {
			rc = start_am();
		} else {
			rc = fail("unknown server (use pg, redis, prom, am)");
		}
	}
	if (rc == 0) {
		rc = write_env(argv[1]);
	}
	while (rc == 0 && !stop) {
		sigsuspend(&old);
	}
	stop_all();
	return rc == 0 ? 0 : 1;
}
