/* A real Apache Kafka broker for the integration tests, started once per
 * test binary by its runner process (scripts/kafka-up, kafka_server_main)
 * and shared by the forked tests through the environment, with librdkafka
 * helpers to stage topics, messages, committed offsets and consumer groups.
 * Runner and test main threads; each live consumer polls on its own. */
#ifndef WARROOM_KAFKA_SERVER_H
#define WARROOM_KAFKA_SERVER_H

#include "build-config.h"

#if HAVE_RDKAFKA

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "127.0.0.1:PORT" of the shared broker, for the forked tests. */
#define KAFKA_SERVER_ENV "WARROOM_KAFKA_BROKERS"
/* The assembled Kafka (scripts/kafka-build): $WARROOM_KAFKA_HOME/bin has
 * kafka-topics and kafka-consumer-groups to compare against. */
#define KAFKA_SERVER_HOME_ENV "WARROOM_KAFKA_HOME"

/* A test binary's whole main(): parses Criterion's arguments, starts the
 * broker, runs every test (each forked test inherits the broker's
 * address), stops the broker. Returns main's exit status. */
int kafka_server_main(int argc, char *argv[]);

/* Starts the shared broker (scripts/kafka-up under $WARROOM_SOURCE_DIR,
 * in a temporary directory; it dies with this process) and exports
 * KAFKA_SERVER_ENV and KAFKA_SERVER_HOME_ENV; nothing to do when
 * KAFKA_SERVER_ENV is already set (a broker of the caller's). Returns 0,
 * or -1 after printing why and the broker's log. */
int kafka_server_start(void);
/* Stops the broker kafka_server_start() started and removes its files. */
void kafka_server_stop(void);

/* The broker's process id when this process started it, else -1 (the
 * benchmark reads its CPU time). */
int kafka_server_pid(void);
/* The broker's address, or NULL when there is none. */
const char *kafka_server_brokers(void);
/* A topic or group name no other test uses: "PREFIX-PID-N-NANOS". The
 * caller frees it. */
char *kafka_server_unique_name(const char *prefix);

/* A client of the broker (librdkafka logs errors only). type
 * RD_KAFKA_CONSUMER with a group: a handle of that group that commits
 * nothing by itself; with group NULL any type serves admin requests.
 * NULL after printing why. */
rd_kafka_t *kafka_server_client(rd_kafka_type_t type, const char *group);

/* Creates topic with partitions partitions (one replica) and waits until
 * metadata shows every partition with a leader. Returns 0 or -1. */
int kafka_server_create_topic(const char *topic, int partitions);
/* Produces count messages to one partition of topic and waits until each
 * is acknowledged by the broker (acks=all). Returns 0 or -1. */
int kafka_server_produce(const char *topic, int partition, int count);
/* The partition's low and high watermarks. Returns 0 or -1. */
int kafka_server_watermarks(const char *topic, int partition, int64_t *low,
			    int64_t *high);

/* Commits offsets[p] for partitions p = 0..n-1 of topic on behalf of
 * group without joining it (a negative offset skips the partition). The
 * broker takes it only while the group has no members (Empty, or no group
 * yet): to move a live group's offsets, commit through a member
 * (kafka_server_consumer_commit_offsets). Returns 0 or -1. */
int kafka_server_commit(const char *group, const char *topic,
			const int64_t *offsets, int n);
/* group's committed offsets of partitions 0..n-1 of topic into offsets;
 * RD_KAFKA_OFFSET_INVALID (-1001) for a partition without a commit.
 * Returns 0 or -1. */
int kafka_server_committed(const char *group, const char *topic,
			   int64_t *offsets, int n);

struct kafka_server_member {
	char *member_id;
	char *client_id;
	char *host;
	int n_assigned;         /* partitions assigned to it */
};

struct kafka_server_group {
	rd_kafka_consumer_group_state_t state;
	const char *state_name; /* "Stable", "Empty", "Dead", ... */
	bool simple;            /* no protocol: only commits, no members */
	size_t n_members;
	struct kafka_server_member *members;
};

/* DescribeConsumerGroups of one group into g (free it with
 * kafka_server_group_free). A group the broker does not know is "Dead"
 * with no members. Returns 0 or -1. */
int kafka_server_describe_group(const char *group,
				struct kafka_server_group *g);
void kafka_server_group_free(struct kafka_server_group *g);
/* Waits until group is in state with n_members members; true if it got
 * there within timeout_ms. */
bool kafka_server_wait_group(const char *group,
			     rd_kafka_consumer_group_state_t state,
			     size_t n_members, int timeout_ms);

/* A live member of a consumer group: subscribes (joins the group), polls
 * on its own thread from the committed offsets (else the earliest), and
 * commits what it consumed every commit_interval_ms when auto_commit. */
struct kafka_server_consumer_opts {
	bool auto_commit;
	int commit_interval_ms;         /* 0: 200 */
	int session_timeout_ms;         /* 0: 6000 (the broker's minimum is 1000) */
	int max_poll_interval_ms;       /* 0: 300000 */
	const char *client_id;          /* NULL: "warroom-test" */
};

struct kafka_server_consumer;

/* Starts a member of group on topic (opts NULL: auto_commit and the
 * defaults). NULL after printing why. */
struct kafka_server_consumer *
kafka_server_consumer_start(const char *group, const char *topic,
			    const struct kafka_server_consumer_opts *opts);
/* Whether it has been assigned partitions (it has joined) within
 * timeout_ms. */
bool kafka_server_consumer_wait_assigned(struct kafka_server_consumer *c,
					 int timeout_ms);
/* How many times it has been assigned partitions: once per rebalance (the
 * eager protocol revokes and assigns anew), so a count that does not move
 * means no rebalance happened. */
int kafka_server_consumer_assignments(struct kafka_server_consumer *c);
/* Messages consumed so far, and a wait until at least n are. */
int64_t kafka_server_consumer_consumed(struct kafka_server_consumer *c);
bool kafka_server_consumer_wait_consumed(struct kafka_server_consumer *c,
					 int64_t n, int timeout_ms);
/* Commits what it has consumed now (synchronously). Returns 0, or -1
 * (also when there is nothing new to commit). */
int kafka_server_consumer_commit(struct kafka_server_consumer *c);
/* Commits offsets[p] for partitions 0..n-1 as this member, e.g. lower than
 * consumed ("commit rewound"); negative offsets are skipped. Returns 0 or
 * -1. */
int kafka_server_consumer_commit_offsets(struct kafka_server_consumer *c,
					 const int64_t *offsets, int n);
/* Turns the periodic commits off ("member stops committing": it stays in
 * the group and keeps consuming) or back on. */
void kafka_server_consumer_set_committing(struct kafka_server_consumer *c,
					  bool on);
/* Stops polling (a stalled member: librdkafka keeps it in the group,
 * heartbeating, until max_poll_interval_ms) or resumes. */
void kafka_server_consumer_pause(struct kafka_server_consumer *c,
				 bool paused);
/* Stops the thread and closes the consumer, which leaves the group (last
 * member gone: the group is Empty). Commits nothing more. */
void kafka_server_consumer_stop(struct kafka_server_consumer *c);

#endif /* HAVE_RDKAFKA */

#endif
