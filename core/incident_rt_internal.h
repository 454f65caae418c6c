/* What core/incident_rt.c (the holder, the gate, the worker) and
 * core/incident_rt_export.c (the exports it writes) share: a job of the
 * worker. Included by those two files only. */
#ifndef WARROOM_INCIDENT_RT_INTERNAL_H
#define WARROOM_INCIDENT_RT_INTERNAL_H

#include <stdbool.h>

#include "core/err.h"
#include "core/incident.h"
#include "core/incident_rt.h"

/* A title as long as struct incident_info keeps (and a dialog's input). */
#define TEXT_MAX 256

struct job {
	enum incident_rt_job kind;
	struct job *next;
	/* INCIDENT_RT_DECLARE */
	char *dir;
	char title[TEXT_MAX];
	enum incident_sev sev;
	char commander[TEXT_MAX];       /* "" for $USER */
	bool security;
	struct incident *declared;
	/* changes */
	enum incident_status status;
	char channel[16];
	char *change;                   /* note, impact or update text */
	/* exports */
	struct incident *inc;
	char *text;
	char *email;
	char *path;
	int update_no;
	/* results */
	bool ok;
	char msg[ERR_MSG_MAX + 64];
};

/* Writes job's export (its kind: the post-mortem or a status update)
 * beside the incident's journal, into job's text, email, path, ok and msg.
 * The worker thread: waits for the disk. */
void incident_rt_run_export(struct job *job);

#endif
