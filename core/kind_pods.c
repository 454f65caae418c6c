/* The pods kind (Kubernetes): each pod's status and severity in one
 * vocabulary, the findings (crash loops, OOM kills, deployments without
 * ready replicas, pods whose restart count keeps rising) and the
 * deployment and pod actions. Pure functions: any thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules_internal.h"
#include "core/xalloc.h"

/* ---- status and severity ------------------------------------------------- */

const char *
pod_status(const struct pod_row *p)
{
	return p->reason[0] != '\0' ? p->reason : p->phase;
}

static bool
str_in(const char *s, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(s, *list) == 0) {
			return true;
		}
	}
	return false;
}

/* CRIT: broken (what kubectl prints for a pod that will not run);
 * WARN: not there yet; OK: running and ready. */
enum health
pod_severity(const struct pod_row *p)
{
	static const char *const crit[] = {
		"CrashLoopBackOff", "OOMKilled", "Error", "ImagePullBackOff",
		"ErrImagePull", "CreateContainerConfigError",
		"CreateContainerError", "InvalidImageName",
		"RunContainerError", "Failed", "Evicted", NULL,
	};
	static const char *const warn[] = {
		"Pending", "ContainerCreating", "PodInitializing",
		"Terminating", "Unknown", "NotReady", NULL,
	};
	const char *st = pod_status(p);

	if (str_in(st, crit)) {
		return HEALTH_CRIT;
	}
	if (str_in(st, warn) || strncmp(st, "Init:", 5) == 0) {
		return HEALTH_WARN;
	}
	if (strcmp(p->phase, "Running") == 0 && p->ready < p->containers) {
		return HEALTH_WARN;
	}
	return HEALTH_OK;
}

static bool
is_oom(const struct pod_row *p)
{
	return strcmp(p->reason, "OOMKilled") == 0;
}

/* The workload a pod belongs to: its owner, or the pod itself. */
static const char *
pod_group(const struct pod_row *p)
{
	return p->owner[0] != '\0' ? p->owner : p->name;
}

struct pod_tally {
	int total;
	int failing;            /* severity CRIT */
	int crashing;           /* failing, and not OOMKilled */
	const char *reason;     /* the crashing reason, or NULL when mixed */
};

static struct pod_tally
pods_tally(const struct pods_model *m, const char *ns, const char *group)
{
	struct pod_tally t = { 0, 0, 0, NULL };
	bool mixed = false;
	size_t i;

	for (i = 0; i < m->n_pods; i++) {
		const struct pod_row *p = &m->pods[i];

		if (strcmp(p->ns, ns) != 0 ||
		    strcmp(pod_group(p), group) != 0) {
			continue;
		}
		t.total++;
		if (p->sev != HEALTH_CRIT) {
			continue;
		}
		t.failing++;
		if (is_oom(p)) {
			continue;
		}
		t.crashing++;
		if (t.reason == NULL && !mixed) {
			t.reason = p->status;
		} else if (t.reason != NULL &&
			   strcmp(t.reason, p->status) != 0) {
			t.reason = NULL;
			mixed = true;
		}
	}
	return t;
}

static enum health
tally_sev(const struct pod_tally *t)
{
	if (t->total > 0 && t->failing >= rules_threshold(
					      TH_PODS_CRIT_FAILING) *
					      t->total) {
		return HEALTH_CRIT;
	}
	return HEALTH_WARN;
}

static void
pods_findings(const struct pods_model *m, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX], subject[FINDING_SUBJECT_MAX];
	struct finding *f;
	size_t i;

	for (i = 0; i < m->n_pods; i++) {
		const struct pod_row *p = &m->pods[i];
		const char *group = pod_group(p);
		struct pod_tally t;

		if (p->sev != HEALTH_CRIT) {
			continue;
		}
		t = pods_tally(m, p->ns, group);
		if (is_oom(p)) {
			snprintf(key, sizeof(key), "oom:%s/%s", p->ns, p->name);
			f = rules_list_add(fl, tally_sev(&t), key,
					   "pod %s OOMKilled (%d restarts)",
					   p->name, p->restarts);
			snprintf(subject, sizeof(subject), "restarts of pod "
				 "%s", p->name);
			rules_finding_measure(f, subject, p->restarts, NAN,
					      UNIT_NONE);
			continue;
		}
		snprintf(key, sizeof(key), "crashloop:%s/%s", p->ns, group);
		f = rules_list_add(fl, tally_sev(&t), key, "%s: %d/%d pods %s",
				   group, t.crashing, t.total,
				   t.reason != NULL ? t.reason : "failing");
		snprintf(subject, sizeof(subject), "pods of %s failing", group);
		rules_finding_measure(f, subject, t.crashing, NAN, UNIT_NONE);
	}
	for (i = 0; i < m->n_deploys; i++) {
		const struct deploy_row *d = &m->deploys[i];
		struct pod_tally t;
		enum health sev;

		if (d->ready >= d->replicas) {
			continue;
		}
		t = pods_tally(m, d->ns, d->name);
		/* Failing pods already say why; a separate "not ready"
		 * finding adds news only when nothing is ready. */
		if (t.failing > 0 && d->ready > 0) {
			continue;
		}
		sev = d->ready == 0 ? HEALTH_CRIT : HEALTH_WARN;
		snprintf(key, sizeof(key), "deploy:%s/%s", d->ns, d->name);
		f = rules_list_add(fl, sev, key, "%s: %d/%d replicas ready",
				   d->name, d->ready, d->replicas);
		snprintf(subject, sizeof(subject), "ready replicas of %s",
			 d->name);
		rules_finding_measure(f, subject, d->ready, d->replicas,
				      UNIT_NONE);
		f->lower_is_worse = true;
	}
}

/* ---- restarts: what only a series of snapshots shows ---------------------- */

struct pod_restarts {
	char key[FINDING_KEY_MAX];      /* "ns/pod" */
	int restarts;
	bool rose;                      /* the count rose while tracked */
	int64_t rose_mono_ms;           /* when it last rose */
};

struct pods_history {
	struct pod_restarts *pods;
	size_t n_pods;
};

static void
pods_history_free(void *h)
{
	struct pods_history *ph = h;

	if (ph != NULL) {
		free(ph->pods);
		free(ph);
	}
}

/* Updates the restart counts of every pod and adds a "restarts:" finding
 * for each pod (not already failing) whose count rose within the
 * window. */
static void
track_restarts(struct pods_history *ph, const struct snapshot *s,
	       const struct pods_model *m, struct rules_list *fl)
{
	struct pod_restarts *next = xcalloc(m->n_pods + 1, sizeof(*next));
	int64_t window_ms = (int64_t)(rules_threshold(
					      TH_POD_RESTART_WINDOW_S) * 1000);
	char key[FINDING_KEY_MAX];
	size_t i, j;

	for (i = 0; i < m->n_pods; i++) {
		const struct pod_row *p = &m->pods[i];
		struct pod_restarts *r = &next[i];

		snprintf(r->key, sizeof(r->key), "%s/%s", p->ns, p->name);
		r->restarts = p->restarts;
		for (j = 0; j < ph->n_pods; j++) {
			if (strcmp(ph->pods[j].key, r->key) != 0) {
				continue;
			}
			r->rose = ph->pods[j].rose;
			r->rose_mono_ms = ph->pods[j].rose_mono_ms;
			if (p->restarts > ph->pods[j].restarts) {
				r->rose = true;
				r->rose_mono_ms = s->taken_mono_ms;
			}
			break;
		}
		if (!r->rose || p->sev == HEALTH_CRIT ||
		    s->taken_mono_ms - r->rose_mono_ms >= window_ms) {
			continue;
		}
		snprintf(key, sizeof(key), "restarts:%s", r->key);
		rules_finding_measure(rules_list_add(fl, HEALTH_WARN, key,
						     "pod %s restarting (%d "
						     "restarts)", p->name,
						     p->restarts),
				      "restarts", p->restarts, NAN, UNIT_NONE);
	}
	free(ph->pods);
	ph->pods = next;
	ph->n_pods = m->n_pods;
}

static void
pods_derive(struct snapshot *s, struct derive *d)
{
	struct pods_model *m = s->data;
	size_t i;

	for (i = 0; i < m->n_pods; i++) {
		m->pods[i].status = pod_status(&m->pods[i]);
		m->pods[i].sev = pod_severity(&m->pods[i]);
	}
	pods_findings(m, d->findings);
	if (d->history != NULL) {
		if (*d->history == NULL) {
			*d->history = xcalloc(1, sizeof(struct pods_history));
		}
		track_restarts(*d->history, s, m, d->findings);
	}
}

/* What a snapshot says of a pod finding's subject once it cleared. */
static double
pods_cleared(const struct snapshot *s, const char *key, char *buf, size_t n)
{
	const struct pods_model *m = snapshot_pods(s);
	const char *slash, *name;
	char ns[64];
	size_t i;

	if (m == NULL || (slash = strchr(key, '/')) == NULL ||
	    strchr(key, ':') == NULL) {
		return NAN;
	}
	snprintf(ns, sizeof(ns), "%.*s", (int)(slash - strchr(key, ':') - 1),
		 strchr(key, ':') + 1);
	name = slash + 1;
	if (strncmp(key, "crashloop:", 10) == 0) {
		struct pod_tally t = pods_tally(m, ns, name);

		snprintf(buf, n, "%s: %d/%d pods failing", name, t.failing,
			 t.total);
		return t.crashing;
	}
	if (strncmp(key, "deploy:", 7) == 0) {
		for (i = 0; i < m->n_deploys; i++) {
			const struct deploy_row *d = &m->deploys[i];

			if (strcmp(d->ns, ns) == 0 &&
			    strcmp(d->name, name) == 0) {
				snprintf(buf, n, "%s: %d/%d replicas ready",
					 name, d->ready, d->replicas);
				return d->ready;
			}
		}
		snprintf(buf, n, "deployment %s no longer listed", name);
		return NAN;
	}
	for (i = 0; i < m->n_pods; i++) {
		const struct pod_row *p = &m->pods[i];

		if (strcmp(p->ns, ns) == 0 && strcmp(p->name, name) == 0) {
			snprintf(buf, n, "pod %s %s, %d restarts", name,
				 p->status, p->restarts);
			return p->restarts;
		}
	}
	snprintf(buf, n, "pod %s no longer listed", name);
	return NAN;
}

/* ---- actions ------------------------------------------------------------- */

int
pods_parse_replicas(const char *s, int *out, struct err *err)
{
	char *end;
	long v;

	while (*s == ' ') {
		s++;
	}
	if (*s >= '0' && *s <= '9') {
		v = strtol(s, &end, 10);
		while (*end == ' ') {
			end++;
		}
		if (*end == '\0' && v >= 0 && v <= PODS_REPLICAS_MAX) {
			*out = (int)v;
			return 0;
		}
	}
	return err_set(err, "replicas must be a whole number from 0 to %d",
		       PODS_REPLICAS_MAX);
}

static int
check_replicas(const char *arg, struct err *err)
{
	int v;

	return pods_parse_replicas(arg, &v, err);
}

const struct action_spec action_rollout_restart = {
	.name = "rollout-restart",
	.label = "Rollout restart deployment",
	.hint = "restart",
	.key = 'R',
	.target = TARGET_DEPLOYMENT,
	.destructive = true,
	.mitigation = true,
};

const struct action_spec action_rollback = {
	.name = "rollback",
	.label = "Roll back deployment",
	.hint = "rollback",
	.key = 'U',
	.target = TARGET_DEPLOYMENT,
	.destructive = true,
	.mitigation = true,
};

const struct action_spec action_scale = {
	.name = "scale",
	.label = "Scale deployment",
	.hint = "scale",
	.key = 'X',
	.target = TARGET_DEPLOYMENT,
	.destructive = true,
	.mitigation = true,
	.input = "Replicas",
	.check_input = check_replicas,
};

const struct action_spec action_delete_pod = {
	.name = "delete-pod",
	.label = "Delete pod",
	.hint = "delete pod",
	.key = 'D',
	.target = TARGET_POD,
	.destructive = true,
	.mitigation = true,
};

static const struct action_spec *const pods_actions[] = {
	&action_rollout_restart,
	&action_rollback,
	&action_scale,
	&action_delete_pod,
	NULL,
};

const struct kind_desc kind_pods = {
	.kind = SNAP_PODS,
	.name = "pods",
	.title = "Pods",
	.abbrev = "k8s",
	.aliases = (const char *const[]){ "pod", "po", "kubernetes", NULL },
	.derive = pods_derive,
	.cleared = pods_cleared,
	.history_free = pods_history_free,
	.actions = pods_actions,
};
