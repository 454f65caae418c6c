/* What the Database pane's files (tui/pane_db.c, tui/pane_db_views.c)
 * share, and no other file includes: the pane's state and sub-views, and
 * the tables tui/pane_db_views.c draws. UI thread only. */
#ifndef WARROOM_PANE_DB_VIEWS_H
#define WARROOM_PANE_DB_VIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "core/model.h"
#include "themes/theme.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "tui/pane_db_locks.h"
#include "widgets/table.h"

enum { SUB_OVERVIEW, SUB_SESSIONS, SUB_REPLICATION, SUB_STATEMENTS,
       SUB_COUNT };

/* The pane's state (pane.priv). */
struct db_priv {
	struct pane_cache cache;
	struct pane_subview saved[SUB_COUNT];
	const struct pg_model *m;       /* of cache.held */
	/* Table rows of the sub-view: long queries in the overview,
	 * sessions, replicas or statements in the others. */
	struct pane_index ix;
	struct locktree tree;   /* rebuilt per snapshot */
	struct table_view long_view;
	/* Where the last draw put things, for clicks. */
	int tree_dy, tree_rows;
	int table_dy;
	size_t table_base;      /* selectable number of the table's row 0 */
};

/* ---- tui/pane_db_views.c ------------------------------------------------- */

/* A session, not idle, whose query has run for more than 5 s: one the
 * overview lists. */
/* The long-query threshold of m's source, in seconds (5 by default). */
double pane_db_views_long_s(const struct pg_model *m);
bool pane_db_views_is_long(const struct pg_model *m,
			   const struct pg_session *s);
/* Whether the overview lists dp->m->sessions[i] under LONG QUERIES: a
 * long one that is not in the lock tree (which shows it already). */
bool pane_db_views_is_overview_long(const struct db_priv *dp, size_t i);
/* How many rows sub-view sub has before the filter (0 without data). */
size_t pane_db_views_total(const struct db_priv *dp, int sub);

/* Sorts dp->ix for p's sub-view (the overview's long queries by
 * duration). */
void pane_db_views_sort(struct pane *p, struct db_priv *dp);
/* How many sort columns sub-view sub offers ('s' steps through them). */
int pane_db_views_n_sorts(int sub);

/* The overview's table of long-running queries: the sessions in dp->ix. */
struct table_model pane_db_views_long_table(struct db_priv *dp);
/* Draws the sessions, replication or statements sub-view (p->sub). */
void pane_db_views_draw(struct pane *p, struct db_priv *dp,
			const struct pane_ctx *c, WINDOW *win, int y, int x,
			int h, int w);

/* The role of a replication lag of s seconds (dim when unknown). */
enum role pane_db_views_lag_role(double s);
/* The role of a replication lag of b bytes of WAL (dim when unknown). */
enum role pane_db_views_bytes_role(double b);
/* "standby: replay delay 3s, 12.0 MiB to replay · replay paused" on l. */
void pane_db_views_standby(struct pane_line *l, const struct pg_model *m);
/* The pids s waits for, "4242,4243", into buf (size n). */
void pane_db_views_fmt_pids(const struct pg_session *s, char *buf, size_t n);

#endif
