/* List, then watch, one resource into the model, as client-go's reflector
 * does: lists in pages of 500, watches from the list's resourceVersion
 * with bookmarks, starts a watch that ended again from the last
 * resourceVersion it saw (no gap), lists again on 410 Gone or a stream it
 * cannot read, and backs off on failures. Watch events are parsed one line
 * at a time as they arrive. Probe thread. */
#include "probes/k8s.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "probes/http.h"

#define PAGE_LIMIT 500
/* The server ends a watch after timeoutSeconds; client-go picks 5-10 min. */
#define WATCH_MIN_S 300
#define WATCH_SPREAD_S 300
#define BACKOFF_CAP_MS 30000
/* A watch event larger than this is not one (the server caps objects at
 * about 1.5 MB). */
#define EVENT_MAX (16u << 20)

enum {
	WATCH_IDLE,             /* waiting for next_ms */
	WATCH_LIST,             /* a list page is being read */
	WATCH_STREAM,           /* the watch is open */
};

/* Lists of every resource count from one sequence: a row keeps the
 * generation of the list or watch that last saw it. */
static uint64_t next_gen;

void
k8s_watch_init(struct k8s_watch *w, enum k8s_res res, struct k8s_loop *l,
	       struct k8s_model *m, const char *ns, bool watch,
	       int interval_ms)
{
	memset(w, 0, sizeof(*w));
	w->res = res;
	w->loop = l;
	w->model = m;
	snprintf(w->ns, sizeof(w->ns), "%s", ns != NULL ? ns : "");
	w->watch = watch;
	w->interval_ms = interval_ms > 0 ? interval_ms : 2000;
	w->state = WATCH_IDLE;
	w->next_ms = 0;
	w->need_list = true;
	w->seed = (unsigned)clock_mono_ms() ^ (unsigned)res * 2654435761u;
}

void
k8s_watch_finish(struct k8s_watch *w)
{
	k8s_xfer_cancel(w->loop, w->x);
	w->x = NULL;
	free(w->cont);
	w->cont = NULL;
}

/* A list again after 410 Gone: at once, but not more than once an
 * interval, so that a server that keeps saying it is not a busy loop. */
static int64_t
relist_at(const struct k8s_watch *w)
{
	return w->list_ms + w->interval_ms;
}

int64_t
k8s_watch_due(const struct k8s_watch *w)
{
	if (w->relist) {
		return relist_at(w);
	}
	return w->state == WATCH_IDLE ? w->next_ms : INT64_MAX;
}

/* The collection's path: /api/v1[/namespaces/NS]/pods. */
static void
collection(const struct k8s_watch *w, char *buf, size_t n)
{
	const struct k8s_res_desc *d = &k8s_res[w->res];

	if (d->namespaced && w->ns[0] != '\0') {
		char *ns = http_escape(w->ns);

		snprintf(buf, n, "%s/namespaces/%s/%s", d->api, ns, d->name);
		free(ns);
	} else {
		snprintf(buf, n, "%s/%s", d->api, d->name);
	}
}

static void
fail(struct k8s_watch *w, long status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a failure and backs off: interval, doubling, capped, +-20 %. */
static void
fail(struct k8s_watch *w, long status, const char *fmt, ...)
{
	int64_t d = w->interval_ms;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->error, sizeof(w->error), fmt, ap);
	va_end(ap);
	w->status = status;
	w->failures++;
	for (int i = 1; i < w->failures && d < BACKOFF_CAP_MS; i++) {
		d *= 2;
	}
	if (d > BACKOFF_CAP_MS) {
		d = BACKOFF_CAP_MS;
	}
	d = d * (80 + rand_r(&w->seed) % 41) / 100;
	w->next_ms = clock_mono_ms() + d;
	w->state = WATCH_IDLE;
	w->x = NULL;
}

static void
succeed(struct k8s_watch *w)
{
	w->failures = 0;
	w->error[0] = '\0';
	w->status = 0;
	w->auth_retried = false;
}

/* A 401 drops the credential, so that every later try gets a fresh one
 * (an exec plugin is run again), and gets one more try at once. */
static bool
retry_auth(struct k8s_watch *w, long status, struct k8s_client *c)
{
	if (status != 401 || !k8s_client_unauthorized(c) || w->auth_retried) {
		return false;
	}
	w->auth_retried = true;
	return true;
}

/* Where the watch goes, for a message: "(127.0.0.1:6443)". */
static const char *
where(const struct k8s_watch *w, char *buf, size_t n)
{
	snprintf(buf, n, "(%s)", w->loop != NULL ?
		 k8s_client_addr(k8s_loop_client(w->loop)) : "?");
	return buf;
}

static void start_list(struct k8s_watch *w);
static void start_watch(struct k8s_watch *w);

static void
list_done(void *arg, long status, char *body, size_t len,
	  const struct err *err)
{
	struct k8s_watch *w = arg;
	const char *name = k8s_res[w->res].name;
	const cJSON *it, *items;
	const char *cont;
	cJSON *doc;

	w->x = NULL;
	if (err != NULL) {
		if (status == 410 && w->cont != NULL) {
			/* The continue token expired: from the start. */
			free(w->cont);
			w->cont = NULL;
			start_list(w);
			return;
		}
		if (retry_auth(w, status, k8s_loop_client(w->loop))) {
			start_list(w);
			return;
		}
		fail(w, status, "%s: %s", name, err->msg);
		return;
	}
	doc = cJSON_ParseWithLength(body, len);
	items = kj_at(doc, "items");
	if (doc == NULL || (items != NULL && !cJSON_IsArray(items))) {
		char addr[280];

		cJSON_Delete(doc);
		fail(w, status, "%s: the list is not JSON %.200s", name,
		     where(w, addr, sizeof(addr)));
		return;
	}
	if (w->cont == NULL) {
		w->gen = ++next_gen;
		snprintf(w->rv, sizeof(w->rv), "%s",
			 kj_str(doc, "metadata.resourceVersion"));
	}
	cJSON_ArrayForEach(it, items) {
		k8s_model_apply(w->model, w->res, it, false, w->gen);
	}
	cont = kj_str(doc, "metadata.continue");
	free(w->cont);
	w->cont = cont[0] != '\0' ? xstrdup(cont) : NULL;
	cJSON_Delete(doc);
	if (w->cont != NULL) {
		start_list(w);
		return;
	}
	/* The whole list is in: what it did not name is gone. */
	k8s_model_sweep(w->model, w->res, w->gen);
	w->synced = true;
	w->need_list = false;
	w->lists++;
	succeed(w);
	if (w->watch) {
		start_watch(w);
	} else {
		w->state = WATCH_IDLE;
		w->next_ms = clock_mono_ms() + w->interval_ms;
	}
}

static const struct k8s_xfer_ops list_ops = {
	.line = NULL,
	.done = list_done,
};

static void
start_list(struct k8s_watch *w)
{
	char path[512], *cont = NULL;
	struct err err;

	collection(w, path, sizeof(path));
	strappendf(path, sizeof(path), "?limit=%d", PAGE_LIMIT);
	if (w->cont != NULL) {
		cont = http_escape(w->cont);
		/* A token longer than the path has room for: from the start
		 * again rather than a wrong page. */
		if (strlen(path) + strlen(cont) + 16 >= sizeof(path)) {
			free(w->cont);
			w->cont = NULL;
		} else {
			strappendf(path, sizeof(path), "&continue=%s", cont);
		}
		free(cont);
	}
	w->relist = false;
	w->state = WATCH_LIST;
	if (w->cont == NULL) {
		w->list_ms = clock_mono_ms();
	}
	err_clear(&err);
	w->x = k8s_loop_get(w->loop, path, -1, 0, &list_ops, w, &err);
	if (w->x == NULL) {
		fail(w, 0, "%s: %s", k8s_res[w->res].name, err.msg);
	}
}

void
k8s_watch_line(struct k8s_watch *w, const char *line, size_t len)
{
	const char *type, *rv;
	char addr[280];
	const cJSON *obj;
	cJSON *ev;

	if (w->relist || len == 0) {
		return;
	}
	ev = cJSON_ParseWithLength(line, len);
	type = kj_str(ev, "type");
	obj = kj_at(ev, "object");
	if (ev == NULL || !cJSON_IsObject(obj) || type[0] == '\0') {
		/* Lost sync: what else was missed is unknown. */
		snprintf(w->error, sizeof(w->error),
			 "%s: a watch event that is not JSON %.200s",
			 k8s_res[w->res].name, where(w, addr, sizeof(addr)));
		w->relist = true;
		cJSON_Delete(ev);
		return;
	}
	if (strcmp(type, "ERROR") == 0) {
		if (kj_num(obj, "code", 0) == 410) {
			w->gone++;
		} else {
			snprintf(w->error, sizeof(w->error), "%s: watch: %s",
				 k8s_res[w->res].name,
				 kj_str(obj, "message"));
		}
		w->relist = true;
		cJSON_Delete(ev);
		return;
	}
	rv = kj_str(obj, "metadata.resourceVersion");
	if (strcmp(type, "BOOKMARK") != 0) {
		k8s_model_apply(w->model, w->res, obj,
				strcmp(type, "DELETED") == 0, w->gen);
		w->events++;
	}
	if (rv[0] != '\0') {
		snprintf(w->rv, sizeof(w->rv), "%s", rv);
	}
	cJSON_Delete(ev);
}

static void
watch_done(void *arg, long status, char *body, size_t len,
	   const struct err *err)
{
	struct k8s_watch *w = arg;
	const char *name = k8s_res[w->res].name;
	bool brief = clock_mono_ms() - w->watch_ms < 1000;

	w->x = NULL;
	w->state = WATCH_IDLE;
	if (w->relist) {
		/* Handled by the next tick. */
		return;
	}
	if (status == 410) {
		w->gone++;
		w->relist = true;
		return;
	}
	if (err != NULL) {
		if (retry_auth(w, status, k8s_loop_client(w->loop))) {
			start_watch(w);
			return;
		}
		/* A refusal that may mean the list is wrong (403, 404)
		 * lists again; a broken stream, or a server that is busy or
		 * failing for a while (429, 5xx), goes on from where it
		 * was: 410 Gone says when that is too late. Both after a
		 * pause. */
		w->need_list = status >= 400 && status < 500 &&
			       status != 401 && status != 429;
		fail(w, status, "%s: watch: %s", name, err->msg);
		return;
	}
	if (brief && w->events == w->events0) {
		/* A server that ends every watch at once: not a loop. */
		fail(w, status, "%s: the watch ended at once", name);
		return;
	}
	start_watch(w);
}

/* The server took the watch: whatever failed before is over. */
static void
watch_start(void *arg)
{
	succeed(arg);
}

static void
watch_line(void *arg, char *line, size_t len)
{
	k8s_watch_line(arg, line, len);
}

static const struct k8s_xfer_ops watch_ops = {
	.start = watch_start,
	.line = watch_line,
	.done = watch_done,
};

static void
start_watch(struct k8s_watch *w)
{
	char path[640];
	struct err err;
	int timeout_s = WATCH_MIN_S + rand_r(&w->seed) % WATCH_SPREAD_S;

	collection(w, path, sizeof(path));
	strappendf(path, sizeof(path), "?watch=1&allowWatchBookmarks=true"
		   "&resourceVersion=%s&timeoutSeconds=%d", w->rv, timeout_s);
	w->state = WATCH_STREAM;
	w->watch_ms = clock_mono_ms();
	w->events0 = w->events;
	err_clear(&err);
	w->x = k8s_loop_get(w->loop, path, timeout_s, EVENT_MAX, &watch_ops, w,
			    &err);
	if (w->x == NULL) {
		fail(w, 0, "%s: %s", k8s_res[w->res].name, err.msg);
		return;
	}
	w->watches++;
}

void
k8s_watch_tick(struct k8s_watch *w, int64_t now_ms)
{
	if (w->relist) {
		/* 410 Gone, or a watch that lost sync. */
		k8s_xfer_cancel(w->loop, w->x);
		w->x = NULL;
		w->state = WATCH_IDLE;
		if (now_ms < relist_at(w)) {
			return;
		}
		free(w->cont);
		w->cont = NULL;
		w->need_list = true;
		start_list(w);
		return;
	}
	if (w->state != WATCH_IDLE || now_ms < w->next_ms) {
		return;
	}
	if (w->watch && !w->need_list && w->rv[0] != '\0') {
		start_watch(w);
	} else {
		start_list(w);
	}
}
