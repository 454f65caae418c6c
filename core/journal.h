/* The incident journal: an append-only JSON Lines file, one record per line,
 * written and fsynced record by record by one writer thread so that no
 * caller waits on the disk unless it asks to. Any thread may append. */
#ifndef WARROOM_JOURNAL_H
#define WARROOM_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/timeline.h"

/* The "v" of every record this code writes; newer records are not read. */
#define JOURNAL_VERSION 1

/* rec.ok when the record carries no result. */
#define JOURNAL_OK_UNSET (-1)

/*
 * One line of the file:
 *   {"v":1,"seq":7,"ts":"2026-11-22T10:25:03.120Z","kind":"action",
 *    "incident":"INC-20261122-001","who":"alice","source":"postgres.main",
 *    "text":"...","detail":"...", ...}
 * Every string may be NULL (written as "" for who/source/text/detail,
 * omitted otherwise). Loaded records own their strings.
 */
struct journal_rec {
	int v;
	uint64_t seq;           /* 1, 2, ... in file order; set by the writer */
	int64_t ts_ms;          /* wall ms, UTC; 0 at append: the append time */
	enum tl_kind kind;      /* written as tl_kind_name() */
	char *incident;         /* "INC-20261122-001" */
	char *who;              /* "alice (via sudo from bob, ssh 10.0.0.5)" */
	char *source;           /* "postgres.main" */
	char *text;             /* one line for people */
	char *detail;           /* the full record, may hold newlines */

	/* Actions (kind TL_ACTION_INTENT / TL_ACTION_RESULT). */
	char *action;           /* the action spec's name: "terminate" */
	char *target;           /* action_req.target_label or target */
	char *op;               /* the exact operation: SQL, HTTP, Redis */
	char *result;           /* result records: the one-line result */
	int ok;                 /* results: 1 or 0; else JOURNAL_OK_UNSET */
	/* results: "ok", "failed" or "cancelled" (by the operator; then ok
	 * is 0); NULL in journals older than it: ok says */
	char *outcome;
	uint64_t intent_seq;    /* result records: the seq of their intent */
	/* intents: 1 when the action changes a system (a mitigation), 0 when
	 * it does not (a silence); JOURNAL_OK_UNSET in older journals */
	int mitigation;

	/* Findings and alerts (TL_FINDING_*, TL_ALERT_*, and "still-open"
	 * records): struct tl_finding's fields. Numbers are NAN and times 0
	 * when absent. */
	char *key;              /* "pg-blocked:4242" */
	char *subject;          /* "sessions blocked behind pid 4242" */
	char *level;            /* "warn", "crit" */
	double value, limit, peak;
	char *unit;             /* "ratio", "seconds", "bytes", ... */
	int64_t since_ms;
	int64_t opened_ms;
	bool preexisting;

	/* Incident events. event is NULL for plain timeline records, else
	 * "declare" (title, severity, status, commander), "status"
	 * (status), "severity" (severity), "escalation" (escalation),
	 * "update" (a status update was sent; detail holds its text),
	 * "impact" (text), "security", "commander" (commander),
	 * "resume", "still-open" (a finding open when the incident was
	 * resolved, with its finding fields). */
	char *event;
	char *title;
	char *commander;
	char *severity;         /* "P1" */
	char *status;           /* "Mitigating" */
	char *escalation;       /* the escalation rule's key */

	/* Not written: the record's entry is in the timeline already (it was
	 * shown before the incident was declared). */
	bool shown;
};

/* A record with nothing set: ok and mitigation JOURNAL_OK_UNSET, numbers
 * NAN. */
void journal_rec_init(struct journal_rec *rec);
/* Sets rec's finding fields to (the strings of) f; rec does not own
 * them. */
void journal_rec_set_finding(struct journal_rec *rec,
			     const struct tl_finding *f);
/* Whether rec carries a finding (a key); if so fills *f, pointing into
 * rec. */
bool journal_rec_finding(const struct journal_rec *rec,
			 struct tl_finding *f);
/* "none", "ratio", "seconds", "bytes", "per_second", and back (UNIT_NONE
 * for anything else). */
const char *journal_unit_name(enum metric_unit unit);
enum metric_unit journal_unit_parse(const char *name);

/* Deep copy of src into dst (strings duplicated). */
void journal_rec_copy(struct journal_rec *dst, const struct journal_rec *src);
/* Frees the strings of one record (not the record). */
void journal_rec_finish(struct journal_rec *rec);
/* Frees an array returned by journal_load(). */
void journal_recs_free(struct journal_rec *recs, size_t n);

/* One line of JSON for rec, with '\n'; the caller frees it. */
char *journal_rec_format(const struct journal_rec *rec);
/* Parses one line (without its '\n'). Returns 0, or -1 with the reason in
 * err when the line is not a complete record of a version this code
 * reads. */
int journal_rec_parse(const char *line, size_t len, struct journal_rec *out,
		      struct err *err);

/* "2026-11-22T10:25:03.120Z" (buf >= 25). Returns buf. */
char *journal_format_ts(int64_t wall_ms, char *buf, size_t n);

struct journal;

enum {
	/* Create the file (O_EXCL: fails with errno EEXIST when it exists),
	 * mode 0600, and fsync its directory. */
	JOURNAL_CREATE = 1 << 0,
};

/* Opens path for appending and starts its writer thread. Without
 * JOURNAL_CREATE the file must exist. Returns NULL with err set (and errno
 * kept from the failing call). Blocking I/O: main thread or a worker. */
struct journal *journal_open(const char *path, int flags, struct err *err);

/* Writes what is queued, stops the writer and frees j. Not concurrently
 * with appends. */
void journal_close(struct journal *j);

/* Called on the writer thread, without any journal lock held:
 * on_write(ctx, rec) after each record's fsync returned, with its final
 * seq (rec is valid only during the call); on_fail(ctx) once, when the
 * journal enters its failed state. Either may be NULL. Set before the
 * first append. */
void journal_set_callbacks(struct journal *j,
			   void (*on_write)(void *ctx,
					    const struct journal_rec *rec),
			   void (*on_fail)(void *ctx), void *ctx);

/* Queues a copy of rec and returns at once with a ticket: the seq the
 * record gets while this process is the file's only writer (another
 * process appending meanwhile moves it further; on_write tells the final
 * one). Returns 0 when the journal has failed: nothing is queued. */
uint64_t journal_append(struct journal *j, const struct journal_rec *rec);

/* Queues a copy of rec and waits until it (and everything queued before
 * it) is written and fsynced. Returns its seq, or -1 with err set when it
 * was not written: the journal failed now or before ("journal write
 * failed: No space left on device"). Never from the UI thread. */
int64_t journal_append_sync(struct journal *j, const struct journal_rec *rec,
			    struct err *err);

/* Waits until every record queued so far is written (or failed). Returns
 * 0, or -1 when the journal is in its failed state. */
int journal_flush(struct journal *j);

/* False once any write, fsync or repair failed; it stays false (sticky):
 * destructive actions, notes and status changes must then be refused. msg
 * (may be NULL) receives the reason ("journal write failed: No space left
 * on device"). Any thread. */
bool journal_healthy(struct journal *j, char *msg, size_t n);

const char *journal_path(const struct journal *j);

/* Whether a torn last line was set aside (moved to PATH.torn and the file
 * cut back to its last whole record), when the journal was opened or since;
 * msg (may be NULL) says so. Any thread. */
bool journal_repaired(struct journal *j, char *msg, size_t n);

/* Tests: the next n records are written normally, the one after that
 * writes half its line and fails with ENOSPC, as a full disk does. */
void journal_set_fail_after(struct journal *j, long n);

/* What journal_load() found besides the records. */
struct journal_load_report {
	size_t n_lines;         /* lines read, including bad ones */
	size_t n_skipped;       /* lines that are not valid records */
	size_t first_bad_line;  /* 1-based, 0 when none */
	bool torn_tail;         /* the last line was cut short */
	/* "journal: ignored a torn last line (37 bytes) at line 12", or "" */
	char msg[ERR_MSG_MAX];
};

/* Reads every valid record of path in file order into *out (the caller
 * frees with journal_recs_free) and counts the lines it had to skip: a last
 * line without '\n' (a record torn by a crash) or any line that does not
 * parse. Returns 0, or -1 with err set when the file cannot be read.
 * Blocking I/O. */
int journal_load(const char *path, struct journal_rec **out, size_t *n,
		 struct journal_load_report *rep, struct err *err);

/* The result record of the intent with seq intent_seq in recs, or NULL:
 * an intent without a result reads as "outcome unknown". */
const struct journal_rec *journal_find_result(const struct journal_rec *recs,
					      size_t n, uint64_t intent_seq);

/* The kind whose tl_kind_name() is name; -1 when none. */
int journal_kind_from_name(const char *name);

#endif
