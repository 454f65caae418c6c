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
		"RunContainerError", "Failed", "Evicted", "ErrImageNeverPull",
		"ImageInspectError", "ContainerStatusUnknown", NULL,
	};
	static const char *const warn[] = {
		"Pending", "ContainerCreating", "PodInitializing",
		"Terminating", "Unknown", "NotReady", "SchedulingGated", NULL,
	};
	const char *st = pod_status(p);

	/* kubectl's "ExitCode:1", "Signal:9", and an init container's
	 * failure, "Init:CrashLoopBackOff". */
	if (strncmp(st, "Init:", 5) == 0 && str_in(st + 5, crit)) {
		return HEALTH_CRIT;
	}
	if (str_in(st, crit) || strncmp(st, "ExitCode:", 9) == 0 ||
	    strncmp(st, "Signal:", 7) == 0 ||
	    strncmp(st, "Init:ExitCode:", 14) == 0 ||
	    strncmp(st, "Init:Signal:", 12) == 0) {
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

/* OOMKilled as its state, or as the last termination of a container
 * that crash-loops since (kubectl then prints CrashLoopBackOff). */
static bool
is_oom(const struct pod_row *p)
{
	return strcmp(p->reason, "OOMKilled") == 0 ||
	       strcmp(p->last_term, "OOMKilled") == 0;
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

/* A rollout past its progress deadline, nodes not Ready, autoscalers
 * that cannot add replicas. */
static void
others_findings(const struct pods_model *m, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX];
	size_t i;

	for (i = 0; i < m->n_deploys; i++) {
		const struct deploy_row *d = &m->deploys[i];

		if (strcmp(d->rollout, "ProgressDeadlineExceeded") != 0) {
			continue;
		}
		snprintf(key, sizeof(key), "stuck:%s/%s", d->ns, d->name);
		rules_list_add(fl, HEALTH_WARN, key, "%s: rollout of revision "
			       "%d stuck (ProgressDeadlineExceeded)", d->name,
			       d->revision);
	}
	for (i = 0; i < m->n_nodes; i++) {
		const struct node_row *n = &m->nodes[i];

		if (strcmp(n->ready, "True") == 0) {
			continue;
		}
		snprintf(key, sizeof(key), "node:%s", n->name);
		rules_list_add(fl, HEALTH_CRIT, key, "node %s %s", n->name,
			       strcmp(n->ready, "False") == 0 ? "NotReady" :
			       "not reporting (Ready Unknown)");
	}
	for (i = 0; i < m->n_hpas; i++) {
		const struct hpa_row *h = &m->hpas[i];

		if (h->max <= 0 || h->current < h->max) {
			continue;
		}
		snprintf(key, sizeof(key), "hpa:%s/%s", h->ns, h->name);
		rules_list_add(fl, HEALTH_WARN, key, "hpa %s at its maximum "
			       "(%d replicas)", h->name, h->max);
	}
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
	others_findings(m, fl);
}

/* ---- restarts: what only a series of snapshots shows ---------------------- */

struct pod_restarts {
	const char *key;                /* "ns/pod", in the history's keys */
	int restarts;
	bool rose;                      /* the count rose while tracked */
	int64_t rose_mono_ms;           /* when it last rose */
};

struct pods_history {
	struct pod_restarts *pods;
	size_t n_pods;
	char *keys;                     /* every pod's key, whole */
};

static void
pods_history_free(void *h)
{
	struct pods_history *ph = h;

	if (ph != NULL) {
		free(ph->pods);
		free(ph->keys);
		free(ph);
	}
}

static int
cmp_restarts(const void *a, const void *b)
{
	return strcmp(((const struct pod_restarts *)a)->key,
		      ((const struct pod_restarts *)b)->key);
}

/* Updates the restart counts of every pod and adds a "restarts:" finding
 * for each pod (not already failing) whose count rose within the
 * window. The history is kept sorted by key: a cluster of 10,000 pods
 * costs a sort and a search per pod, not a scan. */
static void
track_restarts(struct pods_history *ph, const struct snapshot *s,
	       const struct pods_model *m, struct rules_list *fl)
{
	struct pod_restarts *next = xcalloc(m->n_pods + 1, sizeof(*next));
	int64_t window_ms = (int64_t)(rules_threshold(
					      TH_POD_RESTART_WINDOW_S) * 1000);
	char key[FINDING_KEY_MAX], *keys, *at;
	size_t i, len = 1;

	/* The keys whole, in one block: names of 253 bytes that share a
	 * prefix stay two pods. */
	for (i = 0; i < m->n_pods; i++) {
		len += strlen(m->pods[i].ns) + strlen(m->pods[i].name) + 2;
	}
	keys = at = xmalloc(len);
	for (i = 0; i < m->n_pods; i++) {
		const struct pod_row *p = &m->pods[i];
		struct pod_restarts *r = &next[i];
		const struct pod_restarts *was;

		r->key = at;
		at += sprintf(at, "%s/%s", p->ns, p->name) + 1;
		r->restarts = p->restarts;
		was = ph->n_pods == 0 ? NULL :
		      bsearch(r, ph->pods, ph->n_pods, sizeof(*ph->pods),
			      cmp_restarts);
		if (was != NULL) {
			r->rose = was->rose;
			r->rose_mono_ms = was->rose_mono_ms;
			if (p->restarts > was->restarts) {
				r->rose = true;
				r->rose_mono_ms = s->taken_mono_ms;
			}
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
	qsort(next, m->n_pods, sizeof(*next), cmp_restarts);
	free(ph->pods);
	free(ph->keys);
	ph->pods = next;
	ph->n_pods = m->n_pods;
	ph->keys = keys;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* The optional fields a builder left out read as empty, as every string
 * of a published model must. */
static void
fill_optional(struct pods_model *m)
{
	size_t i;

	m->scope = or_empty(m->scope);
	m->notice = or_empty(m->notice);
	m->detail.request = or_empty(m->detail.request);
	m->detail.title = or_empty(m->detail.title);
	m->detail.error = or_empty(m->detail.error);
	for (i = 0; i < m->n_pods; i++) {
		m->pods[i].last_term = or_empty(m->pods[i].last_term);
		m->pods[i].why = or_empty(m->pods[i].why);
	}
	for (i = 0; i < m->n_deploys; i++) {
		struct deploy_row *d = &m->deploys[i];

		d->rollout = or_empty(d->rollout);
		d->rollout_msg = or_empty(d->rollout_msg);
		d->prev_rs = or_empty(d->prev_rs);
		d->prev_image = or_empty(d->prev_image);
	}
	for (i = 0; i < m->n_events; i++) {
		m->events[i].ns = or_empty(m->events[i].ns);
	}
}

static void
pods_derive(struct snapshot *s, struct derive *d)
{
	struct pods_model *m = s->data;
	size_t i;

	fill_optional(m);
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

/* ---- the focus ----------------------------------------------------------- */

static bool
has_blank(const char *s)
{
	return s[0] == '\0' || strpbrk(s, " \t\r\n") != NULL;
}

bool
pods_focus_format(const struct pods_focus *f, char *buf, size_t n)
{
	int len;

	if (n == 0) {
		return false;
	}
	buf[0] = '\0';
	switch (f->what) {
	case PODS_FOCUS_NONE:
		return true;
	case PODS_FOCUS_LOGS:
		if (has_blank(f->ns) || has_blank(f->name) ||
		    (f->container[0] != '\0' && has_blank(f->container))) {
			return false;
		}
		len = snprintf(buf, n, "logs %s %s %s %s %s", f->ns, f->name,
			       f->container[0] ? f->container : "-",
			       f->previous ? "previous" : "current",
			       f->follow ? "follow" : "once");
		if (f->again > 0 && len > 0 && (size_t)len < n) {
			len += snprintf(buf + len, n - (size_t)len, " #%u",
					f->again);
		}
		break;
	case PODS_FOCUS_DESCRIBE:
		if (has_blank(f->kind) || has_blank(f->name) ||
		    (f->ns[0] != '\0' && has_blank(f->ns))) {
			return false;
		}
		len = snprintf(buf, n, "describe %s %s %s", f->kind,
			       f->ns[0] ? f->ns : "-", f->name);
		break;
	default:
		return false;
	}
	if (len < 0 || (size_t)len >= n) {
		buf[0] = '\0';
		return false;
	}
	return true;
}

/* The next blank-separated word of *s into out (size n); false when there
 * is none or it does not fit. */
static bool
next_word(const char **s, char *out, size_t n)
{
	const char *p = *s;
	size_t len;

	while (*p == ' ') {
		p++;
	}
	len = strcspn(p, " ");
	if (len == 0 || len >= n) {
		return false;
	}
	memcpy(out, p, len);
	out[len] = '\0';
	*s = p + len;
	return true;
}

bool
pods_focus_parse(const char *s, struct pods_focus *f)
{
	char what[16], a[16], b[16];

	memset(f, 0, sizeof(*f));
	if (s == NULL || s[0] == '\0') {
		return true;
	}
	if (!next_word(&s, what, sizeof(what))) {
		return false;
	}
	if (strcmp(what, "logs") == 0) {
		if (!next_word(&s, f->ns, sizeof(f->ns)) ||
		    !next_word(&s, f->name, sizeof(f->name)) ||
		    !next_word(&s, f->container, sizeof(f->container)) ||
		    !next_word(&s, a, sizeof(a)) ||
		    !next_word(&s, b, sizeof(b))) {
			return false;
		}
		if (strcmp(f->container, "-") == 0) {
			f->container[0] = '\0';
		}
		f->previous = strcmp(a, "previous") == 0;
		f->follow = strcmp(b, "follow") == 0;
		f->what = PODS_FOCUS_LOGS;
		if ((!f->previous && strcmp(a, "current") != 0) ||
		    (!f->follow && strcmp(b, "once") != 0)) {
			return false;
		}
		if (next_word(&s, a, sizeof(a))) {
			char *end = a;
			unsigned long v = a[0] == '#' ?
					  strtoul(a + 1, &end, 10) : 0;

			if (v == 0 || v > 1000000 || *end != '\0') {
				return false;
			}
			f->again = (unsigned)v;
		}
		return *s == '\0';
	}
	if (strcmp(what, "describe") == 0) {
		if (!next_word(&s, f->kind, sizeof(f->kind)) ||
		    !next_word(&s, f->ns, sizeof(f->ns)) ||
		    !next_word(&s, f->name, sizeof(f->name)) || *s != '\0') {
			return false;
		}
		if (strcmp(f->ns, "-") == 0) {
			f->ns[0] = '\0';
		}
		f->what = PODS_FOCUS_DESCRIBE;
		return true;
	}
	return false;
}

/* The cleared text of the findings others_findings() adds: a node, a
 * stuck rollout, an autoscaler. NAN when key is none of them. */
static double
others_cleared(const struct pods_model *m, const char *key, char *buf,
	       size_t n)
{
	const char *slash = strchr(key, '/');
	size_t i;

	if (strncmp(key, "node:", 5) == 0) {
		for (i = 0; i < m->n_nodes; i++) {
			if (strcmp(m->nodes[i].name, key + 5) == 0) {
				snprintf(buf, n, "node %s Ready %s", key + 5,
					 m->nodes[i].ready);
				return 1;
			}
		}
		snprintf(buf, n, "node %s no longer listed", key + 5);
		return 0;
	}
	if (slash == NULL) {
		return NAN;
	}
	if (strncmp(key, "stuck:", 6) == 0) {
		for (i = 0; i < m->n_deploys; i++) {
			const struct deploy_row *d = &m->deploys[i];

			if (strcmp(d->name, slash + 1) == 0 &&
			    (size_t)(slash - key - 6) == strlen(d->ns) &&
			    strncmp(d->ns, key + 6, strlen(d->ns)) == 0) {
				snprintf(buf, n, "%s: rollout of revision %d "
					 "%s", d->name, d->revision,
					 d->rollout);
				return d->revision;
			}
		}
		snprintf(buf, n, "deployment %s no longer listed", slash + 1);
		return NAN;
	}
	if (strncmp(key, "hpa:", 4) == 0) {
		for (i = 0; i < m->n_hpas; i++) {
			const struct hpa_row *h = &m->hpas[i];

			if (strcmp(h->name, slash + 1) == 0 &&
			    (size_t)(slash - key - 4) == strlen(h->ns) &&
			    strncmp(h->ns, key + 4, strlen(h->ns)) == 0) {
				snprintf(buf, n, "hpa %s at %d of its maximum "
					 "%d", h->name, h->current, h->max);
				return h->current;
			}
		}
		snprintf(buf, n, "hpa %s no longer listed", slash + 1);
		return NAN;
	}
	return NAN;
}

/* What a snapshot says of a pod finding's subject once it cleared. */
static double
pods_cleared(const struct snapshot *s, const char *key, char *buf, size_t n)
{
	const struct pods_model *m = snapshot_pods(s);
	const char *slash, *name;
	char ns[64];
	size_t i;

	if (m != NULL && (strncmp(key, "node:", 5) == 0 ||
			  strncmp(key, "stuck:", 6) == 0 ||
			  strncmp(key, "hpa:", 4) == 0)) {
		return others_cleared(m, key, buf, n);
	}
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

/* The deployment's replicas in the snapshot confirmed against: what the
 * operator starts from (kubectl scale has no default; the number in front
 * of them is the current one). */
static void
current_replicas(const struct action_req *req, char *buf, size_t n)
{
	const struct pods_model *m = snapshot_pods(req->snap);
	const struct action_target *t = &req->target;
	size_t i;

	buf[0] = '\0';
	for (i = 0; m != NULL && i < m->n_deploys; i++) {
		if (strcmp(m->deploys[i].ns, t->u.deploy.ns) == 0 &&
		    strcmp(m->deploys[i].name, t->u.deploy.name) == 0) {
			snprintf(buf, n, "%d", m->deploys[i].replicas);
			return;
		}
	}
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
	.initial_input = current_replicas,
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
