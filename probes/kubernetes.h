/* The Kubernetes backend ([kubernetes.NAME], also [k8s.NAME]): for now its
 * configuration and the reason its pane gives, until its probe is
 * written. Any thread. */
#ifndef WARROOM_KUBERNETES_H
#define WARROOM_KUBERNETES_H

#include "probes/probe.h"

extern const struct probe_ops kubernetes_probe_ops;

#endif
