/* Drawing the dashboard: pane frames (title, source, age, error line),
 * bodies through each pane's draw(), one-line summaries, overlays, and the
 * too-small message; only what the app marked dirty. UI thread. */
#include "tui/screen.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/sanitize.h"
#include "tui/adhoc.h"
#include "tui/app.h"
#include "tui/findings.h"
#include "tui/header.h"
#include "tui/help.h"
#include "widgets/draw.h"

static enum health
pane_health(const struct app *a, int i)
{
	int src = a->panes[i].source;

	if (src < 0 || (size_t)src >= a->n_sources) {
		return HEALTH_UNKNOWN;
	}
	return a->health[src];
}

/* The frame's colour, by precedence: the worst open finding about the
 * pane's source (warn or crit, in bold, so that in production a pane
 * with a finding still stands out), then production (every frame
 * critical: what is done here hits production), then focus. The title's
 * brackets mark the focus without colour. */
static attr_t
frame_attr(struct app *a, int i)
{
	enum health h = a->frame_health[i];

	if (h == HEALTH_CRIT || h == HEALTH_WARN) {
		return theme_attr(&a->theme, h == HEALTH_CRIT ? ROLE_CRIT :
				  ROLE_WARN) | A_BOLD;
	}
	return theme_attr(&a->theme, a->production ? ROLE_CRIT :
			  i == a->focus && !a->strip.focused ?
			  ROLE_BORDER_FOCUS : ROLE_BORDER);
}

static void
draw_frame(WINDOW *win, struct rect r, attr_t attr)
{
	wattrset(win, attr);
	mvwaddch(win, r.y, r.x, ACS_ULCORNER);
	mvwhline(win, r.y, r.x + 1, ACS_HLINE, r.w - 2);
	mvwaddch(win, r.y, r.x + r.w - 1, ACS_URCORNER);
	mvwvline(win, r.y + 1, r.x, ACS_VLINE, r.h - 2);
	mvwvline(win, r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
	mvwaddch(win, r.y + r.h - 1, r.x, ACS_LLCORNER);
	mvwhline(win, r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
	mvwaddch(win, r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
	wattrset(win, A_NORMAL);
}

static int
put(struct app *a, int y, int x, int x_end, const char *s, enum role role)
{
	if (x >= x_end) {
		return 0;
	}
	return draw_text(a->win, y, x, x_end - x, s, role, &a->theme);
}

static const char *
dot_sep(void)
{
	return text_utf8 ? " \u00b7 " : " - ";
}

/* What a tab or a line calls source src: its instance ("billing") when
 * every source of the pane shares its backend, else its whole name. */
static const char *
tab_name(const struct app *a, int i, int src)
{
	const char *name = state_source_name(a->st, src);
	const char *dot = strchr(name, '.');
	const int *all;
	size_t n = app_pane_sources(a, i, &all);

	if (dot == NULL || n < 2) {
		return name;
	}
	for (size_t j = 0; j < n; j++) {
		const char *o = state_source_name(a->st, all[j]);

		if (strncmp(o, name, (size_t)(dot - name + 1)) != 0) {
			return name;
		}
	}
	return dot + 1;
}

/* The title's sources: one source by its name; several as tabs, each
 * with its glyph (a cross for a failed poll, a dot in its health's colour
 * otherwise), the one shown in brackets; how many, for a pane that shows
 * them all at once. Returns the columns used. */
static int
draw_tabs(struct app *a, int i, int y, int x, int x_end)
{
	const struct pane *p = &a->panes[i];
	const int *all;
	size_t n = app_pane_sources(a, i, &all);
	int x0 = x;

	x += put(a, y, x, x_end, " ", ROLE_NORMAL);
	if (p->ops->whole_kind) {
		char buf[32];

		/* Its body has a row for each. */
		snprintf(buf, sizeof(buf), "%zu source%s", n,
			 n == 1 ? "" : "s");
		return x - x0 + put(a, y, x, x_end, buf, ROLE_DIM);
	}
	if (n < 2) {
		return x - x0 + put(a, y, x, x_end,
				    state_source_name(a->st, p->source),
				    ROLE_NORMAL);
	}
	for (size_t j = 0; j < n && x < x_end; j++) {
		enum app_glyph g = app_source_glyph(a, all[j]);
		bool on = all[j] == p->source;

		if (j > 0) {
			x += put(a, y, x, x_end, " ", ROLE_NORMAL);
		}
		if (on) {
			x += put(a, y, x, x_end, "[", ROLE_TITLE);
		}
		x += put(a, y, x, x_end, app_glyph_text(g),
			 g == APP_GLYPH_DOWN ? ROLE_CRIT :
			 header_health_role(a->health[all[j]], ROLE_DIM));
		x += put(a, y, x, x_end, " ", ROLE_NORMAL);
		x += put(a, y, x, x_end, tab_name(a, i, all[j]),
			 on ? ROLE_TITLE : ROLE_NORMAL);
		if (on) {
			x += put(a, y, x, x_end, "]", ROLE_TITLE);
		}
	}
	return x - x0;
}

static void
draw_title(struct app *a, int i, const struct pane_ctx *c)
{
	struct pane *p = &a->panes[i];
	struct rect r = a->lay.pane[i];
	bool focused = i == a->focus && !a->strip.focused;
	int y = r.y, x = r.x + 1, x_end = r.x + r.w - 1;
	char buf[128], age[32];

	wattrset(a->win, frame_attr(a, i));
	mvwhline(a->win, y, r.x + 1, ACS_HLINE, r.w - 2);
	wattrset(a->win, A_NORMAL);

	/* The brackets mark focus without colour: capture-pane and
	 * monochrome themes see them too. */
	snprintf(buf, sizeof(buf), focused ? "[%d %s]" : " %d %s",
		 p->number, pane_title(p));
	x += put(a, y, x, x_end, buf,
		 header_health_role(pane_health(a, i), ROLE_TITLE));
	if (p->ops->kind == SNAP_KIND_COUNT && a->tl != NULL) {
		size_t entries = timeline_count(a->tl);

		snprintf(buf, sizeof(buf), " %zu %s", entries,
			 entries == 1 ? "entry" : "entries");
		x += put(a, y, x, x_end, buf, ROLE_DIM);
	}
	if (adhoc_shows(a, i)) {
		x += put(a, y, x, x_end, " :promql ", ROLE_KEY);
		x += put(a, y, x, x_end, a->adhoc.expr, ROLE_NORMAL);
		if (a->adhoc.answer == NULL) {
			x += put(a, y, x, x_end, " (asking ...)", ROLE_DIM);
		}
	} else if (p->source >= 0) {
		x += draw_tabs(a, i, y, x, x_end);
	}
	if (c->snap != NULL) {
		const struct snapshot *shown = c->data ? c->data : c->snap;
		bool stale = snapshot_is_stale(shown, c->now_mono_ms);

		app_age_text(shown, c->now_mono_ms, age, sizeof(age));
		snprintf(buf, sizeof(buf), "%s%s%s", dot_sep(), age,
			 stale ? " stale" : "");
		x += put(a, y, x, x_end, buf, stale ? ROLE_STALE : ROLE_DIM);
	}
	x += put(a, y, x, x_end, " ", ROLE_DIM);
	if (p->filter[0] != '\0' && x_end - x > 8) {
		snprintf(buf, sizeof(buf), " /%s ", p->filter);
		draw_text_right(a->win, y, x_end - 1, x_end - 1 - x, buf,
				ROLE_KEY, &a->theme);
	}
	app_age_key(c, a->title_age[i], sizeof(a->title_age[i]));
}

/* The error line (first inside row) when the latest poll failed; returns
 * the rows it took. */
static int
draw_error_line(struct app *a, const struct pane_ctx *c, struct rect in)
{
	char buf[ERR_MSG_MAX + 128], age[32], retry[48], widest[48];
	int need, rows = 1;

	if (c->snap == NULL || c->snap->error[0] == '\0' || in.h < 1) {
		return 0;
	}
	if (c->snap->last_good != NULL) {
		clock_format_duration(snapshot_age_ms(c->snap->last_good,
						      c->now_mono_ms),
				      age, sizeof(age));
		snprintf(buf, sizeof(buf), "%s %s showing data from %s ago",
			 c->snap->error, text_utf8 ? "\u2014" : "--", age);
	} else {
		snprintf(buf, sizeof(buf), "%s", c->snap->error);
	}
	draw_fill(a->win, in.y, in.x, 1, in.w, ROLE_NORMAL, &a->theme);
	/* When the source is tried again: after the reason when both fit,
	 * else on a line of its own, so the reason is never cut for it.
	 * Which of the two is decided by what cannot change while this
	 * snapshot is shown (the countdown's widest text, an age of at most
	 * six characters), so that the rows do not move each second. */
	if (snapshot_retry_text(c->snap, c->snap->taken_mono_ms, widest,
				sizeof(widest))) {
		snapshot_retry_text(c->snap, c->now_mono_ms, retry,
				    sizeof(retry));
		need = draw_width(c->snap->error) + 3 + draw_width(widest) +
		       (c->snap->last_good != NULL ?
			draw_width(" -- showing data from 000000 ago") : 0);
		if (need <= in.w) {
			size_t len = strlen(buf);

			snprintf(buf + len, sizeof(buf) - len, "%s%s",
				 dot_sep(), retry);
		} else if (in.h >= 4) {
			draw_fill(a->win, in.y + 1, in.x, 1, in.w, ROLE_NORMAL,
				  &a->theme);
			draw_text(a->win, in.y + 1, in.x, in.w, retry,
				  ROLE_DIM, &a->theme);
			rows = 2;
		}
	}
	draw_text(a->win, in.y, in.x, in.w, buf, ROLE_CRIT, &a->theme);
	return rows;
}

/* The worst thing source src has to say: its error when its poll
 * failed, else its first finding (they are sorted worst first); text and
 * role into *text and *role. False when it has nothing (no poll yet, or
 * healthy with no finding). The snapshot reference goes to *hold, which
 * the caller drops. */
static bool
worst_of(struct app *a, int src, struct snapshot **hold, const char **text,
	 enum role *role, enum health *sev)
{
	struct snapshot *s = state_get(a->st, src);

	*hold = s;
	if (s == NULL) {
		return false;
	}
	if (s->error[0] != '\0') {
		*text = s->error;
		*role = ROLE_CRIT;
		*sev = HEALTH_CRIT;
		return true;
	}
	if (s->n_findings > 0) {
		*text = s->findings[0].text;
		*sev = s->findings[0].sev;
		*role = header_health_role(*sev, ROLE_NORMAL);
		return true;
	}
	return false;
}

/* One line: glyph, "source: " and text, in role, on row y. */
static void
draw_problem(struct app *a, int y, int x, int w, const char *glyph,
	     const char *who, const char *text, enum role role)
{
	int x_end = x + w;

	draw_fill(a->win, y, x, 1, w, ROLE_NORMAL, &a->theme);
	x += put(a, y, x, x_end, glyph, role);
	x += put(a, y, x, x_end, " ", ROLE_NORMAL);
	if (who != NULL) {
		x += put(a, y, x, x_end, who, ROLE_TITLE);
		x += put(a, y, x, x_end, ": ", ROLE_NORMAL);
	}
	put(a, y, x, x_end, text, role);
}

/* Under the title, before the pane's own body: for every other source of
 * the pane that failed or has a warning, its worst thing, one line each
 * (so a wrong password is read without switching to it); then, when the
 * pane shows another view than its first, the shown source's worst
 * finding (a lock pile-up seen from the sessions view). Returns the rows
 * used; leaves at least half of in to the body. */
static int
draw_problem_lines(struct app *a, int i, const struct pane_ctx *c,
		   struct rect in)
{
	const struct pane *p = &a->panes[i];
	const int *all;
	size_t n = app_pane_sources(a, i, &all);
	int rows = 0, max = in.h / 2;

	/* A pane of the whole kind has every source in its body. */
	for (size_t j = 0; j < n && rows < max && !p->ops->whole_kind; j++) {
		struct snapshot *hold;
		const char *text;
		enum role role;
		enum health sev;

		if (all[j] == p->source) {
			continue;
		}
		if (worst_of(a, all[j], &hold, &text, &role, &sev) &&
		    sev >= HEALTH_WARN) {
			draw_problem(a, in.y + rows++, in.x, in.w,
				     app_glyph_text(app_source_glyph(a,
								     all[j])),
				     state_source_name(a->st, all[j]), text,
				     role);
		}
		snapshot_unref(hold);
	}
	if (p->sub != 0 && c->snap != NULL && c->snap->error[0] == '\0' &&
	    c->snap->n_findings > 0 && c->snap->findings[0].sev >= HEALTH_WARN &&
	    rows < max) {
		const struct finding *f = &c->snap->findings[0];

		draw_problem(a, in.y + rows++, in.x, in.w, "!", NULL, f->text,
			     header_health_role(f->sev, ROLE_NORMAL));
	}
	return rows;
}

static void
draw_body(struct app *a, int i, const struct pane_ctx *c, struct rect in)
{
	struct pane *p = &a->panes[i];
	char buf[160];

	draw_fill(a->win, in.y, in.x, in.h, in.w, ROLE_NORMAL, &a->theme);
	a->pane_body[i] = in;
	if (in.h <= 0 || in.w <= 0) {
		return;
	}
	if (p->ops->kind == SNAP_KIND_COUNT || c->data != NULL ||
	    (p->ops->whole_kind && c->n_kind_snaps > 0)) {
		p->ops->draw(p, c, a->win, in.y, in.x, in.h, in.w);
		return;
	}
	if (p->source < 0) {
		snprintf(buf, sizeof(buf), "no %s source configured "
			 "(see docs/configuration.md)", pane_title(p));
		draw_text(a->win, in.y, in.x, in.w, buf, ROLE_DIM, &a->theme);
	} else if (c->snap == NULL) {
		snprintf(buf, sizeof(buf), "waiting for the first poll of %s",
			 state_source_name(a->st, p->source));
		draw_text(a->win, in.y, in.x, in.w, buf, ROLE_DIM, &a->theme);
	}
}

/* The worst thing among every source (for the timeline's line): a failed
 * poll or the first finding of each, worst first, the first configured
 * among equals. Returns the source, or -1 when nothing is wrong; *hold
 * keeps the text alive until the caller drops it. */
static int
worst_overall(struct app *a, struct snapshot **hold, const char **text,
	      enum role *role)
{
	enum health best = HEALTH_OK;
	int found = -1;

	*hold = NULL;
	for (size_t i = 0; i < a->n_sources; i++) {
		struct snapshot *h;
		const char *t;
		enum role r;
		enum health sev;

		if (state_source_retired(a->st, (int)i)) {
			continue;
		}
		if (worst_of(a, (int)i, &h, &t, &r, &sev) && sev > best) {
			snapshot_unref(*hold);
			*hold = h;
			*text = t;
			*role = r;
			best = sev;
			found = (int)i;
			continue;
		}
		snapshot_unref(h);
	}
	return found;
}

/* The timeline's closed line: how many entries, then the worst thing
 * open now across every source, else the latest entry. */
static void
draw_timeline_summary(struct app *a, int i, int x, int x_end)
{
	struct rect r = a->lay.pane[i];
	size_t n = a->tl ? timeline_count(a->tl) : 0;
	struct snapshot *hold;
	const char *text = NULL;
	enum role role = ROLE_NORMAL;
	char buf[64];
	int src;

	snprintf(buf, sizeof(buf), "  %zu %s", n, n == 1 ? "entry" :
		 "entries");
	x += put(a, r.y, x, x_end, buf, ROLE_DIM);
	x += put(a, r.y, x, x_end, "  ", ROLE_NORMAL);
	src = worst_overall(a, &hold, &text, &role);
	if (src >= 0) {
		x += put(a, r.y, x, x_end, state_source_name(a->st, src),
			 ROLE_TITLE);
		x += put(a, r.y, x, x_end, ": ", ROLE_NORMAL);
		put(a, r.y, x, x_end, text, role);
	} else if (n > 0) {
		put(a, r.y, x, x_end, timeline_get(a->tl, n - 1)->text,
		    ROLE_NORMAL);
	}
	snapshot_unref(hold);
}

/* One line for a pane the accordion keeps closed: number and title in
 * its health colour, its sources' glyphs, the worst thing among them
 * (a failed poll's reason, else the first finding: they are sorted worst
 * first), the shown source's age. */
static void
draw_summary(struct app *a, int i, const struct pane_ctx *c)
{
	struct pane *p = &a->panes[i];
	struct rect r = a->lay.pane[i];
	int x = r.x + 1, x_end = r.x + r.w - 1;
	enum health h = pane_health(a, i);
	char buf[FINDING_TEXT_MAX + 32], age[32];
	const char *text = "ok";
	enum role role = ROLE_OK;
	struct snapshot *hold = NULL;
	const int *all;
	size_t n = app_pane_sources(a, i, &all);
	int age_w = 0, worst = app_worst_source(a, i);
	enum health sev;

	draw_fill(a->win, r.y, r.x, 1, r.w, ROLE_NORMAL, &a->theme);
	a->pane_body[i] = r;
	snprintf(buf, sizeof(buf), "%d %-9s", p->number, pane_title(p));
	if (p->ops->kind == SNAP_KIND_COUNT) {
		x += put(a, r.y, x, x_end, buf, ROLE_TITLE);
		draw_timeline_summary(a, i, x, x_end);
		return;
	}
	for (size_t j = 0; j < n; j++) {
		if (a->health[all[j]] > h) {
			h = a->health[all[j]];
		}
	}
	x += put(a, r.y, x, x_end, buf, header_health_role(h, ROLE_TITLE));
	for (size_t j = 0; j < n; j++) {
		enum app_glyph g = app_source_glyph(a, all[j]);

		x += put(a, r.y, x, x_end, " ", ROLE_NORMAL);
		x += put(a, r.y, x, x_end, app_glyph_text(g),
			 g == APP_GLYPH_DOWN ? ROLE_CRIT :
			 header_health_role(a->health[all[j]], ROLE_DIM));
		x += put(a, r.y, x, x_end, " ", ROLE_NORMAL);
		x += put(a, r.y, x, x_end, n > 1 ? tab_name(a, i, all[j]) :
			 state_source_name(a->st, all[j]), ROLE_NORMAL);
	}
	x += put(a, r.y, x, x_end, "  ", ROLE_NORMAL);
	if (worst >= 0 && worst_of(a, worst, &hold, &text, &role, &sev)) {
		if (n > 1) {
			x += put(a, r.y, x, x_end, tab_name(a, i, worst),
				 ROLE_TITLE);
			x += put(a, r.y, x, x_end, ": ", ROLE_NORMAL);
		}
	} else if (c->snap == NULL) {
		text = "waiting for the first poll";
		role = ROLE_DIM;
	} else {
		text = "ok";
		role = ROLE_OK;
	}
	if (c->snap != NULL) {
		const struct snapshot *shown = c->data ? c->data : c->snap;
		bool stale = snapshot_is_stale(shown, c->now_mono_ms);

		app_age_text(shown, c->now_mono_ms, age, sizeof(age));
		snprintf(buf, sizeof(buf), " %s%s", age,
			 stale ? " stale" : "");
		age_w = draw_text_right(a->win, r.y, x_end, x_end - x, buf,
					stale ? ROLE_STALE : ROLE_DIM,
					&a->theme);
	}
	put(a, r.y, x, x_end - age_w, text, role);
	snapshot_unref(hold);
	app_age_key(c, a->title_age[i], sizeof(a->title_age[i]));
}

static void
draw_pane(struct app *a, int i)
{
	struct rect r = a->lay.pane[i];
	unsigned d = a->pane_dirty[i];
	struct pane_ctx c;
	struct rect in;
	int err_rows;

	app_ctx_get(a, i, &c);
	if (r.h == 1) {
		draw_summary(a, i, &c);
		app_ctx_release(&c);
		return;
	}
	in = layout_inside(r);
	a->frame_health[i] = findings_pane_health(a, i);
	if (d & PANE_DIRTY_BODY) {
		draw_frame(a->win, r, frame_attr(a, i));
	}
	draw_title(a, i, &c);
	err_rows = draw_error_line(a, &c, in);
	if (d & PANE_DIRTY_BODY) {
		in.y += err_rows;
		in.h -= err_rows;
		err_rows = draw_problem_lines(a, i, &c, in);
		in.y += err_rows;
		in.h -= err_rows;
		draw_body(a, i, &c, in);
	}
	app_ctx_release(&c);
}

static void
draw_too_small(struct app *a)
{
	char msg[96];
	int len, y, x, w = a->cols;
	const char *s = msg;

	layout_too_small_text(&a->lay, msg, sizeof(msg));
	len = (int)strlen(msg);
	/* Word-wrapped and centred, however narrow the terminal is. */
	y = a->rows / 2 - (w > 0 ? (len / w) : 0) / 2;
	if (y < 0) {
		y = 0;
	}
	while (*s != '\0' && y < a->rows && w > 0) {
		int take = (int)strlen(s);

		if (take > w) {
			take = w;
			for (int k = w; k > 0; k--) {
				if (s[k] == ' ') {
					take = k;
					break;
				}
			}
		}
		x = (w - take) / 2;
		mvwaddnstr(a->win, y++, x, s, take);
		s += take;
		while (*s == ' ') {
			s++;
		}
	}
}

static void
draw_overlay(struct app *a)
{
	int w = a->cols - 4 > 100 ? 100 : a->cols - 4;
	int h = a->rows - 4;
	int y = 2, x = (a->cols - w) / 2;
	const char *hint = text_utf8 ? " Esc close  \u2191\u2193 PgUp PgDn "
				       "scroll " :
				       " Esc close  j k PgUp PgDn scroll ";

	if (a->overlay != OVERLAY_NONE && w >= 10 && h >= 4) {
		draw_fill(a->win, y, x, h, w, ROLE_DIALOG, &a->theme);
		draw_frame(a->win, (struct rect){ y, x, h, w },
			   theme_attr(&a->theme, ROLE_DIALOG_BORDER));
		draw_text(a->win, y, x + 2, w - 4, a->overlay_title,
			  ROLE_TITLE, &a->theme);
		textview_draw(&a->tv, a->win, y + 1, x + 2, h - 2, w - 4,
			      &a->theme);
		draw_text_right(a->win, y + h - 1, x + w - 2, w - 4,
				a->overlay_hint[0] != '\0' ?
				a->overlay_hint : hint, ROLE_DIM, &a->theme);
	}
	if (dialog_is_open(&a->dlg)) {
		dialog_draw(&a->dlg, a->win, &a->theme);
	}
}

static void
clear_dirty(struct app *a)
{
	a->dirty_all = false;
	a->dirty_header = false;
	a->dirty_status = false;
	a->dirty_overlay = false;
	a->dirty_strip = false;
	memset(a->pane_dirty, 0, sizeof(a->pane_dirty));
}

bool
screen_draw(struct app *a)
{
	if (!app_any_dirty(a)) {
		return false;
	}
	if (a->dirty_all) {
		werase(a->win);
		a->dirty_header = true;
		a->dirty_status = true;
		for (int i = 0; i < a->n_panes; i++) {
			a->pane_dirty[i] = PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
		}
	}
	if (a->lay.mode == LAYOUT_TOO_SMALL) {
		if (a->dirty_all) {
			draw_too_small(a);
		}
		clear_dirty(a);
		return true;
	}
	if (a->first_run) {
		if (a->dirty_all || a->dirty_status) {
			help_draw_first_run(a);
		}
		clear_dirty(a);
		return true;
	}
	if (a->dirty_header) {
		header_draw(a);
	}
	if (a->dirty_strip || a->dirty_all) {
		findings_draw(a);
	}
	for (int i = 0; i < a->n_panes; i++) {
		if (a->pane_dirty[i] != 0 && a->lay.pane[i].h > 0 &&
		    a->lay.pane[i].w > 0) {
			draw_pane(a, i);
		}
	}
	if (a->dirty_status) {
		header_draw_status(a);
	}
	if (a->overlay != OVERLAY_NONE || dialog_is_open(&a->dlg)) {
		draw_overlay(a);
	}
	clear_dirty(a);
	return true;
}
