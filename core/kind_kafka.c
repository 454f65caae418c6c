/* The kafka kind: consumer groups whose lag is large and growing. Pure
 * functions: any thread. */
#include <math.h>
#include <stdio.h>

#include "core/kind.h"
#include "core/rules_internal.h"

static void
kafka_findings(const struct kafka_model *m, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX], lag[32], rate[32], topic[FINDING_TEXT_MAX];
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
		rules_list_add(fl, g->total_lag > rules_threshold(
					   TH_KAFKA_LAG_CRIT) ?
			       HEALTH_CRIT : HEALTH_WARN, key,
			       "group %s lag %s and growing %s/s%s", g->group,
			       rules_fmt_count(g->total_lag, lag, sizeof(lag)),
			       rules_fmt_count(g->lag_per_s, rate,
					       sizeof(rate)),
			       topic);
	}
}

static void
kafka_derive(struct snapshot *s, struct derive *d)
{
	kafka_findings(s->data, d->findings);
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
	.actions = kafka_actions,
};
