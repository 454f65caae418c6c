/* The command line: parsing into struct cli_opts (pure, testable), the
 * config and theme choices that follow from it, and cli_main(), the whole
 * program from argv to exit status. Main thread. */
#ifndef WARROOM_CLI_H
#define WARROOM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "core/config.h"
#include "core/err.h"

#define CLI_DEFAULT_COLS 160
#define CLI_DEFAULT_ROWS 48
#define CLI_MAX_SIZE 1000

/* Exit statuses (also in docs/warroom.1). */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_ERROR = 1,     /* config, theme, terminal, startup */
	CLI_EXIT_USAGE = 2,     /* bad arguments */
};

/* What warroom report writes. */
enum cli_report {
	CLI_REPORT_POSTMORTEM,
	CLI_REPORT_SLACK,
	CLI_REPORT_EMAIL,
};

struct cli_opts {
	bool help;
	bool version;
	bool read_only;
	bool demo;
	bool snapshot;
	const char *config_path;        /* --config, or NULL (points into argv) */
	const char *theme;              /* --theme, or NULL (points into argv) */
	double demo_speed;              /* > 0, default 1 */
	int cols;                       /* --size, default 160x48 */
	int rows;
	bool size_set;

	/* The incident (strings point into argv). */
	const char *incident;           /* --incident TITLE, or NULL */
	int severity;                   /* --severity, enum incident_sev */
	bool severity_set;
	const char *commander;          /* --commander, or NULL */
	const char *resume;             /* --resume ID, or NULL */
	const char *journal_dir;        /* --journal-dir, or NULL */

	/* warroom report ID [--postmortem | --status-update slack|email]
	 * [--output FILE] */
	bool report;
	const char *report_id;
	enum cli_report report_kind;
	const char *output;             /* --output, or NULL: stdout */
};

/* Parses argv[1..argc) into o. Returns 0, or -1 with a one-line reason in
 * err (without the "try --help" hint, which the caller adds). */
int cli_parse(int argc, char *const argv[], struct cli_opts *o,
	      struct err *err);

/* Parses "COLSxROWS" (1..CLI_MAX_SIZE each); returns 0 or -1. */
int cli_parse_size(const char *s, int *cols, int *rows);

/* Writes the --help text (every option and a key bindings summary). */
void cli_usage(FILE *f);

/* Reads the configuration the options ask for: --config FILE, else the
 * default file when it exists, else the environment. Returns 0, or -1 with
 * "FILE:LINE: reason" in err. cfg is zeroed here and must be
 * config_finish()ed either way. */
int cli_load_config(const struct cli_opts *o, struct config *cfg,
		    struct err *err);

/* The incident journal directory the options and cfg ask for: --journal-dir,
 * else [incident] journal_dir, else incident_default_dir(); for the demo
 * (demo true) --journal-dir, else the demo's own directory beside the real
 * one ($XDG_STATE_HOME/warroom/demo/incidents), so demo ids never take real
 * ones. The caller frees it. */
char *cli_journal_dir(const struct cli_opts *o, const struct config *cfg,
		      bool demo);

/* warroom report: loads the incident o->report_id without writing to its
 * journal and writes the export o asks for to out (or to o->output,
 * created 0600). Returns 0, or -1 with err set. Blocking I/O; no terminal
 * needed. */
int cli_report(const struct cli_opts *o, const struct config *cfg,
	       FILE *out, struct err *err);

/* The program: returns the process exit status. Never calls exit(). */
int cli_main(int argc, char *argv[]);

/* After cli_main(): true when it left threads stuck in a backend's call
 * (they were given up at the shutdown deadline). The process must then
 * end with _exit(): exit handlers (the TLS library's cleanup, the leak
 * checker) must not run under a thread that may still wake up. */
bool cli_left_threads(void);

#endif
