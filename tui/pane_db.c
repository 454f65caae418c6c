/* The Database pane: connections against max_connections, the lock tree
 * (who blocks whom, the blocking-locks query of the runbooks drawn as a
 * tree), long-running queries, every session, replication and
 * pg_stat_statements, for one PostgreSQL source. UI thread only. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "widgets/draw.h"
#include "widgets/gauge.h"
#include "widgets/table.h"

enum { SUB_OVERVIEW, SUB_SESSIONS, SUB_REPLICATION, SUB_STATEMENTS,
       SUB_COUNT };

static const char *const sub_names[SUB_COUNT] = {
	"overview", "sessions", "replication", "statements",
};

enum {
	SESS_SORT_DURATION,
	SESS_SORT_XACT,
	SESS_SORT_WAIT,
	SESS_SORT_PID,
	SESS_SORT_USER,
	SESS_SORT_STATE,
	SESS_SORT_COUNT,
};

static const char *const sess_sort_names[SESS_SORT_COUNT] = {
	"duration", "xact", "wait", "pid", "user", "state",
};

enum { REP_SORT_LAG, REP_SORT_NAME, REP_SORT_COUNT };

static const char *const rep_sort_names[REP_SORT_COUNT] = {
	"replay lag", "name",
};

enum { STMT_SORT_TOTAL, STMT_SORT_MEAN, STMT_SORT_CALLS, STMT_SORT_COUNT };

static const char *const stmt_sort_names[STMT_SORT_COUNT] = {
	"total", "mean", "calls",
};

static const int sort_counts[SUB_COUNT] = {
	1, SESS_SORT_COUNT, REP_SORT_COUNT, STMT_SORT_COUNT,
};

/* A query counts as long-running past this. */
#define LONG_QUERY_S 5.0
/* Tree guides stop growing past this depth (the text still shows). */
#define GUIDE_DEPTH_MAX 24
#define GUIDE_BYTES (GUIDE_DEPTH_MAX * 8 + 1)

/* One line of the lock tree. */
struct tree_line {
	int sess;               /* index into sessions, -1 none */
	int pid;                /* the pid shown (virtual roots have no sess) */
	int depth;              /* 0 for a root */
	bool query;             /* the root's query line under it */
	bool cycle;             /* a root picked from a deadlock cycle */
	int blocks;             /* sessions blocked behind it, transitively */
	int more_blockers;      /* blockers beyond the one it is listed under */
	char guide[GUIDE_BYTES];
};

struct db_priv {
	struct pane_cache cache;
	struct pane_subview saved[SUB_COUNT];
	const struct pg_model *m;       /* of cache.held */
	/* Table rows of the sub-view: long queries in the overview,
	 * sessions, replicas or statements in the others. */
	struct pane_index ix;
	/* The lock tree, rebuilt per snapshot. */
	struct tree_line *tree;
	size_t n_tree, cap_tree;
	size_t *tree_sel;       /* selectable number -> tree line */
	size_t n_tree_sel;
	int n_roots;
	int n_waiting;
	double longest_wait_s;
	size_t tree_top;        /* first tree line shown */
	struct table_view long_view;
	/* Where the last draw put things, for clicks. */
	int tree_dy, tree_rows;
	int table_dy;
	size_t table_base;      /* selectable number of the table's row 0 */
};

static const struct table_col long_cols[] = {
	{ "PID", 7, 5, true, false },
	{ "USER", 10, 4, false, false },
	{ "DB", 10, 0, false, false },
	{ "CLIENT", 15, 0, false, false },
	{ "DURATION", 8, 6, true, false },
	{ "WAIT", 18, 0, false, false },
	{ "STATE", 12, 6, false, false },
	{ "QUERY", 30, 10, false, true },
};

static const struct table_col sess_cols[] = {
	{ "PID", 7, 5, true, false },
	{ "USER", 10, 4, false, false },
	{ "DB", 10, 0, false, false },
	{ "CLIENT", 15, 0, false, false },
	{ "STATE", 12, 6, false, false },
	{ "WAIT", 18, 0, false, false },
	{ "DURATION", 8, 6, true, false },
	{ "XACT", 8, 0, true, false },
	{ "BLOCKED BY", 10, 0, false, false },
	{ "QUERY", 30, 10, false, true },
};

static const struct table_col rep_cols[] = {
	{ "NAME", 16, 6, false, true },
	{ "CLIENT", 16, 0, false, false },
	{ "STATE", 10, 6, false, false },
	{ "WRITE", 8, 0, true, false },
	{ "FLUSH", 8, 0, true, false },
	{ "REPLAY", 8, 6, true, false },
};

static const struct table_col stmt_cols[] = {
	{ "CALLS", 8, 5, true, false },
	{ "TOTAL", 9, 6, true, false },
	{ "MEAN", 9, 0, true, false },
	{ "QUERY", 40, 10, false, true },
};

static const char db_hints[] =
	"C cancel  T terminate  I kill idle-in-tx  v view  s sort";

/* ---- helpers ------------------------------------------------------------- */

static struct db_priv *
db_priv(struct pane *p)
{
	if (p->priv == NULL) {
		struct db_priv *dp = xcalloc(1, sizeof(*dp));

		dp->tree_dy = dp->table_dy = -1;
		p->priv = dp;
	}
	return p->priv;
}

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

static double
session_wait_s(const struct pg_session *s)
{
	return !isnan(s->wait_s) ? s->wait_s : s->query_s;
}

static bool
is_long(const struct pg_session *s)
{
	return s->state[0] != '\0' && strcmp(s->state, "idle") != 0 &&
	       !isnan(s->query_s) && s->query_s > LONG_QUERY_S;
}

static void
fmt_pids(const struct pg_session *s, char *buf, size_t n)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < s->n_blocked_by && o + 1 < n; i++) {
		int len = snprintf(buf + o, n - o, "%s%d", i ? "," : "",
				   s->blocked_by[i]);

		if (len < 0 || (size_t)len >= n - o) {
			break;
		}
		o += (size_t)len;
	}
}

/* ---- the lock tree ------------------------------------------------------- */

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
	struct db_priv *dp;
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
			ws = session_wait_s(&b->m->sessions[v]);
			if (!isnan(ws) && (isnan(mw) || ws > mw)) {
				mw = ws;
			}
		}
	}
	b->blocks[node] = count;
	b->max_wait[node] = mw;
}

static void
push_line(struct db_priv *dp, const struct tree_line *tl)
{
	if (dp->n_tree == dp->cap_tree) {
		dp->cap_tree = dp->cap_tree ? dp->cap_tree * 2 : 32;
		dp->tree = xreallocarray(dp->tree, dp->cap_tree,
					 sizeof(*dp->tree));
	}
	dp->tree[dp->n_tree++] = *tl;
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
			double wx = session_wait_s(sx), wy = session_wait_s(sy);
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
	struct db_priv *dp = b->dp;
	struct tree_line tl;
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
	push_line(dp, &tl);
	if (tl.sess >= 0) {
		tl.query = true;
		strlcpy_safe(tl.guide, b->child_head[root] >= 0 ?
			     pane_guide_pipe() : pane_guide_space(),
			     sizeof(tl.guide));
		push_line(dp, &tl);
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
		struct tree_line cl;
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
		if (f->depth < GUIDE_DEPTH_MAX) {
			size_t gl = strlen(cl.guide);

			strlcpy_safe(cl.guide + gl, last ? pane_guide_last() :
				     pane_guide_tee(), sizeof(cl.guide) - gl);
		}
		push_line(dp, &cl);
		/* Enter k: its children hang under a pipe unless it was the
		 * last of its siblings. */
		{
			struct emit_frame *nf = &stack[sp];
			size_t plen = f->plen;

			if (f->depth < GUIDE_DEPTH_MAX) {
				strlcpy_safe(prefix + plen,
					     last ? pane_guide_space() :
					     pane_guide_pipe(),
					     GUIDE_BYTES - plen);
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
build_tree(struct db_priv *dp, const struct pg_model *m)
{
	struct tree_build b;
	struct root_ref *roots;
	struct emit_frame *stack;
	char *prefix;
	size_t n = m->n_sessions, nn, i, j, n_roots = 0;

	dp->n_tree = 0;
	dp->n_tree_sel = 0;
	dp->n_roots = 0;
	dp->n_waiting = 0;
	dp->longest_wait_s = NAN;
	if (n == 0) {
		return;
	}
	memset(&b, 0, sizeof(b));
	b.m = m;
	b.n = n;
	b.dp = dp;
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
			double ws = session_wait_s(s);

			dp->n_waiting++;
			if (!isnan(ws) && (isnan(dp->longest_wait_s) ||
					   ws > dp->longest_wait_s)) {
				dp->longest_wait_s = ws;
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
	prefix = xmalloc(GUIDE_BYTES);
	for (i = 0; i < n_roots; i++) {
		emit_tree(&b, roots[i].node, false, stack, prefix);
	}
	dp->n_roots = (int)n_roots;

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
		dp->n_roots++;
	}

	dp->tree_sel = xreallocarray(dp->tree_sel, dp->n_tree ? dp->n_tree : 1,
				     sizeof(*dp->tree_sel));
	for (i = 0; i < dp->n_tree; i++) {
		if (dp->tree[i].sess >= 0 && !dp->tree[i].query) {
			dp->tree_sel[dp->n_tree_sel++] = i;
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
}

/* ---- the index ----------------------------------------------------------- */

static int
cmp_sessions(const void *ctx, size_t ia, size_t ib)
{
	const struct db_priv *dp = ctx;
	const struct pg_session *a = &dp->m->sessions[ia];
	const struct pg_session *b = &dp->m->sessions[ib];
	int r = 0;

	switch (dp->cache.sub == SUB_OVERVIEW ? SESS_SORT_DURATION :
		dp->cache.sort_col) {
	case SESS_SORT_DURATION:
		/* Idle sessions run nothing: after every other one. */
		r = (strcmp(a->state, "idle") == 0) -
		    (strcmp(b->state, "idle") == 0);
		if (r == 0) {
			r = pane_cmp_desc_nan(a->query_s, b->query_s);
		}
		break;
	case SESS_SORT_XACT:
		r = pane_cmp_desc_nan(a->xact_s, b->xact_s);
		break;
	case SESS_SORT_WAIT:
		r = pane_cmp_desc_nan(a->n_blocked_by ? session_wait_s(a) : NAN,
				 b->n_blocked_by ? session_wait_s(b) : NAN);
		break;
	case SESS_SORT_USER:
		r = strcmp(a->user, b->user);
		break;
	case SESS_SORT_STATE:
		r = strcmp(a->state, b->state);
		break;
	default:
		break;
	}
	if (r == 0) {
		r = a->pid < b->pid ? -1 : a->pid > b->pid;
	}
	return r;
}

static int
cmp_replicas(const void *ctx, size_t ia, size_t ib)
{
	const struct db_priv *dp = ctx;
	const struct pg_replica *a = &dp->m->replicas[ia];
	const struct pg_replica *b = &dp->m->replicas[ib];
	int r = 0;

	if (dp->cache.sort_col == REP_SORT_LAG) {
		r = pane_cmp_desc_nan(a->replay_lag_s, b->replay_lag_s);
	}
	return r != 0 ? r : strcmp(a->name, b->name);
}

static int
cmp_statements(const void *ctx, size_t ia, size_t ib)
{
	const struct db_priv *dp = ctx;
	const struct pg_statement *a = &dp->m->statements[ia];
	const struct pg_statement *b = &dp->m->statements[ib];
	int r;

	switch (dp->cache.sort_col) {
	case STMT_SORT_MEAN:
		r = pane_cmp_desc_nan(a->mean_ms, b->mean_ms);
		break;
	case STMT_SORT_CALLS:
		r = pane_cmp_desc_nan(a->calls, b->calls);
		break;
	default:
		r = pane_cmp_desc_nan(a->total_ms, b->total_ms);
		break;
	}
	return r != 0 ? r : (ia < ib ? -1 : ia > ib);
}

static bool
session_matches(const struct pane *p, const struct pg_session *s)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", s->pid);
	return pane_filter_any(p, s->user, s->db, s->query, s->state, pid,
			       s->client, s->app, s->wait_event, NULL);
}

static size_t
db_n_selectable(const struct pane *p, const struct db_priv *dp)
{
	return p->sub == SUB_OVERVIEW ? dp->n_tree_sel + dp->ix.n : dp->ix.n;
}

static size_t
db_total(const struct db_priv *dp, int sub)
{
	const struct pg_model *m = dp->m;
	size_t i, n = 0;

	if (m == NULL) {
		return 0;
	}
	switch (sub) {
	case SUB_OVERVIEW:
		for (i = 0; i < m->n_sessions; i++) {
			n += is_long(&m->sessions[i]);
		}
		return n;
	case SUB_SESSIONS:
		return m->n_sessions;
	case SUB_REPLICATION:
		return m->n_replicas;
	default:
		return m->n_statements;
	}
}

/* The session under the selection, or NULL (a replica, a statement). */
static const struct pg_session *
selected_session(const struct pane *p, const struct db_priv *dp)
{
	size_t sel = p->view.sel;

	if (dp->m == NULL) {
		return NULL;
	}
	if (p->sub == SUB_OVERVIEW) {
		if (sel < dp->n_tree_sel) {
			return &dp->m->sessions[dp->tree[dp->tree_sel[sel]]
							.sess];
		}
		sel -= dp->n_tree_sel;
	} else if (p->sub != SUB_SESSIONS) {
		return NULL;
	}
	return sel < dp->ix.n ? &dp->m->sessions[dp->ix.idx[sel]] : NULL;
}

/* Finds the session (pid, start) among the selectable rows. */
static bool
reselect(struct pane *p, struct db_priv *dp, int pid, int64_t start)
{
	size_t i;

	if (p->sub == SUB_OVERVIEW) {
		for (i = 0; i < dp->n_tree_sel; i++) {
			const struct tree_line *tl = &dp->tree[dp->tree_sel[i]];
			const struct pg_session *s = &dp->m->sessions[tl->sess];

			if (s->pid == pid && s->backend_start_us == start) {
				p->view.sel = i;
				return true;
			}
		}
	}
	if (p->sub != SUB_OVERVIEW && p->sub != SUB_SESSIONS) {
		return false;
	}
	for (i = 0; i < dp->ix.n; i++) {
		const struct pg_session *s = &dp->m->sessions[dp->ix.idx[i]];

		if (s->pid == pid && s->backend_start_us == start) {
			p->view.sel = i + (p->sub == SUB_OVERVIEW ?
					   dp->n_tree_sel : 0);
			return true;
		}
	}
	return false;
}

static void
db_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct db_priv *dp = db_priv(p);
	const struct snapshot *data = c->data;
	const struct pg_model *m = data ? snapshot_pg(data) : NULL;
	const struct pg_session *was;
	bool new_data, had = false;
	int pid = 0;
	int64_t start = 0;
	size_t i, n;

	if (m == NULL) {
		data = NULL;
	}
	/* Keep the same session selected across snapshots and re-sorts
	 * (not across a sub-view switch: the view there is its own). */
	was = dp->cache.valid && dp->cache.sub == p->sub ?
	      selected_session(p, dp) : NULL;
	if (was != NULL) {
		had = true;
		pid = was->pid;
		start = was->backend_start_us;
	}
	new_data = dp->cache.held != data || !dp->cache.valid;
	if (!pane_cache_update(&dp->cache, p, data)) {
		return;
	}
	dp->m = m;
	if (new_data) {
		if (m != NULL) {
			build_tree(dp, m);
		} else {
			dp->n_tree = 0;
			dp->n_tree_sel = 0;
		}
	}
	pane_index_clear(&dp->ix);
	n = m == NULL ? 0 :
	    p->sub == SUB_OVERVIEW || p->sub == SUB_SESSIONS ? m->n_sessions :
	    p->sub == SUB_REPLICATION ? m->n_replicas : m->n_statements;
	for (i = 0; i < n; i++) {
		bool hit;

		if (p->sub == SUB_OVERVIEW) {
			hit = is_long(&m->sessions[i]) &&
			      session_matches(p, &m->sessions[i]);
		} else if (p->sub == SUB_SESSIONS) {
			hit = session_matches(p, &m->sessions[i]);
		} else if (p->sub == SUB_REPLICATION) {
			const struct pg_replica *r = &m->replicas[i];

			hit = pane_filter_any(p, r->name, r->client, r->state,
					      NULL);
		} else {
			hit = pane_filter_any(p, m->statements[i].query, NULL);
		}
		if (hit) {
			pane_index_push(&dp->ix, i);
		}
	}
	pane_sort(dp->ix.idx, dp->ix.n,
		  p->sub <= SUB_SESSIONS ? cmp_sessions :
		  p->sub == SUB_REPLICATION ? cmp_replicas : cmp_statements,
		  dp, p->sub != SUB_OVERVIEW && p->sort_desc);
	if (!(had && m != NULL && reselect(p, dp, pid, start))) {
		table_view_clamp(&p->view, db_n_selectable(p, dp));
	}
}

/* ---- cells --------------------------------------------------------------- */

static enum role
duration_role(const struct pg_session *s, double secs)
{
	if (isnan(secs) || strcmp(s->state, "idle") == 0) {
		return ROLE_DIM;
	}
	return secs > 60 ? ROLE_CRIT : secs > LONG_QUERY_S ? ROLE_WARN :
	       ROLE_NORMAL;
}

static enum role
state_role(const struct pg_session *s)
{
	if (is_idle_xact(s)) {
		return !isnan(s->xact_s) && s->xact_s > 60 ? ROLE_CRIT :
		       ROLE_WARN;
	}
	if (strcmp(s->state, "idle") == 0) {
		return ROLE_DIM;
	}
	return s->n_blocked_by ? ROLE_WARN : ROLE_NORMAL;
}

/* Cells shared by the long-query and the session tables, by name. */
static void
session_cell(const struct pg_session *s, const char *col, char *buf,
	     size_t n, enum role *role)
{
	if (strcmp(col, "PID") == 0) {
		snprintf(buf, n, "%d", s->pid);
		if (s->n_blocked_by) {
			*role = ROLE_WARN;
		}
	} else if (strcmp(col, "USER") == 0) {
		snprintf(buf, n, "%s", s->user);
	} else if (strcmp(col, "DB") == 0) {
		snprintf(buf, n, "%s", s->db);
	} else if (strcmp(col, "CLIENT") == 0) {
		snprintf(buf, n, "%s", s->client);
		*role = ROLE_DIM;
	} else if (strcmp(col, "STATE") == 0) {
		snprintf(buf, n, "%s", s->state);
		*role = state_role(s);
	} else if (strcmp(col, "WAIT") == 0) {
		snprintf(buf, n, "%s", s->wait_event);
		*role = strncmp(s->wait_event, "Lock", 4) == 0 ? ROLE_WARN :
			ROLE_DIM;
	} else if (strcmp(col, "DURATION") == 0) {
		pane_fmt_dur_s(s->query_s, buf, (int)n);
		*role = duration_role(s, s->query_s);
	} else if (strcmp(col, "XACT") == 0) {
		pane_fmt_dur_s(s->xact_s, buf, (int)n);
		*role = is_idle_xact(s) ? state_role(s) : ROLE_DIM;
	} else if (strcmp(col, "BLOCKED BY") == 0) {
		fmt_pids(s, buf, n);
		*role = ROLE_CRIT;
	} else {
		pane_oneline(buf, n, s->query);
	}
}

static void
long_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	  enum role *role)
{
	const struct db_priv *dp = ctx;

	session_cell(&dp->m->sessions[dp->ix.idx[row]], long_cols[col].title,
		     buf, n, role);
}

static void
sess_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	  enum role *role)
{
	const struct db_priv *dp = ctx;

	session_cell(&dp->m->sessions[dp->ix.idx[row]], sess_cols[col].title,
		     buf, n, role);
}

static enum role
lag_role(double s)
{
	return isnan(s) ? ROLE_DIM : s > 10 ? ROLE_CRIT : s > 1 ? ROLE_WARN :
	       ROLE_OK;
}

static void
rep_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	 enum role *role)
{
	const struct db_priv *dp = ctx;
	const struct pg_replica *r = &dp->m->replicas[dp->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%s", r->name);
		break;
	case 1:
		snprintf(buf, n, "%s", r->client);
		*role = ROLE_DIM;
		break;
	case 2:
		snprintf(buf, n, "%s", r->state);
		*role = strcmp(r->state, "streaming") == 0 ? ROLE_OK :
			ROLE_WARN;
		break;
	case 3:
		fmt_seconds(r->write_lag_s, buf, (int)n);
		*role = lag_role(r->write_lag_s);
		break;
	case 4:
		fmt_seconds(r->flush_lag_s, buf, (int)n);
		*role = lag_role(r->flush_lag_s);
		break;
	default:
		fmt_seconds(r->replay_lag_s, buf, (int)n);
		*role = lag_role(r->replay_lag_s);
		break;
	}
}

static void
stmt_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	  enum role *role)
{
	const struct db_priv *dp = ctx;
	const struct pg_statement *s = &dp->m->statements[dp->ix.idx[row]];

	switch (col) {
	case 0:
		pane_fmt_num(s->calls, buf, (int)n);
		break;
	case 1:
		fmt_seconds(isnan(s->total_ms) ? NAN : s->total_ms / 1000.0,
			    buf, (int)n);
		break;
	case 2:
		fmt_seconds(isnan(s->mean_ms) ? NAN : s->mean_ms / 1000.0,
			    buf, (int)n);
		*role = !isnan(s->mean_ms) && s->mean_ms > 1000 ? ROLE_WARN :
			ROLE_NORMAL;
		break;
	default:
		pane_oneline(buf, n, s->query);
		break;
	}
}

/* ---- drawing ------------------------------------------------------------- */

static double
nz(double v)
{
	return isnan(v) ? 0 : v;
}

static void
draw_conn_line(const struct db_priv *dp, const struct pane_ctx *c,
	       WINDOW *win, int y, int x, int w)
{
	const struct pg_model *m = dp->m;
	double used = NAN, frac;
	struct pane_line l;
	char label[64], a[32], b[32];
	int gw;

	if (!isnan(m->conns_active) || !isnan(m->conns_idle) ||
	    !isnan(m->conns_idle_xact) || !isnan(m->conns_other)) {
		used = nz(m->conns_active) + nz(m->conns_idle) +
		       nz(m->conns_idle_xact) + nz(m->conns_other);
	}
	frac = !isnan(m->max_connections) && m->max_connections > 0 ?
	       used / m->max_connections : NAN;
	pane_line_init(&l, win, c->theme, y, x, w);
	pane_line_add(&l, ROLE_DIM, "conns ");
	pane_fmt_num(used, a, sizeof(a));
	pane_fmt_num(m->max_connections, b, sizeof(b));
	snprintf(label, sizeof(label), "%s/%s", a, b);
	gw = l.end - l.x;
	if (gw > 34) {
		gw = w >= 90 ? 34 : 24;
	}
	if (gw > 0) {
		gauge_draw(win, y, l.x, gw, used, m->max_connections, label,
			   pane_frac_role(frac), c->theme);
		l.x += gw;
	}
	pane_line_add(&l, ROLE_NORMAL, "  active ");
	pane_line_add(&l, ROLE_NORMAL, pane_fmt_num(m->conns_active, a,
						    sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_DIM, "idle %s",
		       pane_fmt_num(m->conns_idle, a, sizeof(a)));
	pane_line_sep(&l);
	{
		enum role r = ROLE_NORMAL;

		if (!isnan(m->oldest_idle_xact_s)) {
			r = m->oldest_idle_xact_s > 300 ? ROLE_CRIT :
			    m->oldest_idle_xact_s > 60 ? ROLE_WARN :
			    ROLE_NORMAL;
		}
		pane_line_addf(&l, r, "idle in tx %s",
			       pane_fmt_num(m->conns_idle_xact, a, sizeof(a)));
		if (!isnan(m->oldest_idle_xact_s) && nz(m->conns_idle_xact)) {
			pane_line_addf(&l, r, " (oldest %s)",
				       pane_fmt_dur_s(m->oldest_idle_xact_s, b,
						      sizeof(b)));
		}
	}
	if (!isnan(m->conns_other) && m->conns_other > 0) {
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_DIM, "other %s",
			       pane_fmt_num(m->conns_other, a, sizeof(a)));
	}
}

static void
draw_stats_line(const struct db_priv *dp, const struct pane_ctx *c,
		WINDOW *win, int y, int x, int w)
{
	const struct pg_model *m = dp->m;
	struct pane_line l;
	char a[32];
	size_t i;

	pane_line_init(&l, win, c->theme, y, x, w);
	if (m->server_version[0] != '\0') {
		char v[80];

		snprintf(v, sizeof(v), "pg %s", m->server_version);
		pane_line_right(&l, ROLE_DIM, v, 100);
	}
	pane_line_addf(&l, ROLE_NORMAL, "xact %s",
		       fmt_rate(m->xact_per_s, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, !isnan(m->rollback_per_s) &&
		       m->rollback_per_s > 1 ? ROLE_WARN : ROLE_NORMAL,
		       "rollback %s", fmt_rate(m->rollback_per_s, a,
					       sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, !isnan(m->deadlocks) && m->deadlocks > 0 ?
		       ROLE_WARN : ROLE_NORMAL, "deadlocks %s",
		       pane_fmt_num(m->deadlocks, a, sizeof(a)));
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_NORMAL, "size %s",
		       fmt_bytes(m->db_size_bytes, a, sizeof(a)));
	pane_line_sep(&l);
	if (m->is_standby) {
		pane_line_addf(&l, lag_role(m->replay_delay_s),
			       "standby: replay delay %s",
			       pane_fmt_dur_s(m->replay_delay_s, a, sizeof(a)));
		return;
	}
	if (m->n_replicas == 0) {
		pane_line_add(&l, ROLE_DIM, "no replicas");
		return;
	}
	{
		double worst = NAN;

		for (i = 0; i < m->n_replicas; i++) {
			double lag = m->replicas[i].replay_lag_s;

			if (!isnan(lag) && (isnan(worst) || lag > worst)) {
				worst = lag;
			}
		}
		pane_line_addf(&l, lag_role(worst),
			       "replicas %zu (replay lag %s)", m->n_replicas,
			       fmt_seconds(worst, a, sizeof(a)));
	}
}

static void
draw_tree_line(const struct db_priv *dp, const struct pane_ctx *c,
	       WINDOW *win, int y, int x, int w, const struct tree_line *tl,
	       bool selected)
{
	const struct pg_session *s =
		tl->sess >= 0 ? &dp->m->sessions[tl->sess] : NULL;
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
		       pane_fmt_dur_s(session_wait_s(s), a, sizeof(a)));
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

/* The lock tree in rows lines at y (the first is its heading). */
static void
draw_tree(struct pane *p, struct db_priv *dp, const struct pane_ctx *c,
	  WINDOW *win, int y, int x, int rows, int w)
{
	struct pane_line l;
	char a[32];
	size_t i, shown;
	bool sel_in_tree = p->view.sel < dp->n_tree_sel;

	if (rows <= 0) {
		return;
	}
	pane_line_init(&l, win, c->theme, y, x, w);
	shown = (size_t)(rows - 1);
	if (sel_in_tree) {
		size_t li = dp->tree_sel[p->view.sel];

		if (li < dp->tree_top) {
			dp->tree_top = li;
		} else if (shown > 0 && li >= dp->tree_top + shown) {
			dp->tree_top = li - shown + 1;
		}
	}
	if (dp->tree_top + shown > dp->n_tree) {
		dp->tree_top = dp->n_tree > shown ? dp->n_tree - shown : 0;
	}
	/* Never start on a query line without the root it belongs to. */
	if (dp->tree_top < dp->n_tree && dp->tree[dp->tree_top].query) {
		size_t li = sel_in_tree ? dp->tree_sel[p->view.sel] : 0;

		if (dp->tree_top > 0 &&
		    (!sel_in_tree || li + 1 < dp->tree_top + shown)) {
			dp->tree_top--;
		} else if (!sel_in_tree || li > dp->tree_top) {
			dp->tree_top++;
		}
	}
	if (dp->n_tree > shown && shown > 0) {
		char r[48];

		snprintf(r, sizeof(r), "%zu-%zu of %zu", dp->tree_top + 1,
			 dp->tree_top + shown, dp->n_tree);
		pane_line_right(&l, ROLE_DIM, r, 30);
	}
	pane_line_add(&l, ROLE_COLUMN, "LOCKS ");
	if (dp->n_tree == 0) {
		pane_line_add(&l, ROLE_OK, "no lock waits");
	} else {
		pane_line_addf(&l, ROLE_CRIT, "%d blocker%s", dp->n_roots,
			       dp->n_roots == 1 ? "" : "s");
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_WARN, "%d waiting", dp->n_waiting);
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_WARN, "longest wait %s",
			       pane_fmt_dur_s(dp->longest_wait_s, a,
					      sizeof(a)));
	}
	for (i = 0; i < shown && dp->tree_top + i < dp->n_tree; i++) {
		size_t li = dp->tree_top + i;
		size_t sl = sel_in_tree ? dp->tree_sel[p->view.sel] : SIZE_MAX;
		/* A selected root takes its query line with it. */
		bool selected = c->focused && sel_in_tree &&
				(sl == li ||
				 (dp->tree[li].query && sl + 1 == li));

		draw_tree_line(dp, c, win, y + 1 + (int)i, x, w, &dp->tree[li],
			       selected);
	}
	p->view.page = (int)(shown > 0 ? shown : 1);
}

static void
draw_overview(struct pane *p, struct db_priv *dp, const struct pane_ctx *c,
	      WINDOW *win, int y, int x, int h, int w)
{
	const struct pg_model *m = dp->m;
	int top = 1, bottom = 0, avail, tr, lq;
	int tree_need = 1 + (int)(dp->n_tree < 100000 ? dp->n_tree : 100000);
	int long_n = (int)(dp->ix.n < 100000 ? dp->ix.n : 100000);
	int long_need;

	draw_conn_line(dp, c, win, y, x, w);
	if (h >= 7) {
		draw_stats_line(dp, c, win, y + 1, x, w);
		top = 2;
	}
	if (m->notice[0] != '\0' && h >= 8) {
		bottom = 1;
		draw_text(win, y + h - 1, x, w, m->notice, ROLE_DIM, c->theme);
	}
	avail = h - top - bottom;
	if (avail <= 0) {
		return;
	}
	long_need = long_n > 0 || p->filter[0] != '\0' ? 2 + long_n : 1;
	if (tree_need + long_need <= avail) {
		tr = tree_need;
		lq = avail - tr;
	} else {
		lq = long_n > 0 ? long_need : 0;
		if (lq > avail / 3) {
			lq = avail / 3 > 3 ? avail / 3 : 3;
		}
		if (lq > long_need) {
			lq = long_need;
		}
		if (avail - lq < 2) {
			lq = avail - 2;
		}
		if (lq < 2) {
			lq = 0;
		}
		tr = avail - lq;
		if (tr > tree_need) {
			tr = tree_need;
			lq = avail - tr;
		}
	}
	dp->tree_dy = top + 1;
	draw_tree(p, dp, c, win, y + top, x, tr, w);
	dp->tree_rows = tr - 1;
	dp->table_dy = -1;
	if (lq <= 0) {
		return;
	}
	{
		int ly = top + tr;
		struct table_model tm = {
			.cols = long_cols,
			.n_cols = (int)(sizeof(long_cols) /
					sizeof(long_cols[0])),
			.n_rows = dp->ix.n,
			.cell = long_cell,
			.ctx = dp,
		};
		bool in_long = p->view.sel >= dp->n_tree_sel &&
			       p->view.sel - dp->n_tree_sel < dp->ix.n;

		if (long_n == 0 && p->filter[0] == '\0') {
			draw_text(win, y + ly, x, w,
				  "no queries running longer than 5 s",
				  ROLE_DIM, c->theme);
			return;
		}
		if (lq >= 3) {
			struct pane_line l;

			pane_line_init(&l, win, c->theme, y + ly, x, w);
			if (p->filter[0] != '\0') {
				char f[PANE_FILTER_MAX + 48];

				pane_filter_text(p, dp->ix.n,
						 db_total(dp, SUB_OVERVIEW), f,
						 sizeof(f));
				pane_line_right(&l, ROLE_KEY, f, 20);
			}
			pane_line_add(&l, ROLE_COLUMN, "LONG QUERIES ");
			pane_line_addf(&l, ROLE_WARN, "%zu running > 5 s",
				       dp->ix.n);
			ly++;
			lq--;
		}
		if (in_long) {
			dp->long_view.sel = p->view.sel - dp->n_tree_sel;
		}
		table_view_clamp(&dp->long_view, dp->ix.n);
		dp->table_dy = ly;
		dp->table_base = dp->n_tree_sel;
		table_draw(win, y + ly, x, lq, w, &tm, &dp->long_view,
			   c->theme, c->focused && in_long);
	}
}

static void
draw_table_view(struct pane *p, struct db_priv *dp, const struct pane_ctx *c,
		WINDOW *win, int y, int x, int h, int w)
{
	const struct pg_model *m = dp->m;
	struct table_model tm = { .ctx = dp, .n_rows = dp->ix.n };
	struct pane_line l;
	const char *sort;
	char right[64], a[32];
	int line = 1, bottom = 0;
	size_t i, n_active = 0, n_idle_xact = 0, n_waiting = 0;

	pane_line_init(&l, win, c->theme, y, x, w);
	sort = p->sub == SUB_SESSIONS ?
	       sess_sort_names[p->sort_col % SESS_SORT_COUNT] :
	       p->sub == SUB_REPLICATION ?
	       rep_sort_names[p->sort_col % REP_SORT_COUNT] :
	       stmt_sort_names[p->sort_col % STMT_SORT_COUNT];
	snprintf(right, sizeof(right), "%s  sort %s%s", sub_names[p->sub],
		 sort, p->sort_desc ? " (rev)" : "");
	if (p->filter[0] != '\0' && h < 4) {
		char f[PANE_FILTER_MAX + 48];

		pane_filter_text(p, dp->ix.n, db_total(dp, p->sub), f,
				 sizeof(f));
		pane_line_right(&l, ROLE_KEY, f, 12);
	} else {
		pane_line_right(&l, ROLE_DIM, right, 40);
	}
	switch (p->sub) {
	case SUB_SESSIONS:
		for (i = 0; i < m->n_sessions; i++) {
			const struct pg_session *s = &m->sessions[i];

			n_active += strcmp(s->state, "active") == 0;
			n_idle_xact += is_idle_xact(s);
			n_waiting += s->n_blocked_by > 0;
		}
		pane_line_addf(&l, ROLE_NORMAL, "sessions %zu", m->n_sessions);
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_NORMAL, "active %zu", n_active);
		pane_line_sep(&l);
		pane_line_addf(&l, n_idle_xact ? ROLE_WARN : ROLE_DIM,
			       "idle in tx %zu", n_idle_xact);
		pane_line_sep(&l);
		pane_line_addf(&l, n_waiting ? ROLE_CRIT : ROLE_DIM,
			       "waiting on locks %zu", n_waiting);
		tm.cols = sess_cols;
		tm.n_cols = (int)(sizeof(sess_cols) / sizeof(sess_cols[0]));
		tm.cell = sess_cell;
		break;
	case SUB_REPLICATION:
		if (m->is_standby) {
			pane_line_addf(&l, lag_role(m->replay_delay_s),
				       "standby: replay delay %s",
				       pane_fmt_dur_s(m->replay_delay_s, a,
						      sizeof(a)));
		} else {
			pane_line_addf(&l, ROLE_NORMAL, "primary");
			pane_line_sep(&l);
			pane_line_addf(&l, m->n_replicas ? ROLE_NORMAL :
				       ROLE_DIM, "replicas %zu",
				       m->n_replicas);
		}
		tm.cols = rep_cols;
		tm.n_cols = (int)(sizeof(rep_cols) / sizeof(rep_cols[0]));
		tm.cell = rep_cell;
		break;
	default:
		pane_line_add(&l, ROLE_NORMAL, "top statements");
		if (!m->has_stat_statements) {
			if (h >= 2) {
				draw_text(win, y + 1, x, w,
					  "pg_stat_statements not installed",
					  ROLE_NORMAL, c->theme);
			}
			dp->table_dy = -1;
			return;
		}
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_DIM, "%zu statements",
			       m->n_statements);
		tm.cols = stmt_cols;
		tm.n_cols = (int)(sizeof(stmt_cols) / sizeof(stmt_cols[0]));
		tm.cell = stmt_cell;
		break;
	}
	if (p->filter[0] != '\0' && h >= 4) {
		pane_draw_filter(win, y + line, x, w, c->theme, p, dp->ix.n,
				 db_total(dp, p->sub));
		line++;
	}
	if (m->notice[0] != '\0' && h - line >= 4) {
		bottom = 1;
		draw_text(win, y + h - 1, x, w, m->notice, ROLE_DIM, c->theme);
	}
	dp->table_dy = -1;
	if (h - line - bottom < 2) {
		if (p->sub == SUB_REPLICATION && m->n_replicas == 0 &&
		    h - line > 0) {
			draw_text(win, y + line, x, w, "no replicas", ROLE_DIM,
				  c->theme);
		}
		return;
	}
	if (p->sub == SUB_REPLICATION && m->n_replicas == 0) {
		draw_text(win, y + line, x, w, m->is_standby ?
			  "this server is a standby: no replicas of its own" :
			  "no replicas", ROLE_DIM, c->theme);
		return;
	}
	dp->table_dy = line;
	dp->table_base = 0;
	table_draw(win, y + line, x, h - line - bottom, w, &tm, &p->view,
		   c->theme, c->focused);
}

static void
db_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y, int x,
	int h, int w)
{
	struct db_priv *dp = db_priv(p);

	p->hints = db_hints;
	dp->tree_dy = dp->table_dy = -1;
	dp->tree_rows = 0;
	if (h <= 0 || w <= 0) {
		return;
	}
	db_refresh(p, c);
	if (dp->m == NULL) {
		pane_draw_message(win, y, x, h, w, c->theme, ROLE_DIM,
				  "no database data yet");
		return;
	}
	if (p->sub == SUB_OVERVIEW) {
		draw_overview(p, dp, c, win, y, x, h, w);
	} else {
		draw_table_view(p, dp, c, win, y, x, h, w);
	}
}

/* ---- keys, clicks, targets, detail --------------------------------------- */

static bool
db_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct db_priv *dp = db_priv(p);

	switch (key) {
	case 'v':
		pane_switch_sub(p, dp->saved, SUB_COUNT,
				(p->sub + 1) % SUB_COUNT);
		return true;
	case 's':
		pane_next_sort(p, sort_counts[p->sub % SUB_COUNT]);
		return true;
	default:
		db_refresh(p, c);
		return table_view_key(&p->view, key, db_n_selectable(p, dp));
	}
}

static bool
db_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct db_priv *dp = db_priv(p);
	size_t i;

	db_refresh(p, c);
	if (p->sub == SUB_OVERVIEW && dp->tree_dy >= 0 && dy >= dp->tree_dy &&
	    dy < dp->tree_dy + dp->tree_rows) {
		size_t li = dp->tree_top + (size_t)(dy - dp->tree_dy);

		if (li >= dp->n_tree) {
			return false;
		}
		if (dp->tree[li].query && li > 0) {
			li--;
		}
		for (i = 0; i < dp->n_tree_sel; i++) {
			if (dp->tree_sel[i] == li) {
				p->view.sel = i;
				return true;
			}
		}
		return false;
	}
	if (dp->table_dy < 0 || dy <= dp->table_dy) {
		return false;
	}
	if (p->sub == SUB_OVERVIEW) {
		size_t row = dp->long_view.top +
			     (size_t)(dy - dp->table_dy - 1);

		if (row >= dp->ix.n) {
			return false;
		}
		dp->long_view.sel = row;
		p->view.sel = dp->table_base + row;
		return true;
	}
	return table_view_click(&p->view, dy - dp->table_dy, dp->ix.n);
}

static bool
db_target(struct pane *p, const struct pane_ctx *c, const char *target_kind,
	  struct action_req *req)
{
	struct db_priv *dp = db_priv(p);
	const struct pg_session *s;
	char hms[32];

	db_refresh(p, c);
	if (strcmp(target_kind, "session") != 0) {
		return false;
	}
	if ((s = selected_session(p, dp)) == NULL) {
		return false;
	}
	pane_fmt_hms(s->backend_start_us / 1000, hms, sizeof(hms));
	return pane_fits(req->target, sizeof(req->target),
			 "pid=%d start=%lld", s->pid,
			 (long long)s->backend_start_us) &&
	       (pane_fits(req->target_label, sizeof(req->target_label),
			  "pid %d (%s@%s, started %s, %s)", s->pid, s->user,
			  s->db, hms, s->state) ||
		pane_fits(req->target_label, sizeof(req->target_label),
			  "pid %d (started %s)", s->pid, hms));
}

static void
session_detail(struct pane_buf *b, const struct db_priv *dp,
	       const struct pg_session *s)
{
	char t1[64], t2[64];
	size_t i;
	int blocks = 0;

	pane_buf_addf(b, "session pid %d\n\n", s->pid);
	pane_buf_addf(b, "pid: %d\n", s->pid);
	pane_buf_field(b, "user", s->user);
	pane_buf_field(b, "database", s->db);
	pane_buf_field(b, "client", s->client);
	pane_buf_field(b, "application", s->app);
	pane_buf_field(b, "state", s->state);
	pane_buf_field(b, "wait event", s->wait_event);
	pane_buf_addf(b, "backend start: %s (%lld us)\n",
		      clock_format_utc(s->backend_start_us / 1000, 0, t1,
				       sizeof(t1)),
		      (long long)s->backend_start_us);
	pane_buf_addf(b, "query running for: %s\n",
		      pane_fmt_dur_s(s->query_s, t1, sizeof(t1)));
	pane_buf_addf(b, "transaction open for: %s\n",
		      pane_fmt_dur_s(s->xact_s, t1, sizeof(t1)));
	if (s->n_blocked_by > 0) {
		fmt_pids(s, t2, sizeof(t2));
		pane_buf_addf(b, "blocked by: %s\n", t2);
		pane_buf_addf(b, "waiting for: %s%s%s for %s\n",
			      s->lock_mode[0] ? s->lock_mode : "a lock",
			      s->lock_rel[0] ? " on " : "", s->lock_rel,
			      pane_fmt_dur_s(session_wait_s(s), t1,
					     sizeof(t1)));
	} else {
		pane_buf_addf(b, "blocked by: nobody\n");
	}
	for (i = 0; i < dp->n_tree; i++) {
		if (dp->tree[i].sess >= 0 && !dp->tree[i].query &&
		    dp->m->sessions[dp->tree[i].sess].pid == s->pid) {
			blocks = dp->tree[i].blocks;
			break;
		}
	}
	pane_buf_addf(b, "blocks: %d session%s\n", blocks,
		      blocks == 1 ? "" : "s");
	pane_buf_addf(b, "\nquery:\n%s\n", s->query);
}

static char *
db_detail(struct pane *p, const struct pane_ctx *c)
{
	struct db_priv *dp = db_priv(p);
	const struct pg_session *s;
	struct pane_buf b = { 0 };
	char t1[64], t2[64], t3[64];

	db_refresh(p, c);
	if (dp->m == NULL) {
		return NULL;
	}
	if ((s = selected_session(p, dp)) != NULL) {
		session_detail(&b, dp, s);
		return pane_buf_take(&b);
	}
	if (p->view.sel >= dp->ix.n) {
		return NULL;
	}
	if (p->sub == SUB_REPLICATION) {
		const struct pg_replica *r =
			&dp->m->replicas[dp->ix.idx[p->view.sel]];

		pane_buf_addf(&b, "replica %s\n\n", r->name);
		pane_buf_field(&b, "name", r->name);
		pane_buf_field(&b, "client", r->client);
		pane_buf_field(&b, "state", r->state);
		pane_buf_addf(&b, "lag: write %s, flush %s, replay %s\n",
			      fmt_seconds(r->write_lag_s, t1, sizeof(t1)),
			      fmt_seconds(r->flush_lag_s, t2, sizeof(t2)),
			      fmt_seconds(r->replay_lag_s, t3, sizeof(t3)));
		return pane_buf_take(&b);
	}
	if (p->sub == SUB_STATEMENTS) {
		const struct pg_statement *st =
			&dp->m->statements[dp->ix.idx[p->view.sel]];

		pane_buf_addf(&b, "statement\n\n");
		pane_buf_addf(&b, "calls: %s\n",
			      pane_fmt_num(st->calls, t1, sizeof(t1)));
		pane_buf_addf(&b, "total: %s\n",
			      fmt_seconds(isnan(st->total_ms) ? NAN :
					  st->total_ms / 1000.0, t1,
					  sizeof(t1)));
		pane_buf_addf(&b, "mean: %s\n",
			      fmt_seconds(isnan(st->mean_ms) ? NAN :
					  st->mean_ms / 1000.0, t1,
					  sizeof(t1)));
		pane_buf_addf(&b, "\nquery:\n%s\n", st->query);
		return pane_buf_take(&b);
	}
	return NULL;
}

static void
db_free(struct pane *p)
{
	struct db_priv *dp = p->priv;

	if (dp == NULL) {
		return;
	}
	pane_cache_finish(&dp->cache);
	pane_index_finish(&dp->ix);
	free(dp->tree);
	free(dp->tree_sel);
	free(dp);
	p->priv = NULL;
}

const struct pane_ops pane_db_ops = {
	.title = "Database",
	.kind = SNAP_PG,
	.draw = db_draw,
	.key = db_key,
	.click = db_click,
	.target = db_target,
	.detail = db_detail,
	.free = db_free,
};
