/* The Database pane's lock tree: who blocks whom among a snapshot's
 * sessions, as the lines of a tree (each root blocker, then the sessions
 * waiting behind it), and its drawing. Only the Database pane's files
 * (tui/pane_db*.c) include it. UI thread only. */
#ifndef WARROOM_PANE_DB_LOCKS_H
#define WARROOM_PANE_DB_LOCKS_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "core/model.h"
#include "tui/pane.h"

/* Tree guides stop growing past this depth (the text still shows). */
#define LOCKTREE_GUIDE_DEPTH_MAX 24
#define LOCKTREE_GUIDE_BYTES (LOCKTREE_GUIDE_DEPTH_MAX * 8 + 1)

/* One line of the lock tree. */
struct locktree_line {
	int sess;               /* index into sessions, -1 none */
	int pid;                /* the pid shown (virtual roots have no sess) */
	int depth;              /* 0 for a root */
	bool query;             /* the root's query line under it */
	bool cycle;             /* a root picked from a deadlock cycle */
	int blocks;             /* sessions blocked behind it, transitively */
	int more_blockers;      /* blockers beyond the one it is listed under */
	char guide[LOCKTREE_GUIDE_BYTES];
};

/* Embedded in the pane's state; zeroed it is empty. The selectable lines
 * are the sessions' own (not the query line under a root). */
struct locktree {
	struct locktree_line *lines;
	size_t n_lines, cap_lines;
	size_t *sel;            /* selectable number -> line */
	size_t n_sel;
	int n_roots;
	int n_waiting;
	double longest_wait_s;
	size_t top;             /* first line shown */
	bool *member;           /* member[i]: sessions[i] has a line */
	size_t n_member, cap_member;
};

/* Rebuilds lt from m's sessions; the lines index m->sessions. */
void locktree_build(struct locktree *lt, const struct pg_model *m);
/* Whether sessions[sess] of the model lt was built from has a line in
 * it (it waits, or others wait behind it). */
bool locktree_has(const struct locktree *lt, size_t sess);
/* Empties lt (no model to show). */
void locktree_clear(struct locktree *lt);
/* Frees what lt holds. */
void locktree_finish(struct locktree *lt);

/* Draws lt, built from m, in rows lines at y (the first is its heading).
 * p->view.sel below lt->n_sel selects a line of the tree (highlighted when
 * the pane has focus); sets p->view.page. */
void locktree_draw(struct locktree *lt, const struct pg_model *m,
		   struct pane *p, const struct pane_ctx *c, WINDOW *win,
		   int y, int x, int rows, int w);

/* How long s has waited for its lock (its query's age when the wait is
 * unknown); NAN when neither is known. */
double locktree_wait_s(const struct pg_session *s);

#endif
