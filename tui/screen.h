/* Drawing the dashboard from the app's dirty flags onto its window (no
 * refresh: the loop does one doupdate() per wakeup). UI thread. */
#ifndef WARROOM_SCREEN_H
#define WARROOM_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/pane.h"

struct app;

/* Draws what is dirty and clears the flags. Returns true when it drew
 * anything. */
bool screen_draw(struct app *a);


#endif
