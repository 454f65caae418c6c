/* The Findings strip (tui/findings.h): the list of every source's open
 * findings, its drawing, keys and clicks; where a finding leads is
 * tui/findings_jump.c. UI thread only. */
#include "tui/findings.h"
#include "tui/findings_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kind.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/header.h"
#include "widgets/draw.h"

#define KEY_ESC 27

/* ---- the list ------------------------------------------------------------ */

int
findings_sev_rank(enum health h)
{
	switch (h) {
	case HEALTH_CRIT:
		return 0;
	case HEALTH_WARN:
		return 1;
	case HEALTH_OK:
		return 2;
	case HEALTH_UNKNOWN:
		break;
	}
	return 3;
}

/* When the finding opened (the tracker's), else when its condition began;
 * 0 unknown. */
static int64_t
opened_at(const struct finding *f)
{
	return f->opened_ms > 0 ? f->opened_ms : f->since_ms;
}

int
findings_cmp(const struct findings_item *x, const struct findings_item *y)
{
	int64_t ox = opened_at(x->f), oy = opened_at(y->f);
	int r;

	if (x->f->suppressed != y->f->suppressed) {
		return x->f->suppressed ? 1 : -1;
	}
	if ((r = findings_sev_rank(x->f->sev) -
	     findings_sev_rank(y->f->sev)) != 0) {
		return r;
	}
	if (x->diag != y->diag) {
		return x->diag ? -1 : 1;
	}
	/* Oldest first; an unknown opening last. */
	if (ox != oy) {
		if (ox == 0 || oy == 0) {
			return ox == 0 ? 1 : -1;
		}
		return ox < oy ? -1 : 1;
	}
	if (x->src != y->src) {
		return x->src < y->src ? -1 : 1;
	}
	return strcmp(x->f->key, y->f->key);
}

static int
cmp_items(const void *pa, const void *pb)
{
	return findings_cmp(pa, pb);
}

bool
findings_is_diag(struct app *a, int src)
{
	const struct kind_desc *kd = kind_of(state_source_kind(a->st, src));

	/* A kind without a pane of its own is the diagnosis: its findings
	 * are conclusions about the others' rows. */
	return kd != NULL && kd->paneless;
}

bool
findings_action_allowed(struct app *a, const struct finding *f)
{
	int src = state_find_source(a->st, f->at_source);
	const struct kind_desc *kd;

	if (f->action_key == '\0') {
		return false;
	}
	if (!a->read_only || src < 0 ||
	    (kd = kind_of(state_source_kind(a->st, src))) == NULL) {
		return true;
	}
	for (size_t i = 0; kd->actions != NULL && kd->actions[i] != NULL;
	     i++) {
		if (kd->actions[i]->key == f->action_key) {
			return !kd->actions[i]->destructive;
		}
	}
	return true;    /* a pane's own key (l logs) */
}

/* Folds under each diagnosis finding the kind's finding it cites. */
static void
fold_cited(struct app *a, struct findings_list *l)
{
	size_t out = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct findings_item *d = &l->items[i];

		if (!d->diag || d->f->cites[0] == '\0') {
			continue;
		}
		for (size_t j = 0; j < l->n; j++) {
			struct findings_item *k = &l->items[j];

			if (k->diag || k->f == NULL ||
			    strcmp(k->f->key, d->f->cites) != 0 ||
			    strcmp(state_source_name(a->st, k->src),
				   d->f->cites_source) != 0) {
				continue;
			}
			k->f = NULL;    /* folded */
			d->cited++;
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->items[i].f != NULL) {
			l->items[out++] = l->items[i];
		}
	}
	l->n = out;
}

void
findings_list_build(struct app *a, struct findings_list *l)
{
	size_t n_src = state_source_count(a->st), cap = 0;

	memset(l, 0, sizeof(*l));
	l->held = xcalloc(n_src + 1, sizeof(*l->held));
	for (size_t i = 0; i < n_src; i++) {
		struct snapshot *s;

		if (state_source_retired(a->st, (int)i) ||
		    (s = state_get(a->st, (int)i)) == NULL) {
			continue;
		}
		l->held[l->n_held++] = s;
		for (size_t j = 0; j < s->n_findings; j++) {
			if (l->n == cap) {
				cap = cap ? cap * 2 : 16;
				l->items = xreallocarray(l->items, cap,
							 sizeof(*l->items));
			}
			l->items[l->n++] = (struct findings_item){
				.f = &s->findings[j], .src = (int)i,
				.diag = findings_is_diag(a, (int)i),
			};
		}
	}
	fold_cited(a, l);
	if (l->n > 1) {
		qsort(l->items, l->n, sizeof(*l->items), cmp_items);
	}
}

void
findings_list_free(struct findings_list *l)
{
	for (size_t i = 0; i < l->n_held; i++) {
		snapshot_unref(l->held[i]);
	}
	free(l->held);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* ---- the selection ------------------------------------------------------- */

static void
remember_sel(struct app *a, const struct findings_list *l)
{
	struct app_strip *s = &a->strip;

	if (s->sel < l->n) {
		const struct findings_item *it = &l->items[s->sel];

		strlcpy_safe(s->sel_source, state_source_name(a->st, it->src),
			     sizeof(s->sel_source));
		strlcpy_safe(s->sel_key, it->f->key, sizeof(s->sel_key));
	} else {
		s->sel_source[0] = '\0';
		s->sel_key[0] = '\0';
	}
}

/* Keeps the selection among the lines shown (lines of them). */
static void
clamp_view(struct app *a, const struct findings_list *l, int lines)
{
	struct app_strip *s = &a->strip;

	if (s->sel >= l->n) {
		s->sel = l->n > 0 ? l->n - 1 : 0;
	}
	if (lines < 1) {
		lines = 1;
	}
	if (s->top > s->sel) {
		s->top = s->sel;
	}
	if (s->sel >= s->top + (size_t)lines) {
		s->top = s->sel - (size_t)lines + 1;
	}
	if (s->top + (size_t)lines > l->n) {
		s->top = l->n > (size_t)lines ? l->n - (size_t)lines : 0;
	}
}

/* Finds the remembered finding again in a newer list (else keeps the
 * line, clamped) and keeps it among the lines shown. */
static void
follow_sel(struct app *a, const struct findings_list *l, int lines)
{
	struct app_strip *s = &a->strip;

	for (size_t i = 0; s->sel_key[0] != '\0' && i < l->n; i++) {
		if (strcmp(l->items[i].f->key, s->sel_key) == 0 &&
		    strcmp(state_source_name(a->st, l->items[i].src),
			   s->sel_source) == 0) {
			s->sel = i;
			break;
		}
	}
	clamp_view(a, l, lines);
}

/* Lines of findings the strip of h rows shows for n findings: all when
 * they fit, else one row less for the "+N more" line. */
static int
finding_lines(size_t n, int h)
{
	if (n <= (size_t)h) {
		return (int)n;
	}
	return h > 1 ? h - 1 : 1;
}

/* Lines of findings the strip shows now. */
static int
strip_lines(const struct app *a, size_t n)
{
	return finding_lines(n, a->lay.strip.h > 0 ? a->lay.strip.h : 1);
}

int
findings_strip_rows(struct app *a)
{
	struct findings_list l;
	int rows;

	findings_list_build(a, &l);
	rows = l.n == 0 ? 1 : l.n > FINDINGS_STRIP_LINES ?
	       FINDINGS_STRIP_LINES : (int)l.n;
	findings_list_free(&l);
	return rows;
}

/* ---- drawing ------------------------------------------------------------- */

static const char *
sev_mark(enum health h)
{
	switch (h) {
	case HEALTH_CRIT:
		return text_utf8 ? "\u2716" : "X";
	case HEALTH_WARN:
		return text_utf8 ? "\u25b2" : "!";
	case HEALTH_OK:
	case HEALTH_UNKNOWN:
		break;
	}
	return text_utf8 ? "\u2022" : "-";
}

/* How long f has been open, in whole minutes: "<1m", "12m", "1h05m",
 * "2d03h"; "" unknown. Minutes, so an idle strip stays still. */
static void
open_for(const struct finding *f, int64_t now_ms, char *buf, size_t n)
{
	int64_t t = opened_at(f);

	if (t <= 0) {
		buf[0] = '\0';
		return;
	}
	if (now_ms - t < 60000) {
		snprintf(buf, n, "<1m");
	} else {
		header_fmt_minutes(now_ms - t, buf, n);
	}
}

/* The right-hand part of a line: "k8s.demo · 12m". */
static void
line_right(struct app *a, const struct findings_item *it, int64_t now,
	   char *buf, size_t n)
{
	char age[32];

	open_for(it->f, now, age, sizeof(age));
	snprintf(buf, n, " %s%s%s", state_source_name(a->st, it->src),
		 age[0] ? (text_utf8 ? " \u00b7 " : " - ") : "", age);
}

/* One finding's line; more, when not NULL, goes before its source (a
 * one-line strip's count of the others). */
static void
draw_item(struct app *a, int y, const struct findings_item *it, bool sel,
	  int64_t now, const char *more)
{
	const struct theme *t = &a->theme;
	const struct finding *f = it->f;
	int x = a->lay.strip.x, w = a->lay.strip.w, x_end = x + w, rw;
	enum role base = sel ? ROLE_SELECTED : ROLE_NORMAL;
	enum role text_role = sel ? ROLE_SELECTED : f->suppressed ? ROLE_DIM :
			      ROLE_NORMAL;
	char buf[FINDING_TEXT_MAX + 64];

	draw_fill(a->win, y, x, 1, w, base, t);
	line_right(a, it, now, buf, sizeof(buf));
	/* The source and age stay; the text gives way. */
	rw = draw_text_right(a->win, y, x_end - 1, w / 3, buf,
			     sel ? ROLE_SELECTED : ROLE_DIM, t);
	x_end -= rw + 1;
	if (more != NULL) {
		int mw = draw_text_right(a->win, y, x_end, w / 4, more,
					 ROLE_KEY, t);

		x_end -= mw;
		a->strip.more_x = x_end;
		a->strip.more_w = mw;
	}
	x += draw_text(a->win, y, x + 1, x_end - x - 1,
		       sev_mark(f->sev), sel ? ROLE_SELECTED :
		       f->suppressed ? ROLE_DIM :
		       header_health_role(f->sev, ROLE_DIM), t) + 2;
	if (findings_action_allowed(a, f) && x < x_end) {
		snprintf(buf, sizeof(buf), "[%c] %s ", f->action_key,
			 f->action[0] ? f->action : "action");
		x += draw_text(a->win, y, x, x_end - x, buf,
			       sel ? ROLE_SELECTED : ROLE_KEY, t);
	}
	if (x < x_end) {
		x += draw_text(a->win, y, x, x_end - x, f->text, text_role, t);
	}
	if (it->cited > 0 && x < x_end) {
		snprintf(buf, sizeof(buf), "  +%d cited", it->cited);
		draw_text(a->win, y, x, x_end - x, buf,
			  sel ? ROLE_SELECTED : ROLE_DIM, t);
	}
}

/* FNV-1a over bytes. */
static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h = (h ^ b[i]) * 1099511628211ULL;
	}
	return h;
}

static uint64_t
list_signature(struct app *a, const struct findings_list *l)
{
	uint64_t h = 1469598103934665603ULL;
	int64_t now = clock_wall_ms();
	char right[128];

	h = mix(h, &l->n, sizeof(l->n));
	h = mix(h, &a->strip.focused, sizeof(a->strip.focused));
	h = mix(h, &a->strip.sel, sizeof(a->strip.sel));
	h = mix(h, &a->strip.top, sizeof(a->strip.top));
	for (size_t i = 0; i < l->n; i++) {
		const struct finding *f = l->items[i].f;

		h = mix(h, f->key, strlen(f->key) + 1);
		h = mix(h, f->text, strlen(f->text) + 1);
		h = mix(h, &f->sev, sizeof(f->sev));
		h = mix(h, &f->suppressed, sizeof(f->suppressed));
		h = mix(h, &f->action_key, sizeof(f->action_key));
		h = mix(h, &l->items[i].cited, sizeof(l->items[i].cited));
		line_right(a, &l->items[i], now, right, sizeof(right));
		h = mix(h, right, strlen(right) + 1);
	}
	return h;
}

void
findings_draw(struct app *a)
{
	struct rect r = a->lay.strip;
	struct findings_list l;
	int64_t now = clock_wall_ms();
	int lines;
	char buf[128];

	if (r.h <= 0 || r.w <= 0) {
		return;
	}
	findings_list_build(a, &l);
	lines = finding_lines(l.n, r.h);
	follow_sel(a, &l, lines);
	a->strip.more_w = 0;
	draw_fill(a->win, r.y, r.x, r.h, r.w, ROLE_NORMAL, &a->theme);
	if (l.n == 0) {
		draw_text(a->win, r.y, r.x + 1, r.w - 2, a->strip.focused ?
			  "no open findings  (Esc leaves)" :
			  "no open findings", a->strip.focused ?
			  ROLE_SELECTED : ROLE_DIM, &a->theme);
	}
	if (l.n > (size_t)lines) {
		size_t above = a->strip.top;
		size_t below = l.n - above - (size_t)lines;

		if (lines == r.h) {
			/* No line for it: beside the last finding. */
			snprintf(buf, sizeof(buf), " +%zu more", above + below);
		} else if (above > 0) {
			snprintf(buf, sizeof(buf), "+%zu more (%zu above, %zu "
				 "below)  %c then z lists all", above + below,
				 above, below, FINDINGS_KEY);
		} else {
			snprintf(buf, sizeof(buf), "+%zu more  %c then z "
				 "lists all", below, FINDINGS_KEY);
		}
		if (lines < r.h) {
			draw_text(a->win, r.y + lines, r.x + 3, r.w - 4, buf,
				  ROLE_DIM, &a->theme);
		}
	}
	for (int k = 0; k < lines && a->strip.top + (size_t)k < l.n; k++) {
		size_t i = a->strip.top + (size_t)k;

		draw_item(a, r.y + k, &l.items[i],
			  a->strip.focused && i == a->strip.sel, now,
			  l.n > (size_t)lines && lines == r.h &&
			  k == lines - 1 ? buf : NULL);
	}
	remember_sel(a, &l);
	/* What was drawn, not a newer list: a finding published meanwhile
	 * still differs from it. */
	a->strip.drawn = list_signature(a, &l);
	findings_list_free(&l);
}

uint64_t
findings_signature(struct app *a)
{
	struct findings_list l;
	uint64_t h;

	findings_list_build(a, &l);
	h = list_signature(a, &l);
	findings_list_free(&l);
	return h;
}

/* ---- focus, keys, clicks ------------------------------------------------- */

static void
strip_dirty(struct app *a)
{
	a->dirty_strip = true;
	a->dirty_status = true;
}

/* The selected finding's runbook step on the status line, if any. */
static void
say_selected(struct app *a)
{
	struct findings_list l;

	findings_list_build(a, &l);
	follow_sel(a, &l, strip_lines(a, l.n));
	if (a->strip.sel < l.n && l.items[a->strip.sel].f->runbook[0]) {
		app_set_status(a, ROLE_STATUS, "runbook: %s",
			       l.items[a->strip.sel].f->runbook);
	} else if (l.n > 0) {
		app_set_status(a, ROLE_DIM, "finding %zu of %zu: Enter shows "
			       "its row", a->strip.sel + 1, l.n);
	}
	remember_sel(a, &l);
	findings_list_free(&l);
}

static void
set_zoom(struct app *a, bool on)
{
	if (a->strip.zoomed != on) {
		a->strip.zoomed = on;
		app_resize(a, a->rows, a->cols);
	}
}

void
findings_focus(struct app *a, bool on)
{
	if (a->strip.focused == on) {
		return;
	}
	a->strip.focused = on;
	if (!on) {
		set_zoom(a, false);
	} else {
		/* Each visit starts on the worst. */
		a->strip.sel = 0;
		a->strip.top = 0;
		a->strip.sel_key[0] = '\0';
		a->strip.sel_source[0] = '\0';
		say_selected(a);
	}
	strip_dirty(a);
	/* The focused pane's frame says it no longer has the keys. */
	if (a->focus >= 0 && a->focus < a->n_panes) {
		a->pane_dirty[a->focus] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
	}
}

/* A move past either end: the first or the last line. */
#define SEL_FAR (LONG_MAX / 2)

/* Moves the selection by delta lines (clamped). */
static void
move_sel(struct app *a, long delta)
{
	struct findings_list l;
	long to;

	findings_list_build(a, &l);
	follow_sel(a, &l, strip_lines(a, l.n));
	to = (long)a->strip.sel + delta;
	if (to >= (long)l.n) {
		to = (long)l.n - 1;
	}
	if (to < 0) {
		to = 0;
	}
	a->strip.sel = (size_t)to;
	clamp_view(a, &l, strip_lines(a, l.n));
	remember_sel(a, &l);
	findings_list_free(&l);
	say_selected(a);
	strip_dirty(a);
}

bool
findings_key(struct app *a, int key, bool is_wchar)
{
	if (!is_wchar) {
		switch (key) {
		case KEY_UP:
			move_sel(a, -1);
			return true;
		case KEY_DOWN:
			move_sel(a, 1);
			return true;
		case KEY_PPAGE:
			move_sel(a, -FINDINGS_STRIP_LINES);
			return true;
		case KEY_NPAGE:
			move_sel(a, FINDINGS_STRIP_LINES);
			return true;
		case KEY_HOME:
			move_sel(a, -SEL_FAR);
			return true;
		case KEY_END:
			move_sel(a, SEL_FAR);
			return true;
		case KEY_ENTER:
			findings_jump(a);
			return true;
		default:
			return false;
		}
	}
	switch (key) {
	case 'k':
		move_sel(a, -1);
		return true;
	case 'j':
		move_sel(a, 1);
		return true;
	case 'g':
		move_sel(a, -SEL_FAR);
		return true;
	case 'G':
		move_sel(a, SEL_FAR);
		return true;
	case '\n':
	case '\r':
		findings_jump(a);
		return true;
	case 'z':
		set_zoom(a, !a->strip.zoomed);
		strip_dirty(a);
		return true;
	case KEY_ESC:
		if (a->strip.zoomed) {
			set_zoom(a, false);
			strip_dirty(a);
			return true;
		}
		/* fall through */
	case FINDINGS_KEY:
		findings_focus(a, false);
		app_set_status(a, ROLE_DIM, "%s", "");
		return true;
	default:
		return false;
	}
}

size_t
findings_follow(struct app *a, const struct findings_list *l)
{
	follow_sel(a, l, strip_lines(a, l->n));
	return a->strip.sel;
}

void
findings_click(struct app *a, int dy, int x)
{
	struct findings_list l;
	int lines;
	size_t i;
	/* A one-line strip's "+N more" sits beside its last finding. */
	bool more = dy == a->lay.strip.h - 1 && a->strip.more_w > 0 &&
		    x >= a->strip.more_x &&
		    x < a->strip.more_x + a->strip.more_w;

	findings_list_build(a, &l);
	lines = strip_lines(a, l.n);
	follow_sel(a, &l, lines);
	i = a->strip.top + (size_t)dy;
	if (more || dy >= lines || i >= l.n) {
		bool any = l.n > 0;

		findings_list_free(&l);
		if (!any) {
			return;
		}
		/* "+N more": the whole list. */
		findings_focus(a, true);
		set_zoom(a, true);
		strip_dirty(a);
		return;
	}
	a->strip.sel = i;
	remember_sel(a, &l);
	findings_list_free(&l);
	findings_jump(a);
}
