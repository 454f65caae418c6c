/* Prometheus and Alertmanager reply parsers, RFC 3339 times, fingerprints,
 * the panel.* configuration and the silence argument: parameterized tables
 * of replies as the servers write them and of the ways they go wrong. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/alertmanager.h"
#include "probes/http.h"
#include "probes/prom_json.h"
#include "probes/prometheus.h"

/* ---- query results ----------------------------------------------------- */

struct result_case {
	char body[400];
	int rc;
	char type[8];           /* resultType, "" when rc < 0 or error */
	int n_series;
	int n_samples;          /* of the first series */
	double first;           /* first value; NAN means "is NaN" */
	char api_error[64];     /* part of api_error, "" none */
	char err[64];           /* part of err when rc < 0 */
};

ParameterizedTestParameters(prom_json, result)
{
	static struct result_case cases[] = {
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"service\":\"api\"},\"value\":"
		  "[1795356951.048,\"0.07\"]}]}}",
		  0, "vector", 1, 1, 0.07, "", "" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{},\"value\":[1,\"NaN\"]}]}}",
		  0, "vector", 1, 1, NAN, "", "" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{},\"value\":[1,\"+Inf\"]}]}}",
		  0, "vector", 1, 1, INFINITY, "", "" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{},\"value\":[1,\"1e+03\"]}]}}",
		  0, "vector", 1, 1, 1000, "", "" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[]}}",
		  0, "vector", 0, 0, 0, "", "" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
		  "\"result\":[1795356951.213,\"NaN\"]}}",
		  0, "scalar", 1, 1, NAN, "", "" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
		  "\"result\":[{\"metric\":{\"job\":\"a\"},\"values\":[[10,"
		  "\"1\"],[40,\"2\"],[70,\"3.5\"]]},{\"metric\":{\"job\":"
		  "\"b\"},\"values\":[]}]}}",
		  0, "matrix", 2, 3, 1, "", "" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"string\","
		  "\"result\":[1,\"hello\"]}}",
		  0, "string", 0, 0, 0, "", "" },
		{ "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
		  "\"invalid parameter \\\"query\\\": 1:18: parse error: "
		  "unclosed left parenthesis\"}",
		  0, "", 0, 0, 0, "unclosed left parenthesis", "" },
		{ "{\"status\":\"error\"}", 0, "", 0, 0, 0, "unknown error",
		  "" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[]}}  \n", 0, "vector", 0, 0, 0, "", "" },
		{ "{", -1, "", 0, 0, 0, "", "malformed JSON" },
		{ "", -1, "", 0, 0, 0, "", "malformed JSON (empty reply)" },
		{ "<html>502 Bad Gateway</html>", -1, "", 0, 0, 0, "",
		  "malformed JSON" },
		{ "{\"status\":\"success\"} trailing", -1, "", 0, 0, 0, "",
		  "text after the document" },
		{ "[]", -1, "", 0, 0, 0, "", "not a JSON object" },
		{ "{\"data\":{}}", -1, "", 0, 0, 0, "", "no \"status\"" },
		{ "{\"status\":\"maybe\"}", -1, "", 0, 0, 0, "",
		  "status is not success or error" },
		{ "{\"status\":\"success\",\"data\":{}}", -1, "", 0, 0, 0, "",
		  "no data.resultType" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":{}}}", -1, "", 0, 0, 0, "",
		  "data.result is not an array" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"tensor\","
		  "\"result\":[]}}", -1, "", 0, 0, 0, "",
		  "unknown resultType" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{},\"value\":[1,\"abc\"]}]}}",
		  -1, "", 0, 0, 0, "", "sample value is not a number" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{},\"value\":[1]}]}}",
		  -1, "", 0, 0, 0, "", "not [time, value]" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{},\"value\":[\"1\",\"2\"]}]}}",
		  -1, "", 0, 0, 0, "", "sample time is not a number" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[{\"metric\":{\"a\":1},\"value\":[1,\"2\"]}]}}",
		  -1, "", 0, 0, 0, "", "a value in metric is not a string" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
		  "\"result\":[{\"metric\":{},\"values\":7}]}}",
		  -1, "", 0, 0, 0, "", "values is not an array" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
		  "\"result\":[3]}}", -1, "", 0, 0, 0, "",
		  "a result is not an object" },
	};

	return cr_make_param_array(struct result_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct result_case *c, prom_json, result)
{
	struct prom_result r;
	struct err err = { "" };
	int rc = prom_json_parse_result(c->body, strlen(c->body), &r, &err);

	cr_assert_eq(rc, c->rc, "rc %d for %s (%s)", rc, c->body, err.msg);
	if (rc < 0) {
		cr_assert_not_null(strstr(err.msg, c->err), "err '%s'",
				   err.msg);
		cr_assert_null(r.series);
		return;
	}
	if (c->api_error[0] != '\0') {
		cr_assert_not_null(r.api_error);
		cr_assert_not_null(strstr(r.api_error, c->api_error), "'%s'",
				   r.api_error);
		prom_result_finish(&r);
		return;
	}
	cr_assert_null(r.api_error);
	cr_assert_str_eq(r.result_type, c->type);
	cr_assert_eq(r.n_series, (size_t)c->n_series);
	if (c->n_series > 0) {
		cr_assert_eq(r.series[0].n, (size_t)c->n_samples);
	}
	if (c->n_samples > 0) {
		if (isnan(c->first)) {
			cr_assert(isnan(r.series[0].v[0]));
		} else if (isinf(c->first)) {
			cr_assert_eq(r.series[0].v[0], c->first);
		} else {
			cr_assert_float_eq(r.series[0].v[0], c->first, 1e-12);
		}
	}
	prom_result_finish(&r);
}

Test(prom_json, matrix_samples_and_sorted_labels)
{
	static const char body[] =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
		"\"result\":[{\"metric\":{\"zone\":\"b\",\"job\":\"api\","
		"\"__name__\":\"up\"},\"values\":[[1700000000,\"1\"],"
		"[1700000030.5,\"0\"]]}]}}";
	struct prom_result r;
	struct err err;

	cr_assert_eq(prom_json_parse_result(body, strlen(body), &r, &err), 0);
	cr_assert_eq(r.series[0].n_labels, 3);
	cr_assert_str_eq(r.series[0].labels[0].name, "__name__");
	cr_assert_str_eq(r.series[0].labels[1].name, "job");
	cr_assert_str_eq(r.series[0].labels[2].name, "zone");
	cr_assert_str_eq(prom_series_label(&r.series[0], "job"), "api");
	cr_assert_null(prom_series_label(&r.series[0], "service"));
	cr_assert_float_eq(r.series[0].t[1], 1700000030.5, 1e-9);
	cr_assert_float_eq(r.series[0].v[1], 0, 1e-12);
	prom_result_finish(&r);
}

/* ---- numbers and times ------------------------------------------------- */

struct double_case {
	char s[24];
	int rc;
	double v;               /* NAN: is NaN */
};

ParameterizedTestParameters(prom_json, double)
{
	static struct double_case cases[] = {
		{ "0.07", 0, 0.07 }, { "NaN", 0, NAN }, { "+Inf", 0, INFINITY },
		{ "-Inf", 0, -INFINITY }, { "1e+03", 0, 1000 }, { "-2", 0, -2 },
		{ "", -1, 0 }, { " 1", -1, 0 }, { "1 ", -1, 0 },
		{ "1,5", -1, 0 },
		{ "abc", -1, 0 }, { "0.5x", -1, 0 },
	};

	return cr_make_param_array(struct double_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct double_case *c, prom_json, double)
{
	double v = 12345;

	cr_assert_eq(prom_parse_double(c->s, &v), c->rc, "'%s'", c->s);
	if (c->rc < 0) {
		cr_assert_eq(v, 12345);
	} else if (isnan(c->v)) {
		cr_assert(isnan(v));
	} else {
		cr_assert_eq(v, c->v, "'%s' gave %g", c->s, v);
	}
}

struct time_case {
	char s[48];
	int rc;
	long long ms;
};

ParameterizedTestParameters(prom_json, time)
{
	static struct time_case cases[] = {
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "2026-11-22T14:00:00.000Z", 0, 1795356000000LL },
		{ "2026-11-22T14:00:00Z", 0, 1795356000000LL },
		{ "2026-11-22T16:00:00+02:00", 0, 1795356000000LL },
		{ "2026-11-22T09:30:00-04:30", 0, 1795356000000LL },
		{ "2026-11-22T14:00:00.123456789Z", 0, 1795356000123LL },
		{ "2026-11-22T14:00:00.5Z", 0, 1795356000500LL },
		{ "2024-02-29T00:00:00Z", 0, 1709164800000LL },
		{ "0001-01-01T00:00:00Z", 0, -62135596800000LL },
		{ "2026-11-22t14:00:00z", 0, 1795356000000LL },
		{ "2026-11-22 14:00:00Z", 0, 1795356000000LL },
		{ "2026-11-22T14:00:00", -1, 0 },
		{ "2026-11-22T14:00Z", -1, 0 },
		{ "2026-13-01T00:00:00Z", -1, 0 },
		{ "2026-02-30T00:00:00Z", -1, 0 },
		{ "2026-11-22T24:00:00Z", -1, 0 },
		{ "2026-11-22T14:00:00.Z", -1, 0 },
		{ "2026-11-22T14:00:00+0200", -1, 0 },
		{ "2026-11-22T14:00:00Zjunk", -1, 0 },
		{ "yesterday", -1, 0 },
		{ "", -1, 0 },
	};

	return cr_make_param_array(struct time_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct time_case *c, prom_json, time)
{
	int64_t ms = -1;

	cr_assert_eq(prom_parse_time(c->s, &ms), c->rc, "'%s'", c->s);
	if (c->rc == 0) {
		cr_assert_eq(ms, c->ms, "'%s' gave %lld", c->s,
			     (long long)ms);
	}
}

Test(prom_json, format_time_round_trips)
{
	static const int64_t times[] = {
		0, 1795356000123LL, 1709164800000LL, 951782400999LL,
		-62135596800000LL,
	};
	char buf[40];
	size_t i;

	prom_format_time(1795356000123LL, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2026-11-22T14:00:00.123Z");
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		int64_t back = 0;

		prom_format_time(times[i], buf, sizeof(buf));
		cr_assert_eq(prom_parse_time(buf, &back), 0, "%s", buf);
		cr_assert_eq(back, times[i], "%s", buf);
	}
}

/* The fingerprint Alertmanager 0.25 gave this label set. */
Test(prom_json, fingerprint_matches_alertmanager)
{
	struct prom_label l[] = {
		{ (char *)"alertname", (char *)"HighErrorRate" },
		{ (char *)"service", (char *)"api" },
		{ (char *)"severity", (char *)"critical" },
	};

	cr_assert_eq(prom_fingerprint(l, 3), 0x0df005333d9e37c9ULL);
	cr_assert_neq(prom_fingerprint(l, 2), 0x0df005333d9e37c9ULL);
	cr_assert_eq(prom_fingerprint(l, 0), 14695981039346656037ULL);
}

/* ---- alerts ------------------------------------------------------------ */

static const char am_alerts[] =
	"[{\"annotations\":{\"summary\":\"5xx high\",\"description\":\"d\"},"
	"\"endsAt\":\"2026-11-22T14:20:55.245Z\",\"fingerprint\":"
	"\"0df005333d9e37c9\",\"receivers\":[{\"name\":\"null\"},"
	"{\"name\":\"pager\"}],\"generatorURL\":"
	"\"http://prom:9090/graph?g0.expr=up\","
	"\"startsAt\":\"2026-11-22T14:00:00.000Z\",\"status\":{\"inhibitedBy\":"
	"[],\"silencedBy\":[],\"state\":\"active\"},\"updatedAt\":"
	"\"2026-11-22T14:15:55.245Z\",\"labels\":{\"alertname\":"
	"\"HighErrorRate\",\"service\":\"api\",\"severity\":\"critical\"}},"
	"{\"annotations\":{},\"startsAt\":\"2026-11-22T13:00:00+01:00\","
	"\"status\":{\"inhibitedBy\":[\"x\"],\"silencedBy\":[\"fe0f2500-3618-"
	"4159-b170-b6bb94bf5606\"],\"state\":\"suppressed\"},\"labels\":"
	"{\"alertname\":\"DiskFull\"}}]";

Test(prom_json, am_alerts)
{
	struct prom_alerts a;
	struct err err = { "" };
	char fp[17];

	cr_assert_eq(prom_json_parse_am_alerts(am_alerts, strlen(am_alerts),
					       &a, &err), 0, "%s", err.msg);
	cr_assert_eq(a.n, 2);
	cr_assert_str_eq(a.v[0].fingerprint, "0df005333d9e37c9");
	cr_assert_str_eq(a.v[0].state, "active");
	cr_assert_eq(a.v[0].starts_ms, 1795356000000LL);
	cr_assert_eq(a.v[0].n_silenced_by, 0);
	cr_assert_str_eq(prom_label_get(a.v[0].annotations,
					a.v[0].n_annotations, "summary"),
			 "5xx high");
	cr_assert_str_eq(prom_label_get(a.v[0].labels, a.v[0].n_labels,
					"severity"), "critical");
	/* No fingerprint in the reply: computed from the labels. */
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)
		 prom_fingerprint(a.v[1].labels, a.v[1].n_labels));
	cr_assert_str_eq(a.v[1].fingerprint, fp);
	cr_assert_str_eq(a.v[1].state, "suppressed");
	cr_assert_eq(a.v[1].starts_ms, 1795356000000LL - 7200000);
	cr_assert_eq(a.v[1].n_silenced_by, 1);
	cr_assert_eq(a.v[1].n_inhibited_by, 1);
	cr_assert_str_eq(a.v[1].silenced_by[0],
			 "fe0f2500-3618-4159-b170-b6bb94bf5606");
	/* Where it came from and where it goes, for its record. */
	cr_assert_str_eq(a.v[0].receivers, "null, pager");
	cr_assert_str_eq(a.v[0].generator_url, "http://prom:9090/graph?g0."
			 "expr=up");
	cr_assert_null(a.v[1].receivers);
	cr_assert_null(a.v[1].generator_url);
	prom_alerts_finish(&a);
}

Test(prom_json, prom_alerts)
{
	static const char body[] =
		"{\"status\":\"success\",\"data\":{\"alerts\":[{\"labels\":"
		"{\"alertname\":\"HighErrorRate\",\"service\":\"api\","
		"\"severity\":\"critical\"},\"annotations\":{\"summary\":"
		"\"s\"},\"state\":\"firing\",\"activeAt\":"
		"\"2026-11-22T16:00:00.60602144+02:00\",\"value\":\"7e-02\"},"
		"{\"labels\":{\"alertname\":\"Slow\"},\"annotations\":{},"
		"\"state\":\"pending\",\"activeAt\":\"2026-11-22T14:00:00Z\","
		"\"value\":\"1\"}]}}";
	struct prom_alerts a;
	struct err err = { "" };

	cr_assert_eq(prom_json_parse_prom_alerts(body, strlen(body), &a,
						 &err), 0, "%s", err.msg);
	cr_assert_eq(a.n, 2);
	cr_assert_null(a.api_error);
	cr_assert_str_eq(a.v[0].state, "firing");
	cr_assert_eq(a.v[0].starts_ms, 1795356000606LL);
	/* Same labels as the Alertmanager alert: same fingerprint. */
	cr_assert_str_eq(a.v[0].fingerprint, "0df005333d9e37c9");
	cr_assert_str_eq(a.v[1].state, "pending");
	prom_alerts_finish(&a);
}

struct bad_alerts_case {
	bool am;
	char body[200];
	char err[64];
};

ParameterizedTestParameters(prom_json, bad_alerts)
{
	static struct bad_alerts_case cases[] = {
		{ true, "{}", "alerts are not an array" },
		{ true, "[1]", "an alert is not an object" },
		{ true, "[{\"labels\":[]}]", "labels is not an object" },
		{ true, "[{\"labels\":{\"a\":null}}]",
		  "a value in labels is not a string" },
		{ true, "[{\"startsAt\":\"soon\"}]",
		  "startsAt is not an RFC 3339 time" },
		{ true, "[{\"status\":{\"silencedBy\":[1]}}]",
		  "silencedBy id is not a string" },
		{ true, "[{\"labels\":{}}", "malformed JSON" },
		{ false, "[]", "not a JSON object" },
		{ false, "{\"status\":\"success\",\"data\":{}}",
		  "alerts are not an array" },
		{ false, "{\"status\":\"success\",\"data\":{\"alerts\":"
		  "[{\"activeAt\":7}]}}", "activeAt is not an RFC 3339" },
	};

	return cr_make_param_array(struct bad_alerts_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_alerts_case *c, prom_json, bad_alerts)
{
	struct prom_alerts a;
	struct err err = { "" };
	int rc = c->am ?
		 prom_json_parse_am_alerts(c->body, strlen(c->body), &a, &err) :
		 prom_json_parse_prom_alerts(c->body, strlen(c->body), &a,
					     &err);

	cr_assert_eq(rc, -1, "%s", c->body);
	cr_assert_not_null(strstr(err.msg, c->err), "'%s'", err.msg);
	cr_assert_eq(a.n, 0);
	cr_assert_null(a.v);
}

Test(prom_json, prom_alerts_error_reply)
{
	static const char body[] =
		"{\"status\":\"error\",\"errorType\":\"unavailable\","
		"\"error\":\"rule manager not ready\"}";
	struct prom_alerts a;
	struct err err;

	cr_assert_eq(prom_json_parse_prom_alerts(body, strlen(body), &a,
						 &err), 0);
	cr_assert_str_eq(a.api_error, "rule manager not ready");
	prom_alerts_finish(&a);
}

/* ---- silences ---------------------------------------------------------- */

Test(prom_json, silences)
{
	static const char body[] =
		"[{\"id\":\"fe0f2500-3618-4159-b170-b6bb94bf5606\",\"status\":"
		"{\"state\":\"active\"},\"updatedAt\":\"2026-11-22T14:15:59Z\","
		"\"comment\":\"deploy rollback\",\"createdBy\":\"root@h\","
		"\"endsAt\":\"2026-11-22T16:16:00.000Z\",\"matchers\":["
		"{\"isEqual\":true,\"isRegex\":false,\"name\":\"alertname\","
		"\"value\":\"HighErrorRate\"},{\"isEqual\":false,\"isRegex\":"
		"true,\"name\":\"env\",\"value\":\"dev|test\"},{\"isRegex\":"
		"false,\"name\":\"old\",\"value\":\"x\"}],\"startsAt\":"
		"\"2026-11-22T14:16:00.000Z\"},{\"id\":\"b\",\"status\":"
		"{\"state\":\"expired\"},\"matchers\":[]}]";
	struct prom_silences s;
	struct err err = { "" };

	cr_assert_eq(prom_json_parse_am_silences(body, strlen(body), &s,
						 &err), 0, "%s", err.msg);
	cr_assert_eq(s.n, 2);
	cr_assert_str_eq(s.v[0].state, "active");
	cr_assert_str_eq(s.v[0].created_by, "root@h");
	cr_assert_str_eq(s.v[0].comment, "deploy rollback");
	cr_assert_eq(s.v[0].ends_ms,
		     1795356000000LL + 2 * 3600000 + 16 * 60000);
	cr_assert_eq(s.v[0].n_matchers, 3);
	cr_assert(s.v[0].matchers[0].is_equal);
	cr_assert_not(s.v[0].matchers[0].is_regex);
	cr_assert_not(s.v[0].matchers[1].is_equal);
	cr_assert(s.v[0].matchers[1].is_regex);
	cr_assert(s.v[0].matchers[2].is_equal, "isEqual defaults to true");
	cr_assert_str_eq(s.v[1].state, "expired");
	cr_assert_eq(s.v[1].n_matchers, 0);
	prom_silences_finish(&s);

	/* GET /api/v2/silence/ID: one of them, on its own. */
	{
		const char *one = strchr(body, '{');
		const char *end = strstr(body, "},{\"id\":\"b\"");
		char *obj = strndup(one, (size_t)(end - one) + 1);

		cr_assert_eq(prom_json_parse_am_silence(obj, strlen(obj), &s,
							&err), 0, "%s",
			     err.msg);
		cr_assert_eq(s.n, 1);
		cr_assert_str_eq(s.v[0].id,
				 "fe0f2500-3618-4159-b170-b6bb94bf5606");
		cr_assert_eq(s.v[0].starts_ms,
			     1795356000000LL + 16 * 60000);
		cr_assert_eq(s.v[0].n_matchers, 3);
		prom_silences_finish(&s);
		cr_assert_eq(prom_json_parse_am_silence("[]", 2, &s, &err),
			     -1);
		cr_assert_not_null(strstr(err.msg, "a silence is not an "
					  "object"), "%s", err.msg);
		free(obj);
	}
}

struct bad_silence_case {
	char body[160];
	char err[64];
};

ParameterizedTestParameters(prom_json, bad_silences)
{
	static struct bad_silence_case cases[] = {
		{ "{}", "silences are not an array" },
		{ "[{\"status\":{}}]", "a silence has no id" },
		{ "[\"x\"]", "a silence is not an object" },
		{ "[{\"id\":\"a\",\"matchers\":{}}]",
		  "matchers are not an array" },
		{ "[{\"id\":\"a\",\"matchers\":[{\"name\":\"x\"}]}]",
		  "a matcher lacks name or value" },
		{ "[{\"id\":\"a\",\"endsAt\":\"never\"}]",
		  "endsAt is not an RFC 3339 time" },
		{ "nul", "malformed JSON" },
	};

	return cr_make_param_array(struct bad_silence_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_silence_case *c, prom_json, bad_silences)
{
	struct prom_silences s;
	struct err err = { "" };

	cr_assert_eq(prom_json_parse_am_silences(c->body, strlen(c->body), &s,
						 &err), -1);
	cr_assert_not_null(strstr(err.msg, c->err), "'%s'", err.msg);
	cr_assert_null(s.v);
}

Test(prom_json, silence_id_and_error_text)
{
	static const char ok[] = "{\"silenceID\":\"fe0f2500-3618\"}";
	static const char am_err[] =
		"{\"code\":612,\"message\":\"matchers in body should have "
		"at least 1 items\"}";
	static const char prom_err[] =
		"{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
		"\"parse error\"}";
	char buf[64];
	struct err err = { "" };

	cr_assert_eq(prom_json_parse_silence_id(ok, strlen(ok), buf,
						sizeof(buf), &err), 0);
	cr_assert_str_eq(buf, "fe0f2500-3618");
	cr_assert_eq(prom_json_parse_silence_id(ok, strlen(ok), buf, 8,
						&err), -1);
	cr_assert_eq(prom_json_parse_silence_id("{}", 2, buf, sizeof(buf),
						&err), -1);
	cr_assert_str_eq(err.msg, "unexpected reply: no silenceID");
	cr_assert_eq(prom_json_error_text(am_err, strlen(am_err), buf,
					  sizeof(buf)), 0);
	cr_assert_str_eq(buf, "matchers in body should have at least 1 items");
	cr_assert_eq(prom_json_error_text(prom_err, strlen(prom_err), buf,
					  sizeof(buf)), 0);
	cr_assert_str_eq(buf, "parse error");
	cr_assert_eq(prom_json_error_text("oops", 4, buf, sizeof(buf)), -1);
	cr_assert_eq(prom_json_error_text("{}", 2, buf, sizeof(buf)), -1);
}

/* ---- panels from the configuration -------------------------------------- */

static char tmpdir[] = "/tmp/warroom-promjson-XXXXXX";
static char *cfg_path;

static void
cfg_setup(void)
{
	cr_assert_not_null(mkdtemp(tmpdir));
	cfg_path = xasprintf("%s/config.ini", tmpdir);
}

static void
cfg_teardown(void)
{
	unlink(cfg_path);
	free(cfg_path);
	rmdir(tmpdir);
}

/* Loads text as a config file; returns the loader's rc. */
static int
load(struct config *cfg, const char *text, struct err *err)
{
	FILE *f = fopen(cfg_path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	memset(cfg, 0, sizeof(*cfg));
	return config_load_file(cfg, cfg_path, probe_config_specs(), err);
}

Test(prom_panels, defaults_when_none_configured)
{
	struct config cfg = { 0 };
	struct config_section *sec = config_add_section(&cfg, "prometheus.t");
	struct prom_panel_def *p;
	size_t n;
	struct err err;

	config_section_set(sec, "url", "http://127.0.0.1:9090");
	cr_assert_eq(prom_panels_from_section(sec, &p, &n, &err), 0);
	cr_assert_eq(n, 4);
	cr_assert_str_eq(p[0].name, "5xx ratio");
	cr_assert_eq(p[0].unit, UNIT_RATIO);
	cr_assert_float_eq(p[0].warn, 0.01, 1e-12);
	cr_assert_float_eq(p[0].crit, 0.05, 1e-12);
	cr_assert_str_eq(p[0].split, "service");
	cr_assert_not_null(strstr(p[0].expr, "status=~\"5..\""));
	cr_assert_str_eq(p[1].name, "p95 latency");
	cr_assert_not_null(strstr(p[1].expr, "histogram_quantile(0.95"));
	cr_assert_eq(p[1].unit, UNIT_SECONDS);
	cr_assert_float_eq(p[1].warn, 2, 1e-12);
	cr_assert(isnan(p[1].crit));
	cr_assert_not_null(strstr(p[2].expr, "histogram_quantile(0.99"));
	cr_assert_eq(p[3].unit, UNIT_PER_SECOND);
	cr_assert(isnan(p[3].warn));
	prom_panels_free(p, n);
	config_finish(&cfg);
}

Test(prom_panels, from_file, .init = cfg_setup, .fini = cfg_teardown)
{
	struct config cfg;
	struct prom_panel_def *p;
	size_t n;
	struct err err = { "" };

	cr_assert_eq(load(&cfg,
			  "[prometheus.main]\n"
			  "url = http://127.0.0.1:9090\n"
			  "panel.checkout.expr = sum by (job) "
			  "(rate(checkout_errors_total{code=~\"5..\"}[5m]))\n"
			  "panel.checkout.unit = per_second\n"
			  "panel.lat.expr = histogram_quantile(0.9, x)\n"
			  "panel.lat.unit = seconds\n"
			  "panel.lat.warn = 500ms\n"
			  "panel.lat.crit = 2\n"
			  "panel.lat.title = p90 latency\n"
			  "panel.checkout.warn = 1%\n"
			  "panel.checkout.split = job\n"
			  "panel.hits.expr = cache_hit_ratio\n"
			  "panel.hits.unit = ratio\n"
			  "panel.hits.warn = 90%\n"
			  "panel.hits.crit = 0.5\n", &err), 0, "%s", err.msg);
	cr_assert_eq(prom_panels_from_section(&cfg.sections[0], &p, &n, &err),
		     0, "%s", err.msg);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(p[0].name, "checkout");
	cr_assert_str_eq(p[0].expr, "sum by (job) "
			 "(rate(checkout_errors_total{code=~\"5..\"}[5m]))");
	cr_assert_eq(p[0].unit, UNIT_PER_SECOND);
	cr_assert_float_eq(p[0].warn, 0.01, 1e-12);
	cr_assert(isnan(p[0].crit));
	cr_assert_str_eq(p[0].split, "job");
	cr_assert_str_eq(p[1].name, "p90 latency");
	cr_assert_float_eq(p[1].warn, 0.5, 1e-12);
	cr_assert_float_eq(p[1].crit, 2, 1e-12);
	cr_assert_null(p[1].split);
	cr_assert_eq(p[2].unit, UNIT_RATIO);
	cr_assert_float_eq(p[2].warn, 0.9, 1e-12);
	cr_assert_float_eq(p[2].crit, 0.5, 1e-12);
	prom_panels_free(p, n);
	config_finish(&cfg);
}

struct panel_bad_case {
	char keys[160];
	char err[96];
};

ParameterizedTestParameters(prom_panels, bad)
{
	static struct panel_bad_case cases[] = {
		{ "panel.a.unit = ratio\n", "panel.a: missing panel.a.expr" },
		{ "panel.a.expr = up\npanel.a.unit = percent\n",
		  "panel.a.unit: unknown unit 'percent'" },
		{ "panel.a.expr = up\npanel.a.warn = high\n",
		  "panel.a.warn: expected a number or a percentage" },
		{ "panel.a.expr = up\npanel.a.unit = seconds\n"
		  "panel.a.crit = 2x\n",
		  "panel.a.crit: expected a number, a percentage or a "
		  "duration" },
		{ "panel.a.expr = up\npanel.a.warn = NaN\n",
		  "panel.a.warn: expected a number" },
		{ "panel.a.expr = up\npanel.a.warn = 500ms\n",
		  "panel.a.warn: expected a number or a percentage" },
		{ "panel.a.expr = up\npanel.a.split = not-a-label\n",
		  "panel.a.split: not a label name" },
	};

	return cr_make_param_array(struct panel_bad_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct panel_bad_case *c, prom_panels, bad,
		  .init = cfg_setup, .fini = cfg_teardown)
{
	struct config cfg;
	struct prom_panel_def *p = (void *)1;
	size_t n = 7;
	struct err err = { "" };
	char *text = xasprintf("[prometheus.main]\nurl = http://h:9090\n%s",
			       c->keys);

	cr_assert_eq(load(&cfg, text, &err), 0, "%s", err.msg);
	cr_assert_eq(prom_panels_from_section(&cfg.sections[0], &p, &n, &err),
		     -1);
	cr_assert_not_null(strstr(err.msg, c->err), "'%s'", err.msg);
	cr_assert_null(p);
	cr_assert_eq(n, 0);
	free(text);
	config_finish(&cfg);
}

struct panel_key_case {
	char section[24];
	char line[64];
	char err[96];
};

/* The loader accepts panel.NAME.FIELD in [prometheus.*] only. */
ParameterizedTestParameters(prom_panels, loader_rejects)
{
	static struct panel_key_case cases[] = {
		{ "prometheus.m", "panel.a.colour = red",
		  ":3: unknown key 'panel.a.colour' in [prometheus.m]" },
		{ "prometheus.m", "panel..expr = up",
		  ":3: unknown key 'panel..expr' in [prometheus.m]" },
		{ "prometheus.m", "panel.expr = up",
		  ":3: unknown key 'panel.expr' in [prometheus.m]" },
		{ "prometheus.m", "panel.a b.expr = up",
		  ":3: malformed key in [prometheus.m]" },
		{ "alertmanager.m", "panel.a.expr = up",
		  ":3: unknown key 'panel.a.expr' in [alertmanager.m]" },
		{ "prometheus.m", "panel.a.expr = up\npanel.a.expr = down",
		  ":4: duplicate key 'panel.a.expr' in [prometheus.m]" },
	};

	return cr_make_param_array(struct panel_key_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct panel_key_case *c, prom_panels, loader_rejects,
		  .init = cfg_setup, .fini = cfg_teardown)
{
	struct config cfg;
	struct err err = { "" };
	char *text = xasprintf("[%s]\nurl = http://h:9090\n%s\n", c->section,
			       c->line);

	cr_assert_eq(load(&cfg, text, &err), -1);
	cr_assert_not_null(strstr(err.msg, c->err), "'%s'", err.msg);
	free(text);
	config_finish(&cfg);
}

/* ---- silences: the operator's argument and the request body ------------- */

struct arg_case {
	char arg[96];
	int rc;
	long long ms;
	char comment[48];       /* or a part of the error */
	char matchers[96];      /* as alerts_matchers_text() writes them */
};

ParameterizedTestParameters(am_silence, arg)
{
	static struct arg_case cases[] = {
		{ "2h deploy rollback in progress", 0, 7200000,
		  "deploy rollback in progress", "" },
		{ "  30m   db failover", 0, 1800000, "db failover", "" },
		{ "1h30m x", 0, 5400000, "x", "" },
		{ "1d maintenance", 0, 86400000, "maintenance", "" },
		{ "90s y", 0, 90000, "y", "" },
		{ "30d z", 0, 2592000000LL, "z", "" },
		/* Matchers, edited or typed, before the comment. */
		{ "2h service=api deploy", 0, 7200000, "deploy",
		  "service=\"api\"" },
		{ "2h alertname=\"HighErrorRate\" service=~\"api|web\" "
		  "rollback", 0, 7200000, "rollback",
		  "alertname=\"HighErrorRate\" service=~\"api|web\"" },
		{ "2h env!=\"prod\" team!~\"x.*\" alertname=A note", 0, 7200000,
		  "note", "env!=\"prod\" team!~\"x.*\" alertname=\"A\"" },
		{ "2h msg=\"say \\\"hi\\\"\" c", 0, 7200000, "c",
		  "msg=\"say \\\"hi\\\"\"" },
		{ "2h fix x=y later", 0, 7200000, "fix x=y later", "" },
		{ "2h", -1, 0, "usage: DURATION [MATCHERS] COMMENT", "" },
		{ "2h   ", -1, 0, "a comment is needed after the duration",
		  "" },
		{ "2h service=api", -1, 0, "a comment is needed after the "
		  "matchers", "" },
		{ "2h service=\"api deploy", -1, 0, "a quote is not closed",
		  "" },
		{ "2h env=~\"\" x", -1, 0, "an empty regex", "" },
		{ "2h env!=\"prod\" x", -1, 0, "must not match an empty value",
		  "" },
		{ "2h a=~\".*\" x", -1, 0, "must not match an empty value", "" },
		{ "2h a=\"b\"c x", -1, 0, "text after its quoted value", "" },
		{ "deploy 2h", -1, 0, "usage: DURATION [MATCHERS] COMMENT",
		  "" },
		{ "2 h comment", -1, 0, "usage: DURATION", "" },
		{ "2x comment", -1, 0, "usage: DURATION", "" },
		{ "h comment", -1, 0, "usage: DURATION", "" },
		{ "", -1, 0, "usage: DURATION", "" },
		{ "30s too short", -1, 0, "must be 1m..30d", "" },
		{ "31d too long", -1, 0, "must be 1m..30d", "" },
		{ "99999999h overflow", -1, 0, "usage", "" },
	};

	return cr_make_param_array(struct arg_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct arg_case *c, am_silence, arg)
{
	struct alerts_silence sil;
	struct err err = { "" };
	char text[256];

	cr_assert_eq(alerts_parse_silence(c->arg, &sil, &err), c->rc,
		     "'%s': %s", c->arg, err.msg);
	/* The spec checks the operator's input the same way. */
	cr_assert_eq(action_silence.check_input(c->arg, &err), c->rc,
		     "'%s': %s", c->arg, err.msg);
	if (c->rc == 0) {
		cr_assert_eq(sil.dur_ms, c->ms);
		cr_assert_str_eq(sil.comment, c->comment);
		alerts_matchers_text(sil.m, sil.n_m, text, sizeof(text));
		cr_assert_str_eq(text, c->matchers);
	} else {
		cr_assert_not_null(strstr(err.msg, c->comment), "'%s'",
				   err.msg);
	}
}

/* Matchers written out read back as the same matchers. */
Test(am_silence, matchers_round_trip)
{
	struct alerts_silence a, b;
	struct err err = { "" };
	char text[512], again[600];

	cr_assert_eq(alerts_parse_silence("1h job=\"a b\" path=~\"/x\\\\d+\" "
					  "q!=\"\\\"\" why", &a, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(a.n_m, 3);
	cr_assert_str_eq(a.m[0].value, "a b");
	cr_assert_str_eq(a.m[1].value, "/x\\d+");
	cr_assert_str_eq(a.m[2].value, "\"");
	alerts_matchers_text(a.m, a.n_m, text, sizeof(text));
	snprintf(again, sizeof(again), "1h %s why", text);
	cr_assert_eq(alerts_parse_silence(again, &b, &err), 0, "%s", err.msg);
	cr_assert_eq(b.n_m, a.n_m);
	cr_assert_eq(memcmp(a.m, b.m, a.n_m * sizeof(a.m[0])), 0);
	/* Whole matchers only when cut. */
	alerts_matchers_text(a.m, a.n_m, text, 20);
	cr_assert_str_eq(text, "job=\"a b\"");
}

Test(am_silence, matchers_match_labels)
{
	static const char *const names[] = { "alertname", "service" };
	static const char *const values[] = { "HighErrorRate", "api" };
	struct alerts_silence s;
	struct err err = { "" };

	cr_assert_eq(alerts_parse_silence("1h service=~\"api|web\" "
					  "alertname!=Other x", &s, &err), 0);
	cr_assert_eq(alerts_matchers_match(s.m, s.n_m, names, values, 2), 1);
	cr_assert_eq(alerts_parse_silence("1h service=~\"ap\" x", &s, &err),
		     0);
	/* Anchored at both ends, as Alertmanager's. */
	cr_assert_eq(alerts_matchers_match(s.m, s.n_m, names, values, 2), 0);
	cr_assert_eq(alerts_parse_silence("1h zone=b x", &s, &err), 0);
	cr_assert_eq(alerts_matchers_match(s.m, s.n_m, names, values, 2), 0);
	cr_assert_eq(alerts_parse_silence("1h service=~\"(\" x", &s, &err), 0);
	cr_assert_eq(alerts_matchers_match(s.m, s.n_m, names, values, 2), -1);
}

ParameterizedTestParameters(am_silence, extend)
{
	static struct arg_case cases[] = {
		{ "2h", 0, 7200000, "", "" },
		{ " 30m the fix needs another deploy", 0, 1800000,
		  "the fix needs another deploy", "" },
		{ "", -1, 0, "usage: DURATION [COMMENT]", "" },
		{ "soon", -1, 0, "usage: DURATION [COMMENT]", "" },
		{ "2hx", -1, 0, "usage", "" },
		{ "30s", -1, 0, "extend by 1m..30d", "" },
	};

	return cr_make_param_array(struct arg_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct arg_case *c, am_silence, extend)
{
	const char *comment = NULL;
	int64_t ms = -1;
	struct err err = { "" };

	cr_assert_eq(alerts_parse_extend(c->arg, &ms, &comment, &err), c->rc,
		     "'%s': %s", c->arg, err.msg);
	cr_assert_eq(action_extend_silence.check_input(c->arg, &err), c->rc,
		     "'%s': %s", c->arg, err.msg);
	if (c->rc == 0) {
		cr_assert_eq(ms, c->ms);
		cr_assert_str_eq(comment, c->comment);
	} else {
		cr_assert_not_null(strstr(err.msg, c->comment), "'%s'",
				   err.msg);
	}
}

Test(am_silence, body_matches_every_label_exactly)
{
	struct prom_label l[] = {
		{ (char *)"alertname", (char *)"HighErrorRate" },
		{ (char *)"service", (char *)"a\"pi" },
	};
	struct alerts_matcher am[ALERTS_MATCHERS_MAX];
	size_t n = am_label_matchers(l, 2, am, ALERTS_MATCHERS_MAX);
	char *body = am_silence_body(NULL, am, n, 1795356000000LL,
				     1795356000000LL + 7200000, "root@h",
				     "rollback \"now\"");
	cJSON *doc = cJSON_Parse(body), *m;

	cr_assert_not_null(doc, "%s", body);
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "startsAt")->valuestring,
			 "2026-11-22T14:00:00.000Z");
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "endsAt")->valuestring,
			 "2026-11-22T16:00:00.000Z");
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "createdBy")->valuestring,
			 "root@h");
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "comment")->valuestring,
			 "rollback \"now\"");
	m = cJSON_GetObjectItem(doc, "matchers");
	cr_assert_eq(cJSON_GetArraySize(m), 2);
	cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 1),
					     "value")->valuestring, "a\"pi");
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 1),
						    "isRegex")));
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 0),
						   "isEqual")));
	cr_assert_null(cJSON_GetObjectItem(doc, "id"), "a new silence");
	cJSON_Delete(doc);
	free(body);

	/* An update names its silence; regex and negative matchers keep
	 * their flags. */
	am[1].is_regex = true;
	am[1].is_equal = false;
	body = am_silence_body("fe0f2500-3618-4159-b170-b6bb94bf5606", am, n,
			       1795356000000LL, 1795356000000LL + 7200000,
			       "root@h", "x");
	doc = cJSON_Parse(body);
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "id")->valuestring,
			 "fe0f2500-3618-4159-b170-b6bb94bf5606");
	m = cJSON_GetObjectItem(doc, "matchers");
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 1),
						   "isRegex")));
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 1),
						    "isEqual")));
	cJSON_Delete(doc);
	free(body);
}

Test(am_silence, author_is_user_at_host)
{
	char buf[300], host[256];

	setenv("USER", "alice", 1);
	cr_assert_eq(gethostname(host, sizeof(host)), 0);
	am_author(buf, sizeof(buf));
	cr_assert_eq(strncmp(buf, "alice@", 6), 0, "%s", buf);
	cr_assert_str_eq(buf + 6, host);
}

Test(http, escape)
{
	char *e = http_escape("sum(rate(x{status=~\"5..\"}[5m])) / 2 & a+b");

	cr_assert_str_eq(e, "sum%28rate%28x%7Bstatus%3D~%225..%22%7D%5B5m"
			 "%5D%29%29%20%2F%202%20%26%20a%2Bb");
	free(e);
	e = http_escape("");
	cr_assert_str_eq(e, "");
	free(e);
}
