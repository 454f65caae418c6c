/* The Endpoints pane: every endpoint check at once, one row each (the
 * runbooks' curl -f .../health, live): status, latency with its trend, how
 * many checks passed, and for HTTPS the certificate's days to expiry.
 * UI thread only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/pane.h"
#include "tui/pane_common.h"
#include "widgets/draw.h"
#include "widgets/sparkline.h"
#include "widgets/table.h"

/* The TREND column: the latency history resampled to it. */
#define TREND_COLS 16

static const struct table_col cols[] = {
	{ "SOURCE", 14, 8, false, false },
	{ "URL", 34, 12, false, true },
	{ "STATUS", 22, 6, false, false },
	{ "LATENCY", 8, 7, true, false },
	{ "TREND", TREND_COLS, 0, false, false },
	{ "UP", 5, 0, true, false },
	{ "CERT", 9, 0, true, false },
};

/* The rows: the sources of the kind, those that match the filter. */
struct http_priv {
	const struct snapshot **snaps;  /* ctx's, valid while drawing */
	size_t *rows;
	size_t n_rows;
};

static struct http_priv *
http_priv(struct pane *p)
{
	if (p->priv == NULL) {
		p->priv = xcalloc(1, sizeof(struct http_priv));
	}
	return p->priv;
}

static const struct endpoint_model *
model_of(const struct snapshot *s)
{
	if (s == NULL) {
		return NULL;
	}
	return snapshot_endpoint(s->data != NULL ? s : s->last_good);
}

static void
index_rows(struct pane *p, const struct pane_ctx *c)
{
	struct http_priv *hp = http_priv(p);

	hp->snaps = c->kind_snaps;
	hp->rows = xreallocarray(hp->rows, c->n_kind_snaps + 1,
				 sizeof(*hp->rows));
	hp->n_rows = 0;
	for (size_t i = 0; i < c->n_kind_snaps; i++) {
		const struct snapshot *s = c->kind_snaps[i];
		const struct endpoint_model *m = model_of(s);

		if (s == NULL || pane_filter_any(p, s->source,
						 m != NULL ? m->url : "",
						 m != NULL ? m->reason : "",
						 (const char *)NULL)) {
			hp->rows[hp->n_rows++] = i;
		}
	}
	table_view_clamp(&p->view, hp->n_rows);
}

static char *
fmt_ms(double ms, char *buf, size_t n)
{
	if (isnan(ms)) {
		snprintf(buf, n, "%s", text_utf8 ? "\u2014" : "-");
	} else if (ms >= 1000) {
		snprintf(buf, n, "%.2f s", ms / 1000);
	} else {
		snprintf(buf, n, "%.0f ms", ms);
	}
	return buf;
}

static void
cell(void *ctx, size_t row, int col, char *buf, size_t n, enum role *role)
{
	const struct http_priv *hp = ctx;
	const struct snapshot *s = hp->snaps[hp->rows[row]];
	const struct endpoint_model *m = model_of(s);

	buf[0] = '\0';
	if (col == 0) {
		snprintf(buf, n, "%s", s != NULL ? s->source : "?");
		return;
	}
	if (s != NULL && s->error[0] != '\0' && col == 2) {
		snprintf(buf, n, "%s", s->error);
		*role = ROLE_CRIT;
		return;
	}
	if (m == NULL) {
		if (col == 2) {
			snprintf(buf, n, "waiting for the first check");
			*role = ROLE_DIM;
		}
		return;
	}
	switch (col) {
	case 1:
		snprintf(buf, n, "%s", m->url);
		break;
	case 2:
		if (m->ok) {
			snprintf(buf, n, "%ld ok", m->status);
			*role = ROLE_OK;
		} else {
			snprintf(buf, n, "%s", m->reason);
			*role = ROLE_CRIT;
		}
		break;
	case 3:
		fmt_ms(m->latency_ms, buf, n);
		if (!isnan(m->latency_warn_ms) && !isnan(m->latency_ms) &&
		    m->latency_ms > m->latency_warn_ms) {
			*role = ROLE_WARN;
		}
		break;
	case 4:
		sparkline_render_fit(m->latency_history.v,
				     m->latency_history.n, TREND_COLS, 0, NAN,
				     text_utf8, buf, n);
		*role = ROLE_SPARK;
		break;
	case 5:
		snprintf(buf, n, "%.0f%%", m->up_ratio * 100);
		*role = m->up_ratio < 0.99 ? ROLE_WARN : ROLE_NORMAL;
		break;
	case 6:
		if (isnan(m->cert_days)) {
			snprintf(buf, n, "%s", m->tls ? "?" : "");
			break;
		}
		if (m->cert_days < 0) {
			snprintf(buf, n, "expired");
		} else {
			snprintf(buf, n, "%.0fd", floor(m->cert_days));
		}
		if (m->cert_days < m->cert_crit_days) {
			*role = ROLE_CRIT;
		} else if (m->cert_days < m->cert_warn_days) {
			*role = ROLE_WARN;
		}
		break;
	default:
		break;
	}
}

static void
http_draw(struct pane *p, const struct pane_ctx *c, WINDOW *win, int y,
	  int x, int h, int w)
{
	struct http_priv *hp = http_priv(p);
	struct table_model tm = {
		.cols = cols,
		.n_cols = (int)(sizeof(cols) / sizeof(cols[0])),
		.cell = cell,
		.ctx = hp,
	};
	struct pane_line l;
	size_t failing = 0, slow = 0, certs = 0;

	p->hints = "";
	p->targets = 0;
	index_rows(p, c);
	for (size_t i = 0; i < c->n_kind_snaps; i++) {
		const struct snapshot *s = c->kind_snaps[i];
		const struct endpoint_model *m = model_of(s);

		if (s != NULL && s->error[0] != '\0') {
			failing++;
		} else if (m != NULL && !m->ok) {
			failing++;
		} else if (m != NULL && !isnan(m->latency_warn_ms) &&
			   m->latency_ms > m->latency_warn_ms) {
			slow++;
		}
		if (m != NULL && !isnan(m->cert_days) &&
		    m->cert_days < m->cert_warn_days) {
			certs++;
		}
	}
	pane_line_init(&l, win, c->theme, y, x, w);
	pane_line_addf(&l, ROLE_NORMAL, "endpoints %zu", c->n_kind_snaps);
	pane_line_sep(&l);
	pane_line_addf(&l, failing ? ROLE_CRIT : ROLE_OK, "failing %zu",
		       failing);
	pane_line_sep(&l);
	pane_line_addf(&l, slow ? ROLE_WARN : ROLE_DIM, "slow %zu", slow);
	pane_line_sep(&l);
	pane_line_addf(&l, certs ? ROLE_WARN : ROLE_DIM, "certs expiring %zu",
		       certs);
	pane_line_filter(&l, p, hp->n_rows, c->n_kind_snaps, 30);
	if (h < 2) {
		return;
	}
	tm.n_rows = hp->n_rows;
	table_draw(win, y + 1, x, h - 1, w, &tm, &p->view, c->theme,
		   c->focused);
}

static bool
http_key(struct pane *p, const struct pane_ctx *c, int key)
{
	struct http_priv *hp = http_priv(p);

	index_rows(p, c);
	return table_view_key(&p->view, key, hp->n_rows);
}

static bool
http_click(struct pane *p, const struct pane_ctx *c, int dy, int dx)
{
	struct http_priv *hp = http_priv(p);

	index_rows(p, c);
	return pane_table_click(p, 1, dy, hp->n_rows);
}

static char *
http_detail(struct pane *p, const struct pane_ctx *c)
{
	struct http_priv *hp = http_priv(p);
	const struct snapshot *s;
	const struct endpoint_model *m;
	struct pane_buf b = { 0 };
	char t[32];

	index_rows(p, c);
	if (p->view.sel >= hp->n_rows) {
		return NULL;
	}
	s = c->kind_snaps[hp->rows[p->view.sel]];
	m = model_of(s);
	if (s == NULL) {
		return NULL;
	}
	pane_buf_addf(&b, "endpoint %s\n\n", s->source);
	if (s->error[0] != '\0') {
		pane_buf_field(&b, "error", s->error);
	}
	if (m == NULL) {
		return pane_buf_take(&b);
	}
	pane_buf_field(&b, "url", m->url);
	pane_buf_field(&b, "result", m->ok ? "ok" : m->reason);
	snprintf(t, sizeof(t), "%ld", m->status);
	pane_buf_field(&b, "status", m->status != 0 ? t : NULL);
	if (m->expect_status != 0) {
		snprintf(t, sizeof(t), "%d", m->expect_status);
		pane_buf_field(&b, "expected status", t);
	} else {
		pane_buf_field(&b, "expected status", "any 2xx");
	}
	if (m->expect_body[0] != '\0') {
		pane_buf_field(&b, "body must hold", m->expect_body);
	}
	pane_buf_field(&b, "latency", fmt_ms(m->latency_ms, t, sizeof(t)));
	pane_buf_field(&b, "connect", fmt_ms(m->connect_ms, t, sizeof(t)));
	pane_buf_field(&b, "tls handshake", fmt_ms(m->tls_ms, t, sizeof(t)));
	pane_buf_field(&b, "first byte", fmt_ms(m->first_byte_ms, t,
						sizeof(t)));
	snprintf(t, sizeof(t), "%.1f %%", m->up_ratio * 100);
	pane_buf_field(&b, "checks passed", t);
	if (m->tls) {
		if (isnan(m->cert_days)) {
			pane_buf_field(&b, "certificate", NULL);
		} else {
			snprintf(t, sizeof(t), "%.1f", m->cert_days);
			pane_buf_field(&b, "certificate days left", t);
			pane_buf_field(&b, "certificate subject",
				       m->cert_subject);
			pane_buf_field(&b, "certificate issuer",
				       m->cert_issuer);
		}
	}
	return pane_buf_take(&b);
}

/* "source:SOURCE", and the kind's own "http:SOURCE", "http-slow:SOURCE",
 * "cert:SOURCE": that source's row. */
static bool
http_select(struct pane *p, const struct pane_ctx *c, const char *row)
{
	static const char *const prefixes[] = {
		"source:", "http:", "http-slow:", "cert:",
	};
	struct http_priv *hp = http_priv(p);
	const char *name = NULL;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]) &&
	     name == NULL; i++) {
		name = pane_after(row, prefixes[i]);
	}
	if (name == NULL) {
		return false;
	}
	index_rows(p, c);
	for (size_t i = 0; i < hp->n_rows; i++) {
		const struct snapshot *s = c->kind_snaps[hp->rows[i]];

		if (s != NULL && strcmp(s->source, name) == 0) {
			p->view.sel = i;
			return true;
		}
	}
	return false;
}

static void
http_free(struct pane *p)
{
	struct http_priv *hp = p->priv;

	if (hp != NULL) {
		free(hp->rows);
		free(hp);
	}
	p->priv = NULL;
}

const struct pane_ops pane_http_ops = {
	.kind = SNAP_HTTP,
	.band = 2,
	.whole_kind = true,
	.draw = http_draw,
	.key = http_key,
	.click = http_click,
	.detail = http_detail,
	.select = http_select,
	.free = http_free,
};
