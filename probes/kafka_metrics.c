/* The Kafka pane's metrics view: consumer groups as kafka_exporter exports
 * them to Prometheus (kafka_consumergroup_lag, _current_offset, _members,
 * kafka_topic_partition_current_offset, kafka_brokers), read from the
 * section's metrics_url with its HTTP settings, for when the brokers
 * cannot be asked. Four instant queries per poll. Probe thread. */
#include "build-config.h"

#include "probes/kafka_internal.h"

#if HAVE_LIBCURL

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "probes/http.h"
#include "probes/kafka_internal.h"
#include "probes/kafka_lag.h"
#include "probes/prom_json.h"

static const char q_groups[] =
	"{__name__=~\"kafka_consumergroup_lag|"
	"kafka_consumergroup_current_offset|kafka_consumergroup_members\"}";
/* Only the partitions some group reads. */
static const char q_topics[] =
	"kafka_topic_partition_current_offset and on (topic, partition) "
	"kafka_consumergroup_current_offset";
static const char q_brokers[] = "max(kafka_brokers)";
static const char q_urp[] =
	"sum(kafka_topic_partition_under_replicated_partition)";

struct kafka_metrics {
	const struct kafka_client_opts *opts;
	struct config cfg;      /* one section: url and the HTTP keys */
	struct http_client *http;
};

struct kafka_metrics *
kafka_metrics_new(const struct kafka_client_opts *opts, const char *url,
		  struct err *err)
{
	static const char *const keys[] = {
		"bearer_token_file", "bearer_token_env", "username",
		"password_file", "ca_file", "tls_verify", NULL,
	};
	struct kafka_metrics *km = xcalloc(1, sizeof(*km));
	struct config_section *sec;

	/* The HTTP client reads url: a section of its own carries
	 * metrics_url under that name. */
	sec = config_add_section(&km->cfg, opts->sec->name);
	config_section_set(sec, "url", url);
	for (const char *const *k = keys; *k != NULL; k++) {
		const char *v = config_get(opts->sec, *k);

		if (v != NULL) {
			config_section_set(sec, *k, v);
		}
	}
	sec->timeout_ms = opts->sec->timeout_ms;
	sec->interval_ms = opts->sec->interval_ms;
	km->opts = opts;
	km->http = http_client_new(sec, err);
	if (km->http == NULL) {
		kafka_metrics_free(km);
		return NULL;
	}
	return km;
}

void
kafka_metrics_free(struct kafka_metrics *km)
{
	if (km == NULL) {
		return;
	}
	http_client_free(km->http);
	config_finish(&km->cfg);
	free(km);
}

void
kafka_metrics_set_cancel(struct kafka_metrics *km, bool (*cancelled)(void *),
			 void *arg)
{
	http_client_set_cancel(km->http, cancelled, arg);
}

/* One instant query into res. -1 with err. */
static int
query(struct kafka_metrics *km, const char *promql, struct prom_result *res,
      struct err *err)
{
	char *q = http_escape(promql);
	char *path = xasprintf("/api/v1/query?query=%s", q);
	struct http_resp resp;
	struct err http_err;
	int rc = http_get(km->http, path, &resp, &http_err);

	free(path);
	free(q);
	memset(res, 0, sizeof(*res));
	if (resp.status == 0) {
		*err = http_err;
		return -1;
	}
	if (prom_json_parse_result(resp.body, resp.len, res, err) < 0) {
		http_resp_finish(&resp);
		if (rc < 0) {
			*err = http_err;
			return -1;
		}
		return prom_json_blame(err, http_client_addr(km->http));
	}
	http_resp_finish(&resp);
	if (res->api_error != NULL) {
		err_set(err, "Prometheus: %s", res->api_error);
		prom_result_finish(res);
		return -1;
	}
	if (rc < 0) {
		*err = http_err;
		prom_result_finish(res);
		return -1;
	}
	return 0;
}

/* The series' single value as an offset; KAFKA_NO_OFFSET for none or a
 * negative one (kafka_exporter writes -1 for "no commit"). */
static int64_t
offset_of(const struct prom_series *s)
{
	if (s->n < 1 || !isfinite(s->v[0]) || s->v[0] < 0) {
		return KAFKA_NO_OFFSET;
	}
	return (int64_t)s->v[0];
}

static bool
partition_of(const struct prom_series *s, int *out)
{
	const char *p = prom_series_label(s, "partition");
	char *end;
	long v;

	if (p == NULL || p[0] == '\0') {
		return false;
	}
	v = strtol(p, &end, 10);
	if (*end != '\0' || v < 0 || v > 1000000) {
		return false;
	}
	*out = (int)v;
	return true;
}

/* The group named name, added when new: the series of one group tend to
 * come together, so the last one is tried first. */
static struct kafka_obs_group *
group_get(struct kafka_obs *obs, const char *name, size_t *last)
{
	size_t i;

	if (*last < obs->n_groups &&
	    strcmp(obs->groups[*last].name, name) == 0) {
		return &obs->groups[*last];
	}
	for (i = 0; i < obs->n_groups; i++) {
		if (strcmp(obs->groups[i].name, name) == 0) {
			*last = i;
			return &obs->groups[i];
		}
	}
	*last = obs->n_groups;
	return kafka_obs_add_group(obs, name);
}

static bool
picked(const struct kafka_client_opts *o, const char *group)
{
	return kafka_names_match(&o->groups, group, true) &&
	       !kafka_names_match(&o->exclude, group, false);
}

static void
take_groups(struct kafka_metrics *km, const struct prom_result *r,
	    struct kafka_obs *obs)
{
	size_t i, last = 0;

	for (i = 0; i < r->n_series; i++) {
		const struct prom_series *s = &r->series[i];
		const char *name = prom_series_label(s, "__name__");
		const char *group = prom_series_label(s, "consumergroup");
		const char *topic = prom_series_label(s, "topic");
		struct kafka_obs_group *g;
		struct kafka_obs_part *p;
		int part;

		if (name == NULL || group == NULL || !picked(km->opts, group)) {
			continue;
		}
		g = group_get(obs, group, &last);
		if (strcmp(name, "kafka_consumergroup_members") == 0) {
			if (s->n > 0 && isfinite(s->v[0]) && s->v[0] >= 0) {
				g->members = (int)s->v[0];
			}
			continue;
		}
		if (topic == NULL || !partition_of(s, &part) ||
		    !kafka_names_match(&km->opts->topics, topic, true)) {
			continue;
		}
		p = kafka_obs_add_part(g, topic, part);
		if (strcmp(name, "kafka_consumergroup_lag") == 0) {
			p->lag = offset_of(s);
		} else {
			p->committed = offset_of(s);
		}
	}
}

static void
take_log_ends(const struct prom_result *r, struct kafka_obs *obs)
{
	struct kafka_log_end *v = xcalloc(r->n_series + 1, sizeof(*v));
	size_t n = 0, i;

	for (i = 0; i < r->n_series; i++) {
		const char *topic = prom_series_label(&r->series[i], "topic");

		if (topic != NULL &&
		    partition_of(&r->series[i], &v[n].partition)) {
			v[n].topic = topic;
			v[n].high = offset_of(&r->series[i]);
			n++;
		}
	}
	kafka_obs_set_log_ends(obs, v, kafka_log_ends_sort(v, n));
	free(v);
}

/* The single value of a scalar-like result, or -1. */
static int
single_value(const struct prom_result *r)
{
	if (r->n_series != 1 || r->series[0].n < 1 ||
	    !isfinite(r->series[0].v[0]) || r->series[0].v[0] < 0) {
		return -1;
	}
	return (int)r->series[0].v[0];
}

int
kafka_metrics_poll(struct kafka_metrics *km, struct kafka_obs *obs,
		   int64_t deadline_ms, struct err *err)
{
	struct prom_result r;

	http_client_set_deadline(km->http, deadline_ms);
	obs->metrics_view = true;
	obs->under_replicated = -1;
	if (query(km, q_groups, &r, err) < 0) {
		return -1;
	}
	take_groups(km, &r, obs);
	prom_result_finish(&r);
	kafka_obs_sort(obs);
	if (query(km, q_topics, &r, err) < 0) {
		return -1;
	}
	take_log_ends(&r, obs);
	prom_result_finish(&r);
	/* Brokers and replication are extras: the lag stands without. */
	if (query(km, q_brokers, &r, err) == 0) {
		if (single_value(&r) >= 0) {
			obs->brokers_up = obs->brokers_total = single_value(&r);
		}
		prom_result_finish(&r);
	}
	if (query(km, q_urp, &r, err) == 0) {
		obs->under_replicated = single_value(&r);
		prom_result_finish(&r);
	}
	err_clear(err);
	return 0;
}

#endif /* HAVE_LIBCURL */
