/* Health and findings derived from snapshots: ok/warn/crit per source,
 * and findings such as "3 sessions blocked > 30 s by pid 4242" that open
 * and close as timeline entries. Pure functions plus a tracker that the UI
 * thread feeds with each new snapshot (no I/O). */
#ifndef WARROOM_RULES_H
#define WARROOM_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/snapshot.h"
#include "core/timeline.h"

#define FINDING_KEY_MAX 96
#define FINDING_TEXT_MAX 200

struct finding {
	char key[FINDING_KEY_MAX];      /* stable identity: "crashloop:ns/dep" */
	enum health sev;
	char text[FINDING_TEXT_MAX];
};

/* Health of a snapshot's data (UNKNOWN without data; CRIT on an error). */
enum health rules_health(const struct snapshot *s);

/* Writes up to max findings for s; returns how many there are. */
size_t rules_findings(const struct snapshot *s, struct finding *out,
		      size_t max);

struct rules_tracker;

struct rules_tracker *rules_tracker_new(struct timeline *tl);
void rules_tracker_free(struct rules_tracker *rt);
/* Feeds a new snapshot of source; appends TL_FINDING_OPEN/CLOSE for
 * findings that appeared or went away, and TL_SOURCE_DOWN/UP when the
 * source starts or stops failing. */
void rules_track(struct rules_tracker *rt, const char *source,
		 const struct snapshot *s);

/* What the tracker holds for source: the health of the last snapshot fed
 * (CRIT while it fails), raised by findings only a series of snapshots
 * shows (a pod whose restart count keeps rising: "restarts:ns/pod");
 * UNKNOWN for a source never fed. */
enum health rules_tracker_health(const struct rules_tracker *rt,
				 const char *source);
/* Copies up to max open findings of source (worst first, as
 * rules_findings() plus the tracker's own); returns how many are open.
 * While a source fails, these are the findings of its last good data. */
size_t rules_tracker_findings(const struct rules_tracker *rt,
			      const char *source, struct finding *out,
			      size_t max);

#endif
