/* The demo's PostgreSQL: a pool of ordinary sessions, a lock pile-up on
 * "accounts" behind pid 4242 (idle in transaction from t = 38 s, waiters
 * from t = 40 s, a migration that queues more behind itself) and leaked api
 * connections during the bad deploy. Builders on any thread on a private
 * copy of the state; the session actions are in probes/demo_pg_act.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "probes/demo_sim.h"

#define BLOCKER_PID 4242
#define BLOCKER_TX_AT 38.0      /* BEGIN; UPDATE ...; then nothing */
#define MIGRATION_PID 4330
#define REPLACEMENT_PID 4399    /* the pool's new connection after 4242 */
#define N_EXTRA 60              /* leaked api connections, at most */

static const char *const blocker_query =
	"UPDATE accounts SET balance = balance - 42.00 WHERE id = 1017";

static const char *const pool_queries[] = {
	/* api 0-3 */
	"SELECT id, status, total_cents FROM orders WHERE customer_id = $1 "
	"ORDER BY created_at DESC LIMIT 20",
	"SELECT * FROM sessions WHERE token = $1",
	"UPDATE carts SET updated_at = now(), items = $2 WHERE id = $1",
	"INSERT INTO audit_log (actor, action, payload) VALUES ($1, $2, $3)",
	/* web 4-5 */
	"SELECT id, name, price_cents FROM products WHERE category_id = $1 "
	"AND active LIMIT 48",
	"SELECT count(*) FROM reviews WHERE product_id = $1",
	/* worker 6-7 */
	"UPDATE jobs SET state = 'running', locked_at = now() WHERE id = "
	"(SELECT id FROM jobs WHERE state = 'queued' ORDER BY priority DESC "
	"LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id",
	"INSERT INTO emails_outbox (to_addr, template, vars) VALUES ($1, $2, "
	"$3)",
	/* billing 8-9 */
	"SELECT id, amount, currency FROM invoices WHERE status = 'open' AND "
	"due_at < now() LIMIT 100",
	"INSERT INTO ledger_entries (account_id, amount, ref) VALUES ($1, $2, "
	"$3)",
	/* search-indexer 10 */
	"SELECT id, name, description, updated_at FROM products WHERE "
	"updated_at > $1 ORDER BY updated_at LIMIT 500",
	/* psql 11 */
	"SELECT pg_reload_conf();",
};

struct pool_def {
	int pid;
	const char *user;
	const char *app;
	const char *client;
	double p_active;        /* share of 3 s slices it is busy */
	int q0, nq;             /* its queries in pool_queries */
	double age_s;           /* connected this long before t = 0 */
};

static const struct pool_def pool[] = {
	{ 3101, "api", "api", "10.42.1.17:51230", 0.35, 0, 4, 7200 },
	{ 3107, "api", "api", "10.42.1.17:51236", 0.35, 0, 4, 7190 },
	{ 3115, "api", "api", "10.42.1.22:40112", 0.35, 0, 4, 7020 },
	{ 3122, "api", "api", "10.42.1.22:40118", 0.35, 0, 4, 7010 },
	{ 3130, "api", "api", "10.42.1.35:52210", 0.35, 0, 4, 6950 },
	{ 3138, "api", "api", "10.42.1.35:52214", 0.35, 0, 4, 6940 },
	{ 3204, "web", "web", "10.42.1.52:33402", 0.3, 4, 2, 9100 },
	{ 3211, "web", "web", "10.42.3.61:58820", 0.3, 4, 2, 9050 },
	{ 3219, "web", "web", "10.42.3.61:58826", 0.3, 4, 2, 9040 },
	{ 3305, "worker", "worker", "10.42.2.8:44310", 0.45, 6, 2, 8800 },
	{ 3312, "worker", "worker", "10.42.2.8:44316", 0.45, 6, 2, 8790 },
	{ 3318, "worker", "worker", "10.42.3.12:47002", 0.45, 6, 2, 8700 },
	{ 3326, "worker", "worker", "10.42.3.12:47010", 0.45, 6, 2, 8690 },
	{ 3410, "billing", "billing-worker", "10.42.2.14:40102", 0.3, 8, 2,
	  21000 },
	{ 3417, "billing", "billing-worker", "10.42.2.17:40290", 0.3, 8, 2,
	  20900 },
	{ 3502, "search", "search-indexer", "10.42.3.40:36114", 0.5, 10, 1,
	  30500 },
	{ 3601, "postgres", "psql", "local", 0.0, 11, 1, 3100 },
};

struct waiter_def {
	int pid;
	const char *user;
	const char *app;
	const char *client;
	const char *query;
	const char *mode;       /* lock mode it waits for */
	const char *wait_event;
	double arrive;          /* starts waiting, scenario s */
	int parent;             /* the pid it waits for */
};

static const struct waiter_def waiters[] = {
	{ 4301, "billing", "billing-worker", "10.42.2.14:40122",
	  "UPDATE accounts SET balance = balance + 120.00 WHERE id = 1017",
	  "ShareLock", "Lock:transactionid", 40, BLOCKER_PID },
	{ 4318, "api", "api", "10.42.1.31:52230",
	  "SELECT id, balance FROM accounts WHERE id = 1017 FOR UPDATE",
	  "ShareLock", "Lock:transactionid", 43, BLOCKER_PID },
	{ 4322, "api", "api", "10.42.1.35:52266",
	  "UPDATE accounts SET last_seen_at = now() WHERE id = 1017",
	  "ShareLock", "Lock:transactionid", 47, BLOCKER_PID },
	{ MIGRATION_PID, "deploy", "api-migrate", "10.42.3.9:39810",
	  "ALTER TABLE accounts ADD COLUMN risk_score numeric",
	  "AccessExclusiveLock", "Lock:relation", 50, BLOCKER_PID },
	{ 4345, "billing", "billing-worker", "10.42.2.14:40188",
	  "UPDATE accounts SET balance = balance - 15.00 WHERE id = 2203",
	  "RowExclusiveLock", "Lock:relation", 55, MIGRATION_PID },
	{ 4351, "billing", "billing-worker", "10.42.2.17:40301",
	  "INSERT INTO accounts (customer, currency) VALUES "
	  "('株式会社ミライ', 'JPY')",
	  "RowExclusiveLock", "Lock:relation", 62, MIGRATION_PID },
	{ 4366, "billing", "billing-worker", "10.42.2.17:40342",
	  "UPDATE accounts SET balance = balance - 7.50 WHERE id = 1017",
	  "ShareLock", "Lock:transactionid", 70, BLOCKER_PID },
	{ 4372, "web", "web", "10.42.1.52:33410",
	  "UPDATE accounts SET email_verified = true WHERE id = 3310",
	  "RowExclusiveLock", "Lock:relation", 78, MIGRATION_PID },
};

#define N_WAITERS (sizeof(waiters) / sizeof(*waiters))

/* How a waiter's wait ends; independent of the time asked about. */
struct waiter_fate {
	double wait_end;        /* DEMO_NEVER while the blocker stays */
	bool canceled;
	double gone;            /* terminated at, or DEMO_NEVER */
};


static double
act_time(const struct demo_sim *sim, int pid, bool terminate)
{
	double at = DEMO_NEVER;
	size_t i;

	for (i = 0; i < sim->n_pg_acts; i++) {
		const struct demo_pg_act *a = &sim->pg_acts[i];

		if (a->pid == pid && a->terminate == terminate && a->at < at) {
			at = a->at;
		}
	}
	return at;
}

/* True when pid was canceled at some time in [a, b]. */
static bool
canceled_between(const struct demo_sim *sim, int pid, double a, double b)
{
	size_t i;

	for (i = 0; i < sim->n_pg_acts; i++) {
		const struct demo_pg_act *x = &sim->pg_acts[i];

		if (x->pid == pid && !x->terminate && x->at >= a &&
		    x->at <= b) {
			return true;
		}
	}
	return false;
}

double
demo_pg_release_time(const struct demo_sim *sim)
{
	return act_time(sim, BLOCKER_PID, true);
}

static void
waiters_eval(const struct demo_sim *sim, struct waiter_fate *f)
{
	double k = demo_pg_release_time(sim);
	double done_mig = DEMO_NEVER;
	int pass, rank;
	size_t i;

	/* Pass 0: those behind the blocker; pass 1: behind the migration. */
	for (pass = 0; pass < 2; pass++) {
		rank = 0;
		for (i = 0; i < N_WAITERS; i++) {
			const struct waiter_def *w = &waiters[i];
			double parent_done = pass == 0 ? k : done_mig;
			double rel, c;

			if ((w->parent == BLOCKER_PID) != (pass == 0)) {
				continue;
			}
			rank++;
			rel = parent_done >= DEMO_NEVER
				      ? DEMO_NEVER
				      : parent_done + (pass ? 0.3 : 0.4) * rank;
			if (rel < w->arrive) {
				rel = w->arrive;
			}
			f[i].canceled = false;
			f[i].gone = act_time(sim, w->pid, true);
			c = act_time(sim, w->pid, false);
			if (c >= w->arrive && c < rel) {
				rel = c;
				f[i].canceled = true;
			}
			if (f[i].gone < rel) {
				rel = f[i].gone;
			}
			f[i].wait_end = rel;
			if (w->pid == MIGRATION_PID) {
				done_mig = rel;
				if (!f[i].canceled && rel < f[i].gone &&
				    rel < DEMO_NEVER) {
					done_mig = rel + 0.3;
				}
			}
		}
	}
}

double
demo_pg_max_wait(const struct demo_sim *sim, double t)
{
	struct waiter_fate f[N_WAITERS];
	double best = 0;
	size_t i;

	waiters_eval(sim, f);
	for (i = 0; i < N_WAITERS; i++) {
		if (t >= waiters[i].arrive && t < f[i].wait_end &&
		    t - waiters[i].arrive > best) {
			best = t - waiters[i].arrive;
		}
	}
	return best;
}

/* Seconds spent waiting on the pile-up's locks up to t, all waiters. */
static double
waited_total(const struct demo_sim *sim, double t)
{
	struct waiter_fate f[N_WAITERS];
	double sum = 0;
	size_t i;

	waiters_eval(sim, f);
	for (i = 0; i < N_WAITERS; i++) {
		double end = f[i].wait_end < t ? f[i].wait_end : t;

		if (end > waiters[i].arrive) {
			sum += end - waiters[i].arrive;
		}
	}
	return sum;
}

double
demo_pg_lock_effect(const struct demo_sim *sim, double t)
{
	double k = demo_pg_release_time(sim);

	if (k < waiters[0].arrive) {
		return 0;
	}
	return demo_ramp(t, 40, 60) * (1 - demo_ramp(t, k, k + 8));
}

static struct demo_pg_sess *
sess_add(struct demo_pg_sess *out, size_t *n, int pid, const char *user,
	 const char *app, const char *client, double start)
{
	struct demo_pg_sess *s;

	if (*n == DEMO_PG_MAX_SESSIONS) {
		return NULL;
	}
	s = &out[(*n)++];
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	s->user = user;
	s->app = app;
	strlcpy_safe(s->client, client, sizeof(s->client));
	s->start = start;
	s->state = "idle";
	s->wait_event = "Client:ClientRead";
	s->query = "";
	s->query_s = NAN;
	s->xact_s = NAN;
	s->lock_mode = "";
	s->wait_s = NAN;
	return s;
}

/* A pooled connection taking short queries in 3 s slices. */
static void
pool_session(struct demo_pg_sess *s, const struct pool_def *p, double t)
{
	uint64_t id = (uint64_t)p->pid;
	double off = 3 * demo_noise01(id, -1);
	double x = (t + off) / 3;
	int64_t b = (int64_t)floor(x);
	double frac = x - floor(x);

	s->query = pool_queries[p->q0 +
				(int)(demo_hash(id, (uint64_t)b) %
				      (uint64_t)p->nq)];
	if (demo_noise01(id, b) < p->p_active && frac < 0.6) {
		s->state = "active";
		s->query_s = frac * 0.6;
		s->xact_s = s->query_s + 0.001;
		s->wait_event = demo_noise01(id + 1, b) < 0.3
					? "IO:DataFileRead" : "";
	} else {
		s->query_s = 0.4 + frac * 3 + 3 * demo_noise01(id + 2, b);
	}
}

size_t
demo_pg_sessions(const struct demo_sim *sim, double t, struct demo_pg_sess *out)
{
	struct waiter_fate f[N_WAITERS];
	double k = demo_pg_release_time(sim);
	double fix = demo_api_fix_time(sim);
	size_t n = 0, i;
	struct demo_pg_sess *s;

	for (i = 0; i < sizeof(pool) / sizeof(*pool); i++) {
		if (t >= act_time(sim, pool[i].pid, true)) {
			continue;
		}
		s = sess_add(out, &n, pool[i].pid, pool[i].user, pool[i].app,
			     pool[i].client, -pool[i].age_s);
		if (s) {
			pool_session(s, &pool[i], t);
		}
	}

	/* autovacuum: no user, no client */
	s = sess_add(out, &n, 3650, "", "", "", -400);
	if (s) {
		s->state = "active";
		s->wait_event = "";
		s->query = "autovacuum: VACUUM ANALYZE public.ledger_entries";
		s->query_s = fmod(t + 400, 900);
		s->xact_s = s->query_s;
		s->start = t - s->query_s;
	}

	/* An analyst's psql left open in a transaction two hours ago. */
	if (t < act_time(sim, 3877, true)) {
		s = sess_add(out, &n, 3877, "analyst", "psql",
			     "10.0.9.14:51822", -7400);
		if (s) {
			s->state = "idle in transaction";
			s->query = "SELECT * FROM invoices WHERE customer_id = "
				   "88213;";
			s->xact_s = t + 7260;
			s->query_s = t + 7248.4;
		}
	}

	/* The nightly revenue report, re-run every 640 s by a dashboard. */
	if (t < act_time(sim, 3990, true)) {
		double k0 = floor((t + 12) / 640);
		double qs = -12 + 640 * k0;

		s = sess_add(out, &n, 3990, "metabase", "Metabase",
			     "10.42.3.77:45510", -20000);
		if (s) {
			s->query = "SELECT date_trunc('day', created_at), "
				   "sum(amount) FROM payments WHERE "
				   "created_at > now() - interval '90 days' "
				   "GROUP BY 1 ORDER BY 1";
			s->query_s = t - qs;
			if (t - qs < 600 &&
			    !canceled_between(sim, 3990, qs, t)) {
				s->state = "active";
				s->wait_event = "IO:DataFileRead";
				s->xact_s = t - qs;
			}
		}
	}

	/* The blocker. */
	if (t < k) {
		s = sess_add(out, &n, BLOCKER_PID, "billing", "billing-worker",
			     "10.42.2.17:40266", -5400);
		if (s && t >= BLOCKER_TX_AT) {
			s->state = "idle in transaction";
			s->query = blocker_query;
			s->query_s = t - (BLOCKER_TX_AT + 0.1);
			s->xact_s = t - BLOCKER_TX_AT;
		} else if (s) {
			s->query = "COMMIT";
			s->query_s = 4 + fmod(t + 100, 30);
		}
	} else if (t >= k + 2) {
		s = sess_add(out, &n, REPLACEMENT_PID, "billing",
			     "billing-worker", "10.42.2.17:40377", k + 2);
		if (s) {
			s->query = "SET application_name = 'billing-worker'";
			s->query_s = t - k - 2;
		}
	}

	waiters_eval(sim, f);
	for (i = 0; i < N_WAITERS; i++) {
		const struct waiter_def *w = &waiters[i];

		if (t >= f[i].gone) {
			continue;
		}
		s = sess_add(out, &n, w->pid, w->user, w->app, w->client,
			     -3000 - 111.0 * (double)i);
		if (!s) {
			continue;
		}
		if (t < w->arrive) {
			s->query = "COMMIT";
			s->query_s = 2 + fmod(t + 37.0 * (double)i, 20);
			continue;
		}
		s->query = w->query;
		s->query_s = t - w->arrive;
		if (t < f[i].wait_end) {
			s->state = "active";
			s->wait_event = w->wait_event;
			s->xact_s = t - w->arrive + 0.002;
			s->blocked_by = w->parent;
			s->lock_mode = w->mode;
			s->wait_s = t - w->arrive;
		} else if (!f[i].canceled && t < f[i].wait_end + 0.3) {
			s->state = "active";
			s->wait_event = "";
			s->xact_s = s->query_s;
		}
	}

	/* Crashing api pods leak connections until the fix. */
	for (i = 0; i < N_EXTRA; i++) {
		double born = 16 + 2.5 * (double)i;
		double gone = fix + 4 + 0.25 * (double)i;
		int pid = 5100 + 7 * (int)i;
		char client[40];
		uint64_t h = demo_hash(0xc0ffee, i);

		if (born >= fix || t < born || t >= gone ||
		    t >= act_time(sim, pid, true)) {
			continue;
		}
		snprintf(client, sizeof(client), "10.42.%d.%d:%d",
			 1 + (int)(h % 3), 20 + (int)(h / 3 % 40),
			 40000 + (int)(h / 120 % 20000));
		s = sess_add(out, &n, pid, "api", "api", client, born);
		if (s) {
			s->query = i % 3 ? "SELECT 1" : "DISCARD ALL";
			s->query_s = t - born - 0.05;
		}
	}
	return n;
}

static int
stmt_cmp(const void *a, const void *b)
{
	const struct pg_statement *x = a, *y = b;

	if (x->total_ms != y->total_ms) {
		return x->total_ms < y->total_ms ? 1 : -1;
	}
	return strcmp(x->query, y->query);
}

int64_t
demo_pg_start_us(const struct demo_sim *sim, double start)
{
	uint64_t id = (uint64_t)(int64_t)(start * 1000);

	return demo_sim_wall(sim, start) * 1000 +
	       (int64_t)(demo_noise01(id, 9) * 999);
}

void *
demo_build_pg(struct snapshot *snap, const struct demo_sim *sim, double t)
{
	struct pg_model *m = snapshot_alloc(snap, sizeof(*m));
	struct demo_pg_sess *ss = xcalloc(DEMO_PG_MAX_SESSIONS, sizeof(*ss));
	size_t n = demo_pg_sessions(sim, t, ss), i;
	double bad = demo_api_badness(sim, t);
	double lock = demo_pg_lock_effect(sim, t);
	uint64_t nz = demo_str_hash("pg");
	struct {
		const char *q;
		double calls0, calls_per_s, mean_ms;
	} st[] = {
		{ "UPDATE accounts SET balance = balance + $1 WHERE id = $2",
		  1.82e6, 95, 1.9 },
		{ "SELECT id, status, total_cents FROM orders WHERE "
		  "customer_id = $1 ORDER BY created_at DESC LIMIT $2",
		  9.4e6, 410, 0.8 },
		{ "SELECT date_trunc($1, created_at), sum(amount) FROM "
		  "payments WHERE created_at > now() - $2::interval GROUP BY 1 "
		  "ORDER BY 1",
		  412, 1.0 / 640, 281000 },
		{ "INSERT INTO ledger_entries (account_id, amount, ref) VALUES "
		  "($1, $2, $3)",
		  3.1e6, 120, 0.6 },
		{ "UPDATE jobs SET state = $1, locked_at = now() WHERE id = "
		  "(SELECT id FROM jobs WHERE state = $2 ORDER BY priority "
		  "DESC LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id",
		  2.2e6, 80, 1.2 },
	};

	m->server_version = snapshot_strdup(snap, "15.6");
	m->max_connections = 200;
	m->sessions = snapshot_alloc(snap, (n ? n : 1) * sizeof(*m->sessions));
	m->n_sessions = n;
	for (i = 0; i < n; i++) {
		struct pg_session *o = &m->sessions[i];
		const struct demo_pg_sess *s = &ss[i];

		o->pid = s->pid;
		o->user = snapshot_strdup(snap, s->user);
		o->db = snapshot_strdup(snap, "shop");
		o->client = snapshot_strdup(snap, s->client);
		o->app = snapshot_strdup(snap, s->app);
		o->state = snapshot_strdup(snap, s->state);
		o->wait_event = snapshot_strdup(snap, s->wait_event);
		o->query = snapshot_strdup(snap, s->query);
		o->backend_start_us = demo_pg_start_us(sim, s->start);
		o->query_s = s->query_s;
		o->xact_s = s->xact_s;
		/* The scenario's queries return at once: a session has been
		 * in its state since its last query started, or since it
		 * connected when it never ran one. */
		o->state_s = !isnan(s->query_s) ? s->query_s :
			     t - s->start;
		o->lock_db = "";
		o->lock_mode = snapshot_strdup(snap, s->lock_mode);
		o->lock_rel = snapshot_strdup(snap, s->blocked_by ? "accounts"
								 : "");
		o->wait_s = s->wait_s;
		if (s->blocked_by) {
			o->blocked_by = snapshot_alloc(snap, sizeof(int));
			o->blocked_by[0] = s->blocked_by;
			o->n_blocked_by = 1;
		}
		if (strcmp(s->state, "active") == 0) {
			m->conns_active++;
		} else if (strcmp(s->state, "idle") == 0) {
			m->conns_idle++;
		} else if (strcmp(s->state, "idle in transaction") == 0) {
			m->conns_idle_xact++;
			if (!(s->xact_s <= m->oldest_idle_xact_s)) {
				m->oldest_idle_xact_s = s->xact_s;
			}
		} else {
			m->conns_other++;
		}
	}

	m->replicas = snapshot_alloc(snap, sizeof(*m->replicas));
	m->n_replicas = 1;
	m->replicas[0].name = snapshot_strdup(snap, "pg-replica-1");
	m->replicas[0].client = snapshot_strdup(snap, "10.0.2.31");
	m->replicas[0].state = snapshot_strdup(snap, "streaming");
	m->replicas[0].write_lag_s = 0.002 + 0.01 * bad +
				     0.001 * (1 + demo_vnoise(nz, t, 3));
	m->replicas[0].flush_lag_s = m->replicas[0].write_lag_s + 0.003 +
				     0.05 * bad;
	m->replicas[0].replay_lag_s = 0.12 + 6 * bad +
				      0.03 * (1 + demo_vnoise(nz + 1, t, 4));
	m->replicas[0].sync_state = "async";
	/* WAL at about 3 MB/s. */
	m->replicas[0].replay_lag_bytes =
		floor(3e6 * m->replicas[0].replay_lag_s);
	m->replay_behind_bytes = NAN;
	m->reserved_connections = 3;
	m->lock_other_db = "";

	m->xact_per_s = 860 * (1 + 0.04 * demo_vnoise(nz + 2, t, 5)) *
			(1 - 0.25 * lock - 0.2 * bad);
	m->rollback_per_s = 1.2 + 38 * bad + 9 * lock +
			    0.4 * (1 + demo_vnoise(nz + 3, t, 5));
	m->deadlocks = 3;
	if (t >= 72 && demo_pg_lock_effect(sim, 72) > 0.5) {
		m->deadlocks++;
	}
	if (t >= 131 && demo_pg_lock_effect(sim, 131) > 0.5) {
		m->deadlocks++;
	}
	m->db_size_bytes = 51.3e9 + 180e3 * t;
	m->has_stat_statements = true;
	m->n_statements = sizeof(st) / sizeof(*st);
	m->statements = snapshot_alloc(snap, sizeof(st) / sizeof(*st) *
						     sizeof(*m->statements));
	for (i = 0; i < m->n_statements; i++) {
		struct pg_statement *o = &m->statements[i];
		o->query = snapshot_strdup(snap, st[i].q);
		o->calls = floor(st[i].calls0 + st[i].calls_per_s *
						   (t > 0 ? t : 0));
		o->total_ms = o->calls * st[i].mean_ms;
		if (i == 0) {
			/* the pile-up's waits end up in the UPDATE's time */
			o->total_ms += 1000 * waited_total(sim, t);
		}
		o->mean_ms = o->total_ms / o->calls;
	}
	qsort(m->statements, m->n_statements, sizeof(*m->statements),
	      stmt_cmp);
	m->notice = snapshot_strdup(snap, "");
	free(ss);
	return m;
}
