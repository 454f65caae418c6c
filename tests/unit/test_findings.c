/* The Findings strip (tui/findings.c) and the panes' select() (tui/pane_*):
 * hand-built snapshots published to a real state, drawn into a real
 * ncurses screen and read back: the order, the folding of cited findings,
 * "+N more", Enter on a finding selecting its row in the right pane for
 * every row format, the prefilled action input, the frame's colour, the
 * sanitizer, and a kind without a pane. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/kind.h"
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
#include "tui/cmdline.h"
#include "tui/command.h"
#include "tui/findings.h"
#include "tui/keymap.h"
#include "tui/screen.h"

#define ROWS 40
#define COLS 160
/* 2026-11-22 03:12:07Z */
#define WALL0 1795317127000LL
#define MONO0 5000000LL
#define MIN_MS 60000LL
#define MAX_FINDINGS 16

static struct theme theme;
static struct state *st;
static struct runner *runner;
static struct timeline *tl;
static struct config cfg;
static struct app a;
static bool app_up;

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
	st = state_new();
	tl = timeline_new(NULL, NULL);
	runner = runner_new(st);
	memset(&cfg, 0, sizeof(cfg));
	app_up = false;
}

static void
teardown(void)
{
	if (app_up) {
		app_finish(&a);
	}
	runner_free(runner);
	timeline_free(tl);
	state_free(st);
	config_finish(&cfg);
	scr_close();
	clock_set_real();
}

TestSuite(strip, .init = setup, .fini = teardown);
TestSuite(jump, .init = setup, .fini = teardown);
TestSuite(frame, .init = setup, .fini = teardown);
TestSuite(paneless, .init = setup, .fini = teardown);

/* ---- snapshots ----------------------------------------------------------- */

static const char *
S(struct snapshot *s, const char *str)
{
	return snapshot_strdup(s, str);
}

/* A snapshot as publishing makes it, whose findings are only those the
 * test adds: its model derived (pod status and severity, the lock graph),
 * the rules' own findings dropped. */
static struct snapshot *
prepared(struct snapshot *s)
{
	if (s->data != NULL) {
		rules_derive(s);
	}
	s->derived = true;
	s->health = HEALTH_OK;
	s->interval_ms = 2000;
	s->findings = snapshot_alloc(s, MAX_FINDINGS * sizeof(struct finding));
	s->n_findings = 0;
	return s;
}

static struct snapshot *
bare(enum snap_kind k, const char *source)
{
	return prepared(snapshot_new(k, source));
}

static struct finding *
add(struct snapshot *s, enum health sev, const char *key, const char *text,
    int64_t open_min)
{
	struct finding *f = (struct finding *)&s->findings[s->n_findings++];

	cr_assert_leq(s->n_findings, MAX_FINDINGS);
	memset(f, 0, sizeof(*f));
	f->sev = sev;
	snprintf(f->key, sizeof(f->key), "%s", key);
	snprintf(f->text, sizeof(f->text), "%s", text);
	f->value = f->limit = f->peak = NAN;
	f->opened_ms = WALL0 - open_min * MIN_MS;
	if (sev > s->health) {
		s->health = sev;
	}
	return f;
}

/* A diagnosis finding pointing at row of source at. */
static struct finding *
add_dx(struct snapshot *s, enum health sev, const char *key,
       const char *text, const char *at, const char *row)
{
	struct finding *f = add(s, sev, key, text, 1);

	snprintf(f->at_source, sizeof(f->at_source), "%s", at);
	snprintf(f->at_row, sizeof(f->at_row), "%s", row);
	return f;
}

/* Five pods (two workers, three of api: one crashing), a cache killed by
 * OOM; deployments worker and api. */
static struct snapshot *
pods(const char *source)
{
	struct snapshot *s = snapshot_new(SNAP_PODS, source);
	struct pods_model *m = snapshot_alloc(s, sizeof(*m));
	size_t i = 0;

	m->context = S(s, "prod");
	m->pods = snapshot_alloc(s, 6 * sizeof(*m->pods));
	fixture_pod(s, &m->pods[i++], "prod", "worker-00", "worker", "Running",
		    "", 1, 0);
	fixture_pod(s, &m->pods[i++], "prod", "worker-01", "worker", "Running",
		    "", 1, 0);
	fixture_pod(s, &m->pods[i++], "prod", "api-7d9f-bbb", "api", "Running",
		    "", 1, 0);
	fixture_pod(s, &m->pods[i++], "prod", "cache-0", "cache", "Running",
		    "OOMKilled", 0, 3);
	fixture_pod(s, &m->pods[i++], "prod", "api-7d9f-aaa", "api", "Running",
		    "CrashLoopBackOff", 0, 12);
	fixture_pod(s, &m->pods[i++], "prod", "api-7d9f-ccc", "api", "Running",
		    "", 1, 0);
	m->n_pods = i;
	m->deploys = snapshot_alloc(s, 2 * sizeof(*m->deploys));
	m->deploys[0] = (struct deploy_row){ S(s, "prod"), S(s, "worker"), 2,
					     2, 2, 2, 7,
					     S(s, "registry/worker:1.4") };
	m->deploys[1] = (struct deploy_row){ S(s, "prod"), S(s, "api"), 3, 2,
					     3, 2, 42,
					     S(s, "registry/api:2.0") };
	m->n_deploys = 2;
	s->data = m;
	return prepared(s);
}

/* 4242 idle in transaction blocks 5012; 7000 and 7001 idle. */
static struct snapshot *
pg(void)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.main");
	struct pg_model *m = snapshot_alloc(s, sizeof(*m));
	struct pg_session *x;
	static const int by4242[] = { 4242 };

	m->server_version = S(s, "15.4");
	m->max_connections = 100;
	m->conns_active = 4;
	m->conns_other = NAN;
	m->sessions = snapshot_alloc(s, 8 * sizeof(*m->sessions));
	m->replay_delay_s = NAN;
	m->notice = S(s, "");
	fixture_session(s, m, 4242, "idle in transaction", "UPDATE accounts "
			"SET balance = 0", 30);
	x = fixture_session(s, m, 5012, "active", "UPDATE accounts SET x = 1",
			    30);
	x->blocked_by = snapshot_alloc(s, sizeof(int));
	memcpy(x->blocked_by, by4242, sizeof(int));
	x->n_blocked_by = 1;
	x->lock_mode = S(s, "ShareLock");
	x->lock_rel = S(s, "accounts");
	x->wait_event = S(s, "Lock:transactionid");
	x->wait_s = 40;
	fixture_session(s, m, 7000, "idle", "SELECT 1", 30);
	fixture_session(s, m, 7001, "idle", "SELECT 2", 30);
	s->data = m;
	return prepared(s);
}

static struct series
flat(struct snapshot *s, size_t n, double v)
{
	struct series sr;

	sr.v = snapshot_alloc(s, n * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		sr.v[i] = v;
	}
	sr.n = n;
	sr.step_ms = 15000;
	return sr;
}

static void
set_group(struct snapshot *s, struct kafka_group *g, const char *name,
	  double lag)
{
	g->group = S(s, name);
	g->topic = S(s, "payments");
	g->state = S(s, "Stable");
	g->members = 2;
	g->total_lag = lag;
	g->lag_per_s = 0;
	g->lag_s = 2;
	g->status = KAFKA_OK;
	g->reason = S(s, "OK");
	g->worst = -1;
	g->error = S(s, "");
	g->lag_history = flat(s, 10, lag);
}

static struct snapshot *
kafka(void)
{
	struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.main");
	struct kafka_model *m = snapshot_alloc(s, sizeof(*m));

	m->bootstrap = S(s, "127.0.0.1:9092");
	m->brokers_up = 3;
	m->brokers_total = 3;
	m->notice = S(s, "");
	m->groups = snapshot_alloc(s, 3 * sizeof(*m->groups));
	set_group(s, &m->groups[0], "orders-consumer", 9000);
	set_group(s, &m->groups[1], "billing-consumer", 10);
	set_group(s, &m->groups[2], "audit", 500);
	m->n_groups = 3;
	s->data = m;
	return prepared(s);
}

static struct snapshot *
metrics(void)
{
	struct snapshot *s = snapshot_new(SNAP_METRICS, "prometheus.main");
	struct metrics_model *m = snapshot_alloc(s, sizeof(*m));
	struct metric_panel *pn;

	m->panels = snapshot_alloc(s, 2 * sizeof(*m->panels));
	pn = &m->panels[0];
	fixture_panel(s, pn, "p95 latency", "histogram_quantile(0.95, ...)",
		      UNIT_SECONDS, NAN, NAN, 1);
	pn->rows[0] = (struct metric_row){ S(s, "checkout"), 0.8, S(s, ""),
					   flat(s, 10, 0.8) };
	pn->n_rows = 1;
	pn = &m->panels[1];
	fixture_panel(s, pn, "5xx ratio", "sum(rate(http_requests_total[5m]))",
		      UNIT_RATIO, 0.5, 0.9, 3);
	pn->rows[0] = (struct metric_row){ S(s, "web"), 0.01, S(s, ""),
					   flat(s, 10, 0.01) };
	pn->rows[1] = (struct metric_row){ S(s, "api"), 0.042, S(s, ""),
					   flat(s, 10, 0.042) };
	pn->rows[2] = (struct metric_row){ S(s, "auth"), 0.02, S(s, ""),
					   flat(s, 10, 0.02) };
	pn->n_rows = 3;
	m->n_panels = 2;
	s->data = m;
	return prepared(s);
}

static struct snapshot *
alerts(void)
{
	struct snapshot *s = snapshot_new(SNAP_ALERTS, "alertmanager.main");
	struct alerts_model *m = snapshot_alloc(s, sizeof(*m));

	m->alerts = snapshot_alloc(s, 3 * sizeof(*m->alerts));
	fixture_alert(s, &m->alerts[0], "fp-disk", "DiskFilling",
		      "warning", "node=n1",
		      "disk 85 % full", WALL0 - 7200000);
	fixture_alert(s, &m->alerts[1], "fp-crash", "PodCrashLooping",
		      "critical", "pod=api",
		      "api is crash looping", WALL0 - 60000);
	fixture_alert(s, &m->alerts[2], "fp-5xx", "HighErrorRate",
		      "warning", "service=api",
		      "5xx above 5 %", WALL0 - 600000);
	m->n_alerts = 3;
	s->data = m;
	return prepared(s);
}

static struct snapshot *
endpoint(const char *source)
{
	struct snapshot *s = snapshot_new(SNAP_HTTP, source);
	struct endpoint_model *m = snapshot_alloc(s, sizeof(*m));

	m->url = S(s, "https://api.example.com/healthz");
	m->expect_body = S(s, "");
	m->status = 200;
	m->ok = true;
	m->reason = S(s, "");
	m->latency_ms = 40;
	m->connect_ms = m->tls_ms = m->first_byte_ms = NAN;
	m->latency_warn_ms = 2000;
	m->up_ratio = 1;
	m->tls = true;
	m->cert_days = 90;
	m->cert_issuer = S(s, "");
	m->cert_subject = S(s, "");
	m->cert_warn_days = 14;
	m->cert_crit_days = 3;
	s->data = m;
	return prepared(s);
}

/* ---- the app ------------------------------------------------------------- */

static int
source(enum snap_kind k, const char *name)
{
	int idx = state_find_source(st, name);

	if (idx < 0) {
		idx = state_add_source(st, name, k);
	}
	cr_assert_geq(idx, 0, "%s", name);
	return idx;
}

static void
publish(struct snapshot *s)
{
	state_publish(st, source(s->kind, s->source), s);
}

static void
start_app_ro(bool read_only)
{
	app_init(&a, st, runner, tl, NULL, &theme, read_only, false);
	app_up = true;
	a.win = stdscr;
	app_bind_sources(&a);
	app_resize(&a, ROWS, COLS);
	app_collect(&a);
	screen_draw(&a);
}

static void
start_app(void)
{
	start_app_ro(false);
}

/* Takes in what was published since and draws it. */
static void
take_in(void)
{
	app_collect(&a);
	screen_draw(&a);
}

static const char *
row(int y)
{
	static char buf[COLS * 4 + 1];

	return scr_row_trim(y, 0, COLS, buf, sizeof(buf));
}

static bool
on_strip(const char *needle)
{
	for (int y = a.lay.strip.y; y < a.lay.strip.y + a.lay.strip.h; y++) {
		if (strstr(row(y), needle) != NULL) {
			return true;
		}
	}
	return false;
}

static void
key(int k)
{
	command_key(&a, k, true);
	screen_draw(&a);
}

/* A left click at (y, x) of the screen, then a draw. */
static void
click(int y, int x)
{
	MEVENT ev = { .y = y, .x = x, .bstate = BUTTON1_CLICKED };

	command_mouse(&a, &ev);
	screen_draw(&a);
}

static int
pane_of(enum snap_kind k)
{
	return app_pane_of_kind(&a, k);
}

/* The focused pane's target of type: its label, or "" when none. */
static const char *
focused_target(enum target_type type)
{
	static struct action_target t;
	struct pane *p = &a.panes[a.focus];
	struct pane_ctx c;
	bool ok;

	memset(&t, 0, sizeof(t));
	app_ctx_get(&a, a.focus, &c);
	ok = p->ops->target != NULL && p->ops->target(p, &c, type, &t);
	app_ctx_release(&c);
	return ok ? t.label : "";
}

/* The focused pane's detail of its selected row ("" none). */
static const char *
focused_detail(void)
{
	static char buf[4096];
	struct pane *p = &a.panes[a.focus];
	struct pane_ctx c;
	char *d;

	app_ctx_get(&a, a.focus, &c);
	d = p->ops->detail != NULL ? p->ops->detail(p, &c) : NULL;
	app_ctx_release(&c);
	snprintf(buf, sizeof(buf), "%s", d != NULL ? d : "");
	free(d);
	return buf;
}

/* ---- the list: order, folding, more -------------------------------------- */

Test(strip, worst_first_then_diagnosis_then_oldest)
{
	struct snapshot *db = bare(SNAP_PG, "postgres.main");
	struct snapshot *al = bare(SNAP_ALERTS, "alertmanager.main");
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");
	struct findings_list l;
	static const char *const want[] = {
		"1 diag crit", "2 kind crit older", "3 kind crit newer",
		"4 diag warn", "5 kind warn", "6 silenced crit",
	};

	add(db, HEALTH_CRIT, "pg-conns", "3 kind crit newer", 1);
	add(db, HEALTH_WARN, "pg-idle-xact", "5 kind warn", 20);
	add(db, HEALTH_CRIT, "pg-blocked:1", "2 kind crit older", 10);
	add(al, HEALTH_CRIT, "alert:fp", "6 silenced crit", 30)->suppressed =
		true;
	add_dx(dx, HEALTH_WARN, "dx:w", "4 diag warn", "postgres.main", "");
	add_dx(dx, HEALTH_CRIT, "dx:c", "1 diag crit", "postgres.main", "");
	publish(db);
	publish(al);
	publish(dx);
	start_app();

	findings_list_build(&a, &l);
	cr_assert_eq(l.n, 6);
	for (size_t i = 0; i < l.n; i++) {
		cr_expect_str_eq(l.items[i].f->text, want[i], "line %zu", i);
	}
	findings_list_free(&l);
	/* Drawn: three lines, then how many more. */
	cr_expect_eq(a.lay.strip.h, FINDINGS_STRIP_LINES);
	cr_expect(strstr(row(1), "1 diag crit") != NULL, "%s", row(1));
	cr_expect(strstr(row(1), "diagnosis.main") != NULL, "%s", row(1));
	cr_expect(strstr(row(1), "1m") != NULL, "%s", row(1));
	cr_expect(strstr(row(2), "2 kind crit older") != NULL, "%s", row(2));
	cr_expect(strstr(row(2), "postgres.main \u00b7 10m") != NULL, "%s",
		  row(2));
	cr_expect(strstr(row(3), "3 kind crit newer") != NULL, "%s", row(3));
	cr_expect(strstr(row(4), "+3 more") != NULL, "%s", row(4));
	cr_expect_not(on_strip("6 silenced"));
}

Test(strip, a_cited_finding_folds_under_the_diagnosis)
{
	struct snapshot *k8s = bare(SNAP_PODS, "kubernetes.prod");
	struct snapshot *other = bare(SNAP_PODS, "kubernetes.staging");
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");
	struct finding *f;
	struct findings_list l;

	add(k8s, HEALTH_CRIT, "oom:prod/api-x", "pod api-x OOMKilled", 5);
	add(k8s, HEALTH_WARN, "restarts:prod/web", "pod web restarting", 5);
	/* The same key from another source is not the one cited. */
	add(other, HEALTH_CRIT, "oom:prod/api-x", "staging api-x OOMKilled",
	    5);
	f = add_dx(dx, HEALTH_CRIT, "dx:oom-after-deploy",
		   "api runs out of memory since rollout 42",
		   "kubernetes.prod", "deploy:prod/api");
	snprintf(f->cites_source, sizeof(f->cites_source), "kubernetes.prod");
	snprintf(f->cites, sizeof(f->cites), "oom:prod/api-x");
	publish(k8s);
	publish(other);
	publish(dx);
	start_app();

	findings_list_build(&a, &l);
	cr_assert_eq(l.n, 3);
	cr_expect_str_eq(l.items[0].f->key, "dx:oom-after-deploy");
	cr_expect_eq(l.items[0].cited, 1);
	findings_list_free(&l);
	cr_expect(strstr(row(1), "api runs out of memory since rollout 42  "
			 "+1 cited") != NULL, "%s", row(1));
	cr_expect_not(on_strip("pod api-x OOMKilled"));
	cr_expect(on_strip("staging api-x OOMKilled"));
	cr_expect(on_strip("pod web restarting"));
}

Test(strip, more_than_four_say_how_many_and_z_lists_all)
{
	struct snapshot *db = bare(SNAP_PG, "postgres.main");
	char key_buf[32], text[32];

	for (int i = 0; i < 6; i++) {
		snprintf(key_buf, sizeof(key_buf), "k%d", i);
		snprintf(text, sizeof(text), "finding number %d", i);
		add(db, HEALTH_WARN, key_buf, text, 10 - i);
	}
	publish(db);
	start_app();
	cr_expect_eq(a.lay.strip.h, 4);
	cr_expect(strstr(row(4), "+3 more") != NULL, "%s", row(4));
	cr_expect_not(on_strip("finding number 3"));
	/* w, then z: every finding, the panes out of the way. */
	key('w');
	cr_expect(a.strip.focused);
	key('z');
	cr_expect(a.strip.zoomed);
	cr_expect_geq(a.lay.strip.h, 6);
	for (int i = 0; i < 6; i++) {
		snprintf(text, sizeof(text), "finding number %d", i);
		cr_expect(on_strip(text), "%s missing", text);
	}
	cr_expect_not(on_strip("more"));
	/* Esc unzooms, Esc again leaves. */
	key(27);
	cr_expect_not(a.strip.zoomed);
	cr_expect_eq(a.lay.strip.h, 4);
	key(27);
	cr_expect_not(a.strip.focused);
	/* The selection scrolls the four lines. */
	key('w');
	for (int i = 0; i < 5; i++) {
		key('j');
	}
	cr_expect_eq(a.strip.sel, 5);
	cr_expect(on_strip("finding number 5"));
	cr_expect(on_strip("+3 more (3 above, 0 below)"), "%s", row(4));
	/* g and Home: the first; G and End: the last. */
	key('g');
	cr_expect_eq(a.strip.sel, 0);
	cr_expect(on_strip("finding number 0"));
	key('G');
	cr_expect_eq(a.strip.sel, 5);
	command_key(&a, KEY_HOME, false);
	cr_expect_eq(a.strip.sel, 0);
	command_key(&a, KEY_END, false);
	cr_expect_eq(a.strip.sel, 5);
}

Test(strip, none_is_one_line)
{
	publish(bare(SNAP_PG, "postgres.main"));
	start_app();
	cr_expect_eq(a.lay.strip.h, 1);
	cr_expect_eq(a.lay.strip.y, 1);
	cr_expect(strstr(row(1), "no open findings") != NULL, "%s", row(1));
	cr_expect_eq(a.lay.pane[pane_of(SNAP_PG)].y, 2);
}

Test(strip, escapes_in_a_finding_are_shown_as_text)
{
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");

	add_dx(dx, HEALTH_CRIT, "dx:evil", "evil\x1b[2J\x1b]0;pwned\a text",
	       "postgres.main", "pid:1");
	publish(bare(SNAP_PG, "postgres.main"));
	publish(dx);
	start_app();
	cr_expect(strstr(row(1), "evil\\x1b[2J\\x1b]0;pwned\\x07 text") !=
		  NULL, "%s", row(1));
	for (int x = 0; x < COLS; x++) {
		wchar_t ch = scr_char(1, x);

		cr_expect(ch != L'\x1b' && ch != L'\a', "control at %d", x);
	}
}

Test(strip, an_idle_strip_is_drawn_again_by_the_minute)
{
	struct snapshot *db = bare(SNAP_PG, "postgres.main");

	add(db, HEALTH_WARN, "pg-conns", "connections high", 0);
	publish(db);
	start_app();
	cr_expect(strstr(row(1), "<1m") != NULL, "%s", row(1));
	for (int s = 0; s < 30; s++) {
		clock_advance_fake(1000);
		app_collect(&a);
		cr_expect_not(a.dirty_strip, "redrawn at second %d", s);
		screen_draw(&a);
	}
	clock_advance_fake(31000);
	app_collect(&a);
	cr_expect(a.dirty_strip);
	screen_draw(&a);
	cr_expect(strstr(row(1), "1m") != NULL, "%s", row(1));
}

/* ---- Enter: the pane and the row ----------------------------------------- */

/* Every source the jumps need, one diagnosis finding pointing at row of
 * at; then w Enter. */
static void
jump_to(const char *at, const char *at_row)
{
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");

	publish(pods("kubernetes.prod"));
	publish(pg());
	publish(kafka());
	publish(metrics());
	publish(alerts());
	publish(endpoint("http.api"));
	publish(endpoint("http.web"));
	add_dx(dx, HEALTH_CRIT, "dx:1", "the cause", at, at_row);
	publish(dx);
	start_app();
	/* Start away from where the jump goes, on the timeline. */
	app_focus(&a, pane_of(SNAP_KIND_COUNT));
	key('w');
	key('\n');
	cr_expect_not(a.strip.focused, "Enter leaves the strip");
}

Test(jump, pods_deployment)
{
	jump_to("kubernetes.prod", "deploy:prod/api");
	cr_assert_eq(a.focus, pane_of(SNAP_PODS));
	cr_expect_str_eq(focused_target(TARGET_DEPLOYMENT),
			 "deployment prod/api");
	cr_expect_str_eq(focused_target(TARGET_POD), "", "the deployments "
			 "view");
}

Test(jump, pods_pod)
{
	jump_to("kubernetes.prod", "pod:prod/cache-0");
	cr_assert_eq(a.focus, pane_of(SNAP_PODS));
	cr_expect_str_eq(focused_target(TARGET_POD), "pod prod/cache-0");
}

Test(jump, pods_workload_selects_one_of_its_pods)
{
	jump_to("kubernetes.prod", "crashloop:prod/worker");
	cr_assert_eq(a.focus, pane_of(SNAP_PODS));
	cr_expect(strncmp(focused_target(TARGET_POD), "pod prod/worker-0",
			  17) == 0, "%s", focused_target(TARGET_POD));
}

Test(jump, database_pid)
{
	jump_to("postgres.main", "pid:5012");
	cr_assert_eq(a.focus, pane_of(SNAP_PG));
	cr_expect(strstr(focused_target(TARGET_PG_BACKEND), "5012") != NULL,
		  "%s", focused_target(TARGET_PG_BACKEND));
}

Test(jump, database_pid_outside_the_lock_tree)
{
	jump_to("postgres.main", "pid:7001");
	cr_assert_eq(a.focus, pane_of(SNAP_PG));
	cr_expect(strstr(focused_target(TARGET_PG_BACKEND), "7001") != NULL,
		  "%s", focused_target(TARGET_PG_BACKEND));
}

Test(jump, kafka_group)
{
	jump_to("kafka.main", "group:billing-consumer");
	cr_assert_eq(a.focus, pane_of(SNAP_KAFKA));
	cr_expect(strncmp(focused_detail(), "consumer group billing-consumer",
			  31) == 0, "%s", focused_detail());
}

Test(jump, metrics_panel_row)
{
	jump_to("prometheus.main", "panel:5xx ratio/api");
	cr_assert_eq(a.focus, pane_of(SNAP_METRICS));
	cr_expect(strncmp(focused_detail(), "5xx ratio\n", 10) == 0, "%s",
		  focused_detail());
	cr_expect(strstr(focused_detail(), "api") != NULL, "%s",
		  focused_detail());
	cr_expect(strstr(focused_detail(), "web") == NULL, "%s",
		  focused_detail());
}

Test(jump, alerts_fingerprint)
{
	jump_to("alertmanager.main", "alert:fp-5xx");
	cr_assert_eq(a.focus, pane_of(SNAP_ALERTS));
	cr_expect(strstr(focused_target(TARGET_ALERT), "HighErrorRate") !=
		  NULL, "%s", focused_target(TARGET_ALERT));
}

Test(jump, endpoints_source)
{
	jump_to("http.web", "source:http.web");
	cr_assert_eq(a.focus, pane_of(SNAP_HTTP));
	cr_expect(strncmp(focused_detail(), "endpoint http.web", 17) == 0,
		  "%s", focused_detail());
}

Test(jump, a_kinds_own_finding_by_its_key)
{
	struct snapshot *k = kafka();

	/* Not the first group: the groups are sorted by lag. */
	add(k, HEALTH_WARN, "kafka:WARN:audit", "audit WARN: lag rising", 3);
	publish(k);
	publish(pods("kubernetes.prod"));
	start_app();
	app_focus(&a, pane_of(SNAP_PODS));
	key('w');
	key('\n');
	cr_assert_eq(a.focus, pane_of(SNAP_KAFKA));
	cr_expect(strncmp(focused_detail(), "consumer group audit\n", 21) ==
		  0, "%s", focused_detail());
}

Test(jump, shows_the_source_unhides_the_pane_and_clears_the_filter)
{
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");
	int i, staging;

	publish(pods("kubernetes.prod"));
	publish(pods("kubernetes.staging"));
	publish(pg());
	add_dx(dx, HEALTH_WARN, "dx:1", "staging cache", "kubernetes.staging",
	       "pod:prod/cache-0");
	publish(dx);
	start_app();
	i = pane_of(SNAP_PODS);
	staging = state_find_source(st, "kubernetes.staging");
	cr_assert_neq(a.panes[i].source, staging);
	snprintf(a.panes[i].filter, sizeof(a.panes[i].filter), "worker");
	cr_assert(app_hide(&a, i));
	screen_draw(&a);
	key('w');
	key('\n');
	cr_expect_eq(a.focus, i);
	cr_expect_not(a.panes[i].hidden);
	cr_expect_eq(a.panes[i].source, staging);
	cr_expect_str_eq(a.panes[i].filter, "");
	cr_expect_str_eq(focused_target(TARGET_POD), "pod prod/cache-0");
}

Test(jump, a_click_on_a_line_jumps)
{
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");
	struct command out[4];
	MEVENT ev = { .y = 2, .x = 10, .bstate = BUTTON1_CLICKED };
	size_t n;

	publish(pods("kubernetes.prod"));
	publish(pg());
	add_dx(dx, HEALTH_CRIT, "dx:1", "first", "kubernetes.prod",
	       "deploy:prod/api");
	add_dx(dx, HEALTH_WARN, "dx:2", "second", "postgres.main",
	       "pid:5012");
	publish(dx);
	start_app();
	cr_assert(strstr(row(2), "second") != NULL, "%s", row(2));
	n = keymap_mouse(&a, &ev, out, 4);
	cr_assert_eq(n, 1);
	command_apply(&a, &out[0]);
	cr_expect_eq(a.focus, pane_of(SNAP_PG));
	cr_expect(strstr(focused_target(TARGET_PG_BACKEND), "5012") != NULL,
		  "%s", focused_target(TARGET_PG_BACKEND));
}

/* Enter goes to the finding that was selected, even when a worse one
 * arrived since the strip was drawn and moved it down a line. */
Test(jump, enter_follows_the_selected_finding_not_its_line)
{
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");

	publish(pods("kubernetes.prod"));
	publish(pg());
	add_dx(dx, HEALTH_CRIT, "dx:1", "first", "kubernetes.prod",
	       "deploy:prod/api");
	add_dx(dx, HEALTH_WARN, "dx:2", "second", "postgres.main",
	       "pid:5012");
	publish(dx);
	start_app();
	key('w');
	key('j');
	cr_assert_eq(a.strip.sel, 1);
	dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");
	add_dx(dx, HEALTH_CRIT, "dx:0", "newest and worst", "kubernetes.prod",
	       "pod:prod/cache-0");
	add_dx(dx, HEALTH_CRIT, "dx:1", "first", "kubernetes.prod",
	       "deploy:prod/api");
	add_dx(dx, HEALTH_WARN, "dx:2", "second", "postgres.main",
	       "pid:5012");
	publish(dx);
	app_collect(&a);        /* taken in, not drawn yet */
	command_key(&a, '\n', true);
	cr_assert_eq(a.focus, pane_of(SNAP_PG));
	cr_expect(strstr(focused_target(TARGET_PG_BACKEND), "5012") != NULL,
		  "%s", focused_target(TARGET_PG_BACKEND));
}

/* The Database pane's findings about many sessions lead to the one their
 * text names; those about the whole server to the pane, without a
 * warning. */
Test(jump, database_findings_without_a_pid_in_their_key)
{
	struct snapshot *db = pg();
	struct pg_model *m = db->data;

	m->sessions[2].state = S(db, "idle in transaction");
	m->sessions[2].xact_s = 90;
	/* as the kind names it (test_rules: pg_idle_in_transaction) */
	snprintf(add(db, HEALTH_WARN, "pg-idle-xact", "1 session idle in "
		     "transaction (oldest pid 7000, 1m30s)", 3)->at_row,
		 FINDING_KEY_MAX, "pid:7000");
	add(db, HEALTH_WARN, "pg-conns", "connections at 95 %", 2);
	publish(db);
	publish(pods("kubernetes.prod"));
	start_app();
	app_focus(&a, pane_of(SNAP_PODS));
	key('w');
	key('\n');
	cr_assert_eq(a.focus, pane_of(SNAP_PG));
	cr_expect(strstr(focused_target(TARGET_PG_BACKEND), "7000") != NULL,
		  "%s", focused_target(TARGET_PG_BACKEND));
	cr_expect(strstr(a.status, "no row") == NULL, "%s", a.status);
	app_focus(&a, pane_of(SNAP_PODS));
	key('w');
	key('j');
	key('\n');
	cr_expect_eq(a.focus, pane_of(SNAP_PG));
	cr_expect(strstr(a.status, "no row") == NULL, "%s", a.status);
}

/* ---- the action's input -------------------------------------------------- */

/* The demo's sources (whose actions the dialogs need), its pods, and one
 * finding "scale to 6" pointing at row; the app started. */
static void
scale_to_6(const char *text, const char *at_row)
{
	struct err err = { "" };
	const char *k8s;
	struct snapshot *dx;
	struct finding *f;

	cr_assert_eq(demo_setup(&cfg, runner, 1, &err), 0, "%s", err.msg);
	k8s = demo_source_name(SNAP_PODS);
	publish(pods(k8s));
	dx = bare(SNAP_DIAGNOSIS, "diagnosis.test");
	f = add_dx(dx, HEALTH_CRIT, "dx:scale", text, k8s, at_row);
	f->action_key = 'X';
	snprintf(f->action, sizeof(f->action), "scale");
	snprintf(f->action_input, sizeof(f->action_input), "6");
	publish(dx);
	start_app();
}

Test(jump, the_findings_input_prefills_the_actions_dialog)
{
	scale_to_6("api needs more replicas", "deploy:prod/api");
	/* Only this finding: the demo's other sources have not polled. */
	cr_assert(strstr(row(1), "[X] scale api needs more replicas") != NULL,
		  "%s", row(1));
	key('w');
	key('\n');
	cr_assert_eq(a.focus, pane_of(SNAP_PODS));
	key('X');
	cr_assert(dialog_is_open(&a.dlg));
	cr_expect_str_eq(a.dlg.input, "6");
	key(27);
	cr_assert_not(dialog_is_open(&a.dlg));
	/* Not right after the jump: the deployment's own count. */
	key('X');
	cr_assert(dialog_is_open(&a.dlg));
	cr_expect_str_eq(a.dlg.input, "3");
	key(27);
	/* Another key between the jump and the action forgets it. */
	key('w');
	key('\n');
	key('k');
	key('X');
	cr_assert(dialog_is_open(&a.dlg));
	cr_expect_str_neq(a.dlg.input, "6");
	key(27);
	/* So does a click. */
	key('w');
	key('\n');
	click(a.lay.pane[a.focus].y + 3, a.lay.pane[a.focus].x + 3);
	key('X');
	cr_assert(dialog_is_open(&a.dlg));
	cr_expect_str_neq(a.dlg.input, "6");
	key(27);
}

/* A jump that finds no row for its finding prefills nothing: the input
 * was for that row, not for the one the pane is left on. */
Test(jump, no_row_no_prefill)
{
	scale_to_6("gone needs more replicas", "deploy:prod/gone");
	key('w');
	key('\n');
	cr_assert_eq(a.focus, pane_of(SNAP_PODS));
	cr_expect(strstr(a.status, "no row") != NULL, "%s", a.status);
	key('X');
	if (dialog_is_open(&a.dlg)) {
		cr_expect_str_neq(a.dlg.input, "6");
		key(27);
	}
	cr_expect_eq(a.strip.prefill_key, 0);
}

/* ---- the frame ----------------------------------------------------------- */

static short
role_pair(enum role r)
{
	return (short)PAIR_NUMBER(theme_attr(&theme, r));
}

Test(frame, a_critical_diagnosis_finding_colours_its_pane)
{
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");
	struct snapshot *al = bare(SNAP_ALERTS, "alertmanager.main");
	int db, redis;
	struct rect r;

	publish(pg());
	publish(bare(SNAP_REDIS, "redis.cache"));
	/* A silenced alert colours nothing. */
	add(al, HEALTH_CRIT, "alert:x", "silenced", 1)->suppressed = true;
	publish(al);
	source(SNAP_DIAGNOSIS, "diagnosis.main");
	start_app();
	db = pane_of(SNAP_PG);
	redis = pane_of(SNAP_REDIS);
	app_focus(&a, redis);
	screen_draw(&a);
	r = a.lay.pane[db];
	cr_assert(has_colors());
	cr_expect_eq(scr_pair(r.y + 1, r.x), role_pair(ROLE_BORDER));
	cr_expect_eq(scr_pair(a.lay.pane[pane_of(SNAP_ALERTS)].y + 1,
			      a.lay.pane[pane_of(SNAP_ALERTS)].x),
		     role_pair(ROLE_BORDER));
	add_dx(dx, HEALTH_CRIT, "dx:1", "the database", "postgres.main",
	       "pid:4242");
	publish(dx);
	take_in();
	r = a.lay.pane[db];
	cr_expect_eq(scr_pair(r.y + 1, r.x), role_pair(ROLE_CRIT));
	cr_expect_eq(scr_pair(r.y, r.x + r.w / 2), role_pair(ROLE_CRIT),
		     "the title line too");
	cr_expect(scr_attrs(r.y + 1, r.x) & A_BOLD);
	/* The focused Redis pane keeps its focus colour. */
	r = a.lay.pane[redis];
	cr_expect_eq(scr_pair(r.y + 1, r.x), role_pair(ROLE_BORDER_FOCUS));
	/* Gone: the frame as before. */
	dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");
	publish(dx);
	take_in();
	r = a.lay.pane[db];
	cr_expect_eq(scr_pair(r.y + 1, r.x), role_pair(ROLE_BORDER));
}

Test(frame, a_warning_wins_over_production_but_not_over_nothing)
{
	struct snapshot *db = pg();

	add(db, HEALTH_WARN, "pg-conns", "connections high", 1);
	publish(db);
	publish(bare(SNAP_REDIS, "redis.cache"));
	start_app();
	a.production = true;
	a.dirty_all = true;
	screen_draw(&a);
	cr_expect_eq(scr_pair(a.lay.pane[pane_of(SNAP_PG)].y + 1, 0),
		     role_pair(ROLE_WARN));
	cr_expect_eq(scr_pair(a.lay.pane[pane_of(SNAP_REDIS)].y + 1,
			      a.lay.pane[pane_of(SNAP_REDIS)].x),
		     role_pair(ROLE_CRIT), "production elsewhere");
}

/* ---- a kind without a pane ----------------------------------------------- */

Test(paneless, the_diagnosis_has_no_pane_no_slot_no_dot)
{
	struct command c;
	char line[64], why[160], names[256];
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");

	add_dx(dx, HEALTH_WARN, "dx:1", "something", "postgres.main", "");
	publish(bare(SNAP_PG, "postgres.main"));
	publish(dx);
	start_app();
	cr_expect_eq(a.n_panes, 2, "the database and the timeline");
	cr_expect_eq(pane_of(SNAP_DIAGNOSIS), -1);
	for (int i = 0; i < a.n_panes; i++) {
		cr_expect(a.panes[i].ops->kind != SNAP_DIAGNOSIS);
	}
	cr_expect_eq(a.lay.n, 2);
	/* The header lists backends only. */
	cr_expect(strstr(row(0), "postgres.main") != NULL, "%s", row(0));
	cr_expect(strstr(row(0), "diagnosis") == NULL, "%s", row(0));
	cr_expect(strstr(row(0), "dx") == NULL, "%s", row(0));
	app_pane_names(names, sizeof(names));
	cr_expect(strstr(names, "Diagnosis") == NULL, "%s", names);
	/* :diagnosis and its source focus the strip. */
	snprintf(line, sizeof(line), "diagnosis");
	cr_assert(cmdline_parse(&a, line, &c, why, sizeof(why)), "%s", why);
	cr_expect_eq(c.kind, CMD_STRIP);
	snprintf(line, sizeof(line), "diagnosis.main");
	cr_assert(cmdline_parse(&a, line, &c, why, sizeof(why)), "%s", why);
	cr_expect_eq(c.kind, CMD_STRIP);
	command_apply(&a, &c);
	cr_expect(a.strip.focused);
}

Test(strip, a_small_screen_keeps_one_line_with_the_count)
{
	struct snapshot *db = bare(SNAP_PG, "postgres.main");
	char text[32];

	for (int i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "k%d", i);
		add(db, HEALTH_WARN, text, text, 4 - i);
	}
	publish(db);
	publish(bare(SNAP_PODS, "kubernetes.prod"));
	publish(bare(SNAP_REDIS, "redis.cache"));
	publish(bare(SNAP_KAFKA, "kafka.main"));
	publish(bare(SNAP_METRICS, "prometheus.main"));
	publish(bare(SNAP_ALERTS, "alertmanager.main"));
	start_app();
	cr_expect_eq(a.lay.strip.h, 4);
	werase(stdscr);
	app_resize(&a, LAYOUT_MIN_ROWS, LAYOUT_MIN_COLS);
	screen_draw(&a);
	cr_assert_eq(a.lay.mode, LAYOUT_ACCORDION);
	/* The open pane keeps a table's worth of rows. */
	cr_expect_eq(a.lay.strip.h, 1);
	cr_expect_geq(a.lay.pane[a.focus].h, 7);
	cr_expect(strstr(row(1), "k0") != NULL, "%s", row(1));
	cr_expect(strstr(row(1), "+3 more") != NULL, "%s", row(1));
	/* The strip drawn alone draws nothing past it: the open pane's
	 * frame stays whole. */
	a.dirty_strip = true;
	screen_draw(&a);
	cr_expect_eq(a.lay.pane[a.focus].y, 2);
	cr_expect(scr_attrs(2, 0) & A_ALTCHARSET, "%s", row(2));
	cr_expect(strstr(row(2), "Pods]") != NULL, "%s", row(2));
	cr_expect(strstr(row(2), "more") == NULL, "%s", row(2));
	/* A click on "+3 more" lists them all; on the finding, jumps. */
	cr_assert_gt(a.strip.more_w, 0);
	click(1, a.strip.more_x + 1);
	cr_expect(a.strip.focused);
	cr_expect(a.strip.zoomed);
	key(27);
	key(27);
	cr_assert_not(a.strip.focused);
	cr_expect_eq(a.lay.strip.h, 1);
	click(1, 3);
	cr_expect_not(a.strip.zoomed);
	cr_expect_eq(a.focus, pane_of(SNAP_PG));
}

/* --read-only removes the destructive actions everywhere: the strip does
 * not offer them, and keeps a key that only reads (l logs). */
Test(strip, read_only_offers_no_destructive_key)
{
	struct snapshot *k8s = pods("k8s.prod");
	struct snapshot *dx = bare(SNAP_DIAGNOSIS, "diagnosis.main");
	struct finding *f;

	f = add_dx(dx, HEALTH_CRIT, "suspect-rollout:k8s.prod:prod/api",
		   "suspect the rollout of prod/api", "k8s.prod",
		   "deploy:prod/api");
	f->action_key = 'U';
	strcpy(f->action, "rollback");
	f = add_dx(dx, HEALTH_WARN, "app-error:http.api",
		   "application error", "k8s.prod", "pod:prod/api-7d9f-aaa");
	f->action_key = 'l';
	strcpy(f->action, "logs");
	publish(k8s);
	publish(dx);
	start_app_ro(true);
	cr_expect_not(on_strip("[U] rollback"));
	cr_expect(on_strip("suspect the rollout of prod/api"));
	cr_expect(on_strip("[l] logs"));
	app_finish(&a);
	app_up = false;
	erase();
	start_app_ro(false);
	cr_expect(on_strip("[U] rollback"));
}
