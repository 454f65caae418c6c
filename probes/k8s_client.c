/* The Kubernetes API client over libcurl: TLS and credentials from a
 * struct k8s_conn (key material as blobs, never a file), one-line errors,
 * a request waited for (actions) and transfers that run together in one
 * curl multi (the probe's lists, watches, logs). A client and its loop
 * belong to one thread; k8s_loop_wakeup() may come from any. */
#include "probes/k8s.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build-config.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "probes/http.h"

#if HAVE_LIBCURL

#include "probes/libcurl_api.h"

/* The largest body unless a transfer says otherwise. */
#define BODY_MAX_DEFAULT (64u << 20)
/* A token file is read again after this long (it rotates). */
#define TOKEN_FILE_REREAD_MS 60000

struct k8s_client {
	struct k8s_conn conn;
	char addr[256];
	int timeout_ms;
	bool (*cancelled)(void *arg);
	void *cancel_arg;
	bool have_cred;
	struct k8s_cred cred;   /* a token file's or an exec plugin's */
	int64_t cred_read_ms;   /* monotonic */
};

struct k8s_client *
k8s_client_new(const struct k8s_conn *conn, int timeout_ms, struct err *err)
{
	struct k8s_client *c;
	const char *host;
	size_t len;

	if (!http_global_init(err)) {
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	k8s_conn_copy(&c->conn, conn);
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	host = strstr(conn->server, "://");
	host = host != NULL ? host + 3 : conn->server;
	len = strcspn(host, "/");
	snprintf(c->addr, sizeof(c->addr), "%.*s", (int)len, host);
	return c;
}

void
k8s_client_free(struct k8s_client *c)
{
	if (c == NULL) {
		return;
	}
	k8s_cred_finish(&c->cred);
	k8s_conn_finish(&c->conn);
	free(c);
}

const struct k8s_conn *
k8s_client_conn(const struct k8s_client *c)
{
	return &c->conn;
}

const char *
k8s_client_addr(const struct k8s_client *c)
{
	return c->addr;
}

int
k8s_client_timeout_ms(const struct k8s_client *c)
{
	return c->timeout_ms;
}

void
k8s_client_set_cancel(struct k8s_client *c, bool (*cancelled)(void *),
		      void *arg)
{
	c->cancelled = cancelled;
	c->cancel_arg = arg;
}

/* The first line of a token file. */
static int
read_token_file(const char *path, char **out, struct err *err)
{
	FILE *f = fopen(path, "r");
	char buf[16384];
	size_t len;

	if (f == NULL) {
		return err_set(err, "tokenFile: cannot read %s: %s", path,
			       strerror(errno));
	}
	if (fgets(buf, sizeof(buf), f) == NULL) {
		buf[0] = '\0';
	}
	fclose(f);
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0) {
		return err_set(err, "tokenFile: %s is empty", path);
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

int
k8s_client_auth(struct k8s_client *c, struct err *err)
{
	int64_t now = clock_mono_ms();

	if (c->have_cred) {
		bool expired = c->cred.expires_ms != 0 &&
			       c->cred.expires_ms - 10000 <= clock_wall_ms();
		bool stale = c->conn.token_file != NULL &&
			     c->conn.exec == NULL &&
			     now - c->cred_read_ms >= TOKEN_FILE_REREAD_MS;

		if (!expired && !stale) {
			return 0;
		}
		k8s_cred_finish(&c->cred);
		c->have_cred = false;
	}
	if (c->conn.exec != NULL) {
		if (k8s_exec_credential(&c->conn, c->timeout_ms < 10000 ?
					10000 : c->timeout_ms, c->cancelled,
					c->cancel_arg, &c->cred, err) < 0) {
			return -1;
		}
	} else if (c->conn.token_file != NULL && c->conn.token == NULL) {
		if (read_token_file(c->conn.token_file, &c->cred.token,
				    err) < 0) {
			return -1;
		}
	}
	c->have_cred = true;
	c->cred_read_ms = now;
	return 0;
}

bool
k8s_client_unauthorized(struct k8s_client *c)
{
	bool renewable = c->conn.exec != NULL ||
			 (c->conn.token_file != NULL && c->conn.token == NULL);

	if (c->conn.exec != NULL) {
		k8s_exec_forget(&c->conn);
	}
	k8s_cred_finish(&c->cred);
	c->have_cred = false;
	return renewable;
}

/* Accept, the bearer token and a content type, for one request. */
static struct curl_slist *
headers(const struct k8s_client *c, const char *content_type)
{
	const char *tok = c->cred.token != NULL ? c->cred.token :
			  c->conn.token;
	struct curl_slist *h;

	h = libcurl.curl_slist_append(NULL, "Accept: application/json");
	if (tok != NULL) {
		char *line = xasprintf("Authorization: Bearer %s", tok);

		h = libcurl.curl_slist_append(h, line);
		k8s_secret_free(line);
	}
	if (content_type != NULL) {
		char *line = xasprintf("Content-Type: %s", content_type);

		h = libcurl.curl_slist_append(h, line);
		free(line);
		/* No waiting for a 100 Continue on a larger body. */
		h = libcurl.curl_slist_append(h, "Expect:");
	}
	return h;
}

static void
free_headers(struct curl_slist *h)
{
	for (struct curl_slist *it = h; it != NULL; it = it->next) {
		explicit_bzero(it->data, strlen(it->data));
	}
	libcurl.curl_slist_free_all(h);
}

static void
set_blob(CURL *h, CURLoption opt, const struct k8s_blob *b)
{
	struct curl_blob blob = {
		.data = b->data,
		.len = b->len,
		.flags = CURL_BLOB_COPY,
	};

	libcurl.curl_easy_setopt(h, opt, &blob);
}

/* Everything a request to the server needs but its method and body. */
static void
setup(const struct k8s_client *c, CURL *h, const char *path,
      struct curl_slist *hdrs, char *errbuf)
{
	const struct k8s_blob *cert = c->cred.cert.data != NULL ?
				      &c->cred.cert : &c->conn.cert;
	const struct k8s_blob *key = c->cred.key.data != NULL ?
				     &c->cred.key : &c->conn.key;
	char *url = xasprintf("%s%s", c->conn.server, path);

	libcurl.curl_easy_setopt(h, CURLOPT_URL, url);
	free(url);
	libcurl.curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	libcurl.curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	libcurl.curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	libcurl.curl_easy_setopt(h, CURLOPT_USERAGENT,
				 "warroom/" WARROOM_VERSION);
	libcurl.curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	libcurl.curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	libcurl.curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
				 (long)c->timeout_ms);
	libcurl.curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	/* As kubectl: lists arrive compressed. */
	libcurl.curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (c->conn.ca.data != NULL) {
		set_blob(h, CURLOPT_CAINFO_BLOB, &c->conn.ca);
	}
	libcurl.curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER,
				 c->conn.insecure ? 0L : 1L);
	libcurl.curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST,
				 c->conn.insecure ? 0L : 2L);
	if (cert->data != NULL && key->data != NULL) {
		libcurl.curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
		set_blob(h, CURLOPT_SSLCERT_BLOB, cert);
		libcurl.curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
		set_blob(h, CURLOPT_SSLKEY_BLOB, key);
	}
	if (c->conn.username != NULL) {
		libcurl.curl_easy_setopt(h, CURLOPT_HTTPAUTH,
					 (long)CURLAUTH_BASIC);
		libcurl.curl_easy_setopt(h, CURLOPT_USERNAME,
					 c->conn.username);
		libcurl.curl_easy_setopt(h, CURLOPT_PASSWORD,
					 c->conn.password ? c->conn.password :
					 "");
	}
}

/* A transport failure as one line. */
static int
transport_error(const struct k8s_client *c, CURL *h, CURLcode rc,
		const char *errbuf, bool over, struct err *err)
{
	long os = 0;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(err, "timed out after %d s (%s)",
			       (c->timeout_ms + 999) / 1000, c->addr);
	case CURLE_COULDNT_CONNECT:
		libcurl.curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os);
		return err_set(err, "cannot connect: %s (%s)",
			       os != 0 ? strerror((int)os) : "refused",
			       c->addr);
	case CURLE_COULDNT_RESOLVE_HOST:
		return err_set(err, "cannot resolve host (%s)", c->addr);
	case CURLE_PEER_FAILED_VERIFICATION:
		return err_set(err, "TLS: the server's certificate is not "
			       "trusted (%s)", c->addr);
	case CURLE_ABORTED_BY_CALLBACK:
		return err_set(err, "cancelled (%s)", c->addr);
	case CURLE_GOT_NOTHING:
		return err_set(err, "empty reply (%s)", c->addr);
	case CURLE_WRITE_ERROR:
		if (over) {
			return err_set(err, "reply too large (%s)", c->addr);
		}
		break;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
		return err_set(err, "connection broken (%s)", c->addr);
	default:
		break;
	}
	return err_set(err, "%s (%s)", errbuf[0] ? errbuf :
		       libcurl.curl_easy_strerror(rc), c->addr);
}

/* ---- a request waited for ------------------------------------------------ */

static size_t
body_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	return http_body_add(arg, data, size * nmemb) ? size * nmemb : 0;
}

static int
cancel_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
	  curl_off_t ultotal, curl_off_t ulnow)
{
	const struct k8s_client *c = arg;

	return c->cancelled != NULL && c->cancelled(c->cancel_arg);
}

void
k8s_resp_finish(struct k8s_resp *r)
{
	if (r != NULL) {
		free(r->body);
		memset(r, 0, sizeof(*r));
	}
}

static int
request_once(struct k8s_client *c, const char *method, const char *path,
	     const char *content_type, const char *body,
	     struct k8s_resp *resp, struct err *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct http_body b = { .max = BODY_MAX_DEFAULT };
	struct curl_slist *hdrs;
	CURL *h;
	CURLcode rc;

	memset(resp, 0, sizeof(*resp));
	if (k8s_client_auth(c, err) < 0) {
		return -1;
	}
	h = libcurl.curl_easy_init();
	if (h == NULL) {
		return err_set(err, "cannot initialize libcurl");
	}
	hdrs = headers(c, body != NULL ? content_type : NULL);
	setup(c, h, path, hdrs, errbuf);
	libcurl.curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	libcurl.curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
	libcurl.curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	libcurl.curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	libcurl.curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cancel_cb);
	libcurl.curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	libcurl.curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		libcurl.curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)strlen(body));
		libcurl.curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
	}
	rc = libcurl.curl_easy_perform(h);
	if (rc != CURLE_OK) {
		transport_error(c, h, rc, errbuf, b.over, err);
		free(b.p);
	} else {
		libcurl.curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE,
					  &resp->status);
		resp->body = b.p != NULL ? b.p : xstrdup("");
		resp->len = b.len;
	}
	libcurl.curl_easy_cleanup(h);
	free_headers(hdrs);
	if (rc != CURLE_OK) {
		return -1;
	}
	if (resp->status < 200 || resp->status > 299) {
		return k8s_status_error(resp->status, resp->body, c->addr,
					err);
	}
	return 0;
}

int
k8s_request(struct k8s_client *c, const char *method, const char *path,
	    const char *content_type, const char *body,
	    struct k8s_resp *resp, struct err *err)
{
	int rc = request_once(c, method, path, content_type, body, resp, err);

	if (rc < 0 && resp->status == 401 && k8s_client_unauthorized(c)) {
		k8s_resp_finish(resp);
		rc = request_once(c, method, path, content_type, body, resp,
				  err);
	}
	return rc;
}

/* ---- transfers that run together ----------------------------------------- */

struct k8s_xfer {
	struct k8s_loop *l;
	CURL *h;
	struct curl_slist *hdrs;
	int stream_s;           /* < 0 a body; 0 a stream without end */
	const struct k8s_xfer_ops *ops;
	void *arg;
	struct http_body b;          /* the body, or the line being read */
	bool skipping;          /* dropping the rest of a line over the cap */
	bool got_headers;
	int64_t started_ms;
	char errbuf[CURL_ERROR_SIZE];
	struct k8s_xfer *next;
};

struct k8s_loop {
	struct k8s_client *c;
	CURLM *multi;
	struct k8s_xfer *xfers;
	uint64_t bytes;
};

struct k8s_loop *
k8s_loop_new(struct k8s_client *c)
{
	struct k8s_loop *l = xcalloc(1, sizeof(*l));

	l->c = c;
	l->multi = libcurl.curl_multi_init();
	if (l->multi == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

static void
xfer_free(struct k8s_loop *l, struct k8s_xfer *x)
{
	struct k8s_xfer **pp;

	for (pp = &l->xfers; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == x) {
			*pp = x->next;
			break;
		}
	}
	libcurl.curl_multi_remove_handle(l->multi, x->h);
	libcurl.curl_easy_cleanup(x->h);
	free_headers(x->hdrs);
	free(x->b.p);
	free(x);
}

void
k8s_loop_free(struct k8s_loop *l)
{
	if (l == NULL) {
		return;
	}
	while (l->xfers != NULL) {
		xfer_free(l, l->xfers);
	}
	libcurl.curl_multi_cleanup(l->multi);
	free(l);
}

struct k8s_client *
k8s_loop_client(struct k8s_loop *l)
{
	return l->c;
}

void
k8s_loop_wakeup(void *loop)
{
	struct k8s_loop *l = loop;

	libcurl.curl_multi_wakeup(l->multi);
}

uint64_t
k8s_loop_bytes(const struct k8s_loop *l)
{
	uint64_t n = l->bytes;

	/* Counted as they came, before decompression. */
	for (const struct k8s_xfer *x = l->xfers; x != NULL; x = x->next) {
		curl_off_t got = 0;

		libcurl.curl_easy_getinfo(x->h, CURLINFO_SIZE_DOWNLOAD_T, &got);
		n += (uint64_t)got;
	}
	return n;
}

static bool
ok_status(long status)
{
	return status >= 200 && status <= 299;
}

/* Hands the line in x->b (without its newline) to the line callback. */
static void
emit_line(struct k8s_xfer *x)
{
	size_t len = x->b.len;

	while (len > 0 && (x->b.p[len - 1] == '\n' ||
			   x->b.p[len - 1] == '\r')) {
		len--;
	}
	x->b.p[len] = '\0';
	x->ops->line(x->arg, x->b.p, len);
	x->b.len = 0;
}

static size_t
xfer_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct k8s_xfer *x = arg;
	size_t n = size * nmemb, took = 0;
	long status = 0;

	if (x->ops->line == NULL) {
		return http_body_add(&x->b, data, n) ? n : 0;
	}
	libcurl.curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
	if (!ok_status(status)) {
		/* An error document: read whole, for the message. */
		return http_body_add(&x->b, data, n) ? n : 0;
	}
	/* Pieces end at a newline or at the end of data; x->b holds at most
	 * one line, the one being read. */
	while (took < n) {
		const char *nl = memchr(data + took, '\n', n - took);
		size_t piece = (nl != NULL ? (size_t)(nl - data) + 1 : n) -
			       took;

		if (x->skipping) {
			x->skipping = nl == NULL;
		} else if (piece > x->b.max - x->b.len) {
			/* A line past the cap is cut there; the rest of it,
			 * up to its newline, is dropped. */
			http_body_add(&x->b, data + took, x->b.max - x->b.len);
			emit_line(x);
			x->skipping = nl == NULL;
		} else {
			http_body_add(&x->b, data + took, piece);
			if (nl != NULL) {
				emit_line(x);
			}
		}
		took += piece;
	}
	return n;
}

static size_t
xfer_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct k8s_xfer *x = arg;
	size_t n = size * nmemb;

	if (n <= 2 && (data[0] == '\r' || data[0] == '\n')) {
		long status = 0;

		x->got_headers = true;
		libcurl.curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE,
					  &status);
		if (ok_status(status) && x->ops->start != NULL) {
			x->ops->start(x->arg);
		}
	}
	return n;
}

struct k8s_xfer *
k8s_loop_get(struct k8s_loop *l, const char *path, int stream_s, size_t max,
	     const struct k8s_xfer_ops *ops, void *arg, struct err *err)
{
	struct k8s_client *c = l->c;
	struct k8s_xfer *x;

	if (k8s_client_auth(c, err) < 0) {
		return NULL;
	}
	x = xcalloc(1, sizeof(*x));
	x->l = l;
	x->h = libcurl.curl_easy_init();
	if (x->h == NULL) {
		free(x);
		err_set(err, "cannot initialize libcurl");
		return NULL;
	}
	x->stream_s = stream_s;
	x->ops = ops;
	x->arg = arg;
	x->b.max = max > 0 ? max : BODY_MAX_DEFAULT;
	x->started_ms = clock_mono_ms();
	x->hdrs = headers(c, NULL);
	setup(c, x->h, path, x->hdrs, x->errbuf);
	libcurl.curl_easy_setopt(x->h, CURLOPT_HTTPGET, 1L);
	libcurl.curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, xfer_write);
	libcurl.curl_easy_setopt(x->h, CURLOPT_WRITEDATA, x);
	libcurl.curl_easy_setopt(x->h, CURLOPT_HEADERFUNCTION, xfer_header);
	libcurl.curl_easy_setopt(x->h, CURLOPT_HEADERDATA, x);
	libcurl.curl_easy_setopt(x->h, CURLOPT_PRIVATE, x);
	libcurl.curl_easy_setopt(x->h, CURLOPT_NOPROGRESS, 1L);
	if (stream_s < 0) {
		libcurl.curl_easy_setopt(x->h, CURLOPT_TIMEOUT_MS,
					 (long)c->timeout_ms);
	} else if (stream_s > 0) {
		libcurl.curl_easy_setopt(x->h, CURLOPT_TIMEOUT_MS,
					 (long)stream_s * 1000 +
					 c->timeout_ms);
	}
	x->next = l->xfers;
	l->xfers = x;
	libcurl.curl_multi_add_handle(l->multi, x->h);
	return x;
}

void
k8s_xfer_cancel(struct k8s_loop *l, struct k8s_xfer *x)
{
	if (x != NULL) {
		xfer_free(l, x);
	}
}

/* Ends x: its done with what came, then it is freed. */
static void
xfer_end(struct k8s_loop *l, struct k8s_xfer *x, CURLcode rc,
	 const struct err *timeout)
{
	struct err err;
	long status = 0;
	curl_off_t got = 0;

	err_clear(&err);
	libcurl.curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
	libcurl.curl_easy_getinfo(x->h, CURLINFO_SIZE_DOWNLOAD_T, &got);
	l->bytes += (uint64_t)got;
	if (timeout != NULL) {
		err = *timeout;
	} else if (rc != CURLE_OK) {
		transport_error(l->c, x->h, rc, x->errbuf, x->b.over, &err);
	} else if (!ok_status(status)) {
		k8s_status_error(status, x->b.p, l->c->addr, &err);
	} else if (x->ops->line != NULL && x->b.len > 0) {
		/* A last line without its newline. */
		x->ops->line(x->arg, x->b.p, x->b.len);
		x->b.len = 0;
	}
	if (x->b.p == NULL) {
		x->b.p = xstrdup("");
	}
	x->ops->done(x->arg, status, x->b.p, x->b.len,
		     err.msg[0] != '\0' ? &err : NULL);
	xfer_free(l, x);
}

void
k8s_loop_run(struct k8s_loop *l, int wait_ms)
{
	struct k8s_xfer *x, *next;
	CURLMsg *msg;
	int running = 0, left = 0;
	int64_t now;

	libcurl.curl_multi_perform(l->multi, &running);
	while ((msg = libcurl.curl_multi_info_read(l->multi, &left)) !=
	       NULL) {
		if (msg->msg != CURLMSG_DONE) {
			continue;
		}
		char *priv = NULL;

		libcurl.curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
					  &priv);
		x = (struct k8s_xfer *)(void *)priv;
		if (x != NULL) {
			xfer_end(l, x, msg->data.result, NULL);
		}
	}
	/* A stream whose reply has not begun within the timeout hangs. */
	now = clock_mono_ms();
	for (x = l->xfers; x != NULL; x = next) {
		next = x->next;
		if (x->stream_s >= 0 && !x->got_headers &&
		    now - x->started_ms >= l->c->timeout_ms) {
			struct err e;

			err_set(&e, "timed out after %d s (%s)",
				(l->c->timeout_ms + 999) / 1000, l->c->addr);
			xfer_end(l, x, CURLE_OK, &e);
			/* Callbacks may have changed the list. */
			next = l->xfers;
		}
	}
	if (wait_ms > 0) {
		libcurl.curl_multi_poll(l->multi, NULL, 0, wait_ms, NULL);
	}
}

#else /* !HAVE_LIBCURL */

struct k8s_client *
k8s_client_new(const struct k8s_conn *conn, int timeout_ms, struct err *err)
{
	err_set(err, "HTTP support not built in");
	return NULL;
}

#endif
