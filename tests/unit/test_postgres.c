/* The PostgreSQL probe's pieces that need no server: libpq messages made
 * fit for a person (and free of passwords), typed session targets, blocker
 * arrays, timeouts, the action table, and the action texts built without a
 * server from the snapshot a request carries. The probe against a real
 * server (and warroom's own session refused): tests/integration. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <string.h>

#include "build-config.h"
#include "core/config.h"
#include "core/kind.h"
#include "core/rules.h"
#include "core/snapshot.h"
#include "probes/postgres.h"

/* Without libpq only the stand-in ops exist. */
#if HAVE_LIBPQ

/* Parameters are copied into each test's process, so they hold arrays. */
struct msg_case {
	char in[200];
	char secret[16];
	char where[40];
	char want[100];
};

ParameterizedTestParameters(postgres, clean_message)
{
	static struct msg_case cases[] = {
		{ "connection to server at \"127.0.0.1\", port 5999 failed: "
		  "Connection refused\n\tIs the server running on that host "
		  "and accepting TCP/IP connections?\n",
		  "", "127.0.0.1:5999",
		  "connection refused (127.0.0.1:5999)" },
		{ "connection to server at \"db1\" (10.0.0.5), port 5432 "
		  "failed: FATAL:  password authentication failed for user "
		  "\"app\"\n", "", "db1:5432",
		  "password authentication failed for user \"app\" "
		  "(db1:5432)" },
		{ "connection to server on socket \"/run/pg/.s.PGSQL.5432\" "
		  "failed: No such file or directory\n", "",
		  "/run/pg/.s.PGSQL.5432",
		  "no such file or directory (/run/pg/.s.PGSQL.5432)" },
		{ "server closed the connection unexpectedly\n\tThis probably "
		  "means the server terminated abnormally\n", "", "h:1",
		  "server closed the connection unexpectedly (h:1)" },
		{ "ERROR:  canceling statement due to statement timeout\n",
		  "", "", "canceling statement due to statement timeout" },
		{ "SSL SYSCALL error: EOF detected", "", "h:1",
		  "SSL SYSCALL error: EOF detected (h:1)" },
		{ "invalid connection option password=hunter22 here", "",
		  "", "invalid connection option password=******** here" },
		{ "bad value 'hunter22' for option", "hunter22", "",
		  "bad value '********' for option" },
		{ "", "", "h:1", "unknown error (h:1)" },
	};

	return cr_make_param_array(struct msg_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct msg_case *c, postgres, clean_message)
{
	char out[ERR_MSG_MAX];

	pgc_clean_message(c->in, c->secret[0] ? c->secret : NULL, c->where,
			  out, sizeof(out));
	cr_assert_str_eq(out, c->want);
}

/* A request for the action called name on a typed session target. */
static void req_for(struct action_req *req, const char *name, int pid,
		    int64_t start_us);
static struct snapshot *model(const char *query, const char *state);

Test(postgres, typed_target)
{
	struct action_req req;
	struct snapshot *s = model("SELECT 1", "active");
	char buf[2048], result[256];
	struct err err = { { 0 } };
	static const struct {
		enum target_type type;
		int pid;
	} bad[] = {
		{ TARGET_PG_BACKEND, 0 },
		{ TARGET_PG_BACKEND, -3 },
		{ TARGET_SOURCE, 4242 },
		{ TARGET_REDIS_CLIENT, 4242 },
	};
	size_t i;

	/* pid and backend start, as the pane sets them, name the session. */
	req_for(&req, "terminate", 4242, 1795000000123456LL);
	cr_assert_eq(req.target.type, TARGET_PG_BACKEND);
	cr_assert_eq(req.target.u.pg.pid, 4242);
	cr_assert_eq(req.target.u.pg.backend_start_us, 1795000000123456LL);
	action_req_set_snap(&req, s);
	req.impl->describe(&req, buf, sizeof(buf));
	cr_assert(strstr(buf, "SELECT pg_terminate_backend(4242);\n") == buf,
		  "%s", buf);
	cr_assert(strstr(buf, "backend started 2026-11-18 11:06:40Z (not in "
			 "the latest poll)") != NULL, "%s", buf);
	req_for(&req, "cancel", 7, 0);
	cr_assert_eq(req.target.u.pg.backend_start_us, 0);

	/* A target that is not a session is refused before any connection
	 * (there is no section: connecting would fail otherwise). */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		req_for(&req, "cancel", bad[i].pid, 1);
		req.target.type = bad[i].type;
		err_clear(&err);
		cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err),
			     -1);
		cr_assert_str_eq(err.msg, "no session selected");
		err_clear(&err);
		cr_assert_eq(req.impl->preview(&req, buf, sizeof(buf), &err),
			     -1);
		cr_assert_str_eq(err.msg, "no session selected");
	}
	/* A good target gets as far as the connection. */
	req_for(&req, "terminate", 4242, 1);
	cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err), -1);
	cr_assert_str_eq(err.msg, "postgres.u: no configuration for this "
			 "source");
	action_req_clear(&req);
	snapshot_unref(s);
}

Test(postgres, parse_pids)
{
	int out[4];

	cr_assert_eq(pgc_parse_pids("{}", out, 4), 0);
	cr_assert_eq(pgc_parse_pids("", out, 4), 0);
	cr_assert_eq(pgc_parse_pids(NULL, out, 4), 0);
	cr_assert_eq(pgc_parse_pids("{4242}", out, 4), 1);
	cr_assert_eq(out[0], 4242);
	cr_assert_eq(pgc_parse_pids("{1,22,333}", out, 4), 3);
	cr_assert_eq(out[2], 333);
	/* Only as many as fit. */
	cr_assert_eq(pgc_parse_pids("{1,2,3,4,5,6}", out, 4), 4);
	cr_assert_eq(out[3], 4);
}

Test(postgres, fmt_timeout)
{
	char b[32];

	pgc_fmt_timeout(5000, b, sizeof(b));
	cr_assert_str_eq(b, "5s");
	pgc_fmt_timeout(1500, b, sizeof(b));
	cr_assert_str_eq(b, "1.5s");
	pgc_fmt_timeout(250, b, sizeof(b));
	cr_assert_str_eq(b, "250ms");
	pgc_fmt_timeout(1234, b, sizeof(b));
	cr_assert_str_eq(b, "1234ms");
}

static const struct action_impl *
action(const char *name)
{
	const struct action_impl *d;

	for (d = postgres_actions; d->spec != NULL; d++) {
		if (strcmp(d->spec->name, name) == 0) {
			return d;
		}
	}
	cr_assert_fail("no action %s", name);
	return NULL;
}

Test(postgres, action_table)
{
	cr_assert_eq(action("cancel")->spec->key, 'C');
	cr_assert_eq(action("terminate")->spec->key, 'T');
	cr_assert_eq(action("terminate-idle")->spec->key, 'I');
	cr_assert_str_eq(action("terminate-idle")->spec->input, "Minutes");
	cr_assert(action("cancel")->spec->destructive);
	cr_assert(action("terminate")->spec->destructive);
	cr_assert(action("terminate-idle")->spec->destructive);
	/* The kind's specs, shared with the demo. */
	cr_assert_eq(action("cancel")->spec, &action_pg_cancel);
	cr_assert_eq(action("terminate")->spec, &action_pg_terminate);
	cr_assert_eq(action("terminate-idle")->spec,
		     &action_pg_terminate_idle);
	cr_assert_eq(action("cancel")->spec->target, TARGET_PG_BACKEND);
	cr_assert_eq(action("terminate")->spec->target, TARGET_PG_BACKEND);
	cr_assert_eq(action("terminate-idle")->spec->target, TARGET_SOURCE);
	cr_assert_eq(action_impl_by_key(postgres_actions, 'T'),
		     action("terminate"));
	cr_assert_eq(postgres_probe_ops.actions, postgres_actions);
	cr_assert_eq(postgres_probe_ops.kind, SNAP_PG);
	cr_assert_str_eq(postgres_probe_ops.config.name, "postgres");
}

/* A derived snapshot of "postgres.u" with two sessions: 4242 and 4301
 * queued behind it. */
static struct snapshot *
model(const char *query, const char *state)
{
	struct snapshot *s = snapshot_new(SNAP_PG, "postgres.u");
	struct pg_model *m = snapshot_alloc(s, sizeof(*m));
	struct pg_session *x = snapshot_alloc(s, 2 * sizeof(*x));

	x[0].pid = 4242;
	x[0].user = "billing";
	x[0].db = "orders";
	x[0].client = "10.0.0.5:51234";
	x[0].app = "billing-worker";
	x[0].state = state;
	x[0].wait_event = "";
	x[0].query = query;
	x[0].backend_start_us = 1795000000000000LL;
	x[0].query_s = 30;
	x[0].xact_s = 31;
	x[0].lock_mode = "";
	x[0].lock_rel = "";
	x[0].wait_s = NAN;
	x[0].state_s = 25;
	x[1] = x[0];
	x[1].pid = 4301;
	x[1].blocked_by = snapshot_alloc(s, sizeof(int));
	x[1].blocked_by[0] = 4242;
	x[1].n_blocked_by = 1;
	m->sessions = x;
	m->n_sessions = 2;
	m->max_connections = NAN;
	m->conns_active = NAN;
	m->conns_idle = NAN;
	m->conns_idle_xact = NAN;
	m->conns_other = NAN;
	m->oldest_idle_xact_s = NAN;
	m->notice = "";
	s->data = m;
	/* As published: the lock graph is derived. */
	rules_derive(s);
	return s;
}

static void
req_for(struct action_req *req, const char *name, int pid, int64_t start_us)
{
	memset(req, 0, sizeof(*req));
	req->impl = action(name);
	strcpy(req->source, "postgres.u");
	req->target.type = ACTION_SPEC(req)->target;
	if (req->target.type == TARGET_PG_BACKEND) {
		req->target.u.pg.pid = pid;
		req->target.u.pg.backend_start_us = start_us;
		snprintf(req->target.label, sizeof(req->target.label),
			 "pid %d", pid);
	}
}

Test(postgres, describe_without_a_server)
{
	struct action_req req;
	struct snapshot *s;
	char buf[2048];

	s = model("UPDATE accounts\n\tSET x = 1 /* \x1b[2J */", "active");
	req_for(&req, "terminate", 4242, 1795000000000000LL);
	action_req_set_snap(&req, s);
	req.impl->describe(&req, buf, sizeof(buf));
	cr_assert(strstr(buf, "SELECT pg_terminate_backend(4242);\n") == buf,
		  "%s", buf);
	cr_assert(strstr(buf, "target: pid 4242, user billing, db orders, "
			 "application billing-worker, client 10.0.0.5:51234, "
			 "backend started 2026-11-18 11:06:40Z") != NULL, "%s",
		  buf);
	cr_assert(strstr(buf, "state: active, query started ") != NULL, "%s",
		  buf);
	cr_assert(strstr(buf, "(30s before the poll), transaction open 31s\n")
		  != NULL, "%s", buf);
	/* One line, escapes shown, never sent to the terminal. */
	cr_assert(strstr(buf, "query: UPDATE accounts SET x = 1 /* "
			 "\\x1b[2J */\n") != NULL, "%s", buf);
	cr_assert(strstr(buf, "1 session is queued behind it") != NULL, "%s",
		  buf);
	cr_assert(strstr(buf, "Terminate closes the whole session, not just "
			 "the query") != NULL, "%s", buf);

	/* Another backend with the same pid: not described as the same. */
	req_for(&req, "terminate", 4242, 1795000000000001LL);
	req.impl->describe(&req, buf, sizeof(buf));
	cr_assert(strstr(buf, "not in the latest poll") != NULL, "%s", buf);
	action_req_clear(&req);
	snapshot_unref(s);

	req_for(&req, "cancel", 4242, 1795000000000000LL);
	s = model("UPDATE t SET v = 1", "idle in transaction");
	action_req_set_snap(&req, s);
	req.impl->describe(&req, buf, sizeof(buf));
	cr_assert(strstr(buf, "SELECT pg_cancel_backend(4242);") == buf);
	cr_assert(strstr(buf, "cancel will not release its locks") != NULL,
		  "%s", buf);
	/* Idle: how long, and its last query is not said to be running. */
	cr_assert(strstr(buf, "state: idle in transaction for 25s, "
			 "transaction open 31s\n") != NULL, "%s", buf);
	cr_assert(strstr(buf, "last query (finished): UPDATE t SET v = 1\n")
		  != NULL, "%s", buf);
	cr_assert(strstr(buf, "query started") == NULL, "%s", buf);

	/* Not a session: the text says so instead of naming a pid. */
	req.target.type = TARGET_SOURCE;
	req.target.u.pg.pid = 0;
	req.impl->describe(&req, buf, sizeof(buf));
	cr_assert(strstr(buf, "no session selected") != NULL, "%s", buf);
	action_req_clear(&req);
	snapshot_unref(s);
}

Test(postgres, describe_without_a_snapshot)
{
	struct action_req req;
	char buf[2048];

	/* What the request was confirmed against is all describe() reads. */
	req_for(&req, "terminate", 4242, 1795000000000000LL);
	cr_assert_null(req.snap);
	req.impl->describe(&req, buf, sizeof(buf));
	cr_assert(strstr(buf, "SELECT pg_terminate_backend(4242);\n") == buf,
		  "%s", buf);
	cr_assert(strstr(buf, "not in the latest poll") != NULL, "%s", buf);
	cr_assert(strstr(buf, "queued behind") == NULL, "%s", buf);
}

Test(postgres, idle_minutes_are_checked)
{
	struct action_req req;
	struct snapshot *s;
	char buf[2048], result[256], mins[32];
	struct err err = { { 0 } };
	static const char *const bad[] = { "", "0", "-1", "abc", "1.2.3",
					   "10081", "5m", NULL };
	size_t i;

	s = model("SELECT 1", "idle in transaction");
	req_for(&req, "terminate-idle", 0, 0);
	cr_assert_eq(req.target.type, TARGET_SOURCE);
	action_req_set_snap(&req, s);
	strcpy(req.arg, " 10 ");
	req.impl->describe(&req, buf, sizeof(buf));
	cr_assert(strstr(buf, "state_change < now() - 10 * interval "
			 "'1 minute' AND pid <> pg_backend_pid();") != NULL,
		  "%s", buf);
	cr_assert(strstr(buf, "pid 4242 (billing, transaction open 31s)")
		  != NULL, "%s", buf);
	for (i = 0; bad[i] != NULL; i++) {
		strcpy(req.arg, bad[i]);
		cr_assert_eq(req.impl->run(&req, result, sizeof(result), &err),
			     -1, "'%s' accepted", bad[i]);
		cr_assert(strstr(err.msg, "minutes must be a number") != NULL,
			  "%s", err.msg);
		/* The spec refuses it before the confirmation opens. */
		err_clear(&err);
		cr_assert_eq(ACTION_SPEC(&req)->check_input(bad[i], &err), -1,
			     "'%s' accepted", bad[i]);
		cr_assert_str_eq(err.msg, "minutes must be a number greater "
				 "than 0 and at most 10080");
	}
	/* Decimals, as the demo takes them too. */
	cr_assert_eq(ACTION_SPEC(&req)->check_input(" 0.5 ", &err), 0);
	cr_assert_eq(pg_parse_minutes("0.5", mins, sizeof(mins), &err), 0);
	cr_assert_str_eq(mins, "0.5");
	cr_assert_eq(pg_parse_minutes(" 10 ", mins, sizeof(mins), &err), 0);
	cr_assert_str_eq(mins, "10");
	cr_assert_eq(pg_parse_minutes("10080", mins, sizeof(mins), &err), 0);
	action_req_clear(&req);
	snapshot_unref(s);
}

Test(postgres, open_needs_a_good_section)
{
	struct config cfg = { 0 };
	struct config_section *sec = config_add_section(&cfg, "postgres.bad");
	struct err err = { { 0 } };

	config_section_set(sec, "long_query", "5s");
	sec->timeout_ms = 1000;
	cr_assert_null(pg_probe_new(sec, NULL, &err));
	cr_assert_str_eq(err.msg, "missing required key 'dsn' in "
			 "[postgres.bad]");
	config_section_set(sec, "dsn", "host=x");
	config_section_set(sec, "password_file", "/nonexistent/pw");
	{
		struct pg_probe *pp = pg_probe_new(sec, NULL, &err);
		struct snapshot *s = snapshot_new(SNAP_PG, "postgres.bad");

		cr_assert_not_null(pp);
		cr_assert_eq(pg_probe_poll(pp, s, &err), -1);
		/* The path is configuration: not repeated. */
		cr_assert_str_eq(err.msg, "cannot read password_file: No such "
				 "file or directory");
		snapshot_unref(s);
		pg_probe_free(pp);
	}
	config_finish(&cfg);
}

#else /* !HAVE_LIBPQ */

Test(postgres, not_built_in)
{
	cr_assert_null(postgres_probe_ops.open);
	cr_assert_str_eq(postgres_probe_ops.unavailable,
			 "PostgreSQL support not built in");
	cr_assert_eq(postgres_probe_ops.kind, SNAP_PG);
}

#endif /* HAVE_LIBPQ */
