/* The libcurl wrapper (see http.h): one easy handle per client, settings
 * from a [prometheus.NAME] / [alertmanager.NAME] section, one-line errors.
 * A client is used by one thread at a time. */
#include "probes/http.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "core/clock.h"
#include "core/xalloc.h"

const struct config_key_spec http_client_keys[] = {
	{ .name = "bearer_token_file", .type = CONFIG_TEXT,
	  .help = "a file holding a bearer token" },
	{ .name = "bearer_token_env", .type = CONFIG_ENV_NAME,
	  .help = "the name of an environment variable holding a bearer "
		  "token" },
	{ .name = "username", .type = CONFIG_TEXT,
	  .help = "user for HTTP basic authentication" },
	{ .name = "password_file", .type = CONFIG_TEXT,
	  .help = "a file whose first line is the basic-auth password" },
	{ .name = "ca_file", .type = CONFIG_TEXT,
	  .help = "PEM file of certificate authorities to trust" },
	{ .name = "tls_verify", .type = CONFIG_BOOL, .def = "true",
	  .help = "false accepts any certificate" },
	{ .name = NULL },
};

char *
http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(s), i;
	char *out = xmalloc(len * 3 + 1), *o = out;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

bool
http_body_add(struct http_body *b, const char *data, size_t n)
{
	if (n > b->max - b->len) {
		b->over = true;
		return false;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;

		while (cap < b->len + n + 1) {
			cap *= 2;
		}
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return true;
}

void
http_resp_finish(struct http_resp *resp)
{
	if (resp == NULL) {
		return;
	}
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
	resp->status = 0;
}

#if HAVE_LIBCURL

#include "probes/http_internal.h"
#include <pthread.h>

/* Longest bearer token or password read from a file. */
#define SECRET_MAX 8192

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static bool global_done;
static struct err global_err;

bool
http_global_init(struct err *err)
{
	bool ok;

	pthread_mutex_lock(&global_lock);
	if (!global_done) {
		global_done = true;
		if (libcurl_load(&global_err) &&
		    libcurl.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			err_set(&global_err, "libcurl failed to initialize");
		}
	}
	ok = global_err.msg[0] == '\0';
	if (!ok && err != NULL) {
		*err = global_err;
	}
	pthread_mutex_unlock(&global_lock);
	return ok;
}

static void
wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* The first line of path, trimmed, as a new string; NULL with err. The
 * content is never quoted in err. */
static char *
read_secret(const char *key, const char *path, struct err *err)
{
	FILE *fp = fopen(path, "r");
	char buf[SECRET_MAX + 2];
	size_t len;
	char *s, *e;

	if (fp == NULL) {
		err_set(err, "%s: cannot read %s: %s", key, path,
			strerror(errno));
		return NULL;
	}
	if (fgets(buf, sizeof(buf), fp) == NULL) {
		buf[0] = '\0';
	}
	fclose(fp);
	len = strlen(buf);
	if (len > SECRET_MAX) {
		explicit_bzero(buf, sizeof(buf));
		err_set(err, "%s: first line of %s is too long", key, path);
		return NULL;
	}
	for (s = buf; isspace((unsigned char)*s); s++) {
	}
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--) {
	}
	*e = '\0';
	if (*s == '\0') {
		err_set(err, "%s: %s is empty", key, path);
		return NULL;
	}
	s = xstrdup(s);
	explicit_bzero(buf, sizeof(buf));
	return s;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if (iscntrl((unsigned char)*s)) {
			return true;
		}
	}
	return false;
}

/* The bearer token from bearer_token_file or bearer_token_env, NULL when
 * neither is set; sets *failed on an error. */
static char *
bearer_token(const struct config_section *sec, bool *failed, struct err *err)
{
	const char *file = config_get(sec, "bearer_token_file");
	const char *env = config_get(sec, "bearer_token_env");
	char *tok = NULL;

	*failed = false;
	if (file != NULL && env != NULL) {
		*failed = true;
		err_set(err, "set bearer_token_file or bearer_token_env, not "
			"both");
		return NULL;
	}
	if (file != NULL) {
		tok = read_secret("bearer_token_file", file, err);
	} else if (env != NULL) {
		const char *v = getenv(env);

		if (v == NULL || *v == '\0') {
			err_set(err, "bearer_token_env: %s is not set", env);
		} else {
			tok = xstrdup(v);
		}
	} else {
		return NULL;
	}
	if (tok != NULL && has_control(tok)) {
		wipe_free(tok);
		tok = NULL;
		err_set(err, "bearer token holds a control character");
	}
	*failed = tok == NULL;
	return tok;
}

/* host:port of url, without any user or password. */
static int
parse_addr(struct http_client *c, const char *url, struct err *err)
{
	CURLU *u = libcurl.curl_url();
	char *host = NULL, *port = NULL, *query = NULL;
	int ret = 0;

	if (u == NULL) {
		return err_set(err, "out of memory");
	}
	if (libcurl.curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    libcurl.curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    libcurl.curl_url_get(u, CURLUPART_PORT, &port,
				 CURLU_DEFAULT_PORT) != CURLUE_OK) {
		ret = err_set(err, "url: not a valid http:// or https:// URL");
	} else if (libcurl.curl_url_get(u, CURLUPART_QUERY, &query, 0) ==
		   CURLUE_OK) {
		ret = err_set(err, "url: must not have a query string");
	} else {
		snprintf(c->addr, sizeof(c->addr), "%s:%s", host, port);
	}
	libcurl.curl_free(host);
	libcurl.curl_free(port);
	libcurl.curl_free(query);
	libcurl.curl_url_cleanup(u);
	return ret;
}

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	return http_body_add(arg, data, size * nmemb) ? size * nmemb : 0;
}

static int
progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
	    curl_off_t ultotal, curl_off_t ulnow)
{
	struct http_client *c = arg;

	return c->cancelled != NULL && c->cancelled(c->cancel_arg);
}

void
http_client_set_cancel(struct http_client *c, bool (*cancelled)(void *arg),
		       void *arg)
{
	c->cancelled = cancelled;
	c->cancel_arg = arg;
}

struct http_client *
http_client_new(const struct config_section *sec, struct err *err)
{
	const char *url = config_get(sec, "url");
	const char *user = config_get(sec, "username");
	const char *pwfile = config_get(sec, "password_file");
	const char *ca = config_get(sec, "ca_file");
	const char *verify_s = config_get(sec, "tls_verify");
	struct http_client *c;
	bool verify = true, failed;
	char *tok, *hdr;
	size_t len;

	if (!http_global_init(err)) {
		return NULL;
	}
	if (url == NULL || *url == '\0') {
		err_set(err, "missing url");
		return NULL;
	}
	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0) {
		err_set(err, "url: expected http:// or https://");
		return NULL;
	}
	if (verify_s != NULL && config_parse_bool(verify_s, &verify) < 0) {
		err_set(err, "tls_verify: expected true or false");
		return NULL;
	}
	if (pwfile != NULL && user == NULL) {
		err_set(err, "password_file needs username");
		return NULL;
	}
	if (ca != NULL && access(ca, R_OK) < 0) {
		err_set(err, "ca_file: cannot read %s: %s", ca,
			strerror(errno));
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->timeout_ms = sec->timeout_ms > 0 ? sec->timeout_ms : 5000;
	c->max_bytes = HTTP_MAX_BYTES_DEFAULT;
	c->base = xstrdup(url);
	len = strlen(c->base);
	while (len > 0 && c->base[len - 1] == '/') {
		c->base[--len] = '\0';
	}
	if (parse_addr(c, c->base, err) < 0) {
		http_client_free(c);
		return NULL;
	}
	if (user != NULL) {
		c->username = xstrdup(user);
		c->password = pwfile != NULL ?
			read_secret("password_file", pwfile, err) :
			xstrdup("");
		if (c->password == NULL) {
			http_client_free(c);
			return NULL;
		}
	}
	tok = bearer_token(sec, &failed, err);
	if (failed) {
		http_client_free(c);
		return NULL;
	}
	c->hdr_get =
	    libcurl.curl_slist_append(NULL, "Accept: application/json");
	if (tok != NULL) {
		c->has_token = true;
		hdr = xasprintf("Authorization: Bearer %s", tok);
		c->hdr_get = libcurl.curl_slist_append(c->hdr_get, hdr);
		wipe_free(hdr);
		wipe_free(tok);
	}
	c->curl = libcurl.curl_easy_init();
	if (c->curl == NULL || c->hdr_get == NULL) {
		http_client_free(c);
		err_set(err, "cannot initialize libcurl");
		return NULL;
	}
	/* POST adds its content type; "Expect:" stops curl from waiting for a
	 * 100 Continue on larger bodies. */
	{
		struct curl_slist *h;

		for (h = c->hdr_get; h != NULL; h = h->next) {
			c->hdr_post =
			    libcurl.curl_slist_append(c->hdr_post, h->data);
		}
		c->hdr_post = libcurl.curl_slist_append(
		    c->hdr_post, "Content-Type: application/json");
		c->hdr_post = libcurl.curl_slist_append(c->hdr_post, "Expect:");
	}
	libcurl.curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	libcurl.curl_easy_setopt(c->curl, CURLOPT_REDIR_PROTOCOLS_STR,
				 "http,https");
	libcurl.curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 1L);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_MAXREDIRS, 3L);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_USERAGENT,
				 "warroom/" WARROOM_VERSION);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, write_cb);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 0L);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION,
				 progress_cb);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_XFERINFODATA, c);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER,
				 verify ? 1L : 0L);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST,
				 verify ? 2L : 0L);
	if (ca != NULL) {
		libcurl.curl_easy_setopt(c->curl, CURLOPT_CAINFO, ca);
	}
	if (c->username != NULL) {
		libcurl.curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH,
					 (long)CURLAUTH_BASIC);
		libcurl.curl_easy_setopt(c->curl, CURLOPT_USERNAME,
					 c->username);
		libcurl.curl_easy_setopt(c->curl, CURLOPT_PASSWORD,
					 c->password);
	}
	return c;
}

void
http_client_free(struct http_client *c)
{
	struct curl_slist *h;

	if (c == NULL) {
		return;
	}
	if (c->curl != NULL) {
		libcurl.curl_easy_cleanup(c->curl);
	}
	/* The lists may hold the bearer token. */
	for (h = c->hdr_get; h != NULL; h = h->next) {
		explicit_bzero(h->data, strlen(h->data));
	}
	for (h = c->hdr_post; h != NULL; h = h->next) {
		explicit_bzero(h->data, strlen(h->data));
	}
	libcurl.curl_slist_free_all(c->hdr_get);
	libcurl.curl_slist_free_all(c->hdr_post);
	wipe_free(c->username);
	wipe_free(c->password);
	free(c->base);
	free(c);
}

const char *
http_client_addr(const struct http_client *c)
{
	return c->addr;
}

void
http_client_set_deadline(struct http_client *c, int64_t deadline_ms)
{
	c->deadline_ms = deadline_ms;
}

void
http_client_set_max_bytes(struct http_client *c, size_t max)
{
	c->max_bytes = max;
}


static int
perform(struct http_client *c, enum method m, const char *path_query,
	const char *json_body, struct http_resp *resp, struct err *err)
{
	struct http_body b = { .max = c->max_bytes };
	int64_t left = c->timeout_ms;
	char *url;
	CURLcode rc;
	long status = 0;

	memset(resp, 0, sizeof(*resp));
	if (c->deadline_ms > 0) {
		int64_t rest = c->deadline_ms - clock_mono_ms();

		if (rest <= 0) {
			char what[32];

			http_format_ms(c->timeout_ms, what, sizeof(what));
			return err_set(err, "timed out after %s (%s)", what,
				       c->addr);
		}
		if (rest < left) {
			left = rest;
		}
	}
	url = xasprintf("%s%s", c->base, path_query);
	c->errbuf[0] = '\0';
	libcurl.curl_easy_setopt(c->curl, CURLOPT_URL, url);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS,
				 (long)left);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, (long)left);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_MAXFILESIZE_LARGE,
				 (curl_off_t)c->max_bytes);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &b);
	libcurl.curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, (char *)NULL);
	if (m == M_POST) {
		const char *pb = json_body != NULL ? json_body : "";

		libcurl.curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER,
					 c->hdr_post);
		libcurl.curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)strlen(pb));
		libcurl.curl_easy_setopt(c->curl, CURLOPT_COPYPOSTFIELDS, pb);
	} else {
		libcurl.curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER,
					 c->hdr_get);
		libcurl.curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
		if (m == M_DELETE) {
			libcurl.curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST,
						 "DELETE");
		}
	}
	rc = libcurl.curl_easy_perform(c->curl);
	free(url);
	if (rc != CURLE_OK) {
		free(b.p);
		return http_transport_error(c, rc, &b, err);
	}
	libcurl.curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
	resp->status = status;
	resp->body = b.p != NULL ? b.p : xstrdup("");
	resp->len = b.len;
	if (status < 200 || status > 299) {
		return http_status_error(c, status, m, path_query, resp->body,
					 err);
	}
	return 0;
}

int
http_get(struct http_client *c, const char *path_query,
	 struct http_resp *resp, struct err *err)
{
	return perform(c, M_GET, path_query, NULL, resp, err);
}

/* ---- what an endpoint check measures -------------------------------- */

static double
info_ms(CURL *curl, CURLINFO what)
{
	curl_off_t us = 0;

	if (libcurl.curl_easy_getinfo(curl, what, &us) != CURLE_OK || us <= 0) {
		return NAN;
	}
	return (double)us / 1000.0;
}

void
http_client_timing(struct http_client *c, struct http_timing *t)
{
	double app;

	t->total_ms = info_ms(c->curl, CURLINFO_TOTAL_TIME_T);
	t->connect_ms = info_ms(c->curl, CURLINFO_CONNECT_TIME_T);
	t->first_byte_ms = info_ms(c->curl, CURLINFO_STARTTRANSFER_TIME_T);
	/* appconnect counts from the start, as connect does. */
	app = info_ms(c->curl, CURLINFO_APPCONNECT_TIME_T);
	t->tls_ms = !isnan(app) && !isnan(t->connect_ms) ?
		    app - t->connect_ms : NAN;
}

void
http_client_want_cert(struct http_client *c)
{
	libcurl.curl_easy_setopt(c->curl, CURLOPT_CERTINFO, 1L);
}

int64_t
http_parse_cert_time(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	const char *m;
	struct tm tm;
	int day, hh, mm, ss, year;

	if (sscanf(s, "%3s %d %d:%d:%d %d", mon, &day, &hh, &mm, &ss,
		   &year) != 6 || strlen(mon) != 3 ||
	    (m = strstr(months, mon)) == NULL || (m - months) % 3 != 0) {
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = (int)((m - months) / 3);
	tm.tm_mday = day;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	return (int64_t)timegm(&tm) * 1000;
}

bool
http_client_cert(struct http_client *c, struct http_cert *out)
{
	struct curl_certinfo *ci = NULL;
	struct curl_slist *f;

	memset(out, 0, sizeof(*out));
	if (libcurl.curl_easy_getinfo(c->curl, CURLINFO_CERTINFO, &ci) !=
	    CURLE_OK || ci == NULL || ci->num_of_certs < 1) {
		return false;
	}
	/* The first of the chain is the server's own. */
	for (f = ci->certinfo[0]; f != NULL; f = f->next) {
		if (strncmp(f->data, "Expire date:", 12) == 0) {
			out->not_after_ms = http_parse_cert_time(f->data + 12);
		} else if (strncmp(f->data, "Issuer:", 7) == 0) {
			strlcpy_safe(out->issuer, f->data + 7,
				     sizeof(out->issuer));
		} else if (strncmp(f->data, "Subject:", 8) == 0) {
			strlcpy_safe(out->subject, f->data + 8,
				     sizeof(out->subject));
		}
	}
	return out->not_after_ms != 0;
}

int
http_post(struct http_client *c, const char *path_query,
	  const char *json_body, struct http_resp *resp, struct err *err)
{
	return perform(c, M_POST, path_query, json_body, resp, err);
}

int
http_delete(struct http_client *c, const char *path_query,
	    struct http_resp *resp, struct err *err)
{
	return perform(c, M_DELETE, path_query, NULL, resp, err);
}

#else /* !HAVE_LIBCURL */

bool
http_global_init(struct err *err)
{
	return err_set(err, "HTTP support not built in") == 0;
}

struct http_client *
http_client_new(const struct config_section *sec, struct err *err)
{
	err_set(err, "HTTP support not built in");
	return NULL;
}

void
http_client_free(struct http_client *c)
{
}

const char *
http_client_addr(const struct http_client *c)
{
	return "";
}

void
http_client_set_deadline(struct http_client *c, int64_t deadline_ms)
{
}

void
http_client_set_max_bytes(struct http_client *c, size_t max)
{
}

void
http_client_set_cancel(struct http_client *c, bool (*cancelled)(void *arg),
		       void *arg)
{
}

static int
no_http(struct http_resp *resp, struct err *err)
{
	memset(resp, 0, sizeof(*resp));
	return err_set(err, "HTTP support not built in");
}

int
http_get(struct http_client *c, const char *path_query,
	 struct http_resp *resp, struct err *err)
{
	return no_http(resp, err);
}

void
http_client_timing(struct http_client *c, struct http_timing *t)
{
	t->total_ms = t->connect_ms = t->tls_ms = t->first_byte_ms = NAN;
}

void
http_client_want_cert(struct http_client *c)
{
}

int64_t
http_parse_cert_time(const char *s)
{
	return 0;
}

bool
http_client_cert(struct http_client *c, struct http_cert *out)
{
	memset(out, 0, sizeof(*out));
	return false;
}

int
http_post(struct http_client *c, const char *path_query,
	  const char *json_body, struct http_resp *resp, struct err *err)
{
	return no_http(resp, err);
}

int
http_delete(struct http_client *c, const char *path_query,
	    struct http_resp *resp, struct err *err)
{
	return no_http(resp, err);
}

int
http_not_found(struct http_client *c, const char *probe_path,
	       const char *probe_is, const char *want, struct err *err)
{
	return -1;
}

int
http_client_reachable(const struct http_client *c, const struct probe *p)
{
	return -1;
}

#endif
