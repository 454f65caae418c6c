/* The Timeline pane: the incident record as it grows (actions and their
 * results, findings, alerts, sources going down and up, notes), newest
 * first. UI thread only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "widgets/draw.h"
#include "widgets/table.h"

struct timeline_priv {
	struct timeline *tl;    /* the timeline the index is of */
	char filter[PANE_FILTER_MAX];
	size_t seen;            /* entries looked at */
	/* Matching entries, oldest first; rows are drawn newest first. */
	struct pane_index ix;
	bool oldest_first;      /* the order the rows were last drawn in */
	int table_dy;
};

static const struct table_col tl_cols[] = {
	{ "TIME", 9, 9, false, false },
	{ "KIND", 11, 4, false, false },
	{ "SOURCE", 16, 0, false, false },
	{ "WHO", 12, 0, false, false },
	{ "TEXT", 40, 10, false, true },
};

static const char timeline_hints[] = "n note  / filter  S oldest first";

static struct timeline_priv *
timeline_priv(struct pane *p)
{
	if (p->priv == NULL) {
		struct timeline_priv *tp = xcalloc(1, sizeof(*tp));

		tp->table_dy = -1;
		p->priv = tp;
	}
	return p->priv;
}

static bool
entry_matches(const struct pane *p, const struct tl_entry *e)
{
	return pane_filter_any(p, e->text, e->source, e->who,
			       tl_kind_name(e->kind), e->detail, NULL);
}

/* Rows are newest first unless the operator reversed them. */
static size_t
row_entry(const struct pane *p, const struct timeline_priv *tp, size_t row)
{
	return p->sort_desc ? tp->ix.idx[row] :
	       tp->ix.idx[tp->ix.n - 1 - row];
}

/* Looks only at entries appended since the last call, unless the
 * timeline or the filter changed. */
static void
timeline_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct timeline_priv *tp = timeline_priv(p);
	size_t n = c->timeline != NULL ? timeline_count(c->timeline) : 0;
	size_t before, added, i;

	if (tp->tl != c->timeline || strcmp(tp->filter, p->filter) != 0) {
		tp->tl = c->timeline;
		strlcpy_safe(tp->filter, p->filter, sizeof(tp->filter));
		pane_index_clear(&tp->ix);
		tp->seen = 0;
		p->view.sel = 0;
		p->view.top = 0;
	}
	if (tp->oldest_first != p->sort_desc) {
		/* The same entry stays selected when the order flips. */
		if (tp->ix.n > 0 && p->view.sel < tp->ix.n) {
			p->view.sel = tp->ix.n - 1 - p->view.sel;
		}
		tp->oldest_first = p->sort_desc;
	}
	if (n == tp->seen) {
		return;
	}
	before = tp->ix.n;
	for (i = tp->seen; i < n; i++) {
		const struct tl_entry *e = timeline_get(c->timeline, i);

		if (e != NULL && entry_matches(p, e)) {
			pane_index_push(&tp->ix, i);
		}
	}
	tp->seen = n;
	added = tp->ix.n - before;
	/* Newest first: new rows push the old ones down. Follow the newest
	 * when it was selected, else keep the selected entry. */
	if (added > 0 && !p->sort_desc && before > 0 && p->view.sel > 0) {
		p->view.sel += added;
		p->view.top += added;
	}
	table_view_clamp(&p->view, tp->ix.n);
}

static enum role
result_role(const char *text)
{
	static const char *const bad[] = {
		"fail", "error", "refused", "denied", "timed out", "timeout",
		NULL,
	};
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		if (pane_contains_ci(text, bad[i])) {
			return ROLE_CRIT;
		}
	}
	return ROLE_OK;
}

/* Incident prompts stand out from plain information: an escalation to
 * act on, an action whose outcome was never recorded, the declaration. */
static enum role
info_role(const char *text)
{
	if (strncmp(text, "Escalate to ", 12) == 0) {
		return ROLE_WARN;
	}
	if (strncmp(text, "Outcome unknown", 15) == 0) {
		return ROLE_CRIT;
	}
	if (strncmp(text, "Declared INC-", 13) == 0 ||
	    strncmp(text, "Resumed INC-", 12) == 0) {
		return ROLE_TITLE;
	}
	return ROLE_DIM;
}

static enum role
kind_role(const struct tl_entry *e)
{
	switch (e->kind) {
	case TL_ACTION_INTENT:
		return ROLE_WARN;
	case TL_ACTION_RESULT:
		return result_role(e->text);
	case TL_FINDING_OPEN:
	case TL_ALERT_OPEN:
	case TL_SOURCE_DOWN:
		return ROLE_CRIT;
	case TL_FINDING_CLOSE:
	case TL_ALERT_CLOSE:
	case TL_SOURCE_UP:
		return ROLE_OK;
	case TL_FINDING_SEV:
		return e->finding != NULL && e->finding->sev == HEALTH_CRIT ?
		       ROLE_CRIT : ROLE_WARN;
	case TL_ALERT_STATE:
		/* Suppressed: still firing, but someone has it in hand. */
		return strncmp(e->text, "no longer", 9) == 0 ? ROLE_CRIT :
		       ROLE_DIM;
	case TL_STATUS:
	case TL_SEVERITY:
		return ROLE_TITLE;
	case TL_INFO:
		return info_role(e->text);
	case TL_NOTE:
	case TL_KIND_COUNT:
		break;
	}
	return ROLE_NORMAL;
}

struct cell_ctx {
	const struct pane *p;
	const struct timeline_priv *tp;
	struct timeline *tl;
};

static void
tl_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	enum role *role)
{
	const struct cell_ctx *cc = ctx;
	const struct tl_entry *e =
		timeline_get(cc->tl, row_entry(cc->p, cc->tp, row));

	if (e == NULL) {
		return;
	}
	switch (col) {
	case 0:
		pane_fmt_hms(e->at_ms, buf, (int)n);
		*role = ROLE_DIM;
		break;
	case 1:
		snprintf(buf, n, "%s", tl_kind_name(e->kind));
		*role = kind_role(e);
		break;
	case 2:
		snprintf(buf, n, "%s", e->source);
		*role = ROLE_DIM;
		break;
	case 3:
		snprintf(buf, n, "%s", e->who);
		*role = ROLE_DIM;
		break;
	default:
		pane_oneline(buf, n, e->text);
		if (e->kind != TL_NOTE &&
		    (e->kind != TL_INFO || kind_role(e) != ROLE_DIM)) {
			*role = kind_role(e);
		}
		break;
	}
}

static void
timeline_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	      int x, int h, int w)
{
	struct timeline_priv *tp = timeline_priv(p);
	struct cell_ctx cc = { p, tp, c->timeline };
	struct table_model tm = {
		.cols = tl_cols,
		.n_cols = (int)(sizeof(tl_cols) / sizeof(tl_cols[0])),
		.cell = tl_cell,
		.ctx = &cc,
	};
	int line = 0;

	p->hints = timeline_hints;
	tp->table_dy = -1;
	if (h <= 0 || w <= 0) {
		return;
	}
	timeline_refresh(p, c);
	if (c->timeline == NULL) {
		pane_draw_message(win, y, x, h, w, c->theme, ROLE_DIM,
				  "no timeline");
		return;
	}
	if (p->filter[0] != '\0' && h >= 3) {
		pane_draw_filter(win, y, x, w, c->theme, p, tp->ix.n,
				 tp->seen);
		line = 1;
	}
	if (tp->seen == 0) {
		pane_draw_message(win, y + line, x, h - line, w, c->theme,
				  ROLE_DIM, "nothing recorded yet");
		return;
	}
	if (h - line < 2) {
		/* One line: the newest entry without a heading. */
		char t[16], text[TABLE_CELL_MAX];
		const struct tl_entry *e;
		struct pane_line l;

		if (tp->ix.n == 0) {
			return;
		}
		e = timeline_get(c->timeline, tp->ix.idx[tp->ix.n - 1]);
		pane_line_init(&l, win, c->theme, y + line, x, w);
		pane_line_add(&l, ROLE_DIM, pane_fmt_hms(e->at_ms, t,
							 sizeof(t)));
		pane_line_add(&l, ROLE_DIM, " ");
		pane_line_add(&l, kind_role(e), tl_kind_name(e->kind));
		pane_line_add(&l, ROLE_DIM, " ");
		pane_oneline(text, sizeof(text), e->text);
		pane_line_add(&l, ROLE_NORMAL, text);
		return;
	}
	tm.n_rows = tp->ix.n;
	tp->table_dy = line;
	table_draw(win, y + line, x, h - line, w, &tm, &p->view, c->theme,
		   c->focused);
}

static bool
timeline_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct timeline_priv *tp = timeline_priv(p);

	timeline_refresh(p, c);
	return table_view_key(&p->view, key, tp->ix.n);
}

static bool
timeline_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct timeline_priv *tp = timeline_priv(p);

	timeline_refresh(p, c);
	return pane_table_click(p, tp->table_dy, dy, tp->ix.n);
}

static char *
timeline_detail(struct pane *p, const struct pane_ctx *c)
{
	struct timeline_priv *tp = timeline_priv(p);
	const struct tl_entry *e;
	struct pane_buf b = { 0 };
	char t[64];

	timeline_refresh(p, c);
	if (c->timeline == NULL || p->view.sel >= tp->ix.n) {
		return NULL;
	}
	e = timeline_get(c->timeline, row_entry(p, tp, p->view.sel));
	if (e == NULL) {
		return NULL;
	}
	pane_buf_addf(&b, "time: %s\n",
		      clock_format_utc(e->at_ms, 0, t, sizeof(t)));
	pane_buf_field(&b, "kind", tl_kind_name(e->kind));
	pane_buf_field(&b, "source", e->source);
	pane_buf_field(&b, "who", e->who);
	pane_buf_field(&b, "text", e->text);
	pane_buf_addf(&b, "entry: %llu\n", (unsigned long long)e->seq);
	if (e->detail[0] != '\0') {
		pane_buf_addf(&b, "\n%s\n", e->detail);
	}
	return pane_buf_take(&b);
}

static void
timeline_free_priv(struct pane *p)
{
	struct timeline_priv *tp = p->priv;

	if (tp == NULL) {
		return;
	}
	pane_index_finish(&tp->ix);
	free(tp);
	p->priv = NULL;
}

const struct pane_ops pane_timeline_ops = {
	.kind = SNAP_KIND_COUNT,
	.title = "Timeline",
	.band = 2,
	.draw = timeline_draw,
	.key = timeline_key,
	.click = timeline_click,
	.detail = timeline_detail,
	.free = timeline_free_priv,
};
