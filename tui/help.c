/* The help overlay's text (every key, every action of every pane's source)
 * and the first-run screen. UI thread. */
#include "tui/help.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build-config.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/cmdline.h"
#include "tui/incident_ui.h"
#include "tui/keymap.h"
#include "widgets/draw.h"

struct buf {
	char *s;
	size_t len, cap;
};

static void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *piece;
	size_t n;

	va_start(ap, fmt);
	piece = xvasprintf(fmt, ap);
	va_end(ap);
	n = strlen(piece);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, piece, n + 1);
	b->len += n;
	free(piece);
}

static void
pane_actions(struct app *a, int i, struct buf *b)
{
	struct pane *p = &a->panes[i];
	const struct action_impl *d;
	bool any = false;

	buf_printf(b, "\n%d %s", p->number, pane_title(p));
	if (p->source >= 0) {
		buf_printf(b, " (%s)", state_source_name(a->st, p->source));
	}
	buf_printf(b, "%s\n", i == a->focus ? ", focused" : "");
	/* The pane's own keys (the Pods pane's l logs, d describe). */
	if (p->hints != NULL && p->hints[0] != '\0') {
		buf_printf(b, "  %-16s %s\n", "keys", p->hints);
	}
	if (p->source < 0) {
		buf_printf(b, "  no source configured\n");
		return;
	}
	for (d = runner_actions(a->r, p->source); d && d->spec; d++) {
		const struct action_spec *sp = d->spec;
		char asks[96] = "";

		if (sp->input != NULL) {
			snprintf(asks, sizeof(asks), " (asks: %s)",
				 sp->input);
		}
		buf_printf(b, "  %-16c %s%s%s\n", sp->key, sp->label, asks,
			   sp->destructive && a->read_only ?
			   "  (disabled: read-only)" : "");
		any = true;
	}
	if (!any) {
		buf_printf(b, "  no actions\n");
	}
}

char *
help_text(struct app *a)
{
	struct buf b = { 0 };
	char panes[256];

	buf_printf(&b, "warroom %s%s\n\nGlobal keys\n", WARROOM_VERSION,
		   a->read_only ? "  [READ-ONLY]" : "");
	for (const struct keymap_entry *k = keymap_global; k->keys; k++) {
		buf_printf(&b, "  %-16s %s\n", k->keys, k->what);
	}
	panes[0] = '\0';
	for (int i = 0; i < a->n_panes; i++) {
		strappendf(panes, sizeof(panes), "%s%d %s%s", i ? "  " : "",
			   a->panes[i].number, pane_title(&a->panes[i]),
			   a->panes[i].hidden ? " (hidden)" : "");
	}
	buf_printf(&b, "  Panes: %s\n", panes);
	buf_printf(&b, "\nActions (upper-case keys in their pane; each asks "
		   "for confirmation and shows the exact operation)\n");
	pane_actions(a, a->focus, &b);
	for (int i = 0; i < a->n_panes; i++) {
		if (i != a->focus && a->panes[i].ops->kind < SNAP_KIND_COUNT) {
			pane_actions(a, i, &b);
		}
	}
	buf_printf(&b, "\nCommand line (: opens it; Tab completes, Up "
		   "recalls)\n");
	for (const struct cmdline_help *h = cmdline_help; h->usage != NULL;
	     h++) {
		buf_printf(&b, "  %-22s %s\n", h->usage, h->what);
	}
	if (a->iu != NULL) {
		char *inc = incident_ui_help(a->iu);

		buf_printf(&b, "\nIncident\n  %s", inc);
		free(inc);
	}
	return b.s;
}

void
help_open(struct app *a)
{
	char *text = help_text(a);

	textview_set(&a->tv, text);
	free(text);
	a->overlay = OVERLAY_HELP;
	snprintf(a->overlay_title, sizeof(a->overlay_title), " Help ");
	a->dirty_overlay = true;
}

void
help_draw_first_run(struct app *a)
{
	const struct theme *t = &a->theme;
	WINDOW *win = a->win;
	const char *lines[] = {
		"No source is configured yet.",
		"",
		"warroom reads its sources from a config file:",
		NULL,   /* the path */
		"or, without one, from these environment variables:",
		"  DATABASE_URL  REDIS_URL  PROMETHEUS_URL",
		"  ALERTMANAGER_URL  KAFKA_BROKERS  KUBECONFIG",
		"docs/configuration.md describes every option.",
		"",
		NULL,   /* d */
		NULL,   /* q */
	};
	int n = (int)(sizeof(lines) / sizeof(lines[0]));
	int w = 0, y, x;
	char path[300];

	snprintf(path, sizeof(path), "  %s",
		 a->config_path ? a->config_path :
		 "~/.config/warroom/config.ini");
	lines[3] = path;
	for (int i = 0; i < n; i++) {
		int lw = lines[i] ? text_width(lines[i]) : 40;

		if (lw > w) {
			w = lw;
		}
	}
	y = (a->rows - n - 2) / 2;
	x = (a->cols - w) / 2;
	if (y < 1) {
		y = 1;
	}
	if (x < 1) {
		x = 1;
	}
	draw_fill(win, 0, 0, 1, a->cols, ROLE_HEADER, t);
	draw_text(win, 0, 1, a->cols - 2, "warroom", ROLE_TITLE, t);
	draw_fill(win, y, 0, n + 2, a->cols, ROLE_NORMAL, t);
	for (int i = 0; i < n; i++) {
		int yy = y + i, xx = x;

		if (i == 9) {
			xx += draw_text(win, yy, xx, a->cols - xx, "Press ",
					ROLE_NORMAL, t);
			xx += draw_text(win, yy, xx, a->cols - xx, "d",
					ROLE_KEY, t);
			draw_text(win, yy, xx, a->cols - xx,
				  " to start the demo (a scripted incident; "
				  "nothing real is touched)",
				  ROLE_NORMAL, t);
		} else if (i == 10) {
			xx += draw_text(win, yy, xx, a->cols - xx, "Press ",
					ROLE_NORMAL, t);
			xx += draw_text(win, yy, xx, a->cols - xx, "q",
					ROLE_KEY, t);
			draw_text(win, yy, xx, a->cols - xx, " to quit",
				  ROLE_NORMAL, t);
		} else {
			draw_text(win, yy, xx, a->cols - xx, lines[i],
				  i == 0 ? ROLE_TITLE : ROLE_NORMAL, t);
		}
	}
	if (a->status[0] != '\0') {
		draw_fill(win, a->rows - 1, 0, 1, a->cols, ROLE_STATUS, t);
		draw_text(win, a->rows - 1, 1, a->cols - 2, a->status,
			  a->status_role, t);
	}
}
