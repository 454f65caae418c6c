/* The alerts sources: Alertmanager (/api/v2/alerts and active silences,
 * with the silence, expire and extend actions), or, where no Alertmanager
 * is configured, Prometheus's own /api/v1/alerts (read only). The ops run
 * on their probe thread, the actions on the action worker; the helpers
 * are pure and any thread may call them.
 *
 * alertmanager.c          the pollers, the ops, what the actions share
 * alertmanager_actions.c  the actions */
#ifndef WARROOM_ALERTMANAGER_H
#define WARROOM_ALERTMANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/config.h"
#include "core/err.h"
#include "core/kind.h"
#include "core/snapshot.h"
#include "probes/http.h"
#include "probes/probe.h"
#include "probes/prom_json.h"

/* [alertmanager.NAME]. Built without libcurl, open() fails with "HTTP
 * support not built in". */
extern const struct probe_ops alertmanager_probe_ops;
/* An alerts source reading a [prometheus.NAME] section's /api/v1/alerts
 * (firing alerts only, no actions): for a config with Prometheus but no
 * Alertmanager. */
extern const struct probe_ops prometheus_alerts_probe_ops;
/* A silence the selected alert (arg "DURATION [MATCHERS] COMMENT"), E
 * expire a silence, X extend one (arg "DURATION [COMMENT]"). All change
 * state other people see, so all are destructive (gone with
 * --read-only). */
extern const struct action_impl alertmanager_actions[];

/* Key labels shown beside the alert name, besides these: up to this many
 * others. */
#define AM_OTHER_LABELS 3

/* What only an Alertmanager answers: a 404 elsewhere is told apart by
 * it (http_not_found()). */
#define AM_STATUS_PATH "/api/v2/status"

/* The probe's state without the runner, for the ops and for tests. */
struct am_poller;

/* The new, poll and free calls are also the ops (open, poll, close) of
 * the two sources, hence their void pointers: each stands for a struct
 * am_poller. */
/* Reads sec; does not connect. am_poller_new() reads Alertmanager's
 * alerts and silences, am_poller_new_prometheus() Prometheus's
 * /api/v1/alerts. Transfers stop early once owner (may be NULL) is
 * stopping. Returns a struct am_poller, or NULL with err. */
void *am_poller_new(const struct config_section *sec, struct probe *owner,
		    struct err *err);
void *am_poller_new_prometheus(const struct config_section *sec,
			       struct probe *owner, struct err *err);
/* One poll within the section timeout: fills s->data with a struct
 * alerts_model (alerts by severity, then oldest first; active silences).
 * Returns 0, or -1 with err. */
int am_poller_poll(void *am_poller, struct snapshot *s, struct err *err);
void am_poller_free(void *am_poller);

/* "root@bastion": $USER (else the password database) @ the host name. */
void am_author(char *buf, size_t n);

/* The POST /api/v2/silences body of a silence with matchers m; id is
 * that of the silence it updates, or NULL for a new one. The caller
 * frees it. */
char *am_silence_body(const char *id, const struct alerts_matcher *m,
		      size_t n, int64_t starts_ms, int64_t ends_ms,
		      const char *created_by, const char *comment);
/* Every label as an exact matcher, into m (at most max); returns how
 * many. */
size_t am_label_matchers(const struct prom_label *labels, size_t n_labels,
			 struct alerts_matcher *m, size_t max);
/* A silence's matchers into m (at most max); returns how many. */
size_t am_silence_matchers(const struct prom_silence *sil,
			   struct alerts_matcher *m, size_t max);
/* A request to Alertmanager whose reply must be 2xx: 0 with *resp (the
 * caller finishes it), or -1 with err, an error document's own text in
 * place of the body's first line, a 404 told apart from another server's
 * URL (http_not_found()). */
int am_request(struct http_client *c, const char *method, const char *path,
	       const char *body, struct http_resp *resp, struct err *err);

#endif
