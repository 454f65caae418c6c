/* The demo scenario's clock, shared state, noise, probe ops and setup.
 * demo_setup()/demo_reset() on the main thread; the probes poll on their
 * runner threads and actions run on the action worker, both through the
 * one mutex below. The per-pane scripts live in probes/demo_*.c. */
#include "probes/demo.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/rules.h"
#include "core/xalloc.h"
#include "probes/demo_sim.h"

/* The diagnosis source the demo adds beside its own. */
#define DEMO_DIAGNOSIS "diagnosis.demo"

static pthread_mutex_t sim_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct demo_sim sim_state;

struct demo_sim *
demo_sim_lock(void)
{
	pthread_mutex_lock(&sim_mutex);
	return &sim_state;
}

void
demo_sim_unlock(void)
{
	pthread_mutex_unlock(&sim_mutex);
}

struct demo_sim *
demo_sim_copy(void)
{
	struct demo_sim *copy = xmalloc(sizeof(*copy));

	pthread_mutex_lock(&sim_mutex);
	*copy = sim_state;
	pthread_mutex_unlock(&sim_mutex);
	return copy;
}

double
demo_sim_now(const struct demo_sim *sim)
{
	if (!sim->started) {
		return 0;
	}
	return (double)(clock_mono_ms() - sim->start_mono_ms) / 1000.0 *
	       sim->speed;
}

int64_t
demo_sim_wall(const struct demo_sim *sim, double t)
{
	/* What happened before the start (pod ages, old alerts) keeps its
	 * real distance; the script itself runs at speed. */
	if (t < 0) {
		return sim->start_wall_ms + (int64_t)llround(t * 1000.0);
	}
	return sim->start_wall_ms + (int64_t)llround(t * 1000.0 / sim->speed);
}

/* A copy of the state; before any demo_reset(), the script as it would
 * start now. */
static struct demo_sim *
sim_snapshot(void)
{
	struct demo_sim *sim = demo_sim_copy();

	if (!sim->started) {
		sim->started = true;
		sim->speed = 1;
		sim->start_wall_ms = clock_wall_ms();
		sim->start_mono_ms = clock_mono_ms();
		demo_k8s_init(sim);
	}
	return sim;
}

void
demo_reset(double speed)
{
	if (!(speed > 0) || speed > 1e6) {
		speed = 1;
	}
	pthread_mutex_lock(&sim_mutex);
	memset(&sim_state, 0, sizeof(sim_state));
	sim_state.started = true;
	sim_state.speed = speed;
	sim_state.start_mono_ms = clock_mono_ms();
	sim_state.start_wall_ms = clock_wall_ms();
	demo_k8s_init(&sim_state);
	pthread_mutex_unlock(&sim_mutex);
}

double
demo_time(void)
{
	double t;

	pthread_mutex_lock(&sim_mutex);
	t = demo_sim_now(&sim_state);
	pthread_mutex_unlock(&sim_mutex);
	return t;
}

int64_t
demo_wall_ms(double t)
{
	struct demo_sim *sim = sim_snapshot();
	int64_t ms;

	ms = demo_sim_wall(sim, t);
	free(sim);
	return ms;
}

int
demo_interval_ms(double speed)
{
	int ms;

	/* As often as the real probes poll by default (2 s, scenario time);
	 * slow motion no slower than that, fast runs at most 10/s. */
	if (!(speed > 1) || speed > 1e6) {
		return 2000;
	}
	ms = (int)(2000.0 / speed);
	return ms < 100 ? 100 : ms;
}

/* ---- noise ---- */

uint64_t
demo_hash(uint64_t a, uint64_t b)
{
	/* splitmix64 finaliser over a mix of both words */
	uint64_t z = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
demo_str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

double
demo_noise01(uint64_t series, int64_t i)
{
	return (double)(demo_hash(series, (uint64_t)i) >> 11) /
	       9007199254740992.0;
}

static double
smooth01(double x)
{
	if (x <= 0) {
		return 0;
	}
	if (x >= 1) {
		return 1;
	}
	return x * x * (3 - 2 * x);
}

double
demo_vnoise(uint64_t series, double t, double period)
{
	double x = t / period;
	double f = floor(x);
	int64_t i = (int64_t)f;
	double a = demo_noise01(series, i);
	double b = demo_noise01(series, i + 1);

	return (a + (b - a) * smooth01(x - f)) * 2 - 1;
}

double
demo_ramp(double t, double a, double b)
{
	return smooth01((t - a) / (b - a));
}

void
demo_history(struct snapshot *s, struct series *out, size_t n,
	     double step_s, double t,
	     double (*fn)(const struct demo_sim *, double, const void *),
	     const struct demo_sim *sim, const void *arg)
{
	double last = floor(t / step_s) * step_s;
	size_t i;

	out->v = snapshot_alloc(s, n * sizeof(double));
	out->n = n;
	/* in wall time, as a real source's: at speed, shorter */
	out->step_ms = (int64_t)(step_s * 1000 / sim->speed);
	for (i = 0; i + 1 < n; i++) {
		double at = last - (double)(n - 1 - i) * step_s;

		out->v[i] = fn(sim, at, arg);
	}
	out->v[n - 1] = fn(sim, t, arg);
}

/* ---- snapshots ---- */

/* What the demo does for each kind, one line each, in the order the panes
 * read best in (pods first, alerts last): its source's name, its snapshot
 * builder and its actions (the kind's own specs, run against the
 * scenario). */
static const struct demo_kind {
	enum snap_kind kind;
	const char *source;
	void *(*build)(struct snapshot *s, const struct demo_sim *sim,
		       double t);
	const struct action_impl *actions;
	/* An endpoint's backend deployment (its pods = NS/NAME), or NULL. */
	const char *pods;
} demo_kinds[] = {
	{ SNAP_PODS, "k8s.demo", demo_build_pods, demo_pods_actions },
	{ SNAP_METRICS, "prometheus.demo", demo_build_metrics, NULL },
	{ SNAP_PG, "postgres.demo", demo_build_pg, demo_pg_actions },
	{ SNAP_REDIS, "redis.demo", demo_build_redis, demo_redis_actions },
	{ SNAP_KAFKA, "kafka.demo", demo_build_kafka, NULL },
	{ SNAP_HTTP, "http.api", demo_build_http, NULL, "prod/api" },
	{ SNAP_HTTP, "http.checkout", demo_build_http, NULL,
	  "prod/checkout" },
	{ SNAP_ALERTS, "alertmanager.demo", demo_build_alerts,
	  demo_alerts_actions },
};

#define N_DEMO_KINDS (sizeof(demo_kinds) / sizeof(demo_kinds[0]))

static const struct demo_kind *
demo_kind(enum snap_kind kind)
{
	for (size_t i = 0; i < N_DEMO_KINDS; i++) {
		if (demo_kinds[i].kind == kind) {
			return &demo_kinds[i];
		}
	}
	return NULL;
}

static void *
build_data(struct snapshot *s, const struct demo_sim *sim, double t)
{
	const struct demo_kind *dk = demo_kind(s->kind);

	return dk != NULL ? dk->build(s, sim, t) : NULL;
}

struct snapshot *
demo_snapshot_at(enum snap_kind kind, double t)
{
	const struct demo_kind *dk = demo_kind(kind);
	struct demo_sim *sim;
	struct snapshot *s;

	if (dk == NULL) {
		return NULL;
	}
	sim = sim_snapshot();
	s = snapshot_new(kind, dk->source);
	s->interval_ms = demo_interval_ms(sim->speed);
	s->data = build_data(s, sim, t);
	free(sim);
	/* As a published one would be. */
	rules_derive(s);
	return s;
}

/* ---- probe ops ---- */

/* The script needs nothing opened: poll() reads the shared simulation.
 * The pods source keeps its probe, to read the pane's focus (a pod's logs)
 * and answer it in the snapshot as a cluster's probe does. */
static void *
demo_pods_open(const struct config_section *sec, struct probe *owner,
	       struct err *err)
{
	struct source_scope sc = { .name = "prod-us-east-1" };

	probe_set_scope(owner, &sc);
	return owner;
}

static int
demo_poll(void *state, struct snapshot *s, struct err *err)
{
	struct demo_sim *sim = sim_snapshot();
	double t = demo_sim_now(sim);

	s->data = build_data(s, sim, t);
	if (s->kind == SNAP_PODS && state != NULL && s->data != NULL) {
		char focus[PROBE_FOCUS_MAX];

		probe_focus(state, focus, sizeof(focus));
		demo_pods_detail(s, sim, t, focus,
				 &((struct pods_model *)s->data)->detail);
	}
	free(sim);
	return 0;
}

/* The probe ops of each kind, made from demo_kinds once. */
static struct probe_ops demo_ops[SNAP_KIND_COUNT];
static pthread_once_t ops_once = PTHREAD_ONCE_INIT;

static void
ops_init(void)
{
	for (size_t i = 0; i < N_DEMO_KINDS; i++) {
		struct probe_ops *o = &demo_ops[demo_kinds[i].kind];

		o->kind = demo_kinds[i].kind;
		/* The pods keep their probe, for the pane's focus. */
		o->open = o->kind == SNAP_PODS ? demo_pods_open : NULL;
		o->poll = demo_poll;
		o->actions = demo_kinds[i].actions;
		o->config.name = "demo";
	}
}

const struct probe_ops *
demo_probe_ops(enum snap_kind kind)
{
	if (demo_kind(kind) == NULL) {
		return NULL;
	}
	pthread_once(&ops_once, ops_init);
	return &demo_ops[kind];
}

const struct action_impl *
demo_actions(enum snap_kind kind)
{
	const struct demo_kind *dk = demo_kind(kind);

	return dk != NULL ? dk->actions : NULL;
}

const char *
demo_source_name(enum snap_kind kind)
{
	const struct demo_kind *dk = demo_kind(kind);

	return dk != NULL ? dk->source : NULL;
}

static struct config_section *
find_section(struct config *cfg, const char *name)
{
	size_t i;

	for (i = cfg->n_sections; i-- > 0;) {
		if (cfg->sections[i].name &&
		    strcmp(cfg->sections[i].name, name) == 0) {
			return &cfg->sections[i];
		}
	}
	return NULL;
}

int
demo_setup(struct config *cfg, struct runner *r, double speed,
	   struct err *err)
{
	struct config_section *diag;
	int interval;
	char buf[32];
	size_t i;

	if (!(speed > 0) || speed > 1e6) {
		return err_set(err, "demo speed must be above 0, got %g",
			       speed);
	}
	interval = demo_interval_ms(speed);
	snprintf(buf, sizeof(buf), "%dms", interval);
	/* All sections first: adding one may move the others in memory,
	 * and the runner keeps pointers to them. */
	for (i = 0; i < N_DEMO_KINDS; i++) {
		const char *name = demo_kinds[i].source;
		struct config_section *sec = config_add_section(cfg, name);

		if (!sec) {
			return err_set(err, "demo: cannot add source %s",
				       name);
		}
		if (!sec->backend) {
			sec->backend = xstrndup(name, strcspn(name, "."));
		}
		if (!sec->instance) {
			sec->instance = xstrdup("demo");
		}
		config_section_set(sec, "interval", buf);
		config_section_set(sec, "timeout", "2s");
		sec->interval_ms = interval;
		sec->timeout_ms = 2000;
		if (demo_kinds[i].pods != NULL) {
			config_section_set(sec, "pods", demo_kinds[i].pods);
		}
	}
	/* The diagnosis reads them all, as it does real sources. */
	diag = config_add_section(cfg, DEMO_DIAGNOSIS);
	diag->interval_ms = interval;
	diag->timeout_ms = 2000;
	demo_reset(speed);
	for (i = 0; i < N_DEMO_KINDS; i++) {
		const struct demo_kind *dk = &demo_kinds[i];
		struct config_section *sec = find_section(cfg, dk->source);

		if (!sec) {
			return err_set(err, "demo: source %s went missing",
				       dk->source);
		}
		if (runner_add(r, demo_probe_ops(dk->kind), sec, err) < 0) {
			return -1;
		}
	}
	return runner_add(r, probe_find("diagnosis"), find_section(cfg,
			  DEMO_DIAGNOSIS), err) < 0 ? -1 : 0;
}
