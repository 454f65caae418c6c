/* The Pods pane's pieces (tui/pane_pods.c: pods, deployments, events and
 * the pane itself; tui/pane_pods_views.c: nodes, autoscalers, and the
 * logs and describe views nested in the pane). UI thread only. */
#ifndef WARROOM_PANE_PODS_H
#define WARROOM_PANE_PODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kind.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "widgets/table.h"

enum {
	SUB_PODS,
	SUB_DEPLOYS,
	SUB_EVENTS,
	SUB_NODES,
	SUB_HPAS,
	SUB_COUNT,
};

/* A view nested in the pane, over its table. */
enum {
	NEST_NONE,
	NEST_LOGS,
	NEST_DESCRIBE,
};

struct pods_priv;

/* One sub-view: its table, its sorts, its rows. */
struct pods_sub {
	const char *name;       /* "nodes": the summary line's */
	const struct table_col *cols;
	int n_cols;
	void (*cell)(void *ctx, size_t row, int col, char *buf, size_t n,
		     enum role *role);
	const char *const *sorts;
	int n_sorts;
	size_t (*count)(const struct pods_model *m);
	bool (*match)(const struct pane *p, const struct pods_model *m,
		      size_t i);
	int (*cmp)(const void *ctx, size_t a, size_t b);
	/* Row i's namespace ("" for a node) and name, which keep it
	 * selected across snapshots. */
	void (*key)(const struct pods_model *m, size_t i, const char **ns,
		    const char **name);
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
	size_t n_degraded, n_warnings, n_stuck;
	size_t n_not_ready, n_pressure, n_cordoned, n_at_max;
	/* The nested view: what it asked for, its scroll, the filter the
	 * table had (the view has its own search). */
	int nested;
	struct pods_focus want;
	struct table_view nview;
	struct pane_index nix;          /* the lines the search keeps */
	bool at_end;                    /* follow the newest line */
	char table_filter[PANE_FILTER_MAX];
};

/* tui/pane_pods_tables.c */
extern const struct pods_sub pods_sub_pods;
extern const struct pods_sub pods_sub_deploys;
extern const struct pods_sub pods_sub_events;
bool pods_deploy_degraded(const struct deploy_row *d);
/* Its rollout passed the progress deadline. */
bool pods_deploy_stuck(const struct deploy_row *d);

/* tui/pane_pods_views.c */
extern const struct pods_sub pods_sub_nodes;
extern const struct pods_sub pods_sub_hpas;

/* The role of a health. */
enum role pods_severity_role(enum health sev);
/* "250m", "1.50" cores, or "—". */
void pods_fmt_cpu(double mcores, char *buf, size_t n);

/* ---- the nested views (tui/pane_pods_views.c) ---- */

/* Opens the logs (previous: of the instance before) or the description of
 * the selected row; false when the row has none. */
bool pods_open_logs(struct pane *p, struct pods_priv *pp,
		    const struct pod_row *r, bool previous);
bool pods_open_describe(struct pane *p, struct pods_priv *pp,
			const char *kind, const char *ns, const char *name);
void pods_close_nested(struct pane *p, struct pods_priv *pp);
/* A key for the nested view; true when it changed anything. */
bool pods_nested_key(struct pane *p, struct pods_priv *pp, int key);
void pods_nested_draw(struct pane *p, struct pods_priv *pp,
		      const struct pane_ctx *c, WINDOW *win, int y, int x,
		      int h, int w);
/* The nested view's text, for the detail overlay; NULL when its answer has
 * not come. */
char *pods_nested_text(const struct pods_priv *pp);

#endif
