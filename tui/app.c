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
#include "tui/findings.h"

/* Every pane, in the default focus order: one line per pane. */
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

		strappendf(buf, n, "%s%s", i > 0 ? ", " : "", pane_title(&p));
	}
}

static void
relayout(struct app *a)
{
	struct layout_spec spec = { .n = a->n_panes };

	for (int i = 0; i < a->n_panes; i++) {
		spec.band[i] = a->panes[i].band;
		spec.weight[i] = a->panes[i].hidden ? 0 : a->panes[i].width;
	}
	_Static_assert(LAYOUT_BANDS == CONFIG_LAYOUT_ROWS, "rows and bands");
	for (int b = 0; b < LAYOUT_BANDS; b++) {
		spec.band_share[b] = a->layout_conf.heights[b];
	}
	/* The Findings strip, over every pane. */
	spec.strip = a->first_run ? 0 : a->strip.rows;
	spec.strip_zoomed = a->strip.zoomed;
	layout_compute(&a->lay, a->cols, a->rows, &spec, a->focus,
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
	a->dirty_all = true;
	a->adhoc.pane = -1;
	a->strip.rows = 1;
	a->strip.prefill_pane = -1;
	/* The panes of the sources registered so far (the timeline alone
	 * when none is); again once they all are. */
	app_bind_sources(a);
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
	cmdline_finish(&a->cmdline);
	adhoc_stop(a);
	free(a->seen_gen);
	free(a->health);
	free(a->down);
	a->seen_gen = NULL;
	a->health = NULL;
	a->down = NULL;
}

void
app_set_layout(struct app *a, const struct config_layout *conf)
{
	a->layout_conf = *conf;
	/* A new layout starts on its first pane. */
	a->focus = -1;
}

/* The config's word for pane ops: its kind, or the timeline. */
static int
conf_index(const struct pane_ops *ops)
{
	return ops->kind < SNAP_KIND_COUNT ? (int)ops->kind :
	       CONFIG_PANE_TIMELINE;
}

/* Where [layout] (or the pane itself) puts table entry t: its band and
 * its place among the band's panes. */
static void
placement(const struct app *a, int t, int *band, int *pos)
{
	const struct config_layout_pane *cp =
		&a->layout_conf.pane[conf_index(pane_table[t])];

	if (cp->row > 0 && cp->row <= LAYOUT_BANDS) {
		*band = cp->row - 1;
		*pos = cp->pos;
	} else {
		/* Unnamed panes follow the named ones of their band. */
		*band = pane_table[t]->band;
		*pos = LAYOUT_PANES_MAX + t;
	}
}

/* The panes shown, in focus order: those whose kind has a source, and
 * the timeline, by band and place. Fills order[] with table entries. */
static int
pane_order(const struct app *a, int *order)
{
	int band[N_PANES], pos[N_PANES], n = 0;

	for (int t = 0; t < N_PANES; t++) {
		enum snap_kind k = pane_table[t]->kind;

		if (k < SNAP_KIND_COUNT && a->n_kind_src[k] == 0) {
			continue;
		}
		placement(a, t, &band[t], &pos[t]);
		order[n++] = t;
	}
	/* Insertion sort: seven entries. */
	for (int i = 1; i < n; i++) {
		for (int j = i; j > 0; j--) {
			int x = order[j - 1], y = order[j];

			if (band[x] < band[y] ||
			    (band[x] == band[y] && pos[x] <= pos[y])) {
				break;
			}
			order[j - 1] = y;
			order[j] = x;
		}
	}
	return n;
}

/* The source of kind k named name, else its first; -1 when none. */
static int
source_named(const struct app *a, enum snap_kind k, const char *name)
{
	if (k >= SNAP_KIND_COUNT || a->n_kind_src[k] == 0) {
		return -1;
	}
	for (size_t j = 0; name != NULL && j < a->n_kind_src[k]; j++) {
		if (strcmp(state_source_name(a->st, a->kind_src[k][j]),
			   name) == 0) {
			return a->kind_src[k][j];
		}
	}
	return a->kind_src[k][0];
}

static void
bind_kinds(struct app *a)
{
	size_t n = state_source_count(a->st);

	for (int k = 0; k < SNAP_KIND_COUNT; k++) {
		free(a->kind_src[k]);
		a->kind_src[k] = NULL;
		a->n_kind_src[k] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		enum snap_kind k = state_source_kind(a->st, (int)i);

		if ((int)k < 0 || k >= SNAP_KIND_COUNT ||
		    state_source_retired(a->st, (int)i)) {
			continue;
		}
		a->kind_src[k] = xreallocarray(a->kind_src[k],
					       a->n_kind_src[k] + 1,
					       sizeof(int));
		a->kind_src[k][a->n_kind_src[k]++] = (int)i;
	}
	free(a->seen_gen);
	free(a->health);
	free(a->down);
	a->n_sources = n;
	a->seen_gen = xcalloc(n + 1, sizeof(*a->seen_gen));
	a->health = xcalloc(n + 1, sizeof(*a->health));
	a->down = xcalloc(n + 1, sizeof(*a->down));
}

void
app_bind_sources(struct app *a)
{
	struct pane old[APP_PANES];
	char shown[APP_PANES][64];
	int order[N_PANES], n_old = a->n_panes, n;
	const struct pane_ops *focus_ops = a->n_panes > 0 && a->focus >= 0 ?
		a->panes[a->focus].ops : NULL;

	/* Each old pane's shown source by name: indices change on reload. */
	for (int i = 0; i < n_old; i++) {
		old[i] = a->panes[i];
		shown[i][0] = '\0';
		if (old[i].source >= 0) {
			strlcpy_safe(shown[i], state_source_name(a->st,
								 old[i].source),
				     sizeof(shown[i]));
		}
	}
	bind_kinds(a);
	n = pane_order(a, order);
	memset(a->panes, 0, sizeof(a->panes));
	for (int i = 0; i < n; i++) {
		const struct pane_ops *ops = pane_table[order[i]];
		struct pane *p = &a->panes[i];
		const char *name = NULL;
		int pos;

		for (int j = 0; j < n_old; j++) {
			if (old[j].ops == ops) {
				/* The same pane again: its view, filter,
				 * sort and drawing state stay. */
				*p = old[j];
				old[j].ops = NULL;
				name = shown[j];
			}
		}
		p->ops = ops;
		p->number = i + 1;
		p->source = source_named(a, ops->kind, name);
		placement(a, order[i], &p->band, &pos);
		p->width = a->layout_conf.pane[conf_index(ops)].width;
		if (p->width <= 0) {
			p->width = 1;
		}
		p->hidden = a->layout_conf.pane[conf_index(ops)].hidden;
	}
	/* Panes whose kind lost its last source. */
	for (int j = 0; j < n_old; j++) {
		if (old[j].ops != NULL && old[j].ops->free != NULL) {
			old[j].ops->free(&old[j]);
		}
	}
	a->n_panes = n;
	/* At least one pane stays shown. */
	a->focus = -1;
	for (int i = 0; i < n; i++) {
		if (a->panes[i].ops == focus_ops && !a->panes[i].hidden) {
			a->focus = i;
		}
	}
	for (int i = 0; i < n && a->focus < 0; i++) {
		if (a->panes[i].source >= 0 && !a->panes[i].hidden) {
			a->focus = i;
		}
	}
	for (int i = 0; i < n && a->focus < 0; i++) {
		if (!a->panes[i].hidden) {
			a->focus = i;
		}
	}
	if (a->focus < 0 && n > 0) {
		a->focus = 0;
		a->panes[0].hidden = false;
	}
	memset(a->title_age, 0, sizeof(a->title_age));
	memset(a->pane_body, 0, sizeof(a->pane_body));
	memset(a->frame_health, 0, sizeof(a->frame_health));
	findings_forget_prefill(a);
	a->strip.rows = findings_strip_rows(a);
	relayout(a);
	a->dirty_all = true;
}

void
app_say_layout(struct app *a)
{
	char missing[128] = "", hidden[128] = "";

	for (int t = 0; t < N_PANES; t++) {
		struct pane p = { .ops = pane_table[t] };
		int i = app_pane_of_kind(a, p.ops->kind);

		if (i < 0) {
			strappendf(missing, sizeof(missing), "%s%s",
				   missing[0] ? ", " : "", pane_title(&p));
		} else if (a->panes[i].hidden) {
			strappendf(hidden, sizeof(hidden), "%s%d %s",
				   hidden[0] ? ", " : "", a->panes[i].number,
				   pane_title(&p));
		}
	}
	if (missing[0] != '\0' && hidden[0] != '\0') {
		app_set_status(a, ROLE_DIM, "not configured: %s; hidden: %s "
			       "(o shows)", missing, hidden);
	} else if (missing[0] != '\0') {
		/* Short: the key hints share the line. */
		app_set_status(a, ROLE_DIM, "not configured: %s", missing);
	} else if (hidden[0] != '\0') {
		app_set_status(a, ROLE_DIM, "hidden: %s (o shows)", hidden);
	}
}

int
app_pane_of_kind(const struct app *a, enum snap_kind kind)
{
	for (int i = 0; i < a->n_panes; i++) {
		if (a->panes[i].ops->kind == kind) {
			return i;
		}
	}
	return -1;
}

bool
app_hide(struct app *a, int i)
{
	int shown = 0, next = -1;

	if (i < 0 || i >= a->n_panes || a->panes[i].hidden) {
		return false;
	}
	for (int j = 0; j < a->n_panes; j++) {
		if (!a->panes[j].hidden && j != i) {
			shown++;
			if (next < 0 || (next < i && j > i)) {
				next = j;
			}
		}
	}
	if (shown == 0) {
		return false;
	}
	a->panes[i].hidden = true;
	if (a->focus == i) {
		a->focus = next;
		a->zoomed = false;
	}
	app_resize(a, a->rows, a->cols);
	return true;
}

void
app_show(struct app *a, int i)
{
	for (int j = 0; j < a->n_panes; j++) {
		if (i < 0 || j == i) {
			a->panes[j].hidden = false;
		}
	}
	app_resize(a, a->rows, a->cols);
}

size_t
app_pane_sources(const struct app *a, int i, const int **src)
{
	enum snap_kind k = a->panes[i].ops->kind;

	if (k >= SNAP_KIND_COUNT) {
		*src = NULL;
		return 0;
	}
	*src = a->kind_src[k];
	return a->n_kind_src[k];
}

enum app_glyph
app_source_glyph(const struct app *a, int src)
{
	if (src < 0 || (size_t)src >= a->n_sources) {
		return APP_GLYPH_UNKNOWN;
	}
	if (a->down[src]) {
		return APP_GLYPH_DOWN;
	}
	return a->health[src] == HEALTH_UNKNOWN ? APP_GLYPH_UNKNOWN :
	       APP_GLYPH_HEALTH;
}

const char *
app_glyph_text(enum app_glyph g)
{
	switch (g) {
	case APP_GLYPH_DOWN:
		return text_utf8 ? "\u2715" : "x";
	case APP_GLYPH_HEALTH:
		return text_utf8 ? "\u25cf" : "*";
	case APP_GLYPH_UNKNOWN:
		break;
	}
	return text_utf8 ? "\u25cb" : "o";
}

int
app_source_badness(const struct app *a, int src)
{
	switch (a->health[src]) {
	case HEALTH_CRIT:
		return 3;
	case HEALTH_WARN:
		return 2;
	case HEALTH_UNKNOWN:
		return a->down[src] ? 3 : 1;
	case HEALTH_OK:
		break;
	}
	return 0;
}

int
app_worst_source(const struct app *a, int i)
{
	const int *src;
	size_t n = app_pane_sources(a, i, &src);
	int worst = -1;

	for (size_t j = 0; j < n; j++) {
		if (worst < 0 || app_source_badness(a, src[j]) >
		    app_source_badness(a, worst)) {
			worst = src[j];
		}
	}
	return worst;
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
	c->focused = i == a->focus && !a->strip.focused;
	c->zoomed = a->zoomed && i == a->focus;
	c->read_only = a->read_only;
	if (adhoc_shows(a, i) && a->adhoc.answer != NULL) {
		/* :promql's answer, drawn as the source's data would be. */
		snap = snapshot_ref(a->adhoc.answer);
	} else if (p->source >= 0) {
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
	if (a->panes[i].hidden) {
		/* Focusing a hidden pane recalls it. */
		a->panes[i].hidden = false;
		app_resize(a, a->rows, a->cols);
		a->dirty_status = true;
		return;
	}
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
	app_show_source(a, i, a->kind_src[k][pos]);
}

void
app_show_source(struct app *a, int i, int src)
{
	struct pane *p = &a->panes[i];
	const int *all;
	size_t n = app_pane_sources(a, i, &all), pos = 0;

	for (size_t j = 0; j < n; j++) {
		if (all[j] == src) {
			pos = j + 1;
		}
	}
	if (pos == 0) {
		return;
	}
	if (p->source != src) {
		p->source = src;
		memset(&p->view, 0, sizeof(p->view));
		a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
	}
	app_set_status(a, ROLE_STATUS, "%s: %s (%zu/%zu)", pane_title(p),
		       state_source_name(a->st, p->source), pos, n);
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

/* A new snapshot of src: the pane that shows it is drawn again, and the
 * other panes of its kind (one, today) when what their title's tabs or
 * their lines of failing sources say of it may have changed. */
static void
mark_source(struct app *a, int src, bool changed)
{
	enum snap_kind k = state_source_kind(a->st, src);

	for (int i = 0; i < a->n_panes; i++) {
		const struct pane_ops *o = a->panes[i].ops;

		/* A pane that shows its whole kind shows src itself. */
		if (a->panes[i].source == src ||
		    (o->kind == k && (changed || o->whole_kind))) {
			a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
		}
	}
	/* The timeline's summary names the worst finding of all. */
	if (changed) {
		int t = app_pane_of_kind(a, SNAP_KIND_COUNT);

		if (t >= 0 && a->lay.pane[t].h == 1) {
			a->pane_dirty[t] |= PANE_DIRTY_BODY;
		}
	}
}

bool
app_any_dirty(const struct app *a)
{
	if (a->dirty_all || a->dirty_header || a->dirty_status ||
	    a->dirty_overlay || a->dirty_strip) {
		return true;
	}
	for (int i = 0; i < a->n_panes; i++) {
		if (a->pane_dirty[i] != 0) {
			return true;
		}
	}
	return false;
}

/* Whether any source's scope is production. */
static bool
production(struct app *a)
{
	struct source_scope sc;

	for (size_t i = 0; i < a->n_sources; i++) {
		if (state_get_scope(a->st, (int)i, &sc) && sc.production) {
			return true;
		}
	}
	return false;
}

/* After new snapshots: the strip's height, and the frames whose colour a
 * finding changed. */
static void
collect_findings(struct app *a)
{
	int rows = findings_strip_rows(a);

	if (rows != a->strip.rows) {
		a->strip.rows = rows;
		app_resize(a, a->rows, a->cols);
	}
	for (int i = 0; i < a->n_panes; i++) {
		enum health h = findings_pane_health(a, i);

		/* Kept here too: a closed pane's one line draws no frame. */
		if (h != a->frame_health[i]) {
			a->frame_health[i] = h;
			a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
		}
	}
}

bool
app_collect(struct app *a)
{
	bool any_new = false;
	int64_t sec;

	state_drain(a->st);
	for (size_t i = 0; i < a->n_sources; i++) {
		uint64_t g = state_source_generation(a->st, (int)i);
		struct snapshot *snap;
		enum health h;
		bool changed;

		if (g == a->seen_gen[i]) {
			continue;
		}
		a->seen_gen[i] = g;
		any_new = true;
		snap = state_get(a->st, (int)i);
		if (snap == NULL) {
			continue;
		}
		/* Derived when it was published: only read here. */
		h = snap->health;
		changed = h != a->health[i] ||
			  a->down[i] != (snap->error[0] != '\0');
		if (changed) {
			a->health[i] = h;
			a->down[i] = snap->error[0] != '\0';
			a->dirty_header = true;
		}
		/* A failing source's line may say something new. */
		changed |= a->down[i] || snap->n_findings > 0;
		snapshot_unref(snap);
		mark_source(a, (int)i, changed);
	}
	if (production(a) != a->production) {
		a->production = !a->production;
		a->dirty_all = true;
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

	if (any_new && !a->first_run) {
		collect_findings(a);
	}
	if (a->first_run || a->lay.mode == LAYOUT_TOO_SMALL) {
		return app_any_dirty(a);
	}
	sec = clock_wall_ms() / 1000;
	/* A finding's age moves by the minute: the strip is drawn again
	 * only when what it says changed. */
	if ((any_new || sec != a->header_second) &&
	    findings_signature(a) != a->strip.drawn) {
		a->dirty_strip = true;
	}
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

