/* The diagnosis: the runbooks' decision tree as correlation rules, each
 * reading the latest snapshots of several sources at once and yielding
 * one finding that names its evidence with numbers and times, the runbook
 * step it corresponds to, and the action key that addresses it (struct
 * finding's at_source, at_row, action_key, runbook, cites).
 *
 * The rules are one table in core/correlate.c. Their thresholds are the
 * runbooks' and each may be overridden in the section of the source it
 * reads (pool_near in [postgres.NAME], errors_panel and latency_panel in
 * [prometheus.NAME], rollout_window and cpu_throttled in
 * [kubernetes.NAME], consumers.GROUP in [kafka.NAME], pods in
 * [http.NAME]).
 *
 * Pure functions over what they are handed, plus a memory of what only a
 * series of runs shows (a deployment's revision changing, the database's
 * active sessions over time): one thread at a time per memory. */
#ifndef WARROOM_CORRELATE_H
#define WARROOM_CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "core/snapshot.h"

/* One source as the rules see it. */
struct correlate_src {
	/* "postgres.main"; NULL: not a source to read (retired, or the
	 * diagnosis itself). */
	const char *name;
	/* Its latest snapshot (may carry an error), NULL before its first
	 * poll. A snapshot of the diagnosis itself is skipped. */
	const struct snapshot *snap;
	const struct config_section *sec;       /* NULL: the defaults */
};

struct correlate_memory;

struct correlate_memory *correlate_memory_new(void);
void correlate_memory_free(struct correlate_memory *mem);

/* Runs every rule over srcs at wall time now_ms and returns the
 * diagnosis in out's memory (out is a SNAP_DIAGNOSIS snapshot not yet
 * published); mem may be NULL (no history: a revision counts from its
 * ReplicaSet's creation only, the database load from its pile-ups). */
struct diag_model *correlate_run(const struct correlate_src *srcs, size_t n,
				 int64_t now_ms, struct correlate_memory *mem,
				 struct snapshot *out);

/* Checks the keys the rules read in sec (a source's section): 0, or -1
 * with "pool_near: expected a percentage such as 80%, got 'lots'". */
int correlate_check_section(const struct config_section *sec,
			    struct err *err);

/* The rules: how many, and the name of the i-th (a finding key's prefix
 * and its [incident] hold.RULE name). */
size_t correlate_rule_count(void);
const char *correlate_rule_name(size_t i);

#endif
