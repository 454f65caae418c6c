/* The probe registry: the one list of backends, each described once by its
 * probe_ops (config keys included), and what is built from it: the config
 * specs and the lookup by name. Any thread. */
#include "probes/probe.h"

#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "probes/alertmanager.h"
#include "probes/kafka.h"
#include "probes/kubernetes.h"
#include "probes/postgres.h"
#include "probes/prometheus.h"
#include "probes/redis.h"

/* Every backend a config section may name ("demo" adds its own sources),
 * in the order the environment fallback makes its sections. */
static const struct probe_ops *const registry[] = {
	&kubernetes_probe_ops,
	&postgres_probe_ops,
	&redis_probe_ops,
	&kafka_probe_ops,
	&prometheus_probe_ops,
	&alertmanager_probe_ops,
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
	for (i = 0; spec != NULL && i < N_BACKENDS; i++) {
		if (&registry[i]->config == spec) {
			return registry[i];
		}
	}
	return NULL;
}
