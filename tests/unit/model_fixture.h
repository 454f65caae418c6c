/* Rows of the models built by hand, shared by the tests of the panes and
 * of the Findings strip: a pod, a PostgreSQL session, a metric panel and an alert with the
 * fields a pane draws, in the snapshot's memory. */
#ifndef WARROOM_MODEL_FIXTURE_H
#define WARROOM_MODEL_FIXTURE_H

#include <stdint.h>

#include "core/model.h"
#include "core/snapshot.h"

/* The wall time the pods started an hour before and the sessions' backend
 * start derive from. */
#define MODEL_FIXTURE_WALL0 1795317127000LL

/* Fills r: a pod of owner in ns, one container, started an hour before
 * MODEL_FIXTURE_WALL0, using 120m of CPU and 256 MiB of a 512 MiB limit. */
void fixture_pod(struct snapshot *s, struct pod_row *r, const char *ns,
		 const char *name, const char *owner, const char *phase,
		 const char *reason, int ready, int restarts);

/* Appends to m->sessions (room for it is the caller's) a session of
 * billing-api as billing on orders, running query for query_s seconds,
 * waiting for nothing; returns it. */
struct pg_session *fixture_session(struct snapshot *s, struct pg_model *m,
				   int pid, const char *state,
				   const char *query, double query_s);

/* Fills r: an alert firing since starts_ms, not silenced, labels "k=v". */
void fixture_alert(struct snapshot *s, struct alert_row *r,
		   const char *fingerprint, const char *name,
		   const char *severity, const char *labels,
		   const char *summary, int64_t starts_ms);

/* Fills pn: a panel of expr with room for n_rows rows (the caller fills
 * them and sets n_rows); warn and crit NAN for none. */
void fixture_panel(struct snapshot *s, struct metric_panel *pn,
		   const char *name, const char *expr,
		   enum metric_unit unit, double warn, double crit,
		   size_t n_rows);

#endif
