/* The incident's side of the command line: --incident, --severity,
 * --commander, --resume, --journal-dir and the report subcommand; the
 * journal directories; the declaration or resumption before the dashboard
 * starts, and warroom report. Main thread. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/export.h"
#include "core/incident.h"
#include "core/journal.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/cli.h"
#include "tui/cli_internal.h"
#include "tui/incident_ui.h"

/* --journal-dir, shared by the dashboard and report. Returns 1 when name
 * was it, 0 when not, -1 on a bad value. */
static int
parse_journal_dir(int argc, char *const argv[], int *i, const char *name,
		  const char *eq, struct cli_opts *o, struct err *err)
{
	const char *val;

	if (strcmp(name, "--journal-dir") != 0) {
		return 0;
	}
	val = cli_option_text(argc, argv, i, name, eq, "a directory", err);
	if (val == NULL) {
		return -1;
	}
	o->journal_dir = val;
	return 1;
}

/* The option's name without "=value", into name. */
const char *
cli_option_name(const char *arg, char *name, size_t n)
{
	const char *eq = strchr(arg, '=');

	strlcpy_safe(name, arg, eq != NULL && (size_t)(eq - arg) < n ?
		     (size_t)(eq - arg) + 1 : n);
	return eq;
}

/* warroom report ID [--postmortem | --status-update slack|email]
 * [--output FILE] [--journal-dir DIR] [--config FILE] [--demo] */
int
cli_parse_report(int argc, char *const argv[], struct cli_opts *o,
	     struct err *err)
{
	bool kind_set = false;

	o->report = true;
	o->report_kind = CLI_REPORT_POSTMORTEM;
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i], *eq, *val;
		char name[32];
		int rc;

		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			o->help = true;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0) {
			if (arg[0] == '-' || o->report_id != NULL) {
				return err_set(err, "unexpected argument "
					       "'%.64s'", arg);
			}
			o->report_id = arg;
			continue;
		}
		eq = cli_option_name(arg, name, sizeof(name));
		if ((rc = parse_journal_dir(argc, argv, &i, name, eq, o,
					    err)) != 0) {
			if (rc < 0) {
				return -1;
			}
		} else if (strcmp(name, "--postmortem") == 0 && eq == NULL) {
			if (kind_set &&
			    o->report_kind != CLI_REPORT_POSTMORTEM) {
				return err_set(err, "choose one of "
					       "--postmortem and "
					       "--status-update");
			}
			kind_set = true;
		} else if (strcmp(name, "--status-update") == 0) {
			val = cli_option_value(argc, argv, &i, name,
					       eq ? eq + 1 : NULL, err);
			if (val == NULL) {
				return -1;
			}
			if (kind_set) {
				return err_set(err, "choose one of "
					       "--postmortem and "
					       "--status-update");
			}
			if (strcmp(val, "slack") == 0) {
				o->report_kind = CLI_REPORT_SLACK;
			} else if (strcmp(val, "email") == 0) {
				o->report_kind = CLI_REPORT_EMAIL;
			} else {
				return err_set(err, "--status-update wants "
					       "slack or email, not '%.32s'",
					       val);
			}
			kind_set = true;
		} else if (strcmp(name, "--output") == 0) {
			val = cli_option_text(argc, argv, &i, name, eq,
					      "a file", err);
			if (val == NULL) {
				return -1;
			}
			o->output = val;
		} else if (strcmp(name, "--config") == 0) {
			val = cli_option_text(argc, argv, &i, name, eq,
					      "a file", err);
			if (val == NULL) {
				return -1;
			}
			o->config_path = val;
		} else if (strcmp(name, "--demo") == 0 && eq == NULL) {
			o->demo = true;
		} else {
			return err_set(err, "report: unknown option '%.64s'",
				       arg);
		}
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

/* The incident options of the dashboard. Returns 1 when name was one, 0
 * when not, -1 on a bad value. */
int
cli_parse_incident_option(int argc, char *const argv[], int *i,
		      const char *name, const char *eq, struct cli_opts *o,
		      struct err *err)
{
	const char *val;
	int sev;

	if (strcmp(name, "--incident") != 0 &&
	    strcmp(name, "--severity") != 0 &&
	    strcmp(name, "--commander") != 0 &&
	    strcmp(name, "--resume") != 0) {
		return parse_journal_dir(argc, argv, i, name, eq, o, err);
	}
	val = cli_option_value(argc, argv, i, name, eq ? eq + 1 : NULL, err);
	if (val == NULL) {
		return -1;
	}
	if (strcmp(name, "--incident") == 0) {
		if (val[0] == '\0') {
			return err_set(err, "--incident needs a title");
		}
		o->incident = val;
	} else if (strcmp(name, "--severity") == 0) {
		sev = incident_sev_parse(val);
		if (sev < 0) {
			return err_set(err, "--severity wants P0, P1, P2 or "
				       "P3, not '%.32s'", val);
		}
		o->severity = sev;
		o->severity_set = true;
	} else if (strcmp(name, "--commander") == 0) {
		if (val[0] == '\0') {
			return err_set(err, "--commander needs a name");
		}
		o->commander = val;
	} else {
		if (!incident_id_valid(val)) {
			return err_set(err, "--resume wants an incident id "
				       "(INC-YYYYMMDD-NNN), not '%.40s'", val);
		}
		o->resume = val;
	}
	return 1;
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
	free(dir);
	if (rc < 0) {
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
		rc = export_postmortem(&info, recs, n, f);
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
	       char **scratch, char *warn, size_t warn_n, struct err *err)
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
			if (o->severity_set &&
			    (int)info.severity != o->severity) {
				incident_set_severity(inc, (enum incident_sev)
						      o->severity, NULL, NULL);
			}
			if (o->commander != NULL &&
			    strcmp(info.commander, o->commander) != 0) {
				incident_set_commander(inc, NULL,
						       o->commander);
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

