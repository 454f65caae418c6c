/* The demo's Kubernetes cluster: deployments and their pods, the bad deploy
 * of prod/api at t = 15 s that crash-loops, and the events. Builders run on
 * any thread on a private copy of the state. The pod actions are in
 * probes/demo_k8s_act.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "probes/demo_sim.h"

#define BAD_DEPLOY_AT 15.0
#define MAX_EVENTS 40
/* metrics-server's default --metric-resolution */
#define METRICS_RESOLUTION_S 15.0

const struct demo_deploy_def demo_deploy_defs[DEMO_N_DEPLOYS] = {
	{ "prod", "api", "api", "ghcr.io/acme/api:v3.18.2", 5, 1, 41,
	  "5c6d8f7b9", 250, 380, 512, 2 * 86400 + 4100 },
	{ "prod", "web", "web", "ghcr.io/acme/web:v2.7.1", 3, 2, 17,
	  "6f8b7c5d4", 120, 210, 512, 3 * 86400 + 5000 },
	{ "prod", "worker", "worker", "ghcr.io/acme/worker:v3.18.2", 4, 1, 41,
	  "84c9d7f6b", 400, 620, 1024, 2 * 86400 + 600 },
	{ "prod", "billing", "billing", "ghcr.io/acme/billing:v1.12.0", 2, 1,
	  9, "7b5f4d9c8", 180, 300, 768, 6 * 86400 + 1200 },
	{ "prod", "checkout", "checkout", "ghcr.io/acme/checkout:v4.2.3", 2,
	  1, 23, "5d9c8b7f6", 150, 260, 512, 4 * 86400 + 300 },
	{ "prod", "search-indexer", "indexer",
	  "ghcr.io/acme/search-indexer:v1.4.0", 2, 1, 6, "9c7d6f5b8", 300,
	  900, 1536, 9 * 86400 + 7000 },
	{ "ingress-nginx", "ingress-nginx-controller", "controller",
	  "registry.k8s.io/ingress-nginx/controller:v1.9.4", 2, 1, 3,
	  "6d4c7b9f5", 90, 180, 512, 21 * 86400 },
	{ "kube-system", "coredns", "coredns",
	  "registry.k8s.io/coredns/coredns:v1.11.1", 2, 1, 2, "5dd5756b68",
	  8, 24, 170, 40 * 86400 },
	{ "monitoring", "prometheus-server", "prometheus",
	  "quay.io/prometheus/prometheus:v2.48.0", 1, 1, 5, "7f9d8c6b5", 350,
	  1900, 4096, 12 * 86400 },
	{ "monitoring", "alertmanager", "alertmanager",
	  "quay.io/prometheus/alertmanager:v0.26.0", 1, 1, 4, "8b6c5d7f9", 5,
	  40, 256, 12 * 86400 + 30 },
};

static const char *const api_new_image = "ghcr.io/acme/api:v3.19.0";

static const char *const nodes[] = {
	"ip-10-0-1-23.ec2.internal",
	"ip-10-0-2-147.ec2.internal",
	"ip-10-0-3-88.ec2.internal",
	"ip-10-0-1-201.ec2.internal",
};

/* The alphabet Kubernetes draws pod name suffixes from. */
static const char name_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";


static void
make_suffix(char *out, uint64_t h)
{
	int i;

	for (i = 0; i < 5; i++) {
		out[i] = name_alphabet[h % (sizeof(name_alphabet) - 1)];
		h /= sizeof(name_alphabet) - 1;
	}
	out[5] = '\0';
}

void
demo_make_hash(char *out, size_t n, uint64_t h)
{
	size_t i;

	for (i = 0; i < 9 && i + 1 < n; i++) {
		out[i] = name_alphabet[h % (sizeof(name_alphabet) - 1)];
		h /= sizeof(name_alphabet) - 1;
	}
	out[i] = '\0';
}

void
demo_k8s_init(struct demo_sim *sim)
{
	int d, i;

	for (d = 0; d < DEMO_N_DEPLOYS; d++) {
		const struct demo_deploy_def *def = &demo_deploy_defs[d];
		struct demo_deploy_sim *ds = &sim->deploys[d];

		ds->replicas = def->replicas;
		ds->prev_replicas = def->replicas;
		ds->scaled_at = -DEMO_NEVER;
		ds->n_epochs = 1;
		ds->epochs[0].at = -DEMO_NEVER;
		ds->epochs[0].revision = def->revision;
		strlcpy_safe(ds->epochs[0].hash, def->hash,
			     sizeof(ds->epochs[0].hash));
		for (i = 0; i < DEMO_MAX_SLOTS; i++) {
			ds->slots[i].born = -def->age_s - 97.0 * i;
		}
	}
	sim->deploys[DEMO_API].n_epochs = 2;
	sim->deploys[DEMO_API].epochs[1] = (struct demo_epoch){
		.at = BAD_DEPLOY_AT,
		.revision = 42,
		.hash = "7d9f8c6b5",
		.bad = true,
		.image = 1,
	};
}

int
demo_epoch_at(const struct demo_deploy_sim *ds, double t)
{
	int e = 0, i;

	for (i = 1; i < ds->n_epochs; i++) {
		if (ds->epochs[i].at <= t) {
			e = i;
		}
	}
	return e;
}

int
demo_replicas_at(const struct demo_deploy_sim *ds, double t)
{
	return t >= ds->scaled_at ? ds->replicas : ds->prev_replicas;
}

const char *
demo_epoch_image(int d, const struct demo_epoch *e)
{
	return e->image ? api_new_image : demo_deploy_defs[d].image;
}

double
demo_api_fix_time(const struct demo_sim *sim)
{
	const struct demo_deploy_sim *ds = &sim->deploys[DEMO_API];
	int i;

	for (i = 0; i + 1 < ds->n_epochs; i++) {
		if (ds->epochs[i].bad) {
			return ds->epochs[i + 1].at;
		}
	}
	return DEMO_NEVER;
}

double
demo_api_badness(const struct demo_sim *sim, double t)
{
	double fix = demo_api_fix_time(sim);
	double onset = demo_ramp(t, 28, 55);

	if (t < BAD_DEPLOY_AT) {
		return 0;
	}
	/* The new pods run by fix + ~5 s; traffic recovers over ~20 s. */
	return onset * (1 - demo_ramp(t, fix + 3, fix + 23));
}

/* Where pod (d, i) stands at t. */
void
demo_pod_at(const struct demo_sim *sim, int d, int i, double t,
       struct demo_pod *ps)
{
	const struct demo_deploy_sim *ds = &sim->deploys[d];
	const struct demo_slot *sl = &ds->slots[i];
	int e = demo_epoch_at(ds, t);
	const struct demo_epoch *ep = &ds->epochs[e];
	uint64_t id = demo_hash((uint64_t)d * 1000 + (uint64_t)i,
				(uint64_t)sl->gen * 64 + (uint64_t)e);
	char suffix[8];
	double delay, s;

	memset(ps, 0, sizeof(*ps));
	ps->deploy = d;
	ps->slot = i;
	ps->epoch = e;
	ps->last_crash = NAN;
	ps->start = sl->born > ep->at ? sl->born : ep->at;
	if (d == DEMO_API && e == 1 && i == 0 && sl->gen == 0) {
		strcpy(suffix, "x2k4p");
	} else {
		make_suffix(suffix, id);
	}
	snprintf(ps->name, sizeof(ps->name), "%s-%s-%s",
		 demo_deploy_defs[d].name, ep->hash, suffix);

	/* A rollout replaces the pods a few at a time. */
	delay = ps->start == ep->at ? 2 + 0.7 * (i % 10) : 2.5;
	s = t - ps->start;
	if (s < delay) {
		ps->stage = DEMO_POD_CREATING;
		ps->since = s;
		return;
	}
	s -= delay;
	if (!ep->bad) {
		ps->stage = DEMO_POD_RUNNING;
		ps->since = s;
		if (e == 0 && sl->gen == 0 &&
		    demo_noise01(id, 7) < 0.15) {
			ps->restarts = 1;
		}
		return;
	}
	/* Crash loop: run, crash, back off 10 s, 20 s, 40 s ... 300 s. */
	ps->run_s = 4 + 3 * demo_noise01(id, 3);
	for (;;) {
		double back;

		if (s < ps->run_s) {
			ps->stage = DEMO_POD_CRASH_RUN;
			ps->since = s;
			return;
		}
		s -= ps->run_s;
		ps->restarts++;
		ps->last_crash = t - s;
		back = 10 * pow(2, ps->restarts - 1);
		if (back > 300) {
			back = 300;
		}
		if (s < back) {
			ps->stage = DEMO_POD_BACKOFF;
			ps->since = s;
			return;
		}
		s -= back;
	}
}

/* The pod (d, i) that is OOM-killed instead of failing its start. */
static bool
is_oom_pod(const struct demo_pod *ps)
{
	return ps->deploy == DEMO_API && ps->slot == 2;
}

/* A container's CPU limit: 1.6 times its typical use, in whole tenths of
 * a core. */
static double
cpu_limit(const struct demo_deploy_def *def)
{
	return ceil(def->cpu_m * 1.6 / 100) * 100;
}

static void
fill_pod(struct snapshot *s, const struct demo_sim *sim, double t,
	 const struct demo_pod *ps, struct pod_row *row)
{
	const struct demo_deploy_def *def = &demo_deploy_defs[ps->deploy];
	uint64_t id = demo_str_hash(ps->name);
	/* Usage comes from metrics-server, which has a new sample every
	 * METRICS_RESOLUTION_S, not on every poll. */
	double tm = floor(t / METRICS_RESOLUTION_S) * METRICS_RESOLUTION_S;
	double cpu = NAN, mem = NAN;
	const char *phase = "Running", *reason = "";
	int ready = 0;

	switch (ps->stage) {
	case DEMO_POD_CREATING:
		phase = "Pending";
		reason = "ContainerCreating";
		break;
	case DEMO_POD_RUNNING:
		ready = def->containers;
		cpu = def->cpu_m * (0.8 + 0.3 * demo_noise01(id, 1) +
				    0.15 * demo_vnoise(id, tm, 7));
		mem = def->mem_mib * (0.9 + 0.15 * demo_noise01(id, 2) +
				      0.03 * demo_vnoise(id + 1, tm, 11));
		if (ps->deploy == DEMO_API) {
			/* load follows traffic, lower while errors are high */
			cpu *= 1 - 0.3 * demo_api_badness(sim, tm);
		}
		if (ps->deploy == DEMO_SEARCH && demo_reindex_s(tm) > 0) {
			/* the reindex: at the limit, throttled */
			cpu = cpu_limit(def) *
			      (0.95 + 0.04 * demo_noise01(id, (int64_t)tm));
		}
		mem *= 1048576.0;
		break;
	case DEMO_POD_CRASH_RUN:
		cpu = 600 + 200 * demo_vnoise(id, tm, 2);
		if (is_oom_pod(ps)) {
			mem = (280 + (def->limit_mib - 280) *
				     (ps->since / ps->run_s)) * 1048576.0;
		} else {
			mem = (190 + 40 * demo_noise01(id, 4)) * 1048576.0;
		}
		/* Between crashes the pod keeps its reason, so that its
		 * status does not flicker every few seconds. */
		if (ps->restarts > 0) {
			reason = is_oom_pod(ps) ? "OOMKilled"
						: "CrashLoopBackOff";
		}
		break;
	case DEMO_POD_BACKOFF:
		reason = is_oom_pod(ps) ? "OOMKilled" : "CrashLoopBackOff";
		break;
	}
	row->ns = snapshot_strdup(s, def->ns);
	row->name = snapshot_strdup(s, ps->name);
	row->owner = snapshot_strdup(s, def->name);
	row->phase = snapshot_strdup(s, phase);
	row->reason = snapshot_strdup(s, reason);
	row->node = snapshot_strdup(
		s, nodes[demo_hash(id, 5) % (sizeof(nodes) / sizeof(*nodes))]);
	row->ready = ready;
	row->containers = def->containers;
	row->restarts = ps->restarts;
	row->started_ms = demo_sim_wall(sim, ps->start);
	row->cpu_mcores = cpu;
	row->mem_bytes = mem;
	row->mem_limit_bytes = def->limit_mib * 1048576.0;
	row->cpu_limit_mcores = cpu_limit(def);
}

struct event_tmp {
	double at;
	const char *type;
	const char *reason;
	char object[128];
	char message[200];
};

struct event_list {
	struct event_tmp ev[DEMO_N_DEPLOYS * 8 + 2 * DEMO_MAX_SLOTS +
			    DEMO_MAX_KEVENTS];
	size_t n;
};

static struct event_tmp *
event_add(struct event_list *l, double at, const char *type,
	  const char *reason)
{
	struct event_tmp *e;

	if (l->n == sizeof(l->ev) / sizeof(*l->ev)) {
		return NULL;
	}
	e = &l->ev[l->n++];
	e->at = at;
	e->type = type;
	e->reason = reason;
	e->object[0] = e->message[0] = '\0';
	return e;
}

static int
event_cmp(const void *a, const void *b)
{
	const struct event_tmp *x = a, *y = b;
	int c;

	if (x->at != y->at) {
		return x->at < y->at ? 1 : -1;
	}
	c = strcmp(x->object, y->object);
	return c ? c : strcmp(x->reason, y->reason);
}

/* Rollouts: a new replica set scaled up, the old one down. */
static void
rollout_events(struct event_list *l, const struct demo_sim *sim, double t)
{
	int d, e;

	for (d = 0; d < DEMO_N_DEPLOYS; d++) {
		const struct demo_deploy_sim *ds = &sim->deploys[d];
		const struct demo_deploy_def *def = &demo_deploy_defs[d];

		for (e = 1; e < ds->n_epochs; e++) {
			const struct demo_epoch *ep = &ds->epochs[e];
			struct event_tmp *ev;

			if (ep->at > t) {
				continue;
			}
			ev = event_add(l, ep->at, "Normal",
				       "ScalingReplicaSet");
			if (ev) {
				snprintf(ev->object, sizeof(ev->object),
					 "deployment/%s", def->name);
				snprintf(ev->message, sizeof(ev->message),
					 "Scaled up replica set %s-%s to %d",
					 def->name, ep->hash,
					 demo_replicas_at(ds, ep->at));
			}
			ev = ep->at + 0.5 <= t
				     ? event_add(l, ep->at + 0.5, "Normal",
						 "ScalingReplicaSet")
				     : NULL;
			if (ev) {
				snprintf(ev->object, sizeof(ev->object),
					 "deployment/%s", def->name);
				snprintf(ev->message, sizeof(ev->message),
					 "Scaled down replica set %s-%s to 0",
					 def->name,
					 ds->epochs[e - 1].hash);
			}
		}
	}
}

static void
pod_events(struct event_list *l, const struct demo_sim *sim, double t,
	   const struct demo_pod *ps)
{
	const struct demo_epoch *ep =
		&sim->deploys[ps->deploy].epochs[ps->epoch];
	const struct demo_deploy_def *def = &demo_deploy_defs[ps->deploy];
	struct event_tmp *ev;

	if (ps->start < -600) {
		return;
	}
	ev = event_add(l, ps->start + 0.2, "Normal", "Scheduled");
	if (ev) {
		snprintf(ev->object, sizeof(ev->object), "pod/%s", ps->name);
		snprintf(ev->message, sizeof(ev->message),
			 "Successfully assigned %s/%s to %s", def->ns,
			 ps->name,
			 nodes[demo_hash(demo_str_hash(ps->name), 5) %
			       (sizeof(nodes) / sizeof(*nodes))]);
	}
	if (ps->stage == DEMO_POD_CREATING) {
		return;
	}
	ev = event_add(l, ps->start + 1.6, "Normal", "Pulled");
	if (ev) {
		snprintf(ev->object, sizeof(ev->object), "pod/%s", ps->name);
		snprintf(ev->message, sizeof(ev->message),
			 "Container image \"%s\" already present on machine",
			 demo_epoch_image(ps->deploy, ep));
	}
	if (!ep->bad) {
		return;
	}
	if (ps->stage == DEMO_POD_CRASH_RUN && ps->since > 2.5) {
		ev = event_add(l, t - ps->since + 2.5, "Warning", "Unhealthy");
		if (ev) {
			snprintf(ev->object, sizeof(ev->object), "pod/%s",
				 ps->name);
			snprintf(ev->message, sizeof(ev->message),
				 "Readiness probe failed: HTTP probe failed "
				 "with statuscode: 503");
		}
	}
	if (isnan(ps->last_crash)) {
		return;
	}
	if (is_oom_pod(ps)) {
		ev = event_add(l, ps->last_crash, "Warning", "OOMKilled");
		if (ev) {
			snprintf(ev->object, sizeof(ev->object), "pod/%s",
				 ps->name);
			snprintf(ev->message, sizeof(ev->message),
				 "Container %s exceeded its memory limit "
				 "(%.0fMi) → OOMKilled, exit code 137",
				 def->container, def->limit_mib);
		}
	}
	ev = ps->last_crash + 0.8 <= t
		     ? event_add(l, ps->last_crash + 0.8, "Warning", "BackOff")
		     : NULL;
	if (ev) {
		snprintf(ev->object, sizeof(ev->object), "pod/%s", ps->name);
		snprintf(ev->message, sizeof(ev->message),
			 "Back-off restarting failed container %s in pod "
			 "%s_%s (x%d)",
			 def->container, ps->name, def->ns, ps->restarts);
	}
}

static void
background_events(struct event_list *l)
{
	static const struct {
		double at;
		const char *type, *reason, *object, *message;
	} bg[] = {
		{ -1380, "Normal", "SuccessfulCreate", "cronjob/ledger-export",
		  "Created job ledger-export-28391640" },
		{ -1310, "Normal", "Completed", "job/ledger-export-28391640",
		  "Job completed" },
		{ -520, "Warning", "FailedGetResourceMetric",
		  "horizontalpodautoscaler/web",
		  "failed to get cpu utilization: unable to get metrics for "
		  "resource cpu: no metrics returned from resource metrics "
		  "API" },
		{ -95, "Normal", "SuccessfulRescale",
		  "horizontalpodautoscaler/worker",
		  "New size: 4; reason: All metrics below target" },
	};
	size_t i;

	for (i = 0; i < sizeof(bg) / sizeof(*bg); i++) {
		struct event_tmp *ev = event_add(l, bg[i].at, bg[i].type,
						 bg[i].reason);

		if (ev) {
			strlcpy_safe(ev->object, bg[i].object,
				     sizeof(ev->object));
			strlcpy_safe(ev->message, bg[i].message,
				     sizeof(ev->message));
		}
	}
}

static void
action_events(struct event_list *l, const struct demo_sim *sim, double t)
{
	size_t n = sim->n_kevents < DEMO_MAX_KEVENTS ? sim->n_kevents
						     : DEMO_MAX_KEVENTS;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct demo_kevent *k = &sim->kevents[i];
		struct event_tmp *ev;

		if (k->at > t) {
			continue;
		}
		ev = event_add(l, k->at, strcmp(k->type, "Warning") == 0 ?
					       "Warning" : "Normal",
			       k->reason);
		if (ev) {
			strlcpy_safe(ev->object, k->object,
				     sizeof(ev->object));
			strlcpy_safe(ev->message, k->message,
				     sizeof(ev->message));
		}
	}
}

void *
demo_build_pods(struct snapshot *s, const struct demo_sim *sim, double t)
{
	struct pods_model *m = snapshot_alloc(s, sizeof(*m));
	struct event_list *l = xcalloc(1, sizeof(*l));
	size_t n_pods = 0, k;
	int d, i;

	for (d = 0; d < DEMO_N_DEPLOYS; d++) {
		n_pods += (size_t)demo_replicas_at(&sim->deploys[d], t);
	}
	m->context = snapshot_strdup(s, "prod-us-east-1");
	m->pods = snapshot_alloc(s, (n_pods ? n_pods : 1) *
					    sizeof(*m->pods));
	m->deploys = snapshot_alloc(s, DEMO_N_DEPLOYS * sizeof(*m->deploys));
	m->n_deploys = DEMO_N_DEPLOYS;
	background_events(l);
	rollout_events(l, sim, t);
	action_events(l, sim, t);
	for (d = 0; d < DEMO_N_DEPLOYS; d++) {
		const struct demo_deploy_sim *ds = &sim->deploys[d];
		const struct demo_epoch *ep = &ds->epochs[demo_epoch_at(ds, t)];
		struct deploy_row *dr = &m->deploys[d];
		int n = demo_replicas_at(ds, t);

		dr->ns = snapshot_strdup(s, demo_deploy_defs[d].ns);
		dr->name = snapshot_strdup(s, demo_deploy_defs[d].name);
		dr->replicas = n;
		dr->revision = ep->revision;
		/* The first template's pods are as old as the deployment's. */
		dr->revision_ms = demo_sim_wall(sim, ep->at > -DEMO_NEVER ?
					   ep->at : -demo_deploy_defs[d].age_s);
		dr->image = snapshot_strdup(s, demo_epoch_image(d, ep));
		for (i = 0; i < n; i++) {
			struct demo_pod ps;
			struct pod_row *row = &m->pods[m->n_pods++];

			demo_pod_at(sim, d, i, t, &ps);
			fill_pod(s, sim, t, &ps, row);
			pod_events(l, sim, t, &ps);
			dr->updated++;
			if (row->ready == row->containers) {
				dr->ready++;
				dr->available++;
			}
		}
	}
	qsort(l->ev, l->n, sizeof(*l->ev), event_cmp);
	m->n_events = l->n < MAX_EVENTS ? l->n : MAX_EVENTS;
	m->events = snapshot_alloc(s, (m->n_events ? m->n_events : 1) *
					      sizeof(*m->events));
	for (k = 0; k < m->n_events; k++) {
		m->events[k].at_ms = demo_sim_wall(sim, l->ev[k].at);
		m->events[k].type = snapshot_strdup(s, l->ev[k].type);
		m->events[k].reason = snapshot_strdup(s, l->ev[k].reason);
		m->events[k].object = snapshot_strdup(s, l->ev[k].object);
		m->events[k].message = snapshot_strdup(s, l->ev[k].message);
	}
	free(l);
	return m;
}
