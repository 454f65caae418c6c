/* The lag evaluator: per partition, a window of (committed offset, log end,
 * time) samples kept across polls; the lag in seconds interpolated from it
 * (kafka-lag-exporter's method); and a status in the spirit of Burrow's
 * evaluator that names the rule that fired and its numbers. Pure functions
 * on windows the caller owns: any thread, one window per thread at a time.
 * The Kafka probe, its metrics view and the demo all judge through it. */
#ifndef WARROOM_KAFKA_LAG_H
#define WARROOM_KAFKA_LAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

/* An offset that is not known: no commit, or no log end. */
#define KAFKA_NO_OFFSET (-1)

/* Samples per window. They span KAFKA_HISTORY_WINDOWS windows, at least
 * window / KAFKA_SAMPLES_PER_WINDOW apart (the newest may be closer):
 * the status reads the last window, the lag in seconds all of them. */
#define KAFKA_WINDOW_SAMPLES 48
#define KAFKA_HISTORY_WINDOWS 4
#define KAFKA_SAMPLES_PER_WINDOW 12

struct kafka_sample {
	int64_t t_ms;           /* the caller's clock */
	int64_t committed;      /* KAFKA_NO_OFFSET: no commit */
	int64_t high;           /* log end; KAFKA_NO_OFFSET: unknown */
};

/* One partition of one group as the polls saw it. Zeroed: nothing seen. */
struct kafka_window {
	struct kafka_sample s[KAFKA_WINDOW_SAMPLES];    /* oldest first */
	size_t n;
	/* The committed offset the last poll saw (when has_commit), since
	 * when (the first poll that saw it), and the log end then. */
	bool has_commit;
	int64_t committed;
	int64_t committed_at_ms;
	int64_t high_at_commit;
	/* The last commit that went backwards (when rewound). */
	bool rewound;
	int64_t rewind_at_ms;
	int64_t rewind_from;
	int64_t rewind_to;
};

/* Adds what a poll at now_ms saw (each offset may be KAFKA_NO_OFFSET).
 * window_ms is the status window (the same on every call). */
void kafka_window_add(struct kafka_window *w, int64_t now_ms,
		      int64_t committed, int64_t high, int window_ms);

/* What the evaluator says of a partition after the newest sample. */
struct kafka_verdict {
	enum kafka_status status;
	double lag;             /* log end - committed (>= 0), NAN unknown */
	double lag_s;           /* NAN unknown */
	bool lag_s_floor;       /* lag_s is only a lower bound */
	bool full;              /* the samples cover the whole window */
	int64_t watched_ms;     /* how long the samples go back */
	char reason[160];
};

/* Judges w at now_ms (after kafka_window_add() of that poll). name says
 * which partition in the reason ("partition 3", "orders/3"); members is
 * the group's member count, -1 unknown.
 *  REWIND  a commit went backwards within the window;
 *  STOP    the commit has not moved for the whole window, lag > 0 at every
 *          sample of it, and the group has no members;
 *  STALL   the same with members present (or unknown);
 *  WARN    the commit moves, and the lag each time it moved never fell and
 *          grew from the window's start;
 *  OK      none of these, or the window is not covered yet;
 *  NONE    no commit, or no log end. */
void kafka_lag_judge(const struct kafka_window *w, int64_t now_ms,
		     int window_ms, int members, const char *name,
		     struct kafka_verdict *out);

/* A partition whose offsets are unknown but whose lag an exporter
 * reported (the metrics view): that lag, unjudged, and why. */
void kafka_lag_exported(struct kafka_verdict *v, const char *name,
			int64_t lag);

/* Seconds since the log end reached the committed offset of the newest
 * sample, from the log-end samples: interpolated between the two around
 * it, extrapolated at the window's rate when it is older than them all, or
 * (the log end did not move) the age of the oldest sample as a lower bound
 * (*floor set). 0 when caught up; NAN with fewer than two samples or no
 * commit. */
double kafka_lag_seconds(const struct kafka_window *w, int64_t now_ms,
			 bool *floor);

/* The group's status from its partitions' verdicts (v[0..n)): the worst
 * one, ties to the larger lag in seconds, then lag. Sets *worst (index, -1
 * when none was judged) and writes the group's reason: the worst
 * partition's, or for OK a summary ("OK: lag 1,234 over 6 partitions, no
 * rule fired"). */
enum kafka_status kafka_lag_group(const struct kafka_verdict *v, size_t n,
				  int window_ms, int *worst, char *reason,
				  size_t len);

/* An offset or count with thousands separators: "18,400". Returns buf. */
char *kafka_fmt_offset(int64_t v, char *buf, size_t n);

#endif
