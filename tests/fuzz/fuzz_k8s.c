/* libFuzzer target for every parser of what a Kubernetes cluster or a
 * kubeconfig hands the probe: the input as a kubeconfig file (libyaml), as
 * the lines of a watch stream of each resource (into the model, then a
 * snapshot built and derived from it), and as one object for each
 * resource's parser and the describe view. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rules.h"
#include "core/snapshot.h"
#include "probes/k8s.h"
#include "probes/kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
as_kubeconfig(const char *buf, size_t size)
{
	struct kubeconfig *kc;
	struct k8s_conn c;
	struct err err;

	kc = kubeconfig_parse(buf, size, "/fuzz", &err);
	if (kc == NULL) {
		return;
	}
	if (kubeconfig_resolve(kc, NULL, &c, &err) == 0) {
		k8s_conn_finish(&c);
	} else {
		k8s_conn_finish(&c);
	}
	kubeconfig_free(kc);
}

/* Each line of buf as a watch event of res, then a snapshot. */
static void
as_watch(const char *buf, size_t size, enum k8s_res res)
{
	struct k8s_model *m = k8s_model_new();
	struct k8s_watch w;
	struct snapshot *s;
	size_t at = 0;

	k8s_watch_init(&w, res, NULL, m, "", true, 1000);
	while (at < size) {
		const char *nl = memchr(buf + at, '\n', size - at);
		size_t len = nl != NULL ? (size_t)(nl - (buf + at)) :
			     size - at;

		k8s_watch_line(&w, buf + at, len);
		w.relist = false;
		at += len + 1;
	}
	s = snapshot_new(SNAP_PODS, "k8s.fuzz");
	s->data = k8s_model_build(m, s);
	rules_derive(s);
	snapshot_unref(s);
	k8s_watch_finish(&w);
	k8s_model_free(m);
}

static void
as_object(const char *buf, size_t size)
{
	static const char *const kinds[] = { "pod", "deployment", "node",
					     "hpa" };
	struct k8s_model *m;
	cJSON *obj = cJSON_ParseWithLength(buf, size);
	char **lines = NULL;
	size_t n = 0, i;

	if (obj == NULL) {
		return;
	}
	for (i = 0; i < K8S_RES_COUNT; i++) {
		free(k8s_res[i].parse(obj));
	}
	m = k8s_model_new();
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		k8s_describe(m, kinds[i], obj, &lines, &n);
	}
	for (i = 0; i < n; i++) {
		free(lines[i]);
	}
	free(lines);
	k8s_model_free(m);
	cJSON_Delete(obj);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);

	if (buf == NULL) {
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	as_kubeconfig(buf, size);
	for (int r = 0; r < K8S_RES_COUNT; r++) {
		as_watch(buf, size, (enum k8s_res)r);
	}
	as_object(buf, size);
	free(buf);
	return 0;
}
