/* `kubectl describe` for the object the operator looks at: a pod with its
 * containers' states and last terminations, a deployment with its replica
 * sets and rollout, a node with its conditions, an autoscaler with its
 * metrics; each with its conditions and the events about it, newest first.
 * Lines of raw text (the pane sanitizes). Probe thread. */
#include "probes/k8s.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"

/* Events shown under an object. */
#define EVENTS_SHOWN 30
#define RSETS_SHOWN 16

struct out {
	char ***lines;
	size_t *n;
};

static void add(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
add(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*o->lines = xreallocarray(*o->lines, *o->n + 1, sizeof(**o->lines));
	(*o->lines)[(*o->n)++] = xvasprintf(fmt, ap);
	va_end(ap);
}

static const char *
or_none(const char *s)
{
	return s[0] != '\0' ? s : "<none>";
}

/* "2026-12-06T03:11:50Z (5m12s ago)", or "<unknown>". */
static char *
when(const char *stamp, char *buf, size_t n)
{
	int64_t at = k8s_time_ms(stamp);
	char age[32];

	if (at == 0) {
		snprintf(buf, n, "<unknown>");
	} else {
		clock_format_duration(clock_wall_ms() - at, age, sizeof(age));
		snprintf(buf, n, "%s (%s ago)", stamp, age);
	}
	return buf;
}

/* "k=v, k=v" of an object of strings. */
static void
pairs(const cJSON *obj, char *buf, size_t n)
{
	const cJSON *it;

	buf[0] = '\0';
	cJSON_ArrayForEach(it, obj) {
		if (it->string != NULL && cJSON_IsString(it)) {
			strappendf(buf, n, "%s%s=%s", buf[0] ? ", " : "",
				   it->string, it->valuestring);
		}
	}
}

static void
conditions(struct out *o, const cJSON *obj)
{
	const cJSON *c, *all = kj_at(obj, "status.conditions");

	if (cJSON_GetArraySize(all) == 0) {
		return;
	}
	add(o, "Conditions:");
	add(o, "  %-28s %-8s %-26s %s", "Type", "Status", "Reason", "Message");
	cJSON_ArrayForEach(c, all) {
		add(o, "  %-28s %-8s %-26s %s", kj_str(c, "type"),
		    kj_str(c, "status"), or_none(kj_str(c, "reason")),
		    kj_str(c, "message"));
	}
}

static void
events(struct out *o, const struct k8s_model *m, const char *kind,
       const cJSON *obj)
{
	const struct k8s_event *ev[EVENTS_SHOWN];
	size_t n = k8s_model_events(m, kind,
				    kj_str(obj, "metadata.namespace"),
				    kj_str(obj, "metadata.name"), ev,
				    EVENTS_SHOWN);
	char age[32];

	if (n == 0) {
		add(o, "Events:           <none>");
		return;
	}
	add(o, "Events (newest first):");
	add(o, "  %-8s %-20s %-8s %-6s %s", "Type", "Reason", "Age", "Count",
	    "Message");
	for (size_t i = 0; i < n; i++) {
		clock_format_duration(clock_wall_ms() - ev[i]->at_ms, age,
				      sizeof(age));
		add(o, "  %-8s %-20s %-8s x%-5d %s", ev[i]->type,
		    ev[i]->reason, ev[i]->at_ms ? age : "?", ev[i]->count,
		    ev[i]->message);
	}
}

static void
meta(struct out *o, const cJSON *obj)
{
	char buf[1024], t[96];

	add(o, "Name:             %s", kj_str(obj, "metadata.name"));
	if (kj_str(obj, "metadata.namespace")[0] != '\0') {
		add(o, "Namespace:        %s",
		    kj_str(obj, "metadata.namespace"));
	}
	add(o, "Created:          %s",
	    when(kj_str(obj, "metadata.creationTimestamp"), t, sizeof(t)));
	pairs(kj_at(obj, "metadata.labels"), buf, sizeof(buf));
	add(o, "Labels:           %s", or_none(buf));
}

/* ---- pods ------------------------------------------------------------------ */

static void
container_state(struct out *o, const char *label, const cJSON *st)
{
	const cJSON *w = kj_at(st, "waiting"), *r = kj_at(st, "running");
	const cJSON *t = kj_at(st, "terminated");
	char b[96];

	if (w != NULL) {
		add(o, "    %-15s Waiting", label);
		add(o, "      Reason:       %s", or_none(kj_str(w, "reason")));
		if (kj_str(w, "message")[0] != '\0') {
			add(o, "      Message:      %s", kj_str(w, "message"));
		}
	} else if (r != NULL) {
		add(o, "    %-15s Running", label);
		add(o, "      Started:      %s",
		    when(kj_str(r, "startedAt"), b, sizeof(b)));
	} else if (t != NULL) {
		add(o, "    %-15s Terminated", label);
		add(o, "      Reason:       %s", or_none(kj_str(t, "reason")));
		add(o, "      Exit Code:    %d", kj_int(t, "exitCode", 0));
		if (kj_num(t, "signal", 0) != 0) {
			add(o, "      Signal:       %d",
			    kj_int(t, "signal", 0));
		}
		if (kj_str(t, "message")[0] != '\0') {
			add(o, "      Message:      %s", kj_str(t, "message"));
		}
		add(o, "      Started:      %s",
		    when(kj_str(t, "startedAt"), b, sizeof(b)));
		add(o, "      Finished:     %s",
		    when(kj_str(t, "finishedAt"), b, sizeof(b)));
	}
}

static const cJSON *
status_of(const cJSON *pod, const char *list, const char *name)
{
	const cJSON *cs;

	cJSON_ArrayForEach(cs, kj_at(pod, list)) {
		if (strcmp(kj_str(cs, "name"), name) == 0) {
			return cs;
		}
	}
	return NULL;
}

static void
containers(struct out *o, const cJSON *pod, const char *spec,
	   const char *status, const char *heading)
{
	const cJSON *c, *all = kj_at(pod, spec);
	char buf[512];

	if (cJSON_GetArraySize(all) == 0) {
		return;
	}
	add(o, "%s", heading);
	cJSON_ArrayForEach(c, all) {
		const cJSON *cs = status_of(pod, status, kj_str(c, "name"));

		add(o, "  %s:", kj_str(c, "name"));
		add(o, "    Image:          %s", kj_str(c, "image"));
		if (cs != NULL) {
			container_state(o, "State:", kj_at(cs, "state"));
			container_state(o, "Last State:",
					kj_at(cs, "lastState"));
			add(o, "    Ready:          %s",
			    kj_bool(cs, "ready") ? "True" : "False");
			add(o, "    Restart Count:  %d",
			    kj_int(cs, "restartCount", 0));
		}
		pairs(kj_at(c, "resources.limits"), buf, sizeof(buf));
		add(o, "    Limits:         %s", or_none(buf));
		pairs(kj_at(c, "resources.requests"), buf, sizeof(buf));
		add(o, "    Requests:       %s", or_none(buf));
	}
}

static void
describe_pod(struct out *o, const struct k8s_model *m, const cJSON *pod)
{
	struct k8s_pod *row = k8s_parse_pod(pod);
	const cJSON *ref;
	char t[96];

	meta(o, pod);
	add(o, "Node:             %s", or_none(kj_str(pod, "spec.nodeName")));
	add(o, "Start Time:       %s",
	    when(kj_str(pod, "status.startTime"), t, sizeof(t)));
	add(o, "Status:           %s (kubectl: %s)",
	    or_none(kj_str(pod, "status.phase")), row ? row->reason : "?");
	if (kj_str(pod, "status.reason")[0] != '\0') {
		add(o, "Reason:           %s", kj_str(pod, "status.reason"));
	}
	if (kj_str(pod, "status.message")[0] != '\0') {
		add(o, "Message:          %s", kj_str(pod, "status.message"));
	}
	if (kj_at(pod, "metadata.deletionTimestamp") != NULL) {
		add(o, "Terminating:      since %s",
		    when(kj_str(pod, "metadata.deletionTimestamp"), t,
			 sizeof(t)));
	}
	add(o, "IP:               %s", or_none(kj_str(pod, "status.podIP")));
	cJSON_ArrayForEach(ref, kj_at(pod, "metadata.ownerReferences")) {
		if (kj_bool(ref, "controller")) {
			add(o, "Controlled By:    %s/%s", kj_str(ref, "kind"),
			    kj_str(ref, "name"));
		}
	}
	containers(o, pod, "spec.initContainers",
		   "status.initContainerStatuses", "Init Containers:");
	containers(o, pod, "spec.containers", "status.containerStatuses",
		   "Containers:");
	conditions(o, pod);
	events(o, m, "pod", pod);
	free(row);
}

/* ---- deployments ----------------------------------------------------------- */

static int
cmp_rset_rev(const void *a, const void *b)
{
	const struct k8s_rset *x = *(const struct k8s_rset *const *)a;
	const struct k8s_rset *y = *(const struct k8s_rset *const *)b;

	return y->revision - x->revision;
}

static void
describe_deploy(struct out *o, const struct k8s_model *m, const cJSON *d)
{
	const struct k8s_rset *rs[RSETS_SHOWN];
	const cJSON *c;
	int want = kj_int(d, "spec.replicas", 1);
	int avail = kj_int(d, "status.availableReplicas", 0);
	size_t n;
	char buf[512];

	meta(o, d);
	pairs(kj_at(d, "spec.selector.matchLabels"), buf, sizeof(buf));
	add(o, "Selector:         %s", or_none(buf));
	add(o, "Replicas:         %d desired | %d updated | %d total | %d "
	    "available | %d unavailable", want,
	    kj_int(d, "status.updatedReplicas", 0),
	    kj_int(d, "status.replicas", 0), avail,
	    kj_int(d, "status.unavailableReplicas", 0));
	add(o, "StrategyType:     %s", or_none(kj_str(d, "spec.strategy.type")));
	add(o, "Revision:         %s",
	    or_none(kj_str(cJSON_GetObjectItemCaseSensitive(
		    kj_at(d, "metadata.annotations"),
		    "deployment.kubernetes.io/revision"), "")));
	if (kj_bool(d, "spec.paused")) {
		add(o, "Paused:           true (kubectl rollout resume)");
	}
	add(o, "Pod Template:");
	cJSON_ArrayForEach(c, kj_at(d, "spec.template.spec.containers")) {
		add(o, "  %s: %s", kj_str(c, "name"), kj_str(c, "image"));
	}
	pairs(kj_at(d, "spec.template.metadata.annotations"), buf,
	      sizeof(buf));
	if (buf[0] != '\0') {
		add(o, "  Annotations:    %s", buf);
	}
	conditions(o, d);
	n = k8s_model_rsets(m, kj_str(d, "metadata.namespace"),
			    kj_str(d, "metadata.uid"), rs, RSETS_SHOWN);
	qsort(rs, n, sizeof(*rs), cmp_rset_rev);
	add(o, "ReplicaSets (newest revision first; rollout undo goes to the "
	    "second):");
	if (n == 0) {
		add(o, "  <none>");
	}
	for (size_t i = 0; i < n; i++) {
		add(o, "  revision %-4d %s  %s", rs[i]->revision, rs[i]->name,
		    rs[i]->image);
	}
	events(o, m, "deployment", d);
}

/* ---- nodes and autoscalers -------------------------------------------------- */

static void
describe_node(struct out *o, const struct k8s_model *m, const cJSON *n)
{
	const cJSON *t, *a;
	char buf[512];

	meta(o, n);
	add(o, "Unschedulable:    %s", kj_bool(n, "spec.unschedulable") ?
	    "true (cordoned)" : "false");
	buf[0] = '\0';
	cJSON_ArrayForEach(t, kj_at(n, "spec.taints")) {
		strappendf(buf, sizeof(buf), "%s%s=%s:%s", buf[0] ? ", " : "",
			   kj_str(t, "key"), kj_str(t, "value"),
			   kj_str(t, "effect"));
	}
	add(o, "Taints:           %s", or_none(buf));
	conditions(o, n);
	buf[0] = '\0';
	cJSON_ArrayForEach(a, kj_at(n, "status.addresses")) {
		strappendf(buf, sizeof(buf), "%s%s=%s", buf[0] ? ", " : "",
			   kj_str(a, "type"), kj_str(a, "address"));
	}
	add(o, "Addresses:        %s", or_none(buf));
	pairs(kj_at(n, "status.capacity"), buf, sizeof(buf));
	add(o, "Capacity:         %s", or_none(buf));
	pairs(kj_at(n, "status.allocatable"), buf, sizeof(buf));
	add(o, "Allocatable:      %s", or_none(buf));
	add(o, "Kubelet Version:  %s",
	    or_none(kj_str(n, "status.nodeInfo.kubeletVersion")));
	events(o, m, "node", n);
}

static void
describe_hpa(struct out *o, const struct k8s_model *m, const cJSON *h)
{
	const cJSON *met, *cur;

	meta(o, h);
	add(o, "Reference:        %s/%s", kj_str(h, "spec.scaleTargetRef.kind"),
	    kj_str(h, "spec.scaleTargetRef.name"));
	add(o, "Metrics:          ( current / target )");
	cJSON_ArrayForEach(met, kj_at(h, "spec.metrics")) {
		const char *name = kj_str(met, "resource.name");
		double have = -1;

		cJSON_ArrayForEach(cur, kj_at(h, "status.currentMetrics")) {
			if (strcmp(kj_str(cur, "resource.name"), name) == 0) {
				have = kj_num(cur, "resource.current."
					      "averageUtilization", -1);
			}
		}
		if (have < 0) {
			add(o, "  %s %s: <unknown> / %.0f%%",
			    kj_str(met, "type"), name,
			    kj_num(met, "resource.target.averageUtilization",
				   0));
		} else {
			add(o, "  %s %s: %.0f%% / %.0f%%", kj_str(met, "type"),
			    name, have,
			    kj_num(met, "resource.target.averageUtilization",
				   0));
		}
	}
	add(o, "Min replicas:     %d", kj_int(h, "spec.minReplicas", 1));
	add(o, "Max replicas:     %d", kj_int(h, "spec.maxReplicas", 0));
	add(o, "Replicas:         %d current / %d desired",
	    kj_int(h, "status.currentReplicas", 0),
	    kj_int(h, "status.desiredReplicas", 0));
	conditions(o, h);
	events(o, m, "horizontalpodautoscaler", h);
}

void
k8s_describe(const struct k8s_model *m, const char *kind, const cJSON *obj,
	     char ***lines, size_t *n)
{
	struct out o = { lines, n };

	if (strcmp(kind, "pod") == 0) {
		describe_pod(&o, m, obj);
	} else if (strcmp(kind, "deployment") == 0) {
		describe_deploy(&o, m, obj);
	} else if (strcmp(kind, "node") == 0) {
		describe_node(&o, m, obj);
	} else if (strcmp(kind, "hpa") == 0) {
		describe_hpa(&o, m, obj);
	}
}
