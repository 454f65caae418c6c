/* The parts of a kubeconfig as probes/kubeconfig_yaml.c reads them and
 * probes/kubeconfig.c merges and resolves them. Any thread. */
#ifndef WARROOM_KUBECONFIG_PARTS_H
#define WARROOM_KUBECONFIG_PARTS_H

#include "probes/kubeconfig.h"

struct kc_cluster {
	char *name;
	char *server;
	char *ca_file;
	struct k8s_blob ca_data;
	bool insecure;
};

struct kc_user {
	char *name;
	char *token;
	char *token_file;
	char *cert_file;
	char *key_file;
	struct k8s_blob cert_data;
	struct k8s_blob key_data;
	char *username;
	char *password;
	struct k8s_exec *exec;
	char *auth_provider;    /* its name: not supported */
};

struct kc_context {
	char *name;
	char *cluster;
	char *user;
	char *ns;
};

struct kubeconfig {
	char *current;
	struct kc_cluster *clusters;
	size_t n_clusters;
	struct kc_user *users;
	size_t n_users;
	struct kc_context *contexts;
	size_t n_contexts;
};

/* A copy of s, NULL for NULL. */
char *kc_strdup(const char *s);
/* path made absolute against dir when it is relative; NULL stays NULL. */
char *kc_resolve_path(const char *path, const char *dir);
/* The entry of that name, or NULL. */
const struct kc_cluster *kc_find_cluster(const struct kubeconfig *kc,
					 const char *name);
const struct kc_user *kc_find_user(const struct kubeconfig *kc,
				   const char *name);
const struct kc_context *kc_find_context(const struct kubeconfig *kc,
					 const char *name);

#endif
