/* Parsers for what Prometheus and Alertmanager answer: /api/v1/query and
 * /api/v1/query_range results, error replies, /api/v1/alerts, and
 * Alertmanager's /api/v2/alerts and /api/v2/silences. Pure functions on a
 * buffer (the fuzz target's inputs); any thread. Everything they return is
 * heap memory the caller releases with the matching _finish(). */
#ifndef WARROOM_PROM_JSON_H
#define WARROOM_PROM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct prom_label {
	char *name;
	char *value;
};

/* One series: an instant vector element has one sample, a range vector
 * element many; a scalar result is one series without labels. */
struct prom_series {
	struct prom_label *labels;      /* sorted by name */
	size_t n_labels;
	double *t;              /* s since the epoch */
	double *v;              /* NAN for "NaN" (0/0), +-INFINITY for Inf */
	size_t n;
};

struct prom_result {
	/* status "error": Prometheus's own text and type ("bad_data");
	 * NULL on success. */
	char *api_error;
	char *error_type;
	char *result_type;      /* "vector", "matrix", "scalar", "string" */
	struct prom_series *series;
	size_t n_series;
};

/* Parses a /api/v1/query or /api/v1/query_range reply, success or error.
 * Returns 0 (check api_error), or -1 with "malformed JSON" or
 * "unexpected reply: <what>" in err when the text is not such a reply. */
int prom_json_parse_result(const char *body, size_t len,
			   struct prom_result *out, struct err *err);
void prom_result_finish(struct prom_result *r);

/* The value of label name in s, or NULL. */
const char *prom_series_label(const struct prom_series *s, const char *name);

struct prom_alert {
	/* Alertmanager's fingerprint; for Prometheus alerts the same hash
	 * computed from the labels (prom_fingerprint()). */
	char *fingerprint;
	struct prom_label *labels;      /* sorted by name */
	size_t n_labels;
	struct prom_label *annotations; /* sorted by name */
	size_t n_annotations;
	int64_t starts_ms;      /* wall ms, 0 unknown */
	/* Alertmanager: "active", "suppressed", "unprocessed"; Prometheus:
	 * "firing", "pending". */
	char *state;
	char **silenced_by;     /* silence ids */
	size_t n_silenced_by;
	size_t n_inhibited_by;
	/* Alertmanager only: the page of the rule's expression in the
	 * Prometheus that raised it, or NULL; the receivers it is routed
	 * to ("a, b"), or NULL. */
	char *generator_url;
	char *receivers;
};

struct prom_alerts {
	struct prom_alert *v;
	size_t n;
	char *api_error;        /* Prometheus status "error", else NULL */
};

/* Alertmanager GET /api/v2/alerts: a JSON array of alerts. */
int prom_json_parse_am_alerts(const char *body, size_t len,
			      struct prom_alerts *out, struct err *err);
/* Prometheus GET /api/v1/alerts. */
int prom_json_parse_prom_alerts(const char *body, size_t len,
				struct prom_alerts *out, struct err *err);
void prom_alerts_finish(struct prom_alerts *a);

/* The value of label (or annotation) name, or NULL. */
const char *prom_label_get(const struct prom_label *l, size_t n,
			   const char *name);

struct prom_matcher {
	char *name;
	char *value;
	bool is_regex;
	bool is_equal;
};

struct prom_silence {
	char *id;
	char *state;            /* "active", "pending", "expired" */
	struct prom_matcher *matchers;
	size_t n_matchers;
	char *created_by;
	char *comment;
	int64_t starts_ms;      /* wall ms */
	int64_t ends_ms;
};

struct prom_silences {
	struct prom_silence *v;
	size_t n;
};

/* Alertmanager GET /api/v2/silences. */
int prom_json_parse_am_silences(const char *body, size_t len,
				struct prom_silences *out, struct err *err);
void prom_silences_finish(struct prom_silences *s);
/* Alertmanager GET /api/v2/silence/ID: one silence, as out->v[0]. */
int prom_json_parse_am_silence(const char *body, size_t len,
			       struct prom_silences *out, struct err *err);

/* Alertmanager POST /api/v2/silences reply {"silenceID": "..."}: copies
 * the id into buf. Returns 0, or -1 with err. */
int prom_json_parse_silence_id(const char *body, size_t len, char *buf,
			       size_t n, struct err *err);

/* The error text of an error document: Prometheus's {"error": ...} or
 * Alertmanager's {"message": ...}. Returns 0 with the text in buf, or -1
 * when body is no such document. */
int prom_json_error_text(const char *body, size_t len, char *buf, size_t n);
/* Rewrites the message a parser above left in err to name the server at
 * addr ("malformed JSON from ADDR ..."). Returns -1, as err_set does. */
int prom_json_blame(struct err *err, const char *addr);

/* RFC 3339 ("2026-11-22T14:00:00.123456789Z", "...+02:00") to wall ms.
 * Returns 0, or -1 when s is not such a time. */
int prom_parse_time(const char *s, int64_t *ms);
/* Writes wall ms as "2026-11-22T14:00:00.000Z" (buf >= 25). */
void prom_format_time(int64_t ms, char *buf, size_t n);

/* A number as Prometheus writes it ("0.07", "NaN", "+Inf", "1e+03"),
 * independent of the locale; the whole string must be a number. Returns
 * 0, or -1. */
int prom_parse_double(const char *s, double *out);

/* Prometheus's label-set fingerprint (64-bit FNV-1a over the labels in
 * name order, each name and value followed by 0xff), which is also
 * Alertmanager's alert fingerprint. labels must be sorted by name. */
uint64_t prom_fingerprint(const struct prom_label *labels, size_t n);

#endif
