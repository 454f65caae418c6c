/* The demo's Redis: a 4 GiB allkeys-lru cache that a cache stampede fills
 * from t = 20 s until it evicts (t ~ 88 s), a slow log, a client list, and
 * the Redis actions (delete keys by pattern, FLUSHDB, CLIENT KILL,
 * SLOWLOG RESET). Builders on any thread on a private copy of the state;
 * actions on the action worker. */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/demo_sim.h"

#define MAX_BYTES 4294967296.0          /* maxmemory 4gb */
#define CAP_BYTES (MAX_BYTES * 0.997)   /* where eviction holds it */
#define OVERHEAD_BYTES 12e6
#define STAMPEDE_AT 20.0
#define STAMPEDE_BYTES_S 24e6           /* cache growth while it lasts */
#define EVICTED_KEY_BYTES 6000.0
#define SLOWLOG_SHOWN 10
#define HISTORY_N 60
#define HISTORY_STEP 5.0

/* Keys by prefix: how many there are at t = 0 and how big they are. */
struct family {
	const char *prefix;
	const char *sample;     /* one real-looking key */
	double size;            /* bytes per key */
	double base;            /* keys at t = 0 */
	double share;           /* of the stampede's growth */
	double regrow_s;        /* back to base after a delete */
};

static const struct family fams[] = {
	{ "cache:product:", "cache:product:184467", 6200, 208113, 0.55, 900 },
	{ "cache:user:", "cache:user:77120:profile", 4800, 112871, 0.30,
	  900 },
	{ "cache:search:", "cache:search:q=winter+boots", 9100, 57342, 0.15,
	  900 },
	{ "session:", "session:9f2c4e1ab7d3", 1600, 180455, 0, 300 },
	{ "ratelimit:", "ratelimit:api:10.42.1.17", 120, 40211, 0, 60 },
	{ "queue:", "queue:payments:pending", 2100, 1987, 0, 30 },
};

#define N_FAMS (sizeof(fams) / sizeof(*fams))
#define ALL_FAMS ((1u << N_FAMS) - 1)

struct mem_state {
	double count[N_FAMS];
	double used;            /* bytes, after eviction */
	bool evicting;
	double grow_bytes_s;    /* what is being added per second */
	double cold;            /* 0..1: share of the cache lost recently */
	double frag_bump;       /* fragmentation left by big deletes */
};

static bool
is_cache(size_t f)
{
	return fams[f].share > 0;
}

static double
overlap(double a, double b, double lo, double hi)
{
	double x = a > lo ? a : lo;
	double y = b < hi ? b : hi;

	return y > x ? y - x : 0;
}

static double
total_bytes(const double *c)
{
	double sum = OVERHEAD_BYTES;
	size_t f;

	for (f = 0; f < N_FAMS; f++) {
		sum += c[f] * fams[f].size;
	}
	return sum;
}

/* Grows the counts from a to b. */
static void
advance(double *c, double a, double b, double stampede_end)
{
	double st = overlap(a, b, STAMPEDE_AT, stampede_end);
	size_t f;

	if (b <= a) {
		return;
	}
	for (f = 0; f < N_FAMS; f++) {
		double quiet = is_cache(f) ? b - a - st : b - a;

		if (is_cache(f)) {
			c[f] += fams[f].share * STAMPEDE_BYTES_S /
				fams[f].size * st;
		}
		if (c[f] < fams[f].base) {
			c[f] += fams[f].base / fams[f].regrow_s * quiet;
			if (c[f] > fams[f].base) {
				c[f] = fams[f].base;
			}
		}
	}
}

/* allkeys-lru: evicts cache keys until the total fits; true if it had to. */
static bool
evict(double *c)
{
	double total = total_bytes(c), cache = 0, f_keep;
	size_t f;

	if (total <= CAP_BYTES) {
		return false;
	}
	for (f = 0; f < N_FAMS; f++) {
		if (is_cache(f)) {
			cache += c[f] * fams[f].size;
		}
	}
	f_keep = cache > 0 ? (cache - (total - CAP_BYTES)) / cache : 0;
	if (f_keep < 0) {
		f_keep = 0;
	}
	for (f = 0; f < N_FAMS; f++) {
		if (is_cache(f)) {
			c[f] *= f_keep;
		}
	}
	return true;
}

static void
mem_eval(const struct demo_sim *sim, double t, struct mem_state *ms)
{
	double end = demo_api_fix_time(sim) + 20;
	double last = 0;
	size_t i, f;

	memset(ms, 0, sizeof(*ms));
	for (f = 0; f < N_FAMS; f++) {
		ms->count[f] = fams[f].base;
	}
	for (i = 0; i < sim->n_redis_acts; i++) {
		const struct demo_redis_act *a = &sim->redis_acts[i];
		unsigned mask;
		double before, freed = 0;

		if (a->op != DEMO_REDIS_DELETE && a->op != DEMO_REDIS_FLUSH) {
			continue;
		}
		if (a->at > t) {
			break;
		}
		advance(ms->count, last, a->at, end);
		evict(ms->count);
		last = a->at;
		before = total_bytes(ms->count);
		mask = a->op == DEMO_REDIS_FLUSH ? ALL_FAMS : a->fam_mask;
		for (f = 0; f < N_FAMS; f++) {
			if (mask & (1u << f)) {
				freed += ms->count[f] * fams[f].size;
				ms->count[f] = 0;
			}
		}
		ms->cold += freed / before * exp(-(t - a->at) / 45);
		ms->frag_bump += freed / MAX_BYTES * 0.6 *
				 exp(-(t - a->at) / 600);
	}
	if (t > last) {
		advance(ms->count, last, t, end);
	}
	ms->evicting = evict(ms->count);
	ms->used = total_bytes(ms->count);
	if (ms->cold > 1) {
		ms->cold = 1;
	}
	for (f = 0; f < N_FAMS; f++) {
		if (is_cache(f) && t >= STAMPEDE_AT && t < end) {
			ms->grow_bytes_s += fams[f].share * STAMPEDE_BYTES_S;
		} else if (ms->count[f] < fams[f].base) {
			ms->grow_bytes_s += fams[f].base / fams[f].regrow_s *
					    fams[f].size;
		}
	}
}

double
demo_redis_mem_ratio(const struct demo_sim *sim, double t)
{
	struct mem_state ms;

	mem_eval(sim, t, &ms);
	return ms.used / MAX_BYTES;
}

static double
used_at(const struct demo_sim *sim, double t, const void *arg)
{
	struct mem_state ms;
	double v;

	mem_eval(sim, t, &ms);
	v = ms.used * (1 + 0.002 * demo_vnoise(demo_str_hash("redis.used"),
					       t, 4));
	return v < MAX_BYTES ? v : MAX_BYTES;
}

/* ---- slow log ---- */

struct slow_def {
	double at;
	const char *command;
	double us;
	const char *client;
};

static const struct slow_def slow_fixed[] = {
	{ -1900, "HGETALL catalog:index", 212000, "10.42.3.40:36190" },
	{ -640, "ZRANGEBYSCORE leaderboard:global -inf +inf WITHSCORES",
	  98000, "10.42.1.52:33490" },
	{ 12, "KEYS cache:user:*", 1240000, "10.0.9.14:53410" },
	{ 33, "HGETALL catalog:index", 310000, "10.42.3.40:36190" },
	{ 47, "HGETALL customer:profile:山田太郎", 58000,
	  "10.42.1.22:40190" },
	{ 64, "DEL cache:search:blob:feed", 85000, "10.42.1.17:51290" },
	{ 78, "SMEMBERS active:sessions", 64000, "10.42.1.35:52290" },
	{ 95, "KEYS session:*", 2110000, "10.0.9.14:53410" },
	{ 110, "EVALSHA 9f2c1d7e4b0a 1 queue:payments:pending", 45000,
	  "10.42.2.14:40150" },
};

#define N_SLOW_FIXED (sizeof(slow_fixed) / sizeof(*slow_fixed))
#define SLOW_REPEAT_FROM 150.0
#define SLOW_REPEAT_EVERY 45.0
#define SLOW_FIRST_ID 4817

/* Entry k of the endless slow log (fixed ones, then a repeating few). */
static struct slow_def
slow_entry(size_t k)
{
	struct slow_def e;

	if (k < N_SLOW_FIXED) {
		return slow_fixed[k];
	}
	k -= N_SLOW_FIXED;
	e = slow_fixed[3 + k % (N_SLOW_FIXED - 3)];
	e.at = SLOW_REPEAT_FROM + SLOW_REPEAT_EVERY * (double)k;
	e.us *= 0.8 + 0.4 * demo_noise01(0x510f, (int64_t)k);
	return e;
}

static double
last_act(const struct demo_sim *sim, enum demo_redis_op op, double t)
{
	double at = -DEMO_NEVER;
	size_t i;

	for (i = 0; i < sim->n_redis_acts; i++) {
		if (sim->redis_acts[i].op == op && sim->redis_acts[i].at <= t) {
			at = sim->redis_acts[i].at;
		}
	}
	return at;
}

/* The last n entries at t, newest first; returns how many. */
static size_t
slowlog_at(const struct demo_sim *sim, double t, struct slow_def *out,
	   int64_t *ids, size_t max)
{
	double reset = last_act(sim, DEMO_REDIS_SLOWLOG_RESET, t);
	size_t k, end = 0, n = 0;

	while (slow_entry(end).at <= t) {
		end++;
	}
	for (k = end; k-- > 0 && n < max;) {
		struct slow_def e = slow_entry(k);

		if (e.at <= reset) {
			break;
		}
		out[n] = e;
		ids[n] = SLOW_FIRST_ID + (int64_t)k;
		n++;
	}
	return n;
}

/* ---- clients ---- */

struct client_def {
	int64_t id;
	const char *addr;
	const char *name;
	double connected;       /* scenario s */
	const char *cmd;
};

static const struct client_def client_defs[] = {
	{ 101, "10.42.1.17:51290", "api", -7200, "get" },
	{ 102, "10.42.1.22:40190", "api", -7020, "hgetall" },
	{ 103, "10.42.1.35:52290", "api", -6950, "smembers" },
	{ 118, "10.42.1.52:33490", "web", -9100, "zrangebyscore" },
	{ 121, "10.42.3.61:58890", "web", -9050, "get" },
	{ 134, "10.42.2.8:44390", "worker", -8800, "brpop" },
	{ 135, "10.42.3.12:47090", "worker", -8700, "brpop" },
	{ 140, "10.42.2.14:40150", "billing", -21000, "evalsha" },
	{ 152, "10.42.3.40:36190", "search-indexer", -30500, "hgetall" },
	{ 161, "10.0.2.41:6379", "", -86000, "replconf" },
	{ 177, "10.42.3.77:45590", "metabase-cache", -20000, "mget" },
	{ 190, "10.0.9.14:53410", "", 10, "keys" },
};

#define N_CLIENTS (sizeof(client_defs) / sizeof(*client_defs))

static bool
client_alive(const struct demo_sim *sim, size_t i, double t)
{
	size_t k;

	if (client_defs[i].connected > t) {
		return false;
	}
	for (k = 0; k < sim->n_redis_acts; k++) {
		const struct demo_redis_act *a = &sim->redis_acts[k];

		if (a->op == DEMO_REDIS_KILL && a->at <= t &&
		    a->client_id == client_defs[i].id) {
			return false;
		}
	}
	return true;
}

void *
demo_build_redis(struct snapshot *s, const struct demo_sim *sim, double t)
{
	struct redis_model *m = snapshot_alloc(s, sizeof(*m));
	uint64_t nz = demo_str_hash("redis");
	double bad = demo_api_badness(sim, t);
	struct slow_def slow[SLOWLOG_SHOWN];
	int64_t ids[SLOWLOG_SHOWN];
	struct mem_state ms;
	double keys = 0, hit;
	size_t i, n;

	mem_eval(sim, t, &ms);
	m->version = snapshot_strdup(s, "7.2.4");
	m->role = snapshot_strdup(s, "master");
	m->policy = snapshot_strdup(s, "allkeys-lru");
	m->used_bytes = used_at(sim, t, NULL);
	m->max_bytes = MAX_BYTES;
	m->frag_ratio = 1.07 + 0.01 * demo_vnoise(nz, t, 20) + ms.frag_bump;
	m->rss_bytes = m->used_bytes * m->frag_ratio;
	m->evicted_per_s = 0;
	if (ms.evicting) {
		m->evicted_per_s = ms.grow_bytes_s / EVICTED_KEY_BYTES *
				   (1 + 0.05 * demo_vnoise(nz + 1, t, 2));
	}
	m->expired_per_s = 140 * (1 + 0.2 * demo_vnoise(nz + 2, t, 3));
	hit = 0.945 + 0.01 * demo_vnoise(nz + 3, t, 6) -
	      (ms.evicting ? 0.21 : 0) - 0.5 * ms.cold;
	m->hit_ratio = hit < 0.05 ? 0.05 : hit;
	m->ops_per_s = 41000 * (1 + 0.05 * demo_vnoise(nz + 4, t, 3)) +
		       16000 * bad;
	m->blocked_clients = 2;
	m->rejected_per_s = 0;
	m->ping_ms = 0.3 + 0.1 * demo_vnoise(nz + 5, t, 2) +
		     (ms.evicting ? 1.2 : 0);
	for (i = 0; i < N_FAMS; i++) {
		keys += floor(ms.count[i]);
	}
	m->keys = keys;
	demo_history(s, &m->mem_history, HISTORY_N, HISTORY_STEP, t, used_at,
		     sim, NULL);
	m->peak_bytes = m->used_bytes;
	for (i = 0; i < m->mem_history.n; i++) {
		if (m->mem_history.v[i] > m->peak_bytes) {
			m->peak_bytes = m->mem_history.v[i];
		}
	}

	m->replicas = snapshot_alloc(s, sizeof(*m->replicas));
	m->n_replicas = 1;
	m->replicas[0].addr = snapshot_strdup(s, "10.0.2.41:6379");
	m->replicas[0].state = snapshot_strdup(s, "online");
	m->replicas[0].offset_lag = floor(
		2000 * (1 + demo_vnoise(nz + 6, t, 2)) + 40000 * bad);

	n = slowlog_at(sim, t, slow, ids, SLOWLOG_SHOWN);
	m->slowlog = snapshot_alloc(s, (n ? n : 1) * sizeof(*m->slowlog));
	m->n_slowlog = n;
	for (i = 0; i < n; i++) {
		m->slowlog[i].id = ids[i];
		m->slowlog[i].at_ms = demo_sim_wall(sim, slow[i].at);
		m->slowlog[i].duration_us = floor(slow[i].us);
		m->slowlog[i].command = snapshot_strdup(s, slow[i].command);
		m->slowlog[i].client = snapshot_strdup(s, slow[i].client);
	}

	m->client_list = snapshot_alloc(s, N_CLIENTS *
						   sizeof(*m->client_list));
	for (i = 0; i < N_CLIENTS; i++) {
		const struct client_def *c = &client_defs[i];
		struct redis_client *o;

		if (!client_alive(sim, i, t)) {
			continue;
		}
		o = &m->client_list[m->n_client_list++];
		o->id = c->id;
		o->addr = snapshot_strdup(s, c->addr);
		o->name = snapshot_strdup(s, c->name);
		o->age_s = floor(t - c->connected);
		o->idle_s = floor(3 * demo_noise01((uint64_t)c->id,
						   (int64_t)floor(t / 2)));
		if (c->id == 190) {
			/* the operator's redis-cli, last used at t = 95 */
			o->idle_s = floor(t >= 95 ? t - 95 : t - 12);
		}
		o->cmd = snapshot_strdup(s, c->cmd);
	}
	m->clients = (double)m->n_client_list;
	return m;
}

/* ---- actions ---- */

/* Families a pattern takes whole (those it matches with any suffix). */
static unsigned
pattern_families(const char *pattern, bool *one_key)
{
	unsigned mask = 0;
	char any[96];
	size_t f;

	*one_key = false;
	for (f = 0; f < N_FAMS; f++) {
		snprintf(any, sizeof(any), "%s\x7f", fams[f].prefix);
		if (fnmatch(pattern, any, 0) == 0) {
			mask |= 1u << f;
		} else if (fnmatch(pattern, fams[f].sample, 0) == 0) {
			*one_key = true;
		}
	}
	return mask;
}

static double
mask_keys(const struct mem_state *ms, unsigned mask, double *bytes)
{
	double keys = 0;
	size_t f;

	*bytes = 0;
	for (f = 0; f < N_FAMS; f++) {
		if (mask & (1u << f)) {
			keys += floor(ms->count[f]);
			*bytes += floor(ms->count[f]) * fams[f].size;
		}
	}
	return keys;
}

static bool
pattern_ok(const char *p)
{
	return p[0] && !strpbrk(p, " \t\r\n");
}

static int
add_act(struct demo_sim *sim, struct demo_redis_act act, struct err *err)
{
	if (sim->n_redis_acts == DEMO_MAX_REDIS_ACTS) {
		return err_set(err, "too many Redis actions in this demo");
	}
	sim->redis_acts[sim->n_redis_acts++] = act;
	return 0;
}

static void
describe_delete(const struct action_req *req, char *buf, size_t n)
{
	struct demo_sim *sim = demo_sim_copy();
	const char *pat = req->arg[0] ? req->arg : "PATTERN";
	struct mem_state ms;
	double keys, bytes;
	bool one;

	mem_eval(sim, demo_sim_now(sim), &ms);
	keys = mask_keys(&ms, pattern_families(pat, &one), &bytes);
	snprintf(buf, n,
		 "%s\nSCAN 0 MATCH %s COUNT 1000 + UNLINK in batches\n"
		 "Matches about %.0f keys (%.0f MiB) now.\n"
		 "Deleted keys are gone; the application refills what it "
		 "needs from the database.",
		 DEMO_DESCRIBE_HEAD, pat, keys + (one ? 1 : 0),
		 bytes / 1048576.0);
	free(sim);
}

static int
run_delete(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	struct demo_sim *sim;
	struct mem_state ms;
	double now, keys, bytes;
	unsigned mask;
	bool one;

	if (!pattern_ok(req->arg)) {
		return err_set(err, "pattern must be one word, e.g. cache:*");
	}
	mask = pattern_families(req->arg, &one);
	sim = demo_sim_lock();
	now = demo_sim_now(sim);
	mem_eval(sim, now, &ms);
	keys = mask_keys(&ms, mask, &bytes);
	if (mask && add_act(sim, (struct demo_redis_act){
			.at = now,
			.op = DEMO_REDIS_DELETE,
			.fam_mask = mask,
		}, err) < 0) {
		demo_sim_unlock();
		return -1;
	}
	demo_sim_unlock();
	keys += one ? 1 : 0;
	snprintf(result, n, "deleted %.0f key%s matching %s (freed %.0f MiB)",
		 keys, keys == 1 ? "" : "s", req->arg, bytes / 1048576.0);
	return 0;
}

static void
describe_flush(const struct action_req *req, char *buf, size_t n)
{
	struct demo_sim *sim = demo_sim_copy();
	struct mem_state ms;
	double keys, bytes;

	mem_eval(sim, demo_sim_now(sim), &ms);
	keys = mask_keys(&ms, ALL_FAMS, &bytes);
	snprintf(buf, n,
		 "%s\nFLUSHDB\n"
		 "Deletes every key in db 0: %.0f keys, %.2f GiB.\n"
		 "Sessions, rate limits and queues go too: every user is "
		 "logged out.",
		 DEMO_DESCRIBE_HEAD, keys, bytes / 1073741824.0);
	free(sim);
}

static int
run_flush(const struct action_req *req, char *result, size_t n,
	  struct err *err)
{
	struct demo_sim *sim = demo_sim_lock();
	double now = demo_sim_now(sim), keys, bytes;
	struct mem_state ms;

	mem_eval(sim, now, &ms);
	keys = mask_keys(&ms, ALL_FAMS, &bytes);
	if (add_act(sim, (struct demo_redis_act){
			.at = now,
			.op = DEMO_REDIS_FLUSH,
			.fam_mask = ALL_FAMS,
		}, err) < 0) {
		demo_sim_unlock();
		return -1;
	}
	demo_sim_unlock();
	snprintf(result, n, "FLUSHDB: deleted %.0f keys (%.2f GiB)", keys,
		 bytes / 1073741824.0);
	return 0;
}

/* The live client the request names (id, and address when known); -1
 * with err if none. */
static int
find_client(const struct demo_sim *sim, double now,
	    const struct action_req *req, struct err *err)
{
	const struct action_target *t = &req->target;
	int64_t id = t->u.client.id;
	size_t i;

	if (t->type != TARGET_REDIS_CLIENT || id <= 0) {
		return err_set(err, "no client selected");
	}
	for (i = 0; i < N_CLIENTS; i++) {
		if (client_defs[i].id != id || !client_alive(sim, i, now)) {
			continue;
		}
		if (t->u.client.addr[0] != '\0' &&
		    strcmp(t->u.client.addr, client_defs[i].addr) != 0) {
			return err_set(err, "client %lld is %s, not %s",
				       (long long)id, client_defs[i].addr,
				       t->u.client.addr);
		}
		return (int)i;
	}
	return err_set(err, "no client with id %lld", (long long)id);
}

static void
describe_kill(const struct action_req *req, char *buf, size_t n)
{
	struct demo_sim *sim = demo_sim_copy();
	struct err err;
	int i = find_client(sim, demo_sim_now(sim), req, &err);

	snprintf(buf, n, "%s\nCLIENT KILL ID %lld\n", DEMO_DESCRIBE_HEAD,
		 (long long)req->target.u.client.id);
	if (i < 0) {
		strappendf(buf, n, "Target: %s\n", err.msg);
	} else {
		strappendf(buf, n, "Target: id %lld, addr %s, name %s, "
			   "last command %s\n",
			   (long long)client_defs[i].id, client_defs[i].addr,
			   client_defs[i].name[0] ? client_defs[i].name : "-",
			   client_defs[i].cmd);
	}
	strappendf(buf, n, "Its connection closes; most clients reconnect "
		   "at once.");
	free(sim);
}

static int
run_kill(const struct action_req *req, char *result, size_t n,
	 struct err *err)
{
	struct demo_sim *sim = demo_sim_lock();
	double now = demo_sim_now(sim);
	int i = find_client(sim, now, req, err);

	if (i < 0 || add_act(sim, (struct demo_redis_act){
			     .at = now,
			     .op = DEMO_REDIS_KILL,
			     .client_id = client_defs[i].id,
		     }, err) < 0) {
		demo_sim_unlock();
		return -1;
	}
	demo_sim_unlock();
	snprintf(result, n, "killed client id=%lld addr=%s",
		 (long long)client_defs[i].id, client_defs[i].addr);
	return 0;
}

static void
describe_slowlog_reset(const struct action_req *req, char *buf, size_t n)
{
	struct demo_sim *sim = demo_sim_copy();
	struct slow_def slow[SLOWLOG_SHOWN];
	int64_t ids[SLOWLOG_SHOWN];
	size_t cnt = slowlog_at(sim, demo_sim_now(sim), slow, ids,
				SLOWLOG_SHOWN);

	snprintf(buf, n,
		 "%s\nSLOWLOG RESET\n"
		 "Clears the slow log (%zu%s entries); they cannot be read "
		 "again.",
		 DEMO_DESCRIBE_HEAD, cnt, cnt == SLOWLOG_SHOWN ? "+" : "");
	free(sim);
}

static int
run_slowlog_reset(const struct action_req *req, char *result, size_t n,
		  struct err *err)
{
	struct demo_sim *sim = demo_sim_lock();
	double now = demo_sim_now(sim);
	struct slow_def slow[SLOWLOG_SHOWN];
	int64_t ids[SLOWLOG_SHOWN];
	size_t cnt = slowlog_at(sim, now, slow, ids, SLOWLOG_SHOWN);

	if (add_act(sim, (struct demo_redis_act){
			.at = now,
			.op = DEMO_REDIS_SLOWLOG_RESET,
		}, err) < 0) {
		demo_sim_unlock();
		return -1;
	}
	demo_sim_unlock();
	snprintf(result, n, "SLOWLOG RESET: cleared %zu%s entries", cnt,
		 cnt == SLOWLOG_SHOWN ? "+" : "");
	return 0;
}

const struct action_impl demo_redis_actions[] = {
	{
		.spec = &action_redis_delete_keys,
		.describe = describe_delete,
		.run = run_delete,
	},
	{
		.spec = &action_redis_flushdb,
		.describe = describe_flush,
		.run = run_flush,
	},
	{
		.spec = &action_redis_client_kill,
		.describe = describe_kill,
		.run = run_kill,
	},
	{
		.spec = &action_redis_slowlog_reset,
		.describe = describe_slowlog_reset,
		.run = run_slowlog_reset,
	},
	{ .spec = NULL },
};
