/* Real and fake clocks. Any thread; the fake is for single-threaded tests
 * but is read atomically so runner threads may observe it. */
#include "core/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static atomic_int fake_on;
static _Atomic int64_t fake_mono;
static _Atomic int64_t fake_wall;

int64_t
clock_mono_ms(void)
{
	struct timespec ts;

	if (atomic_load(&fake_on)) {
		return atomic_load(&fake_mono);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_wall_ms(void)
{
	struct timespec ts;

	if (atomic_load(&fake_on)) {
		return atomic_load(&fake_wall);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
clock_set_fake(int64_t mono_ms, int64_t wall_ms)
{
	atomic_store(&fake_mono, mono_ms);
	atomic_store(&fake_wall, wall_ms);
	atomic_store(&fake_on, 1);
}

void
clock_advance_fake(int64_t delta_ms)
{
	atomic_fetch_add(&fake_mono, delta_ms);
	atomic_fetch_add(&fake_wall, delta_ms);
}

void
clock_set_real(void)
{
	atomic_store(&fake_on, 0);
}

char *
clock_format_utc(int64_t wall_ms, int time_only, char *buf, int len)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, (size_t)len, time_only ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%SZ",
		 &tm);
	return buf;
}

char *
clock_format_duration(int64_t ms, char *buf, int len)
{
	int64_t s = ms < 0 ? 0 : ms / 1000;

	if (s < 60) {
		snprintf(buf, (size_t)len, "%llds", (long long)s);
	} else if (s < 3600) {
		snprintf(buf, (size_t)len, "%lldm%02llds", (long long)(s / 60),
			 (long long)(s % 60));
	} else if (s < 86400) {
		snprintf(buf, (size_t)len, "%lldh%02lldm", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	} else {
		snprintf(buf, (size_t)len, "%lldd%02lldh", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
	}
	return buf;
}
