/* The UI context: the panes and their sources, focus, zoom, layout, the
 * status line, and what changed since it was last looked at (snapshots,
 * the timeline, the clock), marked dirty so that only that is drawn. The
 * loop is tui/loop.c; commands are applied in tui/command.c. UI thread
 * only. */
#include "tui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* The panes in focus order: one line per pane. */
static const struct pane_ops *const pane_table[] = {
	&pane_pods_ops,
	&pane_db_ops,
	&pane_redis_ops,
	&pane_kafka_ops,
	&pane_metrics_ops,
	&pane_alerts_ops,
	&pane_timeline_ops,
	&pane_http_ops,
};

#define N_PANES ((int)(sizeof(pane_table) / sizeof(pane_table[0])))

void
app_pane_names(char *buf, size_t n)
{
	buf[0] = '\0';
	for (int i = 0; i < N_PANES; i++) {
		struct pane p = { .ops = pane_table[i] };

		strappendf(buf, n, "%s%d %s", i > 0 ? " " : "", i + 1,
			   pane_title(&p));
	}
}

/* The grid band of each pane, for the layout. */
static void
pane_bands(const struct app *a, int *band)
{
	for (int i = 0; i < a->n_panes; i++) {
		band[i] = a->panes[i].ops->band;
	}
}

static void
relayout(struct app *a)
{
	int band[APP_PANES];

	pane_bands(a, band);
	layout_compute(&a->lay, a->cols, a->rows, band, a->n_panes, a->focus,
		       a->zoomed);
}

/* The age shown in a pane's frame and error line; changes once a second
 * at most, so comparing it tells whether the frame needs drawing. */
void
app_age_key(const struct pane_ctx *c, char *buf, size_t n)
{
	char age[32], err_age[32] = "", retry[48];

	if (c->snap == NULL) {
		snprintf(buf, n, "none");
		return;
	}
	/* A failing source counts down to its next attempt. */
	snapshot_retry_text(c->snap, c->now_mono_ms, retry, sizeof(retry));
	app_age_text(c->data ? c->data : c->snap, c->now_mono_ms, age,
			sizeof(age));
	if (c->snap->error[0] != '\0' && c->snap->last_good != NULL) {
		clock_format_duration(snapshot_age_ms(c->snap->last_good,
						      c->now_mono_ms),
				      err_age, sizeof(err_age));
	}
	snprintf(buf, n, "%s|%d|%s|%s", age,
		 snapshot_is_stale(c->data ? c->data : c->snap,
				   c->now_mono_ms) ? 1 : 0, err_age, retry);
}

void
app_age_text(const struct snapshot *shown, int64_t now_mono_ms,
		char *buf, size_t n)
{
	int64_t age = snapshot_age_ms(shown, now_mono_ms);
	char d[32];

	/* A source that never answered has nothing live to show. */
	if (shown->data == NULL) {
		snprintf(buf, n, "no data");
		return;
	}
	/* Data from the last poll, on time: "live", which does not tick, so
	 * a healthy dashboard does not redraw every title every second. */
	if (shown->interval_ms > 0 && age < shown->interval_ms + 1000) {
		snprintf(buf, n, "live");
		return;
	}
	clock_format_duration(age, d, sizeof(d));
	snprintf(buf, n, "%s ago", d);
}

void
app_init(struct app *a, struct state *st, struct runner *r,
	 struct timeline *tl, struct actions *act, const struct theme *theme,
	 bool read_only, bool demo)
{
	memset(a, 0, sizeof(*a));
	a->st = st;
	a->r = r;
	a->tl = tl;
	a->act = act;
	a->theme = *theme;
	a->read_only = read_only;
	a->demo = demo;
	a->status_role = ROLE_STATUS;
	a->header_second = -1;
	_Static_assert(N_PANES <= APP_PANES, "too many panes");
	a->n_panes = N_PANES;
	for (int i = 0; i < a->n_panes; i++) {
		a->panes[i].ops = pane_table[i];
		a->panes[i].number = i + 1;
		a->panes[i].source = -1;
	}
	a->dirty_all = true;
}

void
app_finish(struct app *a)
{
	for (int i = 0; i < a->n_panes; i++) {
		if (a->panes[i].ops->free != NULL) {
			a->panes[i].ops->free(&a->panes[i]);
		}
		a->panes[i].priv = NULL;
	}
	for (int k = 0; k < SNAP_KIND_COUNT; k++) {
		free(a->kind_src[k]);
		a->kind_src[k] = NULL;
	}
	action_req_clear(&a->pending.req);
	textview_finish(&a->tv);
	free(a->seen_gen);
	free(a->health);
	a->seen_gen = NULL;
	a->health = NULL;
}

void
app_bind_sources(struct app *a)
{
	size_t n = state_source_count(a->st);

	for (int k = 0; k < SNAP_KIND_COUNT; k++) {
		free(a->kind_src[k]);
		a->kind_src[k] = NULL;
		a->n_kind_src[k] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		enum snap_kind k = state_source_kind(a->st, (int)i);

		if ((int)k < 0 || k >= SNAP_KIND_COUNT) {
			continue;
		}
		a->kind_src[k] = xreallocarray(a->kind_src[k],
					       a->n_kind_src[k] + 1,
					       sizeof(int));
		a->kind_src[k][a->n_kind_src[k]++] = (int)i;
	}
	free(a->seen_gen);
	free(a->health);
	a->n_sources = n;
	a->seen_gen = xcalloc(n + 1, sizeof(*a->seen_gen));
	a->health = xcalloc(n + 1, sizeof(*a->health));
	for (int i = 0; i < a->n_panes; i++) {
		enum snap_kind k = a->panes[i].ops->kind;

		a->panes[i].source = k < SNAP_KIND_COUNT && a->n_kind_src[k] ?
			a->kind_src[k][0] : -1;
	}
	/* Start on the first pane that has something to show. */
	a->focus = 0;
	for (int i = 0; i < a->n_panes; i++) {
		if (a->panes[i].source >= 0) {
			a->focus = i;
			break;
		}
	}
	relayout(a);
	a->dirty_all = true;
}

void
app_ctx_get(struct app *a, int i, struct pane_ctx *c)
{
	struct pane *p = &a->panes[i];
	struct snapshot *snap = NULL;

	memset(c, 0, sizeof(*c));
	c->theme = &a->theme;
	c->timeline = a->tl;
	c->now_mono_ms = clock_mono_ms();
	c->now_wall_ms = clock_wall_ms();
	c->focused = i == a->focus;
	c->zoomed = a->zoomed && i == a->focus;
	c->read_only = a->read_only;
	if (p->source >= 0) {
		snap = state_get(a->st, p->source);
	}
	c->snap = snap;
	if (snap != NULL) {
		c->data = snap->data != NULL ? snap : snap->last_good;
	}
	if (p->ops->whole_kind && p->ops->kind < SNAP_KIND_COUNT) {
		size_t n = a->n_kind_src[p->ops->kind];

		c->kind_snaps = xcalloc(n + 1, sizeof(*c->kind_snaps));
		for (size_t j = 0; j < n; j++) {
			c->kind_snaps[j] =
				state_get(a->st, a->kind_src[p->ops->kind][j]);
		}
		c->n_kind_snaps = n;
	}
}

void
app_ctx_release(struct pane_ctx *c)
{
	if (c->snap != NULL) {
		snapshot_unref((struct snapshot *)c->snap);
	}
	for (size_t j = 0; j < c->n_kind_snaps; j++) {
		snapshot_unref((struct snapshot *)c->kind_snaps[j]);
	}
	free(c->kind_snaps);
	c->kind_snaps = NULL;
	c->n_kind_snaps = 0;
	c->snap = NULL;
	c->data = NULL;
}

void
app_set_status(struct app *a, enum role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->status, sizeof(a->status), fmt, ap);
	va_end(ap);
	a->status_role = role;
	a->dirty_status = true;
}

void
app_touch_all(struct app *a)
{
	a->dirty_all = true;
}

void
app_resize(struct app *a, int rows, int cols)
{
	a->rows = rows;
	a->cols = cols;
	relayout(a);
	a->dirty_all = true;
}

void
app_focus(struct app *a, int i)
{
	int old = a->focus;

	if (i < 0 || i >= a->n_panes || i == old) {
		return;
	}
	a->focus = i;
	a->dirty_status = true;
	if (a->lay.mode == LAYOUT_GRID) {
		/* Same geometry: only the two frames change. */
		a->pane_dirty[old] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
		a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
		return;
	}
	app_resize(a, a->rows, a->cols);
}

void
app_switch_source(struct app *a, int i, int delta)
{
	struct pane *p = &a->panes[i];
	enum snap_kind k = p->ops->kind;
	size_t n, pos = 0;

	if (k >= SNAP_KIND_COUNT || a->n_kind_src[k] < 2) {
		app_set_status(a, ROLE_DIM, "%s has one source", pane_title(p));
		return;
	}
	n = a->n_kind_src[k];
	for (size_t j = 0; j < n; j++) {
		if (a->kind_src[k][j] == p->source) {
			pos = j;
		}
	}
	pos = (pos + n + (size_t)(delta % (int)n + (int)n)) % n;
	p->source = a->kind_src[k][pos];
	memset(&p->view, 0, sizeof(p->view));
	a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
	app_set_status(a, ROLE_STATUS, "%s: %s (%zu/%zu)", pane_title(p),
		       state_source_name(a->st, p->source), pos + 1, n);
}

void
app_set_incident(struct app *a, const struct app_incident *inc)
{
	if (inc == NULL) {
		memset(&a->incident, 0, sizeof(a->incident));
	} else {
		a->incident = *inc;
	}
	a->dirty_header = true;
}

/* ---- what changed ------------------------------------------------- */

static void
mark_source(struct app *a, int src)
{
	enum snap_kind k = state_source_kind(a->st, src);

	for (int i = 0; i < a->n_panes; i++) {
		const struct pane_ops *o = a->panes[i].ops;

		if (a->panes[i].source == src || (o->whole_kind &&
						  o->kind == k)) {
			a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
		}
	}
}

bool
app_any_dirty(const struct app *a)
{
	if (a->dirty_all || a->dirty_header || a->dirty_status ||
	    a->dirty_overlay) {
		return true;
	}
	for (int i = 0; i < a->n_panes; i++) {
		if (a->pane_dirty[i] != 0) {
			return true;
		}
	}
	return false;
}

bool
app_collect(struct app *a)
{
	int64_t sec;

	state_drain(a->st);
	for (size_t i = 0; i < a->n_sources; i++) {
		uint64_t g = state_source_generation(a->st, (int)i);
		struct snapshot *snap;
		enum health h;

		if (g == a->seen_gen[i]) {
			continue;
		}
		a->seen_gen[i] = g;
		snap = state_get(a->st, (int)i);
		if (snap == NULL) {
			continue;
		}
		/* Derived when it was published: only read here. */
		h = snap->health;
		if (h != a->health[i]) {
			a->health[i] = h;
			a->dirty_header = true;
		}
		snapshot_unref(snap);
		mark_source(a, (int)i);
	}
	if (a->tl != NULL && timeline_count(a->tl) != a->seen_timeline) {
		a->seen_timeline = timeline_count(a->tl);
		for (int i = 0; i < a->n_panes; i++) {
			if (a->panes[i].ops->kind == SNAP_KIND_COUNT) {
				a->pane_dirty[i] |= PANE_DIRTY_TITLE |
						    PANE_DIRTY_BODY;
			}
		}
	}

	if (a->first_run || a->lay.mode == LAYOUT_TOO_SMALL) {
		return app_any_dirty(a);
	}
	sec = clock_wall_ms() / 1000;
	if (sec != a->header_second) {
		a->header_second = sec;
		a->dirty_header = true;
		for (int i = 0; i < a->n_panes; i++) {
			struct pane_ctx c;
			char key[48];

			if (a->lay.pane[i].h == 0 || a->panes[i].source < 0) {
				continue;
			}
			app_ctx_get(a, i, &c);
			app_age_key(&c, key, sizeof(key));
			app_ctx_release(&c);
			if (strcmp(key, a->title_age[i]) != 0) {
				a->pane_dirty[i] |= a->lay.pane[i].h == 1 ?
					PANE_DIRTY_BODY : PANE_DIRTY_TITLE;
			}
		}
	}
	return app_any_dirty(a);
}

