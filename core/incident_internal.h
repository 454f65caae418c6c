/* What core/incident.c (the record, its policy, declaring, resuming, the
 * timers) and core/incident_record.c (changes, the action gate, the
 * timeline's recorder) share. Included by those two files only. */
#ifndef WARROOM_INCIDENT_INTERNAL_H
#define WARROOM_INCIDENT_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/incident.h"
#include "core/journal.h"

struct incident {
	char id[24];
	char *path;
	struct journal *j;
	struct incident_policy pol;
	struct journal_load_report report;

	/* Guards everything below. Lock order: inc->lock, then the
	 * timeline's lock, then the journal's; the journal's writer calls
	 * incident_on_write() with no journal lock held, so nothing waits for
	 * a record's fsync while holding inc->lock. */
	pthread_mutex_t lock;
	struct incident_info st;        /* history owned here */
	char (*escalated)[96];  /* keys of the escalations emitted */
	size_t n_escalated;
	struct journal_rec *recs;       /* loaded + written, file order */
	size_t n_recs, cap_recs;
	size_t n_loaded;        /* of recs, read by incident_resume() */
	struct timeline *tl;    /* attached: written records are stored */
};

/* who, else actions_who(), into buf. */
void incident_who(const char *who, char *buf, size_t n);
/* A record of inc's of kind, by who, at ts_ms. */
void incident_rec_init(struct incident *inc, struct journal_rec *rec,
		       enum tl_kind kind, const char *who, int64_t ts_ms);
/* Turns one record into state; inc->lock held (or inc not shared yet). */
void incident_apply(struct incident *inc, const struct journal_rec *rec);
/* The journal's on_write: keeps a copy of rec and, once attached, stores
 * its entry in the timeline. Writer thread. */
void incident_on_write(void *ctx, const struct journal_rec *rec);
/* Whether rec is the incident event name. */
bool incident_is_event(const struct journal_rec *rec, const char *name);

#endif
