/* The Kubernetes probe under a real runner, and the helpers of
 * k8s_proxy.py: see k8s_probe.h. Test main thread. */
#include "tests/integration/k8s_probe.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/kubernetes.h"
#include "tests/integration/harness.h"

#define HELPER_UP_MS 15000

void
k8s_write_file(const char *path, const char *text)
{
	char *tmp = xasprintf("%s.new", path);
	FILE *f = fopen(tmp, "w");

	cr_assert_not_null(f, "cannot write %s", tmp);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(rename(tmp, path), 0);
	free(tmp);
}

/* ---- the control plane ------------------------------------------------------ */

const struct k8s_server *
k8s_test_server(void)
{
	const struct k8s_server *s = k8s_server_shared();

	cr_assert_not_null(s, "the control plane did not start (see above)");
	return s;
}

char *
k8s_test_namespace(const struct k8s_server *s, const char *prefix)
{
	char *ns = k8s_server_namespace(s, prefix);

	cr_assert_not_null(ns, "no namespace %s", prefix);
	return ns;
}

void
k8s_kubectl_ok(const struct k8s_server *s, const char *fmt, ...)
{
	va_list ap;
	char *args;

	va_start(ap, fmt);
	args = xvasprintf(fmt, ap);
	va_end(ap);
	cr_assert_eq(k8s_server_kubectl(s, "admin", NULL, "%s", args), 0,
		     "kubectl %s", args);
	free(args);
}

/* ---- the probe ------------------------------------------------------------- */

void
k8s_run_init(struct k8s_run *kr, const char *kubeconfig, ...)
{
	const char *k, *v;
	va_list ap;

	memset(kr, 0, sizeof(*kr));
	kr->idx = -1;
	kr->sec = config_add_section(&kr->cfg, "kubernetes.test");
	kr->sec->backend = xstrdup("kubernetes");
	kr->sec->instance = xstrdup("test");
	kr->sec->interval_ms = 500;
	kr->sec->timeout_ms = 2000;
	config_section_set(kr->sec, "kubeconfig", kubeconfig);
	va_start(ap, kubeconfig);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (strcmp(k, "interval") == 0) {
			cr_assert_eq(config_parse_duration(v,
					&kr->sec->interval_ms), 0);
		} else if (strcmp(k, "timeout") == 0) {
			cr_assert_eq(config_parse_duration(v,
					&kr->sec->timeout_ms), 0);
		} else {
			config_section_set(kr->sec, k, v);
		}
	}
	va_end(ap);
}

void
k8s_run_start(struct k8s_run *kr)
{
	struct err err = { "" };

	kr->st = state_new();
	kr->r = runner_new(kr->st);
	kr->idx = runner_add(kr->r, &kubernetes_probe_ops, kr->sec, &err);
	cr_assert_geq(kr->idx, 0, "%s", err.msg);
	cr_assert_eq(runner_start(kr->r, &err), 0, "%s", err.msg);
}

void
k8s_run_stop(struct k8s_run *kr)
{
	if (kr->r != NULL) {
		cr_expect_eq(runner_stop(kr->r, 2000), 0,
			     "the probe thread did not stop");
		runner_free(kr->r);
	}
	state_free(kr->st);
	config_finish(&kr->cfg);
	memset(kr, 0, sizeof(*kr));
}

struct snapshot *
k8s_run_latest(struct k8s_run *kr)
{
	return state_get(kr->st, kr->idx);
}

struct snapshot *
k8s_run_wait(struct k8s_run *kr,
	     bool (*ok)(const struct snapshot *s, const void *arg),
	     const void *arg, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;

	for (;;) {
		struct snapshot *s = state_get(kr->st, kr->idx);

		if (s != NULL && ok(s, arg)) {
			return s;
		}
		snapshot_unref(s);
		if (clock_mono_ms() >= end) {
			return NULL;
		}
		usleep(50000);
	}
}

const char *
k8s_run_describe(const struct snapshot *s, char *buf, size_t n)
{
	if (s == NULL) {
		snprintf(buf, n, "nothing published");
	} else if (s->error[0] != '\0') {
		snprintf(buf, n, "error: %s", s->error);
	} else {
		snprintf(buf, n, "pods %zu",
			 snapshot_pods(s) ? snapshot_pods(s)->n_pods : 0);
	}
	return buf;
}

const struct pod_row *
k8s_pod(const struct snapshot *s, const char *ns, const char *name)
{
	const struct pods_model *m = snapshot_pods(s);

	for (size_t i = 0; m != NULL && i < m->n_pods; i++) {
		if (strcmp(m->pods[i].ns, ns) == 0 &&
		    strcmp(m->pods[i].name, name) == 0) {
			return &m->pods[i];
		}
	}
	return NULL;
}

const struct deploy_row *
k8s_deploy(const struct snapshot *s, const char *ns, const char *name)
{
	const struct pods_model *m = snapshot_pods(s);

	for (size_t i = 0; m != NULL && i < m->n_deploys; i++) {
		if (strcmp(m->deploys[i].ns, ns) == 0 &&
		    strcmp(m->deploys[i].name, name) == 0) {
			return &m->deploys[i];
		}
	}
	return NULL;
}

size_t
k8s_pods_in(const struct snapshot *s, const char *ns)
{
	const struct pods_model *m = snapshot_pods(s);
	size_t n = 0;

	for (size_t i = 0; m != NULL && i < m->n_pods; i++) {
		n += strcmp(m->pods[i].ns, ns) == 0;
	}
	return n;
}

int
k8s_run_action(struct k8s_run *kr, const struct action_spec *spec,
	       enum target_type type, const char *ns, const char *name,
	       const char *arg, bool preview, char *text, size_t n,
	       struct err *err)
{
	const struct action_impl *impl =
		action_impl_find(kubernetes_probe_ops.actions, spec);
	struct action_req req;
	struct snapshot *s = k8s_run_latest(kr);
	int rc;

	cr_assert_not_null(impl, "no %s", spec->name);
	memset(&req, 0, sizeof(req));
	req.impl = impl;
	req.section = kr->sec;
	snprintf(req.source, sizeof(req.source), "%s", kr->sec->name);
	req.target.type = type;
	if (type == TARGET_POD) {
		snprintf(req.target.u.pod.ns, sizeof(req.target.u.pod.ns),
			 "%s", ns);
		snprintf(req.target.u.pod.name, sizeof(req.target.u.pod.name),
			 "%s", name);
	} else {
		snprintf(req.target.u.deploy.ns,
			 sizeof(req.target.u.deploy.ns), "%s", ns);
		snprintf(req.target.u.deploy.name,
			 sizeof(req.target.u.deploy.name), "%s", name);
	}
	snprintf(req.arg, sizeof(req.arg), "%s", arg != NULL ? arg : "");
	if (s != NULL && s->data == NULL && s->last_good != NULL) {
		action_req_set_snap(&req, s->last_good);
	} else {
		action_req_set_snap(&req, s);
	}
	snapshot_unref(s);
	text[0] = '\0';
	rc = preview ? impl->preview(&req, text, n, err) :
	     impl->run(&req, text, n, err);
	action_req_clear(&req);
	return rc;
}

/* ---- k8s_proxy.py ---------------------------------------------------------- */

static char *
script(void)
{
	const char *src = getenv("WARROOM_SOURCE_DIR");

	cr_assert_not_null(src, "WARROOM_SOURCE_DIR is not set");
	return xasprintf("%s/tests/integration/k8s_proxy.py", src);
}

static void
spawn(struct k8s_helper *h, const char *const argv[], const char *what)
{
	char *logf = xasprintf("%s/%s.log", h->dir, what);

	h->pid = harness_spawn(argv, logf, NULL, NULL);
	cr_assert_gt(h->pid, 0, "cannot start the %s", what);
	cr_assert(harness_wait_port(h->port, HELPER_UP_MS),
		  "the %s did not listen (see %s)", what, logf);
	free(logf);
}

void
k8s_proxy_start(struct k8s_helper *h, const struct k8s_server *s)
{
	char *py = script(), port[16], *kc;

	memset(h, 0, sizeof(*h));
	h->dir = harness_tmpdir("warroom-k8s-proxy");
	cr_assert_not_null(h->dir);
	h->port = harness_free_port();
	h->control = xasprintf("%s/control.json", h->dir);
	h->log = xasprintf("%s/requests", h->dir);
	h->kubeconfig = xasprintf("%s/kubeconfig", h->dir);
	k8s_write_file(h->control, "{\"mode\": \"pass\"}");
	k8s_write_file(h->log, "");
	kc = xasprintf("apiVersion: v1\nkind: Config\nclusters:\n"
		       "- name: proxy\n  cluster:\n"
		       "    server: http://127.0.0.1:%d\n"
		       "users:\n- name: admin\n  user:\n    token: %s\n"
		       "contexts:\n- name: proxied\n  context:\n"
		       "    cluster: proxy\n    user: admin\n"
		       "current-context: proxied\n", h->port, s->admin_token);
	k8s_write_file(h->kubeconfig, kc);
	free(kc);
	snprintf(port, sizeof(port), "%d", h->port);
	{
		const char *argv[] = { "python3", py, "proxy", port, s->url,
				       s->ca, h->control, h->log, NULL };

		spawn(h, argv, "proxy");
	}
	free(py);
}

void
k8s_proxy_control(struct k8s_helper *h, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	k8s_write_file(h->control, text);
	free(text);
}

char *
k8s_proxy_requests(struct k8s_helper *h)
{
	FILE *f = fopen(h->log, "r");
	char *buf = xcalloc(1, 1 << 20);
	size_t n;

	cr_assert_not_null(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

void
k8s_proxy_clear(struct k8s_helper *h)
{
	k8s_write_file(h->log, "");
}

void
k8s_kubelet_start(struct k8s_helper *h, const struct k8s_server *s,
		  const char *node, const char *script_json)
{
	char *py = script(), port[16], *cert, *key, *yaml, *path;
	char now[32];
	time_t t = time(NULL);

	memset(h, 0, sizeof(*h));
	h->dir = harness_tmpdir("warroom-k8s-kubelet");
	cr_assert_not_null(h->dir);
	h->port = harness_free_port();
	h->script = xasprintf("%s/script.json", h->dir);
	k8s_write_file(h->script, script_json);
	cert = xasprintf("%s/kubelet.crt", h->dir);
	key = xasprintf("%s/kubelet.key", h->dir);
	cr_assert_eq(harness_sh(NULL, "openssl req -x509 -newkey rsa:2048 "
				"-nodes -days 2 -subj /CN=127.0.0.1 "
				"-keyout %s -out %s 2>/dev/null", key, cert),
		     0, "openssl");
	snprintf(port, sizeof(port), "%d", h->port);
	{
		const char *argv[] = { "python3", py, "kubelet", port, cert,
				       key, h->script, NULL };

		spawn(h, argv, "kubelet");
	}
	/* The node the API server reaches it as. */
	path = xasprintf("%s/node.yaml", h->dir);
	yaml = xasprintf("apiVersion: v1\nkind: Node\nmetadata:\n"
			 "  name: %s\n  labels:\n"
			 "    node-role.kubernetes.io/worker: \"\"\n", node);
	k8s_write_file(path, yaml);
	cr_assert_eq(k8s_server_kubectl(s, "admin", NULL, "apply -f %s", path),
		     0, "node %s", node);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	cr_assert_eq(k8s_server_kubectl(s, "admin", NULL,
			"patch node %s --subresource=status --type=merge -p "
			"'{\"status\": {\"addresses\": [{\"type\": "
			"\"InternalIP\", \"address\": \"127.0.0.1\"}], "
			"\"daemonEndpoints\": {\"kubeletEndpoint\": "
			"{\"Port\": %d}}, \"nodeInfo\": {\"kubeletVersion\": "
			"\"v1.36.3\"}, \"allocatable\": {\"cpu\": \"4\", "
			"\"memory\": \"8Gi\", \"pods\": \"110\"}, "
			"\"conditions\": [{\"type\": \"Ready\", \"status\": "
			"\"True\", \"reason\": \"KubeletReady\", "
			"\"message\": \"kubelet is posting ready status\", "
			"\"lastHeartbeatTime\": \"%s\", "
			"\"lastTransitionTime\": \"%s\"}]}}'", node, h->port,
			now, now), 0, "node %s status", node);
	free(yaml);
	free(path);
	free(cert);
	free(key);
	free(py);
}

void
k8s_helper_stop(struct k8s_helper *h)
{
	if (h->pid > 0) {
		harness_stop(h->pid, 2000);
	}
	if (h->dir != NULL) {
		harness_rmrf(h->dir);
	}
	free(h->dir);
	free(h->control);
	free(h->log);
	free(h->script);
	free(h->kubeconfig);
	memset(h, 0, sizeof(*h));
}
