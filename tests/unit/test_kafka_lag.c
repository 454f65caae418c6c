/* The lag evaluator on hand-made windows: the lag in seconds (interpolated,
 * extrapolated, a lower bound), each rule with its exact reason (STALL,
 * STOP, REWIND, WARN, OK), what keeps a rule from firing (a saw tooth, lag
 * that reached zero, a window not yet covered), the group's worst
 * partition, and the window's bounded memory. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "core/kind.h"
#include "probes/kafka_lag.h"

#define S(x) ((int64_t)(x) * 1000)      /* seconds to ms */
#define WINDOW_MS 120000

/* Samples every step_s seconds from t0_s to t1_s, committed and log end
 * from the functions of t (seconds). */
static void
feed(struct kafka_window *w, int t0_s, int t1_s, int step_s,
     int64_t (*committed)(int t), int64_t (*high)(int t))
{
	for (int t = t0_s; t <= t1_s; t += step_s) {
		kafka_window_add(w, S(t), committed(t), high(t), WINDOW_MS);
	}
}

/* ---- numbers --------------------------------------------------------- */

Test(kafka_lag, offsets_have_thousands_separators)
{
	char b[32];

	cr_expect_str_eq(kafka_fmt_offset(0, b, sizeof(b)), "0");
	cr_expect_str_eq(kafka_fmt_offset(999, b, sizeof(b)), "999");
	cr_expect_str_eq(kafka_fmt_offset(1000, b, sizeof(b)), "1,000");
	cr_expect_str_eq(kafka_fmt_offset(18400, b, sizeof(b)), "18,400");
	cr_expect_str_eq(kafka_fmt_offset(1234567, b, sizeof(b)),
			 "1,234,567");
	cr_expect_str_eq(kafka_fmt_offset(-5000, b, sizeof(b)), "-5,000");
}

/* ---- lag in seconds -------------------------------------------------- */

static int64_t high_100_per_s(int t) { return (int64_t)t * 100; }
static int64_t committed_450(int t) { (void)t; return 450; }

Test(kafka_lag, seconds_interpolate_between_log_end_samples)
{
	struct kafka_window w = { 0 };
	bool floor;

	/* The log end passed 450 at t = 4.5 s; now is 10 s. */
	feed(&w, 0, 10, 1, committed_450, high_100_per_s);
	cr_expect_float_eq(kafka_lag_seconds(&w, S(10), &floor), 5.5, 1e-9);
	cr_expect_not(floor);
	/* Asked later, the same commit is older. */
	cr_expect_float_eq(kafka_lag_seconds(&w, S(12), &floor), 7.5, 1e-9);
}

static int64_t high_from_1000(int t) { return 1000 + (int64_t)(t - 100) * 100; }
static int64_t committed_500(int t) { (void)t; return 500; }

Test(kafka_lag, seconds_extrapolate_past_the_oldest_sample)
{
	struct kafka_window w = { 0 };
	bool floor;

	/* 100/s from t = 100 s; 500 was reached 5 s before that. */
	feed(&w, 100, 110, 1, committed_500, high_from_1000);
	cr_expect_float_eq(kafka_lag_seconds(&w, S(110), &floor), 15.0, 1e-9);
	cr_expect_not(floor);
}

static int64_t high_flat(int t) { (void)t; return 1000; }
static int64_t committed_900(int t) { (void)t; return 900; }
static int64_t committed_1000(int t) { (void)t; return 1000; }

Test(kafka_lag, seconds_are_a_lower_bound_when_the_log_end_stood_still)
{
	struct kafka_window w = { 0 };
	bool floor;

	feed(&w, 0, 30, 1, committed_900, high_flat);
	cr_expect_float_eq(kafka_lag_seconds(&w, S(30), &floor), 30.0, 1e-9);
	cr_expect(floor);
}

Test(kafka_lag, seconds_are_zero_when_caught_up_and_unknown_without_data)
{
	struct kafka_window w = { 0 };
	bool floor;

	cr_expect(isnan(kafka_lag_seconds(&w, S(1), &floor)));
	kafka_window_add(&w, S(0), 900, 1000, WINDOW_MS);
	/* One sample: nothing to interpolate over. */
	cr_expect(isnan(kafka_lag_seconds(&w, S(0), &floor)));
	memset(&w, 0, sizeof(w));
	feed(&w, 0, 5, 1, committed_1000, high_flat);
	cr_expect_float_eq(kafka_lag_seconds(&w, S(5), &floor), 0.0, 1e-9);
	kafka_window_add(&w, S(6), KAFKA_NO_OFFSET, 1000, WINDOW_MS);
	cr_expect(isnan(kafka_lag_seconds(&w, S(6), &floor)));
}

/* ---- the rules ------------------------------------------------------- */

/* The example: committed 18,400 for 4m10s while the log end rose
 * 9,200, from 19,400 to 28,600. */
static int64_t committed_18400(int t) { (void)t; return 18400; }
static int64_t high_rising(int t) { return 19400 + (int64_t)t * 9200 / 250; }

Test(kafka_lag, stall_names_partition_offset_duration_and_rise)
{
	struct kafka_window w = { 0 };
	struct kafka_verdict v;

	feed(&w, 0, 250, 5, committed_18400, high_rising);
	kafka_lag_judge(&w, S(250), WINDOW_MS, 2, "partition 3", &v);
	cr_expect_eq(v.status, KAFKA_STALL);
	cr_expect_str_eq(v.reason, "STALL: partition 3 committed 18,400 for "
			 "4m10s while log end rose 9,200 (lag 10,200, "
			 "2 members)");
	cr_expect_float_eq(v.lag, 10200, 1e-9);
	cr_expect(v.full);
	/* Members unknown (the metrics view without a members series). */
	kafka_lag_judge(&w, S(250), WINDOW_MS, -1, "partition 3", &v);
	cr_expect_eq(v.status, KAFKA_STALL);
	cr_expect(strstr(v.reason, "members unknown") != NULL, "%s",
		  v.reason);
}

Test(kafka_lag, stop_when_commits_stopped_and_no_member_is_left)
{
	struct kafka_window w = { 0 };
	struct kafka_verdict v;

	feed(&w, 0, 250, 5, committed_18400, high_rising);
	kafka_lag_judge(&w, S(250), WINDOW_MS, 0, "partition 3", &v);
	cr_expect_eq(v.status, KAFKA_STOP);
	cr_expect_str_eq(v.reason, "STOP: partition 3 committed 18,400 for "
			 "4m10s, lag 10,200, no members");
}

/* Caught up at t = 100 (log end 18,400), then messages arrive. */
static int64_t high_from_caught_up(int t)
{
	return t <= 200 ? 18400 : 18400 + (int64_t)(t - 200) * 10;
}

Test(kafka_lag, no_stall_while_the_window_saw_zero_lag)
{
	struct kafka_window w = { 0 };
	struct kafka_verdict v;

	feed(&w, 0, 250, 5, committed_18400, high_from_caught_up);
	kafka_lag_judge(&w, S(250), WINDOW_MS, 2, "partition 3", &v);
	cr_expect_eq(v.status, KAFKA_OK, "%s", v.reason);
	cr_expect_float_eq(v.lag, 500, 1e-9);
}

Test(kafka_lag, nothing_fires_before_the_window_is_covered)
{
	struct kafka_window w = { 0 };
	struct kafka_verdict v;

	feed(&w, 0, 60, 5, committed_18400, high_rising);
	kafka_lag_judge(&w, S(60), WINDOW_MS, 2, "partition 3", &v);
	cr_expect_eq(v.status, KAFKA_OK);
	cr_expect_not(v.full);
	cr_expect_str_eq(v.reason, "OK: partition 3 lag 3,208, watched 1m00s "
			 "of the 2m00s window");
}

static int64_t commits_then_back(int t)
{
	return t < 100 ? (int64_t)t * 2 : t < 110 ? 200 : 150;
}
static int64_t high_far(int t) { return 5000 + t; }

Test(kafka_lag, rewind_names_both_offsets_and_expires_with_the_window)
{
	struct kafka_window w = { 0 };
	struct kafka_verdict v;

	feed(&w, 0, 120, 5, commits_then_back, high_far);
	kafka_lag_judge(&w, S(120), WINDOW_MS, 1, "partition 0", &v);
	cr_expect_eq(v.status, KAFKA_REWIND);
	cr_expect_str_eq(v.reason, "REWIND: partition 0 commit went back "
			 "from 200 to 150 (-50) 10s ago");
	/* A window later, and committing again, it is over. */
	for (int t = 125; t <= 260; t += 5) {
		kafka_window_add(&w, S(t), 150 + t, 5000 + t, WINDOW_MS);
	}
	kafka_lag_judge(&w, S(260), WINDOW_MS, 1, "partition 0", &v);
	cr_expect_neq(v.status, KAFKA_REWIND, "%s", v.reason);
}

/* Commits move 10 a sample while the log end moves 50. */
static int64_t committed_slow(int t) { return 1000 + (int64_t)t * 2; }
static int64_t high_fast(int t) { return 1200 + (int64_t)t * 10; }

Test(kafka_lag, warn_when_lag_grows_at_every_commit_across_the_window)
{
	struct kafka_window w = { 0 };
	struct kafka_verdict v;

	feed(&w, 0, 250, 5, committed_slow, high_fast);
	kafka_lag_judge(&w, S(250), WINDOW_MS, 3, "partition 1", &v);
	cr_expect_eq(v.status, KAFKA_WARN);
	/* The window starts at the sample taken at 130 s: lag 200 + 8 * 130
	 * = 1,240; now 200 + 8 * 250 = 2,200. */
	cr_expect_str_eq(v.reason, "WARN: partition 1 lag grew from 1,240 to "
			 "2,200 over 2m00s at 24 commits (committed rose "
			 "240)");
}

/* A consumer that keeps up: commits to the log end every third sample,
 * the log end moving 100 a sample: lag 0, 100, 200, 0, ... */
static int64_t committed_saw(int t) { return (int64_t)(t / 15) * 15 * 20; }
static int64_t high_saw(int t) { return (int64_t)t * 20; }

Test(kafka_lag, a_saw_tooth_between_commits_is_not_growth)
{
	struct kafka_window w = { 0 };
	struct kafka_verdict v;

	feed(&w, 0, 250, 5, committed_saw, high_saw);
	kafka_lag_judge(&w, S(250), WINDOW_MS, 1, "partition 0", &v);
	cr_expect_eq(v.status, KAFKA_OK, "%s", v.reason);
}

Test(kafka_lag, no_commit_and_no_log_end_are_not_judged)
{
	struct kafka_window w = { 0 };
	struct kafka_verdict v;

	kafka_window_add(&w, S(0), KAFKA_NO_OFFSET, 100, WINDOW_MS);
	kafka_lag_judge(&w, S(0), WINDOW_MS, 1, "partition 2", &v);
	cr_expect_eq(v.status, KAFKA_NONE);
	cr_expect_str_eq(v.reason, "partition 2: no commit");
	cr_expect(isnan(v.lag));
	kafka_window_add(&w, S(1), 50, KAFKA_NO_OFFSET, WINDOW_MS);
	kafka_lag_judge(&w, S(1), WINDOW_MS, 1, "partition 2", &v);
	cr_expect_eq(v.status, KAFKA_NONE);
	cr_expect_str_eq(v.reason, "partition 2: log end unknown");
}

/* ---- the group and the window's memory ------------------------------- */

Test(kafka_lag, group_takes_its_worst_partition)
{
	struct kafka_verdict v[4];
	char reason[200];
	int worst;

	memset(v, 0, sizeof(v));
	v[0] = (struct kafka_verdict){ .status = KAFKA_OK, .lag = 10,
				       .lag_s = 1, .full = true };
	v[1] = (struct kafka_verdict){ .status = KAFKA_WARN, .lag = 300,
				       .lag_s = 30, .full = true };
	v[2] = (struct kafka_verdict){ .status = KAFKA_WARN, .lag = 200,
				       .lag_s = 90, .full = true };
	v[3] = (struct kafka_verdict){ .status = KAFKA_NONE, .lag = NAN,
				       .lag_s = NAN };
	strcpy(v[1].reason, "WARN: partition 1 ...");
	strcpy(v[2].reason, "WARN: partition 2 ...");
	/* Ties go to the larger lag in seconds. */
	cr_expect_eq(kafka_lag_group(v, 4, WINDOW_MS, &worst, reason,
				     sizeof(reason)), KAFKA_WARN);
	cr_expect_eq(worst, 2);
	cr_expect_str_eq(reason, "WARN: partition 2 ...");
	v[1].status = v[2].status = KAFKA_OK;
	cr_expect_eq(kafka_lag_group(v, 4, WINDOW_MS, &worst, reason,
				     sizeof(reason)), KAFKA_OK);
	cr_expect_str_eq(reason, "OK: lag 510 over 3 partitions, 1 without a "
			 "commit, no rule fired");
	cr_expect_eq(kafka_lag_group(v + 3, 1, WINDOW_MS, &worst, reason,
				     sizeof(reason)), KAFKA_NONE);
	cr_expect_eq(worst, -1);
}

Test(kafka_lag, status_names_and_health)
{
	cr_expect_str_eq(kafka_status_name(KAFKA_STALL), "STALL");
	cr_expect_str_eq(kafka_status_name(KAFKA_NONE), "");
	cr_expect_eq(kafka_status_health(KAFKA_STOP), HEALTH_CRIT);
	cr_expect_eq(kafka_status_health(KAFKA_REWIND), HEALTH_WARN);
	cr_expect_eq(kafka_status_health(KAFKA_OK), HEALTH_OK);
}

Test(kafka_lag, a_window_keeps_a_bounded_history)
{
	struct kafka_window w = { 0 };

	/* An hour of polls every second. */
	for (int t = 0; t < 3600; t++) {
		kafka_window_add(&w, S(t), t, t + 10, WINDOW_MS);
	}
	cr_expect_leq(w.n, KAFKA_WINDOW_SAMPLES);
	/* Four windows back, plus the sample just before. */
	cr_expect_geq(w.s[0].t_ms, S(3599) - 4 * WINDOW_MS - WINDOW_MS / 12);
	cr_expect_leq(w.s[1].t_ms, S(3599) - 3 * WINDOW_MS);
	cr_expect_eq(w.s[w.n - 1].t_ms, S(3599));
}
