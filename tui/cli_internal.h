/* What tui/cli.c and tui/cli_incident.c share. Main thread. */
#ifndef WARROOM_CLI_INTERNAL_H
#define WARROOM_CLI_INTERNAL_H

#include <stddef.h>

#include "core/action.h"
#include "core/config.h"
#include "core/err.h"
#include "core/state.h"
#include "core/timeline.h"
#include "tui/cli.h"

struct incident_ui;

/* The value of option name: inline_value ("--x=v"), else the next
 * argument (advancing *i); NULL with err when there is none. */
const char *cli_option_value(int argc, char *const argv[], int *i,
			     const char *name, const char *inline_value,
			     struct err *err);

/* cli_option_value for a value that must not be empty (eq: the '=' in
 * the argument, or NULL): NULL with err "NAME needs WHAT" when it is. */
const char *cli_option_text(int argc, char *const argv[], int *i,
			    const char *name, const char *eq,
			    const char *what, struct err *err);

/* The option's name without "=value" into name; returns the '=' or NULL. */
const char *cli_option_name(const char *arg, char *name, size_t n);

/* warroom report ID [...]: argv[1] is "report". Returns 0, or -1 with
 * err. */
int cli_parse_report(int argc, char *const argv[], struct cli_opts *o,
		     struct err *err);

/* One of the dashboard's incident options at argv[*i] (name without its
 * "=value", eq its '=' or NULL). Returns 1 when taken, 0 when name is not
 * one, -1 with err on a bad value. */
int cli_parse_incident_option(int argc, char *const argv[], int *i,
			      const char *name, const char *eq,
			      struct cli_opts *o, struct err *err);

/* The incident side of the dashboard: declares (--incident, the demo) or
 * resumes (--resume) before the UI starts, waiting for the disk. --demo
 * --snapshot without --journal-dir declares into a scratch directory
 * (*scratch, for cli_remove_scratch() at exit). A demo incident that
 * cannot be declared leaves a message in warn. Returns NULL with err set
 * when the operator's --incident or --resume failed. */
struct incident_ui *cli_incident_start(const struct cli_opts *o,
				       const struct config *cfg,
				       struct state *st, struct timeline *tl,
				       struct actions *act, char **scratch,
				       char *warn, size_t warn_n,
				       struct err *err);

/* Removes the files of a directory made by mkdtemp() and the directory. */
void cli_remove_scratch(const char *dir);

#endif
