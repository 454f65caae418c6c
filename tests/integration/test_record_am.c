/* The incident record of alerts against a real Alertmanager: an alert that
 * fires, is silenced by the silence action through the action worker and
 * its gate, is no longer silenced when the silence is expired, and is
 * resolved when Alertmanager resolves it, polled by the real probe on the
 * runner through the tracker and the timeline's recorder into an incident
 * journal. A silence is an action and a state, never a resolution. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/action.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/incident.h"
#include "core/incident_rt.h"
#include "core/journal.h"
#include "core/rules.h"
#include "core/state.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "probes/alertmanager.h"
#include "probes/http.h"
#include "probes/prom_json.h"
#include "probes/runner.h"
#include "tests/integration/am_server.h"
#include "tests/integration/harness.h"
#include "tests/integration/record_room.h"

static struct config cfg;
static struct am_server server;

static struct record_room room;
static int idx;       /* the alerts source */

static void
setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	cr_assert(http_global_init(NULL), "libcurl opens");
	memset(&cfg, 0, sizeof(cfg));
	server.pid = -1;
}

static void
teardown(void)
{
	record_room_close(&room);
	am_server_stop(&server);
	config_finish(&cfg);
}

TestSuite(record_am, .init = setup, .fini = teardown, .timeout = 60);

static void
post_alert(const char *name, int64_t starts_ms, int64_t ends_ms)
{
	char starts[40], ends[40];
	char *json;

	prom_format_time(starts_ms, starts, sizeof(starts));
	prom_format_time(ends_ms, ends, sizeof(ends));
	json = xasprintf("[{\"labels\":{\"alertname\":\"%s\",\"severity\":"
			 "\"critical\",\"service\":\"api\"},\"annotations\":"
			 "{\"summary\":\"api 5xx above 5 %%\"},\"startsAt\":"
			 "\"%s\"%s%s%s}]", name, starts,
			 ends_ms > 0 ? ",\"endsAt\":\"" : "",
			 ends_ms > 0 ? ends : "", ends_ms > 0 ? "\"" : "");
	cr_assert(am_server_post_alerts(&server, json));
	free(json);
}

static void
open_room(void)
{
	struct config_section *sec = config_add_section(&cfg,
							"alertmanager.prod");

	config_section_set(sec, "url", server.url);
	sec->timeout_ms = 2000;
	sec->interval_ms = 300;
	record_room_open(&room, &alertmanager_probe_ops, &sec, 1, true,
			 "API 500 errors");
	idx = state_find_source(room.st, "alertmanager.prod");
	cr_assert_geq(idx, 0);
}

static size_t
count(enum tl_kind kind, const char *text)
{
	return record_room_count(&room, kind, NULL, text);
}

static void
wait_count(enum tl_kind kind, const char *text, int timeout_ms)
{
	struct journal_rec r = record_room_wait(&room, kind, NULL, text,
						timeout_ms);

	journal_rec_finish(&r);
}

static const struct action_impl *
action(const char *name)
{
	const struct action_impl *d;

	for (d = alertmanager_probe_ops.actions; d->spec != NULL; d++) {
		if (strcmp(d->spec->name, name) == 0) {
			return d;
		}
	}
	cr_assert_fail("no action %s", name);
	return NULL;
}

/* A request for def on the alerts source's latest poll: the alert named,
 * or the silence of it. */
static struct action_req
request(const struct action_impl *def, const char *alert, bool silence,
	const char *arg)
{
	struct snapshot *s = state_get(room.st, idx);
	const struct alerts_model *m = snapshot_alerts(s);
	struct action_req req;
	size_t i;

	cr_assert_not_null(m);
	memset(&req, 0, sizeof(req));
	req.impl = def;
	req.section = &cfg.sections[0];
	snprintf(req.source, sizeof(req.source), "alertmanager.prod");
	snprintf(req.arg, sizeof(req.arg), "%s", arg);
	for (i = 0; i < m->n_alerts; i++) {
		const struct alert_row *a = &m->alerts[i];

		if (strcmp(a->name, alert) != 0) {
			continue;
		}
		if (silence) {
			req.target.type = TARGET_SILENCE;
			snprintf(req.target.u.silence.id,
				 sizeof(req.target.u.silence.id), "%s",
				 a->silence_id);
			snprintf(req.target.label, sizeof(req.target.label),
				 "silence of %s", alert);
		} else {
			req.target.type = TARGET_ALERT;
			snprintf(req.target.u.alert.fingerprint,
				 sizeof(req.target.u.alert.fingerprint), "%s",
				 a->fingerprint);
			snprintf(req.target.u.alert.name,
				 sizeof(req.target.u.alert.name), "%s", alert);
			snprintf(req.target.label, sizeof(req.target.label),
				 "alert %s", alert);
		}
	}
	cr_assert_neq(req.target.label[0], '\0', "no alert %s", alert);
	action_req_set_snap(&req, s);
	snapshot_unref(s);
	return req;
}

static struct action_done
run(struct action_req *req)
{
	struct err err = { { 0 } };
	struct action_done d;
	int64_t end = clock_mono_ms() + 10000;

	cr_assert_neq(actions_submit(room.act, req, &err), 0, "%s", err.msg);
	action_req_clear(req);
	while (clock_mono_ms() < end) {
		if (actions_poll_done(room.act, &d)) {
			return d;
		}
		usleep(20000);
	}
	cr_assert_fail("the action did not finish");
	return d;
}

/* Waits until the latest poll says the alert is (or is not) silenced. */
static void
wait_silenced(const char *name, bool want)
{
	int64_t end = clock_mono_ms() + 10000;

	while (clock_mono_ms() < end) {
		struct snapshot *s = state_get(room.st, idx);
		const struct alerts_model *m = s ? snapshot_alerts(s) : NULL;
		bool hit = false;

		for (size_t i = 0; m != NULL && i < m->n_alerts; i++) {
			hit |= strcmp(m->alerts[i].name, name) == 0 &&
			       m->alerts[i].silenced == want;
		}
		snapshot_unref(s);
		if (hit) {
			return;
		}
		usleep(50000);
	}
	cr_assert_fail("%s never became %ssilenced", name, want ? "" : "un");
}

Test(record_am, a_silence_writes_a_silence_and_no_resolution)
{
	struct action_req req;
	struct action_done d;
	struct journal_rec *recs;
	struct err err = { { 0 } };
	size_t n, i;
	int64_t now = clock_wall_ms();

	cr_assert(am_server_start(&server), "alertmanager did not start");
	post_alert("HighErrorRate", now - 60000, 0);
	open_room();
	wait_count(TL_ALERT_OPEN, "alert HighErrorRate firing (critical)",
		   10000);

	/* A silence without its comment is refused before the worker: no
	 * action reaches the journal. */
	req = request(action("silence"), "HighErrorRate", false, "2h");
	cr_assert_eq(actions_submit(room.act, &req, &err), 0);
	cr_assert_not_null(strstr(err.msg, "usage: DURATION [MATCHERS] "
				  "COMMENT"), "%s", err.msg);
	action_req_clear(&req);
	cr_assert_eq(count(TL_ACTION_INTENT, NULL), 0);

	/* The silence: an action, and Alertmanager's state. */
	req = request(action("silence"), "HighErrorRate", false,
		      "2h rollback in progress");
	d = run(&req);
	cr_assert(d.ok, "%s", d.message);
	wait_silenced("HighErrorRate", true);
	wait_count(TL_ALERT_STATE, "alert HighErrorRate firing (critical), "
		   "silenced", 10000);
	/* Still firing in Alertmanager: polls go on, nothing resolves. */
	usleep(1500000);
	cr_assert_eq(count(TL_ALERT_CLOSE, NULL), 0,
		     "a silence was written as a resolution");
	cr_assert_eq(count(TL_ALERT_OPEN, NULL), 1);

	/* Expired: firing again, the same alert. */
	req = request(action("expire-silence"), "HighErrorRate", true, "");
	d = run(&req);
	cr_assert(d.ok, "%s", d.message);
	wait_count(TL_ALERT_STATE, "no longer suppressed: alert HighErrorRate",
		   10000);
	cr_assert_eq(count(TL_ALERT_OPEN, NULL), 1, "not a new alert");
	cr_assert_eq(count(TL_ALERT_CLOSE, NULL), 0);

	/* Resolved by Alertmanager: now it is a resolution. */
	post_alert("HighErrorRate", now - 60000, clock_wall_ms() - 1000);
	wait_count(TL_ALERT_CLOSE, "resolved: alert HighErrorRate no longer "
		   "firing", 10000);

	/* The silence is an operator action that changes no system. */
	recs = record_room_records(&room, &n);
	for (i = 0; i < n; i++) {
		if (recs[i].kind == TL_ACTION_INTENT) {
			cr_assert_eq(recs[i].mitigation, 0, "%s",
				     recs[i].action);
		}
	}
	journal_recs_free(recs, n);
	cr_assert_eq(count(TL_ACTION_INTENT, "Silence alert on alert "
			   "HighErrorRate"), 1);
	cr_assert_eq(count(TL_ACTION_RESULT, "created for HighErrorRate"), 1);
	cr_assert_eq(count(TL_ACTION_RESULT, " expired"), 1);
}
