/* The Alerts pane: firing alerts of one Alertmanager source, most severe
 * and oldest first, and ('v') the active silences, soonest end first.
 * UI thread only. */
#include <math.h>
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

enum { SUB_ALERTS, SUB_SILENCES, SUB_COUNT };

enum { SORT_SEVERITY, SORT_AGE, SORT_NAME, SORT_COUNT };

static const char *const sort_names[SORT_COUNT] = {
	"severity", "age", "name",
};

enum { SIL_SORT_ENDS, SIL_SORT_CREATOR, SIL_SORT_COUNT };

static const char *const sil_sort_names[SIL_SORT_COUNT] = {
	"ends", "created by",
};

static const int sort_counts[SUB_COUNT] = { SORT_COUNT, SIL_SORT_COUNT };

/* Columns of a silence id in the table: a UUID's first group. */
#define SILENCE_ID_SHORT 8

struct alerts_priv {
	struct pane_cache cache;
	struct pane_subview saved[SUB_COUNT];
	const struct alerts_model *m;   /* of cache.held */
	struct pane_index ix;   /* alerts, or silences in SUB_SILENCES */
	int64_t now_wall_ms;
	size_t n_crit, n_warn, n_info, n_silenced, n_inhibited;
	int table_dy;
};

static const struct table_col alert_cols[] = {
	{ "SEVERITY", 8, 8, false, false },
	{ "ALERT", 22, 10, false, false },
	{ "LABELS", 24, 0, false, false },
	{ "SUMMARY", 30, 10, false, true },
	{ "FOR", 7, 4, true, false },
	{ "STATE", 9, 0, false, false },
};

static const struct table_col silence_cols[] = {
	{ "ID", SILENCE_ID_SHORT, SILENCE_ID_SHORT, false, false },
	{ "MATCHERS", 30, 12, false, true },
	{ "CREATED BY", 14, 0, false, false },
	{ "COMMENT", 30, 0, false, false },
	{ "ENDS IN", 7, 5, true, false },
};

static const char alerts_hints[] = "s sort  v silences";
static const char silences_hints[] = "s sort  v alerts";

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

/* Soonest end first; an unknown end last. */
static int
cmp_silences(const void *ctx, size_t ia, size_t ib)
{
	const struct alerts_priv *ap = ctx;
	const struct silence_row *a = &ap->m->silences[ia];
	const struct silence_row *b = &ap->m->silences[ib];
	int r = 0;

	if (ap->cache.sort_col == SIL_SORT_CREATOR) {
		r = strcmp(a->created_by, b->created_by);
	}
	if (r == 0 && (a->ends_ms <= 0) != (b->ends_ms <= 0)) {
		r = a->ends_ms <= 0 ? 1 : -1;
	}
	if (r == 0) {
		r = a->ends_ms < b->ends_ms ? -1 : a->ends_ms > b->ends_ms;
	}
	return r != 0 ? r : strcmp(a->id, b->id);
}

/* The key that finds the selected row again in a newer snapshot: an
 * alert's fingerprint or a silence's id; "" when nothing is selected. */
static const char *
selected_key(const struct pane *p, const struct alerts_priv *ap)
{
	if (!ap->cache.valid || ap->m == NULL || ap->cache.sub != p->sub ||
	    p->view.sel >= ap->ix.n) {
		return "";
	}
	if (p->sub == SUB_SILENCES) {
		return ap->m->silences[ap->ix.idx[p->view.sel]].id;
	}
	return ap->m->alerts[ap->ix.idx[p->view.sel]].fingerprint;
}

static void
index_alerts(struct pane *p, struct alerts_priv *ap)
{
	const struct alerts_model *m = ap->m;
	size_t i;

	for (i = 0; i < m->n_alerts; i++) {
		const struct alert_row *a = &m->alerts[i];

		if (pane_filter_any(p, a->name, a->severity, a->labels,
				    a->summary, NULL)) {
			pane_index_push(&ap->ix, i);
		}
	}
	pane_sort(ap->ix.idx, ap->ix.n, cmp_alerts, ap, p->sort_desc);
}

static void
index_silences(struct pane *p, struct alerts_priv *ap)
{
	const struct alerts_model *m = ap->m;
	size_t i;

	for (i = 0; m->silences != NULL && i < m->n_silences; i++) {
		const struct silence_row *sr = &m->silences[i];

		if (pane_filter_any(p, sr->id, sr->matchers, sr->created_by,
				    sr->comment, NULL)) {
			pane_index_push(&ap->ix, i);
		}
	}
	pane_sort(ap->ix.idx, ap->ix.n, cmp_silences, ap, p->sort_desc);
}

static void
alerts_refresh(struct pane *p, const struct pane_ctx *c)
{
	struct alerts_priv *ap = alerts_priv(p);
	const struct snapshot *data = c->data;
	const struct alerts_model *m = data ? snapshot_alerts(data) : NULL;
	char was[256];
	size_t i;

	if (m == NULL) {
		data = NULL;
	}
	strlcpy_safe(was, selected_key(p, ap), sizeof(was));
	if (!pane_cache_update(&ap->cache, p, data)) {
		return;
	}
	ap->m = m;
	pane_index_clear(&ap->ix);
	ap->n_crit = ap->n_warn = ap->n_info = ap->n_silenced = 0;
	ap->n_inhibited = 0;
	if (m == NULL) {
		table_view_clamp(&p->view, 0);
		return;
	}
	for (i = 0; i < m->n_alerts; i++) {
		const struct alert_row *a = &m->alerts[i];
		int rank = severity_rank(a->severity);

		ap->n_crit += rank == 0;
		ap->n_warn += rank == 1;
		ap->n_info += rank == 2;
		ap->n_silenced += a->silenced;
		ap->n_inhibited += a->inhibited && !a->silenced;
	}
	if (p->sub == SUB_SILENCES) {
		index_silences(p, ap);
	} else {
		index_alerts(p, ap);
	}
	for (i = 0; was[0] != '\0' && i < ap->ix.n; i++) {
		const char *key = p->sub == SUB_SILENCES ?
				  m->silences[ap->ix.idx[i]].id :
				  m->alerts[ap->ix.idx[i]].fingerprint;

		if (strcmp(key, was) == 0) {
			p->view.sel = i;
			break;
		}
	}
	table_view_clamp(&p->view, ap->ix.n);
}

/* As Alertmanager says: firing, or suppressed by a silence or an
 * inhibition (still firing, but not notified). */
static const char *
alert_state(const struct alert_row *a)
{
	return a->silenced && a->inhibited ? "silenced+" : a->silenced ?
	       "silenced" : a->inhibited ? "inhibited" : "firing";
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
		if (a->silenced || a->inhibited) {
			*role = ROLE_DIM;
		}
		break;
	case 2:
		snprintf(buf, n, "%s", a->labels);
		*role = ROLE_DIM;
		break;
	case 3:
		pane_oneline(buf, n, a->summary);
		if (a->silenced || a->inhibited) {
			*role = ROLE_DIM;
		}
		break;
	case 4:
		pane_fmt_age(ap->now_wall_ms, a->starts_ms, buf, (int)n);
		break;
	default:
		snprintf(buf, n, "%s", alert_state(a));
		*role = a->silenced || a->inhibited ? ROLE_DIM : ROLE_NORMAL;
		break;
	}
}

/* The first SILENCE_ID_SHORT bytes of an id, stopping before any
 * non-ASCII byte so a character is never cut in half. */
static void
silence_id_short(const char *id, char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < SILENCE_ID_SHORT && i + 1 < n && id[i] != '\0' &&
		    (unsigned char)id[i] < 0x80; i++) {
		buf[i] = id[i];
	}
	buf[i] = '\0';
}

/* Time left until ends_ms: "—" when unknown or already past. */
static char *
fmt_ends_in(int64_t now_ms, int64_t ends_ms, char *buf, int n)
{
	return pane_fmt_dur_s(ends_ms > 0 ? (double)(ends_ms - now_ms) / 1000 :
			      NAN, buf, n);
}

static void
silence_cell(void *ctx, size_t row, int col, char *buf, size_t n,
	     enum role *role)
{
	const struct alerts_priv *ap = ctx;
	const struct silence_row *sr = &ap->m->silences[ap->ix.idx[row]];

	switch (col) {
	case 0:
		silence_id_short(sr->id, buf, n);
		*role = ROLE_DIM;
		break;
	case 1:
		pane_oneline(buf, n, sr->matchers);
		break;
	case 2:
		snprintf(buf, n, "%s", sr->created_by);
		*role = ROLE_DIM;
		break;
	case 3:
		pane_oneline(buf, n, sr->comment);
		break;
	default:
		fmt_ends_in(ap->now_wall_ms, sr->ends_ms, buf, (int)n);
		break;
	}
}

/* The summary line: counts, and the sort (or the filter when it has no
 * line of its own) at the right. */
static void
draw_summary(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	     int x, int h, int w)
{
	const struct alerts_priv *ap = p->priv;
	bool sil = p->sub == SUB_SILENCES;
	size_t total = sil ? ap->m->n_silences : ap->m->n_alerts;
	struct pane_line l;
	char right[64];

	pane_line_init(&l, win, c->theme, y, x, w);
	if (p->filter[0] != '\0' && h < 4) {
		pane_line_filter(&l, p, ap->ix.n, total, 12);
	} else {
		snprintf(right, sizeof(right), "%ssort %s%s",
			 sil ? "silences  " : "",
			 sil ? sil_sort_names[p->sort_col % SIL_SORT_COUNT] :
			 sort_names[p->sort_col % SORT_COUNT],
			 p->sort_desc ? " (rev)" : "");
		pane_line_right(&l, ROLE_DIM, right, 40);
	}
	if (sil) {
		pane_line_addf(&l, ROLE_NORMAL, "active silences %zu", total);
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_DIM, "silenced alerts %zu",
			       ap->n_silenced);
		return;
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
	if (ap->n_inhibited > 0) {
		pane_line_sep(&l);
		pane_line_addf(&l, ROLE_DIM, "inhibited %zu",
			       ap->n_inhibited);
	}
}

static void
alerts_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	    int x, int h, int w)
{
	struct alerts_priv *ap = alerts_priv(p);
	bool sil = p->sub == SUB_SILENCES;
	struct table_model tm = { .ctx = ap };
	size_t total;
	int line = 1;

	p->hints = sil ? silences_hints : alerts_hints;
	p->targets = sil ? PANE_TARGET(TARGET_SILENCE) :
		     PANE_TARGET(TARGET_ALERT) | PANE_TARGET(TARGET_SILENCE);
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
	total = sil ? ap->m->n_silences : ap->m->n_alerts;
	draw_summary(p, c, win, y, x, h, w);
	if (p->filter[0] != '\0' && h >= 4) {
		pane_draw_filter(win, y + line, x, w, c->theme, p, ap->ix.n,
				 total);
		line++;
	}
	if (h - line < 2) {
		return;
	}
	if (total == 0) {
		draw_text(win, y + line, x, w, sil ? "no active silences" :
			  "no alerts firing", sil ? ROLE_DIM : ROLE_OK,
			  c->theme);
		return;
	}
	if (sil) {
		tm.cols = silence_cols;
		tm.n_cols = (int)(sizeof(silence_cols) /
				  sizeof(silence_cols[0]));
		tm.cell = silence_cell;
	} else {
		tm.cols = alert_cols;
		tm.n_cols = (int)(sizeof(alert_cols) / sizeof(alert_cols[0]));
		tm.cell = alert_cell;
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

	if (pane_sub_sort_key(p, ap->saved, SUB_COUNT,
			      sort_counts[p->sub == SUB_SILENCES ?
					  SUB_SILENCES : SUB_ALERTS], key)) {
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
	return pane_table_click(p, ap->table_dy, dy, ap->ix.n);
}

static const struct alert_row *
selected_alert(const struct pane *p, const struct alerts_priv *ap)
{
	if (ap->m == NULL || p->sub == SUB_SILENCES ||
	    p->view.sel >= ap->ix.n) {
		return NULL;
	}
	return &ap->m->alerts[ap->ix.idx[p->view.sel]];
}

static const struct silence_row *
selected_silence(const struct pane *p, const struct alerts_priv *ap)
{
	if (ap->m == NULL || p->sub != SUB_SILENCES ||
	    p->view.sel >= ap->ix.n) {
		return NULL;
	}
	return &ap->m->silences[ap->ix.idx[p->view.sel]];
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

/* The silences view: a silence is the only target there. */
static bool
silence_target(const struct silence_row *sr, enum target_type type,
	       struct action_target *t)
{
	char line[256];

	if (type != TARGET_SILENCE || sr->id[0] == '\0' ||
	    !pane_fits(t->u.silence.id, sizeof(t->u.silence.id), "%s",
		       sr->id)) {
		return false;
	}
	pane_oneline(line, sizeof(line), sr->matchers);
	if (line[0] == '\0' ||
	    !pane_fits(t->label, sizeof(t->label), "silence %s (%s)", sr->id,
		       line)) {
		snprintf(t->label, sizeof(t->label), "silence %s", sr->id);
	}
	return true;
}

static bool
alerts_target(struct pane *p, const struct pane_ctx *c, enum target_type type,
	      struct action_target *t)
{
	struct alerts_priv *ap = alerts_priv(p);
	const struct silence_row *sr;
	const struct alert_row *a;
	char label[256];

	alerts_refresh(p, c);
	if ((sr = selected_silence(p, ap)) != NULL) {
		return silence_target(sr, type, t);
	}
	if ((a = selected_alert(p, ap)) == NULL) {
		return false;
	}
	alert_label(a, label, sizeof(label));
	if (type == TARGET_ALERT) {
		if (a->fingerprint[0] == '\0' ||
		    !pane_fits(t->u.alert.fingerprint,
			       sizeof(t->u.alert.fingerprint), "%s",
			       a->fingerprint)) {
			return false;
		}
		strlcpy_safe(t->u.alert.name, a->name,
			     sizeof(t->u.alert.name));
		snprintf(t->label, sizeof(t->label), "%s", label);
		return true;
	}
	if (type == TARGET_SILENCE) {
		if (!a->silenced || a->silence_id[0] == '\0' ||
		    !pane_fits(t->u.silence.id, sizeof(t->u.silence.id), "%s",
			       a->silence_id)) {
			return false;
		}
		if (!pane_fits(t->label, sizeof(t->label), "silence %s on %s",
			       a->silence_id, label)) {
			snprintf(t->label, sizeof(t->label), "silence %s",
				 a->silence_id);
		}
		return true;
	}
	return false;
}

static char *
silence_detail(const struct alerts_priv *ap, const struct silence_row *sr,
	       int64_t now_ms)
{
	struct pane_buf b = { 0 };
	char t1[64], t2[64], label[256];
	size_t i, n = 0;

	pane_buf_addf(&b, "silence %s\n\n", sr->id);
	pane_buf_field(&b, "id", sr->id);
	pane_buf_field(&b, "matchers", sr->matchers);
	pane_buf_field(&b, "created by", sr->created_by);
	if (sr->ends_ms > 0) {
		pane_buf_addf(&b, "ends: %s (in %s)\n",
			      clock_format_utc(sr->ends_ms, 0, t1, sizeof(t1)),
			      fmt_ends_in(now_ms, sr->ends_ms, t2,
					  sizeof(t2)));
	} else {
		pane_buf_field(&b, "ends", NULL);
	}
	pane_buf_addf(&b, "\ncomment:\n%s\n", sr->comment);
	for (i = 0; i < ap->m->n_alerts; i++) {
		const struct alert_row *a = &ap->m->alerts[i];

		if (!a->silenced || strcmp(a->silence_id, sr->id) != 0) {
			continue;
		}
		if (n++ == 0) {
			pane_buf_addf(&b, "\nfiring alerts it silences:\n");
		}
		alert_label(a, label, sizeof(label));
		pane_buf_addf(&b, "  %s\n", label);
	}
	return pane_buf_take(&b);
}

static char *
alerts_detail(struct pane *p, const struct pane_ctx *c)
{
	struct alerts_priv *ap = alerts_priv(p);
	const struct silence_row *sr;
	const struct alert_row *a;
	struct pane_buf b = { 0 };
	char t1[64], t2[64];

	alerts_refresh(p, c);
	if ((sr = selected_silence(p, ap)) != NULL) {
		return silence_detail(ap, sr, c->now_wall_ms);
	}
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
	pane_buf_addf(&b, "state: %s%s\n", a->silenced && a->inhibited ?
		      "silenced and inhibited" : alert_state(a),
		      a->silenced || a->inhibited ? " (suppressed: still "
		      "firing, not notified)" : "");
	if (a->silenced) {
		pane_buf_field(&b, "silence", a->silence_id);
	}
	pane_buf_field(&b, "receivers", a->receivers);
	pane_buf_field(&b, "runbook", a->runbook_url);
	pane_buf_field(&b, "source", a->generator_url);
	pane_buf_field(&b, "all labels", a->matchers);
	pane_buf_addf(&b, "\nsummary:\n%s\n", a->summary);
	if (a->description != NULL && a->description[0] != '\0') {
		pane_buf_addf(&b, "\ndescription:\n%s\n", a->description);
	}
	return pane_buf_take(&b);
}

/* "alert:FINGERPRINT" (an alert without one: its name): its row in the
 * alerts view. */
static bool
alerts_select(struct pane *p, const struct pane_ctx *c, const char *row)
{
	struct alerts_priv *ap = alerts_priv(p);

	if ((row = pane_after(row, "alert:")) == NULL) {
		return false;
	}
	if (p->sub != SUB_ALERTS) {
		pane_switch_sub(p, ap->saved, SUB_COUNT, SUB_ALERTS);
	}
	alerts_refresh(p, c);
	for (size_t i = 0; ap->m != NULL && i < ap->ix.n; i++) {
		const struct alert_row *a = &ap->m->alerts[ap->ix.idx[i]];

		if (strcmp(a->fingerprint[0] != '\0' ? a->fingerprint :
			   a->name, row) == 0) {
			p->view.sel = i;
			return true;
		}
	}
	return false;
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
	.kind = SNAP_ALERTS,
	.band = 2,
	.draw = alerts_draw,
	.key = alerts_key,
	.click = alerts_click,
	.target = alerts_target,
	.detail = alerts_detail,
	.select = alerts_select,
	.free = alerts_free,
};
