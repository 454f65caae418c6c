/* The Kubernetes probe under a real runner against the shared control
 * plane (k8s_server.h), and the two helpers of k8s_proxy.py: a proxy in
 * front of the API server that fails on demand, and a kubelet that serves
 * container logs to it. Test main thread. */
#ifndef WARROOM_K8S_PROBE_H
#define WARROOM_K8S_PROBE_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/action.h"
#include "core/config.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "probes/runner.h"
#include "tests/integration/k8s_server.h"

/* The control plane of this test binary; the test fails when it did not
 * start. */
const struct k8s_server *k8s_test_server(void);
/* A new namespace of this run (the caller frees it); fails the test when
 * it cannot be made. */
char *k8s_test_namespace(const struct k8s_server *s, const char *prefix);
/* kubectl ARGS as admin; fails the test unless it exits 0. */
void k8s_kubectl_ok(const struct k8s_server *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One probe running: its section, state and runner. */
struct k8s_run {
	struct config cfg;
	struct config_section *sec;
	struct state *st;
	struct runner *r;
	int idx;
};

/* A section "kubernetes.test" reading kubeconfig (with more keys from
 * kv: "key", "value", ..., NULL), not started yet. */
void k8s_run_init(struct k8s_run *kr, const char *kubeconfig, ...);
/* Starts its runner (interval 500 ms, timeout 2 s unless the keys say). */
void k8s_run_start(struct k8s_run *kr);
void k8s_run_stop(struct k8s_run *kr);

/* Waits up to timeout_ms for a published snapshot for which ok(s, arg)
 * holds; returns it (a reference) or NULL. */
struct snapshot *k8s_run_wait(struct k8s_run *kr,
			      bool (*ok)(const struct snapshot *s,
					 const void *arg),
			      const void *arg, int timeout_ms);
/* The latest snapshot (a reference), or NULL. */
struct snapshot *k8s_run_latest(struct k8s_run *kr);
/* Its one line: the error, or "pods N". */
const char *k8s_run_describe(const struct snapshot *s, char *buf, size_t n);

/* The pod ns/name in a snapshot's model, or NULL. */
const struct pod_row *k8s_pod(const struct snapshot *s, const char *ns,
			      const char *name);
const struct deploy_row *k8s_deploy(const struct snapshot *s, const char *ns,
				    const char *name);
/* The number of pods of namespace ns in the model. */
size_t k8s_pods_in(const struct snapshot *s, const char *ns);

/* Runs the action impl of spec (the probe's) for target in kr's source:
 * its preview when preview, else its run. Returns 0 or -1 with err;
 * text gets the preview's lines or the run's result. */
int k8s_run_action(struct k8s_run *kr, const struct action_spec *spec,
		   enum target_type type, const char *ns, const char *name,
		   const char *arg, bool preview, char *text, size_t n,
		   struct err *err);

/* ---- k8s_proxy.py ------------------------------------------------------ */

struct k8s_helper {
	pid_t pid;
	int port;
	char *dir;
	char *control;          /* proxy: the mode file */
	char *log;              /* proxy: one line per request */
	char *script;           /* kubelet: the logs it serves */
	char *kubeconfig;       /* proxy: admin's token, server the proxy */
};

/* Starts the proxy in front of s; mode "pass". */
void k8s_proxy_start(struct k8s_helper *h, const struct k8s_server *s);
/* Writes the control file (JSON) at once and whole. */
void k8s_proxy_control(struct k8s_helper *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Requests seen since the log was last cleared, as lines. */
char *k8s_proxy_requests(struct k8s_helper *h);
void k8s_proxy_clear(struct k8s_helper *h);

/* Starts a kubelet serving script (JSON, see k8s_proxy.py) and registers
 * it with s as node `node` (Ready, address 127.0.0.1, its port). */
void k8s_kubelet_start(struct k8s_helper *h, const struct k8s_server *s,
		       const char *node, const char *script_json);
void k8s_helper_stop(struct k8s_helper *h);

/* Writes text to path (made whole at once). */
void k8s_write_file(const char *path, const char *text);

#endif
