/* What the incident tests share (see incident_fixture.h). Test processes
 * only. */
#include "tests/unit/incident_fixture.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

int incident_fixture_runs;

static int
run(const struct action_req *req, char *result, size_t n, struct err *err)
{
	(void)err;
	incident_fixture_runs++;
	snprintf(result, n, "%s", ACTION_SPEC(req)->destructive ? "killed" :
		 "seen");
	return 0;
}

static void
describe(const struct action_req *req, char *buf, size_t n)
{
	snprintf(buf, n, "%s %s/%s",
		 ACTION_SPEC(req)->destructive ? "KILL" : "LOOK",
		 req->target.u.pod.ns, req->target.u.pod.name);
}

static const struct action_spec kill_spec = {
	.name = "kill",
	.label = "Kill it",
	.hint = "kill",
	.key = 'K',
	.target = TARGET_POD,
	.destructive = true,
};

static const struct action_spec look_spec = {
	.name = "look",
	.label = "Look at it",
	.hint = "look",
	.key = 'L',
	.target = TARGET_POD,
	.destructive = false,
};

const struct action_impl incident_fixture_kill = {
	.spec = &kill_spec,
	.describe = describe,
	.run = run,
};

const struct action_impl incident_fixture_look = {
	.spec = &look_spec,
	.describe = describe,
	.run = run,
};

struct action_req
incident_fixture_req(const struct action_impl *d)
{
	struct action_req req;

	memset(&req, 0, sizeof(req));
	req.impl = d;
	strcpy(req.source, "k8s.main");
	req.target.type = TARGET_POD;
	strcpy(req.target.u.pod.ns, "prod");
	strcpy(req.target.u.pod.name, "api-1");
	strcpy(req.target.label, "pod prod/api-1");
	strcpy(req.who, "alice (ssh 10.0.0.5)");
	return req;
}

struct journal_rec *
incident_fixture_records(struct incident *inc, size_t *n)
{
	cr_assert_not_null(inc);
	cr_assert_eq(journal_flush(incident_journal(inc)), 0);
	return incident_records(inc, n);
}

const struct journal_rec *
incident_fixture_find(const struct journal_rec *recs, size_t n,
		      enum tl_kind kind)
{
	for (size_t i = 0; i < n; i++) {
		if (recs[i].kind == kind) {
			return &recs[i];
		}
	}
	return NULL;
}

bool
incident_fixture_timeline_has(struct timeline *tl, const char *text)
{
	for (size_t i = 0; i < timeline_count(tl); i++) {
		if (strstr(timeline_get(tl, i)->text, text) != NULL) {
			return true;
		}
	}
	return false;
}
