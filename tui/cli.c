/* The command line and the program's life: the option parser both
 * commands share and the general options' table, configuration, theme,
 * start of the probes and the action worker, the dashboard (or one
 * --snapshot frame), and an orderly shutdown. The incident's options and
 * warroom report are in cli_incident.c. Main thread. */
#include "tui/cli.h"

#include <langinfo.h>
#include <locale.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build-config.h"
#include "core/action.h"
#include "core/incident.h"
#include "core/rules.h"
#include "core/sanitize.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "probes/probe.h"
#include "themes/theme.h"
#include "tui/app.h"
#include "tui/cli_internal.h"
#include "tui/cmdline.h"
#include "tui/incident_ui.h"
#include "tui/keymap.h"
#include "tui/loop.h"
#include "tui/reload.h"
#include "tui/snapshot_text.h"
#include "tui/term.h"

/* Bounds the wait of --snapshot for the sources' first polls beyond their
 * own timeouts. */
#define SNAPSHOT_GRACE_MS 500
/* Shutdown: probes, then the action worker; under a second in all, the
 * process's exit included. A probe that has not returned by then is
 * stuck in a call that cannot hear the stop (hiredis's blocking read,
 * libcurl between two checks of its progress callback, about a second
 * apart): waiting longer would only delay the exit. */
#define STOP_RUNNER_MS 250
#define STOP_ACTIONS_MS 100

/* The option arg names among p's command's, or NULL; *eq is its '=' when
 * it carries a value ("--config=x"), else NULL. */
static const struct cli_option *
find_option(const struct cli_parse *p, const char *arg, const char **eq)
{
	static const struct cli_option *const tables[] = {
		cli_options,
		cli_incident_options,
	};

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const struct cli_option *opt = tables[t];
		     opt->name != NULL; opt++) {
			size_t len = strlen(opt->name);

			if (!(opt->in & p->command)) {
				continue;
			}
			if (opt->alias != NULL && strcmp(arg, opt->alias) == 0) {
				*eq = NULL;
				return opt;
			}
			if (strncmp(arg, opt->name, len) == 0 &&
			    (arg[len] == '\0' || arg[len] == '=')) {
				*eq = arg[len] == '=' ? arg + len : NULL;
				return opt;
			}
		}
	}
	return NULL;
}

int
cli_parse_options(struct cli_parse *p, int argc, char *const argv[],
		  int first,
		  int (*other)(struct cli_parse *p, const char *arg,
			       struct err *err),
		  struct err *err)
{
	for (int i = first; i < argc; i++) {
		const char *arg = argv[i], *eq, *val = NULL;
		const struct cli_option *opt = find_option(p, arg, &eq);
		char *field;

		if (opt == NULL || (opt->arg == CLI_ARG_NONE && eq != NULL)) {
			if (other(p, arg, err) < 0) {
				return -1;
			}
			continue;
		}
		if (opt->arg != CLI_ARG_NONE) {
			if (eq != NULL) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				return err_set(err, "%s needs a value",
					       opt->name);
			}
			if (opt->arg == CLI_ARG_TEXT && val[0] == '\0') {
				return err_set(err, "%s needs %s", opt->name,
					       opt->needs);
			}
		}
		if (opt->set != NULL) {
			if (opt->set(p, val, err) < 0) {
				return -1;
			}
			continue;
		}
		field = (char *)p->o + opt->field;
		if (opt->arg == CLI_ARG_NONE) {
			*(bool *)field = true;
		} else {
			*(const char **)field = val;
		}
	}
	return 0;
}

int
cli_parse_size(const char *s, int *cols, int *rows)
{
	char *end;
	long c, r;

	if (s == NULL || s[0] < '0' || s[0] > '9') {
		return -1;
	}
	c = strtol(s, &end, 10);
	if (*end != 'x' && *end != 'X') {
		return -1;
	}
	s = end + 1;
	if (s[0] < '0' || s[0] > '9') {
		return -1;
	}
	r = strtol(s, &end, 10);
	if (*end != '\0' || c < 1 || r < 1 || c > CLI_MAX_SIZE ||
	    r > CLI_MAX_SIZE) {
		return -1;
	}
	*cols = (int)c;
	*rows = (int)r;
	return 0;
}

static int
parse_speed(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || s[0] == '\0') {
		return -1;
	}
	v = strtod(s, &end);
	if (*end != '\0' || !isfinite(v) || v <= 0 || v > 1000) {
		return -1;
	}
	*out = v;
	return 0;
}

static int
set_demo_speed(struct cli_parse *p, const char *val, struct err *err)
{
	if (parse_speed(val, &p->o->demo_speed) < 0) {
		return err_set(err, "--demo-speed wants a number above 0 and "
			       "up to 1000, not '%.32s'", val);
	}
	p->speed_set = true;
	return 0;
}

static int
set_size(struct cli_parse *p, const char *val, struct err *err)
{
	if (cli_parse_size(val, &p->o->cols, &p->o->rows) < 0) {
		return err_set(err, "--size wants COLSxROWS (1 to %d each), "
			       "not '%.32s'", CLI_MAX_SIZE, val);
	}
	p->o->size_set = true;
	return 0;
}

/* The general options; the incident's are in cli_incident.c. */
const struct cli_option cli_options[] = {
	{ .name = "--help", .alias = "-h",
	  .in = CLI_IN_DASHBOARD | CLI_IN_REPORT,
	  .field = offsetof(struct cli_opts, help) },
	{ .name = "--version", .alias = "-V", .in = CLI_IN_DASHBOARD,
	  .field = offsetof(struct cli_opts, version) },
	{ .name = "--read-only", .in = CLI_IN_DASHBOARD,
	  .field = offsetof(struct cli_opts, read_only) },
	{ .name = "--demo", .in = CLI_IN_DASHBOARD | CLI_IN_REPORT,
	  .field = offsetof(struct cli_opts, demo) },
	{ .name = "--snapshot", .in = CLI_IN_DASHBOARD,
	  .field = offsetof(struct cli_opts, snapshot) },
	{ .name = "--config", .arg = CLI_ARG_TEXT, .needs = "a file",
	  .in = CLI_IN_DASHBOARD | CLI_IN_REPORT,
	  .field = offsetof(struct cli_opts, config_path) },
	{ .name = "--theme", .arg = CLI_ARG_TEXT, .needs = "a name or a path",
	  .in = CLI_IN_DASHBOARD, .field = offsetof(struct cli_opts, theme) },
	{ .name = "--demo-speed", .arg = CLI_ARG_VALUE,
	  .in = CLI_IN_DASHBOARD, .set = set_demo_speed },
	{ .name = "--size", .arg = CLI_ARG_VALUE, .in = CLI_IN_DASHBOARD,
	  .set = set_size },
	{ .name = NULL },
};

/* The dashboard takes no operands. */
static int
dashboard_other(struct cli_parse *p, const char *arg, struct err *err)
{
	(void)p;
	if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
		return err_set(err, "unexpected argument '%.64s'", arg);
	}
	return err_set(err, "unknown option '%.64s'", arg);
}

int
cli_parse(int argc, char *const argv[], struct cli_opts *o, struct err *err)
{
	struct cli_parse p = { .o = o, .command = CLI_IN_DASHBOARD };

	memset(o, 0, sizeof(*o));
	o->demo_speed = 1.0;
	o->cols = CLI_DEFAULT_COLS;
	o->rows = CLI_DEFAULT_ROWS;
	o->severity = INCIDENT_P2;

	if (argc >= 2 && strcmp(argv[1], "report") == 0) {
		return cli_parse_report(argc, argv, o, err);
	}
	if (cli_parse_options(&p, argc, argv, 1, dashboard_other, err) < 0) {
		return -1;
	}
	if (o->help || o->version) {
		return 0;
	}
	if (o->size_set && !o->snapshot) {
		return err_set(err, "--size applies only to --snapshot");
	}
	if (p.speed_set && !o->demo) {
		return err_set(err, "--demo-speed applies only to --demo");
	}
	if (o->incident != NULL && o->resume != NULL) {
		return err_set(err, "--incident and --resume exclude each "
			       "other");
	}
	if (o->severity_set && o->incident == NULL && o->resume == NULL) {
		return err_set(err, "--severity applies only to --incident "
			       "or --resume");
	}
	if (o->commander != NULL && o->incident == NULL && o->resume == NULL) {
		return err_set(err, "--commander applies only to --incident "
			       "or --resume");
	}
	if (o->snapshot && (o->incident != NULL || o->resume != NULL)) {
		return err_set(err, "--incident and --resume do not apply to "
			       "--snapshot");
	}
	return 0;
}

void
cli_usage(FILE *f)
{
	char panes[256];

	fputs("Usage: warroom [OPTION]...\n"
	      "       warroom report INC-YYYYMMDD-NNN [--postmortem | "
	      "--status-update slack|email]\n"
	      "                      [--output FILE] [--journal-dir DIR] "
	      "[--demo]\n"
	      "A terminal dashboard for production incidents: pods, database "
	      "sessions,\nRedis, Kafka lag, metrics and alerts on one "
	      "screen, with actions, and the\nincident record beside them.\n"
	      "\n"
	      "Options:\n"
	      "  --config FILE      read sources from FILE (default: "
	      "$XDG_CONFIG_HOME/warroom/\n"
	      "                     config.ini, else the environment: "
	      "DATABASE_URL,\n"
	      "                     REDIS_URL, PROMETHEUS_URL, "
	      "ALERTMANAGER_URL, KAFKA_BROKERS,\n"
	      "                     KUBECONFIG)\n"
	      "  --read-only        remove every destructive action (notes, "
	      "status and\n"
	      "                     exports stay)\n"
	      "  --theme NAME|PATH  default, light, high-contrast, monochrome, "
	      "or a file\n"
	      "  --demo             run a scripted incident instead of the "
	      "configured sources\n"
	      "  --demo-speed N     play the demo N times faster (default 1)\n"
	      "  --snapshot         print one frame as plain text and exit, "
	      "after every\n"
	      "                     source's first poll\n"
	      "  --size COLSxROWS   the frame size for --snapshot "
	      "(default 160x48)\n"
	      "  --incident TITLE   declare an incident at start "
	      "(INC-YYYYMMDD-NNN)\n"
	      "  --severity P0-P3   its severity (default P2); with --resume, "
	      "a new one\n"
	      "  --commander NAME   the incident commander (default $USER)\n"
	      "  --resume ID        reopen incident ID with its timeline\n"
	      "  --journal-dir DIR  where incident journals live (default "
	      "$XDG_STATE_HOME/\n"
	      "                     warroom/incidents; the demo's: "
	      "warroom/demo/incidents)\n"
	      "  -h, --help         show this help and exit\n"
	      "  -V, --version      show the version and exit\n"
	      "\n"
	      "Keys:\n", f);
	for (const struct keymap_entry *k = keymap_global; k->keys != NULL;
	     k++) {
		fprintf(f, "  %-18s %s\n", k->keys, k->what);
	}
	app_pane_names(panes, sizeof(panes));
	fprintf(f, "  Panes: %s; those of the configured\n"
		"  sources only, numbered as shown, placed by [layout].\n",
		panes);
	fputs("  Each pane's actions (upper-case keys) and own keys (Pods: "
	      "l logs, L the\n  previous container's, d describe) are "
	      "listed by ? in the dashboard.\n"
	      "\n"
	      "Command line (:, Tab completes, Up recalls):\n", f);
	for (const struct cmdline_help *h = cmdline_help; h->usage != NULL;
	     h++) {
		fprintf(f, "  %-22s %s\n", h->usage, h->what);
	}
	fputs(""
	      "\n"
	      "Exit status: 0 on quit, 1 on a configuration, theme or "
	      "terminal error,\n"
	      "2 on bad arguments, 128+N when ended by signal N.\n"
	      "\n"
	      "warroom report writes the post-mortem (default) or a status "
	      "update of an\nincident from its journal, to stdout or "
	      "--output FILE; it needs no terminal.\n"
	      "See warroom(1) and docs/configuration.md.\n", f);
}

int
cli_load_config(const struct cli_opts *o, struct config *cfg,
		struct err *err)
{
	char *path;
	int rc = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (o->config_path != NULL) {
		return config_load_file(cfg, o->config_path,
					probe_config_specs(), err);
	}
	path = config_default_path();
	if (path != NULL && access(path, F_OK) == 0) {
		rc = config_load_file(cfg, path, probe_config_specs(), err);
	} else {
		config_from_env(cfg, probe_config_specs());
	}
	free(path);
	return rc;
}

/* Loads the theme the options ask for. A bad name or file is an error
 * even with --snapshot, which then draws in monochrome. */
static int
load_theme(const struct cli_opts *o, const struct config *cfg,
	   struct theme *t, struct err *err)
{
	const char *want = o->theme != NULL ? o->theme : cfg->theme;

	if (theme_load(t, theme_choose(want, true), err) < 0) {
		return -1;
	}
	if (o->snapshot && theme_load(t, "monochrome", err) < 0) {
		theme_defaults(t);
		t->mono = true;
	}
	return 0;
}

static void
timeline_wake(void *ctx)
{
	state_wakeup(ctx);
}

/* The probe threads (and, with act, the action worker) start with the
 * loop's signals blocked, so that only the UI thread ever runs their
 * handlers. */
static int
start_threads(struct runner *r, bool start_runner, struct actions **act,
	      struct state *st, struct timeline *tl, bool read_only,
	      struct err *err)
{
	sigset_t saved;
	int rc = 0;

	term_block_signals(&saved);
	if (start_runner) {
		rc = runner_start(r, err);
	}
	if (rc == 0 && act != NULL) {
		*act = actions_new(st, tl, read_only);
	}
	term_unblock_signals(&saved);
	return rc;
}

static int
snapshot_wait_ms(const struct config *cfg)
{
	int ms = 0;

	for (size_t i = 0; i < cfg->n_sections; i++) {
		if (cfg->sections[i].timeout_ms > ms) {
			ms = cfg->sections[i].timeout_ms;
		}
	}
	return ms + SNAPSHOT_GRACE_MS;
}

static int
run_interactive(struct app *a, struct config *demo_cfg, double speed)
{
	struct err err = { { 0 } };

	if (term_open(&err) < 0) {
		fprintf(stderr, "warroom: %s\n", err.msg);
		return CLI_EXIT_ERROR;
	}
	if (has_colors() && !a->theme.mono) {
		start_color();
		use_default_colors();
	} else if (!a->theme.mono &&
		   theme_load(&a->theme, theme_choose("monochrome", false),
			      &err) < 0) {
		a->theme.mono = true;
	}
	theme_apply(&a->theme);
	a->win = stdscr;
	for (;;) {
		int status = loop_run(a);

		if (!a->start_demo || a->quit) {
			term_close();
			return status;
		}
		a->start_demo = false;
		if (probe_add_demo(demo_cfg, a->r, speed, &err) < 0 ||
		    start_threads(a->r, true, NULL, NULL, NULL, false,
				  &err) < 0) {
			app_set_status(a, ROLE_CRIT, "demo: %s", err.msg);
			continue;
		}
		a->first_run = false;
		a->demo = true;
		app_bind_sources(a);
		app_touch_all(a);
		/* Into the demo's own directory, off this thread. */
		incident_ui_declare_demo(a);
	}
}

/* Set when cli_main() returns with probe threads still in a call. */
static bool left_threads;

bool
cli_left_threads(void)
{
	return left_threads;
}

int
cli_main(int argc, char *argv[])
{
	struct cli_opts o;
	struct err err = { { 0 } };
	struct config cfg, demo_cfg;
	struct theme theme;
	struct state *st;
	struct timeline *tl;
	struct runner *r;
	struct actions *act = NULL;
	struct rules_tracker *rt;
	struct app *a;
	struct incident_ui *iu = NULL;
	char *first_run_path = NULL, *scratch = NULL;
	char warn[ERR_MSG_MAX + 64] = "";
	struct reload *rl;
	int status, abandoned;
	bool read_only, reloading, asking;

	/* Each probe thread derives its snapshots (and journals what it
	 * finds); with glibc's default of an arena per thread, every one of
	 * them keeps its own touched pages. The threads are idle nearly all
	 * the time, so two arenas cost no contention and ~200 KB less
	 * resident memory. */
	mallopt(M_ARENA_MAX, 2);
	setlocale(LC_ALL, "");
	text_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;

	if (cli_parse(argc, argv, &o, &err) < 0) {
		fprintf(stderr, "warroom: %s (try --help)\n", err.msg);
		return CLI_EXIT_USAGE;
	}
	if (o.help) {
		cli_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (o.version) {
		printf("warroom %s\n", WARROOM_VERSION);
		return CLI_EXIT_OK;
	}
	if (cli_load_config(&o, &cfg, &err) < 0) {
		fprintf(stderr, "warroom: %s\n", err.msg);
		config_finish(&cfg);
		return CLI_EXIT_ERROR;
	}
	if (o.report) {
		status = cli_report(&o, &cfg, stdout, &err) < 0 ?
			 CLI_EXIT_ERROR : CLI_EXIT_OK;
		if (status != CLI_EXIT_OK) {
			fprintf(stderr, "warroom: %s\n", err.msg);
		}
		config_finish(&cfg);
		return status;
	}
	read_only = o.read_only || cfg.read_only;
	if (load_theme(&o, &cfg, &theme, &err) < 0) {
		fprintf(stderr, "warroom: %s\n", err.msg);
		config_finish(&cfg);
		return CLI_EXIT_ERROR;
	}
	if (!o.snapshot && term_check(&err) < 0) {
		fprintf(stderr, "warroom: %s\n", err.msg);
		config_finish(&cfg);
		return CLI_EXIT_ERROR;
	}

	memset(&demo_cfg, 0, sizeof(demo_cfg));
	st = state_new();
	tl = timeline_new(timeline_wake, st);
	/* The rules run on each probe's thread as it publishes. */
	rt = rules_tracker_new(tl);
	state_set_tracker(st, rt);
	r = runner_new(st);
	if (o.demo) {
		status = probe_add_demo(&demo_cfg, r, o.demo_speed, &err);
	} else {
		status = probe_add_sources(&cfg, r, &err);
	}
	/* The action worker, then the incident (declared or resumed before
	 * any probe publishes, so that the first findings are its record),
	 * then the probes. */
	if (status == 0) {
		status = start_threads(r, false, &act, st, tl, read_only,
				       &err);
	}
	if (status == 0) {
		iu = cli_incident_start(&o, &cfg, st, tl, act, rt, &scratch,
					warn, sizeof(warn), &err);
		status = iu != NULL ? 0 : -1;
	}
	if (status == 0) {
		status = start_threads(r, state_source_count(st) > 0, NULL,
				       st, tl, read_only, &err);
	}
	if (status < 0) {
		fprintf(stderr, "warroom: %s\n", err.msg);
		runner_stop(r, STOP_RUNNER_MS);
		actions_free(act, STOP_ACTIONS_MS);
		if (scratch != NULL) {
			cli_remove_scratch(scratch);
			free(scratch);
		}
		runner_free(r);
		rules_tracker_free(rt);
		timeline_free(tl);
		state_free(st);
		config_finish(&demo_cfg);
		config_finish(&cfg);
		return CLI_EXIT_ERROR;
	}

	a = xcalloc(1, sizeof(*a));
	app_init(a, st, r, tl, act, &theme, read_only, o.demo);
	a->iu = iu;
	a->asks = asks_new(st);
	a->reload = reload_new(o.config_path);
	if (!o.demo) {
		app_set_layout(a, &cfg.layout);
	}
	app_bind_sources(a);
	app_say_layout(a);
	if (warn[0] != '\0') {
		app_set_status(a, ROLE_WARN, "%s", warn);
	}
	a->first_run = state_source_count(st) == 0;
	if (a->first_run) {
		first_run_path = cfg.path != NULL ? xstrdup(cfg.path) :
			config_default_path();
		a->config_path = first_run_path;
	}

	if (o.snapshot) {
		if (!a->first_run) {
			runner_wait_first(r, snapshot_wait_ms(o.demo ?
							      &demo_cfg : &cfg));
		}
		status = CLI_EXIT_OK;
		if (snapshot_text_render(a, o.cols, o.rows, stdout,
					 &err) < 0) {
			fprintf(stderr, "warroom: %s\n", err.msg);
			status = CLI_EXIT_ERROR;
		}
		fflush(stdout);
	} else {
		status = run_interactive(a, &demo_cfg, o.demo_speed);
	}

	/* A reload may have replaced the runner; one still stopping the
	 * old probes keeps it. */
	r = a->r;
	rl = a->reload;
	reloading = reload_abandon(rl);
	abandoned = reloading ? 1 : runner_stop(r, STOP_RUNNER_MS);
	asking = asks_free(a->asks);
	a->asks = NULL;
	incident_ui_stop(iu);
	actions_free(act, STOP_ACTIONS_MS);
	/* Writes what the journal still holds, then closes it. */
	incident_ui_free(iu);
	a->iu = NULL;
	if (scratch != NULL) {
		cli_remove_scratch(scratch);
		free(scratch);
	}
	app_finish(a);
	free(a);
	free(first_run_path);
	/* A probe thread stuck past the deadline may still read its section
	 * and publish: leave the runner, the configurations, the state, its
	 * tracker and the timeline to the process exit. */
	left_threads = abandoned > 0 || asking;
	if (abandoned > 0) {
		return status;
	}
	runner_free(r);
	reload_free(rl);
	rules_tracker_free(rt);
	timeline_free(tl);
	state_free(st);
	config_finish(&demo_cfg);
	config_finish(&cfg);
	return status;
}
