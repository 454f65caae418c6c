/* Where a Kubernetes source connects and how it proves who it is, read as
 * kubectl reads it: kubeconfig files (YAML, through libyaml opened with
 * dlopen) merged in KUBECONFIG order, one context of them, or the service
 * account of the pod warroom runs in. And the exec credential plugins
 * some users name (probes/k8s_exec.c). Any thread; each call works on its
 * own data, except the plugin's credential cache, which has a lock. */
#ifndef WARROOM_KUBECONFIG_H
#define WARROOM_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Bytes that may be key material: wiped before they are freed, never
 * written to disk (handed to libcurl as blobs). */
struct k8s_blob {
	unsigned char *data;
	size_t len;
};

/* users[].user.exec: a program that prints an ExecCredential. */
struct k8s_exec {
	char *api_version;      /* client.authentication.k8s.io/v1[beta1] */
	char *command;          /* made absolute when it names a path */
	char **args;
	size_t n_args;
	char **env;             /* "NAME=value" */
	size_t n_env;
	char *interactive;      /* Never, IfAvailable, Always; "" unset */
	char *install_hint;
	bool provide_cluster_info;
};

/* One context, resolved: the cluster to reach and the credentials. */
struct k8s_conn {
	char *context;          /* "" for the service account */
	char *cluster;
	char *user;
	char *server;           /* https://host:port, no trailing slash */
	char *ns;               /* the context's namespace, "" none */
	bool insecure;          /* insecure-skip-tls-verify */
	bool in_cluster;
	struct k8s_blob ca;     /* PEM, empty: the system's */
	struct k8s_blob cert;   /* client certificate, PEM */
	struct k8s_blob key;
	char *token;            /* NULL none */
	char *token_file;       /* read again for each new credential */
	char *username;         /* basic auth */
	char *password;
	struct k8s_exec *exec;  /* NULL none */
	char *origin;           /* the files read, for messages */
};

/* The files kubectl would read: paths (a list separated by ':'), else
 * $KUBECONFIG, else ~/.kube/config. The caller frees it. */
char *kubeconfig_paths(const char *paths);

/* Reads the files of paths (NULL: as kubectl, see kubeconfig_paths()),
 * merged as kubectl merges them (the first file to set a value or a map
 * entry wins; missing files are skipped), and resolves context (NULL or
 * "": the current one) into c. Without any file but inside a pod
 * (KUBERNETES_SERVICE_HOST), the pod's service account. Returns 0, or -1
 * with err; c must be k8s_conn_finish()ed either way. */
int kubeconfig_load(const char *paths, const char *context,
		    struct k8s_conn *c, struct err *err);

/* The service account in dir (token, ca.crt, namespace), reaching the API
 * at host:port. Returns 0 or -1 with err. */
int kubeconfig_in_cluster(const char *dir, const char *host,
			  const char *port, struct k8s_conn *c,
			  struct err *err);

/* A deep copy of src into dst. */
void k8s_conn_copy(struct k8s_conn *dst, const struct k8s_conn *src);
/* Wipes the secrets and frees everything; c is zeroed. */
void k8s_conn_finish(struct k8s_conn *c);

/* ---- parsing one file (tests and fuzzing reach it directly) ---- */

struct kubeconfig;

/* Parses text (len bytes) read from a file in directory dir (relative
 * paths inside resolve against it; NULL: left as they are). NULL with err
 * ("line 3: mapping values are not allowed here") on bad YAML or a
 * kubeconfig of the wrong shape. The caller frees with kubeconfig_free(). */
struct kubeconfig *kubeconfig_parse(const char *text, size_t len,
				    const char *dir, struct err *err);
void kubeconfig_free(struct kubeconfig *kc);
/* Merges src into dst as a later file: only what dst does not set yet. */
void kubeconfig_merge(struct kubeconfig *dst, const struct kubeconfig *src);
/* Resolves context (NULL: current-context) of kc into c. */
int kubeconfig_resolve(const struct kubeconfig *kc, const char *context,
		       struct k8s_conn *c, struct err *err);
/* The current-context kc names, "" when none. */
const char *kubeconfig_current(const struct kubeconfig *kc);

/* ---- exec credential plugins (probes/k8s_exec.c) ---- */

/* What a plugin (or a token file) gave. */
struct k8s_cred {
	char *token;
	struct k8s_blob cert;
	struct k8s_blob key;
	int64_t expires_ms;     /* wall ms; 0: until the server says 401 */
};

/* The credential of c's exec plugin: the cached one until it expires,
 * else runs the plugin (at most timeout_ms; cancelled(arg), when given,
 * stops the wait early) and caches what it prints. Fills out (the caller
 * frees with k8s_cred_finish()). Returns 0, or -1 with err: the plugin's
 * exit status and the first line of its stderr, sanitized. Refuses a
 * plugin that needs an interactive terminal (interactiveMode: Always). */
int k8s_exec_credential(const struct k8s_conn *c, int timeout_ms,
			bool (*cancelled)(void *arg), void *arg,
			struct k8s_cred *out, struct err *err);
/* Drops c's cached credential (the server answered 401 to it). */
void k8s_exec_forget(const struct k8s_conn *c);
/* How many times a plugin has been run in this process (tests). */
unsigned k8s_exec_runs(void);

void k8s_cred_finish(struct k8s_cred *cr);

/* Base64 (standard alphabet, padding and line breaks allowed) into a new
 * blob; false on anything else. */
bool k8s_base64_decode(const char *s, struct k8s_blob *out);
/* Wipes and frees b's bytes. */
void k8s_blob_finish(struct k8s_blob *b);
/* Wipes s (a secret: a token, a header that holds one) and frees it. */
void k8s_secret_free(char *s);

#endif
