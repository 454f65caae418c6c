/* The Kubernetes actions, each the request kubectl sends: rollout restart
 * (the restartedAt annotation), scale (the scale subresource), rollout
 * undo (the previous ReplicaSet's template, found as kubectl finds it, from
 * the deployment row) and delete pod. preview() sends the same request with
 * dryRun=All first, so that admission or RBAC refusing it shows in the
 * confirmation before anything changes. describe() reads only the snapshot
 * the operator confirmed against (any thread); preview() and run() run on
 * the action worker, each with a client of its own. */
#include "probes/k8s.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/http.h"

#define STRATEGIC "application/strategic-merge-patch+json"
#define MERGE "application/merge-patch+json"

void
k8s_op_finish(struct k8s_op *o)
{
	free(o->body);
	o->body = NULL;
}

/* ---- what describe() reads -------------------------------------------- */

const struct deploy_row *
k8s_snap_deploy(const struct action_req *req)
{
	const struct pods_model *m = snapshot_pods(req->snap);
	const struct action_target *t = &req->target;

	for (size_t i = 0; m != NULL && i < m->n_deploys; i++) {
		if (strcmp(m->deploys[i].ns, t->u.deploy.ns) == 0 &&
		    strcmp(m->deploys[i].name, t->u.deploy.name) == 0) {
			return &m->deploys[i];
		}
	}
	return NULL;
}

static const struct pod_row *
snap_pod(const struct action_req *req)
{
	const struct pods_model *m = snapshot_pods(req->snap);
	const struct action_target *t = &req->target;

	for (size_t i = 0; m != NULL && i < m->n_pods; i++) {
		if (strcmp(m->pods[i].ns, t->u.pod.ns) == 0 &&
		    strcmp(m->pods[i].name, t->u.pod.name) == 0) {
			return &m->pods[i];
		}
	}
	return NULL;
}

void
k8s_deploy_target(const struct action_req *req, char *buf, size_t n)
{
	const struct deploy_row *d = k8s_snap_deploy(req);
	const struct action_target *t = &req->target;

	if (d == NULL) {
		strappendf(buf, n, "Target: deployment %s/%s (not in the "
			   "snapshot)\n", t->u.deploy.ns, t->u.deploy.name);
		return;
	}
	strappendf(buf, n, "Target: deployment %s/%s, revision %d, %d/%d "
		   "ready, image %s\n", d->ns, d->name, d->revision, d->ready,
		   d->replicas, d->image);
}

/* ---- the requests --------------------------------------------------------- */

void
k8s_deploy_path(const struct action_target *t, const char *sub, char *buf,
	    size_t n)
{
	char *ns = http_escape(t->u.deploy.ns);
	char *name = http_escape(t->u.deploy.name);

	snprintf(buf, n, "/apis/apps/v1/namespaces/%s/deployments/%s%s", ns,
		 name, sub);
	free(ns);
	free(name);
}

static void
restart_op(const struct action_req *req, const char *when, struct k8s_op *o)
{
	memset(o, 0, sizeof(*o));
	o->method = "PATCH";
	o->ctype = STRATEGIC;
	/* No fieldManager: the server names the change after the user
	 * agent, warroom, not kubectl. */
	k8s_deploy_path(&req->target, "", o->path, sizeof(o->path));
	o->body = xasprintf("{\"spec\":{\"template\":{\"metadata\":{"
			    "\"annotations\":{\"kubectl.kubernetes.io/"
			    "restartedAt\":\"%s\"}}}}}", when);
}

static void
scale_op(const struct action_req *req, int replicas, struct k8s_op *o)
{
	memset(o, 0, sizeof(*o));
	o->method = "PATCH";
	o->ctype = MERGE;
	k8s_deploy_path(&req->target, "/scale", o->path, sizeof(o->path));
	o->body = xasprintf("{\"spec\":{\"replicas\":%d}}", replicas);
}

/* A DELETE with a body takes its options from the body alone: the dry
 * run goes in there, as kubectl --dry-run=server puts it. */
static void
delete_op(const struct action_req *req, bool dry, struct k8s_op *o)
{
	char *ns = http_escape(req->target.u.pod.ns);
	char *name = http_escape(req->target.u.pod.name);

	memset(o, 0, sizeof(*o));
	o->method = "DELETE";
	o->ctype = "application/json";
	snprintf(o->path, sizeof(o->path), "/api/v1/namespaces/%s/pods/%s",
		 ns, name);
	o->body = xstrdup(dry ? "{\"propagationPolicy\":\"Background\","
			  "\"dryRun\":[\"All\"]}" :
			  "{\"propagationPolicy\":\"Background\"}");
	free(ns);
	free(name);
}

/* kubectl's restartedAt: the time now, RFC 3339, local offset. */
static void
rfc3339_now(char *buf, size_t n)
{
	time_t now = time(NULL);
	struct tm tm;
	char z[8];

	localtime_r(&now, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);
	if (strcmp(z, "+0000") == 0) {
		strappendf(buf, n, "Z");
	} else {
		strappendf(buf, n, "%.3s:%.2s", z, z + 3);
	}
}

/* ---- a client on the worker ---------------------------------------------- */

static bool
worker_cancelled(void *arg)
{
	return action_cancelled();
}

struct k8s_client *
k8s_action_client(const struct action_req *req, struct err *err)
{
	const struct config_section *sec = req->section;
	struct k8s_conn conn;
	struct k8s_client *c = NULL;

	if (sec == NULL) {
		err_set(err, "%s: no configuration for this source",
			req->source);
		return NULL;
	}
	if (kubeconfig_load(config_get(sec, "kubeconfig"),
			    config_get(sec, "context"), &conn, err) == 0) {
		c = k8s_client_new(&conn, sec->timeout_ms, err);
	}
	k8s_conn_finish(&conn);
	if (c != NULL) {
		k8s_client_set_cancel(c, worker_cancelled, NULL);
	}
	return c;
}

/* Sends o (with ?dryRun=All when dry); the reply's JSON into *out when
 * out is not NULL. */
int
k8s_op_send(struct k8s_client *c, const struct k8s_op *o, bool dry, cJSON **out,
	struct err *err)
{
	struct k8s_resp resp;
	char path[800];
	int rc;

	/* A DELETE carries its dry run in its body (delete_op()). */
	dry = dry && strcmp(o->method, "DELETE") != 0;
	snprintf(path, sizeof(path), "%s%s", o->path,
		 !dry ? "" : strchr(o->path, '?') ? "&dryRun=All" :
		 "?dryRun=All");
	rc = k8s_request(c, o->method, path, o->ctype, o->body, &resp, err);
	if (rc == 0 && out != NULL) {
		*out = cJSON_Parse(resp.body);
	}
	k8s_resp_finish(&resp);
	return rc;
}

int
k8s_get_json(struct k8s_client *c, const char *path, cJSON **out,
	 struct err *err)
{
	struct k8s_resp resp;
	int rc = k8s_request(c, "GET", path, NULL, NULL, &resp, err);

	*out = NULL;
	if (rc == 0 && (*out = cJSON_Parse(resp.body)) == NULL) {
		rc = err_set(err, "%s: the reply is not JSON", path);
	}
	k8s_resp_finish(&resp);
	return rc;
}

/* The preview's text: the dry run's verdict under the body sent. */
void
k8s_dry_run_text(const struct k8s_op *o, int rc, const struct err *why, char *buf,
	     size_t n)
{
	snprintf(buf, n, "Body: %s\n", o->body != NULL ? o->body : "(none)");
	if (rc == 0) {
		strappendf(buf, n, "Dry run (dryRun=All): the API server "
			   "accepts it (RBAC and admission); nothing has "
			   "changed yet.");
	} else {
		strappendf(buf, n, "Dry run (dryRun=All) REFUSED: %s\nThe "
			   "same request would be refused: answer No.",
			   why->msg);
	}
}

/* A deployment that is paused cannot be restarted or rolled back. */
int
k8s_get_deploy(struct k8s_client *c, const struct action_req *req,
	   const char *refuse_paused, cJSON **out, struct err *err)
{
	char path[768];

	k8s_deploy_path(&req->target, "", path, sizeof(path));
	if (k8s_get_json(c, path, out, err) < 0) {
		return -1;
	}
	if (refuse_paused != NULL && kj_bool(*out, "spec.paused")) {
		cJSON_Delete(*out);
		*out = NULL;
		return err_set(err, "%s", refuse_paused);
	}
	return 0;
}

/* ---- rollout restart ------------------------------------------------------ */

#define PAUSED_RESTART "can't restart paused deployment (run rollout " \
		       "resume first)"

static void
describe_restart(const struct action_req *req, char *buf, size_t n)
{
	struct k8s_op o;

	restart_op(req, "<now>", &o);
	snprintf(buf, n, "%s %s\n%s: spec.template.metadata.annotations."
		 "kubectl.kubernetes.io/restartedAt = the time it runs\n"
		 "(kubectl rollout restart deployment/%s -n %s)\n", o.method,
		 o.path, o.ctype, req->target.u.deploy.name,
		 req->target.u.deploy.ns);
	k8s_deploy_target(req, buf, n);
	strappendf(buf, n, "Every pod is replaced, a few at a time; the image "
		   "stays the same.");
	k8s_op_finish(&o);
}

static int
restart(const struct action_req *req, bool dry, char *out, size_t n,
	struct err *err)
{
	struct k8s_client *c = k8s_action_client(req, err);
	struct err why;
	char when[40];
	cJSON *d = NULL;
	struct k8s_op o;
	int rc;

	if (c == NULL) {
		return -1;
	}
	err_clear(&why);
	rfc3339_now(when, sizeof(when));
	restart_op(req, when, &o);
	rc = k8s_get_deploy(c, req, PAUSED_RESTART, &d, dry ? &why : err);
	if (rc == 0) {
		rc = k8s_op_send(c, &o, dry, NULL, dry ? &why : err);
	}
	if (dry) {
		k8s_dry_run_text(&o, rc, &why, out, n);
		rc = 0;
	} else if (rc == 0) {
		snprintf(out, n, "deployment %s/%s restarted (restartedAt %s)",
			 req->target.u.deploy.ns, req->target.u.deploy.name,
			 when);
	}
	cJSON_Delete(d);
	k8s_op_finish(&o);
	k8s_client_free(c);
	return rc;
}

static int
preview_restart(const struct action_req *req, char *buf, size_t n,
		struct err *err)
{
	return restart(req, true, buf, n, err);
}

static int
run_restart(const struct action_req *req, char *result, size_t n,
	    struct err *err)
{
	return restart(req, false, result, n, err);
}

/* ---- scale ------------------------------------------------------------------ */

static void
describe_scale(const struct action_req *req, char *buf, size_t n)
{
	const struct deploy_row *d = k8s_snap_deploy(req);
	int want = 0;
	struct k8s_op o;

	pods_parse_replicas(req->arg, &want, NULL);
	scale_op(req, want, &o);
	snprintf(buf, n, "%s %s\n%s: %s\n(kubectl scale deployment/%s -n %s "
		 "--replicas=%d)\n", o.method, o.path, o.ctype, o.body,
		 req->target.u.deploy.name, req->target.u.deploy.ns, want);
	k8s_deploy_target(req, buf, n);
	if (d != NULL) {
		strappendf(buf, n, "From %d to %d replicas: %s", d->replicas,
			   want, want < d->replicas ? "pods are stopped at "
			   "once" : want > d->replicas ? "new pods start" :
			   "no change");
	}
	k8s_op_finish(&o);
}

static int
scale(const struct action_req *req, bool dry, char *out, size_t n,
      struct err *err)
{
	const struct deploy_row *d = k8s_snap_deploy(req);
	struct k8s_client *c;
	struct err why;
	cJSON *reply = NULL;
	struct k8s_op o;
	int want, rc;

	if (pods_parse_replicas(req->arg, &want, err) < 0 ||
	    (c = k8s_action_client(req, err)) == NULL) {
		return -1;
	}
	err_clear(&why);
	scale_op(req, want, &o);
	rc = k8s_op_send(c, &o, dry, &reply, dry ? &why : err);
	if (dry) {
		k8s_dry_run_text(&o, rc, &why, out, n);
		rc = 0;
	} else if (rc == 0) {
		snprintf(out, n, "deployment %s/%s scaled from %d to %d "
			 "replicas", req->target.u.deploy.ns,
			 req->target.u.deploy.name, d ? d->replicas : -1,
			 kj_int(reply, "spec.replicas", want));
	}
	cJSON_Delete(reply);
	k8s_op_finish(&o);
	k8s_client_free(c);
	return rc;
}

static int
preview_scale(const struct action_req *req, char *buf, size_t n,
	      struct err *err)
{
	return scale(req, true, buf, n, err);
}

static int
run_scale(const struct action_req *req, char *result, size_t n,
	  struct err *err)
{
	return scale(req, false, result, n, err);
}

/* ---- delete pod --------------------------------------------------------------- */

static void
describe_delete(const struct action_req *req, char *buf, size_t n)
{
	const struct pod_row *p = snap_pod(req);
	struct k8s_op o;

	delete_op(req, false, &o);
	snprintf(buf, n, "%s %s\n%s: %s\n(kubectl delete pod %s -n %s)\n",
		 o.method, o.path, o.ctype, o.body, req->target.u.pod.name,
		 req->target.u.pod.ns);
	if (p == NULL) {
		strappendf(buf, n, "Target: pod %s/%s (not in the snapshot)",
			   req->target.u.pod.ns, req->target.u.pod.name);
	} else {
		strappendf(buf, n, "Target: pod %s/%s, %s, %d/%d ready, %d "
			   "restarts, node %s\n%s", p->ns, p->name, p->status,
			   p->ready, p->containers, p->restarts,
			   p->node[0] ? p->node : "none",
			   p->owner[0] ? "Its controller starts a replacement "
			   "with a new name." : "Nothing owns it: it is not "
			   "replaced.");
	}
	k8s_op_finish(&o);
}

static int
delete_pod(const struct action_req *req, bool dry, char *out, size_t n,
	   struct err *err)
{
	struct k8s_client *c = k8s_action_client(req, err);
	struct err why;
	struct k8s_op o;
	int rc;

	if (c == NULL) {
		return -1;
	}
	err_clear(&why);
	delete_op(req, dry, &o);
	rc = k8s_op_send(c, &o, dry, NULL, dry ? &why : err);
	if (dry) {
		k8s_dry_run_text(&o, rc, &why, out, n);
		rc = 0;
	} else if (rc == 0) {
		snprintf(out, n, "pod %s/%s deleted", req->target.u.pod.ns,
			 req->target.u.pod.name);
	}
	k8s_op_finish(&o);
	k8s_client_free(c);
	return rc;
}

static int
preview_delete(const struct action_req *req, char *buf, size_t n,
	       struct err *err)
{
	return delete_pod(req, true, buf, n, err);
}

static int
run_delete(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	return delete_pod(req, false, result, n, err);
}

const struct action_impl k8s_pods_actions[] = {
	{
		.spec = &action_rollout_restart,
		.describe = describe_restart,
		.preview = preview_restart,
		.run = run_restart,
	},
	{
		.spec = &action_rollback,
		.describe = k8s_describe_undo,
		.preview = k8s_preview_undo,
		.run = k8s_run_undo,
	},
	{
		.spec = &action_scale,
		.describe = describe_scale,
		.preview = preview_scale,
		.run = run_scale,
	},
	{
		.spec = &action_delete_pod,
		.describe = describe_delete,
		.preview = preview_delete,
		.run = run_delete,
	},
	{ .spec = NULL },
};
