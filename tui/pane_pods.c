/* The Pods pane: what `kubectl get pods -A | grep -v Running` and `get
 * deploy` and `get events --sort-by` tell, problems first, for one
 * Kubernetes source. UI thread only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "widgets/draw.h"
#include "widgets/table.h"

enum { SUB_PODS, SUB_DEPLOYS, SUB_EVENTS, SUB_COUNT };

static const char *const sub_names[SUB_COUNT] = {
	"pods", "deployments", "events",
};

enum {
	POD_SORT_STATUS,
	POD_SORT_RESTARTS,
	POD_SORT_AGE,
	POD_SORT_NAME,
	POD_SORT_CPU,
	POD_SORT_MEM,
	POD_SORT_COUNT,
};

static const char *const pod_sort_names[POD_SORT_COUNT] = {
	"status", "restarts", "age", "name", "cpu", "mem",
};

enum { DEP_SORT_STATUS, DEP_SORT_NAME, DEP_SORT_COUNT };

static const char *const dep_sort_names[DEP_SORT_COUNT] = {
	"status", "name",
};

enum { EV_SORT_TIME, EV_SORT_TYPE, EV_SORT_COUNT };

static const char *const ev_sort_names[EV_SORT_COUNT] = {
	"time", "type",
};

static const int sort_counts[SUB_COUNT] = {
	POD_SORT_COUNT, DEP_SORT_COUNT, EV_SORT_COUNT,
};

struct pods_priv {
	struct pane_cache cache;
	struct pane_index ix;
	struct pane_subview saved[SUB_COUNT];
	const struct pods_model *m;     /* of cache.held */
	int64_t now_wall_ms;            /* for ages in cells */
	int table_dy;                   /* table heading line, -1 none */
	/* Counts over the whole model, for the summary line. */
	size_t n_running, n_crash, n_oom, n_pending, n_failing;
	size_t n_degraded, n_warnings;
};

static const struct table_col pod_cols[] = {
	{ "NAMESPACE", 11, 6, false, false },
	{ "NAME", 34, 20, false, true },
	{ "READY", 5, 5, true, false },
	{ "STATUS", 16, 8, false, false },
	{ "RESTARTS", 8, 4, true, false },
	{ "AGE", 6, 0, true, false },
	{ "CPU", 5, 0, true, false },
	{ "MEM", 8, 0, true, false },
	{ "NODE", 14, 0, false, false },
};

static const struct table_col dep_cols[] = {
	{ "NAMESPACE", 12, 6, false, false },
	{ "NAME", 24, 10, false, false },
	{ "READY", 7, 5, true, false },
	{ "UP-TO-DATE", 10, 0, true, false },
	{ "AVAILABLE", 9, 0, true, false },
	{ "REVISION", 8, 0, true, false },
	{ "IMAGE", 30, 0, false, true },
};

static const struct table_col ev_cols[] = {
	{ "AGE", 6, 4, true, false },
	{ "TYPE", 7, 0, false, false },
	{ "REASON", 16, 6, false, false },
	{ "OBJECT", 28, 8, false, false },
	{ "MESSAGE", 40, 10, false, true },
};

static const char pods_hints[] = "v view  s sort";

/* ---- classification ------------------------------------------------------ */

/* Status and severity are derived once at publish (core/kind_pods.c). */
static enum role
severity_role(enum health sev)
{
	return sev == HEALTH_CRIT ? ROLE_CRIT :
	       sev == HEALTH_WARN ? ROLE_WARN : ROLE_NORMAL;
}

static bool
deploy_degraded(const struct deploy_row *d)
{
	return d->available < d->replicas || d->ready < d->replicas;
}

/* ---- the index ----------------------------------------------------------- */

static int
cmp_str(const char *a, const char *b)
{
	return strcmp(a, b);
}

static int
cmp_pod_name(const struct pod_row *a, const struct pod_row *b)
{
	int r = cmp_str(a->name, b->name);

	return r != 0 ? r : cmp_str(a->ns, b->ns);
}

static int
cmp_pods(const void *ctx, size_t ia, size_t ib)
{
	const struct pods_priv *pp = ctx;
	const struct pod_row *a = &pp->m->pods[ia];
	const struct pod_row *b = &pp->m->pods[ib];
	int r = 0;

	switch (pp->cache.sort_col) {
	case POD_SORT_STATUS:
		r = (int)b->sev - (int)a->sev;
		if (r == 0) {
			r = b->restarts - a->restarts;
		}
		break;
	case POD_SORT_RESTARTS:
		r = b->restarts - a->restarts;
		break;
	case POD_SORT_AGE:
		/* Youngest first; unknown start last. */
		if ((a->started_ms == 0) != (b->started_ms == 0)) {
			r = a->started_ms == 0 ? 1 : -1;
		} else {
			r = a->started_ms > b->started_ms ? -1 :
			    a->started_ms < b->started_ms ? 1 : 0;
		}
		break;
	case POD_SORT_CPU:
		r = pane_cmp_desc_nan(a->cpu_mcores, b->cpu_mcores);
		break;
	case POD_SORT_MEM:
		r = pane_cmp_desc_nan(a->mem_bytes, b->mem_bytes);
		break;
	default:
		break;
	}
	return r != 0 ? r : cmp_pod_name(a, b);
}

static int
cmp_deploys(const void *ctx, size_t ia, size_t ib)
{
	const struct pods_priv *pp = ctx;
	const struct deploy_row *a = &pp->m->deploys[ia];
	const struct deploy_row *b = &pp->m->deploys[ib];
	int r = 0;

	if (pp->cache.sort_col == DEP_SORT_STATUS) {
		r = (b->replicas - b->available) - (a->replicas - a->available);
	}
	if (r == 0) {
		r = cmp_str(a->name, b->name);
	}
	return r != 0 ? r : cmp_str(a->ns, b->ns);
}

static int
cmp_events(const void *ctx, size_t ia, size_t ib)
{
	const struct pods_priv *pp = ctx;
	const struct event_row *a = &pp->m->events[ia];
	const struct event_row *b = &pp->m->events[ib];
	int r = 0;

	if (pp->cache.sort_col == EV_SORT_TYPE) {
		r = (strcmp(b->type, "Warning") == 0) -
		    (strcmp(a->type, "Warning") == 0);
	}
	if (r == 0) {
		r = a->at_ms > b->at_ms ? -1 : a->at_ms < b->at_ms ? 1 : 0;
	}
	return r;
}

static void
count_model(struct pods_priv *pp)
{
	const struct pods_model *m = pp->m;
	size_t i;

	pp->n_running = pp->n_crash = pp->n_oom = pp->n_pending = 0;
	pp->n_failing = pp->n_degraded = pp->n_warnings = 0;
	if (m == NULL) {
		return;
	}
	for (i = 0; i < m->n_pods; i++) {
		const char *st = m->pods[i].status;

		if (strcmp(st, "Running") == 0) {
			pp->n_running++;
		} else if (strcmp(st, "CrashLoopBackOff") == 0) {
			pp->n_crash++;
		} else if (strcmp(st, "OOMKilled") == 0) {
			pp->n_oom++;
		} else if (strcmp(st, "Pending") == 0 ||
			   strcmp(st, "ContainerCreating") == 0) {
			pp->n_pending++;
		} else if (m->pods[i].sev == HEALTH_CRIT) {
			pp->n_failing++;
		}
	}
	for (i = 0; i < m->n_deploys; i++) {
		if (deploy_degraded(&m->deploys[i])) {
			pp->n_degraded++;
		}
	}
	for (i = 0; i < m->n_events; i++) {
		if (strcmp(m->events[i].type, "Warning") == 0) {
			pp->n_warnings++;
		}
	}
}

static struct pods_priv *
pods_priv(struct pane *p)
{
	if (p->priv == NULL) {
		struct pods_priv *pp = xcalloc(1, sizeof(*pp));

		pp->table_dy = -1;
		p->priv = pp;
	}
	return p->priv;
}

static size_t
pods_total(const struct pods_priv *pp, int sub)
{
	if (pp->m == NULL) {
		return 0;
	}
	return sub == SUB_PODS ? pp->m->n_pods :
	       sub == SUB_DEPLOYS ? pp->m->n_deploys : pp->m->n_events;
}

static void
pods_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct pods_priv *pp = pods_priv(p);
	const struct snapshot *data = c->data;
	const struct pods_model *m = data ? snapshot_pods(data) : NULL;
	bool new_data;
	size_t i, n;

	char was_ns[128], was_name[256];
	bool had = false;

	if (m == NULL) {
		data = NULL;
	}
	/* Keep the same pod or deployment selected across snapshots and
	 * re-sorts (not across a sub-view switch). */
	if (pp->cache.valid && pp->cache.sub == p->sub && pp->m != NULL &&
	    p->sub != SUB_EVENTS && p->view.sel < pp->ix.n) {
		size_t k = pp->ix.idx[p->view.sel];

		had = true;
		strlcpy_safe(was_ns, p->sub == SUB_PODS ? pp->m->pods[k].ns :
			     pp->m->deploys[k].ns, sizeof(was_ns));
		strlcpy_safe(was_name, p->sub == SUB_PODS ?
			     pp->m->pods[k].name : pp->m->deploys[k].name,
			     sizeof(was_name));
	}
	new_data = pp->cache.held != data || !pp->cache.valid;
	if (!pane_cache_update(&pp->cache, p, data)) {
		return;
	}
	pp->m = m;
	if (new_data) {
		count_model(pp);
	}
	pane_index_clear(&pp->ix);
	n = pods_total(pp, p->sub);
	for (i = 0; i < n; i++) {
		bool hit;

		if (p->sub == SUB_PODS) {
			const struct pod_row *r = &m->pods[i];

			hit = pane_filter_any(p, r->name, r->ns, r->status,
					      r->node, r->owner, NULL);
		} else if (p->sub == SUB_DEPLOYS) {
			const struct deploy_row *d = &m->deploys[i];

			hit = pane_filter_any(p, d->name, d->ns, d->image,
					      NULL);
		} else {
			const struct event_row *e = &m->events[i];

			hit = pane_filter_any(p, e->type, e->reason, e->object,
					      e->message, NULL);
		}
		if (hit) {
			pane_index_push(&pp->ix, i);
		}
	}
	pane_sort(pp->ix.idx, pp->ix.n,
		  p->sub == SUB_PODS ? cmp_pods :
		  p->sub == SUB_DEPLOYS ? cmp_deploys : cmp_events,
		  pp, p->sort_desc);
	if (had) {
		for (i = 0; i < pp->ix.n; i++) {
			size_t k = pp->ix.idx[i];
			const char *ns = p->sub == SUB_PODS ?
				m->pods[k].ns : m->deploys[k].ns;
			const char *name = p->sub == SUB_PODS ?
				m->pods[k].name : m->deploys[k].name;

			if (strcmp(name, was_name) == 0 &&
			    strcmp(ns, was_ns) == 0) {
				p->view.sel = i;
				break;
			}
		}
	}
	table_view_clamp(&p->view, pp->ix.n);
}

/* ---- cells --------------------------------------------------------------- */

static void
fmt_cpu(double mcores, char *buf, size_t n)
{
	if (isnan(mcores)) {
		snprintf(buf, n, "%s", pane_dash());
	} else if (mcores < 1000.0) {
		snprintf(buf, n, "%.0fm", mcores);
	} else {
		snprintf(buf, n, "%.2f", mcores / 1000.0);
	}
}

static void
pod_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	 enum role *role)
{
	const struct pods_priv *pp = ctx;
	const struct pod_row *r = &pp->m->pods[pp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%s", r->ns);
		break;
	case 1:
		snprintf(buf, n, "%s", r->name);
		break;
	case 2:
		snprintf(buf, n, "%d/%d", r->ready, r->containers);
		if (r->ready < r->containers &&
		    strcmp(r->phase, "Succeeded") != 0) {
			*role = ROLE_WARN;
		}
		break;
	case 3:
		snprintf(buf, n, "%s", r->status);
		*role = severity_role(r->sev);
		if (*role == ROLE_NORMAL && strcmp(r->phase, "Running") == 0) {
			*role = ROLE_OK;
		}
		break;
	case 4:
		snprintf(buf, n, "%d", r->restarts);
		if (r->restarts >= 5) {
			*role = ROLE_WARN;
		}
		break;
	case 5:
		pane_fmt_age(pp->now_wall_ms, r->started_ms, buf, (int)n);
		*role = ROLE_DIM;
		break;
	case 6:
		fmt_cpu(r->cpu_mcores, buf, n);
		break;
	case 7:
		fmt_bytes(r->mem_bytes, buf, (int)n);
		if (!isnan(r->mem_bytes) && !isnan(r->mem_limit_bytes) &&
		    r->mem_limit_bytes > 0) {
			double f = r->mem_bytes / r->mem_limit_bytes;

			*role = f > 0.95 ? ROLE_CRIT :
				f > 0.8 ? ROLE_WARN : ROLE_NORMAL;
		}
		break;
	default:
		snprintf(buf, n, "%s", r->node);
		*role = ROLE_DIM;
		break;
	}
}

static void
deploy_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	    enum role *role)
{
	const struct pods_priv *pp = ctx;
	const struct deploy_row *d = &pp->m->deploys[pp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%s", d->ns);
		break;
	case 1:
		snprintf(buf, n, "%s", d->name);
		break;
	case 2:
		snprintf(buf, n, "%d/%d", d->ready, d->replicas);
		*role = d->replicas > 0 && d->ready == 0 ? ROLE_CRIT :
			d->ready < d->replicas ? ROLE_WARN : ROLE_OK;
		break;
	case 3:
		snprintf(buf, n, "%d", d->updated);
		break;
	case 4:
		snprintf(buf, n, "%d", d->available);
		if (d->available < d->replicas) {
			*role = ROLE_WARN;
		}
		break;
	case 5:
		if (d->revision > 0) {
			snprintf(buf, n, "%d", d->revision);
		} else {
			snprintf(buf, n, "%s", pane_dash());
		}
		break;
	default:
		snprintf(buf, n, "%s", d->image);
		*role = ROLE_DIM;
		break;
	}
}

static void
event_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	   enum role *role)
{
	const struct pods_priv *pp = ctx;
	const struct event_row *e = &pp->m->events[pp->ix.idx[row]];
	bool warning = strcmp(e->type, "Warning") == 0;

	switch (col) {
	case 0:
		pane_fmt_age(pp->now_wall_ms, e->at_ms, buf, (int)n);
		*role = ROLE_DIM;
		break;
	case 1:
		snprintf(buf, n, "%s", e->type);
		*role = warning ? ROLE_WARN : ROLE_DIM;
		break;
	case 2:
		snprintf(buf, n, "%s", e->reason);
		if (warning) {
			*role = ROLE_WARN;
		}
		break;
	case 3:
		snprintf(buf, n, "%s", e->object);
		break;
	default:
		pane_oneline(buf, n, e->message);
		break;
	}
}

/* ---- drawing ------------------------------------------------------------- */

static void
draw_summary(struct pane *p, const struct pods_priv *pp, struct pane_line *l)
{
	const struct pods_model *m = pp->m;
	const char *sort = p->sub == SUB_PODS ?
		pod_sort_names[p->sort_col % POD_SORT_COUNT] :
		p->sub == SUB_DEPLOYS ?
		dep_sort_names[p->sort_col % DEP_SORT_COUNT] :
		ev_sort_names[p->sort_col % EV_SORT_COUNT];
	char right[64];

	snprintf(right, sizeof(right), "%s  sort %s%s", sub_names[p->sub],
		 sort, p->sort_desc ? " (rev)" : "");
	/* Only where the counts still fit in full. */
	pane_line_right(l, ROLE_DIM, right, 110);
	if (p->sub == SUB_EVENTS) {
		pane_line_addf(l, ROLE_NORMAL, "events %zu", m->n_events);
		pane_line_sep(l);
		pane_line_addf(l, pp->n_warnings ? ROLE_WARN : ROLE_OK,
			       "warnings %zu", pp->n_warnings);
		return;
	}
	pane_line_addf(l, ROLE_NORMAL, "pods %zu", m->n_pods);
	pane_line_sep(l);
	pane_line_addf(l, ROLE_OK, "Running %zu", pp->n_running);
	pane_line_sep(l);
	pane_line_addf(l, pp->n_crash ? ROLE_CRIT : ROLE_DIM,
		       "CrashLoopBackOff %zu", pp->n_crash);
	pane_line_sep(l);
	pane_line_addf(l, pp->n_oom ? ROLE_CRIT : ROLE_DIM, "OOMKilled %zu",
		       pp->n_oom);
	pane_line_sep(l);
	pane_line_addf(l, pp->n_pending ? ROLE_WARN : ROLE_DIM, "Pending %zu",
		       pp->n_pending);
	if (pp->n_failing) {
		pane_line_sep(l);
		pane_line_addf(l, ROLE_CRIT, "failing %zu", pp->n_failing);
	}
	pane_line_sep(l);
	pane_line_addf(l, pp->n_degraded ? ROLE_WARN : ROLE_DIM,
		       "deployments degraded %zu/%zu", pp->n_degraded,
		       m->n_deploys);
}

static void
pods_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	  int x, int h, int w)
{
	struct pods_priv *pp = pods_priv(p);
	struct table_model tm;
	struct pane_line l;
	int line = 0;

	p->hints = pods_hints;
	p->targets = PANE_TARGET(TARGET_POD) | PANE_TARGET(TARGET_DEPLOYMENT);
	pp->table_dy = -1;
	if (h <= 0 || w <= 0) {
		return;
	}
	pods_refresh(p, c);
	pp->now_wall_ms = c->now_wall_ms;
	if (pp->m == NULL) {
		pane_draw_message(win, y, x, h, w, c->theme, ROLE_DIM,
				  "no pod data yet");
		return;
	}
	pane_line_init(&l, win, c->theme, y, x, w);
	if (p->filter[0] != '\0' && h < 4) {
		pane_line_filter(&l, p, pp->ix.n, pods_total(pp, p->sub), 12);
	}
	draw_summary(p, pp, &l);
	line = 1;
	if (p->filter[0] != '\0' && h >= 4) {
		pane_draw_filter(win, y + line, x, w, c->theme, p, pp->ix.n,
				 pods_total(pp, p->sub));
		line++;
	}
	if (h - line < 2) {
		return;
	}
	tm.ctx = pp;
	tm.n_rows = pp->ix.n;
	switch (p->sub) {
	case SUB_PODS:
		tm.cols = pod_cols;
		tm.n_cols = (int)(sizeof(pod_cols) / sizeof(pod_cols[0]));
		tm.cell = pod_cell;
		break;
	case SUB_DEPLOYS:
		tm.cols = dep_cols;
		tm.n_cols = (int)(sizeof(dep_cols) / sizeof(dep_cols[0]));
		tm.cell = deploy_cell;
		break;
	default:
		tm.cols = ev_cols;
		tm.n_cols = (int)(sizeof(ev_cols) / sizeof(ev_cols[0]));
		tm.cell = event_cell;
		break;
	}
	pp->table_dy = line;
	table_draw(win, y + line, x, h - line, w, &tm, &p->view, c->theme,
		   c->focused);
}

/* ---- keys, clicks, targets, detail --------------------------------------- */

static bool
pods_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct pods_priv *pp = pods_priv(p);

	if (pane_sub_sort_key(p, pp->saved, SUB_COUNT,
			      sort_counts[p->sub % SUB_COUNT], key)) {
		return true;
	}
	pods_refresh(p, c);
	return table_view_key(&p->view, key, pp->ix.n);
}

static bool
pods_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct pods_priv *pp = pods_priv(p);

	pods_refresh(p, c);
	return pane_table_click(p, pp->table_dy, dy, pp->ix.n);
}

static const struct pod_row *
selected_pod(struct pane *p, const struct pods_priv *pp)
{
	if (pp->m == NULL || p->sub != SUB_PODS || p->view.sel >= pp->ix.n) {
		return NULL;
	}
	return &pp->m->pods[pp->ix.idx[p->view.sel]];
}

static const struct deploy_row *
selected_deploy(struct pane *p, const struct pods_priv *pp)
{
	if (pp->m == NULL || p->sub != SUB_DEPLOYS ||
	    p->view.sel >= pp->ix.n) {
		return NULL;
	}
	return &pp->m->deploys[pp->ix.idx[p->view.sel]];
}

static const struct event_row *
selected_event(struct pane *p, const struct pods_priv *pp)
{
	if (pp->m == NULL || p->sub != SUB_EVENTS ||
	    p->view.sel >= pp->ix.n) {
		return NULL;
	}
	return &pp->m->events[pp->ix.idx[p->view.sel]];
}

static bool
pods_target(struct pane *p, const struct pane_ctx *c, enum target_type type,
	    struct action_target *t)
{
	struct pods_priv *pp = pods_priv(p);
	const struct pod_row *r;
	const struct deploy_row *d;

	pods_refresh(p, c);
	r = selected_pod(p, pp);
	d = selected_deploy(p, pp);
	if (type == TARGET_POD && r != NULL) {
		return pane_fits(t->u.pod.ns, sizeof(t->u.pod.ns), "%s",
				 r->ns) &&
		       pane_fits(t->u.pod.name, sizeof(t->u.pod.name), "%s",
				 r->name) &&
		       pane_fits(t->label, sizeof(t->label), "pod %s/%s",
				 r->ns, r->name);
	}
	if (type == TARGET_DEPLOYMENT) {
		const char *ns = NULL, *name = NULL;

		if (d != NULL) {
			ns = d->ns;
			name = d->name;
		} else if (r != NULL && r->owner[0] != '\0') {
			ns = r->ns;
			name = r->owner;
		}
		if (name == NULL) {
			return false;
		}
		return pane_fits(t->u.deploy.ns, sizeof(t->u.deploy.ns), "%s",
				 ns) &&
		       pane_fits(t->u.deploy.name, sizeof(t->u.deploy.name),
				 "%s", name) &&
		       pane_fits(t->label, sizeof(t->label),
				 "deployment %s/%s", ns, name);
	}
	return false;
}

/* Events about object "Kind/name" (the pod or deployment shown). */
static void
add_events(struct pane_buf *b, const struct pods_model *m, const char *name,
	   int64_t now_ms)
{
	size_t i, shown = 0;
	char age[32];

	for (i = 0; i < m->n_events && shown < 20; i++) {
		const struct event_row *e = &m->events[i];
		const char *slash = strchr(e->object, '/');
		const char *obj = slash ? slash + 1 : e->object;

		if (strcmp(obj, name) != 0) {
			continue;
		}
		if (shown++ == 0) {
			pane_buf_addf(b, "\nevents:\n");
		}
		pane_buf_addf(b, "  %s ago  %s  %s  %s\n",
			      pane_fmt_age(now_ms, e->at_ms, age, sizeof(age)),
			      e->type, e->reason, e->message);
	}
}

static char *
pods_detail(struct pane *p, const struct pane_ctx *c)
{
	struct pods_priv *pp = pods_priv(p);
	const struct pod_row *r;
	const struct deploy_row *d;
	const struct event_row *e;
	struct pane_buf b = { 0 };
	char t1[64], t2[64], t3[64];
	size_t i;

	pods_refresh(p, c);
	if ((r = selected_pod(p, pp)) != NULL) {
		pane_buf_addf(&b, "pod %s/%s\n\n", r->ns, r->name);
		pane_buf_field(&b, "namespace", r->ns);
		pane_buf_field(&b, "name", r->name);
		pane_buf_field(&b, "owner", r->owner);
		pane_buf_field(&b, "status", r->status);
		pane_buf_field(&b, "phase", r->phase);
		pane_buf_field(&b, "reason", r->reason);
		pane_buf_addf(&b, "ready: %d/%d\n", r->ready, r->containers);
		pane_buf_addf(&b, "restarts: %d\n", r->restarts);
		if (r->started_ms > 0) {
			pane_buf_addf(&b, "started: %s (%s ago)\n",
				      clock_format_utc(r->started_ms, 0, t1,
						       sizeof(t1)),
				      pane_fmt_age(c->now_wall_ms,
						   r->started_ms, t2,
						   sizeof(t2)));
		} else {
			pane_buf_field(&b, "started", NULL);
		}
		pane_buf_field(&b, "node", r->node);
		fmt_cpu(r->cpu_mcores, t1, sizeof(t1));
		pane_buf_field(&b, "cpu", t1);
		pane_buf_addf(&b, "memory: %s (limit %s)\n",
			      fmt_bytes(r->mem_bytes, t2, sizeof(t2)),
			      fmt_bytes(r->mem_limit_bytes, t3, sizeof(t3)));
		add_events(&b, pp->m, r->name, c->now_wall_ms);
		return pane_buf_take(&b);
	}
	if ((d = selected_deploy(p, pp)) != NULL) {
		pane_buf_addf(&b, "deployment %s/%s\n\n", d->ns, d->name);
		pane_buf_field(&b, "namespace", d->ns);
		pane_buf_field(&b, "name", d->name);
		pane_buf_addf(&b, "replicas: %d desired, %d ready, "
			      "%d up-to-date, %d available\n", d->replicas,
			      d->ready, d->updated, d->available);
		if (d->revision > 0) {
			pane_buf_addf(&b, "revision: %d\n", d->revision);
		} else {
			pane_buf_field(&b, "revision", NULL);
		}
		pane_buf_field(&b, "image", d->image);
		for (i = 0; i < pp->m->n_pods; i++) {
			const struct pod_row *pr = &pp->m->pods[i];

			if (strcmp(pr->ns, d->ns) != 0 ||
			    strcmp(pr->owner, d->name) != 0) {
				continue;
			}
			pane_buf_addf(&b, "  pod %s  %s  %d/%d  restarts %d\n",
				      pr->name, pr->status, pr->ready,
				      pr->containers, pr->restarts);
		}
		add_events(&b, pp->m, d->name, c->now_wall_ms);
		return pane_buf_take(&b);
	}
	if ((e = selected_event(p, pp)) != NULL) {
		pane_buf_addf(&b, "event %s %s\n\n", e->type, e->reason);
		pane_buf_addf(&b, "time: %s (%s ago)\n",
			      clock_format_utc(e->at_ms, 0, t1, sizeof(t1)),
			      pane_fmt_age(c->now_wall_ms, e->at_ms, t2,
					   sizeof(t2)));
		pane_buf_field(&b, "type", e->type);
		pane_buf_field(&b, "reason", e->reason);
		pane_buf_field(&b, "object", e->object);
		pane_buf_addf(&b, "message:\n%s\n", e->message);
		return pane_buf_take(&b);
	}
	return NULL;
}

static void
pods_free(struct pane *p)
{
	struct pods_priv *pp = p->priv;

	if (pp == NULL) {
		return;
	}
	pane_cache_finish(&pp->cache);
	pane_index_finish(&pp->ix);
	free(pp);
	p->priv = NULL;
}

const struct pane_ops pane_pods_ops = {
	.kind = SNAP_PODS,
	.band = 0,
	.draw = pods_draw,
	.key = pods_key,
	.click = pods_click,
	.target = pods_target,
	.detail = pods_detail,
	.free = pods_free,
};
