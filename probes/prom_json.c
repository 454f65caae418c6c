/* Parsers for Prometheus and Alertmanager replies (see prom_json.h), on
 * cJSON. Pure: no I/O, no globals but a C locale made once. Any thread. */
#include "probes/prom_json.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* ---- numbers and times ------------------------------------------------ */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void
c_locale_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

int
prom_parse_double(const char *s, double *out)
{
	locale_t old = (locale_t)0;
	char *end;
	double v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		return -1;
	}
	/* strtod follows LC_NUMERIC, which the UI sets from the
	 * environment; Prometheus always writes a '.'. */
	pthread_once(&c_locale_once, c_locale_init);
	if (c_locale != (locale_t)0) {
		old = uselocale(c_locale);
	}
	v = strtod(s, &end);
	if (c_locale != (locale_t)0) {
		uselocale(old);
	}
	if (end == s || *end != '\0') {
		return -1;
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* n digits at *p into *v; advances *p. */
static bool
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i])) {
			return false;
		}
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

static bool
expect(const char **p, char c)
{
	if (**p != c) {
		return false;
	}
	(*p)++;
	return true;
}

int
prom_parse_time(const char *s, int64_t *ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	const char *p = s;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, frac_ms = 0, nfrac = 0;
	int64_t t, sign = 0;

	if (s == NULL || !digits(&p, 4, &y) || !expect(&p, '-') ||
	    !digits(&p, 2, &mo) || !expect(&p, '-') || !digits(&p, 2, &d)) {
		return -1;
	}
	if (*p != 'T' && *p != 't' && *p != ' ') {
		return -1;
	}
	p++;
	if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) ||
	    !expect(&p, ':') || !digits(&p, 2, &sec)) {
		return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60) {
		return -1;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (nfrac < 3) {
				frac_ms = frac_ms * 10 + (*p - '0');
			}
			nfrac++;
			p++;
		}
		if (nfrac == 0) {
			return -1;
		}
		for (; nfrac < 3; nfrac++) {
			frac_ms *= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (!digits(&p, 2, &oh) || !expect(&p, ':') ||
		    !digits(&p, 2, &om) || oh > 23 || om > 59) {
			return -1;
		}
	} else {
		return -1;
	}
	if (*p != '\0') {
		return -1;
	}
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	t -= sign * (oh * 3600 + om * 60);
	*ms = t * 1000 + frac_ms;
	return 0;
}

void
prom_format_time(int64_t ms, char *buf, size_t n)
{
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t rest = ms - days * 86400000;
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d,
		 (int)(rest / 3600000), (int)(rest / 60000 % 60),
		 (int)(rest / 1000 % 60), (int)(rest % 1000));
}

uint64_t
prom_fingerprint(const struct prom_label *labels, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;
	const unsigned char *p;

	for (i = 0; i < n; i++) {
		for (p = (const unsigned char *)labels[i].name; *p; p++) {
			h = (h ^ *p) * 1099511628211ULL;
		}
		h = (h ^ 0xff) * 1099511628211ULL;
		for (p = (const unsigned char *)labels[i].value; *p; p++) {
			h = (h ^ *p) * 1099511628211ULL;
		}
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return h;
}

/* ---- cJSON helpers ---------------------------------------------------- */

/* The document, or NULL with err; text after it (but whitespace) makes it
 * malformed too. */
static cJSON *
parse_doc(const char *body, size_t len, struct err *err)
{
	const char *end = NULL;
	cJSON *j;

	if (body == NULL || len == 0) {
		err_set(err, "malformed JSON (empty reply)");
		return NULL;
	}
	j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (j == NULL) {
		err_set(err, "malformed JSON");
		return NULL;
	}
	while (end != NULL && end < body + len &&
	       isspace((unsigned char)*end)) {
		end++;
	}
	if (end != NULL && end < body + len && *end != '\0') {
		cJSON_Delete(j);
		err_set(err, "malformed JSON (text after the document)");
		return NULL;
	}
	return j;
}

static const cJSON *
member(const cJSON *obj, const char *name)
{
	return cJSON_IsObject(obj) ?
	       cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
}

/* A copy of obj.name when it is a string, else NULL. */
static char *
member_str(const cJSON *obj, const char *name)
{
	const cJSON *j = member(obj, name);

	return cJSON_IsString(j) && j->valuestring != NULL ?
	       xstrdup(j->valuestring) : NULL;
}

static char *
member_str_or_empty(const cJSON *obj, const char *name)
{
	char *s = member_str(obj, name);

	return s != NULL ? s : xstrdup("");
}

static int
label_cmp(const void *a, const void *b)
{
	const struct prom_label *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void
labels_free(struct prom_label *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(l[i].name);
		free(l[i].value);
	}
	free(l);
}

/* An object of string values into a sorted array; a missing member is an
 * empty set. */
static int
parse_labels(const cJSON *obj, const char *what, struct prom_label **out,
	     size_t *n, struct err *err)
{
	const cJSON *it;
	size_t cap, i = 0;

	*out = NULL;
	*n = 0;
	if (obj == NULL || cJSON_IsNull(obj)) {
		return 0;
	}
	if (!cJSON_IsObject(obj)) {
		return err_set(err, "unexpected reply: %s is not an object",
			       what);
	}
	cap = (size_t)cJSON_GetArraySize(obj);
	if (cap == 0) {
		return 0;
	}
	*out = xcalloc(cap, sizeof(**out));
	cJSON_ArrayForEach(it, obj) {
		if (!cJSON_IsString(it) || it->string == NULL ||
		    it->valuestring == NULL) {
			labels_free(*out, i);
			*out = NULL;
			return err_set(err, "unexpected reply: a value in %s "
				       "is not a string", what);
		}
		if (i == cap) {
			break;
		}
		(*out)[i].name = xstrdup(it->string);
		(*out)[i].value = xstrdup(it->valuestring);
		i++;
	}
	*n = i;
	qsort(*out, i, sizeof(**out), label_cmp);
	return 0;
}

const char *
prom_label_get(const struct prom_label *l, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(l[i].name, name) == 0) {
			return l[i].value;
		}
	}
	return NULL;
}

const char *
prom_series_label(const struct prom_series *s, const char *name)
{
	return prom_label_get(s->labels, s->n_labels, name);
}

/* [ts, "value"]: ts a number of seconds, the value a string (a number is
 * taken too). */
static int
parse_sample(const cJSON *pair, double *t, double *v, struct err *err)
{
	const cJSON *jt, *jv;

	if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2) {
		return err_set(err, "unexpected reply: a sample is not "
			       "[time, value]");
	}
	jt = cJSON_GetArrayItem(pair, 0);
	jv = cJSON_GetArrayItem(pair, 1);
	if (!cJSON_IsNumber(jt)) {
		return err_set(err, "unexpected reply: a sample time is not "
			       "a number");
	}
	*t = jt->valuedouble;
	if (cJSON_IsNumber(jv)) {
		*v = jv->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(jv) ||
	    prom_parse_double(jv->valuestring, v) < 0) {
		return err_set(err, "unexpected reply: a sample value is not "
			       "a number");
	}
	if (isnan(*v)) {
		*v = NAN;       /* whatever NaN payload strtod made */
	}
	return 0;
}

static void
series_free(struct prom_series *s)
{
	labels_free(s->labels, s->n_labels);
	free(s->t);
	free(s->v);
}

static int
parse_series(const cJSON *el, struct prom_series *s, struct err *err)
{
	const cJSON *value = member(el, "value");
	const cJSON *values = member(el, "values");
	const cJSON *it;
	size_t n = 0;

	memset(s, 0, sizeof(*s));
	if (!cJSON_IsObject(el)) {
		return err_set(err, "unexpected reply: a result is not an "
			       "object");
	}
	if (parse_labels(member(el, "metric"), "metric", &s->labels,
			 &s->n_labels, err) < 0) {
		return -1;
	}
	if (value != NULL) {
		s->t = xmalloc(sizeof(*s->t));
		s->v = xmalloc(sizeof(*s->v));
		if (parse_sample(value, s->t, s->v, err) < 0) {
			series_free(s);
			return -1;
		}
		s->n = 1;
		return 0;
	}
	if (values == NULL) {
		return 0;       /* a native histogram: no float samples */
	}
	if (!cJSON_IsArray(values)) {
		series_free(s);
		return err_set(err, "unexpected reply: values is not an "
			       "array");
	}
	n = (size_t)cJSON_GetArraySize(values);
	s->t = xcalloc(n ? n : 1, sizeof(*s->t));
	s->v = xcalloc(n ? n : 1, sizeof(*s->v));
	cJSON_ArrayForEach(it, values) {
		if (s->n == n) {
			break;
		}
		if (parse_sample(it, &s->t[s->n], &s->v[s->n], err) < 0) {
			series_free(s);
			return -1;
		}
		s->n++;
	}
	return 0;
}

/* status "error" into api_error/error_type; returns 1 when it was one, 0
 * on "success", -1 with err otherwise. */
static int
parse_status(const cJSON *doc, char **api_error, char **error_type,
	     struct err *err)
{
	const cJSON *status = member(doc, "status");

	if (!cJSON_IsObject(doc)) {
		return err_set(err, "unexpected reply: not a JSON object");
	}
	if (!cJSON_IsString(status)) {
		return err_set(err, "unexpected reply: no \"status\"");
	}
	if (strcmp(status->valuestring, "success") == 0) {
		return 0;
	}
	if (strcmp(status->valuestring, "error") == 0) {
		*api_error = member_str(doc, "error");
		if (*api_error == NULL) {
			*api_error = xstrdup("unknown error");
		}
		if (error_type != NULL) {
			*error_type = member_str_or_empty(doc, "errorType");
		}
		return 1;
	}
	return err_set(err, "unexpected reply: status is not success or "
		       "error");
}

void
prom_result_finish(struct prom_result *r)
{
	size_t i;

	if (r == NULL) {
		return;
	}
	for (i = 0; i < r->n_series; i++) {
		series_free(&r->series[i]);
	}
	free(r->series);
	free(r->api_error);
	free(r->error_type);
	free(r->result_type);
	memset(r, 0, sizeof(*r));
}

/* The frame of every parser of a whole reply: out (size bytes) zeroed,
 * body parsed, fill run on the document, the document freed and, when
 * fill failed, what it left in out released by release. */
static int
parse_reply(const char *body, size_t len, void *out, size_t size,
	    int (*fill)(const cJSON *doc, void *out, struct err *err),
	    void (*release)(void *out), struct err *err)
{
	cJSON *doc;
	int ret;

	memset(out, 0, size);
	doc = parse_doc(body, len, err);
	if (doc == NULL) {
		return -1;
	}
	ret = fill(doc, out, err);
	cJSON_Delete(doc);
	if (ret < 0) {
		release(out);
	}
	return ret;
}

static void
release_result(void *r)
{
	prom_result_finish(r);
}

static int
parse_result_doc(const cJSON *doc, void *arg, struct err *err)
{
	struct prom_result *out = arg;
	const cJSON *data, *result, *it;
	int st = parse_status(doc, &out->api_error, &out->error_type, err);
	size_t n;

	if (st != 0) {
		return st < 0 ? -1 : 0;
	}
	data = member(doc, "data");
	result = member(data, "result");
	out->result_type = member_str(data, "resultType");
	if (out->result_type == NULL || result == NULL) {
		return err_set(err, "unexpected reply: no data.resultType or "
			       "data.result");
	}
	if (strcmp(out->result_type, "scalar") == 0) {
		out->series = xcalloc(1, sizeof(*out->series));
		out->series[0].t = xmalloc(sizeof(double));
		out->series[0].v = xmalloc(sizeof(double));
		out->n_series = 1;
		if (parse_sample(result, out->series[0].t, out->series[0].v,
				 err) < 0) {
			return -1;
		}
		out->series[0].n = 1;
		return 0;
	}
	if (strcmp(out->result_type, "string") == 0) {
		return 0;
	}
	if (strcmp(out->result_type, "vector") != 0 &&
	    strcmp(out->result_type, "matrix") != 0) {
		return err_set(err, "unexpected reply: unknown resultType");
	}
	if (!cJSON_IsArray(result)) {
		return err_set(err, "unexpected reply: data.result is not an "
			       "array");
	}
	n = (size_t)cJSON_GetArraySize(result);
	out->series = xcalloc(n ? n : 1, sizeof(*out->series));
	cJSON_ArrayForEach(it, result) {
		if (out->n_series == n) {
			break;
		}
		if (parse_series(it, &out->series[out->n_series], err) < 0) {
			return -1;
		}
		out->n_series++;
	}
	return 0;
}

int
prom_json_parse_result(const char *body, size_t len, struct prom_result *out,
		       struct err *err)
{
	return parse_reply(body, len, out, sizeof(*out), parse_result_doc,
			   release_result, err);
}

/* ---- alerts ----------------------------------------------------------- */

static void
alert_free(struct prom_alert *a)
{
	size_t i;

	free(a->fingerprint);
	labels_free(a->labels, a->n_labels);
	labels_free(a->annotations, a->n_annotations);
	free(a->state);
	for (i = 0; i < a->n_silenced_by; i++) {
		free(a->silenced_by[i]);
	}
	free(a->silenced_by);
	free(a->generator_url);
	free(a->receivers);
}

void
prom_alerts_finish(struct prom_alerts *a)
{
	size_t i;

	if (a == NULL) {
		return;
	}
	for (i = 0; i < a->n; i++) {
		alert_free(&a->v[i]);
	}
	free(a->v);
	free(a->api_error);
	memset(a, 0, sizeof(*a));
}

static int
parse_time_member(const cJSON *obj, const char *name, int64_t *ms,
		  struct err *err)
{
	const cJSON *j = member(obj, name);

	*ms = 0;
	if (j == NULL || cJSON_IsNull(j)) {
		return 0;
	}
	if (!cJSON_IsString(j) || prom_parse_time(j->valuestring, ms) < 0) {
		return err_set(err, "unexpected reply: %s is not an RFC 3339 "
			       "time", name);
	}
	return 0;
}

static void
set_fingerprint(struct prom_alert *a)
{
	char buf[17];

	snprintf(buf, sizeof(buf), "%016llx",
		 (unsigned long long)prom_fingerprint(a->labels,
						      a->n_labels));
	a->fingerprint = xstrdup(buf);
}

/* One element of either API's alert list; am selects the dialect. */
/* [{"name": "a"}, {"name": "b"}] as "a, b"; NULL when there are none.
 * The caller frees it. */
static char *
receiver_names(const cJSON *arr)
{
	const cJSON *it;
	char *out = NULL, *next;

	if (!cJSON_IsArray(arr)) {
		return NULL;
	}
	cJSON_ArrayForEach(it, arr) {
		const cJSON *name = member(it, "name");

		if (!cJSON_IsString(name)) {
			continue;
		}
		next = out != NULL ? xasprintf("%s, %s", out,
					       name->valuestring) :
		       xstrdup(name->valuestring);
		free(out);
		out = next;
	}
	return out;
}

static int
parse_alert(const cJSON *el, bool am, struct prom_alert *a, struct err *err)
{
	const cJSON *status, *sil, *it;
	size_t n;

	memset(a, 0, sizeof(*a));
	if (!cJSON_IsObject(el)) {
		return err_set(err, "unexpected reply: an alert is not an "
			       "object");
	}
	if (parse_labels(member(el, "labels"), "labels", &a->labels,
			 &a->n_labels, err) < 0 ||
	    parse_labels(member(el, "annotations"), "annotations",
			 &a->annotations, &a->n_annotations, err) < 0 ||
	    parse_time_member(el, am ? "startsAt" : "activeAt",
			      &a->starts_ms, err) < 0) {
		return -1;
	}
	if (!am) {
		a->state = member_str_or_empty(el, "state");
		set_fingerprint(a);
		return 0;
	}
	a->fingerprint = member_str(el, "fingerprint");
	if (a->fingerprint == NULL) {
		set_fingerprint(a);
	}
	status = member(el, "status");
	a->state = member_str_or_empty(status, "state");
	sil = member(status, "silencedBy");
	if (cJSON_IsArray(sil)) {
		n = (size_t)cJSON_GetArraySize(sil);
		a->silenced_by = xcalloc(n ? n : 1, sizeof(char *));
		cJSON_ArrayForEach(it, sil) {
			if (a->n_silenced_by == n) {
				break;
			}
			if (!cJSON_IsString(it)) {
				return err_set(err, "unexpected reply: a "
					       "silencedBy id is not a "
					       "string");
			}
			a->silenced_by[a->n_silenced_by++] =
				xstrdup(it->valuestring);
		}
	}
	it = member(status, "inhibitedBy");
	if (cJSON_IsArray(it)) {
		a->n_inhibited_by = (size_t)cJSON_GetArraySize(it);
	}
	a->generator_url = member_str(el, "generatorURL");
	a->receivers = receiver_names(member(el, "receivers"));
	return 0;
}

static int
parse_alert_list(const cJSON *arr, bool am, struct prom_alerts *out,
		 struct err *err)
{
	const cJSON *it;
	size_t n;

	if (!cJSON_IsArray(arr)) {
		return err_set(err, "unexpected reply: alerts are not an "
			       "array");
	}
	n = (size_t)cJSON_GetArraySize(arr);
	out->v = xcalloc(n ? n : 1, sizeof(*out->v));
	cJSON_ArrayForEach(it, arr) {
		if (out->n == n) {
			break;
		}
		/* parse_alert leaves a partial alert to free on failure. */
		out->n++;
		if (parse_alert(it, am, &out->v[out->n - 1], err) < 0) {
			return -1;
		}
	}
	return 0;
}

static void
release_alerts(void *a)
{
	prom_alerts_finish(a);
}

/* Alertmanager's reply is the list itself. */
static int
am_alerts_doc(const cJSON *doc, void *out, struct err *err)
{
	return parse_alert_list(doc, true, out, err);
}

/* Prometheus wraps the list in a status document. */
static int
prom_alerts_doc(const cJSON *doc, void *arg, struct err *err)
{
	struct prom_alerts *out = arg;
	int ret = parse_status(doc, &out->api_error, NULL, err);

	if (ret == 0) {
		ret = parse_alert_list(member(member(doc, "data"), "alerts"),
				       false, out, err);
	} else if (ret > 0) {
		ret = 0;
	}
	return ret;
}

int
prom_json_parse_am_alerts(const char *body, size_t len,
			  struct prom_alerts *out, struct err *err)
{
	return parse_reply(body, len, out, sizeof(*out), am_alerts_doc,
			   release_alerts, err);
}

int
prom_json_parse_prom_alerts(const char *body, size_t len,
			    struct prom_alerts *out, struct err *err)
{
	return parse_reply(body, len, out, sizeof(*out), prom_alerts_doc,
			   release_alerts, err);
}

/* ---- silences --------------------------------------------------------- */

static void
silence_free(struct prom_silence *s)
{
	size_t i;

	free(s->id);
	free(s->state);
	for (i = 0; i < s->n_matchers; i++) {
		free(s->matchers[i].name);
		free(s->matchers[i].value);
	}
	free(s->matchers);
	free(s->created_by);
	free(s->comment);
}

void
prom_silences_finish(struct prom_silences *s)
{
	size_t i;

	if (s == NULL) {
		return;
	}
	for (i = 0; i < s->n; i++) {
		silence_free(&s->v[i]);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
parse_matcher(const cJSON *el, struct prom_matcher *m, struct err *err)
{
	const cJSON *re = member(el, "isRegex");
	const cJSON *eq = member(el, "isEqual");

	m->name = member_str(el, "name");
	m->value = member_str(el, "value");
	if (m->name == NULL || m->value == NULL) {
		return err_set(err, "unexpected reply: a matcher lacks name "
			       "or value");
	}
	m->is_regex = cJSON_IsTrue(re);
	/* isEqual is absent before Alertmanager 0.22: "=" then. */
	m->is_equal = eq == NULL || !cJSON_IsFalse(eq);
	return 0;
}

static int
parse_silence(const cJSON *el, struct prom_silence *s, struct err *err)
{
	const cJSON *ms = member(el, "matchers"), *it;
	size_t n;

	memset(s, 0, sizeof(*s));
	if (!cJSON_IsObject(el)) {
		return err_set(err, "unexpected reply: a silence is not an "
			       "object");
	}
	s->id = member_str(el, "id");
	if (s->id == NULL) {
		return err_set(err, "unexpected reply: a silence has no id");
	}
	s->state = member_str_or_empty(member(el, "status"), "state");
	s->created_by = member_str_or_empty(el, "createdBy");
	s->comment = member_str_or_empty(el, "comment");
	if (parse_time_member(el, "startsAt", &s->starts_ms, err) < 0 ||
	    parse_time_member(el, "endsAt", &s->ends_ms, err) < 0) {
		return -1;
	}
	if (ms == NULL) {
		return 0;
	}
	if (!cJSON_IsArray(ms)) {
		return err_set(err, "unexpected reply: matchers are not an "
			       "array");
	}
	n = (size_t)cJSON_GetArraySize(ms);
	s->matchers = xcalloc(n ? n : 1, sizeof(*s->matchers));
	cJSON_ArrayForEach(it, ms) {
		if (s->n_matchers == n) {
			break;
		}
		s->n_matchers++;
		if (parse_matcher(it, &s->matchers[s->n_matchers - 1],
				  err) < 0) {
			return -1;
		}
	}
	return 0;
}

static void
release_silences(void *s)
{
	prom_silences_finish(s);
}

static int
silences_doc(const cJSON *doc, void *arg, struct err *err)
{
	struct prom_silences *out = arg;
	const cJSON *it;
	size_t n;

	if (!cJSON_IsArray(doc)) {
		return err_set(err, "unexpected reply: silences are not an "
			       "array");
	}
	n = (size_t)cJSON_GetArraySize(doc);
	out->v = xcalloc(n ? n : 1, sizeof(*out->v));
	cJSON_ArrayForEach(it, doc) {
		if (out->n == n) {
			break;
		}
		out->n++;
		if (parse_silence(it, &out->v[out->n - 1], err) < 0) {
			return -1;
		}
	}
	return 0;
}

int
prom_json_parse_am_silences(const char *body, size_t len,
			    struct prom_silences *out, struct err *err)
{
	return parse_reply(body, len, out, sizeof(*out), silences_doc,
			   release_silences, err);
}

/* One silence object, as a list of one. */
static int
silence_doc(const cJSON *doc, void *arg, struct err *err)
{
	struct prom_silences *out = arg;

	if (!cJSON_IsObject(doc)) {
		return err_set(err, "unexpected reply: a silence is not an "
			       "object");
	}
	out->v = xcalloc(1, sizeof(*out->v));
	out->n = 1;
	return parse_silence(doc, &out->v[0], err);
}

int
prom_json_parse_am_silence(const char *body, size_t len,
			   struct prom_silences *out, struct err *err)
{
	return parse_reply(body, len, out, sizeof(*out), silence_doc,
			   release_silences, err);
}

int
prom_json_parse_silence_id(const char *body, size_t len, char *buf, size_t n,
			   struct err *err)
{
	cJSON *doc = parse_doc(body, len, err);
	const cJSON *id;
	int ret = 0;

	if (doc == NULL) {
		return -1;
	}
	id = member(doc, "silenceID");
	if (!cJSON_IsString(id) || id->valuestring[0] == '\0') {
		ret = err_set(err, "unexpected reply: no silenceID");
	} else if (strlen(id->valuestring) >= n) {
		ret = err_set(err, "unexpected reply: silenceID too long");
	} else {
		memcpy(buf, id->valuestring, strlen(id->valuestring) + 1);
	}
	cJSON_Delete(doc);
	return ret;
}

int
prom_json_blame(struct err *err, const char *addr)
{
	char msg[ERR_MSG_MAX];

	strlcpy_safe(msg, err->msg, sizeof(msg));
	if (strncmp(msg, "malformed JSON", 14) == 0) {
		return err_set(err, "malformed JSON from %s%s", addr, msg + 14);
	}
	if (strncmp(msg, "unexpected reply: ", 18) == 0) {
		return err_set(err, "unexpected reply from %s: %s", addr,
			       msg + 18);
	}
	return err_set(err, "%s (%s)", msg, addr);
}

int
prom_json_error_text(const char *body, size_t len, char *buf, size_t n)
{
	struct err err;
	cJSON *doc = parse_doc(body, len, &err);
	const cJSON *msg;
	int ret = -1;

	if (doc == NULL) {
		return -1;
	}
	msg = member(doc, "error");
	if (!cJSON_IsString(msg)) {
		msg = member(doc, "message");
	}
	if (cJSON_IsString(msg) && n > 0) {
		snprintf(buf, n, "%s", msg->valuestring);
		ret = 0;
	}
	cJSON_Delete(doc);
	return ret;
}
