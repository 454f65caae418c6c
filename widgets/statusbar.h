/* The bottom line: the last message on the left (coloured by its role),
 * key hints on the right ("q quit  ? help"), cut to fit. UI thread. */
#ifndef WARROOM_STATUSBAR_H
#define WARROOM_STATUSBAR_H

#include <curses.h>

#include "themes/theme.h"

/* hints: pairs "key\tlabel\n..." drawn as key (ROLE_KEY) and label. */
void statusbar_draw(WINDOW *win, int y, int width, const char *msg,
		    enum role msg_role, const char *hints,
		    const struct theme *t);

#endif
