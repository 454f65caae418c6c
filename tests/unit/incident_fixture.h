/* What the incident tests share: two actions on one pod to put through
 * the action gate (a destructive "kill" and a read-only "look"), requests
 * for them, and reading back what the journal and the timeline hold. Test
 * processes only. */
#ifndef WARROOM_INCIDENT_FIXTURE_H
#define WARROOM_INCIDENT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/action.h"
#include "core/incident.h"
#include "core/journal.h"
#include "core/timeline.h"

extern const struct action_impl incident_fixture_kill;
extern const struct action_impl incident_fixture_look;
/* How many times either ran (each test is its own process). */
extern int incident_fixture_runs;

/* A request for d on pod prod/api-1 of source k8s.main, by alice. */
struct action_req incident_fixture_req(const struct action_impl *d);

/* Every record of inc once its journal is flushed (asserts both); free
 * with journal_recs_free(). */
struct journal_rec *incident_fixture_records(struct incident *inc,
					     size_t *n);
/* The first record of kind, or NULL. */
const struct journal_rec *incident_fixture_find(const struct journal_rec *recs,
						size_t n, enum tl_kind kind);
/* Whether an entry of tl contains text. */
bool incident_fixture_timeline_has(struct timeline *tl, const char *text);

#endif
