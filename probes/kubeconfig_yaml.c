/* One kubeconfig file read with libyaml (opened with dlopen): clusters,
 * users (token, files, -data, exec plugins) and contexts, the first entry
 * of a name winning, paths made absolute against the file's directory.
 * Any thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build-config.h"
#include "core/xalloc.h"
#include "probes/kubeconfig_parts.h"

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
		k8s_secret_free(s);
	}
	return ok;
}

static char *
get_path(struct walk *w, yaml_node_t *m, const char *key)
{
	char *s = get_str(w, m, key);
	char *p = kc_resolve_path(s, w->dir);

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
	if (kc_find_cluster(kc, name) != NULL) {
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
		char *abs = kc_resolve_path(x->command, w->dir);

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

	if (kc_find_user(kc, name) != NULL) {
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

	if (kc_find_context(kc, name) != NULL) {
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
