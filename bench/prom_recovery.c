/* Benchmark of how soon a recovered server is seen: a real Prometheus,
 * polled by the runner every second, is stopped until the backoff reaches
 * its 30 s cap, then started again on its port. Prints how long after it
 * answered again the source had data, and when the backoff alone would
 * have polled it (the retry time of the last error).
 *
 *   prom_recovery [FAILURES]     default 6 (1+2+4+8+16 s of errors, then
 *                                a 30 s backoff) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "probes/prometheus.h"
#include "probes/runner.h"
#include "tests/integration/prom_server.h"

int
main(int argc, char **argv)
{
	int failures = argc > 1 ? atoi(argv[1]) : 6;
	struct prom_server srv;
	struct prom_server_opts opts = { 0 };
	struct config cfg = { 0 };
	struct config_section *sec;
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct snapshot *s, *down;
	struct err err = { "" };
	int64_t up_at, t0;
	int idx;

	if (!prom_server_start(&srv)) {
		fprintf(stderr, "prom_recovery: prometheus did not start\n");
		return 1;
	}
	opts.port = srv.port;
	sec = config_add_section(&cfg, "prometheus.bench");
	config_section_set(sec, "url", srv.url);
	sec->interval_ms = 1000;
	sec->timeout_ms = 2000;
	idx = runner_add(r, &prometheus_probe_ops, sec, &err);
	if (idx < 0 || runner_start(r, &err) < 0 ||
	    !runner_wait_first(r, 10000)) {
		fprintf(stderr, "prom_recovery: %s\n", err.msg);
		return 1;
	}
	prom_server_stop(&srv);
	t0 = clock_mono_ms();
	printf("prometheus stopped; waiting for %d failed polls\n", failures);
	while (runner_failures(r, idx) < failures) {
		usleep(100000);
	}
	down = state_get(st, idx);
	printf("after %d failures (%.1f s): \"%s\", next poll in %.1f s\n",
	       failures, (double)(clock_mono_ms() - t0) / 1000.0, down->error,
	       (double)(down->retry_mono_ms - clock_mono_ms()) / 1000.0);
	if (!prom_server_start_with(&srv, &opts)) {
		fprintf(stderr, "prom_recovery: prometheus did not restart\n");
		return 1;
	}
	up_at = clock_mono_ms();
	for (;;) {
		s = state_get(st, idx);
		if (s != NULL && s->data != NULL) {
			break;
		}
		snapshot_unref(s);
		usleep(10000);
	}
	printf("ready again: data %.2f s later (interval 1 s); the backoff "
	       "alone would have polled %.2f s later\n",
	       (double)(s->taken_mono_ms - up_at) / 1000.0,
	       (double)(down->retry_mono_ms - up_at) / 1000.0);
	snapshot_unref(s);
	snapshot_unref(down);
	runner_stop(r, 2000);
	runner_free(r);
	state_free(st);
	prom_server_stop(&srv);
	config_finish(&cfg);
	return 0;
}
