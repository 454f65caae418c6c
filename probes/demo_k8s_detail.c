/* The demo's answer to the Pods pane's focus, so that l and d work on the
 * scripted incident as on a cluster: a pod's logs (access lines while it
 * runs, the crash of the bad deploy, the OOM kill) and the description of
 * a pod or a deployment. Builders run on the demo probe's thread on a
 * private copy of the state. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/demo_sim.h"

#define LOG_LINES 500

struct lines {
	char **v;
	size_t n;
};

static void add(struct lines *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
add(struct lines *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xvasprintf(fmt, ap);
	va_end(ap);
}

static void
stamp(const struct demo_sim *sim, double t, char *buf, size_t n)
{
	char hms[24];

	clock_format_utc(demo_sim_wall(sim, t), 1, hms, sizeof(hms));
	snprintf(buf, n, "%.20sZ", hms);
}

/* The lines an instance of the pod printed from `from` to `to`: one a
 * second while it serves, the crash at the end of a bad one. */
static void
instance_lines(const struct demo_sim *sim, const struct demo_pod *ps,
	       double from, double to, bool crashed, bool oom,
	       struct lines *l)
{
	const struct demo_deploy_def *def = &demo_deploy_defs[ps->deploy];
	static const char *const paths[] = {
		"/api/v1/orders", "/api/v1/cart", "/healthz", "/api/v1/users",
		"/api/v1/search",
	};
	uint64_t id = demo_str_hash(ps->name);
	char at[32];
	double s;

	stamp(sim, from, at, sizeof(at));
	add(l, "%s INFO starting %s (%s)", at, def->container,
	    demo_epoch_image(ps->deploy,
			     &sim->deploys[ps->deploy].epochs[ps->epoch]));
	if (to - from > LOG_LINES) {
		from = to - LOG_LINES;
	}
	for (s = floor(from) + 1; s < to; s++) {
		uint64_t h = demo_hash(id, (uint64_t)s);

		stamp(sim, s, at, sizeof(at));
		add(l, "%s INFO GET %s %d %dms", at, paths[h % 5],
		    h % 97 == 0 ? 503 : 200, (int)(3 + h % 40));
	}
	if (!crashed) {
		return;
	}
	stamp(sim, to, at, sizeof(at));
	if (oom) {
		add(l, "%s WARN heap at %.0f MiB of %.0f MiB", at,
		    def->limit_mib * 0.97, def->limit_mib);
		add(l, "fatal error: runtime: out of memory");
		return;
	}
	add(l, "%s ERROR config: ORDERS_DB_POOL unset in v3.19.0", at);
	add(l, "panic: runtime error: invalid memory address or nil pointer "
	    "dereference");
	add(l, "[signal SIGSEGV: segmentation violation code=0x1 addr=0x18]");
	add(l, "goroutine 1 [running]:");
	add(l, "main.(*Server).connectPool(0x0)");
	add(l, "\t/src/cmd/api/pool.go:42 +0x1d");
}

static bool
find(const struct demo_sim *sim, const char *ns, const char *name, double t,
     struct demo_pod *ps)
{
	char target[400];

	snprintf(target, sizeof(target), "%s/%s", ns, name);
	return demo_find_pod(sim, target, t, ps);
}

static void
logs(const struct demo_sim *sim, double t, const struct pods_focus *f,
     struct lines *l, char *error, size_t n)
{
	struct demo_pod ps;
	bool oom;

	if (!find(sim, f->ns, f->name, t, &ps)) {
		snprintf(error, n, "pods \"%.100s\" not found", f->name);
		return;
	}
	oom = ps.deploy == DEMO_API && ps.slot == 2;
	if (f->previous) {
		if (ps.restarts == 0 || isnan(ps.last_crash)) {
			snprintf(error, n, "previous terminated container "
				 "\"%s\" in pod \"%.100s\" not found",
				 demo_deploy_defs[ps.deploy].container,
				 ps.name);
			return;
		}
		instance_lines(sim, &ps, ps.last_crash - ps.run_s,
			       ps.last_crash, true, oom, l);
		return;
	}
	switch (ps.stage) {
	case DEMO_POD_CREATING:
		snprintf(error, n, "container \"%s\" in pod \"%.100s\" is "
			 "waiting to start: ContainerCreating",
			 demo_deploy_defs[ps.deploy].container, ps.name);
		return;
	case DEMO_POD_BACKOFF:
		/* The current container is the one that crashed. */
		instance_lines(sim, &ps, ps.last_crash - ps.run_s,
			       ps.last_crash, true, oom, l);
		return;
	default:
		instance_lines(sim, &ps, t - ps.since, t, false, false, l);
		return;
	}
}

static void
describe_pod(const struct demo_sim *sim, double t, const struct pods_focus *f,
	     struct lines *l, char *error, size_t n)
{
	struct demo_pod ps;
	const struct demo_deploy_def *def;
	const char *state;

	if (!find(sim, f->ns, f->name, t, &ps)) {
		snprintf(error, n, "pods \"%.100s\" not found", f->name);
		return;
	}
	def = &demo_deploy_defs[ps.deploy];
	state = ps.stage == DEMO_POD_RUNNING ? "Running" :
		ps.stage == DEMO_POD_CREATING ? "Waiting (ContainerCreating)" :
		ps.stage == DEMO_POD_BACKOFF ? "Waiting (CrashLoopBackOff)" :
		"Running (not ready)";
	add(l, "Name:             %s", ps.name);
	add(l, "Namespace:        %s", def->ns);
	add(l, "Controlled By:    ReplicaSet/%s-%s", def->name,
	    sim->deploys[ps.deploy].epochs[ps.epoch].hash);
	add(l, "Containers:");
	add(l, "  %s:", def->container);
	add(l, "    Image:          %s",
	    demo_epoch_image(ps.deploy,
			     &sim->deploys[ps.deploy].epochs[ps.epoch]));
	add(l, "    State:          %s", state);
	if (ps.restarts > 0) {
		bool oom = ps.deploy == DEMO_API && ps.slot == 2;

		add(l, "    Last State:     Terminated");
		add(l, "      Reason:       %s", oom ? "OOMKilled" : "Error");
		add(l, "      Exit Code:    %d", oom ? 137 : 2);
	}
	add(l, "    Ready:          %s", ps.stage == DEMO_POD_RUNNING ?
	    "True" : "False");
	add(l, "    Restart Count:  %d", ps.restarts);
	add(l, "    Limits:         memory=%.0fMi", def->limit_mib);
}

static void
describe_deploy(const struct demo_sim *sim, double t,
		const struct pods_focus *f, struct lines *l, char *error,
		size_t n)
{
	for (int d = 0; d < DEMO_N_DEPLOYS; d++) {
		const struct demo_deploy_def *def = &demo_deploy_defs[d];
		const struct demo_deploy_sim *ds = &sim->deploys[d];
		const struct demo_epoch *ep = &ds->epochs[demo_epoch_at(ds, t)];

		if (strcmp(def->ns, f->ns) != 0 ||
		    strcmp(def->name, f->name) != 0) {
			continue;
		}
		add(l, "Name:             %s", def->name);
		add(l, "Namespace:        %s", def->ns);
		add(l, "Replicas:         %d desired", demo_replicas_at(ds, t));
		add(l, "Revision:         %d", ep->revision);
		add(l, "Image:            %s", demo_epoch_image(d, ep));
		add(l, "ReplicaSets (newest revision first):");
		for (int i = ds->n_epochs - 1; i >= 0; i--) {
			if (ds->epochs[i].at > t) {
				continue;
			}
			add(l, "  revision %-4d %s-%s  %s",
			    ds->epochs[i].revision, def->name,
			    ds->epochs[i].hash,
			    demo_epoch_image(d, &ds->epochs[i]));
		}
		return;
	}
	snprintf(error, n, "deployments.apps \"%.100s\" not found", f->name);
}

void
demo_pods_detail(struct snapshot *s, const struct demo_sim *sim, double t,
		 const char *focus, struct pods_detail *d)
{
	struct pods_focus f;
	struct lines l = { NULL, 0 };
	char error[256] = "", title[400];
	size_t from;

	memset(d, 0, sizeof(*d));
	d->request = snapshot_strdup(s, focus);
	if (!pods_focus_parse(focus, &f) || f.what == PODS_FOCUS_NONE) {
		return;
	}
	if (f.what == PODS_FOCUS_LOGS) {
		snprintf(title, sizeof(title), "logs %s/%s%s%s", f.ns, f.name,
			 f.previous ? " (previous)" : "",
			 f.follow ? " (following)" : "");
		logs(sim, t, &f, &l, error, sizeof(error));
		d->following = f.follow && error[0] == '\0';
	} else {
		snprintf(title, sizeof(title), "describe %s %s/%s", f.kind,
			 f.ns, f.name);
		if (strcmp(f.kind, "pod") == 0) {
			describe_pod(sim, t, &f, &l, error, sizeof(error));
		} else if (strcmp(f.kind, "deployment") == 0) {
			describe_deploy(sim, t, &f, &l, error, sizeof(error));
		} else {
			snprintf(error, sizeof(error), "the demo has no %s",
				 f.kind);
		}
	}
	from = l.n > LOG_LINES ? l.n - LOG_LINES : 0;
	d->lines = snapshot_alloc(s, (l.n - from + 1) * sizeof(*d->lines));
	for (size_t i = 0; i < l.n; i++) {
		if (i >= from) {
			d->lines[d->n_lines++] = snapshot_strdup(s, l.v[i]);
		}
		free(l.v[i]);
	}
	free(l.v);
	d->received = l.n;
	d->title = snapshot_strdup(s, title);
	d->error = snapshot_strdup(s, error);
}
