/* rollout undo from the deployment row, as kubectl's DeploymentRollbacker
 * does it: of the replica sets the deployment controls, the one of the
 * second highest revision; its pod template (less the pod-template-hash
 * label) and its annotations (less the deployment's own) go back into the
 * deployment with one JSON patch. A template that already matches is
 * skipped, as kubectl skips it. describe() from the snapshot (any thread);
 * preview() (the dry run) and run() on the action worker. */
#include "probes/k8s.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/http.h"

#define HASH_LABEL "pod-template-hash"
#define REVISION "deployment.kubernetes.io/revision"

/* Annotations the deployment keeps rather than take the replica set's
 * (kubectl's annotationsToSkip). */
static const char *const keep_annotations[] = {
	"kubectl.kubernetes.io/last-applied-configuration",
	REVISION,
	"deployment.kubernetes.io/revision-history",
	"deployment.kubernetes.io/desired-replicas",
	"deployment.kubernetes.io/max-replicas",
	"deprecated.deployment.rollback.to",
	NULL,
};

struct plan {
	int from;               /* the deployment's revision now */
	int to;                 /* the revision it goes back to */
	char rs[256];           /* that revision's replica set */
	char image[256];        /* its first container's image */
	bool matches;           /* the template is that one already */
	struct k8s_op op;
};

static bool
kept(const char *key)
{
	for (const char *const *k = keep_annotations; *k != NULL; k++) {
		if (strcmp(*k, key) == 0) {
			return true;
		}
	}
	return false;
}

static int
revision_of(const cJSON *obj)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
		kj_at(obj, "metadata.annotations"), REVISION);

	return cJSON_IsString(v) ? k8s_atoi(v->valuestring) : 0;
}

/* The deployment's selector as a labelSelector query value. */
static char *
selector(const cJSON *d)
{
	const cJSON *it, *v;
	char buf[2048] = "";

	cJSON_ArrayForEach(it, kj_at(d, "spec.selector.matchLabels")) {
		strappendf(buf, sizeof(buf), "%s%s=%s", buf[0] ? "," : "",
			   it->string, cJSON_IsString(it) ?
			   it->valuestring : "");
	}
	cJSON_ArrayForEach(it, kj_at(d, "spec.selector.matchExpressions")) {
		const char *key = kj_str(it, "key");
		const char *op = kj_str(it, "operator");
		char vals[1024] = "";

		cJSON_ArrayForEach(v, kj_at(it, "values")) {
			strappendf(vals, sizeof(vals), "%s%s",
				   vals[0] ? "," : "",
				   cJSON_IsString(v) ? v->valuestring : "");
		}
		if (strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0) {
			strappendf(buf, sizeof(buf), "%s%s %s (%s)",
				   buf[0] ? "," : "", key,
				   op[0] == 'I' ? "in" : "notin", vals);
		} else if (strcmp(op, "Exists") == 0) {
			strappendf(buf, sizeof(buf), "%s%s", buf[0] ? "," : "",
				   key);
		} else if (strcmp(op, "DoesNotExist") == 0) {
			strappendf(buf, sizeof(buf), "%s!%s", buf[0] ? "," : "",
				   key);
		}
	}
	return http_escape(buf);
}

/* The replica set undo returns to: kubectl's deploymentRevision() with
 * toRevision 0. NULL with err when there is none. */
static const cJSON *
previous_rs(const cJSON *d, const cJSON *list, struct err *err)
{
	const char *uid = kj_str(d, "metadata.uid");
	const cJSON *rs, *latest = NULL, *prev = NULL;
	int latest_rev = -1, prev_rev = -1;

	cJSON_ArrayForEach(rs, kj_at(list, "items")) {
		const cJSON *ref;
		bool owned = false;
		int rev;

		cJSON_ArrayForEach(ref, kj_at(rs, "metadata.ownerReferences")) {
			owned |= kj_bool(ref, "controller") &&
				 strcmp(kj_str(ref, "uid"), uid) == 0;
		}
		if (!owned || (rev = revision_of(rs)) <= 0) {
			continue;
		}
		if (latest_rev < rev) {
			prev_rev = latest_rev;
			prev = latest;
			latest_rev = rev;
			latest = rs;
		} else if (prev_rev < rev) {
			prev_rev = rev;
			prev = rs;
		}
	}
	if (prev == NULL) {
		err_set(err, "no rollout history found for deployment \"%s\"",
			kj_str(d, "metadata.name"));
	}
	return prev;
}

static cJSON *
template_without_hash(const cJSON *obj)
{
	cJSON *t = cJSON_Duplicate(kj_at(obj, "spec.template"), 1);
	cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(t, "metadata"), "labels");

	cJSON_DeleteItemFromObjectCaseSensitive(labels, HASH_LABEL);
	return t;
}

/* The patch kubectl sends: the template, then the annotations. */
static char *
undo_patch(const cJSON *d, const cJSON *rs, cJSON *tmpl)
{
	cJSON *ops = cJSON_CreateArray(), *op, *ann = cJSON_CreateObject();
	const cJSON *it;
	char *body, *out;

	cJSON_ArrayForEach(it, kj_at(d, "metadata.annotations")) {
		if (kept(it->string)) {
			cJSON_AddItemToObject(ann, it->string,
					      cJSON_Duplicate(it, 1));
		}
	}
	cJSON_ArrayForEach(it, kj_at(rs, "metadata.annotations")) {
		if (!kept(it->string)) {
			cJSON_AddItemToObject(ann, it->string,
					      cJSON_Duplicate(it, 1));
		}
	}
	op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "replace");
	cJSON_AddStringToObject(op, "path", "/spec/template");
	cJSON_AddItemToObject(op, "value", tmpl);
	cJSON_AddItemToArray(ops, op);
	op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "replace");
	cJSON_AddStringToObject(op, "path", "/metadata/annotations");
	cJSON_AddItemToObject(op, "value", ann);
	cJSON_AddItemToArray(ops, op);
	body = cJSON_PrintUnformatted(ops);
	cJSON_Delete(ops);
	out = xstrdup(body);
	cJSON_free(body);
	return out;
}

/* Works out the undo against the server as it is now. */
static int
plan_undo(struct k8s_client *c, const struct action_req *req,
	  struct plan *pl, struct err *err)
{
	char path[1024], *sel, *ns;
	const cJSON *prev;
	cJSON *d = NULL, *list = NULL, *want, *have;
	int rc = -1;

	memset(pl, 0, sizeof(*pl));
	if (k8s_get_deploy(c, req, "you cannot rollback a paused deployment; "
			   "resume it first with 'kubectl rollout resume' and "
			   "try again", &d, err) < 0) {
		return -1;
	}
	sel = selector(d);
	ns = http_escape(req->target.u.deploy.ns);
	snprintf(path, sizeof(path), "/apis/apps/v1/namespaces/%s/"
		 "replicasets?labelSelector=%s", ns, sel);
	free(ns);
	free(sel);
	if (k8s_get_json(c, path, &list, err) < 0 ||
	    (prev = previous_rs(d, list, err)) == NULL) {
		goto out;
	}
	pl->from = revision_of(d);
	pl->to = revision_of(prev);
	snprintf(pl->rs, sizeof(pl->rs), "%s", kj_str(prev, "metadata.name"));
	snprintf(pl->image, sizeof(pl->image), "%s",
		 kj_str(cJSON_GetArrayItem(kj_at(prev,
				"spec.template.spec.containers"), 0),
			"image"));
	want = template_without_hash(prev);
	have = template_without_hash(d);
	pl->matches = cJSON_Compare(want, have, 1);
	cJSON_Delete(have);
	pl->op.method = "PATCH";
	pl->op.ctype = "application/json-patch+json";
	k8s_deploy_path(&req->target, "", pl->op.path, sizeof(pl->op.path));
	pl->op.body = undo_patch(d, prev, want);
	rc = 0;
out:
	cJSON_Delete(list);
	cJSON_Delete(d);
	return rc;
}

void
k8s_describe_undo(const struct action_req *req, char *buf, size_t n)
{
	const struct deploy_row *d = k8s_snap_deploy(req);
	const struct action_target *t = &req->target;
	char path[768];

	k8s_deploy_path(t, "", path, sizeof(path));
	snprintf(buf, n, "PATCH %s\napplication/json-patch+json: replace "
		 "/spec/template with the previous ReplicaSet's template, "
		 "replace /metadata/annotations\n(kubectl rollout undo "
		 "deployment/%s -n %s)\n", path, t->u.deploy.name,
		 t->u.deploy.ns);
	k8s_deploy_target(req, buf, n);
	if (d != NULL && d->prev_revision > 0) {
		strappendf(buf, n, "Back to revision %d: ReplicaSet %s, image "
			   "%s\nEvery pod is replaced by one of that "
			   "template.", d->prev_revision, d->prev_rs,
			   d->prev_image);
	} else {
		strappendf(buf, n, "No previous revision is known: the server "
			   "will say.");
	}
}

/* The operator confirmed against the snapshot's previous revision: a
 * rollout since then changes what undo means. */
static int
same_as_confirmed(const struct action_req *req, const struct plan *pl,
		  struct err *err)
{
	const struct deploy_row *d = k8s_snap_deploy(req);

	if (d != NULL && d->prev_revision > 0 &&
	    (d->prev_revision != pl->to || strcmp(d->prev_rs, pl->rs) != 0)) {
		return err_set(err, "deployment changed since the "
			       "confirmation: undo now goes to revision %d "
			       "(%s), not %d; nothing sent", pl->to, pl->rs,
			       d->prev_revision);
	}
	return 0;
}

int
k8s_preview_undo(const struct action_req *req, char *buf, size_t n,
		 struct err *err)
{
	struct k8s_client *c = k8s_action_client(req, err);
	struct plan pl;
	struct err why;
	int rc;

	if (c == NULL) {
		return -1;
	}
	err_clear(&why);
	rc = plan_undo(c, req, &pl, &why);
	if (rc < 0) {
		snprintf(buf, n, "Dry run REFUSED: %s", why.msg);
	} else if (pl.matches) {
		snprintf(buf, n, "skipped rollback (current template already "
			 "matches revision %d): nothing would change",
			 pl.to);
	} else {
		rc = k8s_op_send(c, &pl.op, true, NULL, &why);
		snprintf(buf, n, "From revision %d to revision %d "
			 "(ReplicaSet %s, image %s)\n", pl.from, pl.to, pl.rs,
			 pl.image);
		k8s_dry_run_text(&pl.op, rc, &why, buf + strlen(buf),
				 n - strlen(buf));
	}
	k8s_op_finish(&pl.op);
	k8s_client_free(c);
	return 0;
}

int
k8s_run_undo(const struct action_req *req, char *result, size_t n,
	     struct err *err)
{
	struct k8s_client *c = k8s_action_client(req, err);
	struct plan pl;
	int rc;

	if (c == NULL) {
		return -1;
	}
	rc = plan_undo(c, req, &pl, err);
	if (rc == 0) {
		rc = same_as_confirmed(req, &pl, err);
	}
	if (rc == 0 && pl.matches) {
		snprintf(result, n, "skipped rollback (current template "
			 "already matches revision %d)", pl.to);
	} else if (rc == 0 &&
		   (rc = k8s_op_send(c, &pl.op, false, NULL, err)) == 0) {
		snprintf(result, n, "deployment %s/%s rolled back to revision "
			 "%d (ReplicaSet %s, image %s)",
			 req->target.u.deploy.ns, req->target.u.deploy.name,
			 pl.to, pl.rs, pl.image);
	} else if (rc < 0 && pl.op.body != NULL && err->msg[0] == '\0') {
		err_set(err, "failed restoring revision %d", pl.to);
	}
	k8s_op_finish(&pl.op);
	k8s_client_free(c);
	return rc;
}
