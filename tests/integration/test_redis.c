/* The Redis probe and its actions against a real redis-server that each
 * test starts on a free loopback port (no persistence): the model, memory
 * warn/crit and eviction rates, the pattern delete (exact, cancellable),
 * client kill, FLUSHDB, SLOWLOG RESET, a server that dies and comes back,
 * peers that never answer or answer garbage, escape sequences in keys and
 * the slow log, and AUTH. */
#include <criterion/criterion.h>

#include "build-config.h"

#if HAVE_HIREDIS

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/action.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/rules.h"
#include "core/sanitize.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "probes/redis.h"
#include "probes/redis_conn.h"
#include "probes/runner.h"
#include "tests/integration/harness.h"
#include "tests/integration/redis_server.h"

static struct redis_server srv;
/* One config per section: config_add_section() may move earlier ones. */
static struct config cfgs[8];
static size_t n_cfgs;

static const struct action_impl *
action(const char *name)
{
	const struct action_impl *a;

	for (a = redis_actions; a->spec != NULL; a++) {
		if (strcmp(a->spec->name, name) == 0) {
			return a;
		}
	}
	cr_assert_fail("no action %s", name);
	return NULL;
}

static struct config_section *
section(const char *url, int timeout_ms)
{
	struct config_section *sec;

	cr_assert(n_cfgs < sizeof(cfgs) / sizeof(cfgs[0]));
	sec = config_add_section(&cfgs[n_cfgs++], "redis.test");
	config_section_set(sec, "url", url);
	sec->timeout_ms = timeout_ms;
	sec->interval_ms = 100;
	return sec;
}

static void
start_server(void)
{
	/* Test clients talk to servers that the tests kill. */
	signal(SIGPIPE, SIG_IGN);
	unsetenv("REDISCLI_AUTH");
	memset(&srv, 0, sizeof(srv));
	cr_assert_eq(redis_server_start(&srv), 0);
}

static void
stop_server(void)
{
	size_t i;

	redis_server_stop(&srv);
	for (i = 0; i < n_cfgs; i++) {
		config_finish(&cfgs[i]);
	}
	n_cfgs = 0;
}

static redisContext *
client(void)
{
	redisContext *c = redis_server_client(&srv, NULL);

	cr_assert_not_null(c);
	return c;
}

/* Runs a command that must succeed; frees the reply. */
static void
must(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	cr_assert_not_null(r, "%s: %s", fmt, c->errstr);
	cr_assert_neq(r->type, REDIS_REPLY_ERROR, "%s: %s", fmt, r->str);
	freeReplyObject(r);
}

static long long
integer(redisContext *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;
	long long v;

	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	cr_assert_not_null(r, "%s: %s", fmt, c->errstr);
	cr_assert_eq(r->type, REDIS_REPLY_INTEGER, "%s", fmt);
	v = r->integer;
	freeReplyObject(r);
	return v;
}

static struct redis_poller *
poller(const struct config_section *sec)
{
	struct err err = { "" };
	struct redis_poller *rp = redis_poller_new(sec, NULL, &err);

	cr_assert_not_null(rp, "%s", err.msg);
	return rp;
}

/* One poll that must succeed; the caller unrefs the snapshot. */
static struct snapshot *
poll_ok(struct redis_poller *rp)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.test");
	struct err err = { "" };

	cr_assert_eq(redis_poller_poll(rp, s, &err), 0, "poll: %s", err.msg);
	cr_assert_not_null(snapshot_redis(s));
	return s;
}

/* One poll that must fail; returns how long it took (ms). */
static int64_t
poll_fails(struct redis_poller *rp, struct err *err)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.test");
	int64_t t0 = clock_mono_ms();

	err_clear(err);
	cr_assert_eq(redis_poller_poll(rp, s, err), -1);
	cr_assert_null(s->data);
	cr_assert_neq(err->msg[0], '\0');
	snapshot_unref(s);
	cr_assert_eq(redis_poller_connected(rp), false);
	return clock_mono_ms() - t0;
}

static const struct redis_client *
find_client(const struct redis_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_client_list; i++) {
		if (strcmp(m->client_list[i].name, name) == 0) {
			return &m->client_list[i];
		}
	}
	return NULL;
}

static struct redis_conn *
conn(const struct config_section *sec)
{
	struct redis_settings set;
	struct err err = { "" };
	struct redis_conn *c;

	cr_assert_eq(redis_settings_from_section(sec, &set, &err), 0);
	c = redis_conn_open(&set, "test", clock_mono_ms() + 5000, &err);
	redis_settings_wipe(&set);
	cr_assert_not_null(c, "%s", err.msg);
	return c;
}

/* The client target the Redis pane makes of a row. */
static struct action_target
client_target(long long id, const char *addr)
{
	struct action_target t;

	memset(&t, 0, sizeof(t));
	t.type = TARGET_REDIS_CLIENT;
	t.u.client.id = id;
	snprintf(t.u.client.addr, sizeof(t.u.client.addr), "%s", addr);
	snprintf(t.label, sizeof(t.label), "client id=%lld addr=%s", id,
		 addr);
	return t;
}

/* A request for the action called name; target NULL: the one the key map
 * makes for an action that needs no row (the source, or the pattern in
 * arg). */
static struct action_req
request(const struct config_section *sec, const char *name,
	const struct action_target *target, const char *arg)
{
	struct action_req req;

	memset(&req, 0, sizeof(req));
	req.impl = action(name);
	req.section = sec;
	snprintf(req.source, sizeof(req.source), "redis.test");
	if (target != NULL) {
		req.target = *target;
	} else {
		req.target.type = ACTION_SPEC(&req)->target;
		snprintf(req.target.label, sizeof(req.target.label), "%s",
			 req.target.type == TARGET_KEY_PATTERN ? arg :
			 req.source);
	}
	snprintf(req.arg, sizeof(req.arg), "%s", arg);
	return req;
}

TestSuite(redis, .init = start_server, .fini = stop_server, .timeout = 30);

/* ---- the model ---------------------------------------------------------- */

Test(redis, model_and_rates)
{
	struct config_section *sec = section(srv.url, 2000);
	struct redis_poller *rp = poller(sec);
	redisContext *c = client();
	const struct redis_model *m;
	const struct redis_client *me;
	struct snapshot *s1, *s2;
	int64_t t_a, t_b;
	double gap;
	int i;

	must(c, "MSET a 1 b 2 c 3 d 4 e 5");
	must(c, "CLIENT SETNAME tester");
	s1 = poll_ok(rp);
	t_a = clock_mono_ms();
	m = snapshot_redis(s1);
	cr_expect_str_eq(m->version, "7.0.15");
	cr_expect_str_eq(m->role, "master");
	cr_expect_str_eq(m->policy, "noeviction");
	cr_expect_eq(m->max_bytes, 0);
	cr_expect_gt(m->used_bytes, 100000);
	cr_expect_gt(m->rss_bytes, 0);
	cr_expect_geq(m->peak_bytes, m->used_bytes * 0.5);
	cr_expect_gt(m->frag_ratio, 0);
	cr_expect_eq(m->keys, 5);
	cr_expect_eq(m->db, 0);
	cr_expect_eq(m->clients, 2);
	cr_expect_eq(m->blocked_clients, 0);
	cr_expect(m->ping_ms >= 0 && m->ping_ms < 100, "%f", m->ping_ms);
	cr_expect_str_eq(m->notice, "");
	/* The first poll has no rates. */
	cr_expect(isnan(m->evicted_per_s) && isnan(m->expired_per_s) &&
		  isnan(m->ops_per_s) && isnan(m->hit_ratio) &&
		  isnan(m->rejected_per_s));
	cr_assert_eq(m->n_client_list, 2);
	me = find_client(m, "warroom");
	cr_assert_not_null(me);
	cr_expect_str_eq(me->cmd, "client|list");
	cr_expect(strncmp(me->addr, "127.0.0.1:", 10) == 0, "%s", me->addr);
	cr_assert_not_null(find_client(m, "tester"));
	cr_expect_eq(m->mem_history.n, 1);
	cr_expect_eq(m->mem_history.v[0], m->used_bytes);
	cr_expect_eq(m->mem_history.step_ms, 100);

	/* 3 hits and 1 miss, plus 200 commands of traffic. */
	must(c, "GET a");
	must(c, "GET b");
	must(c, "GET c");
	must(c, "GET nope");
	for (i = 0; i < 196; i++) {
		must(c, "PING");
	}
	must(c, "SET ttl x PX 1");
	usleep(300000);
	t_b = clock_mono_ms();
	s2 = poll_ok(rp);
	m = snapshot_redis(s2);
	gap = (double)(t_b - t_a) / 1000.0;
	cr_expect_float_eq(m->hit_ratio, 0.75, 1e-9);
	cr_expect_eq(m->evicted_per_s, 0);
	cr_expect_eq(m->rejected_per_s, 0);
	/* 201 commands between the two INFOs, whose distance is the gap
	 * between the polls plus a part of their own time; the poller's own
	 * commands do not count. */
	cr_expect(m->ops_per_s <= 201 / gap * 1.01 &&
		  m->ops_per_s > 201 / (gap + 0.2), "ops %f gap %f",
		  m->ops_per_s, gap);
	cr_expect_gt(m->expired_per_s, 0);
	cr_expect_eq(m->mem_history.n, 2);
	cr_expect_eq(m->keys, 5);
	cr_expect_eq(rules_health(s2), HEALTH_OK);
	snapshot_unref(s1);
	snapshot_unref(s2);
	redisFree(c);
	redis_poller_free(rp);
}

Test(redis, unix_socket_and_db)
{
	char url[256];
	struct config_section *sec;
	struct redis_poller *rp;
	redisContext *c = client();
	struct snapshot *s;

	must(c, "SELECT 3");
	must(c, "MSET x 1 y 2");
	snprintf(url, sizeof(url), "unix://%s?db=3", srv.sock);
	sec = section(url, 2000);
	rp = poller(sec);
	s = poll_ok(rp);
	cr_expect_eq(snapshot_redis(s)->keys, 2);
	cr_expect_eq(snapshot_redis(s)->db, 3);
	snapshot_unref(s);
	redis_poller_free(rp);
	redisFree(c);
}

Test(redis, replica_and_its_lag)
{
	struct redis_server replica;
	struct config_section *sec = section(srv.url, 2000);
	struct redis_poller *rp = poller(sec), *rr;
	redisContext *c = client();
	const struct redis_model *m;
	struct snapshot *s = NULL;
	char port[16], addr[32];
	int64_t end;

	/* A full sync starts at once, not after the default 5 s. */
	must(c, "CONFIG SET repl-diskless-sync-delay 0");
	memset(&replica, 0, sizeof(replica));
	snprintf(port, sizeof(port), "%d", srv.port);
	replica.extra[0] = "--replicaof";
	replica.extra[1] = "127.0.0.1";
	replica.extra[2] = port;
	cr_assert_eq(redis_server_start(&replica), 0);
	must(c, "SET a 1");
	/* Until the replica is online. */
	end = clock_mono_ms() + 10000;
	for (;;) {
		s = poll_ok(rp);
		m = snapshot_redis(s);
		if (m->n_replicas == 1 &&
		    strcmp(m->replicas[0].state, "online") == 0) {
			break;
		}
		snapshot_unref(s);
		cr_assert_lt(clock_mono_ms(), end, "replica not online");
		usleep(50000);
	}
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", replica.port);
	cr_expect_str_eq(m->replicas[0].addr, addr);
	cr_expect(m->replicas[0].offset_lag >= 0 &&
		  m->replicas[0].offset_lag < 100000, "%f",
		  m->replicas[0].offset_lag);
	snapshot_unref(s);

	rr = poller(section(replica.url, 2000));
	s = poll_ok(rr);
	cr_expect_str_eq(snapshot_redis(s)->role, "slave");
	snapshot_unref(s);
	redis_poller_free(rr);
	redis_poller_free(rp);
	redisFree(c);
	redis_server_stop(&replica);
}

/* ---- memory: warn, crit, evictions -------------------------------------- */

static struct snapshot *
poll_health(struct redis_poller *rp, enum health want, double *ratio)
{
	struct snapshot *s = poll_ok(rp);
	const struct redis_model *m = snapshot_redis(s);

	*ratio = m->used_bytes / m->max_bytes;
	cr_expect_eq(rules_health(s), want, "ratio %.3f", *ratio);
	return s;
}

Test(redis, memory_warn_crit_evict)
{
	struct config_section *sec = section(srv.url, 2000);
	struct redis_poller *rp = poller(sec);
	redisContext *c = client();
	const struct redis_model *m;
	struct snapshot *s;
	struct finding f[4];
	double used, ratio;

	cr_assert_eq(redis_server_fill(c, "fill:", 4000, 1000), 0);
	s = poll_ok(rp);
	used = snapshot_redis(s)->used_bytes;
	cr_expect_eq(rules_health(s), HEALTH_OK);
	snapshot_unref(s);

	must(c, "CONFIG SET maxmemory %.0f", used / 0.87);
	s = poll_health(rp, HEALTH_WARN, &ratio);
	cr_expect(ratio > 0.8 && ratio < 0.95, "%f", ratio);
	snapshot_unref(s);

	must(c, "CONFIG SET maxmemory %.0f", used / 0.975);
	s = poll_health(rp, HEALTH_CRIT, &ratio);
	cr_expect_gt(ratio, 0.95);
	cr_assert_geq(rules_findings(s, f, 4), 1);
	cr_expect(strstr(f[0].text, "of maxmemory") != NULL, "%s", f[0].text);
	cr_expect(isnan(snapshot_redis(s)->evicted_per_s) ||
		  snapshot_redis(s)->evicted_per_s == 0);
	snapshot_unref(s);

	/* Below what is used, with an eviction policy: writes evict. */
	must(c, "CONFIG SET maxmemory-policy allkeys-lru");
	must(c, "CONFIG SET maxmemory %.0f", used * 0.9);
	s = poll_ok(rp);
	snapshot_unref(s);
	cr_assert_eq(redis_server_fill(c, "more:", 2000, 1000), 0);
	usleep(100000);
	s = poll_ok(rp);
	m = snapshot_redis(s);
	cr_expect_gt(m->evicted_per_s, 0);
	cr_expect_str_eq(m->policy, "allkeys-lru");
	cr_expect_eq(rules_health(s), HEALTH_CRIT);
	/* Evicting is a finding of its own, with its numbers. */
	cr_assert_eq(rules_findings(s, f, 4), 2);
	cr_expect(strcmp(f[0].key, "redis-evicting") == 0 ||
		  strcmp(f[1].key, "redis-evicting") == 0);
	for (int i = 0; i < 2; i++) {
		if (strcmp(f[i].key, "redis-evicting") != 0) {
			continue;
		}
		cr_expect(strstr(f[i].text, "evicting keys at ") != NULL,
			  "%s", f[i].text);
		cr_expect(strstr(f[i].text, "maxmemory-policy allkeys-lru, ") !=
			  NULL, "%s", f[i].text);
		cr_expect(strstr(f[i].text, " since the server started") !=
			  NULL, "%s", f[i].text);
		cr_expect_eq(f[i].value, m->evicted_per_s);
		cr_expect_gt(m->evicted_keys, 0);
	}
	snapshot_unref(s);
	redisFree(c);
	redis_poller_free(rp);
}

/* ---- pattern delete ----------------------------------------------------- */

struct hook_state {
	size_t calls;
	size_t last;
	bool monotonic;
	size_t cancel_after;    /* calls; 0: never */
};

static void
on_progress(void *arg, size_t deleted)
{
	struct hook_state *h = arg;

	if (deleted < h->last) {
		h->monotonic = false;
	}
	h->last = deleted;
	h->calls++;
}

static bool
on_cancel(void *arg)
{
	struct hook_state *h = arg;

	return h->cancel_after > 0 && h->calls >= h->cancel_after;
}

/* Counts the remaining keys by prefix with SCAN. */
static void
census(redisContext *c, const char *const *prefixes, size_t *counts,
       size_t n)
{
	char cursor[32] = "0";
	size_t i, j;

	memset(counts, 0, n * sizeof(*counts));
	do {
		redisReply *r = redisCommand(c, "SCAN %s COUNT 5000", cursor);

		cr_assert_not_null(r);
		cr_assert_eq(r->type, REDIS_REPLY_ARRAY);
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			const char *k = r->element[1]->element[i]->str;

			for (j = 0; j < n; j++) {
				if (strncmp(k, prefixes[j],
					    strlen(prefixes[j])) == 0) {
					counts[j]++;
					break;
				}
			}
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
}

Test(redis, pattern_delete_exact)
{
	static const char *const prefixes[] = {
		"cache:user:", "cache_user:", "xcache:user:", "Cache:user:",
		"cache:users",
	};
	struct config_section *sec = section(srv.url, 5000);
	struct hook_state h = { .monotonic = true };
	struct redis_delete_hooks hooks = { on_progress, on_cancel, &h };
	redisContext *c = client();
	struct redis_conn *rc;
	struct err err = { "" };
	size_t deleted = 0, counts[5];

	cr_assert_eq(redis_server_fill(c, "cache:user:", 100000, 8), 0);
	cr_assert_eq(redis_server_fill(c, "cache_user:", 34000, 8), 0);
	cr_assert_eq(redis_server_fill(c, "xcache:user:", 33000, 8), 0);
	cr_assert_eq(redis_server_fill(c, "Cache:user:", 32999, 8), 0);
	/* Matches cache:user* but not cache:user:*. */
	must(c, "SET cache:users 1");
	cr_assert_eq(integer(c, "DBSIZE"), 200000);

	rc = conn(sec);
	cr_assert_eq(redis_delete_pattern(rc, "cache:user:*", 1000, &hooks,
					  &deleted, &err), 0, "%s", err.msg);
	redis_conn_free(rc);
	cr_expect_eq(deleted, 100000);
	cr_expect_gt(h.calls, 50);
	cr_expect(h.monotonic);
	cr_expect_eq(h.last, 100000);
	cr_expect_eq(integer(c, "DBSIZE"), 100000);
	census(c, prefixes, counts, 5);
	cr_expect_eq(counts[0], 0);
	cr_expect_eq(counts[1], 34000);
	cr_expect_eq(counts[2], 33000);
	cr_expect_eq(counts[3], 32999);
	cr_expect_eq(counts[4], 1);
	redisFree(c);
}

Test(redis, pattern_delete_cancel_after_first_batch)
{
	struct config_section *sec = section(srv.url, 5000);
	struct hook_state h = { .monotonic = true, .cancel_after = 1 };
	struct redis_delete_hooks hooks = { on_progress, on_cancel, &h };
	redisContext *c = client();
	struct redis_conn *rc;
	struct err err = { "" };
	size_t deleted = 0;

	cr_assert_eq(redis_server_fill(c, "k:", 20000, 8), 0);
	rc = conn(sec);
	cr_assert_eq(redis_delete_pattern(rc, "k:*", 1000, &hooks, &deleted,
					  &err), 1);
	redis_conn_free(rc);
	cr_expect_eq(h.calls, 1);
	cr_expect(deleted > 0 && deleted < 3000, "%zu", deleted);
	cr_expect_eq(integer(c, "DBSIZE"), 20000 - (long long)deleted);
	redisFree(c);
}

Test(redis, count_preview_and_run_through_the_worker)
{
	struct config_section *sec = section(srv.url, 5000);
	redisContext *c = client();
	struct action_req req;
	struct state *st = state_new();
	struct timeline *tl = timeline_new(NULL, NULL);
	struct actions *acts = actions_new(st, tl, false);
	struct action_done done;
	struct err err = { "" };
	char buf[2048];
	int64_t end;
	uint64_t id;
	size_t n = 0;

	cr_assert_eq(redis_server_fill(c, "cache:emissions:", 3000, 8), 0);
	cr_assert_eq(redis_server_fill(c, "cache:emission", 50, 8), 0);
	req = request(sec, "delete-keys", NULL, "cache:emissions:*");
	req.impl->describe(&req, buf, sizeof(buf));
	cr_expect(strstr(buf, "SCAN 0 MATCH cache:emissions:* COUNT 1000, "
			 "then UNLINK in batches of 1000 keys") != NULL,
		  "%s", buf);
	cr_expect(strstr(buf, srv.url + 8) != NULL, "%s", buf);

	cr_assert_eq(req.impl->preview(&req, buf, sizeof(buf), &err), 0,
		     "%s", err.msg);
	/* A key moved by a rehash during the scan may count twice. */
	cr_assert_eq(sscanf(buf, "%zu keys match cache:emissions:*.", &n), 1,
		     "%s", buf);
	cr_expect(n >= 3000 && n < 3030, "%s", buf);
	cr_expect(strstr(buf, "\n  cache:emissions:") != NULL, "%s", buf);

	/* The real worker: progress, result, journal. */
	id = actions_submit(acts, &req, &err);
	cr_assert_neq(id, 0, "%s", err.msg);
	end = clock_mono_ms() + 10000;
	while (!actions_poll_done(acts, &done)) {
		cr_assert_lt(clock_mono_ms(), end);
		usleep(10000);
	}
	cr_expect(done.ok, "%s", done.message);
	cr_expect_str_eq(done.message,
			 "deleted 3000 keys matching cache:emissions:*");
	cr_expect_eq(integer(c, "DBSIZE"), 50);
	actions_free(acts, 2000);
	timeline_free(tl);
	state_free(st);
	redisFree(c);
}

Test(redis, cancel_through_the_worker)
{
	struct config_section *sec = section(srv.url, 5000);
	redisContext *c = client();
	struct action_req req = request(sec, "delete-keys", NULL, "big:*");
	struct state *st = state_new();
	struct timeline *tl = timeline_new(NULL, NULL);
	struct actions *acts = actions_new(st, tl, false);
	struct action_done done;
	struct err err = { "" };
	char progress[256];
	uint64_t id, pid;
	int64_t end;
	long long left;

	cr_assert_eq(redis_server_fill(c, "big:", 300000, 8), 0);
	id = actions_submit(acts, &req, &err);
	cr_assert_neq(id, 0);
	/* Cancel as soon as a batch has been reported. */
	end = clock_mono_ms() + 10000;
	while (!actions_progress(acts, &pid, progress, sizeof(progress)) ||
	       progress[0] == '\0') {
		cr_assert_lt(clock_mono_ms(), end, "no progress");
		usleep(1000);
	}
	/* The keys are counted first; then the delete says how far along
	 * it is. */
	while (strncmp(progress, "deleted ", 8) != 0) {
		cr_assert(strncmp(progress, "counting keys matching big:*",
				  28) == 0, "%s", progress);
		cr_assert_lt(clock_mono_ms(), end, "no delete progress");
		usleep(1000);
		cr_assert(actions_progress(acts, &pid, progress,
					   sizeof(progress)));
	}
	{
		size_t done_n = 0, total = 0;
		unsigned pct = 0;

		cr_assert_eq(sscanf(progress, "deleted %zu of %zu keys "
				    "matching big:* (%u%%)", &done_n, &total,
				    &pct), 3, "%s", progress);
		cr_expect(total >= 300000 && total < 300300, "%s", progress);
		cr_expect(done_n > 0 && done_n < total, "%s", progress);
		cr_expect_eq(pct, (unsigned)(done_n * 100 / total), "%s",
			     progress);
	}
	actions_cancel(acts, id);
	while (!actions_poll_done(acts, &done)) {
		cr_assert_lt(clock_mono_ms(), end);
		usleep(5000);
	}
	cr_expect_eq(done.ok, false);
	/* Stopped by the operator: not a failure, and how far it got. */
	cr_expect_eq(done.outcome, ACTION_CANCELLED);
	cr_expect(strncmp(done.message, "cancelled after deleting ", 25) == 0,
		  "%s", done.message);
	cr_expect(strstr(done.message, " of ~300000 keys matching big:*") !=
		  NULL, "%s", done.message);
	cr_expect_eq(timeline_count(tl), 2);
	cr_expect(strstr(timeline_get(tl, 1)->text, ": cancelled: cancelled "
			 "after deleting ") != NULL, "%s",
		  timeline_get(tl, 1)->text);
	left = integer(c, "DBSIZE");
	cr_expect(left > 0 && left < 300000, "%lld", left);
	actions_free(acts, 2000);
	timeline_free(tl);
	state_free(st);
	redisFree(c);
}

/* ---- client kill, FLUSHDB, SLOWLOG RESET -------------------------------- */

Test(redis, client_kill)
{
	struct config_section *sec = section(srv.url, 2000);
	struct redis_poller *rp = poller(sec);
	redisContext *victim = client(), *bystander = client();
	const struct redis_client *v;
	struct action_req req;
	struct snapshot *s;
	struct err err = { "" };
	struct action_target target;
	char buf[1024], result[256];
	redisReply *r;
	long long next;

	must(victim, "CLIENT SETNAME victim");
	must(bystander, "CLIENT SETNAME bystander");
	s = poll_ok(rp);
	v = find_client(snapshot_redis(s), "victim");
	cr_assert_not_null(v);
	target = client_target(v->id, v->addr);
	snapshot_unref(s);

	req = request(sec, "client-kill", &target, "");
	req.impl->describe(&req, buf, sizeof(buf));
	cr_expect(strncmp(buf, "CLIENT KILL ID ", 15) == 0, "%s", buf);
	cr_expect(strstr(buf, " ADDR 127.0.0.1:") != NULL, "%s", buf);
	cr_assert_eq(req.impl->preview(&req, buf, sizeof(buf), &err), 0, "%s",
		     err.msg);
	cr_expect(strstr(buf, "name=victim") != NULL, "%s", buf);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), 0,
		     "%s", err.msg);
	cr_expect(strncmp(result, "killed client id=", 17) == 0, "%s",
		  result);

	r = redisCommand(victim, "PING");
	cr_expect_null(r, "the victim still answers");
	if (r != NULL) {
		freeReplyObject(r);
	}
	r = redisCommand(bystander, "PING");
	cr_assert_not_null(r);
	cr_expect_str_eq(r->str, "PONG");
	freeReplyObject(r);

	/* Gone already. */
	cr_expect_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_expect(strstr(err.msg, "no client with id") != NULL, "%s",
		  err.msg);
	cr_expect_eq(req.impl->preview(&req, buf, sizeof(buf), &err), -1);
	cr_expect(strstr(err.msg, "no longer connected") != NULL, "%s",
		  err.msg);

	/* Ids are handed out in order: the action's own connection gets the
	 * next one, and refuses to kill itself. */
	redisFree(victim);
	victim = client();
	next = integer(victim, "CLIENT ID") + 1;
	target = client_target(next, "127.0.0.1:1");
	req = request(sec, "client-kill", &target, "");
	cr_expect_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_expect(strstr(err.msg, "refusing to kill") != NULL, "%s", err.msg);

	/* A target that is not a client. */
	target.type = TARGET_PG_BACKEND;
	req = request(sec, "client-kill", &target, "");
	cr_expect_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_expect(strstr(err.msg, "no client selected") != NULL, "%s",
		  err.msg);
	target = client_target(0, "127.0.0.1:1");
	req = request(sec, "client-kill", &target, "");
	cr_expect_eq(req.impl->preview(&req, buf, sizeof(buf), &err), -1);
	cr_expect(strstr(err.msg, "no client selected") != NULL, "%s",
		  err.msg);
	redisFree(victim);
	redisFree(bystander);
	redis_poller_free(rp);
}

Test(redis, flushdb_only_its_database)
{
	char url[200];
	struct config_section *sec;
	redisContext *c = client();
	struct redis_poller *rp;
	struct snapshot *s;
	struct action_req req;
	struct err err = { "" };
	char buf[1024];

	snprintf(url, sizeof(url), "%s/2", srv.url);
	sec = section(url, 2000);
	must(c, "MSET a 1 b 2");
	must(c, "SELECT 2");
	must(c, "MSET a 1 b 2 c 3");
	req = request(sec, "flushdb", NULL, "");
	/* Confirmed against the source's latest poll: its database is the
	 * word to type. */
	rp = poller(sec);
	s = poll_ok(rp);
	cr_expect_eq(snapshot_redis(s)->db, 2);
	action_req_set_snap(&req, s);
	snapshot_unref(s);
	redis_poller_free(rp);
	req.impl->describe(&req, buf, sizeof(buf));
	cr_expect(strncmp(buf, "FLUSHDB ASYNC\n", 14) == 0, "%s", buf);
	cr_expect(strstr(buf, "database 2: every key in it is deleted") !=
		  NULL, "%s", buf);
	ACTION_SPEC(&req)->confirm_word(&req, buf, sizeof(buf));
	cr_expect_str_eq(buf, "2");
	cr_assert_eq(req.impl->preview(&req, buf, sizeof(buf), &err), 0);
	cr_expect_str_eq(buf, "Database 2 holds 3 keys now.");
	cr_assert_eq(req.impl->run(&req, buf, sizeof(buf), &err), 0, "%s",
		     err.msg);
	cr_expect_str_eq(buf, "FLUSHDB: database 2 emptied (3 keys)");
	cr_expect_eq(integer(c, "DBSIZE"), 0);
	must(c, "SELECT 0");
	cr_expect_eq(integer(c, "DBSIZE"), 2);
	action_req_clear(&req);
	redisFree(c);
}

Test(redis, slowlog_reset)
{
	struct config_section *sec = section(srv.url, 2000);
	redisContext *c = client();
	struct action_req req = request(sec, "slowlog-reset", NULL, "");
	struct err err = { "" };
	char buf[1024];

	must(c, "CONFIG SET slowlog-log-slower-than 0");
	must(c, "SET a 1");
	must(c, "GET a");
	req.impl->describe(&req, buf, sizeof(buf));
	cr_expect(strncmp(buf, "SLOWLOG RESET\non 127.0.0.1:", 27) == 0, "%s",
		  buf);
	cr_assert_eq(req.impl->preview(&req, buf, sizeof(buf), &err), 0);
	cr_expect(strncmp(buf, "The slow log holds ", 19) == 0, "%s", buf);
	cr_assert_eq(req.impl->run(&req, buf, sizeof(buf), &err), 0, "%s",
		     err.msg);
	cr_expect(strncmp(buf, "SLOWLOG RESET: cleared ", 23) == 0, "%s",
		  buf);
	/* Only what ran after the reset (SLOWLOG RESET itself). */
	cr_expect_leq(integer(c, "SLOWLOG LEN"), 1);
	redisFree(c);
}

/* ---- failures ----------------------------------------------------------- */

Test(redis, server_killed_then_back)
{
	struct config_section *sec = section(srv.url, 1000);
	struct redis_poller *rp = poller(sec);
	struct snapshot *s;
	struct err err;
	char refused[128];

	s = poll_ok(rp);
	snapshot_unref(s);
	redis_server_kill(&srv);
	poll_fails(rp, &err);
	cr_expect(strstr(err.msg, "closed") != NULL ||
		  strstr(err.msg, "reset") != NULL ||
		  strstr(err.msg, "refused") != NULL, "%s", err.msg);
	poll_fails(rp, &err);
	snprintf(refused, sizeof(refused), "connection refused (127.0.0.1:%d)",
		 srv.port);
	cr_expect_str_eq(err.msg, refused);
	/* What the runner asks while it backs off. */
	cr_expect_eq(redis_probe_ops.reachable(rp, NULL), 0);

	cr_assert_eq(redis_server_restart(&srv), 0);
	cr_expect_eq(redis_probe_ops.reachable(rp, NULL), 1);
	s = poll_ok(rp);
	cr_expect(redis_poller_connected(rp));
	/* The history shows the gap. */
	cr_expect_eq(snapshot_redis(s)->mem_history.n, 4);
	cr_expect(isnan(snapshot_redis(s)->mem_history.v[1]));
	cr_expect(isnan(snapshot_redis(s)->evicted_per_s), "a new server");
	snapshot_unref(s);
	redis_poller_free(rp);
}

/* A write to a connection the server closed raises SIGPIPE, which must not
 * end the program (hiredis writes with write(2)). */
Test(redis, sigpipe_does_not_kill)
{
	struct config_section *sec = section(srv.url, 2000);
	struct redis_conn *rc = conn(sec);
	redisContext *c = client();
	struct err err = { "" };
	int i, rc_flush = 0;

	signal(SIGPIPE, SIG_DFL);
	must(c, "CLIENT KILL ID %lld", rc->id);
	/* The first write after the server's FIN succeeds and draws a RST;
	 * a later one fails with EPIPE. */
	for (i = 0; i < 20 && rc_flush == 0; i++) {
		usleep(20000);
		redis_conn_append(rc, "PING");
		rc_flush = redis_conn_flush(rc, clock_mono_ms() + 1000, &err);
	}
	cr_expect_eq(rc_flush, -1);
	cr_expect(strstr(err.msg, "broken pipe") != NULL ||
		  strstr(err.msg, "reset") != NULL, "%s", err.msg);
	cr_expect(rc->dead);
	redis_conn_free(rc);
	redisFree(c);
}

/* Waits for the source's snapshot to satisfy want (data or error). */
static struct snapshot *
wait_snapshot(struct state *st, int idx, bool want_data, int ms)
{
	int64_t end = clock_mono_ms() + ms;

	while (clock_mono_ms() < end) {
		struct snapshot *s = state_get(st, idx);

		if (s != NULL && (s->data != NULL) == want_data) {
			return s;
		}
		snapshot_unref(s);
		usleep(10000);
	}
	cr_assert_fail("no %s snapshot within %d ms",
		       want_data ? "data" : "error", ms);
	return NULL;
}

Test(redis, runner_reconnects_with_backoff)
{
	struct config_section *sec = section(srv.url, 1000);
	struct state *st = state_new();
	struct runner *r = runner_new(st);
	struct err err = { "" };
	struct snapshot *s;
	int idx;

	idx = runner_add(r, &redis_probe_ops, sec, &err);
	cr_assert_geq(idx, 0, "%s", err.msg);
	cr_assert_eq(runner_start(r, &err), 0);
	s = wait_snapshot(st, idx, true, 3000);
	cr_expect_str_eq(s->source, "redis.test");
	cr_expect_gt(snapshot_redis(s)->used_bytes, 0);
	snapshot_unref(s);

	redis_server_kill(&srv);
	s = wait_snapshot(st, idx, false, 3000);
	cr_expect(strstr(s->error, "127.0.0.1") != NULL, "%s", s->error);
	cr_expect_not_null(s->last_good);
	snapshot_unref(s);
	cr_expect_geq(runner_failures(r, idx), 1);

	cr_assert_eq(redis_server_restart(&srv), 0);
	s = wait_snapshot(st, idx, true, 5000);
	snapshot_unref(s);
	cr_expect_eq(runner_failures(r, idx), 0);
	cr_expect_eq(runner_stop(r, 2000), 0);
	runner_free(r);
	state_free(st);
}

Test(redis, silent_peer_times_out)
{
	struct harness_peer *peer = harness_peer_start(NULL, 0);
	char url[64], want[128];
	struct config_section *sec;
	struct redis_poller *rp;
	struct action_req req;
	struct err err;
	char buf[256];
	int64_t took;

	cr_assert_not_null(peer);
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d",
		 harness_peer_port(peer));
	sec = section(url, 500);
	rp = poller(sec);
	took = poll_fails(rp, &err);
	snprintf(want, sizeof(want), "timed out after 500 ms waiting for "
		 "127.0.0.1:%d", harness_peer_port(peer));
	cr_expect_str_eq(err.msg, want);
	cr_expect(took >= 450 && took < 1500, "took %lld ms",
		  (long long)took);
	/* A fresh connection each time: the timed-out one is not reused. */
	took = poll_fails(rp, &err);
	cr_expect_str_eq(err.msg, want);
	cr_expect(took < 1500);
	cr_expect_eq(harness_peer_accepted(peer), 2);

	/* Actions have the same deadline. */
	req = request(sec, "slowlog-reset", NULL, "");
	took = clock_mono_ms();
	cr_expect_eq(req.impl->run(&req, buf, sizeof(buf), &err), -1);
	cr_expect(strstr(err.msg, "timed out") != NULL, "%s", err.msg);
	cr_expect_lt(clock_mono_ms() - took, 1500);
	redis_poller_free(rp);
	harness_peer_stop(peer);
}

Test(redis, malformed_reply)
{
	struct harness_peer *peer = harness_peer_start("*99999999999\r\n", 15);
	char url[64], want[128];
	struct redis_poller *rp;
	struct err err;
	int64_t took;

	cr_assert_not_null(peer);
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d",
		 harness_peer_port(peer));
	rp = poller(section(url, 2000));
	took = poll_fails(rp, &err);
	snprintf(want, sizeof(want), "protocol error from 127.0.0.1:%d: ",
		 harness_peer_port(peer));
	cr_expect(strncmp(err.msg, want, strlen(want)) == 0, "%s", err.msg);
	cr_expect_lt(took, 1000);
	redis_poller_free(rp);
	harness_peer_stop(peer);
}

/* ---- a hostile peer: replies past the limit ---------------------------- */

/* What a peer answers the handshake (CLIENT SETNAME, CLIENT ID) and PING
 * with, before the reply under test takes the place of INFO's. */
#define HANDSHAKE_AND_PING "+OK\r\n:7\r\n+PONG\r\n"

#if defined(__SANITIZE_ADDRESS__)
/* AddressSanitizer's shadow memory and quarantine say nothing of what the
 * reader itself holds: the bound is checked in the plain build. */
#define RSS_MEANS_THE_READER 0
#else
#define RSS_MEANS_THE_READER 1
#endif

/* Resident memory of this process, in bytes. */
static long
rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;

	cr_assert_not_null(f);
	cr_assert_eq(fscanf(f, "%ld %ld", &pages, &resident), 2);
	fclose(f);
	return resident * sysconf(_SC_PAGESIZE);
}

/* The poll of a peer that sends hostile (len bytes) is refused with
 * "INFO: reply larger than 8 MiB refused (...)", quickly and without
 * holding more than about that much. */
static void
refused_as_too_large(const char *hostile, size_t len)
{
	struct harness_peer *peer = harness_peer_start(hostile, len);
	char url[64], want[128];
	struct redis_poller *rp;
	struct err err;
	int64_t took;
	long before, grew;

	cr_assert_not_null(peer);
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d",
		 harness_peer_port(peer));
	rp = poller(section(url, 10000));
	before = rss_bytes();
	took = poll_fails(rp, &err);
	grew = rss_bytes() - before;
	snprintf(want, sizeof(want), "INFO: reply larger than 8 MiB refused "
		 "(127.0.0.1:%d)", harness_peer_port(peer));
	cr_expect_str_eq(err.msg, want);
	/* Refused as soon as it passed the limit, not at the timeout. */
	cr_expect_lt(took, 5000, "took %lld ms", (long long)took);
	if (RSS_MEANS_THE_READER) {
		cr_expect_lt(grew, 40L << 20, "resident memory grew %ld MiB",
			     grew >> 20);
	}
	redis_poller_free(rp);
	harness_peer_stop(peer);
}

/* A 100 MB bulk string (a CLIENT LIST of a huge server, a hostile peer)
 * is refused once 8 MiB of it arrived; the peer never sends the rest. */
Test(redis, bulk_reply_past_the_limit_is_refused, .timeout = 60)
{
	static const char head[] = HANDSHAKE_AND_PING "$104857600\r\n";
	size_t body = 9u << 20, len = sizeof(head) - 1 + body;
	char *hostile = xmalloc(len);

	memcpy(hostile, head, sizeof(head) - 1);
	memset(hostile + sizeof(head) - 1, 'x', body);
	refused_as_too_large(hostile, len);
	free(hostile);
}

/* Two million one-digit integers are 8 MB on the wire but more than
 * 100 MB as reply objects: counted as what they take, they are
 * refused. */
Test(redis, array_of_tiny_elements_is_refused_by_what_it_takes,
     .timeout = 60)
{
	static const char head[] = HANDSHAKE_AND_PING "*2000000\r\n";
	size_t n = 2000000, len = sizeof(head) - 1 + 4 * n, i;
	char *hostile = xmalloc(len), *p;

	memcpy(hostile, head, sizeof(head) - 1);
	p = hostile + sizeof(head) - 1;
	for (i = 0; i < n; i++, p += 4) {
		memcpy(p, ":1\r\n", 4);
	}
	cr_assert_lt(len, 8u << 20, "the wire bytes alone stay under 8 MiB");
	refused_as_too_large(hostile, len);
	free(hostile);
}

/* An array header announcing a billion elements is refused before
 * anything is allocated for them. */
Test(redis, huge_array_header_is_refused_at_once)
{
	static const char hostile[] = HANDSHAKE_AND_PING "*1000000000\r\n";

	refused_as_too_large(hostile, sizeof(hostile) - 1);
}

/* A reply of the wrong type says so instead of an empty slow log. */
Test(redis, slow_log_of_the_wrong_type_says_so)
{
	static const char info[] =
		"# Server\r\nredis_version:7.0.15\r\nrun_id:abc\r\n"
		"# Memory\r\nused_memory:1048576\r\nmaxmemory:0\r\n"
		"maxmemory_policy:noeviction\r\n";
	char reply[512];
	struct harness_peer *peer;
	char url[64];
	struct redis_poller *rp;
	struct snapshot *s;
	const struct redis_model *m;
	int len;

	len = snprintf(reply, sizeof(reply), HANDSHAKE_AND_PING
		       "$%zu\r\n%s\r\n$5\r\nhello\r\n$0\r\n\r\n",
		       sizeof(info) - 1, info);
	peer = harness_peer_start(reply, (size_t)len);
	cr_assert_not_null(peer);
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d",
		 harness_peer_port(peer));
	rp = poller(section(url, 2000));
	s = poll_ok(rp);
	m = snapshot_redis(s);
	cr_expect_eq(m->n_slowlog, 0);
	cr_expect_str_eq(m->slowlog_error, "SLOWLOG GET: unexpected reply "
			 "(a string, not an array)");
	cr_expect(strstr(m->notice, "SLOWLOG GET: unexpected reply") != NULL,
		  "%s", m->notice);
	snapshot_unref(s);
	redis_poller_free(rp);
	harness_peer_stop(peer);
}

Test(redis, garbage_type_byte)
{
	struct harness_peer *peer = harness_peer_start("\x1b[2J!\r\n", 7);
	char url[64];
	struct redis_poller *rp;
	struct err err;

	cr_assert_not_null(peer);
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d",
		 harness_peer_port(peer));
	rp = poller(section(url, 2000));
	poll_fails(rp, &err);
	cr_expect(strstr(err.msg, "protocol error") != NULL, "%s", err.msg);
	cr_expect(strchr(err.msg, '\x1b') == NULL, "raw escape in \"%s\"",
		  err.msg);
	redis_poller_free(rp);
	harness_peer_stop(peer);
}

/* ---- escapes ------------------------------------------------------------ */

Test(redis, escapes_kept_raw_and_shown_escaped)
{
	static const char evil[] = "evil\x1b[2Jkey";
	struct config_section *sec = section(srv.url, 2000);
	struct redis_poller *rp = poller(sec);
	redisContext *c = client();
	const struct redis_model *m;
	const struct redis_slowlog *e = NULL;
	const char *mset = NULL, *get = NULL;
	struct action_req req;
	struct err err = { "" };
	struct snapshot *s;
	char buf[2048], *shown;
	const char *argv[40];
	size_t lens[40], i;
	char big[40][100];

	must(c, "CONFIG SET slowlog-log-slower-than 0");
	must(c, "CLIENT SETNAME evil-client");
	must(c, "SET %b v", evil, sizeof(evil) - 1);
	must(c, "GET %b", "nul\0key", (size_t)7);
	/* Longer than the model keeps. */
	argv[0] = "MSET";
	lens[0] = 4;
	for (i = 1; i < 40; i++) {
		memset(big[i], 'a' + (int)(i % 26), sizeof(big[i]));
		argv[i] = big[i];
		lens[i] = sizeof(big[i]);
	}
	freeReplyObject(redisCommandArgv(c, 39, argv, lens));
	must(c, "CONFIG SET slowlog-log-slower-than 10000");
	s = poll_ok(rp);
	m = snapshot_redis(s);
	cr_assert_geq(m->n_slowlog, 3);
	for (i = 0; i < m->n_slowlog; i++) {
		const char *cmd = m->slowlog[i].command;

		if (strncmp(cmd, "SET evil", 8) == 0) {
			e = &m->slowlog[i];
		} else if (strncmp(cmd, "MSET ", 5) == 0) {
			mset = cmd;
		} else if (strncmp(cmd, "GET nul", 7) == 0) {
			get = cmd;
		}
		cr_expect_leq(strlen(m->slowlog[i].command),
			      REDIS_COMMAND_MAX + 3);
		cr_expect_gt(m->slowlog[i].at_ms, clock_wall_ms() - 60000);
	}
	cr_assert_not_null(e);
	/* The model keeps the raw bytes ... */
	cr_expect_str_eq(e->command, "SET evil\x1b[2Jkey v");
	cr_expect(strstr(e->client, "127.0.0.1:") == e->client, "%s",
		  e->client);
	cr_expect(strstr(e->client, " (evil-client)") != NULL, "%s",
		  e->client);
	cr_expect_geq(e->duration_us, 0);
	/* ... and the sanitizer shows them escaped. */
	shown = sanitize(e->command);
	cr_expect_str_eq(shown, "SET evil\\x1b[2Jkey v");
	free(shown);
	/* The MSET, clipped; the GET with a NUL byte. Newest first. */
	cr_assert_not_null(mset);
	cr_expect_eq(strlen(mset), REDIS_COMMAND_MAX + 3, "%s", mset);
	cr_expect_str_eq(mset + REDIS_COMMAND_MAX, "...");
	cr_assert_not_null(get);
	cr_expect_str_eq(get, "GET nul\\x00key");
	cr_expect_str_eq(m->slowlog[0].command, mset);
	cr_expect_gt(m->slowlog[0].id, m->slowlog[1].id);
	snapshot_unref(s);

	/* The delete preview lists the key escaped, on one line. */
	req = request(sec, "delete-keys", NULL, "evil*");
	cr_assert_eq(req.impl->preview(&req, buf, sizeof(buf), &err), 0);
	cr_expect(strstr(buf, "\n  evil\\x1b[2Jkey") != NULL, "%s", buf);
	cr_expect(strchr(buf, '\x1b') == NULL);
	redisFree(c);
	redis_poller_free(rp);
}

/* ---- AUTH --------------------------------------------------------------- */

static void
start_auth_server(void)
{
	redisContext *c;

	signal(SIGPIPE, SIG_IGN);
	unsetenv("REDISCLI_AUTH");
	memset(&srv, 0, sizeof(srv));
	srv.extra[0] = "--requirepass";
	srv.extra[1] = "s3cret-default";
	cr_assert_eq(redis_server_start(&srv), 0);
	c = redis_server_client(&srv, "s3cret-default");
	cr_assert_not_null(c);
	must(c, "ACL SETUSER alice on >al1ce-pw ~* &* +@all");
	redisFree(c);
}

TestSuite(redis_auth, .init = start_auth_server, .fini = stop_server,
	  .timeout = 30);

static void
expect_poll_ok(struct config_section *sec)
{
	struct redis_poller *rp = poller(sec);
	struct snapshot *s = poll_ok(rp);

	snapshot_unref(s);
	redis_poller_free(rp);
}

static void
expect_poll_error(struct config_section *sec, const char *want)
{
	struct redis_poller *rp = poller(sec);
	struct err err;

	poll_fails(rp, &err);
	cr_expect_str_eq(err.msg, want);
	redis_poller_free(rp);
}

Test(redis_auth, password_sources)
{
	char url[200], pwfile[200];
	struct config_section *sec;
	FILE *f;

	snprintf(url, sizeof(url), "redis://:s3cret-default@127.0.0.1:%d",
		 srv.port);
	expect_poll_ok(section(url, 2000));

	snprintf(url, sizeof(url), "redis://alice:al1ce-pw@127.0.0.1:%d/1",
		 srv.port);
	expect_poll_ok(section(url, 2000));

	snprintf(pwfile, sizeof(pwfile), "%s/pw", srv.dir);
	f = fopen(pwfile, "w");
	cr_assert_not_null(f);
	fputs("al1ce-pw\n", f);
	fclose(f);
	sec = section(srv.url, 2000);
	config_section_set(sec, "user", "alice");
	config_section_set(sec, "password_file", pwfile);
	expect_poll_ok(sec);

	setenv("REDISCLI_AUTH", "s3cret-default", 1);
	expect_poll_ok(section(srv.url, 2000));
	unsetenv("REDISCLI_AUTH");
}

Test(redis_auth, failures_never_show_the_password)
{
	char url[200], want[200];

	snprintf(url, sizeof(url), "redis://:wrong-pass@127.0.0.1:%d",
		 srv.port);
	snprintf(want, sizeof(want), "authentication failed for "
		 "127.0.0.1:%d (WRONGPASS)", srv.port);
	expect_poll_error(section(url, 2000), want);

	snprintf(url, sizeof(url), "redis://alice:wrong-pass@127.0.0.1:%d",
		 srv.port);
	expect_poll_error(section(url, 2000), want);

	snprintf(want, sizeof(want), "authentication required by "
		 "127.0.0.1:%d (set password_file, or REDISCLI_AUTH)",
		 srv.port);
	expect_poll_error(section(srv.url, 2000), want);
}

Test(redis_auth, describe_hides_the_password)
{
	char url[200], buf[1024];
	struct config_section *sec;
	struct action_req req;
	const struct action_impl *a;
	struct action_target t7 = client_target(7, "10.0.0.7:51234");

	snprintf(url, sizeof(url), "redis://:s3cret-default@127.0.0.1:%d/0",
		 srv.port);
	sec = section(url, 2000);
	for (a = redis_actions; a->spec != NULL; a++) {
		req = request(sec, a->spec->name, &t7, "cache:*");
		a->describe(&req, buf, sizeof(buf));
		cr_expect(strstr(buf, "s3cret") == NULL, "%s", buf);
		cr_expect(strstr(buf, "127.0.0.1:") != NULL, "%s: %s",
			  a->spec->name, buf);
	}
	req = request(sec, "client-kill", &t7, "");
	req.impl->describe(&req, buf, sizeof(buf));
	cr_expect(strncmp(buf, "CLIENT KILL ID 7 ADDR 10.0.0.7:51234\n", 37)
		  == 0, "%s", buf);
	cr_expect(strchr(buf, '\n') != NULL);
}

#else /* !HAVE_HIREDIS */

#include "probes/redis.h"

Test(redis, not_built_in)
{
	cr_expect_null(redis_probe_ops.open);
	cr_expect_str_eq(redis_probe_ops.unavailable,
			 "Redis support not built in");
}

#endif
