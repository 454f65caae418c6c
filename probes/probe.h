/* The interface every backend implements. A probe runs on its own thread
 * (probes/runner.c), owns every connection to its backend, and hands the
 * runner brand-new snapshots; it never touches ncurses.
 *
 * Two shapes:
 *  - polling: poll() is called every interval and returns one snapshot;
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

struct probe;

struct probe_ops {
	const char *name;       /* backend: "postgres", matches [postgres.X] */
	enum snap_kind kind;
	/* Reads the section; may connect. Returning -1 is not fatal: the error
	 * is shown and open() is tried again with backoff. */
	int (*open)(struct probe *p, const struct config_section *sec,
		    struct err *err);
	/* Polling probes: one snapshot (data set) in *out, or -1 and err. */
	int (*poll)(struct probe *p, struct snapshot **out, struct err *err);
	/* Streaming probes (poll is NULL): see above. */
	int (*stream)(struct probe *p, struct err *err);
	/* Frees what open() made. Called on the probe thread. */
	void (*close)(struct probe *p);
	/* What this backend does of its kind's actions, ended by an entry
	 * whose spec is NULL; may be NULL. */
	const struct action_impl *actions;
};

/* Probe-private data, set by open(). */
void probe_set_priv(struct probe *p, void *priv);
void *probe_priv(const struct probe *p);

const char *probe_source(const struct probe *p);        /* "postgres.main" */
const struct config_section *probe_section(const struct probe *p);
int probe_interval_ms(const struct probe *p);
int probe_timeout_ms(const struct probe *p);

/* A snapshot of this probe's kind and source, for poll() or stream(). */
struct snapshot *probe_snapshot_new(const struct probe *p);

/* True once the runner is shutting down; long calls check it. */
bool probe_stopping(const struct probe *p);
/* Sleeps up to ms; returns early (true) on shutdown or a forced refresh. */
bool probe_sleep(struct probe *p, int ms);

/* Streaming probes: hands over a snapshot (takes the reference). */
void probe_publish(struct probe *p, struct snapshot *snap);

/* The registry: the ops for a backend name, or NULL when unknown. A backend
 * whose library was not built in gets ops whose open() fails with
 * "Kafka support not built in". */
const struct probe_ops *probe_find(const char *backend);

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
