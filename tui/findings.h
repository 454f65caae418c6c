/* The Findings strip under the header: the open findings of every source,
 * worst first, the diagnosis's with the kinds' findings they cite folded
 * under them; its keys (w focuses it, Enter jumps to the row a finding
 * points at), its clicks, and the colour a finding gives a pane's frame.
 * UI thread only. */
#ifndef WARROOM_FINDINGS_H
#define WARROOM_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct app;

/* Lines of findings the strip shows at most; with more, the last of them
 * says "+N more" (z on the focused strip, or zoom, lists them all). */
#define FINDINGS_STRIP_LINES 4
/* The key that focuses the strip. */
#define FINDINGS_KEY 'w'

/* One line of the strip. */
struct findings_item {
	const struct finding *f;        /* in a snapshot the list holds */
	int src;                        /* its source (state index) */
	bool diag;                      /* a diagnosis finding */
	int cited;                      /* kinds' findings folded under it */
};

/* The findings listed, in order. Holds a reference to every snapshot an
 * item points into until findings_list_free(). */
struct findings_list {
	struct findings_item *items;
	size_t n;
	struct snapshot **held;
	size_t n_held;
};

/* Lists the open findings of every source's latest snapshot: worst
 * severity first, then the diagnosis's before the kinds' own, then the
 * oldest opened first; suppressed ones (silenced alerts) last. A kind's
 * finding that a diagnosis finding cites is left out and counted in
 * that one's cited. */
void findings_list_build(struct app *a, struct findings_list *l);
void findings_list_free(struct findings_list *l);

/* The order of the list: negative when x goes first. */
int findings_cmp(const struct findings_item *x, const struct findings_item *y);

/* Rows the strip asks the layout for: one per finding up to
 * FINDINGS_STRIP_LINES, one when there is none. */
int findings_strip_rows(struct app *a);

/* Draws the strip into a->lay.strip. */
void findings_draw(struct app *a);

/* What the strip shows, as a number that changes when a line would be
 * drawn differently (a finding, its age in minutes, the selection): the
 * loop draws the strip again only then. */
uint64_t findings_signature(struct app *a);

/* Focuses the strip (on) or gives the focus back to the panes. */
void findings_focus(struct app *a, bool on);

/* A key while the strip is focused; false when it is not one of the
 * strip's (the global keys then apply). */
bool findings_key(struct app *a, int key, bool is_wchar);

/* A click on line dy of the strip, at column x: selects that finding and
 * jumps to it; a click on "+N more" lists them all. */
void findings_click(struct app *a, int dy, int x);

/* Enter: focuses the pane that shows the selected finding (found again
 * in the newest list, however others moved; switching the pane to its
 * source, showing it if hidden, clearing a filter that hides the row)
 * and selects its row. False, and says why, when it cannot. */
bool findings_jump(struct app *a);

/* The worst open, unsuppressed finding about pane i's shown source (of
 * every source, for a pane that shows its whole kind): its own, and the
 * diagnosis's that point at it. HEALTH_UNKNOWN when none. */
enum health findings_pane_health(struct app *a, int i);

/* The input a jump prefilled for the action with key in pane, copied to
 * buf (size n) and forgotten; false when there is none. */
bool findings_take_prefill(struct app *a, int pane, char key, char *buf,
			   size_t n);
/* Forgets the prefilled input (any other key than its action's). */
void findings_forget_prefill(struct app *a);

#endif
