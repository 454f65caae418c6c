/* Who blocks whom among a PostgreSQL snapshot's sessions: the lock graph
 * (struct pg_locks), derived once at publish from each session's
 * blocked_by, and the one place that counts the sessions behind a pid.
 * Pure functions: any thread. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules_internal.h"
#include "core/xalloc.h"

double
pg_session_wait_s(const struct pg_session *s)
{
	return !isnan(s->wait_s) ? s->wait_s : s->query_s;
}

const struct pg_session *
pg_session_find(const struct pg_model *m, int pid, int64_t backend_start_us)
{
	size_t i;

	for (i = 0; m != NULL && i < m->n_sessions; i++) {
		if (m->sessions[i].pid == pid &&
		    m->sessions[i].backend_start_us == backend_start_us) {
			return &m->sessions[i];
		}
	}
	return NULL;
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

/* What the builder needs besides the graph itself; freed at the end. */
struct build {
	const struct pg_model *m;
	struct pg_locks *g;
	size_t n;               /* sessions */
	struct pid_ent *pids;   /* sorted, for lookups */
	int *hidden;            /* pids of blockers the role cannot see */
	size_t n_hidden, cap_hidden;
	/* every blocking edge, for the counts behind a node */
	int *edge_head, *edge_next, *edge_to;
	size_t n_edges, cap_edges;
	int *stamp, *queue;
	int walk;
};

static int
find_session(const struct build *b, int pid)
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
hidden_node(struct build *b, int pid)
{
	size_t i;

	for (i = 0; i < b->n_hidden; i++) {
		if (b->hidden[i] == pid) {
			return (int)(b->n + i);
		}
	}
	if (b->n_hidden == b->cap_hidden) {
		b->cap_hidden = b->cap_hidden ? b->cap_hidden * 2 : 8;
		b->hidden = xreallocarray(b->hidden, b->cap_hidden,
					  sizeof(*b->hidden));
	}
	b->hidden[b->n_hidden++] = pid;
	return (int)(b->n + b->n_hidden - 1);
}

/* The node for a blocker pid: its session, or a hidden node. */
static int
blocker_node(struct build *b, int pid)
{
	int i = find_session(b, pid);

	return i >= 0 ? i : hidden_node(b, pid);
}

static void
add_edge(struct build *b, int from, int to)
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

/* Counts the sessions reachable from node over every blocking edge, and
 * the longest wait among them; marks them in reach when it is set. */
static void
count_behind(struct build *b, int node, bool *reach)
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
			if (reach != NULL) {
				reach[v] = true;
			}
			ws = pg_session_wait_s(&b->m->sessions[v]);
			if (!isnan(ws) && (isnan(mw) || ws > mw)) {
				mw = ws;
			}
		}
	}
	b->g->behind[node] = count;
	b->g->longest_s[node] = mw;
}

/* Tree children in display order: longest wait first, then pid. */
static bool
child_before(const struct pg_model *m, int x, int y)
{
	const struct pg_session *sx = &m->sessions[x];
	const struct pg_session *sy = &m->sessions[y];
	double wx = pg_session_wait_s(sx), wy = pg_session_wait_s(sy);

	if (isnan(wx) != isnan(wy)) {
		return !isnan(wx);
	}
	if (!isnan(wx) && wx != wy) {
		return wx > wy;
	}
	return sx->pid < sy->pid;
}

static void
link_children(struct build *b)
{
	struct pg_locks *g = b->g;
	size_t i;

	for (i = 0; i < g->n_nodes; i++) {
		g->first_child[i] = -1;
	}
	/* Insert each waiter into its parent's sorted list. */
	for (i = 0; i < b->n; i++) {
		int p = g->parent[i], *link;

		g->next_sibling[i] = -1;
		if (p < 0) {
			continue;
		}
		link = &g->first_child[p];
		while (*link >= 0 && child_before(b->m, *link, (int)i)) {
			link = &g->next_sibling[*link];
		}
		g->next_sibling[i] = *link;
		*link = (int)i;
	}
}

struct root_ref {
	int node;
	int behind;
	double longest;
	int pid;
};

static int
cmp_roots(const void *a, const void *b)
{
	const struct root_ref *x = a, *y = b;

	if (x->behind != y->behind) {
		return x->behind > y->behind ? -1 : 1;
	}
	if (isnan(x->longest) != isnan(y->longest)) {
		return isnan(x->longest) ? 1 : -1;
	}
	if (!isnan(x->longest) && x->longest != y->longest) {
		return x->longest > y->longest ? -1 : 1;
	}
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int
node_pid(const struct build *b, int node)
{
	return (size_t)node < b->n ? b->m->sessions[node].pid :
	       b->hidden[(size_t)node - b->n];
}

/* Marks node and everything that hangs under it in the tree. */
static void
mark_tree(struct build *b, int node, bool *seen)
{
	const struct pg_locks *g = b->g;
	size_t qh = 0, qt = 0;

	seen[node] = true;
	b->queue[qt++] = node;
	while (qh < qt) {
		int x = b->queue[qh++];

		for (int c = g->first_child[x]; c >= 0;
		     c = g->next_sibling[c]) {
			if (!seen[c]) {
				seen[c] = true;
				b->queue[qt++] = c;
			}
		}
	}
}

/* Roots (blocking others, waiting for nobody) worst first; then, for the
 * waiters no tree holds yet (a circle the server has not broken yet), one
 * node per circle: where following the first blockers comes back. */
static void
find_roots(struct build *b, struct snapshot *s)
{
	struct pg_locks *g = b->g;
	struct root_ref *roots;
	bool *reach = xcalloc(g->n_nodes + 1, sizeof(*reach));
	bool *in_tree = xcalloc(g->n_nodes + 1, sizeof(*in_tree));
	int *walked = xcalloc(g->n_nodes + 1, sizeof(*walked));
	size_t i, n_roots = 0;
	int walk = 0;

	roots = xreallocarray(NULL, g->n_nodes + 1, sizeof(*roots));
	for (i = 0; i < g->n_nodes; i++) {
		if ((i < b->n && g->parent[i] >= 0) || b->edge_head[i] < 0) {
			continue;
		}
		count_behind(b, (int)i, reach);
		roots[n_roots].node = (int)i;
		roots[n_roots].behind = g->behind[i];
		roots[n_roots].longest = g->longest_s[i];
		roots[n_roots].pid = node_pid(b, (int)i);
		n_roots++;
	}
	qsort(roots, n_roots, sizeof(*roots), cmp_roots);
	g->roots = snapshot_alloc(s, (g->n_nodes + 1) * sizeof(int));
	for (i = 0; i < n_roots; i++) {
		g->roots[i] = roots[i].node;
		mark_tree(b, roots[i].node, in_tree);
	}
	g->n_blockers = n_roots;
	g->n_roots = n_roots;
	/* Waiting, and behind no root blocker over any edge. */
	for (i = 0; i < b->n; i++) {
		if (g->parent[i] >= 0 && !reach[i]) {
			g->n_in_cycle++;
		}
	}
	for (i = 0; i < b->n; i++) {
		int u = (int)i;

		if (in_tree[i] || g->parent[i] < 0) {
			continue;
		}
		walk++;
		while (u >= 0 && (size_t)u < b->n && walked[u] != walk &&
		       !in_tree[u]) {
			walked[u] = walk;
			u = g->parent[u];
		}
		if (u < 0 || (size_t)u >= b->n || in_tree[u]) {
			u = (int)i;
		}
		if (g->behind[u] < 0) {
			count_behind(b, u, NULL);
		}
		g->roots[g->n_roots++] = u;
		mark_tree(b, u, in_tree);
	}
	free(roots);
	free(reach);
	free(in_tree);
	free(walked);
}

void
pg_locks_derive(struct snapshot *s, struct pg_model *m)
{
	struct pg_locks *g = &m->locks;
	struct build b;
	size_t n = m->n_sessions, i, j;

	memset(g, 0, sizeof(*g));
	g->longest_wait_s = NAN;
	if (n == 0) {
		return;
	}
	memset(&b, 0, sizeof(b));
	b.m = m;
	b.g = g;
	b.n = n;
	b.pids = xreallocarray(NULL, n, sizeof(*b.pids));
	for (i = 0; i < n; i++) {
		b.pids[i].pid = m->sessions[i].pid;
		b.pids[i].idx = (int)i;
	}
	qsort(b.pids, n, sizeof(*b.pids), cmp_pid_ent);

	/* Each waiter hangs under its first blocker (a visible one first,
	 * else a node for the first blocker the role cannot see). */
	g->parent = snapshot_alloc(s, n * sizeof(int));
	g->more = snapshot_alloc(s, n * sizeof(int));
	for (i = 0; i < n; i++) {
		const struct pg_session *se = &m->sessions[i];
		int first = -1, first_pid = 0, count = 0;

		for (j = 0; j < se->n_blocked_by; j++) {
			int bp = se->blocked_by[j];

			if (bp == se->pid || blocker_seen_before(se, j)) {
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
			first = hidden_node(&b, first_pid);
		}
		g->parent[i] = first;
		g->more[i] = count > 0 ? count - 1 : 0;
		if (count > 0) {
			double ws = pg_session_wait_s(se);

			g->n_waiting++;
			if (!isnan(ws) && (isnan(g->longest_wait_s) ||
					   ws > g->longest_wait_s)) {
				g->longest_wait_s = ws;
			}
		}
	}
	/* Every blocking edge (not only the first), for the counts. */
	b.edge_head = xreallocarray(NULL, n + b.n_hidden, sizeof(int));
	for (i = 0; i < n + b.n_hidden; i++) {
		b.edge_head[i] = -1;
	}
	for (i = 0; i < n; i++) {
		const struct pg_session *se = &m->sessions[i];

		for (j = 0; j < se->n_blocked_by; j++) {
			int bp = se->blocked_by[j], from;
			size_t had = b.n_hidden;

			if (bp == se->pid || blocker_seen_before(se, j)) {
				continue;
			}
			from = blocker_node(&b, bp);
			if (b.n_hidden != had) {
				b.edge_head = xreallocarray(b.edge_head,
							    n + b.n_hidden,
							    sizeof(int));
				b.edge_head[from] = -1;
			}
			add_edge(&b, from, (int)i);
		}
	}
	g->n_nodes = n + b.n_hidden;
	g->hidden_pid = snapshot_alloc(s, (b.n_hidden + 1) * sizeof(int));
	if (b.n_hidden > 0) {
		memcpy(g->hidden_pid, b.hidden, b.n_hidden * sizeof(int));
	}
	g->first_child = snapshot_alloc(s, g->n_nodes * sizeof(int));
	g->next_sibling = snapshot_alloc(s, n * sizeof(int));
	g->behind = snapshot_alloc(s, g->n_nodes * sizeof(int));
	g->longest_s = snapshot_alloc(s, g->n_nodes * sizeof(double));
	for (i = 0; i < g->n_nodes; i++) {
		g->behind[i] = -1;
		g->longest_s[i] = NAN;
	}
	link_children(&b);
	b.stamp = xcalloc(g->n_nodes, sizeof(int));
	b.queue = xreallocarray(NULL, g->n_nodes, sizeof(int));
	find_roots(&b, s);
	/* What nobody asked for yet (a waiter inside a tree) is counted
	 * now, so that readers only read. */
	for (i = 0; i < g->n_nodes; i++) {
		if (g->behind[i] < 0) {
			if (b.edge_head[i] >= 0) {
				count_behind(&b, (int)i, NULL);
			} else {
				g->behind[i] = 0;
			}
		}
	}
	free(b.pids);
	free(b.hidden);
	free(b.edge_head);
	free(b.edge_next);
	free(b.edge_to);
	free(b.stamp);
	free(b.queue);
}

/* ---- reading ------------------------------------------------------------- */

int
pg_locks_session(const struct pg_model *m, int pid)
{
	size_t i;

	for (i = 0; m != NULL && i < m->n_sessions; i++) {
		if (m->sessions[i].pid == pid) {
			return (int)i;
		}
	}
	return -1;
}

int
pg_locks_behind(const struct pg_model *m, int pid)
{
	const struct pg_locks *g;
	size_t i;
	int node;

	if (m == NULL) {
		return 0;
	}
	g = &m->locks;
	if (g->behind == NULL) {
		return 0;
	}
	node = pg_locks_session(m, pid);
	if (node < 0) {
		for (i = m->n_sessions; i < g->n_nodes; i++) {
			if (g->hidden_pid[i - m->n_sessions] == pid) {
				node = (int)i;
			}
		}
	}
	return node >= 0 && g->behind[node] > 0 ? g->behind[node] : 0;
}
