/* What the Kubernetes probe reads from the API: each pod's STATUS as
 * kubectl's printPod computes it (init containers, sidecars, Completed,
 * Terminating, NodeLost, Evicted, SchedulingGated), a deployment's rollout
 * as `kubectl rollout status` says it, nodes, autoscalers, events, times,
 * quantities and refusals as one line; watch events applied to the model
 * as they come (ADDED, MODIFIED, DELETED, BOOKMARK, 410 Gone, a line that
 * is not one); the model's pods, owners and the revision undo goes to; the
 * pane's focus text. No server: objects as the server writes them. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules.h"
#include "core/xalloc.h"
#include "probes/k8s.h"

/* ---- pods ------------------------------------------------------------------ */

struct pod_case {
	char json[900];
	char status[40];
	int ready, containers, restarts;
	char last_term[16];
	char why[80];
};

#define C(name, state, extra)                                                   \
	"{\"name\": \"" name "\", \"ready\": false, \"restartCount\": 2, "      \
	"\"state\": " state extra "}"
#define RUN(name)                                                              \
	"{\"name\": \"" name "\", \"ready\": true, \"restartCount\": 0, "       \
	"\"started\": true, \"state\": {\"running\": {}}}"
#define POD(spec, status)                                                      \
	"{\"metadata\": {\"name\": \"p\", \"namespace\": \"ns\", "              \
	"\"creationTimestamp\": \"2026-01-01T00:00:00Z\"}, \"spec\": " spec   \
	", \"status\": " status "}"
#define ONE "{\"containers\": [{\"name\": \"a\"}]}"
#define TWO "{\"containers\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}"
#define INIT2 "{\"initContainers\": [{\"name\": \"i1\"}, {\"name\": "    \
	      "\"i2\"}], \"containers\": [{\"name\": \"a\"}]}"
#define SIDECAR "{\"initContainers\": [{\"name\": \"proxy\", "             \
		"\"restartPolicy\": \"Always\"}], \"containers\": [{\"name\": " \
		"\"a\"}]}"
#define TERM(reason, code)                                                     \
	"{\"terminated\": {\"reason\": \"" reason "\", \"exitCode\": " #code   \
	", \"finishedAt\": \"2026-01-01T00:05:00Z\"}}"

ParameterizedTestParameters(k8s_objects, pod_status)
{
	static struct pod_case cases[] = {
		{ POD(ONE, "{\"phase\": \"Running\", \"containerStatuses\": ["
		      RUN("a") "]}"), "Running", 1, 1, 0, "", "" },
		{ POD(ONE, "{\"phase\": \"Running\", \"containerStatuses\": ["
		      C("a", "{\"waiting\": {\"reason\": \"CrashLoopBackOff\","
			" \"message\": \"back-off 40s\"}}",
			", \"lastState\": " TERM("OOMKilled", 137)) "]}"),
		  "CrashLoopBackOff", 0, 1, 2, "OOMKilled", "back-off 40s" },
		{ POD(ONE, "{\"phase\": \"Pending\", \"containerStatuses\": ["
		      C("a", "{\"waiting\": {\"reason\": "
			"\"ImagePullBackOff\"}}", "") "]}"),
		  "ImagePullBackOff", 0, 1, 2, "", "" },
		{ POD(ONE, "{\"phase\": \"Running\", \"containerStatuses\": ["
		      C("a", TERM("Error", 1), "") "]}"), "Error", 0, 1, 2, "",
		  "" },
		{ POD(ONE, "{\"phase\": \"Running\", \"containerStatuses\": ["
		      C("a", TERM("", 2), "") "]}"), "ExitCode:2", 0, 1, 2, "",
		  "" },
		{ POD(ONE, "{\"phase\": \"Running\", \"containerStatuses\": ["
		      C("a", "{\"terminated\": {\"signal\": 9, \"exitCode\": "
			"137}}", "") "]}"), "Signal:9", 0, 1, 2, "", "" },
		{ POD(ONE, "{\"phase\": \"Succeeded\", \"containerStatuses\": "
		      "[" C("a", TERM("Completed", 0), "") "]}"), "Completed",
		  0, 1, 2, "", "" },
		/* Completed with another container still running and the
		 * pod Ready: Running; not Ready: NotReady. */
		{ POD(TWO, "{\"phase\": \"Running\", \"conditions\": [{"
		      "\"type\": \"Ready\", \"status\": \"True\"}], "
		      "\"containerStatuses\": [" C("a", TERM("Completed", 0),
						   "") ", " RUN("b") "]}"),
		  "Running", 1, 2, 2, "", "" },
		{ POD(TWO, "{\"phase\": \"Running\", \"containerStatuses\": ["
		      C("a", TERM("Completed", 0), "") ", " RUN("b") "]}"),
		  "NotReady", 1, 2, 2, "", "" },
		{ POD(INIT2, "{\"phase\": \"Pending\", "
		      "\"initContainerStatuses\": [" C("i1", TERM("Completed",
							       0), "")
		      ", " C("i2", "{\"waiting\": {\"reason\": "
			     "\"PodInitializing\"}}", "") "]}"),
		  "Init:1/2", 0, 1, 4, "", "" },
		{ POD(INIT2, "{\"phase\": \"Pending\", "
		      "\"initContainerStatuses\": [" C("i1", "{\"waiting\": {"
						       "\"reason\": "
						       "\"CrashLoopBackOff\"}}",
						       "") "]}"),
		  "Init:CrashLoopBackOff", 0, 1, 2, "", "" },
		{ POD(INIT2, "{\"phase\": \"Pending\", "
		      "\"initContainerStatuses\": [" C("i1", TERM("", 3), "")
		      "]}"), "Init:ExitCode:3", 0, 1, 2, "", "" },
		/* A sidecar counts among the containers and its restarts. */
		{ POD(SIDECAR, "{\"phase\": \"Running\", \"conditions\": [{"
		      "\"type\": \"Initialized\", \"status\": \"True\"}], "
		      "\"initContainerStatuses\": [" RUN("proxy") "], "
		      "\"containerStatuses\": [" RUN("a") "]}"),
		  "Running", 2, 2, 0, "", "" },
		{ POD(ONE, "{\"phase\": \"Failed\", \"reason\": \"Evicted\", "
		      "\"message\": \"The node was low on resource: memory.\"}"),
		  "Evicted", 0, 1, 0, "", "The node was low on resource: "
		  "memory." },
		{ POD(ONE, "{\"phase\": \"Pending\", \"conditions\": [{\"type\":"
		      " \"PodScheduled\", \"status\": \"False\", \"reason\": "
		      "\"Unschedulable\", \"message\": \"0/3 nodes are "
		      "available\"}]}"), "Pending", 0, 1, 0, "",
		  "Unschedulable: 0/3 nodes are available" },
		{ POD(ONE, "{\"phase\": \"Pending\", \"conditions\": [{\"type\":"
		      " \"PodScheduled\", \"status\": \"False\", \"reason\": "
		      "\"SchedulingGated\"}]}"), "SchedulingGated", 0, 1, 0, "",
		  "SchedulingGated: " },
	};

	return cr_make_param_array(struct pod_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct pod_case *pc, k8s_objects, pod_status)
{
	cJSON *obj = cJSON_Parse(pc->json);
	struct k8s_pod *p;

	cr_assert_not_null(obj, "fixture: %s", pc->json);
	p = k8s_parse_pod(obj);
	cr_assert_not_null(p);
	cr_expect_str_eq(p->reason, pc->status, "%s", pc->json);
	cr_expect_eq(p->ready, pc->ready, "%s", pc->status);
	cr_expect_eq(p->containers, pc->containers, "%s", pc->status);
	cr_expect_eq(p->restarts, pc->restarts, "%s", pc->status);
	cr_expect_str_eq(p->last_term, pc->last_term, "%s", pc->status);
	cr_expect_str_eq(p->why, pc->why, "%s", pc->status);
	free(p);
	cJSON_Delete(obj);
}

Test(k8s_objects, terminating_and_node_lost)
{
	static const char going[] =
		"{\"metadata\": {\"name\": \"p\", \"deletionTimestamp\": "
		"\"2026-01-01T00:00:00Z\"}, \"spec\": " ONE ", \"status\": {"
		"\"phase\": \"Running\", \"containerStatuses\": [" RUN("a")
		"]}}";
	static const char lost[] =
		"{\"metadata\": {\"name\": \"p\", \"deletionTimestamp\": "
		"\"2026-01-01T00:00:00Z\"}, \"spec\": " ONE ", \"status\": {"
		"\"phase\": \"Running\", \"reason\": \"NodeLost\"}}";
	static const char done[] =
		"{\"metadata\": {\"name\": \"p\", \"deletionTimestamp\": "
		"\"2026-01-01T00:00:00Z\"}, \"spec\": " ONE ", \"status\": {"
		"\"phase\": \"Succeeded\"}}";
	const char *const json[] = { going, lost, done };
	const char *const want[] = { "Terminating", "Unknown", "Succeeded" };

	for (int i = 0; i < 3; i++) {
		cJSON *obj = cJSON_Parse(json[i]);
		struct k8s_pod *p = k8s_parse_pod(obj);

		cr_assert_not_null(p);
		cr_expect_str_eq(p->reason, want[i]);
		free(p);
		cJSON_Delete(obj);
	}
}

Test(k8s_objects, pod_limits_owner_and_last_restart)
{
	static const char json[] =
		"{\"metadata\": {\"name\": \"api-1\", \"namespace\": \"prod\", "
		"\"ownerReferences\": [{\"kind\": \"ReplicaSet\", \"name\": "
		"\"api-7c9\", \"controller\": true}]}, \"spec\": {"
		"\"nodeName\": \"n1\", \"containers\": [{\"name\": \"api\", "
		"\"resources\": {\"limits\": {\"memory\": \"256Mi\", \"cpu\": "
		"\"500m\"}}}, {\"name\": \"log\", \"resources\": {\"limits\": "
		"{\"memory\": \"64Mi\"}}}]}, \"status\": {\"phase\": "
		"\"Running\", \"containerStatuses\": [" RUN("api") ", "
		C("log", "{\"running\": {}}", ", \"lastState\": "
		  TERM("OOMKilled", 137)) "]}}";
	cJSON *obj = cJSON_Parse(json);
	struct k8s_pod *p = k8s_parse_pod(obj);

	cr_assert_not_null(p);
	cr_expect_str_eq(p->owner_kind, "ReplicaSet");
	cr_expect_str_eq(p->owner, "api-7c9");
	cr_expect_str_eq(p->node, "n1");
	cr_expect_str_eq(p->container, "api");
	cr_expect_float_eq(p->mem_limit, 320.0 * 1048576, 1);
	/* One container without a cpu limit: the pod has none. */
	cr_expect(isnan(p->cpu_limit));
	cr_expect_eq(p->last_restart_ms, 1767225900000LL);
	cr_expect_str_eq(p->last_term, "OOMKilled");
	free(p);
	cJSON_Delete(obj);
}

/* ---- deployments, nodes, autoscalers, events --------------------------------- */

struct deploy_case {
	char json[600];
	char rollout[32];
	char msg[80];
};

#define DEP(spec, status)                                                      \
	"{\"metadata\": {\"name\": \"d\", \"generation\": 3, \"annotations\": "\
	"{\"deployment.kubernetes.io/revision\": \"4\"}}, \"spec\": {"          \
	"\"replicas\": 3" spec "}, \"status\": {\"observedGeneration\": 3" status\
	"}}"

ParameterizedTestParameters(k8s_objects, rollout)
{
	static struct deploy_case cases[] = {
		{ DEP("", ", \"replicas\": 3, \"updatedReplicas\": 3, "
		      "\"availableReplicas\": 3"), "complete", "" },
		{ DEP("", ", \"replicas\": 3, \"updatedReplicas\": 1"),
		  "progressing", "1 out of 3 new replicas have been updated" },
		{ DEP("", ", \"replicas\": 4, \"updatedReplicas\": 3"),
		  "progressing", "1 old replicas are pending termination" },
		{ DEP("", ", \"replicas\": 3, \"updatedReplicas\": 3, "
		      "\"availableReplicas\": 2"), "progressing",
		  "2 of 3 updated replicas are available" },
		{ DEP(", \"paused\": true", ""), "paused", "" },
		{ DEP("", ", \"conditions\": [{\"type\": \"Progressing\", "
		      "\"reason\": \"ProgressDeadlineExceeded\", \"message\": "
		      "\"ReplicaSet d-7c9 has timed out progressing.\"}]"),
		  "ProgressDeadlineExceeded",
		  "ReplicaSet d-7c9 has timed out progressing." },
	};

	return cr_make_param_array(struct deploy_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct deploy_case *dc, k8s_objects, rollout)
{
	cJSON *obj = cJSON_Parse(dc->json);
	struct k8s_deploy *d;

	cr_assert_not_null(obj, "%s", dc->json);
	d = k8s_res[K8S_DEPLOYS].parse(obj);
	cr_assert_not_null(d);
	cr_expect_str_eq(d->rollout, dc->rollout);
	cr_expect_str_eq(d->rollout_msg, dc->msg);
	cr_expect_eq(d->revision, 4);
	free(d);
	cJSON_Delete(obj);
}

Test(k8s_objects, node_hpa_event)
{
	cJSON *n = cJSON_Parse(
		"{\"metadata\": {\"name\": \"n1\", \"labels\": {"
		"\"node-role.kubernetes.io/control-plane\": \"\", "
		"\"node-role.kubernetes.io/worker\": \"\"}}, \"spec\": {"
		"\"unschedulable\": true}, \"status\": {\"conditions\": [{"
		"\"type\": \"Ready\", \"status\": \"False\"}, {\"type\": "
		"\"DiskPressure\", \"status\": \"True\"}, {\"type\": "
		"\"MemoryPressure\", \"status\": \"True\"}], \"allocatable\": "
		"{\"cpu\": \"3920m\", \"memory\": \"15Gi\"}, \"nodeInfo\": {"
		"\"kubeletVersion\": \"v1.36.3\"}}}");
	cJSON *h = cJSON_Parse(
		"{\"metadata\": {\"name\": \"api\", \"namespace\": \"prod\"}, "
		"\"spec\": {\"scaleTargetRef\": {\"kind\": \"Deployment\", "
		"\"name\": \"api\"}, \"minReplicas\": 2, \"maxReplicas\": 10, "
		"\"metrics\": [{\"type\": \"Resource\", \"resource\": {\"name\":"
		" \"cpu\", \"target\": {\"type\": \"Utilization\", "
		"\"averageUtilization\": 80}}}]}, \"status\": {"
		"\"currentReplicas\": 10, \"desiredReplicas\": 10, "
		"\"currentMetrics\": [{\"type\": \"Resource\", \"resource\": {"
		"\"name\": \"cpu\", \"current\": {\"averageUtilization\": 95}}}],"
		" \"conditions\": [{\"type\": \"ScalingLimited\", \"status\": "
		"\"True\", \"message\": \"the desired replica count is more "
		"than the maximum replica count\"}]}}");
	cJSON *e = cJSON_Parse(
		"{\"metadata\": {\"name\": \"api-1.x\", \"namespace\": "
		"\"prod\"}, \"involvedObject\": {\"kind\": \"Pod\", \"name\": "
		"\"api-1\"}, \"type\": \"Warning\", \"reason\": \"BackOff\", "
		"\"message\": \"Back-off restarting\", \"eventTime\": "
		"\"2026-01-01T00:00:01.500000Z\", \"series\": {\"count\": 9}}");
	struct k8s_node *nr = k8s_res[K8S_NODES].parse(n);
	struct k8s_hpa *hr = k8s_res[K8S_HPAS].parse(h);
	struct k8s_event *er = k8s_res[K8S_EVENTS].parse(e);

	cr_expect_str_eq(nr->ready, "False");
	cr_expect_str_eq(nr->pressure, "MemoryPressure DiskPressure");
	cr_expect_str_eq(nr->roles, "control-plane,worker");
	cr_expect(nr->cordoned);
	cr_expect_float_eq(nr->cpu_alloc, 3.92, 1e-9);
	cr_expect_float_eq(nr->mem_alloc, 15.0 * 1073741824, 1);
	cr_expect_str_eq(hr->target, "Deployment/api");
	cr_expect_str_eq(hr->metrics, "cpu: 95%/80%");
	cr_expect_eq(hr->current, 10);
	cr_expect_eq(hr->max, 10);
	cr_expect_str_eq(hr->why, "the desired replica count is more than "
			 "the maximum replica count");
	cr_expect_str_eq(er->object, "pod/api-1");
	cr_expect_eq(er->count, 9);
	cr_expect_eq(er->at_ms, 1767225601500LL);
	free(nr);
	free(hr);
	free(er);
	cJSON_Delete(n);
	cJSON_Delete(h);
	cJSON_Delete(e);
}

Test(k8s_objects, times_quantities_refusals)
{
	struct err err = { "" };

	cr_expect_eq(k8s_time_ms("2026-01-01T00:00:00Z"), 1767225600000LL);
	cr_expect_eq(k8s_time_ms("2026-01-01T02:00:00.25+02:00"),
		     1767225600250LL);
	cr_expect_eq(k8s_time_ms("2026-01-01"), 0);
	cr_expect_eq(k8s_time_ms("2026-01-01T00:00:00"), 0);
	cr_expect_float_eq(k8s_quantity("250m"), 0.25, 1e-12);
	cr_expect_float_eq(k8s_quantity("2"), 2, 1e-12);
	cr_expect_float_eq(k8s_quantity("128Mi"), 134217728, 1e-3);
	cr_expect_float_eq(k8s_quantity("1G"), 1e9, 1e-3);
	cr_expect_float_eq(k8s_quantity("1e3"), 1000, 1e-9);
	cr_expect(isnan(k8s_quantity("lots")));
	k8s_status_error(403, "{\"kind\": \"Status\", \"message\": "
			 "\"pods is forbidden: User \\\"v\\\" cannot list\", "
			 "\"code\": 403}", "h:1", &err);
	cr_expect_str_eq(err.msg, "HTTP 403 Forbidden: pods is forbidden: "
			 "User \"v\" cannot list");
	k8s_status_error(401, "{\"kind\": \"Status\", \"message\": "
			 "\"Unauthorized\"}", "h:1", &err);
	cr_expect_str_eq(err.msg, "HTTP 401 Unauthorized (h:1)");
	k8s_status_error(502, "<html>\n<body>bad gateway", "h:1", &err);
	cr_expect_str_eq(err.msg, "HTTP 502 Bad Gateway: <html>");
}

/* ---- watch events into the model ---------------------------------------------- */

static const char *
pod_event(const char *type, const char *name, const char *rv,
	  const char *phase)
{
	static char buf[600];

	snprintf(buf, sizeof(buf), "{\"type\": \"%s\", \"object\": {"
		 "\"kind\": \"Pod\", \"metadata\": {\"name\": \"%s\", "
		 "\"namespace\": \"ns\", \"resourceVersion\": \"%s\", "
		 "\"ownerReferences\": [{\"kind\": \"ReplicaSet\", \"name\": "
		 "\"web-7c9\", \"controller\": true}]}, \"spec\": " ONE ", "
		 "\"status\": {\"phase\": \"%s\"}}}", type, name, rv, phase);
	return buf;
}

static void
feed(struct k8s_watch *w, const char *line)
{
	k8s_watch_line(w, line, strlen(line));
}

static const struct pod_row *
row(const struct pods_model *m, const char *name)
{
	for (size_t i = 0; i < m->n_pods; i++) {
		if (strcmp(m->pods[i].name, name) == 0) {
			return &m->pods[i];
		}
	}
	return NULL;
}

Test(k8s_objects, watch_events_as_they_come)
{
	struct k8s_model *m = k8s_model_new();
	struct k8s_watch w;
	struct snapshot *s;
	const struct pods_model *pm;
	cJSON *rs;

	k8s_watch_init(&w, K8S_PODS, NULL, m, "", true, 1000);
	feed(&w, pod_event("ADDED", "a", "10", "Pending"));
	feed(&w, pod_event("ADDED", "b", "11", "Pending"));
	feed(&w, pod_event("MODIFIED", "a", "12", "Running"));
	feed(&w, pod_event("DELETED", "b", "13", "Running"));
	feed(&w, "{\"type\": \"BOOKMARK\", \"object\": {\"kind\": \"Pod\", "
		 "\"metadata\": {\"resourceVersion\": \"20\"}}}");
	cr_expect_str_eq(w.rv, "20");
	cr_expect_eq(w.events, 4);
	cr_expect_not(w.relist);
	cr_expect(k8s_model_dirty(m));
	/* The replica set tells the deployment a pod belongs to. */
	rs = cJSON_Parse(
		"{\"metadata\": {\"name\": \"web-7c9\", \"namespace\": \"ns\", "
		"\"ownerReferences\": [{\"kind\": \"Deployment\", \"name\": "
		"\"web\", \"uid\": \"u1\", \"controller\": true}]}}");
	k8s_model_apply(m, K8S_RSETS, rs, false, 1);
	cJSON_Delete(rs);
	s = snapshot_new(SNAP_PODS, "k8s.test");
	pm = s->data = k8s_model_build(m, s);
	rules_derive(s);
	cr_expect_not(k8s_model_dirty(m));
	cr_assert_eq(pm->n_pods, 1);
	cr_expect_str_eq(row(pm, "a")->status, "Running");
	cr_expect_str_eq(row(pm, "a")->owner, "web");
	snapshot_unref(s);

	/* 410 Gone: list again, nothing else. */
	feed(&w, "{\"type\": \"ERROR\", \"object\": {\"kind\": \"Status\", "
		 "\"code\": 410, \"reason\": \"Expired\", \"message\": \"too "
		 "old resource version\"}}");
	cr_expect(w.relist);
	cr_expect_eq(w.gone, 1);
	cr_expect_str_eq(w.error, "");
	/* A line that is not an event: lost sync, list again. */
	w.relist = false;
	feed(&w, "{\"type\": \"ADDED\", \"object\": ");
	cr_expect(w.relist);
	cr_expect_str_eq(w.error, "pods: a watch event that is not JSON (?)");
	k8s_watch_finish(&w);
	k8s_model_free(m);
}

static cJSON *
rset(const char *name, int revision, const char *image)
{
	char *json = xasprintf(
		"{\"metadata\": {\"name\": \"%s\", \"namespace\": \"ns\", "
		"\"annotations\": {\"deployment.kubernetes.io/revision\": "
		"\"%d\"}, \"ownerReferences\": [{\"kind\": \"Deployment\", "
		"\"name\": \"web\", \"uid\": \"u1\", \"controller\": true}]}, "
		"\"spec\": {\"template\": {\"spec\": {\"containers\": [{"
		"\"image\": \"%s\"}]}}}}", name, revision, image);
	cJSON *o = cJSON_Parse(json);

	free(json);
	return o;
}

Test(k8s_objects, undo_goes_to_the_second_highest_revision)
{
	struct k8s_model *m = k8s_model_new();
	struct snapshot *s;
	const struct pods_model *pm;
	cJSON *objs[4];

	objs[0] = cJSON_Parse("{\"metadata\": {\"name\": \"web\", "
			      "\"namespace\": \"ns\", \"uid\": \"u1\", "
			      "\"annotations\": {\"deployment.kubernetes.io/"
			      "revision\": \"7\"}}, \"spec\": {\"replicas\": "
			      "2}}");
	objs[1] = rset("web-a", 7, "web:3");
	objs[2] = rset("web-b", 3, "web:1");
	objs[3] = rset("web-c", 5, "web:2");
	for (int i = 0; i < 4; i++) {
		k8s_model_apply(m, i == 0 ? K8S_DEPLOYS : K8S_RSETS, objs[i],
				false, 1);
	}
	s = snapshot_new(SNAP_PODS, "k8s.test");
	pm = s->data = k8s_model_build(m, s);
	cr_assert_eq(pm->n_deploys, 1);
	cr_expect_eq(pm->deploys[0].revision, 7);
	cr_expect_eq(pm->deploys[0].prev_revision, 5);
	cr_expect_str_eq(pm->deploys[0].prev_rs, "web-c");
	cr_expect_str_eq(pm->deploys[0].prev_image, "web:2");
	snapshot_unref(s);
	/* A list of generation 2 that names only web-a: the rest go. */
	k8s_model_apply(m, K8S_RSETS, objs[1], false, 2);
	k8s_model_sweep(m, K8S_RSETS, 2);
	cr_expect_eq(k8s_model_count(m, K8S_RSETS), 1);
	for (int i = 0; i < 4; i++) {
		cJSON_Delete(objs[i]);
	}
	k8s_model_free(m);
}

/* ---- the focus ---------------------------------------------------------------- */

Test(k8s_objects, focus_text_round_trip)
{
	struct pods_focus f = { .what = PODS_FOCUS_LOGS, .ns = "prod",
				.name = "api-1", .previous = true };
	struct pods_focus g;
	char buf[512];

	cr_assert(pods_focus_format(&f, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "logs prod api-1 - previous once");
	cr_assert(pods_focus_parse(buf, &g));
	cr_expect_eq(g.what, PODS_FOCUS_LOGS);
	cr_expect(g.previous && !g.follow);
	cr_expect_str_eq(g.container, "");
	f.follow = true;
	f.previous = false;
	f.again = 3;
	strcpy(f.container, "side");
	cr_assert(pods_focus_format(&f, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "logs prod api-1 side current follow #3");
	cr_assert(pods_focus_parse(buf, &g));
	cr_expect_eq(g.again, 3);
	cr_expect_str_eq(g.container, "side");
	memset(&f, 0, sizeof(f));
	f.what = PODS_FOCUS_DESCRIBE;
	strcpy(f.kind, "node");
	strcpy(f.name, "n1");
	cr_assert(pods_focus_format(&f, buf, sizeof(buf)));
	cr_expect_str_eq(buf, "describe node - n1");
	cr_assert(pods_focus_parse(buf, &g));
	cr_expect_str_eq(g.ns, "");
	/* Not what the pane writes. */
	cr_expect_not(pods_focus_parse("logs a b c sideways once", &g));
	cr_expect_not(pods_focus_parse("logs a b c current once #x", &g));
	cr_expect_not(pods_focus_parse("describe pod ns", &g));
	cr_expect_not(pods_focus_parse("exec pod ns name", &g));
	strcpy(f.name, "has space");
	cr_expect_not(pods_focus_format(&f, buf, sizeof(buf)));
}
