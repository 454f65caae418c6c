/* The Kubernetes backend ([kubernetes.NAME], also [k8s.NAME]): a streaming
 * probe that lists and then watches pods, deployments, replica sets,
 * events, nodes and autoscalers into a model kept in place, polls
 * metrics.k8s.io when the cluster serves it, answers the pane's focus (a
 * container's logs, an object's description) and publishes a snapshot at
 * most once per interval. Everything runs on the probe thread, in one curl
 * multi; the actions are in probes/k8s_actions.c. */
#include "probes/kubernetes.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build-config.h"
#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/http.h"
#include "probes/k8s.h"

/* metrics-server's default resolution: polling more often shows nothing
 * new. */
#define METRICS_EVERY_MS 15000
/* An API not served is asked for again after this long. */
#define DISCOVERY_AGAIN_MS 300000
/* The longest wait in the event loop between looks at the runner. */
#define LOOP_WAIT_MAX_MS 1000

enum metrics_state {
	METRICS_UNKNOWN,        /* discovery not answered yet */
	METRICS_ASKING,
	METRICS_SERVED,
	METRICS_NOT_SERVED,
};

struct kube {
	struct probe *p;
	const struct config_section *sec;
	struct k8s_conn conn;
	char ns[64];            /* the namespace watched, "" all */
	bool watch;
	struct k8s_client *c;

	/* While stream() runs. */
	struct k8s_loop *loop;
	struct k8s_model *model;
	struct k8s_watch w[K8S_RES_COUNT];
	struct k8s_focus *focus;
	uint64_t focus_gen;

	enum metrics_state metrics;
	int64_t metrics_next_ms;
	struct k8s_xfer *metrics_x[2];  /* pods, nodes */
	char metrics_err[ERR_MSG_MAX];

	int64_t published_ms;   /* monotonic, 0 never */
	char published_err[ERR_MSG_MAX];
	/* Pods may not be listed cluster-wide: the context's namespace
	 * is watched instead, as kubectl would default to it. */
	bool narrowed;
};

/* ---- configuration ----------------------------------------------------- */

/* production = true / false, or context-name patterns separated by
 * commas (prod-*, *-production). */
static bool
is_production(const char *setting, const char *context)
{
	char *copy, *save = NULL, *pat;
	bool yes = false;

	if (setting == NULL || setting[0] == '\0') {
		return false;
	}
	if (config_parse_bool(setting, &yes) == 0) {
		return yes;
	}
	copy = xstrdup(setting);
	for (pat = strtok_r(copy, ",", &save); pat != NULL && !yes;
	     pat = strtok_r(NULL, ",", &save)) {
		while (*pat == ' ') {
			pat++;
		}
		for (size_t n = strlen(pat); n > 0 && pat[n - 1] == ' '; n--) {
			pat[n - 1] = '\0';
		}
		yes = pat[0] != '\0' && fnmatch(pat, context, 0) == 0;
	}
	free(copy);
	return yes;
}

static void
set_scope(struct probe *p, const struct config_section *sec,
	  const struct k8s_conn *conn, const char *context)
{
	struct source_scope sc;

	memset(&sc, 0, sizeof(sc));
	snprintf(sc.name, sizeof(sc.name), "%s", context);
	sc.production = is_production(config_get(sec, "production"), context);
	if (conn != NULL && conn->insecure) {
		snprintf(sc.warning, sizeof(sc.warning),
			 "TLS NOT VERIFIED (%s)", context);
	}
	probe_set_scope(p, &sc);
}

static void
kube_free(void *state)
{
	struct kube *k = state;

	if (k == NULL) {
		return;
	}
	k8s_client_free(k->c);
	k8s_conn_finish(&k->conn);
	free(k);
}

static void *
kube_open(const struct config_section *sec, struct probe *owner,
	  struct err *err)
{
	const char *context = config_get(sec, "context");
	const char *ns = config_get(sec, "namespace");
	const char *watch = config_get(sec, "watch");
	struct kube *k = xcalloc(1, sizeof(*k));

	k->p = owner;
	k->sec = sec;
	k->watch = true;
	if (watch != NULL && config_parse_bool(watch, &k->watch) < 0) {
		err_set(err, "watch: expected true or false");
		goto fail;
	}
	if (kubeconfig_load(config_get(sec, "kubeconfig"), context, &k->conn,
			    err) < 0) {
		/* The header still says which context was meant. */
		set_scope(owner, sec, NULL, context != NULL ? context : "");
		goto fail;
	}
	set_scope(owner, sec, &k->conn, k->conn.in_cluster ? "in-cluster" :
		  k->conn.context);
	snprintf(k->ns, sizeof(k->ns), "%s", ns != NULL ? ns : "");
	k->c = k8s_client_new(&k->conn, probe_timeout_ms(owner), err);
	if (k->c == NULL) {
		goto fail;
	}
	k8s_client_set_cancel(k->c, probe_cancelled, owner);
	return k;
fail:
	kube_free(k);
	return NULL;
}

/* ---- metrics.k8s.io ------------------------------------------------------ */

static void
metrics_done(void *arg, long status, char *body, size_t len,
	     const struct err *err, int which)
{
	struct kube *k = arg;
	cJSON *doc;

	k->metrics_x[which] = NULL;
	if (err != NULL) {
		snprintf(k->metrics_err, sizeof(k->metrics_err),
			 "metrics: %.200s", err->msg);
		return;
	}
	doc = cJSON_ParseWithLength(body, len);
	if (doc == NULL) {
		snprintf(k->metrics_err, sizeof(k->metrics_err),
			 "metrics: not JSON");
		return;
	}
	k->metrics_err[0] = '\0';
	if (which == 0) {
		k8s_model_set_pod_metrics(k->model, doc);
	} else {
		k8s_model_set_node_metrics(k->model, doc);
	}
	cJSON_Delete(doc);
}

static void
pod_metrics_done(void *arg, long status, char *body, size_t len,
		 const struct err *err)
{
	metrics_done(arg, status, body, len, err, 0);
}

static void
node_metrics_done(void *arg, long status, char *body, size_t len,
		  const struct err *err)
{
	metrics_done(arg, status, body, len, err, 1);
}

static const struct k8s_xfer_ops metrics_ops[2] = {
	{ .done = pod_metrics_done },
	{ .done = node_metrics_done },
};

static void
discovery_done(void *arg, long status, char *body, size_t len,
	       const struct err *err)
{
	struct kube *k = arg;

	k->metrics_x[0] = NULL;
	if (err == NULL) {
		k->metrics = METRICS_SERVED;
		k->metrics_next_ms = 0;
		k->metrics_err[0] = '\0';
		return;
	}
	k->metrics = status == 404 || status == 503 ? METRICS_NOT_SERVED :
		     METRICS_UNKNOWN;
	k->metrics_next_ms = clock_mono_ms() +
			     (k->metrics == METRICS_NOT_SERVED ?
			      DISCOVERY_AGAIN_MS : METRICS_EVERY_MS);
	if (k->metrics == METRICS_NOT_SERVED) {
		snprintf(k->metrics_err, sizeof(k->metrics_err),
			 "metrics.k8s.io not served: CPU and memory unknown");
	} else {
		snprintf(k->metrics_err, sizeof(k->metrics_err),
			 "metrics: %.200s", err->msg);
	}
}

static const struct k8s_xfer_ops discovery_ops = { .done = discovery_done };

static void
metrics_tick(struct kube *k, int64_t now)
{
	struct err err;
	char path[256];

	if (now < k->metrics_next_ms || k->metrics == METRICS_ASKING ||
	    k->metrics_x[0] != NULL || k->metrics_x[1] != NULL) {
		return;
	}
	err_clear(&err);
	if (k->metrics != METRICS_SERVED) {
		k->metrics_x[0] = k8s_loop_get(k->loop,
					       "/apis/metrics.k8s.io/v1beta1",
					       -1, 0, &discovery_ops, k, &err);
		k->metrics_next_ms = now + METRICS_EVERY_MS;
		return;
	}
	if (k->ns[0] != '\0') {
		char *ns = http_escape(k->ns);

		snprintf(path, sizeof(path), "/apis/metrics.k8s.io/v1beta1/"
			 "namespaces/%s/pods", ns);
		free(ns);
	} else {
		snprintf(path, sizeof(path), "/apis/metrics.k8s.io/v1beta1/"
			 "pods");
	}
	k->metrics_x[0] = k8s_loop_get(k->loop, path, -1, 0, &metrics_ops[0],
				       k, &err);
	k->metrics_x[1] = k8s_loop_get(k->loop,
				       "/apis/metrics.k8s.io/v1beta1/nodes",
				       -1, 0, &metrics_ops[1], k, &err);
	k->metrics_next_ms = now + (probe_interval_ms(k->p) > METRICS_EVERY_MS ?
				    probe_interval_ms(k->p) :
				    METRICS_EVERY_MS);
}

/* ---- publishing -------------------------------------------------------------- */

/* What could not be read, for the pane's notice line. */
static void
notice(const struct kube *k, char *buf, size_t n)
{
	buf[0] = '\0';
	if (k->narrowed) {
		snprintf(buf, n, "may not list pods in every namespace: "
			 "watching %s, the context's", k->ns);
	}
	for (int r = 0; r < K8S_RES_COUNT; r++) {
		if (r != K8S_PODS && k->w[r].error[0] != '\0') {
			strappendf(buf, n, "%s%s", buf[0] ? "; " : "",
				   k->w[r].error);
		}
	}
	if (k->metrics_err[0] != '\0') {
		strappendf(buf, n, "%s%s", buf[0] ? "; " : "",
			   k->metrics_err);
	}
}

static void
publish(struct kube *k, int64_t now)
{
	const struct k8s_watch *pods = &k->w[K8S_PODS];
	struct snapshot *s = probe_snapshot_new(k->p);
	struct pods_model *m;
	char text[1024];

	k->published_ms = now;
	if (pods->error[0] != '\0' && pods->failures > 0) {
		snapshot_set_error(s, "%s", pods->error);
		snprintf(k->published_err, sizeof(k->published_err), "%s",
			 pods->error);
		probe_publish(k->p, s);
		return;
	}
	k->published_err[0] = '\0';
	m = k8s_model_build(k->model, s);
	m->context = snapshot_strdup(s, k->conn.in_cluster ? "in-cluster" :
				     k->conn.context);
	m->scope = snapshot_strdup(s, k->ns);
	notice(k, text, sizeof(text));
	m->notice = snapshot_strdup(s, text);
	k8s_focus_build(k->focus, s, &m->detail);
	s->data = m;
	probe_publish(k->p, s);
}

/* Every resource has been listed, or has failed to be: the first frame
 * is a whole one. */
static bool
all_listed(const struct kube *k)
{
	for (int r = 0; r < K8S_RES_COUNT; r++) {
		if (!k->w[r].synced && k->w[r].error[0] == '\0') {
			return false;
		}
	}
	return true;
}

/* A snapshot goes out once per interval once everything was listed: with
 * what changed, or as it was, so that the pane's age says the watch is
 * live. */
static void
maybe_publish(struct kube *k, int64_t now)
{
	const struct k8s_watch *pods = &k->w[K8S_PODS];
	bool failing = pods->error[0] != '\0' && pods->failures > 0;

	if (now - k->published_ms < probe_interval_ms(k->p) &&
	    k->published_ms != 0) {
		return;
	}
	if (failing || (pods->synced && (k->published_ms != 0 ||
					 all_listed(k)))) {
		publish(k, now);
	}
}

/* ---- the stream ------------------------------------------------------------ */

static void
focus_check(struct kube *k)
{
	char text[PROBE_FOCUS_MAX];
	uint64_t gen = probe_focus(k->p, text, sizeof(text));

	if (gen != k->focus_gen) {
		k->focus_gen = gen;
		k8s_focus_set(k->focus, text);
		/* The answer goes out at the next publish, which the focus
		 * makes due now. */
		k->published_ms = 0;
	}
}

static void
start_watches(struct kube *k, int interval)
{
	for (int r = 0; r < K8S_RES_COUNT; r++) {
		k8s_watch_init(&k->w[r], (enum k8s_res)r, k->loop, k->model,
			       k->ns, k->watch, interval);
	}
}

/* Refused the whole cluster (403) with no namespace set: the context's
 * namespace, when it names one. */
static void
narrow(struct kube *k, int interval)
{
	if (k->ns[0] != '\0' || k->conn.ns[0] == '\0' ||
	    k->w[K8S_PODS].status != 403 || k->w[K8S_PODS].synced) {
		return;
	}
	snprintf(k->ns, sizeof(k->ns), "%s", k->conn.ns);
	k->narrowed = true;
	for (int r = 0; r < K8S_RES_COUNT; r++) {
		k8s_watch_finish(&k->w[r]);
	}
	start_watches(k, interval);
}

static int
kube_stream(struct probe *p, void *state, struct err *err)
{
	struct kube *k = state;
	int interval = probe_interval_ms(p);

	k->loop = k8s_loop_new(k->c);
	if (k->loop == NULL) {
		return err_set(err, "cannot initialize libcurl");
	}
	k->model = k8s_model_new();
	start_watches(k, interval);
	k->focus = k8s_focus_new(k->loop, k->model, k->ns);
	k->focus_gen = 0;
	k->metrics = METRICS_UNKNOWN;
	k->metrics_next_ms = 0;
	k->published_ms = 0;
	probe_set_waker(p, k8s_loop_wakeup, k->loop);
	while (!probe_stopping(p)) {
		int64_t now = clock_mono_ms(), next;
		int wait;

		focus_check(k);
		narrow(k, interval);
		for (int r = 0; r < K8S_RES_COUNT; r++) {
			k8s_watch_tick(&k->w[r], now);
		}
		metrics_tick(k, now);
		k8s_focus_tick(k->focus, now, interval);
		maybe_publish(k, now);
		/* Before the first publish, transfers wake the loop. */
		next = k->published_ms != 0 ? k->published_ms + interval :
		       now + LOOP_WAIT_MAX_MS;
		for (int r = 0; r < K8S_RES_COUNT; r++) {
			int64_t due = k8s_watch_due(&k->w[r]);

			if (due < next) {
				next = due;
			}
		}
		wait = next - now < 0 ? 0 : next - now > LOOP_WAIT_MAX_MS ?
		       LOOP_WAIT_MAX_MS : (int)(next - now);
		k8s_loop_run(k->loop, wait > 0 ? wait : 1);
	}
	probe_set_waker(p, NULL, NULL);
	for (int r = 0; r < K8S_RES_COUNT; r++) {
		k8s_watch_finish(&k->w[r]);
	}
	k8s_focus_free(k->focus);
	k->focus = NULL;
	k8s_loop_free(k->loop);
	k->loop = NULL;
	k8s_model_free(k->model);
	k->model = NULL;
	return 0;
}

/* ---- ops ------------------------------------------------------------------ */

static const struct config_key_spec kubernetes_keys[] = {
	{ .name = "kubeconfig", .type = CONFIG_TEXT, .env = "KUBECONFIG",
	  .help = "kubeconfig files separated by ':' (as kubectl: "
		  "$KUBECONFIG, else ~/.kube/config)" },
	{ .name = "context", .type = CONFIG_TEXT,
	  .help = "the context to use (the kubeconfig's current one)" },
	{ .name = "namespace", .type = CONFIG_TEXT,
	  .help = "the namespace to watch (every one the credentials may "
		  "list)" },
	{ .name = "production", .type = CONFIG_TEXT,
	  .help = "true, or context names (prod-*, *-production) separated "
		  "by commas: the frame turns red" },
	{ .name = "watch", .type = CONFIG_BOOL, .def = "true",
	  .help = "false lists everything again every interval instead of "
		  "watching" },
	{ .name = "rollout_window", .type = CONFIG_DURATION,
	  .help = "how recent a revision must be for the diagnosis to "
		  "suspect it (default 15m)" },
	{ .name = "cpu_throttled", .type = CONFIG_TEXT,
	  .help = "the share of its CPU limit from which the diagnosis "
		  "calls a pod throttled (default 90%)" },
	{ .name = NULL },
};

static const char *const kubernetes_aliases[] = { "k8s", NULL };

const struct probe_ops kubernetes_probe_ops = {
	.kind = SNAP_PODS,
#if !HAVE_LIBCURL
	.unavailable = "HTTP support not built in",
#elif !HAVE_YAML
	.unavailable = "YAML support not built in (kubeconfig)",
#else
	.open = kube_open,
	.stream = kube_stream,
	.close = kube_free,
	.actions = k8s_pods_actions,
#endif
	.config = {
		.name = "kubernetes",
		.aliases = kubernetes_aliases,
		.keys = kubernetes_keys,
	},
};
