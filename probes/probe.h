/* The interface every backend implements. A probe runs on its own thread
 * (probes/runner.c), owns every connection to its backend, and hands the
 * runner brand-new snapshots; it never touches ncurses.
 *
 * Two shapes:
 *  - polling: poll() is called every interval and fills one snapshot;
 *  - streaming: stream() keeps a long-lived connection (the Kubernetes watch
 *    API), calls probe_publish() when its model changes, and returns when
 *    probe_stopping() or when the stream breaks (-1, the runner backs off
 *    and calls it again). probe_publish() publishes at most once per
 *    interval; a newer snapshot replaces a pending one.
 * Both carry their own timeouts (probe_timeout_ms()) so that no call can
 * block for longer than that. */
#ifndef WARROOM_PROBE_H
#define WARROOM_PROBE_H

#include <stdbool.h>

#include "core/action.h"
#include "core/config.h"
#include "core/err.h"
#include "core/model.h"
#include "core/snapshot.h"
#include "core/state.h"

struct probe;
struct runner;

struct probe_ops {
	enum snap_kind kind;
	/* Set when the backend cannot run in this build ("PostgreSQL support
	 * not built in"): the runner shows it as the open error, retried
	 * with backoff like any other, and calls none of the functions. */
	const char *unavailable;
	/* Reads the section; may connect. Returns the probe's own state,
	 * handed to every other call, or NULL with err: not fatal, the error
	 * is shown and open() is tried again with backoff. owner is for
	 * probe_stopping() and probe_cancelled(). NULL: nothing to open. */
	void *(*open)(const struct config_section *sec, struct probe *owner,
		      struct err *err);
	/* Polling probes: fills snap, which the runner made for this source
	 * and kind and owns (it drops snap when poll() fails). Returns 0 with
	 * snap->data set (or with snap's error set: a failed poll that still
	 * has something to show), or -1 and err. */
	int (*poll)(void *state, struct snapshot *snap, struct err *err);
	/* Streaming probes (poll is NULL): see above. */
	int (*stream)(struct probe *p, void *state, struct err *err);
	/* Frees what open() returned. Called on the probe thread; may be
	 * NULL. */
	void (*close)(void *state);
	/* Optional: whether the backend's address accepts a connection now
	 * (1) or not (0); -1 when it cannot tell. While a source backs off
	 * after an error that left its address refusing, the runner asks
	 * this at the normal interval and polls at once when it accepts
	 * again: a server that comes back is seen within an interval, and a
	 * dead one costs a connect per interval, no request. Probe thread;
	 * p is for probe_stopping() (probe_reach_tcp() takes it). */
	int (*reachable)(void *state, const struct probe *p);
	/* What this backend does of its kind's actions, ended by an entry
	 * whose spec is NULL; may be NULL. */
	const struct action_impl *actions;
	/* A source each of this backend's sections brings along while no
	 * configured source is of the companion's kind: named
	 * "COMPANION.INSTANCE" after companion->config.name, reading a copy
	 * of the section. May be NULL. */
	const struct probe_ops *companion;
	/* The backend as the configuration sees it: config.name ("postgres",
	 * [postgres.NAME]), aliases, keys (with their environment variables),
	 * default interval. The registry hands these to core/config. */
	struct config_backend_spec config;
};

const char *probe_source(const struct probe *p);        /* "postgres.main" */
const struct config_section *probe_section(const struct probe *p);
int probe_interval_ms(const struct probe *p);
int probe_timeout_ms(const struct probe *p);

/* The sources of the state p publishes to (a diagnosis reads them all):
 * how many there are; source i's name (NULL for p's own, and once
 * retired by a reload), a new reference to its latest snapshot (NULL
 * before its first poll; the caller unrefs it) and its section (NULL for
 * one this runner does not feed). Probe thread: sources are added and
 * retired only while no probe runs. */
size_t probe_peer_count(const struct probe *p);
const char *probe_peer_name(const struct probe *p, int i);
struct snapshot *probe_peer_get(const struct probe *p, int i);
const struct config_section *probe_peer_section(const struct probe *p,
						 int i);

/* A snapshot of this probe's kind and source, for stream(). */
struct snapshot *probe_snapshot_new(const struct probe *p);

/* True once the runner is shutting down; long calls check it. */
bool probe_stopping(const struct probe *p);
/* probe_stopping(probe), for a cancel hook that takes a void *
 * (http_client_set_cancel()). */
bool probe_cancelled(void *probe);
/* Sleeps up to ms; returns early (true) on shutdown or a forced refresh. */
bool probe_sleep(struct probe *p, int ms);

/* Streaming probes: hands over a snapshot (takes the reference). */
void probe_publish(struct probe *p, struct snapshot *snap);

/* What the source is connected to (a kube context), for the header; see
 * struct source_scope. Any time after open(). */
void probe_set_scope(struct probe *p, const struct source_scope *sc);

/* The focus: what the operator looks at closely in this source, asked by
 * a pane (the Pods pane's logs of one container: struct pods_focus in
 * core/kind.h), "" for nothing. Copies it into buf (size n) and returns
 * its generation, which every runner_set_focus() bumps. Probe thread. */
#define PROBE_FOCUS_MAX 512
uint64_t probe_focus(struct probe *p, char *buf, size_t n);

/* A probe that blocks in an event loop of its own (curl_multi_poll())
 * names how to wake it: fn(arg) is then called, from any thread and with
 * the runner's lock held, on a refresh, a new focus and at shutdown. NULL
 * removes it; after that returns, fn is not running and will not run.
 * Probe thread. */
void probe_set_waker(struct probe *p, void (*fn)(void *arg), void *arg);

/* For reachable(): 1 when host:port (a name, or an address) accepts a TCP
 * connection within timeout_ms, else 0 (refused, unreachable, unknown
 * host, timed out, or p stopping; p may be NULL). The connection is
 * closed at once. probes/reach.c. */
int probe_reach_tcp(const struct probe *p, const char *host,
		    const char *port, int timeout_ms);
/* The same for a Unix socket at path. */
int probe_reach_unix(const struct probe *p, const char *path,
		     int timeout_ms);

/* ---- the runner (probes/runner.c): every probe on its own thread,
 * with intervals, timeouts, exponential backoff with jitter on errors,
 * forced refresh and bounded shutdown. Created, started and stopped by the
 * main thread; runner_refresh() from the UI thread. ---- */

struct runner *runner_new(struct state *st);

/* Starts one thread per probe. */
int runner_start(struct runner *r, struct err *err);

/* Polls the source now (wakes its thread from its sleep or backoff). */
void runner_refresh(struct runner *r, int source_idx);

/* Sets the source's focus (see probe_focus(); "" for none) and wakes its
 * thread when it changed. UI thread. */
void runner_set_focus(struct runner *r, int source_idx, const char *focus);

/* Blocks until every probe has published once or until deadline_ms has
 * passed; returns true when all have. */
bool runner_wait_first(struct runner *r, int deadline_ms);

/* The probe's actions, or NULL. */
const struct action_impl *runner_actions(const struct runner *r,
					  int source_idx);
const struct config_section *runner_section(const struct runner *r,
					    int source_idx);

/* Signals every thread to stop and joins them, waiting at most deadline_ms
 * in all. A thread still stuck in a call after that is detached and left to
 * finish on its own; returns how many were. */
int runner_stop(struct runner *r, int deadline_ms);

/* After runner_stop(). Memory of abandoned threads is kept alive. */
void runner_free(struct runner *r);

/* ---- the registry (probes/registry.c); main thread unless said ---- */

/* The ops for a backend name or alias ("k8s"), or a companion's name
 * ("prometheus-alerts"); NULL when unknown. A backend whose library was
 * not built in has ops whose unavailable says so ("Kafka support not built
 * in"). Any thread. */
const struct probe_ops *probe_find(const char *backend);

/* Every backend's config spec, in the registry's order, ended by NULL:
 * what config_load_file() and config_from_env() take. Static storage; any
 * thread. */
const struct config_backend_spec *const *probe_config_specs(void);

/* Adds to r a source for every section of cfg, and the companions the
 * backends bring (Prometheus's own alerts while no Alertmanager is
 * configured), whose sections it adds to cfg: call it before any section
 * pointer is handed out. Returns 0, or -1 with err ("FILE:LINE: unknown
 * backend 'x'", a source r refuses). Before runner_start(). */
int probe_add_sources(struct config *cfg, struct runner *r, struct err *err);

/* Adds the demo's sources to cfg (zeroed by the caller) and to r: see
 * demo_setup(). Before runner_start(). */
int probe_add_demo(struct config *cfg, struct runner *r, double speed,
		   struct err *err);

/* ---- ad-hoc questions (probes/ask.c): a question the UI puts to a
 * source's backend (a PromQL expression to a Prometheus), answered on a
 * thread of its own by the backend's own open(), poll() and close() over
 * a copy of the source's section in which the question stands for the
 * keys it replaces (a Prometheus's panels: one panel, the expression).
 * The answer is a snapshot of the source's kind, derived, that the
 * source's pane draws. Nothing waits for a question: a backend that hangs
 * answers with its timeout's error, or not at all if the UI is gone.
 * UI thread. ---- */

struct asks;

/* Wakes st when an answer arrives. */
struct asks *asks_new(struct state *st);
/* Drops every answer and lets the questions still running end on their
 * own; never waits. Returns true when some still run: exit handlers must
 * then not run under them (see cli_left_threads()). */
bool asks_free(struct asks *q);
/* Puts question to the backend of sec (a source's section, which need
 * only live for the call). Returns its id, or 0 with err ("postgres.main
 * cannot answer a query", too many questions running). */
uint64_t asks_submit(struct asks *q, const struct config_section *sec,
		     const char *question, struct err *err);
/* The answer to id once it has come (a reference the caller drops: data,
 * or an error), else NULL. An answer nobody takes is dropped at the next
 * asks_submit(). */
struct snapshot *asks_take(struct asks *q, uint64_t id);

/* Posting a status update to Slack (probes/slack.c), an action the UI
 * confirms and submits: fills req (zeroed here) for posting text (copied)
 * as status update no of incident id, with the webhook URL read from the
 * file webhook_file when it runs, and returns the action (req->impl).
 * Any thread. */
const struct action_impl *slack_prepare(struct action_req *req,
					const char *id, int no,
					const char *webhook_file,
					const char *text);

#endif
