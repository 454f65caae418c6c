/* The demo's Prometheus panels (5xx ratio, p95/p99 latency, request rate,
 * SLO burn) and Kafka consumer groups (billing-consumer falling behind
 * from t = 30 s). Pure functions of scenario time and the applied
 * actions; any thread, on a private copy of the state. */
#include <math.h>
#include <string.h>

#include "probes/demo_sim.h"
#include "probes/prometheus.h"

/* Kafka lag history: 5 minutes at 5 s. */
#define HISTORY_N 60
#define HISTORY_STEP 5.0
/* The panels look like the real probe's: a value that moves once per
 * scrape (Prometheus's usual 15 s interval), not on every poll, and 30
 * minutes of history at PROM_STEP_S. */
#define SCRAPE_S 15.0
#define PANEL_HISTORY_N (PROM_RANGE_S / PROM_STEP_S + 1)

enum series_id {
	S_ERR_API,
	S_ERR_WEB,
	S_ERR_BILLING,
	S_P95,
	S_P99,
	S_RATE,
	S_BURN,
	S_LAG_BILLING,
	S_LAG_SEARCH,
	S_LAG_INVOICES,
};

double
demo_err_ratio(const struct demo_sim *sim, const char *service, double t)
{
	if (strcmp(service, "api") == 0) {
		return 0.002 + 0.068 * demo_api_badness(sim, t);
	}
	if (strcmp(service, "web") == 0) {
		return 0.0012 + 0.006 * demo_api_badness(sim, t);
	}
	if (strcmp(service, "billing") == 0) {
		return 0.0015 + 0.03 * demo_pg_lock_effect(sim, t);
	}
	return NAN;
}

/* Lag of billing-consumer: more payments while api retries (surge), a
 * consumer stuck on the locked accounts table (block), a fast catch-up
 * once both are over. */
double
demo_kafka_billing_lag(const struct demo_sim *sim, double t, double *rate)
{
	double surge_end = demo_api_fix_time(sim) + 10;
	double block_end = demo_pg_release_time(sim);
	double pts[5] = { 40, surge_end, block_end, t, t };
	double lag = 0, a = 30, r = 0;
	size_t i, j;

	if (rate) {
		*rate = 0;
	}
	if (t <= 30) {
		return 0;
	}
	/* sort the few breakpoints */
	for (i = 0; i < 5; i++) {
		for (j = i + 1; j < 5; j++) {
			if (pts[j] < pts[i]) {
				double x = pts[i];

				pts[i] = pts[j];
				pts[j] = x;
			}
		}
	}
	for (i = 0; i < 5 && a < t; i++) {
		double b = pts[i] < t ? pts[i] : t;
		double mid = (a + b) / 2;
		bool surge = mid < surge_end;
		bool block = mid >= 40 && mid < block_end;

		if (b <= a) {
			continue;
		}
		r = (surge ? 400 : 0) + (block ? 1100 : 0);
		if (!surge && !block) {
			r = -3000;
		}
		lag += r * (b - a);
		if (lag < 0) {
			lag = 0;
		}
		a = b;
	}
	if (rate) {
		*rate = lag > 0 || r > 0 ? r : 0;
	}
	return lag;
}

static const double billing_weights[6] = {
	0.22, 0.18, 0.15, 0.17, 0.12, 0.16,
};

/* Lag of billing-consumer's partition p, as the group reports it. */
static double
billing_partition_lag(const struct demo_sim *sim, double t, int p)
{
	double base = floor(5 + 10 * (1 + demo_vnoise(
					     demo_hash(0xb111, (uint64_t)p), t,
					     2)));

	return floor(demo_kafka_billing_lag(sim, t, NULL) *
		     billing_weights[p]) + base;
}

/* Lag of search-indexer's partition p: a few messages, never behind. */
static double
search_partition_lag(double t, int p)
{
	return floor(20 * demo_noise01(demo_hash(0x5ea, (uint64_t)p),
				       (int64_t)floor(t / 2)));
}

static double
series_at(const struct demo_sim *sim, double t, const void *arg)
{
	enum series_id id = *(const enum series_id *)arg;
	uint64_t nz = demo_hash(0x5e7, (uint64_t)id);
	double bad = demo_api_badness(sim, t);
	double lock = demo_pg_lock_effect(sim, t);

	switch (id) {
	case S_ERR_API:
		return demo_err_ratio(sim, "api", t) *
		       (1 + 0.08 * demo_vnoise(nz, t, 4));
	case S_ERR_WEB:
		return demo_err_ratio(sim, "web", t) *
		       (1 + 0.1 * demo_vnoise(nz, t, 4));
	case S_ERR_BILLING:
		return demo_err_ratio(sim, "billing", t) *
		       (1 + 0.1 * demo_vnoise(nz, t, 4));
	case S_P95:
		return (0.18 + 2.62 * bad + 0.15 * lock) *
		       (1 + 0.03 * demo_vnoise(nz, t, 3));
	case S_P99:
		return (0.42 + 4.2 * bad + 0.5 * lock) *
		       (1 + 0.04 * demo_vnoise(nz, t, 3));
	case S_RATE:
		return 1480 * (1 - 0.32 * bad) *
		       (1 + 0.03 * demo_vnoise(nz, t, 6));
	case S_BURN:
		/* 99.9 % availability: the error budget is 0.1 % */
		return demo_err_ratio(sim, "api", t) / 0.001 *
		       (1 + 0.08 * demo_vnoise(demo_hash(0x5e7, S_ERR_API), t,
					       4));
	case S_LAG_BILLING: {
		double sum = 0;
		int p;

		for (p = 0; p < 6; p++) {
			sum += billing_partition_lag(sim, t, p);
		}
		return sum;
	}
	case S_LAG_SEARCH:
		return search_partition_lag(t, 0) + search_partition_lag(t, 1) +
		       search_partition_lag(t, 2);
	case S_LAG_INVOICES:
		return 12;
	}
	return NAN;
}

struct row_def {
	const char *label;
	enum series_id id;
};

struct panel_def {
	const char *name;
	const char *expr;
	enum metric_unit unit;
	double warn;
	double crit;
	struct row_def rows[3];
	size_t n_rows;
};

static const struct panel_def panel_defs[] = {
	{
		"5xx ratio",
		"sum by (service) (rate(http_requests_total{namespace=\"prod\","
		"code=~\"5..\"}[1m])) / sum by (service) "
		"(rate(http_requests_total{namespace=\"prod\"}[1m]))",
		UNIT_RATIO, 0.01, 0.05,
		{ { "api", S_ERR_API }, { "web", S_ERR_WEB },
		  { "billing", S_ERR_BILLING } },
		3,
	},
	{
		"p95 latency",
		"histogram_quantile(0.95, sum by (le) (rate("
		"http_request_duration_seconds_bucket{namespace=\"prod\"}"
		"[1m])))",
		UNIT_SECONDS, 2, NAN,
		{ { "", S_P95 } },
		1,
	},
	{
		"p99 latency",
		"histogram_quantile(0.99, sum by (le) (rate("
		"http_request_duration_seconds_bucket{namespace=\"prod\"}"
		"[1m])))",
		UNIT_SECONDS, 2.5, NAN,
		{ { "", S_P99 } },
		1,
	},
	{
		"request rate",
		"sum(rate(http_requests_total{namespace=\"prod\"}[1m]))",
		UNIT_PER_SECOND, NAN, NAN,
		{ { "", S_RATE } },
		1,
	},
	{
		"SLO burn rate",
		"sum by (slo) (slo:sli_error:ratio_rate5m{service=\"api\"}) / "
		"0.001  # budget 0.1 % → 14.4× burns it in 2 days",
		UNIT_NONE, 6, 14.4,
		{ { "api availability 99.9 % · 30 d", S_BURN } },
		1,
	},
};

#define N_PANELS (sizeof(panel_defs) / sizeof(*panel_defs))

void *
demo_build_metrics(struct snapshot *s, const struct demo_sim *sim, double t)
{
	struct metrics_model *m = snapshot_alloc(s, sizeof(*m));
	double scraped = floor(t / SCRAPE_S) * SCRAPE_S;
	size_t p, r;

	m->panels = snapshot_alloc(s, N_PANELS * sizeof(*m->panels));
	m->n_panels = N_PANELS;
	for (p = 0; p < N_PANELS; p++) {
		const struct panel_def *d = &panel_defs[p];
		struct metric_panel *o = &m->panels[p];

		o->name = snapshot_strdup(s, d->name);
		o->expr = snapshot_strdup(s, d->expr);
		o->unit = d->unit;
		o->warn = d->warn;
		o->crit = d->crit;
		o->rows = snapshot_alloc(s, d->n_rows * sizeof(*o->rows));
		o->n_rows = d->n_rows;
		for (r = 0; r < d->n_rows; r++) {
			struct metric_row *row = &o->rows[r];

			row->label = snapshot_strdup(s, d->rows[r].label);
			row->value = series_at(sim, scraped, &d->rows[r].id);
			row->error = snapshot_strdup(s, "");
			demo_history(s, &row->history, PANEL_HISTORY_N,
				     PROM_STEP_S, scraped, series_at, sim,
				     &d->rows[r].id);
		}
	}
	return m;
}

/* ---- Kafka ---- */

static void
group_history(struct snapshot *s, struct kafka_group *g,
	      const struct demo_sim *sim, double t, const enum series_id *id)
{
	demo_history(s, &g->lag_history, HISTORY_N, HISTORY_STEP, t, series_at,
		     sim, id);
}

void *
demo_build_kafka(struct snapshot *s, const struct demo_sim *sim, double t)
{
	static const enum series_id lag_billing = S_LAG_BILLING;
	static const enum series_id lag_search = S_LAG_SEARCH;
	static const enum series_id lag_invoices = S_LAG_INVOICES;
	struct kafka_model *m = snapshot_alloc(s, sizeof(*m));
	struct kafka_group *g;
	double rate, tp = t > 0 ? t : 0;
	int p;

	m->bootstrap = snapshot_strdup(s, "kafka-0.kafka.prod.svc:9092,"
					  "kafka-1.kafka.prod.svc:9092,"
					  "kafka-2.kafka.prod.svc:9092");
	m->brokers_up = 3;
	m->brokers_total = 3;
	m->groups = snapshot_alloc(s, 3 * sizeof(*m->groups));
	m->n_groups = 3;

	/* billing-consumer on payments: the one falling behind */
	g = &m->groups[0];
	demo_kafka_billing_lag(sim, t, &rate);
	g->group = snapshot_strdup(s, "billing-consumer");
	g->topic = snapshot_strdup(s, "payments");
	g->state = snapshot_strdup(s, "Stable");
	g->partitions = snapshot_alloc(s, 6 * sizeof(*g->partitions));
	g->n_partitions = 6;
	for (p = 0; p < 6; p++) {
		struct kafka_partition *kp = &g->partitions[p];

		kp->partition = p;
		kp->lag = billing_partition_lag(sim, t, p);
		kp->high = floor(12000000.0 * (p + 1) +
				 250 * (1 + 0.1 * p) * tp);
		kp->committed = kp->high - kp->lag;
		g->total_lag += kp->lag;
	}
	g->lag_per_s = rate + 5 * demo_vnoise(0xb112, t, 2);
	group_history(s, g, sim, t, &lag_billing);

	/* search-indexer on catalog: healthy */
	g = &m->groups[1];
	g->group = snapshot_strdup(s, "search-indexer");
	g->topic = snapshot_strdup(s, "catalog");
	g->state = snapshot_strdup(s, "Stable");
	g->partitions = snapshot_alloc(s, 3 * sizeof(*g->partitions));
	g->n_partitions = 3;
	for (p = 0; p < 3; p++) {
		struct kafka_partition *kp = &g->partitions[p];

		kp->partition = p;
		kp->lag = search_partition_lag(t, p);
		kp->high = floor(4100000.0 + 900000.0 * p + 40 * tp);
		kp->committed = kp->high - kp->lag;
		g->total_lag += kp->lag;
	}
	g->lag_per_s = 0.5 * demo_vnoise(0x5eb, t, 3);
	group_history(s, g, sim, t, &lag_search);

	/* An idle archiver with one partition never committed. */
	g = &m->groups[2];
	g->group = snapshot_strdup(s, "rechnungsprüfung");
	g->topic = snapshot_strdup(s, "invoices");
	g->state = snapshot_strdup(s, "Empty");
	g->partitions = snapshot_alloc(s, 2 * sizeof(*g->partitions));
	g->n_partitions = 2;
	g->partitions[0].partition = 0;
	g->partitions[0].high = 88424;
	g->partitions[0].committed = 88412;
	g->partitions[0].lag = 12;
	g->partitions[1].partition = 1;
	g->partitions[1].high = 90127;
	g->partitions[1].committed = NAN;
	g->partitions[1].lag = NAN;
	g->total_lag = 12;
	g->lag_per_s = 0;
	group_history(s, g, sim, t, &lag_invoices);
	return m;
}
