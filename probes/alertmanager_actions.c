/* The Alertmanager actions: silence an alert with the matchers the
 * operator left (every label of the alert, exactly, unless edited),
 * expire a silence, extend one. describe() runs on any thread and reads
 * only the request and the snapshot it was confirmed against; preview()
 * and run() run on the action worker, each with an HTTP client of its
 * own. */
#include "probes/alertmanager.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/http.h"

/* Alerts a silence's preview names, of those it matches. */
#define PREVIEW_ALERTS_MAX 5

static bool
cancelled(void *arg)
{
	return action_cancelled();
}

static struct http_client *
action_client(const struct action_req *req, struct err *err)
{
	struct http_client *c;

	if (req->section == NULL) {
		err_set(err, "no configuration for %s", req->source);
		return NULL;
	}
	c = http_client_new(req->section, err);
	if (c != NULL) {
		http_client_set_cancel(c, cancelled, NULL);
	}
	return c;
}

/* The alerts Alertmanager has now: 0 with *alerts (the caller finishes
 * it), or -1 with err. */
static int
current_alerts(struct http_client *c, struct prom_alerts *alerts,
	       struct err *err)
{
	struct http_resp resp;
	int rc;

	if (am_request(c, "GET", "/api/v2/alerts", NULL, &resp, err) < 0) {
		return -1;
	}
	rc = prom_json_parse_am_alerts(resp.body, resp.len, alerts, err);
	http_resp_finish(&resp);
	return rc < 0 ? prom_json_blame(err, http_client_addr(c)) : 0;
}

static const struct prom_alert *
alert_by_fp(const struct prom_alerts *alerts, const char *fp)
{
	size_t i;

	for (i = 0; i < alerts->n; i++) {
		if (strcmp(alerts->v[i].fingerprint, fp) == 0) {
			return &alerts->v[i];
		}
	}
	return NULL;
}

/* The row of req's alert in the snapshot it was confirmed against. */
static const struct alert_row *
snap_alert(const struct action_req *req)
{
	const struct alerts_model *m = req->snap != NULL ?
		snapshot_alerts(req->snap) : NULL;
	size_t i;

	for (i = 0; m != NULL && i < m->n_alerts; i++) {
		if (strcmp(m->alerts[i].fingerprint,
			   req->target.u.alert.fingerprint) == 0) {
			return &m->alerts[i];
		}
	}
	return NULL;
}

static const struct silence_row *
snap_silence(const struct action_req *req)
{
	const struct alerts_model *m = req->snap != NULL ?
		snapshot_alerts(req->snap) : NULL;
	size_t i;

	for (i = 0; m != NULL && i < m->n_silences; i++) {
		if (strcmp(m->silences[i].id, req->target.u.silence.id) == 0) {
			return &m->silences[i];
		}
	}
	return NULL;
}

/* Whether alert a satisfies m: 1, 0, or -1 when a regex cannot be
 * checked here. */
static int
alert_matches(const struct prom_alert *a, const struct alerts_matcher *m,
	      size_t n_m)
{
	const char **names = xcalloc(a->n_labels + 1, sizeof(*names));
	const char **values = xcalloc(a->n_labels + 1, sizeof(*values));
	size_t i;
	int rc;

	for (i = 0; i < a->n_labels; i++) {
		names[i] = a->labels[i].name;
		values[i] = a->labels[i].value;
	}
	rc = alerts_matchers_match(m, n_m, names, values, a->n_labels);
	free(names);
	free(values);
	return rc;
}

/* ---- A: silence the selected alert --------------------------------- */

static void
describe_silence(const struct action_req *req, char *buf, size_t n)
{
	const struct alert_row *row = snap_alert(req);
	struct alerts_silence sil;
	char author[300], dur[24], until[32], m[1024];
	struct err err;

	am_author(author, sizeof(author));
	buf[0] = '\0';
	strappendf(buf, n, "POST /api/v2/silences\n");
	strappendf(buf, n, "Target: alert %s (fingerprint %s)\n",
		   action_req_target(req), req->target.u.alert.fingerprint);
	if (alerts_parse_silence(req->arg, &sil, &err) < 0) {
		strappendf(buf, n, "%s\n", err.msg);
		return;
	}
	if (sil.n_m > 0) {
		alerts_matchers_text(sil.m, sil.n_m, m, sizeof(m));
		strappendf(buf, n, "Matchers: %s\n", m);
	} else {
		strappendf(buf, n, "Matchers: every label of the alert, "
			   "exactly%s%s\n", row != NULL && row->matchers ?
			   ": " : "", row != NULL && row->matchers ?
			   row->matchers : "");
	}
	clock_format_duration(sil.dur_ms, dur, sizeof(dur));
	clock_format_utc(clock_wall_ms() + sil.dur_ms, 0, until,
			 sizeof(until));
	strappendf(buf, n, "Starts now, ends in %s (%s)\n", dur, until);
	strappendf(buf, n, "Comment: %s\n", sil.comment);
	strappendf(buf, n, "Author: %s\n", author);
	strappendf(buf, n, "Matching alerts stop notifying anyone until the "
		   "silence ends; they stay listed here as silenced.");
}

/* The matchers a silence request stands for: the operator's, else every
 * label of its alert among alerts. Returns how many, or -1 with err. */
static int
request_matchers(const struct action_req *req,
		 const struct alerts_silence *sil,
		 const struct prom_alerts *alerts, struct alerts_matcher *m,
		 struct err *err)
{
	const struct prom_alert *a;

	if (sil->n_m > 0) {
		memcpy(m, sil->m, sil->n_m * sizeof(*m));
		return (int)sil->n_m;
	}
	a = alert_by_fp(alerts, req->target.u.alert.fingerprint);
	if (a == NULL) {
		return err_set(err, "alert %s is no longer firing",
			       req->target.u.alert.fingerprint);
	}
	return (int)am_label_matchers(a->labels, a->n_labels, m,
				      ALERTS_MATCHERS_MAX);
}

static int
preview_silence(const struct action_req *req, char *buf, size_t n,
		struct err *err)
{
	struct alerts_matcher m[ALERTS_MATCHERS_MAX];
	struct alerts_silence sil;
	struct prom_alerts alerts;
	struct http_client *c;
	char text[1024];
	size_t i, hits = 0;
	bool unsure = false;
	int n_m;

	if (req->target.type != TARGET_ALERT) {
		return err_set(err, "no alert selected");
	}
	if (alerts_parse_silence(req->arg, &sil, err) < 0 ||
	    (c = action_client(req, err)) == NULL) {
		return -1;
	}
	if (current_alerts(c, &alerts, err) < 0) {
		http_client_free(c);
		return -1;
	}
	http_client_free(c);
	if ((n_m = request_matchers(req, &sil, &alerts, m, err)) < 0) {
		prom_alerts_finish(&alerts);
		return -1;
	}
	alerts_matchers_text(m, (size_t)n_m, text, sizeof(text));
	buf[0] = '\0';
	strappendf(buf, n, "Matchers: %s", text);
	for (i = 0; i < alerts.n; i++) {
		const struct prom_alert *a = &alerts.v[i];
		int rc = alert_matches(a, m, (size_t)n_m);

		unsure |= rc < 0;
		if (rc != 1) {
			continue;
		}
		if (hits++ < PREVIEW_ALERTS_MAX) {
			const char *name = prom_label_get(a->labels,
							  a->n_labels,
							  "alertname");

			strappendf(buf, n, "%s%s", hits == 1 ?
				   "\nSilences now: " : ", ",
				   name != NULL ? name : a->fingerprint);
		}
	}
	if (hits > PREVIEW_ALERTS_MAX) {
		strappendf(buf, n, " and %zu more", hits - PREVIEW_ALERTS_MAX);
	}
	if (hits == 0) {
		strappendf(buf, n, "\nSilences no alert firing now");
	} else {
		strappendf(buf, n, " (%zu alert%s)", hits,
			   hits == 1 ? "" : "s");
	}
	if (unsure) {
		strappendf(buf, n, "\nA regex could not be checked here; "
			   "Alertmanager will check it.");
	}
	prom_alerts_finish(&alerts);
	return 0;
}

static int
run_silence(const struct action_req *req, char *result, size_t n,
	    struct err *err)
{
	struct alerts_matcher m[ALERTS_MATCHERS_MAX];
	struct alerts_silence sil;
	struct prom_alerts alerts;
	struct http_client *c;
	struct http_resp resp;
	const struct prom_alert *a;
	const char *name = NULL;
	char author[300], id[128], until[32], dur[24];
	char *body;
	int64_t now;
	int rc, n_m;

	if (req->target.type != TARGET_ALERT) {
		return err_set(err, "no alert selected");
	}
	if (alerts_parse_silence(req->arg, &sil, err) < 0 ||
	    (c = action_client(req, err)) == NULL) {
		return -1;
	}
	if (current_alerts(c, &alerts, err) < 0) {
		http_client_free(c);
		return -1;
	}
	if ((n_m = request_matchers(req, &sil, &alerts, m, err)) < 0) {
		prom_alerts_finish(&alerts);
		http_client_free(c);
		return -1;
	}
	if ((a = alert_by_fp(&alerts, req->target.u.alert.fingerprint)) !=
	    NULL) {
		name = prom_label_get(a->labels, a->n_labels, "alertname");
	}
	am_author(author, sizeof(author));
	now = clock_wall_ms();
	/* Alertmanager moves a start in the past to now; a start in the
	 * future (a clock ahead of the server's) would leave the silence
	 * pending, so start a minute early. */
	body = am_silence_body(NULL, m, (size_t)n_m, now - 60000,
			       now + sil.dur_ms, author, sil.comment);
	rc = am_request(c, "POST", "/api/v2/silences", body, &resp, err);
	free(body);
	if (rc == 0) {
		rc = prom_json_parse_silence_id(resp.body, resp.len, id,
						sizeof(id), err);
		http_resp_finish(&resp);
	}
	if (rc == 0) {
		clock_format_utc(now + sil.dur_ms, 0, until, sizeof(until));
		clock_format_duration(sil.dur_ms, dur, sizeof(dur));
		snprintf(result, n, "silence %s created for %s%s until %s "
			 "(%s)", id, name != NULL ? name :
			 req->target.u.alert.fingerprint,
			 sil.n_m > 0 ? " by its edited matchers" : "", until,
			 dur);
	}
	prom_alerts_finish(&alerts);
	http_client_free(c);
	return rc;
}

/* ---- E: expire a silence, X: extend one ------------------------------ */

/* Alertmanager's ids are UUIDs; anything else never reaches a URL. */
static bool
valid_silence_id(const char *id)
{
	size_t n = 0;

	for (; *id != '\0'; id++, n++) {
		if (!isxdigit((unsigned char)*id) && *id != '-') {
			return false;
		}
	}
	return n > 0 && n <= 64;
}

static void
describe_expire(const struct action_req *req, char *buf, size_t n)
{
	snprintf(buf, n,
		 "DELETE /api/v2/silence/%s\n"
		 "Target: %s\n"
		 "The alerts it matched notify again at once.",
		 req->target.u.silence.id, action_req_target(req));
}

static int
run_expire(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	const char *id = req->target.u.silence.id;
	struct http_client *c;
	struct http_resp resp;
	char *path;
	int rc;

	if (req->target.type != TARGET_SILENCE || !valid_silence_id(id)) {
		return err_set(err, "not a silence id: %.64s", id);
	}
	c = action_client(req, err);
	if (c == NULL) {
		return -1;
	}
	path = xasprintf("/api/v2/silence/%s", id);
	rc = am_request(c, "DELETE", path, NULL, &resp, err);
	free(path);
	if (rc == 0) {
		http_resp_finish(&resp);
		snprintf(result, n, "silence %s expired", id);
	}
	http_client_free(c);
	return rc;
}

/* The comment of an extended silence: its own, and the operator's
 * reason when one was given. */
static char *
extended_comment(const char *old, const char *author, const char *why)
{
	if (why == NULL || why[0] == '\0') {
		return xstrdup(old);
	}
	return xasprintf("%s%sextended by %s: %s", old, old[0] ? " / " : "",
			 author, why);
}

static void
describe_extend(const struct action_req *req, char *buf, size_t n)
{
	const struct silence_row *row = snap_silence(req);
	const char *why;
	char from[32], to[32], dur[24], left[24];
	int64_t ms, now = clock_wall_ms(), end;
	struct err err;

	buf[0] = '\0';
	strappendf(buf, n, "POST /api/v2/silences {id: %s, endsAt: later}\n",
		   req->target.u.silence.id);
	if (alerts_parse_extend(req->arg, &ms, &why, &err) < 0) {
		strappendf(buf, n, "%s\n", err.msg);
		return;
	}
	clock_format_duration(ms, dur, sizeof(dur));
	if (row == NULL) {
		strappendf(buf, n, "Target: silence %s (not in the latest "
			   "poll): it ends %s later than it does now\n",
			   req->target.u.silence.id, dur);
		return;
	}
	strappendf(buf, n, "Target: silence %s: %s\n", row->id, row->matchers);
	end = (row->ends_ms > now ? row->ends_ms : now) + ms;
	clock_format_utc(row->ends_ms, 0, from, sizeof(from));
	clock_format_utc(end, 0, to, sizeof(to));
	clock_format_duration(row->ends_ms > now ? row->ends_ms - now : 0,
			      left, sizeof(left));
	strappendf(buf, n, "Ends %s (in %s); extended by %s it ends %s\n",
		   from, left, dur, to);
	if (why[0] != '\0') {
		strappendf(buf, n, "Comment added: %s\n", why);
	}
	strappendf(buf, n, "Its alerts stay silent until then; matchers, "
		   "start and author are kept.");
}

/* The silence id now: GET /api/v2/silence/ID into *out (one silence). */
static int
get_silence(struct http_client *c, const char *id, struct prom_silences *out,
	    struct err *err)
{
	struct http_resp resp;
	char *path = xasprintf("/api/v2/silence/%s", id);
	int rc = am_request(c, "GET", path, NULL, &resp, err);

	free(path);
	if (rc < 0) {
		return -1;
	}
	rc = prom_json_parse_am_silence(resp.body, resp.len, out, err);
	http_resp_finish(&resp);
	return rc < 0 ? prom_json_blame(err, http_client_addr(c)) : 0;
}

static int
run_extend(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	const char *id = req->target.u.silence.id, *why;
	struct alerts_matcher m[ALERTS_MATCHERS_MAX];
	struct prom_silences cur;
	const struct prom_silence *s;
	struct http_client *c;
	struct http_resp resp;
	char author[300], new_id[128], until[32], dur[24];
	char *body, *comment;
	int64_t ms, now, end;
	int rc;

	if (req->target.type != TARGET_SILENCE || !valid_silence_id(id)) {
		return err_set(err, "not a silence id: %.64s", id);
	}
	if (alerts_parse_extend(req->arg, &ms, &why, err) < 0 ||
	    (c = action_client(req, err)) == NULL) {
		return -1;
	}
	if (get_silence(c, id, &cur, err) < 0) {
		http_client_free(c);
		return -1;
	}
	s = &cur.v[0];
	if (strcmp(s->state, "expired") == 0) {
		prom_silences_finish(&cur);
		http_client_free(c);
		return err_set(err, "silence %s has expired: silence the "
			       "alert again (A)", id);
	}
	am_author(author, sizeof(author));
	now = clock_wall_ms();
	end = (s->ends_ms > now ? s->ends_ms : now) + ms;
	comment = extended_comment(s->comment, author, why);
	/* The same id, matchers and start: Alertmanager updates it in
	 * place. */
	body = am_silence_body(id, m, am_silence_matchers(s, m,
							  ALERTS_MATCHERS_MAX),
			       s->starts_ms, end, s->created_by, comment);
	free(comment);
	rc = am_request(c, "POST", "/api/v2/silences", body, &resp, err);
	free(body);
	if (rc == 0) {
		rc = prom_json_parse_silence_id(resp.body, resp.len, new_id,
						sizeof(new_id), err);
		http_resp_finish(&resp);
	}
	if (rc == 0) {
		clock_format_utc(end, 0, until, sizeof(until));
		clock_format_duration(ms, dur, sizeof(dur));
		snprintf(result, n, "silence %s extended by %s: it ends %s%s%s",
			 id, dur, until, strcmp(new_id, id) != 0 ?
			 ", now as silence " : "",
			 strcmp(new_id, id) != 0 ? new_id : "");
	}
	prom_silences_finish(&cur);
	http_client_free(c);
	return rc;
}

const struct action_impl alertmanager_actions[] = {
	{
		.spec = &action_silence,
		.describe = describe_silence,
		.run = run_silence,
		.preview = preview_silence,
	},
	{
		.spec = &action_expire_silence,
		.describe = describe_expire,
		.run = run_expire,
	},
	{
		.spec = &action_extend_silence,
		.describe = describe_extend,
		.run = run_extend,
	},
	{ .spec = NULL },
};
