/* The top line (name, incident, modes, a health dot per source, UTC clock)
 * and the bottom status line (last message, key hints). UI thread. */
#ifndef WARROOM_HEADER_H
#define WARROOM_HEADER_H

#include <stddef.h>

struct app;

void header_draw(struct app *a);
void header_draw_status(struct app *a);

/* The status line's key hints for the focused pane, in statusbar form
 * ("key\tlabel\n..."). */
void header_hints(struct app *a, char *buf, size_t n);

#endif
