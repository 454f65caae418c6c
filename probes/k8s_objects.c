/* Kubernetes objects into the rows the model keeps: a pod's STATUS as
 * kubectl's printPod computes it, a deployment's rollout state as
 * `kubectl rollout status` tells it, and the rest of what the Pods pane
 * shows. Pure functions: any thread. */
#include "probes/k8s.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Longest "why" a row keeps (a scheduler's message can run on). */
#define WHY_MAX 300

/* A row of size bytes and, behind it in the same block, copies of the n
 * strings src, each pointed at by the char * at offset off[i] of the
 * row. Freed with free(). */
static void *
row_new(size_t size, size_t n, const char *const src[], const size_t off[])
{
	size_t total = size, i;
	char *row, *p;

	for (i = 0; i < n; i++) {
		total += strlen(src[i]) + 1;
	}
	row = xcalloc(1, total);
	p = row + size;
	for (i = 0; i < n; i++) {
		size_t len = strlen(src[i]) + 1;

		memcpy(p, src[i], len);
		memcpy(row + off[i], &p, sizeof(p));
		p += len;
	}
	return row;
}

#define NSTR(a) (sizeof(a) / sizeof((a)[0]))

static int64_t
created(const cJSON *obj)
{
	return k8s_time_ms(kj_str(obj, "metadata.creationTimestamp"));
}

/* The controller among the owner references, or NULL. */
static const cJSON *
controller_of(const cJSON *obj)
{
	const cJSON *refs = kj_at(obj, "metadata.ownerReferences");
	const cJSON *r;

	cJSON_ArrayForEach(r, refs) {
		if (kj_bool(r, "controller")) {
			return r;
		}
	}
	return NULL;
}

static const char *
annotation(const cJSON *obj, const char *key)
{
	const cJSON *a = kj_at(obj, "metadata.annotations");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* The condition of type in status.conditions, or NULL. */
static const cJSON *
condition(const cJSON *obj, const char *type)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, kj_at(obj, "status.conditions")) {
		if (strcmp(kj_str(c, "type"), type) == 0) {
			return c;
		}
	}
	return NULL;
}

static bool
condition_true(const cJSON *obj, const char *type)
{
	return strcmp(kj_str(condition(obj, type), "status"), "True") == 0;
}

/* ---- pods ------------------------------------------------------------------ */

struct pod_scan {
	char reason[96];
	int ready;
	int restarts;
	int64_t last_restart_ms;
	char last_term[64];
	int64_t last_term_ms;
	const char *waiting_msg;
};

/* The latest last termination of any container: its time and reason. */
static void
note_last_term(struct pod_scan *ps, const cJSON *cs)
{
	const cJSON *t = kj_at(cs, "lastState.terminated");
	int64_t at;

	if (t == NULL) {
		return;
	}
	at = k8s_time_ms(kj_str(t, "finishedAt"));
	if (ps->last_term[0] == '\0' || at > ps->last_term_ms) {
		ps->last_term_ms = at;
		snprintf(ps->last_term, sizeof(ps->last_term), "%s",
			 kj_str(t, "reason"));
	}
}

static int64_t
finished_at(const cJSON *cs)
{
	return k8s_time_ms(kj_str(cs, "lastState.terminated.finishedAt"));
}

/* "OOMKilled", else "Signal:9", else "ExitCode:1", prefixed. */
static void
terminated_reason(const cJSON *t, const char *prefix, char *buf, size_t n)
{
	const char *r = kj_str(t, "reason");

	if (r[0] != '\0') {
		snprintf(buf, n, "%s%s", prefix, r);
	} else if (kj_num(t, "signal", 0) != 0) {
		snprintf(buf, n, "%sSignal:%d", prefix,
			 kj_int(t, "signal", 0));
	} else {
		snprintf(buf, n, "%sExitCode:%d", prefix,
			 kj_int(t, "exitCode", 0));
	}
}

/* The init container of that name restarts with the pod (a sidecar). */
static bool
restartable_init(const cJSON *pod, const char *name)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, kj_at(pod, "spec.initContainers")) {
		if (strcmp(kj_str(c, "name"), name) == 0) {
			return strcmp(kj_str(c, "restartPolicy"),
				      "Always") == 0;
		}
	}
	return false;
}

/* printPod's walk over the init containers; true while initializing. */
static bool
scan_init(const cJSON *pod, struct pod_scan *ps, int *sidecar_restarts,
	  int64_t *sidecar_last)
{
	const cJSON *cs;
	int i = 0, n_init = cJSON_GetArraySize(kj_at(pod,
						      "spec.initContainers"));

	cJSON_ArrayForEach(cs, kj_at(pod, "status.initContainerStatuses")) {
		const cJSON *term = kj_at(cs, "state.terminated");
		const cJSON *wait = kj_at(cs, "state.waiting");
		bool sidecar = restartable_init(pod, kj_str(cs, "name"));
		int rc = kj_int(cs, "restartCount", 0);

		ps->restarts += rc;
		if (finished_at(cs) > ps->last_restart_ms) {
			ps->last_restart_ms = finished_at(cs);
		}
		note_last_term(ps, cs);
		if (sidecar) {
			*sidecar_restarts += rc;
			if (finished_at(cs) > *sidecar_last) {
				*sidecar_last = finished_at(cs);
			}
		}
		if (term != NULL && kj_num(term, "exitCode", 0) == 0) {
			i++;
			continue;
		}
		if (sidecar && kj_bool(cs, "started")) {
			if (kj_bool(cs, "ready")) {
				ps->ready++;
			}
			i++;
			continue;
		}
		if (term != NULL) {
			terminated_reason(term, "Init:", ps->reason,
					  sizeof(ps->reason));
		} else if (wait != NULL && kj_str(wait, "reason")[0] != '\0' &&
			   strcmp(kj_str(wait, "reason"),
				  "PodInitializing") != 0) {
			snprintf(ps->reason, sizeof(ps->reason), "Init:%s",
				 kj_str(wait, "reason"));
			ps->waiting_msg = kj_str(wait, "message");
		} else {
			snprintf(ps->reason, sizeof(ps->reason), "Init:%d/%d",
				 i, n_init);
		}
		return true;
	}
	return false;
}

/* printPod's walk over the app containers, last to first. */
static void
scan_containers(const cJSON *pod, struct pod_scan *ps)
{
	const cJSON *all = kj_at(pod, "status.containerStatuses");
	bool running = false;
	char error[96] = "";

	for (int i = cJSON_GetArraySize(all) - 1; i >= 0; i--) {
		const cJSON *cs = cJSON_GetArrayItem(all, i);
		const cJSON *wait = kj_at(cs, "state.waiting");
		const cJSON *term = kj_at(cs, "state.terminated");

		ps->restarts += kj_int(cs, "restartCount", 0);
		if (finished_at(cs) > ps->last_restart_ms) {
			ps->last_restart_ms = finished_at(cs);
		}
		note_last_term(ps, cs);
		if (wait != NULL && kj_str(wait, "reason")[0] != '\0') {
			snprintf(ps->reason, sizeof(ps->reason), "%s",
				 kj_str(wait, "reason"));
			if (kj_str(wait, "message")[0] != '\0') {
				ps->waiting_msg = kj_str(wait, "message");
			}
		} else if (term != NULL) {
			terminated_reason(term, "", ps->reason,
					  sizeof(ps->reason));
			if (kj_num(term, "exitCode", 0) != 0) {
				snprintf(error, sizeof(error), "%s",
					 ps->reason);
			}
		} else if (kj_bool(cs, "ready") &&
			   kj_at(cs, "state.running") != NULL) {
			running = true;
			ps->ready++;
		}
	}
	if (strcmp(ps->reason, "Completed") == 0) {
		if (running && condition_true(pod, "Ready")) {
			strcpy(ps->reason, "Running");
		} else if (error[0] != '\0') {
			snprintf(ps->reason, sizeof(ps->reason), "%s", error);
		} else if (running) {
			strcpy(ps->reason, "NotReady");
		}
	}
}

static bool
terminal_phase(const char *phase)
{
	return strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0;
}

/* Sums a resource limit over the containers; NAN when one has none (the
 * pod is then not limited). */
static double
limit_sum(const cJSON *pod, const char *res)
{
	const cJSON *c;
	double sum = 0;
	bool any = false;

	cJSON_ArrayForEach(c, kj_at(pod, "spec.containers")) {
		const cJSON *lim = kj_at(c, "resources.limits");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(lim, res);
		double q = cJSON_IsString(v) ? k8s_quantity(v->valuestring) :
			   NAN;

		if (isnan(q)) {
			return NAN;
		}
		sum += q;
		any = true;
	}
	return any ? sum : NAN;
}

/* One line more on why the pod is as it is. */
static void
pod_why(const cJSON *pod, const struct pod_scan *ps, char *buf, size_t n)
{
	const cJSON *sched = condition(pod, "PodScheduled");
	const char *msg = kj_str(pod, "status.message");

	buf[0] = '\0';
	if (sched != NULL && strcmp(kj_str(sched, "status"), "False") == 0) {
		snprintf(buf, n, "%s: %s", kj_str(sched, "reason"),
			 kj_str(sched, "message"));
	} else if (ps->waiting_msg != NULL && ps->waiting_msg[0] != '\0') {
		snprintf(buf, n, "%s", ps->waiting_msg);
	} else if (msg[0] != '\0') {
		snprintf(buf, n, "%s", msg);
	} else if (ps->last_term[0] != '\0' && ps->restarts > 0) {
		snprintf(buf, n, "last terminated: %s", ps->last_term);
	}
}

struct k8s_pod *
k8s_parse_pod(const cJSON *pod)
{
	static const size_t off[] = {
		offsetof(struct k8s_pod, ns), offsetof(struct k8s_pod, name),
		offsetof(struct k8s_pod, owner_kind),
		offsetof(struct k8s_pod, owner),
		offsetof(struct k8s_pod, phase),
		offsetof(struct k8s_pod, reason),
		offsetof(struct k8s_pod, node),
		offsetof(struct k8s_pod, last_term),
		offsetof(struct k8s_pod, why),
		offsetof(struct k8s_pod, container),
	};
	const char *phase = kj_str(pod, "status.phase");
	const cJSON *owner = controller_of(pod);
	const cJSON *c;
	struct pod_scan ps;
	struct k8s_pod *p;
	int sidecar_restarts = 0, containers, sidecars = 0;
	int64_t sidecar_last = 0;
	char why[WHY_MAX];
	const char *src[NSTR(off)];

	if (kj_str(pod, "metadata.name")[0] == '\0') {
		return NULL;
	}
	memset(&ps, 0, sizeof(ps));
	snprintf(ps.reason, sizeof(ps.reason), "%s",
		 kj_str(pod, "status.reason")[0] ?
		 kj_str(pod, "status.reason") : phase);
	cJSON_ArrayForEach(c, kj_at(pod, "status.conditions")) {
		if (strcmp(kj_str(c, "type"), "PodScheduled") == 0 &&
		    strcmp(kj_str(c, "reason"), "SchedulingGated") == 0) {
			strcpy(ps.reason, "SchedulingGated");
		}
	}
	cJSON_ArrayForEach(c, kj_at(pod, "spec.initContainers")) {
		sidecars += strcmp(kj_str(c, "restartPolicy"), "Always") == 0;
	}
	containers = cJSON_GetArraySize(kj_at(pod, "spec.containers")) +
		     sidecars;
	if (!scan_init(pod, &ps, &sidecar_restarts, &sidecar_last) ||
	    condition_true(pod, "Initialized")) {
		ps.restarts = sidecar_restarts;
		ps.last_restart_ms = sidecar_last;
		scan_containers(pod, &ps);
	}
	if (kj_at(pod, "metadata.deletionTimestamp") != NULL &&
	    strcmp(kj_str(pod, "status.reason"), "NodeLost") == 0) {
		strcpy(ps.reason, "Unknown");
	} else if (kj_at(pod, "metadata.deletionTimestamp") != NULL &&
		   !terminal_phase(phase)) {
		strcpy(ps.reason, "Terminating");
	}
	pod_why(pod, &ps, why, sizeof(why));
	src[0] = kj_str(pod, "metadata.namespace");
	src[1] = kj_str(pod, "metadata.name");
	src[2] = kj_str(owner, "kind");
	src[3] = kj_str(owner, "name");
	src[4] = phase[0] ? phase : "Pending";
	src[5] = ps.reason[0] ? ps.reason : src[4];
	src[6] = kj_str(pod, "spec.nodeName");
	src[7] = ps.last_term;
	src[8] = why;
	src[9] = kj_str(cJSON_GetArrayItem(kj_at(pod, "spec.containers"), 0),
			"name");
	p = row_new(sizeof(*p), NSTR(off), src, off);
	p->ready = ps.ready;
	p->containers = containers;
	p->restarts = ps.restarts;
	p->created_ms = created(pod);
	p->last_restart_ms = ps.restarts > 0 ? ps.last_restart_ms : 0;
	p->mem_limit = limit_sum(pod, "memory");
	p->cpu_limit = limit_sum(pod, "cpu");
	return p;
}

static void *
parse_pod(const cJSON *obj)
{
	return k8s_parse_pod(obj);
}

/* ---- workloads ------------------------------------------------------------- */

static const char *
first_image(const cJSON *obj)
{
	return kj_str(cJSON_GetArrayItem(kj_at(obj,
				"spec.template.spec.containers"), 0),
		      "image");
}

/* What `kubectl rollout status` says, in a word and a line. */
static void
rollout_state(const cJSON *d, int replicas, char *state, size_t sn,
	      char *msg, size_t mn)
{
	const cJSON *prog = condition(d, "Progressing");
	double gen = kj_num(d, "metadata.generation", 0);
	double seen = kj_num(d, "status.observedGeneration", 0);
	int updated = kj_int(d, "status.updatedReplicas", 0);
	int current = kj_int(d, "status.replicas", 0);
	int available = kj_int(d, "status.availableReplicas", 0);

	msg[0] = '\0';
	if (kj_bool(d, "spec.paused")) {
		snprintf(state, sn, "paused");
		return;
	}
	if (gen > seen) {
		snprintf(state, sn, "progressing");
		snprintf(msg, mn, "waiting for the deployment spec update to "
			 "be observed");
		return;
	}
	if (strcmp(kj_str(prog, "reason"), "ProgressDeadlineExceeded") == 0) {
		snprintf(state, sn, "ProgressDeadlineExceeded");
		snprintf(msg, mn, "%s", kj_str(prog, "message"));
		return;
	}
	snprintf(state, sn, "progressing");
	if (updated < replicas) {
		snprintf(msg, mn, "%d out of %d new replicas have been "
			 "updated", updated, replicas);
	} else if (current > updated) {
		snprintf(msg, mn, "%d old replicas are pending termination",
			 current - updated);
	} else if (available < updated) {
		snprintf(msg, mn, "%d of %d updated replicas are available",
			 available, updated);
	} else {
		snprintf(state, sn, "complete");
	}
}

static void *
parse_deploy(const cJSON *d)
{
	static const size_t off[] = {
		offsetof(struct k8s_deploy, ns),
		offsetof(struct k8s_deploy, name),
		offsetof(struct k8s_deploy, uid),
		offsetof(struct k8s_deploy, image),
		offsetof(struct k8s_deploy, rollout),
		offsetof(struct k8s_deploy, rollout_msg),
	};
	const char *src[NSTR(off)];
	char state[32], msg[WHY_MAX];
	struct k8s_deploy *r;
	int replicas = kj_int(d, "spec.replicas", 1);

	if (kj_str(d, "metadata.name")[0] == '\0') {
		return NULL;
	}
	rollout_state(d, replicas, state, sizeof(state), msg, sizeof(msg));
	src[0] = kj_str(d, "metadata.namespace");
	src[1] = kj_str(d, "metadata.name");
	src[2] = kj_str(d, "metadata.uid");
	src[3] = first_image(d);
	src[4] = state;
	src[5] = msg;
	r = row_new(sizeof(*r), NSTR(off), src, off);
	r->replicas = replicas;
	r->ready = kj_int(d, "status.readyReplicas", 0);
	r->updated = kj_int(d, "status.updatedReplicas", 0);
	r->available = kj_int(d, "status.availableReplicas", 0);
	r->revision = k8s_atoi(annotation(d, "deployment.kubernetes.io/revision"));
	r->created_ms = created(d);
	return r;
}

static void *
parse_rset(const cJSON *rs)
{
	static const size_t off[] = {
		offsetof(struct k8s_rset, ns), offsetof(struct k8s_rset, name),
		offsetof(struct k8s_rset, owner_uid),
		offsetof(struct k8s_rset, owner),
		offsetof(struct k8s_rset, image),
	};
	const cJSON *owner = controller_of(rs);
	const char *src[NSTR(off)];
	struct k8s_rset *r;

	if (kj_str(rs, "metadata.name")[0] == '\0') {
		return NULL;
	}
	src[0] = kj_str(rs, "metadata.namespace");
	src[1] = kj_str(rs, "metadata.name");
	src[2] = strcmp(kj_str(owner, "kind"), "Deployment") == 0 ?
		 kj_str(owner, "uid") : "";
	src[3] = strcmp(kj_str(owner, "kind"), "Deployment") == 0 ?
		 kj_str(owner, "name") : "";
	src[4] = first_image(rs);
	r = row_new(sizeof(*r), NSTR(off), src, off);
	r->revision = k8s_atoi(annotation(rs,
				      "deployment.kubernetes.io/revision"));
	r->created_ms = created(rs);
	return r;
}

/* ---- events, nodes, autoscalers ------------------------------------------- */

static void *
parse_event(const cJSON *e)
{
	static const size_t off[] = {
		offsetof(struct k8s_event, ns),
		offsetof(struct k8s_event, name),
		offsetof(struct k8s_event, type),
		offsetof(struct k8s_event, reason),
		offsetof(struct k8s_event, object),
		offsetof(struct k8s_event, message),
	};
	static const char *const times[] = {
		"lastTimestamp", "eventTime", "series.lastObservedTime",
		"firstTimestamp", "metadata.creationTimestamp",
	};
	const char *src[NSTR(off)];
	char object[320], kind[64];
	struct k8s_event *r;
	int64_t at = 0;
	size_t i;

	if (kj_str(e, "metadata.name")[0] == '\0') {
		return NULL;
	}
	/* kubectl's OBJECT column: the kind in lower case. */
	snprintf(kind, sizeof(kind), "%s", kj_str(e, "involvedObject.kind"));
	for (i = 0; kind[i] != '\0'; i++) {
		kind[i] = (char)tolower((unsigned char)kind[i]);
	}
	snprintf(object, sizeof(object), "%s/%s", kind,
		 kj_str(e, "involvedObject.name"));
	for (i = 0; i < NSTR(times) && at == 0; i++) {
		at = k8s_time_ms(kj_str(e, times[i]));
	}
	src[0] = kj_str(e, "metadata.namespace");
	src[1] = kj_str(e, "metadata.name");
	src[2] = kj_str(e, "type")[0] ? kj_str(e, "type") : "Normal";
	src[3] = kj_str(e, "reason");
	src[4] = object;
	src[5] = kj_str(e, "message");
	r = row_new(sizeof(*r), NSTR(off), src, off);
	r->count = kj_int(e, "count", kj_int(e, "series.count", 1));
	r->at_ms = at;
	return r;
}

static void *
parse_node(const cJSON *n)
{
	static const size_t off[] = {
		offsetof(struct k8s_node, name),
		offsetof(struct k8s_node, ready),
		offsetof(struct k8s_node, pressure),
		offsetof(struct k8s_node, roles),
		offsetof(struct k8s_node, version),
	};
	static const char *const pressures[] = {
		"MemoryPressure", "DiskPressure", "PIDPressure",
		"NetworkUnavailable",
	};
	const char *src[NSTR(off)];
	char pressure[128] = "", roles[128] = "";
	const cJSON *label;
	struct k8s_node *r;
	size_t i;

	if (kj_str(n, "metadata.name")[0] == '\0') {
		return NULL;
	}
	for (i = 0; i < NSTR(pressures); i++) {
		if (condition_true(n, pressures[i])) {
			strappendf(pressure, sizeof(pressure), "%s%s",
				   pressure[0] ? " " : "", pressures[i]);
		}
	}
	cJSON_ArrayForEach(label, kj_at(n, "metadata.labels")) {
		if (label->string != NULL &&
		    strncmp(label->string, "node-role.kubernetes.io/", 24) ==
		    0) {
			strappendf(roles, sizeof(roles), "%s%s",
				   roles[0] ? "," : "", label->string + 24);
		}
	}
	src[0] = kj_str(n, "metadata.name");
	src[1] = condition(n, "Ready") != NULL ?
		 kj_str(condition(n, "Ready"), "status") : "Unknown";
	src[2] = pressure;
	src[3] = roles;
	src[4] = kj_str(n, "status.nodeInfo.kubeletVersion");
	r = row_new(sizeof(*r), NSTR(off), src, off);
	r->cordoned = kj_bool(n, "spec.unschedulable");
	r->created_ms = created(n);
	r->cpu_alloc = k8s_quantity(kj_str(n, "status.allocatable.cpu"));
	r->mem_alloc = k8s_quantity(kj_str(n, "status.allocatable.memory"));
	return r;
}

/* "cpu: 95%/80%" for each resource metric, as kubectl get hpa prints
 * TARGETS. */
static void
hpa_targets(const cJSON *h, char *buf, size_t n)
{
	const cJSON *m, *cur;

	buf[0] = '\0';
	cJSON_ArrayForEach(m, kj_at(h, "spec.metrics")) {
		const char *name = kj_str(m, "resource.name");
		double want = kj_num(m, "resource.target.averageUtilization",
				     NAN);
		double have = NAN;

		if (strcmp(kj_str(m, "type"), "Resource") != 0) {
			strappendf(buf, n, "%s%s", buf[0] ? ", " : "",
				   kj_str(m, "type"));
			continue;
		}
		cJSON_ArrayForEach(cur, kj_at(h, "status.currentMetrics")) {
			if (strcmp(kj_str(cur, "resource.name"), name) == 0) {
				have = kj_num(cur, "resource.current."
					      "averageUtilization", NAN);
			}
		}
		if (isnan(have)) {
			strappendf(buf, n, "%s%s: <unknown>/%.0f%%",
				   buf[0] ? ", " : "", name, want);
		} else {
			strappendf(buf, n, "%s%s: %.0f%%/%.0f%%",
				   buf[0] ? ", " : "", name, have, want);
		}
	}
}

static void *
parse_hpa(const cJSON *h)
{
	static const size_t off[] = {
		offsetof(struct k8s_hpa, ns), offsetof(struct k8s_hpa, name),
		offsetof(struct k8s_hpa, target),
		offsetof(struct k8s_hpa, metrics),
		offsetof(struct k8s_hpa, why),
	};
	const cJSON *limited = condition(h, "ScalingLimited");
	const char *src[NSTR(off)];
	char target[320], metrics[200];
	struct k8s_hpa *r;

	if (kj_str(h, "metadata.name")[0] == '\0') {
		return NULL;
	}
	snprintf(target, sizeof(target), "%s/%s",
		 kj_str(h, "spec.scaleTargetRef.kind"),
		 kj_str(h, "spec.scaleTargetRef.name"));
	hpa_targets(h, metrics, sizeof(metrics));
	src[0] = kj_str(h, "metadata.namespace");
	src[1] = kj_str(h, "metadata.name");
	src[2] = target;
	src[3] = metrics;
	src[4] = strcmp(kj_str(limited, "status"), "True") == 0 ?
		 kj_str(limited, "message") : "";
	r = row_new(sizeof(*r), NSTR(off), src, off);
	r->min = kj_int(h, "spec.minReplicas", 1);
	r->max = kj_int(h, "spec.maxReplicas", 0);
	r->current = kj_int(h, "status.currentReplicas", 0);
	r->desired = kj_int(h, "status.desiredReplicas", 0);
	r->created_ms = created(h);
	return r;
}

const struct k8s_res_desc k8s_res[K8S_RES_COUNT] = {
	[K8S_PODS] = { "pods", "/api/v1", true, parse_pod },
	[K8S_DEPLOYS] = { "deployments", "/apis/apps/v1", true, parse_deploy },
	[K8S_RSETS] = { "replicasets", "/apis/apps/v1", true, parse_rset },
	[K8S_EVENTS] = { "events", "/api/v1", true, parse_event },
	[K8S_NODES] = { "nodes", "/api/v1", false, parse_node },
	[K8S_HPAS] = { "horizontalpodautoscalers", "/apis/autoscaling/v2",
		       true, parse_hpa },
};
