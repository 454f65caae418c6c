/* The Prometheus probe (see prometheus.h): panels from the config, one
 * instant and one range query per panel per poll, rows per split label.
 * Poller and ops on the probe thread; panel parsing on any thread. */
#include "probes/prometheus.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "probes/alertmanager.h"
#include "probes/http.h"
#include "probes/prom_json.h"

#define PANEL_NAME_MAX 32
#define PANELS_MAX 32
#define ROW_LABEL_MAX 200
/* Rows kept per panel (a split by a label with many values). */
#define ROWS_MAX 200

/* ---- panels ----------------------------------------------------------- */

struct panel_default {
	const char *name;
	const char *expr;
	enum metric_unit unit;
	double warn, crit;
	const char *split;
};

static const struct panel_default panel_defaults[] = {
	{ "5xx ratio",
	  "sum by (service) (rate(http_requests_total{status=~\"5..\"}[5m]))"
	  " / sum by (service) (rate(http_requests_total[5m]))",
	  UNIT_RATIO, 0.01, 0.05, "service" },
	{ "p95 latency",
	  "histogram_quantile(0.95, sum by (le, service) "
	  "(rate(http_request_duration_seconds_bucket[5m])))",
	  UNIT_SECONDS, 2, NAN, "service" },
	{ "p99 latency",
	  "histogram_quantile(0.99, sum by (le, service) "
	  "(rate(http_request_duration_seconds_bucket[5m])))",
	  UNIT_SECONDS, 2, NAN, "service" },
	{ "request rate",
	  "sum by (service) (rate(http_requests_total[5m]))",
	  UNIT_PER_SECOND, NAN, NAN, "service" },
};

static const struct {
	const char *name;
	enum metric_unit unit;
} unit_names[] = {
	{ "none", UNIT_NONE },
	{ "ratio", UNIT_RATIO },
	{ "seconds", UNIT_SECONDS },
	{ "bytes", UNIT_BYTES },
	{ "per_second", UNIT_PER_SECOND },
};

/* What a panel.NAME.FIELD key set, before checking. */
struct panel_keys {
	char name[PANEL_NAME_MAX + 1];
	const char *expr, *unit, *warn, *crit, *split, *title;
};

void
prom_panels_free(struct prom_panel_def *panels, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(panels[i].name);
		free(panels[i].expr);
		free(panels[i].split);
	}
	free(panels);
}

static bool
valid_label_name(const char *s)
{
	const char *p;

	if (!isalpha((unsigned char)*s) && *s != '_') {
		return false;
	}
	for (p = s; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_') {
			return false;
		}
	}
	return true;
}

/* A number ("0.05"), a percentage ("5%"), or for seconds a duration
 * ("500ms", "2s"). */
static int
parse_threshold(const char *name, const char *field, const char *v,
		enum metric_unit unit, double *out, struct err *err)
{
	size_t len = strlen(v);
	int ms;

	if (prom_parse_double(v, out) == 0 && isfinite(*out)) {
		return 0;
	}
	if (len > 1 && len < 32 && v[len - 1] == '%') {
		char num[32];

		memcpy(num, v, len - 1);
		num[len - 1] = '\0';
		if (prom_parse_double(num, out) == 0 && isfinite(*out)) {
			*out /= 100;
			return 0;
		}
	}
	if (unit == UNIT_SECONDS && config_parse_duration(v, &ms) == 0) {
		*out = ms / 1000.0;
		return 0;
	}
	return err_set(err, "panel.%s.%s: expected a number%s", name, field,
		       unit == UNIT_SECONDS ? ", a percentage or a duration" :
		       " or a percentage");
}

static int
panel_check(const struct panel_keys *k, struct prom_panel_def *d,
	    struct err *err)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	d->warn = NAN;
	d->crit = NAN;
	if (k->expr == NULL || *k->expr == '\0') {
		return err_set(err, "panel.%s: missing panel.%s.expr", k->name,
			       k->name);
	}
	if (k->unit != NULL) {
		for (i = 0; i < sizeof(unit_names) / sizeof(*unit_names);
		     i++) {
			if (strcmp(unit_names[i].name, k->unit) == 0) {
				break;
			}
		}
		if (i == sizeof(unit_names) / sizeof(*unit_names)) {
			return err_set(err, "panel.%s.unit: unknown unit "
				       "'%.32s' (use ratio, seconds, bytes, "
				       "per_second or none)", k->name,
				       k->unit);
		}
		d->unit = unit_names[i].unit;
	}
	if (k->warn != NULL && parse_threshold(k->name, "warn", k->warn,
					       d->unit, &d->warn, err) < 0) {
		return -1;
	}
	if (k->crit != NULL && parse_threshold(k->name, "crit", k->crit,
					       d->unit, &d->crit, err) < 0) {
		return -1;
	}
	if (k->split != NULL && !valid_label_name(k->split)) {
		return err_set(err, "panel.%s.split: not a label name",
			       k->name);
	}
	d->name = xstrdup(k->title != NULL && *k->title != '\0' ? k->title :
			  k->name);
	d->expr = xstrdup(k->expr);
	d->split = k->split != NULL ? xstrdup(k->split) : NULL;
	return 0;
}

/* key is "panel.NAME.FIELD": fills the panel NAME in keys (added in order
 * of first appearance). */
static int
panel_key(const char *key, const char *value, struct panel_keys *keys,
	  size_t *n, struct err *err)
{
	const char *name = key + 6, *dot = strrchr(name, '.'), *field;
	size_t len, i;
	struct panel_keys *k = NULL;

	if (dot == NULL || dot == name || (size_t)(dot - name) >
	    PANEL_NAME_MAX) {
		return err_set(err, "%.64s: expected panel.NAME.FIELD", key);
	}
	len = (size_t)(dot - name);
	field = dot + 1;
	for (i = 0; i < *n; i++) {
		if (strlen(keys[i].name) == len &&
		    memcmp(keys[i].name, name, len) == 0) {
			k = &keys[i];
		}
	}
	if (k == NULL) {
		if (*n == PANELS_MAX) {
			return err_set(err, "too many panels (at most %d)",
				       PANELS_MAX);
		}
		k = &keys[(*n)++];
		memset(k, 0, sizeof(*k));
		memcpy(k->name, name, len);
		k->name[len] = '\0';
	}
	if (strcmp(field, "expr") == 0) {
		k->expr = value;
	} else if (strcmp(field, "unit") == 0) {
		k->unit = value;
	} else if (strcmp(field, "warn") == 0) {
		k->warn = value;
	} else if (strcmp(field, "crit") == 0) {
		k->crit = value;
	} else if (strcmp(field, "split") == 0) {
		k->split = value;
	} else if (strcmp(field, "title") == 0) {
		k->title = value;
	} else {
		return err_set(err, "%.64s: unknown panel field (use expr, "
			       "unit, warn, crit, split or title)", key);
	}
	return 0;
}

int
prom_panels_from_section(const struct config_section *sec,
			 struct prom_panel_def **out, size_t *n,
			 struct err *err)
{
	struct panel_keys keys[PANELS_MAX];
	size_t n_keys = 0, i;

	*out = NULL;
	*n = 0;
	for (i = 0; i < sec->n_kv; i++) {
		if (strncmp(sec->kv[i].key, "panel.", 6) == 0 &&
		    panel_key(sec->kv[i].key, sec->kv[i].value, keys, &n_keys,
			      err) < 0) {
			return -1;
		}
	}
	if (n_keys == 0) {
		size_t nd = sizeof(panel_defaults) / sizeof(*panel_defaults);

		*out = xcalloc(nd, sizeof(**out));
		for (i = 0; i < nd; i++) {
			const struct panel_default *d = &panel_defaults[i];

			(*out)[i].name = xstrdup(d->name);
			(*out)[i].expr = xstrdup(d->expr);
			(*out)[i].unit = d->unit;
			(*out)[i].warn = d->warn;
			(*out)[i].crit = d->crit;
			(*out)[i].split = xstrdup(d->split);
		}
		*n = nd;
		return 0;
	}
	*out = xcalloc(n_keys, sizeof(**out));
	for (i = 0; i < n_keys; i++) {
		if (panel_check(&keys[i], &(*out)[i], err) < 0) {
			prom_panels_free(*out, i);
			*out = NULL;
			return -1;
		}
	}
	*n = n_keys;
	return 0;
}

/* ---- the poller ------------------------------------------------------- */

struct prom_poller {
	struct http_client *http;
	struct prom_panel_def *panels;
	size_t n_panels;
	int timeout_ms;
};

void *
prom_poller_new(const struct config_section *sec, struct probe *owner,
		struct err *err)
{
	struct prom_poller *pp = xcalloc(1, sizeof(*pp));

	if (prom_panels_from_section(sec, &pp->panels, &pp->n_panels,
				     err) < 0) {
		free(pp);
		return NULL;
	}
	pp->http = http_client_new(sec, err);
	if (pp->http == NULL) {
		prom_poller_free(pp);
		return NULL;
	}
	pp->timeout_ms = sec->timeout_ms > 0 ? sec->timeout_ms : 5000;
	if (owner != NULL) {
		http_client_set_cancel(pp->http, probe_cancelled, owner);
	}
	return pp;
}

void
prom_poller_free(void *prom_poller)
{
	struct prom_poller *pp = prom_poller;

	if (pp == NULL) {
		return;
	}
	http_client_free(pp->http);
	prom_panels_free(pp->panels, pp->n_panels);
	free(pp);
}

/* One query. Returns 0 with res filled (res->api_error set when Prometheus
 * rejected it), or -1 with err when the poll cannot go on. */
static int
query(struct prom_poller *pp, const char *path, struct prom_result *res,
      struct err *err)
{
	struct http_resp resp;
	struct err http_err, parse_err;
	int rc = http_get(pp->http, path, &resp, &http_err);

	memset(res, 0, sizeof(*res));
	if (resp.status == 0) {
		*err = http_err;
		return -1;
	}
	if (resp.status == 404) {
		http_resp_finish(&resp);
		*err = http_err;
		return http_not_found(pp->http, AM_STATUS_PATH, "Alertmanager",
				      "Prometheus", err);
	}
	if (prom_json_parse_result(resp.body, resp.len, res, &parse_err) < 0) {
		http_resp_finish(&resp);
		if (rc < 0) {
			*err = http_err;
			return -1;
		}
		*err = parse_err;
		return prom_json_blame(err, http_client_addr(pp->http));
	}
	http_resp_finish(&resp);
	if (rc < 0 && res->api_error == NULL) {
		prom_result_finish(res);
		*err = http_err;
		return -1;
	}
	return 0;
}

/* The length of an instance value without its ":port" ("10.0.0.5:9100",
 * "[::1]:9100"), or its whole length when it has none. */
static size_t
without_port(const char *v)
{
	const char *colon = strrchr(v, ':');
	const char *p;

	if (colon == NULL || colon[1] == '\0' ||
	    (strchr(v, ':') != colon && v[0] != '[') ||
	    (v[0] == '[' && colon[-1] != ']')) {
		return strlen(v);       /* no port, or a bare IPv6 address */
	}
	for (p = colon + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			return strlen(v);
		}
	}
	return (size_t)(colon - v);
}

/* The row key of a series: the split label's value, else its labels as
 * "k=v k=v" ("" for none), without __name__ (the expression says what
 * it measures) unless nothing else names the series, and, when
 * strip_port, without the port of instance. */
static void
series_key(const struct prom_panel_def *d, const struct prom_series *s,
	   bool strip_port, char *buf, size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	if (d->split != NULL) {
		const char *v = prom_series_label(s, d->split);

		snprintf(buf, n, "%s", v != NULL ? v : "");
		return;
	}
	for (i = 0; i < s->n_labels && used + 1 < n; i++) {
		const char *name = s->labels[i].name;
		const char *v = s->labels[i].value;
		int len = (int)strlen(v), w;

		if (strcmp(name, "__name__") == 0 && s->n_labels > 1) {
			continue;
		}
		if (strip_port && strcmp(name, "instance") == 0) {
			len = (int)without_port(v);
		}
		w = snprintf(buf + used, n - used, "%s%s=%.*s",
			     used ? " " : "", name, len, v);
		if (w < 0) {
			break;
		}
		used += (size_t)w;
	}
}

/* Whether the series of r would share a row key with their instance
 * ports left out (two exporters on one host): then the ports stay. */
static bool
ports_tell_apart(const struct prom_panel_def *d, const struct prom_result *r)
{
	char a[ROW_LABEL_MAX], b[ROW_LABEL_MAX];
	size_t i, j;

	if (d->split != NULL) {
		return false;
	}
	for (i = 0; i < r->n_series && i < ROWS_MAX; i++) {
		series_key(d, &r->series[i], true, a, sizeof(a));
		for (j = i + 1; j < r->n_series && j < ROWS_MAX; j++) {
			series_key(d, &r->series[j], true, b, sizeof(b));
			if (strcmp(a, b) == 0) {
				return true;
			}
		}
	}
	return false;
}

struct row_build {
	char key[ROW_LABEL_MAX];
	double value;
	bool has_value;
	const struct prom_series *hist;
};

static struct row_build *
row_find(struct row_build *rows, size_t *n, const char *key)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (strcmp(rows[i].key, key) == 0) {
			return &rows[i];
		}
	}
	if (*n == ROWS_MAX) {
		return NULL;
	}
	memset(&rows[*n], 0, sizeof(rows[*n]));
	strlcpy_safe(rows[*n].key, key, sizeof(rows[*n].key));
	rows[*n].value = NAN;
	return &rows[(*n)++];
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row_build *x = a, *y = b;

	return strcmp(x->key, y->key);
}

/* The history of one series on the grid start, start + step, ... */
static void
fill_history(struct snapshot *s, struct series *out,
	     const struct prom_series *src, int64_t start_s)
{
	size_t n = PROM_RANGE_S / PROM_STEP_S + 1, i;

	out->v = snapshot_alloc(s, n * sizeof(*out->v));
	out->n = n;
	out->step_ms = PROM_STEP_S * 1000;
	for (i = 0; i < n; i++) {
		out->v[i] = NAN;
	}
	if (src == NULL) {
		return;
	}
	for (i = 0; i < src->n; i++) {
		double k = round((src->t[i] - (double)start_s) / PROM_STEP_S);

		if (k >= 0 && k < (double)n) {
			out->v[(size_t)k] = src->v[i];
		}
	}
}

static void
build_panel(struct snapshot *s, struct metric_panel *mp,
	    const struct prom_panel_def *d, const struct prom_result *now,
	    const struct prom_result *range, int64_t start_s)
{
	struct row_build *rows = xcalloc(ROWS_MAX, sizeof(*rows));
	char key[ROW_LABEL_MAX];
	size_t n = 0, i;
	bool strip;

	mp->name = snapshot_strdup(s, d->name);
	mp->expr = snapshot_strdup(s, d->expr);
	mp->unit = d->unit;
	mp->warn = d->warn;
	mp->crit = d->crit;
	if (now->api_error != NULL) {
		mp->rows = snapshot_alloc(s, sizeof(*mp->rows));
		mp->n_rows = 1;
		mp->rows[0].label = snapshot_strdup(s, "");
		mp->rows[0].value = NAN;
		mp->rows[0].error = snapshot_strdup(s, now->api_error);
		fill_history(s, &mp->rows[0].history, NULL, start_s);
		free(rows);
		return;
	}
	strip = !ports_tell_apart(d, now);
	for (i = 0; i < now->n_series; i++) {
		struct row_build *r;

		series_key(d, &now->series[i], strip, key, sizeof(key));
		r = row_find(rows, &n, key);
		if (r != NULL && !r->has_value && now->series[i].n > 0) {
			r->value = now->series[i].v[0];
			r->has_value = true;
		}
	}
	for (i = 0; range->api_error == NULL && i < range->n_series; i++) {
		struct row_build *r;

		series_key(d, &range->series[i], strip, key, sizeof(key));
		r = row_find(rows, &n, key);
		if (r != NULL && r->hist == NULL) {
			r->hist = &range->series[i];
		}
	}
	if (n == 0) {
		row_find(rows, &n, "");
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	mp->rows = snapshot_alloc(s, n * sizeof(*mp->rows));
	mp->n_rows = n;
	for (i = 0; i < n; i++) {
		struct metric_row *o = &mp->rows[i];

		o->label = snapshot_strdup(s, rows[i].key);
		o->value = rows[i].value;
		o->error = snapshot_strdup(s, "");
		fill_history(s, &o->history, rows[i].hist, start_s);
	}
	free(rows);
}

/* Seconds with milliseconds, without the locale's decimal point. */
static void
format_time_s(int64_t ms, char *buf, size_t n)
{
	snprintf(buf, n, "%" PRId64 ".%03d", ms / 1000, (int)(ms % 1000));
}

int
prom_poller_poll(void *prom_poller, struct snapshot *s, struct err *err)
{
	struct prom_poller *pp = prom_poller;
	struct metrics_model *m = snapshot_alloc(s, sizeof(*m));
	int64_t now_ms = clock_wall_ms();
	int64_t end_s = now_ms / 1000 / PROM_STEP_S * PROM_STEP_S;
	int64_t start_s = end_s - PROM_RANGE_S;
	char when[32];
	size_t i;

	format_time_s(now_ms, when, sizeof(when));
	/* One deadline for every query of the poll: a finer step makes the
	 * range replies larger (121 points a series), never the poll longer
	 * than the section's timeout. */
	http_client_set_deadline(pp->http, clock_mono_ms() + pp->timeout_ms);
	m->panels = snapshot_alloc(s, pp->n_panels * sizeof(*m->panels));
	m->n_panels = pp->n_panels;
	for (i = 0; i < pp->n_panels; i++) {
		const struct prom_panel_def *d = &pp->panels[i];
		struct prom_result now, range;
		char *q = http_escape(d->expr), *path;
		int rc;

		memset(&range, 0, sizeof(range));
		path = xasprintf("/api/v1/query?query=%s&time=%s", q, when);
		rc = query(pp, path, &now, err);
		free(path);
		if (rc == 0 && now.api_error == NULL) {
			path = xasprintf("/api/v1/query_range?query=%s"
					 "&start=%" PRId64 "&end=%" PRId64
					 "&step=%d", q, start_s, end_s,
					 PROM_STEP_S);
			rc = query(pp, path, &range, err);
			free(path);
		}
		free(q);
		if (rc < 0) {
			prom_result_finish(&now);
			prom_result_finish(&range);
			http_client_set_deadline(pp->http, 0);
			return -1;
		}
		build_panel(s, &m->panels[i], d, &now, &range, start_s);
		prom_result_finish(&now);
		prom_result_finish(&range);
	}
	http_client_set_deadline(pp->http, 0);
	s->data = m;
	return 0;
}

static int
prom_poller_reachable(void *prom_poller, const struct probe *p)
{
	struct prom_poller *pp = prom_poller;

	return http_client_reachable(pp->http, p);
}

/* ---- the ops ---------------------------------------------------------- */

/* The panel.PANEL.FIELD keys are checked by prom_panels_from_section()
 * when the probe opens. */
static const struct config_key_spec prometheus_keys[] = {
	{ .name = "url", .type = CONFIG_HTTP_URL, .required = true,
	  .secret = true, .env = "PROMETHEUS_URL",
	  .help = "the base URL: http:// or https:// and a host" },
	{ .name = "panel.PANEL.expr", .type = CONFIG_TEXT, .pattern = true,
	  .help = "the PromQL expression of panel PANEL" },
	{ .name = "panel.PANEL.unit", .type = CONFIG_TEXT, .pattern = true,
	  .help = "ratio, seconds, bytes, per_second or none" },
	{ .name = "panel.PANEL.warn", .type = CONFIG_TEXT, .pattern = true,
	  .help = "warning threshold: a number, a percentage, a duration" },
	{ .name = "panel.PANEL.crit", .type = CONFIG_TEXT, .pattern = true,
	  .help = "critical threshold, as warn" },
	{ .name = "panel.PANEL.split", .type = CONFIG_TEXT, .pattern = true,
	  .help = "a label whose every value is one row" },
	{ .name = "panel.PANEL.title", .type = CONFIG_TEXT, .pattern = true,
	  .help = "the name shown (default: PANEL)" },
	{ .name = "errors_panel", .type = CONFIG_TEXT,
	  .help = "the panel the diagnosis reads as the error ratio "
		  "(default: the first named 5xx... or error...)" },
	{ .name = "latency_panel", .type = CONFIG_TEXT,
	  .help = "the panel the diagnosis reads as the latency (default: "
		  "the first named p95..., p99... or latency...)" },
	{ .name = NULL },
};

const struct probe_ops prometheus_probe_ops = {
	.kind = SNAP_METRICS,
	.open = prom_poller_new, .poll = prom_poller_poll,
	.close = prom_poller_free, .reachable = prom_poller_reachable,
	/* The Alerts pane reads Prometheus's own alerts while no
	 * Alertmanager is configured. */
	.companion = &prometheus_alerts_probe_ops,
	.config = {
		.name = "prometheus",
		.interval_ms = 5000,
		.keys = prometheus_keys,
		.shared_keys = http_client_keys,
	},
};
