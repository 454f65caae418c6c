/* One poll's observations of consumer groups, the table of log ends both
 * views build, and the lists of names and patterns that pick groups and
 * topics (see kafka_internal.h). Probe thread. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "probes/kafka_internal.h"
#include "probes/kafka_lag.h"

struct kafka_obs_group *
kafka_obs_add_group(struct kafka_obs *o, const char *name)
{
	struct kafka_obs_group *g;

	if (o->n_groups == o->cap_groups) {
		o->cap_groups = o->cap_groups ? o->cap_groups * 2 : 16;
		o->groups = xreallocarray(o->groups, o->cap_groups,
					  sizeof(*o->groups));
	}
	g = &o->groups[o->n_groups++];
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(name);
	g->members = -1;
	return g;
}

struct kafka_obs_part *
kafka_obs_add_part(struct kafka_obs_group *g, const char *topic,
		   int partition)
{
	struct kafka_obs_part *p;

	if (g->n_parts == g->cap_parts) {
		g->cap_parts = g->cap_parts ? g->cap_parts * 2 : 8;
		g->parts = xreallocarray(g->parts, g->cap_parts,
					 sizeof(*g->parts));
	}
	p = &g->parts[g->n_parts++];
	p->topic = xstrdup(topic);
	p->partition = partition;
	p->committed = KAFKA_NO_OFFSET;
	p->high = KAFKA_NO_OFFSET;
	p->lag = KAFKA_NO_OFFSET;
	p->owner = NULL;
	return p;
}

static int
part_cmp(const void *a, const void *b)
{
	const struct kafka_obs_part *x = a, *y = b;
	int r = strcmp(x->topic, y->topic);

	if (r != 0) {
		return r;
	}
	return (x->partition > y->partition) - (x->partition < y->partition);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct kafka_obs_group *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static void
part_free(struct kafka_obs_part *p)
{
	free(p->topic);
	free(p->owner);
}

/* Folds what src knows into dst, then frees src. */
static void
part_merge(struct kafka_obs_part *dst, struct kafka_obs_part *src)
{
	if (dst->committed == KAFKA_NO_OFFSET) {
		dst->committed = src->committed;
	}
	if (dst->high == KAFKA_NO_OFFSET) {
		dst->high = src->high;
	}
	if (dst->lag == KAFKA_NO_OFFSET) {
		dst->lag = src->lag;
	}
	if (dst->owner == NULL) {
		dst->owner = src->owner;
		src->owner = NULL;
	}
	part_free(src);
}

void
kafka_obs_sort(struct kafka_obs *o)
{
	size_t i, j, k;

	for (i = 0; i < o->n_groups; i++) {
		struct kafka_obs_group *g = &o->groups[i];

		if (g->n_parts < 2) {
			continue;
		}
		qsort(g->parts, g->n_parts, sizeof(*g->parts), part_cmp);
		for (j = 1, k = 0; j < g->n_parts; j++) {
			if (part_cmp(&g->parts[k], &g->parts[j]) == 0) {
				part_merge(&g->parts[k], &g->parts[j]);
			} else {
				g->parts[++k] = g->parts[j];
			}
		}
		g->n_parts = k + 1;
	}
	if (o->n_groups > 1) {
		qsort(o->groups, o->n_groups, sizeof(*o->groups), group_cmp);
	}
}

struct kafka_obs_part *
kafka_obs_find(struct kafka_obs_group *g, const char *topic, int partition)
{
	struct kafka_obs_part key = { .topic = (char *)topic,
				      .partition = partition };

	if (g->n_parts == 0) {
		return NULL;
	}
	return bsearch(&key, g->parts, g->n_parts, sizeof(*g->parts),
		       part_cmp);
}

void
kafka_obs_finish(struct kafka_obs *o)
{
	size_t i, j;

	for (i = 0; i < o->n_groups; i++) {
		struct kafka_obs_group *g = &o->groups[i];

		for (j = 0; j < g->n_parts; j++) {
			part_free(&g->parts[j]);
		}
		free(g->parts);
		free(g->name);
		free(g->state);
		free(g->error);
	}
	free(o->groups);
	memset(o, 0, sizeof(*o));
}

/* ---- log ends ------------------------------------------------------- */

static int
log_end_cmp(const void *a, const void *b)
{
	const struct kafka_log_end *x = a, *y = b;
	int r = strcmp(x->topic, y->topic);

	return r != 0 ? r : (x->partition > y->partition) -
			    (x->partition < y->partition);
}

size_t
kafka_log_ends_sort(struct kafka_log_end *v, size_t n)
{
	size_t i, u;

	if (n == 0) {
		return 0;
	}
	qsort(v, n, sizeof(*v), log_end_cmp);
	for (i = 1, u = 0; i < n; i++) {
		if (log_end_cmp(&v[u], &v[i]) != 0) {
			v[++u] = v[i];
		}
	}
	return u + 1;
}

void
kafka_obs_set_log_ends(struct kafka_obs *o, const struct kafka_log_end *v,
		       size_t n)
{
	size_t i, j;

	for (i = 0; n > 0 && i < o->n_groups; i++) {
		for (j = 0; j < o->groups[i].n_parts; j++) {
			struct kafka_obs_part *p = &o->groups[i].parts[j];
			struct kafka_log_end key = { p->topic, p->partition,
						     0 };
			const struct kafka_log_end *hit =
				bsearch(&key, v, n, sizeof(*v), log_end_cmp);

			if (hit != NULL) {
				p->high = hit->high;
			}
		}
	}
}

int64_t
kafka_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- names and patterns ---------------------------------------------- */

void
kafka_names_parse(struct kafka_names *nm, const char *list)
{
	const char *p = list;

	memset(nm, 0, sizeof(*nm));
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		const char *e = end != NULL ? end : p + strlen(p);
		const char *s = p;

		while (s < e && (*s == ' ' || *s == '\t')) {
			s++;
		}
		while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
			e--;
		}
		if (e > s) {
			char *name = xstrndup(s, (size_t)(e - s));

			nm->v = xreallocarray(nm->v, nm->n + 1,
					      sizeof(*nm->v));
			nm->v[nm->n++] = name;
			nm->patterns |= strpbrk(name, "*?[") != NULL;
		}
		p = end != NULL ? end + 1 : NULL;
	}
}

bool
kafka_names_match(const struct kafka_names *nm, const char *name, bool def)
{
	size_t i;

	if (nm->n == 0) {
		return def;
	}
	for (i = 0; i < nm->n; i++) {
		if (strcmp(nm->v[i], name) == 0 ||
		    fnmatch(nm->v[i], name, 0) == 0) {
			return true;
		}
	}
	return false;
}

void
kafka_names_finish(struct kafka_names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++) {
		free(nm->v[i]);
	}
	free(nm->v);
	memset(nm, 0, sizeof(*nm));
}
