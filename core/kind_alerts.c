/* The alerts kind: a finding per alert as Alertmanager states it (firing,
 * suppressed), and the silence actions with the silence's input. Pure
 * functions: any thread. */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <strings.h>

#include "core/kind.h"
#include "core/rules_internal.h"

/* A finding per alert, in Alertmanager's words: firing, or firing but
 * suppressed (silenced, inhibited), which does not count in the health
 * but is followed, so that a silence is never read as a resolution. */
static void
alerts_findings(const struct alerts_model *m, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX], sev[64], subject[FINDING_SUBJECT_MAX];
	struct finding *f;
	size_t i;

	for (i = 0; i < m->n_alerts; i++) {
		const struct alert_row *a = &m->alerts[i];
		const char *name = a->name[0] != '\0' ? a->name : "(unnamed)";
		bool suppressed = a->silenced || a->inhibited;

		snprintf(key, sizeof(key), "alert:%s",
			 a->fingerprint[0] != '\0' ? a->fingerprint : name);
		sev[0] = '\0';
		if (a->severity[0] != '\0') {
			snprintf(sev, sizeof(sev), " (%.40s)", a->severity);
		}
		bool crit = strcasecmp(a->severity, "critical") == 0;

		f = rules_list_add(fl, crit ? HEALTH_CRIT : HEALTH_WARN, key,
				   "alert %s firing%s%s", name, sev,
				   !suppressed ? "" : a->silenced &&
				   a->inhibited ? ", silenced and inhibited" :
				   a->silenced ? ", silenced" : ", inhibited");
		snprintf(subject, sizeof(subject), "alert %s", name);
		rules_finding_measure(f, subject, NAN, NAN, UNIT_NONE);
		f->suppressed = suppressed;
		f->since_ms = a->starts_ms;
	}
}

static void
alerts_derive(struct snapshot *s, struct derive *d)
{
	alerts_findings(s->data, d->findings);
}

/* ---- actions ------------------------------------------------------------- */

int
alerts_parse_silence(const char *arg, int64_t *dur_ms, const char **comment,
		     struct err *err)
{
	const char *p = arg;
	int64_t total = 0;
	bool any = false;

	while (*p == ' ' || *p == '\t') {
		p++;
	}
	while (*p != '\0' && *p != ' ' && *p != '\t') {
		int64_t v = 0, unit;
		int nd = 0;

		while (isdigit((unsigned char)*p)) {
			if (++nd > 7) {
				goto usage;
			}
			v = v * 10 + (*p++ - '0');
		}
		switch (nd > 0 ? *p : '\0') {
		case 's':
			unit = 1000;
			break;
		case 'm':
			unit = 60 * 1000;
			break;
		case 'h':
			unit = 3600 * 1000;
			break;
		case 'd':
			unit = 86400 * 1000;
			break;
		default:
			goto usage;
		}
		p++;
		total += v * unit;
		any = true;
	}
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	if (!any || *p == '\0') {
		goto usage;
	}
	if (total < ALERTS_SILENCE_MIN_MS || total > ALERTS_SILENCE_MAX_MS) {
		return err_set(err, "silence duration must be 1m..30d");
	}
	*dur_ms = total;
	*comment = p;
	return 0;
usage:
	return err_set(err, "usage: DURATION COMMENT, e.g. 2h deploy rollback "
		       "in progress");
}

static int
check_silence(const char *arg, struct err *err)
{
	const char *comment;
	int64_t ms;

	return alerts_parse_silence(arg, &ms, &comment, err);
}

const struct action_spec action_silence = {
	.name = "silence",
	.label = "Silence alert",
	.hint = "silence",
	.key = 'A',
	.target = TARGET_ALERT,
	.destructive = true,
	.input = "Duration and comment",
	.check_input = check_silence,
};

const struct action_spec action_expire_silence = {
	.name = "expire-silence",
	.label = "Expire silence",
	.hint = "expire silence",
	.key = 'E',
	.target = TARGET_SILENCE,
	.destructive = true,
};

static const struct action_spec *const alerts_actions[] = {
	&action_silence,
	&action_expire_silence,
	NULL,
};

const struct kind_desc kind_alerts = {
	.kind = SNAP_ALERTS,
	.name = "alerts",
	.title = "Alerts",
	.abbrev = "alerts",
	.aliases = (const char *const[]){ "alert", "am", "alertmanager", NULL },
	.derive = alerts_derive,
	.actions = alerts_actions,
};
