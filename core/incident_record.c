/* Writing the incident's record: the changes an operator makes (status,
 * severity, notes, impact, commander, updates sent), each acknowledged
 * only once its record is on disk; the action gate's intent and result
 * records; and the timeline's recorder, through which every entry is
 * journaled first and shown once written. Changes and the gate wait for
 * the disk (a worker, never the UI thread); the recorder and the journal's
 * on_write run on whichever thread calls them. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/action.h"
#include "core/clock.h"
#include "core/incident.h"
#include "core/incident_internal.h"
#include "core/rules.h"
#include "core/timeline.h"
#include "core/xalloc.h"

/* ---- what is written reaches the timeline ------------------------------- */

/* Stores rec's entry in tl. */
static void
store_rec(struct timeline *tl, const struct journal_rec *rec)
{
	struct tl_finding f;
	struct tl_entry e = {
		.at_ms = rec->ts_ms,
		.kind = rec->kind,
		.source = rec->source,
		.who = rec->who,
		.text = rec->text,
		.detail = rec->detail,
	};

	if (journal_rec_finding(rec, &f)) {
		e.finding = &f;
	}
	timeline_store(tl, &e);
}

/* Keeps a copy of rec in inc->recs; inc->lock held. */
static void
keep_rec(struct incident *inc, const struct journal_rec *rec)
{
	if (inc->n_recs == inc->cap_recs) {
		inc->cap_recs = inc->cap_recs ? inc->cap_recs * 2 : 64;
		inc->recs = xreallocarray(inc->recs, inc->cap_recs,
					  sizeof(*inc->recs));
	}
	journal_rec_copy(&inc->recs[inc->n_recs++], rec);
}

void
incident_on_write(void *ctx, const struct journal_rec *rec)
{
	struct incident *inc = ctx;

	pthread_mutex_lock(&inc->lock);
	keep_rec(inc, rec);
	/* Before the attach, incident_attach() stores it with the rest. */
	if (inc->tl != NULL && !rec->shown) {
		store_rec(inc->tl, rec);
	}
	pthread_mutex_unlock(&inc->lock);
}

/* ---- changes ------------------------------------------------------------ */

bool
incident_closed(struct incident *inc)
{
	bool closed;

	pthread_mutex_lock(&inc->lock);
	closed = inc->st.status == INCIDENT_RESOLVED;
	pthread_mutex_unlock(&inc->lock);
	return closed;
}

static int
closed_err(struct incident *inc, struct err *err)
{
	return err_set(err, "%s is resolved: its record is closed (setting "
		       "its status reopens it)", inc->id);
}

/* Writes rec, waiting for its fsync, then applies it. */
static int
write_change(struct incident *inc, struct journal_rec *rec, struct err *err)
{
	if (journal_append_sync(inc->j, rec, err) < 0) {
		return -1;
	}
	pthread_mutex_lock(&inc->lock);
	incident_apply(inc, rec);
	pthread_mutex_unlock(&inc->lock);
	return 0;
}

int
incident_set_status(struct incident *inc, enum incident_status st,
		    const char *who, struct err *err)
{
	struct journal_rec rec;
	char w[256], text[128];
	enum incident_status from;

	if ((unsigned)st >= INCIDENT_STATUS_COUNT) {
		return err_set(err, "unknown status");
	}
	incident_who(who, w, sizeof(w));
	pthread_mutex_lock(&inc->lock);
	from = inc->st.status;
	pthread_mutex_unlock(&inc->lock);
	if (from == st) {
		return err_set(err, "%s is already %s", inc->id,
			       incident_status_name(st));
	}
	snprintf(text, sizeof(text), "Status: %s -> %s%s",
		 incident_status_name(from), incident_status_name(st),
		 from == INCIDENT_RESOLVED ? " (reopened)" : "");
	incident_rec_init(inc, &rec, TL_STATUS, w, clock_wall_ms());
	rec.event = (char *)"status";
	rec.status = (char *)incident_status_name(st);
	rec.text = text;
	return write_change(inc, &rec, err);
}

int
incident_set_severity(struct incident *inc, enum incident_sev sev,
		      const char *who, struct err *err)
{
	struct journal_rec rec;
	char w[256], text[128];
	enum incident_sev from;

	if ((unsigned)sev >= INCIDENT_SEV_COUNT) {
		return err_set(err, "unknown severity");
	}
	if (incident_closed(inc)) {
		return closed_err(inc, err);
	}
	incident_who(who, w, sizeof(w));
	pthread_mutex_lock(&inc->lock);
	from = inc->st.severity;
	pthread_mutex_unlock(&inc->lock);
	if (from == sev) {
		return err_set(err, "%s is already %s", inc->id,
			       incident_sev_name(sev));
	}
	snprintf(text, sizeof(text), "Severity: %s -> %s",
		 incident_sev_name(from), incident_sev_name(sev));
	incident_rec_init(inc, &rec, TL_SEVERITY, w, clock_wall_ms());
	rec.event = (char *)"severity";
	rec.severity = (char *)incident_sev_name(sev);
	rec.text = text;
	return write_change(inc, &rec, err);
}

/* A record of kind with event, text and optional fields. */
static int
write_event(struct incident *inc, enum tl_kind kind, const char *event,
	    const char *who, const char *text, const char *detail,
	    const char *commander, struct err *err)
{
	struct journal_rec rec;
	char w[256];

	incident_who(who, w, sizeof(w));
	incident_rec_init(inc, &rec, kind, w, clock_wall_ms());
	rec.event = (char *)event;
	rec.text = (char *)text;
	rec.detail = (char *)detail;
	rec.commander = (char *)commander;
	return write_change(inc, &rec, err);
}

int
incident_note(struct incident *inc, const char *who, const char *text,
	      struct err *err)
{
	return write_event(inc, TL_NOTE, NULL, who, text, NULL, NULL, err);
}

int
incident_set_impact(struct incident *inc, const char *who,
		    const char *impact, struct err *err)
{
	return write_event(inc, TL_INFO, "impact", who, impact, NULL, NULL,
			   err);
}

int
incident_set_security(struct incident *inc, const char *who,
		      struct err *err)
{
	bool marked;

	if (incident_closed(inc)) {
		return closed_err(inc, err);
	}
	pthread_mutex_lock(&inc->lock);
	marked = inc->st.security;
	pthread_mutex_unlock(&inc->lock);
	if (marked) {
		return err_set(err, "%s is a security incident already",
			       inc->id);
	}
	return write_event(inc, TL_INFO, "security", who,
			   "Marked as a security incident", NULL, NULL, err);
}

int
incident_set_commander(struct incident *inc, const char *who,
		       const char *commander, struct err *err)
{
	char text[192];

	if (incident_closed(inc)) {
		return closed_err(inc, err);
	}
	snprintf(text, sizeof(text), "Incident commander: %s", commander);
	return write_event(inc, TL_INFO, "commander", who, text, NULL,
			   commander, err);
}

int
incident_mark_update_sent(struct incident *inc, const char *who,
			  const char *channel, const char *text,
			  struct err *err)
{
	char line[128];
	int n;

	pthread_mutex_lock(&inc->lock);
	n = inc->st.n_updates + 1;
	pthread_mutex_unlock(&inc->lock);
	snprintf(line, sizeof(line), "Status update #%d sent (%s)", n,
		 channel ? channel : "?");
	return write_event(inc, TL_INFO, "update", who, line, text, NULL, err);
}

int
incident_still_open(struct incident *inc, const struct rules_open *o,
		    struct err *err)
{
	struct journal_rec rec;
	struct tl_finding f;
	char text[FINDING_TEXT_MAX + 96], t[32];

	memset(&f, 0, sizeof(f));
	f.key = o->f.key;
	f.subject = o->f.subject;
	f.sev = o->f.sev;
	f.value = o->f.value;
	f.limit = o->f.limit;
	f.peak = o->f.peak;
	f.unit = o->f.unit;
	f.since_ms = o->f.since_ms;
	f.opened_ms = o->f.opened_ms;
	clock_format_utc(o->f.opened_ms, 0, t, sizeof(t));
	snprintf(text, sizeof(text), "still open at resolution: %s (open "
		 "since %s)", o->f.text, t);
	incident_rec_init(inc, &rec, TL_INFO, "warroom", clock_wall_ms());
	rec.event = (char *)"still-open";
	rec.source = (char *)o->source;
	rec.text = text;
	journal_rec_set_finding(&rec, &f);
	return journal_append_sync(inc->j, &rec, err) < 0 ? -1 : 0;
}

/* ---- the action gate ------------------------------------------------ */

int64_t
incident_action_intent(struct incident *inc, const struct action_req *req,
		       const char *op, const char *text, struct err *err)
{
	const struct action_spec *sp = ACTION_SPEC(req);
	struct journal_rec rec;
	char w[256];

	if (incident_closed(inc)) {
		return closed_err(inc, err);
	}
	incident_who(req->who[0] ? req->who : NULL, w, sizeof(w));
	incident_rec_init(inc, &rec, TL_ACTION_INTENT, w, clock_wall_ms());
	rec.source = (char *)req->source;
	rec.action = (char *)(sp->name ? sp->name : "");
	rec.target = (char *)action_req_target(req);
	rec.op = (char *)(op ? op : "");
	rec.text = (char *)text;
	rec.mitigation = sp->mitigation ? 1 : 0;
	return journal_append_sync(inc->j, &rec, err);
}

int
incident_action_result(struct incident *inc, int64_t intent_seq,
		       const struct action_req *req,
		       enum action_outcome outcome, const char *result,
		       struct err *err)
{
	const struct action_spec *sp = ACTION_SPEC(req);
	struct journal_rec rec;
	char w[256], *text;
	int rc;

	incident_who(req->who[0] ? req->who : NULL, w, sizeof(w));
	/* The line the action worker shows without an incident. */
	text = xasprintf("%s on %s: %s: %s", sp->label ? sp->label :
			 sp->name, action_req_target(req),
			 action_outcome_name(outcome), result ? result : "");
	incident_rec_init(inc, &rec, TL_ACTION_RESULT, w, clock_wall_ms());
	rec.source = (char *)req->source;
	rec.action = (char *)(sp->name ? sp->name : "");
	rec.target = (char *)action_req_target(req);
	rec.text = text;
	rec.result = (char *)(result ? result : "");
	rec.ok = outcome == ACTION_OK ? 1 : 0;
	rec.outcome = (char *)action_outcome_name(outcome);
	rec.intent_seq = intent_seq > 0 ? (uint64_t)intent_seq : 0;
	rc = journal_append_sync(inc->j, &rec, err) < 0 ? -1 : 0;
	free(text);
	return rc;
}

/* ---- the timeline ------------------------------------------------------ */

void
incident_timeline_record(void *ctx, const struct tl_entry *e)
{
	struct incident *inc = ctx;
	struct journal_rec rec;

	if (e->kind == TL_ACTION_INTENT || e->kind == TL_ACTION_RESULT ||
	    incident_closed(inc)) {
		return;
	}
	incident_rec_init(inc, &rec, e->kind, e->who, e->at_ms);
	rec.source = (char *)e->source;
	rec.text = (char *)e->text;
	rec.detail = (char *)e->detail;
	if (e->finding != NULL) {
		journal_rec_set_finding(&rec, e->finding);
	}
	/* Refused once the journal failed: then it is not shown either. */
	journal_append(inc->j, &rec);
}

void
incident_attach(struct incident *inc, struct timeline *tl, size_t n_before)
{
	const struct journal_rec *r;
	struct journal_rec rec;
	struct tl_finding f;
	char text[600];
	size_t i;

	/* Every record made so far reaches inc->recs first; later ones are
	 * stored by incident_on_write() once inc->tl is set. */
	journal_flush(inc->j);
	pthread_mutex_lock(&inc->lock);
	inc->tl = tl;
	for (i = 0; i < inc->n_recs; i++) {
		r = &inc->recs[i];
		store_rec(tl, r);
		if (i < inc->n_loaded && r->kind == TL_ACTION_INTENT &&
		    journal_find_result(inc->recs, inc->n_loaded, r->seq) ==
		    NULL) {
			snprintf(text, sizeof(text), "Outcome unknown: %s "
				 "(no result was recorded)", r->text ? r->text
								     : "");
			timeline_append_at(tl, r->ts_ms, TL_INFO, r->source,
					   r->who, text, r->op);
		}
	}
	/* What the timeline showed before there was an incident becomes
	 * its record too. */
	for (i = 0; i < n_before; i++) {
		const struct tl_entry *e = timeline_get(tl, i);

		if (e == NULL || e->kind == TL_ACTION_INTENT ||
		    e->kind == TL_ACTION_RESULT) {
			continue;
		}
		incident_rec_init(inc, &rec, e->kind, e->who, e->at_ms);
		rec.source = (char *)e->source;
		rec.text = (char *)e->text;
		rec.detail = (char *)e->detail;
		if (e->finding != NULL) {
			f = *e->finding;
			journal_rec_set_finding(&rec, &f);
		}
		rec.shown = true;
		journal_append(inc->j, &rec);
	}
	pthread_mutex_unlock(&inc->lock);
}

struct journal_rec *
incident_records(struct incident *inc, size_t *n)
{
	struct journal_rec *out;
	size_t i;

	pthread_mutex_lock(&inc->lock);
	*n = inc->n_recs;
	out = xcalloc(inc->n_recs ? inc->n_recs : 1, sizeof(*out));
	for (i = 0; i < inc->n_recs; i++) {
		journal_rec_copy(&out[i], &inc->recs[i]);
	}
	pthread_mutex_unlock(&inc->lock);
	return out;
}

/* ---- what the record leaves open ------------------------------------ */

static struct rules_open *
open_find(struct rules_open *v, size_t n, const char *source,
	  const char *key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].source, source) == 0 &&
		    strcmp(v[i].f.key, key) == 0) {
			return &v[i];
		}
	}
	return NULL;
}

size_t
incident_open_findings(const struct journal_rec *recs, size_t n,
		       struct rules_open **out)
{
	struct rules_open *v = NULL, *o;
	struct tl_finding tf;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct journal_rec *r = &recs[i];
		const char *source = r->source ? r->source : "";

		if (!journal_rec_finding(r, &tf) || r->event != NULL) {
			continue;
		}
		o = open_find(v, k, source, tf.key);
		if (r->kind == TL_FINDING_CLOSE || r->kind == TL_ALERT_CLOSE) {
			if (o != NULL) {
				*o = v[--k];
			}
			continue;
		}
		if (r->kind != TL_FINDING_OPEN && r->kind != TL_ALERT_OPEN &&
		    (o == NULL || (r->kind != TL_FINDING_SEV &&
				   r->kind != TL_ALERT_STATE))) {
			continue;
		}
		if (o == NULL) {
			v = xreallocarray(v, k + 1, sizeof(*v));
			o = &v[k++];
			memset(o, 0, sizeof(*o));
			strlcpy_safe(o->source, source, sizeof(o->source));
			strlcpy_safe(o->f.key, tf.key, sizeof(o->f.key));
			o->f.opened_ms = r->ts_ms;
			o->f.peak = NAN;
			strlcpy_safe(o->f.text, r->text ? r->text : "",
				     sizeof(o->f.text));
		}
		if (r->kind == TL_ALERT_STATE) {
			o->f.suppressed = r->text == NULL ||
					  strncmp(r->text, "no longer "
						  "suppressed", 20) != 0;
			continue;
		}
		strlcpy_safe(o->f.subject, tf.subject, sizeof(o->f.subject));
		o->f.sev = tf.sev;
		o->f.value = tf.value;
		o->f.limit = tf.limit;
		o->f.unit = tf.unit;
		o->f.since_ms = tf.since_ms;
		if (!isnan(tf.peak)) {
			o->f.peak = tf.peak;
		} else if (!isnan(tf.value) &&
			   (isnan(o->f.peak) || tf.value > o->f.peak)) {
			o->f.peak = tf.value;
		}
	}
	*out = v;
	return k;
}
