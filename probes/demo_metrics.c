/* The demo's Prometheus panels (5xx ratio, p95/p99 latency, request rate,
 * SLO burn) and Kafka consumer groups (billing-consumer falling behind
 * from t = 30 s). Pure functions of scenario time and the applied
 * actions; any thread, on a private copy of the state. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "probes/demo_sim.h"
#include "probes/kafka_lag.h"
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
	S_LAG_ORDERS,
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

/* Lag of api's partition p of orders: api consumes orders too, and while
 * the bad deploy crash-loops its pods nobody reads them: the lag grows
 * as its pods fail (60 messages/s per partition at worst). */
#define ORDERS_PARTITIONS 4

/* The integral of the badness, second by second from 25 s to t. It is
 * exactly 1 from the end of its onset (55 s) until the fix (fix + 3) and
 * 0 from fix + 23 on: those stretches are counted, not walked, so an
 * hour of demo costs what its first minutes do. */
static double
orders_badness_sum(const struct demo_sim *sim, double t)
{
	double fix = demo_api_fix_time(sim), sum = 0;

	for (double u = 25; u < t; u += 1) {
		if (u >= 55 && u < fix + 3) {
			double k = ceil(fmin(t, fix + 3) - u);

			sum += k;
			u += k - 1;
			continue;
		}
		if (u >= fix + 23) {
			break;
		}
		sum += demo_api_badness(sim, u);
	}
	return sum;
}

static double
orders_partition_lag(const struct demo_sim *sim, double t, int p)
{
	return floor(60 * orders_badness_sum(sim, t) +
		     8 * demo_noise01(demo_hash(0x0de, (uint64_t)p),
				      (int64_t)floor(t / 2)));
}

/* At 150 s a full reindex starts writing to catalog: its log end rises
 * 600 messages/s per partition faster, and search-indexer, its pods busy
 * at their CPU limit, keeps up with only 450 of them. */
#define REINDEX_AT 150.0
#define REINDEX_IN_PER_S 600.0
#define REINDEX_OUT_PER_S 450.0

double
demo_reindex_s(double t)
{
	return t > REINDEX_AT ? t - REINDEX_AT : 0;
}

/* Lag of search-indexer's partition p: a few messages, until the reindex
 * outruns it. */
static double
search_partition_lag(double t, int p)
{
	return floor(20 * demo_noise01(demo_hash(0x5ea, (uint64_t)p),
				       (int64_t)floor(t / 2)) +
		     (REINDEX_IN_PER_S - REINDEX_OUT_PER_S) *
		     demo_reindex_s(t));
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
		return 0;
	case S_LAG_ORDERS: {
		double sum = 0;

		for (int p = 0; p < ORDERS_PARTITIONS; p++) {
			sum += orders_partition_lag(sim, t, p);
		}
		return sum;
	}
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

/* The demo's windows: the real probe's evaluator judges them, fed with
 * the scenario's offsets at the times a probe would have polled. A
 * shorter window than the probe's default, as the scenario is quick. */
#define KAFKA_WINDOW_MS 30000
#define KAFKA_STEP_S (KAFKA_WINDOW_MS / 1000.0 / KAFKA_SAMPLES_PER_WINDOW)

/* One partition of the scenario: its log end and lag at a time. */
struct demo_part {
	const char *topic;
	int partition;
	double (*high)(const struct demo_sim *sim, double t, int p);
	double (*lag)(const struct demo_sim *sim, double t, int p);
	const char *owner;
};

static double
billing_high(const struct demo_sim *sim, double t, int p)
{
	/* Faster than the lag ever grows, so commits never go back. */
	(void)sim;
	return floor(12000000.0 * (p + 1) + 400 * (1 + 0.05 * p) * t);
}

static double
billing_lag(const struct demo_sim *sim, double t, int p)
{
	return billing_partition_lag(sim, t, p);
}

static double
search_high(const struct demo_sim *sim, double t, int p)
{
	(void)sim;
	return floor(4100000.0 + 900000.0 * p + 40 * t +
		     REINDEX_IN_PER_S * demo_reindex_s(t));
}

static double
search_lag(const struct demo_sim *sim, double t, int p)
{
	(void)sim;
	return search_partition_lag(t, p);
}

/* Judges p as a probe polling every KAFKA_STEP_S up to t would have, and
 * fills out and v. */
static void
judge_part(struct snapshot *s, const struct demo_sim *sim, double t,
	   const struct demo_part *dp, int members,
	   struct kafka_partition *out, struct kafka_verdict *v)
{
	struct kafka_window w;
	char name[32];
	int k;

	memset(&w, 0, sizeof(w));
	for (k = KAFKA_WINDOW_SAMPLES - 1; k >= 0; k--) {
		double ts = t - k * KAFKA_STEP_S;
		double high = dp->high(sim, ts, dp->partition);

		kafka_window_add(&w, (int64_t)llround(ts * 1000),
				 (int64_t)(high - dp->lag(sim, ts,
							  dp->partition)),
				 (int64_t)high, KAFKA_WINDOW_MS);
	}
	snprintf(name, sizeof(name), "partition %d", dp->partition);
	kafka_lag_judge(&w, (int64_t)llround(t * 1000), KAFKA_WINDOW_MS,
			members, name, v);
	out->topic = snapshot_strdup(s, dp->topic);
	out->partition = dp->partition;
	out->high = (double)w.s[w.n - 1].high;
	out->committed = (double)w.s[w.n - 1].committed;
	out->lag = v->lag;
	out->lag_s = v->lag_s;
	out->lag_s_floor = v->lag_s_floor;
	out->owner = snapshot_strdup(s, dp->owner);
	out->status = v->status;
	out->reason = snapshot_strdup(s, v->reason);
}

/* A group of the scenario: its partitions judged, and the group from
 * them. */
static void
demo_group(struct snapshot *s, const struct demo_sim *sim, double t,
	   struct kafka_group *g, const struct demo_part *parts, int n,
	   int members, const char *state)
{
	struct kafka_verdict v[8];
	char reason[200];
	int i;

	g->topic = snapshot_strdup(s, parts[0].topic);
	g->state = snapshot_strdup(s, state);
	g->members = members;
	g->error = snapshot_strdup(s, "");
	g->partitions = snapshot_alloc(s, (size_t)n * sizeof(*g->partitions));
	g->n_partitions = (size_t)n;
	g->lag_s = NAN;
	for (i = 0; i < n; i++) {
		judge_part(s, sim, t, &parts[i], members, &g->partitions[i],
			   &v[i]);
		g->total_lag += g->partitions[i].lag;
		if (!isnan(v[i].lag_s) &&
		    (isnan(g->lag_s) || v[i].lag_s > g->lag_s)) {
			g->lag_s = v[i].lag_s;
		}
	}
	g->status = kafka_lag_group(v, (size_t)n, KAFKA_WINDOW_MS, &g->worst,
				    reason, sizeof(reason));
	g->reason = snapshot_strdup(s, reason);
}

static const struct demo_part billing_parts[6] = {
	{ "payments", 0, billing_high, billing_lag,
	  "billing-consumer-7d9f-0@10.42.1.17" },
	{ "payments", 1, billing_high, billing_lag,
	  "billing-consumer-7d9f-0@10.42.1.17" },
	{ "payments", 2, billing_high, billing_lag,
	  "billing-consumer-7d9f-1@10.42.1.18" },
	{ "payments", 3, billing_high, billing_lag,
	  "billing-consumer-7d9f-1@10.42.1.18" },
	{ "payments", 4, billing_high, billing_lag,
	  "billing-consumer-7d9f-2@10.42.1.19" },
	{ "payments", 5, billing_high, billing_lag,
	  "billing-consumer-7d9f-2@10.42.1.19" },
};

static double
orders_high(const struct demo_sim *sim, double t, int p)
{
	/* faster than the lag can grow: commits never go back */
	(void)sim;
	return floor(8000000.0 + 2000000.0 * p + 90 * t);
}

static double
orders_lag(const struct demo_sim *sim, double t, int p)
{
	return orders_partition_lag(sim, t, p);
}

static const struct demo_part orders_parts[ORDERS_PARTITIONS] = {
	{ "orders", 0, orders_high, orders_lag, "api-5c6d8f7b9-0@10.42.1.31" },
	{ "orders", 1, orders_high, orders_lag, "api-5c6d8f7b9-1@10.42.2.12" },
	{ "orders", 2, orders_high, orders_lag, "api-5c6d8f7b9-2@10.42.3.7" },
	{ "orders", 3, orders_high, orders_lag, "api-5c6d8f7b9-3@10.42.1.44" },
};

static const struct demo_part search_parts[3] = {
	{ "catalog", 0, search_high, search_lag, "search-indexer-0@10.42.2.4" },
	{ "catalog", 1, search_high, search_lag, "search-indexer-0@10.42.2.4" },
	{ "catalog", 2, search_high, search_lag, "search-indexer-1@10.42.2.9" },
};

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
	static const enum series_id lag_orders = S_LAG_ORDERS;
	struct kafka_model *m = snapshot_alloc(s, sizeof(*m));
	struct kafka_group *g;
	double rate;

	m->bootstrap = snapshot_strdup(s, "kafka-0.kafka.prod.svc:9092,"
					  "kafka-1.kafka.prod.svc:9092,"
					  "kafka-2.kafka.prod.svc:9092");
	m->brokers_up = 3;
	m->brokers_total = 3;
	m->under_replicated = 0;
	m->notice = snapshot_strdup(s, "");
	m->groups = snapshot_alloc(s, 4 * sizeof(*m->groups));
	m->n_groups = 4;

	/* billing-consumer on payments: the one falling behind */
	g = &m->groups[0];
	g->group = snapshot_strdup(s, "billing-consumer");
	demo_group(s, sim, t, g, billing_parts, 6, 3, "Stable");
	demo_kafka_billing_lag(sim, t, &rate);
	g->lag_per_s = rate + 5 * demo_vnoise(0xb112, t, 2);
	group_history(s, g, sim, t, &lag_billing);

	/* search-indexer on catalog: healthy */
	g = &m->groups[1];
	g->group = snapshot_strdup(s, "search-indexer");
	demo_group(s, sim, t, g, search_parts, 3, 2, "Stable");
	g->lag_per_s = 0.5 * demo_vnoise(0x5eb, t, 3);
	group_history(s, g, sim, t, &lag_search);

	/* An idle archiver, caught up, with one partition never committed. */
	g = &m->groups[2];
	g->group = snapshot_strdup(s, "rechnungsprüfung");
	g->topic = snapshot_strdup(s, "invoices");
	g->state = snapshot_strdup(s, "Empty");
	g->members = 0;
	g->error = snapshot_strdup(s, "");
	g->partitions = snapshot_alloc(s, 2 * sizeof(*g->partitions));
	g->n_partitions = 2;
	g->partitions[0] = (struct kafka_partition){
		0, 88424, 88424, 0, .topic = g->topic, .lag_s = 0,
		.owner = snapshot_strdup(s, ""), .status = KAFKA_OK,
		.reason = snapshot_strdup(s, "OK: partition 0 lag 0"),
	};
	g->partitions[1] = (struct kafka_partition){
		1, NAN, 90127, NAN, .topic = g->topic, .lag_s = NAN,
		.owner = g->partitions[0].owner, .status = KAFKA_NONE,
		.reason = snapshot_strdup(s, "partition 1: no commit"),
	};
	g->total_lag = 0;
	g->lag_s = 0;
	g->status = KAFKA_OK;
	g->worst = 0;
	g->reason = snapshot_strdup(s, "OK: lag 0 over 1 partition, 1 without "
				    "a commit, no rule fired");
	g->lag_per_s = 0;
	group_history(s, g, sim, t, &lag_invoices);

	/* api on orders: behind while the bad deploy crash-loops its pods */
	g = &m->groups[3];
	g->group = snapshot_strdup(s, "api");
	demo_group(s, sim, t, g, orders_parts, ORDERS_PARTITIONS, 4,
		   "Stable");
	g->lag_per_s = 60 * ORDERS_PARTITIONS * demo_api_badness(sim, t);
	group_history(s, g, sim, t, &lag_orders);
	return m;
}
