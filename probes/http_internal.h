/* What http.c and http_errors.c share of an HTTP client: its struct, a
 * reply body being read, and the messages of a failed request. The thread
 * that owns the client (see http.h). Only built with libcurl. */
#ifndef WARROOM_HTTP_INTERNAL_H
#define WARROOM_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "probes/http.h"
#include "probes/libcurl_api.h"

struct http_client {
	CURL *curl;
	char *base;             /* URL without trailing '/' */
	char addr[256];         /* host:port */
	int timeout_ms;
	int64_t deadline_ms;    /* monotonic, 0 none */
	size_t max_bytes;
	bool (*cancelled)(void *arg);
	void *cancel_arg;
	struct curl_slist *hdr_get;
	struct curl_slist *hdr_post;
	char *username;
	char *password;
	bool has_token;         /* a bearer token is sent */
	char errbuf[CURL_ERROR_SIZE];
};

/* The requests a client makes; their index names them ("GET"). */
enum method { M_GET, M_POST, M_DELETE };

/* "5s", "250ms", "1.5s". */
void http_format_ms(int ms, char *buf, size_t n);
/* A request that got no reply, rc, as one line in err: "connection
 * refused (host:port)", "timed out after 5s (host:port)", "response
 * larger than 8 MiB (...)". Returns -1. */
int http_transport_error(struct http_client *c, CURLcode rc,
			 const struct http_body *b, struct err *err);
/* A reply of a status other than 2xx to method path_query, as one line
 * in err: the statuses an operator can act on say what they mean (a 404
 * names the path, a 401 the settings that give credentials), others quote
 * the body's first line. Returns -1. */
int http_status_error(const struct http_client *c, long status, int method,
		      const char *path_query, const char *body,
		      struct err *err);

#endif
