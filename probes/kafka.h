/* The Kafka backend ([kafka.NAME]): for now its configuration and the
 * reason its pane gives, until its probe is written. Any thread. */
#ifndef WARROOM_KAFKA_H
#define WARROOM_KAFKA_H

#include "probes/probe.h"

extern const struct probe_ops kafka_probe_ops;

#endif
