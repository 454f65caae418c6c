/* The probe registry: the backends' config specs (every key documented in
 * docs/configuration.md, sane defaults) and lookups by name and alias. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/xalloc.h"
#include "probes/probe.h"

/* ---- the specs ---------------------------------------------------------- */

/* docs/configuration.md, read whole; the caller frees it. */
static char *
read_docs(void)
{
	const char *src = getenv("WARROOM_SOURCE_DIR");
	char *path, *text;
	FILE *f;
	long n;

	cr_assert_not_null(src, "WARROOM_SOURCE_DIR is not set");
	path = xasprintf("%s/docs/configuration.md", src);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	free(path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_gt(n, 0);
	rewind(f);
	text = xmalloc((size_t)n + 1);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* True when docs holds word as inline code: `word`. */
static bool
documented(const char *docs, const char *fmt, const char *word)
{
	char buf[128];

	snprintf(buf, sizeof(buf), fmt, word);
	return strstr(docs, buf) != NULL;
}

static void
expect_keys_documented(const char *docs, const char *backend,
		       const struct config_key_spec *k)
{
	for (; k != NULL && k->name != NULL; k++) {
		cr_expect(documented(docs, "`%s`", k->name),
			  "docs/configuration.md lacks key `%s` of %s",
			  k->name, backend);
		if (k->env != NULL) {
			cr_expect(documented(docs, "`%s`", k->env),
				  "docs/configuration.md lacks `%s` (%s)",
				  k->env, backend);
		}
	}
}

Test(registry, every_key_is_documented)
{
	const struct config_backend_spec *const *b;
	const char *const *a;
	char *docs = read_docs();

	expect_keys_documented(docs, "every section", config_common_keys);
	for (b = probe_config_specs(); *b != NULL; b++) {
		cr_expect(documented(docs, "`[%s.NAME]`", (*b)->name),
			  "docs/configuration.md lacks `[%s.NAME]`",
			  (*b)->name);
		for (a = (*b)->aliases; a != NULL && *a != NULL; a++) {
			cr_expect(documented(docs, "`[%s.NAME]`", *a),
				  "docs/configuration.md lacks the alias "
				  "`[%s.NAME]`", *a);
		}
		expect_keys_documented(docs, (*b)->name, (*b)->keys);
		expect_keys_documented(docs, (*b)->name, (*b)->shared_keys);
	}
	free(docs);
}

static void
expect_sane_keys(const struct config_backend_spec *b,
		 const struct config_key_spec *k)
{
	bool flag;
	int ms;

	for (; k != NULL && k->name != NULL; k++) {
		cr_expect(k->help != NULL && k->help[0] != '\0',
			  "%s: %s has no help", b->name, k->name);
		cr_expect_eq(config_key_find(b, k->name), k,
			     "%s: %s is found as itself", b->name, k->name);
		if (k->pattern) {
			cr_expect_null(k->def, "%s: %s", b->name, k->name);
			cr_expect_not(k->required, "%s: %s", b->name,
				      k->name);
			cr_expect_null(k->env, "%s: %s", b->name, k->name);
		}
		if (k->def != NULL && k->type == CONFIG_DURATION) {
			cr_expect_eq(config_parse_duration(k->def, &ms), 0,
				     "%s: %s = %s", b->name, k->name, k->def);
		}
		if (k->def != NULL && k->type == CONFIG_BOOL) {
			cr_expect_eq(config_parse_bool(k->def, &flag), 0,
				     "%s: %s = %s", b->name, k->name, k->def);
		}
	}
}

Test(registry, specs_are_sane)
{
	const struct config_backend_spec *const *specs = probe_config_specs();
	const struct config_backend_spec *const *b;
	const char *const *a;

	cr_assert_eq(probe_config_specs(), specs, "one list, built once");
	for (b = specs; *b != NULL; b++) {
		cr_expect_eq(config_backend_find(specs, (*b)->name), *b,
			     "%s is listed once", (*b)->name);
		cr_expect_geq((*b)->interval_ms, 0);
		for (a = (*b)->aliases; a != NULL && *a != NULL; a++) {
			cr_expect_eq(config_backend_find(specs, *a), *b,
				     "alias %s names one backend", *a);
		}
		expect_sane_keys(*b, (*b)->keys);
		expect_sane_keys(*b, (*b)->shared_keys);
	}
}

Test(registry, find_by_name_and_alias)
{
	const struct probe_ops *k8s = probe_find("k8s");

	cr_assert_not_null(k8s);
	cr_expect_eq(k8s, probe_find("kubernetes"));
	cr_expect_str_eq(k8s->config.name, "kubernetes");
	cr_expect_eq(k8s->kind, SNAP_PODS);
	cr_expect_null(probe_find("prometheus-alerts"));
	cr_expect_null(probe_find("demo"));
	cr_expect_null(probe_find("k8"));
	cr_expect_null(probe_find(""));
	cr_expect_null(probe_find(NULL));
}
