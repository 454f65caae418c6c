/* Mitigation actions: what a backend can do (a table in its probe file),
 * the request the UI builds from the selected row, and the worker thread
 * that runs confirmed requests off the UI thread. Every request is written
 * to the timeline before it runs (intent) and after (result).
 *
 * Target formats, set by the pane from the selected row and parsed by the
 * probe module that owns the backend:
 *   pod         "NAMESPACE/POD"
 *   deployment  "NAMESPACE/DEPLOYMENT"
 *   session     "pid=PID start=BACKEND_START_US"
 *   client      "id=ID addr=ADDR"
 *   keys        the pattern is the request's arg
 *   alert       "FINGERPRINT"
 *   silence     "SILENCE_ID"
 */
#ifndef WARROOM_ACTION_H
#define WARROOM_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct config_section;
struct state;
struct timeline;

struct action_req;

struct action_def {
	const char *name;       /* "terminate" (journal, tests) */
	const char *label;      /* "Terminate session" (menus, help) */
	int key;                /* key that starts it in its pane */
	const char *target_kind;        /* see above */
	bool destructive;       /* removed by --read-only */
	/* When set, the operator is asked for req->arg first ("Replicas:"). */
	const char *arg_prompt;
	/* Writes the exact operation (SQL, HTTP method + path + body summary,
	 * Redis command), the target and its consequence, for the confirm
	 * dialog and the journal. Lines separated by '\n'. Any thread. */
	void (*describe)(const struct action_req *req, char *buf, size_t n);
	/* Runs on the action worker thread; writes a one-line result.
	 * Returns 0, or -1 with a reason in err. A long run reports progress
	 * with action_progress() and stops early when action_cancelled(). */
	int (*run)(const struct action_req *req, char *result, size_t n,
		   struct err *err);
	/* Optional. Runs on the worker before the confirm dialog opens, for a
	 * confirmation that needs the backend (how many keys match, which
	 * sessions would be terminated): writes lines shown under describe()'s
	 * text. Read-only; returns 0, or -1 with err (the action is then not
	 * offered). */
	int (*preview)(const struct action_req *req, char *buf, size_t n,
		       struct err *err);
	/* Optional. The word the operator must type to confirm (a database
	 * number for FLUSHDB) instead of answering y. */
	void (*confirm_word)(const struct action_req *req, char *buf, size_t n);
};

struct action_req {
	uint64_t id;            /* set by actions_submit() */
	const struct action_def *def;
	const struct config_section *section;   /* the source's config */
	char source[64];        /* "postgres.main" */
	char target[256];       /* machine form, see above */
	char target_label[256]; /* human form for dialogs and the journal */
	char arg[256];          /* operator input, or "" */
	char who[128];          /* operator, filled by actions_submit() */
};

/* A finished request, as the UI reads it. */
struct action_done {
	uint64_t id;
	bool ok;
	char source[64];
	char name[32];
	char message[ERR_MSG_MAX];      /* result or error, one line */
	bool is_preview;        /* a preview: text holds its lines */
	char text[2048];        /* preview text */
};

struct actions;

/* Starts the worker. Completions go to tl and wake st. read_only refuses
 * every destructive request. */
struct actions *actions_new(struct state *st, struct timeline *tl,
			    bool read_only);
/* Stops the worker after the running request (waits at most deadline_ms;
 * a request stuck past it is abandoned) and frees everything. */
void actions_free(struct actions *a, int deadline_ms);

/* Queues a copy of req; returns its id, or 0 with err set when refused
 * (read-only, no run function). UI thread. */
uint64_t actions_submit(struct actions *a, const struct action_req *req,
			struct err *err);
/* Pops one finished request; returns false when none. UI thread. */
bool actions_poll_done(struct actions *a, struct action_done *out);
/* Requests queued or running. */
size_t actions_pending(struct actions *a);

/* Where actions become durable (the incident journal). Both run on the
 * worker with no lock held and may wait for the disk. intent() is called
 * before run() with the exact operation (describe()'s text) and returns a
 * token >= 0 once the intent is written, or -1 with err: a destructive
 * action then does not run and fails with "refused: <err>". result() is
 * called after run() with the token. */
struct action_gate {
	int64_t (*intent)(void *ctx, const struct action_req *req,
			  const char *op, const char *text, struct err *err);
	void (*result)(void *ctx, int64_t token, const struct action_req *req,
		       bool ok, const char *message);
	void *ctx;
};

/* Sets (a copy of) the gate, or clears it with NULL. Any thread; applies
 * from the next request. */
void actions_set_gate(struct actions *a, const struct action_gate *gate);

/* Inside run() on the worker: true once the operator cancelled the running
 * request (actions_cancel()); a run checks it between batches. */
bool action_cancelled(void);
/* Inside run(): a one-line progress report ("deleted 40000 of ~120000
 * keys") that the UI shows while the request runs. */
void action_progress(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* UI thread: asks the running request to stop (if it is id). */
void actions_cancel(struct actions *a, uint64_t id);
/* UI thread: the running request's latest progress line; false when none
 * is running. */
bool actions_progress(struct actions *a, uint64_t *id, char *buf, size_t n);

/* Queues def->preview for req; the result arrives through
 * actions_poll_done() with is_preview set. UI thread. */
uint64_t actions_submit_preview(struct actions *a,
				const struct action_req *req,
				struct err *err);

/* "alice (via sudo from bob, ssh 10.0.0.5)": the operator, from the OS
 * user, SUDO_USER and SSH_CONNECTION. */
void actions_who(char *buf, size_t n);

#endif
