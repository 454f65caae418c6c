/* What the probes layer itself asks of the runner (registering sources,
 * reading a source's failures, the backoff); the runner as the UI drives
 * it (new, start, refresh, stop) is declared in probes/probe.h. */
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

/* Registers a probe for sec (the section stays owned by the caller and must
 * outlive the runner). Adds its source to the state; returns the source
 * index, or -1 with err. Before runner_start(). */
int runner_add(struct runner *r, const struct probe_ops *ops,
	       const struct config_section *sec, struct err *err);

/* Consecutive failures of a source (0 when healthy). */
int runner_failures(struct runner *r, int source_idx);

/* For tests: the delay before retry after n consecutive failures, without
 * jitter. */
int runner_backoff_ms(int interval_ms, int failures);

#endif
