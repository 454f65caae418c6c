/* Rules: health and findings for hand-built snapshots of every kind, and
 * the tracker's timeline entries (open/close, down/up) appearing exactly
 * once. A snapshot is derived once (on first use here, at publish in the
 * program), so every case builds a fresh one. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rules.h"
#include "core/rules_internal.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/timeline.h"

/* ---- building snapshots ----------------------------------------------- */

static struct pod_row
pod(const char *name, const char *owner, const char *reason, int restarts)
{
	struct pod_row p = {
		.ns = "prod",
		.name = name,
		.owner = owner,
		.phase = "Running",
		.reason = reason,
		.node = "node-1",
		.ready = reason[0] == '\0' ? 1 : 0,
		.containers = 1,
		.restarts = restarts,
		.cpu_mcores = NAN,
		.mem_bytes = NAN,
		.mem_limit_bytes = NAN,
	};

	return p;
}

static struct deploy_row
deploy(const char *name, int replicas, int ready)
{
	struct deploy_row d = {
		.ns = "prod",
		.name = name,
		.replicas = replicas,
		.ready = ready,
		.updated = replicas,
		.available = ready,
		.image = "registry/app:1",
	};

	return d;
}

static struct snapshot *
pods_snap(const struct pod_row *pods, size_t n,
	  const struct deploy_row *deploys, size_t nd)
{
	struct snapshot *s = snapshot_new(SNAP_PODS, "k8s.prod");
	struct pods_model *m = snapshot_alloc(s, sizeof(*m));

	m->context = "prod";
	m->pods = snapshot_alloc(s, (n + 1) * sizeof(*m->pods));
	if (n > 0) {
		memcpy(m->pods, pods, n * sizeof(*pods));
	}
	m->n_pods = n;
	m->deploys = snapshot_alloc(s, (nd + 1) * sizeof(*m->deploys));
	if (nd > 0) {
		memcpy(m->deploys, deploys, nd * sizeof(*deploys));
	}
	m->n_deploys = nd;
	s->data = m;
	return s;
}

static struct pg_model *
pg_new(struct snapshot **out)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.main");
	struct pg_model *m = snapshot_alloc(s, sizeof(*m));

	m->server_version = "15.4";
	m->max_connections = 200;
	m->conns_active = 10;
	m->conns_idle = 5;
	m->conns_idle_xact = 0;
	m->conns_other = 0;
	m->oldest_idle_xact_s = NAN;
	m->notice = "";
	m->sessions = snapshot_alloc(s, 16 * sizeof(*m->sessions));
	s->data = m;
	*out = s;
	return m;
}

/* Adds a session; blockers ends with 0. */
static struct pg_session *
pg_add(struct snapshot *s, struct pg_model *m, int pid, double wait_s,
       const int *blockers)
{
	struct pg_session *x = &m->sessions[m->n_sessions++];
	size_t n = 0;

	cr_assert(m->n_sessions <= 16);
	x->pid = pid;
	x->user = "app";
	x->db = "app";
	x->client = "10.0.0.1:5000";
	x->app = "api";
	x->state = "active";
	x->wait_event = blockers != NULL ? "Lock:transactionid" : "";
	x->query = "UPDATE t SET x = 1";
	x->query_s = 1;
	x->xact_s = 1;
	x->lock_mode = "";
	x->lock_rel = "";
	x->wait_s = wait_s;
	while (blockers != NULL && blockers[n] != 0) {
		n++;
	}
	x->blocked_by = snapshot_alloc(s, (n + 1) * sizeof(int));
	if (n > 0) {
		memcpy(x->blocked_by, blockers, n * sizeof(int));
	}
	x->n_blocked_by = n;
	return x;
}

static struct snapshot *
redis_snap(double used, double max, double evicted)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.cache");
	struct redis_model *m = snapshot_alloc(s, sizeof(*m));

	m->version = "7.0.11";
	m->role = "master";
	m->policy = "allkeys-lru";
	m->used_bytes = used;
	m->max_bytes = max;
	m->evicted_per_s = evicted;
	m->hit_ratio = NAN;
	s->data = m;
	return s;
}

static struct snapshot *
kafka_snap(const char *group, const char *topic, double lag, double rate)
{
	struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.events");
	struct kafka_model *m = snapshot_alloc(s, sizeof(*m));

	m->bootstrap = "k1:9092";
	m->brokers_up = 1;
	m->brokers_total = 1;
	m->groups = snapshot_alloc(s, sizeof(*m->groups));
	m->groups[0].group = group;
	m->groups[0].topic = topic;
	m->groups[0].state = "Stable";
	m->groups[0].total_lag = lag;
	m->groups[0].lag_per_s = rate;
	m->n_groups = 1;
	s->data = m;
	return s;
}

/* A group the evaluator judged: status with its reason. */
static struct snapshot *
kafka_status_snap(const char *group, enum kafka_status st,
		  const char *reason, double lag)
{
	struct snapshot *s = kafka_snap(group, "orders", lag, 0);
	struct kafka_model *m = s->data;

	m->groups[0].status = st;
	m->groups[0].reason = reason;
	m->under_replicated = -1;
	return s;
}

static struct snapshot *
metric_snap(const char *name, enum metric_unit unit, double warn,
	    double crit, const char *label, double value)
{
	struct snapshot *s = snapshot_new(SNAP_METRICS, "prometheus.prod");
	struct metrics_model *m = snapshot_alloc(s, sizeof(*m));
	struct metric_panel *p = snapshot_alloc(s, sizeof(*p));

	p->name = name;
	p->expr = "sum(rate(x[5m]))";
	p->unit = unit;
	p->warn = warn;
	p->crit = crit;
	p->rows = snapshot_alloc(s, sizeof(*p->rows));
	p->rows[0].label = label;
	p->rows[0].value = value;
	p->rows[0].error = "";
	p->n_rows = 1;
	m->panels = p;
	m->n_panels = 1;
	s->data = m;
	return s;
}

struct alert_spec {
	const char *fp;
	const char *name;
	const char *severity;
	bool silenced;
};

static struct snapshot *
alerts_snap(const struct alert_spec *a, size_t n)
{
	struct snapshot *s = snapshot_new(SNAP_ALERTS, "alertmanager.prod");
	struct alerts_model *m = snapshot_alloc(s, sizeof(*m));
	size_t i;

	m->alerts = snapshot_alloc(s, (n + 1) * sizeof(*m->alerts));
	for (i = 0; i < n; i++) {
		m->alerts[i].fingerprint = a[i].fp;
		m->alerts[i].name = a[i].name;
		m->alerts[i].severity = a[i].severity;
		m->alerts[i].labels = "service=api";
		m->alerts[i].summary = "";
		m->alerts[i].silenced = a[i].silenced;
		m->alerts[i].silence_id = a[i].silenced ? "s-1" : "";
	}
	m->n_alerts = n;
	s->data = m;
	return s;
}

/* Asserts that s has exactly one finding, with key, sev and text. */
/* The at_row of s's only or worst finding ("" none). */
static const char *
first_at_row(struct snapshot *s)
{
	static struct finding f[4];

	return rules_findings(s, f, 4) > 0 ? f[0].at_row : "";
}

static void
assert_one(struct snapshot *s, const char *key, enum health sev,
	   const char *text)
{
	struct finding f[4];

	cr_assert_eq(rules_findings(s, f, 4), 1);
	cr_assert_str_eq(f[0].key, key);
	cr_assert_str_eq(f[0].text, text);
	cr_assert_eq(f[0].sev, sev, "%s: sev %d", key, f[0].sev);
	cr_assert_eq(rules_health(s), sev);
}

static void
assert_none(struct snapshot *s)
{
	struct finding f[4];
	size_t n = rules_findings(s, f, 4);

	cr_assert_eq(n, 0, "unexpected finding: %s", n ? f[0].text : "");
	cr_assert_eq(rules_health(s), HEALTH_OK);
}

/* ---- no data, errors -------------------------------------------------- */

Test(rules, null_and_empty)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.main");
	struct finding f[2];

	cr_assert_eq(rules_health(NULL), HEALTH_UNKNOWN);
	cr_assert_eq(rules_findings(NULL, f, 2), 0);
	cr_assert_eq(rules_health(s), HEALTH_UNKNOWN);
	cr_assert_eq(rules_findings(s, f, 2), 0);
	snapshot_unref(s);
	s = snapshot_new(SNAP_PG, "postgres.main");
	snapshot_set_error(s, "connection refused (127.0.0.1:5432)");
	cr_assert_eq(rules_health(s), HEALTH_CRIT);
	cr_assert_eq(rules_findings(s, f, 2), 0);
	snapshot_unref(s);
}

/* ---- pods ------------------------------------------------------------- */

Test(rules, pods_healthy)
{
	struct pod_row p[] = { pod("api-1", "api", "", 0),
			       pod("api-2", "api", "", 2) };
	struct deploy_row d[] = { deploy("api", 2, 2) };
	struct snapshot *s = pods_snap(p, 2, d, 1);

	assert_none(s);
	snapshot_unref(s);
}

Test(rules, pods_crashloop_majority_is_crit)
{
	struct pod_row p[] = {
		pod("api-1", "api", "CrashLoopBackOff", 7),
		pod("api-2", "api", "CrashLoopBackOff", 6),
		pod("api-3", "api", "CrashLoopBackOff", 5),
		pod("api-4", "api", "", 0),
		pod("api-5", "api", "", 0),
	};
	struct deploy_row d[] = { deploy("api", 5, 2) };
	struct snapshot *s = pods_snap(p, 5, d, 1);

	assert_one(s, "crashloop:prod/api", HEALTH_CRIT,
		   "api: 3/5 pods CrashLoopBackOff");
	snapshot_unref(s);
}

Test(rules, pods_crashloop_minority_is_warn)
{
	struct pod_row p[] = {
		pod("api-1", "api", "Error", 1),
		pod("api-2", "api", "CrashLoopBackOff", 1),
		pod("api-3", "api", "", 0),
		pod("api-4", "api", "", 0),
		pod("api-5", "api", "", 0),
	};
	struct deploy_row d[] = { deploy("api", 5, 3) };
	struct snapshot *s = pods_snap(p, 5, d, 1);

	assert_one(s, "crashloop:prod/api", HEALTH_WARN,
		   "api: 2/5 pods failing");
	snapshot_unref(s);
}

Test(rules, pods_oom)
{
	struct pod_row p[] = {
		pod("worker-1", "worker", "OOMKilled", 4),
		pod("worker-2", "worker", "", 0),
		pod("worker-3", "worker", "", 0),
	};
	struct snapshot *s = pods_snap(p, 3, NULL, 0);

	assert_one(s, "oom:prod/worker-1", HEALTH_WARN,
		   "pod worker-1 OOMKilled (4 restarts)");
	snapshot_unref(s);
}

Test(rules, pods_deployment_nothing_ready_is_crit)
{
	struct deploy_row d[] = { deploy("web", 3, 0) };
	struct snapshot *s = pods_snap(NULL, 0, d, 1);

	assert_one(s, "deploy:prod/web", HEALTH_CRIT,
		   "web: 0/3 replicas ready");
	snapshot_unref(s);
}

Test(rules, pods_deployment_partly_ready_is_warn)
{
	struct pod_row p[] = { pod("web-1", "web", "", 0) };
	struct deploy_row d[] = { deploy("web", 3, 2), deploy("idle", 0, 0) };
	struct snapshot *s = pods_snap(p, 1, d, 2);

	assert_one(s, "deploy:prod/web", HEALTH_WARN,
		   "web: 2/3 replicas ready");
	snapshot_unref(s);
}

Test(rules, pods_findings_worst_first_and_max)
{
	struct pod_row p[] = {
		pod("a-1", "a", "CrashLoopBackOff", 3),
		pod("a-2", "a", "", 0),
		pod("a-3", "a", "", 0),
		pod("b-1", "b", "CrashLoopBackOff", 3),
	};
	struct deploy_row d[] = { deploy("c", 2, 1) };
	struct snapshot *s = pods_snap(p, 4, d, 1);
	struct finding f[3];

	cr_assert_eq(rules_findings(s, f, 1), 3);
	cr_assert_str_eq(f[0].key, "crashloop:prod/b");
	cr_assert_eq(f[0].sev, HEALTH_CRIT);
	cr_assert_eq(rules_findings(s, f, 3), 3);
	cr_assert_str_eq(f[1].key, "crashloop:prod/a");
	cr_assert_str_eq(f[2].key, "deploy:prod/c");
	cr_assert_eq(f[2].sev, HEALTH_WARN);
	cr_assert_eq(rules_health(s), HEALTH_CRIT);
	snapshot_unref(s);
}

/* ---- postgres --------------------------------------------------------- */

Test(rules, pg_blocked_chain_counts_transitively)
{
	struct snapshot *s;
	struct pg_model *m = pg_new(&s);
	int by_root[] = { 4242, 0 }, by_100[] = { 100, 0 };

	pg_add(s, m, 4242, NAN, NULL);
	pg_add(s, m, 100, 42, by_root);
	pg_add(s, m, 101, 5, by_100);
	pg_add(s, m, 102, 10, by_root);
	assert_one(s, "pg-blocked:4242", HEALTH_CRIT,
		   "3 sessions blocked behind pid 4242, longest wait 42 s > "
		   "30 s");
	snapshot_unref(s);
}

Test(rules, pg_one_short_wait_is_warn)
{
	struct snapshot *s;
	struct pg_model *m = pg_new(&s);
	int by[] = { 7, 0 };

	/* The blocker is not visible to the role: still the root. */
	pg_add(s, m, 8, 3, by);
	assert_one(s, "pg-blocked:7", HEALTH_WARN,
		   "1 session blocked behind pid 7, longest wait 3.0 s");
	snapshot_unref(s);
}

Test(rules, pg_five_blocked_is_crit)
{
	struct snapshot *s;
	struct pg_model *m = pg_new(&s);
	int by[] = { 1, 0 };
	int pid;

	pg_add(s, m, 1, NAN, NULL);
	for (pid = 2; pid <= 6; pid++) {
		pg_add(s, m, pid, NAN, by);
	}
	/* No lock wait known: a waiter's wait is its query's age (1 s). */
	assert_one(s, "pg-blocked:1", HEALTH_CRIT,
		   "5 sessions blocked behind pid 1, longest wait 1.0 s; 5 "
		   "sessions waiting in all >= 5");
	snapshot_unref(s);

	/* Neither known: no longest. */
	m = pg_new(&s);
	pg_add(s, m, 1, NAN, NULL);
	for (pid = 2; pid <= 6; pid++) {
		pg_add(s, m, pid, NAN, by)->query_s = NAN;
	}
	assert_one(s, "pg-blocked:1", HEALTH_CRIT,
		   "5 sessions blocked behind pid 1; 5 sessions waiting in all "
		   ">= 5");
	snapshot_unref(s);
}

Test(rules, pg_lock_cycle)
{
	struct snapshot *s;
	struct pg_model *m = pg_new(&s);
	int by_a[] = { 11, 0 }, by_b[] = { 10, 0 };

	pg_add(s, m, 10, 1, by_a);
	pg_add(s, m, 11, 1, by_b);
	assert_one(s, "pg-cycle", HEALTH_CRIT,
		   "2 sessions blocked in a lock cycle");
	snapshot_unref(s);
}

/* A fresh snapshot with 150 active connections and idle ones. */
static struct snapshot *
pg_conns(double idle, double max)
{
	struct snapshot *s;
	struct pg_model *m = pg_new(&s);

	m->conns_active = 150;
	m->conns_idle = idle;
	m->max_connections = max;
	return s;
}

Test(rules, pg_connections)
{
	struct snapshot *s;

	s = pg_conns(34, 200);
	assert_one(s, "pg-conns", HEALTH_WARN,
		   "connections at 92 % > 80 % of max_connections (184/200)");
	snapshot_unref(s);
	s = pg_conns(42, 200);
	assert_one(s, "pg-conns", HEALTH_CRIT,
		   "connections at 96 % > 95 % of max_connections (192/200)");
	snapshot_unref(s);
	s = pg_conns(10, 200);  /* exactly 80 % */
	assert_none(s);
	snapshot_unref(s);
	s = pg_conns(100, NAN);
	assert_none(s);
	snapshot_unref(s);
}

Test(rules, pg_idle_in_transaction)
{
	struct snapshot *s;
	struct pg_model *m = pg_new(&s);
	struct pg_session *x;

	x = pg_add(s, m, 777, NAN, NULL);
	x->state = "idle in transaction";
	x->xact_s = 723;
	x = pg_add(s, m, 778, NAN, NULL);
	x->state = "idle in transaction";
	x->xact_s = 60;
	assert_one(s, "pg-idle-xact", HEALTH_WARN,
		   "1 session idle in transaction for more than 5 min "
		   "(oldest pid 777, 12m03s)");
	/* the row Enter shows: the session the text names */
	cr_expect_str_eq(first_at_row(s), "pid:777");
	snapshot_unref(s);
}

Test(rules, pg_long_query_names_the_longest)
{
	struct snapshot *s;
	struct pg_model *m = pg_new(&s);

	pg_add(s, m, 901, NAN, NULL)->query_s = 40;
	pg_add(s, m, 902, NAN, NULL)->query_s = 90;
	pg_add(s, m, 903, NAN, NULL)->query_s = 2;
	cr_assert_eq(rules_health(s), HEALTH_WARN);
	cr_expect_str_eq(first_at_row(s), "pid:902");
	snapshot_unref(s);
}

Test(rules, pg_idle_in_transaction_unseen_session)
{
	struct snapshot *s;
	struct pg_model *m = pg_new(&s);

	m->oldest_idle_xact_s = 301;
	assert_one(s, "pg-idle-xact", HEALTH_WARN,
		   "a session is idle in transaction for 5m01s (more than 5 "
		   "min)");
	snapshot_unref(s);
	m = pg_new(&s);
	m->oldest_idle_xact_s = 299;
	assert_none(s);
	snapshot_unref(s);
}

/* ---- redis ------------------------------------------------------------ */

/* Asserts that s has exactly two findings, worst first. */
static void
assert_two(struct snapshot *s, const char *key0, enum health sev0,
	   const char *text0, const char *key1, enum health sev1,
	   const char *text1)
{
	struct finding f[4];

	cr_assert_eq(rules_findings(s, f, 4), 2);
	cr_assert_str_eq(f[0].key, key0);
	cr_assert_str_eq(f[0].text, text0);
	cr_assert_eq(f[0].sev, sev0);
	cr_assert_str_eq(f[1].key, key1);
	cr_assert_str_eq(f[1].text, text1);
	cr_assert_eq(f[1].sev, sev1);
}

Test(rules, redis_memory)
{
	struct snapshot *s = redis_snap(97, 100, 120);

	assert_two(s, "redis-memory", HEALTH_CRIT,
		   "memory at 97 % > 95 % of maxmemory (97 B of 100 B)",
		   "redis-evicting", HEALTH_WARN,
		   "evicting keys at 120/s (maxmemory-policy allkeys-lru)");
	snapshot_unref(s);
	s = redis_snap(96, 100, 0);
	assert_one(s, "redis-memory", HEALTH_CRIT,
		   "memory at 96 % > 95 % of maxmemory (96 B of 100 B)");
	snapshot_unref(s);
	s = redis_snap(85, 100, 0);
	assert_one(s, "redis-memory", HEALTH_WARN,
		   "memory at 85 % > 80 % of maxmemory (85 B of 100 B)");
	snapshot_unref(s);
	s = redis_snap(50, 100, NAN);
	assert_none(s);
	snapshot_unref(s);
}

/* The numbers the issue saw: 2.39 M evicted at 90k/s, memory at 92 %. */
Test(rules, redis_evicting_keys)
{
	struct snapshot *s = redis_snap(0.92 * 2147483648.0, 2147483648.0,
					90000);

	((struct redis_model *)s->data)->evicted_keys = 2390000;
	assert_two(s, "redis-evicting", HEALTH_CRIT,
		   "evicting keys at 90k/s > 1.0k/s (maxmemory-policy "
		   "allkeys-lru, 2.4M since the server started)",
		   "redis-memory", HEALTH_WARN,
		   "memory at 92 % > 80 % of maxmemory (1.84 GiB of 2 GiB)");
	snapshot_unref(s);
}

Test(rules, redis_no_limit)
{
	struct snapshot *s = redis_snap(1e12, 0, 0);

	assert_none(s);
	snapshot_unref(s);
	s = redis_snap(10, 0, 0.5);
	assert_one(s, "redis-evicting", HEALTH_WARN,
		   "evicting keys at 0.5/s (maxmemory-policy allkeys-lru)");
	snapshot_unref(s);
}

/* ---- kafka ------------------------------------------------------------ */

Test(rules, kafka_status_is_a_finding_with_its_rule)
{
	struct snapshot *s;

	s = kafka_status_snap("billing", KAFKA_STALL, "STALL: partition 3 "
			      "committed 18,400 for 4m10s while log end rose "
			      "9,200 (lag 10,200, 2 members)", 10200);
	assert_one(s, "kafka:STALL:billing", HEALTH_CRIT,
		   "billing STALL: partition 3 committed 18,400 for 4m10s "
		   "while log end rose 9,200 (lag 10,200, 2 members)");
	snapshot_unref(s);
	s = kafka_status_snap("billing", KAFKA_STOP, "STOP: ...", 5);
	assert_one(s, "kafka:STOP:billing", HEALTH_CRIT, "billing STOP: ...");
	snapshot_unref(s);
	s = kafka_status_snap("billing", KAFKA_REWIND, "REWIND: ...", 5);
	assert_one(s, "kafka:REWIND:billing", HEALTH_WARN,
		   "billing REWIND: ...");
	snapshot_unref(s);
	s = kafka_status_snap("billing", KAFKA_WARN, "WARN: ...", 5000);
	assert_one(s, "kafka:WARN:billing", HEALTH_WARN, "billing WARN: ...");
	snapshot_unref(s);
	/* Growth past the runbook's critical lag is critical. */
	s = kafka_status_snap("billing", KAFKA_WARN, "WARN: ...", 200000);
	assert_one(s, "kafka:WARN:billing", HEALTH_CRIT, "billing WARN: ...");
	snapshot_unref(s);
	/* A judged group that is OK says nothing, whatever its lag. */
	s = kafka_status_snap("billing", KAFKA_OK, "OK: lag ...", 500000);
	assert_none(s);
	snapshot_unref(s);
}

Test(rules, kafka_brokers_down_and_under_replicated)
{
	struct snapshot *s = kafka_status_snap("billing", KAFKA_OK, "OK", 0);
	struct kafka_model *m = s->data;

	m->brokers_up = 2;
	m->brokers_total = 3;
	assert_one(s, "kafka-brokers", HEALTH_CRIT,
		   "1 of 3 Kafka brokers down");
	snapshot_unref(s);
	s = kafka_status_snap("billing", KAFKA_OK, "OK", 0);
	m = s->data;
	m->under_replicated = 12;
	assert_one(s, "kafka-urp", HEALTH_WARN,
		   "12 under-replicated partitions");
	snapshot_unref(s);
}

Test(rules, kafka_lag)
{
	struct snapshot *s = kafka_snap("billing", "orders", 120000, 1200);

	assert_one(s, "kafka-lag:billing/orders", HEALTH_CRIT,
		   "group billing lag 120k > 100k messages and growing "
		   "1.2k/s (topic orders)");
	snapshot_unref(s);
	s = kafka_snap("billing", "orders", 5000, 12);
	assert_one(s, "kafka-lag:billing/orders", HEALTH_WARN,
		   "group billing lag 5.0k > 1.0k messages and growing 12/s "
		   "(topic orders)");
	snapshot_unref(s);
	s = kafka_snap("billing", "orders", 5000, -40);
	assert_none(s);
	snapshot_unref(s);
	s = kafka_snap("billing", "orders", 900, 40);
	assert_none(s);
	snapshot_unref(s);
	s = kafka_snap("billing", "orders", 5000000, NAN);
	assert_none(s);
	snapshot_unref(s);
}

/* ---- metrics ---------------------------------------------------------- */

Test(rules, metrics_thresholds)
{
	struct snapshot *s;

	s = metric_snap("5xx ratio", UNIT_RATIO, 0.01, 0.05, "", 0.073);
	assert_one(s, "metric:5xx ratio", HEALTH_CRIT,
		   "5xx ratio 7.3 % > 5 % (crit)");
	snapshot_unref(s);
	s = metric_snap("5xx ratio", UNIT_RATIO, 0.01, 0.05, "api", 0.02);
	assert_one(s, "metric:5xx ratio:api", HEALTH_WARN,
		   "5xx ratio [api] 2 % > 1 % (warn)");
	snapshot_unref(s);
	s = metric_snap("p99 latency", UNIT_SECONDS, 0.25, NAN, "", 0.35);
	assert_one(s, "metric:p99 latency", HEALTH_WARN,
		   "p99 latency 350 ms > 250 ms (warn)");
	snapshot_unref(s);
	s = metric_snap("hit ratio", UNIT_RATIO, 0.9, 0.8, "", 0.85);
	assert_one(s, "metric:hit ratio", HEALTH_WARN,
		   "hit ratio 85 % < 90 % (warn)");
	snapshot_unref(s);
}

Test(rules, metrics_nan_ignored)
{
	struct snapshot *s;

	s = metric_snap("5xx ratio", UNIT_RATIO, 0.01, 0.05, "", NAN);
	assert_none(s);
	snapshot_unref(s);
	s = metric_snap("rps", UNIT_PER_SECOND, NAN, NAN, "", 1e9);
	assert_none(s);
	snapshot_unref(s);
	s = metric_snap("5xx ratio", UNIT_RATIO, 0.01, 0.05, "", 0.01);
	assert_none(s);
	snapshot_unref(s);
}

/* ---- alerts ----------------------------------------------------------- */

Test(rules, alerts)
{
	struct alert_spec crit[] = {
		{ "abc123", "HighErrorRate", "critical", false },
		{ "def456", "DiskFilling", "warning", false },
		{ "0a0a0a", "NodeDown", "critical", true },
	};
	struct alert_spec quiet[] = {
		{ "0a0a0a", "NodeDown", "critical", true },
	};
	struct snapshot *s = alerts_snap(crit, 3);
	struct finding f[4];

	cr_assert_eq(rules_findings(s, f, 4), 3);
	cr_assert_str_eq(f[0].key, "alert:abc123");
	cr_assert_str_eq(f[0].text, "alert HighErrorRate firing (critical)");
	cr_assert_eq(f[0].sev, HEALTH_CRIT);
	cr_assert_str_eq(f[1].key, "alert:def456");
	cr_assert_str_eq(f[1].text, "alert DiskFilling firing (warning)");
	cr_assert_eq(f[1].sev, HEALTH_WARN);
	/* Silenced: still there, as Alertmanager says, last and not
	 * counted. */
	cr_assert_str_eq(f[2].key, "alert:0a0a0a");
	cr_assert_str_eq(f[2].text, "alert NodeDown firing (critical), "
			 "silenced");
	cr_assert(f[2].suppressed);
	cr_assert_eq(rules_health(s), HEALTH_CRIT);
	snapshot_unref(s);
	s = alerts_snap(quiet, 1);
	cr_assert_eq(rules_findings(s, f, 4), 1);
	cr_assert(f[0].suppressed);
	cr_assert_eq(rules_health(s), HEALTH_OK);
	snapshot_unref(s);
	((struct alerts_model *)(s = alerts_snap(crit, 1))->data)
		->alerts[0].inhibited = true;
	cr_assert_eq(rules_findings(s, f, 4), 1);
	cr_assert_str_eq(f[0].text, "alert HighErrorRate firing (critical), "
			 "inhibited");
	cr_assert(f[0].suppressed);
	snapshot_unref(s);
}

/* ---- the tracker ------------------------------------------------------ */

struct tracker_fixture {
	struct timeline *tl;
	struct rules_tracker *rt;
};

static struct tracker_fixture fx;

/* A tracker whose rules hold nothing: each finding opens and closes at
 * the first snapshot that says so. */
static void
tracker_setup(void)
{
	fx.tl = timeline_new(NULL, NULL);
	fx.rt = rules_tracker_new(fx.tl);
	for (size_t i = 0; i < rules_hold_count(); i++) {
		cr_assert_eq(rules_tracker_set_hold(fx.rt, rules_hold_name(i),
						    0), 0);
	}
}

/* One with the rules' own holds. */
static void
held_setup(void)
{
	fx.tl = timeline_new(NULL, NULL);
	fx.rt = rules_tracker_new(fx.tl);
}

static void
tracker_teardown(void)
{
	rules_tracker_free(fx.rt);
	timeline_free(fx.tl);
}

static void
assert_entry(size_t idx, enum tl_kind kind, const char *source,
	     const char *text)
{
	const struct tl_entry *e = timeline_get(fx.tl, idx);

	cr_assert_not_null(e, "no entry %zu", idx);
	cr_assert_eq(e->kind, kind, "entry %zu: kind %s", idx,
		     tl_kind_name(e->kind));
	cr_assert_str_eq(e->source, source);
	cr_assert_str_eq(e->text, text);
}

static void
feed(const char *source, struct snapshot *s)
{
	rules_track(fx.rt, source, s);
	snapshot_unref(s);
}

Test(rules, tracker_alert_open_close, .init = tracker_setup,
     .fini = tracker_teardown)
{
	struct alert_spec firing[] = {
		{ "abc123", "HighErrorRate", "critical", false },
	};

	feed("alertmanager.prod", alerts_snap(firing, 1));
	cr_assert_eq(timeline_count(fx.tl), 1);
	assert_entry(0, TL_ALERT_OPEN, "alertmanager.prod",
		     "alert HighErrorRate firing (critical)");
	cr_assert_eq(rules_tracker_health(fx.rt, "alertmanager.prod"),
		     HEALTH_CRIT);
	feed("alertmanager.prod", alerts_snap(firing, 1));
	cr_assert_eq(timeline_count(fx.tl), 1);
	feed("alertmanager.prod", alerts_snap(NULL, 0));
	cr_assert_eq(timeline_count(fx.tl), 2);
	assert_entry(1, TL_ALERT_CLOSE, "alertmanager.prod",
		     "resolved: alert HighErrorRate no longer firing (fired 0s; "
		     "was: alert HighErrorRate firing (critical))");
	feed("alertmanager.prod", alerts_snap(NULL, 0));
	cr_assert_eq(timeline_count(fx.tl), 2);
	cr_assert_eq(rules_tracker_health(fx.rt, "alertmanager.prod"),
		     HEALTH_OK);
	cr_assert_eq(rules_tracker_health(fx.rt, "other"), HEALTH_UNKNOWN);
}

Test(rules, tracker_kafka_status_change_is_on_the_timeline,
     .init = tracker_setup, .fini = tracker_teardown)
{
	feed("kafka.events", kafka_status_snap("billing", KAFKA_OK, "OK", 0));
	cr_assert_eq(timeline_count(fx.tl), 0);
	feed("kafka.events", kafka_status_snap("billing", KAFKA_WARN,
					       "WARN: lag grew", 5000));
	feed("kafka.events", kafka_status_snap("billing", KAFKA_WARN,
					       "WARN: lag grew more", 9000));
	cr_assert_eq(timeline_count(fx.tl), 1);
	assert_entry(0, TL_FINDING_OPEN, "kafka.events",
		     "billing WARN: lag grew");
	/* WARN to STALL: one closes (saying what the group is now), the
	 * other opens. */
	feed("kafka.events", kafka_status_snap("billing", KAFKA_STALL,
					       "STALL: stuck", 9000));
	cr_assert_eq(timeline_count(fx.tl), 3);
	assert_entry(1, TL_FINDING_CLOSE, "kafka.events",
		     "cleared: billing now STALL: stuck (open 0s; worst: "
		     "billing WARN: lag grew)");
	assert_entry(2, TL_FINDING_OPEN, "kafka.events",
		     "billing STALL: stuck");
	cr_assert_eq(rules_tracker_health(fx.rt, "kafka.events"),
		     HEALTH_CRIT);
	feed("kafka.events", kafka_status_snap("billing", KAFKA_OK, "OK", 0));
	cr_assert_eq(timeline_count(fx.tl), 4);
	assert_entry(3, TL_FINDING_CLOSE, "kafka.events",
		     "cleared: billing now OK (open 0s; was: billing "
		     "STALL: stuck)");
}

Test(rules, tracker_uses_source_argument, .init = tracker_setup,
     .fini = tracker_teardown)
{
	feed("redis.sessions", redis_snap(99, 100, 0));
	cr_assert_eq(timeline_count(fx.tl), 1);
	assert_entry(0, TL_FINDING_OPEN, "redis.sessions",
		     "memory at 99 % > 95 % of maxmemory (99 B of 100 B)");
	/* Another source with the same finding is tracked apart. */
	feed("redis.cache", redis_snap(99, 100, 0));
	cr_assert_eq(timeline_count(fx.tl), 2);
	assert_entry(1, TL_FINDING_OPEN, "redis.cache",
		     "memory at 99 % > 95 % of maxmemory (99 B of 100 B)");
	feed("redis.cache", redis_snap(10, 100, 0));
	cr_assert_eq(timeline_count(fx.tl), 3);
	/* What cleared it, with the value that did. */
	assert_entry(2, TL_FINDING_CLOSE, "redis.cache",
		     "cleared: memory at 10 % of maxmemory (10 B) (open 0s; "
		     "was: memory at 99 % > 95 % of maxmemory (99 B of "
		     "100 B))");
	cr_assert_eq(timeline_get(fx.tl, 2)->finding->value, 0.1);
	cr_assert_eq(rules_tracker_findings(fx.rt, "redis.sessions", NULL, 0),
		     1);
	cr_assert_eq(rules_tracker_findings(fx.rt, "redis.cache", NULL, 0),
		     0);
}

Test(rules, tracker_down_up_keeps_findings, .init = tracker_setup,
     .fini = tracker_teardown)
{
	struct snapshot *s;
	struct pg_model *m;
	struct finding f[2];
	int by[] = { 4242, 0 };

	m = pg_new(&s);
	pg_add(s, m, 4242, NAN, NULL);
	pg_add(s, m, 5, 2, by);
	s->taken_mono_ms = 1000000;
	feed("postgres.main", s);
	cr_assert_eq(timeline_count(fx.tl), 1);
	assert_entry(0, TL_FINDING_OPEN, "postgres.main",
		     "1 session blocked behind pid 4242, longest wait 2.0 s");

	s = snapshot_new(SNAP_PG, "postgres.main");
	snapshot_set_error(s, "connection refused (127.0.0.1:5432)");
	s->taken_mono_ms = 1010000;
	feed("postgres.main", s);
	cr_assert_eq(timeline_count(fx.tl), 2);
	assert_entry(1, TL_SOURCE_DOWN, "postgres.main",
		     "postgres.main down: connection refused (127.0.0.1:5432)");
	cr_assert_eq(rules_tracker_health(fx.rt, "postgres.main"),
		     HEALTH_CRIT);
	cr_assert_eq(rules_tracker_findings(fx.rt, "postgres.main", f, 2), 1);
	cr_assert_str_eq(f[0].key, "pg-blocked:4242");

	s = snapshot_new(SNAP_PG, "postgres.main");
	snapshot_set_error(s, "timeout");
	feed("postgres.main", s);
	cr_assert_eq(timeline_count(fx.tl), 2);

	m = pg_new(&s);
	s->taken_mono_ms = 1075000;
	feed("postgres.main", s);
	cr_assert_eq(timeline_count(fx.tl), 4);
	assert_entry(2, TL_SOURCE_UP, "postgres.main",
		     "postgres.main up (down for 1m05s)");
	assert_entry(3, TL_FINDING_CLOSE, "postgres.main",
		     "cleared: no session waits behind pid 4242, which has "
		     "ended (0 waiting for locks in all) (open 1m15s; was: 1 "
		     "session blocked behind pid 4242, longest wait 2.0 s)");
	cr_assert_eq(rules_tracker_health(fx.rt, "postgres.main"),
		     HEALTH_OK);
	(void)m;
}

Test(rules, tracker_first_snapshot_error, .init = tracker_setup,
     .fini = tracker_teardown)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.cache");

	/* A healthy first snapshot says nothing. */
	feed("redis.cache", redis_snap(1, 100, 0));
	cr_assert_eq(timeline_count(fx.tl), 0);
	snapshot_set_error(s, "no route to host");
	feed("redis.cache", s);
	cr_assert_eq(timeline_count(fx.tl), 1);
	assert_entry(0, TL_SOURCE_DOWN, "redis.cache",
		     "redis.cache down: no route to host");
}

Test(rules, tracker_restarts_rising, .init = tracker_setup,
     .fini = tracker_teardown)
{
	struct pod_row p[] = { pod("api-1", "api", "", 1),
			       pod("api-2", "api", "", 0) };
	struct deploy_row d[] = { deploy("api", 2, 2) };
	struct snapshot *s;
	struct finding f[2];

	s = pods_snap(p, 2, d, 1);
	s->taken_mono_ms = 100000;
	feed("k8s.prod", s);
	cr_assert_eq(timeline_count(fx.tl), 0);

	p[0].restarts = 3;
	/* On its own the snapshot is healthy: only the series shows it. */
	s = pods_snap(p, 2, d, 1);
	cr_assert_eq(rules_health(s), HEALTH_OK);
	snapshot_unref(s);
	s = pods_snap(p, 2, d, 1);
	s->taken_mono_ms = 110000;
	feed("k8s.prod", s);
	cr_assert_eq(timeline_count(fx.tl), 1);
	assert_entry(0, TL_FINDING_OPEN, "k8s.prod",
		     "pod api-1 restarting (3 restarts)");
	cr_assert_eq(rules_tracker_health(fx.rt, "k8s.prod"), HEALTH_WARN);
	cr_assert_eq(rules_tracker_findings(fx.rt, "k8s.prod", f, 2), 1);
	cr_assert_str_eq(f[0].key, "restarts:prod/api-1");

	/* Still within the window: stays open, no new entry. */
	s = pods_snap(p, 2, d, 1);
	s->taken_mono_ms = 110000 + 5 * 60 * 1000;
	feed("k8s.prod", s);
	cr_assert_eq(timeline_count(fx.tl), 1);

	s = pods_snap(p, 2, d, 1);
	s->taken_mono_ms = 110000 + 10 * 60 * 1000;
	feed("k8s.prod", s);
	cr_assert_eq(timeline_count(fx.tl), 2);
	assert_entry(1, TL_FINDING_CLOSE, "k8s.prod",
		     "cleared: pod api-1 Running, 3 restarts (open 10m00s; "
		     "was: pod api-1 restarting (3 restarts))");
	cr_assert_eq(rules_tracker_health(fx.rt, "k8s.prod"), HEALTH_OK);
}

Test(rules, tracker_pods_crashloop_entries_once, .init = tracker_setup,
     .fini = tracker_teardown)
{
	struct pod_row p[] = { pod("api-1", "api", "CrashLoopBackOff", 4),
			       pod("api-2", "api", "", 0) };
	struct deploy_row d[] = { deploy("api", 2, 1) };
	struct snapshot *s;

	s = pods_snap(p, 2, d, 1);
	feed("k8s.prod", s);
	/* Restarts of a crashing pod do not add a second finding. */
	p[0].restarts = 5;
	s = pods_snap(p, 2, d, 1);
	feed("k8s.prod", s);
	cr_assert_eq(timeline_count(fx.tl), 1);
	assert_entry(0, TL_FINDING_OPEN, "k8s.prod",
		     "api: 1/2 pods CrashLoopBackOff");
	cr_assert_eq(rules_tracker_health(fx.rt, "k8s.prod"), HEALTH_CRIT);
}

/* ---- pod severity: one vocabulary ------------------------------------- */

Test(rules, pods_every_failing_status_is_a_finding)
{
	static const char *const failing[] = {
		"CrashLoopBackOff", "Error", "ImagePullBackOff",
		"ErrImagePull", "CreateContainerConfigError",
		"CreateContainerError", "InvalidImageName",
		"RunContainerError", "Failed", "Evicted", NULL,
	};
	char text[128];
	size_t i;

	for (i = 0; failing[i] != NULL; i++) {
		struct pod_row p[] = { pod("w-1", "w", failing[i], 0),
				       pod("w-2", "w", "", 0),
				       pod("w-3", "w", "", 0) };
		struct snapshot *s = pods_snap(p, 3, NULL, 0);
		const struct pods_model *m = snapshot_pods(s);

		snprintf(text, sizeof(text), "w: 1/3 pods %s", failing[i]);
		assert_one(s, "crashloop:prod/w", HEALTH_WARN, text);
		/* Derived in the snapshot, for every reader. */
		cr_assert_str_eq(m->pods[0].status, failing[i]);
		cr_assert_eq(m->pods[0].sev, HEALTH_CRIT, "%s", failing[i]);
		cr_assert_eq(m->pods[1].sev, HEALTH_OK);
		cr_assert_str_eq(m->pods[1].status, "Running");
		snapshot_unref(s);
	}
}

Test(rules, pods_not_there_yet_is_no_finding)
{
	struct pod_row p[] = { pod("w-1", "w", "ContainerCreating", 0),
			       pod("w-2", "w", "", 0) };
	struct snapshot *s;

	p[1].phase = "Pending";
	s = pods_snap(p, 2, NULL, 0);
	assert_none(s);
	cr_assert_eq(snapshot_pods(s)->pods[0].sev, HEALTH_WARN);
	cr_assert_eq(snapshot_pods(s)->pods[1].sev, HEALTH_WARN);
	cr_assert_str_eq(snapshot_pods(s)->pods[1].status, "Pending");
	snapshot_unref(s);
}

/* ---- derived once ----------------------------------------------------- */

Test(rules, derived_once_however_many_readers)
{
	struct snapshot *s = redis_snap(99, 100, 0);
	struct finding f[2];
	unsigned long before = rules_derive_count();
	int i;

	cr_assert_not(s->derived);
	for (i = 0; i < 5; i++) {
		cr_assert_eq(rules_health(s), HEALTH_CRIT);
		cr_assert_eq(rules_findings(s, f, 2), 1);
	}
	cr_assert(s->derived);
	cr_assert_eq(s->health, HEALTH_CRIT);
	cr_assert_eq(s->n_findings, 1);
	cr_assert_str_eq(s->findings[0].key, "redis-memory");
	cr_assert_eq(rules_derive_count(), before + 1);
	rules_derive(s);
	cr_assert_eq(rules_derive_count(), before + 1);
	snapshot_unref(s);
}

Test(rules, derive_count_is_one_per_published_snapshot)
{
	struct state *st = state_new();
	struct timeline *tl = timeline_new(NULL, NULL);
	struct rules_tracker *rt = rules_tracker_new(tl);
	int plain = state_add_source(st, "redis.cache", SNAP_REDIS);
	int tracked = state_add_source(st, "redis.sessions", SNAP_REDIS);

	cr_assert_eq(rules_tracker_set_hold(rt, "redis-memory", 0), 0);
	struct snapshot *s;
	unsigned long before = rules_derive_count();
	int round, i;

	cr_assert_geq(plain, 0);
	cr_assert_geq(tracked, 0);
	/* Without a tracker: derived on its own at publish. */
	for (round = 1; round <= 3; round++) {
		state_publish(st, plain, redis_snap(99, 100, 0));
		cr_assert_eq(rules_derive_count(), before + round);
		for (i = 0; i < 4; i++) {
			s = state_get(st, plain);
			cr_assert(s->derived);
			cr_assert_eq(rules_health(s), HEALTH_CRIT);
			cr_assert_eq(rules_findings(s, NULL, 0), 1);
			snapshot_unref(s);
		}
		cr_assert_eq(rules_derive_count(), before + round);
	}
	/* With one: derived by the tracker, which journals the finding. */
	state_set_tracker(st, rt);
	before = rules_derive_count();
	for (round = 1; round <= 3; round++) {
		state_publish(st, tracked, redis_snap(99, 100, 0));
		cr_assert_eq(rules_derive_count(), before + round);
		for (i = 0; i < 4; i++) {
			s = state_get(st, tracked);
			cr_assert_eq(rules_health(s), HEALTH_CRIT);
			snapshot_unref(s);
		}
		cr_assert_eq(rules_derive_count(), before + round);
	}
	cr_assert_eq(timeline_count(tl), 1);
	cr_assert_eq(rules_tracker_health(rt, "redis.sessions"), HEALTH_CRIT);
	/* A snapshot derived before it is published is not derived again. */
	s = redis_snap(10, 100, 0);
	state_derive(st, tracked, s);
	cr_assert(s->derived);
	cr_assert_eq(rules_derive_count(), before + 4);
	state_publish(st, tracked, s);
	cr_assert_eq(rules_derive_count(), before + 4);
	cr_assert_eq(timeline_count(tl), 2, "the finding closed");
	state_free(st);
	rules_tracker_free(rt);
	timeline_free(tl);
}

Test(rules, tracker_derives_what_it_is_fed, .init = tracker_setup,
     .fini = tracker_teardown)
{
	struct snapshot *s = redis_snap(99, 100, 0);
	struct snapshot *late = redis_snap(99, 100, 0);
	unsigned long before = rules_derive_count();

	rules_track(fx.rt, "redis.cache", s);
	cr_assert(s->derived);
	cr_assert_eq(s->health, HEALTH_CRIT);
	cr_assert_eq(s->n_findings, 1);
	cr_assert_eq(rules_derive_count(), before + 1);
	cr_assert_eq(timeline_count(fx.tl), 1);
	snapshot_unref(s);

	/* Already derived: the tracker leaves it alone. */
	cr_assert_eq(rules_health(late), HEALTH_CRIT);
	rules_track(fx.rt, "redis.other", late);
	cr_assert_eq(rules_derive_count(), before + 2);
	cr_assert_eq(timeline_count(fx.tl), 1);
	cr_assert_eq(rules_tracker_health(fx.rt, "redis.other"),
		     HEALTH_UNKNOWN);
	snapshot_unref(late);
}

/* ---- findings with a life: holds, one per subject, severity changes ---- */

#define MONO0 1000000
/* 2026-11-22 10:00:00 UTC */
#define WALL0 1795341600000LL

/* s as taken t_ms after the start. */
static struct snapshot *
at(struct snapshot *s, int64_t t_ms)
{
	s->taken_mono_ms = MONO0 + t_ms;
	s->taken_ms = WALL0 + t_ms;
	return s;
}

/* A database where nobody waits. */
static struct snapshot *
pg_empty(void)
{
	struct snapshot *s;

	pg_new(&s);
	return s;
}

/* A pile-up: n sessions behind pid 4242 (idle in transaction for xact_s),
 * the longest waiting wait_s. */
static struct snapshot *
pile_up(int n, double wait_s, double xact_s)
{
	struct snapshot *s;
	struct pg_model *m = pg_new(&s);
	struct pg_session *b;
	int by[] = { 4242, 0 };

	b = pg_add(s, m, 4242, NAN, NULL);
	b->state = "idle in transaction";
	b->xact_s = xact_s;
	for (int i = 0; i < n; i++) {
		pg_add(s, m, 5000 + i, i == 0 ? wait_s : wait_s / 2, by);
	}
	return s;
}

static size_t
count_kind(enum tl_kind kind)
{
	size_t i, k = 0;

	for (i = 0; i < timeline_count(fx.tl); i++) {
		k += timeline_get(fx.tl, i)->kind == kind;
	}
	return k;
}

/* Under OLTP load waits come and go in well under a second, behind
 * ever-changing pids: none of them is a finding. */
Test(rules, sub_second_lock_waits_are_no_finding, .init = held_setup,
     .fini = tracker_teardown)
{
	int t;

	for (t = 0; t < 120; t++) {
		struct snapshot *s;
		struct pg_model *m = pg_new(&s);
		int by[] = { 100 + t % 7, 0 };

		pg_add(s, m, 100 + t % 7, NAN, NULL);
		pg_add(s, m, 200 + t % 5, 0.05 * (t % 9), by);
		feed("postgres.main", at(s, t * 1000));
	}
	cr_assert_eq(timeline_count(fx.tl), 0);
	cr_assert_eq(rules_tracker_health(fx.rt, "postgres.main"), HEALTH_OK);
}

/* One pile-up is one finding: it opens once its longest wait passes the
 * 5 s hold, is updated in place as it grows, says when it turns
 * critical, and closes 5 s after it cleared, with what cleared it. */
Test(rules, a_pile_up_is_one_finding_for_its_life, .init = held_setup,
     .fini = tracker_teardown)
{
	struct snapshot *s;
	struct finding f[2];
	const struct tl_entry *e;

	feed("postgres.main", at(pg_empty(), 0));
	s = at(pile_up(1, 2, 3), 2000);
	rules_track(fx.rt, "postgres.main", s);
	cr_assert_eq(s->n_findings, 0, "2 s is not 5 s yet");
	snapshot_unref(s);
	feed("postgres.main", at(pile_up(2, 5.5, 6.5), 5500));
	cr_assert_eq(timeline_count(fx.tl), 1);
	assert_entry(0, TL_FINDING_OPEN, "postgres.main",
		     "2 sessions blocked behind pid 4242, idle in transaction "
		     "for 6.5 s, longest wait 5.5 s");
	e = timeline_get(fx.tl, 0);
	cr_assert_not_null(e->finding);
	cr_assert_str_eq(e->finding->key, "pg-blocked:4242");
	cr_assert_str_eq(e->finding->subject,
			 "sessions blocked behind pid 4242");
	cr_assert_eq(e->finding->value, 2);
	cr_assert_eq(e->finding->since_ms, WALL0);
	cr_assert_not(e->finding->preexisting);

	/* Growing: the snapshot's finding says so, the record does not
	 * repeat it. */
	s = at(pile_up(4, 12, 13), 12000);
	rules_track(fx.rt, "postgres.main", s);
	cr_assert_eq(s->n_findings, 1);
	cr_assert_str_eq(s->findings[0].text, "4 sessions blocked behind pid "
			 "4242, idle in transaction for 13 s, longest wait "
			 "12 s");
	cr_assert_eq(s->findings[0].opened_ms, WALL0 + 5500);
	cr_assert_eq(s->findings[0].peak, 4);
	snapshot_unref(s);
	cr_assert_eq(timeline_count(fx.tl), 1);

	/* Seven waiting: critical once it has held 5 s. */
	feed("postgres.main", at(pile_up(7, 20, 21), 20000));
	cr_assert_eq(timeline_count(fx.tl), 1);
	feed("postgres.main", at(pile_up(7, 23, 24), 23000));
	cr_assert_eq(timeline_count(fx.tl), 1);
	feed("postgres.main", at(pile_up(7, 25, 26), 25000));
	cr_assert_eq(timeline_count(fx.tl), 2);
	assert_entry(1, TL_FINDING_SEV, "postgres.main",
		     "warn -> crit: 7 sessions blocked behind pid 4242, idle "
		     "in transaction for 26 s, longest wait 25 s; 7 sessions "
		     "waiting in all >= 5");
	cr_assert_eq(timeline_get(fx.tl, 1)->finding->sev, HEALTH_CRIT);
	cr_assert_eq(rules_tracker_health(fx.rt, "postgres.main"),
		     HEALTH_CRIT);
	feed("postgres.main", at(pile_up(7, 200, 201), 200000));
	cr_assert_eq(timeline_count(fx.tl), 2);

	/* Terminated: gone, but a finding closes only after 5 s clear. */
	feed("postgres.main", at(pg_empty(), 202000));
	cr_assert_eq(timeline_count(fx.tl), 2);
	cr_assert_eq(rules_tracker_findings(fx.rt, "postgres.main", f, 2), 1);
	cr_assert(f[0].clearing);
	feed("postgres.main", at(pg_empty(), 207000));
	cr_assert_eq(timeline_count(fx.tl), 3);
	assert_entry(2, TL_FINDING_CLOSE, "postgres.main",
		     "cleared: no session waits behind pid 4242, which has "
		     "ended (0 waiting for locks in all) (open 3m21s; was: "
		     "7 sessions blocked behind pid 4242, idle in transaction "
		     "for 3m21s, longest wait 3m20s; 7 sessions waiting in "
		     "all >= 5)");
	e = timeline_get(fx.tl, 2);
	cr_assert_eq(e->finding->value, 0, "the clearing value");
	cr_assert_eq(e->finding->peak, 7);
	cr_assert_eq(e->finding->opened_ms, WALL0 + 5500);
	cr_assert_eq(rules_tracker_health(fx.rt, "postgres.main"), HEALTH_OK);
	cr_assert_eq(count_kind(TL_FINDING_OPEN), 1);
}

/* A clear shorter than the hold is not a close: the finding stays one. */
Test(rules, a_short_clear_does_not_close, .init = held_setup,
     .fini = tracker_teardown)
{
	feed("postgres.main", at(pg_empty(), 0));
	feed("postgres.main", at(pile_up(2, 6, 7), 6000));
	feed("postgres.main", at(pg_empty(), 8000));
	feed("postgres.main", at(pile_up(2, 9, 10), 10000));
	feed("postgres.main", at(pg_empty(), 12000));
	feed("postgres.main", at(pg_empty(), 16000));
	cr_assert_eq(timeline_count(fx.tl), 1);
	feed("postgres.main", at(pg_empty(), 17000));
	cr_assert_eq(timeline_count(fx.tl), 2);
	cr_assert_eq(count_kind(TL_FINDING_CLOSE), 1);
}

/* warn -> crit and crit -> warn are entries once they held the rule's
 * hold (metrics: 15 s); a one-poll spike is none. */
Test(rules, metric_severity_changes_are_entries, .init = held_setup,
     .fini = tracker_teardown)
{
	static const double v[] = {
		0.0157, 0.0157, 0.0157, 0.0157, 0.088, 0.0157, 0.088, 0.088,
		0.088, 0.088, 0.02, 0.02, 0.02, 0.02, 0.004, 0.004, 0.004,
		0.004,
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		feed("prometheus.prod", at(metric_snap("5xx ratio", UNIT_RATIO,
						       0.01, 0.05, "api",
						       v[i]),
					   (int64_t)i * 5000));
	}
	cr_assert_eq(timeline_count(fx.tl), 4);
	assert_entry(0, TL_FINDING_OPEN, "prometheus.prod",
		     "5xx ratio [api] 1.57 % > 1 % (warn)");
	assert_entry(1, TL_FINDING_SEV, "prometheus.prod",
		     "warn -> crit: 5xx ratio [api] 8.8 % > 5 % (crit)");
	assert_entry(2, TL_FINDING_SEV, "prometheus.prod",
		     "crit -> warn: 5xx ratio [api] 2 % > 1 % (warn)");
	assert_entry(3, TL_FINDING_CLOSE, "prometheus.prod",
		     "cleared: 5xx ratio [api] 0.4 % (open 1m10s; worst: 5xx "
		     "ratio [api] 8.8 % > 5 % (crit))");
	cr_assert_eq(timeline_get(fx.tl, 3)->finding->value, 0.004);
	cr_assert_eq(timeline_get(fx.tl, 3)->finding->peak, 0.088);
}

/* Numbers with enough digits that the comparison shows. */
Test(rules, comparisons_print_the_digits_that_differ)
{
	char buf[64];

	cr_assert_str_eq(rules_fmt_cmp(UNIT_RATIO, 0.0104, ">", 0.01, buf,
				       sizeof(buf)), "1.04 % > 1 %");
	cr_assert_str_eq(rules_fmt_cmp(UNIT_RATIO, 0.01004, ">", 0.01, buf,
				       sizeof(buf)), "1.004 % > 1 %");
	cr_assert_str_eq(rules_fmt_cmp(UNIT_SECONDS, 2.0004, ">", 2, buf,
				       sizeof(buf)), "2.0004 s > 2 s");
	cr_assert_str_eq(rules_fmt_cmp(UNIT_NONE, 100000.4, ">", 100000,
				       buf, sizeof(buf)),
			 "100000.4 > 100000");
	cr_assert_str_eq(rules_fmt_cmp(UNIT_RATIO, 0.073, ">", 0.05, buf,
				       sizeof(buf)), "7.3 % > 5 %");
	cr_assert_str_eq(rules_fmt_cmp(UNIT_SECONDS, 0.35, ">", 0.25, buf,
				       sizeof(buf)), "350 ms > 250 ms");
	cr_assert_str_eq(rules_fmt_cmp(UNIT_RATIO, 0.01, ">", 0.01, buf,
				       sizeof(buf)), "1 % > 1 %");
}

/* A condition there at the first poll opens marked as such: it does not
 * say when the incident started. */
Test(rules, conditions_there_from_the_start_are_marked, .init = held_setup,
     .fini = tracker_teardown)
{
	feed("redis.cache", at(redis_snap(90, 100, 0), 0));
	feed("redis.cache", at(redis_snap(90, 100, 0), 10000));
	cr_assert_eq(timeline_count(fx.tl), 1);
	cr_assert(timeline_get(fx.tl, 0)->finding->preexisting);
	feed("redis.sessions", at(redis_snap(10, 100, 0), 0));
	feed("redis.sessions", at(redis_snap(90, 100, 0), 2000));
	feed("redis.sessions", at(redis_snap(90, 100, 0), 12000));
	cr_assert_eq(timeline_count(fx.tl), 2);
	cr_assert_not(timeline_get(fx.tl, 1)->finding->preexisting);
}

/* What a resumed journal says is open stays open without a new entry
 * while it holds; one that went away closes after its hold. */
Test(rules, seeded_findings_continue, .init = held_setup,
     .fini = tracker_teardown)
{
	struct finding f;

	memset(&f, 0, sizeof(f));
	strcpy(f.key, "redis-memory");
	strcpy(f.text, "memory at 90 % > 80 % of maxmemory");
	f.sev = HEALTH_WARN;
	f.value = 0.9;
	f.peak = 0.95;
	f.opened_ms = WALL0 - 60000;
	rules_tracker_seed(fx.rt, "redis.cache", &f);
	strcpy(f.key, "redis-evicting");
	rules_tracker_seed(fx.rt, "redis.cache", &f);
	cr_assert_eq(rules_tracker_findings(fx.rt, "redis.cache", NULL, 0), 2);
	feed("redis.cache", at(redis_snap(90, 100, 0), 0));
	feed("redis.cache", at(redis_snap(90, 100, 0), 5000));
	cr_assert_eq(timeline_count(fx.tl), 1);
	assert_entry(0, TL_FINDING_CLOSE, "redis.cache",
		     "cleared: no key evicted since the last poll (open 1m05s; "
		     "was: memory at 90 % > 80 % of maxmemory)");
	cr_assert_eq(rules_tracker_findings(fx.rt, "redis.cache", NULL, 0), 1);
}

/* A silence is Alertmanager suppressing a firing alert: an alert-state
 * entry, never a resolution; its end is another; the resolution is when
 * the alert goes. */
Test(rules, silences_are_states_not_resolutions, .init = held_setup,
     .fini = tracker_teardown)
{
	struct alert_spec firing[] = {
		{ "abc123", "HighErrorRate", "critical", false },
	};
	struct alert_spec silenced[] = {
		{ "abc123", "HighErrorRate", "critical", true },
	};

	feed("alertmanager.prod", at(alerts_snap(firing, 1), 0));
	feed("alertmanager.prod", at(alerts_snap(silenced, 1), 5000));
	cr_assert_eq(rules_tracker_health(fx.rt, "alertmanager.prod"),
		     HEALTH_OK, "suppressed: not counted");
	feed("alertmanager.prod", at(alerts_snap(silenced, 1), 10000));
	feed("alertmanager.prod", at(alerts_snap(firing, 1), 15000));
	feed("alertmanager.prod", at(alerts_snap(NULL, 0), 20000));
	cr_assert_eq(timeline_count(fx.tl), 4);
	assert_entry(0, TL_ALERT_OPEN, "alertmanager.prod",
		     "alert HighErrorRate firing (critical)");
	assert_entry(1, TL_ALERT_STATE, "alertmanager.prod",
		     "alert HighErrorRate firing (critical), silenced");
	assert_entry(2, TL_ALERT_STATE, "alertmanager.prod",
		     "no longer suppressed: alert HighErrorRate firing "
		     "(critical)");
	assert_entry(3, TL_ALERT_CLOSE, "alertmanager.prod",
		     "resolved: alert HighErrorRate no longer firing (fired "
		     "20s; was: alert HighErrorRate firing (critical))");
	cr_assert_eq(count_kind(TL_ALERT_CLOSE), 1);
}

/* The condition of a pile-up is a wait past the hold: once the blocker's
 * sessions wait only a moment each (it committed and went back to work),
 * the finding closes, though the pid still blocks now and then. */
Test(rules, a_blocker_back_to_short_waits_clears, .init = held_setup,
     .fini = tracker_teardown)
{
	int t;

	feed("postgres.main", at(pg_empty(), 0));
	feed("postgres.main", at(pile_up(3, 8, 9), 8000));
	cr_assert_eq(count_kind(TL_FINDING_OPEN), 1);
	for (t = 10; t <= 20; t += 2) {
		feed("postgres.main", at(pile_up(1, 0.3, 0.4), t * 1000));
	}
	cr_assert_eq(count_kind(TL_FINDING_CLOSE), 1);
	assert_entry(1, TL_FINDING_CLOSE, "postgres.main",
		     "cleared: 1 session behind pid 4242, longest wait 0.3 s "
		     "(open 8s; was: 3 sessions blocked behind pid 4242, "
		     "idle in transaction for 9.0 s, longest wait 8.0 s)");
}
