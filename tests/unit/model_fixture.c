/* Rows of the models built by hand (model_fixture.h). */
#include "model_fixture.h"

#include <math.h>

void
fixture_pod(struct snapshot *s, struct pod_row *r, const char *ns,
	    const char *name, const char *owner, const char *phase,
	    const char *reason, int ready, int restarts)
{
	r->ns = snapshot_strdup(s, ns);
	r->name = snapshot_strdup(s, name);
	r->owner = snapshot_strdup(s, owner);
	r->phase = snapshot_strdup(s, phase);
	r->reason = snapshot_strdup(s, reason);
	r->node = snapshot_strdup(s, "node-1");
	r->ready = ready;
	r->containers = 1;
	r->restarts = restarts;
	r->started_ms = MODEL_FIXTURE_WALL0 - 3600 * 1000;
	r->cpu_mcores = 120;
	r->mem_bytes = 256.0 * 1024 * 1024;
	r->mem_limit_bytes = 512.0 * 1024 * 1024;
}

struct pg_session *
fixture_session(struct snapshot *s, struct pg_model *m, int pid,
		const char *state, const char *query, double query_s)
{
	struct pg_session *x = &m->sessions[m->n_sessions++];

	x->pid = pid;
	x->user = snapshot_strdup(s, "billing");
	x->db = snapshot_strdup(s, "orders");
	x->client = snapshot_strdup(s, "10.0.0.5:51234");
	x->app = snapshot_strdup(s, "billing-api");
	x->state = snapshot_strdup(s, state);
	x->wait_event = snapshot_strdup(s, "");
	x->query = snapshot_strdup(s, query);
	x->backend_start_us = (MODEL_FIXTURE_WALL0 - 3600 * 1000) * 1000 +
			      pid;
	x->query_s = query_s;
	x->xact_s = query_s;
	x->lock_mode = snapshot_strdup(s, "");
	x->lock_rel = snapshot_strdup(s, "");
	x->wait_s = NAN;
	return x;
}

void
fixture_alert(struct snapshot *s, struct alert_row *r, const char *fingerprint,
	      const char *name, const char *severity, const char *labels,
	      const char *summary, int64_t starts_ms)
{
	*r = (struct alert_row){ 0 };
	r->fingerprint = snapshot_strdup(s, fingerprint);
	r->name = snapshot_strdup(s, name);
	r->severity = snapshot_strdup(s, severity);
	r->labels = snapshot_strdup(s, labels);
	r->summary = snapshot_strdup(s, summary);
	r->starts_ms = starts_ms;
	r->silence_id = snapshot_strdup(s, "");
}

void
fixture_panel(struct snapshot *s, struct metric_panel *pn, const char *name,
	      const char *expr, enum metric_unit unit, double warn,
	      double crit, size_t n_rows)
{
	pn->name = snapshot_strdup(s, name);
	pn->expr = snapshot_strdup(s, expr);
	pn->unit = unit;
	pn->warn = warn;
	pn->crit = crit;
	pn->rows = snapshot_alloc(s, n_rows * sizeof(*pn->rows));
	pn->n_rows = 0;
}
