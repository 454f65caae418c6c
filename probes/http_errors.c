/* What a failed HTTP request means, in one line a person can act on: no
 * reply (refused, timed out, too large, TLS), a status the server gave
 * (a 404's path and usual cause, a 401's settings), and whether the base
 * URL's address accepts connections at all. The thread that owns the
 * client. */
#include "probes/http.h"

#include "build-config.h"

#if HAVE_LIBCURL

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/xalloc.h"
#include "probes/http_internal.h"
#include "probes/probe.h"

/* Longest piece of an error body quoted in a message. */
#define BODY_QUOTE_MAX 160

void
http_format_ms(int ms, char *buf, size_t n)
{
	if (ms % 1000 == 0) {
		snprintf(buf, n, "%ds", ms / 1000);
	} else if (ms < 1000) {
		snprintf(buf, n, "%dms", ms);
	} else {
		snprintf(buf, n, "%.1fs", ms / 1000.0);
	}
}

int
http_transport_error(struct http_client *c, CURLcode rc,
		     const struct http_body *b, struct err *err)
{
	char what[32];
	long os_errno = 0;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		http_format_ms(c->timeout_ms, what, sizeof(what));
		return err_set(err, "timed out after %s (%s)", what, c->addr);
	case CURLE_COULDNT_CONNECT:
		libcurl.curl_easy_getinfo(c->curl, CURLINFO_OS_ERRNO,
					  &os_errno);
		if (os_errno == ECONNREFUSED) {
			return err_set(err, "connection refused (%s)",
				       c->addr);
		}
		if (os_errno != 0) {
			return err_set(err, "cannot connect: %s (%s)",
				       strerror((int)os_errno), c->addr);
		}
		return err_set(err, "cannot connect (%s)", c->addr);
	case CURLE_COULDNT_RESOLVE_HOST:
		return err_set(err, "cannot resolve host (%s)", c->addr);
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (rc == CURLE_FILESIZE_EXCEEDED || b->over) {
			err_size(c->max_bytes, what, sizeof(what));
			return err_set(err, "response larger than %s (%s)",
				       what, c->addr);
		}
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		return err_set(err, "cancelled (%s)", c->addr);
	case CURLE_GOT_NOTHING:
		return err_set(err, "empty reply (%s)", c->addr);
	case CURLE_TOO_MANY_REDIRECTS:
		return err_set(err, "too many redirects (%s)", c->addr);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return err_set(err, "redirect to a non-HTTP URL refused (%s)",
			       c->addr);
	case CURLE_PEER_FAILED_VERIFICATION:
		return err_set(err, "TLS certificate not trusted: %s (%s)",
			       c->errbuf[0] ? c->errbuf
					    : libcurl.curl_easy_strerror(rc),
			       c->addr);
	default:
		break;
	}
	return err_set(
	    err, "%s (%s)",
	    c->errbuf[0] ? c->errbuf : libcurl.curl_easy_strerror(rc), c->addr);
}

/* The path of a request as the server saw it: the base URL's own path
 * (a prefix) and path_query without its query string, at most n - 1
 * bytes into buf. */
static void
request_path(const struct http_client *c, const char *path_query, char *buf,
	     size_t n)
{
	const char *host = strstr(c->base, "://");
	const char *prefix = host != NULL ? strchr(host + 3, '/') : NULL;

	snprintf(buf, n, "%s%.*s", prefix != NULL ? prefix : "",
		 (int)strcspn(path_query, "?"), path_query);
}

static const char *const method_names[] = { "GET", "POST", "DELETE" };

/* "HTTP 503: first line of the body"; for the statuses an operator can
 * act on, what they mean here. */
int
http_status_error(const struct http_client *c, long status, int method,
	     const char *path_query, const char *body, struct err *err)
{
	const char *s = body != NULL ? body : "";
	char path[160];
	size_t len;

	request_path(c, path_query, path, sizeof(path));
	if (status == 404) {
		/* The probe may add what it usually means (http_not_found
		 * ()): the path says what was asked. */
		return err_set(err, "HTTP 404 for %s %s (%s)",
			       method_names[method], path, c->addr);
	}
	if (status == 401) {
		if (c->username != NULL || c->has_token) {
			return err_set(err, "HTTP 401: the credentials were "
				       "refused (%s): check username and "
				       "password_file, or the bearer token",
				       c->addr);
		}
		return err_set(err, "HTTP 401: the server wants credentials "
			       "(%s): set username and password_file, or "
			       "bearer_token_file", c->addr);
	}
	if (status == 403) {
		return err_set(err, "HTTP 403: %s %s is forbidden to these "
			       "credentials (%s)", method_names[method], path,
			       c->addr);
	}

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
		s++;
	}
	len = strcspn(s, "\r\n");
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
		len--;
	}
	if (len == 0) {
		return err_set(err, "HTTP %ld (%s)", status, c->addr);
	}
	if (len > BODY_QUOTE_MAX) {
		return err_set(err, "HTTP %ld: %.*s...", status,
			       BODY_QUOTE_MAX, s);
	}
	return err_set(err, "HTTP %ld: %.*s", status, (int)len, s);
}


int
http_client_reachable(const struct http_client *c, const struct probe *p)
{
	char host[256];
	const char *colon = strrchr(c->addr, ':');
	const char *h = c->addr;
	size_t len;

	if (colon == NULL) {
		return -1;
	}
	len = (size_t)(colon - c->addr);
	if (len >= 2 && h[0] == '[' && h[len - 1] == ']') {
		h++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(host)) {
		return -1;
	}
	memcpy(host, h, len);
	host[len] = '\0';
	return probe_reach_tcp(p, host, colon + 1,
			       c->timeout_ms < 2000 ? c->timeout_ms : 2000);
}

int
http_not_found(struct http_client *c, const char *probe_path,
	       const char *probe_is, const char *want, struct err *err)
{
	struct http_resp resp;
	struct err ignored;
	char what[ERR_MSG_MAX];
	bool other;

	/* Whatever the server is, ask it once what the other one would
	 * answer; its own error stays what err says. */
	other = http_get(c, probe_path, &resp, &ignored) == 0;
	http_resp_finish(&resp);
	strlcpy_safe(what, err->msg, sizeof(what));
	if (other) {
		return err_set(err, "%s: this URL is %s, not %s: check url",
			       what, probe_is, want);
	}
	return err_set(err, "%s: no %s API here; if it runs under a path "
		       "prefix, put the prefix in url", what, want);
}

#endif /* HAVE_LIBCURL */
