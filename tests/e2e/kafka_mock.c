/* A librdkafka mock cluster of one broker in a process of its own, for the
 * end-to-end tests: kafka_mock FILE down|slow writes the cluster's
 * bootstrap servers to FILE, takes the broker down (connections refused)
 * or makes every answer 10 s late, and lives until SIGTERM or until its
 * parent dies. Main thread (librdkafka runs the cluster on its own). */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_mock_cluster_t *mock;
	rd_kafka_t *rk;
	char why[256], tmp[4096];
	sigset_t set;
	FILE *f;
	int sig;

	if (argc != 3 || (strcmp(argv[2], "down") != 0 &&
			  strcmp(argv[2], "slow") != 0)) {
		fprintf(stderr, "usage: kafka_mock FILE down|slow\n");
		return 2;
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* The cluster's own handle connects nowhere: keep it quiet. */
	rd_kafka_conf_set(conf, "log_level", "0", why, sizeof(why));
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (rk == NULL) {
		fprintf(stderr, "kafka_mock: %s\n", why);
		return 1;
	}
	mock = rd_kafka_mock_cluster_new(rk, 1);
	if (mock == NULL) {
		fprintf(stderr, "kafka_mock: no mock cluster\n");
		return 1;
	}
	if (strcmp(argv[2], "down") == 0) {
		rd_kafka_mock_broker_set_down(mock, 1);
	} else {
		rd_kafka_mock_broker_set_rtt(mock, 1, 10000);
	}
	/* Whole or not at all: written aside, then renamed. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	f = fopen(tmp, "w");
	if (f == NULL || fprintf(f, "%s\n",
				 rd_kafka_mock_cluster_bootstraps(mock)) < 0 ||
	    fclose(f) != 0 || rename(tmp, argv[1]) != 0) {
		fprintf(stderr, "kafka_mock: cannot write %s\n", argv[1]);
		return 1;
	}
	sigwait(&set, &sig);
	rd_kafka_mock_cluster_destroy(mock);
	rd_kafka_destroy(rk);
	return 0;
}
