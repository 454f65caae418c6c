/* The endpoints kind (HTTP checks, the runbooks' curl -f .../health): a
 * finding when a check fails, when it is slower than its threshold, and
 * when the server certificate is within its warning window or expired.
 * Pure functions: any thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules_internal.h"

static void
cert_finding(const struct snapshot *s, const struct endpoint_model *m,
	     struct rules_list *fl)
{
	char key[FINDING_KEY_MAX], days[32];
	enum health sev;

	if (isnan(m->cert_days)) {
		return;
	}
	snprintf(key, sizeof(key), "cert:%s", s->source);
	if (m->cert_days < 0) {
		rules_list_add(fl, HEALTH_CRIT, key, "certificate of %s "
			       "expired %.1f days ago", m->url, -m->cert_days);
		return;
	}
	if (!isnan(m->cert_crit_days) && m->cert_days < m->cert_crit_days) {
		sev = HEALTH_CRIT;
	} else if (!isnan(m->cert_warn_days) &&
		   m->cert_days < m->cert_warn_days) {
		sev = HEALTH_WARN;
	} else {
		return;
	}
	snprintf(days, sizeof(days), "%.1f", m->cert_days);
	rules_list_add(fl, sev, key, "certificate of %s expires in %s days "
		       "(%s < %g days)", m->url, days,
		       sev == HEALTH_CRIT ? "crit" : "warn",
		       sev == HEALTH_CRIT ? m->cert_crit_days :
		       m->cert_warn_days);
}

static void
http_derive(struct snapshot *s, struct derive *d)
{
	const struct endpoint_model *m = s->data;
	char key[FINDING_KEY_MAX], v[48], lim[48];

	if (!m->ok) {
		snprintf(key, sizeof(key), "http:%s", s->source);
		rules_list_add(d->findings, HEALTH_CRIT, key, "%s failing: %s",
			       m->url, m->reason[0] != '\0' ? m->reason :
			       "check failed");
	} else if (!isnan(m->latency_warn_ms) && !isnan(m->latency_ms) &&
		   m->latency_ms > m->latency_warn_ms) {
		snprintf(key, sizeof(key), "http-slow:%s", s->source);
		rules_list_add(d->findings, HEALTH_WARN, key, "%s slow: %s "
			       "(warn > %s)", m->url,
			       rules_fmt_unit(UNIT_SECONDS,
					      m->latency_ms / 1000, v,
					      sizeof(v)),
			       rules_fmt_unit(UNIT_SECONDS,
					      m->latency_warn_ms / 1000, lim,
					      sizeof(lim)));
	}
	cert_finding(s, m, d->findings);
}

/* What the check that closed a finding says now. */
static double
http_cleared(const struct snapshot *s, const char *key, char *buf, size_t n)
{
	const struct endpoint_model *m = snapshot_endpoint(s);
	char v[48];

	if (m == NULL) {
		return NAN;
	}
	if (strncmp(key, "cert:", 5) == 0) {
		if (isnan(m->cert_days)) {
			snprintf(buf, n, "no certificate read from %s", m->url);
		} else {
			snprintf(buf, n, "certificate of %s expires in %.1f "
				 "days", m->url, m->cert_days);
		}
		return m->cert_days;
	}
	if (!m->ok) {
		snprintf(buf, n, "%s still failing: %s", m->url, m->reason);
		return m->latency_ms;
	}
	snprintf(buf, n, "%s answers HTTP %ld in %s", m->url, m->status,
		 rules_fmt_unit(UNIT_SECONDS, m->latency_ms / 1000, v,
				sizeof(v)));
	return m->latency_ms;
}

static const struct action_spec *const http_actions[] = {
	NULL,
};

const struct kind_desc kind_http = {
	.kind = SNAP_HTTP,
	.name = "endpoints",
	.title = "Endpoints",
	.abbrev = "http",
	.aliases = (const char *const[]){ "endpoint", "checks", NULL },
	.derive = http_derive,
	.cleared = http_cleared,
	.actions = http_actions,
};
