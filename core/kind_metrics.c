/* The metrics kind (Prometheus panels): a finding per series past its
 * panel's warn or crit threshold. Pure functions: any thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

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
	char key[FINDING_KEY_MAX], cmp[96], label[FINDING_TEXT_MAX];
	char subject[FINDING_SUBJECT_MAX];
	struct finding *f;

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
	snprintf(subject, sizeof(subject), "%s%s", p->name, label);
	f = rules_list_add(fl, sev, key, "%s %s (%s)", subject,
			   rules_fmt_cmp(p->unit, r->value, lower ? "<" : ">",
					 limit, cmp, sizeof(cmp)),
			   sev == HEALTH_CRIT ? "crit" : "warn");
	rules_finding_measure(f, subject, r->value, limit, p->unit);
	f->lower_is_worse = lower;
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

/* "metric:PANEL" or "metric:PANEL:LABEL" -> its row in m, or NULL. */
static const struct metric_row *
row_of(const struct metrics_model *m, const char *key,
       const struct metric_panel **panel)
{
	size_t i, j, len;

	key += strlen("metric:");
	for (i = 0; i < m->n_panels; i++) {
		const struct metric_panel *p = &m->panels[i];

		len = strlen(p->name);
		if (strncmp(key, p->name, len) != 0 ||
		    (key[len] != '\0' && key[len] != ':')) {
			continue;
		}
		for (j = 0; j < p->n_rows; j++) {
			const char *want = key[len] == ':' ? key + len + 1 : "";

			if (strcmp(p->rows[j].label, want) == 0) {
				*panel = p;
				return &p->rows[j];
			}
		}
	}
	return NULL;
}

static double
metrics_cleared(const struct snapshot *s, const char *key, char *buf,
		size_t n)
{
	const struct metrics_model *m = snapshot_metrics(s);
	const struct metric_panel *p = NULL;
	const struct metric_row *r;
	char val[48];

	if (m == NULL || strncmp(key, "metric:", 7) != 0 ||
	    (r = row_of(m, key, &p)) == NULL) {
		return NAN;
	}
	if (isnan(r->value)) {
		snprintf(buf, n, "%s%s%s%s: no data", p->name,
			 r->label[0] ? " [" : "", r->label,
			 r->label[0] ? "]" : "");
		return NAN;
	}
	snprintf(buf, n, "%s%s%s%s %s", p->name, r->label[0] ? " [" : "",
		 r->label, r->label[0] ? "]" : "",
		 rules_fmt_unit(p->unit, r->value, val, sizeof(val)));
	return r->value;
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
	.cleared = metrics_cleared,
	.actions = metrics_actions,
};
