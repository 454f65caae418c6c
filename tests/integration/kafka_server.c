/* A real Apache Kafka broker shared by a test binary's tests, and
 * librdkafka helpers: see kafka_server.h. Runner and test main threads,
 * except consumer_main, the live consumer's own thread. */
#include "tests/integration/kafka_server.h"
/* (Declarations even without librdkafka: no empty translation unit.) */
#include "tests/integration/harness.h"

#if HAVE_RDKAFKA

#include <criterion/criterion.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

#define REQUEST_MS 30000        /* one admin request or commit */
#define CREATE_MS 30000         /* a new topic's partitions get leaders */
#define FLUSH_MS 30000

/* The broker's directory, when this process started it. */
static char *broker_dir;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The value of NAME=... in the env file kafka-up wrote, or NULL. */
static char *
env_file_value(const char *path, const char *name)
{
	FILE *f = fopen(path, "r");
	size_t len = strlen(name);
	char line[1024];
	char *value = NULL;

	if (f == NULL) {
		return NULL;
	}
	while (value == NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, len) == 0 && line[len] == '=') {
			line[strcspn(line, "\n")] = '\0';
			value = xstrdup(line + len + 1);
		}
	}
	fclose(f);
	return value;
}

/* The end of a log, straight to our stderr. */
static void
print_tail(const char *path)
{
	char *cmd = xasprintf("tail -n 40 '%s' >&2", path);
	int rc;

	fprintf(stderr, "---- %s (last lines) ----\n", path);
	fflush(stderr);
	rc = system(cmd);
	(void)rc;
	free(cmd);
}

/* A client handle with the given group (or none), or NULL. Errors only
 * from librdkafka's log. */
static rd_kafka_t *
client(rd_kafka_type_t type, const char *group, rd_kafka_conf_t *conf)
{
	const char *brokers = kafka_server_brokers();
	char err[512];
	rd_kafka_t *rk;

	if (brokers == NULL) {
		fprintf(stderr, "kafka_server: no broker (%s is not set)\n",
			KAFKA_SERVER_ENV);
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, err,
			      sizeof(err)) != RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err)) !=
		    RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "log.connection.close", "false", err,
			      sizeof(err)) != RD_KAFKA_CONF_OK ||
	    (group != NULL &&
	     (rd_kafka_conf_set(conf, "group.id", group, err, sizeof(err)) !=
		      RD_KAFKA_CONF_OK ||
	      rd_kafka_conf_set(conf, "enable.auto.commit", "false", err,
				sizeof(err)) != RD_KAFKA_CONF_OK))) {
		fprintf(stderr, "kafka_server: %s\n", err);
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	rk = rd_kafka_new(type, conf, err, sizeof(err));
	if (rk == NULL) {
		fprintf(stderr, "kafka_server: rd_kafka_new: %s\n", err);
		rd_kafka_conf_destroy(conf);
	}
	return rk;
}

rd_kafka_t *
kafka_server_client(rd_kafka_type_t type, const char *group)
{
	return client(type, group, rd_kafka_conf_new());
}

/* Closes a consumer (leaving its group) or a producer, and frees it. */
static void
client_destroy(rd_kafka_t *rk)
{
	if (rk == NULL) {
		return;
	}
	if (rd_kafka_type(rk) == RD_KAFKA_CONSUMER) {
		rd_kafka_consumer_close(rk);
	}
	rd_kafka_destroy(rk);
}

/* Commits one offset for a throwaway group so that the group coordinator
 * (its __consumer_offsets partition) exists before the first test. */
static int
warm_up(void)
{
	char *topic = kafka_server_unique_name("warroom-warmup");
	int64_t off = 0;
	int rc;

	rc = kafka_server_create_topic(topic, 1);
	if (rc == 0) {
		rc = kafka_server_commit(topic, topic, &off, 1);
	}
	free(topic);
	return rc;
}

int
kafka_server_start(void)
{
	const char *src = getenv("WARROOM_SOURCE_DIR");
	const char *have = getenv(KAFKA_SERVER_ENV);
	char *log, *env, *brokers, *home;
	int64_t t0 = now_ms();
	int rc;

	if (have != NULL && have[0] != '\0') {
		return 0;
	}
	if (src == NULL || src[0] == '\0') {
		src = ".";
	}
	if ((broker_dir = harness_tmpdir("warroom-kafka")) == NULL) {
		fprintf(stderr, "kafka_server: no temporary directory\n");
		return -1;
	}
	log = xasprintf("%s/kafka-up.log", broker_dir);
	env = xasprintf("%s/env", broker_dir);
	/* The broker outlives the script: kafka-up's watchdog stops it when
	 * this process is gone, however it ends. */
	rc = harness_sh(log, "'%s/scripts/kafka-up' '%s' --parent %d", src,
			broker_dir, (int)getpid());
	brokers = rc == 0 ? env_file_value(env, "KAFKA_BROKERS") : NULL;
	home = rc == 0 ? env_file_value(env, "KAFKA_HOME") : NULL;
	if (brokers == NULL) {
		fprintf(stderr, "kafka_server: scripts/kafka-up failed (%d)\n",
			rc);
		print_tail(log);
		free(log);
		free(env);
		free(home);
		kafka_server_stop();
		return -1;
	}
	setenv(KAFKA_SERVER_ENV, brokers, 1);
	if (home != NULL) {
		setenv(KAFKA_SERVER_HOME_ENV, home, 1);
	}
	if (warm_up() < 0) {
		char *blog = xasprintf("%s/broker.log", broker_dir);

		fprintf(stderr, "kafka_server: the broker at %s does not take "
			"commits\n", brokers);
		print_tail(blog);
		free(blog);
		free(brokers);
		free(home);
		free(log);
		free(env);
		kafka_server_stop();
		return -1;
	}
	fprintf(stderr, "kafka_server: broker %s ready in %" PRId64 " ms\n",
		brokers, now_ms() - t0);
	free(brokers);
	free(home);
	free(log);
	free(env);
	return 0;
}

void
kafka_server_stop(void)
{
	const char *src = getenv("WARROOM_SOURCE_DIR");

	if (broker_dir == NULL) {
		return;
	}
	if (src == NULL || src[0] == '\0') {
		src = ".";
	}
	harness_sh(NULL, "'%s/scripts/kafka-down' '%s' --rm", src,
		   broker_dir);
	harness_rmrf(broker_dir);
	free(broker_dir);
	broker_dir = NULL;
	unsetenv(KAFKA_SERVER_ENV);
	unsetenv(KAFKA_SERVER_HOME_ENV);
}

int
kafka_server_main(int argc, char *argv[])
{
	struct criterion_test_set *tests = criterion_initialize();
	int status = 0;

	/* 0: --help, --list and the like, done; no broker needed. */
	if (criterion_handle_args(argc, argv, true)) {
		if (kafka_server_start() < 0) {
			status = 1;
		} else {
			status = !criterion_run_all_tests(tests);
			kafka_server_stop();
		}
	}
	criterion_finalize(tests);
	return status;
}

int
kafka_server_pid(void)
{
	char *env, *pid;
	int v = -1;

	if (broker_dir == NULL) {
		return -1;
	}
	env = xasprintf("%s/env", broker_dir);
	pid = env_file_value(env, "KAFKA_PID");
	if (pid != NULL) {
		v = atoi(pid);
	}
	free(pid);
	free(env);
	return v;
}

const char *
kafka_server_brokers(void)
{
	const char *b = getenv(KAFKA_SERVER_ENV);

	return b != NULL && b[0] != '\0' ? b : NULL;
}

char *
kafka_server_unique_name(const char *prefix)
{
	static atomic_uint counter;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return xasprintf("%s-%d-%u-%" PRIx64, prefix, (int)getpid(),
			 atomic_fetch_add(&counter, 1) + 1,
			 (uint64_t)ts.tv_sec * 1000000000u +
				 (uint64_t)ts.tv_nsec);
}

/* Waits for the result of an admin request on q; NULL after printing why.
 * The caller destroys the event. */
static rd_kafka_event_t *
admin_result(rd_kafka_queue_t *q, const char *what)
{
	rd_kafka_event_t *ev = rd_kafka_queue_poll(q, REQUEST_MS + 5000);

	if (ev == NULL) {
		fprintf(stderr, "kafka_server: %s: no answer\n", what);
		return NULL;
	}
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kafka_server: %s: %s\n", what,
			rd_kafka_event_error_string(ev));
		rd_kafka_event_destroy(ev);
		return NULL;
	}
	return ev;
}

/* Whether metadata shows topic with partitions partitions, each with a
 * leader. */
static bool
topic_ready(rd_kafka_t *rk, const char *topic, int partitions)
{
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
	const struct rd_kafka_metadata *md = NULL;
	bool ready = false;

	if (rkt == NULL) {
		return false;
	}
	if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) ==
		    RD_KAFKA_RESP_ERR_NO_ERROR &&
	    md->topic_cnt == 1 &&
	    md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
	    md->topics[0].partition_cnt == partitions) {
		ready = true;
		for (int i = 0; i < partitions; i++) {
			const rd_kafka_metadata_partition_t *p =
				&md->topics[0].partitions[i];

			if (p->err != RD_KAFKA_RESP_ERR_NO_ERROR ||
			    p->leader < 0) {
				ready = false;
			}
		}
	}
	if (md != NULL) {
		rd_kafka_metadata_destroy(md);
	}
	rd_kafka_topic_destroy(rkt);
	return ready;
}

int
kafka_server_create_topic(const char *topic, int partitions)
{
	rd_kafka_t *rk = kafka_server_client(RD_KAFKA_PRODUCER, NULL);
	rd_kafka_queue_t *q;
	rd_kafka_AdminOptions_t *o;
	rd_kafka_NewTopic_t *nt;
	rd_kafka_event_t *ev;
	char err[512];
	int rc = -1;

	if (rk == NULL) {
		return -1;
	}
	nt = rd_kafka_NewTopic_new(topic, partitions, 1, err, sizeof(err));
	if (nt == NULL) {
		fprintf(stderr, "kafka_server: topic %s: %s\n", topic, err);
		rd_kafka_destroy(rk);
		return -1;
	}
	q = rd_kafka_queue_new(rk);
	o = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
	rd_kafka_AdminOptions_set_request_timeout(o, REQUEST_MS, err,
						  sizeof(err));
	/* The answer waits until the controller has created it. */
	rd_kafka_AdminOptions_set_operation_timeout(o, REQUEST_MS, err,
						    sizeof(err));
	rd_kafka_CreateTopics(rk, &nt, 1, o, q);
	if ((ev = admin_result(q, "CreateTopics")) != NULL) {
		const rd_kafka_CreateTopics_result_t *res =
			rd_kafka_event_CreateTopics_result(ev);
		size_t n = 0;
		const rd_kafka_topic_result_t **tr =
			rd_kafka_CreateTopics_result_topics(res, &n);

		if (n == 1 && rd_kafka_topic_result_error(tr[0]) ==
				      RD_KAFKA_RESP_ERR_NO_ERROR) {
			rc = 0;
		} else if (n == 1) {
			fprintf(stderr, "kafka_server: CreateTopics %s: %s\n",
				topic, rd_kafka_topic_result_error_string(tr[0]));
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_AdminOptions_destroy(o);
	rd_kafka_NewTopic_destroy(nt);
	rd_kafka_queue_destroy(q);
	if (rc == 0) {
		int64_t end = now_ms() + CREATE_MS;

		while (!topic_ready(rk, topic, partitions)) {
			if (now_ms() >= end) {
				fprintf(stderr, "kafka_server: topic %s has no "
					"leaders after %d ms\n", topic,
					CREATE_MS);
				rc = -1;
				break;
			}
			usleep(20000);
		}
	}
	rd_kafka_destroy(rk);
	return rc;
}

struct delivery {
	int ok;
	int failed;
	rd_kafka_resp_err_t err;
};

static void
on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct delivery *d = opaque;

	(void)rk;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		d->ok++;
	} else {
		d->failed++;
		d->err = m->err;
	}
}

int
kafka_server_produce(const char *topic, int partition, int count)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	struct delivery d = { 0, 0, RD_KAFKA_RESP_ERR_NO_ERROR };
	char err[512];
	rd_kafka_t *rk;
	int i;

	rd_kafka_conf_set(conf, "acks", "all", err, sizeof(err));
	rd_kafka_conf_set(conf, "linger.ms", "1", err, sizeof(err));
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, &d);
	if ((rk = client(RD_KAFKA_PRODUCER, NULL, conf)) == NULL) {
		return -1;
	}
	for (i = 0; i < count; i++) {
		char value[64];
		int len = snprintf(value, sizeof(value), "%s/%d/%d", topic,
				   partition, i);
		rd_kafka_resp_err_t e;

		do {
			e = rd_kafka_producev(
				rk, RD_KAFKA_V_TOPIC(topic),
				RD_KAFKA_V_PARTITION(partition),
				RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
				RD_KAFKA_V_VALUE(value, (size_t)len),
				RD_KAFKA_V_END);
			if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
				rd_kafka_poll(rk, 100);
			}
		} while (e == RD_KAFKA_RESP_ERR__QUEUE_FULL);
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
			fprintf(stderr, "kafka_server: produce to %s[%d]: %s\n",
				topic, partition, rd_kafka_err2str(e));
			break;
		}
	}
	rd_kafka_flush(rk, FLUSH_MS);
	if (d.ok != count) {
		fprintf(stderr, "kafka_server: %s[%d]: %d of %d messages "
			"delivered (%d failed: %s)\n", topic, partition, d.ok,
			count, d.failed, rd_kafka_err2str(d.err));
	}
	rd_kafka_destroy(rk);
	return d.ok == count ? 0 : -1;
}

int
kafka_server_watermarks(const char *topic, int partition, int64_t *low,
			int64_t *high)
{
	rd_kafka_t *rk = kafka_server_client(RD_KAFKA_CONSUMER, NULL);
	rd_kafka_resp_err_t e;

	if (rk == NULL) {
		return -1;
	}
	e = rd_kafka_query_watermark_offsets(rk, topic, partition, low, high,
					     REQUEST_MS);
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kafka_server: watermarks of %s[%d]: %s\n",
			topic, partition, rd_kafka_err2str(e));
	}
	client_destroy(rk);
	return e == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : -1;
}

/* The partitions 0..n-1 of topic with a non-negative offset. */
static rd_kafka_topic_partition_list_t *
partition_list(const char *topic, const int64_t *offsets, int n)
{
	rd_kafka_topic_partition_list_t *l =
		rd_kafka_topic_partition_list_new(n > 0 ? n : 1);

	for (int p = 0; p < n; p++) {
		if (offsets == NULL || offsets[p] >= 0) {
			rd_kafka_topic_partition_list_add(l, topic, p)->offset =
				offsets != NULL ? offsets[p]
						: RD_KAFKA_OFFSET_INVALID;
		}
	}
	return l;
}

/* rd_kafka_commit() of offsets, checking each partition's own error. */
static int
commit_list(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *l,
	    const char *group)
{
	rd_kafka_resp_err_t e = rd_kafka_commit(rk, l, 0);

	for (int i = 0; e == RD_KAFKA_RESP_ERR_NO_ERROR && i < l->cnt; i++) {
		e = l->elems[i].err;
	}
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kafka_server: commit for group %s: %s\n",
			group, rd_kafka_err2str(e));
		return -1;
	}
	return 0;
}

int
kafka_server_commit(const char *group, const char *topic,
		    const int64_t *offsets, int n)
{
	rd_kafka_t *rk = kafka_server_client(RD_KAFKA_CONSUMER, group);
	rd_kafka_topic_partition_list_t *l;
	int rc;

	if (rk == NULL) {
		return -1;
	}
	/* Never subscribes: commits as a "simple" client of the group
	 * (generation -1, no member id). */
	l = partition_list(topic, offsets, n);
	rc = l->cnt > 0 ? commit_list(rk, l, group) : 0;
	rd_kafka_topic_partition_list_destroy(l);
	client_destroy(rk);
	return rc;
}

int
kafka_server_committed(const char *group, const char *topic,
		       int64_t *offsets, int n)
{
	rd_kafka_t *rk = kafka_server_client(RD_KAFKA_CONSUMER, group);
	rd_kafka_topic_partition_list_t *l;
	rd_kafka_resp_err_t e;

	if (rk == NULL) {
		return -1;
	}
	l = partition_list(topic, NULL, n);
	e = rd_kafka_committed(rk, l, REQUEST_MS);
	for (int i = 0; i < l->cnt; i++) {
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
			e = l->elems[i].err;
		}
		offsets[l->elems[i].partition] = l->elems[i].offset;
	}
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kafka_server: committed offsets of %s: %s\n",
			group, rd_kafka_err2str(e));
	}
	rd_kafka_topic_partition_list_destroy(l);
	client_destroy(rk);
	return e == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : -1;
}

static char *
dup_or_empty(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

/* Copies one group description into g. */
static void
copy_group(const rd_kafka_ConsumerGroupDescription_t *d,
	   struct kafka_server_group *g)
{
	g->state = rd_kafka_ConsumerGroupDescription_state(d);
	g->state_name = rd_kafka_consumer_group_state_name(g->state);
	g->simple = rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(
		d);
	g->n_members = rd_kafka_ConsumerGroupDescription_member_count(d);
	g->members = xcalloc(g->n_members + 1, sizeof(*g->members));
	for (size_t i = 0; i < g->n_members; i++) {
		const rd_kafka_MemberDescription_t *m =
			rd_kafka_ConsumerGroupDescription_member(d, i);
		const rd_kafka_MemberAssignment_t *a =
			rd_kafka_MemberDescription_assignment(m);
		const rd_kafka_topic_partition_list_t *parts =
			a != NULL ? rd_kafka_MemberAssignment_partitions(a)
				  : NULL;

		g->members[i].member_id =
			dup_or_empty(rd_kafka_MemberDescription_consumer_id(m));
		g->members[i].client_id =
			dup_or_empty(rd_kafka_MemberDescription_client_id(m));
		g->members[i].host =
			dup_or_empty(rd_kafka_MemberDescription_host(m));
		g->members[i].n_assigned = parts != NULL ? parts->cnt : 0;
	}
}

int
kafka_server_describe_group(const char *group, struct kafka_server_group *g)
{
	rd_kafka_t *rk = kafka_server_client(RD_KAFKA_PRODUCER, NULL);
	rd_kafka_queue_t *q;
	rd_kafka_AdminOptions_t *o;
	rd_kafka_event_t *ev;
	char err[512];
	int rc = -1;

	memset(g, 0, sizeof(*g));
	if (rk == NULL) {
		return -1;
	}
	q = rd_kafka_queue_new(rk);
	o = rd_kafka_AdminOptions_new(rk,
				      RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
	rd_kafka_AdminOptions_set_request_timeout(o, REQUEST_MS, err,
						  sizeof(err));
	rd_kafka_DescribeConsumerGroups(rk, &group, 1, o, q);
	if ((ev = admin_result(q, "DescribeConsumerGroups")) != NULL) {
		const rd_kafka_DescribeConsumerGroups_result_t *res =
			rd_kafka_event_DescribeConsumerGroups_result(ev);
		size_t n = 0;
		const rd_kafka_ConsumerGroupDescription_t **gd =
			rd_kafka_DescribeConsumerGroups_result_groups(res, &n);
		const rd_kafka_error_t *ge =
			n == 1 ? rd_kafka_ConsumerGroupDescription_error(gd[0])
			       : NULL;

		if (n == 1 && ge == NULL) {
			copy_group(gd[0], g);
			rc = 0;
		} else {
			fprintf(stderr, "kafka_server: describe group %s: %s\n",
				group, ge != NULL ? rd_kafka_error_string(ge)
						  : "no description");
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_AdminOptions_destroy(o);
	rd_kafka_queue_destroy(q);
	rd_kafka_destroy(rk);
	return rc;
}

void
kafka_server_group_free(struct kafka_server_group *g)
{
	for (size_t i = 0; g->members != NULL && i < g->n_members; i++) {
		free(g->members[i].member_id);
		free(g->members[i].client_id);
		free(g->members[i].host);
	}
	free(g->members);
	memset(g, 0, sizeof(*g));
}

bool
kafka_server_wait_group(const char *group,
			rd_kafka_consumer_group_state_t state,
			size_t n_members, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	for (;;) {
		struct kafka_server_group g;
		bool there = false;

		if (kafka_server_describe_group(group, &g) == 0) {
			there = g.state == state && g.n_members == n_members;
			kafka_server_group_free(&g);
		}
		if (there) {
			return true;
		}
		if (now_ms() >= end) {
			return false;
		}
		usleep(100000);
	}
}

struct kafka_server_consumer {
	rd_kafka_t *rk;
	char *group;
	char *topic;
	pthread_t thread;
	int commit_interval_ms;
	atomic_bool stop;
	atomic_bool paused;
	atomic_bool committing;
	atomic_int assigned;            /* partitions assigned now */
	atomic_int assignments;         /* times it was assigned some */
	atomic_llong consumed;
};

/* Assigns what the group leader gave this member and counts it: the
 * eager protocol revokes everything, then assigns anew. */
static void
on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
	     rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	struct kafka_server_consumer *c = opaque;

	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		rd_kafka_assign(rk, parts);
		atomic_store(&c->assigned, parts->cnt);
		atomic_fetch_add(&c->assignments, 1);
	} else {
		rd_kafka_assign(rk, NULL);
		atomic_store(&c->assigned, 0);
	}
}

static void *
consumer_main(void *arg)
{
	struct kafka_server_consumer *c = arg;
	int64_t next_commit = now_ms() + c->commit_interval_ms;

	while (!atomic_load(&c->stop)) {
		rd_kafka_message_t *m;

		if (atomic_load(&c->paused)) {
			usleep(20000);
			continue;
		}
		/* Polling also serves the rebalance callback. */
		m = rd_kafka_consumer_poll(c->rk, 50);
		if (m != NULL) {
			if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
				atomic_fetch_add(&c->consumed, 1);
			}
			rd_kafka_message_destroy(m);
		}
		if (atomic_load(&c->committing) && now_ms() >= next_commit) {
			/* The offsets the poll stored; _NO_OFFSET when
			 * nothing is new. */
			rd_kafka_commit(c->rk, NULL, 0);
			next_commit = now_ms() + c->commit_interval_ms;
		}
	}
	return NULL;
}

static bool
conf_set(rd_kafka_conf_t *conf, const char *name, const char *value)
{
	char err[512];

	if (rd_kafka_conf_set(conf, name, value, err, sizeof(err)) !=
	    RD_KAFKA_CONF_OK) {
		fprintf(stderr, "kafka_server: %s=%s: %s\n", name, value, err);
		return false;
	}
	return true;
}

struct kafka_server_consumer *
kafka_server_consumer_start(const char *group, const char *topic,
			    const struct kafka_server_consumer_opts *opts)
{
	struct kafka_server_consumer_opts def = { .auto_commit = true };
	struct kafka_server_consumer *c = xcalloc(1, sizeof(*c));
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *sub;
	char session[16], heartbeat[16], max_poll[16];
	int session_ms, max_poll_ms;
	rd_kafka_resp_err_t e;

	if (opts == NULL) {
		opts = &def;
	}
	session_ms = opts->session_timeout_ms > 0 ? opts->session_timeout_ms
						  : 6000;
	max_poll_ms = opts->max_poll_interval_ms > 0
			      ? opts->max_poll_interval_ms
			      : 300000;
	if (max_poll_ms < session_ms) {
		max_poll_ms = session_ms;
	}
	snprintf(session, sizeof(session), "%d", session_ms);
	snprintf(heartbeat, sizeof(heartbeat), "%d",
		 session_ms / 3 > 100 ? session_ms / 3 : 100);
	snprintf(max_poll, sizeof(max_poll), "%d", max_poll_ms);
	c->group = xstrdup(group);
	c->topic = xstrdup(topic);
	c->commit_interval_ms = opts->commit_interval_ms > 0
					? opts->commit_interval_ms
					: 200;
	atomic_store(&c->committing, opts->auto_commit);
	if (!conf_set(conf, "client.id",
		      opts->client_id ? opts->client_id : "warroom-test") ||
	    !conf_set(conf, "auto.offset.reset", "earliest") ||
	    !conf_set(conf, "session.timeout.ms", session) ||
	    !conf_set(conf, "heartbeat.interval.ms", heartbeat) ||
	    !conf_set(conf, "max.poll.interval.ms", max_poll)) {
		rd_kafka_conf_destroy(conf);
		goto fail;
	}
	rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
	rd_kafka_conf_set_opaque(conf, c);
	/* enable.auto.commit=false: this file's thread commits instead, so
	 * that a test can turn the commits off and on. */
	if ((c->rk = client(RD_KAFKA_CONSUMER, group, conf)) == NULL) {
		goto fail;
	}
	rd_kafka_poll_set_consumer(c->rk);
	sub = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(sub, topic, RD_KAFKA_PARTITION_UA);
	e = rd_kafka_subscribe(c->rk, sub);
	rd_kafka_topic_partition_list_destroy(sub);
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kafka_server: subscribe to %s: %s\n", topic,
			rd_kafka_err2str(e));
		goto fail;
	}
	if (pthread_create(&c->thread, NULL, consumer_main, c) != 0) {
		fprintf(stderr, "kafka_server: no consumer thread\n");
		goto fail;
	}
	return c;

fail:
	client_destroy(c->rk);
	free(c->group);
	free(c->topic);
	free(c);
	return NULL;
}

bool
kafka_server_consumer_wait_assigned(struct kafka_server_consumer *c,
				    int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	while (atomic_load(&c->assigned) == 0) {
		if (now_ms() >= end) {
			return false;
		}
		usleep(10000);
	}
	return true;
}

int
kafka_server_consumer_assignments(struct kafka_server_consumer *c)
{
	return atomic_load(&c->assignments);
}

int64_t
kafka_server_consumer_consumed(struct kafka_server_consumer *c)
{
	return atomic_load(&c->consumed);
}

bool
kafka_server_consumer_wait_consumed(struct kafka_server_consumer *c,
				    int64_t n, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	while (atomic_load(&c->consumed) < n) {
		if (now_ms() >= end) {
			return false;
		}
		usleep(10000);
	}
	return true;
}

int
kafka_server_consumer_commit(struct kafka_server_consumer *c)
{
	/* librdkafka handles are thread-safe: this runs beside the poll. */
	rd_kafka_resp_err_t e = rd_kafka_commit(c->rk, NULL, 0);

	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kafka_server: commit for group %s: %s\n",
			c->group, rd_kafka_err2str(e));
		return -1;
	}
	return 0;
}

int
kafka_server_consumer_commit_offsets(struct kafka_server_consumer *c,
				     const int64_t *offsets, int n)
{
	rd_kafka_topic_partition_list_t *l =
		partition_list(c->topic, offsets, n);
	int rc = commit_list(c->rk, l, c->group);

	rd_kafka_topic_partition_list_destroy(l);
	return rc;
}

void
kafka_server_consumer_set_committing(struct kafka_server_consumer *c,
				     bool on)
{
	atomic_store(&c->committing, on);
}

void
kafka_server_consumer_pause(struct kafka_server_consumer *c, bool paused)
{
	atomic_store(&c->paused, paused);
}

void
kafka_server_consumer_stop(struct kafka_server_consumer *c)
{
	if (c == NULL) {
		return;
	}
	atomic_store(&c->stop, true);
	pthread_join(c->thread, NULL);
	/* Leaves the group (LeaveGroup) before the handle goes. */
	client_destroy(c->rk);
	free(c->group);
	free(c->topic);
	free(c);
}

#endif /* HAVE_RDKAFKA */
