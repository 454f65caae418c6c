/* The redis kind: the memory and eviction finding, and the Redis actions
 * (delete keys by pattern, FLUSHDB typed to confirm, kill a client, reset
 * the slow log). Pure functions: any thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules_internal.h"

static void
redis_findings(const struct redis_model *m, struct rules_list *fl)
{
	bool limited = !isnan(m->max_bytes) && m->max_bytes > 0 &&
		       !isnan(m->used_bytes);
	bool evicting = !isnan(m->evicted_per_s) && m->evicted_per_s > 0;
	double ratio = limited ? m->used_bytes / m->max_bytes : 0;
	enum health sev = HEALTH_OK;
	char rate[32];

	if (limited && ratio > rules_threshold(TH_REDIS_MEM_WARN)) {
		sev = ratio > rules_threshold(TH_REDIS_MEM_CRIT) ?
		      HEALTH_CRIT : HEALTH_WARN;
	}
	if (evicting) {
		sev = HEALTH_CRIT;
		rules_fmt_count(m->evicted_per_s, rate, sizeof(rate));
	}
	if (sev == HEALTH_OK) {
		return;
	}
	if (limited && evicting) {
		rules_list_add(fl, sev, "redis-memory", "memory at %.0f%% of "
			       "maxmemory, evicting %s keys/s", ratio * 100,
			       rate);
	} else if (evicting) {
		rules_list_add(fl, sev, "redis-memory", "evicting %s keys/s",
			       rate);
	} else {
		rules_list_add(fl, sev, "redis-memory",
			       "memory at %.0f%% of maxmemory", ratio * 100);
	}
}

static void
redis_derive(struct snapshot *s, struct derive *d)
{
	redis_findings(s->data, d->findings);
}

/* ---- actions ------------------------------------------------------------- */

/* The operator types the database number, as with redis-cli's FLUSHDB
 * in the wrong database being the classic mistake. */
static void
confirm_flush(const struct action_req *req, char *buf, size_t n)
{
	const struct redis_model *m = req->snap != NULL ?
		snapshot_redis(req->snap) : NULL;

	snprintf(buf, n, "%d", m != NULL ? m->db : 0);
}

const struct action_spec action_redis_delete_keys = {
	.name = "delete-keys",
	.label = "Delete keys by pattern",
	.hint = "delete keys",
	.key = 'K',
	.target = TARGET_KEY_PATTERN,
	.destructive = true,
	.input = "Pattern",
};

const struct action_spec action_redis_flushdb = {
	.name = "flushdb",
	.label = "FLUSHDB",
	.hint = "flushdb",
	.key = 'F',
	.target = TARGET_SOURCE,
	.destructive = true,
	.confirm_word = confirm_flush,
};

const struct action_spec action_redis_client_kill = {
	.name = "client-kill",
	.label = "Kill client",
	.hint = "kill client",
	.key = 'X',
	.target = TARGET_REDIS_CLIENT,
	.destructive = true,
};

const struct action_spec action_redis_slowlog_reset = {
	.name = "slowlog-reset",
	.label = "SLOWLOG RESET",
	.hint = "reset slowlog",
	.key = 'L',
	.target = TARGET_SOURCE,
	.destructive = true,
};

static const struct action_spec *const redis_actions[] = {
	&action_redis_delete_keys,
	&action_redis_flushdb,
	&action_redis_client_kill,
	&action_redis_slowlog_reset,
	NULL,
};

const struct kind_desc kind_redis = {
	.kind = SNAP_REDIS,
	.name = "redis",
	.title = "Redis",
	.abbrev = "redis",
	.derive = redis_derive,
	.actions = redis_actions,
};
