/* The incident record and its timers, kept in memory under one mutex and
 * made durable through the journal: declaring, resuming and loading, and
 * the escalation and update timers. Any thread; declare, resume and close
 * wait for the disk and say so in incident.h. The policy is
 * core/incident_policy.c; changes, the action gate and the timeline's
 * recorder are core/incident_record.c.
 *
 * Every change is a journal record first: the same incident_apply() turns
 * a record into state whether it was just written or read back by
 * incident_resume(), so a resumed incident is exactly what was written. */
#include "core/incident.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/action.h"
#include "core/clock.h"
#include "core/incident_internal.h"
#include "core/timeline.h"
#include "core/xalloc.h"

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)

static const char *const sev_names[INCIDENT_SEV_COUNT] = {
	"P0", "P1", "P2", "P3",
};

static const char *const status_names[INCIDENT_STATUS_COUNT] = {
	"Investigating", "Identified", "Mitigating", "Monitoring", "Resolved",
};

const char *
incident_sev_name(enum incident_sev sev)
{
	return (unsigned)sev < INCIDENT_SEV_COUNT ? sev_names[sev] : "?";
}

const char *
incident_status_name(enum incident_status st)
{
	return (unsigned)st < INCIDENT_STATUS_COUNT ? status_names[st] : "?";
}

int
incident_sev_parse(const char *s)
{
	if (s == NULL) {
		return -1;
	}
	if (s[0] == 'P' || s[0] == 'p') {
		s++;
	} else if (strncasecmp(s, "SEV-", 4) == 0) {
		s += 4;
	} else if (strncasecmp(s, "SEV", 3) == 0) {
		s += 3;
	} else {
		return -1;
	}
	if (s[0] >= '0' && s[0] <= '3' && s[1] == '\0') {
		return s[0] - '0';
	}
	return -1;
}

int
incident_status_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < INCIDENT_STATUS_COUNT; i++) {
		if (strcasecmp(s, status_names[i]) == 0) {
			return i;
		}
	}
	return -1;
}

/* ---- paths ------------------------------------------------------------- */

char *
incident_default_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (xdg != NULL && xdg[0] == '/') {
		return xasprintf("%s/warroom/incidents", xdg);
	}
	if (home == NULL || home[0] == '\0') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : "/tmp";
	}
	return xasprintf("%s/.local/state/warroom/incidents", home);
}

bool
incident_id_valid(const char *id)
{
	int i;

	if (id == NULL || strlen(id) != 16 || strncmp(id, "INC-", 4) != 0 ||
	    id[12] != '-') {
		return false;
	}
	for (i = 4; i < 16; i++) {
		if (i != 12 && !isdigit((unsigned char)id[i])) {
			return false;
		}
	}
	return true;
}

/* fsyncs the directory that holds path, so a new entry in it lasts. */
static void
sync_parent(const char *path)
{
	char *d = xstrdup(path), *slash = strrchr(d, '/');
	int fd;

	if (slash != NULL && slash != d) {
		*slash = '\0';
		fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			(void)fsync(fd);
			close(fd);
		}
	}
	free(d);
}

/* mkdir -p; the directories it creates get mode 0700. */
static int
make_dirs(const char *dir, struct err *err)
{
	char *p = xstrdup(dir), *s;
	int rc = 0;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) == 0) {
				sync_parent(p);
			} else if (errno != EEXIST) {
				rc = err_set(err, "cannot create %s: %s", p,
					     strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0') {
				break;
			}
		}
	}
	free(p);
	return rc;
}

/* ---- state ------------------------------------------------------------- */

void
incident_who(const char *who, char *buf, size_t n)
{
	if (who != NULL) {
		strlcpy_safe(buf, who, n);
	} else {
		actions_who(buf, n);
	}
}

void
incident_rec_init(struct incident *inc, struct journal_rec *rec,
		  enum tl_kind kind, const char *who, int64_t ts_ms)
{
	journal_rec_init(rec);
	rec->kind = kind;
	rec->ts_ms = ts_ms;
	rec->incident = inc->id;
	rec->who = (char *)who;
}

static bool
escalated(const struct incident *inc, const char *key)
{
	size_t i;

	for (i = 0; i < inc->n_escalated; i++) {
		if (strcmp(inc->escalated[i], key) == 0) {
			return true;
		}
	}
	return false;
}

/* Whether someone was already asked in: an emitted key ending in ":to". */
static bool
escalated_to(const struct incident *inc, const char *to)
{
	size_t i, len = strlen(to), klen;

	for (i = 0; i < inc->n_escalated; i++) {
		klen = strlen(inc->escalated[i]);
		if (klen > len && inc->escalated[i][klen - len - 1] == ':' &&
		    strcmp(inc->escalated[i] + klen - len, to) == 0) {
			return true;
		}
	}
	return false;
}

static void
add_history(struct incident *inc, enum incident_status from,
	    enum incident_status to, int64_t at_ms, const char *who)
{
	struct incident_status_change *c;

	inc->st.history = xreallocarray(inc->st.history, inc->st.n_history + 1,
					sizeof(*inc->st.history));
	c = &inc->st.history[inc->st.n_history++];
	c->from = from;
	c->to = to;
	c->at_ms = at_ms;
	strlcpy_safe(c->who, who != NULL ? who : "", sizeof(c->who));
}

bool
incident_is_event(const struct journal_rec *rec, const char *name)
{
	return rec->event != NULL && strcmp(rec->event, name) == 0;
}

void
incident_apply(struct incident *inc, const struct journal_rec *rec)
{
	struct incident_info *st = &inc->st;
	int v;

	if (incident_is_event(rec, "declare")) {
		strlcpy_safe(st->title, rec->title ? rec->title : "",
			     sizeof(st->title));
		strlcpy_safe(st->commander,
			     rec->commander ? rec->commander : "",
			     sizeof(st->commander));
		v = incident_sev_parse(rec->severity);
		st->severity = v >= 0 ? (enum incident_sev)v : INCIDENT_P1;
		st->declared_severity = st->severity;
		v = incident_status_parse(rec->status);
		st->status = v >= 0 ? (enum incident_status)v
				    : INCIDENT_INVESTIGATING;
		st->declared_ms = rec->ts_ms;
		st->last_update_ms = rec->ts_ms;
		add_history(inc, st->status, st->status, rec->ts_ms, rec->who);
	} else if (rec->kind == TL_STATUS &&
		   (v = incident_status_parse(rec->status)) >= 0) {
		if ((enum incident_status)v != st->status) {
			add_history(inc, st->status, (enum incident_status)v,
				    rec->ts_ms, rec->who);
			st->status = (enum incident_status)v;
		}
		st->resolved_ms = v == INCIDENT_RESOLVED ? rec->ts_ms : 0;
	} else if (rec->kind == TL_SEVERITY &&
		   (v = incident_sev_parse(rec->severity)) >= 0) {
		st->severity = (enum incident_sev)v;
	} else if (incident_is_event(rec, "escalation") &&
		   rec->escalation != NULL) {
		if (!escalated(inc, rec->escalation)) {
			inc->escalated = xreallocarray(inc->escalated,
						       inc->n_escalated + 1,
						       sizeof(*inc->escalated));
			strlcpy_safe(inc->escalated[inc->n_escalated++],
				     rec->escalation,
				     sizeof(*inc->escalated));
		}
	} else if (incident_is_event(rec, "update")) {
		st->last_update_ms = rec->ts_ms;
		st->n_updates++;
	} else if (incident_is_event(rec, "impact")) {
		strlcpy_safe(st->impact, rec->text ? rec->text : "",
			     sizeof(st->impact));
	} else if (incident_is_event(rec, "security")) {
		st->security = true;
	} else if (incident_is_event(rec, "commander") &&
		   rec->commander != NULL) {
		strlcpy_safe(st->commander, rec->commander,
			     sizeof(st->commander));
	}
}

static struct incident *
incident_alloc(const char *id, const char *path,
	       const struct incident_policy *pol)
{
	struct incident *inc = xcalloc(1, sizeof(*inc));

	strlcpy_safe(inc->id, id, sizeof(inc->id));
	strlcpy_safe(inc->st.id, id, sizeof(inc->st.id));
	inc->path = xstrdup(path);
	if (pol != NULL) {
		inc->pol = *pol;
	} else {
		incident_policy_default(&inc->pol);
	}
	pthread_mutex_init(&inc->lock, NULL);
	return inc;
}

static void
incident_free(struct incident *inc)
{
	journal_recs_free(inc->recs, inc->n_recs);
	free(inc->st.history);
	free(inc->escalated);
	free(inc->path);
	pthread_mutex_destroy(&inc->lock);
	free(inc);
}

/* The highest NNN of DIR/INC-<day>-NNN.jsonl, 0 when none. */
static int
highest_number(const char *dir, const char *day)
{
	char prefix[32];
	struct dirent *de;
	int best = 0, n;
	DIR *d;

	snprintf(prefix, sizeof(prefix), "INC-%s-", day);
	d = opendir(dir);
	if (d == NULL) {
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		char id[17];

		if (strlen(de->d_name) != 22 ||
		    strcmp(de->d_name + 16, ".jsonl") != 0) {
			continue;
		}
		memcpy(id, de->d_name, 16);
		id[16] = '\0';
		if (!incident_id_valid(id) || strncmp(id, prefix, 13) != 0) {
			continue;
		}
		n = atoi(id + 13);
		if (n > best) {
			best = n;
		}
	}
	closedir(d);
	return best;
}

struct incident *
incident_declare(const char *dir, const char *title, enum incident_sev sev,
		 const char *commander, const struct incident_policy *pol,
		 struct err *err)
{
	struct journal_rec rec;
	struct incident *inc;
	struct journal *j = NULL;
	char day[16], id[24], who[256], cmd[128], text[512], detail[256];
	char *path = NULL;
	time_t t = (time_t)(clock_wall_ms() / 1000);
	struct tm tm;
	int n;

	if ((unsigned)sev >= INCIDENT_SEV_COUNT) {
		err_set(err, "unknown severity");
		return NULL;
	}
	if (title == NULL || title[0] == '\0') {
		err_set(err, "an incident needs a title");
		return NULL;
	}
	if (make_dirs(dir, err) != 0) {
		return NULL;
	}
	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	for (n = highest_number(dir, day) + 1; n <= 999; n++) {
		snprintf(id, sizeof(id), "INC-%s-%03d", day, n);
		free(path);
		path = xasprintf("%s/%s.jsonl", dir, id);
		j = journal_open(path, JOURNAL_CREATE, err);
		if (j != NULL || errno != EEXIST) {
			break;
		}
	}
	if (j == NULL) {
		if (n > 999) {
			err_set(err, "no incident id left for %s in %s", day,
				dir);
		}
		free(path);
		return NULL;
	}

	if (commander == NULL || commander[0] == '\0') {
		const char *user = getenv("USER");
		struct passwd *pw = NULL;

		if (user == NULL || user[0] == '\0') {
			pw = getpwuid(getuid());
			user = pw != NULL ? pw->pw_name : "unknown";
		}
		strlcpy_safe(cmd, user, sizeof(cmd));
	} else {
		strlcpy_safe(cmd, commander, sizeof(cmd));
	}
	incident_who(NULL, who, sizeof(who));

	inc = incident_alloc(id, path, pol);
	free(path);
	inc->j = j;
	journal_set_callbacks(j, incident_on_write, NULL, inc);

	snprintf(text, sizeof(text), "Declared %s: %s", id, title);
	snprintf(detail, sizeof(detail), "Severity %s, commander %s",
		 incident_sev_name(sev), cmd);
	incident_rec_init(inc, &rec, TL_INFO, who, clock_wall_ms());
	rec.event = (char *)"declare";
	rec.title = (char *)title;
	rec.commander = cmd;
	rec.severity = (char *)incident_sev_name(sev);
	rec.status = (char *)incident_status_name(INCIDENT_INVESTIGATING);
	rec.text = text;
	rec.detail = detail;
	pthread_mutex_lock(&inc->lock);
	incident_apply(inc, &rec);
	pthread_mutex_unlock(&inc->lock);
	if (journal_append_sync(j, &rec, err) < 0) {
		journal_close(j);
		unlink(inc->path);
		incident_free(inc);
		return NULL;
	}
	return inc;
}

/* Loads DIR/ID.jsonl into a new incident without a journal: its records
 * applied, inc->recs holding them. Returns NULL with err set. */
static struct incident *
load_records(const char *dir, const char *id,
	     const struct incident_policy *pol, struct err *err)
{
	struct journal_load_report rep;
	struct journal_rec *recs;
	struct incident *inc;
	char *path;
	size_t n, i;
	bool declared = false;

	if (!incident_id_valid(id)) {
		err_set(err, "'%.40s' is not an incident id (INC-YYYYMMDD-NNN)",
			id ? id : "");
		return NULL;
	}
	path = xasprintf("%s/%s.jsonl", dir, id);
	if (journal_load(path, &recs, &n, &rep, err) != 0) {
		free(path);
		return NULL;
	}
	for (i = 0; i < n && !declared; i++) {
		declared = incident_is_event(&recs[i], "declare") &&
			   recs[i].incident != NULL &&
			   strcmp(recs[i].incident, id) == 0;
	}
	if (!declared) {
		err_set(err, "%s holds no declaration of %s", path, id);
		journal_recs_free(recs, n);
		free(path);
		return NULL;
	}

	inc = incident_alloc(id, path, pol);
	free(path);
	inc->report = rep;
	inc->recs = recs;
	inc->n_recs = inc->cap_recs = inc->n_loaded = n;
	for (i = 0; i < n; i++) {
		incident_apply(inc, &recs[i]);
	}
	return inc;
}

int
incident_load(const char *dir, const char *id,
	      const struct incident_policy *pol, struct incident_info *info,
	      struct journal_rec **recs, size_t *n,
	      struct journal_load_report *rep, struct err *err)
{
	struct incident *inc = load_records(dir, id, pol, err);

	if (inc == NULL) {
		return -1;
	}
	incident_get(inc, info);
	if (rep != NULL) {
		*rep = inc->report;
	}
	*recs = inc->recs;
	*n = inc->n_recs;
	inc->recs = NULL;
	inc->n_recs = 0;
	incident_free(inc);
	return 0;
}

struct incident *
incident_resume(const char *dir, const char *id,
		const struct incident_policy *pol, struct err *err)
{
	struct journal_load_report rep;
	struct journal_rec rec;
	struct incident *inc;
	char who[256], text[320];

	inc = load_records(dir, id, pol, err);
	if (inc == NULL) {
		return NULL;
	}
	rep = inc->report;
	inc->j = journal_open(inc->path, 0, err);
	if (inc->j == NULL) {
		incident_free(inc);
		return NULL;
	}
	journal_set_callbacks(inc->j, incident_on_write, NULL, inc);
	if (rep.torn_tail) {
		char msg[ERR_MSG_MAX];

		if (journal_repaired(inc->j, msg, sizeof(msg))) {
			snprintf(inc->report.msg, sizeof(inc->report.msg),
				 "journal: %.*s", (int)sizeof(msg) - 16, msg);
			rep = inc->report;
		}
	}

	incident_who(NULL, who, sizeof(who));
	snprintf(text, sizeof(text), "Resumed %s by %s", id, who);
	incident_rec_init(inc, &rec, TL_INFO, who, clock_wall_ms());
	rec.event = (char *)"resume";
	rec.text = text;
	rec.detail = rep.msg;
	/* Not fatal: a failed journal is reported by incident_healthy(). */
	journal_append_sync(inc->j, &rec, NULL);
	return inc;
}

void
incident_close(struct incident *inc)
{
	if (inc == NULL) {
		return;
	}
	journal_close(inc->j);
	incident_free(inc);
}

const char *
incident_id(const struct incident *inc)
{
	return inc->id;
}

void
incident_get(struct incident *inc, struct incident_info *out)
{
	pthread_mutex_lock(&inc->lock);
	*out = inc->st;
	out->history = NULL;
	if (inc->st.n_history > 0) {
		out->history = xreallocarray(NULL, inc->st.n_history,
					     sizeof(*out->history));
		memcpy(out->history, inc->st.history,
		       inc->st.n_history * sizeof(*out->history));
	}
	out->update_every_ms = inc->pol.update_ms[out->severity];
	out->response_ms = inc->pol.response_ms[out->severity];
	out->lookback_ms = inc->pol.lookback_ms;
	pthread_mutex_unlock(&inc->lock);
}

void
incident_info_finish(struct incident_info *info)
{
	free(info->history);
	info->history = NULL;
	info->n_history = 0;
}

void
incident_load_report(struct incident *inc, struct journal_load_report *out)
{
	*out = inc->report;
}

struct journal *
incident_journal(struct incident *inc)
{
	return inc->j;
}

bool
incident_healthy(struct incident *inc, char *msg, size_t n)
{
	return journal_healthy(inc->j, msg, n);
}

/* ---- timers ------------------------------------------------------------ */

/* "30 min", "1 h", "90 min", "2 days". */
static void
span_words(int64_t ms, char *buf, size_t n)
{
	if (ms % DAY_MS == 0 && ms >= DAY_MS) {
		snprintf(buf, n, "%lld day%s", (long long)(ms / DAY_MS),
			 ms == DAY_MS ? "" : "s");
	} else if (ms % HOUR_MS == 0 && ms >= HOUR_MS) {
		snprintf(buf, n, "%lld h", (long long)(ms / HOUR_MS));
	} else if (ms >= MIN_MS) {
		snprintf(buf, n, "%lld min", (long long)(ms / MIN_MS));
	} else {
		snprintf(buf, n, "%lld s", (long long)(ms / 1000));
	}
}

static void
escalation_key(const struct incident_escalation *e, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s@%llds:%s",
		 e->severity >= 0 ? incident_sev_name(e->severity) : "any",
		 e->security ? "/security" : "",
		 (long long)(e->after_ms / 1000), e->to);
}

static void
escalation_text(const struct incident_escalation *e, enum incident_sev sev,
		char *buf, size_t n)
{
	char span[32];

	span_words(e->after_ms, span, sizeof(span));
	if (e->security && e->after_ms == 0) {
		snprintf(buf, n, "Escalate to %s: security incident", e->to);
	} else {
		snprintf(buf, n, "Escalate to %s: %s%s incident open more than "
			 "%s", e->to, e->security ? "security " : "",
			 incident_sev_name(sev), span);
	}
}

size_t
incident_timers(struct incident *inc, int64_t now_ms,
		struct incident_timers *out)
{
	const struct incident_info *st = &inc->st;
	struct journal_rec rec;
	struct incident_escalation_due *d;
	int64_t every, due;
	size_t i, emitted = 0;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&inc->lock);
	if (st->status == INCIDENT_RESOLVED) {
		out->elapsed_ms = st->resolved_ms - st->declared_ms;
		out->update_state = INCIDENT_TIMER_NONE;
		pthread_mutex_unlock(&inc->lock);
		return 0;
	}
	out->elapsed_ms = now_ms - st->declared_ms;
	every = inc->pol.update_ms[st->severity];
	if (every > 0) {
		out->next_update_ms = st->last_update_ms + every;
		out->update_in_ms = out->next_update_ms - now_ms;
		if (out->update_in_ms <= 0) {
			out->update_state = INCIDENT_TIMER_CRIT;
		} else if (out->update_in_ms <= inc->pol.update_warn_ms) {
			out->update_state = INCIDENT_TIMER_WARN;
		} else {
			out->update_state = INCIDENT_TIMER_OK;
		}
	}

	for (i = 0; i < inc->pol.n_escalations; i++) {
		const struct incident_escalation *e = &inc->pol.escalations[i];

		if ((e->severity >= 0 && e->severity != (int)st->severity) ||
		    (e->security && !st->security)) {
			continue;
		}
		due = st->declared_ms + e->after_ms;
		if (now_ms < due) {
			continue;
		}
		d = &out->escalations[out->n_escalations];
		escalation_key(e, d->key, sizeof(d->key));
		if (!escalated(inc, d->key) && escalated_to(inc, e->to)) {
			/* Already asked in by another rule (a P0 security
			 * incident reaches the CTO once, not twice). */
			continue;
		}
		out->n_escalations++;
		strlcpy_safe(d->to, e->to, sizeof(d->to));
		escalation_text(e, st->severity, d->text, sizeof(d->text));
		d->due_ms = due;
		if (escalated(inc, d->key)) {
			continue;
		}
		d->new_now = true;
		emitted++;
		incident_rec_init(inc, &rec, TL_INFO, "warroom", now_ms);
		rec.event = (char *)"escalation";
		rec.escalation = d->key;
		rec.text = d->text;
		/* Queued: the prompt is on the status line at once, and in
		 * the timeline once it is written. */
		incident_apply(inc, &rec);
		journal_append(inc->j, &rec);
	}
	pthread_mutex_unlock(&inc->lock);
	return emitted;
}

