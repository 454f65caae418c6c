/* What the files of the Kubernetes backend share: JSON and quantity
 * helpers (k8s_json.c), the API client and its transfers (k8s_client.c),
 * the model kept up to date by list+watch (k8s_model.c, k8s_objects.c,
 * k8s_watch.c), the description of one object (k8s_describe.c) and the
 * actions (k8s_actions.c). The probe itself is probes/kubernetes.c.
 * Probe thread unless a function says otherwise. */
#ifndef WARROOM_K8S_H
#define WARROOM_K8S_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/action.h"
#include "core/err.h"
#include "core/model.h"
#include "core/snapshot.h"
#include "probes/kubeconfig.h"

/* ---- JSON, times and quantities (k8s_json.c); any thread ------------- */

/* The item at a dotted path ("metadata.name"), or NULL. */
const cJSON *kj_at(const cJSON *o, const char *path);
/* The string at path, "" when absent or not a string. */
const char *kj_str(const cJSON *o, const char *path);
/* The number at path, def when absent. */
double kj_num(const cJSON *o, const char *path, double def);
bool kj_bool(const cJSON *o, const char *path);
/* The number at path as an int, clamped to its range; def when absent. */
int kj_int(const cJSON *o, const char *path, int def);
/* A decimal integer as an int, clamped; 0 when s is not one. */
int k8s_atoi(const char *s);
/* RFC 3339 ("2026-12-06T03:11:50Z", fractions and offsets too) into wall
 * ms; 0 when empty or unreadable. */
int64_t k8s_time_ms(const char *s);
/* A resource quantity ("250m", "1.5", "128Mi", "2G") into its value (cores,
 * bytes); NAN when unreadable. */
double k8s_quantity(const char *s);
/* "HTTP 403 Forbidden: <the Status's message>" from a reply that is not
 * 2xx (a Kubernetes Status document or anything else), one line. */
int k8s_status_error(long status, const char *body, const char *addr,
		     struct err *err);

/* ---- the client (k8s_client.c) ------------------------------------- */

struct k8s_client;

/* A client for conn (copied), whose requests end within timeout_ms
 * (streams: their headers). NULL with err when libcurl cannot be opened.
 * One thread at a time. */
struct k8s_client *k8s_client_new(const struct k8s_conn *conn, int timeout_ms,
				  struct err *err);
void k8s_client_free(struct k8s_client *c);
const struct k8s_conn *k8s_client_conn(const struct k8s_client *c);
/* "host:port" of the server, for messages. */
const char *k8s_client_addr(const struct k8s_client *c);
int k8s_client_timeout_ms(const struct k8s_client *c);
/* Long waits (a plugin, a transfer) end early once cancelled(arg). */
void k8s_client_set_cancel(struct k8s_client *c, bool (*cancelled)(void *),
			   void *arg);
/* Makes sure the client has a credential (reads the token file again,
 * runs the exec plugin when its token expired). 0 or -1 with err. */
int k8s_client_auth(struct k8s_client *c, struct err *err);
/* The server answered 401: drops the credential. True when a new one may
 * help (a token file or an exec plugin), false for a fixed token. */
bool k8s_client_unauthorized(struct k8s_client *c);

/* A reply read whole. */
struct k8s_resp {
	long status;            /* 0 when none came */
	char *body;             /* NUL-terminated */
	size_t len;
};
void k8s_resp_finish(struct k8s_resp *r);

/* One request, waited for (the action worker). path includes the query;
 * body and content_type may be NULL. 0 for a 2xx reply; -1 with a
 * one-line err otherwise (resp still filled when a reply came). A 401 is
 * retried once with a fresh credential when one may help. */
int k8s_request(struct k8s_client *c, const char *method, const char *path,
		const char *content_type, const char *body,
		struct k8s_resp *resp, struct err *err);

/* Transfers that run together on the probe thread (one curl multi). */
struct k8s_loop;
struct k8s_xfer;

struct k8s_xfer_ops {
	/* Optional: a 2xx reply has begun (its headers came). */
	void (*start)(void *arg);
	/* A stream's complete line (NUL-terminated, without its newline;
	 * may be changed). NULL: the body is collected whole. */
	void (*line)(void *arg, char *line, size_t len);
	/* The end: a reply's status (0 when none came) and, unless a line
	 * callback took it, its body; err is set when the transfer failed
	 * (connection, timeout, size) and for a status that is not 2xx.
	 * The transfer is gone after this returns. */
	void (*done)(void *arg, long status, char *body, size_t len,
		     const struct err *err);
};

struct k8s_loop *k8s_loop_new(struct k8s_client *c);
/* Cancels every transfer (without their done) and frees the loop. */
void k8s_loop_free(struct k8s_loop *l);
/* Starts GET path. stream_s < 0: a reply read whole within the client's
 * timeout; otherwise a stream (a watch, a followed log), which must begin
 * within the timeout and then ends within stream_s seconds (0: never).
 * max: the body's cap, or a stream's longest line (longer ones are cut);
 * 0: 64 MiB. Returns the transfer, or NULL with err (no credential). */
struct k8s_xfer *k8s_loop_get(struct k8s_loop *l, const char *path,
			      int stream_s, size_t max,
			      const struct k8s_xfer_ops *ops, void *arg,
			      struct err *err);
/* Stops a transfer; its done is not called. */
void k8s_xfer_cancel(struct k8s_loop *l, struct k8s_xfer *x);
/* Moves every transfer along, calls their callbacks, then waits up to
 * wait_ms for more (or k8s_loop_wakeup()). */
void k8s_loop_run(struct k8s_loop *l, int wait_ms);
struct k8s_client *k8s_loop_client(struct k8s_loop *l);
/* Ends a k8s_loop_run() wait at once. Any thread. */
void k8s_loop_wakeup(void *loop);
/* Bytes received by the loop's transfers so far (the benchmark). */
uint64_t k8s_loop_bytes(const struct k8s_loop *l);

/* ---- the model (k8s_model.c, k8s_objects.c) ------------------------- */

enum k8s_res {
	K8S_PODS,
	K8S_DEPLOYS,
	K8S_RSETS,
	K8S_EVENTS,
	K8S_NODES,
	K8S_HPAS,
	K8S_RES_COUNT,
};

/* A resource the probe lists and watches. */
struct k8s_res_desc {
	const char *name;       /* "pods": the URL's and the messages' */
	const char *api;        /* "/api/v1", "/apis/apps/v1" */
	bool namespaced;
	/* The row an object becomes (xmalloc'd, one block), or NULL when the
	 * object is not one of these. */
	void *(*parse)(const cJSON *obj);
};

extern const struct k8s_res_desc k8s_res[K8S_RES_COUNT];

/* The parsed rows (k8s_objects.c). Strings point into the row's own
 * block; the row is freed with free(). */
struct k8s_pod {
	char *ns, *name, *owner_kind, *owner, *phase, *reason, *node;
	char *last_term, *why, *container;      /* container: the first */
	int ready, containers, restarts;
	int64_t created_ms, last_restart_ms;
	double mem_limit, cpu_limit;    /* NAN: no limit on some container */
};

struct k8s_deploy {
	char *ns, *name, *uid, *image, *rollout, *rollout_msg;
	int replicas, ready, updated, available, revision;
	int64_t created_ms;
};

struct k8s_rset {
	char *ns, *name, *owner_uid, *owner, *image;
	int revision;
	int64_t created_ms;
};

struct k8s_event {
	char *ns, *name, *type, *reason, *object, *message;
	int count;
	int64_t at_ms;
};

struct k8s_node {
	char *name, *ready, *pressure, *roles, *version;
	bool cordoned;
	int64_t created_ms;
	double cpu_alloc, mem_alloc;
};

struct k8s_hpa {
	char *ns, *name, *target, *metrics, *why;
	int min, max, current, desired;
	int64_t created_ms;
};

/* kubectl's STATUS for a pod object (printPod), and the rest of its row. */
struct k8s_pod *k8s_parse_pod(const cJSON *obj);

struct k8s_model;

struct k8s_model *k8s_model_new(void);
void k8s_model_free(struct k8s_model *m);
/* Applies one object of res (a list item or a watch event's) as seen in
 * the list or watch of generation gen; deleted removes it. */
void k8s_model_apply(struct k8s_model *m, enum k8s_res res, const cJSON *obj,
		     bool deleted, uint64_t gen);
/* After a full list of gen: drops the rows of res no item of it named. */
void k8s_model_sweep(struct k8s_model *m, enum k8s_res res, uint64_t gen);
/* Usage from metrics.k8s.io: replaces all of it (NULL: none served). */
void k8s_model_set_pod_metrics(struct k8s_model *m, const cJSON *list);
void k8s_model_set_node_metrics(struct k8s_model *m, const cJSON *list);
/* True when anything changed since the last k8s_model_build(). */
bool k8s_model_dirty(const struct k8s_model *m);
/* Rows of res kept now. */
size_t k8s_model_count(const struct k8s_model *m, enum k8s_res res);
/* A struct pods_model in s's memory, from what the model holds. */
struct pods_model *k8s_model_build(struct k8s_model *m, struct snapshot *s);
/* The events about one object, newest first, at most max: into out. */
size_t k8s_model_events(const struct k8s_model *m, const char *kind,
			const char *ns, const char *name,
			const struct k8s_event **out, size_t max);
/* The first container of the pod, "" when the model has no such pod. */
const char *k8s_model_pod_container(const struct k8s_model *m,
				    const char *ns, const char *name);
/* The replica sets a deployment owns (by uid), any order. */
size_t k8s_model_rsets(const struct k8s_model *m, const char *ns,
		       const char *uid, const struct k8s_rset **out,
		       size_t max);

/* ---- list, then watch (k8s_watch.c) ------------------------------------- */

/* One resource kept in the model: listed (500 at a time), then watched
 * from the list's resourceVersion with bookmarks; a watch that ends is
 * started again from the last resourceVersion seen, so nothing is missed;
 * 410 Gone, or a stream that cannot be read, lists again. Failures back off
 * from the interval to 30 s. Without watch, lists every interval. */
struct k8s_watch {
	enum k8s_res res;
	struct k8s_loop *loop;
	struct k8s_model *model;
	char ns[64];            /* the namespace watched, "" all */
	bool watch;
	int interval_ms;
	int state;              /* WATCH_* in k8s_watch.c */
	struct k8s_xfer *x;
	char rv[64];            /* the last resourceVersion seen */
	char *cont;             /* the list's continue token */
	uint64_t gen;           /* the list being read */
	bool relist;            /* the watch said 410 Gone, or lost sync */
	bool need_list;         /* the next start is a list, not a watch */
	int64_t list_ms;        /* when the last list began (monotonic) */
	uint64_t events0;       /* events when the running watch began */
	bool auth_retried;
	int failures;
	int64_t next_ms;        /* monotonic: when to start again */
	int64_t watch_ms;       /* when the running watch started */
	unsigned seed;
	bool synced;            /* a whole list has been applied */
	long status;            /* the last failure's HTTP status, 0 none */
	char error[ERR_MSG_MAX];        /* the last failure, "" none */
	/* Counts, for tests and the benchmark. */
	uint64_t lists, watches, events, gone;
};

void k8s_watch_init(struct k8s_watch *w, enum k8s_res res,
		    struct k8s_loop *l, struct k8s_model *m, const char *ns,
		    bool watch, int interval_ms);
/* Starts a list or a watch when one is due. */
void k8s_watch_tick(struct k8s_watch *w, int64_t now_ms);
/* When the next tick has something to do (monotonic ms), or INT64_MAX. */
int64_t k8s_watch_due(const struct k8s_watch *w);
void k8s_watch_finish(struct k8s_watch *w);
/* One line of the watch stream (a JSON event) into the model: ADDED,
 * MODIFIED, DELETED, BOOKMARK (its resourceVersion only), ERROR (410
 * Gone: list again), and a line that is not an event (list again, with an
 * error). Fed by the stream as lines arrive; tests and fuzzing call it
 * on a watch whose loop is NULL. */
void k8s_watch_line(struct k8s_watch *w, const char *line, size_t len);

/* ---- the pane's focus: logs and descriptions (k8s_focus.c) ------------ */

struct k8s_focus;

struct k8s_focus *k8s_focus_new(struct k8s_loop *l, struct k8s_model *m,
				const char *ns);
void k8s_focus_free(struct k8s_focus *f);
/* A new request (struct pods_focus's text, "" for none): what was
 * fetched for the old one is dropped and the new one started. */
void k8s_focus_set(struct k8s_focus *f, const char *text);
/* Reads a description again every interval while it is asked for. */
void k8s_focus_tick(struct k8s_focus *f, int64_t now_ms, int interval_ms);
/* The answer as it stands, into d (in s's memory). */
void k8s_focus_build(struct k8s_focus *f, struct snapshot *s,
		     struct pods_detail *d);

/* ---- the description of one object (k8s_describe.c) ------------------ */

/* kubectl describe's lines for obj (a pod, deployment, node or hpa, as
 * the server sent it) and the model's events about it: appended to
 * lines (xmalloc'd strings; *n grows). */
void k8s_describe(const struct k8s_model *m, const char *kind,
		  const cJSON *obj, char ***lines, size_t *n);

/* ---- the actions (k8s_actions.c, k8s_undo.c); the action worker ------- */

extern const struct action_impl k8s_pods_actions[];

/* A request as it will be sent; describe() and the journal show it. */
struct k8s_op {
	const char *method;
	char path[768];
	const char *ctype;
	char *body;             /* NULL: none */
};
void k8s_op_finish(struct k8s_op *o);
/* Sends o (with dryRun=All when dry); the reply's JSON into *out when out
 * is not NULL. */
int k8s_op_send(struct k8s_client *c, const struct k8s_op *o, bool dry,
		cJSON **out, struct err *err);
/* The preview's text: the body, then the dry run's verdict. */
void k8s_dry_run_text(const struct k8s_op *o, int rc, const struct err *why,
		      char *buf, size_t n);
/* A client for the request's source, on the worker (cancelled with it). */
struct k8s_client *k8s_action_client(const struct action_req *req,
				     struct err *err);
int k8s_get_json(struct k8s_client *c, const char *path, cJSON **out,
		 struct err *err);
/* The deployment of the request as the server has it now; refuse_paused,
 * when given, is the error for a paused one. */
int k8s_get_deploy(struct k8s_client *c, const struct action_req *req,
		   const char *refuse_paused, cJSON **out, struct err *err);
/* /apis/apps/v1/namespaces/NS/deployments/NAME + sub. */
void k8s_deploy_path(const struct action_target *t, const char *sub,
		     char *buf, size_t n);
/* The target deployment's row in the snapshot confirmed against, or NULL;
 * and its "Target: ..." line. */
const struct deploy_row *k8s_snap_deploy(const struct action_req *req);
void k8s_deploy_target(const struct action_req *req, char *buf, size_t n);

/* rollout undo (k8s_undo.c) */
void k8s_describe_undo(const struct action_req *req, char *buf, size_t n);
int k8s_preview_undo(const struct action_req *req, char *buf, size_t n,
		     struct err *err);
int k8s_run_undo(const struct action_req *req, char *result, size_t n,
		 struct err *err);

#endif
