/* Post-mortem and status-update drafts from an incident's record and
 * journal, following the runbooks' templates. Pure: the same arguments
 * always give the same bytes. Any thread. */
#include "core/export.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sanitize.h"
#include "core/xalloc.h"

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)

#define BLANK "_(to be filled in)_"

/* ---- small writers ----------------------------------------------------- */

/* Writes outside text made safe: controls and escapes become visible. */
static void
put(FILE *f, const char *s)
{
	char *clean;

	if (s == NULL || s[0] == '\0') {
		return;
	}
	clean = sanitize(s);
	fputs(clean, f);
	free(clean);
}

static bool
empty(const char *s)
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

/* "10:25:03", or "2026-11-23 10:25:03" when not on ref's day. */
static const char *
hms(int64_t ms, int64_t ref, char *buf, size_t n)
{
	struct tm tm = utc(ms);

	strftime(buf, n, same_day(ms, ref) ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S",
		 &tm);
	return buf;
}

/* "10:25", or "2026-11-23 10:25" when not on ref's day. */
static const char *
hm(int64_t ms, int64_t ref, char *buf, size_t n)
{
	struct tm tm = utc(ms);

	strftime(buf, n, same_day(ms, ref) ? "%H:%M" : "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* "2026-11-22 10:25". */
static const char *
ymdhm(int64_t ms, char *buf, size_t n)
{
	struct tm tm = utc(ms);

	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* "45 min", "1 h 05 min", "2 d 3 h", "< 1 min". */
static const char *
span(int64_t ms, char *buf, size_t n)
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

/* "15 min", "1 h", "4 h", "next business day". */
static const char *
target(int64_t ms, char *buf, size_t n)
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

static bool
is_event(const struct journal_rec *r, const char *name)
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

/* Writes s (may hold newlines) as an indented fenced code block, each line
 * sanitized on its own. */
static void
code_block(FILE *f, const char *s, const char *indent)
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
		put(f, line);
		fputc('\n', f);
		free(line);
		if (nl == NULL) {
			break;
		}
		p = nl + 1;
	}
	fence(f, run, indent);
}

/* The first line of s, sanitized, into a new string. */
static char *
first_line(const char *s)
{
	const char *nl = s ? strchr(s, '\n') : NULL;
	char *line = nl ? xstrndup(s, (size_t)(nl - s)) : xstrdup(s ? s : "");
	char *clean = sanitize(line);

	free(line);
	return clean;
}

/* ---- record descriptions ----------------------------------------------- */

/* Whether a status update lists r. */
static bool
newsworthy(const struct journal_rec *r)
{
	if (r->event != NULL) {
		return is_event(r, "status") || is_event(r, "severity") ||
		       is_event(r, "impact") || is_event(r, "security") ||
		       is_event(r, "commander");
	}
	return r->kind != TL_INFO;
}

/* "(source)" after a label, or nothing. */
static void
put_paren(FILE *f, const char *s)
{
	if (!empty(s)) {
		fputs(" (", f);
		put(f, s);
		fputc(')', f);
	}
}

/* " by who" after a label, or nothing. */
static void
put_by(FILE *f, const char *sep, const char *who)
{
	if (!empty(who)) {
		fputs(sep, f);
		fputs("by ", f);
		put(f, who);
	}
}

/* "Label by who: text". */
static void
put_said(FILE *f, const char *label, const char *who, const char *text)
{
	fputs(label, f);
	put_by(f, " ", who);
	fputs(": ", f);
	put(f, text);
}

/* What starts the line of a record that names its source. */
static const char *const kind_labels[TL_KIND_COUNT] = {
	[TL_FINDING_OPEN] = "Finding",
	[TL_FINDING_CLOSE] = "Finding cleared",
	[TL_ALERT_OPEN] = "Alert firing",
	[TL_ALERT_CLOSE] = "Alert resolved",
	[TL_SOURCE_DOWN] = "Source down",
	[TL_SOURCE_UP] = "Source back",
};

/* One line for a record that is not an action. */
static void
describe(FILE *f, const struct journal_rec *r)
{
	switch (r->kind) {
	case TL_NOTE:
		put_said(f, "Note", r->who, r->text);
		return;
	case TL_STATUS:
	case TL_SEVERITY:
		put(f, r->text);
		put_by(f, ", ", r->who);
		return;
	case TL_FINDING_OPEN:
	case TL_FINDING_CLOSE:
	case TL_ALERT_OPEN:
	case TL_ALERT_CLOSE:
	case TL_SOURCE_DOWN:
	case TL_SOURCE_UP:
		fputs(kind_labels[r->kind], f);
		break;
	case TL_ACTION_RESULT:
		put_said(f, "Result", r->who, r->text);
		if (!empty(r->result)) {
			fputs(" — ", f);
			put(f, r->result);
		}
		return;
	default:
		if (is_event(r, "declare")) {
			put_said(f, "Incident declared", r->who, r->title);
			fputs(" — ", f);
			put(f, r->severity);
			fputs(", commander ", f);
			put(f, r->commander);
		} else if (is_event(r, "impact")) {
			put_said(f, "Impact stated", r->who, r->text);
		} else if (is_event(r, "security") ||
			   is_event(r, "commander")) {
			put(f, r->text);
			put_by(f, ", ", r->who);
		} else {
			if (!empty(r->source)) {
				put(f, r->source);
				fputs(": ", f);
			}
			put(f, r->text);
			if (is_event(r, "resume") && !empty(r->detail)) {
				fputs(" — ", f);
				put(f, r->detail);
			}
		}
		return;
	}
	put_paren(f, r->source);
	fputs(": ", f);
	put(f, r->text);
}

/* The intent of result r in recs, or NULL. */
static const struct journal_rec *
intent_of(const struct journal_rec *r, const struct journal_rec *recs,
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

/* "ok — terminated", "failed — permission denied", "outcome unknown". */
static void
outcome(FILE *f, const struct journal_rec *res)
{
	if (res == NULL) {
		fputs("outcome unknown (no result was recorded)", f);
		return;
	}
	fputs(res->ok == 1 ? "ok" : res->ok == 0 ? "failed" : "done", f);
	if (!empty(res->result)) {
		fputs(" — ", f);
		put(f, res->result);
	}
}

/* The indexes of recs in time order (file order among equal times): an
 * entry imported from the timeline may be older than the records before
 * it. The caller frees it. */
static size_t *
time_order(const struct journal_rec *recs, size_t n)
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

/* ---- post-mortem ------------------------------------------------------- */

static void
pm_header(FILE *f, const struct incident_info *inc)
{
	char a[32], b[32], d[32];
	struct tm tm = utc(inc->declared_ms);

	fputs("# Post-Mortem: ", f);
	put(f, inc->title);
	fputs("\n\n", f);
	fprintf(f, "**Incident:** %s  \n", inc->id);
	strftime(d, sizeof(d), "%Y-%m-%d", &tm);
	fprintf(f, "**Date:** %s  \n", d);
	fprintf(f, "**Severity:** %s", incident_sev_name(inc->severity));
	if (inc->declared_severity != inc->severity) {
		fprintf(f, " (declared %s)",
			incident_sev_name(inc->declared_severity));
	}
	fputs("  \n", f);
	fprintf(f, "**Status:** %s  \n", incident_status_name(inc->status));
	if (inc->status == INCIDENT_RESOLVED && inc->resolved_ms > 0) {
		fprintf(f, "**Duration:** %s (%s to %s UTC)  \n",
			span(inc->resolved_ms - inc->declared_ms, d, sizeof(d)),
			hm(inc->declared_ms, inc->declared_ms, a, sizeof(a)),
			hm(inc->resolved_ms, inc->declared_ms, b, sizeof(b)));
	} else {
		fprintf(f, "**Duration:** ongoing (declared %s UTC)  \n",
			hm(inc->declared_ms, inc->declared_ms, a, sizeof(a)));
	}
	fputs("**Incident Commander:** ", f);
	put(f, inc->commander);
	fputs("\n", f);
	if (inc->security) {
		fputs("**Security incident:** yes\n", f);
	}
	fputs("\n", f);
}

static void
pm_summary(FILE *f, const struct incident_info *inc)
{
	char a[32], b[32], c[32];

	fputs("## Summary\n\n", f);
	fprintf(f, "%s (%s): ", inc->id, incident_sev_name(inc->severity));
	put(f, inc->title);
	fprintf(f, ". Declared at %s UTC",
		hm(inc->declared_ms, inc->declared_ms, a, sizeof(a)));
	if (inc->status == INCIDENT_RESOLVED && inc->resolved_ms > 0) {
		fprintf(f, ", resolved at %s UTC after %s",
			hm(inc->resolved_ms, inc->declared_ms, b, sizeof(b)),
			span(inc->resolved_ms - inc->declared_ms, c,
			     sizeof(c)));
	}
	fputs(".\n\n" BLANK ": what happened, in two or three sentences.\n\n",
	      f);
}

static void
pm_impact(FILE *f, const struct incident_info *inc,
	  const struct journal_rec *recs, size_t n)
{
	const struct journal_rec *first = NULL, *res;
	size_t i, actions = 0, ok = 0, failed = 0, unknown = 0;
	char a[32], b[32], c[32];

	for (i = 0; i < n; i++) {
		if ((recs[i].kind == TL_ALERT_OPEN ||
		     recs[i].kind == TL_FINDING_OPEN) &&
		    (first == NULL || recs[i].ts_ms < first->ts_ms)) {
			first = &recs[i];
		}
		if (recs[i].kind == TL_ACTION_INTENT) {
			actions++;
			res = journal_find_result(recs, n, recs[i].seq);
			if (res == NULL) {
				unknown++;
			} else if (res->ok == 1) {
				ok++;
			} else {
				failed++;
			}
		}
	}

	fputs("## Impact\n\n", f);
	if (inc->status == INCIDENT_RESOLVED && inc->resolved_ms > 0) {
		fprintf(f, "- Duration: %s\n",
			span(inc->resolved_ms - inc->declared_ms, a,
			     sizeof(a)));
	} else {
		fputs("- Duration: ongoing\n", f);
	}
	fputs("- Impact recorded during the incident: ", f);
	if (empty(inc->impact)) {
		fputs(BLANK, f);
	} else {
		put(f, inc->impact);
	}
	fputs("\n- Affected users: " BLANK "\n", f);
	fputs("- Error rate: " BLANK "\n", f);
	fputs("- Revenue impact: " BLANK "\n", f);
	if (first != NULL && first->ts_ms <= inc->declared_ms) {
		fprintf(f, "- Detected: %s UTC; declared %s later (response "
			"target for %s: %s). First sign: ",
			hms(first->ts_ms, inc->declared_ms, a, sizeof(a)),
			span(inc->declared_ms - first->ts_ms, b, sizeof(b)),
			incident_sev_name(inc->severity),
			target(inc->response_ms, c, sizeof(c)));
		describe(f, first);
		fputs("\n", f);
	} else {
		fprintf(f, "- Response target for %s: %s\n",
			incident_sev_name(inc->severity),
			target(inc->response_ms, c, sizeof(c)));
	}
	fprintf(f, "- Mitigation actions: %zu (%zu ok, %zu failed, %zu "
		"outcome unknown)\n\n", actions, ok, failed, unknown);
}

static void
pm_action(FILE *f, const struct journal_rec *r, const struct journal_rec *recs,
	  size_t n, int64_t ref)
{
	const struct journal_rec *res = journal_find_result(recs, n, r->seq);
	char t[32];

	fputs("Action", f);
	if (!empty(r->who)) {
		fputs(" by ", f);
		put(f, r->who);
	}
	if (!empty(r->source)) {
		fputs(" on ", f);
		put(f, r->source);
	}
	fputs(": ", f);
	put(f, r->text);
	fputs("\n", f);
	if (!empty(r->target)) {
		fputs("  - Target: ", f);
		put(f, r->target);
		fputs("\n", f);
	}
	if (!empty(r->op)) {
		fputs("  - Operation:\n\n", f);
		code_block(f, r->op, "    ");
		fputs("\n", f);
	}
	fputs("  - Result", f);
	if (res != NULL) {
		fprintf(f, " (%s)", hms(res->ts_ms, ref, t, sizeof(t)));
	}
	fputs(": ", f);
	outcome(f, res);
	fputs("\n", f);
}

static void
pm_timeline(FILE *f, const struct incident_info *inc,
	    const struct journal_rec *recs, size_t n)
{
	size_t *idx = time_order(recs, n);
	char t[32];
	size_t i;

	fputs("## Timeline (all times UTC)\n\n", f);
	for (i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[idx[i]];

		if (intent_of(r, recs, n) != NULL) {
			continue;       /* shown with its intent */
		}
		fprintf(f, "- %s — ", hms(r->ts_ms, inc->declared_ms, t,
					  sizeof(t)));
		if (r->kind == TL_ACTION_INTENT) {
			pm_action(f, r, recs, n, inc->declared_ms);
			continue;
		}
		describe(f, r);
		fputs("\n", f);
	}
	fputs("\n", f);
	free(idx);
}

static void
pm_root_cause(FILE *f, const struct journal_rec *recs, size_t n)
{
	size_t i, shown = 0;

	fputs("## Root Cause\n\n" BLANK ": what caused the incident, why it "
	      "happened, and the contributing factors.\n\n", f);
	for (i = 0; i < n; i++) {
		if (recs[i].kind != TL_FINDING_OPEN) {
			continue;
		}
		if (shown++ == 0) {
			fputs("Findings raised during the incident (starting "
			      "points, not conclusions):\n\n", f);
		}
		fputs("- ", f);
		describe(f, &recs[i]);
		fputs("\n", f);
	}
	if (shown > 0) {
		fputs("\n", f);
	}
}

static void
pm_resolution(FILE *f, const struct incident_info *inc,
	      const struct journal_rec *recs, size_t n)
{
	const struct incident_status_change *c;
	size_t i, k = 0;
	char t[32];

	fputs("## Resolution\n\n", f);
	for (i = 0; i < n; i++) {
		char *text;

		if (recs[i].kind != TL_ACTION_INTENT) {
			continue;
		}
		if (k++ == 0) {
			fputs("Actions taken:\n\n", f);
		}
		text = first_line(recs[i].text);
		fprintf(f, "%zu. %s: ", k, text);
		free(text);
		outcome(f, journal_find_result(recs, n, recs[i].seq));
		fputs("\n", f);
	}
	if (k > 0) {
		fputs("\n", f);
	}
	for (i = inc->n_history; i-- > 0;) {
		c = &inc->history[i];
		if (c->to == INCIDENT_RESOLVED && c->from != c->to) {
			fprintf(f, "Marked resolved at %s UTC",
				hms(c->at_ms, inc->declared_ms, t, sizeof(t)));
			put_by(f, " ", c->who);
			fputs(".\n\n", f);
			break;
		}
	}
	fputs(BLANK ": how the incident was resolved and how the fix was "
	      "verified.\n\n", f);
}

static void
pm_action_items(FILE *f, const struct journal_rec *recs, size_t n)
{
	size_t i;

	fputs("## Action Items\n\n", f);
	for (i = 0; i < n; i++) {
		char *text;

		if (recs[i].kind != TL_ACTION_INTENT ||
		    journal_find_result(recs, n, recs[i].seq) != NULL) {
			continue;
		}
		text = first_line(recs[i].text);
		fprintf(f, "- [ ] Confirm the outcome of \"%s\" (no result "
			"was recorded) — Owner — Due date\n", text);
		free(text);
	}
	fputs("- [ ] " BLANK " — Owner — Due date\n", f);
	fputs("- [ ] " BLANK " — Owner — Due date\n\n", f);
}

int
export_postmortem(const struct incident_info *inc,
		  const struct journal_rec *recs, size_t n, FILE *out)
{
	pm_header(out, inc);
	pm_summary(out, inc);
	pm_impact(out, inc, recs, n);
	pm_timeline(out, inc, recs, n);
	pm_root_cause(out, recs, n);
	pm_resolution(out, inc, recs, n);
	pm_action_items(out, recs, n);
	fputs("## Lessons Learned\n\n", out);
	fputs("### What went well\n\n- " BLANK "\n\n", out);
	fputs("### What could be improved\n\n- " BLANK "\n", out);
	fflush(out);
	return ferror(out) ? -1 : 0;
}

/* ---- status update ----------------------------------------------------- */

/* The changes after since_ms up to now_ms, one line each, after bullet. */
static void
changes(FILE *f, const struct incident_info *inc,
	const struct journal_rec *recs, size_t n, int64_t since_ms,
	int64_t now_ms, const char *bullet)
{
	const struct journal_rec *r, *intent;
	size_t *idx = time_order(recs, n);
	size_t i, shown = 0;
	char t[32];

	for (i = 0; i < n; i++) {
		r = &recs[idx[i]];
		intent = intent_of(r, recs, n);
		if (r->ts_ms <= since_ms || r->ts_ms > now_ms ||
		    !newsworthy(r)) {
			continue;
		}
		if (intent != NULL && intent->ts_ms > since_ms) {
			continue;       /* shown with its intent */
		}
		shown++;
		fprintf(f, "%s%s UTC ", bullet, hm(r->ts_ms, now_ms, t,
						   sizeof(t)));
		if (r->kind == TL_ACTION_INTENT) {
			char *text = first_line(r->text);
			const struct journal_rec *res;

			/* A result written after now_ms is not news yet. */
			res = journal_find_result(recs, n, r->seq);
			if (res != NULL && res->ts_ms > now_ms) {
				res = NULL;
			}
			fprintf(f, "Action: %s: ", text);
			free(text);
			if (res == NULL && r->ts_ms <= now_ms &&
			    inc->status != INCIDENT_RESOLVED) {
				fputs("in progress or outcome unknown", f);
			} else {
				outcome(f, res);
			}
		} else {
			describe(f, r);
		}
		fputs("\n", f);
	}
	if (shown == 0) {
		fprintf(f, "%sNo changes or actions since then.\n", bullet);
	}
	free(idx);
}

static void
impact_line(FILE *f, const struct incident_info *inc)
{
	fputs("Impact: ", f);
	if (empty(inc->impact)) {
		fputs("(to be filled in)", f);
	} else {
		put(f, inc->impact);
	}
	fputs("\n", f);
}

static void
next_update(FILE *f, const struct incident_info *inc, int64_t now_ms,
	    const char *label)
{
	char t[32], s[32];

	if (inc->status == INCIDENT_RESOLVED) {
		fprintf(f, "%s: none (resolved). The post-mortem will be "
			"published within 48 hours.\n", label);
	} else if (inc->update_every_ms <= 0) {
		fprintf(f, "%s: as needed\n", label);
	} else {
		fprintf(f, "%s: %s UTC (in %s)\n", label,
			hm(now_ms + inc->update_every_ms, now_ms, t, sizeof(t)),
			span(inc->update_every_ms, s, sizeof(s)));
	}
}

static void
status_slack(FILE *f, const struct incident_info *inc,
	     const struct journal_rec *recs, size_t n, int64_t since_ms,
	     int64_t now_ms)
{
	const char *sev = incident_sev_name(inc->severity);
	char t[32], s[32];

	if (inc->status == INCIDENT_RESOLVED) {
		fprintf(f, "✅ [%s INCIDENT] Resolved: ", sev);
	} else if (inc->n_updates == 0) {
		fprintf(f, "🚨 [%s INCIDENT] ", sev);
	} else {
		fprintf(f, "📊 [%s INCIDENT] Update #%d: ", sev,
			inc->n_updates + 1);
	}
	put(f, inc->title);
	fputs("\n\n", f);
	fprintf(f, "Incident ID: %s\n", inc->id);
	fprintf(f, "Status: %s\n", incident_status_name(inc->status));
	fprintf(f, "Severity: %s\n", sev);
	fprintf(f, "Started: %s UTC\n",
		hm(inc->declared_ms, now_ms, t, sizeof(t)));
	if (inc->status == INCIDENT_RESOLVED && inc->resolved_ms > 0) {
		fprintf(f, "Duration: %s\n",
			span(inc->resolved_ms - inc->declared_ms, s,
			     sizeof(s)));
	} else {
		fprintf(f, "Elapsed: %s\n",
			span(now_ms - inc->declared_ms, s, sizeof(s)));
	}
	impact_line(f, inc);
	fputs("Incident Commander: ", f);
	put(f, inc->commander);
	fputs("\n\n", f);
	if (since_ms <= inc->declared_ms) {
		fprintf(f, "Since the incident was declared (%s UTC):\n",
			hm(inc->declared_ms, now_ms, t, sizeof(t)));
	} else {
		fprintf(f, "Since the last update (%s UTC):\n",
			hm(since_ms, now_ms, t, sizeof(t)));
	}
	changes(f, inc, recs, n, since_ms, now_ms, "• ");
	fputs("\n", f);
	next_update(f, inc, now_ms, "Next update");
}

static void
status_email(FILE *f, const struct incident_info *inc,
	     const struct journal_rec *recs, size_t n, int64_t since_ms,
	     int64_t now_ms)
{
	const char *sev = incident_sev_name(inc->severity);
	char t[32], s[32];

	/* sanitize() escapes CR and LF, so a title cannot add headers. */
	if (inc->status == INCIDENT_RESOLVED) {
		fprintf(f, "Subject: [%s] Resolved - ", sev);
		put(f, inc->title);
	} else {
		fprintf(f, "Subject: [%s] Production Incident - ", sev);
		put(f, inc->title);
		if (inc->n_updates > 0) {
			fprintf(f, " - Update #%d", inc->n_updates + 1);
		}
	}
	fputs("\n\n", f);
	fprintf(f, "Incident ID: %s\n", inc->id);
	fprintf(f, "Severity: %s\n", sev);
	fprintf(f, "Status: %s\n", incident_status_name(inc->status));
	fprintf(f, "Started: %s UTC\n",
		ymdhm(inc->declared_ms, t, sizeof(t)));
	if (inc->status == INCIDENT_RESOLVED && inc->resolved_ms > 0) {
		fprintf(f, "Resolved: %s UTC\n",
			ymdhm(inc->resolved_ms, t, sizeof(t)));
		fprintf(f, "Duration: %s\n",
			span(inc->resolved_ms - inc->declared_ms, s,
			     sizeof(s)));
	} else {
		fprintf(f, "Elapsed: %s\n",
			span(now_ms - inc->declared_ms, s, sizeof(s)));
	}
	impact_line(f, inc);
	fputs("\n", f);
	if (since_ms <= inc->declared_ms) {
		fputs("Actions and changes since the incident was declared:\n",
		      f);
	} else {
		fprintf(f, "Actions and changes since the last update (%s "
			"UTC):\n", hm(since_ms, now_ms, t, sizeof(t)));
	}
	changes(f, inc, recs, n, since_ms, now_ms, "- ");
	fputs("\n", f);
	next_update(f, inc, now_ms, "Next Update");
	fputs("\nIncident Commander: ", f);
	put(f, inc->commander);
	fputs("\n", f);
}

int
export_status_update(const struct incident_info *inc,
		     const struct journal_rec *recs, size_t n,
		     int64_t since_ms, int64_t now_ms, enum export_format fmt,
		     FILE *out)
{
	if (fmt == EXPORT_EMAIL) {
		status_email(out, inc, recs, n, since_ms, now_ms);
	} else {
		status_slack(out, inc, recs, n, since_ms, now_ms);
	}
	fflush(out);
	return ferror(out) ? -1 : 0;
}

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
