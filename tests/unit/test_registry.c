/* The probe registry: the backends' config specs (every key documented in
 * docs/configuration.md, sane defaults), lookups by name, alias and
 * companion, and the sources it adds to a runner for a configuration
 * (companions included) and for the demo. No thread is started. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/state.h"
#include "core/xalloc.h"
#include "probes/probe.h"
#include "probes/runner.h"

static struct state *st;
static struct runner *r;
static struct config cfg;

static void
setup(void)
{
	st = state_new();
	r = runner_new(st);
	memset(&cfg, 0, sizeof(cfg));
	cfg.specs = probe_config_specs();
}

static void
teardown(void)
{
	runner_free(r);
	state_free(st);
	config_finish(&cfg);
}

TestSuite(registry, .init = setup, .fini = teardown);

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

Test(registry, find_by_name_alias_and_companion)
{
	const struct probe_ops *k8s = probe_find("k8s");
	const struct probe_ops *prom = probe_find("prometheus");

	cr_assert_not_null(k8s);
	cr_expect_eq(k8s, probe_find("kubernetes"));
	cr_expect_str_eq(k8s->config.name, "kubernetes");
	cr_expect_eq(k8s->kind, SNAP_PODS);
	cr_assert_not_null(prom);
	cr_assert_not_null(prom->companion);
	cr_expect_eq(probe_find("prometheus-alerts"), prom->companion);
	cr_expect_eq(prom->companion->kind, SNAP_ALERTS);
	cr_expect_null(prom->companion->actions, "Prometheus silences nothing");
	cr_expect_null(probe_find("demo"));
	cr_expect_null(probe_find("k8"));
	cr_expect_null(probe_find(""));
	cr_expect_null(probe_find(NULL));
}

/* ---- the sources of a configuration ---------------------------------- */

static struct config_section *
add(const char *name, const char *key, const char *value)
{
	struct config_section *sec = config_add_section(&cfg, name);

	if (key != NULL) {
		config_section_set(sec, key, value);
	}
	return sec;
}

Test(registry, prometheus_alone_brings_its_alerts)
{
	const struct config_section *sec;
	struct config_section *p;
	struct err err = { "" };
	int idx;

	p = add("prometheus.prod", "url", "http://prom:9090");
	p->line = 7;
	p->interval_ms = 15000;
	p->timeout_ms = 3000;
	config_section_set(p, "panel.x.expr", "up");
	add("redis.cache", "url", "redis://cache");
	add("prometheus.lab", "url", "http://lab:9090");

	cr_assert_eq(probe_add_sources(&cfg, r, &err), 0, "%s", err.msg);
	/* and the diagnosis that reads them all */
	cr_assert_eq(cfg.n_sections, 6);
	cr_expect_eq(state_source_count(st), 6);
	idx = state_find_source(st, "prometheus-alerts.prod");
	cr_assert_geq(idx, 0);
	cr_expect_eq(state_source_kind(st, idx), SNAP_ALERTS);
	cr_expect_null(runner_actions(r, idx));
	sec = runner_section(r, idx);
	cr_assert_not_null(sec);
	cr_expect_str_eq(sec->name, "prometheus-alerts.prod");
	cr_expect_str_eq(sec->backend, "prometheus-alerts");
	cr_expect_str_eq(sec->instance, "prod");
	cr_expect_str_eq(config_get(sec, "url"), "http://prom:9090");
	cr_expect_str_eq(config_get(sec, "tls_verify"), "true");
	cr_expect_str_eq(config_get(sec, "panel.x.expr"), "up");
	cr_expect_eq(sec->line, 7);
	cr_expect_eq(sec->interval_ms, 15000);
	cr_expect_eq(sec->timeout_ms, 3000);
	idx = state_find_source(st, "prometheus-alerts.lab");
	cr_assert_geq(idx, 0);
	cr_expect_str_eq(config_get(runner_section(r, idx), "url"),
			 "http://lab:9090");
	idx = state_find_source(st, "prometheus.prod");
	cr_expect_eq(state_source_kind(st, idx), SNAP_METRICS);
	cr_expect_eq(runner_section(r, idx), &cfg.sections[0],
		     "sections were added before any was handed out");
	cr_expect_eq(state_source_kind(st, state_find_source(st,
				       "redis.cache")), SNAP_REDIS);
}

Test(registry, an_alertmanager_means_no_companion)
{
	struct err err = { "" };
	int idx;

	add("prometheus.prod", "url", "http://prom:9090");
	add("alertmanager.prod", "url", "http://am:9093");
	cr_assert_eq(probe_add_sources(&cfg, r, &err), 0, "%s", err.msg);
	cr_expect_eq(cfg.n_sections, 3);
	cr_expect_eq(state_source_count(st), 3);
	cr_expect_geq(state_find_source(st, "diagnosis.main"), 0);
	cr_expect_lt(state_find_source(st, "prometheus-alerts.prod"), 0);
	idx = state_find_source(st, "alertmanager.prod");
	cr_assert_geq(idx, 0);
	cr_expect_eq(state_source_kind(st, idx), SNAP_ALERTS);
	cr_expect_not_null(runner_actions(r, idx));
}

Test(registry, alias_sections_and_stand_ins_are_added)
{
	struct err err = { "" };
	int idx;

	add("k8s.prod", "context", "prod");
	add("kafka.events", "brokers", "k1:9092");
	cr_assert_eq(probe_add_sources(&cfg, r, &err), 0, "%s", err.msg);
	cr_expect_str_eq(cfg.sections[0].backend, "kubernetes");
	idx = state_find_source(st, "k8s.prod");
	cr_assert_geq(idx, 0);
	cr_expect_eq(state_source_kind(st, idx), SNAP_PODS);
	cr_expect_eq(state_source_kind(st, state_find_source(st,
				       "kafka.events")), SNAP_KAFKA);
}

Test(registry, unknown_backend_is_an_error)
{
	struct err err = { "" };

	add("mysql.main", NULL, NULL)->line = 12;
	add("redis.cache", "url", "redis://cache");
	cr_expect_eq(probe_add_sources(&cfg, r, &err), -1);
	cr_expect_str_eq(err.msg, "environment:12: unknown backend 'mysql'");
	cfg.path = xstrdup("/etc/warroom.ini");
	cr_expect_eq(probe_add_sources(&cfg, r, &err), -1);
	cr_expect_str_eq(err.msg,
			 "/etc/warroom.ini:12: unknown backend 'mysql'");
	cr_expect_eq(state_source_count(st), 0);
}

Test(registry, a_source_the_runner_refuses_is_an_error)
{
	struct err err = { "" };

	add("redis.cache", "url", "redis://cache");
	cr_assert_eq(probe_add_sources(&cfg, r, &err), 0, "%s", err.msg);
	cr_expect_eq(probe_add_sources(&cfg, r, &err), -1);
	cr_expect_str_eq(err.msg,
			 "redis.cache: a source of that name already exists");
}

Test(registry, no_sections_no_sources)
{
	struct err err = { "" };

	cr_expect_eq(probe_add_sources(&cfg, r, &err), 0);
	cr_expect_eq(state_source_count(st), 0);
}

/* ---- the demo ------------------------------------------------------------ */

Test(registry, demo_adds_one_source_per_kind)
{
	struct config demo = { 0 };
	struct err err = { "" };
	bool seen[SNAP_KIND_COUNT] = { false };

	cr_assert_eq(probe_add_demo(&demo, r, 1, &err), 0, "%s", err.msg);
	/* Every kind, and two endpoint checks. */
	cr_expect_eq(demo.n_sections, SNAP_KIND_COUNT + 1);
	cr_expect_eq(state_source_count(st), demo.n_sections);
	for (size_t i = 0; i < state_source_count(st); i++) {
		seen[state_source_kind(st, (int)i)] = true;
	}
	for (int k = 0; k < SNAP_KIND_COUNT; k++) {
		cr_expect(seen[k], "no demo source of kind %d", k);
	}
	cr_expect_geq(state_find_source(st, "postgres.demo"), 0);
	cr_expect_eq(probe_add_demo(&demo, r, 0, &err), -1);
	cr_expect_str_eq(err.msg, "demo speed must be above 0, got 0");
	runner_free(r);
	r = NULL;
	config_finish(&demo);
}
