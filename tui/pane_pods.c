/* The Pods pane: what `kubectl get pods -A | grep -v Running`, `get deploy`,
 * `get events --sort-by`, `get nodes` and `get hpa` tell, problems first,
 * for one Kubernetes source (the tables: tui/pane_pods_tables.c and
 * tui/pane_pods_views.c); l and d open a pod's logs or an object's
 * description over the table. UI thread only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "tui/pane_pods.h"
#include "widgets/draw.h"

#define KEY_ESC 27

/* L (the previous container's logs) is in the help: the status line has
 * room for the hints that matter most. */
static const char pods_hints[] = "l logs  d describe  v view  s sort";

/* ---- shared with the views ---------------------------------------------- */

enum role
pods_severity_role(enum health sev)
{
	return sev == HEALTH_CRIT ? ROLE_CRIT :
	       sev == HEALTH_WARN ? ROLE_WARN : ROLE_NORMAL;
}

void
pods_fmt_cpu(double mcores, char *buf, size_t n)
{
	if (isnan(mcores)) {
		snprintf(buf, n, "%s", pane_dash());
	} else if (mcores < 1000.0) {
		snprintf(buf, n, "%.0fm", mcores);
	} else {
		snprintf(buf, n, "%.2f", mcores / 1000.0);
	}
}

static const struct pods_sub *const subs[SUB_COUNT] = {
	[SUB_PODS] = &pods_sub_pods,
	[SUB_DEPLOYS] = &pods_sub_deploys,
	[SUB_EVENTS] = &pods_sub_events,
	[SUB_NODES] = &pods_sub_nodes,
	[SUB_HPAS] = &pods_sub_hpas,
};

static const struct pods_sub *
sub_of(const struct pane *p)
{
	return subs[(unsigned)p->sub < SUB_COUNT ? p->sub : 0];
}

/* ---- the index ------------------------------------------------------------- */

static void
count_model(struct pods_priv *pp)
{
	const struct pods_model *m = pp->m;
	size_t i;

	pp->n_running = pp->n_crash = pp->n_oom = pp->n_pending = 0;
	pp->n_failing = pp->n_degraded = pp->n_warnings = pp->n_stuck = 0;
	pp->n_not_ready = pp->n_pressure = pp->n_cordoned = pp->n_at_max = 0;
	if (m == NULL) {
		return;
	}
	for (i = 0; i < m->n_pods; i++) {
		const struct pod_row *r = &m->pods[i];
		const char *st = r->status;

		if (strcmp(st, "Running") == 0) {
			pp->n_running++;
		} else if (strcmp(st, "OOMKilled") == 0 ||
			   (strcmp(st, "CrashLoopBackOff") == 0 &&
			    strcmp(r->last_term, "OOMKilled") == 0)) {
			pp->n_oom++;
		} else if (strcmp(st, "CrashLoopBackOff") == 0) {
			pp->n_crash++;
		} else if (strcmp(st, "Pending") == 0 ||
			   strcmp(st, "ContainerCreating") == 0) {
			pp->n_pending++;
		} else if (r->sev == HEALTH_CRIT) {
			pp->n_failing++;
		}
	}
	for (i = 0; i < m->n_deploys; i++) {
		pp->n_degraded += pods_deploy_degraded(&m->deploys[i]);
		pp->n_stuck += pods_deploy_stuck(&m->deploys[i]);
	}
	for (i = 0; i < m->n_events; i++) {
		pp->n_warnings += strcmp(m->events[i].type, "Warning") == 0;
	}
	for (i = 0; i < m->n_nodes; i++) {
		const struct node_row *nd = &m->nodes[i];

		pp->n_not_ready += strcmp(nd->ready, "True") != 0;
		pp->n_pressure += nd->pressure[0] != '\0';
		pp->n_cordoned += nd->cordoned;
	}
	for (i = 0; i < m->n_hpas; i++) {
		pp->n_at_max += m->hpas[i].max > 0 &&
				m->hpas[i].current >= m->hpas[i].max;
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
pods_total(const struct pods_priv *pp, const struct pane *p)
{
	return pp->m != NULL ? sub_of(p)->count(pp->m) : 0;
}

static void
pods_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct pods_priv *pp = pods_priv(p);
	const struct pods_sub *sub = sub_of(p);
	const struct snapshot *data = c->data;
	const struct pods_model *m = data ? snapshot_pods(data) : NULL;
	char was_ns[128], was_name[256];
	const char *ns, *name;
	bool new_data, had = false;
	size_t i, n;

	if (m == NULL) {
		data = NULL;
	}
	/* Keep the same row selected across snapshots and re-sorts (not
	 * across a sub-view switch). */
	if (pp->cache.valid && pp->cache.sub == p->sub && pp->m != NULL &&
	    sub->key != NULL && p->view.sel < pp->ix.n) {
		sub->key(pp->m, pp->ix.idx[p->view.sel], &ns, &name);
		strlcpy_safe(was_ns, ns, sizeof(was_ns));
		strlcpy_safe(was_name, name, sizeof(was_name));
		had = true;
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
	n = pods_total(pp, p);
	for (i = 0; i < n; i++) {
		if (sub->match(p, m, i)) {
			pane_index_push(&pp->ix, i);
		}
	}
	pane_sort(pp->ix.idx, pp->ix.n, sub->cmp, pp, p->sort_desc);
	for (i = 0; had && i < pp->ix.n; i++) {
		sub->key(m, pp->ix.idx[i], &ns, &name);
		if (strcmp(name, was_name) == 0 && strcmp(ns, was_ns) == 0) {
			p->view.sel = i;
			break;
		}
	}
	table_view_clamp(&p->view, pp->ix.n);
}

/* ---- drawing ------------------------------------------------------------- */

static void
summary_pods(const struct pods_priv *pp, struct pane_line *l)
{
	const struct pods_model *m = pp->m;

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
	if (pp->n_stuck) {
		pane_line_sep(l);
		pane_line_addf(l, ROLE_CRIT, "stuck %zu", pp->n_stuck);
	}
	if (pp->n_not_ready) {
		pane_line_sep(l);
		pane_line_addf(l, ROLE_CRIT, "nodes NotReady %zu",
			       pp->n_not_ready);
	}
	if (pp->n_at_max) {
		pane_line_sep(l);
		pane_line_addf(l, ROLE_WARN, "hpa at max %zu", pp->n_at_max);
	}
}

static void
draw_summary(struct pane *p, const struct pods_priv *pp, struct pane_line *l)
{
	const struct pods_model *m = pp->m;
	const struct pods_sub *sub = sub_of(p);
	char right[96];

	snprintf(right, sizeof(right), "%s%s%s  sort %s%s", sub->name,
		 m->scope[0] ? " in " : "", m->scope,
		 sub->sorts[p->sort_col % sub->n_sorts],
		 p->sort_desc ? " (rev)" : "");
	/* Only where the counts still fit in full. */
	pane_line_right(l, ROLE_DIM, right, 110);
	switch (p->sub) {
	case SUB_EVENTS:
		pane_line_addf(l, ROLE_NORMAL, "events %zu", m->n_events);
		pane_line_sep(l);
		pane_line_addf(l, pp->n_warnings ? ROLE_WARN : ROLE_OK,
			       "warnings %zu", pp->n_warnings);
		break;
	case SUB_NODES:
		pane_line_addf(l, ROLE_NORMAL, "nodes %zu", m->n_nodes);
		pane_line_sep(l);
		pane_line_addf(l, pp->n_not_ready ? ROLE_CRIT : ROLE_OK,
			       "NotReady %zu", pp->n_not_ready);
		pane_line_sep(l);
		pane_line_addf(l, pp->n_pressure ? ROLE_WARN : ROLE_DIM,
			       "pressure %zu", pp->n_pressure);
		pane_line_sep(l);
		pane_line_addf(l, pp->n_cordoned ? ROLE_WARN : ROLE_DIM,
			       "cordoned %zu", pp->n_cordoned);
		break;
	case SUB_HPAS:
		pane_line_addf(l, ROLE_NORMAL, "autoscalers %zu", m->n_hpas);
		pane_line_sep(l);
		pane_line_addf(l, pp->n_at_max ? ROLE_WARN : ROLE_OK,
			       "at max %zu", pp->n_at_max);
		break;
	default:
		summary_pods(pp, l);
		break;
	}
}

static void
pods_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	  int x, int h, int w)
{
	struct pods_priv *pp = pods_priv(p);
	const struct pods_sub *sub;
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
	if (pp->nested != NEST_NONE) {
		pods_nested_draw(p, pp, c, win, y, x, h, w);
		return;
	}
	sub = sub_of(p);
	pane_line_init(&l, win, c->theme, y, x, w);
	if (p->filter[0] != '\0' && h < 4) {
		pane_line_filter(&l, p, pp->ix.n, pods_total(pp, p), 12);
	}
	draw_summary(p, pp, &l);
	line = 1;
	if (pp->m->notice[0] != '\0' && h >= 6) {
		draw_fill(win, y + line, x, 1, w, ROLE_NORMAL, c->theme);
		draw_text(win, y + line, x, w, pp->m->notice, ROLE_WARN,
			  c->theme);
		line++;
	}
	if (p->filter[0] != '\0' && h >= 4) {
		pane_draw_filter(win, y + line, x, w, c->theme, p, pp->ix.n,
				 pods_total(pp, p));
		line++;
	}
	if (h - line < 2) {
		return;
	}
	tm.ctx = pp;
	tm.n_rows = pp->ix.n;
	tm.cols = sub->cols;
	tm.n_cols = sub->n_cols;
	tm.cell = sub->cell;
	pp->table_dy = line;
	table_draw(win, y + line, x, h - line, w, &tm, &p->view, c->theme,
		   c->focused);
}

/* ---- keys, clicks, targets, detail --------------------------------------- */

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

/* The next sub-view, as 'v' cycles: pods, deployments and events always;
 * nodes and autoscalers when there are any (a cluster without
 * autoscalers, credentials that may not list nodes). */
static void
next_sub(struct pane *p, struct pods_priv *pp)
{
	int to = p->sub;

	do {
		to = (to + 1) % SUB_COUNT;
	} while (to > SUB_EVENTS && pp->m != NULL &&
		 subs[to]->count(pp->m) == 0);
	pane_switch_sub(p, pp->saved, SUB_COUNT, to);
}

/* d: the selected row's description. */
static bool
describe_selected(struct pane *p, struct pods_priv *pp)
{
	const char *kind = NULL, *ns = "", *name = NULL;

	if (pp->m == NULL || p->view.sel >= pp->ix.n) {
		return false;
	}
	switch (p->sub) {
	case SUB_PODS:
		kind = "pod";
		pods_sub_pods.key(pp->m, pp->ix.idx[p->view.sel], &ns,
				  &name);
		break;
	case SUB_DEPLOYS:
		kind = "deployment";
		pods_sub_deploys.key(pp->m, pp->ix.idx[p->view.sel], &ns,
				     &name);
		break;
	case SUB_NODES:
		kind = "node";
		pods_sub_nodes.key(pp->m, pp->ix.idx[p->view.sel], &ns,
				   &name);
		break;
	case SUB_HPAS:
		kind = "hpa";
		pods_sub_hpas.key(pp->m, pp->ix.idx[p->view.sel], &ns, &name);
		break;
	default:
		return false;
	}
	return pods_open_describe(p, pp, kind, ns, name);
}

static bool
pods_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct pods_priv *pp = pods_priv(p);
	const struct pods_sub *sub = sub_of(p);

	pods_refresh(p, c);
	if (pp->nested != NEST_NONE) {
		return pods_nested_key(p, pp, key);
	}
	switch (key) {
	case 'v':
		next_sub(p, pp);
		return true;
	case 's':
		pane_next_sort(p, sub->n_sorts);
		return true;
	case 'l':
	case 'L':
		return pods_open_logs(p, pp, selected_pod(p, pp), key == 'L');
	case 'd':
		return describe_selected(p, pp);
	default:
		return table_view_key(&p->view, key, pp->ix.n);
	}
}

static bool
pods_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct pods_priv *pp = pods_priv(p);

	pods_refresh(p, c);
	if (pp->nested != NEST_NONE) {
		return false;
	}
	return pane_table_click(p, pp->table_dy, dy, pp->ix.n);
}

static bool
pods_target(struct pane *p, const struct pane_ctx *c, enum target_type type,
	    struct action_target *t)
{
	struct pods_priv *pp = pods_priv(p);
	const struct pod_row *r;
	const struct deploy_row *d;
	const char *ns = NULL, *name = NULL;

	pods_refresh(p, c);
	if (pp->nested != NEST_NONE) {
		/* What the nested view shows is the target. */
		if (type == TARGET_POD && strcmp(pp->want.kind, "node") != 0 &&
		    (pp->nested == NEST_LOGS ||
		     strcmp(pp->want.kind, "pod") == 0)) {
			ns = pp->want.ns;
			name = pp->want.name;
			return pane_fits(t->u.pod.ns, sizeof(t->u.pod.ns), "%s",
					 ns) &&
			       pane_fits(t->u.pod.name, sizeof(t->u.pod.name),
					 "%s", name) &&
			       pane_fits(t->label, sizeof(t->label),
					 "pod %s/%s", ns, name);
		}
		if (type == TARGET_DEPLOYMENT &&
		    strcmp(pp->want.kind, "deployment") == 0) {
			ns = pp->want.ns;
			name = pp->want.name;
		} else {
			return false;
		}
	}
	r = selected_pod(p, pp);
	d = selected_deploy(p, pp);
	if (name == NULL && type == TARGET_POD && r != NULL) {
		return pane_fits(t->u.pod.ns, sizeof(t->u.pod.ns), "%s",
				 r->ns) &&
		       pane_fits(t->u.pod.name, sizeof(t->u.pod.name), "%s",
				 r->name) &&
		       pane_fits(t->label, sizeof(t->label), "pod %s/%s",
				 r->ns, r->name);
	}
	if (type != TARGET_DEPLOYMENT) {
		return false;
	}
	if (name == NULL && d != NULL) {
		ns = d->ns;
		name = d->name;
	} else if (name == NULL && r != NULL && r->owner[0] != '\0') {
		ns = r->ns;
		name = r->owner;
	}
	if (name == NULL) {
		return false;
	}
	return pane_fits(t->u.deploy.ns, sizeof(t->u.deploy.ns), "%s", ns) &&
	       pane_fits(t->u.deploy.name, sizeof(t->u.deploy.name), "%s",
			 name) &&
	       pane_fits(t->label, sizeof(t->label), "deployment %s/%s", ns,
			 name);
}

/* Events about object "kind/name" (the pod or deployment shown). */
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

static void
pod_detail(struct pane_buf *b, const struct pods_priv *pp,
	   const struct pod_row *r, int64_t now)
{
	char t1[64], t2[64], t3[64];

	pane_buf_addf(b, "pod %s/%s\n\n", r->ns, r->name);
	pane_buf_field(b, "namespace", r->ns);
	pane_buf_field(b, "name", r->name);
	pane_buf_field(b, "owner", r->owner);
	pane_buf_field(b, "status", r->status);
	pane_buf_field(b, "phase", r->phase);
	pane_buf_field(b, "reason", r->reason);
	pane_buf_field(b, "last termination", r->last_term);
	pane_buf_field(b, "why", r->why);
	pane_buf_addf(b, "ready: %d/%d\n", r->ready, r->containers);
	pane_buf_addf(b, "restarts: %d\n", r->restarts);
	if (r->started_ms > 0) {
		pane_buf_addf(b, "started: %s (%s ago)\n",
			      clock_format_utc(r->started_ms, 0, t1,
					       sizeof(t1)),
			      pane_fmt_age(now, r->started_ms, t2,
					   sizeof(t2)));
	} else {
		pane_buf_field(b, "started", NULL);
	}
	pane_buf_field(b, "node", r->node);
	pods_fmt_cpu(r->cpu_mcores, t1, sizeof(t1));
	pods_fmt_cpu(r->cpu_limit_mcores > 0 ? r->cpu_limit_mcores : NAN, t2,
		     sizeof(t2));
	pane_buf_addf(b, "cpu: %s (limit %s)\n", t1, t2);
	pane_buf_addf(b, "memory: %s (limit %s)\n",
		      fmt_bytes(r->mem_bytes, t2, sizeof(t2)),
		      fmt_bytes(r->mem_limit_bytes, t3, sizeof(t3)));
	add_events(b, pp->m, r->name, now);
}

static void
deploy_detail(struct pane_buf *b, const struct pods_priv *pp,
	      const struct deploy_row *d, int64_t now)
{
	size_t i;

	pane_buf_addf(b, "deployment %s/%s\n\n", d->ns, d->name);
	pane_buf_field(b, "namespace", d->ns);
	pane_buf_field(b, "name", d->name);
	pane_buf_addf(b, "replicas: %d desired, %d ready, %d up-to-date, %d "
		      "available\n", d->replicas, d->ready, d->updated,
		      d->available);
	if (d->revision > 0) {
		pane_buf_addf(b, "revision: %d\n", d->revision);
	} else {
		pane_buf_field(b, "revision", NULL);
	}
	pane_buf_field(b, "rollout", d->rollout);
	pane_buf_field(b, "rollout message", d->rollout_msg);
	if (d->prev_revision > 0) {
		pane_buf_addf(b, "undo goes to: revision %d (%s, %s)\n",
			      d->prev_revision, d->prev_rs, d->prev_image);
	}
	pane_buf_field(b, "image", d->image);
	for (i = 0; i < pp->m->n_pods; i++) {
		const struct pod_row *pr = &pp->m->pods[i];

		if (strcmp(pr->ns, d->ns) != 0 ||
		    strcmp(pr->owner, d->name) != 0) {
			continue;
		}
		pane_buf_addf(b, "  pod %s  %s  %d/%d  restarts %d\n",
			      pr->name, pr->status, pr->ready, pr->containers,
			      pr->restarts);
	}
	add_events(b, pp->m, d->name, now);
}

static char *
pods_detail(struct pane *p, const struct pane_ctx *c)
{
	struct pods_priv *pp = pods_priv(p);
	struct pane_buf b = { 0 };
	const struct pod_row *r;
	const struct deploy_row *d;
	char t1[64], t2[64];

	pods_refresh(p, c);
	if (pp->nested != NEST_NONE) {
		return pods_nested_text(pp);
	}
	if ((r = selected_pod(p, pp)) != NULL) {
		pod_detail(&b, pp, r, c->now_wall_ms);
		return pane_buf_take(&b);
	}
	if ((d = selected_deploy(p, pp)) != NULL) {
		deploy_detail(&b, pp, d, c->now_wall_ms);
		return pane_buf_take(&b);
	}
	if (p->sub == SUB_EVENTS && pp->m != NULL && p->view.sel < pp->ix.n) {
		const struct event_row *e =
			&pp->m->events[pp->ix.idx[p->view.sel]];

		pane_buf_addf(&b, "event %s %s\n\n", e->type, e->reason);
		pane_buf_addf(&b, "time: %s (%s ago)\n",
			      clock_format_utc(e->at_ms, 0, t1, sizeof(t1)),
			      pane_fmt_age(c->now_wall_ms, e->at_ms, t2,
					   sizeof(t2)));
		pane_buf_field(&b, "type", e->type);
		pane_buf_field(&b, "reason", e->reason);
		pane_buf_field(&b, "namespace", e->ns);
		pane_buf_field(&b, "object", e->object);
		pane_buf_addf(&b, "count: %d\n", e->count);
		pane_buf_addf(&b, "message:\n%s\n", e->message);
		return pane_buf_take(&b);
	}
	/* Nodes and autoscalers: d shows them whole. */
	return NULL;
}

/* ---- selecting a finding's row ------------------------------------------ */

/* "PREFIX:NS/NAME": the namespace into ns (size n) and the name; false
 * when row is not one. */
static bool
split_ns_name(const char *row, const char *prefix, char *ns, size_t n,
	      const char **name)
{
	const char *slash;

	if ((row = pane_after(row, prefix)) == NULL) {
		return false;
	}
	slash = strchr(row, '/');
	if (slash == NULL || (size_t)(slash - row) >= n) {
		return false;
	}
	memcpy(ns, row, (size_t)(slash - row));
	ns[slash - row] = '\0';
	*name = slash + 1;
	return true;
}

/* Selects in sub-view `to` the first row, in the order shown, of ns and
 * name: the object itself, or, with workload, a pod of the workload of
 * that name (the worst: problems are listed first). */
static bool
select_in(struct pane *p, const struct pane_ctx *c, int to, const char *ns,
	  const char *name, bool workload)
{
	struct pods_priv *pp = pods_priv(p);

	if (pp->nested != NEST_NONE) {
		pods_close_nested(p, pp);
	}
	if (p->sub != to) {
		pane_switch_sub(p, pp->saved, SUB_COUNT, to);
	}
	pods_refresh(p, c);
	for (size_t i = 0; pp->m != NULL && i < pp->ix.n; i++) {
		const char *rns, *rname;

		subs[to]->key(pp->m, pp->ix.idx[i], &rns, &rname);
		if (workload) {
			const struct pod_row *r = &pp->m->pods[pp->ix.idx[i]];

			rname = r->owner[0] != '\0' ? r->owner : r->name;
		}
		if (strcmp(rns, ns) == 0 && strcmp(rname, name) == 0) {
			p->view.sel = i;
			return true;
		}
	}
	return false;
}

static bool
pods_select(struct pane *p, const struct pane_ctx *c, const char *row)
{
	static const struct {
		const char *prefix;
		int sub;
	} objects[] = {
		{ "deploy:", SUB_DEPLOYS },
		{ "stuck:", SUB_DEPLOYS },
		{ "pod:", SUB_PODS },
		{ "oom:", SUB_PODS },
		{ "restarts:", SUB_PODS },
		{ "hpa:", SUB_HPAS },
	};
	char ns[256];
	const char *name;

	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		if (split_ns_name(row, objects[i].prefix, ns, sizeof(ns),
				  &name)) {
			return select_in(p, c, objects[i].sub, ns, name, false);
		}
	}
	/* A workload's crashing pods: its worst pod, else the workload. */
	if (split_ns_name(row, "crashloop:", ns, sizeof(ns), &name)) {
		return select_in(p, c, SUB_PODS, ns, name, true) ||
		       select_in(p, c, SUB_DEPLOYS, ns, name, false);
	}
	if ((name = pane_after(row, "node:")) != NULL) {
		return select_in(p, c, SUB_NODES, "", name, false);
	}
	return false;
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
	pane_index_finish(&pp->nix);
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
	.select = pods_select,
	.free = pods_free,
};
