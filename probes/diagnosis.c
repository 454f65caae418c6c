/* The diagnosis source: on its own thread, every interval, reads the
 * latest snapshot of every other source and runs the correlation rules
 * (core/correlate.c) over them; what they conclude is published as a
 * snapshot of its own, whose findings the tracker gives a life like any
 * other's. It reads only what the other probes published: it never waits
 * on a backend. Added by the registry to every configuration with a
 * source ([diagnosis.NAME] sets its interval). */
#include <stdlib.h>

#include "core/clock.h"
#include "core/correlate.h"
#include "core/xalloc.h"
#include "probes/probe.h"

struct diagnosis {
	struct probe *p;
	struct correlate_memory *mem;
};

static void *
diagnosis_open(const struct config_section *sec, struct probe *owner,
	       struct err *err)
{
	struct diagnosis *d = xcalloc(1, sizeof(*d));

	(void)sec;
	(void)err;
	d->p = owner;
	d->mem = correlate_memory_new();
	return d;
}

static int
diagnosis_poll(void *state, struct snapshot *s, struct err *err)
{
	struct diagnosis *d = state;
	size_t n = probe_peer_count(d->p);
	struct correlate_src *srcs = xcalloc(n + 1, sizeof(*srcs));
	struct snapshot **held = xcalloc(n + 1, sizeof(*held));

	(void)err;
	for (size_t i = 0; i < n; i++) {
		held[i] = probe_peer_get(d->p, (int)i);
		srcs[i].name = probe_peer_name(d->p, (int)i);
		srcs[i].snap = held[i];
		srcs[i].sec = probe_peer_section(d->p, (int)i);
	}
	s->data = correlate_run(srcs, n, clock_wall_ms(), d->mem, s);
	for (size_t i = 0; i < n; i++) {
		if (held[i] != NULL) {
			snapshot_unref(held[i]);
		}
	}
	free(held);
	free(srcs);
	return 0;
}

static void
diagnosis_close(void *state)
{
	struct diagnosis *d = state;

	correlate_memory_free(d->mem);
	free(d);
}

const struct probe_ops diagnosis_probe_ops = {
	.kind = SNAP_DIAGNOSIS,
	.open = diagnosis_open,
	.poll = diagnosis_poll,
	.close = diagnosis_close,
	.config = {
		.name = "diagnosis",
		.interval_ms = 2000,
	},
};
