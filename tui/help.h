/* Words for the operator: the help overlay's text and the first-run
 * screen shown when no source is configured. UI thread. */
#ifndef WARROOM_HELP_H
#define WARROOM_HELP_H

struct app;

/* Every key binding: the global keys, then the actions of each pane's
 * source (the focused pane first), destructive ones marked when read-only.
 * The caller frees it. */
char *help_text(struct app *a);

/* Opens the help overlay. */
void help_open(struct app *a);

/* Draws the first-run screen: how to configure, and the demo offer. */
void help_draw_first_run(struct app *a);

#endif
