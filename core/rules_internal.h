/* What core/rules.c lends core/rules_tracker.c, and no other file
 * includes: the growing list of findings and the findings of one
 * snapshot. Pure functions: any thread. */
#ifndef WARROOM_RULES_INTERNAL_H
#define WARROOM_RULES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

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

/* Adds s's findings to fl (unsorted); false when s is NULL, failed or has
 * no data of a kind the rules know. */
bool rules_collect(const struct snapshot *s, struct rules_list *fl);

/* CrashLoopBackOff, OOMKilled or Error: a pod that already has a finding
 * of its own. */
bool rules_pod_failing(const struct pod_row *p);

#endif
