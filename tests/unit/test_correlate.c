/* The correlation rules (core/correlate.c): one test per rule on
 * snapshots built here, the cases each rule must not fire on, and the
 * demo incident run at speed through the real runner, tracker and
 * diagnosis source, checking that each rule fires at its moment with its
 * evidence and its key. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/correlate.h"
#include "core/kind.h"
#include "core/rules.h"
#include "core/state.h"
#include "core/timeline.h"
#include "probes/demo.h"
#include "probes/probe.h"
#include "probes/runner.h"

#define NOW_MS 1780000000000LL
#define MIN_MS 60000LL

/* ---- snapshots built by hand ---- */

/* A pods source with one deployment per name (NULL ended) in namespace
 * prod, each of n_pods pods NAME-7d9-N of which the first ready_pods are
 * Ready and the others fail with reason. */
static struct snapshot *
pods_of(const char *source, const char *const *names, int64_t revision_ms,
	int revision, int ready_pods, int n_pods, const char *reason,
	const char *last_term, double cpu, double limit)
{
	struct snapshot *s = snapshot_new(SNAP_PODS, source);
	struct pods_model *m = snapshot_alloc(s, sizeof(*m));
	size_t nd = 0;

	while (names[nd] != NULL) {
		nd++;
	}
	m->context = "prod";
	m->deploys = snapshot_alloc(s, nd * sizeof(*m->deploys));
	m->n_deploys = nd;
	m->pods = snapshot_alloc(s, nd * (size_t)n_pods * sizeof(*m->pods));
	for (size_t d = 0; d < nd; d++) {
		m->deploys[d] = (struct deploy_row){
			.ns = "prod", .name = names[d], .replicas = n_pods,
			.ready = ready_pods, .updated = n_pods,
			.available = ready_pods, .revision = revision,
			.image = "api:v2", .rollout = "complete",
			.rollout_msg = "", .prev_rs = "", .prev_image = "",
			.revision_ms = revision_ms,
		};
		for (int i = 0; i < n_pods; i++) {
			char *name = snapshot_alloc(s, 300);
			bool ready = i < ready_pods;

			snprintf(name, 300, "%s-7d9-%d", names[d], i);
			m->pods[m->n_pods++] = (struct pod_row){
				.ns = "prod", .name = name,
				.owner = names[d], .phase = "Running",
				.reason = ready ? "" : reason, .node = "n1",
				.ready = ready ? 1 : 0, .containers = 1,
				.restarts = ready ? 0 : 4, .cpu_mcores = cpu,
				.mem_bytes = 400e6,
				.mem_limit_bytes = 512.0 * 1048576,
				.last_term = ready ? "" : last_term, .why = "",
				.cpu_limit_mcores = limit,
			};
		}
	}
	s->data = m;
	rules_derive(s);
	return s;
}

/* k8s.prod with the deployment prod/api. */
static struct snapshot *
pods_snap(int64_t revision_ms, int revision, int ready_pods, int n_pods,
	  const char *reason, const char *last_term, double cpu, double limit)
{
	static const char *const api[] = { "api", NULL };

	return pods_of("k8s.prod", api, revision_ms, revision, ready_pods,
		       n_pods, reason, last_term, cpu, limit);
}

/* A metrics source with the default panels' names: a 5xx ratio of api
 * (warn 1 %, crit 5 %) and a p95 latency (warn 2 s), each with a history
 * of 60 samples 5 s apart that steps from before to now at step_at
 * samples from the end. */
static struct snapshot *
metrics_snap(double err_before, double err_now, double p95_before,
	     double p95_now, int step_at)
{
	struct snapshot *s = snapshot_new(SNAP_METRICS, "prometheus.prod");
	struct metrics_model *m = snapshot_alloc(s, sizeof(*m));
	const double before[2] = { err_before, p95_before };
	const double now[2] = { err_now, p95_now };

	m->panels = snapshot_alloc(s, 2 * sizeof(*m->panels));
	m->n_panels = 2;
	m->panels[0] = (struct metric_panel){ "5xx ratio", "", UNIT_RATIO,
					      0.01, 0.05, NULL, 0 };
	m->panels[1] = (struct metric_panel){ "p95 latency", "", UNIT_SECONDS,
					      2.0, NAN, NULL, 0 };
	for (int p = 0; p < 2; p++) {
		struct metric_row *r = snapshot_alloc(s, sizeof(*r));

		r->label = p == 0 ? "api" : "";
		r->value = now[p];
		r->error = "";
		r->history.n = 60;
		r->history.step_ms = 5000;
		r->history.v = snapshot_alloc(s, 60 * sizeof(double));
		for (int i = 0; i < 60; i++) {
			r->history.v[i] = i >= 60 - step_at ? now[p] :
					  before[p];
		}
		m->panels[p].rows = r;
		m->panels[p].n_rows = 1;
	}
	s->data = m;
	rules_derive(s);
	return s;
}

static struct snapshot *
pg_snap(double used, double max, int blocked_behind)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.main");
	struct pg_model *m = snapshot_alloc(s, sizeof(*m));
	size_t n = blocked_behind > 0 ? (size_t)blocked_behind + 1 : 0;

	m->server_version = "17.2";
	m->max_connections = max;
	m->conns_active = used;
	m->conns_idle = 0;
	m->conns_idle_xact = 0;
	m->conns_other = 0;
	m->oldest_idle_xact_s = NAN;
	m->reserved_connections = 3;
	m->xact_per_s = m->rollback_per_s = m->deadlocks = NAN;
	m->db_size_bytes = NAN;
	m->replay_delay_s = m->replay_behind_bytes = NAN;
	m->notice = m->lock_other_db = "";
	m->sessions = snapshot_alloc(s, (n ? n : 1) * sizeof(*m->sessions));
	m->n_sessions = n;
	for (size_t i = 0; i < n; i++) {
		struct pg_session *ps = &m->sessions[i];
		int *by = snapshot_alloc(s, sizeof(int));

		memset(ps, 0, sizeof(*ps));
		ps->pid = 4242 + (int)i;
		ps->user = ps->db = ps->app = ps->client = "";
		ps->wait_event = ps->lock_mode = ps->lock_rel = "";
		ps->lock_db = "";
		ps->query = i == 0 ? "UPDATE accounts SET ..." : "UPDATE ...";
		ps->state = i == 0 ? "idle in transaction" : "active";
		ps->backend_start_us = 1;
		ps->xact_s = 60;
		ps->query_s = i == 0 ? 60 : 50;
		ps->state_s = ps->query_s;
		ps->wait_s = i == 0 ? NAN : 50;
		if (i > 0) {
			*by = 4242;
			ps->blocked_by = by;
			ps->n_blocked_by = 1;
			ps->wait_event = "Lock:transactionid";
			ps->lock_mode = "ShareLock";
		}
	}
	s->data = m;
	rules_derive(s);
	return s;
}

static struct snapshot *
redis_snap(double used, double max, double evicted_per_s)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.cache");
	struct redis_model *m = snapshot_alloc(s, sizeof(*m));

	m->version = "7.2";
	m->role = "master";
	m->policy = "allkeys-lru";
	m->used_bytes = used;
	m->max_bytes = max;
	m->rss_bytes = m->peak_bytes = m->frag_ratio = NAN;
	m->evicted_per_s = evicted_per_s;
	m->evicted_keys = m->expired_per_s = m->hit_ratio = NAN;
	m->ops_per_s = m->clients = m->blocked_clients = NAN;
	m->rejected_per_s = m->ping_ms = m->keys = NAN;
	m->notice = m->slowlog_error = "";
	s->data = m;
	rules_derive(s);
	return s;
}

static struct snapshot *
kafka_snap(const char *group, enum kafka_status st, int partitions)
{
	struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.events");
	struct kafka_model *m = snapshot_alloc(s, sizeof(*m));
	struct kafka_group *g = snapshot_alloc(s, sizeof(*g));

	m->bootstrap = "k:9092";
	m->brokers_up = m->brokers_total = 1;
	m->under_replicated = 0;
	m->notice = "";
	g->group = group;
	g->topic = "orders";
	g->state = "Stable";
	g->total_lag = 48000;
	g->lag_per_s = 300;
	g->members = 2;
	g->lag_s = 120;
	g->status = st;
	g->reason = "WARN: partition 0 lag grew from 1,000 to 9,000";
	g->worst = 0;
	g->error = "";
	g->partitions = snapshot_alloc(s, (size_t)partitions *
					      sizeof(*g->partitions));
	g->n_partitions = (size_t)partitions;
	for (int i = 0; i < partitions; i++) {
		g->partitions[i] = (struct kafka_partition){
			i, 1000, 13000, 12000, "orders", 120, false, "",
			st, "",
		};
	}
	m->groups = g;
	m->n_groups = 1;
	s->data = m;
	rules_derive(s);
	return s;
}

static struct snapshot *
http_snap(const char *source, long status, double cert_days)
{
	struct snapshot *s = snapshot_new(SNAP_HTTP, source);
	struct endpoint_model *m = snapshot_alloc(s, sizeof(*m));

	m->url = "https://api.example.com/healthz";
	m->expect_body = "";
	m->status = status;
	m->ok = status >= 200 && status < 300;
	m->reason = m->ok ? "" : "HTTP 500 (expected 2xx)";
	m->latency_ms = 40;
	m->connect_ms = m->tls_ms = m->first_byte_ms = NAN;
	m->latency_warn_ms = 2000;
	m->up_ratio = 1;
	m->tls = true;
	m->cert_days = cert_days;
	m->cert_issuer = "CN = R11";
	m->cert_subject = "CN = api.example.com";
	m->cert_warn_days = 14;
	m->cert_crit_days = 3;
	s->data = m;
	rules_derive(s);
	return s;
}

/* ---- running the rules ---- */

static struct config cfg;

static struct config_section *
section(const char *name)
{
	for (size_t i = 0; i < cfg.n_sections; i++) {
		if (strcmp(cfg.sections[i].name, name) == 0) {
			return &cfg.sections[i];
		}
	}
	return config_add_section(&cfg, name);
}

static void
teardown(void)
{
	config_finish(&cfg);
	memset(&cfg, 0, sizeof(cfg));
}

TestSuite(correlate, .fini = teardown);

/* Runs the rules over snaps (NULL ended) and returns the diagnosis
 * snapshot (the caller unrefs it); the sources' sections are those added
 * with section() by their names. */
static struct snapshot *
diagnose(struct correlate_memory *mem, int64_t now_ms,
	 struct snapshot *const *snaps)
{
	struct correlate_src src[8];
	struct snapshot *out = snapshot_new(SNAP_DIAGNOSIS, "diagnosis.main");
	size_t n = 0;

	for (; snaps[n] != NULL; n++) {
		src[n].name = snaps[n]->source;
		src[n].snap = snaps[n];
		src[n].sec = NULL;
		for (size_t i = 0; i < cfg.n_sections; i++) {
			if (strcmp(cfg.sections[i].name,
				   snaps[n]->source) == 0) {
				src[n].sec = &cfg.sections[i];
			}
		}
	}
	out->data = correlate_run(src, n, now_ms, mem, out);
	rules_derive(out);
	return out;
}

static const struct finding *
find(const struct snapshot *d, const char *key)
{
	for (size_t i = 0; i < d->n_findings; i++) {
		if (strcmp(d->findings[i].key, key) == 0) {
			return &d->findings[i];
		}
	}
	return NULL;
}

static size_t
count_rule(const struct snapshot *d, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n_findings; i++) {
		n += strncmp(d->findings[i].key, rule, strlen(rule)) == 0;
	}
	return n;
}

static void
unref_all(struct snapshot **v)
{
	for (; *v != NULL; v++) {
		snapshot_unref(*v);
	}
}

#define RUNBOOK_OF(f, file) \
	cr_expect(strstr((f)->runbook, file) != NULL && \
		  strstr((f)->runbook, "§") != NULL, "%s", (f)->runbook)

Test(correlate, pool_exhaustion_names_the_pile_up_and_the_connections)
{
	struct snapshot *v[] = {
		metrics_snap(0.002, 0.088, 0.2, 0.2, 10),
		pg_snap(92, 100, 7), NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	const struct finding *f = find(d, "pool-exhaustion:postgres.main");

	cr_assert_not_null(f);
	cr_expect_eq(f->sev, HEALTH_CRIT);
	cr_expect(strstr(f->text, "5xx ratio 8.8 % on api") != NULL, "%s",
		  f->text);
	cr_expect(strstr(f->text, "92 of 100 connections (92 %)") != NULL,
		  "%s", f->text);
	cr_expect(strstr(f->text, "7 sessions blocked behind pid 4242") !=
		  NULL, "%s", f->text);
	cr_expect_str_eq(f->at_source, "postgres.main");
	cr_expect_str_eq(f->at_row, "pid:4242");
	cr_expect_eq(f->action_key, action_pg_terminate.key);
	cr_expect_str_eq(f->cites, "pg-blocked:4242");
	RUNBOOK_OF(f, "004_1853ff55f289b06d.txt");
	snapshot_unref(d);
	unref_all(v);
}

Test(correlate, pool_exhaustion_needs_errors_and_a_full_pool)
{
	struct snapshot *calm[] = {
		metrics_snap(0.002, 0.003, 0.2, 0.2, 10),
		pg_snap(92, 100, 7), NULL,
	};
	struct snapshot *roomy[] = {
		metrics_snap(0.002, 0.088, 0.2, 0.2, 10),
		pg_snap(40, 100, 0), NULL,
	};
	struct snapshot *d1 = diagnose(NULL, NOW_MS, calm);
	struct snapshot *d2 = diagnose(NULL, NOW_MS, roomy);
	struct snapshot *d3;

	cr_expect_eq(count_rule(d1, "pool-exhaustion"), 0);
	cr_expect_eq(count_rule(d2, "pool-exhaustion"), 0);
	/* pool_near lowered in the source's section: 40 % is near */
	config_section_set(section("postgres.main"), "pool_near", "40%");
	d3 = diagnose(NULL, NOW_MS, roomy);
	cr_expect_eq(count_rule(d3, "pool-exhaustion"), 1);
	cr_expect_eq(find(d3, "pool-exhaustion:postgres.main")->action_key,
		     action_pg_terminate_idle.key);
	snapshot_unref(d1);
	snapshot_unref(d2);
	snapshot_unref(d3);
	unref_all(calm);
	unref_all(roomy);
}

Test(correlate, a_rollout_before_the_errors_is_suspect_and_the_key_is_undo)
{
	/* revision 7 current 4 minutes ago; errors rose 50 s ago */
	struct snapshot *v[] = {
		pods_snap(NOW_MS - 4 * MIN_MS, 7, 5, 5, "", "", 100, 500),
		metrics_snap(0.002, 0.088, 0.2, 0.2, 10), NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	const struct finding *f = find(d, "suspect-rollout:k8s.prod:prod/api");

	cr_assert_not_null(f);
	cr_expect(strstr(f->text, "rollout of prod/api (revision 7") != NULL,
		  "%s", f->text);
	cr_expect(strstr(f->text, "0.2 % then") != NULL, "%s", f->text);
	cr_expect_str_eq(f->at_source, "k8s.prod");
	cr_expect_str_eq(f->at_row, "deploy:prod/api");
	cr_expect_eq(f->action_key, action_rollback.key);
	cr_expect_eq(f->since_ms, NOW_MS - 4 * MIN_MS);
	RUNBOOK_OF(f, "004_1853ff55f289b06d.txt");
	snapshot_unref(d);
	unref_all(v);
}

Test(correlate, a_rollout_is_not_suspect_when_old_or_after_the_errors)
{
	/* 20 minutes ago: outside the default 15-minute window */
	struct snapshot *old[] = {
		pods_snap(NOW_MS - 20 * MIN_MS, 7, 5, 5, "", "", 100, 500),
		metrics_snap(0.002, 0.088, 0.2, 0.2, 10), NULL,
	};
	/* 2 minutes ago, but the errors were already high then */
	struct snapshot *late[] = {
		pods_snap(NOW_MS - 2 * MIN_MS, 7, 5, 5, "", "", 100, 500),
		metrics_snap(0.07, 0.088, 0.2, 0.2, 10), NULL,
	};
	struct snapshot *d1 = diagnose(NULL, NOW_MS, old);
	struct snapshot *d2 = diagnose(NULL, NOW_MS, late);
	struct snapshot *d3;

	cr_expect_eq(count_rule(d1, "suspect-rollout"), 0);
	cr_expect_eq(count_rule(d2, "suspect-rollout"), 0);
	/* a wider window in the cluster's section takes the old one in */
	config_section_set(section("k8s.prod"), "rollout_window", "30m");
	d3 = diagnose(NULL, NOW_MS, old);
	cr_expect_eq(count_rule(d3, "suspect-rollout"), 1);
	snapshot_unref(d1);
	snapshot_unref(d2);
	snapshot_unref(d3);
	unref_all(old);
	unref_all(late);
}

Test(correlate, a_revision_change_seen_counts_from_when_it_was_seen)
{
	struct correlate_memory *mem = correlate_memory_new();
	/* a rollback to an old ReplicaSet: its creation is days old */
	struct snapshot *a[] = {
		pods_snap(NOW_MS - 3 * 86400000LL, 7, 5, 5, "", "", 100, 500),
		metrics_snap(0.002, 0.002, 0.2, 0.2, 10), NULL,
	};
	struct snapshot *b[] = {
		pods_snap(NOW_MS - 3 * 86400000LL, 8, 5, 5, "", "", 100, 500),
		metrics_snap(0.002, 0.088, 0.2, 0.2, 2), NULL,
	};
	struct snapshot *b0[] = { b[0], a[1], NULL };
	struct snapshot *d1 = diagnose(mem, NOW_MS - MIN_MS, a);
	struct snapshot *d0 = diagnose(mem, NOW_MS - 30000, b0);
	struct snapshot *d2 = diagnose(mem, NOW_MS, b);
	const struct finding *f = find(d2, "suspect-rollout:k8s.prod:prod/api");

	cr_expect_eq(count_rule(d1, "suspect-rollout"), 0);
	cr_expect_eq(count_rule(d0, "suspect-rollout"), 0);
	cr_assert_not_null(f, "the change seen 30 s ago is recent");
	cr_expect_eq(f->since_ms, NOW_MS - 30000);
	snapshot_unref(d0);
	snapshot_unref(d1);
	snapshot_unref(d2);
	unref_all(a);
	unref_all(b);
	correlate_memory_free(mem);
}

/* A panel that has only a critical threshold: errors past it before the
 * revision came are not the rollout's doing either. */
Test(correlate, a_rollout_is_not_suspect_for_errors_past_a_crit_only_panel)
{
	struct snapshot *v[] = {
		pods_snap(NOW_MS - 2 * MIN_MS, 7, 5, 5, "", "", 100, 500),
		metrics_snap(0.10, 0.10, 0.2, 0.2, 10), NULL,
	};
	struct metrics_model *mm = v[1]->data;
	struct snapshot *d;

	mm->panels[0].warn = NAN;
	d = diagnose(NULL, NOW_MS, v);
	cr_expect_eq(count_rule(d, "suspect-rollout"), 0, "%s",
		     d->n_findings ? d->findings[0].text : "");
	snapshot_unref(d);
	unref_all(v);
}

/* The panel's history does not reach back to the revision, but its
 * finding opened before it: not suspect; opened after it: suspect. */
Test(correlate, a_rollout_after_the_errors_opened_is_not_suspect)
{
	struct snapshot *v[] = {
		pods_snap(NOW_MS - 10 * MIN_MS, 7, 5, 5, "", "", 100, 500),
		metrics_snap(0.088, 0.088, 0.2, 0.2, 60), NULL,
	};
	struct finding *ef = NULL;
	struct snapshot *d1, *d2;

	for (size_t i = 0; i < v[1]->n_findings; i++) {
		if (strncmp(v[1]->findings[i].key, "metric:5xx", 10) == 0) {
			ef = (struct finding *)&v[1]->findings[i];
		}
	}
	cr_assert_not_null(ef);
	ef->opened_ms = NOW_MS - 12 * MIN_MS;
	d1 = diagnose(NULL, NOW_MS, v);
	cr_expect_eq(count_rule(d1, "suspect-rollout"), 0, "%s",
		     d1->n_findings ? d1->findings[0].text : "");
	ef->opened_ms = NOW_MS - 5 * MIN_MS;
	d2 = diagnose(NULL, NOW_MS, v);
	cr_expect_eq(count_rule(d2, "suspect-rollout"), 1);
	snapshot_unref(d1);
	snapshot_unref(d2);
	unref_all(v);
}

/* The same deployment in two clusters: two findings, each pointing at
 * its own cluster with its own revision (an undo must not reach the
 * other one). */
Test(correlate, the_same_deployment_in_two_clusters_is_two_findings)
{
	static const char *const api[] = { "api", NULL };
	struct snapshot *v[] = {
		pods_of("k8s.us", api, NOW_MS - 4 * MIN_MS, 7, 5, 5, "", "",
			100, 500),
		pods_of("k8s.eu", api, NOW_MS - 3 * MIN_MS, 9, 5, 5, "", "",
			100, 500),
		metrics_snap(0.002, 0.088, 0.2, 0.2, 10), NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	const struct finding *us = find(d, "suspect-rollout:k8s.us:prod/api");
	const struct finding *eu = find(d, "suspect-rollout:k8s.eu:prod/api");

	cr_assert_not_null(us);
	cr_assert_not_null(eu);
	cr_expect_str_eq(us->at_source, "k8s.us");
	cr_expect(strstr(us->text, "revision 7") != NULL, "%s", us->text);
	cr_expect_str_eq(eu->at_source, "k8s.eu");
	cr_expect(strstr(eu->text, "revision 9") != NULL, "%s", eu->text);
	snapshot_unref(d);
	unref_all(v);
}

/* A revision change seen before the cluster's source failed for a poll
 * still counts from when it was seen once the source is back. */
Test(correlate, a_failed_poll_keeps_what_was_seen)
{
	struct correlate_memory *mem = correlate_memory_new();
	struct snapshot *a[] = {
		pods_snap(NOW_MS - 3 * 86400000LL, 7, 5, 5, "", "", 100, 500),
		metrics_snap(0.002, 0.002, 0.2, 0.2, 10), NULL,
	};
	struct snapshot *b[] = {
		pods_snap(NOW_MS - 3 * 86400000LL, 8, 5, 5, "", "", 100, 500),
		metrics_snap(0.002, 0.088, 0.2, 0.2, 2), NULL,
	};
	struct snapshot *down = snapshot_new(SNAP_PODS, "k8s.prod");
	struct snapshot *changed[] = { b[0], a[1], NULL };
	struct snapshot *failed[] = { down, a[1], NULL };
	struct snapshot *d[4];
	const struct finding *f;

	snprintf(down->error, sizeof(down->error), "connection refused");
	d[0] = diagnose(mem, NOW_MS - 2 * MIN_MS, a);
	d[1] = diagnose(mem, NOW_MS - 90000, changed);
	d[2] = diagnose(mem, NOW_MS - 60000, failed);
	d[3] = diagnose(mem, NOW_MS, b);
	f = find(d[3], "suspect-rollout:k8s.prod:prod/api");
	cr_assert_not_null(f, "the change seen 90 s ago is still recent");
	cr_expect_eq(f->since_ms, NOW_MS - 90000);
	for (int i = 0; i < 4; i++) {
		snapshot_unref(d[i]);
	}
	snapshot_unref(down);
	unref_all(a);
	unref_all(b);
	correlate_memory_free(mem);
}

/* Two deployments whose long names share their first 249 characters
 * are two deployments to the memory: the one that changed is suspect,
 * the other is not. */
Test(correlate, long_names_that_share_a_prefix_stay_apart)
{
	struct correlate_memory *mem = correlate_memory_new();
	char n1[254], n2[254];
	const char *names[] = { n1, n2, NULL };
	struct snapshot *v[3], *d = NULL;
	const struct finding *f;

	memset(n1, 'a', 250);
	n1[250] = '\0';
	memcpy(n2, n1, sizeof(n2));
	n1[249] = '1';
	n2[249] = '2';
	/* n2 moves to revision 8 in the second run, the errors rise in the
	 * third */
	for (int i = 0; i < 3; i++) {
		v[0] = pods_of("k8s.prod", names, NOW_MS - 3 * 86400000LL, 7,
			       2, 2, "", "", 100, 500);
		v[1] = i < 2 ? metrics_snap(0.002, 0.002, 0.2, 0.2, 2) :
		       metrics_snap(0.002, 0.088, 0.2, 0.2, 2);
		v[2] = NULL;
		/* an unsplit 5xx ratio: about every deployment */
		((struct metrics_model *)v[1]->data)->panels[0].rows[0].label =
			"";
		((struct pods_model *)v[0]->data)->deploys[1].revision =
			i == 0 ? 7 : 8;
		snapshot_unref(d);
		d = diagnose(mem, NOW_MS - (2 - i) * 30000, v);
		unref_all(v);
	}
	cr_assert_eq(count_rule(d, "suspect-rollout"), 1);
	f = &d->findings[0];
	/* the names whole where Enter and the key look */
	cr_expect(strncmp(f->at_row, "deploy:prod/", 12) == 0 &&
		  strcmp(f->at_row + 12, n2) == 0, "%s", f->at_row);
	cr_expect(strstr(f->key, n2) != NULL, "%s", f->key);
	snapshot_unref(d);
	correlate_memory_free(mem);
}

/* Deployments api-gateway and api both crash on OOM kills: each cites a
 * pod of its own. */
Test(correlate, oom_cites_a_pod_of_its_own_deployment)
{
	static const char *const two[] = { "api-gateway", "api", NULL };
	struct snapshot *v[] = {
		pods_of("k8s.prod", two, NOW_MS - 5 * 86400000LL, 7, 0, 2,
			"CrashLoopBackOff", "OOMKilled", 100, 500), NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	const struct finding *api = find(d, "oom-crashloop:k8s.prod:prod/api");
	const struct finding *gw = find(d, "oom-crashloop:k8s.prod:"
					"prod/api-gateway");

	cr_assert_not_null(api);
	cr_assert_not_null(gw);
	cr_expect(strncmp(api->cites, "oom:prod/api-7d9-", 17) == 0, "%s",
		  api->cites);
	cr_expect(strncmp(gw->cites, "oom:prod/api-gateway-7d9-", 25) == 0,
		  "%s", gw->cites);
	snapshot_unref(d);
	unref_all(v);
}

Test(correlate, oom_crashloop_says_roll_back_after_a_change)
{
	struct snapshot *v[] = {
		pods_snap(NOW_MS - 2 * MIN_MS, 7, 2, 5, "CrashLoopBackOff",
			  "OOMKilled", 100, 500), NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	const struct finding *f = find(d, "oom-crashloop:k8s.prod:prod/api");

	cr_assert_not_null(f);
	cr_expect_eq(f->sev, HEALTH_CRIT);
	cr_expect(strstr(f->text, "3 of 5 pods of prod/api crash-looping, 3 "
			 "OOMKilled (limit 512 MiB)") != NULL, "%s", f->text);
	cr_expect(strstr(f->text, "roll back") != NULL, "%s", f->text);
	cr_expect_eq(f->action_key, action_rollback.key);
	cr_expect_str_eq(f->at_row, "deploy:prod/api");
	/* every crash an OOM kill: the pods' own findings, not crashloop */
	cr_expect(strncmp(f->cites, "oom:prod/api-7d9-", 17) == 0, "%s",
		  f->cites);
	RUNBOOK_OF(f, "004_1853ff55f289b06d.txt");
	snapshot_unref(d);
	unref_all(v);
}

Test(correlate, oom_crashloop_says_raise_the_limit_without_a_change)
{
	struct snapshot *v[] = {
		pods_snap(NOW_MS - 5 * 86400000LL, 7, 2, 5, "CrashLoopBackOff",
			  "OOMKilled", 100, 500), NULL,
	};
	struct snapshot *other[] = {
		pods_snap(NOW_MS - 5 * 86400000LL, 7, 2, 5, "CrashLoopBackOff",
			  "Error", 100, 500), NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	struct snapshot *d2 = diagnose(NULL, NOW_MS, other);
	const struct finding *f = find(d, "oom-crashloop:k8s.prod:prod/api");

	cr_assert_not_null(f);
	cr_expect(strstr(f->text, "raise the memory limit") != NULL, "%s",
		  f->text);
	cr_expect_eq(f->action_key, 0);
	cr_expect_eq(count_rule(d2, "oom-crashloop"), 0,
		     "a crash that is no OOM kill is not this rule's");
	snapshot_unref(d);
	snapshot_unref(d2);
	unref_all(v);
	unref_all(other);
}

Test(correlate, lag_with_pods_not_ready_is_consumers_down)
{
	struct snapshot *v[] = {
		kafka_snap("api-consumer", KAFKA_STALL, 6),
		pods_snap(NOW_MS - 86400000LL, 7, 1, 4, "CrashLoopBackOff",
			  "Error", 100, 500), NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	const struct finding *f = find(d, "consumers:kafka.events:api-consumer");

	cr_assert_not_null(f);
	cr_expect(strstr(f->text, "consumers down, not slow") != NULL, "%s",
		  f->text);
	cr_expect(strstr(f->text, "1 of 4 pods of prod/api are Ready") != NULL,
		  "%s", f->text);
	cr_expect_str_eq(f->at_row, "pod:prod/api-7d9-1");
	cr_expect_eq(f->action_key, 'l');
	cr_expect_str_eq(f->cites, "kafka:STALL:api-consumer");
	RUNBOOK_OF(f, "003_9a35e64a2f67b33a.txt");
	snapshot_unref(d);
	unref_all(v);
}

Test(correlate, throttled_ready_consumers_are_too_slow_scale_prefilled)
{
	/* 2 pods at 480m of a 500m limit; 3 partitions: scale to 3, not 4 */
	struct snapshot *v[] = {
		kafka_snap("api", KAFKA_WARN, 3),
		pods_snap(NOW_MS - 86400000LL, 7, 2, 2, "", "", 480, 500),
		NULL,
	};
	struct snapshot *cool[] = {
		kafka_snap("api", KAFKA_WARN, 3),
		pods_snap(NOW_MS - 86400000LL, 7, 2, 2, "", "", 200, 500),
		NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	struct snapshot *d2 = diagnose(NULL, NOW_MS, cool);
	const struct finding *f = find(d, "consumers:kafka.events:api");

	cr_assert_not_null(f);
	cr_expect(strstr(f->text, "consumers too slow") != NULL, "%s",
		  f->text);
	cr_expect(strstr(f->text, "96 % of their CPU limit: scale to 3") !=
		  NULL, "%s", f->text);
	cr_expect_eq(f->action_key, action_scale.key);
	cr_expect_str_eq(f->action_input, "3");
	cr_expect_str_eq(f->at_row, "deploy:prod/api");
	cr_expect_eq(count_rule(d2, "consumers"), 0,
		     "Ready and idle: neither down nor too slow");
	snapshot_unref(d);
	snapshot_unref(d2);
	unref_all(v);
	unref_all(cool);
}

Test(correlate, a_group_maps_to_its_deployment_by_the_kafka_section)
{
	struct snapshot *v[] = {
		kafka_snap("payments-v2", KAFKA_STALL, 6),
		pods_snap(NOW_MS - 86400000LL, 7, 0, 2, "CrashLoopBackOff",
			  "Error", 100, 500), NULL,
	};
	struct snapshot *d1 = diagnose(NULL, NOW_MS, v), *d2;

	cr_expect_eq(count_rule(d1, "consumers"), 0, "no deployment by that "
		     "name");
	config_section_set(section("kafka.events"), "consumers.payments-v2",
			   "prod/api");
	d2 = diagnose(NULL, NOW_MS, v);
	cr_expect_not_null(find(d2, "consumers:kafka.events:payments-v2"));
	snapshot_unref(d1);
	snapshot_unref(d2);
	unref_all(v);
}

Test(correlate, eviction_with_latency_and_database_load_rising_is_a_stampede)
{
	struct snapshot *v[] = {
		redis_snap(4.0e9, 4.0e9, 1500),
		metrics_snap(0.002, 0.002, 0.18, 2.9, 20),
		pg_snap(30, 200, 6), NULL,
	};
	struct snapshot *no_db[] = {
		redis_snap(4.0e9, 4.0e9, 1500),
		metrics_snap(0.002, 0.002, 0.18, 2.9, 20),
		pg_snap(30, 200, 0), NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	struct snapshot *d2 = diagnose(NULL, NOW_MS, no_db);
	const struct finding *f = find(d, "cache-stampede:redis.cache");

	cr_assert_not_null(f);
	cr_expect(strstr(f->text, "redis.cache evicting keys while p95 "
			 "latency rose 180 ms -> 2.9 s") != NULL, "%s",
		  f->text);
	cr_expect_str_eq(f->at_source, "redis.cache");
	cr_expect_str_eq(f->cites, "redis-evicting");
	RUNBOOK_OF(f, "004_1853ff55f289b06d.txt");
	cr_expect_eq(count_rule(d2, "cache-stampede"), 0,
		     "a database that is not loaded: no stampede");
	snapshot_unref(d);
	snapshot_unref(d2);
	unref_all(v);
	unref_all(no_db);
}

Test(correlate, a_stampede_counts_active_sessions_rising_over_time)
{
	struct correlate_memory *mem = correlate_memory_new();
	struct snapshot *d = NULL;

	/* 5 minutes calm at 10 active; then Redis evicts and 40 are */
	for (int i = 0; i <= 70; i++) {
		struct snapshot *v[] = {
			i < 65 ? redis_snap(1.0e9, 4.0e9, 0) :
				 redis_snap(4.0e9, 4.0e9, 1500),
			metrics_snap(0.002, 0.002, 0.18, 2.9, 20),
			pg_snap(i < 65 ? 10 : 40, 200, 0), NULL,
		};

		if (d != NULL) {
			snapshot_unref(d);
		}
		d = diagnose(mem, NOW_MS + i * 5000LL, v);
		if (i < 65) {
			cr_assert_eq(count_rule(d, "cache-stampede"), 0, "i=%d",
				     i);
		}
		unref_all(v);
	}
	cr_assert_not_null(find(d, "cache-stampede:redis.cache"));
	cr_expect(strstr(find(d, "cache-stampede:redis.cache")->text,
			 "active sessions 10 -> 40") != NULL, "%s",
		  find(d, "cache-stampede:redis.cache")->text);
	snapshot_unref(d);
	correlate_memory_free(mem);
}

Test(correlate, failing_with_ready_pods_and_a_healthy_db_is_an_app_error)
{
	struct snapshot *v[] = {
		http_snap("http.api", 500, 60),
		pods_snap(NOW_MS - 86400000LL, 7, 3, 3, "", "", 100, 500),
		pg_snap(20, 100, 0), NULL,
	};
	struct snapshot *pile[] = {
		http_snap("http.api", 500, 60),
		pods_snap(NOW_MS - 86400000LL, 7, 3, 3, "", "", 100, 500),
		pg_snap(20, 100, 7), NULL,
	};
	struct snapshot *d1 = diagnose(NULL, NOW_MS, v), *d2, *d3;
	const struct finding *f;

	cr_expect_eq(count_rule(d1, "app-error"), 0, "no pods = in [http]");
	config_section_set(section("http.api"), "pods", "prod/api");
	d2 = diagnose(NULL, NOW_MS, v);
	f = find(d2, "app-error:http.api");
	cr_assert_not_null(f);
	cr_expect(strstr(f->text, "http.api failing (HTTP 500) while 3 of 3 "
			 "pods of prod/api are Ready and postgres.main is "
			 "healthy") != NULL, "%s", f->text);
	cr_expect_str_eq(f->at_source, "k8s.prod");
	cr_expect_str_eq(f->at_row, "pod:prod/api-7d9-0");
	cr_expect_eq(f->action_key, 'l');
	RUNBOOK_OF(f, "004_1853ff55f289b06d.txt");
	d3 = diagnose(NULL, NOW_MS, pile);
	cr_expect_eq(count_rule(d3, "app-error"), 0,
		     "a pile-up in the database: not the application's");
	snapshot_unref(d1);
	snapshot_unref(d2);
	snapshot_unref(d3);
	unref_all(v);
	unref_all(pile);
}

Test(correlate, a_certificate_in_its_window_is_a_finding)
{
	struct snapshot *v[] = {
		http_snap("http.api", 200, 13), http_snap("http.web", 200, 2),
		http_snap("http.ok", 200, 60), NULL,
	};
	struct snapshot *d = diagnose(NULL, NOW_MS, v);
	const struct finding *w = find(d, "cert-expiry:http.api");
	const struct finding *c = find(d, "cert-expiry:http.web");

	cr_assert_not_null(w);
	cr_assert_not_null(c);
	cr_expect_eq(w->sev, HEALTH_WARN);
	cr_expect_eq(c->sev, HEALTH_CRIT);
	cr_expect(strstr(w->text, "expires in 13.0 days (issuer CN = R11)") !=
		  NULL, "%s", w->text);
	cr_expect_str_eq(w->at_row, "source:http.api");
	RUNBOOK_OF(w, "003_9a35e64a2f67b33a.txt");
	cr_expect_null(find(d, "cert-expiry:http.ok"));
	snapshot_unref(d);
	unref_all(v);
}

Test(correlate, every_rule_has_a_hold_and_bad_keys_are_refused)
{
	struct err err = { "" };
	struct config_section *sec = section("postgres.main");

	for (size_t i = 0; i < correlate_rule_count(); i++) {
		cr_expect_geq(rules_hold_index(correlate_rule_name(i)), 0,
			      "%s", correlate_rule_name(i));
	}
	cr_expect_eq(correlate_check_section(sec, &err), 0);
	config_section_set(sec, "pool_near", "lots");
	cr_expect_eq(correlate_check_section(sec, &err), -1);
	cr_expect_str_eq(err.msg, "pool_near: expected a percentage such as "
			 "80%, got 'lots'");
	sec = section("http.api");
	config_section_set(sec, "pods", "api");
	cr_expect_eq(correlate_check_section(sec, &err), -1);
	cr_expect_str_eq(err.msg, "pods: expected NAMESPACE/DEPLOYMENT, got "
			 "'api'");
}

/* ---- the demo incident, at speed, through the real runner ---- */

struct expect {
	const char *key;
	double fault_at;        /* the fault's start, scenario s */
	double by;              /* the finding must be open by then */
	const char *at_row;
	char action_key;
	const char *text;
	double seen;            /* scenario s it was first open, or -1 */
};

Test(correlate, the_demo_fires_each_rule_at_its_moment, .timeout = 150)
{
	struct expect want[] = {
		{ "cert-expiry:http.api", 0, 10, "source:http.api", 0,
		  "expires in 13.0 days", -1 },
		{ "app-error:http.checkout", 8, 40, "pod:prod/checkout-", 'l',
		  "failing (HTTP 500) while 2 of 2 pods of prod/checkout are "
		  "Ready", -1 },
		{ "oom-crashloop:k8s.demo:prod/api", 25, 45, "deploy:prod/api", 'U',
		  "roll back", -1 },
		{ "suspect-rollout:k8s.demo:prod/api", 15, 75, "deploy:prod/api", 'U',
		  "rollout of prod/api (revision 42", -1 },
		{ "pool-exhaustion:postgres.demo", 40, 75, "pid:4242", 'T',
		  "behind pid 4242", -1 },
		{ "consumers:kafka.demo:api", 25, 100, "pod:prod/api-", 'l',
		  "consumers down, not slow", -1 },
		{ "cache-stampede:redis.demo", 20, 130, "", 0,
		  "cache stampede", -1 },
		{ "consumers:kafka.demo:search-indexer", 150, 200,
		  "deploy:prod/search-indexer", 'X',
		  "consumers too slow: search-indexer WARN", -1 },
	};
	const size_t n_want = sizeof(want) / sizeof(want[0]);
	const double speed = 8;
	struct config c = { 0 };
	struct state *st;
	struct runner *r;
	struct timeline *tl = timeline_new(NULL, NULL);
	struct rules_tracker *rt = rules_tracker_new(tl);
	struct err err = { "" };
	struct timespec tick = { 0, 50000000L };
	int dx;

	clock_set_real();
	/* The holds are wall time: at speed, as long in scenario time as at
	 * speed 1, so the moments are those of warroom --demo. */
	for (size_t i = 0; i < rules_hold_count(); i++) {
		rules_tracker_set_hold(rt, rules_hold_name(i),
				       (int64_t)(rules_hold_default(i) /
						 speed));
	}
	st = state_new();
	state_set_tracker(st, rt);
	r = runner_new(st);
	cr_assert_eq(demo_setup(&c, r, speed, &err), 0, "%s", err.msg);
	dx = state_find_source(st, "diagnosis.demo");
	cr_assert_geq(dx, 0);
	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	while (demo_time() < 205) {
		struct snapshot *s = state_get(st, dx);
		double t = demo_time();

		for (size_t i = 0; s != NULL && i < s->n_findings; i++) {
			const struct finding *f = &s->findings[i];

			for (size_t k = 0; k < n_want; k++) {
				if (want[k].seen >= 0 ||
				    strcmp(f->key, want[k].key) != 0) {
					continue;
				}
				want[k].seen = t;
				cr_expect(strncmp(f->at_row, want[k].at_row,
						  strlen(want[k].at_row)) == 0,
					  "%s at %s", f->key, f->at_row);
				cr_expect_eq(f->action_key, want[k].action_key,
					     "%s", f->key);
				cr_expect(strstr(f->text, want[k].text) != NULL,
					  "%s: %s", f->key, f->text);
				cr_expect_neq(f->runbook[0], '\0');
			}
		}
		if (s != NULL) {
			snapshot_unref(s);
		}
		nanosleep(&tick, NULL);
	}
	for (size_t k = 0; k < n_want; k++) {
		cr_expect_geq(want[k].seen, want[k].fault_at, "%s opened at "
			      "%g, before its fault at %g", want[k].key,
			      want[k].seen, want[k].fault_at);
		cr_expect(want[k].seen >= 0 && want[k].seen <= want[k].by,
			  "%s opened at %g, not by %g", want[k].key,
			  want[k].seen, want[k].by);
		/* for the record: fault to finding, scenario seconds */
		fprintf(stderr, "%-32s fault %5.1f s  finding %6.1f s  "
			"(+%.1f s)\n", want[k].key, want[k].fault_at,
			want[k].seen, want[k].seen - want[k].fault_at);
	}
	cr_expect_eq(runner_stop(r, 3000), 0);
	runner_free(r);
	state_free(st);
	rules_tracker_free(rt);
	timeline_free(tl);
	config_finish(&c);
}
