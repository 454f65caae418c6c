/* The alerts kind: a finding per alert as Alertmanager states it (firing,
 * suppressed), and the silence actions with their inputs (a silence's
 * duration, matchers and comment; how long to extend one by). Pure
 * functions: any thread. */
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/kind.h"
#include "core/rules_internal.h"
#include "core/xalloc.h"

/* A finding per alert, in Alertmanager's words: firing, or firing but
 * suppressed (silenced, inhibited), which does not count in the health
 * but is followed, so that a silence is never read as a resolution. */
static void
alerts_findings(const struct alerts_model *m, struct rules_list *fl)
{
	char key[FINDING_KEY_MAX], sev[64], subject[FINDING_SUBJECT_MAX];
	struct finding *f;
	size_t i;

	for (i = 0; i < m->n_alerts; i++) {
		const struct alert_row *a = &m->alerts[i];
		const char *name = a->name[0] != '\0' ? a->name : "(unnamed)";
		bool suppressed = a->silenced || a->inhibited;

		snprintf(key, sizeof(key), "alert:%s",
			 a->fingerprint[0] != '\0' ? a->fingerprint : name);
		sev[0] = '\0';
		if (a->severity[0] != '\0') {
			snprintf(sev, sizeof(sev), " (%.40s)", a->severity);
		}
		bool crit = strcasecmp(a->severity, "critical") == 0;

		f = rules_list_add(fl, crit ? HEALTH_CRIT : HEALTH_WARN, key,
				   "alert %s firing%s%s", name, sev,
				   !suppressed ? "" : a->silenced &&
				   a->inhibited ? ", silenced and inhibited" :
				   a->silenced ? ", silenced" : ", inhibited");
		snprintf(subject, sizeof(subject), "alert %s", name);
		rules_finding_measure(f, subject, NAN, NAN, UNIT_NONE);
		f->suppressed = suppressed;
		f->since_ms = a->starts_ms;
	}
}

static void
alerts_derive(struct snapshot *s, struct derive *d)
{
	alerts_findings(s->data, d->findings);
}

/* ---- actions ------------------------------------------------------------- */

/* A duration at *pp ("2h", "1h30m"): its ms, *pp past it; -1 when there
 * is none or it is malformed. */
static int
parse_duration(const char **pp, int64_t *ms)
{
	const char *p = *pp;
	int64_t total = 0;
	bool any = false;

	while (*p != '\0' && *p != ' ' && *p != '\t') {
		int64_t v = 0, unit;
		int nd = 0;

		while (isdigit((unsigned char)*p)) {
			if (++nd > 7) {
				return -1;
			}
			v = v * 10 + (*p++ - '0');
		}
		switch (nd > 0 ? *p : '\0') {
		case 's':
			unit = 1000;
			break;
		case 'm':
			unit = 60 * 1000;
			break;
		case 'h':
			unit = 3600 * 1000;
			break;
		case 'd':
			unit = 86400 * 1000;
			break;
		default:
			return -1;
		}
		p++;
		total += v * unit;
		any = true;
	}
	if (!any) {
		return -1;
	}
	*ms = total;
	*pp = p;
	return 0;
}

static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	return p;
}

static bool
name_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' ||
	       (!first && isdigit((unsigned char)c));
}

/* A matcher at *pp: 1 with *m filled and *pp past it, 0 when the text
 * there is not a matcher (the comment starts), -1 with err when it is a
 * malformed one. */
static int
parse_matcher(const char **pp, struct alerts_matcher *m, struct err *err)
{
	const char *p = *pp, *name = p;
	size_t nlen, vlen = 0;

	while (name_char(*p, p == name)) {
		p++;
	}
	nlen = (size_t)(p - name);
	memset(m, 0, sizeof(*m));
	if (nlen == 0 || (p[0] != '=' && !(p[0] == '!' && (p[1] == '=' ||
							   p[1] == '~')))) {
		return 0;
	}
	if (nlen >= sizeof(m->name)) {
		return err_set(err, "matcher %.*s...: the name is too long", 16,
			       name);
	}
	memcpy(m->name, name, nlen);
	m->is_equal = p[0] == '=';
	p += m->is_equal ? 1 : 2;
	if (m->is_equal && *p == '~') {
		m->is_regex = true;
		p++;
	} else if (!m->is_equal) {
		m->is_regex = p[-1] == '~';
	}
	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0') {
				return err_set(err, "matcher %s: a quote is "
					       "not closed", m->name);
			}
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) {
				p++;
			}
			if (vlen + 1 >= sizeof(m->value)) {
				return err_set(err, "matcher %s: the value is "
					       "too long", m->name);
			}
			m->value[vlen++] = *p;
		}
		p++;
	} else {
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			if (vlen + 1 >= sizeof(m->value)) {
				return err_set(err, "matcher %s: the value is "
					       "too long", m->name);
			}
			m->value[vlen++] = *p++;
		}
	}
	if (*p != '\0' && *p != ' ' && *p != '\t') {
		return err_set(err, "matcher %s: text after its quoted value",
			       m->name);
	}
	if (m->is_regex && vlen == 0) {
		return err_set(err, "matcher %s: an empty regex", m->name);
	}
	*pp = skip_blanks(p);
	return 1;
}

int
alerts_parse_silence(const char *arg, struct alerts_silence *out,
		     struct err *err)
{
	const char *p = skip_blanks(arg);
	int rc;

	memset(out, 0, sizeof(*out));
	if (parse_duration(&p, &out->dur_ms) < 0 ||
	    (*p != ' ' && *p != '\t')) {
		goto usage;
	}
	p = skip_blanks(p);
	while ((rc = parse_matcher(&p, &out->m[out->n_m], err)) == 1) {
		if (++out->n_m == ALERTS_MATCHERS_MAX && *p != '\0' &&
		    parse_matcher(&p, &(struct alerts_matcher){ 0 }, err) ==
		    1) {
			return err_set(err, "at most %d matchers",
				       ALERTS_MATCHERS_MAX);
		}
		if (out->n_m == ALERTS_MATCHERS_MAX) {
			break;
		}
	}
	if (rc < 0) {
		return -1;
	}
	if (*p == '\0') {
		return err_set(err, "a comment is needed after the %s (why "
			       "silence it?)", out->n_m > 0 ? "matchers" :
			       "duration");
	}
	if (out->dur_ms < ALERTS_SILENCE_MIN_MS ||
	    out->dur_ms > ALERTS_SILENCE_MAX_MS) {
		return err_set(err, "silence duration must be 1m..30d");
	}
	if (out->n_m > 0) {
		size_t i;
		bool anchors = false;

		/* Alertmanager's own rule: a silence that would match the
		 * empty value of every label matches everything. */
		for (i = 0; i < out->n_m; i++) {
			const struct alerts_matcher *m = &out->m[i];

			anchors |= m->is_equal && !m->is_regex &&
				   m->value[0] != '\0';
			anchors |= m->is_regex && m->is_equal &&
				   strcmp(m->value, ".*") != 0;
			anchors |= !m->is_equal && !m->is_regex &&
				   m->value[0] == '\0';
		}
		if (!anchors) {
			return err_set(err, "at least one matcher must not "
				       "match an empty value (it would "
				       "silence everything)");
		}
	}
	out->comment = p;
	return 0;
usage:
	return err_set(err, "usage: DURATION [MATCHERS] COMMENT, e.g. 2h "
		       "service=\"api\" deploy rollback in progress");
}

int
alerts_parse_extend(const char *arg, int64_t *dur_ms, const char **comment,
		    struct err *err)
{
	const char *p = skip_blanks(arg);

	if (parse_duration(&p, dur_ms) < 0 ||
	    (*p != '\0' && *p != ' ' && *p != '\t')) {
		return err_set(err, "usage: DURATION [COMMENT], e.g. 2h or 30m "
			       "the fix needs another deploy");
	}
	if (*dur_ms < ALERTS_SILENCE_MIN_MS ||
	    *dur_ms > ALERTS_SILENCE_MAX_MS) {
		return err_set(err, "extend by 1m..30d");
	}
	*comment = skip_blanks(p);
	return 0;
}

void
alerts_matchers_text(const struct alerts_matcher *m, size_t n_m, char *buf,
		     size_t n)
{
	size_t used = 0, i;
	const char *v;

	if (n == 0) {
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < n_m; i++) {
		char one[sizeof(m->name) + 2 * sizeof(m->value) + 8];
		size_t k = 0;

		k += (size_t)snprintf(one, sizeof(one), "%s%s%s\"",
				      i ? " " : "", m[i].name,
				      m[i].is_regex ?
				      (m[i].is_equal ? "=~" : "!~") :
				      (m[i].is_equal ? "=" : "!="));
		for (v = m[i].value; *v != '\0' && k + 3 < sizeof(one); v++) {
			if (*v == '"' || *v == '\\') {
				one[k++] = '\\';
			}
			one[k++] = *v;
		}
		one[k++] = '"';
		one[k] = '\0';
		if (used + k >= n) {
			break;  /* whole matchers only */
		}
		memcpy(buf + used, one, k + 1);
		used += k;
	}
}

int
alerts_matchers_match(const struct alerts_matcher *m, size_t n_m,
		      const char *const *names, const char *const *values,
		      size_t n_labels)
{
	size_t i, j;

	for (i = 0; i < n_m; i++) {
		const char *v = "";
		bool hit;

		for (j = 0; j < n_labels; j++) {
			if (strcmp(names[j], m[i].name) == 0) {
				v = values[j];
				break;
			}
		}
		if (m[i].is_regex) {
			char *anchored = xasprintf("^(%s)$", m[i].value);
			regex_t re;
			int rc = regcomp(&re, anchored, REG_EXTENDED |
					 REG_NOSUB);

			free(anchored);
			if (rc != 0) {
				return -1;
			}
			hit = regexec(&re, v, 0, NULL, 0) == 0;
			regfree(&re);
		} else {
			hit = strcmp(v, m[i].value) == 0;
		}
		if (hit != m[i].is_equal) {
			return 0;
		}
	}
	return 1;
}

static int
check_silence(const char *arg, struct err *err)
{
	struct alerts_silence sil;

	return alerts_parse_silence(arg, &sil, err);
}

static int
check_extend(const char *arg, struct err *err)
{
	const char *comment;
	int64_t ms;

	return alerts_parse_extend(arg, &ms, &comment, err);
}

/* What the silence input starts from: 2h and the alert's own matchers,
 * every label exactly, to narrow, widen or keep; then the comment. Only
 * "2h " when they would not leave room to type. */
static void
silence_initial(const struct action_req *req, char *buf, size_t n)
{
	const struct alerts_model *m = req->snap != NULL ?
		snapshot_alerts(req->snap) : NULL;
	size_t i;

	snprintf(buf, n, "2h ");
	for (i = 0; m != NULL && i < m->n_alerts; i++) {
		const struct alert_row *a = &m->alerts[i];

		if (strcmp(a->fingerprint, req->target.u.alert.fingerprint) !=
		    0 || a->matchers == NULL || a->matchers[0] == '\0') {
			continue;
		}
		if (strlen(a->matchers) + 3 + 1 + 48 < n) {
			snprintf(buf, n, "2h %s ", a->matchers);
		}
		return;
	}
}

static void
extend_initial(const struct action_req *req, char *buf, size_t n)
{
	snprintf(buf, n, "2h");
}

const struct action_spec action_silence = {
	.name = "silence",
	.label = "Silence alert",
	.hint = "silence",
	.key = 'A',
	.target = TARGET_ALERT,
	.destructive = true,
	.input = "Duration, matchers (edit them), comment",
	.check_input = check_silence,
	.initial_input = silence_initial,
};

const struct action_spec action_expire_silence = {
	.name = "expire-silence",
	.label = "Expire silence",
	.hint = "expire silence",
	.key = 'E',
	.target = TARGET_SILENCE,
	.destructive = true,
};

const struct action_spec action_extend_silence = {
	.name = "extend-silence",
	.label = "Extend silence",
	.hint = "extend silence",
	.key = 'X',
	.target = TARGET_SILENCE,
	.destructive = true,
	.input = "Extend by (and a comment)",
	.check_input = check_extend,
	.initial_input = extend_initial,
};

static const struct action_spec *const alerts_actions[] = {
	&action_silence,
	&action_expire_silence,
	&action_extend_silence,
	NULL,
};

const struct kind_desc kind_alerts = {
	.kind = SNAP_ALERTS,
	.name = "alerts",
	.title = "Alerts",
	.abbrev = "alerts",
	.aliases = (const char *const[]){ "alert", "am", "alertmanager", NULL },
	.derive = alerts_derive,
	.actions = alerts_actions,
};
