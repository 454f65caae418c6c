/* tui/pane_*: each pane drawn from hand-built snapshots into a real
 * ncurses screen and read back: the lock tree, filters, sort orders,
 * targets, sanitized and wide text, small rectangles. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/rules.h"
#include "core/sanitize.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/timeline.h"
#include "probes/demo.h"
#include "tests/unit/model_fixture.h"
#include "tests/unit/screen_fixture.h"
#include "themes/theme.h"
#include "tui/app.h"
#include "tui/header.h"
#include "tui/pane.h"

#define ROWS 48
#define COLS 180
/* 2026-11-22 03:12:07Z */
#define WALL0 1795317127000LL
#define MONO0 5000000LL

static struct theme theme;

static void
setup(void)
{
	scr_open(ROWS, COLS);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	theme_defaults(&theme);
	theme_apply(&theme);
	clock_set_fake(MONO0, WALL0);
}

static void
teardown(void)
{
	scr_close();
	clock_set_real();
}

TestSuite(panes, .init = setup, .fini = teardown);

/* ---- reading the screen back --------------------------------------------- */

/* One screen row as UTF-8 (a wide character once) with the screen column
 * of every byte. */
struct line {
	char s[COLS * 4 + 1];
	int col[COLS * 4 + 1];
};

static struct line *
read_line(int y, struct line *l)
{
	scr_row_cols(y, 0, COLS, l->s, l->col, sizeof(l->s));
	return l;
}

/* The first screen row (from y0) containing needle, or -1. */
static int
find_row(const char *needle, int y0)
{
	return scr_find_row(needle, y0, NULL);
}

/* The screen column where needle starts on row y, or -1. */
static int
col_of(int y, const char *needle)
{
	static struct line l;
	const char *hit;

	read_line(y, &l);
	hit = strstr(l.s, needle);
	return hit ? l.col[hit - l.s] : -1;
}

static int
count_rows(const char *needle)
{
	struct line l;
	int n = 0;

	for (int y = 0; y < ROWS; y++) {
		if (strstr(read_line(y, &l)->s, needle) != NULL) {
			n++;
		}
	}
	return n;
}

static short
role_pair(enum role r)
{
	return (short)PAIR_NUMBER(theme_attr(&theme, r));
}

/* ---- panes and contexts -------------------------------------------------- */

static struct pane
make_pane(const struct pane_ops *ops)
{
	struct pane p;

	memset(&p, 0, sizeof(p));
	p.ops = ops;
	p.number = 1;
	p.source = 0;
	return p;
}

/* A pane's context for s. A pane only ever sees published snapshots,
 * which are derived (the lock graph, each pod's status and severity):
 * s is derived here as publishing would, so a test changes a snapshot's
 * data before it makes a context for it. */
static struct pane_ctx
make_ctx(const struct snapshot *s, struct timeline *tl)
{
	struct pane_ctx c;

	rules_derive((struct snapshot *)s);

	memset(&c, 0, sizeof(c));
	c.theme = &theme;
	c.snap = s;
	c.data = s;
	c.timeline = tl;
	c.now_mono_ms = clock_mono_ms();
	c.now_wall_ms = clock_wall_ms();
	c.focused = true;
	return c;
}

/* What the pane gives for the key map's request of type: the target of
 * its selection (zeroed first, the type set as the key map sets it);
 * false when the selection has none of that type, or the pane has no
 * targets at all (no target function, as the key map reads it). */
static bool
target_of(struct pane *p, const struct pane_ctx *c, enum target_type type,
	  struct action_target *t)
{
	bool ok;

	memset(t, 0, sizeof(*t));
	ok = p->ops->target != NULL && p->ops->target(p, c, type, t);
	t->type = type;
	return ok;
}

/* A pod or deployment target as "ns/name". */
static const char *
ns_name(const struct action_target *t)
{
	static char buf[512];

	if (t->type == TARGET_POD) {
		snprintf(buf, sizeof(buf), "%s/%s", t->u.pod.ns, t->u.pod.name);
	} else {
		snprintf(buf, sizeof(buf), "%s/%s", t->u.deploy.ns,
			 t->u.deploy.name);
	}
	return buf;
}

static void
draw_full(struct pane *p, const struct pane_ctx *c)
{
	werase(stdscr);
	p->ops->draw(p, c, stdscr, 0, 0, ROWS, COLS);
}

static void
press(struct pane *p, const struct pane_ctx *c, int key)
{
	p->ops->key(p, c, key);
}

static const char *
S(struct snapshot *s, const char *str)
{
	return snapshot_strdup(s, str);
}

static struct series
make_series(struct snapshot *s, size_t n, double base, double step)
{
	struct series sr;

	sr.v = snapshot_alloc(s, n * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		sr.v[i] = base + step * (double)i;
	}
	sr.n = n;
	sr.step_ms = 15000;
	return sr;
}

/* ---- builders ------------------------------------------------------------ */

/* 27 pods: 3 api pods (one crashing, one pending), a cache pod killed
 * by OOM, a proxy being created, 22 healthy workers; 2 deployments; 2
 * events. */
static struct snapshot *
build_pods(void)
{
	struct snapshot *s = snapshot_new(SNAP_PODS, "k8s.prod");
	struct pods_model *m = snapshot_alloc(s, sizeof(*m));
	char name[64];
	size_t i = 0;

	m->context = S(s, "prod");
	m->pods = snapshot_alloc(s, 27 * sizeof(*m->pods));
	for (int k = 0; k < 22; k++) {
		snprintf(name, sizeof(name), "worker-%02d", k);
		fixture_pod(s, &m->pods[i++], "prod", name, "worker", "Running",
			    "", 1, k % 3);
	}
	fixture_pod(s, &m->pods[i++], "prod", "api-7d9f-bbb", "api", "Running",
		    "", 1, 0);
	fixture_pod(s, &m->pods[i++], "prod", "db-proxy", "db-proxy", "Pending",
		    "ContainerCreating", 0, 0);
	fixture_pod(s, &m->pods[i++], "prod", "api-7d9f-ccc", "api", "Pending",
		    "", 0, 0);
	fixture_pod(s, &m->pods[i++], "prod", "cache-0", "cache", "Running",
		    "OOMKilled", 0, 3);
	fixture_pod(s, &m->pods[i++], "prod", "api-7d9f-aaa", "api", "Running",
		    "CrashLoopBackOff", 0, 12);
	m->n_pods = i;
	m->deploys = snapshot_alloc(s, 2 * sizeof(*m->deploys));
	m->deploys[0] = (struct deploy_row){ S(s, "prod"), S(s, "worker"), 22,
					     22, 22, 22, 7,
					     S(s, "registry/worker:1.4") };
	m->deploys[1] = (struct deploy_row){ S(s, "prod"), S(s, "api"), 3, 1,
					     3, 1, 42,
					     S(s, "registry/api:2.0") };
	m->n_deploys = 2;
	m->events = snapshot_alloc(s, 2 * sizeof(*m->events));
	m->events[0] = (struct event_row){ WALL0 - 5000, S(s, "Warning"),
					   S(s, "BackOff"),
					   S(s, "Pod/api-7d9f-aaa"),
					   S(s, "Back-off restarting failed "
					      "container") };
	m->events[1] = (struct event_row){ WALL0 - 600000, S(s, "Normal"),
					   S(s, "Scheduled"),
					   S(s, "Pod/api-7d9f-ccc"),
					   S(s, "Successfully assigned") };
	m->n_events = 2;
	s->data = m;
	return s;
}

static void
block(struct snapshot *s, struct pg_session *x, const int *pids, size_t n,
      double wait_s)
{
	x->blocked_by = snapshot_alloc(s, n * sizeof(int));
	memcpy(x->blocked_by, pids, n * sizeof(int));
	x->n_blocked_by = n;
	x->lock_mode = S(s, "ShareLock");
	x->lock_rel = S(s, "accounts");
	x->wait_event = S(s, "Lock:transactionid");
	x->wait_s = wait_s;
	x->state = S(s, "active");
}

static struct pg_model *
new_pg(struct snapshot *s, size_t cap)
{
	struct pg_model *m = snapshot_alloc(s, sizeof(*m));

	m->server_version = S(s, "15.4");
	m->max_connections = 100;
	m->conns_active = 41;
	m->conns_idle = 12;
	m->conns_idle_xact = 3;
	m->conns_other = NAN;
	m->oldest_idle_xact_s = 252;
	m->sessions = snapshot_alloc(s, cap * sizeof(*m->sessions));
	m->replay_delay_s = NAN;
	m->xact_per_s = 1200;
	m->rollback_per_s = 3;
	m->deadlocks = 0;
	m->db_size_bytes = 12.0 * 1024 * 1024 * 1024;
	m->notice = S(s, "");
	s->data = m;
	return m;
}

/* Two roots: 4300 (listed first) blocks one session; 4242, idle in
 * transaction for 4m12s, blocks 5012 and 5013, and 5012 blocks 5020. */
static struct snapshot *
build_pg(void)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.main");
	struct pg_model *m = new_pg(s, 16);
	struct pg_session *x;
	static const int by4242[] = { 4242 };
	static const int by4300[] = { 4300 };
	static const int by5012[] = { 5012 };

	fixture_session(s, m, 4300, "active", "ALTER TABLE invoices ADD COLUMN "
			"note text", 20);
	x = fixture_session(s, m, 6001, "active", "SELECT * FROM invoices", 8);
	block(s, x, by4300, 1, 8);
	x = fixture_session(s, m, 5013, "active", "UPDATE accounts SET balance "
			    "= 0 WHERE id = 2", 40);
	block(s, x, by4242, 1, 40);
	x = fixture_session(s, m, 5020, "active", "DELETE FROM accounts WHERE "
			    "id = 1", 30);
	block(s, x, by5012, 1, 30);
	x = fixture_session(s, m, 4242, "idle in transaction", "UPDATE "
			    "accounts SET balance = balance - 10\n  WHERE id = "
			    "1", 252);
	x->backend_start_us = WALL0 * 1000 + 123456;
	x = fixture_session(s, m, 5012, "active", "UPDATE accounts SET balance "
			    "= balance + 10 WHERE id = 1", 42);
	block(s, x, by4242, 1, 42);
	fixture_session(s, m, 7000, "idle", "SELECT 1", 600);
	fixture_session(s, m, 7001, "active", "SELECT pg_sleep(12)", 12);
	return s;
}

static struct snapshot *
build_redis(double max_bytes)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.cache");
	struct redis_model *m = snapshot_alloc(s, sizeof(*m));

	m->version = S(s, "7.0.11");
	m->role = S(s, "master");
	m->policy = S(s, "allkeys-lru");
	m->used_bytes = 1.9 * 1024 * 1024 * 1024;
	m->max_bytes = max_bytes;
	m->rss_bytes = 2.1 * 1024 * 1024 * 1024;
	m->peak_bytes = 1.95 * 1024 * 1024 * 1024;
	m->frag_ratio = 1.1;
	m->evicted_per_s = 120;
	m->expired_per_s = 3;
	m->hit_ratio = 0.92;
	m->ops_per_s = 12000;
	m->clients = 420;
	m->blocked_clients = 2;
	m->rejected_per_s = 0;
	m->ping_ms = 0.4;
	m->keys = 1200000;
	m->mem_history = make_series(s, 40, 1.0e9, 2.0e7);
	m->slowlog = snapshot_alloc(s, 12 * sizeof(*m->slowlog));
	for (int i = 0; i < 12; i++) {
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "KEYS session:%d:*", i);
		m->slowlog[i] = (struct redis_slowlog){
			100 + i, WALL0 - 1000 * i, 1000.0 * (i + 1), S(s, cmd),
			S(s, "10.0.0.9:4000") };
	}
	m->n_slowlog = 12;
	m->client_list = snapshot_alloc(s, 2 * sizeof(*m->client_list));
	m->client_list[0] = (struct redis_client){ 7, S(s, "10.0.0.5:51234"),
						   S(s, "worker"), 3600, 900,
						   S(s, "blpop") };
	m->client_list[1] = (struct redis_client){ 8, S(s, "10.0.0.6:40000"),
						   S(s, ""), 60, 1,
						   S(s, "get") };
	m->n_client_list = 2;
	s->data = m;
	return s;
}

static struct snapshot *
build_kafka(void)
{
	struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.main");
	struct kafka_model *m = snapshot_alloc(s, sizeof(*m));
	struct kafka_group *g;

	m->bootstrap = S(s, "127.0.0.1:9092");
	m->brokers_up = 2;
	m->brokers_total = 3;
	m->under_replicated = 4;
	m->notice = S(s, "");
	m->groups = snapshot_alloc(s, 2 * sizeof(*m->groups));
	g = &m->groups[0];
	g->group = S(s, "billing");
	g->topic = S(s, "payments");
	g->state = S(s, "Stable");
	g->members = 3;
	g->total_lag = 10;
	g->lag_per_s = 0;
	g->lag_s = 2;
	g->status = KAFKA_OK;
	g->reason = S(s, "OK: lag 10 over 1 partition, no rule fired");
	g->worst = -1;
	g->error = S(s, "");
	g->lag_history = make_series(s, 20, 10, 0);
	g = &m->groups[1];
	g->group = S(s, "orders-consumer");
	g->topic = S(s, "orders");
	g->state = S(s, "Stable");
	g->members = 2;
	g->total_lag = 12000;
	g->lag_per_s = 1200;
	g->lag_s = 250;
	g->status = KAFKA_STALL;
	g->reason = S(s, "STALL: partition 0 committed 5,000 for 4m10s while "
		      "log end rose 6,000 (lag 6,000, 2 members)");
	g->worst = 0;
	g->error = S(s, "");
	g->lag_history = make_series(s, 20, 0, 600);
	g->partitions = snapshot_alloc(s, 2 * sizeof(*g->partitions));
	g->partitions[0] = (struct kafka_partition){
		0, 5000, 11000, 6000, .topic = S(s, "orders"), .lag_s = 250,
		.owner = S(s, "orders-7d9f@10.0.0.7"), .status = KAFKA_STALL,
		.reason = S(s, "STALL: partition 0 committed 5,000 for 4m10s "
			    "while log end rose 6,000 (lag 6,000, 2 members)"),
	};
	g->partitions[1] = (struct kafka_partition){
		1, NAN, 6000, NAN, .topic = S(s, "orders"), .lag_s = NAN,
		.owner = S(s, ""), .reason = S(s, "partition 1: no commit"),
	};
	g->n_partitions = 2;
	m->n_groups = 2;
	s->data = m;
	return s;
}

static struct snapshot *
build_metrics(void)
{
	struct snapshot *s = snapshot_new(SNAP_METRICS, "prometheus.main");
	struct metrics_model *m = snapshot_alloc(s, sizeof(*m));
	struct metric_panel *pn;

	m->panels = snapshot_alloc(s, 2 * sizeof(*m->panels));
	pn = &m->panels[0];
	fixture_panel(s, pn, "5xx ratio",
		      "sum(rate(http_requests_total{code=~\"5..\"}[5m]))",
		      UNIT_RATIO, 0.01, 0.05, 3);
	pn->rows[0] = (struct metric_row){ S(s, "api"), 0.042, S(s, ""),
					   make_series(s, 30, 0.01, 0.001) };
	pn->rows[1] = (struct metric_row){ S(s, "web"), NAN, S(s, ""),
					   { NULL, 0, 15000 } };
	pn->rows[2] = (struct metric_row){ S(s, "auth"), NAN,
					   S(s, "query timed out"),
					   { NULL, 0, 15000 } };
	pn->n_rows = 3;
	pn = &m->panels[1];
	fixture_panel(s, pn, "p95 latency", "histogram_quantile(0.95, ...)",
		      UNIT_SECONDS, NAN, NAN, 1);
	pn->rows[0] = (struct metric_row){ S(s, "checkout"), 0.87, S(s, ""),
					   make_series(s, 30, 0.5, 0.01) };
	pn->n_rows = 1;
	m->n_panels = 2;
	s->data = m;
	return s;
}

static struct snapshot *
build_alerts(void)
{
	struct snapshot *s = snapshot_new(SNAP_ALERTS, "alertmanager.main");
	struct alerts_model *m = snapshot_alloc(s, sizeof(*m));

	m->alerts = snapshot_alloc(s, 5 * sizeof(*m->alerts));
	fixture_alert(s, &m->alerts[0], "fp-warn", "DiskFilling",
		      "warning", "node=n1",
		      "disk 85 % full", WALL0 - 7200000);
	fixture_alert(s, &m->alerts[1], "fp-crit-new", "PodCrashLooping",
		      "critical", "pod=api",
		      "api is crash looping", WALL0 - 60000);
	fixture_alert(s, &m->alerts[2], "fp-info", "Deploy",
		      "info", "",
		      "a deploy happened", WALL0 - 9000000);
	fixture_alert(s, &m->alerts[3], "fp-crit-old", "HighErrorRate",
		      "critical", "service=api",
		      "5xx above 5 %", WALL0 - 600000);
	m->alerts[3].silenced = true;
	m->alerts[3].silence_id = S(s, "sil-1");
	fixture_alert(s, &m->alerts[4], "fp-none", "Watchdog",
		      "", "",
		      "always firing", WALL0 - 99000000);
	m->n_alerts = 5;
	s->data = m;
	return s;
}

/* ---- the lock tree ------------------------------------------------------- */

Test(panes, lock_tree_order_and_nesting)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	int r4242, rq, r5012, r5020, r5013, r4300, r6001;

	draw_full(&p, &c);
	r4242 = find_row("pid 4242", 0);
	r5012 = find_row("pid 5012", 0);
	r5020 = find_row("pid 5020", 0);
	r5013 = find_row("pid 5013", 0);
	r4300 = find_row("pid 4300", 0);
	r6001 = find_row("pid 6001", 0);
	cr_assert(r4242 >= 0 && r5012 >= 0 && r5020 >= 0 && r5013 >= 0 &&
		  r4300 >= 0 && r6001 >= 0);
	/* Root first, by sessions blocked: 4242 (3) before 4300 (1). */
	cr_assert_lt(r4242, r5012);
	cr_assert_lt(r5012, r5020);
	cr_assert_lt(r5020, r5013);
	cr_assert_lt(r5013, r4300);
	cr_assert_lt(r4300, r6001);
	/* The root line says what it is and how many it blocks. */
	read_line(r4242, &l);
	cr_assert(strstr(l.s, "pid 4242 billing@orders (billing-api) idle in "
			 "transaction 4m12s") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "blocks 3") != NULL, "%s", l.s);
	cr_assert_eq(col_of(r4242, "pid 4242"), 0);
	/* Selected (and focused) it is highlighted; else critical. */
	cr_assert_eq(scr_pair(r4242, 0), role_pair(ROLE_SELECTED));
	c.focused = false;
	draw_full(&p, &c);
	cr_assert_eq(scr_pair(r4242, 0), role_pair(ROLE_CRIT));
	cr_assert_eq(scr_pair(r5012, 3), role_pair(ROLE_WARN));
	/* Its query on the next line, on one line, under a pipe. */
	rq = r4242 + 1;
	read_line(rq, &l);
	cr_assert(strncmp(l.s, "│  UPDATE accounts SET balance = balance - 10 "
			  "WHERE id = 1", 60) == 0, "%s", l.s);
	/* Waiters one level in, the waiter's waiter two. */
	read_line(r5012, &l);
	cr_assert(strncmp(l.s, "├─ pid 5012 (billing-api) waits 42s "
			  "ShareLock on accounts", 59) == 0, "%s", l.s);
	cr_assert(strstr(l.s, "blocks 1") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "— UPDATE accounts SET balance = balance + 10")
		  != NULL, "%s", l.s);
	cr_assert_eq(col_of(r5012, "pid 5012"), 3);
	read_line(r5020, &l);
	cr_assert(strncmp(l.s, "│  └─ pid 5020 (billing-api) waits 30s",
			  44) == 0, "%s", l.s);
	cr_assert_eq(col_of(r5020, "pid 5020"), 6);
	read_line(r5013, &l);
	cr_assert(strncmp(l.s, "└─ pid 5013 (billing-api) waits 40s", 38) == 0,
		  "%s", l.s);
	read_line(r6001, &l);
	cr_assert(strncmp(l.s, "└─ pid 6001", 14) == 0, "%s", l.s);
	/* The heading counts them. */
	cr_assert(find_row("LOCKS 2 blockers", 0) >= 0);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, lock_tree_ascii_guides)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;

	text_utf8 = false;
	draw_full(&p, &c);
	read_line(find_row("pid 5020", 0), &l);
	cr_assert(strncmp(l.s, "|  `- pid 5020", 14) == 0, "%s", l.s);
	read_line(find_row("pid 5012", 0), &l);
	cr_assert(strncmp(l.s, "|- pid 5012", 11) == 0, "%s", l.s);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, lock_tree_cycle_terminates, .timeout = 5)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.main");
	struct pg_model *m = new_pg(s, 4);
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c;
	struct pg_session *a, *b, *w;
	static const int by1[] = { 101 }, by2[] = { 102 };

	a = fixture_session(s, m, 101, "active", "UPDATE t SET x = 1", 3);
	b = fixture_session(s, m, 102, "active", "UPDATE t SET x = 2", 3);
	w = fixture_session(s, m, 103, "active", "SELECT * FROM t FOR UPDATE",
			    2);
	block(s, a, by2, 1, 3);
	block(s, b, by1, 1, 2);
	block(s, w, by1, 1, 1);
	c = make_ctx(s, NULL);
	draw_full(&p, &c);
	cr_assert_eq(count_rows("pid 101 "), 1);
	cr_assert_eq(count_rows("pid 102 "), 1);
	cr_assert_eq(count_rows("pid 103 "), 1);
	cr_assert_eq(count_rows("deadlock cycle"), 1);
	/* Walking the selection over it terminates too. */
	for (int i = 0; i < 6; i++) {
		press(&p, &c, 'j');
	}
	draw_full(&p, &c);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, lock_tree_several_blockers_and_hidden_ones)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.main");
	struct pg_model *m = new_pg(s, 4);
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c;
	struct pg_session *w, *h;
	static const int two[] = { 201, 202 }, hidden[] = { 999 };
	struct line l;
	int r;

	fixture_session(s, m, 201, "idle in transaction", "UPDATE a SET x = 1",
			90);
	fixture_session(s, m, 202, "idle in transaction", "UPDATE a SET x = 2",
			80);
	w = fixture_session(s, m, 203, "active", "LOCK TABLE a", 10);
	block(s, w, two, 2, 10);
	h = fixture_session(s, m, 204, "active", "UPDATE b SET y = 0", 5);
	block(s, h, hidden, 1, 5);
	c = make_ctx(s, NULL);
	draw_full(&p, &c);
	/* Listed once, under its first blocker, with the other counted. */
	cr_assert_eq(count_rows("pid 203 "), 1);
	r = find_row("pid 203 ", 0);
	read_line(r, &l);
	cr_assert(strstr(l.s, "(+1 more blocker)") != NULL, "%s", l.s);
	cr_assert_gt(r, find_row("pid 201 ", 0));
	/* 202 blocks 203 too: it is a root that says so. */
	read_line(find_row("pid 202 ", 0), &l);
	cr_assert(strstr(l.s, "blocks 1") != NULL, "%s", l.s);
	/* A blocker the role cannot see still heads its waiters. */
	r = find_row("pid 999 (not visible to this role)", 0);
	cr_assert_geq(r, 0);
	cr_assert_gt(find_row("pid 204 ", 0), r);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, db_target_and_detail)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct action_target tg;
	char *d;

	draw_full(&p, &c);
	cr_assert(target_of(&p, &c, TARGET_PG_BACKEND, &tg));
	cr_assert_eq(tg.u.pg.pid, 4242);
	cr_assert_eq(tg.u.pg.backend_start_us, 1795317127123456LL);
	cr_assert_str_eq(tg.label, "pid 4242 (billing@orders, "
			 "started 03:12:07Z, idle in transaction)");
	cr_assert_not(target_of(&p, &c, TARGET_POD, &tg));
	d = p.ops->detail(&p, &c);
	cr_assert_not_null(d);
	/* The raw query, newline and all. */
	cr_assert(strstr(d, "UPDATE accounts SET balance = balance - 10\n"
			 "  WHERE id = 1") != NULL, "%s", d);
	cr_assert(strstr(d, "state: idle in transaction") != NULL, "%s", d);
	free(d);
	/* Down the tree: the first waiter. */
	press(&p, &c, 'j');
	cr_assert(target_of(&p, &c, TARGET_PG_BACKEND, &tg));
	cr_assert_eq(tg.u.pg.pid, 5012);
	cr_assert_eq(tg.u.pg.backend_start_us, 1795313527005012LL);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, db_selection_follows_session_across_snapshots)
{
	struct snapshot *s1 = build_pg(), *s2 = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s1, NULL);
	struct action_target tg;
	struct pg_model *m2 = s2->data;

	draw_full(&p, &c);
	press(&p, &c, 'j');
	press(&p, &c, 'j');     /* 5020 */
	cr_assert(target_of(&p, &c, TARGET_PG_BACKEND, &tg));
	cr_assert_eq(tg.u.pg.pid, 5020, "pid %d", tg.u.pg.pid);
	/* 5012 lets go of 5020's lock: 5020 is no longer in the tree. */
	for (size_t i = 0; i < m2->n_sessions; i++) {
		if (m2->sessions[i].pid == 5020) {
			m2->sessions[i].n_blocked_by = 0;
		}
	}
	c = make_ctx(s2, NULL);
	draw_full(&p, &c);
	cr_assert(target_of(&p, &c, TARGET_PG_BACKEND, &tg));
	/* 5020 (30 s) is now a long query only: still selected. */
	cr_assert_eq(tg.u.pg.pid, 5020, "pid %d", tg.u.pg.pid);
	p.ops->free(&p);
	snapshot_unref(s1);
	snapshot_unref(s2);
}

Test(panes, db_long_queries_and_subviews)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct pg_model *m = s->data;
	int r;

	draw_full(&p, &c);
	/* Long-running list: active and > 5 s, not the idle one. */
	r = find_row("LONG QUERIES", 0);
	cr_assert_geq(r, 0);
	cr_assert_gt(find_row("pg_sleep(12)", r), r);
	cr_assert_lt(find_row("SELECT 1", r), 0);
	cr_assert_geq(find_row("conns ", 0), 0);
	cr_assert_geq(find_row("idle in tx 3 (oldest 4m12s)", 0), 0);
	/* Sessions, with a filter. */
	press(&p, &c, 'v');
	strcpy(p.filter, "pg_sleep");
	draw_full(&p, &c);
	cr_assert_geq(find_row("filter: pg_sleep (1 of 8)", 0), 0);
	cr_assert_geq(find_row("7001", 0), 0);
	cr_assert_lt(find_row("4242", 0), 0);
	p.filter[0] = '\0';
	/* Replication. */
	press(&p, &c, 'v');
	draw_full(&p, &c);
	cr_assert_geq(find_row("no replicas", 0), 0);
	/* Statements without the extension. */
	press(&p, &c, 'v');
	draw_full(&p, &c);
	cr_assert_geq(find_row("pg_stat_statements not installed", 0), 0);
	/* With it. */
	m->has_stat_statements = true;
	m->statements = snapshot_alloc(s, sizeof(*m->statements));
	m->statements[0] = (struct pg_statement){
		S(s, "SELECT * FROM orders WHERE id = $1"), 120000, 60000,
		0.5 };
	m->n_statements = 1;
	{
		/* A new snapshot object, as a probe would publish. */
		struct pane q = make_pane(&pane_db_ops);

		q.sub = 3;
		draw_full(&q, &c);
		cr_assert_lt(find_row("pg_stat_statements not installed", 0),
			     0);
		cr_assert_geq(find_row("SELECT * FROM orders WHERE id = $1", 0),
			      0);
		q.ops->free(&q);
	}
	/* Back to the overview. */
	press(&p, &c, 'v');
	cr_assert_eq(p.sub, 0);
	p.ops->free(&p);
	snapshot_unref(s);
}

/* The sessions table names each session's application and how long an
 * idle one has been idle; a duration nobody knows is "—", never 0s. */
Test(panes, db_sessions_show_application_idle_time_and_unknowns)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct pg_model *m = s->data;
	struct pg_session *x;
	struct line l;
	int hdr, r;

	x = fixture_session(s, m, 7002, "idle", "", NAN);
	x->xact_s = NAN;
	x->state_s = 75;
	x->app = S(s, "psql");
	for (size_t i = 0; i < m->n_sessions; i++) {
		if (m->sessions[i].pid == 7000) {
			m->sessions[i].xact_s = NAN;
			m->sessions[i].state_s = 598;
		}
	}
	p.sub = 1;
	draw_full(&p, &c);
	hdr = find_row("APP", 0);
	cr_assert_geq(hdr, 0);
	cr_assert_geq(col_of(hdr, "IDLE"), 0);
	r = find_row("7002", hdr);
	cr_assert_gt(r, hdr);
	read_line(r, &l);
	cr_assert(strstr(l.s, "psql") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "1m15s") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "0s") == NULL, "%s", l.s);
	cr_assert_eq(col_of(r, "—"), col_of(hdr, "DURATION") + 7, "%s",
		     l.s);
	r = find_row("7000", hdr);
	read_line(r, &l);
	cr_assert(strstr(l.s, "billing-api") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "9m58s") != NULL, "%s", l.s);
	p.ops->free(&p);
	snapshot_unref(s);
}

/* The record of a session: no raw microseconds; an idle one has its idle
 * time and its last query, never "query running for". */
Test(panes, db_detail_of_an_idle_session)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	char *d;

	for (size_t i = 0; i < ((struct pg_model *)s->data)->n_sessions;
	     i++) {
		struct pg_session *x = &((struct pg_model *)s->data)
			->sessions[i];

		x->state_s = x->pid == 4242 ? 250 : x->query_s;
	}
	draw_full(&p, &c);
	d = p.ops->detail(&p, &c);      /* 4242, idle in transaction */
	cr_assert_not_null(d);
	cr_assert(strstr(d, "backend start: 2026-11-22 03:12:07Z\n") != NULL,
		  "%s", d);
	cr_assert(strstr(d, " us)") == NULL, "%s", d);
	cr_assert(strstr(d, "123456") == NULL, "%s", d);
	cr_assert(strstr(d, "idle for: 4m10s\n") != NULL, "%s", d);
	cr_assert(strstr(d, "last query started: 4m12s ago\n") != NULL, "%s",
		  d);
	cr_assert(strstr(d, "query running for") == NULL, "%s", d);
	cr_assert(strstr(d, "application: billing-api\n") != NULL, "%s", d);
	cr_assert(strstr(d, "\nlast query:\nUPDATE accounts") != NULL, "%s",
		  d);
	free(d);
	/* A running one still says how long its query runs. */
	press(&p, &c, 'j');
	d = p.ops->detail(&p, &c);
	cr_assert(strstr(d, "query running for: 42s\n") != NULL, "%s", d);
	cr_assert(strstr(d, "idle for") == NULL, "%s", d);
	free(d);
	p.ops->free(&p);
	snapshot_unref(s);
}

/* Connections: warroom's own sessions and the superusers' reserve. */
Test(panes, db_connections_count_warroom_and_the_reserve)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct pg_model *m = s->data;
	int r;

	m->own_pid = 900;
	m->action_pid = 901;
	m->reserved_connections = 3;
	m->conns_idle = 53;     /* 41 + 53 + 3 = 97 of 100 */
	draw_full(&p, &c);
	r = find_row("conns ", 0);
	cr_assert_geq(r, 0);
	cr_assert_geq(col_of(r, "97/100"), 0);
	cr_assert_geq(col_of(r, "2 warroom"), 0);
	cr_assert_geq(col_of(r, "3 reserved for superusers"), 0);
	/* At the reserve, only superusers get in: critical. */
	cr_assert_eq(scr_pair(r, col_of(r, "3 reserved")),
		     role_pair(ROLE_CRIT));
	p.ops->free(&p);
	snapshot_unref(s);
}

/* Replication: sync state and WAL bytes not replayed; a standby says when
 * its replay is paused. */
Test(panes, db_replication_bytes_sync_and_paused_replay)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct pg_model *m = s->data;
	int hdr, r;

	m->replicas = snapshot_alloc(s, sizeof(*m->replicas));
	m->replicas[0] = (struct pg_replica){
		.name = S(s, "standby1"), .client = S(s, "10.0.0.9"),
		.state = S(s, "streaming"), .write_lag_s = 0.1,
		.flush_lag_s = 0.2, .replay_lag_s = 3,
		.sync_state = S(s, "sync"),
		.replay_lag_bytes = 48.0 * 1024 * 1024,
	};
	m->n_replicas = 1;
	draw_full(&p, &c);
	{
		struct line l;

		r = find_row("replicas 1", 0);
		cr_assert_geq(r, 0);
		read_line(r, &l);
		cr_assert(strstr(l.s, "replicas 1 (replay lag 3.00 s, 48 MiB "
				 "behind)") != NULL, "%s", l.s);
	}
	p.sub = 2;
	draw_full(&p, &c);
	hdr = find_row("SYNC", 0);
	cr_assert_geq(hdr, 0);
	cr_assert_geq(col_of(hdr, "BEHIND"), 0);
	r = find_row("standby1", hdr);
	cr_assert_gt(r, hdr);
	cr_assert_geq(col_of(r, "sync"), 0);
	cr_assert_geq(col_of(r, "48 MiB"), 0);

	m->n_replicas = 0;
	m->is_standby = true;
	m->replay_delay_s = 40;
	m->replay_paused = true;
	m->replay_behind_bytes = 2.0 * 1024 * 1024;
	{
		struct pane q = make_pane(&pane_db_ops);

		q.sub = 2;
		draw_full(&q, &c);
		struct line l;

		r = find_row("standby: replay delay", 0);
		cr_assert_geq(r, 0);
		read_line(r, &l);
		cr_assert(strstr(l.s, "standby: replay delay 40s, 2.0 MiB to "
				 "replay") != NULL, "%s", l.s);
		cr_assert_geq(col_of(r, "replay paused"), 0);
		q.ops->free(&q);
	}
	p.ops->free(&p);
	snapshot_unref(s);
}

/* A session in the lock tree is shown there, with its wait; LONG QUERIES
 * lists the others and says how many long ones the tree holds. */
Test(panes, db_long_queries_leave_tree_sessions_to_the_tree)
{
	struct snapshot *s = build_pg(), *s2 = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct pg_model *m = s2->data;
	int r;

	draw_full(&p, &c);
	r = find_row("LONG QUERIES 1 running > 5 s \u00b7 6 more in the lock "
		     "tree", 0);
	cr_assert_geq(r, 0);
	cr_assert_lt(find_row("pid 6001", 0), r);
	cr_assert_lt(find_row("SELECT * FROM invoices", r), 0);
	cr_assert_lt(find_row("5013", r), 0);
	/* The list sits at the bottom, the tree grows into the rows above
	 * it: the heading, the column names, one row. */
	cr_assert_eq(r, ROWS - 3);
	cr_assert_eq(find_row("7001", r), ROWS - 1);
	/* With the filter, "of" counts what the list could show. */
	strcpy(p.filter, "pg_sleep");
	draw_full(&p, &c);
	cr_assert_geq(find_row("(1 of 1)", 0), 0);
	p.filter[0] = '\0';
	p.ops->free(&p);

	/* The next poll: 5013 no longer waits, a long query again, listed
	 * below. */
	for (size_t i = 0; i < m->n_sessions; i++) {
		if (m->sessions[i].pid == 5013) {
			m->sessions[i].n_blocked_by = 0;
		}
	}
	c = make_ctx(s2, NULL);
	p = make_pane(&pane_db_ops);
	draw_full(&p, &c);
	r = find_row("LONG QUERIES 2 running > 5 s \u00b7 5 more in the lock "
		     "tree", 0);
	cr_assert_eq(r, ROWS - 4);
	cr_assert_gt(find_row("5013", r), r);
	p.ops->free(&p);
	snapshot_unref(s);
	snapshot_unref(s2);
}

Test(panes, db_notice_is_shown)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct pg_model *m = s->data;

	m->notice = S(s, "role lacks pg_read_all_stats: other users' "
		      "queries hidden");
	draw_full(&p, &c);
	cr_assert_eq(find_row("role lacks pg_read_all_stats", 0), ROWS - 1);
	p.ops->free(&p);
	snapshot_unref(s);
}

/* ---- pods ---------------------------------------------------------------- */

Test(panes, pods_problems_first)
{
	struct snapshot *s = build_pods();
	struct pane p = make_pane(&pane_pods_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	int h;

	draw_full(&p, &c);
	read_line(0, &l);
	cr_assert(strstr(l.s, "pods 27") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "CrashLoopBackOff 1") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "OOMKilled 1") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "deployments degraded 1/2") != NULL, "%s", l.s);
	h = find_row("NAMESPACE", 0);
	cr_assert_eq(h, 1);
	/* Broken (most restarts first), then not there yet, then fine. */
	cr_assert(strstr(read_line(h + 1, &l)->s, "api-7d9f-aaa") != NULL);
	cr_assert(strstr(l.s, "CrashLoopBackOff") != NULL, "%s", l.s);
	cr_assert(strstr(read_line(h + 2, &l)->s, "cache-0") != NULL);
	cr_assert(strstr(l.s, "OOMKilled") != NULL, "%s", l.s);
	cr_assert(strstr(read_line(h + 3, &l)->s, "api-7d9f-ccc") != NULL);
	cr_assert(strstr(read_line(h + 4, &l)->s, "db-proxy") != NULL);
	cr_assert(strstr(read_line(h + 5, &l)->s, "Running") != NULL);
	cr_assert_eq(scr_pair(h + 1, col_of(h + 1, "CrashLoopBackOff")),
		     role_pair(ROLE_SELECTED));
	cr_assert_eq(scr_pair(h + 2, col_of(h + 2, "OOMKilled")),
		     role_pair(ROLE_CRIT));
	cr_assert_eq(scr_pair(h + 3, col_of(h + 3, "Pending")),
		     role_pair(ROLE_WARN));
	/* 's': by restarts, then by name. */
	press(&p, &c, 's');
	draw_full(&p, &c);
	cr_assert(strstr(read_line(h + 1, &l)->s, "api-7d9f-aaa") != NULL);
	cr_assert(strstr(read_line(h + 2, &l)->s, "cache-0") != NULL);
	press(&p, &c, 's');
	press(&p, &c, 's');
	draw_full(&p, &c);
	cr_assert(strstr(read_line(h + 1, &l)->s, "api-7d9f-aaa") != NULL);
	cr_assert(strstr(read_line(h + 2, &l)->s, "api-7d9f-bbb") != NULL);
	/* 'S' (the app flips sort_desc): by name, reversed. */
	p.sort_desc = true;
	draw_full(&p, &c);
	cr_assert(strstr(read_line(h + 1, &l)->s, "worker-21") != NULL,
		  "%s", l.s);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, pods_filter)
{
	struct snapshot *s = build_pods();
	struct pane p = make_pane(&pane_pods_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	int h, n = 0;

	strcpy(p.filter, "API-7d");
	draw_full(&p, &c);
	cr_assert_geq(find_row("filter: API-7d (3 of 27)", 0), 0);
	h = find_row("NAMESPACE", 0);
	cr_assert_geq(h, 0);
	for (int y = h + 1; y < ROWS; y++) {
		read_line(y, &l);
		if (l.s[0] == '\0') {
			continue;
		}
		cr_assert(strstr(l.s, "api-7d9f-") != NULL, "%s", l.s);
		n++;
	}
	cr_assert_eq(n, 3);
	/* Problem first within the filter too. */
	cr_assert(strstr(read_line(h + 1, &l)->s, "api-7d9f-aaa") != NULL);
	/* By status. */
	strcpy(p.filter, "oomkilled");
	draw_full(&p, &c);
	cr_assert_geq(find_row("(1 of 27)", 0), 0);
	cr_assert_geq(find_row("cache-0", 0), 0);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, pods_targets_and_views)
{
	struct snapshot *s = build_pods();
	struct pane p = make_pane(&pane_pods_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct action_target tg;
	char *d;

	draw_full(&p, &c);
	cr_assert(target_of(&p, &c, TARGET_POD, &tg));
	cr_assert_str_eq(ns_name(&tg), "prod/api-7d9f-aaa");
	cr_assert(target_of(&p, &c, TARGET_DEPLOYMENT, &tg));
	cr_assert_str_eq(ns_name(&tg), "prod/api");
	cr_assert_not(target_of(&p, &c, TARGET_PG_BACKEND, &tg));
	d = p.ops->detail(&p, &c);
	cr_assert(strstr(d, "restarts: 12") != NULL, "%s", d);
	cr_assert(strstr(d, "Back-off restarting failed container") != NULL,
		  "%s", d);
	free(d);
	/* Deployments: degraded first. */
	press(&p, &c, 'v');
	draw_full(&p, &c);
	cr_assert_geq(find_row("UP-TO-DATE", 0), 0);
	cr_assert(target_of(&p, &c, TARGET_DEPLOYMENT, &tg));
	cr_assert_str_eq(ns_name(&tg), "prod/api");
	cr_assert_not(target_of(&p, &c, TARGET_POD, &tg));
	press(&p, &c, 'j');
	cr_assert(target_of(&p, &c, TARGET_DEPLOYMENT, &tg));
	cr_assert_str_eq(ns_name(&tg), "prod/worker");
	/* Events, newest first. */
	press(&p, &c, 'v');
	draw_full(&p, &c);
	cr_assert_lt(find_row("BackOff", 0), find_row("Scheduled", 0));
	cr_assert_geq(find_row("BackOff", 0), 0);
	/* Back to pods: the selection there was kept. */
	press(&p, &c, 'v');
	cr_assert_eq(p.sub, 0);
	cr_assert(target_of(&p, &c, TARGET_POD, &tg));
	cr_assert_str_eq(ns_name(&tg), "prod/api-7d9f-aaa");
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, pods_escape_shown_as_text)
{
	struct snapshot *s = build_pods();
	struct pods_model *m = s->data;
	struct pane p = make_pane(&pane_pods_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	int r;

	m->pods[0].name = S(s, "evil\x1b[2Jpod");
	m->pods[0].reason = S(s, "Error");
	draw_full(&p, &c);
	r = find_row("evil\\x1b[2Jpod", 0);
	cr_assert_geq(r, 0);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, pods_wide_names_keep_columns)
{
	struct snapshot *s = snapshot_new(SNAP_PODS, "k8s.prod");
	struct pods_model *m = snapshot_alloc(s, sizeof(*m));
	struct pane p = make_pane(&pane_pods_ops);
	struct pane_ctx c;
	int a, b;

	m->context = S(s, "");
	m->pods = snapshot_alloc(s, 2 * sizeof(*m->pods));
	fixture_pod(s, &m->pods[0], "prod", "ascii-pod", "x", "Running", "", 1,
		    0);
	fixture_pod(s, &m->pods[1], "prod", "支付服务-日本語", "y", "Running", "", 1,
		    1);
	m->n_pods = 2;
	s->data = m;
	c = make_ctx(s, NULL);
	draw_full(&p, &c);
	a = find_row("ascii-pod", 0);
	b = find_row("支付服务-日本語", 0);
	cr_assert(a >= 0 && b >= 0);
	cr_assert_eq(col_of(a, "Running"), col_of(b, "Running"));
	cr_assert_eq(col_of(a, "1/1"), col_of(b, "1/1"));
	cr_assert_gt(col_of(a, "Running"), 0);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, pods_ten_thousand, .timeout = 20)
{
	struct snapshot *s = snapshot_new(SNAP_PODS, "k8s.big");
	struct pods_model *m = snapshot_alloc(s, sizeof(*m));
	struct pane p = make_pane(&pane_pods_ops);
	struct pane_ctx c;
	char name[32];
	struct line l;
	int h;

	m->context = S(s, "");
	m->pods = snapshot_alloc(s, 10000 * sizeof(*m->pods));
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "pod-%05d", i);
		fixture_pod(s, &m->pods[i], i % 2 ? "prod" : "staging", name,
			    "app", "Running",
			    i % 997 == 5 ? "CrashLoopBackOff" : "", 1, i % 7);
	}
	m->n_pods = 10000;
	s->data = m;
	c = make_ctx(s, NULL);
	draw_full(&p, &c);
	draw_full(&p, &c);
	press(&p, &c, 'j');
	press(&p, &c, KEY_NPAGE);
	press(&p, &c, 'G');
	draw_full(&p, &c);
	press(&p, &c, 'g');
	draw_full(&p, &c);
	h = find_row("NAMESPACE", 0);
	cr_assert(strstr(read_line(h + 1, &l)->s, "CrashLoopBackOff") != NULL,
		  "%s", l.s);
	read_line(0, &l);
	cr_assert(strstr(l.s, "pods 10000") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "CrashLoopBackOff 11") != NULL, "%s", l.s);
	p.ops->free(&p);
	snapshot_unref(s);
}

/* ---- redis, kafka, metrics, alerts --------------------------------------- */

Test(panes, redis_overview_clients_and_targets)
{
	struct snapshot *s = build_redis(2.0 * 1024 * 1024 * 1024);
	struct pane p = make_pane(&pane_redis_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct action_target tg;
	int r;

	draw_full(&p, &c);
	cr_assert_geq(find_row("1.9 GiB/2.0 GiB", 0), 0);
	r = find_row("evicted 120/s", 0);
	cr_assert_geq(r, 0);
	cr_assert_eq(scr_pair(r, col_of(r, "evicted")), role_pair(ROLE_CRIT));
	/* Slow log: ten at most, the slowest first. */
	r = find_row("SLOW LOG", 0);
	cr_assert_geq(r, 0);
	cr_assert_lt(find_row("KEYS session:11:*", 0),
		     find_row("KEYS session:10:*", 0));
	cr_assert_lt(find_row("KEYS session:1:*", 0), 0);
	/* A key pattern is the operator's input and FLUSHDB the whole
	 * source: the key map makes those targets, not a row. */
	cr_assert_not(target_of(&p, &c, TARGET_KEY_PATTERN, &tg));
	cr_assert_str_eq(tg.label, "");
	cr_assert_not(target_of(&p, &c, TARGET_SOURCE, &tg));
	cr_assert_not(target_of(&p, &c, TARGET_REDIS_CLIENT, &tg));
	press(&p, &c, 'v');
	draw_full(&p, &c);
	cr_assert_geq(find_row("ADDR", 0), 0);
	cr_assert(target_of(&p, &c, TARGET_REDIS_CLIENT, &tg));
	/* Most idle first. */
	cr_assert_eq(tg.u.client.id, 7);
	cr_assert_str_eq(tg.u.client.addr, "10.0.0.5:51234");
	cr_assert(strstr(tg.label, "worker") != NULL);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, redis_no_limit)
{
	struct snapshot *s = build_redis(0);
	struct pane p = make_pane(&pane_redis_ops);
	struct pane_ctx c = make_ctx(s, NULL);

	draw_full(&p, &c);
	cr_assert_geq(find_row("no limit", 0), 0);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, redis_notice_is_shown)
{
	struct snapshot *s = build_redis(0);
	struct pane p = make_pane(&pane_redis_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct redis_model *m = s->data;

	draw_full(&p, &c);
	cr_assert_lt(find_row("NOPERM", 0), 0);
	m->notice = S(s, "SLOWLOG: NOPERM this user has no permissions");
	p.ops->free(&p);
	p = make_pane(&pane_redis_ops);
	draw_full(&p, &c);
	cr_assert_eq(find_row("SLOWLOG: NOPERM", 0), ROWS - 1);
	p.ops->free(&p);
	snapshot_unref(s);
}

/* A slow log that could not be read is never "empty". */
Test(panes, redis_unread_slow_log_says_why)
{
	struct snapshot *s = build_redis(0);
	struct pane p = make_pane(&pane_redis_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct redis_model *m = s->data;
	int r;

	m->n_slowlog = 0;
	m->slowlog_error = S(s, "SLOWLOG GET: unexpected reply (a string, "
			     "not an array)");
	draw_full(&p, &c);
	cr_assert_lt(find_row("slow log is empty", 0), 0);
	r = find_row("SLOWLOG GET: unexpected reply (a string, not an "
		     "array)", 0);
	cr_assert_geq(r, 0);
	cr_assert_eq(scr_pair(r, col_of(r, "SLOWLOG GET")),
		     role_pair(ROLE_WARN));
	/* Read, and empty: it says so. */
	m->slowlog_error = S(s, "");
	p.ops->free(&p);
	p = make_pane(&pane_redis_ops);
	draw_full(&p, &c);
	cr_assert_geq(find_row("slow log is empty", 0), 0);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, kafka_groups_and_partitions)
{
	struct snapshot *s = build_kafka();
	struct pane p = make_pane(&pane_kafka_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	int r, h;

	c.focused = false;      /* no selection bar over the colours */
	draw_full(&p, &c);
	r = find_row("brokers 2/3 up", 0);
	cr_assert_eq(r, 0);
	cr_assert_eq(scr_pair(0, 0), role_pair(ROLE_CRIT));
	cr_assert_geq(find_row("4 under-replicated", 0), 0);
	h = find_row("GROUP", 0);
	read_line(h, &l);
	cr_assert(strstr(l.s, "STATUS") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "LAG TIME") != NULL, "%s", l.s);
	/* Largest lag first: its status, lag in seconds, members, worst
	 * partition and growth. */
	read_line(h + 1, &l);
	cr_assert(strstr(l.s, "STALL") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "orders-consumer") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "4m10s") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "+1.2k/s") != NULL, "%s", l.s);
	cr_assert_eq(scr_pair(h + 1, col_of(h + 1, "STALL")),
		     role_pair(ROLE_CRIT));
	read_line(h + 2, &l);
	cr_assert(strstr(l.s, "OK") != NULL, "%s", l.s);
	/* The selected group's rule, with its numbers, under the table. */
	r = find_row("STALL: partition 0 committed 5,000 for 4m10s", h + 2);
	cr_assert_geq(r, 0);
	cr_assert_geq(find_row("lag orders-consumer", 0), 0);

	press(&p, &c, 'v');
	draw_full(&p, &c);
	cr_assert_geq(find_row("group orders-consumer topic orders", 0), 0);
	cr_assert_geq(find_row("Stable · 2 members", 0), 0);
	h = find_row("PARTITION", 0);
	cr_assert_geq(h, 0);
	read_line(h, &l);
	cr_assert(strstr(l.s, "OWNER") != NULL, "%s", l.s);
	read_line(h + 1, &l);
	cr_assert(strstr(l.s, "5000") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "11000") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "orders-7d9f@10.0.0.7") != NULL, "%s", l.s);
	/* Partition 1 never committed: said so, and its lag a dash, not 0. */
	read_line(h + 2, &l);
	cr_assert(strstr(l.s, "no commit") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "—") != NULL, "%s", l.s);
	/* The selected partition's rule. */
	cr_assert_geq(find_row("STALL: partition 0 committed", h + 2), 0);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, kafka_sorts_by_lag_time_and_shows_the_metrics_view)
{
	struct snapshot *s = build_kafka();
	struct kafka_model *m = s->data;
	struct pane p = make_pane(&pane_kafka_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	int h, r;

	/* billing: less lag, but older. */
	m->groups[0].lag_s = 900;
	m->groups[0].lag_s_floor = true;
	m->metrics_view = true;
	m->notice = S(s, "metrics view (kafka_exporter via Prometheus): "
		      "brokers: metadata: no broker answered within 5s");
	press(&p, &c, 's');
	draw_full(&p, &c);
	cr_assert_geq(find_row("sort lag time", 0), 0);
	r = find_row("metrics view (kafka_exporter via Prometheus)", 0);
	cr_assert_eq(r, 1);
	cr_assert_eq(scr_pair(r, 0), role_pair(ROLE_WARN));
	h = find_row("GROUP", 0);
	read_line(h + 1, &l);
	cr_assert(strstr(l.s, "billing") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "≥15m00s") != NULL, "%s", l.s);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, metrics_no_data_is_never_zero)
{
	struct snapshot *s = build_metrics();
	struct pane p = make_pane(&pane_metrics_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	int r;

	c.focused = false;      /* no selection bar over the colours */
	draw_full(&p, &c);
	cr_assert_geq(find_row("5xx ratio", 0), 0);
	r = find_row("  web", 0);
	cr_assert_geq(r, 0);
	read_line(r, &l);
	cr_assert(strstr(l.s, "no data") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "0") == NULL, "%s", l.s);
	cr_assert_eq(scr_pair(r, col_of(r, "no data")), role_pair(ROLE_DIM));
	r = find_row("  api", 0);
	cr_assert(strstr(read_line(r, &l)->s, "4.2 %") != NULL, "%s", l.s);
	cr_assert_eq(scr_pair(r, col_of(r, "4.2 %")), role_pair(ROLE_WARN));
	r = find_row("  auth", 0);
	cr_assert(strstr(read_line(r, &l)->s, "query timed out") != NULL);
	cr_assert_eq(scr_pair(r, col_of(r, "query timed out")),
		     role_pair(ROLE_CRIT));
	cr_assert_geq(find_row("870 ms", 0), 0);
	/* Compact: one line per row, named by panel. */
	press(&p, &c, 'v');
	draw_full(&p, &c);
	r = find_row("5xx ratio web", 0);
	cr_assert_geq(r, 0);
	cr_assert(strstr(read_line(r, &l)->s, "no data") != NULL);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, metrics_sparkline_spans_thirty_minutes)
{
	struct snapshot *s = build_metrics();
	struct metrics_model *m = s->data;
	struct series *h = &m->panels[1].rows[0].history;
	struct pane p = make_pane(&pane_metrics_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	int r, spike;

	/* 30 minutes at 15 s: a spike in the oldest sample only, more
	 * samples than an 80-column pane has room for. */
	*h = make_series(s, 121, 0.1, 0);
	h->v[0] = 5;
	c.focused = false;
	werase(stdscr);
	p.ops->draw(&p, &c, stdscr, 0, 0, ROWS, 80);
	r = find_row("  checkout", 0);
	cr_assert_geq(r, 0);
	read_line(r, &l);
	spike = col_of(r, "\u2588");
	cr_assert_geq(spike, 0, "%s", l.s);
	/* The spike opens the line, which runs to the pane's edge. */
	cr_assert_eq(col_of(r, "\u2581"), spike + 1, "%s", l.s);
	cr_assert_eq(l.col[strlen(l.s) - 1], 79, "%s", l.s);
	cr_assert_lt(spike, 50, "%s", l.s);
	p.ops->free(&p);
	snapshot_unref(s);
}

/* A panel of one series has no heading: its thresholds are on its line.
 * Every sparkline says its scale, and the pane the time it spans. */
Test(panes, metrics_scale_span_and_single_series_thresholds)
{
	struct snapshot *s = build_metrics();
	struct metrics_model *m = s->data;
	struct metric_panel *pn = &m->panels[1];
	struct pane p = make_pane(&pane_metrics_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	char *d;
	int r;

	/* p95 latency: one series without a label, warn 2 s. */
	pn->rows[0].label = S(s, "");
	pn->rows[0].history = make_series(s, 121, 0.5, 0.01);
	pn->warn = 2;
	m->panels[0].rows[0].history = make_series(s, 121, 0.01, 0.0001);
	c.focused = false;
	draw_full(&p, &c);
	cr_assert_geq(find_row("sparklines: last 30m, one point per 15s, "
			       "each from 0 to the value at its right", 0),
		      0);
	r = find_row("p95 latency", 0);
	cr_assert_geq(r, 0);
	read_line(r, &l);
	/* Scaled to its threshold, which is above every sample. */
	cr_assert(strstr(l.s, "0–2.00 s  warn 2.00 s") != NULL, "%s",
		  l.s);
	cr_assert_eq(l.col[strlen(l.s) - 1], COLS - 1, "%s", l.s);
	/* A row of a split panel: its scale only (the heading has the
	 * thresholds); the data's top when it passes the threshold. */
	r = find_row("  api", 0);
	read_line(r, &l);
	cr_assert(strstr(l.s, "0–5.0 %") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "warn") == NULL, "%s", l.s);
	cr_assert_geq(find_row("5xx ratio  warn 1.0 %  crit 5.0 %", 0), 0);

	/* Narrower: the sparkline keeps its room; the scale gives way
	 * before the thresholds, which judge the value. */
	werase(stdscr);
	p.ops->draw(&p, &c, stdscr, 0, 0, ROWS, 50);
	r = find_row("p95 latency", 0);
	read_line(r, &l);
	cr_assert(strstr(l.s, "warn 2.00 s") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "0–") == NULL, "%s", l.s);
	cr_assert_geq(col_of(r, "▃"), 0, "%s", l.s);

	/* The record says both. */
	p.view.sel = 3;
	d = p.ops->detail(&p, &c);
	cr_assert_not_null(d);
	cr_assert(strstr(d, "history: last 30m, one point per 15s (121 "
			 "points, 0 gaps)") != NULL, "%s", d);
	cr_assert(strstr(d, "sparkline scale: 0–2.00 s") != NULL, "%s",
		  d);
	free(d);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, alerts_order_and_targets)
{
	struct snapshot *s = build_alerts();
	struct pane p = make_pane(&pane_alerts_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct action_target tg;
	struct line l;
	int h;
	char *d;

	draw_full(&p, &c);
	h = find_row("SEVERITY", 0);
	cr_assert_geq(h, 0);
	cr_assert(strstr(read_line(h + 1, &l)->s, "HighErrorRate") != NULL);
	cr_assert(strstr(l.s, "silenced") != NULL, "%s", l.s);
	cr_assert(strstr(read_line(h + 2, &l)->s, "PodCrashLooping") != NULL);
	cr_assert(strstr(read_line(h + 3, &l)->s, "DiskFilling") != NULL);
	cr_assert(strstr(read_line(h + 4, &l)->s, "Deploy") != NULL);
	cr_assert(strstr(read_line(h + 5, &l)->s, "Watchdog") != NULL);
	cr_assert(strstr(read_line(h + 1, &l)->s, "10m00s") != NULL, "%s",
		  l.s);
	cr_assert(target_of(&p, &c, TARGET_ALERT, &tg));
	cr_assert_str_eq(tg.u.alert.fingerprint, "fp-crit-old");
	cr_assert_str_eq(tg.label, "HighErrorRate {service=api}");
	cr_assert(target_of(&p, &c, TARGET_SILENCE, &tg));
	cr_assert_str_eq(tg.u.silence.id, "sil-1");
	d = p.ops->detail(&p, &c);
	cr_assert(strstr(d, "fingerprint: fp-crit-old") != NULL, "%s", d);
	free(d);
	press(&p, &c, 'j');
	cr_assert(target_of(&p, &c, TARGET_ALERT, &tg));
	cr_assert_str_eq(tg.u.alert.fingerprint, "fp-crit-new");
	cr_assert_not(target_of(&p, &c, TARGET_SILENCE, &tg));
	/* Selection stays on the alert when the sort changes. */
	press(&p, &c, 's');
	draw_full(&p, &c);
	cr_assert(target_of(&p, &c, TARGET_ALERT, &tg));
	cr_assert_str_eq(tg.u.alert.fingerprint, "fp-crit-new");
	p.ops->free(&p);
	snapshot_unref(s);
}

/* Alertmanager's states, each its own word: firing, silenced, inhibited
 * (both: suppressed, still firing). */
Test(panes, alerts_show_alertmanagers_state)
{
	struct snapshot *s = build_alerts();
	struct pane p = make_pane(&pane_alerts_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	int h;
	char *d;

	((struct alerts_model *)s->data)->alerts[1].inhibited = true;
	draw_full(&p, &c);
	h = find_row("SEVERITY", 0);
	cr_assert_geq(h, 0);
	cr_assert(strstr(read_line(h, &l)->s, "STATE") != NULL, "%s", l.s);
	cr_assert(strstr(read_line(h + 1, &l)->s, "silenced") != NULL, "%s",
		  l.s);
	cr_assert(strstr(read_line(h + 2, &l)->s, "PodCrashLooping") != NULL);
	cr_assert(strstr(l.s, "inhibited") != NULL, "%s", l.s);
	cr_assert(strstr(read_line(h + 3, &l)->s, "firing") != NULL, "%s",
		  l.s);
	cr_assert_geq(find_row("inhibited 1", 0), 0);
	press(&p, &c, 'j');
	d = p.ops->detail(&p, &c);
	cr_assert(strstr(d, "state: inhibited (suppressed: still firing, not "
			 "notified)") != NULL, "%s", d);
	free(d);
	p.ops->free(&p);
	snapshot_unref(s);
}

/* The record of an alert: what it says, where to look, who is told. */
Test(panes, alert_detail_has_description_runbook_source_and_receivers)
{
	struct snapshot *s = build_alerts();
	struct alerts_model *m = s->data;
	struct pane p = make_pane(&pane_alerts_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct alert_row *a = &m->alerts[3];    /* HighErrorRate, first */
	char *d;

	a->description = S(s, "More than 5 % of api requests fail.\n"
			   "Check the latest deploy.");
	a->runbook_url = S(s, "https://runbooks.example.com/api/5xx");
	a->generator_url = S(s, "http://prom:9090/graph?g0.expr=x");
	a->receivers = S(s, "pagerduty-api, slack-incidents");
	a->matchers = S(s, "alertname=\"HighErrorRate\" service=\"api\"");
	draw_full(&p, &c);
	d = p.ops->detail(&p, &c);
	cr_assert_not_null(d);
	cr_assert(strstr(d, "receivers: pagerduty-api, slack-incidents\n")
		  != NULL, "%s", d);
	cr_assert(strstr(d, "runbook: https://runbooks.example.com/api/5xx\n")
		  != NULL, "%s", d);
	cr_assert(strstr(d, "source: http://prom:9090/graph?g0.expr=x\n") !=
		  NULL, "%s", d);
	cr_assert(strstr(d, "all labels: alertname=\"HighErrorRate\" "
			 "service=\"api\"\n") != NULL, "%s", d);
	cr_assert(strstr(d, "\ndescription:\nMore than 5 % of api requests "
			 "fail.\nCheck the latest deploy.\n") != NULL, "%s",
		  d);
	free(d);
	/* Without them (Prometheus's own alerts): dashes, no description. */
	press(&p, &c, 'j');
	d = p.ops->detail(&p, &c);
	cr_assert(strstr(d, "runbook: \u2014\n") != NULL, "%s", d);
	cr_assert(strstr(d, "description:") == NULL, "%s", d);
	free(d);
	p.ops->free(&p);
	snapshot_unref(s);
}

#define SIL_API "4a0c7e2d-91b3-4f6e-8d21-0c9b5e7f1a23"
#define SIL_DISK "b7e1d0c4-2f3a-4c5b-9e8d-7a6f5e4d3c2b"
#define SIL_OLD "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b"

static void
set_silence(struct snapshot *s, struct silence_row *r, const char *id,
	    const char *matchers, const char *by, const char *comment,
	    int64_t ends_ms)
{
	r->id = S(s, id);
	r->matchers = S(s, matchers);
	r->created_by = S(s, by);
	r->comment = S(s, comment);
	r->ends_ms = ends_ms;
}

/* build_alerts() plus three active silences, listed latest end first so
 * the pane's own order shows; HighErrorRate is silenced by SIL_API. */
static struct snapshot *
build_alerts_silences(void)
{
	struct snapshot *s = build_alerts();
	struct alerts_model *m = s->data;

	m->alerts[3].silence_id = S(s, SIL_API);
	m->silences = snapshot_alloc(s, 3 * sizeof(*m->silences));
	set_silence(s, &m->silences[0], SIL_OLD, "alertname=\"Watchdog\"",
		    "bob", "noisy\nwatchdog", WALL0 + 2 * 3600000);
	set_silence(s, &m->silences[1], SIL_API,
		    "alertname=\"HighErrorRate\" service=~\"api|web\"",
		    "alice", "deploy rollback in progress",
		    WALL0 + 14 * 60000);
	set_silence(s, &m->silences[2], SIL_DISK,
		    "alertname=\"DiskFilling\"", "carol",
		    "cleanup job running", WALL0 + 45 * 60000);
	m->n_silences = 3;
	return s;
}

Test(panes, alerts_silences_listed)
{
	struct snapshot *s = build_alerts_silences();
	struct pane p = make_pane(&pane_alerts_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct line l;
	int h;

	draw_full(&p, &c);
	cr_assert_lt(find_row("MATCHERS", 0), 0);
	press(&p, &c, 'v');
	draw_full(&p, &c);
	/* The pane's own keys; E comes from the source's actions (below,
	 * status_hints_come_from_the_source_actions). */
	cr_assert_str_eq(p.hints, "s sort  v alerts");
	cr_assert_eq(p.targets, PANE_TARGET(TARGET_SILENCE));
	cr_assert_geq(find_row("active silences 3", 0), 0);
	cr_assert_lt(find_row("SEVERITY", 0), 0);
	h = find_row("MATCHERS", 0);
	cr_assert_geq(h, 0);
	read_line(h, &l);
	cr_assert(strstr(l.s, "ID") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "CREATED BY") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "COMMENT") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "ENDS IN") != NULL, "%s", l.s);
	/* Soonest end first; the id in its short form. */
	read_line(h + 1, &l);
	cr_assert(strncmp(l.s, "4a0c7e2d ", 9) == 0, "%s", l.s);
	cr_assert(strstr(l.s, "91b3") == NULL, "%s", l.s);
	cr_assert(strstr(l.s, "service=~\"api|web\"") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "alice") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "deploy rollback in progress") != NULL, "%s",
		  l.s);
	cr_assert(strstr(l.s, "14m00s") != NULL, "%s", l.s);
	read_line(h + 2, &l);
	cr_assert(strstr(l.s, "b7e1d0c4") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "45m00s") != NULL, "%s", l.s);
	read_line(h + 3, &l);
	cr_assert(strstr(l.s, "0f9e8d7c") != NULL, "%s", l.s);
	/* A comment on one line; the end in hours. */
	cr_assert(strstr(l.s, "noisy watchdog") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "2h00m") != NULL, "%s", l.s);
	/* 's': by creator. */
	press(&p, &c, 's');
	draw_full(&p, &c);
	cr_assert_geq(find_row("sort created by", 0), 0);
	cr_assert(strstr(read_line(h + 1, &l)->s, "alice") != NULL, "%s", l.s);
	cr_assert(strstr(read_line(h + 2, &l)->s, "bob") != NULL, "%s", l.s);
	cr_assert(strstr(read_line(h + 3, &l)->s, "carol") != NULL, "%s",
		  l.s);
	/* The filter matches any field. */
	strcpy(p.filter, "cleanup");
	draw_full(&p, &c);
	cr_assert_geq(find_row("(1 of 3)", 0), 0);
	cr_assert_geq(find_row("b7e1d0c4", 0), 0);
	cr_assert_lt(find_row("4a0c7e2d", 0), 0);
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, alerts_silence_targets)
{
	struct snapshot *s = build_alerts_silences();
	struct pane p = make_pane(&pane_alerts_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct action_target tg;
	char *d;

	/* From the alerts view: the selected alert's silence. */
	draw_full(&p, &c);
	cr_assert(target_of(&p, &c, TARGET_SILENCE, &tg));
	cr_assert_str_eq(tg.u.silence.id, SIL_API);
	press(&p, &c, 'j');
	cr_assert_not(target_of(&p, &c, TARGET_SILENCE, &tg));
	/* The silences view has a selection of its own. */
	press(&p, &c, 'v');
	draw_full(&p, &c);
	press(&p, &c, 'j');
	cr_assert(target_of(&p, &c, TARGET_SILENCE, &tg));
	cr_assert_str_eq(tg.u.silence.id, SIL_DISK);
	cr_assert_str_eq(tg.label,
			 "silence " SIL_DISK " (alertname=\"DiskFilling\")");
	/* No alert is selected here. */
	cr_assert_not(target_of(&p, &c, TARGET_ALERT, &tg));
	press(&p, &c, 'k');
	d = p.ops->detail(&p, &c);
	cr_assert_not_null(d);
	cr_assert(strstr(d, "id: " SIL_API "\n") != NULL, "%s", d);
	cr_assert(strstr(d, "created by: alice\n") != NULL, "%s", d);
	cr_assert(strstr(d, "ends: 2026-11-22 03:26:07Z (in 14m00s)") != NULL,
		  "%s", d);
	cr_assert(strstr(d, "HighErrorRate {service=api}") != NULL, "%s", d);
	free(d);
	/* Back in the alerts view, its selection is where it was. */
	press(&p, &c, 'v');
	draw_full(&p, &c);
	cr_assert(target_of(&p, &c, TARGET_ALERT, &tg));
	cr_assert_str_eq(tg.u.alert.fingerprint, "fp-crit-new");
	p.ops->free(&p);
	snapshot_unref(s);
}

Test(panes, alerts_silence_selection_follows_id)
{
	struct snapshot *s = build_alerts_silences();
	struct snapshot *s2 = build_alerts_silences();
	struct alerts_model *m2 = s2->data;
	struct pane p = make_pane(&pane_alerts_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct action_target tg;

	press(&p, &c, 'v');
	draw_full(&p, &c);
	press(&p, &c, 'j');
	cr_assert(target_of(&p, &c, TARGET_SILENCE, &tg));
	cr_assert_str_eq(tg.u.silence.id, SIL_DISK);
	/* The next poll: the API silence above it was expired; the
	 * selection stays on the same silence, now the first row. */
	m2->silences[1] = m2->silences[2];
	m2->n_silences = 2;
	c = make_ctx(s2, NULL);
	draw_full(&p, &c);
	cr_assert_geq(find_row("active silences 2", 0), 0);
	cr_assert(target_of(&p, &c, TARGET_SILENCE, &tg));
	cr_assert_str_eq(tg.u.silence.id, SIL_DISK);
	cr_assert_eq(p.view.sel, 0);
	p.ops->free(&p);
	snapshot_unref(s);
	snapshot_unref(s2);
}

Test(panes, alerts_no_active_silences)
{
	struct snapshot *s = build_alerts();
	struct pane p = make_pane(&pane_alerts_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct action_target tg;
	int r;

	press(&p, &c, 'v');
	draw_full(&p, &c);
	r = find_row("no active silences", 0);
	cr_assert_geq(r, 0);
	cr_assert_eq(scr_pair(r, col_of(r, "no active")), role_pair(ROLE_DIM));
	cr_assert_geq(find_row("active silences 0", 0), 0);
	cr_assert_lt(find_row("MATCHERS", 0), 0);
	cr_assert_not(p.ops->key(&p, &c, 'j'));
	cr_assert_not(target_of(&p, &c, TARGET_SILENCE, &tg));
	cr_assert_null(p.ops->detail(&p, &c));
	/* Back to the alerts: the silenced alert still names its silence. */
	press(&p, &c, 'v');
	draw_full(&p, &c);
	cr_assert_lt(find_row("no active silences", 0), 0);
	cr_assert(target_of(&p, &c, TARGET_SILENCE, &tg));
	cr_assert_str_eq(tg.u.silence.id, "sil-1");
	p.ops->free(&p);
	snapshot_unref(s);
}

/* The status line: the pane's own keys, and the source's actions whose
 * target the pane's view can select (or that need no row). */
Test(panes, status_hints_come_from_the_source_actions)
{
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct config cfg = { 0 };
	struct err err = { "" };
	struct app a;
	struct pane_ctx c;
	char hints[512];
	int src, i, alerts = -1;

	cr_assert_eq(demo_setup(&cfg, r, 1, &err), 0, "%s", err.msg);
	src = state_find_source(st, demo_source_name(SNAP_ALERTS));
	cr_assert_geq(src, 0);
	state_publish(st, src, build_alerts_silences());
	app_init(&a, st, r, NULL, NULL, &theme, false, true);
	app_bind_sources(&a);
	a.win = stdscr;
	app_resize(&a, ROWS, COLS);
	for (i = 0; i < a.n_panes; i++) {
		if (a.panes[i].ops == &pane_alerts_ops) {
			alerts = i;
		}
	}
	cr_assert_geq(alerts, 0);
	app_focus(&a, alerts);

	/* The alerts view selects an alert (and its silence). */
	app_ctx_get(&a, alerts, &c);
	a.panes[alerts].ops->draw(&a.panes[alerts], &c, stdscr, 0, 0, ROWS,
				  COLS);
	header_hints(&a, hints, sizeof(hints));
	cr_expect(strstr(hints, "A\tsilence\n") != NULL, "%s", hints);
	cr_expect(strstr(hints, "E\texpire silence\n") != NULL, "%s", hints);
	cr_expect(strstr(hints, "s\tsort\nv\tsilences\n") != NULL, "%s",
		  hints);
	cr_expect(strncmp(hints, "?\thelp\nq\tquit\n", 14) == 0, "%s",
		  hints);

	/* The silences view selects silences only. */
	a.panes[alerts].ops->key(&a.panes[alerts], &c, 'v');
	a.panes[alerts].ops->draw(&a.panes[alerts], &c, stdscr, 0, 0, ROWS,
				  COLS);
	header_hints(&a, hints, sizeof(hints));
	cr_expect(strstr(hints, "E\texpire silence\nX\textend silence\n"
			 "s\tsort\nv\talerts\n") != NULL, "%s", hints);
	cr_expect(strstr(hints, "A\tsilence\n") == NULL, "%s", hints);

	/* Read-only removes both: they are destructive, in the demo too. */
	a.read_only = true;
	header_hints(&a, hints, sizeof(hints));
	cr_expect(strstr(hints, "expire silence") == NULL, "%s", hints);
	cr_expect(strstr(hints, "extend silence") == NULL, "%s", hints);
	cr_expect(strstr(hints, "s\tsort\nv\talerts\n") != NULL, "%s",
		  hints);
	app_ctx_release(&c);
	app_finish(&a);
	runner_free(r);
	state_free(st);
	config_finish(&cfg);
}

/* ---- timeline ------------------------------------------------------------ */

Test(panes, timeline_newest_first)
{
	struct timeline *tl = timeline_new(NULL, NULL);
	struct pane p = make_pane(&pane_timeline_ops);
	struct pane_ctx c;
	struct line l;
	char *d;
	int h;

	timeline_append(tl, TL_NOTE, "", "alice", "first note", "");
	clock_advance_fake(1000);
	timeline_append(tl, TL_ACTION_INTENT, "postgres.main", "alice",
			"terminate pid 4242",
			"SELECT pg_terminate_backend(4242)");
	clock_advance_fake(1000);
	timeline_append(tl, TL_ACTION_RESULT, "postgres.main", "alice",
			"terminate failed: permission denied", "");
	c = make_ctx(NULL, tl);
	draw_full(&p, &c);
	h = find_row("TIME", 0);
	cr_assert_geq(h, 0);
	read_line(h + 1, &l);
	cr_assert(strstr(l.s, "terminate failed") != NULL, "%s", l.s);
	cr_assert(strstr(l.s, "03:12:09Z") != NULL, "%s", l.s);
	cr_assert(strstr(read_line(h + 3, &l)->s, "first note") != NULL);
	cr_assert(strstr(l.s, "03:12:07Z") != NULL, "%s", l.s);
	cr_assert_eq(scr_pair(h + 2, col_of(h + 2, "action")),
		     role_pair(ROLE_WARN));
	/* A new entry goes on top; the selected one stays selected. */
	press(&p, &c, 'j');
	clock_advance_fake(1000);
	timeline_append(tl, TL_SOURCE_DOWN, "redis.cache", "",
			"redis.cache down", "");
	draw_full(&p, &c);
	cr_assert(strstr(read_line(h + 1, &l)->s, "redis.cache down") != NULL);
	d = p.ops->detail(&p, &c);
	cr_assert(strstr(d, "time: 2026-11-22 03:12:08Z") != NULL, "%s", d);
	cr_assert(strstr(d, "SELECT pg_terminate_backend(4242)") != NULL,
		  "%s", d);
	free(d);
	/* Filter over any field, the detail included. */
	strcpy(p.filter, "pg_terminate");
	draw_full(&p, &c);
	cr_assert_geq(find_row("(1 of 4)", 0), 0);
	cr_assert_lt(find_row("first note", 0), 0);
	p.ops->free(&p);
	timeline_free(tl);
}

/* ---- every pane in small and odd rectangles ------------------------------ */

static void
fill_screen(void)
{
	for (int y = 0; y < ROWS; y++) {
		for (int x = 0; x < COLS; x++) {
			mvwaddch(stdscr, y, x, '#');
		}
	}
}

/* Nothing drawn outside the rectangle at (ry, rx). */
static void
check_outside(int ry, int rx, int h, int w, const char *what)
{
	for (int y = 0; y < ROWS; y++) {
		for (int x = 0; x < COLS; x++) {
			chtype ch;

			if (y >= ry && y < ry + h && x >= rx && x < rx + w) {
				continue;
			}
			ch = mvwinch(stdscr, y, x) & A_CHARTEXT;
			cr_assert_eq(ch, (chtype)'#',
				     "%s: drew at %d,%d (rect %d,%d %dx%d)",
				     what, y, x, ry, rx, h, w);
		}
	}
}

#define N_HS 8
#define N_WS 5

static void
squeeze(const struct pane_ops *ops, struct snapshot *s, struct timeline *tl)
{
	static const int hs[N_HS] = { 1, 2, 3, 4, 5, 6, 8, 12 };
	static const int ws[N_WS] = { 1, 7, 24, 60, 120 };
	struct pane p = make_pane(ops);
	struct pane_ctx c = make_ctx(s, tl);
	char what[96];

	for (int sub = 0; sub < 4; sub++) {
		for (size_t k = 0; k < N_HS * N_WS; k++) {
			int h = hs[k / N_WS], w = ws[k % N_WS];

			fill_screen();
			ops->draw(&p, &c, stdscr, 3, 5, h, w);
			snprintf(what, sizeof(what), "%s sub %d", ops->title,
				 p.sub);
			check_outside(3, 5, h, w, what);
			ops->key(&p, &c, 'j');
			ops->click(&p, &c, h - 1, 0);
		}
		/* Something is drawn even in 3 lines. */
		fill_screen();
		ops->draw(&p, &c, stdscr, 3, 5, 3, 60);
		cr_assert((mvwinch(stdscr, 3, 5) & A_CHARTEXT) != '#' ||
			  (mvwinch(stdscr, 4, 5) & A_CHARTEXT) != '#',
			  "%s sub %d drew nothing in 3 lines", ops->title,
			  p.sub);
		ops->key(&p, &c, 'v');
	}
	free(ops->detail(&p, &c));
	ops->free(&p);
}

Test(panes, small_rectangles_stay_inside)
{
	struct snapshot *s;
	struct timeline *tl = timeline_new(NULL, NULL);

	s = build_pods();
	squeeze(&pane_pods_ops, s, NULL);
	snapshot_unref(s);
	s = build_pg();
	((struct pg_model *)s->data)->notice = S(s, "some rows hidden");
	squeeze(&pane_db_ops, s, NULL);
	snapshot_unref(s);
	s = build_redis(2e9);
	squeeze(&pane_redis_ops, s, NULL);
	snapshot_unref(s);
	s = build_kafka();
	squeeze(&pane_kafka_ops, s, NULL);
	snapshot_unref(s);
	s = build_metrics();
	squeeze(&pane_metrics_ops, s, NULL);
	snapshot_unref(s);
	s = build_alerts();
	squeeze(&pane_alerts_ops, s, NULL);
	snapshot_unref(s);
	s = build_alerts_silences();
	squeeze(&pane_alerts_ops, s, NULL);
	snapshot_unref(s);
	timeline_append(tl, TL_NOTE, "", "alice", "a note", "");
	squeeze(&pane_timeline_ops, NULL, tl);
	timeline_free(tl);
}

Test(panes, no_data_yet)
{
	const struct pane_ops *ops[] = {
		&pane_pods_ops, &pane_db_ops, &pane_redis_ops, &pane_kafka_ops,
		&pane_metrics_ops, &pane_alerts_ops,
	};
	struct action_target tg;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct pane p = make_pane(ops[i]);
		struct pane_ctx c = make_ctx(NULL, NULL);

		draw_full(&p, &c);
		cr_assert_geq(find_row("no ", 0), 0, "%s", pane_title(&p));
		cr_assert_not(ops[i]->key(&p, &c, 'j'));
		cr_assert_null(ops[i]->detail(&p, &c));
		cr_assert_not(target_of(&p, &c, TARGET_POD, &tg));
		cr_assert_not_null(p.hints);
		ops[i]->free(&p);
	}
}

Test(panes, db_long_query_threshold_comes_from_the_source)
{
	struct snapshot *s = build_pg();
	struct pane p = make_pane(&pane_db_ops);
	struct pane_ctx c = make_ctx(s, NULL);
	struct pg_model *m = s->data;

	/* 7001 runs for 12 s: long by default, not with long_query = 15s. */
	draw_full(&p, &c);
	cr_assert_geq(find_row("running > 5 s", 0), 0);
	cr_assert_geq(find_row("pg_sleep(12)", find_row(
					"LONG QUERIES", 0)), 0);
	p.ops->free(&p);

	m->long_query_s = 15;
	p = make_pane(&pane_db_ops);
	draw_full(&p, &c);
	cr_assert_geq(find_row("no other query running longer than 15 s", 0),
		      0);
	cr_assert_lt(find_row("pg_sleep(12)", 0), 0);
	p.ops->free(&p);
	snapshot_unref(s);
}
