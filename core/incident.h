/* The incident record: id INC-YYYYMMDD-NNN, severity, status, commander,
 * status-update and escalation timers, and the journal that makes all of it
 * durable. Every function is safe from any thread unless it says otherwise;
 * the ones that wait for the disk say so. */
#ifndef WARROOM_INCIDENT_H
#define WARROOM_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/err.h"
#include "core/journal.h"

struct export_related;
struct rules_open;
struct timeline;
struct tl_entry;

enum incident_sev {
	INCIDENT_P0,            /* critical: outage, data loss, security */
	INCIDENT_P1,
	INCIDENT_P2,
	INCIDENT_P3,
	INCIDENT_SEV_COUNT,
};

enum incident_status {
	INCIDENT_INVESTIGATING,
	INCIDENT_IDENTIFIED,
	INCIDENT_MITIGATING,
	INCIDENT_MONITORING,
	INCIDENT_RESOLVED,
	INCIDENT_STATUS_COUNT,
};

/* "P0".."P3" and "Investigating".."Resolved"; "?" when out of range. */
const char *incident_sev_name(enum incident_sev sev);
const char *incident_status_name(enum incident_status st);
/* "P1", "p1", "SEV-1", "sev1" -> INCIDENT_P1; -1 when unknown. */
int incident_sev_parse(const char *s);
/* Case-insensitive status name -> enum; -1 when unknown. */
int incident_status_parse(const char *s);

/* response_ms value: the end of the next business day (Mon-Fri, UTC). */
#define INCIDENT_NEXT_BUSINESS_DAY (-1)
#define INCIDENT_MAX_ESCALATIONS 8

/* "Escalate to <to> when a <severity> incident is open <after_ms>." */
struct incident_escalation {
	int severity;           /* enum incident_sev, or -1 for any */
	bool security;          /* only for incidents marked security */
	int64_t after_ms;       /* since the declaration */
	char to[48];            /* "engineering manager" */
};

/* The process from the runbooks, every number configurable. */
struct incident_policy {
	/* How soon someone must respond (ms), or INCIDENT_NEXT_BUSINESS_DAY:
	 * P0 15 min, P1 1 h, P2 4 h, P3 next business day. */
	int64_t response_ms[INCIDENT_SEV_COUNT];
	/* Status updates every (ms), 0 for "as needed": P0/P1 30 min, P2
	 * daily, P3 as needed. */
	int64_t update_ms[INCIDENT_SEV_COUNT];
	int64_t update_warn_ms; /* warn this long before an update is due */
	/* P0 past 30 min: engineering manager; P0 past 1 h: CTO; P1 past
	 * 2 h: engineering manager; security incident: CTO. */
	struct incident_escalation escalations[INCIDENT_MAX_ESCALATIONS];
	size_t n_escalations;
	/* How long before the declaration a finding may have opened and
	 * still mark when the incident started (the post-mortem's
	 * "started"): 30 min. */
	int64_t lookback_ms;
	/* Holds that differ from the rules' defaults ("hold.pg-blocked =
	 * 10s"), for the tracker (rules_tracker_set_hold()). */
	struct {
		char rule[32];
		int64_t ms;
	} holds[24];
	size_t n_holds;
};

void incident_policy_default(struct incident_policy *pol);

/* Changes one setting from a config key:
 *   response.p0 .. response.p3   duration ("15m", "1h") or
 *                                "next-business-day"
 *   update.p0 .. update.p3       duration, or "none"
 *   update_warn                  duration
 *   escalations                  "P0 30m engineering manager; P0 1h CTO;
 *                                 P1 2h engineering manager;
 *                                 security 0 CTO" (replaces the list;
 *                                 severity P0-P3, "any" or "security")
 *   lookback                     duration
 *   hold.RULE                    duration, for a rule of rules_hold_name()
 * Returns 0, or -1 with "key: reason" in err (pol unchanged). */
int incident_policy_set(struct incident_policy *pol, const char *key,
			const char *value, struct err *err);

/* When a response is due for an incident of sev that starts at from_ms. */
int64_t incident_response_deadline(const struct incident_policy *pol,
				   enum incident_sev sev, int64_t from_ms);

/* $XDG_STATE_HOME/warroom/incidents, else ~/.local/state/warroom/incidents.
 * The caller frees it. */
char *incident_default_dir(void);
/* "INC-" 8 digits "-" 3 digits, nothing else (so never a path). */
bool incident_id_valid(const char *id);

struct incident_status_change {
	enum incident_status from, to;
	int64_t at_ms;          /* wall ms, UTC */
	char who[128];
};

/* A copy of the record, taken under the incident's lock. */
struct incident_info {
	char id[24];            /* "INC-20261122-001" */
	char title[256];
	enum incident_sev severity;
	enum incident_sev declared_severity;
	enum incident_status status;
	char commander[128];
	char impact[512];       /* as last set, or "" */
	bool security;
	int64_t declared_ms;    /* wall ms, UTC */
	int64_t resolved_ms;    /* wall ms it became Resolved; 0 while open */
	int64_t last_update_ms; /* the last status update sent, else declared */
	int n_updates;          /* status updates sent */
	int64_t update_every_ms;        /* for its severity; 0: as needed */
	int64_t response_ms;    /* target for its severity (policy value) */
	int64_t lookback_ms;    /* the policy's lookback */
	struct incident_status_change *history; /* oldest first; owned */
	size_t n_history;
};

void incident_info_finish(struct incident_info *info);

struct incident;

/* Declares a new incident in dir (created 0700 when missing): takes the
 * next INC-YYYYMMDD-NNN of today (UTC, clock_wall_ms) by scanning dir and
 * creating DIR/ID.jsonl with O_EXCL, so two processes never get one id,
 * and writes the declaration record (waiting for its fsync). commander NULL
 * means $USER; pol NULL means incident_policy_default(). Returns NULL with
 * err set. Blocking I/O: not on the UI thread. */
struct incident *incident_declare(const char *dir, const char *title,
				  enum incident_sev sev, const char *commander,
				  const struct incident_policy *pol,
				  struct err *err);

/* Reopens DIR/ID.jsonl: loads its records, rebuilds the record and appends
 * a "resume" record. A torn last line is moved to DIR/ID.jsonl.torn and
 * the journal cut back to its last whole record (incident_load_report()
 * says so). Blocking I/O: not on the UI thread. */
struct incident *incident_resume(const char *dir, const char *id,
				 const struct incident_policy *pol,
				 struct err *err);

/* Reads DIR/ID.jsonl and writes nothing (reports, exports of a closed
 * incident): fills *info as incident_get() would (release it with
 * incident_info_finish()) and *recs with every valid record in file order
 * (free with journal_recs_free()); rep (may be NULL) as journal_load().
 * pol NULL means incident_policy_default(). Returns 0, or -1 with err set.
 * Blocking I/O. */
int incident_load(const char *dir, const char *id,
		  const struct incident_policy *pol, struct incident_info *info,
		  struct journal_rec **recs, size_t *n,
		  struct journal_load_report *rep, struct err *err);

/* Writes what is queued and frees inc. Detach it from the timeline (or
 * free the timeline) first. Blocking I/O. */
void incident_close(struct incident *inc);

/* The id, valid while inc lives. */
const char *incident_id(const struct incident *inc);
/* Fills *out; release it with incident_info_finish(). */
void incident_get(struct incident *inc, struct incident_info *out);
/* What incident_resume() skipped while loading ("" msg when nothing). */
void incident_load_report(struct incident *inc,
			  struct journal_load_report *out);
/* The journal (owned by inc). */
struct journal *incident_journal(struct incident *inc);
/* journal_healthy() of the incident's journal. */
bool incident_healthy(struct incident *inc, char *msg, size_t n);

/* Record changes. who NULL means actions_who(). Each writes its journal
 * record and waits for its fsync, then applies it; the timeline shows it
 * once it is written, never before. Return 0, or -1 with err set when
 * nothing changed: an unknown value or no change, a journal that failed
 * ("journal write failed: No space left on device"), or a record closed
 * by the resolution (see below). Blocking: not on the UI thread
 * (core/incident_rt queues them on its worker). */
int incident_set_status(struct incident *inc, enum incident_status st,
			const char *who, struct err *err);
int incident_set_severity(struct incident *inc, enum incident_sev sev,
			  const char *who, struct err *err);
int incident_note(struct incident *inc, const char *who, const char *text,
		  struct err *err);
int incident_set_impact(struct incident *inc, const char *who,
			const char *impact, struct err *err);
/* Marks it a security incident (escalates to the CTO by default). */
int incident_set_security(struct incident *inc, const char *who,
			  struct err *err);
int incident_set_commander(struct incident *inc, const char *who,
			   const char *commander, struct err *err);
/* A status update was sent (channel "slack" or "email"; text is what was
 * sent): restarts the update timer. */
int incident_mark_update_sent(struct incident *inc, const char *who,
			      const char *channel, const char *text,
			      struct err *err);
/* Writes a "still-open" record for a finding open when the incident is
 * being resolved (before the status change that resolves it). */
int incident_still_open(struct incident *inc, const struct rules_open *o,
			struct err *err);

/* Once Resolved, the record is closed: only notes (and impact), the
 * status change that reopens it and status updates are written; findings,
 * alerts, sources and actions are not, and a destructive action is
 * refused. */
bool incident_closed(struct incident *inc);

enum incident_timer_state {
	INCIDENT_TIMER_NONE,    /* no update due: P3, or resolved */
	INCIDENT_TIMER_OK,
	INCIDENT_TIMER_WARN,    /* due within policy.update_warn_ms */
	INCIDENT_TIMER_CRIT,    /* due now or overdue */
};

struct incident_escalation_due {
	char key[96];           /* stable id of the rule, journaled */
	char to[48];
	char text[192];         /* "Escalate to CTO: P0 incident open 1 h" */
	int64_t due_ms;         /* wall ms it became due */
	bool new_now;           /* this call emitted it */
};

struct incident_timers {
	int64_t elapsed_ms;     /* since declared; stops at resolution */
	int64_t next_update_ms; /* wall ms the next update is due; 0: none */
	int64_t update_in_ms;   /* next_update_ms - now; < 0 when overdue */
	enum incident_timer_state update_state;
	/* Escalations due so far, in policy order, each emitted once
	 * (journal + timeline prompt) by the first call that finds it due.
	 * A rule whose person was already asked in by another rule is
	 * skipped. */
	size_t n_escalations;
	struct incident_escalation_due escalations[INCIDENT_MAX_ESCALATIONS];
};

/* Evaluates the timers at now_ms (wall ms: pass clock_wall_ms()). Returns
 * how many escalations it emitted now. Never waits (UI thread is fine). */
size_t incident_timers(struct incident *inc, int64_t now_ms,
		       struct incident_timers *out);

/* The action gate. The action worker calls incident_action_intent() before
 * running a confirmed action and waits for the intent's fsync; it returns
 * the intent's seq, or -1 with err set (the journal's failure message, or
 * the closed record's) when it was not written: a destructive action must
 * then not run. After the action, incident_action_result() writes its
 * result linked to the intent (and waits too). op is the exact operation
 * (describe() output), text the intent's line ("Terminate session on pid
 * 4242"). Blocking: the action worker only, never with a lock the writer
 * may need. */
int64_t incident_action_intent(struct incident *inc,
			       const struct action_req *req, const char *op,
			       const char *text, struct err *err);
int incident_action_result(struct incident *inc, int64_t intent_seq,
			   const struct action_req *req,
			   enum action_outcome outcome, const char *result,
			   struct err *err);

/* Timeline wiring. The timeline's recorder (timeline_set_recorder()) is
 * incident_timeline_record(): every entry appended from then on is
 * journaled (queued) and stored in the timeline by the journal's writer
 * once it is on disk, so the timeline holds only what the journal does.
 * incident_attach() stores the records written so far (those loaded by
 * incident_resume() too, with an "outcome unknown" entry for every intent
 * without a result) and journals the n_before entries the timeline held
 * before its recorder was set. Entries of kind TL_ACTION_INTENT /
 * TL_ACTION_RESULT are never journaled from the timeline: the action gate
 * writes them with their full fields. Waits for the disk. */
void incident_attach(struct incident *inc, struct timeline *tl,
		     size_t n_before);
/* A timeline recorder: ctx is the struct incident. Any thread. */
void incident_timeline_record(void *ctx, const struct tl_entry *e);

/* The findings recs leave open (opened, and not cleared since), source by
 * source, with the numbers of their last record; *out is the caller's to
 * free. */
size_t incident_open_findings(const struct journal_rec *recs, size_t n,
			      struct rules_open **out);

/* The earlier incidents of dir (older ids than id, the 64 newest of them)
 * that share a finding (the same rule on the same source, or the same
 * alert) or a source with recs, newest first, into *out (the caller frees
 * it); returns how many. Blocking I/O (core/incident_related.c). */
size_t incident_related(const char *dir, const char *id,
			const struct journal_rec *recs, size_t n,
			struct export_related **out);

/* A copy of every record written to or loaded from the journal, in file
 * order; free with journal_recs_free(). */
struct journal_rec *incident_records(struct incident *inc, size_t *n);

#endif
