/* What the Kafka probe's files share: one poll's observations (from the
 * brokers, probes/kafka_client.c, or from Prometheus, probes/
 * kafka_metrics.c), the window tracker that turns them into a snapshot
 * (probes/kafka_track.c), and the name patterns of the groups and topics
 * keys. Probe thread; no file outside probes/kafka*.c includes it. */
#ifndef WARROOM_KAFKA_INTERNAL_H
#define WARROOM_KAFKA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "core/snapshot.h"

/* ---- one poll's observations ----------------------------------------- */

struct kafka_obs_part {
	char *topic;
	int partition;
	int64_t committed;      /* KAFKA_NO_OFFSET: no commit */
	int64_t high;           /* KAFKA_NO_OFFSET: unknown */
	/* The lag as an exporter reported it, when the offsets behind it
	 * are not known; KAFKA_NO_OFFSET otherwise. */
	int64_t lag;
	char *owner;            /* "client-id@host", or NULL */
};

struct kafka_obs_group {
	char *name;
	char *state;            /* "Stable", ...; NULL unknown */
	int members;            /* -1 unknown */
	char *error;            /* what could not be read, or NULL */
	struct kafka_obs_part *parts;   /* sorted by topic, partition */
	size_t n_parts, cap_parts;
};

struct kafka_obs {
	int brokers_up;
	int brokers_total;      /* 0 unknown */
	int under_replicated;   /* -1 unknown */
	struct kafka_obs_group *groups;
	size_t n_groups, cap_groups;
	bool metrics_view;
	char notice[ERR_MSG_MAX];
};

/* Adds a group (name copied) with unknown state and members. */
struct kafka_obs_group *kafka_obs_add_group(struct kafka_obs *o,
					    const char *name);
/* Adds topic/partition (copied) to the group with no offsets and no owner;
 * the same partition may be added twice (an assignment and a commit):
 * kafka_obs_sort() merges them once all are added. */
struct kafka_obs_part *kafka_obs_add_part(struct kafka_obs_group *g,
					  const char *topic, int partition);
/* Sorts each group's partitions by topic and partition, merging the
 * entries of one partition (the offsets and owner each one knows); groups
 * by name. */
void kafka_obs_sort(struct kafka_obs *o);
/* The partition in a sorted group, or NULL. */
struct kafka_obs_part *kafka_obs_find(struct kafka_obs_group *g,
				      const char *topic, int partition);
void kafka_obs_finish(struct kafka_obs *o);

/* A partition's log end, for the table both views build of them. */
struct kafka_log_end {
	const char *topic;
	int partition;
	int64_t high;           /* KAFKA_NO_OFFSET: unknown */
};

/* Sorts v[0..n) by topic and partition and drops duplicates; returns the
 * new count. */
size_t kafka_log_ends_sort(struct kafka_log_end *v, size_t n);
/* Sets the log end of every partition of o found in v (sorted); the
 * others' are left as they are. */
void kafka_obs_set_log_ends(struct kafka_obs *o, const struct kafka_log_end *v,
			    size_t n);

/* Monotonic milliseconds (the real clock: the probe's calls really
 * wait). */
int64_t kafka_now_ms(void);

/* ---- the names the groups, exclude_groups and topics keys pick ------- */

/* A comma-separated list of names and shell patterns (* ? [...]). */
struct kafka_names {
	char **v;
	size_t n;
	bool patterns;          /* one of them is a pattern */
};

void kafka_names_parse(struct kafka_names *nm, const char *list);
/* True when name is one of them or matches one; def when there are none. */
bool kafka_names_match(const struct kafka_names *nm, const char *name,
		       bool def);
void kafka_names_finish(struct kafka_names *nm);

/* ---- the brokers (probes/kafka_client.c) ----------------------------- */

struct kafka_client;

struct kafka_client_opts {
	const struct config_section *sec;
	struct kafka_names groups, exclude, topics;
};

/* Opens librdkafka and makes a client of the section's brokers with its
 * pass-through properties; connects in the background. NULL with err
 * ("sasl.mechanism: ..."; never a secret's value). opts must outlive
 * it. */
struct kafka_client *kafka_client_new(const struct kafka_client_opts *opts,
				      struct err *err);
void kafka_client_free(struct kafka_client *c);
/* One poll of the brokers into obs (zeroed by the caller), finished by
 * deadline_ms (monotonic): metadata, the groups, their descriptions,
 * committed offsets and log ends. -1 with a one-line err naming the step
 * and librdkafka's last error. stop(arg) ends it early. */
int kafka_client_poll(struct kafka_client *c, struct kafka_obs *obs,
		      int64_t deadline_ms, bool (*stop)(void *), void *arg,
		      struct err *err);

/* ---- the metrics view (probes/kafka_metrics.c) ----------------------- */

struct kafka_metrics;

/* The Prometheus at the section's metrics_url with the section's HTTP
 * settings; NULL with err. */
struct kafka_metrics *kafka_metrics_new(const struct kafka_client_opts *opts,
					const char *url, struct err *err);
void kafka_metrics_free(struct kafka_metrics *km);
void kafka_metrics_set_cancel(struct kafka_metrics *km,
			      bool (*cancelled)(void *), void *arg);
/* kafka_exporter's series for the groups and topics the options pick,
 * into obs (zeroed by the caller), by deadline_ms. -1 with err. */
int kafka_metrics_poll(struct kafka_metrics *km, struct kafka_obs *obs,
		       int64_t deadline_ms, struct err *err);

/* ---- windows across polls (probes/kafka_track.c) --------------------- */

struct kafka_track;

/* window_ms: the evaluator's window; interval_ms: one poll, the step of
 * each group's lag history. */
struct kafka_track *kafka_track_new(int window_ms, int interval_ms);
void kafka_track_free(struct kafka_track *t);
/* Adds obs as the poll at now_ms (monotonic) to the windows, judges every
 * partition and group, and builds the model in s's memory. Forgets the
 * partitions and groups that several polls in a row did not see. */
struct kafka_model *kafka_track_model(struct kafka_track *t,
				      struct snapshot *s,
				      const struct kafka_obs *obs,
				      int64_t now_ms, const char *bootstrap);
/* Partitions and groups it keeps windows for (the benchmark). */
size_t kafka_track_size(const struct kafka_track *t);

#endif
