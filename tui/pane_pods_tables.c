/* The Pods pane's tables of pods, deployments and events: columns, cells
 * and sorts, problems first (the pane itself is tui/pane_pods.c). UI
 * thread only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "tui/pane_pods.h"
#include "widgets/draw.h"

static int
cmp_str(const char *a, const char *b)
{
	return strcmp(a, b);
}

/* Of a limit: crit above 95 %, warn above 80 %. */
static enum role
limit_role(double used, double limit)
{
	if (isnan(used) || isnan(limit) || limit <= 0) {
		return ROLE_NORMAL;
	}
	return used / limit > 0.95 ? ROLE_CRIT :
	       used / limit > 0.8 ? ROLE_WARN : ROLE_NORMAL;
}

/* ---- pods ------------------------------------------------------------------ */

enum {
	POD_SORT_STATUS,
	POD_SORT_RESTARTS,
	POD_SORT_AGE,
	POD_SORT_NAME,
	POD_SORT_CPU,
	POD_SORT_MEM,
	POD_SORT_COUNT,
};

static const char *const pod_sorts[POD_SORT_COUNT] = {
	"status", "restarts", "age", "name", "cpu", "mem",
};

static const struct table_col pod_cols[] = {
	{ "NAMESPACE", 11, 6, false, false },
	{ "NAME", 40, 20, false, false },
	{ "READY", 5, 5, true, false },
	{ "STATUS", 16, 8, false, false },
	{ "RESTARTS", 12, 4, true, false },
	{ "AGE", 6, 0, true, false },
	{ "CPU", 5, 0, true, false },
	{ "MEM", 8, 0, true, false },
	{ "%MEM/L", 6, 0, true, false },
	{ "NODE", 26, 0, false, false },
	{ "LAST / WHY", 30, 0, false, true },
};

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
	if (r == 0) {
		r = cmp_str(a->name, b->name);
	}
	return r != 0 ? r : cmp_str(a->ns, b->ns);
}

static void
pod_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	 enum role *role)
{
	const struct pods_priv *pp = ctx;
	const struct pod_row *r = &pp->m->pods[pp->ix.idx[row]];
	char age[32];

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
		*role = pods_severity_role(r->sev);
		if (*role == ROLE_NORMAL && strcmp(r->phase, "Running") == 0) {
			*role = ROLE_OK;
		}
		break;
	case 4:
		/* kubectl's "5 (2m ago)", shorter. */
		if (r->restarts > 0 && r->last_restart_ms > 0) {
			snprintf(buf, n, "%d (%s)", r->restarts,
				 pane_fmt_age(pp->now_wall_ms,
					      r->last_restart_ms, age,
					      sizeof(age)));
		} else {
			snprintf(buf, n, "%d", r->restarts);
		}
		if (r->restarts >= 5) {
			*role = ROLE_WARN;
		}
		break;
	case 5:
		pane_fmt_age(pp->now_wall_ms, r->started_ms, buf, (int)n);
		*role = ROLE_DIM;
		break;
	case 6:
		pods_fmt_cpu(r->cpu_mcores, buf, n);
		*role = limit_role(r->cpu_mcores, r->cpu_limit_mcores);
		break;
	case 7:
		fmt_bytes(r->mem_bytes, buf, (int)n);
		*role = limit_role(r->mem_bytes, r->mem_limit_bytes);
		break;
	case 8:
		if (isnan(r->mem_bytes) || isnan(r->mem_limit_bytes) ||
		    r->mem_limit_bytes <= 0) {
			snprintf(buf, n, "%s", pane_dash());
		} else {
			snprintf(buf, n, "%.0f%%",
				 100.0 * r->mem_bytes / r->mem_limit_bytes);
		}
		*role = limit_role(r->mem_bytes, r->mem_limit_bytes);
		break;
	case 9:
		snprintf(buf, n, "%s", r->node);
		*role = ROLE_DIM;
		break;
	default:
		if (r->last_term[0] != '\0' && r->restarts > 0 &&
		    strcmp(r->last_term, r->status) != 0) {
			snprintf(buf, n, "%s", r->last_term);
			*role = strcmp(r->last_term, "OOMKilled") == 0 ?
				ROLE_CRIT : ROLE_WARN;
			if (r->why[0] != '\0' &&
			    strncmp(r->why, "last terminated", 15) != 0) {
				strappendf(buf, n, "; ");
				pane_oneline(buf + strlen(buf),
					     n - strlen(buf), r->why);
			}
		} else {
			pane_oneline(buf, n, r->why);
			*role = ROLE_DIM;
		}
		break;
	}
}

static size_t
pods_count(const struct pods_model *m)
{
	return m->n_pods;
}

static bool
pods_match(const struct pane *p, const struct pods_model *m, size_t i)
{
	const struct pod_row *r = &m->pods[i];

	return pane_filter_any(p, r->name, r->ns, r->status, r->node,
			       r->owner, r->last_term, NULL);
}

static void
pods_key_of(const struct pods_model *m, size_t i, const char **ns,
	    const char **name)
{
	*ns = m->pods[i].ns;
	*name = m->pods[i].name;
}

const struct pods_sub pods_sub_pods = {
	"pods", pod_cols, (int)(sizeof(pod_cols) / sizeof(pod_cols[0])),
	pod_cell, pod_sorts, POD_SORT_COUNT, pods_count, pods_match,
	cmp_pods, pods_key_of,
};

/* ---- deployments ----------------------------------------------------------- */

static const char *const dep_sorts[] = { "status", "name" };

static const struct table_col dep_cols[] = {
	{ "NAMESPACE", 12, 6, false, false },
	{ "NAME", 24, 10, false, false },
	{ "READY", 7, 5, true, false },
	{ "UP-TO-DATE", 10, 0, true, false },
	{ "AVAILABLE", 9, 0, true, false },
	{ "REVISION", 8, 0, true, false },
	{ "ROLLOUT", 24, 8, false, false },
	{ "IMAGE", 30, 0, false, true },
};

bool
pods_deploy_degraded(const struct deploy_row *d)
{
	return d->available < d->replicas || d->ready < d->replicas;
}

bool
pods_deploy_stuck(const struct deploy_row *d)
{
	return strcmp(d->rollout, "ProgressDeadlineExceeded") == 0;
}

static int
cmp_deploys(const void *ctx, size_t ia, size_t ib)
{
	const struct pods_priv *pp = ctx;
	const struct deploy_row *a = &pp->m->deploys[ia];
	const struct deploy_row *b = &pp->m->deploys[ib];
	int r = 0;

	if (pp->cache.sort_col == 0) {
		r = (int)pods_deploy_stuck(b) - (int)pods_deploy_stuck(a);
		if (r == 0) {
			r = (b->replicas - b->available) -
			    (a->replicas - a->available);
		}
	}
	if (r == 0) {
		r = cmp_str(a->name, b->name);
	}
	return r != 0 ? r : cmp_str(a->ns, b->ns);
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
	case 6:
		if (pods_deploy_stuck(d)) {
			snprintf(buf, n, "STUCK (ProgressDeadlineExceeded)");
			*role = ROLE_CRIT;
		} else if (strcmp(d->rollout, "progressing") == 0) {
			snprintf(buf, n, "rolling: ");
			pane_oneline(buf + strlen(buf), n - strlen(buf),
				     d->rollout_msg);
			*role = ROLE_WARN;
		} else {
			snprintf(buf, n, "%s", d->rollout[0] ? d->rollout :
				 pane_dash());
			*role = strcmp(d->rollout, "paused") == 0 ? ROLE_WARN :
				ROLE_DIM;
		}
		break;
	default:
		snprintf(buf, n, "%s", d->image);
		*role = ROLE_DIM;
		break;
	}
}

static size_t
deploys_count(const struct pods_model *m)
{
	return m->n_deploys;
}

static bool
deploys_match(const struct pane *p, const struct pods_model *m, size_t i)
{
	const struct deploy_row *d = &m->deploys[i];

	return pane_filter_any(p, d->name, d->ns, d->image, d->rollout, NULL);
}

static void
deploys_key_of(const struct pods_model *m, size_t i, const char **ns,
	       const char **name)
{
	*ns = m->deploys[i].ns;
	*name = m->deploys[i].name;
}

const struct pods_sub pods_sub_deploys = {
	"deployments", dep_cols, (int)(sizeof(dep_cols) / sizeof(dep_cols[0])),
	deploy_cell, dep_sorts, 2, deploys_count, deploys_match, cmp_deploys,
	deploys_key_of,
};

/* ---- events ------------------------------------------------------------------ */

/* Warnings first (then newest first) is kubectl's --sort-by with the
 * triage the runbooks do by hand. */
static const char *const ev_sorts[] = { "warnings", "time" };

static const struct table_col ev_cols[] = {
	{ "AGE", 6, 4, true, false },
	{ "TYPE", 7, 0, false, false },
	{ "REASON", 16, 6, false, false },
	{ "NAMESPACE", 11, 0, false, false },
	{ "OBJECT", 28, 8, false, false },
	{ "COUNT", 5, 0, true, false },
	{ "MESSAGE", 40, 10, false, true },
};

static int
cmp_events(const void *ctx, size_t ia, size_t ib)
{
	const struct pods_priv *pp = ctx;
	const struct event_row *a = &pp->m->events[ia];
	const struct event_row *b = &pp->m->events[ib];
	int r = 0;

	if (pp->cache.sort_col == 0) {
		r = (strcmp(b->type, "Warning") == 0) -
		    (strcmp(a->type, "Warning") == 0);
	}
	if (r == 0) {
		r = a->at_ms > b->at_ms ? -1 : a->at_ms < b->at_ms ? 1 : 0;
	}
	return r;
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
		snprintf(buf, n, "%s", e->ns);
		*role = ROLE_DIM;
		break;
	case 4:
		snprintf(buf, n, "%s", e->object);
		break;
	case 5:
		if (e->count > 0) {
			snprintf(buf, n, "%d", e->count);
		} else {
			snprintf(buf, n, "%s", pane_dash());
		}
		*role = ROLE_DIM;
		break;
	default:
		pane_oneline(buf, n, e->message);
		break;
	}
}

static size_t
events_count(const struct pods_model *m)
{
	return m->n_events;
}

static bool
events_match(const struct pane *p, const struct pods_model *m, size_t i)
{
	const struct event_row *e = &m->events[i];

	return pane_filter_any(p, e->type, e->reason, e->object, e->message,
			       e->ns, NULL);
}

const struct pods_sub pods_sub_events = {
	"events", ev_cols, (int)(sizeof(ev_cols) / sizeof(ev_cols[0])),
	event_cell, ev_sorts, 2, events_count, events_match, cmp_events, NULL,
};
