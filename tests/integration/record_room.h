/* The war room of the record tests: a runner polling real sources, the
 * tracker deriving what they publish, the timeline recording into an
 * incident's journal in a scratch directory, and, when asked, an action
 * worker behind the incident's gate; and reading that journal back. Test
 * processes only. */
#ifndef WARROOM_RECORD_ROOM_H
#define WARROOM_RECORD_ROOM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/action.h"
#include "core/config.h"
#include "core/incident_rt.h"
#include "core/journal.h"
#include "core/rules.h"
#include "core/state.h"
#include "core/timeline.h"
#include "probes/probe.h"

struct record_room {
	struct state *st;
	struct runner *r;
	struct timeline *tl;
	struct rules_tracker *tracker;
	struct actions *act;    /* NULL unless asked for */
	struct incident_rt *rt;
	char *dir;
};

/* Declares an incident titled title, then polls the n sections with ops
 * (added to their config before: adding moves them). */
void record_room_open(struct record_room *room, const struct probe_ops *ops,
		      struct config_section *const *secs, size_t n,
		      bool actions, const char *title);
void record_room_close(struct record_room *room);

/* The journal's records so far, flushed; free with journal_recs_free(). */
struct journal_rec *record_room_records(struct record_room *room, size_t *n);
/* How many records of kind (incident events aside) have a key that starts
 * with key and a text that contains text (NULL: any). */
size_t record_room_count(struct record_room *room, enum tl_kind kind,
			 const char *key, const char *text);
/* Waits for the first such record and returns a copy
 * (journal_rec_finish() it); asserts after timeout_ms, with the journal on
 * stderr. */
struct journal_rec record_room_wait(struct record_room *room,
				    enum tl_kind kind, const char *key,
				    const char *text, int timeout_ms);

#endif
