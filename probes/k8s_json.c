/* Reading what the Kubernetes API sends: values at dotted paths, RFC 3339
 * times, resource quantities, and a refusal turned into one line. Pure
 * functions: any thread. */
#include "probes/k8s.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Longest piece of a body that is not a Status quoted in a message. */
#define BODY_QUOTE_MAX 160

const cJSON *
kj_at(const cJSON *o, const char *path)
{
	char key[128];

	while (o != NULL && *path != '\0') {
		size_t len = strcspn(path, ".");

		if (len >= sizeof(key) || !cJSON_IsObject(o)) {
			return NULL;
		}
		memcpy(key, path, len);
		key[len] = '\0';
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		path += len;
		if (*path == '.') {
			path++;
		}
	}
	return o;
}

const char *
kj_str(const cJSON *o, const char *path)
{
	const cJSON *it = kj_at(o, path);

	return cJSON_IsString(it) && it->valuestring != NULL ?
	       it->valuestring : "";
}

double
kj_num(const cJSON *o, const char *path, double def)
{
	const cJSON *it = kj_at(o, path);

	return cJSON_IsNumber(it) ? it->valuedouble : def;
}

/* What a server sends is not to be trusted with a cast: a count past
 * INT_MAX is clamped, not undefined. */
static int
clamp_int(double v)
{
	if (isnan(v)) {
		return 0;
	}
	return v >= INT_MAX ? INT_MAX : v <= INT_MIN ? INT_MIN : (int)v;
}

int
kj_int(const cJSON *o, const char *path, int def)
{
	const cJSON *it = kj_at(o, path);

	return cJSON_IsNumber(it) ? clamp_int(it->valuedouble) : def;
}

int
k8s_atoi(const char *s)
{
	char *end;
	long long v;

	if (s == NULL) {
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (end == s) {
		return 0;
	}
	return v >= INT_MAX ? INT_MAX : v <= INT_MIN ? INT_MIN : (int)v;
}

bool
kj_bool(const cJSON *o, const char *path)
{
	return cJSON_IsTrue(kj_at(o, path));
}

static bool
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int64_t
k8s_time_ms(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, ms = 0, oh, om;
	const char *p;
	int64_t t;

	if (s == NULL || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec)) {
		return 0;
	}
	p = s + 19;
	if (*p == '.') {
		int scale = 100;

		for (p++; isdigit((unsigned char)*p); p++) {
			ms += (*p - '0') * scale;
			scale /= 10;
		}
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm) * 1000 + ms;
	if (*p == 'Z' || *p == 'z') {
		return p[1] == '\0' ? t : 0;
	}
	if ((*p == '+' || *p == '-') && digits(p + 1, 2, &oh) &&
	    p[3] == ':' && digits(p + 4, 2, &om) && p[6] == '\0') {
		int64_t off = ((int64_t)oh * 60 + om) * 60000;

		return *p == '+' ? t - off : t + off;
	}
	return 0;
}

double
k8s_quantity(const char *s)
{
	static const struct {
		const char *suffix;
		double mult;
	} suffixes[] = {
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 },
		{ "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
		{ "Pi", 1125899906842624.0 }, { "Ei", 1152921504606846976.0 },
		{ "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 }, { "", 1.0 },
		{ "k", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 },
		{ "P", 1e15 }, { "E", 1e18 },
	};
	char *end;
	double v;

	if (s == NULL || *s == '\0') {
		return NAN;
	}
	v = strtod(s, &end);
	if (end == s || !isfinite(v)) {
		return NAN;
	}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		if (strcmp(end, suffixes[i].suffix) == 0) {
			return v * suffixes[i].mult;
		}
	}
	return NAN;
}

static const char *
status_phrase(long status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

int
k8s_status_error(long status, const char *body, const char *addr,
		 struct err *err)
{
	const char *phrase = status_phrase(status);
	cJSON *doc = body != NULL ? cJSON_Parse(body) : NULL;
	const char *msg = "";
	char line[BODY_QUOTE_MAX + 4];
	size_t len;
	int rc;

	if (doc != NULL && strcmp(kj_str(doc, "kind"), "Status") == 0) {
		msg = kj_str(doc, "message");
	} else if (body != NULL) {
		const char *s = body;

		while (isspace((unsigned char)*s)) {
			s++;
		}
		len = strcspn(s, "\r\n");
		if (len > BODY_QUOTE_MAX) {
			snprintf(line, sizeof(line), "%.*s...",
				 BODY_QUOTE_MAX, s);
		} else {
			snprintf(line, sizeof(line), "%.*s", (int)len, s);
		}
		msg = line;
	}
	/* "Unauthorized" says nothing the status does not. */
	if (msg[0] == '\0' || strcmp(msg, phrase) == 0) {
		rc = err_set(err, "HTTP %ld%s%s (%s)", status,
			     phrase[0] ? " " : "", phrase, addr);
	} else {
		rc = err_set(err, "HTTP %ld%s%s: %s", status,
			     phrase[0] ? " " : "", phrase, msg);
	}
	cJSON_Delete(doc);
	return rc;
}
