/* The demo: a deterministic, time-scripted production incident (a bad
 * deploy of "api", a lock pile-up in postgres, redis filling up, a Kafka
 * consumer falling behind, alerts firing) fed through the normal probe
 * interface, so the whole UI can be tried without servers.
 * demo_setup()/demo_reset() on the main thread before any probe runs;
 * everything else from any thread. */
#ifndef WARROOM_DEMO_H
#define WARROOM_DEMO_H

#include <stdint.h>

#include "core/action.h"
#include "core/config.h"
#include "core/err.h"
#include "core/model.h"
#include "core/snapshot.h"
#include "probes/probe.h"
#include "probes/runner.h"

/* Adds the demo's sources ("k8s.demo", "postgres.demo", "redis.demo",
 * "kafka.demo", "prometheus.demo", "alertmanager.demo") to cfg and
 * registers them on r with the demo's probe_ops. speed is scenario seconds
 * per real second: > 1 runs the script faster (tests), < 1 in slow motion.
 * Restarts the script at t = 0. Returns 0, or -1 with err (speed not in
 * (0, 1e6]). Main thread, before runner_start(). */
int demo_setup(struct config *cfg, struct runner *r, double speed,
	       struct err *err);

/* Restarts the script at t = 0 (now, by clock_mono_ms()) with no action
 * applied. speed as for demo_setup(); a value out of range counts as 1. */
void demo_reset(double speed);

/* Scenario time now, in seconds: (clock_mono_ms() - start) * speed. */
double demo_time(void);

/* Wall-clock ms at scenario time t: t / speed seconds after the start, or
 * for t < 0 (before the start) t seconds before it. */
int64_t demo_wall_ms(double t);

/* A snapshot of kind at scenario time t, built on the calling thread from
 * the script plus the actions applied so far, and derived (judged on its
 * own, as rules_derive()); the same t (and the same actions) gives the
 * same numbers. The caller owns the reference. */
struct snapshot *demo_snapshot_at(enum snap_kind kind, double t);

/* The source name the demo uses for kind ("postgres.demo"). */
const char *demo_source_name(enum snap_kind kind);

/* The probe ops for kind (.name = "demo"). */
const struct probe_ops *demo_probe_ops(enum snap_kind kind);

/* The action table for kind (ended by an entry whose spec is NULL), or
 * NULL when the kind has none. Same as demo_probe_ops(kind)->actions. */
const struct action_impl *demo_actions(enum snap_kind kind);

/* The poll interval the demo gives its sources at speed: 2000 ms / speed
 * (the real probes' default), at least 100 ms and at most 2000 ms. */
int demo_interval_ms(double speed);

#endif
