/* The screen follows the configured sources (tui/layout.c, tui/app.c,
 * tui/header.c, tui/screen.c): every subset of kinds at 160x48, 100x30
 * and 80x24 gets panes for its kinds only, none overlapping, each framed
 * or summed up in a line; [layout] places them; a pane hides and comes
 * back; the header keeps two sources of a kind apart and a failed poll
 * apart from critical data at 80, 100 and 160 columns; tabs, the lines of
 * failing sources, and the closed panes' lines show the worst first. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/model.h"
#include "core/sanitize.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/timeline.h"
#include "tests/unit/screen_fixture.h"
#include "themes/theme.h"
#include "probes/probe.h"
#include "tui/app.h"
#include "tui/header.h"
#include "tui/layout.h"
#include "tui/screen.h"

/* 2026-11-22 03:12:07Z */
#define WALL0 1795317127000LL
#define MONO0 5000000LL

static const char *const kind_source[SNAP_KIND_COUNT] = {
	[SNAP_PODS] = "kubernetes.prod",
	[SNAP_PG] = "postgres.main",
	[SNAP_REDIS] = "redis.cache",
	[SNAP_KAFKA] = "kafka.events",
	[SNAP_METRICS] = "prometheus.main",
	[SNAP_ALERTS] = "alertmanager.main",
	[SNAP_HTTP] = "http.api",
};

static const char *const kind_title[SNAP_KIND_COUNT] = {
	[SNAP_PODS] = "Pods",
	[SNAP_PG] = "Database",
	[SNAP_REDIS] = "Redis",
	[SNAP_KAFKA] = "Kafka",
	[SNAP_METRICS] = "Metrics",
	[SNAP_ALERTS] = "Alerts",
	[SNAP_HTTP] = "Endpoints",
};

static struct theme theme;
static struct state *st;
static struct runner *runner;   /* none of its sources polls */
static struct timeline *tl;
static struct app a;

static void
open_screen(int rows, int cols)
{
	scr_open(rows, cols);
	theme_defaults(&theme);
	clock_set_fake(MONO0, WALL0);
	st = state_new();
	tl = timeline_new(NULL, NULL);
	runner = runner_new(st);
}

static void
close_screen(void)
{
	app_finish(&a);
	runner_free(runner);
	timeline_free(tl);
	state_free(st);
	scr_close();
	clock_set_real();
}

/* A snapshot of kind for source name as publishing derives it: health h
 * and, when finding is not NULL, that one finding; or, with error, a
 * failed poll. It carries no model: what is tested here is drawn around
 * the pane's body (the panes' own tests draw models). */
static struct snapshot *
snap(enum snap_kind k, const char *name, enum health h,
     const char *finding, const char *error)
{
	struct snapshot *s = snapshot_new(k, name);

	s->interval_ms = 2000;
	s->derived = true;
	if (error != NULL) {
		snapshot_set_error(s, "%s", error);
		s->health = HEALTH_CRIT;
		return s;
	}
	s->health = h;
	if (finding != NULL) {
		struct finding *f = snapshot_alloc(s, sizeof(*f));

		f->sev = h;
		snprintf(f->key, sizeof(f->key), "k:%s", name);
		snprintf(f->text, sizeof(f->text), "%s", finding);
		s->findings = f;
		s->n_findings = 1;
	}
	return s;
}

static int
add(enum snap_kind k, const char *name)
{
	int idx = state_add_source(st, name, k);

	cr_assert_geq(idx, 0, "%s", name);
	return idx;
}

static void
publish(int idx, struct snapshot *s)
{
	state_publish(st, idx, s);
}

/* The app over the sources added so far, with layout (may be NULL), at
 * cols x rows, every snapshot taken in. */
static void
start_app(const struct config_layout *layout, int cols, int rows)
{
	app_init(&a, st, runner, tl, NULL, &theme, false, false);
	a.win = stdscr;
	if (layout != NULL) {
		app_set_layout(&a, layout);
	}
	app_bind_sources(&a);
	app_resize(&a, rows, cols);
	app_collect(&a);
}

static bool
overlap(struct rect p, struct rect q)
{
	return p.h > 0 && q.h > 0 && p.y < q.y + q.h && q.y < p.y + p.h &&
	       p.x < q.x + q.w && q.x < p.x + p.w;
}

/* Every pane shown is inside the body, framed or one summary line, and
 * overlaps no other; a grid fills the whole body. */
static void
expect_tiled(const struct layout *l, const char *what)
{
	int area = 0;

	for (int i = 0; i < l->n; i++) {
		struct rect r = l->pane[i];

		if (r.h == 0) {
			continue;
		}
		cr_expect(r.y >= 1 + l->strip.h && r.y + r.h <= l->rows - 1,
			  "%s: pane %d rows %d+%d outside the body", what, i,
			  r.y, r.h);
		cr_expect(r.x >= 0 && r.x + r.w <= l->cols, "%s: pane %d",
			  what, i);
		cr_expect(layout_is_framed(l, i) || r.h == 1,
			  "%s: pane %d neither framed nor a line", what, i);
		for (int j = i + 1; j < l->n; j++) {
			cr_expect_not(overlap(r, l->pane[j]),
				      "%s: panes %d and %d overlap", what, i,
				      j);
		}
		area += r.h * r.w;
	}
	if (l->mode == LAYOUT_GRID) {
		cr_expect_eq(area, l->cols * (l->rows - 2 - l->strip.h),
			     "%s: gaps", what);
	}
}

static int
pane_of(enum snap_kind k)
{
	return app_pane_of_kind(&a, k);
}

static const char *
row(int y)
{
	static char buf[1024];

	return scr_row_trim(y, 0, a.cols, buf, sizeof(buf));
}

/* True when some screen row shows needle. */
static bool
on_screen(const char *needle)
{
	return scr_find_row(needle, 0, NULL) >= 0;
}

/* ---- every subset of kinds -------------------------------------------- */

Test(layout, every_subset_at_three_sizes, .timeout = 60)
{
	static const int sizes[][2] = { { 160, 48 }, { 100, 30 }, { 80, 24 } };

	for (unsigned mask = 1; mask < 1u << SNAP_KIND_COUNT; mask++) {
		/* A kind without a pane (the diagnosis) is test_findings'. */
		if (mask & 1u << SNAP_DIAGNOSIS) {
			continue;
		}
		for (size_t z = 0; z < 3; z++) {
			int cols = sizes[z][0], rows = sizes[z][1], want = 1;
			char what[64];

			open_screen(rows, cols);
			for (int k = 0; k < SNAP_KIND_COUNT; k++) {
				if (mask & (1u << k)) {
					add((enum snap_kind)k, kind_source[k]);
					want++;
				}
			}
			start_app(NULL, cols, rows);
			snprintf(what, sizeof(what), "kinds %#x at %dx%d", mask,
				 cols, rows);
			cr_assert_eq(a.n_panes, want, "%s", what);
			cr_assert_neq(a.lay.mode, LAYOUT_TOO_SMALL, "%s", what);
			expect_tiled(&a.lay, what);
			for (int k = 0; k < SNAP_DIAGNOSIS; k++) {
				int i = pane_of((enum snap_kind)k);

				if (!(mask & (1u << k))) {
					cr_expect_eq(i, -1, "%s: a %s pane",
						     what, kind_title[k]);
					continue;
				}
				cr_assert_geq(i, 0, "%s: no %s pane", what,
					      kind_title[k]);
				cr_expect_gt(a.lay.pane[i].h, 0, "%s: %s "
					     "takes no room", what,
					     kind_title[k]);
				cr_expect_eq(a.panes[i].number, i + 1);
			}
			cr_expect_geq(pane_of(SNAP_KIND_COUNT), 0,
				      "%s: no timeline", what);
			/* Drawn: every pane's title is on the screen, no
			 * other kind's is. */
			screen_draw(&a);
			for (int k = 0; k < SNAP_DIAGNOSIS; k++) {
				cr_expect_eq(on_screen(kind_title[k]),
					     (mask & (1u << k)) != 0,
					     "%s: %s on screen: %d", what,
					     kind_title[k],
					     on_screen(kind_title[k]));
			}
			cr_expect(on_screen("Timeline"), "%s", what);
			close_screen();
		}
	}
}

Test(layout, database_and_redis_only_at_160x48)
{
	open_screen(48, 160);
	add(SNAP_PG, "postgres.main");
	add(SNAP_REDIS, "redis.cache");
	start_app(NULL, 160, 48);
	cr_assert_eq(a.lay.mode, LAYOUT_GRID);
	/* The Database pane has the whole width and the most rows. */
	cr_expect_eq(a.lay.pane[pane_of(SNAP_PG)].w, 160);
	cr_expect_geq(a.lay.pane[pane_of(SNAP_PG)].h, 18);
	cr_expect_eq(a.panes[pane_of(SNAP_PG)].number, 1);
	cr_expect_eq(a.focus, pane_of(SNAP_PG));
	close_screen();
}

Test(layout, metrics_and_alerts_only_at_160x48)
{
	open_screen(48, 160);
	add(SNAP_METRICS, "prometheus.main");
	add(SNAP_ALERTS, "alertmanager.main");
	start_app(NULL, 160, 48);
	cr_assert_eq(a.lay.mode, LAYOUT_GRID);
	cr_expect_eq(a.lay.pane[pane_of(SNAP_METRICS)].w, 160);
	cr_expect_geq(a.lay.pane[pane_of(SNAP_METRICS)].h, 18);
	close_screen();
}

Test(layout, full_set_keeps_its_grid)
{
	open_screen(32, 120);
	for (int k = 0; k < SNAP_DIAGNOSIS; k++) {
		add((enum snap_kind)k, kind_source[k]);
	}
	start_app(NULL, 120, 32);
	cr_expect_eq(a.lay.mode, LAYOUT_GRID);
	app_resize(&a, 32, 119);
	cr_expect_eq(a.lay.mode, LAYOUT_ACCORDION,
		     "three panes of 39 columns are too narrow");
	close_screen();
}

/* ---- [layout] ------------------------------------------------------------ */

Test(layout, config_places_and_sizes_panes)
{
	struct config_layout conf = { .set = true };
	int db, redis, tlp;

	conf.pane[SNAP_REDIS] = (struct config_layout_pane){ 1, 0, 1, false };
	conf.pane[SNAP_PG] = (struct config_layout_pane){ 1, 1, 3, false };
	conf.pane[CONFIG_PANE_TIMELINE] =
		(struct config_layout_pane){ 2, 0, 1, false };
	conf.heights[0] = 60;
	conf.heights[1] = 25;
	conf.heights[2] = 15;
	open_screen(48, 160);
	add(SNAP_PG, "postgres.main");
	add(SNAP_REDIS, "redis.cache");
	add(SNAP_ALERTS, "alertmanager.main");
	start_app(&conf, 160, 48);
	db = pane_of(SNAP_PG);
	redis = pane_of(SNAP_REDIS);
	tlp = pane_of(SNAP_KIND_COUNT);
	cr_assert_eq(a.lay.mode, LAYOUT_GRID);
	expect_tiled(&a.lay, "config");
	/* Focus order and numbers follow the rows: Redis, Database, then
	 * the timeline, then Alerts in its own (bottom) row. */
	cr_expect_eq(redis, 0);
	cr_expect_eq(db, 1);
	cr_expect_eq(tlp, 2);
	cr_expect_eq(pane_of(SNAP_ALERTS), 3);
	cr_expect_eq(a.focus, 0, "a new layout starts on its first pane");
	cr_expect_eq(a.lay.pane[redis].y, a.lay.pane[db].y);
	cr_expect_eq(a.lay.pane[redis].w, 40);
	cr_expect_eq(a.lay.pane[db].w, 120);
	/* 60 : 25 : 15 of 45 rows (under the one-line Findings strip). */
	cr_expect_eq(a.lay.strip.h, 1);
	cr_expect_eq(a.lay.pane[db].y, 2);
	cr_expect_eq(a.lay.pane[db].h, 45 * 60 / 100);
	cr_expect_eq(a.lay.pane[tlp].y, 2 + 45 * 60 / 100);
	cr_expect_eq(a.lay.pane[tlp].h, 45 * 25 / 100);
	cr_expect_lt(a.lay.pane[pane_of(SNAP_ALERTS)].h,
		     a.lay.pane[tlp].h);
	close_screen();
}

Test(layout, config_hides_a_pane_and_a_key_recalls_it)
{
	struct config_layout conf = { .set = true };
	int tlp;

	conf.pane[CONFIG_PANE_TIMELINE].hidden = true;
	open_screen(48, 160);
	add(SNAP_PG, "postgres.main");
	start_app(&conf, 160, 48);
	tlp = pane_of(SNAP_KIND_COUNT);
	cr_expect_eq(a.lay.pane[tlp].h, 0, "hidden: no room");
	cr_expect_eq(a.lay.pane[pane_of(SNAP_PG)].h, 45);
	app_say_layout(&a);
	cr_expect(strstr(a.status, "hidden: 2 Timeline (o shows)") != NULL,
		  "%s", a.status);
	/* Its number brings it back. */
	app_focus(&a, tlp);
	cr_expect_gt(a.lay.pane[tlp].h, 0);
	cr_expect_eq(a.focus, tlp);
	close_screen();
}

Test(layout, hide_and_show)
{
	int db, redis;

	open_screen(48, 160);
	add(SNAP_PG, "postgres.main");
	add(SNAP_REDIS, "redis.cache");
	start_app(NULL, 160, 48);
	db = pane_of(SNAP_PG);
	redis = pane_of(SNAP_REDIS);
	cr_assert(app_hide(&a, db));
	cr_expect_eq(a.lay.pane[db].h, 0);
	cr_expect_neq(a.focus, db, "focus moves off a hidden pane");
	expect_tiled(&a.lay, "hidden");
	cr_assert(app_hide(&a, redis));
	/* The timeline is the last one shown: it stays. */
	cr_expect_not(app_hide(&a, pane_of(SNAP_KIND_COUNT)));
	cr_expect_eq(a.lay.pane[pane_of(SNAP_KIND_COUNT)].h, 45);
	app_show(&a, -1);
	for (int i = 0; i < a.n_panes; i++) {
		cr_expect_gt(a.lay.pane[i].h, 0);
	}
	/* At 80x24 a hidden pane has no summary line either. */
	app_resize(&a, 24, 80);
	cr_assert_eq(a.lay.mode, LAYOUT_ACCORDION);
	app_hide(&a, redis);
	cr_expect_eq(a.lay.pane[redis].h, 0);
	expect_tiled(&a.lay, "accordion");
	close_screen();
}

Test(layout, zoom_and_too_small)
{
	struct layout_spec spec = { .n = 3, .band = { 0, 1, 2 },
				    .weight = { 1, 1, 1 } };
	struct layout l;
	char msg[80];

	layout_compute(&l, 160, 48, &spec, 1, true);
	cr_expect_eq(l.mode, LAYOUT_ZOOMED);
	cr_expect_eq(l.pane[0].h, 0);
	cr_expect_eq(l.pane[1].h, 46);
	cr_expect_eq(l.pane[2].h, 0);
	layout_compute(&l, LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS, &spec, 0, false);
	cr_expect_neq(l.mode, LAYOUT_TOO_SMALL);
	layout_compute(&l, LAYOUT_MIN_COLS - 1, 40, &spec, 0, false);
	cr_expect_eq(l.mode, LAYOUT_TOO_SMALL);
	layout_compute(&l, 40, 10, &spec, 0, false);
	cr_expect_eq(l.mode, LAYOUT_TOO_SMALL);
	cr_expect_eq(layout_pane_at(&l, 3, 3), -1);
	layout_too_small_text(&l, msg, sizeof(msg));
	cr_expect_str_eq(msg, "warroom needs at least 60x16 (now 40x10)");
	/* Focus on a hidden pane opens the first one shown. */
	spec.weight[0] = 0;
	layout_compute(&l, 60, 16, &spec, 0, false);
	cr_expect_eq(l.mode, LAYOUT_ACCORDION);
	cr_expect_eq(l.pane[0].h, 0);
	cr_expect(layout_is_framed(&l, 1));
	cr_expect_eq(l.pane[2].h, 1);
}

/* ---- the header: two of a kind, down and critical ---------------------- */

/* Two PostgreSQL sources, billing failing; main critical; a Redis. */
static void
two_databases(int cols, int rows, bool incident)
{
	int main_db, billing, redis;

	open_screen(rows, cols);
	main_db = add(SNAP_PG, "postgres.main");
	billing = add(SNAP_PG, "postgres.billing");
	redis = add(SNAP_REDIS, "redis.cache");
	publish(main_db, snap(SNAP_PG, "postgres.main", HEALTH_CRIT,
			      "4 sessions blocked behind pid 4242", NULL));
	publish(billing, snap(SNAP_PG, "postgres.billing", HEALTH_CRIT, NULL,
			      "password authentication failed for user "
			      "\"billing\""));
	publish(redis, snap(SNAP_REDIS, "redis.cache", HEALTH_OK, NULL,
			    NULL));
	start_app(NULL, cols, rows);
	if (incident) {
		struct app_incident in = {
			.active = true, .id = "INC-20261122-001",
			.severity = "P1", .status = "Investigating",
			.update_state = APP_TIMER_OK,
			.update_in_ms = 30 * 60000,
		};

		app_set_incident(&a, &in);
	}
}

/* The header's glyph before label, or 0 when label is not there. */
static wchar_t
glyph_before(const char *label)
{
	int col;

	if (scr_find_row(label, 0, &col) != 0 || col < 2) {
		return 0;
	}
	return scr_char(0, col - 2);
}

Test(header, two_of_a_kind_at_160_100_and_80)
{
	static const struct {
		int cols;
		bool incident;
		const char *main, *billing;
	} cases[] = {
		{ 160, true, " postgres.main", " postgres.billing" },
		{ 100, false, " postgres.main", " postgres.billing" },
		{ 100, true, " pg.main", " pg.billing" },
		{ 80, false, " pg.main", " pg.billing" },
		{ 80, true, "\u25cfpg.m", "\u2715pg.b" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		two_databases(cases[i].cols, 24, cases[i].incident);
		header_draw(&a);
		cr_expect(on_screen(cases[i].main), "%d: %s", cases[i].cols,
			  row(0));
		cr_expect(on_screen(cases[i].billing), "%d: %s",
			  cases[i].cols, row(0));
		/* Down is a cross, critical data a dot: apart without
		 * colour. */
		if (cases[i].main[0] == ' ') {
			cr_expect_eq(glyph_before(cases[i].billing + 1),
				     L'\u2715', "%s", row(0));
			cr_expect_eq(glyph_before(cases[i].main + 1),
				     L'\u25cf', "%s", row(0));
		}
		cr_expect(strstr(row(0), "03:12Z") != NULL, "%s", row(0));
		close_screen();
	}
}

Test(header, narrowest_shows_the_worst_first)
{
	int src[8];
	char name[32];

	open_screen(24, 80);
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "redis.cache-%d", i);
		src[i] = add(SNAP_REDIS, name);
		publish(src[i], snap(SNAP_REDIS, name, HEALTH_OK, NULL,
				     i == 6 ? "connection refused" : NULL));
	}
	start_app(NULL, 80, 24);
	header_draw(&a);
	/* Eight do not fit: the failing one first, then a count. */
	cr_expect(strstr(row(0), "\u2715redis.cache-6") != NULL, "%s",
		  row(0));
	cr_expect(strstr(row(0), " ok") != NULL, "%s", row(0));
	cr_expect(strstr(row(0), "+") != NULL, "%s", row(0));
	close_screen();
}

Test(header, ascii_glyphs_differ_too)
{
	two_databases(160, 24, false);
	text_utf8 = false;
	header_draw(&a);
	cr_expect(strstr(row(0), "* postgres.main") != NULL, "%s", row(0));
	cr_expect(strstr(row(0), "x postgres.billing") != NULL, "%s",
		  row(0));
	text_utf8 = true;
	close_screen();
}

/* ---- tabs, failing sources, worst first ------------------------------- */

Test(screen, tabs_and_the_failing_source_line)
{
	int db;

	two_databases(160, 48, false);
	screen_draw(&a);
	db = pane_of(SNAP_PG);
	cr_assert_geq(db, 0);
	cr_expect(strstr(row(a.lay.pane[db].y), "[\u25cf main] \u2715 billing")
		  != NULL, "%s", row(a.lay.pane[db].y));
	/* billing's reason, without switching to it. */
	cr_expect(strstr(row(a.lay.pane[db].y + 1), "\u2715 postgres.billing: "
			 "password authentication failed") != NULL, "%s",
		  row(a.lay.pane[db].y + 1));
	/* Showing billing: its error line, and main's finding. */
	app_switch_source(&a, db, 1);
	screen_draw(&a);
	cr_expect(strstr(row(a.lay.pane[db].y), "\u25cf main [\u2715 billing]")
		  != NULL, "%s", row(a.lay.pane[db].y));
	cr_expect(strstr(row(a.lay.pane[db].y + 1), "password authentication "
			 "failed") != NULL, "%s", row(a.lay.pane[db].y + 1));
	cr_expect(strstr(row(a.lay.pane[db].y + 2), "postgres.main: 4 sessions "
			 "blocked") != NULL, "%s", row(a.lay.pane[db].y + 2));
	close_screen();
}

Test(screen, another_view_still_shows_the_worst_finding)
{
	int db, y;

	open_screen(48, 160);
	db = add(SNAP_PG, "postgres.main");
	publish(db, snap(SNAP_PG, "postgres.main", HEALTH_CRIT,
			 "4 sessions blocked behind pid 4242", NULL));
	start_app(NULL, 160, 48);
	db = pane_of(SNAP_PG);
	y = a.lay.pane[db].y + 1;
	screen_draw(&a);
	cr_expect(strstr(row(y), "! 4 sessions") == NULL, "%s", row(y));
	/* The sessions view. */
	a.panes[db].sub = 1;
	a.pane_dirty[db] = PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
	screen_draw(&a);
	cr_expect(strstr(row(y), "! 4 sessions blocked behind pid 4242") !=
		  NULL, "%s", row(y));
	close_screen();
}

Test(screen, closed_lines_show_the_worst)
{
	int db, redis, tlp, redis_src;

	two_databases(80, 24, false);
	db = pane_of(SNAP_PG);
	redis = pane_of(SNAP_REDIS);
	tlp = pane_of(SNAP_KIND_COUNT);
	redis_src = state_find_source(st, "redis.cache");
	app_focus(&a, redis);
	cr_assert_eq(a.lay.mode, LAYOUT_ACCORDION);
	timeline_append(tl, TL_NOTE, "", "alice", "restarted the api", "");
	app_collect(&a);
	screen_draw(&a);
	/* Both sources' glyphs, and the worst of the two (first configured
	 * among equally bad ones), not the shown one's age alone. */
	cr_expect(strstr(row(a.lay.pane[db].y), "\u25cf main \u2715 billing  "
			 "main: 4 sessions blocked") != NULL, "%s",
		  row(a.lay.pane[db].y));
	/* The timeline: the worst open thing of all, not its latest entry. */
	cr_expect(strstr(row(a.lay.pane[tlp].y), "1 entry  postgres.main: 4 "
			 "sessions blocked") != NULL, "%s",
		  row(a.lay.pane[tlp].y));
	/* Once main is fine, billing's failure is the worst. */
	publish(state_find_source(st, "postgres.main"),
		snap(SNAP_PG, "postgres.main", HEALTH_OK, NULL, NULL));
	app_collect(&a);
	screen_draw(&a);
	cr_expect(strstr(row(a.lay.pane[db].y), "billing: password "
			 "authentication failed") != NULL, "%s",
		  row(a.lay.pane[db].y));
	/* Nothing wrong anywhere: the latest entry. */
	publish(state_find_source(st, "postgres.billing"),
		snap(SNAP_PG, "postgres.billing", HEALTH_OK, NULL, NULL));
	publish(redis_src, snap(SNAP_REDIS, "redis.cache", HEALTH_OK, NULL,
				NULL));
	app_collect(&a);
	a.dirty_all = true;
	screen_draw(&a);
	cr_expect(strstr(row(a.lay.pane[tlp].y), "restarted the api") != NULL,
		  "%s", row(a.lay.pane[tlp].y));
	cr_expect(strstr(row(a.lay.pane[db].y), " ok") != NULL, "%s",
		  row(a.lay.pane[db].y));
	close_screen();
}
