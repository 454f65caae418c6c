/* kubeconfig files as kubectl reads them: parsed with libyaml (opened with
 * dlopen), merged in KUBECONFIG order, one context resolved into a
 * struct k8s_conn; and the pod's own service account. Any thread. */
#include "probes/kubeconfig.h"

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

struct kc_cluster {
	char *name;
	char *server;
	char *ca_file;
	struct k8s_blob ca_data;
	bool insecure;
};

struct kc_user {
	char *name;
	char *token;
	char *token_file;
	char *cert_file;
	char *key_file;
	struct k8s_blob cert_data;
	struct k8s_blob key_data;
	char *username;
	char *password;
	struct k8s_exec *exec;
	char *auth_provider;    /* its name: not supported */
};

struct kc_context {
	char *name;
	char *cluster;
	char *user;
	char *ns;
};

struct kubeconfig {
	char *current;
	struct kc_cluster *clusters;
	size_t n_clusters;
	struct kc_user *users;
	size_t n_users;
	struct kc_context *contexts;
	size_t n_contexts;
};

/* ---- small helpers ------------------------------------------------------ */

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
wipe_free(char *s)
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

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

bool
k8s_base64_decode(const char *s, struct k8s_blob *out)
{
	size_t len = strlen(s), n = 0;
	unsigned char *d = xmalloc(len / 4 * 3 + 4);
	unsigned acc = 0;
	int bits = 0, pad = 0;

	for (; *s != '\0'; s++) {
		int v;

		if (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t') {
			continue;
		}
		if (*s == '=') {
			pad++;
			continue;
		}
		v = b64_value((unsigned char)*s);
		if (v < 0 || pad > 0) {
			explicit_bzero(d, len / 4 * 3 + 4);
			free(d);
			return false;
		}
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (pad > 2) {
		explicit_bzero(d, len / 4 * 3 + 4);
		free(d);
		return false;
	}
	d[n] = '\0';
	out->data = d;
	out->len = n;
	return true;
}

/* path made absolute against dir when it is relative; NULL stays NULL. */
static char *
resolve_path(const char *path, const char *dir)
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
		wipe_free(e->env[i]);
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
	e->api_version = dup_or_null(src->api_version);
	e->command = dup_or_null(src->command);
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
	e->interactive = dup_or_null(src->interactive);
	e->install_hint = dup_or_null(src->install_hint);
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
	wipe_free(u->token);
	free(u->token_file);
	free(u->cert_file);
	free(u->key_file);
	k8s_blob_finish(&u->cert_data);
	k8s_blob_finish(&u->key_data);
	free(u->username);
	wipe_free(u->password);
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

static const struct kc_cluster *
find_cluster(const struct kubeconfig *kc, const char *name)
{
	for (size_t i = 0; i < kc->n_clusters; i++) {
		if (strcmp(kc->clusters[i].name, name) == 0) {
			return &kc->clusters[i];
		}
	}
	return NULL;
}

static const struct kc_user *
find_user(const struct kubeconfig *kc, const char *name)
{
	for (size_t i = 0; i < kc->n_users; i++) {
		if (strcmp(kc->users[i].name, name) == 0) {
			return &kc->users[i];
		}
	}
	return NULL;
}

static const struct kc_context *
find_context(const struct kubeconfig *kc, const char *name)
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

		if (find_cluster(dst, s->name) != NULL) {
			continue;
		}
		dst->clusters = xreallocarray(dst->clusters,
					      dst->n_clusters + 1,
					      sizeof(*dst->clusters));
		d = &dst->clusters[dst->n_clusters++];
		d->name = xstrdup(s->name);
		d->server = dup_or_null(s->server);
		d->ca_file = dup_or_null(s->ca_file);
		blob_copy(&d->ca_data, &s->ca_data);
		d->insecure = s->insecure;
	}
	for (i = 0; i < src->n_users; i++) {
		const struct kc_user *s = &src->users[i];
		struct kc_user *d;

		if (find_user(dst, s->name) != NULL) {
			continue;
		}
		dst->users = xreallocarray(dst->users, dst->n_users + 1,
					   sizeof(*dst->users));
		d = &dst->users[dst->n_users++];
		d->name = xstrdup(s->name);
		d->token = dup_or_null(s->token);
		d->token_file = dup_or_null(s->token_file);
		d->cert_file = dup_or_null(s->cert_file);
		d->key_file = dup_or_null(s->key_file);
		blob_copy(&d->cert_data, &s->cert_data);
		blob_copy(&d->key_data, &s->key_data);
		d->username = dup_or_null(s->username);
		d->password = dup_or_null(s->password);
		d->exec = exec_copy(s->exec);
		d->auth_provider = dup_or_null(s->auth_provider);
	}
	for (i = 0; i < src->n_contexts; i++) {
		const struct kc_context *s = &src->contexts[i];
		struct kc_context *d;

		if (find_context(dst, s->name) != NULL) {
			continue;
		}
		dst->contexts = xreallocarray(dst->contexts,
					      dst->n_contexts + 1,
					      sizeof(*dst->contexts));
		d = &dst->contexts[dst->n_contexts++];
		d->name = xstrdup(s->name);
		d->cluster = dup_or_null(s->cluster);
		d->user = dup_or_null(s->user);
		d->ns = dup_or_null(s->ns);
	}
}

/* ---- reading the YAML --------------------------------------------------- */

#if HAVE_YAML

#include "probes/libyaml_api.h"

struct walk {
	yaml_document_t *doc;
	const char *dir;
	struct err *err;
	bool failed;
};

static yaml_node_t *
node_at(struct walk *w, int index)
{
	return libyaml.yaml_document_get_node(w->doc, index);
}

/* The scalar's text, or NULL for any other node. */
static const char *
scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE) {
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

/* The value under key in mapping m, or NULL. */
static yaml_node_t *
get(struct walk *w, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;

	if (m == NULL || m->type != YAML_MAPPING_NODE) {
		return NULL;
	}
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(node_at(w, p->key));

		if (k != NULL && strcmp(k, key) == 0) {
			return node_at(w, p->value);
		}
	}
	return NULL;
}

/* A copy of the scalar under key, NULL when absent or not a scalar (YAML's
 * null, "~" and an empty value read as absent). */
static char *
get_str(struct walk *w, yaml_node_t *m, const char *key)
{
	yaml_node_t *n = get(w, m, key);
	const char *s = scalar(n);

	if (s == NULL || (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			  (strcmp(s, "null") == 0 || strcmp(s, "~") == 0 ||
			   s[0] == '\0'))) {
		return NULL;
	}
	return xstrdup(s);
}

static bool
get_bool(struct walk *w, yaml_node_t *m, const char *key)
{
	const char *s = scalar(get(w, m, key));

	return s != NULL && (strcasecmp(s, "true") == 0 ||
			     strcasecmp(s, "yes") == 0 ||
			     strcasecmp(s, "on") == 0);
}

/* The base64 value under key, decoded; false (with w->err) when it is not
 * base64. Absent: true, an empty blob. */
static bool
get_data(struct walk *w, yaml_node_t *m, const char *key,
	 const char *where, struct k8s_blob *out)
{
	char *s = get_str(w, m, key);
	bool ok = true;

	out->data = NULL;
	out->len = 0;
	if (s != NULL) {
		ok = k8s_base64_decode(s, out);
		if (!ok) {
			err_set(w->err, "%s: %s is not base64", where, key);
			w->failed = true;
		}
		wipe_free(s);
	}
	return ok;
}

static char *
get_path(struct walk *w, yaml_node_t *m, const char *key)
{
	char *s = get_str(w, m, key);
	char *p = resolve_path(s, w->dir);

	free(s);
	return p;
}

/* Calls fn for each item of the sequence under key whose "name" is a
 * string, with the mapping under inner ("cluster", "user", "context"). */
static void
each_named(struct walk *w, yaml_node_t *root, const char *key,
	   const char *inner,
	   void (*fn)(struct walk *, struct kubeconfig *, const char *name,
		      yaml_node_t *body),
	   struct kubeconfig *kc)
{
	yaml_node_t *seq = get(w, root, key);
	yaml_node_item_t *it;

	if (seq == NULL || seq->type != YAML_SEQUENCE_NODE) {
		return;
	}
	for (it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top && !w->failed; it++) {
		yaml_node_t *item = node_at(w, *it);
		const char *name = scalar(get(w, item, "name"));

		if (name == NULL || name[0] == '\0') {
			continue;
		}
		fn(w, kc, name, get(w, item, inner));
	}
}

static void
add_cluster(struct walk *w, struct kubeconfig *kc, const char *name,
	    yaml_node_t *b)
{
	struct kc_cluster c = { 0 };
	char where[160];

	/* Within one file, too, the first entry of a name wins. */
	if (find_cluster(kc, name) != NULL) {
		return;
	}
	snprintf(where, sizeof(where), "cluster \"%.100s\"", name);
	c.name = xstrdup(name);
	c.server = get_str(w, b, "server");
	c.ca_file = get_path(w, b, "certificate-authority");
	get_data(w, b, "certificate-authority-data", where, &c.ca_data);
	c.insecure = get_bool(w, b, "insecure-skip-tls-verify");
	kc->clusters = xreallocarray(kc->clusters, kc->n_clusters + 1,
				     sizeof(*kc->clusters));
	kc->clusters[kc->n_clusters++] = c;
}

static struct k8s_exec *
parse_exec(struct walk *w, yaml_node_t *e)
{
	struct k8s_exec *x = xcalloc(1, sizeof(*x));
	yaml_node_t *seq;
	yaml_node_item_t *it;

	x->api_version = get_str(w, e, "apiVersion");
	x->command = get_str(w, e, "command");
	/* kubectl resolves a command that names a path (has a '/')
	 * against the kubeconfig's directory; a bare name goes to PATH. */
	if (x->command != NULL && strchr(x->command, '/') != NULL) {
		char *abs = resolve_path(x->command, w->dir);

		free(x->command);
		x->command = abs;
	}
	x->interactive = get_str(w, e, "interactiveMode");
	x->install_hint = get_str(w, e, "installHint");
	x->provide_cluster_info = get_bool(w, e, "provideClusterInfo");
	x->args = xcalloc(1, sizeof(*x->args));
	x->env = xcalloc(1, sizeof(*x->env));
	seq = get(w, e, "args");
	if (seq != NULL && seq->type == YAML_SEQUENCE_NODE) {
		for (it = seq->data.sequence.items.start;
		     it < seq->data.sequence.items.top; it++) {
			const char *a = scalar(node_at(w, *it));

			x->args = xreallocarray(x->args, x->n_args + 2,
						sizeof(*x->args));
			x->args[x->n_args++] = xstrdup(a != NULL ? a : "");
			x->args[x->n_args] = NULL;
		}
	}
	seq = get(w, e, "env");
	if (seq != NULL && seq->type == YAML_SEQUENCE_NODE) {
		for (it = seq->data.sequence.items.start;
		     it < seq->data.sequence.items.top; it++) {
			yaml_node_t *kv = node_at(w, *it);
			const char *k = scalar(get(w, kv, "name"));
			const char *v = scalar(get(w, kv, "value"));

			if (k == NULL || k[0] == '\0' || strchr(k, '=')) {
				continue;
			}
			x->env = xreallocarray(x->env, x->n_env + 2,
					       sizeof(*x->env));
			x->env[x->n_env++] = xasprintf("%s=%s", k,
						       v != NULL ? v : "");
			x->env[x->n_env] = NULL;
		}
	}
	return x;
}

static void
add_user(struct walk *w, struct kubeconfig *kc, const char *name,
	 yaml_node_t *b)
{
	struct kc_user u = { 0 };
	yaml_node_t *e;
	char where[160];

	if (find_user(kc, name) != NULL) {
		return;
	}
	snprintf(where, sizeof(where), "user \"%.100s\"", name);
	u.name = xstrdup(name);
	u.token = get_str(w, b, "token");
	u.token_file = get_path(w, b, "tokenFile");
	u.cert_file = get_path(w, b, "client-certificate");
	u.key_file = get_path(w, b, "client-key");
	get_data(w, b, "client-certificate-data", where, &u.cert_data);
	get_data(w, b, "client-key-data", where, &u.key_data);
	u.username = get_str(w, b, "username");
	u.password = get_str(w, b, "password");
	e = get(w, b, "exec");
	if (e != NULL && e->type == YAML_MAPPING_NODE) {
		u.exec = parse_exec(w, e);
	}
	e = get(w, b, "auth-provider");
	if (e != NULL && e->type == YAML_MAPPING_NODE) {
		u.auth_provider = get_str(w, e, "name");
		if (u.auth_provider == NULL) {
			u.auth_provider = xstrdup("?");
		}
	}
	kc->users = xreallocarray(kc->users, kc->n_users + 1,
				  sizeof(*kc->users));
	kc->users[kc->n_users++] = u;
}

static void
add_context(struct walk *w, struct kubeconfig *kc, const char *name,
	    yaml_node_t *b)
{
	struct kc_context c = { 0 };

	if (find_context(kc, name) != NULL) {
		return;
	}
	c.name = xstrdup(name);
	c.cluster = get_str(w, b, "cluster");
	c.user = get_str(w, b, "user");
	c.ns = get_str(w, b, "namespace");
	kc->contexts = xreallocarray(kc->contexts, kc->n_contexts + 1,
				     sizeof(*kc->contexts));
	kc->contexts[kc->n_contexts++] = c;
}

struct kubeconfig *
kubeconfig_parse(const char *text, size_t len, const char *dir,
		 struct err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct kubeconfig *kc;
	struct walk w = { &doc, dir, err, false };
	yaml_node_t *root;

	if (!libyaml_load(err)) {
		return NULL;
	}
	if (!libyaml.yaml_parser_initialize(&parser)) {
		err_set(err, "out of memory");
		return NULL;
	}
	libyaml.yaml_parser_set_input_string(&parser,
					     (const unsigned char *)text, len);
	if (!libyaml.yaml_parser_load(&parser, &doc)) {
		err_set(err, "line %lu: %s",
			(unsigned long)parser.problem_mark.line + 1,
			parser.problem != NULL ? parser.problem :
			"not YAML");
		libyaml.yaml_parser_delete(&parser);
		return NULL;
	}
	kc = xcalloc(1, sizeof(*kc));
	root = libyaml.yaml_document_get_root_node(&doc);
	if (root != NULL && root->type != YAML_MAPPING_NODE) {
		err_set(err, "not a kubeconfig (expected a mapping at the "
			"top)");
		w.failed = true;
	}
	if (root != NULL && !w.failed) {
		kc->current = get_str(&w, root, "current-context");
		each_named(&w, root, "clusters", "cluster", add_cluster, kc);
		each_named(&w, root, "users", "user", add_user, kc);
		each_named(&w, root, "contexts", "context", add_context, kc);
	}
	libyaml.yaml_document_delete(&doc);
	libyaml.yaml_parser_delete(&parser);
	if (w.failed) {
		kubeconfig_free(kc);
		return NULL;
	}
	return kc;
}

#else /* !HAVE_YAML */

struct kubeconfig *
kubeconfig_parse(const char *text, size_t len, const char *dir,
		 struct err *err)
{
	err_set(err, "YAML support not built in (kubeconfig)");
	return NULL;
}

#endif

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

	if (name == NULL || name[0] == '\0') {
		return err_set(err, "no current-context (set context = in "
			       "the section, or kubectl config use-context)");
	}
	ctx = find_context(kc, name);
	if (ctx == NULL) {
		return err_set(err, "context \"%.100s\" not found", name);
	}
	if (ctx->cluster == NULL || (cl = find_cluster(kc, ctx->cluster)) ==
	    NULL) {
		return err_set(err, "context \"%.100s\": cluster \"%.100s\" "
			       "not found", name,
			       ctx->cluster ? ctx->cluster : "");
	}
	if (cl->server == NULL) {
		return err_set(err, "cluster \"%.100s\" has no server",
			       cl->name);
	}
	if (ctx->user != NULL && (u = find_user(kc, ctx->user)) == NULL) {
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
	c->token = dup_or_null(u->token);
	c->token_file = dup_or_null(u->token_file);
	c->username = dup_or_null(u->username);
	c->password = dup_or_null(u->password);
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
	dst->context = dup_or_null(src->context);
	dst->cluster = dup_or_null(src->cluster);
	dst->user = dup_or_null(src->user);
	dst->server = dup_or_null(src->server);
	dst->ns = dup_or_null(src->ns);
	dst->insecure = src->insecure;
	dst->in_cluster = src->in_cluster;
	blob_copy(&dst->ca, &src->ca);
	blob_copy(&dst->cert, &src->cert);
	blob_copy(&dst->key, &src->key);
	dst->token = dup_or_null(src->token);
	dst->token_file = dup_or_null(src->token_file);
	dst->username = dup_or_null(src->username);
	dst->password = dup_or_null(src->password);
	dst->exec = exec_copy(src->exec);
	dst->origin = dup_or_null(src->origin);
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
	wipe_free(c->token);
	free(c->token_file);
	free(c->username);
	wipe_free(c->password);
	exec_free(c->exec);
	free(c->origin);
	memset(c, 0, sizeof(*c));
}
