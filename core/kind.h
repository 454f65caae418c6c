/* Each kind of source (pods, database, redis, kafka, metrics, alerts) is
 * described once here: its names, how its health and findings are derived
 * from a snapshot, and its actions. Layout, header, help, --snapshot and
 * the rules walk this table; nothing else switches on the kind. Static
 * data and pure functions: any thread. */
#ifndef WARROOM_KIND_H
#define WARROOM_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/err.h"
#include "core/model.h"
#include "core/snapshot.h"

struct rules_list;

/* What a kind's derive() gets besides the snapshot. */
struct derive {
	/* Out: the snapshot's findings (rules_list_add()). */
	struct rules_list *findings;
	/* In and out: the source's own history for this kind (what only a
	 * series of snapshots shows, such as a pod's restart count rising),
	 * NULL at first; freed with the kind's history_free(). NULL when
	 * the snapshot is judged on its own. */
	void **history;
};

struct kind_desc {
	enum snap_kind kind;
	const char *name;       /* "database": the word for it in commands */
	const char *title;      /* "Database": the pane's title */
	const char *abbrev;     /* "pg": the header, where room is short */
	/* Shown by no pane of its own (the diagnosis: its findings are in
	 * the Findings strip), so no [layout] or pane name. */
	bool paneless;
	/* Other words for it in commands (":db"), ended by NULL; may be
	 * NULL. */
	const char *const *aliases;
	/* Runs once per snapshot with data, on the probe thread before it is
	 * published: adds the findings and fills the model's derived fields
	 * (the lock graph, pod severity) in the snapshot's own memory. */
	void (*derive)(struct snapshot *s, struct derive *d);
	/* For a finding of this kind whose condition is gone: what s (the
	 * snapshot that closes it) says of its subject now, into buf ("no
	 * session waits behind pid 4242, which has ended"), and the value
	 * now (NAN unknown). NULL: "no longer seen". */
	double (*cleared)(const struct snapshot *s, const char *key,
			  char *buf, size_t n);
	/* Frees a history derive() made; NULL when it makes none. */
	void (*history_free)(void *history);
	/* The kind's actions, ended by NULL; what a backend runs of them is
	 * in its probe_ops (struct action_impl). */
	const struct action_spec *const *actions;
};

/* The descriptor of kind, or NULL for SNAP_KIND_COUNT. */
const struct kind_desc *kind_of(enum snap_kind kind);
/* By name ("pods", "database", ...), title, abbreviation or alias ("db"),
 * any case; NULL if none. */
const struct kind_desc *kind_find(const char *name);

/* The kinds, one descriptor each (core/kind_*.c). */
extern const struct kind_desc kind_pods;
extern const struct kind_desc kind_pg;
extern const struct kind_desc kind_redis;
extern const struct kind_desc kind_kafka;
extern const struct kind_desc kind_metrics;
extern const struct kind_desc kind_alerts;
extern const struct kind_desc kind_http;
extern const struct kind_desc kind_diag;

/* ---- what the kinds derive that others read ---------------------------- */

/* PostgreSQL: the session's node in the lock graph's behind[] (its index),
 * or -1 when no session has that pid. */
int pg_locks_session(const struct pg_model *m, int pid);
/* Sessions waiting behind pid, directly or through others (0 when none or
 * unknown). */
int pg_locks_behind(const struct pg_model *m, int pid);
/* How long s has waited for its lock: its wait, else its query's age;
 * NAN when neither is known. */
double pg_session_wait_s(const struct pg_session *s);
/* The session with pid and backend start, or NULL. */
const struct pg_session *pg_session_find(const struct pg_model *m, int pid,
					 int64_t backend_start_us);

/* Pods: the status kubectl prints (reason, else phase) and its severity,
 * for rows not derived yet (the pane's sort of a row it builds). */
enum health pod_severity(const struct pod_row *p);
const char *pod_status(const struct pod_row *p);

/* Pods: what a pane asks its source for besides every snapshot (its focus,
 * probes/probe.h), answered in struct pods_model's detail: the logs of one
 * container, or the description of one object. */
enum pods_focus_what {
	PODS_FOCUS_NONE,
	PODS_FOCUS_LOGS,
	PODS_FOCUS_DESCRIBE,
};

struct pods_focus {
	enum pods_focus_what what;
	char kind[16];          /* describe: pod, deployment, node, hpa */
	char ns[64];            /* "" for a node */
	char name[254];
	char container[64];     /* logs: "" the pod's first container */
	bool previous;          /* logs: the previous instance (kubectl -p) */
	bool follow;            /* logs: keep streaming (kubectl -f) */
	unsigned again;         /* > 0: asked again (the same logs anew) */
};

/* The focus as the text a pane sends ("" for none):
 *   logs NS POD CONTAINER|- previous|current follow|once [#AGAIN]
 *   describe KIND NS|- NAME
 * False when a name holds a blank or it does not fit buf (size n). */
bool pods_focus_format(const struct pods_focus *f, char *buf, size_t n);
/* Reads what pods_focus_format() wrote; false on anything else. */
bool pods_focus_parse(const char *s, struct pods_focus *f);
/* Kafka: a status's name ("OK", "WARN", "REWIND", "STALL", "STOP"; "" for
 * KAFKA_NONE) and its health (UNKNOWN for KAFKA_NONE). */
const char *kafka_status_name(enum kafka_status s);
enum health kafka_status_health(enum kafka_status s);

/* ---- the actions, one spec each (the kinds' files), and their inputs ---- */

/* pods */
extern const struct action_spec action_rollout_restart;
extern const struct action_spec action_rollback;
extern const struct action_spec action_scale;
extern const struct action_spec action_delete_pod;
#define PODS_REPLICAS_MAX 1000
/* A whole number 0..PODS_REPLICAS_MAX with only blanks around it. */
int pods_parse_replicas(const char *s, int *out, struct err *err);

/* database */
extern const struct action_spec action_pg_cancel;
extern const struct action_spec action_pg_terminate;
extern const struct action_spec action_pg_terminate_idle;
#define PG_IDLE_MINUTES_MAX 10080       /* a week */
/* Minutes as the operator typed them: more than 0, at most a week, a
 * decimal allowed ("0.5"); their canonical text into mins. */
int pg_parse_minutes(const char *s, char *mins, size_t n, struct err *err);
bool pg_is_idle_xact(const char *state);
/* Appends to buf what req->snap says of the target backend: user, db,
 * client, state, query, the sessions queued behind it (and, for a
 * cancel, that an idle-in-transaction session keeps its locks). */
void pg_describe_backend(const struct action_req *req, bool cancel,
			 char *buf, size_t n);

/* redis */
extern const struct action_spec action_redis_delete_keys;
extern const struct action_spec action_redis_flushdb;
extern const struct action_spec action_redis_client_kill;
extern const struct action_spec action_redis_slowlog_reset;

/* alerts */
extern const struct action_spec action_silence;
extern const struct action_spec action_expire_silence;
extern const struct action_spec action_extend_silence;
#define ALERTS_SILENCE_MIN_MS (60 * 1000LL)
#define ALERTS_SILENCE_MAX_MS (30 * 86400 * 1000LL)
#define ALERTS_MATCHERS_MAX 16

/* One matcher of a silence: name="value" (is_equal), name!="value",
 * name=~"regex" (is_regex), name!~"regex". */
struct alerts_matcher {
	char name[64];
	char value[192];
	bool is_regex;
	bool is_equal;
};

/* A silence as the operator types it:
 *   DURATION [MATCHER...] COMMENT
 * "2h service="api" alertname=~"High.*" deploy rollback in progress":
 * a duration (s m h d units, summed: "1h30m"), 1m..30d; matchers
 * NAME=VALUE, NAME!=VALUE, NAME=~REGEX, NAME!~REGEX with VALUE a word or
 * "quoted" (\" and \\ inside), up to ALERTS_MATCHERS_MAX; then a
 * comment, which must not be empty. Without matchers, a silence matches
 * every label of its alert exactly. */
struct alerts_silence {
	int64_t dur_ms;
	struct alerts_matcher m[ALERTS_MATCHERS_MAX];
	size_t n_m;
	const char *comment;    /* points into the input */
};
int alerts_parse_silence(const char *arg, struct alerts_silence *out,
			 struct err *err);
/* How long to extend a silence by, and an optional comment:
 * "2h", "30m fix needs another deploy". */
int alerts_parse_extend(const char *arg, int64_t *dur_ms,
			const char **comment, struct err *err);
/* Matchers as the input takes them, separated by spaces:
 * alertname="HighErrorRate" service=~"api|web". Cut at n. */
void alerts_matchers_text(const struct alerts_matcher *m, size_t n_m,
			  char *buf, size_t n);
/* Whether the labels "k=v k=v"-style pairs (names[i], values[i]) satisfy
 * every equality matcher of m, and each regex one by POSIX extended
 * rules anchored at both ends (Alertmanager's are RE2: a preview's
 * count, not a promise). -1 when a regex does not compile here. */
int alerts_matchers_match(const struct alerts_matcher *m, size_t n_m,
			  const char *const *names, const char *const *values,
			  size_t n_labels);

#endif
