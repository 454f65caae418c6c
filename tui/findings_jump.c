/* Where a finding of the Findings strip leads (tui/findings.h): Enter's
 * jump to the pane and row it points at, the action input it prefills,
 * and the colour findings give the frames. UI thread only. */
#include <stdio.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/adhoc.h"
#include "tui/app.h"
#include "tui/findings.h"
#include "tui/findings_internal.h"

/* ---- the jump ------------------------------------------------------------ */

/* Asks pane i to select row; when a filter hides it, clears the filter
 * and asks again. A pane without rows (Redis) is itself the row. */
static bool
select_row(struct app *a, int i, const char *row)
{
	struct pane *p = &a->panes[i];
	char focus[sizeof(p->focus)];
	struct pane_ctx c;
	bool ok;

	if (p->ops->select == NULL) {
		return true;    /* no rows: the pane is what it points at */
	}
	memcpy(focus, p->focus, sizeof(focus));
	app_ctx_get(a, i, &c);
	ok = p->ops->select(p, &c, row);
	if (!ok && p->filter[0] != '\0') {
		p->filter[0] = '\0';
		memset(&p->view, 0, sizeof(p->view));
		ok = p->ops->select(p, &c, row);
		if (ok) {
			app_set_status(a, ROLE_STATUS, "%s: filter cleared",
				       pane_title(p));
		}
	}
	app_ctx_release(&c);
	/* Selecting may close a nested view that asked its source for
	 * something (a pod's logs). */
	if (a->r != NULL && p->source >= 0 && strcmp(focus, p->focus) != 0) {
		runner_set_focus(a->r, p->source, p->focus);
	}
	return ok;
}

/* Shows source src in pane i (when it shows another of its kind). */
static void
show_source(struct app *a, int i, int src)
{
	struct pane *p = &a->panes[i];
	int was = p->source;

	if (p->ops->whole_kind || was == src) {
		return;
	}
	app_show_source(a, i, src);
	if (a->r != NULL && p->focus[0] != '\0' && p->source != was) {
		runner_set_focus(a->r, was, "");
		runner_set_focus(a->r, p->source, p->focus);
	}
}

bool
findings_jump(struct app *a)
{
	struct findings_list l;
	const struct findings_item *it;
	const struct finding *f;
	const char *where, *row;
	char what[FINDING_KEY_MAX + FINDING_SOURCE_MAX + 8];
	int src, i;
	size_t k;
	bool ok;

	findings_list_build(a, &l);
	k = findings_follow(a, &l);
	if (k >= l.n) {
		findings_list_free(&l);
		app_set_status(a, ROLE_DIM, "no finding selected");
		return false;
	}
	it = &l.items[k];
	f = it->f;
	if (it->diag) {
		where = f->at_source;
		row = f->at_row;
	} else {
		where = state_source_name(a->st, it->src);
		/* the row its kind named (the session a finding about
		 * several names), else its key */
		row = f->at_row[0] != '\0' ? f->at_row : f->key;
	}
	src = where[0] != '\0' ? state_find_source(a->st, where) : -1;
	i = src >= 0 ? app_pane_of_kind(a, state_source_kind(a->st, src)) :
	    -1;
	if (i < 0) {
		app_set_status(a, ROLE_WARN, "%s%s", where[0] ?
			       "no pane shows " : "no row to show for this "
			       "finding", where);
		findings_list_free(&l);
		return false;
	}
	findings_focus(a, false);
	if (adhoc_shows(a, i)) {
		adhoc_stop(a);
	}
	if (a->zoomed && a->focus != i) {
		a->zoomed = false;
	}
	/* Focusing a hidden pane shows it. */
	app_focus(a, i);
	show_source(a, i, src);
	ok = row[0] == '\0' || select_row(a, i, row);
	a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
	app_resize(a, a->rows, a->cols);
	snprintf(what, sizeof(what), "%s%s%s", where, row[0] ? " " : "", row);
	/* Prefilled only for the row it was computed for. */
	if (ok && findings_action_allowed(a, f) &&
	    f->action_input[0] != '\0') {
		a->strip.prefill_key = f->action_key;
		a->strip.prefill_pane = i;
		strlcpy_safe(a->strip.prefill_input, f->action_input,
			     sizeof(a->strip.prefill_input));
	} else {
		findings_forget_prefill(a);
	}
	if (!ok) {
		app_set_status(a, ROLE_WARN, "%s: no row for it in %s now",
			       what, pane_title(&a->panes[i]));
	} else if (findings_action_allowed(a, f)) {
		app_set_status(a, ROLE_STATUS, "%s  %c %s%s%s%s", what,
			       f->action_key, f->action[0] ? f->action :
			       "acts on it", f->action_input[0] ? " (" : "",
			       f->action_input, f->action_input[0] ? ")" : "");
	} else {
		app_set_status(a, ROLE_STATUS, "%s", what);
	}
	findings_list_free(&l);
	return ok;
}

bool
findings_take_prefill(struct app *a, int pane, char key, char *buf,
		      size_t n)
{
	bool hit = a->strip.prefill_key != '\0' &&
		   a->strip.prefill_key == key && a->strip.prefill_pane == pane;

	if (hit) {
		strlcpy_safe(buf, a->strip.prefill_input, n);
	}
	findings_forget_prefill(a);
	return hit;
}

void
findings_forget_prefill(struct app *a)
{
	a->strip.prefill_key = '\0';
	a->strip.prefill_input[0] = '\0';
	a->strip.prefill_pane = -1;
}

/* ---- the frames ---------------------------------------------------------- */

static enum health
worse(enum health a, enum health b)
{
	return findings_sev_rank(b) < findings_sev_rank(a) ? b : a;
}

enum health
findings_pane_health(struct app *a, int i)
{
	const struct pane *p = &a->panes[i];
	const int *all;
	size_t n = app_pane_sources(a, i, &all), n_src;
	enum health h = HEALTH_UNKNOWN;

	if (p->source < 0) {
		return h;
	}
	n_src = state_source_count(a->st);
	for (size_t j = 0; j < n_src; j++) {
		bool mine = false, diag = findings_is_diag(a, (int)j);
		struct snapshot *s;

		for (size_t k = 0; k < n; k++) {
			mine |= all[k] == (int)j &&
				(p->ops->whole_kind || all[k] == p->source);
		}
		if ((!mine && !diag) || state_source_retired(a->st, (int)j) ||
		    (s = state_get(a->st, (int)j)) == NULL) {
			continue;
		}
		for (size_t k = 0; k < s->n_findings; k++) {
			const struct finding *f = &s->findings[k];
			bool about = mine;

			if (f->suppressed) {
				continue;
			}
			for (size_t m = 0; diag && !about && m < n; m++) {
				about = (p->ops->whole_kind ||
					 all[m] == p->source) &&
					strcmp(f->at_source,
					       state_source_name(a->st,
								 all[m])) == 0;
			}
			if (about) {
				h = worse(h, f->sev);
			}
		}
		snapshot_unref(s);
	}
	return h == HEALTH_WARN || h == HEALTH_CRIT ? h : HEALTH_UNKNOWN;
}
