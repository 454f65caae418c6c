/* A real Kubernetes control plane (etcd, kube-apiserver,
 * kube-controller-manager from scripts/k8s-build) started once per test
 * binary and shared by its forked tests. Test main thread. */
#ifndef WARROOM_K8S_SERVER_H
#define WARROOM_K8S_SERVER_H

#include <stdbool.h>

/* Names the env file of a running control plane (set by
 * k8s_server_shared() in the runner; forked tests inherit it). */
#define K8S_SERVER_ENV "WARROOM_K8S_ENV"

struct k8s_server {
	char *dir;              /* state directory: logs, env, kubeconfigs */
	char *url;              /* "https://127.0.0.1:PORT" */
	char *ca;               /* the API server's certificate bundle */
	char *admin_token;      /* bearer token of "admin" (system:masters) */
	char *viewer_token;     /* of "viewer": get, list, watch only */
	char *admin_kubeconfig;
	char *viewer_kubeconfig;
	char *client_cert;      /* user cert-admin (system:masters), PEM */
	char *client_key;
	char *cert_kubeconfig;  /* that certificate and key, and the CA, as
				 * -data inside the file */
	char *bin;              /* etcd, kube-apiserver, ..., kubectl */
	char *version;          /* the pinned release, e.g. "v1.36.3" */
	bool owner;             /* started here: k8s_server_stop stops it */
};

/* Builds the control plane if the cache lacks it (scripts/k8s-build; the
 * first time takes 10-20 minutes), starts one in a new temporary directory
 * (scripts/k8s-up, source tree from $WARROOM_SOURCE_DIR) with a watchdog
 * that stops it when this process dies, and fills s. Returns 0, or -1
 * after printing why to stderr. */
int k8s_server_start(struct k8s_server *s);
/* Fills s from the env file of a control plane already running; s is not
 * its owner. Returns 0 or -1. */
int k8s_server_attach(struct k8s_server *s, const char *env_path);
/* Stops the servers if s owns them and removes the directory (keeps it
 * when WARROOM_KEEP_K8S is set), then frees s's strings. */
void k8s_server_stop(struct k8s_server *s);

/* The control plane of this test binary: the first call in the runner
 * (from ReportHook(PRE_ALL)) starts it and exports K8S_SERVER_ENV; a
 * forked test attaches to it. NULL when it could not start. Tests stay
 * apart by each using its own namespace (k8s_server_namespace). */
const struct k8s_server *k8s_server_shared(void);
/* From ReportHook(POST_ALL): stops the shared control plane if this
 * process started it. */
void k8s_server_shared_stop(void);

/* Runs "kubectl ARGS" with the kubeconfig of as ("admin" or "viewer"); ARGS
 * is formatted from fmt and read by sh, so quoting and redirections such as
 * 2>&1 work. Stores its stdout in *out when out is not NULL (the caller
 * frees it; "" when empty); stderr goes to the test's stderr. Returns the
 * exit status, or -1 when it could not run. */
int k8s_server_kubectl(const struct k8s_server *s, const char *as,
		       char **out, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Runs it again every 250 ms until it exits 0 with some output on stdout,
 * for at most timeout_ms; true then (*out holds that output). */
bool k8s_server_kubectl_until(const struct k8s_server *s, const char *as,
			      int timeout_ms, char **out, const char *fmt,
			      ...)
	__attribute__((format(printf, 5, 6)));

/* Creates the namespace "PREFIX-PID-N", unique in this run, and waits
 * until its "default" service account exists (pods need it). Returns the
 * name (the caller frees it), or NULL after printing why. */
char *k8s_server_namespace(const struct k8s_server *s, const char *prefix);

#endif
