/* What tui/cli.c and tui/cli_incident.c share. Main thread. */
#ifndef WARROOM_CLI_INTERNAL_H
#define WARROOM_CLI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/action.h"
#include "core/config.h"
#include "core/err.h"
#include "core/state.h"
#include "core/timeline.h"
#include "tui/cli.h"

struct incident_ui;
struct rules_tracker;

/* The commands an option belongs to (struct cli_option.in). */
enum {
	CLI_IN_DASHBOARD = 1 << 0,      /* warroom [OPTION]... */
	CLI_IN_REPORT = 1 << 1,         /* warroom report ID [OPTION]... */
};

/* What follows an option's name. */
enum cli_arg {
	CLI_ARG_NONE,           /* a flag; "--flag=x" is not it */
	CLI_ARG_VALUE,          /* "--name VALUE" or "--name=VALUE" */
	CLI_ARG_TEXT,           /* a value that must not be empty */
};

/* A parse in progress: the options and what only the parse needs. */
struct cli_parse {
	struct cli_opts *o;
	unsigned command;       /* CLI_IN_DASHBOARD or CLI_IN_REPORT */
	bool speed_set;         /* --demo-speed was given */
	bool kind_set;          /* --postmortem or --status-update was */
};

/* One option, described once. A value missing at the end of the line
 * says "NAME needs a value"; an empty CLI_ARG_TEXT one "NAME needs
 * NEEDS". Without set, the option stores into the field of struct
 * cli_opts at offset field: a flag sets its bool, a value points its
 * const char * into argv. */
struct cli_option {
	const char *name;       /* "--config" */
	const char *alias;      /* "-h", or NULL */
	enum cli_arg arg;
	const char *needs;      /* CLI_ARG_TEXT: "a file" */
	unsigned in;            /* CLI_IN_* */
	size_t field;           /* offsetof(struct cli_opts, ...) */
	/* Checks and stores the value (NULL for a flag); returns 0, or -1
	 * with err. */
	int (*set)(struct cli_parse *p, const char *val, struct err *err);
};

/* The options, each table ended by an entry whose name is NULL: the
 * general ones (cli.c) and the incident's (cli_incident.c). */
extern const struct cli_option cli_options[];
extern const struct cli_option cli_incident_options[];

/* Parses argv[first..argc) into p->o with the options of p->command.
 * Every other argument -- an operand, an unknown option, a flag given a
 * value -- goes to other(), which takes it (0) or says why not (-1 with
 * err). Returns 0, or -1 with err. */
int cli_parse_options(struct cli_parse *p, int argc, char *const argv[],
		      int first,
		      int (*other)(struct cli_parse *p, const char *arg,
				   struct err *err),
		      struct err *err);

/* warroom report ID [...]: argv[1] is "report"; o has its defaults.
 * Returns 0, or -1 with err. */
int cli_parse_report(int argc, char *const argv[], struct cli_opts *o,
		     struct err *err);

/* The incident side of the dashboard: sets the [incident] section's holds
 * on the tracker, then declares (--incident, the demo) or resumes
 * (--resume) before the UI starts, waiting for the disk. --demo
 * --snapshot without --journal-dir declares into a scratch directory
 * (*scratch, for cli_remove_scratch() at exit). A demo incident that
 * cannot be declared leaves a message in warn. Returns NULL with err set
 * when the operator's --incident or --resume failed. */
struct incident_ui *cli_incident_start(const struct cli_opts *o,
				       const struct config *cfg,
				       struct state *st, struct timeline *tl,
				       struct actions *act,
				       struct rules_tracker *tracker,
				       char **scratch, char *warn,
				       size_t warn_n, struct err *err);

/* Removes the files of a directory made by mkdtemp() and the directory. */
void cli_remove_scratch(const char *dir);

#endif
