/* The Database pane's lock tree: who blocks whom among a snapshot's
 * sessions (the blocking-locks query of the runbooks drawn as a tree),
 * turned into lines once per snapshot from the lock graph derived at
 * publish (core/kind_pg_locks.c), and drawn from them. UI thread only. */
#include "tui/pane_db_locks.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kind.h"
#include "core/xalloc.h"
#include "tui/pane_common.h"
#include "widgets/draw.h"

static bool
is_idle_xact(const struct pg_session *s)
{
	return strncmp(s->state, "idle in transaction", 19) == 0;
}

/* How long the session has been in its present state: the transaction
 * for an idle-in-transaction one, else the query. */
static double
session_age_s(const struct pg_session *s)
{
	if (is_idle_xact(s) && !isnan(s->xact_s)) {
		return s->xact_s;
	}
	return !isnan(s->query_s) ? s->query_s : s->xact_s;
}

double
locktree_wait_s(const struct pg_session *s)
{
	return pg_session_wait_s(s);
}

/* ---- lines from the lock graph ------------------------------------------- */

/* The graph (struct pg_locks) is derived once at publish; the pane only
 * turns it into lines: each tree drawn depth first from its root, each
 * node once (a node seen before, in a cycle, is not entered again). */

static void
push_line(struct locktree *lt, const struct locktree_line *tl)
{
	if (lt->n_lines == lt->cap_lines) {
		lt->cap_lines = lt->cap_lines ? lt->cap_lines * 2 : 32;
		lt->lines = xreallocarray(lt->lines, lt->cap_lines,
					  sizeof(*lt->lines));
	}
	lt->lines[lt->n_lines++] = *tl;
}

static int
node_pid(const struct pg_model *m, int node)
{
	return (size_t)node < m->n_sessions ? m->sessions[node].pid :
	       m->locks.hidden_pid[(size_t)node - m->n_sessions];
}

/* Depth-first walk from root without recursion (a chain of waiters may
 * be as long as the session list). */
struct emit_frame {
	int child;              /* next child to enter, -1 none */
	int depth;
	size_t plen;            /* prefix bytes for this node's children */
};

static void
emit_tree(struct locktree *lt, const struct pg_model *m, int root,
	  bool cycle, bool *visited, struct emit_frame *stack, char *prefix)
{
	const struct pg_locks *g = &m->locks;
	struct locktree_line tl;
	size_t sp = 0;

	memset(&tl, 0, sizeof(tl));
	visited[root] = true;
	tl.sess = (size_t)root < m->n_sessions ? root : -1;
	tl.pid = node_pid(m, root);
	tl.cycle = cycle;
	tl.blocks = g->behind[root];
	tl.more_blockers = tl.sess >= 0 ? g->more[root] : 0;
	push_line(lt, &tl);
	if (tl.sess >= 0) {
		tl.query = true;
		strlcpy_safe(tl.guide, g->first_child[root] >= 0 ?
			     pane_guide_pipe() : pane_guide_space(),
			     sizeof(tl.guide));
		push_line(lt, &tl);
	}
	prefix[0] = '\0';
	stack[sp].child = g->first_child[root];
	stack[sp].depth = 0;
	stack[sp].plen = 0;
	sp++;
	while (sp > 0) {
		struct emit_frame *f = &stack[sp - 1];
		struct locktree_line cl;
		bool last;
		int k = f->child;

		if (k < 0) {
			sp--;
			continue;
		}
		f->child = g->next_sibling[k];
		last = f->child < 0;
		if (visited[k]) {
			continue;
		}
		visited[k] = true;
		memset(&cl, 0, sizeof(cl));
		cl.sess = k;
		cl.pid = node_pid(m, k);
		cl.depth = f->depth + 1;
		cl.blocks = g->behind[k];
		cl.more_blockers = g->more[k];
		prefix[f->plen] = '\0';
		strlcpy_safe(cl.guide, prefix, sizeof(cl.guide));
		if (f->depth < LOCKTREE_GUIDE_DEPTH_MAX) {
			size_t gl = strlen(cl.guide);

			strlcpy_safe(cl.guide + gl, last ? pane_guide_last() :
				     pane_guide_tee(), sizeof(cl.guide) - gl);
		}
		push_line(lt, &cl);
		/* Enter k: its children hang under a pipe unless it was the
		 * last of its siblings. */
		{
			struct emit_frame *nf = &stack[sp];
			size_t plen = f->plen;

			if (f->depth < LOCKTREE_GUIDE_DEPTH_MAX) {
				strlcpy_safe(prefix + plen,
					     last ? pane_guide_space() :
					     pane_guide_pipe(),
					     LOCKTREE_GUIDE_BYTES - plen);
				plen = strlen(prefix);
			}
			nf->child = g->first_child[k];
			nf->depth = f->depth + 1;
			nf->plen = plen;
			sp++;
		}
	}
}

static void
mark_members(struct locktree *lt, size_t n_sessions)
{
	if (n_sessions > lt->cap_member) {
		lt->member = xreallocarray(lt->member, n_sessions,
					   sizeof(*lt->member));
		lt->cap_member = n_sessions;
	}
	lt->n_member = n_sessions;
	memset(lt->member, 0, n_sessions * sizeof(*lt->member));
	for (size_t i = 0; i < lt->n_lines; i++) {
		if (lt->lines[i].sess >= 0 &&
		    (size_t)lt->lines[i].sess < n_sessions) {
			lt->member[lt->lines[i].sess] = true;
		}
	}
}

void
locktree_build(struct locktree *lt, const struct pg_model *m)
{
	const struct pg_locks *g = &m->locks;
	struct emit_frame *stack;
	bool *visited;
	char *prefix;
	size_t i;

	lt->n_lines = 0;
	lt->n_sel = 0;
	lt->n_roots = (int)g->n_roots;
	lt->n_waiting = g->n_waiting;
	lt->longest_wait_s = g->longest_wait_s;
	lt->n_member = 0;
	if (m->n_sessions == 0 || g->n_nodes == 0) {
		lt->n_roots = 0;
		return;
	}
	visited = xcalloc(g->n_nodes, sizeof(*visited));
	stack = xreallocarray(NULL, g->n_nodes + 1, sizeof(*stack));
	prefix = xmalloc(LOCKTREE_GUIDE_BYTES);
	for (i = 0; i < g->n_roots; i++) {
		emit_tree(lt, m, g->roots[i], i >= g->n_blockers, visited,
			  stack, prefix);
	}
	lt->sel = xreallocarray(lt->sel, lt->n_lines ? lt->n_lines : 1,
				sizeof(*lt->sel));
	for (i = 0; i < lt->n_lines; i++) {
		if (lt->lines[i].sess >= 0 && !lt->lines[i].query) {
			lt->sel[lt->n_sel++] = i;
		}
	}
	free(prefix);
	free(stack);
	free(visited);
	mark_members(lt, m->n_sessions);
}

bool
locktree_has(const struct locktree *lt, size_t sess)
{
	return sess < lt->n_member && lt->member[sess];
}

void
locktree_clear(struct locktree *lt)
{
	lt->n_lines = 0;
	lt->n_sel = 0;
	lt->n_member = 0;
}

void
locktree_finish(struct locktree *lt)
{
	free(lt->lines);
	free(lt->sel);
	free(lt->member);
	memset(lt, 0, sizeof(*lt));
}

/* ---- drawing ------------------------------------------------------------- */

static void
draw_tree_line(const struct pg_model *m, const struct pane_ctx *c,
	       WINDOW *win, int y, int x, int w,
	       const struct locktree_line *tl, bool selected)
{
	const struct pg_session *s =
		tl->sess >= 0 ? &m->sessions[tl->sess] : NULL;
	struct pane_line l;
	char a[32], q[TABLE_CELL_MAX];
#define R(role) (selected ? ROLE_SELECTED : (role))

	if (selected) {
		draw_fill(win, y, x, 1, w, ROLE_SELECTED, c->theme);
	}
	pane_line_init(&l, win, c->theme, y, x, w);
	pane_line_add(&l, R(ROLE_DIM), tl->guide);
	if (tl->query) {
		pane_oneline(q, sizeof(q), s->query);
		pane_line_add(&l, R(ROLE_NORMAL), q[0] ? q : "(no query)");
		return;
	}
	if (s == NULL) {
		pane_line_addf(&l, R(ROLE_CRIT),
			       "pid %d (not visible to this role)", tl->pid);
		pane_line_addf(&l, R(ROLE_CRIT), " · blocks %d", tl->blocks);
		return;
	}
	if (tl->depth == 0 && !tl->cycle) {
		pane_line_addf(&l, R(ROLE_CRIT), "pid %d %s@%s", s->pid,
			       s->user, s->db);
		if (s->app[0] != '\0') {
			pane_line_addf(&l, R(ROLE_CRIT), " (%s)", s->app);
		}
		pane_line_addf(&l, R(ROLE_CRIT), " %s %s", s->state,
			       pane_fmt_dur_s(session_age_s(s), a, sizeof(a)));
		pane_line_addf(&l, R(ROLE_CRIT), " · blocks %d", tl->blocks);
		return;
	}
	pane_line_addf(&l, R(ROLE_WARN), "pid %d", s->pid);
	if (s->app[0] != '\0') {
		pane_line_addf(&l, R(ROLE_WARN), " (%s)", s->app);
	}
	pane_line_addf(&l, R(ROLE_WARN), " waits %s",
		       pane_fmt_dur_s(locktree_wait_s(s), a, sizeof(a)));
	if (s->lock_mode[0] != '\0') {
		pane_line_addf(&l, R(ROLE_WARN), " %s", s->lock_mode);
	} else if (s->wait_event[0] != '\0') {
		pane_line_addf(&l, R(ROLE_WARN), " %s", s->wait_event);
	}
	if (s->lock_rel[0] != '\0') {
		pane_line_addf(&l, R(ROLE_WARN), " on %s", s->lock_rel);
	}
	if (tl->blocks > 0) {
		pane_line_addf(&l, R(ROLE_CRIT), " · blocks %d", tl->blocks);
	}
	if (tl->more_blockers > 0) {
		pane_line_addf(&l, R(ROLE_DIM), " (+%d more blocker%s)",
			       tl->more_blockers,
			       tl->more_blockers > 1 ? "s" : "");
	}
	if (tl->cycle) {
		pane_line_add(&l, R(ROLE_CRIT), " (deadlock cycle)");
	}
	pane_line_addf(&l, R(ROLE_DIM), " %s ", pane_dash());
	pane_oneline(q, sizeof(q), s->query);
	pane_line_add(&l, R(ROLE_NORMAL), q);
#undef R
}

void
locktree_draw(struct locktree *lt, const struct pg_model *m, struct pane *p,
	      const struct pane_ctx *c, WINDOW *win, int y, int x, int rows,
	      int w)
{
	struct pane_line l;
	char a[32];
	size_t i, shown;
	bool sel_in_tree = p->view.sel < lt->n_sel;

	if (rows <= 0) {
		return;
	}
	pane_line_init(&l, win, c->theme, y, x, w);
	shown = (size_t)(rows - 1);
	if (sel_in_tree) {
		size_t li = lt->sel[p->view.sel];

		if (li < lt->top) {
			lt->top = li;
		} else if (shown > 0 && li >= lt->top + shown) {
			lt->top = li - shown + 1;
		}
	}
	if (lt->top + shown > lt->n_lines) {
		lt->top = lt->n_lines > shown ? lt->n_lines - shown : 0;
	}
	/* Never start on a query line without the root it belongs to. */
	if (lt->top < lt->n_lines && lt->lines[lt->top].query) {
		size_t li = sel_in_tree ? lt->sel[p->view.sel] : 0;

		if (lt->top > 0 &&
		    (!sel_in_tree || li + 1 < lt->top + shown)) {
			lt->top--;
		} else if (!sel_in_tree || li > lt->top) {
			lt->top++;
		}
	}
	if (lt->n_lines > shown && shown > 0) {
		char r[48];

		snprintf(r, sizeof(r), "%zu-%zu of %zu", lt->top + 1,
			 lt->top + shown, lt->n_lines);
		pane_line_right(&l, ROLE_DIM, r, 30);
	}
	pane_line_add(&l, ROLE_COLUMN, "LOCKS ");
	if (lt->n_lines == 0) {
		pane_line_add(&l, ROLE_OK, "no lock waits");
	} else {
		pane_line_addf(&l, ROLE_CRIT, "%d blocker%s", lt->n_roots,
			       lt->n_roots == 1 ? "" : "s");
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_WARN, "%d waiting", lt->n_waiting);
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_WARN, "longest wait %s",
			       pane_fmt_dur_s(lt->longest_wait_s, a,
					      sizeof(a)));
	}
	for (i = 0; i < shown && lt->top + i < lt->n_lines; i++) {
		size_t li = lt->top + i;
		size_t sl = sel_in_tree ? lt->sel[p->view.sel] : SIZE_MAX;
		/* A selected root takes its query line with it. */
		bool selected = c->focused && sel_in_tree &&
				(sl == li ||
				 (lt->lines[li].query && sl + 1 == li));

		draw_tree_line(m, c, win, y + 1 + (int)i, x, w, &lt->lines[li],
			       selected);
	}
	p->view.page = (int)(shown > 0 ? shown : 1);
}
