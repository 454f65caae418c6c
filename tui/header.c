/* The header line (name, incident, modes, a health dot per source, UTC
 * clock) and the status line (last message, the focused pane's key hints).
 * UI thread. */
#include "tui/header.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "widgets/draw.h"
#include "widgets/statusbar.h"

/* From this width the header spells the incident out in full. */
#define HEADER_WIDE 140

enum role
header_health_role(enum health h, enum role unknown)
{
	switch (h) {
	case HEALTH_OK:
		return ROLE_OK;
	case HEALTH_WARN:
		return ROLE_WARN;
	case HEALTH_CRIT:
		return ROLE_CRIT;
	case HEALTH_UNKNOWN:
		break;
	}
	return unknown;
}

/* How the header names its sources, widest first; the widest that fits
 * is used. Every style but the last names each source so that two of a
 * kind differ; the last shows the worst sources first and counts the
 * rest. */
enum dot_style {
	DOTS_FULL,      /* "● postgres.main  ✕ postgres.billing" */
	DOTS_KIND,      /* "● pg.main  ✕ pg.billing  ● redis" */
	DOTS_SHORT,     /* "●pg.m ✕pg.b ●redis" */
	DOTS_WORST,     /* "✕pg.b ●pg.m +3 ok" */
};

/* Shortest prefix of source i's instance name that no other source of
 * its kind starts with (all of it when none is shorter). */
static int
unique_prefix(struct app *a, int i, const char *inst)
{
	enum snap_kind k = state_source_kind(a->st, i);
	int len = 1, max = (int)strlen(inst);

	for (; len < max; len++) {
		bool clash = false;

		for (size_t j = 0; j < a->n_kind_src[k]; j++) {
			const char *o = state_source_name(a->st,
							  a->kind_src[k][j]);
			const char *od = strchr(o, '.');

			if (a->kind_src[k][j] != i && od != NULL &&
			    strncmp(od + 1, inst, (size_t)len) == 0) {
				clash = true;
			}
		}
		if (!clash) {
			break;
		}
	}
	return len;
}

/* Source i's label without its glyph. */
static void
dot_label(struct app *a, int i, enum dot_style style, char *buf, size_t n)
{
	const char *name = state_source_name(a->st, i);
	const char *dot = strchr(name, '.');
	enum snap_kind k = state_source_kind(a->st, i);
	const struct kind_desc *kd = kind_of(k);
	const char *abbrev = kd != NULL ? kd->abbrev : "?";

	if (style == DOTS_FULL || dot == NULL) {
		snprintf(buf, n, "%s", name);
	} else if (a->n_kind_src[k] < 2) {
		/* The only one of its kind: the kind says which. */
		snprintf(buf, n, "%s", abbrev);
	} else if (style == DOTS_KIND) {
		snprintf(buf, n, "%s.%s", abbrev, dot + 1);
	} else {
		snprintf(buf, n, "%s.%.*s", abbrev,
			 unique_prefix(a, i, dot + 1), dot + 1);
	}
}

/* The sources the header shows (retired ones and those of a kind without
 * a pane left out), in the order of the configuration; returns how
 * many. */
static size_t
header_sources(const struct app *a, int *out)
{
	size_t n = 0;

	for (int k = 0; k < SNAP_KIND_COUNT; k++) {
		const struct kind_desc *kd = kind_of((enum snap_kind)k);

		/* No backend: the diagnosis speaks in the Findings strip. */
		if (kd != NULL && kd->paneless) {
			continue;
		}
		for (size_t j = 0; j < a->n_kind_src[k]; j++) {
			out[n++] = a->kind_src[k][j];
		}
	}
	/* By index: the order they were configured in. */
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
			int t = out[j - 1];

			out[j - 1] = out[j];
			out[j] = t;
		}
	}
	return n;
}

/* The short styles put the label right after its glyph and one column
 * between sources ("●pg.m ✕pg.b ●redis"); the wide ones a space and
 * two. */
static int
dot_gap(enum dot_style style)
{
	return style >= DOTS_SHORT ? 1 : 2;
}

/* Columns the labels of src[0..n) take in style. */
static int
dots_width(struct app *a, const int *src, size_t n, enum dot_style style)
{
	char buf[128];
	int need = 0;

	for (size_t i = 0; i < n; i++) {
		dot_label(a, src[i], style, buf, sizeof(buf));
		need += 1 + (style >= DOTS_SHORT ? 0 : 1) + text_width(buf) +
			dot_gap(style);
	}
	return need;
}

/* Draws the sources from x to x_end: each one's glyph in its health's
 * colour (a cross for a failed poll, so that "down" and "critical" differ
 * without colour too) and its label. */
static void
draw_dots(struct app *a, int y, int x, int x_end)
{
	int *src = xcalloc(a->n_sources + 1, sizeof(*src));
	size_t n = header_sources(a, src);
	enum dot_style style = DOTS_FULL;
	size_t shown = n, ok_rest = 0;
	char buf[128];

	while (style < DOTS_WORST && dots_width(a, src, n, style) >
	       x_end - x) {
		style++;
	}
	if (style == DOTS_WORST) {
		style = DOTS_SHORT;
		/* Stable: the order configured among equals. */
		for (size_t i = 1; i < n; i++) {
			for (size_t j = i; j > 0 &&
			     app_source_badness(a, src[j - 1]) <
			     app_source_badness(a, src[j]); j--) {
				int t = src[j - 1];

				src[j - 1] = src[j];
				src[j] = t;
			}
		}
		/* As many as fit beside "+N ok". */
		while (shown > 0 && dots_width(a, src, shown, style) + 7 >
		       x_end - x) {
			shown--;
		}
		for (size_t i = shown; i < n; i++) {
			ok_rest += app_source_badness(a, src[i]) == 0;
		}
	}
	for (size_t i = 0; i < shown && x < x_end; i++) {
		enum app_glyph g = app_source_glyph(a, src[i]);

		x += draw_text(a->win, y, x, x_end - x, app_glyph_text(g),
			       g == APP_GLYPH_DOWN ? ROLE_CRIT :
			       header_health_role(a->health[src[i]],
						  ROLE_DIM), &a->theme);
		dot_label(a, src[i], style, buf, sizeof(buf));
		if (x + 1 < x_end) {
			x += style >= DOTS_SHORT ? 0 : 1;
			x += draw_text(a->win, y, x, x_end - x, buf,
				       ROLE_HEADER, &a->theme);
		}
		x += dot_gap(style);
	}
	if (shown < n && x < x_end) {
		snprintf(buf, sizeof(buf), "+%zu%s", n - shown,
			 ok_rest == n - shown ? " ok" : "");
		draw_text(a->win, y, x, x_end - x, buf, ROLE_HEADER,
			  &a->theme);
	}
	free(src);
}

/* The header's clocks move once a minute, not once a second: an idle
 * dashboard then leaves the terminal alone (over SSH, that is what a
 * ticking clock costs), and what the header is for (how long the incident
 * has run, when the next update is due) does not need seconds until the
 * last minute before the update is due. */

void
header_fmt_minutes(int64_t ms, char *buf, size_t n)
{
	long long m = ms < 0 ? 0 : (long long)(ms / 60000);

	if (m < 60) {
		snprintf(buf, n, "%lldm", m);
	} else if (m < 24 * 60) {
		snprintf(buf, n, "%lldh%02lldm", m / 60, m % 60);
	} else {
		snprintf(buf, n, "%lldd%02lldh", m / (24 * 60), m / 60 % 24);
	}
}

/* Time left before the update is due: whole minutes rounded up (so that
 * "1m" is never more than a minute), seconds within the last minute. */
static void
format_countdown(int64_t ms, char *buf, size_t n)
{
	if (ms <= 59000) {
		snprintf(buf, n, "%llds", (long long)((ms + 999) / 1000));
	} else {
		header_fmt_minutes(ms + 59999, buf, n);
	}
}

/* Time since the update fell due: seconds in the first minute (the
 * moment it turns overdue is worth seeing), then whole minutes. */
static void
format_overdue(int64_t ms, char *buf, size_t n)
{
	if (ms < 60000) {
		snprintf(buf, n, "%llds", (long long)(ms / 1000));
	} else {
		header_fmt_minutes(ms, buf, n);
	}
}

static enum role
sev_role(const char *sev)
{
	if (strcmp(sev, "P0") == 0 || strcmp(sev, "P1") == 0) {
		return ROLE_CRIT;
	}
	return strcmp(sev, "P2") == 0 ? ROLE_WARN : ROLE_HEADER;
}

static enum role
timer_role(enum app_timer st)
{
	switch (st) {
	case APP_TIMER_OK:
		return ROLE_OK;
	case APP_TIMER_WARN:
		return ROLE_WARN;
	case APP_TIMER_CRIT:
		return ROLE_CRIT;
	case APP_TIMER_NONE:
		break;
	}
	return ROLE_HEADER;
}

/* The incident: id, severity, status, elapsed clock, the next status
 * update's countdown in its timer's colour, and a failed journal; or how
 * to declare one. Returns the columns used. */
static int
draw_incident(struct app *a, int y, int x, int x_end, bool compact)
{
	const struct app_incident *in = &a->incident;
	const struct theme *t = &a->theme;
	WINDOW *win = a->win;
	char buf[96], span[32];
	int x0 = x;

	if (!in->active) {
		const char *s;

		if (in->declaring) {
			s = "  declaring an incident ...";
		} else if (compact) {
			s = "  no incident (i)";
		} else {
			s = text_utf8 ? "  no incident \u2014 i to declare" :
			    "  no incident -- i to declare";
		}
		return draw_text(win, y, x, x_end - x, s, ROLE_DIM, t);
	}
	snprintf(buf, sizeof(buf), "  %s", in->id);
	x += draw_text(win, y, x, x_end - x, buf, ROLE_TITLE, t);
	snprintf(buf, sizeof(buf), " %s", in->severity);
	x += draw_text(win, y, x, x_end - x, buf, sev_role(in->severity), t);
	snprintf(buf, sizeof(buf), " %s", in->status);
	x += draw_text(win, y, x, x_end - x, buf,
		       in->resolved ? ROLE_OK : ROLE_HEADER, t);
	header_fmt_minutes(in->elapsed_ms, span, sizeof(span));
	snprintf(buf, sizeof(buf), compact ? " %s" : " for %s", span);
	x += draw_text(win, y, x, x_end - x, buf, ROLE_HEADER, t);
	if (in->journal_failed) {
		x += draw_text(win, y, x, x_end - x, "  JOURNAL FAILED",
			       ROLE_CRIT, t);
	}
	if (in->update_state != APP_TIMER_NONE) {
		if (in->update_in_ms > 0) {
			format_countdown(in->update_in_ms, span,
					 sizeof(span));
			snprintf(buf, sizeof(buf), compact ? " upd %s" :
				 "  next update in %s", span);
		} else {
			format_overdue(-in->update_in_ms, span,
				       sizeof(span));
			snprintf(buf, sizeof(buf), compact ? " upd -%s" :
				 "  update overdue %s", span);
		}
		x += draw_text(win, y, x, x_end - x, buf,
			       timer_role(in->update_state), t);
	}
	return x - x0;
}

/* What each source is connected to (a kube context), production in the
 * critical colour, and any warning that stands (TLS not verified): always
 * in view, before the health dots, which shrink first. Returns the
 * columns used. */
static int
draw_scopes(struct app *a, int y, int x, int x_end)
{
	const struct theme *t = &a->theme;
	struct source_scope sc;
	char buf[160];
	int x0 = x;

	for (size_t i = 0; i < a->n_sources && x < x_end; i++) {
		if (!state_get_scope(a->st, (int)i, &sc)) {
			continue;
		}
		if (sc.name[0] != '\0') {
			snprintf(buf, sizeof(buf), sc.production ? "  PROD %s" :
				 "  ctx %s", sc.name);
			x += draw_text(a->win, y, x, x_end - x, buf,
				       sc.production ? ROLE_CRIT : ROLE_HEADER,
				       t);
		} else if (sc.production) {
			x += draw_text(a->win, y, x, x_end - x, "  PROD",
				       ROLE_CRIT, t);
		}
		if (sc.warning[0] != '\0') {
			snprintf(buf, sizeof(buf), "  %s", sc.warning);
			x += draw_text(a->win, y, x, x_end - x, buf, ROLE_WARN,
				       t);
		}
	}
	return x - x0;
}

void
header_draw(struct app *a)
{
	WINDOW *win = a->win;
	const struct theme *t = &a->theme;
	int y = a->lay.header.y, w = a->lay.header.w;
	int x = 1, x_end;
	char clock[32];
	bool compact;

	if (a->lay.header.h == 0) {
		return;
	}
	draw_fill(win, y, 0, 1, w, ROLE_HEADER, t);
	/* "HH:MM" of clock_format_utc()'s "HH:MM:SS" */
	clock_format_utc(clock_wall_ms(), 1, clock, sizeof(clock));
	strcpy(clock + 5, "Z");
	x_end = w - 1 - text_width(clock) - 2;
	draw_text_right(win, y, w - 1, text_width(clock), clock, ROLE_HEADER,
			t);

	compact = w < HEADER_WIDE;
	/* A narrow header gives the program's name up to the incident. */
	if (!compact || !a->incident.active) {
		x += draw_text(win, y, x, x_end - x, "warroom", ROLE_TITLE, t);
	} else {
		x--;
	}
	x += draw_incident(a, y, x, x_end, compact);
	if (a->demo) {
		x += draw_text(win, y, x, x_end - x, "  [DEMO]", ROLE_WARN, t);
	}
	if (a->read_only) {
		x += draw_text(win, y, x, x_end - x, "  [READ-ONLY]", ROLE_WARN,
			       t);
	}
	x += draw_scopes(a, y, x, x_end);
	x += 3;
	draw_dots(a, y, x, x_end);
}

/* Appends one hint "key\tlabel\n". */
static void
add_hint(char *buf, size_t n, const char *key, size_t key_len,
	 const char *label, size_t label_len)
{
	size_t len = strlen(buf);

	if (key_len == 0 || key_len >= 32) {
		return;
	}
	snprintf(buf + len, n - len, "%.*s\t%.*s\n", (int)key_len, key,
		 (int)label_len, label);
}

/* Adds a pane's own hints, written "v view  s sort" (two spaces between
 * hints). */
static void
add_pane_hints(const char *hints, char *buf, size_t n)
{
	const char *s = hints;

	while (*s != '\0') {
		const char *end, *sep;
		size_t key_len;

		while (*s == ' ') {
			s++;
		}
		if (*s == '\0') {
			break;
		}
		end = strstr(s, "  ");
		if (end == NULL) {
			end = s + strlen(s);
		}
		key_len = strcspn(s, " \t");
		if (key_len > (size_t)(end - s)) {
			key_len = (size_t)(end - s);
		}
		sep = s + key_len;
		if (sep < end) {
			sep++;
		}
		add_hint(buf, n, s, key_len, sep, (size_t)(end - sep));
		s = end;
	}
}

/* Whether the focused pane offers action d now: its target is the whole
 * source or the operator's input, or one the pane's view can select; and
 * read-only mode has not removed it. */
static bool
action_offered(const struct app *a, const struct pane *p,
	       const struct action_spec *sp)
{
	if (sp->destructive && a->read_only) {
		return false;
	}
	return sp->target == TARGET_SOURCE ||
	       sp->target == TARGET_KEY_PATTERN ||
	       (p->targets & PANE_TARGET(sp->target)) != 0;
}

void
header_hints(struct app *a, char *buf, size_t n)
{
	struct pane *p = &a->panes[a->focus];
	const struct action_impl *d;
	size_t len;

	/* Help and quit first: the status bar drops hints from the end
	 * when the line is narrow, and these two must stay findable. */
	snprintf(buf, n, "?\thelp\nq\tquit\n");
	if (a->strip.focused) {
		len = strlen(buf);
		snprintf(buf + len, n - len, "Enter\tshow its row\n"
			 "j k\tselect\nz\t%s\nEsc\tback to the panes",
			 a->strip.zoomed ? "fewer" : "all findings");
		return;
	}
	d = p->source >= 0 ? runner_actions(a->r, p->source) : NULL;
	for (; d != NULL && d->spec != NULL; d++) {
		char key[2] = { (char)d->spec->key, '\0' };

		if (action_offered(a, p, d->spec)) {
			add_hint(buf, n, key, 1, d->spec->hint,
				 strlen(d->spec->hint));
		}
	}
	if (p->hints != NULL) {
		add_pane_hints(p->hints, buf, n);
	}
	len = strlen(buf);
	snprintf(buf + len, n - len, "%s", a->zoomed ?
		 "Enter\tdetails\nEsc\tunzoom\n/\tfilter" :
		 "z\tzoom\n/\tfilter");
}

void
header_draw_status(struct app *a)
{
	char hints[512];

	if (a->lay.status.h == 0) {
		return;
	}
	if (a->cmdline.open) {
		cmdline_draw(&a->cmdline, a, a->lay.status.y);
		return;
	}
	header_hints(a, hints, sizeof(hints));
	statusbar_draw(a->win, a->lay.status.y, a->lay.status.w, a->status,
		       a->status_role, hints, &a->theme);
}
