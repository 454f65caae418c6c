/* Mitigation actions. Each action is described once by a spec (name, key,
 * the type of its target, whether it is destructive, the input it asks for
 * and the question of its confirmation) that the real backend and the demo
 * share; each of them supplies only the implementation (run, describe,
 * preview). The UI builds a request from the selected row (a typed target)
 * and the worker thread runs confirmed requests off the UI thread. Every
 * request is written to the timeline before it runs (intent) and after
 * (result). */
#ifndef WARROOM_ACTION_H
#define WARROOM_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct config_section;
struct snapshot;
struct state;
struct timeline;

struct action_req;

/* The longest input an action takes, with its NUL (a silence's matchers
 * and comment). */
#define ACTION_ARG_MAX 512

/* What an action acts on. */
enum target_type {
	TARGET_SOURCE,          /* the whole source (FLUSHDB, idle sessions) */
	TARGET_PG_BACKEND,      /* a PostgreSQL backend */
	TARGET_POD,
	TARGET_DEPLOYMENT,
	TARGET_REDIS_CLIENT,
	TARGET_KEY_PATTERN,     /* the operator's input is the target */
	TARGET_ALERT,
	TARGET_SILENCE,
	TARGET_UPDATE,          /* an incident status update */
	TARGET_TYPE_COUNT,
};

/* A target, typed. Strings are raw text from outside (sanitize before
 * drawing); label is the human form for dialogs and the journal. */
struct action_target {
	enum target_type type;
	union {
		struct {
			int pid;
			int64_t backend_start_us;       /* with pid: one
							 * backend */
		} pg;
		struct {
			char ns[64];
			char name[254];
			char uid[64];   /* "" unknown */
		} pod;
		struct {
			char ns[64];
			char name[254];
		} deploy;
		struct {
			int64_t id;
			char addr[64];
		} client;
		struct {
			char fingerprint[64];
			char name[128];
		} alert;
		struct {
			char id[64];
		} silence;
		struct {
			/* which prepared update text (probes/slack.c) */
			unsigned long token;
		} update;
	} u;
	char label[256];
};

/* "session", "pod", ...: the word for a target type in messages. */
const char *target_type_name(enum target_type t);

/* One action, shared by every backend of a kind and by the demo. */
struct action_spec {
	const char *name;       /* "terminate" (journal, tests) */
	const char *label;      /* "Terminate session" (dialogs, help) */
	const char *hint;       /* "terminate": the pane's key hint */
	int key;                /* key that starts it in its pane */
	enum target_type target;
	bool destructive;       /* removed by --read-only */
	/* It changes the system it acts on (terminates, deletes, rolls
	 * back): a mitigation in the post-mortem. Silences and status
	 * posts are actions, not mitigations. */
	bool mitigation;
	/* When set, the operator is asked for req->arg first ("Minutes"). */
	const char *input;
	/* Checks the input before the confirmation opens, and again when it
	 * is submitted (a wrong input never reaches the worker or the
	 * journal): returns 0, or -1 with the reason. NULL: any input that
	 * is not empty. */
	int (*check_input)(const char *arg, struct err *err);
	/* Optional. The word the operator must type to confirm (a database
	 * number for FLUSHDB) instead of answering y. */
	void (*confirm_word)(const struct action_req *req, char *buf,
			     size_t n);
	/* Optional. The text the input starts from, to edit rather than type
	 * (a silence's matchers, a deployment's current replicas); reads
	 * req->target and req->snap only. */
	void (*initial_input)(const struct action_req *req, char *buf,
			      size_t n);
};

/* What a backend (or the demo) does for a spec. */
struct action_impl {
	const struct action_spec *spec;
	/* Writes the exact operation (SQL, HTTP method + path + body
	 * summary, Redis command), the target and its consequence, for the
	 * confirm dialog and the journal. Lines separated by '\n'. No I/O:
	 * what it says of the target comes from req->snap. Any thread. */
	void (*describe)(const struct action_req *req, char *buf, size_t n);
	/* Runs on the action worker thread; writes a one-line result.
	 * Returns 0, or -1 with a reason in err. A long run reports progress
	 * with action_progress() and stops early when action_cancelled():
	 * it then returns ACTION_RUN_CANCELLED with what it did in result
	 * ("cancelled after 40000 of ~120000 keys"). */
	int (*run)(const struct action_req *req, char *result, size_t n,
		   struct err *err);
	/* Optional. Runs on the worker before the confirm dialog opens, for a
	 * confirmation that needs the backend (how many keys match, which
	 * sessions would be terminated): writes lines shown under describe()'s
	 * text. Read-only; returns 0, or -1 with err (the action is then not
	 * offered, and the attempt is journaled as an action that failed with
	 * "not run: " and err). */
	int (*preview)(const struct action_req *req, char *buf, size_t n,
		       struct err *err);
};

/* What run() returns when the operator's cancel stopped it. */
#define ACTION_RUN_CANCELLED 1

/* How a request ended. */
enum action_outcome {
	ACTION_OK,
	ACTION_FAILED,
	ACTION_CANCELLED,       /* stopped by the operator part way */
};

/* "ok", "failed", "cancelled". */
const char *action_outcome_name(enum action_outcome o);

/* Checks req->arg against its spec's input (check_input, else not
 * empty). Returns 0, or -1 with "Label: reason" in err. */
int action_check_input(const struct action_req *req, struct err *err);

/* The impl of spec in a table ended by an entry whose spec is NULL, or
 * NULL. */
const struct action_impl *action_impl_find(const struct action_impl *table,
					   const struct action_spec *spec);
/* The impl in table started by key, or NULL. */
const struct action_impl *action_impl_by_key(const struct action_impl *table,
					     int key);

struct action_req {
	uint64_t id;            /* set by actions_submit() */
	const struct action_impl *impl;
	const struct config_section *section;   /* the source's config */
	char source[64];        /* "postgres.main" */
	struct action_target target;
	char arg[ACTION_ARG_MAX];       /* operator input, or "" */
	char who[128];          /* operator, filled by actions_submit() */
	/* The snapshot the operator confirmed against (describe() reads the
	 * target from it), or NULL. A request holds a reference: take it
	 * with action_req_set_snap(), drop it with action_req_clear(). */
	struct snapshot *snap;
};

/* The spec of req (never NULL for a request built by the UI). */
#define ACTION_SPEC(req) ((req)->impl->spec)

/* Sets req->snap to a new reference to snap (dropping the old one). */
void action_req_set_snap(struct action_req *req, struct snapshot *snap);
/* Drops req's snapshot reference. */
void action_req_clear(struct action_req *req);
/* The target's label, else the source's name. */
const char *action_req_target(const struct action_req *req);

/* A finished request, as the UI reads it. */
struct action_done {
	uint64_t id;
	bool ok;                /* outcome == ACTION_OK */
	enum action_outcome outcome;
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
 * (read-only, no run function, an input its spec does not accept). UI
 * thread. */
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
		       enum action_outcome outcome, const char *message);
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

/* Queues the impl's preview for req; the result arrives through
 * actions_poll_done() with is_preview set. UI thread. */
uint64_t actions_submit_preview(struct actions *a,
				const struct action_req *req,
				struct err *err);

/* "alice (via sudo from bob, ssh 10.0.0.5)": the operator, from the OS
 * user, SUDO_USER and SSH_CONNECTION. */
void actions_who(char *buf, size_t n);

#endif
