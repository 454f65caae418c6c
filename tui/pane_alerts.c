/* The Alerts pane: firing alerts of one Alertmanager source, most severe
 * and oldest first, with their silences. UI thread only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "widgets/draw.h"
#include "widgets/table.h"

enum { SORT_SEVERITY, SORT_AGE, SORT_NAME, SORT_COUNT };

static const char *const sort_names[SORT_COUNT] = {
	"severity", "age", "name",
};

struct alerts_priv {
	struct pane_cache cache;
	const struct alerts_model *m;   /* of cache.held */
	struct pane_index ix;
	int64_t now_wall_ms;
	size_t n_crit, n_warn, n_info, n_silenced;
	int table_dy;
};

static const struct table_col alert_cols[] = {
	{ "SEVERITY", 8, 8, false, false },
	{ "ALERT", 22, 10, false, false },
	{ "LABELS", 24, 0, false, false },
	{ "SUMMARY", 30, 10, false, true },
	{ "FOR", 7, 4, true, false },
	{ "SILENCED", 8, 0, false, false },
};

static const char alerts_hints[] = "A silence  E expire silence  s sort";

static struct alerts_priv *
alerts_priv(struct pane *p)
{
	if (p->priv == NULL) {
		struct alerts_priv *ap = xcalloc(1, sizeof(*ap));

		ap->table_dy = -1;
		p->priv = ap;
	}
	return p->priv;
}

/* 0 critical, 1 warning, 2 info, 3 anything else. */
static int
severity_rank(const char *sev)
{
	if (strcasecmp(sev, "critical") == 0) {
		return 0;
	}
	if (strcasecmp(sev, "warning") == 0) {
		return 1;
	}
	if (strcasecmp(sev, "info") == 0) {
		return 2;
	}
	return 3;
}

static enum role
severity_role(const char *sev)
{
	static const enum role roles[] = {
		ROLE_CRIT, ROLE_WARN, ROLE_NORMAL, ROLE_DIM,
	};

	return roles[severity_rank(sev)];
}

/* Oldest first; an unknown start last. */
static int
cmp_age(const struct alert_row *a, const struct alert_row *b)
{
	if ((a->starts_ms == 0) != (b->starts_ms == 0)) {
		return a->starts_ms == 0 ? 1 : -1;
	}
	return a->starts_ms < b->starts_ms ? -1 : a->starts_ms > b->starts_ms;
}

static int
cmp_alerts(const void *ctx, size_t ia, size_t ib)
{
	const struct alerts_priv *ap = ctx;
	const struct alert_row *a = &ap->m->alerts[ia];
	const struct alert_row *b = &ap->m->alerts[ib];
	int r = 0;

	switch (ap->cache.sort_col) {
	case SORT_SEVERITY:
		r = severity_rank(a->severity) - severity_rank(b->severity);
		if (r == 0) {
			r = cmp_age(a, b);
		}
		break;
	case SORT_AGE:
		r = cmp_age(a, b);
		break;
	default:
		break;
	}
	if (r == 0) {
		r = strcmp(a->name, b->name);
	}
	return r != 0 ? r : strcmp(a->fingerprint, b->fingerprint);
}

static void
alerts_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct alerts_priv *ap = alerts_priv(p);
	const struct snapshot *data = c->data;
	const struct alerts_model *m = data ? snapshot_alerts(data) : NULL;
	char was[256];
	bool had = false;
	size_t i;

	if (m == NULL) {
		data = NULL;
	}
	if (ap->cache.valid && ap->m != NULL && p->view.sel < ap->ix.n) {
		strlcpy_safe(was, ap->m->alerts[ap->ix.idx[p->view.sel]]
				     .fingerprint, sizeof(was));
		had = was[0] != '\0';
	}
	if (!pane_cache_update(&ap->cache, p, data)) {
		return;
	}
	ap->m = m;
	pane_index_clear(&ap->ix);
	ap->n_crit = ap->n_warn = ap->n_info = ap->n_silenced = 0;
	for (i = 0; m != NULL && i < m->n_alerts; i++) {
		const struct alert_row *a = &m->alerts[i];
		int rank = severity_rank(a->severity);

		ap->n_crit += rank == 0;
		ap->n_warn += rank == 1;
		ap->n_info += rank == 2;
		ap->n_silenced += a->silenced;
		if (pane_filter_any(p, a->name, a->severity, a->labels,
				    a->summary, NULL)) {
			pane_index_push(&ap->ix, i);
		}
	}
	pane_sort(ap->ix.idx, ap->ix.n, cmp_alerts, ap, p->sort_desc);
	for (i = 0; had && i < ap->ix.n; i++) {
		if (strcmp(m->alerts[ap->ix.idx[i]].fingerprint, was) == 0) {
			p->view.sel = i;
			break;
		}
	}
	table_view_clamp(&p->view, ap->ix.n);
}

static void
alert_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	   enum role *role)
{
	const struct alerts_priv *ap = ctx;
	const struct alert_row *a = &ap->m->alerts[ap->ix.idx[row]];

	switch (col) {
	case 0:
		snprintf(buf, n, "%s", a->severity[0] ? a->severity :
			 pane_dash());
		*role = severity_role(a->severity);
		break;
	case 1:
		snprintf(buf, n, "%s", a->name);
		if (a->silenced) {
			*role = ROLE_DIM;
		}
		break;
	case 2:
		snprintf(buf, n, "%s", a->labels);
		*role = ROLE_DIM;
		break;
	case 3:
		pane_oneline(buf, n, a->summary);
		if (a->silenced) {
			*role = ROLE_DIM;
		}
		break;
	case 4:
		pane_fmt_age(ap->now_wall_ms, a->starts_ms, buf, (int)n);
		break;
	default:
		snprintf(buf, n, "%s", a->silenced ? "silenced" : "");
		*role = ROLE_DIM;
		break;
	}
}

static void
alerts_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	    int x, int h, int w)
{
	struct alerts_priv *ap = alerts_priv(p);
	struct table_model tm = {
		.cols = alert_cols,
		.n_cols = (int)(sizeof(alert_cols) / sizeof(alert_cols[0])),
		.cell = alert_cell,
		.ctx = ap,
	};
	struct pane_line l;
	char right[48];
	int line = 1;

	p->hints = alerts_hints;
	ap->table_dy = -1;
	if (h <= 0 || w <= 0) {
		return;
	}
	alerts_refresh(p, c);
	ap->now_wall_ms = c->now_wall_ms;
	if (ap->m == NULL) {
		pane_draw_message(win, y, x, h, w, c->theme, ROLE_DIM,
				  "no alert data yet");
		return;
	}
	pane_line_init(&l, win, c->theme, y, x, w);
	if (p->filter[0] != '\0' && h < 4) {
		char f[PANE_FILTER_MAX + 48];

		pane_filter_text(p, ap->ix.n, ap->m->n_alerts, f,
				 sizeof(f));
		pane_line_right(&l, ROLE_KEY, f, 12);
	} else {
		snprintf(right, sizeof(right), "sort %s%s",
			 sort_names[p->sort_col % SORT_COUNT],
			 p->sort_desc ? " (rev)" : "");
		pane_line_right(&l, ROLE_DIM, right, 40);
	}
	pane_line_addf(&l, ap->m->n_alerts ? ROLE_NORMAL : ROLE_OK,
		       "firing %zu", ap->m->n_alerts);
	pane_line_sep(&l);
	pane_line_addf(&l, ap->n_crit ? ROLE_CRIT : ROLE_DIM, "critical %zu",
		       ap->n_crit);
	pane_line_sep(&l);
	pane_line_addf(&l, ap->n_warn ? ROLE_WARN : ROLE_DIM, "warning %zu",
		       ap->n_warn);
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_DIM, "info %zu", ap->n_info);
	pane_line_sep(&l);
	pane_line_addf(&l, ROLE_DIM, "silenced %zu", ap->n_silenced);
	if (p->filter[0] != '\0' && h >= 4) {
		pane_draw_filter(win, y + line, x, w, c->theme, p, ap->ix.n,
				 ap->m->n_alerts);
		line++;
	}
	if (h - line < 2) {
		return;
	}
	if (ap->m->n_alerts == 0) {
		draw_text(win, y + line, x, w, "no alerts firing", ROLE_OK,
			  c->theme);
		return;
	}
	tm.n_rows = ap->ix.n;
	ap->table_dy = line;
	table_draw(win, y + line, x, h - line, w, &tm, &p->view, c->theme,
		   c->focused);
}

static bool
alerts_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct alerts_priv *ap = alerts_priv(p);

	if (key == 's') {
		pane_next_sort(p, SORT_COUNT);
		return true;
	}
	alerts_refresh(p, c);
	return table_view_key(&p->view, key, ap->ix.n);
}

static bool
alerts_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct alerts_priv *ap = alerts_priv(p);

	alerts_refresh(p, c);
	if (ap->table_dy < 0 || dy < ap->table_dy) {
		return false;
	}
	return table_view_click(&p->view, dy - ap->table_dy, ap->ix.n);
}

static const struct alert_row *
selected_alert(const struct pane *p, const struct alerts_priv *ap)
{
	if (ap->m == NULL || p->view.sel >= ap->ix.n) {
		return NULL;
	}
	return &ap->m->alerts[ap->ix.idx[p->view.sel]];
}

/* "HighErrorRate {service=api, env=prod}" from "service=api env=prod". */
static void
alert_label(const struct alert_row *a, char *buf, size_t n)
{
	size_t o;
	const char *s;
	bool space = false;

	snprintf(buf, n, "%s", a->name);
	if (a->labels[0] == '\0') {
		return;
	}
	o = strlen(buf);
	if (o + 3 >= n) {
		return;
	}
	buf[o++] = ' ';
	buf[o++] = '{';
	for (s = a->labels; *s != '\0' && o + 3 < n; s++) {
		if (*s == ' ') {
			space = true;
			continue;
		}
		if (space && buf[o - 1] != '{') {
			buf[o++] = ',';
			buf[o++] = ' ';
			if (o + 3 >= n) {
				break;
			}
		}
		space = false;
		buf[o++] = *s;
	}
	buf[o++] = '}';
	buf[o] = '\0';
}

static bool
alerts_target(struct pane *p, const struct pane_ctx *c,
	      const char *target_kind, struct action_req *req)
{
	struct alerts_priv *ap = alerts_priv(p);
	const struct alert_row *a;
	char label[256];

	alerts_refresh(p, c);
	if ((a = selected_alert(p, ap)) == NULL) {
		return false;
	}
	alert_label(a, label, sizeof(label));
	if (strcmp(target_kind, "alert") == 0) {
		if (a->fingerprint[0] == '\0' ||
		    !pane_fits(req->target, sizeof(req->target), "%s",
			       a->fingerprint)) {
			return false;
		}
		snprintf(req->target_label, sizeof(req->target_label), "%s",
			 label);
		return true;
	}
	if (strcmp(target_kind, "silence") == 0) {
		if (!a->silenced || a->silence_id[0] == '\0' ||
		    !pane_fits(req->target, sizeof(req->target), "%s",
			       a->silence_id)) {
			return false;
		}
		if (!pane_fits(req->target_label, sizeof(req->target_label),
			       "silence %s on %s", a->silence_id, label)) {
			snprintf(req->target_label, sizeof(req->target_label),
				 "silence %s", a->silence_id);
		}
		return true;
	}
	return false;
}

static char *
alerts_detail(struct pane *p, const struct pane_ctx *c)
{
	struct alerts_priv *ap = alerts_priv(p);
	const struct alert_row *a;
	struct pane_buf b = { 0 };
	char t1[64], t2[64];

	alerts_refresh(p, c);
	if ((a = selected_alert(p, ap)) == NULL) {
		return NULL;
	}
	pane_buf_addf(&b, "alert %s\n\n", a->name);
	pane_buf_field(&b, "alert", a->name);
	pane_buf_field(&b, "severity", a->severity);
	pane_buf_field(&b, "labels", a->labels);
	pane_buf_field(&b, "fingerprint", a->fingerprint);
	if (a->starts_ms > 0) {
		pane_buf_addf(&b, "firing since: %s (for %s)\n",
			      clock_format_utc(a->starts_ms, 0, t1, sizeof(t1)),
			      pane_fmt_age(c->now_wall_ms, a->starts_ms, t2,
					   sizeof(t2)));
	} else {
		pane_buf_field(&b, "firing since", NULL);
	}
	pane_buf_addf(&b, "silenced: %s\n", a->silenced ? "yes" : "no");
	if (a->silenced) {
		pane_buf_field(&b, "silence", a->silence_id);
	}
	pane_buf_addf(&b, "\nsummary:\n%s\n", a->summary);
	return pane_buf_take(&b);
}

static void
alerts_free(struct pane *p)
{
	struct alerts_priv *ap = p->priv;

	if (ap == NULL) {
		return;
	}
	pane_cache_finish(&ap->cache);
	pane_index_finish(&ap->ix);
	free(ap);
	p->priv = NULL;
}

const struct pane_ops pane_alerts_ops = {
	.title = "Alerts",
	.kind = SNAP_ALERTS,
	.draw = alerts_draw,
	.key = alerts_key,
	.click = alerts_click,
	.target = alerts_target,
	.detail = alerts_detail,
	.free = alerts_free,
};
