/* The command line: option parsing, config errors, and the built binary
 * (WARROOM_BIN) run for --snapshot, --help, startup checks and terminal
 * restore on fatal signals. Each test runs in its own process. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/action.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/err.h"
#include "core/export.h"
#include "core/incident.h"
#include "core/kind.h"
#include "core/journal.h"
#include "tui/app.h"
#include "tui/cli.h"
#include "tui/layout.h"
#include "tui/screen.h"
#include "tui/pane.h"

/* ---- parsing ------------------------------------------------------ */

#define MAX_ARGS 12

/* Criterion copies parameters into each test's process: they hold arrays,
 * never pointers. args is split on spaces into argv[1..]. */
struct good_case {
	char args[96];
	bool demo, snapshot, read_only, help, version;
	double speed;
	int cols, rows;
	char config[32], theme[32];
};

static int
split_args(char *args, char **argv)
{
	int n = 0;

	argv[n++] = (char *)"warroom";
	for (char *tok = strtok(args, " "); tok != NULL && n < MAX_ARGS;
	     tok = strtok(NULL, " ")) {
		argv[n++] = tok;
	}
	argv[n] = NULL;
	return n;
}

ParameterizedTestParameters(cli, parse_good)
{
	static struct good_case cases[] = {
		{ "", .speed = 1, .cols = 160, .rows = 48 },
		{ "--demo", .demo = true, .speed = 1, .cols = 160,
		  .rows = 48 },
		{ "--demo --snapshot --size 80x24", .demo = true,
		  .snapshot = true, .speed = 1, .cols = 80, .rows = 24 },
		{ "--snapshot --size=200x60", .snapshot = true, .speed = 1,
		  .cols = 200, .rows = 60 },
		{ "--demo --demo-speed 20", .demo = true, .speed = 20,
		  .cols = 160, .rows = 48 },
		{ "--demo --demo-speed=0.5", .demo = true, .speed = 0.5,
		  .cols = 160, .rows = 48 },
		{ "--read-only --config /etc/w.ini", .read_only = true,
		  .speed = 1, .cols = 160, .rows = 48,
		  .config = "/etc/w.ini" },
		{ "--theme=light --config=x.ini", .speed = 1, .cols = 160,
		  .rows = 48, .config = "x.ini", .theme = "light" },
		{ "--theme ./my.theme", .speed = 1, .cols = 160, .rows = 48,
		  .theme = "./my.theme" },
		{ "--help", .help = true, .speed = 1, .cols = 160,
		  .rows = 48 },
		{ "-h", .help = true, .speed = 1, .cols = 160, .rows = 48 },
		{ "--version", .version = true, .speed = 1, .cols = 160,
		  .rows = 48 },
		{ "--snapshot --size 10x5", .snapshot = true, .speed = 1,
		  .cols = 10, .rows = 5 },
		{ "-V", .version = true, .speed = 1, .cols = 160, .rows = 48 },
		{ "--demo --demo-speed=3 -h", .demo = true, .help = true,
		  .speed = 3, .cols = 160, .rows = 48 },
	};

	return cr_make_param_array(struct good_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct good_case *c, cli, parse_good)
{
	struct cli_opts o;
	struct err err = { { 0 } };
	char *argv[MAX_ARGS + 1];
	int argc = split_args(c->args, argv);

	cr_assert_eq(cli_parse(argc, argv, &o, &err), 0, "%s", err.msg);
	cr_expect_eq(o.demo, c->demo);
	cr_expect_eq(o.snapshot, c->snapshot);
	cr_expect_eq(o.read_only, c->read_only);
	cr_expect_eq(o.help, c->help);
	cr_expect_eq(o.version, c->version);
	cr_expect_float_eq(o.demo_speed, c->speed, 1e-9);
	cr_expect_eq(o.cols, c->cols);
	cr_expect_eq(o.rows, c->rows);
	if (c->config[0] != '\0') {
		cr_expect_str_eq(o.config_path, c->config);
	} else {
		cr_expect_null(o.config_path);
	}
	if (c->theme[0] != '\0') {
		cr_expect_str_eq(o.theme, c->theme);
	} else {
		cr_expect_null(o.theme);
	}
}

struct bad_case {
	char args[96];
	char says[64];
};


ParameterizedTestParameters(cli, parse_bad)
{
	static struct bad_case cases[] = {
		{ "--bogus", "unknown option '--bogus'" },
		{ "-x", "unexpected argument '-x'" },
		{ "extra", "unexpected argument 'extra'" },
		{ "--snapshot --size 10", "--size" },
		{ "--snapshot --size 0x10", "--size" },
		{ "--snapshot --size 80x", "--size" },
		{ "--snapshot --size x24", "--size" },
		{ "--snapshot --size 80x24x3", "--size" },
		{ "--snapshot --size -80x24", "--size" },
		{ "--snapshot --size 99999x24", "--size" },
		{ "--snapshot --size", "--size needs" },
		{ "--size 80x24", "only to --snapshot" },
		{ "--demo --demo-speed 0", "--demo-speed" },
		{ "--demo --demo-speed -2", "--demo-speed" },
		{ "--demo --demo-speed fast", "--demo-speed" },
		{ "--demo --demo-speed nan", "--demo-speed" },
		{ "--demo-speed 2", "only to --demo" },
		{ "--config", "--config needs" },
		{ "--config=", "--config needs" },
		{ "--theme", "--theme needs" },
		{ "--demo=yes", "unknown option" },
		{ "--severity P1", "--severity applies only to --incident" },
		{ "--incident X --severity P4", "--severity wants P0" },
		{ "--incident X --severity high", "--severity wants P0" },
		{ "--incident", "--incident needs" },
		{ "--incident=", "--incident needs a title" },
		{ "--commander bob", "--commander applies only" },
		{ "--incident X --commander=", "--commander needs" },
		{ "--resume INC-2026-1", "--resume wants an incident id" },
		{ "--resume ../../etc/passwd", "--resume wants" },
		{ "--resume INC-20261122-001.jsonl", "--resume wants" },
		{ "--incident X --resume INC-20261122-001", "exclude" },
		{ "--journal-dir=", "--journal-dir needs a directory" },
		{ "--journal-dir", "--journal-dir needs" },
		{ "--demo --snapshot --incident X",
		  "do not apply to --snapshot" },
		{ "report", "report needs an incident id" },
		{ "report INC-1", "is not an incident id" },
		{ "report INC-20261122-001 --status-update sms",
		  "slack or email" },
		{ "report INC-20261122-001 --postmortem --status-update slack",
		  "choose one" },
		{ "report INC-20261122-001 --status-update email --postmortem",
		  "choose one" },
		{ "report INC-20261122-001 INC-20261122-002",
		  "unexpected argument" },
		{ "report INC-20261122-001 --read-only",
		  "report: unknown option" },
		{ "report INC-20261122-001 --output=", "--output needs" },
		{ "report INC-20261122-001 --incident X",
		  "report: unknown option" },
		/* A flag takes no value; "--" is not an option. */
		{ "--read-only=yes", "unknown option '--read-only=yes'" },
		{ "--", "unexpected argument '--'" },
		{ "--demo --demo-speed=", "--demo-speed wants" },
		{ "report INC-20261122-001 --postmortem=yes",
		  "report: unknown option '--postmortem=yes'" },
		{ "report INC-20261122-001 --", "report: unknown option '--'" },
		{ "report INC-20261122-001 -V", "unexpected argument '-V'" },
		{ "report INC-20261122-001 --status-update",
		  "--status-update needs a value" },
		{ "report INC-20261122-001 --status-update slack "
		  "--status-update email", "choose one" },
	};

	return cr_make_param_array(struct bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, cli, parse_bad)
{
	struct cli_opts o;
	struct err err = { { 0 } };
	char *argv[MAX_ARGS + 1];
	int argc = split_args(c->args, argv);

	cr_assert_eq(cli_parse(argc, argv, &o, &err), -1);
	cr_expect(strstr(err.msg, c->says) != NULL, "'%s' lacks '%s'",
		  err.msg, c->says);
	cr_expect(strchr(err.msg, '\n') == NULL);
}

/* The incident options: args split on spaces as above. */
struct incident_case {
	char args[128];
	char incident[16];
	int severity;
	bool severity_set;
	char commander[16];
	char resume[24];
	char journal_dir[16];
	bool demo;
};

ParameterizedTestParameters(cli, parse_incident)
{
	static struct incident_case cases[] = {
		{ "--incident API --severity P1", "API", 1, true },
		{ "--incident=API", "API", 2, false },
		{ "--incident API --severity=sev0 --commander bob "
		  "--journal-dir /j", "API", 0, true, "bob", "", "/j" },
		{ "--resume INC-20261122-003 --severity p3", "", 3, true, "",
		  "INC-20261122-003" },
		{ "--resume=INC-20261122-003 --commander carol", "", 2, false,
		  "carol", "INC-20261122-003" },
		{ "--demo --incident X --journal-dir=/tmp/d", "X", 2, false, "",
		  "", "/tmp/d", true },
		{ "--demo --snapshot --journal-dir /j", "", 2, false, "", "",
		  "/j", true },
	};

	return cr_make_param_array(struct incident_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

static void
expect_str_or_null(const char *got, const char *want)
{
	if (want[0] == '\0') {
		cr_expect_null(got, "got '%s'", got ? got : "");
	} else {
		cr_expect_str_eq(got, want);
	}
}

ParameterizedTest(struct incident_case *c, cli, parse_incident)
{
	struct cli_opts o;
	struct err err = { { 0 } };
	char *argv[MAX_ARGS + 1];
	int argc = split_args(c->args, argv);

	cr_assert_eq(cli_parse(argc, argv, &o, &err), 0, "%s", err.msg);
	expect_str_or_null(o.incident, c->incident);
	cr_expect_eq(o.severity, c->severity);
	cr_expect_eq(o.severity_set, c->severity_set);
	expect_str_or_null(o.commander, c->commander);
	expect_str_or_null(o.resume, c->resume);
	expect_str_or_null(o.journal_dir, c->journal_dir);
	cr_expect_eq(o.demo, c->demo);
	cr_expect_not(o.report);
}

Test(cli, parse_report)
{
	struct cli_opts o;
	struct err err = { { 0 } };
	char args1[] = "report INC-20261122-001";
	char args2[] = "report INC-20261122-001 --status-update email "
		       "--output /tmp/x --journal-dir /j --demo";
	char args3[] = "report --status-update=slack --config c.ini "
		       "INC-20261122-002 --postmortem";
	char args4[] = "report --help";
	char args5[] = "report -h INC-20261122-003 --postmortem --postmortem";
	char *argv[MAX_ARGS + 1];
	int argc;

	argc = split_args(args1, argv);
	cr_assert_eq(cli_parse(argc, argv, &o, &err), 0, "%s", err.msg);
	cr_expect(o.report);
	cr_expect_str_eq(o.report_id, "INC-20261122-001");
	cr_expect_eq(o.report_kind, CLI_REPORT_POSTMORTEM);
	cr_expect_null(o.output);
	cr_expect_null(o.journal_dir);

	argc = split_args(args2, argv);
	cr_assert_eq(cli_parse(argc, argv, &o, &err), 0, "%s", err.msg);
	cr_expect_eq(o.report_kind, CLI_REPORT_EMAIL);
	cr_expect_str_eq(o.output, "/tmp/x");
	cr_expect_str_eq(o.journal_dir, "/j");
	cr_expect(o.demo);

	/* --postmortem after --status-update: one of the two only. */
	argc = split_args(args3, argv);
	cr_expect_eq(cli_parse(argc, argv, &o, &err), -1);

	argc = split_args(args4, argv);
	cr_assert_eq(cli_parse(argc, argv, &o, &err), 0, "%s", err.msg);
	cr_expect(o.help);

	argc = split_args(args5, argv);
	cr_assert_eq(cli_parse(argc, argv, &o, &err), 0, "%s", err.msg);
	cr_expect(o.help);
	cr_expect_str_eq(o.report_id, "INC-20261122-003");
	cr_expect_eq(o.report_kind, CLI_REPORT_POSTMORTEM);
}

Test(cli, journal_dirs_follow_xdg_state_home)
{
	struct cli_opts o;
	struct config cfg;
	struct err err = { { 0 } };
	const char *argv[] = { "warroom", "--journal-dir", "/j", NULL };
	char *d;

	memset(&cfg, 0, sizeof(cfg));
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	cr_assert_eq(cli_parse(1, (char *const *)argv, &o, &err), 0);
	d = cli_journal_dir(&o, &cfg, false);
	cr_expect_str_eq(d, "/srv/state/warroom/incidents");
	free(d);
	/* The demo's own: its ids never take real ones. */
	d = cli_journal_dir(&o, &cfg, true);
	cr_expect_str_eq(d, "/srv/state/warroom/demo/incidents");
	free(d);
	cr_assert_eq(cli_parse(3, (char *const *)argv, &o, &err), 0);
	d = cli_journal_dir(&o, &cfg, false);
	cr_expect_str_eq(d, "/j");
	free(d);
	d = cli_journal_dir(&o, &cfg, true);
	cr_expect_str_eq(d, "/j");
	free(d);
}

Test(cli, size_parser)
{
	int c = 0, r = 0;

	cr_expect_eq(cli_parse_size("80x24", &c, &r), 0);
	cr_expect_eq(c, 80);
	cr_expect_eq(r, 24);
	cr_expect_eq(cli_parse_size("1X1", &c, &r), 0);
	cr_expect_eq(c, 1);
	cr_expect_eq(cli_parse_size("1000x1000", &c, &r), 0);
	cr_expect_eq(cli_parse_size("1001x10", &c, &r), -1);
	cr_expect_eq(cli_parse_size("", &c, &r), -1);
	cr_expect_eq(cli_parse_size("80 x24", &c, &r), -1);
	cr_expect_eq(cli_parse_size(" 80x24", &c, &r), -1);
}

Test(cli, usage_lists_every_option_and_keys)
{
	static const char *const want[] = {
		"--help", "--version", "--read-only", "--config", "--theme",
		"--demo", "--demo-speed", "--snapshot", "--size", "160x48",
		"Tab", "quit", "zoom", "filter", "help", "--incident",
		"--severity", "--commander", "--resume", "--journal-dir",
		"warroom report", "--postmortem", "--status-update", "--output",
		"post-mortem", "status update", "note",
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cli_usage(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_expect(strstr(text, want[i]) != NULL, "no %s", want[i]);
	}
	free(text);
}

/* ---- the filter ------------------------------------------------------ */

Test(pane, filter_match)
{
	struct pane p = { 0 };

	cr_expect(pane_filter_match(&p, "anything"));
	strcpy(p.filter, "API");
	cr_expect(pane_filter_match(&p, "prod/api-7d9f"));
	cr_expect(pane_filter_match(&p, "Api"));
	cr_expect_not(pane_filter_match(&p, "ap"));
	cr_expect_not(pane_filter_match(&p, "web-1"));
	cr_expect_not(pane_filter_match(&p, NULL));
	strcpy(p.filter, "4242");
	cr_expect(pane_filter_match(&p, "14242"));
	cr_expect_not(pane_filter_match(&p, "424"));
}

/* ---- configuration ------------------------------------------------ */

static char tmpdir[64];

static void
make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/warroom-cli-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		cr_log_warn("could not remove %s", tmpdir);
	}
}

static char *
write_file(const char *name, const char *text)
{
	size_t n = strlen(tmpdir) + strlen(name) + 2;
	char *path = malloc(n);
	FILE *f;

	cr_assert_not_null(path);
	snprintf(path, n, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

Test(cli, bad_config_reports_file_and_line, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char *path = write_file("bad.ini", "[warroom]\nread_only = true\n"
				"[nosuch.main]\nurl = x\n");
	char want[160];
	struct cli_opts o;
	struct config cfg;
	struct err err = { { 0 } };
	const char *argv[] = { "warroom", "--config", path, NULL };

	cr_assert_eq(cli_parse(3, (char *const *)argv, &o, &err), 0);
	cr_expect_eq(cli_load_config(&o, &cfg, &err), -1);
	snprintf(want, sizeof(want), "%s:3:", path);
	cr_expect(strncmp(err.msg, want, strlen(want)) == 0, "got '%s'",
		  err.msg);
	config_finish(&cfg);
	free(path);
}

Test(cli, missing_config_file_is_an_error, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char path[128];
	struct cli_opts o;
	struct config cfg;
	struct err err = { { 0 } };
	const char *argv[] = { "warroom", "--config", path, NULL };

	snprintf(path, sizeof(path), "%s/absent.ini", tmpdir);
	cr_assert_eq(cli_parse(3, (char *const *)argv, &o, &err), 0);
	cr_expect_eq(cli_load_config(&o, &cfg, &err), -1);
	cr_expect(strstr(err.msg, "absent.ini") != NULL, "%s", err.msg);
	config_finish(&cfg);
}

Test(cli, default_file_then_environment, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char dir[128];
	char *path;
	struct cli_opts o;
	struct config cfg;
	struct err err = { { 0 } };
	const char *argv[] = { "warroom", NULL };

	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	unsetenv("DATABASE_URL");
	unsetenv("KUBECONFIG");
	unsetenv("REDIS_URL");
	unsetenv("PROMETHEUS_URL");
	unsetenv("ALERTMANAGER_URL");
	setenv("KAFKA_BROKERS", "127.0.0.1:1", 1);
	cr_assert_eq(cli_parse(1, (char *const *)argv, &o, &err), 0);

	/* No file: the environment. */
	cr_expect_eq(cli_load_config(&o, &cfg, &err), 0, "%s", err.msg);
	cr_expect(cfg.from_env);
	cr_expect_eq(cfg.n_sections, 1);
	config_finish(&cfg);

	/* A file in the default place wins over the environment. */
	snprintf(dir, sizeof(dir), "%s/warroom", tmpdir);
	cr_assert_eq(mkdir(dir, 0700), 0);
	path = write_file("warroom/config.ini", "[warroom]\nread_only = "
			  "true\n");
	cr_expect_eq(cli_load_config(&o, &cfg, &err), 0, "%s", err.msg);
	cr_expect_not(cfg.from_env);
	cr_expect_eq(cfg.n_sections, 0);
	cr_expect(cfg.read_only);
	config_finish(&cfg);
	free(path);
}

/* ---- the binary --------------------------------------------------- */

struct run {
	char *out;              /* stdout (or the pty's output) */
	size_t out_len;
	char *err;
	int status;             /* from waitpid */
};

static const char *
warroom_bin(void)
{
	const char *bin = getenv("WARROOM_BIN");

	cr_assert_not_null(bin, "WARROOM_BIN is not set (run via meson "
			   "test)");
	return bin;
}

static void
append(char **buf, size_t *len, const char *data, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	cr_assert_not_null(*buf);
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* Where the child's incident journals go (the demo declares one): made
 * by run_bin() and removed after the child exits. */
static char child_state[64];
/* Set: run_bin() leaves child_state for the test to look into. */
static bool keep_child_state;

/* A clean environment for the child: no config file, no source from the
 * environment, a fixed TERM, a scratch state directory. */
static void
child_env(const char *term)
{
	static const char *const drop[] = {
		"DATABASE_URL", "REDIS_URL", "PROMETHEUS_URL",
		"ALERTMANAGER_URL", "KAFKA_BROKERS", "KUBECONFIG", "NO_COLOR",
		"LINES", "COLUMNS",
	};

	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		unsetenv(drop[i]);
	}
	setenv("XDG_CONFIG_HOME", "/nonexistent-warroom-test", 1);
	if (child_state[0] != '\0') {
		setenv("XDG_STATE_HOME", child_state, 1);
	}
	if (term != NULL) {
		setenv("TERM", term, 1);
	}
}

/* Runs the binary with argv; stdout to a pipe (or, with pty, stdin and
 * stdout on a new pseudo-terminal of 80x24), stderr to a pipe. When
 * kill_after_ms >= 0, sends kill_sig that long after start. Waits up to
 * 10 s in all. */
static void
run_bin(const char *const *args, const char *term, bool pty,
	int kill_after_ms, int kill_sig, struct run *res)
{
	int out_pipe[2], err_pipe[2], master = -1;
	char slave_name[64] = "";
	pid_t pid;
	struct timespec t0, t1;
	bool killed = false, out_open = true, err_open = true;

	memset(res, 0, sizeof(*res));
	strcpy(child_state, "/tmp/warroom-cli-state-XXXXXX");
	cr_assert_not_null(mkdtemp(child_state));
	append(&res->out, &res->out_len, "", 0);
	{
		size_t z = 0;

		append(&res->err, &z, "", 0);
	}
	cr_assert_eq(pipe(err_pipe), 0);
	if (pty) {
		struct winsize ws = { .ws_row = 24, .ws_col = 80 };

		master = posix_openpt(O_RDWR | O_NOCTTY);
		cr_assert(master >= 0);
		cr_assert_eq(grantpt(master), 0);
		cr_assert_eq(unlockpt(master), 0);
		strncpy(slave_name, ptsname(master), sizeof(slave_name) - 1);
		ioctl(master, TIOCSWINSZ, &ws);
		out_pipe[0] = master;
		out_pipe[1] = -1;
	} else {
		cr_assert_eq(pipe(out_pipe), 0);
	}
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (pty) {
			int s;

			setsid();
			s = open(slave_name, O_RDWR);
			ioctl(s, TIOCSCTTY, 0);
			dup2(s, 0);
			dup2(s, 1);
			close(s);
			close(master);
		} else {
			dup2(devnull, 0);
			dup2(out_pipe[1], 1);
			close(out_pipe[0]);
			close(out_pipe[1]);
		}
		dup2(err_pipe[1], 2);
		close(err_pipe[0]);
		close(err_pipe[1]);
		close(devnull);
		child_env(term);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	if (!pty) {
		close(out_pipe[1]);
	}
	close(err_pipe[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = out_open ? out_pipe[0] : -1, .events = POLLIN },
			{ .fd = err_open ? err_pipe[0] : -1, .events = POLLIN },
		};
		long ms;
		char buf[4096];
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		     (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (kill_after_ms >= 0 && !killed && ms >= kill_after_ms) {
			kill(pid, kill_sig);
			killed = true;
		}
		if (ms > 10000) {
			kill(pid, SIGKILL);
			cr_assert_fail("warroom did not exit within 10 s");
			break;
		}
		if (!out_open && !err_open) {
			break;
		}
		if (poll(fds, 2, 50) <= 0) {
			/* A pty does not report EOF until the child is
			 * gone: check for that. */
			if (pty && waitpid(pid, &res->status, WNOHANG) == pid) {
				pid = -1;
				break;
			}
			continue;
		}
		if (fds[0].revents) {
			n = read(out_pipe[0], buf, sizeof(buf));
			if (n > 0) {
				append(&res->out, &res->out_len, buf,
				       (size_t)n);
			} else {
				out_open = false;
			}
		}
		if (fds[1].revents) {
			size_t len = strlen(res->err);

			n = read(err_pipe[0], buf, sizeof(buf));
			if (n > 0) {
				append(&res->err, &len, buf, (size_t)n);
			} else {
				err_open = false;
			}
		}
	}
	if (pid > 0) {
		waitpid(pid, &res->status, 0);
	}
	/* Whatever the pty still holds after the exit. */
	if (pty) {
		char buf[4096];
		ssize_t n;

		fcntl(master, F_SETFL, O_NONBLOCK);
		while ((n = read(master, buf, sizeof(buf))) > 0) {
			append(&res->out, &res->out_len, buf, (size_t)n);
		}
		close(master);
	} else {
		close(out_pipe[0]);
	}
	close(err_pipe[0]);
	if (!keep_child_state) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", child_state);
		if (system(cmd) != 0) {
			cr_log_warn("could not remove %s", child_state);
		}
		child_state[0] = '\0';
	}
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++) {
		n += *s == '\n';
	}
	return n;
}

static int
exit_code(const struct run *r)
{
	return WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1;
}

static const char *const pane_titles[] = {
	"Pods", "Database", "Redis", "Kafka", "Metrics", "Alerts",
	"Timeline",
};

/* The demo's sources, as --snapshot lists them under the frame. */
static const char *const demo_sources[] = {
	"k8s.demo", "postgres.demo", "redis.demo", "kafka.demo",
	"prometheus.demo", "alertmanager.demo", "http.api", "http.checkout",
	"diagnosis.demo",
};
#define N_DEMO_SOURCES (sizeof(demo_sources) / sizeof(demo_sources[0]))

/* A --snapshot of rows lines, then "Sources (9)" naming each demo
 * source on a line of its own with its state. */
static void
expect_frame_and_sources(const char *out, int rows)
{
	const char *list = strstr(out, "\nSources (9)\n");

	cr_expect_eq(count_lines(out), rows + 2 + (int)N_DEMO_SOURCES, "%s",
		     out);
	cr_assert_not_null(list, "%s", out);
	{
		/* The frame: the first rows lines, then the empty one. */
		char *frame = strndup(out, (size_t)(list - out));

		cr_expect_eq(count_lines(frame), rows, "%s", out);
		free(frame);
	}
	for (size_t i = 0; i < N_DEMO_SOURCES; i++) {
		char want[64];

		snprintf(want, sizeof(want), " %s ", demo_sources[i]);
		cr_expect(strstr(list, want) != NULL, "no %s in\n%s",
			  demo_sources[i], list);
	}
	cr_expect(strstr(list, " ok ") != NULL || strstr(list, " warn ") !=
		  NULL, "%s", list);
}

Test(bin, snapshot_160x48_has_every_pane, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", "--snapshot",
			       "--size", "160x48", NULL };
	struct run r;

	run_bin(args, "xterm-256color", false, -1, 0, &r);
	cr_assert_eq(exit_code(&r), 0, "stderr: %s", r.err);
	expect_frame_and_sources(r.out, 48);
	for (size_t i = 0; i < 7; i++) {
		cr_expect(strstr(r.out, pane_titles[i]) != NULL, "no %s in\n%s",
			  pane_titles[i], r.out);
	}
	cr_expect(strstr(r.out, "postgres.demo") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "[DEMO]") != NULL);
	cr_expect(strstr(r.out, "R restart") != NULL, "%s", r.out);
	{
		/* Under the header, the Findings strip: its findings with
		 * their sources, or that there is none. */
		const char *strip = strchr(r.out, '\n') + 1;
		char *line = strndup(strip, strcspn(strip, "\n"));

		cr_expect(strstr(line, "no open findings") != NULL ||
			  strstr(line, ".demo \u00b7 ") != NULL ||
			  strstr(line, "http.api \u00b7 ") != NULL, "%s",
			  line);
		free(line);
	}
	cr_expect(strchr(r.out, '\033') == NULL, "ESC in the snapshot");
	cr_expect(strstr(r.out, "needs at least") == NULL);
	cr_expect_str_empty(r.err);
	run_free(&r);
}

Test(bin, snapshot_80x24, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", "--snapshot",
			       "--size", "80x24", NULL };
	struct run r;

	run_bin(args, NULL, false, -1, 0, &r);
	cr_assert_eq(exit_code(&r), 0, "stderr: %s", r.err);
	expect_frame_and_sources(r.out, 24);
	for (size_t i = 0; i < 7; i++) {
		cr_expect(strstr(r.out, pane_titles[i]) != NULL, "no %s in\n%s",
			  pane_titles[i], r.out);
	}
	cr_expect(strchr(r.out, '\033') == NULL);
	run_free(&r);
}

Test(bin, snapshot_below_minimum_says_so, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", "--snapshot",
			       "--size", "50x12", NULL };
	struct run r;
	char want[64];

	run_bin(args, NULL, false, -1, 0, &r);
	cr_assert_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_expect_eq(count_lines(r.out), 12);
	snprintf(want, sizeof(want), "needs at least %dx%d (now 50x12)",
		 LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	cr_expect(strstr(r.out, want) != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "Database") == NULL);
	run_free(&r);
}

Test(bin, snapshot_read_only_marks_header, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", "--read-only",
			       "--snapshot", NULL };
	struct run r;

	run_bin(args, NULL, false, -1, 0, &r);
	cr_assert_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "[READ-ONLY]") != NULL, "%s", r.out);
	/* The destructive actions are gone from the key hints. */
	cr_expect(strstr(r.out, "R restart") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "? help") != NULL);
	run_free(&r);
}

Test(bin, snapshot_first_run_screen, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--snapshot", "--size",
			       "100x30", NULL };
	struct run r;

	run_bin(args, NULL, false, -1, 0, &r);
	cr_assert_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_expect_eq(count_lines(r.out), 30);
	cr_expect(strstr(r.out, "No source is configured") != NULL, "%s",
		  r.out);
	cr_expect(strstr(r.out, "DATABASE_URL") != NULL);
	cr_expect(strstr(r.out, "KUBECONFIG") != NULL);
	cr_expect(strstr(r.out, "docs/configuration.md") != NULL);
	cr_expect(strstr(r.out, "to start the demo") != NULL);
	cr_expect(strstr(r.out, "/nonexistent-warroom-test/warroom/"
			 "config.ini") != NULL, "%s", r.out);
	run_free(&r);
}

/* The first line of text that contains needle, into line (size n). */
static bool
line_with(const char *text, const char *needle, char *line, size_t n)
{
	const char *hit = strstr(text, needle), *start, *end;

	if (hit == NULL) {
		return false;
	}
	for (start = hit; start > text && start[-1] != '\n'; start--) {
	}
	end = strchr(hit, '\n');
	snprintf(line, n, "%.*s", (int)(end != NULL ? end - start :
					(long)strlen(start)), start);
	return true;
}

/* A source that never answered: its pane says why and when it is tried
 * again, and its title never says "live". */
Test(bin, snapshot_of_a_source_that_never_answered, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 20)
{
	char *path = write_file("down.ini", "[prometheus.down]\n"
				"url = http://127.0.0.1:1\n"
				"interval = 5s\n");
	const char *args[] = { warroom_bin(), "--snapshot", "--config", path,
			       "--size", "160x48", NULL };
	char line[1024];
	struct run r;

	run_bin(args, "xterm-256color", false, -1, 0, &r);
	cr_assert_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_assert(line_with(r.out, "connection refused (127.0.0.1:1)", line,
			    sizeof(line)), "%s", r.out);
	cr_expect(strstr(line, "retrying in ") != NULL, "%s", line);
	/* The pane's title (the header names the source too). */
	cr_assert(line_with(r.out, "Metrics", line, sizeof(line)), "%s",
		  r.out);
	cr_expect(strstr(line, "prometheus.down") != NULL, "%s", line);
	cr_expect(strstr(line, "live") == NULL, "%s", line);
	cr_expect(strstr(line, "no data") != NULL, "%s", line);
	free(path);
	run_free(&r);
}

Test(bin, help_and_version, .timeout = 20)
{
	const char *help[] = { warroom_bin(), "--help", NULL };
	const char *version[] = { warroom_bin(), "--version", NULL };
	struct run r;

	run_bin(help, NULL, false, -1, 0, &r);
	cr_expect_eq(exit_code(&r), 0);
	cr_expect(strstr(r.out, "--snapshot") != NULL);
	cr_expect(strstr(r.out, "Keys:") != NULL);
	run_free(&r);
	run_bin(version, NULL, false, -1, 0, &r);
	cr_expect_eq(exit_code(&r), 0);
	cr_expect(strncmp(r.out, "warroom ", 8) == 0, "%s", r.out);
	run_free(&r);
}

static void
expect_one_line_error(const struct run *r, int code, const char *says)
{
	cr_expect_eq(exit_code(r), code, "exit %d, stderr: %s", exit_code(r),
		     r->err);
	cr_expect_eq(count_lines(r->err), 1, "stderr: '%s'", r->err);
	cr_expect(strstr(r->err, says) != NULL, "stderr '%s' lacks '%s'",
		  r->err, says);
}

Test(bin, bad_argument_exits_2, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--frobnicate", NULL };
	struct run r;

	run_bin(args, NULL, false, -1, 0, &r);
	expect_one_line_error(&r, 2, "try --help");
	run_free(&r);
}

Test(bin, bad_config_exits_1_with_file_and_line, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 20)
{
	char *path = write_file("bad.ini", "\n[redis.cache]\nurl = "
				"redis://127.0.0.1:1\n[bogus]\n");
	const char *args[] = { warroom_bin(), "--config", path, NULL };
	char want[160];
	struct run r;

	snprintf(want, sizeof(want), "%s:4:", path);
	run_bin(args, NULL, false, -1, 0, &r);
	expect_one_line_error(&r, 1, want);
	free(path);
	run_free(&r);
}

Test(bin, bad_theme_exits_1, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", "--snapshot",
			       "--theme", "/nonexistent/x.theme", NULL };
	struct run r;

	run_bin(args, NULL, false, -1, 0, &r);
	expect_one_line_error(&r, 1, "x.theme");
	cr_expect_str_empty(r.out);
	run_free(&r);
}

Test(bin, stdout_not_a_terminal, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", NULL };
	struct run r;

	run_bin(args, "xterm-256color", false, -1, 0, &r);
	expect_one_line_error(&r, 1, "not a terminal");
	cr_expect_str_empty(r.out);
	run_free(&r);
}

Test(bin, term_dumb_refused, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", NULL };
	struct run r;

	run_bin(args, "dumb", true, -1, 0, &r);
	expect_one_line_error(&r, 1, "TERM=dumb");
	cr_expect(strchr(r.out, '\033') == NULL, "drew on a dumb terminal");
	run_free(&r);
}

Test(bin, unknown_term_refused, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", NULL };
	struct run r;

	run_bin(args, "no-such-terminal-xyz", true, -1, 0, &r);
	expect_one_line_error(&r, 1, "unknown terminal type");
	run_free(&r);
}

/* The alternate screen is left (rmcup of xterm-256color) on the way out,
 * and nothing is drawn after it. */
static void
expect_restored(const struct run *r)
{
	const char *enter = strstr(r->out, "\033[?1049h");
	const char *leave = NULL, *p = r->out;

	cr_assert_not_null(enter, "never entered the alternate screen");
	while ((p = strstr(p, "\033[?1049l")) != NULL) {
		leave = p;
		p++;
	}
	cr_assert_not_null(leave, "the alternate screen was not left");
	cr_expect(leave > enter);
	cr_expect(strstr(r->out, "\033[?25h") != NULL, "cursor not shown");
}

Test(bin, sigterm_restores_terminal, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", NULL };
	struct run r;

	run_bin(args, "xterm-256color", true, 700, SIGTERM, &r);
	cr_expect_eq(exit_code(&r), 128 + SIGTERM, "status %d, stderr %s",
		     r.status, r.err);
	expect_restored(&r);
	/* Nothing on stderr: no leak report, no stray message. */
	cr_expect_str_empty(r.err);
	run_free(&r);
}

Test(bin, sighup_restores_terminal, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", NULL };
	struct run r;

	run_bin(args, "xterm-256color", true, 700, SIGHUP, &r);
	cr_expect_eq(exit_code(&r), 128 + SIGHUP);
	expect_restored(&r);
	cr_expect_str_empty(r.err);
	run_free(&r);
}

Test(bin, crash_restores_terminal_and_dies_by_signal, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", NULL };
	struct run r;

	run_bin(args, "xterm-256color", true, 700, SIGABRT, &r);
	cr_expect(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGABRT,
		  "status %#x", r.status);
	expect_restored(&r);
	run_free(&r);
}

/* ---- warroom report ----------------------------------------------- */

/* 2026-11-22 10:00:00Z */
#define REPORT_T0 1795341600000LL
#define REPORT_ID "INC-20261122-001"

/* An incident in tmpdir written through the core API with a fake clock;
 * returns the post-mortem the export makes of it. */
static char *
make_incident(void)
{
	static const struct action_impl terminate = {
		.spec = &action_pg_terminate,
	};
	struct action_req req = {
		.impl = &terminate,
		.source = "postgres.main",
		.who = "alice",
		.target = { .type = TARGET_PG_BACKEND, .label = "pid=4242" },
	};
	struct err err = { { 0 } };
	struct incident *inc;
	struct incident_info info;
	struct journal_rec *recs;
	char *pm = NULL;
	size_t n, len = 0;
	int64_t seq;
	FILE *f;

	clock_set_fake(1000, REPORT_T0);
	inc = incident_declare(tmpdir, "Checkout API returning 500 errors",
			       INCIDENT_P2, "alice", NULL, &err);
	cr_assert_not_null(inc, "%s", err.msg);
	cr_assert_str_eq(incident_id(inc), REPORT_ID);
	clock_advance_fake(60000);
	cr_assert_eq(incident_note(inc, "alice", "pid 4242 holds the orders "
				   "lock", &err), 0, "%s", err.msg);
	incident_set_status(inc, INCIDENT_MITIGATING, "alice", &err);
	clock_advance_fake(60000);
	seq = incident_action_intent(inc, &req,
				     "SELECT pg_terminate_backend(4242);",
				     "Terminate session on pid=4242", &err);
	cr_assert(seq > 0, "%s", err.msg);
	cr_assert_eq(incident_action_result(inc, seq, &req, ACTION_OK,
					    "returned true", &err), 0);
	clock_advance_fake(60000);
	incident_set_status(inc, INCIDENT_RESOLVED, "alice", &err);
	cr_assert_eq(journal_flush(incident_journal(inc)), 0);
	incident_get(inc, &info);
	recs = incident_records(inc, &n);
	f = open_memstream(&pm, &len);
	cr_assert_eq(export_postmortem(&info, recs, n, NULL, 0, f), 0);
	fclose(f);
	journal_recs_free(recs, n);
	incident_info_finish(&info);
	incident_close(inc);
	clock_set_real();
	return pm;
}

Test(report, prints_the_postmortem_in_process, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char *want = make_incident(), *got = NULL, out_path[128];
	char *argv[] = { (char *)"warroom", (char *)"report",
			 (char *)REPORT_ID, (char *)"--journal-dir", tmpdir,
			 (char *)"--output", out_path, NULL };
	struct cli_opts o;
	struct config cfg;
	struct err err = { { 0 } };
	struct stat sb;
	size_t len = 0;
	FILE *f;
	char buf[8192];
	size_t n;

	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(cli_parse(5, argv, &o, &err), 0, "%s", err.msg);
	f = open_memstream(&got, &len);
	cr_assert_eq(cli_report(&o, &cfg, f, &err), 0, "%s", err.msg);
	fclose(f);
	cr_expect_str_eq(got, want);
	cr_expect(strstr(got, "pg_terminate_backend(4242)") != NULL);
	cr_expect(strstr(got, "pid 4242 holds the orders lock") != NULL);

	/* --output: the same bytes, in a file only its owner reads. */
	snprintf(out_path, sizeof(out_path), "%s/pm.md", tmpdir);
	cr_assert_eq(cli_parse(7, argv, &o, &err), 0, "%s", err.msg);
	cr_assert_eq(cli_report(&o, &cfg, stdout, &err), 0, "%s", err.msg);
	cr_assert_eq(stat(out_path, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0600);
	f = fopen(out_path, "r");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	cr_expect_str_eq(buf, want);

	/* Nothing was written to the journal by reading it. */
	snprintf(out_path, sizeof(out_path), "%s/%s.jsonl", tmpdir,
		 REPORT_ID);
	cr_assert_eq(stat(out_path, &sb), 0);
	{
		struct journal_rec *recs;
		struct journal_load_report rep;
		size_t nr;
		bool resumed = false;

		cr_assert_eq(journal_load(out_path, &recs, &nr, &rep, &err),
			     0);
		for (size_t i = 0; i < nr; i++) {
			resumed |= recs[i].event != NULL &&
				   strcmp(recs[i].event, "resume") == 0;
		}
		cr_expect_not(resumed, "report wrote a resume record");
		journal_recs_free(recs, nr);
	}
	free(got);
	free(want);
}

Test(report, unknown_incident_is_an_error, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	char *argv[] = { (char *)"warroom", (char *)"report",
			 (char *)"INC-20261122-042", (char *)"--journal-dir",
			 tmpdir, NULL };
	struct cli_opts o;
	struct config cfg;
	struct err err = { { 0 } };

	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(cli_parse(5, argv, &o, &err), 0, "%s", err.msg);
	cr_expect_eq(cli_report(&o, &cfg, stdout, &err), -1);
	cr_expect(strstr(err.msg, "INC-20261122-042") != NULL, "%s",
		  err.msg);
}

Test(bin, report_prints_markdown_without_a_terminal, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 20)
{
	char *want = make_incident();
	const char *args[] = { warroom_bin(), "report", REPORT_ID,
			       "--journal-dir", tmpdir, NULL };
	const char *slack[] = { warroom_bin(), "report", REPORT_ID,
				"--status-update", "slack", "--journal-dir",
				tmpdir, NULL };
	const char *email[] = { warroom_bin(), "report", REPORT_ID,
				"--status-update=email", "--journal-dir",
				tmpdir, NULL };
	const char *missing[] = { warroom_bin(), "report",
				  "INC-20261122-009", "--journal-dir", tmpdir,
				  NULL };
	struct run r;

	/* TERM=dumb: report needs no terminal. */
	run_bin(args, "dumb", false, -1, 0, &r);
	cr_expect_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, want);
	cr_expect_str_empty(r.err);
	run_free(&r);

	run_bin(slack, "dumb", false, -1, 0, &r);
	cr_expect_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "Incident ID: " REPORT_ID) != NULL, "%s",
		  r.out);
	cr_expect(strstr(r.out, "Resolved") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "Subject:") == NULL, "%s", r.out);
	run_free(&r);

	run_bin(email, "dumb", false, -1, 0, &r);
	cr_expect_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_expect(strncmp(r.out, "Subject: [P2] ", 14) == 0, "%s", r.out);
	run_free(&r);

	run_bin(missing, "dumb", false, -1, 0, &r);
	cr_expect_eq(exit_code(&r), 1);
	cr_expect(strstr(r.err, "INC-20261122-009") != NULL, "%s", r.err);
	run_free(&r);
	free(want);
}

Test(bin, snapshot_demo_shows_its_incident_and_leaves_nothing,
     .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--demo", "--snapshot",
			       "--size", "160x48", NULL };
	char today[16], want[64], cmd[160];
	time_t t = time(NULL);
	struct tm tm;
	struct run r;

	gmtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y%m%d", &tm);
	snprintf(want, sizeof(want), "INC-%s-001 P1 Investigating", today);
	keep_child_state = true;
	run_bin(args, "xterm-256color", false, -1, 0, &r);
	keep_child_state = false;
	cr_assert_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, want) != NULL, "no '%s' in\n%s", want, r.out);
	cr_expect(strstr(r.out, "next update in") != NULL, "%s", r.out);
	/* The snapshot's incident went to a scratch directory, now gone:
	 * nothing in the state directory. */
	snprintf(cmd, sizeof(cmd), "test -z \"$(find '%s' -mindepth 1)\"",
		 child_state);
	cr_expect_eq(system(cmd), 0, "%s is not empty", child_state);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", child_state);
	cr_expect_eq(system(cmd), 0);
	child_state[0] = '\0';
	run_free(&r);
}

Test(bin, snapshot_without_incident_says_how_to_declare, .timeout = 20)
{
	const char *args[] = { warroom_bin(), "--snapshot", "--size",
			       "160x48", "--config", NULL, NULL };
	char path[160];
	struct run r;
	FILE *f;

	/* One source that is never reached: the dashboard, not the
	 * first-run screen. */
	snprintf(path, sizeof(path), "/tmp/warroom-cli-%d.ini", (int)getpid());
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("[redis.x]\nurl = redis://127.0.0.1:1\ntimeout = 100ms\n", f);
	fclose(f);
	args[5] = path;
	run_bin(args, "xterm-256color", false, -1, 0, &r);
	unlink(path);
	cr_assert_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "no incident") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "i to declare") != NULL, "%s", r.out);
	run_free(&r);
}

/* ---- [incident] in the config file ---------------------------------- */

Test(cli, incident_section_sets_dir_and_is_checked, .init = make_tmpdir,
     .fini = remove_tmpdir)
{
	static const struct {
		const char *text;
		int line;
		const char *says;
	} bad[] = {
		{ "[incident]\nupdate.p1 = soon\n", 2, "update.p1: bad "
		  "duration" },
		{ "[incident]\nresponse.p9 = 1h\n", 2, "unknown incident "
		  "setting" },
		{ "[incident]\nslack_webhook = https://hooks.example/x\n", 2,
		  "slack_webhook_file" },
		{ "[incident]\nslack_webhook_file = https://hooks.example/x\n",
		  2, "names a file, not a URL" },
		{ "[incident]\njournal_dir =\n", 2, "empty value" },
		{ "[incident]\nupdate.p1 = 1h\nupdate.p1 = 2h\n", 3,
		  "duplicate key" },
		{ "[incident]\n[incident]\n", 2, "duplicate section" },
		{ "[incident]\nescalations = P7 1h CTO\n", 2, "escalations" },
	};
	struct cli_opts o;
	struct config cfg;
	struct err err = { { 0 } };
	const char *argv[] = { "warroom", "--config", NULL, NULL };
	char text[256], want[160], *path, *d;

	snprintf(text, sizeof(text), "[incident]\nupdate.p1 = 15m\n"
		 "response.p0 = 10m\nescalations = P1 1h engineering "
		 "manager\njournal_dir = %s/j\nslack_webhook_file = "
		 "%s/hook\n", tmpdir, tmpdir);
	path = write_file("good.ini", text);
	argv[2] = path;
	cr_assert_eq(cli_parse(3, (char *const *)argv, &o, &err), 0);
	cr_assert_eq(cli_load_config(&o, &cfg, &err), 0, "%s", err.msg);
	d = cli_journal_dir(&o, &cfg, false);
	snprintf(want, sizeof(want), "%s/j", tmpdir);
	cr_expect_str_eq(d, want);
	free(d);
	snprintf(want, sizeof(want), "%s/hook", tmpdir);
	cr_expect_str_eq(config_get(&cfg.incident, "slack_webhook_file"),
			 want);
	/* The demo keeps its own directory. */
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	d = cli_journal_dir(&o, &cfg, true);
	cr_expect_str_eq(d, "/srv/state/warroom/demo/incidents");
	free(d);
	config_finish(&cfg);
	free(path);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		path = write_file("bad.ini", bad[i].text);
		argv[2] = path;
		cr_assert_eq(cli_parse(3, (char *const *)argv, &o, &err), 0);
		cr_expect_eq(cli_load_config(&o, &cfg, &err), -1, "%s",
			     bad[i].text);
		snprintf(want, sizeof(want), "%s:%d: ", path, bad[i].line);
		cr_expect(strncmp(err.msg, want, strlen(want)) == 0,
			  "got '%s' for %s", err.msg, bad[i].text);
		cr_expect(strstr(err.msg, bad[i].says) != NULL,
			  "'%s' lacks '%s'", err.msg, bad[i].says);
		cr_expect(strstr(err.msg, "hooks.example") == NULL,
			  "the URL leaked: %s", err.msg);
		config_finish(&cfg);
		free(path);
	}
}

Test(bin, incident_policy_from_the_config_reaches_the_header,
     .init = make_tmpdir, .fini = remove_tmpdir, .timeout = 20)
{
	char *path = write_file("p.ini", "[incident]\nupdate.p1 = 15m\n");
	const char *args[] = { warroom_bin(), "--demo", "--snapshot",
			       "--config", path, NULL };
	struct run r;

	run_bin(args, "xterm-256color", false, -1, 0, &r);
	cr_assert_eq(exit_code(&r), 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "next update in 15m ") != NULL, "%s", r.out);
	run_free(&r);
	free(path);
}

Test(screen, age_is_live_while_on_time)
{
	struct snapshot *s;
	char buf[32];

	clock_set_fake(100000, 1763780000000);
	s = snapshot_new(SNAP_PG, "postgres.main");
	s->interval_ms = 2000;
	/* Without data (a source that never answered): never live. */
	app_age_text(s, 100000, buf, sizeof(buf));
	cr_expect_str_eq(buf, "no data");
	s->data = snapshot_alloc(s, sizeof(struct pg_model));
	app_age_text(s, 100000, buf, sizeof(buf));
	cr_expect_str_eq(buf, "live");
	app_age_text(s, 102900, buf, sizeof(buf));
	cr_expect_str_eq(buf, "live");
	app_age_text(s, 103000, buf, sizeof(buf));
	cr_expect_str_eq(buf, "3s ago");
	app_age_text(s, 142000, buf, sizeof(buf));
	cr_expect_str_eq(buf, "42s ago");
	snapshot_unref(s);
	clock_set_real();
}
