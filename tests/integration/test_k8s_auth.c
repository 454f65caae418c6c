/* How the Kubernetes probe proves who it is, against a real kube-apiserver
 * (k8s_server.h): an exec credential plugin (run again after a 401 and
 * once its token expires, cached until then), a client certificate from
 * files and inline, a CA inline, insecure-skip-tls-verify with its header
 * warning, the pod's service account; and the scope the header shows,
 * production by a context-name pattern. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/k8s.h"
#include "tests/integration/harness.h"
#include "tests/integration/k8s_probe.h"

#define WAIT_MS 30000

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	if (k8s_server_shared() == NULL) {
		fprintf(stderr, "test_k8s_auth: no control plane\n");
	}
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	k8s_server_shared_stop();
}

static bool
lists(const struct snapshot *s, const void *arg)
{
	const char *ns = arg;

	return s->error[0] == '\0' && k8s_pods_in(s, ns) > 0;
}

static bool
fails_with(const struct snapshot *s, const void *arg)
{
	return s->error[0] != '\0' && strstr(s->error, arg) != NULL;
}

static void
expect(struct k8s_run *kr, bool (*ok)(const struct snapshot *, const void *),
       const void *arg, const char *what)
{
	struct snapshot *snap = k8s_run_wait(kr, ok, arg, WAIT_MS);
	char buf[300];

	cr_assert_not_null(snap, "%s: %s", what,
			   k8s_run_describe(k8s_run_latest(kr), buf,
					    sizeof(buf)));
	snapshot_unref(snap);
}

/* A kubeconfig in dir: the server, then `cluster` and `user` bodies as
 * given (YAML, indented four). */
static char *
kubeconfig(const char *dir, const char *server_url, const char *cluster,
	   const char *user)
{
	char *path = xasprintf("%s/kubeconfig", dir);
	char *text = xasprintf("apiVersion: v1\nkind: Config\nclusters:\n"
			       "- name: c\n  cluster:\n    server: %s\n%s"
			       "users:\n- name: u\n  user:\n%s"
			       "contexts:\n- name: ctx-test\n  context:\n"
			       "    cluster: c\n    user: u\n"
			       "current-context: ctx-test\n", server_url,
			       cluster, user);

	k8s_write_file(path, text);
	free(text);
	return path;
}

/* ---- exec plugins --------------------------------------------------------- */

/* A plugin that prints the token in DIR/token, valid for DIR/life
 * seconds, and counts its runs in DIR/runs. */
static char *
plugin(const char *dir)
{
	char *path = xasprintf("%s/plugin.sh", dir);

	k8s_write_file(path,
		"#!/bin/sh\n"
		"n=$(cat \"$DIR/runs\" 2>/dev/null || echo 0)\n"
		"echo $((n + 1)) >\"$DIR/runs.new\"\n"
		"mv \"$DIR/runs.new\" \"$DIR/runs\"\n"
		"exp=$(date -u -d \"+$(cat \"$DIR/life\") seconds\" "
		"+%Y-%m-%dT%H:%M:%SZ)\n"
		"printf '{\"apiVersion\": \"client.authentication.k8s.io/v1\", "
		"\"kind\": \"ExecCredential\", \"status\": {\"token\": \"%s\", "
		"\"expirationTimestamp\": \"%s\"}}\\n' \"$(cat \"$DIR/token\")\" "
		"\"$exp\"\n");
	cr_assert_eq(chmod(path, 0755), 0);
	return path;
}

static int
runs(const char *dir)
{
	char *path = xasprintf("%s/runs", dir);
	FILE *f = fopen(path, "r");
	int n = 0;

	if (f != NULL) {
		if (fscanf(f, "%d", &n) != 1) {
			n = 0;
		}
		fclose(f);
	}
	free(path);
	return n;
}

static void
put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);

	k8s_write_file(path, text);
	free(path);
}

Test(k8s_auth, exec_plugin_runs_again_after_401_and_expiry, .timeout = 240)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "exec");
	char *dir = harness_tmpdir("warroom-k8s-exec");
	char *cmd = plugin(dir), *cluster, *user, *kc, text[2048];
	struct k8s_run kr;
	struct err err = { "" };
	int before;

	k8s_kubectl_ok(s, "run web -n %s --image=registry.k8s.io/pause:3.10", ns);
	put(dir, "token", "not-a-token");
	put(dir, "life", "3600");
	cluster = xasprintf("    certificate-authority: %s\n", s->ca);
	user = xasprintf("    exec:\n"
			 "      apiVersion: client.authentication.k8s.io/v1\n"
			 "      command: %s\n      interactiveMode: Never\n"
			 "      env:\n      - name: DIR\n        value: %s\n",
			 cmd, dir);
	kc = kubeconfig(dir, s->url, cluster, user);
	k8s_run_init(&kr, kc, "namespace", ns, NULL);
	k8s_run_start(&kr);
	/* The server refuses the plugin's token: each try runs it again. */
	expect(&kr, fails_with, "pods: HTTP 401 Unauthorized",
	       "a refused token");
	cr_expect_geq(runs(dir), 2, "the plugin ran %d times", runs(dir));
	put(dir, "token", s->admin_token);
	expect(&kr, lists, ns, "the new token");
	k8s_run_stop(&kr);

	/* A token valid for 12 s counts as expired 10 s early: kept for
	 * 2 s, then fetched again. (Another entry in the plugin's env:
	 * another plugin, not the one whose token is cached for an
	 * hour.) */
	put(dir, "life", "12");
	free(kc);
	free(user);
	user = xasprintf("    exec:\n"
			 "      apiVersion: client.authentication.k8s.io/v1\n"
			 "      command: %s\n      interactiveMode: Never\n"
			 "      env:\n      - name: DIR\n        value: %s\n"
			 "      - name: PART\n        value: two\n",
			 cmd, dir);
	kc = kubeconfig(dir, s->url, cluster, user);
	k8s_run_init(&kr, kc, "namespace", ns, NULL);
	k8s_run_start(&kr);
	expect(&kr, lists, ns, "listed");
	cr_assert_eq(k8s_run_action(&kr, &action_scale, TARGET_DEPLOYMENT, ns,
				    "nosuch", "1", true, text, sizeof(text),
				    &err), 0, "%s", err.msg);
	before = runs(dir);
	cr_assert_eq(k8s_run_action(&kr, &action_scale, TARGET_DEPLOYMENT, ns,
				    "nosuch", "1", true, text, sizeof(text),
				    &err), 0, "%s", err.msg);
	cr_expect_eq(runs(dir), before, "a cached token was fetched again");
	sleep(3);
	cr_assert_eq(k8s_run_action(&kr, &action_scale, TARGET_DEPLOYMENT, ns,
				    "nosuch", "1", true, text, sizeof(text),
				    &err), 0, "%s", err.msg);
	cr_expect_eq(runs(dir), before + 1, "the expired token was kept "
		     "(%d runs, %d before)", runs(dir), before);
	/* It authenticated: the refusal is about the object, not who. */
	cr_expect_not_null(strstr(text, "not found"), "%s", text);
	k8s_run_stop(&kr);
	harness_rmrf(dir);
	free(dir);
	free(cmd);
	free(cluster);
	free(user);
	free(kc);
	free(ns);
}

Test(k8s_auth, exec_plugin_failures_are_one_line, .timeout = 120)
{
	const struct k8s_server *s = k8s_test_server();
	char *dir = harness_tmpdir("warroom-k8s-exec");
	char *cmd = xasprintf("%s/fails.sh", dir), *user, *kc, *cluster;
	struct k8s_run kr;

	k8s_write_file(cmd, "#!/bin/sh\n"
			    "printf 'login expired \\033[2J\\033]0;x\\007 "
			    "run: sso login\\n' >&2\nexit 3\n");
	cr_assert_eq(chmod(cmd, 0755), 0);
	cluster = xasprintf("    certificate-authority: %s\n", s->ca);
	user = xasprintf("    exec:\n"
			 "      apiVersion: client.authentication.k8s.io/v1\n"
			 "      command: %s\n      interactiveMode: Never\n",
			 cmd);
	kc = kubeconfig(dir, s->url, cluster, user);
	k8s_run_init(&kr, kc, NULL);
	k8s_run_start(&kr);
	/* Exit status and stderr's first line, its escapes made visible. */
	expect(&kr, fails_with, "exit status 3: login expired \\x1b[2J"
	       "\\x1b]0;x\\x07 run: sso login", "a failing plugin");
	k8s_run_stop(&kr);
	free(user);
	free(kc);

	/* One that needs a terminal is not run at all. */
	user = xasprintf("    exec:\n"
			 "      apiVersion: client.authentication.k8s.io/v1\n"
			 "      command: %s\n      interactiveMode: Always\n",
			 cmd);
	kc = kubeconfig(dir, s->url, cluster, user);
	k8s_run_init(&kr, kc, NULL);
	k8s_run_start(&kr);
	expect(&kr, fails_with, "needs a terminal", "interactive plugin");
	k8s_run_stop(&kr);
	harness_rmrf(dir);
	free(dir);
	free(cmd);
	free(user);
	free(kc);
	free(cluster);
}

/* ---- certificates and TLS ------------------------------------------------- */

Test(k8s_auth, client_certificate_inline_and_from_files, .timeout = 120)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "cert");
	char *dir = harness_tmpdir("warroom-k8s-cert");
	char *cluster, *user, *kc;
	struct source_scope sc;
	struct k8s_run kr;

	k8s_kubectl_ok(s, "run web -n %s --image=registry.k8s.io/pause:3.10", ns);
	/* Everything inline (-data): nothing of it is a file. */
	k8s_run_init(&kr, s->cert_kubeconfig, "namespace", ns, NULL);
	k8s_run_start(&kr);
	expect(&kr, lists, ns, "client-certificate-data");
	cr_assert(state_get_scope(kr.st, kr.idx, &sc));
	cr_expect_str_eq(sc.name, "cert-admin");
	cr_expect_str_eq(sc.warning, "");
	k8s_run_stop(&kr);

	/* From files, relative to the kubeconfig's directory. */
	cr_assert_eq(harness_sh(NULL, "cp %s %s/ca.crt && cp %s %s/u.crt && "
				"cp %s %s/u.key", s->ca, dir, s->client_cert,
				dir, s->client_key, dir), 0);
	cluster = xstrdup("    certificate-authority: ca.crt\n");
	user = xstrdup("    client-certificate: u.crt\n"
		       "    client-key: u.key\n");
	kc = kubeconfig(dir, s->url, cluster, user);
	k8s_run_init(&kr, kc, "namespace", ns, NULL);
	k8s_run_start(&kr);
	expect(&kr, lists, ns, "client-certificate files");
	k8s_run_stop(&kr);
	free(kc);
	free(cluster);
	free(user);
	harness_rmrf(dir);
	free(dir);
	free(ns);
}

Test(k8s_auth, untrusted_server_and_insecure_skip_tls_verify, .timeout = 120)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "tls");
	char *dir = harness_tmpdir("warroom-k8s-tls");
	char *user = xasprintf("    token: %s\n", s->admin_token), *kc;
	struct source_scope sc;
	struct k8s_run kr;

	k8s_kubectl_ok(s, "run web -n %s --image=registry.k8s.io/pause:3.10", ns);
	/* No CA: the self-signed server is not trusted. */
	kc = kubeconfig(dir, s->url, "", user);
	k8s_run_init(&kr, kc, "namespace", ns, NULL);
	k8s_run_start(&kr);
	expect(&kr, fails_with, "TLS: the server's certificate is not "
	       "trusted", "untrusted");
	cr_assert(state_get_scope(kr.st, kr.idx, &sc));
	cr_expect_str_eq(sc.warning, "");
	k8s_run_stop(&kr);
	free(kc);

	/* Told not to verify: it works, and the header says so. */
	kc = kubeconfig(dir, s->url, "    insecure-skip-tls-verify: true\n",
			user);
	k8s_run_init(&kr, kc, "namespace", ns, NULL);
	k8s_run_start(&kr);
	expect(&kr, lists, ns, "insecure");
	cr_assert(state_get_scope(kr.st, kr.idx, &sc));
	cr_expect_str_eq(sc.warning, "TLS NOT VERIFIED (ctx-test)");
	k8s_run_stop(&kr);
	free(kc);
	harness_rmrf(dir);
	free(dir);
	free(user);
	free(ns);
}

/* ---- the pod's service account ------------------------------------------- */

Test(k8s_auth, service_account_in_cluster, .timeout = 120)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "sa");
	char *dir = harness_tmpdir("warroom-k8s-sa");
	char *token, *port, *path, *who;
	struct k8s_conn conn;
	struct k8s_client *c;
	struct k8s_resp resp;
	struct err err = { "" };

	k8s_kubectl_ok(s, "create serviceaccount reader -n %s", ns);
	cr_assert_eq(k8s_server_kubectl(s, "admin", &token,
			"create token reader -n %s", ns), 0);
	put(dir, "token", token);
	put(dir, "namespace", ns);
	cr_assert_eq(harness_sh(NULL, "cp %s %s/ca.crt", s->ca, dir), 0);
	port = xstrdup(strrchr(s->url, ':') + 1);
	cr_assert_eq(kubeconfig_in_cluster(dir, "127.0.0.1", port, &conn,
					   &err), 0, "%s", err.msg);
	cr_expect_str_eq(conn.ns, ns);
	c = k8s_client_new(&conn, 5000, &err);
	cr_assert_not_null(c, "%s", err.msg);
	path = xasprintf("/api/v1/namespaces/%s/pods", ns);
	/* Known by its token, allowed nothing yet. */
	cr_assert_eq(k8s_request(c, "GET", path, NULL, NULL, &resp, &err), -1);
	who = xasprintf("system:serviceaccount:%s:reader", ns);
	cr_expect_not_null(strstr(err.msg, who), "%s", err.msg);
	cr_expect_not_null(strstr(err.msg, "HTTP 403 Forbidden"), "%s",
			   err.msg);
	k8s_resp_finish(&resp);
	k8s_kubectl_ok(s, "create role pods -n %s --verb=list --resource=pods",
		   ns);
	k8s_kubectl_ok(s, "create rolebinding pods -n %s --role=pods "
		   "--serviceaccount=%s:reader", ns, ns);
	cr_assert_eq(k8s_request(c, "GET", path, NULL, NULL, &resp, &err), 0,
		     "%s", err.msg);
	cr_expect_not_null(strstr(resp.body, "\"PodList\""));
	k8s_resp_finish(&resp);
	k8s_client_free(c);
	k8s_conn_finish(&conn);
	harness_rmrf(dir);
	free(dir);
	free(token);
	free(port);
	free(path);
	free(who);
	free(ns);
}

/* ---- the scope ----------------------------------------------------------- */

Test(k8s_auth, production_by_context_pattern, .timeout = 120)
{
	const struct k8s_server *s = k8s_test_server();
	const struct {
		const char *setting;
		bool production;
	} cases[] = {
		{ "adm*", true },
		{ "prod-*, *-production", false },
		{ "true", true },
		{ "false", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct source_scope sc;
		struct k8s_run kr;
		int64_t end = clock_mono_ms() + WAIT_MS;

		k8s_run_init(&kr, s->admin_kubeconfig, "production",
			     cases[i].setting, NULL);
		k8s_run_start(&kr);
		while (!state_get_scope(kr.st, kr.idx, &sc) &&
		       clock_mono_ms() < end) {
			usleep(50000);
		}
		cr_expect_str_eq(sc.name, "admin", "%s", cases[i].setting);
		cr_expect_eq(sc.production, cases[i].production, "%s",
			     cases[i].setting);
		k8s_run_stop(&kr);
	}
}

static bool
narrowed(const struct snapshot *s, const void *arg)
{
	const struct pods_model *m = snapshot_pods(s);

	return m != NULL && strstr(m->notice, arg) != NULL &&
	       k8s_pods_in(s, (const char *)arg + strlen("may not list pods "
							 "in every namespace: "
							 "watching ")) > 0;
}

Test(k8s_auth, namespace_of_the_context_when_the_cluster_is_refused,
     .timeout = 120)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "narrow");
	char *dir = harness_tmpdir("warroom-k8s-narrow");
	char *token, *user, *kc, *cluster, *path, *text, *want;
	struct k8s_run kr;

	/* Someone who may read one namespace, as a context says. */
	k8s_kubectl_ok(s, "run web -n %s --image=registry.k8s.io/pause:3.10",
		       ns);
	k8s_kubectl_ok(s, "create serviceaccount dev -n %s", ns);
	k8s_kubectl_ok(s, "create rolebinding dev -n %s --clusterrole=view "
		       "--serviceaccount=%s:dev", ns, ns);
	cr_assert_eq(k8s_server_kubectl(s, "admin", &token,
			"create token dev -n %s", ns), 0);
	token[strcspn(token, "\n")] = '\0';
	cluster = xasprintf("    certificate-authority: %s\n", s->ca);
	user = xasprintf("    token: %s\n", token);
	path = xasprintf("%s/kubeconfig", dir);
	text = xasprintf("apiVersion: v1\nkind: Config\nclusters:\n"
			 "- name: c\n  cluster:\n    server: %s\n%s"
			 "users:\n- name: u\n  user:\n%s"
			 "contexts:\n- name: dev\n  context:\n"
			 "    cluster: c\n    user: u\n    namespace: %s\n"
			 "current-context: dev\n", s->url, cluster, user, ns);
	k8s_write_file(path, text);
	kc = path;
	want = xasprintf("may not list pods in every namespace: watching %s",
			 ns);
	k8s_run_init(&kr, kc, NULL);
	k8s_run_start(&kr);
	expect(&kr, narrowed, want, "the context's namespace");
	k8s_run_stop(&kr);
	harness_rmrf(dir);
	free(dir);
	free(token);
	free(user);
	free(cluster);
	free(text);
	free(kc);
	free(want);
	free(ns);
}
