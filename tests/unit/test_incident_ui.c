/* tui/incident_ui, and the Slack post it submits: the header with a failed
 * journal, destructive keys refused before their dialog, the header's
 * timers and escalations driven by the fake clock, the keys (declare,
 * note, status chooser, post-mortem and status-update exports shown in
 * the overlay), and the Slack post (through probe.h) against a local
 * listener, whose URL never leaks. The runtime underneath is tested in
 * test_incident_rt.c. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <locale.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build-config.h"
#include "core/action.h"
#include "core/clock.h"
#include "core/incident.h"
#include "core/journal.h"
#include "core/sanitize.h"
#include "core/state.h"
#include "core/timeline.h"
#include "probes/probe.h"
#include "themes/theme.h"
#include "tui/app.h"
#include "tui/header.h"
#include "tui/incident_ui.h"
#include "tui/command.h"
#include "tui/keymap.h"
#include "tests/unit/incident_fixture.h"

#define MIN_MS (60 * 1000LL)
/* 2026-11-22 10:00:00Z */
#define T0 1795341600000LL
#define ID "INC-20261122-001"

static char dir[64];
static struct state *st;
static struct timeline *tl;
static struct incident_ui *iu;
static SCREEN *scr;
static FILE *scr_out, *scr_in;
static struct theme theme;

static void
setup(void)
{
	strcpy(dir, "/tmp/warroom-iu-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	st = state_new();
	tl = timeline_new(NULL, NULL);
	iu = NULL;
}

static void
teardown(void)
{
	char cmd[128];

	incident_ui_free(iu);
	timeline_free(tl);
	state_free(st);
	clock_set_real();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		cr_log_warn("could not remove %s", dir);
	}
}

/* An ncurses screen on /dev/null: dialogs need one. */
static void
setup_screen(void)
{
	setup();
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	scr_out = fopen("/dev/null", "w");
	scr_in = fopen("/dev/null", "r");
	scr = newterm("xterm-256color", scr_out, scr_in);
	cr_assert_not_null(scr);
	set_term(scr);
	resizeterm(48, 160);
	theme_defaults(&theme);
	text_utf8 = true;
}

static void
teardown_screen(void)
{
	teardown();
	endwin();
	delscreen(scr);
	fclose(scr_out);
	fclose(scr_in);
}

static struct incident_ui *
new_iu(struct actions *act)
{
	struct incident_ui_opts o = { .dir = dir };

	return incident_ui_new(st, tl, act, &o);
}

static bool
timeline_has(const char *text)
{
	return incident_fixture_timeline_has(tl, text);
}

/* ---- actions and the header ---------------------------------------- */

TestSuite(actions, .init = setup, .fini = teardown, .timeout = 20);

/* That the gate refuses is test_incident_rt.c's; here the header and the
 * keys say so. */
Test(actions, a_failed_journal_refuses_and_the_header_says_so)
{
	struct err err = { { 0 } };
	struct journal *j;
	struct app a;

	iu = new_iu(NULL);
	cr_assert_eq(incident_ui_declare_now(iu, "Disk full", INCIDENT_P2,
					     NULL, &err), 0, "%s", err.msg);
	j = incident_journal(incident_ui_incident(iu));
	journal_set_fail_after(j, 0);
	cr_assert_eq(incident_note(incident_ui_incident(iu), NULL,
				   "not written", NULL), -1);
	cr_assert_eq(journal_flush(j), -1);

	theme_defaults(&theme);
	app_init(&a, st, NULL, tl, NULL, &theme, false, false);
	a.iu = iu;
	incident_ui_collect(&a);
	cr_expect(a.incident.active);
	cr_expect(a.incident.journal_failed);
	cr_expect_eq(a.status_role, ROLE_CRIT);
	cr_expect(strstr(a.status, "journal") != NULL, "%s", a.status);
	/* The key is refused before its dialog opens; a look still runs. */
	cr_expect_not(incident_ui_allows(&a, incident_fixture_kill.spec));
	cr_expect(strstr(a.status, "Kill it refused: ") != NULL, "%s",
		  a.status);
	cr_expect(incident_ui_allows(&a, incident_fixture_look.spec));
	app_finish(&a);
}

Test(actions, allows_keys_only_with_an_incident)
{
	struct err err = { { 0 } };
	struct app a;

	iu = new_iu(NULL);
	theme_defaults(&theme);
	app_init(&a, st, NULL, tl, NULL, &theme, false, false);
	a.iu = iu;
	cr_expect(incident_ui_allows(&a, incident_fixture_look.spec));
	cr_expect_not(incident_ui_allows(&a, incident_fixture_kill.spec));
	cr_expect(strstr(a.status, "declare an incident first (i)") != NULL,
		  "%s", a.status);
	cr_assert_eq(incident_ui_declare_now(iu, "Now", INCIDENT_P1, NULL,
					     &err), 0);
	cr_expect(incident_ui_allows(&a, incident_fixture_kill.spec));
	app_finish(&a);
}

/* ---- timers in the header --------------------------------------------- */

TestSuite(timers, .init = setup, .fini = teardown, .timeout = 20);

Test(timers, update_due_overdue_and_escalations_with_the_fake_clock)
{
	struct err err = { { 0 } };
	struct app a;

	clock_set_fake(1000, T0);
	iu = new_iu(NULL);
	cr_assert_eq(incident_ui_declare_now(iu, "Checkout down",
					     INCIDENT_P0, "alice", &err), 0,
		     "%s", err.msg);
	theme_defaults(&theme);
	app_init(&a, st, NULL, tl, NULL, &theme, false, false);
	a.iu = iu;

	incident_ui_collect(&a);
	cr_assert(a.incident.active);
	cr_expect_str_eq(a.incident.id, ID);
	cr_expect_str_eq(a.incident.severity, "P0");
	cr_expect_str_eq(a.incident.status, "Investigating");
	cr_expect_eq(a.incident.update_state, APP_TIMER_OK);
	cr_expect_eq(a.incident.update_in_ms, 30 * MIN_MS);
	cr_expect_eq(a.incident.elapsed_ms, 0);
	cr_expect(strstr(a.status, "declared " ID) != NULL, "%s", a.status);

	/* Within 5 minutes of the update: warn. */
	clock_advance_fake(26 * MIN_MS);
	incident_ui_collect(&a);
	cr_expect_eq(a.incident.update_state, APP_TIMER_WARN);
	cr_expect_eq(a.incident.update_in_ms, 4 * MIN_MS);
	cr_expect_eq(a.incident.elapsed_ms, 26 * MIN_MS);
	cr_expect_not(timeline_has("Escalate"));

	/* Overdue, and a P0 open 30 min: the engineering manager. */
	clock_advance_fake(5 * MIN_MS);
	incident_ui_collect(&a);
	cr_expect_eq(a.incident.update_state, APP_TIMER_CRIT);
	cr_expect_eq(a.incident.update_in_ms, -MIN_MS);
	cr_expect(strstr(a.status, "Escalate to engineering manager") !=
		  NULL, "%s", a.status);
	/* In the timeline once written. */
	cr_assert_eq(journal_flush(incident_journal(
			     incident_ui_incident(iu))), 0);
	cr_expect(timeline_has("Escalate to engineering manager"));
	cr_expect_not(timeline_has("Escalate to CTO"));

	/* An update sent restarts the clock. */
	cr_assert_eq(incident_mark_update_sent(incident_ui_incident(iu),
					       "alice", "slack", "update text",
					       NULL), 0);
	clock_advance_fake(1000);
	incident_ui_collect(&a);
	cr_expect_eq(a.incident.update_state, APP_TIMER_OK);
	cr_expect_eq(a.incident.update_in_ms, 30 * MIN_MS - 1000);

	/* Past an hour: the CTO. */
	clock_advance_fake(30 * MIN_MS);
	incident_ui_collect(&a);
	cr_assert_eq(journal_flush(incident_journal(
			     incident_ui_incident(iu))), 0);
	cr_expect(timeline_has("Escalate to CTO"));

	/* Resolved: no update due, the clock stops. */
	cr_assert_eq(incident_set_status(incident_ui_incident(iu),
					 INCIDENT_RESOLVED, "alice", &err), 0);
	clock_advance_fake(10 * MIN_MS);
	incident_ui_collect(&a);
	cr_expect(a.incident.resolved);
	cr_expect_str_eq(a.incident.status, "Resolved");
	cr_expect_eq(a.incident.update_state, APP_TIMER_NONE);
	cr_expect_eq(a.incident.elapsed_ms, 61 * MIN_MS + 1000);
	app_finish(&a);
}

Test(timers, no_incident_is_shown_as_such)
{
	struct app a;

	iu = new_iu(NULL);
	theme_defaults(&theme);
	app_init(&a, st, NULL, tl, NULL, &theme, false, false);
	a.iu = iu;
	incident_ui_collect(&a);
	cr_expect_not(a.incident.active);
	cr_expect_not(a.incident.declaring);
	app_finish(&a);
}

/* ---- keys: declare, note, status, exports ---------------------------- */

TestSuite(keys, .init = setup_screen, .fini = teardown_screen,
	  .timeout = 20);

static void
type(struct app *a, const char *s)
{
	for (; *s != '\0'; s++) {
		command_key(a, (unsigned char)*s, true);
	}
}

/* Runs the loop's collection until cond(a) or 5 s. */
static bool
collect_until(struct app *a, bool (*cond)(const struct app *a))
{
	for (int i = 0; i < 500; i++) {
		incident_ui_collect(a);
		if (cond(a)) {
			return true;
		}
		usleep(10000);
	}
	return false;
}

static bool
has_incident(const struct app *a)
{
	return a->incident.active;
}

static bool
has_export(const struct app *a)
{
	return a->overlay == OVERLAY_EXPORT;
}

/* The worker's answer to a change reached the status line. */
static bool
change_done(const struct app *a)
{
	return strncmp(a->status, "writing", 7) != 0;
}

static void
app_start(struct app *a)
{
	app_init(a, st, NULL, tl, NULL, &theme, false, false);
	a->iu = iu;
	a->win = stdscr;
	app_resize(a, 48, 160);
}

Test(keys, declare_with_i_off_the_ui_thread)
{
	struct app a;
	struct incident_info info;

	iu = new_iu(NULL);
	app_start(&a);
	type(&a, "n");
	cr_expect(strstr(a.status, "press i") != NULL, "%s", a.status);
	type(&a, "i");
	cr_assert(dialog_is_open(&a.dlg));
	cr_expect_eq(a.dlg.tag, APP_DLG_DECLARE_TITLE);
	type(&a, "Search is down\n");
	cr_assert(dialog_is_open(&a.dlg));
	cr_expect_eq(a.dlg.tag, APP_DLG_DECLARE_SEVERITY);
	cr_expect(strstr(a.dlg.body, "> P2") != NULL, "%s", a.dlg.body);
	type(&a, "p");
	cr_expect(strstr(a.dlg.body, "> P3") != NULL, "%s", a.dlg.body);
	type(&a, "1");
	cr_expect(strstr(a.dlg.body, "> P1") != NULL, "%s", a.dlg.body);
	cr_expect(strstr(a.dlg.body, "respond: 1 h, updates: 30 min") !=
		  NULL, "%s", a.dlg.body);
	cr_expect(strstr(a.dlg.body, "[ ] security incident") != NULL);
	type(&a, "s");
	cr_expect(strstr(a.dlg.body, "[x] security incident") != NULL, "%s",
		  a.dlg.body);
	type(&a, "\n");
	cr_assert(dialog_is_open(&a.dlg));
	cr_expect_eq(a.dlg.tag, APP_DLG_DECLARE_COMMANDER);
	/* The commander: replace the suggestion. */
	command_key(&a, 0x15, true);
	type(&a, "dana\n");
	cr_expect_not(dialog_is_open(&a.dlg));
	cr_assert(collect_until(&a, has_incident));
	incident_get(incident_ui_incident(iu), &info);
	cr_expect_str_eq(info.title, "Search is down");
	cr_expect_eq(info.severity, INCIDENT_P1);
	cr_expect_str_eq(info.commander, "dana");
	cr_expect(info.security);
	incident_info_finish(&info);
	/* A security incident asks the CTO in at once. */
	cr_expect(strstr(a.status, "Escalate to CTO: security incident") !=
		  NULL, "%s", a.status);
	cr_expect(timeline_has("Declared INC-"));
	cr_expect(timeline_has("Marked as a security incident"));
	app_finish(&a);
}

Test(keys, note_status_and_exports)
{
	struct err err = { { 0 } };
	struct journal_rec *recs;
	const struct journal_rec *note;
	struct app a;
	struct stat sb;
	char path[128];
	size_t n;

	clock_set_fake(1000, T0);
	iu = new_iu(NULL);
	cr_assert_eq(incident_ui_declare_now(iu, "Checkout down",
					     INCIDENT_P1, "alice", &err), 0);
	app_start(&a);
	/* The start message first. */
	incident_ui_collect(&a);

	type(&a, "n");
	cr_assert(dialog_is_open(&a.dlg));
	cr_expect_eq(a.dlg.tag, APP_DLG_NOTE);
	type(&a, "pid 4242 holds the lock\n");
	/* Not "added" until it is on disk. */
	cr_expect(strstr(a.status, "writing the note to " ID) != NULL, "%s",
		  a.status);
	cr_assert(collect_until(&a, change_done));
	cr_expect(strstr(a.status, "note added to " ID) != NULL, "%s",
		  a.status);
	type(&a, "n");
	type(&a, "impact: 20% of checkouts fail\n");
	cr_assert(collect_until(&a, change_done));
	cr_expect(strstr(a.status, "impact stated") != NULL, "%s", a.status);

	/* The chooser starts at the next status; 5 picks Resolved. */
	type(&a, "t");
	cr_assert(dialog_is_open(&a.dlg));
	cr_expect(strstr(a.dlg.body, "Investigating \u2192 Identified") !=
		  NULL, "%s", a.dlg.body);
	type(&a, "5");
	cr_expect(strstr(a.dlg.body, "Investigating \u2192 Resolved") !=
		  NULL, "%s", a.dlg.body);
	/* Esc cancels: nothing changes. */
	command_key(&a, 27, true);
	cr_expect_not(dialog_is_open(&a.dlg));
	type(&a, "t3\n");
	cr_assert(collect_until(&a, change_done));
	cr_expect(strstr(a.status, "is now Mitigating") != NULL, "%s",
		  a.status);
	cr_expect_str_eq(a.incident.status, "Mitigating");
	type(&a, "p0y");
	cr_assert(collect_until(&a, change_done));
	clock_advance_fake(1000);
	incident_ui_collect(&a);
	cr_expect_str_eq(a.incident.severity, "P0");

	recs = incident_fixture_records(incident_ui_incident(iu), &n);
	note = incident_fixture_find(recs, n, TL_NOTE);
	cr_assert_not_null(note);
	cr_expect_str_eq(note->text, "pid 4242 holds the lock");
	{
		char who[128];

		/* Signed by the operator: OS user, sudo, ssh. */
		actions_who(who, sizeof(who));
		cr_expect_str_eq(note->who, who);
	}
	journal_recs_free(recs, n);

	/* P: drafted and saved by the worker, shown when done. */
	type(&a, "P");
	cr_assert(collect_until(&a, has_export));
	cr_expect(strstr(a.tv.text, "# Post-Incident Report: " ID " — "
			 "Checkout down") != NULL);
	cr_expect(strstr(a.tv.text, "pid 4242 holds the lock") != NULL);
	cr_expect(strstr(a.tv.text, "20% of checkouts fail") != NULL);
	snprintf(path, sizeof(path), "%s/%s-postmortem.md", dir, ID);
	cr_assert_eq(stat(path, &sb), 0, "no %s", path);
	cr_expect_eq(sb.st_mode & 0777, 0600);
	cr_expect(strstr(a.status, path) != NULL, "%s", a.status);
	command_key(&a, 27, true);
	cr_expect_eq(a.overlay, OVERLAY_NONE);

	/* u: both drafts; m marks the update sent. */
	type(&a, "u");
	cr_assert(collect_until(&a, has_export));
	cr_expect(strstr(a.tv.text, "Incident ID: " ID) != NULL);
	cr_expect(strstr(a.tv.text, "Subject: [P0]") != NULL);
	snprintf(path, sizeof(path), "%s/%s-update-1.txt", dir, ID);
	cr_expect_eq(stat(path, &sb), 0, "no %s", path);
	/* Without a webhook, s says how to configure one. */
	type(&a, "s");
	cr_expect(strstr(a.status, "slack_webhook_file") != NULL, "%s",
		  a.status);
	type(&a, "m");
	cr_expect_eq(a.overlay, OVERLAY_NONE);
	cr_assert(collect_until(&a, change_done));
	cr_expect(strstr(a.status, "marked as sent") != NULL, "%s", a.status);
	recs = incident_fixture_records(incident_ui_incident(iu), &n);
	{
		bool sent = false;

		for (size_t i = 0; i < n; i++) {
			sent |= recs[i].event != NULL &&
				strcmp(recs[i].event, "update") == 0;
		}
		cr_expect(sent, "no update record");
	}
	journal_recs_free(recs, n);
	app_finish(&a);
}

/* ---- Slack ----------------------------------------------------------- */

#if HAVE_LIBCURL

struct listener {
	int fd;
	char request[8192];
};

static void *
serve_one(void *arg)
{
	struct listener *l = arg;
	static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 2"
				    "\r\nConnection: close\r\n\r\nok";
	size_t len = 0;
	int c = accept(l->fd, NULL, NULL);

	if (c < 0) {
		return NULL;
	}
	/* Headers and the small body arrive together or nearly. */
	for (int i = 0; i < 50 && len + 1 < sizeof(l->request); i++) {
		ssize_t n = read(c, l->request + len,
				 sizeof(l->request) - 1 - len);

		if (n <= 0) {
			break;
		}
		len += (size_t)n;
		l->request[len] = '\0';
		if (strstr(l->request, "\r\n\r\n") != NULL &&
		    strstr(l->request, "\"}") != NULL) {
			break;
		}
	}
	if (write(c, reply, sizeof(reply) - 1) < 0) {
		cr_log_warn("write failed");
	}
	close(c);
	return NULL;
}

static int
listen_any(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (void *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(fd, 1), 0);
	cr_assert_eq(getsockname(fd, (void *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* The header's clocks: whole minutes (they move once a minute, so an idle
 * dashboard writes nothing between), seconds only around the moment the
 * update falls due, and the UTC time in hours and minutes. */
static const char *
header_row(struct app *a)
{
	static char row[200];

	werase(stdscr);
	header_draw(a);
	cr_assert_neq(mvwinnstr(stdscr, 0, 0, row, 160), ERR);
	return row;
}

Test(keys, header_clocks_move_by_the_minute)
{
	struct err err = { { 0 } };
	struct app a;

	clock_set_fake(1000, T0 + 20 * 1000);
	iu = new_iu(NULL);
	cr_assert_eq(incident_ui_declare_now(iu, "Checkout down",
					     INCIDENT_P1, "alice", &err), 0,
		     "%s", err.msg);
	app_init(&a, st, NULL, tl, NULL, &theme, false, false);
	a.iu = iu;
	a.win = stdscr;
	app_resize(&a, 48, 160);
	incident_ui_collect(&a);
	cr_expect(strstr(header_row(&a), ID " P1 Investigating for 0m  "
					 "next update in 30m") != NULL,
		  "%s", header_row(&a));
	cr_expect(strstr(header_row(&a), " 10:00Z") != NULL, "%s",
		  header_row(&a));

	/* 59 s later nothing in the header has moved. */
	clock_advance_fake(59 * 1000);
	incident_ui_collect(&a);
	cr_expect(strstr(header_row(&a), "for 0m  next update in 30m") !=
		  NULL, "%s", header_row(&a));
	cr_expect(strstr(header_row(&a), " 10:01Z") != NULL, "%s",
		  header_row(&a));

	/* 1 s more: a minute has run, 29 minutes are left. */
	clock_advance_fake(1000);
	incident_ui_collect(&a);
	cr_expect(strstr(header_row(&a), "for 1m  next update in 29m") !=
		  NULL, "%s", header_row(&a));

	/* Within the last minute, seconds. */
	clock_advance_fake(28 * MIN_MS + 15 * 1000);
	incident_ui_collect(&a);
	cr_expect(strstr(header_row(&a), "for 29m  next update in 45s") !=
		  NULL, "%s", header_row(&a));

	/* Just overdue: seconds; then whole minutes. */
	clock_advance_fake(52 * 1000);
	incident_ui_collect(&a);
	cr_expect(strstr(header_row(&a), "for 30m  update overdue 7s") !=
		  NULL, "%s", header_row(&a));
	clock_advance_fake(33 * MIN_MS);
	incident_ui_collect(&a);
	cr_expect(strstr(header_row(&a), "for 1h03m  update overdue 33m") !=
		  NULL, "%s", header_row(&a));
	app_finish(&a);
}

TestSuite(slack, .init = setup, .fini = teardown, .timeout = 30);

Test(slack, posts_the_payload_and_never_shows_the_url)
{
	struct listener l = { 0 };
	const struct action_impl *post;
	struct action_req req;
	struct err err = { { 0 } };
	char hook[128], url[128], text[4096], result[ERR_MSG_MAX];
	pthread_t th;
	FILE *f;
	int port;

	l.fd = listen_any(&port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/services/T0/B0/"
		 "SeCrEtToKeN", port);
	snprintf(hook, sizeof(hook), "%s/hook", dir);
	f = fopen(hook, "w");
	cr_assert_not_null(f);
	fprintf(f, "  %s  \n", url);
	fclose(f);
	cr_assert_eq(pthread_create(&th, NULL, serve_one, &l), 0);

	post = slack_prepare(&req, ID, 2, hook,
			     "*Update #2*\nAll \"good\" now");
	post->describe(&req, text, sizeof(text));
	cr_expect(strstr(text, "POST <slack webhook>") != NULL, "%s", text);
	cr_expect(strstr(text, "*Update #2* All \\\"good\\\" now") != NULL ||
		  strstr(text, "*Update #2* All \"good\" now") != NULL, "%s",
		  text);
	cr_expect(strstr(text, "SeCrEtToKeN") == NULL, "%s", text);
	cr_expect(strstr(text, "127.0.0.1") == NULL, "%s", text);

	cr_assert_eq(post->run(&req, result, sizeof(result), &err), 0, "%s",
		     err.msg);
	pthread_join(th, NULL);
	close(l.fd);
	cr_expect_str_eq(result, "posted to Slack (HTTP 200)");
	cr_expect(strncmp(l.request, "POST /services/T0/B0/SeCrEtToKeN ",
			  33) == 0, "%s", l.request);
	cr_expect(strstr(l.request, "application/json") != NULL);
	cr_expect(strstr(l.request, "{\"text\":\"*Update #2*\\nAll "
				    "\\\"good\\\" now\"}") != NULL, "%s",
		  l.request);
	cr_expect_not(post->spec->destructive);
	cr_expect_eq(req.target.type, TARGET_UPDATE);
	cr_expect_str_eq(action_req_target(&req), "status update #2 of " ID);
}

Test(slack, errors_name_the_file_not_the_url)
{
	const struct action_impl *post;
	struct action_req req;
	struct err err = { { 0 } };
	char hook[128], result[ERR_MSG_MAX];
	FILE *f;
	int port, fd;

	/* A port nobody listens on any more. */
	fd = listen_any(&port);
	close(fd);
	snprintf(hook, sizeof(hook), "%s/hook", dir);
	f = fopen(hook, "w");
	cr_assert_not_null(f);
	fprintf(f, "http://127.0.0.1:%d/services/SeCrEtToKeN\n", port);
	fclose(f);
	post = slack_prepare(&req, ID, 1, hook, "text");
	cr_expect_eq(post->run(&req, result, sizeof(result), &err), -1);
	cr_expect_str_neq(err.msg, "");
	cr_expect(strstr(err.msg, "SeCrEtToKeN") == NULL, "%s", err.msg);

	/* A missing file: its path, which is no secret. */
	post = slack_prepare(&req, ID, 1, "/nonexistent/hook", "text");
	err_clear(&err);
	cr_expect_eq(post->run(&req, result, sizeof(result), &err), -1);
	cr_expect(strstr(err.msg, "/nonexistent/hook") != NULL, "%s",
		  err.msg);
}

#endif
