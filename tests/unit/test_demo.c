/* The demo scenario: determinism, the scripted incident pane by pane, the
 * actions through their tables (results, errors, describe texts), and the
 * demo's probes on a real runner. Scenario time is driven by the fake
 * clock, so nothing here sleeps except the runner test. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/kind.h"
#include "core/rules.h"
#include "core/state.h"
#include "probes/demo.h"
#include "probes/runner.h"

#define MONO0 5000000
#define WALL0 1700000000000LL

static void
setup(void)
{
	clock_set_fake(MONO0, WALL0);
	demo_reset(1);
}

static void
teardown(void)
{
	clock_set_real();
}

TestSuite(demo, .init = setup, .fini = teardown);

/* The kinds the demo scripts: all but the diagnosis (the last), which it
 * concludes from them. */
#define SCRIPTED_KINDS SNAP_DIAGNOSIS

/* Moves scenario time (speed 1) to t seconds. */
static void
go_to(double t)
{
	double now = demo_time();

	cr_assert_geq(t, now);
	clock_advance_fake((int64_t)llround((t - now) * 1000));
}

static const struct pods_model *
pods_of(struct snapshot *s)
{
	cr_assert_not_null(s);
	cr_assert_not_null(snapshot_pods(s));
	return snapshot_pods(s);
}

/* ---- field-by-field equality ---- */

static bool
num_eq(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static bool
series_eq(const struct series *a, const struct series *b)
{
	size_t i;

	if (a->n != b->n || a->step_ms != b->step_ms) {
		return false;
	}
	for (i = 0; i < a->n; i++) {
		if (!num_eq(a->v[i], b->v[i])) {
			return false;
		}
	}
	return true;
}

#define STR_EQ(a, b) (strcmp((a), (b)) == 0)

static bool
pods_eq(const struct pods_model *a, const struct pods_model *b)
{
	size_t i;

	if (a->n_pods != b->n_pods || a->n_deploys != b->n_deploys ||
	    a->n_events != b->n_events) {
		return false;
	}
	for (i = 0; i < a->n_pods; i++) {
		const struct pod_row *x = &a->pods[i], *y = &b->pods[i];

		if (!STR_EQ(x->name, y->name) || !STR_EQ(x->phase, y->phase) ||
		    !STR_EQ(x->reason, y->reason) ||
		    !STR_EQ(x->node, y->node) || x->ready != y->ready ||
		    x->restarts != y->restarts ||
		    x->started_ms != y->started_ms ||
		    !num_eq(x->cpu_mcores, y->cpu_mcores) ||
		    !num_eq(x->mem_bytes, y->mem_bytes)) {
			return false;
		}
	}
	for (i = 0; i < a->n_deploys; i++) {
		if (a->deploys[i].ready != b->deploys[i].ready ||
		    a->deploys[i].revision != b->deploys[i].revision) {
			return false;
		}
	}
	for (i = 0; i < a->n_events; i++) {
		if (a->events[i].at_ms != b->events[i].at_ms ||
		    !STR_EQ(a->events[i].message, b->events[i].message)) {
			return false;
		}
	}
	return true;
}

static bool
pg_eq(const struct pg_model *a, const struct pg_model *b)
{
	size_t i;

	if (a->n_sessions != b->n_sessions ||
	    !num_eq(a->xact_per_s, b->xact_per_s) ||
	    !num_eq(a->rollback_per_s, b->rollback_per_s) ||
	    !num_eq(a->conns_active, b->conns_active) ||
	    !num_eq(a->replicas[0].replay_lag_s, b->replicas[0].replay_lag_s)) {
		return false;
	}
	for (i = 0; i < a->n_sessions; i++) {
		const struct pg_session *x = &a->sessions[i];
		const struct pg_session *y = &b->sessions[i];

		if (x->pid != y->pid || !STR_EQ(x->state, y->state) ||
		    !STR_EQ(x->query, y->query) ||
		    !num_eq(x->query_s, y->query_s) ||
		    !num_eq(x->wait_s, y->wait_s) ||
		    x->n_blocked_by != y->n_blocked_by ||
		    x->backend_start_us != y->backend_start_us) {
			return false;
		}
	}
	return true;
}

static bool
redis_eq(const struct redis_model *a, const struct redis_model *b)
{
	size_t i;

	if (!num_eq(a->used_bytes, b->used_bytes) ||
	    !num_eq(a->hit_ratio, b->hit_ratio) ||
	    !num_eq(a->ops_per_s, b->ops_per_s) ||
	    !num_eq(a->evicted_per_s, b->evicted_per_s) ||
	    !num_eq(a->frag_ratio, b->frag_ratio) ||
	    !series_eq(&a->mem_history, &b->mem_history) ||
	    a->n_slowlog != b->n_slowlog ||
	    a->n_client_list != b->n_client_list) {
		return false;
	}
	for (i = 0; i < a->n_slowlog; i++) {
		if (a->slowlog[i].id != b->slowlog[i].id ||
		    !num_eq(a->slowlog[i].duration_us,
			    b->slowlog[i].duration_us)) {
			return false;
		}
	}
	for (i = 0; i < a->n_client_list; i++) {
		if (!num_eq(a->client_list[i].idle_s,
			    b->client_list[i].idle_s)) {
			return false;
		}
	}
	return true;
}

static bool
metrics_eq(const struct metrics_model *a, const struct metrics_model *b)
{
	size_t p, r;

	if (a->n_panels != b->n_panels) {
		return false;
	}
	for (p = 0; p < a->n_panels; p++) {
		if (a->panels[p].n_rows != b->panels[p].n_rows) {
			return false;
		}
		for (r = 0; r < a->panels[p].n_rows; r++) {
			const struct metric_row *x = &a->panels[p].rows[r];
			const struct metric_row *y = &b->panels[p].rows[r];

			if (!num_eq(x->value, y->value) ||
			    !series_eq(&x->history, &y->history)) {
				return false;
			}
		}
	}
	return true;
}

static bool
kafka_eq(const struct kafka_model *a, const struct kafka_model *b)
{
	size_t g, p;

	if (a->n_groups != b->n_groups) {
		return false;
	}
	for (g = 0; g < a->n_groups; g++) {
		const struct kafka_group *x = &a->groups[g];
		const struct kafka_group *y = &b->groups[g];

		if (!num_eq(x->total_lag, y->total_lag) ||
		    !num_eq(x->lag_per_s, y->lag_per_s) ||
		    !series_eq(&x->lag_history, &y->lag_history) ||
		    x->n_partitions != y->n_partitions) {
			return false;
		}
		for (p = 0; p < x->n_partitions; p++) {
			if (!num_eq(x->partitions[p].committed,
				    y->partitions[p].committed) ||
			    !num_eq(x->partitions[p].high,
				    y->partitions[p].high)) {
				return false;
			}
		}
	}
	return true;
}

static bool
alerts_eq(const struct alerts_model *a, const struct alerts_model *b)
{
	size_t i;

	if (a->n_alerts != b->n_alerts) {
		return false;
	}
	for (i = 0; i < a->n_alerts; i++) {
		if (!STR_EQ(a->alerts[i].name, b->alerts[i].name) ||
		    a->alerts[i].starts_ms != b->alerts[i].starts_ms ||
		    a->alerts[i].silenced != b->alerts[i].silenced) {
			return false;
		}
	}
	return true;
}

static bool
endpoint_eq(const struct endpoint_model *a, const struct endpoint_model *b)
{
	size_t i;

	if (a->ok != b->ok || a->status != b->status ||
	    a->latency_ms != b->latency_ms || !STR_EQ(a->url, b->url) ||
	    a->latency_history.n != b->latency_history.n) {
		return false;
	}
	for (i = 0; i < a->latency_history.n; i++) {
		if (a->latency_history.v[i] != b->latency_history.v[i]) {
			return false;
		}
	}
	return true;
}

static bool
snap_eq(enum snap_kind kind, double t1, double t2)
{
	struct snapshot *a = demo_snapshot_at(kind, t1);
	struct snapshot *b = demo_snapshot_at(kind, t2);
	bool eq = false;

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	switch (kind) {
	case SNAP_PODS:
		eq = pods_eq(snapshot_pods(a), snapshot_pods(b));
		break;
	case SNAP_PG:
		eq = pg_eq(snapshot_pg(a), snapshot_pg(b));
		break;
	case SNAP_REDIS:
		eq = redis_eq(snapshot_redis(a), snapshot_redis(b));
		break;
	case SNAP_KAFKA:
		eq = kafka_eq(snapshot_kafka(a), snapshot_kafka(b));
		break;
	case SNAP_METRICS:
		eq = metrics_eq(snapshot_metrics(a), snapshot_metrics(b));
		break;
	case SNAP_ALERTS:
		eq = alerts_eq(snapshot_alerts(a), snapshot_alerts(b));
		break;
	case SNAP_HTTP:
		eq = endpoint_eq(snapshot_endpoint(a), snapshot_endpoint(b));
		break;
	case SNAP_DIAGNOSIS:    /* not a demo source: concluded from them */
	case SNAP_KIND_COUNT:
		break;
	}
	snapshot_unref(a);
	snapshot_unref(b);
	return eq;
}

Test(demo, same_time_gives_same_numbers)
{
	static const double times[] = { -30, 10, 47.3, 73.4, 140 };
	size_t i;
	int k;

	for (k = 0; k < SCRIPTED_KINDS; k++) {
		for (i = 0; i < sizeof(times) / sizeof(*times); i++) {
			cr_expect(snap_eq((enum snap_kind)k, times[i],
					  times[i]),
				  "%s differs at t=%g",
				  demo_source_name((enum snap_kind)k),
				  times[i]);
		}
	}
}

Test(demo, different_times_give_different_numbers)
{
	/* The comparison above can fail: everything moves over 40 s. */
	int k;

	for (k = 0; k < SCRIPTED_KINDS; k++) {
		cr_expect(!snap_eq((enum snap_kind)k, 40, 90),
			  "%s did not change between t=40 and t=90",
			  demo_source_name((enum snap_kind)k));
	}
}

Test(demo, time_follows_the_clock_and_speed)
{
	cr_expect_float_eq(demo_time(), 0, 1e-9);
	clock_advance_fake(2500);
	cr_expect_float_eq(demo_time(), 2.5, 1e-9);
	demo_reset(10);
	clock_advance_fake(2500);
	cr_expect_float_eq(demo_time(), 25, 1e-9);
	cr_expect_eq(demo_wall_ms(25), WALL0 + 2500 + 2500);
	/* before the start, time keeps its real scale */
	cr_expect_eq(demo_wall_ms(-5), WALL0 + 2500 - 5000);
	cr_expect_eq(demo_interval_ms(1), 2000);
	cr_expect_eq(demo_interval_ms(4), 500);
	cr_expect_eq(demo_interval_ms(50), 100);
	cr_expect_eq(demo_interval_ms(0.5), 2000);
	demo_reset(0.5);
	clock_advance_fake(4000);
	cr_expect_float_eq(demo_time(), 2, 1e-9);
}

/* ---- the script ---- */

static size_t
count_reason(const struct pods_model *m, const char *owner,
	     const char *reason)
{
	size_t i, n = 0;

	for (i = 0; i < m->n_pods; i++) {
		if ((!owner || STR_EQ(m->pods[i].owner, owner)) &&
		    STR_EQ(m->pods[i].reason, reason)) {
			n++;
		}
	}
	return n;
}

static const struct deploy_row *
deploy(const struct pods_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_deploys; i++) {
		if (STR_EQ(m->deploys[i].name, name)) {
			return &m->deploys[i];
		}
	}
	cr_assert_fail("no deployment %s", name);
	return NULL;
}

static bool
has_event(const struct pods_model *m, const char *needle)
{
	size_t i;

	for (i = 0; i < m->n_events; i++) {
		if (strstr(m->events[i].message, needle) ||
		    strstr(m->events[i].reason, needle)) {
			return true;
		}
	}
	return false;
}

Test(demo, bad_deploy_crash_loops_api_only)
{
	struct snapshot *before = demo_snapshot_at(SNAP_PODS, 10);
	struct snapshot *after = demo_snapshot_at(SNAP_PODS, 60);
	const struct pods_model *b = pods_of(before), *a = pods_of(after);
	size_t i, oom = 0;
	int max_restarts = 0;
	double t;

	cr_expect_geq(b->n_pods, 20);
	cr_expect_leq(b->n_pods, 30);
	cr_expect_eq(count_reason(b, NULL, "CrashLoopBackOff"), 0);
	cr_expect_eq(deploy(b, "api")->ready, 5);
	cr_expect_eq(deploy(b, "api")->revision, 41);

	cr_expect_eq(count_reason(a, "api", "CrashLoopBackOff"), 4);
	cr_expect_eq(count_reason(a, "api", "OOMKilled"), 1);
	cr_expect_eq(deploy(a, "api")->ready, 0);
	cr_expect_eq(deploy(a, "api")->revision, 42);
	cr_expect_eq(deploy(a, "web")->ready, 3);
	cr_expect_eq(deploy(a, "worker")->ready, 4);
	cr_expect_eq(deploy(a, "billing")->ready, 2);
	for (i = 0; i < a->n_pods; i++) {
		if (STR_EQ(a->pods[i].owner, "api")) {
			cr_expect(strncmp(a->pods[i].name, "api-7d9f8c6b5-",
					  14) == 0, "%s", a->pods[i].name);
			if (a->pods[i].restarts > max_restarts) {
				max_restarts = a->pods[i].restarts;
			}
		} else {
			cr_expect_str_empty(a->pods[i].reason, "%s is %s",
					    a->pods[i].name,
					    a->pods[i].reason);
		}
	}
	cr_expect_geq(max_restarts, 1);

	/* the status holds between crashes: no flicker second to second */
	for (t = 40; t < 200; t += 1) {
		struct snapshot *s = demo_snapshot_at(SNAP_PODS, t);

		oom += count_reason(pods_of(s), "api", "OOMKilled") == 1 &&
		       count_reason(pods_of(s), "api", "CrashLoopBackOff") == 4;
		snapshot_unref(s);
	}
	cr_expect_eq(oom, 160);
	/* restarts keep climbing */
	snapshot_unref(before);
	before = demo_snapshot_at(SNAP_PODS, 200);
	b = pods_of(before);
	for (i = 0; i < b->n_pods; i++) {
		if (STR_EQ(b->pods[i].owner, "api")) {
			cr_expect_gt(b->pods[i].restarts, max_restarts);
		}
	}

	cr_expect(has_event(a, "Back-off restarting failed container"));
	cr_expect(has_event(a, "OOMKilled"));
	cr_expect(has_event(a, "Scaled up replica set api-7d9f8c6b5 to 5"));
	for (i = 1; i < a->n_events; i++) {
		cr_expect_geq(a->events[i - 1].at_ms, a->events[i].at_ms);
	}
	snapshot_unref(before);
	snapshot_unref(after);
}

static const struct pg_session *
session(const struct pg_model *m, int pid)
{
	size_t i;

	for (i = 0; i < m->n_sessions; i++) {
		if (m->sessions[i].pid == pid) {
			return &m->sessions[i];
		}
	}
	return NULL;
}

static size_t
count_blocked(const struct pg_model *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->n_sessions; i++) {
		n += m->sessions[i].n_blocked_by > 0;
	}
	return n;
}

Test(demo, lock_pile_up_behind_4242)
{
	struct snapshot *s30 = demo_snapshot_at(SNAP_PG, 30);
	struct snapshot *s50 = demo_snapshot_at(SNAP_PG, 50);
	struct snapshot *s80 = demo_snapshot_at(SNAP_PG, 80);
	const struct pg_model *a = snapshot_pg(s30), *b = snapshot_pg(s50);
	const struct pg_model *c = snapshot_pg(s80);
	const struct pg_session *root, *w50, *w80;
	size_t i, level2 = 0, direct = 0;
	bool long_query = false;

	cr_assert(a && b && c);
	cr_expect_eq(count_blocked(a), 0);
	root = session(b, 4242);
	cr_assert_not_null(root);
	cr_expect_str_eq(root->state, "idle in transaction");
	cr_expect_str_eq(root->user, "billing");
	cr_expect_str_eq(root->app, "billing-worker");
	cr_expect_str_eq(root->query,
			 "UPDATE accounts SET balance = balance - 42.00 "
			 "WHERE id = 1017");
	cr_expect_eq(root->n_blocked_by, 0);

	cr_expect_geq(count_blocked(c), 6);
	cr_expect_leq(count_blocked(c), 8);
	for (i = 0; i < c->n_sessions; i++) {
		const struct pg_session *s = &c->sessions[i];
		const struct pg_session *parent;

		if (!s->n_blocked_by) {
			continue;
		}
		cr_expect_str_eq(s->lock_rel, "accounts");
		cr_expect(STR_EQ(s->lock_mode, "ShareLock") ||
			  STR_EQ(s->lock_mode, "RowExclusiveLock") ||
			  STR_EQ(s->lock_mode, "AccessExclusiveLock"),
			  "%s", s->lock_mode);
		if (s->blocked_by[0] == 4242) {
			direct++;
			continue;
		}
		parent = session(c, s->blocked_by[0]);
		cr_assert_not_null(parent);
		cr_expect_eq(parent->n_blocked_by, 1);
		cr_expect_eq(parent->blocked_by[0], 4242);
		level2++;
	}
	cr_expect_geq(direct, 3);
	cr_expect_geq(level2, 1);

	w50 = session(b, 4301);
	w80 = session(c, 4301);
	cr_assert(w50 && w80);
	cr_expect_gt(w80->wait_s, w50->wait_s);

	cr_expect_eq(c->max_connections, 200);
	cr_expect_gt(c->conns_active + c->conns_idle + c->conns_idle_xact,
		     a->conns_active + a->conns_idle + a->conns_idle_xact);
	for (i = 0; i < c->n_sessions; i++) {
		if (STR_EQ(c->sessions[i].state, "active") &&
		    c->sessions[i].query_s > 5 &&
		    !c->sessions[i].n_blocked_by) {
			long_query = true;
		}
	}
	cr_expect(long_query);
	cr_expect_eq(c->n_replicas, 1);
	cr_expect_gt(c->n_statements, 0);
	snapshot_unref(s30);
	snapshot_unref(s50);
	snapshot_unref(s80);
}

Test(demo, redis_fills_up_and_evicts)
{
	struct snapshot *s10 = demo_snapshot_at(SNAP_REDIS, 10);
	struct snapshot *s100 = demo_snapshot_at(SNAP_REDIS, 100);
	const struct redis_model *a = snapshot_redis(s10);
	const struct redis_model *b = snapshot_redis(s100);

	cr_assert(a && b);
	cr_expect_eq(a->max_bytes, 4294967296.0);
	cr_expect_str_eq(a->policy, "allkeys-lru");
	cr_expect_gt(a->used_bytes / a->max_bytes, 0.55);
	cr_expect_lt(a->used_bytes / a->max_bytes, 0.68);
	cr_expect_eq(a->evicted_per_s, 0);
	cr_expect_gt(b->used_bytes / b->max_bytes, 0.99);
	cr_expect_gt(b->evicted_per_s, 0);
	cr_expect_lt(b->hit_ratio, a->hit_ratio - 0.1);
	cr_expect_eq(b->mem_history.n, 60);
	cr_expect_gt(b->mem_history.v[59], b->mem_history.v[40]);
	cr_expect_eq(b->mem_history.v[59], b->used_bytes);
	cr_expect_gt(b->n_slowlog, 2);
	cr_expect_gt(b->n_client_list, 5);
	cr_expect_eq(b->clients, (double)b->n_client_list);
	cr_expect_gt(b->frag_ratio, 1);
	snapshot_unref(s10);
	snapshot_unref(s100);
}

static const struct kafka_group *
group(const struct kafka_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_groups; i++) {
		if (STR_EQ(m->groups[i].group, name)) {
			return &m->groups[i];
		}
	}
	cr_assert_fail("no group %s", name);
	return NULL;
}

Test(demo, billing_consumer_falls_behind)
{
	struct snapshot *s25 = demo_snapshot_at(SNAP_KAFKA, 25);
	struct snapshot *s50 = demo_snapshot_at(SNAP_KAFKA, 50);
	struct snapshot *s80 = demo_snapshot_at(SNAP_KAFKA, 80);
	const struct kafka_group *a = group(snapshot_kafka(s25),
					    "billing-consumer");
	const struct kafka_group *b = group(snapshot_kafka(s50),
					    "billing-consumer");
	const struct kafka_group *c = group(snapshot_kafka(s80),
					    "billing-consumer");
	const struct kafka_group *idx = group(snapshot_kafka(s80),
					      "search-indexer");

	cr_expect_str_eq(c->topic, "payments");
	cr_expect_eq(c->n_partitions, 6);
	cr_expect_lt(a->total_lag, 500);
	cr_expect_gt(b->total_lag, a->total_lag + 5000);
	cr_expect_gt(c->total_lag, b->total_lag + 20000);
	cr_expect_gt(c->lag_per_s, 1000);
	cr_expect_lt(c->lag_per_s, 2000);
	cr_expect_str_eq(idx->topic, "catalog");
	cr_expect_lt(idx->total_lag, 100);
	cr_expect_eq(c->lag_history.n, 60);
	cr_expect_gt(c->lag_history.v[59], c->lag_history.v[50]);
	/* the sparkline ends at the number shown */
	cr_expect_eq(c->lag_history.v[59], c->total_lag);
	cr_expect_eq(idx->lag_history.v[59], idx->total_lag);
	snapshot_unref(s25);
	snapshot_unref(s50);
	snapshot_unref(s80);
}

/* The demo's groups are judged by the real probe's evaluator, on the
 * scenario's offsets as a probe polling them would have seen them. */
Test(demo, kafka_status_comes_from_the_evaluator)
{
	struct snapshot *s25 = demo_snapshot_at(SNAP_KAFKA, 25);
	struct snapshot *s80 = demo_snapshot_at(SNAP_KAFKA, 80);
	const struct kafka_group *a = group(snapshot_kafka(s25),
					    "billing-consumer");
	const struct kafka_group *b = group(snapshot_kafka(s80),
					    "billing-consumer");
	const struct kafka_group *idle = group(snapshot_kafka(s80),
					       "rechnungsprüfung");

	cr_expect_eq(a->status, KAFKA_OK, "%s", a->reason);
	cr_expect_eq(b->status, KAFKA_WARN, "%s", b->reason);
	cr_expect(strncmp(b->reason, "WARN: partition ", 16) == 0, "%s",
		  b->reason);
	cr_expect(strstr(b->reason, " lag grew from ") != NULL, "%s",
		  b->reason);
	cr_expect_eq(b->members, 3);
	cr_expect_geq(b->worst, 0);
	/* 64k behind a log end growing ~400/s per partition. */
	cr_expect_gt(b->lag_s, 20);
	cr_expect_lt(b->lag_s, 60);
	cr_expect_str_eq(b->partitions[0].owner,
			 "billing-consumer-7d9f-0@10.42.1.17");
	cr_expect(isnan(idle->partitions[1].committed));
	cr_expect_str_eq(idle->partitions[1].reason, "partition 1: no commit");
	cr_expect_eq(idle->members, 0);
	snapshot_unref(s25);
	snapshot_unref(s80);
}

/* Until the reindex outruns search-indexer at 150 s. */
Test(demo, kafka_healthy_groups_never_flap)
{
	for (double t = 0; t < 150; t += 2.5) {
		struct snapshot *s = demo_snapshot_at(SNAP_KAFKA, t);
		const struct kafka_group *g =
			group(snapshot_kafka(s), "search-indexer");

		cr_assert_eq(g->status, KAFKA_OK, "t=%g: %s", t, g->reason);
		cr_assert_lt(g->total_lag, 100, "t=%g", t);
		cr_assert_eq(group(snapshot_kafka(s),
				   "rechnungsprüfung")->status, KAFKA_OK);
		snapshot_unref(s);
	}
}

static const struct metric_panel *
panel(const struct metrics_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_panels; i++) {
		if (STR_EQ(m->panels[i].name, name)) {
			return &m->panels[i];
		}
	}
	cr_assert_fail("no panel %s", name);
	return NULL;
}

static double
row_value(const struct metric_panel *p, const char *label)
{
	size_t i;

	for (i = 0; i < p->n_rows; i++) {
		if (STR_EQ(p->rows[i].label, label)) {
			return p->rows[i].value;
		}
	}
	cr_assert_fail("no row %s in %s", label, p->name);
	return NAN;
}

Test(demo, error_ratio_and_latency_rise)
{
	struct snapshot *s10 = demo_snapshot_at(SNAP_METRICS, 10);
	struct snapshot *s65 = demo_snapshot_at(SNAP_METRICS, 65);
	const struct metrics_model *a = snapshot_metrics(s10);
	const struct metrics_model *b = snapshot_metrics(s65);
	const struct metric_panel *err5;

	cr_assert(a && b);
	err5 = panel(a, "5xx ratio");
	cr_expect_eq(err5->unit, UNIT_RATIO);
	cr_expect_float_eq(err5->warn, 0.01, 1e-12);
	cr_expect_float_eq(err5->crit, 0.05, 1e-12);
	cr_expect_eq(err5->n_rows, 3);
	cr_expect_lt(row_value(err5, "api"), 0.005);
	cr_expect_lt(row_value(err5, "web"), 0.005);
	cr_expect_lt(row_value(err5, "billing"), 0.005);
	cr_expect_gt(row_value(panel(b, "5xx ratio"), "api"), 0.06);
	cr_expect_lt(row_value(panel(b, "5xx ratio"), "api"), 0.08);

	cr_expect_eq(panel(a, "p95 latency")->unit, UNIT_SECONDS);
	cr_expect_float_eq(panel(a, "p95 latency")->warn, 2, 1e-12);
	cr_expect_lt(row_value(panel(a, "p95 latency"), ""), 0.25);
	cr_expect_gt(row_value(panel(b, "p95 latency"), ""), 2.5);
	cr_expect_gt(row_value(panel(b, "p99 latency"), ""),
		     row_value(panel(b, "p95 latency"), ""));
	cr_expect_eq(panel(a, "request rate")->unit, UNIT_PER_SECOND);
	cr_expect_lt(row_value(panel(b, "request rate"), ""),
		     row_value(panel(a, "request rate"), "") * 0.8);

	/* the sparkline reaches back to calm times: 30 minutes at the
	 * real probe's 15 s step */
	cr_expect_eq(panel(b, "5xx ratio")->rows[0].history.n, 121);
	cr_expect_eq(panel(b, "5xx ratio")->rows[0].history.step_ms, 15000);
	cr_expect_lt(panel(b, "5xx ratio")->rows[0].history.v[0], 0.005);
	cr_expect_gt(panel(b, "5xx ratio")->rows[0].history.v[120], 0.05);
	cr_expect_eq(panel(b, "5xx ratio")->rows[0].history.v[120],
		     panel(b, "5xx ratio")->rows[0].value);
	snapshot_unref(s10);
	snapshot_unref(s65);
}

static const struct pod_row *
pod_named(const struct pods_model *m, const char *name)
{
	for (size_t i = 0; i < m->n_pods; i++) {
		if (STR_EQ(m->pods[i].name, name)) {
			return &m->pods[i];
		}
	}
	return NULL;
}

/* Like Prometheus, the panels move once per scrape (15 s), not on every
 * poll; pod usage, like metrics-server, once per 15 s too. */
Test(demo, metrics_and_pod_usage_move_once_per_scrape)
{
	struct snapshot *m61 = demo_snapshot_at(SNAP_METRICS, 61);
	struct snapshot *m74 = demo_snapshot_at(SNAP_METRICS, 74);
	struct snapshot *m76 = demo_snapshot_at(SNAP_METRICS, 76);
	struct snapshot *p1 = demo_snapshot_at(SNAP_PODS, 1);
	struct snapshot *p14 = demo_snapshot_at(SNAP_PODS, 14);
	struct snapshot *p16 = demo_snapshot_at(SNAP_PODS, 16);
	const struct pods_model *a = snapshot_pods(p1);
	const struct pods_model *b = snapshot_pods(p14);
	const struct pods_model *c = snapshot_pods(p16);
	size_t i, moved = 0;

	cr_expect_eq(row_value(panel(snapshot_metrics(m61), "p95 latency"), ""),
		     row_value(panel(snapshot_metrics(m74), "p95 latency"),
			       ""));
	cr_expect_neq(row_value(panel(snapshot_metrics(m74), "p95 latency"),
				""),
		      row_value(panel(snapshot_metrics(m76), "p95 latency"),
				""));
	for (i = 0; i < a->n_pods; i++) {
		const struct pod_row *pa = &a->pods[i];
		const struct pod_row *pb = pod_named(b, pa->name);
		const struct pod_row *pc = pod_named(c, pa->name);

		if (isnan(pa->cpu_mcores) || pb == NULL || pc == NULL ||
		    isnan(pc->cpu_mcores)) {
			continue;
		}
		cr_expect_eq(pa->cpu_mcores, pb->cpu_mcores, "%s", pa->name);
		moved += pa->cpu_mcores != pc->cpu_mcores;
	}
	cr_expect_gt(moved, 10);
	snapshot_unref(m61);
	snapshot_unref(m74);
	snapshot_unref(m76);
	snapshot_unref(p1);
	snapshot_unref(p14);
	snapshot_unref(p16);
}

static const struct alert_row *
alert(const struct snapshot *s, const char *name)
{
	const struct alerts_model *m = snapshot_alerts(s);
	size_t i;

	cr_assert_not_null(m);
	for (i = 0; i < m->n_alerts; i++) {
		if (STR_EQ(m->alerts[i].name, name)) {
			return &m->alerts[i];
		}
	}
	return NULL;
}

static bool
firing(const char *name, double t)
{
	struct snapshot *s = demo_snapshot_at(SNAP_ALERTS, t);
	bool on = alert(s, name) != NULL;

	snapshot_unref(s);
	return on;
}

Test(demo, alerts_fire_on_schedule)
{
	struct snapshot *s = demo_snapshot_at(SNAP_ALERTS, 50);
	const struct alert_row *a = alert(s, "HighErrorRate");

	cr_assert_not_null(a);
	cr_expect_str_eq(a->severity, "critical");
	cr_expect(strstr(a->labels, "service=api"));
	cr_expect(!a->silenced);
	cr_expect_geq(a->starts_ms, demo_wall_ms(40));
	cr_expect_leq(a->starts_ms, demo_wall_ms(48));
	snapshot_unref(s);

	cr_expect(!firing("HighErrorRate", 10));
	cr_expect(!firing("PostgresLocksBlocked", 55));
	cr_expect(firing("PostgresLocksBlocked", 65));
	cr_expect(!firing("KafkaConsumerLag", 65));
	cr_expect(firing("KafkaConsumerLag", 75));
	cr_expect(!firing("RedisMemoryHigh", 75));
	cr_expect(firing("RedisMemoryHigh", 85));
}

static bool
has_non_ascii(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s >= 0x80) {
			return true;
		}
	}
	return false;
}

Test(demo, every_pane_carries_non_ascii_text)
{
	struct snapshot *s;
	bool found;
	size_t i, j;

	s = demo_snapshot_at(SNAP_PODS, 100);
	for (found = false, i = 0; i < snapshot_pods(s)->n_events; i++) {
		found |= has_non_ascii(snapshot_pods(s)->events[i].message);
	}
	cr_expect(found, "pods");
	snapshot_unref(s);

	s = demo_snapshot_at(SNAP_PG, 100);
	for (found = false, i = 0; i < snapshot_pg(s)->n_sessions; i++) {
		found |= has_non_ascii(snapshot_pg(s)->sessions[i].query);
	}
	cr_expect(found, "postgres");
	snapshot_unref(s);

	s = demo_snapshot_at(SNAP_REDIS, 100);
	for (found = false, i = 0; i < snapshot_redis(s)->n_slowlog; i++) {
		found |= has_non_ascii(snapshot_redis(s)->slowlog[i].command);
	}
	cr_expect(found, "redis");
	snapshot_unref(s);

	s = demo_snapshot_at(SNAP_KAFKA, 100);
	for (found = false, i = 0; i < snapshot_kafka(s)->n_groups; i++) {
		found |= has_non_ascii(snapshot_kafka(s)->groups[i].group);
	}
	cr_expect(found, "kafka");
	snapshot_unref(s);

	s = demo_snapshot_at(SNAP_METRICS, 100);
	for (found = false, i = 0; i < snapshot_metrics(s)->n_panels; i++) {
		const struct metric_panel *p = &snapshot_metrics(s)->panels[i];

		for (j = 0; j < p->n_rows; j++) {
			found |= has_non_ascii(p->rows[j].label);
		}
	}
	cr_expect(found, "metrics");
	snapshot_unref(s);

	s = demo_snapshot_at(SNAP_ALERTS, 100);
	for (found = false, i = 0; i < snapshot_alerts(s)->n_alerts; i++) {
		found |= has_non_ascii(snapshot_alerts(s)->alerts[i].summary);
	}
	cr_expect(found, "alerts");
	snapshot_unref(s);
}

/* ---- actions ---- */

static const struct action_impl *
def(enum snap_kind kind, int key)
{
	const struct action_impl *d = demo_actions(kind);

	cr_assert_not_null(d);
	d = action_impl_by_key(d, key);
	if (d == NULL) {
		cr_assert_fail("no action %c", key);
	}
	return d;
}

/* Typed targets, as the panes build them. */
static struct action_target
t_none(enum target_type type)
{
	struct action_target t;

	memset(&t, 0, sizeof(t));
	t.type = type;
	return t;
}

static struct action_target
t_pg(int pid, int64_t start_us)
{
	struct action_target t = t_none(TARGET_PG_BACKEND);

	t.u.pg.pid = pid;
	t.u.pg.backend_start_us = start_us;
	snprintf(t.label, sizeof(t.label), "pid %d", pid);
	return t;
}

static struct action_target
t_deploy(const char *ns, const char *name)
{
	struct action_target t = t_none(TARGET_DEPLOYMENT);

	snprintf(t.u.deploy.ns, sizeof(t.u.deploy.ns), "%s", ns);
	snprintf(t.u.deploy.name, sizeof(t.u.deploy.name), "%s", name);
	snprintf(t.label, sizeof(t.label), "%s/%s", ns, name);
	return t;
}

static struct action_target
t_pod(const char *ns, const char *name)
{
	struct action_target t = t_none(TARGET_POD);

	snprintf(t.u.pod.ns, sizeof(t.u.pod.ns), "%s", ns);
	snprintf(t.u.pod.name, sizeof(t.u.pod.name), "%s", name);
	snprintf(t.label, sizeof(t.label), "%s/%s", ns, name);
	return t;
}

static struct action_target
t_client(int64_t id, const char *addr)
{
	struct action_target t = t_none(TARGET_REDIS_CLIENT);

	t.u.client.id = id;
	snprintf(t.u.client.addr, sizeof(t.u.client.addr), "%s", addr);
	snprintf(t.label, sizeof(t.label), "client %lld", (long long)id);
	return t;
}

static struct action_target
t_alert(const char *fingerprint)
{
	struct action_target t = t_none(TARGET_ALERT);

	snprintf(t.u.alert.fingerprint, sizeof(t.u.alert.fingerprint), "%s",
		 fingerprint);
	return t;
}

static struct action_target
t_silence(const char *id)
{
	struct action_target t = t_none(TARGET_SILENCE);

	snprintf(t.u.silence.id, sizeof(t.u.silence.id), "%s", id);
	return t;
}

/* A request confirmed against the kind's snapshot at the scenario's now
 * (derived, as published); the caller clears it. */
static void
req_init(struct action_req *req, enum snap_kind kind, int key,
	 struct action_target target, const char *arg)
{
	struct snapshot *s = demo_snapshot_at(kind, demo_time());

	memset(req, 0, sizeof(*req));
	req->impl = def(kind, key);
	snprintf(req->source, sizeof(req->source), "%s",
		 demo_source_name(kind));
	req->target = target;
	snprintf(req->arg, sizeof(req->arg), "%s", arg ? arg : "");
	snprintf(req->who, sizeof(req->who), "oncall");
	rules_derive(s);
	action_req_set_snap(req, s);
	snapshot_unref(s);
}

/* Runs an action; returns its result code, the message in msg. */
static int
act(enum snap_kind kind, int key, struct action_target target,
    const char *arg, char *msg, size_t n)
{
	struct action_req req;
	struct err err = { "" };
	int rc;

	req_init(&req, kind, key, target, arg);
	msg[0] = '\0';
	rc = req.impl->run(&req, msg, n, &err);
	if (rc < 0) {
		snprintf(msg, n, "%s", err.msg);
	}
	action_req_clear(&req);
	return rc;
}

static void
describe(enum snap_kind kind, int key, struct action_target target,
	 const char *arg, char *buf, size_t n)
{
	struct action_req req;

	req_init(&req, kind, key, target, arg);
	req.impl->describe(&req, buf, n);
	action_req_clear(&req);
}

/* The session target the db pane would build for pid at scenario t. */
static struct action_target
session_target(int pid, double t)
{
	struct snapshot *s = demo_snapshot_at(SNAP_PG, t);
	const struct pg_session *ps = session(snapshot_pg(s), pid);
	struct action_target tg;

	cr_assert_not_null(ps, "no pid %d at t=%g", pid, t);
	tg = t_pg(pid, ps->backend_start_us);
	snapshot_unref(s);
	return tg;
}

Test(demo, action_tables_have_the_brief_keys)
{
	static const struct {
		enum snap_kind kind;
		int key;
		bool destructive;
		const char *prompt;
		enum target_type target;
		const struct action_spec *spec;
	} want[] = {
		{ SNAP_PODS, 'R', true, NULL, TARGET_DEPLOYMENT,
		  &action_rollout_restart },
		{ SNAP_PODS, 'U', true, NULL, TARGET_DEPLOYMENT,
		  &action_rollback },
		{ SNAP_PODS, 'X', true, "Replicas", TARGET_DEPLOYMENT,
		  &action_scale },
		{ SNAP_PODS, 'D', true, NULL, TARGET_POD, &action_delete_pod },
		{ SNAP_PG, 'C', true, NULL, TARGET_PG_BACKEND,
		  &action_pg_cancel },
		{ SNAP_PG, 'T', true, NULL, TARGET_PG_BACKEND,
		  &action_pg_terminate },
		{ SNAP_PG, 'I', true, "Minutes", TARGET_SOURCE,
		  &action_pg_terminate_idle },
		{ SNAP_REDIS, 'K', true, "Pattern", TARGET_KEY_PATTERN,
		  &action_redis_delete_keys },
		{ SNAP_REDIS, 'F', true, NULL, TARGET_SOURCE,
		  &action_redis_flushdb },
		{ SNAP_REDIS, 'X', true, NULL, TARGET_REDIS_CLIENT,
		  &action_redis_client_kill },
		{ SNAP_REDIS, 'L', true, NULL, TARGET_SOURCE,
		  &action_redis_slowlog_reset },
		/* Destructive, as the real Alertmanager's (--read-only
		 * removes them in the demo too). */
		{ SNAP_ALERTS, 'A', true,
		  "Duration, matchers (edit them), comment", TARGET_ALERT,
		  &action_silence },
		{ SNAP_ALERTS, 'E', true, NULL, TARGET_SILENCE,
		  &action_expire_silence },
		{ SNAP_ALERTS, 'X', true, "Extend by (and a comment)",
		  TARGET_SILENCE, &action_extend_silence },
	};
	size_t i, j, n_impls;
	int k;

	for (i = 0; i < sizeof(want) / sizeof(*want); i++) {
		const struct action_impl *d = def(want[i].kind, want[i].key);
		const struct kind_desc *kd = kind_of(want[i].kind);
		bool in_kind = false;

		cr_expect_eq(d->spec->destructive, want[i].destructive, "%s",
			     d->spec->name);
		cr_expect_not_null(d->describe);
		cr_expect_not_null(d->run);
		if (want[i].prompt) {
			cr_expect_str_eq(d->spec->input, want[i].prompt);
		} else {
			cr_expect_null(d->spec->input, "%s", d->spec->name);
		}
		cr_expect_eq(d->spec->target, want[i].target, "%s",
			     d->spec->name);
		/* One spec, shared with the real backend. */
		cr_expect_eq(d->spec, want[i].spec, "%s", d->spec->name);
		cr_assert_not_null(kd);
		for (j = 0; kd->actions[j] != NULL; j++) {
			in_kind |= kd->actions[j] == d->spec;
		}
		cr_expect(in_kind, "%s is not among its kind's actions",
			  d->spec->name);
	}
	/* Every action of the demo's tables is in the list above. */
	for (k = 0, n_impls = 0; k < SNAP_KIND_COUNT; k++) {
		const struct action_impl *d = demo_actions((enum snap_kind)k);

		for (; d != NULL && d->spec != NULL; d++) {
			n_impls++;
		}
	}
	cr_expect_eq(n_impls, sizeof(want) / sizeof(*want));
	for (k = 0; k < SCRIPTED_KINDS; k++) {
		const struct probe_ops *ops = demo_probe_ops((enum snap_kind)k);

		cr_assert_not_null(ops);
		cr_expect_str_eq(ops->config.name, "demo");
		cr_expect_eq(ops->kind, (enum snap_kind)k);
		cr_expect_not_null(ops->poll);
		cr_expect_eq(ops->actions, demo_actions((enum snap_kind)k));
	}
	cr_expect_null(demo_actions(SNAP_KAFKA));
}

Test(demo, terminate_blocker_clears_the_pile_up)
{
	struct action_target target;
	char msg[256];
	struct snapshot *s;

	go_to(70);
	target = session_target(4242, 70);
	cr_assert_eq(act(SNAP_PG, 'T', target, NULL, msg, sizeof(msg)), 0,
		     "%s", msg);
	cr_expect(strstr(msg, "pg_terminate_backend(4242) returned true"),
		  "%s", msg);
	s = demo_snapshot_at(SNAP_PG, 80);
	cr_expect_null(session(snapshot_pg(s), 4242));
	cr_expect_eq(count_blocked(snapshot_pg(s)), 0);
	/* the waiters finished their statements and went back to idle */
	cr_expect_str_eq(session(snapshot_pg(s), 4301)->state, "idle");
	snapshot_unref(s);
	cr_expect(firing("PostgresLocksBlocked", 70.5) ||
		  firing("PostgresLocksBlocked", 69));
	cr_expect(!firing("PostgresLocksBlocked", 90));

	/* the pid is gone now */
	cr_expect_eq(act(SNAP_PG, 'T', target, NULL, msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "no session with pid 4242");
}

Test(demo, cancel_on_idle_blocker_does_nothing)
{
	struct action_target target;
	char msg[256];
	struct snapshot *s;

	go_to(70);
	target = session_target(4242, 70);
	cr_assert_eq(act(SNAP_PG, 'C', target, NULL, msg, sizeof(msg)), 0);
	cr_expect_str_eq(msg, "pg_cancel_backend(4242) returned true; "
			      "session is idle in transaction, lock still "
			      "held");
	s = demo_snapshot_at(SNAP_PG, 90);
	cr_expect_not_null(session(snapshot_pg(s), 4242));
	cr_expect_geq(count_blocked(snapshot_pg(s)), 6);
	snapshot_unref(s);
}

Test(demo, cancel_on_waiting_migration_frees_its_queue)
{
	struct action_target target;
	char msg[256];
	struct snapshot *s;
	const struct pg_model *m;

	go_to(80);
	target = session_target(4330, 80);
	cr_assert_eq(act(SNAP_PG, 'C', target, NULL, msg, sizeof(msg)), 0,
		     "%s", msg);
	cr_expect(strstr(msg, "query canceled"), "%s", msg);
	s = demo_snapshot_at(SNAP_PG, 85);
	m = snapshot_pg(s);
	cr_expect_eq(session(m, 4330)->n_blocked_by, 0);
	cr_expect_eq(session(m, 4345)->n_blocked_by, 0);
	/* those behind 4242 itself still wait */
	cr_expect_eq(session(m, 4301)->n_blocked_by, 1);
	snapshot_unref(s);
}

Test(demo, terminate_idle_in_transaction_by_age)
{
	char msg[256];
	struct snapshot *s;

	go_to(100);
	cr_assert_eq(act(SNAP_PG, 'I', t_none(TARGET_SOURCE), "60", msg,
			 sizeof(msg)), 0, "%s", msg);
	cr_expect(strstr(msg, "terminated 1 "), "%s", msg);
	cr_expect(strstr(msg, "3877"), "%s", msg);
	s = demo_snapshot_at(SNAP_PG, 101);
	cr_expect_null(session(snapshot_pg(s), 3877));
	cr_expect_not_null(session(snapshot_pg(s), 4242));
	snapshot_unref(s);

	cr_assert_eq(act(SNAP_PG, 'I', t_none(TARGET_SOURCE), "1", msg,
			 sizeof(msg)), 0);
	cr_expect(strstr(msg, "4242"), "%s", msg);
	cr_expect_eq(act(SNAP_PG, 'I', t_none(TARGET_SOURCE), "soon", msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "minutes must be a number greater than 0 and at "
			      "most 10080");
	/* Decimals, as the real probe takes them. */
	cr_expect_eq(act(SNAP_PG, 'I', t_none(TARGET_SOURCE), "0.5", msg,
			 sizeof(msg)), 0, "%s", msg);
	cr_expect(strstr(msg, "than 0.5 min"), "%s", msg);
}

static bool
crash_looping(double t)
{
	struct snapshot *s = demo_snapshot_at(SNAP_PODS, t);
	const struct pods_model *m = pods_of(s);
	bool any = count_reason(m, "api", "CrashLoopBackOff") +
			   count_reason(m, "api", "OOMKilled") > 0;

	snapshot_unref(s);
	return any;
}

static double
api_errors(double t)
{
	struct snapshot *s = demo_snapshot_at(SNAP_METRICS, t);
	double v = row_value(panel(snapshot_metrics(s), "5xx ratio"), "api");

	snapshot_unref(s);
	return v;
}

Test(demo, rollout_restart_ends_the_crash_loop)
{
	char msg[256];
	struct snapshot *s;
	const struct pods_model *m;
	size_t i;

	go_to(70);
	cr_assert(crash_looping(70));
	cr_assert_eq(act(SNAP_PODS, 'R', t_deploy("prod", "api"), NULL, msg,
			 sizeof(msg)), 0, "%s", msg);
	cr_expect(strstr(msg, "revision 43"), "%s", msg);
	/* new pods start at once; traffic takes a while to recover */
	s = demo_snapshot_at(SNAP_PODS, 71);
	cr_expect_eq(count_reason(pods_of(s), "api", "ContainerCreating"), 5);
	snapshot_unref(s);
	cr_expect_gt(api_errors(75), 0.05);
	cr_expect(!crash_looping(85));
	cr_expect_lt(api_errors(100), 0.01);
	cr_expect(!firing("HighErrorRate", 100));

	s = demo_snapshot_at(SNAP_PODS, 100);
	m = pods_of(s);
	cr_expect_eq(deploy(m, "api")->ready, 5);
	cr_expect_eq(deploy(m, "api")->revision, 43);
	for (i = 0; i < m->n_pods; i++) {
		if (STR_EQ(m->pods[i].owner, "api")) {
			cr_expect_str_eq(m->pods[i].phase, "Running");
			cr_expect_eq(m->pods[i].restarts, 0);
		}
	}
	snapshot_unref(s);
}

Test(demo, rollback_goes_back_one_revision)
{
	char msg[256];
	struct snapshot *s;
	const struct pods_model *m;

	go_to(60);
	cr_assert_eq(act(SNAP_PODS, 'U', t_deploy("prod", "api"), NULL, msg,
			 sizeof(msg)), 0, "%s", msg);
	cr_expect(strstr(msg, "revision 41"), "%s", msg);
	s = demo_snapshot_at(SNAP_PODS, 90);
	m = pods_of(s);
	cr_expect_eq(deploy(m, "api")->revision, 41);
	cr_expect_str_eq(deploy(m, "api")->image, "ghcr.io/acme/api:v3.18.2");
	cr_expect_eq(deploy(m, "api")->ready, 5);
	cr_expect_eq(count_reason(m, "api", "CrashLoopBackOff"), 0);
	snapshot_unref(s);
	cr_expect_lt(api_errors(95), 0.01);
}

static size_t
pods_owned(const struct pods_model *m, const char *owner)
{
	size_t i, n = 0;

	for (i = 0; i < m->n_pods; i++) {
		n += STR_EQ(m->pods[i].owner, owner);
	}
	return n;
}

Test(demo, scale_changes_replicas)
{
	struct err err = { "" };
	char msg[256];
	struct snapshot *s;

	go_to(30);
	cr_assert_eq(act(SNAP_PODS, 'X', t_deploy("prod", "web"), "5", msg,
			 sizeof(msg)), 0, "%s", msg);
	cr_expect_str_eq(msg, "deployment prod/web scaled from 3 to 5 "
			      "replicas");
	s = demo_snapshot_at(SNAP_PODS, 31);
	cr_expect_eq(deploy(pods_of(s), "web")->replicas, 5);
	cr_expect_eq(pods_owned(pods_of(s), "web"), 5);
	cr_expect_eq(deploy(pods_of(s), "web")->ready, 3);
	snapshot_unref(s);
	s = demo_snapshot_at(SNAP_PODS, 40);
	cr_expect_eq(deploy(pods_of(s), "web")->ready, 5);
	snapshot_unref(s);

	go_to(41);
	cr_assert_eq(act(SNAP_PODS, 'X', t_deploy("prod", "web"), "0", msg,
			 sizeof(msg)), 0);
	s = demo_snapshot_at(SNAP_PODS, 42);
	cr_expect_eq(pods_owned(pods_of(s), "web"), 0);
	snapshot_unref(s);

	/* The spec takes 0..1000; the demo has room for 100. */
	cr_expect_eq(action_scale.check_input("101", &err), 0, "%s", err.msg);
	cr_expect_eq(act(SNAP_PODS, 'X', t_deploy("prod", "web"), "101", msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "this demo scales to 100 replicas at most");
	cr_expect_eq(action_scale.check_input("-1", &err), -1);
	cr_expect_eq(act(SNAP_PODS, 'X', t_deploy("prod", "web"), "-1", msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "replicas must be a whole number from 0 to 1000");
	cr_expect_eq(action_scale.check_input("3x", &err), -1);
	cr_expect_eq(act(SNAP_PODS, 'X', t_deploy("prod", "web"), "3x", msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "replicas must be a whole number from 0 to 1000");
	cr_expect_eq(action_scale.check_input("1001", &err), -1);
	cr_expect_str_eq(err.msg, "replicas must be a whole number from 0 to "
				  "1000");
	cr_expect_eq(act(SNAP_PODS, 'X', t_deploy("prod", "nope"), "3", msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "no deployment prod/nope");
}

Test(demo, delete_pod_replaces_it)
{
	struct action_target target;
	char msg[256], old[128];
	struct snapshot *s;
	const struct pods_model *m;
	size_t i;
	bool seen_old = false;

	go_to(50);
	s = demo_snapshot_at(SNAP_PODS, 50);
	m = pods_of(s);
	for (i = 0; i < m->n_pods && !STR_EQ(m->pods[i].owner, "worker"); i++)
		;
	cr_assert_lt(i, m->n_pods);
	snprintf(old, sizeof(old), "%s", m->pods[i].name);
	target = t_pod("prod", old);
	snapshot_unref(s);

	cr_assert_eq(act(SNAP_PODS, 'D', target, NULL, msg, sizeof(msg)), 0,
		     "%s", msg);
	cr_expect(strstr(msg, "replaced by worker-"), "%s", msg);
	s = demo_snapshot_at(SNAP_PODS, 51);
	m = pods_of(s);
	cr_expect_eq(pods_owned(m, "worker"), 4);
	for (i = 0; i < m->n_pods; i++) {
		seen_old |= STR_EQ(m->pods[i].name, old);
	}
	cr_expect(!seen_old);
	cr_expect(has_event(m, "Killing"));
	snapshot_unref(s);

	cr_expect_eq(act(SNAP_PODS, 'D', target, NULL, msg, sizeof(msg)), -1);
	cr_expect(strstr(msg, "no pod prod/worker-"), "%s", msg);
}

Test(demo, bad_targets_give_exact_errors)
{
	char msg[256];
	struct action_target bad;

	go_to(50);
	cr_expect_eq(act(SNAP_PG, 'T', t_pg(999, 1), NULL, msg, sizeof(msg)),
		     -1);
	cr_expect_str_eq(msg, "no session with pid 999");
	cr_expect_eq(act(SNAP_PG, 'C', t_pg(999, 1), NULL, msg, sizeof(msg)),
		     -1);
	cr_expect_str_eq(msg, "no session with pid 999");
	cr_expect_eq(act(SNAP_PG, 'T', t_pg(4242, 1), NULL, msg, sizeof(msg)),
		     -1);
	cr_expect_str_eq(msg, "pid 4242 is now a different session (it "
			      "reconnected)");
	/* A target of another type, or no pid: not a session. */
	bad = t_pg(4242, 0);
	bad.type = TARGET_POD;
	cr_expect_eq(act(SNAP_PG, 'T', bad, NULL, msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "no session selected");
	cr_expect_eq(act(SNAP_PG, 'C', t_pg(0, 0), NULL, msg, sizeof(msg)),
		     -1);
	cr_expect_str_eq(msg, "no session selected");
	cr_expect_eq(act(SNAP_REDIS, 'X', t_client(999, "10.0.0.1:1"), NULL,
			 msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "no client with id 999");
	cr_expect_eq(act(SNAP_REDIS, 'X', t_client(190, "10.0.0.1:1"), NULL,
			 msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "client 190 is 10.0.9.14:53410, not "
			      "10.0.0.1:1");
	cr_expect_eq(act(SNAP_REDIS, 'X', t_none(TARGET_REDIS_CLIENT), NULL,
			 msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "no client selected");
	cr_expect_eq(act(SNAP_PODS, 'R', t_deploy("prod", ""), NULL, msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "no deployment prod/");
	cr_expect_eq(act(SNAP_ALERTS, 'A', t_alert("0000"), "2h x", msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "no alert with fingerprint 0000");
	cr_expect_eq(act(SNAP_ALERTS, 'E', t_silence("nope"), NULL, msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "no silence with id nope");
	cr_expect_eq(act(SNAP_REDIS, 'K', t_none(TARGET_KEY_PATTERN), "", msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "pattern must be one word, e.g. cache:*");
}

Test(demo, silence_and_expire)
{
	char msg[256], id[64];
	struct snapshot *s;
	const struct alert_row *a;
	const char *fp;

	go_to(50);
	s = demo_snapshot_at(SNAP_ALERTS, 50);
	a = alert(s, "HighErrorRate");
	cr_assert_not_null(a);
	fp = a->fingerprint;
	cr_expect_eq(act(SNAP_ALERTS, 'A', t_alert(fp), "soon", msg,
			 sizeof(msg)), -1);
	cr_expect_str_eq(msg, "usage: DURATION [MATCHERS] COMMENT, e.g. 2h "
			      "service=\"api\" deploy rollback in progress");
	cr_assert_eq(act(SNAP_ALERTS, 'A', t_alert(fp),
			 "2h deploy rollback in progress", msg,
			 sizeof(msg)), 0, "%s", msg);
	cr_expect(strstr(msg, "created for HighErrorRate"), "%s", msg);
	snapshot_unref(s);

	s = demo_snapshot_at(SNAP_ALERTS, 51);
	a = alert(s, "HighErrorRate");
	cr_assert_not_null(a);
	cr_expect(a->silenced);
	cr_expect_eq(strlen(a->silence_id), 36);
	cr_expect(strstr(msg, a->silence_id), "%s", msg);
	snprintf(id, sizeof(id), "%s", a->silence_id);
	snapshot_unref(s);

	/* Listed among the silences, and extended. */
	s = demo_snapshot_at(SNAP_ALERTS, 52);
	cr_assert_eq(snapshot_alerts(s)->n_silences, 1);
	cr_expect_str_eq(snapshot_alerts(s)->silences[0].id, id);
	cr_expect(strstr(snapshot_alerts(s)->silences[0].matchers,
			 "alertname=\"HighErrorRate\"") != NULL);
	{
		int64_t before = snapshot_alerts(s)->silences[0].ends_ms;

		snapshot_unref(s);
		cr_assert_eq(act(SNAP_ALERTS, 'X', t_silence(id), "1h slow fix",
				 msg, sizeof(msg)), 0, "%s", msg);
		cr_expect(strstr(msg, "extended by 1h00m") != NULL, "%s", msg);
		s = demo_snapshot_at(SNAP_ALERTS, 53);
		cr_expect_eq(snapshot_alerts(s)->silences[0].ends_ms - before,
			     3600000);
		cr_expect(strstr(snapshot_alerts(s)->silences[0].comment,
				 "extended: slow fix") != NULL);
		snapshot_unref(s);
	}

	go_to(55);
	cr_assert_eq(act(SNAP_ALERTS, 'E', t_silence(id), NULL, msg,
			 sizeof(msg)), 0, "%s", msg);
	s = demo_snapshot_at(SNAP_ALERTS, 56);
	a = alert(s, "HighErrorRate");
	cr_assert_not_null(a);
	cr_expect(!a->silenced);
	cr_expect_str_empty(a->silence_id);
	snapshot_unref(s);
	cr_expect_eq(act(SNAP_ALERTS, 'E', t_silence(id), NULL, msg,
			 sizeof(msg)), -1);
	/* An expired silence is not extended: silenced again instead. */
	cr_expect_eq(act(SNAP_ALERTS, 'X', t_silence(id), "1h x", msg,
			 sizeof(msg)), -1);
	cr_expect(strstr(msg, "has expired") != NULL, "%s", msg);
}

/* A silence whose matchers were edited silences every alert they match,
 * and only those. */
Test(demo, silence_by_edited_matchers)
{
	char msg[256];
	struct snapshot *s;
	const struct alert_row *a;

	go_to(90);
	s = demo_snapshot_at(SNAP_ALERTS, 90);
	a = alert(s, "HighErrorRate");
	cr_assert_not_null(a);
	cr_assert_not_null(alert(s, "PostgresLocksBlocked"));
	cr_assert_eq(act(SNAP_ALERTS, 'A', t_alert(a->fingerprint),
			 "30m namespace=prod severity=~\"crit.*|warning\" "
			 "noisy during the rollback", msg, sizeof(msg)), 0,
		     "%s", msg);
	cr_expect(strstr(msg, "by its edited matchers") != NULL, "%s", msg);
	snapshot_unref(s);
	s = demo_snapshot_at(SNAP_ALERTS, 91);
	cr_expect(alert(s, "HighErrorRate")->silenced);
	cr_expect(alert(s, "PostgresLocksBlocked")->silenced);
	if (alert(s, "CertificateExpiry") != NULL) {
		cr_expect(!alert(s, "CertificateExpiry")->silenced,
			  "info does not match the severity regex");
	}
	cr_assert_eq(snapshot_alerts(s)->n_silences, 1);
	cr_expect_str_eq(snapshot_alerts(s)->silences[0].matchers,
			 "namespace=\"prod\" severity=~\"crit.*|warning\"");
	snapshot_unref(s);
}

static double
redis_used(double t)
{
	struct snapshot *s = demo_snapshot_at(SNAP_REDIS, t);
	double v = snapshot_redis(s)->used_bytes;

	snapshot_unref(s);
	return v;
}

Test(demo, delete_keys_frees_memory)
{
	char msg[256];
	long long keys = 0;

	go_to(100);
	cr_assert_eq(act(SNAP_REDIS, 'K', t_none(TARGET_KEY_PATTERN), "cache:*",
			 msg, sizeof(msg)), 0, "%s", msg);
	cr_expect_eq(sscanf(msg, "deleted %lld keys", &keys), 1, "%s", msg);
	cr_expect_gt(keys, 100000);
	cr_expect_lt(redis_used(101), redis_used(99) * 0.5);
	cr_expect(!firing("RedisMemoryHigh", 102));

	cr_assert_eq(act(SNAP_REDIS, 'K', t_none(TARGET_KEY_PATTERN),
			 "nothing:*", msg, sizeof(msg)), 0);
	cr_expect_str_eq(msg, "deleted 0 keys matching nothing:* (freed 0 "
			      "MiB)");
}

Test(demo, flushdb_slowlog_reset_and_client_kill)
{
	char msg[256], word[16], want[16];
	struct action_req req;
	struct snapshot *s;
	const struct redis_model *m;
	size_t i;

	go_to(100);
	/* FLUSHDB is confirmed by typing the database number the request's
	 * snapshot shows. */
	req_init(&req, SNAP_REDIS, 'F', t_none(TARGET_SOURCE), NULL);
	cr_assert_not_null(ACTION_SPEC(&req)->confirm_word);
	ACTION_SPEC(&req)->confirm_word(&req, word, sizeof(word));
	snprintf(want, sizeof(want), "%d", snapshot_redis(req.snap)->db);
	cr_expect_str_eq(word, want);
	action_req_clear(&req);
	cr_assert_eq(act(SNAP_REDIS, 'L', t_none(TARGET_SOURCE), NULL, msg,
			 sizeof(msg)), 0);
	cr_expect(strstr(msg, "SLOWLOG RESET: cleared"), "%s", msg);
	cr_assert_eq(act(SNAP_REDIS, 'X', t_client(190, "10.0.9.14:53410"),
			 NULL, msg, sizeof(msg)), 0, "%s", msg);
	cr_expect_str_eq(msg, "killed client id=190 addr=10.0.9.14:53410");
	cr_assert_eq(act(SNAP_REDIS, 'F', t_none(TARGET_SOURCE), NULL, msg,
			 sizeof(msg)), 0);
	cr_expect(strstr(msg, "FLUSHDB: deleted "), "%s", msg);

	s = demo_snapshot_at(SNAP_REDIS, 100.5);
	m = snapshot_redis(s);
	cr_expect_eq(m->n_slowlog, 0);
	cr_expect_lt(m->keys, 5000);
	cr_expect_lt(m->used_bytes, 100e6);
	for (i = 0; i < m->n_client_list; i++) {
		cr_expect_neq(m->client_list[i].id, 190);
	}
	snapshot_unref(s);
	cr_expect_eq(act(SNAP_REDIS, 'X', t_client(190, "10.0.9.14:53410"),
			 NULL, msg, sizeof(msg)), -1);
	cr_expect_str_eq(msg, "no client with id 190");
}

static void
expect_line1_simulated(const char *buf)
{
	const char *nl = strchr(buf, '\n');

	cr_assert_not_null(nl);
	cr_expect(strstr(buf, "simulated") && strstr(buf, "simulated") < nl,
		  "%s", buf);
	cr_expect_null(strstr(buf, "[demo]"), "%s", buf);
}

Test(demo, describe_shows_the_exact_operation)
{
	struct action_target target;
	char buf[1024];

	go_to(70);
	target = session_target(4242, 70);
	describe(SNAP_PG, 'T', target, NULL, buf, sizeof(buf));
	expect_line1_simulated(buf);
	cr_expect(strstr(buf, "\nSELECT pg_terminate_backend(4242);\n"), "%s",
		  buf);
	cr_expect(strstr(buf, "Terminate closes the whole session, not just "
			      "the query."), "%s", buf);
	cr_expect(strstr(buf, "user billing"), "%s", buf);
	/* Idle in its transaction: how long, and the query is its last. */
	cr_expect(strstr(buf, "state: idle in transaction for "), "%s", buf);
	cr_expect(strstr(buf, "application billing-worker"), "%s", buf);
	cr_expect(strstr(buf, "last query (finished): UPDATE accounts"), "%s",
		  buf);
	/* From the lock graph of the snapshot the request carries. */
	cr_expect(strstr(buf, "sessions are queued behind it"), "%s", buf);

	describe(SNAP_PG, 'C', target, NULL, buf, sizeof(buf));
	expect_line1_simulated(buf);
	cr_expect(strstr(buf, "SELECT pg_cancel_backend(4242);"), "%s", buf);

	describe(SNAP_PG, 'I', t_none(TARGET_SOURCE), "30", buf, sizeof(buf));
	cr_expect(strstr(buf, "SELECT pg_terminate_backend(pid) FROM "
			      "pg_stat_activity WHERE state = 'idle in "
			      "transaction' AND xact_start < now() - interval "
			      "'30 minutes';"), "%s", buf);
	cr_expect(strstr(buf, "pid 3877"), "%s", buf);

	describe(SNAP_PODS, 'R', t_deploy("prod", "api"), NULL, buf,
		 sizeof(buf));
	expect_line1_simulated(buf);
	cr_expect(strstr(buf, "PATCH /apis/apps/v1/namespaces/prod/deployments"
			      "/api {spec.template.metadata.annotations."
			      "kubectl.kubernetes.io/restartedAt}"), "%s", buf);
	describe(SNAP_PODS, 'U', t_deploy("prod", "api"), NULL, buf,
		 sizeof(buf));
	cr_expect(strstr(buf, "kubectl rollout undo deployment/api -n prod"),
		  "%s", buf);
	cr_expect(strstr(buf, "revision 41"), "%s", buf);
	describe(SNAP_PODS, 'X', t_deploy("prod", "web"), "5", buf,
		 sizeof(buf));
	cr_expect(strstr(buf, "PATCH /apis/apps/v1/namespaces/prod/deployments"
			      "/web/scale {\"spec\":{\"replicas\":5}}"),
		  "%s", buf);
	describe(SNAP_PODS, 'D', t_pod("prod", "api-7d9f8c6b5-x2k4p"), NULL,
		 buf, sizeof(buf));
	cr_expect(strstr(buf, "DELETE /api/v1/namespaces/prod/pods/"
			      "api-7d9f8c6b5-x2k4p"), "%s", buf);

	describe(SNAP_REDIS, 'K', t_none(TARGET_KEY_PATTERN), "cache:*", buf,
		 sizeof(buf));
	expect_line1_simulated(buf);
	cr_expect(strstr(buf, "SCAN 0 MATCH cache:* COUNT 1000 + UNLINK in "
			      "batches"), "%s", buf);
	describe(SNAP_REDIS, 'F', t_none(TARGET_SOURCE), NULL, buf,
		 sizeof(buf));
	cr_expect(strstr(buf, "\nFLUSHDB\n"), "%s", buf);
	describe(SNAP_REDIS, 'X', t_client(190, "10.0.9.14:53410"), NULL, buf,
		 sizeof(buf));
	cr_expect(strstr(buf, "\nCLIENT KILL ID 190\n"), "%s", buf);
	describe(SNAP_REDIS, 'L', t_none(TARGET_SOURCE), NULL, buf,
		 sizeof(buf));
	cr_expect(strstr(buf, "\nSLOWLOG RESET\n"), "%s", buf);

	describe(SNAP_ALERTS, 'A', t_alert("7c1e3f9a2b4d6e80"), "2h rollback",
		 buf, sizeof(buf));
	expect_line1_simulated(buf);
	cr_expect(strstr(buf, "POST /api/v2/silences {matchers: "
			      "[alertname=\"HighErrorRate\" "
			      "severity=\"critical\" service=\"api\" "
			      "namespace=\"prod\"]"), "%s", buf);
	cr_expect(strstr(buf, "comment: \"rollback\""), "%s", buf);
	describe(SNAP_ALERTS, 'A', t_alert("7c1e3f9a2b4d6e80"),
		 "2h service=~\"api|web\" rollback", buf, sizeof(buf));
	cr_expect(strstr(buf, "{matchers: [service=~\"api|web\"]"), "%s",
		  buf);
	describe(SNAP_ALERTS, 'X', t_silence("abc"), "1h still failing", buf,
		 sizeof(buf));
	cr_expect(strstr(buf, "POST /api/v2/silences {id: abc, endsAt: "
			      "later}"), "%s", buf);
	cr_expect(strstr(buf, "it ends 1h00m later; comment: still failing"),
		  "%s", buf);
	describe(SNAP_ALERTS, 'E', t_silence("abc"), NULL, buf, sizeof(buf));
	cr_expect(strstr(buf, "DELETE /api/v2/silence/abc"), "%s", buf);
}

/* ---- on a real runner ---- */

Test(demo, setup_rejects_bad_speed)
{
	struct config cfg = { 0 };
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct err err = { "" };

	cr_expect_eq(demo_setup(&cfg, r, 0, &err), -1);
	cr_expect_str_eq(err.msg, "demo speed must be above 0, got 0");
	cr_expect_eq(demo_setup(&cfg, r, NAN, &err), -1);
	cr_expect_eq(demo_setup(&cfg, r, -2, &err), -1);
	cr_expect_str_eq(err.msg, "demo speed must be above 0, got -2");
	cr_expect_eq(cfg.n_sections, 0);
	runner_free(r);
	state_free(st);
	config_finish(&cfg);
}

Test(demo, runner_publishes_every_kind, .timeout = 15)
{
	struct config cfg = { 0 };
	struct state *st;
	struct runner *r;
	struct err err = { "" };
	struct timespec ts = { 0, 200000000L };
	uint64_t gen[SNAP_KIND_COUNT + 1];
	int k, round, n;

	clock_set_real();
	st = state_new();
	r = runner_new(st);
	cr_assert_eq(demo_setup(&cfg, r, 50, &err), 0, "%s", err.msg);
	/* Every kind (the diagnosis too), and two endpoint checks. */
	n = SNAP_KIND_COUNT + 1;
	cr_expect_eq(cfg.n_sections, (size_t)n);
	cr_expect_eq(state_source_count(st), (size_t)n);
	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	cr_expect(runner_wait_first(r, 5000));
	for (k = 0; k < n; k++) {
		gen[k] = state_source_generation(st, k);
	}
	for (round = 0; round < 5; round++) {
		nanosleep(&ts, NULL);
	}
	for (k = 0; k < n; k++) {
		const char *name = state_source_name(st, k);
		enum snap_kind kind = state_source_kind(st, k);
		struct snapshot *s = state_get(st, k);

		cr_assert_not_null(s);
		cr_expect_eq(s->kind, kind);
		cr_expect_str_empty(s->error, "%s", s->error);
		cr_expect_not_null(s->data);
		cr_expect_str_eq(s->source, name);
		/* 100 ms interval: several polls in a second */
		cr_expect_gt(state_source_generation(st, k), gen[k]);
		cr_expect_eq(runner_actions(r, k), demo_actions(kind));
		snapshot_unref(s);
	}
	for (k = 0; k < SCRIPTED_KINDS; k++) {
		cr_expect_geq(state_find_source(st,
						demo_source_name(
							(enum snap_kind)k)),
			      0, "kind %d has no demo source", k);
	}
	cr_expect_gt(demo_time(), 30);
	cr_expect_eq(runner_stop(r, 2000), 0);
	runner_free(r);
	state_free(st);
	config_finish(&cfg);
}
