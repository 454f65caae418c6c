/* The incident timeline in memory: an append-only list of entries that the
 * Timeline pane shows newest first. Any thread may append; entries never
 * change or move once appended, so the UI may keep pointers to them while
 * the timeline lives. */
#ifndef WARROOM_TIMELINE_H
#define WARROOM_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

enum tl_kind {
	TL_INFO,
	TL_NOTE,                /* typed by the operator */
	TL_ACTION_INTENT,       /* written before an action runs */
	TL_ACTION_RESULT,       /* written after */
	TL_STATUS,              /* incident status change */
	TL_SEVERITY,
	TL_FINDING_OPEN,
	TL_FINDING_CLOSE,
	TL_ALERT_OPEN,
	TL_ALERT_CLOSE,
	TL_SOURCE_DOWN,
	TL_SOURCE_UP,
	TL_KIND_COUNT,
};

struct tl_entry {
	uint64_t seq;           /* 1, 2, ... in append order */
	int64_t at_ms;          /* wall ms, UTC */
	enum tl_kind kind;
	const char *source;     /* "postgres.main" or "" */
	const char *who;        /* operator for notes and actions, or "" */
	const char *text;       /* one line */
	const char *detail;     /* the full record (SQL, command, result) or "" */
};

struct timeline;

/* notify(ctx) is called after every append, from the appending thread
 * (used to wake the UI); it may be NULL. */
struct timeline *timeline_new(void (*notify)(void *ctx), void *ctx);
void timeline_free(struct timeline *tl);

/* Appends a copy of the strings (NULL becomes ""); returns the entry's seq. */
uint64_t timeline_append(struct timeline *tl, enum tl_kind kind,
			 const char *source, const char *who, const char *text,
			 const char *detail);
/* As timeline_append(), at a given wall time (replaying a journal); at_ms
 * <= 0 means now. */
uint64_t timeline_append_at(struct timeline *tl, int64_t at_ms,
			    enum tl_kind kind, const char *source,
			    const char *who, const char *text,
			    const char *detail);
/* Calls sink(ctx, entry) after every append, from the appending thread,
 * with no timeline lock held (the incident journal uses it). Entries of
 * concurrent appenders may reach the sink out of seq order. */
void timeline_set_sink(struct timeline *tl,
		       void (*sink)(void *ctx, const struct tl_entry *e),
		       void *ctx);
size_t timeline_count(struct timeline *tl);
/* Entry idx (0 = oldest), valid while tl lives; NULL past the end. */
const struct tl_entry *timeline_get(struct timeline *tl, size_t idx);

/* "note", "action", "result", ... for exports and colouring. */
const char *tl_kind_name(enum tl_kind kind);

#endif
