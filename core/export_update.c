/* A status update for stakeholders, after the runbooks' templates (Slack
 * and email): status, impact, what changed since the last update in plain
 * sentences, what is still open, and the next update's time. Operator
 * chatter stays out of it: notes, silences, source flaps, findings that
 * came and went, identifiers. Pure: the same arguments always give the
 * same bytes. Any thread. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/export.h"
#include "core/export_internal.h"
#include "core/xalloc.h"

/* A finding that opened and cleared within one update and lasted less
 * than this, never critical, is noise to a stakeholder. */
#define NOISE_MS (2 * MIN_MS)
/* A source down longer than this at the time of the update is news. */
#define BLIND_MS (2 * MIN_MS)
/* A finding that clears within this of a mitigation is its effect. */
#define EFFECT_MS (15 * MIN_MS)

struct upd {
	const struct incident_info *inc;
	const struct journal_rec *recs;
	size_t n;
	struct ex_finding *v;
	size_t nv;
	int64_t since, now;
	const char *bullet;
	size_t shown;
	bool *told;             /* per finding: its close was told already */
};

static const struct ex_finding *
finding_of(const struct upd *u, const struct journal_rec *r, size_t *at)
{
	size_t i;

	for (i = 0; i < u->nv; i++) {
		if (u->v[i].open == r || u->v[i].close == r) {
			*at = i;
			return &u->v[i];
		}
	}
	return NULL;
}

/* Came and went within this update, short and never critical. */
static bool
noise(const struct upd *u, const struct ex_finding *x)
{
	return x->close != NULL && x->open->ts_ms > u->since &&
	       x->close->ts_ms <= u->now && x->worst != HEALTH_CRIT &&
	       x->close->ts_ms - x->open->ts_ms < NOISE_MS;
}

static void
line_start(struct upd *u, FILE *f, int64_t at)
{
	char t[32];

	u->shown++;
	fprintf(f, "%s%s UTC ", u->bullet, ex_hm(at, u->now, t, sizeof(t)));
}

/* What cleared: the close's text without "cleared: " and its "(open ...)"
 * tail. */
static void
put_cleared(FILE *f, const struct journal_rec *close)
{
	const char *t = close->text ? close->text : "";
	const char *end;
	char *cut;

	if (strncmp(t, "cleared: ", 9) == 0) {
		t += 9;
	}
	end = strstr(t, " (open ");
	cut = end != NULL ? xstrndup(t, (size_t)(end - t)) : xstrdup(t);
	ex_put(f, cut);
	free(cut);
}

/* "p95 latency (prometheus.main) is back to 182 ms (worst 2.9 s)", or
 * what the close says when it has no number. */
static void
put_back_to(FILE *f, const struct ex_finding *x, const struct journal_rec *c)
{
	char v[48], w[48];

	ex_put_subject(f, x);
	if (!ex_empty(c->source)) {
		fputs(" (", f);
		ex_put(f, c->source);
		fputc(')', f);
	}
	if (isnan(c->value)) {
		fputs(": ", f);
		put_cleared(f, c);
		return;
	}
	fprintf(f, " is back to %s", ex_value(x, c->value, v, sizeof(v)));
	if (!isnan(x->peak)) {
		fprintf(f, " (worst %s)", ex_value(x, x->peak, w, sizeof(w)));
	}
}

/* The alert's name: its subject without "alert ". */
static void
put_alert(FILE *f, const struct ex_finding *x)
{
	const char *s = x->open->subject;

	if (s != NULL && strncmp(s, "alert ", 6) == 0) {
		ex_put(f, s + 6);
	} else {
		ex_put_subject(f, x);
	}
}

/* A mitigation and what cleared on its source in the quarter hour
 * after. */
static void
say_action(struct upd *u, FILE *f, const struct journal_rec *r)
{
	const struct journal_rec *res = ex_result_of(r, u->recs, u->n);
	const char *o;
	char t[32], *text = ex_first_line(r->text);
	size_t i, effects = 0;

	if (res != NULL && res->ts_ms > u->now) {
		res = NULL;
	}
	o = ex_outcome(res);
	line_start(u, f, r->ts_ms);
	fputs(text, f);
	free(text);
	if (o == NULL) {
		fputs(u->inc->status == INCIDENT_RESOLVED ?
		      ": the outcome was not recorded." : ": in progress.", f);
		return;
	}
	fputs(strcmp(o, "ok") == 0 ? ": done" : strcmp(o, "cancelled") == 0 ?
	      ": stopped part way" : ": failed", f);
	if (!ex_empty(res->result)) {
		fputs(" (", f);
		ex_put(f, res->result);
		fputc(')', f);
	}
	fputs(".", f);
	for (i = 0; strcmp(o, "ok") == 0 && i < u->nv; i++) {
		const struct journal_rec *c = u->v[i].close;

		if (c == NULL || c->ts_ms < res->ts_ms || c->ts_ms > u->now ||
		    c->ts_ms - res->ts_ms > EFFECT_MS || u->v[i].alert ||
		    strcmp(c->source ? c->source : "",
			   r->source ? r->source : "") != 0 ||
		    u->v[i].open->ts_ms > res->ts_ms) {
			continue;
		}
		fputs(effects++ == 0 ? " After it, " : "; ", f);
		put_back_to(f, &u->v[i], c);
		fprintf(f, " at %s", ex_hm(c->ts_ms, u->now, t, sizeof(t)));
		u->told[i] = true;
	}
	if (effects > 0) {
		fputs(".", f);
	}
}

static void
say_finding(struct upd *u, FILE *f, const struct journal_rec *r)
{
	const struct ex_finding *x;
	size_t at;

	if ((x = finding_of(u, r, &at)) == NULL || noise(u, x) ||
	    ex_preexisting(x)) {
		return;
	}
	if (r == x->open) {
		line_start(u, f, r->ts_ms);
		if (x->alert) {
			fputs("The alert ", f);
			put_alert(f, x);
			fputs(" began firing", f);
			if (!ex_empty(r->level)) {
				fprintf(f, " (%s)", strcmp(r->level, "crit") ?
					"warning" : "critical");
			}
			fputs(".", f);
			return;
		}
		fputs("New", f);
		if (!ex_empty(r->source)) {
			fputs(" on ", f);
			ex_put(f, r->source);
		}
		fputs(": ", f);
		ex_put(f, r->text);
		fputs(".", f);
		return;
	}
	if (u->told[at]) {
		return;
	}
	line_start(u, f, r->ts_ms);
	if (x->alert) {
		fputs("The alert ", f);
		put_alert(f, x);
		fputs(" stopped firing.", f);
		return;
	}
	fputs("Cleared: ", f);
	put_back_to(f, x, r);
	fputs(".", f);
}

static void
say_change(struct upd *u, FILE *f, const struct journal_rec *r)
{
	const char *t = r->text ? r->text : "";

	if (strncmp(t, "warn -> crit: ", 14) == 0) {
		line_start(u, f, r->ts_ms);
		fputs("Worse", f);
		t += 14;
	} else if (strncmp(t, "crit -> warn: ", 14) == 0) {
		line_start(u, f, r->ts_ms);
		fputs("Easing", f);
		t += 14;
	} else {
		return;
	}
	if (!ex_empty(r->source)) {
		fputs(" on ", f);
		ex_put(f, r->source);
	}
	fputs(": ", f);
	ex_put(f, t);
	fputs(".", f);
}

/* Sources that cannot be seen now, and have not been for a while. */
static void
say_blind(struct upd *u, FILE *f)
{
	size_t i, j;

	for (i = 0; i < u->n; i++) {
		const struct journal_rec *r = &u->recs[i];
		bool back = false;

		if (r->kind != TL_SOURCE_DOWN || r->ts_ms > u->now ||
		    u->now - r->ts_ms < BLIND_MS || ex_empty(r->source)) {
			continue;
		}
		for (j = i + 1; j < u->n && !back; j++) {
			back = u->recs[j].kind == TL_SOURCE_UP &&
			       u->recs[j].ts_ms <= u->now &&
			       u->recs[j].source != NULL &&
			       strcmp(u->recs[j].source, r->source) == 0;
		}
		if (back) {
			continue;
		}
		line_start(u, f, r->ts_ms);
		fputs("We cannot see ", f);
		ex_put(f, r->source);
		fputs(" since then: ", f);
		ex_put(f, r->text);
		fputs(".", f);
		fputc('\n', f);
	}
}

/* The changes after since up to now, one sentence each. */
static void
changes(struct upd *u, FILE *f)
{
	size_t *idx = ex_time_order(u->recs, u->n);
	size_t i;

	for (i = 0; i < u->n; i++) {
		const struct journal_rec *r = &u->recs[idx[i]];
		size_t before = u->shown;

		if (r->ts_ms <= u->since || r->ts_ms > u->now) {
			continue;
		}
		switch (r->kind) {
		case TL_ACTION_INTENT:
			if (ex_is_mitigation(r)) {
				say_action(u, f, r);
			}
			break;
		case TL_FINDING_OPEN:
		case TL_FINDING_CLOSE:
		case TL_ALERT_OPEN:
		case TL_ALERT_CLOSE:
			if (r->event == NULL) {
				say_finding(u, f, r);
			}
			break;
		case TL_FINDING_SEV:
			say_change(u, f, r);
			break;
		case TL_STATUS:
		case TL_SEVERITY:
			line_start(u, f, r->ts_ms);
			ex_put(f, r->text);
			fputs(".", f);
			break;
		default:
			break;
		}
		if (u->shown != before) {
			fputc('\n', f);
		}
	}
	say_blind(u, f);
	if (u->shown == 0) {
		fprintf(f, "%sNo change since then.\n", u->bullet);
	}
	free(idx);
}

/* What is still open at now, worst first: findings and alerts that are
 * not suppressed. */
static void
still_open(struct upd *u, FILE *f, const char *label)
{
	size_t i, shown = 0;
	char *text, t[32];
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < u->nv; i++) {
			const struct ex_finding *x = &u->v[i];
			const struct journal_rec *last = x->last;
			bool open = x->open->ts_ms <= u->now &&
				    (x->close == NULL ||
				     x->close->ts_ms > u->now);

			if (!open || (x->worst == HEALTH_CRIT) != (pass == 0) ||
			    (last->kind == TL_ALERT_STATE && last->text &&
			     strncmp(last->text, "no longer", 9) != 0)) {
				continue;
			}
			if (shown++ == 0) {
				fprintf(f, "\n%s:\n", label);
			}
			fputs(u->bullet, f);
			if (!ex_empty(x->open->source)) {
				ex_put(f, x->open->source);
				fputs(": ", f);
			}
			text = ex_latest_text(x);
			fputs(text, f);
			free(text);
			fprintf(f, " (since %s)\n",
				ex_hm(x->last->ts_ms, u->now, t, sizeof(t)));
		}
	}
}

static void
impact_line(FILE *f, const struct incident_info *inc)
{
	fputs("Impact: ", f);
	if (ex_empty(inc->impact)) {
		fputs("(to be filled in)", f);
	} else {
		ex_put(f, inc->impact);
	}
	fputs("\n", f);
}

static void
next_update(FILE *f, const struct incident_info *inc, int64_t now_ms,
	    const char *label)
{
	char t[32], s[32];

	if (inc->status == INCIDENT_RESOLVED) {
		fprintf(f, "%s: none (resolved). The post-mortem will be "
			"published within 48 hours.\n", label);
	} else if (inc->update_every_ms <= 0) {
		fprintf(f, "%s: as needed\n", label);
	} else {
		fprintf(f, "%s: %s UTC (in %s)\n", label,
			ex_hm(now_ms + inc->update_every_ms, now_ms, t,
			      sizeof(t)),
			ex_span(inc->update_every_ms, s, sizeof(s)));
	}
}

/* Started, and Elapsed or Duration, from the first sign. */
static void
times(FILE *f, const struct incident_info *inc, const struct ex_story *s,
      int64_t now_ms, bool dated)
{
	char t[32], d[32];

	fprintf(f, "Started: %s UTC%s\n",
		dated ? ex_ymdhm(s->origin, t, sizeof(t)) :
		ex_hm(s->origin, now_ms, t, sizeof(t)),
		s->started > 0 ? "" : " (declared)");
	if (inc->status == INCIDENT_RESOLVED && inc->resolved_ms > 0) {
		if (dated) {
			fprintf(f, "Resolved: %s UTC\n",
				ex_ymdhm(inc->resolved_ms, t, sizeof(t)));
		}
		fprintf(f, "Duration: %s\n",
			ex_span(inc->resolved_ms - s->origin, d, sizeof(d)));
	} else {
		fprintf(f, "Elapsed: %s\n",
			ex_span(now_ms - s->origin, d, sizeof(d)));
	}
}

static void
since_label(FILE *f, const struct incident_info *inc, int64_t since_ms,
	    int64_t now_ms)
{
	char t[32];

	if (since_ms <= inc->declared_ms) {
		fprintf(f, "What changed since the incident was declared (%s "
			"UTC):\n", ex_hm(inc->declared_ms, now_ms, t,
					  sizeof(t)));
	} else {
		fprintf(f, "What changed since the last update (%s UTC):\n",
			ex_hm(since_ms, now_ms, t, sizeof(t)));
	}
}

int
export_status_update(const struct incident_info *inc,
		     const struct journal_rec *recs, size_t n,
		     int64_t since_ms, int64_t now_ms, enum export_format fmt,
		     FILE *f)
{
	const char *sev = incident_sev_name(inc->severity);
	bool slack = fmt != EXPORT_EMAIL;
	struct journal_rec *upto = xcalloc(n + 1, sizeof(*upto));
	struct ex_story s;
	struct upd u = {
		.inc = inc, .since = since_ms, .now = now_ms,
		.bullet = slack ? "• " : "- ",
	};
	size_t i;

	/* As of now: what was written later is not known yet. */
	for (i = 0; i < n; i++) {
		if (recs[i].ts_ms <= now_ms) {
			upto[u.n++] = recs[i];
		}
	}
	u.recs = upto;
	recs = upto;
	n = u.n;
	ex_story(inc, recs, n, &s);
	u.nv = ex_findings(recs, n, &u.v);
	u.told = xcalloc(u.nv + 1, sizeof(*u.told));
	/* sanitize() escapes CR and LF, so a title cannot add headers. */
	if (slack && inc->status == INCIDENT_RESOLVED) {
		fprintf(f, "✅ [%s INCIDENT] Resolved: ", sev);
	} else if (slack && inc->n_updates == 0) {
		fprintf(f, "🚨 [%s INCIDENT] ", sev);
	} else if (slack) {
		fprintf(f, "📊 [%s INCIDENT] Update #%d: ", sev,
			inc->n_updates + 1);
	} else if (inc->status == INCIDENT_RESOLVED) {
		fprintf(f, "Subject: [%s] Resolved - ", sev);
	} else {
		fprintf(f, "Subject: [%s] Production Incident - ", sev);
	}
	ex_put(f, inc->title);
	if (!slack && inc->status != INCIDENT_RESOLVED && inc->n_updates > 0) {
		fprintf(f, " - Update #%d", inc->n_updates + 1);
	}
	fputs("\n\n", f);
	fprintf(f, "Incident ID: %s\n", inc->id);
	fprintf(f, "Status: %s\n", incident_status_name(inc->status));
	fprintf(f, "Severity: %s\n", sev);
	times(f, inc, &s, now_ms, !slack);
	impact_line(f, inc);
	if (slack) {
		fputs("Incident Commander: ", f);
		ex_put(f, inc->commander);
		fputs("\n", f);
	}
	fputs("\n", f);
	since_label(f, inc, since_ms, now_ms);
	changes(&u, f);
	still_open(&u, f, inc->status == INCIDENT_RESOLVED ?
		   "Still open at resolution" : "Still open");
	fputs("\n", f);
	next_update(f, inc, now_ms, slack ? "Next update" : "Next Update");
	if (!slack) {
		fputs("\nIncident Commander: ", f);
		ex_put(f, inc->commander);
		fputs("\n", f);
	}
	free(u.told);
	free(u.v);
	free(upto);
	fflush(f);
	return ferror(f) ? -1 : 0;
}
