/* The post-incident report, after runbook 004's template: summary,
 * milestones with time to detect, mitigate and resolve, root cause
 * analysis, impact with the peaks warroom measured, actions with their
 * outcomes, what went well and what did not, action items, related
 * incidents, and the filtered event log. Pure: the same arguments always
 * give the same bytes. Any thread. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/export.h"
#include "core/export_internal.h"
#include "core/xalloc.h"

/* A source down for less than this and back is a flap: not in the log. */
#define FLAP_MS (2 * MIN_MS)
/* A detection within this of the start is "quick". */
#define QUICK_DETECT_MS (5 * MIN_MS)

/* ---- one line per record ------------------------------------------------ */

static void
put_by(FILE *f, const char *sep, const char *who)
{
	if (!ex_empty(who)) {
		fputs(sep, f);
		fputs("by ", f);
		ex_put(f, who);
	}
}

static void
put_said(FILE *f, const char *label, const char *who, const char *text)
{
	fputs(label, f);
	put_by(f, " ", who);
	fputs(": ", f);
	ex_put(f, text);
}

/* The records' own texts say what happened ("cleared: ...", "warn ->
 * crit: ...", "resolved: ..."). */
static const char *const kind_labels[TL_KIND_COUNT] = {
	[TL_FINDING_OPEN] = "Finding",
	[TL_FINDING_CLOSE] = "Finding",
	[TL_FINDING_SEV] = "Finding",
	[TL_ALERT_OPEN] = "Alert",
	[TL_ALERT_CLOSE] = "Alert",
	[TL_ALERT_STATE] = "Alert",
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
		ex_put(f, r->text);
		put_by(f, ", ", r->who);
		return;
	case TL_ACTION_RESULT:
		put_said(f, "Result", r->who, r->text);
		return;
	default:
		break;
	}
	if (kind_labels[r->kind] != NULL && r->event == NULL) {
		fputs(kind_labels[r->kind], f);
		if (!ex_empty(r->source)) {
			fputs(" (", f);
			ex_put(f, r->source);
			fputc(')', f);
		}
		fputs(": ", f);
		ex_put(f, r->text);
		if (r->preexisting) {
			fputs(" (there when warroom first looked)", f);
		}
		return;
	}
	if (ex_is_event(r, "declare")) {
		put_said(f, "Incident declared", r->who, r->title);
		fputs(" — ", f);
		ex_put(f, r->severity);
		fputs(", commander ", f);
		ex_put(f, r->commander);
	} else if (ex_is_event(r, "impact")) {
		put_said(f, "Impact stated", r->who, r->text);
	} else if (ex_is_event(r, "security") || ex_is_event(r, "commander") ||
		   ex_is_event(r, "update")) {
		ex_put(f, r->text);
		put_by(f, ", ", r->who);
	} else {
		if (!ex_empty(r->source)) {
			ex_put(f, r->source);
			fputs(": ", f);
		}
		ex_put(f, r->text);
		if (ex_is_event(r, "resume") && !ex_empty(r->detail)) {
			fputs(" — ", f);
			ex_put(f, r->detail);
		}
	}
}

/* "Terminate session on pid 4242, by alice on postgres.main: ok — ..." */
static void
put_action(FILE *f, const struct journal_rec *r, const struct journal_rec *res)
{
	char *text = ex_first_line(r->text);

	fputs(text, f);
	free(text);
	put_by(f, ", ", r->who);
	if (!ex_empty(r->source)) {
		fputs(" on ", f);
		ex_put(f, r->source);
	}
	fputs(": ", f);
	ex_put_outcome(f, res);
}

/* ---- sections ------------------------------------------------------------ */

static void
pm_summary(FILE *f, const struct incident_info *inc,
	   const struct journal_rec *recs, size_t n, const struct ex_story *s)
{
	char a[32], b[32], c[32], d[32], e[32];
	size_t i, causes = 0;

	fputs("# Post-Incident Report: ", f);
	fputs(inc->id, f);
	fputs(" — ", f);
	ex_put(f, inc->title);
	fputs("\n\n## Incident Summary\n\n", f);
	ex_ymdhm(inc->declared_ms, a, sizeof(a));
	a[10] = '\0';
	fprintf(f, "- **Date**: %s\n", a);
	if (s->resolved > 0) {
		fprintf(f, "- **Duration**: %s of impact (%s to %s UTC); "
			"declared %s, resolved %s UTC\n",
			ex_span(s->resolved - s->origin, a, sizeof(a)),
			ex_hm(s->origin, s->origin, b, sizeof(b)),
			ex_hm(s->resolved, s->origin, c, sizeof(c)),
			ex_hm(s->declared, s->origin, d, sizeof(d)),
			ex_hm(s->resolved, s->origin, e, sizeof(e)));
	} else {
		fprintf(f, "- **Duration**: ongoing (impact since %s UTC, "
			"declared %s UTC)\n",
			ex_hm(s->origin, s->origin, a, sizeof(a)),
			ex_hm(s->declared, s->origin, b, sizeof(b)));
	}
	fprintf(f, "- **Severity**: %s", incident_sev_name(inc->severity));
	if (inc->declared_severity != inc->severity) {
		fprintf(f, " (declared %s)",
			incident_sev_name(inc->declared_severity));
	}
	fprintf(f, "%s\n", inc->security ? ", security incident" : "");
	fprintf(f, "- **Status**: %s\n", incident_status_name(inc->status));
	fputs("- **Incident Commander**: ", f);
	ex_put(f, inc->commander);
	fputs("\n- **Impact**: ", f);
	if (ex_empty(inc->impact)) {
		fputs(BLANK, f);
	} else {
		ex_put(f, inc->impact);
	}
	fputs("\n- **Root Cause**: ", f);
	for (i = 0; i < n; i++) {
		const char *rc = ex_root_cause(&recs[i]);

		if (rc != NULL) {
			fputs(causes++ ? "; " : "", f);
			ex_put(f, rc);
		}
	}
	fputs(causes == 0 ? BLANK " (a note \"root cause: ...\" fills "
	      "it)\n\n" : "\n\n", f);
}

static void
milestone(FILE *f, const char *name, int64_t at, int64_t ref,
	  const struct journal_rec *by, const struct journal_rec *recs,
	  size_t n, const char *none)
{
	char t[32];

	fprintf(f, "- **%s**", name);
	if (at <= 0) {
		fprintf(f, ": %s\n", none);
		return;
	}
	fprintf(f, " %s — ", ex_hms(at, ref, t, sizeof(t)));
	if (by == NULL) {
		fputs("\n", f);
	} else if (by->kind == TL_ACTION_INTENT) {
		put_action(f, by, ex_result_of(by, recs, n));
		fputs("\n", f);
	} else {
		describe(f, by);
		fputs("\n", f);
	}
}

static void
since_start(FILE *f, const char *what, int64_t at, const struct ex_story *s)
{
	char a[32];

	fprintf(f, "- Time to %s: ", what);
	if (at <= 0) {
		fputs("not recorded\n", f);
		return;
	}
	fprintf(f, "%s\n", ex_span(at - s->origin, a, sizeof(a)));
}

static void
pm_timeline(FILE *f, const struct incident_info *inc,
	    const struct journal_rec *recs, size_t n, const struct ex_story *s)
{
	const struct journal_rec *decl = NULL;
	char a[32], b[32];
	size_t i;

	for (i = 0; i < n && decl == NULL; i++) {
		if (ex_is_event(&recs[i], "declare")) {
			decl = &recs[i];
		}
	}
	fputs("## Timeline\n\nAll times UTC. Started is when the first sign "
	      "began: the first finding or alert that opened after the "
	      "declaration or in the ", f);
	fprintf(f, "%s before it, not a condition there when warroom first "
		"looked.\n\n", ex_span(inc->lookback_ms, a, sizeof(a)));
	milestone(f, "Started", s->started, s->origin, s->started_by, recs, n,
		  "no finding or alert marks it; the times below count from "
		  "the declaration");
	milestone(f, "Detected", s->detected, s->origin, s->detected_by, recs,
		  n, "not recorded");
	milestone(f, "Declared", s->declared, s->origin, decl, recs, n,
		  "not recorded");
	milestone(f, "Acknowledged", s->acknowledged, s->origin,
		  s->acknowledged_by, recs, n, "no operator entry after the "
		  "declaration");
	milestone(f, "Identified", s->identified, s->origin, s->identified_by,
		  recs, n, "not recorded (status Identified, or a note "
		  "\"root cause: ...\")");
	milestone(f, "Mitigated", s->mitigated, s->origin, s->mitigated_by,
		  recs, n, "no mitigation succeeded from warroom");
	milestone(f, "Resolved", s->resolved, s->origin, s->resolved_by, recs,
		  n, "not yet");
	fputs("\n", f);
	since_start(f, "detect", s->detected, s);
	since_start(f, "mitigate", s->mitigated, s);
	since_start(f, "resolve", s->resolved, s);
	if (s->detected > 0 && s->declared >= s->detected) {
		fprintf(f, "- Declared %s after detection (response target "
			"for %s: %s)\n",
			ex_span(s->declared - s->detected, a, sizeof(a)),
			incident_sev_name(inc->severity),
			ex_target(inc->response_ms, b, sizeof(b)));
	}
	fputs("\n", f);
}

static void
pm_analysis(FILE *f, const struct journal_rec *recs, size_t n,
	    const struct ex_finding *v, size_t k, const struct ex_story *s)
{
	char t[32];
	size_t i, shown = 0, before = 0;

	fputs("## Root Cause Analysis\n\n### What Happened\n\n", f);
	for (i = 0; i < n; i++) {
		const char *rc = ex_root_cause(&recs[i]);

		if (rc != NULL) {
			fputs("- ", f);
			ex_put(f, rc);
			fputs("\n", f);
		}
	}
	fputs("- " BLANK "\n\n", f);
	for (i = 0; i < k; i++) {
		if (v[i].alert || ex_preexisting(&v[i])) {
			before += !v[i].alert && ex_preexisting(&v[i]);
			continue;
		}
		if (shown++ == 0) {
			fputs("What warroom found, in order (starting points, "
			      "not conclusions):\n\n", f);
		}
		fprintf(f, "- %s ", ex_hm(v[i].open->ts_ms, s->origin, t,
					  sizeof(t)));
		ex_put(f, v[i].open->source);
		fputs(": ", f);
		ex_put(f, v[i].open->text);
		fputs("\n", f);
	}
	if (shown > 0) {
		fputs("\n", f);
	}
	fputs("### Why It Happened\n\n- " BLANK "\n\n"
	      "### Contributing Factors\n\n", f);
	for (i = 0; before > 0 && i < k; i++) {
		if (!v[i].alert && ex_preexisting(&v[i])) {
			fputs("- Already there when warroom first looked: ",
			      f);
			ex_put(f, v[i].open->source);
			fputs(": ", f);
			ex_put(f, v[i].open->text);
			fputs("\n", f);
		}
	}
	fputs("- " BLANK "\n\n", f);
}

/* One finding's peak: "- 5xx ratio [api] (prometheus.main): worst 8.8 %
 * (threshold 5 %), open 10:02 to 10:40 (38 min)". */
static void
peak_line(FILE *f, const struct ex_finding *x, const struct ex_story *s)
{
	char a[48], b[48], t1[32], t2[32], d[32];
	int64_t end = x->close != NULL ? x->close->ts_ms : s->resolved;

	fputs("  - ", f);
	ex_put_subject(f, x);
	fputs(" (", f);
	ex_put(f, x->open->source);
	fputs("): ", f);
	if (x->alert) {
		fputs("fired", f);
	} else if (!isnan(x->peak)) {
		fprintf(f, "worst %s", ex_value(x, x->peak, a, sizeof(a)));
		if (!isnan(x->peak_limit)) {
			fprintf(f, " (threshold %s)",
				ex_value(x, x->peak_limit, b, sizeof(b)));
		}
	} else {
		fputs(x->worst == HEALTH_CRIT ? "critical" : "warning", f);
	}
	fprintf(f, ", %s", ex_hm(x->began_ms, s->origin, t1, sizeof(t1)));
	if (end > 0) {
		fprintf(f, " to %s (%s)", ex_hm(end, s->origin, t2, sizeof(t2)),
			ex_span(end - x->began_ms, d, sizeof(d)));
	}
	if (x->close == NULL) {
		fputs(s->resolved > 0 ? "; still open at resolution" :
		      "; still open", f);
	}
	fputs("\n", f);
}

static void
pm_impact(FILE *f, const struct incident_info *inc,
	  const struct ex_finding *v, size_t k, const struct ex_story *s)
{
	size_t i, shown = 0;
	int pass;

	fputs("## Impact Analysis\n\n- **Customer Impact**: ", f);
	if (ex_empty(inc->impact)) {
		fputs(BLANK, f);
	} else {
		ex_put(f, inc->impact);
	}
	fputs("\n- **Measured by warroom** (the worst each reached; what "
	      "was there before the incident left out):\n", f);
	/* Critical first, then warnings, each in order of opening. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < k; i++) {
			const struct ex_finding *x = &v[i];

			if ((x->worst == HEALTH_CRIT) != (pass == 0) ||
			    ex_preexisting(x) ||
			    (s->started > 0 && x->close != NULL &&
			     x->close->ts_ms < s->started)) {
				continue;
			}
			peak_line(f, x, s);
			shown++;
		}
	}
	if (shown == 0) {
		fputs("  - nothing crossed a threshold\n", f);
	}
	fputs("- **Affected users**: " BLANK "\n", f);
	fputs("- **Revenue Impact**: " BLANK "\n", f);
	fputs("- **Reputation Impact**: " BLANK "\n\n", f);
}

static void
pm_actions(FILE *f, const struct journal_rec *recs, size_t n,
	   const struct ex_story *s)
{
	size_t i, k = 0, other = 0, notes = 0;
	size_t ok = 0, failed = 0, cancelled = 0, unknown = 0;
	bool block = false;     /* the last item ended with a code block */
	char t[32];

	fputs("## Actions Taken\n\n### Mitigations\n\n", f);
	for (i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[i], *res;
		const char *o;

		if (r->kind != TL_ACTION_INTENT || !ex_is_mitigation(r)) {
			continue;
		}
		res = ex_result_of(r, recs, n);
		o = ex_outcome(res);
		ok += o != NULL && strcmp(o, "ok") == 0;
		cancelled += o != NULL && strcmp(o, "cancelled") == 0;
		failed += o != NULL && strcmp(o, "failed") == 0;
		unknown += o == NULL;
		fprintf(f, "%zu. %s — ", ++k, ex_hms(r->ts_ms, s->origin, t,
						     sizeof(t)));
		put_action(f, r, res);
		fputs("\n", f);
		block = !ex_empty(r->op);
		if (block) {
			fputs("   - Operation:\n\n", f);
			ex_code_block(f, r->op, "     ");
			fputs("\n", f);
		}
	}
	if (k == 0) {
		fputs("No action that changes a system was taken from "
		      "warroom.\n\n", f);
	} else {
		fprintf(f, "%s%zu mitigation%s: %zu ok, %zu failed, %zu "
			"cancelled, %zu outcome unknown.\n\n", block ? "" : "\n",
			k,
			k == 1 ? "" : "s", ok, failed, cancelled, unknown);
	}
	for (i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[i];

		if (r->kind != TL_ACTION_INTENT || ex_is_mitigation(r)) {
			continue;
		}
		if (other++ == 0) {
			fputs("### Other Actions (silences, status posts)\n\n",
			      f);
		}
		fprintf(f, "- %s — ", ex_hms(r->ts_ms, s->origin, t,
					     sizeof(t)));
		put_action(f, r, ex_result_of(r, recs, n));
		fputs("\n", f);
	}
	if (other > 0) {
		fputs("\n", f);
	}
	for (i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[i];

		if (r->kind != TL_NOTE) {
			continue;
		}
		if (notes++ == 0) {
			fputs("### Notes\n\n", f);
		}
		fprintf(f, "- %s — ", ex_hms(r->ts_ms, s->origin, t,
					     sizeof(t)));
		ex_put(f, r->who);
		fputs(": ", f);
		ex_put(f, r->text);
		fputs("\n", f);
	}
	if (notes > 0) {
		fputs("\n", f);
	}
}

static size_t
count_updates(const struct journal_rec *recs, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		k += ex_is_event(&recs[i], "update");
	}
	return k;
}

static void
pm_went(FILE *f, const struct incident_info *inc,
	const struct journal_rec *recs, size_t n, const struct ex_finding *v,
	size_t k, const struct ex_story *s)
{
	char a[32], b[32];
	size_t i, updates = count_updates(recs, n), open = 0;
	int64_t target = inc->response_ms;

	fputs("## What Went Well\n\n", f);
	if (s->started > 0 && s->detected > 0 &&
	    s->detected - s->started <= QUICK_DETECT_MS) {
		fprintf(f, "- ✓ Quick detection: %s after the first sign\n",
			ex_span(s->detected - s->started, a, sizeof(a)));
	}
	if (s->detected > 0 && target != INCIDENT_NEXT_BUSINESS_DAY &&
	    s->declared - s->detected <= target) {
		fprintf(f, "- ✓ Declared within the %s response target (%s)\n",
			incident_sev_name(inc->severity),
			ex_target(target, a, sizeof(a)));
	}
	if (s->mitigated > 0 && s->identified > 0) {
		fprintf(f, "- ✓ Mitigated %s after it was identified\n",
			ex_span(s->mitigated > s->identified ?
				s->mitigated - s->identified : 0, a,
				sizeof(a)));
	}
	if (updates > 0) {
		fprintf(f, "- ✓ %zu status update%s sent\n", updates,
			updates == 1 ? "" : "s");
	}
	fputs("- ✓ " BLANK "\n\n## What Didn't Go Well\n\n", f);
	if (s->detected > 0 && target != INCIDENT_NEXT_BUSINESS_DAY &&
	    s->declared - s->detected > target) {
		fprintf(f, "- ✗ Declared %s after detection, past the %s "
			"response target (%s)\n",
			ex_span(s->declared - s->detected, a, sizeof(a)),
			incident_sev_name(inc->severity),
			ex_target(target, b, sizeof(b)));
	}
	for (i = 0; i < k; i++) {
		open += v[i].close == NULL && !v[i].alert &&
			!ex_preexisting(&v[i]);
	}
	if (open > 0 && s->resolved > 0) {
		fprintf(f, "- ✗ %zu finding%s still open at resolution (see "
			"Impact Analysis)\n", open, open == 1 ? "" : "s");
	}
	if (updates == 0 && inc->update_every_ms > 0) {
		fputs("- ✗ No status update was sent\n", f);
	}
	fputs("- ✗ " BLANK "\n\n", f);
}

static void
item(FILE *f, size_t *k, const char *prio, const char *fmt_head)
{
	fprintf(f, "%zu. **[%s] %s", ++*k, prio, fmt_head);
}

static void
pm_items(FILE *f, const struct journal_rec *recs, size_t n,
	 const struct ex_finding *v, size_t nv, const struct ex_story *s)
{
	size_t i, k = 0;
	const char *owner = "** (Owner: " BLANK ", Due: " BLANK ")\n";

	fputs("## Action Items\n\n", f);
	for (i = 0; i < n; i++) {
		char *text;

		if (recs[i].kind != TL_ACTION_INTENT ||
		    ex_result_of(&recs[i], recs, n) != NULL) {
			continue;
		}
		text = ex_first_line(recs[i].text);
		item(f, &k, "P1", "Confirm the outcome of \"");
		fputs(text, f);
		fputs("\" (no result was recorded)", f);
		fputs(owner, f);
		free(text);
	}
	if (s->detected_by != NULL && !s->detected_by->preexisting &&
	    s->detected_by->kind == TL_FINDING_OPEN) {
		item(f, &k, "P1", "Alert on ");
		ex_put(f, !ex_empty(s->detected_by->subject) ?
		       s->detected_by->subject : s->detected_by->text);
		fputs(": warroom's finding came before any alert", f);
		fputs(owner, f);
	}
	for (i = 0; i < nv && s->resolved > 0; i++) {
		if (v[i].close != NULL || v[i].alert ||
		    ex_preexisting(&v[i])) {
			continue;
		}
		item(f, &k, "P2", "Follow up on ");
		ex_put_subject(f, &v[i]);
		fputs(" (", f);
		ex_put(f, v[i].open->source);
		fputs("), still open at resolution", f);
		fputs(owner, f);
	}
	item(f, &k, "P?", BLANK);
	fputs(owner, f);
	fputs("\n## Lessons Learned\n\n- " BLANK "\n\n", f);
}

static void
pm_related(FILE *f, const struct export_related *rel, size_t n,
	   int64_t ref)
{
	char d[32];
	size_t i;

	fputs("## Related Incidents\n\n", f);
	if (n == 0) {
		fputs("- No earlier incident in this journal directory shares "
		      "a source or a finding.\n\n", f);
		return;
	}
	for (i = 0; i < n; i++) {
		fprintf(f, "- %s (%s, %s): ", rel[i].id,
			ex_ymdhm(rel[i].declared_ms, d, sizeof(d)),
			rel[i].severity);
		ex_put(f, rel[i].title);
		fputs(" — ", f);
		ex_put(f, rel[i].why);
		fputs("\n", f);
	}
	(void)ref;
	fputs("\n", f);
}

/* ---- the appendix ---------------------------------------------------- */

/* Whether r is a source going down (or back) within FLAP_MS of its
 * other half. */
static bool
is_flap(const struct journal_rec *recs, size_t n, size_t at)
{
	const struct journal_rec *r = &recs[at];
	size_t i;

	if (r->kind != TL_SOURCE_DOWN && r->kind != TL_SOURCE_UP) {
		return false;
	}
	for (i = 0; i < n; i++) {
		const struct journal_rec *o = &recs[i];
		int64_t d = o->ts_ms - r->ts_ms;

		if (o->source == NULL || r->source == NULL ||
		    strcmp(o->source, r->source) != 0) {
			continue;
		}
		if (r->kind == TL_SOURCE_DOWN && o->kind == TL_SOURCE_UP &&
		    d >= 0 && d < FLAP_MS) {
			return true;
		}
		if (r->kind == TL_SOURCE_UP && o->kind == TL_SOURCE_DOWN &&
		    d <= 0 && -d < FLAP_MS) {
			return true;
		}
	}
	return false;
}

static void
pm_appendix(FILE *f, const struct journal_rec *recs, size_t n,
	    const struct ex_story *s)
{
	size_t *idx = ex_time_order(recs, n);
	size_t i, left = 0;
	char t[32];

	for (i = 0; i < n; i++) {
		left += is_flap(recs, n, i) || ex_is_event(&recs[i], "resume");
	}
	fputs("## Appendix: Event Log\n\nAll times UTC. ", f);
	if (left > 0) {
		fprintf(f, "%zu routine entr%s left out (sources down and back "
			"within 2 min, resumes of the journal).\n\n", left,
			left == 1 ? "y" : "ies");
	} else {
		fputs("Nothing left out.\n\n", f);
	}
	for (i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[idx[i]];

		if (ex_intent_of(r, recs, n) != NULL ||
		    is_flap(recs, n, idx[i]) || ex_is_event(r, "resume")) {
			continue;
		}
		fprintf(f, "- %s — ", ex_hms(r->ts_ms, s->origin, t,
					     sizeof(t)));
		if (r->kind != TL_ACTION_INTENT) {
			describe(f, r);
			fputs("\n", f);
			continue;
		}
		fputs("Action: ", f);
		put_action(f, r, ex_result_of(r, recs, n));
		fputs("\n", f);
		if (!ex_empty(r->target)) {
			fputs("  - Target: ", f);
			ex_put(f, r->target);
			fputs("\n", f);
		}
		if (!ex_empty(r->op)) {
			fputs("  - Operation:\n\n", f);
			ex_code_block(f, r->op, "    ");
			fputs("\n", f);
		}
	}
	free(idx);
}

int
export_postmortem(const struct incident_info *inc,
		  const struct journal_rec *recs, size_t n,
		  const struct export_related *related, size_t n_related,
		  FILE *out)
{
	struct ex_finding *v;
	struct ex_story s;
	size_t k;

	ex_story(inc, recs, n, &s);
	k = ex_findings(recs, n, &v);
	pm_summary(out, inc, recs, n, &s);
	pm_timeline(out, inc, recs, n, &s);
	pm_analysis(out, recs, n, v, k, &s);
	pm_impact(out, inc, v, k, &s);
	pm_actions(out, recs, n, &s);
	pm_went(out, inc, recs, n, v, k, &s);
	pm_items(out, recs, n, v, k, &s);
	pm_related(out, related, n_related, s.origin);
	pm_appendix(out, recs, n, &s);
	free(v);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
