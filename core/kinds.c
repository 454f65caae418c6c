/* The table of kinds: one line per kind, in the order of enum snap_kind.
 * Static data: any thread. */
#include <stdbool.h>
#include <stddef.h>
#include <strings.h>

#include "core/kind.h"

static const struct kind_desc *const kinds[SNAP_KIND_COUNT] = {
	[SNAP_PODS] = &kind_pods,
	[SNAP_PG] = &kind_pg,
	[SNAP_REDIS] = &kind_redis,
	[SNAP_KAFKA] = &kind_kafka,
	[SNAP_METRICS] = &kind_metrics,
	[SNAP_ALERTS] = &kind_alerts,
	[SNAP_HTTP] = &kind_http,
	[SNAP_DIAGNOSIS] = &kind_diag,
};

const struct kind_desc *
kind_of(enum snap_kind kind)
{
	return (unsigned)kind < SNAP_KIND_COUNT ? kinds[kind] : NULL;
}

static bool
kind_is(const struct kind_desc *kd, const char *name)
{
	if (strcasecmp(kd->name, name) == 0 ||
	    strcasecmp(kd->title, name) == 0 ||
	    strcasecmp(kd->abbrev, name) == 0) {
		return true;
	}
	for (size_t i = 0; kd->aliases != NULL && kd->aliases[i] != NULL;
	     i++) {
		if (strcasecmp(kd->aliases[i], name) == 0) {
			return true;
		}
	}
	return false;
}

const struct kind_desc *
kind_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < SNAP_KIND_COUNT; i++) {
		if (kind_is(kinds[i], name)) {
			return kinds[i];
		}
	}
	return NULL;
}
