/* The war room of the record tests (see record_room.h). Test processes
 * only. */
#include "tests/integration/record_room.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/incident.h"
#include "probes/runner.h"
#include "tests/integration/harness.h"

void
record_room_open(struct record_room *room, const struct probe_ops *ops,
		 struct config_section *const *secs, size_t n, bool actions,
		 const char *title)
{
	struct incident_rt_opts o = { 0 };
	struct err err = { { 0 } };
	size_t i;

	memset(room, 0, sizeof(*room));
	room->dir = harness_tmpdir("record-room");
	room->st = state_new();
	room->tl = timeline_new(NULL, NULL);
	room->tracker = rules_tracker_new(room->tl);
	state_set_tracker(room->st, room->tracker);
	if (actions) {
		room->act = actions_new(room->st, room->tl, false);
	}
	o.dir = room->dir;
	o.tracker = room->tracker;
	room->rt = incident_rt_new(room->st, room->tl, room->act, &o);
	cr_assert_eq(incident_rt_declare_now(room->rt, title, INCIDENT_P2,
					     "alice", &err), 0, "%s", err.msg);
	room->r = runner_new(room->st);
	for (i = 0; i < n; i++) {
		cr_assert_geq(runner_add(room->r, ops, secs[i], &err), 0, "%s",
			      err.msg);
	}
	cr_assert_eq(runner_start(room->r, &err), 0, "%s", err.msg);
}

void
record_room_close(struct record_room *room)
{
	if (room->r != NULL) {
		runner_stop(room->r, 2000);
		runner_free(room->r);
	}
	incident_rt_stop(room->rt);
	actions_free(room->act, 2000);
	incident_rt_free(room->rt);
	if (room->st != NULL) {
		state_free(room->st);
		rules_tracker_free(room->tracker);
		timeline_free(room->tl);
	}
	if (room->dir != NULL) {
		harness_rmrf(room->dir);
		free(room->dir);
	}
	memset(room, 0, sizeof(*room));
}

struct journal_rec *
record_room_records(struct record_room *room, size_t *n)
{
	struct incident *inc = incident_rt_incident(room->rt);

	journal_flush(incident_journal(inc));
	return incident_records(inc, n);
}

static bool
matches(const struct journal_rec *r, enum tl_kind kind, const char *key,
	const char *text)
{
	return r->kind == kind && r->event == NULL &&
	       (key == NULL || (r->key != NULL &&
				strncmp(r->key, key, strlen(key)) == 0)) &&
	       (text == NULL || (r->text != NULL &&
				 strstr(r->text, text) != NULL));
}

size_t
record_room_count(struct record_room *room, enum tl_kind kind,
		  const char *key, const char *text)
{
	struct journal_rec *recs;
	size_t n, i, k = 0;

	recs = record_room_records(room, &n);
	for (i = 0; i < n; i++) {
		k += matches(&recs[i], kind, key, text);
	}
	journal_recs_free(recs, n);
	return k;
}

struct journal_rec
record_room_wait(struct record_room *room, enum tl_kind kind,
		 const char *key, const char *text, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;
	struct journal_rec out, *recs;
	size_t n, i;

	while (clock_mono_ms() < end) {
		recs = record_room_records(room, &n);
		for (i = 0; i < n; i++) {
			if (matches(&recs[i], kind, key, text)) {
				journal_rec_copy(&out, &recs[i]);
				journal_recs_free(recs, n);
				return out;
			}
		}
		journal_recs_free(recs, n);
		usleep(100000);
	}
	recs = record_room_records(room, &n);
	for (i = 0; i < n; i++) {
		fprintf(stderr, "journal: %s %s %s\n",
			tl_kind_name(recs[i].kind),
			recs[i].source ? recs[i].source : "",
			recs[i].text ? recs[i].text : "");
	}
	journal_recs_free(recs, n);
	cr_assert_fail("no %s record (key %s, text %s) within %d ms",
		       tl_kind_name(kind), key ? key : "any",
		       text ? text : "any", timeout_ms);
	journal_rec_init(&out);
	return out;
}
