/* Tests for the incident journal: record format, the writer thread, crash
 * safety under kill -9, a full disk, and two writers on one file. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/journal.h"
#include "core/xalloc.h"
#include "tests/unit/journal_fixture.h"

#define ENOSPC_MSG "journal write failed: No space left on device"

static char dir[64];
static char path[128];

static void
setup(void)
{
	journal_fixture_mkdir(dir, sizeof(dir), "journal-test");
	snprintf(path, sizeof(path), "%s/INC-20261122-001.jsonl", dir);
}

static void
teardown(void)
{
	journal_fixture_rm(dir);
}

TestSuite(journal, .init = setup, .fini = teardown, .timeout = 60);

static struct journal_rec
note(const char *text)
{
	struct journal_rec r;

	memset(&r, 0, sizeof(r));
	r.ok = JOURNAL_OK_UNSET;
	r.kind = TL_NOTE;
	r.incident = (char *)"INC-20261122-001";
	r.who = (char *)"alice";
	r.text = (char *)text;
	return r;
}

static struct journal *
open_new(void)
{
	struct err err;
	struct journal *j = journal_open(path, JOURNAL_CREATE, &err);

	cr_assert_not_null(j, "%s", err.msg);
	return j;
}

static size_t
load(struct journal_rec **recs, struct journal_load_report *rep)
{
	struct err err;
	size_t n;

	cr_assert_eq(journal_load(path, recs, &n, rep, &err), 0, "%s",
		     err.msg);
	return n;
}

/* ---- format ------------------------------------------------------------ */

Test(journal, format_round_trip_keeps_every_field)
{
	struct journal_rec r, back;
	struct err err;
	char *line;

	memset(&r, 0, sizeof(r));
	r.seq = 42;
	r.ts_ms = 1795342507123LL;      /* 2026-11-22T...Z */
	r.kind = TL_ACTION_RESULT;
	r.incident = (char *)"INC-20261122-001";
	r.who = (char *)"alice (via sudo from bob, ssh 10.0.0.5)";
	r.source = (char *)"postgres.main";
	r.text = (char *)"Terminate session on pid=4242";
	r.detail = (char *)"SELECT pg_terminate_backend(4242);\n"
		   "-- line 2\t\x1b[31m";
	r.action = (char *)"terminate";
	r.target = (char *)"pid=4242 start=1";
	r.op = (char *)"SELECT pg_terminate_backend(4242)";
	r.result = (char *)"terminated ✓";
	r.ok = 0;
	r.intent_seq = 41;
	r.event = (char *)"status";
	r.status = (char *)"Mitigating";

	line = journal_rec_format(&r);
	cr_assert_eq(strchr(line, '\n'), line + strlen(line) - 1,
		     "one line, ending in newline: %s", line);
	cr_assert_eq(strncmp(line, "{\"v\":1,\"seq\":42,\"ts\":"
			     "\"2026-11-22T", 32), 0, "%s", line);
	cr_assert_eq(journal_rec_parse(line, strlen(line) - 1, &back, &err),
		     0, "%s", err.msg);
	cr_assert_eq(back.seq, 42);
	cr_assert_eq(back.ts_ms, r.ts_ms);
	cr_assert_eq(back.kind, TL_ACTION_RESULT);
	cr_assert_str_eq(back.who, r.who);
	cr_assert_str_eq(back.detail, r.detail);
	cr_assert_str_eq(back.action, "terminate");
	cr_assert_str_eq(back.op, r.op);
	cr_assert_str_eq(back.result, r.result);
	cr_assert_eq(back.ok, 0);
	cr_assert_eq(back.intent_seq, 41);
	cr_assert_str_eq(back.status, "Mitigating");
	cr_assert_null(back.title);
	cr_assert_null(back.escalation);
	journal_rec_finish(&back);
	free(line);
}

Test(journal, format_writes_kind_names_and_utc_ms)
{
	struct journal_rec r = note("hello");
	char *line;

	r.seq = 1;
	r.ts_ms = 86400000LL + 5;       /* 1970-01-02T00:00:00.005Z */
	line = journal_rec_format(&r);
	cr_assert_str_eq(line, "{\"v\":1,\"seq\":1,\"ts\":"
			 "\"1970-01-02T00:00:00.005Z\",\"kind\":\"note\","
			 "\"incident\":\"INC-20261122-001\",\"who\":\"alice\","
			 "\"source\":\"\",\"text\":\"hello\","
			 "\"detail\":\"\"}\n");
	free(line);
}

/* Inline text: Criterion copies parameters into each test's process. */
struct bad_line {
	char line[160];
};

ParameterizedTestParameters(journal, parse_rejects)
{
	static struct bad_line lines[] = {
		{ "" },
		{ "{" },
		{ "[]" },
		{ "{\"v\":1,\"seq\":3,\"ts\":\"2026-11-22T10:00:00.000Z\","
		  "\"kind\":\"note\",\"incident\":\"I\"" },
		{ "{\"v\":2,\"seq\":3,\"ts\":\"2026-11-22T10:00:00.000Z\","
		  "\"kind\":\"note\",\"incident\":\"I\"}" },
		{ "{\"v\":1,\"ts\":\"2026-11-22T10:00:00.000Z\","
		  "\"kind\":\"note\",\"incident\":\"I\"}" },
		{ "{\"v\":1,\"seq\":0,\"ts\":\"2026-11-22T10:00:00.000Z\","
		  "\"kind\":\"note\",\"incident\":\"I\"}" },
		{ "{\"v\":1,\"seq\":1.5,\"ts\":\"2026-11-22T10:00:00.000Z\","
		  "\"kind\":\"note\",\"incident\":\"I\"}" },
		{ "{\"v\":1,\"seq\":3,\"ts\":\"2026-11-22 10:00:00\","
		  "\"kind\":\"note\",\"incident\":\"I\"}" },
		{ "{\"v\":1,\"seq\":3,\"ts\":\"2026-13-22T10:00:00.000Z\","
		  "\"kind\":\"note\",\"incident\":\"I\"}" },
		{ "{\"v\":1,\"seq\":3,\"ts\":\"2026-11-22T10:00:00.000Z\","
		  "\"kind\":\"gossip\",\"incident\":\"I\"}" },
		{ "{\"v\":1,\"seq\":3,\"ts\":\"2026-11-22T10:00:00.000Z\","
		  "\"kind\":\"note\"}" },
		{ "{\"v\":1,\"seq\":3,\"ts\":\"2026-11-22T10:00:00.000Z\","
		  "\"kind\":\"note\",\"incident\":\"I\"}x" },
	};

	return cr_make_param_array(struct bad_line, lines,
				   sizeof(lines) / sizeof(lines[0]));
}

ParameterizedTest(struct bad_line *p, journal, parse_rejects)
{
	struct journal_rec r;
	struct err err;

	err_clear(&err);
	cr_assert_eq(journal_rec_parse(p->line, strlen(p->line), &r, &err),
		     -1, "accepted: %s", p->line);
	cr_assert_neq(err.msg[0], '\0');
}

Test(journal, parse_accepts_a_minimal_record)
{
	const char *line = "{\"v\":1,\"seq\":3,\"ts\":"
			   "\"2026-11-22T10:00:00.250Z\",\"kind\":\"alert\","
			   "\"incident\":\"I\"}";
	struct journal_rec r;

	cr_assert_eq(journal_rec_parse(line, strlen(line), &r, NULL), 0);
	cr_assert_eq(r.kind, TL_ALERT_OPEN);
	cr_assert_eq(r.ts_ms % 1000, 250);
	cr_assert_null(r.who);
	cr_assert_eq(r.ok, JOURNAL_OK_UNSET);
	journal_rec_finish(&r);
}

/* ---- writing ----------------------------------------------------------- */

Test(journal, create_is_exclusive_private_and_append_only)
{
	struct journal *j = open_new();
	struct journal_rec r = note("first"), *recs;
	struct stat st;
	struct err err;
	size_t n;

	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_null(journal_open(path, JOURNAL_CREATE, &err));
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(journal_append_sync(j, &r, &err), 1);
	r.text = (char *)"second";
	cr_assert_eq(journal_append_sync(j, &r, &err), 2);
	journal_close(j);

	/* Reopened, it continues after the last seq. */
	j = journal_open(path, 0, &err);
	cr_assert_not_null(j, "%s", err.msg);
	r.text = (char *)"third";
	cr_assert_eq(journal_append(j, &r), 3);
	cr_assert_eq(journal_flush(j), 0);
	journal_close(j);

	n = load(&recs, NULL);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(recs[0].text, "first");
	cr_assert_str_eq(recs[2].text, "third");
	cr_assert_eq(recs[2].seq, 3);
	journal_recs_free(recs, n);
}

Test(journal, open_refuses_missing_files_and_symlinks)
{
	char link[160];
	struct err err;
	struct journal *j;

	cr_assert_null(journal_open(path, 0, &err));
	cr_assert_eq(errno, ENOENT);
	cr_assert_neq(strstr(err.msg, "No such file"), NULL, "%s", err.msg);

	journal_close(open_new());
	snprintf(link, sizeof(link), "%s/link.jsonl", dir);
	cr_assert_eq(symlink(path, link), 0);
	j = journal_open(link, 0, &err);
	cr_assert_null(j);
}

static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t seen[1024];
static size_t n_seen;
static int fails_seen;

static void
on_write(void *ctx, const struct journal_rec *rec)
{
	(void)ctx;
	pthread_mutex_lock(&seen_lock);
	if (n_seen < 1024) {
		seen[n_seen++] = rec->seq;
	}
	pthread_mutex_unlock(&seen_lock);
}

static void
on_fail(void *ctx)
{
	(void)ctx;
	pthread_mutex_lock(&seen_lock);
	fails_seen++;
	pthread_mutex_unlock(&seen_lock);
}

struct appender {
	struct journal *j;
	int id;
};

static void *
append_many(void *arg)
{
	struct appender *a = arg;
	struct journal_rec r;
	struct err err;
	char text[32];
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(text, sizeof(text), "t%d %d", a->id, i);
		r = note(text);
		if (i % 10 == 9) {
			if (journal_append_sync(a->j, &r, &err) < 0) {
				return (void *)1;
			}
		} else if (journal_append(a->j, &r) == 0) {
			return (void *)1;
		}
	}
	return NULL;
}

Test(journal, threads_append_in_order_with_contiguous_seqs)
{
	struct journal *j = open_new();
	struct appender a[4];
	pthread_t th[4];
	struct journal_rec *recs;
	int next[4] = { 0 }, t, i;
	void *rc;
	size_t n, k;

	journal_set_callbacks(j, on_write, on_fail, NULL);
	for (t = 0; t < 4; t++) {
		a[t].j = j;
		a[t].id = t;
		pthread_create(&th[t], NULL, append_many, &a[t]);
	}
	for (t = 0; t < 4; t++) {
		pthread_join(th[t], &rc);
		cr_assert_null(rc);
	}
	cr_assert_eq(journal_flush(j), 0);
	cr_assert(journal_healthy(j, NULL, 0));
	journal_close(j);

	cr_assert_eq(n_seen, 400);
	for (k = 0; k < n_seen; k++) {
		cr_assert_eq(seen[k], k + 1, "on_write out of order");
	}
	n = load(&recs, NULL);
	cr_assert_eq(n, 400);
	for (k = 0; k < n; k++) {
		cr_assert_eq(recs[k].seq, k + 1);
		cr_assert_eq(sscanf(recs[k].text, "t%d %d", &t, &i), 2);
		cr_assert_eq(i, next[t]++, "thread %d out of order", t);
	}
	cr_assert_eq(fails_seen, 0);
	journal_recs_free(recs, n);
}

/* Thread ids of this process. */
static size_t
tasks(pid_t *out, size_t max)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	size_t n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL && n < max) {
		if (de->d_name[0] != '.') {
			out[n++] = atoi(de->d_name);
		}
	}
	closedir(d);
	return n;
}

Test(journal, writer_thread_blocks_signals)
{
	pid_t before[64], after[64];
	size_t nb = tasks(before, 64), na, i, k, checked = 0;
	struct journal *j = open_new();

	na = tasks(after, 64);
	for (i = 0; i < na; i++) {
		char p[96], line[256];
		unsigned long long blk = 0;
		bool old = false;
		FILE *f;

		for (k = 0; k < nb; k++) {
			old = old || before[k] == after[i];
		}
		if (old) {
			continue;
		}
		snprintf(p, sizeof(p), "/proc/self/task/%d/status", after[i]);
		f = fopen(p, "r");
		cr_assert_not_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			sscanf(line, "SigBlk: %llx", &blk);
		}
		fclose(f);
		for (int sig = 1; sig < 32; sig++) {
			if (sig == SIGKILL || sig == SIGSTOP) {
				continue;
			}
			cr_assert(blk & (1ULL << (sig - 1)),
				  "signal %d not blocked in the writer", sig);
		}
		checked++;
	}
	cr_assert_eq(checked, 1, "expected one new thread, saw %zu", checked);
	journal_close(j);
}

/* ---- torn lines -------------------------------------------------------- */

static void
write_file(const char *s)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(s, f);
	fclose(f);
	chmod(path, 0600);
}

static char *
two_records_and_a_torn_one(void)
{
	struct journal_rec r = note("one");
	char *a, *b, *c, *all;

	r.seq = 1;
	r.ts_ms = 1000;
	a = journal_rec_format(&r);
	r.seq = 2;
	r.text = (char *)"two";
	b = journal_rec_format(&r);
	r.seq = 3;
	r.text = (char *)"three, never finished";
	c = journal_rec_format(&r);
	c[strlen(c) - 7] = '\0';        /* cut inside the line */
	all = xasprintf("%s%s%s", a, b, c);
	free(a);
	free(b);
	free(c);
	return all;
}

Test(journal, load_ignores_and_reports_a_torn_last_line)
{
	struct journal_load_report rep;
	struct journal_rec *recs;
	char *content = two_records_and_a_torn_one();
	size_t n;

	write_file(content);
	n = load(&recs, &rep);
	cr_assert_eq(n, 2);
	cr_assert(rep.torn_tail);
	cr_assert_eq(rep.n_skipped, 1);
	cr_assert_eq(rep.first_bad_line, 3);
	cr_assert_eq(strncmp(rep.msg, "journal: ignored a torn last line (",
			     35), 0, "%s", rep.msg);
	cr_assert_str_eq(recs[1].text, "two");
	journal_recs_free(recs, n);
	free(content);
}

Test(journal, a_complete_json_without_newline_is_still_torn)
{
	struct journal_load_report rep;
	struct journal_rec r = note("x"), *recs;
	char *line;
	size_t n;

	r.seq = 1;
	line = journal_rec_format(&r);
	line[strlen(line) - 1] = '\0';
	write_file(line);
	n = load(&recs, &rep);
	cr_assert_eq(n, 0);
	cr_assert(rep.torn_tail);
	journal_recs_free(recs, n);
	free(line);
}

/* A torn last line is set aside whole in PATH.torn and cut off, so the
 * next record follows the last whole one and every line parses. */
Test(journal, appending_after_a_torn_line_sets_it_aside)
{
	struct journal_load_report rep;
	struct journal_rec r = note("after the crash"), *recs;
	char *content = two_records_and_a_torn_one();
	char torn_path[512], msg[ERR_MSG_MAX], got[512];
	const char *frag = strrchr(content, '\n') + 1;
	struct journal *j;
	struct err err;
	size_t n;
	FILE *f;

	write_file(content);
	j = journal_open(path, 0, &err);
	cr_assert_not_null(j, "%s", err.msg);
	cr_assert(journal_repaired(j, msg, sizeof(msg)));
	cr_assert_neq(strstr(msg, "was moved to"), NULL, "%s", msg);
	cr_assert_eq(journal_append_sync(j, &r, &err), 3, "%s", err.msg);
	journal_close(j);

	n = load(&recs, &rep);
	cr_assert_eq(n, 3);
	cr_assert_not(rep.torn_tail);
	cr_assert_eq(rep.n_skipped, 0, "%s", rep.msg);
	cr_assert_str_eq(recs[2].text, "after the crash");
	cr_assert_eq(recs[2].seq, 3);
	journal_recs_free(recs, n);

	snprintf(torn_path, sizeof(torn_path), "%s.torn", path);
	f = fopen(torn_path, "r");
	cr_assert_not_null(f, "no %s", torn_path);
	cr_assert_not_null(fgets(got, sizeof(got), f));
	fclose(f);
	cr_assert_eq(strncmp(got, frag, strlen(frag)), 0, "%s", got);
	cr_assert_str_eq(got + strlen(frag), "\n");
	free(content);
}

Test(journal, find_result_links_results_to_intents)
{
	struct journal_rec recs[3];

	memset(recs, 0, sizeof(recs));
	recs[0].seq = 1;
	recs[0].kind = TL_ACTION_INTENT;
	recs[1].seq = 2;
	recs[1].kind = TL_ACTION_INTENT;
	recs[2].seq = 3;
	recs[2].kind = TL_ACTION_RESULT;
	recs[2].intent_seq = 1;
	cr_assert_eq(journal_find_result(recs, 3, 1), &recs[2]);
	cr_assert_null(journal_find_result(recs, 3, 2), "outcome unknown");
}

/* ---- failures ---------------------------------------------------------- */

Test(journal, injected_disk_full_fails_sticky_and_keeps_old_records)
{
	struct journal *j = open_new();
	struct journal_rec r = note("ok"), *recs;
	struct journal_load_report rep;
	struct err err;
	char msg[ERR_MSG_MAX];
	size_t n;
	int i;

	journal_set_callbacks(j, on_write, on_fail, NULL);
	journal_set_fail_after(j, 3);
	for (i = 1; i <= 3; i++) {
		cr_assert_eq(journal_append_sync(j, &r, &err), i, "%s",
			     err.msg);
	}
	cr_assert(journal_healthy(j, msg, sizeof(msg)));
	r.text = (char *)"this one hits the full disk";
	cr_assert_eq(journal_append_sync(j, &r, &err), -1);
	cr_assert_str_eq(err.msg, ENOSPC_MSG);
	cr_assert_not(journal_healthy(j, msg, sizeof(msg)));
	cr_assert_str_eq(msg, ENOSPC_MSG);
	/* Sticky: nothing is queued any more. */
	cr_assert_eq(journal_append(j, &r), 0);
	cr_assert_eq(journal_append_sync(j, &r, &err), -1);
	cr_assert_str_eq(err.msg, ENOSPC_MSG);
	cr_assert_eq(journal_flush(j), -1);
	journal_close(j);
	cr_assert_eq(fails_seen, 1);
	cr_assert_eq(n_seen, 3);

	n = load(&recs, &rep);
	cr_assert_eq(n, 3);
	cr_assert_eq(rep.n_skipped, 0, "the half-written line was cut off");
	journal_recs_free(recs, n);
}

static const char *crasher(void);

/* A 64 KiB tmpfs in a private mount namespace, filled by the crasher until
 * the journal fails (the checks run in the crasher, a fresh process: a
 * forked copy of this one may not start threads). Returns the child's exit
 * code: 0 when every check passed, 77 when no tmpfs can be mounted. */
static int
real_disk_full(void)
{
	const char *exe = crasher();
	char mnt[80], jpath[128];
	int status;
	pid_t pid;

	snprintf(mnt, sizeof(mnt), "%s/tmpfs", dir);
	snprintf(jpath, sizeof(jpath), "%s/INC-20261122-001.jsonl", mnt);
	cr_assert_eq(mkdir(mnt, 0700), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		char *const args[] = { (char *)exe, (char *)"fill", jpath,
				       NULL };

		if (syscall(SYS_unshare, CLONE_NEWNS) != 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount("tmpfs", mnt, "tmpfs", 0,
			  "size=64k,mode=0700") != 0) {
			_exit(77);
		}
		execv(exe, args);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died: %d", status);
	return WEXITSTATUS(status);
}

Test(journal, real_full_disk_fails_with_a_clear_message)
{
	int rc = real_disk_full();

	if (rc == 77) {
		/* No private tmpfs here (not root, or no namespaces): the
		 * same checks with the injected failure. */
		struct journal *j = open_new();
		struct journal_rec r = note("x");
		struct err err;

		cr_log_warn("no private tmpfs; checking the injected ENOSPC");
		journal_set_fail_after(j, 0);
		cr_assert_eq(journal_append_sync(j, &r, &err), -1);
		cr_assert_str_eq(err.msg, ENOSPC_MSG);
		cr_assert_not(journal_healthy(j, NULL, 0));
		journal_close(j);
		return;
	}
	cr_assert_eq(rc, 0, "check %d failed in the child", rc);
}

/* ---- other processes ---------------------------------------------------- */

static const char *
crasher(void)
{
	const char *exe = getenv("JOURNAL_CRASHER");

	cr_assert_not_null(exe, "JOURNAL_CRASHER is not set (run through "
			   "meson test)");
	cr_assert_eq(access(exe, X_OK), 0, "%s is not built", exe);
	return exe;
}

/* Starts the crasher with args; its stdout goes to *out_fd (or /dev/null
 * when out_fd is NULL). */
static pid_t
spawn(const char *exe, char *const args[], int *out_fd)
{
	int fds[2];
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(exe, args);
		_exit(127);
	}
	close(fds[1]);
	if (out_fd != NULL) {
		*out_fd = fds[0];
	} else {
		close(fds[0]);
	}
	return pid;
}

/* The detail the crasher writes for record i of a kind with step. */
static bool
detail_ok(const char *detail, unsigned long i, unsigned long step,
	  unsigned long mod)
{
	size_t len = (i * step) % mod, k;

	if (strlen(detail) != len) {
		return false;
	}
	for (k = 0; k < len; k++) {
		if (detail[k] != (char)('a' + (i + k) % 26)) {
			return false;
		}
	}
	return true;
}

/* Reads fd into buf (cap bytes, *len so far) until a whole line that
 * starts with c has arrived; false on a 10 s timeout or EOF. */
static bool
wait_line(int fd, char c, char *buf, size_t *len, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t start = *len;
	char b;

	while (*len + 1 < cap && poll(&p, 1, 10000) == 1) {
		if (read(fd, &b, 1) != 1) {
			return false;
		}
		buf[(*len)++] = b;
		if (b != '\n') {
			continue;
		}
		if (buf[start] == c) {
			return true;
		}
		start = *len;
	}
	return false;
}

Test(journal, kill_9_never_loses_an_acknowledged_record)
{
	const char *exe = crasher();
	char *const args[] = { (char *)exe, (char *)"loop", path, NULL };
	const char *env = getenv("JOURNAL_CRASH_SEED");
	unsigned int seed = env ? (unsigned)strtoul(env, NULL, 10)
				: (unsigned)time(NULL) ^ (unsigned)getpid();
	struct journal_load_report rep;
	struct journal_rec *recs;
	size_t n, k, torn = 0;
	int64_t acked_max = 0;
	int round;

	fprintf(stderr, "kill -9 test: JOURNAL_CRASH_SEED=%u\n", seed);
	for (round = 0; round < 30; round++) {
		struct timespec ts;
		char buf[4096], *p, *line;
		size_t len = 0;
		ssize_t got;
		int fd, status, delay_ms = (int)(rand_r(&seed) % 21);
		pid_t pid = spawn(exe, args, &fd);

		cr_assert(wait_line(fd, 'R', buf, &len, sizeof(buf)),
			  "crasher did not start (seed %u)", seed);
		/* Odd rounds count the delay from the first acknowledged
		 * record, so that a slow machine still gets kills while
		 * records are being written. */
		if (round % 2 == 1) {
			cr_assert(wait_line(fd, 'A', buf, &len, sizeof(buf)),
				  "nothing acknowledged (seed %u)", seed);
		}
		ts.tv_sec = 0;
		ts.tv_nsec = delay_ms * 1000000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			  "crasher ended on its own: %d", status);
		while ((got = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
			len += (size_t)got;
			if (len == sizeof(buf) - 1) {
				/* Keep the last lines only. */
				memmove(buf, buf + len / 2, len - len / 2);
				len -= len / 2;
			}
		}
		close(fd);
		buf[len] = '\0';
		for (p = buf; (line = strstr(p, "A ")) != NULL; p = line + 2) {
			long long s;

			if (strchr(line, '\n') != NULL &&
			    sscanf(line, "A %lld", &s) == 1 && s > acked_max) {
				acked_max = s;
			}
		}

		n = load(&recs, &rep);
		cr_assert((int64_t)n >= acked_max,
			  "round %d: %zu records, %lld acknowledged (seed %u)",
			  round, n, (long long)acked_max, seed);
		for (k = 0; k < n; k++) {
			unsigned long i;

			cr_assert_eq(recs[k].seq, k + 1,
				     "round %d: seq gap at %zu (seed %u)",
				     round, k, seed);
			cr_assert_eq(sscanf(recs[k].text, "record %lu", &i), 1);
			cr_assert(detail_ok(recs[k].detail, i, 997, 9000),
				  "round %d: record %zu damaged (seed %u)",
				  round, k, seed);
		}
		torn += rep.torn_tail;
		journal_recs_free(recs, n);
	}
	cr_assert_gt(acked_max, 0, "nothing was ever acknowledged");
	fprintf(stderr, "kill -9 test: acknowledged up to %lld, torn tails "
		"seen %zu\n", (long long)acked_max, torn);
}

Test(journal, two_processes_never_interleave)
{
	const char *exe = crasher();
	char *const a[] = { (char *)exe, (char *)"count", path, (char *)"150",
			    (char *)"A", NULL };
	char *const b[] = { (char *)exe, (char *)"count", path, (char *)"150",
			    (char *)"B", NULL };
	struct journal_load_report rep;
	struct journal_rec *recs;
	unsigned long next_a = 0, next_b = 0, i;
	int status;
	pid_t pa, pb;
	size_t n, k;

	journal_close(open_new());
	pa = spawn(exe, a, NULL);
	pb = spawn(exe, b, NULL);
	cr_assert_eq(waitpid(pa, &status, 0), pa);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(waitpid(pb, &status, 0), pb);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	n = load(&recs, &rep);
	cr_assert_eq(rep.n_skipped, 0, "%s", rep.msg);
	cr_assert_eq(n, 300);
	for (k = 0; k < n; k++) {
		unsigned long *next;

		cr_assert_eq(recs[k].seq, k + 1, "seq %llu at %zu",
			     (unsigned long long)recs[k].seq, k);
		next = strcmp(recs[k].source, "A") == 0 ? &next_a : &next_b;
		cr_assert_eq(sscanf(recs[k].text, "record %lu", &i), 1);
		cr_assert_eq(i, (*next)++);
		cr_assert(detail_ok(recs[k].detail, i, 389, 6000));
	}
	cr_assert_eq(next_a, 150);
	cr_assert_eq(next_b, 150);
	journal_recs_free(recs, n);
}
