/* The redis kind: the memory and eviction findings, and the Redis actions
 * (delete keys by pattern, FLUSHDB typed to confirm, kill a client, reset
 * the slow log). Pure functions: any thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules_internal.h"

/* Evictions faster than this are critical: the cache is being emptied. */
#define EVICT_CRIT_PER_S 1000.0

static void
redis_findings(const struct redis_model *m, struct rules_list *fl)
{
	bool limited = !isnan(m->max_bytes) && m->max_bytes > 0 &&
		       !isnan(m->used_bytes);
	double ratio = limited ? m->used_bytes / m->max_bytes : 0;
	double th = rules_threshold(TH_REDIS_MEM_CRIT);
	enum health sev = HEALTH_CRIT;
	char cmp[64], used[32], max[32], total[32];
	struct finding *f;

	if (limited && ratio > rules_threshold(TH_REDIS_MEM_WARN)) {
		if (ratio <= th) {
			sev = HEALTH_WARN;
			th = rules_threshold(TH_REDIS_MEM_WARN);
		}
		f = rules_list_add(fl, sev, "redis-memory", "memory at %s of "
				   "maxmemory (%s of %s)",
				   rules_fmt_cmp(UNIT_RATIO, ratio, ">", th,
						 cmp, sizeof(cmp)),
				   rules_fmt_unit(UNIT_BYTES, m->used_bytes,
						  used, sizeof(used)),
				   rules_fmt_unit(UNIT_BYTES, m->max_bytes,
						  max, sizeof(max)));
		rules_finding_measure(f, "memory used (share of maxmemory)",
				      ratio, th, UNIT_RATIO);
	}
	if (isnan(m->evicted_per_s) || m->evicted_per_s <= 0) {
		return;
	}
	total[0] = '\0';
	if (!isnan(m->evicted_keys) && m->evicted_keys > 0) {
		snprintf(total, sizeof(total), ", %s since the server started",
			 rules_fmt_count(m->evicted_keys, used, sizeof(used)));
	}
	sev = m->evicted_per_s > EVICT_CRIT_PER_S ? HEALTH_CRIT : HEALTH_WARN;
	f = rules_list_add(fl, sev, "redis-evicting", "evicting keys at %s "
			   "(maxmemory-policy %s%s)",
			   sev == HEALTH_CRIT ?
			   rules_fmt_cmp(UNIT_PER_SECOND, m->evicted_per_s,
					 ">", EVICT_CRIT_PER_S, cmp,
					 sizeof(cmp)) :
			   rules_fmt_unit(UNIT_PER_SECOND, m->evicted_per_s,
					  cmp, sizeof(cmp)),
			   m->policy != NULL && m->policy[0] ? m->policy :
			   "unknown", total);
	rules_finding_measure(f, "keys evicted per second", m->evicted_per_s,
			      sev == HEALTH_CRIT ? EVICT_CRIT_PER_S : 0,
			      UNIT_PER_SECOND);
}

static void
redis_derive(struct snapshot *s, struct derive *d)
{
	redis_findings(s->data, d->findings);
}

static double
redis_cleared(const struct snapshot *s, const char *key, char *buf,
	      size_t n)
{
	const struct redis_model *m = snapshot_redis(s);
	char a[32], b[32];

	if (m == NULL) {
		return NAN;
	}
	if (strcmp(key, "redis-memory") == 0 && m->max_bytes > 0) {
		snprintf(buf, n, "memory at %s of maxmemory (%s)",
			 rules_fmt_unit(UNIT_RATIO, m->used_bytes /
					m->max_bytes, a, sizeof(a)),
			 rules_fmt_unit(UNIT_BYTES, m->used_bytes, b,
					sizeof(b)));
		return m->used_bytes / m->max_bytes;
	}
	if (strcmp(key, "redis-evicting") == 0) {
		bool total = !isnan(m->evicted_keys) && m->evicted_keys > 0;

		snprintf(buf, n, "no key evicted since the last poll%s%s%s",
			 total ? " (" : "", total ?
			 rules_fmt_count(m->evicted_keys, a, sizeof(a)) : "",
			 total ? " since the server started)" : "");
		return 0;
	}
	return NAN;
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
	.mitigation = true,
	.input = "Pattern",
};

const struct action_spec action_redis_flushdb = {
	.name = "flushdb",
	.label = "FLUSHDB",
	.hint = "flushdb",
	.key = 'F',
	.target = TARGET_SOURCE,
	.destructive = true,
	.mitigation = true,
	.confirm_word = confirm_flush,
};

const struct action_spec action_redis_client_kill = {
	.name = "client-kill",
	.label = "Kill client",
	.hint = "kill client",
	.key = 'X',
	.target = TARGET_REDIS_CLIENT,
	.destructive = true,
	.mitigation = true,
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
	.cleared = redis_cleared,
	.actions = redis_actions,
};
