/* The probe registry: backend name -> ops, listed explicitly. Any thread.
 * Backends not written yet get stand-in ops whose unavailable says so; a
 * real backend replaces its stand-in in registry[] with its own ops (and
 * says "not built in" itself when its library is missing). */
#include "probes/probe.h"

#include <stddef.h>
#include <string.h>

#include "build-config.h"
#include "probes/alertmanager.h"
#include "probes/postgres.h"
#include "probes/prometheus.h"
#include "probes/redis.h"

static const struct probe_ops k8s_unavailable_ops = {
	.name = "k8s",
	.kind = SNAP_PODS,
#if !HAVE_LIBCURL
	.unavailable = "HTTP support not built in",
#elif !HAVE_YAML
	.unavailable = "YAML support not built in (kubeconfig)",
#else
	.unavailable = "Kubernetes probe not available in this version",
#endif
};

static const struct probe_ops kafka_unavailable_ops = {
	.name = "kafka",
	.kind = SNAP_KAFKA,
#if HAVE_RDKAFKA
	.unavailable = "Kafka probe not available in this version",
#else
	.unavailable = "Kafka support not built in",
#endif
};

/* Every backend a config section may name except "demo", which adds its
 * own sources. Keep in step with config_backends in core/config.c. */
static const struct probe_ops *const registry[] = {
	&k8s_unavailable_ops,
	&postgres_probe_ops,
	&redis_probe_ops,
	&kafka_unavailable_ops,
	&prometheus_probe_ops,
	&alertmanager_probe_ops,
};

const struct probe_ops *
probe_find(const char *backend)
{
	size_t i;

	if (backend == NULL) {
		return NULL;
	}
	for (i = 0; i < sizeof(registry) / sizeof(registry[0]); i++) {
		if (strcmp(registry[i]->name, backend) == 0) {
			return registry[i];
		}
	}
	return NULL;
}
