/* The one clock: fake and real time, UTC and duration formatting. */
#include <criterion/criterion.h>

#include "core/clock.h"

Test(clock, fake_clock_moves_only_when_told)
{
	clock_set_fake(5000, 1763780047000);    /* 2025-11-22 02:54:07Z */
	cr_expect_eq(clock_mono_ms(), 5000);
	cr_expect_eq(clock_wall_ms(), 1763780047000);
	clock_advance_fake(1500);
	cr_expect_eq(clock_mono_ms(), 6500);
	cr_expect_eq(clock_wall_ms(), 1763780048500);
	clock_set_real();
	cr_expect_gt(clock_wall_ms(), 1763780048500);
}

Test(clock, utc_format)
{
	char buf[32];

	cr_expect_str_eq(clock_format_utc(1763780047999, 0, buf, sizeof(buf)),
			 "2025-11-22 02:54:07Z");
	cr_expect_str_eq(clock_format_utc(1763780047999, 1, buf, sizeof(buf)),
			 "02:54:07");
}

struct dur_case {
	long long ms;
	char want[16];
};

static struct dur_case dur_cases[] = {
	{ -5, "0s" },
	{ 999, "0s" },
	{ 59999, "59s" },
	{ 60000, "1m00s" },
	{ 252000, "4m12s" },
	{ 3600000, "1h00m" },
	{ 7500000, "2h05m" },
	{ 86400000, "1d00h" },
	{ 273600000, "3d04h" },
};

#include <criterion/parameterized.h>

ParameterizedTestParameters(clock, duration_format)
{
	return cr_make_param_array(struct dur_case, dur_cases,
				   sizeof(dur_cases) / sizeof(dur_cases[0]));
}

ParameterizedTest(struct dur_case *c, clock, duration_format)
{
	char buf[16];

	cr_expect_str_eq(clock_format_duration(c->ms, buf, sizeof(buf)),
			 c->want, "%lld ms", c->ms);
}
