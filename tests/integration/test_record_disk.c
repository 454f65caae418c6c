/* "Added" means on disk, on a disk that fills up: the journal on a small
 * tmpfs this test mounts (in a mount namespace of its own, as root), notes
 * typed in the dashboard until the filesystem is full. Each note says
 * "added" only once written, the first that does not fit and every one
 * after are refused with the reason, the Timeline pane draws exactly the
 * notes the journal holds, and the journal file holds only whole records.
 * Where mounting is not permitted the file size limit (RLIMIT_FSIZE, EFBIG)
 * stands in for the full filesystem, and the test says so. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <errno.h>
#include <locale.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/incident.h"
#include "core/journal.h"
#include "core/state.h"
#include "core/timeline.h"
#include "themes/theme.h"
#include "tui/app.h"
#include "tui/command.h"
#include "tui/incident_ui.h"
#include "tui/screen.h"
#include "tests/integration/harness.h"
#include "tests/unit/screen_fixture.h"

#define NOTES 200

static char *dir;
static bool mounted;

/* A full filesystem: a 16 KiB tmpfs in a mount namespace of this process
 * (gone with it), else a file size limit. Returns what it used. */
static const char *
small_disk(void)
{
	struct rlimit rl = { 16 * 1024, 16 * 1024 };

	dir = harness_tmpdir("record-disk");
	if (unshare(CLONE_NEWNS) == 0 &&
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	    mount("tmpfs", dir, "tmpfs", 0, "size=16k,mode=0700") == 0) {
		mounted = true;
		return "tmpfs of 16 KiB";
	}
	fprintf(stderr, "test_record_disk: cannot mount a tmpfs (%s); "
		"RLIMIT_FSIZE stands in for the full disk\n", strerror(errno));
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	return "RLIMIT_FSIZE of 16 KiB";
}

static void
teardown(void)
{
	if (mounted) {
		umount(dir);
	}
	harness_rmrf(dir);
	free(dir);
}

static void
type(struct app *a, const char *s)
{
	for (; *s != '\0'; s++) {
		command_key(a, (unsigned char)*s, true);
	}
}

/* Runs the loop's collection until the worker answered the change
 * (the status line no longer says "writing"), or 10 s. */
static void
collect_answer(struct app *a)
{
	for (int i = 0; i < 1000; i++) {
		incident_ui_collect(a);
		if (strncmp(a->status, "writing", 7) != 0) {
			return;
		}
		usleep(10000);
	}
	cr_assert_fail("no answer: %s", a->status);
}

/* The notes the journal file holds, each line parsed: how many, and
 * whether note i is among them. */
static size_t
notes_on_disk(const char *path, bool *have)
{
	struct journal_load_report rep;
	struct journal_rec *recs;
	struct err err = { { 0 } };
	size_t n, i, k = 0;
	int no;

	cr_assert_eq(journal_load(path, &recs, &n, &rep, &err), 0, "%s",
		     err.msg);
	cr_assert_eq(rep.n_skipped, 0, "a line that is not a whole record: "
		     "%s", rep.msg);
	for (i = 0; i < n; i++) {
		if (recs[i].kind == TL_NOTE &&
		    sscanf(recs[i].text, "note %d of the outage", &no) == 1) {
			have[no] = true;
			k++;
		}
	}
	journal_recs_free(recs, n);
	return k;
}

/* The notes the Timeline pane draws, zoomed, on a screen tall enough. */
static size_t
notes_drawn(struct app *a, bool *drawn)
{
	char row[400];
	size_t k = 0;
	int y, no;

	app_touch_all(a);
	screen_draw(a);
	for (y = 0; y < LINES; y++) {
		const char *at;

		scr_row_trim(y, 0, COLS, row, sizeof(row));
		/* Past the KIND column's "note". */
		for (at = strstr(row, "note "); at != NULL;
		     at = strstr(at + 1, "note ")) {
			if (sscanf(at, "note %d of the outage", &no) == 1) {
				drawn[no] = true;
				k++;
				break;
			}
		}
	}
	return k;
}

Test(record_disk, a_full_disk_refuses_notes_and_shows_only_what_it_holds,
     .fini = teardown, .timeout = 120)
{
	struct incident_ui_opts o = { 0 };
	struct state *st = state_new();
	struct timeline *tl = timeline_new(NULL, NULL);
	struct incident_ui *iu;
	struct err err = { { 0 } };
	struct theme theme;
	struct app a;
	bool have[NOTES] = { false }, drawn[NOTES] = { false };
	const char *disk = small_disk();
	char text[64], why[256] = "";
	int i, added = 0, refused = 0, first_refused = -1;
	size_t on_disk, shown;

	fprintf(stderr, "test_record_disk: the journal is on a %s\n", disk);
	o.dir = dir;
	iu = incident_ui_new(st, tl, NULL, &o);
	cr_assert_eq(incident_ui_declare_now(iu, "Disk full", INCIDENT_P2,
					     "alice", &err), 0, "%s", err.msg);
	scr_open(NOTES + 40, 200);
	theme_defaults(&theme);
	app_init(&a, st, NULL, tl, NULL, &theme, false, false);
	a.iu = iu;
	a.win = stdscr;
	app_resize(&a, LINES, COLS);
	incident_ui_collect(&a);

	for (i = 0; i < NOTES; i++) {
		snprintf(text, sizeof(text), "note %d of the outage", i);
		type(&a, "n");
		type(&a, text);
		type(&a, "\n");
		collect_answer(&a);
		if (strstr(a.status, "note added to ") != NULL) {
			cr_assert_eq(refused, 0, "note %d added after one "
				     "was refused: %s", i, a.status);
			added++;
			continue;
		}
		cr_assert(strstr(a.status, "No space left on device") != NULL ||
			  strstr(a.status, "File too large") != NULL,
			  "note %d: %s", i, a.status);
		if (first_refused < 0) {
			first_refused = i;
			snprintf(why, sizeof(why), "%s", a.status);
		}
		refused++;
	}
	fprintf(stderr, "test_record_disk: %d notes added, %d refused; the "
		"first refusal: %s\n", added, refused, why);
	cr_assert_gt(added, 10);
	cr_assert_gt(refused, 10, "the disk never filled up");
	/* The first that did not fit: the write failed. The next ones:
	 * refused before any write, with the same reason. */
	cr_assert_not_null(strstr(why, "not written to INC-"), "%s", why);
	cr_assert_not_null(strstr(a.status, "note refused: journal write "
				  "failed: "), "%s", a.status);
	cr_assert_not_null(strstr(a.status, "(nothing was written)"), "%s",
			   a.status);
	cr_assert(a.incident.journal_failed);

	/* What the file holds is what was acknowledged, whole. */
	on_disk = notes_on_disk(journal_path(incident_journal(
				 incident_ui_incident(iu))), have);
	cr_assert_eq(on_disk, (size_t)added);
	for (i = 0; i < NOTES; i++) {
		cr_assert_eq(have[i], i < added, "note %d", i);
	}

	/* The Timeline pane draws those and nothing else. */
	type(&a, "7z");
	shown = notes_drawn(&a, drawn);
	cr_assert_eq(shown, (size_t)added, "drawn %zu, on disk %d", shown,
		     added);
	for (i = 0; i < NOTES; i++) {
		cr_assert_eq(drawn[i], have[i], "note %d drawn %d on disk %d",
			     i, drawn[i], have[i]);
	}

	app_finish(&a);
	scr_close();
	incident_ui_free(iu);
	timeline_free(tl);
	state_free(st);
}
