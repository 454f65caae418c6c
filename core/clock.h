/* The one clock every timer reads. Tests replace it with clock_set_fake().
 * Any thread. */
#ifndef WARROOM_CLOCK_H
#define WARROOM_CLOCK_H

#include <stdint.h>

/* Monotonic milliseconds since an arbitrary origin. */
int64_t clock_mono_ms(void);
/* Wall-clock milliseconds since the Unix epoch (UTC). */
int64_t clock_wall_ms(void);

/* Tests: freeze both clocks at the given values; clock_advance_fake() moves
 * both forward; clock_set_real() restores the system clocks. */
void clock_set_fake(int64_t mono_ms, int64_t wall_ms);
void clock_advance_fake(int64_t delta_ms);
void clock_set_real(void);

/* Formats wall ms as "2026-11-22 03:14:07Z" (buf >= 24) or "03:14:07" when
 * time_only; returns buf. */
char *clock_format_utc(int64_t wall_ms, int time_only, char *buf, int len);

/* Formats a duration in ms as "3s", "4m12s", "2h05m", "3d04h". */
char *clock_format_duration(int64_t ms, char *buf, int len);

#endif
