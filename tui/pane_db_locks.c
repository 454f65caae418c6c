/* The Database pane's lock tree: who blocks whom among a snapshot's
 * sessions (the blocking-locks query of the runbooks drawn as a tree),
 * built once per snapshot and drawn from its lines. UI thread only. */
#include "tui/pane_db_locks.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	return !isnan(s->wait_s) ? s->wait_s : s->query_s;
}

/* ---- building ------------------------------------------------------------ */

struct pid_ent {
	int pid;
	int idx;
};

static int
cmp_pid_ent(const void *a, const void *b)
{
	const struct pid_ent *x = a, *y = b;

	if (x->pid != y->pid) {
		return x->pid < y->pid ? -1 : 1;
	}
	return x->idx - y->idx;
}

/* Everything the tree builder needs, freed when the tree is built. Nodes
 * 0..n-1 are sessions, n.. are blockers the role cannot see. */
struct tree_build {
	const struct pg_model *m;
	size_t n;
	struct pid_ent *pids;
	int *virt_pid;
	size_t n_virt, cap_virt;
	int *parent;            /* node, -1 none */
	int *more;              /* extra blockers per session */
	/* tree children (first blocker only) */
	int *child_head, *child_next;
	/* all blocking edges, for transitive counts */
	int *edge_head, *edge_next, *edge_to;
	size_t n_edges, cap_edges;
	int *blocks;            /* per node, -1 not computed */
	double *max_wait;
	int *stamp;
	int *queue;
	bool *visited;
	struct locktree *lt;
	int walk;               /* stamp of the current walk */
};

static int
find_session(const struct tree_build *b, int pid)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->pids[mid].pid < pid) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < b->n && b->pids[lo].pid == pid ? b->pids[lo].idx : -1;
}

static int
virt_node(struct tree_build *b, int pid)
{
	size_t i;

	for (i = 0; i < b->n_virt; i++) {
		if (b->virt_pid[i] == pid) {
			return (int)(b->n + i);
		}
	}
	if (b->n_virt == b->cap_virt) {
		b->cap_virt = b->cap_virt ? b->cap_virt * 2 : 8;
		b->virt_pid = xreallocarray(b->virt_pid, b->cap_virt,
					    sizeof(*b->virt_pid));
	}
	b->virt_pid[b->n_virt++] = pid;
	return (int)(b->n + b->n_virt - 1);
}

static int
node_pid(const struct tree_build *b, int node)
{
	return (size_t)node < b->n ? b->m->sessions[node].pid :
	       b->virt_pid[(size_t)node - b->n];
}

static void
add_edge(struct tree_build *b, int from, int to)
{
	if (b->n_edges == b->cap_edges) {
		b->cap_edges = b->cap_edges ? b->cap_edges * 2 : 64;
		b->edge_next = xreallocarray(b->edge_next, b->cap_edges,
					     sizeof(int));
		b->edge_to = xreallocarray(b->edge_to, b->cap_edges,
					   sizeof(int));
	}
	b->edge_to[b->n_edges] = to;
	b->edge_next[b->n_edges] = b->edge_head[from];
	b->edge_head[from] = (int)b->n_edges;
	b->n_edges++;
}

/* Counts the sessions reachable from node over every blocking edge, and
 * the longest wait among them. */
static void
count_blocked(struct tree_build *b, int node)
{
	int walk = ++b->walk;
	size_t qh = 0, qt = 0;
	int count = 0;
	double mw = NAN;

	b->stamp[node] = walk;
	b->queue[qt++] = node;
	while (qh < qt) {
		int u = b->queue[qh++];
		int e;

		for (e = b->edge_head[u]; e >= 0; e = b->edge_next[e]) {
			int v = b->edge_to[e];
			double ws;

			if (b->stamp[v] == walk) {
				continue;
			}
			b->stamp[v] = walk;
			b->queue[qt++] = v;
			count++;
			ws = locktree_wait_s(&b->m->sessions[v]);
			if (!isnan(ws) && (isnan(mw) || ws > mw)) {
				mw = ws;
			}
		}
	}
	b->blocks[node] = count;
	b->max_wait[node] = mw;
}

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

/* Children of node in display order: longest wait first, then pid. */
static size_t
sorted_children(const struct tree_build *b, int node, int **out)
{
	size_t n = 0, i, j;
	int c, *v;

	for (c = b->child_head[node]; c >= 0; c = b->child_next[c]) {
		n++;
	}
	v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	n = 0;
	for (c = b->child_head[node]; c >= 0; c = b->child_next[c]) {
		v[n++] = c;
	}
	/* Insertion sort: sibling lists are short. */
	for (i = 1; i < n; i++) {
		int x = v[i];
		const struct pg_session *sx = &b->m->sessions[x];

		for (j = i; j > 0; j--) {
			const struct pg_session *sy = &b->m->sessions[v[j - 1]];
			double wx = locktree_wait_s(sx);
			double wy = locktree_wait_s(sy);
			bool before;

			if (isnan(wx) != isnan(wy)) {
				before = !isnan(wx);
			} else if (!isnan(wx) && wx != wy) {
				before = wx > wy;
			} else {
				before = sx->pid < sy->pid;
			}
			if (!before) {
				break;
			}
			v[j] = v[j - 1];
		}
		v[j] = x;
	}
	*out = v;
	return n;
}

/* Depth-first walk from root without recursion (a chain of waiters may
 * be as long as the session list). Each node is drawn once: a node seen
 * before (a cycle) is not entered again. */
struct emit_frame {
	int node;
	int depth;
	int *kids;
	size_t n, i;
	size_t plen;            /* prefix bytes for this node's children */
};

static void
emit_tree(struct tree_build *b, int root, bool cycle,
	  struct emit_frame *stack, char *prefix)
{
	struct locktree *lt = b->lt;
	struct locktree_line tl;
	size_t sp = 0;

	memset(&tl, 0, sizeof(tl));
	b->visited[root] = true;
	tl.sess = (size_t)root < b->n ? root : -1;
	tl.pid = node_pid(b, root);
	tl.cycle = cycle;
	if (b->edge_head[root] >= 0) {
		if (b->blocks[root] < 0) {
			count_blocked(b, root);
		}
		tl.blocks = b->blocks[root];
	}
	tl.more_blockers = tl.sess >= 0 ? b->more[root] : 0;
	push_line(lt, &tl);
	if (tl.sess >= 0) {
		tl.query = true;
		strlcpy_safe(tl.guide, b->child_head[root] >= 0 ?
			     pane_guide_pipe() : pane_guide_space(),
			     sizeof(tl.guide));
		push_line(lt, &tl);
	}
	prefix[0] = '\0';
	stack[sp].node = root;
	stack[sp].depth = 0;
	stack[sp].n = sorted_children(b, root, &stack[sp].kids);
	stack[sp].i = 0;
	stack[sp].plen = 0;
	sp++;
	while (sp > 0) {
		struct emit_frame *f = &stack[sp - 1];
		struct locktree_line cl;
		bool last;
		int k;

		if (f->i == f->n) {
			free(f->kids);
			sp--;
			continue;
		}
		k = f->kids[f->i++];
		last = f->i == f->n;
		if (b->visited[k]) {
			continue;
		}
		b->visited[k] = true;
		memset(&cl, 0, sizeof(cl));
		cl.sess = k;
		cl.pid = node_pid(b, k);
		cl.depth = f->depth + 1;
		if (b->edge_head[k] >= 0) {
			if (b->blocks[k] < 0) {
				count_blocked(b, k);
			}
			cl.blocks = b->blocks[k];
		}
		cl.more_blockers = b->more[k];
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
			nf->node = k;
			nf->depth = f->depth + 1;
			nf->n = sorted_children(b, k, &nf->kids);
			nf->i = 0;
			nf->plen = plen;
			sp++;
		}
	}
}

struct root_ref {
	int node;
	int blocks;
	double max_wait;
	int pid;
};

static int
cmp_roots(const void *a, const void *b)
{
	const struct root_ref *x = a, *y = b;

	if (x->blocks != y->blocks) {
		return x->blocks > y->blocks ? -1 : 1;
	}
	if (isnan(x->max_wait) != isnan(y->max_wait)) {
		return isnan(x->max_wait) ? 1 : -1;
	}
	if (!isnan(x->max_wait) && x->max_wait != y->max_wait) {
		return x->max_wait > y->max_wait ? -1 : 1;
	}
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Distinct blockers of session s other than itself, in order. */
static bool
blocker_seen_before(const struct pg_session *s, size_t j)
{
	size_t k;

	for (k = 0; k < j; k++) {
		if (s->blocked_by[k] == s->blocked_by[j]) {
			return true;
		}
	}
	return false;
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
	struct tree_build b;
	struct root_ref *roots;
	struct emit_frame *stack;
	char *prefix;
	size_t n = m->n_sessions, nn, i, j, n_roots = 0;

	lt->n_lines = 0;
	lt->n_sel = 0;
	lt->n_roots = 0;
	lt->n_waiting = 0;
	lt->longest_wait_s = NAN;
	lt->n_member = 0;
	if (n == 0) {
		return;
	}
	memset(&b, 0, sizeof(b));
	b.m = m;
	b.n = n;
	b.lt = lt;
	b.pids = xreallocarray(NULL, n, sizeof(*b.pids));
	for (i = 0; i < n; i++) {
		b.pids[i].pid = m->sessions[i].pid;
		b.pids[i].idx = (int)i;
	}
	qsort(b.pids, n, sizeof(*b.pids), cmp_pid_ent);

	/* Each waiter hangs under its first visible blocker, or under a
	 * placeholder for a blocker the role cannot see. */
	b.parent = xreallocarray(NULL, n, sizeof(int));
	b.more = xreallocarray(NULL, n, sizeof(int));
	for (i = 0; i < n; i++) {
		const struct pg_session *s = &m->sessions[i];
		int first = -1, first_pid = 0, count = 0;

		for (j = 0; j < s->n_blocked_by; j++) {
			int bp = s->blocked_by[j];

			if (bp == s->pid || blocker_seen_before(s, j)) {
				continue;
			}
			if (count++ == 0) {
				first_pid = bp;
			}
			if (first < 0) {
				first = find_session(&b, bp);
			}
		}
		if (count > 0 && first < 0) {
			first = virt_node(&b, first_pid);
		}
		b.parent[i] = first;
		b.more[i] = count > 0 ? count - 1 : 0;
		if (count > 0) {
			double ws = locktree_wait_s(s);

			lt->n_waiting++;
			if (!isnan(ws) && (isnan(lt->longest_wait_s) ||
					   ws > lt->longest_wait_s)) {
				lt->longest_wait_s = ws;
			}
		}
	}
	nn = n + b.n_virt;
	b.child_head = xreallocarray(NULL, nn, sizeof(int));
	b.child_next = xreallocarray(NULL, n, sizeof(int));
	b.edge_head = xreallocarray(NULL, nn, sizeof(int));
	for (i = 0; i < nn; i++) {
		b.child_head[i] = -1;
		b.edge_head[i] = -1;
	}
	for (i = n; i-- > 0;) {
		b.child_next[i] = -1;
		if (b.parent[i] >= 0) {
			b.child_next[i] = b.child_head[b.parent[i]];
			b.child_head[b.parent[i]] = (int)i;
		}
	}
	for (i = 0; i < n; i++) {
		const struct pg_session *s = &m->sessions[i];

		for (j = 0; j < s->n_blocked_by; j++) {
			int bp = s->blocked_by[j];
			int from;

			if (bp == s->pid || blocker_seen_before(s, j)) {
				continue;
			}
			from = find_session(&b, bp);
			if (from < 0) {
				from = virt_node(&b, bp);
			}
			if ((size_t)from < nn) {
				add_edge(&b, from, (int)i);
			}
		}
	}
	b.blocks = xreallocarray(NULL, nn, sizeof(int));
	b.max_wait = xreallocarray(NULL, nn, sizeof(double));
	b.stamp = xcalloc(nn, sizeof(int));
	b.queue = xreallocarray(NULL, nn, sizeof(int));
	b.visited = xcalloc(nn, sizeof(bool));
	for (i = 0; i < nn; i++) {
		b.blocks[i] = -1;
		b.max_wait[i] = NAN;
	}

	/* Roots: blocking others, waiting for nobody. A root whose waiters
	 * all hang under another blocker is still shown: it must go too. */
	roots = xreallocarray(NULL, nn, sizeof(*roots));
	for (i = 0; i < nn; i++) {
		if ((i < n && b.parent[i] >= 0) || b.edge_head[i] < 0) {
			continue;
		}
		count_blocked(&b, (int)i);
		roots[n_roots].node = (int)i;
		roots[n_roots].blocks = b.blocks[i];
		roots[n_roots].max_wait = b.max_wait[i];
		roots[n_roots].pid = node_pid(&b, (int)i);
		n_roots++;
	}
	qsort(roots, n_roots, sizeof(*roots), cmp_roots);
	stack = xreallocarray(NULL, nn + 1, sizeof(*stack));
	prefix = xmalloc(LOCKTREE_GUIDE_BYTES);
	for (i = 0; i < n_roots; i++) {
		emit_tree(&b, roots[i].node, false, stack, prefix);
	}
	lt->n_roots = (int)n_roots;

	/* What is left waits in a circle (a deadlock): start each circle
	 * at the node where following the blockers comes back. */
	for (i = 0; i < n; i++) {
		int u = (int)i;
		int walk;

		if (b.visited[i] || b.parent[i] < 0) {
			continue;
		}
		walk = ++b.walk;
		while (u >= 0 && b.stamp[u] != walk && !b.visited[u]) {
			b.stamp[u] = walk;
			u = (size_t)u < n ? b.parent[u] : -1;
		}
		if (u < 0 || b.visited[u]) {
			u = (int)i;
		}
		emit_tree(&b, u, true, stack, prefix);
		lt->n_roots++;
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
	free(roots);
	free(b.pids);
	free(b.virt_pid);
	free(b.parent);
	free(b.more);
	free(b.child_head);
	free(b.child_next);
	free(b.edge_head);
	free(b.edge_next);
	free(b.edge_to);
	free(b.blocks);
	free(b.max_wait);
	free(b.stamp);
	free(b.queue);
	free(b.visited);
	mark_members(lt, n);
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
		pane_line_addf(&l, R(ROLE_CRIT), "pid %d %s@%s %s %s", s->pid,
			       s->user, s->db, s->state,
			       pane_fmt_dur_s(session_age_s(s), a, sizeof(a)));
		pane_line_addf(&l, R(ROLE_CRIT), " · blocks %d", tl->blocks);
		return;
	}
	pane_line_addf(&l, R(ROLE_WARN), "pid %d waits %s", s->pid,
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
