/* The incident journal: JSON Lines records appended and fsynced by a writer
 * thread, and read back (the records themselves, their JSON, are
 * core/journal_rec.c). journal_append/append_sync/flush/healthy from any
 * thread; journal_open/close/load do blocking I/O (main thread or a
 * worker).
 *
 * DESIGN
 * ------
 * As in redis's bio.c: callers push a deep copy of each record onto a queue
 * under a mutex and signal a condition variable; the writer pops one record
 * at a time, writes it and fsyncs it, then marks it done and broadcasts a
 * second condition variable that journal_append_sync() and journal_flush()
 * wait on. A record counts as written only after its fsync returned.
 *
 * Crash safety. Each record is one line handed to one write() call on an
 * O_APPEND descriptor while the writer holds flock(LOCK_EX), so two
 * processes appending to one file never interleave (O_APPEND alone does not
 * promise that for regular files). A process killed mid-write can leave a
 * torn last line: journal_load() ignores it, and the next writer (or the
 * next open) moves it to PATH.torn and cuts the file back to its last
 * whole record, so that new records never follow a fragment. A write that
 * fails half-way (a full disk) is cut off again with ftruncate.
 * Seqs come from the file: under the lock the writer compares the file size
 * with where its own last write ended and, when another process appended
 * meanwhile, reads the new lines to continue after their highest seq.
 *
 * Failure is sticky: after the first failed write or fsync every record is
 * refused with the same message, and journal_healthy() says so, because an
 * action that cannot be journaled must not run and a note that cannot be
 * written must not be acknowledged.
 *
 * The writer thread is created with every signal blocked. */
#include "core/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/xalloc.h"

/* A sync caller's slot, on its stack; filled by the writer under lock. */
struct journal_wait {
	bool done;
	int64_t seq;            /* -1 when not written */
	char msg[ERR_MSG_MAX];
};

struct journal_item {
	struct journal_rec rec;
	uint64_t ticket;
	struct journal_wait *wait;      /* NULL for journal_append() */
	struct journal_item *next;
};

struct journal {
	char *path;
	int fd;
	pthread_t thread;

	pthread_mutex_t lock;   /* guards everything down to the writer part */
	pthread_cond_t work;    /* an item was queued, or stop was set */
	pthread_cond_t done;    /* an item was written or refused */
	struct journal_item *head, *tail;
	uint64_t last_ticket;   /* the ticket of the newest queued item */
	uint64_t done_ticket;   /* every item up to this one is finished */
	bool stop;
	bool failed;
	char fail_msg[ERR_MSG_MAX];
	char repair[ERR_MSG_MAX];       /* what scan_tail() set aside */
	long fail_after;        /* test hook, -1 when off */
	void (*on_write)(void *ctx, const struct journal_rec *rec);
	void (*on_fail)(void *ctx);
	void *ctx;

	/* The writer's own (journal_open before the thread starts, then
	 * only the writer thread). */
	off_t end;              /* file size after our last write or scan */
	uint64_t last_seq;      /* highest seq in the file up to end */
};

/* ---- file helpers ------------------------------------------------------ */

/* Reads fd[from, to) into a new buffer (NUL-terminated); NULL on error. */
static char *
read_range(int fd, off_t from, off_t to)
{
	size_t len = (size_t)(to - from), got = 0;
	char *buf = xmalloc(len + 1);
	ssize_t r;

	while (got < len) {
		r = pread(fd, buf + got, len - got, from + (off_t)got);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			if (r == 0) {
				errno = EIO;
			}
			free(buf);
			return NULL;
		}
		got += (size_t)r;
	}
	buf[len] = '\0';
	return buf;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len > 0) {
		r = write(fd, buf, len);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			if (r == 0) {
				errno = ENOSPC;
			}
			return -1;
		}
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

static int
lock_fd(int fd, int op)
{
	while (flock(fd, op) != 0) {
		if (errno != EINTR) {
			return -1;
		}
	}
	return 0;
}

static int
fsync_dir_of(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int fd, rc, saved;

	if (slash == dir) {
		slash[1] = '\0';
	} else if (slash != NULL) {
		*slash = '\0';
	} else {
		strcpy(dir, ".");
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0) {
		return -1;
	}
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* Appends a torn line (and a '\n') to PATH.torn beside the journal, made
 * 0600 when new, and fsyncs it. Returns 0, or -1 with errno set. */
static int
set_aside(struct journal *j, const char *frag, size_t len)
{
	char *path = xasprintf("%s.torn", j->path);
	int fd, rc = 0, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
		  O_NOFOLLOW, 0600);
	if (fd < 0 || write_all(fd, frag, len) != 0 ||
	    write_all(fd, "\n", 1) != 0 || fsync(fd) != 0 ||
	    fsync_dir_of(path) != 0) {
		rc = -1;
	}
	saved = errno;
	if (fd >= 0) {
		close(fd);
	}
	free(path);
	errno = saved;
	return rc;
}

/* The writer's catch-up, with the file locked: reads the lines between
 * j->end and size for their highest seq. A torn last line (a writer died
 * inside write()) is moved to PATH.torn and the file cut back to its last
 * whole record, so that new records never follow a fragment. A file
 * shorter than j->end (cut by another writer) is read again from the
 * start. Returns 0, or -1 with errno set. */
static int
scan_tail(struct journal *j, off_t size)
{
	struct journal_rec rec;
	off_t from = j->end;
	size_t len, pos = 0;
	const char *nl;
	char *buf;

	if (size < from) {
		from = 0;
		j->last_seq = 0;
	}
	if (size == from) {
		j->end = size;
		return 0;
	}
	buf = read_range(j->fd, from, size);
	if (buf == NULL) {
		return -1;
	}
	len = (size_t)(size - from);
	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		if (nl == NULL) {
			break;
		}
		if (journal_rec_parse(buf + pos, (size_t)(nl - buf) - pos, &rec,
				      NULL) == 0) {
			if (rec.seq > j->last_seq) {
				j->last_seq = rec.seq;
			}
			journal_rec_finish(&rec);
		}
		pos = (size_t)(nl - buf) + 1;
	}
	if (pos < len) {
		if (set_aside(j, buf + pos, len - pos) != 0 ||
		    ftruncate(j->fd, from + (off_t)pos) != 0 ||
		    fsync(j->fd) != 0) {
			int saved = errno;

			free(buf);
			errno = saved;
			return -1;
		}
		pthread_mutex_lock(&j->lock);
		snprintf(j->repair, sizeof(j->repair), "a torn last line "
			 "(%zu bytes) was moved to %s.torn", len - pos,
			 j->path);
		pthread_mutex_unlock(&j->lock);
		size = from + (off_t)pos;
	}
	free(buf);
	j->end = size;
	return 0;
}

/* Writes one record under the file lock and fsyncs it. Returns 0, or -1
 * with errno set and *what naming the failing step. */
static int
write_record(struct journal *j, struct journal_rec *rec, bool inject_enospc,
	     const char **what)
{
	struct stat st;
	char *line;
	size_t len;
	int saved;

	*what = "write";
	if (lock_fd(j->fd, LOCK_EX) != 0) {
		*what = "lock";
		return -1;
	}
	if (fstat(j->fd, &st) != 0) {
		goto fail_unlock;
	}
	if (st.st_size != j->end && scan_tail(j, st.st_size) != 0) {
		goto fail_unlock;
	}
	rec->seq = j->last_seq + 1;
	line = journal_rec_format(rec);
	len = strlen(line);
	if (inject_enospc) {
		/* What a full disk does: part of the line, then ENOSPC. */
		(void)write_all(j->fd, line, len / 2);
		errno = ENOSPC;
		goto fail_cut;
	}
	if (write_all(j->fd, line, len) != 0) {
		goto fail_cut;
	}
	free(line);
	j->end += (off_t)len;
	j->last_seq = rec->seq;
	if (fsync(j->fd) != 0) {
		*what = "fsync";
		goto fail_unlock;
	}
	lock_fd(j->fd, LOCK_UN);
	return 0;

fail_cut:
	saved = errno;
	free(line);
	/* Drop the partial line so the file still ends on a record; if that
	 * fails too it stays a torn line, which load and the next writer
	 * (finding the file longer than j->end) skip. */
	(void)!ftruncate(j->fd, j->end);
	errno = saved;
fail_unlock:
	saved = errno;
	lock_fd(j->fd, LOCK_UN);
	errno = saved;
	return -1;
}

/* ---- writer thread ----------------------------------------------------- */

static void
item_free(struct journal_item *it)
{
	journal_rec_finish(&it->rec);
	free(it);
}

static void *
writer_main(void *arg)
{
	struct journal *j = arg;
	struct journal_item *it;
	void (*on_write)(void *, const struct journal_rec *);
	void (*on_fail)(void *);
	void *ctx;
	const char *what = "write";
	bool was_failed, inject, newly_failed;
	int rc, errnum;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		while (j->head == NULL && !j->stop) {
			pthread_cond_wait(&j->work, &j->lock);
		}
		if (j->head == NULL) {
			break;
		}
		it = j->head;
		j->head = it->next;
		if (j->head == NULL) {
			j->tail = NULL;
		}
		was_failed = j->failed;
		inject = j->fail_after == 0;
		if (j->fail_after >= 0) {
			j->fail_after--;
		}
		on_write = j->on_write;
		on_fail = j->on_fail;
		ctx = j->ctx;
		pthread_mutex_unlock(&j->lock);

		rc = -1;
		errnum = 0;
		if (!was_failed) {
			rc = write_record(j, &it->rec, inject, &what);
			errnum = errno;
		}
		if (rc == 0 && on_write != NULL) {
			on_write(ctx, &it->rec);
		}

		pthread_mutex_lock(&j->lock);
		newly_failed = rc != 0 && !j->failed;
		if (newly_failed) {
			j->failed = true;
			snprintf(j->fail_msg, sizeof(j->fail_msg),
				 "journal %s failed: %s", what,
				 strerror(errnum));
		}
		if (it->wait != NULL) {
			it->wait->seq = rc == 0 ? (int64_t)it->rec.seq : -1;
			if (rc != 0) {
				strlcpy_safe(it->wait->msg, j->fail_msg,
					     sizeof(it->wait->msg));
			}
			it->wait->done = true;
		}
		j->done_ticket = it->ticket;
		pthread_cond_broadcast(&j->done);
		pthread_mutex_unlock(&j->lock);

		if (newly_failed && on_fail != NULL) {
			on_fail(ctx);
		}
		item_free(it);
		pthread_mutex_lock(&j->lock);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

/* ---- public ------------------------------------------------------------ */

struct journal *
journal_open(const char *path, int flags, struct err *err)
{
	struct journal *j;
	struct stat st;
	sigset_t all, old;
	int fd, oflags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW, saved;

	if (flags & JOURNAL_CREATE) {
		oflags |= O_CREAT | O_EXCL;
	}
	fd = open(path, oflags, 0600);
	if (fd < 0) {
		saved = errno;
		err_set(err, "journal %s: %s", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	if ((flags & JOURNAL_CREATE) && (fsync(fd) != 0 ||
					 fsync_dir_of(path) != 0)) {
		saved = errno;
		close(fd);
		unlink(path);
		err_set(err, "journal %s: fsync: %s", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		saved = EINVAL;
		close(fd);
		err_set(err, "journal %s: not a regular file", path);
		errno = saved;
		return NULL;
	}

	j = xcalloc(1, sizeof(*j));
	j->path = xstrdup(path);
	j->fd = fd;
	j->fail_after = -1;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->work, NULL);
	pthread_cond_init(&j->done, NULL);

	/* Learn the last seq (and set a torn line aside) before the first
	 * ticket. */
	if (lock_fd(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0 ||
	    scan_tail(j, st.st_size) != 0) {
		j->failed = true;
		snprintf(j->fail_msg, sizeof(j->fail_msg),
			 "journal read failed: %s", strerror(errno));
	}
	lock_fd(fd, LOCK_UN);
	j->last_ticket = j->last_seq;
	j->done_ticket = j->last_seq;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&j->thread, NULL, writer_main, j) != 0) {
		abort();
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return j;
}

void
journal_close(struct journal *j)
{
	if (j == NULL) {
		return;
	}
	pthread_mutex_lock(&j->lock);
	j->stop = true;
	pthread_cond_signal(&j->work);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	close(j->fd);
	pthread_cond_destroy(&j->work);
	pthread_cond_destroy(&j->done);
	pthread_mutex_destroy(&j->lock);
	free(j->path);
	free(j);
}

void
journal_set_callbacks(struct journal *j,
		      void (*on_write)(void *ctx,
				       const struct journal_rec *rec),
		      void (*on_fail)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&j->lock);
	j->on_write = on_write;
	j->on_fail = on_fail;
	j->ctx = ctx;
	pthread_mutex_unlock(&j->lock);
}

/* Queues a copy of rec; called with j->lock held. */
static uint64_t
enqueue(struct journal *j, const struct journal_rec *rec,
	struct journal_wait *wait)
{
	struct journal_item *it = xcalloc(1, sizeof(*it));

	journal_rec_copy(&it->rec, rec);
	it->rec.v = JOURNAL_VERSION;
	if (it->rec.ts_ms == 0) {
		it->rec.ts_ms = clock_wall_ms();
	}
	it->wait = wait;
	it->ticket = ++j->last_ticket;
	if (j->tail != NULL) {
		j->tail->next = it;
	} else {
		j->head = it;
	}
	j->tail = it;
	pthread_cond_signal(&j->work);
	return it->ticket;
}

uint64_t
journal_append(struct journal *j, const struct journal_rec *rec)
{
	uint64_t ticket = 0;

	pthread_mutex_lock(&j->lock);
	if (!j->failed && !j->stop) {
		ticket = enqueue(j, rec, NULL);
	}
	pthread_mutex_unlock(&j->lock);
	return ticket;
}

int64_t
journal_append_sync(struct journal *j, const struct journal_rec *rec,
		    struct err *err)
{
	struct journal_wait wait = { .done = false, .seq = -1 };

	pthread_mutex_lock(&j->lock);
	if (j->failed || j->stop) {
		err_set(err, "%s", j->failed ? j->fail_msg
					     : "journal is closing");
		pthread_mutex_unlock(&j->lock);
		return -1;
	}
	enqueue(j, rec, &wait);
	while (!wait.done) {
		pthread_cond_wait(&j->done, &j->lock);
	}
	pthread_mutex_unlock(&j->lock);
	if (wait.seq < 0) {
		err_set(err, "%s", wait.msg);
	}
	return wait.seq;
}

int
journal_flush(struct journal *j)
{
	uint64_t upto;
	int rc;

	pthread_mutex_lock(&j->lock);
	upto = j->last_ticket;
	while (j->done_ticket < upto) {
		pthread_cond_wait(&j->done, &j->lock);
	}
	rc = j->failed ? -1 : 0;
	pthread_mutex_unlock(&j->lock);
	return rc;
}

bool
journal_healthy(struct journal *j, char *msg, size_t n)
{
	bool ok;

	pthread_mutex_lock(&j->lock);
	ok = !j->failed;
	if (msg != NULL && n > 0) {
		strlcpy_safe(msg, j->fail_msg, n);
	}
	pthread_mutex_unlock(&j->lock);
	return ok;
}

const char *
journal_path(const struct journal *j)
{
	return j->path;
}

bool
journal_repaired(struct journal *j, char *msg, size_t n)
{
	bool any;

	pthread_mutex_lock(&j->lock);
	any = j->repair[0] != '\0';
	if (msg != NULL && n > 0) {
		strlcpy_safe(msg, j->repair, n);
	}
	pthread_mutex_unlock(&j->lock);
	return any;
}

void
journal_set_fail_after(struct journal *j, long n)
{
	pthread_mutex_lock(&j->lock);
	j->fail_after = n;
	pthread_mutex_unlock(&j->lock);
}

/* ---- load -------------------------------------------------------------- */

int
journal_load(const char *path, struct journal_rec **out, size_t *n,
	     struct journal_load_report *rep, struct err *err)
{
	struct journal_load_report local;
	struct journal_rec *recs = NULL;
	size_t cap = 0, count = 0, torn_len = 0;
	const char *p, *nl, *stop;
	struct stat st;
	char *buf;
	int fd, saved;

	if (rep == NULL) {
		rep = &local;
	}
	memset(rep, 0, sizeof(*rep));
	*out = NULL;
	*n = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		saved = errno;
		if (fd >= 0) {
			close(fd);
		}
		return err_set(err, "journal %s: %s", path, strerror(saved));
	}
	buf = read_range(fd, 0, st.st_size);
	saved = errno;
	close(fd);
	if (buf == NULL) {
		return err_set(err, "journal %s: %s", path, strerror(saved));
	}

	p = buf;
	stop = buf + st.st_size;
	while (p < stop) {
		struct journal_rec rec;

		nl = memchr(p, '\n', (size_t)(stop - p));
		rep->n_lines++;
		if (nl == NULL) {
			/* No '\n': the write never finished. */
			rep->torn_tail = true;
			torn_len = (size_t)(stop - p);
		} else if (journal_rec_parse(p, (size_t)(nl - p), &rec,
					     NULL) == 0) {
			if (count == cap) {
				cap = cap ? cap * 2 : 64;
				recs = xreallocarray(recs, cap, sizeof(*recs));
			}
			recs[count++] = rec;
			p = nl + 1;
			continue;
		}
		rep->n_skipped++;
		if (rep->first_bad_line == 0) {
			rep->first_bad_line = rep->n_lines;
		}
		if (nl == NULL) {
			break;
		}
		p = nl + 1;
	}
	free(buf);

	if (rep->torn_tail && rep->n_skipped == 1) {
		snprintf(rep->msg, sizeof(rep->msg),
			 "journal: ignored a torn last line (%zu bytes) at "
			 "line %zu", torn_len, rep->n_lines);
	} else if (rep->n_skipped > 0) {
		snprintf(rep->msg, sizeof(rep->msg),
			 "journal: skipped %zu invalid line%s, first at line "
			 "%zu%s", rep->n_skipped,
			 rep->n_skipped == 1 ? "" : "s",
			 rep->first_bad_line,
			 rep->torn_tail ? " (the last one torn)" : "");
	}
	*out = recs;
	*n = count;
	return 0;
}
