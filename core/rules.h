/* Health and findings derived from snapshots: ok/warn/crit per source,
 * and findings such as "3 sessions blocked > 30 s by pid 4242" that open
 * and close as timeline entries. Derived once per snapshot, on the probe
 * thread, by the tracker that core/state runs before it publishes; every
 * reader reads what is stored in the snapshot. */
#ifndef WARROOM_RULES_H
#define WARROOM_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/snapshot.h"
#include "core/timeline.h"

/* Derives s in place, judged on its own (no history): health, findings
 * and its kind's derived fields. Does nothing when s is already derived.
 * Only for a snapshot nobody else holds yet (tests, a demo builder); the
 * runner's snapshots are derived by the tracker before they are
 * published. */
void rules_derive(struct snapshot *s);

/* A snapshot's derived health (deriving it first, as rules_derive(), if
 * that was never done): UNKNOWN without data, CRIT on an error. */
enum health rules_health(const struct snapshot *s);

/* Copies up to max of s's derived findings (worst first); returns how
 * many there are (0 on an error snapshot). Derives first like
 * rules_health(). */
size_t rules_findings(const struct snapshot *s, struct finding *out,
		      size_t max);

/* How many snapshots have been derived in this process. */
unsigned long rules_derive_count(void);

struct rules_tracker;

struct rules_tracker *rules_tracker_new(struct timeline *tl);
void rules_tracker_free(struct rules_tracker *rt);
/* Derives a new snapshot of source (not yet published) with the source's
 * history, and appends TL_FINDING_OPEN/CLOSE for findings that appeared or
 * went away, and TL_SOURCE_DOWN/UP when the source starts or stops
 * failing. Any thread; calls for one source come from one thread at a
 * time (its probe's), different sources may run at once. */
void rules_track(struct rules_tracker *rt, const char *source,
		 struct snapshot *s);

/* What the tracker holds for source: the health of the last snapshot fed
 * (CRIT while it fails), raised by findings only a series of snapshots
 * shows (a pod whose restart count keeps rising: "restarts:ns/pod");
 * UNKNOWN for a source never fed. */
enum health rules_tracker_health(struct rules_tracker *rt,
				 const char *source);
/* Copies up to max open findings of source (worst first, as
 * rules_findings() plus the tracker's own); returns how many are open.
 * While a source fails, these are the findings of its last good data. */
size_t rules_tracker_findings(struct rules_tracker *rt,
			      const char *source, struct finding *out,
			      size_t max);

#endif
