/* The Kafka probe: consumer lag per group and partition, in offsets and in
 * seconds, with a Burrow-style status that names its rule; from the
 * brokers (probes/kafka_client.c) or, while they cannot be asked, from
 * kafka_exporter's metrics in Prometheus (probes/kafka_metrics.c); judged
 * across polls by probes/kafka_track.c. And its probe_ops. Probe thread
 * (or a test's or the benchmark's). */
#include "probes/kafka.h"

#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "probes/http.h"
#include "probes/kafka_internal.h"

#if HAVE_RDKAFKA

struct kafka_probe {
	const struct config_section *sec;
	struct probe *owner;
	struct kafka_client_opts opts;
	struct kafka_client *client;    /* NULL: no brokers configured */
	struct kafka_metrics *metrics;  /* NULL: no metrics_url */
	struct kafka_track *track;
	char bootstrap[256];
	int timeout_ms;
};

void
kafka_probe_free(void *kafka_probe)
{
	struct kafka_probe *kp = kafka_probe;

	if (kp == NULL) {
		return;
	}
	kafka_client_free(kp->client);
#if HAVE_LIBCURL
	kafka_metrics_free(kp->metrics);
#endif
	kafka_track_free(kp->track);
	kafka_names_finish(&kp->opts.groups);
	kafka_names_finish(&kp->opts.exclude);
	kafka_names_finish(&kp->opts.topics);
	free(kp);
}

void *
kafka_probe_new(const struct config_section *sec, struct probe *owner,
		struct err *err)
{
	const char *brokers = config_get(sec, "brokers");
	const char *metrics = config_get(sec, "metrics_url");
	const char *window = config_get(sec, "window");
	struct kafka_probe *kp;
	int window_ms = 120000;

	if ((brokers == NULL || brokers[0] == '\0') &&
	    (metrics == NULL || metrics[0] == '\0')) {
		err_set(err, "[%s] needs brokers (or metrics_url for the "
			"metrics view)", sec->name);
		return NULL;
	}
	if (window != NULL && config_parse_duration(window, &window_ms) < 0) {
		err_set(err, "bad duration '%s' for window in [%s]", window,
			sec->name);
		return NULL;
	}
	kp = xcalloc(1, sizeof(*kp));
	kp->sec = sec;
	kp->owner = owner;
	kp->opts.sec = sec;
	kp->timeout_ms = sec->timeout_ms > 0 ? sec->timeout_ms : 5000;
	kafka_names_parse(&kp->opts.groups, config_get(sec, "groups"));
	kafka_names_parse(&kp->opts.exclude,
			  config_get(sec, "exclude_groups"));
	kafka_names_parse(&kp->opts.topics, config_get(sec, "topics"));
	snprintf(kp->bootstrap, sizeof(kp->bootstrap), "%s",
		 brokers != NULL ? brokers : "");
	if (metrics != NULL && metrics[0] != '\0') {
#if HAVE_LIBCURL
		kp->metrics = kafka_metrics_new(&kp->opts, metrics, err);
		if (kp->metrics == NULL) {
			kafka_probe_free(kp);
			return NULL;
		}
		if (owner != NULL) {
			kafka_metrics_set_cancel(kp->metrics, probe_cancelled,
						 owner);
		}
#else
		err_set(err, "metrics_url in [%s]: HTTP support not built in",
			sec->name);
		kafka_probe_free(kp);
		return NULL;
#endif
	}
	if (brokers != NULL && brokers[0] != '\0') {
		kp->client = kafka_client_new(&kp->opts, err);
		if (kp->client == NULL) {
			kafka_probe_free(kp);
			return NULL;
		}
	}
	kp->track = kafka_track_new(window_ms, sec->interval_ms);
	return kp;
}

/* The metrics view, by deadline_ms; why_brokers says why the brokers were
 * not asked ("" when there are none to ask). */
static int
poll_metrics(struct kafka_probe *kp, struct kafka_obs *obs,
	     int64_t deadline_ms, const char *why_brokers, struct err *err)
{
#if HAVE_LIBCURL
	struct err merr = { { 0 } };

	if (kafka_metrics_poll(kp->metrics, obs, deadline_ms, &merr) < 0) {
		if (why_brokers[0] != '\0') {
			return err_set(err, "%s; metrics view: %s",
				       why_brokers, merr.msg);
		}
		*err = merr;
		return -1;
	}
	if (why_brokers[0] != '\0') {
		snprintf(obs->notice, sizeof(obs->notice),
			 "metrics view (kafka_exporter via Prometheus): "
			 "brokers: %s", why_brokers);
	} else {
		snprintf(obs->notice, sizeof(obs->notice),
			 "metrics view (kafka_exporter via Prometheus)");
	}
	return 0;
#else
	(void)kp;
	(void)obs;
	(void)deadline_ms;
	(void)why_brokers;
	return err_set(err, "HTTP support not built in");
#endif
}

int
kafka_probe_poll(void *kafka_probe, struct snapshot *snap, struct err *err)
{
	struct kafka_probe *kp = kafka_probe;
	int64_t start = kafka_now_ms(), deadline = start + kp->timeout_ms;
	struct kafka_obs obs;
	int rc = -1;

	memset(&obs, 0, sizeof(obs));
	obs.under_replicated = -1;
	if (kp->client != NULL) {
		/* With a metrics view to fall back on, a silent broker gets
		 * two thirds of the poll and the view the rest. */
		int64_t kafka_deadline = kp->metrics != NULL ?
			start + kp->timeout_ms * 2 / 3 : deadline;

		rc = kafka_client_poll(kp->client, &obs, kafka_deadline,
				       kp->owner != NULL ? probe_cancelled :
				       NULL, kp->owner, err);
		if (rc < 0 && kp->metrics != NULL) {
			char why[ERR_MSG_MAX];

			snprintf(why, sizeof(why), "%s", err->msg);
			kafka_obs_finish(&obs);
			memset(&obs, 0, sizeof(obs));
			obs.under_replicated = -1;
			rc = poll_metrics(kp, &obs, deadline, why, err);
		}
	} else {
		rc = poll_metrics(kp, &obs, deadline, "", err);
	}
	if (rc == 0) {
		err_clear(err);
		snap->data = kafka_track_model(kp->track, snap, &obs,
					       kafka_now_ms(), kp->bootstrap);
	}
	kafka_obs_finish(&obs);
	return rc;
}

size_t
kafka_probe_windows(const void *kafka_probe)
{
	const struct kafka_probe *kp = kafka_probe;

	return kafka_track_size(kp->track);
}

#endif /* HAVE_RDKAFKA */

/* ---- ops ------------------------------------------------------------- */

static const struct config_key_spec kafka_keys[] = {
	{ .name = "brokers", .type = CONFIG_BROKERS, .secret = true,
	  .env = "KAFKA_BROKERS",
	  .help = "bootstrap servers, HOST[:PORT] separated by commas" },
	{ .name = "groups", .type = CONFIG_LIST,
	  .help = "consumer groups to watch: names or patterns (* ? [...]) "
		  "separated by commas; all when unset" },
	{ .name = "exclude_groups", .type = CONFIG_LIST,
	  .help = "consumer groups to leave out: names or patterns" },
	{ .name = "topics", .type = CONFIG_LIST,
	  .help = "topics to restrict the view to: names or patterns" },
	{ .name = "window", .type = CONFIG_DURATION, .def = "2m",
	  .help = "how long lag must grow, or commits stop, before a status "
		  "says so" },
	{ .name = "metrics_url", .type = CONFIG_HTTP_URL,
	  .help = "a Prometheus with kafka_exporter's metrics: the lag while "
		  "the brokers cannot be asked" },
	{ .name = "security.protocol", .type = CONFIG_TEXT,
	  .help = "librdkafka's security.protocol: plaintext, ssl, "
		  "sasl_plaintext or sasl_ssl" },
	{ .name = "sasl.password_file", .type = CONFIG_TEXT,
	  .help = "a file whose first line is the SASL password" },
	{ .name = "sasl.NAME", .type = CONFIG_TEXT, .pattern = true,
	  .secret = true, .help = "a librdkafka sasl.* property" },
	{ .name = "sasl.NAME.NAME", .type = CONFIG_TEXT, .pattern = true,
	  .secret = true, .help = "a librdkafka sasl.* property" },
	{ .name = "sasl.NAME.NAME.NAME", .type = CONFIG_TEXT, .pattern = true,
	  .secret = true, .help = "a librdkafka sasl.* property" },
	{ .name = "ssl.NAME", .type = CONFIG_TEXT, .pattern = true,
	  .secret = true, .help = "a librdkafka ssl.* property" },
	{ .name = "ssl.NAME.NAME", .type = CONFIG_TEXT, .pattern = true,
	  .secret = true, .help = "a librdkafka ssl.* property" },
	{ .name = "ssl.NAME.NAME.NAME", .type = CONFIG_TEXT, .pattern = true,
	  .secret = true, .help = "a librdkafka ssl.* property" },
	{ .name = "librdkafka.NAME", .type = CONFIG_TEXT, .pattern = true,
	  .secret = true, .help = "any other librdkafka client property" },
	{ .name = "librdkafka.NAME.NAME", .type = CONFIG_TEXT,
	  .pattern = true, .secret = true,
	  .help = "any other librdkafka client property" },
	{ .name = "librdkafka.NAME.NAME.NAME", .type = CONFIG_TEXT,
	  .pattern = true, .secret = true,
	  .help = "any other librdkafka client property" },
	{ .name = "librdkafka.NAME.NAME.NAME.NAME", .type = CONFIG_TEXT,
	  .pattern = true, .secret = true,
	  .help = "any other librdkafka client property" },
	{ .name = "consumers.GROUP", .type = CONFIG_TEXT, .pattern = true,
	  .help = "the deployment (NAMESPACE/NAME) that runs GROUP's "
		  "consumers, for the diagnosis (default: the one named as "
		  "the group)" },
	{ .name = NULL },
};

const struct probe_ops kafka_probe_ops = {
	.kind = SNAP_KAFKA,
#if HAVE_RDKAFKA
	.open = kafka_probe_new, .poll = kafka_probe_poll,
	.close = kafka_probe_free,
#else
	.unavailable = "Kafka support not built in",
#endif
	.config = { .name = "kafka", .keys = kafka_keys,
		    .shared_keys = http_client_keys },
};
