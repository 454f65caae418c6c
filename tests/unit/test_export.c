/* Tests for the post-mortem and status-update exports: golden files under
 * tests/fixtures compared byte for byte (WARROOM_UPDATE_GOLDEN=1 rewrites
 * them), sanitizing, and the Slack payload. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/export.h"
#include "core/xalloc.h"

#define MIN (60 * 1000LL)
/* 2026-11-22 10:00:00 UTC. */
#define T0 1795341600000LL
#define AT(h, m, s) (T0 + ((h) - 10) * 3600000LL + (m) * MIN + (s) * 1000LL)

static struct journal_rec recs[24];
static size_t n_recs;
static struct incident_status_change history[5];
static struct incident_info info;

static struct journal_rec *
add(int64_t ts, enum tl_kind kind, const char *who, const char *source,
    const char *text)
{
	struct journal_rec *r = &recs[n_recs];

	memset(r, 0, sizeof(*r));
	r->v = 1;
	r->seq = ++n_recs;
	r->ts_ms = ts;
	r->kind = kind;
	r->ok = JOURNAL_OK_UNSET;
	r->incident = (char *)"INC-20261122-001";
	r->who = (char *)who;
	r->source = (char *)source;
	r->text = (char *)text;
	r->detail = (char *)"";
	return r;
}

static void
status(int64_t ts, const char *text, const char *to)
{
	struct journal_rec *r = add(ts, TL_STATUS, "alice", "", text);

	r->event = (char *)"status";
	r->status = (char *)to;
}

/* The journal of a P2 raised to P1, resolved after 65 minutes; warroom
 * was killed once, leaving one action without a result. */
static void
scenario(void)
{
	struct journal_rec *r;

	n_recs = 0;
	r = add(AT(10, 0, 0), TL_INFO, "alice (ssh 10.0.0.5)", "",
		"Declared INC-20261122-001: Checkout API returning 500 errors");
	r->event = (char *)"declare";
	r->title = (char *)"Checkout API returning 500 errors";
	r->severity = (char *)"P2";
	r->status = (char *)"Investigating";
	r->commander = (char *)"alice";
	r->detail = (char *)"Severity P2, commander alice";
	add(AT(9, 57, 30), TL_ALERT_OPEN, "", "alertmanager.main",
	    "HighErrorRate: 5xx rate 7.2% on checkout-api");
	add(AT(10, 2, 10), TL_FINDING_OPEN, "", "postgres.main",
	    "3 sessions blocked > 30 s by pid 4242");
	r = add(AT(10, 4, 0), TL_SEVERITY, "alice", "", "Severity: P2 -> P1");
	r->event = (char *)"severity";
	r->severity = (char *)"P1";
	r = add(AT(10, 5, 0), TL_INFO, "alice", "",
		"About 20% of checkout requests fail");
	r->event = (char *)"impact";
	status(AT(10, 8, 12), "Status: Investigating -> Identified",
	       "Identified");
	add(AT(10, 9, 0), TL_NOTE, "alice", "",
	    "pid 4242 is a migration holding ACCESS EXCLUSIVE on orders "
	    "\x1b[31m(sic)");
	r = add(AT(10, 10, 0), TL_INFO, "alice", "",
		"Status update #1 sent (slack)");
	r->event = (char *)"update";
	r->detail = (char *)"the text that was sent";
	status(AT(10, 12, 30), "Status: Identified -> Mitigating",
	       "Mitigating");
	r = add(AT(10, 12, 41), TL_ACTION_INTENT, "alice (ssh 10.0.0.5)",
		"postgres.main", "Terminate session on pid=4242");
	r->action = (char *)"terminate";
	r->target = (char *)"pid=4242 start=1795340402000000";
	r->op = (char *)"SELECT pg_terminate_backend(4242);\n"
		"-- `migrate` started 09:40:02, holds ACCESS EXCLUSIVE";
	r = add(AT(10, 12, 42), TL_ACTION_RESULT, "alice (ssh 10.0.0.5)",
		"postgres.main", "terminate on pid=4242: ok");
	r->action = (char *)"terminate";
	r->result = (char *)"pg_terminate_backend returned true";
	r->ok = 1;
	r->intent_seq = 10;
	add(AT(10, 15, 0), TL_SOURCE_DOWN, "", "redis.cache",
	    "connection refused (127.0.0.1:6379)");
	r = add(AT(10, 16, 5), TL_ACTION_INTENT, "alice (ssh 10.0.0.5)",
		"redis.cache", "Client kill on id=7 addr=10.0.3.4:5123");
	r->action = (char *)"client-kill";
	r->target = (char *)"id=7 addr=10.0.3.4:5123";
	r->op = (char *)"CLIENT KILL ID 7";
	r = add(AT(10, 20, 0), TL_INFO, "alice", "",
		"Resumed INC-20261122-001 by alice");
	r->event = (char *)"resume";
	r->detail = (char *)"journal: ignored a torn last line (41 bytes) at "
		    "line 14";
	add(AT(10, 21, 0), TL_SOURCE_UP, "", "redis.cache", "back");
	add(AT(10, 25, 0), TL_FINDING_CLOSE, "", "postgres.main",
	    "3 sessions blocked > 30 s by pid 4242");
	add(AT(10, 26, 0), TL_ALERT_CLOSE, "", "alertmanager.main",
	    "HighErrorRate");
	status(AT(10, 31, 0), "Status: Mitigating -> Monitoring",
	       "Monitoring");
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
	history[0] = (struct incident_status_change){ INCIDENT_INVESTIGATING,
		INCIDENT_INVESTIGATING, AT(10, 0, 0), "alice" };
	history[1] = (struct incident_status_change){ INCIDENT_INVESTIGATING,
		INCIDENT_IDENTIFIED, AT(10, 8, 12), "alice" };
	history[2] = (struct incident_status_change){ INCIDENT_IDENTIFIED,
		INCIDENT_MITIGATING, AT(10, 12, 30), "alice" };
	history[3] = (struct incident_status_change){ INCIDENT_MITIGATING,
		INCIDENT_MONITORING, AT(10, 31, 0), "alice" };
	history[4] = (struct incident_status_change){ INCIDENT_MONITORING,
		INCIDENT_RESOLVED, AT(11, 5, 0), "alice" };
	info.history = history;
	info.n_history = 5;
}

/* The same incident at 10:40, while Monitoring. */
static void
scenario_at_1040(void)
{
	scenario();
	info.status = INCIDENT_MONITORING;
	info.resolved_ms = 0;
	info.n_history = 4;
}

TestSuite(export, .init = scenario);

static char *
render_pm(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_eq(export_postmortem(&info, recs, n_recs, f), 0);
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

static void
golden(const char *name, const char *actual)
{
	const char *src = getenv("WARROOM_SOURCE_DIR");
	char path[512], out[256];
	char *expect = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_not_null(src, "WARROOM_SOURCE_DIR is not set");
	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", src, name);
	if (getenv("WARROOM_UPDATE_GOLDEN") != NULL) {
		f = fopen(path, "w");
		cr_assert_not_null(f, "%s", path);
		fputs(actual, f);
		fclose(f);
		cr_log_warn("rewrote %s", path);
		return;
	}
	f = fopen(path, "r");
	cr_assert_not_null(f, "missing golden file %s", path);
	expect = xmalloc(65536);
	len = fread(expect, 1, 65535, f);
	expect[len] = '\0';
	fclose(f);
	if (strcmp(expect, actual) != 0) {
		snprintf(out, sizeof(out), "/tmp/%s.actual", name);
		f = fopen(out, "w");
		if (f != NULL) {
			fputs(actual, f);
			fclose(f);
		}
		cr_assert_fail("%s differs from the golden file; see diff -u "
			       "%s %s", name, path, out);
	}
	free(expect);
}

Test(export, postmortem_matches_golden)
{
	char *pm = render_pm();

	golden("postmortem.md", pm);
	free(pm);
}

Test(export, status_slack_matches_golden)
{
	char *s;

	scenario_at_1040();
	s = render_update(info.last_update_ms, AT(10, 40, 0), EXPORT_SLACK);
	golden("status-slack.txt", s);
	free(s);
}

Test(export, status_email_matches_golden)
{
	char *s;

	scenario_at_1040();
	s = render_update(info.last_update_ms, AT(10, 40, 0), EXPORT_EMAIL);
	golden("status-email.txt", s);
	free(s);
}

Test(export, exports_are_pure)
{
	char *a = render_pm(), *b = render_pm();

	cr_assert_str_eq(a, b);
	free(a);
	free(b);
}

Test(export, postmortem_has_every_section_in_order)
{
	static const char *const sections[] = {
		"# Post-Mortem: ", "## Summary", "## Impact",
		"## Timeline (all times UTC)", "## Root Cause", "## Resolution",
		"## Action Items", "## Lessons Learned",
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

Test(export, timeline_is_in_time_order_and_escapes_controls)
{
	char *pm = render_pm();
	char *alert = strstr(pm, "- 09:57:30 — Alert firing");
	char *declared = strstr(pm, "- 10:00:00 — Incident declared");

	cr_assert_not_null(alert);
	cr_assert_not_null(declared);
	cr_assert_lt(alert, declared, "older imported entries come first");
	cr_assert_null(strchr(pm, '\x1b'), "raw ESC reached the export");
	cr_assert_not_null(strstr(pm, "\\x1b[31m(sic)"));
	free(pm);
}

Test(export, unknown_outcome_is_said_and_becomes_an_action_item)
{
	char *pm = render_pm();

	cr_assert_not_null(strstr(pm, "  - Result: outcome unknown (no "
				  "result was recorded)\n"));
	cr_assert_not_null(strstr(pm, "- [ ] Confirm the outcome of \"Client "
				  "kill on id=7 addr=10.0.3.4:5123\""));
	cr_assert_not_null(strstr(pm, "- Mitigation actions: 2 (1 ok, 0 "
				  "failed, 1 outcome unknown)"));
	free(pm);
}

Test(export, operation_fence_outgrows_backticks_in_the_operation)
{
	char *pm;

	recs[9].op = (char *)"SELECT '```' AS fence;";
	pm = render_pm();
	cr_assert_not_null(strstr(pm, "    ````\n    SELECT '```' AS fence;\n"
				  "    ````\n"), "%s", pm);
	free(pm);
}

Test(export, open_incident_postmortem_says_ongoing)
{
	char *pm;

	scenario_at_1040();
	pm = render_pm();
	cr_assert_not_null(strstr(pm, "**Duration:** ongoing (declared 10:00 "
				  "UTC)"));
	cr_assert_not_null(strstr(pm, "- Duration: ongoing\n"));
	cr_assert_null(strstr(pm, "Marked resolved"));
	free(pm);
}

Test(export, first_update_is_the_initial_notification)
{
	char *s;

	scenario_at_1040();
	info.n_updates = 0;
	info.last_update_ms = info.declared_ms;
	s = render_update(info.declared_ms, AT(10, 6, 0), EXPORT_SLACK);
	cr_assert_eq(strncmp(s, "🚨 [P1 INCIDENT] Checkout API", 31), 0, "%s",
		     s);
	cr_assert_not_null(strstr(s, "Since the incident was declared (10:00 "
				  "UTC):\n• 10:02 UTC Finding"), "%s", s);
	cr_assert_not_null(strstr(s, "Next update: 10:36 UTC (in 30 min)\n"));
	/* Nothing after now is news. */
	cr_assert_null(strstr(s, "Terminate"));
	free(s);
	s = render_update(info.declared_ms, AT(10, 6, 0), EXPORT_EMAIL);
	cr_assert_eq(strncmp(s, "Subject: [P1] Production Incident - Checkout "
			     "API returning 500 errors\n\n", 70), 0, "%s", s);
	free(s);
}

Test(export, resolved_update_is_the_resolution_notice)
{
	char *s = render_update(AT(10, 40, 0), AT(11, 6, 0), EXPORT_SLACK);

	cr_assert_eq(strncmp(s, "✅ [P1 INCIDENT] Resolved: Checkout", 36), 0,
		     "%s", s);
	cr_assert_not_null(strstr(s, "Duration: 1 h 05 min\n"));
	cr_assert_not_null(strstr(s, "Next update: none (resolved)"));
	free(s);
	s = render_update(AT(10, 40, 0), AT(11, 6, 0), EXPORT_EMAIL);
	cr_assert_eq(strncmp(s, "Subject: [P1] Resolved - Checkout API", 37),
		     0, "%s", s);
	cr_assert_not_null(strstr(s, "Resolved: 2026-11-22 11:05 UTC\n"));
	free(s);
}

Test(export, update_without_news_says_so)
{
	char *s;

	scenario_at_1040();
	s = render_update(AT(10, 35, 0), AT(10, 40, 0), EXPORT_EMAIL);
	cr_assert_not_null(strstr(s, "- No changes or actions since then.\n"));
	free(s);
}

Test(export, a_title_cannot_add_mail_headers)
{
	char *s;

	scenario_at_1040();
	strcpy(info.title, "Outage\r\nBcc: everyone@example.com");
	s = render_update(info.last_update_ms, AT(10, 40, 0), EXPORT_EMAIL);
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
