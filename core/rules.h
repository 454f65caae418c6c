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

/* The rules whose findings the tracker holds (a finding key up to its
 * first ':': "pg-blocked", "metric", "alert"): how many, the name of the
 * i-th, the index of a name (-1 when none), its default hold (ms), and
 * the rule of a finding key (-1 when none). */
size_t rules_hold_count(void);
const char *rules_hold_name(size_t i);
int rules_hold_index(const char *rule);
int64_t rules_hold_default(size_t i);
int rules_key_rule(const char *key);

/* Numbers as findings print them (the exports too): 42, 0.5, 1.2k, 3.4M;
 * a value in its unit, "1.2 %", "340 ms", "2.1 GiB", "12/s"; and "1.004 %
 * > 1 %": value, op and limit in unit, with as many digits as it takes for
 * the two numbers to differ when they do (up to 7). Return buf. */
char *rules_fmt_count(double v, char *buf, size_t n);
char *rules_fmt_unit(enum metric_unit unit, double v, char *buf, size_t n);
char *rules_fmt_cmp(enum metric_unit unit, double value, const char *op,
		    double limit, char *buf, size_t n);

/* How many snapshots have been derived in this process. */
unsigned long rules_derive_count(void);

struct rules_tracker;

/* A tracker whose holds are the rules' defaults. */
struct rules_tracker *rules_tracker_new(struct timeline *tl);
void rules_tracker_free(struct rules_tracker *rt);
/* Sets the hold of rule (ms >= 0); -1 for an unknown rule. Before the
 * probes start. */
int rules_tracker_set_hold(struct rules_tracker *rt, const char *rule,
			   int64_t ms);
/* Derives a new snapshot of source (not yet published) with the source's
 * history and the life of each finding: a condition becomes a finding
 * (TL_FINDING_OPEN, TL_ALERT_OPEN) once it has held for its rule's hold,
 * changes severity (TL_FINDING_SEV) once the new one has held as long,
 * says when Alertmanager suppresses it or stops (TL_ALERT_STATE), and
 * closes (TL_FINDING_CLOSE, TL_ALERT_CLOSE, with what cleared it) once it
 * has been gone as long. The snapshot's findings are the open ones, with
 * their current numbers. TL_SOURCE_DOWN/UP when the source starts or stops
 * failing. Any thread; calls for one source come from one thread at a time
 * (its probe's), different sources may run at once. */
void rules_track(struct rules_tracker *rt, const char *source,
		 struct snapshot *s);
/* Makes f (with its opened_ms and peak) an open finding of source, as a
 * resumed journal says it is: no entry is written while its condition
 * still holds; a snapshot without it starts its hold to close. */
void rules_tracker_seed(struct rules_tracker *rt, const char *source,
			const struct finding *f);

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

/* An open finding and its source. */
struct rules_open {
	char source[64];
	struct finding f;
};

/* Every open finding of every source, source by source, into *out (the
 * caller frees it); returns how many. */
size_t rules_tracker_open_all(struct rules_tracker *rt,
			      struct rules_open **out);

#endif
