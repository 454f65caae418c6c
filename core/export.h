/* Exports of an incident: the Markdown post-incident report and status
 * updates (Slack text, email), following the runbooks' templates. Pure
 * functions of their arguments (no clock, no environment), so the output
 * of a given record and journal is always the same bytes. Any thread; they
 * write only to the FILE given (use open_memstream() for a string). */
#ifndef WARROOM_EXPORT_H
#define WARROOM_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/incident.h"
#include "core/journal.h"

enum export_format {
	EXPORT_SLACK,           /* Slack mrkdwn text for a channel */
	EXPORT_EMAIL,           /* "Subject: ..." line, blank line, body */
};

/* An earlier incident that shares a source or a finding with this one
 * (incident_related()). */
struct export_related {
	char id[24];
	char title[128];
	char severity[4];
	int64_t declared_ms;
	char why[192];          /* "same finding: ... on postgres.main" */
};

/* The post-incident report (runbook 004's template): summary with the
 * root cause ("root cause:" notes), the milestone timeline (started,
 * detected, declared, acknowledged, identified, mitigated, resolved) with
 * time to detect, mitigate and resolve, root cause analysis and impact
 * with the peaks warroom measured, the actions taken with their outcomes
 * (mitigations apart from silences and notes), what went well seeded from
 * the milestones, action items with a priority, related incidents, and
 * the event log, filtered to what matters, in an appendix. Blanks
 * ("_(to be filled in)_") where only a person knows. recs are the
 * incident's journal records in file order. Every string from outside
 * passes through sanitize(). Returns 0, or -1 when writing to out
 * failed. */
int export_postmortem(const struct incident_info *inc,
		      const struct journal_rec *recs, size_t n,
		      const struct export_related *related, size_t n_related,
		      FILE *out);

/* A status update as of now_ms for stakeholders: status, impact, what
 * changed after since_ms in plain sentences (mitigations and their
 * effect, findings that opened or cleared, status and severity changes;
 * no silences, source flaps or findings that came and went), what is
 * still open, and when the next update is due (now_ms +
 * inc->update_every_ms). The first update (inc->n_updates == 0) is the
 * initial notification; a resolved incident gets the resolution notice.
 * Returns 0, or -1 when writing to out failed. */
int export_status_update(const struct incident_info *inc,
			 const struct journal_rec *recs, size_t n,
			 int64_t since_ms, int64_t now_ms,
			 enum export_format fmt, FILE *out);

/* The body of a Slack incoming-webhook POST for text: {"text":"..."}.
 * The caller frees it. Posting is left to the HTTP layer: the webhook URL
 * is a secret, never logged, never in an error message, never default. */
char *export_slack_payload(const char *text);

#endif
