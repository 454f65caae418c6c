/* The diagnosis on a big cluster: one run of the correlation rules over a
 * 10,000-pod, 2,000-deployment snapshot (every tenth deployment's pods
 * crash-looping, a tenth of those OOMKilled), a metrics source with the
 * default panels, a database in a pile-up and a Kafka cluster of 50
 * groups over 2,000 partitions. Prints the time per run (median and
 * worst of 200) and the findings. Not a test: run build/bench/correlate
 * by hand. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/correlate.h"
#include "core/rules.h"
#include "core/snapshot.h"

#define N_DEPLOYS 2000
#define PODS_PER 5
#define N_GROUPS 50
#define PARTS_PER 40
#define RUNS 200

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
name(struct snapshot *s, const char *fmt, int a, int b)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, a, b);
	return snapshot_strdup(s, buf);
}

static struct snapshot *
pods(int64_t now)
{
	struct snapshot *s = snapshot_new(SNAP_PODS, "k8s.big");
	struct pods_model *m = snapshot_alloc(s, sizeof(*m));

	m->context = "big";
	m->deploys = snapshot_alloc(s, N_DEPLOYS * sizeof(*m->deploys));
	m->pods = snapshot_alloc(s, N_DEPLOYS * PODS_PER * sizeof(*m->pods));
	for (int d = 0; d < N_DEPLOYS; d++) {
		char *dn = name(s, "svc-%d", d, 0);
		bool bad = d % 10 == 0;

		m->deploys[m->n_deploys++] = (struct deploy_row){
			.ns = "prod", .name = dn, .replicas = PODS_PER,
			.ready = bad ? 1 : PODS_PER, .revision = 3,
			.image = "", .rollout = "", .rollout_msg = "",
			.prev_rs = "", .prev_image = "",
			.revision_ms = now - (d % 100) * 60000LL,
		};
		for (int p = 0; p < PODS_PER; p++) {
			bool crash = bad && p > 0;

			m->pods[m->n_pods++] = (struct pod_row){
				.ns = "prod",
				.name = name(s, "svc-%d-%d", d, p),
				.owner = dn, .phase = "Running",
				.reason = crash ? "CrashLoopBackOff" : "",
				.node = "n", .ready = crash ? 0 : 1,
				.containers = 1, .restarts = crash ? 3 : 0,
				.cpu_mcores = 100, .mem_bytes = 1e8,
				.mem_limit_bytes = 5e8,
				.last_term = crash && d % 100 == 0 ?
					     "OOMKilled" : "",
				.why = "", .cpu_limit_mcores = 500,
			};
		}
	}
	s->data = m;
	rules_derive(s);
	return s;
}

static struct snapshot *
kafka(void)
{
	struct snapshot *s = snapshot_new(SNAP_KAFKA, "kafka.big");
	struct kafka_model *m = snapshot_alloc(s, sizeof(*m));

	m->bootstrap = m->notice = "";
	m->brokers_up = m->brokers_total = 3;
	m->groups = snapshot_alloc(s, N_GROUPS * sizeof(*m->groups));
	for (int g = 0; g < N_GROUPS; g++) {
		struct kafka_group *kg = &m->groups[m->n_groups++];

		kg->group = name(s, "svc-%d", g * 10, 0);
		kg->topic = kg->state = kg->error = kg->reason = "";
		kg->status = KAFKA_WARN;
		kg->members = 5;
		kg->lag_s = NAN;
		kg->partitions = snapshot_alloc(s, PARTS_PER *
						   sizeof(*kg->partitions));
		kg->n_partitions = PARTS_PER;
		for (int p = 0; p < PARTS_PER; p++) {
			kg->partitions[p] = (struct kafka_partition){
				p, 10, 1000, 990, "t", 5, false, "",
				KAFKA_WARN, "",
			};
		}
	}
	s->data = m;
	rules_derive(s);
	return s;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(void)
{
	int64_t now = now_ms();
	struct snapshot *v[] = { pods(now), kafka() };
	struct correlate_src src[2];
	struct correlate_memory *mem = correlate_memory_new();
	double t[RUNS];
	size_t found = 0;

	for (int i = 0; i < 2; i++) {
		src[i] = (struct correlate_src){ v[i]->source, v[i], NULL };
	}
	for (int r = 0; r < RUNS; r++) {
		struct snapshot *out = snapshot_new(SNAP_DIAGNOSIS, "dx");
		double t0 = mono_s();
		struct diag_model *m = correlate_run(src, 2, now, mem, out);

		t[r] = (mono_s() - t0) * 1000;
		found = m->n_findings;
		snapshot_unref(out);
	}
	qsort(t, RUNS, sizeof(*t), cmp_double);
	printf("correlate: %d pods, %d deployments, %d groups x %d "
	       "partitions: median %.2f ms, worst %.2f ms per run, %zu "
	       "findings\n", N_DEPLOYS * PODS_PER, N_DEPLOYS, N_GROUPS,
	       PARTS_PER, t[RUNS / 2], t[RUNS - 1], found);
	correlate_memory_free(mem);
	snapshot_unref(v[0]);
	snapshot_unref(v[1]);
	return 0;
}
