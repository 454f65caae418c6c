/* The exports the incident's worker writes (see incident_rt.h): the
 * post-mortem and status updates drafted from the journal, with the
 * related incidents of its directory, saved beside it. The worker thread
 * only: it waits for the disk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/export.h"
#include "core/incident_rt_internal.h"
#include "core/journal.h"
#include "core/xalloc.h"

static int
write_file(const char *path, const char *text, struct err *err)
{
	size_t len = strlen(text), off = 0;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		return err_set(err, "cannot write %s: %s", path,
			       strerror(errno));
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			rc = err_set(err, "cannot write %s: %s", path,
				     strerror(n < 0 ? errno : EIO));
			break;
		}
		off += (size_t)n;
	}
	if (rc == 0 && fsync(fd) < 0) {
		rc = err_set(err, "cannot write %s: %s", path,
			     strerror(errno));
	}
	close(fd);
	return rc;
}

/* The directory of the incident's journal file. */
static char *
journal_dir_of(struct incident *inc)
{
	const char *path = journal_path(incident_journal(inc));
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		return xstrdup(".");
	}
	return xstrndup(path, (size_t)(slash - path));
}

/* The post-mortem (kind < 0, with the related incidents of dir) or a
 * status update in format kind. */
static char *
draft(const struct incident_info *info, const struct journal_rec *recs,
      size_t n, const char *dir, int64_t now, int kind)
{
	struct export_related *rel = NULL;
	char *buf = NULL;
	size_t len = 0, n_rel;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL) {
		return xstrdup("");
	}
	if (kind < 0) {
		n_rel = incident_related(dir, info->id, recs, n, &rel);
		export_postmortem(info, recs, n, rel, n_rel, f);
		free(rel);
	} else {
		export_status_update(info, recs, n, info->last_update_ms, now,
				     (enum export_format)kind, f);
	}
	fclose(f);
	return buf;
}

void
incident_rt_run_export(struct job *job)
{
	struct incident_info info;
	struct journal_rec *recs;
	struct err err = { { 0 } };
	size_t n;
	char *dir, *file;
	bool flushed;

	/* Everything queued so far reaches the records first. */
	flushed = journal_flush(incident_journal(job->inc)) == 0;
	incident_get(job->inc, &info);
	recs = incident_records(job->inc, &n);
	dir = journal_dir_of(job->inc);
	if (job->kind == INCIDENT_RT_POSTMORTEM) {
		job->text = draft(&info, recs, n, dir, 0, -1);
		job->path = xasprintf("%s/%s-postmortem.md", dir, info.id);
		file = xstrdup(job->text);
	} else {
		int64_t now = clock_wall_ms();

		job->text = draft(&info, recs, n, dir, now, EXPORT_SLACK);
		job->email = draft(&info, recs, n, dir, now, EXPORT_EMAIL);
		job->update_no = info.n_updates + 1;
		job->path = xasprintf("%s/%s-update-%d.txt", dir, info.id,
				      job->update_no);
		file = xasprintf("Slack\n-----\n%s\nEmail\n-----\n%s",
				 job->text, job->email);
	}
	job->ok = write_file(job->path, file, &err) == 0;
	if (!job->ok) {
		snprintf(job->msg, sizeof(job->msg), "%s", err.msg);
	} else if (!flushed) {
		snprintf(job->msg, sizeof(job->msg), "the journal failed: "
			 "records not written are missing");
	}
	free(file);
	free(dir);
	journal_recs_free(recs, n);
	incident_info_finish(&info);
}
