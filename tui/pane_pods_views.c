/* The Pods pane's other views: nodes (`kubectl get nodes` with pressure
 * and cordons) and autoscalers (`kubectl get hpa`, those at their maximum
 * first) as sub-views, and over the table the logs of a pod (a ring of the
 * last 500 lines that the probe keeps, searched with /, followed while new
 * lines come) or the description of an object. The pane only asks (its
 * focus); the probe fetches. UI thread only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/pane_pods.h"
#include "widgets/draw.h"

#define KEY_ESC 27

static const char logs_hints[] = "Esc back  f follow  L previous  l again  "
				 "d describe  / search  G end";
static const char describe_hints[] = "Esc back  l logs  / search";

/* ---- nodes -------------------------------------------------------------------- */

static const char *const node_sorts[] = { "status", "name", "pods", "cpu" };

static const struct table_col node_cols[] = {
	{ "NAME", 30, 12, false, true },
	{ "STATUS", 26, 8, false, false },
	{ "ROLES", 14, 0, false, false },
	{ "AGE", 6, 0, true, false },
	{ "VERSION", 10, 0, false, false },
	{ "PODS", 5, 0, true, false },
	{ "CPU", 6, 0, true, false },
	{ "CPU%", 5, 0, true, false },
	{ "MEM", 8, 0, true, false },
	{ "MEM%", 5, 0, true, false },
	{ "PRESSURE", 26, 0, false, false },
};

static enum health
node_sev(const struct node_row *n)
{
	if (strcmp(n->ready, "True") != 0) {
		return HEALTH_CRIT;
	}
	return n->pressure[0] != '\0' || n->cordoned ? HEALTH_WARN :
	       HEALTH_OK;
}

static int
cmp_nodes(const void *ctx, size_t ia, size_t ib)
{
	const struct pods_priv *pp = ctx;
	const struct node_row *a = &pp->m->nodes[ia];
	const struct node_row *b = &pp->m->nodes[ib];
	int r = 0;

	switch (pp->cache.sort_col) {
	case 0:
		r = (int)node_sev(b) - (int)node_sev(a);
		break;
	case 2:
		r = b->pods - a->pods;
		break;
	case 3:
		r = pane_cmp_desc_nan(a->cpu_mcores, b->cpu_mcores);
		break;
	default:
		break;
	}
	return r != 0 ? r : strcmp(a->name, b->name);
}

static void
fmt_pct(double used, double of, char *buf, size_t n)
{
	if (isnan(used) || isnan(of) || of <= 0) {
		snprintf(buf, n, "%s", pane_dash());
	} else {
		snprintf(buf, n, "%.0f%%", 100.0 * used / of);
	}
}

static void
node_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	  enum role *role)
{
	const struct pods_priv *pp = ctx;
	const struct node_row *nd = &pp->m->nodes[pp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%s", nd->name);
		break;
	case 1:
		/* kubectl's STATUS. */
		snprintf(buf, n, "%s%s", strcmp(nd->ready, "True") == 0 ?
			 "Ready" : strcmp(nd->ready, "False") == 0 ?
			 "NotReady" : "Unknown",
			 nd->cordoned ? ",SchedulingDisabled" : "");
		*role = strcmp(nd->ready, "True") != 0 ? ROLE_CRIT :
			nd->cordoned ? ROLE_WARN : ROLE_OK;
		break;
	case 2:
		snprintf(buf, n, "%s", nd->roles[0] ? nd->roles : "<none>");
		*role = ROLE_DIM;
		break;
	case 3:
		pane_fmt_age(pp->now_wall_ms, nd->created_ms, buf, (int)n);
		*role = ROLE_DIM;
		break;
	case 4:
		snprintf(buf, n, "%s", nd->version);
		*role = ROLE_DIM;
		break;
	case 5:
		snprintf(buf, n, "%d", nd->pods);
		break;
	case 6:
		pods_fmt_cpu(nd->cpu_mcores, buf, n);
		break;
	case 7:
		fmt_pct(nd->cpu_mcores, nd->cpu_alloc_mcores, buf, n);
		*role = pane_frac_role(nd->cpu_mcores / nd->cpu_alloc_mcores);
		break;
	case 8:
		fmt_bytes(nd->mem_bytes, buf, (int)n);
		break;
	case 9:
		fmt_pct(nd->mem_bytes, nd->mem_alloc_bytes, buf, n);
		*role = pane_frac_role(nd->mem_bytes / nd->mem_alloc_bytes);
		break;
	default:
		snprintf(buf, n, "%s", nd->pressure);
		*role = ROLE_WARN;
		break;
	}
}

static size_t
nodes_count(const struct pods_model *m)
{
	return m->n_nodes;
}

static bool
nodes_match(const struct pane *p, const struct pods_model *m, size_t i)
{
	const struct node_row *nd = &m->nodes[i];

	return pane_filter_any(p, nd->name, nd->roles, nd->pressure,
			       nd->version, NULL);
}

static void
nodes_key_of(const struct pods_model *m, size_t i, const char **ns,
	     const char **name)
{
	*ns = "";
	*name = m->nodes[i].name;
}

const struct pods_sub pods_sub_nodes = {
	"nodes", node_cols, (int)(sizeof(node_cols) / sizeof(node_cols[0])),
	node_cell, node_sorts, 4, nodes_count, nodes_match, cmp_nodes,
	nodes_key_of,
};

/* ---- autoscalers ------------------------------------------------------------ */

static const char *const hpa_sorts[] = { "at max", "name" };

static const struct table_col hpa_cols[] = {
	{ "NAMESPACE", 11, 6, false, false },
	{ "NAME", 24, 10, false, false },
	{ "REFERENCE", 24, 0, false, false },
	{ "TARGETS", 20, 8, false, false },
	{ "MIN", 4, 0, true, false },
	{ "MAX", 4, 0, true, false },
	{ "REPLICAS", 12, 4, true, false },
	{ "AGE", 6, 0, true, false },
	{ "WHY", 30, 0, false, true },
};

static bool
at_max(const struct hpa_row *h)
{
	return h->max > 0 && h->current >= h->max;
}

static int
cmp_hpas(const void *ctx, size_t ia, size_t ib)
{
	const struct pods_priv *pp = ctx;
	const struct hpa_row *a = &pp->m->hpas[ia];
	const struct hpa_row *b = &pp->m->hpas[ib];
	int r = 0;

	if (pp->cache.sort_col == 0) {
		r = (int)at_max(b) - (int)at_max(a);
	}
	if (r == 0) {
		r = strcmp(a->name, b->name);
	}
	return r != 0 ? r : strcmp(a->ns, b->ns);
}

static void
hpa_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	 enum role *role)
{
	const struct pods_priv *pp = ctx;
	const struct hpa_row *h = &pp->m->hpas[pp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%s", h->ns);
		break;
	case 1:
		snprintf(buf, n, "%s", h->name);
		break;
	case 2:
		snprintf(buf, n, "%s", h->target);
		*role = ROLE_DIM;
		break;
	case 3:
		snprintf(buf, n, "%s", h->metrics);
		break;
	case 4:
		snprintf(buf, n, "%d", h->min);
		break;
	case 5:
		snprintf(buf, n, "%d", h->max);
		break;
	case 6:
		snprintf(buf, n, at_max(h) ? "%d (max)" : "%d", h->current);
		*role = at_max(h) ? ROLE_WARN : ROLE_NORMAL;
		break;
	case 7:
		pane_fmt_age(pp->now_wall_ms, h->created_ms, buf, (int)n);
		*role = ROLE_DIM;
		break;
	default:
		pane_oneline(buf, n, h->why);
		*role = ROLE_DIM;
		break;
	}
}

static size_t
hpas_count(const struct pods_model *m)
{
	return m->n_hpas;
}

static bool
hpas_match(const struct pane *p, const struct pods_model *m, size_t i)
{
	const struct hpa_row *h = &m->hpas[i];

	return pane_filter_any(p, h->name, h->ns, h->target, NULL);
}

static void
hpas_key_of(const struct pods_model *m, size_t i, const char **ns,
	    const char **name)
{
	*ns = m->hpas[i].ns;
	*name = m->hpas[i].name;
}

const struct pods_sub pods_sub_hpas = {
	"autoscalers", hpa_cols, (int)(sizeof(hpa_cols) / sizeof(hpa_cols[0])),
	hpa_cell, hpa_sorts, 2, hpas_count, hpas_match, cmp_hpas, hpas_key_of,
};

/* ---- the nested views --------------------------------------------------------- */

static void
ask(struct pane *p, struct pods_priv *pp, int nested)
{
	if (!pods_focus_format(&pp->want, p->focus, sizeof(p->focus))) {
		p->focus[0] = '\0';
	}
	if (pp->nested == NEST_NONE) {
		/* The table's filter waits; the view searches its own. */
		strlcpy_safe(pp->table_filter, p->filter,
			     sizeof(pp->table_filter));
		p->filter[0] = '\0';
	}
	pp->nested = nested;
	p->nested = true;
	memset(&pp->nview, 0, sizeof(pp->nview));
	pp->at_end = nested == NEST_LOGS;
}

bool
pods_open_logs(struct pane *p, struct pods_priv *pp, const struct pod_row *r,
	       bool previous)
{
	if (r == NULL) {
		return false;
	}
	memset(&pp->want, 0, sizeof(pp->want));
	pp->want.what = PODS_FOCUS_LOGS;
	strlcpy_safe(pp->want.ns, r->ns, sizeof(pp->want.ns));
	strlcpy_safe(pp->want.name, r->name, sizeof(pp->want.name));
	pp->want.previous = previous;
	/* The instance before is over: there is nothing to follow. */
	pp->want.follow = !previous;
	ask(p, pp, NEST_LOGS);
	return true;
}

bool
pods_open_describe(struct pane *p, struct pods_priv *pp, const char *kind,
		   const char *ns, const char *name)
{
	memset(&pp->want, 0, sizeof(pp->want));
	pp->want.what = PODS_FOCUS_DESCRIBE;
	strlcpy_safe(pp->want.kind, kind, sizeof(pp->want.kind));
	strlcpy_safe(pp->want.ns, ns, sizeof(pp->want.ns));
	strlcpy_safe(pp->want.name, name, sizeof(pp->want.name));
	ask(p, pp, NEST_DESCRIBE);
	return true;
}

void
pods_close_nested(struct pane *p, struct pods_priv *pp)
{
	pp->nested = NEST_NONE;
	p->nested = false;
	p->focus[0] = '\0';
	strlcpy_safe(p->filter, pp->table_filter, sizeof(p->filter));
	memset(&pp->want, 0, sizeof(pp->want));
}

/* The snapshot's answer, when it is to what the pane asks now. */
static const struct pods_detail *
answer(const struct pane *p, const struct pods_priv *pp)
{
	if (pp->m == NULL || strcmp(pp->m->detail.request, p->focus) != 0 ||
	    p->focus[0] == '\0') {
		return NULL;
	}
	return &pp->m->detail;
}

bool
pods_nested_key(struct pane *p, struct pods_priv *pp, int key)
{
	bool logs = pp->nested == NEST_LOGS;
	size_t n = pp->nix.n;

	switch (key) {
	case KEY_ESC:
		pods_close_nested(p, pp);
		return true;
	case 'f':
		if (!logs || pp->want.previous) {
			return false;
		}
		pp->want.follow = !pp->want.follow;
		ask(p, pp, NEST_LOGS);
		return true;
	case 'L':
		if (!logs) {
			return false;
		}
		pp->want.previous = !pp->want.previous;
		pp->want.follow = !pp->want.previous;
		ask(p, pp, NEST_LOGS);
		return true;
	case 'l':
		if (logs) {
			pp->want.again++;
		} else if (strcmp(pp->want.kind, "pod") == 0) {
			pp->want.what = PODS_FOCUS_LOGS;
			pp->want.follow = true;
			pp->want.previous = false;
		} else {
			return false;
		}
		ask(p, pp, NEST_LOGS);
		return true;
	case 'd':
		if (!logs) {
			return false;
		}
		return pods_open_describe(p, pp, "pod", pp->want.ns,
					  pp->want.name);
	case 'G':
	case KEY_END:
		pp->at_end = true;
		return true;
	default:
		if (!table_view_key(&pp->nview, key, n)) {
			return false;
		}
		/* Moving off the last line stops following it. */
		pp->at_end = n > 0 && pp->nview.sel + 1 >= n;
		return true;
	}
}

/* Red for what looks like an error, yellow for a warning. */
static enum role
line_role(const char *s, bool logs)
{
	if (logs && (pane_contains_ci(s, "error") ||
		     pane_contains_ci(s, "fatal") ||
		     pane_contains_ci(s, "panic") ||
		     pane_contains_ci(s, "exception"))) {
		return ROLE_CRIT;
	}
	if (pane_contains_ci(s, "warn") || strstr(s, "OOMKilled") != NULL ||
	    strstr(s, "BackOff") != NULL) {
		return ROLE_WARN;
	}
	return ROLE_NORMAL;
}

static void
nested_index(struct pane *p, struct pods_priv *pp,
	     const struct pods_detail *d)
{
	pane_index_clear(&pp->nix);
	for (size_t i = 0; d != NULL && i < d->n_lines; i++) {
		if (pane_filter_match(p, d->lines[i])) {
			pane_index_push(&pp->nix, i);
		}
	}
	table_view_clamp(&pp->nview, pp->nix.n);
	if (pp->at_end && pp->nix.n > 0) {
		pp->nview.sel = pp->nix.n - 1;
	}
}

static void
nested_head(const struct pane *p, const struct pods_priv *pp,
	    const struct pods_detail *d, struct pane_line *l)
{
	pane_line_right(l, ROLE_DIM, pp->nested == NEST_LOGS ? logs_hints :
			describe_hints, 60);
	if (d == NULL) {
		pane_line_addf(l, ROLE_DIM, "asking for %s ...", p->focus);
		return;
	}
	pane_line_add(l, ROLE_TITLE, d->title);
	if (pp->nested != NEST_LOGS) {
		return;
	}
	pane_line_sep(l);
	if (d->received > d->n_lines) {
		pane_line_addf(l, ROLE_DIM, "last %zu of %llu lines",
			       d->n_lines, (unsigned long long)d->received);
	} else {
		pane_line_addf(l, ROLE_DIM, "%zu lines", d->n_lines);
	}
	if (d->following) {
		pane_line_sep(l);
		pane_line_add(l, pp->at_end ? ROLE_OK : ROLE_WARN,
			      pp->at_end ? "following" :
			      "following (G: to the newest)");
	}
}

void
pods_nested_draw(struct pane *p, struct pods_priv *pp,
		 const struct pane_ctx *c, WINDOW *win, int y, int x, int h,
		 int w)
{
	const struct pods_detail *d = answer(p, pp);
	bool logs = pp->nested == NEST_LOGS;
	struct pane_line l;
	int line = 1, rows;
	size_t i;

	p->hints = logs ? logs_hints : describe_hints;
	p->targets = PANE_TARGET(TARGET_POD) | PANE_TARGET(TARGET_DEPLOYMENT);
	nested_index(p, pp, d);
	pane_line_init(&l, win, c->theme, y, x, w);
	nested_head(p, pp, d, &l);
	if (d != NULL && d->error[0] != '\0' && h > 2) {
		draw_fill(win, y + line, x, 1, w, ROLE_NORMAL, c->theme);
		draw_text(win, y + line, x, w, d->error, ROLE_WARN, c->theme);
		line++;
	}
	if (p->filter[0] != '\0' && h > 3) {
		pane_draw_filter(win, y + line, x, w, c->theme, p, pp->nix.n,
				 d != NULL ? d->n_lines : 0);
		line++;
	}
	rows = h - line;
	if (rows <= 0 || d == NULL) {
		return;
	}
	pp->nview.page = rows;
	/* Keep the cursor in view; at the end, the newest lines fill it. */
	if (pp->nview.sel < pp->nview.top) {
		pp->nview.top = pp->nview.sel;
	} else if (pp->nview.sel >= pp->nview.top + (size_t)rows) {
		pp->nview.top = pp->nview.sel + 1 - (size_t)rows;
	}
	if (pp->nix.n == 0) {
		pane_draw_message(win, y + line, x, rows, w, c->theme,
				  ROLE_DIM, p->filter[0] ? "no line matches" :
				  logs ? "no log lines" : "nothing yet");
		return;
	}
	for (i = 0; i < (size_t)rows && pp->nview.top + i < pp->nix.n; i++) {
		size_t k = pp->nview.top + i;
		const char *s = d->lines[pp->nix.idx[k]];
		bool sel = k == pp->nview.sel && !pp->at_end && c->focused;
		enum role r = sel ? ROLE_SELECTED : line_role(s, logs);

		draw_fill(win, y + line + (int)i, x, 1, w,
			  sel ? ROLE_SELECTED : ROLE_NORMAL, c->theme);
		draw_text(win, y + line + (int)i, x, w, s, r, c->theme);
	}
}

char *
pods_nested_text(const struct pods_priv *pp)
{
	const struct pods_detail *d = pp->m != NULL ? &pp->m->detail : NULL;
	struct pane_buf b = { 0 };

	if (d == NULL || d->request[0] == '\0') {
		return NULL;
	}
	pane_buf_addf(&b, "%s\n\n", d->title);
	if (d->error[0] != '\0') {
		pane_buf_addf(&b, "%s\n\n", d->error);
	}
	for (size_t i = 0; i < d->n_lines; i++) {
		pane_buf_addf(&b, "%s\n", d->lines[i]);
	}
	return pane_buf_take(&b);
}
