/* kubeconfig files as kubectl reads them: merged in KUBECONFIG order (each
 * read by probes/kubeconfig_yaml.c), one context resolved into a struct
 * k8s_conn; and the pod's own service account. Any thread. */
#include "probes/kubeconfig.h"
#include "probes/kubeconfig_parts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build-config.h"
#include "core/xalloc.h"

/* Larger files are not kubeconfigs. */
#define KUBECONFIG_MAX_BYTES (4u << 20)
/* Where a pod finds its service account. */
#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* ---- small helpers ------------------------------------------------------ */

char *
kc_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
k8s_secret_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
k8s_blob_finish(struct k8s_blob *b)
{
	if (b->data != NULL) {
		explicit_bzero(b->data, b->len);
		free(b->data);
	}
	b->data = NULL;
	b->len = 0;
}

static void
blob_copy(struct k8s_blob *dst, const struct k8s_blob *src)
{
	dst->len = src->len;
	dst->data = NULL;
	if (src->data != NULL) {
		dst->data = xmalloc(src->len + 1);
		memcpy(dst->data, src->data, src->len);
		dst->data[src->len] = '\0';
	}
}

/* path made absolute against dir when it is relative; NULL stays NULL. */
char *
kc_resolve_path(const char *path, const char *dir)
{
	if (path == NULL || path[0] == '\0') {
		return NULL;
	}
	if (path[0] == '/' || dir == NULL) {
		return xstrdup(path);
	}
	return xasprintf("%s/%s", dir, path);
}

/* Reads a whole (small) file into a blob; -1 with err naming it. */
static int
read_file(const char *what, const char *path, struct k8s_blob *out,
	  struct err *err)
{
	FILE *f = fopen(path, "rb");
	struct k8s_blob b = { NULL, 0 };
	size_t cap = 0, n;

	if (f == NULL) {
		return err_set(err, "%s: cannot read %s: %s", what, path,
			       strerror(errno));
	}
	for (;;) {
		if (b.len + 4097 > cap) {
			unsigned char *bigger;

			cap = cap ? cap * 2 : 8192;
			bigger = xmalloc(cap);
			if (b.data != NULL) {
				memcpy(bigger, b.data, b.len);
				explicit_bzero(b.data, b.len);
				free(b.data);
			}
			b.data = bigger;
		}
		n = fread(b.data + b.len, 1, 4096, f);
		b.len += n;
		if (n < 4096 || b.len > KUBECONFIG_MAX_BYTES) {
			break;
		}
	}
	fclose(f);
	if (b.len > KUBECONFIG_MAX_BYTES) {
		k8s_blob_finish(&b);
		return err_set(err, "%s: %s is too large", what, path);
	}
	b.data[b.len] = '\0';
	*out = b;
	return 0;
}

/* ---- the parts of a kubeconfig -------------------------------------------- */

static void
exec_free(struct k8s_exec *e)
{
	size_t i;

	if (e == NULL) {
		return;
	}
	free(e->api_version);
	free(e->command);
	for (i = 0; i < e->n_args; i++) {
		free(e->args[i]);
	}
	free(e->args);
	for (i = 0; i < e->n_env; i++) {
		k8s_secret_free(e->env[i]);
	}
	free(e->env);
	free(e->interactive);
	free(e->install_hint);
	free(e);
}

static struct k8s_exec *
exec_copy(const struct k8s_exec *src)
{
	struct k8s_exec *e;
	size_t i;

	if (src == NULL) {
		return NULL;
	}
	e = xcalloc(1, sizeof(*e));
	e->api_version = kc_strdup(src->api_version);
	e->command = kc_strdup(src->command);
	e->args = xcalloc(src->n_args + 1, sizeof(*e->args));
	for (i = 0; i < src->n_args; i++) {
		e->args[i] = xstrdup(src->args[i]);
	}
	e->n_args = src->n_args;
	e->env = xcalloc(src->n_env + 1, sizeof(*e->env));
	for (i = 0; i < src->n_env; i++) {
		e->env[i] = xstrdup(src->env[i]);
	}
	e->n_env = src->n_env;
	e->interactive = kc_strdup(src->interactive);
	e->install_hint = kc_strdup(src->install_hint);
	e->provide_cluster_info = src->provide_cluster_info;
	return e;
}

static void
cluster_finish(struct kc_cluster *c)
{
	free(c->name);
	free(c->server);
	free(c->ca_file);
	k8s_blob_finish(&c->ca_data);
}

static void
user_finish(struct kc_user *u)
{
	free(u->name);
	k8s_secret_free(u->token);
	free(u->token_file);
	free(u->cert_file);
	free(u->key_file);
	k8s_blob_finish(&u->cert_data);
	k8s_blob_finish(&u->key_data);
	free(u->username);
	k8s_secret_free(u->password);
	exec_free(u->exec);
	free(u->auth_provider);
}

static void
context_finish(struct kc_context *c)
{
	free(c->name);
	free(c->cluster);
	free(c->user);
	free(c->ns);
}

void
kubeconfig_free(struct kubeconfig *kc)
{
	size_t i;

	if (kc == NULL) {
		return;
	}
	for (i = 0; i < kc->n_clusters; i++) {
		cluster_finish(&kc->clusters[i]);
	}
	for (i = 0; i < kc->n_users; i++) {
		user_finish(&kc->users[i]);
	}
	for (i = 0; i < kc->n_contexts; i++) {
		context_finish(&kc->contexts[i]);
	}
	free(kc->clusters);
	free(kc->users);
	free(kc->contexts);
	free(kc->current);
	free(kc);
}

const char *
kubeconfig_current(const struct kubeconfig *kc)
{
	return kc->current != NULL ? kc->current : "";
}

const struct kc_cluster *
kc_find_cluster(const struct kubeconfig *kc, const char *name)
{
	for (size_t i = 0; i < kc->n_clusters; i++) {
		if (strcmp(kc->clusters[i].name, name) == 0) {
			return &kc->clusters[i];
		}
	}
	return NULL;
}

const struct kc_user *
kc_find_user(const struct kubeconfig *kc, const char *name)
{
	for (size_t i = 0; i < kc->n_users; i++) {
		if (strcmp(kc->users[i].name, name) == 0) {
			return &kc->users[i];
		}
	}
	return NULL;
}

const struct kc_context *
kc_find_context(const struct kubeconfig *kc, const char *name)
{
	for (size_t i = 0; i < kc->n_contexts; i++) {
		if (strcmp(kc->contexts[i].name, name) == 0) {
			return &kc->contexts[i];
		}
	}
	return NULL;
}

void
kubeconfig_merge(struct kubeconfig *dst, const struct kubeconfig *src)
{
	size_t i;

	if ((dst->current == NULL || dst->current[0] == '\0') &&
	    src->current != NULL && src->current[0] != '\0') {
		free(dst->current);
		dst->current = xstrdup(src->current);
	}
	/* An entry of a later file never replaces, nor adds to, one of the
	 * same name from an earlier file. */
	for (i = 0; i < src->n_clusters; i++) {
		const struct kc_cluster *s = &src->clusters[i];
		struct kc_cluster *d;

		if (kc_find_cluster(dst, s->name) != NULL) {
			continue;
		}
		dst->clusters = xreallocarray(dst->clusters,
					      dst->n_clusters + 1,
					      sizeof(*dst->clusters));
		d = &dst->clusters[dst->n_clusters++];
		d->name = xstrdup(s->name);
		d->server = kc_strdup(s->server);
		d->ca_file = kc_strdup(s->ca_file);
		blob_copy(&d->ca_data, &s->ca_data);
		d->insecure = s->insecure;
	}
	for (i = 0; i < src->n_users; i++) {
		const struct kc_user *s = &src->users[i];
		struct kc_user *d;

		if (kc_find_user(dst, s->name) != NULL) {
			continue;
		}
		dst->users = xreallocarray(dst->users, dst->n_users + 1,
					   sizeof(*dst->users));
		d = &dst->users[dst->n_users++];
		d->name = xstrdup(s->name);
		d->token = kc_strdup(s->token);
		d->token_file = kc_strdup(s->token_file);
		d->cert_file = kc_strdup(s->cert_file);
		d->key_file = kc_strdup(s->key_file);
		blob_copy(&d->cert_data, &s->cert_data);
		blob_copy(&d->key_data, &s->key_data);
		d->username = kc_strdup(s->username);
		d->password = kc_strdup(s->password);
		d->exec = exec_copy(s->exec);
		d->auth_provider = kc_strdup(s->auth_provider);
	}
	for (i = 0; i < src->n_contexts; i++) {
		const struct kc_context *s = &src->contexts[i];
		struct kc_context *d;

		if (kc_find_context(dst, s->name) != NULL) {
			continue;
		}
		dst->contexts = xreallocarray(dst->contexts,
					      dst->n_contexts + 1,
					      sizeof(*dst->contexts));
		d = &dst->contexts[dst->n_contexts++];
		d->name = xstrdup(s->name);
		d->cluster = kc_strdup(s->cluster);
		d->user = kc_strdup(s->user);
		d->ns = kc_strdup(s->ns);
	}
}

/* ---- resolving a context -------------------------------------------------- */

static int
load_blob(const char *what, const char *file, const struct k8s_blob *data,
	  struct k8s_blob *out, struct err *err)
{
	if (data->data != NULL) {
		blob_copy(out, data);
		return 0;
	}
	if (file != NULL) {
		return read_file(what, file, out, err);
	}
	return 0;
}

int
kubeconfig_resolve(const struct kubeconfig *kc, const char *context,
		   struct k8s_conn *c, struct err *err)
{
	const struct kc_context *ctx;
	const struct kc_cluster *cl;
	const struct kc_user *u = NULL;
	const char *name = context != NULL && context[0] != '\0' ? context :
			   kc->current;

	memset(c, 0, sizeof(*c));
	if (name == NULL || name[0] == '\0') {
		return err_set(err, "no current-context (set context = in "
			       "the section, or kubectl config use-context)");
	}
	ctx = kc_find_context(kc, name);
	if (ctx == NULL) {
		return err_set(err, "context \"%.100s\" not found", name);
	}
	if (ctx->cluster == NULL || (cl = kc_find_cluster(kc, ctx->cluster)) ==
	    NULL) {
		return err_set(err, "context \"%.100s\": cluster \"%.100s\" "
			       "not found", name,
			       ctx->cluster ? ctx->cluster : "");
	}
	if (cl->server == NULL) {
		return err_set(err, "cluster \"%.100s\" has no server",
			       cl->name);
	}
	if (ctx->user != NULL && (u = kc_find_user(kc, ctx->user)) == NULL) {
		return err_set(err, "context \"%.100s\": user \"%.100s\" not "
			       "found", name, ctx->user);
	}
	if (u != NULL && u->auth_provider != NULL && u->exec == NULL &&
	    u->token == NULL && u->token_file == NULL) {
		return err_set(err, "user \"%.100s\" uses auth-provider "
			       "\"%.40s\", which kubectl itself no longer "
			       "supports: use its exec plugin", u->name,
			       u->auth_provider);
	}
	c->context = xstrdup(name);
	c->cluster = xstrdup(cl->name);
	c->user = xstrdup(u != NULL ? u->name : "");
	c->server = xstrdup(cl->server);
	while (c->server[0] != '\0' &&
	       c->server[strlen(c->server) - 1] == '/') {
		c->server[strlen(c->server) - 1] = '\0';
	}
	if (strncasecmp(c->server, "https://", 8) != 0 &&
	    strncasecmp(c->server, "http://", 7) != 0) {
		return err_set(err, "cluster \"%.100s\": server is not an "
			       "http:// or https:// URL", cl->name);
	}
	c->ns = xstrdup(ctx->ns != NULL ? ctx->ns : "");
	c->insecure = cl->insecure;
	if (load_blob("certificate-authority", cl->ca_file, &cl->ca_data,
		      &c->ca, err) < 0) {
		return -1;
	}
	if (u == NULL) {
		return 0;
	}
	if (load_blob("client-certificate", u->cert_file, &u->cert_data,
		      &c->cert, err) < 0 ||
	    load_blob("client-key", u->key_file, &u->key_data, &c->key,
		      err) < 0) {
		return -1;
	}
	if ((c->cert.data != NULL) != (c->key.data != NULL)) {
		return err_set(err, "user \"%.100s\": a client certificate "
			       "needs its key, and a key its certificate",
			       u->name);
	}
	c->token = kc_strdup(u->token);
	c->token_file = kc_strdup(u->token_file);
	c->username = kc_strdup(u->username);
	c->password = kc_strdup(u->password);
	c->exec = exec_copy(u->exec);
	return 0;
}

/* ---- the files ------------------------------------------------------------ */

char *
kubeconfig_paths(const char *paths)
{
	const char *env = getenv("KUBECONFIG");
	const char *home = getenv("HOME");

	if (paths != NULL && paths[0] != '\0') {
		return xstrdup(paths);
	}
	if (env != NULL && env[0] != '\0') {
		return xstrdup(env);
	}
	return xasprintf("%s/.kube/config", home != NULL ? home : "");
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		return xstrdup(".");
	}
	if (slash == path) {
		return xstrdup("/");
	}
	return xstrndup(path, (size_t)(slash - path));
}

/* Reads and merges every file of list; *read counts those that existed. */
static struct kubeconfig *
load_files(const char *list, int *read, struct err *err)
{
	struct kubeconfig *all = xcalloc(1, sizeof(*all));
	char *copy = xstrdup(list), *save = NULL, *path;

	*read = 0;
	for (path = strtok_r(copy, ":", &save); path != NULL;
	     path = strtok_r(NULL, ":", &save)) {
		struct k8s_blob text;
		struct kubeconfig *kc;
		struct stat st;
		struct err e;
		char *dir;

		/* kubectl skips a file of the list that does not exist. */
		if (stat(path, &st) < 0 && errno == ENOENT) {
			continue;
		}
		if (read_file("kubeconfig", path, &text, err) < 0) {
			goto fail;
		}
		dir = dir_of(path);
		err_clear(&e);
		kc = kubeconfig_parse((const char *)text.data, text.len, dir,
				      &e);
		free(dir);
		k8s_blob_finish(&text);
		if (kc == NULL) {
			err_set(err, "%s: %s", path, e.msg);
			goto fail;
		}
		kubeconfig_merge(all, kc);
		kubeconfig_free(kc);
		(*read)++;
	}
	free(copy);
	return all;
fail:
	free(copy);
	kubeconfig_free(all);
	return NULL;
}

int
kubeconfig_load(const char *paths, const char *context, struct k8s_conn *c,
		struct err *err)
{
	char *list = kubeconfig_paths(paths);
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	struct kubeconfig *kc;
	int read, rc;

	memset(c, 0, sizeof(*c));
	kc = load_files(list, &read, err);
	if (kc == NULL) {
		free(list);
		return -1;
	}
	if (read == 0 && (paths == NULL || paths[0] == '\0') &&
	    host != NULL && host[0] != '\0' && port != NULL &&
	    port[0] != '\0') {
		kubeconfig_free(kc);
		free(list);
		return kubeconfig_in_cluster(SA_DIR, host, port, c, err);
	}
	if (read == 0) {
		rc = err_set(err, "no kubeconfig: %s does not exist", list);
	} else {
		rc = kubeconfig_resolve(kc, context, c, err);
	}
	c->origin = list;
	kubeconfig_free(kc);
	return rc;
}

int
kubeconfig_in_cluster(const char *dir, const char *host, const char *port,
		      struct k8s_conn *c, struct err *err)
{
	char *path;
	struct k8s_blob ns = { NULL, 0 };
	int rc;

	memset(c, 0, sizeof(*c));
	c->in_cluster = true;
	c->context = xstrdup("");
	c->cluster = xstrdup("in-cluster");
	c->user = xstrdup("serviceaccount");
	c->origin = xstrdup(dir);
	/* An IPv6 address goes in brackets. */
	c->server = strchr(host, ':') != NULL ?
		    xasprintf("https://[%s]:%s", host, port) :
		    xasprintf("https://%s:%s", host, port);
	c->token_file = xasprintf("%s/token", dir);
	path = xasprintf("%s/ca.crt", dir);
	rc = read_file("service account", path, &c->ca, err);
	free(path);
	if (rc < 0) {
		return -1;
	}
	path = xasprintf("%s/namespace", dir);
	if (access(path, R_OK) == 0 &&
	    read_file("service account", path, &ns, err) == 0) {
		c->ns = xstrndup((const char *)ns.data,
				 strcspn((const char *)ns.data, "\r\n"));
		k8s_blob_finish(&ns);
	} else {
		c->ns = xstrdup("");
	}
	free(path);
	if (access(c->token_file, R_OK) < 0) {
		return err_set(err, "service account: cannot read %s: %s",
			       c->token_file, strerror(errno));
	}
	return 0;
}

void
k8s_conn_copy(struct k8s_conn *dst, const struct k8s_conn *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->context = kc_strdup(src->context);
	dst->cluster = kc_strdup(src->cluster);
	dst->user = kc_strdup(src->user);
	dst->server = kc_strdup(src->server);
	dst->ns = kc_strdup(src->ns);
	dst->insecure = src->insecure;
	dst->in_cluster = src->in_cluster;
	blob_copy(&dst->ca, &src->ca);
	blob_copy(&dst->cert, &src->cert);
	blob_copy(&dst->key, &src->key);
	dst->token = kc_strdup(src->token);
	dst->token_file = kc_strdup(src->token_file);
	dst->username = kc_strdup(src->username);
	dst->password = kc_strdup(src->password);
	dst->exec = exec_copy(src->exec);
	dst->origin = kc_strdup(src->origin);
}

void
k8s_conn_finish(struct k8s_conn *c)
{
	free(c->context);
	free(c->cluster);
	free(c->user);
	free(c->server);
	free(c->ns);
	k8s_blob_finish(&c->ca);
	k8s_blob_finish(&c->cert);
	k8s_blob_finish(&c->key);
	k8s_secret_free(c->token);
	free(c->token_file);
	free(c->username);
	k8s_secret_free(c->password);
	exec_free(c->exec);
	free(c->origin);
	memset(c, 0, sizeof(*c));
}
