/* Benchmark of the Kafka probe against a real broker (the test fixture's,
 * started here): 50 consumer groups over 50 topics of 40 partitions, 2,000
 * partitions with committed offsets behind their log ends. Prints the
 * probe's time per poll (median and p95, every group listed, described,
 * its offsets and log ends read), its memory, the broker's CPU per poll,
 * and the same for kafka-consumer-groups --all-groups --describe on the
 * same cluster. Run by hand: build/bench/kafka_poll [polls]. Main thread
 * only. */
#include <librdkafka/rdkafka.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/snapshot.h"
#include "core/xalloc.h"
#include "probes/kafka.h"
#include "tests/integration/kafka_server.h"

#define N_GROUPS 50
#define PARTS_PER_TOPIC 40
#define MSGS_PER_PART 50
#define N_POLLS_DEFAULT 20
#define N_TOOL_RUNS 3

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
die(const char *what)
{
	fprintf(stderr, "kafka_poll: %s\n", what);
	kafka_server_stop();
	exit(1);
}

/* CPU seconds (user + system) pid has used, from /proc. */
static double
cpu_s(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL) {
		return 0;
	}
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		   &ut, &st) != 2) {
		return 0;
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* This process's CPU seconds, or its children's. */
static double
rusage_s(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long
rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) {
			break;
		}
	}
	if (f != NULL) {
		fclose(f);
	}
	return kb;
}

static size_t
heap_in_use(void)
{
	return mallinfo2().uordblks;
}

static void
on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	int *failed = opaque;

	(void)rk;
	if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		(*failed)++;
	}
}

/* MSGS_PER_PART messages to every partition of every topic, through one
 * producer. */
static void
produce_all(char **topics)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char err[256], value[32];
	int failed = 0;
	rd_kafka_t *rk;

	rd_kafka_conf_set(conf, "bootstrap.servers", kafka_server_brokers(),
			  err, sizeof(err));
	rd_kafka_conf_set(conf, "linger.ms", "20", err, sizeof(err));
	rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, &failed);
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	if (rk == NULL) {
		die(err);
	}
	for (int t = 0; t < N_GROUPS; t++) {
		for (int p = 0; p < PARTS_PER_TOPIC; p++) {
			for (int i = 0; i < MSGS_PER_PART; i++) {
				int len = snprintf(value, sizeof(value), "%d",
						   i);

				while (rd_kafka_producev(
					       rk, RD_KAFKA_V_TOPIC(topics[t]),
					       RD_KAFKA_V_PARTITION(p),
					       RD_KAFKA_V_MSGFLAGS(
						       RD_KAFKA_MSG_F_COPY),
					       RD_KAFKA_V_VALUE(value,
								(size_t)len),
					       RD_KAFKA_V_END) ==
				       RD_KAFKA_RESP_ERR__QUEUE_FULL) {
					rd_kafka_poll(rk, 50);
				}
			}
		}
	}
	rd_kafka_flush(rk, 120000);
	rd_kafka_destroy(rk);
	if (failed > 0) {
		die("messages were not delivered");
	}
}

int
main(int argc, char **argv)
{
	int n_polls = argc > 1 ? atoi(argv[1]) : N_POLLS_DEFAULT;
	int64_t offsets[PARTS_PER_TOPIC];
	struct config cfg = { 0 };
	struct config_section *sec;
	struct err err = { { 0 } };
	double *took, t0, cpu0, self0, idle_cpu, tool_ms[N_TOOL_RUNS];
	double tool_cpu = 0, tool_self = 0, probe_cpu, probe_self, first;
	double loop0, probe_wall, tool_wall = 0;
	char *topics[N_GROUPS], *groups[N_GROUPS], *cmd;
	size_t heap0, heap_probe, heap_snap = 0, windows = 0;
	long rss0, rss1;
	int broker, i;
	void *kp;

	if (n_polls < 1) {
		n_polls = N_POLLS_DEFAULT;
	}
	/* scripts/kafka-up of this source tree. */
	setenv("WARROOM_SOURCE_DIR", WARROOM_SOURCE_ROOT, 0);
	if (kafka_server_start() < 0) {
		die("the broker did not start");
	}
	if ((broker = kafka_server_pid()) < 0) {
		die("no broker pid");
	}
	fprintf(stderr, "kafka_poll: creating %d topics of %d partitions\n",
		N_GROUPS, PARTS_PER_TOPIC);
	for (i = 0; i < N_GROUPS; i++) {
		topics[i] = xasprintf("bench-topic-%02d", i);
		groups[i] = xasprintf("bench-group-%02d", i);
		if (kafka_server_create_topic(topics[i], PARTS_PER_TOPIC) < 0) {
			die("cannot create the topics");
		}
	}
	produce_all(topics);
	/* Each group somewhere behind on each partition. */
	for (i = 0; i < N_GROUPS; i++) {
		for (int p = 0; p < PARTS_PER_TOPIC; p++) {
			offsets[p] = (i * 7 + p * 3) % MSGS_PER_PART;
		}
		if (kafka_server_commit(groups[i], topics[i], offsets,
					PARTS_PER_TOPIC) < 0) {
			die("cannot commit the offsets");
		}
	}

	/* The broker idle, for a baseline. */
	cpu0 = cpu_s(broker);
	sleep(5);
	idle_cpu = (cpu_s(broker) - cpu0) / 5.0;

	malloc_trim(0);
	rss0 = rss_kb();
	heap0 = heap_in_use();
	sec = config_add_section(&cfg, "kafka.bench");
	config_section_set(sec, "brokers", kafka_server_brokers());
	config_section_set(sec, "groups", "bench-group-*");
	sec->timeout_ms = 30000;
	sec->interval_ms = 2000;
	if ((kp = kafka_probe_new(sec, NULL, &err)) == NULL) {
		die(err.msg);
	}
	took = xcalloc((size_t)n_polls, sizeof(*took));
	cpu0 = cpu_s(broker);
	self0 = rusage_s(RUSAGE_SELF);
	loop0 = now_ms();
	for (i = 0; i < n_polls; i++) {
		struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.bench");
		const struct kafka_model *m;
		size_t parts = 0, before = heap_in_use();

		t0 = now_ms();
		if (kafka_probe_poll(kp, s, &err) < 0) {
			die(err.msg);
		}
		took[i] = now_ms() - t0;
		m = snapshot_kafka(s);
		for (size_t g = 0; g < m->n_groups; g++) {
			parts += m->groups[g].n_partitions;
		}
		if (m->n_groups != N_GROUPS ||
		    parts != (size_t)N_GROUPS * PARTS_PER_TOPIC) {
			die("the poll did not see every group and partition");
		}
		heap_snap = heap_in_use() - before;
		snapshot_unref(s);
		usleep(200000);
	}
	probe_wall = (now_ms() - loop0) / 1000.0;
	probe_cpu = cpu_s(broker) - cpu0;
	probe_self = rusage_s(RUSAGE_SELF) - self0;
	heap_probe = heap_in_use() - heap0;
	malloc_trim(0);
	rss1 = rss_kb();
	first = took[0];
	windows = kafka_probe_windows(kp);
	kafka_probe_free(kp);

	/* The runbooks' command on the same cluster. */
	cmd = xasprintf("'%s/bin/kafka-consumer-groups' --bootstrap-server "
			"'%s' --all-groups --describe >/dev/null 2>&1",
			getenv(KAFKA_SERVER_HOME_ENV), kafka_server_brokers());
	for (i = 0; i < N_TOOL_RUNS; i++) {
		double c0 = cpu_s(broker), s0 = rusage_s(RUSAGE_CHILDREN);

		t0 = now_ms();
		if (system(cmd) != 0) {
			die("kafka-consumer-groups failed");
		}
		tool_ms[i] = now_ms() - t0;
		tool_wall += tool_ms[i] / 1000.0;
		tool_cpu += cpu_s(broker) - c0;
		tool_self += rusage_s(RUSAGE_CHILDREN) - s0;
	}
	free(cmd);

	qsort(took, (size_t)n_polls, sizeof(*took), cmp_double);
	qsort(tool_ms, N_TOOL_RUNS, sizeof(*tool_ms), cmp_double);
	printf("cluster: %d groups, %d partitions (%d topics of %d), one "
	       "broker\n", N_GROUPS, N_GROUPS * PARTS_PER_TOPIC, N_GROUPS,
	       PARTS_PER_TOPIC);
	printf("broker idle: %.1f ms CPU per second (taken out of the "
	       "broker's figures below)\n", idle_cpu * 1000);
	printf("warroom probe, %d polls:\n", n_polls);
	printf("  time per poll: median %.1f ms, p95 %.1f ms, first %.1f "
	       "ms\n", took[n_polls / 2],
	       took[(size_t)(n_polls * 95 / 100) < (size_t)n_polls ?
		    n_polls * 95 / 100 : n_polls - 1], first);
	printf("  CPU per poll: probe %.1f ms, broker %.1f ms\n",
	       probe_self * 1000 / n_polls,
	       (probe_cpu - idle_cpu * probe_wall) * 1000 / n_polls);
	printf("  memory: snapshot %.0f KiB; heap kept between polls %.0f "
	       "KiB (the probe's %zu windows and librdkafka's caches); "
	       "resident %+ld KiB with the probe open\n", heap_snap / 1024.0,
	       heap_probe / 1024.0, windows, rss1 - rss0);
	printf("kafka-consumer-groups --all-groups --describe, %d runs:\n",
	       N_TOOL_RUNS);
	printf("  time per run: median %.0f ms\n", tool_ms[N_TOOL_RUNS / 2]);
	printf("  CPU per run: tool %.0f ms, broker %.1f ms\n",
	       tool_self * 1000 / N_TOOL_RUNS,
	       (tool_cpu - idle_cpu * tool_wall) * 1000 / N_TOOL_RUNS);
	for (i = 0; i < N_GROUPS; i++) {
		free(topics[i]);
		free(groups[i]);
	}
	free(took);
	config_finish(&cfg);
	kafka_server_stop();
	return 0;
}
