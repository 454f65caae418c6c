/* core/incident_rt: the action gate (refusal without an incident or with a
 * failed journal, intent and result records, inert once closed), the
 * action worker refusing through it, the worker declaring and writing the
 * post-mortem and status-update exports beside the journal, and the view
 * the header is drawn from (timers and escalations by the fake clock). */
#include <criterion/criterion.h>

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/action.h"
#include "core/clock.h"
#include "core/incident.h"
#include "core/incident_rt.h"
#include "core/journal.h"
#include "core/rules.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/timeline.h"
#include "tests/unit/incident_fixture.h"
#include "tests/unit/journal_fixture.h"

#define MIN_MS (60 * 1000LL)
/* 2026-11-22 10:00:00Z */
#define T0 1795341600000LL
#define ID "INC-20261122-001"

static char dir[64];
static struct state *st;
static struct timeline *tl;
static struct incident_rt *rt;

static void
setup(void)
{
	journal_fixture_mkdir(dir, sizeof(dir), "warroom-rt");
	st = state_new();
	tl = timeline_new(NULL, NULL);
	rt = NULL;
}

static void
teardown(void)
{
	incident_rt_free(rt);
	timeline_free(tl);
	state_free(st);
	clock_set_real();
	journal_fixture_rm(dir);
}

static struct incident_rt *
new_rt(struct actions *act)
{
	struct incident_rt_opts o = { .dir = dir };

	return incident_rt_new(st, tl, act, &o);
}

/* rt with "Checkout down" of sev, declared by alice at T0 (so ID). */
static void
declare_at_t0(enum incident_sev sev)
{
	struct err err = { { 0 } };

	clock_set_fake(1000, T0);
	rt = new_rt(NULL);
	cr_assert_eq(incident_rt_declare_now(rt, "Checkout down", sev,
					     "alice", &err), 0, "%s",
		     err.msg);
}

/* ---- the gate ------------------------------------------------------- */

TestSuite(gate, .init = setup, .fini = teardown, .timeout = 20);

Test(gate, refuses_a_destructive_action_without_an_incident)
{
	struct action_req kill = incident_fixture_req(&incident_fixture_kill);
	struct action_req look = incident_fixture_req(&incident_fixture_look);
	struct err err = { { 0 } };

	rt = new_rt(NULL);
	cr_expect_eq(incident_rt_gate.intent(NULL, &kill, "KILL x", "Kill",
					     &err), -1);
	cr_expect(strstr(err.msg, "no incident") != NULL, "%s", err.msg);
	/* A read-only action may run; the gate adds no error to it. */
	err_clear(&err);
	cr_expect_eq(incident_rt_gate.intent(NULL, &look, "LOOK x", "Look",
					     &err), -1);
	cr_expect_str_empty(err.msg);
}

Test(gate, writes_intent_and_result_to_the_journal)
{
	struct action_req kill = incident_fixture_req(&incident_fixture_kill);
	struct err err = { { 0 } };
	const struct journal_rec *in, *res;
	struct journal_rec *recs;
	int64_t seq;
	size_t n;

	rt = new_rt(NULL);
	cr_assert_eq(incident_rt_declare_now(rt, "API 500 errors",
					     INCIDENT_P1, "bob", &err), 0,
		     "%s", err.msg);
	seq = incident_rt_gate.intent(NULL, &kill, "KILL prod/api-1",
				      "Kill it on pod prod/api-1", &err);
	cr_assert(seq > 0, "%s", err.msg);
	incident_rt_gate.result(NULL, seq, &kill, ACTION_OK, "killed");
	recs = incident_fixture_records(incident_rt_incident(rt), &n);
	in = incident_fixture_find(recs, n, TL_ACTION_INTENT);
	res = incident_fixture_find(recs, n, TL_ACTION_RESULT);
	cr_assert_not_null(in);
	cr_assert_not_null(res);
	cr_expect_str_eq(in->op, "KILL prod/api-1");
	cr_expect_str_eq(in->who, "alice (ssh 10.0.0.5)");
	cr_expect_str_eq(in->target, "pod prod/api-1");
	cr_expect_str_eq(in->action, "kill");
	cr_expect_str_eq(in->source, "k8s.main");
	cr_expect_eq(res->intent_seq, (uint64_t)seq);
	cr_expect_eq(res->ok, 1);
	cr_expect_str_eq(res->outcome, "ok");
	cr_expect_str_eq(res->result, "killed");
	cr_expect_str_eq(res->text, "Kill it on pod prod/api-1: ok: killed");
	cr_expect(res->seq > in->seq);
	journal_recs_free(recs, n);
}

Test(gate, a_failed_journal_refuses_and_the_view_says_so)
{
	struct action_req kill = incident_fixture_req(&incident_fixture_kill);
	struct err err = { { 0 } };
	struct incident_rt_view v;

	rt = new_rt(NULL);
	cr_assert_eq(incident_rt_declare_now(rt, "Disk full", INCIDENT_P2,
					     NULL, &err), 0, "%s", err.msg);
	journal_set_fail_after(incident_journal(incident_rt_incident(rt)), 0);
	cr_expect_eq(incident_rt_gate.intent(NULL, &kill, "KILL x", "Kill",
					     &err), -1);
	cr_expect_str_eq(err.msg, "journal write failed: No space left on "
			 "device");

	incident_rt_view(rt, clock_wall_ms(), &v);
	cr_expect(v.active);
	cr_expect(v.journal_failed);
	cr_expect(strstr(v.journal_msg, "journal") != NULL, "%s",
		  v.journal_msg);
}

Test(gate, is_inert_once_the_incident_is_closed)
{
	struct action_req kill = incident_fixture_req(&incident_fixture_kill);
	struct err err = { { 0 } };

	rt = new_rt(NULL);
	cr_assert_eq(incident_rt_declare_now(rt, "Closed", INCIDENT_P3, NULL,
					     &err), 0, "%s", err.msg);
	incident_rt_free(rt);
	rt = NULL;
	cr_expect_eq(incident_rt_gate.intent(NULL, &kill, "KILL x", "Kill",
					     &err), -1);
	/* No crash: the result of an action outliving the incident is
	 * dropped (its intent reads as outcome unknown). */
	incident_rt_gate.result(NULL, 3, &kill, true, "late");
}

static bool
wait_done(struct actions *act, struct action_done *d)
{
	for (int i = 0; i < 500; i++) {
		if (actions_poll_done(act, d)) {
			return true;
		}
		usleep(10000);
	}
	return false;
}

Test(gate, the_action_worker_refuses_until_an_incident_exists)
{
	struct action_req kill = incident_fixture_req(&incident_fixture_kill);
	struct err err = { { 0 } };
	struct action_done d;
	struct actions *act = actions_new(st, tl, false);
	struct journal_rec *recs;
	size_t n;

	incident_fixture_runs = 0;
	rt = new_rt(act);
	cr_assert_neq(actions_submit(act, &kill, &err), 0, "%s", err.msg);
	cr_assert(wait_done(act, &d));
	cr_expect_not(d.ok);
	cr_expect(strstr(d.message, "refused") != NULL, "%s", d.message);
	cr_expect_eq(incident_fixture_runs, 0,
		     "a destructive action ran unjournaled");

	cr_assert_eq(incident_rt_declare_now(rt, "Now journaled",
					     INCIDENT_P1, NULL, &err), 0);
	cr_assert_neq(actions_submit(act, &kill, &err), 0, "%s", err.msg);
	cr_assert(wait_done(act, &d));
	cr_expect(d.ok, "%s", d.message);
	cr_expect_eq(incident_fixture_runs, 1);
	incident_rt_stop(rt);
	actions_free(act, 1000);
	recs = incident_fixture_records(incident_rt_incident(rt), &n);
	cr_expect_not_null(incident_fixture_find(recs, n, TL_ACTION_INTENT));
	cr_expect_not_null(incident_fixture_find(recs, n, TL_ACTION_RESULT));
	journal_recs_free(recs, n);
}

/* ---- the worker ------------------------------------------------------- */

TestSuite(worker, .init = setup, .fini = teardown, .timeout = 20);

/* Takes the next finished job into *r, waiting up to 5 s. */
static bool
take(struct incident_rt_result *r)
{
	for (int i = 0; i < 500; i++) {
		if (incident_rt_take(rt, r)) {
			return true;
		}
		usleep(10000);
	}
	return false;
}

/* The contents of the export at path, which must be there with mode
 * 0600. The caller frees them. */
static char *
saved(const char *path)
{
	struct stat sb;
	FILE *f;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	cr_assert_eq(stat(path, &sb), 0, "no %s", path);
	cr_expect_eq(sb.st_mode & 0777, 0600);
	f = fopen(path, "r");
	cr_assert_not_null(f, "no %s", path);
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	cr_assert(n >= 0);
	return buf;
}

Test(worker, declares_off_the_calling_thread)
{
	struct incident_rt_result r;
	struct incident_rt_view v;
	struct incident_info info;

	clock_set_fake(1000, T0);
	rt = new_rt(NULL);
	cr_expect_not(incident_rt_declaring(rt));
	incident_rt_declare(rt, "Search is down", INCIDENT_P1, "dana", true);
	cr_expect(incident_rt_declaring(rt));
	/* Not the caller's until it has taken the result. */
	cr_expect_null(incident_rt_incident(rt));
	incident_rt_view(rt, clock_wall_ms(), &v);
	cr_expect_not(v.active);
	cr_expect(v.declaring);

	cr_assert(take(&r));
	cr_expect_eq(r.job, INCIDENT_RT_DECLARE);
	cr_expect(r.ok, "%s", r.msg);
	cr_expect_str_eq(r.id, ID);
	cr_expect_eq(r.sev, INCIDENT_P1);
	incident_rt_result_finish(&r);
	cr_expect_not(incident_rt_declaring(rt));
	cr_assert_not_null(incident_rt_incident(rt));
	incident_get(incident_rt_incident(rt), &info);
	cr_expect_str_eq(info.title, "Search is down");
	cr_expect_eq(info.severity, INCIDENT_P1);
	cr_expect_str_eq(info.commander, "dana");
	cr_expect(info.security);
	incident_info_finish(&info);
	cr_expect(incident_fixture_timeline_has(tl, "Declared " ID));
	cr_expect(incident_fixture_timeline_has(tl, "Marked as a security "
						"incident"));
	/* A security incident asks the CTO in at once. */
	incident_rt_view(rt, clock_wall_ms(), &v);
	cr_expect(v.active);
	cr_assert_geq(v.timers.n_escalations, 1);
	cr_expect(strstr(v.timers.escalations[0].text,
			 "Escalate to CTO: security incident") != NULL, "%s",
		  v.timers.escalations[0].text);
	cr_expect(v.timers.escalations[0].new_now);
}

Test(worker, a_failed_declaration_says_why)
{
	struct incident_rt_opts o = { 0 };
	struct incident_rt_result r;
	char file[128], sub[160];
	FILE *f;

	/* A directory below a regular file cannot be made. */
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(sub, sizeof(sub), "%s/incidents", file);
	f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);
	o.dir = sub;
	rt = incident_rt_new(st, tl, NULL, &o);
	incident_rt_declare(rt, "Nowhere", INCIDENT_P2, NULL, false);
	cr_assert(take(&r));
	cr_expect_eq(r.job, INCIDENT_RT_DECLARE);
	cr_expect_not(r.ok);
	cr_expect_str_neq(r.msg, "");
	cr_expect_str_empty(r.id);
	incident_rt_result_finish(&r);
	cr_expect_not(incident_rt_declaring(rt));
	cr_expect_null(incident_rt_incident(rt));
}

Test(worker, the_demo_declares_into_its_own_directory)
{
	struct incident_rt_opts o = { 0 };
	struct incident_rt_result r;
	char demo[128], path[192];
	struct stat sb;

	clock_set_fake(1000, T0);
	snprintf(demo, sizeof(demo), "%s/demo", dir);
	o.dir = dir;
	o.demo_dir = demo;
	rt = incident_rt_new(st, tl, NULL, &o);
	cr_expect_str_eq(incident_rt_dir(rt), dir);
	incident_rt_use_demo_dir(rt);
	cr_expect_str_eq(incident_rt_dir(rt), demo);
	incident_rt_declare(rt, "Demo", INCIDENT_P1, NULL, false);
	cr_assert(take(&r));
	cr_expect(r.ok, "%s", r.msg);
	incident_rt_result_finish(&r);
	snprintf(path, sizeof(path), "%s/%s.jsonl", demo, ID);
	cr_expect_eq(stat(path, &sb), 0, "no %s", path);
	cr_expect_str_eq(journal_path(incident_journal(
			 incident_rt_incident(rt))), path);
}

Test(worker, writes_the_postmortem_beside_the_journal)
{
	struct incident_rt_result r;
	char path[128], *file;

	declare_at_t0(INCIDENT_P1);
	cr_assert_eq(incident_note(incident_rt_incident(rt), "alice",
				   "pid 4242 holds the lock", NULL), 0);
	cr_assert_eq(incident_set_impact(incident_rt_incident(rt), "alice",
					 "20% of checkouts fail", NULL), 0);

	incident_rt_export(rt, INCIDENT_RT_POSTMORTEM);
	cr_assert(take(&r));
	cr_expect_eq(r.job, INCIDENT_RT_POSTMORTEM);
	cr_expect(r.ok, "%s", r.msg);
	cr_expect_str_empty(r.msg);
	cr_expect_str_eq(r.id, ID);
	cr_expect(strstr(r.text, "# Post-Incident Report: " ID " — Checkout "
			 "down") != NULL);
	cr_expect(strstr(r.text, "pid 4242 holds the lock") != NULL);
	cr_expect(strstr(r.text, "20% of checkouts fail") != NULL);
	snprintf(path, sizeof(path), "%s/%s-postmortem.md", dir, ID);
	cr_expect_str_eq(r.path, path);
	file = saved(path);
	cr_expect_str_eq(file, r.text);
	free(file);
	incident_rt_result_finish(&r);
}

Test(worker, writes_a_status_update_with_both_drafts)
{
	struct incident_rt_result r;
	char path[128], *file;

	declare_at_t0(INCIDENT_P0);
	incident_rt_export(rt, INCIDENT_RT_UPDATE);
	cr_assert(take(&r));
	cr_expect_eq(r.job, INCIDENT_RT_UPDATE);
	cr_expect(r.ok, "%s", r.msg);
	cr_expect_eq(r.update_no, 1);
	cr_expect(strstr(r.text, "Incident ID: " ID) != NULL, "%s", r.text);
	cr_expect(strstr(r.email, "Subject: [P0]") != NULL, "%s", r.email);
	snprintf(path, sizeof(path), "%s/%s-update-1.txt", dir, ID);
	cr_expect_str_eq(r.path, path);
	file = saved(path);
	cr_expect(strncmp(file, "Slack\n-----\n", 12) == 0, "%s", file);
	cr_expect(strstr(file, r.text) != NULL);
	cr_expect(strstr(file, "\nEmail\n-----\n") != NULL);
	cr_expect(strstr(file, r.email) != NULL);
	free(file);
	incident_rt_result_finish(&r);

	/* Once one is sent, the next is #2. */
	cr_assert_eq(incident_mark_update_sent(incident_rt_incident(rt),
					       "alice", "slack", "update text",
					       NULL), 0);
	incident_rt_export(rt, INCIDENT_RT_UPDATE);
	cr_assert(take(&r));
	cr_expect_eq(r.update_no, 2);
	snprintf(path, sizeof(path), "%s/%s-update-2.txt", dir, ID);
	cr_expect_str_eq(r.path, path);
	incident_rt_result_finish(&r);
}

Test(worker, an_export_not_written_says_why)
{
	struct incident_rt_result r;
	char path[128];

	declare_at_t0(INCIDENT_P1);
	/* A directory where the file would go. */
	snprintf(path, sizeof(path), "%s/%s-postmortem.md", dir, ID);
	cr_assert_eq(mkdir(path, 0700), 0);
	incident_rt_export(rt, INCIDENT_RT_POSTMORTEM);
	cr_assert(take(&r));
	cr_expect_not(r.ok);
	cr_expect(strstr(r.msg, "cannot write") != NULL, "%s", r.msg);
	cr_expect(strstr(r.msg, path) != NULL, "%s", r.msg);
	/* The draft is still there to be copied. */
	cr_expect(strstr(r.text, "# Post-Incident Report: " ID " — Checkout "
			 "down") != NULL);
	incident_rt_result_finish(&r);
}

Test(worker, an_export_saved_past_a_failed_journal_warns)
{
	struct incident_rt_result r;
	struct err err = { { 0 } };

	rt = new_rt(NULL);
	cr_assert_eq(incident_rt_declare_now(rt, "Disk full", INCIDENT_P2,
					     NULL, &err), 0, "%s", err.msg);
	journal_set_fail_after(incident_journal(incident_rt_incident(rt)), 0);
	cr_assert_eq(incident_note(incident_rt_incident(rt), NULL, "lost",
				   NULL), -1);
	incident_rt_export(rt, INCIDENT_RT_POSTMORTEM);
	cr_assert(take(&r));
	cr_expect(r.ok, "%s", r.msg);
	cr_expect_str_eq(r.msg, "the journal failed: records not written "
			 "are missing");
	incident_rt_result_finish(&r);
}

Test(worker, stop_drops_work_nobody_took)
{
	struct err err = { { 0 } };
	struct incident_rt_result r;

	rt = new_rt(NULL);
	cr_assert_eq(incident_rt_declare_now(rt, "Going away", INCIDENT_P2,
					     NULL, &err), 0, "%s", err.msg);
	incident_rt_export(rt, INCIDENT_RT_POSTMORTEM);
	incident_rt_export(rt, INCIDENT_RT_UPDATE);
	incident_rt_stop(rt);
	cr_expect_not(incident_rt_take(rt, &r));
	/* Stopping twice, then freeing, is fine. */
	incident_rt_stop(rt);
}

/* ---- the view --------------------------------------------------------- */

TestSuite(view, .init = setup, .fini = teardown, .timeout = 20);

Test(view, without_an_incident)
{
	struct incident_rt_view v;

	rt = new_rt(NULL);
	incident_rt_view(rt, clock_wall_ms(), &v);
	cr_expect_not(v.active);
	cr_expect_not(v.declaring);
	cr_expect_eq(v.timers.n_escalations, 0);
}

Test(view, timers_and_escalations_by_the_fake_clock)
{
	struct incident_rt_view v;

	declare_at_t0(INCIDENT_P0);
	incident_rt_view(rt, clock_wall_ms(), &v);
	cr_assert(v.active);
	cr_expect_str_eq(v.id, ID);
	cr_expect_eq(v.severity, INCIDENT_P0);
	cr_expect_eq(v.status, INCIDENT_INVESTIGATING);
	cr_expect_eq(v.declared_ms, T0);
	cr_expect_eq(v.timers.update_state, INCIDENT_TIMER_OK);
	cr_expect_eq(v.timers.update_in_ms, 30 * MIN_MS);
	cr_expect_not(v.journal_failed);

	clock_advance_fake(31 * MIN_MS);
	incident_rt_view(rt, clock_wall_ms(), &v);
	cr_expect_eq(v.timers.update_state, INCIDENT_TIMER_CRIT);
	cr_expect_eq(v.timers.update_in_ms, -MIN_MS);
	cr_assert_eq(v.timers.n_escalations, 1);
	cr_expect(v.timers.escalations[0].new_now);
	cr_expect(strstr(v.timers.escalations[0].text,
			 "Escalate to engineering manager") != NULL, "%s",
		  v.timers.escalations[0].text);
	/* In the timeline once written. */
	cr_assert_eq(journal_flush(incident_journal(incident_rt_incident(rt))),
		     0);
	cr_expect(incident_fixture_timeline_has(tl, "Escalate to engineering "
						"manager"));
	/* Emitted once. */
	incident_rt_view(rt, clock_wall_ms(), &v);
	cr_assert_eq(v.timers.n_escalations, 1);
	cr_expect_not(v.timers.escalations[0].new_now);
}

/* ---- the record across a resume and a resolution ------------------------ */

static struct snapshot *
redis_at(double used, int64_t t_ms)
{
	struct snapshot *s = snapshot_new(SNAP_REDIS, "redis.cache");
	struct redis_model *m = snapshot_alloc(s, sizeof(*m));

	m->version = "7.0";
	m->role = "master";
	m->policy = "allkeys-lru";
	m->used_bytes = used;
	m->max_bytes = 100;
	m->evicted_per_s = 0;
	m->hit_ratio = NAN;
	s->data = m;
	s->taken_mono_ms = 1000000 + t_ms;
	s->taken_ms = T0 + t_ms;
	return s;
}

static size_t
count_kind(const struct journal_rec *recs, size_t n, enum tl_kind kind)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		k += recs[i].kind == kind && recs[i].event == NULL;
	}
	return k;
}

/* rt with a tracker, and "Cache full" declared at T0. */
static struct rules_tracker *
declare_tracked(void)
{
	struct incident_rt_opts o = { .dir = dir };
	struct rules_tracker *tracker = rules_tracker_new(tl);
	struct err err = { { 0 } };

	clock_set_fake(1000, T0);
	o.tracker = tracker;
	rt = incident_rt_new(st, tl, NULL, &o);
	cr_assert_eq(incident_rt_declare_now(rt, "Cache full", INCIDENT_P2,
					     "alice", &err), 0, "%s", err.msg);
	return tracker;
}

/* A resumed incident's open findings stay open: a condition that still
 * holds is not journaled again; its end closes the old finding. */
Test(worker, a_resumed_incident_keeps_its_open_findings)
{
	struct incident_rt_opts o = { .dir = dir };
	struct rules_tracker *tracker = declare_tracked();
	struct journal_rec *recs;
	struct err err = { { 0 } };
	size_t n;

	rules_track(tracker, "redis.cache", redis_at(90, 0));
	rules_track(tracker, "redis.cache", redis_at(90, 11000));
	recs = incident_fixture_records(incident_rt_incident(rt), &n);
	cr_assert_eq(count_kind(recs, n, TL_FINDING_OPEN), 1);
	journal_recs_free(recs, n);
	incident_rt_free(rt);
	rules_tracker_free(tracker);
	timeline_free(tl);

	/* warroom again, --resume: the condition still holds. */
	tl = timeline_new(NULL, NULL);
	tracker = rules_tracker_new(tl);
	o.tracker = tracker;
	rt = incident_rt_new(st, tl, NULL, &o);
	cr_assert_eq(incident_rt_resume_now(rt, ID, &err), 0, "%s", err.msg);
	cr_assert_eq(rules_tracker_findings(tracker, "redis.cache", NULL, 0),
		     1);
	rules_track(tracker, "redis.cache", redis_at(91, 60000));
	rules_track(tracker, "redis.cache", redis_at(92, 72000));
	recs = incident_fixture_records(incident_rt_incident(rt), &n);
	cr_assert_eq(count_kind(recs, n, TL_FINDING_OPEN), 1,
		     "journaled again after the resume");
	journal_recs_free(recs, n);
	rules_track(tracker, "redis.cache", redis_at(10, 80000));
	rules_track(tracker, "redis.cache", redis_at(10, 91000));
	recs = incident_fixture_records(incident_rt_incident(rt), &n);
	cr_assert_eq(count_kind(recs, n, TL_FINDING_CLOSE), 1);
	journal_recs_free(recs, n);
	incident_rt_free(rt);
	rt = NULL;
	rules_tracker_free(tracker);
}

/* Resolving writes what is still open as such, then closes the record:
 * the tracker's later findings are not journaled. */
Test(worker, resolving_lists_what_is_open_and_closes_the_record)
{
	struct rules_tracker *tracker = declare_tracked();
	struct incident_rt_result r;
	struct journal_rec *recs;
	const struct journal_rec *still;
	size_t n;

	rules_track(tracker, "redis.cache", redis_at(90, 0));
	rules_track(tracker, "redis.cache", redis_at(97, 11000));
	incident_rt_set_status(rt, INCIDENT_RESOLVED);
	cr_assert(take(&r));
	cr_assert(r.ok, "%s", r.msg);
	cr_assert_eq(r.job, INCIDENT_RT_STATUS);
	incident_rt_result_finish(&r);
	rules_track(tracker, "redis.cache", redis_at(10, 20000));
	rules_track(tracker, "redis.cache", redis_at(10, 40000));
	recs = incident_fixture_records(incident_rt_incident(rt), &n);
	still = NULL;
	for (size_t i = 0; i < n; i++) {
		if (recs[i].event != NULL &&
		    strcmp(recs[i].event, "still-open") == 0) {
			still = &recs[i];
		}
	}
	cr_assert_not_null(still);
	cr_assert_str_eq(still->key, "redis-memory");
	cr_assert_eq(still->peak, 0.97);
	cr_assert_eq(count_kind(recs, n, TL_FINDING_CLOSE), 0,
		     "journaled after the resolution");
	cr_assert_str_eq(recs[n - 1].status, "Resolved");
	journal_recs_free(recs, n);
	incident_rt_free(rt);
	rt = NULL;
	rules_tracker_free(tracker);
}
