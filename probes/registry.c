/* The probe registry: backend name -> ops, listed explicitly. Any thread.
 * Backends not written yet (or whose library was not built in) get
 * stand-in ops whose open() fails with a message saying so; a real backend
 * replaces its stand-in in registry[] with its own ops (and says "not built
 * in" itself when its library is missing). */
#include "probes/probe.h"

#include <stddef.h>
#include <string.h>

#include "build-config.h"
#include "probes/alertmanager.h"
#include "probes/postgres.h"
#include "probes/prometheus.h"
#include "probes/redis.h"

/* Never reached: the stand-ins' open() always fails. */
static int
unavailable_poll(struct probe *p, struct snapshot **out, struct err *err)
{
	*out = NULL;
	return err_set(err, "%s: not available", probe_source(p));
}

static int
k8s_unavailable_open(struct probe *p, const struct config_section *sec,
		     struct err *err)
{
#if !HAVE_LIBCURL
	return err_set(err, "HTTP support not built in");
#elif !HAVE_YAML
	return err_set(err, "YAML support not built in (kubeconfig)");
#else
	return err_set(err, "Kubernetes probe not available in this version");
#endif
}

static const struct probe_ops k8s_unavailable_ops = {
	.name = "k8s",
	.kind = SNAP_PODS,
	.open = k8s_unavailable_open,
	.poll = unavailable_poll,
};

static int
kafka_unavailable_open(struct probe *p, const struct config_section *sec,
		       struct err *err)
{
#if HAVE_RDKAFKA
	return err_set(err, "Kafka probe not available in this version");
#else
	return err_set(err, "Kafka support not built in");
#endif
}

static const struct probe_ops kafka_unavailable_ops = {
	.name = "kafka",
	.kind = SNAP_KAFKA,
	.open = kafka_unavailable_open,
	.poll = unavailable_poll,
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
