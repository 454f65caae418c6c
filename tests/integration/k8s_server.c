/* A real Kubernetes control plane for tests: see k8s_server.h. Test main
 * thread (the runner's for k8s_server_shared, each test's for the rest). */
#include "tests/integration/k8s_server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "tests/integration/harness.h"

#define RETRY_MS 250
#define UP_TRIES 3
#define NAMESPACE_MS 30000

static struct k8s_server shared;
static bool shared_ready;

/* Exit status of child pid, or -1. */
static int
wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			return -1;
		}
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Runs argv (argv[0] searched in PATH) with stdin from /dev/null, stdout
 * into *out when out is not NULL (else to /dev/null) and stderr to ours;
 * the child dies with this thread. Its exit status, or -1. Nothing it
 * leaves running may keep stdout open: we read to the end. */
static int
run(const char *const argv[], char **out)
{
	pid_t parent = getpid();
	size_t len = 0, cap = 4096;
	char *buf;
	int p[2] = { -1, -1 };
	pid_t pid;
	int rc;

	if (out != NULL) {
		*out = NULL;
		if (pipe(p) < 0) {
			return -1;
		}
		fcntl(p[0], F_SETFD, FD_CLOEXEC);
		fcntl(p[1], F_SETFD, FD_CLOEXEC);
	}
	pid = fork();
	if (pid < 0) {
		if (out != NULL) {
			close(p[0]);
			close(p[1]);
		}
		return -1;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		sigset_t none;

		if (nul >= 0) {
			dup2(nul, STDIN_FILENO);
			dup2(out != NULL ? p[1] : nul, STDOUT_FILENO);
		}
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent) {
			_exit(127);
		}
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "k8s_server: exec %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (out == NULL) {
		return wait_status(pid);
	}
	close(p[1]);
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(p[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(p[0]);
	rc = wait_status(pid);
	*out = buf;
	return rc;
}

/* Prints the last lines of a log to stderr. */
static void
print_tail(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;
	long size;

	if (f == NULL) {
		return;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, size > (long)sizeof(buf) - 1 ? size - (long)sizeof(buf) + 1
		 : 0, SEEK_SET);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	fprintf(stderr, "--- end of %s ---\n%s\n---\n", path, buf);
}

/* The value of KEY='value' lines, quotes removed. */
static void
set_field(struct k8s_server *s, const char *key, const char *val)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ "K8S_DIR", offsetof(struct k8s_server, dir) },
		{ "K8S_URL", offsetof(struct k8s_server, url) },
		{ "K8S_CA", offsetof(struct k8s_server, ca) },
		{ "K8S_ADMIN_TOKEN", offsetof(struct k8s_server, admin_token) },
		{ "K8S_VIEWER_TOKEN",
		  offsetof(struct k8s_server, viewer_token) },
		{ "K8S_ADMIN_KUBECONFIG",
		  offsetof(struct k8s_server, admin_kubeconfig) },
		{ "K8S_VIEWER_KUBECONFIG",
		  offsetof(struct k8s_server, viewer_kubeconfig) },
		{ "K8S_CLIENT_CERT", offsetof(struct k8s_server, client_cert) },
		{ "K8S_CLIENT_KEY", offsetof(struct k8s_server, client_key) },
		{ "K8S_CERT_KUBECONFIG",
		  offsetof(struct k8s_server, cert_kubeconfig) },
		{ "K8S_BIN", offsetof(struct k8s_server, bin) },
		{ "K8S_VERSION", offsetof(struct k8s_server, version) },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(key, fields[i].key) == 0) {
			char **f = (char **)((char *)s + fields[i].off);

			free(*f);
			*f = xstrdup(val);
			return;
		}
	}
}

int
k8s_server_attach(struct k8s_server *s, const char *env_path)
{
	FILE *f = fopen(env_path, "r");
	char line[4096];

	memset(s, 0, sizeof(*s));
	if (f == NULL) {
		fprintf(stderr, "k8s_server: %s: %s\n", env_path,
			strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *eq = strchr(line, '=');
		char *val, *end;

		if (eq == NULL) {
			continue;
		}
		*eq = '\0';
		val = eq + 1;
		end = val + strcspn(val, "\n");
		*end = '\0';
		if (*val == '\'' && end > val + 1 && end[-1] == '\'') {
			val++;
			end[-1] = '\0';
		}
		set_field(s, line, val);
	}
	fclose(f);
	if (s->dir == NULL || s->url == NULL || s->ca == NULL ||
	    s->admin_token == NULL || s->viewer_token == NULL ||
	    s->admin_kubeconfig == NULL || s->viewer_kubeconfig == NULL ||
	    s->client_cert == NULL || s->client_key == NULL ||
	    s->cert_kubeconfig == NULL || s->bin == NULL ||
	    s->version == NULL) {
		fprintf(stderr, "k8s_server: %s lacks a K8S_ line\n", env_path);
		k8s_server_stop(s);
		return -1;
	}
	return 0;
}

/* scripts/k8s-down DIR: stops what k8s-up started there. */
static void
down(const char *src, const char *dir)
{
	char *script = xasprintf("%s/scripts/k8s-down", src);

	run((const char *const[]){ script, dir, NULL }, NULL);
	free(script);
}

/* One run of scripts/k8s-up in a new directory; its path, or NULL after
 * printing why (the directory stays when keep_failed, for its logs). */
static char *
up(const char *src, bool keep_failed)
{
	char *script, *log, *dir, parent[32];
	pid_t pid;
	int rc;

	if ((dir = harness_tmpdir("warroom-k8s")) == NULL) {
		fprintf(stderr, "k8s_server: no temporary directory\n");
		return NULL;
	}
	script = xasprintf("%s/scripts/k8s-up", src);
	log = xasprintf("%s/k8s-up.log", dir);
	snprintf(parent, sizeof(parent), "%d", (int)getpid());
	pid = harness_spawn((const char *const[]){ script, "--parent", parent,
						   dir, NULL },
			    log, NULL, NULL);
	rc = pid < 0 ? -1 : wait_status(pid);
	free(script);
	if (rc != 0) {
		fprintf(stderr, "k8s_server: scripts/k8s-up %s failed (%d)\n",
			dir, rc);
		print_tail(log);
		if (!keep_failed) {
			harness_rmrf(dir);
		}
		free(dir);
		dir = NULL;
	}
	free(log);
	return dir;
}

int
k8s_server_start(struct k8s_server *s)
{
	const char *src = getenv("WARROOM_SOURCE_DIR");
	char *out = NULL, *script, *dir = NULL, *env;
	int64_t t0;
	int rc;

	memset(s, 0, sizeof(*s));
	if (src == NULL || *src == '\0') {
		fprintf(stderr, "k8s_server: WARROOM_SOURCE_DIR is not set\n");
		return -1;
	}

	/* The build prints its progress on stderr (ours), the bin
	 * directory last on stdout. */
	script = xasprintf("%s/scripts/k8s-build", src);
	rc = run((const char *const[]){ script, NULL }, &out);
	free(script);
	free(out);
	if (rc != 0) {
		fprintf(stderr, "k8s_server: scripts/k8s-build failed (%d)\n",
			rc);
		return -1;
	}

	/* Its ports were free a moment before the servers bind them:
	 * another process may take one first. */
	t0 = clock_mono_ms();
	for (int i = 0; dir == NULL && i < UP_TRIES; i++) {
		dir = up(src, i == UP_TRIES - 1);
	}
	if (dir == NULL) {
		return -1;
	}

	env = xasprintf("%s/env", dir);
	rc = k8s_server_attach(s, env);
	free(env);
	if (rc < 0) {
		down(src, dir);
		free(dir);
		return -1;
	}
	s->owner = true;
	fprintf(stderr, "k8s_server: Kubernetes %s ready at %s in %.1f s "
		"(%s)\n", s->version, s->url,
		(double)(clock_mono_ms() - t0) / 1000.0, dir);
	free(dir);
	return 0;
}

void
k8s_server_stop(struct k8s_server *s)
{
	const char *src = getenv("WARROOM_SOURCE_DIR");

	if (s->owner && s->dir != NULL && src != NULL) {
		down(src, s->dir);
		if (getenv("WARROOM_KEEP_K8S") == NULL) {
			harness_rmrf(s->dir);
		} else {
			fprintf(stderr, "k8s_server: kept %s\n", s->dir);
		}
	}
	free(s->dir);
	free(s->url);
	free(s->ca);
	free(s->admin_token);
	free(s->viewer_token);
	free(s->admin_kubeconfig);
	free(s->viewer_kubeconfig);
	free(s->client_cert);
	free(s->client_key);
	free(s->cert_kubeconfig);
	free(s->bin);
	free(s->version);
	memset(s, 0, sizeof(*s));
}

const struct k8s_server *
k8s_server_shared(void)
{
	const char *env = getenv(K8S_SERVER_ENV);

	if (shared_ready) {
		return &shared;
	}
	if (env != NULL) {
		/* Empty: the runner tried and failed; do not try again in
		 * every test. */
		if (*env == '\0' || k8s_server_attach(&shared, env) < 0) {
			return NULL;
		}
		shared_ready = true;
		return &shared;
	}
	if (k8s_server_start(&shared) < 0) {
		setenv(K8S_SERVER_ENV, "", 1);
		return NULL;
	}
	env = xasprintf("%s/env", shared.dir);
	setenv(K8S_SERVER_ENV, env, 1);
	free((char *)env);
	shared_ready = true;
	return &shared;
}

void
k8s_server_shared_stop(void)
{
	if (shared_ready && shared.owner) {
		k8s_server_stop(&shared);
		shared_ready = false;
		unsetenv(K8S_SERVER_ENV);
	}
}

/* Runs kubectl as `as` with ARGS already formatted. */
static int
kubectl(const struct k8s_server *s, const char *as, char **out,
	const char *args)
{
	const char *kubeconfig;
	char *kubectl_path, *cmd;
	int rc;

	if (out != NULL) {
		*out = NULL;
	}
	if (s == NULL) {
		return -1;
	}
	if (strcmp(as, "admin") == 0) {
		kubeconfig = s->admin_kubeconfig;
	} else if (strcmp(as, "viewer") == 0) {
		kubeconfig = s->viewer_kubeconfig;
	} else {
		fprintf(stderr, "k8s_server: no user %s\n", as);
		return -1;
	}
	kubectl_path = xasprintf("%s/kubectl", s->bin);
	/* The paths go in as $0 and $1, untouched by the shell. */
	cmd = xasprintf("exec \"$0\" --kubeconfig=\"$1\" %s", args);
	rc = run((const char *const[]){ "sh", "-c", cmd, kubectl_path,
					kubeconfig, NULL },
		 out);
	free(cmd);
	free(kubectl_path);
	return rc;
}

int
k8s_server_kubectl(const struct k8s_server *s, const char *as, char **out,
		   const char *fmt, ...)
{
	va_list ap;
	char *args;
	int rc;

	va_start(ap, fmt);
	args = xvasprintf(fmt, ap);
	va_end(ap);
	rc = kubectl(s, as, out, args);
	free(args);
	return rc;
}

static bool
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

bool
k8s_server_kubectl_until(const struct k8s_server *s, const char *as,
			 int timeout_ms, char **out, const char *fmt, ...)
{
	int64_t end = clock_mono_ms() + timeout_ms;
	va_list ap;
	char *args, *got = NULL;
	bool ok = false;

	va_start(ap, fmt);
	args = xvasprintf(fmt, ap);
	va_end(ap);
	for (;;) {
		free(got);
		if (kubectl(s, as, &got, args) == 0 && !blank(got)) {
			ok = true;
			break;
		}
		if (clock_mono_ms() >= end) {
			break;
		}
		usleep(RETRY_MS * 1000);
	}
	free(args);
	if (out != NULL) {
		*out = got;
	} else {
		free(got);
	}
	return ok;
}

char *
k8s_server_namespace(const struct k8s_server *s, const char *prefix)
{
	static int n;
	char *name = xasprintf("%s-%d-%d", prefix, (int)getpid(), n++);
	char *out = NULL;

	if (k8s_server_kubectl(s, "admin", NULL, "create namespace %s",
			       name) != 0) {
		fprintf(stderr, "k8s_server: cannot create namespace %s\n",
			name);
		free(name);
		return NULL;
	}
	if (!k8s_server_kubectl_until(s, "admin", NAMESPACE_MS, &out,
				      "get serviceaccount default -n %s "
				      "-o name 2>/dev/null", name)) {
		fprintf(stderr, "k8s_server: namespace %s has no default "
			"service account after %d ms\n", name, NAMESPACE_MS);
		free(out);
		free(name);
		return NULL;
	}
	free(out);
	return name;
}
