/* The Kafka fixture against the real broker it starts once for this binary
 * (kafka_server_main): topics, produced counts and watermarks, offsets
 * committed for a group without joining it, a live member making the group
 * Stable, a member that stops committing, a commit rewound, and the group
 * Empty once its consumer closed. */
#include <criterion/criterion.h>

#include "build-config.h"

#if HAVE_RDKAFKA

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "tests/integration/kafka_server.h"

#define WAIT_MS 30000

int
main(int argc, char *argv[])
{
	return kafka_server_main(argc, argv);
}

/* A new topic of n partitions, named after prefix; the caller frees it. */
static char *
new_topic(const char *prefix, int n)
{
	char *topic = kafka_server_unique_name(prefix);

	cr_assert_eq(kafka_server_create_topic(topic, n), 0,
		     "create topic %s", topic);
	return topic;
}

static void
assert_committed(const char *group, const char *topic, const int64_t *want,
		 int n)
{
	int64_t got[8];

	cr_assert(n <= 8);
	cr_assert_eq(kafka_server_committed(group, topic, got, n), 0);
	for (int p = 0; p < n; p++) {
		cr_expect_eq(got[p], want[p], "%s[%d]: committed %lld, want %lld",
			     topic, p, (long long)got[p], (long long)want[p]);
	}
}

Test(kafka_server, broker_is_shared_through_the_environment)
{
	const char *b = kafka_server_brokers();
	const char *home = getenv(KAFKA_SERVER_HOME_ENV);
	char *tool;

	cr_assert_not_null(b, "no broker in %s", KAFKA_SERVER_ENV);
	cr_expect_eq(strncmp(b, "127.0.0.1:", 10), 0, "broker %s", b);
	cr_assert_not_null(home);
	tool = xasprintf("%s/bin/kafka-consumer-groups", home);
	cr_expect_eq(access(tool, X_OK), 0, "%s", tool);
	free(tool);
}

Test(kafka_server, unique_names_differ)
{
	char *a = kafka_server_unique_name("t");
	char *b = kafka_server_unique_name("t");

	cr_expect_str_neq(a, b);
	cr_expect_eq(strncmp(a, "t-", 2), 0);
	free(a);
	free(b);
}

Test(kafka_server, produced_counts_and_committed_offsets, .timeout = 120)
{
	static const int counts[4] = { 3, 5, 0, 7 };
	const int64_t commit[4] = { 1, 5, -1, 4 };
	const int64_t want[4] = { 1, 5, RD_KAFKA_OFFSET_INVALID, 4 };
	const int64_t rewound[4] = { 0, 2, -1, -1 };
	const int64_t want_rewound[4] = { 0, 2, RD_KAFKA_OFFSET_INVALID, 4 };
	char *topic = new_topic("counts", 4);
	char *group = kafka_server_unique_name("counts-group");
	struct kafka_server_group g;

	for (int p = 0; p < 4; p++) {
		cr_assert_eq(kafka_server_produce(topic, p, counts[p]), 0);
	}
	for (int p = 0; p < 4; p++) {
		int64_t lo = -1, hi = -1;

		cr_assert_eq(kafka_server_watermarks(topic, p, &lo, &hi), 0);
		cr_expect_eq(lo, 0, "%s[%d] low %lld", topic, p, (long long)lo);
		cr_expect_eq(hi, counts[p], "%s[%d] high %lld, want %d", topic,
			     p, (long long)hi, counts[p]);
	}

	/* Nothing committed yet: the broker does not know the group. */
	assert_committed(group, topic,
			 (const int64_t[4]){ RD_KAFKA_OFFSET_INVALID,
					     RD_KAFKA_OFFSET_INVALID,
					     RD_KAFKA_OFFSET_INVALID,
					     RD_KAFKA_OFFSET_INVALID },
			 4);
	cr_assert_eq(kafka_server_commit(group, topic, commit, 4), 0);
	assert_committed(group, topic, want, 4);

	/* Offsets only, no member ever: an Empty group. */
	cr_assert_eq(kafka_server_describe_group(group, &g), 0);
	cr_expect_eq(g.state, RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY, "state %s",
		     g.state_name);
	cr_expect_eq(g.n_members, 0);
	kafka_server_group_free(&g);

	/* Lower offsets replace higher ones: a rewound commit. */
	cr_assert_eq(kafka_server_commit(group, topic, rewound, 4), 0);
	assert_committed(group, topic, want_rewound, 4);

	free(group);
	free(topic);
}

Test(kafka_server, unknown_group_is_dead_without_members, .timeout = 60)
{
	char *group = kafka_server_unique_name("nobody");
	struct kafka_server_group g;

	cr_assert_eq(kafka_server_describe_group(group, &g), 0);
	cr_expect_eq(g.state, RD_KAFKA_CONSUMER_GROUP_STATE_DEAD, "state %s",
		     g.state_name);
	cr_expect_eq(g.n_members, 0);
	kafka_server_group_free(&g);
	free(group);
}

Test(kafka_server, live_consumer_makes_the_group_stable_then_empty,
     .timeout = 120)
{
	char *topic = new_topic("live", 2);
	char *group = kafka_server_unique_name("live-group");
	struct kafka_server_consumer_opts opts = {
		.auto_commit = false,
		.client_id = "warroom-live",
	};
	struct kafka_server_consumer *c;
	struct kafka_server_group g;
	const int64_t all[2] = { 10, 6 };

	cr_assert_eq(kafka_server_produce(topic, 0, 10), 0);
	cr_assert_eq(kafka_server_produce(topic, 1, 6), 0);
	c = kafka_server_consumer_start(group, topic, &opts);
	cr_assert_not_null(c);
	cr_assert(kafka_server_consumer_wait_assigned(c, WAIT_MS));
	cr_assert(kafka_server_wait_group(
		group, RD_KAFKA_CONSUMER_GROUP_STATE_STABLE, 1, WAIT_MS));

	cr_assert_eq(kafka_server_describe_group(group, &g), 0);
	cr_expect_eq(g.state, RD_KAFKA_CONSUMER_GROUP_STATE_STABLE);
	cr_expect_str_eq(g.state_name, "Stable");
	cr_expect_not(g.simple);
	cr_assert_eq(g.n_members, 1);
	cr_expect_str_eq(g.members[0].client_id, "warroom-live");
	cr_expect_neq(g.members[0].member_id[0], '\0');
	cr_expect_eq(g.members[0].n_assigned, 2);
	kafka_server_group_free(&g);

	/* Consumed, not committed: nothing moves until the member commits. */
	cr_assert(kafka_server_consumer_wait_consumed(c, 16, WAIT_MS));
	cr_expect_eq(kafka_server_consumer_consumed(c), 16);
	assert_committed(group, topic,
			 (const int64_t[2]){ RD_KAFKA_OFFSET_INVALID,
					     RD_KAFKA_OFFSET_INVALID },
			 2);
	cr_assert_eq(kafka_server_consumer_commit(c), 0);
	assert_committed(group, topic, all, 2);

	/* A client outside the group cannot move a live group's offsets. */
	cr_expect_neq(kafka_server_commit(group, topic,
					  (const int64_t[2]){ 0, 0 }, 2),
		      0);
	assert_committed(group, topic, all, 2);

	kafka_server_consumer_stop(c);
	cr_assert(kafka_server_wait_group(
		group, RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY, 0, WAIT_MS));
	/* The offsets outlive the member. */
	assert_committed(group, topic, all, 2);
	free(group);
	free(topic);
}

Test(kafka_server, member_stops_committing_then_rewinds, .timeout = 120)
{
	char *topic = new_topic("stops", 1);
	char *group = kafka_server_unique_name("stops-group");
	struct kafka_server_consumer_opts opts = {
		.auto_commit = true,
		.commit_interval_ms = 100,
	};
	struct kafka_server_consumer *c;
	int64_t got = -1, lo, hi;

	cr_assert_eq(kafka_server_produce(topic, 0, 8), 0);
	c = kafka_server_consumer_start(group, topic, &opts);
	cr_assert_not_null(c);
	cr_assert(kafka_server_consumer_wait_consumed(c, 8, WAIT_MS));
	/* The periodic commit catches up with what it consumed. */
	for (int i = 0; i < 300 && got != 8; i++) {
		cr_assert_eq(kafka_server_committed(group, topic, &got, 1), 0);
		usleep(100000);
	}
	cr_assert_eq(got, 8, "committed %lld", (long long)got);

	/* It stays in the group and consumes, but commits no more: lag. */
	kafka_server_consumer_set_committing(c, false);
	usleep(300000);
	cr_assert_eq(kafka_server_produce(topic, 0, 5), 0);
	cr_assert(kafka_server_consumer_wait_consumed(c, 13, WAIT_MS));
	usleep(500000);
	cr_assert_eq(kafka_server_watermarks(topic, 0, &lo, &hi), 0);
	cr_expect_eq(hi, 13);
	assert_committed(group, topic, (const int64_t[1]){ 8 }, 1);
	cr_expect(kafka_server_wait_group(
		group, RD_KAFKA_CONSUMER_GROUP_STATE_STABLE, 1, WAIT_MS));

	/* The member rewinds its own group's offset while Stable. */
	cr_assert_eq(kafka_server_consumer_commit_offsets(
			     c, (const int64_t[1]){ 3 }, 1),
		     0);
	assert_committed(group, topic, (const int64_t[1]){ 3 }, 1);

	kafka_server_consumer_stop(c);
	cr_assert(kafka_server_wait_group(
		group, RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY, 0, WAIT_MS));
	assert_committed(group, topic, (const int64_t[1]){ 3 }, 1);
	free(group);
	free(topic);
}

#endif /* HAVE_RDKAFKA */
