/* What the exports share (core/export.c, export_postmortem.c,
 * export_update.c): safe writers, times, and what the record says happened
 * -- the milestones of the incident, the findings with their peaks, the
 * actions with their outcomes. Included by those files only. Pure
 * functions: any thread. */
#ifndef WARROOM_EXPORT_INTERNAL_H
#define WARROOM_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/export.h"
#include "core/timeline.h"

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)

#define BLANK "_(to be filled in)_"

/* ---- writing ---- */

/* Writes outside text made safe: controls and escapes become visible. */
void ex_put(FILE *f, const char *s);
bool ex_empty(const char *s);
/* "10:25:03" / "10:25", or with the date when not on ref's day; UTC. */
const char *ex_hms(int64_t ms, int64_t ref, char *buf, size_t n);
const char *ex_hm(int64_t ms, int64_t ref, char *buf, size_t n);
/* "2026-11-22 10:25". */
const char *ex_ymdhm(int64_t ms, char *buf, size_t n);
/* "45 min", "1 h 05 min", "2 d 3 h", "< 1 min". */
const char *ex_span(int64_t ms, char *buf, size_t n);
/* "15 min", "1 h", "next business day". */
const char *ex_target(int64_t ms, char *buf, size_t n);
/* s (may hold newlines) as an indented fenced code block. */
void ex_code_block(FILE *f, const char *s, const char *indent);
/* The first line of s, sanitized, into a new string. */
char *ex_first_line(const char *s);
bool ex_is_event(const struct journal_rec *r, const char *name);
/* The indexes of recs in time order (file order among equal times); the
 * caller frees it. */
size_t *ex_time_order(const struct journal_rec *recs, size_t n);

/* ---- actions ---- */

/* The result of intent r, or NULL. */
const struct journal_rec *ex_result_of(const struct journal_rec *r,
				       const struct journal_rec *recs,
				       size_t n);
/* The intent of result r, or NULL. */
const struct journal_rec *ex_intent_of(const struct journal_rec *r,
				       const struct journal_rec *recs,
				       size_t n);
/* Whether intent r changes a system (older journals: any action but a
 * silence or a status post). */
bool ex_is_mitigation(const struct journal_rec *r);
/* "ok", "failed", "cancelled", or NULL without a result. */
const char *ex_outcome(const struct journal_rec *res);
/* "ok — terminated", "cancelled — after 40000 of 120000 keys",
 * "outcome unknown (no result was recorded)". */
void ex_put_outcome(FILE *f, const struct journal_rec *res);

/* ---- findings ---- */

/* One finding (or alert) of the record from its opening to its close. */
struct ex_finding {
	const struct journal_rec *open;         /* its opening record */
	const struct journal_rec *last;         /* its latest record */
	const struct journal_rec *close;        /* or NULL: still open */
	bool alert;
	enum health worst;
	double peak;            /* the worst value seen, NAN */
	double peak_limit;      /* the threshold it was compared to then */
	bool lower_is_worse;
	int64_t began_ms;       /* the condition's start, else its opening */
};

/* The findings and alerts the record holds, in order of opening; the
 * caller frees the array. */
size_t ex_findings(const struct journal_rec *recs, size_t n,
		   struct ex_finding **out);
/* "5xx ratio [api]": what a finding measures (its subject, else its text). */
void ex_put_subject(FILE *f, const struct ex_finding *x);
/* What the finding says now (or said last): its latest record's text
 * without "warn -> crit: " or "still open at resolution: ", into a new
 * sanitized string. */
char *ex_latest_text(const struct ex_finding *x);
/* Whether its opening was a condition there when warroom first looked. */
bool ex_preexisting(const struct ex_finding *x);
/* "8.8 %" in the finding's unit; "" when it has no number. */
const char *ex_value(const struct ex_finding *x, double v, char *buf,
		     size_t n);

/* ---- the milestones ---- */

struct ex_story {
	/* When the impact began: the condition start of the first finding
	 * or alert that opened after the declaration or within the
	 * lookback before it, not one there when warroom first looked;
	 * 0 unknown. */
	int64_t started;
	const struct journal_rec *started_by;
	int64_t detected;       /* the first signal: an alert, a finding */
	const struct journal_rec *detected_by;
	int64_t declared;
	int64_t acknowledged;   /* the first operator entry after it */
	const struct journal_rec *acknowledged_by;
	int64_t identified;     /* status Identified, or a root cause note */
	const struct journal_rec *identified_by;
	int64_t mitigated;      /* the first mitigation that succeeded */
	const struct journal_rec *mitigated_by;
	int64_t resolved;       /* the last change to Resolved */
	const struct journal_rec *resolved_by;
	int64_t origin;         /* started, else declared */
};

void ex_story(const struct incident_info *inc, const struct journal_rec *recs,
	      size_t n, struct ex_story *out);

/* A "root cause: ..." note's text after the prefix, or NULL. */
const char *ex_root_cause(const struct journal_rec *r);

#endif
