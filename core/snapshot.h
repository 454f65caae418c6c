/* One immutable, reference-counted picture of one source, taken by one poll.
 * Built on a probe thread, then published to core/state and never changed.
 * Any thread may hold a reference; the last snapshot_unref() frees it. */
#ifndef WARROOM_SNAPSHOT_H
#define WARROOM_SNAPSHOT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/model.h"

struct snapshot_block;

/* "RULE:SOURCE:NAMESPACE/NAME" whole for Kubernetes' longest names (a
 * namespace of 63 bytes, a name of 253): a key cut short could make two
 * findings one. */
#define FINDING_KEY_MAX 400
#define FINDING_TEXT_MAX 200
#define FINDING_SUBJECT_MAX 96
#define FINDING_SOURCE_MAX 64
#define FINDING_RUNBOOK_MAX 160

/* Something wrong that the rules found in a snapshot: one per subject (a
 * blocker pid, a pod's workload, a metric's series), with the number that
 * was compared and the threshold it passed. */
struct finding {
	char key[FINDING_KEY_MAX];      /* stable identity: "crashloop:ns/dep" */
	enum health sev;
	/* "3 sessions blocked behind pid 4242 for up to 6.2 s (> 5 s)" */
	char text[FINDING_TEXT_MAX];
	/* What value measures: "sessions blocked behind pid 4242" */
	char subject[FINDING_SUBJECT_MAX];
	double value;           /* NAN when the finding has no number */
	double limit;           /* the threshold value passed, or NAN */
	enum metric_unit unit;  /* of value and limit */
	bool lower_is_worse;    /* a hit ratio: the peak is the lowest */
	/* Wall ms the condition began when the data tells (a lock wait's
	 * start, an alert's startsAt); 0 unknown. */
	int64_t since_ms;
	/* An alert Alertmanager silences or inhibits: listed, not counted in
	 * the health. */
	bool suppressed;
	/* The tracker's (0 and NAN on a snapshot judged on its own): when it
	 * opened (wall ms), the worst value while open, and whether the
	 * condition is gone and the finding waits out its hold to close. */
	int64_t opened_ms;
	double peak;
	bool clearing;
	/* Set by the correlation rules (core/correlate.c), "" and 0 on the
	 * kinds' own findings. Where the evidence is shown, for Enter in the
	 * Findings strip: a source and a row of its pane, as the
	 * list below the struct says; "" for none. A kind's own finding
	 * about several rows may name the one to show in at_row (its
	 * source is its own). */
	char at_source[FINDING_SOURCE_MAX];
	char at_row[FINDING_KEY_MAX];
	/* The action that addresses it, in at_source's pane: its key ('U'
	 * undo, 'S' scale, 'l' logs) and its name ("undo"); 0 and "" none. */
	char action_key;
	char action[16];
	/* A prefilled input for that action ("6" replicas), "" none. */
	char action_input[16];
	/* The runbook step it corresponds to, quoted briefly, with its file
	 * and section: "004_1853ff55f289b06d.txt §3.4: check database
	 * health". */
	char runbook[FINDING_RUNBOOK_MAX];
	/* The source finding it is built on ("oom:prod/api-7d9-2xvdk" of
	 * k8s.demo), so a list of findings may show the two together;
	 * "" none. */
	char cites_source[FINDING_SOURCE_MAX];
	char cites[FINDING_KEY_MAX];
};

/* The rows at_row names, by the pane of at_source's kind (a pane's own
 * findings are found by their key):
 *   pods      deploy:NS/NAME  pod:NS/NAME
 *   database  pid:PID
 *   redis     "" (the pane itself)
 *   kafka     group:GROUP
 *   metrics   panel:PANEL/ROW (ROW the split label's value, "" none)
 *   endpoints source:SOURCE
 *   alerts    alert:FINGERPRINT */

struct snapshot {
	enum snap_kind kind;
	const char *source;     /* "postgres.main" */
	int64_t taken_ms;       /* wall ms when the poll finished */
	int64_t taken_mono_ms;  /* monotonic ms, for age and staleness */
	int32_t poll_ms;        /* how long the poll took */
	int32_t interval_ms;    /* the source's poll interval */
	/* Empty when the poll succeeded; otherwise a one-line reason fit for
	 * the pane ("connection refused (127.0.0.1:5432)"). */
	char error[ERR_MSG_MAX];
	/* On an error snapshot: the last snapshot that had data, or NULL.
	 * Lets a pane keep showing old data with its age. */
	struct snapshot *last_good;
	/* On an error snapshot: when the source is polled again (monotonic
	 * ms, as taken_mono_ms), 0 unknown. */
	int64_t retry_mono_ms;
	/* The model for kind (struct pods_model *, struct pg_model *, ...);
	 * NULL on an error snapshot. */
	void *data;

	/* Derived once, on the probe thread, before the snapshot is published
	 * (core/rules): the health of the data (CRIT on an error, UNKNOWN
	 * without data) and its findings, worst first (on an error snapshot,
	 * those of last_good). Readers never derive again. */
	bool derived;
	enum health health;
	const struct finding *findings;
	size_t n_findings;

	/* private */
	atomic_int refs;
	struct snapshot_block *blocks;
	void **owned;
	size_t n_owned, cap_owned;
};

/* Returns a new snapshot with one reference, kind and a copy of source set,
 * taken_ms/taken_mono_ms set to now. */
struct snapshot *snapshot_new(enum snap_kind kind, const char *source);
struct snapshot *snapshot_ref(struct snapshot *s);
void snapshot_unref(struct snapshot *s);

/* Zeroed memory that lives as long as the snapshot. */
void *snapshot_alloc(struct snapshot *s, size_t size);
/* A copy of str (NULL becomes "") that lives as long as the snapshot. */
char *snapshot_strdup(struct snapshot *s, const char *str);
char *snapshot_strndup(struct snapshot *s, const char *str, size_t n);
/* Hands a heap pointer (from xmalloc) to the snapshot, which frees it. */
void snapshot_own(struct snapshot *s, void *ptr);

/* Sets the error message (printf-style) on s. */
void snapshot_set_error(struct snapshot *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "retrying in 12s" ("retrying now" once due) for an error snapshot that
 * knows when its source is polled again, into buf (size n); false, and
 * buf "", otherwise. */
bool snapshot_retry_text(const struct snapshot *s, int64_t now_mono_ms,
			 char *buf, size_t n);

/* Age in ms at monotonic time now_mono_ms. */
int64_t snapshot_age_ms(const struct snapshot *s, int64_t now_mono_ms);
/* True when the data is older than 3 intervals. */
bool snapshot_is_stale(const struct snapshot *s, int64_t now_mono_ms);

/* Typed views of data: NULL when the kind differs or there is no data. */
const struct pods_model *snapshot_pods(const struct snapshot *s);
const struct pg_model *snapshot_pg(const struct snapshot *s);
const struct redis_model *snapshot_redis(const struct snapshot *s);
const struct kafka_model *snapshot_kafka(const struct snapshot *s);
const struct metrics_model *snapshot_metrics(const struct snapshot *s);
const struct alerts_model *snapshot_alerts(const struct snapshot *s);
const struct endpoint_model *snapshot_endpoint(const struct snapshot *s);
const struct diag_model *snapshot_diag(const struct snapshot *s);

#endif
