/* The database kind (PostgreSQL): the lock graph (core/kind_pg_locks.c)
 * and the findings (core/kind_pg_findings.c) derived at publish, the
 * session actions with their input, and what a confirmation says of a
 * session from the snapshot it was confirmed against. Pure functions: any
 * thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/rules_internal.h"
#include "core/sanitize.h"
#include "core/xalloc.h"

/* Query text shown in a confirmation, in bytes before sanitizing. */
#define DESCRIBE_QUERY_MAX 200

bool
pg_is_idle_xact(const char *state)
{
	return strncmp(state, "idle in transaction", 19) == 0;
}

static void
pg_derive(struct snapshot *s, struct derive *d)
{
	struct pg_model *m = s->data;

	pg_locks_derive(s, m);
	pg_findings(s, m, d->history, d->findings);
}

/* ---- what a confirmation says of a session ---------------------------- */

/* Query text for one line of a dialog: whitespace runs become one space,
 * cut, then sanitized. */
static void
one_line(char *dst, size_t n, const char *q)
{
	char flat[DESCRIBE_QUERY_MAX + 4];
	size_t k = 0;
	bool space = false;

	for (; *q != '\0' && k < DESCRIBE_QUERY_MAX; q++) {
		if (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r') {
			space = k > 0;
			continue;
		}
		if (space) {
			flat[k++] = ' ';
			space = false;
		}
		flat[k++] = *q;
	}
	if (*q != '\0') {
		memcpy(flat + k, "...", 3);
		k += 3;
	}
	sanitize_into(dst, n, flat, k);
}

void
pg_describe_backend(const struct action_req *req, bool cancel, char *buf,
		    size_t n)
{
	const struct pg_model *m = req->snap != NULL ? snapshot_pg(req->snap)
						     : NULL;
	int pid = req->target.u.pg.pid;
	int64_t start_us = req->target.u.pg.backend_start_us;
	const struct pg_session *s = pg_session_find(m, pid, start_us);
	char when[32], age[64], text[DESCRIBE_QUERY_MAX * 4 + 16];
	int waiting;
	bool idle;

	clock_format_utc(start_us / 1000, 0, when, sizeof(when));
	if (s == NULL) {
		strappendf(buf, n, "target: pid %d, backend started %s (not in "
			   "the latest poll)\n", pid, when);
		return;
	}
	sanitize_into(text, sizeof(text), s->user, strlen(s->user));
	strappendf(buf, n, "target: pid %d, user %s", pid, text);
	sanitize_into(text, sizeof(text), s->db, strlen(s->db));
	strappendf(buf, n, ", db %s", text);
	if (s->app[0] != '\0') {
		sanitize_into(text, sizeof(text), s->app, strlen(s->app));
		strappendf(buf, n, ", application %s", text);
	}
	if (s->client[0] != '\0') {
		sanitize_into(text, sizeof(text), s->client,
			      strlen(s->client));
		strappendf(buf, n, ", client %s", text);
	}
	strappendf(buf, n, ", backend started %s\n", when);
	sanitize_into(text, sizeof(text), s->state, strlen(s->state));
	strappendf(buf, n, "state: %s", text[0] ? text : "unknown");
	idle = strncmp(s->state, "idle", 4) == 0;
	if (idle && !isnan(s->state_s)) {
		/* Nothing is running: the query shown is its last, finished
		 * one, and how long it has sat idle is what matters. */
		clock_format_duration((int64_t)(s->state_s * 1000), age,
				      sizeof(age));
		strappendf(buf, n, " for %s", age);
	} else if (!idle && !isnan(s->query_s)) {
		clock_format_utc(req->snap->taken_ms -
				 (int64_t)(s->query_s * 1000), 0, when,
				 sizeof(when));
		clock_format_duration((int64_t)(s->query_s * 1000), age,
				      sizeof(age));
		strappendf(buf, n, ", query started %s (%s before the poll)",
			   when, age);
	}
	if (!isnan(s->xact_s)) {
		clock_format_duration((int64_t)(s->xact_s * 1000), age,
				      sizeof(age));
		strappendf(buf, n, ", transaction open %s", age);
	}
	strappendf(buf, n, "\n");
	one_line(text, sizeof(text), s->query);
	strappendf(buf, n, "%s: %s\n", idle ? "last query (finished)" :
		   "query", text[0] ? text : "(none)");
	waiting = pg_locks_behind(m, pid);
	if (waiting > 0) {
		strappendf(buf, n, "%d session%s queued behind it\n",
			   waiting, waiting == 1 ? " is" : "s are");
	}
	if (cancel && pg_is_idle_xact(s->state)) {
		strappendf(buf, n, "pid %d is idle in transaction: cancel will "
			   "not release its locks; terminate (T) does.\n",
			   pid);
	}
}

/* ---- actions ------------------------------------------------------------- */

int
pg_parse_minutes(const char *s, char *mins, size_t n, struct err *err)
{
	const char *p;
	char *end;
	int dots = 0, digits = 0;
	double v;

	while (*s == ' ') {
		s++;
	}
	for (p = s; *p != '\0' && *p != ' '; p++) {
		if (*p == '.') {
			dots++;
		} else if (*p >= '0' && *p <= '9') {
			digits++;
		} else {
			break;
		}
	}
	while (*p == ' ') {
		p++;
	}
	if (*p == '\0' && dots <= 1 && digits > 0 && digits <= 9) {
		v = strtod(s, &end);
		if (v > 0 && v <= PG_IDLE_MINUTES_MAX) {
			snprintf(mins, n, "%g", v);
			return 0;
		}
	}
	return err_set(err, "minutes must be a number greater than 0 and at "
		       "most %d", PG_IDLE_MINUTES_MAX);
}

static int
check_minutes(const char *arg, struct err *err)
{
	char mins[32];

	return pg_parse_minutes(arg, mins, sizeof(mins), err);
}

const struct action_spec action_pg_cancel = {
	.name = "cancel",
	.label = "Cancel query",
	.hint = "cancel",
	.key = 'C',
	.target = TARGET_PG_BACKEND,
	.destructive = true,
	.mitigation = true,
};

const struct action_spec action_pg_terminate = {
	.name = "terminate",
	.label = "Terminate session",
	.hint = "terminate",
	.key = 'T',
	.target = TARGET_PG_BACKEND,
	.destructive = true,
	.mitigation = true,
};

const struct action_spec action_pg_terminate_idle = {
	.name = "terminate-idle",
	.label = "Terminate idle-in-transaction sessions",
	.hint = "kill idle-in-tx",
	.key = 'I',
	.target = TARGET_SOURCE,
	.destructive = true,
	.mitigation = true,
	.input = "Minutes",
	.check_input = check_minutes,
};

static const struct action_spec *const pg_actions[] = {
	&action_pg_cancel,
	&action_pg_terminate,
	&action_pg_terminate_idle,
	NULL,
};

const struct kind_desc kind_pg = {
	.kind = SNAP_PG,
	.name = "database",
	.title = "Database",
	.abbrev = "pg",
	.aliases = (const char *const[]){ "db", "postgres", "postgresql", NULL },
	.derive = pg_derive,
	.cleared = pg_cleared,
	.history_free = pg_findings_history_free,
	.actions = pg_actions,
};
