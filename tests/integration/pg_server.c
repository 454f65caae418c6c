/* A real PostgreSQL for tests and the benchmark: see pg_server.h.
 * Test main thread. */
#include "tests/integration/pg_server.h"

#if HAVE_LIBPQ

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "tests/integration/harness.h"

#define TEMPLATE_ENV "WARROOM_PG_TEMPLATE"
#define READY_TIMEOUT_MS 15000

/* The template this process made (for cleanup), or NULL. */
static char *made_template;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts argv as the server user: PostgreSQL refuses to run as root, so
 * as root it goes through setpriv to "postgres". The kernel forgets a
 * parent-death signal when the credentials change, so setpriv sets it
 * again after the switch: a test that dies takes its server along. */
static pid_t
spawn_server(const char *const argv[], const char *log)
{
	const char *full[72];
	int k = 0, i;

	if (geteuid() != 0) {
		return harness_spawn(argv, log, NULL, NULL);
	}
	full[k++] = "setpriv";
	full[k++] = "--reuid=postgres";
	full[k++] = "--regid=postgres";
	full[k++] = "--init-groups";
	full[k++] = "--pdeathsig=KILL";
	for (i = 0; argv[i] != NULL && k < 71; i++) {
		full[k++] = argv[i];
	}
	full[k] = NULL;
	return harness_spawn(full, log, NULL, NULL);
}

static int
give_to_server_user(const char *path)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		return 0;
	}
	if ((pw = getpwnam("postgres")) == NULL) {
		fprintf(stderr, "pg_server: no user postgres\n");
		return -1;
	}
	if (chown(path, pw->pw_uid, pw->pw_gid) < 0) {
		fprintf(stderr, "pg_server: chown %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* A new directory for s named after prefix, with s's data, socket and log
 * paths in it, the directory and the socket's owned by the server user. */
static int
make_dirs(struct pg_server *s, const char *prefix)
{
	if ((s->dir = harness_tmpdir(prefix)) == NULL) {
		return -1;
	}
	s->data = xasprintf("%s/data", s->dir);
	s->sock = xasprintf("%s/sock", s->dir);
	s->log = xasprintf("%s/server.log", s->dir);
	if (mkdir(s->sock, 0755) < 0 || give_to_server_user(s->dir) < 0 ||
	    give_to_server_user(s->sock) < 0) {
		return -1;
	}
	return 0;
}

/* Runs argv as the server user and waits for it; its exit status. */
static int
run_wait(const char *const argv[], const char *log)
{
	pid_t pid = spawn_server(argv, log);
	int st;

	if (pid < 0) {
		return -1;
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
		return -1;
	}
	return WEXITSTATUS(st);
}

int
pg_server_template(void)
{
	const char *have = getenv(TEMPLATE_ENV);
	char *dir, *data, *log;
	int rc;

	if (have != NULL && have[0] != '\0') {
		return 0;
	}
	if ((dir = harness_tmpdir("warroom-pgtpl")) == NULL) {
		fprintf(stderr, "pg_server: no temporary directory\n");
		return -1;
	}
	if (give_to_server_user(dir) < 0) {
		harness_rmrf(dir);
		free(dir);
		return -1;
	}
	data = xasprintf("%s/data", dir);
	log = xasprintf("%s/initdb.log", dir);
	{
		const char *argv[] = {
			PG_SERVER_BIN "/initdb", "-D", data, "-A", "trust",
			"-U", "postgres", "-N", "-E", "UTF8", "--locale=C",
			NULL,
		};

		rc = run_wait(argv, log);
	}
	if (rc != 0) {
		fprintf(stderr, "pg_server: initdb failed (%d)\n", rc);
		harness_rmrf(dir);
		free(data);
		free(log);
		free(dir);
		return -1;
	}
	setenv(TEMPLATE_ENV, data, 1);
	made_template = dir;
	free(data);
	free(log);
	return 0;
}

void
pg_server_template_cleanup(void)
{
	if (made_template != NULL) {
		harness_rmrf(made_template);
		free(made_template);
		made_template = NULL;
		unsetenv(TEMPLATE_ENV);
	}
}

static bool
ready(const struct pg_server *s)
{
	char *dsn = pg_server_dsn(s, "postgres", "postgres");
	PGPing p = PQping(dsn);

	free(dsn);
	return p == PQPING_OK;
}

int
pg_server_start(struct pg_server *s)
{
	const char *argv[64];
	char port[16];
	int k = 0, i;
	int64_t end;

	snprintf(port, sizeof(port), "%d", s->port);
	argv[k++] = PG_SERVER_BIN "/postgres";
	argv[k++] = "-D";
	argv[k++] = s->data;
	argv[k++] = "-p";
	argv[k++] = port;
	argv[k++] = "-k";
	argv[k++] = s->sock;
	argv[k++] = "-c";
	argv[k++] = "listen_addresses=127.0.0.1";
	argv[k++] = "-c";
	argv[k++] = "fsync=off";
	argv[k++] = "-c";
	argv[k++] = "logging_collector=off";
	for (i = 0; i < 15 && s->opts[i] != NULL; i++) {
		argv[k++] = "-c";
		argv[k++] = s->opts[i];
	}
	argv[k] = NULL;
	s->pid = spawn_server(argv, s->log);
	if (s->pid < 0) {
		s->pid = 0;
		return -1;
	}
	end = now_ms() + READY_TIMEOUT_MS;
	while (now_ms() < end) {
		if (ready(s)) {
			return 0;
		}
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			fprintf(stderr, "pg_server: postgres exited, see %s\n",
				s->log);
			s->pid = 0;
			return -1;
		}
		usleep(20000);
	}
	fprintf(stderr, "pg_server: not ready after %d ms, see %s\n",
		READY_TIMEOUT_MS, s->log);
	return -1;
}

int
pg_server_init(struct pg_server *s, const char *const *opts)
{
	const char *tpl;
	int i;

	memset(s, 0, sizeof(*s));
	if (pg_server_template() < 0) {
		return -1;
	}
	tpl = getenv(TEMPLATE_ENV);
	for (i = 0; opts != NULL && opts[i] != NULL && i < 15; i++) {
		s->opts[i] = xstrdup(opts[i]);
	}
	if (make_dirs(s, "warroom-pg") < 0) {
		return -1;
	}
	if (harness_sh(s->log, "cp -a '%s' '%s'", tpl, s->data) != 0) {
		fprintf(stderr, "pg_server: cannot copy the template\n");
		return -1;
	}
	if ((s->port = harness_free_port()) < 0) {
		return -1;
	}
	return pg_server_start(s);
}

int
pg_server_init_standby(struct pg_server *s, const struct pg_server *primary)
{
	char port[16];
	int rc;

	memset(s, 0, sizeof(*s));
	s->opts[0] = xstrdup("cluster_name=standby1");
	if (make_dirs(s, "warroom-pgsb") < 0) {
		return -1;
	}
	snprintf(port, sizeof(port), "%d", primary->port);
	{
		const char *argv[] = {
			PG_SERVER_BIN "/pg_basebackup", "-D", s->data, "-R",
			"-X", "stream", "-h", "127.0.0.1", "-p", port,
			"-U", "postgres", "-c", "fast", NULL,
		};

		rc = run_wait(argv, s->log);
	}
	if (rc != 0) {
		fprintf(stderr, "pg_server: pg_basebackup failed (%d), see "
			"%s\n", rc, s->log);
		return -1;
	}
	if ((s->port = harness_free_port()) < 0) {
		return -1;
	}
	return pg_server_start(s);
}

/* Sends sig and waits up to ms for the postmaster to exit; true if it
 * did. */
static bool
signal_wait(struct pg_server *s, int sig, int ms)
{
	int64_t end = now_ms() + ms;

	kill(s->pid, sig);
	while (now_ms() < end) {
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			return true;
		}
		usleep(5000);
	}
	return false;
}

void
pg_server_kill(struct pg_server *s)
{
	if (s->pid > 0 && !signal_wait(s, SIGQUIT, 5000)) {
		signal_wait(s, SIGKILL, 5000);
	}
	s->pid = 0;
}

void
pg_server_stop(struct pg_server *s)
{
	if (s->pid > 0 && !signal_wait(s, SIGINT, 5000)) {
		pg_server_kill(s);
	}
	s->pid = 0;
}

void
pg_server_destroy(struct pg_server *s)
{
	int i;

	pg_server_stop(s);
	if (s->dir != NULL) {
		harness_rmrf(s->dir);
	}
	free(s->dir);
	free(s->data);
	free(s->sock);
	free(s->log);
	for (i = 0; s->opts[i] != NULL; i++) {
		free(s->opts[i]);
	}
	memset(s, 0, sizeof(*s));
}

char *
pg_server_dsn(const struct pg_server *s, const char *user, const char *db)
{
	return xasprintf("host=127.0.0.1 port=%d user=%s dbname=%s", s->port,
			 user, db);
}

PGconn *
pg_server_connect(const struct pg_server *s, const char *user,
		  const char *db)
{
	char *dsn = pg_server_dsn(s, user, db);
	PGconn *c = PQconnectdb(dsn);

	free(dsn);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg_server: connect as %s to %s: %s", user, db,
			PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

bool
pg_server_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok) {
		fprintf(stderr, "pg_server: %s: %s", sql, PQerrorMessage(c));
	}
	PQclear(r);
	return ok;
}

#endif /* HAVE_LIBPQ */
