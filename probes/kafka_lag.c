/* The lag evaluator (see kafka_lag.h): windows of samples, the lag in
 * seconds, and each partition's and group's status with its reason. Pure
 * functions: any thread. */
#include "probes/kafka_lag.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"

char *
kafka_fmt_offset(int64_t v, char *buf, size_t n)
{
	char digits[32], out[48];
	size_t len, i, o = 0;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	snprintf(digits, sizeof(digits), "%" PRIu64, u);
	len = strlen(digits);
	if (v < 0) {
		out[o++] = '-';
	}
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			out[o++] = ',';
		}
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, n, "%s", out);
	return buf;
}

/* snprintf for texts that may be cut: a reason is one line of a pane. */
static void say(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
say(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

static char *
fmt_ms(int64_t ms, char *buf, int n)
{
	return clock_format_duration(ms < 0 ? 0 : ms, buf, n);
}

/* ---- the window ------------------------------------------------------ */

static void
track_commit(struct kafka_window *w, int64_t now_ms, int64_t committed,
	     int64_t high)
{
	if (committed == KAFKA_NO_OFFSET) {
		/* The group's offsets were deleted or expired: whatever comes
		 * next is a first commit, not a rewind. */
		w->has_commit = false;
		return;
	}
	if (w->has_commit && committed == w->committed) {
		return;
	}
	if (w->has_commit && committed < w->committed) {
		w->rewound = true;
		w->rewind_at_ms = now_ms;
		w->rewind_from = w->committed;
		w->rewind_to = committed;
	}
	w->has_commit = true;
	w->committed = committed;
	w->committed_at_ms = now_ms;
	w->high_at_commit = high;
}

void
kafka_window_add(struct kafka_window *w, int64_t now_ms, int64_t committed,
		 int64_t high, int window_ms)
{
	struct kafka_sample smp = { now_ms, committed, high };
	int64_t gap = window_ms / KAFKA_SAMPLES_PER_WINDOW;
	int64_t keep = (int64_t)window_ms * KAFKA_HISTORY_WINDOWS;

	if (committed < 0) {
		smp.committed = KAFKA_NO_OFFSET;
	}
	if (high < 0) {
		smp.high = KAFKA_NO_OFFSET;
	}
	track_commit(w, now_ms, smp.committed, smp.high);
	/* The newest sample stands in for every poll since the one before
	 * it until the gap is reached: spacing bounds the memory, while the
	 * newest is always this poll. */
	if (w->n >= 2 && now_ms - w->s[w->n - 2].t_ms < gap) {
		w->s[w->n - 1] = smp;
	} else {
		if (w->n == KAFKA_WINDOW_SAMPLES) {
			memmove(w->s, w->s + 1, (w->n - 1) * sizeof(*w->s));
			w->n--;
		}
		w->s[w->n++] = smp;
	}
	/* Older than the history, except the one just before it. */
	while (w->n > 2 && w->s[1].t_ms <= now_ms - keep) {
		memmove(w->s, w->s + 1, (w->n - 1) * sizeof(*w->s));
		w->n--;
	}
}

/* ---- the lag in seconds ---------------------------------------------- */

double
kafka_lag_seconds(const struct kafka_window *w, int64_t now_ms, bool *floor)
{
	const struct kafka_sample *last, *old = NULL, *newest = NULL;
	int64_t c;
	size_t i, below = SIZE_MAX;

	*floor = false;
	if (w->n == 0) {
		return NAN;
	}
	last = &w->s[w->n - 1];
	c = last->committed;
	if (c == KAFKA_NO_OFFSET || last->high == KAFKA_NO_OFFSET) {
		return NAN;
	}
	if (c >= last->high) {
		return 0;
	}
	if (w->n < 2) {
		return NAN;
	}
	/* The last sample whose log end had not passed c yet. */
	for (i = 0; i < w->n; i++) {
		const struct kafka_sample *s = &w->s[i];

		if (s->high == KAFKA_NO_OFFSET) {
			continue;
		}
		if (old == NULL) {
			old = s;
		}
		newest = s;
		if (s->high <= c) {
			below = i;
		}
	}
	if (below != SIZE_MAX) {
		const struct kafka_sample *a = &w->s[below], *b = NULL;
		double t;

		for (i = below + 1; i < w->n && b == NULL; i++) {
			if (w->s[i].high != KAFKA_NO_OFFSET &&
			    w->s[i].high > c) {
				b = &w->s[i];
			}
		}
		if (b == NULL) {
			return 0;
		}
		t = (double)a->t_ms + (double)(c - a->high) *
		    (double)(b->t_ms - a->t_ms) / (double)(b->high - a->high);
		return ((double)now_ms - t) / 1000.0;
	}
	/* Older than every sample: at the rate the log end grew over them
	 * (kafka-lag-exporter extrapolates so), else at least that old. */
	if (old != newest && newest->high > old->high &&
	    newest->t_ms > old->t_ms) {
		double rate = (double)(newest->high - old->high) /
			      (double)(newest->t_ms - old->t_ms);
		double t = (double)old->t_ms - (double)(old->high - c) / rate;

		return ((double)now_ms - t) / 1000.0;
	}
	*floor = true;
	return (double)(now_ms - old->t_ms) / 1000.0;
}

/* ---- the status ------------------------------------------------------ */

static bool
known(const struct kafka_sample *s)
{
	return s->committed != KAFKA_NO_OFFSET && s->high != KAFKA_NO_OFFSET;
}

static int64_t
sample_lag(const struct kafka_sample *s)
{
	return s->high > s->committed ? s->high - s->committed : 0;
}

/* The index of the sample the window starts at: the newest one taken at
 * or before now - window. *full is false when there is none (the samples
 * do not reach back that far yet); then 0. */
static size_t
window_start(const struct kafka_window *w, int64_t now_ms, int window_ms,
	     bool *full)
{
	size_t i, a = 0;

	*full = false;
	for (i = 0; i < w->n; i++) {
		if (w->s[i].t_ms <= now_ms - window_ms) {
			a = i;
			*full = true;
		}
	}
	return a;
}

/* Commits stopped: the committed offset has not moved for the whole
 * window and every sample in it has lag. */
static bool
stalled(const struct kafka_window *w, int64_t now_ms, int window_ms,
	size_t a)
{
	size_t i;

	if (!w->has_commit || w->committed_at_ms > now_ms - window_ms) {
		return false;
	}
	for (i = a; i < w->n; i++) {
		if (!known(&w->s[i]) || sample_lag(&w->s[i]) == 0) {
			return false;
		}
	}
	return true;
}

/* Lag grew across the window: the lag at the window's start and at every
 * sample where the commit had moved never fell, and ended higher, with at
 * least two commits in between (Burrow reads the lag at each commit, so a
 * consumer's saw tooth between commits is not growth). */
static bool
growing(const struct kafka_window *w, size_t a, int *commits,
	int64_t *from, int64_t *to)
{
	int64_t prev;
	size_t i;

	*commits = 0;
	if (!known(&w->s[a])) {
		return false;
	}
	prev = *from = sample_lag(&w->s[a]);
	for (i = a + 1; i < w->n; i++) {
		const struct kafka_sample *s = &w->s[i];

		if (!known(s)) {
			return false;
		}
		if (s->committed == w->s[i - 1].committed) {
			continue;
		}
		if (sample_lag(s) < prev) {
			return false;
		}
		prev = sample_lag(s);
		(*commits)++;
	}
	*to = prev;
	return *commits >= 2 && *to > *from;
}

void
kafka_lag_judge(const struct kafka_window *w, int64_t now_ms, int window_ms,
		int members, const char *name, struct kafka_verdict *out)
{
	const struct kafka_sample *last;
	char a[32], b[32], c[32], d[32], win[32];
	int64_t from = 0, to = 0;
	int commits;
	size_t start;

	memset(out, 0, sizeof(*out));
	out->lag = NAN;
	out->lag_s = NAN;
	out->status = KAFKA_NONE;
	if (w->n == 0) {
		say(out->reason, sizeof(out->reason), "%s: not seen yet",
			 name);
		return;
	}
	last = &w->s[w->n - 1];
	out->watched_ms = now_ms - w->s[0].t_ms;
	if (last->committed == KAFKA_NO_OFFSET) {
		say(out->reason, sizeof(out->reason), "%s: no commit",
			 name);
		return;
	}
	if (last->high == KAFKA_NO_OFFSET) {
		say(out->reason, sizeof(out->reason),
			 "%s: log end unknown", name);
		return;
	}
	out->lag = (double)sample_lag(last);
	out->lag_s = kafka_lag_seconds(w, now_ms, &out->lag_s_floor);
	start = window_start(w, now_ms, window_ms, &out->full);
	fmt_ms(window_ms, win, sizeof(win));

	if (w->rewound && now_ms - w->rewind_at_ms <= window_ms) {
		out->status = KAFKA_REWIND;
		say(out->reason, sizeof(out->reason),
			 "REWIND: %s commit went back from %s to %s (-%s) "
			 "%s ago", name,
			 kafka_fmt_offset(w->rewind_from, a, sizeof(a)),
			 kafka_fmt_offset(w->rewind_to, b, sizeof(b)),
			 kafka_fmt_offset(w->rewind_from - w->rewind_to, c,
					  sizeof(c)),
			 fmt_ms(now_ms - w->rewind_at_ms, d, sizeof(d)));
		return;
	}
	if (!out->full) {
		out->status = KAFKA_OK;
		say(out->reason, sizeof(out->reason),
			 "OK: %s lag %s, watched %s of the %s window", name,
			 kafka_fmt_offset((int64_t)out->lag, a, sizeof(a)),
			 fmt_ms(out->watched_ms, b, sizeof(b)), win);
		return;
	}
	if (stalled(w, now_ms, window_ms, start)) {
		fmt_ms(now_ms - w->committed_at_ms, c, sizeof(c));
		kafka_fmt_offset(w->committed, a, sizeof(a));
		kafka_fmt_offset(last->high - w->high_at_commit, b, sizeof(b));
		kafka_fmt_offset((int64_t)out->lag, d, sizeof(d));
		if (members == 0) {
			out->status = KAFKA_STOP;
			say(out->reason, sizeof(out->reason),
				 "STOP: %s committed %s for %s, lag %s, "
				 "no members", name, a, c, d);
		} else {
			char mem[32];

			if (members < 0) {
				say(mem, sizeof(mem), "members unknown");
			} else {
				say(mem, sizeof(mem), "%d member%s",
					 members, members == 1 ? "" : "s");
			}
			out->status = KAFKA_STALL;
			say(out->reason, sizeof(out->reason),
				 "STALL: %s committed %s for %s while log end "
				 "rose %s (lag %s, %s)", name, a, c, b, d, mem);
		}
		return;
	}
	if (growing(w, start, &commits, &from, &to)) {
		out->status = KAFKA_WARN;
		say(out->reason, sizeof(out->reason),
			 "WARN: %s lag grew from %s to %s over %s at %d "
			 "commits (committed rose %s)", name,
			 kafka_fmt_offset(from, a, sizeof(a)),
			 kafka_fmt_offset(to, b, sizeof(b)),
			 fmt_ms(now_ms - w->s[start].t_ms, c, sizeof(c)),
			 commits,
			 kafka_fmt_offset(last->committed -
					  w->s[start].committed, d,
					  sizeof(d)));
		return;
	}
	out->status = KAFKA_OK;
	say(out->reason, sizeof(out->reason), "OK: %s lag %s", name,
		 kafka_fmt_offset((int64_t)out->lag, a, sizeof(a)));
}

void
kafka_lag_exported(struct kafka_verdict *v, const char *name, int64_t lag)
{
	v->lag = (double)lag;
	say(v->reason, sizeof(v->reason), "%s: lag as exported (offsets "
	    "unknown)", name);
}

/* ---- the group ------------------------------------------------------- */

static bool
worse(const struct kafka_verdict *x, const struct kafka_verdict *y)
{
	if (x->status != y->status) {
		return x->status > y->status;
	}
	if (!isnan(x->lag_s) || !isnan(y->lag_s)) {
		if (isnan(y->lag_s)) {
			return true;
		}
		if (!isnan(x->lag_s) && x->lag_s != y->lag_s) {
			return x->lag_s > y->lag_s;
		}
		if (isnan(x->lag_s)) {
			return false;
		}
	}
	return !isnan(x->lag) && (isnan(y->lag) || x->lag > y->lag);
}

enum kafka_status
kafka_lag_group(const struct kafka_verdict *v, size_t n, int window_ms,
		int *worst, char *reason, size_t len)
{
	char a[32], b[32], c[32], win[32];
	int64_t total = 0, watched = -1;
	size_t i, judged = 0, unjudged = 0;
	bool full = true;

	*worst = -1;
	for (i = 0; i < n; i++) {
		if (v[i].status == KAFKA_NONE) {
			unjudged++;
			continue;
		}
		judged++;
		total += (int64_t)v[i].lag;
		full = full && v[i].full;
		if (watched < 0 || v[i].watched_ms < watched) {
			watched = v[i].watched_ms;
		}
		if (*worst < 0 || worse(&v[i], &v[*worst])) {
			*worst = (int)i;
		}
	}
	if (*worst < 0) {
		say(reason, len, n == 0 ? "no committed offsets" :
			 "no partition with a commit and a log end");
		return KAFKA_NONE;
	}
	if (v[*worst].status != KAFKA_OK) {
		say(reason, len, "%s", v[*worst].reason);
		return v[*worst].status;
	}
	kafka_fmt_offset(total, a, sizeof(a));
	c[0] = '\0';
	if (unjudged > 0) {
		say(c, sizeof(c), ", %zu without a commit", unjudged);
	}
	if (!full) {
		say(reason, len, "OK: lag %s over %zu partition%s%s, "
			 "watched %s of the %s window", a, judged,
			 judged == 1 ? "" : "s", c,
			 fmt_ms(watched, b, sizeof(b)),
			 fmt_ms(window_ms, win, sizeof(win)));
	} else {
		say(reason, len, "OK: lag %s over %zu partition%s%s, "
			 "no rule fired", a, judged, judged == 1 ? "" : "s",
			 c);
	}
	return KAFKA_OK;
}
