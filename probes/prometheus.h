/* The Prometheus probe: PromQL panels (error ratio, latency, rate, or the
 * operator's own from panel.NAME.* keys), each with its current value per
 * row and a 30-minute history. The ops run on their probe thread; the
 * panel and poller functions on whichever thread owns the poller. */
#ifndef WARROOM_PROMETHEUS_H
#define WARROOM_PROMETHEUS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/err.h"
#include "core/model.h"
#include "core/snapshot.h"
#include "probes/probe.h"

/* Built without libcurl, open() fails with "HTTP support not built in". */
extern const struct probe_ops prometheus_probe_ops;

/* History: the last 30 minutes at one point per PROM_STEP_S, 121 points.
 * 15 s gives a column per point even in the widest sparkline (a 160-column
 * screen less the label and value columns); a narrower one resamples the
 * whole range (sparkline_draw_fit), so it still spans 30 minutes. */
#define PROM_RANGE_S 1800
#define PROM_STEP_S 15
/* What only a Prometheus answers (see AM_STATUS_PATH). */
#define PROM_BUILDINFO_PATH "/api/v1/status/buildinfo"

/* One panel as configured. */
struct prom_panel_def {
	char *name;
	char *expr;
	enum metric_unit unit;
	double warn;            /* NAN: no threshold */
	double crit;
	char *split;            /* label giving one row per value, or NULL */
};

/* The panels of a [prometheus.NAME] section: its panel.NAME.* keys in the
 * order they first appear, or the defaults when there are none (5xx ratio,
 * p95 and p99 latency, request rate, split by service). Returns 0, or -1
 * with err naming the key ("panel.errors.unit: unknown unit 'percent' (use
 * ratio, seconds, bytes, per_second or none)"). The caller frees with
 * prom_panels_free(). */
int prom_panels_from_section(const struct config_section *sec,
			     struct prom_panel_def **out, size_t *n,
			     struct err *err);
void prom_panels_free(struct prom_panel_def *panels, size_t n);

/* The probe's state without the runner, for the ops and for tests. */
struct prom_poller;

/* prom_poller_new/poll/free are also the probe's ops (open, poll, close),
 * hence their void pointers: each stands for a struct prom_poller. */
/* Reads sec (URL, auth, panels); does not connect. Transfers stop early
 * once owner (may be NULL) is stopping. Returns a struct prom_poller, or
 * NULL with err. */
void *prom_poller_new(const struct config_section *sec, struct probe *owner,
		      struct err *err);
/* One poll, at most the section timeout: for every panel an instant query
 * and a range query; fills s->data with a struct metrics_model. A query
 * Prometheus rejects becomes that panel's row error; an unreachable server,
 * a reply too large or not Prometheus JSON fails the poll: -1 with err. */
int prom_poller_poll(void *prom_poller, struct snapshot *s, struct err *err);
void prom_poller_free(void *prom_poller);

#endif
