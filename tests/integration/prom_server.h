/* Test fixtures for the HTTP probes: a real Prometheus on loopback with
 * known data backfilled by promtool (and one alerting rule), and a peer
 * that records the request it gets and answers with fixed bytes. Called
 * from a test's main thread. */
#ifndef WARROOM_PROM_SERVER_H
#define WARROOM_PROM_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The backfilled data: requests per second by service and status, for the
 * last PROM_DATA_S seconds at one sample per PROM_DATA_STEP_S. */
#define PROM_DATA_S 2400
#define PROM_DATA_STEP_S 15
#define PROM_API_OK_RATE 93.0
#define PROM_API_5XX_RATE 7.0       /* api: 5xx ratio 0.07 */
#define PROM_WEB_OK_RATE 49.0
#define PROM_WEB_5XX_RATE 1.0       /* web: 5xx ratio 0.02 */
/* api's latency histogram: cumulative requests per second at or below
 * each bound (the last is +Inf). p95 falls in (0.5, 1], p99 in (1, 2.5]. */
#define PROM_N_BUCKETS 6
extern const double prom_bucket_le[PROM_N_BUCKETS];
extern const double prom_bucket_rate[PROM_N_BUCKETS];
/* What histogram_quantile() makes of them (linear within a bucket). */
double prom_expected_quantile(double q);

struct prom_server {
	pid_t pid;
	int port;
	char *dir;
	char url[64];
};

/* What a test may change of the server. */
struct prom_server_opts {
	/* --web.route-prefix: every path under it ("/prom"). */
	const char *route_prefix;
	/* A --web.config.file, e.g. basic auth: "basic_auth_users:\n
	 * alice: $2b$04$...". The server then answers 401 without them. */
	const char *web_config;
	/* The port to listen on (a restart on the same one); 0: a free
	 * one. */
	int port;
	/* Extra OpenMetrics families (each sample with its timestamp in
	 * seconds, no "# EOF") written after the data, or NULL. */
	const char *extra;
};

/* Writes the data as OpenMetrics ending now, backfills it, writes a
 * config (no scrapes; a rule HighErrorRate: 5xx ratio > 5 % by service,
 * evaluated every second) and starts prometheus; waits until /-/ready.
 * Returns false (with a note on stderr) when anything failed. */
bool prom_server_start(struct prom_server *ps);
/* The same with opts (may be NULL). */
bool prom_server_start_with(struct prom_server *ps,
			    const struct prom_server_opts *opts);
void prom_server_stop(struct prom_server *ps);

/* A listener on a free port that, for each connection, reads one request
 * (headers and a Content-Length body), keeps a copy, and sends reply. Runs
 * on its own thread until capture_stop(). */
struct capture;
struct capture *capture_start(const char *reply);
int capture_port(const struct capture *c);
/* The last request received (headers and body), or "" ; a copy the
 * caller frees. */
char *capture_request(struct capture *c);
void capture_stop(struct capture *c);

/* "HTTP/1.1 200 OK" with a JSON body and Content-Length; the caller
 * frees it. */
char *http_reply_json(int status, const char *body);

#endif
