/* The demo's pod actions: rollout restart, rollback, scale, delete pod.
 * run() on the action worker (changes the shared state under its mutex);
 * describe() from any thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kind.h"
#include "core/xalloc.h"
#include "probes/demo_sim.h"

/* The request's deployment or pod: its namespace, its name, and both as
 * "NAMESPACE/NAME", the form the scenario names its objects by. */
struct obj {
	const char *ns, *name;
	char full[330];
};

static struct obj
obj_of(const struct action_req *req)
{
	const struct action_target *t = &req->target;
	struct obj o = { "?", "?", "?" };

	if (t->type == TARGET_DEPLOYMENT) {
		o.ns = t->u.deploy.ns;
		o.name = t->u.deploy.name;
	} else if (t->type == TARGET_POD) {
		o.ns = t->u.pod.ns;
		o.name = t->u.pod.name;
	} else {
		return o;
	}
	snprintf(o.full, sizeof(o.full), "%s/%s", o.ns, o.name);
	return o;
}

/* "NAMESPACE/NAME" into its parts; false when malformed. */
static bool
split_target(const char *target, char *ns, size_t ns_n, char *name,
	     size_t name_n)
{
	const char *slash = strchr(target, '/');
	size_t len;

	if (!slash || slash == target || !slash[1]) {
		return false;
	}
	len = (size_t)(slash - target);
	if (len >= ns_n || strlen(slash + 1) >= name_n) {
		return false;
	}
	memcpy(ns, target, len);
	ns[len] = '\0';
	strcpy(name, slash + 1);
	return true;
}

static int
find_deploy(const char *target)
{
	char ns[64], name[128];
	int d;

	if (!split_target(target, ns, sizeof(ns), name, sizeof(name))) {
		return -1;
	}
	for (d = 0; d < DEMO_N_DEPLOYS; d++) {
		if (strcmp(demo_deploy_defs[d].ns, ns) == 0 &&
		    strcmp(demo_deploy_defs[d].name, name) == 0) {
			return d;
		}
	}
	return -1;
}

bool
demo_find_pod(const struct demo_sim *sim, const char *target, double t,
	      struct demo_pod *ps)
{
	char ns[64], name[128];
	int d, i;

	if (!split_target(target, ns, sizeof(ns), name, sizeof(name))) {
		return false;
	}
	for (d = 0; d < DEMO_N_DEPLOYS; d++) {
		if (strcmp(demo_deploy_defs[d].ns, ns) != 0 ||
		    strncmp(name, demo_deploy_defs[d].name,
			    strlen(demo_deploy_defs[d].name)) != 0) {
			continue;
		}
		for (i = 0; i < demo_replicas_at(&sim->deploys[d], t); i++) {
			demo_pod_at(sim, d, i, t, ps);
			if (strcmp(ps->name, name) == 0) {
				return true;
			}
		}
	}
	return false;
}

static void
add_kevent(struct demo_sim *sim, double at, const char *type,
	   const char *reason, const char *object, const char *message)
{
	struct demo_kevent *k = &sim->kevents[sim->n_kevents %
					      DEMO_MAX_KEVENTS];

	k->at = at;
	strlcpy_safe(k->type, type, sizeof(k->type));
	strlcpy_safe(k->reason, reason, sizeof(k->reason));
	strlcpy_safe(k->object, object, sizeof(k->object));
	strlcpy_safe(k->message, message, sizeof(k->message));
	sim->n_kevents++;
}

static int
max_revision(const struct demo_deploy_sim *ds)
{
	int r = 0, i;

	for (i = 0; i < ds->n_epochs; i++) {
		if (ds->epochs[i].revision > r) {
			r = ds->epochs[i].revision;
		}
	}
	return r;
}

/* Adds a template taking effect at now (kept sorted by time). */
static struct demo_epoch *
add_epoch(struct demo_deploy_sim *ds, double now)
{
	int i = ds->n_epochs;

	if (ds->n_epochs == DEMO_MAX_EPOCHS) {
		return NULL;
	}
	while (i > 0 && ds->epochs[i - 1].at > now) {
		ds->epochs[i] = ds->epochs[i - 1];
		i--;
	}
	ds->n_epochs++;
	memset(&ds->epochs[i], 0, sizeof(ds->epochs[i]));
	ds->epochs[i].at = now;
	return &ds->epochs[i];
}

static void
describe_deploy_target(char *buf, size_t n, const char *target)
{
	struct demo_sim *sim = demo_sim_copy();
	int d = find_deploy(target);

	if (d < 0) {
		strappendf(buf, n, "Target: deployment %s (not in the "
			   "scenario)\n", target);
	} else {
		const struct demo_deploy_sim *ds = &sim->deploys[d];
		double now = demo_sim_now(sim);
		const struct demo_epoch *ep =
			&ds->epochs[demo_epoch_at(ds, now)];

		strappendf(buf, n,
			   "Target: deployment %s, revision %d, %d "
			   "replicas, image %s\n",
			   target, ep->revision, demo_replicas_at(ds, now),
			   demo_epoch_image(d, ep));
	}
	free(sim);
}

static void
describe_restart(const struct action_req *req, char *buf, size_t n)
{
	struct obj o = obj_of(req);

	snprintf(buf, n, "%s\n", DEMO_DESCRIBE_HEAD);
	strappendf(buf, n,
		   "PATCH /apis/apps/v1/namespaces/%s/deployments/%s "
		   "{spec.template.metadata.annotations."
		   "kubectl.kubernetes.io/restartedAt}\n"
		   "(kubectl rollout restart deployment/%s -n %s)\n",
		   o.ns, o.name, o.name, o.ns);
	describe_deploy_target(buf, n, o.full);
	strappendf(buf, n, "Every pod is replaced, a few at a time; the "
		   "image stays the same.");
}

static void
describe_rollback(const struct action_req *req, char *buf, size_t n)
{
	struct obj o = obj_of(req);
	struct demo_sim *sim = demo_sim_copy();
	int d = find_deploy(o.full);
	char to[160] = "the previous revision";

	if (d >= 0) {
		const struct demo_deploy_sim *ds = &sim->deploys[d];
		const struct demo_epoch *ep =
			&ds->epochs[demo_epoch_at(ds, demo_sim_now(sim))];
		int i;

		snprintf(to, sizeof(to), "revision %d", ep->revision - 1);
		for (i = 0; i < ds->n_epochs; i++) {
			if (ds->epochs[i].revision == ep->revision - 1) {
				snprintf(to, sizeof(to),
					 "revision %d (ReplicaSet %s-%s, %s)",
					 ep->revision - 1, o.name,
					 ds->epochs[i].hash,
					 demo_epoch_image(d, &ds->epochs[i]));
			}
		}
	}
	free(sim);
	snprintf(buf, n, "%s\n", DEMO_DESCRIBE_HEAD);
	strappendf(buf, n,
		   "PATCH /apis/apps/v1/namespaces/%s/deployments/%s "
		   "{spec.template ← %s}\n"
		   "(kubectl rollout undo deployment/%s -n %s)\n",
		   o.ns, o.name, to, o.name, o.ns);
	describe_deploy_target(buf, n, o.full);
	strappendf(buf, n, "Every pod is replaced by one of the previous "
		   "template.");
}

static void
describe_scale(const struct action_req *req, char *buf, size_t n)
{
	struct obj o = obj_of(req);
	const char *want = req->arg[0] ? req->arg : "?";

	snprintf(buf, n, "%s\n", DEMO_DESCRIBE_HEAD);
	strappendf(buf, n,
		   "PATCH /apis/apps/v1/namespaces/%s/deployments/%s/scale "
		   "{\"spec\":{\"replicas\":%s}}\n"
		   "(kubectl scale deployment/%s -n %s --replicas=%s)\n",
		   o.ns, o.name, want, o.name, o.ns, want);
	describe_deploy_target(buf, n, o.full);
	strappendf(buf, n, "Scaling down stops pods at once; scaling up "
		   "starts new ones.");
}

static void
describe_delete(const struct action_req *req, char *buf, size_t n)
{
	struct obj o = obj_of(req);

	snprintf(buf, n, "%s\n", DEMO_DESCRIBE_HEAD);
	strappendf(buf, n,
		   "DELETE /api/v1/namespaces/%s/pods/%s\n"
		   "(kubectl delete pod %s -n %s)\n"
		   "Target: pod %s\n"
		   "Its ReplicaSet starts a replacement with a new name.",
		   o.ns, o.name, o.name, o.ns, o.full);
}

static int
run_rollout(const struct action_req *req, char *result, size_t n,
	    struct err *err, bool rollback)
{
	struct obj o = obj_of(req);
	const char *target = o.full;
	int d;
	struct demo_sim *sim;
	struct demo_deploy_sim *ds;
	struct demo_epoch *ep, cur;
	double now;
	int i;

	d = find_deploy(target);
	if (d < 0) {
		return err_set(err, "no deployment %s", target);
	}
	sim = demo_sim_lock();
	ds = &sim->deploys[d];
	now = demo_sim_now(sim);
	cur = ds->epochs[demo_epoch_at(ds, now)];
	if (rollback && cur.revision <= 1) {
		demo_sim_unlock();
		return err_set(err, "deployment %s has no previous revision",
			       target);
	}
	ep = add_epoch(ds, now);
	if (!ep) {
		demo_sim_unlock();
		return err_set(err, "too many rollouts of %s in this demo",
			       target);
	}
	if (rollback) {
		ep->revision = cur.revision - 1;
		demo_make_hash(ep->hash, sizeof(ep->hash),
			  demo_hash((uint64_t)d, (uint64_t)ep->revision));
		for (i = 0; i < ds->n_epochs; i++) {
			if (ds->epochs[i].revision == ep->revision &&
			    &ds->epochs[i] != ep) {
				strcpy(ep->hash, ds->epochs[i].hash);
				ep->image = ds->epochs[i].image;
			}
		}
		snprintf(result, n,
			 "deployment %s rolled back to revision %d (%s)",
			 target, ep->revision, demo_epoch_image(d, ep));
	} else {
		ep->revision = max_revision(ds) + 1;
		ep->image = cur.image;
		demo_make_hash(ep->hash, sizeof(ep->hash),
			  demo_hash((uint64_t)d * 77 + ++sim->seq,
				    (uint64_t)ep->revision));
		snprintf(result, n,
			 "deployment %s restarted: revision %d, replica set "
			 "%s-%s rolling out %d pods",
			 target, ep->revision, demo_deploy_defs[d].name,
			 ep->hash, demo_replicas_at(ds, now));
	}
	demo_sim_unlock();
	return 0;
}

static int
run_restart(const struct action_req *req, char *result, size_t n,
	    struct err *err)
{
	return run_rollout(req, result, n, err, false);
}

static int
run_rollback(const struct action_req *req, char *result, size_t n,
	     struct err *err)
{
	return run_rollout(req, result, n, err, true);
}

static int
run_scale(const struct action_req *req, char *result, size_t n,
	  struct err *err)
{
	struct obj o = obj_of(req);
	const char *target = o.full;
	int d;
	int want, had, i;
	struct demo_sim *sim;
	struct demo_deploy_sim *ds;
	double now;
	char object[128], message[160];

	d = find_deploy(target);
	if (d < 0) {
		return err_set(err, "no deployment %s", target);
	}
	if (pods_parse_replicas(req->arg, &want, err) < 0) {
		return -1;
	}
	if (want > DEMO_MAX_SLOTS) {
		return err_set(err, "this demo scales to %d replicas at most",
			       DEMO_MAX_SLOTS);
	}
	sim = demo_sim_lock();
	ds = &sim->deploys[d];
	now = demo_sim_now(sim);
	had = demo_replicas_at(ds, now);
	for (i = had; i < want; i++) {
		ds->slots[i].born = now;
		ds->slots[i].gen++;
	}
	ds->prev_replicas = had;
	ds->replicas = want;
	ds->scaled_at = now;
	if (want != had) {
		snprintf(object, sizeof(object), "deployment/%s",
			 demo_deploy_defs[d].name);
		snprintf(message, sizeof(message),
			 "Scaled %s replica set %s-%s to %d",
			 want > had ? "up" : "down", demo_deploy_defs[d].name,
			 ds->epochs[demo_epoch_at(ds, now)].hash, want);
		add_kevent(sim, now, "Normal", "ScalingReplicaSet", object,
			   message);
	}
	demo_sim_unlock();
	snprintf(result, n, "deployment %s scaled from %d to %d replicas",
		 target, had, want);
	return 0;
}

static int
run_delete(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	struct obj o = obj_of(req);
	const char *target = o.full;
	struct demo_sim *sim = demo_sim_lock();
	double now = demo_sim_now(sim);
	struct demo_pod old, repl;
	struct demo_slot *sl;
	char object[128], message[160];

	if (!demo_find_pod(sim, target, now, &old)) {
		demo_sim_unlock();
		return err_set(err, "no pod %s", target);
	}
	sl = &sim->deploys[old.deploy].slots[old.slot];
	sl->gen++;
	sl->born = now;
	demo_pod_at(sim, old.deploy, old.slot, now, &repl);
	snprintf(object, sizeof(object), "pod/%s", old.name);
	snprintf(message, sizeof(message), "Stopping container %s",
		 demo_deploy_defs[old.deploy].container);
	add_kevent(sim, now, "Normal", "Killing", object, message);
	snprintf(object, sizeof(object), "replicaset/%s-%s",
		 demo_deploy_defs[old.deploy].name,
		 sim->deploys[old.deploy].epochs[old.epoch].hash);
	snprintf(message, sizeof(message), "Created pod: %s", repl.name);
	add_kevent(sim, now, "Normal", "SuccessfulCreate", object, message);
	demo_sim_unlock();
	snprintf(result, n, "pod %s deleted; replaced by %s", target,
		 repl.name);
	return 0;
}

const struct action_impl demo_pods_actions[] = {
	{
		.spec = &action_rollout_restart,
		.describe = describe_restart,
		.run = run_restart,
	},
	{
		.spec = &action_rollback,
		.describe = describe_rollback,
		.run = run_rollback,
	},
	{
		.spec = &action_scale,
		.describe = describe_scale,
		.run = run_scale,
	},
	{
		.spec = &action_delete_pod,
		.describe = describe_delete,
		.run = run_delete,
	},
	{ .spec = NULL },
};
