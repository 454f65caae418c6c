/* What each kind of source reports: the payload of a snapshot. Plain data,
 * built by a probe thread, read-only once published. Every optional number
 * is a double that is NAN when unknown; widgets draw "—" for NAN, never 0.
 * Strings are never NULL once published ("" when absent) and are raw text
 * from outside: they must go through core/sanitize before reaching a screen.
 * All memory belongs to the snapshot that holds the model. */
#ifndef WARROOM_MODEL_H
#define WARROOM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum snap_kind {
	SNAP_PODS,
	SNAP_PG,
	SNAP_REDIS,
	SNAP_KAFKA,
	SNAP_METRICS,
	SNAP_ALERTS,
	SNAP_HTTP,
	SNAP_DIAGNOSIS,
	SNAP_KIND_COUNT,
};

enum health {
	HEALTH_UNKNOWN,
	HEALTH_OK,
	HEALTH_WARN,
	HEALTH_CRIT,
};

/* A series of samples for a sparkline, oldest first. */
struct series {
	double *v;              /* NAN for a gap */
	size_t n;
	int64_t step_ms;        /* time between samples */
};

/* ---- Kubernetes ---------------------------------------------------- */

struct pod_row {
	const char *ns;
	const char *name;
	const char *owner;      /* deployment (or other controller) name */
	const char *phase;      /* Running, Pending, Failed, Succeeded */
	const char *reason;     /* CrashLoopBackOff, OOMKilled, ... or "" */
	const char *node;
	int ready;              /* containers ready */
	int containers;
	int restarts;
	int64_t started_ms;     /* wall ms the pod started, 0 unknown */
	double cpu_mcores;      /* NAN unknown */
	double mem_bytes;       /* NAN unknown */
	double mem_limit_bytes; /* NAN unknown */
	/* Derived at publish (core/kind_pods.c): what kubectl's STATUS
	 * column says (reason, else phase) and how bad it is. */
	const char *status;
	enum health sev;
	/* Optional (NULL or 0 from builders that do not know them). */
	const char *last_term;  /* the last termination's reason: OOMKilled */
	const char *why;        /* one line more: the scheduler's message of
				 * a Pending pod, a waiting container's */
	int64_t last_restart_ms;        /* wall ms of the last restart */
	double cpu_limit_mcores;        /* 0 or NAN: no limit */
};

struct deploy_row {
	const char *ns;
	const char *name;
	int replicas;           /* desired */
	int ready;
	int updated;
	int available;
	int revision;           /* 0 unknown */
	const char *image;
	/* Optional (NULL or 0 from builders that do not know them). */
	const char *rollout;    /* "complete", "progressing", "paused" or
				 * "ProgressDeadlineExceeded" (stuck) */
	const char *rollout_msg;        /* the Progressing condition's */
	int prev_revision;      /* what rollout undo returns to, 0 none */
	const char *prev_rs;    /* its ReplicaSet */
	const char *prev_image;
	int64_t created_ms;     /* wall ms */
	/* Wall ms the current revision's ReplicaSet was created: when its
	 * pods began to replace the old ones (a rollback to an old
	 * ReplicaSet keeps that one's time; the diagnosis also notes when it
	 * saw the revision change). 0 unknown. */
	int64_t revision_ms;
};

struct event_row {
	int64_t at_ms;          /* wall ms */
	const char *type;       /* Normal, Warning */
	const char *reason;
	const char *object;     /* kind/name */
	const char *message;
	const char *ns;         /* NULL or "" when not known */
	int count;              /* times seen, 0 unknown */
};

/* A node, as `kubectl get nodes` and `describe nodes` tell it. */
struct node_row {
	const char *name;
	const char *ready;      /* the Ready condition: True, False, Unknown */
	const char *pressure;   /* conditions other than Ready that are True
				 * ("MemoryPressure DiskPressure"), or "" */
	bool cordoned;          /* spec.unschedulable */
	const char *roles;
	const char *version;    /* kubelet */
	int64_t created_ms;
	int pods;               /* pods on it */
	double cpu_mcores;      /* usage, NAN unknown */
	double cpu_alloc_mcores;        /* allocatable, NAN unknown */
	double mem_bytes;
	double mem_alloc_bytes;
};

/* A HorizontalPodAutoscaler, as `kubectl get hpa` tells it. */
struct hpa_row {
	const char *ns;
	const char *name;
	const char *target;     /* "Deployment/api" */
	const char *metrics;    /* "cpu: 95%/80%" */
	int min;
	int max;
	int current;
	int desired;
	const char *why;        /* the ScalingLimited condition's message */
	int64_t created_ms;
};

/* What the operator looks at closely: the logs of one container or the
 * description of one object, sent only while a pane asks for it (its
 * focus, see probes/probe.h and pods_focus in core/kind.h). */
struct pods_detail {
	const char *request;    /* the focus this answers, "" none */
	const char *title;      /* "logs prod/api-7c9 api (previous)" */
	const char **lines;     /* oldest first */
	size_t n_lines;
	uint64_t received;      /* logs: lines so far; more than n_lines when
				 * older ones left the ring */
	const char *error;      /* why there is nothing (more), or "" */
	bool following;         /* new lines keep coming */
};

struct pods_model {
	const char *context;    /* kube context or "" */
	struct pod_row *pods;
	size_t n_pods;
	struct deploy_row *deploys;
	size_t n_deploys;
	struct event_row *events;       /* newest first */
	size_t n_events;
	/* Optional (NULL and 0 from builders that do not know them). */
	struct node_row *nodes;
	size_t n_nodes;
	struct hpa_row *hpas;
	size_t n_hpas;
	const char *scope;      /* the namespace watched; "" or NULL all */
	/* What could not be read ("metrics: metrics.k8s.io is not served",
	 * "nodes: forbidden"), "" or NULL when nothing. */
	const char *notice;
	struct pods_detail detail;
};

/* ---- PostgreSQL ---------------------------------------------------- */

struct pg_session {
	int pid;
	const char *user;
	const char *db;
	const char *client;     /* addr:port or "local" */
	const char *app;
	const char *state;      /* active, idle in transaction, ... */
	const char *wait_event; /* "Lock:transactionid" or "" */
	const char *query;
	int64_t backend_start_us;       /* identifies the backend with pid */
	double query_s;         /* seconds since query_start, NAN unknown */
	double xact_s;          /* seconds since xact_start, NAN unknown */
	int *blocked_by;        /* pids this session waits for */
	size_t n_blocked_by;
	const char *lock_mode;  /* mode it waits for, "" when not waiting */
	const char *lock_rel;   /* relation it waits on, "" unknown */
	double wait_s;          /* how long it has waited for the lock, NAN */
	/* Seconds since its state last changed (for an idle session: how
	 * long it has been idle), NAN unknown. */
	double state_s;
	/* The database of the relation it waits on when that is not the
	 * probe's (its OID cannot be named there), else "". NULL means "". */
	const char *lock_db;
};

/* Who blocks whom, derived at publish from the sessions' blocked_by
 * (core/kind_pg_locks.c); every reader of "sessions behind a pid" reads
 * this. Nodes 0..n_sessions-1 are the sessions; nodes from n_sessions on
 * are blockers the role cannot see (their pids in hidden_pid). A session
 * hangs under its first distinct blocker; tree children are in display
 * order (longest wait first, then pid). Zeroed: no lock waits. */
struct pg_locks {
	size_t n_nodes;
	int *hidden_pid;        /* n_nodes - n_sessions of them */
	int *parent;            /* per session: node, -1 when not waiting */
	int *more;              /* per session: further distinct blockers */
	int *first_child;       /* per node: first tree child, -1 none */
	int *next_sibling;      /* per session: next tree sibling, -1 none */
	int *behind;            /* per node: sessions waiting behind it,
				 * directly or through others */
	double *longest_s;      /* per node: the longest wait behind it, NAN */
	/* Nodes to draw trees from: the root blockers (waiting for nobody),
	 * most sessions behind first, then one node per waiting circle. */
	int *roots;
	size_t n_roots;
	size_t n_blockers;      /* roots[0..n_blockers) are root blockers */
	int n_waiting;          /* sessions waiting for a lock */
	int n_in_cycle;         /* waiting sessions no root blocker reaches */
	double longest_wait_s;  /* NAN when none is known */
};

struct pg_replica {
	const char *name;       /* application_name */
	const char *client;
	const char *state;      /* streaming, catchup, ... */
	double write_lag_s;
	double flush_lag_s;
	double replay_lag_s;
	const char *sync_state; /* async, sync, quorum, potential; NULL "" */
	double replay_lag_bytes;        /* WAL not replayed there yet, NAN */
};

struct pg_statement {
	const char *query;
	double calls;
	double total_ms;
	double mean_ms;
};

struct pg_model {
	const char *server_version;
	double max_connections;
	double conns_active;
	double conns_idle;
	double conns_idle_xact;
	double conns_other;
	double oldest_idle_xact_s;
	struct pg_session *sessions;    /* every session the role can see */
	size_t n_sessions;
	struct pg_replica *replicas;
	size_t n_replicas;
	bool is_standby;
	double replay_delay_s;  /* on a standby */
	bool replay_paused;     /* on a standby: pg_wal_replay_pause() */
	double replay_behind_bytes;     /* on a standby: received, not
					 * replayed yet; NAN */
	/* Connections only superusers (and, 16+, pg_use_reserved_connections)
	 * may take: others are refused this many before max_connections.
	 * NAN unknown. */
	double reserved_connections;
	double xact_per_s;
	double rollback_per_s;
	double deadlocks;       /* total since stats reset */
	double db_size_bytes;
	bool has_stat_statements;
	struct pg_statement *statements;
	size_t n_statements;
	const char *notice;     /* what the role may not see, or "" */
	/* A database whose relations the lock waits name by OID only (the
	 * first such), or "". NULL means "". */
	const char *lock_other_db;
	/* The source's long_query setting: a query running longer counts as
	 * long. 0 or NAN: not set, use the default (5 s). */
	double long_query_s;
	int own_pid;            /* warroom's own session, 0 unknown */
	int action_pid;         /* the session warroom keeps for actions,
				 * 0 none */
	struct pg_locks locks;  /* derived at publish */
};

/* ---- Redis --------------------------------------------------------- */

struct redis_slowlog {
	int64_t id;
	int64_t at_ms;          /* wall ms */
	double duration_us;
	const char *command;
	const char *client;
};

struct redis_client {
	int64_t id;
	const char *addr;
	const char *name;
	double age_s;
	double idle_s;
	const char *cmd;
};

struct redis_replica {
	const char *addr;
	const char *state;
	double offset_lag;      /* bytes behind the master */
};

struct redis_model {
	const char *version;
	const char *role;       /* master, slave */
	const char *policy;     /* maxmemory-policy */
	double used_bytes;
	double max_bytes;       /* 0 means no limit */
	double rss_bytes;
	double peak_bytes;
	double frag_ratio;
	double evicted_per_s;
	double evicted_keys;    /* since the server started, NAN unknown */
	double expired_per_s;
	double hit_ratio;       /* 0..1 */
	double ops_per_s;
	double clients;
	double blocked_clients;
	double rejected_per_s;
	double ping_ms;
	double keys;            /* in database db */
	struct series mem_history;      /* used_bytes */
	struct redis_replica *replicas;
	size_t n_replicas;
	struct redis_slowlog *slowlog;
	size_t n_slowlog;
	struct redis_client *client_list;
	size_t n_client_list;
	int db;                 /* the database keys and actions refer to */
	/* What could not be read (a command renamed or denied by an ACL:
	 * "SLOWLOG: NOPERM ..."), or "". Builders older than this field
	 * leave it NULL, which means "". */
	const char *notice;
	/* Why slowlog is not the server's slow log (denied, or a reply of
	 * the wrong type), or "": an empty slow log is claimed only when
	 * this is "". NULL means "". */
	const char *slowlog_error;
};

/* ---- Kafka --------------------------------------------------------- */

/* How a consumer is doing, as the lag evaluator judges it
 * (probes/kafka_lag.h), in rising order of badness: a group takes its
 * worst partition's. */
enum kafka_status {
	KAFKA_NONE,             /* not judged: no commit, or no log end */
	KAFKA_OK,
	KAFKA_WARN,             /* lag grew across the whole window */
	KAFKA_REWIND,           /* a commit went backwards */
	KAFKA_STALL,            /* commits stopped, lag, members present */
	KAFKA_STOP,             /* commits stopped, lag, no members */
};

struct kafka_partition {
	int partition;
	double committed;       /* NAN: no commit */
	double high;            /* high watermark (log end), NAN unknown */
	double lag;             /* high - committed, NAN unknown */
	const char *topic;
	double lag_s;           /* since the log end reached committed, NAN */
	bool lag_s_floor;       /* lag_s is a lower bound ("at least") */
	const char *owner;      /* "client-id@host" of its member, or "" */
	enum kafka_status status;
	const char *reason;     /* the rule that fired and its numbers */
};

struct kafka_group {
	const char *group;
	const char *topic;      /* its topic, or its topics "a, b" */
	const char *state;      /* Stable, Empty, ... or "" */
	double total_lag;
	double lag_per_s;       /* growth rate; > 0 means falling behind */
	struct kafka_partition *partitions;
	size_t n_partitions;
	struct series lag_history;      /* total lag, one point per poll */
	int members;            /* -1 unknown */
	double lag_s;           /* the largest of its partitions', NAN */
	bool lag_s_floor;
	enum kafka_status status;
	const char *reason;     /* "STALL: partition 3 committed 18,400 ..." */
	int worst;              /* the partition status comes from, -1 */
	const char *error;      /* what could not be read of it, or "" */
};

struct kafka_model {
	const char *bootstrap;
	int brokers_up;
	int brokers_total;      /* 0 unknown */
	struct kafka_group *groups;
	size_t n_groups;
	int under_replicated;   /* partitions, -1 unknown */
	/* The metrics view: lag from Prometheus (kafka_exporter's
	 * kafka_consumergroup_lag) while the brokers cannot be asked. */
	bool metrics_view;
	/* What the pane says above the groups (why the metrics view, what
	 * could not be read, librdkafka's last error), or "". */
	const char *notice;
};

/* ---- Prometheus panels --------------------------------------------- */

enum metric_unit {
	UNIT_NONE,
	UNIT_RATIO,             /* 0..1 shown as % */
	UNIT_SECONDS,
	UNIT_BYTES,
	UNIT_PER_SECOND,
};

struct metric_row {
	const char *label;      /* value of the split label, or "" */
	double value;           /* NAN: no data */
	const char *error;      /* Prometheus's own error text, or "" */
	struct series history;
};

struct metric_panel {
	const char *name;
	const char *expr;
	enum metric_unit unit;
	double warn;            /* NAN: no threshold */
	double crit;
	struct metric_row *rows;
	size_t n_rows;
};

struct metrics_model {
	struct metric_panel *panels;
	size_t n_panels;
};

/* ---- Endpoints (HTTP checks) ------------------------------------------- */

/* One endpoint check: a request to url, judged against what is expected
 * of it. The probe that made it worked even when the endpoint did not:
 * a refused connection is a failed check (ok false, reason set), not a
 * failed poll. */
struct endpoint_model {
	const char *url;        /* as configured, without user info */
	int expect_status;      /* 0: any 2xx */
	const char *expect_body;        /* a substring the body must hold, or
					 * "" */
	long status;            /* 0: no reply */
	bool ok;                /* status and body as expected */
	const char *reason;     /* why the check failed, one line, or "" */
	double latency_ms;      /* the whole request; NAN without a reply */
	double connect_ms;      /* NAN unknown */
	double tls_ms;          /* the TLS handshake; NAN unknown or none */
	double first_byte_ms;   /* NAN unknown */
	double latency_warn_ms; /* NAN: no threshold */
	struct series latency_history;  /* ms; NAN for a check without a
					 * reply */
	double up_ratio;        /* checks passed over the history, 0..1 */
	bool tls;               /* https */
	double cert_days;       /* days until the server certificate
				 * expires (< 0: expired); NAN unknown */
	const char *cert_issuer;        /* "" unknown */
	const char *cert_subject;
	double cert_warn_days;  /* from the section; NAN: none */
	double cert_crit_days;
};

/* ---- Diagnosis (core/correlate.c) ------------------------------------ */

struct finding;

/* What the correlation rules concluded from the latest snapshots of every
 * source: one finding each (struct finding, core/snapshot.h), with its
 * evidence, runbook step and action set. */
struct diag_model {
	struct finding *findings;
	size_t n_findings;
	int sources;            /* sources read */
	int sources_down;       /* of those, failing or not polled yet */
};

/* ---- Alerts -------------------------------------------------------- */

struct alert_row {
	const char *fingerprint;
	const char *name;       /* alertname */
	const char *severity;   /* critical, warning, info, "" */
	const char *labels;     /* key labels, "k=v k=v" */
	const char *summary;
	int64_t starts_ms;      /* wall ms */
	bool silenced;
	const char *silence_id; /* "" when not silenced */
	bool inhibited;         /* another alert inhibits it */
	/* For the alert's record: its description and runbook_url
	 * annotations, the link to its expression in the Prometheus that
	 * raised it, the receivers Alertmanager routes it to ("" when
	 * absent; builders older than these fields leave NULL, which means
	 * ""). */
	const char *description;
	const char *runbook_url;
	const char *generator_url;
	const char *receivers;
	/* Every label as an exact matcher, alertname="X" service="api": what
	 * a silence of it matches unless edited. NULL means "". */
	const char *matchers;
};

/* An active silence (Alertmanager). */
struct silence_row {
	const char *id;
	const char *matchers;   /* alertname="X" service=~"api|web" */
	const char *created_by;
	const char *comment;
	int64_t ends_ms;        /* wall ms */
	int64_t starts_ms;      /* wall ms, 0 unknown */
};

struct alerts_model {
	struct alert_row *alerts;
	size_t n_alerts;
	struct silence_row *silences;   /* active ones, soonest end first */
	size_t n_silences;
};

#endif
