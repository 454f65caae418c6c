/* The Kubernetes backend until its probe is written: the keys its sections
 * take (checked at load) and why its pane stays empty. Any thread. */
#include "probes/kubernetes.h"

#include "build-config.h"

static const struct config_key_spec kubernetes_keys[] = {
	{ .name = "kubeconfig", .type = CONFIG_TEXT, .env = "KUBECONFIG",
	  .help = "the kubeconfig file (as kubectl: $KUBECONFIG, else "
		  "~/.kube/config)" },
	{ .name = "context", .type = CONFIG_TEXT,
	  .help = "the context to use (the kubeconfig's current one)" },
	{ .name = "namespace", .type = CONFIG_TEXT,
	  .help = "the namespace to watch (every one the credentials may "
		  "list)" },
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
	.unavailable = "Kubernetes probe not available in this version",
#endif
	.config = {
		.name = "kubernetes",
		.aliases = kubernetes_aliases,
		.keys = kubernetes_keys,
	},
};
