/* The Kafka backend until its probe is written: the keys its sections take
 * (checked at load) and why its pane stays empty. Any thread. */
#include "probes/kafka.h"

#include "build-config.h"

static const struct config_key_spec kafka_keys[] = {
	{ .name = "brokers", .type = CONFIG_BROKERS, .required = true,
	  .secret = true, .env = "KAFKA_BROKERS",
	  .help = "bootstrap servers, HOST[:PORT] separated by commas" },
	{ .name = "groups", .type = CONFIG_LIST,
	  .help = "consumer groups whose lag to show, separated by commas" },
	{ .name = "topics", .type = CONFIG_LIST,
	  .help = "topics to restrict the view to, separated by commas" },
	{ .name = NULL },
};

const struct probe_ops kafka_probe_ops = {
	.kind = SNAP_KAFKA,
#if HAVE_RDKAFKA
	.unavailable = "Kafka probe not available in this version",
#else
	.unavailable = "Kafka support not built in",
#endif
	.config = { .name = "kafka", .keys = kafka_keys },
};
