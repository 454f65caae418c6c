/* The incident timeline in memory: an append-only list of entries that the
 * Timeline pane shows newest first. Any thread may append; entries never
 * change or move once stored, so the UI may keep pointers to them while
 * the timeline lives. With a recorder (the incident's journal), what is
 * appended is stored only once the recorder has made it durable: the
 * timeline then shows only what the journal holds. */
#ifndef WARROOM_TIMELINE_H
#define WARROOM_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

enum tl_kind {
	TL_INFO,
	TL_NOTE,                /* typed by the operator */
	TL_ACTION_INTENT,       /* written before an action runs */
	TL_ACTION_RESULT,       /* written after */
	TL_STATUS,              /* incident status change */
	TL_SEVERITY,
	TL_FINDING_OPEN,
	TL_FINDING_CLOSE,
	TL_FINDING_SEV,         /* an open finding went warn -> crit or back */
	TL_ALERT_OPEN,          /* firing */
	TL_ALERT_CLOSE,         /* resolved: Alertmanager no longer has it */
	TL_ALERT_STATE,         /* suppressed (silenced, inhibited) or back */
	TL_SOURCE_DOWN,
	TL_SOURCE_UP,
	TL_KIND_COUNT,
};

/* What a finding or alert entry says besides its text. */
struct tl_finding {
	const char *key;        /* "pg-blocked:4242" */
	const char *subject;    /* "sessions blocked behind pid 4242", or "" */
	enum health sev;        /* as of this entry */
	double value;           /* the measure now, NAN unknown */
	double limit;           /* the threshold it passed, NAN */
	double peak;            /* the worst while it was open, NAN */
	enum metric_unit unit;
	int64_t since_ms;       /* wall ms the condition began, 0 unknown */
	int64_t opened_ms;      /* wall ms it opened (later entries), 0 */
	/* Already there when the source was first seen: not a sign of when
	 * the incident started. */
	bool preexisting;
};

struct tl_entry {
	uint64_t seq;           /* 1, 2, ... in store order */
	int64_t at_ms;          /* wall ms, UTC */
	enum tl_kind kind;
	const char *source;     /* "postgres.main" or "" */
	const char *who;        /* operator for notes and actions, or "" */
	const char *text;       /* one line */
	const char *detail;     /* the full record (SQL, command, result) or "" */
	const struct tl_finding *finding;       /* findings, alerts; or NULL */
};

struct timeline;

/* notify(ctx) is called after every store, from the storing thread (used
 * to wake the UI); it may be NULL. */
struct timeline *timeline_new(void (*notify)(void *ctx), void *ctx);
void timeline_free(struct timeline *tl);

/* Appends an entry (copies of the strings; NULL becomes ""): stored now
 * and its seq returned, or, with a recorder, handed to the recorder and 0
 * returned. */
uint64_t timeline_append(struct timeline *tl, enum tl_kind kind,
			 const char *source, const char *who, const char *text,
			 const char *detail);
/* As timeline_append(), for a finding or alert entry; an opening with
 * f->opened_ms set is stamped then. */
uint64_t timeline_append_finding(struct timeline *tl, enum tl_kind kind,
				 const char *source, const char *text,
				 const char *detail,
				 const struct tl_finding *f);
/* Stores a copy of e (its seq is ignored; at_ms <= 0 means now) and
 * returns its seq: what the recorder calls once an entry is durable, and
 * what replays a journal. Never goes through the recorder. */
uint64_t timeline_store(struct timeline *tl, const struct tl_entry *e);
/* As timeline_store(), from fields. */
uint64_t timeline_append_at(struct timeline *tl, int64_t at_ms,
			    enum tl_kind kind, const char *source,
			    const char *who, const char *text,
			    const char *detail);

/* From now on timeline_append() hands each entry to record(ctx, e) (from
 * the appending thread, no timeline lock held; e and its strings valid
 * only during the call) instead of storing it; record stores what it made
 * durable with timeline_store(). NULL stores again. Returns how many
 * entries were stored before: the ones the recorder never saw. */
size_t timeline_set_recorder(struct timeline *tl,
			     void (*record)(void *ctx,
					    const struct tl_entry *e),
			     void *ctx);
size_t timeline_count(struct timeline *tl);
/* Entry idx (0 = oldest), valid while tl lives; NULL past the end. */
const struct tl_entry *timeline_get(struct timeline *tl, size_t idx);

/* "note", "action", "result", ... for exports and colouring. */
const char *tl_kind_name(enum tl_kind kind);

#endif
