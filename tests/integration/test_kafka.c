/* The Kafka probe against the real broker this binary starts once
 * (kafka_server_main): exact lag per partition beside
 * kafka-consumer-groups --describe, groups picked by patterns, a live group
 * Stable with its members and owners, each status with its rule (WARN,
 * STALL, STOP, REWIND) from real consumers, brokers and replication from
 * metadata, secrets kept out of every message, and that polling never
 * joins a group, rebalances it or moves its offsets. */
#include <criterion/criterion.h>

#include "build-config.h"

#if HAVE_RDKAFKA

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/kind.h"
#include "core/snapshot.h"
#include "core/xalloc.h"
#include "probes/kafka.h"
#include "tests/integration/harness.h"
#include "tests/integration/kafka_server.h"
#if HAVE_LIBCURL
#include "tests/integration/prom_server.h"
#endif

#define WAIT_MS 30000
/* A status needs a window of polls; these give it many times that. */
#define STATUS_MS 60000
#define POLL_GAP_US 400000

int
main(int argc, char *argv[])
{
	return kafka_server_main(argc, argv);
}

/* One config per section: config_add_section() may move earlier ones. */
static struct config cfgs[8];
static size_t n_cfgs;

static void
teardown(void)
{
	for (size_t i = 0; i < n_cfgs; i++) {
		config_finish(&cfgs[i]);
	}
	n_cfgs = 0;
}

TestSuite(kafka, .fini = teardown);

/* A section of the test broker watching groups (names or patterns), with
 * a 4 s window. */
static struct config_section *
section(const char *groups)
{
	struct config_section *sec;

	cr_assert(n_cfgs < sizeof(cfgs) / sizeof(cfgs[0]));
	sec = config_add_section(&cfgs[n_cfgs++], "kafka.test");
	cr_assert_not_null(kafka_server_brokers());
	config_section_set(sec, "brokers", kafka_server_brokers());
	if (groups != NULL) {
		config_section_set(sec, "groups", groups);
	}
	config_section_set(sec, "window", "4s");
	sec->timeout_ms = 15000;
	sec->interval_ms = 500;
	return sec;
}

static void *
probe(const struct config_section *sec)
{
	struct err err = { { 0 } };
	void *kp = kafka_probe_new(sec, NULL, &err);

	cr_assert_not_null(kp, "%s", err.msg);
	return kp;
}

static struct snapshot *
poll_ok(void *kp)
{
	struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.test");
	struct err err = { { 0 } };

	cr_assert_eq(kafka_probe_poll(kp, s, &err), 0, "%s", err.msg);
	cr_assert_not_null(s->data);
	return s;
}

static const struct kafka_group *
group_of(const struct snapshot *s, const char *name)
{
	const struct kafka_model *m = snapshot_kafka(s);

	for (size_t i = 0; m != NULL && i < m->n_groups; i++) {
		if (strcmp(m->groups[i].group, name) == 0) {
			return &m->groups[i];
		}
	}
	return NULL;
}

static const struct kafka_partition *
part_of(const struct kafka_group *g, int partition)
{
	for (size_t i = 0; g != NULL && i < g->n_partitions; i++) {
		if (g->partitions[i].partition == partition) {
			return &g->partitions[i];
		}
	}
	return NULL;
}

/* Polls until group has status st (each poll after produce(), when
 * given); returns that snapshot. Fails with the last reason seen. */
static struct snapshot *
poll_until(void *kp, const char *group, enum kafka_status st,
	   void (*between)(void *), void *arg)
{
	char last[256] = "never seen";
	int tries = STATUS_MS / (POLL_GAP_US / 1000);

	for (int i = 0; i < tries; i++) {
		struct snapshot *s;
		const struct kafka_group *g;

		if (between != NULL) {
			between(arg);
		}
		s = poll_ok(kp);
		g = group_of(s, group);
		if (g != NULL && g->status == st) {
			return s;
		}
		if (g != NULL) {
			snprintf(last, sizeof(last), "%s", g->reason);
		}
		snapshot_unref(s);
		usleep(POLL_GAP_US);
	}
	cr_assert_fail("%s never became %s; last: %s", group,
		       kafka_status_name(st), last);
	return NULL;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static char *
new_topic(const char *prefix, int n)
{
	char *topic = kafka_server_unique_name(prefix);

	cr_assert_eq(kafka_server_create_topic(topic, n), 0, "topic %s", topic);
	return topic;
}

/* A consumer of partition 0 of topic with n messages, which it has
 * consumed and committed. */
static struct kafka_server_consumer *
consumer_caught_up(const char *group, const char *topic, int64_t n)
{
	struct kafka_server_consumer_opts opts = {
		.auto_commit = true,
		.commit_interval_ms = 100,
		.client_id = "warroom-test-consumer",
	};
	struct kafka_server_consumer *c;
	int64_t got = -1;

	cr_assert_eq(kafka_server_produce(topic, 0, (int)n), 0);
	c = kafka_server_consumer_start(group, topic, &opts);
	cr_assert_not_null(c);
	cr_assert(kafka_server_consumer_wait_consumed(c, n, WAIT_MS));
	for (int i = 0; i < 300 && got != n; i++) {
		cr_assert_eq(kafka_server_committed(group, topic, &got, 1), 0);
		usleep(100000);
	}
	cr_assert_eq(got, n, "committed %lld", (long long)got);
	return c;
}

/* ---- lag ------------------------------------------------------------- */

/* kafka-consumer-groups --describe --group: the LAG column per partition
 * of topic into lag[] (-1 for "-"). Returns how many rows it read. */
static int
reference_lag(const char *group, const char *topic, int64_t *lag, int n)
{
	const char *home = getenv(KAFKA_SERVER_HOME_ENV);
	char *cmd, line[1024];
	int rows = 0;
	FILE *f;

	cr_assert_not_null(home);
	cmd = xasprintf("'%s/bin/kafka-consumer-groups' --bootstrap-server "
			"'%s' --describe --group '%s' 2>/dev/null", home,
			kafka_server_brokers(), group);
	f = popen(cmd, "r");
	free(cmd);
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char g[256], t[256], cur[32], end[32], lg[32];
		int p;

		if (sscanf(line, "%255s %255s %d %31s %31s %31s", g, t, &p, cur,
			   end, lg) != 6 || strcmp(t, topic) != 0 || p < 0 ||
		    p >= n) {
			continue;
		}
		lag[p] = strcmp(lg, "-") == 0 ? -1 : atoll(lg);
		rows++;
	}
	pclose(f);
	return rows;
}

Test(kafka, lag_per_partition_is_exact_and_matches_the_reference,
     .timeout = 240)
{
	static const int counts[4] = { 30, 50, 0, 70 };
	const int64_t commit[4] = { 10, 50, -1, 5 };
	char *topic = new_topic("lag", 4);
	char *group = kafka_server_unique_name("lag-group");
	int64_t ref[4] = { -2, -2, -2, -2 };
	const struct kafka_partition *p;
	const struct kafka_group *g;
	struct snapshot *s;
	void *kp;

	for (int i = 0; i < 4; i++) {
		cr_assert_eq(kafka_server_produce(topic, i, counts[i]), 0);
	}
	cr_assert_eq(kafka_server_commit(group, topic, commit, 4), 0);
	kp = probe(section(group));
	s = poll_ok(kp);
	g = group_of(s, group);
	cr_assert_not_null(g);
	cr_expect_str_eq(g->state, "Empty");
	cr_expect_eq(g->members, 0);
	cr_expect_str_eq(g->topic, topic);
	cr_expect_str_empty(g->error);
	/* Partition 2 has neither a commit nor an owner: not the group's. */
	cr_assert_eq(g->n_partitions, 3);
	cr_expect_null(part_of(g, 2));
	p = part_of(g, 0);
	cr_assert_not_null(p);
	cr_expect_str_eq(p->topic, topic);
	cr_expect_float_eq(p->committed, 10, 0);
	cr_expect_float_eq(p->high, 30, 0);
	cr_expect_float_eq(p->lag, 20, 0);
	p = part_of(g, 1);
	cr_expect_float_eq(p->lag, 0, 0);
	cr_expect_float_eq(p->lag_s, 0, 0);
	p = part_of(g, 3);
	cr_expect_float_eq(p->committed, 5, 0);
	cr_expect_float_eq(p->high, 70, 0);
	cr_expect_float_eq(p->lag, 65, 0);
	cr_expect_float_eq(g->total_lag, 85, 0);
	/* One poll: judged, but the window is not covered yet. */
	cr_expect_eq(g->status, KAFKA_OK);
	cr_expect(strstr(g->reason, "watched") != NULL, "%s", g->reason);

	/* The tool the runbooks run says the same. */
	cr_assert_eq(reference_lag(group, topic, ref, 4), 3);
	cr_expect_eq(ref[0], 20);
	cr_expect_eq(ref[1], 0);
	cr_expect_eq(ref[3], 65);
	snapshot_unref(s);
	kafka_probe_free(kp);
	free(group);
	free(topic);
}

Test(kafka, groups_are_listed_and_picked_by_patterns, .timeout = 120)
{
	char *prefix = kafka_server_unique_name("pick");
	char *topic = new_topic("pick", 1);
	char *a = xasprintf("%s-a", prefix), *b = xasprintf("%s-b", prefix);
	char *c = xasprintf("%s-c", prefix), *pattern = xasprintf("%s-*",
								prefix);
	const int64_t one = 1;
	struct config_section *sec;
	struct snapshot *s;
	void *kp;

	cr_assert_eq(kafka_server_produce(topic, 0, 3), 0);
	cr_assert_eq(kafka_server_commit(a, topic, &one, 1), 0);
	cr_assert_eq(kafka_server_commit(b, topic, &one, 1), 0);
	cr_assert_eq(kafka_server_commit(c, topic, &one, 1), 0);
	sec = section(pattern);
	config_section_set(sec, "exclude_groups", c);
	kp = probe(sec);
	s = poll_ok(kp);
	cr_expect_not_null(group_of(s, a));
	cr_expect_not_null(group_of(s, b));
	cr_expect_null(group_of(s, c), "excluded");
	/* Other tests' groups do not match the pattern. */
	cr_expect_eq(snapshot_kafka(s)->n_groups, 2);
	cr_expect_float_eq(part_of(group_of(s, a), 0)->lag, 2, 0);
	snapshot_unref(s);
	kafka_probe_free(kp);

	/* Without groups =, every group the broker lists is there. */
	kp = probe(section(NULL));
	s = poll_ok(kp);
	cr_expect_not_null(group_of(s, c));
	snapshot_unref(s);
	kafka_probe_free(kp);
	free(prefix);
	free(topic);
	free(a);
	free(b);
	free(c);
	free(pattern);
}

Test(kafka, live_group_is_stable_with_its_members_and_owners,
     .timeout = 120)
{
	char *topic = new_topic("live", 2);
	char *group = kafka_server_unique_name("live-group");
	struct kafka_server_consumer_opts opts = {
		.auto_commit = false,
		.client_id = "warroom-live",
	};
	struct kafka_server_consumer *c;
	const struct kafka_partition *p;
	const struct kafka_group *g;
	struct snapshot *s;
	void *kp;

	cr_assert_eq(kafka_server_produce(topic, 0, 10), 0);
	cr_assert_eq(kafka_server_produce(topic, 1, 6), 0);
	c = kafka_server_consumer_start(group, topic, &opts);
	cr_assert_not_null(c);
	cr_assert(kafka_server_consumer_wait_assigned(c, WAIT_MS));
	cr_assert(kafka_server_wait_group(
		group, RD_KAFKA_CONSUMER_GROUP_STATE_STABLE, 1, WAIT_MS));
	cr_assert(kafka_server_consumer_wait_consumed(c, 16, WAIT_MS));
	kp = probe(section(group));

	/* Assigned, consumed, nothing committed yet: said so. */
	s = poll_ok(kp);
	g = group_of(s, group);
	cr_assert_not_null(g);
	cr_expect_str_eq(g->state, "Stable");
	cr_expect_eq(g->members, 1);
	cr_assert_eq(g->n_partitions, 2);
	p = part_of(g, 0);
	cr_expect(isnan(p->committed));
	cr_expect(isnan(p->lag));
	cr_expect_float_eq(p->high, 10, 0);
	cr_expect_eq(p->status, KAFKA_NONE);
	cr_expect_str_eq(p->reason, "partition 0: no commit");
	cr_expect_str_eq(p->owner, "warroom-live@127.0.0.1");
	cr_expect_str_eq(part_of(g, 1)->owner, "warroom-live@127.0.0.1");
	cr_expect_eq(g->status, KAFKA_NONE);
	snapshot_unref(s);

	cr_assert_eq(kafka_server_consumer_commit(c), 0);
	s = poll_ok(kp);
	g = group_of(s, group);
	cr_expect_float_eq(part_of(g, 0)->committed, 10, 0);
	cr_expect_float_eq(part_of(g, 1)->committed, 6, 0);
	cr_expect_float_eq(g->total_lag, 0, 0);
	cr_expect_eq(g->status, KAFKA_OK);
	snapshot_unref(s);
	kafka_probe_free(kp);
	kafka_server_consumer_stop(c);
	free(group);
	free(topic);
}

/* ---- each status from real consumers --------------------------------- */

struct slow_commits {
	const char *group;
	const char *topic;
	int64_t committed;
};

/* 20 more messages, 5 more committed: lag grows at every commit. */
static void
fall_behind(void *arg)
{
	struct slow_commits *sc = arg;

	cr_assert_eq(kafka_server_produce(sc->topic, 0, 20), 0);
	sc->committed += 5;
	cr_assert_eq(kafka_server_commit(sc->group, sc->topic, &sc->committed,
					 1), 0);
}

Test(kafka, lag_growing_across_the_window_is_warn, .timeout = 180)
{
	char *topic = new_topic("warn", 1);
	char *group = kafka_server_unique_name("warn-group");
	struct slow_commits sc = { group, topic, 0 };
	const struct kafka_group *g;
	struct snapshot *s;
	void *kp = probe(section(group));

	s = poll_until(kp, group, KAFKA_WARN, fall_behind, &sc);
	g = group_of(s, group);
	cr_expect(starts_with(g->reason, "WARN: partition 0 lag grew from "),
		  "%s", g->reason);
	cr_expect(strstr(g->reason, " commits (committed rose ") != NULL,
		  "%s", g->reason);
	cr_expect_eq(g->worst, 0);
	cr_expect_eq(g->partitions[0].status, KAFKA_WARN);
	cr_expect_gt(g->lag_per_s, 0);
	cr_expect_gt(g->lag_history.n, 2);
	snapshot_unref(s);
	kafka_probe_free(kp);
	free(group);
	free(topic);
}

/* A one-partition topic of 8 messages, a live member of its group that
 * consumed and committed them all, and a probe of the group that has seen
 * that commit (before the log end moves on). */
struct watched {
	char *topic;
	char *group;
	struct kafka_server_consumer *c;        /* NULL once stopped */
	void *kp;
};

static void
watched_start(struct watched *w, const char *name)
{
	w->topic = new_topic(name, 1);
	w->group = kafka_server_unique_name(name);
	w->c = consumer_caught_up(w->group, w->topic, 8);
	w->kp = probe(section(w->group));
	snapshot_unref(poll_ok(w->kp));
}

static void
watched_stop(struct watched *w)
{
	kafka_probe_free(w->kp);
	kafka_server_consumer_stop(w->c);
	free(w->group);
	free(w->topic);
}

Test(kafka, member_that_stops_committing_is_stall, .timeout = 180)
{
	struct watched w;
	const struct kafka_group *g;
	struct snapshot *s;

	watched_start(&w, "stall");
	kafka_server_consumer_set_committing(w.c, false);
	usleep(300000);
	cr_assert_eq(kafka_server_produce(w.topic, 0, 5), 0);
	cr_assert(kafka_server_consumer_wait_consumed(w.c, 13, WAIT_MS));
	s = poll_until(w.kp, w.group, KAFKA_STALL, NULL, NULL);
	g = group_of(s, w.group);
	cr_expect_str_eq(g->state, "Stable");
	cr_expect_eq(g->members, 1);
	cr_expect(starts_with(g->reason, "STALL: partition 0 committed 8 for "),
		  "%s", g->reason);
	cr_expect(ends_with(g->reason, "s while log end rose 5 (lag 5, "
			    "1 member)"), "%s", g->reason);
	cr_expect_gt(g->lag_s, 0);
	snapshot_unref(s);
	watched_stop(&w);
}

Test(kafka, group_whose_consumer_closed_is_stop, .timeout = 180)
{
	struct watched w;
	const struct kafka_group *g;
	struct snapshot *s;

	watched_start(&w, "stop");
	kafka_server_consumer_stop(w.c);
	w.c = NULL;
	cr_assert(kafka_server_wait_group(
		w.group, RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY, 0, WAIT_MS));
	cr_assert_eq(kafka_server_produce(w.topic, 0, 5), 0);
	s = poll_until(w.kp, w.group, KAFKA_STOP, NULL, NULL);
	g = group_of(s, w.group);
	cr_expect_str_eq(g->state, "Empty");
	cr_expect_eq(g->members, 0);
	cr_expect(starts_with(g->reason, "STOP: partition 0 committed 8 for "),
		  "%s", g->reason);
	cr_expect(ends_with(g->reason, ", lag 5, no members"), "%s",
		  g->reason);
	snapshot_unref(s);
	watched_stop(&w);
}

Test(kafka, rewound_commit_is_rewind, .timeout = 180)
{
	struct watched w;
	const struct kafka_group *g;
	struct snapshot *s;

	watched_start(&w, "rewind");
	kafka_server_consumer_set_committing(w.c, false);
	usleep(300000);
	cr_assert_eq(kafka_server_consumer_commit_offsets(
			     w.c, (const int64_t[1]){ 3 }, 1), 0);
	s = poll_until(w.kp, w.group, KAFKA_REWIND, NULL, NULL);
	g = group_of(s, w.group);
	cr_expect(starts_with(g->reason, "REWIND: partition 0 commit went "
			      "back from 8 to 3 (-5) "), "%s", g->reason);
	cr_expect_float_eq(g->partitions[0].lag, 5, 0);
	snapshot_unref(s);
	watched_stop(&w);
}

/* ---- what polling must never do -------------------------------------- */

Test(kafka, polling_never_joins_rebalances_or_commits, .timeout = 180)
{
	char *topic = new_topic("quiet", 2);
	char *group = kafka_server_unique_name("quiet-group");
	struct kafka_server_consumer_opts opts = {
		.auto_commit = false,
		.client_id = "warroom-watched",
	};
	struct kafka_server_consumer *c;
	struct kafka_server_group before, after;
	int64_t off_before[2], off_after[2];
	int assigned;
	void *named, *all;

	cr_assert_eq(kafka_server_produce(topic, 0, 7), 0);
	cr_assert_eq(kafka_server_produce(topic, 1, 9), 0);
	c = kafka_server_consumer_start(group, topic, &opts);
	cr_assert_not_null(c);
	cr_assert(kafka_server_consumer_wait_consumed(c, 16, WAIT_MS));
	cr_assert_eq(kafka_server_consumer_commit_offsets(
			     c, (const int64_t[2]){ 4, 9 }, 2), 0);
	cr_assert(kafka_server_wait_group(
		group, RD_KAFKA_CONSUMER_GROUP_STATE_STABLE, 1, WAIT_MS));
	assigned = kafka_server_consumer_assignments(c);
	cr_assert_eq(kafka_server_describe_group(group, &before), 0);
	cr_assert_eq(kafka_server_committed(group, topic, off_before, 2), 0);

	/* By name, and every group the broker lists. */
	named = probe(section(group));
	all = probe(section(NULL));
	for (int i = 0; i < 10; i++) {
		struct snapshot *s = poll_ok(named);
		const struct kafka_group *g = group_of(s, group);

		cr_assert_not_null(g);
		cr_expect_eq(g->members, 1);
		snapshot_unref(s);
		snapshot_unref(poll_ok(all));
		usleep(300000);
	}
	kafka_probe_free(named);
	kafka_probe_free(all);

	cr_expect_eq(kafka_server_consumer_assignments(c), assigned,
		     "the group rebalanced while warroom polled");
	cr_assert_eq(kafka_server_describe_group(group, &after), 0);
	cr_expect_eq(after.state, RD_KAFKA_CONSUMER_GROUP_STATE_STABLE);
	cr_assert_eq(after.n_members, 1);
	cr_expect_str_eq(after.members[0].member_id,
			 before.members[0].member_id);
	cr_expect_str_eq(after.members[0].client_id, "warroom-watched");
	cr_assert_eq(kafka_server_committed(group, topic, off_after, 2), 0);
	cr_expect_eq(off_after[0], off_before[0]);
	cr_expect_eq(off_after[1], off_before[1]);
	cr_expect_eq(off_after[0], 4);
	kafka_server_group_free(&before);
	kafka_server_group_free(&after);
	kafka_server_consumer_stop(c);
	free(group);
	free(topic);
}

/* ---- the cluster ----------------------------------------------------- */

Test(kafka, brokers_and_replication_from_metadata, .timeout = 60)
{
	void *kp = probe(section("nobody-watches-this-group"));
	struct snapshot *s = poll_ok(kp);
	const struct kafka_model *m = snapshot_kafka(s);
	const struct kafka_group *g = group_of(s, "nobody-watches-this-group");

	cr_expect_eq(m->brokers_up, 1);
	cr_expect_eq(m->brokers_total, 1);
	cr_expect_eq(m->under_replicated, 0);
	cr_expect_not(m->metrics_view);
	cr_expect_str_eq(m->bootstrap, kafka_server_brokers());
	/* A group the broker does not know: Dead, nothing committed. */
	cr_assert_not_null(g);
	cr_expect_str_eq(g->state, "Dead");
	cr_expect_eq(g->n_partitions, 0);
	cr_expect_eq(g->status, KAFKA_NONE);
	snapshot_unref(s);
	kafka_probe_free(kp);
}

/* ---- secrets --------------------------------------------------------- */

Test(kafka, secrets_never_reach_a_message, .timeout = 60)
{
	struct config_section *sec = section(NULL);
	struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.test");
	struct err err = { { 0 } };
	void *kp;

	/* SASL against a plaintext listener: refused, the password not
	 * shown. */
	config_section_set(sec, "security.protocol", "sasl_plaintext");
	config_section_set(sec, "sasl.mechanism", "PLAIN");
	config_section_set(sec, "sasl.username", "warroom");
	config_section_set(sec, "sasl.password", "hunter2-s3cret");
	sec->timeout_ms = 3000;
	kp = probe(sec);
	cr_expect_neq(kafka_probe_poll(kp, s, &err), 0);
	cr_expect_neq(err.msg[0], '\0');
	cr_expect(strstr(err.msg, "hunter2") == NULL, "%s", err.msg);
	cr_expect(strchr(err.msg, '\n') == NULL, "%s", err.msg);
	/* Names are no secrets: librdkafka's words stay readable. */
	cr_expect(strstr(err.msg, "SASL PLAIN") != NULL, "%s", err.msg);
	snapshot_unref(s);
	kafka_probe_free(kp);

	/* A value librdkafka refuses is named by key only. */
	sec = section(NULL);
	config_section_set(sec, "librdkafka.socket.keepalive.enable",
			   "hunter2");
	cr_expect_null(kafka_probe_new(sec, NULL, &err));
	cr_expect_str_eq(err.msg, "librdkafka refuses "
			 "librdkafka.socket.keepalive.enable in [kafka.test] "
			 "(the value is not shown)");

	/* What would join or commit is not passed on. */
	sec = section(NULL);
	config_section_set(sec, "librdkafka.group.id", "sneaky");
	cr_expect_null(kafka_probe_new(sec, NULL, &err));
	cr_expect_str_eq(err.msg, "librdkafka.group.id in [kafka.test] is "
			 "warroom's own setting (it never joins a group nor "
			 "commits)");
}

/* ---- the metrics view ----------------------------------------------------- */

#if HAVE_LIBCURL

/* kafka_exporter's series for the last five minutes: billing 60 behind on
 * orders/0 with 2 members, idle never committed, legacy with a lag and no
 * offsets; 3 brokers, orders/0 under-replicated. */
static char *
exporter_data(void)
{
	static const struct {
		const char *family, *labels;
		double v;
	} series[] = {
		{ "kafka_consumergroup_current_offset",
		  "consumergroup=\"billing\",topic=\"orders\",partition=\"0\"",
		  100 },
		{ "kafka_consumergroup_current_offset",
		  "consumergroup=\"billing\",topic=\"orders\",partition=\"1\"",
		  250 },
		{ "kafka_consumergroup_current_offset",
		  "consumergroup=\"idle\",topic=\"orders\",partition=\"0\"",
		  -1 },
		{ "kafka_topic_partition_current_offset",
		  "topic=\"orders\",partition=\"0\"", 160 },
		{ "kafka_topic_partition_current_offset",
		  "topic=\"orders\",partition=\"1\"", 250 },
		{ "kafka_consumergroup_lag",
		  "consumergroup=\"billing\",topic=\"orders\",partition=\"0\"",
		  60 },
		{ "kafka_consumergroup_lag",
		  "consumergroup=\"billing\",topic=\"orders\",partition=\"1\"",
		  0 },
		{ "kafka_consumergroup_lag",
		  "consumergroup=\"legacy\",topic=\"audit\",partition=\"0\"",
		  42 },
		{ "kafka_consumergroup_members", "consumergroup=\"billing\"", 2 },
		{ "kafka_brokers", "", 3 },
		{ "kafka_topic_partition_under_replicated_partition",
		  "topic=\"orders\",partition=\"0\"", 1 },
		{ "kafka_topic_partition_under_replicated_partition",
		  "topic=\"orders\",partition=\"1\"", 0 },
	};
	int64_t now = clock_wall_ms() / 1000;
	size_t n = sizeof(series) / sizeof(*series), i, len = 0, cap = 1 << 16;
	char *out = xmalloc(cap);
	const char *family = "";

	for (i = 0; i < n; i++) {
		if (strcmp(family, series[i].family) != 0) {
			family = series[i].family;
			len += (size_t)snprintf(out + len, cap - len,
						"# TYPE %s gauge\n", family);
		}
		for (int64_t t = now - 300; t <= now; t += 15) {
			len += (size_t)snprintf(out + len, cap - len,
						"%s{%s} %g %lld\n", family,
						series[i].labels, series[i].v,
						(long long)t);
		}
	}
	cr_assert_lt(len, cap);
	return out;
}

static void
expect_exported(const struct snapshot *s)
{
	const struct kafka_model *m = snapshot_kafka(s);
	const struct kafka_group *g;
	const struct kafka_partition *p;

	cr_assert_not_null(m);
	cr_expect(m->metrics_view);
	cr_expect(starts_with(m->notice, "metrics view (kafka_exporter via "
			      "Prometheus)"), "%s", m->notice);
	cr_expect_eq(m->brokers_up, 3);
	cr_expect_eq(m->brokers_total, 3);
	cr_expect_eq(m->under_replicated, 1);
	g = group_of(s, "billing");
	cr_assert_not_null(g);
	cr_expect_eq(g->members, 2);
	cr_expect_str_eq(g->state, "");
	cr_assert_eq(g->n_partitions, 2);
	p = part_of(g, 0);
	cr_expect_float_eq(p->committed, 100, 0);
	cr_expect_float_eq(p->high, 160, 0);
	cr_expect_float_eq(p->lag, 60, 0);
	cr_expect_eq(p->status, KAFKA_OK);
	cr_expect_float_eq(part_of(g, 1)->lag, 0, 0);
	cr_expect_float_eq(g->total_lag, 60, 0);
}

Test(kafka, metrics_view_when_the_brokers_cannot_be_asked, .timeout = 120)
{
	char *data = exporter_data();
	struct prom_server ps;
	struct config_section *sec;
	const struct kafka_group *g;
	struct snapshot *s;
	char dead[32];
	void *kp;

	cr_assert(prom_server_start_with(&ps,
					 &(struct prom_server_opts){
						 .extra = data }));
	free(data);
	/* Nothing listens there. */
	snprintf(dead, sizeof(dead), "127.0.0.1:%d", harness_free_port());
	sec = section(NULL);
	config_section_set(sec, "brokers", dead);
	config_section_set(sec, "metrics_url", ps.url);
	sec->timeout_ms = 6000;
	kp = probe(sec);
	s = poll_ok(kp);
	expect_exported(s);
	cr_expect(strstr(snapshot_kafka(s)->notice, "brokers: metadata: ") !=
		  NULL, "%s", snapshot_kafka(s)->notice);
	/* Never committed: said so. */
	g = group_of(s, "idle");
	cr_assert_not_null(g);
	cr_expect(isnan(part_of(g, 0)->committed));
	cr_expect_str_eq(part_of(g, 0)->reason, "partition 0: no commit");
	/* A lag without the offsets behind it: shown, not judged. */
	g = group_of(s, "legacy");
	cr_assert_not_null(g);
	cr_expect_float_eq(part_of(g, 0)->lag, 42, 0);
	cr_expect_eq(part_of(g, 0)->status, KAFKA_NONE);
	cr_expect_str_eq(part_of(g, 0)->reason, "partition 0: lag as "
			 "exported (offsets unknown)");
	snapshot_unref(s);
	kafka_probe_free(kp);

	/* Only metrics configured, and groups picked by a pattern. */
	sec = config_add_section(&cfgs[n_cfgs++], "kafka.metrics");
	config_section_set(sec, "metrics_url", ps.url);
	config_section_set(sec, "groups", "bill*");
	sec->timeout_ms = 6000;
	sec->interval_ms = 1000;
	kp = probe(sec);
	s = poll_ok(kp);
	expect_exported(s);
	cr_expect_str_eq(snapshot_kafka(s)->notice, "metrics view "
			 "(kafka_exporter via Prometheus)");
	cr_expect_eq(snapshot_kafka(s)->n_groups, 1);
	snapshot_unref(s);
	kafka_probe_free(kp);
	prom_server_stop(&ps);
}

#endif /* HAVE_LIBCURL */

#endif /* HAVE_RDKAFKA */
