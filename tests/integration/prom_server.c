/* Prometheus with backfilled data, and the recording peer (see
 * prom_server.h). Test main thread, except the peer's own thread. */
#include "tests/integration/prom_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/xalloc.h"
#include "probes/http.h"
#include "tests/integration/harness.h"
#include "tests/integration/http_wait.h"

const double prom_bucket_le[PROM_N_BUCKETS] = {
	0.1, 0.25, 0.5, 1, 2.5, INFINITY,
};
const double prom_bucket_rate[PROM_N_BUCKETS] = {
	50, 80, 90, 96, 99.5, 100,
};

double
prom_expected_quantile(double q)
{
	double rank = q * prom_bucket_rate[PROM_N_BUCKETS - 1];
	double lo = 0, below = 0;
	int i;

	for (i = 0; i < PROM_N_BUCKETS; i++) {
		if (prom_bucket_rate[i] >= rank) {
			break;
		}
		lo = prom_bucket_le[i];
		below = prom_bucket_rate[i];
	}
	if (i >= PROM_N_BUCKETS - 1) {
		return lo;
	}
	return lo + (prom_bucket_le[i] - lo) * (rank - below) /
	       (prom_bucket_rate[i] - below);
}

static const char rules_yml[] =
	"groups:\n"
	"  - name: test\n"
	"    interval: 1s\n"
	"    rules:\n"
	"      - alert: HighErrorRate\n"
	"        expr: sum by (service) (rate(http_requests_total"
	"{status=~\"5..\"}[5m])) / sum by (service) "
	"(rate(http_requests_total[5m])) > 0.05\n"
	"        labels:\n"
	"          severity: critical\n"
	"        annotations:\n"
	"          summary: \"{{ $labels.service }} 5xx ratio above 5 %\"\n";

static bool
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		return false;
	}
	fputs(text, f);
	return fclose(f) == 0;
}

static bool
write_openmetrics(const char *path, int64_t end_s, const char *extra)
{
	static const struct {
		const char *service, *status;
		double rate;
	} counters[] = {
		{ "api", "200", PROM_API_OK_RATE },
		{ "api", "500", PROM_API_5XX_RATE },
		{ "web", "200", PROM_WEB_OK_RATE },
		{ "web", "503", PROM_WEB_5XX_RATE },
	};
	int64_t start_s = end_s - PROM_DATA_S, t;
	FILE *f = fopen(path, "w");
	size_t i;

	if (f == NULL) {
		return false;
	}
	fprintf(f, "# TYPE http_requests counter\n");
	for (t = start_s; t <= end_s; t += PROM_DATA_STEP_S) {
		for (i = 0; i < sizeof(counters) / sizeof(*counters); i++) {
			fprintf(f, "http_requests_total{service=\"%s\","
				"status=\"%s\"} %.3f %lld\n",
				counters[i].service, counters[i].status,
				counters[i].rate * (double)(t - start_s),
				(long long)t);
		}
	}
	fprintf(f, "# TYPE http_request_duration_seconds histogram\n");
	for (t = start_s; t <= end_s; t += PROM_DATA_STEP_S) {
		double dt = (double)(t - start_s);

		for (i = 0; i < PROM_N_BUCKETS; i++) {
			char le[16];

			if (isinf(prom_bucket_le[i])) {
				snprintf(le, sizeof(le), "+Inf");
			} else {
				snprintf(le, sizeof(le), "%g",
					 prom_bucket_le[i]);
			}
			fprintf(f, "http_request_duration_seconds_bucket"
				"{service=\"api\",le=\"%s\"} %.3f %lld\n", le,
				prom_bucket_rate[i] * dt, (long long)t);
		}
		fprintf(f, "http_request_duration_seconds_count"
			"{service=\"api\"} %.3f %lld\n",
			prom_bucket_rate[PROM_N_BUCKETS - 1] * dt,
			(long long)t);
		fprintf(f, "http_request_duration_seconds_sum"
			"{service=\"api\"} %.3f %lld\n",
			prom_bucket_rate[PROM_N_BUCKETS - 1] * dt * 0.2,
			(long long)t);
	}
	if (extra != NULL) {
		fputs(extra, f);
	}
	fprintf(f, "# EOF\n");
	return fclose(f) == 0;
}

bool
prom_server_start(struct prom_server *ps)
{
	return prom_server_start_with(ps, NULL);
}

bool
prom_server_start_with(struct prom_server *ps,
		       const struct prom_server_opts *opts)
{
	static const struct prom_server_opts none = { 0 };
	char *om, *tsdb, *cfg, *rules, *log, *webcfg = NULL, *ready;
	const char *argv[8];
	bool ok = false;
	int n;

	if (opts == NULL) {
		opts = &none;
	}
	memset(ps, 0, sizeof(*ps));
	ps->pid = -1;
	if (!http_global_init(NULL)) {
		return false;
	}
	ps->dir = harness_tmpdir("warroom-prom");
	if (ps->dir == NULL) {
		return false;
	}
	om = xasprintf("%s/data.om", ps->dir);
	tsdb = xasprintf("%s/tsdb", ps->dir);
	cfg = xasprintf("%s/prometheus.yml", ps->dir);
	rules = xasprintf("%s/rules.yml", ps->dir);
	log = xasprintf("%s/prometheus.log", ps->dir);
	if (!write_openmetrics(om, clock_wall_ms() / 1000, opts->extra)) {
		fprintf(stderr, "prom_server: cannot write %s\n", om);
		goto out;
	}
	if (harness_sh(log, "promtool tsdb create-blocks-from openmetrics "
		       "'%s' '%s'", om, tsdb) != 0) {
		fprintf(stderr, "prom_server: promtool failed, see %s\n", log);
		goto out;
	}
	if (!write_text(rules, rules_yml)) {
		goto out;
	}
	{
		char *text = xasprintf("global:\n"
				       "  evaluation_interval: 1s\n"
				       "rule_files:\n"
				       "  - %s\n"
				       "scrape_configs: []\n", rules);

		ok = write_text(cfg, text);
		free(text);
		if (!ok) {
			goto out;
		}
		ok = false;
	}
	if (opts->web_config != NULL) {
		webcfg = xasprintf("%s/web.yml", ps->dir);
		if (!write_text(webcfg, opts->web_config)) {
			goto out;
		}
	}
	ps->port = opts->port > 0 ? opts->port : harness_free_port();
	snprintf(ps->url, sizeof(ps->url), "http://127.0.0.1:%d", ps->port);
	{
		char *a1 = xasprintf("--config.file=%s", cfg);
		char *a2 = xasprintf("--storage.tsdb.path=%s", tsdb);
		char *a3 = xasprintf("--web.listen-address=127.0.0.1:%d",
				     ps->port);
		char *a4 = xasprintf("--web.route-prefix=%s",
				     opts->route_prefix ? opts->route_prefix :
				     "/");
		char *a5 = webcfg ? xasprintf("--web.config.file=%s", webcfg) :
			   NULL;

		n = 0;
		argv[n++] = "prometheus";
		argv[n++] = a1;
		argv[n++] = a2;
		argv[n++] = a3;
		argv[n++] = a4;
		if (a5 != NULL) {
			argv[n++] = a5;
		}
		argv[n] = NULL;
		ps->pid = harness_spawn(argv, log, NULL, ps->dir);
		free(a1);
		free(a2);
		free(a3);
		free(a4);
		free(a5);
	}
	ready = xasprintf("%s/-/ready", opts->route_prefix ?
			  opts->route_prefix : "");
	ok = ps->pid >= 0 && harness_wait_port(ps->port, 10000) &&
	     (webcfg != NULL ?
	      http_wait_status(ps->url, ready, 401, 10000) :
	      http_wait_ready(ps->url, ready, 10000));
	free(ready);
	if (!ok) {
		fprintf(stderr, "prom_server: prometheus did not start, see "
			"%s\n", log);
		goto out;
	}
	ok = true;
out:
	free(om);
	free(tsdb);
	free(cfg);
	free(rules);
	free(log);
	free(webcfg);
	return ok;
}

void
prom_server_stop(struct prom_server *ps)
{
	if (ps->pid > 0) {
		harness_stop(ps->pid, 2000);
	}
	ps->pid = -1;
	harness_rmrf(ps->dir);
	free(ps->dir);
	ps->dir = NULL;
}

/* ---- the recording peer ------------------------------------------------ */

struct capture {
	int fd;
	int port;
	int wake[2];
	char *reply;
	pthread_t thread;
	pthread_mutex_t lock;
	char *last;
};

static const char *
find_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		if (strncasecmp(hay, needle, n) == 0) {
			return hay;
		}
	}
	return NULL;
}

/* Reads one request from fd: headers, then Content-Length bytes. */
static char *
read_request(int fd)
{
	size_t cap = 4096, len = 0, want = 0;
	char *buf = xmalloc(cap);
	char *end = NULL;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (len + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		if (poll(&pfd, 1, 2000) <= 0) {
			break;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if (end == NULL && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			const char *cl = find_nocase(buf,
						     "\r\nContent-Length:");

			want = (size_t)(end - buf) + 4;
			if (cl != NULL && cl < end) {
				want += (size_t)strtoul(cl + 17, NULL, 10);
			}
		}
		if (end != NULL && len >= want) {
			break;
		}
	}
	buf[len] = '\0';
	return buf;
}

static void *
capture_main(void *arg)
{
	struct capture *c = arg;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = c->fd, .events = POLLIN },
			{ .fd = c->wake[0], .events = POLLIN },
		};
		int fd;
		char *req;
		ssize_t w;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			break;
		}
		if (pfd[1].revents) {
			break;
		}
		if (!(pfd[0].revents & POLLIN)) {
			continue;
		}
		fd = accept(c->fd, NULL, NULL);
		if (fd < 0) {
			continue;
		}
		req = read_request(fd);
		pthread_mutex_lock(&c->lock);
		free(c->last);
		c->last = req;
		pthread_mutex_unlock(&c->lock);
		w = send(fd, c->reply, strlen(c->reply), MSG_NOSIGNAL);
		(void)w;
		close(fd);
	}
	return NULL;
}

struct capture *
capture_start(const char *reply)
{
	struct capture *c = xcalloc(1, sizeof(*c));
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
	} a;
	socklen_t len = sizeof(a.in);

	memset(&a, 0, sizeof(a));
	a.in.sin_family = AF_INET;
	a.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || bind(c->fd, &a.sa, sizeof(a.in)) < 0 ||
	    listen(c->fd, 16) < 0 || getsockname(c->fd, &a.sa, &len) < 0 ||
	    pipe(c->wake) < 0) {
		if (c->fd >= 0) {
			close(c->fd);
		}
		free(c);
		return NULL;
	}
	c->port = ntohs(a.in.sin_port);
	c->reply = xstrdup(reply);
	pthread_mutex_init(&c->lock, NULL);
	pthread_create(&c->thread, NULL, capture_main, c);
	return c;
}

int
capture_port(const struct capture *c)
{
	return c->port;
}

char *
capture_request(struct capture *c)
{
	char *s;

	pthread_mutex_lock(&c->lock);
	s = xstrdup(c->last != NULL ? c->last : "");
	pthread_mutex_unlock(&c->lock);
	return s;
}

void
capture_stop(struct capture *c)
{
	ssize_t w;

	if (c == NULL) {
		return;
	}
	w = write(c->wake[1], "x", 1);
	(void)w;
	pthread_join(c->thread, NULL);
	close(c->fd);
	close(c->wake[0]);
	close(c->wake[1]);
	pthread_mutex_destroy(&c->lock);
	free(c->reply);
	free(c->last);
	free(c);
}

char *
http_reply_json(int status, const char *body)
{
	return xasprintf("HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			 status, strlen(body), body);
}
