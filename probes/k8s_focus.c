/* What the Pods pane asks for besides the tables (its focus): the logs of
 * one container, streamed into a ring of the last 500 lines however fast
 * they come, or the description of one object, read again every interval.
 * Only the ring's lines reach a snapshot. Probe thread. */
#include "probes/k8s.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/http.h"
#include "probes/probe.h"

#define LOG_LINES 500
/* A longer log line is cut here (the rest of it dropped). */
#define LOG_LINE_MAX 4096

struct k8s_focus {
	struct k8s_loop *l;
	struct k8s_model *m;
	char ns[64];
	char text[PROBE_FOCUS_MAX];
	struct pods_focus f;
	struct k8s_xfer *x;
	/* logs: a ring, oldest at head */
	char *ring[LOG_LINES];
	size_t head, n;
	uint64_t received;
	bool ended;
	/* describe */
	cJSON *obj;
	int64_t next_ms;
	char error[ERR_MSG_MAX];
};

struct k8s_focus *
k8s_focus_new(struct k8s_loop *l, struct k8s_model *m, const char *ns)
{
	struct k8s_focus *f = xcalloc(1, sizeof(*f));

	f->l = l;
	f->m = m;
	snprintf(f->ns, sizeof(f->ns), "%s", ns);
	return f;
}

static void
reset(struct k8s_focus *f)
{
	k8s_xfer_cancel(f->l, f->x);
	f->x = NULL;
	for (size_t i = 0; i < f->n; i++) {
		free(f->ring[(f->head + i) % LOG_LINES]);
	}
	f->head = f->n = 0;
	f->received = 0;
	f->ended = false;
	cJSON_Delete(f->obj);
	f->obj = NULL;
	f->next_ms = 0;
	f->error[0] = '\0';
}

void
k8s_focus_free(struct k8s_focus *f)
{
	if (f != NULL) {
		reset(f);
		free(f);
	}
}

/* ---- logs ------------------------------------------------------------------ */

static void
log_line(void *arg, char *line, size_t len)
{
	struct k8s_focus *f = arg;
	size_t at;

	if (f->n == LOG_LINES) {
		free(f->ring[f->head]);
		f->ring[f->head] = NULL;
		f->head = (f->head + 1) % LOG_LINES;
		f->n--;
	}
	at = (f->head + f->n) % LOG_LINES;
	f->ring[at] = xstrndup(line, len);
	f->n++;
	f->received++;
}

static void
log_done(void *arg, long status, char *body, size_t len,
	 const struct err *err)
{
	struct k8s_focus *f = arg;

	f->x = NULL;
	f->ended = true;
	if (err != NULL) {
		snprintf(f->error, sizeof(f->error), "%s", err->msg);
	} else if (f->f.follow) {
		snprintf(f->error, sizeof(f->error), "the log stream ended "
			 "(the container stopped): l to read it again");
	}
}

static const struct k8s_xfer_ops log_ops = {
	.line = log_line,
	.done = log_done,
};

static void
start_logs(struct k8s_focus *f)
{
	char *ns = http_escape(f->f.ns), *pod = http_escape(f->f.name);
	const char *container = f->f.container;
	char path[1024];
	struct err err;

	/* Without a name the server refuses a pod of several containers;
	 * kubectl takes the first (or the default-container annotation). */
	if (container[0] == '\0') {
		container = k8s_model_pod_container(f->m, f->f.ns, f->f.name);
	}
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods/%s/log"
		 "?tailLines=%d%s%s", ns, pod, LOG_LINES,
		 f->f.follow ? "&follow=true" : "",
		 f->f.previous ? "&previous=true" : "");
	if (container[0] != '\0') {
		char *c = http_escape(container);

		strappendf(path, sizeof(path), "&container=%s", c);
		free(c);
	}
	free(ns);
	free(pod);
	err_clear(&err);
	f->x = k8s_loop_get(f->l, path, f->f.follow ? 0 : -1, LOG_LINE_MAX,
			    &log_ops, f, &err);
	if (f->x == NULL) {
		snprintf(f->error, sizeof(f->error), "%s", err.msg);
		f->ended = true;
	}
}

/* ---- descriptions ----------------------------------------------------------- */

static void
describe_done(void *arg, long status, char *body, size_t len,
	      const struct err *err)
{
	struct k8s_focus *f = arg;
	cJSON *doc;

	f->x = NULL;
	if (err != NULL) {
		snprintf(f->error, sizeof(f->error), "%s", err->msg);
		return;
	}
	doc = cJSON_ParseWithLength(body, len);
	if (doc == NULL) {
		snprintf(f->error, sizeof(f->error), "%.20s %.100s: not JSON",
			 f->f.kind, f->f.name);
		return;
	}
	f->error[0] = '\0';
	cJSON_Delete(f->obj);
	f->obj = doc;
}

static const struct k8s_xfer_ops describe_ops = { .done = describe_done };

static bool
describe_path(const struct pods_focus *pf, char *buf, size_t n)
{
	char *ns = http_escape(pf->ns), *name = http_escape(pf->name);
	bool ok = true;

	if (strcmp(pf->kind, "pod") == 0) {
		snprintf(buf, n, "/api/v1/namespaces/%s/pods/%s", ns, name);
	} else if (strcmp(pf->kind, "deployment") == 0) {
		snprintf(buf, n, "/apis/apps/v1/namespaces/%s/deployments/%s",
			 ns, name);
	} else if (strcmp(pf->kind, "node") == 0) {
		snprintf(buf, n, "/api/v1/nodes/%s", name);
	} else if (strcmp(pf->kind, "hpa") == 0) {
		snprintf(buf, n, "/apis/autoscaling/v2/namespaces/%s/"
			 "horizontalpodautoscalers/%s", ns, name);
	} else {
		ok = false;
	}
	free(ns);
	free(name);
	return ok;
}

void
k8s_focus_tick(struct k8s_focus *f, int64_t now_ms, int interval_ms)
{
	char path[1024];
	struct err err;

	if (f->f.what != PODS_FOCUS_DESCRIBE || f->x != NULL ||
	    now_ms < f->next_ms) {
		return;
	}
	f->next_ms = now_ms + interval_ms;
	if (!describe_path(&f->f, path, sizeof(path))) {
		snprintf(f->error, sizeof(f->error), "cannot describe a %s",
			 f->f.kind);
		return;
	}
	err_clear(&err);
	f->x = k8s_loop_get(f->l, path, -1, 0, &describe_ops, f, &err);
	if (f->x == NULL) {
		snprintf(f->error, sizeof(f->error), "%s", err.msg);
	}
}

void
k8s_focus_set(struct k8s_focus *f, const char *text)
{
	reset(f);
	snprintf(f->text, sizeof(f->text), "%s", text);
	if (!pods_focus_parse(text, &f->f)) {
		memset(&f->f, 0, sizeof(f->f));
		snprintf(f->error, sizeof(f->error), "not a request: %.60s",
			 text);
		return;
	}
	if (f->f.what == PODS_FOCUS_LOGS) {
		start_logs(f);
	}
}

void
k8s_focus_build(struct k8s_focus *f, struct snapshot *s,
		struct pods_detail *d)
{
	char title[512];
	char **lines = NULL;
	size_t n = 0, i;

	memset(d, 0, sizeof(*d));
	d->request = snapshot_strdup(s, f->text);
	d->error = snapshot_strdup(s, f->error);
	if (f->f.what == PODS_FOCUS_LOGS) {
		snprintf(title, sizeof(title), "logs %s/%s%s%s%s%s", f->f.ns,
			 f->f.name, f->f.container[0] ? " " : "",
			 f->f.container, f->f.previous ? " (previous)" : "",
			 f->f.follow ? " (following)" : "");
		d->lines = snapshot_alloc(s, (f->n + 1) * sizeof(*d->lines));
		for (i = 0; i < f->n; i++) {
			d->lines[i] = snapshot_strdup(
				s, f->ring[(f->head + i) % LOG_LINES]);
		}
		d->n_lines = f->n;
		d->received = f->received;
		d->following = f->f.follow && !f->ended;
	} else if (f->f.what == PODS_FOCUS_DESCRIBE) {
		snprintf(title, sizeof(title), "describe %s %s%s%s", f->f.kind,
			 f->f.ns, f->f.ns[0] ? "/" : "", f->f.name);
		if (f->obj != NULL) {
			k8s_describe(f->m, f->f.kind, f->obj, &lines, &n);
		}
		d->lines = snapshot_alloc(s, (n + 1) * sizeof(*d->lines));
		for (i = 0; i < n; i++) {
			d->lines[i] = snapshot_strdup(s, lines[i]);
			free(lines[i]);
		}
		free(lines);
		d->n_lines = n;
	} else {
		title[0] = '\0';
	}
	d->title = snapshot_strdup(s, title);
}
