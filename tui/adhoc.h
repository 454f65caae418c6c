/* :promql EXPR: an ad-hoc query in the Metrics pane, shown in place of
 * its source's panels (a panel of its own, with a row and a sparkline
 * per series), asked of the pane's source off the UI thread
 * (probes/ask.c) and asked again every interval while it is shown. UI
 * thread. */
#ifndef WARROOM_ADHOC_H
#define WARROOM_ADHOC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/snapshot.h"

#define ADHOC_EXPR_MAX 256

struct app;

struct adhoc {
	char expr[ADHOC_EXPR_MAX];      /* "" when none is shown */
	int pane;
	int source;             /* asked of this source */
	uint64_t pending;       /* the question on its way, 0 none */
	struct snapshot *answer;        /* the latest, or NULL */
	int64_t asked_mono_ms;  /* when the pending one was asked */
};

/* Shows expr in the Metrics pane (asks at once); "" goes back to the
 * source's panels. Says what happened on the status line. */
void adhoc_start(struct app *a, const char *expr);
/* Stops showing it (a reload, quitting). */
void adhoc_stop(struct app *a);
/* Takes in an answer that came, and asks again once the last answer is
 * an interval old; marks the pane dirty when it changed. */
void adhoc_collect(struct app *a);
/* True when pane i shows the ad-hoc query. */
bool adhoc_shows(const struct app *a, int i);

#endif
