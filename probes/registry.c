/* The probe registry: the one list of backends, each described once by its
 * probe_ops (config keys included), and what is built from it: the config
 * specs, the lookup by name, the sources of a configuration and the
 * demo's. The lookups from any thread; the adding on the main thread. */
#include "probes/probe.h"

#include "core/correlate.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "probes/alertmanager.h"
#include "probes/demo.h"
#include "probes/kafka.h"
#include "probes/kubernetes.h"
#include "probes/postgres.h"
#include "probes/prometheus.h"
#include "probes/redis.h"
#include "probes/runner.h"

/* Backends whose probe is one file with no header of its own. */
extern const struct probe_ops http_check_probe_ops;
extern const struct probe_ops diagnosis_probe_ops;

/* Every backend a config section may name ("demo" adds its own sources),
 * in the order the environment fallback makes its sections. */
static const struct probe_ops *const registry[] = {
	&kubernetes_probe_ops,
	&postgres_probe_ops,
	&redis_probe_ops,
	&kafka_probe_ops,
	&prometheus_probe_ops,
	&alertmanager_probe_ops,
	&http_check_probe_ops,
	&diagnosis_probe_ops,
};

#define N_BACKENDS (sizeof(registry) / sizeof(registry[0]))

static const struct config_backend_spec *specs[N_BACKENDS + 1];
static pthread_once_t specs_once = PTHREAD_ONCE_INIT;

static void
specs_init(void)
{
	size_t i;

	for (i = 0; i < N_BACKENDS; i++) {
		specs[i] = &registry[i]->config;
	}
}

const struct config_backend_spec *const *
probe_config_specs(void)
{
	pthread_once(&specs_once, specs_init);
	return specs;
}

const struct probe_ops *
probe_find(const char *backend)
{
	const struct config_backend_spec *spec;
	size_t i;

	spec = config_backend_find(probe_config_specs(), backend);
	for (i = 0; backend != NULL && i < N_BACKENDS; i++) {
		const struct probe_ops *c = registry[i]->companion;

		if (&registry[i]->config == spec) {
			return registry[i];
		}
		if (c != NULL && strcmp(c->config.name, backend) == 0) {
			return c;
		}
	}
	return NULL;
}

/* True when one of the first n sections of cfg is a source of kind. */
static bool
kind_configured(const struct config *cfg, size_t n, enum snap_kind kind)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct probe_ops *ops =
			probe_find(cfg->sections[i].backend);

		if (ops != NULL && ops->kind == kind) {
			return true;
		}
	}
	return false;
}

/* Adds the companion of section i: "COMPANION.INSTANCE", with a copy of
 * its keys, line, interval and timeout. */
static void
add_companion(struct config *cfg, size_t i, const struct probe_ops *c)
{
	struct config_section *sec;
	char name[160];
	size_t j;

	snprintf(name, sizeof(name), "%s.%s", c->config.name,
		 cfg->sections[i].instance);
	sec = config_add_section(cfg, name);
	/* cfg->sections may have moved. */
	for (j = 0; j < cfg->sections[i].n_kv; j++) {
		config_section_set(sec, cfg->sections[i].kv[j].key,
				   cfg->sections[i].kv[j].value);
	}
	sec->line = cfg->sections[i].line;
	sec->interval_ms = cfg->sections[i].interval_ms;
	sec->timeout_ms = cfg->sections[i].timeout_ms;
}

int
probe_add_sources(struct config *cfg, struct runner *r, struct err *err)
{
	size_t i, n = cfg->n_sections;

	for (i = 0; i < n; i++) {
		struct err why;

		if (correlate_check_section(&cfg->sections[i], &why) < 0) {
			return err_set(err, "%s:%d: %s in [%s]",
				       cfg->path ? cfg->path : "environment",
				       cfg->sections[i].line, why.msg,
				       cfg->sections[i].name);
		}
	}
	/* The diagnosis reads every source: one unless configured. */
	if (n > 0 && !kind_configured(cfg, n, SNAP_DIAGNOSIS)) {
		config_add_section(cfg, "diagnosis.main");
	}
	n = cfg->n_sections;
	/* The companions' sections first: runner_add() keeps pointers. */
	for (i = 0; i < n; i++) {
		const struct probe_ops *ops =
			probe_find(cfg->sections[i].backend);

		if (ops != NULL && ops->companion != NULL &&
		    !kind_configured(cfg, n, ops->companion->kind)) {
			add_companion(cfg, i, ops->companion);
		}
	}
	for (i = 0; i < cfg->n_sections; i++) {
		const struct config_section *sec = &cfg->sections[i];
		const struct probe_ops *ops = probe_find(sec->backend);

		if (ops == NULL) {
			return err_set(err, "%s:%d: unknown backend '%.32s'",
				       cfg->path ? cfg->path : "environment",
				       sec->line, sec->backend);
		}
		if (runner_add(r, ops, sec, err) < 0) {
			return -1;
		}
	}
	return 0;
}

int
probe_add_demo(struct config *cfg, struct runner *r, double speed,
	       struct err *err)
{
	return demo_setup(cfg, r, speed, err);
}
