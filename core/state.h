/* The only memory the probe threads and the UI share: the latest snapshot
 * of every source, a generation counter, and a wakeup fd.
 *
 * Sources are added before their probes start, and retired (a reload)
 * after those probes stopped, by the thread that starts them; the
 * accessors of a source's name and kind belong to that thread. Every other
 * call is safe from any thread. Publishing swaps a pointer
 * under one mutex and writes one byte to a non-blocking pipe; readers take a
 * reference and draw without holding any lock. */
#ifndef WARROOM_STATE_H
#define WARROOM_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/snapshot.h"

struct state;

struct state *state_new(void);
/* Frees the state and drops its references. No thread may use it after. */
void state_free(struct state *st);

/* Registers a named source ("postgres.main") of a kind; returns its index,
 * or -1 if the name is already taken. */
int state_add_source(struct state *st, const char *name, enum snap_kind kind);
size_t state_source_count(const struct state *st);
const char *state_source_name(const struct state *st, int idx);
enum snap_kind state_source_kind(const struct state *st, int idx);
/* Index of a source by name, or -1 (retired sources are not found). */
int state_find_source(const struct state *st, const char *name);

/* Retires every source (a reload replaces them): their snapshots are
 * dropped and their names may be added again as new sources; the old
 * indices stay valid (state_get() gives NULL) and are never reused. Only
 * after the probes that published to them stopped. */
void state_retire_sources(struct state *st);
bool state_source_retired(const struct state *st, int idx);

struct rules_tracker;

/* The tracker that derives every snapshot before it is published (health,
 * findings, timeline entries); without one each snapshot is derived on
 * its own. Before the probes start. */
void state_set_tracker(struct state *st, struct rules_tracker *rt);

/* Derives snap (a snapshot of source idx not published yet) unless it is
 * derived already: on the publishing thread, before the lock that
 * publishing takes. state_publish() does it when the caller did not. */
void state_derive(struct state *st, int idx, struct snapshot *snap);

/* Replaces the source's snapshot with snap (taking the caller's reference),
 * after deriving it, bumps the generation and wakes the UI. */
void state_publish(struct state *st, int idx, struct snapshot *snap);
/* A new reference to the source's latest snapshot (NULL before the first
 * poll); the caller must snapshot_unref() it. */
struct snapshot *state_get(struct state *st, int idx);

/* What a source is connected to, for the header: a kube context, whether
 * the configuration marks it production (the frame is coloured), and a
 * warning that stands as long as the connection does ("TLS not
 * verified"). Set by the source's probe; empty until it does. */
struct source_scope {
	char name[64];
	bool production;
	char warning[64];
};

/* Sets the source's scope and wakes the UI. Any thread. */
void state_set_scope(struct state *st, int idx, const struct source_scope *sc);
/* Copies it into out; false when the source has none (out zeroed). */
bool state_get_scope(struct state *st, int idx, struct source_scope *out);

/* Counts every publish and every state_wakeup(). */
uint64_t state_generation(struct state *st);
/* Counts publishes of one source. */
uint64_t state_source_generation(struct state *st, int idx);

/* Readable when something changed. The UI polls it, then state_drain(). */
int state_wakeup_fd(const struct state *st);
/* Wakes the UI without publishing (actions, timeline, incident timers). */
void state_wakeup(struct state *st);
/* Empties the wakeup pipe. UI thread only. */
void state_drain(struct state *st);

#endif
