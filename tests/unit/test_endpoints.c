/* The endpoints kind: the findings derived from hand-built checks (failing,
 * slow, a certificate in its windows or expired), and the Endpoints pane,
 * which draws every source of its kind at once, failing ones in red, a
 * failing source's own error in its row. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "core/rules.h"
#include "core/sanitize.h"
#include "core/snapshot.h"
#include "themes/theme.h"
#include "tests/unit/screen_fixture.h"
#include "tui/pane.h"

static struct snapshot *
endpoint(const char *source, bool ok, double latency_ms, double cert_days)
{
	struct snapshot *s = snapshot_new(SNAP_HTTP, source);
	struct endpoint_model *m = snapshot_alloc(s, sizeof(*m));

	m->url = "https://api.example.com/healthz";
	m->expect_body = "";
	m->status = ok ? 200 : 503;
	m->ok = ok;
	m->reason = ok ? "" : "HTTP 503 (expected 2xx)";
	m->latency_ms = latency_ms;
	m->connect_ms = m->tls_ms = m->first_byte_ms = NAN;
	m->latency_warn_ms = 2000;
	m->up_ratio = ok ? 1 : 0.5;
	m->tls = true;
	m->cert_days = cert_days;
	m->cert_issuer = "";
	m->cert_subject = "";
	m->cert_warn_days = 14;
	m->cert_crit_days = 3;
	s->data = m;
	return s;
}

static void
expect_one(struct snapshot *s, enum health sev, const char *key,
	   const char *text)
{
	struct finding f[4];

	cr_assert_eq(rules_findings(s, f, 4), 1);
	cr_expect_eq(f[0].sev, sev);
	cr_expect_str_eq(f[0].key, key);
	cr_expect_str_eq(f[0].text, text);
	cr_expect_eq(rules_health(s), sev);
}

Test(endpoints, healthy)
{
	struct snapshot *s = endpoint("http.api", true, 40, 60);

	cr_expect_eq(rules_findings(s, NULL, 0), 0);
	cr_expect_eq(rules_health(s), HEALTH_OK);
	snapshot_unref(s);
}

Test(endpoints, failing)
{
	struct snapshot *s = endpoint("http.api", false, 40, 60);

	expect_one(s, HEALTH_CRIT, "http:http.api",
		   "https://api.example.com/healthz failing: HTTP 503 "
		   "(expected 2xx)");
	snapshot_unref(s);
}

Test(endpoints, slow)
{
	struct snapshot *s = endpoint("http.api", true, 2400, NAN);

	expect_one(s, HEALTH_WARN, "http-slow:http.api",
		   "https://api.example.com/healthz slow: 2.4 s "
		   "(warn > 2 s)");
	snapshot_unref(s);
}

Test(endpoints, certificate_windows)
{
	struct snapshot *s = endpoint("http.api", true, 40, 13.4);

	expect_one(s, HEALTH_WARN, "cert:http.api",
		   "certificate of https://api.example.com/healthz expires "
		   "in 13.4 days (warn < 14 days)");
	snapshot_unref(s);
	s = endpoint("http.api", true, 40, 2.5);
	expect_one(s, HEALTH_CRIT, "cert:http.api",
		   "certificate of https://api.example.com/healthz expires "
		   "in 2.5 days (crit < 3 days)");
	snapshot_unref(s);
	s = endpoint("http.api", true, 40, -1.25);
	expect_one(s, HEALTH_CRIT, "cert:http.api",
		   "certificate of https://api.example.com/healthz expired "
		   "1.2 days ago");
	snapshot_unref(s);
	/* Plain HTTP (no certificate) raises nothing. */
	s = endpoint("http.api", true, 40, NAN);
	cr_expect_eq(rules_findings(s, NULL, 0), 0);
	snapshot_unref(s);
}

Test(endpoints, pane_draws_every_source, .init = scr_up, .fini = scr_down)
{
	struct snapshot *snaps[3];
	const struct snapshot *cs[3];
	struct theme t;
	struct pane p = { .ops = &pane_http_ops, .source = 0 };
	struct pane_ctx c = { 0 };
	char row[128];
	int y, x;

	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	theme_defaults(&t);
	theme_apply(&t);
	snaps[0] = endpoint("http.api", false, 40, 13);
	snaps[1] = endpoint("http.checkout", true, 2500, 60);
	snaps[2] = snapshot_new(SNAP_HTTP, "http.search");
	snapshot_set_error(snaps[2], "bad value for expect");
	for (int i = 0; i < 3; i++) {
		rules_derive(snaps[i]);
		cs[i] = snaps[i];
	}
	c.theme = &t;
	c.snap = snaps[0];
	c.data = snaps[0];
	c.kind_snaps = cs;
	c.n_kind_snaps = 3;
	c.focused = false;
	p.ops->draw(&p, &c, scr_win, 0, 0, SCR_ROWS, SCR_COLS);
	cr_expect(strstr(scr_row_trim(0, 0, SCR_COLS, row, sizeof(row)),
			 "endpoints 3 · failing 2 · slow 1 · certs expiring 1")
		  != NULL, "%s", row);
	y = scr_find_row("http.api", 1, NULL);
	cr_assert_geq(y, 2);
	scr_row_trim(y, 0, SCR_COLS, row, sizeof(row));
	cr_expect(strstr(row, "HTTP 503") != NULL, "%s", row);
	cr_assert_geq(scr_find_row("HTTP 503", 1, &x), 0);
	cr_expect_eq(scr_pair(y, x),
		     (short)PAIR_NUMBER(theme_attr(&t, ROLE_CRIT)));
	y = scr_find_row("http.checkout", 1, NULL);
	cr_assert_geq(y, 2);
	scr_row_trim(y, 0, SCR_COLS, row, sizeof(row));
	cr_expect(strstr(row, "2.50 s") != NULL, "%s", row);
	cr_expect(strstr(row, "200 ok") != NULL, "%s", row);
	y = scr_find_row("http.search", 1, NULL);
	cr_assert_geq(y, 2);
	scr_row_trim(y, 0, SCR_COLS, row, sizeof(row));
	cr_expect(strstr(row, "bad value for expect") != NULL, "%s", row);
	/* The filter keeps the rows that match. */
	strcpy(p.filter, "checkout");
	p.ops->draw(&p, &c, scr_win, 0, 0, SCR_ROWS, SCR_COLS);
	cr_expect_lt(scr_find_row("http.api", 1, NULL), 0);
	cr_expect_geq(scr_find_row("http.checkout", 1, NULL), 0);
	p.ops->free(&p);
	for (int i = 0; i < 3; i++) {
		snapshot_unref(snaps[i]);
	}
}
