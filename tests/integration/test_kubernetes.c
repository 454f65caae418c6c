/* The Kubernetes probe against a real kube-apiserver (k8s_server.h): each
 * pod status as kubectl prints it, written through the status subresource;
 * failures in front of the server (401, 500, a reply that never comes,
 * malformed JSON) as one line; a watch cut mid-stream and a 410 Gone
 * recovered without a gap; logs through the API server from a kubelet;
 * descriptions; credentials by exec plugin, client certificate, service
 * account; metrics served or not; nodes and autoscalers. Each test has
 * its own namespace. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
		fprintf(stderr, "test_kubernetes: no control plane\n");
	}
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	k8s_server_shared_stop();
}

/* Applies YAML text with kubectl. */
static void
apply(const struct k8s_server *s, const char *yaml)
{
	char *dir = harness_tmpdir("warroom-k8s-yaml");
	char *path = xasprintf("%s/obj.yaml", dir);

	k8s_write_file(path, yaml);
	k8s_kubectl_ok(s, "apply -f %s", path);
	harness_rmrf(dir);
	free(dir);
	free(path);
}

static void
set_status(const struct k8s_server *s, const char *ns, const char *pod,
	   const char *status)
{
	k8s_kubectl_ok(s, "patch pod %s -n %s --subresource=status --type=merge "
		   "-p '{\"status\": %s}'", pod, ns, status);
}

/* ---- waiting for the model ------------------------------------------------- */

struct want_pod {
	const char *ns;
	const char *name;
	const char *status;     /* NULL: any */
};

static bool
has_pod(const struct snapshot *s, const void *arg)
{
	const struct want_pod *w = arg;
	const struct pod_row *p = k8s_pod(s, w->ns, w->name);

	return p != NULL && (w->status == NULL ||
			     strcmp(p->status, w->status) == 0);
}

static struct snapshot *
wait_pod(struct k8s_run *kr, const char *ns, const char *name,
	 const char *status)
{
	struct want_pod w = { ns, name, status };
	struct snapshot *s = k8s_run_wait(kr, has_pod, &w, WAIT_MS);
	char buf[300];

	if (s == NULL) {
		struct snapshot *last = k8s_run_latest(kr);
		const struct pod_row *p = last ? k8s_pod(last, ns, name) : NULL;

		cr_assert_fail("pod %s/%s %s never came (%s; status %s)", ns,
			       name, status ? status : "", k8s_run_describe(
				       last, buf, sizeof(buf)),
			       p ? p->status : "none");
	}
	return s;
}

struct want_error {
	const char *has;
};

static bool
has_error(const struct snapshot *s, const void *arg)
{
	const struct want_error *w = arg;

	return s->error[0] != '\0' && strstr(s->error, w->has) != NULL;
}

/* ---- statuses --------------------------------------------------------------- */

#define CS(state, extra) \
	"{\"phase\": \"Running\", \"containerStatuses\": [{\"name\": \"app\", " \
	"\"image\": \"registry.k8s.io/pause:3.10\", \"imageID\": \"\", "      \
	"\"ready\": false, \"restartCount\": 5, \"state\": " state extra "}]}"

static const char *const status_pods[][2] = {
	{ "crash", CS("{\"waiting\": {\"reason\": \"CrashLoopBackOff\", "
		      "\"message\": \"back-off 5m0s restarting failed "
		      "container\"}}",
		      ", \"lastState\": {\"terminated\": {\"exitCode\": 1, "
		      "\"reason\": \"Error\", \"finishedAt\": "
		      "\"2026-01-01T00:00:00Z\"}}") },
	{ "oom", CS("{\"waiting\": {\"reason\": \"CrashLoopBackOff\"}}",
		    ", \"lastState\": {\"terminated\": {\"exitCode\": 137, "
		    "\"reason\": \"OOMKilled\", \"finishedAt\": "
		    "\"2026-01-01T00:00:00Z\"}}") },
	{ "pull", CS("{\"waiting\": {\"reason\": \"ImagePullBackOff\", "
		     "\"message\": \"Back-off pulling image\"}}", "") },
	{ "config", CS("{\"waiting\": {\"reason\": "
		       "\"CreateContainerConfigError\", \"message\": "
		       "\"secret \\\"db\\\" not found\"}}", "") },
	{ "pending", "{\"phase\": \"Pending\", \"conditions\": [{\"type\": "
		     "\"PodScheduled\", \"status\": \"False\", \"reason\": "
		     "\"Unschedulable\", \"message\": \"0/3 nodes are "
		     "available: 3 Insufficient memory.\"}]}" },
	{ "evicted", "{\"phase\": \"Failed\", \"reason\": \"Evicted\", "
		     "\"message\": \"The node was low on resource: memory.\"}" },
	{ "done", "{\"phase\": \"Succeeded\", \"containerStatuses\": [{"
		  "\"name\": \"app\", \"image\": \"x\", \"imageID\": \"\", "
		  "\"ready\": false, \"restartCount\": 0, \"state\": "
		  "{\"terminated\": {\"exitCode\": 0, \"reason\": "
		  "\"Completed\"}}}]}" },
	{ "ok", "{\"phase\": \"Running\", \"conditions\": [{\"type\": "
		"\"Ready\", \"status\": \"True\"}], \"containerStatuses\": [{"
		"\"name\": \"app\", \"image\": \"x\", \"imageID\": \"\", "
		"\"ready\": true, \"restartCount\": 0, \"started\": true, "
		"\"state\": {\"running\": {\"startedAt\": "
		"\"2026-01-01T00:00:00Z\"}}}]}" },
};

static void
pod_yaml(const struct k8s_server *s, const char *ns, const char *name,
	 bool init, bool finalizer)
{
	char *y = xasprintf(
		"apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n"
		"  namespace: %s\n%s"
		"spec:\n%s  containers:\n  - name: app\n"
		"    image: registry.k8s.io/pause:3.10\n"
		"    resources:\n      limits:\n        memory: 64Mi\n"
		"        cpu: 100m\n",
		name, ns, finalizer ? "  finalizers: [warroom.test/hold]\n" :
		"", init ? "  initContainers:\n  - name: migrate\n"
		"    image: registry.k8s.io/pause:3.10\n" : "");

	apply(s, y);
	free(y);
}

/* kubectl's STATUS, READY and RESTARTS columns for a pod. */
static void
kubectl_row(const struct k8s_server *s, const char *ns, const char *name,
	    char *status, char *ready, int *restarts)
{
	char *out, nm[256];

	cr_assert_eq(k8s_server_kubectl(s, "viewer", &out,
			"get pod %s -n %s --no-headers", name, ns), 0);
	cr_assert_eq(sscanf(out, "%255s %15s %63s %d", nm, ready, status,
			    restarts), 4, "kubectl said: %s", out);
	free(out);
}

Test(kubernetes, each_status_as_kubectl_prints_it, .timeout = 240)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "status");
	struct k8s_run kr;
	struct snapshot *snap;
	const struct pod_row *p;
	size_t i;

	for (i = 0; i < sizeof(status_pods) / sizeof(status_pods[0]); i++) {
		pod_yaml(s, ns, status_pods[i][0], false, false);
		set_status(s, ns, status_pods[i][0], status_pods[i][1]);
	}
	pod_yaml(s, ns, "init", true, false);
	set_status(s, ns, "init", "{\"phase\": \"Pending\", "
		   "\"initContainerStatuses\": [{\"name\": \"migrate\", "
		   "\"image\": \"x\", \"imageID\": \"\", \"ready\": false, "
		   "\"restartCount\": 3, \"state\": {\"waiting\": {\"reason\": "
		   "\"CrashLoopBackOff\"}}}]}");
	pod_yaml(s, ns, "leaving", false, true);
	set_status(s, ns, "leaving", status_pods[7][1]);
	k8s_kubectl_ok(s, "delete pod leaving -n %s --wait=false", ns);

	k8s_run_init(&kr, s->admin_kubeconfig, "namespace", ns, NULL);
	k8s_run_start(&kr);
	snapshot_unref(wait_pod(&kr, ns, "leaving", "Terminating"));
	snap = wait_pod(&kr, ns, "init", NULL);
	for (i = 0; i <= sizeof(status_pods) / sizeof(status_pods[0]) + 1;
	     i++) {
		const char *name = i < sizeof(status_pods) /
					   sizeof(status_pods[0]) ?
				   status_pods[i][0] : i == 8 ? "init" :
				   "leaving";
		char status[64], ready[16], mine[16];
		int restarts;

		kubectl_row(s, ns, name, status, ready, &restarts);
		p = k8s_pod(snap, ns, name);
		cr_assert_not_null(p, "no pod %s", name);
		cr_expect_str_eq(p->status, status, "pod %s", name);
		snprintf(mine, sizeof(mine), "%d/%d", p->ready, p->containers);
		cr_expect_str_eq(mine, ready, "pod %s", name);
		cr_expect_eq(p->restarts, restarts, "pod %s", name);
	}
	/* What kubectl keeps for describe, in a row. */
	p = k8s_pod(snap, ns, "oom");
	cr_expect_str_eq(p->last_term, "OOMKilled");
	cr_expect_neq(p->last_restart_ms, 0);
	cr_expect_float_eq(p->mem_limit_bytes, 64.0 * 1048576, 1);
	cr_expect_float_eq(p->cpu_limit_mcores, 100, 0.01);
	p = k8s_pod(snap, ns, "pending");
	cr_expect_str_eq(p->why, "Unschedulable: 0/3 nodes are available: 3 "
			 "Insufficient memory.");
	p = k8s_pod(snap, ns, "config");
	cr_expect_str_eq(p->why, "secret \"db\" not found");
	p = k8s_pod(snap, ns, "evicted");
	cr_expect_eq(p->sev, HEALTH_CRIT);
	cr_expect_str_eq(p->why, "The node was low on resource: memory.");
	snapshot_unref(snap);
	k8s_run_stop(&kr);
	k8s_kubectl_ok(s, "patch pod leaving -n %s --type=json -p "
		   "'[{\"op\": \"remove\", \"path\": \"/metadata/finalizers\"}]'",
		   ns);
	free(ns);
}

/* ---- failures in front of the server ---------------------------------------- */

Test(kubernetes, each_failure_is_one_line, .timeout = 240)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "fail");
	struct k8s_helper px;
	struct k8s_run kr;
	struct snapshot *snap;
	char addr[64], buf[300];
	const struct {
		const char *mode;
		const char *line;
	} cases[] = {
		{ "401", "pods: HTTP 401 Unauthorized (127.0.0.1:" },
		{ "500", "pods: HTTP 500 Internal Server Error: Internal error "
			 "occurred: etcdserver: leader changed" },
		{ "hang", "pods: timed out after 1 s (127.0.0.1:" },
		{ "garbage", "pods: the list is not JSON (127.0.0.1:" },
	};

	k8s_proxy_start(&px, s);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", px.port);
	k8s_kubectl_ok(s, "run web -n %s --image=registry.k8s.io/pause:3.10", ns);
	k8s_run_init(&kr, px.kubeconfig, "namespace", ns, "timeout", "1s",
		     "watch", "false", NULL);
	k8s_run_start(&kr);
	snapshot_unref(wait_pod(&kr, ns, "web", NULL));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct want_error w = { cases[i].line };

		k8s_proxy_control(&px, "{\"mode\": \"%s\"}", cases[i].mode);
		snap = k8s_run_wait(&kr, has_error, &w, WAIT_MS);
		cr_assert_not_null(snap, "%s: %s", cases[i].mode,
				   k8s_run_describe(k8s_run_latest(&kr), buf,
						    sizeof(buf)));
		/* One line, the address, and the last data kept. */
		cr_expect_null(strchr(snap->error, '\n'), "%s", snap->error);
		if (strstr(cases[i].line, "127.0.0.1:") != NULL) {
			cr_expect_not_null(strstr(snap->error, addr), "%s",
					   snap->error);
		}
		cr_expect_not_null(snap->last_good);
		cr_expect_not_null(k8s_pod(snap->last_good, ns, "web"));
		snapshot_unref(snap);
		/* And back. */
		k8s_proxy_control(&px, "{\"mode\": \"pass\"}");
		snap = k8s_run_wait(&kr, has_pod,
				    &(struct want_pod){ ns, "web", NULL },
				    WAIT_MS);
		cr_assert_not_null(snap, "not back after %s", cases[i].mode);
		snapshot_unref(snap);
	}
	k8s_run_stop(&kr);
	k8s_helper_stop(&px);
	free(ns);
}

Test(kubernetes, stops_within_a_second_while_the_server_hangs, .timeout = 120)
{
	const struct k8s_server *s = k8s_test_server();
	struct k8s_helper px;
	struct k8s_run kr;
	int64_t t0, took;

	k8s_proxy_start(&px, s);
	k8s_proxy_control(&px, "{\"mode\": \"hang\"}");
	k8s_run_init(&kr, px.kubeconfig, "timeout", "20s", NULL);
	k8s_run_start(&kr);
	sleep(2);
	t0 = clock_mono_ms();
	cr_assert_eq(runner_stop(kr.r, 1500), 0, "a probe thread was "
		     "abandoned");
	took = clock_mono_ms() - t0;
	cr_assert_lt(took, 1000, "runner_stop took %lld ms", (long long)took);
	k8s_run_stop(&kr);
	k8s_helper_stop(&px);
}

/* ---- list and watch ---------------------------------------------------------- */

struct want_set {
	const char *ns;
	const char *const *names;       /* exactly these */
	size_t n;
};

static bool
has_exactly(const struct snapshot *s, const void *arg)
{
	const struct want_set *w = arg;

	if (s->error[0] != '\0' || k8s_pods_in(s, w->ns) != w->n) {
		return false;
	}
	for (size_t i = 0; i < w->n; i++) {
		if (k8s_pod(s, w->ns, w->names[i]) == NULL) {
			return false;
		}
	}
	return true;
}

static void
wait_exactly(struct k8s_run *kr, const char *ns, const char *const *names,
	     size_t n, const char *what)
{
	struct want_set w = { ns, names, n };
	struct snapshot *snap = k8s_run_wait(kr, has_exactly, &w, WAIT_MS);
	char buf[300];

	cr_assert_not_null(snap, "%s: the model never matched the server "
			   "(%s)", what, k8s_run_describe(k8s_run_latest(kr),
							  buf, sizeof(buf)));
	snapshot_unref(snap);
}

/* Lines of log that are a list (no watch=) or a watch of pods. */
static int
count_requests(const char *log, const char *ns, bool watches)
{
	char *copy = xstrdup(log), *save = NULL, *line, *prefix;
	int n = 0;

	prefix = xasprintf("GET /api/v1/namespaces/%s/pods?", ns);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, prefix, strlen(prefix)) == 0 &&
		    (strstr(line, "watch=1") != NULL) == watches) {
			n++;
		}
	}
	free(prefix);
	free(copy);
	return n;
}

static void
run_pod(const struct k8s_server *s, const char *ns, const char *name)
{
	k8s_kubectl_ok(s, "run %s -n %s --image=registry.k8s.io/pause:3.10",
		       name, ns);
}

/* Pods a and b, the probe watching them through the proxy, listed; then
 * every open watch is cut and new ones refused while a goes and c and
 * d come. */
static char *
cut_while_changing(const struct k8s_server *s, const char *prefix,
		   struct k8s_helper *px, struct k8s_run *kr)
{
	static const char *const before[] = { "a", "b" };
	char *ns = k8s_test_namespace(s, prefix);

	k8s_proxy_start(px, s);
	run_pod(s, ns, "a");
	run_pod(s, ns, "b");
	k8s_run_init(kr, px->kubeconfig, "namespace", ns, NULL);
	k8s_run_start(kr);
	wait_exactly(kr, ns, before, 2, "the first list");
	k8s_proxy_control(px, "{\"mode\": \"refuse\", \"cut\": 1}");
	k8s_kubectl_ok(s, "delete pod a -n %s --wait=false", ns);
	run_pod(s, ns, "c");
	run_pod(s, ns, "d");
	sleep(2);
	k8s_proxy_clear(px);
	return ns;
}

Test(kubernetes, watch_cut_mid_stream_resumes_without_gap, .timeout = 240)
{
	const struct k8s_server *s = k8s_test_server();
	static const char *const after[] = { "b", "c", "d" };
	struct k8s_helper px;
	struct k8s_run kr;
	char *ns = cut_while_changing(s, "cut", &px, &kr), *log;

	k8s_proxy_control(&px, "{\"mode\": \"pass\", \"cut\": 1}");
	wait_exactly(&kr, ns, after, 3, "after the cut");
	/* It went on from where it was: watches, not a list again. */
	log = k8s_proxy_requests(&px);
	cr_expect_geq(count_requests(log, ns, true), 1, "%s", log);
	cr_expect_eq(count_requests(log, ns, false), 0, "%s", log);
	cr_expect_not_null(strstr(log, "resourceVersion="), "%s", log);
	free(log);
	k8s_run_stop(&kr);
	k8s_helper_stop(&px);
	free(ns);
}

Test(kubernetes, gone_410_lists_again_without_gap, .timeout = 240)
{
	const struct k8s_server *s = k8s_test_server();
	static const char *const after[] = { "b", "c", "d" };
	struct k8s_helper px;
	struct k8s_run kr;
	char *ns = cut_while_changing(s, "gone", &px, &kr), *log;

	/* The next watch of pods is told 410 Gone (its resourceVersion
	 * compacted away): a list again, and what it says is the model. */
	k8s_proxy_control(&px, "{\"mode\": \"pass\", \"cut\": 1, "
			  "\"gone_once\": 1}");
	wait_exactly(&kr, ns, after, 3, "after 410 Gone");
	log = k8s_proxy_requests(&px);
	cr_expect_geq(count_requests(log, ns, false), 1, "no list after 410: "
		      "%s", log);
	free(log);
	k8s_run_stop(&kr);
	k8s_helper_stop(&px);
	free(ns);
}

/* ---- logs and descriptions --------------------------------------------------- */

struct want_detail {
	const char *request;
	size_t min_lines;
	const char *has;        /* a line that must be there, or NULL */
	const char *error;      /* a part of the error, or NULL */
};

static bool
has_detail(const struct snapshot *s, const void *arg)
{
	const struct want_detail *w = arg;
	const struct pods_model *m = snapshot_pods(s);

	if (m == NULL || strcmp(m->detail.request, w->request) != 0 ||
	    m->detail.n_lines < w->min_lines) {
		return false;
	}
	if (w->error != NULL && strstr(m->detail.error, w->error) == NULL) {
		return false;
	}
	for (size_t i = 0; w->has != NULL && i < m->detail.n_lines; i++) {
		if (strstr(m->detail.lines[i], w->has) != NULL) {
			return true;
		}
	}
	return w->has == NULL;
}

static struct snapshot *
focus_and_wait(struct k8s_run *kr, const char *request, size_t min_lines,
	       const char *has, const char *error)
{
	struct want_detail w = { request, min_lines, has, error };
	struct snapshot *snap;
	char buf[300];

	runner_set_focus(kr->r, kr->idx, request);
	snap = k8s_run_wait(kr, has_detail, &w, WAIT_MS);
	if (snap == NULL) {
		struct snapshot *last = k8s_run_latest(kr);
		const struct pods_model *m = last ? snapshot_pods(last) : NULL;

		cr_assert_fail("%s: no answer (%s; request '%s', %zu lines, "
			       "error '%s')", request, k8s_run_describe(
				       last, buf, sizeof(buf)),
			       m ? m->detail.request : "",
			       m ? m->detail.n_lines : 0,
			       m ? m->detail.error : "");
	}
	return snap;
}

Test(kubernetes, logs_come_through_the_api_server, .timeout = 240)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "logs");
	char *script, *req, node[64];
	struct k8s_helper kl;
	struct k8s_run kr;
	struct snapshot *snap;
	const struct pods_model *m;

	snprintf(node, sizeof(node), "node-%s", ns);
	script = xasprintf(
		"{\"%s/web/web\": {\"current\": [\"started\", "
		"\"GET / 200\", \"evil \\u001b[2J\\u001b]0;pwned\\u0007 "
		"line\"], \"previous\": [\"panic: nil map\", "
		"\"goroutine 1 [running]\"], \"follow_s\": 30},"
		" \"%s/flood/flood\": {\"current\": [\"first\"], "
		"\"flood\": 200000}}", ns, ns);
	k8s_kubelet_start(&kl, s, node, script);
	k8s_kubectl_ok(s, "run web -n %s --image=registry.k8s.io/pause:3.10 "
		   "--overrides='{\"spec\": {\"nodeName\": \"%s\"}}'", ns,
		   node);
	k8s_kubectl_ok(s, "run flood -n %s --image=registry.k8s.io/pause:3.10 "
		   "--overrides='{\"spec\": {\"nodeName\": \"%s\"}}'", ns,
		   node);
	k8s_run_init(&kr, s->admin_kubeconfig, "namespace", ns, NULL);
	k8s_run_start(&kr);
	snapshot_unref(wait_pod(&kr, ns, "web", NULL));
	snapshot_unref(wait_pod(&kr, ns, "flood", NULL));

	/* Followed: the lines as the container wrote them (the pane makes
	 * escapes visible); the stream stays open. */
	req = xasprintf("logs %s web - current follow", ns);
	snap = focus_and_wait(&kr, req, 3, "GET / 200", NULL);
	m = snapshot_pods(snap);
	cr_expect_str_eq(m->detail.lines[0], "started");
	cr_expect_str_eq(m->detail.lines[2],
			 "evil \x1b[2J\x1b]0;pwned\x07 line");
	cr_expect(m->detail.following);
	snapshot_unref(snap);
	free(req);

	/* The instance before. */
	req = xasprintf("logs %s web - previous once", ns);
	snap = focus_and_wait(&kr, req, 2, "panic: nil map", NULL);
	snapshot_unref(snap);
	free(req);

	/* A flood: the last 500 lines, however many came. */
	req = xasprintf("logs %s flood - current follow", ns);
	snap = focus_and_wait(&kr, req, 500, "flood line 200000 of 200000",
			      NULL);
	m = snapshot_pods(snap);
	cr_expect_eq(m->detail.n_lines, 500);
	cr_expect_eq(m->detail.received, 200001);
	cr_expect_str_eq(m->detail.lines[499], "flood line 200000 of 200000");
	snapshot_unref(snap);
	free(req);

	/* A container that is not there: the server's own words. */
	req = xasprintf("logs %s web nosuch current once", ns);
	snap = focus_and_wait(&kr, req, 0, NULL, "nosuch");
	snapshot_unref(snap);
	free(req);
	k8s_run_stop(&kr);
	k8s_kubectl_ok(s, "delete node %s --wait=false", node);
	k8s_helper_stop(&kl);
	free(script);
	free(ns);
}

Test(kubernetes, describe_has_states_conditions_and_events, .timeout = 240)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "desc");
	struct k8s_run kr;
	struct snapshot *snap;
	char *req;

	pod_yaml(s, ns, "oom", false, false);
	set_status(s, ns, "oom", status_pods[1][1]);
	/* An event about it, with an escape sequence in its message. */
	{
		char *y = xasprintf(
			"apiVersion: v1\nkind: Event\nmetadata:\n"
			"  name: oom.1\n  namespace: %s\ninvolvedObject:\n"
			"  kind: Pod\n  name: oom\n  namespace: %s\n"
			"type: Warning\nreason: BackOff\n"
			"message: \"Back-off \\e[31mrestarting\\e[0m\"\n"
			"count: 7\nlastTimestamp: \"2026-01-01T00:00:00Z\"\n",
			ns, ns);

		apply(s, y);
		free(y);
	}
	k8s_run_init(&kr, s->admin_kubeconfig, "namespace", ns, NULL);
	k8s_run_start(&kr);
	snapshot_unref(wait_pod(&kr, ns, "oom", "CrashLoopBackOff"));
	req = xasprintf("describe pod %s oom", ns);
	snap = focus_and_wait(&kr, req, 10, "OOMKilled", NULL);
	snapshot_unref(snap);
	snap = focus_and_wait(&kr, req, 10, "Back-off \x1b[31mrestarting", NULL);
	snapshot_unref(snap);
	snap = focus_and_wait(&kr, req, 10, "Restart Count:  5", NULL);
	snapshot_unref(snap);
	free(req);
	k8s_run_stop(&kr);
	free(ns);
}

/* ---- metrics, nodes, autoscalers --------------------------------------------- */

static bool
has_cpu(const struct snapshot *s, const void *arg)
{
	const struct want_pod *w = arg;
	const struct pod_row *p = k8s_pod(s, w->ns, w->name);

	return p != NULL && !isnan(p->cpu_mcores);
}

static bool
has_notice(const struct snapshot *s, const void *arg)
{
	const struct pods_model *m = snapshot_pods(s);

	return m != NULL && strstr(m->notice, arg) != NULL;
}

Test(kubernetes, metrics_when_served_and_a_dash_when_not, .timeout = 240)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "metrics");
	struct want_pod w = { ns, "web", NULL };
	struct k8s_helper px;
	struct k8s_run kr;
	struct snapshot *snap;
	const struct pod_row *p;

	k8s_kubectl_ok(s, "run web -n %s --image=registry.k8s.io/pause:3.10", ns);
	/* This cluster has no metrics-server: unknown, and said so. */
	k8s_run_init(&kr, s->admin_kubeconfig, "namespace", ns, NULL);
	k8s_run_start(&kr);
	snap = k8s_run_wait(&kr, has_notice, "metrics.k8s.io not served",
			    WAIT_MS);
	cr_assert_not_null(snap, "no notice");
	p = k8s_pod(snap, ns, "web");
	cr_assert_not_null(p);
	cr_expect(isnan(p->cpu_mcores) && isnan(p->mem_bytes));
	snapshot_unref(snap);
	k8s_run_stop(&kr);

	/* A metrics-server's answers (the proxy's): usage per pod. */
	k8s_proxy_start(&px, s);
	k8s_proxy_control(&px, "{\"mode\": \"pass\", \"metrics\": {\"kind\": "
			  "\"PodMetricsList\", \"items\": [{\"metadata\": "
			  "{\"name\": \"web\", \"namespace\": \"%s\"}, "
			  "\"containers\": [{\"name\": \"web\", \"usage\": "
			  "{\"cpu\": \"250m\", \"memory\": \"48Mi\"}}]}]}}",
			  ns);
	k8s_run_init(&kr, px.kubeconfig, "namespace", ns, NULL);
	k8s_run_start(&kr);
	snap = k8s_run_wait(&kr, has_cpu, &w, WAIT_MS);
	cr_assert_not_null(snap, "no usage");
	p = k8s_pod(snap, ns, "web");
	cr_expect_float_eq(p->cpu_mcores, 250, 0.01);
	cr_expect_float_eq(p->mem_bytes, 48.0 * 1048576, 1);
	cr_expect_null(strstr(snapshot_pods(snap)->notice, "metrics"), "%s",
		       snapshot_pods(snap)->notice);
	snapshot_unref(snap);
	k8s_run_stop(&kr);
	k8s_helper_stop(&px);
	free(ns);
}

struct want_node {
	const char *name;
	const char *pressure;
	bool cordoned;
};

static bool
has_node(const struct snapshot *s, const void *arg)
{
	const struct want_node *w = arg;
	const struct pods_model *m = snapshot_pods(s);

	for (size_t i = 0; m != NULL && i < m->n_nodes; i++) {
		if (strcmp(m->nodes[i].name, w->name) == 0) {
			return m->nodes[i].cordoned == w->cordoned &&
			       strcmp(m->nodes[i].pressure, w->pressure) == 0;
		}
	}
	return false;
}

static bool
finding(const struct snapshot *s, const void *arg)
{
	for (size_t i = 0; i < s->n_findings; i++) {
		if (strcmp(s->findings[i].text, arg) == 0) {
			return true;
		}
	}
	return false;
}

Test(kubernetes, nodes_and_autoscalers_at_their_max, .timeout = 240)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = k8s_test_namespace(s, "nodes");
	char node[64], *want;
	struct want_node wn;
	struct k8s_helper kl;
	struct k8s_run kr;
	struct snapshot *snap;
	const struct pods_model *m;
	size_t i;

	snprintf(node, sizeof(node), "node-%s", ns);
	k8s_kubelet_start(&kl, s, node, "{}");
	k8s_kubectl_ok(s, "create deployment web -n %s --replicas=2 "
		   "--image=registry.k8s.io/pause:3.10", ns);
	k8s_kubectl_ok(s, "autoscale deployment web -n %s --min=1 --max=2 "
		   "--cpu=80", ns);
	k8s_kubectl_ok(s, "patch hpa web -n %s --subresource=status --type=merge "
		   "-p '{\"status\": {\"currentReplicas\": 2, "
		   "\"desiredReplicas\": 2}}'", ns);
	k8s_run_init(&kr, s->admin_kubeconfig, "namespace", ns, NULL);
	k8s_run_start(&kr);
	wn = (struct want_node){ node, "", false };
	snap = k8s_run_wait(&kr, has_node, &wn, WAIT_MS);
	cr_assert_not_null(snap, "no node %s", node);
	m = snapshot_pods(snap);
	for (i = 0; i < m->n_nodes && strcmp(m->nodes[i].name, node); i++) {
	}
	cr_expect_str_eq(m->nodes[i].ready, "True");
	cr_expect_str_eq(m->nodes[i].roles, "worker");
	cr_expect_str_eq(m->nodes[i].version, "v1.36.3");
	cr_expect_float_eq(m->nodes[i].cpu_alloc_mcores, 4000, 0.01);
	snapshot_unref(snap);
	/* The autoscaler at its maximum is a finding. */
	want = xasprintf("hpa web at its maximum (2 replicas)");
	snap = k8s_run_wait(&kr, finding, want, WAIT_MS);
	cr_assert_not_null(snap, "no finding '%s'", want);
	snapshot_unref(snap);
	free(want);
	/* Cordoned and under pressure: as kubectl describe nodes says. */
	k8s_kubectl_ok(s, "cordon %s", node);
	k8s_kubectl_ok(s, "patch node %s --subresource=status --type=strategic "
		   "-p '{\"status\": {\"conditions\": [{\"type\": "
		   "\"MemoryPressure\", \"status\": \"True\", \"reason\": "
		   "\"KubeletHasInsufficientMemory\"}]}}'", node);
	wn = (struct want_node){ node, "MemoryPressure", true };
	snap = k8s_run_wait(&kr, has_node, &wn, WAIT_MS);
	cr_assert_not_null(snap, "node %s not cordoned with pressure", node);
	snapshot_unref(snap);
	k8s_run_stop(&kr);
	k8s_kubectl_ok(s, "delete node %s --wait=false", node);
	k8s_helper_stop(&kl);
	free(ns);
}
