/* The Alertmanager probe and its actions against a real Alertmanager:
 * posted alerts show up sorted, with their labels and summary; the silence
 * action (through the action worker) silences one, expire undoes it; the
 * arguments are checked; annotations with escape sequences stay raw in the
 * model and come out escaped; a server that is down or not Alertmanager
 * gives a clear error. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/action.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/sanitize.h"
#include "core/snapshot.h"
#include "core/state.h"
#include "core/xalloc.h"
#include "probes/alertmanager.h"
#include "probes/http.h"
#include "probes/prom_json.h"
#include "probes/prometheus.h"
#include "tests/integration/am_server.h"
#include "tests/integration/harness.h"
#include "tests/integration/prom_server.h"

static struct config cfg;
static struct am_server server;

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
	am_server_stop(&server);
	config_finish(&cfg);
}

TestSuite(alertmanager, .init = setup, .fini = teardown, .timeout = 40);

static const struct config_section *
section(const char *url)
{
	struct config_section *sec = config_add_section(&cfg,
							"alertmanager.test");

	config_section_set(sec, "url", url);
	sec->timeout_ms = 2000;
	return sec;
}

static const struct config_section *
start_server(void)
{
	cr_assert(am_server_start(&server), "alertmanager did not start");
	return section(server.url);
}

/* The current alerts model; the snapshot goes to *keep (unref it). */
static const struct alerts_model *
poll_alerts(const struct config_section *sec, struct snapshot **keep)
{
	struct am_poller *ap;
	struct err err = { "" };

	ap = am_poller_new(sec, NULL, &err);
	cr_assert_not_null(ap, "%s", err.msg);
	*keep = snapshot_new(SNAP_ALERTS, "alertmanager.test");
	cr_assert_eq(am_poller_poll(ap, *keep, &err), 0, "%s", err.msg);
	am_poller_free(ap);
	return snapshot_alerts(*keep);
}

static void
post_alert(const char *name, const char *severity, const char *service,
	   const char *summary, int64_t starts_ms)
{
	char when[40];
	char *json;

	prom_format_time(starts_ms, when, sizeof(when));
	json = xasprintf("[{\"labels\":{\"alertname\":\"%s\",\"severity\":"
			 "\"%s\",\"service\":\"%s\",\"namespace\":\"prod\","
			 "\"pod\":\"api-7d9\",\"zone\":\"b\",\"team\":\"x\","
			 "\"extra\":\"y\"},\"annotations\":{\"summary\":"
			 "\"%s\"},"
			 "\"startsAt\":\"%s\"}]",
			 name, severity, service, summary, when);
	cr_assert(am_server_post_alerts(&server, json));
	free(json);
}

static const struct alert_row *
find(const struct alerts_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_alerts; i++) {
		if (strcmp(m->alerts[i].name, name) == 0) {
			return &m->alerts[i];
		}
	}
	return NULL;
}

Test(alertmanager, posted_alerts_show_sorted)
{
	const struct config_section *sec = start_server();
	const struct alerts_model *m;
	const struct alert_row *a;
	struct snapshot *s;
	int64_t now = clock_wall_ms() / 1000 * 1000;

	post_alert("SlowQueries", "warning", "db", "queries slow",
		   now - 3600000);
	post_alert("HighErrorRate", "critical", "api", "api 5xx above 5 %",
		   now - 60000);
	post_alert("PodCrashLooping", "critical", "web", "web crashlooping",
		   now - 600000);
	post_alert("CertExpiry", "info", "edge", "cert expires soon",
		   now - 7200000);
	m = poll_alerts(sec, &s);
	cr_assert_eq(m->n_alerts, 4);
	/* Severity first, then the longest firing first. */
	cr_assert_str_eq(m->alerts[0].name, "PodCrashLooping");
	cr_assert_str_eq(m->alerts[1].name, "HighErrorRate");
	cr_assert_str_eq(m->alerts[2].name, "SlowQueries");
	cr_assert_str_eq(m->alerts[3].name, "CertExpiry");
	a = find(m, "HighErrorRate");
	cr_assert_str_eq(a->severity, "critical");
	cr_assert_str_eq(a->summary, "api 5xx above 5 %");
	cr_assert_eq(a->starts_ms, now - 60000);
	/* Key labels first, then three others in name order. */
	cr_assert_str_eq(a->labels, "service=api namespace=prod extra=y "
			 "pod=api-7d9 team=x");
	cr_assert_eq(strlen(a->fingerprint), 16);
	cr_assert_not(a->silenced);
	cr_assert_str_eq(a->silence_id, "");
	cr_assert_eq(m->n_silences, 0);
	snapshot_unref(s);
}

/* Waits (up to 3 s) until the alert's silenced flag is want; returns the
 * last snapshot (unref it) and the row in *out. */
static struct snapshot *
wait_silenced(const struct config_section *sec, const char *name, bool want,
	      const struct alert_row **out)
{
	int64_t end = clock_mono_ms() + 3000;
	struct snapshot *s = NULL;

	for (;;) {
		const struct alerts_model *m;

		snapshot_unref(s);
		m = poll_alerts(sec, &s);
		*out = find(m, name);
		cr_assert_not_null(*out);
		if ((*out)->silenced == want || clock_mono_ms() > end) {
			return s;
		}
		usleep(50000);
	}
}

/* The targets the Alerts pane makes of a row. */
static struct action_target
alert_target(const char *fingerprint)
{
	struct action_target t;

	memset(&t, 0, sizeof(t));
	t.type = TARGET_ALERT;
	snprintf(t.u.alert.fingerprint, sizeof(t.u.alert.fingerprint), "%s",
		 fingerprint);
	snprintf(t.label, sizeof(t.label), "alert %s", fingerprint);
	return t;
}

static struct action_target
silence_target(const char *id)
{
	struct action_target t;

	memset(&t, 0, sizeof(t));
	t.type = TARGET_SILENCE;
	snprintf(t.u.silence.id, sizeof(t.u.silence.id), "%s", id);
	snprintf(t.label, sizeof(t.label), "silence %s", id);
	return t;
}

/* Runs def through a real action worker; returns the finished request. */
static struct action_done
run_action(const struct action_impl *def, const struct config_section *sec,
	   struct action_target target, const char *arg)
{
	struct state *st = state_new();
	struct actions *a = actions_new(st, NULL, false);
	struct action_req req;
	struct action_done done;
	struct err err = { "" };
	int64_t end = clock_mono_ms() + 10000;
	bool got = false;

	memset(&req, 0, sizeof(req));
	req.impl = def;
	req.section = sec;
	snprintf(req.source, sizeof(req.source), "alertmanager.test");
	req.target = target;
	snprintf(req.arg, sizeof(req.arg), "%s", arg);
	cr_assert_neq(actions_submit(a, &req, &err), 0, "%s", err.msg);
	while (!got && clock_mono_ms() < end) {
		got = actions_poll_done(a, &done);
		if (!got) {
			usleep(10000);
		}
	}
	cr_assert(got, "the action did not finish");
	actions_free(a, 1000);
	state_free(st);
	return done;
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

Test(alertmanager, silence_then_expire)
{
	const struct config_section *sec = start_server();
	const struct alert_row *a;
	struct action_done done;
	struct snapshot *s;
	char fp[32], id[64], author[300];

	post_alert("HighErrorRate", "critical", "api", "5xx", clock_wall_ms());
	post_alert("Other", "warning", "web", "other", clock_wall_ms());
	s = wait_silenced(sec, "HighErrorRate", false, &a);
	snprintf(fp, sizeof(fp), "%s", a->fingerprint);
	snapshot_unref(s);

	setenv("USER", "oncall", 1);
	done = run_action(action("silence"), sec, alert_target(fp),
			  "2h deploy rollback in progress");
	cr_assert(done.ok, "%s", done.message);
	cr_assert_eq(strncmp(done.message, "silence ", 8), 0, "%s",
		     done.message);
	cr_assert_not_null(strstr(done.message, " created for HighErrorRate "
				  "until "), "%s", done.message);
	cr_assert_not_null(strstr(done.message, "(2h00m)"), "%s",
			   done.message);

	s = wait_silenced(sec, "HighErrorRate", true, &a);
	cr_assert(a->silenced, "not silenced after the action");
	cr_assert_neq(a->silence_id[0], '\0');
	snprintf(id, sizeof(id), "%s", a->silence_id);
	cr_assert_not_null(strstr(done.message, id), "%s", done.message);
	cr_assert_not(find(snapshot_alerts(s), "Other")->silenced,
		      "the silence matches that alert only");
	/* The active silences, for the silences view. */
	cr_assert_eq(snapshot_alerts(s)->n_silences, 1);
	cr_assert_str_eq(snapshot_alerts(s)->silences[0].id, id);
	cr_assert_not_null(strstr(snapshot_alerts(s)->silences[0].matchers,
				  "alertname=\"HighErrorRate\""));
	cr_assert_not_null(strstr(snapshot_alerts(s)->silences[0].matchers,
				  "service=\"api\""));
	am_author(author, sizeof(author));
	cr_assert_eq(strncmp(author, "oncall@", 7), 0);
	cr_assert_str_eq(snapshot_alerts(s)->silences[0].created_by, author);
	cr_assert_str_eq(snapshot_alerts(s)->silences[0].comment,
			 "deploy rollback in progress");
	cr_assert_float_eq((double)(snapshot_alerts(s)->silences[0].ends_ms -
				    clock_wall_ms()), 7200000.0, 10000.0);
	snapshot_unref(s);

	done = run_action(action("expire-silence"), sec, silence_target(id),
			  "");
	cr_assert(done.ok, "%s", done.message);
	cr_assert_eq(strncmp(done.message, "silence ", 8), 0);
	cr_assert_not_null(strstr(done.message, " expired"));
	s = wait_silenced(sec, "HighErrorRate", false, &a);
	cr_assert_not(a->silenced, "still silenced after expiring");
	cr_assert_eq(snapshot_alerts(s)->n_silences, 0);
	snapshot_unref(s);
}

Test(alertmanager, preview_and_describe_show_the_operation)
{
	const struct config_section *sec = start_server();
	const struct action_impl *def = action("silence");
	const struct alert_row *a;
	struct action_req req;
	struct snapshot *s;
	char buf[2048], author[300];
	struct err err = { "" };

	post_alert("HighErrorRate", "critical", "api", "5xx", clock_wall_ms());
	s = wait_silenced(sec, "HighErrorRate", false, &a);
	memset(&req, 0, sizeof(req));
	req.impl = def;
	req.section = sec;
	req.target = alert_target(a->fingerprint);
	snprintf(req.target.u.alert.name, sizeof(req.target.u.alert.name),
		 "HighErrorRate");
	snprintf(req.target.label, sizeof(req.target.label), "HighErrorRate");
	snprintf(req.arg, sizeof(req.arg), "90m db failover");
	/* Confirmed against the poll it was chosen from. */
	action_req_set_snap(&req, s);
	snapshot_unref(s);

	def->describe(&req, buf, sizeof(buf));
	am_author(author, sizeof(author));
	cr_assert_eq(strncmp(buf, "POST /api/v2/silences\n", 22), 0, "%s",
		     buf);
	cr_assert_not_null(strstr(buf, "ends in 1h30m"), "%s", buf);
	cr_assert_not_null(strstr(buf, "Comment: db failover\n"), "%s", buf);
	cr_assert_not_null(strstr(buf, author), "%s", buf);
	cr_assert_not_null(strstr(buf, req.target.u.alert.fingerprint), "%s",
			   buf);

	cr_assert_eq(def->preview(&req, buf, sizeof(buf), &err), 0, "%s",
		     err.msg);
	cr_assert_str_eq(buf, "Matchers: alertname=\"HighErrorRate\" "
			 "extra=\"y\" namespace=\"prod\" pod=\"api-7d9\" "
			 "service=\"api\" severity=\"critical\" "
			 "team=\"x\" zone=\"b\"\n"
			 "Silences now: HighErrorRate (1 alert)");
	/* The input starts from those matchers, to edit. */
	def->spec->initial_input(&req, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2h alertname=\"HighErrorRate\" "
			 "extra=\"y\" namespace=\"prod\" pod=\"api-7d9\" "
			 "service=\"api\" severity=\"critical\" "
			 "team=\"x\" zone=\"b\" ");

	snprintf(req.arg, sizeof(req.arg), "soon");
	def->describe(&req, buf, sizeof(buf));
	cr_assert_not_null(strstr(buf, "usage: DURATION [MATCHERS] COMMENT"),
			   "%s", buf);
	/* The spec refuses that input before any confirmation. */
	cr_assert_eq(def->spec->check_input(req.arg, &err), -1);
	cr_assert_not_null(strstr(err.msg, "usage: DURATION [MATCHERS] "
				  "COMMENT"), "%s", err.msg);
	action_req_clear(&req);
}

/* The matchers edited before the silence is sent: a regex over two
 * services silences both alerts, and the preview said so. */
Test(alertmanager, silence_with_edited_matchers)
{
	const struct config_section *sec = start_server();
	const struct action_impl *def = action("silence");
	const struct alert_row *a;
	struct action_done done;
	struct action_req req;
	struct snapshot *s;
	char fp[32], buf[2048];
	struct err err = { "" };

	post_alert("HighErrorRate", "critical", "api", "5xx", clock_wall_ms());
	post_alert("HighErrorRate", "critical", "web", "5xx", clock_wall_ms());
	post_alert("HighErrorRate", "critical", "auth", "5xx",
		   clock_wall_ms());
	s = wait_silenced(sec, "HighErrorRate", false, &a);
	snprintf(fp, sizeof(fp), "%s", a->fingerprint);

	memset(&req, 0, sizeof(req));
	req.impl = def;
	req.section = sec;
	req.target = alert_target(fp);
	snprintf(req.arg, sizeof(req.arg), "1h alertname=HighErrorRate "
		 "service=~\"api|web\" rollback of both");
	action_req_set_snap(&req, s);
	snapshot_unref(s);
	def->describe(&req, buf, sizeof(buf));
	cr_assert_not_null(strstr(buf, "Matchers: alertname=\"HighErrorRate\" "
				  "service=~\"api|web\"\n"), "%s", buf);
	cr_assert_eq(def->preview(&req, buf, sizeof(buf), &err), 0, "%s",
		     err.msg);
	cr_assert_not_null(strstr(buf, "Silences now: HighErrorRate, "
				  "HighErrorRate (2 alerts)"), "%s", buf);
	action_req_clear(&req);

	done = run_action(def, sec, alert_target(fp), "1h alertname="
			  "HighErrorRate service=~\"api|web\" rollback of "
			  "both");
	cr_assert(done.ok, "%s", done.message);
	cr_assert_not_null(strstr(done.message, "by its edited matchers"),
			   "%s", done.message);
	/* Two silenced, auth not. */
	{
		int64_t end = clock_mono_ms() + 5000;
		size_t i, silenced = 0, other = 0;
		const struct alerts_model *m;

		do {
			s = NULL;
			usleep(50000);
			m = poll_alerts(sec, &s);
			silenced = other = 0;
			for (i = 0; i < m->n_alerts; i++) {
				bool auth = strstr(m->alerts[i].labels,
						   "service=auth") != NULL;

				silenced += m->alerts[i].silenced && !auth;
				other += m->alerts[i].silenced && auth;
			}
			if (silenced == 2 || clock_mono_ms() > end) {
				break;
			}
			snapshot_unref(s);
		} while (true);
		cr_assert_eq(silenced, 2);
		cr_assert_eq(other, 0, "auth is not matched");
		cr_assert_eq(m->n_silences, 1);
		cr_assert_str_eq(m->silences[0].matchers,
				 "alertname=\"HighErrorRate\" "
				 "service=~\"api|web\"");
		snapshot_unref(s);
	}
}

/* An active silence extended keeps its id, matchers and author, and ends
 * later by as much. */
Test(alertmanager, extend_a_silence)
{
	const struct config_section *sec = start_server();
	const struct alert_row *a;
	struct action_done done;
	struct action_req req;
	struct snapshot *s;
	char fp[32], id[64], author[300], buf[2048];
	int64_t ends;

	post_alert("HighErrorRate", "critical", "api", "5xx", clock_wall_ms());
	s = wait_silenced(sec, "HighErrorRate", false, &a);
	snprintf(fp, sizeof(fp), "%s", a->fingerprint);
	snapshot_unref(s);
	setenv("USER", "oncall", 1);
	done = run_action(action("silence"), sec, alert_target(fp),
			  "30m deploy");
	cr_assert(done.ok, "%s", done.message);
	s = wait_silenced(sec, "HighErrorRate", true, &a);
	snprintf(id, sizeof(id), "%s", a->silence_id);
	ends = snapshot_alerts(s)->silences[0].ends_ms;

	/* What the confirmation says, from the poll it was chosen in. */
	memset(&req, 0, sizeof(req));
	req.impl = action("extend-silence");
	req.section = sec;
	req.target = silence_target(id);
	snprintf(req.arg, sizeof(req.arg), "2h the fix needs a second deploy");
	action_req_set_snap(&req, s);
	req.impl->describe(&req, buf, sizeof(buf));
	cr_assert_not_null(strstr(buf, "; extended by 2h00m it ends "), "%s",
			   buf);
	cr_assert_not_null(strstr(buf, "Comment added: the fix needs a second "
				  "deploy"), "%s", buf);
	action_req_clear(&req);
	snapshot_unref(s);

	setenv("USER", "second", 1);
	done = run_action(action("extend-silence"), sec, silence_target(id),
			  "2h the fix needs a second deploy");
	cr_assert(done.ok, "%s", done.message);
	cr_assert_not_null(strstr(done.message, "extended by 2h00m: it ends "),
			   "%s", done.message);
	s = wait_silenced(sec, "HighErrorRate", true, &a);
	cr_assert_eq(snapshot_alerts(s)->n_silences, 1);
	cr_assert_str_eq(snapshot_alerts(s)->silences[0].id, id,
			 "updated in place");
	cr_assert_float_eq((double)(snapshot_alerts(s)->silences[0].ends_ms -
				    ends), 7200000.0, 5000.0);
	setenv("USER", "oncall", 1);
	am_author(author, sizeof(author));
	cr_assert_str_eq(snapshot_alerts(s)->silences[0].created_by, author);
	cr_assert_not_null(strstr(snapshot_alerts(s)->silences[0].comment,
				  "deploy / extended by second@"), "%s",
			   snapshot_alerts(s)->silences[0].comment);
	snapshot_unref(s);

	/* Expired, it is no longer extended. */
	done = run_action(action("expire-silence"), sec, silence_target(id),
			  "");
	cr_assert(done.ok, "%s", done.message);
	done = run_action(action("extend-silence"), sec, silence_target(id),
			  "1h");
	cr_assert_not(done.ok);
	cr_assert_not_null(strstr(done.message, "has expired"), "%s",
			   done.message);
}

Test(alertmanager, bad_requests_are_refused)
{
	const struct config_section *sec = start_server();
	const struct action_impl *sil = action("silence");
	const struct action_impl *exp = action("expire-silence");
	struct action_done done;

	done = run_action(sil, sec, alert_target("0123456789abcdef"),
			  "2h gone");
	cr_assert_not(done.ok);
	cr_assert_str_eq(done.message,
			 "alert 0123456789abcdef is no longer firing");
	/* A wrong input is refused at the submit: it never reaches the
	 * worker, nor the journal as an action. */
	{
		struct state *st = state_new();
		struct actions *a = actions_new(st, NULL, false);
		static const char *const bad[] = { "2h", "", "  ", "gone" };
		struct action_req req;
		struct err err = { "" };

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memset(&req, 0, sizeof(req));
			req.impl = sil;
			req.section = sec;
			req.target = alert_target("0123456789abcdef");
			snprintf(req.arg, sizeof(req.arg), "%s", bad[i]);
			cr_assert_eq(actions_submit(a, &req, &err), 0, "'%s'",
				     bad[i]);
			cr_assert_not_null(strstr(err.msg, "Silence alert: "
						  "usage: DURATION [MATCHERS] "
						  "COMMENT"),
					   "%s", err.msg);
		}
		cr_assert_eq(actions_pending(a), 0);
		actions_free(a, 1000);
		state_free(st);
	}
	done = run_action(exp, sec, silence_target("../status"), "");
	cr_assert_not(done.ok);
	cr_assert_str_eq(done.message, "not a silence id: ../status");
	/* Alertmanager's own words for a silence id that is no UUID. */
	done = run_action(exp, sec, silence_target("abc"), "");
	cr_assert_not(done.ok);
	cr_assert_not_null(strstr(done.message, "HTTP 422: silenceID in path "
				  "must be of type uuid"), "%s", done.message);
}

Test(alertmanager, read_only_refuses_every_action)
{
	struct state *st = state_new();
	struct actions *a = actions_new(st, NULL, true);
	const struct action_impl *d;
	struct action_req req;
	struct err err = { "" };
	int n = 0;

	for (d = alertmanager_probe_ops.actions; d->spec != NULL; d++) {
		memset(&req, 0, sizeof(req));
		req.impl = d;
		req.target.type = d->spec->target;
		snprintf(req.target.label, sizeof(req.target.label), "x");
		cr_assert_eq(actions_submit(a, &req, &err), 0, "%s",
			     d->spec->name);
		cr_assert_not_null(strstr(err.msg, "read-only"), "%s",
				   err.msg);
		n++;
	}
	cr_assert_eq(n, 3);
	actions_free(a, 1000);
	state_free(st);
}

Test(alertmanager, escape_sequences_stay_raw_and_show_escaped)
{
	const struct config_section *sec = start_server();
	const struct alert_row *a;
	struct snapshot *s;
	char *shown;

	/* OSC 52 (write the clipboard) ending in BEL, then a CSI. */
	post_alert("Evil", "warning", "x",
		   "pwn \\u001b]52;c;aGVsbG8=\\u0007 \\u001b[2J done",
		   clock_wall_ms());
	s = wait_silenced(sec, "Evil", false, &a);
	cr_assert_str_eq(a->summary,
			 "pwn \x1b]52;c;aGVsbG8=\a \x1b[2J done");
	shown = sanitize(a->summary);
	cr_assert_null(strchr(shown, '\x1b'));
	cr_assert_null(strchr(shown, '\a'));
	cr_assert_str_eq(shown, "pwn \\x1b]52;c;aGVsbG8=\\x07 \\x1b[2J done");
	free(shown);
	snapshot_unref(s);
}

Test(alertmanager, server_down)
{
	int port = harness_free_port();
	char *url = xasprintf("http://127.0.0.1:%d", port);
	char *want = xasprintf("connection refused (127.0.0.1:%d)", port);
	struct am_poller *ap;
	struct snapshot *s = snapshot_new(SNAP_ALERTS, "alertmanager.test");
	struct err err = { "" };

	ap = am_poller_new(section(url), NULL, &err);
	cr_assert_not_null(ap);
	cr_assert_eq(am_poller_poll(ap, s, &err), -1);
	cr_assert_str_eq(err.msg, want);
	cr_assert_null(s->data);
	am_poller_free(ap);
	snapshot_unref(s);
	free(want);
	free(url);
}

/* An Alertmanager URL that points at Prometheus, and the other way
 * round: the 404 says which server it reached. */
Test(alertmanager, url_of_the_other_server_says_so, .timeout = 60)
{
	struct prom_server prom;
	struct am_poller *ap;
	struct prom_poller *pp;
	struct snapshot *s;
	struct err err = { "" };
	char *want;

	cr_assert(prom_server_start(&prom), "prometheus did not start");
	ap = am_poller_new(section(prom.url), NULL, &err);
	cr_assert_not_null(ap, "%s", err.msg);
	s = snapshot_new(SNAP_ALERTS, "alertmanager.test");
	cr_assert_eq(am_poller_poll(ap, s, &err), -1);
	want = xasprintf("HTTP 404 for GET /api/v2/alerts (127.0.0.1:%d): "
			 "this URL is Prometheus, not Alertmanager: check "
			 "url", prom.port);
	cr_assert_str_eq(err.msg, want);
	free(want);
	snapshot_unref(s);
	am_poller_free(ap);
	prom_server_stop(&prom);

	start_server();
	pp = prom_poller_new(section(server.url), NULL, &err);
	cr_assert_not_null(pp, "%s", err.msg);
	s = snapshot_new(SNAP_METRICS, "prometheus.test");
	cr_assert_eq(prom_poller_poll(pp, s, &err), -1);
	want = xasprintf("HTTP 404 for GET /api/v1/query (127.0.0.1:%d): "
			 "this URL is Alertmanager, not Prometheus: check "
			 "url", server.port);
	cr_assert_str_eq(err.msg, want);
	free(want);
	snapshot_unref(s);
	prom_poller_free(pp);
}

Test(alertmanager, not_alertmanager)
{
	char *reply = http_reply_json(200, "{\"status\":\"success\"}");
	struct capture *c = capture_start(reply);
	char *url = xasprintf("http://127.0.0.1:%d", capture_port(c));
	char *want = xasprintf("unexpected reply from 127.0.0.1:%d: alerts "
			       "are not an array", capture_port(c));
	struct am_poller *ap;
	struct snapshot *s = snapshot_new(SNAP_ALERTS, "alertmanager.test");
	struct err err = { "" };

	ap = am_poller_new(section(url), NULL, &err);
	cr_assert_not_null(ap);
	cr_assert_eq(am_poller_poll(ap, s, &err), -1);
	cr_assert_str_eq(err.msg, want);
	am_poller_free(ap);
	snapshot_unref(s);
	capture_stop(c);
	free(want);
	free(url);
	free(reply);
}
