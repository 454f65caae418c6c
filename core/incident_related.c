/* Related incidents: the earlier journals of a directory that share a
 * source or a finding with an incident, for its post-mortem. Reads files:
 * the incident's worker or warroom report, never the UI thread. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/export.h"
#include "core/incident.h"
#include "core/journal.h"
#include "core/xalloc.h"

/* The most recent journals looked at: a directory of years of incidents
 * must not make an export slow. */
#define RELATED_SCAN_MAX 64

static int
cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* Ids of the journals in dir older than id, newest first; the caller
 * frees them. */
static size_t
earlier_ids(const char *dir, const char *id, char ***out)
{
	char **v = NULL, name[24];
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir(dir);

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 22 ||
		    strcmp(de->d_name + 16, ".jsonl") != 0) {
			continue;
		}
		memcpy(name, de->d_name, 16);
		name[16] = '\0';
		if (!incident_id_valid(name) || strcmp(name, id) >= 0) {
			continue;
		}
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xstrdup(name);
	}
	if (d != NULL) {
		closedir(d);
	}
	if (n > 1) {
		qsort(v, n, sizeof(*v), cmp_desc);
	}
	*out = v;
	return n;
}

static bool
has_source(const struct journal_rec *r)
{
	return r->source != NULL && r->source[0] != '\0';
}

/* What a finding is across incidents: its source and rule ("pg-blocked"),
 * or the alert it is. */
static bool
same_finding(const struct journal_rec *a, const struct journal_rec *b)
{
	size_t la, lb;

	if (a->key == NULL || b->key == NULL || a->source == NULL ||
	    b->source == NULL || strcmp(a->source, b->source) != 0) {
		return false;
	}
	if (strncmp(a->key, "alert:", 6) == 0) {
		return a->subject != NULL && b->subject != NULL &&
		       strcmp(a->subject, b->subject) == 0;
	}
	la = strcspn(a->key, ":");
	lb = strcspn(b->key, ":");
	return la == lb && strncmp(a->key, b->key, la) == 0;
}

static bool
is_opening(const struct journal_rec *r)
{
	return r->event == NULL && r->key != NULL &&
	       (r->kind == TL_FINDING_OPEN || r->kind == TL_ALERT_OPEN);
}

/* Why they are related, into why; false when they are not. */
static bool
related(const struct journal_rec *mine, size_t n,
	const struct journal_rec *theirs, size_t m, char *why, size_t len)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!is_opening(&mine[i])) {
			continue;
		}
		for (j = 0; j < m; j++) {
			if (is_opening(&theirs[j]) &&
			    same_finding(&mine[i], &theirs[j])) {
				snprintf(why, len, "same finding: %s on %s",
					 theirs[j].subject != NULL ?
					 theirs[j].subject : theirs[j].key,
					 theirs[j].source);
				return true;
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (!has_source(&mine[i]) || mine[i].key == NULL) {
			continue;
		}
		for (j = 0; j < m; j++) {
			if (theirs[j].key != NULL && has_source(&theirs[j]) &&
			    strcmp(mine[i].source, theirs[j].source) == 0) {
				snprintf(why, len, "same source: %s",
					 theirs[j].source);
				return true;
			}
		}
	}
	return false;
}

size_t
incident_related(const char *dir, const char *id,
		 const struct journal_rec *recs, size_t n,
		 struct export_related **out)
{
	struct export_related *v = NULL;
	struct journal_rec *theirs;
	char **ids, *path, why[192];
	size_t k, i, j, m, found = 0;

	k = earlier_ids(dir, id, &ids);
	for (i = 0; i < k && i < RELATED_SCAN_MAX; i++) {
		path = xasprintf("%s/%s.jsonl", dir, ids[i]);
		if (journal_load(path, &theirs, &m, NULL, NULL) == 0) {
			if (related(recs, n, theirs, m, why, sizeof(why))) {
				v = xreallocarray(v, found + 1, sizeof(*v));
				memset(&v[found], 0, sizeof(*v));
				strlcpy_safe(v[found].id, ids[i],
					     sizeof(v[found].id));
				strlcpy_safe(v[found].why, why,
					     sizeof(v[found].why));
				for (j = 0; j < m; j++) {
					if (theirs[j].event == NULL ||
					    strcmp(theirs[j].event,
						   "declare") != 0) {
						continue;
					}
					strlcpy_safe(v[found].title,
						     theirs[j].title ?
						     theirs[j].title : "",
						     sizeof(v[found].title));
					strlcpy_safe(v[found].severity,
						     theirs[j].severity ?
						     theirs[j].severity : "",
						     sizeof(v[found].severity));
					v[found].declared_ms = theirs[j].ts_ms;
					break;
				}
				found++;
			}
			journal_recs_free(theirs, m);
		}
		free(path);
	}
	for (i = 0; i < k; i++) {
		free(ids[i]);
	}
	free(ids);
	*out = v;
	return found;
}
