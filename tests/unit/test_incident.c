/* Tests for the incident record: ids, status and severity changes, resume,
 * timers and escalations under the fake clock, the action gate and the
 * timeline wiring. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/incident.h"
#include "core/kind.h"
#include "core/rules.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "tests/unit/incident_fixture.h"
#include "tests/unit/journal_fixture.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
/* 2026-11-22 10:00:00 UTC, a Sunday. */
#define T0 1795341600000LL

static char root[64];
static char dir[160];

static void
setup(void)
{
	journal_fixture_mkdir(root, sizeof(root), "incident-test");
	snprintf(dir, sizeof(dir), "%s/state/warroom/incidents", root);
	clock_set_fake(1000, T0);
}

static void
teardown(void)
{
	clock_set_real();
	journal_fixture_rm(root);
}

TestSuite(incident, .init = setup, .fini = teardown, .timeout = 30);

static struct incident *
declare(const char *title, enum incident_sev sev)
{
	struct err err;
	struct incident *inc = incident_declare(dir, title, sev, "alice",
						NULL, &err);

	cr_assert_not_null(inc, "%s", err.msg);
	return inc;
}

/* Records of the incident's journal file, after a flush. */
static size_t
file_records(struct incident *inc, struct journal_rec **recs)
{
	struct err err;
	size_t n;

	cr_assert_eq(journal_flush(incident_journal(inc)), 0);
	cr_assert_eq(journal_load(journal_path(incident_journal(inc)), recs,
				  &n, NULL, &err), 0, "%s", err.msg);
	return n;
}

/* A request for spec on source, target label target, by alice, for the
 * action gate. */
static struct action_req
gate_req(const struct action_impl *impl, const char *source,
	 const char *target)
{
	struct action_req req;

	memset(&req, 0, sizeof(req));
	req.impl = impl;
	strlcpy_safe(req.source, source, sizeof(req.source));
	strlcpy_safe(req.target.label, target, sizeof(req.target.label));
	strlcpy_safe(req.who, "alice", sizeof(req.who));
	return req;
}

static const struct action_impl flushdb = { .spec = &action_redis_flushdb };
static const struct action_impl client_kill = {
	.spec = &action_redis_client_kill,
};
static const struct action_impl terminate = {
	.spec = &action_pg_terminate,
};
static const struct action_impl silence = { .spec = &action_silence };

static size_t
count_event(const struct journal_rec *recs, size_t n, const char *event)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		k += recs[i].event != NULL && strcmp(recs[i].event, event) == 0;
	}
	return k;
}

/* ---- ids --------------------------------------------------------------- */

Test(incident, ids_count_per_day_in_the_directory)
{
	struct incident *a, *b, *c;
	struct stat st;
	char p[256];

	a = declare("first", INCIDENT_P1);
	cr_assert_str_eq(incident_id(a), "INC-20261122-001");
	b = declare("second", INCIDENT_P2);
	cr_assert_str_eq(incident_id(b), "INC-20261122-002");
	clock_advance_fake(24 * HOUR);
	c = declare("next day", INCIDENT_P3);
	cr_assert_str_eq(incident_id(c), "INC-20261123-001");

	cr_assert_eq(stat(dir, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	snprintf(p, sizeof(p), "%s/INC-20261122-002.jsonl", dir);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	incident_close(a);
	incident_close(b);
	incident_close(c);
}

Test(incident, ids_continue_after_the_highest_in_the_directory)
{
	struct incident *inc;
	char p[256];
	FILE *f;

	incident_close(declare("make the dir", INCIDENT_P3));
	snprintf(p, sizeof(p), "%s/INC-20261122-007.jsonl", dir);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/INC-20261121-042.jsonl", dir);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fclose(f);
	inc = declare("after a gap", INCIDENT_P3);
	cr_assert_str_eq(incident_id(inc), "INC-20261122-008");
	incident_close(inc);
}

static void *
declare_eight(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 8; i++) {
		struct incident *inc = incident_declare(dir, "race",
							INCIDENT_P2, "x",
							NULL, NULL);

		if (inc == NULL) {
			return (void *)1;
		}
		incident_close(inc);
	}
	return NULL;
}

/* Racing declarations scan the same directory and try the same next
 * number: O_EXCL decides, as it does between processes. */
Test(incident, racing_declarations_never_share_an_id)
{
	char seen[20][24];
	size_t n = 0, i, k;
	struct dirent *de;
	pthread_t th[3];
	void *rc;
	int t;
	DIR *d;

	incident_close(declare("make the dir", INCIDENT_P3));
	for (t = 0; t < 2; t++) {
		pthread_create(&th[t], NULL, declare_eight, NULL);
	}
	for (t = 0; t < 2; t++) {
		pthread_join(th[t], &rc);
		cr_assert_null(rc);
	}
	d = opendir(dir);
	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.' && n < 20) {
			strlcpy_safe(seen[n++], de->d_name, sizeof(seen[0]));
		}
	}
	closedir(d);
	/* Each file holds exactly one declaration, its own. */
	cr_assert_eq(n, 17);
	for (i = 0; i < n; i++) {
		struct journal_rec *recs;
		char path[1024];
		size_t m;

		snprintf(path, sizeof(path), "%s/%s", dir, seen[i]);
		cr_assert_eq(journal_load(path, &recs, &m, NULL, NULL), 0);
		cr_assert_eq(count_event(recs, m, "declare"), 1, "%s",
			     seen[i]);
		cr_assert_eq(strncmp(recs[0].incident, seen[i], 16), 0);
		for (k = 0; k < i; k++) {
			cr_assert_str_neq(seen[k], seen[i]);
		}
		journal_recs_free(recs, m);
	}
}

struct id_case {
	char id[32];
	bool ok;
};

ParameterizedTestParameters(incident, id_valid)
{
	static struct id_case cases[] = {
		{ "INC-20261122-001", true },
		{ "INC-20261122-999", true },
		{ "INC-2026112-0001", false },
		{ "INC-20261122-01", false },
		{ "INC-20261122-0011", false },
		{ "inc-20261122-001", false },
		{ "INC-2026112a-001", false },
		{ "../../etc/passwd", false },
		{ "INC-20261122/001", false },
		{ "", false },
	};

	return cr_make_param_array(struct id_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct id_case *c, incident, id_valid)
{
	cr_assert_eq(incident_id_valid(c->id), c->ok, "%s", c->id);
}

Test(incident, default_dir_follows_xdg_state_home)
{
	char *d;

	setenv("XDG_STATE_HOME", "/srv/state", 1);
	d = incident_default_dir();
	cr_assert_str_eq(d, "/srv/state/warroom/incidents");
	free(d);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/alice", 1);
	d = incident_default_dir();
	cr_assert_str_eq(d, "/home/alice/.local/state/warroom/incidents");
	free(d);
}

Test(incident, commander_defaults_to_user)
{
	struct incident_info info;
	struct incident *inc;
	struct err err;

	setenv("USER", "carol", 1);
	inc = incident_declare(dir, "t", INCIDENT_P2, NULL, NULL, &err);
	cr_assert_not_null(inc, "%s", err.msg);
	incident_get(inc, &info);
	cr_assert_str_eq(info.commander, "carol");
	incident_info_finish(&info);
	incident_close(inc);
}

Test(incident, declare_refuses_bad_input)
{
	struct err err;

	cr_assert_null(incident_declare(dir, "", INCIDENT_P1, "a", NULL,
					&err));
	cr_assert_str_eq(err.msg, "an incident needs a title");
	cr_assert_null(incident_declare(dir, "t", (enum incident_sev)7, "a",
					NULL, &err));
	cr_assert_null(incident_declare("/proc/no/such/dir", "t", INCIDENT_P1,
					"a", NULL, &err));
	cr_assert_neq(strstr(err.msg, "cannot create"), NULL, "%s", err.msg);
}

/* ---- changes and resume ------------------------------------------------ */

Test(incident, changes_are_journaled_with_their_values)
{
	struct incident *inc = declare("API returning 500 errors",
				       INCIDENT_P2);
	struct incident_info info;
	struct journal_rec *recs;
	struct err err;
	size_t n;

	clock_advance_fake(5 * MIN);
	cr_assert_eq(incident_set_status(inc, INCIDENT_IDENTIFIED, "bob",
					 &err), 0);
	cr_assert_eq(incident_set_status(inc, INCIDENT_IDENTIFIED, "bob",
					 &err), -1);
	cr_assert_str_eq(err.msg, "INC-20261122-001 is already Identified");
	cr_assert_eq(incident_set_severity(inc, INCIDENT_P1, "bob", &err), 0);
	cr_assert_eq(incident_note(inc, "bob", "pool at 100/100", &err), 0);

	incident_get(inc, &info);
	cr_assert_eq(info.status, INCIDENT_IDENTIFIED);
	cr_assert_eq(info.severity, INCIDENT_P1);
	cr_assert_eq(info.declared_severity, INCIDENT_P2);
	cr_assert_eq(info.declared_ms, T0);
	cr_assert_eq(info.n_history, 2);
	cr_assert_eq(info.history[1].from, INCIDENT_INVESTIGATING);
	cr_assert_eq(info.history[1].to, INCIDENT_IDENTIFIED);
	cr_assert_eq(info.history[1].at_ms, T0 + 5 * MIN);
	cr_assert_str_eq(info.history[1].who, "bob");
	cr_assert_eq(info.update_every_ms, 30 * MIN);
	incident_info_finish(&info);

	n = file_records(inc, &recs);
	cr_assert_eq(n, 4);
	cr_assert_str_eq(recs[0].event, "declare");
	cr_assert_str_eq(recs[0].title, "API returning 500 errors");
	cr_assert_str_eq(recs[0].severity, "P2");
	cr_assert_str_eq(recs[0].commander, "alice");
	cr_assert_eq(recs[1].kind, TL_STATUS);
	cr_assert_str_eq(recs[1].status, "Identified");
	cr_assert_str_eq(recs[1].text, "Status: Investigating -> Identified");
	cr_assert_eq(recs[1].ts_ms, T0 + 5 * MIN);
	cr_assert_eq(recs[2].kind, TL_SEVERITY);
	cr_assert_str_eq(recs[2].severity, "P1");
	cr_assert_eq(recs[3].kind, TL_NOTE);
	cr_assert_str_eq(recs[3].who, "bob");
	journal_recs_free(recs, n);
	incident_close(inc);
}

Test(incident, resume_rebuilds_the_record_and_timeline)
{
	struct incident *inc = declare("Redis memory at 98%", INCIDENT_P1);
	struct journal_load_report rep;
	struct incident_info info;
	struct journal_rec *recs;
	struct timeline *tl;
	struct action_req flush = gate_req(&flushdb, "redis.cache", "db 0");
	struct action_req kill = gate_req(&client_kill, "redis.cache", "id=7");
	char id[24];
	struct err err;
	int64_t intent;
	size_t n, i, unknown = 0;

	strlcpy_safe(id, incident_id(inc), sizeof(id));
	clock_advance_fake(3 * MIN);
	incident_set_status(inc, INCIDENT_MITIGATING, "alice", &err);
	cr_assert_eq(incident_set_impact(inc, "alice", "cache misses, p99 at "
					 "2 s", &err), 0);
	cr_assert_eq(incident_set_security(inc, "alice", &err), 0);
	intent = incident_action_intent(inc, &flush, "FLUSHDB",
					"FLUSHDB on db 0", &err);
	cr_assert_gt(intent, 0, "%s", err.msg);
	cr_assert_eq(incident_action_result(inc, intent, &flush, ACTION_OK,
					    "OK", &err), 0);
	/* Killed here: an intent with no result. */
	cr_assert_gt(incident_action_intent(inc, &kill, "CLIENT KILL ID 7",
					    "Client kill on id=7", &err), 0);
	incident_close(inc);

	clock_advance_fake(10 * MIN);
	inc = incident_resume(dir, id, NULL, &err);
	cr_assert_not_null(inc, "%s", err.msg);
	incident_get(inc, &info);
	cr_assert_str_eq(info.id, id);
	cr_assert_str_eq(info.title, "Redis memory at 98%");
	cr_assert_eq(info.severity, INCIDENT_P1);
	cr_assert_eq(info.status, INCIDENT_MITIGATING);
	cr_assert_str_eq(info.commander, "alice");
	cr_assert_str_eq(info.impact, "cache misses, p99 at 2 s");
	cr_assert(info.security);
	cr_assert_eq(info.declared_ms, T0);
	cr_assert_eq(info.n_history, 2);
	incident_info_finish(&info);
	incident_load_report(inc, &rep);
	cr_assert_eq(rep.n_skipped, 0);

	tl = timeline_new(NULL, NULL);
	incident_attach(inc, tl, 0);
	for (i = 0; i < timeline_count(tl); i++) {
		const struct tl_entry *e = timeline_get(tl, i);

		unknown += strncmp(e->text, "Outcome unknown: Client kill",
				   28) == 0;
	}
	cr_assert_eq(unknown, 1);
	/* 8 records (with the resume) + 1 outcome-unknown entry. */
	cr_assert_eq(timeline_count(tl), 9);
	n = file_records(inc, &recs);
	cr_assert_eq(n, 8, "replayed entries are not journaled again");
	cr_assert_str_eq(recs[7].event, "resume");
	cr_assert_eq(recs[7].ts_ms, T0 + 13 * MIN);
	journal_recs_free(recs, n);
	incident_close(inc);
	timeline_free(tl);
}

/* A torn last line is moved aside and cut off: the next record starts on
 * a line of its own, right after the last whole one. */
Test(incident, resume_moves_a_torn_last_line_aside)
{
	static const char torn[] = "{\"v\":1,\"seq\":3,\"ts\":\"2026-11";
	struct incident *inc = declare("torn", INCIDENT_P2);
	struct journal_load_report rep;
	struct journal_rec *recs;
	char id[24], path[256], torn_path[280], buf[256], *got;
	struct err err;
	struct stat sb;
	size_t n, len;
	off_t whole;
	FILE *f;

	strlcpy_safe(id, incident_id(inc), sizeof(id));
	cr_assert_eq(incident_note(inc, "a", "last good record", &err), 0);
	incident_close(inc);
	snprintf(path, sizeof(path), "%s/%s.jsonl", dir, id);
	cr_assert_eq(stat(path, &sb), 0);
	whole = sb.st_size;
	f = fopen(path, "a");
	fputs(torn, f);
	fclose(f);

	inc = incident_resume(dir, id, NULL, &err);
	cr_assert_not_null(inc, "%s", err.msg);
	incident_load_report(inc, &rep);
	cr_assert(rep.torn_tail);
	snprintf(torn_path, sizeof(torn_path), "%s.torn", path);
	cr_assert_neq(strstr(rep.msg, "torn last line (28 bytes) was moved to"),
		      NULL, "%s", rep.msg);
	cr_assert_neq(strstr(rep.msg, torn_path), NULL, "%s", rep.msg);
	cr_assert(incident_healthy(inc, NULL, 0));

	/* The fragment, whole, in the .torn file, mode 0600. */
	cr_assert_eq(stat(torn_path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	f = fopen(torn_path, "r");
	cr_assert_not_null(f);
	got = fgets(buf, sizeof(buf), f);
	fclose(f);
	cr_assert_not_null(got);
	len = strlen(buf);
	cr_assert_str_eq(buf, "{\"v\":1,\"seq\":3,\"ts\":\"2026-11\n");
	(void)len;

	/* The resume record follows the last whole one directly: every line
	 * parses and nothing was skipped. */
	n = file_records(inc, &recs);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(recs[2].event, "resume");
	cr_assert_eq(recs[2].seq, 3);
	journal_recs_free(recs, n);
	{
		struct journal_load_report again;
		struct journal_rec *r2;
		size_t n2;

		cr_assert_eq(journal_load(path, &r2, &n2, &again, &err), 0);
		cr_assert_eq(again.n_skipped, 0, "%s", again.msg);
		cr_assert_not(again.torn_tail);
		journal_recs_free(r2, n2);
	}
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_gt(sb.st_size, whole);
	incident_close(inc);
}

Test(incident, resume_refuses_what_is_not_an_incident)
{
	struct err err;
	char path[256];
	FILE *f;

	cr_assert_null(incident_resume(dir, "../../etc/passwd", NULL, &err));
	cr_assert_neq(strstr(err.msg, "is not an incident id"), NULL);
	cr_assert_null(incident_resume(dir, "INC-20261122-005", NULL, &err));
	cr_assert_neq(strstr(err.msg, "No such file"), NULL, "%s", err.msg);
	incident_close(declare("dir", INCIDENT_P3));
	snprintf(path, sizeof(path), "%s/INC-20261122-005.jsonl", dir);
	f = fopen(path, "w");
	fputs("not json\n", f);
	fclose(f);
	cr_assert_null(incident_resume(dir, "INC-20261122-005", NULL, &err));
	cr_assert_neq(strstr(err.msg, "holds no declaration"), NULL);
}

/* ---- timers ------------------------------------------------------------ */

static struct incident_timers
timers_at(struct incident *inc, int64_t since_t0, size_t *emitted)
{
	struct incident_timers t;
	size_t e = incident_timers(inc, T0 + since_t0, &t);

	if (emitted != NULL) {
		*emitted = e;
	}
	return t;
}

Test(incident, p1_update_is_due_at_30_and_overdue_at_35_min)
{
	struct incident *inc = declare("p1", INCIDENT_P1);
	struct incident_timers t;

	t = timers_at(inc, 0, NULL);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_OK);
	cr_assert_eq(t.next_update_ms, T0 + 30 * MIN);
	cr_assert_eq(t.update_in_ms, 30 * MIN);
	t = timers_at(inc, 24 * MIN, NULL);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_OK);
	t = timers_at(inc, 25 * MIN, NULL);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_WARN);
	t = timers_at(inc, 30 * MIN - 1, NULL);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_WARN);
	t = timers_at(inc, 30 * MIN, NULL);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_CRIT);
	cr_assert_eq(t.update_in_ms, 0);
	t = timers_at(inc, 35 * MIN, NULL);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_CRIT);
	cr_assert_eq(t.update_in_ms, -5 * MIN);
	cr_assert_eq(t.elapsed_ms, 35 * MIN);
	cr_assert_eq(t.n_escalations, 0);

	/* Sending the update restarts the timer. */
	clock_set_fake(1000, T0 + 35 * MIN);
	cr_assert_eq(incident_mark_update_sent(inc, "alice", "slack", "text",
					       NULL), 0);
	t = timers_at(inc, 36 * MIN, NULL);
	cr_assert_eq(t.next_update_ms, T0 + 65 * MIN);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_OK);
	incident_close(inc);
}

Test(incident, p2_updates_daily_and_p3_as_needed)
{
	struct incident *p2 = declare("p2", INCIDENT_P2);
	struct incident *p3 = declare("p3", INCIDENT_P3);
	struct incident_timers t;

	t = timers_at(p2, HOUR, NULL);
	cr_assert_eq(t.next_update_ms, T0 + 24 * HOUR);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_OK);
	t = timers_at(p2, 24 * HOUR - 4 * MIN, NULL);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_WARN);
	t = timers_at(p2, 24 * HOUR + 1, NULL);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_CRIT);
	t = timers_at(p3, 48 * HOUR, NULL);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_NONE);
	cr_assert_eq(t.next_update_ms, 0);
	incident_close(p2);
	incident_close(p3);
}

Test(incident, p0_escalates_at_30_and_60_min_exactly_once)
{
	struct incident *inc = declare("p0", INCIDENT_P0);
	struct incident_timers t;
	struct journal_rec *recs;
	size_t e, n;
	struct err err;
	char id[24];

	strlcpy_safe(id, incident_id(inc), sizeof(id));
	t = timers_at(inc, 30 * MIN - 1, &e);
	cr_assert_eq(e, 0);
	cr_assert_eq(t.n_escalations, 0);
	t = timers_at(inc, 30 * MIN, &e);
	cr_assert_eq(e, 1);
	cr_assert_eq(t.n_escalations, 1);
	cr_assert(t.escalations[0].new_now);
	cr_assert_str_eq(t.escalations[0].to, "engineering manager");
	cr_assert_str_eq(t.escalations[0].text, "Escalate to engineering "
			 "manager: P0 incident open more than 30 min");
	t = timers_at(inc, 31 * MIN, &e);
	cr_assert_eq(e, 0);
	cr_assert_eq(t.n_escalations, 1);
	cr_assert_not(t.escalations[0].new_now);
	t = timers_at(inc, 60 * MIN, &e);
	cr_assert_eq(e, 1);
	cr_assert_eq(t.n_escalations, 2);
	cr_assert_str_eq(t.escalations[1].to, "CTO");
	cr_assert(t.escalations[1].new_now);
	timers_at(inc, 61 * MIN, &e);
	cr_assert_eq(e, 0);

	n = file_records(inc, &recs);
	cr_assert_eq(count_event(recs, n, "escalation"), 2);
	cr_assert_eq(recs[1].ts_ms, T0 + 30 * MIN);
	cr_assert_str_eq(recs[1].escalation, "P0@1800s:engineering manager");
	journal_recs_free(recs, n);
	incident_close(inc);

	/* Still exactly once after a restart. */
	inc = incident_resume(dir, id, NULL, &err);
	cr_assert_not_null(inc, "%s", err.msg);
	t = timers_at(inc, 90 * MIN, &e);
	cr_assert_eq(e, 0);
	cr_assert_eq(t.n_escalations, 2);
	incident_close(inc);
}

Test(incident, p1_escalates_at_2h_and_security_at_once)
{
	struct incident *inc = declare("p1", INCIDENT_P1);
	struct incident_timers t;
	size_t e;

	timers_at(inc, 2 * HOUR - 1, &e);
	cr_assert_eq(e, 0);
	t = timers_at(inc, 2 * HOUR, &e);
	cr_assert_eq(e, 1);
	cr_assert_str_eq(t.escalations[0].to, "engineering manager");
	cr_assert_eq(incident_set_security(inc, "alice", NULL), 0);
	t = timers_at(inc, 2 * HOUR + 1, &e);
	cr_assert_eq(e, 1);
	cr_assert_str_eq(t.escalations[1].text,
			 "Escalate to CTO: security incident");
	incident_close(inc);
}

Test(incident, each_person_is_asked_in_once)
{
	struct incident *inc = declare("breach", INCIDENT_P0);
	struct incident_timers t;
	size_t e;

	cr_assert_eq(incident_set_security(inc, "alice", NULL), 0);
	t = timers_at(inc, 0, &e);
	cr_assert_eq(e, 1);
	cr_assert_str_eq(t.escalations[0].to, "CTO");
	t = timers_at(inc, 30 * MIN, &e);
	cr_assert_eq(e, 1);
	cr_assert_eq(t.n_escalations, 2);
	/* Listed in policy order: the manager's rule comes first. */
	cr_assert_str_eq(t.escalations[0].to, "engineering manager");
	cr_assert(t.escalations[0].new_now);
	cr_assert_not(t.escalations[1].new_now);
	t = timers_at(inc, 60 * MIN, &e);
	cr_assert_eq(e, 0, "the CTO was already asked in");
	cr_assert_eq(t.n_escalations, 2);
	incident_close(inc);
}

Test(incident, resolved_stops_the_timers)
{
	struct incident *inc = declare("p0", INCIDENT_P0);
	struct incident_info info;
	struct incident_timers t;
	struct err err;
	size_t e;

	clock_set_fake(1000, T0 + 20 * MIN);
	cr_assert_eq(incident_set_status(inc, INCIDENT_RESOLVED, "a", &err),
		     0);
	t = timers_at(inc, 3 * HOUR, &e);
	cr_assert_eq(e, 0);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_NONE);
	cr_assert_eq(t.elapsed_ms, 20 * MIN);
	incident_get(inc, &info);
	cr_assert_eq(info.resolved_ms, T0 + 20 * MIN);
	incident_info_finish(&info);
	incident_close(inc);
}

Test(incident, policy_changes_the_timers)
{
	struct incident_policy pol;
	struct incident_timers t;
	struct incident *inc;
	struct err err;
	size_t e;

	incident_policy_default(&pol);
	cr_assert_eq(incident_policy_set(&pol, "update.p1", "15m", &err), 0);
	cr_assert_eq(incident_policy_set(&pol, "escalations",
					 "P1 10m team lead", &err), 0);
	inc = incident_declare(dir, "t", INCIDENT_P1, "a", &pol, &err);
	cr_assert_not_null(inc);
	t = timers_at(inc, 10 * MIN, &e);
	cr_assert_eq(t.next_update_ms, T0 + 15 * MIN);
	cr_assert_eq(t.update_state, INCIDENT_TIMER_WARN);
	cr_assert_eq(e, 1);
	cr_assert_str_eq(t.escalations[0].to, "team lead");
	incident_close(inc);
}

struct policy_case {
	char key[32];
	char value[96];
	bool ok;
};

ParameterizedTestParameters(incident, policy_set)
{
	static struct policy_case cases[] = {
		{ "response.p0", "10m", true },
		{ "response.P3", "next-business-day", true },
		{ "response.p2", "0", false },
		{ "response.p4", "1h", false },
		{ "update.p2", "1d", true },
		{ "update.p3", "none", true },
		{ "update.p1", "soon", false },
		{ "update_warn", "2m", true },
		{ "escalations", "P0 30m engineering manager; security 0 CTO",
		  true },
		{ "escalations", "any 4h VP of Engineering", true },
		{ "escalations", "P9 30m someone", false },
		{ "escalations", "P0 later someone", false },
		{ "escalations", "P0 30m", false },
		{ "colour", "red", false },
	};

	return cr_make_param_array(struct policy_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct policy_case *c, incident, policy_set)
{
	struct incident_policy pol, before;
	struct err err;

	incident_policy_default(&pol);
	before = pol;
	err_clear(&err);
	cr_assert_eq(incident_policy_set(&pol, c->key, c->value, &err) == 0,
		     c->ok, "%s = %s: %s", c->key, c->value, err.msg);
	if (!c->ok) {
		cr_assert_neq(err.msg[0], '\0');
		cr_assert_eq(memcmp(&pol, &before, sizeof(pol)), 0,
			     "a refused setting changed the policy");
	}
}

Test(incident, policy_defaults_follow_the_runbooks)
{
	struct incident_policy pol;

	incident_policy_default(&pol);
	cr_assert_eq(pol.response_ms[INCIDENT_P0], 15 * MIN);
	cr_assert_eq(pol.response_ms[INCIDENT_P1], HOUR);
	cr_assert_eq(pol.response_ms[INCIDENT_P2], 4 * HOUR);
	cr_assert_eq(pol.response_ms[INCIDENT_P3], INCIDENT_NEXT_BUSINESS_DAY);
	cr_assert_eq(pol.n_escalations, 4);
}

Test(incident, response_deadline_skips_weekends)
{
	struct incident_policy pol;
	/* Friday 2026-11-20 15:00 UTC. */
	int64_t fri = T0 - 2 * 24 * HOUR + 5 * HOUR;
	int64_t wed = fri - 2 * 24 * HOUR;
	int64_t tue_midnight = T0 - 10 * HOUR + 2 * 24 * HOUR;

	incident_policy_default(&pol);
	cr_assert_eq(incident_response_deadline(&pol, INCIDENT_P0, fri),
		     fri + 15 * MIN);
	/* Monday ends at Tuesday 00:00. */
	cr_assert_eq(incident_response_deadline(&pol, INCIDENT_P3, fri),
		     tue_midnight);
	cr_assert_eq(incident_response_deadline(&pol, INCIDENT_P3, wed),
		     wed - 15 * HOUR + 2 * 24 * HOUR);
	cr_assert_eq(incident_response_deadline(&pol, INCIDENT_P3, T0),
		     tue_midnight, "Sunday: the end of Monday");
}

Test(incident, names_parse_both_ways)
{
	int i;

	for (i = 0; i < INCIDENT_SEV_COUNT; i++) {
		cr_assert_eq(incident_sev_parse(incident_sev_name(i)), i);
	}
	for (i = 0; i < INCIDENT_STATUS_COUNT; i++) {
		cr_assert_eq(incident_status_parse(incident_status_name(i)), i);
	}
	cr_assert_eq(incident_sev_parse("SEV-2"), INCIDENT_P2);
	cr_assert_eq(incident_sev_parse("p4"), -1);
	cr_assert_eq(incident_status_parse("mitigating"), INCIDENT_MITIGATING);
	cr_assert_eq(incident_status_parse("done"), -1);
}

/* ---- action gate and timeline ------------------------------------------ */

Test(incident, action_gate_refuses_when_the_journal_fails)
{
	struct incident *inc = declare("gate", INCIDENT_P0);
	struct journal_rec *recs;
	struct action_req term = gate_req(&terminate, "postgres.main",
					  "pid=4242");
	struct action_req flush = gate_req(&flushdb, "redis.cache", "db 0");
	struct err err;
	char msg[ERR_MSG_MAX];
	int64_t seq;
	size_t n;

	seq = incident_action_intent(inc, &term,
				     "SELECT pg_terminate_backend(4242)",
				     "Terminate session on pid=4242", &err);
	cr_assert_gt(seq, 0, "%s", err.msg);
	cr_assert_eq(incident_action_result(inc, seq, &term, ACTION_FAILED,
					    "permission denied", &err), 0);
	n = file_records(inc, &recs);
	cr_assert_eq(n, 3);
	cr_assert_eq(recs[1].kind, TL_ACTION_INTENT);
	cr_assert_str_eq(recs[1].op, "SELECT pg_terminate_backend(4242)");
	cr_assert_eq(recs[1].mitigation, 1);
	cr_assert_str_eq(recs[1].action, "terminate");
	cr_assert_str_eq(recs[1].target, "pid=4242");
	cr_assert_eq(recs[2].intent_seq, (uint64_t)seq);
	cr_assert_eq(recs[2].ok, 0);
	cr_assert_str_eq(recs[2].outcome, "failed");
	cr_assert_str_eq(recs[2].result, "permission denied");
	cr_assert_str_eq(recs[2].text, "Terminate session on pid=4242: "
			 "failed: permission denied");
	journal_recs_free(recs, n);

	journal_set_fail_after(incident_journal(inc), 0);
	seq = incident_action_intent(inc, &flush, "FLUSHDB", "FLUSHDB", &err);
	cr_assert_eq(seq, -1);
	cr_assert_str_eq(err.msg, "journal write failed: No space left on "
			 "device");
	cr_assert_not(incident_healthy(inc, msg, sizeof(msg)));
	cr_assert_str_eq(msg, err.msg);
	incident_close(inc);
}

static size_t
count_text(const struct journal_rec *recs, size_t n, const char *text)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		k += recs[i].text != NULL && strcmp(recs[i].text, text) == 0;
	}
	return k;
}

static bool
timeline_has(struct timeline *tl, const char *text)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		if (strcmp(timeline_get(tl, i)->text, text) == 0) {
			return true;
		}
	}
	return false;
}

Test(incident, timeline_entries_are_journaled_exactly_once)
{
	struct timeline *tl = timeline_new(NULL, NULL);
	struct incident *inc;
	struct journal_rec *recs;
	struct err err;
	size_t n, before;

	/* Before the incident exists: kept and journaled on attach. */
	timeline_append(tl, TL_ALERT_OPEN, "alertmanager.main", "",
			"HighErrorRate firing", "");
	clock_advance_fake(2 * MIN);
	inc = declare("errors", INCIDENT_P1);
	before = timeline_set_recorder(tl, incident_timeline_record, inc);
	cr_assert_eq(before, 1);
	incident_attach(inc, tl, before);
	cr_assert_eq(timeline_count(tl), 2, "the declaration is shown");

	cr_assert_eq(incident_note(inc, "alice", "looking at the gateway",
				   &err), 0);
	cr_assert_eq(journal_flush(incident_journal(inc)), 0);
	cr_assert_eq(timeline_count(tl), 3, "shown once written");
	/* Through the recorder: journaled, then shown. */
	cr_assert_eq(timeline_append(tl, TL_FINDING_OPEN, "postgres.main", "",
				     "3 sessions blocked by pid 4242", ""), 0);
	/* The action worker's own entries are journaled by the gate. */
	timeline_append(tl, TL_ACTION_INTENT, "postgres.main", "alice",
			"Terminate session", "");
	timeline_append(tl, TL_SOURCE_DOWN, "redis.cache", "", "timeout", "");

	n = file_records(inc, &recs);
	cr_assert_eq(count_text(recs, n, "HighErrorRate firing"), 1);
	cr_assert_eq(count_text(recs, n, "looking at the gateway"), 1);
	cr_assert_eq(count_text(recs, n, "3 sessions blocked by pid 4242"), 1);
	cr_assert_eq(count_text(recs, n, "Terminate session"), 0);
	cr_assert_eq(count_text(recs, n, "timeout"), 1);
	cr_assert_eq(n, 5);
	/* The alert keeps its own time, before the declaration. */
	cr_assert_eq(recs[1].ts_ms, T0);
	cr_assert_eq(recs[1].kind, TL_ALERT_OPEN);
	cr_assert_str_eq(recs[1].source, "alertmanager.main");
	journal_recs_free(recs, n);

	/* The timeline holds what the journal does, each entry once. */
	cr_assert_eq(timeline_count(tl), 5);
	cr_assert(timeline_has(tl, "timeout"));
	cr_assert_not(timeline_has(tl, "Terminate session"));

	recs = incident_records(inc, &n);
	cr_assert_eq(n, 5, "incident_records mirrors the file");
	journal_recs_free(recs, n);
	timeline_set_recorder(tl, NULL, NULL);
	incident_close(inc);
	timeline_free(tl);
}

/* "Added" means on disk: a note the journal cannot take is refused with
 * the reason, changes nothing, and never reaches the timeline. */
Test(incident, a_note_the_journal_cannot_take_is_refused_and_not_shown)
{
	struct timeline *tl = timeline_new(NULL, NULL);
	struct incident *inc = declare("disk full", INCIDENT_P1);
	struct err err = { { 0 } };
	size_t before;

	before = timeline_set_recorder(tl, incident_timeline_record, inc);
	incident_attach(inc, tl, before);
	cr_assert_eq(incident_note(inc, "alice", "written", &err), 0);
	journal_set_fail_after(incident_journal(inc), 0);
	cr_assert_eq(incident_note(inc, "alice", "torn by ENOSPC", &err), -1);
	cr_assert_str_eq(err.msg, "journal write failed: No space left on "
			 "device");
	cr_assert_eq(incident_note(inc, "alice", "after the failure", &err),
		     -1);
	cr_assert_str_eq(err.msg, "journal write failed: No space left on "
			 "device");
	cr_assert_eq(incident_set_status(inc, INCIDENT_IDENTIFIED, "alice",
					 &err), -1);
	cr_assert_eq(journal_flush(incident_journal(inc)), -1);
	cr_assert(timeline_has(tl, "written"));
	cr_assert_not(timeline_has(tl, "torn by ENOSPC"));
	cr_assert_not(timeline_has(tl, "after the failure"));
	cr_assert_not(timeline_has(tl, "Status: Investigating -> Identified"));
	{
		struct incident_info info;

		incident_get(inc, &info);
		cr_assert_eq(info.status, INCIDENT_INVESTIGATING,
			     "a status not written did not change");
		incident_info_finish(&info);
	}
	timeline_set_recorder(tl, NULL, NULL);
	incident_close(inc);
	timeline_free(tl);
}

/* Once Resolved the record takes notes, the reopening and updates sent;
 * findings, actions, severity and commander changes are refused. */
Test(incident, resolved_closes_the_record)
{
	struct timeline *tl = timeline_new(NULL, NULL);
	struct incident *inc = declare("closed", INCIDENT_P1);
	struct action_req term = gate_req(&terminate, "postgres.main",
					  "pid=4242");
	struct action_req sil = gate_req(&silence, "alertmanager.main",
					 "alert HighErrorRate");
	struct journal_rec *recs;
	struct err err = { { 0 } };
	size_t before, n;

	before = timeline_set_recorder(tl, incident_timeline_record, inc);
	incident_attach(inc, tl, before);
	cr_assert_eq(incident_set_status(inc, INCIDENT_RESOLVED, "alice",
					 &err), 0, "%s", err.msg);
	cr_assert(incident_closed(inc));
	timeline_append(tl, TL_FINDING_OPEN, "postgres.main", "",
			"after the end", "");
	cr_assert_eq(incident_action_intent(inc, &term, "SELECT 1", "T",
					    &err), -1);
	cr_assert_str_eq(err.msg, "INC-20261122-001 is resolved: its record "
			 "is closed (setting its status reopens it)");
	cr_assert_eq(incident_action_intent(inc, &sil, "POST", "S", &err),
		     -1);
	cr_assert_eq(incident_set_severity(inc, INCIDENT_P0, "alice", &err),
		     -1);
	cr_assert_eq(incident_set_commander(inc, "alice", "bob", &err), -1);
	cr_assert_eq(incident_note(inc, "alice", "root cause: a migration",
				   &err), 0);
	cr_assert_eq(incident_mark_update_sent(inc, "alice", "email", "done",
					       &err), 0);
	cr_assert_eq(incident_set_status(inc, INCIDENT_MONITORING, "alice",
					 &err), 0);
	cr_assert_not(incident_closed(inc));
	timeline_append(tl, TL_FINDING_OPEN, "postgres.main", "",
			"after the reopening", "");

	n = file_records(inc, &recs);
	cr_assert_eq(count_text(recs, n, "after the end"), 0);
	cr_assert_eq(count_text(recs, n, "root cause: a migration"), 1);
	cr_assert_eq(count_text(recs, n, "Status: Resolved -> Monitoring "
				"(reopened)"), 1);
	cr_assert_eq(count_text(recs, n, "after the reopening"), 1);
	cr_assert_eq(count_event(recs, n, "update"), 1);
	cr_assert_eq(count_event(recs, n, "severity"), 0);
	cr_assert_null(incident_fixture_find(recs, n, TL_ACTION_INTENT));
	journal_recs_free(recs, n);
	timeline_set_recorder(tl, NULL, NULL);
	incident_close(inc);
	timeline_free(tl);
}

/* What the journal leaves open is what a resumed incident seeds its
 * tracker with; a still-open record carries its finding. */
Test(incident, open_findings_and_still_open_records)
{
	struct incident *inc = declare("open", INCIDENT_P1);
	struct timeline *tl = timeline_new(NULL, NULL);
	struct tl_finding a = {
		.key = "pg-blocked:4242", .subject = "sessions blocked",
		.sev = HEALTH_WARN, .value = 2, .limit = NAN, .peak = NAN,
	};
	struct tl_finding b = {
		.key = "metric:5xx", .subject = "5xx ratio", .sev = HEALTH_CRIT,
		.value = 0.09, .limit = 0.05, .peak = NAN,
		.unit = UNIT_RATIO,
	};
	struct rules_open *open;
	struct journal_rec *recs;
	struct err err = { { 0 } };
	size_t before, n, k;

	before = timeline_set_recorder(tl, incident_timeline_record, inc);
	incident_attach(inc, tl, before);
	timeline_append_finding(tl, TL_FINDING_OPEN, "postgres.main",
				"2 blocked", "", &a);
	a.sev = HEALTH_CRIT;
	a.value = 7;
	timeline_append_finding(tl, TL_FINDING_SEV, "postgres.main",
				"warn -> crit: 7 blocked", "", &a);
	timeline_append_finding(tl, TL_FINDING_OPEN, "prometheus.main",
				"5xx 9 % > 5 %", "", &b);
	timeline_append_finding(tl, TL_FINDING_CLOSE, "prometheus.main",
				"cleared", "", &b);
	n = file_records(inc, &recs);
	k = incident_open_findings(recs, n, &open);
	cr_assert_eq(k, 1);
	cr_assert_str_eq(open[0].source, "postgres.main");
	cr_assert_str_eq(open[0].f.key, "pg-blocked:4242");
	cr_assert_eq(open[0].f.sev, HEALTH_CRIT);
	cr_assert_eq(open[0].f.value, 7);
	cr_assert_eq(open[0].f.peak, 7);
	cr_assert_str_eq(open[0].f.text, "2 blocked");
	cr_assert_eq(open[0].f.opened_ms, T0);
	journal_recs_free(recs, n);

	cr_assert_eq(incident_still_open(inc, &open[0], &err), 0);
	n = file_records(inc, &recs);
	cr_assert_str_eq(recs[n - 1].event, "still-open");
	cr_assert_str_eq(recs[n - 1].key, "pg-blocked:4242");
	cr_assert_str_eq(recs[n - 1].level, "crit");
	cr_assert_eq(recs[n - 1].peak, 7);
	cr_assert_str_eq(recs[n - 1].text, "still open at resolution: 2 "
			 "blocked (open since 2026-11-22 10:00:00Z)");
	journal_recs_free(recs, n);
	free(open);
	timeline_set_recorder(tl, NULL, NULL);
	incident_close(inc);
	timeline_free(tl);
}

/* [incident] hold.RULE and lookback: checked against the rules the
 * tracker knows. */
Test(incident, policy_holds_and_lookback)
{
	struct incident_policy pol;
	struct err err = { { 0 } };

	incident_policy_default(&pol);
	cr_assert_eq(pol.lookback_ms, 30 * MIN);
	cr_assert_eq(pol.n_holds, 0);
	cr_assert_eq(incident_policy_set(&pol, "hold.pg-blocked", "10s",
					 &err), 0, "%s", err.msg);
	cr_assert_eq(incident_policy_set(&pol, "hold.metric", "0", &err), 0);
	cr_assert_eq(incident_policy_set(&pol, "hold.pg-blocked", "2s", &err),
		     0);
	cr_assert_eq(pol.n_holds, 2);
	cr_assert_str_eq(pol.holds[0].rule, "pg-blocked");
	cr_assert_eq(pol.holds[0].ms, 2000);
	cr_assert_str_eq(pol.holds[1].rule, "metric");
	cr_assert_eq(pol.holds[1].ms, 0);
	cr_assert_eq(incident_policy_set(&pol, "hold.pg-blok", "5s", &err),
		     -1);
	cr_assert_str_eq(err.msg, "hold.pg-blok: no such rule (e.g. "
			 "hold.pg-blocked, hold.metric)");
	cr_assert_eq(incident_policy_set(&pol, "hold.alert", "soon", &err),
		     -1);
	cr_assert_str_eq(err.msg, "hold.alert: bad duration 'soon' (e.g. 5s, "
			 "1m, 0)");
	cr_assert_eq(incident_policy_set(&pol, "lookback", "2h", &err), 0);
	cr_assert_eq(pol.lookback_ms, 120 * MIN);
	cr_assert_eq(incident_policy_set(&pol, "lookback", "-1", &err), -1);
	cr_assert_eq(pol.n_holds, 2, "a refused value changes nothing");
}
