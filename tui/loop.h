/* The event loop of the dashboard (tui/loop.c). UI thread. */
#ifndef WARROOM_LOOP_H
#define WARROOM_LOOP_H

struct app;

/* Runs the interactive loop on the terminal term_open() started until the
 * operator quits or a signal ends it; returns the exit status. */
int loop_run(struct app *a);

#endif
