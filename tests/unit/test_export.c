/* Tests for the post-incident report and status-update exports of a
 * hand-written journal: golden files under tests/fixtures compared byte
 * for byte (WARROOM_UPDATE_GOLDEN=1 rewrites them), the milestones, the
 * peaks, honest outcomes, what stakeholders are not told, sanitizing, and
 * the Slack payload. The demo incident's goldens are test_record.c's. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/export.h"
#include "core/xalloc.h"
#include "tests/unit/golden_fixture.h"

#define MIN (60 * 1000LL)
/* 2026-11-22 10:00:00 UTC. */
#define T0 1795341600000LL
#define AT(h, m, s) (T0 + ((h) - 10) * 3600000LL + (m) * MIN + (s) * 1000LL)

static struct journal_rec recs[48];
static size_t n_recs;
static struct incident_status_change history[5];
static struct incident_info info;

static struct journal_rec *
add(int64_t ts, enum tl_kind kind, const char *who, const char *source,
    const char *text)
{
	struct journal_rec *r = &recs[n_recs];

	cr_assert_lt(n_recs, sizeof(recs) / sizeof(recs[0]));
	journal_rec_init(r);
	r->v = 1;
	r->seq = ++n_recs;
	r->ts_ms = ts;
	r->kind = kind;
	r->incident = (char *)"INC-20261122-001";
	r->who = (char *)who;
	r->source = (char *)source;
	r->text = (char *)text;
	r->detail = (char *)"";
	return r;
}

/* A finding record: key, subject, level, value and limit. */
static struct journal_rec *
finding(int64_t ts, enum tl_kind kind, const char *source, const char *key,
	const char *subject, const char *level, double value, double limit,
	const char *unit, const char *text)
{
	struct journal_rec *r = add(ts, kind, "", source, text);

	r->key = (char *)key;
	r->subject = (char *)subject;
	r->level = (char *)level;
	r->value = value;
	r->limit = limit;
	r->unit = (char *)unit;
	return r;
}

static void
status(int64_t ts, const char *text, const char *to)
{
	struct journal_rec *r = add(ts, TL_STATUS, "alice", "", text);

	r->event = (char *)"status";
	r->status = (char *)to;
}

static struct journal_rec *
intent(int64_t ts, const char *source, const char *action, bool mitigation,
       const char *target, const char *op, const char *text)
{
	struct journal_rec *r = add(ts, TL_ACTION_INTENT,
				    "alice (ssh 10.0.0.5)", source, text);

	r->action = (char *)action;
	r->target = (char *)target;
	r->op = (char *)op;
	r->mitigation = mitigation ? 1 : 0;
	return r;
}

static void
result(int64_t ts, const struct journal_rec *in, const char *outcome,
       const char *res, const char *text)
{
	struct journal_rec *r = add(ts, TL_ACTION_RESULT,
				    "alice (ssh 10.0.0.5)", in->source, text);

	r->action = in->action;
	r->target = in->target;
	r->result = (char *)res;
	r->outcome = (char *)outcome;
	r->ok = strcmp(outcome, "ok") == 0;
	r->intent_seq = in->seq;
}

/* The journal of a P2 raised to P1: a migration's lock pile-up and the
 * 5xx ratio it caused, a node's load high all along, a silence, a
 * cancelled pattern delete, warroom killed once (an action without a
 * result), resolved at 11:05 with Redis still evicting. */
static void
scenario(void)
{
	struct journal_rec *r, *in;

	n_recs = 0;
	r = add(AT(10, 0, 0), TL_INFO, "alice (ssh 10.0.0.5)", "",
		"Declared INC-20261122-001: Checkout API returning 500 errors");
	r->event = (char *)"declare";
	r->title = (char *)"Checkout API returning 500 errors";
	r->severity = (char *)"P2";
	r->status = (char *)"Investigating";
	r->commander = (char *)"alice";
	r->detail = (char *)"Severity P2, commander alice";
	/* There when warroom first looked: not the start. */
	r = finding(AT(10, 0, 2), TL_FINDING_OPEN, "prometheus.main",
		    "metric:node load:node-7", "node load [node-7]", "warn",
		    9.1, 8, "none", "node load [node-7] 9.1 > 8 (warn)");
	r->preexisting = true;
	r = finding(AT(10, 0, 2), TL_ALERT_OPEN, "alertmanager.main",
		    "alert:abc123", "alert HighErrorRate", "crit", NAN, NAN,
		    "none", "alert HighErrorRate firing (critical)");
	r->since_ms = AT(9, 57, 30);
	r = finding(AT(10, 2, 10), TL_FINDING_OPEN, "postgres.main",
		    "pg-blocked:4242", "sessions blocked behind pid 4242",
		    "warn", 3, NAN, "none", "3 sessions blocked behind pid "
		    "4242, idle in transaction for 2m05s, longest wait 6.1 s");
	r->since_ms = AT(10, 2, 4);
	finding(AT(10, 3, 0), TL_FINDING_OPEN, "prometheus.main",
		"metric:5xx ratio:checkout", "5xx ratio [checkout]", "warn",
		0.0157, 0.01, "ratio", "5xx ratio [checkout] 1.57 % > 1 % "
		"(warn)");
	r = add(AT(10, 4, 0), TL_SEVERITY, "alice", "", "Severity: P2 -> P1");
	r->event = (char *)"severity";
	r->severity = (char *)"P1";
	r = add(AT(10, 5, 0), TL_INFO, "alice", "",
		"About 20% of checkout requests fail");
	r->event = (char *)"impact";
	finding(AT(10, 6, 0), TL_FINDING_SEV, "prometheus.main",
		"metric:5xx ratio:checkout", "5xx ratio [checkout]", "crit",
		0.088, 0.05, "ratio", "warn -> crit: 5xx ratio [checkout] "
		"8.8 % > 5 % (crit)");
	finding(AT(10, 7, 0), TL_FINDING_SEV, "postgres.main",
		"pg-blocked:4242", "sessions blocked behind pid 4242", "crit",
		7, 5, "none", "warn -> crit: 7 sessions blocked behind pid "
		"4242, idle in transaction for 7m, longest wait 5m; 7 "
		"sessions waiting in all >= 5");
	status(AT(10, 8, 12), "Status: Investigating -> Identified",
	       "Identified");
	add(AT(10, 9, 0), TL_NOTE, "alice", "",
	    "root cause: the orders migration left its transaction open "
	    "\x1b[31m(sic)");
	in = intent(AT(10, 9, 30), "alertmanager.main", "silence", false,
		    "alert HighErrorRate", "POST /api/v2/silences "
		    "{alertname=\"HighErrorRate\"}", "Silence alert on alert "
		    "HighErrorRate");
	result(AT(10, 9, 31), in, "ok", "silence 3f0c2e1a-8d1b-4b7a-9c5e-"
	       "0d6f7a8b9c01 created for HighErrorRate until 12:09",
	       "Silence alert on alert HighErrorRate: ok");
	finding(AT(10, 9, 32), TL_ALERT_STATE, "alertmanager.main",
		"alert:abc123", "alert HighErrorRate", "crit", NAN, NAN,
		"none", "alert HighErrorRate firing (critical), silenced");
	r = add(AT(10, 10, 0), TL_INFO, "alice", "",
		"Status update #1 sent (slack)");
	r->event = (char *)"update";
	r->detail = (char *)"the text that was sent";
	status(AT(10, 12, 30), "Status: Identified -> Mitigating",
	       "Mitigating");
	in = intent(AT(10, 12, 41), "postgres.main", "terminate", true,
		    "pid 4242 (migrate)", "SELECT pg_terminate_backend(4242);"
		    "\n-- `migrate` started 09:40:02, holds ACCESS EXCLUSIVE",
		    "Terminate session on pid 4242 (migrate)");
	result(AT(10, 12, 42), in, "ok", "pg_terminate_backend returned true",
	       "Terminate session on pid 4242 (migrate): ok");
	r = finding(AT(10, 12, 48), TL_FINDING_CLOSE, "postgres.main",
		    "pg-blocked:4242", "sessions blocked behind pid 4242",
		    "crit", 0, 5, "none", "cleared: no session waits behind "
		    "pid 4242, which has ended (0 waiting for locks in all) "
		    "(open 10m38s; worst: 7 sessions blocked behind pid "
		    "4242)");
	r->peak = 7;
	add(AT(10, 15, 0), TL_SOURCE_DOWN, "", "redis.cache",
	    "redis.cache down: connection refused (127.0.0.1:6379)");
	add(AT(10, 15, 40), TL_SOURCE_UP, "", "redis.cache",
	    "redis.cache up (down for 40s)");
	finding(AT(10, 16, 0), TL_FINDING_OPEN, "redis.cache",
		"redis-evicting", "keys evicted per second", "crit", 90000,
		1000, "per_second", "evicting keys at 90k/s > 1.0k/s "
		"(maxmemory-policy allkeys-lru, 2.4M since the server "
		"started)");
	in = intent(AT(10, 16, 5), "redis.cache", "client-kill", true,
		    "id=7 addr=10.0.3.4:5123", "CLIENT KILL ID 7",
		    "Kill client on id=7 addr=10.0.3.4:5123");
	r = add(AT(10, 20, 0), TL_INFO, "alice", "",
		"Resumed INC-20261122-001 by alice");
	r->event = (char *)"resume";
	r->detail = (char *)"journal: a torn last line (41 bytes) was moved "
		    "to INC-20261122-001.jsonl.torn";
	in = intent(AT(10, 22, 0), "redis.cache", "delete-keys", true,
		    "cache:*", "SCAN 0 MATCH cache:* + UNLINK",
		    "Delete keys by pattern on cache:*");
	result(AT(10, 23, 0), in, "cancelled", "cancelled after deleting "
	       "40000 of ~120000 keys matching cache:*",
	       "Delete keys by pattern on cache:*: cancelled");
	r = finding(AT(10, 40, 0), TL_FINDING_CLOSE, "prometheus.main",
		    "metric:5xx ratio:checkout", "5xx ratio [checkout]", "warn",
		    0.004, 0.01, "ratio", "cleared: 5xx ratio [checkout] "
		    "0.4 % (open 37m; worst: 5xx ratio [checkout] 8.8 % > 5 % "
		    "(crit))");
	r->peak = 0.088;
	r = finding(AT(10, 41, 0), TL_ALERT_CLOSE, "alertmanager.main",
		    "alert:abc123", "alert HighErrorRate", "crit", NAN, NAN,
		    "none", "resolved: alert HighErrorRate no longer firing");
	status(AT(10, 45, 0), "Status: Mitigating -> Monitoring",
	       "Monitoring");
	r = finding(AT(11, 4, 59), TL_INFO, "redis.cache", "redis-evicting",
		    "keys evicted per second", "crit", 12000, 1000,
		    "per_second", "still open at resolution: evicting keys at "
		    "12k/s > 1.0k/s (open since 2026-11-22 10:16:00Z)");
	r->event = (char *)"still-open";
	r->peak = 95000;
	status(AT(11, 5, 0), "Status: Monitoring -> Resolved", "Resolved");

	memset(&info, 0, sizeof(info));
	strcpy(info.id, "INC-20261122-001");
	strcpy(info.title, "Checkout API returning 500 errors");
	info.severity = INCIDENT_P1;
	info.declared_severity = INCIDENT_P2;
	info.status = INCIDENT_RESOLVED;
	strcpy(info.commander, "alice");
	strcpy(info.impact, "About 20% of checkout requests fail");
	info.declared_ms = AT(10, 0, 0);
	info.resolved_ms = AT(11, 5, 0);
	info.last_update_ms = AT(10, 10, 0);
	info.n_updates = 1;
	info.update_every_ms = 30 * MIN;
	info.response_ms = 60 * MIN;
	info.lookback_ms = 30 * MIN;
	history[0] = (struct incident_status_change){ INCIDENT_INVESTIGATING,
		INCIDENT_INVESTIGATING, AT(10, 0, 0), "alice" };
	history[1] = (struct incident_status_change){ INCIDENT_INVESTIGATING,
		INCIDENT_IDENTIFIED, AT(10, 8, 12), "alice" };
	history[2] = (struct incident_status_change){ INCIDENT_IDENTIFIED,
		INCIDENT_MITIGATING, AT(10, 12, 30), "alice" };
	history[3] = (struct incident_status_change){ INCIDENT_MITIGATING,
		INCIDENT_MONITORING, AT(10, 45, 0), "alice" };
	history[4] = (struct incident_status_change){ INCIDENT_MONITORING,
		INCIDENT_RESOLVED, AT(11, 5, 0), "alice" };
	info.history = history;
	info.n_history = 5;
}

/* The same incident at 10:42, while Mitigating: only what was written by
 * then. */
static void
scenario_at_1042(void)
{
	size_t i;

	scenario();
	for (i = 0; i < n_recs && recs[i].ts_ms <= AT(10, 42, 0); i++) {
	}
	n_recs = i;
	info.status = INCIDENT_MITIGATING;
	info.resolved_ms = 0;
	info.n_history = 3;
}

TestSuite(export, .init = scenario);

static struct export_related related[] = {
	{ "INC-20261115-002", "Checkout slow", "P2", AT(10, 0, 0) -
	  7 * 24 * 60 * MIN, "same finding: sessions blocked behind pid 977 "
	  "on postgres.main" },
};

static char *
render_pm(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_eq(export_postmortem(&info, recs, n_recs, related, 1, f),
		     0);
	fclose(f);
	return buf;
}

static char *
render_update(int64_t since, int64_t now, enum export_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_eq(export_status_update(&info, recs, n_recs, since, now, fmt,
					  f), 0);
	fclose(f);
	return buf;
}

Test(export, postmortem_matches_golden)
{
	char *pm = render_pm();

	golden_check("postmortem.md", pm);
	free(pm);
}

Test(export, status_slack_matches_golden)
{
	char *s;

	scenario_at_1042();
	s = render_update(info.last_update_ms, AT(10, 42, 0), EXPORT_SLACK);
	golden_check("status-slack.txt", s);
	free(s);
}

Test(export, status_email_matches_golden)
{
	char *s;

	scenario_at_1042();
	s = render_update(info.last_update_ms, AT(10, 42, 0), EXPORT_EMAIL);
	golden_check("status-email.txt", s);
	free(s);
}

Test(export, exports_are_pure)
{
	char *a = render_pm(), *b = render_pm();

	cr_assert_str_eq(a, b);
	free(a);
	free(b);
}

/* Runbook 004's post-incident report, section by section. */
Test(export, postmortem_has_the_template_sections_in_order)
{
	static const char *const sections[] = {
		"# Post-Incident Report: INC-20261122-001 — ",
		"## Incident Summary", "- **Root Cause**: ", "## Timeline",
		"## Root Cause Analysis", "### What Happened",
		"### Why It Happened", "### Contributing Factors",
		"## Impact Analysis", "## Actions Taken", "### Mitigations",
		"## What Went Well", "## What Didn't Go Well",
		"## Action Items", "## Lessons Learned", "## Related Incidents",
		"## Appendix: Event Log",
	};
	char *pm = render_pm(), *at = pm, *next;
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		next = strstr(at, sections[i]);
		cr_assert_not_null(next, "missing or out of order: %s",
				   sections[i]);
		at = next;
	}
	free(pm);
}

/* Started is the first sign that began within the lookback and was not
 * there all along (the node's load was); the times count from it. */
Test(export, milestones_and_the_times_between_them)
{
	char *pm = render_pm();

	cr_assert_not_null(strstr(pm, "- **Started** 09:57:30 — Alert "
				  "(alertmanager.main): alert HighErrorRate "
				  "firing (critical)\n"), "%s", pm);
	cr_assert_not_null(strstr(pm, "- **Detected** 09:57:30 — "));
	cr_assert_not_null(strstr(pm, "- **Declared** 10:00:00 — Incident "
				  "declared by alice (ssh 10.0.0.5)"));
	cr_assert_not_null(strstr(pm, "- **Acknowledged** 10:04:00 — "
				  "Severity: P2 -> P1, by alice\n"));
	cr_assert_not_null(strstr(pm, "- **Identified** 10:08:12 — Status: "
				  "Investigating -> Identified"));
	cr_assert_not_null(strstr(pm, "- **Mitigated** 10:12:42 — Terminate "
				  "session on pid 4242 (migrate)"));
	cr_assert_not_null(strstr(pm, "- **Resolved** 11:05:00 — Status: "
				  "Monitoring -> Resolved, by alice\n"));
	cr_assert_not_null(strstr(pm, "- Time to detect: < 1 min\n"
				  "- Time to mitigate: 15 min\n"
				  "- Time to resolve: 1 h 07 min\n"), "%s", pm);
	cr_assert_not_null(strstr(pm, "- **Duration**: 1 h 07 min of impact "
				  "(09:57 to 11:05 UTC); declared 10:00, "
				  "resolved 11:05 UTC\n"));
	cr_assert_not_null(strstr(pm, "- **Root Cause**: the orders migration "
				  "left its transaction open \\x1b[31m(sic)"
				  "\n"));
	cr_assert_null(strstr(pm, "**Started** 10:00:02"));
	free(pm);
}

Test(export, impact_has_the_peaks_warroom_measured)
{
	char *pm = render_pm();

	cr_assert_not_null(strstr(pm, "  - 5xx ratio [checkout] "
				  "(prometheus.main): worst 8.8 % "
				  "(threshold 5 %), 10:03 to 10:40 (37 min)"
				  "\n"), "%s", pm);
	cr_assert_not_null(strstr(pm, "  - sessions blocked behind pid 4242 "
				  "(postgres.main): worst 7 (threshold 5), "
				  "10:02 to 10:12 (10 min)\n"), "%s", pm);
	cr_assert_not_null(strstr(pm, "  - keys evicted per second "
				  "(redis.cache): worst 95k/s (threshold "
				  "1.0k/s), 10:16 to 11:05 (49 min); still "
				  "open at resolution\n"), "%s", pm);
	/* There all along: a contributing factor, not the impact. */
	cr_assert_null(strstr(pm, "  - node load"));
	cr_assert_not_null(strstr(pm, "- Already there when warroom first "
				  "looked: prometheus.main: node load "
				  "[node-7] 9.1 > 8 (warn)\n"));
	free(pm);
}

/* Mitigations apart from silences; a cancel is a cancel; an action with
 * no result is an action item. */
Test(export, outcomes_are_honest)
{
	char *pm = render_pm();

	cr_assert_not_null(strstr(pm, "3 mitigations: 1 ok, 0 failed, 1 "
				  "cancelled, 1 outcome unknown.\n"), "%s",
			   pm);
	cr_assert_not_null(strstr(pm, "### Other Actions (silences, status "
				  "posts)\n\n- 10:09:30 — Silence alert on "
				  "alert HighErrorRate, by alice (ssh "
				  "10.0.0.5) on alertmanager.main: ok"));
	cr_assert_not_null(strstr(pm, "Delete keys by pattern on cache:*, "
				  "by alice (ssh 10.0.0.5) on redis.cache: "
				  "cancelled — cancelled after deleting 40000 "
				  "of ~120000 keys matching cache:*\n"));
	cr_assert_not_null(strstr(pm, "1. **[P1] Confirm the outcome of \""
				  "Kill client on id=7 addr=10.0.3.4:5123\" "
				  "(no result was recorded)**"));
	cr_assert_not_null(strstr(pm, "**[P2] Follow up on keys evicted per "
				  "second (redis.cache), still open at "
				  "resolution**"));
	cr_assert_null(strstr(pm, "failed — cancelled"));
	free(pm);
}

Test(export, went_well_is_seeded_from_the_milestones)
{
	char *pm = render_pm();

	cr_assert_not_null(strstr(pm, "- ✓ Quick detection: < 1 min after "
				  "the first sign\n"));
	cr_assert_not_null(strstr(pm, "- ✓ Declared within the P1 response "
				  "target (1 h)\n"));
	cr_assert_not_null(strstr(pm, "- ✓ 1 status update sent\n"));
	cr_assert_not_null(strstr(pm, "- ✗ 1 finding still open at "
				  "resolution"));
	free(pm);
}

Test(export, related_incidents_are_listed)
{
	char *pm = render_pm();

	cr_assert_not_null(strstr(pm, "## Related Incidents\n\n- "
				  "INC-20261115-002 (2026-11-15 10:00, P2): "
				  "Checkout slow — same finding: sessions "
				  "blocked behind pid 977 on postgres.main\n"));
	free(pm);
}

/* The appendix keeps what matters: source flaps and resumes are left
 * out and counted. */
Test(export, event_log_leaves_out_flaps_and_resumes)
{
	char *pm = render_pm();
	char *log = strstr(pm, "## Appendix: Event Log");

	cr_assert_not_null(log);
	cr_assert_not_null(strstr(log, "3 routine entries left out"));
	cr_assert_null(strstr(log, "connection refused"));
	cr_assert_null(strstr(log, "Resumed INC-"));
	cr_assert_not_null(strstr(log, "- 10:12:41 — Action: Terminate "
				  "session on pid 4242 (migrate)"));
	cr_assert_not_null(strstr(log, "    SELECT pg_terminate_backend(4242);"
				  "\n"));
	cr_assert_null(strchr(pm, '\x1b'), "raw ESC reached the export");
	free(pm);
}

Test(export, operation_fence_outgrows_backticks_in_the_operation)
{
	char *pm;
	size_t i;

	for (i = 0; i < n_recs; i++) {
		if (recs[i].action != NULL &&
		    strcmp(recs[i].action, "terminate") == 0 &&
		    recs[i].kind == TL_ACTION_INTENT) {
			recs[i].op = (char *)"SELECT '```' AS fence;";
		}
	}
	pm = render_pm();
	cr_assert_not_null(strstr(pm, "    ````\n    SELECT '```' AS fence;\n"
				  "    ````\n"), "%s", pm);
	free(pm);
}

Test(export, open_incident_postmortem_says_ongoing)
{
	char *pm;

	scenario_at_1042();
	pm = render_pm();
	cr_assert_not_null(strstr(pm, "- **Duration**: ongoing (impact since "
				  "09:57 UTC, declared 10:00 UTC)\n"));
	cr_assert_not_null(strstr(pm, "- **Resolved**: not yet\n"));
	free(pm);
}

/* For stakeholders: sentences, no silences, flaps, ids or notes. */
Test(export, update_tells_what_changed_in_sentences)
{
	char *s;

	scenario_at_1042();
	s = render_update(info.last_update_ms, AT(10, 42, 0), EXPORT_SLACK);
	cr_assert_not_null(strstr(s, "• 10:12 UTC Terminate session on pid "
				  "4242 (migrate): done (pg_terminate_backend "
				  "returned true). After it, sessions blocked "
				  "behind pid 4242 (postgres.main) is back to "
				  "0 (worst 7) at 10:12.\n"), "%s", s);
	cr_assert_not_null(strstr(s, "• 10:22 UTC Delete keys by pattern on "
				  "cache:*: stopped part way (cancelled after "
				  "deleting 40000 of ~120000 keys matching "
				  "cache:*).\n"), "%s", s);
	cr_assert_not_null(strstr(s, "• 10:16 UTC Kill client on id=7 "
				  "addr=10.0.3.4:5123: in progress.\n"));
	cr_assert_not_null(strstr(s, "• 10:40 UTC Cleared: 5xx ratio "
				  "[checkout] (prometheus.main) is back to "
				  "0.4 % (worst 8.8 %).\n"), "%s", s);
	cr_assert_not_null(strstr(s, "• 10:41 UTC The alert HighErrorRate "
				  "stopped firing.\n"));
	cr_assert_not_null(strstr(s, "Still open:\n• redis.cache: evicting "
				  "keys at 90k/s"), "%s", s);
	cr_assert_null(strstr(s, "Silence"));
	cr_assert_null(strstr(s, "3f0c2e1a"), "no ids");
	cr_assert_null(strstr(s, "redis.cache down"), "no flap");
	cr_assert_null(strstr(s, "root cause"), "no notes");
	free(s);
}

Test(export, first_update_is_the_initial_notification)
{
	char *s;

	scenario_at_1042();
	info.n_updates = 0;
	info.last_update_ms = info.declared_ms;
	s = render_update(info.declared_ms, AT(10, 6, 30), EXPORT_SLACK);
	cr_assert_eq(strncmp(s, "🚨 [P1 INCIDENT] Checkout API", 31), 0, "%s",
		     s);
	cr_assert_not_null(strstr(s, "Started: 09:57 UTC\nElapsed: 9 min\n"),
			   "%s", s);
	cr_assert_not_null(strstr(s, "What changed since the incident was "
				  "declared (10:00 UTC):\n• 10:00 UTC The "
				  "alert HighErrorRate began firing "
				  "(critical).\n• 10:02 UTC New on "
				  "postgres.main: 3 sessions blocked"), "%s",
			   s);
	cr_assert_not_null(strstr(s, "• 10:06 UTC Worse on prometheus.main: "
				  "5xx ratio [checkout] 8.8 % > 5 % (crit).\n"),
			   "%s", s);
	cr_assert_not_null(strstr(s, "Next update: 10:36 UTC (in 30 min)\n"));
	/* Nothing after now is news; what was there before is none. */
	cr_assert_null(strstr(s, "Terminate"));
	cr_assert_null(strstr(s, "New on prometheus.main: node load"));
	free(s);
	s = render_update(info.declared_ms, AT(10, 6, 30), EXPORT_EMAIL);
	cr_assert_eq(strncmp(s, "Subject: [P1] Production Incident - Checkout "
			     "API returning 500 errors\n\n", 70), 0, "%s", s);
	free(s);
}

Test(export, resolved_update_is_the_resolution_notice)
{
	char *s = render_update(AT(10, 42, 0), AT(11, 6, 0), EXPORT_SLACK);

	cr_assert_eq(strncmp(s, "✅ [P1 INCIDENT] Resolved: Checkout", 36), 0,
		     "%s", s);
	cr_assert_not_null(strstr(s, "Duration: 1 h 07 min\n"));
	cr_assert_not_null(strstr(s, "Still open at resolution:\n• "
				  "redis.cache: evicting keys at 12k/s"), "%s",
			   s);
	cr_assert_not_null(strstr(s, "Next update: none (resolved)"));
	free(s);
	s = render_update(AT(10, 42, 0), AT(11, 6, 0), EXPORT_EMAIL);
	cr_assert_eq(strncmp(s, "Subject: [P1] Resolved - Checkout API", 37),
		     0, "%s", s);
	cr_assert_not_null(strstr(s, "Resolved: 2026-11-22 11:05 UTC\n"));
	free(s);
}

Test(export, update_without_news_says_so)
{
	char *s;

	scenario_at_1042();
	s = render_update(AT(10, 41, 30), AT(10, 42, 0), EXPORT_EMAIL);
	cr_assert_not_null(strstr(s, "- No change since then.\n"), "%s", s);
	free(s);
}

Test(export, a_title_cannot_add_mail_headers)
{
	char *s;

	scenario_at_1042();
	strcpy(info.title, "Outage\r\nBcc: everyone@example.com");
	s = render_update(info.last_update_ms, AT(10, 42, 0), EXPORT_EMAIL);
	cr_assert_not_null(strstr(s, "Subject: [P1] Production Incident - "
				  "Outage\\x0d\\x0aBcc: everyone@example.com"
				  " - Update #2\n\n"), "%s", s);
	cr_assert_null(strstr(s, "\nBcc:"));
	free(s);
}

Test(export, slack_payload_is_json_text)
{
	char *p = export_slack_payload("line \"one\"\nline two");

	cr_assert_str_eq(p, "{\"text\":\"line \\\"one\\\"\\nline two\"}");
	free(p);
}
