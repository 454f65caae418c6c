/* The Kubernetes fixture (k8s_server.c) against the control plane it
 * starts once for this binary: /version says the pinned release, a
 * deployment gets its replica set and pods from the controller manager, a
 * pod's status is written through the status subresource and reads back,
 * and the viewer reads but gets 403 on a write. Each test uses its own
 * namespace. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tests/integration/k8s_server.h"

#define WAIT_MS 30000

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	if (k8s_server_shared() == NULL) {
		fprintf(stderr, "test_k8s_server: no control plane\n");
	}
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	k8s_server_shared_stop();
}

static const struct k8s_server *
server(void)
{
	const struct k8s_server *s = k8s_server_shared();

	cr_assert_not_null(s, "the control plane did not start (see above)");
	return s;
}

static char *
namespace(const struct k8s_server *s, const char *prefix)
{
	char *ns = k8s_server_namespace(s, prefix);

	cr_assert_not_null(ns, "no namespace %s", prefix);
	return ns;
}

/* The version scripts/k8s/go.mod pins, read here on its own. */
static char *
pinned_version(void)
{
	const char *src = getenv("WARROOM_SOURCE_DIR");
	char *path, line[512], *v = NULL;
	FILE *f;

	cr_assert_not_null(src, "WARROOM_SOURCE_DIR is not set");
	path = xasprintf("%s/scripts/k8s/go.mod", src);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot read %s", path);
	while (v == NULL && fgets(line, sizeof(line), f) != NULL) {
		char a[128], b[128], c[128];
		int n = sscanf(line, "%127s %127s %127s", a, b, c);

		if (n == 3 && strcmp(a, "require") == 0 &&
		    strcmp(b, "k8s.io/kubernetes") == 0) {
			v = xstrdup(c);
		} else if (n >= 2 && strcmp(a, "k8s.io/kubernetes") == 0) {
			v = xstrdup(b);
		}
	}
	fclose(f);
	cr_assert_not_null(v, "no k8s.io/kubernetes in %s", path);
	free(path);
	return v;
}

static const char *
json_string(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	cr_assert(cJSON_IsString(it), "no string \"%s\"", key);
	return it->valuestring;
}

Test(k8s_server, version_is_the_pinned_release, .timeout = 120)
{
	const struct k8s_server *s = server();
	char *want = pinned_version(), *out, *minor;
	cJSON *v;

	/* The viewer's token over the verified TLS connection. */
	cr_assert_eq(k8s_server_kubectl(s, "viewer", &out, "get --raw /version"),
		     0, "GET /version failed");
	v = cJSON_Parse(out);
	cr_assert_not_null(v, "/version is not JSON: %s", out);
	cr_assert_str_eq(json_string(v, "gitVersion"), want);
	cr_assert_str_eq(json_string(v, "major"), "1");
	minor = xstrndup(want + 3, strcspn(want + 3, "."));
	cr_assert_str_eq(json_string(v, "minor"), minor);
	cr_assert_str_eq(json_string(v, "gitTreeState"), "clean");
	cr_assert_str_eq(s->version, want);
	cr_assert(strncmp(s->url, "https://127.0.0.1:", 18) == 0,
		  "url %s", s->url);
	cJSON_Delete(v);
	free(out);

	/* kubectl from the same build. */
	cr_assert_eq(k8s_server_kubectl(s, "admin", &out,
			"version --client -o json"), 0);
	v = cJSON_Parse(out);
	cr_assert_not_null(v, "kubectl version is not JSON: %s", out);
	cr_assert_str_eq(json_string(cJSON_GetObjectItem(v, "clientVersion"),
				     "gitVersion"), want);
	cJSON_Delete(v);
	free(out);
	free(minor);
	free(want);
}

Test(k8s_server, deployment_gets_replica_set_and_pods, .timeout = 120)
{
	const struct k8s_server *s = server();
	char *ns = namespace(s, "deploy");
	char *out;
	int lines = 0;

	/* The namespace got its default service account from the
	 * controller manager (k8s_server_namespace waited for it). */
	cr_assert_eq(k8s_server_kubectl(s, "admin", &out,
			"get serviceaccount default -n %s "
			"-o jsonpath='{.metadata.name}'", ns), 0);
	cr_assert_str_eq(out, "default");
	free(out);

	cr_assert_eq(k8s_server_kubectl(s, "admin", NULL,
			"create deployment web -n %s --replicas=2 "
			"--image=registry.k8s.io/pause:3.10", ns), 0);
	cr_assert(k8s_server_kubectl_until(s, "admin", WAIT_MS, &out,
			"get replicaset -n %s -l app=web "
			"-o jsonpath='{.items[*].metadata.ownerReferences[0].name}'",
			ns), "no replica set after %d ms", WAIT_MS);
	cr_assert_str_eq(out, "web", "replica set owned by '%s'", out);
	free(out);

	/* Two pods, each owned by the replica set, with the default
	 * service account the admission plugin put in. Without a
	 * scheduler they stay Pending. */
	cr_assert(k8s_server_kubectl_until(s, "admin", WAIT_MS, &out,
			"get pods -n %s -l app=web "
			"-o jsonpath='{.items[1].metadata.name}' 2>/dev/null",
			ns), "fewer than 2 pods after %d ms", WAIT_MS);
	free(out);
	cr_assert_eq(k8s_server_kubectl(s, "admin", &out,
			"get pods -n %s -l app=web -o jsonpath='{range .items[*]}"
			"{.metadata.ownerReferences[0].kind} "
			"{.spec.serviceAccountName} {.status.phase}{\"\\n\"}"
			"{end}'", ns), 0);
	for (char *l = strtok(out, "\n"); l != NULL; l = strtok(NULL, "\n")) {
		cr_assert_str_eq(l, "ReplicaSet default Pending");
		lines++;
	}
	cr_assert_eq(lines, 2, "%d pods", lines);
	free(out);
	free(ns);
}

Test(k8s_server, pod_status_through_status_subresource, .timeout = 120)
{
	const struct k8s_server *s = server();
	char *ns = namespace(s, "status");
	char *out;

	cr_assert_eq(k8s_server_kubectl(s, "admin", NULL,
			"run web -n %s --image=registry.k8s.io/pause:3.10", ns),
		     0);
	cr_assert_eq(k8s_server_kubectl(s, "admin", NULL,
			"patch pod web -n %s --subresource=status --type=merge "
			"-p '{\"status\": {\"phase\": \"Running\", "
			"\"containerStatuses\": [{\"name\": \"web\", "
			"\"image\": \"registry.k8s.io/pause:3.10\", "
			"\"imageID\": \"\", \"ready\": false, "
			"\"restartCount\": 5, "
			"\"state\": {\"waiting\": {\"reason\": "
			"\"CrashLoopBackOff\", \"message\": \"back-off 5m0s\"}}, "
			"\"lastState\": {\"terminated\": {\"exitCode\": 137, "
			"\"reason\": \"OOMKilled\"}}}]}}'", ns), 0);

	/* Read back by the viewer, from the server. */
	cr_assert_eq(k8s_server_kubectl(s, "viewer", &out,
			"get pod web -n %s -o jsonpath='{.status.phase} "
			"{.status.containerStatuses[0].state.waiting.reason} "
			"{.status.containerStatuses[0].lastState.terminated.reason} "
			"{.status.containerStatuses[0].lastState.terminated.exitCode} "
			"{.status.containerStatuses[0].restartCount}'", ns), 0);
	cr_assert_str_eq(out, "Running CrashLoopBackOff OOMKilled 137 5");
	free(out);
	free(ns);
}

Test(k8s_server, viewer_reads_but_cannot_scale, .timeout = 120)
{
	const struct k8s_server *s = server();
	char *ns = namespace(s, "viewer");
	char *out;

	cr_assert_eq(k8s_server_kubectl(s, "admin", NULL,
			"create deployment web -n %s --replicas=1 "
			"--image=registry.k8s.io/pause:3.10", ns), 0);
	cr_assert_eq(k8s_server_kubectl(s, "viewer", &out,
			"get deployment web -n %s -o name", ns), 0,
		     "the viewer cannot read");
	cr_assert_str_eq(out, "deployment.apps/web\n");
	free(out);

	/* -v=6 logs each request with the status the server answered. */
	cr_assert_neq(k8s_server_kubectl(s, "viewer", &out,
			"scale deployment web -n %s --replicas=3 -v=6 2>&1", ns),
		      0, "the viewer scaled a deployment");
	cr_assert_not_null(strstr(out, "403 Forbidden"), "%s", out);
	cr_assert_not_null(strstr(out, "User \"viewer\" cannot patch "
				  "resource \"deployments/scale\""), "%s", out);
	free(out);

	cr_assert_eq(k8s_server_kubectl(s, "admin", &out,
			"get deployment web -n %s -o jsonpath='{.spec.replicas}'",
			ns), 0);
	cr_assert_str_eq(out, "1");
	free(out);
	free(ns);
}
