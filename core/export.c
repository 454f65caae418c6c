/* What the exports share: safe writers and times, the actions and their
 * outcomes, the findings with their peaks and the milestones of an
 * incident read from its journal, and the Slack payload. The post-mortem
 * is core/export_postmortem.c, the status update core/export_update.c.
 * Pure: the same arguments always give the same bytes. Any thread. */
#include "core/export.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/export_internal.h"
#include "core/rules.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* ---- writing ----------------------------------------------------------- */

void
ex_put(FILE *f, const char *s)
{
	char *clean;

	if (s == NULL || s[0] == '\0') {
		return;
	}
	clean = sanitize(s);
	fputs(clean, f);
	free(clean);
}

bool
ex_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

static struct tm
utc(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm;
}

static bool
same_day(int64_t a, int64_t b)
{
	struct tm x = utc(a), y = utc(b);

	return x.tm_year == y.tm_year && x.tm_yday == y.tm_yday;
}

const char *
ex_hms(int64_t ms, int64_t ref, char *buf, size_t n)
{
	struct tm tm = utc(ms);

	strftime(buf, n, same_day(ms, ref) ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S",
		 &tm);
	return buf;
}

const char *
ex_hm(int64_t ms, int64_t ref, char *buf, size_t n)
{
	struct tm tm = utc(ms);

	strftime(buf, n, same_day(ms, ref) ? "%H:%M" : "%Y-%m-%d %H:%M", &tm);
	return buf;
}

const char *
ex_ymdhm(int64_t ms, char *buf, size_t n)
{
	struct tm tm = utc(ms);

	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

const char *
ex_span(int64_t ms, char *buf, size_t n)
{
	if (ms < MIN_MS) {
		snprintf(buf, n, "< 1 min");
	} else if (ms < HOUR_MS) {
		snprintf(buf, n, "%lld min", (long long)(ms / MIN_MS));
	} else if (ms < DAY_MS) {
		snprintf(buf, n, "%lld h %02lld min", (long long)(ms / HOUR_MS),
			 (long long)(ms % HOUR_MS / MIN_MS));
	} else {
		snprintf(buf, n, "%lld d %lld h", (long long)(ms / DAY_MS),
			 (long long)(ms % DAY_MS / HOUR_MS));
	}
	return buf;
}

const char *
ex_target(int64_t ms, char *buf, size_t n)
{
	if (ms == INCIDENT_NEXT_BUSINESS_DAY) {
		snprintf(buf, n, "next business day");
	} else if (ms >= HOUR_MS && ms % HOUR_MS == 0) {
		snprintf(buf, n, "%lld h", (long long)(ms / HOUR_MS));
	} else {
		snprintf(buf, n, "%lld min", (long long)(ms / MIN_MS));
	}
	return buf;
}

bool
ex_is_event(const struct journal_rec *r, const char *name)
{
	return r->event != NULL && strcmp(r->event, name) == 0;
}

/* The longest run of backticks in s. */
static size_t
backtick_run(const char *s)
{
	size_t best = 0, cur = 0;

	for (; *s != '\0'; s++) {
		cur = *s == '`' ? cur + 1 : 0;
		if (cur > best) {
			best = cur;
		}
	}
	return best;
}

static void
fence(FILE *f, size_t len, const char *indent)
{
	fputs(indent, f);
	while (len-- > 0) {
		fputc('`', f);
	}
	fputc('\n', f);
}

void
ex_code_block(FILE *f, const char *s, const char *indent)
{
	size_t run = backtick_run(s) + 1;
	const char *p = s, *nl;

	if (run < 3) {
		run = 3;
	}
	fence(f, run, indent);
	while (*p != '\0') {
		char *line;

		nl = strchr(p, '\n');
		line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		fputs(indent, f);
		ex_put(f, line);
		fputc('\n', f);
		free(line);
		if (nl == NULL) {
			break;
		}
		p = nl + 1;
	}
	fence(f, run, indent);
}

char *
ex_first_line(const char *s)
{
	const char *nl = s ? strchr(s, '\n') : NULL;
	char *line = nl ? xstrndup(s, (size_t)(nl - s)) : xstrdup(s ? s : "");
	char *clean = sanitize(line);

	free(line);
	return clean;
}

size_t *
ex_time_order(const struct journal_rec *recs, size_t n)
{
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx));
	size_t i, k;

	for (i = 0; i < n; i++) {
		/* Insertion sort: stable, and journals are nearly sorted. */
		for (k = i; k > 0 && recs[idx[k - 1]].ts_ms > recs[i].ts_ms;
		     k--) {
			idx[k] = idx[k - 1];
		}
		idx[k] = i;
	}
	return idx;
}

/* ---- actions ------------------------------------------------------------ */

const struct journal_rec *
ex_result_of(const struct journal_rec *r, const struct journal_rec *recs,
	     size_t n)
{
	return r->kind == TL_ACTION_INTENT ?
	       journal_find_result(recs, n, r->seq) : NULL;
}

const struct journal_rec *
ex_intent_of(const struct journal_rec *r, const struct journal_rec *recs,
	     size_t n)
{
	size_t i;

	if (r->kind != TL_ACTION_RESULT || r->intent_seq == 0) {
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (recs[i].kind == TL_ACTION_INTENT &&
		    recs[i].seq == r->intent_seq) {
			return &recs[i];
		}
	}
	return NULL;
}

bool
ex_is_mitigation(const struct journal_rec *r)
{
	if (r->mitigation != JOURNAL_OK_UNSET) {
		return r->mitigation != 0;
	}
	/* Journals from before the spec said so. */
	return r->action == NULL ||
	       (strcmp(r->action, "silence") != 0 &&
		strcmp(r->action, "expire-silence") != 0 &&
		strcmp(r->action, "slack-post") != 0);
}

const char *
ex_outcome(const struct journal_rec *res)
{
	if (res == NULL) {
		return NULL;
	}
	if (res->outcome != NULL) {
		return res->outcome;
	}
	return res->ok == 1 ? "ok" : "failed";
}

void
ex_put_outcome(FILE *f, const struct journal_rec *res)
{
	const char *o = ex_outcome(res);

	if (o == NULL) {
		fputs("outcome unknown (no result was recorded)", f);
		return;
	}
	ex_put(f, o);
	if (!ex_empty(res->result)) {
		fputs(" — ", f);
		ex_put(f, res->result);
	}
}

/* ---- findings ----------------------------------------------------------- */

static bool
opens(const struct journal_rec *r)
{
	return r->event == NULL &&
	       (r->kind == TL_FINDING_OPEN || r->kind == TL_ALERT_OPEN);
}

static bool
closes(const struct journal_rec *r)
{
	return r->event == NULL &&
	       (r->kind == TL_FINDING_CLOSE || r->kind == TL_ALERT_CLOSE);
}

static enum health
level_of(const struct journal_rec *r)
{
	if (r->level == NULL) {
		return r->kind == TL_ALERT_OPEN ? HEALTH_WARN : HEALTH_UNKNOWN;
	}
	return strcmp(r->level, "crit") == 0 ? HEALTH_CRIT :
	       strcmp(r->level, "warn") == 0 ? HEALTH_WARN : HEALTH_OK;
}

static void
take_peak(struct ex_finding *x, double v, double limit)
{
	if (isnan(v)) {
		return;
	}
	if (isnan(x->peak) || (x->lower_is_worse ? v < x->peak : v > x->peak)) {
		x->peak = v;
		if (!isnan(limit)) {
			x->peak_limit = limit;
		}
	}
}

static struct ex_finding *
open_instance(struct ex_finding *v, size_t n, const struct journal_rec *r)
{
	size_t i;

	for (i = n; i-- > 0;) {
		if (v[i].close == NULL && v[i].open->key != NULL &&
		    strcmp(v[i].open->key, r->key) == 0 &&
		    strcmp(v[i].open->source ? v[i].open->source : "",
			   r->source ? r->source : "") == 0) {
			return &v[i];
		}
	}
	return NULL;
}

size_t
ex_findings(const struct journal_rec *recs, size_t n, struct ex_finding **out)
{
	size_t *idx = ex_time_order(recs, n);
	struct ex_finding *v = NULL, *x;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[idx[i]];

		if (r->key == NULL) {
			continue;
		}
		x = open_instance(v, k, r);
		if (opens(r) && x == NULL) {
			v = xreallocarray(v, k + 1, sizeof(*v));
			x = &v[k++];
			memset(x, 0, sizeof(*x));
			x->open = x->last = r;
			x->alert = r->kind == TL_ALERT_OPEN;
			x->worst = level_of(r);
			x->peak = NAN;
			x->peak_limit = NAN;
			x->lower_is_worse = !isnan(r->value) &&
					    !isnan(r->limit) &&
					    r->value < r->limit;
			x->began_ms = r->since_ms > 0 ? r->since_ms : r->ts_ms;
			take_peak(x, r->value, r->limit);
			continue;
		}
		if (x == NULL) {
			continue;
		}
		x->last = r;
		take_peak(x, r->peak, closes(r) ? NAN : r->limit);
		if (closes(r)) {
			x->close = r;
			continue;
		}
		if (level_of(r) > x->worst) {
			x->worst = level_of(r);
		}
		take_peak(x, r->value, r->limit);
	}
	free(idx);
	*out = v;
	return k;
}

void
ex_put_subject(FILE *f, const struct ex_finding *x)
{
	char *line;

	if (!ex_empty(x->open->subject)) {
		ex_put(f, x->open->subject);
		return;
	}
	line = ex_first_line(x->open->text);
	fputs(line, f);
	free(line);
}

char *
ex_latest_text(const struct ex_finding *x)
{
	const char *t = x->last->text ? x->last->text : "";
	const char *c, *end;
	char *cut, *clean;

	if (x->last->kind == TL_FINDING_SEV && (c = strstr(t, ": ")) != NULL) {
		t = c + 2;
	} else if (ex_is_event(x->last, "still-open")) {
		if (strncmp(t, "still open at resolution: ", 26) == 0) {
			t += 26;
		}
	} else if (x->last != x->open) {
		t = x->open->text ? x->open->text : "";
	}
	end = strstr(t, " (open since ");
	cut = end != NULL ? xstrndup(t, (size_t)(end - t)) : xstrdup(t);
	clean = sanitize(cut);
	free(cut);
	return clean;
}

bool
ex_preexisting(const struct ex_finding *x)
{
	return x->open->preexisting;
}

const char *
ex_value(const struct ex_finding *x, double v, char *buf, size_t n)
{
	buf[0] = '\0';
	if (!isnan(v)) {
		rules_fmt_unit(journal_unit_parse(x->open->unit), v, buf, n);
	}
	return buf;
}

/* ---- the milestones ------------------------------------------------------ */

const char *
ex_root_cause(const struct journal_rec *r)
{
	const char *t = r->text;

	if (r->kind != TL_NOTE || t == NULL ||
	    strncasecmp(t, "root cause:", 11) != 0) {
		return NULL;
	}
	t += 11;
	while (*t == ' ') {
		t++;
	}
	return *t != '\0' ? t : NULL;
}

/* An entry a person made (not the declaration, not warroom's own). */
static bool
by_operator(const struct journal_rec *r)
{
	if (ex_empty(r->who) || strcmp(r->who, "warroom") == 0) {
		return false;
	}
	switch (r->kind) {
	case TL_NOTE:
	case TL_STATUS:
	case TL_SEVERITY:
	case TL_ACTION_INTENT:
		return true;
	case TL_INFO:
		return ex_is_event(r, "impact") || ex_is_event(r, "update") ||
		       ex_is_event(r, "commander") ||
		       ex_is_event(r, "security");
	default:
		return false;
	}
}

static void
earliest(int64_t *at, const struct journal_rec **by, int64_t when,
	 const struct journal_rec *r)
{
	if (when > 0 && (*at == 0 || when < *at)) {
		*at = when;
		*by = r;
	}
}

/* When the impact began and when it was first seen, from the findings and
 * alerts that opened after the declaration or within the lookback. */
static void
story_start(const struct incident_info *inc, const struct journal_rec *recs,
	    size_t n, struct ex_story *s)
{
	struct ex_finding *v;
	size_t k = ex_findings(recs, n, &v), i;
	int64_t from = inc->declared_ms - inc->lookback_ms;

	for (i = 0; i < k; i++) {
		const struct journal_rec *o = v[i].open;
		int64_t began;

		/* Present when warroom first looked: it may have been there
		 * all along, so it does not say when the incident began. */
		if (o->preexisting) {
			continue;
		}
		began = o->since_ms > 0 ? o->since_ms : o->ts_ms;
		if (began < from || (s->resolved > 0 && began > s->resolved)) {
			continue;
		}
		earliest(&s->started, &s->started_by, began, o);
	}
	for (i = 0; s->started > 0 && i < k; i++) {
		const struct journal_rec *o = v[i].open;
		int64_t seen = v[i].alert && o->since_ms > 0 ? o->since_ms :
			       o->ts_ms;

		if (o->preexisting || v[i].began_ms < s->started) {
			continue;
		}
		earliest(&s->detected, &s->detected_by, seen, o);
	}
	free(v);
}

void
ex_story(const struct incident_info *inc, const struct journal_rec *recs,
	 size_t n, struct ex_story *s)
{
	size_t i;
	int st;

	memset(s, 0, sizeof(*s));
	s->declared = inc->declared_ms;
	if (inc->status == INCIDENT_RESOLVED) {
		s->resolved = inc->resolved_ms;
	}
	story_start(inc, recs, n, s);
	for (i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[i];
		const struct journal_rec *res;

		if (r->ts_ms < s->declared) {
			continue;
		}
		if (by_operator(r)) {
			earliest(&s->acknowledged, &s->acknowledged_by,
				 r->ts_ms, r);
		}
		st = r->kind == TL_STATUS ? incident_status_parse(r->status) :
		     -1;
		if ((st >= INCIDENT_IDENTIFIED && st != INCIDENT_RESOLVED) ||
		    ex_root_cause(r) != NULL) {
			earliest(&s->identified, &s->identified_by, r->ts_ms,
				 r);
		}
		if (r->kind == TL_ACTION_INTENT && ex_is_mitigation(r) &&
		    (res = ex_result_of(r, recs, n)) != NULL &&
		    strcmp(ex_outcome(res), "ok") == 0) {
			earliest(&s->mitigated, &s->mitigated_by, res->ts_ms,
				 r);
		}
	}
	for (i = 0; s->resolved > 0 && i < n; i++) {
		if (recs[i].kind == TL_STATUS &&
		    incident_status_parse(recs[i].status) ==
		    INCIDENT_RESOLVED) {
			s->resolved_by = &recs[i];
		}
	}
	for (i = 0; s->mitigated == 0 && i < n; i++) {
		if (recs[i].kind == TL_STATUS &&
		    incident_status_parse(recs[i].status) ==
		    INCIDENT_MONITORING) {
			earliest(&s->mitigated, &s->mitigated_by,
				 recs[i].ts_ms, &recs[i]);
		}
	}
	s->origin = s->started > 0 ? s->started : s->declared;
}

/* ---- Slack ------------------------------------------------------------- */

char *
export_slack_payload(const char *text)
{
	cJSON *o = cJSON_CreateObject();
	char *json, *copy;

	if (o == NULL || cJSON_AddStringToObject(o, "text", text) == NULL) {
		abort();
	}
	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (json == NULL) {
		abort();
	}
	copy = xstrdup(json);
	cJSON_free(json);
	return copy;
}
