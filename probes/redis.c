/* The Redis probe: one pipeline per poll (PING, INFO, SLOWLOG GET, CLIENT
 * LIST) under one deadline, turned into a struct redis_model (through
 * redis_reply.c) with rates from counter deltas and a memory history. Runs
 * on its probe thread; the poller is the probe's private state. */
#include "probes/redis.h"

#include "build-config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"

#if HAVE_HIREDIS

#include <time.h>

#include "probes/redis_conn.h"
#include "probes/redis_reply.h"

#define POLL_COMMANDS 4

struct redis_poller {
	struct redis_settings set;
	int interval_ms;
	struct redis_conn *conn;
	uint64_t sent_before;   /* commands sent on connections now freed */

	/* counters of the previous poll, for rates */
	bool have_prev;
	char run_id[48];
	int64_t prev_ms;        /* monotonic, when its INFO arrived */
	uint64_t prev_own;      /* our commands sent before that INFO */
	double prev_evicted, prev_expired, prev_rejected;
	double prev_hits, prev_misses, prev_cmds;

	double hist[REDIS_HISTORY_N];   /* ring of used_memory samples */
	size_t hist_n, hist_next;
};

/* ---- the poller ---------------------------------------------------------- */

void *
redis_poller_new(const struct config_section *sec, struct probe *owner,
		 struct err *err)
{
	struct redis_poller *rp = xcalloc(1, sizeof(*rp));

	if (redis_settings_from_section(sec, &rp->set, err) < 0) {
		redis_settings_wipe(&rp->set);
		free(rp);
		return NULL;
	}
	rp->interval_ms = sec->interval_ms > 0 ? sec->interval_ms : 2000;
	return rp;
}

bool
redis_poller_connected(const struct redis_poller *rp)
{
	return rp->conn != NULL;
}

static void
drop_conn(struct redis_poller *rp)
{
	if (rp->conn != NULL) {
		rp->sent_before += rp->conn->sent;
		redis_conn_free(rp->conn);
		rp->conn = NULL;
	}
}

void
redis_poller_free(void *redis_poller)
{
	struct redis_poller *rp = redis_poller;

	if (rp == NULL) {
		return;
	}
	drop_conn(rp);
	redis_settings_wipe(&rp->set);
	free(rp);
}

static void
history_push(struct redis_poller *rp, double v)
{
	rp->hist[rp->hist_next] = v;
	rp->hist_next = (rp->hist_next + 1) % REDIS_HISTORY_N;
	if (rp->hist_n < REDIS_HISTORY_N) {
		rp->hist_n++;
	}
}

static void
history_copy(const struct redis_poller *rp, struct snapshot *s,
	     struct series *out)
{
	size_t i, first = (rp->hist_next + REDIS_HISTORY_N - rp->hist_n) %
			  REDIS_HISTORY_N;

	out->v = snapshot_alloc(s, (rp->hist_n ? rp->hist_n : 1) *
				       sizeof(double));
	for (i = 0; i < rp->hist_n; i++) {
		out->v[i] = rp->hist[(first + i) % REDIS_HISTORY_N];
	}
	out->n = rp->hist_n;
	out->step_ms = rp->interval_ms;
}

/* (now - then) / dt, NAN when unknown or when a counter went back (a
 * restart or CONFIG RESETSTAT). */
static double
rate(double now, double then, double dt_s)
{
	if (isnan(now) || isnan(then) || now < then || dt_s <= 0) {
		return NAN;
	}
	return (now - then) / dt_s;
}

static void
fill_rates(struct redis_poller *rp, struct redis_model *m,
	   const struct redis_info *in, int64_t at_ms, uint64_t own)
{
	bool same = rp->have_prev && strcmp(rp->run_id, in->run_id) == 0;
	double dt = same ? (double)(at_ms - rp->prev_ms) / 1000.0 : 0;
	double dh, dm, ops;

	m->evicted_per_s = rate(in->evicted, rp->prev_evicted, dt);
	m->evicted_keys = in->evicted;
	m->expired_per_s = rate(in->expired, rp->prev_expired, dt);
	m->rejected_per_s = rate(in->rejected, rp->prev_rejected, dt);
	/* Our own PING, INFO, SLOWLOG and CLIENT LIST are not traffic. */
	ops = rate(in->cmds, rp->prev_cmds, dt);
	if (!isnan(ops)) {
		ops -= (double)(own - rp->prev_own) / dt;
		ops = ops < 0 ? 0 : ops;
	}
	m->ops_per_s = ops;
	dh = rate(in->hits, rp->prev_hits, dt);
	dm = rate(in->misses, rp->prev_misses, dt);
	m->hit_ratio = !isnan(dh) && !isnan(dm) && dh + dm > 0
			       ? dh / (dh + dm) : NAN;

	rp->have_prev = true;
	strlcpy_safe(rp->run_id, in->run_id, sizeof(rp->run_id));
	rp->prev_ms = at_ms;
	rp->prev_own = own;
	rp->prev_evicted = in->evicted;
	rp->prev_expired = in->expired;
	rp->prev_rejected = in->rejected;
	rp->prev_hits = in->hits;
	rp->prev_misses = in->misses;
	rp->prev_cmds = in->cmds;
}

/* Old servers without maxmemory in INFO: CONFIG GET maxmemory*. A server
 * that refuses CONFIG (renamed, ACL) leaves the values unknown. */
static int
config_fallback(struct redis_conn *c, struct redis_info *in,
		int64_t deadline, struct err *err)
{
	redisReply *r;

	redis_conn_append(c, "CONFIG GET maxmemory*");
	if (redis_conn_read(c, deadline, &r, err) < 0) {
		return -1;
	}
	redis_info_config(in, r);
	hiredis.freeReplyObject(r);
	return 0;
}

static double
precise_ms(void)
{
	struct timespec ts;

	/* The round trip on loopback is well under a millisecond, finer
	 * than the project clock. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Adds text to m->notice. */
static void
notice_text(struct snapshot *s, struct redis_model *m, const char *text)
{
	char buf[2 * ERR_MSG_MAX];

	if (m->notice != NULL && m->notice[0] != '\0') {
		snprintf(buf, sizeof(buf), "%s; %s", m->notice, text);
		m->notice = snapshot_strdup(s, buf);
	} else {
		m->notice = snapshot_strdup(s, text);
	}
}

/* A command the server refused (renamed, or denied by an ACL) leaves its
 * part of the model empty and says why in m->notice; returns the reason
 * (in s). */
static const char *
add_notice(struct snapshot *s, struct redis_model *m, const char *what,
	   const struct redis_conn *c, const redisReply *r)
{
	struct err e;

	redis_conn_reply_error(c, r, what, &e);
	notice_text(s, m, e.msg);
	return snapshot_strdup(s, e.msg);
}

/* Sends the pipeline and reads its replies into r[]. */
static int
exchange(struct redis_poller *rp, int64_t deadline, redisReply **r,
	 double *ping_ms, uint64_t *own, struct err *err)
{
	static const char *const names[POLL_COMMANDS] = {
		"PING", "INFO", "SLOWLOG GET", "CLIENT LIST",
	};
	struct redis_conn *c = rp->conn;
	double t0;
	int i;

	redis_conn_append(c, "PING");
	*own = rp->sent_before + c->sent;
	redis_conn_append(c, "INFO");
	redis_conn_append(c, "SLOWLOG GET %d", REDIS_SLOWLOG_N);
	redis_conn_append(c, "CLIENT LIST");
	t0 = precise_ms();
	for (i = 0; i < POLL_COMMANDS; i++) {
		if (redis_conn_read(c, deadline, &r[i], err) < 0) {
			if (c->too_large) {
				char why[ERR_MSG_MAX];

				/* Which command's reply it was. */
				strlcpy_safe(why, err->msg, sizeof(why));
				err_set(err, "%s: %s", names[i], why);
			}
			return -1;
		}
		if (i == 0) {
			*ping_ms = precise_ms() - t0;
		}
	}
	return 0;
}

int
redis_poller_poll(void *redis_poller, struct snapshot *s, struct err *err)
{
	struct redis_poller *rp = redis_poller;
	int64_t deadline = clock_mono_ms() + rp->set.timeout_ms;
	redisReply *r[POLL_COMMANDS] = { NULL };
	struct redis_model *m;
	struct redis_info in;
	struct err bad;
	double ping_ms = NAN;
	uint64_t own = 0;
	int64_t at_ms;
	int i, rc = -1;

	if (rp->conn == NULL) {
		rp->conn = redis_conn_open(&rp->set, "warroom", deadline, err);
		if (rp->conn == NULL) {
			goto fail;
		}
	}
	if (exchange(rp, deadline, r, &ping_ms, &own, err) < 0) {
		goto fail;
	}
	at_ms = clock_mono_ms();
	for (i = 0; i < 2; i++) {
		if (r[i]->type == REDIS_REPLY_ERROR) {
			redis_conn_reply_error(rp->conn, r[i],
					       i == 0 ? "PING" : "INFO", err);
			goto fail;
		}
	}
	if (!redis_reply_is_str(r[1])) {
		err_set(err, "INFO from %s: unexpected reply", rp->set.addr);
		goto fail;
	}
	redis_info_parse(&in, r[1]->str, r[1]->len, rp->set.url.db);
	if ((isnan(in.maxmem) || in.policy[0] == '\0') &&
	    config_fallback(rp->conn, &in, deadline, err) < 0) {
		goto fail;
	}

	m = snapshot_alloc(s, sizeof(*m));
	redis_fill_info(s, m, &in);
	m->db = rp->set.url.db;
	m->ping_ms = ping_ms;
	fill_rates(rp, m, &in, at_ms, own);
	if (r[2]->type == REDIS_REPLY_ERROR) {
		m->slowlog_error = add_notice(s, m, "SLOWLOG", rp->conn, r[2]);
	} else if (redis_fill_slowlog(s, m, r[2], &bad) < 0) {
		notice_text(s, m, bad.msg);
		m->slowlog_error = snapshot_strdup(s, bad.msg);
	}
	if (m->slowlog_error == NULL) {
		m->slowlog_error = snapshot_strdup(s, "");
	}
	if (r[3]->type == REDIS_REPLY_ERROR) {
		add_notice(s, m, "CLIENT LIST", rp->conn, r[3]);
	} else if (redis_fill_clients(s, m, r[3], &bad) < 0) {
		notice_text(s, m, bad.msg);
	}
	if (m->notice == NULL) {
		m->notice = snapshot_strdup(s, "");
	}
	if (m->slowlog == NULL) {
		m->slowlog = snapshot_alloc(s, sizeof(*m->slowlog));
	}
	if (m->client_list == NULL) {
		m->client_list = snapshot_alloc(s, sizeof(*m->client_list));
	}
	history_push(rp, m->used_bytes);
	history_copy(rp, s, &m->mem_history);
	s->data = m;
	rc = 0;
fail:
	for (i = 0; i < POLL_COMMANDS; i++) {
		if (r[i] != NULL) {
			hiredis.freeReplyObject(r[i]);
		}
	}
	if (rc < 0) {
		/* Never reuse a connection after a failed poll. */
		drop_conn(rp);
		history_push(rp, NAN);
	}
	return rc;
}

static int
redis_poller_reachable(void *redis_poller, const struct probe *p)
{
	struct redis_poller *rp = redis_poller;
	char port[16];
	int ms = rp->set.timeout_ms < 2000 ? rp->set.timeout_ms : 2000;

	if (rp->set.url.is_unix) {
		return probe_reach_unix(p, rp->set.url.path, ms);
	}
	snprintf(port, sizeof(port), "%d", rp->set.url.port);
	return probe_reach_tcp(p, rp->set.url.host, port, ms);
}

#endif /* HAVE_HIREDIS */

/* ---- the ops ------------------------------------------------------------- */

static const struct config_key_spec redis_keys[] = {
	{ .name = "url", .type = CONFIG_REDIS_URL, .required = true,
	  .secret = true, .env = "REDIS_URL",
	  .help = "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or "
		  "unix:///PATH" },
	{ .name = "user", .type = CONFIG_TEXT, .help = "ACL user name" },
	{ .name = "password_file", .type = CONFIG_TEXT,
	  .help = "a file whose first line is the password" },
	{ .name = NULL },
};

const struct probe_ops redis_probe_ops = {
	.kind = SNAP_REDIS,
#if HAVE_HIREDIS
	.open = redis_poller_new, .poll = redis_poller_poll,
	.close = redis_poller_free, .reachable = redis_poller_reachable,
	.actions = redis_actions,
#else
	.unavailable = "Redis support not built in",
#endif
	.config = { .name = "redis", .keys = redis_keys },
};
