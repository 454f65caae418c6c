/* :reload (tui/reload.c): the configuration read again and its sources
 * swapped in without restarting, the incident's timeline kept and told;
 * a file that does not load, or names no source, changes nothing; one
 * reload at a time. The sources point at ports nobody listens on. Threads:
 * also run under ThreadSanitizer. */
#include <criterion/criterion.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "probes/probe.h"
#include "tests/unit/screen_fixture.h"
#include "themes/theme.h"
#include "tui/app.h"
#include "tui/cli.h"
#include "tui/reload.h"

static char dir[] = "/tmp/warroom-reload-XXXXXX";
static char path[64];
static struct config cfg;
static struct state *st;
static struct timeline *tl;
static struct theme theme;
static struct app a;

static void
write_config(const char *text)
{
	char tmp[80];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(rename(tmp, path), 0);
}

static void
setup(void)
{
	struct cli_opts o = { 0 };
	struct err err = { { 0 } };
	struct runner *r;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	write_config("[redis.cache]\nurl = redis://127.0.0.1:1\n"
		     "interval = 1s\ntimeout = 1s\n");
	o.config_path = path;
	cr_assert_eq(cli_load_config(&o, &cfg, &err), 0, "%s", err.msg);
	scr_open(48, 160);
	theme_defaults(&theme);
	st = state_new();
	tl = timeline_new(NULL, NULL);
	r = runner_new(st);
	cr_assert_eq(probe_add_sources(&cfg, r, &err), 0, "%s", err.msg);
	cr_assert_eq(runner_start(r, &err), 0, "%s", err.msg);
	app_init(&a, st, r, tl, NULL, &theme, false, false);
	a.win = stdscr;
	a.reload = reload_new(path);
	app_set_layout(&a, &cfg.layout);
	app_bind_sources(&a);
	app_resize(&a, 48, 160);
}

static void
teardown(void)
{
	cr_assert_not(reload_abandon(a.reload));
	runner_stop(a.r, 2000);
	runner_free(a.r);
	app_finish(&a);
	reload_free(a.reload);
	timeline_free(tl);
	state_free(st);
	config_finish(&cfg);
	scr_close();
	unlink(path);
	rmdir(dir);
}

TestSuite(reload, .init = setup, .fini = teardown, .timeout = 60);

/* Starts a reload, the status line cleared for wait_reloaded(). */
static bool
start_reload(struct err *err)
{
	a.status[0] = '\0';
	return reload_start(&a, err);
}

/* Runs the loop's collection until the status line says what the reload
 * did (20 s at most). */
static void
wait_reloaded(void)
{
	int64_t end = clock_mono_ms() + 20000;

	while (clock_mono_ms() < end) {
		struct pollfd p = { .fd = state_wakeup_fd(st),
				    .events = POLLIN };

		poll(&p, 1, 200);
		command_collect(&a);
		if (strncmp(a.status, "reload", 6) == 0 &&
		    strstr(a.status, "reloading") == NULL) {
			return;
		}
	}
	cr_assert_fail("no reload within 20 s: %s", a.status);
}

static bool
timeline_has(const char *text)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		if (strstr(timeline_get(tl, i)->text, text) != NULL) {
			return true;
		}
	}
	return false;
}

Test(reload, sources_swapped_and_told)
{
	struct err err = { { 0 } };
	int old_cache = state_find_source(st, "redis.cache");

	write_config("[redis.cache]\nurl = redis://127.0.0.1:1\n"
		     "interval = 1s\ntimeout = 1s\n"
		     "[postgres.billing]\ndsn = host=127.0.0.1 port=1\n"
		     "interval = 1s\ntimeout = 1s\n"
		     "[layout]\ntop = redis, database\n");
	cr_assert(start_reload(&err), "%s", err.msg);
	cr_expect_not(reload_start(&a, &err));
	cr_expect_str_eq(err.msg, "a reload is already under way");
	wait_reloaded();
	cr_expect(strstr(a.status, "reloaded ") != NULL &&
		  strstr(a.status, ": 3 sources (1 new, 0 gone)") != NULL,
		  "%s", a.status);
	/* The old source is retired, its name a new source now (of a new
	 * runner, which may sit where the old one did). */
	cr_expect(state_source_retired(st, old_cache));
	cr_expect_gt(state_find_source(st, "redis.cache"), old_cache);
	cr_expect_geq(state_find_source(st, "postgres.billing"), 0);
	/* The panes follow, placed by the new [layout]. */
	cr_assert_eq(a.n_panes, 3);
	cr_expect_eq(a.panes[0].ops->kind, SNAP_REDIS);
	cr_expect_eq(a.panes[1].ops->kind, SNAP_PG);
	cr_expect_eq(a.panes[0].source, state_find_source(st,
							  "redis.cache"));
	cr_expect(timeline_has("configuration reloaded from"), "no entry");
	cr_expect(timeline_has("postgres.billing, redis.cache") ||
		  timeline_has("redis.cache, postgres.billing"));

	/* And back: billing is gone. */
	write_config("[redis.cache]\nurl = redis://127.0.0.1:1\n");
	cr_assert(start_reload(&err), "%s", err.msg);
	wait_reloaded();
	cr_expect(strstr(a.status, "(0 new, 1 gone)") != NULL, "%s",
		  a.status);
	cr_expect_eq(app_pane_of_kind(&a, SNAP_PG), -1);
}

Test(reload, a_bad_file_changes_nothing)
{
	struct runner *old = a.r;
	struct err err = { { 0 } };
	int cache = state_find_source(st, "redis.cache");

	write_config("[redis.cache]\nurl = redis://127.0.0.1:1\n"
		     "[bogus.x]\n");
	cr_assert(start_reload(&err), "%s", err.msg);
	wait_reloaded();
	cr_expect(strstr(a.status, "reload: ") != NULL &&
		  strstr(a.status, ":3: unknown backend 'bogus'") != NULL,
		  "%s", a.status);
	cr_expect_eq(a.r, old);
	cr_expect_eq(state_find_source(st, "redis.cache"), cache);
	cr_expect_not(state_source_retired(st, cache));

	write_config("[layout]\nhide = timeline\n");
	cr_assert(start_reload(&err), "%s", err.msg);
	wait_reloaded();
	cr_expect(strstr(a.status, "names no source; the running ones "
			 "stay") != NULL, "%s", a.status);
	cr_expect_eq(a.r, old);
	/* The runner was never stopped: a refresh still reaches it. */
	runner_refresh(a.r, cache);
}
