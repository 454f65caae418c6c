/* Exports of an incident: the Markdown post-mortem and status updates
 * (Slack text, email) drafted from the runbooks' templates. Pure functions
 * of their arguments (no clock, no environment), so the output of a given
 * record and journal is always the same bytes. Any thread; they write only
 * to the FILE given (use open_memstream() for a string). */
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

/* The post-mortem: summary, impact, timeline in UTC, root cause,
 * resolution, action items, lessons learned; pre-filled from inc and recs
 * (the incident's journal records, file order), with "_(to be filled
 * in)_" where only a person knows. Every string from outside passes
 * through sanitize(). Returns 0, or -1 when writing to out failed. */
int export_postmortem(const struct incident_info *inc,
		      const struct journal_rec *recs, size_t n, FILE *out);

/* A status update as of now_ms: status, impact, what happened after
 * since_ms (status and severity changes, actions with their results,
 * notes, findings, alerts, sources) and when the next update is due
 * (now_ms + inc->update_every_ms). The first update (inc->n_updates == 0)
 * is the initial notification; a resolved incident gets the resolution
 * notice. Returns 0, or -1 when writing to out failed. */
int export_status_update(const struct incident_info *inc,
			 const struct journal_rec *recs, size_t n,
			 int64_t since_ms, int64_t now_ms,
			 enum export_format fmt, FILE *out);

/* The body of a Slack incoming-webhook POST for text: {"text":"..."}.
 * The caller frees it. Posting is left to the HTTP layer: the webhook URL
 * is a secret, never logged, never in an error message, never default. */
char *export_slack_payload(const char *text);

#endif
