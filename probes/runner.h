/* Runs every probe on its own thread: intervals, timeouts, exponential
 * backoff with jitter on errors, forced refresh, bounded shutdown.
 * Created, started and stopped by the main thread; runner_refresh() from
 * the UI thread. */
#ifndef WARROOM_RUNNER_H
#define WARROOM_RUNNER_H

#include <stdbool.h>

#include "core/config.h"
#include "core/err.h"
#include "core/state.h"
#include "probes/probe.h"

/* Backoff after consecutive errors: interval * 2^(n-1), capped, +-20 %
 * jitter. */
#define RUNNER_BACKOFF_CAP_MS 30000

struct runner;

struct runner *runner_new(struct state *st);

/* Registers a probe for sec (the section stays owned by the caller and must
 * outlive the runner). Adds its source to the state; returns the source
 * index, or -1 with err. Before runner_start(). */
int runner_add(struct runner *r, const struct probe_ops *ops,
	       const struct config_section *sec, struct err *err);

/* Starts one thread per probe. */
int runner_start(struct runner *r, struct err *err);

/* Polls the source now (wakes its thread from its sleep or backoff). */
void runner_refresh(struct runner *r, int source_idx);

/* Blocks until every probe has published once or until deadline_ms has
 * passed; returns true when all have. */
bool runner_wait_first(struct runner *r, int deadline_ms);

/* The probe's actions, or NULL. */
const struct action_impl *runner_actions(const struct runner *r, int source_idx);
const struct config_section *runner_section(const struct runner *r,
					    int source_idx);

/* Consecutive failures of a source (0 when healthy). */
int runner_failures(struct runner *r, int source_idx);

/* Signals every thread to stop and joins them, waiting at most deadline_ms
 * in all. A thread still stuck in a call after that is detached and left to
 * finish on its own; returns how many were. */
int runner_stop(struct runner *r, int deadline_ms);

/* After runner_stop(). Memory of abandoned threads is kept alive. */
void runner_free(struct runner *r);

/* For tests: the delay before retry after n consecutive failures, without
 * jitter. */
int runner_backoff_ms(int interval_ms, int failures);

#endif
