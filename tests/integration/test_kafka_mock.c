/* The Kafka probe against librdkafka's mock cluster, for what a real broker
 * cannot do cheaply: a broker that is down and one that answers too
 * slowly. Each is a one-line error within the source's timeout. (The mock
 * cannot answer DescribeConsumerGroups, which hangs the handle: these
 * tests never get that far.) And the scrubbing of secrets from what
 * librdkafka says. */
#include <criterion/criterion.h>

#include "build-config.h"

#if HAVE_RDKAFKA

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/snapshot.h"
#include "probes/kafka.h"
#include "probes/kafka_client.h"

#define TIMEOUT_MS 2000
/* What a poll may take beyond its timeout on a machine busy with builds. */
#define SLACK_MS 3000

static rd_kafka_t *owner;
static rd_kafka_mock_cluster_t *mock;
static struct config cfg;

static void
start_mock(void)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char why[256];

	/* The mock's own handle connects nowhere: no warning about it. */
	rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
	owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	cr_assert_not_null(owner, "%s", why);
	mock = rd_kafka_mock_cluster_new(owner, 1);
	cr_assert_not_null(mock);
	memset(&cfg, 0, sizeof(cfg));
}

static void
stop_mock(void)
{
	config_finish(&cfg);
	rd_kafka_mock_cluster_destroy(mock);
	rd_kafka_destroy(owner);
}

TestSuite(kafka_mock, .init = start_mock, .fini = stop_mock);

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
probe_of_mock(void)
{
	struct config_section *sec = config_add_section(&cfg, "kafka.mock");
	struct err err = { { 0 } };
	void *kp;

	config_section_set(sec, "brokers",
			   rd_kafka_mock_cluster_bootstraps(mock));
	sec->timeout_ms = TIMEOUT_MS;
	sec->interval_ms = 1000;
	kp = kafka_probe_new(sec, NULL, &err);
	cr_assert_not_null(kp, "%s", err.msg);
	return kp;
}

/* Polls once; expects a failure within the timeout whose message is one
 * line and contains want. */
static void
expect_failure(void *kp, const char *want)
{
	struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.mock");
	struct err err = { { 0 } };
	int64_t t0 = now_ms(), took;

	cr_expect_neq(kafka_probe_poll(kp, s, &err), 0);
	took = now_ms() - t0;
	cr_expect_leq(took, TIMEOUT_MS + SLACK_MS, "the poll took %lld ms",
		      (long long)took);
	cr_expect_null(s->data);
	cr_expect_neq(err.msg[0], '\0');
	cr_expect_null(strchr(err.msg, '\n'), "%s", err.msg);
	cr_expect(strstr(err.msg, want) != NULL, "'%s' lacks '%s'", err.msg,
		  want);
	snapshot_unref(s);
}

Test(kafka_mock, broker_down_is_a_one_line_error_in_time, .timeout = 60)
{
	void *kp;

	cr_assert_eq(rd_kafka_mock_broker_set_down(mock, 1),
		     RD_KAFKA_RESP_ERR_NO_ERROR);
	kp = probe_of_mock();
	expect_failure(kp, "Connection refused");
	/* Still down: the next poll says so as fast, and why, though
	 * librdkafka says a repeated error only once. */
	expect_failure(kp, "Connection refused");
	kafka_probe_free(kp);
}

Test(kafka_mock, slow_broker_is_a_one_line_error_in_time, .timeout = 60)
{
	void *kp;

	/* Every answer 10 s late: five times the source's timeout. */
	cr_assert_eq(rd_kafka_mock_broker_set_rtt(mock, 1, 10000),
		     RD_KAFKA_RESP_ERR_NO_ERROR);
	kp = probe_of_mock();
	expect_failure(kp, "metadata: no broker answered within 2s (");
	expect_failure(kp, "metadata: no broker answered within 2s (");
	kafka_probe_free(kp);
}

Test(kafka_mock, secrets_are_scrubbed_from_librdkafkas_words)
{
	char *secrets[] = { (char *)"hunter2", (char *)"tok-en" };
	struct kafka_client c = { .secrets = secrets, .n_secrets = 2 };
	char buf[64] = "auth hunter2 failed: hunter2, token tok-en";
	char tiny[16] = "x hunter2hunter";

	kafka_client_scrub(&c, buf, sizeof(buf));
	cr_expect_str_eq(buf, "auth <secret> failed: <secret>, token "
			 "<secret>");
	/* Longer than the buffer allows: cut, never spilled. */
	kafka_client_scrub(&c, tiny, sizeof(tiny));
	cr_expect_str_eq(tiny, "x <secret>hunte");
}

#endif /* HAVE_RDKAFKA */
