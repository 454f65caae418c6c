/* What core/rules.c lends the kinds' derivations (core/kind_*.c) and the
 * tracker: the growing list of findings, numbers formatted for findings,
 * and the threshold table. No file outside core/rules*.c and core/kind*.c
 * includes it. Pure functions: any thread. */
#ifndef WARROOM_RULES_INTERNAL_H
#define WARROOM_RULES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/kind.h"
#include "core/model.h"
#include "core/rules.h"
#include "core/snapshot.h"

/* Findings, one per key; v is xmalloc'd and the owner frees it. A zeroed
 * list is empty. */
struct rules_list {
	struct finding *v;
	size_t n, cap;
};

/* Adds a finding with text from fmt; a key already present keeps its text
 * and the higher of the two severities. */
void rules_list_add(struct rules_list *fl, enum health sev, const char *key,
		    const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The finding with key (pointing into fl->v), or NULL. */
const struct finding *rules_list_find(const struct rules_list *fl,
				      const char *key);
/* The highest severity in fl; HEALTH_OK when it is empty. */
enum health rules_list_worst(const struct rules_list *fl);
/* Worst first, then by key, so the order is stable across polls. */
void rules_list_sort(struct rules_list *fl);

/* Derives s judged on its own or with history (d->history may be NULL):
 * runs its kind's derive(), then stores health and findings (sorted) in
 * the snapshot. Counts for rules_derive_count(). */
void rules_derive_with(struct snapshot *s, void **history,
		       struct rules_list *out);

/* Numbers for findings: 42, 0.5, 1.2k, 120k, 3.4M. */
char *rules_fmt_count(double v, char *buf, size_t n);
/* A value in its unit: "1.2 %", "340 ms", "2.1 GiB", "12/s". */
char *rules_fmt_unit(enum metric_unit unit, double v, char *buf, size_t n);
/* Seconds as "4m10s". */
char *rules_fmt_secs(double s, char *buf, int n);

/* The lock graph of m, into s's memory (core/kind_pg_locks.c). */
void pg_locks_derive(struct snapshot *s, struct pg_model *m);

/* ---- the thresholds, from the runbooks --------------------------------- */

enum rules_threshold {
	TH_PODS_CRIT_FAILING,   /* share of a workload's pods failing */
	TH_PG_BLOCKED_CRIT_WAIT_S,
	TH_PG_BLOCKED_CRIT_COUNT,
	TH_PG_CONNS_WARN,       /* share of max_connections */
	TH_PG_CONNS_CRIT,
	TH_PG_IDLE_XACT_WARN_S,
	TH_REDIS_MEM_WARN,      /* share of maxmemory */
	TH_REDIS_MEM_CRIT,
	TH_KAFKA_LAG_WARN,      /* messages */
	TH_KAFKA_LAG_CRIT,
	TH_POD_RESTART_WINDOW_S,
	TH_COUNT,
};

/* A threshold's value. */
double rules_threshold(enum rules_threshold t);

#endif
