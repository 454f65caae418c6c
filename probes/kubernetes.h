/* The Kubernetes backend ([kubernetes.NAME], also [k8s.NAME]): list+watch
 * of a cluster into the Pods pane, and its actions (probes/kubernetes.c;
 * the pieces it is made of are declared in probes/k8s.h). Any thread. */
#ifndef WARROOM_KUBERNETES_H
#define WARROOM_KUBERNETES_H

#include "probes/probe.h"

extern const struct probe_ops kubernetes_probe_ops;

#endif
