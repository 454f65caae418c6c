/* The Kafka backend ([kafka.NAME]): consumer lag per group and partition,
 * lag in seconds and each group's status with the rule that fired, from
 * the brokers or from kafka_exporter's metrics. The ops run on their probe
 * thread; the functions below also on a test's or the benchmark's. */
#ifndef WARROOM_KAFKA_H
#define WARROOM_KAFKA_H

#include <stddef.h>

#include "probes/probe.h"

/* Built without librdkafka, open() fails with "Kafka support not built
 * in". */
extern const struct probe_ops kafka_probe_ops;

/* The probe's state without the runner: the ops' open, poll and close,
 * hence the void pointers (each stands for the probe's own struct). open
 * makes the client (it connects in the background); owner may be NULL.
 * poll fills s->data with a struct kafka_model, or returns -1 with a
 * one-line err, within the section's timeout. */
void *kafka_probe_new(const struct config_section *sec, struct probe *owner,
		      struct err *err);
int kafka_probe_poll(void *kafka_probe, struct snapshot *s, struct err *err);
void kafka_probe_free(void *kafka_probe);
/* Partitions and groups the probe keeps windows for. */
size_t kafka_probe_windows(const void *kafka_probe);

#endif
