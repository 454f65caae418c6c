/* The Kafka pane's words for its numbers (lag, lag in seconds, offsets,
 * statuses and their colours) and a group's detail record: what
 * tui/pane_kafka.c draws with. UI thread only. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/kind.h"
#include "core/sanitize.h"
#include "tui/header.h"
#include "tui/pane_kafka_text.h"
#include "widgets/draw.h"

/* Lag growing faster than this (messages/s) is drawn as critical. */
#define LAG_RATE_CRIT 100.0

bool
pane_kafka_text_several(const struct kafka_group *g)
{
	return strchr(g->topic, ',') != NULL;
}

void
pane_kafka_text_part(const struct kafka_group *g,
		     const struct kafka_partition *pt, char *buf, size_t n)
{
	if (pane_kafka_text_several(g)) {
		snprintf(buf, n, "%s/%d", pt->topic, pt->partition);
	} else {
		snprintf(buf, n, "%d", pt->partition);
	}
}

enum role
pane_kafka_text_status_role(enum kafka_status s)
{
	return header_health_role(kafka_status_health(s), ROLE_DIM);
}

enum role
pane_kafka_text_rate_role(double r)
{
	return isnan(r) ? ROLE_DIM : r > LAG_RATE_CRIT ? ROLE_CRIT :
	       r > 0 ? ROLE_WARN : ROLE_OK;
}

enum role
pane_kafka_text_lag_role(double lag)
{
	return isnan(lag) ? ROLE_DIM : lag > 100000 ? ROLE_CRIT :
	       lag > 1000 ? ROLE_WARN : ROLE_NORMAL;
}

void
pane_kafka_text_rate(double r, char *buf, size_t n)
{
	size_t o = 0;

	if (n < 2) {
		return;
	}
	if (!isnan(r) && r > 0) {
		buf[o++] = '+';
	}
	fmt_rate(r, buf + o, (int)(n - o));
}

void
pane_kafka_text_lag_time(double s, bool floor, char *buf, size_t n)
{
	char d[32];

	pane_fmt_dur_s(s, d, sizeof(d));
	pane_fits(buf, n, "%s%s", floor && !isnan(s) ?
		  (text_utf8 ? "≥" : ">=") : "", d);
}

/* Offsets are exact: they are what an operator compares. */
void
pane_kafka_text_offset(double v, char *buf, size_t n)
{
	if (isnan(v)) {
		snprintf(buf, n, "%s", pane_dash());
	} else {
		snprintf(buf, n, "%.0f", v);
	}
}

void
pane_kafka_text_detail(struct pane_buf *b, const struct kafka_model *m,
		       const struct kafka_group *g)
{
	char a[32], r[32], t[32];
	size_t i;

	pane_buf_addf(b, "consumer group %s\n\n", g->group);
	pane_buf_field(b, "status", g->status == KAFKA_NONE ? NULL :
		       kafka_status_name(g->status));
	pane_buf_field(b, "rule", g->reason);
	if (g->error[0] != '\0') {
		pane_buf_field(b, "error", g->error);
	}
	pane_buf_field(b, "topic", g->topic);
	pane_buf_field(b, "bootstrap", m->bootstrap);
	if (m->metrics_view) {
		pane_buf_field(b, "source", m->notice);
	}
	pane_buf_field(b, "state", g->state);
	if (g->members >= 0) {
		pane_buf_addf(b, "members: %d\n", g->members);
	}
	pane_buf_addf(b, "lag: %s\n", pane_fmt_num(g->total_lag, a, sizeof(a)));
	pane_kafka_text_lag_time(g->lag_s, g->lag_s_floor, t, sizeof(t));
	pane_buf_addf(b, "lag time: %s\n", t);
	pane_kafka_text_rate(g->lag_per_s, r, sizeof(r));
	pane_buf_addf(b, "lag growth: %s\n", r);
	pane_buf_addf(b, "\n%-10s %-6s %13s %13s %10s %9s\n", "PARTITION",
		      "STATUS", "COMMITTED", "LOG END", "LAG", "LAG TIME");
	for (i = 0; i < g->n_partitions; i++) {
		const struct kafka_partition *pt = &g->partitions[i];
		char name[300], cm[32], hi[32], lg[32];

		pane_kafka_text_part(g, pt, name, sizeof(name));
		if (isnan(pt->committed)) {
			snprintf(cm, sizeof(cm), "no commit");
		} else {
			pane_kafka_text_offset(pt->committed, cm, sizeof(cm));
		}
		pane_kafka_text_offset(pt->high, hi, sizeof(hi));
		pane_kafka_text_offset(pt->lag, lg, sizeof(lg));
		pane_kafka_text_lag_time(pt->lag_s, pt->lag_s_floor, t,
					 sizeof(t));
		pane_buf_addf(b, "%-10s %-6s %13s %13s %10s %9s\n", name,
			      pt->status == KAFKA_NONE ? pane_dash() :
			      kafka_status_name(pt->status), cm, hi, lg, t);
	}
	/* Who reads each partition, and the rule it was judged by. */
	for (i = 0; i < g->n_partitions; i++) {
		const struct kafka_partition *pt = &g->partitions[i];
		char name[300];

		pane_kafka_text_part(g, pt, name, sizeof(name));
		pane_buf_addf(b, "\n%s  owner %s\n%*s%s\n", name,
			      pt->owner[0] ? pt->owner : pane_dash(),
			      (int)strlen(name) + 2, "", pt->reason);
	}
}

