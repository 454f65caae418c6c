/* The database kind's findings: sessions blocked behind one pid (and
 * whether that pid sits idle in transaction), a lock cycle, connections
 * near max_connections, sessions idle in transaction, queries running past
 * the source's long_query, and replication (a replica that lags in bytes
 * or seconds, one that disappeared, a standby whose replay lags or is
 * paused); what a snapshot says of each once it has cleared. Pure
 * functions over a snapshot and the source's history: any thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/rules_internal.h"
#include "core/xalloc.h"

/* long_query when the source does not say (the configuration's default) */
#define LONG_QUERY_DEFAULT_S 5.0

/* "6.2 s", "42 s", "3m20s": an age with a decimal while it is short. */
static char *
fmt_age(double s, char *buf, size_t n)
{
	if (s < 10) {
		snprintf(buf, n, "%.1f s", s);
	} else if (s < 60) {
		snprintf(buf, n, "%.0f s", s);
	} else {
		rules_fmt_secs(s, buf, (int)n);
	}
	return buf;
}

/* A threshold in seconds as people say it: "5 min", "30 s". */
static char *
fmt_limit(double s, char *buf, size_t n)
{
	if (s >= 60 && fmod(s, 60) == 0) {
		snprintf(buf, n, "%.0f min", s / 60);
	} else {
		rules_fmt_unit(UNIT_SECONDS, s, buf, n);
	}
	return buf;
}

static int64_t
since_ms(const struct snapshot *s, double age_s)
{
	if (isnan(age_s) || s->taken_ms <= 0) {
		return 0;
	}
	return s->taken_ms - (int64_t)llround(age_s * 1000);
}

static double
long_query_s(const struct pg_model *m)
{
	return !isnan(m->long_query_s) && m->long_query_s > 0 ?
	       m->long_query_s : LONG_QUERY_DEFAULT_S;
}

/* The session a blocker pid is, or NULL when the role cannot see it. */
static const struct pg_session *
session_of(const struct pg_model *m, int pid)
{
	int i = pg_locks_session(m, pid);

	return i >= 0 ? &m->sessions[i] : NULL;
}

/* ---- locks ------------------------------------------------------------ */

static void
blocked_findings(const struct snapshot *snap, const struct pg_model *m,
		 struct rules_list *fl)
{
	const struct pg_locks *g = &m->locks;
	double crit_n = rules_threshold(TH_PG_BLOCKED_CRIT_COUNT);
	double crit_s = rules_threshold(TH_PG_BLOCKED_CRIT_WAIT_S);
	char key[FINDING_KEY_MAX], subject[FINDING_SUBJECT_MAX];
	char idle[64], wait[64], cmp[64];
	size_t i;

	for (i = 0; i < g->n_blockers; i++) {
		int node = g->roots[i];
		int pid = (size_t)node < m->n_sessions ?
			  m->sessions[node].pid :
			  g->hidden_pid[(size_t)node - m->n_sessions];
		const struct pg_session *b = session_of(m, pid);
		int count = g->behind[node];
		double longest = g->longest_s[node];
		enum health sev = HEALTH_WARN;
		struct finding *f;

		idle[0] = wait[0] = cmp[0] = '\0';
		if (b != NULL && pg_is_idle_xact(b->state) &&
		    !isnan(b->xact_s)) {
			snprintf(idle, sizeof(idle), ", idle in transaction "
				 "for %s", fmt_age(b->xact_s, wait,
						   sizeof(wait)));
		}
		wait[0] = '\0';
		if (!isnan(longest)) {
			fmt_age(longest, wait, sizeof(wait));
		}
		/* Five blocked sessions in all make every blocker critical,
		 * however they are spread. */
		if (g->n_waiting >= crit_n) {
			sev = HEALTH_CRIT;
			snprintf(cmp, sizeof(cmp), "; %d sessions waiting in "
				 "all >= %.0f", g->n_waiting, crit_n);
		} else if (!isnan(longest) && longest > crit_s) {
			sev = HEALTH_CRIT;
			snprintf(cmp, sizeof(cmp), " > %.0f s", crit_s);
		}
		snprintf(key, sizeof(key), "pg-blocked:%d", pid);
		snprintf(subject, sizeof(subject),
			 "sessions blocked behind pid %d", pid);
		f = rules_list_add(fl, sev, key, "%d session%s blocked behind "
				   "pid %d%s%s%s%s", count,
				   count == 1 ? "" : "s", pid, idle,
				   wait[0] ? ", longest wait " : "", wait,
				   cmp);
		rules_finding_measure(f, subject, count,
				      sev == HEALTH_CRIT ? crit_n : NAN,
				      UNIT_NONE);
		/* The condition is a wait: it has held as long as the
		 * longest one behind this pid. */
		f->since_ms = since_ms(snap, longest);
	}
	/* Sessions that wait only on each other (a lock cycle the server has
	 * not broken yet) are behind no root. */
	if (g->n_in_cycle > 0) {
		struct finding *f;

		f = rules_list_add(fl, HEALTH_CRIT, "pg-cycle",
				   "%d sessions blocked in a lock cycle",
				   g->n_in_cycle);
		rules_finding_measure(f, "sessions in a lock cycle",
				      g->n_in_cycle, NAN, UNIT_NONE);
	}
}

static double
nan_zero(double v)
{
	return isnan(v) ? 0 : v;
}

static double
conns_used(const struct pg_model *m)
{
	return nan_zero(m->conns_active) + nan_zero(m->conns_idle) +
	       nan_zero(m->conns_idle_xact) + nan_zero(m->conns_other);
}

static void
conns_finding(const struct pg_model *m, struct rules_list *fl)
{
	double used = conns_used(m), ratio, th;
	enum health sev = HEALTH_CRIT;
	struct finding *f;
	char cmp[64];

	if (isnan(m->max_connections) || m->max_connections <= 0) {
		return;
	}
	ratio = used / m->max_connections;
	th = rules_threshold(TH_PG_CONNS_CRIT);
	if (ratio <= th) {
		sev = HEALTH_WARN;
		th = rules_threshold(TH_PG_CONNS_WARN);
	}
	if (ratio <= th) {
		return;
	}
	f = rules_list_add(fl, sev, "pg-conns", "connections at %s of "
			   "max_connections (%.0f/%.0f)",
			   rules_fmt_cmp(UNIT_RATIO, ratio, ">", th, cmp,
					 sizeof(cmp)),
			   used, m->max_connections);
	rules_finding_measure(f, "connections (share of max_connections)",
			      ratio, th, UNIT_RATIO);
}

/* Sessions idle in transaction for more than 5 minutes that block no one
 * (a blocker is its pile-up's finding). */
static void
idle_finding(const struct snapshot *snap, const struct pg_model *m,
	     struct rules_list *fl)
{
	double th = rules_threshold(TH_PG_IDLE_XACT_WARN_S), oldest = NAN;
	char cmp[64], age[32];
	struct finding *f;
	int idle = 0, oldest_pid = 0;
	size_t i;

	for (i = 0; i < m->n_sessions; i++) {
		const struct pg_session *s = &m->sessions[i];

		if (!pg_is_idle_xact(s->state) || isnan(s->xact_s) ||
		    s->xact_s <= th || pg_locks_behind(m, s->pid) > 0) {
			continue;
		}
		idle++;
		if (isnan(oldest) || s->xact_s > oldest) {
			oldest = s->xact_s;
			oldest_pid = s->pid;
		}
	}
	if (idle > 0) {
		f = rules_list_add(fl, HEALTH_WARN, "pg-idle-xact",
				   "%d session%s idle in transaction for more "
				   "than %s (oldest pid %d, %s)", idle,
				   idle == 1 ? "" : "s",
				   fmt_limit(th, cmp, sizeof(cmp)),
				   oldest_pid,
				   rules_fmt_secs(oldest, age, sizeof(age)));
		snprintf(f->at_row, sizeof(f->at_row), "pid:%d", oldest_pid);
	} else if (!isnan(m->oldest_idle_xact_s) &&
		   m->oldest_idle_xact_s > th && m->locks.n_waiting == 0) {
		/* The role may not see the session itself. */
		oldest = m->oldest_idle_xact_s;
		f = rules_list_add(fl, HEALTH_WARN, "pg-idle-xact",
				   "a session is idle in transaction for %s "
				   "(more than %s)",
				   rules_fmt_secs(oldest, age, sizeof(age)),
				   fmt_limit(th, cmp, sizeof(cmp)));
	} else {
		return;
	}
	rules_finding_measure(f, "oldest transaction left idle", oldest, th,
			      UNIT_SECONDS);
	f->since_ms = since_ms(snap, oldest);
}

/* A session whose query runs long: active, waiting for no lock (a waiter
 * is its blocker's finding), and not a vacuum. */
static bool
running_long(const struct pg_model *m, const struct pg_session *s)
{
	return strcmp(s->state, "active") == 0 && s->n_blocked_by == 0 &&
	       s->pid != m->own_pid && !isnan(s->query_s) &&
	       strncmp(s->query, "autovacuum:", 11) != 0;
}

static void
long_query_finding(const struct snapshot *snap, const struct pg_model *m,
		   struct rules_list *fl)
{
	double th = long_query_s(m), crit = rules_threshold(
		TH_PG_LONG_QUERY_CRIT_S), longest = NAN;
	enum health sev = HEALTH_WARN;
	char cmp[64], user[64];
	struct finding *f;
	int n = 0, pid = 0;
	size_t i;

	user[0] = '\0';
	for (i = 0; i < m->n_sessions; i++) {
		const struct pg_session *s = &m->sessions[i];

		if (!running_long(m, s) || s->query_s <= th) {
			continue;
		}
		n++;
		if (isnan(longest) || s->query_s > longest) {
			longest = s->query_s;
			pid = s->pid;
			snprintf(user, sizeof(user), "%.40s", s->user);
		}
	}
	if (n == 0) {
		return;
	}
	if (longest > crit) {
		sev = HEALTH_CRIT;
		th = crit;
	}
	f = rules_list_add(fl, sev, "pg-long-query", "%d quer%s running "
			   "longer than long_query: pid %d%s%s at %s", n,
			   n == 1 ? "y" : "ies", pid, user[0] ? " of " : "",
			   user, rules_fmt_cmp(UNIT_SECONDS, longest, ">", th,
					       cmp, sizeof(cmp)));
	snprintf(f->at_row, sizeof(f->at_row), "pid:%d", pid);
	rules_finding_measure(f, "longest running query", longest, th,
			      UNIT_SECONDS);
	f->since_ms = since_ms(snap, longest);
}

/* ---- replication ------------------------------------------------------- */

/* A replica's name for keys and text: its application_name, else its
 * address. */
static const char *
replica_name(const struct pg_replica *r)
{
	return r->name[0] != '\0' ? r->name : r->client[0] != '\0' ?
	       r->client : "(unnamed)";
}

static void
replica_lag_finding(const struct pg_replica *r, struct rules_list *fl)
{
	double ws = rules_threshold(TH_PG_REPLICA_LAG_WARN_S);
	double cs = rules_threshold(TH_PG_REPLICA_LAG_CRIT_S);
	double wb = rules_threshold(TH_PG_REPLICA_LAG_WARN_BYTES);
	double cb = rules_threshold(TH_PG_REPLICA_LAG_CRIT_BYTES);
	enum health by_s = HEALTH_OK, by_b = HEALTH_OK;
	char key[FINDING_KEY_MAX], subject[FINDING_SUBJECT_MAX], cmp[64];
	const char *name = replica_name(r);
	struct finding *f;

	if (!isnan(r->replay_lag_s) && r->replay_lag_s > ws) {
		by_s = r->replay_lag_s > cs ? HEALTH_CRIT : HEALTH_WARN;
	}
	if (!isnan(r->replay_lag_bytes) && r->replay_lag_bytes > wb) {
		by_b = r->replay_lag_bytes > cb ? HEALTH_CRIT : HEALTH_WARN;
	}
	if (by_s == HEALTH_OK && by_b == HEALTH_OK) {
		return;
	}
	snprintf(key, sizeof(key), "pg-replica-lag:%s", name);
	if (by_b > by_s) {
		double th = by_b == HEALTH_CRIT ? cb : wb;

		snprintf(subject, sizeof(subject), "WAL not yet replayed on "
			 "replica %s", name);
		rules_fmt_cmp(UNIT_BYTES, r->replay_lag_bytes, ">", th, cmp,
			      sizeof(cmp));
		f = rules_list_add(fl, by_b, key, "replica %s behind by %s",
				   name, cmp);
		rules_finding_measure(f, subject, r->replay_lag_bytes, th,
				      UNIT_BYTES);
	} else {
		double th = by_s == HEALTH_CRIT ? cs : ws;

		snprintf(subject, sizeof(subject), "replay lag of replica %s",
			 name);
		rules_fmt_cmp(UNIT_SECONDS, r->replay_lag_s, ">", th, cmp,
			      sizeof(cmp));
		f = rules_list_add(fl, by_s, key, "replica %s replay lag %s",
				   name, cmp);
		rules_finding_measure(f, subject, r->replay_lag_s, th,
				      UNIT_SECONDS);
	}
}

/* The replicas a source has shown, so that one that disappears is seen
 * to. */
struct pg_history {
	char (*names)[64];
	size_t n;
};

static void
pg_history_free(void *h)
{
	struct pg_history *ph = h;

	if (ph != NULL) {
		free(ph->names);
		free(ph);
	}
}

static const struct pg_replica *
replica_find(const struct pg_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_replicas; i++) {
		if (strcmp(replica_name(&m->replicas[i]), name) == 0) {
			return &m->replicas[i];
		}
	}
	return NULL;
}

/* Every replica seen since the source was first polled stays known: one
 * missing now is a finding until it comes back. */
static void
replicas_gone(struct pg_history *ph, const struct pg_model *m,
	      struct rules_list *fl)
{
	char key[FINDING_KEY_MAX], subject[FINDING_SUBJECT_MAX];
	struct finding *f;
	size_t i;

	for (i = 0; i < ph->n; i++) {
		if (replica_find(m, ph->names[i]) != NULL) {
			continue;
		}
		snprintf(key, sizeof(key), "pg-replica-gone:%s",
			 ph->names[i]);
		snprintf(subject, sizeof(subject), "replica %s connected",
			 ph->names[i]);
		f = rules_list_add(fl, HEALTH_CRIT, key, "replica %s "
				   "disconnected: pg_stat_replication no longer "
				   "lists it (%zu replica%s connected)",
				   ph->names[i], m->n_replicas,
				   m->n_replicas == 1 ? "" : "s");
		rules_finding_measure(f, subject, 0, 1, UNIT_NONE);
		f->lower_is_worse = true;
	}
	for (i = 0; i < m->n_replicas; i++) {
		const char *name = replica_name(&m->replicas[i]);
		size_t j;

		for (j = 0; j < ph->n; j++) {
			if (strcmp(ph->names[j], name) == 0) {
				break;
			}
		}
		if (j == ph->n) {
			ph->names = xreallocarray(ph->names, ph->n + 1,
						  sizeof(*ph->names));
			strlcpy_safe(ph->names[ph->n++], name,
				     sizeof(*ph->names));
		}
	}
}

static void
standby_findings(const struct pg_model *m, struct rules_list *fl)
{
	double ws = rules_threshold(TH_PG_REPLICA_LAG_WARN_S);
	double cs = rules_threshold(TH_PG_REPLICA_LAG_CRIT_S);
	char cmp[64], age[32];
	struct finding *f;

	if (!m->is_standby) {
		return;
	}
	if (m->replay_paused) {
		age[0] = '\0';
		if (!isnan(m->replay_delay_s)) {
			snprintf(age, sizeof(age), ", replay delay ");
			fmt_age(m->replay_delay_s, age + strlen(age),
				sizeof(age) - strlen(age));
		}
		f = rules_list_add(fl, HEALTH_WARN, "pg-replay-paused",
				   "WAL replay is paused on this standby "
				   "(pg_wal_replay_resume() resumes it)%s",
				   age);
		rules_finding_measure(f, "replay delay", m->replay_delay_s,
				      NAN, UNIT_SECONDS);
	}
	if (!isnan(m->replay_delay_s) && m->replay_delay_s > ws) {
		double th = m->replay_delay_s > cs ? cs : ws;

		f = rules_list_add(fl, m->replay_delay_s > cs ? HEALTH_CRIT :
				   HEALTH_WARN, "pg-replay-delay",
				   "this standby replays %s behind its "
				   "primary", rules_fmt_cmp(UNIT_SECONDS,
							   m->replay_delay_s,
							   ">", th, cmp,
							   sizeof(cmp)));
		rules_finding_measure(f, "replay delay", m->replay_delay_s, th,
				      UNIT_SECONDS);
	}
}

void
pg_findings(const struct snapshot *s, const struct pg_model *m,
	    void **history, struct rules_list *fl)
{
	size_t i;

	blocked_findings(s, m, fl);
	conns_finding(m, fl);
	idle_finding(s, m, fl);
	long_query_finding(s, m, fl);
	for (i = 0; i < m->n_replicas; i++) {
		replica_lag_finding(&m->replicas[i], fl);
	}
	standby_findings(m, fl);
	if (history != NULL) {
		if (*history == NULL) {
			*history = xcalloc(1, sizeof(struct pg_history));
		}
		replicas_gone(*history, m, fl);
	}
}

void
pg_findings_history_free(void *h)
{
	pg_history_free(h);
}

/* ---- cleared ------------------------------------------------------------- */

static double
cleared_blocked(const struct pg_model *m, int pid, char *buf, size_t n)
{
	const struct pg_session *b = session_of(m, pid);
	int behind = pg_locks_behind(m, pid);
	char wait[32];

	if (b == NULL && behind == 0) {
		snprintf(buf, n, "no session waits behind pid %d, which has "
			 "ended (%d waiting for locks in all)", pid,
			 m->locks.n_waiting);
	} else if (behind == 0) {
		snprintf(buf, n, "no session waits behind pid %d (%s now)",
			 pid, b->state[0] ? b->state : "state unknown");
	} else {
		snprintf(buf, n, "%d session%s behind pid %d, longest wait %s",
			 behind, behind == 1 ? "" : "s", pid,
			 fmt_age(nan_zero(m->locks.longest_wait_s), wait,
				 sizeof(wait)));
	}
	return behind;
}

static double
cleared_long(const struct pg_model *m, char *buf, size_t n)
{
	double longest = 0, th = long_query_s(m);
	char a[32], b[32];
	size_t i;

	for (i = 0; i < m->n_sessions; i++) {
		if (running_long(m, &m->sessions[i]) &&
		    m->sessions[i].query_s > longest) {
			longest = m->sessions[i].query_s;
		}
	}
	snprintf(buf, n, "no query running longer than %s (longest now %s)",
		 fmt_age(th, a, sizeof(a)), fmt_age(longest, b, sizeof(b)));
	return longest;
}

static double
cleared_replica(const struct pg_model *m, const char *name, bool gone,
		char *buf, size_t n)
{
	const struct pg_replica *r = replica_find(m, name);
	char lag[32], bytes[32];

	if (r == NULL) {
		snprintf(buf, n, "replica %s no longer listed", name);
		return NAN;
	}
	if (gone) {
		snprintf(buf, n, "replica %s connected again (%s)", name,
			 r->state[0] ? r->state : "state unknown");
		return 1;
	}
	snprintf(buf, n, "replica %s replay lag %s, %s behind", name,
		 isnan(r->replay_lag_s) ? "none" :
		 fmt_age(r->replay_lag_s, lag, sizeof(lag)),
		 isnan(r->replay_lag_bytes) ? "unknown" :
		 rules_fmt_unit(UNIT_BYTES, r->replay_lag_bytes, bytes,
				sizeof(bytes)));
	return !isnan(r->replay_lag_bytes) ? r->replay_lag_bytes : r->replay_lag_s;
}

double
pg_cleared(const struct snapshot *s, const char *key, char *buf, size_t n)
{
	const struct pg_model *m = snapshot_pg(s);
	double used;
	char a[32];

	if (m == NULL) {
		return NAN;
	}
	if (strncmp(key, "pg-blocked:", 11) == 0) {
		return cleared_blocked(m, atoi(key + 11), buf, n);
	}
	if (strcmp(key, "pg-cycle") == 0) {
		snprintf(buf, n, "no lock cycle (%d waiting for locks)",
			 m->locks.n_waiting);
		return 0;
	}
	if (strcmp(key, "pg-conns") == 0) {
		used = conns_used(m);
		snprintf(buf, n, "connections at %s of max_connections "
			 "(%.0f/%.0f)", rules_fmt_unit(UNIT_RATIO, used /
						       m->max_connections, a,
						       sizeof(a)),
			 used, m->max_connections);
		return used / m->max_connections;
	}
	if (strcmp(key, "pg-idle-xact") == 0) {
		snprintf(buf, n, "no session idle in transaction for more "
			 "than %s", fmt_limit(rules_threshold(
				 TH_PG_IDLE_XACT_WARN_S), a, sizeof(a)));
		return nan_zero(m->oldest_idle_xact_s);
	}
	if (strcmp(key, "pg-long-query") == 0) {
		return cleared_long(m, buf, n);
	}
	if (strncmp(key, "pg-replica-lag:", 15) == 0) {
		return cleared_replica(m, key + 15, false, buf, n);
	}
	if (strncmp(key, "pg-replica-gone:", 16) == 0) {
		return cleared_replica(m, key + 16, true, buf, n);
	}
	if (strcmp(key, "pg-replay-paused") == 0) {
		snprintf(buf, n, "WAL replay resumed");
		return nan_zero(m->replay_delay_s);
	}
	if (strcmp(key, "pg-replay-delay") == 0) {
		snprintf(buf, n, "replay delay %s",
			 fmt_age(nan_zero(m->replay_delay_s), a, sizeof(a)));
		return nan_zero(m->replay_delay_s);
	}
	return NAN;
}
