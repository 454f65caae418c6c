/* The kafka kind: each consumer group's status as the lag evaluator judged
 * it (WARN, REWIND, STALL, STOP, with the rule's numbers), brokers down and
 * under-replicated partitions; for groups nobody judged, lag that is large
 * and growing. A status that changes opens a finding of its own, so the
 * change reaches the timeline. Pure functions: any thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules_internal.h"

const char *
kafka_status_name(enum kafka_status s)
{
	switch (s) {
	case KAFKA_OK:
		return "OK";
	case KAFKA_WARN:
		return "WARN";
	case KAFKA_REWIND:
		return "REWIND";
	case KAFKA_STALL:
		return "STALL";
	case KAFKA_STOP:
		return "STOP";
	case KAFKA_NONE:
	default:
		return "";
	}
}

enum health
kafka_status_health(enum kafka_status s)
{
	switch (s) {
	case KAFKA_OK:
		return HEALTH_OK;
	case KAFKA_WARN:
	case KAFKA_REWIND:
		return HEALTH_WARN;
	case KAFKA_STALL:
	case KAFKA_STOP:
		return HEALTH_CRIT;
	case KAFKA_NONE:
	default:
		return HEALTH_UNKNOWN;
	}
}

/* A group nobody judged (a source without offsets over time): lag above
 * the runbook's threshold and growing. */
static void
lag_growing(const struct kafka_group *g, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX], cmp[64], rate[32], topic[FINDING_TEXT_MAX];
	char subject[FINDING_SUBJECT_MAX];
	struct finding *f;
	bool crit;
	double th;

	if (isnan(g->lag_per_s) || g->lag_per_s <= 0 ||
	    isnan(g->total_lag) ||
	    g->total_lag <= rules_threshold(TH_KAFKA_LAG_WARN)) {
		return;
	}
	snprintf(key, sizeof(key), "kafka-lag:%s/%s", g->group, g->topic);
	topic[0] = '\0';
	if (g->topic[0] != '\0') {
		snprintf(topic, sizeof(topic), " (topic %s)", g->topic);
	}
	crit = g->total_lag > rules_threshold(TH_KAFKA_LAG_CRIT);
	th = rules_threshold(crit ? TH_KAFKA_LAG_CRIT : TH_KAFKA_LAG_WARN);
	f = rules_list_add(fl, crit ? HEALTH_CRIT : HEALTH_WARN, key,
			   "group %s lag %s messages and growing %s/s%s",
			   g->group,
			   rules_fmt_cmp(UNIT_NONE, g->total_lag, ">", th, cmp,
					 sizeof(cmp)),
			   rules_fmt_count(g->lag_per_s, rate, sizeof(rate)),
			   topic);
	snprintf(subject, sizeof(subject), "lag of group %s", g->group);
	rules_finding_measure(f, subject, g->total_lag, th, UNIT_NONE);
}

static void
group_status(const struct kafka_group *g, struct rules_list *fl)
{
	enum health sev = kafka_status_health(g->status);
	char key[FINDING_KEY_MAX];

	if (sev < HEALTH_WARN) {
		return;
	}
	/* Lag past the runbook's critical mark makes growth critical. */
	if (g->status == KAFKA_WARN && !isnan(g->total_lag) &&
	    g->total_lag > rules_threshold(TH_KAFKA_LAG_CRIT)) {
		sev = HEALTH_CRIT;
	}
	snprintf(key, sizeof(key), "kafka:%s:%s", kafka_status_name(g->status),
		 g->group);
	rules_list_add(fl, sev, key, "%s %s", g->group,
		       g->reason != NULL ? g->reason :
		       kafka_status_name(g->status));
}

static void
kafka_derive(struct snapshot *s, struct derive *d)
{
	const struct kafka_model *m = s->data;
	size_t i;

	if (m->brokers_total > 0 && m->brokers_up < m->brokers_total) {
		rules_list_add(d->findings, HEALTH_CRIT, "kafka-brokers",
			       "%d of %d Kafka brokers down",
			       m->brokers_total - m->brokers_up,
			       m->brokers_total);
	}
	if (m->under_replicated > 0) {
		rules_list_add(d->findings, HEALTH_WARN, "kafka-urp",
			       "%d under-replicated partition%s",
			       m->under_replicated,
			       m->under_replicated == 1 ? "" : "s");
	}
	for (i = 0; i < m->n_groups; i++) {
		const struct kafka_group *g = &m->groups[i];

		if (g->status == KAFKA_NONE) {
			lag_growing(g, d->findings);
		} else {
			group_status(g, d->findings);
		}
	}
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

		/* A status that ended: what the group is now. */
		if (strncmp(key, "kafka:", 6) == 0) {
			const char *name = strchr(key + 6, ':');

			if (name == NULL || strcmp(name + 1, g->group) != 0) {
				continue;
			}
			snprintf(buf, n, "%s now %s", g->group,
				 g->reason != NULL && g->reason[0] != '\0' ?
				 g->reason : g->status == KAFKA_NONE ?
				 "not judged" : kafka_status_name(g->status));
			return g->total_lag;
		}
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
