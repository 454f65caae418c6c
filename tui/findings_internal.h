/* What tui/findings.c and tui/findings_jump.c share. UI thread only. */
#ifndef WARROOM_FINDINGS_INTERNAL_H
#define WARROOM_FINDINGS_INTERNAL_H

#include <stdbool.h>

#include "core/model.h"

struct app;

/* 0 critical, 1 warning, 2 ok, 3 unknown: lower is worse. */
int findings_sev_rank(enum health h);

/* Whether source src is of a kind without a pane of its own (the
 * diagnosis), whose findings point at the other sources' rows. */
bool findings_is_diag(struct app *a, int src);

struct finding;
struct findings_list;

/* The selected finding's line in l, a newer list than the one drawn:
 * found again by its source and key (else the line, clamped). */
size_t findings_follow(struct app *a, const struct findings_list *l);

/* Whether f's action key may be offered: not a destructive action of
 * at_source's kind under --read-only (which removes those everywhere). */
bool findings_action_allowed(struct app *a, const struct finding *f);

#endif
