/* exec credential plugins (client.authentication.k8s.io v1 and v1beta1),
 * run as kubectl runs them: no terminal (warroom owns it), a timeout, the
 * credential cached until its expirationTimestamp, stderr kept for the
 * message and sanitized. Any thread; the cache has its own lock, and a
 * plugin runs with no lock held. */
#include "probes/kubeconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/clock.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "probes/k8s.h"

extern char **environ;

#define API_V1 "client.authentication.k8s.io/v1"
#define API_V1BETA1 "client.authentication.k8s.io/v1beta1"
/* What a plugin may print. */
#define STDOUT_MAX (1u << 20)
#define STDERR_MAX 16384
/* A credential this close to its expiry is fetched again. */
#define EXPIRY_MARGIN_MS 10000

struct cached {
	char *key;
	struct k8s_cred cred;
	struct cached *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached *cache;
static atomic_uint runs;

unsigned
k8s_exec_runs(void)
{
	return atomic_load(&runs);
}

void
k8s_cred_finish(struct k8s_cred *cr)
{
	k8s_secret_free(cr->token);
	k8s_blob_finish(&cr->cert);
	k8s_blob_finish(&cr->key);
	memset(cr, 0, sizeof(*cr));
}

static void
cred_copy(struct k8s_cred *dst, const struct k8s_cred *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->token = src->token != NULL ? xstrdup(src->token) : NULL;
	if (src->cert.data != NULL) {
		dst->cert.data = xmalloc(src->cert.len + 1);
		memcpy(dst->cert.data, src->cert.data, src->cert.len + 1);
		dst->cert.len = src->cert.len;
	}
	if (src->key.data != NULL) {
		dst->key.data = xmalloc(src->key.len + 1);
		memcpy(dst->key.data, src->key.data, src->key.len + 1);
		dst->key.len = src->key.len;
	}
	dst->expires_ms = src->expires_ms;
}

/* What identifies a plugin's credential: the plugin as configured and the
 * cluster it is for. */
static char *
cache_key(const struct k8s_conn *c)
{
	const struct k8s_exec *e = c->exec;
	char *key = xasprintf("%s\x1f%s\x1f%s", c->server,
			      e->api_version ? e->api_version : "",
			      e->command ? e->command : "");
	size_t i;

	for (i = 0; i < e->n_args; i++) {
		char *k = xasprintf("%s\x1f%s", key, e->args[i]);

		free(key);
		key = k;
	}
	for (i = 0; i < e->n_env; i++) {
		char *k = xasprintf("%s\x1e%s", key, e->env[i]);

		k8s_secret_free(key);
		key = k;
	}
	return key;
}

static struct cached **
find_locked(const char *key)
{
	struct cached **pp;

	for (pp = &cache; *pp != NULL; pp = &(*pp)->next) {
		if (strcmp((*pp)->key, key) == 0) {
			return pp;
		}
	}
	return pp;
}

void
k8s_exec_forget(const struct k8s_conn *c)
{
	char *key;
	struct cached **pp, *gone;

	if (c->exec == NULL) {
		return;
	}
	key = cache_key(c);
	pthread_mutex_lock(&cache_lock);
	pp = find_locked(key);
	if ((gone = *pp) != NULL) {
		*pp = gone->next;
		k8s_cred_finish(&gone->cred);
		free(gone->key);
		free(gone);
	}
	pthread_mutex_unlock(&cache_lock);
	free(key);
}

static bool
cached_get(const char *key, struct k8s_cred *out)
{
	struct cached *it;
	bool hit = false;

	pthread_mutex_lock(&cache_lock);
	it = *find_locked(key);
	if (it != NULL && (it->cred.expires_ms == 0 ||
			   it->cred.expires_ms - EXPIRY_MARGIN_MS >
			   clock_wall_ms())) {
		cred_copy(out, &it->cred);
		hit = true;
	}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void
cached_put(const char *key, const struct k8s_cred *cred)
{
	struct cached **pp, *it;

	pthread_mutex_lock(&cache_lock);
	pp = find_locked(key);
	if ((it = *pp) == NULL) {
		it = xcalloc(1, sizeof(*it));
		it->key = xstrdup(key);
		*pp = it;
	} else {
		k8s_cred_finish(&it->cred);
	}
	cred_copy(&it->cred, cred);
	pthread_mutex_unlock(&cache_lock);
}

/* ---- running the plugin ----------------------------------------------- */

struct output {
	char *p;
	size_t len;
	size_t max;
	bool over;
};

static void
output_read(int fd, struct output *o, bool *eof)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			*eof = true;
		}
		return;
	}
	if (o->len + (size_t)n > o->max) {
		o->over = true;
		n = (ssize_t)(o->max - o->len);
	}
	o->p = xrealloc(o->p, o->len + (size_t)n + 1);
	memcpy(o->p + o->len, buf, (size_t)n);
	o->len += (size_t)n;
	o->p[o->len] = '\0';
}

/* KUBERNETES_EXEC_INFO: what kubectl tells a plugin. */
static char *
exec_info(const struct k8s_conn *c)
{
	cJSON *o = cJSON_CreateObject(), *spec, *cl;
	char *s, *env;

	cJSON_AddStringToObject(o, "apiVersion", c->exec->api_version);
	cJSON_AddStringToObject(o, "kind", "ExecCredential");
	spec = cJSON_AddObjectToObject(o, "spec");
	cJSON_AddBoolToObject(spec, "interactive", 0);
	if (c->exec->provide_cluster_info) {
		cl = cJSON_AddObjectToObject(spec, "cluster");
		cJSON_AddStringToObject(cl, "server", c->server);
		cJSON_AddBoolToObject(cl, "insecure-skip-tls-verify",
				      c->insecure);
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	env = xasprintf("KUBERNETES_EXEC_INFO=%s", s);
	cJSON_free(s);
	return env;
}

/* environ, then the plugin's env entries, then KUBERNETES_EXEC_INFO. */
static char **
plugin_env(const struct k8s_conn *c)
{
	size_t n = 0, i, k = 0;
	char **env;

	while (environ[n] != NULL) {
		n++;
	}
	env = xcalloc(n + c->exec->n_env + 2, sizeof(*env));
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) != 0) {
			env[k++] = environ[i];
		}
	}
	for (i = 0; i < c->exec->n_env; i++) {
		env[k++] = c->exec->env[i];
	}
	env[k++] = exec_info(c);
	env[k] = NULL;
	return env;
}

static void
set_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl >= 0) {
		fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
}

/* The first non-blank line of stderr, sanitized, for a message. */
static void
first_line(const struct output *o, char *buf, size_t n)
{
	const char *s = o->p != NULL ? o->p : "";
	size_t len;

	while (*s == '\n' || *s == '\r' || *s == ' ') {
		s++;
	}
	len = strcspn(s, "\r\n");
	if (len > 160) {
		len = 160;
	}
	sanitize_into(buf, n, s, len);
}

struct run {
	int status;             /* waitpid()'s */
	bool timed_out;
	bool cancelled;
	struct output out, err;
};

/* Spawns the plugin and collects what it prints until it exits, times
 * out or is cancelled. 0, or -1 with err when it could not start. */
static int
run_plugin(const struct k8s_conn *c, int timeout_ms,
	   bool (*cancelled)(void *arg), void *arg, struct run *r,
	   struct err *err)
{
	const struct k8s_exec *e = c->exec;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	int po[2], pe[2], rc;
	bool eof_o = false, eof_e = false;
	char **argv, **envp;
	int64_t end = clock_mono_ms() + timeout_ms;
	pid_t pid;
	size_t i;

	if (pipe(po) < 0 || pipe(pe) < 0) {
		return err_set(err, "exec plugin: pipe: %s", strerror(errno));
	}
	set_cloexec(po[0]);
	set_cloexec(po[1]);
	set_cloexec(pe[0]);
	set_cloexec(pe[1]);
	argv = xcalloc(e->n_args + 2, sizeof(*argv));
	argv[0] = e->command;
	for (i = 0; i < e->n_args; i++) {
		argv[i + 1] = e->args[i];
	}
	envp = plugin_env(c);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawnattr_init(&at);
	/* The probe thread blocks every signal; the plugin must not inherit
	 * that. Its own process group: a timeout kills its children too. */
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&pid, e->command, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	for (i = 0; envp[i] != NULL; i++) {
		if (strncmp(envp[i], "KUBERNETES_EXEC_INFO=", 21) == 0) {
			free(envp[i]);
		}
	}
	free(envp);
	free(argv);
	close(po[1]);
	close(pe[1]);
	if (rc != 0) {
		close(po[0]);
		close(pe[0]);
		if (rc == ENOENT) {
			return err_set(err, "exec plugin %s: not found%s%.120s",
				       e->command, e->install_hint ? ": " : "",
				       e->install_hint ? e->install_hint : "");
		}
		return err_set(err, "exec plugin %s: %s", e->command,
			       strerror(rc));
	}
	atomic_fetch_add(&runs, 1);
	r->out.max = STDOUT_MAX;
	r->err.max = STDERR_MAX;
	while (!eof_o || !eof_e) {
		struct pollfd fds[2] = {
			{ eof_o ? -1 : po[0], POLLIN, 0 },
			{ eof_e ? -1 : pe[0], POLLIN, 0 },
		};
		int64_t left = end - clock_mono_ms();

		if (left <= 0) {
			r->timed_out = true;
			break;
		}
		if (cancelled != NULL && cancelled(arg)) {
			r->cancelled = true;
			break;
		}
		if (poll(fds, 2, left < 100 ? (int)left : 100) < 0 &&
		    errno != EINTR) {
			break;
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			output_read(po[0], &r->out, &eof_o);
		}
		if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			output_read(pe[0], &r->err, &eof_e);
		}
	}
	close(po[0]);
	close(pe[0]);
	if (r->timed_out || r->cancelled) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR) {
	}
	return 0;
}

/* The ExecCredential on stdout into cred. */
static int
parse_credential(const struct k8s_exec *e, const char *text,
		 struct k8s_cred *cred, struct err *err)
{
	cJSON *doc = cJSON_Parse(text);
	const char *tok, *cert, *key, *exp;
	int rc = 0;

	memset(cred, 0, sizeof(*cred));
	if (doc == NULL || !cJSON_IsObject(doc)) {
		rc = err_set(err, "exec plugin %s: its output is not JSON",
			     e->command);
		goto out;
	}
	if (strcmp(kj_str(doc, "kind"), "ExecCredential") != 0) {
		rc = err_set(err, "exec plugin %s: printed a %.40s, not an "
			     "ExecCredential", e->command,
			     kj_str(doc, "kind"));
		goto out;
	}
	if (strcmp(kj_str(doc, "apiVersion"), e->api_version) != 0) {
		rc = err_set(err, "exec plugin %s is configured for %s but "
			     "printed %.60s", e->command, e->api_version,
			     kj_str(doc, "apiVersion"));
		goto out;
	}
	tok = kj_str(doc, "status.token");
	cert = kj_str(doc, "status.clientCertificateData");
	key = kj_str(doc, "status.clientKeyData");
	exp = kj_str(doc, "status.expirationTimestamp");
	if (tok[0] == '\0' && (cert[0] == '\0' || key[0] == '\0')) {
		rc = err_set(err, "exec plugin %s: no token and no client "
			     "certificate in its ExecCredential", e->command);
		goto out;
	}
	if ((cert[0] == '\0') != (key[0] == '\0')) {
		rc = err_set(err, "exec plugin %s: a client certificate "
			     "without its key, or a key without its "
			     "certificate", e->command);
		goto out;
	}
	if (exp[0] != '\0' && (cred->expires_ms = k8s_time_ms(exp)) == 0) {
		rc = err_set(err, "exec plugin %s: expirationTimestamp is not "
			     "a time", e->command);
		goto out;
	}
	if (tok[0] != '\0') {
		cred->token = xstrdup(tok);
	}
	if (cert[0] != '\0') {
		cred->cert.data = (unsigned char *)xstrdup(cert);
		cred->cert.len = strlen(cert);
		cred->key.data = (unsigned char *)xstrdup(key);
		cred->key.len = strlen(key);
	}
out:
	if (doc != NULL) {
		/* The token was in there. */
		cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "status");
		cJSON *t = cJSON_GetObjectItemCaseSensitive(st, "token");

		if (cJSON_IsString(t)) {
			explicit_bzero(t->valuestring,
				       strlen(t->valuestring));
		}
		cJSON_Delete(doc);
	}
	return rc;
}

int
k8s_exec_credential(const struct k8s_conn *c, int timeout_ms,
		    bool (*cancelled)(void *arg), void *arg,
		    struct k8s_cred *out, struct err *err)
{
	const struct k8s_exec *e = c->exec;
	struct run r;
	char *key, line[200];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (e == NULL || e->command == NULL || e->command[0] == '\0') {
		return err_set(err, "user \"%.60s\": exec plugin without a "
			       "command", c->user);
	}
	if (e->api_version == NULL || (strcmp(e->api_version, API_V1) != 0 &&
				       strcmp(e->api_version,
					      API_V1BETA1) != 0)) {
		return err_set(err, "exec plugin %s: apiVersion %.60s is not "
			       "supported (use %s or %s)", e->command,
			       e->api_version ? e->api_version : "(none)",
			       API_V1, API_V1BETA1);
	}
	if (e->interactive != NULL && strcmp(e->interactive, "Always") == 0) {
		return err_set(err, "exec plugin %s needs a terminal to ask "
			       "you (interactiveMode: Always), and warroom "
			       "runs it without one: log in with it in a "
			       "shell first", e->command);
	}
	key = cache_key(c);
	if (cached_get(key, out)) {
		free(key);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	if (run_plugin(c, timeout_ms, cancelled, arg, &r, err) < 0) {
		goto done;
	}
	first_line(&r.err, line, sizeof(line));
	if (r.cancelled) {
		err_set(err, "exec plugin %s: cancelled", e->command);
	} else if (r.timed_out) {
		err_set(err, "exec plugin %s: no credential after %.1f s%s%s",
			e->command, timeout_ms / 1000.0, line[0] ? ": " : "",
			line);
	} else if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
		char how[32];

		if (WIFEXITED(r.status)) {
			snprintf(how, sizeof(how), "exit status %d",
				 WEXITSTATUS(r.status));
		} else {
			snprintf(how, sizeof(how), "killed by signal %d",
				 WIFSIGNALED(r.status) ? WTERMSIG(r.status) :
				 0);
		}
		err_set(err, "exec plugin %s: %s%s%s", e->command, how,
			line[0] ? ": " : "", line);
	} else if (r.out.over) {
		err_set(err, "exec plugin %s: printed more than 1 MiB",
			e->command);
	} else if (parse_credential(e, r.out.p ? r.out.p : "", out,
				    err) == 0) {
		cached_put(key, out);
		rc = 0;
	}
done:
	if (r.out.p != NULL) {
		explicit_bzero(r.out.p, r.out.len);
		free(r.out.p);
	}
	free(r.err.p);
	free(key);
	return rc;
}
