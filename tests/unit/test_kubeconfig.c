/* kubeconfig files as kubectl reads them (every credential form, relative
 * paths, JSON, merging in KUBECONFIG order, the errors), the pod's service
 * account, base64, and exec credential plugins run as kubectl runs them:
 * cached until they expire, forgotten after a 401, refused when they need
 * a terminal, failing in one sanitized line, killed at their timeout. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "probes/kubeconfig.h"

static char dir[256];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/warroom-kubeconfig-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	unsetenv("KUBECONFIG");
	unsetenv("KUBERNETES_SERVICE_HOST");
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(kubeconfig, .init = setup, .fini = teardown, .timeout = 30);

/* Writes dir/name; returns its path (the caller frees). */
static char *
put(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* "-----BEGIN X-----" in base64. */
#define PEM_B64 "LS0tLS1CRUdJTiBYLS0tLS0K"

static const char full[] =
	"apiVersion: v1\n"
	"kind: Config\n"
	"current-context: prod\n"
	"clusters:\n"
	"- name: prod-cluster\n"
	"  cluster:\n"
	"    server: https://api.prod.example:6443/\n"
	"    certificate-authority-data: " PEM_B64 "\n"
	"- name: lab\n"
	"  cluster:\n"
	"    server: https://10.0.0.1\n"
	"    insecure-skip-tls-verify: true\n"
	"    certificate-authority: ca.pem\n"
	"users:\n"
	"- name: alice\n"
	"  user:\n"
	"    client-certificate-data: " PEM_B64 "\n"
	"    client-key-data: " PEM_B64 "\n"
	"- name: files\n"
	"  user:\n"
	"    client-certificate: certs/u.crt\n"
	"    client-key: /abs/u.key\n"
	"    tokenFile: tok\n"
	"- name: sso\n"
	"  user:\n"
	"    exec:\n"
	"      apiVersion: client.authentication.k8s.io/v1beta1\n"
	"      command: bin/sso-plugin\n"
	"      args: [get-token, --cluster, prod]\n"
	"      env:\n"
	"      - name: SSO_PROFILE\n"
	"        value: oncall\n"
	"      interactiveMode: IfAvailable\n"
	"      provideClusterInfo: true\n"
	"      installHint: install sso-plugin\n"
	"- name: old\n"
	"  user:\n"
	"    auth-provider:\n"
	"      name: gcp\n"
	"contexts:\n"
	"- name: prod\n"
	"  context:\n"
	"    cluster: prod-cluster\n"
	"    user: alice\n"
	"    namespace: checkout\n"
	"- name: lab\n"
	"  context:\n"
	"    cluster: lab\n"
	"    user: files\n"
	"- name: sso\n"
	"  context:\n"
	"    cluster: prod-cluster\n"
	"    user: sso\n"
	"- name: old\n"
	"  context:\n"
	"    cluster: prod-cluster\n"
	"    user: old\n";

Test(kubeconfig, every_credential_form)
{
	struct kubeconfig *kc;
	struct k8s_conn c;
	struct err err = { "" };

	kc = kubeconfig_parse(full, strlen(full), "/etc/kube", &err);
	cr_assert_not_null(kc, "%s", err.msg);
	cr_expect_str_eq(kubeconfig_current(kc), "prod");

	/* The current context: inline certificate, key and CA. */
	memset(&c, 0, sizeof(c));
	cr_assert_eq(kubeconfig_resolve(kc, NULL, &c, &err), 0, "%s", err.msg);
	cr_expect_str_eq(c.context, "prod");
	cr_expect_str_eq(c.server, "https://api.prod.example:6443");
	cr_expect_str_eq(c.ns, "checkout");
	cr_expect_str_eq((char *)c.ca.data, "-----BEGIN X-----\n");
	cr_expect_str_eq((char *)c.cert.data, "-----BEGIN X-----\n");
	cr_expect_eq(c.key.len, 18);
	cr_expect_not(c.insecure);
	cr_expect_null(c.exec);
	k8s_conn_finish(&c);

	/* An exec plugin: its command made absolute (it names a path). */
	cr_assert_eq(kubeconfig_resolve(kc, "sso", &c, &err), 0, "%s",
		     err.msg);
	cr_assert_not_null(c.exec);
	cr_expect_str_eq(c.exec->command, "/etc/kube/bin/sso-plugin");
	cr_expect_str_eq(c.exec->api_version,
			 "client.authentication.k8s.io/v1beta1");
	cr_assert_eq(c.exec->n_args, 3);
	cr_expect_str_eq(c.exec->args[1], "--cluster");
	cr_assert_eq(c.exec->n_env, 1);
	cr_expect_str_eq(c.exec->env[0], "SSO_PROFILE=oncall");
	cr_expect_str_eq(c.exec->interactive, "IfAvailable");
	cr_expect_str_eq(c.exec->install_hint, "install sso-plugin");
	cr_expect(c.exec->provide_cluster_info);
	k8s_conn_finish(&c);

	/* auth-provider: what to use instead. */
	cr_expect_eq(kubeconfig_resolve(kc, "old", &c, &err), -1);
	cr_expect_not_null(strstr(err.msg, "auth-provider \"gcp\""), "%s",
			   err.msg);
	cr_expect_not_null(strstr(err.msg, "exec plugin"), "%s", err.msg);
	k8s_conn_finish(&c);
	cr_expect_eq(kubeconfig_resolve(kc, "nope", &c, &err), -1);
	cr_expect_str_eq(err.msg, "context \"nope\" not found");
	k8s_conn_finish(&c);
	kubeconfig_free(kc);
}

Test(kubeconfig, paths_relative_to_the_file)
{
	char *sub = xasprintf("%s/certs", dir), *path, *want;
	struct k8s_conn c;
	struct err err = { "" };

	cr_assert_eq(mkdir(sub, 0700), 0);
	free(put("ca.pem", "CA\n"));
	free(put("certs/u.crt", "CERT\n"));
	free(put("certs/u.key", "KEY\n"));
	path = put("config",
		   "current-context: x\n"
		   "clusters:\n- name: c\n  cluster:\n"
		   "    server: https://h\n"
		   "    certificate-authority: ca.pem\n"
		   "users:\n- name: u\n  user:\n"
		   "    client-certificate: certs/u.crt\n"
		   "    client-key: certs/u.key\n"
		   "    tokenFile: tok\n"
		   "contexts:\n- name: x\n  context:\n"
		   "    cluster: c\n    user: u\n");
	cr_assert_eq(kubeconfig_load(path, NULL, &c, &err), 0, "%s", err.msg);
	cr_expect_str_eq((char *)c.ca.data, "CA\n");
	cr_expect_str_eq((char *)c.cert.data, "CERT\n");
	cr_expect_str_eq((char *)c.key.data, "KEY\n");
	want = xasprintf("%s/tok", dir);
	cr_expect_str_eq(c.token_file, want);
	free(want);
	k8s_conn_finish(&c);
	/* A file named that is not there says which. */
	free(path);
	path = xasprintf("%s/ca.pem", dir);
	cr_assert_eq(unlink(path), 0);
	free(path);
	path = put("config", full);
	cr_assert_eq(kubeconfig_load(path, "lab", &c, &err), -1);
	want = xasprintf("certificate-authority: cannot read %s/ca.pem: No "
			 "such file or directory", dir);
	cr_expect_str_eq(err.msg, want);
	free(want);
	k8s_conn_finish(&c);
	free(path);
	free(sub);
}

Test(kubeconfig, files_merge_as_kubectl_merges_them)
{
	char *a = put("a", "current-context: one\n"
			   "clusters:\n- name: c\n  cluster:\n"
			   "    server: https://a.example\n"
			   "contexts:\n- name: one\n  context:\n"
			   "    cluster: c\n    namespace: from-a\n");
	char *b = put("b", "current-context: two\n"
			   "clusters:\n- name: c\n  cluster:\n"
			   "    server: https://b.example\n"
			   "- name: d\n  cluster:\n"
			   "    server: https://d.example\n"
			   "contexts:\n- name: one\n  context:\n"
			   "    cluster: d\n"
			   "- name: two\n  context:\n    cluster: d\n");
	char *list = xasprintf("%s/missing:%s:%s", dir, a, b);
	struct k8s_conn c;
	struct err err = { "" };

	/* The first file's current-context and entries win, whole; a
	 * missing file is skipped; the later file adds what is new. */
	cr_assert_eq(kubeconfig_load(list, NULL, &c, &err), 0, "%s", err.msg);
	cr_expect_str_eq(c.context, "one");
	cr_expect_str_eq(c.server, "https://a.example");
	cr_expect_str_eq(c.ns, "from-a");
	cr_expect_str_eq(c.origin, list);
	k8s_conn_finish(&c);
	cr_assert_eq(kubeconfig_load(list, "two", &c, &err), 0, "%s", err.msg);
	cr_expect_str_eq(c.server, "https://d.example");
	cr_expect_str_eq(c.ns, "");
	k8s_conn_finish(&c);
	/* KUBECONFIG when the section names none. */
	setenv("KUBECONFIG", list, 1);
	cr_assert_eq(kubeconfig_load(NULL, NULL, &c, &err), 0, "%s", err.msg);
	cr_expect_str_eq(c.server, "https://a.example");
	k8s_conn_finish(&c);
	free(list);
	free(a);
	free(b);
}

Test(kubeconfig, json_is_yaml_too)
{
	static const char json[] =
		"{\"apiVersion\": \"v1\", \"current-context\": \"x\", "
		"\"clusters\": [{\"name\": \"c\", \"cluster\": {\"server\": "
		"\"http://127.0.0.1:8080\"}}], \"users\": [{\"name\": \"u\", "
		"\"user\": {\"token\": \"abc\"}}], \"contexts\": [{\"name\": "
		"\"x\", \"context\": {\"cluster\": \"c\", \"user\": \"u\"}}]}";
	struct kubeconfig *kc;
	struct k8s_conn c;
	struct err err = { "" };

	kc = kubeconfig_parse(json, strlen(json), NULL, &err);
	cr_assert_not_null(kc, "%s", err.msg);
	cr_assert_eq(kubeconfig_resolve(kc, NULL, &c, &err), 0, "%s", err.msg);
	cr_expect_str_eq(c.token, "abc");
	k8s_conn_finish(&c);
	kubeconfig_free(kc);
}

struct bad_case {
	char text[240];
	char context[16];
	char err[96];
};

ParameterizedTestParameters(kubeconfig, refused)
{
	static struct bad_case cases[] = {
		{ "clusters: [\n", "", "line 2: did not find expected node "
		  "content" },
		{ "- a\n- b\n", "", "not a kubeconfig (expected a mapping at "
		  "the top)" },
		{ "current-context: x\n", "", "context \"x\" not found" },
		{ "contexts:\n- name: x\n  context:\n    cluster: c\n", "x",
		  "context \"x\": cluster \"c\" not found" },
		{ "clusters:\n- name: c\n  cluster:\n    server: ftp://h\n"
		  "contexts:\n- name: x\n  context:\n    cluster: c\n", "x",
		  "cluster \"c\": server is not an http:// or https:// URL" },
		{ "clusters:\n- name: c\n  cluster:\n    server: https://h\n"
		  "contexts:\n- name: x\n  context:\n    cluster: c\n"
		  "    user: u\n", "x", "context \"x\": user \"u\" not found" },
		{ "clusters:\n- name: c\n  cluster:\n    server: https://h\n"
		  "users:\n- name: u\n  user:\n"
		  "    client-certificate-data: " PEM_B64 "\n"
		  "contexts:\n- name: x\n  context:\n    cluster: c\n"
		  "    user: u\n", "x", "user \"u\": a client certificate "
		  "needs its key" },
		{ "users:\n- name: u\n  user:\n"
		  "    client-key-data: '!!not base64'\n", "",
		  "user \"u\": client-key-data is not base64" },
		{ "kind: Config\n", "", "no current-context" },
	};

	return cr_make_param_array(struct bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *bc, kubeconfig, refused)
{
	struct kubeconfig *kc;
	struct k8s_conn c;
	struct err err = { "" };

	memset(&c, 0, sizeof(c));
	kc = kubeconfig_parse(bc->text, strlen(bc->text), NULL, &err);
	if (kc != NULL) {
		cr_assert_eq(kubeconfig_resolve(kc, bc->context[0] ?
						bc->context : NULL, &c, &err),
			     -1, "%s", bc->text);
		kubeconfig_free(kc);
	}
	cr_expect(strncmp(err.msg, bc->err, strlen(bc->err)) == 0,
		  "'%s' for %s", err.msg, bc->text);
	k8s_conn_finish(&c);
}

Test(kubeconfig, no_file_at_all)
{
	char *home = xasprintf("%s/home", dir), *want;
	struct k8s_conn c;
	struct err err = { "" };

	setenv("HOME", home, 1);
	cr_assert_eq(kubeconfig_load(NULL, NULL, &c, &err), -1);
	want = xasprintf("no kubeconfig: %s/.kube/config does not exist",
			 home);
	cr_expect_str_eq(err.msg, want);
	free(want);
	k8s_conn_finish(&c);
	free(home);
}

Test(kubeconfig, service_account)
{
	char *path;
	struct k8s_conn c;
	struct err err = { "" };

	free(put("token", "sa-token\n"));
	free(put("ca.crt", "CA\n"));
	free(put("namespace", "payments\n"));
	cr_assert_eq(kubeconfig_in_cluster(dir, "fd00::1", "443", &c, &err),
		     0, "%s", err.msg);
	cr_expect_str_eq(c.server, "https://[fd00::1]:443");
	cr_expect_str_eq(c.ns, "payments");
	cr_expect_str_eq((char *)c.ca.data, "CA\n");
	cr_expect(c.in_cluster);
	cr_expect_not_null(strstr(c.token_file, "/token"));
	k8s_conn_finish(&c);
	path = xasprintf("%s/token", dir);
	unlink(path);
	free(path);
	cr_expect_eq(kubeconfig_in_cluster(dir, "10.0.0.1", "443", &c, &err),
		     -1);
	cr_expect_not_null(strstr(err.msg, "service account: cannot read"),
			   "%s", err.msg);
	k8s_conn_finish(&c);
}

Test(kubeconfig, base64)
{
	struct k8s_blob b;

	cr_assert(k8s_base64_decode("aGVs\nbG8=", &b));
	cr_expect_eq(b.len, 5);
	cr_expect_str_eq((char *)b.data, "hello");
	k8s_blob_finish(&b);
	cr_expect_not(k8s_base64_decode("aGVsbG8=x", &b));
	cr_expect_not(k8s_base64_decode("a$b", &b));
}

/* ---- exec plugins ----------------------------------------------------------- */

/* A plugin: a shell script whose body is text. */
static struct k8s_conn
plugin_conn(const char *text, const char *api, const char *mode)
{
	struct k8s_conn c;
	char *path = put("plugin.sh", text);

	chmod(path, 0755);
	memset(&c, 0, sizeof(c));
	c.server = xstrdup("https://k8s.example:6443");
	c.user = xstrdup("sso");
	c.exec = xcalloc(1, sizeof(*c.exec));
	c.exec->command = path;
	c.exec->api_version = xstrdup(api);
	c.exec->interactive = xstrdup(mode);
	c.exec->args = xcalloc(2, sizeof(char *));
	c.exec->args[0] = xstrdup(dir);
	c.exec->n_args = 1;
	c.exec->env = xcalloc(2, sizeof(char *));
	c.exec->env[0] = xstrdup("WHO=tester");
	c.exec->n_env = 1;
	c.exec->provide_cluster_info = true;
	return c;
}

/* Prints a v1 credential expiring in $1 seconds, and what it was told. */
static const char good_plugin[] =
	"#!/bin/sh\n"
	"printf '%s' \"$KUBERNETES_EXEC_INFO\" >\"$1/info\"\n"
	"printf '%s' \"$WHO\" >\"$1/who\"\n"
	"exp=$(date -u -d \"+$(cat \"$1/life\") seconds\" "
	"+%Y-%m-%dT%H:%M:%SZ)\n"
	"printf '{\"apiVersion\": \"client.authentication.k8s.io/v1\", "
	"\"kind\": \"ExecCredential\", \"status\": {\"token\": \"tok-%s\", "
	"\"expirationTimestamp\": \"%s\"}}' $$ \"$exp\"\n";

static char *
slurp(const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), buf[2048];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f, "no %s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	free(path);
	return xstrdup(buf);
}

Test(kubeconfig, exec_plugin_cached_until_it_expires)
{
	struct k8s_conn c = plugin_conn(good_plugin,
					"client.authentication.k8s.io/v1",
					"Never");
	struct k8s_cred a, b;
	struct err err = { "" };
	unsigned runs = k8s_exec_runs();
	char *s;

	free(put("life", "3600"));
	cr_assert_eq(k8s_exec_credential(&c, 5000, NULL, NULL, &a, &err), 0,
		     "%s", err.msg);
	cr_expect_eq(k8s_exec_runs(), runs + 1);
	cr_expect_eq(strncmp(a.token, "tok-", 4), 0, "%s", a.token);
	cr_expect_gt(a.expires_ms, clock_wall_ms() + 3500 * 1000);
	/* What kubectl tells a plugin: no terminal, and the cluster. */
	s = slurp("info");
	cr_expect_not_null(strstr(s, "\"interactive\":false"), "%s", s);
	cr_expect_not_null(strstr(s, "\"server\":\"https://k8s.example:6443\""),
			   "%s", s);
	free(s);
	s = slurp("who");
	cr_expect_str_eq(s, "tester");
	free(s);
	/* Cached. */
	cr_assert_eq(k8s_exec_credential(&c, 5000, NULL, NULL, &b, &err), 0);
	cr_expect_str_eq(b.token, a.token);
	cr_expect_eq(k8s_exec_runs(), runs + 1);
	k8s_cred_finish(&b);
	/* Forgotten after a 401. */
	k8s_exec_forget(&c);
	cr_assert_eq(k8s_exec_credential(&c, 5000, NULL, NULL, &b, &err), 0);
	cr_expect_eq(k8s_exec_runs(), runs + 2);
	k8s_cred_finish(&b);
	k8s_cred_finish(&a);
	/* A token about to expire (within 10 s) is fetched every time. */
	free(put("life", "5"));
	k8s_exec_forget(&c);
	cr_assert_eq(k8s_exec_credential(&c, 5000, NULL, NULL, &a, &err), 0);
	cr_assert_eq(k8s_exec_credential(&c, 5000, NULL, NULL, &b, &err), 0);
	cr_expect_eq(k8s_exec_runs(), runs + 4);
	k8s_cred_finish(&a);
	k8s_cred_finish(&b);
	k8s_conn_finish(&c);
}

struct plugin_case {
	char script[300];
	char api[48];
	char mode[16];
	int timeout_ms;
	bool runs;              /* it is run at all */
	char err[160];
};

ParameterizedTestParameters(kubeconfig, exec_plugin_failures)
{
	static struct plugin_case cases[] = {
		{ "#!/bin/sh\nprintf 'token expired \\033[2J\\033]0;x\\007"
		  "\\n  run: sso login\\n' >&2\nexit 4\n",
		  "client.authentication.k8s.io/v1", "Never", 5000, true,
		  ": exit status 4: token expired \\x1b[2J\\x1b]0;x\\x07" },
		{ "#!/bin/sh\nexec sleep 30\n",
		  "client.authentication.k8s.io/v1", "Never", 300, true,
		  ": no credential after 0.3 s" },
		{ "#!/bin/sh\necho hi\n", "client.authentication.k8s.io/v1",
		  "Always", 5000, false, " needs a terminal to ask you "
		  "(interactiveMode: Always)" },
		{ "#!/bin/sh\necho '{\"apiVersion\": "
		  "\"client.authentication.k8s.io/v1beta1\", \"kind\": "
		  "\"ExecCredential\", \"status\": {\"token\": \"x\"}}'\n",
		  "client.authentication.k8s.io/v1", "Never", 5000, true,
		  " is configured for client.authentication.k8s.io/v1 but "
		  "printed client.authentication.k8s.io/v1beta1" },
		{ "#!/bin/sh\necho '{\"apiVersion\": "
		  "\"client.authentication.k8s.io/v1\", \"kind\": "
		  "\"ExecCredential\", \"status\": {}}'\n",
		  "client.authentication.k8s.io/v1", "Never", 5000, true,
		  ": no token and no client certificate" },
		{ "#!/bin/sh\necho not json\n",
		  "client.authentication.k8s.io/v1", "Never", 5000, true,
		  ": its output is not JSON" },
		{ "#!/bin/sh\necho hi\n", "client.authentication.k8s.io/v9",
		  "Never", 5000, false, ": apiVersion "
		  "client.authentication.k8s.io/v9 is not supported" },
	};

	return cr_make_param_array(struct plugin_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct plugin_case *pc, kubeconfig, exec_plugin_failures,
		  .timeout = 20)
{
	struct k8s_conn c = plugin_conn(pc->script, pc->api, pc->mode);
	struct k8s_cred cr;
	struct err err = { "" };
	unsigned runs = k8s_exec_runs();
	int64_t t0 = clock_mono_ms();

	cr_assert_eq(k8s_exec_credential(&c, pc->timeout_ms, NULL, NULL, &cr,
					 &err), -1);
	cr_expect_not_null(strstr(err.msg, pc->err), "'%s'", err.msg);
	cr_expect_eq(k8s_exec_runs(), runs + pc->runs);
	cr_expect_lt(clock_mono_ms() - t0, pc->timeout_ms + 2000);
	k8s_conn_finish(&c);
}

Test(kubeconfig, exec_plugin_not_installed)
{
	struct k8s_conn c = plugin_conn("", "client.authentication.k8s.io/v1",
					"Never");
	struct k8s_cred cr;
	struct err err = { "" };

	free(c.exec->command);
	c.exec->command = xstrdup("warroom-no-such-plugin");
	c.exec->install_hint = xstrdup("brew install it");
	cr_assert_eq(k8s_exec_credential(&c, 5000, NULL, NULL, &cr, &err), -1);
	cr_expect_str_eq(err.msg, "exec plugin warroom-no-such-plugin: not "
			 "found: brew install it");
	k8s_conn_finish(&c);
}
