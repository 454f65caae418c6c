/* The metrics kind (Prometheus panels): a finding per series past its
 * panel's warn or crit threshold. Pure functions: any thread. */
#include <math.h>
#include <stdio.h>

#include "core/kind.h"
#include "core/rules_internal.h"

static void
metric_row_finding(const struct metric_panel *p, const struct metric_row *r,
		   struct rules_list *fl)
{
	/* Higher is worse unless the crit threshold lies below warn (a hit
	 * ratio, free disk). */
	bool lower = !isnan(p->warn) && !isnan(p->crit) && p->crit < p->warn;
	enum health sev = HEALTH_OK;
	double limit = NAN;
	char key[FINDING_KEY_MAX], val[48], lim[48], label[FINDING_TEXT_MAX];

	if (isnan(r->value)) {
		return;
	}
	if (!isnan(p->crit) && (lower ? r->value < p->crit :
				r->value > p->crit)) {
		sev = HEALTH_CRIT;
		limit = p->crit;
	} else if (!isnan(p->warn) && (lower ? r->value < p->warn :
				       r->value > p->warn)) {
		sev = HEALTH_WARN;
		limit = p->warn;
	}
	if (sev == HEALTH_OK) {
		return;
	}
	if (r->label[0] != '\0') {
		snprintf(key, sizeof(key), "metric:%s:%s", p->name, r->label);
		snprintf(label, sizeof(label), " [%s]", r->label);
	} else {
		snprintf(key, sizeof(key), "metric:%s", p->name);
		label[0] = '\0';
	}
	rules_list_add(fl, sev, key, "%s%s %s (%s %s %s)", p->name, label,
		       rules_fmt_unit(p->unit, r->value, val, sizeof(val)),
		       sev == HEALTH_CRIT ? "crit" : "warn", lower ? "<" : ">",
		       rules_fmt_unit(p->unit, limit, lim, sizeof(lim)));
}

static void
metrics_derive(struct snapshot *s, struct derive *d)
{
	const struct metrics_model *m = s->data;
	size_t i, j;

	for (i = 0; i < m->n_panels; i++) {
		for (j = 0; j < m->panels[i].n_rows; j++) {
			metric_row_finding(&m->panels[i], &m->panels[i].rows[j],
					   d->findings);
		}
	}
}

static const struct action_spec *const metrics_actions[] = {
	NULL,
};

const struct kind_desc kind_metrics = {
	.kind = SNAP_METRICS,
	.name = "metrics",
	.title = "Metrics",
	.abbrev = "prom",
	.aliases = (const char *const[]){ "prometheus", NULL },
	.derive = metrics_derive,
	.actions = metrics_actions,
};
