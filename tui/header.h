/* The top line (name, incident, modes, a health dot per source, UTC clock)
 * and the bottom status line (last message, key hints). UI thread. */
#ifndef WARROOM_HEADER_H
#define WARROOM_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "themes/theme.h"

struct app;

void header_draw(struct app *a);
void header_draw_status(struct app *a);

/* The status line's key hints for the focused pane, in statusbar form
 * ("key\tlabel\n..."). */
void header_hints(struct app *a, char *buf, size_t n);

/* The role that shows health h (a header dot, a pane title, a finding);
 * unknown for HEALTH_UNKNOWN. */
enum role header_health_role(enum health h, enum role unknown);
/* A span in whole minutes, rounded down: "0m", "59m", "1h05m", "2d03h"
 * (the incident's age, a finding's). */
void header_fmt_minutes(int64_t ms, char *buf, size_t n);

#endif
