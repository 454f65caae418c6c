/* The one libcurl wrapper every HTTP probe uses: an easy handle with the
 * section's URL, auth, TLS settings and timeouts, a byte cap, and one-line
 * errors fit for a pane. A client belongs to one thread at a time (the probe
 * thread, or the action worker for an action's own client). */
#ifndef WARROOM_HTTP_H
#define WARROOM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"

/* Largest body a request accepts unless http_client_set_max_bytes(). */
#define HTTP_MAX_BYTES_DEFAULT (8u << 20)

/* Opens libcurl (probes/libcurl_api.h) and initializes it, once, from
 * whichever thread needs it first (http_client_new() calls it; the mutex
 * serializes curl_global_init(), which is thread-safe in libcurl 7.84 and
 * later); later calls return the first outcome. False with err when
 * libcurl cannot be opened. */
bool http_global_init(struct err *err);

struct http_client;

/* The keys http_client_new() reads besides url (whose environment
 * variable each backend names itself), ended by a NULL name: what the
 * backends that speak HTTP share (struct config_backend_spec). */
extern const struct config_key_spec http_client_keys[];

/* A reply that arrived (any status). body is NUL-terminated; the caller
 * frees it with http_resp_finish(). */
struct http_resp {
	long status;            /* 0 when no reply arrived */
	char *body;
	size_t len;
};

/* Reads url, bearer_token_file / bearer_token_env, username +
 * password_file, ca_file, tls_verify and timeout from sec. Returns NULL
 * with err (naming the key, never a secret) when a setting is unusable;
 * without libcurl, always NULL with "HTTP support not built in". The caller
 * frees with http_client_free(). */
struct http_client *http_client_new(const struct config_section *sec,
				    struct err *err);
void http_client_free(struct http_client *c);

/* "host:port" of the base URL, for messages. */
const char *http_client_addr(const struct http_client *c);

struct probe;
/* Whether the base URL's host:port accepts a connection now: a probe's
 * reachable() (see probes/probe.h). */
int http_client_reachable(const struct http_client *c,
			  const struct probe *p);

/* Every request made until the next call ends by deadline_ms (monotonic,
 * 0: no deadline) as well as within the section timeout. */
void http_client_set_deadline(struct http_client *c, int64_t deadline_ms);
void http_client_set_max_bytes(struct http_client *c, size_t max);
/* A transfer in progress stops (within about a second) once
 * cancelled(arg) returns true: probe_stopping(), action_cancelled(). */
void http_client_set_cancel(struct http_client *c,
			    bool (*cancelled)(void *arg), void *arg);

/* One request to the base URL + path_query ("/api/v1/query?query=..."),
 * with a JSON body for POST (may be NULL). Returns 0 for a 2xx reply; -1
 * with a one-line err otherwise:
 *   "connection refused (127.0.0.1:9090)"
 *   "timed out after 5s (127.0.0.1:9090)"
 *   "response larger than 8 MiB (127.0.0.1:9090)"
 *   "HTTP 503: <first line of the body>"
 *   "HTTP 404 for GET /api/v2/alerts (127.0.0.1:9090)"
 *   "HTTP 401: the server wants credentials (...): set username and
 *    password_file, or bearer_token_file"
 * A reply with another status still fills *resp, so that a caller can read
 * the backend's own error document. */
int http_get(struct http_client *c, const char *path_query,
	     struct http_resp *resp, struct err *err);
int http_post(struct http_client *c, const char *path_query,
	      const char *json_body, struct http_resp *resp, struct err *err);
int http_delete(struct http_client *c, const char *path_query,
		struct http_resp *resp, struct err *err);

/* After a 404 whose message is in err: asks the server for probe_path,
 * which another kind of server answers (Prometheus's
 * /api/v1/status/buildinfo), and adds to err what the 404 usually means:
 * "...: this URL is Prometheus, not Alertmanager: check url" when it
 * answers, else that want's API is not there and a path prefix belongs
 * in url. Returns -1. */
int http_not_found(struct http_client *c, const char *probe_path,
		   const char *probe_is, const char *want, struct err *err);

void http_resp_finish(struct http_resp *resp);

/* What the last request measured, in ms from its start (NAN unknown):
 * all of it, the connection, the TLS handshake alone, the first byte. */
struct http_timing {
	double total_ms;
	double connect_ms;
	double tls_ms;
	double first_byte_ms;
};
void http_client_timing(struct http_client *c, struct http_timing *t);

/* The server certificate of the last request over TLS, asked for with
 * http_client_want_cert() before it. */
struct http_cert {
	int64_t not_after_ms;   /* wall ms */
	char issuer[256];       /* raw text from the server */
	char subject[256];
};
void http_client_want_cert(struct http_client *c);
/* False when there was none (plain HTTP, no reply). */
bool http_client_cert(struct http_client *c, struct http_cert *out);
/* "Dec  6 03:30:00 2026 GMT" (OpenSSL's notAfter) as wall ms; 0 when it is
 * not that. */
int64_t http_parse_cert_time(const char *s);

/* A reply's body as it arrives: grows by doubling, stays NUL-terminated,
 * and refuses data that would take it past max (over is then set). One
 * transfer's; the caller frees p. Any thread. */
struct http_body {
	char *p;
	size_t len;
	size_t cap;
	size_t max;
	bool over;
};

/* Appends n bytes of data; false (and over set) past max. */
bool http_body_add(struct http_body *b, const char *data, size_t n);

/* Percent-encodes s for a query string or a path segment: everything but
 * RFC 3986 unreserved characters becomes %XX. The caller frees it. */
char *http_escape(const char *s);

#endif
