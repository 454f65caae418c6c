/* :promql (see adhoc.h): the question asked of the Metrics pane's source,
 * its answers taken as they come and shown in the pane. UI thread. */
#include "tui/adhoc.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "tui/app.h"

/* Between two answers when the source has no interval of its own. */
#define ADHOC_INTERVAL_MS 5000

static void
dirty(struct app *a)
{
	struct adhoc *h = &a->adhoc;

	if (h->pane >= 0 && h->pane < a->n_panes) {
		a->pane_dirty[h->pane] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
	}
}

void
adhoc_stop(struct app *a)
{
	struct adhoc *h = &a->adhoc;

	dirty(a);
	snapshot_unref(h->answer);
	memset(h, 0, sizeof(*h));
	h->pane = -1;
}

bool
adhoc_shows(const struct app *a, int i)
{
	return a->adhoc.expr[0] != '\0' && a->adhoc.pane == i;
}

/* Asks the question again; false with the reason on the status line. */
static bool
ask(struct app *a)
{
	struct adhoc *h = &a->adhoc;
	const struct config_section *sec = runner_section(a->r, h->source);
	struct err err = { { 0 } };

	if (a->asks == NULL || sec == NULL) {
		app_set_status(a, ROLE_WARN, "promql: no source to ask");
		return false;
	}
	h->pending = asks_submit(a->asks, sec, h->expr, &err);
	if (h->pending == 0) {
		app_set_status(a, ROLE_WARN, "promql: %s", err.msg);
		return false;
	}
	h->asked_mono_ms = clock_mono_ms();
	return true;
}

void
adhoc_start(struct app *a, const char *expr)
{
	struct adhoc *h = &a->adhoc;
	int i = app_pane_of_kind(a, SNAP_METRICS);

	while (*expr == ' ') {
		expr++;
	}
	if (expr[0] == '\0') {
		if (h->expr[0] != '\0') {
			adhoc_stop(a);
			app_set_status(a, ROLE_STATUS, "Metrics: the panels of "
				       "the configuration again");
		}
		return;
	}
	if (i < 0 || a->panes[i].source < 0) {
		app_set_status(a, ROLE_WARN, "promql: no Metrics source is "
			       "configured");
		return;
	}
	if (strlen(expr) >= sizeof(h->expr)) {
		app_set_status(a, ROLE_WARN, "promql: the expression is too "
			       "long");
		return;
	}
	adhoc_stop(a);
	strlcpy_safe(h->expr, expr, sizeof(h->expr));
	h->pane = i;
	h->source = a->panes[i].source;
	if (!ask(a)) {
		adhoc_stop(a);
		return;
	}
	app_focus(a, i);
	dirty(a);
	app_set_status(a, ROLE_STATUS, "promql: asking %s (Esc in the pane "
		       "goes back)", state_source_name(a->st, h->source));
}

void
adhoc_collect(struct app *a)
{
	struct adhoc *h = &a->adhoc;
	struct snapshot *s;
	int64_t every;

	if (h->expr[0] == '\0' || a->asks == NULL) {
		return;
	}
	if (h->pending != 0) {
		s = asks_take(a->asks, h->pending);
		if (s == NULL) {
			return;
		}
		snapshot_unref(h->answer);
		h->answer = s;
		h->pending = 0;
		dirty(a);
		return;
	}
	every = h->answer != NULL && h->answer->interval_ms > 0 ?
		h->answer->interval_ms : ADHOC_INTERVAL_MS;
	if (clock_mono_ms() - h->asked_mono_ms >= every) {
		ask(a);
	}
}
