/* A journal writer that test_journal runs in a fresh process (to kill it,
 * to race it, or inside a private mount namespace):
 *   journal_crasher loop PATH        until killed; prints "R" once open,
 *                                    then "A <seq>" per acknowledged record
 *   journal_crasher count PATH N TAG N records with source TAG, then exits
 *   journal_crasher fill PATH        writes until the disk is full, checks
 *                                    the failure; exit 0 when all held
 * Main thread only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/journal.h"
#include "core/xalloc.h"

#define ENOSPC_MSG "journal write failed: No space left on device"

static void
say(const char *s)
{
	/* One write() per line: the test may kill us at any moment. */
	if (write(STDOUT_FILENO, s, strlen(s)) < 0) {
		exit(3);
	}
}

/* A record whose detail is len bytes, so some lines span pages. */
static void
fill(struct journal_rec *rec, char *detail, size_t len, const char *source,
     unsigned long i)
{
	static char text[64];
	size_t k;

	for (k = 0; k < len; k++) {
		detail[k] = (char)('a' + (i + k) % 26);
	}
	detail[len] = '\0';
	snprintf(text, sizeof(text), "record %lu", i);
	memset(rec, 0, sizeof(*rec));
	rec->ok = JOURNAL_OK_UNSET;
	rec->kind = TL_NOTE;
	rec->incident = (char *)"INC-20261122-001";
	rec->who = (char *)"crasher";
	rec->source = (char *)source;
	rec->text = text;
	rec->detail = detail;
}

/* Fills the disk under path with 1.5 KiB records; returns 0 when the
 * failure was reported as it must be and every acknowledged record loads
 * back intact, else the number of the failed check. */
static int
fill_disk(struct journal *j, const char *path)
{
	struct journal_load_report rep;
	struct journal_rec r, *recs;
	struct err err;
	char msg[ERR_MSG_MAX], *detail = xmalloc(1501);
	int64_t seq = 0, acked = 0;
	size_t n, k;
	int i;

	memset(detail, 'x', 1500);
	detail[1500] = '\0';
	fill(&r, detail, 0, "fill", 0);
	r.detail = detail;
	for (i = 0; i < 500; i++) {
		seq = journal_append_sync(j, &r, &err);
		if (seq < 0) {
			break;
		}
		acked = seq;
	}
	if (seq >= 0 || acked < 10) {
		return 11;
	}
	if (strcmp(err.msg, ENOSPC_MSG) != 0) {
		fprintf(stderr, "message: %s\n", err.msg);
		return 12;
	}
	if (journal_healthy(j, msg, sizeof(msg)) ||
	    strcmp(msg, ENOSPC_MSG) != 0 || journal_append(j, &r) != 0) {
		return 13;
	}
	journal_close(j);
	if (journal_load(path, &recs, &n, &rep, &err) != 0) {
		return 14;
	}
	if ((int64_t)n != acked || rep.n_skipped != 0) {
		fprintf(stderr, "loaded %zu of %lld, skipped %zu\n", n,
			(long long)acked, rep.n_skipped);
		return 15;
	}
	for (k = 0; k < n; k++) {
		if (recs[k].seq != k + 1 || strcmp(recs[k].detail, detail)) {
			return 16;
		}
	}
	journal_recs_free(recs, n);
	free(detail);
	return 0;
}

int
main(int argc, char **argv)
{
	struct journal_rec rec;
	struct journal *j;
	struct err err;
	char *detail = xmalloc(10000);
	char line[64];
	unsigned long i, n;
	int64_t seq;

	if (argc < 3) {
		fprintf(stderr, "usage: journal_crasher loop|count PATH "
			"[N TAG]\n");
		return 2;
	}
	j = journal_open(argv[2], 0, &err);
	if (j == NULL) {
		j = journal_open(argv[2], JOURNAL_CREATE, &err);
	}
	if (j == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	if (strcmp(argv[1], "loop") == 0) {
		say("R\n");
		for (i = 0;; i++) {
			fill(&rec, detail, (i * 997) % 9000, "loop", i);
			if (i % 3 != 2) {
				journal_append(j, &rec);
				continue;
			}
			seq = journal_append_sync(j, &rec, &err);
			if (seq < 0) {
				fprintf(stderr, "%s\n", err.msg);
				return 1;
			}
			snprintf(line, sizeof(line), "A %lld\n",
				 (long long)seq);
			say(line);
		}
	}
	if (strcmp(argv[1], "fill") == 0) {
		free(detail);
		return fill_disk(j, argv[2]);
	}
	if (strcmp(argv[1], "count") == 0 && argc == 5) {
		n = strtoul(argv[3], NULL, 10);
		for (i = 0; i < n; i++) {
			fill(&rec, detail, (i * 389) % 6000, argv[4], i);
			journal_append(j, &rec);
		}
		if (journal_flush(j) != 0) {
			return 1;
		}
		journal_close(j);
		free(detail);
		return 0;
	}
	return 2;
}
