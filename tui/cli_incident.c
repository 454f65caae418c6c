/* The incident's side of the command line: --incident, --severity,
 * --commander, --resume, --journal-dir and the report subcommand; the
 * journal directories; the declaration or resumption before the dashboard
 * starts, and warroom report. Main thread. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/export.h"
#include "core/incident.h"
#include "core/journal.h"
#include "core/rules.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/cli.h"
#include "tui/cli_internal.h"
#include "tui/incident_ui.h"

static int
set_severity(struct cli_parse *p, const char *val, struct err *err)
{
	int sev = incident_sev_parse(val);

	if (sev < 0) {
		return err_set(err, "--severity wants P0, P1, P2 or P3, not "
			       "'%.32s'", val);
	}
	p->o->severity = sev;
	p->o->severity_set = true;
	return 0;
}

static int
set_resume(struct cli_parse *p, const char *val, struct err *err)
{
	if (!incident_id_valid(val)) {
		return err_set(err, "--resume wants an incident id "
			       "(INC-YYYYMMDD-NNN), not '%.40s'", val);
	}
	p->o->resume = val;
	return 0;
}

/* --postmortem (the default, so it may be repeated) or --status-update:
 * one of the two. */
static int
set_postmortem(struct cli_parse *p, const char *val, struct err *err)
{
	(void)val;
	if (p->kind_set && p->o->report_kind != CLI_REPORT_POSTMORTEM) {
		return err_set(err, "choose one of --postmortem and "
			       "--status-update");
	}
	p->kind_set = true;
	return 0;
}

static int
set_status_update(struct cli_parse *p, const char *val, struct err *err)
{
	if (p->kind_set) {
		return err_set(err, "choose one of --postmortem and "
			       "--status-update");
	}
	if (strcmp(val, "slack") == 0) {
		p->o->report_kind = CLI_REPORT_SLACK;
	} else if (strcmp(val, "email") == 0) {
		p->o->report_kind = CLI_REPORT_EMAIL;
	} else {
		return err_set(err, "--status-update wants slack or email, "
			       "not '%.32s'", val);
	}
	p->kind_set = true;
	return 0;
}

/* The incident's options, of the dashboard and of warroom report. */
const struct cli_option cli_incident_options[] = {
	{ .name = "--incident", .arg = CLI_ARG_TEXT, .needs = "a title",
	  .in = CLI_IN_DASHBOARD,
	  .field = offsetof(struct cli_opts, incident) },
	{ .name = "--severity", .arg = CLI_ARG_VALUE, .in = CLI_IN_DASHBOARD,
	  .set = set_severity },
	{ .name = "--commander", .arg = CLI_ARG_TEXT, .needs = "a name",
	  .in = CLI_IN_DASHBOARD,
	  .field = offsetof(struct cli_opts, commander) },
	{ .name = "--resume", .arg = CLI_ARG_VALUE, .in = CLI_IN_DASHBOARD,
	  .set = set_resume },
	{ .name = "--journal-dir", .arg = CLI_ARG_TEXT, .needs = "a directory",
	  .in = CLI_IN_DASHBOARD | CLI_IN_REPORT,
	  .field = offsetof(struct cli_opts, journal_dir) },
	{ .name = "--postmortem", .in = CLI_IN_REPORT,
	  .set = set_postmortem },
	{ .name = "--status-update", .arg = CLI_ARG_VALUE,
	  .in = CLI_IN_REPORT, .set = set_status_update },
	{ .name = "--output", .arg = CLI_ARG_TEXT, .needs = "a file",
	  .in = CLI_IN_REPORT, .field = offsetof(struct cli_opts, output) },
	{ .name = NULL },
};

/* warroom report's one operand, the incident id. */
static int
report_other(struct cli_parse *p, const char *arg, struct err *err)
{
	if (strncmp(arg, "--", 2) == 0) {
		return err_set(err, "report: unknown option '%.64s'", arg);
	}
	if (arg[0] == '-' || p->o->report_id != NULL) {
		return err_set(err, "unexpected argument '%.64s'", arg);
	}
	p->o->report_id = arg;
	return 0;
}

/* warroom report ID [--postmortem | --status-update slack|email]
 * [--output FILE] [--journal-dir DIR] [--config FILE] [--demo] */
int
cli_parse_report(int argc, char *const argv[], struct cli_opts *o,
		 struct err *err)
{
	struct cli_parse p = { .o = o, .command = CLI_IN_REPORT };

	o->report = true;
	o->report_kind = CLI_REPORT_POSTMORTEM;
	if (cli_parse_options(&p, argc, argv, 2, report_other, err) < 0) {
		return -1;
	}
	if (o->help) {
		return 0;
	}
	if (o->report_id == NULL) {
		return err_set(err, "report needs an incident id "
			       "(INC-YYYYMMDD-NNN)");
	}
	if (!incident_id_valid(o->report_id)) {
		return err_set(err, "'%.40s' is not an incident id "
			       "(INC-YYYYMMDD-NNN)", o->report_id);
	}
	return 0;
}

/* The policy, journal directory and Slack webhook file of the [incident]
 * section (defaults without one). Returns 0, or -1 with err set. */
static int
incident_config(const struct config *cfg, struct incident_policy *pol,
		const char **journal_dir, const char **webhook_file,
		struct err *err)
{
	const struct config_section *sec = &cfg->incident;

	incident_policy_default(pol);
	*journal_dir = config_get(sec, "journal_dir");
	*webhook_file = config_get(sec, "slack_webhook_file");
	/* In file order: a later "escalations" replaces the list. */
	for (size_t i = 0; i < sec->n_kv; i++) {
		const struct config_kv *kv = &sec->kv[i];
		struct err why;

		if (strcmp(kv->key, "journal_dir") == 0 ||
		    strcmp(kv->key, "slack_webhook_file") == 0) {
			continue;
		}
		if (incident_policy_set(pol, kv->key, kv->value, &why) < 0) {
			return err_set(err, "%s:%d: %s in [incident]",
				       cfg->path ? cfg->path : "config",
				       kv->line, why.msg);
		}
	}
	return 0;
}

char *
cli_journal_dir(const struct cli_opts *o, const struct config *cfg,
		bool demo)
{
	struct incident_policy pol;
	const char *dir = NULL, *hook;
	struct err err;
	char *def;
	size_t len;

	if (o->journal_dir != NULL) {
		return xstrdup(o->journal_dir);
	}
	if (!demo && incident_config(cfg, &pol, &dir, &hook, &err) == 0 &&
	    dir != NULL) {
		return xstrdup(dir);
	}
	def = incident_default_dir();
	if (!demo) {
		return def;
	}
	/* .../warroom/incidents -> .../warroom/demo/incidents */
	len = strlen(def);
	if (len >= 10 && strcmp(def + len - 10, "/incidents") == 0) {
		char *d;

		def[len - 10] = '\0';
		d = xasprintf("%s/demo/incidents", def);
		free(def);
		return d;
	}
	return def;
}

int
cli_report(const struct cli_opts *o, const struct config *cfg, FILE *out,
	   struct err *err)
{
	struct incident_policy pol;
	struct incident_info info;
	struct journal_load_report rep;
	struct journal_rec *recs = NULL;
	const char *dir_cfg, *hook;
	char *dir;
	FILE *f = out;
	size_t n = 0;
	int rc, fd;

	if (incident_config(cfg, &pol, &dir_cfg, &hook, err) < 0) {
		return -1;
	}
	dir = cli_journal_dir(o, cfg, o->demo);
	rc = incident_load(dir, o->report_id, &pol, &info, &recs, &n, &rep,
			   err);
	if (rc < 0) {
		free(dir);
		return -1;
	}
	if (rep.msg[0] != '\0') {
		fprintf(stderr, "warroom: %s\n", rep.msg);
	}
	if (o->output != NULL) {
		fd = open(o->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0600);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (f == NULL) {
			rc = err_set(err, "%s: %s", o->output, strerror(errno));
			if (fd >= 0) {
				close(fd);
			}
			goto out;
		}
	}
	if (o->report_kind == CLI_REPORT_POSTMORTEM) {
		struct export_related *rel = NULL;
		size_t n_rel = incident_related(dir, o->report_id, recs, n,
						&rel);

		rc = export_postmortem(&info, recs, n, rel, n_rel, f);
		free(rel);
	} else {
		rc = export_status_update(&info, recs, n, info.last_update_ms,
					  clock_wall_ms(),
					  o->report_kind == CLI_REPORT_SLACK ?
					  EXPORT_SLACK : EXPORT_EMAIL, f);
	}
	if (f != out) {
		if (fclose(f) != 0) {
			rc = -1;
		}
	} else if (fflush(f) != 0) {
		rc = -1;
	}
	if (rc < 0) {
		err_set(err, "%s: %s", o->output ? o->output : "stdout",
			strerror(errno));
	}
out:
	free(dir);
	journal_recs_free(recs, n);
	incident_info_finish(&info);
	return rc;
}

/* Removes the files of a directory made by mkdtemp() and the directory. */
void
cli_remove_scratch(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0) {
			continue;
		}
		p = xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	if (d != NULL) {
		closedir(d);
	}
	rmdir(dir);
}

/* The incident side of the dashboard: declares (--incident, the demo) or
 * resumes (--resume) before the UI starts; these wait for the disk, which
 * is fine here. --demo --snapshot without --journal-dir declares into a
 * scratch directory (*scratch, removed at exit). Returns NULL with err set
 * when the operator's --incident or --resume failed. */
struct incident_ui *
cli_incident_start(const struct cli_opts *o, const struct config *cfg,
		   struct state *st, struct timeline *tl, struct actions *act,
		   struct rules_tracker *tracker, char **scratch, char *warn,
		   size_t warn_n, struct err *err)
{
	struct incident_ui_opts io;
	struct incident_policy pol;
	struct incident_ui *iu;
	const char *dir_cfg, *hook;
	char *dir, *demo_dir;
	int rc = 0;

	if (incident_config(cfg, &pol, &dir_cfg, &hook, err) < 0) {
		return NULL;
	}
	for (size_t i = 0; tracker != NULL && i < pol.n_holds; i++) {
		rules_tracker_set_hold(tracker, pol.holds[i].rule,
				       pol.holds[i].ms);
	}
	if (o->snapshot && o->demo && o->journal_dir == NULL) {
		char tmpl[] = "/tmp/warroom-snapshot-XXXXXX";

		if (mkdtemp(tmpl) == NULL) {
			err_set(err, "cannot make a scratch directory: %s",
				strerror(errno));
			return NULL;
		}
		*scratch = xstrdup(tmpl);
		dir = xstrdup(tmpl);
		demo_dir = xstrdup(tmpl);
	} else {
		dir = cli_journal_dir(o, cfg, false);
		demo_dir = cli_journal_dir(o, cfg, true);
	}
	memset(&io, 0, sizeof(io));
	io.dir = o->demo ? demo_dir : dir;
	io.demo_dir = demo_dir;
	io.pol = &pol;
	io.slack_webhook_file = hook;
	io.quiet = o->snapshot;
	io.tracker = tracker;
	iu = incident_ui_new(st, tl, act, &io);
	free(dir);
	free(demo_dir);

	if (o->incident != NULL) {
		rc = incident_ui_declare_now(iu, o->incident,
					     (enum incident_sev)o->severity,
					     o->commander, err);
	} else if (o->resume != NULL) {
		rc = incident_ui_resume_now(iu, o->resume, err);
		if (rc == 0) {
			struct incident *inc = incident_ui_incident(iu);
			struct incident_info info;

			incident_get(inc, &info);
			/* Refused for a resolved incident; the operator
			 * sees its state in the header. */
			if (o->severity_set &&
			    (int)info.severity != o->severity) {
				incident_set_severity(inc, (enum incident_sev)
						      o->severity, NULL, NULL);
			}
			if (o->commander != NULL &&
			    strcmp(info.commander, o->commander) != 0) {
				incident_set_commander(inc, NULL,
						       o->commander, NULL);
			}
			incident_info_finish(&info);
		}
	} else if (o->demo) {
		struct err derr = { { 0 } };

		/* The demo runs without its incident if this fails; the
		 * status line says so. */
		if (incident_ui_declare_now(iu, INCIDENT_UI_DEMO_TITLE,
					    INCIDENT_UI_DEMO_SEVERITY, NULL,
					    &derr) < 0) {
			snprintf(warn, warn_n, "demo incident not declared: "
				 "%s", derr.msg);
		}
	}
	if (rc < 0) {
		incident_ui_free(iu);
		return NULL;
	}
	return iu;
}

