/* Drawing the dashboard: pane frames (title, source, age, error line),
 * bodies through each pane's draw(), one-line summaries, overlays, and the
 * too-small message; only what the app marked dirty. UI thread. */
#include "tui/screen.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/sanitize.h"
#include "tui/app.h"
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

/* Position of the pane's source among its kind, 1-based, and how many. */
static size_t
source_position(const struct app *a, int i, size_t *n)
{
	const struct pane *p = &a->panes[i];
	enum snap_kind k = p->ops->kind;

	*n = k < SNAP_KIND_COUNT ? a->n_kind_src[k] : 0;
	for (size_t j = 0; j < *n; j++) {
		if (a->kind_src[k][j] == p->source) {
			return j + 1;
		}
	}
	return 0;
}

static const char *
dot_sep(void)
{
	return text_utf8 ? " \u00b7 " : " - ";
}

static void
draw_title(struct app *a, int i, const struct pane_ctx *c)
{
	struct pane *p = &a->panes[i];
	struct rect r = a->lay.pane[i];
	bool focused = i == a->focus;
	int y = r.y, x = r.x + 1, x_end = r.x + r.w - 1;
	char buf[128], age[32];
	size_t pos, n;

	wattrset(a->win, theme_attr(&a->theme, focused ? ROLE_BORDER_FOCUS :
				    ROLE_BORDER));
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
	if (p->source >= 0 && p->ops->whole_kind) {
		source_position(a, i, &n);
		snprintf(buf, sizeof(buf), " %zu source%s", n,
			 n == 1 ? "" : "s");
		x += put(a, y, x, x_end, buf, ROLE_DIM);
	} else if (p->source >= 0) {
		x += put(a, y, x, x_end, " ", ROLE_NORMAL);
		x += put(a, y, x, x_end, state_source_name(a->st, p->source),
			 ROLE_NORMAL);
		pos = source_position(a, i, &n);
		if (n > 1) {
			snprintf(buf, sizeof(buf), " (%zu/%zu)", pos, n);
			x += put(a, y, x, x_end, buf, ROLE_DIM);
		}
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

/* One line for a pane the accordion keeps closed: number and title in
 * its health colour, source, the most important finding, age. */
static void
draw_summary(struct app *a, int i, const struct pane_ctx *c)
{
	struct pane *p = &a->panes[i];
	struct rect r = a->lay.pane[i];
	int x = r.x + 1, x_end = r.x + r.w - 1;
	enum health h = pane_health(a, i);
	char buf[FINDING_TEXT_MAX + 32], age[32];
	const char *text = "";
	enum role role = ROLE_DIM;
	int age_w = 0;

	draw_fill(a->win, r.y, r.x, 1, r.w, ROLE_NORMAL, &a->theme);
	snprintf(buf, sizeof(buf), "%d %-9s", p->number, pane_title(p));
	x += put(a, r.y, x, x_end, buf,
		 header_health_role(h, ROLE_TITLE));
	if (p->ops->kind == SNAP_KIND_COUNT) {
		const struct tl_entry *e = NULL;
		size_t n = a->tl ? timeline_count(a->tl) : 0;

		if (n > 0) {
			e = timeline_get(a->tl, n - 1);
		}
		snprintf(buf, sizeof(buf), "  %zu %s", n,
			 n == 1 ? "entry" : "entries");
		x += put(a, r.y, x, x_end, buf, ROLE_DIM);
		if (e != NULL) {
			x += put(a, r.y, x, x_end, "  ", ROLE_NORMAL);
			put(a, r.y, x, x_end, e->text, ROLE_NORMAL);
		}
		a->pane_body[i] = r;
		return;
	}
	if (p->source < 0) {
		put(a, r.y, x, x_end, "   not configured", ROLE_DIM);
		a->pane_body[i] = r;
		return;
	}
	x += put(a, r.y, x, x_end, text_utf8 ? " \u25cf " : " * ",
		 header_health_role(h, ROLE_DIM));
	x += put(a, r.y, x, x_end, state_source_name(a->st, p->source),
		 ROLE_NORMAL);
	x += put(a, r.y, x, x_end, "  ", ROLE_NORMAL);
	if (c->snap == NULL) {
		text = "waiting for the first poll";
	} else if (c->snap->error[0] != '\0') {
		text = c->snap->error;
		role = ROLE_CRIT;
	} else if (c->snap->n_findings > 0) {
		/* Derived at publish, worst first. */
		text = c->snap->findings[0].text;
		role = header_health_role(c->snap->findings[0].sev,
					  ROLE_NORMAL);
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
	app_age_key(c, a->title_age[i], sizeof(a->title_age[i]));
	a->pane_body[i] = r;
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
	if (d & PANE_DIRTY_BODY) {
		draw_frame(a->win, r, theme_attr(&a->theme,
						 i == a->focus ?
						 ROLE_BORDER_FOCUS :
						 ROLE_BORDER));
	}
	draw_title(a, i, &c);
	err_rows = draw_error_line(a, &c, in);
	if (d & PANE_DIRTY_BODY) {
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
