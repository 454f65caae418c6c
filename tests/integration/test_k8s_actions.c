/* The Kubernetes actions against a real kube-apiserver and controller
 * manager (k8s_server.h), each compared with what the real kubectl of the
 * same build does to a twin object: rollout restart, scale, rollout undo
 * from the deployment row, delete pod. The dry run changes nothing, and a
 * viewer's dry run says it is forbidden, in the server's words, before
 * anything is sent for real. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "tests/integration/harness.h"
#include "tests/integration/k8s_probe.h"

#define WAIT_MS 60000
#define OLD_IMAGE "registry.k8s.io/pause:3.9"
#define NEW_IMAGE "registry.k8s.io/pause:3.10"

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	if (k8s_server_shared() == NULL) {
		fprintf(stderr, "test_k8s_actions: no control plane\n");
	}
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	k8s_server_shared_stop();
}

/* kubectl get ... -o jsonpath=PATH, as text (the caller frees). */
static char *
jsonpath(const struct k8s_server *s, const char *ns, const char *what,
	 const char *path)
{
	char *out;

	cr_assert_eq(k8s_server_kubectl(s, "admin", &out, "get %s -n %s "
					"-o jsonpath='%s'", what, ns, path),
		     0, "get %s", what);
	return out;
}

/* out with every "mine" made "theirs": the twins' names differ. */
static char *
as_theirs(const char *out)
{
	size_t n = 0;
	char *r = xcalloc(1, strlen(out) * 2 + 1);

	while (*out != '\0') {
		if (strncmp(out, "mine", 4) == 0) {
			memcpy(r + n, "theirs", 6);
			n += 6;
			out += 4;
		} else {
			r[n++] = *out++;
		}
	}
	return r;
}

/* Waits until `get WHAT -o jsonpath=PATH` says want. */
static void
wait_for(const struct k8s_server *s, const char *ns, const char *what,
	 const char *path, const char *want)
{
	int64_t end = clock_mono_ms() + WAIT_MS;
	char *got = NULL;

	for (;;) {
		free(got);
		got = jsonpath(s, ns, what, path);
		if (strcmp(got, want) == 0 || clock_mono_ms() >= end) {
			break;
		}
		usleep(250000);
	}
	cr_assert_str_eq(got, want, "%s %s", what, path);
	free(got);
}

/* The twins, "mine" (warroom acts on it) and "theirs" (kubectl does). */
static char *
twins(const struct k8s_server *s, const char *prefix, const char *image)
{
	char *ns = k8s_server_namespace(s, prefix);

	cr_assert_not_null(ns);
	k8s_kubectl_ok(s, "create deployment mine -n %s --replicas=1 --image=%s",
		   ns, image);
	k8s_kubectl_ok(s, "create deployment theirs -n %s --replicas=1 "
		   "--image=%s", ns, image);
	wait_for(s, ns, "deployment mine",
		 "{.metadata.annotations.deployment\\.kubernetes\\.io/"
		 "revision}", "1");
	wait_for(s, ns, "deployment theirs",
		 "{.metadata.annotations.deployment\\.kubernetes\\.io/"
		 "revision}", "1");
	return ns;
}

struct want_deploy {
	const char *ns;
	const char *name;
	int revision;
	int prev_revision;
};

static bool
has_deploy(const struct snapshot *s, const void *arg)
{
	const struct want_deploy *w = arg;
	const struct deploy_row *d = k8s_deploy(s, w->ns, w->name);

	return d != NULL && d->revision == w->revision &&
	       d->prev_revision == w->prev_revision;
}

static void
start(struct k8s_run *kr, const char *kubeconfig, const char *ns,
      int revision, int prev)
{
	struct want_deploy w = { ns, "mine", revision, prev };
	struct snapshot *snap;
	char buf[300];

	k8s_run_init(kr, kubeconfig, "namespace", ns, NULL);
	k8s_run_start(kr);
	snap = k8s_run_wait(kr, has_deploy, &w, WAIT_MS);
	cr_assert_not_null(snap, "deployment mine at revision %d: %s",
			   revision, k8s_run_describe(k8s_run_latest(kr), buf,
						      sizeof(buf)));
	snapshot_unref(snap);
}

static void
act(struct k8s_run *kr, const struct action_spec *spec,
    enum target_type type, const char *ns, const char *name,
    const char *arg, char *text, size_t n)
{
	struct err err = { "" };

	/* The dry run first, as the confirmation has it. */
	cr_assert_eq(k8s_run_action(kr, spec, type, ns, name, arg, true, text,
				    n, &err), 0, "%s preview: %s", spec->name,
		     err.msg);
	cr_assert_not_null(strstr(text, "the API server accepts it"),
			   "%s preview: %s", spec->name, text);
	cr_assert_eq(k8s_run_action(kr, spec, type, ns, name, arg, false,
				    text, n, &err), 0, "%s: %s", spec->name,
		     err.msg);
}

Test(k8s_actions, rollout_restart_as_kubectl, .timeout = 300)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = twins(s, "restart", NEW_IMAGE);
	struct k8s_run kr;
	char text[2048], *mine, *theirs;
	const char *when = "{.spec.template.metadata.annotations."
			   "kubectl\\.kubernetes\\.io/restartedAt}";
	const char *rev = "{.metadata.annotations.deployment\\.kubernetes\\."
			  "io/revision}";

	start(&kr, s->admin_kubeconfig, ns, 1, 0);
	act(&kr, &action_rollout_restart, TARGET_DEPLOYMENT, ns, "mine", NULL,
	    text, sizeof(text));
	k8s_kubectl_ok(s, "rollout restart deployment/theirs -n %s", ns);
	/* Both templates got the annotation, as an RFC 3339 time... */
	mine = jsonpath(s, ns, "deployment mine", when);
	theirs = jsonpath(s, ns, "deployment theirs", when);
	cr_expect_eq(strlen(mine), strlen(theirs), "%s vs %s", mine, theirs);
	cr_expect(strlen(mine) >= 20 && mine[10] == 'T', "%s", mine);
	cr_expect_not_null(strstr(text, mine), "%s", text);
	free(mine);
	free(theirs);
	/* ... and the controller rolled both to a new revision. */
	wait_for(s, ns, "deployment mine", rev, "2");
	wait_for(s, ns, "deployment theirs", rev, "2");
	k8s_run_stop(&kr);
	free(ns);
}

Test(k8s_actions, scale_as_kubectl, .timeout = 300)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = twins(s, "scale", NEW_IMAGE);
	struct k8s_run kr;
	struct action_req req;
	char text[2048], start_with[16];

	start(&kr, s->admin_kubeconfig, ns, 1, 0);
	/* The input starts from the replicas the operator sees. */
	memset(&req, 0, sizeof(req));
	req.target.type = TARGET_DEPLOYMENT;
	strcpy(req.target.u.deploy.ns, ns);
	strcpy(req.target.u.deploy.name, "mine");
	req.snap = k8s_run_latest(&kr);
	action_scale.initial_input(&req, start_with, sizeof(start_with));
	cr_expect_str_eq(start_with, "1");
	snapshot_unref(req.snap);

	act(&kr, &action_scale, TARGET_DEPLOYMENT, ns, "mine", "3", text,
	    sizeof(text));
	k8s_kubectl_ok(s, "scale deployment/theirs -n %s --replicas=3", ns);
	wait_for(s, ns, "deployment mine", "{.spec.replicas}", "3");
	wait_for(s, ns, "deployment theirs", "{.spec.replicas}", "3");
	/* The controller made the pods of both. */
	wait_for(s, ns, "replicaset -l app=mine", "{.items[0].spec.replicas}",
		 "3");
	wait_for(s, ns, "replicaset -l app=theirs",
		 "{.items[0].spec.replicas}", "3");
	cr_expect_not_null(strstr(text, "scaled from 1 to 3"), "%s", text);
	k8s_run_stop(&kr);
	free(ns);
}

Test(k8s_actions, rollout_undo_from_the_deployment_row_as_kubectl,
     .timeout = 300)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = twins(s, "undo", OLD_IMAGE);
	struct k8s_run kr;
	char text[4096], *mine, *theirs, *mine_as;
	const char *rev = "{.metadata.annotations.deployment\\.kubernetes\\."
			  "io/revision}";

	k8s_kubectl_ok(s, "set image deployment/mine -n %s pause=%s", ns,
		   NEW_IMAGE);
	k8s_kubectl_ok(s, "set image deployment/theirs -n %s pause=%s", ns,
		   NEW_IMAGE);
	wait_for(s, ns, "deployment mine", rev, "2");
	wait_for(s, ns, "deployment theirs", rev, "2");
	/* The row says where undo goes: revision 1, its replica set. */
	start(&kr, s->admin_kubeconfig, ns, 2, 1);
	act(&kr, &action_rollback, TARGET_DEPLOYMENT, ns, "mine", NULL, text,
	    sizeof(text));
	cr_expect_not_null(strstr(text, "rolled back to revision 1"), "%s",
			   text);
	k8s_kubectl_ok(s, "rollout undo deployment/theirs -n %s", ns);
	wait_for(s, ns, "deployment mine", rev, "3");
	wait_for(s, ns, "deployment theirs", rev, "3");
	/* The same template and the same annotations, names aside. */
	mine = jsonpath(s, ns, "deployment mine", "{.spec.template}");
	theirs = jsonpath(s, ns, "deployment theirs", "{.spec.template}");
	mine_as = as_theirs(mine);
	cr_expect_str_eq(mine_as, theirs);
	cr_expect_not_null(strstr(mine, OLD_IMAGE), "%s", mine);
	free(mine);
	free(mine_as);
	free(theirs);
	mine = jsonpath(s, ns, "deployment mine", "{.metadata.annotations}");
	theirs = jsonpath(s, ns, "deployment theirs",
			  "{.metadata.annotations}");
	mine_as = as_theirs(mine);
	cr_expect_str_eq(mine_as, theirs);
	free(mine);
	free(mine_as);
	free(theirs);
	k8s_run_stop(&kr);
	free(ns);
}

Test(k8s_actions, delete_pod_as_kubectl, .timeout = 300)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = twins(s, "delete", NEW_IMAGE);
	char *pod, *theirs, *after, text[2048], *out;
	struct k8s_run kr;

	start(&kr, s->admin_kubeconfig, ns, 1, 0);
	wait_for(s, ns, "pods -l app=mine", "{.items[*].status.phase}",
		 "Pending");
	pod = jsonpath(s, ns, "pods -l app=mine", "{.items[0].metadata.name}");
	theirs = jsonpath(s, ns, "pods -l app=theirs",
			  "{.items[0].metadata.name}");
	act(&kr, &action_delete_pod, TARGET_POD, ns, pod, NULL, text,
	    sizeof(text));
	k8s_kubectl_ok(s, "delete pod %s -n %s --wait=false", theirs, ns);
	/* Gone, both; each replica set made a new one. */
	cr_expect_neq(k8s_server_kubectl(s, "admin", &out, "get pod %s -n %s "
					 "2>/dev/null", pod, ns), 0);
	free(out);
	cr_expect_neq(k8s_server_kubectl(s, "admin", &out, "get pod %s -n %s "
					 "2>/dev/null", theirs, ns), 0);
	free(out);
	cr_assert(k8s_server_kubectl_until(s, "admin", WAIT_MS, &after,
			"get pods -n %s -l app=mine "
			"-o jsonpath='{.items[0].metadata.name}'", ns));
	cr_expect_str_neq(after, pod);
	free(after);
	k8s_run_stop(&kr);
	free(pod);
	free(theirs);
	free(ns);
}

Test(k8s_actions, dry_run_changes_nothing_and_viewer_is_forbidden,
     .timeout = 300)
{
	const struct k8s_server *s = k8s_test_server();
	char *ns = twins(s, "viewer", NEW_IMAGE);
	char text[2048], *gen0, *gen, *pod, *want;
	const char *when = "{.spec.template.metadata.annotations}";
	struct err err = { "" };
	struct k8s_run kr;

	gen0 = jsonpath(s, ns, "deployment mine", "{.metadata.generation}");
	/* An admin's dry run: accepted, and nothing happened. */
	start(&kr, s->admin_kubeconfig, ns, 1, 0);
	cr_assert_eq(k8s_run_action(&kr, &action_rollout_restart,
				    TARGET_DEPLOYMENT, ns, "mine", NULL, true,
				    text, sizeof(text), &err), 0, "%s",
		     err.msg);
	cr_expect_not_null(strstr(text, "the API server accepts it"), "%s",
			   text);
	k8s_run_stop(&kr);
	gen = jsonpath(s, ns, "deployment mine", "{.metadata.generation}");
	cr_expect_str_eq(gen, gen0);
	free(gen);

	/* The viewer's: refused, in the server's words, in the preview. */
	start(&kr, s->viewer_kubeconfig, ns, 1, 0);
	cr_assert_eq(k8s_run_action(&kr, &action_rollout_restart,
				    TARGET_DEPLOYMENT, ns, "mine", NULL, true,
				    text, sizeof(text), &err), 0, "%s",
		     err.msg);
	want = xasprintf("forbidden: User \"viewer\" cannot patch resource "
			 "\"deployments\" in API group \"apps\" in the "
			 "namespace \"%s\"", ns);
	cr_expect_not_null(strstr(text, "REFUSED"), "%s", text);
	cr_expect_not_null(strstr(text, want), "%s", text);
	free(want);
	cr_assert_eq(k8s_run_action(&kr, &action_scale, TARGET_DEPLOYMENT, ns,
				    "mine", "5", true, text, sizeof(text),
				    &err), 0, "%s", err.msg);
	cr_expect_not_null(strstr(text, "cannot patch resource "
				  "\"deployments/scale\""), "%s", text);
	cr_assert_eq(k8s_run_action(&kr, &action_rollback, TARGET_DEPLOYMENT,
				    ns, "mine", NULL, true, text, sizeof(text),
				    &err), 0, "%s", err.msg);
	cr_expect_not_null(strstr(text, "REFUSED"), "%s", text);
	pod = jsonpath(s, ns, "pods -l app=mine", "{.items[0].metadata.name}");
	cr_assert_eq(k8s_run_action(&kr, &action_delete_pod, TARGET_POD, ns,
				    pod, NULL, true, text, sizeof(text), &err),
		     0, "%s", err.msg);
	cr_expect_not_null(strstr(text, "cannot delete resource \"pods\""),
			   "%s", text);
	/* Confirmed anyway: the same refusal, and still nothing changed. */
	cr_expect_eq(k8s_run_action(&kr, &action_rollout_restart,
				    TARGET_DEPLOYMENT, ns, "mine", NULL, false,
				    text, sizeof(text), &err), -1);
	cr_expect_not_null(strstr(err.msg, "cannot patch resource "
				  "\"deployments\""), "%s", err.msg);
	k8s_run_stop(&kr);
	gen = jsonpath(s, ns, "deployment mine", "{.metadata.generation}");
	cr_expect_str_eq(gen, gen0);
	free(gen);
	gen = jsonpath(s, ns, "deployment mine", when);
	cr_expect_null(strstr(gen, "restartedAt"), "%s", gen);
	free(gen);
	gen = jsonpath(s, ns, "deployment mine", "{.spec.replicas}");
	cr_expect_str_eq(gen, "1");
	free(gen);
	gen = jsonpath(s, ns, "pods", "{.items[*].metadata.name}");
	cr_expect_not_null(strstr(gen, pod), "%s", gen);
	free(gen);
	free(gen0);
	free(pod);
	free(ns);
}
