/* The alerts sources (see alertmanager.h): Alertmanager's alerts and
 * silences, or Prometheus's /api/v1/alerts, and what the actions
 * (alertmanager_actions.c) share with them. Poller and ops on the probe
 * thread. */
#include "probes/alertmanager.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/http.h"
#include "probes/prometheus.h"

/* Labels shown first when an alert has them, in this order. */
static const char *const key_labels[] = {
	"service", "namespace", "job", "instance", NULL,
};

/* ---- helpers ----------------------------------------------------------- */

void
am_author(char *buf, size_t n)
{
	const char *user = getenv("USER");
	char host[256], pwbuf[1024];
	struct passwd pw, *found = NULL;

	if (user == NULL || *user == '\0') {
		if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf),
			       &found) != 0 || found == NULL) {
			found = NULL;
		}
		user = found != NULL ? found->pw_name : "unknown";
	}
	if (gethostname(host, sizeof(host)) < 0) {
		strlcpy_safe(host, "localhost", sizeof(host));
	}
	host[sizeof(host) - 1] = '\0';
	snprintf(buf, n, "%s@%s", user, host);
}

char *
am_silence_body(const char *id, const struct alerts_matcher *m, size_t n,
		int64_t starts_ms, int64_t ends_ms, const char *created_by,
		const char *comment)
{
	cJSON *doc = cJSON_CreateObject(), *ms = cJSON_CreateArray();
	char t[40];
	char *out;
	size_t i;

	if (id != NULL) {
		cJSON_AddStringToObject(doc, "id", id);
	}
	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", m[i].name);
		cJSON_AddStringToObject(o, "value", m[i].value);
		cJSON_AddBoolToObject(o, "isRegex", m[i].is_regex);
		cJSON_AddBoolToObject(o, "isEqual", m[i].is_equal);
		cJSON_AddItemToArray(ms, o);
	}
	cJSON_AddItemToObject(doc, "matchers", ms);
	prom_format_time(starts_ms, t, sizeof(t));
	cJSON_AddStringToObject(doc, "startsAt", t);
	prom_format_time(ends_ms, t, sizeof(t));
	cJSON_AddStringToObject(doc, "endsAt", t);
	cJSON_AddStringToObject(doc, "createdBy", created_by);
	cJSON_AddStringToObject(doc, "comment", comment);
	out = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (out == NULL) {
		abort();        /* cJSON fails only on out-of-memory */
	}
	/* cJSON allocates with malloc: hand over a plain heap string. */
	return out;
}

size_t
am_label_matchers(const struct prom_label *labels, size_t n_labels,
		  struct alerts_matcher *m, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < n_labels && n < max; i++) {
		memset(&m[n], 0, sizeof(m[n]));
		snprintf(m[n].name, sizeof(m[n].name), "%s", labels[i].name);
		snprintf(m[n].value, sizeof(m[n].value), "%s",
			 labels[i].value);
		m[n].is_equal = true;
		n++;
	}
	return n;
}

static int
severity_rank(const char *s)
{
	static const char *const order[] = {
		"critical", "error", "warning", "info", NULL,
	};
	int i;

	for (i = 0; order[i] != NULL; i++) {
		if (strcasecmp(s, order[i]) == 0) {
			return i;
		}
	}
	return i;
}

static void
appendf(char *buf, size_t n, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
appendf(char *buf, size_t n, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*used + 1 >= n) {
		return;
	}
	va_start(ap, fmt);
	w = vsnprintf(buf + *used, n - *used, fmt, ap);
	va_end(ap);
	if (w > 0) {
		*used += (size_t)w < n - *used ? (size_t)w : n - *used - 1;
	}
}

/* "service=api namespace=prod ...": the key labels, then up to
 * AM_OTHER_LABELS others (not alertname or severity), in name order. */
static void
key_label_text(const struct prom_alert *a, char *buf, size_t n)
{
	size_t used = 0, i, others = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; key_labels[k] != NULL; k++) {
		const char *v = prom_label_get(a->labels, a->n_labels,
					       key_labels[k]);

		if (v != NULL) {
			appendf(buf, n, &used, "%s%s=%s", used ? " " : "",
				key_labels[k], v);
		}
	}
	for (i = 0; i < a->n_labels && others < AM_OTHER_LABELS; i++) {
		const char *name = a->labels[i].name;
		bool skip = strcmp(name, "alertname") == 0 ||
			    strcmp(name, "severity") == 0;

		for (k = 0; !skip && key_labels[k] != NULL; k++) {
			skip = strcmp(name, key_labels[k]) == 0;
		}
		if (!skip) {
			appendf(buf, n, &used, "%s%s=%s", used ? " " : "",
				name, a->labels[i].value);
			others++;
		}
	}
}

size_t
am_silence_matchers(const struct prom_silence *sil, struct alerts_matcher *m,
		    size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < sil->n_matchers && n < max; i++) {
		const struct prom_matcher *pm = &sil->matchers[i];

		memset(&m[n], 0, sizeof(m[n]));
		snprintf(m[n].name, sizeof(m[n].name), "%s", pm->name);
		snprintf(m[n].value, sizeof(m[n].value), "%s", pm->value);
		m[n].is_regex = pm->is_regex;
		m[n].is_equal = pm->is_equal;
		n++;
	}
	return n;
}

static int
alert_row_cmp(const void *a, const void *b)
{
	const struct alert_row *x = a, *y = b;
	int rx = severity_rank(x->severity), ry = severity_rank(y->severity);

	if (rx != ry) {
		return rx < ry ? -1 : 1;
	}
	if (x->starts_ms != y->starts_ms) {
		return x->starts_ms < y->starts_ms ? -1 : 1;
	}
	return strcmp(x->fingerprint, y->fingerprint);
}

static int
silence_row_cmp(const void *a, const void *b)
{
	const struct silence_row *x = a, *y = b;

	if (x->ends_ms != y->ends_ms) {
		return x->ends_ms < y->ends_ms ? -1 : 1;
	}
	return strcmp(x->id, y->id);
}

/* Every label of a as exact matchers, quoted as a silence's input takes
 * them: alertname="X" service="api". */
static const char *
silence_matchers(struct snapshot *s, const struct prom_alert *a)
{
	struct alerts_matcher m[ALERTS_MATCHERS_MAX];
	char buf[2048];

	alerts_matchers_text(m, am_label_matchers(a->labels, a->n_labels, m,
						  ALERTS_MATCHERS_MAX),
			     buf, sizeof(buf));
	return snapshot_strdup(s, buf);
}

static void
build_alerts(struct snapshot *s, struct alerts_model *m,
	     const struct prom_alerts *in, bool from_prometheus)
{
	char labels[512];
	size_t i;

	m->alerts = snapshot_alloc(s, (in->n ? in->n : 1) *
				   sizeof(*m->alerts));
	for (i = 0; i < in->n; i++) {
		const struct prom_alert *a = &in->v[i];
		struct alert_row *o;
		const char *v;

		if (from_prometheus && strcmp(a->state, "firing") != 0) {
			continue;
		}
		o = &m->alerts[m->n_alerts++];
		o->fingerprint = snapshot_strdup(s, a->fingerprint);
		o->name = snapshot_strdup(s, prom_label_get(a->labels,
				a->n_labels, "alertname"));
		o->severity = snapshot_strdup(s, prom_label_get(a->labels,
				a->n_labels, "severity"));
		key_label_text(a, labels, sizeof(labels));
		o->labels = snapshot_strdup(s, labels);
		v = prom_label_get(a->annotations, a->n_annotations,
				   "summary");
		if (v == NULL) {
			v = prom_label_get(a->annotations, a->n_annotations,
					   "description");
		}
		o->summary = snapshot_strdup(s, v);
		o->starts_ms = a->starts_ms;
		o->silenced = a->n_silenced_by > 0;
		o->silence_id = snapshot_strdup(s, a->n_silenced_by > 0 ?
						a->silenced_by[0] : "");
		o->inhibited = a->n_inhibited_by > 0;
		o->description = snapshot_strdup(s, prom_label_get(
				a->annotations, a->n_annotations,
				"description"));
		o->runbook_url = snapshot_strdup(s, prom_label_get(
				a->annotations, a->n_annotations,
				"runbook_url"));
		o->generator_url = snapshot_strdup(s, a->generator_url);
		o->receivers = snapshot_strdup(s, a->receivers);
		o->matchers = silence_matchers(s, a);
	}
	qsort(m->alerts, m->n_alerts, sizeof(*m->alerts), alert_row_cmp);
}

static void
build_silences(struct snapshot *s, struct alerts_model *m,
	       const struct prom_silences *in)
{
	char text[512];
	size_t i;

	m->silences = snapshot_alloc(s, (in->n ? in->n : 1) *
				     sizeof(*m->silences));
	for (i = 0; i < in->n; i++) {
		const struct prom_silence *sil = &in->v[i];
		struct silence_row *o;

		if (strcmp(sil->state, "active") != 0) {
			continue;
		}
		o = &m->silences[m->n_silences++];
		o->id = snapshot_strdup(s, sil->id);
		{
			struct alerts_matcher am[ALERTS_MATCHERS_MAX];

			alerts_matchers_text(am, am_silence_matchers(sil, am,
						ALERTS_MATCHERS_MAX),
					     text, sizeof(text));
		}
		o->matchers = snapshot_strdup(s, text);
		o->starts_ms = sil->starts_ms;
		o->created_by = snapshot_strdup(s, sil->created_by);
		o->comment = snapshot_strdup(s, sil->comment);
		o->ends_ms = sil->ends_ms;
	}
	qsort(m->silences, m->n_silences, sizeof(*m->silences),
	      silence_row_cmp);
}

/* A request whose reply must be 2xx; an error document's own text replaces
 * the first line of the body in err. */
int
am_request(struct http_client *c, const char *method, const char *path,
	   const char *body, struct http_resp *resp, struct err *err)
{
	char text[200];
	int rc;

	if (strcmp(method, "POST") == 0) {
		rc = http_post(c, path, body, resp, err);
	} else if (strcmp(method, "DELETE") == 0) {
		rc = http_delete(c, path, resp, err);
	} else {
		rc = http_get(c, path, resp, err);
	}
	if (rc < 0 && resp->status == 404) {
		/* A URL of the other server, or one without its prefix. */
		http_resp_finish(resp);
		if (strncmp(path, "/api/v1/", 8) == 0) {
			return http_not_found(c, AM_STATUS_PATH,
					      "Alertmanager", "Prometheus",
					      err);
		}
		return http_not_found(c, PROM_BUILDINFO_PATH, "Prometheus",
				      "Alertmanager", err);
	}
	if (rc < 0 && resp->status != 0) {
		if (prom_json_error_text(resp->body, resp->len, text,
					 sizeof(text)) == 0) {
			err_set(err, "HTTP %ld: %s", resp->status, text);
		}
		http_resp_finish(resp);
	}
	return rc;
}

/* ---- the poller ------------------------------------------------------- */

struct am_poller {
	struct http_client *http;
	bool from_prometheus;
	int timeout_ms;
};

static struct am_poller *
poller_new(const struct config_section *sec, struct probe *owner,
	   bool from_prometheus, struct err *err)
{
	struct am_poller *ap = xcalloc(1, sizeof(*ap));

	ap->http = http_client_new(sec, err);
	if (ap->http == NULL) {
		free(ap);
		return NULL;
	}
	ap->from_prometheus = from_prometheus;
	ap->timeout_ms = sec->timeout_ms > 0 ? sec->timeout_ms : 5000;
	if (owner != NULL) {
		http_client_set_cancel(ap->http, probe_cancelled, owner);
	}
	return ap;
}

void *
am_poller_new(const struct config_section *sec, struct probe *owner,
	      struct err *err)
{
	return poller_new(sec, owner, false, err);
}

void *
am_poller_new_prometheus(const struct config_section *sec,
			 struct probe *owner, struct err *err)
{
	return poller_new(sec, owner, true, err);
}

void
am_poller_free(void *am_poller)
{
	struct am_poller *ap = am_poller;

	if (ap != NULL) {
		http_client_free(ap->http);
	}
	free(ap);
}

static int
poll_alerts(struct am_poller *ap, struct prom_alerts *alerts,
	    struct err *err)
{
	struct http_resp resp;
	int rc;

	if (am_request(ap->http, "GET", ap->from_prometheus ? "/api/v1/alerts" :
		    "/api/v2/alerts", NULL, &resp, err) < 0) {
		return -1;
	}
	rc = ap->from_prometheus ?
	     prom_json_parse_prom_alerts(resp.body, resp.len, alerts, err) :
	     prom_json_parse_am_alerts(resp.body, resp.len, alerts, err);
	http_resp_finish(&resp);
	if (rc < 0) {
		return prom_json_blame(err, http_client_addr(ap->http));
	}
	if (alerts->api_error != NULL) {
		rc = err_set(err, "Prometheus: %s", alerts->api_error);
		prom_alerts_finish(alerts);
		return rc;
	}
	return 0;
}

static int
poll_silences(struct am_poller *ap, struct prom_silences *sil,
	      struct err *err)
{
	struct http_resp resp;
	int rc;

	if (am_request(ap->http, "GET", "/api/v2/silences", NULL, &resp,
		    err) < 0) {
		return -1;
	}
	rc = prom_json_parse_am_silences(resp.body, resp.len, sil, err);
	http_resp_finish(&resp);
	return rc < 0 ? prom_json_blame(err, http_client_addr(ap->http)) : 0;
}

int
am_poller_poll(void *am_poller, struct snapshot *s, struct err *err)
{
	struct am_poller *ap = am_poller;
	struct alerts_model *m = snapshot_alloc(s, sizeof(*m));
	struct prom_alerts alerts;
	struct prom_silences sil;
	int rc;

	memset(&sil, 0, sizeof(sil));
	http_client_set_deadline(ap->http, clock_mono_ms() + ap->timeout_ms);
	rc = poll_alerts(ap, &alerts, err);
	if (rc == 0 && !ap->from_prometheus) {
		rc = poll_silences(ap, &sil, err);
		if (rc < 0) {
			prom_alerts_finish(&alerts);
		}
	}
	http_client_set_deadline(ap->http, 0);
	if (rc < 0) {
		return -1;
	}
	build_alerts(s, m, &alerts, ap->from_prometheus);
	build_silences(s, m, &sil);
	prom_alerts_finish(&alerts);
	prom_silences_finish(&sil);
	s->data = m;
	return 0;
}

static int
am_poller_reachable(void *am_poller, const struct probe *p)
{
	struct am_poller *ap = am_poller;

	return http_client_reachable(ap->http, p);
}

/* ---- the ops ---------------------------------------------------------- */

static const struct config_key_spec alertmanager_keys[] = {
	{ .name = "url", .type = CONFIG_HTTP_URL, .required = true,
	  .secret = true, .env = "ALERTMANAGER_URL",
	  .help = "the base URL: http:// or https:// and a host" },
	{ .name = NULL },
};

const struct probe_ops alertmanager_probe_ops = {
	.kind = SNAP_ALERTS,
	.open = am_poller_new, .poll = am_poller_poll, .close = am_poller_free,
	.reachable = am_poller_reachable,
	.actions = alertmanager_actions,
	.config = {
		.name = "alertmanager",
		.interval_ms = 5000,
		.keys = alertmanager_keys,
		.shared_keys = http_client_keys,
	},
};

/* Added by the registry beside each [prometheus.NAME] section (see
 * prometheus_probe_ops.companion), never read from a file. */
const struct probe_ops prometheus_alerts_probe_ops = {
	.kind = SNAP_ALERTS,
	.open = am_poller_new_prometheus, .poll = am_poller_poll,
	.close = am_poller_free, .reachable = am_poller_reachable,
	.config = { .name = "prometheus-alerts" },
};
