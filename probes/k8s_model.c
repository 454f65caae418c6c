/* The Kubernetes probe's model, updated in place as list items and watch
 * events arrive: one table per resource keyed by namespace/name, usage from
 * metrics.k8s.io, and the struct pods_model a snapshot gets, built from
 * them at most once per interval. Probe thread. */
#include "probes/k8s.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Events kept: the newest; a busy cluster makes thousands an hour. */
#define EVENTS_MAX 2000

struct entry {
	char *key;              /* "namespace/name", or "name" */
	void *row;              /* the resource's struct k8s_* */
	uint64_t gen;           /* the list or watch that last saw it */
	struct entry *next;
};

struct table {
	struct entry **buckets;
	size_t n_buckets;
	size_t n;
};

struct usage {
	double cpu;             /* millicores */
	double mem;             /* bytes */
};

struct k8s_model {
	struct table t[K8S_RES_COUNT];
	struct table pod_usage; /* rows: struct usage */
	struct table node_usage;
	bool metrics;           /* metrics.k8s.io answered */
	bool dirty;
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++) {
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	}
	return h;
}

static struct entry **
slot(struct table *t, const char *key)
{
	struct entry **pp;

	if (t->n_buckets == 0) {
		t->n_buckets = 64;
		t->buckets = xcalloc(t->n_buckets, sizeof(*t->buckets));
	}
	for (pp = &t->buckets[hash(key) % t->n_buckets]; *pp != NULL;
	     pp = &(*pp)->next) {
		if (strcmp((*pp)->key, key) == 0) {
			break;
		}
	}
	return pp;
}

static void
grow(struct table *t)
{
	struct entry **old = t->buckets;
	size_t n = t->n_buckets, i;

	if (t->n < t->n_buckets * 2) {
		return;
	}
	t->n_buckets *= 4;
	t->buckets = xcalloc(t->n_buckets, sizeof(*t->buckets));
	for (i = 0; i < n; i++) {
		struct entry *e = old[i], *next;

		for (; e != NULL; e = next) {
			struct entry **b =
				&t->buckets[hash(e->key) % t->n_buckets];

			next = e->next;
			e->next = *b;
			*b = e;
		}
	}
	free(old);
}

/* Sets key's row (taking it), replacing and freeing an old one. */
static void
put(struct table *t, const char *key, void *row, uint64_t gen)
{
	struct entry **pp = slot(t, key), *e = *pp;

	if (e != NULL) {
		free(e->row);
	} else {
		e = xcalloc(1, sizeof(*e));
		e->key = xstrdup(key);
		*pp = e;
		t->n++;
		grow(t);
	}
	e->row = row;
	e->gen = gen;
}

static bool
drop(struct table *t, const char *key)
{
	struct entry **pp, *e;

	if (t->n_buckets == 0 || *(pp = slot(t, key)) == NULL) {
		return false;
	}
	e = *pp;
	*pp = e->next;
	free(e->key);
	free(e->row);
	free(e);
	t->n--;
	return true;
}

static void *
get(const struct table *t, const char *key)
{
	struct entry *e;

	if (t->n_buckets == 0) {
		return NULL;
	}
	for (e = t->buckets[hash(key) % t->n_buckets]; e != NULL;
	     e = e->next) {
		if (strcmp(e->key, key) == 0) {
			return e->row;
		}
	}
	return NULL;
}

static void
clear(struct table *t)
{
	for (size_t i = 0; i < t->n_buckets; i++) {
		struct entry *e = t->buckets[i], *next;

		for (; e != NULL; e = next) {
			next = e->next;
			free(e->key);
			free(e->row);
			free(e);
		}
	}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/* Every entry e of table t. */
#define TABLE_EACH(t, e)                                                       \
	for (size_t b_ = 0; b_ < (t)->n_buckets; b_++)                         \
		for (struct entry *e = (t)->buckets[b_]; e != NULL;            \
		     e = e->next)

struct k8s_model *
k8s_model_new(void)
{
	return xcalloc(1, sizeof(struct k8s_model));
}

void
k8s_model_free(struct k8s_model *m)
{
	if (m == NULL) {
		return;
	}
	for (int r = 0; r < K8S_RES_COUNT; r++) {
		clear(&m->t[r]);
	}
	clear(&m->pod_usage);
	clear(&m->node_usage);
	free(m);
}

static void
key_of(const cJSON *obj, char *buf, size_t n)
{
	const char *ns = kj_str(obj, "metadata.namespace");

	snprintf(buf, n, "%s%s%s", ns, ns[0] ? "/" : "",
		 kj_str(obj, "metadata.name"));
}

/* Drops the oldest events while there are more than EVENTS_MAX. */
static void
trim_events(struct table *t)
{
	while (t->n > EVENTS_MAX) {
		const struct entry *oldest = NULL;
		char *key;

		TABLE_EACH(t, e) {
			const struct k8s_event *ev = e->row;

			if (oldest == NULL || ev->at_ms <
			    ((const struct k8s_event *)oldest->row)->at_ms) {
				oldest = e;
			}
		}
		key = xstrdup(oldest->key);
		drop(t, key);
		free(key);
	}
}

void
k8s_model_apply(struct k8s_model *m, enum k8s_res res, const cJSON *obj,
		bool deleted, uint64_t gen)
{
	char key[400];
	void *row;

	key_of(obj, key, sizeof(key));
	if (deleted) {
		m->dirty |= drop(&m->t[res], key);
		return;
	}
	row = k8s_res[res].parse(obj);
	if (row == NULL) {
		return;
	}
	put(&m->t[res], key, row, gen);
	if (res == K8S_EVENTS) {
		trim_events(&m->t[res]);
	}
	m->dirty = true;
}

void
k8s_model_sweep(struct k8s_model *m, enum k8s_res res, uint64_t gen)
{
	struct table *t = &m->t[res];
	char **gone = NULL;
	size_t n = 0, i;

	TABLE_EACH(t, e) {
		if (e->gen != gen) {
			gone = xreallocarray(gone, n + 1, sizeof(*gone));
			gone[n++] = xstrdup(e->key);
		}
	}
	for (i = 0; i < n; i++) {
		drop(t, gone[i]);
		free(gone[i]);
	}
	free(gone);
	m->dirty |= n > 0;
}

static void
set_usage(struct k8s_model *m, struct table *t, const cJSON *list)
{
	const cJSON *it, *c;

	clear(t);
	m->dirty = true;
	cJSON_ArrayForEach(it, kj_at(list, "items")) {
		struct usage *u = xcalloc(1, sizeof(*u));
		char key[400];
		const cJSON *cs = kj_at(it, "containers");

		key_of(it, key, sizeof(key));
		if (cs != NULL) {
			cJSON_ArrayForEach(c, cs) {
				u->cpu += k8s_quantity(kj_str(c, "usage.cpu"));
				u->mem += k8s_quantity(
					kj_str(c, "usage.memory"));
			}
		} else {
			u->cpu = k8s_quantity(kj_str(it, "usage.cpu"));
			u->mem = k8s_quantity(kj_str(it, "usage.memory"));
		}
		u->cpu *= 1000.0;
		put(t, key, u, 0);
	}
}

void
k8s_model_set_pod_metrics(struct k8s_model *m, const cJSON *list)
{
	m->metrics = list != NULL;
	set_usage(m, &m->pod_usage, list);
}

void
k8s_model_set_node_metrics(struct k8s_model *m, const cJSON *list)
{
	set_usage(m, &m->node_usage, list);
}

bool
k8s_model_dirty(const struct k8s_model *m)
{
	return m->dirty;
}

size_t
k8s_model_count(const struct k8s_model *m, enum k8s_res res)
{
	return m->t[res].n;
}

/* ---- what a snapshot gets -------------------------------------------------- */

static const char *
dup(struct snapshot *s, const char *str)
{
	return snapshot_strdup(s, str);
}

/* The deployment a pod belongs to, through its replica set; else its
 * controller's name. */
static const char *
pod_owner(const struct k8s_model *m, const struct k8s_pod *p)
{
	if (strcmp(p->owner_kind, "ReplicaSet") == 0) {
		char key[400];
		const struct k8s_rset *rs;

		snprintf(key, sizeof(key), "%s/%s", p->ns, p->owner);
		rs = get(&m->t[K8S_RSETS], key);
		if (rs != NULL && rs->owner[0] != '\0') {
			return rs->owner;
		}
	}
	return p->owner;
}

static void
build_pods(struct k8s_model *m, struct snapshot *s, struct pods_model *pm)
{
	const struct table *t = &m->t[K8S_PODS];
	size_t i = 0;

	pm->pods = snapshot_alloc(s, (t->n + 1) * sizeof(*pm->pods));
	TABLE_EACH(t, e) {
		const struct k8s_pod *p = e->row;
		struct pod_row *r = &pm->pods[i++];
		const struct usage *u;

		r->ns = dup(s, p->ns);
		r->name = dup(s, p->name);
		r->owner = dup(s, pod_owner(m, p));
		r->phase = dup(s, p->phase);
		r->reason = dup(s, p->reason);
		r->node = dup(s, p->node);
		r->last_term = dup(s, p->last_term);
		r->why = dup(s, p->why);
		r->ready = p->ready;
		r->containers = p->containers;
		r->restarts = p->restarts;
		r->started_ms = p->created_ms;
		r->last_restart_ms = p->last_restart_ms;
		r->mem_limit_bytes = p->mem_limit;
		r->cpu_limit_mcores = p->cpu_limit * 1000.0;
		r->cpu_mcores = NAN;
		r->mem_bytes = NAN;
		u = get(&m->pod_usage, e->key);
		if (u != NULL) {
			r->cpu_mcores = u->cpu;
			r->mem_bytes = u->mem;
		}
	}
	pm->n_pods = i;
}

static int
cmp_rset_owner(const void *a, const void *b)
{
	const struct k8s_rset *x = *(const struct k8s_rset *const *)a;
	const struct k8s_rset *y = *(const struct k8s_rset *const *)b;

	return strcmp(x->owner_uid, y->owner_uid);
}

/* The revision rollout undo returns to, found as kubectl finds it: of
 * the replica sets the deployment owns, the one with the second highest
 * revision. */
static void
previous_revision(struct k8s_rset **all, size_t n, const char *uid,
		  struct snapshot *s, struct deploy_row *d)
{
	const struct k8s_rset *latest = NULL, *prev = NULL;
	struct k8s_rset key, *kp = &key;
	struct k8s_rset **hit;
	size_t lo, hi;

	key.owner_uid = (char *)uid;
	hit = n > 0 ? bsearch(&kp, all, n, sizeof(*all), cmp_rset_owner) :
	      NULL;
	d->prev_rs = "";
	d->prev_image = "";
	if (hit == NULL || uid[0] == '\0') {
		return;
	}
	lo = hi = (size_t)(hit - all);
	while (lo > 0 && strcmp(all[lo - 1]->owner_uid, uid) == 0) {
		lo--;
	}
	while (hi + 1 < n && strcmp(all[hi + 1]->owner_uid, uid) == 0) {
		hi++;
	}
	for (; lo <= hi; lo++) {
		const struct k8s_rset *rs = all[lo];

		if (rs->revision <= 0) {
			continue;
		}
		if (latest == NULL || rs->revision > latest->revision) {
			prev = latest;
			latest = rs;
		} else if (prev == NULL || rs->revision > prev->revision) {
			prev = rs;
		}
	}
	if (latest != NULL && latest->revision == d->revision) {
		d->revision_ms = latest->created_ms;
	}
	if (prev != NULL) {
		d->prev_revision = prev->revision;
		d->prev_rs = dup(s, prev->name);
		d->prev_image = dup(s, prev->image);
	}
}

static void
build_deploys(struct k8s_model *m, struct snapshot *s, struct pods_model *pm)
{
	const struct table *t = &m->t[K8S_DEPLOYS];
	const struct table *rt = &m->t[K8S_RSETS];
	struct k8s_rset **rsets = xcalloc(rt->n + 1, sizeof(*rsets));
	size_t i = 0, n_rs = 0;

	TABLE_EACH(rt, e) {
		rsets[n_rs++] = e->row;
	}
	qsort(rsets, n_rs, sizeof(*rsets), cmp_rset_owner);
	pm->deploys = snapshot_alloc(s, (t->n + 1) * sizeof(*pm->deploys));
	TABLE_EACH(t, e) {
		const struct k8s_deploy *d = e->row;
		struct deploy_row *r = &pm->deploys[i++];

		r->ns = dup(s, d->ns);
		r->name = dup(s, d->name);
		r->replicas = d->replicas;
		r->ready = d->ready;
		r->updated = d->updated;
		r->available = d->available;
		r->revision = d->revision;
		r->image = dup(s, d->image);
		r->rollout = dup(s, d->rollout);
		r->rollout_msg = dup(s, d->rollout_msg);
		r->created_ms = d->created_ms;
		previous_revision(rsets, n_rs, d->uid, s, r);
	}
	pm->n_deploys = i;
	free(rsets);
}

static int
cmp_event_row(const void *a, const void *b)
{
	const struct event_row *x = a, *y = b;

	return x->at_ms > y->at_ms ? -1 : x->at_ms < y->at_ms ? 1 : 0;
}

static void
build_events(struct k8s_model *m, struct snapshot *s, struct pods_model *pm)
{
	const struct table *t = &m->t[K8S_EVENTS];
	size_t i = 0;

	pm->events = snapshot_alloc(s, (t->n + 1) * sizeof(*pm->events));
	TABLE_EACH(t, e) {
		const struct k8s_event *ev = e->row;
		struct event_row *r = &pm->events[i++];

		r->at_ms = ev->at_ms;
		r->type = dup(s, ev->type);
		r->reason = dup(s, ev->reason);
		r->object = dup(s, ev->object);
		r->message = dup(s, ev->message);
		r->ns = dup(s, ev->ns);
		r->count = ev->count;
	}
	pm->n_events = i;
	qsort(pm->events, i, sizeof(*pm->events), cmp_event_row);
}

static int
cmp_node_row(const void *a, const void *b)
{
	return strcmp(((const struct node_row *)a)->name,
		      ((const struct node_row *)b)->name);
}

static void
build_nodes(struct k8s_model *m, struct snapshot *s, struct pods_model *pm)
{
	const struct table *t = &m->t[K8S_NODES];
	struct node_row key;
	size_t i = 0;

	pm->nodes = snapshot_alloc(s, (t->n + 1) * sizeof(*pm->nodes));
	TABLE_EACH(t, e) {
		const struct k8s_node *n = e->row;
		struct node_row *r = &pm->nodes[i++];
		const struct usage *u = get(&m->node_usage, e->key);

		r->name = dup(s, n->name);
		r->ready = dup(s, n->ready);
		r->pressure = dup(s, n->pressure);
		r->roles = dup(s, n->roles);
		r->version = dup(s, n->version);
		r->cordoned = n->cordoned;
		r->created_ms = n->created_ms;
		r->cpu_alloc_mcores = n->cpu_alloc * 1000.0;
		r->mem_alloc_bytes = n->mem_alloc;
		r->cpu_mcores = u != NULL ? u->cpu : NAN;
		r->mem_bytes = u != NULL ? u->mem : NAN;
	}
	pm->n_nodes = i;
	qsort(pm->nodes, i, sizeof(*pm->nodes), cmp_node_row);
	for (i = 0; i < pm->n_pods && pm->n_nodes > 0; i++) {
		struct node_row *hit;

		key.name = pm->pods[i].node;
		hit = bsearch(&key, pm->nodes, pm->n_nodes,
			      sizeof(*pm->nodes), cmp_node_row);
		if (hit != NULL) {
			hit->pods++;
		}
	}
}

static void
build_hpas(struct k8s_model *m, struct snapshot *s, struct pods_model *pm)
{
	const struct table *t = &m->t[K8S_HPAS];
	size_t i = 0;

	pm->hpas = snapshot_alloc(s, (t->n + 1) * sizeof(*pm->hpas));
	TABLE_EACH(t, e) {
		const struct k8s_hpa *h = e->row;
		struct hpa_row *r = &pm->hpas[i++];

		r->ns = dup(s, h->ns);
		r->name = dup(s, h->name);
		r->target = dup(s, h->target);
		r->metrics = dup(s, h->metrics);
		r->why = dup(s, h->why);
		r->min = h->min;
		r->max = h->max;
		r->current = h->current;
		r->desired = h->desired;
		r->created_ms = h->created_ms;
	}
	pm->n_hpas = i;
}

struct pods_model *
k8s_model_build(struct k8s_model *m, struct snapshot *s)
{
	struct pods_model *pm = snapshot_alloc(s, sizeof(*pm));

	build_pods(m, s, pm);
	build_deploys(m, s, pm);
	build_events(m, s, pm);
	build_nodes(m, s, pm);
	build_hpas(m, s, pm);
	m->dirty = false;
	return pm;
}

static int
cmp_event_newest(const void *a, const void *b)
{
	const struct k8s_event *x = *(const struct k8s_event *const *)a;
	const struct k8s_event *y = *(const struct k8s_event *const *)b;

	return x->at_ms > y->at_ms ? -1 : x->at_ms < y->at_ms ? 1 : 0;
}

size_t
k8s_model_events(const struct k8s_model *m, const char *kind,
		 const char *ns, const char *name,
		 const struct k8s_event **out, size_t max)
{
	const struct table *t = &m->t[K8S_EVENTS];
	const struct k8s_event **all = xcalloc(t->n + 1, sizeof(*all));
	char object[320];
	size_t n = 0;

	snprintf(object, sizeof(object), "%s/%s", kind, name);
	TABLE_EACH(t, e) {
		const struct k8s_event *ev = e->row;

		if (strcmp(ev->object, object) == 0 &&
		    (ns[0] == '\0' || strcmp(ev->ns, ns) == 0)) {
			all[n++] = ev;
		}
	}
	qsort(all, n, sizeof(*all), cmp_event_newest);
	if (n > max) {
		n = max;
	}
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}

size_t
k8s_model_rsets(const struct k8s_model *m, const char *ns, const char *uid,
		const struct k8s_rset **out, size_t max)
{
	const struct table *t = &m->t[K8S_RSETS];
	size_t n = 0;

	TABLE_EACH(t, e) {
		const struct k8s_rset *rs = e->row;

		if (n < max && strcmp(rs->ns, ns) == 0 &&
		    strcmp(rs->owner_uid, uid) == 0) {
			out[n++] = rs;
		}
	}
	return n;
}

const char *
k8s_model_pod_container(const struct k8s_model *m, const char *ns,
			const char *name)
{
	char key[400];
	const struct k8s_pod *p;

	snprintf(key, sizeof(key), "%s/%s", ns, name);
	p = get(&m->t[K8S_PODS], key);
	return p != NULL ? p->container : "";
}
