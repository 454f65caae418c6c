/* The incident journal's records: copies, the finding a record carries,
 * and the one JSON line each is written as and read back from. Pure
 * functions: any thread. The writer and the loader are core/journal.c. */
#include "core/journal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"

/* ---- records ---------------------------------------------------------- */

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
journal_rec_copy(struct journal_rec *dst, const struct journal_rec *src)
{
	*dst = *src;
	dst->incident = dup_or_null(src->incident);
	dst->who = dup_or_null(src->who);
	dst->source = dup_or_null(src->source);
	dst->text = dup_or_null(src->text);
	dst->detail = dup_or_null(src->detail);
	dst->action = dup_or_null(src->action);
	dst->target = dup_or_null(src->target);
	dst->op = dup_or_null(src->op);
	dst->result = dup_or_null(src->result);
	dst->outcome = dup_or_null(src->outcome);
	dst->key = dup_or_null(src->key);
	dst->subject = dup_or_null(src->subject);
	dst->level = dup_or_null(src->level);
	dst->unit = dup_or_null(src->unit);
	dst->event = dup_or_null(src->event);
	dst->title = dup_or_null(src->title);
	dst->commander = dup_or_null(src->commander);
	dst->severity = dup_or_null(src->severity);
	dst->status = dup_or_null(src->status);
	dst->escalation = dup_or_null(src->escalation);
}

void
journal_rec_finish(struct journal_rec *rec)
{
	free(rec->incident);
	free(rec->who);
	free(rec->source);
	free(rec->text);
	free(rec->detail);
	free(rec->action);
	free(rec->target);
	free(rec->op);
	free(rec->result);
	free(rec->outcome);
	free(rec->key);
	free(rec->subject);
	free(rec->level);
	free(rec->unit);
	free(rec->event);
	free(rec->title);
	free(rec->commander);
	free(rec->severity);
	free(rec->status);
	free(rec->escalation);
	journal_rec_init(rec);
}

void
journal_rec_init(struct journal_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->ok = JOURNAL_OK_UNSET;
	rec->mitigation = JOURNAL_OK_UNSET;
	rec->value = NAN;
	rec->limit = NAN;
	rec->peak = NAN;
}

static const char *const unit_names[] = {
	[UNIT_NONE] = "none",
	[UNIT_RATIO] = "ratio",
	[UNIT_SECONDS] = "seconds",
	[UNIT_BYTES] = "bytes",
	[UNIT_PER_SECOND] = "per_second",
};

const char *
journal_unit_name(enum metric_unit unit)
{
	return (unsigned)unit < sizeof(unit_names) / sizeof(unit_names[0]) ?
	       unit_names[unit] : "none";
}

enum metric_unit
journal_unit_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL &&
	     i < sizeof(unit_names) / sizeof(unit_names[0]); i++) {
		if (strcmp(unit_names[i], name) == 0) {
			return (enum metric_unit)i;
		}
	}
	return UNIT_NONE;
}

static const char *
level_name(enum health h)
{
	return h == HEALTH_CRIT ? "crit" : h == HEALTH_WARN ? "warn" :
	       h == HEALTH_OK ? "ok" : "unknown";
}

static enum health
level_parse(const char *s)
{
	if (s == NULL) {
		return HEALTH_UNKNOWN;
	}
	return strcmp(s, "crit") == 0 ? HEALTH_CRIT : strcmp(s, "warn") == 0 ?
	       HEALTH_WARN : strcmp(s, "ok") == 0 ? HEALTH_OK :
	       HEALTH_UNKNOWN;
}

void
journal_rec_set_finding(struct journal_rec *rec, const struct tl_finding *f)
{
	rec->key = (char *)f->key;
	rec->subject = f->subject != NULL && f->subject[0] != '\0' ?
		       (char *)f->subject : NULL;
	rec->level = (char *)level_name(f->sev);
	rec->value = f->value;
	rec->limit = f->limit;
	rec->peak = f->peak;
	rec->unit = (char *)journal_unit_name(f->unit);
	rec->since_ms = f->since_ms;
	rec->opened_ms = f->opened_ms;
	rec->preexisting = f->preexisting;
}

bool
journal_rec_finding(const struct journal_rec *rec, struct tl_finding *f)
{
	memset(f, 0, sizeof(*f));
	if (rec->key == NULL) {
		return false;
	}
	f->key = rec->key;
	f->subject = rec->subject != NULL ? rec->subject : "";
	f->sev = level_parse(rec->level);
	f->value = rec->value;
	f->limit = rec->limit;
	f->peak = rec->peak;
	f->unit = journal_unit_parse(rec->unit);
	f->since_ms = rec->since_ms;
	f->opened_ms = rec->opened_ms;
	f->preexisting = rec->preexisting;
	return true;
}

void
journal_recs_free(struct journal_rec *recs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		journal_rec_finish(&recs[i]);
	}
	free(recs);
}

char *
journal_format_ts(int64_t wall_ms, char *buf, size_t n)
{
	time_t t = (time_t)(wall_ms / 1000);
	int ms = (int)(wall_ms % 1000);
	struct tm tm;

	if (ms < 0) {
		t--;
		ms += 1000;
	}
	gmtime_r(&t, &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ms);
	return buf;
}

/* Reads exactly n digits at s; returns -1 unless they are all digits. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Parses exactly the form journal_format_ts() writes. */
static int
parse_ts(const char *s, int64_t *out)
{
	struct tm tm;
	int f[7];
	time_t t;

	if (strlen(s) != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z') {
		return -1;
	}
	f[0] = digits(s, 4);
	f[1] = digits(s + 5, 2);
	f[2] = digits(s + 8, 2);
	f[3] = digits(s + 11, 2);
	f[4] = digits(s + 14, 2);
	f[5] = digits(s + 17, 2);
	f[6] = digits(s + 20, 3);
	for (int i = 0; i < 7; i++) {
		if (f[i] < 0) {
			return -1;
		}
	}
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
	    f[4] > 59 || f[5] > 60) {
		return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	t = timegm(&tm);
	*out = (int64_t)t * 1000 + f[6];
	return 0;
}

int
journal_kind_from_name(const char *name)
{
	int k;

	for (k = 0; k < TL_KIND_COUNT; k++) {
		if (strcmp(tl_kind_name((enum tl_kind)k), name) == 0) {
			return k;
		}
	}
	/* What journals before the "cleared" name called it. */
	if (strcmp(name, "resolved") == 0) {
		return TL_FINDING_CLOSE;
	}
	return -1;
}

static void
add_num(cJSON *o, const char *key, double v)
{
	if (!isnan(v) && !isinf(v)) {
		cJSON_AddNumberToObject(o, key, v);
	}
}

static void
add_ts(cJSON *o, const char *key, int64_t ms)
{
	char ts[32];

	if (ms > 0) {
		cJSON_AddStringToObject(o, key, journal_format_ts(ms, ts,
								  sizeof(ts)));
	}
}

static void
add_str(cJSON *o, const char *key, const char *s, bool always)
{
	if (s != NULL || always) {
		cJSON_AddStringToObject(o, key, s != NULL ? s : "");
	}
}

char *
journal_rec_format(const struct journal_rec *rec)
{
	char ts[32];
	cJSON *o = cJSON_CreateObject();
	char *json, *line;
	size_t len;

	if (o == NULL) {
		abort();
	}
	cJSON_AddNumberToObject(o, "v", JOURNAL_VERSION);
	cJSON_AddNumberToObject(o, "seq", (double)rec->seq);
	cJSON_AddStringToObject(o, "ts", journal_format_ts(rec->ts_ms, ts,
							  sizeof(ts)));
	cJSON_AddStringToObject(o, "kind", tl_kind_name(rec->kind));
	add_str(o, "incident", rec->incident, true);
	add_str(o, "who", rec->who, true);
	add_str(o, "source", rec->source, true);
	add_str(o, "text", rec->text, true);
	add_str(o, "detail", rec->detail, true);
	add_str(o, "action", rec->action, false);
	add_str(o, "target", rec->target, false);
	add_str(o, "op", rec->op, false);
	add_str(o, "result", rec->result, false);
	if (rec->ok != JOURNAL_OK_UNSET) {
		cJSON_AddBoolToObject(o, "ok", rec->ok != 0);
	}
	add_str(o, "outcome", rec->outcome, false);
	if (rec->intent_seq != 0) {
		cJSON_AddNumberToObject(o, "intent_seq",
					(double)rec->intent_seq);
	}
	if (rec->kind == TL_ACTION_INTENT &&
	    rec->mitigation != JOURNAL_OK_UNSET) {
		cJSON_AddBoolToObject(o, "mitigation", rec->mitigation != 0);
	}
	if (rec->key != NULL) {
		add_str(o, "key", rec->key, true);
		add_str(o, "subject", rec->subject, false);
		add_str(o, "level", rec->level, false);
		add_num(o, "value", rec->value);
		add_num(o, "limit", rec->limit);
		add_num(o, "peak", rec->peak);
		add_str(o, "unit", rec->unit, false);
		add_ts(o, "since", rec->since_ms);
		add_ts(o, "opened", rec->opened_ms);
		if (rec->preexisting) {
			cJSON_AddBoolToObject(o, "preexisting", true);
		}
	}
	add_str(o, "event", rec->event, false);
	add_str(o, "title", rec->title, false);
	add_str(o, "commander", rec->commander, false);
	add_str(o, "severity", rec->severity, false);
	add_str(o, "status", rec->status, false);
	add_str(o, "escalation", rec->escalation, false);

	/* cJSON escapes every control character, so this is one line. */
	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (json == NULL) {
		abort();
	}
	len = strlen(json);
	line = xmalloc(len + 2);
	memcpy(line, json, len);
	line[len] = '\n';
	line[len + 1] = '\0';
	cJSON_free(json);
	return line;
}

/* A string member's copy; NULL when absent or not a string. */
static char *
get_str(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(it) ? xstrdup(it->valuestring) : NULL;
}

/* A whole number member in [min, 2^53]; -1 when absent or anything else. */
static int64_t
get_uint(const cJSON *o, const char *key, int64_t min)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	double d;

	if (!cJSON_IsNumber(it)) {
		return -1;
	}
	d = it->valuedouble;
	if (d < (double)min || d > 9007199254740992.0 ||
	    d != (double)(int64_t)d) {
		return -1;
	}
	return (int64_t)d;
}

/* A number member, NAN when absent or not a number. */
static double
get_num(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(it) ? it->valuedouble : NAN;
}

/* A time member (journal_format_ts()'s form), 0 when absent or bad. */
static int64_t
get_ts(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	int64_t ms;

	if (!cJSON_IsString(it) || parse_ts(it->valuestring, &ms) != 0) {
		return 0;
	}
	return ms;
}

int
journal_rec_parse(const char *line, size_t len, struct journal_rec *out,
		  struct err *err)
{
	const char *end = NULL;
	const cJSON *it;
	cJSON *o;
	int64_t v, seq, ts;
	int kind;

	journal_rec_init(out);
	o = cJSON_ParseWithLengthOpts(line, len, &end, false);
	if (o == NULL) {
		return err_set(err, "not JSON");
	}
	while (end != NULL && end < line + len &&
	       (*end == ' ' || *end == '\t' || *end == '\r')) {
		end++;
	}
	if (!cJSON_IsObject(o) || end != line + len) {
		cJSON_Delete(o);
		return err_set(err, "not one JSON object");
	}
	v = get_uint(o, "v", 1);
	if (v < 1 || v > JOURNAL_VERSION) {
		cJSON_Delete(o);
		return err_set(err, "missing or unknown format version");
	}
	seq = get_uint(o, "seq", 1);
	it = cJSON_GetObjectItemCaseSensitive(o, "ts");
	if (seq < 1 || !cJSON_IsString(it) ||
	    parse_ts(it->valuestring, &ts) != 0) {
		cJSON_Delete(o);
		return err_set(err, "bad seq or ts");
	}
	it = cJSON_GetObjectItemCaseSensitive(o, "kind");
	kind = cJSON_IsString(it) ? journal_kind_from_name(it->valuestring)
				  : -1;
	if (kind < 0 ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "incident"))) {
		cJSON_Delete(o);
		return err_set(err, "bad kind or incident");
	}
	out->v = (int)v;
	out->seq = (uint64_t)seq;
	out->ts_ms = ts;
	out->kind = (enum tl_kind)kind;
	out->incident = get_str(o, "incident");
	out->who = get_str(o, "who");
	out->source = get_str(o, "source");
	out->text = get_str(o, "text");
	out->detail = get_str(o, "detail");
	out->action = get_str(o, "action");
	out->target = get_str(o, "target");
	out->op = get_str(o, "op");
	out->result = get_str(o, "result");
	it = cJSON_GetObjectItemCaseSensitive(o, "ok");
	if (cJSON_IsBool(it)) {
		out->ok = cJSON_IsTrue(it) ? 1 : 0;
	}
	seq = get_uint(o, "intent_seq", 1);
	out->intent_seq = seq > 0 ? (uint64_t)seq : 0;
	out->outcome = get_str(o, "outcome");
	it = cJSON_GetObjectItemCaseSensitive(o, "mitigation");
	if (cJSON_IsBool(it)) {
		out->mitigation = cJSON_IsTrue(it) ? 1 : 0;
	}
	out->key = get_str(o, "key");
	if (out->key != NULL) {
		out->subject = get_str(o, "subject");
		out->level = get_str(o, "level");
		out->value = get_num(o, "value");
		out->limit = get_num(o, "limit");
		out->peak = get_num(o, "peak");
		out->unit = get_str(o, "unit");
		out->since_ms = get_ts(o, "since");
		out->opened_ms = get_ts(o, "opened");
		out->preexisting = cJSON_IsTrue(
			cJSON_GetObjectItemCaseSensitive(o, "preexisting"));
	}
	out->event = get_str(o, "event");
	out->title = get_str(o, "title");
	out->commander = get_str(o, "commander");
	out->severity = get_str(o, "severity");
	out->status = get_str(o, "status");
	out->escalation = get_str(o, "escalation");
	cJSON_Delete(o);
	return 0;
}

const struct journal_rec *
journal_find_result(const struct journal_rec *recs, size_t n,
		    uint64_t intent_seq)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (recs[i].kind == TL_ACTION_RESULT &&
		    recs[i].intent_seq == intent_seq) {
			return &recs[i];
		}
	}
	return NULL;
}
