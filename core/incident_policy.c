/* The incident process as the runbooks run it, every number configurable:
 * response targets, status-update intervals, escalations, the lookback
 * of the post-mortem's start and the findings' holds ([incident] keys).
 * Pure functions: any thread. */
#include "core/incident.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/rules.h"
#include "core/xalloc.h"

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)

/* ---- policy ------------------------------------------------------------ */

static void
add_escalation(struct incident_policy *pol, int sev, bool security,
	       int64_t after_ms, const char *to)
{
	struct incident_escalation *e;

	if (pol->n_escalations >= INCIDENT_MAX_ESCALATIONS) {
		return;
	}
	e = &pol->escalations[pol->n_escalations++];
	e->severity = sev;
	e->security = security;
	e->after_ms = after_ms;
	strlcpy_safe(e->to, to, sizeof(e->to));
}

void
incident_policy_default(struct incident_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->response_ms[INCIDENT_P0] = 15 * MIN_MS;
	pol->response_ms[INCIDENT_P1] = HOUR_MS;
	pol->response_ms[INCIDENT_P2] = 4 * HOUR_MS;
	pol->response_ms[INCIDENT_P3] = INCIDENT_NEXT_BUSINESS_DAY;
	pol->update_ms[INCIDENT_P0] = 30 * MIN_MS;
	pol->update_ms[INCIDENT_P1] = 30 * MIN_MS;
	pol->update_ms[INCIDENT_P2] = DAY_MS;
	pol->update_ms[INCIDENT_P3] = 0;
	pol->update_warn_ms = 5 * MIN_MS;
	add_escalation(pol, INCIDENT_P0, false, 30 * MIN_MS,
		       "engineering manager");
	add_escalation(pol, INCIDENT_P0, false, HOUR_MS, "CTO");
	add_escalation(pol, INCIDENT_P1, false, 2 * HOUR_MS,
		       "engineering manager");
	add_escalation(pol, -1, true, 0, "CTO");
	pol->lookback_ms = 30 * MIN_MS;
}

/* "0", "90s", "500ms", "30m", "2h", "1d"; at most 366 days. */
static int
parse_span(const char *s, int64_t *out)
{
	int64_t v = 0, unit;
	int n = 0;

	while (isdigit((unsigned char)*s)) {
		if (++n > 12) {
			return -1;
		}
		v = v * 10 + (*s++ - '0');
	}
	if (n == 0) {
		return -1;
	}
	if (*s == '\0' || strcmp(s, "s") == 0) {
		unit = 1000;
	} else if (strcmp(s, "ms") == 0) {
		unit = 1;
	} else if (strcmp(s, "m") == 0 || strcmp(s, "min") == 0) {
		unit = MIN_MS;
	} else if (strcmp(s, "h") == 0) {
		unit = HOUR_MS;
	} else if (strcmp(s, "d") == 0) {
		unit = DAY_MS;
	} else {
		return -1;
	}
	if (v > 366 * DAY_MS / unit) {
		return -1;
	}
	*out = v * unit;
	return 0;
}

/* Index 0-3 of "KEY.pN", or -1. */
static int
key_sev(const char *key, const char *prefix)
{
	size_t len = strlen(prefix);

	if (strncmp(key, prefix, len) != 0) {
		return -1;
	}
	return incident_sev_parse(key + len);
}

static int
parse_escalations(struct incident_policy *pol, const char *value,
		  struct err *err)
{
	char *copy = xstrdup(value), *item, *save = NULL;
	char *sev, *span, *to;
	int64_t ms;
	int s, rc = 0;

	pol->n_escalations = 0;
	for (item = strtok_r(copy, ";", &save); item != NULL;
	     item = strtok_r(NULL, ";", &save)) {
		char *save2 = NULL;
		bool security = false;

		sev = strtok_r(item, " \t", &save2);
		if (sev == NULL) {
			continue;
		}
		span = strtok_r(NULL, " \t", &save2);
		to = strtok_r(NULL, "", &save2);
		while (to != NULL && (*to == ' ' || *to == '\t')) {
			to++;
		}
		if (strcasecmp(sev, "any") == 0) {
			s = -1;
		} else if (strcasecmp(sev, "security") == 0) {
			s = -1;
			security = true;
		} else if ((s = incident_sev_parse(sev)) < 0) {
			rc = err_set(err, "escalations: unknown severity "
				     "'%.16s' (use P0-P3, any or security)",
				     sev);
			break;
		}
		if (span == NULL || parse_span(span, &ms) != 0) {
			rc = err_set(err, "escalations: bad duration after "
				     "'%.16s' (e.g. 30m, 2h)", sev);
			break;
		}
		if (to == NULL || *to == '\0' || strlen(to) >= 48) {
			rc = err_set(err, "escalations: who to escalate to is "
				     "missing or too long after '%.16s %.16s'",
				     sev, span);
			break;
		}
		if (pol->n_escalations == INCIDENT_MAX_ESCALATIONS) {
			rc = err_set(err, "escalations: more than %d rules",
				     INCIDENT_MAX_ESCALATIONS);
			break;
		}
		add_escalation(pol, s, security, ms, to);
	}
	free(copy);
	return rc;
}

/* hold.RULE = DURATION: the rule must be one the tracker knows. */
static int
set_hold(struct incident_policy *pol, const char *rule, const char *value,
	 struct err *err)
{
	int64_t ms;
	size_t i;

	if (rules_hold_index(rule) < 0) {
		return err_set(err, "hold.%.32s: no such rule (e.g. "
			       "hold.pg-blocked, hold.metric)", rule);
	}
	if (parse_span(value, &ms) != 0 || ms > 24 * HOUR_MS) {
		return err_set(err, "hold.%.32s: bad duration '%.32s' (e.g. "
			       "5s, 1m, 0)", rule, value);
	}
	for (i = 0; i < pol->n_holds; i++) {
		if (strcmp(pol->holds[i].rule, rule) == 0) {
			break;
		}
	}
	if (i == sizeof(pol->holds) / sizeof(pol->holds[0])) {
		return err_set(err, "hold.%.32s: too many holds", rule);
	}
	strlcpy_safe(pol->holds[i].rule, rule, sizeof(pol->holds[i].rule));
	pol->holds[i].ms = ms;
	if (i == pol->n_holds) {
		pol->n_holds++;
	}
	return 0;
}

int
incident_policy_set(struct incident_policy *pol, const char *key,
		    const char *value, struct err *err)
{
	struct incident_policy next = *pol;
	int64_t ms;
	int s;

	if ((s = key_sev(key, "response.")) >= 0) {
		if (strcasecmp(value, "next-business-day") == 0) {
			next.response_ms[s] = INCIDENT_NEXT_BUSINESS_DAY;
		} else if (parse_span(value, &ms) == 0 && ms > 0) {
			next.response_ms[s] = ms;
		} else {
			return err_set(err, "%s: bad duration '%.32s' (e.g. "
				       "15m, 1h, next-business-day)", key,
				       value);
		}
	} else if ((s = key_sev(key, "update.")) >= 0) {
		if (strcasecmp(value, "none") == 0) {
			next.update_ms[s] = 0;
		} else if (parse_span(value, &ms) == 0 && ms > 0) {
			next.update_ms[s] = ms;
		} else {
			return err_set(err, "%s: bad duration '%.32s' (e.g. "
				       "30m, 1d, none)", key, value);
		}
	} else if (strcmp(key, "update_warn") == 0) {
		if (parse_span(value, &ms) != 0) {
			return err_set(err, "%s: bad duration '%.32s'", key,
				       value);
		}
		next.update_warn_ms = ms;
	} else if (strcmp(key, "escalations") == 0) {
		if (parse_escalations(&next, value, err) != 0) {
			return -1;
		}
	} else if (strcmp(key, "lookback") == 0) {
		if (parse_span(value, &ms) != 0) {
			return err_set(err, "%s: bad duration '%.32s' (e.g. "
				       "30m, 2h, 0)", key, value);
		}
		next.lookback_ms = ms;
	} else if (strncmp(key, "hold.", 5) == 0) {
		if (set_hold(&next, key + 5, value, err) != 0) {
			return -1;
		}
	} else {
		return err_set(err, "unknown incident setting '%.32s'", key);
	}
	*pol = next;
	return 0;
}

int64_t
incident_response_deadline(const struct incident_policy *pol,
			   enum incident_sev sev, int64_t from_ms)
{
	int64_t day, next;
	int wday;

	if (pol->response_ms[sev] != INCIDENT_NEXT_BUSINESS_DAY) {
		return from_ms + pol->response_ms[sev];
	}
	/* The end of the first weekday after from_ms's day (UTC). Day 0 of
	 * the epoch was a Thursday. */
	day = from_ms / DAY_MS;
	next = day + 1;
	for (;;) {
		wday = (int)((next + 4) % 7);   /* 0 = Sunday */
		if (wday != 0 && wday != 6) {
			break;
		}
		next++;
	}
	return (next + 1) * DAY_MS;
}
