/* Redis connection settings: the URL parser and the section reader (where
 * the password comes from). Pure functions apart from reading the password
 * file and the environment; any thread. No message here ever repeats a URL
 * or a password. */
#include "probes/redis.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

#define DB_MAX 1000000

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = tolower(c);
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

/* Percent-decodes src[0..len) into dst (size n). */
static int
percent_decode(char *dst, size_t n, const char *src, size_t len,
	       const char *what, struct err *err)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)src[i];

		if (c == '%') {
			if (i + 2 >= len ||
			    hex_value((unsigned char)src[i + 1]) < 0 ||
			    hex_value((unsigned char)src[i + 2]) < 0) {
				return err_set(err, "bad percent-encoding in "
					       "the %s of the Redis URL", what);
			}
			c = hex_value((unsigned char)src[i + 1]) * 16 +
			    hex_value((unsigned char)src[i + 2]);
			if (c == 0) {
				return err_set(err, "NUL byte in the %s of "
					       "the Redis URL", what);
			}
			i += 2;
		}
		if (o + 1 >= n) {
			return err_set(err, "the %s in the Redis URL is too "
				       "long", what);
		}
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return 0;
}

/* Digits only, value in [lo, hi]. */
static int
parse_number(const char *s, size_t len, long lo, long hi, long *out)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 9) {
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	if (v < lo || v > hi) {
		return -1;
	}
	*out = v;
	return 0;
}

/* unix:///PATH[?db=N] */
static int
parse_unix(const char *rest, struct redis_url *out, struct err *err)
{
	const char *q = strchr(rest, '?');
	size_t len = q != NULL ? (size_t)(q - rest) : strlen(rest);
	long db = 0;

	if (len == 0 || rest[0] != '/') {
		return err_set(err, "a unix:// Redis URL needs an absolute "
			       "path (unix:///path/to/redis.sock)");
	}
	if (len >= sizeof(out->path)) {
		return err_set(err, "socket path in the Redis URL is longer "
			       "than %zu bytes", sizeof(out->path) - 1);
	}
	memcpy(out->path, rest, len);
	out->path[len] = '\0';
	if (q != NULL) {
		if (strncmp(q, "?db=", 4) != 0 ||
		    parse_number(q + 4, strlen(q + 4), 0, DB_MAX, &db) < 0) {
			return err_set(err, "bad query in the Redis URL "
				       "(only ?db=N is understood)");
		}
	}
	out->is_unix = true;
	out->db = (int)db;
	return 0;
}

/* USERINFO of redis://USERINFO@...: "USER:PASSWORD", ":PASSWORD", or, as
 * redis-cli reads it, a bare "PASSWORD". */
static int
parse_userinfo(const char *s, size_t len, struct redis_url *out,
	       struct err *err)
{
	const char *colon = memchr(s, ':', len);

	if (colon != NULL) {
		if (percent_decode(out->user, sizeof(out->user), s,
				   (size_t)(colon - s), "user", err) < 0) {
			return -1;
		}
		len -= (size_t)(colon - s) + 1;
		s = colon + 1;
	}
	if (percent_decode(out->password, sizeof(out->password), s, len,
			   "password", err) < 0) {
		return -1;
	}
	out->has_password = out->password[0] != '\0';
	return 0;
}

/* HOST[:PORT][/DB] */
static int
parse_hostport(const char *s, struct redis_url *out, struct err *err)
{
	const char *h = s, *h_end, *p;
	long v;

	if (*s == '[') {
		h = s + 1;
		h_end = strchr(h, ']');
		if (h_end == NULL) {
			return err_set(err, "unterminated [IPv6] host in the "
				       "Redis URL");
		}
		p = h_end + 1;
	} else {
		h_end = h + strcspn(h, ":/?");
		p = h_end;
	}
	if (h_end == h) {
		return err_set(err, "no host in the Redis URL");
	}
	if ((size_t)(h_end - h) >= sizeof(out->host)) {
		return err_set(err, "host in the Redis URL is too long");
	}
	memcpy(out->host, h, (size_t)(h_end - h));
	out->host[h_end - h] = '\0';
	out->port = REDIS_DEFAULT_PORT;
	if (*p == ':') {
		size_t n = strcspn(p + 1, "/?");

		if (parse_number(p + 1, n, 1, 65535, &v) < 0) {
			return err_set(err, "bad port in the Redis URL "
				       "(expected 1-65535)");
		}
		out->port = (int)v;
		p += 1 + n;
	}
	if (*p == '/') {
		size_t n = strcspn(p + 1, "?");

		if (n > 0) {
			if (parse_number(p + 1, n, 0, DB_MAX, &v) < 0) {
				return err_set(err, "bad database number in "
					       "the Redis URL");
			}
			out->db = (int)v;
		}
		p += 1 + n;
	}
	if (*p == '?') {
		if (strncmp(p, "?db=", 4) != 0 ||
		    parse_number(p + 4, strlen(p + 4), 0, DB_MAX, &v) < 0) {
			return err_set(err, "bad query in the Redis URL "
				       "(only ?db=N is understood)");
		}
		out->db = (int)v;
		p += strlen(p);
	}
	if (*p != '\0') {
		return err_set(err, "unexpected text after the host in the "
			       "Redis URL");
	}
	for (p = out->host; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p) ||
		    *p == '@') {
			return err_set(err, "bad host in the Redis URL");
		}
	}
	return 0;
}

static int
url_parse(const char *url, struct redis_url *out, struct err *err)
{
	const char *rest, *at;

	if (url == NULL || *url == '\0') {
		return err_set(err, "no Redis URL (set url = redis://HOST:PORT"
			       " or unix:///PATH)");
	}
	if (strncasecmp(url, "unix://", 7) == 0) {
		return parse_unix(url + 7, out, err);
	}
	if (strncasecmp(url, "rediss://", 9) == 0) {
		return err_set(err, "TLS (rediss://) is not supported");
	}
	if (strncasecmp(url, "redis://", 8) != 0) {
		return err_set(err, "a Redis URL starts with redis:// or "
			       "unix://");
	}
	rest = url + 8;
	/* A password may hold a raw '@' or '/'; the host never does. */
	at = strrchr(rest, '@');
	if (at != NULL) {
		if (parse_userinfo(rest, (size_t)(at - rest), out, err) < 0) {
			return -1;
		}
		rest = at + 1;
	}
	return parse_hostport(rest, out, err);
}

int
redis_url_parse(const char *url, struct redis_url *out, struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (url_parse(url, out, err) < 0) {
		/* Leave no half-decoded password behind. */
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

/* ---- settings ---------------------------------------------------------- */

/* The first line of path into dst, without its newline. */
static int
read_password_file(const char *path, char *dst, size_t n, struct err *err)
{
	FILE *fp = fopen(path, "r");
	size_t len;

	if (fp == NULL) {
		return err_set(err, "password_file %s: %s", path,
			       strerror(errno));
	}
	if (fgets(dst, (int)n, fp) == NULL) {
		dst[0] = '\0';
	}
	fclose(fp);
	len = strcspn(dst, "\r\n");
	dst[len] = '\0';
	if (len == 0) {
		return err_set(err, "password_file %s is empty", path);
	}
	if (len + 1 >= n) {
		memset(dst, 0, n);
		return err_set(err, "password_file %s: password longer than "
			       "%zu bytes", path, n - 2);
	}
	return 0;
}

void
redis_url_addr(const struct redis_url *u, char *buf, size_t n)
{
	if (u->is_unix) {
		strlcpy_safe(buf, u->path, n);
	} else if (strchr(u->host, ':') != NULL) {
		snprintf(buf, n, "[%s]:%d", u->host, u->port);
	} else {
		snprintf(buf, n, "%s:%d", u->host, u->port);
	}
}

static int
settings_read(const struct config_section *sec, struct redis_settings *out,
	      struct err *err)
{
	const char *url = config_get(sec, "url");
	const char *user = config_get(sec, "user");
	const char *pwfile = config_get(sec, "password_file");
	const char *env = getenv("REDISCLI_AUTH");
	struct redis_url *u = &out->url;

	memset(out, 0, sizeof(*out));
	if (redis_url_parse(url, u, err) < 0) {
		return -1;
	}
	if (u->user[0] == '\0' && user != NULL && *user != '\0') {
		if (strlen(user) >= sizeof(u->user)) {
			return err_set(err, "user name too long");
		}
		strlcpy_safe(u->user, user, sizeof(u->user));
	}
	if (!u->has_password && pwfile != NULL && *pwfile != '\0') {
		if (read_password_file(pwfile, u->password,
				       sizeof(u->password), err) < 0) {
			return -1;
		}
		u->has_password = true;
	} else if (!u->has_password && env != NULL && *env != '\0') {
		if (strlen(env) >= sizeof(u->password)) {
			return err_set(err, "REDISCLI_AUTH is too long");
		}
		strlcpy_safe(u->password, env, sizeof(u->password));
		u->has_password = true;
	}
	out->timeout_ms = sec->timeout_ms > 0 ? sec->timeout_ms : 5000;
	redis_url_addr(u, out->addr, sizeof(out->addr));
	return 0;
}

int
redis_settings_from_section(const struct config_section *sec,
			    struct redis_settings *out, struct err *err)
{
	if (settings_read(sec, out, err) < 0) {
		redis_settings_wipe(out);
		return -1;
	}
	return 0;
}

void
redis_settings_wipe(struct redis_settings *s)
{
	volatile char *p = s->url.password;
	size_t i;

	for (i = 0; i < sizeof(s->url.password); i++) {
		p[i] = '\0';
	}
	s->url.has_password = false;
}
