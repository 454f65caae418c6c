/* The kafka kind: consumer groups whose lag is large and growing. Pure
 * functions: any thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules_internal.h"

static void
kafka_findings(const struct kafka_model *m, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX], cmp[64], rate[32], topic[FINDING_TEXT_MAX];
	char subject[FINDING_SUBJECT_MAX];
	struct finding *f;
	size_t i;

	for (i = 0; i < m->n_groups; i++) {
		const struct kafka_group *g = &m->groups[i];

		if (isnan(g->lag_per_s) || g->lag_per_s <= 0 ||
		    isnan(g->total_lag) ||
		    g->total_lag <= rules_threshold(TH_KAFKA_LAG_WARN)) {
			continue;
		}
		snprintf(key, sizeof(key), "kafka-lag:%s/%s", g->group,
			 g->topic);
		topic[0] = '\0';
		if (g->topic[0] != '\0') {
			snprintf(topic, sizeof(topic), " (topic %s)", g->topic);
		}
		{
			bool crit = g->total_lag > rules_threshold(
				TH_KAFKA_LAG_CRIT);
			double th = rules_threshold(crit ? TH_KAFKA_LAG_CRIT :
						    TH_KAFKA_LAG_WARN);

			f = rules_list_add(fl, crit ? HEALTH_CRIT :
					   HEALTH_WARN, key, "group %s lag %s "
					   "messages and growing %s/s%s",
					   g->group,
					   rules_fmt_cmp(UNIT_NONE,
							 g->total_lag, ">", th,
							 cmp, sizeof(cmp)),
					   rules_fmt_count(g->lag_per_s, rate,
							   sizeof(rate)),
					   topic);
			snprintf(subject, sizeof(subject), "lag of group %s",
				 g->group);
			rules_finding_measure(f, subject, g->total_lag, th,
					      UNIT_NONE);
		}
	}
}

static void
kafka_derive(struct snapshot *s, struct derive *d)
{
	kafka_findings(s->data, d->findings);
}

static double
kafka_cleared(const struct snapshot *s, const char *key, char *buf,
	      size_t n)
{
	const struct kafka_model *m = snapshot_kafka(s);
	char want[FINDING_KEY_MAX], lag[32];
	size_t i;

	for (i = 0; m != NULL && i < m->n_groups; i++) {
		const struct kafka_group *g = &m->groups[i];

		snprintf(want, sizeof(want), "kafka-lag:%s/%s", g->group,
			 g->topic);
		if (strcmp(want, key) != 0) {
			continue;
		}
		snprintf(buf, n, "group %s lag %s messages, %s",
			 g->group, isnan(g->total_lag) ? "unknown" :
			 rules_fmt_count(g->total_lag, lag, sizeof(lag)),
			 !isnan(g->lag_per_s) && g->lag_per_s > 0 ?
			 "still growing" : "not growing");
		return g->total_lag;
	}
	return NAN;
}

static const struct action_spec *const kafka_actions[] = {
	NULL,
};

const struct kind_desc kind_kafka = {
	.kind = SNAP_KAFKA,
	.name = "kafka",
	.title = "Kafka",
	.abbrev = "kafka",
	.derive = kafka_derive,
	.cleared = kafka_cleared,
	.actions = kafka_actions,
};
