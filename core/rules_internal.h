/* What core/rules.c lends the kinds' derivations (core/kind_*.c) and the
 * tracker: the growing list of findings, numbers formatted for findings,
 * and the threshold table. No file outside core/rules*.c, core/kind*.c, core/correlate.c
 * (and their tests) includes it. Pure functions: any thread. */
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

/* Adds a finding with text from fmt (value, limit and peak NAN, no subject)
 * and returns it, in fl's memory until the next add, for the caller to set
 * its numbers; a key already present keeps its text and the higher of the
 * two severities, and that finding is returned. */
struct finding *rules_list_add(struct rules_list *fl, enum health sev,
			       const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sets f's measure: what is measured, its value, the threshold passed and
 * their unit. */
void rules_finding_measure(struct finding *f, const char *subject,
			   double value, double limit, enum metric_unit unit);
/* The finding with key (pointing into fl->v), or NULL. */
const struct finding *rules_list_find(const struct rules_list *fl,
				      const char *key);
/* The highest severity in fl; HEALTH_OK when it is empty. */
enum health rules_list_worst(const struct rules_list *fl);
/* Worst first, then by key, so the order is stable across polls. */
void rules_list_sort(struct rules_list *fl);

/* Derives s judged on its own or with history (history may be NULL):
 * runs its kind's derive() into out, sorted, and marks s derived. An
 * error snapshot or one without data gets its health (and an error one
 * its last good findings) here, out stays empty and false is returned;
 * otherwise true, and the caller stores what it keeps with rules_store().
 * Counts for rules_derive_count(). */
bool rules_derive_with(struct snapshot *s, void **history,
		       struct rules_list *out);
/* Stores a copy of fl as s's findings (fl sorted) and their worst as its
 * health. */
void rules_store(struct snapshot *s, const struct rules_list *fl);

/* Seconds as "4m10s". */
char *rules_fmt_secs(double s, char *buf, int n);

/* The lock graph of m, into s's memory (core/kind_pg_locks.c). */
void pg_locks_derive(struct snapshot *s, struct pg_model *m);
/* The database kind's findings of s (its model m, lock graph derived),
 * with the source's history when history is not NULL; what s says of a
 * finding's subject once it cleared; the history's free
 * (core/kind_pg_findings.c). */
void pg_findings(const struct snapshot *s, const struct pg_model *m,
		 void **history, struct rules_list *fl);
double pg_cleared(const struct snapshot *s, const char *key, char *buf,
		  size_t n);
void pg_findings_history_free(void *h);

/* ---- the thresholds, from the runbooks --------------------------------- */

enum rules_threshold {
	TH_PODS_CRIT_FAILING,   /* share of a workload's pods failing */
	TH_PG_BLOCKED_CRIT_WAIT_S,
	TH_PG_BLOCKED_CRIT_COUNT,
	TH_PG_CONNS_WARN,       /* share of max_connections */
	TH_PG_CONNS_CRIT,
	TH_PG_IDLE_XACT_WARN_S,
	TH_PG_LONG_QUERY_CRIT_S,        /* a query running this long */
	TH_PG_REPLICA_LAG_WARN_S,
	TH_PG_REPLICA_LAG_CRIT_S,
	TH_PG_REPLICA_LAG_WARN_BYTES,
	TH_PG_REPLICA_LAG_CRIT_BYTES,
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
