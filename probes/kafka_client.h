/* The insides of the Kafka probe's client of the brokers, shared by its
 * two files: probes/kafka_client.c (the librdkafka handle, its logs and
 * errors, the waits) and probes/kafka_poll.c (one poll's requests). Probe
 * thread; no other file includes it. */
#ifndef WARROOM_KAFKA_CLIENT_H
#define WARROOM_KAFKA_CLIENT_H

#include "build-config.h"

#if HAVE_RDKAFKA

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "probes/kafka_internal.h"
#include "probes/rdkafka_api.h"

struct kafka_client {
	const struct kafka_client_opts *opts;
	rd_kafka_t *rk;
	rd_kafka_queue_t *mainq;        /* logs and errors */
	char bootstrap[160];            /* for messages */
	/* librdkafka's latest error and warning, or "": kept across polls,
	 * since librdkafka says a repeated error once; fresh when the
	 * error came during this poll. */
	char last_error[ERR_MSG_MAX];
	char last_warning[ERR_MSG_MAX];
	bool fresh;
	/* The values of the secret settings, to scrub from whatever
	 * librdkafka says. */
	char **secrets;
	size_t n_secrets;
	/* Broker ids any poll has seen: one gone from metadata is down. */
	int32_t *known;
	size_t n_known;
	bool (*stop)(void *);
	void *stop_arg;
};

/* Replaces every secret value in buf (size n) by "<secret>". */
void kafka_client_scrub(const struct kafka_client *c, char *buf, size_t n);
/* Milliseconds until deadline_ms (monotonic), 0 when past. */
int kafka_client_left(int64_t deadline_ms);
/* Takes the logs and errors librdkafka queued since the last call into
 * c->last_error and c->last_warning. */
void kafka_client_drain(struct kafka_client *c);
/* A step that failed: err is "STEP: WHY (librdkafka's last error, else
 * the bootstrap servers)". Returns -1. */
int kafka_client_failed(struct kafka_client *c, const char *step,
			const char *why, struct err *err);
/* The next event of type on q, by deadline_ms; NULL on timeout or when
 * c->stop says so. The caller destroys it. */
rd_kafka_event_t *kafka_client_wait(struct kafka_client *c,
				    rd_kafka_queue_t *q, int type,
				    int64_t deadline_ms);
/* Options for op whose request times out at deadline_ms; the caller
 * destroys them. */
rd_kafka_AdminOptions_t *kafka_client_admin(struct kafka_client *c,
					    rd_kafka_admin_op_t op,
					    int64_t deadline_ms);

#endif /* HAVE_RDKAFKA */

#endif
