/* The record of a scripted incident, end to end: the demo's scenario
 * polled every 2 s under the fake clock through the real tracker, the
 * timeline's recorder and an incident journal, with an operator's notes,
 * status changes, a silence, a terminate and a rollback through the action
 * gate; its post-mortem and status updates compared with golden files
 * (tests/fixtures/demo-*). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/correlate.h"
#include "core/export.h"
#include "core/incident.h"
#include "core/incident_rt.h"
#include "core/journal.h"
#include "core/kind.h"
#include "core/rules.h"
#include "core/state.h"
#include "core/timeline.h"
#include "probes/demo.h"
#include "tests/unit/golden_fixture.h"
#include "tests/unit/journal_fixture.h"

#define MONO0 5000000
/* 2026-11-22 09:58:00 UTC: the demo starts with the bad deploy. */
#define WALL0 1795341480000LL
#define POLL_MS 2000

static char dir[128];

static struct {
	char *first_slack, *first_email;        /* update #1, at 80 s */
	struct timeline *tl;
	struct rules_tracker *tracker;
	struct state *st;
	struct incident_rt *rt;
	int idx[SNAP_KIND_COUNT];
	struct correlate_memory *mem;   /* the diagnosis's */
	int64_t t_ms;           /* scenario time */
} w;

static void
setup(void)
{
	journal_fixture_mkdir(dir, sizeof(dir), "record-test");
	clock_set_fake(MONO0, WALL0);
	demo_reset(1);
}

static void
teardown(void)
{
	clock_set_real();
	journal_fixture_rm(dir);
}

TestSuite(record, .init = setup, .fini = teardown, .timeout = 60);

static struct incident *
inc(void)
{
	return incident_rt_incident(w.rt);
}

/* The war room: state, tracker, timeline and an incident declared at
 * t = 0, before the first poll, as --incident does. */
static void
open_room(void)
{
	struct incident_rt_opts o = { .dir = dir };
	struct err err = { { 0 } };
	int k;

	w.tl = timeline_new(NULL, NULL);
	w.tracker = rules_tracker_new(w.tl);
	w.st = state_new();
	/* The scripted kinds, and the diagnosis (the last) over them. */
	for (k = 0; k < SNAP_DIAGNOSIS; k++) {
		w.idx[k] = state_add_source(w.st, demo_source_name(k), k);
		cr_assert_geq(w.idx[k], 0);
	}
	w.idx[SNAP_DIAGNOSIS] = state_add_source(w.st, "diagnosis.demo",
						 SNAP_DIAGNOSIS);
	w.mem = correlate_memory_new();
	state_set_tracker(w.st, w.tracker);
	o.tracker = w.tracker;
	w.rt = incident_rt_new(w.st, w.tl, NULL, &o);
	cr_assert_eq(incident_rt_declare_now(w.rt, "Checkout API returning "
					     "500s after deploy", INCIDENT_P1,
					     "alice", &err), 0, "%s", err.msg);
}

static void
close_room(void)
{
	incident_rt_free(w.rt);
	correlate_memory_free(w.mem);
	state_free(w.st);
	rules_tracker_free(w.tracker);
	timeline_free(w.tl);
}

/* The diagnosis over what was just published, as its probe does. */
static void
diagnose(void)
{
	struct correlate_src src[SNAP_DIAGNOSIS];
	struct snapshot *held[SNAP_DIAGNOSIS];
	struct snapshot *s = snapshot_new(SNAP_DIAGNOSIS, "diagnosis.demo");
	int k;

	for (k = 0; k < SNAP_DIAGNOSIS; k++) {
		held[k] = state_get(w.st, w.idx[k]);
		src[k] = (struct correlate_src){ demo_source_name(k), held[k],
						 NULL };
	}
	s->interval_ms = POLL_MS;
	s->data = correlate_run(src, SNAP_DIAGNOSIS, clock_wall_ms(), w.mem,
				s);
	state_publish(w.st, w.idx[SNAP_DIAGNOSIS], s);
	for (k = 0; k < SNAP_DIAGNOSIS; k++) {
		snapshot_unref(held[k]);
	}
}

/* Polls every source at the scenario's now and publishes. */
static void
poll_all(void)
{
	struct err err = { { 0 } };
	int k;

	for (k = 0; k < SNAP_DIAGNOSIS; k++) {
		struct snapshot *s = snapshot_new(k, demo_source_name(k));

		s->interval_ms = POLL_MS;
		cr_assert_eq(demo_probe_ops(k)->poll(NULL, s, &err), 0);
		state_publish(w.st, w.idx[k], s);
	}
	diagnose();
}

/* Runs the scenario, polling every 2 s, up to t seconds. */
static void
run_to(int t)
{
	while (w.t_ms + POLL_MS <= t * 1000LL) {
		clock_advance_fake(POLL_MS);
		w.t_ms += POLL_MS;
		poll_all();
	}
}

static void
flush(void)
{
	cr_assert_eq(journal_flush(incident_journal(inc())), 0);
}

static const struct action_impl *
impl_of(enum snap_kind kind, int key)
{
	const struct action_impl *d = action_impl_by_key(demo_actions(kind),
							 key);

	cr_assert_not_null(d, "no action %c", key);
	return d;
}

/* What the action worker does, in line: intent through the gate, run,
 * result through the gate. */
static void
act(enum snap_kind kind, int key, struct action_target target,
    const char *arg, const char *who)
{
	struct action_req req;
	struct err err = { { 0 } };
	char detail[4096], text[512], result[ERR_MSG_MAX];
	int64_t token;
	int rc;

	memset(&req, 0, sizeof(req));
	req.impl = impl_of(kind, key);
	snprintf(req.source, sizeof(req.source), "%s",
		 demo_source_name(kind));
	req.target = target;
	snprintf(req.arg, sizeof(req.arg), "%s", arg ? arg : "");
	snprintf(req.who, sizeof(req.who), "%s", who);
	action_req_set_snap(&req, state_get(w.st, w.idx[kind]));
	snapshot_unref(req.snap);
	cr_assert_eq(action_check_input(&req, &err), 0, "%s", err.msg);
	detail[0] = '\0';
	req.impl->describe(&req, detail, sizeof(detail));
	snprintf(text, sizeof(text), "%s on %s", req.impl->spec->label,
		 action_req_target(&req));
	token = incident_rt_gate.intent(NULL, &req, detail, text, &err);
	cr_assert_gt(token, 0, "%s", err.msg);
	result[0] = '\0';
	rc = req.impl->run(&req, result, sizeof(result), &err);
	cr_assert_eq(rc, 0, "%s", err.msg);
	incident_rt_gate.result(NULL, token, &req, ACTION_OK, result);
	action_req_clear(&req);
}

static struct action_target
target_4242(void)
{
	struct snapshot *s = state_get(w.st, w.idx[SNAP_PG]);
	const struct pg_session *ps = pg_session_find(snapshot_pg(s), 4242,
						      0);
	struct action_target t = { .type = TARGET_PG_BACKEND };
	size_t i;

	for (i = 0; ps == NULL && i < snapshot_pg(s)->n_sessions; i++) {
		if (snapshot_pg(s)->sessions[i].pid == 4242) {
			ps = &snapshot_pg(s)->sessions[i];
		}
	}
	cr_assert_not_null(ps, "no pid 4242");
	t.u.pg.pid = 4242;
	t.u.pg.backend_start_us = ps->backend_start_us;
	snprintf(t.label, sizeof(t.label), "pid 4242 (billing, idle in "
		 "transaction)");
	snapshot_unref(s);
	return t;
}

static struct action_target
target_alert(const char *name)
{
	struct snapshot *s = state_get(w.st, w.idx[SNAP_ALERTS]);
	const struct alerts_model *m = snapshot_alerts(s);
	struct action_target t = { .type = TARGET_ALERT };
	size_t i;

	for (i = 0; i < m->n_alerts; i++) {
		if (strcmp(m->alerts[i].name, name) == 0) {
			snprintf(t.u.alert.fingerprint,
				 sizeof(t.u.alert.fingerprint), "%s",
				 m->alerts[i].fingerprint);
			snprintf(t.u.alert.name, sizeof(t.u.alert.name), "%s",
				 name);
		}
	}
	cr_assert_neq(t.u.alert.fingerprint[0], '\0', "no alert %s", name);
	snprintf(t.label, sizeof(t.label), "alert %s", name);
	snapshot_unref(s);
	return t;
}

static void
note(const char *who, const char *text)
{
	struct err err = { { 0 } };

	cr_assert_eq(incident_note(inc(), who, text, &err), 0, "%s", err.msg);
}

static void
status(enum incident_status st)
{
	struct err err = { { 0 } };

	cr_assert_eq(incident_set_status(inc(), st, "alice", &err), 0, "%s",
		     err.msg);
}

/* Who the operator is differs from machine to machine: the declaration
 * is signed by actions_who(); it reads "OPERATOR" here. */
static char *
operator_out(char *text)
{
	char who[128], *at, *out;
	size_t wl, len = 0;
	FILE *f = open_memstream(&out, &len);

	actions_who(who, sizeof(who));
	wl = strlen(who);
	for (at = text; *at != '\0';) {
		char *hit = strstr(at, who);

		if (hit == NULL || wl == 0) {
			fputs(at, f);
			break;
		}
		fwrite(at, 1, (size_t)(hit - at), f);
		fputs("OPERATOR", f);
		at = hit + wl;
	}
	fclose(f);
	free(text);
	return out;
}

static char *
render(int what, int64_t since, int64_t now)
{
	struct incident_info info;
	struct journal_rec *recs;
	struct export_related *rel = NULL;
	char *buf = NULL;
	size_t len = 0, n, n_rel;
	FILE *f = open_memstream(&buf, &len);

	flush();
	incident_get(inc(), &info);
	recs = incident_records(inc(), &n);
	if (what < 0) {
		n_rel = incident_related(dir, info.id, recs, n, &rel);
		cr_assert_eq(export_postmortem(&info, recs, n, rel, n_rel, f),
			     0);
		free(rel);
	} else {
		cr_assert_eq(export_status_update(&info, recs, n, since, now,
						  (enum export_format)what, f),
			     0);
	}
	fclose(f);
	journal_recs_free(recs, n);
	incident_info_finish(&info);
	return operator_out(buf);
}

static int64_t
wall(int t)
{
	return WALL0 + t * 1000LL;
}

/* The scripted incident: a bad deploy of api at the start, a billing
 * worker's transaction left open at 40 s that piles up sessions, Redis
 * filling, alerts firing; the operators find it, silence the error alert,
 * terminate the blocker and roll the deploy back. */
static void
play(void)
{
	struct err err = { { 0 } };

	open_room();
	run_to(56);
	note("alice", "api v3.19.0 went out at 09:58; checkout errors since");
	run_to(62);
	status(INCIDENT_IDENTIFIED);
	note("alice", "root cause: api v3.19.0 crash-loops on start, and a "
	     "billing worker left a transaction open on accounts (pid 4242)");
	run_to(66);
	act(SNAP_ALERTS, 'A', target_alert("HighErrorRate"),
	    "2h rollback in progress", "bob");
	run_to(70);
	act(SNAP_PG, 'T', target_4242(), NULL, "alice");
	run_to(74);
	act(SNAP_PODS, 'U', (struct action_target){
		.type = TARGET_DEPLOYMENT,
		.u.deploy = { .ns = "prod", .name = "api" },
		.label = "deployment prod/api",
	}, NULL, "alice");
	status(INCIDENT_MITIGATING);
	run_to(80);
	w.first_slack = render(EXPORT_SLACK, wall(0), wall(80));
	w.first_email = render(EXPORT_EMAIL, wall(0), wall(80));
	cr_assert_eq(incident_mark_update_sent(inc(), "alice", "slack",
					       w.first_slack, &err), 0);
	run_to(150);
	status(INCIDENT_MONITORING);
	run_to(180);
	flush();
}

Test(record, the_scripted_incident_updates_match_golden)
{
	char *s;

	play();
	golden_check("demo-update-1-slack.txt", w.first_slack);
	golden_check("demo-update-1-email.txt", w.first_email);
	s = render(EXPORT_SLACK, wall(80), wall(180));
	golden_check("demo-update-2-slack.txt", s);
	free(s);
	free(w.first_slack);
	free(w.first_email);
	close_room();
}

Test(record, the_scripted_incident_postmortem_matches_golden)
{
	struct err err = { { 0 } };
	struct rules_open *open;
	char *pm;
	size_t k;

	play();
	/* Resolved with Redis still evicting: written as still open. */
	k = rules_tracker_open_all(w.tracker, &open);
	cr_assert_gt(k, 0);
	for (size_t i = 0; i < k; i++) {
		cr_assert_eq(incident_still_open(inc(), &open[i], &err), 0);
	}
	free(open);
	status(INCIDENT_RESOLVED);
	run_to(200);
	pm = render(-1, 0, 0);
	golden_check("demo-postmortem.md", pm);
	free(pm);
	pm = render(EXPORT_SLACK, wall(180), wall(200));
	golden_check("demo-resolved-slack.txt", pm);
	free(pm);
	free(w.first_slack);
	free(w.first_email);
	close_room();
}
